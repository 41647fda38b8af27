"""Exchange validation: faithful traffic is clean, every departure from the service is a finding."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import attrs
import pytest
from conftest import DEEP, each
from hypothesis import given, settings
from hypothesis import strategies as st

import cognito_spec as cs
from cognito_spec import OPERATIONS
from cognito_spec import strategies as cst
from cognito_spec.fixtures import Generator, RandomSource, generate
from cognito_spec.model import members_of
from cognito_spec.operations import structure
from cognito_spec.protocol.envelope import render_error
from cognito_spec.protocol.headers import map_of_pairs as _hmap
from cognito_spec.protocol.server import CONTENT_TYPE
from cognito_spec.traffic.check import Finding, _Checker, examine, validate_exchange
from cognito_spec.traffic.record import Exchange, Headers
from cognito_spec.traffic.redact import SENSITIVE_HEADERS, redact_exchange
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


def _rewrite(headers: Headers, name: str, change: Callable[[str], str]) -> Headers:
    """Headers with every value of ``name`` (any case) changed; absent names stay absent."""
    return tuple((k, change(v) if k.lower() == name.lower() else v) for k, v in headers)


def with_response(ex: Exchange, **changes: Any) -> Exchange:
    return attrs.evolve(ex, **changes)


# --------------------------------------------------------------------------------------------------
# Faithful traffic


#: Adversarial exchanges reach every length limit: bodies of megabytes (ListUserPools at its
#: limits is 22 MB, checked in 1.2 s), so fewer examples than the profile's outside the deep one.
ADVERSARIAL_EXAMPLES = 5000 if DEEP else 20


@given(ex=cst.exchanges())
def test_exchanges_as_the_service_sends_them_have_no_finding(ex: Exchange) -> None:
    report = examine(ex)
    assert report.findings == ()
    assert report.operation == _hmap(ex.request_headers)["x-amz-target"].rpartition(".")[2]


@given(ex=cst.exchanges(adversarial=True))
@settings(max_examples=ADVERSARIAL_EXAMPLES)
def test_adversarial_values_within_the_model_have_no_error(ex: Exchange) -> None:
    assert [f for f in examine(ex).findings if f.severity == "error"] == []


#: Examples per "for every operation" property that builds invalid fixtures: a fixture of a big
#: structure (CreateUserPool: every member present) costs seconds to make (see the report on
#: patterns.synth); the deep profile walks every operation with this many each.
FIXTURE_EXAMPLES = 10 if DEEP else 25


@each(OPS, name=lambda op: op.name)
@given(data=st.data(), seed=st.integers(0, 2**16))
@settings(max_examples=FIXTURE_EXAMPLES)
def test_a_broken_request_refused_as_the_service_refuses_it_is_a_faithful_exchange(
    pick: tuple[Any, ...], data: st.DataObject, seed: int
) -> None:
    """The client's fault stays visible as a warning at the right place; the exchange is valid."""
    op = data.draw(st.sampled_from(pick), label="op")
    ex, case = Generator(RandomSource(f"rejected/{op.name}/{seed}")).rejected_exchange(op)
    report = examine(ex)
    v = case.violation
    assert report.valid, report.findings
    assert ("warning", v.kind, "request") in kinds(report.findings)
    assert v.pointer in {f.pointer for f in report.findings}


