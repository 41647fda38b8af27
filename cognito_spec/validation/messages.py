"""The text of the service's validation message (InvalidParameterException), written and read back.

:func:`validation_message` writes the message the service puts in an ``InvalidParameterException``
for a list of violations; :func:`parse_validation_message` reads such a message (from the service,
an emulator or this module) back into :class:`ValidationItem` objects, and
``validation_message(parse_validation_message(m)) == m`` for every message in the canonical form
this module writes.  :func:`same_message` compares two messages the way the service's own messages
must be compared (enum sets as sets).  Real messages are quoted in ``tests/test_validation_message.py``;
the facts and their sources are in the research notes (wire-truth.md section 4.3, whole-api.md
section 3).  [V] marks a rule seen in a captured message, [I] one inferred from them.

**Head and items.** ``1 validation error detected: `` for one item, ``N validation errors detected: ``
for more, with a colon; items joined by ``"; "`` [V].  An item reads ``Value '<v>' at '<path>' failed
to satisfy constraint: <constraint>`` [V].

**Paths.** The wire member name with a lower-case first letter (``userPoolId``) [V]; a list item
counts from 1 and is followed by ``member`` (``schema.1.member.name``, aws-cdk#14175;
``userAttributes.1.member.name``) [V].  [I] A structure held in a map: ``<map>.<key>.member.<name>``
(no capture; see :func:`~cognito_spec.codec.violations.member_path`).

**Values.**
* strings as they are [V]; integers quoted like strings (``Value '100' at 'limit'``, boto3#1356) [V];
  longs likewise, doubles as Java's ``Double.toString`` (``1.0E-5``) [I]; booleans ``true``/``false``
  (``Value 'false' at 'mfaConfiguration'``) [V].
* a list as Java's ``List.toString``: ``[A, B]`` (``Value '[ADMIN_USER_PASSWORD_AUTH]'``) [V]; a map
  as Java's ``Map.toString``: ``{k=v, k2=v2}`` (aws-cdk#31795, Cognito Identity) [V], in the order
  the request holds (the service's HashMap order is its own [I]).
* a blob as Java prints a ``ByteBuffer``: ``java.nio.HeapByteBuffer[pos=0 lim=<n> cap=<n>]`` [I] (no
  Cognito capture; the form other Coral services print for blob members).
* a null member that is not sensitive: ``Value null at`` [V].  A *sensitive* member: ``Value at``,
  its value left out, null or not (``Value at 'accessToken' ...: Member must not be null``) [V].  A
  collection holding anything sensitive (``AuthParameters``, ``ChallengeResponses``, lists of
  secrets) is left out the same way [I], and so is a value that holds structures (a structure may
  hold a secret, and its Java form is unknown).

**Constraints** (texts in :func:`~cognito_spec.codec.violations.constraint_text`):
``Member must not be null`` [V], ``Member must have length greater than or equal to <n>`` /
``less than or equal to <n>`` [V for strings; I for lists, maps and blobs], ``Member must satisfy
regular expression pattern: <pattern without ^ and $>`` [V], ``Member must satisfy enum value set:
[A, B]`` [V], ``Member must have value less than or equal to <n>`` [V] and ``greater than or equal
to <n>`` [I].

**Collections of plain values.** An item of a list of scalars is not reported at its own path: the
service reports the list once, at the list's path, with the whole list as the value and the item
shape's constraints wrapped: ``Value '[ADMIN_USER_PASSWORD_AUTH]' at 'explicitAuthFlows' failed to
satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [...]]``
[V] (for an enum item; [I] for length and pattern items).  A map value is reported at the map:
``Map value must satisfy constraint: [<every constraint of the value shape, also those it met>]``
[V], in the order length maximum, length minimum, pattern [V] (see
:func:`~cognito_spec.codec.violations.shape_constraints` for the [I] rest); a map key the same way
with ``Map key must satisfy constraint: [...]`` [I].  A list's item constraints are listed the same
way, all of them [I].  Lists of structures are not wrapped: their members have paths of their own.

**Order of the items** [I]: sorted by member path (the service's SignUp answer lists ``password``
before ``username``, amazon-cognito-identity-js#388), and for one path: not-null, length minimum,
length maximum, pattern, enum, value minimum, value maximum [V for length before pattern], then the
wrapped forms (item, map key, map value) [I].

**The enum order.** The service prints an enum set in its own (Java HashSet) order, not the model's:
``[OPTIONAL, OFF, ON]`` for the model's OFF, ON, OPTIONAL [V], and its set may hold values older or
newer than the model.  This module writes the model's order; compare with :func:`same_message` or
:meth:`ValidationItem.same_as`, which compare enum sets (and the constraints inside a wrapper, and
the entries of a printed map) as sets.

**Free text.** Many InvalidParameterException messages are business rules with no validation head
(``Error while parsing filter.``, ``Username should be an email.``, ``Initiate Auth method not
supported.``, ``Missing required parameter Session``, ``Invalid email address format.``) [V].  They
are valid messages that carry no items: :func:`is_validation_message` is False and
:func:`parse_validation_message` returns ``[]``.  Text that starts like a validation message and
breaks its format raises :class:`~cognito_spec.errors.MessageFormatError`.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Hashable, Iterable
from decimal import Decimal
from functools import cache, lru_cache
from typing import Any, Final, Literal

import attrs

from cognito_spec.codec.violations import (
    WRAPPERS,
    MapEntry,
    MapKey,
    PathItem,
    Violation,
    ViolationKind,
    member_path,
    shape_constraints,
)
from cognito_spec.errors import ArgumentTypeError, ArgumentValueError, MessageFormatError
from cognito_spec.model import Shape

__all__ = [
    "MESSAGE_KINDS",
    "ItemKind",
    "ValidationItem",
    "is_validation_message",
    "message_items",
    "parse_validation_message",
    "same_message",
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
Wrapper = Literal["member", "map_key", "map_value"]
#: What an item's constraint says: a violation kind, or one of the wrapped forms of collections.
ItemKind = ViolationKind | Wrapper
_WRAPPER_ORDER: Final[tuple[Wrapper, ...]] = ("member", "map_key", "map_value")
_RANK: Final[dict[str, int]] = {k: i for i, k in enumerate((*MESSAGE_KINDS, *_WRAPPER_ORDER))}


@attrs.frozen
class ValidationItem:
    """One item of the service's validation message.

    ``path`` is the service's member path (``userAttributes.1.member.name``), ``constraint`` the text
    after ``failed to satisfy constraint:``, kept verbatim.  The three printed forms of the value:

    * ``Value '<v>' at``: ``value`` holds the text, ``null`` is False;
    * ``Value null at``: ``null`` is True, ``value`` None (a null member that is not sensitive);
    * ``Value at``: both unset: the message leaves the value out, because the member is sensitive
      (null or not: ``Value at 'accessToken' ...: Member must not be null``) or holds structures.

    So ``null`` says how the item is printed, not whether the member was null; ``kind == "required"``
    says that.  ``kind``, ``limit``, ``inner`` and ``enum_values`` read the constraint; two items
    that differ only in the order of an enum set are :meth:`same_as` each other.
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
        """The item the service writes for ``v``; raises ValueError for a kind it does not report.

        A list item or a map key or value below the nearest structure member gives the item of the
        collection (see the module documentation), so several violations may give one item.
        """
        if v.constraint is None:
            raise ArgumentValueError(f"the service does not report {v.kind!r} violations as InvalidParameter")
        report, wrapper = _report_at(v)
        if wrapper is not None:
            return cls(member_path(report), _wrapped(v, wrapper), _collection_text(v))
        constraint = v.constraint
        if v.sensitive or v.holds_secret:
            # The service leaves a sensitive member's value out even when there is none to hide: a
            # missing access token is "Value at 'accessToken' ...: Member must not be null" (a real
            # answer, wire-truth.md section 4.3), where a missing attribute name is "Value null at".
            return cls(member_path(v.path), constraint)
        if v.kind == "required":
            return cls(member_path(v.path), constraint, null=True)
        return cls(member_path(v.path), constraint, _value_text(v.value, _spec(v)))

    @property
    def kind(self) -> ItemKind | None:
        """What the constraint text names, or None for a form this library does not know."""
        return _read_constraint(self.constraint)[0]

    @property
    def limit(self) -> Any:
        """The constraint's parameter: a length, a bound, the pattern text, the tuple of enum values
        (in the message's order), or for a wrapped form the tuple of the constraints inside it."""
        return _read_constraint(self.constraint)[1]

    @property
    def inner(self) -> tuple[str, ...]:
        """The constraints inside a wrapped form (``Member must satisfy constraint: [...]``); ``()``."""
        kind, limit = _read_constraint(self.constraint)
        return limit if kind in _WRAPPER_ORDER else ()

    @property
    def enum_values(self) -> frozenset[str] | None:
        """The enum set the constraint names, at any depth of wrapping, or None when it names none."""
        return _enum_set(self.constraint)

    def normalised(self) -> Hashable:
        """A value equal for two items that say the same thing: the order of an enum set, of the
        constraints inside a wrapper and of the entries of a printed map do not count."""
        return (self.path, _norm_value(self.value), self.null, _norm_constraint(self.constraint))

    def same_as(self, other: ValidationItem) -> bool:
        """True when ``other`` says the same as this item (see :meth:`normalised`)."""
        if not isinstance(other, ValidationItem):
            raise ArgumentTypeError(
                f"compare a ValidationItem with a ValidationItem, not {type(other).__name__}"
            )
        return self.normalised() == other.normalised()

    def __str__(self) -> str:
        if self.null:
            shown = "Value null"
        elif self.value is None:
            shown = "Value"
        else:
            shown = f"Value '{self.value}'"
        return f"{shown} at '{self.path}' failed to satisfy constraint: {self.constraint}"


