"""Validation in the service's terms: violations, the InvalidParameterException message, redaction.

:func:`validate` runs the checker compiled from the field metadata (:mod:`cognito_spec.codec.compile`,
the same machinery as strict decoding) and returns every :class:`~cognito_spec.codec.violations.Violation`;
bad bodies (malformed JSON, invalid UTF-8, a byte-order mark, duplicate keys, NaN) are violations
too, never exceptions.  :func:`validation_message` writes the message the service puts in an
``InvalidParameterException``; :func:`parse_validation_message` reads one back.

What goes where, and why (decisions, with the evidence behind them):

* **InvalidParameterException** carries the constraint failures of a request that deserialised:
  ``required`` (``Member must not be null``), ``length_min``/``length_max``, ``pattern``, ``enum``,
  ``range_min``/``range_max``.  These are the kinds with a :attr:`Violation.constraint` text.
* **SerializationException** is the service's answer when the body does not deserialise into the
  input shape: malformed JSON, invalid UTF-8, a wrong JSON type (an object for a string member gives
  "Start of structure or map found where not expected.", amplify-js#5165; a string for a list gives
  "Unexpected field type", floci#2869 measured on the live API), and timestamps no date can hold.
* **Unknown members and duplicate keys** are reported by :func:`validate` (errors when strict,
  warnings when tolerant) but :func:`service_error` accepts them, as the service does: an SDK newer
  than the pinned model sends members this model does not know, and the service's JSON reader keeps
  the last value of a repeated key, as Python's does.  :func:`cognito_spec.protocol.server.parse_request`
  applies the same rules.
* **Order of the items**: sorted by member path, and for one member in the order not-null, length
  (minimum, maximum), pattern, enum, range.  The service's SignUp answer lists ``password`` before
  ``username`` although the model declares ``Username`` first (amazon-cognito-identity-js#388), and
  puts a member's length item before its pattern item.
* **Values**: strings as they are, numbers and booleans as Java prints them, lists of scalars as
  ``[a, b]``.  Sensitive members are printed ``Value at 'path'`` and null members ``Value null at``.
  A value that holds structures is printed like a sensitive one: a structure may hold a secret.

Known approximation: for an item of a list (or map) of plain values the service reports the whole
collection ("Member must satisfy constraint: [...]"); the model pins no request member of that kind,
and these messages use the item's own path (``names.1.member``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, Final, Literal

import attrs

from cognito_spec.codec import body
from cognito_spec.codec.compile import function_for
from cognito_spec.codec.violations import Violation, ViolationKind, member_path
from cognito_spec.errors import (
    ArgumentTypeError,
    ArgumentValueError,
    DecodeError,
    MessageFormatError,
    ServiceError,
)
from cognito_spec.model import is_shape_class

__all__ = [
    "MESSAGE_KINDS",
    "SERIALIZATION_KINDS",
    "Mode",
    "ValidationItem",
    "invalid_parameter",
    "message_items",
    "parse_validation_message",
    "service_error",
    "validate",
    "validation_message",
]

Mode = Literal["strict", "tolerant"]

#: Violation kinds the service reports in an InvalidParameterException message, in the order it
#: lists the items of one member.
MESSAGE_KINDS: Final[tuple[ViolationKind, ...]] = (
    "required",
    "length_min",
    "length_max",
    "pattern",
    "enum",
    "range_min",
    "range_max",
)
#: Violation kinds that make the service answer SerializationException (the body did not deserialise).
SERIALIZATION_KINDS: Final[tuple[ViolationKind, ...]] = (
    "malformed_json",
    "invalid_utf8",
    "type",
    "timestamp_range",
)
_RANK: Final = {k: i for i, k in enumerate(MESSAGE_KINDS)}

_BYTES = (bytes, bytearray, memoryview, str)


# --------------------------------------------------------------------------------------------------
# validate


def validate(data: Any, cls: type, *, mode: Mode = "strict", reveal: bool = False) -> list[Violation]:
    """Every violation of ``data`` against ``cls``; an empty list when it is valid.

    ``data`` is a body (``bytes``, ``str``) or an already-parsed value.  ``mode="strict"`` reports
    every model constraint, unknown members, wrong types and missing required members as errors;
    ``mode="tolerant"`` accepts what a well-behaved client accepts: unknown members, unknown enum
    values and repeated keys (a JSON parser keeps the last) become warnings.  Problems of the body
    itself (invalid UTF-8, malformed JSON, a byte-order mark, NaN/Infinity, nesting too deep) are
    one violation at the root, never an exception.

    Sensitive values never leave this function unless ``reveal=True``: the ``value`` of a violation
    of a sensitive member is replaced by an empty value of the same JSON type (``""``, ``0``, ``[]``,
    ``{}``), so describing it stays truthful about the type and silent about the content.
    """
    if mode not in ("strict", "tolerant"):
        raise ArgumentValueError(f"mode is 'strict' or 'tolerant', not {mode!r}")
    if not is_shape_class(cls):
        raise ArgumentTypeError(f"validate() takes a cognito_spec shape class, not {cls!r}")
    strict = mode == "strict"
    text: str | None = None
    if isinstance(data, _BYTES):
        try:
            text = body.body_text(data)
            if text.startswith("\ufeff"):
                # Senders must not add a byte-order mark (RFC 8259 section 8.1); no SDK does.
                detail = "byte-order mark before the JSON text"
                return [Violation((), "malformed_json", None, detail=detail)]
            data = body.decode_text(text)
        except DecodeError as exc:
            return list(exc.violations)
    out: list[Violation] = []
    cnt = [0, 0]
    function_for(cls, "check")(data, (), out, strict, cnt)
    if text is not None and (out or not body.keys_unique(text, cnt[0], cnt[1])):
        try:
            dups = body.find_duplicates(body.decode_text(text, pairs=True))
        except DecodeError as exc:  # pragma: no cover - the text parsed once already
            dups = list(exc.violations)
        out.extend(dups if strict else [attrs.evolve(v, severity="warning") for v in dups])
    if not reveal:
        out = [_conceal(v) if v.sensitive else v for v in out]
    return out


def _conceal(v: Violation) -> Violation:
    return attrs.evolve(v, value=_empty_like(v.value))


def _empty_like(value: Any) -> Any:
    if value is None or value is True or value is False:
        return value
    if isinstance(value, str):
        return ""
    if isinstance(value, int | float | Decimal):
        return 0
    if isinstance(value, list | tuple):
        return []
    if isinstance(value, dict):
        return {}
    return None


# --------------------------------------------------------------------------------------------------
# The service's validation message


@attrs.frozen
class ValidationItem:
    """One item of the service's validation message.

    ``path`` is the service's member path (``userAttributes.1.member.name``), ``constraint`` the text
    after ``failed to satisfy constraint:``.  ``value`` is the value as printed, None when the message
    leaves it out; ``null`` is set for ``Value null at``.  ``kind`` and ``limit`` read the constraint.
    """

    path: str
    constraint: str
    value: str | None = None
    null: bool = False

    @classmethod
    def from_violation(cls, v: Violation) -> ValidationItem:
        """The item the service writes for ``v``; raises ValueError for a kind it does not report."""
        constraint = v.constraint
        if constraint is None:
            raise ArgumentValueError(f"the service does not report {v.kind!r} violations as InvalidParameter")
        null = v.kind == "required"
        value = None if null or v.sensitive else _value_text(v.value)
        return cls(member_path(v.path), constraint, value, null)

    @property
    def kind(self) -> ViolationKind | None:
        """The violation kind the constraint text names, or None for a form this library does not know."""
        return _read_constraint(self.constraint)[0]

    @property
    def limit(self) -> Any:
        """The constraint's parameter: a length, a bound, the pattern text, the tuple of enum values."""
        return _read_constraint(self.constraint)[1]

    def __str__(self) -> str:
        if self.null:
            shown = "Value null"
        elif self.value is None:
            shown = "Value"
        else:
            shown = f"Value '{self.value}'"
        return f"{shown} at '{self.path}' failed to satisfy constraint: {self.constraint}"


