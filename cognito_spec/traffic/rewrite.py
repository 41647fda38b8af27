"""Rewriting a capture (``cognito-spec redact``): a copy with each exchange transformed, byte for byte
the original wherever the transform changed nothing.

Each JSON-lines record and each HAR entry is read as the readers read it, passed through the
transform, and written back by editing its text: only the spans of the values that changed (a
header value, a body, the URL) are replaced, each written with the library's body policy
(:func:`cognito_spec.codec.converter.encode_body`: compact, surrogates as ``\\uXXXX`` escapes).  Numbers,
escapes, repeated keys, white space and fields this library does not know are kept exactly, and so
is everything of a HAR outside ``log.entries``.  A HAR is streamed: one entry in memory at a time.
"""

from __future__ import annotations

import base64
import codecs
import json
from collections.abc import Callable
from typing import IO, Any, Final

from cognito_spec.codec.body import encode_body
from cognito_spec.errors import CaptureError, EncodeError
from cognito_spec.traffic.har import exchange_from_har_entry
from cognito_spec.traffic.harstream import IJSON_BUFFER as _BUFFER
from cognito_spec.traffic.jsonl import exchange_from_record
from cognito_spec.traffic.jsonl import record_of as _record_of
from cognito_spec.traffic.record import Exchange, header
from cognito_spec.traffic.source import CaptureSource
from cognito_spec.validation.jsontext import Path, Token, decode_string, scan, splice

__all__ = ["FieldRule", "Transform", "rewrite_har", "rewrite_jsonl"]

Transform = Callable[[Exchange], Exchange]
#: For a string of an entry outside its exchange: ``(path in the entry, value, parsed entry)`` to
#: the string to write instead, or None to keep it.
FieldRule = Callable[[Path, str, object], "str | None"]


def _literal(value: str) -> str | None:
    """A JSON string literal of ``value`` by the body policy; None when none reads back as ``value``."""
    try:
        return encode_body(value).decode("ascii" if value.isascii() else "utf-8")
    except (EncodeError, UnicodeDecodeError):
        return None


def _text_literal(body: bytes) -> str | None:
    """The JSON string that a reader turns back into ``body`` (UTF-8, lone surrogates escaped)."""
    try:
        text = body.decode("utf-8", "surrogatepass")
    except UnicodeDecodeError:
        return None
    return _literal(text)


def _b64(body: bytes) -> str:
    return '"' + base64.b64encode(body).decode("ascii") + '"'


class _Edits:
    """Span edits of one entry's text, by the path of the value they replace."""

    def __init__(self, text: str, tokens: list[Token]) -> None:
        self.text = text
        self.tokens = tokens
        self.edits: dict[int, tuple[int, int, str]] = {}  # by start
        self.by_path: dict[Path, list[Token]] = {}
        for t in tokens:
            self.by_path.setdefault(t[3], []).append(t)

    def values(self, path: Path) -> list[Token]:
        return [t for t in self.by_path.get(path, ()) if t[0] != "k"]

    def key(self, path: Path) -> list[Token]:
        return [t for t in self.by_path.get(path, ()) if t[0] == "k"]

    def put(self, path: Path, new: str) -> None:
        for _, a, b, _ in self.values(path):
            self.edits[a] = (a, b, new)

    def insert(self, path: Path, member: str, value: Any) -> bool:
        """Add ``"member": value`` at the end of the object at ``path`` (False: no such object)."""
        found = [t for t in self.values(path) if t[0] == "c" and self.text[t[1]] == "{"]
        if not found:
            return False
        _, a, b, _ = found[-1]
        at = b - 1
        before = self.edits.get(at)
        empty = before is None and not self.text[a + 1 : at].strip()
        text = ("" if empty else ",") + _json(member) + ":" + _json(value)
        self.edits[at] = (at, at, (before[2] if before else "") + text)
        return True

    def covered(self, at: int) -> bool:
        return any(a < at < b for a, b, _ in self.edits.values() if b - a > 1)

    def done(self) -> str:
        return splice(self.text, self.edits.values()) if self.edits else self.text


def _json(value: Any) -> str:
    try:
        return encode_body(value).decode("utf-8")
    except (EncodeError, ValueError, UnicodeDecodeError):
        raise CaptureError("a rewritten field holds a value JSON cannot carry") from None


