#!/usr/bin/env bash
# Checks that the CLI from `make pulumi-cli` really works: it reports the pinned version and runs
# a `runtime: yaml`, `python`, `nodejs` and `go` project end to end (each through its language
# host), plus Python and Node.js Automation API inline programs, against a throwaway file backend.
# Called by `make pulumi-cli-check`; prints one line per check and "N passed, N failed" last.
set -euo pipefail

[[ -n ${PULUMI_VERSION:-} ]] || {
  echo "check-pulumi-cli: PULUMI_VERSION is not set; run this through 'make pulumi-cli-check'" >&2
  exit 2
}
CACHE_DIR=${CACHE_DIR:-$HOME/.cache/pulumi-resource-auth0}
here=$(cd "$(dirname "$0")" && pwd)

bin_dir=$(PULUMI_VERSION=$PULUMI_VERSION CACHE_DIR=$CACHE_DIR "$here/build-pulumi-cli.sh" --quiet)
export PATH=$bin_dir:$PATH

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
# Everything the CLI writes stays in the scratch dir; no update check, no cloud backend.
export PULUMI_HOME=$scratch/home PULUMI_BACKEND_URL=file://$scratch/state
export PULUMI_CONFIG_PASSPHRASE=check-only PULUMI_SKIP_UPDATE_CHECK=true
mkdir -p "$PULUMI_HOME" "$scratch/state"

passed=0 failed=0
check() {
  local name=$1
  shift
  if "$@" >"$scratch/last.log" 2>&1; then
    echo "ok   $name"
    passed=$((passed + 1))
  else
    echo "FAIL $name"
    sed 's/^/     | /' "$scratch/last.log" | tail -n 25
    failed=$((failed + 1))
  fi
}

cli_reports_the_pinned_version() {
  local got
  got=$(timeout 30 pulumi version)
  [[ $got == "v$PULUMI_VERSION" ]] || {
    echo "pulumi version printed '$got', expected v$PULUMI_VERSION"
    return 1
  }
}

# Creates a stack in $1, runs `up`, and compares output `hello` with "world".
up_and_read_hello() {
  local dir=$1 stack=$2 got
  cd "$dir"
  timeout 60 pulumi stack init "$stack" --non-interactive
  timeout 600 pulumi up --yes --non-interactive --skip-preview
  got=$(timeout 60 pulumi stack output hello)
  [[ $got == world ]] || {
    echo "stack output hello was '$got', expected 'world'"
    return 1
  }
}

yaml_program_exports_an_output() {
  mkdir -p "$scratch/yaml"
  printf 'name: check-yaml\nruntime: yaml\noutputs:\n  hello: world\n' >"$scratch/yaml/Pulumi.yaml"
  up_and_read_hello "$scratch/yaml" yaml
}

# A venv with the pinned Python SDK, made once per version and reused (made under a lock, marked
# ready only after pip succeeded).
venv=$CACHE_DIR/venv-e2e-$PULUMI_VERSION
ensure_venv() {
  [[ -f $venv/.ready ]] && return 0
  mkdir -p "$CACHE_DIR"
  (
    flock 9
    [[ -f $venv/.ready ]] && exit 0
    rm -rf "$venv"
    python3 -m venv "$venv"
    timeout 600 "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "pulumi==$PULUMI_VERSION"
    touch "$venv/.ready"
  ) 9>"$venv.lock"
}

# Through pulumi-language-python: the project names the venv that has the pinned SDK.
python_project_exports_an_output() {
  mkdir -p "$scratch/python"
  printf 'name: check-python\nruntime:\n  name: python\n  options:\n    virtualenv: %s\n' "$venv" \
    >"$scratch/python/Pulumi.yaml"
  printf 'import pulumi\n\npulumi.export("hello", "world")\n' >"$scratch/python/__main__.py"
  up_and_read_hello "$scratch/python" python
}

