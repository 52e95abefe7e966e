"""API-surface comparison of our Python and TypeScript SDKs with the official pulumi-auth0 3.49.0 ones.

Covers the three resources (Client, ResourceServer, ClientGrant), their Args, State and nested
types, the Provider and config. Every difference must be listed, with its reason, in
expected-differences.txt; differences not listed there, and listed ones that no longer occur, fail.

usage: compare.py --ours-py DIR --official-py DIR --ours-dts JSON --official-dts JSON --report FILE
(the .d.ts surfaces come from dts_surface.js).
"""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
import py_surface  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
# The official schema cut to the three resources (copied from ../shared/reference by the provider tests).
REFERENCE_NAME = "pulumi-auth0-v3.49.0-m2m.schema.json"
REFERENCE = next(
    (p for p in (os.path.join(ROOT, "provider", "tests", "fixtures", REFERENCE_NAME),
                 os.path.join(ROOT, "..", "shared", "reference", REFERENCE_NAME)) if os.path.exists(p)),
    None,
)

TS_RESOURCE_FILES = ["client.d.ts", "clientGrant.d.ts", "resourceServer.d.ts", "provider.d.ts"]
TS_OTHER_FILES = ["types/input.d.ts", "types/output.d.ts", "config/vars.d.ts", "index.d.ts"]
TS_FILES = TS_RESOURCE_FILES + TS_OTHER_FILES
INDEX_NAMES = {"Client", "ClientGrant", "ResourceServer", "Provider"}


def type_names():
    """Short names of the object types of the three resources, in our schema and the official one."""
    names = set()
    if REFERENCE is None:
        raise SystemExit(f"sdk-compare: {REFERENCE_NAME} not found in provider/tests/fixtures or ../shared/reference")
    for path in (os.path.join(ROOT, "schema.json"), REFERENCE):
        with open(path, encoding="utf-8") as f:
            for token in json.load(f).get("types", {}):
                name = token.rsplit(":", 1)[-1]
                if not name.startswith("get"):
                    names.add(name)
    return names


def py_facts(surface):
    facts = set()
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


def ts_facts(surface, names):
    facts = set()
    for f in TS_FILES:
        decls = surface.get(f)
        if decls is None:
            facts.add(f"ts {f}: absent")
            continue
        for name, d in decls.items():
            if f.startswith("types/") and name not in names:
                continue
            if f == "index.d.ts" and name.removesuffix("Args").removesuffix("State") not in INDEX_NAMES | {"config", "types"}:
                continue
            facts.add(f"ts {f} {d['kind']} {name}")
            for p in d.get("props", []):
                facts.add(f"ts {f} {name} member {p}")
            for p in d.get("statics", []):
                facts.add(f"ts {f} {name} static {p}")
            for c in d.get("ctors", []):
                facts.add(f"ts {f} {name} constructor({', '.join(c)})")
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

    names = type_names()
    ours = py_facts(py_surface.surface(args.ours_py, names))
    official = py_facts(py_surface.surface(args.official_py, names))
    with open(args.ours_dts, encoding="utf-8") as f:
        ours |= ts_facts(json.load(f), names)
    with open(args.official_dts, encoding="utf-8") as f:
        official |= ts_facts(json.load(f), names)

    diffs = {f"extra: {x}" for x in ours - official} | {f"missing: {x}" for x in official - ours}
    expected = load_expected()
    unexpected = sorted(diffs - expected.keys())
    stale = sorted(expected.keys() - diffs)

    lines = [
        "# SDK API surface: ours vs official pulumi-auth0 3.49.0 (Python and TypeScript)",
        "",
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
