"""Redaction of a wire value: every member the model marks sensitive replaced by a mask."""

from __future__ import annotations

from typing import Any, Final

from cognito_spec.errors import (
    ArgumentTypeError,
)
from cognito_spec.model import Shape, is_shape_class, members_of

__all__ = ["REDACTED", "redact"]

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
