"""Error envelopes: render_error writes what the service sends, parse_error reads any error response."""

from __future__ import annotations

import json
import pickle
import tomllib
import uuid
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cognito_spec import (
    STRUCTURES,
    InvalidParameterException,
    NotAuthorizedException,
    SerializationException,
    UserNotFoundException,
)
from cognito_spec.errors import ErrorResponse, ServiceError, UnknownServiceError
from cognito_spec.model import struct_info
from cognito_spec.operations import error_class
from cognito_spec.protocol.envelope import (
    ACCESS_TOKEN_EXPIRED,
    ACCESS_TOKEN_MISSING_SCOPES,
    ACCESS_TOKEN_REVOKED,
    INVALID_ACCESS_TOKEN,
    TOKEN_MESSAGES,
    error_code,
    parse_error,
    render_error,
)
from cognito_spec.protocol.server import CONTENT_TYPE

ERRORS = [
    cls for cls in STRUCTURES.values() if (info := struct_info(cls)) is not None and info.role == "error"
]
OVERLAY = tomllib.loads((Path(__file__).parent.parent / "tools" / "overlay.toml").read_text())


def _make(cls: type, message: str | None, **members: Any) -> ServiceError:
    # The generated classes take members as keywords; mypy cannot see them through the decorator.
    exc: ServiceError = cls(message=message, **members)
    return exc


def _denied(message: str) -> ServiceError:
    return _make(NotAuthorizedException, message)


def _header(headers: list[tuple[str, str]], name: str) -> str | None:
    return next((v for k, v in headers if k.lower() == name.lower()), None)


# --------------------------------------------------------------------------------------------------
# Rendering


@given(cls=st.sampled_from(ERRORS))
def test_render_error_sends_the_class_status_code_and_message(cls: type[ServiceError]) -> None:
    status, headers, body = render_error(_make(cls, "went wrong"), request_id="rid-1")
    assert status == cls.http_status
    assert headers == [
        ("Content-Type", CONTENT_TYPE),
        ("x-amzn-ErrorType", f"{cls.code}:"),
        ("x-amzn-ErrorMessage", "went wrong"),
        ("x-amzn-RequestId", "rid-1"),
        ("Content-Length", str(len(body))),
    ]
    assert json.loads(body) == {"__type": cls.code, cls.message_member: "went wrong"}
    assert body.startswith(b'{"__type":')


@given(cls=st.sampled_from(ERRORS))
def test_status_codes_are_the_overlay_facts(cls: type[ServiceError]) -> None:
    # An observed status where the overlay records one, else the awsJson1_1 rule: 400 for a client
    # error, 500 for a server fault.
    table = OVERLAY["errors"] | OVERLAY["extra_errors"]
    rule = OVERLAY["status_rule"]["server" if cls.fault == "server" else "client"]
    expected = table[cls.code]["http_status"] if cls.code in table else rule
    assert cls.http_status == expected
    assert render_error(_make(cls, None))[0] == expected
    assert cls.status_source.startswith("rule") == (cls.code not in table)


def test_client_errors_are_400_even_where_the_model_claims_otherwise() -> None:
    for code in (
        "NotAuthorizedException",
        "ResourceNotFoundException",
        "UserNotFoundException",
        "TooManyRequestsException",
    ):
        cls = error_class(code)
        assert cls is not None
        assert cls.model_http_status != 400
        assert render_error(_make(cls, "m"))[0] == 400
    # Errors whose Smithy status is not 400 and that nobody has captured follow the rule too [I].
    for code, smithy in (("AccessDeniedException", 403), ("UnauthorizedException", 401)):
        cls = error_class(code)
        assert cls is not None and cls.model_http_status == smithy and cls.http_status == 400
    assert render_error(_make(error_class("ForbiddenException"), "waf"))[0] == 403  # type: ignore[arg-type]
    assert render_error(_make(error_class("InternalErrorException"), "boom"))[0] == 500  # type: ignore[arg-type]


def test_serialization_exception_spells_its_member_message_with_a_capital() -> None:
    _, _, body = render_error(_make(SerializationException, "Unexpected field type"))
    assert body == b'{"__type":"SerializationException","Message":"Unexpected field type"}'


