"""The provider protocol as the engine speaks it, through Pulumi's generated Python client,
against the built plugin binary and the auth0 emulator."""

import contextlib
import json
import re
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import grpc
import pytest
from google.protobuf import empty_pb2
from pulumi.runtime.proto import engine_pb2, plugin_pb2, provider_pb2, status_pb2

import harness
from harness import API, CLIENT, GRANT, UNKNOWN, Driver, Plugin, reveal, secret

APP = {"appType": "non_interactive", "grantTypes": ["client_credentials"]}


def unique(prefix: str) -> str:
    return f"{prefix}-{time.monotonic_ns()}"


# ---------------------------------------------------------------- handshake, info, schema


def test_handshake_answers_that_secrets_resources_outputs_and_autonaming_are_accepted(plugin, engine):
    resp = Driver(plugin.stub).handshake(engine.address)
    assert resp.accept_secrets and resp.accept_resources and resp.accept_outputs, resp
    assert resp.supports_autonaming_configuration, resp


def test_get_plugin_info_reports_a_semantic_version(plugin):
    info = plugin.stub.GetPluginInfo(empty_pb2.Empty(), timeout=harness.RPC_TIMEOUT)
    assert re.fullmatch(r"\d+\.\d+\.\d+([-+].*)?", info.version), info.version


def test_get_schema_returns_valid_json_equal_to_schema_json(plugin):
    resp = plugin.stub.GetSchema(provider_pb2.GetSchemaRequest(version=0), timeout=harness.RPC_TIMEOUT)
    served = json.loads(resp.schema)
    with open(harness.SCHEMA_PATH) as f:
        committed = json.load(f)
    # The binary stamps its own version into the served schema; everything else is schema.json.
    version = plugin.stub.GetPluginInfo(empty_pb2.Empty(), timeout=harness.RPC_TIMEOUT).version
    assert served.pop("version", version) == version
    committed.pop("version", None)
    assert served == committed, "GetSchema differs from schema.json"
    assert {CLIENT, API, GRANT} <= set(served["resources"])


def test_get_schema_for_an_unknown_subpackage_is_an_invalid_argument_naming_it(plugin):
    with pytest.raises(grpc.RpcError) as err:
        plugin.stub.GetSchema(provider_pb2.GetSchemaRequest(subpackage_name="nope"), timeout=harness.RPC_TIMEOUT)
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "nope" in err.value.details()


# ---------------------------------------------------------------- configure


def test_configure_unwraps_a_client_secret_sent_as_a_secret_inside_args(workdir, engine, emulator):
    fresh = Plugin(workdir, ["--logtostderr", "-v=9", engine.address])
    try:
        d = Driver(fresh.stub)
        d.handshake(engine.address)
        resp = d.configure(emulator.config())
        assert resp.acceptSecrets and resp.supportsPreview and resp.acceptResources
        emulator.reset_stats()
        name = unique("configured")
        inputs = d.checked(CLIENT, name, {"name": name, **APP})
        client_id, _ = d.create(CLIENT, name, inputs)
        assert client_id, "a create with the unwrapped secret reaches Auth0"
        assert emulator.stats()["token"] == 1, "one token request with the configured credentials"
        d.delete(CLIENT, name, client_id, {}, inputs)
        assert emulator.client_secret not in fresh.stderr(), "the client secret appeared in the plugin log at -v=9"
    finally:
        fresh.close()


def test_configure_without_a_domain_fails_with_a_message_naming_auth0_domain(workdir, engine):
    fresh = Plugin(workdir, [engine.address])
    try:
        with pytest.raises(grpc.RpcError) as err:
            Driver(fresh.stub).configure({"clientId": "abc", "clientSecret": secret("do-not-print-me")})
        assert err.value.code() == grpc.StatusCode.FAILED_PRECONDITION
        assert "auth0:domain" in err.value.details()
        assert "do-not-print-me" not in err.value.details()
    finally:
        fresh.close()


