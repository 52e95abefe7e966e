"""The providers under comparison, started as the engine starts a plugin, and the process
measurements taken of them (start-up to port, resident memory, CPU time).

Both providers are driven through Pulumi's own generated gRPC stubs (the engine-side client the
conformance suite uses), so every figure is taken the same way for ours and for the bridged one.
"""

from __future__ import annotations

import importlib.util
import os
import select
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import grpc
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

REPO = Path(__file__).resolve().parents[1]
if str(REPO / "tests") not in sys.path:
    sys.path.insert(0, str(REPO / "tests"))  # `bounded`, which the e2e harness imports


def _load(name: str, path: Path):
    """The conformance and e2e suites each have a `harness` module; load both under own names."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


protocol = _load("conformance_harness", REPO / "tests" / "conformance" / "harness.py")
e2e = _load("e2e_harness", REPO / "tests" / "e2e" / "harness.py")
Driver, FakeEngine, secret = protocol.Driver, protocol.FakeEngine, protocol.secret

START_TIMEOUT = 30.0
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def memory_kib(pid) -> dict:
    """VmRSS and VmHWM (peak) of a process, in KiB, from /proc/<pid>/status."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0])
    return fields


def emulator_stats(emulator) -> dict:
    """The emulator's request counters (GET /emulator/stats)."""
    status, stats = emulator.request("GET", "/emulator/stats")
    if status != 200:
        raise RuntimeError(f"GET /emulator/stats answered {status}")
    return stats


@dataclass(frozen=True)
class Provider:
    """One provider binary: `ours` or `bridged`, with the version its plugin installs as."""

    label: str
    binary: Path
    version: str

    def size(self) -> int:
        return self.binary.stat().st_size


class Running:
    """A plugin process with its gRPC stub; `started_in` is exec → port line, in seconds.

    It is started with posix_spawn and its first line read with select(), which adds about
    0.1 ms; Popen with a reader thread added over 1 ms, a third of our provider's figure."""

    def __init__(self, provider: Provider, env: dict):
        self.provider = provider
        self.pid = None
        read_end, write_end = os.pipe()
        devnull = os.open(os.devnull, os.O_RDWR)
        binary = str(provider.binary)
        try:
            began = time.perf_counter()
            self.pid = os.posix_spawn(
                binary,
                [binary],
                {**os.environ, **env},
                file_actions=[
                    (os.POSIX_SPAWN_DUP2, devnull, 0),
                    (os.POSIX_SPAWN_DUP2, write_end, 1),
                    (os.POSIX_SPAWN_DUP2, devnull, 2),
                ],
                setsid=True,  # its own process group, which stop() signals, as the engine does
            )
            os.close(write_end)
            write_end = None
            line = self._first_line(read_end)
            self.started_in = time.perf_counter() - began
            if not line.isdigit():
                raise RuntimeError(f"the {provider.label} provider's first line {line!r} is not a port")
            self.channel = grpc.insecure_channel(f"127.0.0.1:{line}")
            grpc.channel_ready_future(self.channel).result(timeout=START_TIMEOUT)
            self.driver = Driver(provider_pb2_grpc.ResourceProviderStub(self.channel), timeout=120)
        except BaseException:
            self.stop()
            raise
        finally:
            os.close(devnull)
            os.close(read_end)
            if write_end is not None:
                os.close(write_end)

    def _first_line(self, fd: int) -> str:
        deadline = time.monotonic() + START_TIMEOUT
        text = b""
        while b"\n" not in text:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise RuntimeError(f"the {self.provider.label} provider printed no port within {START_TIMEOUT:.0f} s")
            chunk = os.read(fd, 256)
            if not chunk:
                raise RuntimeError(f"the {self.provider.label} provider exited before printing its port")
            text += chunk
        return text.split(b"\n", 1)[0].decode().strip()

    def schema(self) -> int:
        """GetSchema, as the engine and YAML programs ask for it; returns the schema's length."""
        reply = self.driver.stub.GetSchema(provider_pb2.GetSchemaRequest(version=0), timeout=120)
        return len(reply.schema)

    def configure(self, emulator, engine: Optional[FakeEngine] = None) -> None:
        """Configure with the tenant's bare domain (both add https://) and its credentials."""
        if engine is not None:
            try:
                self.driver.handshake(engine.address)
            except grpc.RpcError as err:  # an engine of this version tolerates an old plugin
                if err.code() != grpc.StatusCode.UNIMPLEMENTED:
                    raise
        self.driver.configure(
            {"domain": emulator.domain, "clientId": emulator.client_id, "clientSecret": secret(emulator.client_secret)}
        )

    def status(self) -> dict:
        """VmRSS and VmHWM (peak) of the plugin, in KiB."""
        return memory_kib(self.pid)

    def cpu_seconds(self) -> float:
        """CPU time of every live thread of the plugin, from the scheduler's nanosecond counters
        (the per-process tick counts are 10 ms coarse); falls back to those ticks."""
        total = 0
        try:
            for task in Path(f"/proc/{self.pid}/task").iterdir():
                try:
                    total += int((task / "schedstat").read_text().split()[0])
                except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
                    continue
            if total:
                return total / 1e9
        except FileNotFoundError:
            pass
        stat = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(stat[11]) + int(stat[12])) / CLOCK_TICKS

    def stop(self) -> None:
        channel = getattr(self, "channel", None)
        if channel is not None:
            channel.close()
            self.channel = None
        if self.pid is None:
            return
        pid, self.pid = self.pid, None
        for sig, wait in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 10.0)):
            try:
                os.killpg(pid, sig)
            except ProcessLookupError:
                pass
            deadline = time.monotonic() + wait
            while time.monotonic() < deadline:
                if os.waitpid(pid, os.WNOHANG)[0] == pid:
                    return
                time.sleep(0.01)

    def __enter__(self) -> "Running":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
