"""The AWS model's regex dialect read into a syntax tree: the node classes and the parser.

One parser reads both dialects this package deals with: the Java ``java.util.regex`` subset of the
model's ``pattern`` traits, and the ECMA-262 subset our own JSON Schemas contain (read back by
:func:`cognito_spec.patterns.compile_ecma`).  Where they differ (``\\s``, ``.``, what may be escaped,
``]`` first in a class) the ``dialect`` argument decides.  Every class becomes a :class:`CharSet` of
explicit code point ranges (pinned Unicode tables), carrying its ECMA spelling as well, so the
emitters and the string synthesis never interpret the pattern text again.

Unsupported syntax raises :class:`~cognito_spec.errors.PatternError`, with the offset.
"""

from __future__ import annotations

import re
from typing import Literal

import attrs

from cognito_spec.errors import PatternError
from cognito_spec.patterns._unicode_tables import CATEGORIES
from cognito_spec.patterns.ranges import MAX_CODE_POINT, Ranges, chars, complement, merge

__all__ = [
    "Alt",
    "Anchor",
    "Boundary",
    "CharSet",
    "Dialect",
    "Group",
    "Look",
    "Node",
    "Repeat",
    "Seq",
    "parse",
]

Dialect = Literal["java", "ecma"]

# Java's predefined classes without UNICODE_CHARACTER_CLASS are ASCII.  ECMA's \s is Unicode white
# space, so we never emit a bare \s for ECMA: it is spelled out from these sets.
_JAVA_SPACE = chars(" \t\n\x0b\f\r")
_ECMA_SPACE = merge([*chars(" \t\n\x0b\f\r\xa0\u1680\u2028\u2029\u202f\u205f\u3000\ufeff"), (0x2000, 0x200A)])
_DIGIT = ((0x30, 0x39),)
_WORD = merge([(0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A)])
# What "." does not match without DOTALL.
_JAVA_LINE_TERMINATORS = chars("\n\r\u0085\u2028\u2029")
_ECMA_LINE_TERMINATORS = chars("\n\r\u2028\u2029")


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
class Boundary:
    """``\\b`` (a word boundary) or ``\\B`` (not one), between ASCII word characters ``[0-9A-Za-z_]``
    and the rest.

    [I] ASCII word characters are Java's rule since JDK 19 (``\\b`` agrees with ``\\w``) and ECMA's
    with the ``u`` flag; older JDKs counted every Unicode letter and digit.  The one model pattern
    with ``\\b`` (``RestoreIdType``) puts it between a hex digit and ``-``, where all rules agree.
    """

    negated: bool


@attrs.frozen
class Look:
    kind: Literal["=", "!", "<=", "<!"]
    node: Node


Node = CharSet | Seq | Alt | Group | Repeat | Anchor | Boundary | Look


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
            return CharSet(complement(terms), "[^" + _ecma_ranges(_JAVA_LINE_TERMINATORS) + "]")
        if ch == "^":
            return Anchor("start")
        if ch == "$":
            return Anchor("end")
        if ch == "\\":
            if self.peek() in ("b", "B"):
                return Boundary(negated=self.take() == "B")
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
                return CharSet(complement(ranges), f"\\P{{{name}}}")
            return CharSet(ranges, f"\\p{{{name}}}")
        if ch in "wWdDsS":
            if ch.lower() == "w":
                base = _WORD
            elif ch.lower() == "d":
                base = _DIGIT
            else:
                base = _JAVA_SPACE if self.dialect == "java" else _ECMA_SPACE
            ranges = base if ch.islower() else complement(base)
            # Bracketed both ways: a bare "\\d" outside a class is the class [0-9], never the text
            # "0-9" (a class around it drops the brackets again).
            spelled = _ecma_ranges(base)
            return CharSet(ranges, ("[" if ch.islower() else "[^") + spelled + "]")
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
        ranges = merge(r for item in items for r in item.ranges)
        if all(not item.ecma.startswith(("[^", "\\P")) for item in items):
            # Shorthands (\w, \d, \s) are spelled as bracketed classes: their brackets go; a single
            # character's spelling stays whole (an escaped "]" is "\]", and must keep its "]").
            inner = "".join(item.ecma[1:-1] if item.ecma.startswith("[") else item.ecma for item in items)
        else:
            # A negated shorthand inside a class: spell the whole class out.
            inner = _ecma_ranges(ranges)
        if negated:
            return CharSet(complement(ranges), "[^" + inner + "]")
        return CharSet(ranges, "[" + inner + "]")


def parse(source: str, dialect: Dialect) -> Node:
    """The syntax tree of a whole pattern (:class:`~cognito_spec.errors.PatternError` if unsupported)."""
    return _Parser(source, dialect).parse()