def test_check_config_reports_a_missing_domain_as_a_failure_on_domain(plugin):
    resp = plugin.stub.CheckConfig(
        provider_pb2.CheckRequest(
            urn=harness.urn("pulumi:providers:auth0", "default"),
            news=harness.to_struct({"domain": "", "clientId": "a", "clientSecret": secret("s")}),
            name="default",
            type="pulumi:providers:auth0",
        ),
        timeout=harness.RPC_TIMEOUT,
    )
    assert [f.property for f in resp.failures] == ["domain"], resp.failures
    assert harness.is_secret(harness.from_struct(resp.inputs)["clientSecret"]), "the secret stays a secret"


# ---------------------------------------------------------------- check


def test_check_returns_one_failure_per_bad_property_naming_the_property(driver):
    _, failures = driver.check(CLIENT, "bad", {"name": "x", "appType": "bogus", "grantTypes": "nope"})
    by_property = {f.property: f.reason for f in failures}
    assert set(by_property) == {"appType", "grantTypes"}, by_property
    assert '"bogus"' in by_property["appType"]


def test_check_keeps_unknown_inputs_unknown_without_failures(driver):
    inputs, failures = driver.check(CLIENT, "unknown-name", {"name": UNKNOWN, **APP})
    assert not failures, failures
    assert inputs["name"] == UNKNOWN
    inputs, failures = driver.check(GRANT, "unknown-client", {"clientId": UNKNOWN, "audience": "https://x.example/", "scopes": []})
    assert not failures, failures
    assert inputs["clientId"] == UNKNOWN


def test_check_autonames_deterministically_from_the_random_seed(driver):
    first = driver.checked(API, "named-api", {"identifier": "https://autoname.example/"})
    again = driver.checked(API, "named-api", {"identifier": "https://autoname.example/"})
    assert first["name"].startswith("named-api-") and first["name"] == again["name"], (first, again)


def test_check_warnings_reach_the_engine_log_service_with_the_resource_urn(driver, engine):
    name = unique("deprecated-scope")
    driver.checked(GRANT, name, {"clientId": "abc", "audience": "https://x.example/", "scope": ["read:x"]})
    log = engine.wait_for_log(lambda log: "deprecated" in log.message and name in log.urn, timeout=5)
    assert log is not None, f"no deprecation warning for {name} among {engine.messages()}"
    assert log.severity == engine_pb2.WARNING


def test_a_check_warning_is_given_once_per_resource_however_often_it_is_checked(driver, engine):
    name = unique("deprecated-scope-twice")
    for _ in range(3):
        driver.checked(GRANT, name, {"clientId": "abc", "audience": "https://x.example/", "scope": ["read:x"]})
    assert engine.wait_for_log(lambda log: "deprecated" in log.message and name in log.urn, timeout=5)
    time.sleep(0.5)  # give a second warning, if any, time to arrive
    with engine._lock:
        about = [log for log in engine.logs if name in log.urn and "ClientGrant.scope is deprecated" in log.message]
    assert len(about) == 1, [log.message for log in about]
    assert "Use `scopes` instead" in about[0].message


def management_api(emulator) -> str:
    return f"https://{emulator.base_url.split('://', 1)[1]}/api/v2/"


def test_a_new_api_with_the_tenants_management_api_identifier_fails_check_and_asks_auth0_nothing(driver, emulator):
    identifier = management_api(emulator)
    emulator.reset_stats()
    _, failures = driver.check(API, unique("management-api"), {"identifier": identifier})
    assert [f.property for f in failures] == ["identifier"], failures
    reason = failures[0].reason
    assert "is the tenant's Auth0 Management API, which Auth0 manages" in reason, reason
    assert "a ClientGrant whose audience is this identifier" in reason, reason
    assert "an identifier of its own" in reason, reason
    assert emulator.management_calls() == 0


def test_the_management_api_already_in_state_passes_check(driver, emulator):
    identifier = management_api(emulator)
    olds = {"identifier": identifier, "name": "Auth0 Management API"}
    inputs, failures = driver.check(API, unique("system-api"), dict(olds), olds=olds)
    assert not failures, [(f.property, f.reason) for f in failures]
    assert inputs["identifier"] == identifier


# ---------------------------------------------------------------- create, read, update, delete


