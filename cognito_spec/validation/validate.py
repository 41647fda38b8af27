"""Validation of wire data against a shape of the model: every violation, bad bodies included.

:func:`validate` runs the checker compiled from the field metadata (:mod:`cognito_spec.codec.compile`,
the same machinery as strict decoding) and returns every :class:`~cognito_spec.codec.violations.Violation`;
bad bodies (malformed JSON, invalid UTF-8, a byte-order mark, duplicate keys, NaN) are violations
too, never exceptions.  What the service makes of violations lives next door: the message text in
:mod:`cognito_spec.validation.messages`, the error it answers in :mod:`cognito_spec.validation.answers`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

import attrs

from cognito_spec.codec import body
from cognito_spec.codec.compile import Checker, function_for
from cognito_spec.codec.reach import wire_depth
from cognito_spec.codec.violations import Violation
from cognito_spec.errors import ArgumentTypeError, ArgumentValueError, DecodeError
from cognito_spec.model import is_shape_class

__all__ = ["Mode", "validate"]

Mode = Literal["strict", "tolerant"]

_BYTES = (bytes, bytearray, memoryview, str)

#: Per shape class: its compiled checker, and whether its wire depth is bounded by body.MAX_DEPTH.
_PLAN: dict[type, tuple[Checker, bool]] = {}


def validate(data: Any, cls: type, *, mode: Mode = "strict", reveal: bool = False) -> list[Violation]:
    """Every violation of ``data`` against ``cls``; an empty list when it is valid.

    ``data`` is a body (``bytes``, ``str``) or an already-parsed value.  ``mode="strict"`` reports
    every model constraint, unknown members, wrong types and missing required members as errors;
    ``mode="tolerant"`` accepts what a well-behaved client accepts: unknown members, unknown enum
    values and repeated keys (a JSON parser keeps the last) become warnings.  Problems of the body
    itself (invalid UTF-8, malformed JSON, a byte-order mark, NaN/Infinity, nesting too deep) are
    one violation at the root, never an exception.

    Sensitive values never leave this function unless ``reveal=True``: the ``value`` of a violation
    of a sensitive member is replaced by an empty value of the same JSON type (``""``, ``0``, ``[]``,
    ``{}``), so describing it stays truthful about the type and silent about the content.
    """
    strict = mode == "strict"
    if not strict and mode != "tolerant":
        raise ArgumentValueError(f"mode is 'strict' or 'tolerant', not {mode!r}")
    try:
        check, bounded = _PLAN[cls]
    except (KeyError, TypeError):
        if not is_shape_class(cls):
            raise ArgumentTypeError(f"validate() takes a cognito_spec shape class, not {cls!r}") from None
        depth = wire_depth(cls)
        check, bounded = _PLAN[cls] = (
            function_for(cls, "check"),
            depth is not None and depth <= body.MAX_DEPTH,
        )
    text: str | None = None
    if type(data) is bytes or isinstance(data, _BYTES):
        # The fast path (orjson, when on) answers only "valid": no violation, keys proven unique.
        # Anything else is decided below on the stdlib's parse, so the answer is the same without it.
        # bounded: a value the checker passes without a violation (a warning included) nests at most
        # MAX_DEPTH deep (codec.reach.wire_depth), so the parser's bracket count is left out, and
        # asked once a violation is found (decode_text asks it before the duplicate scan).
        if type(data) is bytes and bounded and body.ORJSON.loads is not None:
            # The common case, without the two Python calls of the general one (fast_value_unguarded
            # and keys_unique, whose backslash-free test on bytes is the one written here): 0.05 x
            # json.loads on the AdminGetUser response.
            try:
                fast = body.ORJSON.loads(data)
            except body.ORJSON.error:
                fast = body.MISS
        else:
            fast = body.fast_value_unguarded(data) if bounded else body.fast_value(data)
        if fast is not body.MISS:
            out: list[Violation] = []
            cnt = [0, 0]
            check(fast, (), out, strict, cnt)
            if not out and (
                data.count(b'"') == 2 * (cnt[0] + cnt[1])
                if type(data) is bytes and 0x5C not in data
                else body.keys_unique(data, cnt[0], cnt[1])  # type: ignore[arg-type]
            ):
                return out
        try:
            text = body.body_text(data)
            if text.startswith("\ufeff"):
                # Senders must not add a byte-order mark (RFC 8259 section 8.1); no SDK does.
                detail = "byte-order mark before the JSON text"
                return [Violation((), "malformed_json", None, detail=detail)]
            data = body.quick_value_unguarded(text) if bounded else body.quick_value(text)
            if data is body.MISS:
                data = body.decode_text(text)
        except DecodeError as exc:
            return list(exc.violations)
    out = []
    cnt = [0, 0]
    check(data, (), out, strict, cnt)
    if text is not None and (out or not body.keys_unique(text, cnt[0], cnt[1])):
        try:
            dups = body.find_duplicates(body.decode_text(text, pairs=True))
        except DecodeError as exc:  # nesting too deep (the bounded parse above did not ask)
            return list(exc.violations)
        out.extend(dups if strict else [attrs.evolve(v, severity="warning") for v in dups])
    if not reveal:
        out = [_conceal(v) if v.sensitive or v.holds_secret else v for v in out]
    return out


def _conceal(v: Violation) -> Violation:
    return attrs.evolve(v, value=_empty_like(v.value))


def _empty_like(value: Any) -> Any:
    if value is None or value is True or value is False:
        return value
    if isinstance(value, str):
        return ""
    if isinstance(value, int | float | Decimal):
        return 0
    if isinstance(value, list | tuple):
        return []
    if isinstance(value, dict):
        return {}
    return None
