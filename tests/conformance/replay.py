#!/usr/bin/env python3
"""Replays PULUMI_DEBUG_GRPC logs against the provider binary and a fresh auth0 emulator.

    replay.py LOG [LOG ...]           replay the logs in order, one emulator, one id map
    replay.py redact OUT_DIR LOG ...  keep only the auth0 provider calls, secrets replaced

Each log is JSON lines with method, request and response (or errors), as the Pulumi CLI writes
them. Only `/pulumirpc.ResourceProvider/*` calls of the auth0 plugin are replayed, in the order
they completed (a call's inputs only exist after the calls it depends on completed). A new
plugin process starts at every Handshake, as the engine starts one per run.

A fresh emulator has none of the recorded ids, ports or credentials, so:
- the recorded domain (and its host:port) is rewritten to the emulator's, the recorded client
  id and secret to the emulator's bootstrap credentials;
- a string in a response that differs from the recording is a generated value (an id, a secret,
  a key) only if it looks like one: a PEM block, a token of 16 or more characters, or any value
  under an id-, secret- or key-like property name; it must also keep the recorded shape (same
  length and punctuation; PEM blocks by their armour) and never have been sent by the engine.
  A generated value matches, and every later occurrence of the recorded value in requests and
  expected responses is replaced by the live one. Anything else that differs (a default such
  as signingAlg "RS256" turning into "HS256") is a mismatch;
- a Read, Update or Delete of a resource the log never created (a refresh or destroy log on
  its own) first creates it from the request's inputs through the plugin, so it exists.

Exit status 0 when every response matches, 1 otherwise; mismatches are printed with the call
and the path of the first differing value. Secret values are never printed.
"""

import argparse
import json
import os
import re
import sys
import tempfile

import grpc
from google.protobuf import empty_pb2, json_format
from pulumi.runtime.proto import plugin_pb2, provider_pb2

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

SERVICE = "/pulumirpc.ResourceProvider/"
PLACEHOLDER = re.compile(r"^\[REDACTED-\d+\]$")

# method -> (request type, response type); Delete and Cancel answer Empty.
RPCS = {
    "Handshake": (provider_pb2.ProviderHandshakeRequest, provider_pb2.ProviderHandshakeResponse),
    "GetPluginInfo": (empty_pb2.Empty, plugin_pb2.PluginInfo),
    "GetSchema": (provider_pb2.GetSchemaRequest, provider_pb2.GetSchemaResponse),
    "CheckConfig": (provider_pb2.CheckRequest, provider_pb2.CheckResponse),
    "DiffConfig": (provider_pb2.DiffRequest, provider_pb2.DiffResponse),
    "Configure": (provider_pb2.ConfigureRequest, provider_pb2.ConfigureResponse),
    "Check": (provider_pb2.CheckRequest, provider_pb2.CheckResponse),
    "Diff": (provider_pb2.DiffRequest, provider_pb2.DiffResponse),
    "Create": (provider_pb2.CreateRequest, provider_pb2.CreateResponse),
    "Read": (provider_pb2.ReadRequest, provider_pb2.ReadResponse),
    "Update": (provider_pb2.UpdateRequest, provider_pb2.UpdateResponse),
    "Delete": (provider_pb2.DeleteRequest, empty_pb2.Empty),
    "Cancel": (empty_pb2.Empty, empty_pb2.Empty),
    "Invoke": (provider_pb2.InvokeRequest, provider_pb2.InvokeResponse),
    "Attach": (plugin_pb2.PluginAttach, empty_pb2.Empty),
}

# Repeated fields whose order carries no meaning.
UNORDERED = {"replaces", "stables", "diffs", "ignoreChanges"}
# Values that legitimately differ between builds.
BUILD_SPECIFIC = {("GetPluginInfo", "version")}


# ---------------------------------------------------------------- reading and redacting logs