@pytest.fixture
def client(driver):
    """A fresh client, deleted afterwards (already-gone is fine)."""
    name = unique("conformance-client")
    inputs = driver.checked(CLIENT, name, {"name": name, **APP})
    client_id, state = driver.create(CLIENT, name, inputs)
    yield name, client_id, state, inputs
    driver.delete(CLIENT, name, client_id, state, inputs)


def test_create_in_preview_returns_unknown_outputs_and_makes_no_http_request(driver, emulator):
    inputs = driver.checked(CLIENT, "preview", {"name": "preview", **APP})
    before = emulator.stats()
    client_id, props = driver.create(CLIENT, "preview", inputs, preview=True)
    after = emulator.stats()
    assert client_id == ""
    assert props["clientId"] == UNKNOWN and props["name"] == "preview", props
    assert (after["managementTotal"], after["token"]) == (before["managementTotal"], before["token"]), (before, after)


def test_create_outside_preview_never_returns_unknowns_and_marks_the_client_secret_secret(client):
    _, client_id, state, _ = client
    assert not harness.contains_unknown(state), [k for k, v in state.items() if harness.contains_unknown(v)]
    assert state["clientId"] == client_id
    assert harness.is_secret(state["clientSecret"])


def test_read_of_a_live_resource_returns_its_id_and_inputs(driver, client):
    name, client_id, state, inputs = client
    read_id, props, read_inputs = driver.read(CLIENT, name, client_id, state, inputs)
    assert read_id == client_id
    assert props["name"] == name and read_inputs["name"] == name
    assert not harness.contains_unknown(props)


def test_read_of_a_deleted_resource_returns_an_empty_id(driver, client):
    name, client_id, state, inputs = client
    driver.delete(CLIENT, name, client_id, state, inputs)
    read_id, _, _ = driver.read(CLIENT, name, client_id, state, inputs)
    assert read_id == ""


def test_deleting_a_client_that_is_already_gone_succeeds(driver, client):
    name, client_id, state, inputs = client
    driver.delete(CLIENT, name, client_id, state, inputs)
    driver.delete(CLIENT, name, client_id, state, inputs)


def test_update_changes_the_resource_in_place_and_its_preview_makes_no_http_request(driver, emulator, client):
    name, client_id, state, inputs = client
    news = driver.checked(CLIENT, name, {"name": name + "-renamed", **APP})
    before = emulator.management_calls()
    preview = driver.update(CLIENT, name, client_id, state, news, inputs, preview=True)
    assert emulator.management_calls() == before, "an update preview calls Auth0"
    assert preview["clientId"] == client_id
    updated = driver.update(CLIENT, name, client_id, state, news, inputs)
    assert updated["name"] == name + "-renamed" and updated["clientId"] == client_id
    assert not harness.contains_unknown(updated)
    assert reveal(updated["clientSecret"]) == reveal(state["clientSecret"])


def test_import_by_read_with_only_an_id_returns_state_and_inputs(driver, client):
    name, client_id, _, _ = client
    read_id, props, inputs = driver.read(CLIENT, name, client_id, {}, {})
    assert read_id == client_id and props["name"] == name and inputs.get("name") == name, inputs


# ---------------------------------------------------------------- diff


def top_level(path: str) -> str:
    """The property a detailedDiff path starts with: `a.b[0]` -> `a`, `["x.y"].z` -> `x.y`."""
    if path.startswith('["'):
        return path[2 : path.index('"]')]
    return re.split(r"[.\[]", path, maxsplit=1)[0]


def assert_diff_invariants(resp):
    diffs = set(resp.diffs)
    tops = {top_level(path) for path in resp.detailedDiff}
    assert resp.hasDetailedDiff, resp
    assert diffs == tops, f"diffs {sorted(diffs)} and detailedDiff paths {sorted(resp.detailedDiff)} disagree"
    assert set(resp.replaces) <= diffs, f"replaces {list(resp.replaces)} not all in diffs {sorted(diffs)}"
    replacing = {
        top_level(p)
        for p, d in resp.detailedDiff.items()
        if d.kind in (provider_pb2.PropertyDiff.ADD_REPLACE, provider_pb2.PropertyDiff.DELETE_REPLACE, provider_pb2.PropertyDiff.UPDATE_REPLACE)
    }
    assert replacing == set(resp.replaces), f"replace kinds on {sorted(replacing)} but replaces {list(resp.replaces)}"
    expected = provider_pb2.DiffResponse.DIFF_SOME if diffs else provider_pb2.DiffResponse.DIFF_NONE
    assert resp.changes == expected, resp
    assert not set(resp.stables) & set(resp.replaces)


