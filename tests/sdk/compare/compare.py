"""API-surface comparison of our Python and TypeScript SDKs with the official pulumi-auth0 3.49.0 ones.

Covers every token of the parity fixture (the machine-to-machine cut of the official schema): its
resources with their Args, State and nested types, its functions with their signatures, Args,
Result and nested types, the Provider and config. Every difference must be listed, with its reason,
in expected-differences.txt; differences not listed there, and listed ones that no longer occur, fail.

usage: compare.py --ours-py DIR --official-py DIR --ours-dts JSON --official-dts JSON --report FILE
(the .d.ts surfaces come from dts_surface.js).
"""

import argparse
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(__file__))
import py_surface  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
# The official schema cut to the machine-to-machine toolkit (copied from ../shared/reference by the provider tests).
REFERENCE_NAME = "pulumi-auth0-v3.49.0-m2m.schema.json"
REFERENCE = next(
    (p for p in (os.path.join(ROOT, "provider", "tests", "fixtures", REFERENCE_NAME),
                 os.path.join(ROOT, "..", "shared", "reference", REFERENCE_NAME)) if os.path.exists(p)),
    None,
)

TS_OTHER_FILES = ["types/input.d.ts", "types/output.d.ts", "config/vars.d.ts", "index.d.ts"]


def snake(name):
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def capitalised(name):
    return name[:1].upper() + name[1:]


class Tokens:
    """What the fixture covers: its resources and functions, and the object types of both schemas."""

    def __init__(self):
        if REFERENCE is None:
            raise SystemExit(f"sdk-compare: {REFERENCE_NAME} not found in provider/tests/fixtures or ../shared/reference")
        with open(REFERENCE, encoding="utf-8") as f:
            reference = json.load(f)
        # `auth0:index/clientGrant:ClientGrant` -> ("clientGrant", "ClientGrant")
        self.resources = sorted(t.split(":")[1].split("/")[1] for t in reference.get("resources", {}))
        self.functions = sorted(t.rsplit(":", 1)[-1] for t in reference.get("functions", {}))
        self.type_names = set()
        for path in (os.path.join(ROOT, "schema.json"), REFERENCE):
            with open(path, encoding="utf-8") as f:
                for token in json.load(f).get("types", {}):
                    self.type_names.add(capitalised(token.rsplit(":", 1)[-1]))

    def py_modules(self):
        return [snake(m) for m in self.resources + self.functions] + ["provider"]

    def ts_files(self):
        return [f"{m}.d.ts" for m in self.resources + self.functions] + ["provider.d.ts"] + TS_OTHER_FILES

    def index_names(self):
        """What index.d.ts must export for the covered tokens."""
        names = {"Provider", "ProviderArgs", "config", "types"}
        for m in self.resources:
            r = capitalised(m)
            names |= {r, f"{r}Args", f"{r}State"}
        for f in self.functions:
            c = capitalised(f)
            names |= {f, f"{f}Output", f"{c}Args", f"{c}Result", f"{c}OutputArgs"}
        return names


def py_facts(surface):
    facts = set()
    for mod, defs in surface["functions"].items():
        for name, params in defs.items():
            facts.add(f"py {mod}.{name}()")
            for p in params:
                facts.add(f"py {mod}.{name}() param {p}")
    for mod, classes in surface["modules"].items():
        if classes is None:
            facts.add(f"py module {mod}: absent")
            continue
        for cls, s in classes.items():
            facts.add(f"py {mod}.{cls}")
            for params in s["init"]:
                for p in params:
                    facts.add(f"py {mod}.{cls}.__init__ param {p}")
            for p in s["props"]:
                facts.add(f"py {mod}.{cls} property {p}")
            if s["get"] is not None:
                for p in s["get"]:
                    facts.add(f"py {mod}.{cls}.get param {p}")
    for mod, classes in surface["types"].items():
        for cls, s in (classes or {}).items():
            facts.add(f"py {mod}.{cls}")
            for params in s["init"]:
                for p in params:
                    facts.add(f"py {mod}.{cls}.__init__ param {p}")
            for p in s["props"]:
                facts.add(f"py {mod}.{cls} property {p}")
            for p in s["fields"]:
                facts.add(f"py {mod}.{cls} field {p}")
    for p in (surface["config"] or {}).get("props", []):
        facts.add(f"py config property {p}")
    return facts


