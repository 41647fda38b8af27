"""Rewriting a capture (``cognito-spec redact``): a copy with each exchange transformed.

The copy keeps the file's form (HAR or JSON lines) and every entry that is not transformed.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import IO, Any

from cognito_spec.errors import CaptureError
from cognito_spec.traffic.har import exchange_from_har_entry
from cognito_spec.traffic.har import ijson_reason as _ijson_reason
from cognito_spec.traffic.harstream import IJSON_BUFFER as _BUFFER
from cognito_spec.traffic.jsonl import exchange_from_record
from cognito_spec.traffic.jsonl import record_of as _record_of
from cognito_spec.traffic.record import Exchange, Headers, header
from cognito_spec.traffic.record import body_fields as _body_json
from cognito_spec.traffic.source import CaptureSource

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


__all__ = ["Transform", "rewrite_har", "rewrite_jsonl"]