def test_diff_with_no_change_reports_none_and_an_empty_detailed_diff(driver, client):
    name, client_id, state, inputs = client
    resp = driver.diff(CLIENT, name, client_id, state, inputs, inputs)
    assert_diff_invariants(resp)
    assert resp.changes == provider_pb2.DiffResponse.DIFF_NONE and not resp.detailedDiff


def test_diff_keys_and_detailed_diff_paths_agree_for_nested_and_list_changes(driver, client):
    name, client_id, state, inputs = client
    news = driver.checked(
        CLIENT,
        name,
        {
            "name": name + "-x",
            "appType": "non_interactive",
            "grantTypes": ["client_credentials", "refresh_token"],
            "callbacks": ["https://a.example/cb"],
            "jwtConfiguration": {"lifetimeInSeconds": 120},
            "clientMetadata": {"team.name": "x"},
        },
    )
    resp = driver.diff(CLIENT, name, client_id, state, news, inputs)
    assert_diff_invariants(resp)
    assert {"name", "grantTypes", "callbacks", "jwtConfiguration", "clientMetadata"} <= set(resp.diffs), resp.diffs
    assert not resp.replaces


def test_diff_of_an_api_identifier_is_a_replace_whose_path_has_a_replace_kind(driver):
    name = unique("replace-api")
    olds = driver.checked(API, name, {"name": name, "identifier": f"https://{name}.example/"})
    news = driver.checked(API, name, {"name": name, "identifier": f"https://{name}-2.example/"})
    resp = driver.diff(API, name, "rs-id", {**olds, "id": "rs-id"}, news, olds)
    assert_diff_invariants(resp)
    assert list(resp.replaces) == ["identifier"], resp
    assert resp.detailedDiff["identifier"].kind == provider_pb2.PropertyDiff.UPDATE_REPLACE


def test_diff_against_unknown_news_is_a_change_not_an_error(driver, client):
    name, client_id, state, inputs = client
    resp = driver.diff(CLIENT, name, client_id, state, {**inputs, "name": UNKNOWN}, inputs)
    assert_diff_invariants(resp)
    assert "name" in resp.diffs


# ---------------------------------------------------------------- replace


def test_replacing_an_api_creates_the_new_one_before_deleting_the_old(driver, emulator):
    name = unique("replaced-api")
    old_inputs = driver.checked(API, name, {"name": name, "identifier": f"https://{name}.example/"})
    old_id, old_state = driver.create(API, name, old_inputs)
    new_inputs = driver.checked(API, name, {"name": name + "-v2", "identifier": f"https://{name}-v2.example/"}, )
    resp = driver.diff(API, name, old_id, old_state, new_inputs, old_inputs)
    assert_diff_invariants(resp)
    assert "identifier" in resp.replaces
    if resp.deleteBeforeReplace:
        driver.delete(API, name, old_id, old_state, old_inputs)
        new_id, new_state = driver.create(API, name, new_inputs)
    else:
        # The engine's default order: create the replacement, then delete the old resource.
        new_id, new_state = driver.create(API, name, new_inputs)
        assert driver.read(API, name, old_id, old_state, old_inputs)[0] == old_id, "both exist mid-replace"
        driver.delete(API, name, old_id, old_state, old_inputs)
    assert new_id != old_id
    assert driver.read(API, name, old_id, old_state, old_inputs)[0] == ""
    assert driver.read(API, name, new_id, new_state, new_inputs)[0] == new_id
    driver.delete(API, name, new_id, new_state, new_inputs)


# ---------------------------------------------------------------- errors


