"""The service's InvalidParameterException message: written exactly, read back, compared, built into errors.

Every message the service is known to have sent is quoted verbatim below with its source (the facts
files: wire-truth.md section 4.3, whole-api.md section 3) and reproduced from the violations the
validator reports; the forms no capture shows are the module's inferences ([I] in its documentation)
and are pinned here as such.
"""

from __future__ import annotations

import base64
import json
import re
from functools import cache
from typing import Any

import pytest
from _wire_examples import (
    breaking_strings,
    example,
    positions,
    set_at,
    shape_classes,
    shaped_values,
    string_example,
    value_example,
)
from conftest import each
from hypothesis import given
from hypothesis import strategies as st

import cognito_spec as cs
from cognito_spec import (
    OPERATIONS,
    AdminGetUserRequest,
    AdminGetUserResponse,
    GetUserRequest,
    GetUserResponse,
    InvalidParameterException,
    SerializationException,
)
from cognito_spec.codec.reach import holds_secret
from cognito_spec.codec.violations import (
    MapEntry,
    MapKey,
    Violation,
    member_path,
    shape_constraints,
    unanchored,
)
from cognito_spec.errors import ArgumentValueError, MessageFormatError
from cognito_spec.model import Shape
from cognito_spec.validation.answers import invalid_parameter, service_error
from cognito_spec.validation.messages import (
    MESSAGE_KINDS,
    ValidationItem,
    is_validation_message,
    message_items,
    parse_validation_message,
    same_message,
    validation_message,
)
from cognito_spec.validation.validate import validate

INPUTS = [op.input for op in OPERATIONS.values()]


@cache
def _example_text(cls: type, full: bool) -> str:
    return json.dumps(example(cls, full=full))


def fresh_example(cls: type, *, full: bool = True) -> Any:
    """``example(cls)``, made once per class (the search for valid strings is slow), copied per use."""
    return json.loads(_example_text(cls, full))


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
        "1 validation error detected: ",
        "1 validation error detected: nonsense",
        "2 validation errors detected: " + REAL_EMPTY_ACCESS_TOKEN.split(": ", 1)[1],
    ],
)
def test_text_that_announces_a_validation_message_and_breaks_its_format_is_a_typed_error(text: str) -> None:
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
    text = "1 validation error detected: Value 'x' at 'a' failed to satisfy constraint: Member must be purple"
    (item,) = parse_validation_message(text)
    assert (item.kind, item.limit, item.inner, item.enum_values) == (None, None, (), None)
    assert validation_message([item]) == text
    assert same_message(text, text)


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
    data = fresh_example(cls)
    set_at(data, path, bad)
    out = [v for v in validate(data, cls) if v.kind in MESSAGE_KINDS]
    msg = validation_message(out)
    items = parse_validation_message(msg)
    assert items == message_items(out)
    assert validation_message(items) == msg
    for v in out:
        if v.path[-1] == 0:  # an item of a list of strings: reported once, at the list
            (item,) = [i for i in items if i.path == member_path(v.path[:-1])]
            assert item.kind == "member"
            assert v.constraint in item.inner
        else:
            (item,) = [i for i in items if i.path == member_path(v.path) and i.kind == v.kind]
            assert item.limit == (unanchored(v.limit) if v.kind == "pattern" else v.limit)


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


# --------------------------------------------------------------------------------------------------
# The shape kinds of the whole API (whole-api.md section 3.1): each verbatim message reproduced from
# the validator's violations, or, where the model moved on since the capture, agreeing with it.

