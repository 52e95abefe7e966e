"""The example projects run the way users run them: `pulumi up` in a project directory, with the
real language host for its runtime (pulumi-language-python, -nodejs, -go), the plugin found on PATH
and the emulator as the tenant. Each step is checked on the CLI's own output and on the emulator's
state."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import harness

API = "https://ai-service.example.com/"
PINNED = os.environ.get("PULUMI_VERSION", "")


def outputs(sandbox, work: Path) -> dict:
    return json.loads(sandbox.cli(["stack", "output", "--json"], cwd=work).stdout)


def summary_count(text: str, what: str) -> int:
    """The number in the CLI's last Resources summary (the operation's own, after any preview's),
    e.g. `+ 4 created` -> 4 for "created"."""
    summaries = text.split("Resources:")
    found = re.findall(rf"(\d+) {what}\b", summaries[-1]) if len(summaries) > 1 else []
    if len(found) != 1:
        raise AssertionError(f"expected '<n> {what}' in the CLI's last summary, found {found}:\n{text[-3000:]}")
    return int(found[0])


@pytest.fixture(autouse=True)
def installed_plugin(sandbox):
    """Every project here finds the plugin where `pulumi plugin install` puts it."""
    harness.install_plugin(sandbox)


def no_warnings(result) -> None:
    """A clean run shows no warning at all (no ambient plugin, no deprecation)."""
    assert "warning:" not in result.stdout + result.stderr, (result.stdout + result.stderr)[-3000:]


def no_client_secret_in(emulator, *texts: str) -> None:
    for text in texts:
        assert emulator.client_secret not in text


def scope_warnings(sandbox, work: Path) -> list[str]:
    """The warnings a `pulumi preview` reports about the `scope` alias, from its JSON output."""
    preview = sandbox.cli(["preview", "--json"], cwd=work, timeout=600)
    diagnostics = json.loads(preview.stdout).get("diagnostics") or []
    return [
        d["message"]
        for d in diagnostics
        if d.get("severity") == "warning" and "`scope`" in d.get("message", "")
    ]


def service_auth_lifecycle(
    sandbox, emulator, work: Path, client_id_key: str, api_key: str, uses_scope_alias: bool = False
) -> None:
    """up, preview --expect-no-changes, refresh, preview again and destroy of the service-to-service
    scenario (client, API, grant), checked on the CLI output and on the emulator. A program that
    grants with the deprecated `scope=` alias is told so once, naming what to write instead."""
    harness.cli_stack(sandbox, emulator, work)

    if uses_scope_alias:
        warnings = scope_warnings(sandbox, work)
        assert len(warnings) == 1, warnings
        assert "scopes" in warnings[0]
    up = sandbox.cli(["up", "--yes"], cwd=work, timeout=600)
    no_client_secret_in(emulator, up.stdout, up.stderr)
    if not uses_scope_alias:
        no_warnings(up)
    assert summary_count(up.stdout, "created") == 4  # the stack, client, API and grant
    out = outputs(sandbox, work)
    assert out[api_key] == API
    client_id = out[client_id_key]
    client = emulator.get(f"/clients/{client_id}")
    assert (client["name"], client["app_type"], client["grant_types"]) == (
        "Service Client",
        "non_interactive",
        ["client_credentials"],
    )
    assert client["client_metadata"] == {"audience": API}
    apis = [a for a in emulator.get("/resource-servers") if a["identifier"] == API]
    assert [(a["name"], [s["value"] for s in a["scopes"]]) for a in apis] == [
        ("AI Service API", ["read:data", "write:data"])
    ]
    grants = [g for g in emulator.get("/client-grants") if g["client_id"] == client_id]
    assert [(g["audience"], sorted(g["scope"])) for g in grants] == [(API, ["read:data", "write:data"])]

    preview = sandbox.cli(["preview", "--expect-no-changes"], cwd=work, timeout=600)
    assert summary_count(preview.stdout, "unchanged") == 4
    refresh = sandbox.cli(["refresh", "--yes"], cwd=work, timeout=300)
    assert summary_count(refresh.stdout, "unchanged") == 4
    sandbox.cli(["preview", "--expect-no-changes"], cwd=work, timeout=600)

    destroy = sandbox.cli(["destroy", "--yes"], cwd=work, timeout=300)
    assert summary_count(destroy.stdout, "deleted") == 4
    assert emulator.management("GET", f"/clients/{client_id}")[0] == 404
    assert [a for a in emulator.get("/resource-servers") if a["identifier"] == API] == []
    assert [g for g in emulator.get("/client-grants") if g["client_id"] == client_id] == []


# --- Python ---------------------------------------------------------------------------------------


def test_python_seed_project_installs_its_own_venv_and_goes_through_up_preview_refresh_destroy(
    emulator, sandbox, tmp_path
):
    """ai-client-grant exactly as a user has it: the first `pulumi up` makes ./venv from
    requirements.txt (pulumi at the pin and our SDK), then runs __main__.py through
    pulumi-language-python."""
    work = harness.example_project("python", "ai-client-grant", tmp_path / "ai-client-grant")
    assert "virtualenv: venv" in (work / "Pulumi.yaml").read_text(encoding="utf-8")
    assert not (work / "venv").exists()
    harness.cli_stack(sandbox, emulator, work)

    up = sandbox.cli(["up", "--yes"], cwd=work, timeout=600)
    no_warnings(up)
    assert summary_count(up.stdout, "created") == 3  # the stack, the client and the grant
    venv_python = work / "venv" / "bin" / "python"
    assert venv_python.exists(), "the first `pulumi up` did not create the project's venv"
    installed = subprocess.run(
        [str(venv_python), "-c", "import pulumi, pulumi_auth0, importlib.metadata as m; print(m.version('pulumi'))"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert installed.returncode == 0, installed.stderr
    assert installed.stdout.strip() == PINNED

    out = outputs(sandbox, work)
    client = emulator.get(f"/clients/{out['client_id']}")
    assert (client["name"], client["app_type"]) == ("My AI Client App", "non_interactive")
    grants = [g for g in emulator.get("/client-grants") if g["id"] == out["client_grant_id"]]
    assert [(g["client_id"], g["audience"], sorted(g["scope"])) for g in grants] == [
        (out["client_id"], "https://myapi.example.com/", ["read:data", "write:data"])
    ]

    preview = sandbox.cli(["preview", "--expect-no-changes"], cwd=work, timeout=300)
    assert summary_count(preview.stdout, "unchanged") == 3
    refresh = sandbox.cli(["refresh", "--yes"], cwd=work, timeout=300)
    assert summary_count(refresh.stdout, "unchanged") == 3
    destroy = sandbox.cli(["destroy", "--yes"], cwd=work, timeout=300)
    assert summary_count(destroy.stdout, "deleted") == 3
    assert emulator.management("GET", f"/clients/{out['client_id']}")[0] == 404
    # The API existed before the program and is not the program's to delete.
    assert "https://myapi.example.com/" in [a["identifier"] for a in emulator.get("/resource-servers")]


def test_python_corrected_service_project_goes_through_up_preview_refresh_destroy(
    emulator, sandbox, tmp_path
):
    work = harness.example_project(
        "python",
        "ai-service-auth-corrected",
        tmp_path / "ai-service-auth-corrected",
        python_venv=Path(sys.prefix),
    )
    service_auth_lifecycle(
        sandbox, emulator, work, "service_client_id", "service_api_id", uses_scope_alias=True
    )


def test_python_seed_with_the_management_api_identifier_fails_at_preview_and_creates_nothing(
    emulator, sandbox, tmp_path
):
    """The brief's first program as written, with the tenant's domain filled in: its API would take
    the tenant's own Management API identifier. Preview says so in one sentence; nothing is made."""
    work = harness.example_project(
        "python",
        "ai-service-auth",
        tmp_path / "ai-service-auth",
        domain=emulator.domain,
        python_venv=Path(sys.prefix),
    )
    harness.cli_stack(sandbox, emulator, work)
    clients_before = sorted(c["client_id"] for c in emulator.get("/clients"))
    apis_before = sorted(a["id"] for a in emulator.get("/resource-servers"))
    emulator.request("POST", "/emulator/stats/reset")

    preview = sandbox.cli(["preview"], cwd=work, timeout=300, check=False)
    text = preview.stdout + preview.stderr
    assert preview.returncode != 0, f"preview succeeded:\n{text[-3000:]}"
    no_client_secret_in(emulator, text)
    sentences = [line for line in text.splitlines() if "Management API" in line]
    assert sentences, f"no line names the Management API in:\n{text[-3000:]}"
    sentence = sentences[0]
    assert f"https://{emulator.domain}/api/v2/" in sentence
    assert "identifier" in sentence
    assert "ClientGrant" in sentence  # how a client gets Management API scopes instead
    # Check decided it from the provider's configuration: no Management API request at all.
    assert emulator.stats()["managementTotal"] == 0

    up = sandbox.cli(["up", "--yes"], cwd=work, timeout=300, check=False)
    assert up.returncode != 0
    assert sorted(c["client_id"] for c in emulator.get("/clients")) == clients_before
    assert sorted(a["id"] for a in emulator.get("/resource-servers")) == apis_before


