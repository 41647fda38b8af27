"""The source writer: Python text of a class's checker, builder or unbuilder, from its field metadata.

One walker over a class's members writes Python source in four modes (what each function does is
described in :mod:`cognito_spec.codec.compile`, which compiles and caches them):

``check`` / ``strict``
    ``(data, path, out, strict, cnt)``: a violation appended to ``out`` per broken constraint, the
    object keys and string values visited added to ``cnt[0]`` and ``cnt[1]``; ``strict`` also builds.
``build`` / ``unbuild``
    ``build(data)`` wire value to objects (JSON types checked, nothing else); ``unbuild(obj)`` back.

The code is flat: nested structures are inlined up to a depth, paths are only built when a
violation is recorded, objects are made with ``object.__new__`` and slot descriptors (the values are
already checked, so attrs' frozen ``__setattr__`` round trip buys nothing).  Slow paths call
:mod:`cognito_spec.codec.runtime`.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Final, Literal

import attrs

from cognito_spec import patterns
from cognito_spec.codec import runtime
from cognito_spec.codec.reach import holds_secret as _holds_secret
from cognito_spec.codec.reach import target as _target
from cognito_spec.codec.timestamps import FLOAT_WINDOW as _TS_WINDOW
from cognito_spec.codec.timestamps import decode_timestamp, timestamp_ok
from cognito_spec.codec.violations import ERROR_ENVELOPE_MEMBERS, Violation
from cognito_spec.errors import ArgumentTypeError
from cognito_spec.model import Shape, members_of, struct_info

__all__ = ["JSON_KIND", "Mode", "Source", "SourceWriter", "write_source"]

Mode = Literal["check", "strict", "build", "unbuild"]

#: Values of non-sensitive shapes up to this length may be remembered as valid, at most _MEMO_SIZE each.
_MEMO_MAX_LENGTH = 64
_MEMO_SIZE = 4096

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


class SourceWriter:
    MAX_INLINE_DEPTH = 6

    def __init__(self, mode: Mode) -> None:
        self.mode = mode
        self.lines: list[str] = []
        self.counter = 0
        self.lazy: dict[str, tuple[type, Mode]] = {}
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
        }

    def name(self, prefix: str, value: Any) -> str:
        self.counter += 1
        n = f"{prefix}{self.counter}"
        self.globals[n] = value
        return n

    def var(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    def emit(self, indent: int, line: str) -> None:
        self.lines.append("    " * indent + line)

    # -- check mode ------------------------------------------------------------------------------

    def violation(
        self,
        indent: int,
        path: str,
        kind: str,
        limit: str,
        value: str,
        shape: Shape,
        sensitive: bool,
        severity: str = "'error'",
    ) -> None:
        # A value whose shape reaches a sensitive member anywhere below (UserAttributes sent as an
        # object, a request body sent as an array of requests) may carry the secret under the wrong
        # shape: it is marked, so no message, report or exchange finding quotes it.
        below = ", holds_secret=True" if not sensitive and _holds_secret(shape) else ""
        self.emit(
            indent,
            f"out.append(_V({path}, {kind!r}, {limit}, {severity}, {value}, {sensitive}, {shape.name!r}{below}))",
        )

    def check_value(
        self, indent: int, var: str, path: str, shape: Shape, sens: bool, depth: int, counted: bool = False
    ) -> str:
        """Emit the checks of ``var``; in ``strict`` mode also build its value.  Returns the variable.

        In ``strict`` mode a violation leaves a placeholder in place of the value: the caller raises
        before anything built from a violating input is returned.  ``counted``: the caller already
        added this string to the string count (in bulk, which is cheaper than one by one).
        """
        build = self.mode == "strict"
        t = shape.type
        sens = sens or shape.sensitive
        if t == "document":
            self.emit(indent, "pass  # a document: any JSON value (the body's bounds still apply)")
            return var
        if t == "string":
            self.emit(indent, f"if type({var}) is not _str and not _isinstance({var}, _str):")
            self.violation(indent + 1, path, "type", "'string'", var, shape, sens)
            self.emit(indent, "else:")
            self.emit(indent + 1, "pass" if counted else "ns += 1")
            if shape.enum is not None:
                values = self.name("_E", frozenset(shape.enum))
                limit = self.name("_EL", shape.enum)
                self.emit(indent + 1, f"if {var} not in {values}:")
                self.violation(
                    indent + 2, path, "enum", limit, var, shape, sens, "'error' if strict else 'warning'"
                )
                if build and shape.enum_class is not None:
                    known = self.name("_EM", dict(shape.enum_class._value2member_map_))  # type: ignore[attr-defined]
                    self.emit(indent + 1, "else:")
                    self.emit(indent + 2, f"{var} = {known}[{var}]")
            fast = _fast_string_regex(shape)
            inner = indent + 1
            if fast is not None:
                # One match proves length and pattern together; the detailed checks run on failure.
                # Short values of non-sensitive shapes (attribute names) repeat from message to
                # message: a bounded set of values already proven valid skips even that match.
                # Sensitive values are never kept.
                if not sens and shape.length_max is not None and shape.length_max <= _MEMO_MAX_LENGTH:
                    memo = self.name("_OK", set())
                    self.emit(indent + 1, f"if {var} not in {memo}:")
                    self.emit(indent + 2, f"if {self.name('_F', fast.fullmatch)}({var}) is not None:")
                    self.emit(indent + 3, f"if _len({memo}) < {_MEMO_SIZE}:")
                    self.emit(indent + 4, f"{memo}.add({var})")
                    self.emit(indent + 2, "else:")
                    inner = indent + 3
                else:
                    self.emit(indent + 1, f"if {self.name('_F', fast.fullmatch)}({var}) is None:")
                    inner = indent + 2
                self.emit(inner, "pass")
            self.check_length(inner, var, path, shape, sens)
            if shape.pattern is not None:
                fm = self.name("_P", patterns.compile(shape.pattern).regex.fullmatch)
                self.emit(inner, f"if {fm}({var}) is None:")
                self.violation(inner + 1, path, "pattern", repr(shape.pattern), var, shape, sens)
            return var
        if t == "boolean":
            self.emit(indent, f"if {var} is not True and {var} is not False:")
            self.violation(indent + 1, path, "type", "'boolean'", var, shape, sens)
            return var
        if t in ("integer", "long"):
            self.emit(indent, f"if type({var}) is not _int:")
            self.violation(indent + 1, path, "type", "'integer'", var, shape, sens)
            self.check_range(indent, var, path, shape, sens)
            return var
        if t in ("float", "double"):
            self.emit(
                indent,
                f"if not (type({var}) is _float or type({var}) is _int or type({var}) is _Decimal"
                f" or {var} in ('NaN', 'Infinity', '-Infinity')):",
            )
            self.violation(indent + 1, path, "type", "'number'", var, shape, sens)
            self.check_range(indent, var, path, shape, sens)
            if build:
                self.emit(indent, "else:")
                self.emit(indent + 1, f"{var} = _float_of({var}, '')")
            return var
        if t == "timestamp":
            # The service's form (a float of this century) inline: decode_timestamp's first branch.
            self.emit(indent, f"if type({var}) is _float and {-_TS_WINDOW!r} < {var} < {_TS_WINDOW!r}:")
            self.emit(indent + 1, f"{var} = _fts({var}, _UTC)" if build else "pass")
            self.emit(indent, f"elif not _ts_ok({var}):")
            self.emit(indent + 1, f"if type({var}) in (_int, _float, _Decimal):")
            self.violation(indent + 2, path, "timestamp_range", "None", var, shape, sens)
            self.emit(indent + 1, "else:")
            self.violation(indent + 2, path, "type", "'number'", var, shape, sens)
            if build:
                self.emit(indent, "else:")
                self.emit(indent + 1, f"{var} = _ts({var})")
            return var
        if t == "blob":
            self.emit(indent, f"if type({var}) is not _str or not _b64ok({var}):")
            self.violation(indent + 1, path, "type", "'base64 string'", var, shape, sens)
            if build:
                self.emit(indent, "else:")
                self.emit(indent + 1, f"{var} = _blob({var}, '')")
            return var
        if t == "list":
            assert shape.member is not None
            acc = self.var("acc")
            self.emit(indent, f"if type({var}) is not _list:")
            self.violation(indent + 1, path, "type", "'array'", var, shape, sens)
            self.emit(indent, "else:")
            self.emit(indent + 1, "pass")
            self.check_length(indent + 1, var, path, shape, sens)
            i, item = self.var("i"), self.var("x")
            if build:
                self.emit(indent + 1, f"{acc} = []")
            strings = shape.member.type == "string"
            if strings:  # every item must be a string; a wrong one is a violation anyway
                self.emit(indent + 1, f"ns += _len({var})")
            self.emit(indent + 1, f"for {i}, {item} in _enumerate({var}):")
            item_path = _extend(path, i)
            self.emit(indent + 2, f"if {item} is None:")
            kind = repr(JSON_KIND[shape.member.type])
            self.violation(indent + 3, item_path, "type", kind, item, shape.member, sens)
            self.emit(indent + 2, "else:")
            out = self.check_value(indent + 3, item, item_path, shape.member, sens, depth + 1, strings)
            if build:
                self.emit(indent + 3, f"{acc}.append({out})")
                self.emit(indent + 1, f"{var} = _tuple({acc})")
            return var
        if t == "map":
            assert shape.key is not None and shape.value is not None
            acc = self.var("acc")
            self.emit(indent, f"if type({var}) is not _dict:")
            self.violation(indent + 1, path, "type", "'object'", var, shape, sens)
            self.emit(indent, "else:")
            self.emit(indent + 1, f"nk += _len({var})")
            self.check_length(indent + 1, var, path, shape, sens)
            k, v = self.var("k"), self.var("v")
            if build:
                self.emit(indent + 1, f"{acc} = {{}}")
            self.emit(indent + 1, f"for {k}, {v} in {var}.items():")
            item_path = _extend(path, k)
            # A map key is a key (counted above), not a string value: counted=True.
            kout = self.check_value(indent + 2, k, item_path, shape.key, sens, depth + 1, True)
            self.emit(indent + 2, f"if {v} is None:")
            kind = repr(JSON_KIND[shape.value.type])
            self.violation(indent + 3, item_path, "type", kind, v, shape.value, sens)
            self.emit(indent + 2, "else:")
            vout = self.check_value(indent + 3, v, item_path, shape.value, sens, depth + 1)
            if build:
                self.emit(indent + 3, f"{acc}[{kout}] = {vout}")
                self.emit(indent + 1, f"{var} = {acc}")
            return var
        if t == "structure":
            cls = _target(shape)
            if depth >= self.MAX_INLINE_DEPTH:
                fn = self.lazy_call(cls)
                if build:
                    self.emit(indent, f"{var} = {fn}({var}, {path}, out, strict, cnt)")
                else:
                    self.emit(indent, f"{fn}({var}, {path}, out, strict, cnt)")
                return var
            return self.check_structure(indent, var, path, cls, depth)
        raise AssertionError(t)  # pragma: no cover - the generator rejects other types

    def check_length(self, indent: int, var: str, path: str, shape: Shape, sens: bool) -> None:
        if not shape.length_min and shape.length_max is None:
            return
        if not shape.length_min:
            self.emit(indent, f"if _len({var}) > {shape.length_max}:")
            self.violation(indent + 1, path, "length_max", str(shape.length_max), var, shape, sens)
            return
        self.emit(indent, f"n = _len({var})")
        if shape.length_min:
            self.emit(indent, f"if n < {shape.length_min}:")
            self.violation(indent + 1, path, "length_min", str(shape.length_min), var, shape, sens)
        if shape.length_max is not None:
            self.emit(indent, f"if n > {shape.length_max}:")
            self.violation(indent + 1, path, "length_max", str(shape.length_max), var, shape, sens)

    def check_range(self, indent: int, var: str, path: str, shape: Shape, sens: bool) -> None:
        for bound, op, kind in ((shape.range_min, "<", "range_min"), (shape.range_max, ">", "range_max")):
            if bound is not None:
                self.emit(indent, f"elif type({var}) is not _str and {var} {op} {bound!r}:")
                self.violation(indent + 1, path, kind, repr(bound), var, shape, sens)

    def check_structure(self, indent: int, var: str, path: str, cls: type, depth: int) -> str:
        info = struct_info(cls)
        assert info is not None
        build = self.mode == "strict"
        members = members_of(cls)
        wires = {m.wire for _, m in members}
        if info.role == "error":
            wires.update(ERROR_ENVELOPE_MEMBERS)
        known = self.name("_K", frozenset(wires))
        obj = self.var("o")
        if build:
            self.emit(indent, f"{obj} = None")
        self.emit(indent, f"if type({var}) is not _dict:")
        self.violation(indent + 1, path, "type", "'object'", var, _struct_shape(cls), False)
        self.emit(indent, "else:")
        indent += 1
        all_strings = all(m.shape.type == "string" for _, m in members)
        n = self.var("n")
        self.emit(indent, f"{n} = _len({var})")
        self.emit(indent, f"nk += {n}")
        if all_strings:
            # Every known member is a string: each key is counted as a string value too, in bulk,
            # and corrected where it holds none.  body.keys_unique needs the string count exact,
            # never high: a key present as null holds no string (uncorrected, two nulls cancelled
            # the quotes of a dropped "k":"v" pair and a repeated key went unreported), nor does an
            # envelope member (__type) holding anything but a string.  Unknown members and wrong
            # types are violations, after which the exact scan runs anyway.
            self.emit(indent, f"ns += {n}")
            if info.role == "error":
                for env in ERROR_ENVELOPE_MEMBERS:
                    self.emit(indent, f"if type({var}.get({env!r}, '')) is not _str:")
                    self.emit(indent + 1, "ns -= 1")
        # Every member is read first.  When as many of them hold a value as the object has keys,
        # none of its keys is unknown (the keys read are distinct); otherwise (a null, an envelope
        # member, an unknown key) the set test decides.  The count costs a few comparisons where the
        # set test is a method call per object.
        got = [(name, m, self.var("m")) for name, m in members]
        for _, m, v in got:
            self.emit(indent, f"{v} = {var}.get({m.wire!r})")
        unknown = f"not {known}.issuperset({var})"
        if got:
            found = " + ".join(f"({v} is not None)" for _, _, v in got)
            unknown = f"{n} != {found} and {unknown}"
        self.emit(indent, f"if {unknown}:")
        self.emit(indent + 1, f"_unknown({var}, {known}, {path}, out, strict, {info.name!r})")
        if build:
            self.emit(indent, f"{obj} = {self.new_expr(cls)}")
        for name, m, v in got:
            mpath = _extend(path, repr(m.wire))
            self.emit(indent, f"if {v} is not None:")
            out = self.check_value(indent + 1, v, mpath, m.shape, m.sensitive, depth + 1, all_strings)
            if build and out != v:
                self.emit(indent + 1, f"{v} = {out}")
            if m.required or all_strings:
                self.emit(indent, "else:")
                if all_strings:  # absent, or present as null: only the second was counted
                    self.emit(indent + 1, f"if {m.wire!r} in {var}:")
                    self.emit(indent + 2, "ns -= 1")
                if m.required:
                    self.violation(indent + 1, mpath, "required", "None", "None", m.shape, m.sensitive)
            if build:
                setter = self.name("_S", cls.__dict__[name].__set__)
                self.emit(indent, f"{setter}({obj}, {v})")
        return obj

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


def _fast_string_regex(shape: Shape) -> re.Pattern[str] | None:
    """For ``[class]+`` patterns with lengths: one expression checking both (``[class]{min,max}``)."""
    if shape.pattern is None or shape.enum is not None:
        return None
    single = patterns.compile(shape.pattern).single_class
    if single is None:
        return None
    ranges, lo, hi = single
    lo = max(lo, shape.length_min or 0)
    if shape.length_max is not None:
        hi = shape.length_max if hi is None else min(hi, shape.length_max)
    if hi is not None and hi < lo:
        return None
    cls = patterns.python_class(ranges)
    return re.compile(f"{cls}{{{lo},{'' if hi is None else hi}}}", re.DOTALL)


def _extend(path: str, item: str) -> str:
    """Source of a path tuple one item longer (paths are only built when a violation is recorded)."""
    if path == "path":
        return f"(*path, {item})"
    return f"({path[1:-1]}, {item})"


def _struct_shape(cls: type) -> Shape:
    info = struct_info(cls)
    assert info is not None
    return Shape(name=info.name, type="structure", target=info.name)


@attrs.frozen
class Source:
    """The text of one compiled function and what it needs: its globals, and the structures it calls
    lazily (name -> (class, mode)) to break recursion between structures."""

    text: str
    globals: dict[str, Any]
    lazy: dict[str, tuple[type, Mode]]


def write_source(cls: type, mode: Mode) -> Source:
    """The source of the ``mode`` function of a generated class (a function named ``mode``)."""
    if struct_info(cls) is None:
        raise ArgumentTypeError(f"{cls!r} is not a cognito_spec shape class")
    w = SourceWriter(mode)
    if mode in ("check", "strict"):
        # nk and ns count the object keys and string values seen, for body.keys_unique.
        w.emit(0, f"def {mode}(data, path, out, strict, cnt):")
        w.emit(1, "nk = ns = 0")
        result = w.check_structure(1, "data", "path", cls, 0)
        w.emit(1, "cnt[0] += nk")
        w.emit(1, "cnt[1] += ns")
        if mode == "strict":
            w.emit(1, f"return {result}")
    elif mode == "build":
        w.emit(0, "def build(data):")
        result = w.build_structure(1, "data", cls, 0)
        w.emit(1, f"return {result}")
    else:
        w.emit(0, "def unbuild(data):")
        result = w.unbuild_structure(1, "data", cls, 0)
        w.emit(1, f"return {result}")
    # Hot names become keyword defaults, so the body reads them as fast locals.
    hot = sorted(
        n
        for n in w.globals
        if n.startswith(("_S", "_P", "_F", "_K", "_C", "_E", "_len", "_str", "_fts", "_UTC"))
    )
    w.lines[0] = w.lines[0][:-2] + "".join(f", {n}={n}" for n in hot) + "):"
    return Source("\n".join(w.lines) + "\n", w.globals, w.lazy)