# --------------------------------------------------------------------------------------------------
# Writing


def _report_at(v: Violation) -> tuple[tuple[PathItem, ...], Wrapper | None]:
    """Where the service reports ``v``: its own path, or the collection member it lies in (and how)."""
    path = v.path
    n = len(path)
    while n > 0 and isinstance(path[n - 1], int | MapEntry):
        n -= 1
    if n == len(path):
        return path, None
    step = path[n]
    if isinstance(step, MapKey):
        wrapper: Wrapper = "map_key"
    elif isinstance(step, MapEntry):
        wrapper = "map_value"
    else:
        wrapper = "member"
    return path[:n], wrapper


def _wrapped(v: Violation, wrapper: Wrapper) -> str:
    """``Member must satisfy constraint: [...]`` for ``v``: every constraint of the item's shape."""
    inner = _item_shape(v, wrapper)
    if inner is None:
        # A violation built by hand, without the checker's context and with a shape name this
        # model does not know: only its own constraint can be listed.
        texts: tuple[str, ...] = (v.constraint or "",)
    else:
        texts = shape_constraints(inner)
    return f"{WRAPPERS[wrapper]}[{', '.join(texts)}]"


def _item_shape(v: Violation, wrapper: Wrapper) -> Shape | None:
    """The shape of the collection's items (or keys, or values), from the checker's context or the model."""
    within = v.within
    if within is not None:
        return {"member": within.member, "map_key": within.key, "map_value": within.value}[wrapper]
    # Without the checker's context the path can only be a list's (map keys are not marked): the
    # violating value is then the item itself when it lies one level below the list.
    spec = _spec(v)
    report, _ = _report_at(v)
    return spec if len(v.path) == len(report) + 1 else None


