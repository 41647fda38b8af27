"""The bytes of a token's segments: base64url without padding around JSON written as the service writes it.

Reading is strict, so that one token has one reading and a tampered byte can never go unnoticed:

* A segment is base64url (``A-Z a-z 0-9 - _``) without padding, in its canonical form only.  Base64
  leaves up to four bits unused in the last character; a decoder that ignores them accepts four
  spellings of one signature, and flipping such a bit would leave the token "valid".  A segment is
  accepted only when re-encoding its bytes gives the segment back.
* The JSON is UTF-8, one object, with no duplicate member (two parsers could each pick a different
  ``token_use``), no ``NaN``/``Infinity``, and every problem (bad UTF-8, nesting too deep, a number
  of 5000 digits) becomes a :class:`TokenFormatError`.
* A token is at most :data:`MAX_TOKEN_CHARS` characters; anything longer is refused before any
  decoding, so the work per token is bounded.

Writing follows the bytes of the service's tokens (section 5 of the research notes): compact JSON,
members in the order given, integers as plain digits, and ``/`` escaped as ``\\/`` (verified, also
inside ``kid``).  [I] The other escapes are those of the json-smart library, whose ``\\/`` habit the
service shares: ``"`` ``\\`` and ``\\b \\f \\n \\r \\t`` by name; U+0000-U+001F, U+007F-U+009F and
U+2000-U+20FF as ``\\uXXXX`` (upper-case hex); every other character as itself, in UTF-8.  No
captured token shows a character outside ASCII, so only ``/`` is proven.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any, Final

from cognito_spec.errors import ArgumentValueError, TokenFormatError

__all__ = [
    "MAX_TOKEN_CHARS",
    "b64url_decode",
    "b64url_encode",
    "json_segment",
    "read_json_object",
    "write_json",
]

#: The longest token this library reads (characters).  [I] Not a service limit: real access and ID
#: tokens are 1-4 KB (more with many groups or attributes); 64 KiB leaves room and bounds the work.
MAX_TOKEN_CHARS: Final = 64 * 1024

_B64URL: Final = re.compile(r"[A-Za-z0-9_-]*")


def b64url_encode(data: bytes) -> str:
    """``data`` as base64url without padding."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(segment: str, *, part: str) -> bytes:
    """The bytes of one canonical base64url segment; ``part`` names it in the error ("header", ...)."""
    if len(segment) % 4 == 1 or _B64URL.fullmatch(segment) is None:
        raise TokenFormatError(f"the {part} is not base64url without padding")
    try:
        raw = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError):  # pragma: no cover - the pattern above rules these out
        raise TokenFormatError(f"the {part} is not base64url without padding") from None
    if b64url_encode(raw) != segment:
        raise TokenFormatError(f"the {part} is not in canonical base64url (unused bits are set)")
    return raw


def _no_constant(name: str) -> Any:
    raise ValueError(name)


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        raise _Duplicate
    return out


class _Duplicate(Exception):
    pass


def read_json_object(raw: bytes, *, part: str) -> dict[str, Any]:
    """The JSON object in ``raw``, strictly (see the module docstring); members keep their order."""
    try:
        text = raw.decode("utf-8")
        value = json.loads(text, object_pairs_hook=_object, parse_constant=_no_constant)
    except _Duplicate:
        raise TokenFormatError(f"the {part} has a member twice") from None
    except (UnicodeDecodeError, ValueError, RecursionError):
        # ValueError covers JSONDecodeError, NaN/Infinity and integers beyond int's digit limit.
        raise TokenFormatError(f"the {part} is not JSON in UTF-8") from None
    if type(value) is not dict:
        raise TokenFormatError(f"the {part} is not a JSON object")
    return value


# --------------------------------------------------------------------------------------------------
# Writing.


def _escape_table() -> dict[int, str]:
    table = {ord('"'): '\\"', ord("\\"): "\\\\", ord("/"): "\\/"}
    table.update({8: "\\b", 12: "\\f", 10: "\\n", 13: "\\r", 9: "\\t"})
    for lo, hi in ((0x00, 0x1F), (0x7F, 0x9F), (0x2000, 0x20FF)):
        for c in range(lo, hi + 1):
            table.setdefault(c, f"\\u{c:04X}")
    return table


_ESCAPES: Final = _escape_table()


def _write(value: Any, out: list[str], depth: int) -> None:
    if depth > 64:
        raise ArgumentValueError("a claim value is nested more than 64 levels deep")
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, str):
        out.append('"' + value.translate(_ESCAPES) + '"')
    elif isinstance(value, int):
        out.append(str(int(value)))
    elif isinstance(value, float):
        # [I] The service writes no fractional claim; a float from a capture keeps Python's form.
        out.append(json.dumps(value, allow_nan=False))
    elif isinstance(value, Mapping):
        out.append("{")
        for i, (key, item) in enumerate(value.items()):
            if not isinstance(key, str):
                raise ArgumentValueError("a claim name is not a string")
            out.append(("," if i else "") + '"' + key.translate(_ESCAPES) + '":')
            _write(item, out, depth + 1)
        out.append("}")
    elif isinstance(value, Sequence) and not isinstance(value, bytes | bytearray):
        out.append("[")
        for i, item in enumerate(value):
            if i:
                out.append(",")
            _write(item, out, depth + 1)
        out.append("]")
    else:
        raise ArgumentValueError(f"a claim value of type {type(value).__name__} has no JSON form")


def write_json(value: Mapping[str, Any]) -> bytes:
    """``value`` as the service writes a token's JSON (compact, ``\\/``, members in the given order)."""
    out: list[str] = []
    try:
        _write(value, out, 0)
        return "".join(out).encode("utf-8")
    except (ValueError, UnicodeEncodeError) as err:  # a lone surrogate, NaN
        if isinstance(err, ArgumentValueError):
            raise
        raise ArgumentValueError("a claim value has no JSON form in UTF-8") from None


def json_segment(value: Mapping[str, Any]) -> str:
    """One token segment: :func:`write_json` of ``value`` in base64url."""
    return b64url_encode(write_json(value))