def _value_text(value: Any) -> str | None:
    """The value as the service's messages print it, or None when it is left out."""
    if isinstance(value, str):
        return value
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, float):
        return _java_double(value)
    if isinstance(value, list | tuple):
        parts = [_value_text(x) for x in value]
        if any(p is None for p in parts) or any(isinstance(x, list | tuple) for x in value):
            return None
        return "[" + ", ".join(p for p in parts if p is not None) + "]"
    return None


def _java_double(value: float) -> str:
    """Java's ``Double.toString``: ``1.0``, ``100.5``, ``1.682955829578E9``, ``1.0E-5``, ``NaN``."""
    if math.isnan(value):
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0 or 1e-3 <= abs(value) < 1e7:
        text = repr(value)
        return text if "." in text else text + ".0"
    sign, digits, exp = Decimal(repr(value)).normalize().as_tuple()
    d = "".join(map(str, digits))
    assert isinstance(exp, int)
    return f"{'-' if sign else ''}{d[0]}.{d[1:] or '0'}E{len(d) - 1 + exp}"


def _order_key(v: Violation) -> tuple[tuple[tuple[int, int | str], ...], int]:
    path: tuple[tuple[int, int | str], ...] = tuple(
        (0, p) if isinstance(p, int) else (1, member_path((p,))) for p in v.path
    )
    return path, _RANK.get(v.kind, len(_RANK))


