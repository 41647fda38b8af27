"""The base of the source writer: its state and helpers, and the ``build`` and ``unbuild`` modes.

:class:`cognito_spec.codec.source.SourceWriter` adds the ``check``/``strict`` modes; see that module
for what each mode writes.
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Final, Literal

import attrs

from cognito_spec import patterns
from cognito_spec.codec import runtime
from cognito_spec.codec.reach import target as _target
from cognito_spec.codec.timestamps import FLOAT_WINDOW as _TS_WINDOW
from cognito_spec.codec.timestamps import decode_timestamp, timestamp_ok
from cognito_spec.codec.violations import MapEntry, MapKey
from cognito_spec.model import Shape, members_of, struct_info
from cognito_spec.patterns.ranges import Ranges

Mode = Literal["check", "strict", "build", "unbuild"]
#: What ``None`` is where :meth:`BuildWriter.build_value` reads a value (see there).
Absent = Literal["item", "optional", "required"]

#: The JSON type a shape travels as, for messages and generators.
JSON_KIND: Final = {
    "string": "string",
    "boolean": "boolean",
    "integer": "integer",
    "long": "integer",
    "float": "number",
    "double": "number",
    "timestamp": "number",
    "blob": "base64 string",
    "structure": "object",
    "list": "array",
    "map": "object",
    "document": "JSON value",
}

__all__ = [
    "JSON_KIND",
    "PRINTABLE",
    "Absent",
    "BuildWriter",
    "Mode",
    "accept_test",
    "ascii_class_test",
    "blank_class",
    "extend_path",
    "fast_string_regex",
    "lazy_pattern",
    "struct_shape",
    "without_idle_passes",
]


_BLANKS: dict[type, type | None] = {}


def blank_class(cls: type) -> type | None:
    """The blank twin of a generated class (cached), or None for exceptions.

    Generated classes are frozen: their ``__setattr__`` refuses every write, so the builders wrote
    each slot through its descriptor's ``__set__``, a call of a method wrapper (0.13 us each, the
    largest part of making an object).  The twin is a subclass adding no slot, with the generic
    ``__setattr__`` and ``object.__init__``: ``twin()`` makes an instance (cheaper than
    ``object.__new__(cls)``, whose wrapper checks its argument), a plain ``obj.member = value``
    writes a slot (the interpreter specialises it to a store at the slot's offset), and
    ``obj.__class__ = cls`` then makes the finished object exactly a ``cls``: same layout, so the
    interpreter allows it, and nothing of the twin remains in the object.  Measured on
    AttributeType: 0.22 us for a finished object against 0.38 us.  The twin has no StructInfo, so
    it is no shape class (it is reachable only through ``cls.__subclasses__()``), and no twin
    instance leaves a builder: every one is made a ``cls`` before it is stored anywhere.
    """
    try:
        return _BLANKS[cls]
    except KeyError:
        pass
    blank: type | None = None
    if not issubclass(cls, BaseException):
        namespace = {
            "__slots__": (),
            "__setattr__": object.__setattr__,
            "__delattr__": object.__delattr__,
            "__init__": object.__init__,
            "__cognito__": None,
            "__module__": __name__,
            "__doc__": f"The blank twin of {cls.__qualname__} (see blank_class).",
        }
        blank = type(f"_Blank{cls.__name__}", (cls,), namespace)
        probe = blank()
        try:
            probe.__class__ = cls
        except TypeError:  # pragma: no cover - a layout the interpreter will not swap
            blank = None
    _BLANKS[cls] = blank
    return blank


class BuildWriter:
    MAX_INLINE_DEPTH = 6

    def __init__(self, mode: Mode) -> None:
        self.mode = mode
        self.lines: list[str] = []
        self.counter = 0
        self.lazy: dict[str, tuple[type, Mode]] = {}
        # While the items of a collection member are checked: the global naming that member's
        # shape and the variable holding its value (None when a secret may lie in it), which every
        # violation below records for the service's message (Violation.within / whole).
        self.within: tuple[str, str | None] | None = None
        self.shapes: dict[int, str] = {}
        self.globals: dict[str, Any] = {
            "_W": runtime.violation_at,
            "_ts_ok": timestamp_ok,
            "_unknown": runtime.unknown_members,
            "_unknown_below": runtime.unknown_members_below,
            "_str": str,
            "_dict": dict,
            "_list": list,
            "_tuple": tuple,
            "_int": int,
            "_float": float,
            "_Decimal": Decimal,
            "_isinstance": isinstance,
            "_enumerate": enumerate,
            "_len": len,
            "_b64ok": runtime.b64_ok,
            "_object_new": object.__new__,
            "_wrong": runtime.wrong,
            "_missing": runtime.missing,
            "_plain_str": runtime.plain_str,
            "_ts": decode_timestamp,
            "_fts": datetime.fromtimestamp,
            "_UTC": UTC,
            "_ets": runtime.encode_ts,
            "_float_of": runtime.float_of,
            "_blob": runtime.blob,
            "_b64": runtime.b64,
            "_bad_out": runtime.bad_out,
            "_doc": runtime.document,
            "_MK": MapEntry,
            "_KK": MapKey,
            "_evolve": attrs.evolve,
        }

    def name(self, prefix: str, value: Any) -> str:
        self.counter += 1
        n = f"{prefix}{self.counter}"
        self.globals[n] = value
        return n

    def shape_ref(self, shape: Shape) -> str:
        """The global naming ``shape`` (one per shape object)."""
        ref = self.shapes.get(id(shape))
        if ref is None:
            ref = self.shapes[id(shape)] = self.name("_SH", shape)
        return ref

    def var(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    def emit(self, indent: int, line: str) -> None:
        self.lines.append("    " * indent + line)

    # -- build mode ------------------------------------------------------------------------------

    def build_value(
        self, indent: int, var: str, wire: str, shape: Shape, depth: int, absent: Absent = "item"
    ) -> str:
        """Emit statements that turn wire value ``var`` into its Python value; return its variable.

        ``absent`` says what ``None`` is: ``"item"`` an error (a list item, a map value: JSON
        ``null``), ``"optional"`` an absent member (kept), ``"required"`` a missing member
        (``_missing``).  Scalars fold the ``None`` test into their type test, so a present value
        pays one test: ``None`` fails ``type(v) is str`` as any wrong type does, and is told apart
        only then.  What a builder raises is never shown as it is: the caller re-runs the checker
        for the report, so only *whether* it raises matters (and it raises exactly when the value
        does not decode).
        """
        t = shape.type
        where = repr(wire)
        slow: dict[Absent, str] = {
            "item": "",
            "optional": f" and {var} is not None",
            "required": "",
        }
        if t == "string" and shape.enum_class is None:
            self.emit(indent, f"if type({var}) is not _str{slow[absent]}:")
            self.when_none(indent + 1, var, wire, absent)
            self.emit(indent + 1, f"{var} = _plain_str({var}, {where})")
            return var
        if t == "string":
            known = self.name("_EM", dict(shape.enum_class._value2member_map_))  # type: ignore[union-attr]
            self.emit(indent, f"if type({var}) is _str:")
            self.emit(indent + 1, f"{var} = {known}.get({var}, {var})")
            self.emit(indent, f"elif {var} is not None:" if absent == "optional" else "else:")
            self.when_none(indent + 1, var, wire, absent)
            self.emit(indent + 1, f"{var} = {known}.get(_plain_str({var}, {where}), {var})")
            return var
        if t == "boolean":
            self.emit(indent, f"if {var} is not True and {var} is not False{slow[absent]}:")
            self.when_none(indent + 1, var, wire, absent)
            self.emit(indent + 1, f"_wrong({var}, 'boolean', {where})")
            return var
        if t in ("integer", "long"):
            self.emit(indent, f"if type({var}) is not _int{slow[absent]}:")
            self.when_none(indent + 1, var, wire, absent)
            self.emit(indent + 1, f"_wrong({var}, 'integer', {where})")
            return var
        if t == "timestamp":
            self.emit(indent, f"if type({var}) is _float and {-_TS_WINDOW!r} < {var} < {_TS_WINDOW!r}:")
            self.emit(indent + 1, f"{var} = _fts({var}, _UTC)")
            self.emit(indent, f"elif {var} is not None:" if absent == "optional" else "else:")
            self.when_none(indent + 1, var, wire, absent)
            self.emit(indent + 1, f"{var} = _ts({var})")
            return var
        # The rest test None first: a document takes any value but null, the others are not worth
        # folding (a float, a blob, a container: one test more per container, not per item).
        if absent == "item":
            if t == "document":
                self.emit(indent, f"if {var} is None:")
                self.emit(indent + 1, f"_wrong(None, {JSON_KIND[t]!r}, {where})")
            return self.build_present(indent, var, wire, shape, depth)
        self.emit(indent, f"if {var} is not None:")
        out = self.build_present(indent + 1, var, wire, shape, depth)
        if out != var:
            self.emit(indent + 1, f"{var} = {out}")
        if absent == "required":
            self.emit(indent, "else:")
            self.emit(indent + 1, f"_missing({where})")
        return var

    def when_none(self, indent: int, var: str, wire: str, absent: Absent) -> None:
        """Inside a failed type test: a missing required member says so (the other cases fall through:
        an optional member never gets here as None, an item's None is a wrong type)."""
        if absent == "required":
            self.emit(indent, f"if {var} is None:")
            self.emit(indent + 1, f"_missing({wire!r})")

    def build_present(self, indent: int, var: str, wire: str, shape: Shape, depth: int) -> str:
        """:meth:`build_value` of a value that is not an absent member (floats, blobs, documents,
        containers and structures; the caller has dealt with None)."""
        t = shape.type
        where = repr(wire)
        if t == "document":
            self.emit(indent, "pass  # a document: the parsed JSON value itself")
            return var
        if t in ("float", "double"):
            self.emit(indent, f"{var} = _float_of({var}, {where})")
            return var
        if t == "blob":
            self.emit(indent, f"{var} = _blob({var}, {where})")
            return var
        if t == "list":
            assert shape.member is not None
            acc, item = self.var("acc"), self.var("x")
            self.emit(indent, f"if type({var}) is not _list and type({var}) is not _tuple:")
            self.emit(indent + 1, f"_wrong({var}, 'array', {where})")
            self.emit(indent, f"{acc} = []")
            self.emit(indent, f"for {item} in {var}:")
            out = self.build_value(indent + 1, item, wire, shape.member, depth + 1)
            self.emit(indent + 1, f"{acc}.append({out})")
            return f"_tuple({acc})"
        if t == "map":
            assert shape.key is not None and shape.value is not None
            acc, k, v = self.var("acc"), self.var("k"), self.var("v")
            self.emit(indent, f"if type({var}) is not _dict:")
            self.emit(indent + 1, f"_wrong({var}, 'object', {where})")
            self.emit(indent, f"{acc} = {{}}")
            self.emit(indent, f"for {k}, {v} in {var}.items():")
            kout = self.build_value(indent + 1, k, wire, shape.key, depth + 1)
            vout = self.build_value(indent + 1, v, wire, shape.value, depth + 1)
            self.emit(indent + 1, f"{acc}[{kout}] = {vout}")
            return acc
        if t == "structure":
            cls = _target(shape)
            if depth >= self.MAX_INLINE_DEPTH:
                fn = self.lazy_call(cls)
                self.emit(indent, f"{var} = {fn}({var})")
                return var
            return self.build_structure(indent, var, cls, depth)
        raise AssertionError(t)  # pragma: no cover

    def build_structure(self, indent: int, var: str, cls: type, depth: int) -> str:
        obj = self.var("o")
        self.emit(indent, f"if type({var}) is not _dict:")
        self.emit(indent + 1, f"_wrong({var}, 'object', {cls.__name__!r})")
        self.emit(indent, f"{obj} = {self.new_expr(cls)}")
        fields = attrs.fields_dict(cls)
        for name, m in members_of(cls):
            v = self.var("m")
            self.emit(indent, f"{v} = {var}.get({m.wire!r})")
            absent: Absent = "required" if fields[name].default is attrs.NOTHING else "optional"
            out = self.build_value(indent, v, m.wire, m.shape, depth + 1, absent)
            self.set_member(indent, obj, cls, name, out)
        self.finish(indent, obj, cls)
        return obj

    # -- unbuild mode ----------------------------------------------------------------------------

    def unbuild_value(self, indent: int, var: str, wire: str, shape: Shape, depth: int) -> str:
        t = shape.type
        where = repr(wire)
        if t == "document":
            self.emit(indent, f"{var} = _doc({var}, {where})")
            return var
        if t == "string":  # enum members are str subclasses: written as their plain value
            self.guard(indent, f"type({var}) is not _str", f"{var} = _plain_str({var}, {where}, True)")
            return var
        if t == "boolean":
            self.guard(
                indent, f"{var} is not True and {var} is not False", f"_bad_out({var}, 'bool', {where})"
            )
            return var
        if t in ("integer", "long"):
            self.guard(indent, f"type({var}) is not _int", f"_bad_out({var}, 'int', {where})")
            return var
        if t in ("float", "double"):
            self.emit(indent, f"if type({var}) is not _float and type({var}) is not _int:")
            self.emit(indent + 1, f"_bad_out({var}, 'float', {where})")
            self.emit(indent, f"if {var} != {var} or {var} in (_float('inf'), _float('-inf')):")
            self.emit(
                indent + 1, f"{var} = 'NaN' if {var} != {var} else ('Infinity' if {var} > 0 else '-Infinity')"
            )
            return var
        if t == "timestamp":
            self.emit(indent, f"{var} = _ets({var}, {where})")
            return var
        if t == "blob":
            self.emit(indent, f"{var} = _b64({var}, {where})")
            return var
        if t == "list":
            assert shape.member is not None
            acc, item = self.var("acc"), self.var("x")
            self.emit(indent, f"if type({var}) is not _tuple and type({var}) is not _list:")
            self.emit(indent + 1, f"_bad_out({var}, 'tuple', {where})")
            self.emit(indent, f"{acc} = []")
            self.emit(indent, f"for {item} in {var}:")
            out = self.unbuild_value(indent + 1, item, wire, shape.member, depth + 1)
            self.emit(indent + 1, f"{acc}.append({out})")
            return acc
        if t == "map":
            assert shape.key is not None and shape.value is not None
            acc, k, v = self.var("acc"), self.var("k"), self.var("v")
            self.emit(indent, f"{acc} = {{}}")
            self.emit(indent, f"for {k}, {v} in {var}.items():")
            kout = self.unbuild_value(indent + 1, k, wire, shape.key, depth + 1)
            vout = self.unbuild_value(indent + 1, v, wire, shape.value, depth + 1)
            self.emit(indent + 1, f"{acc}[{kout}] = {vout}")
            return acc
        if t == "structure":
            cls = _target(shape)
            if depth >= self.MAX_INLINE_DEPTH:
                fn = self.lazy_call(cls)
                self.emit(indent, f"{var} = {fn}({var})")
                return var
            return self.unbuild_structure(indent, var, cls, depth)
        raise AssertionError(t)  # pragma: no cover

    def unbuild_structure(self, indent: int, var: str, cls: type, depth: int) -> str:
        res = self.var("r")
        cname = self.name("_C", cls)
        self.emit(indent, f"if type({var}) is not {cname}:")
        self.emit(indent + 1, f"_bad_out({var}, {cname}.__name__, {cls.__name__!r})")
        self.emit(indent, f"{res} = {{}}")
        for name, m in members_of(cls):
            v = self.var("m")
            self.emit(indent, f"{v} = {var}.{name}")
            self.emit(indent, f"if {v} is not None:")
            out = self.unbuild_value(indent + 1, v, m.wire, m.shape, depth + 1)
            self.emit(indent + 1, f"{res}[{m.wire!r}] = {out}")
        return res

    # -- shared ----------------------------------------------------------------------------------

    def new_expr(self, cls: type) -> str:
        """An uninitialised instance: of the class's blank twin (:func:`blank_class`), whose slots
        are written with plain attribute stores and whose class is then set to ``cls`` by
        :meth:`finish`; exceptions (and a class without a twin) are made with ``__new__``
        (BaseException.__new__ sets ``args``) and written with the slot descriptors."""
        blank = blank_class(cls)
        if blank is not None:
            return f"{self.name('_B', blank)}()"
        cname = self.name("_C", cls)
        if issubclass(cls, BaseException):
            return f"{cname}.__new__({cname})"
        return f"_object_new({cname})"  # pragma: no cover - every shape class has a twin

    def set_member(self, indent: int, obj: str, cls: type, name: str, value: str) -> None:
        """Write member ``name`` of the new instance ``obj`` (made by :meth:`new_expr`)."""
        if blank_class(cls) is not None:
            self.emit(indent, f"{obj}.{name} = {value}")
        else:
            self.emit(indent, f"{self.name('_S', cls.__dict__[name].__set__)}({obj}, {value})")

    def finish(self, indent: int, obj: str, cls: type) -> None:
        """Make the instance ``obj`` (made by :meth:`new_expr`, every member written) a ``cls``."""
        if blank_class(cls) is not None:
            self.emit(indent, f"{obj}.__class__ = {self.name('_C', cls)}")

    def guard(self, indent: int, condition: str, action: str) -> None:
        """``if <condition>: <action>`` (the slow path of a type test)."""
        self.emit(indent, f"if {condition}:")
        self.emit(indent + 1, action)

    def lazy_call(self, cls: type) -> str:
        n = self.var("_L")
        self.lazy[n] = (cls, self.mode)
        return n


# -- helpers of the writers ------------------------------------------------------------------------


def fast_string_regex(shape: Shape) -> tuple[patterns.LazyFullmatch, Ranges, int, int | None] | None:
    """For ``[class]+`` patterns with lengths: one expression checking both (``[class]{min,max}``,
    compiled at its first use), with the class and the bounds it was made of."""
    if shape.pattern is None or shape.enum is not None:
        return None
    return _class_regex(shape.pattern, shape.length_min or 0, shape.length_max)


@functools.cache
def _class_regex(
    pattern: str, length_min: int, length_max: int | None
) -> tuple[patterns.LazyFullmatch, Ranges, int, int | None] | None:
    # Cached per (pattern, lengths): the 465 classes share a few dozen, and each expression spells
    # out large Unicode classes, whose re.compile (about 40 ms each) was most of the time spent
    # compiling checkers.  Compiled lazily too: only a non-ASCII string (or a str subclass) reaches
    # it, the ASCII fast path decides the rest (source.fast_string_test).
    single = patterns.compile(pattern).single_class
    if single is None:
        return None
    ranges, lo, hi = single
    lo = max(lo, length_min)
    if length_max is not None:
        hi = length_max if hi is None else min(hi, length_max)
    if hi is not None and hi < lo:
        return None
    cls = patterns.python_class(ranges)
    return patterns.LazyFullmatch(f"{cls}{{{lo},{'' if hi is None else hi}}}"), ranges, lo, hi


@functools.cache
def lazy_pattern(pattern: str) -> patterns.LazyFullmatch:
    """The full match of a model pattern, compiled at its first call (for a slow path)."""
    return patterns.LazyFullmatch(patterns.compile(pattern))  # the Pattern's own expression, shared


#: The printable ASCII characters, 0x20 (the space) to 0x7E: what ``str.isprintable`` accepts of ASCII.
PRINTABLE: Final = frozenset(range(0x20, 0x7F))


def ascii_class_test(var: str, allowed: bytes, table: str) -> str:
    """An expression true exactly when every character of ``var``, an exact ``str`` known to be
    ASCII, is one of ``allowed`` (patterns.ranges.ascii_bytes of a class); ``table`` names a global
    holding ``allowed``.

    The general test deletes the class's characters with ``bytes.translate``: nothing is left
    exactly when all are in it.  That makes a bytes object and, with a delete argument, a 256-entry
    table on every call.  ``str.isprintable`` makes neither, and on ASCII it is true exactly for
    0x20..0x7E (the C0 controls and DEL are Cc, which it refuses; the space is the one Zs it
    accepts), so it decides alone the classes made of exactly those: the model's Unicode class
    ``[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]`` holds all of 0x21..0x7E and not the space (Zs), its
    ``\\p{Z}`` form holds the space too.  A class holding every printable character and some
    controls asks ``isprintable`` first and ``translate`` only for a value holding a control; one
    holding all of ASCII passes every such value.
    """
    translate = f"not {var}.encode().translate(None, {table})"
    chars = frozenset(allowed)
    if len(chars) == 0x80:
        return "True"
    if chars == PRINTABLE:
        return f"{var}.isprintable()"
    if chars == PRINTABLE - {0x20}:
        return f"({var}.isprintable() and ' ' not in {var})"
    if chars > PRINTABLE:
        return f"({var}.isprintable() or {translate})"
    return translate


def accept_test(var: str, shape: Shape) -> str | None:
    """For a scalar member: the test a value of the usual exact type passes (then
    :meth:`~cognito_spec.codec.source.SourceWriter.check_exact` checks the rest), or None for other shapes."""
    t = shape.type
    if t == "string":
        return f"type({var}) is _str"
    if t == "boolean":
        return f"{var} is True or {var} is False"
    if t in ("integer", "long"):
        return f"type({var}) is _int"
    if t == "timestamp":
        return f"type({var}) is _float and {-_TS_WINDOW!r} < {var} < {_TS_WINDOW!r}"
    return None


def extend_path(path: str, item: str) -> str:
    """Source of a path tuple one item longer (paths are only built when a violation is recorded)."""
    if path == "path":
        return f"(*path, {item})"
    return f"({path[1:-1]}, {item})"


def struct_shape(cls: type) -> Shape:
    """A structure shape naming ``cls`` (what a violation of a whole object records)."""
    info = struct_info(cls)
    assert info is not None
    return Shape(name=info.name, type="structure", target=info.name)


def without_idle_passes(lines: list[str]) -> list[str]:
    """The lines without each ``pass`` followed by a statement of the same block (the compiler
    keeps such a ``pass`` as a NOP, for its line number)."""

    def depth(line: str) -> int:
        return len(line) - len(line.lstrip(" "))

    kept = []
    for i, line in enumerate(lines):
        if line.lstrip().startswith("pass") and i + 1 < len(lines) and depth(lines[i + 1]) == depth(line):
            continue
        kept.append(line)
    return kept
