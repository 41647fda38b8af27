"""Exchange validation: faithful traffic is clean, every departure from the service is a finding."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import attrs
import pytest
from hypothesis import given, settings

from cognito_spec import OPERATIONS
from cognito_spec import strategies as cst
from cognito_spec.fixtures import Generator, RandomSource, generate
from cognito_spec.protocol.server import CONTENT_TYPE
from cognito_spec.traffic.capture import Exchange, Headers
from cognito_spec.traffic.check import Finding, _Checker, examine, validate_exchange
from cognito_spec.traffic.fast import header_map as _hmap
from cognito_spec.traffic.redact import redact_exchange
from cognito_spec.validation.redact import REDACTED

OPS = sorted(OPERATIONS.values(), key=lambda op: op.name)
ADMIN, GET_USER = OPERATIONS["AdminGetUser"], OPERATIONS["GetUser"]


def success(op: Any, seed: int = 0) -> Exchange:
    return Generator(RandomSource(f"success/{op.name}/{seed}")).exchange(op, outcome="response")


def failure(op: Any, code: str, seed: int = 0) -> Exchange:
    cls = op.error_for_code(code)
    assert cls is not None
    return Generator(RandomSource(f"failure/{op.name}/{seed}")).exchange(op, outcome="error", error=cls)


def full(ex: Exchange, reveal: bool = False) -> tuple[Finding, ...]:
    """The full check, without the fast path."""
    rh = _hmap(ex.request_headers)
    if "x-amz-target" in rh:
        rh["x-amz-target"] = rh["x-amz-target"].strip()
    return _Checker(ex, reveal).run(rh).findings


def kinds(findings: Any) -> set[tuple[str, str, str]]:
    return {(f.severity, f.kind, f.location) for f in findings}


def set_header(headers: Headers, name: str, value: str | None) -> Headers:
    out = [(k, v) for k, v in headers if k.lower() != name.lower()]
    if value is not None:
        out.append((name, value))
    return tuple(out)


def with_response(ex: Exchange, **changes: Any) -> Exchange:
    return attrs.evolve(ex, **changes)


# --------------------------------------------------------------------------------------------------
# Faithful traffic


@given(ex=cst.exchanges())
def test_exchanges_as_the_service_sends_them_have_no_finding(ex: Exchange) -> None:
    report = examine(ex)
    assert report.findings == ()
    assert report.operation == _hmap(ex.request_headers)["x-amz-target"].rpartition(".")[2]


@given(ex=cst.exchanges(adversarial=True))
def test_adversarial_values_within_the_model_have_no_error(ex: Exchange) -> None:
    assert [f for f in examine(ex).findings if f.severity == "error"] == []


@pytest.mark.parametrize("op", OPS, ids=lambda op: op.name)
def test_a_broken_request_refused_as_the_service_refuses_it_is_a_faithful_exchange(op: Any) -> None:
    """The client's fault stays visible as a warning at the right place; the exchange is valid."""
    for fixture in generate(op, "invalid", count=40, seed=7):
        if fixture.shape != op.input.__name__:
            continue
        report = examine(fixture.exchange)  # type: ignore[arg-type]
        v = fixture.violation
        assert v is not None
        assert report.valid, report.findings
        assert ("warning", v.kind, "request") in kinds(report.findings)
        assert v.pointer in {f.pointer for f in report.findings}


@pytest.mark.parametrize("op", OPS, ids=lambda op: op.name)
def test_a_broken_response_is_an_error_at_the_broken_member(op: Any) -> None:
    for fixture in generate(op, "invalid", count=40, seed=8):
        if fixture.shape != (op.output.__name__ if op.output else None):
            continue
        v = fixture.violation
        assert v is not None
        found = [f for f in examine(fixture.exchange).findings if f.location == "response"]  # type: ignore[arg-type]
        assert (v.pointer, v.kind) in {(f.pointer, f.kind) for f in found}
        tolerated = v.kind in ("unknown_member", "enum")  # newer than the pinned model: clients accept
        assert {f.severity for f in found if f.pointer == v.pointer} == {"warning" if tolerated else "error"}


