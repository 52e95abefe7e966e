"""examples/typescript/ai-service-auth with the TypeScript SDK (sdk/nodejs), compiled with tsc and
run as a Node.js Automation API inline program (tests/e2e/nodejs/inline.js) by the real engine."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

import harness

DRIVER = Path(__file__).parent / "nodejs" / "inline.js"
PROGRAM = harness.EXAMPLES / "typescript" / "ai-service-auth" / "index.ts"


def node_modules() -> Path:
    path = os.environ.get("E2E_NODE_MODULES")
    if not path or not (Path(path) / "@pulumi" / "pulumi").is_dir():
        raise RuntimeError(
            "E2E_NODE_MODULES must name a node_modules with @pulumi/pulumi, typescript and "
            "@types/node; run the suite through `make e2e`"
        )
    return Path(path)


@pytest.fixture(scope="module")
def compiled(tmp_path_factory) -> Path:
    """The example and sdk/nodejs compiled to JavaScript; returns the program's .js path."""
    modules = node_modules()
    build = tmp_path_factory.mktemp("ts-build")
    tsconfig = build / "tsconfig.json"
    pulumi = str(modules / "@pulumi" / "pulumi")
    tsconfig.write_text(
        json.dumps(
            {
                "compilerOptions": {
                    "outDir": str(build / "out"),
                    "rootDir": str(harness.REPO),
                    "target": "ES2020",
                    "module": "commonjs",
                    "moduleResolution": "node",
                    "strict": True,
                    "skipLibCheck": True,
                    "types": ["node"],
                    "typeRoots": [str(modules / "@types")],
                    "baseUrl": str(harness.REPO),
                    "paths": {
                        "@pulumi/pulumi": [pulumi],
                        "@pulumi/pulumi/*": [pulumi + "/*"],
                        "@pulumi/auth0": ["sdk/nodejs"],
                    },
                },
                "files": [str(PROGRAM)],
            }
        ),
        encoding="utf-8",
    )
    result = subprocess.run(
        [str(modules / ".bin" / "tsc"), "-p", str(tsconfig)],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, f"tsc failed:\n{result.stdout[-3000:]}{result.stderr[-2000:]}"
    # Runtime resolution: @pulumi/auth0 is the compiled SDK, @pulumi/pulumi the pinned package.
    scope = build / "out" / "node_modules" / "@pulumi"
    scope.mkdir(parents=True)
    (scope / "auth0").symlink_to(build / "out" / "sdk" / "nodejs")
    (scope / "pulumi").symlink_to(pulumi)
    return build / "out" / "examples" / "typescript" / "ai-service-auth" / "index.js"


def run(action: str, work: Path, program: Path, sandbox, emulator) -> dict:
    env = {
        **os.environ,
        **sandbox.env,
        "NODE_PATH": str(program.parents[3] / "node_modules"),
        "E2E_AUTH0_DOMAIN": emulator.base_url,
        "E2E_AUTH0_CLIENT_ID": emulator.client_id,
        "E2E_AUTH0_CLIENT_SECRET": emulator.client_secret,
    }
    # node starts the Pulumi CLI, which starts plugins: on a timeout all of them must go.
    result = harness.run_in_own_group(["node", str(DRIVER), action, str(work), str(program)], 180, env=env)
    assert result.returncode == 0, f"{action} failed:\n{result.stderr[-4000:]}"
    assert emulator.client_secret not in result.stdout + result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_typescript_ai_service_auth_goes_through_up_preview_refresh_and_destroy(
    compiled, emulator, sandbox, tmp_path
):
    work = tmp_path / "ts"
    harness.write_project(work, "ai-service-auth-ts", runtime="nodejs")

    up = run("up", work, compiled, sandbox, emulator)
    assert up["changes"] == {"create": 4}
    assert up["outputs"]["serviceClientSecret"] == {"secret": True}
    assert up["outputs"]["serviceApiId"]["value"] == "https://ai-service.example.com/"
    client_id = up["outputs"]["serviceClientId"]["value"]
    client = emulator.get(f"/clients/{client_id}")
    assert (client["name"], client["app_type"]) == ("Service Client", "non_interactive")
    assert client["client_metadata"] == {"audience": "https://ai-service.example.com/"}
    grants = [g for g in emulator.get("/client-grants") if g["client_id"] == client_id]
    assert [(g["id"], g["audience"], sorted(g["scope"])) for g in grants] == [
        (up["outputs"]["clientGrantId"]["value"], "https://ai-service.example.com/", ["read:data", "write:data"])
    ]

    assert run("preview", work, compiled, sandbox, emulator)["changes"] == {"same": 4}
    assert run("refresh", work, compiled, sandbox, emulator)["changes"] == {"same": 4}
    assert run("preview", work, compiled, sandbox, emulator)["changes"] == {"same": 4}

    assert run("destroy", work, compiled, sandbox, emulator)["changes"] == {"delete": 4}
    assert emulator.management("GET", f"/clients/{client_id}")[0] == 404
    assert "https://ai-service.example.com/" not in [
        a["identifier"] for a in emulator.get("/resource-servers")
    ]
