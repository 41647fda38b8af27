"""The ASCII class test of the strict decoder's fast string path is exact.

``codec.builders.ascii_class_test`` writes the expression that decides, for an exact ``str`` of
ASCII characters, whether every character lies in a pattern's class: ``str.isprintable`` where the
class's ASCII part is the printable characters (with or without the space, with or without some
controls), ``bytes.translate`` deleting the class's characters otherwise.  It must agree with the
translate test, and with the independent ``regex`` engine on the model's own pattern, for every
class of the model, every ASCII character, and any ASCII string.
"""

from __future__ import annotations

from typing import Any

import regex
from hypothesis import given
from hypothesis import strategies as st

from cognito_spec import STRUCTURES, patterns
from cognito_spec.codec.builders import PRINTABLE, ascii_class_test, fast_string_regex
from cognito_spec.model import Shape, members_of

ASCII = [chr(c) for c in range(0x80)]


def _model_classes() -> dict[bytes, str]:
    """The ASCII part of every fast-tested class in the model, with one pattern having it."""
    found: dict[bytes, str] = {}
    seen: set[int] = set()

    def walk(shape: Shape) -> None:
        if id(shape) in seen:
            return
        seen.add(id(shape))
        fast = fast_string_regex(shape) if shape.type == "string" else None
        if fast is not None and shape.pattern is not None:
            found.setdefault(patterns.ascii_bytes(fast[1]), shape.pattern)
        for below in (shape.member, shape.key, shape.value):
            if below is not None:
                walk(below)

    for cls in STRUCTURES.values():
        for _, m in members_of(cls):
            walk(m.shape)
    return found


MODEL = _model_classes()
#: The classes each form of the test is written for, beside the model's.
EDGES = [
    bytes(range(0x80)),
    bytes(sorted(PRINTABLE)),
    bytes(sorted(PRINTABLE - {0x20})),
    bytes(sorted(PRINTABLE | {0x09, 0x0A, 0x0D})),
    bytes(sorted(PRINTABLE - {0x7E})),
    b"",
]


def new_test(allowed: bytes, value: str) -> bool:
    result: Any = eval(ascii_class_test("v", allowed, "_T"), {"_T": allowed}, {"v": value})
    return bool(result)


def translate_test(allowed: bytes, value: str) -> bool:
    return not value.encode().translate(None, allowed)


def test_the_model_has_the_classes_the_short_forms_are_for() -> None:
    # The model's Unicode class (no space) and its \p{Z} form (with it) are decided by isprintable
    # alone; the forms with \s, \t\n\r fall back to translate for controls only.
    assert bytes(sorted(PRINTABLE - {0x20})) in MODEL
    assert bytes(sorted(PRINTABLE)) in MODEL
    assert any(set(c) > PRINTABLE and len(c) < 0x80 for c in MODEL)
    assert "translate" not in ascii_class_test("v", bytes(sorted(PRINTABLE - {0x20})), "_T")


def test_every_ascii_character_against_every_class_of_the_model() -> None:
    for allowed, pattern in MODEL.items():
        oracle = regex.compile(f"(?:{pattern})")
        for c in ASCII:
            expected = translate_test(allowed, c)
            assert new_test(allowed, c) is expected, (pattern, c)
            # The pattern's class is one character (the lengths aside): the regex engine's answer
            # on one character is membership.
            assert (oracle.fullmatch(c) is not None) is expected, (pattern, c)


def test_every_ascii_character_against_the_edge_classes() -> None:
    for allowed in EDGES:
        for c in ASCII:
            assert new_test(allowed, c) is translate_test(allowed, c), (allowed, c)
        assert new_test(allowed, "") is True


def test_the_unicode_class_holds_every_printable_ascii_character_but_the_space() -> None:
    unicode_class = regex.compile(r"[\p{L}\p{M}\p{S}\p{N}\p{P}]")
    assert {ord(c) for c in ASCII if unicode_class.fullmatch(c)} == PRINTABLE - {0x20}
    assert {ord(c) for c in ASCII if c.isprintable()} == PRINTABLE


ascii_text = st.text(st.characters(max_codepoint=0x7F), max_size=40)


@given(allowed=st.sampled_from(sorted(MODEL) + EDGES), value=ascii_text)
def test_ascii_strings_against_the_model_and_edge_classes(allowed: bytes, value: str) -> None:
    assert new_test(allowed, value) is translate_test(allowed, value)


@given(
    allowed=st.sets(st.integers(0, 0x7F)).map(lambda s: bytes(sorted(s))),
    value=ascii_text,
)
def test_ascii_strings_against_any_class(allowed: bytes, value: str) -> None:
    assert new_test(allowed, value) is translate_test(allowed, value)


@given(
    extra=st.sets(st.integers(0, 0x1F) | st.just(0x7F)),
    space=st.booleans(),
    value=ascii_text,
)
def test_ascii_strings_against_printable_classes_with_or_without_space_and_controls(
    extra: set[int], space: bool, value: str
) -> None:
    chars = (PRINTABLE if space else PRINTABLE - {0x20}) | extra
    allowed = bytes(sorted(chars))
    assert new_test(allowed, value) is translate_test(allowed, value)
