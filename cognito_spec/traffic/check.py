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

import json
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Final, Literal

import attrs

from cognito_spec.codec.compile import function_for
from cognito_spec.codec.converter import _DECODER, _body_text, _decode, keys_unique
from cognito_spec.codec.violations import Violation, json_pointer, member_path
from cognito_spec.errors import DecodeError, ServiceError
from cognito_spec.operations import OPERATIONS, TARGET_PREFIX, error_class, operation_for_target
from cognito_spec.protocol.envelope import error_code
from cognito_spec.protocol.server import CONTENT_TYPE, HeadersLike, content_type_ok
from cognito_spec.shapes import UnknownOperationException
from cognito_spec.traffic.capture import Exchange, Headers, skip_reason
from cognito_spec.validation.validate import REDACTED, redact, service_error, validate

if TYPE_CHECKING:
    from cognito_spec.operations import Operation

__all__ = [
    "ExchangeReport",
    "Finding",
    "Location",
    "Severity",
    "examine",
    "quick_headers",
    "quick_valid",
    "redact_exchange",
    "validate_exchange",
]

Severity = Literal["error", "warning"]
Location = Literal["request", "response", "envelope"]


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


_UUID: Final = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_COGNITO_PREFIX: Final = TARGET_PREFIX + "."
#: Violations of a request the service accepts (see cognito_spec.validation.validate.service_error).
_ACCEPTED_KINDS: Final = frozenset({"unknown_member", "duplicate_key"})


def _hmap(headers: Headers) -> dict[str, str]:
    """Lower-cased names to first values (see http.header_map; Exchange headers are already str).

    Built from the reversed pairs so the first of repeated names wins, in one C-level pass: this runs
    twice per exchange of a capture of any size.
    """
    return {k.lower(): v for k, v in reversed(headers)}


# --------------------------------------------------------------------------------------------------
# The fast path.  A capture of real traffic is mostly clean successes; proving one clean costs a
# fraction of the full check when nothing has to be explained.  ``quick_valid`` answers only "valid,
# with no finding at all" or "don't know": every exchange it is unsure of goes through _Checker,
# which decides.  tests/test_exchange.py checks the two agree.


_SCAN: Final[Any] = _DECODER.scan_once  # type: ignore[attr-defined]


def _clean_body(text: str, check: Any, strict: bool) -> bool:
    """True when a body text is one JSON value that breaks nothing of its shape (no warning either)."""
    if not text.isascii():
        if text[:1] == "\ufeff":
            return False
        try:
            text.encode("utf-8")  # a lone surrogate: the bytes were not UTF-8 (invalid_utf8)
        except UnicodeEncodeError:
            return False
    try:
        # The C scanner without JSONDecoder.decode's wrapper; text around the value (white space)
        # goes to the full path, which accepts it.
        data, end = _SCAN(text, 0)
    except (StopIteration, ValueError, RecursionError):
        return False
    if end != len(text):
        return False
    out: list[Violation] = []
    cnt = [0, 0]
    check(data, (), out, strict, cnt)
    if out:
        return False
    if "\\" not in text:  # keys_unique's first rule, inlined: this runs twice per exchange
        return text.count('"') == 2 * (cnt[0] + cnt[1])
    return keys_unique(text, cnt[0], cnt[1])


@attrs.frozen
class _Quick:
    """What the fast path needs of one operation, looked up once."""

    name: str
    check_in: Any
    check_out: Any
    sigv4: bool
    #: Error code -> (checker, the status the service sends with it).
    errors: dict[str, tuple[Any, int]]


_QUICK: dict[str, _Quick] = {}


def _quick_table() -> dict[str, _Quick]:
    # Built on first use, not at import: compiling the checkers is work a library import should not do.
    if not _QUICK:
        for op in OPERATIONS.values():
            if op.output is not None:
                _QUICK[op.target] = _Quick(
                    op.name,
                    function_for(op.input, "check"),
                    function_for(op.output, "check"),
                    op.auth == "sigv4",
                    {cls.code: (function_for(cls, "check"), cls.http_status) for cls in op.errors},
                )
    return _QUICK


def quick_valid(
    method: str,
    request_headers: dict[str, str],
    request_text: str,
    status: int,
    response_headers: dict[str, str],
    response_text: str,
) -> str | None:
    """The operation's name when the exchange has no finding at all; None when it may have one.

    The headers are maps of lower-cased names to first values, stripped (see :func:`quick_headers`).
    Covers clean successes and clean errors (declared for the operation, with the service's status,
    ``X-Amzn-ErrorType`` and ``__type`` agreeing); anything else is for the full check.
    """
    quick = (_QUICK or _quick_table()).get(request_headers.get("x-amz-target", ""))
    if quick is None or method != "POST" or not request_text:
        return None
    if (
        request_headers.get("content-type") != CONTENT_TYPE
        or response_headers.get("content-type") != CONTENT_TYPE
        or (quick.sigv4 and "authorization" not in request_headers)
    ):
        return None
    rid = response_headers.get("x-amzn-requestid")
    if rid is None or _UUID.fullmatch(rid) is None:
        return None
    if not _clean_body(request_text, quick.check_in, True):
        return None
    if status == 200:
        return quick.name if _clean_body(response_text, quick.check_out, False) else None
    code = _code_of(response_headers.get("x-amzn-errortype"))
    if code is None or code not in quick.errors or f'"{code}"' not in response_text:
        return None
    check, http_status = quick.errors[code]
    if status != http_status:
        return None
    try:
        data, end = _SCAN(response_text, 0)
    except (StopIteration, ValueError, RecursionError):
        return None
    if end != len(response_text) or type(data) is not dict or _code_of(data.get("__type")) != code:
        return None
    return quick.name if _clean_body(response_text, check, False) else None


