"""The text report of ``cognito-spec validate``: findings grouped so that a person can read them.

A capture from an emulator repeats the same departure on every exchange (a request id that is not a
UUID, an error served as ``application/json``); listed one line each, those bury the one finding
that matters.  So the text report groups findings that say the same thing and prints each group
once, a count and its first :data:`SHOWN` entries::

    FILE#8 AdminGetUser error client request /UserPoolId [pattern]: must fully match ...
    [request_id_format] 7 findings alike, the first 3:
      FILE#5 AdminGetUser warning server envelope x-amzn-RequestId [request_id_format]: request id ...
      FILE#6 ...
      FILE#7 ...
      ... and 4 more like these (--all lists every finding)

Two findings are alike when they agree in severity, side, kind, location and path, and their
messages differ at most in per-exchange details: quoted values (``'4DOm2l...'``) and numbers (a
column, an array index in a JSON pointer).  Groups are printed errors first, then the warnings that
fail ``--strict``, then the rest (expected refusals of the client's faults, the capture itself);
in each rank by first appearance, and the entries of a group in input order.  A group of one is its
plain line.

Memory stays bounded by the number of distinct groups: a group keeps its first :data:`SHOWN`
entries and counts the others.  (``--all`` does not come here: it streams every finding as it is
found, one line each, in input order.)
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

import attrs

if TYPE_CHECKING:
    from collections.abc import Iterator

    from cognito_spec.traffic.check import Finding

__all__ = ["SHOWN", "GroupedReport", "finding_line", "rank"]

#: Entries printed per group.
SHOWN: Final = 3

#: The per-exchange details of a message or a path: a quoted value (Python's repr quotes with ' or ")
#: or a run of digits.
_DETAIL: Final = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|\d+")


def finding_line(source: str, index: int, operation: str | None, f: Finding) -> str:
    """``FILE#N OPERATION SEVERITY SIDE LOCATION PATH [KIND]: MESSAGE``."""
    line = f"{source}#{index} {operation or '-'} {f.severity} {f.side} {f.location} {f.path} [{f.kind}]: {f.message}"
    return f"{line}: {f.detail}" if f.detail else line


def rank(f: Finding) -> int:
    """0 errors, 1 warnings that fail ``--strict``, 2 the other warnings."""
    if f.severity == "error":
        return 0
    return 1 if f.side != "capture" and not f.expected else 2


def _shape(text: str) -> str:
    return _DETAIL.sub("\x00", text)


@attrs.define
class _Group:
    rank: int
    first: int  # position of the first entry in the whole run, for the order of groups
    kind: str
    lines: list[str] = attrs.field(factory=list)
    count: int = 0


class GroupedReport:
    """Collects findings in input order; :meth:`lines` is the grouped report."""

    def __init__(self, shown: int = SHOWN) -> None:
        self.shown = shown
        self._groups: dict[tuple[object, ...], _Group] = {}
        self._seen = 0

    def add(self, source: str, index: int, operation: str | None, f: Finding) -> None:
        r = rank(f)
        key = (r, f.severity, f.side, f.kind, f.location, _shape(f.path), _shape(f.message))
        group = self._groups.get(key)
        if group is None:
            group = self._groups[key] = _Group(r, self._seen, f.kind)
        self._seen += 1
        group.count += 1
        if len(group.lines) < self.shown:
            group.lines.append(finding_line(source, index, operation, f))

    def lines(self) -> Iterator[str]:
        for group in sorted(self._groups.values(), key=lambda g: (g.rank, g.first)):
            if group.count == 1:
                yield group.lines[0]
                continue
            first = f", the first {len(group.lines)}" if group.count > len(group.lines) else ""
            yield f"[{group.kind}] {group.count} findings alike{first}:"
            for line in group.lines:
                yield "  " + line
            more = group.count - len(group.lines)
            if more:
                yield f"  ... and {more} more like these (--all lists every finding)"
