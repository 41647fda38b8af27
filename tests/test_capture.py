"""Capture readers: HAR as browsers and proxies export it, JSON lines, streaming, skipping, redacting."""

from __future__ import annotations

import base64
import io
import json
import pickle
import re
import subprocess
import sys
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from _entries import count_reads, outcome
from conftest import DEEP
from hypothesis import given, settings
from hypothesis import strategies as st

import cognito_spec as cs
from cognito_spec import OPERATIONS
from cognito_spec import strategies as cst
from cognito_spec.errors import CaptureError
from cognito_spec.traffic.fast import har_quick_parts, record_quick_parts
from cognito_spec.traffic.jsonl import exchange_from_record, iter_jsonl_lines
from cognito_spec.traffic.record import Exchange, write_har, write_jsonl
from cognito_spec.traffic.rewrite import rewrite_har, rewrite_jsonl
from cognito_spec.traffic.scope import ReadStats, iter_exchanges, skip_reason
from cognito_spec.traffic.source import open_capture, read_capture

GET_USER = OPERATIONS["GetUser"]
TOKEN = "eyJraWQiOiJrMSIsImFsZyI6IlJTMjU2In0.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"


def har_doc(entries: list[dict[str, Any]], **log: Any) -> bytes:
    return json.dumps(
        {"log": {"version": "1.2", "creator": {"name": "test", "version": "1"}, **log, "entries": entries}},
        indent=2,
    ).encode()


def entry(
    *,
    method: str = "POST",
    url: str = "https://cognito-idp.eu-west-1.amazonaws.com/",
    request_headers: list[tuple[str, str]] | None = None,
    post: dict[str, Any] | None = None,
    status: int = 200,
    response_headers: list[tuple[str, str]] | None = None,
    content: dict[str, Any] | None = None,
) -> dict[str, Any]:
    if request_headers is None:
        request_headers = [("x-amz-target", GET_USER.target), ("content-type", "application/x-amz-json-1.1")]
    e: dict[str, Any] = {
        "startedDateTime": "2026-11-26T16:00:00.000Z",
        "time": 12.5,
        "request": {
            "method": method,
            "url": url,
            "httpVersion": "HTTP/2",
            "headers": [{"name": k, "value": v} for k, v in request_headers],
            "queryString": [],
            "cookies": [],
            "headersSize": -1,
            "bodySize": 10,
        },
        "response": {
            "status": status,
            "statusText": "",
            "httpVersion": "HTTP/2",
            "headers": [{"name": k, "value": v} for k, v in (response_headers or [])],
            "cookies": [],
            "content": content
            if content is not None
            else {"size": 0, "mimeType": "application/x-amz-json-1.1"},
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": -1,
        },
        "cache": {},
        "timings": {"send": 0, "wait": 10, "receive": 2.5},
    }
    if post is not None:
        e["request"]["postData"] = post
    return e


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


# --------------------------------------------------------------------------------------------------
# Round trips


@given(exchanges=st.lists(cst.exchanges(), max_size=4), fmt=st.sampled_from(["har", "jsonl"]))
@settings(max_examples=5000 if DEEP else 40)  # whole exchanges of any operation: the file's budget
def test_what_the_writers_write_the_readers_read_back(
    exchanges: list[Exchange], fmt: str, tmp_path_factory: Any
) -> None:
    exchanges = list(exchanges)
    path = tmp_path_factory.mktemp("rt") / f"capture.{fmt}"
    with path.open("w", encoding="utf-8") as fp:
        (write_har if fmt == "har" else write_jsonl)(exchanges, fp)
    with open_capture(path) as src:
        assert src.format == fmt
        back = list(src.exchanges())
    assert len(back) == len(exchanges)
    for i, (a, b) in enumerate(zip(exchanges, back, strict=True)):
        assert b.index == i
        assert (b.request_headers, b.request_body, b.status, b.response_headers, b.response_body) == (
            a.request_headers,
            a.request_body,
            a.status,
            a.response_headers,
            a.response_body,
        )
        assert (b.method, b.url, b.started) == (a.method, a.url or b.url, a.started)


def test_bodies_that_are_not_utf8_survive_both_formats(tmp_path: Path) -> None:
    ex = Exchange(
        (("X-Amz-Target", GET_USER.target),),
        b"\xff\xfe{}",
        500,
        (),
        b"\x00\x80",
        url="https://cognito-idp.x/",
    )
    for fmt, writer in (("har", write_har), ("jsonl", write_jsonl)):
        path = tmp_path / f"bin.{fmt}"
        with path.open("w", encoding="utf-8") as fp:
            writer([ex], fp)
        (back,) = read_capture(path)
        assert (back.request_body, back.response_body) == (ex.request_body, ex.response_body)


# --------------------------------------------------------------------------------------------------
# HAR as exported by browsers and proxies


def test_har_header_names_in_any_case_and_base64_bodies(tmp_path: Path) -> None:
    body = json.dumps({"Username": "alice", "UserAttributes": []}).encode()
    doc = har_doc(
        [
            entry(
                request_headers=[
                    ("X-AMZ-TARGET", GET_USER.target),
                    ("Content-Type", "application/x-amz-json-1.1"),
                ],
                post={"mimeType": "application/x-amz-json-1.1", "text": json.dumps({"AccessToken": TOKEN})},
                response_headers=[("content-type", "application/x-amz-json-1.1"), ("X-AMZN-REQUESTID", "r")],
                content={
                    "size": len(body),
                    "mimeType": "application/x-amz-json-1.1",
                    "text": base64.b64encode(body).decode(),
                    "encoding": "base64",
                },
            )
        ]
    )
    (ex,) = read_capture(write(tmp_path, "a.har", doc))
    assert ex.response_body == body
    assert ex.request_body == json.dumps({"AccessToken": TOKEN}).encode()
    assert dict(ex.request_headers)["X-AMZ-TARGET"] == GET_USER.target
    assert ex.started == "2026-11-26T16:00:00.000Z"


