"""Migration from the official pulumi-auth0 v3.49.0 (the bridged provider and its SDKs) to ours, and
back, with the real CLI and language hosts, as docs/user-guide.md "Migrating" tells a user to do it.

Each program starts on the official side: the official SDK (PyPI `pulumi-auth0`, npm `@pulumi/auth0`)
and the official plugin, built from source by `make bridged-provider`, talking https to
`auth0-emulator --tls`. Then the SDK is swapped for ours and the program text stays as it is. Run
through `make test-migration`, which provides BRIDGED_PLUGIN, MIGRATION_NODE_MODULES and the venv
with the official Python SDK that this suite runs in.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Optional

import pytest

import harness

HERE = Path(__file__).parent / "migration"
OFFICIAL_VERSION = os.environ.get("BRIDGED_VERSION", "3.49.0")
OURS_VERSION = harness.workspace_version()
# The default providers' names, as the engine writes them into state: `default_<version>`, and for
# ours `default_<version>_<pluginDownloadURL>` too, since our SDKs name where the plugin comes from.
OFFICIAL_PROVIDER = "default_" + OFFICIAL_VERSION.replace(".", "_")
OURS_PROVIDER = "default_" + OURS_VERSION.replace(".", "_") + "_github_/api.github.com/pulumi-auth0-rs/pulumi-auth0-rs"
SIGNING_SECRET = "orders-signing-secret-0123456789abcdef"
# Where the bridged state of the richer program is written when set (to refresh the fixture
# provider/tests/fixtures/bridged-state/, see the README there).
CAPTURE_DIR = os.environ.get("MIGRATION_CAPTURE_DIR")

SEED = {
    "resource_servers": [
        {
            "name": "My API",
            "identifier": "https://myapi.example.com/",
            "scopes": [
                {"value": "read:data", "description": "Read data"},
                {"value": "write:data", "description": "Write data"},
            ],
        }
    ]
}

def required_env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise RuntimeError(f"{name} is not set; run this suite through `make test-migration`")
    return value


@pytest.fixture
def tls_emulator(tmp_path):
    """The emulator over https: the official provider speaks https only."""
    emu = harness.Emulator(tmp_path / "emulator", seed=SEED, tls=True).start()
    try:
        yield emu
    finally:
        emu.stop()


@pytest.fixture
def both_plugins(sandbox):
    """The official plugin and ours, installed side by side as a user has them; PATH copies ignored."""
    bridged = Path(required_env("BRIDGED_PLUGIN"))
    if not os.access(bridged, os.X_OK):
        raise RuntimeError(f"BRIDGED_PLUGIN names {bridged}, which is not an executable; run `make bridged-provider`")
    sandbox.cli(
        ["plugin", "install", "resource", "auth0", OFFICIAL_VERSION, "--file", str(bridged)],
        cwd=sandbox.root,
    )
    harness.install_plugin(sandbox)  # ours, and PULUMI_IGNORE_AMBIENT_PLUGINS
    return sandbox


class Project:
    """One program's project directory and the SDK it is currently run with."""

    def __init__(self, sandbox, emulator, work: Path, runtime: str, official_modules=None, our_modules=None):
        self.sandbox = sandbox
        self.emulator = emulator
        self.work = work
        self.runtime = runtime
        self.official_modules = official_modules
        self.our_modules = our_modules
        self.sdk = "official"

    def use_sdk(self, which: str) -> None:
        """Swap the SDK the program imports; the program's text is never touched."""
        self.sdk = which
        if self.runtime == "nodejs":
            link = self.work / "node_modules"
            if link.is_symlink() or link.exists():
                link.unlink()
            link.symlink_to(self.official_modules if which == "official" else self.our_modules)

    def env(self) -> dict:
        env = {"SSL_CERT_FILE": str(self.emulator.tls_cert_file)}
        # The venv holds the official Python SDK; ours comes first on the path when swapped in.
        env["PYTHONPATH"] = str(harness.SDK_PYTHON) if self.sdk == "ours" else ""
        return env

    def cli(self, args: list[str], timeout: float = 300, check: bool = True):
        result = self.sandbox.cli(args, cwd=self.work, timeout=timeout, extra_env=self.env(), check=check)
        if "--show-secrets" in args:
            return result
        text = result.stdout + result.stderr
        assert self.emulator.client_secret not in text, "the provider's client secret reached the CLI output"
        assert SIGNING_SECRET not in text, "a signing secret reached the CLI output"
        return result

    def export(self, show_secrets: bool = False) -> dict:
        args = ["stack", "export"] + (["--show-secrets"] if show_secrets else [])
        return json.loads(self.cli(args).stdout)

    def preview_steps(self) -> list[dict]:
        """`pulumi preview`'s engine events (streamed as JSON lines): one step per resource, with
        its op, urn, old and new provider and diff. (`--json` alone lists no `same` steps.)"""
        result = self.sandbox.cli(
            ["preview", "--json"],
            cwd=self.work,
            timeout=300,
            extra_env={**self.env(), "PULUMI_ENABLE_STREAMING_JSON_PREVIEW": "true"},
        )
        assert self.emulator.client_secret not in result.stdout + result.stderr
        steps = []
        for line in result.stdout.splitlines():
            event = json.loads(line) if line.startswith("{") else {}
            pre = event.get("resourcePreEvent")
            if pre:
                steps.append(pre["metadata"])
        return steps


