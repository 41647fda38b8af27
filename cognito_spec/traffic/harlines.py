"""A HAR in either usual layout, read from the raw bytes, the guard's nesting bound proven apart.

The writers in use put the frame (``{"log": {`` ... ``"entries": [``) first, then the entries in
one of two layouts, and a raw line break is never inside a JSON string:

* **One entry a line** (this library's ``write_har``, and the tools that write so): each entry on a
  line of its own followed by a comma, so a line that is one object and a comma is a whole element.
  :func:`line_entries` reads each block of whole lines at once with orjson (one call, no line
  copied, no bracket counted: the pad below bounds the nesting); a block orjson does not read so
  (or every block, without orjson) is read line by line, orjson or the stdlib's C scanner per line,
  and whatever lines do not read so at once (``[`` + lines + ``]``; two entries a line, odd white
  space, a lone surrogate escape, which only the scanner reads).
* **Indented** (browsers: DevTools and Firefox indent every member, so an entry spans many lines):
  an entry whose ``{`` ends its line is cut after the last line that holds only that brace's
  indentation and ``},`` (:func:`~cognito_spec.traffic.harsplit.indented_cut`: a pretty-printer
  puts every deeper line further right), and everything up to the cut is read at once, by orjson
  inside the pad or by the scanner.  The cut is a guess and the parse is its proof: text that starts
  at an element's ``{`` and parses as objects separated by commas is exactly whole elements.

It reads the raw bytes, not the :class:`~cognito_spec.traffic.harstream.HarStream`, whose nesting
guard costs more than parsing the entries with orjson; the guard's verdict is proven instead.  The
frame goes through a ``HarStream`` of its own.  An entry sits 3 levels deep, so it may nest
:data:`_ENTRY_DEPTH` levels itself: a line with no more brackets than that (in strings too: an upper
bound) cannot nest deeper, and the rare line with more is measured on its text outside strings, as
the guard measures it (not on its value, which has lost a repeated key's first value).  A batch is
parsed inside :data:`_PAD` extra arrays, so that orjson's own bound (:data:`ORJSON_DEPTH`) refuses
exactly an entry deeper than the guard allows.  The bytes are read straight into one buffer with
room for the pad on either side, where the pad is written around a batch and orjson reads it in
place (:func:`_batch_at`): no byte is copied on its way from the file to the parser.  Numbers
yajl refuses and orjson reads (19 digits or more) send their block to the scanner that refuses them.

Anything else -- another layout, bad JSON, a value nested too deep, a number yajl refuses, a
trailing comma, trailing bytes -- raises :class:`~cognito_spec.traffic.harsplit.Unusual` with the
count of entries given, and the caller reads the file again from the start (or from the bytes kept,
when none was given) with :func:`~cognito_spec.traffic.harsplit.split_entries`, skipping them: so
the streaming readers decide every unusual file, errors and messages included.  For that, no entry
is given until the bytes after it are proven too, as far as a read of the guard could reach from
its end (:func:`_reach`): the guard refuses a read as a whole, and ijson gives none of the entries
that end in a read it never gets.  tests/test_har_lines.py checks the readers agree.
"""

from __future__ import annotations

import io
import json
import re
from collections import deque
from collections.abc import Generator, Iterator
from typing import IO, Any, Final

from cognito_spec.codec.body import count_opening, nesting_depth
from cognito_spec.errors import CaptureError
from cognito_spec.traffic.harsplit import (
    BYTE_MARKS,
    EXACT_SCAN,
    LONG_NUMBER,
    NUMBER_TABLE,
    WS,
    Unusual,
    frame_length,
    has_long_number,
    indented_cut,
    orjson_loads,
    parse_float,
    refuse_constant,
)
from cognito_spec.traffic.harstream import IJSON_BUFFER, MAX_DEPTH, READ, HarStream
from cognito_spec.traffic.jsonl import lines_of

__all__ = ["ORJSON_DEPTH", "line_entries"]

#: Bytes read at a time; a line longer than what is kept makes the next read as long.
_BLOCK: Final = 1 << 17
#: The bytes kept to hand to the next reader while no entry is given (a file in another layout is
#: told in its first blocks; one told later is opened again).
_KEPT: Final = 4 << 20
#: Text without a line that ends with a comma, at most: more is for the streaming reader.
_MAX_LINE: Final = 16 << 20
_WS_BYTES: Final = b" \t\n\r"
_WS_RUN: Final = re.compile(rb"[ \t\n\r]*")
_COMMA: Final = ord(",")
#: The levels around an entry: the document, ``log``, ``entries``.
_FRAME_DEPTH: Final = 3
#: How deep an entry may nest, itself counted as 1.
_ENTRY_DEPTH: Final = MAX_DEPTH - _FRAME_DEPTH


