"""The service's InvalidParameterException message: written exactly, read back, built into errors."""

from __future__ import annotations

import json
from typing import Any

import pytest
from _wire_examples import breaking_strings, example, positions, set_at, shape_classes, shaped_values
from hypothesis import given
from hypothesis import strategies as st

from cognito_spec import (
    OPERATIONS,
    AdminGetUserRequest,
    AdminGetUserResponse,
    GetUserRequest,
    GetUserResponse,
    InvalidParameterException,
    SerializationException,
)
from cognito_spec.codec.violations import Violation, unanchored
from cognito_spec.errors import ArgumentValueError, MessageFormatError
from cognito_spec.validation.answers import invalid_parameter, service_error
from cognito_spec.validation.messages import (
    MESSAGE_KINDS,
    ValidationItem,
    message_items,
    parse_validation_message,
    validation_message,
)
from cognito_spec.validation.validate import validate

INPUTS = [op.input for op in OPERATIONS.values()]

# Captured from the service (issue 3): the exact text of the InvalidParameterException message.
REAL_EMPTY_ACCESS_TOKEN = (
    "1 validation error detected: Value at 'accessToken' failed to satisfy constraint: "
    "Member must satisfy regular expression pattern: [A-Za-z0-9-_=.]+"
)
REAL_POOL_ID_LEADING_SPACE = (
    "1 validation error detected: Value ' ap-northeast-1_xxx' at 'userPoolId' failed to satisfy "
    "constraint: Member must satisfy regular expression pattern: [\\w-]+_[0-9a-zA-Z]+"
)
# UpdateUserAttributes without an access token, against the service (wire-truth.md section 4.3).
REAL_NULL_ACCESS_TOKEN = "1 validation error detected: Value at 'accessToken' failed to satisfy constraint: Member must not be null"


def test_real_message_for_an_empty_access_token() -> None:
    out = validate(b'{"AccessToken":""}', GetUserRequest)
    assert validation_message(out) == REAL_EMPTY_ACCESS_TOKEN


def test_real_message_for_a_pool_id_with_a_leading_space() -> None:
    out = validate(b'{"UserPoolId":" ap-northeast-1_xxx","Username":"alice"}', AdminGetUserRequest)
    assert validation_message(out) == REAL_POOL_ID_LEADING_SPACE


@pytest.mark.parametrize("text", [REAL_EMPTY_ACCESS_TOKEN, REAL_POOL_ID_LEADING_SPACE])
def test_real_messages_parse_and_render_back_unchanged(text: str) -> None:
    items = parse_validation_message(text)
    assert len(items) == 1
    assert items[0].kind == "pattern"
    assert validation_message(items) == text


def test_parsed_real_message_names_path_value_and_pattern() -> None:
    (item,) = parse_validation_message(REAL_POOL_ID_LEADING_SPACE)
    assert item == ValidationItem(
        path="userPoolId",
        constraint="Member must satisfy regular expression pattern: [\\w-]+_[0-9a-zA-Z]+",
        value=" ap-northeast-1_xxx",
    )
    assert item.limit == "[\\w-]+_[0-9a-zA-Z]+"
    (hidden,) = parse_validation_message(REAL_EMPTY_ACCESS_TOKEN)
    assert (hidden.value, hidden.null, hidden.path) == (None, False, "accessToken")


# --------------------------------------------------------------------------------------------------
# Every complete message the service is known to have sent (wire-truth.md section 4.3), verbatim:
# each is reproduced from violations and parses back to the same items.  Messages of operations
# outside the covered model are reproduced from hand-built violations with the sensitivity the
# pinned model gives their shapes (UsernameType, PasswordType, TokenModelType sensitive;
# UserPoolIdType, AttributeNameType, ConfirmationCodeType not), listed in the model's member order
# so that the service's order has to come from sorting.  boto/boto3#3581 is left out: the source
# gives that message truncated.

