"""Strings that match a pattern by construction, of any length the pattern can produce.

A :class:`Plan` knows which lengths a pattern can produce (up to a cap) and builds a matching
string of any of those lengths by walking the syntax tree: for a sequence it chooses each item's
length so that the rest can still be completed, for a repetition the count, for an alternation an
option that can produce the length.  Nothing is generated and then rejected.

Characters come from a :class:`CharPool` per class, which splits the class into Unicode general
categories (pinned tables), so that adversarial strings visit every category a pattern allows and
not only its largest blocks; realistic strings prefer ASCII letters and digits.

Every choice is asked of a :class:`Source` of integers: a seeded ``random.Random`` for the
``cognito-spec fixtures`` command, hypothesis draws for the strategies (see
:mod:`cognito_spec.fixtures`).  The same choices give the same string.
"""

from __future__ import annotations

import functools
import random
import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from typing import Final, Protocol, TypeVar

import attrs

from cognito_spec import patterns
from cognito_spec.errors import GenerationError
from cognito_spec.patterns._unicode_tables import CATEGORIES
from cognito_spec.patterns.ranges import EVERYTHING, Ranges, complement, contains, intersect, merge, subtract
from cognito_spec.patterns.syntax import Alt, Anchor, Boundary, CharSet, Group, Look, Node, Repeat, Seq

__all__ = ["TILE", "Bucket", "CharPool", "Plan", "RandomSource", "Source", "charsets", "plan", "pool"]

T = TypeVar("T")

#: Strings longer than this are built from a repeated chunk of this many characters (fast, still
#: valid: only single-class and unconstrained strings are tiled).
TILE: Final = 256


class Source(Protocol):
    """Where generators get their choices.  ``integer`` should shrink towards ``lo``; ``chance``
    towards False."""

    def integer(self, lo: int, hi: int) -> int:
        """An integer in ``lo..hi`` inclusive."""
        ...

    def chance(self, p: float) -> bool:
        """True with probability ``p``."""
        ...


class RandomSource:
    """A :class:`Source` over ``random.Random``: the same seed gives the same choices in every process.

    String seeds are hashed with SHA-512 by ``random`` (never with Python's randomised ``hash``).
    """

    __slots__ = ("rng",)

    def __init__(self, seed: int | str | random.Random = 0) -> None:
        self.rng = seed if isinstance(seed, random.Random) else random.Random(seed)

    def integer(self, lo: int, hi: int) -> int:
        return self.rng.randint(lo, hi)

    def chance(self, p: float) -> bool:
        return self.rng.random() < p


def _choice(source: Source, seq: Sequence[T]) -> T:
    return seq[source.integer(0, len(seq) - 1)]


# --------------------------------------------------------------------------------------------------
# Characters.

# Category C split into parts Unicode's stability policy freezes: controls, surrogates, private use.
# The rest of C (format characters, unassigned code points) stays one bucket.
_C_PARTS: Final[tuple[tuple[str, Ranges], ...]] = (
    ("Cc", ((0x00, 0x1F), (0x7F, 0x9F))),
    ("Cs", ((0xD800, 0xDFFF),)),
    ("Co", ((0xE000, 0xF8FF), (0xF0000, 0xFFFFD), (0x100000, 0x10FFFD))),
)
_ALNUM: Final[Ranges] = ((0x30, 0x39), (0x41, 0x5A), (0x61, 0x7A))
_PRINTABLE_ASCII: Final[Ranges] = ((0x21, 0x7E),)


@attrs.frozen
class Bucket:
    """The code points of one category within a class, numbered ``0..size-1``."""

    label: str
    ranges: Ranges
    starts: tuple[int, ...]
    size: int

    @classmethod
    def of(cls, label: str, ranges: Ranges) -> Bucket:
        starts, total = [], 0
        for lo, hi in ranges:
            starts.append(total)
            total += hi - lo + 1
        return cls(label, ranges, tuple(starts), total)

    def nth(self, i: int) -> int:
        """The ``i``-th code point of the bucket."""
        j = bisect_right(self.starts, i) - 1
        return self.ranges[j][0] + i - self.starts[j]


