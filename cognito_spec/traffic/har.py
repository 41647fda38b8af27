"""The HAR 1.2 capture reader: ``log.entries`` streamed with ijson, each entry to an :class:`Exchange`.

A HAR is a single JSON document; it is parsed incrementally with ijson (its C backend when
installed), one entry in memory at a time.  Unreadable input raises
:class:`~cognito_spec.errors.CaptureError` with the file position and a reason that never quotes the
file's content.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Iterator
from itertools import islice
from typing import IO, Any

from cognito_spec.errors import CaptureError
from cognito_spec.traffic.harlines import line_entries
from cognito_spec.traffic.harsplit import Unusual, split_entries
from cognito_spec.traffic.harstream import IJSON_BUFFER, HarStream, restore
from cognito_spec.traffic.record import Exchange, Headers

__all__ = [
    "exchange_from_har_entry",
    "har_exchange",
    "ijson_reason",
    "iter_har",
    "iter_har_entries",
]


def _har_headers(value: Any, where: str) -> Headers:
    if value is None:
        return ()
    if type(value) is not list:
        raise CaptureError(f"{where}.headers is not a list")
    out = []
    for h in value:
        if type(h) is not dict:
            raise CaptureError(f"{where}.headers holds something other than objects")
        name, val = h.get("name"), h.get("value")
        if type(name) is not str or type(val) is not str:
            raise CaptureError(f"{where}.headers holds a name or value that is not a string")
        out.append((name, val))
    return tuple(out)


def _har_body(content: Any, where: str) -> bytes | None:
    """The bytes of a HAR ``postData`` or ``content`` object; None when the text was not kept.

    Browsers leave ``text`` out when they did not retain a body, and mark binary bodies with
    ``encoding: "base64"`` (HAR 1.2 defines it for ``content``; some tools use it in ``postData``).
    """
    if content is None:
        return None
    if type(content) is not dict:
        raise CaptureError(f"{where} is not an object")
    text = content.get("text")
    if text is None:
        return None
    if type(text) is not str:
        raise CaptureError(f"{where}.text is not a string")
    encoding = content.get("encoding")
    if encoding is None or encoding == "":
        return text.encode("utf-8", "surrogatepass")
    if type(encoding) is str and encoding.lower() == "base64":
        try:
            return base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise CaptureError(f"{where}.text is not valid base64") from None
    raise CaptureError(f"{where}.encoding is neither absent nor base64")


def exchange_from_har_entry(entry: Any, index: int = 0) -> Exchange:
    """The :class:`Exchange` of one HAR ``log.entries`` item.

    A response ``status`` of 0 (browsers write it for requests that got no answer: blocked, aborted,
    failed) means no response was captured.
    """
    if type(entry) is not dict:
        raise CaptureError("the entry is not an object")
    req = entry.get("request")
    if type(req) is not dict:
        raise CaptureError("the entry has no request object")
    method, url, started = req.get("method", ""), req.get("url", ""), entry.get("startedDateTime")
    if type(method) is not str or type(url) is not str or (started is not None and type(started) is not str):
        raise CaptureError("request.method, request.url and startedDateTime must be strings")
    request_headers = _har_headers(req.get("headers"), "request")
    request_body = _har_body(req.get("postData"), "request.postData")
    resp = entry.get("response")
    status = resp.get("status") if type(resp) is dict else None
    if type(status) is float and status.is_integer():
        status = int(status)
    if resp is None or status == 0:
        return Exchange(request_headers, request_body, None, (), None, method, url, index, started)
    if type(resp) is not dict or type(status) is not int:
        raise CaptureError("response.status is not an integer")
    return Exchange(
        request_headers,
        request_body,
        status,
        _har_headers(resp.get("headers"), "response"),
        _har_body(resp.get("content"), "response.content"),
        method,
        url,
        index,
        started,
    )


def ijson_reason(exc: Exception) -> str:
    # yajl's messages quote the input around the error: keep the first line only (tokens!).
    first = str(exc).strip().splitlines()
    return "invalid JSON: " + (first[0].strip() if first else type(exc).__name__)


def iter_har_entries(
    fp: IO[bytes], *, source: str = "", reopen: Callable[[], IO[bytes]] | None = None
) -> Iterator[Any]:
    """The raw ``log.entries`` items of a HAR document, streamed (one in memory at a time).

    With ``reopen`` (a function giving a new stream of the same bytes from the start, as a regular
    file can), a file in a usual layout (one entry a line, or indented as browsers save it) is read
    from the raw bytes in blocks (:mod:`~cognito_spec.traffic.harlines`); a file in another layout
    has its entries cut out of the text and read by the stdlib's C scanner
    (:mod:`~cognito_spec.traffic.harsplit`), and one in any other form is read with ijson; each
    reader starts from the first byte again and skips the entries already given.  Without
    ``reopen``, ijson reads the file.

    The bytes go through a :class:`~cognito_spec.traffic.harstream.HarStream` (``fp`` may be one
    already, as :func:`~cognito_spec.traffic.source.open_capture` opens them): nesting is bounded,
    long strings cost linear time, and strings come out exactly as Python's ``json`` -- the
    JSON-lines reader -- reads them, lone surrogate escapes included.  A document without a
    ``log.entries`` array is not a HAR and raises :class:`CaptureError`; ``"entries": []`` is an
    empty HAR.
    """
    if reopen is None:
        yield from _ijson_entries(fp, source)
        return
    stream = fp if isinstance(fp, HarStream) else HarStream(fp, source)
    given = 0
    reopened = False
    if stream.offset == 0:
        try:
            yield from line_entries(stream.raw)
            return
        except Unusual as unusual:
            given, replay = unusual.given, unusual.replay
        if replay is not None:  # all it read is at hand: no need to open the file again
            stream = HarStream(_Replay(replay, stream.raw), stream.source or source)  # type: ignore[arg-type]
        else:
            again = reopen()
            stream = again if isinstance(again, HarStream) else HarStream(again, source)
            reopened = True
    try:
        yield from split_entries(stream, given)
        return
    except Unusual as unusual:
        # Never fewer than the line reader gave: it gives only what it proved ijson gives.
        given = max(given, unusual.given)
    finally:
        if reopened:
            stream.close()
    again = reopen()
    try:
        yield from islice(_ijson_entries(again, source), given, None)
    finally:
        again.close()


class _Replay:
    """Bytes already read, then the rest of their stream, read as the stream reads: a ``read(n)``
    gives ``n`` bytes unless the end comes first (as a buffered file's does), so that a
    :class:`HarStream` over it reads the same pieces as over the file."""

    def __init__(self, data: bytes, rest: IO[bytes]) -> None:
        self._data = data
        self._rest = rest

    def read(self, size: int = -1) -> bytes:
        if not self._data:
            return self._rest.read(size)
        if size < 0:
            out, self._data = self._data + self._rest.read(), b""
            return out
        out, self._data = self._data[:size], self._data[size:]
        if len(out) < size:
            out += self._rest.read(size - len(out))
        return out

    def close(self) -> None:
        self._rest.close()


def _ijson_entries(fp: IO[bytes], source: str) -> Iterator[Any]:
    import ijson

    stream = fp if isinstance(fp, HarStream) else HarStream(fp, source)
    stream.source = stream.source or source
    stream.mark = True
    stream.keep_head()
    index = 0
    try:
        for entry in ijson.items(stream, "log.entries.item", use_float=True, buf_size=IJSON_BUFFER):
            stream.head = None
            yield restore(entry) if stream.marked else entry
            index += 1
    except ijson.JSONError as exc:
        raise CaptureError(ijson_reason(exc), source=source, position=f"after entry {index}") from None
    except (UnicodeDecodeError, RecursionError) as exc:
        raise CaptureError(
            f"invalid JSON: {type(exc).__name__}", source=source, position=f"after entry {index}"
        ) from None
    if index == 0 and stream.head is not None:
        _check_empty(bytes(stream.head), source)


def _check_empty(document: bytes, source: str) -> None:
    """Refuse a document without entries unless its ``log.entries`` is an array (an empty HAR).

    ``{"log": 5}`` or ``{"log": {"Entries": []}}`` would otherwise read as a capture of nothing and
    pass.  Only a document that fits in :data:`HEAD_BYTES` is checked (one without a single entry
    is small in practice); it has been parsed once already, so it is JSON of bounded depth as yajl
    reads it (json, stricter here and there, may still refuse it).
    """
    try:
        doc = json.loads(document)
    except ValueError as exc:  # what yajl takes and json does not (a form feed for white space)
        reason = exc.msg if isinstance(exc, json.JSONDecodeError) else type(exc).__name__
        raise CaptureError(f"invalid JSON: {reason}", source=source) from None
    log = doc.get("log") if type(doc) is dict else None
    if type(log) is not dict:
        raise CaptureError("not a HAR: log is not an object", source=source)
    if type(log.get("entries")) is not list:
        raise CaptureError("not a HAR: log.entries is not an array", source=source)


def har_exchange(entry: Any, index: int, source: str = "") -> Exchange:
    """:func:`exchange_from_har_entry` with the file and entry named in its errors."""
    try:
        return exchange_from_har_entry(entry, index)
    except CaptureError as exc:
        raise exc.at(source=source, position=f"entry {index}") from None


def iter_har(
    fp: IO[bytes], *, source: str = "", reopen: Callable[[], IO[bytes]] | None = None
) -> Iterator[Exchange]:
    """Every entry of a HAR document as an :class:`Exchange`, streamed (``reopen``: see
    :func:`iter_har_entries`)."""
    for index, entry in enumerate(iter_har_entries(fp, source=source, reopen=reopen)):
        yield har_exchange(entry, index, source)
