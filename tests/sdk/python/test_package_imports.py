"""How the generated package loads: `import pulumi_auth0` imports none of its modules, and each
name imports its module on first use (sdk-gen's lazy `__init__.py`). Each case runs in a fresh
interpreter, since this process has imported the SDK already."""

import os
import subprocess
import sys

import pytest

SDK = os.path.join(os.path.dirname(__file__), "..", "..", "..", "sdk", "python")


def run(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": os.path.abspath(SDK)},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip()


def test_importing_the_package_loads_none_of_its_modules():
    loaded = run(
        "import sys, pulumi_auth0\n"
        "print(sorted(m for m in sys.modules if m.startswith('pulumi_auth0.')))"
    )
    # config is registered as a lazy module: it runs on first attribute access.
    assert loaded == "['pulumi_auth0._utilities', 'pulumi_auth0.config']"


def test_a_name_loads_its_own_module_and_what_that_module_imports():
    loaded = run(
        "import sys, pulumi_auth0 as auth0\n"
        "assert auth0.ClientGrant.__module__ == 'pulumi_auth0.client_grant'\n"
        "print(sorted(m for m in sys.modules if m.startswith('pulumi_auth0.')))"
    )
    assert "pulumi_auth0.client_grant" in loaded
    assert "pulumi_auth0.client'" not in loaded, "Client is not named, so client.py stays unread"
    assert "pulumi_auth0.get_client'" not in loaded


def test_star_import_dir_outputs_config_and_unknown_names_behave_as_with_eager_imports():
    out = run(
        "import pulumi_auth0 as auth0\n"
        "names = {}\n"
        "exec('from pulumi_auth0 import *', names)\n"
        "for name in ('Client', 'ClientArgs', 'ClientAddonsArgs', 'get_client_output', 'Provider', 'outputs'):\n"
        "    assert name in names and name in dir(auth0), name\n"
        "assert auth0.outputs.ClientAddons.__name__ == 'ClientAddons'\n"
        "assert hasattr(auth0.config, 'domain')\n"
        "try:\n"
        "    auth0.NoSuchResource\n"
        "except AttributeError as e:\n"
        "    print(e)\n"
    )
    assert out == "module 'pulumi_auth0' has no attribute 'NoSuchResource'"


@pytest.mark.parametrize("name", ["Client", "ResourceServerScopeTypeArgs", "GetClientResult"])
def test_every_exported_name_resolves_to_the_class_of_that_name(name):
    assert run(f"import pulumi_auth0 as a; print(getattr(a, {name!r}).__name__)") == name


def test_a_function_named_like_its_module_stays_the_function_whichever_name_comes_first():
    assert run(
        "import pulumi_auth0 as a\n"
        "a.GetClientResult\n"
        "print(callable(a.get_client), a.get_client.__name__)"
    ) == "True get_client"
