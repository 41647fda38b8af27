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
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import ROUND_FLOOR, Decimal, InvalidOperation
from typing import Any, Final, TypeVar

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from cognito_spec._check import Violation, checker_for, timestamp_ok
from cognito_spec._meta import Shape, is_shape_class, members_of, struct_info
from cognito_spec.errors import DecodeError, EncodeError

__all__ = [
    "configure_converter",
    "decode_timestamp",
    "dumps",
    "encode_timestamp",
    "format_timestamp",
    "from_wire",
    "loads",
    "make_converter",
    "parse_json",
    "to_wire",
]

T = TypeVar("T")

EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_MS: Final = timedelta(milliseconds=1)


# --------------------------------------------------------------------------------------------------
# Timestamps.


def encode_timestamp(value: datetime) -> int | float:
    """Epoch seconds of an aware datetime, truncated to milliseconds, as a JSON-ready number.

    Whole seconds give an ``int``.  Otherwise the result is ``ms / 1000``: Python divides integers
    with correct rounding, and every millisecond instant a ``datetime`` holds has at most 15
    significant digits, so the float's shortest ``repr`` is exactly the decimal ``s.fff`` (proven
    over the whole range by the tests).  No ``1e-05``, no ``...0.1369999``.
    """
    if type(value) is not datetime and not isinstance(value, datetime):
        raise EncodeError(f"a timestamp member needs a datetime, not {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise EncodeError(
            "naive datetime: timestamps must be timezone-aware (use datetime(..., tzinfo=UTC))"
        )
    delta = value - EPOCH
    ms = (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000
    if ms % 1000 == 0:
        return ms // 1000
    return ms / 1000


def format_timestamp(value: datetime) -> str:
    """The decimal text the codec writes for a timestamp (``1682955829.578``)."""
    return json.dumps(encode_timestamp(value))


def decode_timestamp(value: object) -> datetime:
    """An aware UTC datetime from epoch seconds (int, float, or Decimal); sub-microseconds floor."""
    t = type(value)
    if t is float:
        ms = round(value * 1000)  # type: ignore[operator]
        if ms / 1000 == value and timestamp_ok(value):
            # The float is the nearest double to a millisecond decimal: that decimal is exact.
            return EPOCH + timedelta(milliseconds=ms)
        if not timestamp_ok(value):
            raise ValueError("timestamp out of range")
        return _from_decimal(Decimal(repr(value)))
    if t is int:
        if not timestamp_ok(value):
            raise ValueError("timestamp out of range")
        return EPOCH + timedelta(seconds=value)  # type: ignore[arg-type]
    if t is Decimal:
        if not timestamp_ok(value):
            raise ValueError("timestamp out of range")
        return _from_decimal(value)  # type: ignore[arg-type]
    raise TypeError(f"a timestamp is a JSON number, not {type(value).__name__}")


def _from_decimal(value: Decimal) -> datetime:
    try:
        us = int((value * 1_000_000).to_integral_value(rounding=ROUND_FLOOR))
    except InvalidOperation:
        raise ValueError("timestamp is not a finite number") from None
    return EPOCH + timedelta(microseconds=us)


# --------------------------------------------------------------------------------------------------
# Leaf hooks: no coercion.


def _struct_str(value: Any, _: Any = None) -> str:
    if type(value) is str:
        return value
    if isinstance(value, str):
        return str.__str__(value)
    raise TypeError(f"expected a JSON string, got {type(value).__name__}")


def _struct_bool(value: Any, _: Any = None) -> bool:
    if value is True or value is False:
        return value
    raise TypeError(f"expected a JSON boolean, got {type(value).__name__}")


def _struct_int(value: Any, _: Any = None) -> int:
    if type(value) is int:
        return value
    raise TypeError(f"expected a JSON integer, got {type(value).__name__}")


def _struct_float(value: Any, _: Any = None) -> float:
    t = type(value)
    if t is float or t is int or t is Decimal:
        return float(value)
    if value in ("NaN", "Infinity", "-Infinity"):
        return float(value)
    raise TypeError(f"expected a JSON number, got {type(value).__name__}")


def _struct_blob(value: Any, _: Any = None) -> bytes:
    import base64  # noqa: PLC0415

    if type(value) is not str:
        raise TypeError(f"expected a base64 JSON string, got {type(value).__name__}")
    return base64.b64decode(value, validate=True)


def _struct_timestamp(value: Any, _: Any = None) -> datetime:
    return decode_timestamp(value)


def _enum_value(value: Any) -> str:
    return value if type(value) is str else str.__str__(value)


def _unstruct_blob(value: bytes) -> str:
    import base64  # noqa: PLC0415

    return base64.b64encode(value).decode("ascii")


def _unstruct_timestamp(value: datetime) -> int | float:
    return encode_timestamp(value)


# --------------------------------------------------------------------------------------------------
# Hooks per shape.


class _LazyStructure:
    """A structure hook resolved on first use, so mutually recursive shapes cannot loop."""

    __slots__ = ("cls", "conv", "hook")

    def __init__(self, conv: cattrs.Converter, cls: type) -> None:
        self.conv, self.cls = conv, cls
        self.hook: Callable[[Any, Any], Any] | None = None

    def __call__(self, value: Any, _: Any = None) -> Any:
        if self.hook is None:
            self.hook = self.conv.get_structure_hook(self.cls)
        return self.hook(value, self.cls)


def _target(shape: Shape) -> type:
    from cognito_spec.shapes import STRUCTURES  # noqa: PLC0415 - shapes import this package

    return STRUCTURES[shape.target or shape.name]


def _structure_hook(conv: cattrs.Converter, shape: Shape) -> Callable[[Any, Any], Any]:
    t = shape.type
    if t == "string":
        if shape.enum_class is not None:
            known: dict[str, Any] = dict(shape.enum_class._value2member_map_)  # type: ignore[attr-defined]

            def enum_hook(value: Any, _: Any = None) -> Any:
                if type(value) is str:
                    return known.get(value, value)
                return known.get(_struct_str(value), value)

            return enum_hook
        return _struct_str
    if t == "boolean":
        return _struct_bool
    if t in ("integer", "long"):
        return _struct_int
    if t in ("float", "double"):
        return _struct_float
    if t == "timestamp":
        return _struct_timestamp
    if t == "blob":
        return _struct_blob
    if t == "structure":
        return _LazyStructure(conv, _target(shape))
    if t == "list":
        assert shape.member is not None
        item = _structure_hook(conv, shape.member)

        def list_hook(value: Any, _: Any = None) -> tuple[Any, ...]:
            if type(value) is not list and not isinstance(value, list | tuple):
                raise TypeError(f"expected a JSON array, got {type(value).__name__}")
            return tuple([item(x, None) for x in value])

        return list_hook
    if t == "map":
        assert shape.key is not None and shape.value is not None
        key, val = _structure_hook(conv, shape.key), _structure_hook(conv, shape.value)

        def map_hook(value: Any, _: Any = None) -> dict[Any, Any]:
            if type(value) is not dict:
                raise TypeError(f"expected a JSON object, got {type(value).__name__}")
            return {key(k, None): val(v, None) for k, v in value.items()}

        return map_hook
    raise AssertionError(t)  # pragma: no cover


def _unstructure_hook(conv: cattrs.Converter, shape: Shape) -> Callable[[Any], Any] | None:
    """The hook for one shape, or None where the value is already JSON-ready."""
    t = shape.type
    if t == "string":
        return _enum_value if shape.enum_class is not None else None
    if t == "timestamp":
        return _unstruct_timestamp
    if t == "blob":
        return _unstruct_blob
    if t == "structure":
        cls = _target(shape)
        return lambda value: conv.get_unstructure_hook(cls)(value)
    if t == "list":
        assert shape.member is not None
        item = _unstructure_hook(conv, shape.member)
        if item is None:
            return list
        return lambda value: [item(x) for x in value]
    if t == "map":
        assert shape.value is not None
        val = _unstructure_hook(conv, shape.value)
        if val is None:
            return dict
        return lambda value: {k: val(v) for k, v in value.items()}
    return None


def _structure_factory(conv: cattrs.Converter) -> Callable[[type], Callable[[Any, Any], Any]]:
    def factory(cls: type) -> Callable[[Any, Any], Any]:
        overrides = {
            name: override(rename=m.wire, struct_hook=_structure_hook(conv, m.shape))
            for name, m in members_of(cls)
        }
        fn = make_dict_structure_fn(cls, conv, _cattrs_forbid_extra_keys=False, **overrides)  # type: ignore[arg-type]

        def structure(value: Any, _: Any = None) -> Any:
            if type(value) is not dict:
                raise TypeError(f"expected a JSON object, got {type(value).__name__}")
            return fn(value, cls)

        return structure

    return factory


def _unstructure_factory(conv: cattrs.Converter) -> Callable[[type], Callable[[Any], Any]]:
    def factory(cls: type) -> Callable[[Any], Any]:
        overrides = {}
        for name, m in members_of(cls):
            hook = _unstructure_hook(conv, m.shape)
            overrides[name] = override(rename=m.wire, unstruct_hook=hook) if hook else override(rename=m.wire)
        # Every optional member defaults to None, so "omit if default" omits exactly the Nones.
        fn = make_dict_unstructure_fn(cls, conv, _cattrs_omit_if_default=True, **overrides)  # type: ignore[arg-type]
        return fn

    return factory


def configure_converter(conv: cattrs.Converter) -> None:
    """Install the cognito_spec hook factories on ``conv`` (for every generated class, once)."""
    conv.register_structure_hook_factory(is_shape_class, _structure_factory(conv))
    conv.register_unstructure_hook_factory(is_shape_class, _unstructure_factory(conv))


def make_converter() -> cattrs.Converter:
    """A new cattrs converter for the generated classes."""
    conv = cattrs.Converter()
    configure_converter(conv)
    return conv


#: The converter behind the module-level functions.  Built once; never the global cattrs converter.
CONVERTER: Final = make_converter()


# --------------------------------------------------------------------------------------------------
# JSON framing.


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not a JSON value")


class _Dup(dict[str, Any]):
    """Marks objects that had a repeated key (keeps the last value, as json.loads does)."""

    __slots__ = ("dups",)


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    d = dict(pairs)
    if len(d) != len(pairs):
        seen: set[str] = set()
        marked = _Dup(d)
        marked.dups = [k for k, _ in pairs if k in seen or seen.add(k)]  # type: ignore[func-returns-value]
        return marked
    return d


_DECODER: Final = json.JSONDecoder(parse_constant=_reject_constant)
_STRICT_DECODER: Final = json.JSONDecoder(parse_constant=_reject_constant, object_pairs_hook=_pairs)


def parse_json(body: bytes | bytearray | memoryview | str, *, duplicates: bool = True) -> Any:
    """Parse a JSON body as the service would: UTF-8 only, no BOM, no NaN, no duplicate keys.

    Raises :class:`DecodeError` with a ``malformed_json``, ``invalid_utf8`` or ``duplicate_key``
    violation.  The message never quotes the body (it may hold tokens).  ``duplicates=False`` skips
    the duplicate-key scan (then the last value of a repeated key wins silently, as with json.loads).
    """
    if isinstance(body, bytes | bytearray | memoryview):
        try:
            text = bytes(body).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DecodeError(
                "JSON body", [Violation((), "invalid_utf8", None, detail=f"invalid UTF-8 at byte {exc.start}")]
            ) from None
    elif isinstance(body, str):
        text = body
    else:
        raise TypeError(f"a body is bytes or str, not {type(body).__name__}")
    try:
        data = (_STRICT_DECODER if duplicates else _DECODER).decode(text)
    except json.JSONDecodeError as exc:
        detail = f"{exc.msg} at line {exc.lineno} column {exc.colno} (char {exc.pos})"
        raise DecodeError("JSON body", [Violation((), "malformed_json", None, detail=detail)]) from None
    except RecursionError:
        raise DecodeError(
            "JSON body", [Violation((), "malformed_json", None, detail="nesting too deep")]
        ) from None
    except ValueError as exc:  # NaN/Infinity, integers beyond the int digit limit
        raise DecodeError("JSON body", [Violation((), "malformed_json", None, detail=str(exc))]) from None
    if duplicates:
        dups = _find_duplicates(data, ())
        if dups:
            raise DecodeError("JSON body", dups)
    return data


def _find_duplicates(data: Any, path: tuple[str | int, ...]) -> list[Violation]:
    out: list[Violation] = []
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(data, path)]
    while stack:
        node, p = stack.pop()
        if type(node) is _Dup:
            out.extend(Violation((*p, k), "duplicate_key", None) for k in node.dups)
        if isinstance(node, dict):
            stack.extend((v, (*p, k)) for k, v in node.items() if isinstance(v, dict | list))
        elif isinstance(node, list):
            stack.extend((v, (*p, i)) for i, v in enumerate(node) if isinstance(v, dict | list))
    return out


