"""A HAR's ``log.entries`` cut out of the byte stream and parsed one by one with the stdlib's C scanner.

ijson builds each entry event by event, about three times the cost of ``json.loads`` on the same
bytes.  The HAR writers in use put ``log`` first and ``entries`` as a plain array of objects, so the
entries can be read straight off the decoded text: :func:`split_entries` recognises the document's
frame (``{"log": {`` ... ``"entries": [``), then hands each element to the stdlib's C scanner
(``scan_once``: one value from a position, and where it ends), which gives exactly what
``json.loads`` gives -- the values the ijson reader gives after
:func:`~cognito_spec.traffic.harstream.restore`, lone surrogate escapes included.

It takes the files :mod:`~cognito_spec.traffic.harlines` hands back (a frame too large for its
first block, an element it cannot cut or read) and is only ever a shortcut.  Anything it does not
recognise or cannot read -- another frame (a key before ``log``, a key with an escape, ``entries``
that is not an array, a second ``entries`` or ``log``), an element that is not an object, text the
scanner refuses (bad JSON, ``NaN``, invalid UTF-8, an integer beyond 63 bits or a float beyond the
largest, which yajl refuses), trailing bytes, no entry at all, or an error of the stream itself
(nesting deeper than :data:`~cognito_spec.traffic.harstream.MAX_DEPTH`) -- raises :class:`Unusual`
with the count of entries already given, and the caller reads the file again with ijson, skipping
those.  So the ijson reader decides every unusual file, errors and messages included.

Why the entries given before an :class:`Unusual` are the ones ijson gives first: an entry is given
only once everything before its end is valid JSON (the frame as matched, values and separators as
the scanner or the patterns read them), and the scanner accepts nothing that yajl refuses (constants
are refused, white space is JSON's four characters, UTF-8 is decoded strictly); ijson gives every
entry complete before an error (a HAR cut short or broken still yields what precedes the break).
The bytes come through the same :class:`~cognito_spec.traffic.harstream.HarStream`, read with the
same sizes, as ijson's; tests/test_capture.py checks the two readers agree over generated HAR texts.

With orjson, a stretch of many elements goes to it in one call (:func:`_batch`), cut where the
layout says elements end: at the last line break for a file written one entry a line, and for one a
browser saves (every member indented, an entry over many lines) after the last line that holds only
the entry's own indentation and ``},`` -- the column of the entry's ``{``, which every deeper line
of a pretty-printer passes, and a raw line break is never inside a string.  The cut is only a guess:
the stretch from an element's ``{`` parsing as an array of objects proves it is whole elements
(objects end themselves and the grammar is deterministic), and what the stretch could hold that
orjson reads otherwise (an integer of 19 digits or more) sends it to the scanner.  A parse that
fails (a nested member at the entry's column, a lone surrogate escape) sends the rest of the file to
the scanner, so a failed parse is paid once.  When the text read holds no cut (the element runs
past its end), it is read on once and cut again before the scanner takes the element: the scanner
would read on only after failing at the end, and ``json``'s error counts the lines of all the text.
The reads are the stream's, in the same sizes; only the text kept before them is a line longer.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from typing import Any, AnyStr, Final

from cognito_spec.codec.body import orjson_enabled
from cognito_spec.errors import CaptureError
from cognito_spec.traffic.harstream import IJSON_BUFFER, HarStream

__all__ = [
    "BYTE_MARKS",
    "EXACT_SCAN",
    "LONG_NUMBER",
    "NUMBER_TABLE",
    "TEXT_MARKS",
    "WS",
    "Unusual",
    "frame_length",
    "has_long_number",
    "indented_cut",
    "orjson_loads",
    "parse_float",
    "refuse_constant",
    "split_entries",
]

#: yajl refuses integers outside 64 bits (-2**63 itself too) and floats that overflow to infinity,
#: which json reads; ijson then stops with "integer overflow" or "numeric overflow".  (Found by the
#: property in tests/test_capture.py.)  The scanner here refuses them too, and ijson decides.
_INT_MIN: Final = -(2**63)
_INT_MAX: Final = 2**63 - 1


class _Integers(dict[str, int]):
    """The scanner's ``parse_int``: each integer's text to its value, refusing what yajl refuses.

    The scanner calls ``parse_int`` for every integer; a Python function costs ~1.6k instructions a
    call, 16k an entry of the benchmark's HAR (its sizes, status and timings: callgrind).  Through
    ``__getitem__`` of this table, a text seen before costs a look-up in C; a new one is converted
    (and refused, out of range) by :meth:`__missing__`, which keeps the first
    :data:`_INTEGERS_KEPT` in the table.  The value is ``int(text)`` either way: exact.
    """

    __slots__ = ()

    def __missing__(self, text: str) -> int:
        value = int(text)
        if not _INT_MIN < value <= _INT_MAX:
            raise ValueError("an integer ijson refuses")
        if len(self) < _INTEGERS_KEPT:
            self[text] = value
        return value


#: The integer texts :class:`_Integers` keeps: the few values a capture repeats (status codes,
#: sizes, timings), in a bounded table.
_INTEGERS_KEPT: Final = 4096
_INTEGERS: Final = _Integers()


def parse_float(text: str) -> float:
    """``float`` for the scanner, refusing what overflows to infinity (yajl does)."""
    value = float(text)
    if value in (_INF, -_INF):
        raise ValueError("a number ijson refuses")
    return value


_INF: Final = float("inf")


def refuse_constant(name: str) -> None:
    """The scanner's ``parse_constant``: NaN and Infinity are no JSON."""
    raise ValueError(f"{name} is not a JSON value")


