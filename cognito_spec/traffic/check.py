"""Validation of one captured request/response pair against the model and the service's behaviour.

:func:`validate_exchange` checks

* the request: its target and Content-Type, and its body against the operation's input shape;
* a 2xx response against the operation's output shape;
* an error response against the errors the operation may return (the model's list plus the
  service-level ones, see :class:`~cognito_spec.operations.Operation`);
* the envelope: Content-Type, the ``x-amzn-RequestId`` header, the ``X-Amzn-ErrorType`` header
  matching the body's ``__type``, the status the service really sends for that error;
* consistency: a request that breaks the model must be answered with the error the service gives
  for it (SerializationException, InvalidParameterException with the service's message, ...).

Each problem is a :class:`Finding`.  Errors are things the real service never does (or a request
it refuses, when the capture does not show it refused); warnings are *fidelity* notes: valid by the
model, yet not what the service does (a status from the model's ``httpError`` trait instead of the
400 the service sends, an error labelled ``application/json``, an IAM operation without a SigV4
``Authorization`` header, members or enum values newer than the pinned model).

Finding kinds (stable strings):

=========================  =========  ===========================================================
kind                       severity   meaning
=========================  =========  ===========================================================
required, type, length_*,  error      a member breaks the input or output shape (the validation
pattern, enum, range_*,               kinds of :class:`~cognito_spec.codec.violations.Violation`); a request
timestamp_range,                      that the response shows refused as the service refuses it
malformed_json,                       has them as warnings
invalid_utf8
unknown_member             warning    a member the pinned model does not know (new, or a typo);
                                      the service ignores it in a request
duplicate_key              warning    a repeated key in an object (readers keep the last value)
unknown_operation          error      X-Amz-Target missing or not an operation of the service
uncovered_operation        warning    a Cognito operation outside this model (not checked)
method                     error      the request is not a POST
content_type               error      Content-Type is not awsJson1_1 (request), or not JSON
                                      (response)
json_content_type          warning    a response labelled ``application/json``
request_id                 error      the response has no ``x-amzn-RequestId`` header
request_id_format          warning    the request id is not a UUID, as the service's always are
status                     error      a status the service does not send for this response
model_http_status          warning    an error status taken from the model's httpError trait
error_code                 error      an error without a code, or header and body disagreeing
error_header               warning    an error without ``X-Amzn-ErrorType`` or without ``__type``
undeclared_error           error      an error code the operation cannot return
rejection_expected         error      the request breaks the model, but the response is not the
                                      error the service answers it with
validation_message         warning    the right InvalidParameterException, another message
authorization              warning    an IAM-authorised (SigV4) operation without Authorization
body_missing               warning    the capture did not keep a body (browsers may drop them)
no_response                warning    the capture holds no response
=========================  =========  ===========================================================

Messages never quote sensitive values (tokens, user names, attribute values) or the captured error
messages unless ``reveal=True``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Final, Literal

import attrs

from cognito_spec.codec.body import decode_body
from cognito_spec.codec.violations import Violation, json_pointer, member_path
from cognito_spec.errors import DecodeError, ServiceError
from cognito_spec.operations import TARGET_PREFIX, error_class, operation_for_target
from cognito_spec.protocol.server import CONTENT_TYPE, HeadersLike, content_type_ok
from cognito_spec.shapes import UnknownOperationException
from cognito_spec.traffic.capture import Exchange, Headers
from cognito_spec.traffic.fast import UUID, code_of, header_map, quick_headers, quick_valid
from cognito_spec.validation.validate import service_error, validate

if TYPE_CHECKING:
    from cognito_spec.operations import Operation

__all__ = [
    "ExchangeReport",
    "Finding",
    "Location",
    "Severity",
    "Side",
    "examine",
    "validate_exchange",
]

Severity = Literal["error", "warning"]
Location = Literal["request", "response", "envelope"]
#: Whom a finding is about: ``client`` (the request the client sent), ``server`` (the answer the
#: server gave, envelope included) or ``capture`` (the recording itself: a body the tool did not keep,
#: a response it did not record).  ``--strict`` and the exit code follow it.
Side = Literal["client", "server", "capture"]

#: Finding kinds that describe the recording, not the traffic.
CAPTURE_KINDS: Final = frozenset({"body_missing", "no_response"})


@attrs.frozen
class Finding:
    """One problem of an exchange.

    ``pointer`` (RFC 6901) and ``member_path`` (the service's spelling, ``userAttributes.1.member.name``)
    locate a body finding; ``header`` names the header an envelope finding is about.  ``message`` is
    already redacted unless the finding was made with ``reveal=True``.
    """

    severity: Severity
    kind: str
    location: Location
    message: str
    pointer: str = ""
    member_path: str = ""
    header: str | None = None

    @property
    def side(self) -> Side:
        """Whom the finding is about (see :data:`Side`)."""
        if self.kind in CAPTURE_KINDS:
            return "capture"
        return "client" if self.location == "request" else "server"

    @property
    def path(self) -> str:
        """Where, in one word: the header name, the JSON pointer, or ``/`` for a whole body."""
        if self.header is not None:
            return self.header
        return self.pointer or "/"

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready record with a fixed set of keys (``header`` is null when not about one)."""
        return {
            "severity": self.severity,
            "kind": self.kind,
            "location": self.location,
            "pointer": self.pointer,
            "member_path": self.member_path,
            "header": self.header,
            "side": self.side,
            "message": self.message,
        }


@attrs.frozen
class ExchangeReport:
    """The findings of one exchange, with the operation it called (None when it names none)."""

    operation: str | None
    findings: tuple[Finding, ...]

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == "warning")

    @property
    def valid(self) -> bool:
        return self.errors == 0


