#!/usr/bin/env bash
# Records PULUMI_DEBUG_GRPC logs of the real Pulumi CLI (make pulumi-cli) running
# examples/yaml/ai-service-auth against a fresh auth0-emulator: up, an update (renamed API),
# refresh and destroy. The logs are cut to the auth0 provider's calls with secrets replaced
# (replay.py redact) and written to OUT_DIR (default: tests/conformance/fixtures/grpc-logs).
# Needs: cargo build -p pulumi-resource-auth0 -p auth0-emulator; the conformance venv (PYTHON).
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$repo/tests/conformance/fixtures/grpc-logs}
python=${PYTHON:-python3}
prefix=yaml-ai-service-auth
bin=$(make -s -C "$repo" pulumi-cli-bin 2>/dev/null | tail -n 1)
[[ -x $bin/pulumi ]] || { echo "record: no pulumi in '$bin'; run make pulumi-cli" >&2; exit 1; }

tmp=$(mktemp -d)
emulator_pid=
cleanup() { [[ -n $emulator_pid ]] && kill "$emulator_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

"${EMULATOR:-$repo/target/debug/auth0-emulator}" --listen 127.0.0.1:0 --credentials-file "$tmp/creds.json" \
  --log-level warn >"$tmp/ready" 2>"$tmp/emulator.log" &
emulator_pid=$!
for _ in $(seq 50); do [[ -s $tmp/ready ]] && break; sleep 0.1; done
[[ -s $tmp/ready ]] || { echo "record: the emulator printed no ready line in 5s" >&2; exit 1; }
field() { "$python" -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$tmp/creds.json" "$1"; }

export PATH="$(dirname "${PROVIDER:-$repo/target/debug/pulumi-resource-auth0}"):$bin:$PATH"
export PULUMI_HOME=$tmp/home PULUMI_BACKEND_URL=file://$tmp/state PULUMI_CONFIG_PASSPHRASE=conformance
export PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
mkdir -p "$tmp/state" "$tmp/logs"
cp -r "$repo/examples/yaml/ai-service-auth" "$tmp/program"
cd "$tmp/program"
pulumi stack init conformance --non-interactive >/dev/null
pulumi config set auth0:domain "$(field baseUrl)"
pulumi config set auth0:clientId "$(field clientId)"
field clientSecret | pulumi config set --secret auth0:clientSecret >/dev/null

run() { # run STAGE pulumi-args...
  local stage=$1; shift
  PULUMI_DEBUG_GRPC=$tmp/logs/$prefix.$stage.jsonl timeout 300 pulumi "$@" --yes --non-interactive >"$tmp/$stage.out" 2>&1 ||
    { echo "record: pulumi $* failed:" >&2; tail -n 20 "$tmp/$stage.out" >&2; exit 1; }
  echo "record: pulumi $* done" >&2
}
run up up
sed -i 's/name: AI Service API/name: AI Service API v2/' Pulumi.yaml
run update up --skip-preview
run refresh refresh --skip-preview
run destroy destroy --skip-preview

"$python" "$repo/tests/conformance/replay.py" redact "$out" \
  "$tmp/logs/$prefix.up.jsonl" "$tmp/logs/$prefix.update.jsonl" "$tmp/logs/$prefix.refresh.jsonl" "$tmp/logs/$prefix.destroy.jsonl"
