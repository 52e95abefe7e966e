"""The generated Python SDK (sdk/python) in the real Pulumi Python runtime, with mocks, no engine.

Run with `make sdk-test-python`; PYTHONPATH must hold sdk/python and EXAMPLES_DIR the seed projects (examples/python).
"""

import os
import runpy
import tempfile
import warnings

import pulumi
import pytest

import pulumi_auth0 as auth0
from pulumi_auth0 import outputs

EXAMPLES_DIR = os.environ.get(
    "EXAMPLES_DIR",
    os.path.join(os.path.dirname(__file__), "..", "..", "..", "examples", "python"),
)
DOMAIN = "tenant.example.auth0.com"


class RecordingMocks(pulumi.runtime.Mocks):
    """Records every registration; answers like a provider would, with computed outputs filled in."""

    def __init__(self):
        self.registered = []
        self.invoked = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs):
        self.registered.append(args)
        state = dict(args.inputs)
        if args.typ == "auth0:index/client:Client":
            state.setdefault("clientId", f"cid-{args.name}")
            state["clientSecret"] = "not-a-real-secret"
        if args.typ == "auth0:index/clientGrant:ClientGrant":
            state.setdefault("isSystem", False)
        if args.resource_id:
            # A get(): the "provider" reads the existing resource.
            state.update({"name": "existing", "clientId": args.resource_id, "appType": "non_interactive"})
            return args.resource_id, state
        return f"{args.name}-id", state

    def call(self, args: pulumi.runtime.MockCallArgs):
        # Invokes: answer like the provider would, in wire names.
        self.invoked.append((args.token, dict(args.args)))
        answer = INVOKE_ANSWERS.get(args.token)
        return answer(args.args) if answer else {}

    def of_type(self, token):
        return [r for r in self.registered if r.typ == token]

    def invokes_of(self, token):
        return [a for t, a in self.invoked if t == token]


def _client_answer(args):
    return {
        "id": args.get("clientId") or "cid-by-name",
        "clientId": args.get("clientId") or "cid-by-name",
        "name": args.get("name") or "Service Client",
        "appType": "non_interactive",
        "clientSecret": "not-a-real-secret",
        "grantTypes": ["client_credentials"],
        "mobiles": [{"androids": [{"appPackageName": "com.example", "sha256CertFingerprints": ["AB:CD"]}], "ios": []}],
        "signingKeys": [{"cert": "-----BEGIN CERTIFICATE-----"}],
    }


INVOKE_ANSWERS = {
    "auth0:index/getClient:getClient": _client_answer,
    "auth0:index/getClients:getClients": lambda args: {
        "id": "clients-lookup",
        "nameFilter": args.get("nameFilter"),
        "appTypes": args.get("appTypes"),
        "clients": [{"clientId": "cid-1", "name": "Service Client", "appType": "non_interactive", "clientSecret": "s1"}],
    },
    "auth0:index/getResourceServer:getResourceServer": lambda args: {
        "id": "rs-1",
        "resourceServerId": "rs-1",
        "identifier": args.get("identifier") or "https://api.example.com/",
        "name": "API",
        "tokenLifetime": 86400,
        "scopes": [{"name": "read:data", "description": "Read data"}],
    },
    "auth0:index/getClientGrants:getClientGrants": lambda args: {
        "id": "grants-lookup",
        "clientId": args.get("clientId"),
        "audience": args.get("audience"),
        "clientGrants": [{"id": "cgr-1", "clientId": args.get("clientId") or "cid-1",
                          "audience": "https://api.example.com/", "scopes": ["read:data"]}],
    },
}


class RecordingMonitor(pulumi.runtime.mocks.MockMonitor):
    """Keeps the raw RegisterResource requests, which carry the resource options."""

    def __init__(self, mocks):
        super().__init__(mocks)
        self.requests = {}

    def RegisterResource(self, request):
        self.requests[request.name] = request
        return super().RegisterResource(request)


SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"


@pytest.fixture
def mocks():
    m = RecordingMocks()
    m.monitor = RecordingMonitor(m)
    pulumi.runtime.set_mocks(m, project="sdk-test", stack="test", preview=False, monitor=m.monitor)
    return m


