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

The optional fast path (``pip install cognito-spec[fast]``): when orjson is installed, and
``COGNITO_SPEC_NO_ORJSON=1`` was not set at import (or :func:`use_orjson` turns it on or off),
:func:`fast_value` and :func:`fast_encode` parse and write with it.  They never decide anything
alone: wherever orjson's behaviour differs from this policy they answer "not me" (:data:`MISS`,
``None``) and the caller takes the stdlib path, which then gives the one answer.  The differences,
and why each is covered (``tests/test_fast_path.py`` proves equal results over the same inputs):

* orjson refuses NaN/Infinity, ``1e400`` (the stdlib gives ``inf``), lone surrogates escaped or raw,
  a BOM, invalid UTF-8, raw control characters and nesting beyond 1024: every refusal is a miss.
* It turns integers beyond 64 bits into floats.  Such a float is only ever *kept* where a float
  member takes it (``float(int)`` and orjson's correctly rounded parse agree); an integer or string
  member sees a wrong type, a timestamp one out of range: a violation or a builder error, after which
  the caller takes the stdlib path.  Unknown members are never built.
* It keeps the last of repeated keys, as ``json.loads`` does, so the parsed values are equal and the
  counts the checkers make of them prove uniqueness exactly as for the stdlib parse
  (:func:`keys_unique` counts ASCII bytes, which are the same on the UTF-8 bytes as on the text).
* Nesting: orjson's own limit is 1024, so the :data:`MAX_DEPTH` pre-check still runs first, or
  the caller proves the bound on the parsed value instead (:func:`fast_value_unguarded`).
* Writing: integers within 64 bits, strings (the same escapes, lower-case hex, ``/`` unescaped),
  booleans and ``null`` come out byte-identical to :func:`encode_body`; lone surrogates and larger
  integers are refused (a miss).  Floats are identical only between ``1e-4`` and ``1e16`` in
  magnitude (``1e-05`` is written ``0.00001``): callers use :func:`fast_encode` only for values whose
  floats lie there (the codec's timestamps, which are whole milliseconds below year 10000).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from itertools import accumulate
from json.encoder import c_make_encoder as _c_make_encoder  # type: ignore[attr-defined]
from typing import Any, Final, cast

from cognito_spec.codec.violations import PathItem, Violation, json_pointer
from cognito_spec.errors import ArgumentTypeError, DecodeError, EncodeError

__all__ = [
    "DECODER",
    "MAX_DEPTH",
    "MISS",
    "ORJSON",
    "Body",
    "body_text",
    "check_duplicates",
    "count_opening",
    "decode_body",
    "decode_text",
    "encode_body",
    "encode_built",
    "fast_value",
    "fast_value_unguarded",
    "find_duplicates",
    "keys_unique",
    "nesting_depth",
    "orjson_enabled",
    "parse_json",
    "quick_body",
    "quick_value",
    "quick_value_unguarded",
    "too_deep",
    "use_orjson",
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
    if type(body) is bytes:  # the common case first
        try:
            return body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _invalid_utf8(f"invalid UTF-8 at byte {exc.start}") from None
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


def count_opening(raw: bytes, most: int) -> int:
    """The opening brackets (``[`` and ``{``, in strings too) of ``raw``, or a number above ``most``
    when there are more than ``most``: the nesting bound the fast paths test before a parser that
    reads deeper than the policy.

    Each kind is counted as the length ``bytes.replace`` takes off when it deletes at most
    ``most + 1`` of them: CPython finds each with ``memchr``, about 60 instructions a bracket and a
    fraction of one a byte, where ``bytes.count`` of one byte compares every byte (5 instructions a
    byte, callgrind, CPython 3.11).  A JSON text holds a few brackets in a hundred bytes, so on a
    1 KB body this is a third of the two counts; a hostile one full of brackets costs at most
    ``2 * (most + 1)`` searches, and a body with none is not even copied.  Brackets are ASCII, which
    no byte of a multi-byte UTF-8 sequence is: the count on the bytes is the count on the text.
    """
    cap = most + 1
    return len(raw) - len(raw.replace(b"[", b"", cap).replace(b"{", b"", cap))


def too_deep(text: str) -> bool:
    """True when a text nests deeper than :data:`MAX_DEPTH` (then :func:`decode_text` refuses it)."""
    return _too_deep(text)


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


class _Miss:
    __slots__ = ()

    def __repr__(self) -> str:
        return "MISS"


#: The answer of :func:`quick_value` and :func:`fast_value` when they leave a body to the full policy.
MISS: Final[Any] = _Miss()

_SCAN: Final[Any] = DECODER.scan_once  # type: ignore[attr-defined]


def quick_value(text: str) -> Any:
    """The JSON value of a body text from the stdlib's C scanner called directly, or :data:`MISS`.

    The same value :func:`decode_text` gives (it runs the same scanner, behind two Python frames and
    two whitespace matches); :data:`MISS` for anything it would have to explain (a BOM or leading
    white space, malformed JSON, NaN, too deep), which the caller then hands to :func:`decode_text`.
    """
    if _too_deep(text):
        return MISS
    return quick_value_unguarded(text)


def quick_value_unguarded(text: str) -> Any:
    """:func:`quick_value` without the nesting bound: the caller proves it on the value instead.

    For callers whose compiled checker passes only values of a class whose :func:`wire_depth
    <cognito_spec.codec.reach.wire_depth>` is at most :data:`MAX_DEPTH`: a value it passes without
    a violation nests no deeper than that; on any violation the caller asks :func:`too_deep` (or
    :func:`decode_text`, which does) before it answers.  The scanner itself never overflows the
    stack: its recursion is counted by the interpreter, and a ``RecursionError`` is a miss.  Two
    bracket counts over the text are what it saves (a tenth of the parse of a 1 KB body, more on
    bodies with long tokens).
    """
    try:
        value, end = _SCAN(text, 0)
    except (StopIteration, ValueError, RecursionError):
        return MISS
    if end != len(text) and text[end:].lstrip(" \t\n\r"):  # only JSON white space may follow
        return MISS
    return value


def quick_body(body: Body) -> Any:
    """:func:`quick_value` of a ``bytes`` body's text in one call, or :data:`MISS`.

    :data:`MISS` for a body of another type, bytes that are not UTF-8, and whatever
    :func:`quick_value` leaves to the full policy; the caller then asks :func:`decode_body` (or
    :func:`body_text` and :func:`decode_text`), which gives the policy's answer.  The same steps as
    ``quick_value(body_text(body))``, with two Python frames fewer.
    """
    if type(body) is not bytes:
        return MISS
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return MISS
    if _too_deep(text):
        return MISS
    try:
        value, end = _SCAN(text, 0)
    except (StopIteration, ValueError, RecursionError):
        return MISS
    if end != len(text) and text[end:].lstrip(" \t\n\r"):  # only JSON white space may follow
        return MISS
    return value


# --------------------------------------------------------------------------------------------------
# The optional orjson fast path (see the module docstring for why each difference is safe).


class _Orjson:
    """The orjson functions in use, or ``None`` (one mutable place, read on every call)."""

    __slots__ = ("dumps", "error", "loads")

    def __init__(self) -> None:
        self.loads: Any = None
        self.dumps: Any = None
        self.error: tuple[type[BaseException], ...] = ()


#: The orjson functions in use (``ORJSON.loads is None`` when the fast path is off).  Public so that
#: a caller's hot path can test it, and call ``ORJSON.loads``, without a Python call in between
#: (what :func:`fast_value_unguarded` does; each Python frame saved is about 0.5 % of the parse of a
#: 1 KB body).  Only :func:`use_orjson` writes it.
ORJSON: Final = _Orjson()


def use_orjson(enabled: bool) -> bool:
    """Turn the orjson fast path on or off; returns the previous setting.

    It is on at import when orjson is installed, unless ``COGNITO_SPEC_NO_ORJSON=1``.  Turning it on
    without orjson installed leaves it off (:func:`orjson_enabled` tells).  Results are the same
    either way; only the speed differs.
    """
    previous = ORJSON.loads is not None
    ORJSON.loads = ORJSON.dumps = None
    if enabled:
        try:
            import orjson
        except ImportError:
            return previous
        ORJSON.error = (orjson.JSONDecodeError,)
        ORJSON.loads, ORJSON.dumps = orjson.loads, orjson.dumps
    return previous


def orjson_enabled() -> bool:
    """True when the orjson fast path is on."""
    return ORJSON.loads is not None


use_orjson(os.environ.get("COGNITO_SPEC_NO_ORJSON", "") != "1")


def fast_value(body: Body) -> Any:
    """The JSON value of a ``bytes`` or ``str`` body parsed by orjson, or :data:`MISS`.

    :data:`MISS` when the fast path is off, the body is of another type, could nest too deep, or
    orjson refuses it; the caller then takes the stdlib path.  A value returned equals what
    :func:`decode_body` gives, except that an integer beyond 64 bits is a float: the caller must
    treat every violation or builder error as a miss (see the module docstring).
    """
    loads = ORJSON.loads
    if loads is None:
        return MISS
    t = type(body)
    if t is bytes:
        # _too_deep's two counts, on the bytes: a UTF-8 byte below 0x80 is that ASCII character,
        # and the byte length bounds the character length from above.
        raw = cast(bytes, body)
        if len(raw) > 2 * MAX_DEPTH and count_opening(raw, MAX_DEPTH) > MAX_DEPTH:
            return MISS
    elif t is str:
        if _too_deep(body):  # type: ignore[arg-type]
            return MISS
    else:
        return MISS
    try:
        return loads(body)
    except ORJSON.error:
        return MISS


def fast_value_unguarded(body: Body) -> Any:
    """:func:`fast_value` without the nesting bound (orjson's own limit of 1024 levels still holds):
    the caller proves the bound on the value, as for :func:`quick_value_unguarded`."""
    loads = ORJSON.loads
    if loads is None:
        return MISS
    t = type(body)
    if t is not bytes and t is not str:
        return MISS
    try:
        return loads(body)
    except ORJSON.error:
        return MISS


def encode_built(wire: Any) -> bytes:
    """The bytes :func:`encode_body` writes for a value an unbuilder of the codec made.

    Such a value is a fresh tree (no cycles) of plain JSON types whose floats are timestamps (whole
    milliseconds, between ``1e-3`` and ``1e12`` in magnitude): orjson writes it byte for byte as the
    stdlib does (see the module docstring), and the stdlib's C encoder can be reused without the
    circular-reference markers.  Anything either refuses goes to :func:`encode_body`, whose answer
    (bytes or error) it then is.
    """
    dumps = ORJSON.dumps
    if dumps is not None:
        try:
            out: bytes = dumps(wire)
            return out
        except TypeError:  # orjson.JSONEncodeError: a lone surrogate, an integer beyond 64 bits, depth
            pass
    else:
        try:
            return "".join(_C_ENCODE(wire, 0)).encode("utf-8")
        except (UnicodeEncodeError, ValueError, TypeError, RecursionError):
            pass
    return encode_body(wire)


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


def keys_unique(text: str | bytes, keys: int, strings: int) -> bool:
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
    if type(text) is not str:  # the UTF-8 bytes of the text: the same counts (ASCII bytes only)
        raw = cast(bytes, text)
        if 0x5C not in raw:  # no backslash (the common case inline: one call less)
            return raw.count(b'"') == 2 * (keys + strings)
        return _bytes_keys_unique(raw, keys, strings)
    if "\\" not in text:
        return text.count('"') == 2 * (keys + strings)
    if text.count(":") == keys:
        return True
    bound = text.count('":') + text.count(" :")
    for ws in "\t\n\r":
        if ws in text:
            bound += text.count(ws + ":")
    return bound == keys


def _bytes_keys_unique(data: bytes, keys: int, strings: int) -> bool:
    # keys_unique, byte for byte: every character it counts is ASCII, and in UTF-8 an ASCII byte is
    # that character and nothing else (bytes of multi-byte sequences are all 0x80 or above).  An
    # int is looked for with memchr; a one-byte bytes needle took seven times longer (3.11).
    if 0x5C not in data:  # no backslash
        return data.count(b'"') == 2 * (keys + strings)
    if data.count(b":") == keys:
        return True
    bound = data.count(b'":') + data.count(b" :")
    for ws in (0x09, 0x0A, 0x0D):
        if ws in data:
            bound += data.count(bytes((ws, 0x3A)))
    return bound == keys


def check_duplicates(text: str, keys: int, strings: int) -> list[Violation]:
    """Duplicate-key violations of ``text``, given the counts of its parse (fast when none)."""
    if keys_unique(text, keys, strings):
        return []
    return find_duplicates(decode_text(text, pairs=True))


_ENCODER: Final = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False)
_ASCII_ENCODER: Final = json.JSONEncoder(separators=(",", ":"), ensure_ascii=True, allow_nan=False)
_SURROGATE_PAIR: Final = re.compile("[\ud800-\udbff][\udc00-\udfff]")
# The C encoder behind _ENCODER, made once (JSONEncoder.encode makes one per call).  No markers: only
# encode_built uses it, on acyclic values; a failure there falls back to encode_body.
_C_ENCODE: Final[Any] = _c_make_encoder(
    None, _ENCODER.default, json.encoder.encode_basestring, None, ":", ",", False, False, False
)


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
