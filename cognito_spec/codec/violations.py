"""Constraint checking of wire data, compiled once per class from the field metadata.

For every generated class this module writes (and ``exec``s, once) a plain Python function that walks
a wire dict and appends a :class:`Violation` for each broken constraint.  This is the machinery behind
strict decoding, :func:`cognito_spec.validation.validate` and the precise errors of tolerant decoding.  The
generated code is flat: nested structures inside lists are inlined, paths are only built when a
violation is recorded, and the happy path is a handful of ``type(x) is`` tests, ``len`` calls and
compiled pattern matches.  Read :func:`compile_checker` with ``debug=True`` to see the source.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Final, Literal

import attrs

__all__ = [
    "ERROR_ENVELOPE_MEMBERS",
    "TIMESTAMP_MAX",
    "TIMESTAMP_MIN",
    "MapEntry",
    "MapKey",
    "Severity",
    "Violation",
    "ViolationKind",
    "constraint_text",
    "json_pointer",
    "member_path",
    "shape_constraints",
    "unanchored",
]

Severity = Literal["error", "warning"]
ViolationKind = Literal[
    "required",
    "type",
    "length_min",
    "length_max",
    "pattern",
    "enum",
    "range_min",
    "range_max",
    "timestamp_range",
    "unknown_member",
    "duplicate_key",
    "malformed_json",
    "invalid_utf8",
]

from cognito_spec.codec.timestamps import TIMESTAMP_MAX, TIMESTAMP_MIN  # noqa: E402
from cognito_spec.model import Shape  # noqa: E402


class MapEntry(str):
    """A path item that names a map entry by its key: the violation is about the value at that key.

    It *is* the key (``MapEntry("k") == "k"``, same hash, same pointer), so paths compare and render
    as before; the class only records that this item is a map key, not a member name, which the
    service's message needs (a map value is reported at the map, ``Map value must satisfy
    constraint: [...]``, and a key keeps its spelling).
    """

    __slots__ = ()


class MapKey(MapEntry):
    """A path item that names a map key itself: the violation is about the key, not its value."""

    __slots__ = ()


PathItem = str | int

#: Members an error body may carry besides the shape's own: awsJson1_1 puts the code in ``__type``.
ERROR_ENVELOPE_MEMBERS: Final = ("__type",)


def json_pointer(path: tuple[PathItem, ...]) -> str:
    """RFC 6901 pointer of a wire path: ``/UserAttributes/0/Name``."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def member_path(path: tuple[PathItem, ...]) -> str:
    """The service's spelling of a path in validation messages: ``userAttributes.1.member.name``.

    Member names lose the capital of their first letter; list items count from 1 and are followed by
    ``member``, as in the messages the service's validation layer writes.  A map entry
    (:class:`MapEntry`) keeps its key as it is and is followed by ``member`` as a list item is
    (``acrConfiguration.Level1.member.x``).  [I] No captured message shows a path through a map:
    scalar map values are reported at the map itself, and this form for the members of a structure
    held in a map follows the list form by analogy.
    """
    parts: list[str] = []
    for p in path:
        if isinstance(p, int):
            parts.append(f"{p + 1}.member")
        elif isinstance(p, MapEntry):
            parts.append(f"{str.__str__(p)}.member")
        else:
            parts.append(p[:1].lower() + p[1:])
    return ".".join(parts)


@attrs.frozen
class Violation:
    """One broken constraint.

    ``path`` is the location in wire terms (member names and 0-based list indexes); ``pointer`` and
    ``member_path`` render it.  ``limit`` is the constraint's parameter: a length, the model pattern,
    the tuple of enum values, the expected JSON type.  ``value`` is the offending value; it is never
    shown when ``sensitive`` is set unless a caller asks for it explicitly.  ``holds_secret``: the
    member is not sensitive itself, but its shape reaches a sensitive member or shape below
    (``UserAttributes`` reaches the attribute values), so a value sent with the wrong shape may
    carry a secret; it is never shown either.  It takes no part in equality: it follows from
    ``shape`` and the model.

    Context the checker adds for the service's message (none of it takes part in equality or repr):
    ``spec`` is the :class:`~cognito_spec.model.Shape` of the violating value; ``within`` the shape
    of the collection member the value lies in when the value is a list item or a map key or value
    below the nearest structure member (the service reports such values once, at that member); and
    ``whole`` that collection's value, set only when nothing sensitive can lie in it.
    """

    path: tuple[PathItem, ...]
    kind: ViolationKind
    limit: Any
    severity: Severity = "error"
    value: Any = attrs.field(default=None, repr=False, eq=False)
    sensitive: bool = False
    shape: str | None = None
    detail: str | None = None
    holds_secret: bool = attrs.field(default=False, eq=False)
    spec: Shape | None = attrs.field(default=None, eq=False, repr=False)
    within: Shape | None = attrs.field(default=None, eq=False, repr=False)
    whole: Any = attrs.field(default=None, eq=False, repr=False)

    @property
    def pointer(self) -> str:
        return json_pointer(self.path)

    @property
    def member_path(self) -> str:
        return member_path(self.path)

    @property
    def constraint(self) -> str | None:
        """The broken constraint as the service's validation message words it, for this value alone.

        ``Member must not be null``, ``Member must have length greater than or equal to 1``, ... (see
        :func:`constraint_text`).  None for the kinds the service does not report as
        ``InvalidParameterException`` (wrong types, unknown members, malformed bodies).  For a list
        item or a map key or value the service's message wraps the constraints of the item's shape
        at the collection (:mod:`cognito_spec.validation.messages`); this is the item's own text.
        """
        return constraint_text(self.kind, self.limit)

    @property
    def message(self) -> str:
        """A short human description; sensitive values are left out (see :meth:`describe`)."""
        return self.describe()

    def describe(self, *, reveal: bool = False) -> str:
        """A short human description (not the service's message format; see cognito_spec.validation.validate)."""
        k = self.kind
        if k == "required":
            text = "required member is missing"
        elif k == "type":
            text = f"expected {self.limit}, got {_json_type(self.value)}"
        elif k == "length_min":
            text = f"length must be at least {self.limit}"
        elif k == "length_max":
            text = f"length must be at most {self.limit}"
        elif k == "pattern":
            text = f"must fully match {self.limit}"
        elif k == "enum":
            text = f"not one of {', '.join(self.limit)}"
        elif k in ("range_min", "range_max"):
            text = f"must be {'>=' if k == 'range_min' else '<='} {self.limit}"
        elif k == "timestamp_range":
            text = f"timestamp outside {TIMESTAMP_MIN}..{TIMESTAMP_MAX} or not finite"
        elif k == "unknown_member":
            text = "member not in the model"
        elif k == "duplicate_key":
            text = "duplicate key in a JSON object"
        else:
            text = self.detail or k
        if self.detail and k not in ("malformed_json", "invalid_utf8"):
            text += f" ({self.detail})"
        quotable = self.value is not None and k not in ("required", "unknown_member", "duplicate_key")
        if quotable and (reveal or not (self.sensitive or self.holds_secret)):
            shown = repr(self.value)
            text += f": {shown if len(shown) <= 80 else shown[:77] + '...'}"
        return text


