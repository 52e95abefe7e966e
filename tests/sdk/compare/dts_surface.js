// Print the user-visible API surface of TypeScript declaration files (.d.ts) as JSON, using the
// TypeScript compiler's parser. Usage: node dts_surface.js <dir with .d.ts files> <file>...
"use strict";
const fs = require("fs");
const path = require("path");
const ts = require("typescript");

function memberName(m) {
    return m.name && (ts.isIdentifier(m.name) || ts.isStringLiteral(m.name)) ? m.name.text : undefined;
}

function isStatic(m) {
    return (ts.getModifiers(m) || []).some((x) => x.kind === ts.SyntaxKind.StaticKeyword);
}

function surfaceOf(file) {
    const text = fs.readFileSync(file, "utf8");
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const out = {};
    for (const st of sf.statements) {
        if (ts.isClassDeclaration(st) && st.name) {
            const c = { kind: "class", props: [], statics: [], ctors: [] };
            for (const m of st.members) {
                const n = memberName(m);
                if (ts.isConstructorDeclaration(m)) {
                    c.ctors.push(m.parameters.map((p) => p.name.getText(sf) + (p.questionToken ? "?" : "") + ": " + (p.type ? p.type.getText(sf) : "")));
                } else if (ts.isPropertyDeclaration(m) && n && !n.startsWith("__")) {
                    (isStatic(m) ? c.statics : c.props).push(n);
                } else if (ts.isMethodDeclaration(m) && n) {
                    (isStatic(m) ? c.statics : c.props).push(n + "()");
                }
            }
            c.props.sort();
            c.statics.sort();
            out[st.name.text] = c;
        } else if (ts.isInterfaceDeclaration(st)) {
            const i = { kind: "interface", props: [] };
            for (const m of st.members) {
                const n = memberName(m);
                if (n) {
                    i.props.push(n + (m.questionToken ? "?" : ""));
                }
            }
            i.props.sort();
            out[st.name.text] = i;
        } else if (ts.isFunctionDeclaration(st) && st.name) {
            const params = st.parameters.map((p) => p.name.getText(sf) + (p.questionToken ? "?" : "") + ": " + (p.type ? p.type.getText(sf) : ""));
            out[st.name.text] = { kind: "function", signature: "(" + params.join(", ") + "): " + (st.type ? st.type.getText(sf) : "") };
        } else if (ts.isExportDeclaration(st) && st.exportClause && ts.isNamedExports(st.exportClause)) {
            // `export { XArgs, XState } from "./x"` (official) and `export type { ... }` (ours) alike.
            for (const e of st.exportClause.elements) {
                out[e.name.text] = out[e.name.text] || { kind: "export" };
            }
        } else if (ts.isVariableStatement(st)) {
            for (const d of st.declarationList.declarations) {
                out[d.name.getText(sf)] = { kind: "const" };
            }
        }
    }
    return out;
}

const [dir, ...files] = process.argv.slice(2);
const result = {};
for (const f of files) {
    const p = path.join(dir, f);
    result[f] = fs.existsSync(p) ? surfaceOf(p) : null;
}
process.stdout.write(JSON.stringify(result, null, 1));