# The Automation API serves the language runtime from inside the Python process, so this works
# without the pulumi-language-python binary.
python_inline_program_exports_an_output() {
  cat >"$scratch/inline.py" <<'EOF'
import pulumi
from pulumi import automation as auto


def program():
    pulumi.export("hello", "world")


stack = auto.create_or_select_stack(stack_name="inline", project_name="check-inline", program=program)
result = stack.up()
value = result.outputs["hello"].value
if value != "world":
    raise SystemExit(f"output hello was {value!r}, expected 'world'")
EOF
  timeout 300 "$venv/bin/python" "$scratch/inline.py"
}

# Likewise for Node.js: @pulumi/pulumi at the pin, installed once per version.
node_dir=$CACHE_DIR/node-e2e-$PULUMI_VERSION
ensure_node_modules() {
  [[ -f $node_dir/.ready ]] && return 0
  mkdir -p "$CACHE_DIR"
  (
    flock 9
    [[ -f $node_dir/.ready ]] && exit 0
    rm -rf "$node_dir"
    mkdir -p "$node_dir"
    echo '{"name": "pulumi-cli-check", "private": true}' >"$node_dir/package.json"
    cd "$node_dir"
    timeout 600 npm install --no-audit --no-fund --loglevel=error "@pulumi/pulumi@$PULUMI_VERSION"
    touch "$node_dir/.ready"
  ) 9>"$node_dir.lock"
}

nodejs_inline_program_exports_an_output() {
  cat >"$scratch/inline.js" <<'JS'
const { LocalWorkspace } = require("@pulumi/pulumi/automation");

(async () => {
  const stack = await LocalWorkspace.createOrSelectStack({
    stackName: "inline-node",
    projectName: "check-inline-node",
    program: async () => ({ hello: "world" }),
  });
  const value = (await stack.up()).outputs.hello.value;
  if (value !== "world") throw new Error(`output hello was ${JSON.stringify(value)}, expected "world"`);
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
JS
  NODE_PATH=$node_dir/node_modules timeout 300 node "$scratch/inline.js"
}

# Through pulumi-language-nodejs: a JavaScript program whose exports are the stack outputs.
nodejs_project_exports_an_output() {
  mkdir -p "$scratch/nodejs"
  printf 'name: check-nodejs\nruntime: nodejs\nmain: index.js\n' >"$scratch/nodejs/Pulumi.yaml"
  printf '{"name": "check-nodejs", "private": true, "main": "index.js"}\n' >"$scratch/nodejs/package.json"
  printf 'module.exports = { hello: "world" };\n' >"$scratch/nodejs/index.js"
  ln -s "$node_dir/node_modules" "$scratch/nodejs/node_modules"
  up_and_read_hello "$scratch/nodejs" nodejs
}

# Through pulumi-language-go, which compiles the program with the Go toolchain (about a minute on
# a cold Go build cache); the Pulumi Go SDK at the pin comes from the Go module proxy.
go_project_exports_an_output() {
  mkdir -p "$scratch/go"
  printf 'name: check-go\nruntime: go\n' >"$scratch/go/Pulumi.yaml"
  cat >"$scratch/go/main.go" <<'GO'
package main

import "github.com/pulumi/pulumi/sdk/v3/go/pulumi"

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		ctx.Export("hello", pulumi.String("world"))
		return nil
	})
}
GO
  (
    cd "$scratch/go"
    go mod init check-go >/dev/null 2>&1
    go mod edit -require="github.com/pulumi/pulumi/sdk/v3@v$PULUMI_VERSION"
    timeout 300 go mod tidy
  )
  up_and_read_hello "$scratch/go" go
}

check cli_reports_the_pinned_version cli_reports_the_pinned_version
check yaml_program_exports_an_output yaml_program_exports_an_output
check "python venv with pulumi==$PULUMI_VERSION" ensure_venv
check python_inline_program_exports_an_output python_inline_program_exports_an_output
check "node_modules with @pulumi/pulumi@$PULUMI_VERSION" ensure_node_modules
check nodejs_inline_program_exports_an_output nodejs_inline_program_exports_an_output
check python_project_exports_an_output python_project_exports_an_output
check nodejs_project_exports_an_output nodejs_project_exports_an_output
check go_project_exports_an_output go_project_exports_an_output
echo "$passed passed, $failed failed"
((failed == 0))
