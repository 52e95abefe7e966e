"""The rest of the machine-to-machine toolkit through Pulumi's own stubs: the four functions
(Invoke) and the resources ResourceServerScopes, ResourceServerScope and ClientCredentials,
with the number of Auth0 requests each operation makes, counted by the emulator."""

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import grpc
import pytest

import harness
from harness import API, CLIENT, GRANT, Driver, is_secret, reveal, secret

GET_CLIENT = "auth0:index/getClient:getClient"
GET_CLIENTS = "auth0:index/getClients:getClients"
GET_API = "auth0:index/getResourceServer:getResourceServer"
GET_GRANTS = "auth0:index/getClientGrants:getClientGrants"
SCOPES = "auth0:index/resourceServerScopes:ResourceServerScopes"
SCOPE = "auth0:index/resourceServerScope:ResourceServerScope"
CREDENTIALS = "auth0:index/clientCredentials:ClientCredentials"

APP = {"appType": "non_interactive", "grantTypes": ["client_credentials"]}


def unique(prefix: str) -> str:
    return f"{prefix}-{time.monotonic_ns()}"


@pytest.fixture
def app(driver):
    name = unique("toolkit-app")
    inputs = driver.checked(CLIENT, name, {"name": name, **APP})
    client_id, state = driver.create(CLIENT, name, inputs)
    yield name, client_id, state
    driver.delete(CLIENT, name, client_id, state, inputs)


@pytest.fixture
def api(driver):
    name = unique("toolkit-api")
    identifier = f"https://{name}.example.com/"
    inputs = driver.checked(API, name, {"name": name, "identifier": identifier})
    api_id, state = driver.create(API, name, inputs)
    yield identifier, api_id, state
    driver.delete(API, name, api_id, state, inputs)


def counted(emulator, call):
    """Runs `call` and returns (its result, the Management API requests it made)."""
    emulator.reset_stats()
    result = call()
    return result, emulator.management_calls()


# ---------------------------------------------------------------- functions


def test_get_client_by_id_is_one_request_and_returns_the_secret_as_a_secret(driver, emulator, app):
    name, client_id, state = app
    (outputs, failures), requests = counted(emulator, lambda: driver.invoke(GET_CLIENT, {"clientId": client_id}))
    assert not failures
    assert requests == 1
    assert outputs["clientId"] == client_id and outputs["name"] == name and outputs["id"] == client_id
    assert is_secret(outputs["clientSecret"]), "getClient must return clientSecret as a secret"
    assert reveal(outputs["clientSecret"]) == reveal(state["clientSecret"])
    assert outputs["appType"] == "non_interactive"


def test_get_client_by_name_finds_the_one_client_with_that_name(driver, app):
    name, client_id, _ = app
    outputs, failures = driver.invoke(GET_CLIENT, {"name": name})
    assert not failures and outputs["clientId"] == client_id


def test_get_client_that_finds_nothing_fails_naming_the_input(driver):
    with pytest.raises(grpc.RpcError) as err:
        driver.invoke(GET_CLIENT, {"name": "no-such-application-anywhere"})
    assert "no-such-application-anywhere" in err.value.details()
    assert "getClient" in err.value.details()
    with pytest.raises(grpc.RpcError) as err:
        driver.invoke(GET_CLIENT, {"clientId": "nonexistentclientid"})
    assert "nonexistentclientid" in err.value.details()


def test_get_client_by_a_shared_name_fails_naming_both_client_ids(driver):
    name = unique("twin")
    made = []
    for i in range(2):
        inputs = driver.checked(CLIENT, f"{name}-{i}", {"name": name, **APP})
        made.append((f"{name}-{i}", *driver.create(CLIENT, f"{name}-{i}", inputs), inputs))
    try:
        with pytest.raises(grpc.RpcError) as err:
            driver.invoke(GET_CLIENT, {"name": name})
        for _, client_id, _, _ in made:
            assert client_id in err.value.details()
    finally:
        for logical, client_id, state, inputs in made:
            driver.delete(CLIENT, logical, client_id, state, inputs)


