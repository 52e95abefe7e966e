"""`make demo`: the AI service-to-service example end to end with the real Pulumi engine.

Starts auth0-emulator, deploys examples/python/ai_service_auth_corrected.py (client, API with
read:data and write:data, grant) through the plugin, gets the service's token from /oauth/token,
verifies it with PyJWT against the emulator's JWKS and prints its claims, then destroys the stack
and stops the emulator. Nothing outside a temporary directory is touched.
"""

from __future__ import annotations

import json
import signal
import sys
import tempfile
import time
from pathlib import Path

import harness

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


def main() -> int:
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="auth0-demo-") as tmp:
        root = Path(tmp)
        say("Starting auth0-emulator (a local Auth0) on 127.0.0.1")
        emulator = harness.Emulator(root / "emulator").start()
        stack = None
        try:
            print(f"    tenant {emulator.domain}, Management API {emulator.management_audience}")
            sandbox = harness.Sandbox(root)
            work = root / "program"
            program = harness.program_file("ai_service_auth_corrected.py", emulator.domain, work)
            stack = harness.inline_stack(
                sandbox, emulator, work, program, project="ai-service-auth", stack="demo"
            )

            say("pulumi up: examples/python/ai_service_auth_corrected.py with pulumi-resource-auth0")
            up = stack.up(on_output=print)
            client_id = up.outputs["service_client_id"].value
            client_secret = up.outputs["service_client_secret"].value

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
            stack.destroy(on_output=print)
            stack = None
        finally:
            try:
                if stack is not None and not terminating:
                    try:
                        stack.destroy()
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
