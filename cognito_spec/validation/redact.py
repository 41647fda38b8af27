"""Redaction of a wire value: every member the model marks sensitive replaced by a mask.

:func:`redact` masks a parsed wire value; :func:`mask_json` masks a JSON text in place, span by
span, choosing masks that keep the text's verdict; :func:`position` says what the model knows about
a path (both read the same sensitivity rule).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any, Final

import attrs

from cognito_spec.codec.body import decode_text, encode_body
from cognito_spec.codec.violations import Violation
from cognito_spec.errors import ArgumentTypeError, DecodeError, EncodeError
from cognito_spec.model import Member, Shape, is_shape_class, members_of
from cognito_spec.validation.jsontext import Path, Token, decode_string, scan, splice

__all__ = ["REDACTED", "JsonMasking", "LeafRule", "StandIn", "mask_json", "position", "redact"]

#: What :func:`redact` puts in place of a sensitive value.  It matches the token, user name and
#: attribute value patterns of the model, so a redacted capture still validates.
REDACTED: Final = "REDACTED"


def redact(data: Any, cls: type, *, mask: str = REDACTED) -> Any:
    """A copy of the wire value ``data`` of ``cls`` with every sensitive value replaced by ``mask``.

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
        return {
            (f"{mask}-{i}" if hide_keys else k): (None if v is None else _redact_value(v, vshape, hide, mask))
            for i, (k, v) in enumerate(value.items(), 1)
        }
    return mask if hide else value


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
    same violations in the copy.  A text that does not parse as JSON keeps its keys, numbers and
    literals, loses every string and whatever follows the point where it stops being JSON, and so
    stays unparseable.
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
            first = plain if kind == "s" else "0"
            if standin is not None and kind == "s":
                # A token the capture is judged on keeps what the judge reads (see tokens.standin).
                stand = standin(decode_string(raw))
                first = (_string_token(stand) or plain) if stand is not None else plain
            leaves.append(_Leaf(a, b, path, kind, raw, shape, first))
            masked["sensitive_member"] += 1
        elif rule is not None:
            asked = rule(path, kind, raw)
            if asked is None:
                continue
            what, new = asked
            masked[what] += 1
            if new is not None:
                leaves.append(_Leaf(a, b, path, "fixed", raw, shape, _string_token(new) or plain))
                continue
            leaves.append(_Leaf(a, b, path, kind, raw, shape, plain if kind == "s" else "0"))
        else:
            continue
        if kind == "s":
            values.append(decode_string(raw))
    if not leaves:
        return JsonMasking(text, masked, ())
    kept = True if cls is None else _keep_verdict(text, data, cls, leaves, mask)
    out = splice(text, [(leaf.start, leaf.end, leaf.choice()) for leaf in leaves])
    return JsonMasking(out, masked, tuple(values), True, kept)


class _Leaf:
    """A value to mask: where it is, and the masks to try (worked out only when the first fails)."""

    __slots__ = ("candidates", "end", "kind", "path", "pick", "raw", "shape", "start")

    def __init__(
        self, start: int, end: int, path: Path, kind: str, raw: str, shape: Shape | None, first: str
    ) -> None:
        self.start, self.end, self.path, self.kind, self.raw, self.shape = start, end, path, kind, raw, shape
        self.candidates = [first]
        self.pick = 0

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


def _candidates(kind: str, raw: str, shape: Shape | None, mask: str) -> list[str]:
    """Masks for one value, best first; the first that keeps the value's violations is taken.

    A valid value gets ``mask`` when it fits; otherwise, and for invalid values, masks of the
    original's length (the length limits then judge it alike) in letters of both cases, digits, and
    with one character no pattern of the model accepts (a space, NUL, a lone surrogate), for a value
    that broke its pattern.  Numbers become 0; literals stay (true/false/null say nothing).
    """
    if kind == "n":
        return ["0", "1", raw]  # the original last: a number is not a credential
    value = decode_string(raw)
    n = len(value)
    fill = _fill(mask, n)
    texts = [mask, fill, fill.lower(), "0" * n]
    if n:
        texts += [c + fill[1:] for c in (" ", "\x00", "\ud800")]
    if shape is not None and shape.enum:
        texts += list(shape.enum)
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


#: Shapes at which the plain mask is known to be valid (learnt from the validator, never guessed).
_MASK_FITS: set[Shape] = set()


def _keep_verdict(text: str, data: Any, cls: type, leaves: list[_Leaf], mask: str) -> bool:
    """Choose each leaf's mask so that its violations are the original's; False when one cannot."""
    from cognito_spec.validation.validate import validate

    want = _by_path(validate(data, cls, mode="strict"))
    # Of a repeated key only the last value is read (and validated): the others keep the plain mask.
    last = {leaf.path: leaf for leaf in leaves}
    if not any(p in want for p in last) and all(
        x.kind == "s" and x.shape is not None and x.shape in _MASK_FITS for x in last.values()
    ):
        return True  # valid values, each masked with what the validator accepted there before
    open_ = list(last.values())
    r = 0
    while open_:
        copy = decode_text(splice(text, [(x.start, x.end, x.choice()) for x in leaves]))
        got = _by_path(validate(copy, cls, mode="strict"))
        if r == 0:
            _MASK_FITS.update(
                x.shape for x in open_ if x.kind == "s" and x.shape is not None and x.path not in got
            )
        open_ = [x for x in open_ if got.get(x.path, []) != want.get(x.path, [])]
        r += 1
        for leaf in open_:
            leaf.expand(mask)
        open_ = [x for x in open_ if r < len(x.candidates)]
        if not open_:
            break
        for leaf in open_:
            leaf.pick = r
    ok = all(got.get(x.path, []) == want.get(x.path, []) for x in last.values())
    if not ok:
        for leaf in last.values():
            if got.get(leaf.path, []) != want.get(leaf.path, []):
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