def test_extra_members_are_sent_and_absent_message_is_omitted() -> None:
    _, headers, body = render_error(_make(InvalidParameterException, None, reason_code="INVALID_X"))
    assert json.loads(body) == {"__type": "InvalidParameterException", "reasonCode": "INVALID_X"}
    assert _header(headers, "x-amzn-ErrorMessage") is None


def test_request_id_is_a_fresh_uuid_by_default() -> None:
    ids = {_header(render_error(_denied("m"))[1], "x-amzn-RequestId") for _ in range(3)}
    assert len(ids) == 3
    for rid in ids:
        assert rid is not None
        uuid.UUID(rid)


def test_header_copy_of_the_message_is_safe_and_the_body_exact() -> None:
    message = "line one\r\nline two é \ud800"
    _, headers, body = render_error(_denied(message))
    shown = _header(headers, "x-amzn-ErrorMessage")
    assert shown == "line one  line two ? ?"
    assert body.isascii()
    assert json.loads(body)["message"] == message


def test_render_refuses_what_is_not_a_service_error() -> None:
    with pytest.raises(TypeError):
        render_error(ValueError("x"))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="request id"):
        render_error(_denied("m"), request_id="a\r\nSet-Cookie: x")


def test_token_messages_are_the_services_text() -> None:
    assert TOKEN_MESSAGES == (
        "Access Token has expired",
        "Access Token has been revoked",
        "Invalid Access Token",
        "Access Token does not have required scopes",
    )
    assert (
        ACCESS_TOKEN_EXPIRED,
        ACCESS_TOKEN_REVOKED,
        INVALID_ACCESS_TOKEN,
        ACCESS_TOKEN_MISSING_SCOPES,
    ) == TOKEN_MESSAGES
    status, _, body = render_error(_denied(ACCESS_TOKEN_REVOKED))
    assert (status, body) == (
        400,
        b'{"__type":"NotAuthorizedException","message":"Access Token has been revoked"}',
    )


# --------------------------------------------------------------------------------------------------
# Parsing


@given(cls=st.sampled_from(ERRORS))
def test_render_then_parse_gives_the_same_error_back(cls: type[ServiceError]) -> None:
    exc = _make(cls, "round trip")
    status, headers, body = render_error(exc)
    back = parse_error(status, headers, body)
    assert type(back) is cls
    assert back.message == "round trip"
    assert back.response == ErrorResponse(status, tuple(headers), body)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("FooError", "FooError"),
        ("FooError:", "FooError"),
        ("FooError:http://internal.amazon.com/coral/com.amazon.coral.validate/", "FooError"),
        ("aws.protocoltests.restjson#FooError", "FooError"),
        (
            "aws.protocoltests.restjson#FooError:http://internal.amazon.com/coral/com.amazon.coral.validate/",
            "FooError",
        ),
        ("com.amazon.coral.service#SerializationException", "SerializationException"),
    ],
)
def test_error_code_keeps_before_the_colon_then_after_the_hash(raw: str, code: str) -> None:
    assert error_code(raw) == code


def test_header_wins_over_code_and_type_in_any_case() -> None:
    body = b'{"code":"UserNotFoundException","__type":"InvalidParameterException","message":"m"}'
    for name in ("X-Amzn-ErrorType", "x-amzn-errortype", "X-AMZN-ERRORTYPE"):
        exc = parse_error(400, [(name, "NotAuthorizedException:http://x")], body)
        assert type(exc) is NotAuthorizedException


def test_body_code_wins_over_type() -> None:
    body = b'{"code":"UserNotFoundException","__type":"InvalidParameterException","message":"m"}'
    assert type(parse_error(400, {}, body)) is UserNotFoundException


def test_type_is_used_last_and_namespaces_are_stripped() -> None:
    body = b'{"__type":"com.amazonaws.cognito#UserNotFoundException","message":"User does not exist."}'
    exc = parse_error(400, None, body)
    assert type(exc) is UserNotFoundException
    assert exc.message == "User does not exist."


