"""Issuing access, ID and refresh tokens as the service does, for emulators.

:class:`TokenIssuer` signs claims with a pool's keys into tokens whose bytes follow the service's:
header ``{"kid":...,"alg":"RS256"}``, claims in the service's order (see order.py), JSON with
``\\/`` (see wire.py), integer epoch seconds, ``iss`` of the pool.  Lifetimes stay within what an
app client can be set to: access and ID tokens 5 minutes to 1 day, refresh tokens 60 minutes to
10 years (3650 days); the defaults are the service's (1 hour, 1 hour, 30 days).

Refresh tokens are encrypted JWTs in the service (five segments, header
``{"cty":"JWT","enc":"A256GCM","alg":"RSA-OAEP"}``, a 256-byte encrypted key for a 2048-bit RSA key,
a 12-byte IV, a 16-byte tag; seen in public captures).  This issuer makes strings of that shape
from random bytes: they decrypt to nothing, not even here.  An emulator keeps its own table from
refresh token to session, as the service keeps its key.
"""

from __future__ import annotations

import math
import re
import secrets
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, Final

import attrs

from cognito_spec.errors import ArgumentValueError
from cognito_spec.tokens.claims import ADMIN_SCOPE, AccessTokenClaims, IdTokenClaims, TokenHeader, issuer_url
from cognito_spec.tokens.clock import epoch_seconds
from cognito_spec.tokens.keys import SigningKey, VerificationKeys, jwks_document, jwks_path
from cognito_spec.tokens.wire import b64url_encode, json_segment

__all__ = [
    "ACCESS_LIFETIME",
    "ID_LIFETIME",
    "REFRESH_LIFETIME",
    "IssuedTokens",
    "TokenIssuer",
    "refresh_token_of",
    "refresh_token_shape",
]

#: The bounds an app client's token validity can be set to, and the service's defaults.
ACCESS_LIFETIME: Final = (timedelta(minutes=5), timedelta(days=1), timedelta(hours=1))
ID_LIFETIME: Final = (timedelta(minutes=5), timedelta(days=1), timedelta(hours=1))
REFRESH_LIFETIME: Final = (timedelta(minutes=60), timedelta(days=3650), timedelta(days=30))

_POOL_ID: Final = re.compile(r"[\w-]+_[0-9a-zA-Z]+", re.ASCII)  # UserPoolIdType's pattern, whole
_REFRESH_HEADER: Final = b64url_encode(b'{"cty":"JWT","enc":"A256GCM","alg":"RSA-OAEP"}')


def _lifetime(name: str, bounds: tuple[timedelta, timedelta, timedelta]) -> Callable[[Any, Any, Any], None]:
    def check(_: Any, __: Any, value: Any) -> None:
        if not isinstance(value, timedelta) or value % timedelta(seconds=1):
            raise ArgumentValueError(f"{name} is a timedelta of whole seconds")
        if not bounds[0] <= value <= bounds[1]:
            raise ArgumentValueError(f"{name} must be between {bounds[0]} and {bounds[1]}")

    return check


def _pool_id(_: Any, __: Any, value: Any) -> None:
    if not isinstance(value, str) or _POOL_ID.fullmatch(value) is None or len(value) > 55:
        raise ArgumentValueError("pool_id is not a user pool id (<region>_<letters and digits>)")


def _new_id() -> str:
    return str(uuid.uuid4())