def _orjson_depth() -> int:
    """How deep orjson nests: 1024 (its limit in the versions of 2020-2026), checked once; 0 when
    orjson is off or nests otherwise (this reader then takes the scanner)."""
    loads = orjson_loads()
    if loads is None:
        return 0

    def reads(depth: int) -> bool:
        try:
            loads(b"[" * depth + b"]" * depth)
        except ValueError:
            return False
        return True

    return 1024 if reads(1024) and not reads(1025) else 0


#: The nesting orjson reads; the batch is wrapped in ``_PAD`` arrays so that it refuses deeper.
ORJSON_DEPTH: Final = _orjson_depth()
#: Batch array (1) + pad + entry depth = orjson's limit.
_PAD: Final = ORJSON_DEPTH - 1 - _ENTRY_DEPTH
_OPEN: Final = b"[" * (_PAD + 1)
_CLOSE: Final = b"]" * (_PAD + 1)
#: Room kept before and after the bytes in the reader's buffer, for the pad written around a batch.
_ROOM: Final = len(_OPEN)
#: Slack given to the buffer when it grows (the part of an entry carried over to the next read).
_SLACK: Final = _BLOCK // 8
_BRACE: Final = ord("{")
_LF: Final = ord("\n")
_CR: Final = ord("\r")
_WS_SET: Final = frozenset(_WS_BYTES)
#: Joins a batch into its pad as a bytearray: one copy, as ``bytes.join`` makes, and the digit test
#: translates a bytearray for two thirds of what a bytes object costs (see :func:`has_long_number`).
_JOIN: Final = bytearray().join

#: The scanner for text without a long number: integers read natively, floats and constants checked.
_QUICK_SCAN: Final[Any] = json.JSONDecoder(parse_constant=refuse_constant, parse_float=parse_float).scan_once  # type: ignore[attr-defined]


def _too_deep(text: str) -> bool:
    """Whether the JSON text of an entry nests deeper than :data:`_ENTRY_DEPTH` outside its strings,
    as the guard counts it.  Measured on the text, not on the parsed value: a repeated key's first
    value is dropped by every parser here, yet the guard counts its brackets (found by the property
    in tests/test_har_lines.py).  The caller asks only for a text with more opening brackets than
    the bound (in strings too), which is rare."""
    return nesting_depth(text) > _ENTRY_DEPTH


def _scan_batch(elems: memoryview, exact: bool) -> list[Any] | None:
    """The elements ``elems`` holds (objects, separated by commas), by the stdlib's C scanner; None
    when it is anything else, or an element nests deeper than an entry may.

    ``exact`` takes the scanner that refuses the integers yajl refuses; the other reads integers
    natively, for text that has none of 19 digits (:func:`has_long_number`).

    An element's opening brackets bound its nesting.  In ASCII text (a flag the string carries: no
    pass) a character is a byte, and they are counted on the bytes, as :func:`count_opening` does
    (memchr from one bracket to the next: 9.8k instructions for an entry of the benchmark's browser
    HAR, 3.6 KB with 31 brackets, against 29.9k for a deleting translation and more for the two
    ``str.count`` that text with other characters takes).
    """
    try:
        text = str(elems, "utf-8")
    except UnicodeDecodeError:
        return None
    ascii_text = text.isascii()
    scan = EXACT_SCAN if exact else _QUICK_SCAN
    ws = WS.match
    out: list[Any] = []
    pos = ws(text, 0).end()  # type: ignore[union-attr] # always matches
    n = len(text)
    while True:
        try:
            value, end = scan(text, pos)
        except (StopIteration, ValueError, RecursionError):
            return None
        if type(value) is not dict:
            return None
        if ascii_text:
            opens = count_opening(bytes(elems[pos:end]), _ENTRY_DEPTH)
        else:
            opens = text.count("{", pos, end) + text.count("[", pos, end)
        if opens > _ENTRY_DEPTH and _too_deep(text[pos:end]):
            return None
        out.append(value)
        pos = ws(text, end).end()  # type: ignore[union-attr]
        if pos == n:
            return out
        if text[pos] != ",":
            return None
        pos = ws(text, pos + 1).end()  # type: ignore[union-attr]


