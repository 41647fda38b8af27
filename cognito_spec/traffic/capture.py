"""Captured traffic: the exchange record, and writers for HAR 1.2 and JSON lines.

An :class:`Exchange` is one HTTP request with its response, bodies as exact bytes, headers as the
ordered pairs they were sent as (names keep their case; duplicates are kept).

JSON-lines format (one exchange per line, UTF-8)::

    {"index": 0,
     "url": "https://cognito-idp.us-east-1.amazonaws.com/",
     "started": "2026-11-26T16:00:00.000Z",
     "request":  {"method": "POST", "headers": [["X-Amz-Target", "..."], ...], "body": "{...}"},
     "response": {"status": 200, "headers": [["Content-Type", "..."], ...], "body": "{...}"}}

* ``body`` is the body as text when it is valid UTF-8; otherwise ``body_base64`` holds the bytes.
  A missing body is ``null`` (or absent); an empty body is ``""``.
* ``headers`` is a list of ``[name, value]`` pairs; readers also accept an object ``{name: value}``.
* ``response`` is ``null`` (or absent) when no response was captured.
* ``index``, ``url`` and ``started`` are optional.  ``index`` is informational (for example the
  entry's position in the capture it was converted from); readers number exchanges by their line.

Reading
-------
:func:`read_capture` opens a path (``-`` is standard input), tells HAR from JSON lines and yields
:class:`Exchange` objects one at a time, so memory stays flat however large the file is: a HAR is a
single JSON document, parsed incrementally with ijson (its C backend when installed); JSON lines are
read line by line.  Entries that are not Cognito user pools calls are skipped and counted in a
:class:`ReadStats`: CORS ``OPTIONS`` preflights, requests to other services, and calls to Cognito
operations the pinned model does not cover (counted by name).  Unreadable input raises
:class:`CaptureError` with the file position and a reason that never quotes the file's content.
"""

from __future__ import annotations

import base64
import binascii
import io
import json
import os
import re
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import IO, Any, Final, Literal

import attrs

from cognito_spec.errors import CaptureError

__all__ = [
    "CaptureError",
    "CaptureSource",
    "Exchange",
    "Format",
    "Headers",
    "ReadStats",
    "exchange_from_har_entry",
    "exchange_from_record",
    "exchange_to_json",
    "har_exchange",
    "header",
    "iter_exchanges",
    "iter_har",
    "iter_har_entries",
    "iter_jsonl",
    "open_capture",
    "read_capture",
    "skip_reason",
    "write_har",
    "write_jsonl",
]

Headers = tuple[tuple[str, str], ...]

HAR_VERSION: Final = "1.2"


def _headers(value: Iterable[tuple[str, str]] | dict[str, str] | None) -> Headers:
    if type(value) is tuple:
        return value  # already Headers (the readers build them so): no copy per exchange
    if value is None:
        return ()
    if isinstance(value, dict):
        return tuple((str(k), str(v)) for k, v in value.items())
    return tuple((str(k), str(v)) for k, v in value)


@attrs.frozen
class Exchange:
    """One request and its response, as captured."""

    request_headers: Headers = attrs.field(converter=_headers)
    request_body: bytes | None
    status: int | None = None
    response_headers: Headers = attrs.field(default=(), converter=_headers)
    response_body: bytes | None = None
    method: str = "POST"
    url: str = ""
    index: int = 0
    started: str | None = None

    @property
    def has_response(self) -> bool:
        return self.status is not None


def header(headers: Headers, name: str) -> str | None:
    """The first value of a header, matched case-insensitively (None when absent)."""
    lname = name.lower()
    for k, v in headers:
        if k.lower() == lname:
            return v
    return None


def _body_json(body: bytes | None) -> dict[str, Any]:
    if body is None:
        return {"body": None}
    try:
        return {"body": body.decode("utf-8")}
    except UnicodeDecodeError:
        return {"body_base64": base64.b64encode(body).decode("ascii")}


def exchange_to_json(ex: Exchange) -> dict[str, Any]:
    """The JSON-lines record of an exchange (see the module documentation)."""
    record: dict[str, Any] = {"index": ex.index}
    if ex.url:
        record["url"] = ex.url
    if ex.started:
        record["started"] = ex.started
    record["request"] = {"method": ex.method, "headers": [list(h) for h in ex.request_headers]}
    record["request"].update(_body_json(ex.request_body))
    if ex.status is None:
        record["response"] = None
    else:
        record["response"] = {"status": ex.status, "headers": [list(h) for h in ex.response_headers]}
        record["response"].update(_body_json(ex.response_body))
    return record