def refresh_token_shape(key_bits: int = 2048, content_bytes: int = 1200) -> str:
    """A string shaped like the service's refresh tokens, from random bytes (see the module docstring)."""
    return refresh_token_of([secrets.token_bytes(n) for n in (key_bits // 8, 12, content_bytes, 16)])


def refresh_token_of(segments: Sequence[bytes]) -> str:
    """The service's refresh-token shape around four segments' bytes (encrypted key, IV, content,
    tag): the JWE header, then each segment in base64url."""
    return ".".join([_REFRESH_HEADER, *(b64url_encode(part) for part in segments)])


def _token_repr(value: str) -> str:
    return "<redacted>" if value else "''"


@attrs.frozen(kw_only=True)
class IssuedTokens:
    """What a sign-in returns: the three tokens (redacted in ``repr``), their claims, the access
    token's lifetime in seconds (``ExpiresIn``) and when the refresh token stops working (epoch
    seconds; the refresh token itself cannot say)."""

    access_token: str = attrs.field(repr=_token_repr)
    id_token: str = attrs.field(repr=_token_repr)
    refresh_token: str = attrs.field(repr=_token_repr)
    access_claims: AccessTokenClaims
    id_claims: IdTokenClaims
    expires_in: int
    refresh_expires: int
    token_type: str = "Bearer"


@attrs.frozen(kw_only=True)
class TokenIssuer:
    """Signs a pool's tokens.  ``access_key`` signs access tokens; ``id_key`` ID tokens (the same key
    when not given; the service uses two).  ``new_id`` makes ``jti``, ``origin_jti`` and ``event_id``
    values (UUID4 by default; pass a counter for reproducible tokens)."""

    pool_id: str = attrs.field(validator=_pool_id)
    access_key: SigningKey
    id_key: SigningKey | None = None
    access_lifetime: timedelta = attrs.field(
        default=ACCESS_LIFETIME[2], validator=_lifetime("access_lifetime", ACCESS_LIFETIME)
    )
    id_lifetime: timedelta = attrs.field(
        default=ID_LIFETIME[2], validator=_lifetime("id_lifetime", ID_LIFETIME)
    )
    refresh_lifetime: timedelta = attrs.field(
        default=REFRESH_LIFETIME[2], validator=_lifetime("refresh_lifetime", REFRESH_LIFETIME)
    )
    new_id: Callable[[], str] = attrs.field(default=_new_id, repr=False)

    @property
    def region(self) -> str:
        return self.pool_id.partition("_")[0]

    @property
    def issuer(self) -> str:
        """The pool's ``iss``: ``https://cognito-idp.<region>.amazonaws.com/<pool id>``."""
        return issuer_url(self.pool_id)

    @property
    def jwks_path(self) -> str:
        """Where the pool's JWKS is served: ``/<pool id>/.well-known/jwks.json``."""
        return jwks_path(self.pool_id)

    def _keys(self) -> tuple[SigningKey, ...]:
        return (self.access_key,) if self.id_key is None else (self.access_key, self.id_key)

    def jwks(self) -> dict[str, list[dict[str, str]]]:
        """The pool's JWKS document (serve it as JSON at :attr:`jwks_path`)."""
        return jwks_document(self._keys())

    def verification_keys(self) -> VerificationKeys:
        """The pool's public keys, for :func:`~cognito_spec.tokens.judge.judge_access_token`."""
        return VerificationKeys.of(*self._keys())

    # ---------------------------------------------------------------------------------------------

    def sign(self, claims: AccessTokenClaims | IdTokenClaims) -> str:
        """``claims`` as a signed token, exactly as given (nothing is checked or filled in)."""
        key = self.access_key if isinstance(claims, AccessTokenClaims) else (self.id_key or self.access_key)
        head = json_segment(TokenHeader(kid=key.kid).to_dict())
        body = json_segment(claims.to_payload())
        signing_input = f"{head}.{body}"
        return f"{signing_input}.{b64url_encode(key.sign(signing_input.encode('ascii')))}"

    def issue(
        self,
        *,
        sub: str,
        username: str,
        client_id: str,
        now: datetime | float,
        attributes: Mapping[str, Any] | None = None,
        groups: Iterable[str] | None = None,
        device_key: str | None = None,
        scope: str = ADMIN_SCOPE,
        auth_time: datetime | float | None = None,
        origin_jti: str | None = None,
    ) -> IssuedTokens:
        """The tokens of a sign-in (or of a refresh: pass the session's ``auth_time`` and
        ``origin_jti``, which the service keeps across refreshes).

        ``attributes`` are the user's attributes as ID token claims (``email``, ``email_verified``
        as a bool, ``custom:tenant``, ...); ``groups`` the user's groups (``cognito:groups`` in both
        tokens, omitted when empty).
        """
        iat = math.floor(epoch_seconds(now))
        auth = iat if auth_time is None else math.floor(epoch_seconds(auth_time))
        origin = origin_jti or self.new_id()
        event = self.new_id()
        group_list = tuple(groups) if groups is not None else ()
        access = AccessTokenClaims(
            sub=sub,
            iss=self.issuer,
            client_id=client_id,
            origin_jti=origin,
            event_id=event,
            scope=scope,
            auth_time=auth,
            exp=iat + int(self.access_lifetime.total_seconds()),
            iat=iat,
            jti=self.new_id(),
            username=username,
            device_key=device_key,
            cognito_groups=group_list or None,
        )
        attrs_in = dict(attributes or {})
        named = {
            k: attrs_in.pop(k)
            for k in ("email", "email_verified", "phone_number", "phone_number_verified")
            if k in attrs_in
        }
        id_claims = IdTokenClaims(
            sub=sub,
            aud=client_id,
            cognito_username=username,
            auth_time=auth,
            exp=iat + int(self.id_lifetime.total_seconds()),
            iat=iat,
            iss=self.issuer,
            origin_jti=origin,
            event_id=event,
            jti=self.new_id(),
            cognito_groups=group_list or None,
            attributes=attrs_in,
            **named,
        )
        return IssuedTokens(
            access_token=self.sign(access),
            id_token=self.sign(id_claims),
            refresh_token=refresh_token_shape(),
            access_claims=access,
            id_claims=id_claims,
            expires_in=int(self.access_lifetime.total_seconds()),
            refresh_expires=auth + int(self.refresh_lifetime.total_seconds()),
        )