def test_har_missing_bodies_and_unanswered_requests(tmp_path: Path) -> None:
    doc = har_doc(
        [
            entry(post=None, content={"size": 0, "mimeType": "x-unknown"}),  # browser kept no text
            entry(
                post={"mimeType": "application/x-amz-json-1.1", "text": "{}"}, status=0
            ),  # blocked, aborted
        ]
    )
    kept, unanswered = read_capture(write(tmp_path, "m.har", doc))
    assert kept.request_body is None and kept.response_body is None and kept.status == 200
    assert (
        unanswered.status is None and unanswered.response_headers == () and unanswered.response_body is None
    )


def test_preflights_and_other_sites_are_skipped_and_counted_and_every_cognito_call_kept(
    tmp_path: Path,
) -> None:
    doc = har_doc(
        [
            entry(method="OPTIONS", request_headers=[("Access-Control-Request-Method", "POST")]),
            entry(url="https://example.com/app.js", method="GET", request_headers=[]),
            # an operation the model lacks: kept, it is a finding (unknown_operation)
            entry(request_headers=[("X-Amz-Target", "AWSCognitoIdentityProviderService.Teleport")]),
            entry(
                request_headers=[("X-Amz-Target", "AWSCognitoIdentityService.GetId")],
                url="https://cognito-identity.x/",
            ),
            entry(),  # GetUser: kept
            entry(
                request_headers=[("Content-Type", "application/x-amz-json-1.1")]
            ),  # cognito-idp, no target: kept
            entry(
                url="http://localhost:9229/", request_headers=[("X-Amz-Target", GET_USER.target)]
            ),  # an emulator: kept
        ]
    )
    stats = ReadStats()
    kept = list(read_capture(write(tmp_path, "s.har", doc), stats=stats))
    assert [ex.index for ex in kept] == [2, 4, 5, 6]
    assert stats.entries == 7
    assert stats.skipped == {"preflight": 1, "not_cognito": 2}


COGNITO_JSON = ("Content-Type", "application/x-amz-json-1.1")
SIGNED_IDP = (
    "Authorization",
    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261126/us-east-1/cognito-idp/aws4_request, SignedHeaders=host, Signature=0",
)
SIGNED_STS = (
    "Authorization",
    "AWS4-HMAC-SHA256 Credential=testing/20261126/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=0",
)
FOREIGN = ("X-Amz-Target", "AWSCognitoIdentityService.GetId")
#: (method, url, headers) -> checked?  The rule of traffic/scope.py, case by case.
SCOPE_CASES: list[tuple[str, str, tuple[tuple[str, str], ...], bool]] = [
    ("OPTIONS", "https://cognito-idp.eu-west-1.amazonaws.com/", (("X-Amz-Target", GET_USER.target),), False),
    # 2. the service's prefix decides, on any host
    ("POST", "http://127.0.0.1:9229/", (("X-Amz-Target", GET_USER.target),), True),
    ("POST", "https://example.com/", (("X-Amz-Target", "AWSCognitoIdentityProviderService.Teleport"),), True),
    ("GET", "http://localhost:4566/", (("X-Amz-Target", GET_USER.target),), True),  # a finding: method
    # 3. a Cognito endpoint for certain: any target, or none
    ("POST", "https://cognito-idp.eu-west-1.amazonaws.com/", (), True),
    ("POST", "https://cognito-idp-fips.us-east-1.amazonaws.com/", (FOREIGN,), True),
    ("POST", "https://cognito-idp.cn-north-1.amazonaws.com.cn/", (FOREIGN, COGNITO_JSON), True),
    ("POST", "http://localhost:4566/", (SIGNED_IDP, FOREIGN), True),
    ("POST", "http://localhost:4566/", (SIGNED_IDP,), True),
    # 4. no target, Cognito's content type, nothing saying another service
    ("POST", "http://127.0.0.1:9229/", (COGNITO_JSON,), True),
    ("POST", "http://127.0.0.1:9229/", (("Content-Type", "Application/X-Amz-Json-1.1; charset=utf-8"),), True),
    ("POST", "http://127.0.0.1:9229/", (COGNITO_JSON, ("X-Amz-Target", "")), True),
    ("POST", "https://cognito-identity.us-east-1.amazonaws.com/", (COGNITO_JSON,), False),
    ("POST", "http://127.0.0.1:33655/", (COGNITO_JSON, SIGNED_STS), False),
    ("GET", "http://127.0.0.1:9229/", (COGNITO_JSON,), False),
    # 5. the rest: another service's target where the endpoint may serve several, a form-encoded
    # STS call on moto's port, a page
    ("POST", "http://localhost:4566/", (FOREIGN, COGNITO_JSON), False),
    ("POST", "https://cognito-identity.us-east-1.amazonaws.com/", (FOREIGN, COGNITO_JSON), False),
    ("POST", "http://127.0.0.1:33655/", (("Content-Type", "application/x-www-form-urlencoded"), SIGNED_STS), False),
    ("POST", "http://127.0.0.1:9229/", (("Content-Type", "application/json"),), False),
    ("POST", "https://example.com/api", (), False),
]  # fmt: skip


