"""The functions generated code calls on its slow paths: raising typed errors, base64, numbers.

The compiled checkers, builders and unbuilders of :mod:`cognito_spec.codec.compile` test JSON types
inline; when a test fails, or when a value needs more than a type test (base64, a timestamp, a
float that may be ``"NaN"``), they call one of these.  Each raises only library errors:
:class:`~cognito_spec.errors.WireTypeError` while reading, :class:`~cognito_spec.errors.EncodeError`
while writing.
"""

from __future__ import annotations

import base64
import binascii
import math
from decimal import Decimal
from typing import Any

from cognito_spec.codec.timestamps import encode_timestamp
from cognito_spec.codec.violations import PathItem, Severity, Violation, ViolationKind
from cognito_spec.errors import EncodeError, WireTypeError

__all__ = [
    "b64",
    "b64_ok",
    "bad_out",
    "blob",
    "document",
    "encode_ts",
    "float_of",
    "missing",
    "plain_str",
    "unknown_members",
    "unknown_members_below",
    "wrong",
]


def wrong(value: object, expected: str, where: str) -> None:
    raise WireTypeError(f"{where}: expected {expected}, got {type(value).__name__}")


def missing(wire: str) -> None:
    raise WireTypeError(f"{wire}: required member is missing")


def plain_str(value: object, where: str, encoding: bool = False) -> str:
    if isinstance(value, str):
        return str.__str__(value)
    if encoding:
        bad_out(value, "str", where)
    wrong(value, "string", where)
    raise AssertionError  # pragma: no cover


def document(value: object, where: str) -> Any:
    """The wire form of a document member: the value itself (never copied or changed), once it is
    known to be JSON: objects with string keys, arrays (lists or tuples), strings, finite numbers,
    booleans, null.  Iterative, so a deep value cannot exhaust the stack; :class:`EncodeError` for
    anything else."""
    stack: list[Any] = [value]
    while stack:
        item = stack.pop()
        if item is None or type(item) in (str, bool, int):
            continue
        if type(item) is float:
            if not math.isfinite(item):
                raise EncodeError(f"member {where}: a document holds a number JSON cannot write ({item!r})")
            continue
        if type(item) is dict:
            for k in item:
                if type(k) is not str:
                    raise EncodeError(
                        f"member {where}: a document's object keys are strings, not {type(k).__name__}"
                    )
            stack.extend(item.values())
            continue
        if type(item) in (list, tuple):
            stack.extend(item)
            continue
        raise EncodeError(f"member {where}: a document holds JSON values, not {type(item).__name__}")
    return value


def bad_out(value: object, expected: str, where: str) -> None:
    raise EncodeError(f"member {where} needs {expected}, not {type(value).__name__}")


#: What a checker's violation site fixes when the checker is written: kind, limit, sensitive, the
#: shape's name, holds_secret, spec, within (see Violation), and the path items it adds to the path
#: it is given.
Site = tuple[ViolationKind, Any, bool, str, bool, Any, Any, tuple[PathItem, ...]]


def violation_at(
    path: tuple[PathItem, ...], site: Site, value: object, severity: Severity = "error", whole: object = None
) -> Violation:
    """The violation of a checker's ``site`` by ``value`` at ``path``.  The fixed parts sit in one
    tuple, so each site's line in a compiled checker is short: a checker of a large structure
    (CreateUserPool's) holds some 500 of them, and the compiler's time follows the text."""
    kind, limit, sensitive, shape, holds_secret, spec, within, suffix = site
    if suffix:
        path = (*path, *suffix)
    return Violation(
        path, kind, limit, severity, value, sensitive, shape, None, holds_secret, spec, within, whole
    )


def unknown_members(
    data: dict[str, Any],
    known: frozenset[str],
    path: tuple[PathItem, ...],
    out: list[Violation],
    strict: bool,
    shape: str,
    at: int,
) -> None:
    """The unknown members of ``data``, one violation each in key order, put into ``out`` at index
    ``at``: a checker looks for them after the known members, whose violations began there."""
    severity: Severity = "error" if strict else "warning"
    found = [
        Violation((*path, key), "unknown_member", None, severity, None, False, shape)
        for key in data
        if key not in known
    ]
    out[at:at] = found


def unknown_members_below(
    data: dict[str, Any],
    known: frozenset[str],
    path: tuple[PathItem, ...],
    out: list[Violation],
    strict: bool,
    shape: str,
) -> None:
    """:func:`unknown_members` for an object a strict builder inlined, which does not note where its
    violations begin: they are the last ones in ``out`` whose paths lie strictly below ``path``
    (every member's path does; none recorded before the object was reached does, as no two values
    share a path, and a map key's path is no longer than its value's)."""
    at, depth = len(out), len(path)
    while at and len(out[at - 1].path) > depth and out[at - 1].path[:depth] == path:
        at -= 1
    unknown_members(data, known, path, out, strict, shape, at)


def b64_ok(value: str) -> bool:
    try:
        base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return False
    return True


def blob(value: object, where: str) -> bytes:
    if type(value) is not str:
        wrong(value, "base64 string", where)
    try:
        return base64.b64decode(value, validate=True)  # type: ignore[arg-type]
    except (binascii.Error, ValueError):
        raise WireTypeError(f"{where}: invalid base64") from None


def b64(value: object, where: str) -> str:
    if not isinstance(value, bytes | bytearray):
        bad_out(value, "bytes", where)
    return base64.b64encode(value).decode("ascii")  # type: ignore[arg-type]


def float_of(value: Any, where: str) -> float:
    t = type(value)
    if t is float or t is int or t is Decimal:
        return float(value)
    if value in ("NaN", "Infinity", "-Infinity"):
        return float(value)
    wrong(value, "number", where)
    raise AssertionError  # pragma: no cover


def encode_ts(value: object, where: str) -> int | float:
    try:
        return encode_timestamp(value)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise EncodeError(f"member {where}: {exc}") from None