# boto/boto3#1356, ListUsers with Limit 100 (QueryLimitType 0..60).
REAL_LIMIT = (
    "1 validation error detected: Value '100' at 'limit' failed to satisfy constraint: "
    "Member must have value less than or equal to 60"
)
# rosberglinhares/CloudFormationCognitoCustomResources#1, CreateUserPool through CloudFormation: the
# service's enum order (OPTIONAL, OFF, ON) is not the model's (OFF, ON, OPTIONAL).
REAL_MFA = (
    "1 validation error detected: Value 'false' at 'mfaConfiguration' failed to satisfy constraint: "
    "Member must satisfy enum value set: [OPTIONAL, OFF, ON] (Service: AWSCognitoIdentityProvider; "
    "Status Code: 400; Error Code: InvalidParameterException; Request ID: 1234)"
)
# aws-solutions/media-insights-on-aws#199, CreateUserPoolClient: a list of enums, reported once.
REAL_AUTH_FLOWS = (
    "1 validation error detected: Value '[ADMIN_USER_PASSWORD_AUTH]' at 'explicitAuthFlows' failed to "
    "satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: "
    "[ALLOW_CUSTOM_AUTH, ADMIN_NO_SRP_AUTH, ALLOW_REFRESH_TOKEN_AUTH, ALLOW_USER_PASSWORD_AUTH, "
    "ALLOW_USER_SRP_AUTH, CUSTOM_AUTH_FLOW_ONLY, USER_PASSWORD_AUTH, ALLOW_ADMIN_USER_PASSWORD_AUTH]]"
)
# aws/aws-cdk#14175, CreateUserPool Schema[0].Name (CustomAttributeNameType 1..20); the CDK cut it.
REAL_SCHEMA_NAME = (
    "1 validation error detected: Value 'phone_number_verified' at 'schema.1.member.name' failed to "
    "satisfy constraint: Member must have length less than or equal to 20 (Service: "
    "AWSCognitoIdentityProviderService; Status Code: 400; Error Code: InvalidParameterException"
)
# aws/aws-cdk#31795, the sister Coral service Cognito Identity (CreateIdentityPool
# SupportedLoginProviders); the reporter elided the values.
REAL_MAP_VALUE_CONSTRAINT = (
    "Map value must satisfy constraint: [Member must have length less than or equal to 128, "
    "Member must have length greater than or equal to 1, Member must satisfy regular expression "
    "pattern: [\\w.;_/-]+]"
)
# whole-api.md section 3.3: InvalidParameterException with a business rule's text.
FREE_TEXTS = [
    "Error while parsing filter.",  # aws/aws-sdk-php#1088
    "Username should be an email.",  # boto/boto3#3836
    "Initiate Auth method not supported.",  # awsdocs/aws-doc-sdk-examples#5289
    "Missing required parameter Session",  # furaiev/amazon-cognito-identity-dart-2#241
    "Invalid email address format.",  # epam/Indigo-ELN-v.-2.0#395
]


def _canonical(text: str) -> str:
    """The message without what an SDK or CloudFormation added around it."""
    return validation_message(parse_validation_message(text))


def test_real_integer_maximum_is_reproduced_verbatim() -> None:
    out = validate({"UserPoolId": "us-east-1_abc", "Limit": 100}, cs.ListUsersRequest)
    assert validation_message(out) == REAL_LIMIT
    (item,) = parse_validation_message(REAL_LIMIT)
    assert (item.kind, item.limit, item.value) == ("range_max", 60, "100")


def test_integer_minimum_has_the_inferred_wording() -> None:
    # [I] No capture: the minimum's wording follows the maximum's.
    out = validate({"UserPoolId": "us-east-1_abc", "Limit": -1}, cs.ListUsersRequest)
    assert validation_message(out) == (
        "1 validation error detected: Value '-1' at 'limit' failed to satisfy constraint: "
        "Member must have value greater than or equal to 0"
    )


def test_real_enum_message_is_the_same_message_in_another_enum_order() -> None:
    out = validate({"PoolName": "p", "MfaConfiguration": "false"}, cs.CreateUserPoolRequest)
    ours = validation_message(out)
    assert ours == _canonical(REAL_MFA).replace("[OPTIONAL, OFF, ON]", "[OFF, ON, OPTIONAL]")
    assert ours != _canonical(REAL_MFA)
    assert same_message(ours, REAL_MFA)
    (real,) = parse_validation_message(REAL_MFA)
    (mine,) = message_items(out)
    assert real.limit == ("OPTIONAL", "OFF", "ON")  # the message's order, as read
    assert real.enum_values == mine.enum_values == {"OFF", "ON", "OPTIONAL"}
    assert real.same_as(mine) and real != mine
    assert not same_message(ours, ours.replace("OPTIONAL", "MANDATORY"))


def test_real_list_of_enums_is_one_item_at_the_list() -> None:
    body = {
        "UserPoolId": "us-east-1_abc",
        "ClientName": "c",
        "ExplicitAuthFlows": ["ADMIN_USER_PASSWORD_AUTH"],
    }
    (mine,) = message_items(validate(body, cs.CreateUserPoolClientRequest))
    (real,) = parse_validation_message(REAL_AUTH_FLOWS)
    assert validation_message([real]) == REAL_AUTH_FLOWS
    for item in (mine, real):
        assert (item.path, item.value, item.kind) == (
            "explicitAuthFlows",
            "[ADMIN_USER_PASSWORD_AUTH]",
            "member",
        )
        assert item.constraint.startswith(
            "Member must satisfy constraint: [Member must satisfy enum value set: ["
        )
    # The capture predates three values of the model's set; otherwise the sets agree.
    assert real.enum_values is not None and mine.enum_values is not None
    assert mine.enum_values - real.enum_values == {
        "ALLOW_USER_AUTH",
        "ALLOW_TOKEN_EXCHANGE_DELEGATION",
        "ALLOW_TOKEN_EXCHANGE_IMPERSONATION",
    }
    assert real.enum_values < mine.enum_values
    assert not real.same_as(mine)