@each([op for op in OPS if op.output is not None], name=lambda op: op.name)
@given(data=st.data(), seed=st.integers(0, 2**16))
@settings(max_examples=FIXTURE_EXAMPLES)
def test_a_broken_response_is_an_error_at_the_broken_member(
    pick: tuple[Any, ...], data: st.DataObject, seed: int
) -> None:
    op = data.draw(st.sampled_from(pick), label="op")
    ex, case = Generator(RandomSource(f"broken/{op.name}/{seed}")).broken_response_exchange(op)
    v = case.violation
    found = [f for f in examine(ex).findings if f.location == "response"]
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
    "error header without its colon": lambda ex: attrs.evolve(
        ex, response_headers=_rewrite(ex.response_headers, "x-amzn-ErrorType", lambda v: v.rstrip(":"))
    ),
    "error header with a url": lambda ex: attrs.evolve(
        ex, response_headers=_rewrite(ex.response_headers, "x-amzn-ErrorType", lambda v: v + "http://x/")
    ),
    "error header with a namespace": lambda ex: attrs.evolve(
        ex, response_headers=_rewrite(ex.response_headers, "x-amzn-ErrorType", lambda v: "ns#" + v)
    ),
    "error header padded": lambda ex: attrs.evolve(
        ex, response_headers=_rewrite(ex.response_headers, "x-amzn-ErrorType", lambda v: f" {v} ")
    ),
    "namespaced __type": lambda ex: attrs.evolve(
        ex, response_body=(ex.response_body or b"").replace(b'"__type":"', b'"__type":"ns#', 1)
    ),
    "error message header removed": lambda ex: attrs.evolve(
        ex, response_headers=set_header(ex.response_headers, "x-amzn-ErrorMessage", None)
    ),
    "error message header differs": lambda ex: attrs.evolve(
        ex, response_headers=_rewrite(ex.response_headers, "x-amzn-ErrorMessage", lambda v: v + ".")
    ),
    "error message header padded": lambda ex: attrs.evolve(
        ex, response_headers=_rewrite(ex.response_headers, "x-amzn-ErrorMessage", lambda v: f"  {v} ")
    ),
    "awsJson1_0 content type": lambda ex: attrs.evolve(
        ex, response_headers=set_header(ex.response_headers, "Content-Type", "application/x-amz-json-1.0")
    ),
    "empty request body": lambda ex: attrs.evolve(ex, request_body=b""),
    "no response body": lambda ex: attrs.evolve(ex, response_body=None),
    "empty response body": lambda ex: attrs.evolve(ex, response_body=b""),
    "no response": lambda ex: attrs.evolve(ex, status=None, response_headers=(), response_body=None),
    # The token rules (traffic/tokens.py): a no-op for operations without an access token.
    "a day and a half later": lambda ex: attrs.evolve(ex, started=_later(ex.started, 130_000)),
    "no capture time": lambda ex: attrs.evolve(ex, started=None),
    "garbage access token": lambda ex: _with_token(ex, "not-a-valid-token"),
    "id token as access token": lambda ex: _with_token(ex, _ID_TOKEN),
    "token message outside the four": lambda ex: attrs.evolve(
        ex, response_body=(ex.response_body or b"").replace(b"Access Token", b"Token", 1)
    ),
    # Nesting beyond the bound (codec.body.MAX_DEPTH): the fast path leaves the bracket count out for
    # bodies of bounded classes, so it must still leave these to the full check, which refuses them.
    "deep unknown member": lambda ex: attrs.evolve(ex, response_body=_nested(ex.response_body, "Deep")),
    "deep value under a repeated member": lambda ex: attrs.evolve(
        ex, request_body=_nested(ex.request_body, _first_key(ex.request_body))
    ),
    "deep value under a repeated response member": lambda ex: attrs.evolve(
        ex, response_body=_nested(ex.response_body, _first_key(ex.response_body))
    ),
}


_DEEP = b"[" * 300 + b"]" * 300


def _first_key(body: bytes | None) -> str:
    """The first member of a JSON object body (a repeated one: the parse keeps the later value)."""
    try:
        data = json.loads(body or b"")
    except ValueError:
        return "Deep"
    return next(iter(data), "Deep") if isinstance(data, dict) else "Deep"


def _nested(body: bytes | None, key: str) -> bytes | None:
    """``body`` with a member ``key`` nesting 300 levels put first (nothing if it is no object)."""
    if not body or not body.startswith(b"{"):
        return body
    rest = body[1:].lstrip()
    return b'{"' + key.encode() + b'":' + _DEEP + (b"," if not rest.startswith(b"}") else b"") + rest


def _later(started: str | None, seconds: int) -> str | None:
    from datetime import UTC, datetime, timedelta

    if started is None:
        return None
    moment = datetime.fromisoformat(started) + timedelta(seconds=seconds)
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _with_token(ex: Exchange, token: str) -> Exchange:
    data = json.loads(ex.request_body or b"{}") if (ex.request_body or b"").startswith(b"{") else None
    if not isinstance(data, dict) or "AccessToken" not in data:
        return ex
    return attrs.evolve(ex, request_body=json.dumps({**data, "AccessToken": token}).encode())


#: An ID token of the service's shape (fixtures write one for Options(token="id_token")).
_ID_TOKEN = json.loads(
    next(
        generate("GetUser", "request", options=__import__("cognito_spec").fixtures.Options(token="id_token"))
    ).body
)["AccessToken"]