#: The scanner that refuses every number and constant yajl refuses.
EXACT_SCAN: Final[Any] = json.JSONDecoder(  # type: ignore[attr-defined]
    parse_constant=refuse_constant, parse_int=_INTEGERS.__getitem__, parse_float=parse_float
).scan_once
_SCAN: Final = EXACT_SCAN
#: JSON's white space, and nothing else (``\\s`` would take \\f, \\v and more).
WS: Final = re.compile(r"[ \t\n\r]*")
_FRAME: Final = re.compile(r'[ \t\n\r]*\{[ \t\n\r]*"log"[ \t\n\r]*:[ \t\n\r]*\{[ \t\n\r]*')
#: A key without escapes, and its colon (a key with one could spell ``entries``: for ijson).
_KEY: Final = re.compile(r'"([^"\\\x00-\x1f]*)"[ \t\n\r]*:[ \t\n\r]*')
#: Text kept undecided before a frame's piece is found: a frame is small; more means unusual.
_FRAME_TEXT: Final = 1 << 20


class Unusual(Exception):  # an internal signal: cognito_spec.traffic.har always catches it
    """The file is not in the form :func:`split_entries` reads; ``given`` entries were yielded.

    ``replay``, when set, is every byte the reader took from its stream so far (from the first), so
    that the next reader can start from them instead of opening the file again.
    """

    def __init__(self, given: int, replay: bytes | None = None) -> None:
        super().__init__(given)
        self.given = given
        self.replay = replay


class _Text:
    """The decoded text read so far (from ``pos`` on) and the stream it comes from."""

    def __init__(self, stream: HarStream | None, text: str = "") -> None:
        self.stream = stream
        self.decoder = codecs.getincrementaldecoder("utf-8")("strict")
        self.text = text
        self.eof = stream is None  # a text given whole

    def more(self, pos: int) -> int:
        """Drop the text before ``pos`` and read on (at least double the text kept, so that a long
        value is scanned a logarithmic number of times); the new position of ``pos``."""
        if self.eof or self.stream is None:
            return -1
        keep = self.text[pos:]
        parts = [keep]
        size = len(keep)
        want = max(size, 1)
        got = 0
        while got < want:
            chunk = self.stream.read(IJSON_BUFFER)
            if not chunk:
                parts.append(self.decoder.decode(b"", final=True))
                self.eof = True
                break
            piece = self.decoder.decode(chunk)
            parts.append(piece)
            got += len(piece)
        self.text = "".join(parts)
        return 0