def test_get_client_without_an_id_or_a_name_is_a_check_failure_asking_nothing_of_auth0(driver, emulator):
    (outputs, failures), requests = counted(emulator, lambda: driver.invoke(GET_CLIENT, {}))
    assert requests == 0 and outputs == {}
    assert [f.property for f in failures] == ["clientId"]
    assert "name" in failures[0].reason


def test_an_unknown_function_is_an_invalid_argument_naming_it(driver):
    with pytest.raises(grpc.RpcError) as err:
        driver.invoke("auth0:index/getRole:getRole", {})
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "getRole" in err.value.details() and "getClient" in err.value.details()


def test_get_clients_filters_by_name_and_app_type_and_returns_secrets(driver, app):
    name, client_id, _ = app
    outputs, failures = driver.invoke(GET_CLIENTS, {"nameFilter": name.upper(), "appTypes": ["non_interactive"]})
    assert not failures
    assert [c["clientId"] for c in outputs["clients"]] == [client_id]
    assert is_secret(outputs["clients"][0]["clientSecret"])
    assert outputs["nameFilter"] == name.upper() and outputs["id"].startswith("getClients-")
    again, _ = driver.invoke(GET_CLIENTS, {"nameFilter": name.upper(), "appTypes": ["non_interactive"]})
    assert again["id"] == outputs["id"], "the same filters give the same id"
    none, _ = driver.invoke(GET_CLIENTS, {"nameFilter": name, "appTypes": ["spa"]})
    assert none["clients"] == []


def test_get_resource_server_by_identifier_is_one_request_with_the_signing_secret_secret(driver, emulator, api):
    identifier, api_id, _ = api
    (outputs, failures), requests = counted(emulator, lambda: driver.invoke(GET_API, {"identifier": identifier}))
    assert not failures and requests == 1
    assert outputs["identifier"] == identifier
    assert outputs["resourceServerId"] == api_id and outputs["id"] == api_id
    # Auth0 returns a signing secret only where it keeps one; when it does, it stays secret
    # (the provider's unit tests cover the marking).
    assert "signingSecret" not in outputs or is_secret(outputs["signingSecret"])
    by_id, _ = driver.invoke(GET_API, {"resourceServerId": api_id})
    assert by_id["identifier"] == identifier


def test_get_client_grants_uses_auth0s_filters_and_returns_the_grant(driver, emulator, app, api):
    name, client_id, _ = app
    identifier, _, _ = api
    inputs = driver.checked(GRANT, name, {"clientId": client_id, "audience": identifier, "scopes": []})
    grant_id, grant_state = driver.create(GRANT, name, inputs)
    try:
        (outputs, failures), requests = counted(
            emulator, lambda: driver.invoke(GET_GRANTS, {"clientId": client_id, "audience": identifier})
        )
        assert not failures and requests == 1
        assert [g["id"] for g in outputs["clientGrants"]] == [grant_id]
        assert outputs["clientGrants"][0]["audience"] == identifier
        assert outputs["clientGrants"][0]["clientId"] == client_id
    finally:
        driver.delete(GRANT, name, grant_id, grant_state, inputs)


# ---------------------------------------------------------------- ResourceServerScopes