USERNAME_PATTERN = "[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+"
# The pattern of attribute names in user pools created before May 2024 (wire-truth.md section 1.4).
OLD_ATTRIBUTE_NAME_PATTERN = "[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+"
# amazon-cognito-identity-js#388 (SignUp), the raw response body.
SIGN_UP_BODY = (
    '{"__type":"InvalidParameterException","message":"4 validation errors detected: '
    "Value at 'password' failed to satisfy constraint: Member must have length greater than or equal to 6; "
    "Value at 'password' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\\\S]+; "
    "Value at 'username' failed to satisfy constraint: Member must have length greater than or equal to 1; "
    "Value at 'username' failed to satisfy constraint: Member must satisfy regular expression pattern: "
    '[\\\\p{L}\\\\p{M}\\\\p{S}\\\\p{N}\\\\p{P}]+"}'
)


def _pool_request(**members: Any) -> list[Violation]:
    return validate({"UserPoolId": "us-east-1_abc", **members}, AdminGetUserRequest)


SOURCED: list[tuple[str, str, Any]] = [
    (
        "boto/boto3#2951",
        "1 validation error detected: Value at 'username' failed to satisfy constraint: Member must satisfy "
        "regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+",
        lambda: _pool_request(Username="a b"),
    ),
    (
        "Kotlin test against SignUp",
        "1 validation error detected: Value at 'username' failed to satisfy constraint: Member must have "
        "length less than or equal to 128",
        lambda: _pool_request(Username="x" * 129),
    ),
    (
        "amazon-cognito-identity-js#388",
        json.loads(SIGN_UP_BODY)["message"],
        lambda: [
            Violation(("Username",), "length_min", 1, value="", sensitive=True),
            Violation(("Username",), "pattern", USERNAME_PATTERN, value="", sensitive=True),
            Violation(("Password",), "pattern", "[\\S]+", value="", sensitive=True),
            Violation(("Password",), "length_min", 6, value="", sensitive=True),
        ],
    ),
    (
        "anomalyco/guide#127",
        "1 validation error detected: Value 'YOUR_USER_POOL_ID' at 'userPoolId' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [\\w-]+_[0-9a-zA-Z]+",
        # The value matches the printed pattern: the service checks more than it prints (an anomaly).
        lambda: [Violation(("UserPoolId",), "pattern", "[\\w-]+_[0-9a-zA-Z]+", value="YOUR_USER_POOL_ID")],
    ),
    (
        "aws/aws-sdk-js#3344",
        REAL_POOL_ID_LEADING_SPACE,
        lambda: _pool_request(UserPoolId=" ap-northeast-1_xxx", Username="alice"),
    ),
    (
        "Java test, empty access token",
        REAL_EMPTY_ACCESS_TOKEN,
        lambda: validate({"AccessToken": ""}, GetUserRequest),
    ),
    (
        "Java test, null access token",
        REAL_NULL_ACCESS_TOKEN,
        lambda: validate({"AccessToken": None}, GetUserRequest),
    ),
    (
        "Java test, empty attribute name",
        "2 validation errors detected: Value '' at 'userAttributes.1.member.name' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1; Value '' at 'userAttributes.1.member.name' failed "
        "to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+",
        lambda: [
            Violation(("UserAttributes", 0, "Name"), "pattern", OLD_ATTRIBUTE_NAME_PATTERN, value=""),
            Violation(("UserAttributes", 0, "Name"), "length_min", 1, value=""),
        ],
    ),
    (
        "Java test, null attribute name",
        "1 validation error detected: Value null at 'userAttributes.1.member.name' failed to satisfy constraint: "
        "Member must not be null",
        lambda: validate({"Username": "u", "UserAttributes": [{"Value": "secret"}]}, GetUserResponse),
    ),
    (
        "aws-amplify/amplify-js#6460",
        "1 validation error detected: Value null at 'confirmationCode' failed to satisfy constraint: "
        "Member must not be null",
        lambda: [Violation(("ConfirmationCode",), "required", None)],
    ),
]


@pytest.mark.parametrize(("source", "text", "violations"), SOURCED, ids=[s[0] for s in SOURCED])
def test_every_sourced_message_is_reproduced_verbatim_and_parses_back(
    source: str, text: str, violations: Any
) -> None:
    out = violations()
    assert validation_message(out) == text
    items = parse_validation_message(text)
    assert items == message_items(out)
    assert validation_message(items) == text


