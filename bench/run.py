"""`make bench` and `make bench-bridged`: our provider side by side with the official bridged one,
in one run on this machine, printed as one table and written to target/bench/bench.json.

Every figure is a median of repeated runs (`--runs` for process figures, `--cli-runs` for the
real-CLI rows). With `--bridged` both providers are measured in the same run, alternating, so
both see the same machine; without it only ours is. `--smoke` is one small iteration of every
row, which `make test` runs so that the bench keeps working.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import cli_rows  # noqa: E402  (after the path set-up)
import protocol_rows  # noqa: E402
import python_import  # noqa: E402
from plugins import REPO, Provider  # noqa: E402
from table import render  # noqa: E402


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--ours", type=Path, required=True, help="our plugin binary")
    p.add_argument("--version", required=True, help="our plugin's version (the workspace version)")
    p.add_argument("--bridged", type=Path, help="the official bridged plugin binary, to compare with")
    p.add_argument("--bridged-version", default="3.49.0")
    p.add_argument("--python", type=Path, required=True, help="a venv's python with pulumi at the pin")
    p.add_argument("--official-python", type=Path, help="a venv's python with PyPI pulumi-auth0 (row 10)")
    p.add_argument("--runs", type=int, default=15, help="samples of each process figure")
    p.add_argument("--cli-runs", type=int, default=3, help="runs of rows 7 and 9")
    p.add_argument("--free-runs", type=int, default=3, help="runs of row 8 (each takes minutes at 2 rps)")
    p.add_argument("--operations", type=int, default=1000, help="operations of the memory workload")
    p.add_argument("--groups", type=int, default=67, help="API+client+grant groups in rows 7-9")
    p.add_argument("--free-groups", type=int, default=67, help="groups in row 8 (2 rps)")
    p.add_argument("--scale", default="200,1000,3500", help="client counts of the `up` growth runs")
    p.add_argument("--bridged-scale-max", type=int, default=1000, help="largest growth run for bridged")
    p.add_argument("--smoke", action="store_true", help="one small iteration of every row, ours only")
    p.add_argument("--sections", default=",".join(SECTIONS), help=f"which of {', '.join(SECTIONS)} to run")
    p.add_argument("--out", type=Path, default=REPO / "target" / "bench")
    args = p.parse_args()
    args.sections = [x.strip() for x in args.sections.split(",") if x.strip()]
    unknown = set(args.sections) - set(SECTIONS)
    if unknown:
        p.error(f"unknown sections {sorted(unknown)}; choose from {', '.join(SECTIONS)}")
    if args.smoke:
        args.bridged = None
        args.runs, args.cli_runs, args.free_runs, args.operations = 1, 1, 1, 80
        args.groups, args.free_groups, args.scale = 4, 2, "20"
    return args


def failures_of(runs: list[dict]) -> list[str]:
    found = []
    for run in runs:
        for value in run.values() if isinstance(run, dict) else ():
            if isinstance(value, dict) and "failed" in value:
                found.append(value["failed"])
        if isinstance(run, dict) and "failed" in run:
            found.append(run["failed"])
    return found


SECTIONS = ("protocol", "cli", "free", "scale", "import")


def measure(args: argparse.Namespace, providers: list[Provider], work: Path, save) -> dict:
    """Runs the selected sections; `save(results)` is called after each, so that a long run
    that is stopped keeps what it measured."""
    results: dict = {p.label: {} for p in providers}
    python = {p.label: args.python for p in providers}
    sdk_path = {"ours": REPO / "sdk" / "python", "bridged": None}
    if args.bridged:
        python["bridged"] = args.official_python or args.python

    def log(message: str) -> None:
        print(f"bench: {message}", file=sys.stderr, flush=True)

    if "protocol" in args.sections:
        emulator = cli_rows.start_emulator(work / "protocol-emulator")
        try:
            log(f"start-up and memory after GetSchema ({args.runs} runs each, taking turns)")
            for label, figures in protocol_rows.startup(providers, emulator, args.runs).items():
                results[label]["startup"] = figures
            for p in providers:
                results[p.label]["size"] = protocol_rows.sizes(
                    p, protocol_rows.dist_archive(args.version) if p.label == "ours" else None
                )
                log(f"{p.label}: {args.operations} mixed operations")
                results[p.label]["mixed"] = protocol_rows.mixed_operations(p, emulator, args.operations, parallel=16)
                log(f"{p.label}: CPU time of Check and Diff")
                results[p.label]["cpu"] = protocol_rows.check_and_diff_cpu(p, emulator, calls=max(10, args.runs * 10))
                results[p.label]["requests"] = protocol_rows.request_counts(p, emulator)
        finally:
            emulator.stop()
        save(results)

    def taking_turns(key: str, runs: int, what: str, run) -> None:
        """`runs` rounds in which each provider measures once, saved after each measurement."""
        for p in providers:
            results[p.label][key] = []
        for i in range(runs):
            for p in providers:
                log(f"{p.label}: {what}, run {i + 1}/{runs}")
                results[p.label][key].append(run(p))
                save(results)

    if "cli" in args.sections:
        taking_turns(
            "runs_7_9",
            args.cli_runs,
            f"up/preview/refresh of {args.groups * 3} resources",
            lambda p: cli_rows.up_refresh_preview(p, work / f"cli-{p.label}", python[p.label], sdk_path[p.label], args.groups),
        )

    if "free" in args.sections:
        taking_turns(
            "runs_8",
            args.free_runs,
            f"up of {args.free_groups * 3} resources on the free preset",
            lambda p: cli_rows.up_rate_limited(p, work / f"free-{p.label}", python[p.label], sdk_path[p.label], args.free_groups),
        )

    if "scale" in args.sections:
        sizes = [int(n) for n in args.scale.split(",") if n.strip()]
        for p in providers:
            results[p.label]["scale"] = []
            for n in sizes:
                if p.label == "bridged" and n > args.bridged_scale_max:
                    continue
                refresh = n == max(sizes) and p.label == "ours"
                log(f"{p.label}: up of {n} clients" + (", then refresh at the enterprise preset" if refresh else ""))
                results[p.label]["scale"].append(
                    cli_rows.scale(p, work / f"scale-{p.label}", python[p.label], sdk_path[p.label], n, refresh)
                )
                save(results)

    if "import" in args.sections:
        log("import cost of the Python SDKs")
        runs = max(5, args.runs)
        results["ours"]["python_import"] = python_import.import_cost(args.python, str(REPO / "sdk" / "python"), runs)
        if args.bridged:
            official = args.official_python or args.python
            results["bridged"]["python_import"] = python_import.import_cost(official, "", runs)
            results["bridged"]["python_import"]["sdk_version"] = python_import.official_sdk_version(official)
        save(results)
    return results


def main() -> int:
    args = parse_args()
    providers = [Provider("ours", args.ours.resolve(), args.version)]
    if args.bridged:
        providers.append(Provider("bridged", args.bridged.resolve(), args.bridged_version))
    for p in providers:
        if not p.binary.is_file():
            print(f"bench: {p.binary} does not exist", file=sys.stderr)
            return 2
    args.out.mkdir(parents=True, exist_ok=True)
    partial = "" if set(args.sections) == set(SECTIONS) else "-" + "-".join(args.sections)
    path = args.out / (("smoke" if args.smoke else "bench") + partial + ".json")
    began = time.monotonic()
    settings = {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()}

    def save(results: dict) -> None:
        report = {"settings": settings, "took_s": time.monotonic() - began, "results": results}
        path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")

    with tempfile.TemporaryDirectory(prefix="auth0-bench-") as tmp:
        results = measure(args, providers, Path(tmp), save)
    save(results)
    table, problems = render(results, args)
    print(table)
    print(f"\nraw figures: {path.relative_to(REPO) if path.is_relative_to(REPO) else path}; took {time.monotonic() - began:.0f} s")
    for label in results:
        for key in ("runs_7_9", "runs_8", "scale"):
            problems += [f"{label} {key}: {f}" for f in failures_of(results[label].get(key, []))]
    for problem in problems:
        print(f"bench: FAILED: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