def test_nested_type_is_ignored() -> None:
    body = b'{"message":"m","Detail":{"__type":"UserNotFoundException"}}'
    exc = parse_error(400, [], body)
    assert isinstance(exc, UnknownServiceError)
    assert exc.code == ""


@pytest.mark.parametrize("key", ["message", "Message"])
def test_message_comes_from_either_spelling(key: str) -> None:
    exc = parse_error(400, [], json.dumps({"__type": "NotAuthorizedException", key: INVALID_ACCESS_TOKEN}))
    assert exc.message == INVALID_ACCESS_TOKEN
    exc = parse_error(400, [], json.dumps({"__type": "SerializationException", key: "x"}))
    assert exc.message == "x"


@pytest.mark.parametrize("body", [b"", None, "", b"   "])
def test_an_empty_body_is_allowed(body: Any) -> None:
    exc = parse_error(
        400, [("x-amzn-ErrorType", "NotAuthorizedException:"), ("x-amzn-ErrorMessage", "hdr")], body
    )
    assert type(exc) is NotAuthorizedException
    assert exc.message == "hdr"


def test_unknown_code_keeps_code_message_status_body_and_headers() -> None:
    body = b'{"__type":"com.amazon#BrandNewException","message":"new","Extra":[1,2]}'
    headers = [("x-amzn-RequestId", "r-1"), ("X-Other", "v")]
    exc = parse_error(409, headers, body)
    assert isinstance(exc, UnknownServiceError)
    assert isinstance(exc, ServiceError)
    assert (exc.code, exc.message, exc.status, exc.http_status, exc.body) == (
        "BrandNewException",
        "new",
        409,
        409,
        body,
    )
    assert exc.fault == "client"
    assert exc.response == ErrorResponse(409, tuple(headers), body)
    assert str(exc) == "BrandNewException: new"
    assert "Extra" not in repr(exc)  # the body is shown by size only


def test_server_status_without_anything_is_an_unknown_server_fault() -> None:
    exc = parse_error(503, [], b"<html>Service Unavailable</html>")
    assert isinstance(exc, UnknownServiceError)
    assert (exc.code, exc.message, exc.status, exc.fault) == ("", None, 503, "server")
    assert str(exc) == "HTTP 503"
    assert exc.body == b"<html>Service Unavailable</html>"


def test_wrongly_typed_extra_members_are_dropped_from_the_object_but_kept_in_the_body() -> None:
    body = b'{"__type":"InvalidParameterException","message":"m","reasonCode":5}'
    exc = parse_error(400, [], body)
    assert isinstance(exc, InvalidParameterException)
    assert (exc.message, exc.reason_code) == ("m", None)
    assert exc.response is not None
    assert exc.response.body == body
    good = parse_error(400, [], b'{"__type":"InvalidParameterException","message":"m","reasonCode":"R"}')
    assert isinstance(good, InvalidParameterException)
    assert good.reason_code == "R"


def test_headers_as_bytes_pairs_and_odd_items_do_not_break_parsing() -> None:
    headers: Any = [(b"X-Amzn-ErrorType", b"NotAuthorizedException:"), ("broken",), 5]
    exc = parse_error(400, headers, b"{}")
    assert type(exc) is NotAuthorizedException
    assert exc.response is not None
    assert exc.response.headers == (("X-Amzn-ErrorType", "NotAuthorizedException:"),)


def test_parsed_errors_pickle_with_their_response() -> None:
    for exc in (
        parse_error(400, [("X-Amzn-ErrorType", "NotAuthorizedException:")], b'{"message":"m"}'),
        parse_error(418, [], b'{"__type":"Teapot"}'),
    ):
        back = pickle.loads(pickle.dumps(exc))
        assert type(back) is type(exc)
        assert (back.code, back.message, back.response) == (exc.code, exc.message, exc.response)


def test_error_class_knows_only_error_shapes() -> None:
    assert error_class("NotAuthorizedException") is NotAuthorizedException
    assert error_class("GetUserRequest") is None
    assert error_class("Nope") is None