def _frame(src: _Text, given: int) -> int:
    """The position just after ``"entries": [`` in ``log``, reading through the keys before it."""
    pos = 0
    while True:
        m = _FRAME.match(src.text)
        if m is not None:
            pos = m.end()
            break
        if len(src.text) > _FRAME_TEXT or src.more(0) < 0:
            raise Unusual(given)
    while True:
        pos = _ws(src, pos, given)
        m = _KEY.match(src.text, pos)
        if m is None:
            if len(src.text) - pos > _FRAME_TEXT or (pos := src.more(pos)) < 0:
                raise Unusual(given)
            continue
        if m.group(1) == "entries":
            pos = _ws(src, m.end(), given)
            if src.text[pos : pos + 1] != "[":
                raise Unusual(given)
            return pos + 1
        pos = _value(src, m.end(), given)[1]
        pos = _ws(src, pos, given)
        if src.text[pos : pos + 1] != ",":
            raise Unusual(given)  # the end of log without entries, or bad JSON: for ijson
        pos += 1


def frame_length(text: str) -> int:
    """The length of the frame at the start of ``text`` (to just after ``"entries": [``), read as
    :func:`split_entries` reads it; :class:`Unusual` when ``text`` does not hold all of it."""
    return _frame(_Text(None, text), 0)


def _ws(src: _Text, pos: int, given: int) -> int:
    """Past white space at ``pos``, reading on while the text ends there; Unusual at the end."""
    while True:
        end = WS.match(src.text, pos).end()  # type: ignore[union-attr] # always matches
        if end < len(src.text):
            return end
        if (pos := src.more(end)) < 0:
            raise Unusual(given)


def _value(src: _Text, pos: int, given: int) -> tuple[Any, int]:
    """The JSON value at ``pos`` and where it ends, reading on while it may be incomplete."""
    while True:
        try:
            value, end = _SCAN(src.text, pos)
        except (json.JSONDecodeError, StopIteration) as exc:
            # A text cut short fails at its end ("Expecting value" there, or StopIteration where a
            # member's value should start; a literal or a number begun within a few characters of
            # it) or in a string that runs to it; an error before that is bad JSON, which more
            # text cannot mend.
            if isinstance(exc, StopIteration):
                near_end = exc.value >= len(src.text) - _NEAR_END
            else:
                near_end = exc.pos >= len(src.text) - _NEAR_END or exc.msg.startswith("Unterminated string")
            if not near_end or (pos := src.more(pos)) < 0:
                raise Unusual(given) from None
            continue
        except (ValueError, RecursionError):
            raise Unusual(given) from None  # a number or constant refused, nested too deep
        if end < len(src.text) or src.eof or type(value) not in (int, float):
            return value, end
        # A number that ends where the text does may go on: read on and scan again.
        if (pos := src.more(pos)) < 0:
            raise Unusual(given)


#: How close to the end of the text a scan that fails may have stopped for want of text.
_NEAR_END: Final = 16


def _tail(src: _Text, pos: int, given: int) -> None:
    """After the entries' ``]``: only the ends of ``log`` and of the document, then white space."""
    for _ in range(2):
        pos = _ws(src, pos, given)
        if src.text[pos : pos + 1] != "}":
            raise Unusual(given)  # more keys (perhaps another entries): for ijson
        pos += 1
    while True:
        end = WS.match(src.text, pos).end()  # type: ignore[union-attr] # always matches
        if end < len(src.text):
            raise Unusual(given)  # trailing bytes: ijson refuses them, with its message
        if (pos := src.more(end)) < 0:
            return