_ENCODER: Final = json.JSONEncoder(separators=(",", ":"), ensure_ascii=True, allow_nan=False)


def to_wire(obj: Any) -> dict[str, Any]:
    """The wire dict of a generated object (exact member names, Nones omitted)."""
    if not is_shape_class(type(obj)):
        raise TypeError(f"to_wire() takes a cognito_spec shape object, not {type(obj).__name__}")
    out: dict[str, Any] = CONVERTER.unstructure(obj)
    return out


def dumps(obj: Any) -> bytes:
    """The JSON body of a generated object, as the service writes it (compact, UTF-8/ASCII)."""
    return _ENCODER.encode(to_wire(obj)).encode("ascii")


def from_wire(data: Any, cls: type[T], *, strict: bool = False) -> T:
    """Decode a parsed wire value into ``cls``.

    Tolerant (default): unknown members are ignored and missing required members of responses read
    as None, as a good SDK does; wrong JSON types still fail.  ``strict=True``: every constraint of
    the model is checked first and every violation is reported in one :class:`DecodeError`.
    """
    if strict:
        out: list[Violation] = []
        checker_for(cls)(data, (), out, True)
        if out:
            raise DecodeError(cls.__name__, out)
    try:
        result: T = CONVERTER.structure(data, cls)
    except DecodeError:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure is re-diagnosed with paths below
        raise _diagnose(data, cls, exc) from None
    return result


