"""botocore agrees with us, both ways: it reads what we write, we read what it writes."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import botocore.session
from botocore.parsers import create_parser
from botocore.serialize import create_serializer
from conftest import each
from hypothesis import given
from hypothesis import strategies as st

import cognito_spec as cs
from cognito_spec import strategies
from cognito_spec.model import Shape, members_of
from cognito_spec.protocol.envelope import render_error

MODEL = botocore.session.get_session().get_service_model("cognito-idp")
PARSER = create_parser("json")
SERIALIZER = create_serializer("json", include_validation=True)
OPERATIONS = sorted(cs.OPERATIONS)


def python_value(value: Any, shape: Shape) -> Any:
    """What botocore's parser returns for one of our values (wire names, datetimes, lists)."""
    if value is None:
        return None
    if shape.type == "structure":
        return {
            m.wire: python_value(getattr(value, name), m.shape)
            for name, m in members_of(type(value))
            if getattr(value, name) is not None
        }
    if shape.type == "list":
        assert shape.member is not None
        return [python_value(v, shape.member) for v in value]
    if shape.type == "map":
        assert shape.key is not None and shape.value is not None
        return {python_value(k, shape.key): python_value(v, shape.value) for k, v in value.items()}
    if shape.type == "string":
        return str.__str__(value)
    return value


def as_params(obj: Any) -> dict[str, Any]:
    return python_value(obj, Shape(name=type(obj).__name__, type="structure"))  # type: ignore[no-any-return]


def same_instant(ours: datetime, theirs: datetime) -> bool:
    # botocore builds datetimes with float arithmetic: compare at the wire's millisecond precision.
    return abs((ours - theirs.astimezone(UTC)).total_seconds()) < 0.0005


def assert_same(ours: Any, theirs: Any, where: str = "") -> None:
    if isinstance(ours, datetime):
        assert isinstance(theirs, datetime), where
        assert same_instant(ours, theirs), where
    elif isinstance(ours, dict):
        assert set(ours) == set(theirs), where
        for k in ours:
            assert_same(ours[k], theirs[k], f"{where}/{k}")
    elif isinstance(ours, list):
        assert len(ours) == len(theirs), where
        for i, (a, b) in enumerate(zip(ours, theirs, strict=True)):
            assert_same(a, b, f"{where}/{i}")
    else:
        assert ours == theirs, where


@each(OPERATIONS)
@given(data=st.data())
def test_botocore_parses_our_responses_to_the_same_values(pick: tuple[str, ...], data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(pick), label="operation")
    op = cs.OPERATIONS[name]
    if op.output is None:
        # No output shape: the answer is `{}`, and botocore reads nothing from it.
        assert MODEL.operation_model(name).output_shape is None
        assert cs.render_response(None, operation=op).body == b"{}"
        return
    obj = data.draw(strategies.from_class(op.output, adversarial=True))
    parsed = PARSER.parse(
        {"body": cs.dumps(obj), "headers": {}, "status_code": 200}, MODEL.operation_model(name).output_shape
    )
    parsed.pop("ResponseMetadata", None)
    assert_same(as_params(obj), parsed)


@each(OPERATIONS)
@given(data=st.data())
def test_botocore_parses_our_error_bodies(pick: tuple[str, ...], data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(pick), label="operation")
    op = cs.OPERATIONS[name]
    err = data.draw(st.sampled_from(op.errors).flatmap(lambda c: strategies.from_class(c, adversarial=True)))
    status, headers, body = render_error(err)
    parsed = PARSER.parse(
        {"body": body, "headers": dict(headers), "status_code": status},
        MODEL.operation_model(name).output_shape,
    )
    assert parsed["Error"]["Code"] == type(err).code
    assert parsed["Error"].get("Message", "") == (err.message or "")


@each(OPERATIONS)
@given(data=st.data())
def test_we_decode_what_botocore_serialises(pick: tuple[str, ...], data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(pick), label="operation")
    op = cs.OPERATIONS[name]
    obj = data.draw(strategies.from_class(op.input, adversarial=True))
    request = SERIALIZER.serialize_to_request(as_params(obj), MODEL.operation_model(name))
    assert request["headers"]["X-Amz-Target"] == op.target
    assert request["headers"]["Content-Type"] == "application/x-amz-json-1.1"
    assert cs.loads(request["body"], op.input, strict=True) == obj


def test_botocore_reads_the_services_own_timestamp_form_as_we_do() -> None:
    body = b'{"Username":"a","UserCreateDate":1.682955829578E9}'
    parsed = PARSER.parse(
        {"body": body, "headers": {}, "status_code": 200}, MODEL.operation_model("AdminGetUser").output_shape
    )
    ours = cs.loads(body, cs.AdminGetUserResponse).user_create_date
    assert ours is not None
    assert same_instant(ours, parsed["UserCreateDate"])
    assert json.loads(cs.dumps(cs.loads(body, cs.AdminGetUserResponse)))["UserCreateDate"] == 1682955829.578