@attrs.frozen
class CharPool:
    """The characters of one class, split into buckets by Unicode category."""

    ranges: Ranges
    buckets: tuple[Bucket, ...]
    plausible: tuple[Bucket, ...]
    friendly: Bucket | None

    def pick(self, source: Source, adversarial: bool) -> str:
        """One character: realistic ones are mostly ASCII letters and digits, adversarial ones come
        from every category at equal odds, range edges often."""
        if not adversarial:
            if self.friendly is not None and (not self.plausible or not source.chance(0.03)):
                return chr(self.friendly.nth(source.integer(0, self.friendly.size - 1)))
            if self.plausible:
                b = _choice(source, self.plausible)
                return chr(b.nth(source.integer(0, b.size - 1)))
        b = _choice(source, self.buckets)
        if source.chance(0.2):  # the edges of a range are where translators go wrong
            lo, hi = _choice(source, b.ranges)
            return chr(hi if source.chance(0.5) else lo)
        return chr(b.nth(source.integer(0, b.size - 1)))


@functools.cache
def pool(ranges: Ranges) -> CharPool:
    """The pool of a class (cached); :class:`~cognito_spec.errors.GenerationError` if it is empty."""
    if not ranges:
        raise GenerationError("empty character class")
    buckets: list[Bucket] = []
    for name, cat in CATEGORIES.items():
        if name == "C":
            rest = cat
            for part, part_ranges in _C_PARTS:
                rest = subtract(rest, part_ranges)
                inter = intersect(ranges, intersect(cat, part_ranges))
                if inter:
                    buckets.append(Bucket.of(part, inter))
            inter = intersect(ranges, rest)
            if inter:
                buckets.append(Bucket.of("C", inter))
            continue
        inter = intersect(ranges, cat)
        if inter:
            buckets.append(Bucket.of(name, inter))
    friendly = intersect(ranges, _ALNUM) or intersect(ranges, _PRINTABLE_ASCII)
    return CharPool(
        ranges=ranges,
        buckets=tuple(buckets),
        plausible=tuple(b for b in buckets if b.label in ("L", "N", "P", "S")),
        friendly=Bucket.of("friendly", friendly) if friendly else None,
    )


# A high surrogate followed by a low one is not two lone surrogates on the wire: JSON's \uXXXX
# escapes (and the UTF-16 strings of the service and of most clients) read the pair as one
# supplementary character.  Generated strings never contain such a pair: a low surrogate after a
# high one becomes a high surrogate too (same category, same length).
_SURROGATE_PAIR: Final = re.compile("[\ud800-\udbff][\udc00-\udfff]")


def _unpair(text: str, ranges: Ranges) -> str:
    def high(m: re.Match[str]) -> str:
        low = m.group()[1]
        if not contains(ranges, ord(low) - 0x400):
            raise GenerationError("cannot avoid a surrogate pair in a class without high surrogates")
        return m.group()[0] + chr(ord(low) - 0x400)

    # Substitution never rescans what it wrote, so a run of low surrogates takes a pass per
    # surrogate; runs are short, and each pass runs at C speed over long strings.
    while _SURROGATE_PAIR.search(text) is not None:
        text = _SURROGATE_PAIR.sub(high, text)
    return text


# --------------------------------------------------------------------------------------------------
# Lengths, as bit masks: bit ``n`` set means "a string of length n can be produced".


def _bits(mask: int) -> Iterator[int]:
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low


def _runs(mask: int) -> Iterator[tuple[int, int]]:
    """The runs of consecutive set bits of ``mask``, as ``(lowest bit, length)``."""
    while mask:
        lo = (mask & -mask).bit_length() - 1
        run = mask >> lo
        n = (~run & (run + 1)).bit_length() - 1  # trailing ones of run
        yield lo, n
        mask &= ~(((1 << n) - 1) << lo)


def _sumset(a: int, b: int, limit: int) -> int:
    """Lengths ``i + j`` for ``i`` in ``a`` and ``j`` in ``b`` (bit masks), up to ``limit``.

    By runs of ``b``: a run of ``w`` consecutive lengths spreads ``a`` with O(log w) shifts (the
    message-template shapes allow 20,000 characters, so one shift per length was the generator's
    main cost).
    """
    out = 0
    for lo, width in _runs(b):
        spread, span = a, 1
        while span < width:
            step = min(span, width - span)
            spread |= spread << step
            spread &= limit
            span += step
        out |= spread << lo
    return out & limit