@given(
    mutation=st.sampled_from(sorted(MUTATIONS)),
    ex=cst.exchanges(outcome="error") | cst.exchanges(),
    orjson_on=st.booleans(),
)
def test_the_fast_path_agrees_with_the_full_check(mutation: str, ex: Exchange, orjson_on: bool) -> None:
    from cognito_spec.codec.body import use_orjson

    changed = MUTATIONS[mutation](ex)
    previous = use_orjson(orjson_on)
    try:
        assert examine(changed).findings == full(changed)
    finally:
        use_orjson(previous)


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
            ex.started,  # when: an access token's expiry is judged at the exchange's time
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
    # (Both are fidelity notes: the service writes neither; see the envelope tests below.)
    assert kinds(examine(ns).findings) == {
        ("warning", "error_type_format", "envelope"),
        ("warning", "error_type_format", "response"),
    }
    headerless = attrs.evolve(ex, response_headers=set_header(ex.response_headers, "X-Amzn-ErrorType", None))
    assert kinds(examine(headerless).findings) == {("warning", "error_header", "envelope")}
    nameless = attrs.evolve(headerless, response_body=b'{"message":"User does not exist."}')
    assert ("error", "error_code", "envelope") in kinds(examine(nameless).findings)


# --------------------------------------------------------------------------------------------------
# Error envelopes as the service writes them (whole-api.md section 0 items 7 and 8; wire-truth.md
# section 0 item 2 and section 4.2): ``x-amzn-ErrorType: <Code>:``, the message again in
# ``x-amzn-ErrorMessage``, a bare ``__type`` and ``application/x-amz-json-1.1`` on success and error.


def envelope_kinds(findings: Any) -> set[tuple[str, str, str, str | None]]:
    return {(f.severity, f.kind, f.location, f.header or f.pointer) for f in findings}


def with_error_headers(ex: Exchange, **values: str | None) -> Exchange:
    headers = ex.response_headers
    for name, value in values.items():
        headers = set_header(headers, name.replace("_", "-"), value)
    return attrs.evolve(ex, response_headers=headers)


@given(op=st.sampled_from(OPS), data=st.data())
def test_render_error_writes_the_envelope_the_check_expects(op: Any, data: st.DataObject) -> None:
    """The library's own rendering is the reference: any declared error, any message, no finding
    (but NotAuthorizedException for a token-authorised request: a message the service may send for
    the request's good token, see test_capture_tokens.py)."""
    cls = data.draw(st.sampled_from(op.errors))
    message = data.draw(st.none() | st.text(max_size=40))
    if op.auth == "access_token" and cls.code == "NotAuthorizedException":
        message = data.draw(st.sampled_from([cs.ACCESS_TOKEN_REVOKED, cs.INVALID_ACCESS_TOKEN]))
    status, headers, body = render_error(cls(message), request_id="0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9")
    ex = attrs.evolve(success(op), status=status, response_headers=tuple(headers), response_body=body)
    assert examine(ex).findings == ()
    assert full(ex) == ()


def test_the_error_type_header_carries_the_code_and_a_trailing_colon() -> None:
    ex = failure(ADMIN, "UserNotFoundException")
    assert _hmap(ex.response_headers)["x-amzn-errortype"] == "UserNotFoundException:"
    assert examine(ex).findings == ()
    # The header's name is case-insensitive: real captures show it lower-cased.
    lower = attrs.evolve(
        ex,
        response_headers=tuple(
            (k.lower(), v) if k.lower() == "x-amzn-errortype" else (k, v) for k, v in ex.response_headers
        ),
    )
    assert examine(lower).findings == ()
    # Valid by the protocol (clients cut at ':' and after '#'), never seen from the service.
    for value in (
        "UserNotFoundException",
        "UserNotFoundException:http://internal.amazon.com/coral/com.amazon.coral.validate/",
        "com.amazonaws.cognito#UserNotFoundException:",
    ):
        found = examine(with_error_headers(ex, x_amzn_ErrorType=value)).findings
        assert envelope_kinds(found) == {("warning", "error_type_format", "envelope", "x-amzn-ErrorType")}, (
            value
        )


def test_a_namespaced_type_in_the_body_is_a_fidelity_warning() -> None:
    ex = failure(ADMIN, "UserNotFoundException")
    body = json.loads(ex.response_body or b"")
    body["__type"] = "com.amazonaws.cognito#UserNotFoundException"
    found = examine(attrs.evolve(ex, response_body=json.dumps(body).encode())).findings
    assert envelope_kinds(found) == {("warning", "error_type_format", "response", "/__type")}