def run_seed(project):
    """Run a seed project's __main__.py unchanged apart from the tenant domain; returns its globals."""
    with open(os.path.join(EXAMPLES_DIR, project, "__main__.py"), encoding="utf-8") as f:
        source = f.read().replace("{YOUR_AUTH0_DOMAIN}", DOMAIN)
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
        f.write(source)
        path = f.name
    try:
        return runpy.run_path(path)
    finally:
        os.unlink(path)


def all_ids(*resources):
    return pulumi.Output.all(*[r.id for r in resources])


@pulumi.runtime.test
def test_service_auth_program_registers_client_api_and_grant_with_wire_names(mocks):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        g = run_seed("ai-service-auth")

    def check(_):
        (client,) = mocks.of_type("auth0:index/client:Client")
        assert client.name == "service-client"
        assert client.inputs["name"] == "Service Client"
        assert client.inputs["appType"] == "non_interactive"
        assert client.inputs["grantTypes"] == ["client_credentials"]
        assert client.inputs["clientMetadata"] == {"audience": f"https://{DOMAIN}/api/v2/"}
        assert "app_type" not in client.inputs

        (api,) = mocks.of_type("auth0:index/resourceServer:ResourceServer")
        assert api.inputs["identifier"] == f"https://{DOMAIN}/api/v2/"
        assert api.inputs["scopes"] == [
            {"description": "Read data", "value": "read:data"},
            {"description": "Write data", "value": "write:data"},
        ]

        (grant,) = mocks.of_type("auth0:index/clientGrant:ClientGrant")
        assert grant.inputs["audience"] == f"https://{DOMAIN}/api/v2/"
        assert grant.inputs["clientId"] == "cid-service-client"
        assert grant.inputs["scope"] == ["read:data", "write:data"]
        assert "scopes" not in grant.inputs

    return all_ids(g["client"], g["api"], g["client_grant"]).apply(check)


@pulumi.runtime.test
def test_client_grant_program_grants_scopes_on_an_existing_api(mocks):
    g = run_seed("ai-client-grant")

    def check(_):
        assert [r.typ for r in mocks.registered if r.typ.startswith("auth0:")] == [
            "auth0:index/client:Client",
            "auth0:index/clientGrant:ClientGrant",
        ]
        (grant,) = mocks.of_type("auth0:index/clientGrant:ClientGrant")
        assert grant.inputs == {
            "audience": "https://myapi.example.com/",
            "clientId": "cid-ai-client",
            "scopes": ["read:data", "write:data"],
        }
        (client,) = mocks.of_type("auth0:index/client:Client")
        # The schema default for description is applied by the SDK, as in the official one.
        assert client.inputs["description"] == "Managed by Pulumi"

    return all_ids(g["ai_client"], g["ai_client_grant"]).apply(check)


def test_the_program_using_scope_leaves_the_warning_to_the_provider(mocks, monkeypatch):
    # The provider's Check warns once per resource, for every language; the SDK stays quiet.
    logged = []
    monkeypatch.setattr(pulumi.log, "warn", lambda message, *args, **kwargs: logged.append(message))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run_seed("ai-service-auth")
    assert [str(w.message) for w in caught if issubclass(w.category, DeprecationWarning)] == []
    assert [m for m in logged if "deprecated" in m] == []


def test_the_program_using_scopes_does_not_warn(mocks):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run_seed("ai-client-grant")
    assert [str(w.message) for w in caught if issubclass(w.category, DeprecationWarning)] == []


@pulumi.runtime.test
def test_outputs_are_typed_and_secrets_stay_secret(mocks):
    api = auth0.ResourceServer(
        "api",
        identifier="https://api.example.com/",
        scopes=[auth0.ResourceServerScopeTypeArgs(value="read:data", description="Read")],
        token_lifetime=3600,
    )
    client = auth0.Client("c", name="c", jwt_configuration={"lifetime_in_seconds": 300, "alg": "RS256"})

    def check_api(scopes):
        assert isinstance(scopes[0], outputs.ResourceServerScopeType)
        assert scopes[0].value == "read:data"
        assert scopes[0].description == "Read"

    def check_jwt(jwt):
        assert isinstance(jwt, outputs.ClientJwtConfiguration)
        assert jwt.lifetime_in_seconds == 300

    def check_registered(_):
        (c,) = mocks.of_type("auth0:index/client:Client")
        # Dict keys of nested inputs are translated to wire names, like the official SDK does.
        assert c.inputs["jwtConfiguration"] == {"lifetimeInSeconds": 300, "alg": "RS256"}

    def check_secret_outputs(_):
        # The engine marks these outputs secret; the mock monitor only sees the request.
        assert list(mocks.monitor.requests["c"].additionalSecretOutputs) == ["clientSecret", "signingKeys"]

    return pulumi.Output.all(
        api.scopes.apply(check_api),
        api.token_lifetime.apply(lambda v: (isinstance(v, int) and v == 3600) or pytest.fail(f"tokenLifetime {v!r}")),
        client.jwt_configuration.apply(check_jwt),
        client.id.apply(check_registered),
        client.id.apply(check_secret_outputs),
    )


