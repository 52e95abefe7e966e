"""A program in the official v3 style, through the real CLI: a client, an API, its scopes as
ResourceServerScopes, a grant, ClientCredentials with client_secret_post, and get_client reading
the secret back. The service then gets a token with that secret and the token verifies against
the JWKS. After that: preview with no changes, refresh, import of each new resource, destroy."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

import harness
from test_projects import outputs, summary_count

API = "https://toolkit.example.com/"
SCOPES = "auth0:index/resourceServerScopes:ResourceServerScopes"
SCOPE = "auth0:index/resourceServerScope:ResourceServerScope"
CREDENTIALS = "auth0:index/clientCredentials:ClientCredentials"


@pytest.fixture(autouse=True)
def installed_plugin(sandbox):
    harness.install_plugin(sandbox)


def stack_resources(sandbox, work: Path) -> list[dict]:
    exported = json.loads(sandbox.cli(["stack", "export"], cwd=work).stdout)
    return exported["deployment"].get("resources") or []


def imported(sandbox, work: Path, type_token: str, name: str, import_id: str) -> dict:
    """`pulumi import` of an object the program already manages, under another name: the state the
    provider's Read gives it. The import is taken out of the state again afterwards, so the
    program's own resource stays the only owner."""
    sandbox.cli(
        ["import", type_token, name, import_id, "--yes", "--generate-code=false", "--protect=false"],
        cwd=work,
        timeout=300,
    )
    found = [r for r in stack_resources(sandbox, work) if r["urn"].endswith(f"::{name}")]
    assert len(found) == 1, [r["urn"] for r in stack_resources(sandbox, work)]
    sandbox.cli(["state", "delete", found[0]["urn"], "--yes"], cwd=work, timeout=120)
    return found[0]


def test_the_official_v3_style_toolkit_program_runs_unchanged(emulator, sandbox, tmp_path):
    work = harness.example_project(
        "python", "m2m-toolkit", tmp_path / "m2m-toolkit", python_venv=Path(sys.prefix)
    )
    harness.cli_stack(sandbox, emulator, work)

    up = sandbox.cli(["up", "--yes"], cwd=work, timeout=600)
    assert emulator.client_secret not in up.stdout + up.stderr
    # The stack, client, API, scopes, grant and credentials.
    assert summary_count(up.stdout, "created") == 6
    out = outputs(sandbox, work)
    client_id = out["client_id"]
    assert out["client_secret"] == "[secret]", "get_client must return the secret as a secret"
    shown = json.loads(sandbox.cli(["stack", "output", "--show-secrets", "--json"], cwd=work).stdout)
    # A function result holding a secret is a secret Output as a whole (Pulumi's rule).
    assert shown["token_endpoint_auth_method"] == "client_secret_post"
    client_secret = shown["client_secret"]
    assert client_secret == emulator.get(f"/clients/{client_id}")["client_secret"]

    apis = [a for a in emulator.get("/resource-servers") if a["identifier"] == API]
    assert [sorted(s["value"] for s in a["scopes"]) for a in apis] == [["read:data", "write:data"]]

    issued = emulator.token(client_id, client_secret, API)
    claims = harness.verify_service_token(emulator, issued["access_token"], API)
    assert claims["sub"] == f"{client_id}@clients"
    assert sorted(claims["scope"].split()) == ["read:data", "write:data"]

    preview = sandbox.cli(["preview", "--expect-no-changes"], cwd=work, timeout=600)
    assert summary_count(preview.stdout, "unchanged") == 6
    refresh = sandbox.cli(["refresh", "--yes"], cwd=work, timeout=300)
    assert summary_count(refresh.stdout, "unchanged") == 6
    sandbox.cli(["preview", "--expect-no-changes"], cwd=work, timeout=600)

    scopes = imported(sandbox, work, SCOPES, "imported-scopes", API)
    assert scopes["id"] == API
    assert sorted(s["name"] for s in scopes["inputs"]["scopes"]) == ["read:data", "write:data"]
    scope = imported(sandbox, work, SCOPE, "imported-scope", f"{API}::write:data")
    assert scope["inputs"] == {"resourceServerIdentifier": API, "scope": "write:data", "description": "Write data"}
    creds = imported(sandbox, work, CREDENTIALS, "imported-credentials", client_id)
    assert creds["inputs"]["clientId"] == client_id
    assert creds["outputs"]["authenticationMethod"] == "client_secret_post"
    assert creds["outputs"]["clientSecret"]["4dabf18193072939515e22adb298388d"] == "1b47061264138c4ac30d75fd1eb44270"
    sandbox.cli(["preview", "--expect-no-changes"], cwd=work, timeout=600)

    destroy = sandbox.cli(["destroy", "--yes"], cwd=work, timeout=300)
    assert summary_count(destroy.stdout, "deleted") == 6
    assert emulator.management("GET", f"/clients/{client_id}")[0] == 404
    assert [a for a in emulator.get("/resource-servers") if a["identifier"] == API] == []