def _orjson_padded(padded: bytearray | memoryview, loads: Any) -> list[Any] | None:
    """The elements inside the pad ``padded``, by orjson, which refuses an element deeper than an
    entry may be; None when orjson refuses (the caller then asks the scanner, which reads what
    orjson does not: a lone surrogate escape) or they are not all objects."""
    try:
        value = loads(padded)
    except ValueError:  # orjson.JSONDecodeError
        return None
    for _ in range(_PAD):
        value = value[0]
    if not value or not all(type(e) is dict for e in value):
        return None
    out: list[Any] = value
    return out


def _batch(data: bytes, loads: Any) -> list[Any] | None:
    """The elements of ``data`` (objects, separated by commas), read as ``json.loads`` reads them;
    None when it is not whole objects of bounded nesting with no number yajl refuses.  With orjson
    ``data`` is copied once, into a buffer with the pad's room around it (see :func:`_batch_at`)."""
    if loads is None:
        return _scan_batch(memoryview(data), True)
    buf = _JOIN((_OPEN, data, _CLOSE))
    return _batch_at(buf, memoryview(buf), loads, _ROOM, _ROOM + len(data))


def _batch_at(
    buf: bytearray, view: memoryview, loads: Any, start: int, stop: int, scan: bool = True
) -> list[Any] | None:
    """:func:`_batch` for ``buf[start:stop]`` of a buffer with :data:`_ROOM` bytes on either side
    (``view`` is its memoryview), read where it lies.  Without orjson, the exact scanner reads it
    (a call per integer costs less than the digit test over every byte).  With orjson, the pad is
    written around the stretch in the buffer itself (over bytes already read before it, and over
    the bytes after it, which are put back), so the stretch is not copied; the digit test (the
    pad's brackets only come before a number: it can find more, never fewer) translates the whole
    buffer when the stretch is most of it, else a copy of the padded stretch, so that no byte is
    translated more than about twice.  ``scan`` False: None where orjson does not read it, without
    asking the scanner."""
    if loads is None:
        return _scan_batch(view[start:stop], True)
    lo, hi = start - _ROOM, stop + _ROOM
    after = buf[stop:hi]
    buf[lo:start] = _OPEN
    buf[stop:hi] = _CLOSE
    try:
        if 2 * (hi - lo) >= len(buf):
            long = buf.translate(NUMBER_TABLE).find(LONG_NUMBER, lo, hi) >= 0
        else:
            long = has_long_number(bytearray(view[lo:hi]))
        got = None if long else _orjson_padded(view[lo:hi], loads)
    finally:
        buf[stop:hi] = after
    if got is not None or not scan:
        return got
    return _scan_batch(view[start:stop], long)


def _frame(buf: bytes) -> int:
    """The position in ``buf`` just after the entries' ``[``, with the frame before it proven as the
    stream's guard reads it; :class:`Unusual` when it is not all in ``buf`` or not the usual one."""
    text = buf.decode("utf-8", "surrogateescape")
    end = len(text[: frame_length(text)].encode("utf-8", "surrogateescape"))
    frame = buf[:end]
    try:
        frame.decode("utf-8")
        guard = HarStream(io.BytesIO(frame))
        while guard.read(IJSON_BUFFER):
            pass
    except (UnicodeDecodeError, CaptureError):
        raise Unusual(0) from None
    return end


def _long_line(buf: bytes | bytearray, start: int, end: int, floor: int = READ) -> int:
    """The length of the longest line of ``buf[start:end]`` (line breaks not counted) when one is
    longer than ``floor``; else a length no more than ``floor`` (0 mostly), which :func:`_reach`
    does not tell apart from the exact one.

    Cut the stretch into pieces of ``floor // 2`` bytes from ``start``: when each whole piece holds
    a line break, no line is as long as two pieces (it would hold a whole one), so none is longer
    than ``floor``.  That costs a few finds a block, each stopping at the first break; only a
    stretch with a piece without one is split to measure its lines."""
    step = floor // 2
    find = buf.find
    at = start
    while step and at + step <= end:
        if find(b"\n", at, at + step) < 0:
            break
        at += step
    else:
        if step:
            return 0
    return max(map(len, buf[start:end].split(b"\n")))