def test_a_partial_update_failure_carries_error_resource_init_failed_the_stub_can_decode(workdir, engine, emulator, driver):
    # A client whose Management API grant lacks update:client_keys: the PATCH succeeds, the
    # secret rotation after it is refused, so the provider must report the applied state.
    name = unique("limited")
    inputs = driver.checked(CLIENT, name, {"name": name, **APP})
    limited_id, limited_state = driver.create(CLIENT, name, inputs)
    grant_inputs = driver.checked(
        GRANT, name, {"clientId": limited_id, "audience": emulator.audience, "scopes": ["read:clients", "create:clients", "update:clients", "delete:clients"]}
    )
    grant_id, grant_state = driver.create(GRANT, name, grant_inputs)
    limited = Plugin(workdir, [engine.address])
    try:
        d = Driver(limited.stub)
        d.handshake(engine.address)
        d.configure({"domain": emulator.base_url, "clientId": limited_id, "clientSecret": secret(reveal(limited_state["clientSecret"]))})
        target = unique("rotated")
        olds = d.checked(CLIENT, target, {"name": target, **APP})
        target_id, state = d.create(CLIENT, target, olds)
        news = d.checked(CLIENT, target, {"name": target + "-2", **APP, "clientSecretRotationTrigger": {"at": "now"}})
        with pytest.raises(grpc.RpcError) as err:
            d.update(CLIENT, target, target_id, state, news, olds)
        trailers = dict(err.value.trailing_metadata() or ())
        assert "grpc-status-details-bin" in trailers, f"no status details in {err.value.code()}: {err.value.details()}"
        status = status_pb2.Status.FromString(trailers["grpc-status-details-bin"])
        assert status.code == err.value.code().value[0]
        failed = provider_pb2.ErrorResourceInitFailed()
        assert status.details and status.details[0].Unpack(failed), [d.type_url for d in status.details]
        assert failed.id == target_id
        assert harness.from_struct(failed.properties)["name"] == target + "-2", "the applied PATCH is in the state"
        assert failed.reasons and "update:client_keys" in failed.reasons[0], failed.reasons
        assert reveal(limited_state["clientSecret"]) not in err.value.details()
        d.delete(CLIENT, target, target_id, state, news)
    finally:
        limited.close()
        driver.delete(GRANT, name, grant_id, grant_state, grant_inputs)
        driver.delete(CLIENT, name, limited_id, limited_state, inputs)


def test_an_auth0_error_is_one_readable_sentence_without_secrets(driver, emulator):
    name = unique("bad-grant")
    inputs = driver.checked(GRANT, name, {"clientId": "no-such-client", "audience": "https://no-such-api.example/", "scopes": ["read:x"]})
    with pytest.raises(grpc.RpcError) as err:
        driver.create(GRANT, name, inputs)
    assert err.value.code() != grpc.StatusCode.INTERNAL, err.value.details()
    assert err.value.details() and emulator.client_secret not in err.value.details()


def test_a_malformed_urn_without_name_and_type_is_an_invalid_argument(plugin):
    with pytest.raises(grpc.RpcError) as err:
        plugin.stub.Check(provider_pb2.CheckRequest(urn="not-a-urn", news=harness.to_struct({})), timeout=harness.RPC_TIMEOUT)
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "not-a-urn" in err.value.details()


# ---------------------------------------------------------------- unimplemented


UNIMPLEMENTED = {
    "Parameterize": provider_pb2.ParameterizeRequest(),
    "Call": provider_pb2.CallRequest(tok="auth0:index:someMethod"),
    "Construct": provider_pb2.ConstructRequest(type="auth0:index:Component", name="c"),
    "GetMapping": provider_pb2.GetMappingRequest(key="terraform"),
    "GetMappings": provider_pb2.GetMappingsRequest(key="terraform"),
}


@pytest.mark.parametrize("rpc", sorted(UNIMPLEMENTED))
def test_an_rpc_the_provider_does_not_implement_answers_unimplemented(plugin, rpc):
    with pytest.raises(grpc.RpcError) as err:
        getattr(plugin.stub, rpc)(UNIMPLEMENTED[rpc], timeout=harness.RPC_TIMEOUT)
    assert err.value.code() == grpc.StatusCode.UNIMPLEMENTED, err.value.details()


