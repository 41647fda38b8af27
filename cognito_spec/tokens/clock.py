"""What "now" is when a token is issued or judged: an aware datetime or epoch seconds, as a number."""

from __future__ import annotations

import math
from datetime import datetime

from cognito_spec.errors import ArgumentTypeError, ArgumentValueError

__all__ = ["epoch_seconds"]


def epoch_seconds(now: datetime | float) -> float:
    """``now`` as epoch seconds: an aware datetime, or a number of seconds (int or finite float)."""
    if isinstance(now, datetime):
        if now.tzinfo is None or now.utcoffset() is None:
            raise ArgumentValueError("now must be an aware datetime (with a tzinfo), not a naive one")
        return now.timestamp()
    if isinstance(now, bool) or not isinstance(now, int | float):
        raise ArgumentTypeError(f"now is an aware datetime or epoch seconds, not {type(now).__name__}")
    if isinstance(now, float) and not math.isfinite(now):
        raise ArgumentValueError("now must be a finite number of seconds")
    return now