def _collection_text(v: Violation) -> str | None:
    """The collection's value as the service prints it, or None when it is left out."""
    if v.sensitive or v.holds_secret or v.whole is None:
        return None
    return _value_text(v.whole, v.within)


def _spec(v: Violation) -> Shape | None:
    if v.spec is not None:
        return v.spec
    return _shapes_by_name().get(v.shape or "")


@cache
def _shapes_by_name() -> dict[str, Shape]:
    """Every shape of the model by name, for violations built without the checker (fixtures)."""
    from cognito_spec.shapes import _constants

    return {s.name: s for s in vars(_constants).values() if isinstance(s, Shape)}


def _value_text(value: Any, shape: Shape | None = None) -> str | None:
    """The value as the service's messages print it (Java's ``toString``), or None when it is left out."""
    if shape is not None and shape.type == "blob" and isinstance(value, str):
        # [I] Coral holds a blob as a java.nio.ByteBuffer and prints its toString; the length is
        # that of the decoded bytes (the checker has proven the base64 valid).
        n = len(value) // 4 * 3 - value[-2:].count("=")
        return f"java.nio.HeapByteBuffer[pos=0 lim={n} cap={n}]"
    return _java(value, top=True)


def _java(value: Any, *, top: bool = False) -> str | None:
    if isinstance(value, str):
        return value
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, float):
        return _java_double(value)
    if isinstance(value, list | tuple):
        parts = [_java(x) for x in value]
        if any(p is None for p in parts):
            return None
        return "[" + ", ".join(p for p in parts if p is not None) + "]"
    if isinstance(value, dict) and top:
        # A map at the member reported (a structure below it is left out: dicts deeper down are
        # structures, and a structure may hold a secret).
        entries = [(str(k), _java(x)) for k, x in value.items()]
        if any(p is None or isinstance(x, dict) for (_, p), x in zip(entries, value.values(), strict=True)):
            return None
        return "{" + ", ".join(f"{k}={p}" for k, p in entries) + "}"
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


