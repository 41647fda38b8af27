"""Sets of code points as sorted, merged, inclusive ranges, and their algebra.

A character class of a pattern, a Unicode general category and a pool of characters to generate from
are all the same thing here: a tuple of ``(lo, hi)`` pairs, sorted, with no two pairs overlapping or
touching.  Every function takes and returns that normal form.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from typing import Final

__all__ = [
    "EVERYTHING",
    "MAX_CODE_POINT",
    "Ranges",
    "ascii_bytes",
    "chars",
    "complement",
    "contains",
    "intersect",
    "merge",
    "subtract",
]

Ranges = tuple[tuple[int, int], ...]

MAX_CODE_POINT: Final = 0x10FFFF
#: Every code point, surrogates included (Python strings hold them; JSON carries them escaped).
EVERYTHING: Final[Ranges] = ((0, MAX_CODE_POINT),)


def merge(ranges: Iterable[tuple[int, int]]) -> Ranges:
    """The normal form of any ranges: sorted, overlapping and touching ones joined."""
    out: list[tuple[int, int]] = []
    for lo, hi in sorted(ranges):
        if out and lo <= out[-1][1] + 1:
            if hi > out[-1][1]:
                out[-1] = (out[-1][0], hi)
        else:
            out.append((lo, hi))
    return tuple(out)


def complement(ranges: Ranges) -> Ranges:
    """Every code point not in ``ranges``."""
    out: list[tuple[int, int]] = []
    nxt = 0
    for lo, hi in ranges:
        if lo > nxt:
            out.append((nxt, lo - 1))
        nxt = hi + 1
    if nxt <= MAX_CODE_POINT:
        out.append((nxt, MAX_CODE_POINT))
    return tuple(out)


def intersect(a: Ranges, b: Ranges) -> Ranges:
    """The code points in both."""
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


def subtract(a: Ranges, b: Ranges) -> Ranges:
    """The code points of ``a`` that are not in ``b``."""
    return intersect(a, complement(b))


def contains(ranges: Ranges, cp: int) -> bool:
    """Whether the code point ``cp`` is in ``ranges`` (a binary search)."""
    i = bisect.bisect_right(ranges, (cp, 0x110000)) - 1
    return i >= 0 and ranges[i][0] <= cp <= ranges[i][1]


def chars(text: str) -> Ranges:
    """The code points of the characters of ``text``."""
    return merge((ord(c), ord(c)) for c in text)


def ascii_bytes(ranges: Ranges) -> bytes:
    """The ASCII code points of ``ranges``, as the bytes of those characters (sorted).

    A fast exact class test uses them: a ``str`` whose characters are all ASCII encodes to the bytes
    of its code points, so ``not value.encode().translate(None, ascii_bytes(r))`` is true exactly when
    every character lies in ``r`` (``bytes.translate`` runs in C, several times faster on a 1 KB
    token than the ``re`` engine's loop over a character class).
    """
    return bytes(cp for lo, hi in ranges if lo < 0x80 for cp in range(lo, min(hi, 0x7F) + 1))