def test_a_sourced_message_behind_an_sdk_prefix_reads_the_same() -> None:
    # aws/aws-sdk-js#3344 printed the message after the error's name.
    assert parse_validation_message("InvalidParameterException: " + REAL_POOL_ID_LEADING_SPACE) == (
        parse_validation_message(REAL_POOL_ID_LEADING_SPACE)
    )


# --------------------------------------------------------------------------------------------------
# The format


def test_null_members_are_value_null_unless_sensitive_and_the_count_is_plural() -> None:
    # UserPoolIdType is not sensitive, UsernameType is: the service hides even the null of the latter.
    assert validation_message(validate(b"{}", AdminGetUserRequest)) == (
        "2 validation errors detected: "
        "Value null at 'userPoolId' failed to satisfy constraint: Member must not be null; "
        "Value at 'username' failed to satisfy constraint: Member must not be null"
    )


@pytest.mark.parametrize("body", [b'{"AccessToken":null}', b"{}"], ids=["null", "absent"])
def test_a_null_sensitive_member_leaves_the_value_out(body: bytes) -> None:
    out = validate(body, GetUserRequest)
    assert validation_message(out) == REAL_NULL_ACCESS_TOKEN
    (item,) = parse_validation_message(REAL_NULL_ACCESS_TOKEN)
    assert item == ValidationItem("accessToken", "Member must not be null")
    assert (item.kind, item.value, item.null) == ("required", None, False)
    assert message_items(out) == [item]


def test_value_null_is_refused_with_a_value() -> None:
    with pytest.raises(ArgumentValueError):
        ValidationItem("a", "Member must not be null", value="x", null=True)


def test_length_item_comes_before_pattern_item_for_one_member() -> None:
    out = validate(b'{"UserPoolId":"","Username":"bob"}', AdminGetUserRequest)
    assert validation_message(out) == (
        "2 validation errors detected: "
        "Value '' at 'userPoolId' failed to satisfy constraint: Member must have length greater than or equal to 1; "
        "Value '' at 'userPoolId' failed to satisfy constraint: Member must satisfy regular expression pattern: "
        "[\\w-]+_[0-9a-zA-Z]+"
    )


def test_sensitive_values_are_left_out() -> None:
    out = validate(
        json.dumps({"UserPoolId": "us-east-1_abc", "Username": "x" * 129}).encode(), AdminGetUserRequest
    )
    assert validation_message(out) == (
        "1 validation error detected: Value at 'username' failed to satisfy constraint: "
        "Member must have length less than or equal to 128"
    )


def test_items_are_ordered_by_member_path_not_model_order() -> None:
    # The model declares Username before UserAttributes; the service sorts by path (see validate.py).
    body = {"Username": "", "UserAttributes": [{"Name": "a" * 40}]}
    msg = validation_message(validate(body, GetUserResponse))
    paths = [item.path for item in parse_validation_message(msg)]
    assert paths == ["userAttributes.1.member.name", "username", "username"]


def test_list_items_count_from_one_and_numerically() -> None:
    attrs = [{"Name": f"n{i}"} for i in range(11)]
    attrs[1]["Name"] = ""
    attrs[10]["Name"] = ""
    out = validate({"Username": "u", "UserAttributes": attrs}, GetUserResponse)
    paths = [item.path for item in message_items(out)]
    assert paths == ["userAttributes.2.member.name"] * 2 + ["userAttributes.11.member.name"] * 2


def test_enum_items_list_the_model_values_in_brackets() -> None:
    body = {"Username": "u", "MFAOptions": [{"DeliveryMedium": "PIGEON"}]}
    msg = validation_message(validate(body, AdminGetUserResponse))
    assert msg == (
        "1 validation error detected: Value 'PIGEON' at 'mFAOptions.1.member.deliveryMedium' failed to "
        "satisfy constraint: Member must satisfy enum value set: [SMS, EMAIL]"
    )
    (item,) = parse_validation_message(msg)
    assert (item.kind, item.limit) == ("enum", ("SMS", "EMAIL"))


