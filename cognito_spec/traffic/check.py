"""Validation of one captured request/response pair against the model and the service's behaviour.

:func:`validate_exchange` checks

* the request: its target and Content-Type, and its body against the operation's input shape;
* a 2xx response against the operation's output shape;
* an error response against the errors the operation may return (the model's list plus the
  service-level ones, see :class:`~cognito_spec.operations.Operation`);
* the envelope: Content-Type, the ``x-amzn-RequestId`` header, the ``X-Amzn-ErrorType`` header
  matching the body's ``__type`` and written as the service writes it, the message repeated in
  ``x-amzn-ErrorMessage``, the status the service really sends for that error;
* consistency: a request that breaks the model must be answered with the error the service gives
  for it (SerializationException, InvalidParameterException with the service's message, ...).

Each problem is a :class:`Finding`.  Errors are things the real service never does (or a request
it refuses, when the capture does not show it refused); warnings are *fidelity* notes: valid by the
model, yet not what the service does (a status from the model's ``httpError`` trait instead of the
400 the service sends, an error labelled ``application/json``, an IAM operation without a SigV4
``Authorization`` header, members or enum values newer than the pinned model).

The finding kinds, with their severity and side, are tabled in :mod:`cognito_spec.traffic.finding`.

``side`` follows from ``kind`` and ``location``: the capture kinds are ``capture``, anything at
location ``request`` is ``client``, the rest ``server``.  ``expected`` is set on a client's
findings that the server handled as the service does: refused as the service refuses them, or (an
unknown member, a repeated key) ignored as the service ignores them.  Whether a finding fails a
run is the caller's rule; the one meant for the CLI: an error fails; with ``--strict`` a warning
fails too, unless its side is ``capture`` or it is ``expected``.

A finding's ``message`` depends only on its cause, so a report can group repeated findings by
``kind`` and ``message``; what one exchange showed of the cause (the value, the header as sent, the
status) is its ``detail``.  Neither quotes a sensitive value (tokens, user names, attribute values),
a credential header, a list or object sent where the model wants something else, or a captured
error message, unless ``reveal=True``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from contextlib import suppress
from typing import TYPE_CHECKING, Any, Final

import attrs

from cognito_spec.codec.body import decode_body
from cognito_spec.codec.violations import Violation
from cognito_spec.errors import DecodeError, ServiceError
from cognito_spec.operations import TARGET_PREFIX, error_class, operation_for_target
from cognito_spec.protocol.auth import MISSING_AUTHENTICATION_TOKEN
from cognito_spec.protocol.headers import HeadersLike, header_pairs, map_of_pairs
from cognito_spec.protocol.server import CONTENT_TYPE, content_type_ok
from cognito_spec.shapes import UnknownOperationException
from cognito_spec.traffic.fast import (
    UUID,
    code_of,
    error_type_departure,
    message_header_agrees,
    quick_headers,
    quick_valid,
)
from cognito_spec.traffic.finding import (
    CAPTURE_KINDS,
    ExchangeReport,
    Finding,
    Location,
    Severity,
    Side,
)
from cognito_spec.traffic.finding import short as _short
from cognito_spec.traffic.finding import violation_finding as _violation_finding
from cognito_spec.traffic.record import Exchange
from cognito_spec.traffic.tokens import (
    TOKEN_MEMBER,
    authentication_result_findings,
    capture_time,
    issues_tokens,
    read_verdict,
    result_of,
    token_findings,
)
from cognito_spec.validation.answers import service_error
from cognito_spec.validation.messages import same_message
from cognito_spec.validation.validate import validate

if TYPE_CHECKING:
    from cognito_spec.operations import Operation

__all__ = [
    "CAPTURE_KINDS",
    "ExchangeReport",
    "Finding",
    "Location",
    "Severity",
    "Side",
    "examine",
    "operation_name",
    "validate_exchange",
]

_COGNITO_PREFIX: Final = TARGET_PREFIX + "."
#: Violations of a request the service accepts (see cognito_spec.validation.validate.service_error).
_ACCEPTED_KINDS: Final = frozenset({"unknown_member", "duplicate_key"})


class _Checker:
    """The validation of one exchange, step by step (a class only to share the state)."""

    def __init__(self, ex: Exchange, reveal: bool) -> None:
        self.ex = ex
        self.reveal = reveal
        self.findings: list[Finding] = []
        #: Indexes (in ``findings``) of the request's errors: warnings when the response refuses the
        #: request as the service does.
        self.request_errors: list[int] = []
        #: The error the service answers this request with, when it refuses it.
        self.expected: ServiceError | None = None
        #: A SigV4 operation called without Authorization (see request()).
        self.unsigned = False
        #: The access token of a well-formed request to a token-authorised operation.
        self.token: object = None

    def add(
        self,
        severity: Severity,
        kind: str,
        location: Location,
        message: str,
        header: str | None = None,
        *,
        detail: str = "",
        pointer: str = "",
        request: bool = False,
    ) -> None:
        if request and severity == "error":
            self.request_errors.append(len(self.findings))
        self.findings.append(
            Finding(severity, kind, location, message, pointer=pointer, header=header, detail=detail)
        )

    def add_violations(self, violations: Iterable[Violation], location: Location, *, request: bool) -> None:
        for v in violations:
            if request and v.severity == "error":
                self.request_errors.append(len(self.findings))
            finding = _violation_finding(v, location, self.reveal)
            if request and v.kind in _ACCEPTED_KINDS:
                # The service ignores unknown members and keeps the last of repeated keys: a note
                # about the client's request, which the service handles as it always does.
                finding = attrs.evolve(finding, expected=True)
            self.findings.append(finding)

    def _body_missing(self, body: bytes | None, location: Location) -> None:
        what = (
            "the capture did not keep this body"
            if body is None
            else "the capture kept an empty body where Content-Length announces one"
        )
        self.add("warning", "body_missing", location, what)

    # -- request ---------------------------------------------------------------------------------

    def request(self, h: dict[str, str]) -> Operation | None:
        ex = self.ex
        if ex.method.upper() != "POST":
            self.add(
                "error",
                "method",
                "request",
                "the service only answers POST",
                detail=_short(ex.method, 20),
                request=True,
            )
        target = h.get("x-amz-target")
        op = operation_for_target(target) if target else None
        if op is None:
            # The service's front end routes on X-Amz-Target alone and answers anything it cannot
            # route with UnknownOperationException, before it reads the body (protocol.server).
            kind, message, detail = _routing_finding(target)
            self.add("error", kind, "request", message, "X-Amz-Target", detail=detail, request=True)
            self.expected = _make(UnknownOperationException)
            return None
        ct = h.get("content-type")
        if ct != CONTENT_TYPE and not content_type_ok(ct):
            self.add(
                "error",
                "content_type",
                "request",
                f"no Content-Type; the service routes only {CONTENT_TYPE}"
                if ct is None
                else f"a Content-Type the service does not route; it routes only {CONTENT_TYPE}",
                "Content-Type",
                detail="" if ct is None else _short(ct),
                request=True,
            )
            self.expected = _make(UnknownOperationException)
        if op.auth == "sigv4" and "authorization" not in h:
            # The service refuses an unsigned call before it reads the body (protocol/auth.py), so
            # MissingAuthenticationTokenException answers it whatever the body breaks.  It is not
            # demanded: a capture tool may have stripped the header (browsers' sanitised HAR).
            self.unsigned = True
            self.add(
                "warning",
                "authorization",
                "request",
                "an IAM-authorised operation without a SigV4 Authorization header; the service refuses it",
                "Authorization",
            )
        body = ex.request_body
        if body is None or not _kept(body, h):
            self._body_missing(body, "request")
            return op
        # The service reads an empty body as {} (see http.parse_request), checks enum values on input
        # (strict), ignores members it does not know and keeps the last of repeated keys: those two
        # are warnings here.
        if len(body):
            violations = validate(body, op.input, mode="strict", reveal=self.reveal)
        else:
            violations = validate({}, op.input, mode="strict", reveal=self.reveal)
        violations = [
            attrs.evolve(v, severity="warning") if v.kind in _ACCEPTED_KINDS else v for v in violations
        ]
        self.add_violations(violations, "request", request=True)
        if self.expected is None:
            self.expected = service_error(violations)
        if op.auth == "access_token" and self.expected is None:
            # A request the service routes and reads: its token decides the answer (traffic.tokens).
            try:
                data = decode_body(body) if len(body) else {}
            except DecodeError:  # pragma: no cover - a body the service cannot read has a violation
                data = None
            self.token = data.get(TOKEN_MEMBER) if type(data) is dict else None
        return op

    # -- response --------------------------------------------------------------------------------

    def envelope(self, h: dict[str, str]) -> None:
        # The service labels successes and errors alike application/x-amz-json-1.1 (whole-api.md
        # section 0 item 7: a real InitiateAuth success, cognito-local#404, and a real error,
        # aws-sdk-ios-samples#144).  The application/x-amz-json-1.0 of the API Reference's samples
        # is a documentation slip (wire-truth.md open question 1, settled there): an error here.
        ct = h.get("content-type")
        if ct == CONTENT_TYPE:
            pass
        elif ct is None:
            self.add(
                "error",
                "content_type",
                "envelope",
                f"no Content-Type; the service sends {CONTENT_TYPE}",
                "Content-Type",
            )
        elif not content_type_ok(ct):
            if ct.partition(";")[0].strip().lower() == "application/json":
                self.add(
                    "warning",
                    "json_content_type",
                    "envelope",
                    f"served as application/json; the service sends {CONTENT_TYPE}",
                    "Content-Type",
                    detail=_short(ct),
                )
            else:
                self.add(
                    "error",
                    "content_type",
                    "envelope",
                    f"a Content-Type other than {CONTENT_TYPE}, which the service sends",
                    "Content-Type",
                    detail=_short(ct),
                )
        rid = h.get("x-amzn-requestid")
        if rid is None:
            self.add("error", "request_id", "envelope", "no x-amzn-RequestId header", "x-amzn-RequestId")
        elif UUID.fullmatch(rid.strip()) is None:
            self.add(
                "warning",
                "request_id_format",
                "envelope",
                "the request id is not a UUID, as the service's are",
                "x-amzn-RequestId",
                detail=_short(rid),
            )

    def success(self, op: Operation | None, status: int, h: dict[str, str]) -> None:
        if status != 200:
            self.add(
                "error",
                "status",
                "envelope",
                "a success with a status other than 200, which the service answers successes with",
                detail=f"status {status}",
            )
        if op is None or op.output is None:
            return
        body = self.ex.response_body
        if body is None or not _kept(body, h):
            self._body_missing(body, "response")
            return
        # Tolerant: members and enum values newer than the pinned model are warnings, and a missing
        # required member is still an error (the service's promise; clients index it).
        self.add_violations(
            validate(body, op.output, mode="tolerant", reveal=self.reveal), "response", request=False
        )
        if issues_tokens(op.output):  # InitiateAuth, RespondToAuthChallenge and friends
            with suppress(DecodeError):  # a body that cannot be read is reported above
                self.findings += authentication_result_findings(result_of(decode_body(body)))

    def error(self, op: Operation | None, status: int, h: dict[str, str]) -> tuple[str | None, Any]:
        """Check an error response; returns its code (None when it names none) and its parsed body."""
        header_code = code_of(h.get("x-amzn-errortype"))
        body = self.ex.response_body
        data: Any = None
        if body is None or not _kept(body, h):
            self._body_missing(body, "response")
        else:
            try:
                data = decode_body(body)
            except DecodeError as exc:
                self.add_violations(exc.violations, "response", request=False)
        body_code = code_of(data.get("__type")) if type(data) is dict else None
        if header_code and body_code and header_code != body_code:
            self.add(
                "error",
                "error_code",
                "envelope",
                "X-Amzn-ErrorType and the body's __type name different errors",
                "X-Amzn-ErrorType",
                detail=f"X-Amzn-ErrorType {_short(header_code)}, __type {_short(body_code)}",
            )
        elif not header_code and not body_code:
            self.add(
                "error", "error_code", "envelope", "an error response without X-Amzn-ErrorType or __type"
            )
        elif not header_code:
            # The service sends x-amzn-ErrorType with every captured error (whole-api.md section 0
            # item 8); Amplify reads it before the body, so a missing one is worth a note.
            self.add(
                "warning",
                "error_header",
                "envelope",
                "no X-Amzn-ErrorType header; the service sends one",
                "X-Amzn-ErrorType",
            )
        elif not body_code and data is not None:
            self.add("warning", "error_header", "response", "no __type in the body; the service sends one")
        if header_code and (not body_code or header_code == body_code):
            # The service writes ``<Code>:`` (whole-api.md section 0 item 8; wire-truth.md section 4.2).
            raw = h["x-amzn-errortype"]
            how = error_type_departure(raw, header_code)
            if how is not None:
                self.add(
                    "warning",
                    "error_type_format",
                    "envelope",
                    f"x-amzn-ErrorType is not written <Code>: as the service writes it ({how})",
                    "x-amzn-ErrorType",
                    detail=_short(raw),
                )
        if body_code and data["__type"] != body_code:
            # The body names the bare shape name, no namespace (wire-truth.md section 0 item 2, section
            # 4.2; cognito-local#315 shows SDKs that map a namespaced one to the base error class).
            self.add(
                "warning",
                "error_type_format",
                "response",
                "__type is not the bare error name the service writes",
                pointer="/__type",
                detail=_short(data["__type"]),
            )
        code = body_code or header_code
        if code is None:
            return None, data
        cls = op.error_for_code(code) if op is not None else error_class(code)
        if type(data) is dict:
            member = (
                cls.message_member if cls is not None else ("Message" if "Message" in data else "message")
            )
            if not message_header_agrees(data.get(member), h.get("x-amzn-errormessage")):
                # The service repeats the message in x-amzn-ErrorMessage (whole-api.md section 0
                # item 8; wire-truth.md section 4.2); see fast.message_header_agrees for the [I] part.
                # Neither text is quoted: a captured error message is shown only with reveal.
                what = (
                    "no x-amzn-ErrorMessage header; the service repeats the message there"
                    if "x-amzn-errormessage" not in h
                    else "x-amzn-ErrorMessage differs from the body's message"
                )
                self.add("warning", "error_message_header", "envelope", what, "x-amzn-ErrorMessage")
        if cls is None:
            if op is not None and error_class(code) is not None:
                self.add("error", "undeclared_error", "response", f"{code} is not an error {op.name} returns")
            else:
                self.add(
                    "error",
                    "undeclared_error",
                    "response",
                    "an error code the service does not have",
                    detail=_short(code),
                )
            return code, data
        if status != cls.http_status:
            if status == cls.model_http_status:
                self.add(
                    "warning",
                    "model_http_status",
                    "envelope",
                    f"status {status} is the model's httpError for {code}; the service sends {cls.http_status}",
                )
            else:
                self.add(
                    "error",
                    "status",
                    "envelope",
                    f"the service sends {code} with status {cls.http_status}",
                    detail=f"status {status}",
                )
        if data is not None:
            self.add_violations(
                validate(data, cls, mode="tolerant", reveal=self.reveal), "response", request=False
            )
        return code, data

    def rejection(self, code: str | None, data: Any) -> None:
        """Does the response refuse a broken request the way the service does?"""
        expected = self.expected
        if expected is None:
            return
        unsigned_refusal = error_class(MISSING_AUTHENTICATION_TOKEN[0])
        if self.unsigned and code == MISSING_AUTHENTICATION_TOKEN[0] and unsigned_refusal is not None:
            expected = _make(unsigned_refusal, MISSING_AUTHENTICATION_TOKEN[1])
        if code != expected.code:
            got = (
                "a success"
                if self.ex.status is not None and self.ex.status < 300
                else (code or "an error without a code")
            )
            self.add(
                "error",
                "rejection_expected",
                "response",
                f"the service answers this request with {expected.code}, not {got}",
            )
            return
        # The capture shows the service's answer: the request's faults are the client's, and the
        # exchange itself is faithful.  They stay visible, as warnings.
        for i in self.request_errors:
            self.findings[i] = attrs.evolve(self.findings[i], severity="warning", expected=True)
        if expected.message is None:
            return
        message = data.get(type(expected).message_member) if type(data) is dict else None
        # Enum sets come in the service's order, not the model's: messages compare as the service means them.
        if not (
            isinstance(message, str)
            and expected.message is not None
            and same_message(message, expected.message)
        ):
            self.add(
                "warning",
                "validation_message",
                "response",
                "the message differs from the service's",
                detail=f"expected {expected.message!r}, got {message!r}"
                if self.reveal
                else "reveal shows both",
            )

    def run(self, rh: dict[str, str]) -> ExchangeReport:
        ex = self.ex
        op = self.request(rh)
        if ex.status is None:
            self.add("warning", "no_response", "response", "the capture holds no response")
        else:
            h = map_of_pairs(ex.response_headers)
            status = ex.status
            self.envelope(h)
            code: str | None = None
            data: Any = None
            if 200 <= status < 300:
                self.success(op, status, h)
                self.rejection(None, None)
            elif 400 <= status < 600:
                code, data = self.error(op, status, h)
                self.rejection(code, data)
            else:
                self.add(
                    "error",
                    "status",
                    "envelope",
                    "a status that is neither a success nor an error",
                    detail=f"status {status}",
                )
            if self.token is not None and (200 <= status < 300 or code is not None):
                message = data.get("message") if type(data) is dict else None
                verdict = read_verdict(self.token, capture_time(ex.started))
                self.findings += token_findings(verdict, status, code, message, reveal=self.reveal)
        name = op.name if op is not None else operation_name(rh.get("x-amz-target"))
        return ExchangeReport(name, tuple(self.findings))


def operation_name(target: str | None) -> str | None:
    """The operation an ``X-Amz-Target`` of the service's prefix names (at most 64 characters), or
    None for a missing target or another service's: how a report names an unknown operation."""
    if target is None or not target.startswith(_COGNITO_PREFIX):
        return None
    return target[len(_COGNITO_PREFIX) :][:64] or None


