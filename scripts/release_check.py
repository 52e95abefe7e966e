#!/usr/bin/env python3
"""`make release-check`: one version and one download URL everywhere a release names them.

Compares the workspace version in Cargo.toml with: the version GetSchema serves (asked of the
linux-amd64 plugin in dist/), the SDK versions (Python, Node.js, Go), the top CHANGELOG.md entry
and the archive and package names in dist/; and schema.json's pluginDownloadURL with the server
each SDK carries. Prints one sentence per mismatch, naming the fix, and exits 1 if there is any.
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import sys
import tarfile
import tempfile
import tomllib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def workspace_version(root: Path) -> str:
    cargo = tomllib.loads((root / "Cargo.toml").read_text(encoding="utf-8"))
    return cargo["workspace"]["package"]["version"]


def changelog_top(root: Path) -> str | None:
    for line in (root / "CHANGELOG.md").read_text(encoding="utf-8").splitlines():
        m = re.match(r"^## \[?v?(\d+\.\d+\.\d+[^\]\s]*)\]?", line)
        if m:
            return m.group(1)
    return None


def go_constant(path: Path, name: str) -> str | None:
    m = re.search(rf'^const {name} = "([^"]*)"', path.read_text(encoding="utf-8"), re.M)
    return m.group(1) if m else None


def served_schema(dist: Path, version: str) -> dict:
    """GetSchema of the host platform's plugin from its release archive."""
    from plugin_probe import probe

    host = {"x86_64": "linux-amd64", "aarch64": "linux-arm64"}.get(platform.machine(), "")
    archive = dist / f"pulumi-resource-auth0-v{version}-{host}.tar.gz"
    if not archive.is_file():
        raise FileNotFoundError(f"{archive} is missing; run make dist first")
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(archive) as tar:
        tar.extract("pulumi-resource-auth0", tmp, filter="data")
        return json.loads(probe(str(Path(tmp) / "pulumi-resource-auth0"), "schema"))


def check(root: Path, dist: Path) -> list[str]:
    problems: list[str] = []
    version = workspace_version(root)
    fix = f"regenerate with make sdks so it says {version}"

    def expect(what: str, found: str | None, wanted: str, how: str) -> None:
        if found != wanted:
            problems.append(f"{what} is {found!r} but the workspace version in Cargo.toml is {wanted!r}; {how}.")

    top = changelog_top(root)
    expect("the top CHANGELOG.md entry", top, version, f"add a '## {version}' entry at the top of CHANGELOG.md")

    sdk = root / "sdk"
    py_project = tomllib.loads((sdk / "python/pyproject.toml").read_text(encoding="utf-8"))
    py_plugin = json.loads((sdk / "python/pulumi_auth0/pulumi-plugin.json").read_text(encoding="utf-8"))
    node = json.loads((sdk / "nodejs/package.json").read_text(encoding="utf-8"))
    go_plugin = json.loads((sdk / "go/auth0/pulumi-plugin.json").read_text(encoding="utf-8"))
    go_version_file = sdk / "go/auth0/internal/pulumiVersion.go"
    expect("sdk/python/pyproject.toml's version", py_project["project"]["version"], version, fix)
    expect("sdk/python's pulumi-plugin.json version", py_plugin.get("version"), version, fix)
    expect("sdk/nodejs/package.json's version", node.get("version"), version, fix)
    expect("sdk/nodejs/package.json's pulumi.version", node.get("pulumi", {}).get("version"), version, fix)
    expect("sdk/go's pulumi-plugin.json version", go_plugin.get("version"), version, fix)
    expect("sdk/go's internal version", go_constant(go_version_file, "version"), version, fix)

    schema = json.loads((root / "schema.json").read_text(encoding="utf-8"))
    url = schema.get("pluginDownloadURL")
    if not url:
        problems.append("schema.json has no pluginDownloadURL; set it to the release home (docs/install.md).")
    for what, found in [
        ("sdk/python's pulumi-plugin.json server", py_plugin.get("server")),
        ("sdk/nodejs/package.json's pulumi.server", node.get("pulumi", {}).get("server")),
        ("sdk/go's pluginDownloadURL", go_constant(go_version_file, "pluginDownloadURL")),
    ]:
        if found != url:
            problems.append(f"{what} is {found!r} but schema.json's pluginDownloadURL is {url!r}; run make sdks.")

    if not dist.is_dir():
        problems.append(f"{dist} does not exist; run make dist first.")
        return problems
    try:
        served = served_schema(dist, version)
        expect("the version GetSchema serves", served.get("version"), version, "rebuild the archives with make dist")
        if served.get("pluginDownloadURL") != url:
            problems.append("the schema GetSchema serves has another pluginDownloadURL than schema.json; rebuild with make dist.")
    except Exception as e:
        problems.append(f"could not ask the plugin in dist/ for its schema ({e}).")

    archive = re.compile(r"^(pulumi-resource-auth0|auth0-emulator)-v(?P<v>[^-]+(?:-[0-9A-Za-z.]+)?)-(linux|darwin|windows)-(amd64|arm64)\.tar\.gz$")
    packages = {
        r"^pulumi_auth0-(?P<v>[^-]+)-py3-none-any\.whl$": "wheel",
        r"^pulumi_auth0-(?P<v>.+)\.tar\.gz$": "sdist",
        r"^pulumi-auth0-rs-(?P<v>.+)\.tgz$": "npm tarball",
    }
    names = sorted(p.name for p in dist.iterdir() if p.is_file() and p.name != "SHA256SUMS")
    seen = set()
    for name in names:
        m = archive.match(name)
        kind = "archive"
        if not m:
            for pattern, k in packages.items():
                m = re.match(pattern, name)
                if m:
                    kind = k
                    break
        if not m:
            problems.append(f"dist/{name} is not a release archive or SDK package; remove it or rebuild dist/ with make dist.")
            continue
        seen.add(kind)
        if m.group("v") != version:
            problems.append(f"dist/{name} names version {m.group('v')} but the workspace version is {version}; rebuild dist/ with make dist.")
    for kind in ["archive", "wheel", "sdist", "npm tarball"]:
        if kind not in seen:
            problems.append(f"dist/ holds no {kind}; run make dist.")
    go_list = dist / "goproxy/github.com/pulumi-auth0-rs/pulumi-auth0-rs/sdk/go/auth0/@v/list"
    if not go_list.is_file() or go_list.read_text().split() != [f"v{version}"]:
        problems.append(f"dist/goproxy does not serve exactly v{version} of the Go SDK; run make dist.")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[1])
    parser.add_argument("--dist", type=Path)
    args = parser.parse_args()
    problems = check(args.root, args.dist or args.root / "dist")
    for p in problems:
        print(f"release-check: {p}", file=sys.stderr)
    if problems:
        return 1
    print(f"release-check: version {workspace_version(args.root)} agrees everywhere")
    return 0


if __name__ == "__main__":
    sys.exit(main())