def quick_headers(pairs: Any) -> dict[str, str] | None:
    """``(name, value)`` pairs as :func:`quick_valid` wants them, or None when they are not str pairs.

    Only ``str`` has both ``lower`` and ``strip`` among JSON values, so this also proves the types.
    """
    try:
        return {k.lower(): v.strip() for k, v in reversed(pairs)}
    except (AttributeError, TypeError, ValueError):
        return None


def _short(text: object, limit: int = 80) -> str:
    s = repr(text)
    return s if len(s) <= limit else s[: limit - 3] + "..."


def _code_of(value: object) -> str | None:
    """The bare code of an ``X-Amzn-ErrorType`` or ``__type`` value (see envelope.error_code)."""
    if not isinstance(value, str):
        return None
    return error_code(value).strip() or None


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
        elif _UUID.fullmatch(rid.strip()) is None:
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
        header_code = _code_of(h.get("x-amzn-errortype"))
        body = self.ex.response_body
        data: Any = None
        if body is None:
            self.add("warning", "body_missing", "response", "the capture did not keep this body")
        else:
            try:
                data = _decode(_body_text(body), _DECODER)
            except DecodeError as exc:
                self.add_violations(exc.violations, "response", request=False)
        body_code = _code_of(data.get("__type")) if type(data) is dict else None
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
            h = _hmap(ex.response_headers)
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
    # The generated classes take their members as keywords, which the type checker cannot see
    # through the ``shape`` decorator.
    make: Any = cls
    err: ServiceError = make(message=message)
    return err


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
    rh = _hmap(ex.request_headers)
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


# --------------------------------------------------------------------------------------------------
# Redaction of a whole exchange (cognito-spec redact).


def _mask_all(value: Any) -> Any:
    """Every string of a value masked: for bodies of operations this model does not describe."""
    if isinstance(value, str):
        return REDACTED
    if isinstance(value, dict):
        return {k: _mask_all(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask_all(v) for v in value]
    return value


#: Headers whose values are credentials; :func:`redact_exchange` masks them along with the bodies.
SENSITIVE_HEADERS: Final = frozenset(
    {"authorization", "cookie", "set-cookie", "x-amz-security-token", "proxy-authorization"}
)


def _redact_body(body: bytes | None, cls: type | None) -> bytes | None:
    if body is None or len(body) == 0:
        return body
    try:
        data = _decode(_body_text(body), _DECODER)
    except DecodeError:
        # Unreadable JSON may still hold a token: the whole body goes.  The copy stays unreadable,
        # so it validates with the same kind of finding.
        return REDACTED.encode()
    masked = redact(data, cls) if cls is not None and type(data) is dict else _mask_all(data)
    return json.dumps(masked, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")


def _response_class(ex: Exchange, op: Operation | None) -> type | None:
    if ex.status is None:
        return None
    if 200 <= ex.status < 300:
        return op.output if op is not None else None
    code = _code_of(_hmap(ex.response_headers).get("x-amzn-errortype"))
    if code is None and ex.response_body:
        try:
            parsed = _decode(_body_text(ex.response_body), _DECODER)
        except DecodeError:
            parsed = None
        code = _code_of(parsed.get("__type")) if type(parsed) is dict else None
    return error_class(code or "")


def _mask_headers(headers: Headers) -> Headers:
    return tuple((k, REDACTED if k.lower() in SENSITIVE_HEADERS else v) for k, v in headers)


def redact_exchange(ex: Exchange) -> Exchange:
    """A copy of an exchange with every sensitive member of both bodies masked, and credential headers.

    Credential headers (:data:`SENSITIVE_HEADERS`) are masked in every exchange.  Bodies of covered
    operations are masked member by member from the model (tokens, user names, attribute values
    become ``REDACTED``, which still matches their patterns, so the copy validates like the
    original).  Bodies of Cognito operations this model does not cover, whose sensitive members are
    unknown here, have every string masked; so do error bodies of unknown codes.  The bodies of
    traffic that is not Cognito's are left as they are.
    """
    masked = attrs.evolve(
        ex,
        request_headers=_mask_headers(ex.request_headers),
        response_headers=_mask_headers(ex.response_headers),
    )
    if skip_reason(ex) in ("preflight", "not_cognito"):
        return masked if masked != ex else ex
    target = _hmap(ex.request_headers).get("x-amz-target")
    op = operation_for_target(target.strip()) if target is not None else None
    return attrs.evolve(
        masked,
        request_body=_redact_body(ex.request_body, op.input if op is not None else None),
        response_body=_redact_body(ex.response_body, _response_class(ex, op)),
    )