def _routing_finding(target: str | None) -> tuple[str, str, str]:
    """(kind, message, detail) of a request the service cannot route by its ``X-Amz-Target``."""
    if not target:
        return "missing_target", "no X-Amz-Target header; the service routes every request by it", ""
    name = operation_name(target)
    if name is not None:
        # An operation name is no secret; a newer model than the pinned one may know it.
        return (
            "unknown_operation",
            "X-Amz-Target names no operation of the service's model; the service answers "
            "UnknownOperationException",
            _short(name),
        )
    return (
        "foreign_target",
        "X-Amz-Target names another service's operation; this Cognito user pools endpoint "
        "answers UnknownOperationException",
        _short(target),
    )


def _kept(body: bytes, h: Mapping[str, str]) -> bool:
    """Whether a captured body is the one sent, not an empty stand-in for one the capture lost.

    Chromium gives DevTools an empty body for responses it did not buffer (a ``fetch`` drained with
    ``blob()``, content evicted from the inspector's cache), and HAR exports then write
    ``"text": ""`` next to a ``content.size`` above 0.  The headers still carry the length the
    sender announced: an empty body with ``Content-Length`` above 0 is the recording's gap, not the
    traffic.  (Bodies re-encoded by a proxy, gzip undone, are never empty, so only this case is
    read: lengths are not compared otherwise.)
    """
    if len(body):
        return True
    announced = h.get("content-length", "").strip()
    # Digits only, not all zeros (no int(): a header of 5000 digits is text, not a number to parse).
    return not (announced.isascii() and announced.isdigit() and announced.strip("0") != "")


