"""The base of the source writer: its state and helpers, and the ``build`` and ``unbuild`` modes.

:class:`cognito_spec.codec.source.SourceWriter` adds the ``check``/``strict`` modes; see that module
for what each mode writes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Final, Literal

import attrs

from cognito_spec.codec import runtime
from cognito_spec.codec.reach import target as _target
from cognito_spec.codec.timestamps import FLOAT_WINDOW as _TS_WINDOW
from cognito_spec.codec.timestamps import decode_timestamp, timestamp_ok
from cognito_spec.codec.violations import MapEntry, MapKey, Violation
from cognito_spec.model import Shape, members_of

Mode = Literal["check", "strict", "build", "unbuild"]

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

__all__ = ["JSON_KIND", "BuildWriter", "Mode"]


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
            "_V": Violation,
            "_ts_ok": timestamp_ok,
            "_unknown": runtime.unknown_members,
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

    def build_value(self, indent: int, var: str, wire: str, shape: Shape, depth: int) -> str:
        """Emit statements that turn wire value ``var`` into its Python value; return its variable."""
        t = shape.type
        where = repr(wire)
        if t == "document":
            self.emit(indent, "pass  # a document: the parsed JSON value itself")
            return var
        if t == "string":
            if shape.enum_class is not None:
                known = self.name("_EM", dict(shape.enum_class._value2member_map_))  # type: ignore[attr-defined]
                self.emit(
                    indent,
                    f"{var} = {known}.get({var}, {var}) if type({var}) is _str else "
                    f"{known}.get(_plain_str({var}, {where}), {var})",
                )
            else:
                self.guard(indent, f"type({var}) is not _str", f"{var} = _plain_str({var}, {where})")
            return var
        if t == "boolean":
            self.guard(
                indent, f"{var} is not True and {var} is not False", f"_wrong({var}, 'boolean', {where})"
            )
            return var
        if t in ("integer", "long"):
            self.guard(indent, f"type({var}) is not _int", f"_wrong({var}, 'integer', {where})")
            return var
        if t in ("float", "double"):
            self.emit(indent, f"{var} = _float_of({var}, {where})")
            return var
        if t == "timestamp":
            self.emit(indent, f"if type({var}) is _float and {-_TS_WINDOW!r} < {var} < {_TS_WINDOW!r}:")
            self.emit(indent + 1, f"{var} = _fts({var}, _UTC)")
            self.emit(indent, "else:")
            self.emit(indent + 1, f"{var} = _ts({var})")
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
            self.emit(indent + 1, f"if {item} is None:")
            self.emit(indent + 2, f"_wrong(None, {JSON_KIND[shape.member.type]!r}, {where})")
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
            self.emit(indent + 1, f"if {v} is None:")
            self.emit(indent + 2, f"_wrong(None, {JSON_KIND[shape.value.type]!r}, {where})")
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
            setter = self.name("_S", cls.__dict__[name].__set__)
            self.emit(indent, f"{v} = {var}.get({m.wire!r})")
            self.emit(indent, f"if {v} is not None:")
            out = self.build_value(indent + 1, v, m.wire, m.shape, depth + 1)
            if out != v:
                self.emit(indent + 1, f"{v} = {out}")
            if fields[name].default is attrs.NOTHING:
                self.emit(indent, "else:")
                self.emit(indent + 1, f"_missing({m.wire!r})")
            self.emit(indent, f"{setter}({obj}, {v})")
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
        """An uninitialised instance; exceptions need BaseException.__new__ (it sets ``args``)."""
        cname = self.name("_C", cls)
        if issubclass(cls, BaseException):
            return f"{cname}.__new__({cname})"
        return f"_object_new({cname})"

    def guard(self, indent: int, condition: str, action: str) -> None:
        """``if <condition>: <action>`` (the slow path of a type test)."""
        self.emit(indent, f"if {condition}:")
        self.emit(indent + 1, action)

    def lazy_call(self, cls: type) -> str:
        n = self.var("_L")
        self.lazy[n] = (cls, self.mode)
        return n
