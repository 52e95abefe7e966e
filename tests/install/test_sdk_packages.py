"""The SDK packages in dist/, each installed from the file alone into a fresh place and used
there: the wheel in a new venv, the npm tarball in a new project, the Go module through a
file-based GOPROXY in a new module.
"""

from __future__ import annotations

import json
import os
import shutil
import tarfile
import textwrap
import zipfile
from pathlib import Path

import support
from support import DOWNLOAD_URL, VERSION

GO_MODULE = "github.com/pulumi-auth0-rs/pulumi-auth0-rs/sdk/go/auth0"


def test_the_wheel_and_sdist_carry_the_version_and_the_plugin_download_url():
    wheel = support.DIST / f"pulumi_auth0-{VERSION}-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as z:
        plugin = json.loads(z.read("pulumi_auth0/pulumi-plugin.json"))
        assert "pulumi_auth0/py.typed" in z.namelist()
    assert plugin == {"resource": True, "name": "auth0", "version": VERSION, "server": DOWNLOAD_URL}
    with tarfile.open(support.DIST / f"pulumi_auth0-{VERSION}.tar.gz") as sdist:
        names = sdist.getnames()
    assert f"pulumi_auth0-{VERSION}/pyproject.toml" in names
    assert f"pulumi_auth0-{VERSION}/pulumi_auth0/pulumi-plugin.json" in names


def test_the_seed_program_runs_under_mocks_with_the_wheel_installed_in_a_fresh_venv(wheel_venv, tmp_path):
    script = tmp_path / "mocked.py"
    script.write_text(
        textwrap.dedent(
            """\
            import json, runpy, sys
            import pulumi

            class Mocks(pulumi.runtime.Mocks):
                def __init__(self):
                    self.registered = []
                def new_resource(self, args):
                    self.registered.append({"type": args.typ, "name": args.name, "inputs": args.inputs})
                    state = dict(args.inputs)
                    if args.typ == "auth0:index/client:Client":
                        state["clientId"] = "cid-" + args.name
                    return args.name + "-id", state
                def call(self, args):
                    return {}

            mocks = Mocks()
            pulumi.runtime.set_mocks(mocks, preview=False)
            import pulumi_auth0
            runpy.run_path(sys.argv[1], run_name="__main__")
            # Let the registrations settle before reporting them.
            import asyncio
            loop = asyncio.get_event_loop()
            loop.run_until_complete(asyncio.sleep(0.5))
            print(json.dumps({"module": pulumi_auth0.__file__, "registered": mocks.registered}))
            """
        ),
        encoding="utf-8",
    )
    program = support.REPO / "examples" / "python" / "ai-client-grant" / "__main__.py"
    env = {"PATH": support.SYSTEM_PATH, "HOME": str(tmp_path)}
    result = support.checked(support.run([wheel_venv / "bin/python", script, program], env, 120, cwd=tmp_path))
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["module"].startswith(str(wheel_venv)), "pulumi_auth0 did not come from the installed wheel"
    by_type = {r["type"]: r for r in report["registered"]}
    assert by_type["auth0:index/client:Client"]["inputs"]["name"] == "My AI Client App"
    grant = by_type["auth0:index/clientGrant:ClientGrant"]["inputs"]
    assert grant["audience"] == "https://myapi.example.com/"
    assert grant["scopes"] == ["read:data", "write:data"]
    assert grant["clientId"] == "cid-ai-client"


def test_the_npm_tarball_installs_into_a_fresh_project_compiles_strictly_and_runs_under_mocks(tmp_path):
    tgz = support.DIST / f"pulumi-auth0-rs-{VERSION}.tgz"
    with tarfile.open(tgz) as t:
        names = set(t.getnames())
    assert {"package/bin/index.js", "package/bin/index.d.ts", "package/bin/client.d.ts"} <= names

    pins = json.loads((support.REPO / "tests/sdk/nodejs/package.json").read_text())["dependencies"]
    project = tmp_path / "project"
    project.mkdir()
    (project / "package.json").write_text(
        json.dumps({"name": "fresh", "private": True,
                    "dependencies": {"pulumi-auth0-rs": f"file:{tgz}", **pins}}),
        encoding="utf-8",
    )
    (project / "tsconfig.json").write_text(
        json.dumps({"compilerOptions": {"strict": True, "target": "ES2020", "module": "commonjs",
                                        "outDir": "out", "types": ["node"]}, "files": ["index.ts"]}),
        encoding="utf-8",
    )
    (project / "index.ts").write_text(
        textwrap.dedent(
            """\
            import * as pulumi from "@pulumi/pulumi";
            import * as assert from "assert";

            const registered: { type: string; inputs: any }[] = [];
            pulumi.runtime.setMocks({
                newResource: (args: pulumi.runtime.MockResourceArgs) => {
                    registered.push({ type: args.type, inputs: args.inputs });
                    const state = args.type === "auth0:index/client:Client"
                        ? { ...args.inputs, clientId: "cid-" + args.name }
                        : args.inputs;
                    return { id: args.name + "-id", state };
                },
                call: (args: pulumi.runtime.MockCallArgs) => args.inputs,
            });

            // Imported after setMocks, as a program's resources are.
            import * as auth0 from "pulumi-auth0-rs";

            const client = new auth0.Client("ai-client", {
                name: "My AI Client App",
                appType: "non_interactive",
                grantTypes: ["client_credentials"],
            });
            const grant = new auth0.ClientGrant("ai-client-grant", {
                clientId: client.clientId,
                audience: "https://myapi.example.com/",
                scopes: ["read:data", "write:data"],
            });
            grant.clientId.apply((id: string | undefined) => {
                assert.strictEqual(id, "cid-ai-client");
                setTimeout(() => {
                    const types = registered.map((r) => r.type).sort();
                    assert.deepStrictEqual(types, ["auth0:index/client:Client", "auth0:index/clientGrant:ClientGrant"]);
                    console.log("mock run ok");
                }, 100);
            });
            """
        ),
        encoding="utf-8",
    )
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", str(tmp_path))}
    support.checked(
        support.run(["npm", "install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"],
                    env, 600, cwd=project)
    )
    installed = json.loads((project / "node_modules/pulumi-auth0-rs/package.json").read_text())
    assert installed["version"] == VERSION
    assert installed["pulumi"] == {"resource": True, "name": "auth0", "version": VERSION, "server": DOWNLOAD_URL}
    support.checked(support.run([project / "node_modules/.bin/tsc", "-p", "."], env, 300, cwd=project))
    result = support.checked(support.run(["node", "out/index.js"], env, 120, cwd=project))
    assert "mock run ok" in result.stdout