def test_the_error_message_is_repeated_in_a_header() -> None:
    ex = failure(ADMIN, "UserNotFoundException")
    message = json.loads(ex.response_body or b"")["message"]
    assert _hmap(ex.response_headers)["x-amzn-errormessage"] == message
    gone = examine(with_error_headers(ex, x_amzn_ErrorMessage=None)).findings
    assert envelope_kinds(gone) == {("warning", "error_message_header", "envelope", "x-amzn-ErrorMessage")}
    other = examine(with_error_headers(ex, x_amzn_ErrorMessage="Something else.")).findings
    assert envelope_kinds(other) == {("warning", "error_message_header", "envelope", "x-amzn-ErrorMessage")}
    # A message a header cannot carry as it is (non-ASCII, control characters) is not compared.
    body = b'{"__type":"UserNotFoundException","message":"L\\u2019utilisateur n\\u2019existe pas."}'
    accented = attrs.evolve(ex, response_body=body)
    assert (
        examine(with_error_headers(accented, x_amzn_ErrorMessage="L?utilisateur n?existe pas.")).findings
        == ()
    )
    # No message, no header.
    bare = attrs.evolve(ex, response_body=b'{"__type":"UserNotFoundException"}')
    assert examine(with_error_headers(bare, x_amzn_ErrorMessage=None)).findings == ()


@pytest.mark.parametrize("outcome", ["success", "error"])
def test_successes_and_errors_are_both_application_x_amz_json_1_1(outcome: str) -> None:
    ex = success(ADMIN) if outcome == "success" else failure(ADMIN, "UserNotFoundException")
    assert _hmap(ex.response_headers)["content-type"] == CONTENT_TYPE
    for value, expected in (
        ("application/x-amz-json-1.0", ("error", "content_type", "envelope", "Content-Type")),
        (None, ("error", "content_type", "envelope", "Content-Type")),
        ("application/json", ("warning", "json_content_type", "envelope", "Content-Type")),
    ):
        found = examine(with_error_headers(ex, Content_Type=value)).findings
        assert envelope_kinds(found) == {expected}, value


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
            ("x-amzn-ErrorMessage", "pool id is wrong"),
            ("x-amzn-RequestId", "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"),
        ),
        response_body=answer,
    )
    found = examine(refused).findings
    assert kinds(found) == {("warning", "pattern", "request"), ("warning", "validation_message", "response")}
    assert "pool id is wrong" not in found[-1].message + found[-1].detail
    revealed = examine(refused, reveal=True).findings[-1].detail
    assert "pool id is wrong" in revealed and "1 validation error detected" in revealed


#: The service's answer to a request it cannot route (protocol.server; the registry's error class).
UNROUTABLE = render_error(cs.UnknownOperationException(), request_id="0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9")


def refused_unrouted(ex: Exchange) -> Exchange:
    status, headers, body = UNROUTABLE
    return attrs.evolve(ex, status=status, response_headers=tuple(headers), response_body=body)


@pytest.mark.parametrize(
    ("target", "kind", "operation"),
    [
        ("AWSCognitoIdentityProviderService.Teleport", "unknown_operation", "Teleport"),
        (None, "missing_target", None),
        ("", "missing_target", None),
        ("AWSCognitoIdentityService.GetId", "foreign_target", None),
        ("DynamoDB_20120810.PutItem", "foreign_target", None),
    ],
)
def test_a_request_the_service_cannot_route_is_the_clients_error_and_must_be_refused(
    target: str | None, kind: str, operation: str | None
) -> None:
    """An operation the model lacks is a finding, not a skip: the service answers every request it
    cannot route with UnknownOperationException (400), and the response is checked against that."""
    ex = attrs.evolve(
        success(GET_USER),
        request_headers=set_header(success(GET_USER).request_headers, "X-Amz-Target", target),
    )
    report = examine(ex)
    assert report.operation == operation
    assert [(f.severity, f.kind, f.side, f.header) for f in report.findings] == [
        ("error", kind, "client", "X-Amz-Target"),
        ("error", "rejection_expected", "server", None),
    ]
    assert "UnknownOperationException, not a success" in report.findings[-1].message
    # Refused as the service refuses it: the client's fault stays, as an expected warning.
    refused = examine(refused_unrouted(ex))
    assert [(f.severity, f.kind, f.expected) for f in refused.findings] == [("warning", kind, True)]
    assert refused.findings == full(refused_unrouted(ex))
    # The refusal's envelope is checked as any error's: the status the service sends it with.
    wrong_status = examine(attrs.evolve(refused_unrouted(ex), status=404)).findings
    assert ("error", "status", "envelope") in kinds(wrong_status)


