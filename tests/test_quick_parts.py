"""The fast path's readers pick only the headers quick_valid reads, and change no answer by it.

``record_quick_parts`` and ``har_quick_parts`` fold each header name through the header rule's
table of spellings and keep the first value of just the names :func:`quick_valid` reads.  Over
hostile header lists (names in any case and repeated, the Kelvin sign, Cyrillic look-alikes, NUL,
names longer than the table keeps, a two-letter string where a pair should be) they take exactly
what the full readers take, give the full map restricted to those names, and the verdict of a
whole line or entry is the full check's.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cognito_spec import OPERATIONS
from cognito_spec.codec.body import use_orjson
from cognito_spec.errors import CaptureError
from cognito_spec.fixtures import Generator, RandomSource
from cognito_spec.protocol.headers import map_of_pairs
from cognito_spec.traffic.batch import validate_lines
from cognito_spec.traffic.check import Finding, _Checker
from cognito_spec.traffic.fast import (
    REQUEST_NAMES,
    RESPONSE_NAMES,
    har_quick_parts,
    quick_valid,
    record_quick_parts,
)
from cognito_spec.traffic.har import har_exchange
from cognito_spec.traffic.jsonl import exchange_from_record
from cognito_spec.traffic.record import Exchange, exchange_to_json, write_har

# Names as a hostile capture spells them: the ones read, in any case, with look-alikes that are
# not them (Cyrillic letters, the Kelvin sign that str.lower folds to "k"), NUL, and long names.
_READ = [*sorted(REQUEST_NAMES | RESPONSE_NAMES), "Keep-Alive", "Host", "X-Amz-Date"]
_LOOKALIKE = {"a": "\u0430", "e": "\u0435", "o": "\u043e", "c": "\u0441", "k": "\u212a", "K": "\u212a"}


@st.composite
def _names(draw: st.DrawFn) -> str:
    name = draw(st.sampled_from(_READ))
    name = "".join(c.upper() if draw(st.booleans()) else c for c in name)
    twist = draw(st.sampled_from(["none", "none", "lookalike", "nul", "long", "space"]))
    if twist == "lookalike":
        i = draw(st.integers(0, len(name) - 1))
        name = name[:i] + _LOOKALIKE.get(name[i], name[i]) + name[i + 1 :]
    elif twist == "nul":
        name += "\x00"
    elif twist == "long":
        name += "-" * draw(st.integers(40, 80))
    elif twist == "space":
        name += " "
    return name


_ODD_VALUES = ["application/x-amz-json-1.1", " \tx\t ", "", "\x00", "Bearer a"]
_VALUES = st.sampled_from(_ODD_VALUES) | st.text(max_size=6)
_NAMES = _names() | st.text(max_size=70)
#: One item of a JSON-lines header list: mostly a pair, sometimes anything else JSON holds.
_ITEMS = st.one_of(
    st.lists(st.tuples(_NAMES, _VALUES).map(list), min_size=1, max_size=1).map(lambda x: x[0]),
    st.text(min_size=2, max_size=2),  # a two-letter string unpacks as a pair; it is none
    st.lists(st.text(max_size=3), max_size=3),
    st.tuples(_NAMES, st.none() | st.integers() | st.lists(st.text(max_size=2), max_size=1)).map(list),
    st.tuples(st.integers() | st.none(), _VALUES).map(list),
    st.none(),
)


def _slow_fold(name: str) -> str:
    return "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in name)


def _full_map(items: list[Any]) -> dict[str, str] | None:
    """What the full reader of a JSON-lines record makes of a header list (None: it refuses it),
    as the rule says, written the slow way."""
    out: dict[str, str] = {}
    for item in items:
        if type(item) is not list or len(item) != 2 or not all(type(x) is str for x in item):
            return None
        out.setdefault(_slow_fold(item[0]), item[1].strip(" \t"))
    return out


def _restricted(full: dict[str, str], names: frozenset[str]) -> dict[str, str]:
    return {k: v for k, v in full.items() if k in names}


def _record(request_headers: Any, response_headers: Any) -> dict[str, Any]:
    return {
        "index": 0,
        "url": "https://cognito-idp.us-east-1.amazonaws.com/",
        "request": {"method": "POST", "headers": request_headers, "body": "{}"},
        "response": {"status": 200, "headers": response_headers, "body": "{}"},
    }


def _agree(parts: Any, full_request: dict[str, str] | None, full_response: dict[str, str] | None) -> bool:
    """Whether the full readers take the headers; if so, the quick reader's maps are theirs kept to
    the names it reads, and if not, the quick reader refuses the exchange too."""
    if full_request is None or full_response is None:
        assert parts is None
        return False
    assert parts is not None
    assert parts[1] == _restricted(full_request, REQUEST_NAMES)
    assert parts[4] == _restricted(full_response, RESPONSE_NAMES)
    return True


@given(request=st.lists(_ITEMS, max_size=6), response=st.lists(_ITEMS, max_size=6))
def test_record_headers_are_the_full_map_of_the_names_read(request: list[Any], response: list[Any]) -> None:
    rec = _record(request, response)
    parts = record_quick_parts(rec)
    if not _agree(parts, _full_map(request), _full_map(response)):
        return
    assert parts is not None
    ex = exchange_from_record(rec)  # what the quick reader takes, the full reader takes
    assert parts[1] == _restricted(map_of_pairs(ex.request_headers), REQUEST_NAMES)


@pytest.mark.parametrize("wanted", [REQUEST_NAMES, RESPONSE_NAMES], ids=["request", "response"])
def test_the_quick_readers_tables_of_spellings_stay_bounded_and_keep_reading_right(
    wanted: frozenset[str],
) -> None:
    # Each spelling seen is kept with its fold when wanted, else "": up to 1024 of at most 64
    # characters; once full, a name is folded the whole way each time, with the same answer.
    from cognito_spec.protocol.headers import fold_name
    from cognito_spec.traffic import fast

    table = fast._SPELLED[wanted]
    kept = dict(table)
    table.clear()
    try:
        pairs = [[f"X-Name-{i}", "v"] for i in range(1500)] + [["A" * 65, "w"]]
        pairs += [[name.upper(), f" {name} "] for name in sorted(wanted)] + [[n, "later"] for n in wanted]
        for _ in range(2):  # misses, then hits (and misses past the bound)
            got = fast._picked(pairs, wanted)
            assert got == {name: name for name in wanted}
            assert fast._picked_har([{"name": n, "value": v} for n, v in pairs], wanted) == got
        assert len(table) == 1024
        assert all(
            len(k) <= 64 and v == (fold_name(k) if fold_name(k) in wanted else "") for k, v in table.items()
        )
    finally:
        table.clear()
        table.update(kept)


#: HAR header objects: mostly name and value strings, sometimes more members, fewer, or others.
_HAR_ITEMS = st.one_of(
    st.tuples(_NAMES, _VALUES).map(lambda p: {"name": p[0], "value": p[1]}),
    st.tuples(_NAMES, _VALUES).map(lambda p: {"value": p[1], "comment": "", "name": p[0]}),
    st.tuples(_NAMES, st.none() | st.integers()).map(lambda p: {"name": p[0], "value": p[1]}),
    st.dictionaries(st.sampled_from(["name", "value", "x"]), st.text(max_size=2), max_size=2),
    st.text(min_size=2, max_size=2),
    st.lists(st.text(max_size=3), max_size=2),
    st.none(),
)


def _har_full_map(items: list[Any]) -> dict[str, str] | None:
    pairs = []
    for item in items:
        if type(item) is not dict or not {"name", "value"} <= item.keys():
            return None
        if type(item["name"]) is not str or type(item["value"]) is not str:
            return None
        pairs.append([item["name"], item["value"]])
    return _full_map(pairs)


@given(request=st.lists(_HAR_ITEMS, max_size=6), response=st.lists(_HAR_ITEMS, max_size=6))
def test_har_headers_are_the_full_map_of_the_names_read(request: list[Any], response: list[Any]) -> None:
    entry = {
        "startedDateTime": "2026-11-26T16:00:00.000Z",
        "request": {"method": "POST", "url": "https://x/", "headers": request, "postData": {"text": "{}"}},
        "response": {"status": 200, "headers": response, "content": {"text": "{}"}},
    }
    parts = har_quick_parts(entry)
    if not _agree(parts, _har_full_map(request), _har_full_map(response)):
        return
    assert parts is not None
    ex = har_exchange(entry, 0, "t.har")
    assert parts[4] == _restricted(map_of_pairs(ex.response_headers), RESPONSE_NAMES)


# --------------------------------------------------------------------------------------------------
# Whole exchanges: the verdict of a line is the full check's, with hostile headers mixed in.

_OPS = ["AdminGetUser", "ListUsers", "AdminInitiateAuth", "SignUp", "AdminDeleteUser"]


def _full(ex: Exchange) -> tuple[Finding, ...]:
    """The full check, without the fast path."""
    rh = map_of_pairs(ex.request_headers)
    if "x-amz-target" in rh:
        rh["x-amz-target"] = rh["x-amz-target"].strip()
    return _Checker(ex, False).run(rh).findings


@st.composite
def _exchanges(draw: st.DrawFn) -> Exchange:
    op = OPERATIONS[draw(st.sampled_from(_OPS))]
    outcome = draw(st.sampled_from(["response", "error"]))
    return Generator(RandomSource(draw(st.integers(0, 2**16)))).exchange(op, outcome=outcome)


_INSERTS = st.lists(
    st.tuples(st.booleans(), st.integers(0, 8), _names(), _VALUES | st.sampled_from(["", "GetUser"])),
    max_size=3,
)


@settings(max_examples=60)
@given(ex=_exchanges(), inserts=_INSERTS, orjson_on=st.booleans())
def test_a_line_with_hostile_headers_gets_the_full_checks_verdict(
    ex: Exchange, inserts: list[tuple[bool, int, str, str]], orjson_on: bool
) -> None:
    rec = json.loads(json.dumps(exchange_to_json(ex)))
    for response, at, name, value in inserts:
        headers = rec["response" if response else "request"]["headers"]
        headers.insert(at, [name, value])
    line = json.dumps(rec, separators=(",", ":")).encode()
    previous = use_orjson(orjson_on)
    try:
        parts = record_quick_parts(json.loads(line), line)
        read = exchange_from_record(json.loads(line))
        expected = _full(read)
        if parts is not None:
            full_in, full_out = map_of_pairs(read.request_headers), map_of_pairs(read.response_headers)
            assert parts[1] == _restricted(full_in, REQUEST_NAMES)
            assert parts[4] == _restricted(full_out, RESPONSE_NAMES)
            name = quick_valid(*parts)
            assert name == quick_valid(parts[0], full_in, parts[2], parts[3], full_out, parts[5], parts[6])
            if name is not None:
                assert expected == ()
        result = validate_lines([line])
        assert tuple(f for _, _, fs in result.reported for f in fs) == expected
        assert result.summary.exchanges == 1
    finally:
        use_orjson(previous)


@settings(max_examples=30)
@given(ex=_exchanges(), inserts=_INSERTS)
def test_a_har_entry_with_hostile_headers_gets_the_full_checks_verdict(
    ex: Exchange, inserts: list[tuple[bool, int, str, str]]
) -> None:
    import io

    fp = io.StringIO()
    write_har([ex], fp)
    entry = json.loads(fp.getvalue())["log"]["entries"][0]
    for response, at, name, value in inserts:
        entry["response" if response else "request"]["headers"].insert(at, {"name": name, "value": value})
    try:
        read = har_exchange(json.loads(json.dumps(entry)), 0, "t.har")
    except CaptureError:
        assert har_quick_parts(entry) is None
        return
    parts = har_quick_parts(entry)
    if parts is None:
        return
    full_in, full_out = map_of_pairs(read.request_headers), map_of_pairs(read.response_headers)
    name = quick_valid(*parts)
    assert name == quick_valid(parts[0], full_in, parts[2], parts[3], full_out, parts[5], parts[6])
    if name is not None:
        assert _full(read) == ()


@pytest.mark.parametrize("depth", [300, 1010])
@pytest.mark.parametrize("where", ["record", "request", "response"])
def test_a_repeated_record_member_whose_dropped_value_nests_deep_gets_the_same_answer_with_and_without_orjson(
    where: str, depth: int
) -> None:
    # json.loads and orjson keep the last value of a repeated key, so the record they give looks
    # usual (4 levels deep) whatever the first value was.  orjson reads 1024 levels, json.loads
    # stops near its recursion limit: the fast path must not take the shape of the parsed record
    # as a bound on the line's nesting, or a line the stdlib path cannot read would pass with orjson.
    ex = Generator(RandomSource(7)).exchange(OPERATIONS["GetUser"], outcome="response")
    line = json.dumps(exchange_to_json(ex), separators=(",", ":"))
    deep = "[" * depth + "]" * depth
    # Where the object's "{" is, and a member it already has, repeated before it.
    brace = 0 if where == "record" else line.index(f'"{where}":{{') + len(f'"{where}":')
    key = {"record": "request", "request": "method", "response": "status"}[where]
    data = (line[: brace + 1] + f'"{key}":{deep},' + line[brace + 1 :]).encode()
    results = []
    for orjson_on in (True, False):
        previous = use_orjson(orjson_on)
        try:
            result = validate_lines([data, line.encode()])
        finally:
            use_orjson(previous)
        failure = None if result.failure is None else (str(result.failure), result.failure_line)
        results.append((result.summary.exchanges, result.summary.valid, failure, result.reported))
    assert results[0] == results[1]
    if depth == 1010:
        assert results[1][2] is not None  # json.loads cannot read it: the line stops the batch
    else:
        assert results[1][:3] == (2, 2, None)


def test_json_loads_reads_half_the_recursion_limit_from_deep_in_a_stack() -> None:
    # record_quick_parts skips the bracket count for a line whose text outside its bodies is no
    # longer than the recursion limit (so it nests at most half of it), relying on json.loads to
    # read that deep from any caller of the fast path; 400 frames is far deeper than any of them.
    half = sys.getrecursionlimit() // 2
    text = "[" * half + "]" * half

    def down(frames: int) -> Any:
        return down(frames - 1) if frames else json.loads(text)

    assert down(400) is not None