def test_every_failing_item_of_a_list_gives_the_same_one_item() -> None:
    flows = ["ALLOW_USER_SRP_AUTH", "ADMIN_USER_PASSWORD_AUTH", "X"]
    body = {"UserPoolId": "us-east-1_abc", "ClientName": "c", "ExplicitAuthFlows": flows}
    out = validate(body, cs.CreateUserPoolClientRequest)
    assert [v.path for v in out] == [("ExplicitAuthFlows", 1), ("ExplicitAuthFlows", 2)]
    (item,) = message_items(out)
    assert item.value == "[ALLOW_USER_SRP_AUTH, ADMIN_USER_PASSWORD_AUTH, X]"


def test_real_nested_list_of_structures_keeps_its_own_path() -> None:
    out = validate({"PoolName": "p", "Schema": [{"Name": "phone_number_verified"}]}, cs.CreateUserPoolRequest)
    assert validation_message(out) == _canonical(REAL_SCHEMA_NAME)
    assert REAL_SCHEMA_NAME.startswith(validation_message(out))


def test_real_map_value_constraint_lists_every_constraint_of_the_value_shape() -> None:
    # The value shape of SupportedLoginProviders in Cognito Identity (IdentityProviderId).
    value_shape = Shape(
        name="IdentityProviderId", type="string", length_min=1, length_max=128, pattern="[\\w.;_/-]+"
    )
    assert "Map value must satisfy constraint: [" + ", ".join(shape_constraints(value_shape)) + "]" == (
        REAL_MAP_VALUE_CONSTRAINT
    )
    providers = {"accounts.google.com": "abc", "graph.facebook.com": "123 "}  # a trailing space
    map_shape = Shape(name="IdentityProviders", type="map", key=value_shape, value=value_shape)
    v = Violation(
        ("SupportedLoginProviders", MapEntry("graph.facebook.com")),
        "pattern",
        value_shape.pattern,
        value="123 ",
        within=map_shape,
        whole=providers,
    )
    assert str(ValidationItem.from_violation(v)) == (
        "Value '{accounts.google.com=abc, graph.facebook.com=123 }' at 'supportedLoginProviders' failed "
        "to satisfy constraint: " + REAL_MAP_VALUE_CONSTRAINT
    )
    (item,) = parse_validation_message(
        "1 validation error detected: " + str(ValidationItem.from_violation(v))
    )
    assert item.kind == "map_value"
    assert [ValidationItem("x", c).kind for c in item.inner] == ["length_max", "length_min", "pattern"]


def test_map_values_and_keys_of_the_model_are_reported_at_the_map() -> None:
    body = {"PoolName": "p", "UserPoolTags": {"": "v", "team": "x" * 257}}
    out = validate(body, cs.CreateUserPoolRequest)
    assert {type(v.path[-1]) for v in out} == {MapKey, MapEntry}  # and the paths equal the keys
    assert sorted(v.pointer for v in out) == ["/UserPoolTags/", "/UserPoolTags/team"]
    shown = "{=v, team=" + "x" * 257 + "}"
    # [I] The key form follows the value form; the key item comes first.
    assert validation_message(out) == (
        f"2 validation errors detected: Value '{shown}' at 'userPoolTags' failed to satisfy constraint: "
        "Map key must satisfy constraint: [Member must have length less than or equal to 128, "
        "Member must have length greater than or equal to 1]; "
        f"Value '{shown}' at 'userPoolTags' failed to satisfy constraint: Map value must satisfy "
        "constraint: [Member must have length less than or equal to 256, Member must have length "
        "greater than or equal to 0]"
    )
    # A printed map's entries are compared in any order (the service's is HashMap order).
    reordered = validation_message(out).replace(shown, "{team=" + "x" * 257 + ", =v}")
    assert same_message(validation_message(out), reordered)


def test_members_of_a_structure_in_a_map_have_paths_through_the_key() -> None:
    # [I] No capture shows such a path: the list form, with the key for the index.
    body = {"PoolName": "p", "AcrConfiguration": {"Level1": {"Bogus": 1}}}
    out = [v for v in validate(body, cs.CreateUserPoolRequest) if v.kind in MESSAGE_KINDS]
    assert {i.path.split(".member.")[0] for i in message_items(out)} == {"acrConfiguration.Level1"}


