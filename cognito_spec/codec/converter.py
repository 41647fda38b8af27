"""The awsJson1_1 wire codec: cattrs hooks built from field metadata, plus the JSON framing.

``make_converter()`` returns a fresh cattrs converter configured for the generated classes;
``configure_converter(conv)`` installs the same hook factories on a converter you already have.  The
global cattrs converter is never touched.

Rules, each with its reason:

* Members are renamed to their exact wire names from metadata (``UserMFASettingList``), never by
  changing case at run time.
* ``None`` means absent: it is omitted on output and a received ``null`` reads as absent.  Only
  ``None`` is omitted, so an explicit ``false`` or ``0`` always reaches the wire.
* No coercion: a string member accepts only a JSON string, a boolean only ``true``/``false``, an
  integer only a JSON integer.  cattrs' defaults (``str(5)``, ``bool("false")``) would hide bugs.
* Enums are open: known values become enum members, unknown strings stay plain ``str`` and are
  written back unchanged (the protocol requires clients to accept values added after their model).
* Timestamps are epoch seconds.  Decoding accepts integers, fractions and exponent forms and gives an
  aware UTC ``datetime``; encoding refuses naive datetimes and writes at most three fraction digits,
  computed with integer arithmetic and truncating sub-millisecond parts.
* JSON text is written ASCII-only (``\\uXXXX`` escapes) and compact, so every string a Python ``str``
  can hold, lone surrogates included, survives the round trip.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any, Final, TypeVar

import attrs
import cattrs

from cognito_spec.codec import timestamps as _ts
from cognito_spec.codec.compile import function_for
from cognito_spec.codec.violations import Violation, json_pointer
from cognito_spec.errors import ArgumentTypeError, DecodeError, EncodeError, WireTypeError
from cognito_spec.model import is_shape_class, members_of

__all__ = [
    "check_duplicates",
    "configure_converter",
    "decode_timestamp",
    "dumps",
    "encode_body",
    "encode_timestamp",
    "find_duplicates",
    "format_timestamp",
    "from_wire",
    "keys_unique",
    "loads",
    "make_converter",
    "parse_json",
    "to_wire",
]

T = TypeVar("T")


# --------------------------------------------------------------------------------------------------
# Timestamps (the arithmetic lives in codec.timestamps).


def encode_timestamp(value: datetime) -> int | float:
    """Epoch seconds of an aware datetime, truncated to milliseconds (see :mod:`.timestamps`).

    Raises :class:`EncodeError` for a naive datetime or a non-datetime.
    """
    try:
        return _ts.encode_timestamp(value)
    except (TypeError, ValueError) as exc:
        raise EncodeError(str(exc)) from None


def format_timestamp(value: datetime) -> str:
    """The decimal text the codec writes for a timestamp (``1682955829.578``)."""
    return json.dumps(encode_timestamp(value))


decode_timestamp = _ts.decode_timestamp


# --------------------------------------------------------------------------------------------------
# The converter.  The hooks are the functions codec.compile compiles from the metadata; cattrs dispatches.


def _structure_factory(cls: type) -> Callable[[Any, Any], Any]:
    build = function_for(cls, "build")

    def structure(value: Any, _: Any = None) -> Any:
        return build(value)

    return structure


def _unstructure_factory(cls: type) -> Callable[[Any], Any]:
    unbuild: Callable[[Any], Any] = function_for(cls, "unbuild")
    return unbuild


def configure_converter(conv: cattrs.BaseConverter) -> None:
    """Install the cognito_spec hook factories on ``conv``; it then (un)structures every generated class.

    The hooks raise :class:`cognito_spec.codec.compile.WireTypeError` (a ``TypeError``) on a wrong JSON type
    and :class:`~cognito_spec.errors.EncodeError` on an object that cannot be written.
    """
    conv.register_structure_hook_factory(is_shape_class, _structure_factory)
    conv.register_unstructure_hook_factory(is_shape_class, _unstructure_factory)


def make_converter() -> cattrs.Converter:
    """A new cattrs converter for the generated classes (the global converter is never touched)."""
    conv = cattrs.Converter()
    configure_converter(conv)
    return conv


#: The converter behind the module-level functions.
CONVERTER: Final = make_converter()


# --------------------------------------------------------------------------------------------------
# JSON framing.


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


_DECODER: Final = json.JSONDecoder(parse_constant=_reject_constant)
_PAIRS_DECODER: Final = json.JSONDecoder(parse_constant=_reject_constant, object_pairs_hook=_pairs)


def _body_text(body: bytes | bytearray | memoryview | str) -> str:
    if isinstance(body, str):
        return body
    if isinstance(body, bytes | bytearray | memoryview):
        try:
            return bytes(body).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DecodeError(
                "JSON body",
                [Violation((), "invalid_utf8", None, detail=f"invalid UTF-8 at byte {exc.start}")],
            ) from None
    raise ArgumentTypeError(f"a body is bytes or str, not {type(body).__name__}")


def _decode(text: str, decoder: json.JSONDecoder) -> Any:
    try:
        return decoder.decode(text)
    except json.JSONDecodeError as exc:
        detail = f"{exc.msg} at line {exc.lineno} column {exc.colno} (char {exc.pos})"
        raise DecodeError("JSON body", [Violation((), "malformed_json", None, detail=detail)]) from None
    except RecursionError:
        raise DecodeError(
            "JSON body", [Violation((), "malformed_json", None, detail="nesting too deep")]
        ) from None
    except ValueError as exc:  # NaN/Infinity, integers beyond the int digit limit
        raise DecodeError("JSON body", [Violation((), "malformed_json", None, detail=str(exc))]) from None


def parse_json(body: bytes | bytearray | memoryview | str, *, duplicates: bool = True) -> Any:
    """Parse a JSON body as the service would: UTF-8 only, no BOM, no NaN, no duplicate keys.

    Raises :class:`DecodeError` with a ``malformed_json``, ``invalid_utf8`` or ``duplicate_key``
    violation; the message never quotes the body (it may hold tokens).  ``duplicates=False`` skips
    the duplicate-key scan: the last value of a repeated key then wins, as with ``json.loads``.
    """
    text = _body_text(body)
    if not duplicates:
        return _decode(text, _DECODER)
    data = _decode(text, _PAIRS_DECODER)
    dups = find_duplicates(data)
    if dups:
        raise DecodeError("JSON body", dups)
    return data


def find_duplicates(data: Any) -> list[Violation]:
    """Duplicate-key violations of a value parsed with the pairs-aware decoder."""
    out: list[Violation] = []
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(data, ())]
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

    Why counting characters proves it (the counts run in C; a Python ``object_pairs_hook`` cost
    three times ``json.loads``):

    * Without backslashes in the text, every ``"`` opens or closes a string token, and every token
      is a key or a string value.  Parsing keeps each distinct key and every value it keeps, so
      ``2 * (keys + strings)`` equals the number of quotes exactly when nothing was dropped.
    * Otherwise colons decide: each key written is followed, outside strings, by white space and
      its own colon, so the colons bound the keys written.  Colons in values (``custom:tenant``)
      loosen that bound; a tighter one counts only ``":`` and white space before a colon (raw tabs
      and newlines only occur outside strings).
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
    return find_duplicates(_decode(text, _PAIRS_DECODER))


_ENCODER: Final = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False)
_ASCII_ENCODER: Final = json.JSONEncoder(separators=(",", ":"), ensure_ascii=True, allow_nan=False)
_SURROGATE_PAIR: Final = re.compile("[\ud800-\udbff][\udc00-\udfff]")


def to_wire(obj: Any) -> dict[str, Any]:
    """The wire dict of a generated object (exact member names, ``None`` omitted)."""
    unbuild = _UNBUILDERS.get(type(obj))
    if unbuild is None:
        if not is_shape_class(type(obj)):
            raise ArgumentTypeError(f"to_wire() takes a cognito_spec shape object, not {type(obj).__name__}")
        unbuild = _UNBUILDERS[type(obj)] = function_for(type(obj), "unbuild")
    out: dict[str, Any] = unbuild(obj)
    return out


def dumps(obj: Any) -> bytes:
    """The JSON body of a generated object: compact UTF-8, as the service writes it.

    Strings holding lone surrogates (a Python ``str`` can; UTF-8 cannot) are written with ``\\uXXXX``
    escapes instead, which JSON allows.  A high surrogate directly followed by a low one is refused
    with :class:`EncodeError`: every JSON reader would join the two escapes into one character, so
    the value could not come back as it was given.
    """
    return encode_body(to_wire(obj))


def encode_body(wire: Any) -> bytes:
    """JSON bytes of a wire value, by the rules of :func:`dumps` (compact UTF-8, surrogates escaped)."""
    text = _ENCODER.encode(wire)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        pass
    if _SURROGATE_PAIR.search(text):
        where = _find_surrogate_pair(wire, ())
        raise EncodeError(
            f"member {json_pointer(where)} holds a high surrogate followed by a low surrogate; JSON readers "
            "join them into one character, so the value cannot be written unchanged"
        )
    return _ASCII_ENCODER.encode(wire).encode("ascii")


def _find_surrogate_pair(value: Any, path: tuple[str | int, ...]) -> tuple[str | int, ...]:
    if isinstance(value, str):
        return path if _SURROGATE_PAIR.search(value) else ()
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        found = _find_surrogate_pair(item, (*path, key))
        if found:
            return found
    return ()


_UNBUILDERS: dict[type, Callable[[Any], Any]] = {}


def from_wire(data: Any, cls: type[T], *, strict: bool = False) -> T:
    """Decode a parsed wire value into ``cls``.

    Tolerant (default): unknown members are ignored and missing required members of responses read
    as ``None``, as a good SDK does; wrong JSON types still fail.  ``strict=True``: every constraint
    of the model is checked first and every violation is reported in one :class:`DecodeError`.
    """
    if not strict:
        return _build(data, cls)
    out: list[Violation] = []
    result: T = function_for(cls, "strict")(data, (), out, True, [0, 0])
    if out:
        raise DecodeError(cls.__name__, out)
    return result


def _build(data: Any, cls: type[T]) -> T:
    try:
        result: T = function_for(cls, "build")(data)
    except (WireTypeError, TypeError, ValueError, OverflowError, ArithmeticError) as exc:
        raise _diagnose(data, cls, exc) from None
    return result


def loads(body: bytes | bytearray | memoryview | str, cls: type[T], *, strict: bool = False) -> T:
    """Parse a JSON body and decode it into ``cls`` (see :func:`from_wire`).

    Strict decoding also reports malformed JSON, invalid UTF-8 and duplicate keys as violations.
    """
    text = _body_text(body)
    data = _decode(text, _DECODER)
    if not strict:
        return _build(data, cls)
    out: list[Violation] = []
    cnt = [0, 0]
    result: T = function_for(cls, "strict")(data, (), out, True, cnt)
    if out or not keys_unique(text, cnt[0], cnt[1]):
        out.extend(find_duplicates(_decode(text, _PAIRS_DECODER)))
    if out:
        raise DecodeError(cls.__name__, out)
    return result


def _diagnose(data: Any, cls: type, exc: BaseException) -> DecodeError:
    """Explain a failed tolerant decode with paths, from the checker's findings."""
    out: list[Violation] = []
    function_for(cls, "check")(data, (), out, False, [0, 0])
    fatal = [v for v in out if _is_fatal(cls, v)]
    if not fatal:  # pragma: no cover - the checker and the builder disagree: report what we know
        fatal = [Violation((), "type", cls.__name__, detail=f"{type(exc).__name__}: {exc}")]
    return DecodeError(cls.__name__, fatal)


def _is_fatal(cls: type, v: Violation) -> bool:
    """What breaks a tolerant decode: wrong types, impossible timestamps, mandatory members missing."""
    if v.kind in ("type", "timestamp_range"):
        return True
    if v.kind != "required" or len(v.path) != 1:
        return False
    for name, m in members_of(cls):
        if m.wire == v.path[0]:
            return attrs.fields_dict(cls)[name].default is attrs.NOTHING
    return False