@pulumi.runtime.test
def test_get_reads_an_existing_client_by_id(mocks):
    existing = auth0.Client.get("imported", "abc123")

    def check(values):
        name, client_id, urn = values
        assert name == "existing"
        assert client_id == "abc123"
        (read,) = mocks.of_type("auth0:index/client:Client")
        assert read.resource_id == "abc123"

    return pulumi.Output.all(existing.name, existing.client_id, existing.urn).apply(check)


def test_a_missing_required_input_raises_type_error_naming_it(mocks):
    with pytest.raises(TypeError, match="identifier"):
        auth0.ResourceServer("api", name="no identifier")
    with pytest.raises(TypeError, match="audience"):
        auth0.ClientGrant("grant", client_id="abc")
    with pytest.raises(TypeError, match="identifier"):
        auth0.ResourceServerArgs(name="no identifier")


@pulumi.runtime.test
def test_an_args_object_works_like_keyword_arguments(mocks):
    grant = auth0.ClientGrant(
        "grant", auth0.ClientGrantArgs(audience="https://a/", client_id="abc", scopes=["x"])
    )

    def check(_):
        (g,) = mocks.of_type("auth0:index/clientGrant:ClientGrant")
        assert g.inputs == {"audience": "https://a/", "clientId": "abc", "scopes": ["x"]}

    return grant.id.apply(check)


@pulumi.runtime.test
def test_provider_sends_non_string_config_as_json(mocks):
    provider = auth0.Provider(
        "p", domain=DOMAIN, debug=True, rate_limit_wait_seconds=30, client_secret="shh"
    )

    def check(_):
        (p,) = mocks.of_type("pulumi:providers:auth0")
        assert p.inputs["domain"] == DOMAIN
        assert p.inputs["debug"] == "true"
        assert p.inputs["rateLimitWaitSeconds"] == "30"
        # Secret inputs travel wrapped in the secret signature.
        assert p.inputs["clientSecret"] == {SECRET_SIG_KEY: SECRET_SIG, "value": "shh"}

    return provider.id.apply(check)


def test_config_falls_back_to_environment_variables(monkeypatch):
    monkeypatch.setenv("AUTH0_DOMAIN", "from-env.example.com")
    monkeypatch.setenv("AUTH0_DEBUG", "true")
    monkeypatch.delenv("AUTH0_RATE_LIMIT_WAIT_SECONDS", raising=False)
    assert auth0.config.domain == "from-env.example.com"
    assert auth0.config.debug is True
    assert auth0.config.rate_limit_wait_seconds == 300


def test_reading_a_deprecated_property_warns_once_and_still_returns_it():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        args = auth0.ClientGrantArgs(audience="https://a/", scope=["read:data"])
        assert args.scope == ["read:data"]
    messages = [str(w.message) for w in caught if issubclass(w.category, DeprecationWarning)]
    assert len(messages) == 1 and "Use `scopes` instead" in messages[0], messages


def test_the_package_registers_its_resource_module_and_provider_package():
    from pulumi.runtime import rpc

    version = auth0._utilities.get_version()
    module = rpc.get_resource_module("auth0", "index", version)
    package = rpc.get_resource_package("auth0", version)
    assert module is not None and package is not None
    assert str(module.version()) == version == str(package.version())
    # The class table the runtime uses to rebuild resources from URNs (stack references, imports).
    assert module._classes == {
        "auth0:index/client:Client": "Client",
        "auth0:index/clientCredentials:ClientCredentials": "ClientCredentials",
        "auth0:index/clientGrant:ClientGrant": "ClientGrant",
        "auth0:index/resourceServer:ResourceServer": "ResourceServer",
        "auth0:index/resourceServerScope:ResourceServerScope": "ResourceServerScope",
        "auth0:index/resourceServerScopes:ResourceServerScopes": "ResourceServerScopes",
    }
    with pytest.raises(Exception, match="unknown resource type"):
        module.construct("x", "auth0:index/nope:Nope", "urn:pulumi:test::p::auth0:index/nope:Nope::x")
    with pytest.raises(Exception, match="unknown provider type"):
        package.construct_provider("x", "pulumi:providers:other", "urn:pulumi:test::p::pulumi:providers:other::x")