def split_entries(stream: HarStream, skip: int = 0) -> Iterator[Any]:
    """The ``log.entries`` items of the HAR ``stream`` (from its first byte), as ``json.loads``
    reads them, but for the first ``skip`` (read, not given); :class:`Unusual` (see the module
    documentation) when the file is for ijson, with the count of entries read."""
    for given, entry in enumerate(_split_entries(stream)):
        if given >= skip:
            yield entry


def _split_entries(stream: HarStream) -> Iterator[Any]:
    stream.mark = False  # the scanner reads surrogate escapes itself
    src = _Text(stream)
    given = 0
    loads = orjson_loads()
    read_on = True  # whether to read on once when no cut is found in the text read
    try:
        src.more(0)
        pos = _frame(src, given)
        pos = _ws(src, pos, given)
        if src.text[pos] != "{":
            raise Unusual(given)  # not an object, or no entry at all (ijson checks the frame)
        while True:
            # Here an element starts (a "{" at pos), after "[" or a comma.
            if loads is not None:
                batch = _batch(src.text, pos, loads)
                if batch is None:
                    loads = None  # not this file's form (or a value orjson reads otherwise)
                elif batch[0]:
                    entries, pos = batch
                    for entry in entries:
                        yield entry
                        given += 1
                    pos = _ws(src, pos, given)
                    if src.text[pos] != "{":
                        raise Unusual(given)
                    read_on = True
                    continue
                elif read_on and not src.eof:
                    # No cut in the text read: the element runs past its end.  Read on once (as the
                    # scanner would, failing there first) and cut again; the line break before
                    # the element is kept, for its indentation.
                    keep = src.text.rfind("\n", 0, pos)
                    keep = pos if keep < 0 else keep
                    pos = src.more(keep) + pos - keep
                    read_on = False
                    continue
            read_on = True
            entry, pos = _value(src, pos, given)
            yield entry
            given += 1
            pos = _ws(src, pos, given)
            c = src.text[pos]
            if c == "]":
                _tail(src, pos + 1, given)
                return
            if c != ",":
                raise Unusual(given)
            pos = _ws(src, pos + 1, given)
            if src.text[pos] != "{":
                raise Unusual(given)  # "[{...},]", an element that is not an object: for ijson
    except (CaptureError, UnicodeDecodeError):
        raise Unusual(given) from None


def orjson_loads() -> Any:
    """orjson's ``loads`` when codec.body's fast path is on, else None."""
    if not orjson_enabled():
        return None
    import orjson

    return orjson.loads


#: A table for finding numbers of 19 digits or more (an integer beyond 63 bits, which yajl refuses and
#: orjson reads, as an integer up to 2**64 and as a float beyond): digits and "-" become "0", what
#: may come before a number ([ , : and white space) "|".
NUMBER_TABLE: Final = bytes(
    48 if 48 <= c <= 57 or c == 45 else 124 if chr(c) in "[,: \t\n\r" else 32 for c in range(256)
)
#: What may come before a number, then 19 digits or a sign and 18 (or more) digits: one search finds
#: both signs (a negative number of 19 digits is 20 marks), and a sign and 18 digits too, which is
#: only more found, never less.
LONG_NUMBER: Final = b"|" + b"0" * 19


def has_long_number(data: bytes | bytearray) -> bool:
    """Whether ``data`` may hold an integer of 19 digits or more (one beyond 63 bits, which yajl
    refuses): 19 digits after what may come before a number, a string's text too.

    The translation runs on a bytearray: CPython's ``bytearray.translate`` costs 6 instructions a
    byte, ``bytes.translate`` 9 (it also tests whether any byte changed), so a bytes object is
    copied into one first (1 a byte), and callers that build the text build a bytearray."""
    if type(data) is not bytearray:
        data = bytearray(data)
    return LONG_NUMBER in data.translate(NUMBER_TABLE)


