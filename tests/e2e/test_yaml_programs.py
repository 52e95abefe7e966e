"""The YAML examples, run by the real CLI with `runtime: yaml` (pulumi-language-yaml)."""

from __future__ import annotations

import json

import harness


def outputs(sandbox, work) -> dict:
    return json.loads(sandbox.cli(["stack", "output", "--json"], cwd=work).stdout)


def test_yaml_ai_service_auth_goes_through_up_preview_refresh_and_destroy(emulator, sandbox, tmp_path):
    work = harness.yaml_project("ai-service-auth", tmp_path / "yaml-service")
    harness.cli_stack(sandbox, emulator, work)

    up = sandbox.cli(["up", "--yes", "--skip-preview"], cwd=work)
    assert "4 created" in up.stdout
    out = outputs(sandbox, work)
    assert out["service_api_id"] == "https://ai-service.example.com/"
    assert out["service_client_secret"] == "[secret]"
    client = emulator.get(f"/clients/{out['service_client_id']}")
    assert client["name"] == "Service Client"
    assert client["client_metadata"] == {"audience": "https://ai-service.example.com/"}
    grants = [g for g in emulator.get("/client-grants") if g["client_id"] == out["service_client_id"]]
    assert [(g["audience"], sorted(g["scope"])) for g in grants] == [
        ("https://ai-service.example.com/", ["read:data", "write:data"])
    ]

    sandbox.cli(["preview", "--expect-no-changes"], cwd=work)
    refresh = sandbox.cli(["refresh", "--yes", "--skip-preview"], cwd=work)
    assert "4 unchanged" in refresh.stdout
    sandbox.cli(["preview", "--expect-no-changes"], cwd=work)

    destroy = sandbox.cli(["destroy", "--yes", "--skip-preview"], cwd=work)
    assert "4 deleted" in destroy.stdout
    assert emulator.management("GET", f"/clients/{out['service_client_id']}")[0] == 404
    assert "https://ai-service.example.com/" not in [
        a["identifier"] for a in emulator.get("/resource-servers")
    ]


def test_yaml_ai_client_grant_grants_the_existing_api_and_destroys_cleanly(emulator, sandbox, tmp_path):
    work = harness.yaml_project("ai-client-grant", tmp_path / "yaml-grant")
    harness.cli_stack(sandbox, emulator, work)

    sandbox.cli(["up", "--yes", "--skip-preview"], cwd=work)
    out = outputs(sandbox, work)
    grants = [g for g in emulator.get("/client-grants") if g["id"] == out["client_grant_id"]]
    assert [(g["client_id"], g["audience"], sorted(g["scope"])) for g in grants] == [
        (out["client_id"], "https://myapi.example.com/", ["read:data", "write:data"])
    ]
    sandbox.cli(["preview", "--expect-no-changes"], cwd=work)
    sandbox.cli(["refresh", "--yes", "--skip-preview"], cwd=work)
    sandbox.cli(["preview", "--expect-no-changes"], cwd=work)

    sandbox.cli(["destroy", "--yes", "--skip-preview"], cwd=work)
    assert emulator.management("GET", f"/clients/{out['client_id']}")[0] == 404
    assert [g for g in emulator.get("/client-grants") if g["id"] == out["client_grant_id"]] == []
    assert "https://myapi.example.com/" in [a["identifier"] for a in emulator.get("/resource-servers")]


def test_yaml_preview_json_reports_a_client_rename_as_an_update_of_name(emulator, sandbox, tmp_path):
    work = harness.yaml_project("ai-client-grant", tmp_path / "yaml-rename")
    harness.cli_stack(sandbox, emulator, work)
    sandbox.cli(["up", "--yes", "--skip-preview"], cwd=work)

    project = work / "Pulumi.yaml"
    project.write_text(
        project.read_text().replace("name: My AI Client App", "name: My Renamed AI Client"),
        encoding="utf-8",
    )
    preview = json.loads(sandbox.cli(["preview", "--json"], cwd=work).stdout)
    assert preview["changeSummary"] == {"same": 2, "update": 1}
    changed = [s for s in preview["steps"] if s["op"] != "same"]
    assert [(s["op"], s["urn"].rsplit("::", 1)[-1], s.get("diffReasons")) for s in changed] == [
        ("update", "ai-client", ["name"])
    ]
    assert {path: d["kind"] for path, d in changed[0]["detailedDiff"].items()} == {"name": "update"}

    sandbox.cli(["up", "--yes", "--skip-preview"], cwd=work)
    client_id = outputs(sandbox, work)["client_id"]
    assert emulator.get(f"/clients/{client_id}")["name"] == "My Renamed AI Client"
    sandbox.cli(["destroy", "--yes", "--skip-preview"], cwd=work)