# --- The machine-to-machine toolkit in the official v3 style: the scopes in ResourceServerScopes or
# ResourceServerScope, the authentication method in ClientCredentials, lookups with get_*.


def m2m_program():
    """Written as for the official pulumi-auth0 v3 SDK; runs unchanged against ours."""
    client = auth0.Client("service", name="Service Client", app_type="non_interactive",
                          grant_types=["client_credentials"])
    api = auth0.ResourceServer("api", name="API", identifier="https://api.example.com/",
                               skip_consent_for_verifiable_first_party_clients=True)
    scopes = auth0.ResourceServerScopes(
        "api-scopes",
        resource_server_identifier=api.identifier,
        scopes=[
            auth0.ResourceServerScopesScopeArgs(name="read:data", description="Read data"),
            {"name": "write:data", "description": "Write data"},
        ],
    )
    admin = auth0.ResourceServerScope("api-admin", resource_server_identifier=api.identifier,
                                      scope="admin:data", description="Administer data")
    grant = auth0.ClientGrant("grant", client_id=client.id, audience=api.identifier,
                              scopes=["read:data", "write:data"],
                              opts=pulumi.ResourceOptions(depends_on=[scopes]))
    credentials = auth0.ClientCredentials("credentials", client_id=client.id,
                                          authentication_method="client_secret_post")
    return {
        "client": client, "api": api, "scopes": scopes, "admin": admin, "grant": grant,
        "credentials": credentials,
        "by_id": auth0.get_client_output(client_id=client.id),
        "by_name": auth0.get_client(name="Service Client"),
        "clients": auth0.get_clients(name_filter="Service", app_types=["non_interactive"]),
        "clients_output": auth0.get_clients_output(name_filter=client.name),
        "api_read": auth0.get_resource_server(identifier="https://api.example.com/"),
        "api_read_output": auth0.get_resource_server_output(identifier=api.identifier),
        "grants": auth0.get_client_grants(client_id="cid-1"),
        "grants_output": auth0.get_client_grants_output(client_id=client.id, audience=api.identifier),
    }


@pulumi.runtime.test
def test_the_m2m_toolkit_registers_the_new_resources_with_wire_names(mocks):
    g = m2m_program()

    def check(_):
        (s,) = mocks.of_type("auth0:index/resourceServerScopes:ResourceServerScopes")
        assert s.inputs == {
            "resourceServerIdentifier": "https://api.example.com/",
            "scopes": [{"name": "read:data", "description": "Read data"},
                       {"name": "write:data", "description": "Write data"}],
        }
        (one,) = mocks.of_type("auth0:index/resourceServerScope:ResourceServerScope")
        assert one.inputs == {"resourceServerIdentifier": "https://api.example.com/",
                              "scope": "admin:data", "description": "Administer data"}
        (c,) = mocks.of_type("auth0:index/clientCredentials:ClientCredentials")
        assert c.inputs == {"clientId": "service-id", "authenticationMethod": "client_secret_post"}
        (api,) = mocks.of_type("auth0:index/resourceServer:ResourceServer")
        # No inline scopes: ResourceServerScopes owns them.
        assert "scopes" not in api.inputs
        # ClientCredentials.clientSecret is secret whether or not it is set.
        assert "clientSecret" in mocks.monitor.requests["credentials"].additionalSecretOutputs

    return all_ids(g["scopes"], g["admin"], g["credentials"], g["grant"]).apply(check)


def test_a_missing_required_input_of_the_new_resources_raises_type_error_naming_it(mocks):
    with pytest.raises(TypeError, match="scopes"):
        auth0.ResourceServerScopes("s", resource_server_identifier="https://a/")
    with pytest.raises(TypeError, match="scope"):
        auth0.ResourceServerScope("s", resource_server_identifier="https://a/")
    with pytest.raises(TypeError, match="client_id"):
        auth0.ClientCredentials("c", authentication_method="none")