# --- TypeScript -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def typescript_node_modules(tmp_path_factory) -> Path:
    """A node_modules for the TypeScript project: the pinned packages the SDK tests use
    (E2E_NODE_MODULES) and this repository's sdk/nodejs, compiled, as @pulumi/auth0."""
    pinned = os.environ.get("E2E_NODE_MODULES")
    if not pinned or not (Path(pinned) / "@pulumi" / "pulumi").is_dir():
        raise RuntimeError("E2E_NODE_MODULES must name the pinned node_modules; run the suite through `make e2e`")
    pinned = Path(pinned)
    root = tmp_path_factory.mktemp("ts-modules")

    sdk = root / "auth0-sdk"
    shutil.copytree(harness.REPO / "sdk" / "nodejs", sdk, ignore=shutil.ignore_patterns("node_modules", "bin"))
    (sdk / "node_modules").symlink_to(pinned, target_is_directory=True)
    built = subprocess.run(
        [str(pinned / ".bin" / "tsc"), "-p", str(sdk)], capture_output=True, text=True, timeout=300
    )
    assert built.returncode == 0, f"tsc of sdk/nodejs failed:\n{built.stdout[-3000:]}{built.stderr[-2000:]}"

    modules = root / "node_modules"
    modules.mkdir()
    for entry in pinned.iterdir():
        if entry.name != "@pulumi":
            (modules / entry.name).symlink_to(entry)
    scope = modules / "@pulumi"
    scope.mkdir()
    for entry in (pinned / "@pulumi").iterdir():
        (scope / entry.name).symlink_to(entry)
    (scope / "auth0").symlink_to(sdk, target_is_directory=True)
    return modules