def test_patterns_are_printed_without_anchors() -> None:
    assert unanchored("^[\\w-]+$") == "[\\w-]+"
    assert unanchored("[a-z]+\\$") == "[a-z]+\\$"  # an escaped dollar is part of the pattern
    assert unanchored("[a-z]+\\\\$") == "[a-z]+\\\\"
    v = Violation(("UserPoolId",), "pattern", "^[\\w-]+_[0-9a-zA-Z]+$", value="x y")
    assert v.constraint == "Member must satisfy regular expression pattern: [\\w-]+_[0-9a-zA-Z]+"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (5, "5"),
        (True, "true"),
        (1.682955829578e9, "1.682955829578E9"),
        (0.5, "0.5"),
        (1e-5, "1.0E-5"),
        (["SMS", "EMAIL"], "[SMS, EMAIL]"),
        ([1, False], "[1, false]"),
    ],
)
def test_values_are_printed_as_java_prints_them(value: Any, shown: str) -> None:
    item = ValidationItem.from_violation(Violation(("MaxResults",), "range_max", 60, value=value))
    assert item.value == shown
    assert str(item).startswith(f"Value '{shown}' at 'maxResults'")


def test_values_holding_structures_are_left_out() -> None:
    v = Violation(("UserAttributes",), "length_max", 1, value=[{"Name": "email", "Value": "secret@x"}])
    assert str(ValidationItem.from_violation(v)) == (
        "Value at 'userAttributes' failed to satisfy constraint: Member must have length less than or equal to 1"
    )


def test_range_constraints() -> None:
    low = Violation(("MaxResults",), "range_min", 1, value=0)
    high = Violation(("MaxResults",), "range_max", 60.0, value=61)
    msg = validation_message([high, low])
    assert msg == (
        "2 validation errors detected: "
        "Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1; "
        "Value '61' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 60"
    )
    assert [(i.kind, i.limit) for i in parse_validation_message(msg)] == [("range_min", 1), ("range_max", 60)]


def test_kinds_outside_the_message_and_warnings_are_left_out() -> None:
    out = validate(b'{"AccessToken":"","Extra":1}', GetUserRequest)
    assert {v.kind for v in out} == {"pattern", "unknown_member"}
    assert validation_message(out) == REAL_EMPTY_ACCESS_TOKEN
    tolerant = validate(b'{"Username":"u","UserStatus":"NEW_STATUS"}', AdminGetUserResponse, mode="tolerant")
    with pytest.raises(MessageFormatError):
        validation_message(tolerant)


def test_nothing_to_report_is_a_typed_error() -> None:
    with pytest.raises(MessageFormatError):
        validation_message([])
    with pytest.raises(MessageFormatError):
        validation_message(validate(b'{"AccessToken":5}', GetUserRequest))
    with pytest.raises(ValueError, match="does not report"):
        ValidationItem.from_violation(Violation(("A",), "type", "string", value=5))


# --------------------------------------------------------------------------------------------------
# Parsing


@pytest.mark.parametrize(
    "text",
    [
        "",
        "validation error",
        "1 validation error detected: ",
        "1 validation error detected: nonsense",
        "2 validation errors detected: " + REAL_EMPTY_ACCESS_TOKEN.split(": ", 1)[1],
    ],
)
def test_text_not_in_the_format_is_a_typed_error(text: str) -> None:
    with pytest.raises(MessageFormatError):
        parse_validation_message(text)


def test_parse_refuses_non_text() -> None:
    with pytest.raises(MessageFormatError):
        parse_validation_message(b"1 validation error detected: ")  # type: ignore[arg-type]


def test_parse_skips_an_sdk_prefix() -> None:
    text = (
        "An error occurred (InvalidParameterException) when calling the GetUser operation: "
        + REAL_EMPTY_ACCESS_TOKEN
    )
    assert parse_validation_message(text) == parse_validation_message(REAL_EMPTY_ACCESS_TOKEN)


def test_values_with_quotes_and_separators_survive_the_round_trip() -> None:
    tricky = "a'; Value 'b' at 'c"
    v = Violation(("Name",), "pattern", "[a-z]+", value=tricky)
    msg = validation_message([v, Violation(("Other",), "required", None)])
    items = parse_validation_message(msg)
    assert [i.value for i in items] == [tricky, None]
    assert validation_message(items) == msg


def test_unknown_constraint_forms_are_kept_verbatim() -> None:
    text = "1 validation error detected: Value 'x' at 'a' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 128]"
    (item,) = parse_validation_message(text)
    assert (item.kind, item.limit) == (None, None)
    assert validation_message([item]) == text