def test_an_unknown_operation_names_only_the_operation() -> None:
    long = "AWSCognitoIdentityProviderService." + "X" * 500
    ex = attrs.evolve(
        success(GET_USER), request_headers=set_header(success(GET_USER).request_headers, "X-Amz-Target", long)
    )
    report = examine(ex)
    assert report.operation == "X" * 64
    assert len(report.findings[0].detail) <= 80


def test_a_request_of_another_media_type_cannot_be_routed() -> None:
    ex = success(GET_USER)
    typed = attrs.evolve(
        ex, request_headers=set_header(ex.request_headers, "Content-Type", "application/json")
    )
    assert kinds(examine(typed).findings) == {
        ("error", "content_type", "request"),
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


def test_an_empty_body_where_content_length_announces_one_was_not_kept() -> None:
    """Chromium hands DevTools an empty body for responses it did not buffer (drained to a Blob,
    evicted from its inspector cache), and a HAR export then says ``"text": ""``: the headers still
    announce the length the server sent, so the empty body is the recording's, not the server's."""
    ex = success(GET_USER)
    assert int(_hmap(ex.response_headers)["content-length"]) > 0
    emptied = examine(attrs.evolve(ex, response_body=b"")).findings
    assert [(f.kind, f.location, f.side) for f in emptied] == [("body_missing", "response", "capture")]
    err = failure(GET_USER, "NotAuthorizedException")
    emptied = examine(attrs.evolve(err, response_body=b"")).findings
    assert [(f.kind, f.location, f.side) for f in emptied] == [("body_missing", "response", "capture")]
    request = examine(attrs.evolve(ex, request_body=b"")).findings
    assert [(f.kind, f.location, f.side) for f in request] == [("body_missing", "request", "capture")]
    # Without a Content-Length to say otherwise an empty body is what was sent: the service reads
    # an empty request as {} (GetUser then lacks its token), and an empty success body breaks the
    # output shape.
    unannounced = attrs.evolve(
        ex,
        request_headers=set_header(ex.request_headers, "Content-Length", "0"),
        request_body=b"",
        response_headers=set_header(ex.response_headers, "Content-Length", None),
        response_body=b"",
    )
    found = examine(unannounced).findings
    assert ("required", "request", "client") in {(f.kind, f.location, f.side) for f in found}
    assert "server" in {f.side for f in found if f.location == "response"}


def test_every_finding_says_whom_it_is_about() -> None:
    """``side``: the client (its request, headers included), the server (its answer, envelope
    included) or the capture (what the recording did not keep)."""
    ex = success(ADMIN)
    request_side = [
        attrs.evolve(ex, method="GET"),  # method
        attrs.evolve(ex, request_headers=set_header(ex.request_headers, "X-Amz-Target", "Nope.Nope")),
        attrs.evolve(ex, request_headers=set_header(ex.request_headers, "Content-Type", "application/json")),
        attrs.evolve(ex, request_headers=set_header(ex.request_headers, "Authorization", None)),
        attrs.evolve(ex, request_body=b'{"UserPoolId":"not a pool id!","Username":"alice"}'),
        attrs.evolve(
            ex,
            request_headers=set_header(
                ex.request_headers, "X-Amz-Target", "AWSCognitoIdentityProviderService.Teleport"
            ),
        ),
    ]
    for changed in request_side:
        found = examine(changed).findings
        client = {f.kind for f in found if f.side == "client"}
        assert client and all(f.location == "request" for f in found if f.side == "client"), found
        assert {f.kind for f in found if f.side == "server"} <= {"rejection_expected"}, found
    server_side = [
        attrs.evolve(ex, status=204),
        attrs.evolve(ex, response_headers=set_header(ex.response_headers, "Content-Type", "text/plain")),
        attrs.evolve(ex, response_headers=set_header(ex.response_headers, "x-amzn-RequestId", None)),
        attrs.evolve(ex, response_body=b'{"Username":1}'),
        with_error_headers(failure(ADMIN, "UserNotFoundException"), x_amzn_ErrorType="UserNotFoundException"),
    ]
    for changed in server_side:
        found = examine(changed).findings
        assert found and {f.side for f in found} == {"server"}, found
    for changed in (
        attrs.evolve(ex, response_body=None),
        attrs.evolve(ex, request_body=None),
        attrs.evolve(ex, status=None, response_headers=(), response_body=None),
    ):
        found = examine(changed).findings
        assert found and {f.side for f in found} == {"capture"}, found


def test_a_client_fault_the_response_refuses_as_the_service_does_is_expected() -> None:
    """``expected`` marks the client's findings that the server handled as the service does: a
    refusal the capture shows, or a member the service ignores (unknown, repeated).  The exchange
    is faithful, and ``--strict`` has nothing to hold against it."""
    ex = success(ADMIN)
    body = b'{"UserPoolId":"not a pool id!","Username":"alice"}'
    answered = examine(attrs.evolve(ex, request_body=body)).findings  # a success: not refused
    assert [(f.kind, f.side, f.expected) for f in answered] == [
        ("pattern", "client", False),
        ("rejection_expected", "server", False),
    ]
    for fixture in generate(ADMIN, "invalid", count=40, seed=7):
        if fixture.shape != ADMIN.input.__name__:
            continue
        found = examine(fixture.exchange).findings  # type: ignore[arg-type]
        assert found and all(f.severity == "warning" for f in found)
        refused = [f for f in found if f.expected]
        assert fixture.violation is not None
        if fixture.violation.kind == "unknown_member":  # accepted and ignored, as the service does
            assert refused == list(found)
            continue
        assert refused and {(f.side, f.location) for f in refused} == {("client", "request")}
        assert all(f.to_json()["expected"] for f in refused)
    # A request the service accepts (an unknown member) is the client's note, handled as expected.
    extra = examine(attrs.evolve(ex, request_body=(ex.request_body or b"")[:-1] + b',"Brand":1}')).findings
    assert [(f.kind, f.side, f.expected) for f in extra] == [("unknown_member", "client", True)]


# --------------------------------------------------------------------------------------------------
# Grouping: one cause, one message; what differs from exchange to exchange is in ``detail``.


def _refusal(message: str) -> Callable[[Exchange], Exchange]:
    def make(ex: Exchange) -> Exchange:
        return attrs.evolve(
            ex,
            request_body=b'{"UserPoolId":"not a pool id!","Username":"alice"}',
            status=400,
            response_headers=(
                ("Content-Type", CONTENT_TYPE),
                ("x-amzn-ErrorType", "InvalidParameterException:"),
                ("x-amzn-ErrorMessage", message),
                ("x-amzn-RequestId", "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"),
            ),
            response_body=json.dumps({"__type": "InvalidParameterException", "message": message}).encode(),
        )

    return make


#: One cause each, with a noise value ``n`` that changes what the exchange carries.
NOISY: dict[str, Callable[[Exchange, int], Exchange]] = {
    "request_id_format": lambda ex, n: attrs.evolve(
        ex, response_headers=set_header(ex.response_headers, "x-amzn-RequestId", f"req-{n}")
    ),
    "method": lambda ex, n: attrs.evolve(ex, method=("GET", "PUT", "DELETE", "PATCH")[n % 4]),
    "unknown_operation": lambda ex, n: attrs.evolve(
        ex, request_headers=set_header(ex.request_headers, "X-Amz-Target", f"Service{n}.Op{n}")
    ),
    "content_type (request)": lambda ex, n: attrs.evolve(
        ex, request_headers=set_header(ex.request_headers, "Content-Type", f"text/x-{n}")
    ),
    "content_type (response)": lambda ex, n: attrs.evolve(
        ex, response_headers=set_header(ex.response_headers, "Content-Type", f"text/x-{n}")
    ),
    "status": lambda ex, n: attrs.evolve(ex, status=201 + n % 99),
    "pattern": lambda ex, n: attrs.evolve(
        ex, request_body=json.dumps({"UserPoolId": f"not a pool {n}!", "Username": "alice"}).encode()
    ),
    "malformed_json": lambda ex, n: attrs.evolve(ex, response_body=b"{" + b" " * (n % 50) + b'"Username": '),
    "undeclared_error": lambda ex, n: attrs.evolve(
        ex,
        status=400,
        response_headers=(
            ("Content-Type", CONTENT_TYPE),
            ("x-amzn-ErrorType", f"Teapot{n}Exception:"),
            ("x-amzn-RequestId", "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"),
        ),
        response_body=json.dumps({"__type": f"Teapot{n}Exception"}).encode(),
    ),
    "error_code": lambda ex, n: with_error_headers(
        failure(ADMIN, "UserNotFoundException"), x_amzn_ErrorType=f"Other{n}Exception:"
    ),
    "validation_message": lambda ex, n: _refusal(f"pool {n} is wrong")(ex),
}


@pytest.mark.parametrize("cause", sorted(NOISY))
@given(a=st.integers(10**6, 10**7), b=st.integers(10**6, 10**7), reveal=st.booleans())
@settings(max_examples=20)
def test_the_same_cause_gives_the_same_message(cause: str, a: int, b: int, reveal: bool) -> None:
    ex = success(ADMIN)
    first = examine(NOISY[cause](ex, a), reveal=reveal).findings
    second = examine(NOISY[cause](ex, b), reveal=reveal).findings
    assert first
    assert [(f.kind, f.message) for f in first] == [(f.kind, f.message) for f in second]
    for f in first:  # the noise is not in any message, only (when it may be shown) in a detail
        assert f"{a}" not in f.message


def test_what_differs_is_in_the_detail() -> None:
    ex = success(ADMIN)
    (rid,) = examine(NOISY["request_id_format"](ex, 7)).findings
    assert rid.detail == "'req-7'" and rid.to_json()["detail"] == "'req-7'"
    found = examine(NOISY["pattern"](ex, 7)).findings
    assert [(f.kind, f.detail) for f in found] == [("pattern", "'not a pool 7!'"), ("rejection_expected", "")]
    (refused,) = [f for f in examine(NOISY["validation_message"](ex, 7)).findings if f.location == "response"]
    assert "pool 7 is wrong" not in refused.detail
    (revealed,) = [
        f
        for f in examine(NOISY["validation_message"](ex, 7), reveal=True).findings
        if f.location == "response"
    ]
    assert "pool 7 is wrong" in revealed.detail and "1 validation error detected" in revealed.detail


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
    assert secret[:30] not in hidden[0].message + hidden[0].detail
    assert secret[:30] in examine(broken, reveal=True).findings[0].detail


# --------------------------------------------------------------------------------------------------
# Secrets: no finding quotes a sensitive member, a credential header or a captured error message.

SECRET = "s3cr3t PLANTED 0xC0FFEE"
#: The forms a planted secret takes: as it is (a space breaks most patterns), too long for any
#: limit, and wrapped in a list or an object where the model wants a string.
PLANTINGS: dict[str, Callable[[], Any]] = {
    "as is": lambda: SECRET,
    "too long": lambda: SECRET * 300,
    "in a list": lambda: [SECRET],
    "in an object": lambda: {"v": SECRET},
}


def plant(wire: Any, cls: type, draw: Callable[[Any], Any], wrapped: list[str] | None = None) -> Any:
    """``wire`` with every sensitive member (at any depth) replaced by a planted secret; a list of
    structures may also arrive as one object, or a structure as a list (a wrong type at a member
    that is not sensitive, holding sensitive members).  ``wrapped`` (top level only) collects the
    members where a list or an object was planted: a type error whose value shows with reveal."""
    if type(wire) is not dict:
        return wire
    out = dict(wire)
    for _, m in members_of(cls):
        if m.sensitive:
            how = draw(st.sampled_from(sorted(PLANTINGS)))
            out[m.wire] = PLANTINGS[how]()
            if wrapped is not None and how.startswith("in "):
                wrapped.append(m.wire)
            continue
        value = out.get(m.wire)
        member = m.shape.member
        if m.shape.type == "list" and member is not None and member.target and type(value) is list:
            items = [plant(v, structure(member.target), draw) for v in value]
            out[m.wire] = items[0] if items and draw(st.booleans()) else items
        elif m.shape.type == "structure" and m.shape.target and type(value) is dict:
            inner = plant(value, structure(m.shape.target), draw)
            out[m.wire] = [inner] if draw(st.booleans()) else inner
    return out


@given(ex=cst.exchanges(), data=st.data())
@settings(max_examples=5000 if DEEP else 60)
def test_no_finding_quotes_a_secret(ex: Exchange, data: st.DataObject) -> None:
    op = OPERATIONS[_hmap(ex.request_headers)["x-amz-target"].rpartition(".")[2]]
    wrapped: list[str] = []
    request = plant(json.loads(ex.request_body or b""), op.input, data.draw, wrapped)
    response = json.loads(ex.response_body or b"")
    if ex.status == 200:
        if op.output is not None:  # 13 operations answer {} and have no output shape
            response = plant(response, op.output, data.draw)
    else:
        cls = op.error_for_code(response["__type"])
        response = plant(response, cls, data.draw)
        response[cls.message_member] = SECRET  # a captured error message, quoted only with reveal
    headers = ex.request_headers
    for name in sorted(SENSITIVE_HEADERS - {"set-cookie"}):
        headers = set_header(headers, name, SECRET)
    planted = attrs.evolve(
        ex,
        request_headers=headers,
        request_body=json.dumps(request).encode(),
        response_headers=set_header(ex.response_headers, "Set-Cookie", SECRET),
        response_body=json.dumps(response).encode(),
    )
    for f in examine(planted).findings:
        assert "C0FFEE" not in json.dumps(f.to_json()), f
    # The secrets did reach the checker: asked to, it shows them.
    revealed = examine(planted, reveal=True).findings
    if wrapped:
        assert any("C0FFEE" in f.detail for f in revealed)


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
        "expected",
        "message",
        "detail",
    }