def test_resource_server_scopes_own_the_list_with_one_request_per_operation(driver, emulator, api):
    identifier, _, _ = api
    name = unique("scopes")
    news = {"resourceServerIdentifier": identifier, "scopes": [{"name": "read:data", "description": "Read"}, {"name": "write:data"}]}
    inputs = driver.checked(SCOPES, name, news)
    (scopes_id, state), requests = counted(emulator, lambda: driver.create(SCOPES, name, inputs))
    assert requests == 1 and scopes_id == identifier
    assert sorted(s["name"] for s in state["scopes"]) == ["read:data", "write:data"]
    api_view, _ = driver.invoke(GET_API, {"identifier": identifier})
    assert sorted(s["name"] for s in api_view["scopes"]) == ["read:data", "write:data"]

    read, requests = counted(emulator, lambda: driver.read(SCOPES, name, scopes_id, state, inputs))
    assert requests == 1 and read[0] == scopes_id

    changed = driver.checked(SCOPES, name, {**news, "scopes": [{"name": "read:data", "description": "Read it"}]})
    diff = driver.diff(SCOPES, name, scopes_id, state, changed, inputs)
    assert list(diff.replaces) == []
    state, requests = counted(emulator, lambda: driver.update(SCOPES, name, scopes_id, state, changed, inputs))
    assert requests == 1 and [s["name"] for s in state["scopes"]] == ["read:data"]

    _, requests = counted(emulator, lambda: driver.delete(SCOPES, name, scopes_id, state, changed))
    assert requests == 1
    api_view, _ = driver.invoke(GET_API, {"identifier": identifier})
    assert api_view.get("scopes", []) == []


def test_resource_server_scopes_import_by_the_apis_identifier(driver, api):
    identifier, _, _ = api
    name = unique("scopes")
    inputs = driver.checked(SCOPES, name, {"resourceServerIdentifier": identifier, "scopes": [{"name": "read:data"}]})
    scopes_id, state = driver.create(SCOPES, name, inputs)
    imported_id, imported_state, imported_inputs = driver.read(SCOPES, name, identifier, {}, {})
    assert imported_id == identifier
    assert imported_inputs["resourceServerIdentifier"] == identifier
    assert [s["name"] for s in imported_inputs["scopes"]] == ["read:data"]
    driver.delete(SCOPES, name, scopes_id, state, inputs)


# ---------------------------------------------------------------- ResourceServerScope


def test_twenty_scopes_created_in_parallel_all_survive(driver, api):
    identifier, _, _ = api
    names = [f"scope:{i:02d}" for i in range(20)]

    def create(scope):
        logical = unique("scope")
        inputs = driver.checked(SCOPE, logical, {"resourceServerIdentifier": identifier, "scope": scope, "description": f"d {scope}"})
        scope_id, state = driver.create(SCOPE, logical, inputs)
        return logical, scope_id, state, inputs

    with ThreadPoolExecutor(max_workers=20) as pool:
        made = list(pool.map(create, names))
    assert sorted(m[1] for m in made) == sorted(f"{identifier}::{n}" for n in names)
    api_view, _ = driver.invoke(GET_API, {"identifier": identifier})
    assert sorted(s["name"] for s in api_view["scopes"]) == names, "a parallel create lost a scope"

    with ThreadPoolExecutor(max_workers=20) as pool:
        list(pool.map(lambda m: driver.delete(SCOPE, m[0], m[1], m[2], m[3]), made))
    api_view, _ = driver.invoke(GET_API, {"identifier": identifier})
    assert api_view.get("scopes", []) == []


def test_a_scope_updates_its_description_and_imports_as_identifier_and_scope(driver, api):
    identifier, _, _ = api
    logical = unique("scope")
    inputs = driver.checked(SCOPE, logical, {"resourceServerIdentifier": identifier, "scope": "read:data", "description": "Read"})
    scope_id, state = driver.create(SCOPE, logical, inputs)
    changed = driver.checked(SCOPE, logical, {**inputs, "description": "Read everything"})
    diff = driver.diff(SCOPE, logical, scope_id, state, changed, inputs)
    assert list(diff.replaces) == [] and "description" in diff.diffs
    state = driver.update(SCOPE, logical, scope_id, state, changed, inputs)
    assert state["description"] == "Read everything"
    imported_id, _, imported_inputs = driver.read(SCOPE, logical, f"{identifier}::read:data", {}, {})
    assert imported_id == f"{identifier}::read:data"
    assert imported_inputs == {"resourceServerIdentifier": identifier, "scope": "read:data", "description": "Read everything"}
    renamed = driver.checked(SCOPE, logical, {**changed, "scope": "read:all"})
    assert "scope" in driver.diff(SCOPE, logical, scope_id, state, renamed, changed).replaces
    driver.delete(SCOPE, logical, scope_id, state, changed)
    assert driver.read(SCOPE, logical, scope_id, state, changed)[0] == ""