def test_a_fresh_go_program_builds_and_runs_under_mocks_from_the_file_module_proxy(tmp_path):
    proxy = support.DIST / "goproxy"
    fallback = support.run(["go", "env", "GOPROXY"], dict(os.environ), 30).stdout.strip()
    env = {
        **os.environ,
        # Our module from dist/ alone; the Pulumi SDK and the rest from this machine's usual proxy.
        "GOPROXY": f"file://{proxy},{fallback}",
        "GONOSUMDB": "github.com/pulumi-auth0-rs",
        "GOFLAGS": "-mod=mod",
        "GOWORK": "off",
        # Go's module index (in GOCACHE) takes a module version as immutable, but dist/ builds
        # v<workspace version> afresh from every checkout: without this, a machine that built an
        # older sdk/ under the same version lists that version's old files.
        "GODEBUG": "goindex=0",
    }
    program = tmp_path / "fresh"
    program.mkdir()
    (program / "go.mod").write_text("module example.com/fresh\n\ngo 1.22\n", encoding="utf-8")
    (program / "main.go").write_text(
        textwrap.dedent(
            f"""\
            package main

            import (
            	"{GO_MODULE}"
            	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
            )

            func program(ctx *pulumi.Context) error {{
            	client, err := auth0.NewClient(ctx, "ai-client", &auth0.ClientArgs{{
            		Name:       pulumi.String("My AI Client App"),
            		AppType:    pulumi.String("non_interactive"),
            		GrantTypes: pulumi.StringArray{{pulumi.String("client_credentials")}},
            	}})
            	if err != nil {{
            		return err
            	}}
            	_, err = auth0.NewClientGrant(ctx, "ai-client-grant", &auth0.ClientGrantArgs{{
            		ClientId: client.ClientId,
            		Audience: pulumi.String("https://myapi.example.com/"),
            		Scopes:   pulumi.StringArray{{pulumi.String("read:data"), pulumi.String("write:data")}},
            	}})
            	return err
            }}

            func main() {{ pulumi.Run(program) }}
            """
        ),
        encoding="utf-8",
    )
    (program / "main_test.go").write_text(
        textwrap.dedent(
            """\
            package main

            import (
            	"sort"
            	"sync"
            	"testing"

            	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
            	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
            )

            type mocks struct {
            	mu    sync.Mutex
            	types []string
            }

            func (m *mocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
            	m.mu.Lock()
            	m.types = append(m.types, args.TypeToken)
            	m.mu.Unlock()
            	state := args.Inputs.Copy()
            	if args.TypeToken == "auth0:index/client:Client" {
            		state["clientId"] = resource.NewStringProperty("cid-" + args.Name)
            	}
            	return args.Name + "-id", state, nil
            }

            func (m *mocks) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) { return args.Args, nil }

            func TestTheSeedProgramRegistersAClientAndAGrant(t *testing.T) {
            	m := &mocks{}
            	if err := pulumi.RunErr(program, pulumi.WithMocks("fresh", "dev", m)); err != nil {
            		t.Fatal(err)
            	}
            	sort.Strings(m.types)
            	if len(m.types) != 2 || m.types[0] != "auth0:index/client:Client" || m.types[1] != "auth0:index/clientGrant:ClientGrant" {
            		t.Fatalf("registered %v", m.types)
            	}
            }
            """
        ),
        encoding="utf-8",
    )
    # A module version is cached for good once downloaded; drop ours so this run takes dist/'s.
    modcache = Path(support.run(["go", "env", "GOMODCACHE"], env, 30).stdout.strip())
    for stale in [modcache / "github.com/pulumi-auth0-rs", modcache / "cache/download/github.com/pulumi-auth0-rs"]:
        if stale.exists():
            support.checked(support.run(["chmod", "-R", "u+w", stale], env, 60))
            shutil.rmtree(stale)
    support.checked(support.run(["go", "get", f"{GO_MODULE}@v{VERSION}"], env, 600, cwd=program))
    support.checked(support.run(["go", "mod", "tidy"], env, 600, cwd=program))
    assert f"{GO_MODULE} v{VERSION}" in (program / "go.sum").read_text()
    support.checked(support.run(["nice", "-n", "10", "go", "build", "-o", "fresh", "."], env, 600, cwd=program))
    result = support.checked(support.run(["nice", "-n", "10", "go", "test", "-count=1", "."], env, 600, cwd=program))
    assert "ok" in result.stdout
    # The module came from dist/, with the release home compiled in.
    version_go = modcache / f"{GO_MODULE}@v{VERSION}" / "internal" / "pulumiVersion.go"
    assert f'const pluginDownloadURL = "{DOWNLOAD_URL}"' in version_go.read_text()