def loads(body: bytes | bytearray | memoryview | str, cls: type[T], *, strict: bool = False) -> T:
    """Parse a JSON body and decode it into ``cls`` (see :func:`from_wire`)."""
    return from_wire(parse_json(body, duplicates=strict), cls, strict=strict)


_FATAL_IN_TOLERANT: Final = frozenset({"type", "timestamp_range", "required"})


def _diagnose(data: Any, cls: type, exc: BaseException) -> DecodeError:
    """Explain a failed tolerant decode with paths, using the strict checker's findings."""
    out: list[Violation] = []
    checker_for(cls)(data, (), out, False)
    fatal = [v for v in out if v.kind in _FATAL_IN_TOLERANT and _is_fatal(cls, v)]
    if not fatal:  # pragma: no cover - the checker and the hooks disagree: report what we know
        fatal = [Violation((), "type", cls.__name__, detail=f"{type(exc).__name__}: {exc}")]
    return DecodeError(cls.__name__, fatal)


def _is_fatal(cls: type, v: Violation) -> bool:
    """Only members without a default (required members of input shapes) break a tolerant decode."""
    if v.kind != "required":
        return True
    if len(v.path) != 1:
        return False
    for name, m in members_of(cls):
        if m.wire == v.path[0]:
            return attrs.fields_dict(cls)[name].default is attrs.NOTHING
    return False


def role_of(cls: type) -> str | None:
    info = struct_info(cls)
    return info.role if info else None
