#!/usr/bin/env python3
"""Start a provider plugin binary the way the engine does and ask it one question over gRPC.

    plugin_probe.py [--runner CMD] BINARY info     prints the version GetPluginInfo answers
    plugin_probe.py [--runner CMD] BINARY schema   prints the schema GetSchema answers

--runner runs the binary through another program, e.g. qemu-aarch64-static or wine. Needs the
PyPI `pulumi` package (its generated gRPC stubs). Every wait is bounded and the plugin's whole
process group is killed at the end.
"""

from __future__ import annotations

import argparse
import os
import select
import shlex
import signal
import subprocess
import sys
import time

START_TIMEOUT = 60  # seconds; qemu and wine start slowly
RPC_TIMEOUT = 30


def read_port(process: subprocess.Popen, timeout: float) -> int:
    """The first stdout line, which a plugin prints as its port."""
    deadline = time.monotonic() + timeout
    line = b""
    while not line.endswith(b"\n"):
        left = deadline - time.monotonic()
        if left <= 0:
            raise RuntimeError(f"the plugin printed no port within {timeout} s")
        ready, _, _ = select.select([process.stdout], [], [], left)
        if not ready:
            continue
        chunk = os.read(process.stdout.fileno(), 1)
        if not chunk:
            raise RuntimeError(f"the plugin exited (status {process.wait(10)}) before printing its port")
        line += chunk
    text = line.decode().strip()
    if not text.isdigit():
        raise RuntimeError(f"the plugin's first stdout line is {text!r}, not a port number")
    return int(text)


def probe(binary: str, question: str, runner: str = "") -> str:
    import grpc
    from google.protobuf import empty_pb2
    from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

    command = [*shlex.split(runner), binary]
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        port = read_port(process, START_TIMEOUT)
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            stub = provider_pb2_grpc.ResourceProviderStub(channel)
            if question == "info":
                return stub.GetPluginInfo(empty_pb2.Empty(), timeout=RPC_TIMEOUT).version
            return stub.GetSchema(provider_pb2.GetSchemaRequest(version=0), timeout=RPC_TIMEOUT).schema
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(timeout=10)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runner", default="", help="a program to run the binary through")
    parser.add_argument("binary")
    parser.add_argument("question", choices=["info", "schema"])
    args = parser.parse_args()
    try:
        print(probe(args.binary, args.question, args.runner))
    except Exception as e:  # one sentence, no traceback
        print(f"plugin_probe: {args.binary}: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
