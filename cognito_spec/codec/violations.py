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
    "Severity",
    "Violation",
    "ViolationKind",
    "json_pointer",
    "member_path",
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

PathItem = str | int

#: Members an error body may carry besides the shape's own: awsJson1_1 puts the code in ``__type``.
ERROR_ENVELOPE_MEMBERS: Final = ("__type",)


def json_pointer(path: tuple[PathItem, ...]) -> str:
    """RFC 6901 pointer of a wire path: ``/UserAttributes/0/Name``."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def member_path(path: tuple[PathItem, ...]) -> str:
    """The service's spelling of a path in validation messages: ``userAttributes.1.member.name``.

    Member names lose the capital of their first letter; list items count from 1 and are followed by
    ``member``, as in the messages the service's validation layer writes.
    """
    parts: list[str] = []
    for p in path:
        if isinstance(p, int):
            parts.append(f"{p + 1}.member")
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

    @property
    def pointer(self) -> str:
        return json_pointer(self.path)

    @property
    def member_path(self) -> str:
        return member_path(self.path)

    @property
    def constraint(self) -> str | None:
        """The broken constraint as the service's validation message words it.

        ``Member must not be null``, ``Member must have length greater than or equal to 1``, ... (see
        :func:`cognito_spec.validation.validate.validation_message`).  None for the kinds the service does not
        report as ``InvalidParameterException`` (wrong types, unknown members, malformed bodies).
        """
        k = self.kind
        if k == "required":
            return "Member must not be null"
        if k == "length_min":
            return f"Member must have length greater than or equal to {self.limit}"
        if k == "length_max":
            return f"Member must have length less than or equal to {self.limit}"
        if k == "range_min":
            return f"Member must have value greater than or equal to {_number_text(self.limit)}"
        if k == "range_max":
            return f"Member must have value less than or equal to {_number_text(self.limit)}"
        if k == "pattern":
            return f"Member must satisfy regular expression pattern: {unanchored(str(self.limit))}"
        if k == "enum":
            return f"Member must satisfy enum value set: [{', '.join(self.limit)}]"
        return None

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