def _path_key(path: tuple[PathItem, ...]) -> tuple[tuple[int, int | str], ...]:
    return tuple((0, p) if isinstance(p, int) else (1, member_path((p,))) for p in path)


def message_items(violations: Iterable[Violation | ValidationItem]) -> list[ValidationItem]:
    """The items of the service's message, in its order.

    Violations of kinds the service does not report this way, and warnings, are left out; the
    violations of the items of one collection become one item.  :class:`ValidationItem` inputs keep
    their place after the items of the violations.
    """
    if isinstance(violations, str | bytes) or not isinstance(violations, Iterable):
        raise ArgumentTypeError(f"expected violations or validation items, not {type(violations).__name__}")
    found: dict[tuple[Any, ...], ValidationItem] = {}
    given: list[ValidationItem] = []
    for v in violations:
        if isinstance(v, ValidationItem):
            given.append(v)
        elif not isinstance(v, Violation):
            raise ArgumentTypeError(f"expected a Violation or a ValidationItem, not {type(v).__name__}")
        elif v.severity == "error" and v.kind in MESSAGE_KINDS:
            report, wrapper = _report_at(v)
            key = (_path_key(report), _RANK[wrapper or v.kind], report, wrapper or v.kind)
            if key not in found:
                found[key] = ValidationItem.from_violation(v)
    return [found[k] for k in sorted(found, key=lambda k: (k[0], k[1]))] + given


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


# --------------------------------------------------------------------------------------------------
# Reading

_HEAD: Final = re.compile(r"([0-9]+) validation errors? detected: ")
_ITEM: Final = re.compile(
    r"Value(?P<null> null)?(?: '(?P<value>.*?)')? at '(?P<path>[^']*)' failed to satisfy constraint: ",
    re.DOTALL,
)
# What an SDK or CloudFormation appends after the service's text: " (Service: AWSCognitoIdentity
# Provider; Status Code: 400; Error Code: InvalidParameterException; Request ID: ...)".
_SUFFIX: Final = re.compile(r" \(Service: [^;)]*[;,] Status Code: [0-9]+.*\Z", re.DOTALL)


def is_validation_message(text: str) -> bool:
    """True when ``text`` holds a validation message (``N validation error(s) detected: ...``);
    False for the free-text messages of business rules (``Username should be an email.``)."""
    if not isinstance(text, str):
        raise MessageFormatError(f"a validation message is a str, not {type(text).__name__}")
    return _HEAD.search(text) is not None


def parse_validation_message(text: str) -> list[ValidationItem]:
    """The items of a validation message (from the service, an emulator or :func:`validation_message`).

    ``validation_message(parse_validation_message(m)) == m`` for every message in the canonical
    format.  Text before the count (``An error occurred (...) ...: ``) and an SDK's ``(Service: ...;
    Status Code: ...)`` after the items are skipped.  A free-text message (no ``N validation
    error(s) detected:``) carries no items: ``[]``.  Raises
    :class:`~cognito_spec.errors.MessageFormatError` when the text announces a validation message
    and breaks its format, or the count disagrees with the items.  A value that itself contains
    ``' at '<path>' failed to satisfy constraint: `` cannot be told apart from an item boundary; the
    service's format has that ambiguity.
    """
    if not isinstance(text, str):
        raise MessageFormatError(f"a validation message is a str, not {type(text).__name__}")
    head = _HEAD.search(text)
    if head is None:
        return []
    suffix = _SUFFIX.search(text, head.end())
    end_of_items = suffix.start() if suffix is not None else len(text)
    expected = int(head.group(1))
    items: list[ValidationItem] = []
    pos = head.end()
    while True:
        m = _ITEM.match(text, pos, end_of_items)
        if m is None:
            raise MessageFormatError(f"no validation item at character {pos}")
        start = m.end()
        end = _next_item(text, start, end_of_items)
        null = m.group("null") is not None
        value = None if null else m.group("value")
        items.append(ValidationItem(m.group("path"), text[start:end], value, null))
        if end == end_of_items:
            break
        pos = end + 2
    if len(items) != expected:
        raise MessageFormatError(f"the message announces {expected} items and holds {len(items)}")
    return items