_COGNITO_PREFIX: Final = TARGET_PREFIX + "."
#: Violations of a request the service accepts (see cognito_spec.validation.validate.service_error).
_ACCEPTED_KINDS: Final = frozenset({"unknown_member", "duplicate_key"})


def _short(text: object, limit: int = 80) -> str:
    s = repr(text)
    return s if len(s) <= limit else s[: limit - 3] + "..."


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

    def add(
        self,
        severity: Severity,
        kind: str,
        location: Location,
        message: str,
        header: str | None = None,
        *,
        request: bool = False,
    ) -> None:
        if request and severity == "error":
            self.request_errors.append(len(self.findings))
        self.findings.append(Finding(severity, kind, location, message, header=header))

    def add_violations(self, violations: Iterable[Violation], location: Location, *, request: bool) -> None:
        reveal = self.reveal
        for v in violations:
            if request and v.severity == "error":
                self.request_errors.append(len(self.findings))
            self.findings.append(
                Finding(
                    v.severity,
                    v.kind,
                    location,
                    v.describe(reveal=reveal),
                    json_pointer(v.path),
                    member_path(v.path),
                )
            )

    # -- request ---------------------------------------------------------------------------------

    def request(self, h: dict[str, str]) -> Operation | None:
        ex = self.ex
        if ex.method.upper() != "POST":
            self.add(
                "error",
                "method",
                "envelope",
                f"the service only answers POST, not {_short(ex.method, 20)}",
                request=True,
            )
        target = h.get("x-amz-target")
        op = operation_for_target(target) if target is not None else None
        if op is None:
            what = (
                "no X-Amz-Target header"
                if target is None
                else f"X-Amz-Target {_short(target)} names no operation"
            )
            self.add("error", "unknown_operation", "envelope", what, "X-Amz-Target", request=True)
            self.expected = _make(UnknownOperationException)
            return None
        ct = h.get("content-type")
        if ct != CONTENT_TYPE and not content_type_ok(ct):
            got = "no Content-Type" if ct is None else f"Content-Type {_short(ct)}"
            self.add(
                "error",
                "content_type",
                "envelope",
                f"{got}; the service routes only {CONTENT_TYPE}",
                "Content-Type",
                request=True,
            )
            self.expected = _make(UnknownOperationException)
        if op.auth == "sigv4" and "authorization" not in h:
            self.add(
                "warning",
                "authorization",
                "envelope",
                f"{op.name} is IAM-authorised; the service refuses it without a SigV4 Authorization header",
                "Authorization",
            )
        body = ex.request_body
        if body is None:
            self.add("warning", "body_missing", "request", "the capture did not keep this body")
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
        return op

    # -- response --------------------------------------------------------------------------------

    def envelope(self, h: dict[str, str]) -> None:
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
                )
            else:
                self.add(
                    "error",
                    "content_type",
                    "envelope",
                    f"Content-Type {_short(ct)} is not {CONTENT_TYPE}",
                    "Content-Type",
                )
        rid = h.get("x-amzn-requestid")
        if rid is None:
            self.add("error", "request_id", "envelope", "no x-amzn-RequestId header", "x-amzn-RequestId")
        elif UUID.fullmatch(rid.strip()) is None:
            self.add(
                "warning",
                "request_id_format",
                "envelope",
                f"request id {_short(rid)} is not a UUID, as the service's are",
                "x-amzn-RequestId",
            )

    def success(self, op: Operation | None, status: int) -> None:
        if status != 200:
            self.add(
                "error", "status", "envelope", f"status {status}; the service answers successes with 200"
            )
        if op is None or op.output is None:
            return
        body = self.ex.response_body
        if body is None:
            self.add("warning", "body_missing", "response", "the capture did not keep this body")
            return
        # Tolerant: members and enum values newer than the pinned model are warnings, and a missing
        # required member is still an error (the service's promise; clients index it).
        self.add_violations(
            validate(body, op.output, mode="tolerant", reveal=self.reveal), "response", request=False
        )

    def error(self, op: Operation | None, status: int, h: dict[str, str]) -> tuple[str | None, Any]:
        """Check an error response; returns its code (None when it names none) and its parsed body."""
        header_code = code_of(h.get("x-amzn-errortype"))
        body = self.ex.response_body
        data: Any = None
        if body is None:
            self.add("warning", "body_missing", "response", "the capture did not keep this body")
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
                f"X-Amzn-ErrorType says {_short(header_code)}, the body's __type {_short(body_code)}",
                "X-Amzn-ErrorType",
            )
        elif not header_code and not body_code:
            self.add(
                "error", "error_code", "envelope", "an error response without X-Amzn-ErrorType or __type"
            )
        elif not header_code:
            self.add(
                "warning",
                "error_header",
                "envelope",
                "no X-Amzn-ErrorType header; the service sends one",
                "X-Amzn-ErrorType",
            )
        elif not body_code and data is not None:
            self.add("warning", "error_header", "response", "no __type in the body; the service sends one")
        code = body_code or header_code
        if code is None:
            return None, data
        cls = op.error_for_code(code) if op is not None else error_class(code)
        if cls is None:
            what = (
                f"{code} is not an error {op.name} returns"
                if op is not None and error_class(code) is not None
                else f"unknown error code {_short(code)}"
            )
            self.add("error", "undeclared_error", "response", what)
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
                    f"status {status}; the service sends {cls.http_status} for {code}",
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
            self.findings[i] = attrs.evolve(self.findings[i], severity="warning")
        if expected.message is None:
            return
        message = data.get(type(expected).message_member) if type(data) is dict else None
        if message != expected.message:
            detail = (
                f": expected {expected.message!r}, got {message!r}"
                if self.reveal
                else " (--reveal shows both)"
            )
            self.add(
                "warning", "validation_message", "response", "the message differs from the service's" + detail
            )

    def run(self, rh: dict[str, str]) -> ExchangeReport:
        ex = self.ex
        op = self.request(rh)
        if ex.status is None:
            self.add("warning", "no_response", "response", "the capture holds no response")
        else:
            h = header_map(ex.response_headers)
            status = ex.status
            self.envelope(h)
            if 200 <= status < 300:
                self.success(op, status)
                self.rejection(None, None)
            elif 400 <= status < 600:
                self.rejection(*self.error(op, status, h))
            else:
                self.add("error", "status", "envelope", f"status {status} is neither a success nor an error")
        if op is not None:
            name: str | None = op.name
        else:
            target = rh.get("x-amz-target") or ""
            name = target[len(_COGNITO_PREFIX) :][:64] if target.startswith(_COGNITO_PREFIX) else None
        return ExchangeReport(name, tuple(self.findings))