def _header_edits(e: _Edits, where: Path, old: Any, before: tuple[tuple[str, str], ...],
                  after: tuple[tuple[str, str], ...], *, har: bool) -> None:  # fmt: skip
    if after == before:
        return
    if [k for k, _ in after] != [k for k, _ in before]:
        # Headers added, removed or renamed (a transform other than redaction): the list is
        # written anew, in the form it had.
        if har:
            new: Any = [{"name": k, "value": v} for k, v in after]
        else:
            new = dict(after) if type(old) is dict else [list(h) for h in after]
        if not e.values(where):
            e.insert(where[:-1], str(where[-1]), new)
        else:
            e.put(where, _json(new))
        return
    if type(old) is dict:  # JSON lines' {name: value} form
        names = dict(after)
        for name, value in dict(before).items():
            if names.get(name) != value:
                lit = _literal(names[name])
                if lit is not None:
                    e.put((*where, name), lit)
        return
    for i, ((_, v0), (_, v1)) in enumerate(zip(before, after, strict=True)):
        if v0 != v1:
            lit = _literal(v1)
            if lit is not None:
                e.put((*where, i, "value" if har else 1), lit)


def _body_edits(e: _Edits, part: Path, old: bytes | None, new: bytes | None, *, har: bool,
                mime: str = "") -> None:  # fmt: skip
    """Write a changed body into a JSON-lines part (``body``/``body_base64``) or a HAR content object
    (``text`` with its ``encoding``), in the form the original used where it can carry the bytes."""
    if new == old:
        return
    text_key, b64_key = ((*part, "text"), None) if har else ((*part, "body"), (*part, "body_base64"))
    if new is None:  # a transform dropped the body
        e.put(text_key, "null") if not har else e.put(part, _json({"mimeType": mime}))
        if b64_key is not None:
            e.put(b64_key, "null")
        return
    encoded = False
    if har:
        enc = [t for t in e.values((*part, "encoding")) if t[0] == "s"]
        encoded = bool(enc) and decode_string(e.text[enc[-1][1] : enc[-1][2]]).lower() == "base64"
    lit = None if encoded else _text_literal(new)
    text = json.loads(lit) if lit is not None else None
    b64 = base64.b64encode(new).decode("ascii")
    if har and not e.values(part):  # no postData / content object yet
        made: dict[str, Any] = {} if part[-1] == "postData" else {"size": len(new)}
        made["mimeType"] = mime
        made.update({"text": text} if text is not None else {"text": b64, "encoding": "base64"})
        e.insert(part[:-1], str(part[-1]), made)
        return
    if not e.values(text_key) and not (b64_key is not None and e.values(b64_key)):  # no body field yet
        if text is not None:
            e.insert(part, str(text_key[-1]), text)
        elif b64_key is not None:
            e.insert(part, str(b64_key[-1]), b64)
        else:
            e.insert(part, "text", b64)
            e.insert(part, "encoding", "base64")
        return
    if encoded:
        e.put(text_key, _b64(new))
    elif lit is not None:
        e.put(text_key, lit)
    elif not har:
        # Bytes no JSON string carries: the record switches to body_base64.
        for _, a, b, _ in e.key(text_key):
            e.edits[a] = (a, b, '"body_base64"')
        e.put(text_key, _b64(new))
    else:
        e.put(text_key, _b64(new))
        encodings = e.values((*part, "encoding"))
        if encodings:
            for _, a, b, _ in encodings:
                e.edits[a] = (a, b, '"base64"')
        else:
            e.insert(part, "encoding", "base64")
    if b64_key is not None:
        e.put(b64_key, _b64(new))
    if har and old is not None:
        for kind, a, b, _ in e.values((*part, "size")):
            if kind == "n" and e.text[a:b] == str(len(old)):
                e.edits[a] = (a, b, str(len(new)))


#: Where an entry keeps what its exchange carries (URL, headers, bodies), by format.  The transform
#: alone judges those strings; the field rule is for the rest.  Applied to a body's text, the rule
#: took a JSON body holding ``://`` for a URL and masked "form parameters" of its fragment, the body's
#: closing brackets among them: the copy was no longer JSON.
_EXCHANGE_PARTS: Final = {
    False: (("url",), ("request", "headers"), ("request", "body"), ("request", "body_base64"),
            ("response", "headers"), ("response", "body"), ("response", "body_base64")),
    True: (("request", "url"), ("request", "headers"), ("request", "postData", "text"),
           ("response", "headers"), ("response", "content", "text")),
}  # fmt: skip


