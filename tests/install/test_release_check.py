"""`make release-check` (scripts/release_check.py) on copies of the release's version sources,
each with one thing out of step: it must name that one thing."""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

import pytest

import support

sys.path.insert(0, str(support.REPO / "scripts"))
import release_check  # noqa: E402

SOURCES = [
    "Cargo.toml",
    "CHANGELOG.md",
    "schema.json",
    "sdk/python/pyproject.toml",
    "sdk/python/pulumi_auth0/pulumi-plugin.json",
    "sdk/nodejs/package.json",
    "sdk/go/auth0/pulumi-plugin.json",
    "sdk/go/auth0/internal/pulumiVersion.go",
]


@pytest.fixture
def tree(tmp_path):
    for rel in SOURCES:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(support.REPO / rel, tmp_path / rel)
    return tmp_path


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_committed_tree_and_dist_agree(tree):
    assert release_check.check(tree, support.DIST) == []


def test_a_changelog_whose_top_entry_is_another_version_is_named(tree):
    edit(tree / "CHANGELOG.md", f"## {support.VERSION}", "## 9.9.9")
    [problem] = release_check.check(tree, support.DIST)
    assert problem.startswith("the top CHANGELOG.md entry is '9.9.9'") and "CHANGELOG.md" in problem


def test_a_workspace_version_bump_without_rebuilding_names_the_sdks_getschema_and_archives(tree):
    edit(tree / "Cargo.toml", f'version = "{support.VERSION}"', 'version = "9.9.9"')
    edit(tree / "CHANGELOG.md", f"## {support.VERSION}", "## 9.9.9")
    problems = release_check.check(tree, support.DIST)
    text = "\n".join(problems)
    for named in ["pyproject.toml", "package.json", "sdk/go", "dist/pulumi-resource-auth0-v", "goproxy"]:
        assert named in text, text
    # GetSchema is asked of the 9.9.9 archive, which does not exist: said so, in one sentence.
    assert any("pulumi-resource-auth0-v9.9.9-linux-amd64.tar.gz is missing" in p for p in problems)
    assert all(p.count("\n") == 0 for p in problems)


def test_an_sdk_pointing_at_another_download_url_is_named(tree):
    plugin = tree / "sdk/python/pulumi_auth0/pulumi-plugin.json"
    data = json.loads(plugin.read_text())
    data["server"] = "github://api.github.com/someone/else"
    plugin.write_text(json.dumps(data))
    [problem] = release_check.check(tree, support.DIST)
    assert re.match(r"^sdk/python's pulumi-plugin.json server is .*someone/else.*; run make sdks\.$", problem)