def _next_item(text: str, start: int, stop: int) -> int:
    """Where the constraint that starts at ``start`` ends: at the next ``"; Value..."`` item, or ``stop``."""
    i = text.find("; Value", start, stop)
    while i != -1:
        if _ITEM.match(text, i + 2, stop):
            return i
        i = text.find("; Value", i + 1, stop)
    return stop


_CONSTRAINTS: Final[tuple[tuple[re.Pattern[str], ViolationKind], ...]] = (
    (re.compile(r"Member must not be null"), "required"),
    (re.compile(r"Member must have length greater than or equal to (-?[0-9]+)"), "length_min"),
    (re.compile(r"Member must have length less than or equal to (-?[0-9]+)"), "length_max"),
    (re.compile(r"Member must satisfy regular expression pattern: (.*)", re.DOTALL), "pattern"),
    (re.compile(r"Member must satisfy enum value set: \[(.*)\]", re.DOTALL), "enum"),
    (re.compile(r"Member must have value greater than or equal to (\S+)"), "range_min"),
    (re.compile(r"Member must have value less than or equal to (\S+)"), "range_max"),
)
# Where one constraint inside a wrapper ends and the next begins.
_SIBLING: Final = re.compile(r", (?=Member must |Map key must |Map value must )")


@lru_cache(maxsize=4096)
def _read_constraint(text: str) -> tuple[ItemKind | None, Any]:
    for wrapper in _WRAPPER_ORDER:
        prefix = WRAPPERS[wrapper] + "["
        if text.startswith(prefix) and text.endswith("]"):
            inner = _split_inner(text[len(prefix) : -1])
            return (wrapper, inner) if inner is not None else (None, None)
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


def _split_inner(body: str) -> tuple[str, ...] | None:
    """The constraints inside a wrapper's brackets, or None when they do not read as constraints.

    Constraints are separated by ``", "`` before the start of the next constraint, at bracket depth
    zero (a nested wrapper's own list is one constraint).  A pattern with unbalanced brackets
    (``[^\\]]``) would upset the depth count; the split then falls back to every separator.
    """
    parts: list[str] = []
    depth, last = 0, 0
    seps = {m.start() for m in _SIBLING.finditer(body)}
    i = 0
    while i < len(body):
        c = body[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":
            depth += 1
        elif c == "]":
            depth -= 1
        elif depth == 0 and i in seps:
            parts.append(body[last:i])
            last = i + 2
        i += 1
    parts.append(body[last:])
    if depth != 0:
        parts = _SIBLING.split(body)
    if any(_read_constraint(p)[0] is None for p in parts):
        return None
    return tuple(parts)


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
# Comparing


def _norm_constraint(text: str) -> Hashable:
    kind, limit = _read_constraint(text)
    if kind is None:
        return ("text", text)
    if kind == "enum":
        return ("enum", frozenset(limit))
    if kind in _WRAPPER_ORDER:
        return (kind, frozenset(Counter(_norm_constraint(c) for c in limit).items()))
    return (kind, limit)


def _enum_set(text: str) -> frozenset[str] | None:
    kind, limit = _read_constraint(text)
    if kind == "enum":
        return frozenset(limit)
    if kind in _WRAPPER_ORDER:
        for inner in limit:
            found = _enum_set(inner)
            if found is not None:
                return found
    return None


def _norm_value(value: str | None) -> Hashable:
    # A printed map's entries come in the service's HashMap order [I]: compared as a multiset.  (An
    # entry holding ", " splits in two on both sides alike.)
    if value is not None and value.startswith("{") and value.endswith("}"):
        return ("map", frozenset(Counter(value[1:-1].split(", ")).items()))
    return value


def same_message(a: str, b: str) -> bool:
    """True when two InvalidParameterException messages say the same thing.

    Validation messages compare by their items, each as :meth:`ValidationItem.same_as` does, in any
    order (the service's order is only inferred, [I]); free-text messages compare as text; a
    validation message never equals a free-text one.  A text that announces a validation message
    and breaks its format equals only itself.  Never raises for two strings (a capture check can
    compare whatever an emulator sent); anything else is a
    :class:`~cognito_spec.errors.MessageFormatError`.
    """
    if not isinstance(a, str) or not isinstance(b, str):
        raise MessageFormatError("same_message compares two str messages")
    if a == b:
        return True
    if is_validation_message(a) != is_validation_message(b) or not is_validation_message(a):
        return False
    try:
        left = Counter(i.normalised() for i in parse_validation_message(a))
        right = Counter(i.normalised() for i in parse_validation_message(b))
    except MessageFormatError:
        return False
    return left == right