def _make(cls: type[ServiceError], message: str | None = None) -> ServiceError:
    return cls(message)


def _as_bytes(body: bytes | bytearray | memoryview | str | None) -> bytes | None:
    if body is None:
        return None
    if isinstance(body, str):
        return body.encode("utf-8", "surrogatepass")
    return bytes(body)


def examine(ex: Exchange, *, reveal: bool = False) -> ExchangeReport:
    """The operation an exchange calls and its findings (see :func:`validate_exchange`)."""
    if ex.status is not None and ex.request_body is not None and ex.response_body is not None:
        rh, h = quick_headers(ex.request_headers), quick_headers(ex.response_headers)
        try:
            name = (
                quick_valid(
                    ex.method,
                    rh,
                    ex.request_body.decode("utf-8"),
                    ex.status,
                    h,
                    ex.response_body.decode("utf-8"),
                    ex.started,
                )
                if rh is not None and h is not None
                else None
            )
        except UnicodeDecodeError:
            name = None
        if name is not None:
            return ExchangeReport(name, ())
    rh = map_of_pairs(ex.request_headers)
    if "x-amz-target" in rh:
        rh["x-amz-target"] = rh["x-amz-target"].strip()
    return _Checker(ex, reveal).run(rh)


def validate_exchange(
    exchange: Exchange | None = None,
    *,
    request_headers: HeadersLike = (),
    request_body: bytes | bytearray | memoryview | str | None = None,
    status: int | None = None,
    response_headers: HeadersLike = (),
    response_body: bytes | bytearray | memoryview | str | None = None,
    method: str = "POST",
    reveal: bool = False,
) -> list[Finding]:
    """Every finding of one request/response pair (see the module documentation for the kinds).

    Pass an :class:`~cognito_spec.traffic.record.Exchange`, or the parts as keywords (headers as a mapping or
    as pairs; bodies as bytes or str; ``status=None`` when no response was captured).  Sensitive
    values appear in messages only with ``reveal=True``.
    """
    if exchange is None:
        exchange = Exchange(
            header_pairs(request_headers),
            _as_bytes(request_body),
            status,
            header_pairs(response_headers),
            _as_bytes(response_body),
            method,
        )
    return list(examine(exchange, reveal=reveal).findings)