# ---------------------------------------------------------------- ClientCredentials


def token(emulator, client_id, client_secret, audience, method="client_secret_post"):
    fields = {"grant_type": "client_credentials", "audience": audience}
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if method == "client_secret_post":
        fields.update(client_id=client_id, client_secret=client_secret)
    else:
        import base64

        pair = f"{urllib.parse.quote(client_id)}:{urllib.parse.quote(client_secret)}"
        headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
    req = urllib.request.Request(
        emulator.base_url.rstrip("/") + "/oauth/token",
        data=urllib.parse.urlencode(fields).encode(),
        headers=headers,
        method="POST",
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.load(resp)


def test_client_credentials_set_a_secret_with_one_request_and_the_client_can_use_it(driver, emulator, app, api):
    name, client_id, _ = app
    identifier, _, _ = api
    grant_inputs = driver.checked(GRANT, name, {"clientId": client_id, "audience": identifier, "scopes": []})
    grant_id, grant_state = driver.create(GRANT, name, grant_inputs)
    chosen = "a-secret-chosen-by-the-program-0123456789abcdefghij"
    news = {"clientId": client_id, "authenticationMethod": "client_secret_post", "clientSecret": secret(chosen)}
    inputs = driver.checked(CREDENTIALS, name, news)
    try:
        (creds_id, state), requests = counted(emulator, lambda: driver.create(CREDENTIALS, name, inputs))
        assert requests == 1 and creds_id == client_id
        assert state["authenticationMethod"] == "client_secret_post"
        assert is_secret(state["clientSecret"]) and reveal(state["clientSecret"]) == chosen
        assert "access_token" in token(emulator, client_id, chosen, identifier)

        read, requests = counted(emulator, lambda: driver.read(CREDENTIALS, name, creds_id, state, inputs))
        assert requests == 1 and read[1]["authenticationMethod"] == "client_secret_post"

        basic = driver.checked(CREDENTIALS, name, {**news, "authenticationMethod": "client_secret_basic"})
        state, requests = counted(emulator, lambda: driver.update(CREDENTIALS, name, creds_id, state, basic, inputs))
        assert requests == 1 and state["authenticationMethod"] == "client_secret_basic"
        assert "access_token" in token(emulator, client_id, chosen, identifier, method="client_secret_basic")

        driver.delete(CREDENTIALS, name, creds_id, state, basic)
        after, _ = driver.invoke(GET_CLIENT, {"clientId": client_id})
        assert after["tokenEndpointAuthMethod"] == "client_secret_post", "delete returns the client to Auth0's default"
    finally:
        driver.delete(GRANT, name, grant_id, grant_state, grant_inputs)


def test_client_credentials_check_names_the_block_a_method_needs(driver):
    _, failures = driver.check(CREDENTIALS, unique("creds"), {"clientId": "abc", "authenticationMethod": "private_key_jwt"})
    assert [f.property for f in failures] == ["privateKeyJwt"]
    _, failures = driver.check(CREDENTIALS, unique("creds"), {"clientId": "abc", "authenticationMethod": "none", "clientSecret": secret("x")})
    assert [f.property for f in failures] == ["clientSecret"]
    _, failures = driver.check(CREDENTIALS, unique("creds"), {"clientId": "abc", "authenticationMethod": "client_secret_jwt"})
    assert [f.property for f in failures] == ["authenticationMethod"]


# ---------------------------------------------------------------- two owners of one scope list


def test_check_warns_when_two_resources_of_a_run_manage_the_same_apis_scopes(driver, engine):
    from pulumi.runtime.proto import engine_pb2

    identifier = f"https://{unique('shared')}.example.com/"
    api_name, scopes_name = unique("owner-api"), unique("owner-scopes")
    driver.checked(API, api_name, {"name": api_name, "identifier": identifier, "scopes": [{"value": "read:data"}]})
    driver.checked(SCOPES, scopes_name, {"resourceServerIdentifier": identifier, "scopes": [{"name": "write:data"}]})
    log = engine.wait_for_log(lambda log: scopes_name in log.urn and identifier in log.message, timeout=5)
    assert log is not None, f"no warning for {scopes_name} among {engine.messages()}"
    assert log.severity == engine_pb2.WARNING
    assert api_name in log.message and "ResourceServer.scopes" in log.message


def test_scope_entries_of_one_api_share_its_list_without_a_warning(driver, engine):
    identifier = f"https://{unique('entries')}.example.com/"
    names = [unique("entry") for _ in range(2)]
    for i, name in enumerate(names):
        driver.checked(SCOPE, name, {"resourceServerIdentifier": identifier, "scope": f"s:{i}"})
    # An API without `scopes` leaves them to the entries.
    api_name = unique("plain-api")
    driver.checked(API, api_name, {"name": api_name, "identifier": identifier})
    time.sleep(0.5)
    assert not [m for m in engine.messages() if identifier in m], engine.messages()


def test_a_write_only_secret_is_sent_again_only_when_its_version_changes(driver, app, api, emulator):
    name, client_id, _ = app
    identifier, _, _ = api
    grant_inputs = driver.checked(GRANT, name, {"clientId": client_id, "audience": identifier, "scopes": []})
    grant_id, grant_state = driver.create(GRANT, name, grant_inputs)
    first, second = "first-write-only-secret-0123456789abcdefghijklmn", "second-write-only-secret-0123456789abcdefghijk"
    base = {"clientId": client_id, "authenticationMethod": "client_secret_post"}
    inputs = driver.checked(CREDENTIALS, name, {**base, "clientSecretWo": secret(first), "clientSecretWoVersion": 1})
    try:
        creds_id, state = driver.create(CREDENTIALS, name, inputs)
        assert "access_token" in token(emulator, client_id, first, identifier)

        same_version = driver.checked(CREDENTIALS, name, {**base, "clientSecretWo": secret(second), "clientSecretWoVersion": 1})
        state = driver.update(CREDENTIALS, name, creds_id, state, same_version, inputs)
        assert "access_token" in token(emulator, client_id, first, identifier), "sent without a version change"

        bumped = driver.checked(CREDENTIALS, name, {**base, "clientSecretWo": secret(second), "clientSecretWoVersion": 2})
        diff = driver.diff(CREDENTIALS, name, creds_id, state, bumped, same_version)
        assert "clientSecretWoVersion" in diff.diffs and list(diff.replaces) == []
        state = driver.update(CREDENTIALS, name, creds_id, state, bumped, same_version)
        assert "access_token" in token(emulator, client_id, second, identifier)
        assert state["clientSecretWoVersion"] == 2
        driver.delete(CREDENTIALS, name, creds_id, state, bumped)
    finally:
        driver.delete(GRANT, name, grant_id, grant_state, grant_inputs)


# ---------------------------------------------------------------- private_key_jwt


def key_pair(directory, name):
    """An RSA key and a self-signed certificate for it, made with the openssl command line."""
    import subprocess

    key, cert = f"{directory}/{name}.key", f"{directory}/{name}.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
         "-days", "30", "-subj", f"/CN={name}"],
        check=True, capture_output=True, timeout=60,
    )
    with open(cert) as f:
        return key, f.read()


