"""The two seed programs from the product brief, run unchanged (apart from the tenant domain) by the
real engine against the plugin binary and the emulator."""

from __future__ import annotations

import pytest
from pulumi import automation as auto

import harness


def non_bootstrap_clients(emulator):
    return [c for c in emulator.get("/clients") if c["client_id"] != emulator.client_id]


def up_preview_refresh_destroy(stack):
    """The lifecycle every program must get through cleanly; returns the up result."""
    up = stack.up()
    steps, _ = harness.planned_steps(stack, expect_no_changes=True)
    assert [s for s in steps if s.op != "same"] == []
    refresh = stack.refresh()
    assert set(refresh.summary.resource_changes) == {"same"}
    return up


def test_ai_client_grant_goes_through_up_preview_refresh_and_destroy(emulator, sandbox, tmp_path):
    work = tmp_path / "ai_client_grant"
    stack = harness.inline_stack(
        sandbox, emulator, work, harness.program_file("ai_client_grant.py", emulator.domain, work)
    )
    up = up_preview_refresh_destroy(stack)
    assert up.summary.resource_changes == {"create": 3}

    client_id = up.outputs["client_id"].value
    grant_id = up.outputs["client_grant_id"].value
    client = emulator.get(f"/clients/{client_id}")
    assert client["name"] == "My AI Client App"
    assert client["app_type"] == "non_interactive"
    assert client["grant_types"] == ["client_credentials"]
    grants = [g for g in emulator.get("/client-grants") if g["id"] == grant_id]
    assert len(grants) == 1
    assert grants[0]["client_id"] == client_id
    assert grants[0]["audience"] == "https://myapi.example.com/"
    assert sorted(grants[0]["scope"]) == ["read:data", "write:data"]

    assert stack.destroy().summary.resource_changes == {"delete": 3}
    assert emulator.management("GET", f"/clients/{client_id}")[0] == 404
    assert [g for g in emulator.get("/client-grants") if g["id"] == grant_id] == []
    # The seeded API is not the program's and stays.
    assert "https://myapi.example.com/" in [a["identifier"] for a in emulator.get("/resource-servers")]


def test_ai_service_auth_with_the_tenant_domain_fails_with_the_409_explanation(
    emulator, sandbox, tmp_path
):
    work = tmp_path / "ai_service_auth"
    stack = harness.inline_stack(
        sandbox, emulator, work, harness.program_file("ai_service_auth.py", emulator.domain, work)
    )
    with pytest.raises(auto.CommandError) as failure:
        stack.up()
    text = str(failure.value)
    explanation = [line for line in text.splitlines() if "409" in line]
    assert explanation, f"no line mentions 409 in:\n{text[-3000:]}"
    sentence = explanation[0]
    assert "ResourceServer.identifier" in sentence
    assert f"https://{emulator.domain}/api/v2/" in sentence
    assert "Management API" in sentence
    assert "choose an identifier of your own" in sentence
    # The secret the provider was configured with never shows up in what the user sees.
    assert emulator.client_secret not in text

    # The tenant's Management API is untouched, and what did get created is cleaned up.
    apis = emulator.get("/resource-servers")
    assert [a["identifier"] for a in apis].count(f"https://{emulator.domain}/api/v2/") == 1
    stack.destroy()
    assert [c["name"] for c in non_bootstrap_clients(emulator)] == ["Legacy Reporting Client"]


def test_corrected_ai_service_auth_goes_through_up_preview_refresh_and_destroy(
    emulator, sandbox, tmp_path
):
    work = tmp_path / "ai_service_auth_corrected"
    stack = harness.inline_stack(
        sandbox,
        emulator,
        work,
        harness.program_file("ai_service_auth_corrected.py", emulator.domain, work),
    )
    up = up_preview_refresh_destroy(stack)
    assert up.summary.resource_changes == {"create": 4}
    assert up.outputs["service_api_id"].value == "https://ai-service.example.com/"
    assert up.outputs["service_client_secret"].secret is True

    client_id = up.outputs["service_client_id"].value
    client = emulator.get(f"/clients/{client_id}")
    assert client["client_metadata"] == {"audience": "https://ai-service.example.com/"}
    api = [a for a in emulator.get("/resource-servers") if a["identifier"] == "https://ai-service.example.com/"]
    assert [s["value"] for s in api[0]["scopes"]] == ["read:data", "write:data"]
    grants = [g for g in emulator.get("/client-grants") if g["client_id"] == client_id]
    assert [(g["audience"], sorted(g["scope"])) for g in grants] == [
        ("https://ai-service.example.com/", ["read:data", "write:data"])
    ]

    assert stack.destroy().summary.resource_changes == {"delete": 4}
    assert emulator.management("GET", f"/clients/{client_id}")[0] == 404
    assert [
        a for a in emulator.get("/resource-servers") if a["identifier"] == "https://ai-service.example.com/"
    ] == []
