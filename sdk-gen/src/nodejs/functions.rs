//! TypeScript functions: one file per function (`getClient.ts`) with `getClient(args?, opts?)`
//! (plain values, a Promise of the result), `getClientOutput(args?, opts?)` (inputs, an Output
//! of the result) and the Args, OutputArgs and Result interfaces; index.ts loads them lazily.

use super::{imports, in_elem, jsdoc, lit, out_elem};
use crate::model::{Function, Package, Property};
use crate::render::{Files, Text};

pub(super) fn add_files(files: &mut Files, pkg: &Package) {
    for f in &pkg.functions {
        files.add(format!("{}.ts", f.name), file(pkg, f), false);
    }
}

/// The index.ts lines that export a function's interfaces and load its file on first use.
pub(super) fn index_entries(t: &mut Text, pkg: &Package) {
    if !pkg.functions.is_empty() {
        t.line("// Functions load on first use.");
    }
    for f in &pkg.functions {
        let (n, c) = (&f.name, f.class_name());
        t.line(&format!(
            "export type {{ {c}Args, {c}Result, {c}OutputArgs }} from \"./{n}\";"
        ));
        for export in [n.clone(), format!("{n}Output")] {
            t.line(&format!(
                "export const {export}: typeof import(\"./{n}\").{export} = null as any;"
            ));
        }
        t.line(&format!(
            "utilities.lazyLoad(exports, [{}, {}], () => require(\"./{n}\"));",
            lit(n),
            lit(&format!("{n}Output"))
        ));
        t.blank();
    }
}

fn file(pkg: &Package, f: &Function) -> String {
    let mut t = Text::new();
    imports(&mut t, pkg, "./");
    let (n, c) = (&f.name, f.class_name());
    let args_opt = if f.inputs.iter().any(|p| p.required) {
        ""
    } else {
        "?"
    };
    // The plain form.
    jsdoc(&mut t, "", &f.description, f.deprecation.as_deref());
    t.line(&format!(
        "export function {n}(args{args_opt}: {c}Args, opts?: pulumi.InvokeOptions): Promise<{c}Result> {{"
    ));
    body(&mut t, f, "invoke");
    args_interface(&mut t, f, &format!("{c}Args"), false);
    jsdoc(&mut t, "", &format!("The values {n} returns."), None);
    t.line(&format!("export interface {c}Result {{"));
    for p in &f.outputs {
        jsdoc(&mut t, "    ", &p.description, p.deprecation.as_deref());
        let opt = if p.required { "" } else { "?" };
        t.line(&format!(
            "    readonly {}{opt}: {};",
            p.name,
            out_elem(&p.ty, "outputs.")
        ));
    }
    t.line("}");
    t.blank();
    // The output form.
    jsdoc(&mut t, "", &f.description, f.deprecation.as_deref());
    t.line(&format!(
        "export function {n}Output(args{args_opt}: {c}OutputArgs, opts?: pulumi.InvokeOutputOptions): pulumi.Output<{c}Result> {{"
    ));
    body(&mut t, f, "invokeOutput");
    args_interface(&mut t, f, &format!("{c}OutputArgs"), true);
    t.finish_trimmed()
}

fn body(t: &mut Text, f: &Function, invoke: &str) {
    t.line("    args = args || {};");
    t.line("    opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts || {});");
    t.line(&format!(
        "    return pulumi.runtime.{invoke}({}, {{",
        lit(&f.token)
    ));
    for p in &f.inputs {
        t.line(&format!("        {}: args.{},", lit(&p.name), p.name));
    }
    t.line("    }, opts);");
    t.line("}");
    t.blank();
}

/// `GetXArgs` (plain values) or `GetXOutputArgs` (inputs; an optional one also takes an input
/// that may resolve to undefined, such as another resource's optional output).
fn args_interface(t: &mut Text, f: &Function, name: &str, inputs: bool) {
    jsdoc(t, "", &format!("The arguments of {}.", f.name), None);
    t.line(&format!("export interface {name} {{"));
    for p in &f.inputs {
        jsdoc(t, "    ", &p.description, p.deprecation.as_deref());
        t.line(&format!(
            "    {}{}: {};",
            p.name,
            optional(p),
            arg_type(p, inputs)
        ));
    }
    t.line("}");
    t.blank();
}

fn optional(p: &Property) -> &'static str {
    if p.required {
        ""
    } else {
        "?"
    }
}

fn arg_type(p: &Property, inputs: bool) -> String {
    if !inputs {
        return out_elem(&p.ty, "inputs.");
    }
    let elem = in_elem(&p.ty, "inputs.");
    if p.required {
        format!("pulumi.Input<{elem}>")
    } else {
        format!("pulumi.Input<{elem} | undefined>")
    }
}