def _of_exchange(path: Path, har: bool) -> bool:
    return any(path[: len(part)] == part for part in _EXCHANGE_PARTS[har])


def _edit_entry(text: str, entry: Any, before: Exchange, after: Exchange, fields: FieldRule | None,
                *, har: bool) -> str:  # fmt: skip
    tokens, error = scan(text)
    if error is not None:  # the reader parsed it, so this does not happen; never write a guess
        raise CaptureError("invalid JSON: the entry could not be scanned")
    e = _Edits(text, tokens)
    req = entry.get("request") if type(entry) is dict else None
    resp = entry.get("response") if type(entry) is dict else None
    req_p: Path = ("request",)
    if after.url != before.url:
        lit = _literal(after.url)
        if lit is not None:
            e.put(("request", "url") if har else ("url",), lit)
    if type(req) is dict:
        _header_edits(e, (*req_p, "headers"), req.get("headers"), before.request_headers,
                      after.request_headers, har=har)  # fmt: skip
        _body_edits(e, (*req_p, "postData") if har else req_p, before.request_body,
                    after.request_body, har=har, mime=header(after.request_headers, "content-type") or "")  # fmt: skip
    if type(resp) is dict:
        _header_edits(e, ("response", "headers"), resp.get("headers"), before.response_headers,
                      after.response_headers, har=har)  # fmt: skip
        _body_edits(e, ("response", "content") if har else ("response",), before.response_body,
                    after.response_body, har=har, mime=header(after.response_headers, "content-type") or "")  # fmt: skip
    if fields is not None:
        for kind, a, b, path in tokens:
            if kind != "s" or a in e.edits or e.covered(a) or _of_exchange(path, har):
                continue
            raw = text[a:b]
            value = decode_string(raw) if "\\" in raw else raw[1:-1]
            new = fields(path, value, entry)
            if new is not None:
                lit = _literal(new)
                if lit is not None:
                    e.edits[a] = (a, b, lit)
    return e.done()


# -- JSON lines ---------------------------------------------------------------------------------------


def rewrite_jsonl(
    src: CaptureSource, out: IO[str], transform: Transform, fields: FieldRule | None = None
) -> int:
    """Copy a JSON-lines capture, each record's exchange passed through ``transform``; returns records.

    Blank lines and line ends are kept.  ``out`` receives text that may hold lone surrogates (where
    the input held their UTF-8 form): open files with ``errors="surrogatepass"``.
    """
    n = 0
    for lineno, raw in enumerate(src.stream):
        if not raw.strip():
            out.write(raw.decode("utf-8", "surrogatepass"))
            continue
        record = _record_of(raw, src.name, lineno)
        try:
            before = exchange_from_record(record, lineno)
            line = raw.decode("utf-8", "surrogatepass")
            body = line.rstrip("\r\n")
            new = _edit_entry(body, record, before, transform(before), fields, har=False)
        except CaptureError as exc:
            raise exc.at(source=src.name, position=f"line {lineno + 1}") from None
        out.write(new + line[len(body) :])
        n += 1
    return n


# -- HAR ------------------------------------------------------------------------------------------------

_WS: Final = " \t\n\r"
_DECODER: Final = json.JSONDecoder()


