"""The engine's side of the provider protocol, built from Pulumi's own generated Python code:
launch the plugin the way the engine does, a fake Engine service that records Log calls,
the auth0 emulator, and helpers for google.protobuf.Struct values with Pulumi's special markers."""

import json
import os
import queue
import signal
import subprocess
import tempfile
import threading
import time
import urllib.request
from concurrent import futures

import grpc
from google.protobuf import struct_pb2
from pulumi.runtime.proto import engine_pb2_grpc, provider_pb2_grpc

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PROTO_DIR = os.path.join(REPO_ROOT, "proto")
SCHEMA_PATH = os.path.join(REPO_ROOT, "schema.json")

# How long the engine waits for the port line and the first call; we use the same bound.
STARTUP_TIMEOUT = 10.0
# The emulator binary makes a fresh RSA-2048 signing key before its ready line, which can take
# seconds on a loaded 2-core machine; the e2e suite allows the same 20 s.
EMULATOR_STARTUP_TIMEOUT = 20.0
# Every single RPC in the suite is bounded by this deadline.
RPC_TIMEOUT = 30.0

SIG = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
UNKNOWNS = {
    UNKNOWN,
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
    "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
    "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
    "030794c1-ac77-496b-92df-f27374a8bd58",
    "e48ece36-62e2-4504-bad9-02848725956a",
}

CLIENT = "auth0:index/client:Client"
API = "auth0:index/resourceServer:ResourceServer"
GRANT = "auth0:index/clientGrant:ClientGrant"


def _binary(env_name: str, default_name: str) -> str:
    path = os.environ.get(env_name) or os.path.join(REPO_ROOT, "target", "debug", default_name)
    path = os.path.abspath(path)
    if not os.access(path, os.X_OK):
        raise RuntimeError(
            f"{env_name}={path} is not an executable file; build it (cargo build -p {default_name}) "
            f"or set {env_name} to the binary to test"
        )
    return path


def provider_binary() -> str:
    return _binary("PROVIDER", "pulumi-resource-auth0")


def emulator_binary() -> str:
    return _binary("EMULATOR", "auth0-emulator")


# ---------------------------------------------------------------- values


def secret(value):
    return {SIG: SECRET_SIG, "value": value}


def is_secret(value) -> bool:
    return isinstance(value, dict) and value.get(SIG) == SECRET_SIG


