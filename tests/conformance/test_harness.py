"""The suite's own process handling: an emulator that fails to start never outlives the error."""

import os
import time

import pytest

import harness


def fake_emulator(tmp_path, ready_line: str) -> str:
    """A stand-in for the emulator binary: records its pid, prints `ready_line`, then waits."""
    script = tmp_path / "fake-emulator"
    pid_file = tmp_path / "fake-emulator.pid"
    script.write_text(f"#!/bin/bash\necho $$ > {pid_file}\n{ready_line}\nexec sleep 60\n")
    script.chmod(0o755)
    return str(script)


def running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def pid_of_fake(tmp_path) -> int:
    deadline = time.monotonic() + 5
    path = tmp_path / "fake-emulator.pid"
    while time.monotonic() < deadline and not (path.exists() and path.read_text().strip()):
        time.sleep(0.05)
    return int(path.read_text())


def assert_stopped(pid: int) -> None:
    try:
        assert not running(pid), "the emulator process outlived the start-up error"
    finally:
        if running(pid):
            os.kill(pid, 9)


def test_an_emulator_whose_credentials_file_cannot_be_read_is_stopped_before_the_error(tmp_path, monkeypatch):
    ready = '{"baseUrl":"http://127.0.0.1:1","domain":"d","audience":"a","clientId":"c","credentialsFile":"/nonexistent/creds.json"}'
    monkeypatch.setenv("EMULATOR", fake_emulator(tmp_path, f"echo '{ready}'"))
    with pytest.raises(FileNotFoundError):
        harness.Emulator(str(tmp_path))
    assert_stopped(pid_of_fake(tmp_path))


def test_an_emulator_that_prints_no_ready_line_in_time_is_stopped_before_the_error(tmp_path, monkeypatch):
    monkeypatch.setenv("EMULATOR", fake_emulator(tmp_path, ":"))
    monkeypatch.setattr(harness, "EMULATOR_STARTUP_TIMEOUT", 1.0)
    with pytest.raises(RuntimeError, match="printed no line on stdout within 1s"):
        harness.Emulator(str(tmp_path))
    assert_stopped(pid_of_fake(tmp_path))

