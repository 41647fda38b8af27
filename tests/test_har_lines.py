"""The line reader of HAR files (traffic.harlines) against ijson: the same entries, the same error.

traffic.harlines reads a HAR written one entry a line, or indented as browsers save it, without the
byte guard of traffic.harstream, proving the guard's verdict on the text instead, and hands every
other file (or the rest of it) to traffic.harsplit and ijson.  Whatever the layout and however the
file breaks, the entries given and the error raised must be those of ijson alone, with and without
orjson.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from _entries import count_reads, outcome
from hypothesis import given
from hypothesis import strategies as st

from cognito_spec.codec.body import use_orjson
from cognito_spec.traffic import harlines
from cognito_spec.traffic.har import iter_har_entries
from cognito_spec.traffic.harlines import ORJSON_DEPTH, _long_line
from cognito_spec.traffic.harsplit import has_long_number
from cognito_spec.traffic.harstream import MAX_DEPTH
from cognito_spec.traffic.record import Exchange, write_har
from cognito_spec.traffic.source import open_capture


def _nested(depth: int, kinds: str = "[") -> Any:
    """A value nesting ``depth`` levels, its containers cycling through ``kinds`` (``[`` an array,
    ``{`` an object).  Alternating, neither kind alone comes near the bound the readers count each
    kind up to: only their sum does."""
    value: Any = 0
    for i in range(depth):
        value = [value] if kinds[i % len(kinds)] == "[" else {"a": value}
    return value


#: The kinds of container a deep value is made of.
_KINDS = st.sampled_from(["[", "{", "[{"])


#: Lines in place of an entry's: what breaks the layout, the JSON or the guard, or only looks odd.
_ODD = [
    "deep",  # nested near the guard's bound (either side)
    "dupdeep",  # a repeated key whose first value, which the parsers drop, nests near the bound
    "brackets",  # many brackets inside a string: text, not nesting
    "surrogate",  # a lone surrogate escape: orjson refuses it, json reads it
    "long",  # an integer beyond 63 bits: yajl refuses it, orjson reads it
    "inf",  # a float that overflows
    "nan",
    "badbyte",
    "crlf",
    "spaces",  # white space before the comma and after it
    "blank",  # an empty line after the entry
    "two",  # two entries on one line
    "pretty",  # one entry over many lines
    "scalar",  # an element that is not an object
    "nocomma",
    "ffff",  # U+FFFF and a private-use character
]


@st.composite
def _line_hars(draw: st.DrawFn) -> bytes:
    """HARs of many entries one a line (as write_har writes them), a few lines odd, sometimes cut
    short or with bytes after the document."""
    n = draw(st.integers(0, 240))
    size = draw(st.integers(0, 2500))
    kinds = st.sampled_from(_ODD) | st.just("deep")
    odd = dict(draw(st.lists(st.tuples(st.integers(0, max(n - 1, 0)), kinds), max_size=3)))
    lines = []
    for i in range(n):
        e: dict[str, Any] = {"i": i, "request": {"method": "POST"}, "pad": "p" * ((i * 37 + size) % 2600)}
        kind = odd.get(i)
        raw = None
        if kind == "deep":
            e["deep"] = _nested(MAX_DEPTH - 4 + draw(st.integers(-3, 3)), draw(_KINDS))
        elif kind == "dupdeep":
            deep = json.dumps(_nested(MAX_DEPTH - 4 + draw(st.integers(-3, 3)), draw(_KINDS)))
            raw = json.dumps(e)[:-1] + f', "d": {deep}, "d": 0}}'
        elif kind == "brackets":
            e["text"] = "[{" * 300
        elif kind == "surrogate":
            raw = json.dumps(e)[:-1] + ', "s": "\\ud800"}'
        elif kind == "long":
            raw = (
                json.dumps(e)[:-1]
                + ', "n": '
                + draw(
                    st.sampled_from(
                        [
                            "9223372036854775808",
                            "-9223372036854775808",
                            "123456789012345678901234",
                            "9223372036854775807",
                        ]
                    )
                )
                + "}"
            )
        elif kind == "inf":
            raw = json.dumps(e)[:-1] + ', "f": 1e400}'
        elif kind == "nan":
            raw = json.dumps(e)[:-1] + ', "f": NaN}'
        elif kind == "ffff":
            e["u"] = "\uffff\ue001"
        elif kind == "scalar":
            raw = "5"
        text = raw if raw is not None else json.dumps(e, ensure_ascii=draw(st.booleans()))
        if kind == "pretty":
            text = json.dumps(e, indent=1)
        elif kind == "two":
            text = text + ", " + json.dumps({"i": -i})
        lines.append(text)
    sep = {
        i: {"crlf": ",\r\n", "spaces": " ,  \n", "blank": ",\n\n", "nocomma": "\n"}.get(odd.get(i, ""), ",\n")
        for i in range(n)
    }
    head = draw(
        st.sampled_from(
            [
                '{\n "log": {\n  "version": "1.2",\n  "entries": [\n',
                '{"log":{"entries":[',
                '{"log": {"creator": {"name": "[{"}, "entries": [\n',
            ]
        )
    )
    body = "".join(line + sep[i] for i, line in enumerate(lines[:-1])) + (lines[-1] if lines else "")
    tail = draw(
        st.sampled_from(["\n  ]\n }\n}\n", "]}}", "\n]}}\n\n"])
        | st.sampled_from(["\n]}}x", "\n],\n}}", '\n]}, "x": 1}'])
    )
    data = (head + body + tail).encode("utf-8", "surrogatepass")
    if "badbyte" in odd.values():
        at = data.find(b'"pad"', draw(st.integers(0, len(data))))
        if at > 0:
            data = data[:at] + b"\xff" + data[at:]
    if draw(st.integers(0, 9)) == 0:
        data = data[: draw(st.integers(0, len(data)))]
    return data


def _read(path: Path, quick: bool) -> tuple[list[str], str | None]:
    with open_capture(path, format="har") as src:
        reopen = src.reopen if quick and src.path is not None else None  # as the CLI passes it
        return outcome(iter_har_entries(src.stream, source=src.name, reopen=reopen))


def _assert_quick_reads_as_ijson(tmp_path_factory: Any, data: bytes, orjson: bool) -> None:
    """The quick readers (lines, stretches, the scanner) give what ijson alone gives from ``data``."""
    path = tmp_path_factory.mktemp("har") / "x.har"
    path.write_bytes(data)
    previous = use_orjson(orjson)
    try:
        assert _read(path, True) == _read(path, False)
    finally:
        use_orjson(previous)


@given(data=_line_hars(), orjson=st.booleans())
def test_the_line_reader_gives_the_entries_and_errors_ijson_gives(
    tmp_path_factory: Any, data: bytes, orjson: bool
) -> None:
    _assert_quick_reads_as_ijson(tmp_path_factory, data, orjson)


#: Entries in place of one of an indented file's: what breaks the cut, the JSON or the guard.
_ODD_INDENTED = [
    "deep",  # nested near the guard's bound (either side)
    "dupdeep",  # a repeated key whose first value, which the parsers drop, nests near the bound
    "long",  # an integer beyond 63 bits (or just within): yajl refuses it, orjson reads it
    "surrogate",  # a lone surrogate escape: orjson refuses it, json reads it
    "inf",
    "hostile",  # a nested member that closes at the entry's own column, with a comma
    "mixed",  # indented otherwise than the others (tabs for spaces, or deeper)
    "oneline",  # one entry a line amid indented ones
    "misaligned",  # an entry that closes at another column than it opens: no cut for it
    "brace",  # a string that looks like the entry's end
    "scalar",
]


class _ReadAlone:
    """A stream with ``read`` and nothing else (no ``readinto``), as a caller's own stream may be."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def read(self, size: int = -1) -> bytes:
        return self._data.read(size)

    def close(self) -> None:
        self._data.close()


def _indent(text: str, prefix: str) -> str:
    return "\n".join(prefix + line for line in text.split("\n"))


@st.composite
def _indented_hars(draw: st.DrawFn) -> bytes:
    """HARs as browsers save them (every member indented, an entry over many lines): two or four
    spaces, tabs or both, LF or CRLF, a few entries odd, sometimes cut short or with bytes after."""
    unit = draw(st.sampled_from(["  ", "    ", "\t", " \t"]))
    n = draw(st.integers(0, 150))
    size = draw(st.integers(0, 1500))
    odd = dict(
        draw(st.lists(st.tuples(st.integers(0, max(n - 1, 0)), st.sampled_from(_ODD_INDENTED)), max_size=3))
    )
    column = unit * 3
    # Text beyond ASCII in every entry (written raw unless escaped): the batch reader counts an
    # element's brackets on its bytes only when the whole batch is ASCII.
    wide = draw(st.booleans())
    texts = []
    for i in range(n):
        e: dict[str, Any] = {"i": i, "request": {"method": "POST", "headers": [{"name": "a", "value": "b"}]}}
        if wide:
            e["w"] = "\u00e9\u20ac\U0001f600"
        e["pad"] = "p" * ((i * 37 + size) % 1600)
        kind = odd.get(i)
        raw = None
        if kind == "deep":
            e["deep"] = _nested(MAX_DEPTH - 4 + draw(st.integers(-3, 3)), draw(_KINDS))
        elif kind == "long":
            raw = draw(
                st.sampled_from(["9223372036854775808", "-9223372036854775808", "9223372036854775807"])
            )
        elif kind == "dupdeep":
            raw = json.dumps(_nested(MAX_DEPTH - 4 + draw(st.integers(-3, 3)), draw(_KINDS))) + ',\n"raw": 0'
        elif kind == "surrogate":
            raw = '"\\ud800"'
        elif kind == "inf":
            raw = "1e400"
        elif kind == "brace":
            e["text"] = "\n" + column + "},\n" + column + "{"
        if raw is not None:
            e["raw"] = "@@raw@@"
        text = _indent(json.dumps(e, indent=unit, ensure_ascii=draw(st.booleans())), column)
        if kind == "hostile":
            inner = column + unit
            text = "\n".join(
                [
                    column + "{",
                    inner + '"a": {',
                    inner + '"x": 1',
                    column + "},",
                    inner + f'"i": {i}',
                    column + "}",
                ]
            )
        elif kind == "mixed":
            other = draw(st.sampled_from(["\t", "   ", unit + " "]))
            text = _indent(json.dumps(e, indent=other), other * 3)
        elif kind == "misaligned":
            text = text[: text.rindex("\n") + 1] + unit + "}"
        elif kind == "oneline":
            text = column + json.dumps(e)
        elif kind == "scalar":
            text = column + "5"
        texts.append(text.replace('"@@raw@@"', raw or ""))
    head = "{\n" + unit + '"log": {\n' + unit * 2 + '"version": "1.2",\n' + unit * 2 + '"entries": ['
    tail = draw(st.sampled_from(["\n" + unit * 2 + "]\n" + unit + "}\n}\n", "\n]}}x", '\n]}, "x": 1}']))
    text = head + ("\n" + ",\n".join(texts) if texts else "") + tail
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")  # every raw line break is the layout's
    data = text.encode("utf-8", "surrogatepass")
    if draw(st.integers(0, 9)) == 0:
        data = data[: draw(st.integers(0, len(data)))]
    return data


@given(data=_indented_hars(), orjson=st.booleans())
def test_an_indented_har_gives_the_entries_and_errors_ijson_gives(
    tmp_path_factory: Any, data: bytes, orjson: bool
) -> None:
    # The stretch reader cuts after a line of the entry's indentation and "},": a cut that is
    # wrong (a member closing there, a string so written) or a stretch orjson reads otherwise must
    # change nothing the reader gives.
    _assert_quick_reads_as_ijson(tmp_path_factory, data, orjson)


@given(
    data=_line_hars() | _indented_hars(),
    block=st.sampled_from([64, 700, 4096, harlines._BLOCK]),
    read_alone=st.booleans(),
    orjson=st.booleans(),
)
def test_the_buffer_reads_alike_whatever_the_block_and_the_stream(
    tmp_path_factory: Any, data: bytes, block: int, read_alone: bool, orjson: bool
) -> None:
    # The reader reads into one buffer with room for the pad around the bytes, writes the pad over
    # bytes before and after a batch (putting those after back), moves what is left of an entry to
    # the front before each read, and grows the buffer for a longer line.  Small blocks make every
    # entry cross reads and most batches small; a stream without readinto is read with read.
    # Either way the entries and the error are ijson's.
    path = tmp_path_factory.mktemp("har") / "x.har"
    path.write_bytes(data)
    want = _read(path, False)
    previous, kept = use_orjson(orjson), harlines._BLOCK
    harlines._BLOCK = block
    try:
        if read_alone:
            got = outcome(
                iter_har_entries(_ReadAlone(data), source=str(path), reopen=lambda: _ReadAlone(data))
            )  # type: ignore[arg-type]
        else:
            got = _read(path, True)
    finally:
        harlines._BLOCK = kept
        use_orjson(previous)
    assert got == want


@given(
    pads=st.lists(st.integers(0, 3000), min_size=1, max_size=40),
    indented=st.booleans(),
    block=st.sampled_from([64, 700, 4096, harlines._BLOCK]),
    read_alone=st.booleans(),
    orjson=st.booleans(),
)
def test_a_usual_har_is_read_by_the_buffer_alone_whatever_the_block_and_the_stream(
    pads: list[int], indented: bool, block: int, read_alone: bool, orjson: bool
) -> None:
    # The same, on the line reader alone: a HAR in either usual layout is read to its end without
    # handing anything to the other readers (which would hide a byte the buffer lost), whatever
    # the reads, and gives what json.loads gives (an empty list of entries is for the others).
    entries = [
        {"i": i, "pad": "p" * pad, "h": [{"name": "a", "value": str(pad)}]} for i, pad in enumerate(pads)
    ]
    data = json.dumps({"log": {"version": "1.2", "entries": entries}}, indent=2 if indented else None)
    if not indented:
        data = '{"log": {"entries": [\n' + ",\n".join(json.dumps(e) for e in entries) + "\n]}}\n"
    raw = data.encode()
    previous, kept = use_orjson(orjson), harlines._BLOCK
    harlines._BLOCK = block
    try:
        stream = _ReadAlone(raw) if read_alone else io.BufferedReader(io.BytesIO(raw))  # type: ignore[arg-type]
        got = list(harlines.line_entries(stream))  # type: ignore[arg-type]
    finally:
        harlines._BLOCK = kept
        use_orjson(previous)
    assert got == entries


def _entry_text(entry: dict[str, Any], indented: bool) -> str:
    """An entry as a line (one entry a line) or as a browser indents it (two spaces, at column 4)."""
    return _indent(json.dumps(entry, indent=2), "    ") if indented else json.dumps(entry)


@pytest.mark.parametrize("indented", [False, True])
@pytest.mark.parametrize("repeated", [False, True])
@pytest.mark.parametrize("orjson", [True, False])
@pytest.mark.parametrize("depth", [MAX_DEPTH - 4, MAX_DEPTH - 3])
def test_an_entry_nested_too_deep_after_many_plain_lines_stops_where_ijson_stops(
    tmp_path: Path, orjson: bool, depth: int, repeated: bool, indented: bool
) -> None:
    # The guard refuses a whole read of 64 KiB: the entries before the deep one in that read are
    # not given by ijson, so the line reader must not give them either (it holds entries back until
    # the bytes a read could reach from them are proven).  ``repeated``: the depth is in a repeated
    # key's first value, which json and orjson drop, so the parsed entry shows none of it; the guard
    # counts it in the bytes all the same, and the line reader must measure the text, not the value.
    # ``indented``: every entry over many lines, as a browser saves it (the deep value on one).
    previous = use_orjson(orjson)
    try:
        # The deep entry at several places in the reads, and after a string longer than a read
        # (inside one the guard reads as much as the string so far).
        # (The pad of each entry, the long string of entry 200, the deep entry's place, and whether
        # it holds text beyond ASCII: its brackets are then counted on the text, not the bytes.)
        places = [(900, 0, 300, False), (900, 0, 300, True), (700, 0, 300, False), (1234, 0, 300, False)]
        places += [(333, 0, 300, False)]
        places += [(900, n, 300, False) for n in (70_000, 150_000, 200_000, 300_000, 400_000)]
        # Far enough after the long string to be in a later block than it, yet in the guard's read
        # that began in it (found by planting the reader's bug: a reach blind to the long line).
        places += [(900, 300_000, 460, False), (900, 400_000, 360, False)]
        for place, (pad, long, at, wide) in enumerate(places):
            lines = [_entry_text({"i": i, "pad": "p" * pad}, indented) for i in range(at + 100)]
            lines[200] = _entry_text({"i": 200, "pad": "p" * (long or pad)}, indented)
            deep = json.dumps(_nested(depth, ["[", "{", "[{"][place % 3]))
            members = [("d", deep), ("d", "0")] if repeated else [("deep", deep)]
            if wide:
                members.insert(0, ("w", '"\u00e9\u20ac\U0001f600"'))
            if indented:
                inner = "".join(f',\n      "{k}": {v}' for k, v in members)
                lines[at] = f'    {{\n      "i": {at}' + inner + "\n    }"
            else:
                lines[at] = f'{{"i": {at}' + "".join(f', "{k}": {v}' for k, v in members) + "}"
            path = tmp_path / "deep.har"
            path.write_text('{"log": {"entries": [\n' + ",\n".join(lines) + "\n]}}\n", encoding="utf-8")
            want = _read(path, False)
            assert _read(path, True) == want
            if depth > MAX_DEPTH - 4:
                assert want[1] is not None and "nested deeper than 256 levels" in want[1]
                assert len(want[0]) < at  # not even those of its read
            else:
                assert want[1] is None and len(want[0]) == at + 100
    finally:
        use_orjson(previous)


@pytest.mark.parametrize("number", ["9223372036854775808", "-9223372036854775808", "9223372036854775807"])
@pytest.mark.parametrize("indented", [False, True])
@pytest.mark.parametrize("orjson", [True, False])
def test_an_integer_beyond_63_bits_stops_the_reading_where_ijson_stops(
    tmp_path: Path, orjson: bool, indented: bool, number: str
) -> None:
    # yajl refuses an integer beyond 63 bits (and -2**63); orjson reads it, and without orjson the
    # line reader takes the scanner that refuses it (not the digit test, which costs more).
    previous = use_orjson(orjson)
    try:
        lines = [_entry_text({"i": i, "pad": "p" * 900}, indented) for i in range(300)]
        lines[150] = lines[150].replace('"i": 150', f'"i": {number}')
        path = tmp_path / "long.har"
        path.write_text('{"log": {"entries": [\n' + ",\n".join(lines) + "\n]}}\n")
        want = _read(path, False)
        assert _read(path, True) == want
        if number.endswith("7"):
            assert want[1] is None and len(want[0]) == 300
        else:
            assert want[1] is not None and "overflow" in want[1]
    finally:
        use_orjson(previous)


def test_a_har_written_one_entry_a_line_is_read_without_the_byte_guard(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The guard's cost is what the line reader saves: a plain write_har file never goes through it
    # but for its frame, and is never opened again.
    exchanges = [
        Exchange(
            [("x-amz-target", "AWSCognitoIdentityProviderService.GetUser")],
            b'{"A": "' + b"t" * (i * 13 % 3000) + b'"}',
            200,
            [],
            b"{}",
            index=i,
        )
        for i in range(300)
    ]
    path = tmp_path / "w.har"
    with path.open("w", encoding="utf-8") as fp:
        write_har(exchanges, fp)
    read_bytes = count_reads(monkeypatch)

    def refuse() -> Any:
        raise AssertionError("read again")

    with open_capture(path) as src:
        got = list(iter_har_entries(src.stream, source=src.name, reopen=refuse))
    assert got == json.loads(path.read_bytes())["log"]["entries"]
    assert sum(read_bytes) < 1000  # the frame only


def test_a_browser_saved_har_is_read_a_stretch_per_orjson_call_without_the_byte_guard(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An indented file (json.dumps(indent=2), as DevTools saves one) is cut after the lines that
    # close an entry at its own column: a few orjson calls give all of hundreds of entries, every
    # entry as json reads it, the guard reads the frame only, and there is no second pass.
    entries = [
        {"i": i, "request": {"headers": [{"name": "n", "value": "v"}]}, "pad": "p" * (i * 37 % 2000)}
        for i in range(600)
    ]
    path = tmp_path / "browser.har"
    path.write_text(json.dumps({"log": {"version": "1.2", "entries": entries}}, indent=2))
    calls: list[int] = []

    def counting() -> Any:
        import orjson

        def loads(text: bytes) -> Any:
            value = orjson.loads(text)
            calls.append(1)
            return value

        return loads

    monkeypatch.setattr(harlines, "orjson_loads", counting)
    read_bytes = count_reads(monkeypatch)

    def refuse() -> Any:
        raise AssertionError("read again")

    with open_capture(path) as src:
        got = list(iter_har_entries(src.stream, source=src.name, reopen=refuse))
    assert got == entries
    assert len(calls) < 40
    assert sum(read_bytes) < 1000  # the frame only


def test_orjson_nests_as_deep_as_the_line_reader_counts_on() -> None:
    # The line reader wraps a batch so that orjson's own bound refuses an entry deeper than the
    # guard allows; with another bound it takes the scanner (0).
    assert ORJSON_DEPTH in (0, 1024)


@given(
    data=st.binary(max_size=300) | st.lists(st.sampled_from([b"\n", b"ab", b"x" * 40])).map(b"".join),
    floor=st.integers(0, 90),
    cut=st.data(),
)
def test_a_line_longer_than_a_read_is_always_measured(data: bytes, floor: int, cut: st.DataObject) -> None:
    # How far a guard's read may reach rests on the longest line, when it is longer than a read
    # (``floor``): then it must be measured exactly, over any stretch of the bytes; a shorter one
    # may be told only as no longer than the floor.
    start = cut.draw(st.integers(0, len(data)))
    end = cut.draw(st.integers(start, len(data)))
    longest = max(map(len, data[start:end].split(b"\n")))
    got = _long_line(data, start, end, floor)
    assert got == longest if longest > floor else got <= floor


_JSON_INTS = st.recursive(
    st.integers()
    | st.integers(-(10**25), 10**25)
    | st.text(st.sampled_from("0123456789-: ,[x"), max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=3), inner, max_size=4),
    max_leaves=12,
)


def _ints(value: Any) -> list[int]:
    if type(value) is int:
        return [value]
    items = value.values() if type(value) is dict else value if type(value) is list else []
    return [n for v in items for n in _ints(v)]


@given(value=_JSON_INTS, indent=st.none() | st.integers(0, 2), compact=st.booleans())
def test_every_integer_of_19_digits_or_more_is_found(value: Any, indent: int | None, compact: bool) -> None:
    # The batch readers hand a text with such an integer (yajl refuses one beyond 63 bits, orjson
    # reads it) to the scanner that refuses it: the digit test may find more, never less, whatever
    # the separators around the number.
    separators = (",", ":") if compact else None
    text = json.dumps({"v": value}, indent=indent, separators=separators).encode()
    if any(len(str(abs(n))) >= 19 for n in _ints(value)):
        assert has_long_number(text)
    # The batch readers hand it a bytearray (cheaper to translate), the others bytes: one answer.
    assert has_long_number(bytearray(text)) == has_long_number(text)
