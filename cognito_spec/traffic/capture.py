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
from collections.abc import Callable, Iterable, Iterator
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
    "har_quick_parts",
    "header",
    "iter_exchanges",
    "iter_har",
    "iter_har_entries",
    "iter_jsonl",
    "open_capture",
    "read_capture",
    "record_quick_parts",
    "rewrite_har",
    "rewrite_jsonl",
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


_LIST_ONLY: Final = {list}

#: What the quick readers return: method, request headers, request body, status, response headers,
#: response body.  Headers map lower-cased names to their first value, stripped.
QuickParts = tuple[str, dict[str, str], str, int, dict[str, str], str]


def record_quick_parts(record: Any) -> QuickParts | None:
    """The parts of a JSON-lines record in its most common form (text bodies, header pairs as lists
    of two strings); None for any other form, which :func:`exchange_from_record` then reads (or
    refuses).  Whatever this accepts, :func:`exchange_from_record` accepts too.

    This is the CLI's fast path (``cognito_spec.traffic.check.quick_valid`` takes these parts): no
    :class:`Exchange` is built for a record that turns out valid.
    """
    if type(record) is not dict:
        return None
    req = record.get("request")
    resp = record.get("response")
    if type(req) is not dict or type(resp) is not dict:
        return None
    started = record.get("started")
    if type(record.get("url", "")) is not str or (started is not None and type(started) is not str):
        return None
    method = req.get("method", "POST")
    status = resp.get("status")
    qt = req.get("body")
    rt = resp.get("body")
    qh = req.get("headers")
    rh = resp.get("headers")
    if (
        type(method) is not str
        or type(status) is not int
        or type(qt) is not str
        or type(rt) is not str
        or type(qh) is not list
        or type(rh) is not list
        or (qh and set(map(type, qh)) != _LIST_ONLY)
        or (rh and set(map(type, rh)) != _LIST_ONLY)
    ):
        return None
    try:
        # Among JSON values only str has lower() and strip(): this also proves the pairs' types.
        qd = {k.lower(): v.strip() for k, v in reversed(qh)}
        rd = {k.lower(): v.strip() for k, v in reversed(rh)}
    except (AttributeError, ValueError):
        return None
    return method, qd, qt, status, rd, rt


def har_quick_parts(entry: Any) -> QuickParts | None:
    """The same for a HAR entry: text bodies without ``encoding``, an integer status, header objects
    of two strings; None otherwise (:func:`exchange_from_har_entry` then reads or refuses it)."""
    if type(entry) is not dict:
        return None
    req = entry.get("request")
    resp = entry.get("response")
    if type(req) is not dict or type(resp) is not dict:
        return None
    started = entry.get("startedDateTime")
    method = req.get("method", "")
    if (
        type(method) is not str
        or type(req.get("url", "")) is not str
        or (started is not None and type(started) is not str)
    ):
        return None
    post = req.get("postData")
    content = resp.get("content")
    if type(post) is not dict or type(content) is not dict or post.get("encoding") or content.get("encoding"):
        return None
    status = resp.get("status")
    qt = post.get("text")
    rt = content.get("text")
    qh = req.get("headers")
    rh = resp.get("headers")
    if (
        type(status) is not int
        or status == 0
        or type(qt) is not str
        or type(rt) is not str
        or type(qh) is not list
        or type(rh) is not list
    ):
        return None
    try:
        qd = {h["name"].lower(): h["value"].strip() for h in reversed(qh)}
        rd = {h["name"].lower(): h["value"].strip() for h in reversed(rh)}
    except (AttributeError, KeyError, TypeError):
        return None
    return method, qd, qt, status, rd, rt


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


# --------------------------------------------------------------------------------------------------
# Rewriting (cognito-spec redact): a copy of a capture with each exchange transformed.

Transform = Callable[[Exchange], Exchange]


def _set_body(part: dict[str, Any], body: bytes | None, *, har: bool) -> None:
    """Store a body into a JSON-lines part or a HAR content object, as the writers would."""
    if har:
        part.pop("encoding", None)
        if body is None:
            part.pop("text", None)
            return
        try:
            part["text"] = body.decode("utf-8")
        except UnicodeDecodeError:
            part["text"], part["encoding"] = base64.b64encode(body).decode("ascii"), "base64"
        if "size" in part:
            part["size"] = len(body)
        return
    part.pop("body_base64", None)
    part.pop("body", None)
    part.update(_body_json(body))