class _Reader:
    """A growing text window over a byte stream: ``buf`` holds what the walker has not written yet,
    ``pos`` how far it has read into it."""

    def __init__(self, stream: IO[bytes], name: str) -> None:
        self.stream = stream
        self.name = name
        self.decoder = codecs.getincrementaldecoder("utf-8")("surrogatepass")
        self.buf = ""
        self.pos = 0
        self.eof = False
        self.entries = 0

    def fail(self, reason: str) -> CaptureError:
        return CaptureError(
            f"invalid JSON: {reason}", source=self.name, position=f"after entry {self.entries}"
        )

    def more(self) -> bool:
        """Read on (False at the end); reads grow with the window, so a long value costs O(n)."""
        if self.eof:
            return False
        try:
            data = self.stream.read(max(_BUFFER, len(self.buf) - self.pos))
            self.buf += self.decoder.decode(data, final=not data)
        except UnicodeDecodeError:
            raise self.fail("not UTF-8") from None
        self.eof = not data
        return True

    def peek(self) -> str:
        """The next character that is not white space ('' at the end)."""
        while True:
            while self.pos < len(self.buf) and self.buf[self.pos] in _WS:
                self.pos += 1
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self.more():
                return ""

    def take(self) -> str:
        """The text read so far and not yet written (the caller writes it), forgotten here."""
        text = self.buf[: self.pos]
        self.buf = self.buf[self.pos :]
        self.pos = 0
        return text

    def value(self) -> Any:
        """Parse the JSON value at the next non-blank position; its text is then what :meth:`take` gives."""
        self.peek()
        while True:
            try:
                obj, end = _DECODER.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                if self.more():
                    continue  # perhaps only cut short by the read
                raise self.fail(exc.msg) from None
            except (ValueError, RecursionError) as exc:  # digit limit, nesting
                raise self.fail(type(exc).__name__) from None
            if end >= len(self.buf) and self.more():
                continue  # a number may go on in the next read
            self.pos = end
            return obj

    def expect(self, chars: str) -> str:
        c = self.peek()
        if c == "" or c not in chars:
            raise self.fail(f"expected one of {chars!r}")
        self.pos += 1
        return c


def _strings(text: str, fields: FieldRule | None, where: Path) -> str:
    """A value outside the entries (creator, pages, ...), its strings passed through ``fields``."""
    if fields is None or '"' not in text:
        return text
    tokens, _ = scan(text)
    edits = []
    for kind, a, b, path in tokens:
        if kind == "s":
            new = fields((*where, *path), decode_string(text[a:b]), None)
            lit = _literal(new) if new is not None else None
            if lit is not None:
                edits.append((a, b, lit))
    return splice(text, edits)


def _members(r: _Reader, out: IO[str], member: Callable[[str], None]) -> None:
    """Walk the members of the object whose ``{`` was just read; ``member(key)`` writes each value."""
    first = True
    while True:
        c = r.peek()
        if c == "}" and first:
            r.pos += 1
            return
        if c != '"':
            raise r.fail("expected a member name")
        key = r.value()
        r.expect(":")
        r.peek()
        out.write(r.take())
        member(key)
        first = False
        if r.expect(",}") == "}":
            return


def _copy_value(r: _Reader, out: IO[str], fields: FieldRule | None, where: Path) -> None:
    r.value()
    out.write(_strings(r.take(), fields, where))


def rewrite_har(
    src: CaptureSource, out: IO[str], transform: Transform, fields: FieldRule | None = None
) -> int:
    """Copy a HAR document, streaming, each entry's exchange passed through ``transform``.

    Everything outside ``log.entries`` is copied as it is (its strings passed through ``fields``
    when given); each entry is parsed, transformed, and its text edited where the exchange changed.
    Returns the number of entries.  ``out`` may receive lone surrogates, as for :func:`rewrite_jsonl`.
    """
    r = _Reader(src.stream, src.name)

    def entries() -> None:
        if r.expect("]") if r.peek() == "]" else False:
            return
        while True:
            r.peek()
            out.write(r.take())
            entry = r.value()
            text = r.take()
            try:
                before = exchange_from_har_entry(entry, r.entries)
                out.write(_edit_entry(text, entry, before, transform(before), fields, har=True))
            except CaptureError as exc:
                raise exc.at(source=r.name, position=f"entry {r.entries}") from None
            r.entries += 1
            if r.expect(",]") == "]":
                return

    def log_member(key: str) -> None:
        if key == "entries" and r.peek() == "[":
            r.pos += 1
            entries()
        else:
            _copy_value(r, out, fields, ("log", key))

    def top_member(key: str) -> None:
        if key == "log" and r.peek() == "{":
            r.pos += 1
            _members(r, out, log_member)
        else:
            _copy_value(r, out, fields, (key,))

    r.expect("{")
    _members(r, out, top_member)
    if r.peek() != "":
        raise r.fail("data after the document")
    out.write(r.take())
    return r.entries
