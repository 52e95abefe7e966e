"""Fixtures for the e2e suite: one emulator process and one private Pulumi sandbox per test.

Run with `make e2e`; it builds the plugin and emulator, puts them and the Pulumi CLI on PATH and
uses the venv with pulumi, pytest and PyJWT.
"""

from __future__ import annotations

import os
import signal

import pytest

import harness  # first: it puts tests/ on sys.path, where `bounded` lives
import bounded

# Every test gets this many seconds in total, engine runs included.
TEST_BUDGET_SECONDS = 240

# The tenant every test starts from: the API that ai_client_grant.py expects to exist, and a client
# made outside Pulumi for the import scenario.
SEED = {
    "resource_servers": [
        {
            "name": "My API",
            "identifier": "https://myapi.example.com/",
            "scopes": [
                {"value": "read:data", "description": "Read data"},
                {"value": "write:data", "description": "Write data"},
            ],
        }
    ],
    "clients": [
        {
            "name": "Legacy Reporting Client",
            "app_type": "non_interactive",
            "grant_types": ["client_credentials"],
        }
    ],
}


def descendants(pid: int) -> list[int]:
    """Process ids below pid, read from /proc (children before their own children)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as f:
                parent = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(parent, []).append(int(entry))
    found, queue = [], [pid]
    while queue:
        for child in children.get(queue.pop(), []):
            found.append(child)
            queue.append(child)
    return found


@pytest.fixture(autouse=True)
def time_budget():
    try:
        with bounded.time_budget(TEST_BUDGET_SECONDS):
            yield
    finally:
        # A test stopped mid-run can leave the CLI or a plugin behind; they are ours, end them.
        for pid in descendants(os.getpid()):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


@pytest.fixture
def emulator(tmp_path):
    emu = harness.Emulator(tmp_path / "emulator", seed=SEED).start()
    try:
        yield emu
    finally:
        emu.stop()


@pytest.fixture
def sandbox(tmp_path):
    return harness.Sandbox(tmp_path)