def provider_calls(path: str) -> list:
    """The auth0 plugin's completed ResourceProvider calls, in completion order."""
    calls = []
    with open(path) as f:
        for number, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                entry = json.loads(line)
            except json.JSONDecodeError as err:
                raise SystemExit(f"{path}:{number}: not a JSON line ({err.msg}); pass a PULUMI_DEBUG_GRPC log")
            method = entry.get("method", "")
            if not method.startswith(SERVICE) or entry.get("progress") == "request_started":
                continue
            meta = entry.get("metadata") or {}
            if meta.get("name", "auth0") != "auth0":
                continue
            if "response" not in entry and "errors" not in entry:
                continue
            calls.append(entry)
    return calls


def _secretish(key: str) -> bool:
    return "secret" in key.lower()


def redact_value(value, table: dict, key: str = "", inside_secret: bool = False):
    """Replaces secret strings with stable placeholders: the same secret, the same placeholder."""
    if isinstance(value, dict):
        wrapped = value.get(harness.SIG) == harness.SECRET_SIG
        return {k: redact_value(v, table, k, inside_secret or wrapped) for k, v in value.items()}
    if isinstance(value, list):
        return [redact_value(v, table, key, inside_secret) for v in value]
    if isinstance(value, str) and (inside_secret or _secretish(key)) and value not in harness.UNKNOWNS:
        if value == harness.SECRET_SIG or PLACEHOLDER.match(value):
            return value
        return table.setdefault(value, f"[REDACTED-{len(table) + 1}]")
    return value


def redact(out_dir: str, paths: list) -> None:
    table: dict = {}
    os.makedirs(out_dir, exist_ok=True)
    for path in paths:
        calls = provider_calls(path)
        target = os.path.join(out_dir, os.path.basename(path))
        with open(target, "w") as out:
            for entry in calls:
                kept = {k: entry[k] for k in ("method", "request", "response", "errors") if k in entry}
                out.write(json.dumps(redact_value(kept, table), sort_keys=True) + "\n")
        print(f"{target}: {len(calls)} calls")


# ---------------------------------------------------------------- value mapping


def shape(s: str) -> str:
    """What a generated value keeps across runs: PEM armour, a random token's length, punctuation."""
    if "-----BEGIN" in s:
        return "\n".join(line for line in s.splitlines() if line.startswith("-----"))
    if len(s) >= 20 and re.fullmatch(r"[A-Za-z0-9_\-+/=.]+", s):
        return f"token of {len(s)}"
    return re.sub(r"[A-Za-z0-9]", "x", s)


# A value this long in a token alphabet is an id or a secret, not a word or a setting.
GENERATED_TOKEN = re.compile(r"[A-Za-z0-9_\-+/=.]{16,}")
# Property names whose values are generated whatever they look like: id, clientId, grant_ids,
# clientSecret, signingKeys, cert. The path's last name counts; `value` is the secret wrapper's.
GENERATED_KEY = re.compile(r"^ids?$|Ids?$|_ids?$|(?i:secret|keys?$|cert$)")


def _last_name(path: str) -> str:
    names = [part for part in re.split(r"[.\[\]]", path) if part and not part.isdigit() and part != "value"]
    return names[-1] if names else ""


def looks_generated(recorded: str, live: str, path: str) -> bool:
    """Whether two differing strings can both be the same generated value (see the module doc)."""
    if shape(recorded) != shape(live):
        return False
    if "-----BEGIN" in recorded:
        return True
    if GENERATED_TOKEN.fullmatch(recorded) and GENERATED_TOKEN.fullmatch(live):
        return True
    return bool(GENERATED_KEY.search(_last_name(path)))