def reveal(value):
    """The value inside any secret wrappers, recursively."""
    if is_secret(value):
        return reveal(value.get("value"))
    if isinstance(value, dict):
        return {k: reveal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [reveal(v) for v in value]
    return value


def contains_unknown(value) -> bool:
    if isinstance(value, str):
        return value in UNKNOWNS
    if isinstance(value, dict):
        return any(contains_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(contains_unknown(v) for v in value)
    return False


def to_struct(mapping: dict) -> struct_pb2.Struct:
    s = struct_pb2.Struct()
    s.update(mapping)
    return s


def from_struct(s) -> dict:
    from google.protobuf.json_format import MessageToDict

    return MessageToDict(s) if s is not None else {}


def urn(type_token: str, name: str, stack: str = "conformance", project: str = "auth0-conformance") -> str:
    return f"urn:pulumi:{stack}::{project}::{type_token}::{name}"


# ---------------------------------------------------------------- processes


def read_first_line(stream, timeout: float, what: str) -> str:
    """The first line of a child's stdout, or a clear error after `timeout` seconds."""
    lines: "queue.Queue[str]" = queue.Queue()
    reader = threading.Thread(target=lambda: lines.put(stream.readline()), daemon=True)
    reader.start()
    try:
        line = lines.get(timeout=timeout)
    except queue.Empty:
        raise RuntimeError(f"{what} printed no line on stdout within {timeout:.0f}s") from None
    if not line:
        raise RuntimeError(f"{what} closed stdout before printing its first line")
    return line.strip()


def stop_process(proc: subprocess.Popen, sig=signal.SIGTERM, timeout: float = 5.0, group: bool = False):
    """Signals a child (its whole process group, as the engine does, when `group`) and waits at
    most `timeout` seconds, then kills it. Returns the exit code and whatever the child printed
    on stdout that nobody had read yet."""
    if proc.poll() is None:
        if group:
            os.killpg(proc.pid, sig)
        else:
            proc.send_signal(sig)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=timeout)
    rest = ""
    if proc.stdout and not proc.stdout.closed:
        rest = proc.stdout.read()  # the child has exited: this ends at EOF
        proc.stdout.close()
    return proc.returncode, rest


class Emulator:
    """auth0-emulator as a child process, with its ready line and credentials."""

    def __init__(self, workdir: str, extra_args=()):
        creds = os.path.join(workdir, "emulator-credentials.json")
        self.log_path = os.path.join(workdir, "emulator.log")
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [emulator_binary(), "--listen", "127.0.0.1:0", "--credentials-file", creds, "--log-level", "warn", *extra_args],
            stdout=subprocess.PIPE,
            stderr=self._log,
            text=True,
        )
        try:
            ready = json.loads(read_first_line(self.proc.stdout, EMULATOR_STARTUP_TIMEOUT, "auth0-emulator"))
            self.base_url = ready["baseUrl"]
            self.domain = ready["domain"]
            self.audience = ready["audience"]
            self.client_id = ready["clientId"]
            with open(ready["credentialsFile"]) as f:
                self.client_secret = json.load(f)["clientSecret"]
        except BaseException:  # a bad ready line or credentials file must not leave it running
            stop_process(self.proc)
            self._log.close()
            raise

    def stats(self) -> dict:
        with urllib.request.urlopen(f"{self.base_url}/emulator/stats", timeout=5) as r:
            return json.load(r)

    def reset_stats(self) -> None:
        req = urllib.request.Request(f"{self.base_url}/emulator/stats/reset", method="POST", data=b"")
        urllib.request.urlopen(req, timeout=5).close()

    def management_calls(self) -> int:
        return self.stats()["managementTotal"]

    def config(self) -> dict:
        """Provider config as the engine sends it in ConfigureRequest.args: the secret wrapped."""
        return {"domain": self.base_url, "clientId": self.client_id, "clientSecret": secret(self.client_secret)}

    def close(self) -> None:
        stop_process(self.proc)
        self._log.close()


