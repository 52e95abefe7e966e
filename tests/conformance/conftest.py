"""Session fixtures: one emulator, one fake engine, one plugin launched and configured the way
the engine does it. Tests needing a process of their own start it themselves."""

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))

import harness  # noqa: E402


@pytest.fixture(scope="session")
def workdir(tmp_path_factory):
    return str(tmp_path_factory.mktemp("conformance"))


@pytest.fixture(scope="session")
def emulator(workdir):
    emu = harness.Emulator(workdir)
    yield emu
    emu.close()


@pytest.fixture(scope="session")
def engine():
    fake = harness.FakeEngine()
    yield fake
    fake.close()


@pytest.fixture(scope="session")
def plugin(workdir, engine):
    proc = harness.Plugin(workdir, ["--logtostderr", "-v=9", engine.address])
    yield proc
    proc.close()


@pytest.fixture(scope="session")
def driver(plugin, engine, emulator):
    d = harness.Driver(plugin.stub)
    d.handshake(engine.address)
    d.configure(emulator.config())
    return d
