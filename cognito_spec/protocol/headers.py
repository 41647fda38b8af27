"""THE header rule: header input of any form turned, once, into the form the rest of the library reads.

Servers hand headers over in many shapes: h11 and ASGI give ``(bytes, bytes)`` pairs, WSGI gives
``str``, frameworks give mappings, JSON-lines records give two-item lists.  Everything that reads
headers (routing in :func:`cognito_spec.protocol.server.parse_request`, error codes in
:func:`cognito_spec.protocol.envelope.parse_error`, the capture checks) goes through this module, as
h11 runs every header through ``normalize_and_validate`` at its edge, so the rule below holds
everywhere and is written once:

* **Names are case-insensitive** (RFC 9110 section 5.1) and are lower-cased, ASCII letters only.  A
  field name is a token, which is ASCII; folding with ``str.lower`` would turn the Kelvin sign
  ``\\u212a`` into ``k`` and let a name that is not a token match one that is.
* **Bytes are ISO-8859-1** (RFC 9110 section 5.5: field values are octets, and the historical
  encoding is Latin-1).  Decoding as Latin-1 never fails and maps each byte to one character, so a
  hostile header can neither crash the reader nor change length, and ``.encode("latin-1")`` gives
  the original bytes back.
* **Values lose the white space around them**, and only SP and HTAB (RFC 9110 section 5.5: optional
  white space is not part of the value).  A no-break space or a control character is data.
* **When a name repeats, the first value wins.**  RFC 9110 section 5.3 lets a recipient join
  repeated lines with commas only for fields defined as lists; every header awsJson1_1 reads
  (``X-Amz-Target``, ``Content-Type``, ``x-amzn-ErrorType``, ``x-amzn-ErrorMessage``,
  ``x-amzn-RequestId``) is a singleton, for which joining would make a value that names nothing
  (``GetUser, GetUser``).  A repeated singleton is a sender's bug; the first line is the one a
  streaming reader acts on.  [I] What the service's front end does with a repeated ``X-Amz-Target``
  is not recorded anywhere public; the choice keeps one answer for one input.

Two forms come out: :data:`Headers`, the pairs exactly as sent but decoded (for records that must
lose nothing, such as :attr:`ServiceError.response`), and :data:`HeaderMap`, the normalised mapping
(for lookups).  Bad input (not pairs, a value that is neither ``str`` nor bytes) is an
:class:`~cognito_spec.errors.ArgumentTypeError`; readers that promise never to raise pass
``lenient=True``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final, TypeAlias

from cognito_spec.errors import ArgumentTypeError

__all__ = [
    "HeaderList",
    "HeaderMap",
    "Headers",
    "HeadersLike",
    "first_value",
    "fold_name",
    "header_map",
    "header_pairs",
    "header_text",
    "map_of_pairs",
]

#: One header name or value as servers give it (``bytearray`` and ``memoryview`` are read as bytes too).
HeaderText: TypeAlias = str | bytes

#: Header input: a mapping, or ``(name, value)`` pairs (tuples, or lists of two), ``str`` or bytes.
HeadersLike: TypeAlias = (
    Mapping[str, HeaderText] | Mapping[bytes, HeaderText] | Iterable[tuple[HeaderText, HeaderText]]
)

#: Headers as received, decoded: ``(name, value)`` pairs in order, names in their case, values as sent.
Headers: TypeAlias = tuple[tuple[str, str], ...]

#: Headers normalised: lower-cased name to its first value, without surrounding SP/HTAB.
HeaderMap: TypeAlias = dict[str, str]

#: Headers written: ``(name, value)`` pairs in order, as WSGI's ``start_response`` takes them.
HeaderList: TypeAlias = list[tuple[str, str]]

_BYTES: Final = (bytes, bytearray, memoryview)
_ASCII_LOWER: Final = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}


def header_text(value: HeaderText | bytearray | memoryview) -> str:
    """A name or value as text: ``str`` as it is, bytes as ISO-8859-1 (see the module documentation)."""
    if isinstance(value, str):
        return value
    if isinstance(value, _BYTES):
        return bytes(value).decode("latin-1")
    raise ArgumentTypeError(f"a header name or value is str or bytes, not {type(value).__name__}")


def _lenient_text(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, _BYTES):
        return bytes(value).decode("latin-1")
    return str(value)


def header_pairs(headers: HeadersLike | None, *, lenient: bool = False) -> Headers:
    """The headers as decoded pairs, in order, names and values exactly as sent (``None`` is none).

    With ``lenient`` nothing raises: an item that is not a pair is skipped, and a name or value that
    is neither ``str`` nor bytes is written with ``str()``.
    """
    if headers is None:
        return ()
    items: Iterable[Any]
    if isinstance(headers, Mapping):
        items = headers.items()
    elif isinstance(headers, str | bytes | bytearray | memoryview) or not isinstance(headers, Iterable):
        if lenient:
            return ()
        raise ArgumentTypeError(f"headers are a mapping or (name, value) pairs, not {type(headers).__name__}")
    else:
        items = headers
    out: list[tuple[str, str]] = []
    for item in items:
        # A pair is a tuple or a list of two (JSON has no tuples); a two-letter string is not a pair.
        if type(item) not in (tuple, list) or len(item) != 2:
            if lenient:
                continue
            raise ArgumentTypeError(f"a header is a (name, value) pair, not {_shown(item)}")
        name, value = item
        if type(name) is str and type(value) is str:
            out.append((name, value))  # the common case (WSGI, captures): nothing to decode
        elif lenient:
            out.append((_lenient_text(name), _lenient_text(value)))
        else:
            out.append((header_text(name), header_text(value)))
    return tuple(out)


def _shown(item: object) -> str:
    # Header values may be credentials (Authorization): name the type, never the content.
    if isinstance(item, tuple | list):
        return f"a {type(item).__name__} of {len(item)}"
    return f"a {type(item).__name__}"


def map_of_pairs(pairs: Sequence[tuple[str, str]]) -> HeaderMap:
    """The normalised map of decoded pairs (:data:`Headers`): the rule without the decoding step.

    Built from the reversed pairs so that the first of repeated names wins in one pass; this is the
    form fast paths call once per exchange.
    """
    lower = _ASCII_LOWER
    return {(k.lower() if k.isascii() else k.translate(lower)): v.strip(" \t") for k, v in reversed(pairs)}


#: Spellings of header names already folded -> their fold, for readers that look names up one pair
#: at a time (see :func:`fold_name`).  Bounded: a capture could spell endlessly many names.
FOLDED: Final[dict[str, str]] = {}
_FOLDED_MAX: Final = 1024
_FOLDED_LONGEST: Final = 64


def fold_name(name: str) -> str:
    """A header name folded by the rule (ASCII letters lower-cased, every other character kept).

    The fold of a spelling seen before is read from :data:`FOLDED`, which keeps up to 1024
    spellings of at most 64 characters; any other name is folded each time.  A reader on a hot
    path may read :data:`FOLDED` itself and call this only on a miss.
    """
    try:
        return FOLDED[name]
    except KeyError:
        pass
    folded = name.lower() if name.isascii() else name.translate(_ASCII_LOWER)
    if len(name) <= _FOLDED_LONGEST and len(FOLDED) < _FOLDED_MAX:
        FOLDED[name] = folded
    return folded


def first_value(pairs: Sequence[tuple[str, str]], name: str) -> str | None:
    """One header of decoded pairs by the rule (the value :func:`map_of_pairs` would give), or None.

    For a single look-up: it stops at the first match instead of building the whole map.
    """
    lower = _ASCII_LOWER
    want = name.lower() if name.isascii() else name.translate(lower)
    for k, v in pairs:
        if (k.lower() if k.isascii() else k.translate(lower)) == want:
            return v.strip(" \t")
    return None


def header_map(headers: HeadersLike | None) -> HeaderMap:
    """Headers of any form (see :data:`HeadersLike`) normalised: lower-cased names to first values."""
    return map_of_pairs(header_pairs(headers))
