"""Constraint checking of wire data, compiled once per class from the field metadata.

For every generated class this module writes (and ``exec``s, once) a plain Python function that walks
a wire dict and appends a :class:`Violation` for each broken constraint.  This is the machinery behind
strict decoding, :func:`cognito_spec.validate` and the precise errors of tolerant decoding.  The
generated code is flat: nested structures inside lists are inlined, paths are only built when a
violation is recorded, and the happy path is a handful of ``type(x) is`` tests, ``len`` calls and
compiled pattern matches.  Read :func:`compile_checker` with ``debug=True`` to see the source.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Final, Literal

import attrs

from cognito_spec import patterns
from cognito_spec._meta import Member, Shape, members_of, struct_info

__all__ = [
    "TIMESTAMP_MAX",
    "TIMESTAMP_MIN",
    "ERROR_ENVELOPE_MEMBERS",
    "Checker",
    "Severity",
    "Violation",
    "ViolationKind",
    "checker_for",
    "member_path",
    "json_pointer",
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

#: Epoch seconds a ``datetime`` can hold: ``TIMESTAMP_MIN <= t < TIMESTAMP_MAX``.
TIMESTAMP_MIN: Final = int((datetime.min.replace(tzinfo=UTC) - datetime(1970, 1, 1, tzinfo=UTC)).total_seconds())
TIMESTAMP_MAX: Final = int((datetime.max.replace(tzinfo=UTC) - datetime(1970, 1, 1, tzinfo=UTC)).total_seconds()) + 1

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
    shown when ``sensitive`` is set unless a caller asks for it explicitly.
    """

    path: tuple[PathItem, ...]
    kind: ViolationKind
    limit: Any
    severity: Severity = "error"
    value: Any = attrs.field(default=None, repr=False, eq=False)
    sensitive: bool = False
    shape: str | None = None
    detail: str | None = None

    @property
    def pointer(self) -> str:
        return json_pointer(self.path)

    @property
    def member_path(self) -> str:
        return member_path(self.path)

    def describe(self, *, reveal: bool = False) -> str:
        """A short human description (not the service's message format; see cognito_spec.validate)."""
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
        if self.value is not None and k not in ("required", "unknown_member", "duplicate_key"):
            if reveal or not self.sensitive:
                shown = repr(self.value)
                text += f": {shown if len(shown) <= 80 else shown[:77] + '...'}"
        return text


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


def timestamp_ok(value: object) -> bool:
    """True for a JSON number a ``datetime`` can hold (booleans are not numbers)."""
    t = type(value)
    if t is int:
        return TIMESTAMP_MIN <= value < TIMESTAMP_MAX  # type: ignore[operator]
    if t is float:
        return math.isfinite(value) and TIMESTAMP_MIN <= value < TIMESTAMP_MAX  # type: ignore[arg-type,operator]
    if t is Decimal:
        return value.is_finite() and TIMESTAMP_MIN <= value < TIMESTAMP_MAX  # type: ignore[union-attr,operator]
    return False


#: A checker appends the violations of ``data`` (at ``path``) to ``out``.
Checker = Callable[[Any, tuple[PathItem, ...], list[Violation], bool], None]


