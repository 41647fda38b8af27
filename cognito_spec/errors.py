"""Every exception the library raises, in one tree.

Nothing else leaves the library: a ``KeyError``, ``re.error`` or ``RecursionError`` that escaped
would be a bug.  Each library error also derives from the built-in exception it is a kind of, so
``except ValueError`` keeps working::

    CognitoSpecError
    ├── ArgumentTypeError (TypeError)      a call got the wrong kind of argument (not a shape class, ...)
    ├── ArgumentValueError (ValueError)    a call got a value it cannot use (an unknown mode, ...)
    ├── UnknownNameError (KeyError)        no operation, shape, schema or fixture kind of that name
    ├── EncodeError (ValueError)           an object cannot be written to the wire (a naive datetime)
    ├── DecodeError (ValueError)           wire data does not decode to the class; ``.violations``
    ├── WireTypeError (TypeError)          a converter hook met a JSON value of the wrong type
    ├── PatternError (ValueError)          a pattern uses syntax the dialect translator lacks
    ├── MessageFormatError (ValueError)    a text is not the service's validation message
    ├── CaptureError (ValueError)          a capture cannot be read (HAR / JSON lines); file + position
    ├── GenerationError (ValueError)       a shape cannot be generated (a lookaround pattern)
    ├── TokenFormatError (ValueError)      a token cannot be read: segments, base64url, JSON, claims
    ├── TokenKeyError (ValueError)         a signing key or a JWKS document cannot be used
    ├── TokensExtraMissingError (ImportError)  signing or verifying needs ``cognito-spec[tokens]``
    ├── DaskExtraMissingError (ImportError)    validating on Dask needs ``cognito-spec[dask]``
    ├── ProbeError (ValueError)            the probe cannot run: the endpoint does not answer at all
    │   └── ProbeRefusedError              the endpoint is not one the probe may talk to (safety rule)
    ├── UsageError                         the command line was misused: exit 2, one line
    ├── WorkerError (RuntimeError)         a ``validate --jobs`` worker process died: exit 2, one line
    └── ServiceError                       what the service answers on the wire
        ├── <the generated errors>         cognito_spec.shapes.errors: code, HTTP status, fault
        └── UnknownServiceError            an error code this model does not know; keeps the response

Messages never quote a sensitive value: a capture or a body holds tokens.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Final, Literal

import attrs

if TYPE_CHECKING:
    from cognito_spec.codec.violations import Violation

__all__ = [
    "ArgumentTypeError",
    "ArgumentValueError",
    "CaptureError",
    "CognitoSpecError",
    "DaskExtraMissingError",
    "DecodeError",
    "EncodeError",
    "ErrorResponse",
    "GenerationError",
    "MessageFormatError",
    "PatternError",
    "ProbeError",
    "ProbeRefusedError",
    "ServiceError",
    "TokenFormatError",
    "TokenKeyError",
    "TokensExtraMissingError",
    "UnknownNameError",
    "UnknownServiceError",
    "UsageError",
    "WireTypeError",
    "WorkerError",
]

Fault = Literal["client", "server"]


class CognitoSpecError(Exception):
    """Root of every exception this library raises on purpose."""


class ArgumentTypeError(CognitoSpecError, TypeError):
    """A function got the wrong kind of argument (for example something that is not a shape class)."""


class ArgumentValueError(CognitoSpecError, ValueError):
    """A function got an argument of the right type but a value it cannot use."""


class UnknownNameError(CognitoSpecError, KeyError):
    """No operation, shape, schema or fixture kind has that name."""

    def __str__(self) -> str:  # KeyError quotes its argument with repr(); a name reads better plain
        return str(self.args[0]) if self.args else ""


class EncodeError(CognitoSpecError, ValueError):
    """An object cannot be written to the wire (for example a naive datetime)."""


class DecodeError(CognitoSpecError, ValueError):
    """Wire data does not decode to the requested class.

    ``violations`` lists every problem found, each with its JSON pointer.  Sensitive values are never
    part of the message.
    """

    def __init__(self, cls_name: str, violations: Sequence[Violation]) -> None:
        self.cls_name = cls_name
        self.violations: tuple[Violation, ...] = tuple(violations)
        super().__init__(cls_name, self.violations)

    def __str__(self) -> str:
        n = len(self.violations)
        head = f"{n} violation{'s' if n != 1 else ''} decoding {self.cls_name}"
        return head + "".join(f"\n  {v.pointer or '/'}: {v.describe()}" for v in self.violations)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.cls_name!r}, <{len(self.violations)} violations>)"


class WireTypeError(CognitoSpecError, TypeError):
    """A converter hook met a JSON value of the wrong type (``from_wire`` reports it as a DecodeError;
    a converter set up with ``configure_converter`` raises it as is)."""


class PatternError(CognitoSpecError, ValueError):
    """A pattern uses syntax this dialect translator does not support."""


class GenerationError(CognitoSpecError, ValueError):
    """A shape cannot be generated (for example a pattern with a lookaround)."""


class UsageError(CognitoSpecError):
    """Bad usage or unreadable input on the command line: exit code 2 with a one-line reason."""


class WorkerError(CognitoSpecError, RuntimeError):
    """A worker process of ``cognito-spec validate --jobs`` died (a signal, the out-of-memory killer):
    the run stops at once, its output incomplete (exit code 2, one line naming the signal)."""


class CaptureError(CognitoSpecError, ValueError):
    """A capture cannot be read: not HAR or JSON lines, truncated, or a record of the wrong form.

    The message names the file and the position (``line 12``, ``entry 3``), never the content: a
    capture holds tokens.
    """

    def __init__(self, reason: str, *, source: str = "", position: str = "") -> None:
        self.reason, self.source, self.position = reason, source, position
        super().__init__(reason, source, position)

    def __str__(self) -> str:
        return ": ".join(p for p in (self.source, self.position, self.reason) if p)

    def __reduce__(self) -> tuple[Any, ...]:  # keyword-only arguments: pickle (multiprocessing) needs help
        return (_rebuild_capture_error, (self.reason, self.source, self.position))

    def at(self, *, source: str | None = None, position: str | None = None) -> CaptureError:
        """A copy with the file name or position filled in where it was unknown."""
        return CaptureError(
            self.reason, source=self.source or source or "", position=self.position or position or ""
        )


def _rebuild_capture_error(reason: str, source: str, position: str) -> CaptureError:
    return CaptureError(reason, source=source, position=position)


class TokenFormatError(CognitoSpecError, ValueError):
    """A token cannot be read: not three base64url segments, JSON that is not an object, a claim
    missing or of the wrong type, a time outside the datetime range.

    ``reason`` says what is wrong; ``claim`` names the claim (or header member) concerned, when one
    is.  Neither ever contains a value from the token.
    """

    def __init__(self, reason: str, *, claim: str | None = None) -> None:
        self.reason = reason
        self.claim = claim
        super().__init__(reason, claim)

    def __str__(self) -> str:
        return f"claim {self.claim!r}: {self.reason}" if self.claim else self.reason

    def __reduce__(self) -> tuple[object, ...]:  # keyword-only argument: pickle needs help
        return (_rebuild_format_error, (self.reason, self.claim))


def _rebuild_format_error(reason: str, claim: str | None) -> TokenFormatError:
    return TokenFormatError(reason, claim=claim)


class TokenKeyError(CognitoSpecError, ValueError):
    """A signing key or a JWKS document cannot be used (not RSA, too short, not PEM, no ``kid``)."""


class TokensExtraMissingError(CognitoSpecError, ImportError):
    """Signing and verifying tokens needs the optional JOSE library: ``pip install 'cognito-spec[tokens]'``.

    Reading a token without its key (``decode_unverified``) needs nothing extra.
    """


class DaskExtraMissingError(CognitoSpecError, ImportError):
    """Validating on Dask (:mod:`cognito_spec.traffic.dask`) needs ``pip install 'cognito-spec[dask]'``."""


class ProbeError(CognitoSpecError, ValueError):
    """``cognito-spec probe`` cannot run: the endpoint does not answer HTTP at all.

    A wrong answer is never this error: it is a finding of the report.
    """


class ProbeRefusedError(ProbeError):
    """The probe refuses the endpoint: not a loopback address nor a host the user allowed, an AWS
    endpoint, or not an ``http(s)://`` URL.  Nothing was sent."""


