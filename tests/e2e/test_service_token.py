"""The service story of ai_service_auth (corrected): after `up`, the service client gets a token for
its API from /oauth/token, and the token verifies with an independent JWT library."""

from __future__ import annotations

import jwt
import pytest

import harness

AUDIENCE = "https://ai-service.example.com/"


def test_the_deployed_service_client_gets_a_verifiable_token_for_its_api(emulator, sandbox, tmp_path):
    work = tmp_path / "service"
    program = harness.program_file("ai-service-auth-corrected", emulator.domain, work)
    stack = harness.inline_stack(sandbox, emulator, work, program)
    up = stack.up()
    client_id = up.outputs["service_client_id"].value
    client_secret = up.outputs["service_client_secret"].value

    issued = emulator.token(client_id, client_secret, AUDIENCE)
    assert issued["token_type"] == "Bearer"
    claims = harness.verify_service_token(emulator, issued["access_token"], AUDIENCE)
    assert claims["aud"] == AUDIENCE
    assert claims["iss"] == f"https://{emulator.domain}/"
    assert claims["sub"] == f"{client_id}@clients"
    assert sorted(claims["scope"].split()) == ["read:data", "write:data"]
    assert claims["exp"] > claims["iat"]

    # The same token does not pass for another audience or a tampered signature.
    with pytest.raises(jwt.InvalidAudienceError):
        harness.verify_service_token(emulator, issued["access_token"], "https://myapi.example.com/")
    head, body, signature = issued["access_token"].split(".")
    flipped = signature[:-2] + ("AA" if signature[-2:] != "AA" else "BB")
    with pytest.raises(jwt.InvalidSignatureError):
        harness.verify_service_token(emulator, f"{head}.{body}.{flipped}", AUDIENCE)

    # No grant to the Management API, so no token for it.
    status, body = emulator.request(
        "POST",
        "/oauth/token",
        {
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": client_secret,
            "audience": emulator.management_audience,
        },
    )
    assert status == 403, body

    stack.destroy()
    # Once destroyed, the client can no longer get tokens.
    status, _ = emulator.request(
        "POST",
        "/oauth/token",
        {
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": client_secret,
            "audience": AUDIENCE,
        },
    )
    assert status == 401
