"""The source writer: Python text of a class's checker, builder or unbuilder, from its field metadata.

One walker over a class's members writes Python source in four modes (what each function does is
described in :mod:`cognito_spec.codec.compile`, which compiles and caches them):

``check`` / ``strict``
    ``(data, path, out, strict, cnt)``: a violation appended to ``out`` per broken constraint, the
    object keys and string values visited added to ``cnt[0]`` and ``cnt[1]``; ``strict`` also builds,
    and takes ``size``: no string or collection in ``data`` is longer (the parsed body's length in
    bytes, as a UTF-8 character takes one byte at least; -1 when unknown).
``build`` / ``unbuild``
    ``build(data)`` wire value to objects (JSON types checked, nothing else); ``unbuild(obj)`` back.

The code is flat: nested structures are inlined up to a depth, paths are only built when a
violation is recorded, objects are made with ``object.__new__`` and slot descriptors (the values are
already checked, so attrs' frozen ``__setattr__`` round trip buys nothing).  Slow paths call
:mod:`cognito_spec.codec.runtime`.
"""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Callable
from typing import Any, Final

import attrs

from cognito_spec import patterns
from cognito_spec.codec import builders
from cognito_spec.codec.builders import (
    JSON_KIND,
    BuildWriter,
    Mode,
    extend_path,
    fast_string_regex,
    struct_shape,
    without_idle_passes,
)
from cognito_spec.codec.reach import holds_secret as _holds_secret
from cognito_spec.codec.reach import target as _target
from cognito_spec.codec.timestamps import FLOAT_WINDOW as _TS_WINDOW
from cognito_spec.codec.violations import ERROR_ENVELOPE_MEMBERS
from cognito_spec.errors import ArgumentTypeError
from cognito_spec.model import Shape, members_of, struct_info

__all__ = ["JSON_KIND", "Mode", "Source", "SourceWriter", "write_source"]

#: Values of non-sensitive shapes up to this length may be remembered as valid, at most _MEMO_SIZE each.
_MEMO_MAX_LENGTH = 64
_MEMO_SIZE = 4096


#: How a structure item records a null (:meth:`SourceWriter.check_item`): a writer of the
#: collection's violation at an indent, and the ``within`` it records.
Null = tuple[Callable[[int], None], tuple[str, str | None] | None]