class Mapping:
    """Recorded values and their live counterparts: domains, credentials, generated values."""

    def __init__(self):
        self.exact: dict = {}
        self.substrings: list = []
        self.sent: set = set()  # strings the engine sent in requests so far (recorded form)

    def learn(self, recorded: str, live: str) -> None:
        if recorded != live and recorded not in harness.UNKNOWNS:
            self.exact[recorded] = live

    def learn_domain(self, recorded: str, live_base_url: str) -> None:
        host = re.sub(r"^https?://", "", recorded).rstrip("/")
        live_host = re.sub(r"^https?://", "", live_base_url).rstrip("/")
        self.exact[recorded] = live_base_url
        if host and host != live_host:
            self.substrings.append((host, live_host))

    def apply(self, value):
        if isinstance(value, dict):
            return {self.apply(k): self.apply(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.apply(v) for v in value]
        if isinstance(value, str):
            if value in self.exact:
                return self.exact[value]
            for old, new in self.substrings:
                value = value.replace(old, new)
        return value

    def note_sent(self, value) -> None:
        if isinstance(value, dict):
            for v in value.values():
                self.note_sent(v)
        elif isinstance(value, list):
            for v in value:
                self.note_sent(v)
        elif isinstance(value, str):
            self.sent.add(value)


def _masked(value, path: str) -> str:
    if any(_secretish(part) for part in re.split(r"[.\[\]]", path)) or (isinstance(value, str) and PLACEHOLDER.match(value)):
        return "[secret]"
    text = json.dumps(value)
    return text if len(text) <= 120 else text[:117] + "..."


def compare(recorded, live, mapping: Mapping, path: str = "", learn: bool = True, secret: bool = False) -> list:
    """Differences between an expected (mapped) response and the live one, learning generated values."""
    if isinstance(recorded, dict) and isinstance(live, dict):
        problems = []
        wrapped = recorded.get(harness.SIG) == harness.SECRET_SIG
        for key in sorted(set(recorded) | set(live)):
            sub = f"{path}.{key}" if path else key
            if key not in live:
                problems.append(f"{sub}: recorded {_masked(recorded[key], sub)}, missing now")
            elif key not in recorded:
                problems.append(f"{sub}: not recorded, now {_masked(live[key], sub)}")
            elif key in UNORDERED and isinstance(recorded[key], list) and isinstance(live[key], list):
                if sorted(map(str, recorded[key])) != sorted(map(str, live[key])):
                    problems.append(f"{sub}: recorded {sorted(recorded[key])}, now {sorted(live[key])}")
            else:
                problems += compare(recorded[key], live[key], mapping, sub, learn, secret or wrapped)
        return problems
    if isinstance(recorded, list) and isinstance(live, list):
        if len(recorded) != len(live):
            return [f"{path}: recorded {len(recorded)} items, now {len(live)}"]
        problems = []
        for i, (a, b) in enumerate(zip(recorded, live)):
            problems += compare(a, b, mapping, f"{path}[{i}]", learn, secret)
        return problems
    if isinstance(recorded, str) and isinstance(live, str):
        if recorded == live:
            return []
        generated = PLACEHOLDER.match(recorded) or (
            recorded not in mapping.sent
            and recorded not in harness.UNKNOWNS
            and live not in harness.UNKNOWNS
            and looks_generated(recorded, live, path)
        )
        if generated:
            if learn:
                mapping.learn(recorded, live)
            return []
        return [f"{path}: recorded {_masked(recorded, path) if not secret else '[secret]'}, now {_masked(live, path) if not secret else '[secret]'}"]
    if isinstance(recorded, (int, float)) and isinstance(live, (int, float)) and not isinstance(recorded, bool) and not isinstance(live, bool):
        return [] if float(recorded) == float(live) else [f"{path}: recorded {recorded}, now {live}"]
    if recorded != live:
        return [f"{path}: recorded {_masked(recorded, path)}, now {_masked(live, path)}"]
    return []


# ---------------------------------------------------------------- the replay


def _to_message(kind, data: dict):
    return json_format.ParseDict(data or {}, kind(), ignore_unknown_fields=False)


def _to_dict(message) -> dict:
    return json_format.MessageToDict(message)


def _recorded_code(errors: list) -> str:
    match = re.search(r"code = (\w+)", " ".join(errors))
    return match.group(1) if match else "Unknown"


def _grpc_name(code: grpc.StatusCode) -> str:
    return "".join(part.capitalize() for part in code.name.split("_")).replace("Ok", "OK")


class Replay:
    def __init__(self, workdir: str, out=sys.stdout):
        self.workdir = workdir
        self.out = out
        self.emulator = harness.Emulator(workdir)
        try:
            self.engine = harness.FakeEngine()
        except BaseException:
            self.emulator.close()
            raise
        self.mapping = Mapping()
        self.plugin = None
        self.config_request = None  # the live ConfigureRequest, for plugins started mid-log
        self.created: set = set()  # recorded ids that exist live (created by the log or primed)
        self.known: dict = {}  # recorded id -> (method, request) that names it, for priming
        self.failures = 0
        self.calls = 0

    def close(self):
        if self.plugin:
            self.plugin.close()
        self.engine.close()
        self.emulator.close()

    def _start_plugin(self):
        if self.plugin:
            self.plugin.close()
        self.plugin = harness.Plugin(self.workdir, ["--logtostderr", "-v=3", self.engine.address])

    def _ensure_plugin(self):
        if self.plugin is None:
            self._start_plugin()
            if self.config_request is not None:
                self.plugin.stub.Configure(self.config_request, timeout=harness.RPC_TIMEOUT)

    def _rewrite_request(self, method: str, request: dict) -> dict:
        request = dict(request)
        if method == "Handshake":
            request["engineAddress"] = self.engine.address
        for key in ("resourceStatusAddress", "resourceStatusToken"):
            request.pop(key, None)
        if method in ("CheckConfig", "Configure", "DiffConfig"):
            self._learn_config(request)
        return self.mapping.apply(request)

    def _learn_config(self, request: dict) -> None:
        """Maps the recorded domain and credentials to the fresh emulator's."""
        for field in ("args", "news", "olds", "variables"):
            config = request.get(field) or {}
            for key, value in config.items():
                short = key.rsplit(":", 1)[-1]
                value = harness.reveal(value)
                if not isinstance(value, str) or not value or value in harness.UNKNOWNS:
                    continue
                if short == "domain":
                    self.mapping.learn_domain(value, self.emulator.base_url)
                elif short == "clientId":
                    self.mapping.learn(value, self.emulator.client_id)
                elif short == "clientSecret":
                    self.mapping.learn(value, self.emulator.client_secret)

    def index(self, calls: list) -> None:
        """Remembers, per recorded id, a request that carries the resource's inputs."""
        for entry in calls:
            method = entry["method"][len(SERVICE):]
            request = entry.get("request") or {}
            if method in ("Read", "Update", "Delete") and request.get("id"):
                inputs = request.get("inputs") or request.get("oldInputs") or request.get("olds")
                if inputs and not request["id"] in self.known:
                    self.known[request["id"]] = (request, inputs)

    def _prime_missing(self) -> None:
        """Creates, through the plugin, every resource the logs read, update or delete but never
        create (a refresh or destroy log on its own). Resources may depend on each other (a
        grant on its client and API), so failed creates are retried while others succeed."""
        pending = [i for i in self.known if i not in self.created]
        self._ensure_plugin()
        errors = {}
        while pending:
            progress = False
            for recorded_id in list(pending):
                request, inputs = self.known[recorded_id]
                try:
                    live = self.plugin.stub.Create(
                        provider_pb2.CreateRequest(
                            urn=request["urn"],
                            properties=harness.to_struct(self.mapping.apply(inputs)),
                            name=request.get("name", ""),
                            type=request.get("type", ""),
                        ),
                        timeout=harness.RPC_TIMEOUT,
                    )
                except grpc.RpcError as err:
                    errors[recorded_id] = f"{_grpc_name(err.code())}: {err.details()}"
                    continue
                pending.remove(recorded_id)
                self.created.add(recorded_id)
                progress = True
                self.mapping.learn(recorded_id, live.id)
                state = request.get("properties") or request.get("olds") or {}
                compare(self.mapping.apply(state), _to_dict(live.properties), self.mapping, learn=True)
                self._say(f"prime  {_short_urn(request['urn'])}: created, the log starts with it in state")
            if not progress:
                break
        for recorded_id in pending:
            self.created.add(recorded_id)  # do not try again; the calls on it will show the damage
            self._fail(f"prime {_short_urn(self.known[recorded_id][0]['urn'])}", [f"could not create it to start from: {errors[recorded_id]}"])

    def _say(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    def run_call(self, entry: dict) -> None:
        method = entry["method"][len(SERVICE):]
        if method not in RPCS:
            self._say(f"skip   {method}: not replayed")
            return
        request_type, response_type = RPCS[method]
        recorded_request = entry.get("request") or {}
        if method == "Handshake" or self.plugin is None:
            self._start_plugin()
        if method in ("Read", "Update", "Delete") and recorded_request.get("id") not in self.created:
            self._prime_missing()
        live_request_dict = self._rewrite_request(method, recorded_request)
        self.mapping.note_sent(recorded_request)
        label = f"{method} {_short_urn(recorded_request.get('urn', ''))}".strip()
        self.calls += 1
        try:
            live_request = _to_message(request_type, live_request_dict)
        except json_format.ParseError as err:
            self._fail(label, [f"the recorded request does not fit the pinned {request_type.DESCRIPTOR.name}: {err}"])
            return
        if method == "Configure":
            self.config_request = live_request
        try:
            live_response = getattr(self.plugin.stub, method)(live_request, timeout=harness.RPC_TIMEOUT)
            error = None
        except grpc.RpcError as err:
            live_response, error = None, err
        if "errors" in entry:
            want = _recorded_code(entry["errors"])
            if error is None:
                self._fail(label, [f"recorded a {want} error, now it succeeds"])
            elif _grpc_name(error.code()) != want:
                self._fail(label, [f"recorded a {want} error, now {_grpc_name(error.code())}"])
            else:
                self._say(f"ok     {label} (fails as recorded: {want})")
            return
        if error is not None:
            self._fail(label, [f"recorded success, now {_grpc_name(error.code())}: {error.details()}"])
            return
        expected = self.mapping.apply(entry.get("response") or {})
        live = _to_dict(live_response)
        for m, key in BUILD_SPECIFIC:
            if m == method:
                expected.pop(key, None)
                live.pop(key, None)
        problems = compare(expected, live, self.mapping)
        if method == "Create" and (entry.get("response") or {}).get("id"):
            self.created.add(entry["response"]["id"])
        if problems:
            self._fail(label, problems)
        else:
            self._say(f"ok     {label}")
        if method == "Cancel":
            self.plugin.close()
            self.plugin = None

    def _fail(self, label: str, problems: list) -> None:
        self.failures += 1
        self._say(f"FAIL   {label}")
        for problem in problems[:10]:
            self._say(f"         {problem}")
        if len(problems) > 10:
            self._say(f"         ... and {len(problems) - 10} more")

    def run(self, paths: list) -> int:
        logs = [(path, provider_calls(path)) for path in paths]
        for _, calls in logs:
            self.index(calls)
        for path, calls in logs:
            self._say(f"== {path}: {len(calls)} provider calls")
            for entry in calls:
                self.run_call(entry)
        self._say(f"{self.calls} calls replayed, {self.failures} mismatched")
        return 0 if self.failures == 0 and self.calls > 0 else 1


def _short_urn(urn: str) -> str:
    parts = urn.split("::")
    return f"{parts[-2].rsplit('$', 1)[-1]}::{parts[-1]}" if len(parts) >= 4 else urn


def replay(paths: list, out=sys.stdout) -> int:
    with tempfile.TemporaryDirectory(prefix="auth0-replay-") as workdir:
        session = Replay(workdir, out)
        try:
            return session.run(paths)
        finally:
            session.close()


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "redact":
        parser = argparse.ArgumentParser(prog="replay.py redact", description="Keep the auth0 provider calls of PULUMI_DEBUG_GRPC logs, secrets replaced.")
        parser.add_argument("out_dir")
        parser.add_argument("logs", nargs="+")
        args = parser.parse_args(argv[1:])
        redact(args.out_dir, args.logs)
        return 0
    parser = argparse.ArgumentParser(prog="replay.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("logs", nargs="+", help="PULUMI_DEBUG_GRPC logs, replayed in order against one emulator")
    args = parser.parse_args(argv)
    for path in args.logs:
        if not os.path.isfile(path):
            parser.error(f"LOG {path} is not a file; pass a PULUMI_DEBUG_GRPC log such as tests/conformance/fixtures/grpc-logs/up.jsonl")
    return replay(args.logs)


if __name__ == "__main__":
    sys.exit(main())
