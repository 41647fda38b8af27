"""The one header rule: any header input, in any form, normalises as the same headers given as pairs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cognito_spec.errors import ArgumentTypeError
from cognito_spec.protocol.headers import first_value, header_map, header_pairs, map_of_pairs

# Names as they arrive: the ones the library reads, in random case, and anything else in latin-1.
_KNOWN = ("X-Amz-Target", "Content-Type", "x-amzn-ErrorType", "x-amzn-ErrorMessage", "x-amzn-RequestId")
_LATIN1 = st.characters(max_codepoint=0xFF)
names = st.one_of(
    st.sampled_from(_KNOWN).flatmap(
        lambda n: st.lists(st.booleans(), min_size=len(n), max_size=len(n)).map(
            lambda ups: "".join(c.upper() if u else c.lower() for c, u in zip(n, ups, strict=True))
        )
    ),
    st.text(_LATIN1, max_size=8),
)
values = st.text(_LATIN1, max_size=12).map(lambda v: v)
pair_lists = st.lists(st.tuples(names, values), max_size=8)


def reference_map(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """The rule, written the slow and obvious way (the oracle)."""
    out: dict[str, str] = {}
    for name, value in pairs:
        key = "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in name)
        if key not in out:
            out[key] = value.strip(" \t")
    return out


def _latin1(text: str) -> bytes:
    return text.encode("latin-1")


# Every form an emulator's server may hand over: h11 and ASGI give bytes pairs, WSGI str pairs,
# frameworks mappings, JSON records lists of two-item lists.
FORMS: dict[str, Callable[[list[tuple[str, str]]], Any]] = {
    "list of tuples": list,
    "tuple of tuples": tuple,
    "list of lists": lambda ps: [[n, v] for n, v in ps],
    "generator": lambda ps: ((n, v) for n, v in ps),
    "bytes pairs": lambda ps: [(_latin1(n), _latin1(v)) for n, v in ps],
    "bytes names": lambda ps: [(_latin1(n), v) for n, v in ps],
    "bytearray values": lambda ps: [(n, bytearray(_latin1(v))) for n, v in ps],
    "memoryview values": lambda ps: [(n, memoryview(_latin1(v))) for n, v in ps],
}


@given(pairs=pair_lists, form=st.sampled_from(sorted(FORMS)))
def test_any_form_normalises_as_the_same_pairs(pairs: list[tuple[str, str]], form: str) -> None:
    given_form = FORMS[form](pairs)
    assert header_pairs(given_form) == tuple(pairs)
    assert header_map(FORMS[form](pairs)) == header_map(pairs) == reference_map(pairs)
    assert map_of_pairs(tuple(pairs)) == reference_map(pairs)


@given(pairs=pair_lists)
def test_a_mapping_normalises_as_its_items(pairs: list[tuple[str, str]]) -> None:
    as_dict = dict(pairs)
    assert header_map(as_dict) == header_map(list(as_dict.items()))
    as_bytes = {_latin1(n): _latin1(v) for n, v in as_dict.items()}
    assert header_map(as_bytes) == header_map(as_dict)


def test_the_first_of_repeated_names_wins_in_any_case() -> None:
    pairs = [("X-Amz-Target", "first"), ("x-amz-target", "second"), ("X-AMZ-TARGET", "third")]
    assert header_map(pairs) == {"x-amz-target": "first"}


def test_bytes_are_iso_8859_1_so_every_byte_survives() -> None:
    raw = bytes(range(256))
    ((name, value),) = header_pairs([(b"X-Raw", raw)])
    assert (name, value) == ("X-Raw", raw.decode("latin-1"))
    assert value.encode("latin-1") == raw


def test_values_lose_only_the_white_space_http_allows_around_them() -> None:
    # RFC 9110 section 5.5: optional white space is SP and HTAB; a no-break space is data.
    h = header_map([("A", " \t v \t "), ("B", "\xa0v\xa0"), ("C", "v\r\n")])
    assert h == {"a": "v", "b": "\xa0v\xa0", "c": "v\r\n"}


def test_names_fold_ascii_letters_only() -> None:
    # str.lower() would turn the Kelvin sign into "k" and make a non-token name match a real one.
    assert header_map([("\u212a-Id", "x"), ("ÀB", "y")]) == {"\u212a-id": "x", "Àb": "y"}


def test_pairs_keep_names_and_values_exactly() -> None:
    pairs = [("X-Amz-Target", "  padded  "), ("x-amz-target", "again")]
    assert header_pairs(pairs) == tuple(pairs)


@pytest.mark.parametrize("empty", [None, [], (), {}])
def test_no_headers_is_empty(empty: Any) -> None:
    assert header_map(empty) == {}
    assert header_pairs(empty) == ()


@pytest.mark.parametrize(
    "bad",
    [
        5,
        "X-Amz-Target: x",
        b"X-Amz-Target: x",
        [("X-Amz-Target",)],
        [("a", "b", "c")],
        ["ab"],
        [("X-Amz-Target", 5)],
        [(None, "x")],
        {"X-Amz-Target": None},
        {5: "x"},
    ],
    ids=repr,
)
def test_anything_else_is_a_typed_error(bad: Any) -> None:
    with pytest.raises(ArgumentTypeError):
        header_map(bad)
    with pytest.raises(ArgumentTypeError):
        header_pairs(bad)


def test_lenient_reading_keeps_what_it_can_and_never_raises() -> None:
    odd: Any = [(b"X-Amzn-ErrorType", b"NotAuthorizedException:"), ("broken",), 5, ("N", 7), "ab"]
    assert header_pairs(odd, lenient=True) == (("X-Amzn-ErrorType", "NotAuthorizedException:"), ("N", "7"))
    assert header_pairs(5, lenient=True) == ()  # type: ignore[arg-type]


@given(pairs=pair_lists, name=names)
def test_one_look_up_gives_what_the_normalised_map_holds(pairs: list[tuple[str, str]], name: str) -> None:
    folded = next(iter(map_of_pairs([(name, "")])))
    assert first_value(pairs, name) == map_of_pairs(pairs).get(folded)


@given(
    name=names | st.text(max_size=80) | st.sampled_from(["\u212aeep-Alive", "\u0421ontent-Type", "A" * 65])
)
def test_fold_name_is_the_rule_and_its_table_stays_bounded(name: str) -> None:
    from cognito_spec.protocol.headers import FOLDED, fold_name

    assert fold_name(name) == fold_name(name) == next(iter(reference_map([(name, "")])))
    assert len(FOLDED) <= 1024
    assert all(len(k) <= 64 and v == fold_name(k) for k, v in FOLDED.items())


def test_fold_name_table_keeps_at_most_1024_spellings() -> None:
    from cognito_spec.protocol.headers import FOLDED, fold_name

    kept = dict(FOLDED)
    FOLDED.clear()
    try:
        for i in range(1500):
            assert fold_name(f"X-Name-{i}") == f"x-name-{i}"
        assert len(FOLDED) == 1024
        assert fold_name("X-Name-1499") == "x-name-1499"  # folded the full way, not kept
        assert "X-Name-1499" not in FOLDED
    finally:
        FOLDED.clear()
        FOLDED.update(kept)
