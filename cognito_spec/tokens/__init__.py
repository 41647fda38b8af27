"""Access, ID and refresh tokens as the service issues and judges them.

Reading a token without its key (``decode_unverified``, for captures) needs only the standard
library.  Signing and verifying (``TokenIssuer``, ``judge_access_token``) need the JOSE library of
the ``cognito-spec[tokens]`` extra; without it they raise ``TokensExtraMissingError``.

Modules, one job each, lowest first: errors, wire (the bytes of a segment), order (the service's
claim order), clock, claims (typed claims), decode (reading without a key), keys (RSA keys and
JWKS), judge (the service's verdict), issue (tokens for emulators).  Names are imported on first
use, so ``import cognito_spec.tokens`` costs almost nothing.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from cognito_spec.errors import TokenFormatError, TokenKeyError, TokensExtraMissingError
    from cognito_spec.tokens.claims import (
        ADMIN_SCOPE,
        AccessTokenClaims,
        Claims,
        IdTokenClaims,
        TokenHeader,
        claims_from_payload,
        issuer_url,
    )
    from cognito_spec.tokens.decode import (
        ParsedToken,
        decode_unverified,
        looks_like_refresh_token,
        parse_token,
    )
    from cognito_spec.tokens.issue import IssuedTokens, TokenIssuer, refresh_token_shape
    from cognito_spec.tokens.judge import RevocationLookup, judge_access_token
    from cognito_spec.tokens.keys import SigningKey, VerificationKeys, jwks_document, jwks_path

_HOMES: Final[dict[str, str]] = {
    "ADMIN_SCOPE": "cognito_spec.tokens.claims",
    "AccessTokenClaims": "cognito_spec.tokens.claims",
    "Claims": "cognito_spec.tokens.claims",
    "IdTokenClaims": "cognito_spec.tokens.claims",
    "IssuedTokens": "cognito_spec.tokens.issue",
    "ParsedToken": "cognito_spec.tokens.decode",
    "RevocationLookup": "cognito_spec.tokens.judge",
    "SigningKey": "cognito_spec.tokens.keys",
    "TokenFormatError": "cognito_spec.errors",
    "TokenHeader": "cognito_spec.tokens.claims",
    "TokenIssuer": "cognito_spec.tokens.issue",
    "TokenKeyError": "cognito_spec.errors",
    "TokensExtraMissingError": "cognito_spec.errors",
    "VerificationKeys": "cognito_spec.tokens.keys",
    "claims_from_payload": "cognito_spec.tokens.claims",
    "decode_unverified": "cognito_spec.tokens.decode",
    "issuer_url": "cognito_spec.tokens.claims",
    "judge_access_token": "cognito_spec.tokens.judge",
    "jwks_document": "cognito_spec.tokens.keys",
    "jwks_path": "cognito_spec.tokens.keys",
    "looks_like_refresh_token": "cognito_spec.tokens.decode",
    "parse_token": "cognito_spec.tokens.decode",
    "refresh_token_shape": "cognito_spec.tokens.issue",
}

__all__ = [
    "ADMIN_SCOPE",
    "AccessTokenClaims",
    "Claims",
    "IdTokenClaims",
    "IssuedTokens",
    "ParsedToken",
    "RevocationLookup",
    "SigningKey",
    "TokenFormatError",
    "TokenHeader",
    "TokenIssuer",
    "TokenKeyError",
    "TokensExtraMissingError",
    "VerificationKeys",
    "claims_from_payload",
    "decode_unverified",
    "issuer_url",
    "judge_access_token",
    "jwks_document",
    "jwks_path",
    "looks_like_refresh_token",
    "parse_token",
    "refresh_token_shape",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOMES})
