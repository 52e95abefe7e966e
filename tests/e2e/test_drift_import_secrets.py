"""Drift made behind Pulumi's back, adopting an existing client with `pulumi import`, and keeping
the client secret encrypted in the state."""

from __future__ import annotations

import json
import shutil

import pulumi_auth0 as auth0

import harness

CLIENT = "auth0:index/client:Client"


def corrected_service(emulator, sandbox, tmp_path):
    work = tmp_path / "service"
    program = harness.program_file("ai-service-auth-corrected", emulator.domain, work)
    stack = harness.inline_stack(sandbox, emulator, work, program)
    up = stack.up()
    return stack, work, up


def test_a_client_renamed_in_auth0_shows_in_refresh_and_up_puts_it_back(emulator, sandbox, tmp_path):
    stack, _, up = corrected_service(emulator, sandbox, tmp_path)
    client_id = up.outputs["service_client_id"].value

    status, _ = emulator.management(
        "PATCH", f"/clients/{client_id}", {"name": "Renamed in the dashboard", "description": "drift"}
    )
    assert status == 200

    refresh = stack.refresh()
    assert refresh.summary.resource_changes == {"same": 3, "update": 1}
    state = stack.export_stack().deployment
    client = [r for r in state["resources"] if r["type"] == CLIENT][0]
    assert client["outputs"]["name"] == "Renamed in the dashboard"

    steps, _ = harness.planned_steps(stack)
    assert [(s.op, s.name, s.diffs) for s in steps if s.op != "same"] == [
        ("update", "service-client", ["description", "name"])
    ]
    assert stack.up().summary.resource_changes == {"same": 3, "update": 1}
    back = emulator.get(f"/clients/{client_id}")
    assert back["name"] == "Service Client"
    # The provider's default description, as in the official pulumi-auth0 schema.
    assert back["description"] == "Managed by Pulumi"
    harness.planned_steps(stack, expect_no_changes=True)
    stack.destroy()


def test_a_grant_deleted_in_auth0_is_dropped_by_refresh_and_recreated_by_up(emulator, sandbox, tmp_path):
    stack, _, up = corrected_service(emulator, sandbox, tmp_path)
    client_id = up.outputs["service_client_id"].value
    grant = [g for g in emulator.get("/client-grants") if g["client_id"] == client_id][0]
    assert emulator.management("DELETE", f"/client-grants/{grant['id']}")[0] in (200, 204)

    refresh = stack.refresh()
    assert refresh.summary.resource_changes == {"same": 3, "delete": 1}
    assert stack.up().summary.resource_changes == {"same": 3, "create": 1}
    grants = [g for g in emulator.get("/client-grants") if g["client_id"] == client_id]
    assert [(g["audience"], sorted(g["scope"])) for g in grants] == [
        ("https://ai-service.example.com/", ["read:data", "write:data"])
    ]
    stack.destroy()


def test_pulumi_import_adopts_an_existing_client_and_the_matching_program_has_no_changes(
    emulator, sandbox, tmp_path
):
    legacy = [c for c in emulator.get("/clients") if c["name"] == "Legacy Reporting Client"][0]

    def adopted():
        auth0.Client(
            "legacy",
            name="Legacy Reporting Client",
            description="",
            app_type="non_interactive",
            grant_types=["client_credentials"],
        )

    work = tmp_path / "import"
    stack = harness.inline_stack(sandbox, emulator, work, lambda: None)
    stack.up()

    # `pulumi import` itself, from a YAML twin of the project: the same project name, stack and
    # backend, since the CLI cannot start the Python language host on this machine.
    twin = tmp_path / "import-cli"
    harness.write_project(twin, "e2e", runtime="yaml")
    shutil.copy(work / "Pulumi.dev.yaml", twin / "Pulumi.dev.yaml")
    generated = tmp_path / "generated.yaml"
    sandbox.cli(
        ["import", CLIENT, "legacy", legacy["client_id"], "--yes", "--stack", "dev", "--protect=false", "--out", str(generated)],
        cwd=twin,
    )
    code = generated.read_text(encoding="utf-8")
    assert "name: Legacy Reporting Client" in code
    assert "appType: non_interactive" in code
    # Kept empty: leaving it out would let the schema default "Managed by Pulumi" in.
    assert 'description: ""' in code

    state = stack.export_stack().deployment
    imported = [r for r in state["resources"] if r["type"] == CLIENT]
    assert [(r["id"], r["inputs"]) for r in imported] == [
        (
            legacy["client_id"],
            {
                "name": "Legacy Reporting Client",
                "description": "",
                "appType": "non_interactive",
                "grantTypes": ["client_credentials"],
            },
        )
    ]

    steps, _ = harness.planned_steps(stack, program=adopted, expect_no_changes=True)
    assert [(s.op, s.name) for s in steps] == [("same", "legacy")]

    # Now Pulumi owns it: destroy deletes it in Auth0.
    stack.workspace.program = adopted
    stack.destroy()
    assert emulator.management("GET", f"/clients/{legacy['client_id']}")[0] == 404


def test_the_client_secret_is_encrypted_in_the_state_and_shown_only_on_request(
    emulator, sandbox, tmp_path
):
    output_lines = []
    work = tmp_path / "secrets"
    program = harness.program_file("ai-service-auth-corrected", emulator.domain, work)
    stack = harness.inline_stack(sandbox, emulator, work, program)
    up = stack.up(on_output=output_lines.append)
    client_id = up.outputs["service_client_id"].value
    plaintext = emulator.get(f"/clients/{client_id}")["client_secret"]
    assert len(plaintext) >= 32

    # The state as the backend stores it (the Automation API's export_stack decrypts secrets).
    state_file = sandbox.root / "pulumi-state" / ".pulumi" / "stacks" / "e2e" / "dev.json"
    stored = state_file.read_text(encoding="utf-8")
    assert plaintext not in stored
    assert emulator.client_secret not in stored
    exported = sandbox.cli(["stack", "export", "--stack", "dev"], cwd=work).stdout
    assert plaintext not in exported
    deployment = json.loads(exported)["deployment"]
    client = [r for r in deployment["resources"] if r["type"] == CLIENT][0]
    assert client["outputs"]["clientSecret"]["4dabf18193072939515e22adb298388d"] == (
        "1b47061264138c4ac30d75fd1eb44270"
    )
    assert "ciphertext" in client["outputs"]["clientSecret"]
    assert plaintext not in "\n".join(output_lines)

    hidden = sandbox.cli(["stack", "output", "service_client_secret", "--stack", "dev"], cwd=work)
    assert hidden.stdout.strip() == "[secret]"
    shown = sandbox.cli(
        ["stack", "output", "service_client_secret", "--show-secrets", "--stack", "dev"], cwd=work
    )
    assert shown.stdout.strip() == plaintext
    stack.destroy()
