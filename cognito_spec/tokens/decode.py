"""Reading a token without its key: the segments, the header and the typed claims.

Pure standard library (base64url and JSON), so a capture can be examined with no extra installed.
Nothing here says a token is genuine: that is :mod:`cognito_spec.tokens.judge`'s job.

Every problem is a :class:`~cognito_spec.errors.TokenFormatError` naming the segment or the
claim, never quoting the token.  A refresh token (five segments, encrypted) is recognised and
refused with its own reason: only the service can read it.
"""

from __future__ import annotations

from typing import Any

import attrs

from cognito_spec.errors import ArgumentTypeError, TokenFormatError
from cognito_spec.tokens.claims import (
    AccessTokenClaims,
    Claims,
    IdTokenClaims,
    TokenHeader,
    claims_from_payload,
)
from cognito_spec.tokens.wire import MAX_TOKEN_CHARS, b64url_decode, read_json_object

__all__ = ["ParsedToken", "decode_unverified", "looks_like_refresh_token", "parse_token", "read_header"]


def _bytes_repr(value: bytes) -> str:
    return f"<{len(value)} bytes>"


@attrs.frozen(kw_only=True)
class ParsedToken:
    """A signed token taken apart, unverified.

    ``signing_input`` is the exact ASCII the signature covers (``<header>.<payload>``), ``payload``
    the exact bytes of the claims' JSON and ``signature`` the signature's bytes.
    """

    header: TokenHeader
    claims: Claims
    payload: bytes = attrs.field(repr=_bytes_repr)
    signing_input: bytes = attrs.field(repr=_bytes_repr)
    signature: bytes = attrs.field(repr=_bytes_repr)


def _segments(token: object) -> list[str]:
    if not isinstance(token, str):
        raise ArgumentTypeError(f"a token is a str, not {type(token).__name__}")
    if len(token) > MAX_TOKEN_CHARS:
        raise TokenFormatError(f"the token is longer than {MAX_TOKEN_CHARS} characters")
    parts = token.split(".")
    if len(parts) == 5:
        raise TokenFormatError("the token has five segments: an encrypted (refresh) token, unreadable")
    if len(parts) != 3:
        raise TokenFormatError(f"the token has {len(parts)} segments, not three")
    return parts


def _header(raw: dict[str, Any]) -> TokenHeader:
    alg, kid = raw.get("alg"), raw.get("kid")
    if type(alg) is not str:
        raise TokenFormatError("is missing or not a string", claim="alg")
    if type(kid) is not str:
        raise TokenFormatError("is missing or not a string", claim="kid")
    return TokenHeader(kid=kid, alg=alg, extra={k: v for k, v in raw.items() if k not in ("alg", "kid")})


def read_header(segment: str) -> TokenHeader:
    """The header of a signed token from its first segment (base64url of a JSON object)."""
    return _header(read_json_object(b64url_decode(segment, part="header"), part="header"))


def parse_token(token: str) -> ParsedToken:
    """``token`` taken apart: header, typed claims, and the exact bytes a verifier needs."""
    head, body, sig = _segments(token)
    header = read_header(head)
    payload = b64url_decode(body, part="payload")
    claims = claims_from_payload(read_json_object(payload, part="payload"))
    signature = b64url_decode(sig, part="signature")
    if not signature:
        raise TokenFormatError("the signature is empty")
    return ParsedToken(
        header=header,
        claims=claims,
        payload=payload,
        signing_input=f"{head}.{body}".encode("ascii"),
        signature=signature,
    )


def decode_unverified(token: str) -> AccessTokenClaims | IdTokenClaims:
    """The typed claims of an access or ID token, read without checking the signature.

    For captures, logs and tests: the claims are what the token says, not proven true.  Raises
    :class:`~cognito_spec.errors.TokenFormatError` when the token cannot be read.
    """
    return parse_token(token).claims


def looks_like_refresh_token(token: str) -> bool:
    """Whether ``token`` has the shape of the service's refresh tokens: five base64url segments
    whose header names ``RSA-OAEP`` / ``A256GCM`` (a JWE; its content cannot be read)."""
    if not isinstance(token, str) or len(token) > MAX_TOKEN_CHARS:
        return False
    parts = token.split(".")
    if len(parts) != 5:
        return False
    try:
        header = read_json_object(b64url_decode(parts[0], part="header"), part="header")
        for part in parts[1:]:
            b64url_decode(part, part="segment")
    except TokenFormatError:
        return False
    return header.get("alg") == "RSA-OAEP" and header.get("enc") == "A256GCM"