# --------------------------------------------------------------------------------------------------
# The fast path decides nothing: it may only skip work when the full check finds nothing.


MUTATIONS: dict[str, Callable[[Exchange], Exchange]] = {
    "as is": lambda ex: ex,
    "no request id": lambda ex: attrs.evolve(
        ex, response_headers=set_header(ex.response_headers, "x-amzn-RequestId", None)
    ),
    "request id not a uuid": lambda ex: attrs.evolve(
        ex, response_headers=set_header(ex.response_headers, "x-amzn-RequestId", "abc")
    ),
    "json response": lambda ex: attrs.evolve(
        ex, response_headers=set_header(ex.response_headers, "Content-Type", "application/json")
    ),
    "request content type with charset": lambda ex: attrs.evolve(
        ex, request_headers=set_header(ex.request_headers, "Content-Type", CONTENT_TYPE + "; charset=utf-8")
    ),
    "no authorization": lambda ex: attrs.evolve(
        ex, request_headers=set_header(ex.request_headers, "Authorization", None)
    ),
    "status 201": lambda ex: attrs.evolve(ex, status=201 if ex.status == 200 else 404),
    "method GET": lambda ex: attrs.evolve(ex, method="GET"),
    "body padded": lambda ex: attrs.evolve(ex, response_body=b" " + (ex.response_body or b"") + b"\n"),
    "body with BOM": lambda ex: attrs.evolve(ex, response_body=b"\xef\xbb\xbf" + (ex.response_body or b"")),
    "request body padded": lambda ex: attrs.evolve(ex, request_body=b"\n" + (ex.request_body or b"")),
    "unknown member": lambda ex: attrs.evolve(
        ex, response_body=(ex.response_body or b"{}")[:-1] + b',"Brand":"new"}'
    ),
    "duplicate key": lambda ex: attrs.evolve(
        ex, request_body=(ex.request_body or b"{}")[:-1] + b',"AccessToken":"x"}'
    ),
    "escaped key": lambda ex: attrs.evolve(
        ex, response_body=(ex.response_body or b"")[:1] + b'"\\u0055x":1,' + (ex.response_body or b"")[1:]
    ),
    "invalid utf-8": lambda ex: attrs.evolve(
        ex, response_body=(ex.response_body or b"")[:-1] + b',"x":"\xff"}'
    ),
    "error header removed": lambda ex: attrs.evolve(
        ex, response_headers=set_header(ex.response_headers, "x-amzn-ErrorType", None)
    ),
    "error header disagrees": lambda ex: attrs.evolve(
        ex, response_headers=set_header(ex.response_headers, "x-amzn-ErrorType", "InternalErrorException:")
    ),
    "empty request body": lambda ex: attrs.evolve(ex, request_body=b""),
    "no response body": lambda ex: attrs.evolve(ex, response_body=None),
    "no response": lambda ex: attrs.evolve(ex, status=None, response_headers=(), response_body=None),
}


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
@given(ex=cst.exchanges())
@settings(max_examples=25)
def test_the_fast_path_agrees_with_the_full_check(mutation: str, ex: Exchange) -> None:
    changed = MUTATIONS[mutation](ex)
    assert examine(changed).findings == full(changed)


def test_the_fast_path_takes_clean_successes_and_clean_errors() -> None:
    from cognito_spec.traffic.fast import quick_headers, quick_valid

    for ex in (success(GET_USER), success(ADMIN), failure(GET_USER, "NotAuthorizedException")):
        assert ex.request_body is not None and ex.response_body is not None and ex.status is not None
        name = quick_valid(
            ex.method,
            quick_headers(ex.request_headers) or {},
            ex.request_body.decode(),
            ex.status,
            quick_headers(ex.response_headers) or {},
            ex.response_body.decode(),
        )
        assert name is not None


# --------------------------------------------------------------------------------------------------
# One finding per departure


def test_an_error_status_from_the_models_httperror_is_a_fidelity_warning() -> None:
    ex = failure(GET_USER, "NotAuthorizedException")
    assert ex.status == 400
    found = examine(attrs.evolve(ex, status=403)).findings
    assert [(f.severity, f.kind) for f in found] == [("warning", "model_http_status")]
    assert "403" in found[0].message and "400" in found[0].message