def message_items(violations: Iterable[Violation | ValidationItem]) -> list[ValidationItem]:
    """The items of the service's message, in its order.

    Violations of kinds the service does not report this way, and warnings, are left out.
    :class:`ValidationItem` inputs keep their place after the items of the violations.
    """
    found: list[Violation] = []
    given: list[ValidationItem] = []
    for v in violations:
        if isinstance(v, ValidationItem):
            given.append(v)
        elif v.severity == "error" and v.kind in _RANK:
            found.append(v)
    found.sort(key=_order_key)
    return [ValidationItem.from_violation(v) for v in found] + given


def validation_message(violations: Iterable[Violation | ValidationItem]) -> str:
    """The message of the service's InvalidParameterException for these violations.

    ``1 validation error detected: Value at 'accessToken' failed to satisfy constraint: Member must
    satisfy regular expression pattern: [A-Za-z0-9-_=.]+``.  Items are joined by ``"; "``; see the
    module documentation for the order and for which kinds are included.  Raises
    :class:`~cognito_spec.errors.MessageFormatError` when nothing is left to report.
    """
    items = message_items(violations)
    if not items:
        raise MessageFormatError("no violation the service reports as InvalidParameterException")
    n = len(items)
    head = f"{n} validation error{'s' if n != 1 else ''} detected: "
    return head + "; ".join(str(item) for item in items)


_HEAD: Final = re.compile(r"([0-9]+) validation errors? detected: ")
_ITEM: Final = re.compile(
    r"Value(?P<null> null)?(?: '(?P<value>.*?)')? at '(?P<path>[^']*)' failed to satisfy constraint: ",
    re.DOTALL,
)


def parse_validation_message(text: str) -> list[ValidationItem]:
    """The items of a validation message (from the service, an emulator or :func:`validation_message`).

    ``validation_message(parse_validation_message(m)) == m`` for every message in the service's
    format.  Text before the count (``An error occurred (...) ...: ``) is skipped.  Raises
    :class:`~cognito_spec.errors.MessageFormatError` when the text is not such a message or the count
    disagrees with the items.  A value that itself contains ``' at '<path>' failed to satisfy
    constraint: `` cannot be told apart from an item boundary; the service's format has that ambiguity.
    """
    if not isinstance(text, str):
        raise MessageFormatError(f"a validation message is a str, not {type(text).__name__}")
    head = _HEAD.search(text)
    if head is None:
        raise MessageFormatError("no 'N validation error(s) detected: ' in the text")
    expected = int(head.group(1))
    items: list[ValidationItem] = []
    pos = head.end()
    while True:
        m = _ITEM.match(text, pos)
        if m is None:
            raise MessageFormatError(f"no validation item at character {pos}")
        start = m.end()
        end = _next_item(text, start)
        null = m.group("null") is not None
        value = None if null else m.group("value")
        items.append(ValidationItem(m.group("path"), text[start:end], value, null))
        if end == len(text):
            break
        pos = end + 2
    if len(items) != expected:
        raise MessageFormatError(f"the message announces {expected} items and holds {len(items)}")
    return items


def _next_item(text: str, start: int) -> int:
    """Where the constraint that starts at ``start`` ends: at the next ``"; Value..."`` item, or the end."""
    i = text.find("; Value", start)
    while i != -1:
        if _ITEM.match(text, i + 2):
            return i
        i = text.find("; Value", i + 1)
    return len(text)


_CONSTRAINTS: Final[tuple[tuple[re.Pattern[str], ViolationKind], ...]] = (
    (re.compile(r"Member must not be null"), "required"),
    (re.compile(r"Member must have length greater than or equal to (-?[0-9]+)"), "length_min"),
    (re.compile(r"Member must have length less than or equal to (-?[0-9]+)"), "length_max"),
    (re.compile(r"Member must satisfy regular expression pattern: (.*)", re.DOTALL), "pattern"),
    (re.compile(r"Member must satisfy enum value set: \[(.*)\]", re.DOTALL), "enum"),
    (re.compile(r"Member must have value greater than or equal to (\S+)"), "range_min"),
    (re.compile(r"Member must have value less than or equal to (\S+)"), "range_max"),
)


def _read_constraint(text: str) -> tuple[ViolationKind | None, Any]:
    for rx, kind in _CONSTRAINTS:
        m = rx.fullmatch(text)
        if m is None:
            continue
        if kind == "required":
            return kind, None
        arg = m.group(1)
        if kind in ("length_min", "length_max"):
            return kind, int(arg)
        if kind in ("range_min", "range_max"):
            return kind, _number(arg)
        if kind == "enum":
            return kind, tuple(arg.split(", ")) if arg else ()
        return kind, arg
    return None, None


def _number(text: str) -> int | float | str:
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


# --------------------------------------------------------------------------------------------------
# Service errors built from violations


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
    if any(v.kind in _RANK for v in errors):
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