def test_list_and_blob_lengths_have_the_inferred_wording() -> None:
    # [I] List lengths: the Coral wording of every length; the value is the whole list.
    body = {"UserPoolId": "us-east-1_abc", "PolicyName": "p", "URLPatterns": []}
    out = [v for v in validate(body, cs.CreateCIMDPolicyRequest) if v.kind == "length_min"]
    assert str(message_items(out)[0]) == (
        "Value '[]' at 'uRLPatterns' failed to satisfy constraint: Member must have length greater than or equal to 1"
    )
    # [I] Blobs: the decoded length, and the value as Java prints a ByteBuffer.
    image = base64.b64encode(b"\0" * 131073).decode()
    out = validate({"UserPoolId": "us-east-1_abc", "ImageFile": image}, cs.SetUICustomizationRequest)
    assert validation_message(out) == (
        "1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=131073 cap=131073]' at "
        "'imageFile' failed to satisfy constraint: Member must have length less than or equal to 131072"
    )
    ok = base64.b64encode(b"\0" * 131072).decode()
    assert validate({"UserPoolId": "us-east-1_abc", "ImageFile": ok}, cs.SetUICustomizationRequest) == []


@pytest.mark.parametrize(
    ("op", "member"), [("InitiateAuth", "AuthParameters"), ("RespondToAuthChallenge", "ChallengeResponses")]
)
def test_sensitive_maps_leave_the_whole_value_out(op: str, member: str) -> None:
    cls = cs.operation(op).input
    body = {**fresh_example(cls), member: {"SECRET_HASH": "s3cr3t" * 30000, "k3y s3cr3t": "x"}}
    out = validate(body, cls, reveal=True)  # even revealed violations give a message without them
    msg = validation_message([v for v in out if v.kind in MESSAGE_KINDS])
    assert f"Value at '{member[0].lower() + member[1:]}' failed to satisfy constraint: Map value must" in msg
    assert "s3cr3t" not in msg


def test_a_list_of_sensitive_values_is_left_out() -> None:
    items = Shape(name="SecretType", type="string", length_max=3, sensitive=True)
    secrets = Shape(name="SecretListType", type="list", member=items)
    v = Violation(("Secrets", 0), "length_max", 3, value="", sensitive=True, within=secrets)
    assert str(ValidationItem.from_violation(v)) == (
        "Value at 'secrets' failed to satisfy constraint: Member must satisfy constraint: "
        "[Member must have length less than or equal to 3]"
    )


def test_a_list_item_built_by_hand_is_reported_at_the_list() -> None:
    # Without the checker's context (fixtures build violations by hand) the list is still the place,
    # with the constraints of the item's shape found by its name; the list's value is unknown.
    v = Violation(("ExplicitAuthFlows", 0), "enum", ("A",), value="X", shape="ExplicitAuthFlowsType")
    (item,) = message_items([v])
    assert (item.path, item.kind, item.value) == ("explicitAuthFlows", "member", None)
    assert item.enum_values is not None and "ALLOW_USER_AUTH" in item.enum_values


@pytest.mark.parametrize("text", [*FREE_TEXTS, ""])
def test_free_text_messages_are_valid_and_carry_no_items(text: str) -> None:
    assert is_validation_message(text) is False
    assert parse_validation_message(text) == []
    assert same_message(text, text)
    assert not same_message(text, REAL_LIMIT)
    assert not same_message(text, text + " ")


def test_comparing_never_raises_for_text_and_a_broken_message_equals_only_itself() -> None:
    broken = "1 validation error detected: nonsense"
    assert same_message(broken, broken)
    assert not same_message(broken, REAL_LIMIT)
    assert not same_message(REAL_LIMIT, broken)
    with pytest.raises(MessageFormatError):
        same_message(None, REAL_LIMIT)  # type: ignore[arg-type]


def test_a_message_behind_an_sdk_suffix_reads_the_same() -> None:
    assert is_validation_message(REAL_MFA)
    assert parse_validation_message(REAL_MFA) == parse_validation_message(_canonical(REAL_MFA))
    assert parse_validation_message(REAL_SCHEMA_NAME)[0].constraint.endswith("equal to 20")


# --------------------------------------------------------------------------------------------------
# The whole registry: a request broken at one to three places of any depth, every kind of member


_breaking = cache(breaking_strings)


