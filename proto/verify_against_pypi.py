"""Checks that proto/ is wire compatible with the Pulumi engine's protocol.

Compiles proto/ with grpcio-tools' protoc and compares every message, field (number, name,
type, label, optional, oneof), reserved range, enum value and RPC signature with the
descriptors shipped in the PyPI `pulumi` package. Exits 1 on any difference.

    python3 -m venv /tmp/protovenv && /tmp/protovenv/bin/pip install pulumi grpcio-tools
    /tmp/protovenv/bin/python proto/verify_against_pypi.py
"""

import importlib
import os
import sys
import tempfile

import grpc_tools
from google.protobuf import descriptor_pb2
from grpc_tools import protoc

HERE = os.path.dirname(os.path.abspath(__file__))
# Our file -> the module in pulumi.runtime.proto holding the same definitions.
FILES = {
    "pulumi/provider.proto": "provider_pb2",
    "pulumi/plugin.proto": "plugin_pb2",
    "pulumi/alias.proto": "alias_pb2",
    "pulumi/engine.proto": "engine_pb2",
    "google/rpc/status.proto": "status_pb2",
}


def compile_ours():
    well_known = os.path.join(os.path.dirname(grpc_tools.__file__), "_proto")
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "fds.pb")
        args = ["protoc", "-I" + HERE, "-I" + well_known, "--descriptor_set_out=" + out, *FILES]
        if protoc.main(args) != 0:
            sys.exit("protoc could not compile proto/")
        fds = descriptor_pb2.FileDescriptorSet()
        with open(out, "rb") as f:
            fds.ParseFromString(f.read())
    return {f.name: f for f in fds.file}


def upstream(module):
    fd = descriptor_pb2.FileDescriptorProto()
    importlib.import_module("pulumi.runtime.proto." + module).DESCRIPTOR.CopyToProto(fd)
    return fd


def messages(fd):
    def walk(msg, prefix):
        name = prefix + "." + msg.name
        yield name, msg
        for nested in msg.nested_type:
            yield from walk(nested, name)

    for msg in fd.message_type:
        yield from walk(msg, fd.package)


def enums(fd):
    found = {fd.package + "." + e.name: e for e in fd.enum_type}
    for name, msg in messages(fd):
        found.update({name + "." + e.name: e for e in msg.enum_type})
    return found


def fields(msg):
    def oneof(f):
        return msg.oneof_decl[f.oneof_index].name if f.HasField("oneof_index") else None

    return {f.number: (f.name, f.type, f.label, f.type_name, f.proto3_optional, oneof(f)) for f in msg.field}


def reserved(msg):
    return sorted((r.start, r.end) for r in msg.reserved_range), sorted(msg.reserved_name)


def methods(fd):
    return {
        (s.name, m.name): (m.input_type, m.output_type, m.client_streaming, m.server_streaming)
        for s in fd.service
        for m in s.method
    }


def compare(label, theirs, ours, problems):
    for key in sorted(set(theirs) | set(ours), key=str):
        if theirs.get(key) != ours.get(key):
            problems.append(f"{label} {key}: pulumi has {theirs.get(key)}, proto/ has {ours.get(key)}")


def main():
    ours_by_file = compile_ours()
    problems = []
    for path, module in FILES.items():
        theirs, ours = upstream(module), ours_by_file[path]
        if theirs.package != ours.package:
            problems.append(f"{path}: package {ours.package}, pulumi has {theirs.package}")
        their_msgs, our_msgs = dict(messages(theirs)), dict(messages(ours))
        compare("message", {k: True for k in their_msgs}, {k: True for k in our_msgs}, problems)
        for name in set(their_msgs) & set(our_msgs):
            compare(name + " field", fields(their_msgs[name]), fields(our_msgs[name]), problems)
            compare(name + " reserved", {0: reserved(their_msgs[name])}, {0: reserved(our_msgs[name])}, problems)
        their_enums, our_enums = enums(theirs), enums(ours)
        compare(
            "enum",
            {k: [(v.name, v.number) for v in e.value] for k, e in their_enums.items()},
            {k: [(v.name, v.number) for v in e.value] for k, e in our_enums.items()},
            problems,
        )
        compare("rpc", methods(theirs), methods(ours), problems)
    from importlib.metadata import version
    for p in problems:
        print(p)
    print(f"compared proto/ with pulumi {version('pulumi')}: {len(problems)} difference(s)")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
