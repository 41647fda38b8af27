"""Error envelopes of awsJson1_1, both ways: an exception to status, headers and body, and back.

Sans-IO: nothing here touches a socket.  :func:`render_error` is what an emulator sends for a
:class:`~cognito_spec.errors.ServiceError`; :func:`parse_error` is what a client (or a test comparing an
emulator with the service) makes of any error response, losing nothing the server sent.

Facts the functions rely on, each with its reason:

* The status code is the class's ``http_status``: what the service really sends, generated from
  ``tools/overlay.toml`` (400 for client errors, even where the model's ``httpError`` trait claims
  403, 404 or 429).  It is never restated here.
* The body is ``{"__type": "<Code>", "<message member>": "..."}`` plus the error's other members
  (``reasonCode``).  The message member is ``message``, except ``Message`` for
  ``SerializationException``: the class's ``message_member`` says which.
* ``x-amzn-ErrorType`` carries the code followed by a colon (the service appends one; what follows
  a colon is a namespace URL, which readers drop).
* The code is resolved as the awsJson1_1 protocol requires of clients: the ``X-Amzn-ErrorType``
  header (any case) first, then a top-level body ``code``, then ``__type``; of that, what is before
  the first ``:`` and then after the first ``#``.  A ``__type`` nested below the top level is data,
  not a code.  https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html#operation-error-serialization
"""

from __future__ import annotations

import uuid
from typing import Any, Final

from cognito_spec.errors import (
    ArgumentTypeError,
    ArgumentValueError,
    DecodeError,
    ErrorResponse,
    ServiceError,
    UnknownServiceError,
    attach_response,
)
from cognito_spec.model import is_shape_class, members_of
from cognito_spec.operations import error_class
from cognito_spec.protocol.headers import HeaderList, HeadersLike, header_pairs, map_of_pairs
from cognito_spec.protocol.server import CONTENT_TYPE, Rendered

__all__ = [
    "ACCESS_TOKEN_EXPIRED",
    "ACCESS_TOKEN_MISSING_SCOPES",
    "ACCESS_TOKEN_REVOKED",
    "INVALID_ACCESS_TOKEN",
    "TOKEN_MESSAGES",
    "error_code",
    "parse_error",
    "render_error",
]

# The messages of the NotAuthorizedException the service sends for a bad access token (GetUser,
# GetUserAuthFactors and every other operation authorised by an access token).
#: The token's ``exp`` is in the past.
ACCESS_TOKEN_EXPIRED: Final = "Access Token has expired"
#: The token was revoked (GlobalSignOut, RevokeToken, AdminUserGlobalSignOut).
ACCESS_TOKEN_REVOKED: Final = "Access Token has been revoked"
#: The token is not a valid access token of this pool (bad signature, wrong pool, an ID token, ...).
INVALID_ACCESS_TOKEN: Final = "Invalid Access Token"
#: The token lacks the scope the operation needs (``aws.cognito.signin.user.admin``).
ACCESS_TOKEN_MISSING_SCOPES: Final = "Access Token does not have required scopes"
#: All four, for an emulator or a test that wants to recognise them.
TOKEN_MESSAGES: Final = (
    ACCESS_TOKEN_EXPIRED,
    ACCESS_TOKEN_REVOKED,
    INVALID_ACCESS_TOKEN,
    ACCESS_TOKEN_MISSING_SCOPES,
)

# --------------------------------------------------------------------------------------------------
# Rendering.


def render_error(exc: ServiceError, *, request_id: str | None = None) -> Rendered:
    """The response the service sends for ``exc``: a :class:`~cognito_spec.protocol.server.Rendered` ``(status, headers, body)``.

    Headers, in this order: ``Content-Type``, ``x-amzn-ErrorType`` (``<Code>:``),
    ``x-amzn-ErrorMessage`` (only when there is a message), ``x-amzn-RequestId`` (``request_id`` or a
    new UUID), ``Content-Length``.  The body is compact UTF-8 JSON, as :func:`cognito_spec.dumps` writes.  The header
    copy of the message has control characters turned into spaces and non-ASCII characters into
    ``?``: HTTP header values cannot carry them reliably, and the body keeps the exact text.

    Raises ``TypeError`` when ``exc`` is not a :class:`ServiceError` and ``ValueError`` for a
    request id that is not a printable ASCII header value.
    """
    if not isinstance(exc, ServiceError):
        raise ArgumentTypeError(f"render_error() takes a ServiceError, not {type(exc).__name__}")
    if request_id is None:
        request_id = str(uuid.uuid4())
    elif not _printable_ascii(request_id):
        raise ArgumentValueError("a request id must be printable ASCII")
    from cognito_spec.codec.body import encode_body

    code = exc.code
    body = encode_body(_body_of(exc))
    headers: HeaderList = [("Content-Type", CONTENT_TYPE), ("x-amzn-ErrorType", f"{code}:")]
    if exc.message:
        headers.append(("x-amzn-ErrorMessage", _header_text(exc.message)))
    headers.append(("x-amzn-RequestId", request_id))
    headers.append(("Content-Length", str(len(body))))
    return Rendered(exc.http_status, headers, body)