def write_jsonl(exchanges: Iterable[Exchange], fp: IO[str]) -> int:
    """Write exchanges as JSON lines; returns how many were written."""
    n = 0
    for ex in exchanges:
        fp.write(json.dumps(exchange_to_json(ex), ensure_ascii=False, separators=(",", ":")))
        fp.write("\n")
        n += 1
    return n


_REASONS: Final = {
    200: "OK",
    400: "Bad Request",
    403: "Forbidden",
    404: "Not Found",
    500: "Internal Server Error",
}


def _har_content(body: bytes | None, mime: str) -> dict[str, Any]:
    if body is None:
        return {"size": 0, "mimeType": mime}
    try:
        return {"size": len(body), "mimeType": mime, "text": body.decode("utf-8")}
    except UnicodeDecodeError:
        return {
            "size": len(body),
            "mimeType": mime,
            "text": base64.b64encode(body).decode(),
            "encoding": "base64",
        }


def _har_entry(ex: Exchange) -> dict[str, Any]:
    req_mime = header(ex.request_headers, "content-type") or ""
    entry: dict[str, Any] = {
        "startedDateTime": ex.started or "1970-01-01T00:00:00.000Z",
        "time": 0,
        "request": {
            "method": ex.method,
            "url": ex.url or "https://cognito-idp.us-east-1.amazonaws.com/",
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": [{"name": k, "value": v} for k, v in ex.request_headers],
            "queryString": [],
            "headersSize": -1,
            "bodySize": -1 if ex.request_body is None else len(ex.request_body),
        },
        "response": {
            "status": ex.status if ex.status is not None else 0,
            "statusText": _REASONS.get(ex.status or 0, ""),
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": [{"name": k, "value": v} for k, v in ex.response_headers],
            "content": _har_content(ex.response_body, header(ex.response_headers, "content-type") or ""),
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": -1 if ex.response_body is None else len(ex.response_body),
        },
        "cache": {},
        "timings": {"send": 0, "wait": 0, "receive": 0},
    }
    if ex.request_body is not None:
        post = _har_content(ex.request_body, req_mime)
        post.pop("size")
        entry["request"]["postData"] = post
    return entry


def write_har(
    exchanges: Iterable[Exchange],
    fp: IO[str],
    *,
    creator: str = "cognito-spec",
    creator_version: str = "",
    comment: str | None = None,
) -> int:
    """Write exchanges as a HAR 1.2 document, streaming entry by entry; returns how many."""
    log_head: dict[str, Any] = {
        "version": HAR_VERSION,
        "creator": {"name": creator, "version": creator_version},
    }
    if comment:
        log_head["creator"]["comment"] = comment
    head = json.dumps({"log": log_head}, ensure_ascii=False, indent=1)
    # Open the document by hand so entries can be streamed: {"log": {..., "entries": [ ... ]}}
    fp.write(head[: head.rindex("}", 0, head.rindex("}"))].rstrip() + ',\n  "entries": [')
    n = 0
    for ex in exchanges:
        fp.write(",\n" if n else "\n")
        fp.write(json.dumps(_har_entry(ex), ensure_ascii=False))
        n += 1
    fp.write("\n  ]\n }\n}\n")
    return n


# --------------------------------------------------------------------------------------------------
# Reading.

#: How a capture is stored.
Format = Literal["har", "jsonl"]

#: Bytes read ahead to tell HAR from JSON lines (the first key of the document decides).
_SNIFF_BYTES: Final = 4096
#: Read size of the HAR parser and of the JSON-lines chunker.
_BUFFER: Final = 1 << 16
_BOM: Final = b"\xef\xbb\xbf"
_FIRST_KEY: Final = re.compile(rb'\A\s*\{\s*"((?:[^"\\\\]|\\\\.)*)"\s*:')


@attrs.define
class ReadStats:
    """What a reader saw: entries read, and the ones it skipped by reason.

    Reasons: ``preflight`` (CORS ``OPTIONS``), ``not_cognito`` (another service or site),
    ``uncovered_operation`` (a Cognito user pools operation outside the pinned model; ``uncovered``
    counts them by name).
    """

    entries: int = 0
    skipped: Counter[str] = attrs.field(factory=Counter)
    uncovered: Counter[str] = attrs.field(factory=Counter)

    def merge(self, other: ReadStats) -> None:
        self.entries += other.entries
        self.skipped.update(other.skipped)
        self.uncovered.update(other.uncovered)


