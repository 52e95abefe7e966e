"""Issue 14 §4: no secret anywhere at maximum verbosity. A plugin started with AUTH0_DEBUG,
RUST_LOG=trace and -v=9 takes a client, an HS256 API, a grant, client credentials with a chosen
secret, a write-only secret and a private_key_jwt key through create, read, update and delete, and
meets an Auth0 error. Then its stderr and stdout, the engine Log messages, every error text and the
emulator's log (at debug) are searched for each secret: the tenant's client secret, the generated
client secret, the API's signing secret, the chosen and write-only secrets, the private key, and the
bearer token."""

import json
import os
import subprocess
import time

import grpc

import harness
from harness import API, CLIENT, GRANT, Driver, Emulator, Plugin, reveal, secret

CREDENTIALS = "auth0:index/clientCredentials:ClientCredentials"
GET_CLIENT = "auth0:index/getClient:getClient"


def unique(prefix: str) -> str:
    return f"{prefix}-{time.monotonic_ns()}"


def test_no_secret_appears_in_any_output_at_maximum_verbosity(workdir, engine, tmp_path, monkeypatch):
    # The emulator reads RUST_LOG before its --log-level flag: debug shows every request it serves.
    monkeypatch.setenv("RUST_LOG", "debug")
    emulator = Emulator(str(tmp_path))
    plugin = Plugin(str(tmp_path), ["--logtostderr", "-v=9", engine.address], env={"AUTH0_DEBUG": "true", "RUST_LOG": "trace"})
    errors = []
    try:
        d = Driver(plugin.stub)
        d.handshake(engine.address)
        d.configure(emulator.config())
        name = unique("verbose")
        chosen = "chosen-secret-for-the-verbosity-test-0123456789abcdef"
        write_only = "write-only-secret-for-the-verbosity-test-0123456789"
        key = tmp_path / "key.pem"
        cert = tmp_path / "cert.pem"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key),
                        "-out", str(cert), "-days", "2", "-subj", "/CN=verbose"], check=True, capture_output=True, timeout=60)

        client_inputs = d.checked(CLIENT, name, {"name": name, "appType": "non_interactive", "grantTypes": ["client_credentials"]})
        client_id, client_state = d.create(CLIENT, name, client_inputs)
        generated = reveal(client_state["clientSecret"])
        identifier = f"https://{name}.example.com/"
        api_inputs = d.checked(API, name, {"name": name, "identifier": identifier, "signingAlg": "HS256"})
        api_id, api_state = d.create(API, name, api_inputs)
        signing = reveal(api_state.get("signingSecret", "")) or None
        grant_inputs = d.checked(GRANT, name, {"clientId": client_id, "audience": identifier, "scopes": []})
        grant_id, grant_state = d.create(GRANT, name, grant_inputs)

        creds = d.checked(CREDENTIALS, name, {"clientId": client_id, "authenticationMethod": "client_secret_post",
                                              "clientSecret": secret(chosen)})
        creds_id, creds_state = d.create(CREDENTIALS, name, creds)
        d.read(CREDENTIALS, name, creds_id, creds_state, creds)
        wo = d.checked(CREDENTIALS, name, {"clientId": client_id, "authenticationMethod": "client_secret_post",
                                           "clientSecretWo": secret(write_only), "clientSecretWoVersion": 1})
        creds_state = d.update(CREDENTIALS, name, creds_id, creds_state, wo, creds)
        jwt = d.checked(CREDENTIALS, name, {"clientId": client_id, "authenticationMethod": "private_key_jwt",
                                            "privateKeyJwt": {"credentials": [{"name": "k", "pem": cert.read_text(), "credentialType": "public_key"}]}})
        creds_state = d.update(CREDENTIALS, name, creds_id, creds_state, jwt, wo)
        outputs, _ = d.invoke(GET_CLIENT, {"clientId": client_id})

        # An Auth0 error (a second API with the same identifier) and a failing invoke.
        for call in (lambda: d.create(API, unique("dup"), api_inputs), lambda: d.invoke(GET_CLIENT, {"clientId": "nope"})):
            try:
                call()
            except grpc.RpcError as err:
                errors.append(err.details())
        assert len(errors) == 2, errors

        d.delete(CREDENTIALS, name, creds_id, creds_state, jwt)
        d.delete(GRANT, name, grant_id, grant_state, grant_inputs)
        d.delete(API, name, api_id, api_state, api_inputs)
        d.delete(CLIENT, name, client_id, client_state, client_inputs)
        token = emulator_token(emulator)
    finally:
        plugin.close()
        emulator.close()

    private_key_body = "".join(line for line in key.read_text().splitlines() if "-----" not in line)
    secrets = {
        "tenant client secret": emulator.client_secret,
        "generated client secret": generated,
        "chosen client secret": chosen,
        "write-only secret": write_only,
        "private key": private_key_body[:64],
        "bearer token": token,
    }
    if signing:
        secrets["signing secret"] = signing
    with open(emulator.log_path, encoding="utf-8", errors="replace") as f:
        emulator_log = f.read()
    texts = {
        "plugin stderr": open(plugin.stderr_path, encoding="utf-8", errors="replace").read(),
        "plugin stdout": plugin.stdout_rest or "",
        "engine log messages": "\n".join(engine.messages()),
        "error texts": "\n".join(errors),
        "emulator log": emulator_log,
    }
    assert len(texts["plugin stderr"]) > 1000, "the plugin logged nothing at -v=9: the test would prove nothing"
    assert len(texts["emulator log"]) > 1000, "the emulator logged nothing at debug: the test would prove nothing"
    leaks = [f"{what} in {where}" for what, value in secrets.items() if value
             for where, text in texts.items() if value in text]
    assert not leaks, leaks


def emulator_token(emulator) -> str:
    """A Management API token like the plugin's, for the bearer-token search."""
    import urllib.request

    body = json.dumps({"grant_type": "client_credentials", "client_id": emulator.client_id,
                       "client_secret": emulator.client_secret, "audience": emulator.audience}).encode()
    req = urllib.request.Request(emulator.base_url.rstrip("/") + "/oauth/token", data=body,
                                 headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.load(resp)["access_token"]