def test_the_streaming_list_rpc_answers_unimplemented(plugin):
    with pytest.raises(grpc.RpcError) as err:
        list(plugin.stub.List(provider_pb2.ListRequest(token=CLIENT), timeout=harness.RPC_TIMEOUT))
    assert err.value.code() == grpc.StatusCode.UNIMPLEMENTED


# ---------------------------------------------------------------- cancel, signals, launch modes


@contextlib.contextmanager
def plugin_on_slow_emulator(workdir, engine, emulator_args: list):
    """A fresh plugin (Cancel ends it for good), configured against its own slowed emulator:
    (emulator, plugin, driver)."""
    slow = harness.Emulator(workdir, emulator_args)
    try:
        fresh = Plugin(workdir, [engine.address])
    except BaseException:
        slow.close()
        raise
    try:
        d = Driver(fresh.stub, timeout=20)
        d.handshake(engine.address)
        d.configure(slow.config())
        yield slow, fresh, d
    finally:
        fresh.close()
        slow.close()


def test_cancel_returns_promptly_and_ends_an_operation_in_flight(workdir, engine):
    with plugin_on_slow_emulator(workdir, engine, ["--latency-ms", "4000"]) as (slow, fresh, d):
        inputs = d.checked(CLIENT, "slow", {"name": "slow", **APP})
        outcome = {}

        def create():
            try:
                outcome["id"] = d.create(CLIENT, "slow", inputs)[0]
            except grpc.RpcError as e:
                outcome["error"] = e.code()
            outcome["at"] = time.monotonic()

        worker = threading.Thread(target=create, daemon=True)
        worker.start()
        time.sleep(0.5)
        started = time.monotonic()
        fresh.stub.Cancel(empty_pb2.Empty(), timeout=5)
        assert time.monotonic() - started < 2, "Cancel took longer than 2s"
        worker.join(timeout=10)
        assert not worker.is_alive(), "the in-flight Create never finished after Cancel"
        assert "error" in outcome, f"the Create finished normally despite Cancel: {outcome}"
        assert outcome["at"] - started < 3.5, "the Create waited for Auth0 instead of stopping at Cancel"
        # The Cancel came while the token was awaited: the create was never sent.
        assert outcome["error"] == grpc.StatusCode.CANCELLED, outcome


def create_and_cancel_once_sent(workdir, engine, answer_latency_ms: int, name: str):
    """Creates a client against an emulator that commits at once and answers `answer_latency_ms`
    later, and calls Cancel as soon as the POST reached it: (id, state) or the gRPC error."""
    with plugin_on_slow_emulator(workdir, engine, ["--answer-latency-ms", str(answer_latency_ms)]) as (slow, fresh, d):
        inputs = d.checked(CLIENT, name, {"name": name, **APP})
        with ThreadPoolExecutor(max_workers=1) as pool:
            creating = pool.submit(d.create, CLIENT, name, inputs)
            deadline = time.monotonic() + 10
            while slow.stats()["routes"].get("POST /api/v2/clients", 0) == 0:
                assert time.monotonic() < deadline, "the create never reached the emulator"
                time.sleep(0.01)
            fresh.stub.Cancel(empty_pb2.Empty(), timeout=5)
            try:
                return creating.result(timeout=10)
            except grpc.RpcError as e:
                return e


def test_cancel_lets_a_create_auth0_already_made_report_its_id(workdir, engine):
    name = unique("answered-late")
    outcome = create_and_cancel_once_sent(workdir, engine, 400, name)
    assert not isinstance(outcome, grpc.RpcError), f"the create answered 0.4 s after its commit failed: {outcome}"
    client_id, state = outcome
    assert client_id and state["clientId"] == client_id and state["name"] == name


def test_cancel_with_a_create_left_unanswered_names_the_possible_orphan_and_how_to_adopt_it(workdir, engine):
    name = unique("unanswered")
    outcome = create_and_cancel_once_sent(workdir, engine, 8000, name)
    assert isinstance(outcome, grpc.RpcError), f"the create finished although Auth0 never answered: {outcome}"
    assert outcome.code() == grpc.StatusCode.UNKNOWN, outcome
    details = outcome.details()
    assert "Auth0 may or may not have applied it" in details, details
    assert f'If Auth0 now holds an application named "{name}", adopt it with `pulumi import {CLIENT} {name} <client_id>`' in details, details


