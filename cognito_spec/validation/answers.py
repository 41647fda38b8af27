"""The error the service answers for a request with violations: SerializationException or InvalidParameterException.

What goes where, and why (decisions, with the evidence behind them):

* **InvalidParameterException** carries the constraint failures of a request that deserialised:
  ``required`` (``Member must not be null``), ``length_min``/``length_max``, ``pattern``, ``enum``,
  ``range_min``/``range_max`` (:data:`~cognito_spec.validation.messages.MESSAGE_KINDS`), with the
  message :func:`~cognito_spec.validation.messages.validation_message` writes.
* **SerializationException** is the service's answer when the body does not deserialise into the
  input shape: malformed JSON, invalid UTF-8, a wrong JSON type (an object for a string member gives
  "Start of structure or map found where not expected.", amplify-js#5165; a string for a list gives
  "Unexpected field type", floci#2869 measured on the live API), and timestamps no date can hold.
* **Unknown members and duplicate keys** are reported by :func:`cognito_spec.validation.validate.validate`
  (errors when strict, warnings when tolerant) but :func:`service_error` accepts them, as the service
  does: an SDK newer than the pinned model sends members this model does not know, and the service's
  JSON reader keeps the last value of a repeated key, as Python's does.
  :func:`cognito_spec.protocol.server.parse_request` applies the same rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from cognito_spec.codec.violations import Violation, ViolationKind
from cognito_spec.errors import ServiceError
from cognito_spec.validation.messages import MESSAGE_KINDS, ValidationItem, validation_message

__all__ = ["SERIALIZATION_KINDS", "invalid_parameter", "service_error"]

#: Violation kinds that make the service answer SerializationException (the body did not deserialise).
SERIALIZATION_KINDS: Final[tuple[ViolationKind, ...]] = (
    "malformed_json",
    "invalid_utf8",
    "type",
    "timestamp_range",
)


def invalid_parameter(violations: Iterable[Violation | ValidationItem]) -> ServiceError:
    """The ``InvalidParameterException`` the service answers for these violations.

    Raises :class:`~cognito_spec.errors.MessageFormatError` when none of them is a constraint the
    service reports that way (see :data:`MESSAGE_KINDS`).
    """
    from cognito_spec.shapes import InvalidParameterException

    return _service(InvalidParameterException, validation_message(violations))


def _service(cls: type[ServiceError], message: str | None) -> ServiceError:
    return cls(message)


def service_error(violations: Iterable[Violation]) -> ServiceError | None:
    """The error the service answers for a request with these violations, or None when it accepts it.

    The body is deserialised before it is validated, so a SerializationException (see
    :data:`SERIALIZATION_KINDS`) wins over an InvalidParameterException.  Warnings, unknown members
    and duplicate keys never count (see the module documentation).
    """
    from cognito_spec.shapes import SerializationException

    errors = [v for v in violations if v.severity == "error"]
    for v in errors:
        if v.kind in SERIALIZATION_KINDS:
            return _service(SerializationException, _serialization_message(v))
    if any(v.kind in MESSAGE_KINDS for v in errors):
        return invalid_parameter(errors)
    return None


def _serialization_message(v: Violation) -> str | None:
    """The service's wording for the violations where it is known; None (no message) otherwise."""
    if v.kind != "type":
        return None
    if type(v.value) is dict and v.limit != "object":
        return "Start of structure or map found where not expected."  # amplify-js#5165
    if v.limit == "array" and type(v.value) is str:
        return "Unexpected field type"  # floci-io/floci#2869, measured on the service
    return None