class _Writer:
    """Accumulates the source of one checker function."""

    MAX_INLINE_DEPTH = 4

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.globals: dict[str, Any] = {
            "_V": Violation,
            "_ts_ok": timestamp_ok,
            "_unknown": _unknown,
            "_str": str,
            "_dict": dict,
            "_list": list,
            "_int": int,
            "_float": float,
            "_Decimal": Decimal,
            "_isinstance": isinstance,
            "_enumerate": enumerate,
            "_len": len,
            "_b64": _b64_ok,
        }
        self.counter = 0
        self.calls: dict[str, type] = {}

    def name(self, prefix: str, value: Any) -> str:
        self.counter += 1
        n = f"{prefix}{self.counter}"
        self.globals[n] = value
        return n

    def emit(self, indent: int, line: str) -> None:
        self.lines.append("    " * indent + line)

    def violation(
        self, indent: int, path: str, kind: str, limit: str, value: str, shape: Shape, sensitive: bool,
        severity: str = "'error'",
    ) -> None:
        self.emit(
            indent,
            f"out.append(_V({path}, {kind!r}, {limit}, {severity}, {value}, {sensitive}, {shape.name!r}))",
        )

    # -- values -----------------------------------------------------------------------------------

    def value(self, indent: int, var: str, path: str, shape: Shape, sensitive: bool, depth: int) -> None:
        t = shape.type
        sens = sensitive or shape.sensitive
        if t == "string":
            self.emit(indent, f"if type({var}) is not _str and not _isinstance({var}, _str):")
            self.violation(indent + 1, path, "type", "'string'", var, shape, sens)
            self.emit(indent, "else:")
            if shape.enum is not None:
                values = self.name("_E", frozenset(shape.enum))
                limit = self.name("_EL", shape.enum)
                self.emit(indent + 1, f"if {var} not in {values}:")
                self.violation(
                    indent + 2, path, "enum", limit, var, shape, sens, "'error' if strict else 'warning'"
                )
            self.lengths(indent + 1, var, path, shape, sens)
            if shape.pattern is not None:
                fm = self.name("_P", patterns.compile(shape.pattern).regex.fullmatch)
                self.emit(indent + 1, f"if {fm}({var}) is None:")
                self.violation(indent + 2, path, "pattern", repr(shape.pattern), var, shape, sens)
            self.emit(indent + 1, "pass")
        elif t == "boolean":
            self.emit(indent, f"if {var} is not True and {var} is not False:")
            self.violation(indent + 1, path, "type", "'boolean'", var, shape, sens)
        elif t in ("integer", "long"):
            self.emit(indent, f"if type({var}) is not _int:")
            self.violation(indent + 1, path, "type", "'integer'", var, shape, sens)
            self.ranges(indent, var, path, shape, sens)
        elif t in ("float", "double"):
            self.emit(
                indent,
                f"if not (type({var}) is _float or type({var}) is _int or type({var}) is _Decimal"
                f" or {var} in ('NaN', 'Infinity', '-Infinity')):",
            )
            self.violation(indent + 1, path, "type", "'number'", var, shape, sens)
            self.ranges(indent, var, path, shape, sens)
        elif t == "timestamp":
            self.emit(indent, f"if not _ts_ok({var}):")
            self.emit(indent + 1, f"if type({var}) in (_int, _float, _Decimal):")
            self.violation(indent + 2, path, "timestamp_range", "None", var, shape, sens)
            self.emit(indent + 1, "else:")
            self.violation(indent + 2, path, "type", "'number'", var, shape, sens)
        elif t == "blob":
            self.emit(indent, f"if type({var}) is not _str or not _b64({var}):")
            self.violation(indent + 1, path, "type", "'base64 string'", var, shape, sens)
        elif t == "list":
            assert shape.member is not None
            self.emit(indent, f"if type({var}) is not _list:")
            self.violation(indent + 1, path, "type", "'array'", var, shape, sens)
            self.emit(indent, "else:")
            self.lengths(indent + 1, var, path, shape, sens)
            i, item = f"i{depth}", f"x{depth}"
            self.emit(indent + 1, f"for {i}, {item} in _enumerate({var}):")
            item_path = f"({path[1:-1]}, {i})" if path.startswith("(") else f"(*{path}, {i})"
            self.emit(indent + 2, f"if {item} is None:")
            self.violation(indent + 3, item_path, "type", repr(_json_kind(shape.member)), item, shape.member,
                           sens)
            self.emit(indent + 2, "else:")
            self.value(indent + 3, item, item_path, shape.member, sens, depth + 1)
        elif t == "map":
            assert shape.key is not None and shape.value is not None
            self.emit(indent, f"if type({var}) is not _dict:")
            self.violation(indent + 1, path, "type", "'object'", var, shape, sens)
            self.emit(indent, "else:")
            self.lengths(indent + 1, var, path, shape, sens)
            k, v = f"k{depth}", f"v{depth}"
            self.emit(indent + 1, f"for {k}, {v} in {var}.items():")
            item_path = f"({path[1:-1]}, {k})" if path.startswith("(") else f"(*{path}, {k})"
            self.value(indent + 2, k, item_path, shape.key, sens, depth + 1)
            self.emit(indent + 2, f"if {v} is None:")
            self.violation(indent + 3, item_path, "type", repr(_json_kind(shape.value)), v, shape.value, sens)
            self.emit(indent + 2, "else:")
            self.value(indent + 3, v, item_path, shape.value, sens, depth + 1)
        elif t == "structure":
            from cognito_spec.shapes import STRUCTURES  # noqa: PLC0415 - shapes import this package

            cls = STRUCTURES[shape.target or shape.name]
            if depth >= self.MAX_INLINE_DEPTH:
                fn = self.name("_C", None)
                self.calls[fn] = cls
                self.emit(indent, f"{fn}({var}, {path}, out, strict)")
            else:
                self.structure(indent, var, path, cls, depth)
        else:  # pragma: no cover - the generator rejects other types
            raise AssertionError(t)

    def lengths(self, indent: int, var: str, path: str, shape: Shape, sens: bool) -> None:
        if shape.length_min is None and shape.length_max is None:
            return
        self.emit(indent, f"n = _len({var})")
        if shape.length_min:
            self.emit(indent, f"if n < {shape.length_min}:")
            self.violation(indent + 1, path, "length_min", str(shape.length_min), var, shape, sens)
        if shape.length_max is not None:
            self.emit(indent, f"if n > {shape.length_max}:")
            self.violation(indent + 1, path, "length_max", str(shape.length_max), var, shape, sens)

    def ranges(self, indent: int, var: str, path: str, shape: Shape, sens: bool) -> None:
        for bound, op, kind in ((shape.range_min, "<", "range_min"), (shape.range_max, ">", "range_max")):
            if bound is not None:
                self.emit(indent, f"elif type({var}) is not _str and {var} {op} {bound!r}:")
                self.violation(indent + 1, path, kind, repr(bound), var, shape, sens)

    # -- structures -------------------------------------------------------------------------------

    def structure(self, indent: int, var: str, path: str, cls: type, depth: int) -> None:
        info = struct_info(cls)
        assert info is not None
        members = members_of(cls)
        sshape = Shape(name=info.name, type="structure", target=info.name)
        wires = {m.wire for _, m in members}
        if info.role == "error":
            wires.update(ERROR_ENVELOPE_MEMBERS)
        known = self.name("_K", frozenset(wires))
        self.emit(indent, f"if type({var}) is not _dict:")
        self.violation(indent + 1, path, "type", "'object'", var, sshape, False)
        self.emit(indent, "else:")
        indent += 1
        self.emit(indent, f"if not {known}.issuperset({var}):")
        self.emit(indent + 1, f"_unknown({var}, {known}, {path}, out, strict, {info.name!r})")
        for _, m in members:
            self.member(indent, var, path, m, depth)

    def member(self, indent: int, var: str, path: str, m: Member, depth: int) -> None:
        v = f"m{depth}"
        mpath = f"({path[1:-1]}, {m.wire!r})" if path.startswith("(") else f"(*{path}, {m.wire!r})"
        self.emit(indent, f"{v} = {var}.get({m.wire!r})")
        self.emit(indent, f"if {v} is not None:")
        self.value(indent + 1, v, mpath, m.shape, m.sensitive, depth + 1)
        if m.required:
            self.emit(indent, "else:")
            self.violation(indent + 1, mpath, "required", "None", "None", m.shape, m.sensitive)


