"""The body policy: the one place that turns body bytes into JSON values and JSON values into bytes.

Every reader of a body (the codec, validation, the sans-IO server, the capture checker, redaction,
fixtures) goes through these functions, so a copy or a rewrite can never change a verdict.

Reading, in order; each refusal is a :class:`~cognito_spec.errors.DecodeError` holding one root
violation, and its message never quotes the body (a body holds tokens):

* **UTF-8 only** (``invalid_utf8``).  awsJson1_1 bodies are UTF-8 (RFC 8259 section 8.1).  Python's
  strict decoder also refuses encoded surrogates (``ED A0 80``) and truncated sequences.
* **No lone surrogate in a text** (``invalid_utf8``).  A ``str`` body holding a raw (unescaped)
  surrogate code point cannot have come from UTF-8 bytes; it is what ``surrogateescape`` makes of
  bytes that were not UTF-8, so it is refused as those bytes would be.  An *escaped* lone surrogate
  (``"\\ud800"``) is valid JSON and is accepted: a Python ``str`` can hold it and the codec writes it.
* **No byte-order mark** (``malformed_json``, named in the detail).  RFC 8259 says senders must
  not add one, and no SDK does; accepting it would make a body valid here that a strict reader refuses.
* **JSON values only** (``malformed_json``): ``NaN``, ``Infinity`` and ``-Infinity`` are Python
  extensions, not JSON; integers beyond the interpreter's digit limit are refused too.
* **Nesting at most** :data:`MAX_DEPTH` **levels** (``malformed_json``, detail ``nesting too deep``).
  Refused before the parser runs, by a linear scan, so a hostile body of 100 000 brackets costs
  milliseconds and never reaches a recursive walker (the parser's own limit depends on how deep the
  caller's stack already is, and the library's tree walkers recurse once or twice per level).
* **Duplicate keys** are detected (``duplicate_key``, one violation per repeated key with its path)
  when the caller asks for it; the fast proof that there are none is :func:`keys_unique`.

Writing (:func:`encode_body`): compact UTF-8; strings holding lone surrogates, which UTF-8 cannot
carry, are written with ``\\uXXXX`` escapes instead (JSON allows them); a high surrogate directly
followed by a low one is refused with :class:`~cognito_spec.errors.EncodeError`, because every JSON
reader joins the two escapes into one character and the value would not come back as given.
``NaN`` and infinities are refused (``allow_nan=False``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from itertools import accumulate
from typing import Any, Final

from cognito_spec.codec.violations import PathItem, Violation, json_pointer
from cognito_spec.errors import ArgumentTypeError, DecodeError, EncodeError

__all__ = [
    "DECODER",
    "MAX_DEPTH",
    "Body",
    "body_text",
    "check_duplicates",
    "decode_body",
    "decode_text",
    "encode_body",
    "find_duplicates",
    "keys_unique",
    "nesting_depth",
    "parse_json",
]

Body = bytes | bytearray | memoryview | str

#: The deepest nesting of arrays and objects a body may have (``[]`` is depth 1).
#:
#: Why 256: the model's own structures nest a handful of levels, so anything deeper lives in members
#: the model does not know.  The library's tree walkers (redaction of an unknown operation's body,
#: ``json.dumps``) spend up to two Python frames per level under Python 3.11's default recursion
#: limit of 1000, and callers (a CLI, a test runner, an emulator's framework) already hold a
#: hundred or more frames: 256 levels keeps every walker well inside that budget.  [I] The service's
#: own limit is not documented; Jackson, a common JVM JSON reader, refuses beyond 1000 levels by
#: default, so a body refused here for depth alone may be one the service would parse.
MAX_DEPTH: Final = 256


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not a JSON value")


class _Dup(dict[str, Any]):
    """An object that had a repeated key (it keeps the last value, as json.loads does)."""

    __slots__ = ("dups",)
    dups: list[str]


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    d = dict(pairs)
    if len(d) != len(pairs):
        seen: set[str] = set()
        marked = _Dup(d)
        marked.dups = []
        for k, _ in pairs:
            if k in seen:
                marked.dups.append(k)
            seen.add(k)
        return marked
    return d


#: The JSON decoder of the policy (constants refused).  Its C ``scan_once`` is what fast paths call;
#: they must hand anything they are unsure of to :func:`decode_text`, which applies the whole policy.
DECODER: Final = json.JSONDecoder(parse_constant=_reject_constant)
_PAIRS_DECODER: Final = json.JSONDecoder(parse_constant=_reject_constant, object_pairs_hook=_pairs)


def _malformed(detail: str) -> DecodeError:
    return DecodeError("JSON body", [Violation((), "malformed_json", None, detail=detail)])


def _invalid_utf8(detail: str) -> DecodeError:
    return DecodeError("JSON body", [Violation((), "invalid_utf8", None, detail=detail)])


def body_text(body: Body) -> str:
    """The text of a body: bytes decoded as strict UTF-8; a ``str`` as it is, unless it holds a lone
    surrogate (see the module docstring).  Raises :class:`DecodeError` (``invalid_utf8``)."""
    if isinstance(body, str):
        if not body.isascii():
            try:
                body.encode("utf-8")
            except UnicodeEncodeError as exc:
                raise _invalid_utf8(f"lone surrogate at character {exc.start}") from None
        return body
    if isinstance(body, bytes | bytearray | memoryview):
        try:
            return bytes(body).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _invalid_utf8(f"invalid UTF-8 at byte {exc.start}") from None
    raise ArgumentTypeError(f"a body is bytes or str, not {type(body).__name__}")


# A complete JSON string token, matched without backtracking (possessive quantifiers).
_STRING_TOKEN: Final = re.compile(r'"[^"\\]*+(?:\\.[^"\\]*+)*+"', re.DOTALL)
_NOT_BRACKET: Final = re.compile(r"[^\[\]{}]++")
_STEP: Final = {"[": 1, "{": 1, "]": -1, "}": -1}


def nesting_depth(text: str) -> int:
    """The deepest nesting of arrays and objects in a JSON text, in linear time, without recursion.

    String tokens are removed first, so brackets inside strings do not count.  For a text that is
    not JSON the answer may be too high (an unterminated string's brackets count); it is never used
    to accept such a text, only to refuse it before the parser recurses.
    """
    brackets = _NOT_BRACKET.sub("", _STRING_TOKEN.sub("", text))
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0)


def _too_deep(text: str) -> bool:
    # Cheap answers first; a normal body never reaches the scan.  A text the parser accepts closes
    # every bracket it opens, so it nests at most len(text) // 2 levels (a shorter text nesting
    # deeper is not JSON, and the parser refuses it at its end or at its own recursion limit,
    # both caught).  Nor can a text with at most MAX_DEPTH opening brackets nest deeper.  The two
    # counts cost about a tenth of the parse of a 1 KB body.
    if len(text) <= 2 * MAX_DEPTH or text.count("[") + text.count("{") <= MAX_DEPTH:
        return False
    return nesting_depth(text) > MAX_DEPTH


def decode_text(text: str, *, pairs: bool = False) -> Any:
    """The JSON value of a body text, by the policy.  ``pairs=True`` marks objects that repeated a
    key, for :func:`find_duplicates`.  Raises :class:`DecodeError` (``malformed_json``)."""
    if text[:1] == "\ufeff":
        raise _malformed("byte-order mark before the JSON text")
    if _too_deep(text):
        raise _malformed("nesting too deep")
    try:
        return (_PAIRS_DECODER if pairs else DECODER).decode(text)
    except json.JSONDecodeError as exc:
        raise _malformed(f"{exc.msg} at line {exc.lineno} column {exc.colno} (char {exc.pos})") from None
    except RecursionError:  # the caller's stack was already deep: the same answer as the bound
        raise _malformed("nesting too deep") from None
    except ValueError as exc:  # NaN/Infinity, integers beyond the int digit limit
        raise _malformed(str(exc)) from None


def decode_body(body: Body) -> Any:
    """The JSON value of a body (bytes or text), by the policy; duplicate keys not looked for."""
    return decode_text(body_text(body))


def parse_json(body: Body, *, duplicates: bool = True) -> Any:
    """Parse a JSON body as the service would: UTF-8 only, no BOM, no NaN, no duplicate keys.

    Raises :class:`DecodeError` with a ``malformed_json``, ``invalid_utf8`` or ``duplicate_key``
    violation; the message never quotes the body (it may hold tokens).  ``duplicates=False`` skips
    the duplicate-key scan: the last value of a repeated key then wins, as with ``json.loads``.
    """
    text = body_text(body)
    if not duplicates:
        return decode_text(text)
    data = decode_text(text, pairs=True)
    dups = find_duplicates(data)
    if dups:
        raise DecodeError("JSON body", dups)
    return data


def find_duplicates(data: Any) -> list[Violation]:
    """Duplicate-key violations of a value parsed with ``decode_text(..., pairs=True)``."""
    out: list[Violation] = []
    stack: list[tuple[Any, tuple[PathItem, ...]]] = [(data, ())]
    while stack:
        node, p = stack.pop()
        if type(node) is _Dup:
            out.extend(Violation((*p, k), "duplicate_key", None) for k in node.dups)
        if isinstance(node, dict):
            stack.extend((v, (*p, k)) for k, v in node.items() if isinstance(v, dict | list))
        elif isinstance(node, list):
            stack.extend((v, (*p, i)) for i, v in enumerate(node) if isinstance(v, dict | list))
    out.sort(key=lambda v: tuple(str(x) for x in v.path))
    return out


def keys_unique(text: str, keys: int, strings: int) -> bool:
    """True when valid JSON ``text``, parsed into objects holding ``keys`` keys and ``strings`` string
    values in all, cannot have repeated a key.  False means "maybe": the exact scan then decides.

    The counts must be exact for the parse: ``keys`` every key kept in every object, ``strings``
    every string *value* kept (a key is never counted as a string, ``null`` is not a string).  An
    over-count can cancel the quotes of a dropped pair; an under-count only makes the answer
    "maybe".  The compiled checkers of :mod:`cognito_spec.codec.compile` count so; any violation
    they report (an unknown member, a wrong type) sends the caller to the exact scan anyway.

    Why counting characters proves it (the counts run in C; a Python ``object_pairs_hook`` cost
    three times ``json.loads``):

    * Without backslashes in the text, every ``"`` opens or closes a string token, and every token
      is a key or a string value.  Parsing keeps each distinct key and every value it keeps, so
      ``2 * (keys + strings)`` equals the number of quotes exactly when nothing was dropped: a
      dropped pair takes at least its key's two quotes with it, whatever its value.
    * Otherwise colons decide: each key written is followed, outside strings, by white space and
      its own colon, so the colons bound the keys written.  Colons in values (``custom:tenant``)
      loosen that bound; a tighter one counts only ``":`` and white space before a colon (raw tabs
      and newlines only occur outside strings).  Values play no part here.
    """
    if "\\" not in text:
        return text.count('"') == 2 * (keys + strings)
    if text.count(":") == keys:
        return True
    bound = text.count('":') + text.count(" :")
    for ws in "\t\n\r":
        if ws in text:
            bound += text.count(ws + ":")
    return bound == keys


def check_duplicates(text: str, keys: int, strings: int) -> list[Violation]:
    """Duplicate-key violations of ``text``, given the counts of its parse (fast when none)."""
    if keys_unique(text, keys, strings):
        return []
    return find_duplicates(decode_text(text, pairs=True))


_ENCODER: Final = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False)
_ASCII_ENCODER: Final = json.JSONEncoder(separators=(",", ":"), ensure_ascii=True, allow_nan=False)
_SURROGATE_PAIR: Final = re.compile("[\ud800-\udbff][\udc00-\udfff]")


def encode_body(wire: Any) -> bytes:
    """JSON bytes of a wire value: compact UTF-8, lone surrogates escaped (see the module docstring)."""
    text = _ENCODER.encode(wire)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        pass
    if _SURROGATE_PAIR.search(text):
        where = next(_surrogate_pairs(wire, ()), ())
        raise EncodeError(
            f"member {json_pointer(where)} holds a high surrogate followed by a low surrogate; JSON readers "
            "join them into one character, so the value cannot be written unchanged"
        )
    return _ASCII_ENCODER.encode(wire).encode("ascii")


def _surrogate_pairs(value: Any, path: tuple[PathItem, ...]) -> Iterator[tuple[PathItem, ...]]:
    """Paths of the strings holding a surrogate pair, depth first (iterative: no recursion limit)."""
    stack: list[tuple[Any, tuple[PathItem, ...]]] = [(value, path)]
    while stack:
        node, p = stack.pop()
        if isinstance(node, str):
            if _SURROGATE_PAIR.search(node):
                yield p
        elif isinstance(node, dict):
            for k in node:
                if _SURROGATE_PAIR.search(k):
                    yield (*p, k)
            stack.extend(reversed([(v, (*p, k)) for k, v in node.items()]))
        elif isinstance(node, list):
            stack.extend(reversed([(v, (*p, i)) for i, v in enumerate(node)]))
