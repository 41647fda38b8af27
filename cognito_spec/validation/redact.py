"""Redaction of a wire value: every member the model marks sensitive replaced by a mask.

:func:`redact` masks a parsed wire value; :func:`mask_json` masks a JSON text in place, span by
span; :func:`position` says what the model knows about a path (both read the same sensitivity
rule).  Both take the mask of a string from :func:`string_mask`, which builds, from the shape's
length limits and pattern (:mod:`cognito_spec.patterns.synth`), a stand-in that breaks exactly the
constraints the original broke: a redacted copy validates as the original did.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any, Final

import attrs

from cognito_spec import patterns
from cognito_spec.codec.body import decode_text, encode_body
from cognito_spec.codec.violations import Violation
from cognito_spec.errors import ArgumentTypeError, DecodeError, EncodeError, GenerationError, PatternError
from cognito_spec.model import Member, Shape, is_shape_class, members_of
from cognito_spec.patterns import synth
from cognito_spec.patterns.ranges import contains
from cognito_spec.validation.jsontext import Path, Token, decode_string, scan, splice

__all__ = [
    "REDACTED",
    "JsonMasking",
    "LeafRule",
    "StandIn",
    "mask_json",
    "position",
    "redact",
    "string_mask",
]

#: What :func:`redact` puts in place of a sensitive value, where the shape accepts it (it matches
#: the token, user name and attribute value patterns of the model); elsewhere :func:`string_mask`
#: builds a stand-in from it or from the shape's pattern.
REDACTED: Final = "REDACTED"


def redact(data: Any, cls: type, *, mask: str = REDACTED) -> Any:
    """A copy of the wire value ``data`` of ``cls`` with every sensitive value replaced by ``mask``.

    A sensitive string gets ``mask`` where its shape judges ``mask`` as it judges the string, else
    the stand-in of :func:`string_mask` (a client secret of 24 characters or more, a six-digit MFA
    code): a valid value stays valid, and an invalid string breaks the same constraints.

    Sensitive members are found at any depth, list items and map values included; a sensitive map's
    keys become ``mask-1``, ``mask-2``, ...  Whatever sits under a sensitive member is masked whole,
    whatever its JSON type, and so is every member (known or not) of a sensitive structure.  Unknown
    members elsewhere are kept as they are (shared, not copied), and so is a value of the wrong type
    at a position that is not sensitive.  ``data`` itself is never modified.
    """
    if not is_shape_class(cls):
        raise ArgumentTypeError(f"redact() takes a cognito_spec shape class, not {cls!r}")
    return _redact_struct(data, cls, False, mask)


def _redact_struct(data: Any, cls: type, hide: bool, mask: str) -> Any:
    if type(data) is not dict:
        return mask if hide and data is not None else data
    out: dict[Any, Any] = {k: (mask if hide and v is not None else v) for k, v in data.items()}
    for _, m in members_of(cls):
        value = data.get(m.wire)
        if value is not None:
            out[m.wire] = _redact_value(value, m.shape, hide or m.sensitive, mask)
    return out


def _redact_value(value: Any, shape: Shape, hide: bool, mask: str) -> Any:
    hide = hide or shape.sensitive
    t = shape.type
    if t == "structure" and type(value) is dict:
        from cognito_spec.operations import structure

        return _redact_struct(value, structure(shape.target or shape.name), hide, mask)
    if t == "list" and type(value) is list and shape.member is not None:
        item = shape.member
        return [None if x is None else _redact_value(x, item, hide, mask) for x in value]
    if t == "map" and type(value) is dict and shape.key is not None and shape.value is not None:
        hide_keys = hide or shape.key.sensitive
        vshape = shape.value
        keys = _masked_keys(list(value), shape.key, mask) if hide_keys else list(value)
        return {
            k: (None if v is None else _redact_value(v, vshape, hide, mask))
            for k, v in zip(keys, value.values(), strict=True)
        }
    if hide and t == "string" and type(value) is str:
        masked = string_mask(shape, value, mask)
        return mask if masked is None else masked
    return mask if hide else value


def _masked_keys(keys: list[str], shape: Shape, mask: str) -> list[str]:
    """``mask-1``, ``mask-2``, ... where the key shape judges them as the keys, else stand-ins."""
    out: list[str] = []
    for i, key in enumerate(keys, 1):
        numbered = f"{mask}-{i}"
        if type(key) is str and shape.type == "string" and _verdict(shape, numbered) != _verdict(shape, key):
            other = string_mask(shape, key, mask)
            numbered = other if other is not None and other not in out else numbered
        out.append(numbered)
    return out


# --------------------------------------------------------------------------------------------------
# The mask of one string: the original's verdict, none of its characters.
#
# The checker judges a string at a string shape on four things only: its length against the two
# limits, its pattern (applied to the whole value) and its enum.  A stand-in that answers those four
# as the original does gets exactly the original's violations there, whatever it is made of.
# string_mask builds one from the shape alone (and from the original's length when the original is
# invalid), so it tells nothing else about the value.


def _verdict(shape: Shape, value: str) -> tuple[bool, bool, bool, bool]:
    """What the checker says of ``value`` at ``shape``: (too short, too long, pattern, enum)."""
    n = len(value)
    return (
        shape.length_min is not None and n < shape.length_min,
        shape.length_max is not None and n > shape.length_max,
        shape.pattern is not None and not patterns.compile(shape.pattern).fullmatch(value),
        shape.enum is not None and value not in shape.enum,
    )


def string_mask(shape: Shape | None, value: str, mask: str = REDACTED) -> str | None:
    """A stand-in for the string ``value`` at ``shape`` that breaks exactly the constraints it breaks.

    ``mask`` itself when the shape judges it as it judges ``value``; else ``mask`` repeated or cut
    to a length the shape takes, else a string the shape's pattern makes by construction
    (:mod:`cognito_spec.patterns.synth`, seeded by the shape's name: a shape always gets the same
    stand-in), with a character no class of the pattern holds where ``value`` broke the pattern.
    Lookarounds and word boundaries are honoured: every candidate is judged by the compiled pattern.
    An invalid value's stand-in has the value's length where one of that length keeps the verdict
    (nothing else of the value shows); a valid value's stand-in depends on the shape only.  None
    when no string keeps the verdict (the caller counts it).
    A shape that is not a string shape (or None) takes ``mask``: nothing there judges a string.
    """
    if shape is None or shape.type != "string":
        return mask
    want = _verdict(shape, value)
    if _verdict(shape, mask) == want:
        return mask
    try:
        # An invalid value's stand-in has its length first (a 300-character user name gets 300
        # characters), a valid value's one near the mask's length.
        for n in (len(value), None) if any(want) else (None, len(value)):
            found = _stand_in(shape, want, mask, n)
            if found is not None:
                return found
        return None
    except (GenerationError, PatternError, RecursionError, MemoryError):  # pragma: no cover - defensive
        return None


#: Lengths tried near the preferred one (the mask's) before the original's own length.
_LENGTH_TRIES: Final = 8
#: Strings the pattern's synthesis makes per length before the next length is tried.
_MADE_TRIES: Final = 4


@functools.lru_cache(maxsize=4096)
def _stand_in(shape: Shape, want: tuple[bool, bool, bool, bool], mask: str, n: int | None) -> str | None:
    """The stand-in for ``want`` at ``shape``: of length ``n``, or (None) of a length near the mask's
    on the side of the limits ``want`` asks for."""
    lengths = [n] if n is not None else _lengths_near(shape, want, len(mask))
    plan = None
    if shape.pattern is not None:
        # Breaking the pattern needs only the characters outside it (any plan has them); matching
        # it needs a plan that reaches the lengths.
        cap = 64 if want[2] else max(64, *lengths[: _LENGTH_TRIES * 4])
        plan = synth.plan(shape.pattern, 1 << (cap - 1).bit_length())
    tried = 0
    for k in lengths:
        if tried == _LENGTH_TRIES:
            break
        if plan is not None and not want[2] and not plan.can(k):
            continue
        tried += 1
        for text in _made(shape, plan, want[2], mask, k):
            if _verdict(shape, text) == want and _string_token(text) is not None:
                return text
    if shape.enum is not None and not want[3]:
        # A value of the enum (the original was one; none of them is a secret).
        for text in shape.enum:
            if _verdict(shape, text) == want:
                return text
    return None


def _lengths_near(shape: Shape, want: tuple[bool, bool, bool, bool], preferred: int) -> list[int]:
    """Lengths on the side of the limits ``want`` asks for (too short, within, too long), nearest to
    ``preferred`` first (a bounded number of them)."""
    lo, hi = shape.length_min or 0, shape.length_max
    if want[0]:
        lo, hi = 0, lo - 1
    elif want[1]:
        assert hi is not None
        lo, hi = hi + 1, None
    start = max(lo, preferred if hi is None else min(preferred, hi))
    out = [start]
    for d in range(1, 1 << 8):
        if hi is None or start + d <= hi:
            out.append(start + d)
        if start - d >= lo:
            out.append(start - d)
    return out


def _made(shape: Shape, plan: synth.Plan | None, broken: bool, mask: str, n: int) -> Iterator[str]:
    """Candidates of length ``n``: matching the pattern, or (``broken``) breaking it."""
    fill = _fill(mask, n)
    if not broken:
        yield fill
        if plan is not None:
            for i in range(_MADE_TRIES):
                try:
                    yield plan.make(synth.RandomSource(f"{shape.name}/{n}/{i}"), n, adversarial=False)
                except GenerationError:
                    continue
        return
    # Breaking the pattern: a character outside every class of the pattern (a space, where it can be)
    # is part of no match; the rest is the mask.
    outside = plan.outside if plan is not None else ()
    if n == 0 or not outside:
        yield fill
        return
    bad = " " if contains(outside, 0x20) else chr(outside[0][0])
    yield bad + fill[1:]
    yield fill[:-1] + bad


# --------------------------------------------------------------------------------------------------
# Where a path of a wire value sits in the model.


def position(cls: type, path: Path) -> tuple[bool, Shape | None]:
    """``(hidden, shape)`` of the value at ``path`` in a wire value of ``cls``.

    ``hidden``: a sensitive member or shape lies on the way (whatever sits under it is masked, as
    :func:`redact` does).  ``shape``: the model shape of the value, None where the model says nothing
    (unknown members, wrong container types).  Depends on the path only, never on values, so both
    copies of a repeated key get the same answer.
    """
    key = (cls, tuple(0 if type(p) is int else p for p in path))
    found = _POSITIONS.get(key)
    if found is None:
        found = _position(cls, path)
        if len(_POSITIONS) < 65536:
            _POSITIONS[key] = found
    return found


_POSITIONS: dict[tuple[type, Path], tuple[bool, Shape | None]] = {}
_WIRE_MEMBERS: dict[type, dict[str, Member]] = {}


def _member(cls: type, wire: str) -> Member | None:
    index = _WIRE_MEMBERS.get(cls)
    if index is None:
        index = _WIRE_MEMBERS[cls] = {m.wire: m for _, m in members_of(cls)}
    return index.get(wire)


def _position(cls: type, path: Path) -> tuple[bool, Shape | None]:
    from cognito_spec.operations import structure

    hide = False
    struct: type | None = cls
    shape: Shape | None = None
    for p in path:
        if struct is not None:
            m = _member(struct, p) if type(p) is str else None
            if m is None:
                return hide, None
            hide = hide or m.sensitive or m.shape.sensitive
            shape = m.shape
        elif shape is not None and shape.type == "list" and type(p) is int and shape.member is not None:
            shape = shape.member
            hide = hide or shape.sensitive
        elif shape is not None and shape.type == "map" and type(p) is str and shape.value is not None:
            shape = shape.value
            hide = hide or shape.sensitive
        else:
            return hide, None
        struct = structure(shape.target or shape.name) if shape.type == "structure" else None
    return hide, shape


# --------------------------------------------------------------------------------------------------
# Masking JSON text: only the masked spans change, and the copy validates like the original.

#: What a rule asks for a leaf the model does not hide: None (keep it), or ``(kind, new)``: count it
#: under ``kind`` and mask the whole value (``new`` None) or write the string ``new`` instead (a
#: value with a token inside it).  Called with the leaf's path, token kind and its token text.
LeafRule = Callable[[Path, str, str], "tuple[str, str | None] | None"]


@attrs.frozen
class JsonMasking:
    """A masked JSON text and what was masked.

    ``masked`` counts masked values by kind (``sensitive_member``, or the kinds a rule named);
    ``values`` holds the original string values masked whole (to find them again elsewhere, never
    to print); ``readable`` is False when the text is not JSON the service would parse: then every
    string value was masked and what follows the first unreadable token too; ``kept`` is False when
    no mask could be found that keeps the violations of a masked position (counted, never silent).
    """

    text: str
    masked: Counter[str]
    values: tuple[str, ...]
    readable: bool = True
    kept: bool = True


_TEXT_KIND: Final = "unreadable_body"


#: A stand-in for a sensitive string a judge still reads (a token), or None to mask it plainly.
StandIn = Callable[[str], "str | None"]


def mask_json(
    text: str,
    cls: type | None,
    rule: LeafRule | None = None,
    *,
    mask: str = REDACTED,
    standin: StandIn | None = None,
) -> JsonMasking:
    """``text`` with the values at sensitive positions of ``cls`` (and those ``rule`` names) masked.

    Every other character is kept.  With a class, the masks are chosen so that each masked position
    breaks the constraints the original broke (a valid value gets a valid mask, a 300-character user
    name a 300-character mask, a number in a string member the number 0): :func:`validate` finds the
    same violations in the copy.  A string at a string shape gets :func:`string_mask` (or the
    ``standin`` of a token, when the shape judges it alike), which keeps the verdict by
    construction; only the other masked values (numbers at number shapes, strings where the model
    expects something else) are tried against the validator.  A text that does not parse as JSON
    keeps its keys, numbers and literals, loses every string and whatever follows the point where it
    stops being JSON, and so stays unparseable.
    """
    start = 1 if text.startswith("\ufeff") else 0
    tokens, error = scan(text, start)
    data: Any = None
    if error is None and start == 0:
        try:
            data = decode_text(text)
        except DecodeError:
            error = -1
    else:
        error = -1 if error is None else error
    if error is not None:
        return _mask_unreadable(text, tokens, error, mask)
    masked: Counter[str] = Counter()
    values: list[str] = []
    leaves: list[_Leaf] = []
    plain = _string_token(mask) or '""'
    for kind, a, b, path in tokens:
        if kind == "k" or kind == "l" or kind == "c":  # noqa: PLR1714 - the cheapest test first
            continue
        hide, shape = position(cls, path) if cls is not None else (False, None)
        raw = text[a:b]
        if hide:
            masked["sensitive_member"] += 1
            leaves.append(_masked_leaf(a, b, path, kind, raw, shape, mask, plain, standin))
        elif rule is not None:
            asked = rule(path, kind, raw)
            if asked is None:
                continue
            what, new = asked
            masked[what] += 1
            if new is not None:
                leaves.append(_fixed_leaf(a, b, path, raw, shape, new, mask, plain))
                continue
            leaves.append(_masked_leaf(a, b, path, kind, raw, shape, mask, plain, None))
        else:
            continue
        if kind == "s":
            values.append(decode_string(raw))
    if not leaves:
        return JsonMasking(text, masked, ())
    kept = True
    if cls is not None and not all(leaf.settled for leaf in leaves):
        kept = _keep_verdict(text, data, cls, leaves, mask)
    out = splice(text, [(leaf.start, leaf.end, leaf.choice()) for leaf in leaves])
    return JsonMasking(out, masked, tuple(values), True, kept)


#: Shape types at which any string and any number break the same constraint (the JSON type).
_TYPE_ONLY: Final = frozenset({"structure", "list", "map"})


def _masked_leaf(
    a: int, b: int, path: Path, kind: str, raw: str, shape: Shape | None, mask: str, plain: str,
    standin: StandIn | None,
) -> _Leaf:  # fmt: skip
    """The leaf of a value masked whole, settled where its mask keeps the verdict by construction."""
    if kind == "s":
        if shape is None or shape.type in _TYPE_ONLY:
            return _Leaf(a, b, path, kind, raw, shape, plain, settled=True)
        if shape.type == "string":
            value = decode_string(raw)
            if standin is not None:
                # A token the capture is judged on keeps what the judge reads (see tokens.standin),
                # where the shape judges the stand-in as it judges the token.
                stand = standin(value)
                token = _string_token(stand) if stand is not None else None
                if (
                    stand is not None
                    and token is not None
                    and _verdict(shape, stand) == _verdict(shape, value)
                ):
                    return _Leaf(a, b, path, kind, raw, shape, token, settled=True)
            found = string_mask(shape, value, mask)
            token = _string_token(found) if found is not None else None
            if token is not None:
                return _Leaf(a, b, path, kind, raw, shape, token, settled=True)
        return _Leaf(a, b, path, kind, raw, shape, plain)
    settled = shape is None or shape.type in _TYPE_ONLY or shape.type == "string"
    return _Leaf(a, b, path, kind, raw, shape, "0", settled=settled)


def _fixed_leaf(
    a: int, b: int, path: Path, raw: str, shape: Shape | None, new: str, mask: str, plain: str
) -> _Leaf:
    """A string a rule rewrote (a JWT inside it masked): kept where the shape judges it alike, else
    masked whole as a sensitive value would be."""
    token = _string_token(new)
    if shape is None or shape.type != "string":
        return _Leaf(a, b, path, "fixed", raw, shape, token or plain, settled=shape is None)
    if token is not None and _verdict(shape, new) == _verdict(shape, decode_string(raw)):
        return _Leaf(a, b, path, "fixed", raw, shape, token, settled=True)
    return _masked_leaf(a, b, path, "s", raw, shape, mask, plain, None)


class _Leaf:
    """A value to mask: where it is, and the masks to try (worked out only when the first fails).

    ``settled``: the first mask keeps the value's verdict by construction (no validation needed).
    """

    __slots__ = ("candidates", "end", "kind", "path", "pick", "raw", "settled", "shape", "start")

    def __init__(
        self,
        start: int,
        end: int,
        path: Path,
        kind: str,
        raw: str,
        shape: Shape | None,
        first: str,
        *,
        settled: bool = False,
    ) -> None:
        self.start, self.end, self.path, self.kind, self.raw, self.shape = start, end, path, kind, raw, shape
        self.candidates = [first]
        self.pick = 0
        self.settled = settled

    def choice(self) -> str:
        return self.candidates[min(self.pick, len(self.candidates) - 1)]

    def expand(self, mask: str) -> None:
        if len(self.candidates) == 1 and self.kind != "fixed":
            self.candidates = _candidates(self.kind, self.raw, self.shape, mask)


def _string_token(value: str) -> str | None:
    try:
        return encode_body(value).decode("utf-8")
    except EncodeError:
        return None


def _fill(mask: str, n: int) -> str:
    return (mask * (n // max(len(mask), 1) + 1))[:n]


#: Strings a number shape accepts (see codec.source): a string there is judged by these alone.
_NUMBER_WORDS: Final = ("NaN", "Infinity", "-Infinity")


def _candidates(kind: str, raw: str, shape: Shape | None, mask: str) -> list[str]:
    """Masks for a value no constructed mask settles, best first; the first that keeps the value's
    violations is taken.

    Numbers (at number shapes) become 0 or 1, the original last (a number is not a credential);
    strings at shapes that are not string shapes (a number, a boolean, a timestamp, a blob) get the
    mask, its fill to the original's length in both cases, digits, the mask with a character that
    is not base64, and the words a floating point member takes.
    """
    if kind == "n":
        return ["0", "1", raw]
    n = len(decode_string(raw))
    fill = _fill(mask, n)
    texts = [mask, fill, fill.lower(), "0" * n, *(" " + fill[1:] if n else " ",), *_NUMBER_WORDS]
    out = []
    for t in texts:
        token = _string_token(t)
        if token is not None and token not in out:
            out.append(token)
    return out


def _by_path(violations: list[Violation]) -> dict[Path, list[str]]:
    out: dict[Path, list[str]] = {}
    for v in violations:
        out.setdefault(v.path, []).append(v.kind)
    for kinds in out.values():
        kinds.sort()
    return out


def _keep_verdict(text: str, data: Any, cls: type, leaves: list[_Leaf], mask: str) -> bool:
    """Choose the mask of each unsettled leaf so that its violations are the original's; False when
    one cannot."""
    from cognito_spec.validation.validate import validate

    want = _by_path(validate(data, cls, mode="strict"))
    # Of a repeated key only the last value is read (and validated): the others keep the first mask.
    last = {leaf.path: leaf for leaf in leaves}
    open_ = [x for x in last.values() if not x.settled]
    r = 0
    got: dict[Path, list[str]] = {}
    while open_:
        copy = decode_text(splice(text, [(x.start, x.end, x.choice()) for x in leaves]))
        got = _by_path(validate(copy, cls, mode="strict"))
        open_ = [x for x in open_ if got.get(x.path, []) != want.get(x.path, [])]
        r += 1
        for leaf in open_:
            leaf.expand(mask)
        open_ = [x for x in open_ if r < len(x.candidates)]
        for leaf in open_:
            leaf.pick = r
    ok = all(got.get(x.path, []) == want.get(x.path, []) for x in last.values() if not x.settled)
    if not ok:
        for leaf in last.values():
            if not leaf.settled and got.get(leaf.path, []) != want.get(leaf.path, []):
                leaf.pick = 0
    return ok


def _mask_unreadable(text: str, tokens: list[Token], error: int, mask: str) -> JsonMasking:
    masked: Counter[str] = Counter()
    edits = []
    values = []
    token = _string_token(mask) or '""'
    for kind, a, b, _ in tokens:
        if kind == "s":
            edits.append((a, b, token))
            values.append(decode_string(text[a:b]))
            masked[_TEXT_KIND] += 1
    out = splice(text, edits)
    if 0 <= error < len(text):
        # Everything from the first token that is not JSON goes; the bare mask keeps the text
        # unparseable (no JSON token starts with a letter other than t, f, n).
        cut = len(out) - (len(text) - error)
        out = out[:cut] + mask
        masked[_TEXT_KIND] += 1
    return JsonMasking(out, masked, tuple(values), readable=False)
