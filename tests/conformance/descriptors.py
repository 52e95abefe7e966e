"""Wire definitions side by side: our proto/ compiled to descriptors, and the descriptors the
pinned `pulumi` PyPI package ships. Only what reaches the wire is compared: fully qualified
names, field numbers, types, labels, oneofs, proto3 optional, enum values, RPC signatures."""

import os
import tempfile
from dataclasses import dataclass, field
from importlib import resources

from google.protobuf import descriptor_pb2

# The Python modules of the pinned package whose descriptors define the protocol we speak.
PINNED_MODULES = ("provider_pb2", "plugin_pb2", "engine_pb2", "alias_pb2", "status_pb2")

# Our files, relative to proto/.
OUR_FILES = (
    "pulumi/provider.proto",
    "pulumi/plugin.proto",
    "pulumi/alias.proto",
    "pulumi/engine.proto",
    "google/rpc/status.proto",
)

_TYPES = {v: k for k, v in descriptor_pb2.FieldDescriptorProto.Type.items()}
_LABELS = {v: k for k, v in descriptor_pb2.FieldDescriptorProto.Label.items()}


@dataclass
class Index:
    """Everything named in a set of files, keyed by fully qualified name without the dot."""

    messages: dict = field(default_factory=dict)
    enums: dict = field(default_factory=dict)
    services: dict = field(default_factory=dict)

    def add_file(self, fd: descriptor_pb2.FileDescriptorProto) -> None:
        prefix = fd.package
        for message in fd.message_type:
            self._add_message(prefix, message)
        for enum in fd.enum_type:
            self.enums[_join(prefix, enum.name)] = enum
        for service in fd.service:
            self.services[_join(prefix, service.name)] = service

    def _add_message(self, prefix: str, message) -> None:
        name = _join(prefix, message.name)
        self.messages[name] = message
        for nested in message.nested_type:
            self._add_message(name, nested)
        for enum in message.enum_type:
            self.enums[_join(name, enum.name)] = enum


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def pinned_index() -> Index:
    """The pinned package's descriptors, read from the modules' serialized FileDescriptorProtos."""
    import importlib

    index = Index()
    for module in PINNED_MODULES:
        mod = importlib.import_module(f"pulumi.runtime.proto.{module}")
        fd = descriptor_pb2.FileDescriptorProto()
        fd.ParseFromString(mod.DESCRIPTOR.serialized_pb)
        index.add_file(fd)
    return index


def compile_ours(proto_dir: str) -> Index:
    """Compiles proto/ with the protoc bundled in grpcio-tools and indexes the result."""
    from grpc_tools import protoc

    well_known = str(resources.files("grpc_tools") / "_proto")
    index = Index()
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "ours.binpb")
        args = ["protoc", f"-I{proto_dir}", f"-I{well_known}", f"--descriptor_set_out={out}"]
        code = protoc.main(args + list(OUR_FILES))
        if code != 0:
            raise RuntimeError(f"protoc could not compile {proto_dir} (exit {code}); fix the .proto files it names above")
        fds = descriptor_pb2.FileDescriptorSet()
        with open(out, "rb") as f:
            fds.ParseFromString(f.read())
    for fd in fds.file:
        index.add_file(fd)
    return index


def _field_shape(message, f) -> dict:
    oneof = None
    if f.HasField("oneof_index"):
        oneof = message.oneof_decl[f.oneof_index].name
    return {
        "number": f.number,
        "type": _TYPES[f.type],
        "type_name": f.type_name,
        "label": _LABELS[f.label],
        "oneof": oneof,
        "proto3_optional": f.proto3_optional,
    }


def compare_message(name: str, ours, theirs) -> list:
    """Every difference between two message descriptors, one sentence each, naming the field."""
    problems = []
    our_fields = {f.name: f for f in ours.field}
    their_fields = {f.name: f for f in theirs.field}
    for fname, f in our_fields.items():
        if fname not in their_fields:
            problems.append(f"{name}.{fname} (number {f.number}) is in proto/ but not in the pinned pulumi; remove it")
            continue
        a, b = _field_shape(ours, f), _field_shape(theirs, their_fields[fname])
        for key in a:
            if a[key] != b[key]:
                problems.append(f"{name}.{fname}: {key} is {a[key]!r} in proto/ but {b[key]!r} in the pinned pulumi")
    for fname, f in their_fields.items():
        if fname not in our_fields:
            problems.append(f"{name}.{fname} (number {f.number}) is in the pinned pulumi but missing from proto/")
    our_reserved = sorted((r.start, r.end) for r in ours.reserved_range)
    their_numbers = {f.number for f in theirs.field}
    for start, end in our_reserved:
        clash = sorted(n for n in their_numbers if start <= n < end)
        if clash:
            problems.append(f"{name}: proto/ reserves number(s) {clash} that the pinned pulumi uses")
    return problems


def compare_enum(name: str, ours, theirs) -> list:
    problems = []
    a = {v.name: v.number for v in ours.value}
    b = {v.name: v.number for v in theirs.value}
    for vname in sorted(set(a) | set(b)):
        if vname not in b:
            problems.append(f"{name}.{vname} = {a[vname]} is in proto/ but not in the pinned pulumi")
        elif vname not in a:
            problems.append(f"{name}.{vname} = {b[vname]} is in the pinned pulumi but missing from proto/")
        elif a[vname] != b[vname]:
            problems.append(f"{name}.{vname} is {a[vname]} in proto/ but {b[vname]} in the pinned pulumi")
    return problems


def _rpc_shape(m) -> dict:
    return {
        "input_type": m.input_type,
        "output_type": m.output_type,
        "client_streaming": m.client_streaming,
        "server_streaming": m.server_streaming,
    }


def compare_service(name: str, ours, theirs) -> list:
    problems = []
    a = {m.name: m for m in ours.method}
    b = {m.name: m for m in theirs.method}
    for rpc in sorted(set(a) | set(b)):
        if rpc not in b:
            problems.append(f"{name}.{rpc} is in proto/ but not in the pinned pulumi")
        elif rpc not in a:
            problems.append(f"{name}.{rpc} is in the pinned pulumi but missing from proto/")
        else:
            x, y = _rpc_shape(a[rpc]), _rpc_shape(b[rpc])
            for key in x:
                if x[key] != y[key]:
                    problems.append(f"{name}.{rpc}: {key} is {x[key]!r} in proto/ but {y[key]!r} in the pinned pulumi")
    return problems
