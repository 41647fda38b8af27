"""The byte stream a HAR parser reads: a guard between the file and ijson.

ijson (yajl) is fast, but three of its habits cannot be tolerated on untrusted captures, and all
three are cured before the parser sees a byte:

* **Nesting.**  ijson keeps one path string per open level (``log.entries.item.item...``), so a
  document of 100,000 nested ``[`` (200 KB) needs memory growing with the square of the depth:
  gigabytes.  :class:`HarStream` counts the brackets outside strings and refuses a document nested
  deeper than :data:`MAX_DEPTH` with a :class:`~cognito_spec.errors.CaptureError`, before the parser
  gets that far.
* **Long strings.**  yajl re-reads a token that spans read buffers from its start at every new
  buffer, so one 40 MB string read 64 KiB at a time costs time growing with the square of its length.
  Inside a long string :class:`HarStream` hands out reads as long as the string so far (doubling),
  which keeps the total linear; ijson is given a ``buf_size`` (:data:`IJSON_BUFFER`) that lets the
  stream choose.
* **Lone surrogates.**  yajl turns a ``\\ud800`` escape into ``?`` (and ``\\udfff`` into bytes that
  are not UTF-8), where Python's ``json`` -- and so the JSON-lines reader -- keeps the code point.
  With ``mark=True`` the stream rewrites every surrogate escape into a marker that yajl passes
  through (U+FFFF, then a private-use character carrying the code point; a real U+FFFF is written
  as two markers), and :func:`unmark` turns the parsed strings back into exactly what ``json``
  gives.  Only the readers of :mod:`cognito_spec.traffic.har` ask for this.

The bytes are otherwise passed on unchanged.  Scanning costs a few C-level passes per read (escape
removal, a byte translation, a split at quotes), no Python loop over the bytes.
"""

from __future__ import annotations

import re
from itertools import accumulate
from typing import IO, Any, Final

from cognito_spec.errors import CaptureError

__all__ = ["IJSON_BUFFER", "MAX_DEPTH", "READ", "HarStream", "restore", "unmark"]

#: How deep a HAR may nest outside strings.  A HAR needs 7 levels (document, log, entries, entry,
#: request, headers, header) and tools add a few; bodies are strings and do not count.  256 keeps
#: ijson's per-level paths to a few hundred kilobytes, and the entries this builds shallow enough
#: for ``json.dumps`` and the rest of the standard library's recursion limits.
MAX_DEPTH: Final = 256
#: The ``buf_size`` handed to ijson with a :class:`HarStream`: large, so the stream decides.
#: (ijson asks ``read(buf_size)`` and uses what it gets; it does not allocate the size up front.)
IJSON_BUFFER: Final = 1 << 30
#: Read size outside long strings.
READ: Final = 1 << 16
#: The first bytes kept to tell an empty HAR from something that is no HAR at all.
HEAD_BYTES: Final = 16 << 20

_DELETE: Final = bytes(range(256)).translate(None, b'"[]{}')
_PARENS: Final = bytes.maketrans(b"[{]}", b"(())")
_STEP: Final = [0] * 256
_STEP[ord("(")], _STEP[ord(")")] = 1, -1
_MARK: Final = "\uffff"
_MARK_BYTES: Final = _MARK.encode()
_MAYBE_MARK: Final = re.compile(rb"\\u[dDfF]")
_MARKABLE: Final = re.compile(rb"(\\+)(u[dD][89a-fA-F][0-9a-fA-F]{2}|u[fF]{4})|\xef\xbf\xbf")
_UNMARK: Final = re.compile(_MARK + "(.)", re.DOTALL)
_SURROGATE: Final = re.compile("[\ud800-\udfff]")


def _safe_cut(data: bytes) -> int:
    """Where to end a read so that no escape (``\\uXXXX``, a run of backslashes) and no encoded
    U+FFFF is cut in two; the rest waits for the next read.  0 when nothing can be handed out yet."""
    n = len(data)
    p = data.find(b"\\", max(0, n - 5))
    if p >= 0:
        while p > 0 and data[p - 1] == 0x5C:
            p -= 1
        return p
    if data.endswith(b"\xef"):
        return n - 1
    if data.endswith(b"\xef\xbf"):
        return n - 2
    return n