@pytest.mark.parametrize(("method", "url", "headers", "checked"), SCOPE_CASES)
def test_cognito_calls_are_told_by_the_exchange_not_by_the_host_alone(
    method: str, url: str, headers: tuple[tuple[str, str], ...], checked: bool
) -> None:
    ex = Exchange(headers, b"{}", 200, method=method, url=url)
    reason = skip_reason(ex)
    assert (reason is None) == checked
    if method == "OPTIONS":
        assert reason == "preflight"
    elif not checked:
        assert reason == "not_cognito"


def test_har_pretty_printed_with_a_bom_and_odd_key_order(tmp_path: Path) -> None:
    doc = {"log": {"entries": [entry()], "version": "1.2", "pages": [{"id": "p"}], "creator": {"name": "x"}}}
    data = b"\xef\xbb\xbf\n  " + json.dumps(doc, indent=4).encode()
    with open_capture(write(tmp_path, "pretty.har", data)) as src:
        assert src.format == "har"
        assert len(list(src.exchanges())) == 1


@pytest.mark.parametrize(
    ("data", "where"),
    [
        (har_doc([entry(), entry()])[:-40], "after entry"),
        (b'{"log": {"entries": [{"request": 5}]}}', "entry 0"),
        (b'{"log": {"entries": [{"request": {"headers": [["a", "b"]]}}]}}', "entry 0"),
        (
            b'{"log": {"entries": ['
            + json.dumps(entry(post={"text": "!!", "encoding": "base64"})).encode()
            + b"]}}",
            "entry 0",
        ),
        (
            b'{"log": {"entries": ['
            + json.dumps(entry(post={"text": "x", "encoding": "gzip"})).encode()
            + b"]}}",
            "entry 0",
        ),
        (b'{"log": {"entries": [{"response": {}, "request": {"method": 1}}]}}', "entry 0"),
        (b'{"log": {"entries": [tru]}}', "after entry"),
    ],
    ids=[
        "truncated",
        "request-not-object",
        "headers-not-objects",
        "bad-base64",
        "unknown-encoding",
        "method-type",
        "bad-json",
    ],
)
def test_unreadable_har_names_the_place_and_never_the_content(
    tmp_path: Path, data: bytes, where: str
) -> None:
    path = write(tmp_path, "bad.har", data.replace(b'"x"', b'"' + TOKEN.encode() + b'"'))
    with pytest.raises(CaptureError) as info:
        list(read_capture(path))
    message = str(info.value)
    assert str(path) in message and where in message
    assert TOKEN not in message and "\n" not in message


def test_capture_errors_survive_pickling_for_worker_processes() -> None:
    err = CaptureError("bad", source="f.har", position="entry 3")
    back = pickle.loads(pickle.dumps(err))
    assert str(back) == str(err) == "f.har: entry 3: bad"


# --------------------------------------------------------------------------------------------------
# JSON lines


def record(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "index": 9,
        "url": "https://cognito-idp.us-east-1.amazonaws.com/",
        "request": {"method": "POST", "headers": [["X-Amz-Target", GET_USER.target]], "body": "{}"},
        "response": {"status": 200, "headers": {"Content-Type": "application/x-amz-json-1.1"}, "body": "{}"},
    }
    base.update(changes)
    return base


def test_jsonl_records_in_every_documented_form(tmp_path: Path) -> None:
    lines = [
        json.dumps(record()),
        "",
        "   ",
        json.dumps(record(response=None)),
        json.dumps(
            {
                "request": {
                    "headers": {"X-Amz-Target": GET_USER.target},
                    "body_base64": base64.b64encode(b"\xff").decode(),
                }
            }
        ),
        json.dumps(record(request={"headers": [["X-Amz-Target", GET_USER.target]], "body": None})),
    ]
    got = list(read_capture(write(tmp_path, "c.jsonl", ("\r\n".join(lines) + "\n").encode())))
    assert [ex.index for ex in got] == [0, 3, 4, 5]  # the index is the 0-based line
    assert got[0].response_headers == (("Content-Type", "application/x-amz-json-1.1"),)
    assert got[1].status is None
    assert got[2].request_body == b"\xff" and got[2].method == "POST"
    assert got[3].request_body is None


@pytest.mark.parametrize(
    "line",
    [
        b"{not json}",
        b"[1, 2]",
        json.dumps({"response": None}).encode(),
        json.dumps(record(response={"status": "200"})).encode(),
        json.dumps(record(request={"headers": [["a", "b", "c"]]})).encode(),
        json.dumps(record(request={"headers": [{"a": "b", "c": "d"}]})).encode(),
        json.dumps(record(request={"headers": ["ab"]})).encode(),
        json.dumps(record(request={"body_base64": "%%"})).encode(),
        json.dumps(record(url=5)).encode(),
        b"\xff\xfe",
    ],
)
def test_unreadable_jsonl_records_name_their_line(tmp_path: Path, line: bytes) -> None:
    path = write(tmp_path, "bad.jsonl", json.dumps(record()).encode() + b"\n" + line + b"\n")
    with pytest.raises(CaptureError, match=r"bad\.jsonl: line 2: "):
        list(read_capture(path))


