"""The two seed programs from the product brief, run unchanged (apart from the tenant domain) by the
real engine against the plugin binary and the emulator."""

from __future__ import annotations

import pytest
from pulumi import automation as auto

import harness


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
        sandbox, emulator, work, harness.program_file("ai-client-grant", emulator.domain, work)
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


def test_ai_service_auth_with_the_tenant_domain_is_refused_at_preview_before_anything_is_created(
    emulator, sandbox, tmp_path
):
    work = tmp_path / "ai_service_auth"
    stack = harness.inline_stack(
        sandbox, emulator, work, harness.program_file("ai-service-auth", emulator.domain, work)
    )
    clients_before = sorted(c["client_id"] for c in emulator.get("/clients"))
    with pytest.raises(auto.CommandError) as failure:
        stack.preview()
    text = str(failure.value)
    explanation = [line for line in text.splitlines() if "Management API" in line]
    assert explanation, f"no line names the Management API in:\n{text[-3000:]}"
    sentence = explanation[0]
    assert "identifier" in sentence
    assert f"https://{emulator.domain}/api/v2/" in sentence
    assert "ClientGrant" in sentence
    # The secret the provider was configured with never shows up in what the user sees.
    assert emulator.client_secret not in text

    # Nothing was created, and the tenant's Management API is untouched.
    assert sorted(c["client_id"] for c in emulator.get("/clients")) == clients_before
    apis = emulator.get("/resource-servers")
    assert [a["identifier"] for a in apis].count(f"https://{emulator.domain}/api/v2/") == 1
    assert len(apis) == 2  # the Management API and the seeded https://myapi.example.com/


def test_corrected_ai_service_auth_goes_through_up_preview_refresh_and_destroy(
    emulator, sandbox, tmp_path
):
    work = tmp_path / "ai_service_auth_corrected"
    stack = harness.inline_stack(
        sandbox,
        emulator,
        work,
        harness.program_file("ai-service-auth-corrected", emulator.domain, work),
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
