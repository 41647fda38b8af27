"""The regular-expression dialect of the AWS service model, understood in one place (the public surface).

The model's ``pattern`` traits are Java ``java.util.regex`` expressions, and the service applies them
to the *whole* value (``Matcher.matches()``).  Python's ``re`` differs in every way that matters here:

* it cannot compile ``\\p{L}`` and friends;
* its ``\\w``, ``\\d`` and ``\\s`` are Unicode-aware, while Java's default classes are ASCII;
* its ``$`` also matches before a trailing newline, so ``re.match(p + "$")`` accepts ``"alice\\n"``;
* its ``.`` excludes only ``\\n``, Java's excludes every line terminator.

A pattern is parsed once into a small syntax tree and written out for the two engines we need:

* ``Pattern.python``: stdlib ``re`` source in which every class is spelled out as explicit code point
  ranges (from the generated ``_unicode_tables`` module, pinned to :data:`UNICODE_VERSION`);
* ``Pattern.ecma``: ECMA-262 source (``u`` flag semantics) anchored with ``^(?:...)$``, for JSON
  Schema's ``pattern`` keyword.

:func:`compile_ecma` reads the ECMA subset back, so that a JSON Schema validator can check the
``pattern`` keyword of our own schemas with Java semantics (see :mod:`cognito_spec.schema`).

The package's modules, bottom up: :mod:`~cognito_spec.patterns.ranges` (code point set algebra),
:mod:`~cognito_spec.patterns.syntax` (the tree and the parser), :mod:`~cognito_spec.patterns.emit`
(``re`` and ECMA source), :mod:`~cognito_spec.patterns.synth` (strings that match, for generators).

Unsupported syntax raises :class:`PatternError`; ``re.error`` never escapes from here.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

import attrs

from cognito_spec.errors import PatternError
from cognito_spec.patterns import emit
from cognito_spec.patterns._unicode_tables import UNICODE_VERSION
from cognito_spec.patterns.emit import python_class
from cognito_spec.patterns.ranges import Ranges, ascii_bytes
from cognito_spec.patterns.syntax import CharSet, Dialect, Node, Repeat, parse

__all__ = [
    "UNICODE_VERSION",
    "LazyFullmatch",
    "Pattern",
    "PatternError",
    "ascii_bytes",
    "compile",
    "compile_ecma",
    "compile_python",
    "python_class",
]


@attrs.frozen(eq=False)
class Pattern:
    """A model pattern, compiled for whole-string matching with the service's semantics."""

    source: str
    dialect: Dialect
    ast: Node = attrs.field(repr=False)
    python: str = attrs.field(repr=False)
    ecma: str = attrs.field(repr=False)
    # Compiled at the first use of ``regex``: a pattern with Unicode classes spells them out as
    # thousands of ranges, and its re.compile (about 20 ms) was most of the start-up of
    # ``cognito-spec validate`` -- for checks that the ASCII fast path of the codec mostly decides
    # without any regex (codec.source.fast_string_test).
    _compiled: re.Pattern[str] | None = attrs.field(repr=False, init=False, default=None, eq=False)

    def fullmatch(self, value: str) -> bool:
        """True when the whole of ``value`` matches, as the service's ``Matcher.matches()``."""
        return self.regex.fullmatch(value) is not None

    @property
    def regex(self) -> re.Pattern[str]:
        """The compiled stdlib expression; use ``.fullmatch`` on it, never ``.match``/``.search``."""
        compiled = self._compiled
        if compiled is None:  # a race compiles it twice, to the same expression: harmless
            compiled = compile_python(self.python)
            object.__setattr__(self, "_compiled", compiled)
        return compiled

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
    ast = parse(source, dialect)
    python = emit.python(ast)
    ecma = "^(?:" + emit.ecma(ast) + ")$"
    return Pattern(source=source, dialect=dialect, ast=ast, python=python, ecma=ecma)


def compile_python(python: str) -> re.Pattern[str]:
    """The stdlib expression of translated source (``Pattern.python``, or a class the codec writes)."""
    try:
        return re.compile(python, re.DOTALL)
    except (re.error, RecursionError, OverflowError) as exc:  # pragma: no cover - translator bug
        raise PatternError(f"cannot compile translated pattern {python[:80]!r}: {exc}") from None


class LazyFullmatch:
    """The full match of ``source`` (translated source, or a :class:`Pattern`, whose own expression
    is then used: one compile per pattern), compiled at its first call (then one attribute test
    more per call than the bound method).

    For the generated checkers' slow paths: the ``[class]{min,max}`` test of a non-ASCII string,
    the pattern of a string the ASCII fast path already refused.  Most runs never call them, and
    compiling one large Unicode class costs about 40 ms.
    """

    __slots__ = ("_fullmatch", "source")

    def __init__(self, source: str | Pattern) -> None:
        self.source = source
        self._fullmatch: Callable[[str], re.Match[str] | None] | None = None

    def __call__(self, value: str) -> re.Match[str] | None:
        fullmatch = self._fullmatch
        if fullmatch is None:
            source = self.source
            regex = compile_python(source) if isinstance(source, str) else source.regex
            fullmatch = self._fullmatch = regex.fullmatch
        return fullmatch(value)

    def __repr__(self) -> str:
        return f"LazyFullmatch({'compiled' if self._fullmatch is not None else 'not compiled yet'})"


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