def test_the_quick_readers_accept_only_what_the_full_readers_accept() -> None:
    """The CLI's fast path reads records itself; it must never take what exchange_from_record refuses."""
    good = record(response={"status": 200, "headers": [["Content-Type", "x"]], "body": "{}"})
    assert record_quick_parts(good) is not None
    exchange_from_record(good)
    for bad_headers in (["ab"], [{"a": "b", "c": "d"}], [["a", "b", "c"]], [["a", 1]], [[1, "a"]], [None]):
        bad = record(request={"headers": bad_headers, "body": "{}"}, response=good["response"])
        assert record_quick_parts(bad) is None
        with pytest.raises(CaptureError):
            exchange_from_record(bad)
    e = entry(post={"text": "{}"}, content={"text": "{}"}, response_headers=[("a", "b")])
    assert har_quick_parts(e) is not None
    for headers in ([["a", "b"]], ["ab"], [{"name": "a"}], [{"name": 1, "value": "b"}]):
        broken = json.loads(json.dumps(e))
        broken["request"]["headers"] = headers
        assert har_quick_parts(broken) is None


def _clean_record() -> dict[str, Any]:
    """The JSON-lines record of a clean AdminGetUser success (the fast path takes it)."""
    from cognito_spec.fixtures import Generator, RandomSource
    from cognito_spec.traffic.record import exchange_to_json

    ex = Generator(RandomSource("record")).exchange(OPERATIONS["AdminGetUser"], outcome="response")
    return json.loads(json.dumps(exchange_to_json(ex)))


@pytest.mark.parametrize("orjson_on", [True, False])
@pytest.mark.parametrize("where", ["record", "index", "request", "response", "request body_base64"])
def test_a_record_nesting_deeper_than_json_loads_reads_is_refused_as_the_reader_refuses_it(
    orjson_on: bool, where: str
) -> None:
    # orjson reads 1024 levels, json.loads fewer: validate_lines reads a record holding only its usual
    # members without the bracket count, so one holding another member that nests 1000 levels deep
    # must take the count, and with it the reader's answer (not a JSON record).
    from cognito_spec.codec.body import use_orjson
    from cognito_spec.traffic.batch import validate_lines

    rec = _clean_record()
    line = json.dumps(rec).encode()
    deep = json.loads("[" * 900 + "]" * 900)  # json.dumps writes it; 1000 levels are written below
    if where == "record":
        rec["extra"] = deep
    elif where == "index":
        rec["index"] = deep
    elif where == "request body_base64":
        rec["request"]["body_base64"] = deep
    else:
        rec[where]["extra"] = deep
    nested = json.dumps(rec).encode().replace(b"[" * 900, b"[" * 1000, 1).replace(b"]" * 900, b"]" * 1000, 1)
    previous = use_orjson(orjson_on)
    try:
        assert validate_lines([line]).summary.valid == 1
        got = validate_lines([nested], source="c.jsonl")
    finally:
        use_orjson(previous)
    assert got.failure is not None and got.failure_line == 0
    with pytest.raises(CaptureError) as info:
        list(iter_jsonl_lines([nested], source="c.jsonl"))
    assert str(got.failure) == str(info.value)


# --------------------------------------------------------------------------------------------------
# Sources: sniffing, standard input, memory


def test_format_comes_from_the_content(tmp_path: Path) -> None:
    har = write(tmp_path, "capture.txt", har_doc([entry()]))
    jsonl = write(tmp_path, "capture.har.bak", json.dumps(record()).encode() + b"\n")
    empty = write(tmp_path, "empty", b"")
    with open_capture(har) as a, open_capture(jsonl) as b, open_capture(empty) as c:
        assert (a.format, b.format, c.format) == ("har", "jsonl", "jsonl")
    assert list(read_capture(empty)) == []
    for junk in (b"<html>", b"\x00\x01", b"  [1,2]"):
        with pytest.raises(CaptureError, match="neither a HAR file nor JSON lines"):
            open_capture(write(tmp_path, "junk", junk))
    with pytest.raises(CaptureError, match="No such file"):
        open_capture(tmp_path / "missing.har")


class _Stdin:
    def __init__(self, data: bytes) -> None:
        self.buffer = io.BytesIO(data)


@pytest.mark.parametrize("fmt", ["har", "jsonl"])
def test_dash_reads_standard_input(monkeypatch: pytest.MonkeyPatch, fmt: str) -> None:
    data = har_doc([entry()]) if fmt == "har" else json.dumps(record()).encode() + b"\n"
    monkeypatch.setattr(sys, "stdin", _Stdin(data))
    with open_capture("-") as src:
        assert (src.name, src.format, src.size) == ("<stdin>", fmt, None)
        assert len(list(src.exchanges())) == 1


class _ReadOnly:
    """A stream with ``read`` alone (no ``readinto``)."""

    def __init__(self, data: bytes) -> None:
        self._fp = io.BytesIO(data)

    def read(self, size: int = -1) -> bytes:
        return self._fp.read(size)


@given(st.binary(max_size=300), st.binary(max_size=3000), st.lists(st.integers(1, 700), min_size=1))
def test_the_replayed_stream_gives_the_prefix_then_the_rest_read_into_the_buffer_or_not(
    prefix: bytes, rest: bytes, sizes: list[int]
) -> None:
    from cognito_spec.traffic.source import _Prefixed

    class _Spied(io.BytesIO):
        def read(self, size: int | None = -1) -> bytes:
            raise AssertionError("read() where readinto() takes the bytes straight in")

    for stream in (_Spied(rest), _ReadOnly(rest)):
        replay = _Prefixed(prefix, stream)  # type: ignore[arg-type]
        got = bytearray()
        for i in range(len(prefix) + len(rest) + 1):  # each read but the last gives a byte or more
            buffer = bytearray(sizes[i % len(sizes)])
            n = replay.readinto(memoryview(buffer))
            if n == 0:
                break
            got += buffer[:n]
        assert bytes(got) == prefix + rest
        assert replay.consumed == len(prefix) + len(rest)
        assert replay.readinto(memoryview(bytearray(9))) == 0