def _make(cls: type[ServiceError], message: str | None = None) -> ServiceError:
    return cls(message)


def _pairs(headers: HeadersLike) -> Headers:
    """Header pairs in order, names keeping their case (bytes read as ISO-8859-1, as HTTP defines)."""
    items: Iterable[tuple[str | bytes, str | bytes]]
    items = headers.items() if isinstance(headers, Mapping) else headers
    return tuple((_latin1(k), _latin1(v)) for k, v in items)


def _latin1(value: str | bytes) -> str:
    return value.decode("latin-1") if isinstance(value, bytes | bytearray) else value


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
                )
                if rh is not None and h is not None
                else None
            )
        except UnicodeDecodeError:
            name = None
        if name is not None:
            return ExchangeReport(name, ())
    rh = header_map(ex.request_headers)
    target = rh.get("x-amz-target")
    if target is not None:
        target = rh["x-amz-target"] = target.strip()
    if target is not None and operation_for_target(target) is None and target.startswith(_COGNITO_PREFIX):
        name = target[len(_COGNITO_PREFIX) :][:64]
        f = Finding(
            "warning",
            "uncovered_operation",
            "envelope",
            f"{name} is not covered by this model",
            header="X-Amz-Target",
        )
        return ExchangeReport(name, (f,))
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

    Pass an :class:`~cognito_spec.traffic.capture.Exchange`, or the parts as keywords (headers as a mapping or
    as pairs; bodies as bytes or str; ``status=None`` when no response was captured).  Sensitive
    values appear in messages only with ``reveal=True``.
    """
    if exchange is None:
        exchange = Exchange(
            _pairs(request_headers),
            _as_bytes(request_body),
            status,
            _pairs(response_headers),
            _as_bytes(response_body),
            method,
        )
    return list(examine(exchange, reveal=reveal).findings)
