"""A stand-in for a captured token: what a judge reads is kept, everything that names someone masked.

``cognito-spec redact`` must keep a capture's verdict, and since captures are judged on their access
tokens (expired, without the admin scope, an ID token in its place, not a token at all), a mask
that hid the whole token would change it.  The stand-in is a token of the same kind that a judge
reads alike and that identifies no one:

* kept: the header's ``alg``, the claims ``token_use``, ``scope``, ``exp``, ``iat``, ``auth_time``,
  ``version``, the issuer (a pool id, which the model does not mark sensitive), booleans, and the
  order of the claims;
* masked: ``kid``, every other string (``sub``, ``username``, ``client_id``, ``jti``, ``email``, custom
  attributes, ...) as ``REDACTED``, other numbers as 0, lists item by item;
* the signature: as many zero bytes as the original had (no key, no signature: the stand-in proves
  nothing, as a capture's token proves nothing to a reader without the pool's keys).

A refresh token (a JWE, five segments) keeps its header and the length of each other segment, with
zero bytes in them.  What is not a readable token gets no stand-in (None): the caller masks it whole, and the judge
reads a masked value as "not judged" too.
"""

from __future__ import annotations

from typing import Any, Final

from cognito_spec.errors import TokenFormatError
from cognito_spec.tokens.decode import looks_like_refresh_token, parse_token
from cognito_spec.tokens.wire import b64url_decode, b64url_encode, json_segment

__all__ = ["standin"]

MASK: Final = "REDACTED"

#: Claims a judge reads (and that say nothing about a person): kept as they are.
KEPT: Final = frozenset({"token_use", "scope", "exp", "iat", "auth_time", "version", "iss"})


def _mask(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, str):
        return MASK
    if isinstance(value, int | float):
        return 0
    if isinstance(value, list):
        return [_mask(v) for v in value]
    if isinstance(value, dict):
        return {k: _mask(v) for k, v in value.items()}
    return MASK


def standin(token: str) -> str | None:
    """The stand-in of a readable token (see the module documentation), or None."""
    if looks_like_refresh_token(token):
        # A refresh token (a JWE: nothing in it can be read without the service's key) keeps its
        # header (the algorithms, which name no one) and the length of every other segment; their
        # bytes become zeros.  A judge reads the stand-in as a refresh token, as it read the original.
        head, *rest = token.split(".")
        return ".".join(
            [head, *(b64url_encode(bytes(len(b64url_decode(part, part="segment")))) for part in rest)]
        )
    try:
        parsed = parse_token(token)
    except TokenFormatError:
        return None
    header = {k: (v if k == "alg" else _mask(v)) for k, v in parsed.header.to_dict().items()}
    payload = {k: (v if k in KEPT else _mask(v)) for k, v in parsed.claims.to_payload().items()}
    signature = b64url_encode(bytes(len(parsed.signature)))
    return f"{json_segment(header)}.{json_segment(payload)}.{signature}"
