"""Nothing outlives a run that is cut short: a timed-out command takes the processes it started
with it, and `make demo` stopped by its timeout (SIGTERM) still stops its emulator."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import harness
from conftest import descendants

DEMO = Path(__file__).parent / "demo.py"


def running(pid: int) -> bool:
    """Whether pid is a live process (a zombie waiting to be reaped counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def program_of(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0]
    except OSError:
        return b""


def gone_within(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not running(pid):
            return True
        time.sleep(0.05)
    return not running(pid)


def wait_for_file_text(path: Path, text: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if path.exists() and text in path.read_text(encoding="utf-8", errors="replace"):
            return True
        time.sleep(0.05)
    return False


def test_a_command_that_times_out_takes_the_processes_it_started_with_it(tmp_path):
    pid_file = tmp_path / "grandchild.pid"
    script = f"sleep 60 & echo $! > {pid_file}; wait"
    with pytest.raises(subprocess.TimeoutExpired):
        harness.run_in_own_group(["bash", "-c", script], 2)
    grandchild = int(pid_file.read_text())
    try:
        assert gone_within(grandchild, 5), "the command's own child outlived the timeout"
    finally:
        if running(grandchild):
            os.kill(grandchild, signal.SIGKILL)


def test_terminating_the_demo_mid_run_stops_its_emulator(tmp_path):
    output = tmp_path / "demo.out"
    with open(output, "wb") as out:
        demo = subprocess.Popen(
            [sys.executable, str(DEMO)],
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # its own group, as under `timeout`
        )
    emulators: list[int] = []
    try:
        assert wait_for_file_text(output, "==> pulumi up", 60), output.read_text(errors="replace")
        emulators = [pid for pid in descendants(demo.pid) if program_of(pid).endswith(b"auth0-emulator")]
        assert len(emulators) == 1, f"expected one emulator under the demo, found {emulators}"
        assert demo.poll() is None, "the demo finished before it could be terminated"
        os.killpg(demo.pid, signal.SIGTERM)  # what `timeout` sends to its process group
        assert demo.wait(timeout=60) == 128 + signal.SIGTERM, output.read_text(errors="replace")
        assert gone_within(emulators[0], 10), "the demo's emulator outlived the demo"
    finally:
        for pid in emulators:
            if running(pid):
                os.kill(pid, signal.SIGKILL)
        if demo.poll() is None:
            os.killpg(demo.pid, signal.SIGKILL)
            demo.wait(timeout=10)