def _batch(text: str, pos: int, loads: Any) -> tuple[list[Any], int] | None:
    """Every element from ``pos`` to a cut (see below) at once, by orjson, and the position after
    them (at or after their last comma); ``[]`` when no cut is found (the scanner takes the next
    element), None when the stretch is not whole elements each followed by a comma, or holds what
    orjson reads otherwise than ``json`` (a long integer).

    A raw line break is never inside a string.  An element whose ``{`` ends its line is indented
    (a pretty-printer puts every deeper line further right): the cut is after the last ``}`` that
    stands alone with a comma on a line at the column of that ``{`` (see :func:`indented_cut`).
    Any other element is taken as one entry a line (as JSON-lines writers and this library's
    write_har write them): the cut is the last line break, after a comma.  Either way the cut is
    only a guess, and "[" + stretch + "]" parsing as an array of objects is the proof: the stretch
    starts at an element's ``{``, objects end themselves and the grammar is deterministic, so it is
    exactly whole elements; a wrong guess only makes the parse fail.  orjson refuses what ``json``
    refuses here (a lone surrogate escape, a float that overflows) and reads the rest alike, but for
    integers beyond 63 bits, which yajl refuses and orjson reads: the digit test (19 digits after
    what may come before a number) sends those, and the rare string so written, to the scanner.
    """
    if text[pos + 1 : pos + 2] in ("\n", "\r"):
        cut = indented_cut(text, pos, TEXT_MARKS)
        if cut < 0:
            return [], pos  # no cut in the text read: the scanner takes the next element
        body = text[pos:cut]
        end = cut + 1  # past the comma
    else:
        end = text.rfind("\n", pos)
        if end < 0:
            return [], pos  # no line break after pos: the scanner takes the next element
        body = text[pos:end].rstrip(" \t\n\r")
        if body[-1:] != ",":
            return None
        body = body[:-1]
    if has_long_number(body.encode("utf-8", "surrogatepass")):
        return None  # an integer orjson would read as a float (or digits so placed in a string)
    try:
        entries = loads("[" + body + "]")
    except ValueError:  # orjson.JSONDecodeError
        return None
    if not all(type(e) is dict for e in entries):
        return None
    return entries, end


#: The marks :func:`indented_cut` looks for, in text and in bytes: the line break, the blanks of an
#: indentation, the end of an element and its comma, and the line break of CRLF files.
TEXT_MARKS: Final = ("\n", " \t", "},", "\r\n")
BYTE_MARKS: Final = (b"\n", b" \t", b"},", b"\r\n")


def indented_cut(
    text: AnyStr, pos: int, marks: tuple[AnyStr, AnyStr, AnyStr, AnyStr], stop: int | None = None
) -> int:
    """Where the last line after ``pos`` that holds only the indentation of the ``{`` at ``pos``
    and ``},`` has its comma (the ``}`` just before); -1 when there is none, or when the ``{`` has
    more than blanks before it on its line (or the start of its line was dropped).  ``marks``:
    :data:`TEXT_MARKS` or :data:`BYTE_MARKS`, as ``text`` is decoded or not.  ``stop``: where the
    text read so far ends (a buffer's bytes after it are not the text's), by default its length.

    A pretty-printer puts every deeper line of an entry further right, and a raw line break is
    never inside a string, so that line closes an element; the cut is only a guess all the same,
    and parsing what lies before it as whole elements is the proof."""
    nl, blanks, close, crlf = marks
    start = text.rfind(nl, 0, pos) + 1
    indent = text[start:pos]
    if start == 0 or indent.strip(blanks):
        return -1
    needle = nl + indent + close
    end = len(text) if stop is None else stop
    limit = end
    while (at := text.rfind(needle, pos, limit)) >= 0:
        comma = at + len(needle) - 1
        if text[comma + 1 : min(comma + 2, end)] == nl or text[comma + 1 : min(comma + 3, end)] == crlf:
            return comma
        limit = comma  # more on that line (or the text ends there): an earlier line
    return -1
