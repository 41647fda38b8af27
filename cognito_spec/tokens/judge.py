"""Judging an access token as the service does for GetUser and the other operations it authorises.

:func:`judge_access_token` returns the claims of a good token, or raises the
``NotAuthorizedException`` the service sends, with one of its four messages (the constants of
:mod:`cognito_spec.protocol.envelope`)::

    Invalid Access Token                        cannot be read, not RS256, unknown kid, bad signature,
                                                another pool's, an ID token, a claim of the wrong type
    Access Token has expired                    now >= exp
    Access Token has been revoked               the caller's revocation lookup says so
    Access Token does not have required scopes  scope lacks the operation's scope

[I] The order of the checks is inferred, not observed: the service must verify a token before it
trusts any claim in it, so everything that makes a token *invalid* comes first; then expiry (a
fact of the token alone), then revocation (a lookup), then the scope the operation needs.  A token
both expired and revoked is reported expired.

[I] The boundary: expired when ``now >= exp``, as RFC 7519 section 4.1.4 puts it ("on or after");
the service's own boundary, to the second, has not been observed.  There is no leeway for clock
skew, and ``iat`` in the future is not refused (neither has been observed either way).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from cognito_spec.errors import ArgumentTypeError, TokenFormatError
from cognito_spec.protocol.envelope import (
    ACCESS_TOKEN_EXPIRED,
    ACCESS_TOKEN_MISSING_SCOPES,
    ACCESS_TOKEN_REVOKED,
    INVALID_ACCESS_TOKEN,
)
from cognito_spec.shapes.errors import NotAuthorizedException
from cognito_spec.tokens.claims import ADMIN_SCOPE, AccessTokenClaims, issuer_url
from cognito_spec.tokens.clock import epoch_seconds
from cognito_spec.tokens.decode import parse_token
from cognito_spec.tokens.keys import VerificationKeys

__all__ = ["RevocationLookup", "judge_access_token"]

#: Told the claims of a genuine, unexpired token; answers whether it was revoked (GlobalSignOut,
#: AdminUserGlobalSignOut, RevokeToken).  A refresh token and the access tokens issued from it share
#: ``origin_jti``; a sign-out revokes a user's tokens issued before it (``sub``, ``iat``).
RevocationLookup = Callable[[AccessTokenClaims], bool]


def _invalid() -> NotAuthorizedException:
    return NotAuthorizedException(INVALID_ACCESS_TOKEN)


def judge_access_token(
    token: str,
    *,
    keys: VerificationKeys | Mapping[str, Any],
    now: datetime | float,
    pool_id: str,
    required_scope: str | None = ADMIN_SCOPE,
    is_revoked: RevocationLookup | None = None,
) -> AccessTokenClaims:
    """The claims of ``token`` if the service would accept it for an operation of pool ``pool_id``.

    ``keys`` are the pool's public keys (:class:`VerificationKeys`, or its JWKS document as a dict:
    build the object once when judging many tokens); ``now`` the time to judge at;
    ``required_scope`` the scope the operation needs (``None`` for none); ``is_revoked`` the
    revocation lookup, called only for a genuine, unexpired token.  Raises
    :class:`~cognito_spec.NotAuthorizedException` with the service's message otherwise (see the
    module docstring for which, and in what order).  The exception carries no token text, and no
    other exception leaves (but what ``is_revoked`` itself raises).
    """
    at = epoch_seconds(now)  # the caller's mistakes are theirs: typed errors, before any judging
    if not isinstance(token, str):
        raise ArgumentTypeError(f"a token is a str, not {type(token).__name__}")
    if not isinstance(keys, VerificationKeys):
        keys = VerificationKeys.from_jwks(keys)
    try:
        parsed = parse_token(token)
    except TokenFormatError:
        raise _invalid() from None
    claims = parsed.claims
    if (
        parsed.header.alg != "RS256"  # "none", HS256 with the public key as secret, ...
        or not keys.verify(parsed.header.kid, parsed.signing_input, parsed.signature)
        or not isinstance(claims, AccessTokenClaims)  # an ID token sent as an access token
        or claims.iss != issuer_url(pool_id)  # another pool's token (its kid would be unknown too)
    ):
        raise _invalid()
    if at >= claims.exp:
        raise NotAuthorizedException(ACCESS_TOKEN_EXPIRED)
    if is_revoked is not None and is_revoked(claims):
        raise NotAuthorizedException(ACCESS_TOKEN_REVOKED)
    if required_scope is not None and required_scope not in claims.scopes:
        raise NotAuthorizedException(ACCESS_TOKEN_MISSING_SCOPES)
    return claims
