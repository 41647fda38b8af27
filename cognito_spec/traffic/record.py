"""The captured-exchange record and its writers: :class:`Exchange`, HAR 1.2 and JSON lines out.

An :class:`Exchange` is one HTTP request with its response, bodies as exact bytes, headers as the
ordered pairs they were sent as (names keep their case; duplicates are kept).  The writers are the
one place a capture is written (the JSON-lines form is documented in :mod:`cognito_spec.traffic.jsonl`,
its reader).
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable
from typing import IO, Any, Final

import attrs

from cognito_spec.errors import CaptureError
from cognito_spec.protocol.headers import Headers, HeadersLike, first_value, header_pairs

__all__ = [
    "CREDENTIAL_HEADERS",
    "HAR_VERSION",
    "Exchange",
    "Headers",
    "body_fields",
    "exchange_to_json",
    "header",
    "json_text",
    "write_har",
    "write_jsonl",
]


HAR_VERSION: Final = "1.2"


def _headers(value: HeadersLike | None) -> Headers:
    if type(value) is tuple:
        return value  # already Headers (the readers build them so): no copy per exchange
    return header_pairs(value, lenient=True)  # the header rule's decoding (bytes as ISO-8859-1)


@attrs.frozen(repr=False)
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

    def __repr__(self) -> str:
        # A capture holds tokens: bodies print as their size, credential headers without their value,
        # a URL without its query (hosted UI redirects carry codes there).
        url, query, _ = self.url.partition("?")
        return (
            f"Exchange(index={self.index!r}, method={self.method!r},"
            f" url={url + ('?' + REDACTED_TEXT if query else '')!r}, status={self.status!r},"
            f" request_headers={_masked(self.request_headers)}, request_body={_size(self.request_body)},"
            f" response_headers={_masked(self.response_headers)}, response_body={_size(self.response_body)})"
        )


#: Headers whose values are credentials, lower-cased.
CREDENTIAL_HEADERS: Final = frozenset(
    {"authorization", "cookie", "set-cookie", "x-amz-security-token", "proxy-authorization"}
)
#: What a masked value prints as.
REDACTED_TEXT: Final = "<redacted>"


def _masked(headers: Headers) -> str:
    shown = tuple(f"{k}: {REDACTED_TEXT if k.lower() in CREDENTIAL_HEADERS else v}" for k, v in headers)
    return repr(shown)


def _size(body: bytes | None) -> str:
    return "None" if body is None else f"<{len(body)} bytes>"


def header(headers: Headers, name: str) -> str | None:
    """The value of a header by the header rule (:mod:`cognito_spec.protocol.headers`): names matched
    case-insensitively, the first of repeated names, without surrounding SP/HTAB; None when absent."""
    return first_value(headers, name)


def body_fields(body: bytes | None) -> dict[str, Any]:
    """The body members of a JSON-lines request or response: ``body`` (text) or ``body_base64``."""
    if body is None:
        return {"body": None}
    try:
        return {"body": body.decode("utf-8")}
    except UnicodeDecodeError:
        return {"body_base64": base64.b64encode(body).decode("ascii")}


_SURROGATE: Final = re.compile("[\ud800-\udfff]")
_SPLIT_PAIR: Final = re.compile("[\ud800-\udbff][\udc00-\udfff]")


def json_text(value: Any, *, indent: int | None = None, separators: tuple[str, str] | None = None) -> str:
    """``value`` as JSON text that encodes to UTF-8 and reads back (``json.loads``) to ``value``.

    Text is written as itself, except that a string holding a lone surrogate (the readers keep one
    read from a ``\ud800`` escape) is written with escapes, as it was read.  A high surrogate
    followed by a low one cannot be written so: any JSON reader joins the two escapes into one
    character, so :class:`CaptureError` says so rather than let the copy differ.
    """
    text = json.dumps(value, ensure_ascii=False, indent=indent, separators=separators)
    if text.isascii() or not _SURROGATE.search(text):
        return text
    if _SPLIT_PAIR.search(text):
        raise CaptureError(
            "a string holds a surrogate pair as two code points, which no JSON text reads back apart"
        )
    return json.dumps(value, ensure_ascii=True, indent=indent, separators=separators)


def exchange_to_json(ex: Exchange) -> dict[str, Any]:
    """The JSON-lines record of an exchange (the form is documented in :mod:`cognito_spec.traffic.jsonl`)."""
    record: dict[str, Any] = {"index": ex.index}
    if ex.url:
        record["url"] = ex.url
    if ex.started:
        record["started"] = ex.started
    record["request"] = {"method": ex.method, "headers": [list(h) for h in ex.request_headers]}
    record["request"].update(body_fields(ex.request_body))
    if ex.status is None:
        record["response"] = None
    else:
        record["response"] = {"status": ex.status, "headers": [list(h) for h in ex.response_headers]}
        record["response"].update(body_fields(ex.response_body))
    return record


def write_jsonl(exchanges: Iterable[Exchange], fp: IO[str]) -> int:
    """Write exchanges as JSON lines; returns how many were written."""
    n = 0
    for ex in exchanges:
        fp.write(json_text(exchange_to_json(ex), separators=(",", ":")))
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
    head = json_text({"log": log_head}, indent=1)
    # Open the document by hand so entries can be streamed: {"log": {..., "entries": [ ... ]}}
    fp.write(head[: head.rindex("}", 0, head.rindex("}"))].rstrip() + ',\n  "entries": [')
    n = 0
    for ex in exchanges:
        fp.write(",\n" if n else "\n")
        fp.write(json_text(_har_entry(ex)))
        n += 1
    fp.write("\n  ]\n }\n}\n")
    return n
