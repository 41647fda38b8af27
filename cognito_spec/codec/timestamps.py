"""Epoch-second timestamps, exactly.

The wire carries timestamps as JSON numbers of seconds since the epoch: integers, fractions or
exponent forms (the service writes ``1.682955829578E9``).  Decoding gives an aware UTC ``datetime``;
encoding writes at most three fraction digits (the protocol's millisecond precision, sub-millisecond
parts truncated) from integer arithmetic.

Exactness argument, checked over the whole ``datetime`` range by the tests:

* Encoding: ``ms / 1000`` divides two integers with correct rounding, and every millisecond instant a
  ``datetime`` holds has at most 15 significant decimal digits, so the float's shortest ``repr`` (what
  ``json`` writes) is exactly the decimal ``s.fff``.  Whole seconds are written as integers.
* Decoding a float: between -2**32 and 2**32 seconds (years 1833 to 2106) a double is closer than
  half a microsecond to the decimal it was parsed from, so ``datetime.fromtimestamp`` (which rounds
  to the nearest microsecond) returns exactly the instant the wire wrote, to the microsecond.
  Outside that window the float's shortest ``repr`` is turned into a ``Decimal`` and rounded to the
  nearest microsecond (half to even); millisecond values are exact there too.
* Finer digits than a microsecond cannot be held by ``datetime``; they are rounded to the nearest
  microsecond, the same rule on both paths.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any, Final

__all__ = [
    "EPOCH",
    "FLOAT_WINDOW",
    "TIMESTAMP_MAX",
    "TIMESTAMP_MIN",
    "decode_timestamp",
    "encode_timestamp",
    "timestamp_ok",
]

EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
#: Epoch seconds a ``datetime`` can hold: ``TIMESTAMP_MIN <= t < TIMESTAMP_MAX``.
TIMESTAMP_MIN: Final = -62135596800
TIMESTAMP_MAX: Final = 253402300800

#: Floats strictly inside (-FLOAT_WINDOW, FLOAT_WINDOW) decode as ``datetime.fromtimestamp(value, UTC)``
#: exactly (see the module docstring); the compiled builders inline that test and call.
FLOAT_WINDOW: Final = float(2**32)
_FAST: Final = FLOAT_WINDOW
_fromtimestamp = datetime.fromtimestamp


def timestamp_ok(value: Any) -> bool:
    """True for a JSON number a ``datetime`` can hold (booleans are not numbers)."""
    t = type(value)
    if t is float or t is int:
        return bool(TIMESTAMP_MIN <= value < TIMESTAMP_MAX)  # NaN compares False
    if t is Decimal:
        return bool(value.is_finite() and TIMESTAMP_MIN <= value < TIMESTAMP_MAX)
    return False


def decode_timestamp(value: Any) -> datetime:
    """An aware UTC datetime from epoch seconds (int, float or Decimal).

    Raises ``TypeError`` for anything but a number and ``ValueError`` outside what a datetime holds.
    """
    t = type(value)
    if t is float:
        if -_FAST < value < _FAST:
            result: datetime = _fromtimestamp(value, UTC)
            return result
        if not (TIMESTAMP_MIN <= value < TIMESTAMP_MAX):
            raise ValueError("timestamp outside what a datetime holds")
        return _from_decimal(Decimal(repr(value)))
    if t is int:
        if not (TIMESTAMP_MIN <= value < TIMESTAMP_MAX):
            raise ValueError("timestamp outside what a datetime holds")
        return EPOCH + timedelta(0, value)
    if t is Decimal:
        if not timestamp_ok(value):
            raise ValueError("timestamp outside what a datetime holds")
        return _from_decimal(value)
    raise TypeError(f"a timestamp is a JSON number, not {type(value).__name__}")


def _from_decimal(value: Decimal) -> datetime:
    try:
        us = int((value * 1_000_000).to_integral_value(rounding=ROUND_HALF_EVEN))
    except InvalidOperation:  # pragma: no cover - timestamp_ok already refused non-finite values
        raise ValueError("timestamp is not a finite number") from None
    return EPOCH + timedelta(0, 0, us)


def encode_timestamp(value: datetime) -> int | float:
    """Epoch seconds of an aware datetime, truncated to milliseconds, as a JSON-ready number.

    Raises ``TypeError`` for a non-datetime and ``ValueError`` for a naive one.
    """
    if not isinstance(value, datetime):
        raise TypeError(f"a timestamp member needs a datetime, not {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("naive datetime: timestamps must be timezone-aware (datetime(..., tzinfo=UTC))")
    delta = value - EPOCH
    ms = (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000
    if ms % 1000 == 0:
        return ms // 1000
    return ms / 1000


def format_ms(ms: int) -> str:
    """The decimal text of a millisecond count, by integer arithmetic alone (for tests and docs)."""
    sign = "-" if ms < 0 else ""
    whole, frac = divmod(abs(ms), 1000)
    if frac == 0:
        return f"{sign}{whole}"
    return f"{sign}{whole}.{frac:03d}".rstrip("0")
