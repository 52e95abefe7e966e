"""Issue 14 §4 through the real CLI: a project's up, refresh and destroy with every log turned up
(the CLI's -v=9 with --logflow, PULUMI_DEBUG_GRPC, the plugin's RUST_LOG=trace and AUTH0_DEBUG)
leave no credential in plain text anywhere our provider writes: the CLI's output (which carries
the plugin's stderr), the plugin's answers in the gRPC log, or the state file.

The engine's own -v=9 lines that print RPC payloads ("Marshaling property for RPC[...]",
"Unmarshaling property for RPC[...]") show the provider's configured secret: that is Pulumi's
logging of what it sends, which no provider controls, so those lines alone are set aside."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import harness

SIG = "4dabf18193072939515e22adb298388d"
ENGINE_PAYLOAD_LOG = re.compile(r'"msg":"(Un)?[Mm]arshaling property for RPC\[')


def plain_occurrences(value, secrets: list[str], inside_secret: bool = False) -> list[str]:
    """Paths of strings holding one of `secrets` outside a Pulumi secret value."""
    found = []
    if isinstance(value, dict):
        wrapped = inside_secret or value.get(SIG) == "1b47061264138c4ac30d75fd1eb44270"
        for key, item in value.items():
            found += [f"{key}.{p}" for p in plain_occurrences(item, secrets, wrapped)]
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += [f"[{i}].{p}" for p in plain_occurrences(item, secrets, inside_secret)]
    elif isinstance(value, str) and not inside_secret and any(s in value for s in secrets):
        found.append("")
    return found


def test_at_full_verbosity_no_credential_is_written_in_plain_text(emulator, sandbox, tmp_path):
    harness.install_plugin(sandbox)
    work = harness.example_project(
        "python", "ai-service-auth-corrected", tmp_path / "project", python_venv=Path(sys.prefix)
    )
    harness.cli_stack(sandbox, emulator, work)
    grpc_log = tmp_path / "grpc.jsonl"
    loud = {
        "PULUMI_DEBUG_GRPC": str(grpc_log),
        "RUST_LOG": "trace",
        "AUTH0_DEBUG": "true",
    }
    texts = []
    for args in (["up", "--yes"], ["refresh", "--yes"], ["destroy", "--yes"]):
        result = sandbox.cli(args + ["-v=9", "--logflow", "--logtostderr"], cwd=work, timeout=600, extra_env=loud)
        texts.append(result.stdout + result.stderr)
        if args[0] == "up":
            client_id = json.loads(sandbox.cli(["stack", "output", "--json"], cwd=work).stdout)["service_client_id"]
            generated = emulator.get(f"/clients/{client_id}")["client_secret"]
            state = next((sandbox.root / "pulumi-state").rglob("dev.json")).read_text(encoding="utf-8")
    secrets = [emulator.client_secret, generated]
    lines = [line for text in texts for line in text.splitlines() if not ENGINE_PAYLOAD_LOG.search(line)]
    ours = [line for line in lines if "pulumi_auth0_provider" in line]
    assert len(ours) > 20, f"only {len(ours)} lines of the plugin's trace reached the CLI's output"
    for line in lines:
        for s in secrets:
            assert s not in line, f"a credential reached the CLI's output at -v=9: {line[:200]}"
    for s in secrets:
        assert s not in state, "a credential is in the state file outside its encrypted secrets"

    answers = echoed = 0
    for line in grpc_log.read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        if not entry.get("method", "").startswith("/pulumirpc.ResourceProvider/") or "response" not in entry:
            continue
        answers += 1
        if plain_occurrences(entry.get("request", {}), secrets):
            # The engine sent it in plain text (it does so for the provider's own config, to
            # CheckConfig and DiffConfig); echoing the engine's own value back reveals nothing.
            echoed += 1
            continue
        leaks = plain_occurrences(entry["response"], secrets)
        assert not leaks, f"{entry['method']} answered a credential in plain text at {leaks}"
    assert answers - echoed > 10, f"only {answers - echoed} provider answers to check in the gRPC log"