class FakeEngine(engine_pb2_grpc.EngineServicer):
    """The engine's Log endpoint, recording every LogRequest."""

    def __init__(self):
        self.logs = []
        self._lock = threading.Lock()
        self.server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
        engine_pb2_grpc.add_EngineServicer_to_server(self, self.server)
        port = self.server.add_insecure_port("127.0.0.1:0")
        self.address = f"127.0.0.1:{port}"
        self.server.start()

    def Log(self, request, context):
        with self._lock:
            self.logs.append(request)
        from google.protobuf import empty_pb2

        return empty_pb2.Empty()

    def messages(self):
        with self._lock:
            return [log.message for log in self.logs]

    def wait_for_log(self, predicate, timeout: float = 5.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                for log in self.logs:
                    if predicate(log):
                        return log
            time.sleep(0.05)
        return None

    def close(self):
        self.server.stop(grace=None)


class Plugin:
    """The provider binary started the way the engine starts it, with a ResourceProviderStub."""

    def __init__(self, workdir: str, args=None, env=None):
        self.stderr_path = os.path.join(workdir, f"plugin-{time.monotonic_ns()}.stderr")
        self._stderr = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen(
            [provider_binary(), *(args or [])],
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
            env={**os.environ, **(env or {})},
            start_new_session=True,  # the engine signals the plugin's process group
        )
        try:
            line = read_first_line(self.proc.stdout, STARTUP_TIMEOUT, "the provider")
            if not line.isdigit() or not 0 < int(line) < 65536:
                raise RuntimeError(f"the provider's first stdout line {line!r} is not a port number")
            self.port = int(line)
            self.channel = grpc.insecure_channel(f"127.0.0.1:{self.port}")
            grpc.channel_ready_future(self.channel).result(timeout=STARTUP_TIMEOUT)
        except BaseException:  # it runs in its own session: nothing else would end it
            self.close()
            raise
        self.stub = provider_pb2_grpc.ResourceProviderStub(self.channel)

    def stderr(self) -> str:
        self._stderr.flush()
        with open(self.stderr_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def close(self, sig=signal.SIGTERM) -> int:
        """Stops the plugin as the engine does (a signal, SIGKILL after 5s); returns the exit code."""
        if getattr(self, "channel", None) is not None:
            self.channel.close()
            self.channel = None
        code, self.stdout_rest = stop_process(self.proc, sig, group=True)
        self._stderr.close()
        return code


class Driver:
    """Calls the engine makes, with the fields a current engine sets, every call under a deadline."""

    def __init__(self, stub, timeout: float = RPC_TIMEOUT):
        from pulumi.runtime.proto import provider_pb2

        self.pb = provider_pb2
        self.stub = stub
        self.timeout = timeout

    def handshake(self, engine_address: str):
        return self.stub.Handshake(
            self.pb.ProviderHandshakeRequest(
                engine_address=engine_address,
                root_directory=REPO_ROOT,
                program_directory=REPO_ROOT,
                configure_with_urn=True,
                supports_views=True,
                supports_refresh_before_update=True,
                invoke_with_preview=True,
            ),
            timeout=self.timeout,
        )

    def configure(self, args: dict):
        return self.stub.Configure(
            self.pb.ConfigureRequest(
                args=to_struct(args),
                acceptSecrets=True,
                acceptResources=True,
                sends_old_inputs=True,
                sends_old_inputs_to_delete=True,
                urn=urn("pulumi:providers:auth0", "default"),
                name="default",
                type="pulumi:providers:auth0",
            ),
            timeout=self.timeout,
        )

    def check(self, type_token: str, name: str, news: dict, olds: dict = None):
        resp = self.stub.Check(
            self.pb.CheckRequest(
                urn=urn(type_token, name),
                olds=to_struct(olds or {}),
                news=to_struct(news),
                randomSeed=b"\x01\x02\x03\x04\x05\x06\x07\x08",
                name=name,
                type=type_token,
            ),
            timeout=self.timeout,
        )
        return from_struct(resp.inputs), list(resp.failures)

    def checked(self, type_token: str, name: str, news: dict) -> dict:
        inputs, failures = self.check(type_token, name, news)
        assert not failures, f"Check of {name} failed: {[(f.property, f.reason) for f in failures]}"
        return inputs

    def diff(self, type_token: str, name: str, id: str, olds: dict, news: dict, old_inputs: dict):
        return self.stub.Diff(
            self.pb.DiffRequest(
                id=id,
                urn=urn(type_token, name),
                olds=to_struct(olds),
                news=to_struct(news),
                old_inputs=to_struct(old_inputs),
                name=name,
                type=type_token,
            ),
            timeout=self.timeout,
        )

    def create(self, type_token: str, name: str, inputs: dict, preview: bool = False):
        resp = self.stub.Create(
            self.pb.CreateRequest(
                urn=urn(type_token, name),
                properties=to_struct(inputs),
                preview=preview,
                name=name,
                type=type_token,
            ),
            timeout=self.timeout,
        )
        return resp.id, from_struct(resp.properties)

    def read(self, type_token: str, name: str, id: str, state: dict, inputs: dict):
        resp = self.stub.Read(
            self.pb.ReadRequest(
                id=id,
                urn=urn(type_token, name),
                properties=to_struct(state),
                inputs=to_struct(inputs),
                name=name,
                type=type_token,
            ),
            timeout=self.timeout,
        )
        return resp.id, from_struct(resp.properties), from_struct(resp.inputs)

    def update(self, type_token, name, id, olds, news, old_inputs, preview=False):
        resp = self.stub.Update(
            self.pb.UpdateRequest(
                id=id,
                urn=urn(type_token, name),
                olds=to_struct(olds),
                news=to_struct(news),
                old_inputs=to_struct(old_inputs),
                preview=preview,
                name=name,
                type=type_token,
            ),
            timeout=self.timeout,
        )
        return from_struct(resp.properties)

    def invoke(self, token: str, args: dict):
        """Invoke as the engine forwards a program's function call: (outputs, failures)."""
        resp = self.stub.Invoke(self.pb.InvokeRequest(tok=token, args=to_struct(args)), timeout=self.timeout)
        return from_struct(resp.__getattribute__("return")), list(resp.failures)

    def delete(self, type_token, name, id, state, inputs):
        self.stub.Delete(
            self.pb.DeleteRequest(
                id=id,
                urn=urn(type_token, name),
                properties=to_struct(state),
                old_inputs=to_struct(inputs),
                name=name,
                type=type_token,
            ),
            timeout=self.timeout,
        )