class HarStream:
    """A HAR's bytes, read through the guards described in the module documentation.

    ``source`` names the file in errors; ``offset`` counts the bytes handed out.  ``marked`` tells
    that a surrogate escape (or a U+FFFF) was rewritten, so parsed strings need :func:`restore`.
    ``head`` holds the first bytes (up to :data:`HEAD_BYTES`) while ``keep_head`` is set, and is None
    once they overflow.

    Deliberately not an ``io.RawIOBase``: given an object with ``readinto``, ijson allocates a
    buffer of the whole ``buf_size`` (:data:`IJSON_BUFFER`, a gigabyte) and reads into it.
    """

    def __init__(self, raw: IO[bytes], source: str = "", *, mark: bool = False) -> None:
        self._raw = raw
        self.source = source
        self.mark = mark
        self.marked = False
        self.offset = 0
        self.head: bytearray | None = None
        self._tail = b""
        self._eof = False
        self._depth = 0
        self._in_string = False
        self._run = 0

    def readable(self) -> bool:
        return True

    @property
    def raw(self) -> IO[bytes]:
        """The stream this one reads (for a reader that proves the guard's verdict otherwise)."""
        return self._raw

    def close(self) -> None:
        self._raw.close()

    def keep_head(self) -> None:
        self.head = bytearray()

    def read(self, size: int | None = -1) -> bytes:
        if size == 0:
            return b""
        want = max(READ, self._run) if self._in_string else READ
        if size is not None and size > 0:
            want = min(want, size)
        data = self._tail
        while True:
            more = b"" if self._eof else self._raw.read(want)
            if not more:
                self._eof = True
            data = data + more if data else more
            cut = len(data) if self._eof else _safe_cut(data)
            if cut or self._eof:
                break
        chunk, self._tail = (data, b"") if cut == len(data) else (data[:cut], data[cut:])
        if not chunk:
            return b""
        self._scan(chunk)
        self.offset += len(chunk)
        if self.mark and ((b"\\u" in chunk and _MAYBE_MARK.search(chunk)) or _MARK_BYTES in chunk):
            chunk = _MARKABLE.sub(self._marker, chunk)
        if self.head is not None:
            if len(self.head) + len(chunk) > HEAD_BYTES:
                self.head = None
            else:
                self.head += chunk
        return chunk

    def _scan(self, chunk: bytes) -> None:
        """Follow strings and nesting through one chunk (which never ends inside an escape)."""
        # Only the quotes that end strings matter: drop escaped backslashes first (pairs, left to
        # right, as a JSON reader pairs them), then escaped quotes.  The chunk never ends inside an
        # escape and starts after one, so the pairing is the reader's.
        plain = chunk.replace(b"\\\\", b"") if b"\\\\" in chunk else chunk
        plain = plain.replace(b'\\"', b"")
        parts = plain.translate(_PARENS, _DELETE).split(b'"')
        outside = b"".join(parts[1::2] if self._in_string else parts[0::2])
        if len(parts) % 2 == 0:
            self._in_string = not self._in_string
        if not self._in_string:
            self._run = 0
        elif len(parts) == 1:
            self._run += len(chunk)
        else:
            self._run = len(chunk) - chunk.rfind(b'"')
        opens = outside.count(b"(")
        if self._depth + opens > MAX_DEPTH:
            peak = max(accumulate(map(_STEP.__getitem__, outside), initial=self._depth))
            if peak > MAX_DEPTH:
                raise CaptureError(
                    f"nested deeper than {MAX_DEPTH} levels",
                    source=self.source,
                    position=f"byte {self.offset + len(chunk)}",
                )
        self._depth += 2 * opens - len(outside)

    def _marker(self, m: re.Match[bytes]) -> bytes:
        run, escape = m.group(1), m.group(2)
        if run is None:  # an encoded U+FFFF: doubled, so it cannot be read as a marker
            self.marked = True
            return _MARK_BYTES * 2
        if len(run) % 2 == 0:  # an escaped backslash, then plain text
            return m.group(0)
        self.marked = True
        code = int(escape[1:], 16)
        mark = _MARK_BYTES if code == 0xFFFF else chr(0xE000 + code - 0xD800).encode()
        return run[:-1] + _MARK_BYTES + mark


def _unmark_one(m: re.Match[str]) -> str:
    c = m.group(1)
    return c if c == _MARK else chr(ord(c) - 0xE000 + 0xD800)


def unmark(text: str) -> str:
    """A string parsed from a marked stream, as Python's ``json`` reads the original.

    Surrogate escapes come back as code points; a high one followed by a low one combines into one
    character, as ``json`` combines ``\\ud83d\\ude00``.
    """
    if _MARK not in text:
        return text
    text = _UNMARK.sub(_unmark_one, text)
    if _SURROGATE.search(text):
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")
    return text


def restore(value: Any) -> Any:
    """A value parsed from a marked stream with every string (keys too) passed through :func:`unmark`."""
    if type(value) is str:
        return unmark(value)
    if type(value) is dict:
        return {unmark(k): restore(v) for k, v in value.items()}
    if type(value) is list:
        return [restore(v) for v in value]
    return value
