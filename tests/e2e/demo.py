"""`make demo`: the AI service-to-service example, run the way a user runs it.

1. Starts auth0-emulator (a local Auth0) on 127.0.0.1.
2. In a copy of the Python project examples/python/ai-service-auth-corrected: `pulumi stack init`,
   `pulumi config set` (the client secret as a secret) and `pulumi up --yes`, with the CLI's own
   preview, progress and outputs on the terminal. pulumi-language-python runs __main__.py; the
   engine runs pulumi-resource-auth0 as installed by `pulumi plugin install --file`.
3. The service asks /oauth/token for a token for its API; PyJWT verifies it against the JWKS.
4. `pulumi destroy --yes`, then the emulator stops.

Nothing outside a temporary directory is touched (Pulumi home, file backend, credentials).
"""

from __future__ import annotations

import json
import shlex
import signal
import sys
import tempfile
import time
from pathlib import Path

import harness

PROJECT = "ai-service-auth-corrected"
AUDIENCE = "https://ai-service.example.com/"

# Set once SIGTERM arrived (`make demo`'s timeout): clean-up then only stops the emulator, which
# runs in its own session and would outlive us otherwise; the stack lives in the temp dir anyway.
terminating = False


def on_sigterm(signum, frame) -> None:
    global terminating
    terminating = True
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second one must not cut the clean-up short
    print("\ndemo: terminated; stopping the emulator", file=sys.stderr, flush=True)
    sys.exit(128 + signum)  # SystemExit unwinds through the finally blocks below


def say(text: str) -> None:
    print(f"\n==> {text}", flush=True)


def pulumi(sandbox: harness.Sandbox, work: Path, *args: str, shown: bool = True, timeout: float = 300):
    """One CLI command in the project directory, echoed like a shell would; with `shown` its output
    goes straight to the terminal."""
    if shown:
        print(f"$ pulumi {shlex.join(args)}", flush=True)
    return sandbox.cli(list(args), cwd=work, timeout=timeout, stream=shown)


def main() -> int:
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="auth0-demo-") as tmp:
        root = Path(tmp)
        say("Starting auth0-emulator (a local Auth0) on 127.0.0.1")
        emulator = harness.Emulator(root / "emulator").start()
        deployed = False
        sandbox = harness.Sandbox(root)
        work = root / PROJECT
        try:
            print(f"    tenant {emulator.domain}, Management API {emulator.management_audience}")
            # The project's venv is the demo's own (pulumi at the pin, PyJWT); sdk/python comes from
            # PYTHONPATH, so the program always runs this checkout's SDK.
            harness.example_project("python", PROJECT, work, python_venv=Path(sys.prefix))

            say("The plugin, installed as a user installs it")
            plugin = harness.find_binary("pulumi-resource-auth0")
            print(f"$ pulumi plugin install resource auth0 {harness.workspace_version()} --file {plugin}", flush=True)
            harness.install_plugin(sandbox)

            say(f"A Pulumi project: examples/python/{PROJECT} (copied to {work})")
            pulumi(sandbox, work, "stack", "init", "demo")
            pulumi(sandbox, work, "config", "set", "auth0:domain", emulator.base_url)
            pulumi(sandbox, work, "config", "set", "auth0:clientId", emulator.client_id)
            print("$ pulumi config set --secret auth0:clientSecret  (read from stdin)", flush=True)
            harness.set_secret_config(sandbox, work, "auth0:clientSecret", emulator.client_secret)

            say("pulumi up")
            deployed = True
            pulumi(sandbox, work, "up", "--yes", timeout=600)
            outputs = json.loads(
                pulumi(sandbox, work, "stack", "output", "--json", "--show-secrets", shown=False).stdout
            )
            client_id, client_secret = outputs["service_client_id"], outputs["service_client_secret"]

            say(f"The service asks /oauth/token for a token for {AUDIENCE}")
            issued = emulator.token(client_id, client_secret, AUDIENCE)
            claims = harness.verify_service_token(emulator, issued["access_token"], AUDIENCE)
            scopes = sorted(claims.get("scope", "").split())
            if scopes != ["read:data", "write:data"]:
                raise RuntimeError(f"the token's scopes are {scopes}, expected read:data and write:data")
            print("    verified with PyJWT: RS256 signature (JWKS), audience, issuer, expiry")
            print("    claims:")
            print("\n".join("      " + line for line in json.dumps(claims, indent=2).splitlines()))

            say("pulumi destroy")
            pulumi(sandbox, work, "destroy", "--yes")
            deployed = False
        finally:
            try:
                if deployed and not terminating:
                    try:
                        pulumi(sandbox, work, "destroy", "--yes", shown=False)
                    except Exception as e:  # the emulator goes away anyway
                        print(f"    cleanup: destroy failed: {e}", file=sys.stderr)
            finally:
                emulator.stop()
    say(f"Done in {time.monotonic() - started:.1f} s: deployed, token verified, destroyed, emulator stopped")
    return 0


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, on_sigterm)
    try:
        sys.exit(main())
    except Exception as e:
        print(f"\ndemo failed: {e}", file=sys.stderr)
        sys.exit(1)
