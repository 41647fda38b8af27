"""The one module that understands the regular-expression dialect of the AWS service model.

The model's ``pattern`` traits are Java ``java.util.regex`` expressions, and the service applies them
to the *whole* value (``Matcher.matches()``).  Python's ``re`` differs in every way that matters here:

* it cannot compile ``\\p{L}`` and friends;
* its ``\\w``, ``\\d`` and ``\\s`` are Unicode-aware, while Java's default classes are ASCII;
* its ``$`` also matches before a trailing newline, so ``re.match(p + "$")`` accepts ``"alice\\n"``;
* its ``.`` excludes only ``\\n``, Java's excludes every line terminator.

This module parses a pattern once into a small syntax tree and emits it for the two engines we need:

* ``Pattern.python``: stdlib ``re`` source in which every class is spelled out as explicit code point
  ranges (from the generated ``_unicode_tables`` module, pinned to :data:`UNICODE_VERSION`).  Measured
  on the model's patterns, stdlib ``re`` with spelled-out classes beats the third-party ``regex``
  module by a wide margin, so ``re`` is the run-time engine and ``regex`` stays a test oracle.
* ``Pattern.ecma``: ECMA-262 source (``u`` flag semantics) anchored with ``^(?:...)$``, for JSON
  Schema's ``pattern`` keyword.  Unicode properties stay symbolic (``\\p{L}``), shorthand classes whose
  meaning differs between Java and ECMA are spelled out.

:func:`compile_ecma` reads the ECMA subset back, so that a JSON Schema validator can check the
``pattern`` keyword of our own schemas with Java semantics (see :mod:`cognito_spec.schema`).

Unsupported syntax raises :class:`PatternError`; ``re.error`` never escapes from here.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import Literal

import attrs

from cognito_spec.errors import PatternError
from cognito_spec.patterns._unicode_tables import CATEGORIES, UNICODE_VERSION

__all__ = [
    "UNICODE_VERSION",
    "Pattern",
    "PatternError",
    "compile",
    "compile_ecma",
    "complement_ranges",
    "intersect_ranges",
    "merge_ranges",
]

Dialect = Literal["java", "ecma"]
Ranges = tuple[tuple[int, int], ...]

MAX_CODE_POINT = 0x10FFFF


# --------------------------------------------------------------------------------------------------
# Code point sets as sorted, merged, inclusive ranges.


def _merge(ranges: Iterable[tuple[int, int]]) -> Ranges:
    out: list[tuple[int, int]] = []
    for lo, hi in sorted(ranges):
        if out and lo <= out[-1][1] + 1:
            if hi > out[-1][1]:
                out[-1] = (out[-1][0], hi)
        else:
            out.append((lo, hi))
    return tuple(out)


def _complement(ranges: Ranges) -> Ranges:
    out: list[tuple[int, int]] = []
    nxt = 0
    for lo, hi in ranges:
        if lo > nxt:
            out.append((nxt, lo - 1))
        nxt = hi + 1
    if nxt <= MAX_CODE_POINT:
        out.append((nxt, MAX_CODE_POINT))
    return tuple(out)


def _intersect(a: Ranges, b: Ranges) -> Ranges:
    out: list[tuple[int, int]] = []
    i = j = 0
    while i < len(a) and j < len(b):
        lo, hi = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if lo <= hi:
            out.append((lo, hi))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return tuple(out)


#: Set algebra on sorted, merged code point ranges, for the generators that build strings from a
#: pattern's classes (the one place that knows code point sets is this module).
merge_ranges = _merge
complement_ranges = _complement
intersect_ranges = _intersect


def _chars(text: str) -> Ranges:
    return _merge((ord(c), ord(c)) for c in text)


# Java's predefined classes without UNICODE_CHARACTER_CLASS are ASCII.  ECMA's \s is Unicode white
# space, so we never emit a bare \s for ECMA: it is spelled out from these sets.
_JAVA_SPACE = _chars(" \t\n\x0b\f\r")
_ECMA_SPACE = _merge(
    [*_chars(" \t\n\x0b\f\r\xa0\u1680\u2028\u2029\u202f\u205f\u3000\ufeff"), (0x2000, 0x200A)]
)
_DIGIT = ((0x30, 0x39),)
_WORD = _merge([(0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A)])
# What "." does not match without DOTALL.
_JAVA_LINE_TERMINATORS = _chars("\n\r\u0085\u2028\u2029")
_ECMA_LINE_TERMINATORS = _chars("\n\r\u2028\u2029")


def _category(name: str) -> Ranges:
    try:
        return CATEGORIES[name]
    except KeyError:
        raise PatternError(f"unsupported Unicode property \\p{{{name}}}") from None


# --------------------------------------------------------------------------------------------------
# Syntax tree.


@attrs.frozen
class CharSet:
    """A set of code points, with the ECMA spelling of the class it came from."""

    ranges: Ranges
    ecma: str


@attrs.frozen
class Seq:
    items: tuple[Node, ...]


@attrs.frozen
class Alt:
    options: tuple[Node, ...]


@attrs.frozen
class Group:
    node: Node
    capturing: bool


@attrs.frozen
class Repeat:
    node: Node
    min: int
    max: int | None
    lazy: bool = False


@attrs.frozen
class Anchor:
    kind: Literal["start", "end"]


@attrs.frozen
class Look:
    kind: Literal["=", "!", "<=", "<!"]
    node: Node


Node = CharSet | Seq | Alt | Group | Repeat | Anchor | Look


# --------------------------------------------------------------------------------------------------
# Parser.  One parser serves both dialects; where they differ (\s, ".", what may be escaped) the
# dialect argument decides.

_SPECIAL_OUTSIDE = set("\\^$.|?*+()[]{}")
_ECMA_SYNTAX = set("^$\\.*+?()[]{}|/")
_ECMA_CONTROL = {"\t": "\\t", "\n": "\\n", "\r": "\\r", "\f": "\\f", "\v": "\\v"}


def _ecma_char(cp: int, in_class: bool) -> str:
    ch = chr(cp)
    if ch == "-":  # u-mode allows "\\-" inside a class only
        return "\\-" if in_class else "-"
    if ch in _ECMA_SYNTAX:
        return "\\" + ch
    if ch in _ECMA_CONTROL:
        return _ECMA_CONTROL[ch]
    if cp < 0x20 or cp == 0x7F or 0xD800 <= cp <= 0xDFFF or cp > 0xFFFF:
        return f"\\u{{{cp:X}}}"
    if not ch.isprintable():
        return f"\\u{{{cp:X}}}"
    return ch


def _ecma_ranges(ranges: Ranges) -> str:
    parts = []
    for lo, hi in ranges:
        if lo == hi:
            parts.append(_ecma_char(lo, True))
        elif hi == lo + 1:
            parts.append(_ecma_char(lo, True) + _ecma_char(hi, True))
        else:
            parts.append(_ecma_char(lo, True) + "-" + _ecma_char(hi, True))
    return "".join(parts)


class _Parser:
    def __init__(self, source: str, dialect: Dialect) -> None:
        self.s = source
        self.i = 0
        self.dialect = dialect
        self.dotall = False

    def error(self, what: str) -> PatternError:
        return PatternError(f"{what} at offset {self.i} in pattern {self.s!r} ({self.dialect} dialect)")

    def peek(self) -> str | None:
        return self.s[self.i] if self.i < len(self.s) else None

    def take(self) -> str:
        if self.i >= len(self.s):
            raise self.error("unexpected end")
        ch = self.s[self.i]
        self.i += 1
        return ch

    def parse(self) -> Node:
        if self.s.startswith("(?s)"):
            self.dotall = True
            self.i = 4
        node = self.alternation()
        if self.i != len(self.s):
            raise self.error("unbalanced ')'")
        return node

    def alternation(self) -> Node:
        options = [self.sequence()]
        while self.peek() == "|":
            self.i += 1
            options.append(self.sequence())
        return options[0] if len(options) == 1 else Alt(tuple(options))

    def sequence(self) -> Node:
        items: list[Node] = []
        while (ch := self.peek()) is not None and ch not in "|)":
            items.append(self.quantified(self.atom()))
        return items[0] if len(items) == 1 else Seq(tuple(items))

    def quantified(self, node: Node) -> Node:
        while True:
            ch = self.peek()
            if ch == "*":
                lo, hi = 0, None
            elif ch == "+":
                lo, hi = 1, None
            elif ch == "?":
                lo, hi = 0, 1
            elif ch == "{" and (m := re.compile(r"\{(\d+)(,(\d*))?\}").match(self.s, self.i)):
                lo = int(m.group(1))
                hi = lo if m.group(2) is None else (int(m.group(3)) if m.group(3) else None)
                if hi is not None and hi < lo:
                    raise self.error("quantifier range out of order")
                self.i = m.end() - 1
            else:
                return node
            if isinstance(node, Anchor | Look):
                raise self.error("quantifier on an assertion")
            self.i += 1
            lazy = False
            if self.peek() == "?":
                lazy = True
                self.i += 1
            elif self.peek() == "+":
                raise self.error("possessive quantifiers are not supported")
            node = Repeat(node, lo, hi, lazy)

    def atom(self) -> Node:
        ch = self.take()
        if ch == "(":
            return self.group()
        if ch == "[":
            return self.char_class()
        if ch == ".":
            if self.dotall:
                return CharSet(((0, MAX_CODE_POINT),), "[\\s\\S]")
            terms = _JAVA_LINE_TERMINATORS if self.dialect == "java" else _ECMA_LINE_TERMINATORS
            return CharSet(_complement(terms), "[^" + _ecma_ranges(_JAVA_LINE_TERMINATORS) + "]")
        if ch == "^":
            return Anchor("start")
        if ch == "$":
            return Anchor("end")
        if ch == "\\":
            return self.escape(in_class=False)
        if ch in "*+?{":
            if ch == "{" and self.dialect == "java":
                raise self.error("dangling '{'")
            raise self.error(f"nothing to repeat with {ch!r}")
        if ch in ")]}" and self.dialect == "ecma":
            raise self.error(f"lone {ch!r}")
        cp = ord(ch)
        return CharSet(((cp, cp),), _ecma_char(cp, False))

    def group(self) -> Node:
        capturing = True
        look: Literal["=", "!", "<=", "<!"] | None = None
        if self.s.startswith("?:", self.i):
            capturing = False
            self.i += 2
        elif self.s.startswith(("?<=", "?<!"), self.i):
            look = "<=" if self.s[self.i + 2] == "=" else "<!"
            self.i += 3
        elif self.s.startswith(("?=", "?!"), self.i):
            look = "=" if self.s[self.i + 1] == "=" else "!"
            self.i += 2
        elif self.peek() == "?":
            raise self.error("unsupported group construct")
        node = self.alternation()
        if self.peek() != ")":
            raise self.error("missing ')'")
        self.i += 1
        if look is not None:
            return Look(look, node)
        return Group(node, capturing)

    def escape(self, in_class: bool) -> CharSet:
        """Parse what follows a backslash, as a set of code points."""
        ch = self.take()
        if ch in "pP":
            if self.take() != "{":
                raise self.error("expected '{' after \\p")
            end = self.s.find("}", self.i)
            if end < 0:
                raise self.error("unterminated \\p{")
            name = self.s[self.i : end]
            self.i = end + 1
            for prefix in ("Is", "general_category=", "gc="):
                if name.startswith(prefix) and name[len(prefix) :] in CATEGORIES:
                    name = name[len(prefix) :]
            ranges = _category(name)
            if ch == "P":
                return CharSet(_complement(ranges), f"\\P{{{name}}}")
            return CharSet(ranges, f"\\p{{{name}}}")
        if ch in "wWdDsS":
            if ch.lower() == "w":
                base = _WORD
            elif ch.lower() == "d":
                base = _DIGIT
            else:
                base = _JAVA_SPACE if self.dialect == "java" else _ECMA_SPACE
            ranges = base if ch.islower() else _complement(base)
            spelled = _ecma_ranges(base)
            return CharSet(ranges, spelled if ch.islower() else "[^" + spelled + "]")
        simple = {"t": 9, "n": 10, "r": 13, "f": 12, "a": 7, "e": 27, "v": 11, "0": 0}
        if (
            ch in simple
            and not (ch == "v" and self.dialect == "java")
            and not (ch in "ae" and self.dialect == "ecma")
        ):
            if ch == "0" and self.dialect == "java":
                m = re.compile(r"[0-3]?[0-7]{1,2}|[0-7]").match(self.s, self.i)
                if not m:
                    raise self.error("bad octal escape")
                self.i = m.end()
                cp = int(m.group(), 8)
            else:
                cp = simple[ch]
            return CharSet(((cp, cp),), _ecma_char(cp, in_class))
        if ch == "x":
            m = re.compile(r"\{([0-9a-fA-F]{1,6})\}|([0-9a-fA-F]{2})").match(self.s, self.i)
            if not m:
                raise self.error("bad \\x escape")
            self.i = m.end()
            cp = int(m.group(1) or m.group(2), 16)
        elif ch == "u":
            m = re.compile(r"\{([0-9a-fA-F]{1,6})\}|([0-9a-fA-F]{4})").match(self.s, self.i)
            if not m or (m.group(1) and self.dialect == "java"):
                raise self.error("bad \\u escape")
            self.i = m.end()
            cp = int(m.group(1) or m.group(2), 16)
        elif ch.isalnum():
            # Java rejects unknown alphabetic escapes, and so do we: \b, \Q, \k, back-references...
            raise self.error(f"unsupported escape \\{ch}")
        else:
            cp = ord(ch)
        if cp > MAX_CODE_POINT:
            raise self.error("code point out of range")
        return CharSet(((cp, cp),), _ecma_char(cp, in_class))

    def class_atom(self) -> CharSet:
        ch = self.take()
        if ch == "\\":
            return self.escape(in_class=True)
        if ch == "[":
            raise self.error("nested character classes are not supported")
        if ch == "&" and self.peek() == "&" and self.dialect == "java":
            raise self.error("class intersection is not supported")
        cp = ord(ch)
        return CharSet(((cp, cp),), _ecma_char(cp, True))

    def char_class(self) -> CharSet:
        negated = False
        if self.peek() == "^":
            negated = True
            self.i += 1
        items: list[CharSet] = []
        first = True
        while True:
            ch = self.peek()
            if ch is None:
                raise self.error("unterminated character class")
            if ch == "]" and not (first and self.dialect == "java"):
                self.i += 1
                break
            first = False
            atom = self.class_atom()
            # A range needs a single character on both sides; a '-' anywhere else is literal.
            if (
                self.peek() == "-"
                and self.i + 1 < len(self.s)
                and self.s[self.i + 1] != "]"
                and len(atom.ranges) == 1
                and atom.ranges[0][0] == atom.ranges[0][1]
            ):
                save = self.i
                self.i += 1
                hi_atom = self.class_atom()
                if len(hi_atom.ranges) == 1 and hi_atom.ranges[0][0] == hi_atom.ranges[0][1]:
                    lo, hi = atom.ranges[0][0], hi_atom.ranges[0][0]
                    if hi < lo:
                        raise self.error("character range out of order")
                    items.append(CharSet(((lo, hi),), f"{atom.ecma}-{hi_atom.ecma}"))
                    continue
                if self.dialect == "ecma":
                    raise self.error("class escape in a range")
                self.i = save
            items.append(atom)
        ranges = _merge(r for item in items for r in item.ranges)
        if all(not item.ecma.startswith(("[^", "\\P")) for item in items):
            inner = "".join(item.ecma.removeprefix("[").removesuffix("]") for item in items)
        else:
            # A negated shorthand inside a class: spell the whole class out.
            inner = _ecma_ranges(ranges)
        if negated:
            return CharSet(_complement(ranges), "[^" + inner + "]")
        return CharSet(ranges, "[" + inner + "]")


# --------------------------------------------------------------------------------------------------
# Emitters.


def _py_char(cp: int) -> str:
    ch = chr(cp)
    if ch.isalnum() and cp < 0x80:
        return ch
    if cp <= 0xFF:
        return f"\\x{cp:02x}"
    if cp <= 0xFFFF:
        return f"\\u{cp:04x}"
    return f"\\U{cp:08x}"


def python_class(ranges: Ranges) -> str:
    """Stdlib ``re`` source of a character class given as code point ranges."""
    return _py_class(ranges)


def _py_class(ranges: Ranges) -> str:
    if not ranges:
        return "(?!)"
    if len(ranges) == 1 and ranges[0][0] == ranges[0][1]:
        return _py_char(ranges[0][0])
    parts = []
    for lo, hi in ranges:
        parts.append(_py_char(lo) if lo == hi else f"{_py_char(lo)}-{_py_char(hi)}")
    return "[" + "".join(parts) + "]"


def _emit_python(node: Node) -> str:
    if isinstance(node, CharSet):
        return _py_class(node.ranges)
    if isinstance(node, Seq):
        return "".join(_emit_python(n) for n in node.items)
    if isinstance(node, Alt):
        return "|".join(_emit_python(n) for n in node.options)
    if isinstance(node, Group):
        return ("(" if node.capturing else "(?:") + _emit_python(node.node) + ")"
    if isinstance(node, Repeat):
        return "(?:" + _emit_python(node.node) + ")" + _quant(node)
    if isinstance(node, Anchor):
        return r"\A" if node.kind == "start" else r"\Z"
    return f"(?{node.kind}" + _emit_python(node.node) + ")"


def _emit_ecma(node: Node) -> str:
    if isinstance(node, CharSet):
        return node.ecma
    if isinstance(node, Seq):
        return "".join(_emit_ecma(n) for n in node.items)
    if isinstance(node, Alt):
        return "|".join(_emit_ecma(n) for n in node.options)
    if isinstance(node, Group):
        return ("(" if node.capturing else "(?:") + _emit_ecma(node.node) + ")"
    if isinstance(node, Repeat):
        inner = _emit_ecma(node.node)
        if not isinstance(node.node, CharSet | Group):
            inner = "(?:" + inner + ")"
        return inner + _quant(node)
    if isinstance(node, Anchor):
        return "^" if node.kind == "start" else "$"
    return f"(?{node.kind}" + _emit_ecma(node.node) + ")"


def _quant(node: Repeat) -> str:
    if (node.min, node.max) == (0, None):
        q = "*"
    elif (node.min, node.max) == (1, None):
        q = "+"
    elif (node.min, node.max) == (0, 1):
        q = "?"
    elif node.max is None:
        q = f"{{{node.min},}}"
    elif node.min == node.max:
        q = f"{{{node.min}}}"
    else:
        q = f"{{{node.min},{node.max}}}"
    return q + ("?" if node.lazy else "")


# --------------------------------------------------------------------------------------------------
# Public surface.


@attrs.frozen(eq=False)
class Pattern:
    """A model pattern, compiled for whole-string matching with the service's semantics."""

    source: str
    dialect: Dialect
    ast: Node = attrs.field(repr=False)
    python: str = attrs.field(repr=False)
    ecma: str = attrs.field(repr=False)
    _compiled: re.Pattern[str] = attrs.field(repr=False, alias="compiled")

    def fullmatch(self, value: str) -> bool:
        """True when the whole of ``value`` matches, as the service's ``Matcher.matches()``."""
        return self._compiled.fullmatch(value) is not None

    @property
    def regex(self) -> re.Pattern[str]:
        """The compiled stdlib expression; use ``.fullmatch`` on it, never ``.match``/``.search``."""
        return self._compiled

    @property
    def single_class(self) -> tuple[Ranges, int, int | None] | None:
        """``(ranges, min, max)`` when the pattern is one class repeated (``[...]+``), else None.

        Generators and fast paths use this: most model patterns have that shape.
        """
        node = self.ast
        if isinstance(node, Repeat) and isinstance(node.node, CharSet):
            return node.node.ranges, node.min, node.max
        return None


def _build(source: str, dialect: Dialect) -> Pattern:
    if not isinstance(source, str):
        raise PatternError(f"a pattern must be a string, not {type(source).__name__}")
    ast = _Parser(source, dialect).parse()
    python = _emit_python(ast)
    try:
        compiled = re.compile(python, re.DOTALL)
    except (re.error, RecursionError, OverflowError) as exc:  # pragma: no cover - translator bug
        raise PatternError(f"cannot compile translated pattern {source!r}: {exc}") from None
    ecma = "^(?:" + _emit_ecma(ast) + ")$"
    return Pattern(source=source, dialect=dialect, ast=ast, python=python, ecma=ecma, compiled=compiled)


@functools.cache
def compile(source: str) -> Pattern:
    """Compile a pattern as written in the AWS model (Java dialect), cached."""
    return _build(source, "java")


@functools.cache
def compile_ecma(source: str) -> Pattern:
    """Compile an ECMA-262 pattern (the subset our schemas contain), with whole-string matching.

    JSON Schema's ``pattern`` is a search, not a full match: use ``.regex.search``.  Our schemas carry
    explicit ``^(?:...)$`` anchors, which become ``\\A``/``\\Z``, so search and full match agree on them.
    """
    return _build(source, "ecma")