def resources(state: dict) -> list[dict]:
    return [
        r
        for r in state["deployment"]["resources"]
        if r["type"] != "pulumi:pulumi:Stack" and not r["type"].startswith("pulumi:providers:")
    ]


def writes(emulator) -> dict[str, int]:
    """The Management API requests since the last stats reset that could change something."""
    return {
        route: count
        for route, count in emulator.stats()["routes"].items()
        if count and route.split(" ", 1)[0] in {"POST", "PATCH", "PUT", "DELETE"}
    }


def ids(state: dict) -> dict[str, str]:
    return {r["urn"]: r["id"] for r in resources(state)}


def provider_names(state: dict) -> set[str]:
    """The default providers the program's resources point at, e.g. {"default_3_49_0"}."""
    return {r["provider"].split("::")[-2] for r in resources(state)}


def is_secret(value) -> bool:
    return isinstance(value, dict) and value.get("4dabf18193072939515e22adb298388d") == "1b47061264138c4ac30d75fd1eb44270"


def summarize(steps: list[dict]) -> dict[str, str]:
    """type::name -> op, for the program's own resources (not the stack, not providers)."""
    return {
        f"{step['type']}::{step['urn'].rsplit('::', 1)[-1]}": step["op"]
        for step in steps
        if step["type"] != "pulumi:pulumi:Stack" and not step["type"].startswith("pulumi:providers:")
    }


def provider_name(reference: str) -> str:
    """`urn:...::pulumi:providers:auth0::default_3_49_0::<id>` -> `default_3_49_0`."""
    return reference.split("::")[-2] if reference else ""


def assert_swap_preview_is_clean(steps: list[dict], from_provider: str, to_provider: str) -> None:
    """Every resource of the program is kept as it is (`same`, no diff); only the default provider it
    points at changes, from one plugin's to the other's. Nothing is created, deleted or replaced."""
    ops = summarize(steps)
    assert ops, f"the preview planned no steps for the program's resources: {[(s['op'], s['urn']) for s in steps]}"
    bad = {
        f"{step['type']}::{step['urn'].rsplit('::', 1)[-1]}": (step["op"], step.get("diffs"), step.get("detailedDiff"))
        for step in steps
        if f"{step['type']}::{step['urn'].rsplit('::', 1)[-1]}" in ops and step["op"] != "same"
    }
    assert not bad, f"the swap would change resources: {bad}"
    for step in steps:
        if step["type"] == "pulumi:pulumi:Stack" or step["type"].startswith("pulumi:providers:"):
            continue
        assert not step.get("diffs") and not step.get("detailedDiff"), (step["urn"], step.get("diffs"), step.get("detailedDiff"))
        old, new = (step.get("old") or {}).get("provider", ""), (step.get("new") or {}).get("provider", "")
        assert (provider_name(old), provider_name(new)) == (from_provider, to_provider), (step["urn"], old, new)


