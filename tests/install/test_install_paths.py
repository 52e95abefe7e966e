"""Every way a Pulumi user installs the plugin, with the real CLI and the archives in dist/:
from the file, from a server, automatically on first `pulumi up`, with a checksum, through the
package tooling, and beside the official auth0 plugin.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import tarfile
import textwrap
from pathlib import Path

import support
from support import VERSION


def yaml_program(workdir: Path, version: str = VERSION, name: str = "install-test") -> Path:
    """A YAML program granting the seeded API's scopes to a new client, asking for plugin auth0
    at `version` (as an SDK would) with no path: the engine must find the plugin itself."""
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "Pulumi.yaml").write_text(
        textwrap.dedent(
            f"""\
            name: {name}
            runtime: yaml
            resources:
              ai-client:
                type: auth0:Client
                properties:
                  name: My AI Client App
                  appType: non_interactive
                  grantTypes: [client_credentials]
                options:
                  version: {version}
              ai-client-grant:
                type: auth0:ClientGrant
                properties:
                  clientId: ${{ai-client.clientId}}
                  audience: https://myapi.example.com/
                  scopes: [read:data, write:data]
                options:
                  version: {version}
            outputs:
              clientId: ${{ai-client.clientId}}
            """
        ),
        encoding="utf-8",
    )
    return workdir


def up(pulumi: support.Pulumi, emulator: support.Emulator, workdir: Path, **kwargs):
    pulumi("stack", "init", "dev", cwd=workdir)
    emulator.configure(pulumi, workdir)
    return pulumi("up", "--yes", "--skip-preview", cwd=workdir, **kwargs)


def provider_versions(pulumi: support.Pulumi, workdir: Path) -> set:
    state = json.loads(pulumi("stack", "export", cwd=workdir).stdout)
    return {
        r["inputs"].get("version")
        for r in state["deployment"]["resources"]
        if r["type"] == "pulumi:providers:auth0"
    }


def installed(pulumi: support.Pulumi) -> list:
    return sorted((p["name"], p["version"], p["kind"]) for p in pulumi.plugins())


def test_the_release_archive_installs_with_plugin_install_file_and_pulumi_up_uses_it(pulumi, emulator, tmp_path):
    result = pulumi("plugin", "install", "resource", "auth0", VERSION, "--file", support.archive("pulumi-resource-auth0"))
    assert installed(pulumi) == [("auth0", VERSION, "resource")], result.stderr
    binary = pulumi.plugin_dir("auth0", VERSION) / "pulumi-resource-auth0"
    assert binary.is_file() and binary.stat().st_mode & 0o111

    workdir = yaml_program(tmp_path / "program")
    up(pulumi, emulator, workdir)
    assert provider_versions(pulumi, workdir) == {VERSION}
    clients = [c for c in emulator.get("/clients") if c["name"] == "My AI Client App"]
    assert len(clients) == 1
    grants = emulator.get(f"/client-grants?client_id={clients[0]['client_id']}")
    assert [sorted(g["scope"]) for g in grants] == [["read:data", "write:data"]]


def test_plugin_install_server_downloads_from_a_server_laid_out_like_the_release_home(pulumi, release_server):
    pulumi("plugin", "install", "resource", "auth0", VERSION, "--server", release_server.url)
    asset = f"pulumi-resource-auth0-v{VERSION}-linux-amd64.tar.gz"
    assert release_server.log == [(f"{support.release_path()}/{asset}", 200)]
    assert installed(pulumi) == [("auth0", VERSION, "resource")]
    with tarfile.open(support.archive("pulumi-resource-auth0")) as tar:
        shipped = tar.extractfile("pulumi-resource-auth0").read()
    assert (pulumi.plugin_dir("auth0", VERSION) / "pulumi-resource-auth0").read_bytes() == shipped


def test_the_first_pulumi_up_of_an_sdk_program_downloads_the_plugin_by_itself(
    pulumi, emulator, release_server, wheel_venv, tmp_path
):
    """The Python SDK from the wheel asks for plugin auth0 VERSION from the committed
    pluginDownloadURL; PULUMI_PLUGIN_DOWNLOAD_URL_OVERRIDES points that URL at the local server."""
    assert installed(pulumi) == []
    overrides = f"^{re.escape(support.DOWNLOAD_URL)}$={release_server.url}"
    env = {"PULUMI_PLUGIN_DOWNLOAD_URL_OVERRIDES": overrides, "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": ""}
    program = support.REPO / "examples" / "python" / "ai-client-grant" / "__main__.py"
    runner = tmp_path / "run_inline.py"
    runner.write_text(
        textwrap.dedent(
            """\
            import json, runpy, sys
            from pulumi import automation as auto
            program, workdir, domain, client_id = sys.argv[1:5]
            stack = auto.create_or_select_stack(
                stack_name="dev", project_name="auto-install", work_dir=workdir,
                program=lambda: runpy.run_path(program, run_name="__main__"))
            stack.set_config("auth0:domain", auto.ConfigValue(domain))
            stack.set_config("auth0:clientId", auto.ConfigValue(client_id))
            stack.set_config("auth0:clientSecret", auto.ConfigValue(sys.stdin.read(), secret=True))
            result = stack.up()
            print(json.dumps({k: v.value for k, v in result.outputs.items()}))
            """
        ),
        encoding="utf-8",
    )
    workdir = tmp_path / "auto"
    workdir.mkdir()
    (workdir / "Pulumi.yaml").write_text("name: auto-install\nruntime: python\n", encoding="utf-8")
    result = support.checked(
        support.run(
            [wheel_venv / "bin/python", runner, program, workdir, emulator.base_url, emulator.client_id],
            {**pulumi.env, **env},
            300,
            cwd=workdir,
            input=emulator.client_secret,
        )
    )
    outputs = json.loads(result.stdout.strip().splitlines()[-1])
    assert outputs["client_id"] and outputs["client_grant_id"]
    asset = f"pulumi-resource-auth0-v{VERSION}-linux-amd64.tar.gz"
    assert release_server.downloads() == [asset], release_server.log
    assert installed(pulumi) == [("auth0", VERSION, "resource")]
    assert [c["client_id"] for c in emulator.get("/clients") if c["name"] == "My AI Client App"] == [outputs["client_id"]]


def tampered(archive: Path) -> bytes:
    """The archive with one more file in it: still a valid .tar.gz, but other bytes."""
    out = io.BytesIO()
    with tarfile.open(archive) as src, tarfile.open(fileobj=out, mode="w:gz") as dst:
        for member in src.getmembers():
            dst.addfile(member, src.extractfile(member))
        extra = b"not from the release\n"
        info = tarfile.TarInfo("EXTRA")
        info.size = len(extra)
        dst.addfile(info, io.BytesIO(extra))
    return out.getvalue()


def reported_actual(output: str) -> str:
    m = re.search(r"invalid checksum, expected [0-9a-f]{64}, actual ([0-9a-f]{64})", output)
    assert m, output[-2000:]
    return m.group(1)


def is_hash_of_a_proper_prefix(data: bytes, digest: str, within: int = 1 << 20) -> bool:
    h = hashlib.sha256(data[: len(data) - within])
    for i in range(len(data) - within, len(data)):
        if h.hexdigest() == digest:
            return True
        h.update(data[i : i + 1])
    return False


def test_a_tampered_archive_is_refused_when_plugin_install_has_the_checksum(pulumi):
    genuine = support.archive("pulumi-resource-auth0")
    sums = dict(
        reversed(line.split(maxsplit=1)) for line in (support.DIST / "SHA256SUMS").read_text().splitlines()
    )
    expected = sums[genuine.name]
    assert expected == support.sha256(genuine)
    bad = tampered(genuine)
    server = support.ReleaseServer(replaced={genuine.name: bad})
    try:
        refused = pulumi(
            "plugin", "install", "resource", "auth0", VERSION, "--server", server.url, "--checksum", expected,
            check=False,
        )
    finally:
        server.close()
    assert refused.returncode != 0
    assert reported_actual(refused.stderr + refused.stdout) != expected
    assert installed(pulumi) == []


def test_pulumi_3_260_hashes_all_but_the_last_read_so_checksum_refuses_the_genuine_archive_too(pulumi):
    """Why docs/install.md says to verify with SHA256SUMS: the pinned CLI's checksum reader skips
    the bytes that arrive together with EOF, which Go's HTTP client does for a sized body. If a
    newer CLI fixes this, this test fails: then recommend --checksum in docs/install.md."""
    genuine = support.archive("pulumi-resource-auth0")
    server = support.ReleaseServer()
    try:
        result = pulumi(
            "plugin", "install", "resource", "auth0", VERSION, "--server", server.url,
            "--checksum", support.sha256(genuine), check=False,
        )
    finally:
        server.close()
    assert result.returncode != 0
    assert is_hash_of_a_proper_prefix(genuine.read_bytes(), reported_actual(result.stderr + result.stdout))
    assert installed(pulumi) == []


def test_package_get_schema_of_the_installed_binary_is_schema_json_and_gen_sdk_accepts_it(pulumi, tmp_path):
    pulumi("plugin", "install", "resource", "auth0", VERSION, "--file", support.archive("pulumi-resource-auth0"))
    binary = pulumi.plugin_dir("auth0", VERSION) / "pulumi-resource-auth0"
    served = json.loads(pulumi("package", "get-schema", binary).stdout)
    assert served == {**support.SCHEMA, "version": VERSION}

    schema_file = tmp_path / "schema.json"
    schema_file.write_text(json.dumps(served), encoding="utf-8")
    # Every language whose host sits beside the CLI (the pinned build always has YAML's).
    languages = ["yaml"] + [l for l in ("go", "python", "nodejs") if (support.PULUMI.parent / f"pulumi-language-{l}").exists()]
    expected = {
        "yaml": None,
        "go": {"client.go", "clientGrant.go", "resourceServer.go", "provider.go"},
        "python": {"client.py", "client_grant.py", "resource_server.py", "provider.py"},
        "nodejs": {"client.ts", "clientGrant.ts", "resourceServer.ts", "provider.ts"},
    }
    for language in languages:
        out = tmp_path / f"generated-{language}"
        pulumi("package", "gen-sdk", schema_file, "--language", language, "--out", out)
        generated = {p.name for p in out.rglob("*") if p.is_file()}
        assert generated, f"gen-sdk --language {language} wrote nothing"
        assert (expected[language] or set()) <= generated, (language, generated)


def fake_official_plugin(pulumi: support.Pulumi, marker: Path) -> Path:
    """A plugin cache entry where the official auth0 3.49.0 would be; its 'binary' only records
    that it was started."""
    directory = pulumi.plugin_dir("auth0", "3.49.0")
    directory.mkdir(parents=True)
    binary = directory / "pulumi-resource-auth0"
    binary.write_text(f"#!/bin/sh\necho started >> {marker}\nexit 1\n", encoding="utf-8")
    binary.chmod(0o755)
    (directory / "package.json").write_text('{"name": "@pulumi/auth0", "version": "3.49.0"}\n', encoding="utf-8")
    return directory


def tree_digest(directory: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(directory.rglob("*")):
        h.update(str(p.relative_to(directory)).encode())
        h.update(oct(p.stat().st_mode).encode())
        if p.is_file():
            h.update(p.read_bytes())
    return h.hexdigest()


def test_the_official_auth0_plugin_in_the_cache_is_left_alone_and_each_version_loads_its_own(
    pulumi, emulator, tmp_path
):
    marker = tmp_path / "official-started"
    official = fake_official_plugin(pulumi, marker)
    before = tree_digest(official)
    assert installed(pulumi) == [("auth0", "3.49.0", "resource")]

    # No --exact: an installed 3.49.0 must not count as "already have 0.1.0 or newer".
    pulumi("plugin", "install", "resource", "auth0", VERSION, "--file", support.archive("pulumi-resource-auth0"))
    assert installed(pulumi) == sorted([("auth0", "3.49.0", "resource"), ("auth0", VERSION, "resource")])
    assert tree_digest(official) == before

    ours = yaml_program(tmp_path / "ours", version=VERSION, name="ours")
    up(pulumi, emulator, ours)
    assert provider_versions(pulumi, ours) == {VERSION}
    assert not marker.exists(), "the official plugin was started for a program that asks for ours"

    # A program written for the official SDK asks for 3.49.0 and gets the official plugin.
    theirs = yaml_program(tmp_path / "theirs", version="3.49.0", name="theirs")
    pulumi("stack", "init", "dev", cwd=theirs)
    emulator.configure(pulumi, theirs)
    pulumi("preview", cwd=theirs, check=False)
    assert marker.exists(), "a program asking for auth0 3.49.0 did not start the official plugin"
    assert tree_digest(official) == before
    assert installed(pulumi) == sorted([("auth0", "3.49.0", "resource"), ("auth0", VERSION, "resource")])
