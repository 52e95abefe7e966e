"""Fixtures for the e2e suite: one emulator process and one private Pulumi sandbox per test.

Run with `make e2e`; it builds the plugin and emulator, puts them and the Pulumi CLI on PATH and
uses the venv with pulumi, pytest and PyJWT.
"""

from __future__ import annotations

import signal

import pytest

import harness

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


class TestOverBudget(Exception):
    pass


@pytest.fixture(autouse=True)
def time_budget():
    def expired(signum, frame):
        raise TestOverBudget(f"the test ran longer than {TEST_BUDGET_SECONDS} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(TEST_BUDGET_SECONDS)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


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