def _cognito_targets() -> tuple[str, Any]:
    from cognito_spec.operations import OPERATIONS_BY_TARGET, TARGET_PREFIX

    return TARGET_PREFIX + ".", OPERATIONS_BY_TARGET


_PREFIX, _TARGETS = _cognito_targets()
_COGNITO_HOST: Final = re.compile(r"\A[a-z][a-z0-9+.-]*://cognito-idp[.-]", re.IGNORECASE)


def skip_reason(ex: Exchange) -> str | None:
    """Why a reader skips this exchange (see :class:`ReadStats`), or None to validate it.

    The ``X-Amz-Target`` header decides first: a target of a covered operation is kept, any other
    target of the Cognito user pools service is ``uncovered_operation``.  Without a Cognito target,
    an exchange is still kept when its URL is a ``cognito-idp`` endpoint: a call to Cognito with a
    missing or foreign target is exactly what validation should report.
    """
    if ex.method.upper() == "OPTIONS":
        return "preflight"
    target = header(ex.request_headers, "x-amz-target")
    if target is not None:
        target = target.strip()
        if target in _TARGETS:
            return None
        if target.startswith(_PREFIX):
            return "uncovered_operation"
    if _COGNITO_HOST.match(ex.url):
        return None
    return "not_cognito"


def iter_exchanges(exchanges: Iterable[Exchange], stats: ReadStats | None = None) -> Iterator[Exchange]:
    """The exchanges to validate: skips what :func:`skip_reason` names, counting it in ``stats``."""
    if stats is None:
        stats = ReadStats()
    for ex in exchanges:
        stats.entries += 1
        reason = skip_reason(ex)
        if reason is None:
            yield ex
            continue
        stats.skipped[reason] += 1
        if reason == "uncovered_operation":
            target = (header(ex.request_headers, "x-amz-target") or "").strip()
            stats.uncovered[target[len(_PREFIX) :][:64]] += 1


# -- records -----------------------------------------------------------------------------------------


def _pairs_of(value: Any, where: str) -> Headers:
    """Headers of a JSON-lines record: ``[[name, value], ...]`` or ``{name: value}``."""
    if value is None:
        return ()
    if type(value) is dict:
        items: Iterable[Any] = value.items()
    elif type(value) is list:
        items = value
    else:
        raise CaptureError(f"{where}.headers is not a list of [name, value] pairs")
    out = []
    for item in items:
        if (
            type(item) not in (list, tuple)
            or len(item) != 2
            or type(item[0]) is not str
            or type(item[1]) is not str
        ):
            raise CaptureError(f"{where}.headers holds something other than [name, value] string pairs")
        out.append((item[0], item[1]))
    return tuple(out)


def _record_body(part: dict[str, Any], where: str) -> bytes | None:
    text = part.get("body")
    if text is not None:
        if type(text) is not str:
            raise CaptureError(f"{where}.body is not a string")
        # surrogatepass: a lone surrogate escape (\ud800) becomes the invalid UTF-8 it stands for,
        # so validation reports invalid_utf8 instead of the reader crashing.
        return text.encode("utf-8", "surrogatepass")
    b64 = part.get("body_base64")
    if b64 is None:
        return None
    if type(b64) is not str:
        raise CaptureError(f"{where}.body_base64 is not a string")
    try:
        return base64.b64decode(b64, validate=True)
    except (binascii.Error, ValueError):
        raise CaptureError(f"{where}.body_base64 is not valid base64") from None


def exchange_from_record(record: Any, index: int = 0) -> Exchange:
    """The :class:`Exchange` of one JSON-lines record (see the module documentation)."""
    if type(record) is not dict:
        raise CaptureError("the record is not a JSON object")
    req = record.get("request")
    if type(req) is not dict:
        raise CaptureError("the record has no request object")
    method = req.get("method", "POST")
    url = record.get("url", "")
    started = record.get("started")
    if type(method) is not str or type(url) is not str or (started is not None and type(started) is not str):
        raise CaptureError("request.method, url and started must be strings")
    resp = record.get("response")
    if resp is None:
        return Exchange(_pairs_of(req.get("headers"), "request"), _record_body(req, "request"), None, (),
                        None, method, url, index, started)  # fmt: skip
    if type(resp) is not dict:
        raise CaptureError("response is neither an object nor null")
    status = resp.get("status")
    if type(status) is not int:
        raise CaptureError("response.status is not an integer")
    return Exchange(
        _pairs_of(req.get("headers"), "request"),
        _record_body(req, "request"),
        status,
        _pairs_of(resp.get("headers"), "response"),
        _record_body(resp, "response"),
        method,
        url,
        index,
        started,
    )


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