class ServiceError(CognitoSpecError):
    """Base of the errors the service returns on the wire.

    Subclasses set the class attributes from the model and the overlay of observed service facts.
    ``http_status`` is what the service really sends; ``model_http_status`` is what the model's
    ``httpError`` trait claims, where it claims anything; ``status_source`` where the status comes
    from (a public source, or the awsJson1_1 rule marked [I]).
    """

    code: ClassVar[str] = "ServiceError"
    http_status: ClassVar[int] = 400
    model_http_status: ClassVar[int | None] = None
    #: Where ``http_status`` comes from: the public source of an observed status, or the rule.
    status_source: ClassVar[str] = ""
    fault: ClassVar[Fault] = "client"
    modelled: ClassVar[bool] = False
    message_member: ClassVar[str] = "message"
    message: str | None

    if TYPE_CHECKING:
        # The generated subclasses' constructors (attrs): the message positionally or by name, and
        # their other members by name.  Declared here so ``cls(message)`` type-checks for any error class.
        def __init__(self, message: str | None = None, /, **members: Any) -> None: ...

    def __str__(self) -> str:
        return f"{self.code}: {self.message}" if self.message else self.code

    @property
    def response(self) -> ErrorResponse | None:
        """What the server sent, when the error was read from a response (``envelope.parse_error``)."""
        found = self.__dict__.get(_RESPONSE_KEY)
        return found if isinstance(found, ErrorResponse) else None

    def __reduce__(self) -> tuple[Any, ...]:
        # attrs passes no positional args to BaseException, so pickle needs the fields by name
        # (multiprocessing sends exceptions between processes).
        fields = attrs.fields(type(self))  # type: ignore[arg-type]
        return (_rebuild, (type(self), {f.name: getattr(self, f.name) for f in fields}, self.response))


