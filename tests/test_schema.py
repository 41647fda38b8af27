"""JSON Schemas: derived from the classes, shipped as files, and an independent oracle for the codec."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import each
from hypothesis import given
from hypothesis import strategies as st

import cognito_spec as cs
from cognito_spec import MODEL_VERSION, STRUCTURES, schema, strategies
from cognito_spec.model import members_of, struct_info
from cognito_spec.patterns._unicode_tables import UNICODE_VERSION

ROOT = Path(__file__).resolve().parent.parent
TOP_LEVEL = sorted(
    (
        c
        for c in STRUCTURES.values()
        if (i := struct_info(c)) is not None and i.role in ("input", "output", "error")
    ),
    key=lambda c: c.__name__,
)
IDS = [c.__name__ for c in TOP_LEVEL]


def test_one_file_per_request_response_and_error() -> None:
    files = sorted(p.stem for p in (ROOT / "schemas").glob("*.json"))
    assert files == IDS
    assert sorted(schema.all_schemas()) == IDS


@pytest.mark.parametrize("cls", TOP_LEVEL, ids=IDS)
def test_shipped_schema_is_exactly_the_derived_one(cls: type) -> None:
    shipped = json.loads((ROOT / "schemas" / f"{cls.__name__}.json").read_text(encoding="utf-8"))
    assert shipped == cs.json_schema(cls)
    assert schema.load_schema(cls.__name__) == shipped


@pytest.mark.parametrize("cls", TOP_LEVEL, ids=IDS)
def test_schema_metadata(cls: type) -> None:
    doc = cs.json_schema(cls)
    assert doc["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert doc["$id"] == f"urn:cognito-spec:schema:{cls.__name__}"
    assert schema.annotations_of(doc) == {
        "x-model-version": MODEL_VERSION,
        "x-unicode-version": UNICODE_VERSION,
    }
    schema.check_schema(doc)


@pytest.mark.parametrize("cls", TOP_LEVEL, ids=IDS)
def test_facts_beyond_validation_are_comments_not_unknown_keywords(cls: type) -> None:
    """Strict validators (ajv's default) refuse unknown keywords; ``$comment`` they must accept."""
    keywords = {key for node in walk(cs.json_schema(cls)) for key in node if key.startswith("x-")}
    assert keywords == set()


def walk(node: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        found.append(node)
        for v in node.values():
            found.extend(walk(v))
    elif isinstance(node, list):
        for v in node:
            found.extend(walk(v))
    return found


@pytest.mark.parametrize("cls", TOP_LEVEL, ids=IDS)
def test_every_object_is_closed_and_every_pattern_is_anchored(cls: type) -> None:
    for node in walk(cs.json_schema(cls)):
        if "properties" in node:
            assert node["additionalProperties"] is False
        if "pattern" in node:
            assert node["pattern"].startswith("^(?:")
            assert node["pattern"].endswith(")$")


def test_schema_facts_for_one_class() -> None:
    doc = cs.json_schema(cs.AdminGetUserResponse)
    props = doc["properties"]
    assert doc["required"] == ["Username"]
    assert props["Username"]["pattern"] == "^(?:[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+)$"
    assert (props["Username"]["minLength"], props["Username"]["maxLength"]) == (1, 128)
    assert schema.annotations_of(props["Username"]) == {"x-sensitive": True}
    assert props["Username"]["$comment"] == '{"x-sensitive": true}'  # JSON text: readable anywhere
    assert schema.annotations_of(props["UserStatus"]) == {}
    assert props["UserCreateDate"]["type"] == ["number", "null"]
    assert schema.annotations_of(props["UserCreateDate"]) == {"x-timestamp-format": "epoch-seconds"}
    assert props["UserStatus"]["enum"][:2] == ["UNCONFIRMED", "CONFIRMED"]
    assert props["UserAttributes"]["items"] == {"$ref": "#/$defs/AttributeType"}
    pool = cs.json_schema(cs.AdminGetUserRequest)["properties"]["UserPoolId"]["pattern"]
    assert pool == "^(?:[0-9A-Z_a-z\\-]+_[0-9a-zA-Z]+)$"  # \w spelled out: ASCII, as in Java


@each(TOP_LEVEL, lambda c: c.__name__)
@given(data=st.data())
def test_every_encoded_object_validates_against_its_shipped_schema(
    pick: tuple[type, ...], data: st.DataObject
) -> None:
    cls = data.draw(st.sampled_from(pick), label="class")
    obj = data.draw(strategies.from_class(cls, adversarial=True, unknown_enums=False))
    body = json.loads(cs.dumps(obj))
    errors = list(schema.SchemaValidator(schema.load_schema(cls.__name__)).iter_errors(body))
    assert errors == []


@each(TOP_LEVEL, lambda c: c.__name__)
@given(data=st.data())
def test_strict_decoding_and_the_oracle_agree_on_valid_wire(
    pick: tuple[type, ...], data: st.DataObject
) -> None:
    cls = data.draw(st.sampled_from(pick), label="class")
    wire = data.draw(strategies.wire(cls, adversarial=True, unknown_enums=False))
    assert schema.validator_for(cls).is_valid(wire)
    cs.from_wire(wire, cls, strict=True)


@each(TOP_LEVEL, lambda c: c.__name__)
@given(data=st.data())
def test_strict_decoding_and_the_oracle_agree_on_near_misses(
    pick: tuple[type, ...], data: st.DataObject
) -> None:
    cls = data.draw(st.sampled_from(pick), label="class")
    """Inputs breaking one constraint (length by one, pattern, enum, type, required, unknown member)."""
    wire, violation = data.draw(strategies.invalid(cls))
    assert not schema.validator_for(cls).is_valid(wire), violation
    with pytest.raises(cs.DecodeError) as info:
        cs.from_wire(wire, cls, strict=True)
    assert [(v.path, v.kind) for v in info.value.violations] == [(violation.path, violation.kind)]


def test_the_oracle_reads_the_pattern_dialect() -> None:
    validator = schema.validator_for(cs.AdminGetUserRequest)
    assert validator.is_valid({"UserPoolId": "us-east-1_AbC", "Username": "ünï"})
    assert not validator.is_valid({"UserPoolId": "üs-east-1_AbC", "Username": "a"})
    assert not validator.is_valid({"UserPoolId": "us-east-1_AbC", "Username": "al ice"})
    assert not validator.is_valid({"UserPoolId": "us-east-1_AbC", "Username": "alice\n"})
    (error,) = validator.iter_errors({"UserPoolId": "us-east-1_AbC", "Username": "secret name"})
    assert "secret name" not in error.message  # the oracle does not quote values either


@pytest.mark.parametrize("cls", TOP_LEVEL, ids=IDS)
def test_every_sensitive_member_is_marked_in_its_schema(cls: type) -> None:
    doc = schema.json_schema(cls)
    objects = {cls.__name__: doc, **doc.get("$defs", {})}
    for name, node in objects.items():
        marked = {
            wire
            for wire, prop in node["properties"].items()
            if any(schema.annotations_of(n).get("x-sensitive") for n in [prop, *prop.get("anyOf", [])])
        }
        # A structure is a $ref; its own sensitive members carry the marks.
        expected = {
            m.wire for _, m in members_of(STRUCTURES[name]) if m.sensitive and m.shape.type != "structure"
        }
        assert marked == expected, name


# --------------------------------------------------------------------------------------------------
# Why stock python-jsonschema is not enough: it applies ``pattern`` with Python's ``re``.


def test_stock_jsonschema_refuses_the_schemas_with_unicode_properties_and_ours_reads_them() -> None:
    shipped = {name: schema.load_schema(name) for name in IDS}
    # Python's re knows neither Unicode properties (\p{L}) nor ECMA's code point escapes (\u{10FFFF}).
    with_properties = {
        name for name, doc in shipped.items() if "\\p{" in json.dumps(doc) or "\\u{" in json.dumps(doc)
    }
    refused = set()
    for name, doc in shipped.items():
        try:
            jsonschema.Draft202012Validator.check_schema(doc)  # `re` cannot compile \p{L}
        except jsonschema.SchemaError:
            refused.add(name)
        schema.check_schema(doc)  # the dialect-aware check accepts every file
    assert refused == with_properties
    assert "AdminGetUserRequest" in refused
    stock = jsonschema.Draft202012Validator(shipped["AdminGetUserRequest"])
    with pytest.raises(re.error):
        stock.is_valid({"UserPoolId": "us-east-1_AbC", "Username": "alice"})


def test_stock_jsonschema_lets_a_trailing_newline_through_dollar_and_ours_does_not() -> None:
    pool_id = schema.load_schema("AdminGetUserRequest")["properties"]["UserPoolId"]
    assert pool_id["pattern"] == "^(?:[0-9A-Z_a-z\\-]+_[0-9a-zA-Z]+)$"  # no \p: stock `re` compiles it
    # In Python `$` also matches just before a final "\n"; in ECMA-262 (and for the service) it is
    # the end of the string.
    assert jsonschema.Draft202012Validator(pool_id).is_valid("us-east-1_AbC\n")
    assert not schema.SchemaValidator(pool_id).is_valid("us-east-1_AbC\n")
    assert schema.SchemaValidator(pool_id).is_valid("us-east-1_AbC")
    with pytest.raises(cs.DecodeError):
        cs.from_wire(
            {"UserPoolId": "us-east-1_AbC\n", "Username": "alice"}, cs.AdminGetUserRequest, strict=True
        )
