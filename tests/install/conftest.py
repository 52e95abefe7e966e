"""Fixtures for the install-path suite (`make install-test`, part of `make test`).

It installs what `make dist` put in dist/, the way a user would, with the real Pulumi CLI:
nothing from target/ or sdk/ is used.
"""

from __future__ import annotations

import os

import pytest

import support  # first: it puts tests/ on sys.path, where `bounded` lives
import bounded

# Seconds each test may take in total, CLI runs and package installs included.
TEST_BUDGET_SECONDS = 420

# The tenant the seed program expects: the API it grants scopes on.
SEED = {
    "resource_servers": [
        {
            "name": "My API",
            "identifier": "https://myapi.example.com/",
            "scopes": [{"value": "read:data"}, {"value": "write:data"}],
        }
    ]
}


@pytest.fixture(autouse=True)
def budget():
    with bounded.time_budget(TEST_BUDGET_SECONDS):
        yield


@pytest.fixture
def pulumi(tmp_path):
    return support.Pulumi(tmp_path)


@pytest.fixture(scope="session")
def release_bins(tmp_path_factory):
    """The host platform's archives, extracted: {"pulumi-resource-auth0": path, "auth0-emulator": path}."""
    root = tmp_path_factory.mktemp("release")
    return {
        name: support.extract(support.archive(name), root / name) / name
        for name in ("pulumi-resource-auth0", "auth0-emulator")
    }


@pytest.fixture
def emulator(tmp_path, release_bins):
    emu = support.Emulator(release_bins["auth0-emulator"], tmp_path / "emulator", SEED)
    try:
        yield emu
    finally:
        emu.stop()


@pytest.fixture
def release_server():
    server = support.ReleaseServer()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture(scope="session")
def wheel_venv(tmp_path_factory):
    """A fresh venv with the wheel from dist/ (and pulumi at the pinned version) pip-installed."""
    wheels = sorted(support.DIST.glob(f"pulumi_auth0-{support.VERSION}-*.whl"))
    assert len(wheels) == 1, f"expected one wheel for {support.VERSION} in dist/, found {wheels}; run make dist"
    venv = tmp_path_factory.mktemp("wheel-venv")
    support.checked(support.run(["python3", "-m", "venv", venv], dict(os.environ), 120))
    pulumi_pin = f"pulumi=={os.environ.get('PULUMI_VERSION', '')}".rstrip("=")
    support.checked(
        support.run(
            [venv / "bin/python", "-m", "pip", "install", "-q", "--disable-pip-version-check", wheels[0], pulumi_pin],
            dict(os.environ),
            600,
        )
    )
    return venv
