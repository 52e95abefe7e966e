"""Bounded waits for the Python suites (tests/e2e, tests/install and `make demo`): a command run in
its own process group with a timeout, and a per-test time budget.

Both suites put this directory on sys.path and import it as `bounded`.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from typing import Iterator, Optional


class OverBudget(Exception):
    """A test ran past its time budget."""


def run_in_own_group(
    command: list,
    timeout: float,
    input: Optional[str] = None,
    stream: bool = False,
    **popen_args,
) -> subprocess.CompletedProcess:
    """Run a command in a new session and wait at most `timeout` s; returns the CompletedProcess
    (text; with `stream` the output goes to our own stdout and stderr instead of being captured).
    If the wait ends early (timeout, the test budget's alarm, Ctrl-C) the whole process group is
    killed, so the Pulumi CLI and the plugins it started go too, not only the command."""
    process = subprocess.Popen(
        command,
        stdout=None if stream else subprocess.PIPE,
        stderr=None if stream else subprocess.PIPE,
        stdin=subprocess.DEVNULL if input is None else subprocess.PIPE,
        text=True,
        start_new_session=True,
        **popen_args,
    )
    try:
        stdout, stderr = process.communicate(input=input, timeout=timeout)
    except BaseException:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.communicate(timeout=10)
        raise
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


@contextlib.contextmanager
def time_budget(seconds: int) -> Iterator[None]:
    """Raise OverBudget in the main thread once `seconds` have passed inside the block."""

    def expired(signum, frame):
        raise OverBudget(f"the test ran longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
