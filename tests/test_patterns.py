"""The model's regex dialect: Java semantics, whole-string matches, pinned Unicode.

Oracles: the third-party ``regex`` engine (Unicode properties, ASCII shorthand classes) for Java
semantics, and Node.js' ``RegExp`` with the ``u`` flag for the ECMA-262 text we put in schemas.
Every pattern of the *whole* cognito-idp model is covered, so widening the generator needs no new
translator work.
"""

from __future__ import annotations

import itertools
import json
import random
import re
import shutil
import subprocess
import unicodedata

import botocore.session
import pytest
import regex
import unicodedata2
from hypothesis import example, given
from hypothesis import strategies as st

from cognito_spec import patterns
from cognito_spec.errors import GenerationError
from cognito_spec.model import Shape
from cognito_spec.patterns import PatternError, synth

RAW = (
    botocore.session.get_session().get_component("data_loader").load_service_model("cognito-idp", "service-2")
)
ALL_MODEL_PATTERNS = sorted({s["pattern"] for s in RAW["shapes"].values() if "pattern" in s})

USERNAME = r"[\p{L}\p{M}\p{S}\p{N}\p{P}]+"
USER_POOL_ID = r"[\w-]+_[0-9a-zA-Z]+"
TOKEN = r"[A-Za-z0-9-_=.]+"
ATTRIBUTE_NAME = r"[\p{L}\p{M}\p{S}\p{N}\p{P}\t\n\r ]+"

# Every code point, surrogates included (Python strings can hold them; JSON can carry them escaped).
EVERY_CHARACTER = "".join(map(chr, range(0x110000)))
JAVA_LINE_TERMINATORS = "\n\r\u0085\u2028\u2029"


def oracle(source: str) -> regex.Pattern[str]:
    """The same pattern in the ``regex`` engine, spelled with Java's meanings.

    ``regex``'s ASCII flag would also narrow ``\\p{L}``, so the ASCII shorthand classes are spelled
    out instead, and ``.`` excludes every Java line terminator unless ``(?s)`` is set.
    """
    dotall = source.startswith("(?s)")
    source = source.replace("[\\S]", "[^ \\t\\n\\x0B\\f\\r]")
    out, in_class, i = [], False, 0
    while i < len(source):
        ch = source[i]
        if ch == "\\":
            esc = source[i : i + 2]
            spelled = {"\\w": "A-Za-z0-9_", "\\d": "0-9", "\\s": " \\t\\n\\x0B\\f\\r"}.get(esc)
            if spelled is not None:
                esc = spelled if in_class else f"[{spelled}]"
            out.append(esc)
            i += 2
            continue
        if ch == "[":
            in_class = True
        elif ch == "]":
            in_class = False
        elif ch == "." and not in_class and not dotall:
            ch = "[^\\n\\r\\u0085\\u2028\\u2029]"
        out.append(ch)
        i += 1
    return regex.compile("".join(out), regex.V0)


def test_unicode_version_is_pinned_and_matches_the_tables_source() -> None:
    assert patterns.UNICODE_VERSION == "17.0.0" == unicodedata2.unidata_version


def test_the_oracle_follows_the_same_unicode_version() -> None:
    letters_ours = patterns.compile(r"[\p{L}]").regex.findall(EVERY_CHARACTER)
    letters_regex = regex.findall(r"\p{L}", EVERY_CHARACTER)
    assert letters_ours == letters_regex


@pytest.mark.parametrize(
    ("source", "value", "expected"),
    [
        (USERNAME, "alice", True),
        (USERNAME, "al ice", False),  # a space is Zs, not in L/M/S/N/P
        (USERNAME, "alice\n", False),  # the whole string must match: no "$ before newline"
        (USERNAME, "\u200b", False),  # zero-width space is Cf
        (USERNAME, "ünïcødé-名前+1", True),
        (USERNAME, "", False),
        (USER_POOL_ID, "us-east-1_AbC123xyz", True),
        (USER_POOL_ID, "üs-east-1_AbC", False),  # \w is ASCII in Java
        (USER_POOL_ID, " ap-northeast-1_xxx", False),
        (USER_POOL_ID, "us-east-1_AbC\n", False),
        (USER_POOL_ID, "us-east-1_٣", False),  # Arabic-Indic digit: [0-9] is ASCII
        (TOKEN, "eyJraWQ.e30.c2ln-_=", True),
        (TOKEN, "eyJ kid", False),
        (TOKEN, "", False),
        (ATTRIBUTE_NAME, "custom:tenant", True),
        (ATTRIBUTE_NAME, "given name\tx", True),
        (ATTRIBUTE_NAME, "a\x0bb", False),  # vertical tab is not in the class
        (r"^[0-9a-fA-F]+$", "abc\n", False),
        (r"^[0-9A-Za-z\.\-_]*(?<!\.)$", "abc.", False),
        (r"^[0-9A-Za-z\.\-_]*(?<!\.)$", "a.b", True),
        (r".*\{####\}.*", "x{####}y", True),
        (r".*\{####\}.*", "x\u2028{####}", False),  # "." excludes every Java line terminator
        (r"(?s).*", "a\nb\u2028", True),
        (r"[^_\p{Z}][\p{L}\p{M}\p{S}\p{N}\p{P}][^_\p{Z}]+", "abc", True),
        (r"[^_\p{Z}][\p{L}\p{M}\p{S}\p{N}\p{P}][^_\p{Z}]+", "_bc", False),
    ],
)
def test_known_cases(source: str, value: str, expected: bool) -> None:
    assert patterns.compile(source).fullmatch(value) is expected
    assert (oracle(source).fullmatch(value) is not None) is expected