def test_a_status_no_one_sends_is_an_error() -> None:
    ex = failure(ADMIN, "UserNotFoundException")
    assert kinds(examine(attrs.evolve(ex, status=500)).findings) == {("error", "status", "envelope")}
    assert kinds(examine(attrs.evolve(success(ADMIN), status=204)).findings) == {
        ("error", "status", "envelope")
    }
    assert ("error", "status", "envelope") in kinds(
        examine(attrs.evolve(success(ADMIN), status=302)).findings
    )


def test_an_error_served_as_application_json_is_a_fidelity_warning() -> None:
    ex = failure(ADMIN, "UserNotFoundException")
    ex = attrs.evolve(
        ex, response_headers=set_header(ex.response_headers, "Content-Type", "application/json")
    )
    assert kinds(examine(ex).findings) == {("warning", "json_content_type", "envelope")}


def test_a_response_that_is_not_json_is_an_error() -> None:
    ex = attrs.evolve(
        success(GET_USER),
        status=500,
        response_headers=(("Content-Type", "text/html; charset=utf-8"),),
        response_body=b"<!doctype html><title>500 Internal Server Error</title>",
    )
    assert kinds(examine(ex).findings) == {
        ("error", "content_type", "envelope"),
        ("error", "request_id", "envelope"),
        ("error", "malformed_json", "response"),
        ("error", "error_code", "envelope"),
    }


def test_admin_get_user_without_sigv4_is_a_fidelity_warning() -> None:
    ex = success(ADMIN)
    ex = attrs.evolve(ex, request_headers=set_header(ex.request_headers, "Authorization", None))
    found = examine(ex).findings
    assert [(f.severity, f.kind, f.header) for f in found] == [("warning", "authorization", "Authorization")]
    # GetUser is authorised by the token in the body: no header expected.
    assert examine(success(GET_USER)).findings == ()


def test_error_header_and_body_must_name_the_same_error() -> None:
    ex = failure(ADMIN, "UserNotFoundException")
    wrong = attrs.evolve(
        ex, response_headers=set_header(ex.response_headers, "X-Amzn-ErrorType", "ResourceNotFoundException:")
    )
    assert ("error", "error_code", "envelope") in kinds(examine(wrong).findings)
    # The URL after the colon and a namespace before '#' are not part of the code.
    ns = attrs.evolve(
        ex,
        response_headers=set_header(
            ex.response_headers,
            "X-Amzn-ErrorType",
            "UserNotFoundException:http://internal.amazon.com/coral/x/",
        ),
        response_body=b'{"__type":"com.amazonaws.cognito#UserNotFoundException","message":"User does not exist."}',
    )
    assert examine(ns).findings == ()
    headerless = attrs.evolve(ex, response_headers=set_header(ex.response_headers, "X-Amzn-ErrorType", None))
    assert kinds(examine(headerless).findings) == {("warning", "error_header", "envelope")}
    nameless = attrs.evolve(headerless, response_body=b'{"message":"User does not exist."}')
    assert ("error", "error_code", "envelope") in kinds(examine(nameless).findings)


def test_an_error_the_operation_cannot_return_is_an_error() -> None:
    ex = failure(GET_USER, "ForbiddenException")  # GetUser may be blocked by WAF; AdminGetUser is not listed
    moved = attrs.evolve(
        success(ADMIN),
        status=ex.status,
        response_headers=ex.response_headers,
        response_body=ex.response_body,
    )
    found = examine(moved).findings
    assert [(f.severity, f.kind) for f in found] == [("error", "undeclared_error")]
    assert "ForbiddenException is not an error AdminGetUser returns" in found[0].message
    unknown = attrs.evolve(
        moved,
        response_headers=set_header(moved.response_headers, "x-amzn-ErrorType", "TeapotException:"),
        response_body=b'{"__type":"TeapotException"}',
    )
    assert kinds(examine(unknown).findings) == {("error", "undeclared_error", "response")}


