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
        return {}

    def of_type(self, token):
        return [r for r in self.registered if r.typ == token]


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
        "auth0:index/clientGrant:ClientGrant": "ClientGrant",
        "auth0:index/resourceServer:ResourceServer": "ResourceServer",
    }
    with pytest.raises(Exception, match="unknown resource type"):
        module.construct("x", "auth0:index/nope:Nope", "urn:pulumi:test::p::auth0:index/nope:Nope::x")
    with pytest.raises(Exception, match="unknown provider type"):
        package.construct_provider("x", "pulumi:providers:other", "urn:pulumi:test::p::pulumi:providers:other::x")
