"""The sans-IO layer: parse_request answers as the service does, render_response writes what it sends."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cognito_spec import (
    OPERATIONS,
    OPERATIONS_BY_TARGET,
    AdminGetUserRequest,
    AttributeType,
    GetUserAuthFactorsResponse,
    GetUserRequest,
    GetUserResponse,
    InvalidParameterException,
    SerializationException,
    UnknownOperationException,
    UserNotFoundException,
)
from cognito_spec import strategies as cst
from cognito_spec.codec.converter import dumps, loads
from cognito_spec.errors import ArgumentTypeError, EncodeError, ServiceError
from cognito_spec.protocol.auth import authenticate
from cognito_spec.protocol.envelope import render_error
from cognito_spec.protocol.headers import header_map
from cognito_spec.protocol.server import (
    CONTENT_TYPE,
    content_type_ok,
    decode,
    parse_request,
    render_response,
    route,
)
from cognito_spec.traffic.check import validate_exchange
from cognito_spec.validation.answers import service_error

OPS = sorted(OPERATIONS.values(), key=lambda op: op.name)
ADMIN = OPERATIONS["AdminGetUser"]
POOL = "us-east-1_Ab12Cd34E"


#: A SigV4 Authorization header of the form botocore writes (the library checks form, not the secret).
SIGNATURE = (
    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240102/us-east-1/cognito-idp/aws4_request,"
    " SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=" + "5d" * 32
)
SIGNED = {"Authorization": SIGNATURE, "X-Amz-Date": "20240102T030405Z"}


def headers_for(target: str, content_type: str = CONTENT_TYPE) -> dict[str, str]:
    """The headers of a call; signed when the target is a SigV4 operation, as an SDK sends it."""
    headers = {"X-Amz-Target": target, "Content-Type": content_type}
    op = OPERATIONS_BY_TARGET.get(target)
    return {**headers, **SIGNED} if op is not None and op.auth == "sigv4" else headers


def admin_body(**members: Any) -> bytes:
    return json.dumps({"UserPoolId": POOL, "Username": "alice", **members}).encode()


def refused(headers: Any, body: Any) -> ServiceError:
    with pytest.raises(ServiceError) as info:
        parse_request(headers, body)
    return info.value


# --------------------------------------------------------------------------------------------------
# Routing and framing


@given(op=st.sampled_from(OPS), data=st.data())
def test_every_valid_request_decodes_to_what_the_codec_reads(op: Any, data: st.DataObject) -> None:
    request = data.draw(cst.requests(op))
    body = dumps(request)
    found, decoded = parse_request(headers_for(op.target), body)
    assert found is op
    assert decoded == request == loads(body, op.input)


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Amz-Target": ADMIN.target, "Content-Type": CONTENT_TYPE, **SIGNED},
        {"x-amz-target": ADMIN.target, "content-type": CONTENT_TYPE, "authorization": SIGNATURE, "date": "x"},
        {
            "X-AMZ-TARGET": ADMIN.target,
            "CONTENT-TYPE": CONTENT_TYPE,
            "AUTHORIZATION": SIGNATURE,
            "X-AMZ-DATE": "x",
        },
        [("X-Amz-Target", ADMIN.target), ("Content-Type", CONTENT_TYPE), *SIGNED.items()],
        [
            (b"x-amz-target", ADMIN.target.encode()),
            (b"content-type", CONTENT_TYPE.encode()),
            *((k.encode(), v.encode()) for k, v in SIGNED.items()),
        ],
        [("X-Amz-Target", f"  {ADMIN.target} "), ("Content-Type", CONTENT_TYPE), *SIGNED.items()],
    ],
    ids=["canonical", "lower", "upper", "pairs", "bytes-pairs", "padded-value"],
)
def test_header_names_match_in_any_case_and_form(headers: Any) -> None:
    op, request = parse_request(headers, admin_body())
    assert op is ADMIN
    assert request == AdminGetUserRequest(user_pool_id=POOL, username="alice")


def test_the_first_of_repeated_headers_wins() -> None:
    pairs = [
        ("X-Amz-Target", ADMIN.target),
        ("x-amz-target", "nonsense"),
        ("Content-Type", CONTENT_TYPE),
        *SIGNED.items(),
    ]
    assert parse_request(pairs, admin_body())[0] is ADMIN
    assert header_map(pairs)["x-amz-target"] == ADMIN.target


@pytest.mark.parametrize(
    "headers",
    [5, [("X-Amz-Target",)], [("X-Amz-Target", 5)], [(b"x-amz-target", None)], "X-Amz-Target: x"],
    ids=repr,
)
def test_header_input_that_is_not_headers_is_a_typed_error(headers: Any) -> None:
    # A programming error of the emulator, not a request the service would answer.
    with pytest.raises(ArgumentTypeError):
        parse_request(headers, admin_body())


def test_memoryview_values_and_no_headers_at_all() -> None:
    pairs: list[tuple[Any, Any]] = [
        (b"X-Amz-Target", memoryview(ADMIN.target.encode())),
        ("Content-Type", CONTENT_TYPE),
        *SIGNED.items(),
    ]
    assert parse_request(pairs, admin_body())[0] is ADMIN
    assert type(refused(None, admin_body())) is UnknownOperationException


@pytest.mark.parametrize(
    "value",
    [
        CONTENT_TYPE,
        "application/x-amz-json-1.1; charset=utf-8",
        "Application/X-Amz-Json-1.1;charset=UTF-8",
        'application/x-amz-json-1.1; charset="utf-8"',
        "application/x-amz-json-1.1 ; foo=bar",
    ],
)
def test_content_type_parameters_are_allowed(value: str) -> None:
    assert content_type_ok(value)
    assert parse_request(headers_for(ADMIN.target, value), admin_body())[0] is ADMIN


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "application/json",
        "application/x-amz-json-1.0",
        "text/plain",
        "application/x-amz-json-1.1; charset=latin-1",
        "application/x-amz-json-1.10",
    ],
)
def test_other_media_types_cannot_be_routed(value: str | None) -> None:
    assert not content_type_ok(value)
    headers = {"X-Amz-Target": ADMIN.target, **SIGNED}
    if value is not None:
        headers["Content-Type"] = value
    exc = refused(headers, admin_body())
    assert type(exc) is UnknownOperationException


@pytest.mark.parametrize(
    "target",
    [
        None,
        "",
        "AWSCognitoIdentityProviderService.NoSuchOperation",
        "AWSCognitoIdentityProviderService.adminGetUser",  # dispatch is exact: no case folding
        "AdminGetUser",
        "DynamoDB_20120810.GetItem",
    ],
)
def test_unknown_or_missing_targets_are_unknown_operations(target: str | None) -> None:
    headers = {"Content-Type": CONTENT_TYPE}  # unsigned: routing comes before the signature
    if target is not None:
        headers["X-Amz-Target"] = target
    exc = refused(headers, admin_body())
    assert type(exc) is UnknownOperationException
    assert exc.message is None


@pytest.mark.parametrize("body", [b"", None])
def test_an_empty_body_is_an_empty_input(body: bytes | None) -> None:
    exc = refused(headers_for(ADMIN.target), body)
    assert type(exc) is InvalidParameterException
    assert exc.message == (
        "2 validation errors detected: Value null at 'userPoolId' failed to satisfy constraint: Member must"
        " not be null; Value at 'username' failed to satisfy constraint: Member must not be null"
    )


@pytest.mark.parametrize(
    "body",
    [
        b"{",
        b"[]",
        b'"text"',
        b"null",
        b" ",
        b"\xef\xbb\xbf{}",  # byte-order mark
        b"\xff{}",  # not UTF-8
        b'{"UserPoolId": 5, "Username": "alice"}',  # wrong JSON type
        b'{"UserPoolId": {}, "Username": "alice"}',
        b'{"UserPoolId": NaN, "Username": "x"}',
    ],
)
def test_bodies_that_do_not_deserialise_are_serialization_exceptions(body: bytes) -> None:
    exc = refused(headers_for(ADMIN.target), body)
    assert type(exc) is SerializationException


def test_constraint_violations_give_the_services_validation_message() -> None:
    exc = refused(headers_for(ADMIN.target), admin_body(UserPoolId="bad pool!"))
    assert type(exc) is InvalidParameterException
    assert exc.message == (
        "1 validation error detected: Value 'bad pool!' at 'userPoolId' failed to satisfy constraint:"
        " Member must satisfy regular expression pattern: [\\w-]+_[0-9a-zA-Z]+"
    )


def test_sensitive_values_stay_out_of_the_message() -> None:
    secret = "s" * 129  # one over the user name length limit
    exc = refused(headers_for(ADMIN.target), admin_body(Username=secret))
    assert type(exc) is InvalidParameterException
    assert secret not in str(exc.message)
    assert (
        "Value at 'username' failed to satisfy constraint: Member must have length less than or equal to 128"
        in (exc.message or "")
    )


def test_unknown_members_are_ignored_as_the_service_does() -> None:
    _, request = parse_request(headers_for(ADMIN.target), admin_body(SomethingNew=[1, 2]))
    assert request == AdminGetUserRequest(user_pool_id=POOL, username="alice")


def test_the_last_of_repeated_keys_wins_as_in_the_services_reader() -> None:
    body = b'{"UserPoolId": "a_b", "Username": "first", "Username": "last"}'
    _, request = parse_request(headers_for(ADMIN.target), body)
    assert request == AdminGetUserRequest(user_pool_id="a_b", username="last")


@given(op=st.sampled_from(OPS), data=st.data())
def test_any_single_violation_is_answered_as_service_error_says(op: Any, data: st.DataObject) -> None:
    wire, violation = data.draw(cst.invalid(op.input))
    expected = service_error([violation])
    body = json.dumps(wire).encode()
    if expected is None:
        assert parse_request(headers_for(op.target), body)[0] is op
        return
    exc = refused(headers_for(op.target), body)
    assert type(exc) is type(expected)
    assert exc.message == expected.message


# --------------------------------------------------------------------------------------------------
# Authentication: between routing and validation, as the service orders it

UNSIGNED = {"X-Amz-Target": ADMIN.target, "Content-Type": CONTENT_TYPE}
GET_USER = OPERATIONS["GetUser"]


@pytest.mark.parametrize(
    "body",
    [admin_body(), admin_body(UserPoolId="bad pool!"), b"{", b""],
    ids=["valid", "invalid", "malformed", "empty"],
)
def test_an_unsigned_call_to_a_signed_operation_is_refused_before_its_body_is_read(body: bytes) -> None:
    for headers in (UNSIGNED, {**UNSIGNED, "Authorization": "  ", "X-Amz-Date": "20240102T030405Z"}):
        status, out_headers, out = render_error(refused(headers, body), request_id="r-1")
        assert status == 400
        assert out_headers[:3] == [
            ("Content-Type", CONTENT_TYPE),
            ("x-amzn-ErrorType", "MissingAuthenticationTokenException:"),
            ("x-amzn-ErrorMessage", "Missing Authentication Token"),
        ]
        assert (
            out
            == b'{"__type":"MissingAuthenticationTokenException","message":"Missing Authentication Token"}'
        )


CREDENTIAL = "Authorization header requires 'Credential' parameter."
SIGNATURE_PART = "Authorization header requires 'Signature' parameter."
SIGNED_HEADERS = "Authorization header requires 'SignedHeaders' parameter."
DATE = "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."


@pytest.mark.parametrize(
    ("authorization", "date", "sentences"),
    [
        ("Bearer eyJraWQiOiJ4In0.e30.c2ln", "20240102T030405Z", [CREDENTIAL, SIGNATURE_PART, SIGNED_HEADERS]),
        ("eyJraWQiOiJ4In0.e30.c2ln", None, [CREDENTIAL, SIGNATURE_PART, SIGNED_HEADERS, DATE]),
        (SIGNATURE, None, [DATE]),
        (
            "AWS4-HMAC-SHA256 Credential=AKID/20240102/us-east-1/cognito-idp/aws4_request",
            "x",
            [SIGNATURE_PART, SIGNED_HEADERS],
        ),
        ("AWS4-HMAC-SHA256 Credential=, SignedHeaders=host, Signature=ab", "x", [CREDENTIAL]),
    ],
    ids=["bearer", "bare-token", "no-date", "credential-only", "empty-credential"],
)
def test_a_signature_without_its_parts_is_an_incomplete_signature(
    authorization: str, date: str | None, sentences: list[str]
) -> None:
    headers = {**UNSIGNED, "Authorization": authorization}
    if date is not None:
        headers["X-Amz-Date"] = date
    status, out_headers, out = render_error(refused(headers, admin_body(UserPoolId="bad pool!")))
    assert status == 400
    assert dict(out_headers)["x-amzn-ErrorType"] == "IncompleteSignatureException:"
    assert json.loads(out) == {"__type": "IncompleteSignatureException", "message": " ".join(sentences)}
    assert "eyJ" not in out.decode()  # the header's value is not echoed: it may hold a token


def test_a_complete_signature_passes_on_to_validation_and_its_parts_are_returned() -> None:
    exc = refused({**UNSIGNED, **SIGNED}, admin_body(UserPoolId="bad pool!"))
    assert type(exc) is InvalidParameterException
    found = authenticate(ADMIN, {**UNSIGNED, "authorization": SIGNATURE.replace(", ", ","), "Date": "d"})
    assert found is not None
    assert found.access_key_id == "AKIDEXAMPLE"
    assert found.credential == "AKIDEXAMPLE/20240102/us-east-1/cognito-idp/aws4_request"
    assert found.signed_headers == ("content-type", "host", "x-amz-date", "x-amz-target")
    assert found.signature == "5d" * 32 and found.date == "d"
    assert "5d5d" not in repr(found)


@pytest.mark.parametrize(
    "extra",
    [{}, SIGNED, {"Authorization": "Bearer nonsense"}, {"Authorization": SIGNATURE}],
    ids=["unsigned", "signed", "not-sigv4", "no-date"],
)
def test_unsigned_operations_take_any_signature_or_none(extra: dict[str, str]) -> None:
    headers = {"X-Amz-Target": GET_USER.target, "Content-Type": CONTENT_TYPE, **extra}
    op, request = parse_request(headers, b'{"AccessToken": "a.b.c"}')
    assert op is GET_USER and request == GetUserRequest(access_token="a.b.c")
    assert (authenticate(op, headers) is not None) == (extra is SIGNED)
    # The token is judged after validation: an empty one is the pattern error, as the service sends.
    assert type(refused(headers, b'{"AccessToken": ""}')) is InvalidParameterException


def test_routing_comes_before_the_signature() -> None:
    unknown = {"X-Amz-Target": "AWSCognitoIdentityProviderService.NoSuchThing", "Content-Type": CONTENT_TYPE}
    assert type(refused(unknown, b"{}")) is UnknownOperationException
    assert type(refused({**UNSIGNED, "Content-Type": "application/json"}, b"{}")) is UnknownOperationException


@given(op=st.sampled_from(OPS), data=st.data())
def test_the_three_steps_one_by_one_are_parse_request(op: Any, data: st.DataObject) -> None:
    request = data.draw(cst.requests(op))
    headers = headers_for(op.target)
    body = dumps(request)
    found = route(headers)
    authenticate(found, headers)
    assert (found, decode(found, body)) == parse_request(headers, body)


# --------------------------------------------------------------------------------------------------
# render_response


def test_render_response_writes_the_services_envelope() -> None:
    obj = GetUserResponse(
        username="alice", user_attributes=[AttributeType(name="email", value="a@example.com")]
    )
    status, headers, body = render_response(obj)
    assert status == 200
    names = [k for k, _ in headers]
    assert names == ["Content-Type", "x-amzn-RequestId", "Content-Length"]
    h = dict(headers)
    assert h["Content-Type"] == CONTENT_TYPE
    assert uuid.UUID(h["x-amzn-RequestId"]).version == 4
    assert h["Content-Length"] == str(len(body))
    assert body == dumps(obj)
    assert loads(body, GetUserResponse) == obj


def test_each_response_gets_a_fresh_request_id_unless_given() -> None:
    obj = GetUserAuthFactorsResponse(username="alice")
    ids = {dict(render_response(obj)[1])["x-amzn-RequestId"] for _ in range(5)}
    assert len(ids) == 5
    given_id = "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"
    assert dict(render_response(obj, request_id=given_id)[1])["x-amzn-RequestId"] == given_id


def test_render_response_refuses_what_is_not_an_output() -> None:
    with pytest.raises(TypeError, match="render_error"):
        render_response(UserNotFoundException(message="x"))
    with pytest.raises(TypeError):
        render_response(AdminGetUserRequest(user_pool_id=POOL, username="alice"))
    with pytest.raises(TypeError):
        render_response({"Username": "alice"})


def test_render_response_refuses_an_answer_the_service_could_not_send() -> None:
    secret = "x" * 200
    with pytest.raises(EncodeError) as info:
        render_response(GetUserResponse(username=secret, user_attributes=[]))
    assert "/Username" in str(info.value)
    assert secret not in str(info.value)
    with pytest.raises(EncodeError, match="/UserAttributes"):
        render_response(GetUserResponse(username="alice"))
    status, _, _ = render_response(GetUserResponse(username="alice"), check=False)
    assert status == 200


def test_unknown_enum_values_of_newer_models_may_be_sent() -> None:
    obj = GetUserAuthFactorsResponse(username="alice", configured_user_auth_factors=["PASSKEY_OF_2030"])
    assert render_response(obj)[0] == 200


@given(op=st.sampled_from(OPS), data=st.data())
def test_a_rendered_answer_to_a_parsed_request_is_a_faithful_exchange(op: Any, data: st.DataObject) -> None:
    request = data.draw(cst.requests(op))
    response = data.draw(cst.responses(op))
    req_headers = list(headers_for(op.target).items())
    body = dumps(request)
    parse_request(req_headers, body)
    status, headers, out = render_response(response)
    findings = validate_exchange(
        request_headers=req_headers,
        request_body=body,
        status=status,
        response_headers=headers,
        response_body=out,
    )
    # Parts carry no capture time, so a token's expiry cannot be judged (a capture note, nothing more).
    # The strategies' tokens in an AuthenticationResult are random strings of the token shape, not
    # tokens the service issues: the token check says so (issued_token), and that is all it says.
    assert {f.kind for f in findings} <= {"token_time_unknown", "issued_token"}
    assert all(f.location == "response" for f in findings if f.kind == "issued_token")
