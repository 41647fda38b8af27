"""Opening a capture: the format told from the content, a counted stream, and :func:`read_capture`.

:func:`read_capture` opens a path (``-`` is standard input), tells HAR from JSON lines and yields the
Cognito exchanges one at a time (:mod:`~cognito_spec.traffic.har`,
:mod:`~cognito_spec.traffic.jsonl` read them, :mod:`~cognito_spec.traffic.scope` picks them).
"""

from __future__ import annotations

import io
import os
import re
import sys
from collections.abc import Iterator
from typing import IO, Any, Final, Literal

import attrs

from cognito_spec.errors import CaptureError
from cognito_spec.traffic.har import iter_har
from cognito_spec.traffic.harstream import HarStream
from cognito_spec.traffic.jsonl import iter_jsonl
from cognito_spec.traffic.record import Exchange
from cognito_spec.traffic.scope import ReadStats, iter_exchanges

__all__ = ["CaptureSource", "Format", "open_capture", "read_capture", "sniff_format"]

#: How a capture is stored.
Format = Literal["har", "jsonl"]

#: Bytes read ahead to tell HAR from JSON lines (the first key of the document decides).
_SNIFF_BYTES: Final = 4096
#: Buffer size of the stream a capture is read through.
_BUFFER: Final = 1 << 16
_BOM: Final = b"\xef\xbb\xbf"
_FIRST_KEY: Final = re.compile(rb'\A\s*\{\s*"((?:[^"\\\\]|\\\\.)*)"\s*:')


class _Prefixed(io.RawIOBase):
    """A raw stream that replays the bytes read ahead for sniffing, then reads on; counts bytes."""

    def __init__(self, prefix: bytes, rest: IO[bytes]) -> None:
        super().__init__()
        self._prefix = memoryview(prefix)
        self._rest = rest
        # Reading on straight into the caller's buffer (a file's and standard input's readers have
        # readinto) saves a copy of every byte: read() makes a bytes object that is then copied in.
        self._rest_into: Any = getattr(rest, "readinto", None)
        self.consumed = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if len(self._prefix):
            n = min(len(buffer), len(self._prefix))
            buffer[:n] = self._prefix[:n]
            self._prefix = self._prefix[n:]
        elif self._rest_into is not None:
            n = self._rest_into(buffer)
        else:
            data = self._rest.read(len(buffer))
            n = len(data)
            buffer[:n] = data
        self.consumed += n
        return n


@attrs.define(eq=False)
class CaptureSource:
    """An open capture: its name for messages, its format, and a binary stream positioned at the start.

    ``size`` is the file's length when known (regular files), for progress reports; ``consumed``
    counts the bytes read so far.  ``path`` is set for regular files, which can be read again in
    ranges (the CLI's workers do), and ``start`` is where the content begins (3 after a UTF-8
    byte-order mark).
    """

    name: str
    format: Format
    stream: IO[bytes]
    size: int | None
    _raw: _Prefixed
    _owned: IO[bytes] | None = None
    path: str | None = None
    start: int = 0

    @property
    def consumed(self) -> int:
        return self._raw.consumed

    def close(self) -> None:
        if self._owned is not None:
            self._owned.close()

    def __enter__(self) -> CaptureSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def reopen(self) -> IO[bytes]:
        """A new stream of the capture's content from its start, read as :attr:`stream` is (only for
        a regular file, :attr:`path`); the caller closes it."""
        if self.path is None:
            raise CaptureError("only a regular file can be read again", source=self.name)
        fp = open(self.path, "rb")  # noqa: SIM115 - the caller closes it
        fp.seek(self.start)
        return HarStream(fp, self.name) if self.format == "har" else fp  # type: ignore[return-value]

    def exchanges(self) -> Iterator[Exchange]:
        """Every entry of the capture (nothing skipped), numbered by position."""
        if self.format == "har":
            reopen = self.reopen if self.path is not None else None
            return iter_har(self.stream, source=self.name, reopen=reopen)
        return iter_jsonl(self.stream, source=self.name)


def sniff_format(prefix: bytes, name: str = "") -> Format:
    """HAR or JSON lines, from the first bytes of a file.

    A HAR is one object whose first (in practice only) key is ``log``; a JSON-lines capture starts
    with a record object, whose keys are ``index``, ``request`` and so on.  An empty input is an empty
    JSON-lines capture.
    """
    body = prefix.removeprefix(_BOM).lstrip()
    if not body:
        return "jsonl"
    if not body.startswith(b"{"):
        raise CaptureError(
            "neither a HAR file nor JSON lines (the input does not start with '{')", source=name
        )
    m = _FIRST_KEY.match(body)
    return "har" if m is not None and m.group(1) == b"log" else "jsonl"


def open_capture(path: str | os.PathLike[str], *, format: Format | None = None) -> CaptureSource:
    """Open a capture file, ``-`` for standard input; the format comes from the content unless given.

    Raises :class:`CaptureError` when the file cannot be opened or is neither format.
    """
    name = os.fspath(path)
    owned: IO[bytes] | None = None
    if name == "-":
        raw: IO[bytes] = sys.stdin.buffer
        size = None
        name = "<stdin>"
    else:
        try:
            owned = raw = open(name, "rb")  # noqa: SIM115 - closed by CaptureSource.close
        except OSError as exc:
            raise CaptureError(exc.strerror or type(exc).__name__, source=name) from None
        try:
            st = os.fstat(raw.fileno())
            size = st.st_size if st.st_size > 0 else None
        except OSError:  # pragma: no cover - fstat of an open file does not fail in practice
            size = None
    try:
        prefix = b""
        while len(prefix) < _SNIFF_BYTES:
            more = raw.read(_SNIFF_BYTES - len(prefix))
            if not more:
                break
            prefix += more
        fmt = format or sniff_format(prefix, name)
    except (OSError, CaptureError) as exc:
        if owned is not None:
            owned.close()
        if isinstance(exc, CaptureError):
            raise
        raise CaptureError(exc.strerror or type(exc).__name__, source=name) from None
    skipped_bom = prefix.startswith(_BOM)
    replay = _Prefixed(prefix.removeprefix(_BOM), raw)
    if skipped_bom:
        replay.consumed = len(_BOM)
    buffered = io.BufferedReader(replay, _BUFFER)
    stream: IO[bytes] = HarStream(buffered, name) if fmt == "har" else buffered  # type: ignore[assignment]
    regular = owned is not None and size is not None and _is_regular(owned)
    start = len(_BOM) if skipped_bom else 0
    return CaptureSource(name, fmt, stream, size, replay, owned, name if regular else None, start)


def _is_regular(fp: IO[bytes]) -> bool:
    import stat

    try:
        return stat.S_ISREG(os.fstat(fp.fileno()).st_mode)
    except OSError:  # pragma: no cover - fstat of an open file does not fail in practice
        return False


def read_capture(
    path: str | os.PathLike[str], *, stats: ReadStats | None = None, format: Format | None = None
) -> Iterator[Exchange]:
    """The Cognito exchanges of a capture file (``-``: standard input), streamed.

    Skipped entries are counted in ``stats`` when given.  The file is closed when the iterator is
    exhausted or closed.
    """
    with open_capture(path, format=format) as src:
        yield from iter_exchanges(src.exchanges(), stats)