def _set_headers(old: Any, new: Headers, *, har: bool) -> Any:
    if har:
        return [{"name": k, "value": v} for k, v in new]
    if type(old) is dict:
        return dict(new)
    return [list(h) for h in new]


def _apply(entry: dict[str, Any], before: Exchange, after: Exchange, *, har: bool) -> None:
    """Write what ``transform`` changed (headers, bodies) back into the entry or record, in place."""
    req = entry["request"]
    if after.request_headers != before.request_headers:
        req["headers"] = _set_headers(req.get("headers"), after.request_headers, har=har)
    if after.request_body != before.request_body:
        if har:
            post = req.setdefault(
                "postData", {"mimeType": header(after.request_headers, "content-type") or ""}
            )
            _set_body(post, after.request_body, har=True)
        else:
            _set_body(req, after.request_body, har=False)
    resp = entry.get("response")
    if type(resp) is not dict:
        return
    if after.response_headers != before.response_headers:
        resp["headers"] = _set_headers(resp.get("headers"), after.response_headers, har=har)
    if after.response_body != before.response_body:
        if har:
            _set_body(resp.setdefault("content", {"size": 0, "mimeType": ""}), after.response_body, har=True)
        else:
            _set_body(resp, after.response_body, har=False)


def rewrite_jsonl(src: CaptureSource, out: IO[str], transform: Transform) -> int:
    """Copy a JSON-lines capture, each record's exchange passed through ``transform``; returns records."""
    n = 0
    for lineno, line in enumerate(src.stream):
        if not line.strip():
            continue
        record = _record_of(line, src.name, lineno)
        try:
            before = exchange_from_record(record, lineno)
        except CaptureError as exc:
            raise exc.at(source=src.name, position=f"line {lineno + 1}") from None
        _apply(record, before, transform(before), har=False)
        out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
        out.write("\n")
        n += 1
    return n


class _EventWriter:
    """Writes ijson parse events back out as JSON text, inserting the separators."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.first: list[bool] = []  # per open container: no member written yet
        self.after_key = False

    def _sep(self) -> None:
        if self.after_key:
            self.after_key = False
        elif self.first:
            if not self.first[-1]:
                self.out.write(",")
            self.first[-1] = False

    def value(self, text: str) -> None:
        self._sep()
        self.out.write(text)

    def start(self, bracket: str) -> None:
        self._sep()
        self.out.write(bracket)
        self.first.append(True)

    def end(self, bracket: str) -> None:
        self.first.pop()
        self.out.write(bracket)

    def key(self, name: str) -> None:
        self._sep()
        self.out.write(json.dumps(name, ensure_ascii=False) + ":")
        self.after_key = True


def rewrite_har(src: CaptureSource, out: IO[str], transform: Transform) -> int:
    """Copy a HAR document, streaming, each entry's exchange passed through ``transform``.

    Everything outside ``log.entries`` (creator, pages, comments) is copied as it is; each entry is
    built as an object, changed in place where the exchange changed, and written back.  Returns the
    number of entries.
    """
    import ijson

    w = _EventWriter(out)
    builder: Any = None
    n = 0
    try:
        for prefix, event, value in ijson.parse(src.stream, use_float=True, buf_size=_BUFFER):
            if builder is not None:
                builder.event(event, value)
                if prefix == "log.entries.item" and event in ("end_map", "end_array"):
                    entry = builder.value
                    try:
                        before = exchange_from_har_entry(entry, n)
                    except CaptureError as exc:
                        raise exc.at(source=src.name, position=f"entry {n}") from None
                    _apply(entry, before, transform(before), har=True)
                    w.value(json.dumps(entry, ensure_ascii=False))
                    builder = None
                    n += 1
                continue
            if prefix == "log.entries.item" and event in ("start_map", "start_array"):
                builder = ijson.ObjectBuilder()
                builder.event(event, value)
            elif event == "start_map":
                w.start("{")
            elif event == "end_map":
                w.end("}")
            elif event == "start_array":
                w.start("[")
            elif event == "end_array":
                w.end("]")
            elif event == "map_key":
                w.key(value)
            else:
                w.value(json.dumps(value, ensure_ascii=False))
    except ijson.JSONError as exc:
        raise CaptureError(_ijson_reason(exc), source=src.name, position=f"after entry {n}") from None
    out.write("\n")
    return n