def _body_of(exc: ServiceError) -> dict[str, Any]:
    body: dict[str, Any] = {"__type": exc.code}
    if is_shape_class(type(exc)):
        from cognito_spec.codec.converter import to_wire

        body.update(to_wire(exc))
    elif exc.message is not None:
        body[type(exc).message_member] = exc.message
    return body


def _printable_ascii(text: str) -> bool:
    return text.isascii() and text.isprintable()


def _header_text(text: str) -> str:
    return "".join(
        ch if " " <= ch <= "~" else (" " if ch.isspace() or ord(ch) < 0x20 or ch == "\x7f" else "?")
        for ch in text
    )


# --------------------------------------------------------------------------------------------------
# Parsing.


def error_code(raw: str) -> str:
    """The bare code of a header or ``__type`` value: before the first ``:``, then after the first ``#``.

    ``com.amazon.coral.service#SerializationException`` and ``NotAuthorizedException:http://...``
    both give the plain name.
    """
    head = raw.split(":", 1)[0]
    return head.split("#", 1)[1] if "#" in head else head


def parse_error(
    status: int,
    headers: HeadersLike | None,
    body: bytes | bytearray | memoryview | str | None,
) -> ServiceError:
    """The exception an error response stands for.  Never raises for any status, headers or body.

    The code comes from the first of: the ``X-Amzn-ErrorType`` header (any case), a top-level string
    ``code`` in the body, a top-level string ``__type`` (see :func:`error_code`).  The message is the
    body's ``message`` or ``Message`` (the first that is a string), else the ``x-amzn-ErrorMessage``
    header.  A code the model knows gives its generated class, with the other members it carries
    (``reasonCode``) where they have the right type; any other code, or none, gives
    :class:`UnknownServiceError`.  Either way :attr:`ServiceError.response` holds the status, the
    headers and the raw body exactly as received: nothing the server sent is lost.  A body that is
    empty, not JSON, or not an object only loses its say in the code and message.
    """
    pairs = header_pairs(headers, lenient=True)  # never raises: odd items are skipped
    h = map_of_pairs(pairs)
    raw = _raw_body(body)
    data = _json_object(raw)
    code = _resolve_code(h, data)
    message = _resolve_message(h, data)
    status = status if type(status) is int else _status_of(status)
    response = ErrorResponse(status=status, headers=tuple(pairs), body=raw)
    cls = error_class(code) if code else None
    exc: ServiceError
    if cls is None:
        exc = UnknownServiceError(code, message, status=status, body=raw)
    else:
        exc = _build_known(cls, data, message)
    attach_response(exc, response)
    return exc


def _raw_body(body: object) -> bytes:
    if body is None:
        return b""
    if isinstance(body, str):
        return body.encode("utf-8", "surrogatepass")
    if isinstance(body, bytes | bytearray | memoryview):
        return bytes(body)
    return str(body).encode("utf-8", "surrogatepass")


def _status_of(value: object) -> int:
    try:
        return int(value)  # type: ignore[call-overload, no-any-return]
    except (TypeError, ValueError, OverflowError):
        return 0


def _json_object(raw: bytes) -> dict[str, Any] | None:
    if not raw.strip():
        return None
    from cognito_spec.codec.body import decode_body

    try:
        data = decode_body(raw)
    except DecodeError:
        return None
    return data if type(data) is dict else None


def _resolve_code(h: dict[str, str], data: dict[str, Any] | None) -> str:
    candidates: list[object] = [h.get("x-amzn-errortype")]
    if data is not None:
        candidates += [data.get("code"), data.get("__type")]
    for raw in candidates:
        if isinstance(raw, str):
            code = error_code(raw).strip()
            if code:
                return code
    return ""


def _resolve_message(h: dict[str, str], data: dict[str, Any] | None) -> str | None:
    if data is not None:
        for key in ("message", "Message"):
            value = data.get(key)
            if isinstance(value, str):
                return value
    return h.get("x-amzn-errormessage")


def _build_known(cls: type[ServiceError], data: dict[str, Any] | None, message: str | None) -> ServiceError:
    """The generated error with its message and any other member that has the right wire type."""
    from cognito_spec.codec.converter import from_wire

    fields: dict[str, Any] = {}
    for name, m in members_of(cls):
        if m.wire == cls.message_member or name == "message":
            fields[name] = message
            continue
        if data is None or data.get(m.wire) is None:
            continue
        try:
            fields[name] = getattr(from_wire({m.wire: data[m.wire]}, cls), name)
        except (DecodeError, TypeError, ValueError):
            continue  # the raw body (exc.response) still has it
    return cls(**fields)
