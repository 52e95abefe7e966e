"""Issue 14 §3 through the real CLI: Ctrl-C during `pulumi up` while Auth0 is applying a create.

The engine answers the first Ctrl-C by calling Cancel on its providers and waits for the steps
in flight. The emulator commits the client at once and holds its answer back, as a slow Auth0
would. Answered within a second of the Cancel, the create is recorded in the state (nothing is
left behind that the stack does not know); left unanswered, the error names the application and
the `pulumi import` command that adopts it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time

import harness

CLIENT = "auth0:index/client:Client"


def ctrl_c_once_the_create_is_sent(sandbox, tmp_path, answer_latency_ms: int, app_name: str):
    """Runs `pulumi up` on a one-client YAML program and sends SIGINT to the CLI's process group,
    as a terminal's Ctrl-C does, once the POST reached Auth0. Returns (emulator, workdir, output)."""
    emulator = harness.Emulator(
        tmp_path / "emulator", args=("--answer-latency-ms", str(answer_latency_ms))
    ).start()
    work = tmp_path / "project"
    harness.write_project(
        work,
        "cancel-e2e",
        runtime="yaml",
        body=(
            "resources:\n  app:\n    type: auth0:Client\n    properties:\n"
            f"      name: {app_name}\n      appType: non_interactive\n"
        ),
    )
    try:
        harness.cli_stack(sandbox, emulator, work)
        process = subprocess.Popen(
            [str(harness.find_binary("pulumi")), "up", "--yes", "--skip-preview", "--non-interactive"],
            cwd=work,
            env={**os.environ, **sandbox.env},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 90
            while emulator.route_count("POST /api/v2/clients") == 0:
                assert process.poll() is None, f"pulumi up ended before the create: {process.stdout.read()}"
                assert time.monotonic() < deadline, "the create never reached the emulator"
                time.sleep(0.02)
            os.killpg(process.pid, signal.SIGINT)
            output, _ = process.communicate(timeout=90)
        except BaseException:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate(timeout=10)
            raise
    except BaseException:
        emulator.stop()
        raise
    return emulator, work, output


def clients_in_state(sandbox, work) -> list[dict]:
    exported = json.loads(sandbox.cli(["stack", "export"], cwd=work).stdout)
    return [r for r in exported["deployment"].get("resources", []) if r["type"] == CLIENT]


def test_ctrl_c_while_auth0_answers_a_create_within_a_second_keeps_the_client_in_the_state(sandbox, tmp_path):
    emulator, work, output = ctrl_c_once_the_create_is_sent(sandbox, tmp_path, 400, "answered-late")
    try:
        made = [c["client_id"] for c in emulator.get("/clients") if c["name"] == "answered-late"]
        assert len(made) == 1, output
        assert [c["id"] for c in clients_in_state(sandbox, work)] == made, output
        # The state matches Auth0: the next run has nothing to do.
        sandbox.cli(["preview", "--expect-no-changes"], cwd=work)
    finally:
        emulator.stop()


def test_ctrl_c_while_auth0_never_answers_a_create_names_the_application_and_its_import(sandbox, tmp_path):
    emulator, work, output = ctrl_c_once_the_create_is_sent(sandbox, tmp_path, 8000, "never-answered")
    try:
        assert "Auth0 may or may not have applied it" in output, output
        assert (
            f'If Auth0 now holds an application named "never-answered", adopt it with `pulumi import {CLIENT} app <client_id>`'
            in output
        ), output
        assert clients_in_state(sandbox, work) == [], output
        # The client the error names does exist: adopting it is the way out.
        made = [c["client_id"] for c in emulator.get("/clients") if c["name"] == "never-answered"]
        assert len(made) == 1
    finally:
        emulator.stop()