def _reach(longest: int) -> int:
    """How far past its start a read of the guard may reach, when no line so far is longer than
    ``longest``: a read is :data:`READ` bytes, or inside a string as long as the string so far
    (which a line holds), plus the few bytes of an escape kept back from the read before."""
    return max(READ, longest) + 64


class _Kept:
    """Every byte read, while no entry has been given and they are few (:data:`_KEPT`)."""

    def __init__(self) -> None:
        self.parts: list[bytes] | None = []
        self.size = 0

    def add(self, data: bytes) -> None:
        if self.parts is not None:
            self.size += len(data)
            self.parts.append(data)
            if self.size > _KEPT:
                self.parts = None

    @property
    def data(self) -> bytes | None:
        return None if self.parts is None else b"".join(self.parts)


def line_entries(raw: IO[bytes]) -> Iterator[Any]:
    """The ``log.entries`` items of a HAR in either layout (one entry a line, or indented), from the
    first byte of ``raw``, as ``json.loads`` reads them; :class:`Unusual` (see the module
    documentation) otherwise, with the bytes read to replay when none has been dropped yet (a file
    in another layout is told in its first block)."""
    kept = _Kept()
    try:
        yield from _line_entries(raw, kept)
    except Unusual as exc:
        raise Unusual(exc.given, kept.data) from None


def _release(held: deque[tuple[list[Any], int]], upto: int) -> Generator[Any, None, int]:
    """Give the runs of ``held`` whose last line ends at ``upto`` or before (the bytes a read of the
    guard could reach from their end are proven); return how many entries were given."""
    given = 0
    while held and held[0][1] <= upto:
        run = held.popleft()[0]
        yield from run
        given += len(run)
    return given


def _fill(raw: IO[bytes], into: Any, target: memoryview) -> int:
    """Read into ``target`` (with the stream's ``readinto`` when it has one: no copy made); how
    many bytes came, 0 at the end."""
    if into is not None:
        return int(into(target) or 0)
    data = raw.read(len(target))
    target[: len(data)] = data
    return len(data)