def test_missing_and_malformed_request_ids() -> None:
    ex = success(GET_USER)
    gone = attrs.evolve(ex, response_headers=set_header(ex.response_headers, "x-amzn-RequestId", None))
    assert kinds(examine(gone).findings) == {("error", "request_id", "envelope")}
    odd = attrs.evolve(
        ex, response_headers=set_header(ex.response_headers, "x-amzn-RequestId", "0rNO7UH8w8G0")
    )
    assert kinds(examine(odd).findings) == {("warning", "request_id_format", "envelope")}


def test_a_request_the_service_refuses_must_be_refused() -> None:
    ex = success(ADMIN)
    bad = attrs.evolve(ex, request_body=b'{"UserPoolId":"not a pool id!","Username":"alice"}')
    found = examine(bad).findings
    assert kinds(found) == {("error", "pattern", "request"), ("error", "rejection_expected", "response")}
    assert "InvalidParameterException, not a success" in found[-1].message
    malformed = attrs.evolve(ex, request_body=b'{"UserPoolId": ')
    assert "SerializationException" in examine(malformed).findings[-1].message


def test_the_right_refusal_with_another_message_is_a_fidelity_warning() -> None:
    ex = success(ADMIN)
    bad_body = b'{"UserPoolId":"not a pool id!","Username":"alice"}'
    answer = b'{"__type":"InvalidParameterException","message":"pool id is wrong"}'
    refused = attrs.evolve(
        ex,
        request_body=bad_body,
        status=400,
        response_headers=(
            ("Content-Type", CONTENT_TYPE),
            ("x-amzn-ErrorType", "InvalidParameterException:"),
            ("x-amzn-RequestId", "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"),
        ),
        response_body=answer,
    )
    found = examine(refused).findings
    assert kinds(found) == {("warning", "pattern", "request"), ("warning", "validation_message", "response")}
    assert "pool id is wrong" not in found[-1].message
    revealed = examine(refused, reveal=True).findings[-1].message
    assert "pool id is wrong" in revealed and "1 validation error detected" in revealed


def test_unknown_and_uncovered_operations() -> None:
    ex = success(GET_USER)
    other = attrs.evolve(
        ex,
        request_headers=set_header(
            ex.request_headers, "X-Amz-Target", "AWSCognitoIdentityProviderService.InitiateAuth"
        ),
    )
    report = examine(other)
    assert report.operation == "InitiateAuth"
    assert [(f.severity, f.kind) for f in report.findings] == [("warning", "uncovered_operation")]
    missing = attrs.evolve(ex, request_headers=set_header(ex.request_headers, "X-Amz-Target", None))
    report = examine(missing)
    assert report.operation is None
    assert ("error", "unknown_operation", "envelope") in kinds(report.findings)
    assert ("error", "rejection_expected", "response") in kinds(report.findings)


def test_a_request_of_another_media_type_cannot_be_routed() -> None:
    ex = success(GET_USER)
    typed = attrs.evolve(
        ex, request_headers=set_header(ex.request_headers, "Content-Type", "application/json")
    )
    assert kinds(examine(typed).findings) == {
        ("error", "content_type", "envelope"),
        ("error", "rejection_expected", "response"),
    }


def test_missing_parts_of_a_capture_are_warnings() -> None:
    ex = success(GET_USER)
    assert kinds(examine(attrs.evolve(ex, response_body=None)).findings) == {
        ("warning", "body_missing", "response")
    }
    assert kinds(examine(attrs.evolve(ex, request_body=None)).findings) == {
        ("warning", "body_missing", "request")
    }
    gone = attrs.evolve(ex, status=None, response_headers=(), response_body=None)
    assert kinds(examine(gone).findings) == {("warning", "no_response", "response")}


def test_members_newer_than_the_model_are_warnings() -> None:
    ex = success(GET_USER)
    body = json.loads(ex.response_body or b"")
    body["NewMember2030"] = {"any": "thing"}
    found = examine(attrs.evolve(ex, response_body=json.dumps(body).encode())).findings
    assert [(f.severity, f.kind, f.pointer) for f in found] == [
        ("warning", "unknown_member", "/NewMember2030")
    ]


