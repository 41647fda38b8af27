"""The error hierarchy: one root, library errors and service errors beneath it.

``CognitoSpecError`` is the root of everything this library raises on purpose.  Below it:

* library errors (bad input to the codec, unsupported patterns, ...), which are also ``ValueError``
  or ``TypeError`` where that is what they are;
* ``ServiceError``, the base of the exceptions the service sends on the wire.  The modelled ones are
  generated into :mod:`cognito_spec.shapes.errors` with their wire code, HTTP status and fault kind.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Literal

if TYPE_CHECKING:
    from cognito_spec._check import Violation

__all__ = [
    "CognitoSpecError",
    "DecodeError",
    "EncodeError",
    "ServiceError",
]

Fault = Literal["client", "server"]


class CognitoSpecError(Exception):
    """Root of every exception this library raises on purpose."""


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


class ServiceError(CognitoSpecError):
    """Base of the errors the service returns on the wire.

    Subclasses set the class attributes from the model and the overlay of observed service facts.
    ``http_status`` is what the service really sends; ``model_http_status`` is what the model's
    ``httpError`` trait claims, where it claims anything.
    """

    code: ClassVar[str] = "ServiceError"
    http_status: ClassVar[int] = 400
    model_http_status: ClassVar[int | None] = None
    fault: ClassVar[Fault] = "client"
    modelled: ClassVar[bool] = False
    message_member: ClassVar[str] = "message"
    message: str | None

    def __str__(self) -> str:
        return f"{self.code}: {self.message}" if self.message else self.code

    def __reduce__(self) -> tuple[Any, ...]:
        # attrs passes no positional args to BaseException, so pickle needs the fields by name
        # (multiprocessing sends exceptions between processes).
        import attrs

        fields = attrs.fields(type(self))  # type: ignore[arg-type]
        return (_rebuild, (type(self), {f.name: getattr(self, f.name) for f in fields}))


def _rebuild(cls: type[ServiceError], fields: dict[str, Any]) -> ServiceError:
    return cls(**fields)