class _LazyHar(io.RawIOBase):
    """A HAR of ``n`` entries produced while it is read: nothing of it exists as a whole."""

    def __init__(self, n: int) -> None:
        self._parts = self._generate(n)
        self._buf = b""

    @staticmethod
    def _generate(n: int) -> Iterator[bytes]:
        one = json.dumps(entry(post={"text": json.dumps({"AccessToken": TOKEN * 8})})).encode()
        yield b'{"log": {"version": "1.2", "entries": ['
        for i in range(n):
            yield (b"," if i else b"") + one
        yield b"]}}"

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        while len(self._buf) < len(b):
            part = next(self._parts, None)
            if part is None:
                break
            self._buf += part
        n = min(len(b), len(self._buf))
        b[:n] = self._buf[:n]
        self._buf = self._buf[n:]
        return n


def _peak_reading(n: int) -> int:
    from cognito_spec.traffic.har import iter_har

    tracemalloc.start()
    try:
        count = sum(1 for _ in iter_exchanges(iter_har(io.BufferedReader(_LazyHar(n)))))
        assert count == n
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_reading_a_har_streams_memory_stays_flat() -> None:
    small, large = _peak_reading(200), _peak_reading(4000)  # about 0.4 MB against 8 MB of HAR
    assert large < small * 1.5 + 256 * 1024


# --------------------------------------------------------------------------------------------------
# Rewriting


def test_rewrite_har_keeps_everything_but_what_the_transform_changed(tmp_path: Path) -> None:
    doc = json.loads(
        har_doc(
            [entry(post={"mimeType": "m", "text": "{}"}), entry(method="GET", url="https://x/")],
            pages=[{"id": "p1", "title": "ü"}],
            comment="c",
        )
    )
    doc["log"]["entries"][0]["_custom"] = {"keep": [1, 2.5, True, None]}
    path = write(tmp_path, "r.har", json.dumps(doc).encode())

    def transform(ex: Exchange) -> Exchange:
        if ex.method != "POST":
            return ex
        return Exchange(
            (*ex.request_headers, ("X-Added", "1")),
            b'{"A":1}',
            ex.status,
            ex.response_headers,
            b"\xff",
            ex.method,
            ex.url,
            ex.index,
            ex.started,
        )

    out = io.StringIO()
    with open_capture(path) as src:
        assert rewrite_har(src, out, transform) == 2
    new = json.loads(out.getvalue())
    old_first, new_first = doc["log"]["entries"][0], new["log"]["entries"][0]
    assert new["log"]["pages"] == doc["log"]["pages"] and new["log"]["comment"] == "c"
    assert new_first["_custom"] == old_first["_custom"]
    assert new_first["request"]["postData"] == {"mimeType": "m", "text": '{"A":1}'}
    assert new_first["response"]["content"]["encoding"] == "base64"
    assert base64.b64decode(new_first["response"]["content"]["text"]) == b"\xff"
    assert new_first["request"]["headers"][-1] == {"name": "X-Added", "value": "1"}
    assert new["log"]["entries"][1] == doc["log"]["entries"][1]


def test_rewrite_jsonl_keeps_the_record_form(tmp_path: Path) -> None:
    path = write(
        tmp_path, "r.jsonl", (json.dumps(record()) + "\n\n" + json.dumps(record(index=1)) + "\n").encode()
    )
    out = io.StringIO()
    with open_capture(path) as src:
        n = rewrite_jsonl(
            src,
            out,
            lambda ex: Exchange(
                ex.request_headers,
                b"[]",
                ex.status,
                ex.response_headers,
                ex.response_body,
                ex.method,
                ex.url,
                ex.index,
                ex.started,
            ),
        )
    assert n == 2
    first = json.loads(out.getvalue().splitlines()[0])
    assert first["request"]["body"] == "[]"
    assert first["response"]["headers"] == {"Content-Type": "application/x-amz-json-1.1"}  # object form kept
    assert first["index"] == 9


def test_skip_reason_reads_the_target_first() -> None:
    ex = Exchange((("x-amz-target", f" {GET_USER.target} "),), b"{}", url="https://example.com/")
    assert skip_reason(ex) is None


# --------------------------------------------------------------------------------------------------
# Hostile and odd HARs: bounded nesting, exact strings, documents that are no HAR


_MEASURE = """
import resource, subprocess, sys, time
def limit():  # a run that would need gigabytes fails here instead of taking the machine
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
t = time.perf_counter()
r = subprocess.run(sys.argv[1:], preexec_fn=limit, capture_output=True, text=True, timeout=120)
print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024,
      round(time.perf_counter() - t, 2), repr(r.stdout[-300:] + r.stderr[-300:]))
"""

_READ_ALL = """
import sys
import cognito_spec as cs
try:
    print(sum(1 for _ in cs.read_capture(sys.argv[1])))
except cs.CaptureError as exc:
    print("CaptureError", exc)
"""


def _measured(*argv: str) -> tuple[int, int, float, str]:
    """Exit status, peak RSS (MB) and seconds of a fresh child process, and the end of its output."""
    out = subprocess.run(
        [sys.executable, "-c", _MEASURE, sys.executable, *argv], capture_output=True, text=True, check=True
    ).stdout.split(" ", 3)
    return int(out[0]), int(out[1]), float(out[2]), out[3]