@attrs.frozen(eq=False)
class Plan:
    """How to build strings of one pattern (or of no pattern) with a given length."""

    source: str | None
    cap: int
    #: ``(ranges, min, max)`` for unconstrained and single-class patterns: every length in range works.
    simple: tuple[Ranges, int, int | None] | None
    ast: Node | None
    lengths: dict[int, int]
    folds: dict[int, tuple[tuple[int, ...], bool]]
    #: Code points no character class of the pattern contains (a pattern violation uses one).
    outside: Ranges
    #: Whether the tree holds a zero-width assertion (a word boundary or a lookaround): a made
    #: string is then checked against the pattern, and made again.
    assertions: bool = False
    pools: dict[int, CharPool] = attrs.field(factory=dict)
    #: Per sequence node: the lengths its items ``i..`` produce together (made on first use).
    rests: dict[int, list[int]] = attrs.field(factory=dict)

    def can(self, n: int) -> bool:
        """Whether the pattern matches some string of length ``n`` (``n`` up to the cap)."""
        if n < 0:
            return False
        if self.simple is not None:
            _, lo, hi = self.simple
            return lo <= n and (hi is None or n <= hi)
        assert self.ast is not None
        return n <= self.cap and bool(self.lengths[id(self.ast)] >> n & 1)

    def make(self, source: Source, n: int, *, adversarial: bool) -> str:
        """A matching string of length ``n`` (one :meth:`can` accepts)."""
        if self.simple is not None:
            chars = pool(self.simple[0])
            if n > TILE:
                chunk = "".join(chars.pick(source, adversarial) for _ in range(TILE))
                return _unpair((chunk * (n // TILE + 1))[:n], chars.ranges)
            return _unpair("".join(chars.pick(source, adversarial) for _ in range(n)), chars.ranges)
        assert self.ast is not None
        text = self._one(source, n, adversarial)
        if self.assertions:
            # Lengths and choices ignore assertions (zero width), so one can fail: make the string
            # again, a bounded number of times.  The model's assertions fail rarely: \b between a hex
            # digit and "-" (RestoreIdType) never, "(?<!\.)$" (S3BucketType) when the last character
            # drawn is the one of its class's 64 that is ".".
            tries = 1
            while not patterns.compile(self.source or "").fullmatch(text):
                if tries == _ASSERTION_TRIES:
                    raise GenerationError(
                        f"no string of length {n} passing the assertions of {self.source!r}"
                    )
                text = self._one(source, n, adversarial)
                tries += 1
        return text

    def _one(self, source: Source, n: int, adversarial: bool) -> str:
        assert self.ast is not None
        out: list[str] = []
        self._gen(source, adversarial, self.ast, n, out)
        text = "".join(out)
        if _SURROGATE_PAIR.search(text) is not None:
            fixed = _unpair(text, EVERYTHING)
            if self.source is None or not patterns.compile(self.source).fullmatch(fixed):
                raise GenerationError(f"pattern {self.source!r} needs a surrogate pair here")
            text = fixed
        return text

    def _gen(self, source: Source, adversarial: bool, node: Node, n: int, out: list[str]) -> None:
        if isinstance(node, CharSet):
            chars = self.pools.get(id(node))
            if chars is None:
                chars = self.pools[id(node)] = pool(node.ranges)
            out.append(chars.pick(source, adversarial))
        elif isinstance(node, Group):
            self._gen(source, adversarial, node.node, n, out)
        elif isinstance(node, Alt):
            options = [o for o in node.options if self.lengths[id(o)] >> n & 1]
            self._gen(source, adversarial, _choice(source, options), n, out)
        elif isinstance(node, Seq):
            rest = self.rests.get(id(node))
            if rest is None:
                rest = [1]
                for item in reversed(node.items):
                    rest.append(_sumset(rest[-1], self.lengths[id(item)], (1 << (self.cap + 1)) - 1))
                rest.reverse()  # rest[i]: lengths items i.. can produce together
                self.rests[id(node)] = rest
            for i, item in enumerate(node.items):
                fits = self.lengths[id(item)] & ((2 << n) - 1)  # only lengths up to n can fit
                choices = [k for k in _bits(fits) if rest[i + 1] >> (n - k) & 1]
                k = _choice(source, choices)
                self._gen(source, adversarial, item, k, out)
                n -= k
        elif isinstance(node, Repeat):
            folds, fixed = self.folds[id(node)]

            def fold(j: int) -> int:
                if j < len(folds):
                    return folds[j]
                return folds[-1] if fixed else 0

            top = len(folds) - 1 if not fixed else max(node.min, len(folds))
            if node.max is not None:
                top = min(top, node.max)
            inner = self.lengths[id(node.node)]
            if not inner & 1:  # every repetition takes a character: at most n of them
                top = min(top, n)
            counts = [k for k in range(node.min, top + 1) if fold(k) >> n & 1]
            count = _choice(source, counts)
            for i in range(count):
                fits = inner & ((2 << n) - 1)
                choices = [k for k in _bits(fits) if fold(count - i - 1) >> (n - k) & 1]
                k = _choice(source, choices)
                self._gen(source, adversarial, node.node, k, out)
                n -= k
        # Anchors, boundaries and lookarounds produce nothing (the made string is checked).


def _lengths(
    node: Node,
    limit: int,
    lengths: dict[int, int],
    folds: dict[int, tuple[tuple[int, ...], bool]],
) -> int:
    key = id(node)
    if key in lengths:
        return lengths[key]
    if isinstance(node, CharSet):
        result = 0b10 if node.ranges else 0
    elif isinstance(node, Anchor | Boundary):
        result = 1
    elif isinstance(node, Look):
        # Zero width: the strings are made without it and checked afterwards (Plan.make).
        result = 1
    elif isinstance(node, Group):
        result = _lengths(node.node, limit, lengths, folds)
    elif isinstance(node, Alt):
        result = 0
        for option in node.options:
            result |= _lengths(option, limit, lengths, folds)
    elif isinstance(node, Seq):
        result = 1
        for item in node.items:
            result = _sumset(result, _lengths(item, limit, lengths, folds), limit)
    else:
        inner = _lengths(node.node, limit, lengths, folds)
        acc, result, fixed = [1], 0, False
        while True:
            k = len(acc) - 1
            if k >= node.min:
                result |= acc[k]
            if node.max is not None and k >= node.max:
                break
            nxt = _sumset(acc[k], inner, limit)
            if nxt == 0:
                break
            if nxt == acc[k]:  # a fixed point: every further count gives the same lengths
                fixed = True
                if node.max is None or node.max >= node.min:
                    result |= nxt
                break
            acc.append(nxt)
        folds[key] = (tuple(acc), fixed)
    lengths[key] = result & limit
    return lengths[key]


def charsets(node: Node) -> Iterator[Ranges]:
    """The code points of every character class in a tree, in pattern order."""
    if isinstance(node, CharSet):
        yield node.ranges
    elif isinstance(node, Seq):
        for item in node.items:
            yield from charsets(item)
    elif isinstance(node, Alt):
        for option in node.options:
            yield from charsets(option)
    elif isinstance(node, Group | Repeat | Look):
        yield from charsets(node.node)


@functools.cache
def plan(source: str | None, cap: int) -> Plan:
    """The plan of a model pattern (``None``: any string), for lengths up to ``cap`` (cached).

    Zero-width assertions (lookarounds, ``\\b``) are checked on each made string
    (:meth:`Plan.make`), which is made again when one fails.
    """
    if source is None:
        return Plan(None, cap, (EVERYTHING, 0, None), None, {}, {}, ())
    compiled = patterns.compile(source)
    outside = complement(merge(r for ranges in charsets(compiled.ast) for r in ranges))
    single = compiled.single_class
    if single is not None:
        return Plan(source, cap, single, None, {}, {}, outside)
    lengths: dict[int, int] = {}
    folds: dict[int, tuple[tuple[int, ...], bool]] = {}
    _lengths(compiled.ast, (1 << (cap + 1)) - 1, lengths, folds)
    return Plan(source, cap, None, compiled.ast, lengths, folds, outside, _has_assertion(compiled.ast))


_ASSERTION_TRIES: Final = 64


def _has_assertion(node: Node) -> bool:
    if isinstance(node, Boundary | Look):
        return True
    if isinstance(node, Seq):
        return any(_has_assertion(item) for item in node.items)
    if isinstance(node, Alt):
        return any(_has_assertion(option) for option in node.options)
    if isinstance(node, Group | Repeat):
        return _has_assertion(node.node)
    return False