@cache
def _places(cls: type) -> list[tuple[tuple[Any, ...], Shape, bool, bool]]:
    kinds = ("string", "integer", "long", "blob", "list", "map")
    return [p for p in positions(cls) if p[1].type in kinds]


@cache
def _blob_over(n: int) -> str:
    return base64.b64encode(b"\0" * (n + 1)).decode()


def _break(shape: Shape, current: Any, draw: Any) -> tuple[Any, str] | None:
    """A value of ``shape`` that breaks a constraint, and what the message says of it (a kind, or
    ``map_key``/``map_value``); None when no value breaks one."""
    t = shape.type
    if t == "string":
        cases = _breaking(shape)
        if not cases:
            return None
        kind, bad = draw(st.sampled_from(cases))
        return bad, kind
    if t in ("integer", "long"):
        bounds = [
            (k, b)
            for k, b in (("range_min", shape.range_min), ("range_max", shape.range_max))
            if b is not None
        ]
        if not bounds:
            return None
        kind, bound = draw(st.sampled_from(bounds))
        return (int(bound) - 1 if kind == "range_min" else int(bound) + 1), kind
    if t == "blob" and shape.length_max is not None and shape.length_max < 200_000:
        return _blob_over(shape.length_max), "length_max"
    if t == "list" and shape.length_max is not None and shape.length_max < 100:
        return [value_example(shape.member)] * (shape.length_max + 1), "length_max"  # type: ignore[arg-type]
    if t == "map" and shape.key is not None and shape.value is not None:
        options = []
        if shape.key.type == "string" and _breaking(shape.key):
            options.append("map_key")
        if shape.value.type == "string" and _breaking(shape.value):
            options.append("map_value")
        if not options:
            return None
        side = draw(st.sampled_from(options))
        out = dict(current) if isinstance(current, dict) else {}
        if side == "map_key":
            out[draw(st.sampled_from(_breaking(shape.key)))[1]] = value_example(shape.value)
        else:
            out[string_example(shape.key)] = draw(st.sampled_from(_breaking(shape.value)))[1]
        return out, side
    return None


_ENUM_SET = re.compile(r"enum value set: \[([^\]]*)\]")


@each([op.input for op in OPERATIONS.values()], name=lambda c: c.__name__)
@given(data=st.data())
def test_any_broken_request_of_the_registry_gives_a_message_that_round_trips(
    pick: tuple[type, ...], data: st.DataObject
) -> None:
    cls = data.draw(st.sampled_from(pick), label="input")
    body = fresh_example(cls)
    places = _places(cls)
    if not places:
        return
    chosen = data.draw(st.lists(st.sampled_from(places), min_size=1, max_size=3, unique_by=lambda p: p[0]))
    expected: dict[str, set[str]] = {}
    secret_paths: set[str] = set()
    done: list[tuple[Any, ...]] = []
    for path, shape, sens, _req in chosen:
        if any(path[: len(d)] == d or d[: len(path)] == path for d in done):
            continue  # one break per branch: a later one would overwrite an earlier one
        current: Any = body
        for p in path:
            current = current[p]
        broken = _break(shape, current, data.draw)
        if broken is None:
            continue
        value, says = broken
        set_at(body, path, value)
        done.append(path)
        # A string item of a list is reported at the list: positions() walks lists through item 0.
        at, what = (path[:-1], "member") if path[-1] == 0 and shape.type == "string" else (path, says)
        expected.setdefault(member_path(at), set()).add(what)
        if sens or holds_secret(shape):
            secret_paths.add(member_path(at))
    out = validate(body, cls)
    if not any(v.kind in MESSAGE_KINDS for v in out):
        assert not expected
        return
    msg = validation_message(out)
    items = parse_validation_message(msg)
    assert items == message_items(out)
    assert validation_message(items) == msg
    found: dict[str, set[str]] = {}
    for item in items:
        assert item.kind is not None, item.constraint
        assert all(ValidationItem("x", c).kind is not None for c in item.inner)
        found.setdefault(item.path, set()).add(str(item.kind))
    for path, kinds in expected.items():
        assert kinds <= found.get(path, set()), (path, kinds, found)
    for item in items:  # a sensitive value, or a collection holding one, is left out
        if item.path in secret_paths:
            assert (item.value, item.null) == (None, False)
    # The service's enum order is its own: any order of every enum set is the same message.
    shuffled = _ENUM_SET.sub(
        lambda m: "enum value set: [" + ", ".join(reversed(m.group(1).split(", "))) + "]", msg
    )
    assert same_message(msg, shuffled)