def test_a_deeply_nested_har_is_refused_fast_in_bounded_memory(tmp_path: Path) -> None:
    # 205 KB: one body-less value of 100,000 nested arrays.  ijson alone needs memory growing with
    # the square of the depth (tens of gigabytes); the stream refuses it before.
    e = entry()
    e["comment"] = "DEEP"
    doc = har_doc([e]).replace(b'"DEEP"', b"[" * 100_000 + b"]" * 100_000)
    path = tmp_path / "deep.har"
    path.write_bytes(doc)
    status, rss, seconds, output = _measured("-m", "cognito_spec", "validate", str(path))
    assert (status, "nested deeper than 256 levels" in output) == (2, True), output
    assert rss < 250 and seconds < 30
    status, rss, seconds, output = _measured("-c", _READ_ALL, str(path))
    assert output.startswith("'CaptureError " + str(path) + ": byte "), output
    assert status == 0 and rss < 250 and seconds < 30


def test_nesting_up_to_the_bound_reads_and_strings_do_not_count(tmp_path: Path) -> None:
    from cognito_spec.traffic.harstream import MAX_DEPTH

    e = entry(post={"text": "[" * 100_000})  # brackets in a string are text
    e["comment"] = "DEEP"
    ok = har_doc([e]).replace(b'"DEEP"', b"[" * (MAX_DEPTH - 4) + b"]" * (MAX_DEPTH - 4))
    (tmp_path / "ok.har").write_bytes(ok)
    assert [x.request_body for x in read_capture(tmp_path / "ok.har")] == [b"[" * 100_000]
    deep = har_doc([e]).replace(b'"DEEP"', b"[" * (MAX_DEPTH - 3) + b"]" * (MAX_DEPTH - 3))
    (tmp_path / "deep.har").write_bytes(deep)
    with pytest.raises(CaptureError, match="nested deeper"):
        list(read_capture(tmp_path / "deep.har"))


_PIECES = st.one_of(
    st.characters(codec="utf-8"),
    st.integers(0xD800, 0xDFFF).map(chr),  # lone surrogates, and pairs when two meet
    st.sampled_from(["\ud83d\ude00", "\uffff", "\ue000", "\ue7ff", "\\", '"', "\\ud800", "\uffff\ue001"]),
)


@given(texts=st.lists(st.lists(_PIECES, max_size=12).map("".join), min_size=4, max_size=4))
def test_har_and_json_lines_read_the_same_strings_exactly(texts: list[str]) -> None:
    # The same escapes, same bytes and same verdict whatever the format (yajl alone turns \ud800
    # into "?" and \udfff into an unreadable file).
    body, url, value, response = texts
    record = {
        "url": "https://cognito-idp.eu-west-1.amazonaws.com/" + url,
        "request": {
            "method": "POST",
            "headers": [["x-amz-target", GET_USER.target], ["x-v", value]],
            "body": body,
        },
        "response": {"status": 200, "headers": [], "body": response},
    }
    from_jsonl = list(read_capture_bytes((json.dumps(record) + "\n").encode()))
    har = entry(
        url=record["url"],
        request_headers=[("x-amz-target", GET_USER.target), ("x-v", value)],
        post={"mimeType": "", "text": body},
        response_headers=[],
        content={"size": 0, "mimeType": "", "text": response},
    )
    from_har = list(read_capture_bytes(har_doc([har])))
    assert len(from_har) == len(from_jsonl) == 1
    j, h = from_jsonl[0], from_har[0]
    assert (h.url, h.request_headers, h.request_body, h.response_body) == (
        j.url,
        j.request_headers,
        j.request_body,
        j.response_body,
    )
    assert h.request_body == json.loads(json.dumps(body)).encode("utf-8", "surrogatepass")
    assert cs.validate_exchange(h) == cs.validate_exchange(j)


def read_capture_bytes(data: bytes) -> Iterator[Exchange]:
    src = open_capture_bytes(data)
    return src.exchanges()


def open_capture_bytes(data: bytes) -> Any:
    import os
    import tempfile

    fd, name = tempfile.mkstemp()
    with os.fdopen(fd, "wb") as fp:
        fp.write(data)
    try:
        return open_capture(name)
    finally:
        os.unlink(name)  # the open file stays readable