def _constraint_cases() -> list[tuple[type, Any, str]]:
    return [
        (cls, path, bad)
        for cls in shape_classes()
        for path, shape, _sens, _req in positions(cls)
        if shape.type == "string"
        for _kind, bad in breaking_strings(shape)
    ]


@given(case=st.sampled_from(_constraint_cases()))
def test_every_constraint_message_round_trips_with_its_kind_and_limit(case: tuple[type, Any, str]) -> None:
    cls, path, bad = case
    data = example(cls)
    set_at(data, path, bad)
    out = [v for v in validate(data, cls) if v.kind in MESSAGE_KINDS]
    msg = validation_message(out)
    items = parse_validation_message(msg)
    assert items == message_items(out)
    assert validation_message(items) == msg
    by_kind = {v.kind: v for v in out}
    for item in items:
        v = by_kind[item.kind]  # type: ignore[index]
        limit = unanchored(v.limit) if v.kind == "pattern" else v.limit
        assert item.limit == limit


@given(cls=st.sampled_from(INPUTS), value=shaped_values)
def test_any_message_of_any_input_round_trips(cls: type, value: Any) -> None:
    out = validate(value, cls)
    if not any(v.kind in MESSAGE_KINDS for v in out):
        return
    msg = validation_message(out)
    assert validation_message(parse_validation_message(msg)) == msg
    assert parse_validation_message(msg) == message_items(out)


@given(
    values=st.lists(st.text().filter(lambda s: "' at '" not in s), min_size=1, max_size=5),
)
def test_arbitrary_values_round_trip(values: list[str]) -> None:
    vs = [Violation(("Member" + str(i),), "length_max", 1, value=v) for i, v in enumerate(values)]
    msg = validation_message(vs)
    assert [i.value for i in parse_validation_message(msg)] == values


# --------------------------------------------------------------------------------------------------
# Errors built from violations


def test_invalid_parameter_exception_from_violations() -> None:
    exc = invalid_parameter(validate(b'{"AccessToken":""}', GetUserRequest))
    assert isinstance(exc, InvalidParameterException)
    assert exc.message == REAL_EMPTY_ACCESS_TOKEN
    assert exc.http_status == InvalidParameterException.http_status


def test_service_error_prefers_serialization_over_invalid_parameter() -> None:
    out = validate(b'{"UserPoolId":"","Username":{"a":1}}', AdminGetUserRequest)
    exc = service_error(out)
    assert isinstance(exc, SerializationException)
    assert exc.message == "Start of structure or map found where not expected."


@pytest.mark.parametrize(
    "body",
    [b"{", b"[]", b'"x"', b"\xff", b'{"AccessToken":5}', b'{"AccessToken":["a"]}', b'{"AccessToken":true}'],
)
def test_bodies_that_do_not_deserialise_are_serialization_exceptions(body: bytes) -> None:
    assert isinstance(service_error(validate(body, GetUserRequest)), SerializationException)


def test_string_for_a_list_has_the_services_wording() -> None:
    out = validate(b'{"Username":"u","UserAttributes":"nope"}', GetUserResponse)
    exc = service_error(out)
    assert isinstance(exc, SerializationException)
    assert exc.message == "Unexpected field type"


def test_unknown_members_and_duplicate_keys_are_accepted_by_the_service() -> None:
    assert service_error(validate(b'{"AccessToken":"abc","NewMember":1}', GetUserRequest)) is None
    assert service_error(validate(b'{"AccessToken":"a","AccessToken":"b"}', GetUserRequest)) is None


def test_constraint_failures_give_invalid_parameter_with_the_message() -> None:
    exc = service_error(validate(b"{}", GetUserRequest))
    assert isinstance(exc, InvalidParameterException)
    assert exc.message == REAL_NULL_ACCESS_TOKEN


def test_messages_never_contain_sensitive_values() -> None:
    secret = "Secret Token With Spaces"
    out = validate({"AccessToken": secret}, GetUserRequest, reveal=True)
    msg = validation_message(out)
    assert secret not in msg
    exc = invalid_parameter(out)
    assert secret not in str(exc) + repr(exc)
