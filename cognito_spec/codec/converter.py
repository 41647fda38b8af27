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
* Bodies are read and written by :mod:`cognito_spec.codec.body` (the one body policy): compact
  UTF-8, lone surrogates as ``\\uXXXX`` escapes, so every string a Python ``str`` can hold survives
  the round trip.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final, Literal, TypeVar

import attrs

from cognito_spec.codec import timestamps as _ts
from cognito_spec.codec.body import (
    MAX_DEPTH,
    MISS,
    ORJSON,
    Body,
    body_text,
    count_opening,
    decode_text,
    encode_body,
    encode_built,
    find_duplicates,
    keys_unique,
    quick_body,
    quick_value,
    quick_value_unguarded,
)
from cognito_spec.codec.body import fast_value as _fast_value
from cognito_spec.codec.body import fast_value_unguarded as _fast_value_unguarded
from cognito_spec.codec.compile import function_for
from cognito_spec.codec.reach import reaches_document, reaches_float, wire_depth
from cognito_spec.codec.violations import Violation
from cognito_spec.errors import ArgumentTypeError, DecodeError, EncodeError, WireTypeError
from cognito_spec.model import is_shape_class, members_of

if TYPE_CHECKING:
    import cattrs

__all__ = [
    "configure_converter",
    "decode_timestamp",
    "dumps",
    "encode_timestamp",
    "format_timestamp",
    "from_wire",
    "loads",
    "make_converter",
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
        try:
            return build(value)
        except _BUILD_ERRORS as exc:
            # The builder only knows the member it stopped at; the checker's diagnosis has every
            # path, and describes values as the violations do (sensitive ones never quoted).
            diagnosis = _diagnose(value, cls, exc)
            raise WireTypeError(str(diagnosis)) from diagnosis

    return structure


def _unstructure_factory(cls: type) -> Callable[[Any], Any]:
    unbuild: Callable[[Any], Any] = function_for(cls, "unbuild")
    return unbuild


def configure_converter(conv: cattrs.BaseConverter) -> None:
    """Install the cognito_spec hook factories on ``conv``; it then (un)structures every generated class.

    A structure hook raises :class:`~cognito_spec.errors.WireTypeError` (a ``TypeError``) for wire
    data that does not decode: a wrong JSON type, a missing mandatory member, a timestamp no
    ``datetime`` holds.  Its message lists every such problem with its JSON pointer (sensitive
    values never quoted), and its ``__cause__`` is the :class:`~cognito_spec.errors.DecodeError`
    holding them as violations.  An unstructure hook raises :class:`~cognito_spec.errors.EncodeError`.
    cattrs' own container hooks (``list[AttributeType]``) gather what these raise into their
    ``BaseValidationError`` group, as they do for any hook; ``cattrs.transform_error`` reads it.
    """
    conv.register_structure_hook_factory(is_shape_class, _structure_factory)
    conv.register_unstructure_hook_factory(is_shape_class, _unstructure_factory)


def make_converter() -> cattrs.Converter:
    """A new cattrs converter for the generated classes (the global converter is never touched)."""
    # Imported here: the codec's own functions call the compiled functions directly, so a process
    # that never makes a converter (the CLI, an emulator) does not pay cattrs' import (~11 ms).
    import cattrs

    conv = cattrs.Converter()
    configure_converter(conv)
    return conv


# --------------------------------------------------------------------------------------------------
# Objects to wire values and back (bodies are read and written by codec.body).


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
    wire = to_wire(obj)
    if type(obj) in _PLAIN_NUMBERS:
        return encode_built(wire)
    if reaches_float(type(obj)):  # a float or double member: orjson may write its digits otherwise
        return encode_body(wire)
    _PLAIN_NUMBERS.add(type(obj))
    return encode_built(wire)


#: Classes whose wire values hold no float but timestamps (what codec.body.encode_built needs).
_PLAIN_NUMBERS: set[type] = set()


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


#: What a builder may raise on bad wire data: WireTypeError from its type tests; TypeError and
#: ValueError from decode_timestamp, which it calls directly (no wrapper frame on the hot path);
#: OverflowError from arithmetic on numbers (``float(10**400)``).  Each becomes a library error with paths.
_BUILD_ERRORS: Final = (WireTypeError, TypeError, ValueError, OverflowError, ArithmeticError)


def _build(data: Any, cls: type[T]) -> T:
    try:
        fn = _BUILD[cls]
    except (KeyError, TypeError):
        fn = _function(cls, "build")
    try:
        result: T = fn(data)
    except _BUILD_ERRORS as exc:
        raise _diagnose(data, cls, exc) from None
    return result


#: Per class, what ``loads`` needs: (strict function, the fast path may parse its bodies, its wire
#: depth is bounded by MAX_DEPTH) and (build function, the fast path may parse its bodies).
_STRICT_PLAN: dict[Any, tuple[Callable[..., Any], bool, bool]] = {}
_BUILD_PLAN: dict[Any, tuple[Callable[..., Any], bool]] = {}


def _strict_plan(cls: Any) -> tuple[Callable[..., Any], bool, bool] | None:
    if not is_shape_class(cls):
        return None
    depth = wire_depth(cls)
    plan = _STRICT_PLAN[cls] = (
        _function(cls, "strict"),
        not reaches_document(cls),  # fast path: see codec.reach
        depth is not None and depth <= MAX_DEPTH,
    )
    return plan


def _build_plan(cls: Any) -> tuple[Callable[..., Any], bool] | None:
    if not is_shape_class(cls):
        return None
    plan = _BUILD_PLAN[cls] = (_function(cls, "build"), not reaches_document(cls))
    return plan


def loads(body: Body, cls: type[T], *, strict: bool = False) -> T:
    """Parse a JSON body and decode it into ``cls`` (see :func:`from_wire`).

    Strict decoding also reports malformed JSON, invalid UTF-8 and duplicate keys as violations.
    """
    # The fast path (orjson, when on) answers only when it is sure: no violation, no builder error,
    # uniqueness of keys proven.  Everything else is decided on the stdlib's parse, so the result
    # (value or exception) is the same with or without orjson.  See codec.body.
    if strict:
        try:
            plan = _STRICT_PLAN[cls]
        except (KeyError, TypeError):  # the first call for cls, or cls is not even hashable
            first = _strict_plan(cls)
            if first is None:
                return _loads_not_a_class(body, cls, "strict")  # type: ignore[no-any-return]
            plan = first
        fn, fast, bounded = plan
        oloads = ORJSON.loads
        if fast and bounded and oloads is not None and type(body) is bytes:
            # The common case inline: _loads_strict's fast path without its three Python calls
            # (fast_value_unguarded, keys_unique's backslash-free test on bytes, _loads_strict
            # itself), 0.03 x json.loads on the AdminGetUser response.  Anything unproven is
            # decided by _loads_strict on the stdlib's parse, as before.
            try:
                data = oloads(body)
            except ORJSON.error:
                pass
            else:
                out: list[Violation] = []
                cnt = [0, 0]
                # len(body): no string or list in data is longer, so length bounds above it pass.
                checked: T = fn(data, (), out, True, cnt, len(body))
                if not out and (
                    body.count(b'"') == 2 * (cnt[0] + cnt[1])
                    if 0x5C not in body
                    else keys_unique(body, cnt[0], cnt[1])
                ):
                    return checked
            return _loads_strict(body, cls, fn, False, bounded)
        return _loads_strict(body, cls, fn, fast, bounded)
    try:
        build, fast = _BUILD_PLAN[cls]
    except (KeyError, TypeError):
        tplan = _build_plan(cls)
        if tplan is None:
            return _loads_not_a_class(body, cls, "build")  # type: ignore[no-any-return]
        build, fast = tplan
    oloads = ORJSON.loads
    if fast and oloads is not None:  # the attribute test saves a call when orjson is off
        if type(body) is bytes:  # fast_value inline (its nesting bound on the bytes: see there)
            if len(body) <= _TWICE_DEPTH or count_opening(body, MAX_DEPTH) <= MAX_DEPTH:
                try:
                    data = oloads(body)
                except ORJSON.error:
                    data = MISS
            else:
                data = MISS
        else:
            data = _fast_value(body)
        if data is not MISS:
            try:
                built: T = build(data)
                return built
            except _BUILD_ERRORS:
                pass
    data = quick_body(body)  # a bytes body in one call; anything else, or MISS, below
    if data is MISS:
        text = body_text(body)
        data = quick_value(text)
        if data is MISS:
            data = decode_text(text)  # raises the policy's DecodeError
    try:
        result: T = build(data)
    except _BUILD_ERRORS as exc:
        raise _diagnose(data, cls, exc) from None
    return result


#: A text this short nests at most MAX_DEPTH deep, whatever it holds (see codec.body._too_deep).
_TWICE_DEPTH: Final = 2 * MAX_DEPTH


def _loads_strict(body: Body, cls: type[T], fn: Callable[..., Any], fast: bool, bounded: bool) -> T:
    # bounded: a value the strict function passes without a violation nests at most MAX_DEPTH deep
    # (codec.reach.wire_depth), so the bracket count guarding the parser is left out and asked only
    # once a violation is found (decode_text asks it before the duplicate scan, and raises).
    out: list[Violation] = []
    cnt = [0, 0]
    if fast:
        data = _fast_value_unguarded(body) if bounded else _fast_value(body)
        if data is not MISS:
            result: T = fn(data, (), out, True, cnt)
            if not out and keys_unique(body, cnt[0], cnt[1]):  # type: ignore[arg-type]
                return result
            out = []
            cnt = [0, 0]
    text = body_text(body)
    data = quick_value_unguarded(text) if bounded else quick_value(text)
    if data is MISS:
        data = decode_text(text)  # raises the policy's DecodeError
    result = fn(data, (), out, True, cnt)
    if out or not keys_unique(text, cnt[0], cnt[1]):
        out.extend(find_duplicates(decode_text(text, pairs=True)))  # too deep: raises, as above
    if out:
        raise DecodeError(cls.__name__, out)
    return result


def _loads_not_a_class(body: Body, cls: Any, mode: Literal["strict", "build"]) -> Any:
    """``loads`` for a ``cls`` that is no shape class: the body's own error first, as for a class,
    then function_for's ArgumentTypeError."""
    text = body_text(body)
    if quick_value(text) is MISS:
        decode_text(text)
    _function(cls, mode)
    raise ArgumentTypeError(f"{cls!r} is not a cognito_spec shape class")  # pragma: no cover


#: The strict and build functions by class: one dict lookup on the hot path (function_for's cache
#: is keyed by (class, mode) and guards against unhashable arguments).
_STRICT: dict[Any, Callable[..., Any]] = {}
_BUILD: dict[Any, Callable[..., Any]] = {}
_BY_MODE: Final = {"strict": _STRICT, "build": _BUILD}


def _function(cls: Any, mode: Literal["strict", "build"]) -> Callable[..., Any]:
    fn = function_for(cls, mode)  # raises ArgumentTypeError for what is not a shape class
    _BY_MODE[mode][cls] = fn
    return fn


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