@pytest.mark.parametrize(
    "source", [p for p in ALL_MODEL_PATTERNS if patterns.compile(p).single_class and p.startswith("[")]
)
def test_single_class_patterns_agree_with_the_oracle_on_every_code_point(source: str) -> None:
    single = patterns.compile(source).single_class
    assert single is not None
    ours = re.compile(patterns.python_class(single[0]), re.DOTALL).findall(EVERY_CHARACTER)
    class_source = source[: source.rindex("]") + 1]
    theirs = oracle(class_source).findall(EVERY_CHARACTER)
    assert ours == theirs


def interesting_text() -> st.SearchStrategy[str]:
    specials = st.sampled_from(
        [*list("aZ09_-.:@+=/,#{}$ \t\n\r\x0b\x0c\x00"), "\x85", "\u2028", "\u200b", "ü", "名", "٣", "�", "😀"]
    )
    return st.text(st.one_of(specials, st.characters()), max_size=12)


@pytest.mark.parametrize("source", ALL_MODEL_PATTERNS)
@given(value=interesting_text())
def test_every_model_pattern_agrees_with_the_oracle(source: str, value: str) -> None:
    assert patterns.compile(source).fullmatch(value) == (oracle(source).fullmatch(value) is not None)


@pytest.mark.parametrize("source", ALL_MODEL_PATTERNS)
@given(value=interesting_text())
def test_the_ecma_form_means_the_same(source: str, value: str) -> None:
    p = patterns.compile(source)
    assert p.ecma.startswith("^(?:")
    assert p.ecma.endswith(")$")
    assert (patterns.compile_ecma(p.ecma).regex.search(value) is not None) == p.fullmatch(value)