# -- streams -----------------------------------------------------------------------------------------


class _Prefixed(io.RawIOBase):
    """A raw stream that replays the bytes read ahead for sniffing, then reads on; counts bytes."""

    def __init__(self, prefix: bytes, rest: IO[bytes]) -> None:
        super().__init__()
        self._prefix = memoryview(prefix)
        self._rest = rest
        self.consumed = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if len(self._prefix):
            n = min(len(buffer), len(self._prefix))
            buffer[:n] = self._prefix[:n]
            self._prefix = self._prefix[n:]
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

    def exchanges(self) -> Iterator[Exchange]:
        """Every entry of the capture (nothing skipped), numbered by position."""
        if self.format == "har":
            return iter_har(self.stream, source=self.name)
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
    stream = io.BufferedReader(replay, _BUFFER)
    regular = owned is not None and size is not None and _is_regular(owned)
    start = len(_BOM) if skipped_bom else 0
    return CaptureSource(name, fmt, stream, size, replay, owned, name if regular else None, start)


def _is_regular(fp: IO[bytes]) -> bool:
    import stat

    try:
        return stat.S_ISREG(os.fstat(fp.fileno()).st_mode)
    except OSError:  # pragma: no cover - fstat of an open file does not fail in practice
        return False


def _ijson_reason(exc: Exception) -> str:
    # yajl's messages quote the input around the error: keep the first line only (tokens!).
    first = str(exc).strip().splitlines()
    return "invalid JSON: " + (first[0].strip() if first else type(exc).__name__)


def iter_har_entries(fp: IO[bytes], *, source: str = "") -> Iterator[Any]:
    """The raw ``log.entries`` items of a HAR document, streamed with ijson (one in memory at a time)."""
    import ijson

    index = 0
    try:
        for entry in ijson.items(fp, "log.entries.item", use_float=True, buf_size=_BUFFER):
            yield entry
            index += 1
    except ijson.JSONError as exc:
        raise CaptureError(_ijson_reason(exc), source=source, position=f"after entry {index}") from None
    except (UnicodeDecodeError, RecursionError) as exc:
        raise CaptureError(
            f"invalid JSON: {type(exc).__name__}", source=source, position=f"after entry {index}"
        ) from None


def har_exchange(entry: Any, index: int, source: str = "") -> Exchange:
    """:func:`exchange_from_har_entry` with the file and entry named in its errors."""
    try:
        return exchange_from_har_entry(entry, index)
    except CaptureError as exc:
        raise exc.at(source=source, position=f"entry {index}") from None


def iter_har(fp: IO[bytes], *, source: str = "") -> Iterator[Exchange]:
    """Every entry of a HAR document as an :class:`Exchange`, streamed."""
    for index, entry in enumerate(iter_har_entries(fp, source=source)):
        yield har_exchange(entry, index, source)


def _record_of(line: bytes, source: str, lineno: int) -> Any:
    try:
        return json.loads(line)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        reason = exc.msg if isinstance(exc, json.JSONDecodeError) else type(exc).__name__
        raise CaptureError(
            f"not a JSON record ({reason})", source=source, position=f"line {lineno + 1}"
        ) from None


def iter_jsonl_lines(lines: Iterable[bytes], *, source: str = "", first_line: int = 0) -> Iterator[Exchange]:
    """Exchanges of JSON-lines records; the index of each is its 0-based line number."""
    lineno = first_line
    for line in lines:
        if line.strip():
            record = _record_of(line, source, lineno)
            try:
                yield exchange_from_record(record, lineno)
            except CaptureError as exc:
                raise exc.at(source=source, position=f"line {lineno + 1}") from None
        lineno += 1


def iter_jsonl(fp: IO[bytes], *, source: str = "") -> Iterator[Exchange]:
    """Every record of a JSON-lines capture, read line by line."""
    return iter_jsonl_lines(fp, source=source)


def read_capture(
    path: str | os.PathLike[str], *, stats: ReadStats | None = None, format: Format | None = None
) -> Iterator[Exchange]:
    """The Cognito exchanges of a capture file (``-``: standard input), streamed.

    Skipped entries are counted in ``stats`` when given.  The file is closed when the iterator is
    exhausted or closed.
    """
    with open_capture(path, format=format) as src:
        yield from iter_exchanges(src.exchanges(), stats)