def constraint_text(kind: str, limit: Any) -> str | None:
    """The service's words for one constraint (``length_max``, 128 -> ``Member must have length less
    than or equal to 128``), or None for a kind its validation messages do not name.

    The same words serve strings (characters), lists and maps (items) and blobs (bytes): [I] the
    service's messages for list, map and blob lengths were not captured; Coral's validator words
    every length constraint this way.  Range bounds print like the service's: ``60``, not ``60.0``.
    """
    if kind == "required":
        return "Member must not be null"
    if kind == "length_min":
        return f"Member must have length greater than or equal to {limit}"
    if kind == "length_max":
        return f"Member must have length less than or equal to {limit}"
    if kind == "range_min":
        # [I] The minimum's wording is inferred from the maximum's (Value '100' at 'limit' ...:
        # Member must have value less than or equal to 60, boto/boto3#1356).
        return f"Member must have value greater than or equal to {_number_text(limit)}"
    if kind == "range_max":
        return f"Member must have value less than or equal to {_number_text(limit)}"
    if kind == "pattern":
        return f"Member must satisfy regular expression pattern: {unanchored(str(limit))}"
    if kind == "enum":
        return f"Member must satisfy enum value set: [{', '.join(limit)}]"
    return None


#: The words that open the service's wrapped constraints, by what they wrap.
WRAPPERS: Final = {
    "member": "Member must satisfy constraint: ",
    "map_key": "Map key must satisfy constraint: ",
    "map_value": "Map value must satisfy constraint: ",
}


def shape_constraints(shape: Shape) -> tuple[str, ...]:
    """Every constraint a shape declares, in the service's words, as its wrapped messages list them.

    The service lists these inside ``Map value must satisfy constraint: [...]`` -- all of them, the
    ones the value met too -- in the order: length maximum, length minimum, pattern (the one captured
    sample, aws/aws-cdk#31795).  [I] Where ranges and enums go (after the lengths: value maximum,
    value minimum, then pattern, then enum) and that a list item's or a map key's constraints are
    listed the same way are inferred.  A collection's own items follow as one wrapped constraint
    (``Member must satisfy constraint: [...]``; a map: key, then value), [I] by the same rule.
    """
    out: list[str] = []
    if shape.length_max is not None:
        out.append(f"Member must have length less than or equal to {shape.length_max}")
    if shape.length_min is not None:
        out.append(f"Member must have length greater than or equal to {shape.length_min}")
    if shape.range_max is not None:
        out.append(f"Member must have value less than or equal to {_number_text(shape.range_max)}")
    if shape.range_min is not None:
        out.append(f"Member must have value greater than or equal to {_number_text(shape.range_min)}")
    if shape.pattern is not None:
        out.append(f"Member must satisfy regular expression pattern: {unanchored(shape.pattern)}")
    if shape.enum is not None:
        out.append(f"Member must satisfy enum value set: [{', '.join(shape.enum)}]")
    parts: list[tuple[str, Shape | None]] = []
    if shape.type == "list":
        parts.append(("member", shape.member))
    elif shape.type == "map":
        parts.extend((("map_key", shape.key), ("map_value", shape.value)))
    for wrapper, inner in parts:
        if inner is not None and inner.type != "structure":
            texts = shape_constraints(inner)
            if texts:
                out.append(f"{WRAPPERS[wrapper]}[{', '.join(texts)}]")
    return tuple(out)


def unanchored(pattern: str) -> str:
    """A model pattern as the service prints it: without a leading ``^`` or a trailing unescaped ``$``.

    The service applies every pattern to the whole value, so the anchors say nothing and its messages
    leave them out.
    """
    if pattern.startswith("^"):
        pattern = pattern[1:]
    if pattern.endswith("$"):
        backslashes = len(pattern) - 1 - len(pattern[:-1].rstrip("\\"))
        if backslashes % 2 == 0:
            pattern = pattern[:-1]
    return pattern


def _number_text(value: object) -> str:
    """A range bound as the service prints it: integral bounds without a fraction."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if value is True or value is False:
        return "boolean"
    if isinstance(value, int | float | Decimal):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list | tuple):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__