def client_assertion(key_path, client_id, audience):
    """A private_key_jwt client assertion (RS256), signed with openssl."""
    import base64
    import subprocess
    import uuid

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    now = int(time.time())
    header = b64(json.dumps({"alg": "RS256", "typ": "JWT"}).encode())
    claims = b64(json.dumps({"iss": client_id, "sub": client_id, "aud": audience, "iat": now,
                             "exp": now + 60, "jti": str(uuid.uuid4())}).encode())
    signed = subprocess.run(
        ["openssl", "dgst", "-sha256", "-sign", key_path],
        input=f"{header}.{claims}".encode(), capture_output=True, check=True, timeout=30,
    ).stdout
    return f"{header}.{claims}.{b64(signed)}"


def assertion_token(emulator, key_path, client_id, audience):
    """(status, body) of a client-credentials token request authenticated with private_key_jwt."""
    fields = {
        "grant_type": "client_credentials",
        "audience": audience,
        "client_id": client_id,
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        "client_assertion": client_assertion(key_path, client_id, f"https://{emulator.domain}/"),
    }
    req = urllib.request.Request(
        emulator.base_url.rstrip("/") + "/oauth/token",
        data=urllib.parse.urlencode(fields).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, json.load(resp)
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


def test_private_key_jwt_credentials_register_rotate_and_retire(driver, emulator, app, api, tmp_path):
    name, client_id, _ = app
    identifier, _, _ = api
    grant_inputs = driver.checked(GRANT, name, {"clientId": client_id, "audience": identifier, "scopes": []})
    grant_id, grant_state = driver.create(GRANT, name, grant_inputs)
    first_key, first_pem = key_pair(tmp_path, "first")
    second_key, second_pem = key_pair(tmp_path, "second")

    def wanted(*pems):
        return {
            "clientId": client_id,
            "authenticationMethod": "private_key_jwt",
            "privateKeyJwt": {"credentials": [{"name": f"key-{i}", "pem": pem, "credentialType": "public_key"} for i, pem in enumerate(pems)]},
        }

    inputs = driver.checked(CREDENTIALS, name, wanted(first_pem))
    try:
        (creds_id, state), requests = counted(emulator, lambda: driver.create(CREDENTIALS, name, inputs))
        assert requests == 2, "one POST registering the key, one PATCH attaching it"
        assert state["authenticationMethod"] == "private_key_jwt"
        [credential] = state["privateKeyJwt"]["credentials"]
        assert credential["id"] and credential["keyId"] and credential["pem"] == first_pem
        status, body = assertion_token(emulator, first_key, client_id, identifier)
        assert status == 200 and "access_token" in body, body
        assert token_refused(emulator, client_id, identifier)

        diff = driver.diff(CREDENTIALS, name, creds_id, state, driver.checked(CREDENTIALS, name, wanted(first_pem)), inputs)
        assert list(diff.diffs) == [], "an unchanged key is no change"

        rotated = driver.checked(CREDENTIALS, name, wanted(second_pem))
        state, requests = counted(emulator, lambda: driver.update(CREDENTIALS, name, creds_id, state, rotated, inputs))
        assert requests == 3, "POST the new key, PATCH the attachment, DELETE the old key"
        assert [c["pem"] for c in state["privateKeyJwt"]["credentials"]] == [second_pem]
        assert assertion_token(emulator, second_key, client_id, identifier)[0] == 200
        assert assertion_token(emulator, first_key, client_id, identifier)[0] == 401

        read = driver.read(CREDENTIALS, name, creds_id, state, rotated)
        assert read[1]["privateKeyJwt"]["credentials"][0]["id"] == state["privateKeyJwt"]["credentials"][0]["id"]

        driver.delete(CREDENTIALS, name, creds_id, state, rotated)
        after, _ = driver.invoke(GET_CLIENT, {"clientId": client_id})
        assert after["tokenEndpointAuthMethod"] == "client_secret_post"
        assert after.get("clientAuthenticationMethods", []) in ([], [{}]), after.get("clientAuthenticationMethods")
    finally:
        driver.delete(GRANT, name, grant_id, grant_state, grant_inputs)


def token_refused(emulator, client_id, audience) -> bool:
    """A client on private_key_jwt cannot get a token with its secret."""
    fields = {"grant_type": "client_credentials", "audience": audience, "client_id": client_id, "client_secret": "anything"}
    req = urllib.request.Request(
        emulator.base_url.rstrip("/") + "/oauth/token",
        data=urllib.parse.urlencode(fields).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        method="POST",
    )
    try:
        urllib.request.urlopen(req, timeout=10)
        return False
    except urllib.error.HTTPError as err:
        return err.code in (400, 401, 403)


def test_tls_client_auth_registers_a_certificate_subject_and_attaches_it(driver, emulator, app):
    name, client_id, _ = app
    news = {
        "clientId": client_id,
        "authenticationMethod": "tls_client_auth",
        "tlsClientAuth": {"credentials": [{"name": "mtls", "credentialType": "cert_subject_dn", "subjectDn": "CN=service,O=Example"}]},
    }
    inputs = driver.checked(CREDENTIALS, name, news)
    (creds_id, state), requests = counted(emulator, lambda: driver.create(CREDENTIALS, name, inputs))
    assert requests == 2
    assert state["authenticationMethod"] == "tls_client_auth"
    [credential] = state["tlsClientAuth"]["credentials"]
    assert credential["id"] and credential["subjectDn"] == "CN=service,O=Example"
    looked_up, _ = driver.invoke(GET_CLIENT, {"clientId": client_id})
    [method] = looked_up["clientAuthenticationMethods"]
    assert [c["id"] for c in method["tlsClientAuths"][0]["credentials"]] == [credential["id"]]
    assert list(driver.diff(CREDENTIALS, name, creds_id, state, inputs, inputs).diffs) == []
    driver.delete(CREDENTIALS, name, creds_id, state, inputs)
    after, _ = driver.invoke(GET_CLIENT, {"clientId": client_id})
    assert after["tokenEndpointAuthMethod"] == "client_secret_post"
    assert not after.get("clientAuthenticationMethods"), "the certificate is detached"


def test_rotating_one_of_two_keys_at_auth0s_limit_keeps_a_key_attached(driver, emulator, app, api, tmp_path):
    name, client_id, _ = app
    identifier, _, _ = api
    grant_inputs = driver.checked(GRANT, name, {"clientId": client_id, "audience": identifier, "scopes": []})
    grant_id, grant_state = driver.create(GRANT, name, grant_inputs)
    keys = {n: key_pair(tmp_path, n) for n in ("a", "b", "c")}

    def wanted(*names):
        return {
            "clientId": client_id,
            "authenticationMethod": "private_key_jwt",
            "privateKeyJwt": {"credentials": [{"name": n, "pem": keys[n][1], "credentialType": "public_key"} for n in names]},
        }

    inputs = driver.checked(CREDENTIALS, name, wanted("a", "b"))
    try:
        creds_id, state = driver.create(CREDENTIALS, name, inputs)
        rotated = driver.checked(CREDENTIALS, name, wanted("b", "c"))
        state, requests = counted(emulator, lambda: driver.update(CREDENTIALS, name, creds_id, state, rotated, inputs))
        assert requests == 4, "detach and delete a, register c, attach b and c"
        assert [c["name"] for c in state["privateKeyJwt"]["credentials"]] == ["b", "c"]
        assert assertion_token(emulator, keys["b"][0], client_id, identifier)[0] == 200
        assert assertion_token(emulator, keys["c"][0], client_id, identifier)[0] == 200
        assert assertion_token(emulator, keys["a"][0], client_id, identifier)[0] == 401
        driver.delete(CREDENTIALS, name, creds_id, state, rotated)
    finally:
        driver.delete(GRANT, name, grant_id, grant_state, grant_inputs)