def assert_way_back_preview(steps: list[dict], from_provider: str, to_provider: str) -> dict:
    """The preview back to the official provider: every resource moves to its default provider; a
    Client may show an update, but only of outputs (no input differs), never a create, delete or
    replace. Returns type::name -> the properties such an update names."""
    updates = {}
    for step in steps:
        if step["type"] == "pulumi:pulumi:Stack" or step["type"].startswith("pulumi:providers:"):
            continue
        key = f"{step['type']}::{step['urn'].rsplit('::', 1)[-1]}"
        old, new = (step.get("old") or {}).get("provider", ""), (step.get("new") or {}).get("provider", "")
        assert (provider_name(old), provider_name(new)) == (from_provider, to_provider), (key, old, new)
        assert step["op"] in {"same", "update"}, (key, step["op"], step.get("detailedDiff"))
        if step["op"] == "update":
            assert step["type"] == "auth0:index/client:Client", (key, step.get("detailedDiff"))
            detailed = step.get("detailedDiff") or {}
            assert detailed and not any(d.get("inputDiff") for d in detailed.values()), (key, detailed)
            assert all(d["diffKind"] in {"add", "update"} for d in detailed.values()), (key, detailed)
            updates[key] = sorted(detailed)
    assert summarize(steps), "the preview planned no steps for the program's resources"
    return updates


def clean_afterwards(project: Project) -> None:
    changes = [(s["urn"], s["op"], s.get("detailedDiff")) for s in project.preview_steps() if s["op"] != "same"]
    assert not changes, changes
    project.cli(["preview", "--expect-no-changes"])
    project.cli(["refresh", "--yes", "--expect-no-changes"])
    project.cli(["preview", "--expect-no-changes"])