#: Where a parsed error keeps its response (the generated classes are frozen: no field can take it).
_RESPONSE_KEY: Final = "_cognito_spec_response"


def attach_response(exc: ServiceError, response: ErrorResponse | None) -> None:
    """Record the response an error was read from (see :attr:`ServiceError.response`)."""
    if response is not None:
        exc.__dict__[_RESPONSE_KEY] = response


def _rebuild(
    cls: type[ServiceError], fields: dict[str, Any], response: ErrorResponse | None = None
) -> ServiceError:
    exc = cls(**fields)
    attach_response(exc, response)
    return exc


def _body_repr(body: bytes) -> str:
    return f"<{len(body)} bytes>"


@attrs.frozen
class ErrorResponse:
    """An HTTP response exactly as received: status, headers in order, raw body."""

    status: int
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = attrs.field(default=b"", repr=_body_repr)


class UnknownServiceError(ServiceError):
    """An error response whose code this library does not know, or that named no code at all.

    It keeps everything: ``code`` (empty when the response named none), ``message``, ``status`` and the
    raw ``body``; :attr:`response` has the headers too.
    """

    modelled: ClassVar[bool] = False

    def __init__(
        self, code: str, message: str | None = None, *, status: int = 400, body: bytes = b""
    ) -> None:
        Exception.__init__(self, code, message)
        self._code = code
        self.message = message
        self.status = status
        self.body = body

    @property
    def code(self) -> str:  # type: ignore[override]
        return self._code

    @property
    def http_status(self) -> int:  # type: ignore[override]
        return self.status

    @property
    def fault(self) -> Fault:  # type: ignore[override]
        return "server" if self.status >= 500 else "client"

    def __str__(self) -> str:
        code = self._code or f"HTTP {self.status}"
        return f"{code}: {self.message}" if self.message else code

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(code={self._code!r}, message={self.message!r}, status={self.status},"
            f" body=<{len(self.body)} bytes>)"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_unknown, (self._code, self.message, self.status, self.body, self.response))


def _rebuild_unknown(
    code: str, message: str | None, status: int, body: bytes, response: ErrorResponse | None
) -> UnknownServiceError:
    exc = UnknownServiceError(code, message, status=status, body=body)
    attach_response(exc, response)
    return exc


class MessageFormatError(CognitoSpecError, ValueError):
    """A text is not in the format of the service's validation message (or there is nothing to report)."""
