"""The gRPC log replay: recorded real-CLI logs replay against a fresh emulator, and the replay
catches what it must (changed outputs, errors that vanished) while letting generated ids differ."""

import glob
import io
import json
import os

import pytest

import harness
import replay

LOGS_DIR = os.path.join(os.path.dirname(__file__), "fixtures", "grpc-logs")
LOGS = sorted(glob.glob(os.path.join(LOGS_DIR, "*.jsonl")))
SCENARIO = [os.path.join(LOGS_DIR, f"yaml-ai-service-auth.{stage}.jsonl") for stage in ("up", "update", "refresh", "destroy")]


def run(paths):
    out = io.StringIO()
    code = replay.replay(paths, out=out)
    return code, out.getvalue()


def entries(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def write(tmp_path, name, lines):
    path = tmp_path / name
    path.write_text("".join(json.dumps(e) + "\n" for e in lines))
    return str(path)


def test_the_fixtures_hold_real_up_update_refresh_and_destroy_logs():
    for path in SCENARIO:
        assert path in LOGS, f"{path} is missing; record it with tests/conformance/record-grpc-logs.sh"
    methods = {os.path.basename(p): {e["method"].rsplit("/", 1)[-1] for e in entries(p)} for p in SCENARIO}
    assert {"Create", "Check"} <= methods["yaml-ai-service-auth.up.jsonl"]
    assert "Update" in methods["yaml-ai-service-auth.update.jsonl"]
    assert "Read" in methods["yaml-ai-service-auth.refresh.jsonl"]
    assert "Delete" in methods["yaml-ai-service-auth.destroy.jsonl"]


@pytest.mark.parametrize("path", LOGS, ids=os.path.basename)
def test_each_recorded_log_replays_on_its_own_against_a_fresh_emulator(path):
    code, out = run([path])
    assert code == 0, out


def test_the_recorded_sequence_replays_in_order_with_one_id_map_and_no_priming():
    code, out = run(SCENARIO)
    assert code == 0, out
    assert "prime" not in out, "the sequence creates everything it later reads or deletes"
    assert "52 calls replayed, 0 mismatched" in out, out


def test_a_changed_output_is_reported_with_the_call_and_the_property_path(tmp_path):
    log = entries(SCENARIO[0])
    creates = [e for e in log if e["method"].endswith("/Create") and e["response"].get("id")]
    creates[0]["response"]["properties"]["name"] = "Tampered"
    code, out = run([write(tmp_path, "tampered.jsonl", log)])
    assert code == 1, out
    assert "FAIL   Create" in out and 'properties.name: recorded "Tampered"' in out, out


def test_a_recorded_error_that_now_succeeds_is_a_mismatch(tmp_path):
    log = entries(SCENARIO[0])
    check = next(e for e in log if e["method"].endswith("/Check"))
    del check["response"]
    check["errors"] = ["rpc error: code = InvalidArgument desc = recorded failure"]
    code, out = run([write(tmp_path, "error.jsonl", log)])
    assert code == 1
    assert "recorded a InvalidArgument error, now it succeeds" in out, out


def test_an_input_the_engine_sent_must_come_back_unchanged_even_if_it_looks_generated():
    mapping = replay.Mapping()
    mapping.note_sent({"name": "abcdefghij0123456789"})
    problems = replay.compare({"name": "abcdefghij0123456789"}, {"name": "zyxwvutsrq9876543210"}, mapping)
    assert problems == ['name: recorded "abcdefghij0123456789", now "zyxwvutsrq9876543210"']


def test_a_generated_id_matches_and_is_mapped_for_later_calls():
    mapping = replay.Mapping()
    assert replay.compare({"id": "cgr_AAAAAAAAAAAAAAAA"}, {"id": "cgr_bbbbbbbbbbbbbbbb"}, mapping) == []
    assert mapping.apply({"clientGrant": "cgr_AAAAAAAAAAAAAAAA"}) == {"clientGrant": "cgr_bbbbbbbbbbbbbbbb"}


def test_a_value_of_a_different_shape_is_not_taken_for_a_generated_one():
    problems = replay.compare({"signingAlg": "RS256"}, {"signingAlg": "HS256x"}, replay.Mapping())
    assert problems == ['signingAlg: recorded "RS256", now "HS256x"']


def test_a_changed_default_of_the_same_shape_is_a_mismatch_and_is_not_mapped():
    mapping = replay.Mapping()
    problems = replay.compare({"signingAlg": "RS256"}, {"signingAlg": "HS256"}, mapping)
    assert problems == ['signingAlg: recorded "RS256", now "HS256"']
    assert mapping.apply({"signingAlg": "RS256", "audience": "RS256"}) == {"signingAlg": "RS256", "audience": "RS256"}


@pytest.mark.parametrize(
    "path, recorded, live",
    [
        ("id", "abc123", "xyz789"),
        ("properties.clientId", "ab12", "cd34"),
        ("grant_ids[0]", "g-1", "h-2"),
        ("properties.clientSecret.value", "s3cret", "t4cret"),
        ("properties.signingKeys.value[0].cert", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----", "-----BEGIN CERTIFICATE-----\nBBBBBBBB\n-----END CERTIFICATE-----"),
        ("properties.description", "k7Qz9wX2mP4rT8vL", "a1B2c3D4e5F6g7H8"),
    ],
)
def test_ids_secrets_keys_pem_blocks_and_long_tokens_count_as_generated(path, recorded, live):
    assert replay.looks_generated(recorded, live, path)


@pytest.mark.parametrize(
    "path, recorded, live",
    [
        ("properties.signingAlg", "RS256", "HS256"),
        ("properties.appType", "spa", "sso"),
        ("properties.tokenEndpointAuthMethod", "client_secret_post", "client_secret_jwt_"),
        ("properties.valid", "yes", "no!"),
        ("id", "abc123", "abc-12"),
    ],
)
def test_short_values_under_ordinary_names_or_of_another_shape_are_not_generated(path, recorded, live):
    assert not replay.looks_generated(recorded, live, path)


def test_a_log_whose_signing_alg_default_changed_from_rs256_to_hs256_fails_to_replay(tmp_path):
    log = entries(SCENARIO[0])
    create = next(e for e in log if e["method"].endswith("/Create") and e["response"].get("properties", {}).get("signingAlg") == "RS256")
    create["response"]["properties"]["signingAlg"] = "HS256"
    code, out = run([write(tmp_path, "hs256.jsonl", log)])
    assert code == 1, out
    assert 'properties.signingAlg: recorded "HS256", now "RS256"' in out, out


def test_mismatches_never_print_secret_values():
    wrapped = {harness.SIG: harness.SECRET_SIG, "value": "recorded-secret"}
    live = {harness.SIG: harness.SECRET_SIG, "value": "live secret!"}
    mapping = replay.Mapping()
    mapping.note_sent({"x": "recorded-secret"})
    problems = replay.compare({"clientSecret": wrapped, "p": wrapped}, {"clientSecret": live, "p": live}, mapping)
    assert len(problems) == 2, problems
    assert not any("recorded-secret" in p or "live secret!" in p for p in problems), problems


def test_redaction_gives_each_secret_one_stable_placeholder_and_keeps_other_values():
    table = {}
    entry = {
        "args": {"clientSecret": {harness.SIG: harness.SECRET_SIG, "value": "s3cr3t"}, "domain": "d"},
        "variables": {"auth0:config:clientSecret": "s3cr3t"},
        "response": {"clientSecret": "other", "acceptSecrets": True, "signingSecret": harness.UNKNOWN},
    }
    redacted = replay.redact_value(entry, table)
    assert redacted["args"]["clientSecret"]["value"] == redacted["variables"]["auth0:config:clientSecret"] == "[REDACTED-1]"
    assert redacted["response"]["clientSecret"] == "[REDACTED-2]"
    assert redacted["response"]["acceptSecrets"] is True and redacted["response"]["signingSecret"] == harness.UNKNOWN
    assert redacted["args"]["domain"] == "d"


@pytest.mark.parametrize("path", LOGS, ids=os.path.basename)
def test_committed_logs_hold_no_secret_values(path):
    def walk(value, key="", inside=False):
        if isinstance(value, dict):
            wrapped = value.get(harness.SIG) == harness.SECRET_SIG
            for k, v in value.items():
                yield from walk(v, k, inside or wrapped)
        elif isinstance(value, list):
            for v in value:
                yield from walk(v, key, inside)
        elif isinstance(value, str) and (inside or "secret" in key.lower()):
            if value not in harness.UNKNOWNS and value != harness.SECRET_SIG and not replay.PLACEHOLDER.match(value):
                yield key

    leaks = [key for entry in entries(path) for key in walk(entry)]
    assert not leaks, f"{path}: unredacted secret values under {sorted(set(leaks))}; record with record-grpc-logs.sh"


def test_a_file_that_is_not_a_grpc_log_is_refused_with_its_line_number(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("hello\n")
    with pytest.raises(SystemExit) as exit:
        replay.provider_calls(str(path))
    assert "notes.txt:1: not a JSON line" in str(exit.value)


def test_a_log_without_auth0_provider_calls_fails_the_replay(tmp_path):
    path = write(tmp_path, "empty.jsonl", [{"method": "/pulumirpc.LanguageRuntime/GetPluginInfo", "request": {}, "response": {}}])
    code, out = run([path])
    assert code == 1 and "0 calls replayed" in out, out