def _line_entries(raw: IO[bytes], kept: _Kept) -> Iterator[Any]:
    loads = orjson_loads() if ORJSON_DEPTH > _ENTRY_DEPTH + 1 else None
    first = raw.read(_BLOCK)
    kept.add(first)
    frame = _frame(first)
    # The bytes read live in buf[_ROOM:top], with _ROOM bytes free before and after them for the
    # pad of a batch (see _batch_at); a read goes straight into the buffer, and only the
    # part of an entry after the last one read is moved to the front before it.
    buf = bytearray(_ROOM + len(first) + _ROOM)
    view = memoryview(buf)
    top = _ROOM + len(first)
    view[_ROOM:top] = first
    into = getattr(raw, "readinto", None)
    pos = _ROOM + frame
    longest = _long_line(buf, _ROOM, pos)
    base = -_ROOM  # the file position of buf[0]
    # Entries read, in runs (a block's, or a line's), with where the run's last line ends.
    held: deque[tuple[list[Any], int]] = deque()
    given = 0
    while True:
        at = _WS_RUN.match(buf, pos, top).end()  # type: ignore[union-attr] # always matches
        if at + 1 < top and buf[at] == _BRACE and buf[at + 1] in (_LF, _CR):
            # An entry whose "{" ends its line: indented, as a browser saves it.  The elements up
            # to the last line that closes one at its column, at once (orjson inside the pad, or
            # the scanner); each counts as ending where the last does.
            cut = indented_cut(buf, at, BYTE_MARKS, top)  # type: ignore[type-var] # a bytearray, read as bytes
            if cut >= 0:
                longest = max(longest, _long_line(buf, pos, cut))
                entries = _batch_at(buf, view, loads, pos, cut)
                if not entries:
                    raise Unusual(given)
                held.append((entries, base + cut))
                given += yield from _release(held, base + cut + 1 - _reach(longest))
                pos = cut + 1
                continue
            nl = -1  # no cut in the bytes read: read on
        else:
            nl = buf.rfind(b"\n", pos, top)
        last = nl
        while last > pos and buf[last - 1] in _WS_SET:
            last -= 1
        if last > pos and buf[last - 1] == _COMMA:
            longest = max(longest, _long_line(buf, pos, nl))
            reach = _reach(longest)
            if loads is not None:
                # The usual block: all its lines at once, by orjson inside the pad that bounds the
                # nesting; no bracket counted, no line copied, the digit test over the padded text
                # (the pad's brackets only come before a number: it can find more, never fewer).
                # Each entry counts as ending where the block does, which only holds it longer.
                entries = _batch_at(buf, view, loads, pos, last - 1, scan=False)  # to the last comma
                if entries is not None:
                    end = base + nl + 1
                    held.append((entries, base + nl))
                    given += yield from _release(held, end - reach)
                    pos = nl + 1
                    continue
            chunk = bytes(view[pos:nl])  # whole lines, the last ending with a comma
            lines = lines_of(chunk, final=True)  # as split gives them, found faster
            end = base + pos  # where the line read next starts
            # One entry a line, each parsed alone (fewer values alive than a batch keeps, and
            # faster): a line that is one object and a comma is a whole element.  Its brackets (in
            # strings too) bound its nesting; they are counted on it (codec.body.count_opening),
            # once it parsed (callgrind, an exchange of the benchmark's HAR without
            # orjson: 340.3k -> 327.0k instructions, against a deleting translation of the block).
            # Without orjson the exact scanner refuses those numbers itself: a call per integer
            # costs less than the digit test over every byte (callgrind, an exchange of the
            # benchmark's HAR: 391.0k -> 382.1k instructions; indented, in _batch: 428.6k -> 410.1k),
            # and since that call is a look-up in harsplit's table of integers, 16k less again.
            long = loads is None or has_long_number(chunk)
            quick = None if long else loads
            scan = EXACT_SCAN if long else _QUICK_SCAN
            hold, release, comma, ws = held.append, held.popleft, _COMMA, _WS_BYTES
            for line in lines:
                body = line if line[-1:] == b"," else line.rstrip(ws)
                if body:
                    if body[-1] != comma:
                        break
                    if quick is not None:
                        try:
                            entry = quick(memoryview(body)[:-1])
                        except ValueError:  # orjson.JSONDecodeError
                            break
                    else:
                        try:
                            text = body.decode("utf-8")
                            entry, stop = scan(text, 0)
                        except (ValueError, StopIteration, RecursionError):  # UnicodeDecodeError too
                            break
                        if stop != len(text) - 1:
                            break
                    if type(entry) is not dict or (
                        count_opening(body, _ENTRY_DEPTH) > _ENTRY_DEPTH
                        and _too_deep(body.decode("utf-8", "surrogatepass"))
                    ):
                        break
                    hold(([entry], end + len(body)))
                end += len(line) + 1
                while held and held[0][1] + reach <= end:
                    run = release()[0]
                    yield from run
                    given += len(run)
            if end < base + nl + 1:
                # The rest of the lines at once (another layout of lines, a lone surrogate escape,
                # white space in odd places): for the batch readers.
                region = bytes(view[end - base : nl]).rstrip(_WS_BYTES)
                entries = _batch(region[:-1], loads) if region[-1:] == b"," else None
                if not entries:
                    raise Unusual(given)
                held.append((entries, base + nl))
                end = base + nl + 1
                given += yield from _release(held, end - reach)
            pos = nl + 1
            continue
        tail = top - pos
        if tail > _MAX_LINE:
            raise Unusual(given)  # one line this long: split_entries streams it
        want = max(_BLOCK, tail)
        if _ROOM + tail + want + _ROOM > len(buf):
            grown = bytearray(_ROOM + tail + want + _SLACK + _ROOM)
            grown[_ROOM : _ROOM + tail] = view[pos:top]
            view.release()
            buf, view = grown, memoryview(grown)
        else:
            view[_ROOM : _ROOM + tail] = view[pos:top]
        base += pos - _ROOM
        pos, top = _ROOM, _ROOM + tail
        got = _fill(raw, into, view[top : top + want])
        if not got:
            break
        if given:
            kept.parts = None
        else:
            kept.add(bytes(view[top : top + got]))
        top += got
    # The last entries, then "]", "}", "}" and white space to the end.
    rest = bytes(view[pos:top]).rstrip(_WS_BYTES)
    for closer in b"}}]":
        if rest[-1:] != bytes((closer,)):
            raise Unusual(given)
        rest = rest[:-1].rstrip(_WS_BYTES)
    entries = _batch(rest, loads) if rest else None
    if not entries:
        raise Unusual(given)  # "[]" (ijson checks the frame), a trailing comma
    for run, _ in held:
        yield from run
    yield from entries