class SourceWriter(BuildWriter):
    """The writer of all four modes: the ``check``/``strict`` modes here, the rest in
    :class:`~cognito_spec.codec.builders.BuildWriter`."""

    null: Null | None = None

    def __init__(self, mode: Mode) -> None:
        super().__init__(mode)
        self.memos: dict[int, str] = {}
        self.sizes: set[int] = set()  # the length_max bounds tested alone (check_length)
        self.uses_nb = False
        # Violation sites by what they fix: a site written twice (a member's two branches) is one.
        self.sites: dict[tuple[Any, ...], str] = {}

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
        # What the site fixes is one tuple of the namespace (runtime.violation_at); its line names
        # the path, the value and what is known only at run time (severity, whole).
        spec = self.globals[self.shape_ref(shape)]
        within = whole = None
        if self.within is not None:
            within, whole = self.globals[self.within[0]], self.within[1]
            if sensitive:
                whole = None
        # A path of member names below the function's own is fixed too; one with an index or a
        # map key is written out.
        suffix = _fixed_suffix(path)
        if suffix is not None:
            path = "path"
        key = (kind, limit, sensitive, shape.name, id(spec), id(within), suffix)
        site = self.sites.get(key)
        if site is None:
            value_of = self.globals[limit] if limit in self.globals else _literal(limit)
            fixed = (
                kind,
                value_of,
                sensitive,
                shape.name,
                not sensitive and _holds_secret(shape),
                spec,
                within,
                suffix or (),
            )
            site = self.sites[key] = self.name("_X", fixed)
        more = "" if whole is None else f", {severity}, {whole}"
        if not more and severity != "'error'":
            more = f", {severity}"
        self.emit(indent, f"out.append(_W({path}, {site}, {value}{more}))")

    def enter_collection(self, var: str, shape: Shape, sens: bool) -> tuple[str, str | None] | None:
        """Record ``var`` as the collection member whose items are checked next; returns the old state."""
        saved = self.within
        if saved is None:
            secret = sens or _holds_secret(shape)
            self.within = (self.shape_ref(shape), None if secret else var)
        return saved

    def check_value(
        self,
        indent: int,
        var: str,
        path: str,
        shape: Shape,
        sens: bool,
        depth: int,
        counted: bool = False,
        null: Null | None = None,
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
            self.string_body(indent + 1, var, path, shape, sens, counted)
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
            sized = bool(shape.length_min) or shape.length_max is not None
            if sized or build:
                self.emit(indent, "else:")
                self.emit(indent + 1, "pass")
            if sized:
                # The length of a blob counts the decoded bytes; valid base64 (checked above) has a
                # length divisible by 4 and at most two '=' at its end.
                self.emit(indent + 1, f"n = _len({var}) // 4 * 3 - {var}[-2:].count('=')")
                if shape.length_min:
                    self.emit(indent + 1, f"if n < {shape.length_min}:")
                    self.violation(indent + 2, path, "length_min", str(shape.length_min), var, shape, sens)
                if shape.length_max is not None:
                    self.emit(indent + 1, f"if n > {shape.length_max}:")
                    self.violation(indent + 2, path, "length_max", str(shape.length_max), var, shape, sens)
            if build:
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
            # Built, an item's index is the number of items appended before it (a null one too),
            # read only when a path is made: no (index, item) tuple per item.
            item, i = self.var("x"), f"_len({acc})" if build else self.var("i")
            strings = shape.member.type == "string"
            if strings:  # every item must be a string; a wrong one is a violation anyway
                self.emit(indent + 1, f"ns += _len({var})")
            if build:
                self.emit(indent + 1, f"{acc} = []")
            self.emit(
                indent + 1, f"for {item} in {var}:" if build else f"for {i}, {item} in _enumerate({var}):"
            )
            item_path = extend_path(path, i)
            saved = self.enter_collection(var, shape, sens)
            inner = self.check_item(indent + 2, item, item_path, shape.member, sens, depth + 1, strings)
            out = self.check_value(inner, item, item_path, shape.member, sens, depth + 1, strings, self.null)
            self.within = saved
            if build:
                self.emit(indent + 2, f"{acc}.append({out})")
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
            # Keys in paths are marked (MapKey for the key itself, MapEntry for the value at it):
            # equal to the key, but the service's message tells them from member names.
            key_path, item_path = extend_path(path, f"_KK({k})"), extend_path(path, f"_MK({k})")
            saved = self.enter_collection(var, shape, sens)
            # A map key is a key (counted above), not a string value: counted=True.
            kout = self.check_value(indent + 2, k, key_path, shape.key, sens, depth + 1, True)
            inner = self.check_item(indent + 2, v, item_path, shape.value, sens, depth + 1)
            vout = self.check_value(inner, v, item_path, shape.value, sens, depth + 1, False, self.null)
            self.within = saved
            if build:
                self.emit(inner, f"{acc}[{kout}] = {vout}")
                self.emit(indent + 1, f"{var} = {acc}")
            return var
        if t == "structure":
            cls = _target(shape)
            if depth >= self.MAX_INLINE_DEPTH:
                fn = self.lazy_call(cls)
                first = self.var("first")
                if sens:
                    self.emit(indent, f"{first} = _len(out)")
                if build:
                    self.emit(indent, f"{var} = {fn}({var}, {path}, out, strict, cnt)")
                else:
                    self.emit(indent, f"{fn}({var}, {path}, out, strict, cnt)")
                if sens:
                    # Everything inside a sensitive structure is sensitive (UserContextDataType):
                    # the class's own checker does not know it was reached through one.
                    self.emit(indent, f"for {first} in range({first}, _len(out)):")
                    self.emit(indent + 1, f"out[{first}] = _evolve(out[{first}], sensitive=True)")
                return var
            return self.check_structure(indent, var, path, cls, depth, sens, null)
        raise AssertionError(t)  # pragma: no cover - the generator rejects other types

    def check_item(
        self, indent: int, var: str, path: str, shape: Shape, sens: bool, depth: int, counted: bool = False
    ) -> int:
        """Deal with a null item of a collection (``var`` of ``shape``); returns the indent its checks
        go at, and sets :attr:`null` for the structure checks (None when it is dealt with here).

        A null item gets the collection's ``type`` violation.  For most shapes that is exactly the
        violation the item's own type test records for ``None`` (the same path, limit, value,
        shape and ``within``), so no test of its own is written: the item pays one type test, not
        two.  A structure records another one for a non-object (its own shape, no ``within``):
        its type test tells a null apart on its slow path (``null``).  A document takes any value
        but null, and a structure called (not inlined) checks alone: they test first.
        """
        kind = repr(JSON_KIND[shape.type])
        self.null = None
        if shape.type == "structure" and depth < self.MAX_INLINE_DEPTH:
            within = self.within

            def violation(at: int) -> None:
                self.violation(at, path, "type", kind, var, shape, sens)

            self.null = (violation, within)
            return indent
        if shape.type in ("structure", "document"):
            self.emit(indent, f"if {var} is None:")
            self.violation(indent + 1, path, "type", kind, var, shape, sens)
            self.emit(indent, "else:")
            return indent + 1
        return indent

    def string_body(
        self, indent: int, var: str, path: str, shape: Shape, sens: bool, counted: bool, exact: bool = False
    ) -> None:
        """The checks of a value known to be a ``str`` (``exact``: an exact one; else it may be a
        subclass, whose own methods are not trusted: see :meth:`fast_string_test`)."""
        build = self.mode == "strict"
        self.emit(indent, "pass" if counted else "ns += 1")
        if shape.enum is not None:
            values = self.name("_E", frozenset(shape.enum))
            limit = self.name("_EL", shape.enum)
            self.emit(indent, f"if {var} not in {values}:")
            self.violation(
                indent + 1, path, "enum", limit, var, shape, sens, "'error' if strict else 'warning'"
            )
            if build and shape.enum_class is not None:
                known = self.name("_EM", dict(shape.enum_class._value2member_map_))  # type: ignore[attr-defined]
                self.emit(indent, "else:")
                self.emit(indent + 1, f"{var} = {known}[{var}]")
        fast = self.fast_string_test(var, shape, exact)
        inner = indent
        if fast is not None:
            # One test proves length and pattern together; the detailed checks run on failure.
            # Short values of non-sensitive shapes (attribute names) repeat from message to
            # message: a bounded set of values already proven valid skips even that test.
            # Sensitive values are never kept.
            if not sens and shape.length_max is not None and shape.length_max <= _MEMO_MAX_LENGTH:
                # One set per shape and function (a member's two branches share it).
                memo = self.memos.get(id(shape)) or self.memos.setdefault(id(shape), self.name("_OK", set()))
                self.emit(indent, f"if {var} not in {memo}:")
                self.emit(indent + 1, f"if {fast}:")
                self.emit(indent + 2, f"if _len({memo}) < {_MEMO_SIZE}:")
                self.emit(indent + 3, f"{memo}.add({var})")
                self.emit(indent + 1, "else:")
                inner = indent + 2
            else:
                self.emit(indent, f"if not ({fast}):")
                inner = indent + 1
            self.emit(inner, "pass")
        self.check_length(inner, var, path, shape, sens)
        if shape.pattern is not None:
            # Behind a fast test, asked only of a value that test refused: compiled at that call.
            p = shape.pattern
            # _Q (behind the fast test, a slow path) stays a global; _P (the only test) is hot.
            fm = (
                self.name("_Q", builders.lazy_pattern(p))
                if fast is not None
                else self.name("_P", patterns.compile(p).regex.fullmatch)
            )
            self.emit(inner, f"if {fm}({var}) is None:")
            self.violation(inner + 1, path, "pattern", repr(shape.pattern), var, shape, sens)

    def check_exact(self, indent: int, var: str, path: str, shape: Shape, sens: bool, counted: bool) -> None:
        """The checks of ``var`` once :func:`~cognito_spec.codec.builders.accept_test` passed: what :meth:`check_value` does after
        its own type test, for that type (the same checks, the same order)."""
        t = shape.type
        sens = sens or shape.sensitive
        if t == "string":
            self.string_body(indent, var, path, shape, sens, counted, True)
        elif t in ("integer", "long"):
            self.emit(indent, "pass")
            self.check_range(indent, var, path, shape, sens, "if")
        elif t == "timestamp" and self.mode == "strict":
            self.emit(indent, f"{var} = _fts({var}, _UTC)")
        else:
            self.emit(indent, "pass")

    def fast_string_test(self, var: str, shape: Shape, exact: bool = False) -> str | None:
        """An expression true exactly when the string ``var`` has the length and the pattern of
        ``shape``, for ``[class]+``-like patterns (None for others).

        For an exact ``str`` of ASCII characters, C string methods decide: the length, then the
        class (:func:`~cognito_spec.codec.builders.ascii_class_test`).  Any other value (non-ASCII
        text, a ``str`` subclass, whose methods may be overridden) goes to one ``re`` match of
        ``[class]{min,max}``, the same expression as before, which the tests keep as the oracle.
        """
        fast = fast_string_regex(shape)
        if fast is None:
            return None
        regex, ranges, lo, hi = fast
        match = f"{self.name('_F', regex)}({var}) is not None"
        allowed = patterns.ascii_bytes(ranges)
        if not allowed:
            return match
        if lo and hi is not None:
            size = f"{lo} <= _len({var}) <= {hi} and "
        elif lo:
            size = f"_len({var}) >= {lo} and "
        elif hi is not None:
            size = f"_len({var}) <= {hi} and "
        else:
            size = ""
        test = builders.ascii_class_test(var, allowed, self.name("_AB", allowed))
        if exact:  # var is known to be an exact str
            return f"({size}{test}) if {var}.isascii() else {match}"
        return f"({size}{test}) if type({var}) is _str and {var}.isascii() else {match}"

    def check_length(self, indent: int, var: str, path: str, shape: Shape, sens: bool) -> None:
        if not shape.length_min and shape.length_max is None:
            return
        if shape.length_max is not None and not shape.length_min:
            # Strict, a bound no value of a body of ``size`` bytes can break is not tested (w<max>).
            self.sizes.add(shape.length_max)
            bound = f"w{shape.length_max} and " if self.mode == "strict" else ""
            self.emit(indent, f"if {bound}_len({var}) > {shape.length_max}:")
            self.violation(indent + 1, path, "length_max", str(shape.length_max), var, shape, sens)
            return
        self.emit(indent, f"n = _len({var})")
        self.emit(indent, f"if n < {shape.length_min}:")
        self.violation(indent + 1, path, "length_min", str(shape.length_min), var, shape, sens)
        if shape.length_max is not None:
            self.emit(indent, f"if n > {shape.length_max}:")
            self.violation(indent + 1, path, "length_max", str(shape.length_max), var, shape, sens)

    def check_range(
        self, indent: int, var: str, path: str, shape: Shape, sens: bool, first: str = "elif"
    ) -> None:
        """The range tests, chained to the type test just written (``first="if"``: they begin a chain)."""
        for bound, op, kind in ((shape.range_min, "<", "range_min"), (shape.range_max, ">", "range_max")):
            if bound is not None:
                self.emit(indent, f"{first} type({var}) is not _str and {var} {op} {bound!r}:")
                self.violation(indent + 1, path, kind, repr(bound), var, shape, sens)
                first = "elif"

    def check_structure(
        self,
        indent: int,
        var: str,
        path: str,
        cls: type,
        depth: int,
        sens: bool = False,
        null: Null | None = None,
    ) -> str:
        """Emit the checks of a structure; ``sens``: it is reached through a sensitive member or shape,
        so every member below is sensitive too (UserContextDataType's IpAddress).  ``null``: the
        value is an item of a collection, and this emits the collection's violation for a null item
        (see :meth:`check_item`)."""
        saved, self.within = self.within, None
        obj = self._check_structure(indent, var, path, cls, depth, sens, null)
        self.within = saved
        return obj

    def _check_structure(
        self, indent: int, var: str, path: str, cls: type, depth: int, sens: bool, null: Null | None
    ) -> str:
        info = struct_info(cls)
        assert info is not None
        build = self.mode == "strict"
        members = members_of(cls)
        wires = {m.wire for _, m in members}
        if info.role == "error":
            wires.update(ERROR_ENVELOPE_MEMBERS)
        known = self.name("_K", frozenset(wires))
        obj = self.var("o")
        self.emit(indent, f"if type({var}) is not _dict:")
        if build:
            self.emit(indent + 1, f"{obj} = None")
        if null is not None:
            # A null item of a collection: the collection's violation (with its ``within``), told
            # apart here, on the slow path, instead of by a test of every item before this one.
            self.emit(indent + 1, f"if {var} is None:")
            self.within = null[1]
            null[0](indent + 2)
            self.within = None
            self.emit(indent + 1, "else:")
            self.violation(indent + 2, path, "type", "'object'", var, struct_shape(cls), False)
        else:
            self.violation(indent + 1, path, "type", "'object'", var, struct_shape(cls), False)
        self.emit(indent, "else:")
        indent += 1
        all_strings = all(m.shape.type == "string" for _, m in members)
        n = self.var("n")
        self.emit(indent, f"{n} = _len({var})")
        # Every known member a string (all_strings): each key is counted as a string value too, in
        # bulk (nb: added to both counts at the end), and corrected where it holds none.
        # body.keys_unique needs the string count exact, never high: a key present as null holds
        # no string (uncorrected, two nulls cancelled the quotes of a dropped "k":"v" pair and a
        # repeated key went unreported), nor does an envelope member (__type) holding anything but
        # a string.  Unknown members and wrong types are violations, after which the exact scan
        # runs anyway.
        if all_strings:
            self.emit(indent, f"nb += {n}")
            self.uses_nb = True
        else:
            self.emit(indent, f"nk += {n}")
        if all_strings and info.role == "error":
            for env in ERROR_ENVELOPE_MEMBERS:
                self.emit(indent, f"if type({var}.get({env!r}, '')) is not _str:")
                self.emit(indent + 1, "ns -= 1")
        # Every member is read first.  Each one holding no value (absent, or null) adds one to the
        # object's key count; when the sum is the number of members, each member holding a value
        # is one key and there is no other, so none of its keys is unknown (the keys read are
        # distinct); otherwise (a null, an envelope member, an unknown key) the set test decides,
        # after the members.  The unknown members' violations are then put where the members' own
        # begin (``first``), so the list reads as if they had been looked for first.  Counting
        # the members without a value costs nothing when every member is there (the common case);
        # a decrement per member present cost 0.03 x json.loads on the strict AdminGetUser decode,
        # a sum of comparisons per object more, and the set test is a method call per object.
        got = [(name, m, self.var("m")) for name, m in members]
        for _, m, v in got:
            self.emit(indent, f"{v} = {var}.get({m.wire!r})")
        # Built and inlined, an object finds where its violations begin only if it has unknown
        # members (runtime.unknown_members_below): one _len(out) less per object.
        first, below = self.var("first"), build and depth > 0
        if not below:
            self.emit(indent, f"{first} = _len(out)")
        if build:
            self.emit(indent, f"{obj} = {self.new_expr(cls)}")
        for name, m, v in got:
            mpath = extend_path(path, repr(m.wire))
            msens = m.sensitive or sens
            accept = builders.accept_test(v, m.shape)
            if accept is not None:
                # A scalar of its usual exact type (a str, an int...) is told from an absent member
                # and from anything else by one test, not two; the rest go the general way below.
                self.emit(indent, f"if {accept}:")
                self.check_exact(indent + 1, v, mpath, m.shape, msens, all_strings)
                self.emit(indent, f"elif {v} is not None:")
            else:
                self.emit(indent, f"if {v} is not None:")
            out = self.check_value(indent + 1, v, mpath, m.shape, msens, depth + 1, all_strings)
            if build and out != v:
                self.emit(indent + 1, f"{v} = {out}")
            self.emit(indent, "else:")
            self.emit(indent + 1, f"{n} += 1")
            if all_strings:  # absent, or present as null: only the second was counted
                self.emit(indent + 1, f"if {m.wire!r} in {var}:")
                self.emit(indent + 2, "ns -= 1")
            if m.required:
                self.violation(indent + 1, mpath, "required", "None", "None", m.shape, msens)
            if build:
                self.set_member(indent, obj, cls, name, v)
        if build:
            self.finish(indent, obj, cls)
        self.emit(indent, f"if {n} != {len(members)} and not {known}.issuperset({var}):")
        call = f"_unknown_below({var}, {known}, {path}" if below else f"_unknown({var}, {known}, {path}"
        self.emit(indent + 1, f"{call}, out, strict, {info.name!r}{'' if below else ', ' + first})")
        return obj


#: The value of a literal's source (a violation's limit), parsed once.
_literal: Final[Callable[[str], Any]] = functools.cache(ast.literal_eval)

_SUFFIX: Final = re.compile(r"\(\*path, (.+)\)")


@functools.cache
def _fixed_suffix(path: str) -> tuple[Any, ...] | None:
    """The items a path's source adds to the function's ``path`` when all are literals (``()`` for
    ``path`` itself), else None."""
    if path == "path":
        return ()
    found = _SUFFIX.fullmatch(path)
    if found is None:
        return None
    try:
        items = ast.literal_eval(f"({found.group(1)},)")
    except (ValueError, SyntaxError):
        return None  # an index or a map key, known at run time
    return items if type(items) is tuple else None


_IDENTIFIER = re.compile(r"\b_\w+")
#: Prefixes of names the slow paths alone read, though a prefix of _HOT's kind begins them.
_COLD: Final = ("_SH", "_EL", "_KK", "_Q")
#: Names every mode's hot path may call (see write_source).
_HOT = frozenset(
    {
        "_len", "_str", "_fts", "_UTC", "_object_new", "_dict", "_list", "_tuple", "_enumerate",
        "_int", "_float", "_Decimal", "_isinstance", "_ts", "_ts_ok", "_ets", "_b64", "_blob",
        "_b64ok", "_float_of", "_unknown", "_unknown_below",
    }
)  # fmt: skip


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
        w.emit(0, f"def {mode}(data, path, out, strict, cnt{', size=-1' if mode == 'strict' else ''}):")
        w.emit(1, "nk = ns = 0")
        result = w.check_structure(1, "data", "path", cls, 0)
        if mode == "strict":  # each w<max>: a string or collection of data may be longer than max
            w.lines[2:2] = [f"    w{m} = size < 0 or size > {m}" for m in sorted(w.sizes)]
        if w.uses_nb:
            w.lines[1] = "    nk = ns = nb = 0"
            w.emit(1, "cnt[0] += nk + nb")
            w.emit(1, "cnt[1] += ns + nb")
        else:
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
    # Hot names become keyword defaults, so the body reads them as fast locals (a global read costs
    # a dictionary-version check more; measured 0.1 x json.loads on the strict AdminGetUser decode,
    # 0.2 x on its build).  Names of the slow paths stay globals: what only a violation reads (the
    # shape refs _SH, the enum lists _EL, the map-key path items _KK) and the patterns behind a fast
    # test (_Q).  A default costs every call, used or not: it is copied into the frame and released
    # with it (0.4 % of the strict AdminGetUser decode, callgrind).
    w.lines = without_idle_passes(w.lines)
    body = "\n".join(w.lines[1:])
    used = set(_IDENTIFIER.findall(body))
    hot = sorted(
        n
        for n in (*w.globals, *w.lazy)
        if n in used
        and (n in _HOT or n.startswith(("_S", "_P", "_F", "_K", "_C", "_B", "_E", "_AB", "_OK", "_L")))
        and not n.startswith(_COLD)
    )
    w.lines[0] = w.lines[0][:-2] + "".join(f", {n}={n}" for n in hot) + "):"
    return Source("\n".join(w.lines) + "\n", w.globals, w.lazy)