def migrate(project: Project, secret_outputs: list[str], capture_as: Optional[str] = None) -> dict:
    """The whole procedure: up on the official side, swap, preview, up, checks, and the way back.
    Returns what each stage saw, for program-specific checks."""
    seen = {}
    # 1. The stack as the official provider makes it.
    project.use_sdk("official")
    project.cli(["up", "--yes", "--skip-preview"])
    official = project.export()
    assert provider_names(official) == {OFFICIAL_PROVIDER}
    seen["official"] = official
    if capture_as and CAPTURE_DIR:
        Path(CAPTURE_DIR).mkdir(parents=True, exist_ok=True)
        (Path(CAPTURE_DIR) / f"{capture_as}.json").write_text(
            json.dumps(project.export(show_secrets=True), indent=1), encoding="utf-8"
        )
    clients_before = {c["client_id"] for c in project.emulator.get("/clients")}
    apis_before = {a["id"] for a in project.emulator.get("/resource-servers")}
    grants_before = {g["id"] for g in project.emulator.get("/client-grants")}

    # 2-3. Our SDK, the same program: nothing to create, delete or replace.
    project.use_sdk("ours")
    steps = project.preview_steps()
    assert_swap_preview_is_clean(steps, OFFICIAL_PROVIDER, OURS_PROVIDER)
    seen["swap_preview"] = summarize(steps)

    if capture_as and CAPTURE_DIR:
        text = project.cli(["preview"]).stdout
        (Path(CAPTURE_DIR) / f"{capture_as}.swap-preview.txt").write_text(text, encoding="utf-8")

    # 4. up: the state names our plugin; every Auth0 object is the one the official provider made,
    # and nothing is written to Auth0.
    project.emulator.request("POST", "/emulator/stats/reset")
    project.cli(["up", "--yes", "--skip-preview"])
    assert writes(project.emulator) == {}
    ours = project.export()
    assert provider_names(ours) == {OURS_PROVIDER}
    assert ids(ours) == ids(official)
    assert {c["client_id"] for c in project.emulator.get("/clients")} == clients_before
    assert {a["id"] for a in project.emulator.get("/resource-servers")} == apis_before
    assert {g["id"] for g in project.emulator.get("/client-grants")} == grants_before

    # 5. Nothing left to do, and nothing drifted.
    clean_afterwards(project)

    # 6. Secrets stay secret; Client.clientSecret is there now, as a secret.
    ours = project.export()
    seen["ours"] = ours
    plain = json.dumps(ours)
    assert project.emulator.client_secret not in plain
    assert SIGNING_SECRET not in plain
    for r in resources(ours):
        for name in secret_outputs:
            if name in r["outputs"]:
                assert is_secret(r["outputs"][name]), (r["urn"], name)
        if r["type"] == "auth0:index/client:Client":
            assert is_secret(r["outputs"].get("clientSecret")), r["urn"]
    shown = project.export(show_secrets=True)
    for r in resources(shown):
        if r["type"] == "auth0:index/client:Client":
            client = project.emulator.get(f"/clients/{r['id']}")
            shown_secret = r["outputs"]["clientSecret"]
            assert is_secret(shown_secret)
            assert json.loads(shown_secret["plaintext"]) == client["client_secret"]

    # The way back: the official SDK again, the same program. The official provider diffs the
    # state ours wrote against its own Terraform shape: outputs that ours leaves out when empty
    # (e.g. `callbacks: []`, `jwtConfiguration.alg: ""`) show as output-only changes of a Client.
    # Nothing is created, deleted or replaced, and no input changes; `up` writes the official shape.
    project.use_sdk("official")
    steps = project.preview_steps()
    seen["back_preview"] = assert_way_back_preview(steps, OURS_PROVIDER, OFFICIAL_PROVIDER)
    if capture_as and CAPTURE_DIR:
        text = project.cli(["preview"]).stdout
        (Path(CAPTURE_DIR) / f"{capture_as}.back-preview.txt").write_text(text, encoding="utf-8")
    project.emulator.request("POST", "/emulator/stats/reset")
    project.cli(["up", "--yes", "--skip-preview"])
    # One PATCH per Client the preview named, nothing else.
    expected = {"PATCH /api/v2/clients/{id}": len(seen["back_preview"])} if seen["back_preview"] else {}
    assert writes(project.emulator) == expected
    back = project.export()
    assert provider_names(back) == {OFFICIAL_PROVIDER}
    assert ids(back) == ids(official)
    clean_afterwards(project)
    assert SIGNING_SECRET not in json.dumps(project.export())
    seen["back"] = project.export()
    if capture_as and CAPTURE_DIR:
        summary = {k: seen[k] for k in ("swap_preview", "back_preview")}
        (Path(CAPTURE_DIR) / f"{capture_as}.previews.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
    return seen


def python_project(sandbox, emulator, tmp_path: Path, source: Path) -> Project:
    work = tmp_path / source.name
    shutil.copytree(source, work, ignore=shutil.ignore_patterns("venv", "__pycache__", "Pulumi.*.yaml"))
    project_file = work / "Pulumi.yaml"
    text = project_file.read_text(encoding="utf-8")
    assert "virtualenv: venv\n" in text, f"{source}/Pulumi.yaml does not name `virtualenv: venv`"
    # The venv this suite runs in: pulumi at the pin and the official pulumi-auth0.
    project_file.write_text(text.replace("virtualenv: venv\n", f"virtualenv: {sys.prefix}\n"), encoding="utf-8")
    project = Project(sandbox, emulator, work, "python")
    configure(project)
    return project


def configure(project: Project) -> None:
    """The stack and the provider's config, as a user of the official provider has them: the
    tenant's bare domain (the official provider adds https://) and the credentials."""
    sandbox, work, emulator = project.sandbox, project.work, project.emulator
    sandbox.cli(["stack", "init", "dev"], cwd=work)
    sandbox.cli(["config", "set", "auth0:domain", emulator.domain], cwd=work)
    sandbox.cli(["config", "set", "auth0:clientId", emulator.client_id], cwd=work)
    harness.set_secret_config(sandbox, work, "auth0:clientSecret", emulator.client_secret)


def test_the_venv_holds_the_official_python_sdk():
    """The official side really is the official SDK (no PYTHONPATH), and ours shadows it when swapped."""
    probe = "import pulumi_auth0, importlib.metadata as m; print(m.version('pulumi-auth0'), hasattr(pulumi_auth0, 'ResourceServerScopes'))"
    official = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, env={**os.environ, "PYTHONPATH": ""}
    )
    assert official.returncode == 0, official.stderr
    assert official.stdout.split()[0] == OFFICIAL_VERSION


def test_python_ai_client_grant_moves_to_our_provider_and_back(both_plugins, tls_emulator, tmp_path):
    project = python_project(
        both_plugins, tls_emulator, tmp_path, harness.EXAMPLES / "python" / "ai-client-grant"
    )
    seen = migrate(project, secret_outputs=[], capture_as="ai-client-grant")
    assert set(seen["swap_preview"]) == {
        "auth0:index/client:Client::ai-client",
        "auth0:index/clientGrant:ClientGrant::ai-client-grant",
    }


