"""Wire compatibility: every message, enum and service in proto/ matches the descriptors the
pinned `pulumi` PyPI package ships, in both directions."""

import pytest

import descriptors
from harness import PROTO_DIR

OURS = descriptors.compile_ours(PROTO_DIR)
PINNED = descriptors.pinned_index()


def _fail_with(problems):
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


@pytest.mark.parametrize("name", sorted(OURS.messages))
def test_every_message_matches_the_pinned_descriptor_field_by_field(name):
    if name not in PINNED.messages:
        pytest.fail(f"message {name} is in proto/ but not in the pinned pulumi; remove it", pytrace=False)
    _fail_with(descriptors.compare_message(name, OURS.messages[name], PINNED.messages[name]))


@pytest.mark.parametrize("name", sorted(OURS.enums))
def test_every_enum_has_the_pinned_values(name):
    if name not in PINNED.enums:
        pytest.fail(f"enum {name} is in proto/ but not in the pinned pulumi; remove it", pytrace=False)
    _fail_with(descriptors.compare_enum(name, OURS.enums[name], PINNED.enums[name]))


@pytest.mark.parametrize("name", sorted(OURS.services))
def test_every_service_has_the_pinned_rpc_signatures(name):
    if name not in PINNED.services:
        pytest.fail(f"service {name} is in proto/ but not in the pinned pulumi; remove it", pytrace=False)
    _fail_with(descriptors.compare_service(name, OURS.services[name], PINNED.services[name]))


def test_the_protocol_services_the_engine_uses_are_all_in_proto():
    for name in ("pulumirpc.ResourceProvider", "pulumirpc.Engine"):
        assert name in OURS.services, f"service {name} is missing from proto/"


def test_every_type_an_rpc_or_field_names_is_defined_in_proto_or_well_known():
    known = set(OURS.messages) | set(OURS.enums)
    missing = []
    for name, message in OURS.messages.items():
        for f in message.field:
            ref = f.type_name.lstrip(".")
            if ref and ref not in known and not ref.startswith("google.protobuf."):
                missing.append(f"{name}.{f.name} refers to {ref}, which proto/ does not define")
    _fail_with(missing)


# The comparison itself must catch drift; these feed it altered copies of real descriptors.


def _copy(message):
    clone = type(message)()
    clone.CopyFrom(message)
    return clone


def test_a_renumbered_field_is_reported_with_message_and_field_name():
    theirs = PINNED.messages["pulumirpc.CreateRequest"]
    ours = _copy(theirs)
    next(f for f in ours.field if f.name == "preview").number = 40
    problems = descriptors.compare_message("pulumirpc.CreateRequest", ours, theirs)
    assert problems == ["pulumirpc.CreateRequest.preview: number is 40 in proto/ but 4 in the pinned pulumi"]


def test_an_extra_field_and_a_missing_field_are_both_reported():
    theirs = PINNED.messages["pulumirpc.ProviderHandshakeRequest"]
    ours = _copy(theirs)
    extra = ours.field.add()
    extra.CopyFrom(ours.field[0])
    extra.name, extra.number = "from_the_future", 99
    gone = next(i for i, f in enumerate(ours.field) if f.name == "accepts_byte_string")
    del ours.field[gone]
    problems = descriptors.compare_message("pulumirpc.ProviderHandshakeRequest", ours, theirs)
    assert any("from_the_future (number 99) is in proto/ but not in the pinned" in p for p in problems), problems
    assert any("accepts_byte_string (number 11) is in the pinned pulumi but missing" in p for p in problems), problems


def test_a_changed_type_label_or_optional_flag_is_reported():
    theirs = PINNED.messages["pulumirpc.ProviderHandshakeRequest"]
    ours = _copy(theirs)
    root = next(f for f in ours.field if f.name == "root_directory")
    root.proto3_optional = False
    root.ClearField("oneof_index")
    address = next(f for f in ours.field if f.name == "engine_address")
    address.type = address.TYPE_BYTES
    address.label = address.LABEL_REPEATED
    problems = descriptors.compare_message("pulumirpc.ProviderHandshakeRequest", ours, theirs)
    text = "\n".join(problems)
    assert "root_directory: oneof is None" in text and "root_directory: proto3_optional is False" in text, text
    assert "engine_address: type is 'TYPE_BYTES'" in text and "engine_address: label is 'LABEL_REPEATED'" in text, text


def test_a_streaming_flag_or_signature_change_on_an_rpc_is_reported():
    theirs = PINNED.services["pulumirpc.ResourceProvider"]
    ours = _copy(theirs)
    listing = next(m for m in ours.method if m.name == "List")
    listing.server_streaming = False
    delete = next(m for m in ours.method if m.name == "Delete")
    delete.output_type = ".pulumirpc.DeleteResponse"
    problems = descriptors.compare_service("pulumirpc.ResourceProvider", ours, theirs)
    assert "pulumirpc.ResourceProvider.List: server_streaming is False in proto/ but True in the pinned pulumi" in problems
    assert any(p.startswith("pulumirpc.ResourceProvider.Delete: output_type") for p in problems), problems


def test_a_renumbered_enum_value_is_reported():
    theirs = PINNED.enums["pulumirpc.DiffResponse.DiffChanges"]
    ours = _copy(theirs)
    ours.value[0].number = 7
    problems = descriptors.compare_enum("pulumirpc.DiffResponse.DiffChanges", ours, theirs)
    assert problems == ["pulumirpc.DiffResponse.DiffChanges.DIFF_UNKNOWN is 7 in proto/ but 0 in the pinned pulumi"]