def test_typescript_project_goes_through_up_preview_refresh_destroy(
    typescript_node_modules, emulator, sandbox, tmp_path
):
    work = harness.example_project(
        "typescript", "ai-service-auth", tmp_path / "ts", node_modules=typescript_node_modules
    )
    package = json.loads((work / "package.json").read_text(encoding="utf-8"))
    assert package["dependencies"]["@pulumi/pulumi"] == PINNED
    service_auth_lifecycle(sandbox, emulator, work, "serviceClientId", "serviceApiId")


# --- Go -------------------------------------------------------------------------------------------


def test_go_project_compiles_through_the_language_host_and_goes_through_up_preview_refresh_destroy(
    emulator, sandbox, tmp_path
):
    work = harness.example_project("go", "ai-service-auth", tmp_path / "go")
    go_mod = (work / "go.mod").read_text(encoding="utf-8")
    assert f"github.com/pulumi/pulumi/sdk/v3 v{PINNED}\n" in go_mod
    service_auth_lifecycle(sandbox, emulator, work, "serviceClientId", "serviceApiId")


# --- Every example names the one pin ----------------------------------------------------------------


def test_every_example_project_names_the_pinned_pulumi_version():
    assert re.fullmatch(r"\d+\.\d+\.\d+", PINNED), "run through `make e2e`, which exports PULUMI_VERSION"
    for requirements in sorted((harness.EXAMPLES / "python").glob("*/requirements.txt")):
        lines = requirements.read_text(encoding="utf-8").splitlines()
        assert f"pulumi=={PINNED}" in lines, f"{requirements} does not pin pulumi=={PINNED}"
    for package in sorted((harness.EXAMPLES / "typescript").glob("*/package.json")):
        deps = json.loads(package.read_text(encoding="utf-8"))["dependencies"]
        assert deps.get("@pulumi/pulumi") == PINNED, f"{package} does not pin @pulumi/pulumi {PINNED}"
    for go_mod in sorted((harness.EXAMPLES / "go").glob("*/go.mod")):
        text = go_mod.read_text(encoding="utf-8")
        assert f"github.com/pulumi/pulumi/sdk/v3 v{PINNED}\n" in text, f"{go_mod} does not require sdk/v3 v{PINNED}"