@pytest.mark.parametrize(
    "doc", [b'{"log": 5}', b'{"log": {"Entries": []}}', b'{"log": {"entries": {}}}', b'{"log": []}']
)
def test_a_document_without_a_log_entries_array_is_no_har(
    tmp_path: Path, doc: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "x.har"
    path.write_bytes(doc)
    with pytest.raises(CaptureError, match="not a HAR"):
        list(read_capture(path))
    from cognito_spec.cli import main

    assert main(["validate", str(path)]) == 2
    assert "not a HAR" in capsys.readouterr().err


def test_an_empty_har_is_a_valid_capture_of_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "empty.har"
    path.write_bytes(har_doc([]))
    assert list(read_capture(path)) == []
    from cognito_spec.cli import main

    assert main(["validate", str(path)]) == 0


def test_repr_of_an_exchange_shows_sizes_and_names_never_bodies_or_credentials() -> None:
    ex = Exchange(
        (("X-Amz-Target", GET_USER.target), ("Authorization", "Bearer " + TOKEN), ("cookie", "s=" + TOKEN)),
        json.dumps({"AccessToken": TOKEN}).encode(),
        200,
        (("Set-Cookie", "s=" + TOKEN), ("X-Amz-Security-Token", TOKEN), ("Content-Type", "application/json")),
        b'{"Username":"alice"}',
        url="https://cognito-idp.eu-west-1.amazonaws.com/",
    )
    text = repr(ex)
    assert TOKEN not in text and "alice" not in text
    assert text == (
        "Exchange(index=0, method='POST', url='https://cognito-idp.eu-west-1.amazonaws.com/', status=200,"
        f" request_headers=('X-Amz-Target: {GET_USER.target}', 'Authorization: <redacted>',"
        f" 'cookie: <redacted>'), request_body=<{len(ex.request_body or b'')} bytes>, response_headers=('Set-Cookie: <redacted>',"
        " 'X-Amz-Security-Token: <redacted>', 'Content-Type: application/json'), response_body=<20 bytes>)"
    )
    assert repr(Exchange((), None, url="https://h/p?code=" + TOKEN)) == (
        "Exchange(index=0, method='POST', url='https://h/p?<redacted>', status=None, request_headers=(), request_body=None,"
        " response_headers=(), response_body=None)"
    )


_ANY_TEXT = st.lists(
    st.one_of(st.characters(codec="utf-8"), st.integers(0xD800, 0xDFFF).map(chr)), max_size=8
).map("".join)


@given(url=_ANY_TEXT, value=_ANY_TEXT, started=_ANY_TEXT, fmt=st.sampled_from(["har", "jsonl"]))
def test_text_with_lone_surrogates_survives_writing_and_reading(
    url: str, value: str, started: str, fmt: str
) -> None:
    # A JSON-lines reader keeps a lone surrogate escape (\ud800) in a URL or header value; the
    # writers must write it back the same way instead of failing to encode it to UTF-8.
    ex = Exchange(
        (("x-v", value),),
        b"{}",
        200,
        (("x-w", value),),
        b"{}",
        "POST",
        "https://x/" + url,
        0,
        started or None,
    )
    buf = io.BytesIO()
    out = io.TextIOWrapper(buf, encoding="utf-8", newline="")
    write = write_har if fmt == "har" else write_jsonl
    if any(re.search("[\ud800-\udbff][\udc00-\udfff]", t) for t in (url, value, started)):
        # Two escapes of a pair read back as one character: refused, rather than a copy that differs.
        with pytest.raises(CaptureError, match="surrogate pair"):
            write([ex], out)
        return
    write([ex], out)
    out.flush()
    (back,) = list(read_capture_bytes(buf.getvalue()))
    assert back == attrs.evolve(ex, started=started or ("1970-01-01T00:00:00.000Z" if fmt == "har" else None))


def test_a_long_string_is_read_in_growing_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    # yajl re-reads a token spanning read buffers from its start at every buffer: 64 KiB reads of a
    # 40 MB string cost time growing with the square of its length.  Reads grow with the string.
    from cognito_spec.traffic import har

    sizes = count_reads(monkeypatch)
    body = json.dumps({"AccessToken": "a" * (16 << 20)})
    (got,) = har.iter_har(io.BytesIO(har_doc([entry(post={"text": body})])))
    assert got.request_body == body.encode()
    assert len(sizes) < 20 and max(sizes) > 4 << 20  # 64 KiB reads would be 257


# --------------------------------------------------------------------------------------------------
# The quick HAR entry reader (traffic.harsplit) against ijson: the same entries, the same error.

_KEYS = st.sampled_from(
    ["a", "name", "value", "{", "}", "[", "]", '"', "\\", "é", "\ud800", "entries", "log"]
)
_TEXT = st.text(st.sampled_from(list('ab{}[]",:\\/ \t\n\x00\x1féあ😀\ud800\udfff\uffff')), max_size=12)
_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from([-0.0, 1e300, 5e-324, 2**63 - 1, 2**63, 2**64, -(2**63), -(2**63) + 1, "@@raw@@"])
    | _TEXT
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_KEYS | _TEXT, inner, max_size=4),
    max_leaves=12,
)
_ENTRIES = st.lists(
    st.dictionaries(_KEYS, _VALUES, max_size=5) | _VALUES.filter(lambda v: type(v) is not dict),
    max_size=6,
).filter(lambda es: all(type(e) is dict for e in es[:-1]) or len(es) < 2)


def _nested(depth: int) -> Any:
    value: Any = 0
    for _ in range(depth):
        value = [value]
    return value


