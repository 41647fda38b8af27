"""Sans-IO HTTP for emulators: headers and body in, typed objects out; objects in, status, headers, body out.

Nothing here opens a socket or knows a web framework.  An emulator hands :func:`parse_request` the
headers and body its server received and gets the operation and the decoded request back, or an
exception that *is* the answer the service would give: every failure raises a
:class:`~cognito_spec.errors.ServiceError` subclass, which ``cognito_spec.protocol.envelope.render_error`` turns
into the error response.  :func:`render_response` writes a success::

    try:
        op, request = parse_request(headers, body)
        status, out_headers, out_body = render_response(handle(op, request))
    except ServiceError as exc:
        status, out_headers, out_body = render_error(exc)

The rules below follow the awsJson1_1 protocol as the Cognito user pools service applies it.  Each
carries its reason next to the code, in the manner of h11: the reason is what lets the next reader
tell a deliberate choice from an accident.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, Final, NamedTuple

from cognito_spec.codec.body import decode_body, encode_body
from cognito_spec.codec.compile import function_for
from cognito_spec.codec.converter import to_wire
from cognito_spec.codec.violations import Violation
from cognito_spec.errors import ArgumentTypeError, EncodeError, ServiceError
from cognito_spec.model import struct_info
from cognito_spec.operations import operation as operation_named
from cognito_spec.operations import operation_for_target
from cognito_spec.protocol.auth import check_signature
from cognito_spec.protocol.headers import HeaderList, HeadersLike, header_map
from cognito_spec.shapes import UnknownOperationException

if TYPE_CHECKING:
    from cognito_spec.operations import Operation

    # For type checkers: the union of every request class and of every response class, generated
    # with the classes (cognito_spec.shapes).  At run time both names are built from the registry on
    # first use (module __getattr__ below), so they never go stale; tests/test_emulator_example.py
    # runs mypy to check that every class is assignable to its union.
    from cognito_spec.shapes import Request, Response

__all__ = [
    "CONTENT_TYPE",
    "CORS_EXPOSE_HEADERS",
    "CORS_MAX_AGE",
    "ParsedRequest",
    "Rendered",
    "Request",
    "RequestId",
    "Response",
    "content_type_ok",
    "cors_headers",
    "decode",
    "is_preflight",
    "parse_request",
    "render_preflight",
    "render_response",
    "route",
]

#: The media type of every awsJson1_1 request and response body.
CONTENT_TYPE: Final = "application/x-amz-json-1.1"

#: A request id: a fresh UUID per response, as the service sends.
RequestId = str


class ParsedRequest(NamedTuple):
    """What :func:`parse_request` returns: the operation and its decoded input; unpacks as a pair."""

    #: The operation the ``X-Amz-Target`` header names.
    operation: Operation
    #: The input object, an instance of ``operation.input`` (narrow it with ``isinstance`` or ``match``).
    request: Request


class Rendered(NamedTuple):
    """A response to send: ``(status, headers, body)``; unpacks as a triple."""

    status: int
    #: ``(name, value)`` pairs in order, as WSGI's ``start_response`` takes them.
    headers: HeaderList
    body: bytes


def __getattr__(name: str) -> Any:
    # Request and Response at run time: the unions of the registry's classes, built on first use
    # (this imports every operation's module, which nothing else here does).
    if name in ("Request", "Response"):
        from functools import reduce
        from operator import or_

        from cognito_spec.operations import OPERATIONS

        if name == "Request":
            classes = [op.input for op in OPERATIONS.values()]
        else:
            classes = [op.output for op in OPERATIONS.values() if op.output is not None]
        union = reduce(or_, classes)
        globals()[name] = union
        return union
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def content_type_ok(value: str | None) -> bool:
    """True when a Content-Type header names awsJson1_1 (``application/x-amz-json-1.1``).

    * Media type names are case-insensitive (RFC 9110 section 8.3.1), so ``Application/X-Amz-Json-1.1``
      is the same type.
    * Parameters are allowed: browsers' ``fetch`` and many HTTP libraries append
      ``; charset=utf-8`` on their own, and the service accepts it.
    * A ``charset`` other than UTF-8 is refused: JSON on the wire is UTF-8 (RFC 8259 section 8.1),
      and a body announced as Latin-1 cannot be read as the service reads it.
    * ``application/json`` is refused: the service routes by this media type, and the awsJson1_0
      type (``application/x-amz-json-1.0``) belongs to a different protocol.
    """
    if value is None:
        return False
    if not isinstance(value, str):
        raise ArgumentTypeError(f"a Content-Type value is a str, not {type(value).__name__}")
    media, _, params = value.partition(";")
    if media.strip().lower() != CONTENT_TYPE:
        return False
    for param in params.split(";"):
        name, _, val = param.partition("=")
        if name.strip().lower() == "charset" and val.strip().strip('"').lower() not in ("utf-8", "utf8"):
            return False
    return True


def route(headers: HeadersLike | None) -> Operation:
    """The operation a request targets, as the service's front end finds it (steps 1 and 2 below).

    Raises :class:`UnknownOperationException` when the ``X-Amz-Target`` header is missing or names no
    operation of the model, or when the Content-Type is not awsJson1_1.
    """
    return _route(header_map(headers))


def _route(h: dict[str, str]) -> Operation:
    # 1. Routing.  The service dispatches on the exact X-Amz-Target value
    #    ("AWSCognitoIdentityProviderService.GetUser"): no case folding, no prefix matching.  A request
    #    without the header, or naming an operation that does not exist, cannot be routed at all; the
    #    service's front end answers that with UnknownOperationException before any body is read.
    # Dispatch is the registry's table: the X-Amz-Target value names exactly one operation.
    op = operation_for_target(h.get("x-amz-target", ""))
    if op is None:
        raise _unknown_operation()

    # 2. Protocol.  The front end picks the protocol from the Content-Type, and only with the awsJson1_1
    #    protocol does X-Amz-Target name an operation; a request of another media type is one the
    #    service cannot route, the same answer as an unknown target.  (That the service answers it so,
    #    rather than with SerializationException, is recorded from client reports, not from a
    #    specification; the class is the only thing SDKs act on.)
    if not content_type_ok(h.get("content-type")):
        raise _unknown_operation()
    return op


def decode(op: Operation, body: bytes | bytearray | memoryview | str | None) -> Request:
    """The input object of a call to ``op``, read and validated as the service does (steps 3 and 4).

    Raises :class:`SerializationException` for a body that is not one JSON object of the input's
    JSON types, :class:`InvalidParameterException` for one that breaks the input's constraints.
    """
    # 3. Framing.  An empty body is an empty input: SDKs send "{}" for operations without members, but
    #    HTTP clients may send nothing at all, and the service treats both alike.  Anything else must
    #    be one JSON object in UTF-8, without a byte-order mark.  A repeated key is accepted and its
    #    last value wins, as in the service's JSON reader (and Python's).
    data: Any = {} if body is None or len(body) == 0 else body

    # 4. Deserialisation, then validation, as the service orders them: a body that does not
    #    deserialise into the input shape (malformed JSON, a member of the wrong JSON type, a top-level
    #    array) is a SerializationException, whatever constraints it also breaks; only a body that
    #    deserialised has its constraints checked, and all of them are reported in one
    #    InvalidParameterException.  Unknown members are ignored: newer SDKs send members older model
    #    versions lack, and the service skips members it does not know instead of failing the call.
    #    (Duplicate keys and unknown members are reported by validate() but never refused.)
    #    Enum values are enforced on input, which is why validation runs strict.  The decisions and
    #    their evidence live in cognito_spec.validation.answers (service_error); this module only applies them.
    from cognito_spec.validation.answers import service_error
    from cognito_spec.validation.validate import validate

    violations = validate(data, op.input, mode="strict")
    if violations:
        error = service_error(violations)
        if error is not None:
            raise error
    if type(data) is not dict:
        data = decode_body(data)
    request: Request = function_for(op.input, "build")(data)
    return request


def parse_request(
    headers: HeadersLike | None, body: bytes | bytearray | memoryview | str | None
) -> ParsedRequest:
    """Decode a request as the service would: the operation it targets and its input object.

    The three steps of the service, in its order: :func:`route`, then
    :func:`~cognito_spec.protocol.auth.authenticate` (the SigV4 signature a ``sigv4`` operation
    needs, presence and form), then :func:`decode`.  Call them one by one to do something between
    them (verify the signature, say).

    Returns a :class:`ParsedRequest` (``op, request = parse_request(...)`` unpacks it); the request is
    typed :data:`Request`, the union of every input class, for ``isinstance`` or ``match`` to narrow.
    Header input that is not headers raises :class:`~cognito_spec.errors.ArgumentTypeError`.

    Raises the service's own error for a request it would refuse (render it with
    ``cognito_spec.protocol.envelope.render_error``):

    * :class:`UnknownOperationException`: the ``X-Amz-Target`` header is missing or names no
      operation of the model, or the Content-Type is not awsJson1_1;
    * ``MissingAuthenticationTokenException``: a ``sigv4`` operation without an ``Authorization``
      header; ``IncompleteSignatureException``: one whose signature lacks parts (see
      :mod:`cognito_spec.protocol.auth`);
    * :class:`SerializationException`: the body is not one JSON object in UTF-8 (malformed, a
      byte-order mark), or a member has the wrong JSON type;
    * :class:`InvalidParameterException`: the body breaks constraints of the input (required,
      length, pattern, enum, range), with the service's "N validation error(s) detected" message.

    An access token (GetUser and every ``access_token`` operation) is judged after all this, by the
    emulator (``cognito_spec.tokens.judge_access_token``): [I] the token is a member of the input,
    checked by the operation itself once its input is valid, so an empty ``AccessToken`` is the
    pattern error the service is seen to send, never "Invalid Access Token" (wire-truth section 4.3),
    and a bad token next to another invalid member is reported as the invalid member.
    """
    # Headers are normalised here, once (cognito_spec.protocol.headers: names in any case, bytes as
    # ISO-8859-1, the first of repeated names wins); bad header input is an ArgumentTypeError.
    h = header_map(headers)
    op = _route(h)
    check_signature(op, h)
    return ParsedRequest(op, decode(op, body))


def _unknown_operation() -> ServiceError:
    # The service sends this error without a message.
    return UnknownOperationException()


def render_response(
    obj: Response | None,
    *,
    request_id: str | None = None,
    check: bool = True,
    operation: Operation | str | None = None,
) -> Rendered:
    """The HTTP response of a successful call: a :class:`Rendered` ``(200, headers, body)``.

    ``obj`` is an output object of the model (``GetUserResponse(...)``), or None for the 13
    operations whose model has no output (DeleteUserPool, AdminDeleteUser, ...), answered with the
    body ``{}`` ([I] awsJson1_1 sends an empty JSON object for an operation without output, as
    botocore and the JS SDK expect; no capture of one was found).  Given ``operation`` (an
    :class:`Operation` or its name), the answer is checked to be that operation's: an output object
    of its class, or None exactly when it has no output.  With ``check`` (the default)
    the object is first checked against every constraint of its shape, and :class:`EncodeError` is
    raised when the service could never have sent it (a required member missing, a value too long):
    an emulator that answers what the service cannot answer teaches its users the wrong thing.

    The headers are the ones clients rely on:

    * ``Content-Type: application/x-amz-json-1.1``: the service labels successes with the protocol's
      media type, and some clients (browsers' ``fetch``, JSON-sniffing HTTP libraries) behave
      differently for ``application/json``.
    * ``x-amzn-RequestId``: every response carries a fresh UUID; SDKs attach it to results and errors,
      and support cases quote it.
    * ``Content-Length``: the body is complete, so its length is known; WSGI and HTTP/1.1 servers
      then need no chunked encoding.
    """
    if operation is not None:
        op = operation_named(operation) if isinstance(operation, str) else operation
        if (obj is None) != (op.output is None) or (obj is not None and type(obj) is not op.output):
            wanted = "None (it has no output)" if op.output is None else op.output.__name__
            raise ArgumentTypeError(
                f"render_response(): {op.name} answers with {wanted}, not {type(obj).__name__}"
            )
    if obj is None:
        return _rendered(b"{}", request_id)
    info = struct_info(type(obj))
    if info is None or info.role != "output":
        raise ArgumentTypeError(
            f"render_response() takes an output object of the model, not {type(obj).__name__}"
            " (errors go to cognito_spec.protocol.envelope.render_error)"
        )
    wire = to_wire(obj)
    if check:
        out: list[Violation] = []
        # Tolerant check: a value of an open enum newer than the pinned model is the emulator's
        # right to send (clients must accept it); only real breaks of the shape are refused.
        function_for(type(obj), "check")(wire, (), out, False, [0, 0])
        out = [v for v in out if v.severity == "error"]
        if out:
            problems = "; ".join(f"{v.pointer or '/'}: {v.describe()}" for v in out)
            raise EncodeError(f"{type(obj).__name__} breaks its model: {problems}")
    return _rendered(encode_body(wire), request_id)


def _rendered(body: bytes, request_id: str | None) -> Rendered:
    headers = [
        ("Content-Type", CONTENT_TYPE),
        ("x-amzn-RequestId", request_id or str(uuid.uuid4())),
        ("Content-Length", str(len(body))),
    ]
    return Rendered(200, headers, body)


# --------------------------------------------------------------------------------------------------
# CORS: what lets a browser page call the service (Amplify and the JS SDK call cognito-idp from
# browsers, so the service must answer their preflight and label its answers for them).
#
# [I] None of this has been captured from cognito-idp itself.  It is the behaviour of the AWS JSON
# front end that cognito-idp shares with DynamoDB and Lambda, as emulators of those services record it
# (one states that its list of exposed headers is DynamoDB's): any origin is allowed (``*``, and no
# credentials mode); a preflight is answered 200 with an empty body, allowing exactly the method and
# headers the browser asked for, cached for 172800 seconds (two days); every answer to a request that
# names an Origin, errors included, carries the allowed origin and exposes the x-amzn headers
# SDKs read (without them a browser hides x-amzn-ErrorType and the request id from the page).

#: The response headers a page may read.
CORS_EXPOSE_HEADERS: Final = "x-amzn-RequestId,x-amzn-ErrorType,x-amzn-ErrorMessage,Date"
#: How long a browser may keep a preflight answer, in seconds.
CORS_MAX_AGE: Final = "172800"


def cors_headers(request_headers: HeadersLike | None) -> HeaderList:
    """The CORS headers to add to an answer (success or error) to a request with these headers:
    none when it names no ``Origin``."""
    if not header_map(request_headers).get("origin"):
        return []
    return [("Access-Control-Allow-Origin", "*"), ("Access-Control-Expose-Headers", CORS_EXPOSE_HEADERS)]


def is_preflight(method: str, request_headers: HeadersLike | None) -> bool:
    """Whether a request is a browser's CORS preflight: ``OPTIONS`` naming ``Access-Control-Request-Method``."""
    return method.upper() == "OPTIONS" and bool(
        header_map(request_headers).get("access-control-request-method")
    )


def render_preflight(request_headers: HeadersLike | None, *, request_id: str | None = None) -> Rendered:
    """The service's answer to a CORS preflight (``OPTIONS`` with ``Origin`` and
    ``Access-Control-Request-Method`` / ``-Headers``): 200, no body, the asked method and headers allowed."""
    h = header_map(request_headers)
    headers: HeaderList = [("Access-Control-Allow-Origin", "*")]
    for asked, allow in (
        ("access-control-request-headers", "Access-Control-Allow-Headers"),
        ("access-control-request-method", "Access-Control-Allow-Methods"),
    ):
        if h.get(asked):
            headers.append((allow, h[asked]))
    headers += [
        ("Access-Control-Expose-Headers", CORS_EXPOSE_HEADERS),
        ("Access-Control-Max-Age", CORS_MAX_AGE),
        ("x-amzn-RequestId", request_id or str(uuid.uuid4())),
        ("Content-Length", "0"),
    ]
    return Rendered(200, headers, b"")