def test_sensitive_values_appear_only_with_reveal() -> None:
    ex = success(GET_USER)
    body = json.loads(ex.response_body or b"")
    secret = "secret-user-name-" + "x" * 120  # too long for UsernameType
    body["Username"] = secret
    broken = attrs.evolve(ex, response_body=json.dumps(body).encode())
    hidden = examine(broken).findings
    assert [(f.kind, f.pointer) for f in hidden] == [("length_max", "/Username")]
    assert secret[:30] not in hidden[0].message
    assert secret[:30] in examine(broken, reveal=True).findings[0].message


def test_validate_exchange_takes_parts() -> None:
    ex = success(ADMIN)
    findings = validate_exchange(
        request_headers=dict(ex.request_headers),
        request_body=(ex.request_body or b"").decode(),
        status=ex.status,
        response_headers=[(k.encode(), v.encode()) for k, v in ex.response_headers],
        response_body=ex.response_body,
    )
    assert findings == []
    assert validate_exchange(ex) == []
    f = validate_exchange(request_headers={"X-Amz-Target": ADMIN.target}, request_body=b"{}")
    assert {x.kind for x in f} >= {"content_type", "required", "no_response", "authorization"}
    record = f[0].to_json()
    assert set(record) == {
        "severity",
        "kind",
        "location",
        "pointer",
        "member_path",
        "header",
        "side",
        "message",
    }


# --------------------------------------------------------------------------------------------------
# Redaction of whole exchanges


@given(ex=cst.exchanges())
def test_redaction_masks_every_sensitive_member_and_keeps_the_verdict(ex: Exchange) -> None:
    red = redact_exchange(ex)
    assert kinds(examine(red).findings) == kinds(examine(ex).findings)
    for body, cls in ((ex.request_body, None), (ex.response_body, None)):
        del cls
        data = json.loads(body or b"{}")
        for key in ("AccessToken", "Username"):
            value = data.get(key)
            if isinstance(value, str) and value != REDACTED:
                assert value not in (red.request_body or b"").decode() + (red.response_body or b"").decode()


def test_redaction_masks_credentials_and_unknown_operations_wholesale() -> None:
    ex = success(ADMIN)
    red = redact_exchange(ex)
    assert dict(red.request_headers)["Authorization"] == REDACTED
    assert json.loads(red.request_body or b"")["Username"] == REDACTED
    assert (
        json.loads(red.request_body or b"")["UserPoolId"] == json.loads(ex.request_body or b"")["UserPoolId"]
    )
    auth = attrs.evolve(
        ex,
        request_headers=set_header(
            ex.request_headers, "X-Amz-Target", "AWSCognitoIdentityProviderService.InitiateAuth"
        ),
        request_body=b'{"AuthFlow":"USER_PASSWORD_AUTH","AuthParameters":{"USERNAME":"u","PASSWORD":"p"},"N":3}',
        response_body=b'{"AuthenticationResult":{"AccessToken":"eyJ.x.y","ExpiresIn":3600}}',
    )
    red = redact_exchange(auth)
    assert json.loads(red.request_body or b"") == {
        "AuthFlow": REDACTED,
        "AuthParameters": {"USERNAME": REDACTED, "PASSWORD": REDACTED},
        "N": 3,
    }
    assert json.loads(red.response_body or b"") == {
        "AuthenticationResult": {"AccessToken": REDACTED, "ExpiresIn": 3600}
    }
    broken = attrs.evolve(ex, request_body=b'{"Username": "alice", ')
    assert redact_exchange(broken).request_body == REDACTED.encode()
    elsewhere = Exchange(
        (("Accept", "*/*"),), b"secret", 200, (), b"x", method="GET", url="https://example.com/"
    )
    assert redact_exchange(elsewhere) == elsewhere  # not Cognito's: bodies left alone
    cookie = attrs.evolve(elsewhere, request_headers=(("Cookie", "session=1"),))
    assert redact_exchange(cookie).request_headers == (("Cookie", REDACTED),)  # credentials go everywhere
    error = failure(GET_USER, "NotAuthorizedException")
    assert redact_exchange(error).response_body == error.response_body
