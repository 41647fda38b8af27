"""The text of the service's validation message (InvalidParameterException), written and read back.

:func:`validation_message` writes the message the service puts in an ``InvalidParameterException``
for a list of violations; :func:`parse_validation_message` reads any such message (from the service,
an emulator or this module) back into :class:`ValidationItem` objects, and
``validation_message(parse_validation_message(m)) == m``.

The format, with the evidence behind each rule (real messages are quoted in
``tests/test_validation_message.py``):

* **Head**: ``1 validation error detected: `` for one item, ``N validation errors detected: `` for
  more, with a colon; items are joined by ``"; "``.
* **Item**: ``Value '<v>' at '<path>' failed to satisfy constraint: <constraint>``.  The path is the
  wire member name with a lower-case first letter, list items counted from 1 and followed by
  ``member`` (``userAttributes.1.member.name``).
* **Values**: strings as they are, numbers and booleans as Java prints them, lists of scalars as
  ``[a, b]``.  A null member of a non-sensitive shape prints ``Value null at``.  A *sensitive* member
  prints ``Value at``, its value left out, **whether or not it is null**: the service answers a
  GetUser/UpdateUserAttributes request without an access token with ``Value at 'accessToken' failed
  to satisfy constraint: Member must not be null``, and a null attribute name (not sensitive) with
  ``Value null at 'userAttributes.1.member.name'``.  A value that holds structures is printed like a
  sensitive one: a structure may hold a secret.
* **Order of the items**: sorted by member path, and for one member in the order not-null, length
  (minimum, maximum), pattern, enum, range.  The service's SignUp answer lists ``password`` before
  ``username`` although the model declares ``Username`` first (amazon-cognito-identity-js#388), and
  puts a member's length item before its pattern item.  [I] That the order is a sort by path is
  inferred from that one message; no published rule states it.
* **Constraints**: ``Member must not be null``, ``Member must have length greater than or equal to
  <n>`` (and ``less than or equal to``), ``Member must satisfy regular expression pattern: <the
  model's pattern without ^ and $>``, ``Member must satisfy enum value set: [A, B]``, ``Member must
  have value greater than or equal to <n>`` (and ``less than``).  The texts come from
  :attr:`Violation.constraint`; a form this module does not know is kept verbatim when read.

Known approximation: for an item of a list (or map) of plain values the service reports the whole
collection ("Member must satisfy constraint: [...]"); the model pins no request member of that kind,
and these messages use the item's own path (``names.1.member``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, Final

import attrs

from cognito_spec.codec.violations import Violation, ViolationKind, member_path
from cognito_spec.errors import ArgumentTypeError, ArgumentValueError, MessageFormatError

__all__ = [
    "MESSAGE_KINDS",
    "ValidationItem",
    "message_items",
    "parse_validation_message",
    "validation_message",
]

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
_RANK: Final = {k: i for i, k in enumerate(MESSAGE_KINDS)}


@attrs.frozen
class ValidationItem:
    """One item of the service's validation message.

    ``path`` is the service's member path (``userAttributes.1.member.name``), ``constraint`` the text
    after ``failed to satisfy constraint:``.  The three printed forms of the value are:

    * ``Value '<v>' at``: ``value`` holds the text, ``null`` is False;
    * ``Value null at``: ``null`` is True, ``value`` None (a null member that is not sensitive);
    * ``Value at``: both unset: the message leaves the value out, because the member is sensitive
      (null or not: ``Value at 'accessToken' ...: Member must not be null``) or holds structures.

    So ``null`` says how the item is printed, not whether the member was null; ``kind == "required"``
    says that.  ``kind`` and ``limit`` read the constraint.
    """

    path: str
    constraint: str
    value: str | None = None
    null: bool = False

    def __attrs_post_init__(self) -> None:
        if self.null and self.value is not None:
            raise ArgumentValueError("an item printed 'Value null' has no value text")

    @classmethod
    def from_violation(cls, v: Violation) -> ValidationItem:
        """The item the service writes for ``v``; raises ValueError for a kind it does not report."""
        constraint = v.constraint
        if constraint is None:
            raise ArgumentValueError(f"the service does not report {v.kind!r} violations as InvalidParameter")
        if v.sensitive or v.holds_secret:
            # The service leaves a sensitive member's value out even when there is none to hide: a
            # missing access token is "Value at 'accessToken' ...: Member must not be null" (a real
            # answer, wire-truth.md section 4.3), where a missing attribute name is "Value null at".
            return cls(member_path(v.path), constraint)
        if v.kind == "required":
            return cls(member_path(v.path), constraint, null=True)
        return cls(member_path(v.path), constraint, _value_text(v.value))

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
    if isinstance(violations, str | bytes) or not isinstance(violations, Iterable):
        raise ArgumentTypeError(f"expected violations or validation items, not {type(violations).__name__}")
    for v in violations:
        if isinstance(v, ValidationItem):
            given.append(v)
        elif not isinstance(v, Violation):
            raise ArgumentTypeError(f"expected a Violation or a ValidationItem, not {type(v).__name__}")
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