SAMPLES = [
    "alice",
    "al ice",
    "alice\n",
    "\u200b",
    "üs-east-1_AbC",
    "us-east-1_AbC",
    "eyJ.e30.x-_=",
    "custom:tenant",
    "a\tb",
    "x{####}y",
    "x\u2028{####}",
    "",
    "abc.",
    "a.b",
    "😀",
    "terms-of-use",
    "cognito:english",
    "0123abcd",
    "import-abc",
    "arn:aws:iam::123456789012:role/x",
]


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is the independent ECMA-262 engine")
def test_ecma_patterns_mean_the_same_in_a_real_ecma_engine() -> None:
    compiled = [patterns.compile(p) for p in ALL_MODEL_PATTERNS]
    script = (
        "const [pats, samples] = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "console.log(JSON.stringify(pats.map(p => { const r = new RegExp(p, 'u');"
        " return samples.map(s => r.test(s)); })));"
    )
    payload = json.dumps([[p.ecma for p in compiled], SAMPLES])
    out = subprocess.run(["node", "-e", script], input=payload, capture_output=True, text=True, check=True)
    node = json.loads(out.stdout)
    for p, row in zip(compiled, node, strict=True):
        assert row == [p.fullmatch(s) for s in SAMPLES], p.source


@given(st.text(max_size=30))
@example("[")
@example("(?<name>x)")
@example("a{2,1}")
@example("\\p{Nope}")
@example("[a&&b]")
@example("x++")
@example("\\1")
@example("[z-a]")
@example("(?i)abc")
def test_unsupported_syntax_is_a_pattern_error_never_re_error(source: str) -> None:
    try:
        p = patterns.compile(source)
    except PatternError:
        return  # the one documented failure (a ValueError too)
    # Whatever compiles also matches without raising.
    p.fullmatch("abc")


def test_a_pattern_error_is_typed() -> None:
    with pytest.raises(PatternError, match="unsupported Unicode property"):
        patterns.compile(r"\p{Nope}+")
    with pytest.raises(PatternError):
        patterns.compile(123)  # type: ignore[arg-type]


def test_categories_follow_the_pinned_database_not_the_interpreters() -> None:
    """A character whose category differs between Python's own database and Unicode 17."""
    newer = [
        c
        for c in map(chr, range(0x110000))
        if unicodedata.category(c) == "Cn" and unicodedata2.category(c).startswith("L")
    ]
    assert newer, "Python's unicodedata should be older than the pinned Unicode version"
    assert patterns.compile(USERNAME).fullmatch(newer[0])


# --------------------------------------------------------------------------------------------------
# Strings that match (synth): every achievable length, and only those.

SMALL_PATTERNS = ["(ab)+", "a{2,3}(b|cc)*", "(a|bb)?c{1,2}", "[ab]+_[c]+", "x(?:y{0,2}z)+", "(a*)*b"]


@pytest.mark.parametrize("source", SMALL_PATTERNS)
def test_pattern_plans_build_every_achievable_length(source: str) -> None:
    compiled = patterns.compile(source)
    alphabet = sorted({chr(lo) for r in synth.charsets(compiled.ast) for lo, _ in r})
    plan = synth.plan(source, 8)
    draws = synth.RandomSource(random.Random(0))
    for n in range(9):
        possible = any(compiled.fullmatch("".join(t)) for t in itertools.product("".join(alphabet), repeat=n))
        assert plan.can(n) == possible, n
        if possible:
            for _ in range(5):
                for adversarial in (False, True):
                    text = plan.make(draws, n, adversarial=adversarial)
                    assert len(text) == n and compiled.fullmatch(text)


# Synthesis refuses lookarounds (see below); the model has one such pattern today.
SYNTHESISABLE = [p for p in ALL_MODEL_PATTERNS if "(?<" not in p and "(?=" not in p and "(?!" not in p]


def test_only_lookarounds_are_refused_among_model_patterns() -> None:
    assert len(SYNTHESISABLE) >= len(ALL_MODEL_PATTERNS) - 1
    for source in SYNTHESISABLE:
        synth.plan(source, 64)


@given(source=st.sampled_from(SYNTHESISABLE), seed=st.integers(0, 2**32), adversarial=st.booleans())
def test_every_model_pattern_synthesises_strings_it_matches(
    source: str, seed: int, adversarial: bool
) -> None:
    plan = synth.plan(source, 64)
    draws = synth.RandomSource(random.Random(seed))
    lengths = [n for n in range(65) if plan.can(n)]
    assert lengths, "every model pattern matches some short string"
    n = lengths[draws.integer(0, len(lengths) - 1)]
    text = plan.make(draws, n, adversarial=adversarial)
    assert len(text) == n and patterns.compile(source).fullmatch(text)
    assert not re.search("[\ud800-\udbff][\udc00-\udfff]", text), "never a surrogate pair"


def test_zero_width_assertions_are_checked_on_every_made_string() -> None:
    draws = synth.RandomSource(random.Random(7))
    starts_with_a = synth.plan("(?=a)[ab]+", 8)
    assert all(starts_with_a.make(draws, n, adversarial=True).startswith("a") for n in range(1, 9))
    # The model's lookbehind (S3BucketType): never a trailing dot.
    bucket = synth.plan(r"^[0-9A-Za-z\.\-_]*(?<!\.)$", 64)
    assert not any(bucket.make(draws, 3, adversarial=True).endswith(".") for _ in range(200))


def test_an_assertion_no_string_passes_is_a_generation_error_not_a_hang() -> None:
    with pytest.raises(GenerationError):
        synth.plan("(?!a)a", 8).make(synth.RandomSource(random.Random(0)), 1, adversarial=False)


# --------------------------------------------------------------------------------------------------
# The codec's fast class test (C string methods on ASCII text) against the pattern, which is its oracle.


def test_ascii_bytes_are_the_ascii_characters_of_a_class() -> None:
    for source in ALL_MODEL_PATTERNS:
        single = patterns.compile(source).single_class
        if single is None:
            continue
        ranges = single[0]
        expected = bytes(
            cp for cp in range(0x80) if patterns.compile(source).regex.fullmatch(chr(cp) * max(1, single[1]))
        )
        assert patterns.ascii_bytes(ranges) == expected, source


def _string_shapes() -> list[Shape]:
    from cognito_spec import STRUCTURES
    from cognito_spec.model import members_of

    found: dict[str, Shape] = {}
    stack = [m.shape for cls in STRUCTURES.values() for _, m in members_of(cls)]
    while stack:
        shape = stack.pop()
        if shape.type == "string" and shape.pattern is not None and shape.enum is None:
            found.setdefault(shape.name, shape)
        stack.extend(s for s in (shape.member, shape.key, shape.value) if s is not None)
    return [found[n] for n in sorted(found) if patterns.compile(found[n].pattern or "").single_class]


STRING_SHAPES = _string_shapes()


class _Str(str):
    """A str subclass whose methods lie: the fast test must not trust them."""

    def isascii(self) -> bool:
        return True

    def encode(self, *args: object, **kwargs: object) -> bytes:
        return b""


@st.composite
def shape_and_value(draw: st.DrawFn) -> tuple[Shape, str]:
    shape = draw(st.sampled_from(STRING_SHAPES))
    single = patterns.compile(shape.pattern or "").single_class
    assert single is not None
    ranges = single[0]
    inside = [chr(cp) for lo, hi in ranges[:40] for cp in range(lo, min(hi, lo + 3) + 1)]
    alphabet = st.one_of(st.sampled_from(inside), st.sampled_from(list("aZ09_-.=+/ \t\n\x00\x7f\x80é名😀")))
    bounds = [b for b in (shape.length_min, shape.length_max, single[1], single[2]) if b is not None]
    size = draw(
        st.sampled_from([0, 1, 2, 5, 40, *(b + d for b in bounds for d in (-1, 0, 1) if 0 <= b + d <= 300)])
    )
    value = draw(st.text(alphabet, min_size=size, max_size=size))
    if draw(st.booleans()):  # mostly inside the class, so long valid values are common
        value = "".join(draw(st.sampled_from(inside)) for _ in range(size))
    return shape, value


@given(shape_and_value(), st.booleans())
def test_the_codecs_fast_string_test_is_the_pattern_and_the_lengths(
    case: tuple[Shape, str], subclass: bool
) -> None:
    from cognito_spec.codec.source import SourceWriter

    shape, value = case
    writer = SourceWriter("check")
    expr = writer.fast_string_test("v", shape)
    assert expr is not None
    test = eval(f"lambda v: {expr}", dict(writer.globals))  # our own generated source
    expected = (
        patterns.compile(shape.pattern or "").fullmatch(value)
        and len(value) >= (shape.length_min or 0)
        and (shape.length_max is None or len(value) <= shape.length_max)
    )
    assert bool(test(_Str(value) if subclass else value)) == bool(expected)


def test_a_pattern_compiles_its_expression_at_first_use_and_matches_the_same() -> None:
    """Start-up: Unicode classes spelled out as ranges take ~20-40 ms each to re.compile, so a
    pattern (and the codec's [class]{min,max} test) is compiled when first asked, not when made."""
    source = r"[\p{L}\p{M}\p{S}\p{N}\p{P}]+-lazy-test"
    made = patterns._build(source, "java")  # not the cached compile(): a fresh object
    assert made._compiled is None
    assert made.fullmatch("é-lazy-test") and not made.fullmatch("-lazy-test")
    assert made._compiled is made.regex  # compiled once, kept
    lazy = patterns.LazyFullmatch(made.python)
    assert "not compiled yet" in repr(lazy)
    assert lazy("é-lazy-test") is not None and lazy("") is None
    assert "compiled" in repr(lazy) and "not" not in repr(lazy)


def test_decoding_ascii_values_compiles_no_class_expression() -> None:
    """The ASCII fast path decides valid ASCII values: the slow path's expressions stay uncompiled
    (in a fresh interpreter: the expressions are shared by the whole process)."""
    import subprocess
    import sys

    script = """if True:
        import cognito_spec as cs
        from cognito_spec.codec.builders import fast_string_regex, lazy_pattern
        from cognito_spec.model import members_of
        body = b'{"UserPoolId":"us-east-1_Ab12Cd34E","Username":"alice"}'
        assert cs.loads(body, cs.AdminGetUserRequest, strict=True).username == "alice"
        shape = dict(members_of(cs.AdminGetUserRequest))["username"].shape
        print(repr(fast_string_regex(shape)[0]), repr(lazy_pattern(shape.pattern)))
        cs.validate(b'{"UserPoolId":"us-east-1_Ab12Cd34E","Username":"\\u00e9"}', cs.AdminGetUserRequest)
        print(repr(fast_string_regex(shape)[0]))
    """
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    untouched, used = done.stdout.splitlines()
    assert untouched == "LazyFullmatch(not compiled yet) LazyFullmatch(not compiled yet)"
    assert used == "LazyFullmatch(compiled)"  # a non-ASCII name needs the expression
