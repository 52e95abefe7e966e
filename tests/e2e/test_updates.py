"""Changing a deployed program: each preview must plan exactly the expected steps and diffs, and
`up` must then make the tenant match."""

from __future__ import annotations

import pulumi_auth0 as auth0

import harness

API = "auth0:index/resourceServer:ResourceServer"
CLIENT = "auth0:index/client:Client"
GRANT = "auth0:index/clientGrant:ClientGrant"

START = {
    "identifier": "https://ai-service.example.com/",
    "api_scopes": ["read:data", "write:data"],
    "client_name": "Service Client",
    "grant_scopes": ["read:data"],
}


def service(params: dict):
    def program():
        api = auth0.ResourceServer(
            "service-api",
            identifier=params["identifier"],
            scopes=[{"value": s, "description": f"Scope {s}"} for s in params["api_scopes"]],
        )
        client = auth0.Client(
            "service-client",
            name=params["client_name"],
            app_type="non_interactive",
            grant_types=["client_credentials"],
        )
        auth0.ClientGrant(
            "client-grant",
            client_id=client.client_id,
            audience=api.identifier,
            scopes=params["grant_scopes"],
        )

    return program


def changes(steps):
    """The planned steps that are not `same`, as (op, type, name, diffs, detailed diff)."""
    return [(s.op, s.type, s.name, s.diffs, s.detailed_diff) for s in steps if s.op != "same"]


def deployed(emulator, sandbox, tmp_path):
    stack = harness.inline_stack(sandbox, emulator, tmp_path / "updates", service(START))
    assert stack.up().summary.resource_changes == {"create": 4}
    return stack


def test_adding_a_scope_to_the_api_and_the_grant_updates_both_in_place(emulator, sandbox, tmp_path):
    stack = deployed(emulator, sandbox, tmp_path)
    new = {
        **START,
        "api_scopes": ["read:data", "write:data", "delete:data"],
        "grant_scopes": ["read:data", "delete:data"],
    }
    steps, preview = harness.planned_steps(stack, program=service(new))
    assert changes(steps) == [
        ("update", API, "service-api", ["scopes"], {"scopes": "update"}),
        ("update", GRANT, "client-grant", ["scopes"], {"scopes": "update"}),
    ]
    assert preview.change_summary == {"same": 2, "update": 2}

    assert stack.up(program=service(new)).summary.resource_changes == {"same": 2, "update": 2}
    api = [a for a in emulator.get("/resource-servers") if a["identifier"] == START["identifier"]][0]
    assert [s["value"] for s in api["scopes"]] == ["read:data", "write:data", "delete:data"]
    grant = [g for g in emulator.get("/client-grants") if g["audience"] == START["identifier"]][0]
    assert sorted(grant["scope"]) == ["delete:data", "read:data"]
    harness.planned_steps(stack, program=service(new), expect_no_changes=True)
    stack.destroy()


def test_renaming_a_client_updates_only_its_name(emulator, sandbox, tmp_path):
    stack = deployed(emulator, sandbox, tmp_path)
    client_id = [c for c in emulator.get("/clients") if c["name"] == "Service Client"][0]["client_id"]
    new = {**START, "client_name": "Inference Worker"}
    steps, preview = harness.planned_steps(stack, program=service(new))
    assert changes(steps) == [("update", CLIENT, "service-client", ["name"], {"name": "update"})]
    assert preview.change_summary == {"same": 3, "update": 1}

    stack.up(program=service(new))
    # Same client (no replacement), new name.
    assert emulator.get(f"/clients/{client_id}")["name"] == "Inference Worker"
    harness.planned_steps(stack, program=service(new), expect_no_changes=True)
    stack.destroy()


def test_changing_the_api_identifier_replaces_the_api_and_its_grant(emulator, sandbox, tmp_path):
    stack = deployed(emulator, sandbox, tmp_path)
    old_api_id = [a for a in emulator.get("/resource-servers") if a["identifier"] == START["identifier"]][0]["id"]
    new = {**START, "identifier": "https://ai-service-v2.example.com/"}
    steps, preview = harness.planned_steps(stack, program=service(new))
    assert changes(steps) == [
        ("create-replacement", API, "service-api", ["identifier"], {"identifier": "update-replace"}),
        ("replace", API, "service-api", ["identifier"], {"identifier": "update-replace"}),
        ("create-replacement", GRANT, "client-grant", ["audience"], {"audience": "update-replace"}),
        ("replace", GRANT, "client-grant", ["audience"], {"audience": "update-replace"}),
        ("delete-replaced", GRANT, "client-grant", [], {}),
        ("delete-replaced", API, "service-api", [], {}),
    ]
    assert preview.change_summary == {"same": 2, "replace": 2}

    assert stack.up(program=service(new)).summary.resource_changes == {"same": 2, "replace": 2}
    identifiers = {a["identifier"]: a["id"] for a in emulator.get("/resource-servers")}
    assert START["identifier"] not in identifiers
    assert identifiers["https://ai-service-v2.example.com/"] != old_api_id
    grants = [g for g in emulator.get("/client-grants") if g["client_id"] != emulator.client_id]
    assert [g["audience"] for g in grants] == ["https://ai-service-v2.example.com/"]
    harness.planned_steps(stack, program=service(new), expect_no_changes=True)
    stack.destroy()