@st.composite
def _har_texts(draw: st.DrawFn) -> bytes:
    """HAR documents as writers write them and as they break: one entry a line or pretty-printed
    (spaces, tabs, CRLF), odd white space, escapes or raw UTF-8, lone surrogates, long strings
    across reads, deep nesting, a byte-order mark, keys around entries, and cut or spoilt bytes."""
    entries = draw(_ENTRIES)
    if entries and draw(st.booleans()):
        i = draw(st.integers(0, len(entries) - 1))
        if type(entries[i]) is dict:
            if draw(st.booleans()):
                entries[i]["long"] = 'x\\"{' * draw(st.integers(1, 30_000))
            if draw(st.integers(0, 4)) == 0:
                entries[i]["deep"] = _nested(draw(st.integers(240, 270)))
    ascii_only = draw(st.booleans())
    ws = st.text(st.sampled_from(" \t\n\r"), max_size=3)

    def dump(v: Any) -> str:
        return json.dumps(v, ensure_ascii=ascii_only, separators=(draw(ws) + "," + draw(ws), ":" + draw(ws)))

    before = draw(
        st.sampled_from(
            ['"version": "1.2", "creator": {"name": "x}\\"{"}, ', "", '"pages": [{"id": "[["}], ']
        )
    )
    after = draw(st.sampled_from(["", ', "comment": "]}"', ', "entries": [{"a": 1}]']))
    if draw(st.booleans()):
        items = (",\n").join(dump(e) for e in entries)
    else:
        indent = draw(st.sampled_from([1, 2, 4, "\t", " \t"]))
        items = json.dumps(entries, ensure_ascii=ascii_only, indent=indent)[1:-1]
        if draw(st.booleans()):
            items = items.replace("\n", "\r\n")  # CRLF: every raw line break is the layout's
    text = "{" + draw(ws) + '"log"' + draw(ws) + ":" + draw(ws) + "{" + before + '"entries": [' + items
    text += "]" + draw(ws) + after + draw(ws) + "}" + draw(ws) + "}" + draw(ws)
    # Numbers json.dumps never writes, in place of a marker string.
    while '"@@raw@@"' in text:
        raw = draw(
            st.sampled_from(["1e400", "-1E+309", "1e-400", "1.5E3", "-0", "0.0e0", "12345678901234567890"])
        )
        text = text.replace('"@@raw@@"', raw, 1)
    data = text.encode("utf-8", "surrogatepass")
    if draw(st.integers(0, 9)) == 0:
        data = b"\xef\xbb\xbf" + data
    spoil = draw(st.integers(0, 5))
    if spoil == 1:
        data = data[: draw(st.integers(0, len(data)))]
    elif spoil == 2:
        at = draw(st.integers(0, len(data)))
        data = (
            data[:at]
            + draw(st.sampled_from([b",", b"]", b"}", b"x", b"\xff", b'"', b"\x0c", b"NaN"]))
            + data[at:]
        )
    return data


@given(_har_texts())
def test_quick_har_reader_gives_the_entries_and_errors_ijson_gives(
    tmp_path_factory: Any, data: bytes
) -> None:
    from cognito_spec.traffic.har import iter_har_entries

    path = tmp_path_factory.mktemp("har") / "x.har"
    path.write_bytes(data)
    with open_capture(path, format="har") as src:
        want = outcome(iter_har_entries(src.stream, source=src.name))
    with open_capture(path, format="har") as src:
        reopen = src.reopen if src.path is not None else None  # as the CLI passes it
        got = outcome(iter_har_entries(src.stream, source=src.name, reopen=reopen))
    assert got == want


_YAJL_INTEGERS = (-(2**63), 2**63)  # yajl reads the integers strictly between these


@given(
    st.integers(-(2**66), 2**66)
    | st.sampled_from([-(2**63) - 1, -(2**63), -(2**63) + 1, 2**63 - 1, 2**63, 0])
    | st.integers(-1000, 1000)
)
def test_the_exact_scanner_reads_an_integer_as_int_does_or_refuses_it_as_yajl_does_seen_or_not(
    n: int,
) -> None:
    from cognito_spec.traffic.harsplit import EXACT_SCAN

    text = f'{{"n": [{n}, -0]}}'
    for _ in range(2):  # a text new to the scanner's table of integers, then one it may have kept
        if _YAJL_INTEGERS[0] < n < _YAJL_INTEGERS[1]:
            value, end = EXACT_SCAN(text, 0)
            assert (value, end) == ({"n": [n, 0]}, len(text))
            assert [type(v) for v in value["n"]] == [int, int]
        else:
            with pytest.raises(ValueError, match="ijson refuses"):
                EXACT_SCAN(text, 0)


def test_the_exact_scanner_s_table_of_integers_is_bounded_and_reads_alike_when_full(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from cognito_spec.traffic import harsplit

    table = harsplit._INTEGERS
    assert len(table) <= harsplit._INTEGERS_KEPT
    assert all(int(k) == v and _YAJL_INTEGERS[0] < v < _YAJL_INTEGERS[1] for k, v in table.items())
    monkeypatch.setattr(harsplit, "_INTEGERS_KEPT", len(table))  # full from here on
    fresh = next(str(n) for n in range(10**12, 10**13) if str(n) not in table)
    before = dict(table)
    assert harsplit.EXACT_SCAN(f"[{fresh}, {fresh}]", 0) == ([int(fresh)] * 2, len(fresh) * 2 + 4)
    assert dict(table) == before  # read, not kept
    with pytest.raises(ValueError, match="ijson refuses"):
        harsplit.EXACT_SCAN(str(2**63), 0)
    assert dict(table) == before


def test_quick_har_reader_needs_no_second_pass_over_a_plain_har(tmp_path: Path) -> None:
    from cognito_spec.traffic import har

    def refuse() -> Any:
        raise AssertionError("read again")

    # Entries of many lengths, so that the reads end at every kind of place in an entry.
    entries = []
    for i in range(600):
        e = entry(status=200 + i % 3)
        e["comment"] = "c" * (i * 7 % 997)
        entries.append(e)
    for data in (
        har_doc(entries),
        json.dumps({"log": {"entries": entries}}).replace("}, {", "},\n{").encode(),
    ):
        path = write(tmp_path, "plain.har", data)
        with open_capture(path) as src:
            got = list(har.iter_har_entries(src.stream, source=src.name, reopen=refuse))
        assert got == json.loads(data)["log"]["entries"]


def test_an_empty_har_that_yajl_reads_and_json_refuses_is_a_capture_error(tmp_path: Path) -> None:
    # yajl takes a form feed for white space, json does not: the check of an empty HAR (json) must
    # refuse such a document with a CaptureError, not let JSONDecodeError out.
    for data in (b'\x0c{"log": {"entries": []}}', b'{\x0c"log": {"entries": []}}'):
        path = write(tmp_path, "ff.har", data)
        with pytest.raises(CaptureError, match="invalid JSON"):
            list(read_capture(path, format="har"))