def _json_kind(shape: Shape) -> str:
    return {
        "string": "string", "boolean": "boolean", "integer": "integer", "long": "integer", "float": "number",
        "double": "number", "timestamp": "number", "blob": "base64 string", "structure": "object",
        "list": "array", "map": "object",
    }[shape.type]


def _unknown(
    data: dict[str, Any], known: frozenset[str], path: tuple[PathItem, ...], out: list[Violation], strict: bool,
    shape: str,
) -> None:
    for key in data:
        if key not in known:
            out.append(
                Violation(
                    (*path, key), "unknown_member", None, "error" if strict else "warning", None, False, shape
                )
            )


def _b64_ok(value: str) -> bool:
    import binascii  # noqa: PLC0415
    import base64  # noqa: PLC0415

    try:
        base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return False
    return True


_CACHE: dict[type, Checker] = {}


def compile_checker(cls: type, *, debug: bool = False) -> Checker:
    """Build the checker function of a generated class (use :func:`checker_for`, which caches)."""
    w = _Writer()
    w.emit(0, "def check(data, path, out, strict):")
    w.structure(1, "data", "path", cls, 0)
    source = "\n".join(w.lines) + "\n"
    # Path expressions were written for a tuple literal; the root path is a variable.
    namespace = dict(w.globals)
    exec(compile(source, f"<cognito_spec checker {cls.__name__}>", "exec"), namespace)  # noqa: S102
    fn: Checker = namespace["check"]
    for name, target in w.calls.items():
        namespace[name] = _Lazy(target)
    if debug:
        print(source)  # noqa: T201
    return fn


class _Lazy:
    """Calls the (cached) checker of a class on first use; breaks recursion between structures."""

    __slots__ = ("cls", "fn")

    def __init__(self, cls: type) -> None:
        self.cls = cls
        self.fn: Checker | None = None

    def __call__(self, data: Any, path: tuple[PathItem, ...], out: list[Violation], strict: bool) -> None:
        if self.fn is None:
            self.fn = checker_for(self.cls)
        self.fn(data, path, out, strict)


def checker_for(cls: type) -> Checker:
    """The compiled checker of a generated class, built on first use."""
    fn = _CACHE.get(cls)
    if fn is None:
        if struct_info(cls) is None:
            raise TypeError(f"{cls!r} is not a cognito_spec shape class")
        fn = _CACHE[cls] = compile_checker(cls)
    return fn


def check(data: Any, cls: type, *, strict: bool = True) -> list[Violation]:
    """Every violation of ``data`` (a parsed wire value) against ``cls``."""
    out: list[Violation] = []
    checker_for(cls)(data, (), out, strict)
    return out