def test_sigint_makes_the_plugin_exit_with_code_zero_within_five_seconds(workdir, engine):
    fresh = Plugin(workdir, [engine.address])
    try:
        Driver(fresh.stub).handshake(engine.address)
    except BaseException:
        fresh.close()  # in its own session: it would outlive the suite
        raise
    started = time.monotonic()
    code = fresh.close(signal.SIGINT)
    assert code == 0, f"exit code {code} after SIGINT; stderr: {fresh.stderr()[-500:]}"
    assert time.monotonic() - started < 5


def test_the_full_engine_launch_line_with_tracing_is_accepted_and_stdout_holds_only_the_port(workdir, engine, emulator):
    fresh = Plugin(workdir, ["--logtostderr", "-v=3", "--tracing", "127.0.0.1:1", engine.address])
    try:
        d = Driver(fresh.stub)
        d.handshake(engine.address)
        d.configure(emulator.config())
        d.checked(CLIENT, "traced", {"name": "traced", **APP})
    finally:
        fresh.close(signal.SIGINT)
    assert fresh.stdout_rest == "", f"stdout after the port line: {fresh.stdout_rest[:200]!r}"


def test_attach_mode_serves_without_arguments_and_takes_the_engine_address_from_attach(workdir, engine, emulator):
    # What `PULUMI_DEBUG_PROVIDERS=auth0:<port>` relies on: the plugin is started by hand, the
    # engine dials the port and calls Attach with its own address.
    attached = Plugin(workdir, [])
    try:
        attached.stub.Attach(plugin_pb2.PluginAttach(address=engine.address), timeout=harness.RPC_TIMEOUT)
        d = Driver(attached.stub)
        d.configure(emulator.config())
        name = unique("attached")
        d.checked(GRANT, name, {"clientId": "abc", "audience": "https://x.example/", "scope": ["read:x"]})
        assert engine.wait_for_log(lambda log: name in log.urn, timeout=5) is not None, "warnings did not reach the attached engine"
    finally:
        assert attached.close(signal.SIGINT) == 0


def test_diff_config_of_a_changed_domain_keeps_the_detailed_diff_invariants(plugin):
    olds = {"domain": "https://a.example", "clientId": "abc", "clientSecret": secret("s")}
    news = {**olds, "domain": "https://b.example"}
    resp = plugin.stub.DiffConfig(
        provider_pb2.DiffRequest(
            urn=harness.urn("pulumi:providers:auth0", "default"),
            olds=harness.to_struct(olds),
            news=harness.to_struct(news),
            old_inputs=harness.to_struct(olds),
            name="default",
            type="pulumi:providers:auth0",
        ),
        timeout=harness.RPC_TIMEOUT,
    )
    assert_diff_invariants(resp)
    assert list(resp.diffs) == ["domain"], resp


def test_changing_a_grants_scopes_is_an_in_place_update_with_consistent_diffs(driver, emulator, client):
    _, client_id, _, _ = client
    api_name = unique("scoped-api")
    identifier = f"https://{api_name}.example/"
    api_inputs = driver.checked(API, api_name, {"name": api_name, "identifier": identifier, "scopes": [{"value": "read:a"}, {"value": "write:a"}]})
    api_id, api_state = driver.create(API, api_name, api_inputs)
    name = unique("scoped-grant")
    olds = driver.checked(GRANT, name, {"clientId": client_id, "audience": identifier, "scopes": ["read:a"]})
    grant_id, state = driver.create(GRANT, name, olds)
    try:
        news = driver.checked(GRANT, name, {"clientId": client_id, "audience": identifier, "scopes": ["read:a", "write:a"]})
        resp = driver.diff(GRANT, name, grant_id, state, news, olds)
        assert_diff_invariants(resp)
        assert list(resp.diffs) == ["scopes"] and not resp.replaces, resp
        updated = driver.update(GRANT, name, grant_id, state, news, olds)
        assert sorted(updated["scopes"]) == ["read:a", "write:a"]
        state = updated
    finally:
        driver.delete(GRANT, name, grant_id, state, olds)
        driver.delete(API, api_name, api_id, api_state, api_inputs)