def test_python_ai_service_auth_moves_to_our_provider_and_back(both_plugins, tls_emulator, tmp_path):
    project = python_project(both_plugins, tls_emulator, tmp_path, HERE / "python" / "ai-service-auth")
    migrate(project, secret_outputs=[], capture_as="ai-service-auth")
    grants = [g for g in tls_emulator.get("/client-grants") if g["audience"] == "https://ai-service.example.com/"]
    assert [sorted(g["scope"]) for g in grants] == [["read:data", "write:data"]]


def test_python_program_with_nested_settings_secrets_and_grants_moves_to_our_provider_and_back(
    both_plugins, tls_emulator, tmp_path
):
    project = python_project(both_plugins, tls_emulator, tmp_path, HERE / "python" / "orders-platform")
    harness.set_secret_config(both_plugins, project.work, "ordersSigningSecret", SIGNING_SECRET)
    seen = migrate(project, secret_outputs=["signingSecret"], capture_as="orders-platform")
    api = next(r for r in resources(seen["ours"]) if r["type"] == "auth0:index/resourceServer:ResourceServer")
    assert is_secret(api["inputs"]["signingSecret"]) and is_secret(api["outputs"]["signingSecret"])
    web = next(c for c in tls_emulator.get("/clients") if c.get("name") == "Orders Web")
    assert web["mobile"]["ios"]["team_id"] == "ABCDE12345"
    assert web["mobile"]["android"]["app_package_name"] == "com.example.orders"
    assert web["refresh_token"]["leeway"] == 15
    assert web["client_metadata"] == {"team": "orders", "tier": "gold"}
    subjects = sorted(
        g["subject_type"] for g in tls_emulator.get("/client-grants") if g["audience"] == "https://orders.example.com/"
    )
    assert subjects == ["client", "user"]


# --- TypeScript -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def typescript_modules(tmp_path_factory) -> tuple[Path, Path]:
    """Two node_modules for one TypeScript project: the official @pulumi/auth0 3.49.0 as installed
    from npm, and the same tree with this repository's sdk/nodejs, compiled, as @pulumi/auth0."""
    official = Path(required_env("MIGRATION_NODE_MODULES"))
    if not (official / "@pulumi" / "auth0").is_dir():
        raise RuntimeError(f"{official} holds no @pulumi/auth0; run the suite through `make test-migration`")
    root = tmp_path_factory.mktemp("ours-modules")
    sdk = root / "auth0-sdk"
    shutil.copytree(harness.REPO / "sdk" / "nodejs", sdk, ignore=shutil.ignore_patterns("node_modules", "bin"))
    (sdk / "node_modules").symlink_to(official, target_is_directory=True)
    built = subprocess.run(
        [str(official / ".bin" / "tsc"), "-p", str(sdk)], capture_output=True, text=True, timeout=300
    )
    assert built.returncode == 0, f"tsc of sdk/nodejs failed:\n{built.stdout[-3000:]}{built.stderr[-2000:]}"
    ours = root / "node_modules"
    ours.mkdir()
    for entry in official.iterdir():
        if entry.name != "@pulumi":
            (ours / entry.name).symlink_to(entry)
    (ours / "@pulumi").mkdir()
    for entry in (official / "@pulumi").iterdir():
        if entry.name != "auth0":
            (ours / "@pulumi" / entry.name).symlink_to(entry)
    (ours / "@pulumi" / "auth0").symlink_to(sdk, target_is_directory=True)
    return official, ours


def test_typescript_ai_service_auth_moves_to_our_provider_and_back(
    typescript_modules, both_plugins, tls_emulator, tmp_path
):
    official, ours = typescript_modules
    work = tmp_path / "ts"
    shutil.copytree(HERE / "typescript" / "ai-service-auth", work)
    project = Project(both_plugins, tls_emulator, work, "nodejs", official_modules=official, our_modules=ours)
    configure(project)
    seen = migrate(project, secret_outputs=[], capture_as="ai-service-auth-ts")
    assert len(seen["swap_preview"]) == 3
