"""Row 10: what `import pulumi_auth0` adds to a program over `import pulumi`, in time and resident
memory, for our SDK (sdk/python) and the PyPI pulumi-auth0 3.49.0, with the same `pulumi`.

Each sample is a fresh interpreter that imports `pulumi` and then, in the measured runs, the SDK
(and in a third kind names the machine-to-machine resources); it prints its own time from start
to after the imports and its VmRSS then. The cost is the median with the SDK less the median
without it. (Peak RSS would hide it: `import pulumi` peaks higher than it ends.)
"""

from __future__ import annotations

import json
import statistics
import subprocess
from pathlib import Path
from typing import Optional

PROBE = """
import sys, time
began = time.perf_counter()
import pulumi
if sys.argv[1] != "base":
    import pulumi_auth0
if sys.argv[1] == "use":
    # What the brief's programs name: the three machine-to-machine resources.
    pulumi_auth0.Client, pulumi_auth0.ResourceServer, pulumi_auth0.ClientGrant
took = time.perf_counter() - began
rss = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmRSS:"))
print(took, rss)
"""


def _samples(python: Path, pythonpath: str, what: str, runs: int) -> tuple[list[float], list[int]]:
    times, rss = [], []
    for _ in range(runs):
        done = subprocess.run(
            [str(python), "-c", PROBE, what],
            capture_output=True,
            text=True,
            timeout=120,
            env={"PATH": "/usr/bin:/bin", "PYTHONPATH": pythonpath},
        )
        if done.returncode != 0:
            raise RuntimeError(f"{python} could not import ({what}): {done.stderr[-1500:]}")
        took, kib = done.stdout.split()
        times.append(float(took))
        rss.append(int(kib))
    return times, rss


def import_cost(python: Path, pythonpath: str, runs: int) -> dict:
    """Median time and resident memory after `import pulumi` alone, and what `import
    pulumi_auth0` adds, alone and with Client, ResourceServer and ClientGrant named. The runs
    alternate, and a warm-up first writes the bytecode of a source tree (pip does that for an
    installed SDK), so every run reads compiled code."""
    _samples(python, pythonpath, "use", 1)
    samples = {what: ([], []) for what in ("base", "import", "use")}
    for _ in range(runs):
        for what, (times, rss) in samples.items():
            t, m = _samples(python, pythonpath, what, 1)
            times += t
            rss += m
    med = {what: (statistics.median(t), statistics.median(m)) for what, (t, m) in samples.items()}
    return {
        "import_pulumi_s": med["base"][0],
        "extra_s": med["import"][0] - med["base"][0],
        "extra_mib": (med["import"][1] - med["base"][1]) / 1024,
        "extra_with_m2m_s": med["use"][0] - med["base"][0],
        "extra_with_m2m_mib": (med["use"][1] - med["base"][1]) / 1024,
        "runs": runs,
    }


def official_sdk_version(python: Path) -> Optional[str]:
    probe = "import importlib.metadata as m, json; print(json.dumps(m.version('pulumi-auth0')))"
    done = subprocess.run([str(python), "-c", probe], capture_output=True, text=True, timeout=60, env={"PYTHONPATH": ""})
    return json.loads(done.stdout) if done.returncode == 0 else None