@pulumi.runtime.test
def test_plain_lookups_send_the_official_tokens_and_wire_names_and_return_typed_results(mocks):
    g = m2m_program()

    by_name = g["by_name"]
    assert isinstance(by_name, auth0.AwaitableGetClientResult)
    assert isinstance(by_name, auth0.GetClientResult)
    assert by_name.client_id == "cid-by-name" and by_name.app_type == "non_interactive"
    assert by_name.client_secret == "not-a-real-secret"
    (mobile,) = by_name.mobiles
    assert isinstance(mobile, outputs.GetClientMobileResult)
    assert isinstance(mobile.androids[0], outputs.GetClientMobileAndroidResult)
    assert mobile.androids[0].app_package_name == "com.example"
    assert mobile.androids[0].sha256_cert_fingerprints == ["AB:CD"]
    assert by_name.signing_keys == [{"cert": "-----BEGIN CERTIFICATE-----"}]

    clients = g["clients"]
    assert isinstance(clients, auth0.GetClientsResult) and clients.id == "clients-lookup"
    assert isinstance(clients.clients[0], outputs.GetClientsClientResult)
    assert clients.clients[0].client_id == "cid-1" and clients.clients[0].client_secret == "s1"
    assert clients.name_filter == "Service" and clients.app_types == ["non_interactive"]

    api = g["api_read"]
    assert isinstance(api, auth0.GetResourceServerResult)
    assert api.token_lifetime == 86400 and api.resource_server_id == "rs-1"
    assert isinstance(api.scopes[0], outputs.GetResourceServerScopeResult)
    assert api.scopes[0].name == "read:data"

    grants = g["grants"]
    assert isinstance(grants, auth0.GetClientGrantsResult)
    assert isinstance(grants.client_grants[0], outputs.GetClientGrantsClientGrantResult)
    assert grants.client_grants[0].scopes == ["read:data"] and grants.client_grants[0].id == "cgr-1"

    # Every argument travels under its wire name; unset ones are left out.
    assert mocks.invokes_of("auth0:index/getClient:getClient")[0] == {"name": "Service Client"}
    assert mocks.invokes_of("auth0:index/getClients:getClients")[0] == {
        "nameFilter": "Service", "appTypes": ["non_interactive"]}
    assert mocks.invokes_of("auth0:index/getResourceServer:getResourceServer")[0] == {
        "identifier": "https://api.example.com/"}
    assert mocks.invokes_of("auth0:index/getClientGrants:getClientGrants")[0] == {"clientId": "cid-1"}
    return pulumi.Output.from_input(None)


@pulumi.runtime.test
def test_output_lookups_take_other_resources_outputs_and_return_outputs_of_typed_results(mocks):
    g = m2m_program()

    def check(values):
        by_id, clients, api, grants = values
        assert isinstance(by_id, auth0.GetClientResult)
        assert by_id.client_id == "service-id" and by_id.client_secret == "not-a-real-secret"
        assert isinstance(by_id.mobiles[0], outputs.GetClientMobileResult)
        assert isinstance(clients.clients[0], outputs.GetClientsClientResult)
        assert isinstance(api, auth0.GetResourceServerResult) and api.identifier == "https://api.example.com/"
        assert isinstance(grants.client_grants[0], outputs.GetClientGrantsClientGrantResult)
        # The plain lookups of the same program were sent first, at the call.
        assert {"clientId": "service-id"} in mocks.invokes_of("auth0:index/getClient:getClient")
        assert {"nameFilter": "Service Client"} in mocks.invokes_of("auth0:index/getClients:getClients")
        assert {"clientId": "service-id", "audience": "https://api.example.com/"} in mocks.invokes_of(
            "auth0:index/getClientGrants:getClientGrants")

    return pulumi.Output.all(
        g["by_id"], g["clients_output"], g["api_read_output"], g["grants_output"]
    ).apply(check)


def test_the_lookups_have_the_official_signatures():
    import inspect

    assert list(inspect.signature(auth0.get_client).parameters) == ["client_id", "name", "opts"]
    assert list(inspect.signature(auth0.get_client_output).parameters) == ["client_id", "name", "opts"]
    assert list(inspect.signature(auth0.get_clients).parameters) == [
        "app_types", "external_client_id", "is_first_party", "name_filter", "opts"]
    assert list(inspect.signature(auth0.get_resource_server).parameters) == [
        "identifier", "resource_server_id", "opts"]
    assert list(inspect.signature(auth0.get_client_grants).parameters) == [
        "audience", "client_id", "default_for", "opts"]
