"""Row 10: what `import pulumi_auth0` adds to a program over `import pulumi`, in time and peak
memory, for our SDK (sdk/python) and the PyPI pulumi-auth0 of the same version of `pulumi`.

Each sample is a fresh interpreter that imports `pulumi` and then, in the measured run, the SDK;
it prints its own wall time from start to after the imports and its peak RSS (ru_maxrss). The
cost is the median with the SDK less the median without it.
"""

from __future__ import annotations

import json
import statistics
import subprocess
from pathlib import Path
from typing import Optional

PROBE = """
import resource, sys, time
began = time.perf_counter()
import pulumi
if sys.argv[1] == "sdk":
    import pulumi_auth0
    assert hasattr(pulumi_auth0, "ClientGrant"), pulumi_auth0.__file__
took = time.perf_counter() - began
print(took, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def _samples(python: Path, pythonpath: str, what: str, runs: int) -> tuple[list[float], list[int]]:
    times, peaks = [], []
    for _ in range(runs):
        done = subprocess.run(
            [str(python), "-c", PROBE, what],
            capture_output=True,
            text=True,
            timeout=120,
            env={"PATH": "/usr/bin:/bin", "PYTHONPATH": pythonpath},
        )
        if done.returncode != 0:
            raise RuntimeError(f"{python} could not import {what}: {done.stderr[-1500:]}")
        took, peak = done.stdout.split()
        times.append(float(took))
        peaks.append(int(peak))
    return times, peaks


def import_cost(python: Path, pythonpath: str, runs: int) -> dict:
    """Median import time and peak RSS with and without the SDK. A warm-up run first writes the
    bytecode of a source tree (pip does that for an installed SDK), so both read compiled code."""
    _samples(python, pythonpath, "sdk", 1)
    base_t, base_m = _samples(python, pythonpath, "base", runs)
    sdk_t, sdk_m = _samples(python, pythonpath, "sdk", runs)
    return {
        "import_pulumi_s": statistics.median(base_t),
        "extra_s": statistics.median(sdk_t) - statistics.median(base_t),
        "extra_mib": (statistics.median(sdk_m) - statistics.median(base_m)) / 1024,
        "runs": runs,
    }


def official_sdk_version(python: Path) -> Optional[str]:
    probe = "import importlib.metadata as m, json; print(json.dumps(m.version('pulumi-auth0')))"
    done = subprocess.run([str(python), "-c", probe], capture_output=True, text=True, timeout=60, env={"PYTHONPATH": ""})
    return json.loads(done.stdout) if done.returncode == 0 else None