# --------------------------------------------------------------------------------------------------
# Redaction of whole exchanges


@given(ex=cst.exchanges())
def test_redaction_masks_every_sensitive_member_and_keeps_the_verdict(ex: Exchange) -> None:
    red = redact_exchange(ex)
    assert kinds(examine(red).findings) == kinds(examine(ex).findings)
    for body, masked in ((ex.request_body, red.request_body), (ex.response_body, red.response_body)):
        data, out = json.loads(body or b"{}"), json.loads(masked or b"{}")
        for key in ("AccessToken", "Username"):
            # The member itself is masked (its text may still occur inside a member that is not
            # sensitive: a device key is made of the same UUID as a user name that is the sub).
            if isinstance(data.get(key), str):
                assert out[key] != data[key] or data[key] == REDACTED


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
        request_headers=set_header(  # an operation the model lacks: every string is masked
            ex.request_headers, "X-Amz-Target", "AWSCognitoIdentityProviderService.Teleport"
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
    assert redact_exchange(broken).request_body == b'{"Username": "REDACTED", '
    elsewhere = Exchange(
        (("Accept", "*/*"),), b"secret", 200, (), b"x", method="GET", url="https://example.com/"
    )
    assert redact_exchange(elsewhere) == elsewhere  # not Cognito's: bodies left alone
    cookie = attrs.evolve(elsewhere, request_headers=(("Cookie", "session=1"),))
    assert redact_exchange(cookie).request_headers == (("Cookie", REDACTED),)  # credentials go everywhere
    error = failure(GET_USER, "NotAuthorizedException")
    assert redact_exchange(error).response_body == error.response_body


_ONE_OPERATION = """
import json
from cognito_spec.codec import compile as compiled
from cognito_spec.fixtures import Generator, RandomSource
from cognito_spec.operations import OPERATIONS
from cognito_spec.traffic import fast
from cognito_spec.traffic.check import examine

op = OPERATIONS["GetUser"]
ex = Generator(RandomSource("one")).exchange(op, outcome="response")
error = op.error_for_code("NotAuthorizedException")
refused = Generator(RandomSource("one")).exchange(op, outcome="error", error=error)
compiled._CACHE.clear()
checked = []
for one in (ex, refused):
    assert examine(one).findings == ()
    checked.append(sorted({cls.__name__ for cls, mode in compiled._CACHE if mode == "check"}))
print(json.dumps([sorted(fast._QUICK), *checked]))
"""


def test_a_capture_of_one_operation_compiles_only_the_checkers_its_exchanges_need() -> None:
    """The first exchange of a run pays for its own operation, not for the 153 of the model, and an
    operation's errors are compiled as they come, not its dozen errors at its first success."""
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-c", _ONE_OPERATION], capture_output=True, text=True, check=True, timeout=120
    )
    targets, after_success, after_error = json.loads(proc.stdout)
    assert targets == [GET_USER.target]
    assert GET_USER.output is not None
    assert after_success == sorted({GET_USER.input.__name__, GET_USER.output.__name__})
    assert after_error == sorted({*after_success, "NotAuthorizedException"})


def test_an_unsigned_invalid_call_refused_for_its_signature_is_faithful() -> None:
    """The service refuses an unsigned call to a SigV4 operation before it reads the body, so an
    unsigned AdminGetUser with an invalid body is answered MissingAuthenticationTokenException:
    that answer is the service's, not a missed InvalidParameterException."""
    from cognito_spec.protocol.auth import MISSING_AUTHENTICATION_TOKEN
    from cognito_spec.protocol.server import parse_request

    headers = [("Content-Type", CONTENT_TYPE), ("X-Amz-Target", ADMIN.target)]
    body = b'{"UserPoolId":"no pool id","Username":""}'
    with pytest.raises(cs.ServiceError) as refused:
        parse_request(headers, body)
    assert refused.value.code == MISSING_AUTHENTICATION_TOKEN[0]
    status, out_headers, out = render_error(refused.value)
    findings = validate_exchange(
        request_headers=headers,
        request_body=body,
        status=status,
        response_headers=out_headers,
        response_body=out,
    )
    assert [f for f in findings if f.side == "server"] == []
    assert all(f.expected for f in findings if f.severity == "warning" and f.kind != "authorization")