def ts_facts(surface, tokens, side):
    facts = set()
    for f in tokens.ts_files():
        if f not in surface:
            raise SystemExit(f"sdk-compare: the {side} .d.ts surface has no {f}; add it to DTS_FILES in the Makefile")
        decls = surface[f]
        if decls is None:
            facts.add(f"ts {f}: absent")
            continue
        for name, d in decls.items():
            if f.startswith("types/") and name not in tokens.type_names:
                continue
            if f == "index.d.ts" and name not in tokens.index_names():
                continue
            facts.add(f"ts {f} {d['kind']} {name}")
            for p in d.get("props", []):
                facts.add(f"ts {f} {name} member {p}")
            for p in d.get("statics", []):
                facts.add(f"ts {f} {name} static {p}")
            for c in d.get("ctors", []):
                facts.add(f"ts {f} {name} constructor({', '.join(c)})")
            if "signature" in d:
                facts.add(f"ts {f} {name}{d['signature']}")
    return facts


def load_expected():
    expected = {}
    with open(os.path.join(HERE, "expected-differences.txt"), encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            fact, _, why = line.partition("  # ")
            expected[fact.strip()] = why.strip()
    return expected


def main():
    ap = argparse.ArgumentParser()
    for a in ("--ours-py", "--official-py", "--ours-dts", "--official-dts", "--report"):
        ap.add_argument(a, required=True)
    args = ap.parse_args()

    tokens = Tokens()
    modules = tokens.py_modules()
    ours = py_facts(py_surface.surface(args.ours_py, modules, tokens.type_names))
    official = py_facts(py_surface.surface(args.official_py, modules, tokens.type_names))
    with open(args.ours_dts, encoding="utf-8") as f:
        ours |= ts_facts(json.load(f), tokens, "our")
    with open(args.official_dts, encoding="utf-8") as f:
        official |= ts_facts(json.load(f), tokens, "official")

    diffs = {f"extra: {x}" for x in ours - official} | {f"missing: {x}" for x in official - ours}
    expected = load_expected()
    unexpected = sorted(diffs - expected.keys())
    stale = sorted(expected.keys() - diffs)

    lines = [
        "# SDK API surface: ours vs official pulumi-auth0 3.49.0 (Python and TypeScript)",
        "",
        f"tokens: {len(tokens.resources)} resources ({', '.join(tokens.resources)}), "
        f"{len(tokens.functions)} functions ({', '.join(tokens.functions)}), the provider and config",
        f"compared facts: ours {len(ours)}, official {len(official)}, common {len(ours & official)}",
        f"differences: {len(diffs)} ({len(diffs) - len(unexpected)} documented, {len(unexpected)} not documented)",
        "",
        "## Documented differences",
    ]
    lines += [f"- {d}  -- {expected[d]}" for d in sorted(diffs & expected.keys())]
    lines += ["", "## Undocumented differences (fail)"] + [f"- {d}" for d in unexpected]
    lines += ["", "## Documented but no longer different (fail: remove from expected-differences.txt)"]
    lines += [f"- {d}" for d in stale]
    report = "\n".join(lines) + "\n"
    os.makedirs(os.path.dirname(os.path.abspath(args.report)), exist_ok=True)
    with open(args.report, "w", encoding="utf-8") as f:
        f.write(report)
    if unexpected or stale:
        print(report)
        print(f"sdk-compare: {len(unexpected)} undocumented and {len(stale)} stale differences; report: {args.report}")
        return 1
    print(f"sdk-compare: {len(ours & official)} facts match, {len(diffs)} documented differences; report: {args.report}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
