"""Typed claims of the service's access and ID tokens, and their header: to and from a payload dict.

Each class lists the claims the service writes, as attrs fields whose metadata carries the claim's
name (``cognito:username`` is ``cognito_username``) and its JSON kind.  Reading a payload checks
every kind (an ``exp`` of ``"1674950010"`` or ``true`` is an error, not a number) and keeps the
claims it does not know, and the order the claims came in, so that writing the claims back gives
the payload's bytes again.  Claims that carry personal data (``sub``, ``username``,
``cognito:username``, ``email``, ``phone_number``, every user attribute) print as ``<redacted>``.

Times are what the token holds, integer epoch seconds (``exp``); ``expires_at`` and friends give
them as aware datetimes.  A time outside what a datetime can hold (year 1 to 9999) is an error when
read, so those properties never fail.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any, ClassVar, Final, Literal

import attrs

from cognito_spec.errors import TokenFormatError
from cognito_spec.tokens.order import service_order

__all__ = [
    "ADMIN_SCOPE",
    "CLAIM_FIELDS",
    "AccessTokenClaims",
    "Claims",
    "IdTokenClaims",
    "TokenHeader",
    "claims_from_payload",
    "issuer_url",
]

#: The scope the user-pool operations authorised by an access token require (GetUser, ...).
ADMIN_SCOPE: Final = "aws.cognito.signin.user.admin"

#: The largest epoch second a datetime can hold (9999-12-31T23:59:59Z).
MAX_EPOCH_SECOND: Final = 253402300799

Kind = Literal["str", "time", "int", "bool", "str_list"]
_META: Final = "cognito_spec_claim"


@attrs.frozen
class _Claim:
    name: str
    kind: Kind
    required: bool


def _redacted(value: object) -> str:
    return "None" if value is None else "<redacted>"


def _redacted_map(value: Mapping[str, Any]) -> str:
    return "{" + ", ".join(f"{k!r}: <redacted>" for k in value) + "}"


def _claim(name: str, kind: Kind, *, required: bool = False, sensitive: bool = False) -> Any:
    meta = {_META: _Claim(name, kind, required)}
    repr_: Any = _redacted if sensitive else True
    if required:
        return attrs.field(metadata=meta, repr=repr_)
    return attrs.field(default=None, metadata=meta, repr=repr_)


def _frozen_map(value: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(value or {}))


def _order(value: tuple[str, ...] | list[str] | None) -> tuple[str, ...] | None:
    return None if value is None else tuple(value)


def issuer_url(pool_id: str) -> str:
    """The ``iss`` of a pool's tokens: ``https://cognito-idp.<region>.amazonaws.com/<pool id>``.

    The region is the pool id's prefix (``eu-west-1_AbC`` is in ``eu-west-1``).
    """
    region = pool_id.partition("_")[0]
    return f"https://cognito-idp.{region}.amazonaws.com/{pool_id}"


# --------------------------------------------------------------------------------------------------
# The classes.


@attrs.frozen(kw_only=True)
class TokenHeader:
    """A signed token's header as the service writes it: ``{"kid":...,"alg":"RS256"}``, no ``typ``.

    ``extra`` keeps any other member a token carries (the service's carry none), in order.
    """

    kid: str
    alg: str = "RS256"
    extra: Mapping[str, Any] = attrs.field(factory=dict, converter=_frozen_map)

    def to_dict(self) -> dict[str, Any]:
        return {"kid": self.kid, "alg": self.alg, **self.extra}


class _Times:
    """The three times every token carries, as aware datetimes (the claims are epoch seconds)."""

    __slots__ = ()
    exp: int
    iat: int
    auth_time: int

    @property
    def expires_at(self) -> datetime:
        return datetime.fromtimestamp(self.exp, UTC)

    @property
    def issued_at(self) -> datetime:
        return datetime.fromtimestamp(self.iat, UTC)

    @property
    def authenticated_at(self) -> datetime:
        return datetime.fromtimestamp(self.auth_time, UTC)


@attrs.frozen(kw_only=True)
class AccessTokenClaims(_Times):
    """The claims of an access token, in the order of the service's fields.

    Required when read: ``sub, iss, client_id, token_use, scope, auth_time, exp, iat, jti``.
    ``origin_jti``, ``event_id`` and ``username`` are absent from some kinds of token (tokens from
    before 2021, machine-to-machine tokens), so they may be ``None``.  ``extra`` holds claims not
    listed here (a pre-token-generation trigger can add some), printed redacted; ``order`` is the
    order the claims were read in, ``None`` for the service's order; it takes no part in equality.
    """

    token_use: ClassVar[str] = "access"

    sub: str = _claim("sub", "str", required=True, sensitive=True)
    iss: str = _claim("iss", "str", required=True)
    client_id: str = _claim("client_id", "str", required=True)
    origin_jti: str | None = _claim("origin_jti", "str")
    event_id: str | None = _claim("event_id", "str")
    scope: str = _claim("scope", "str", required=True)
    auth_time: int = _claim("auth_time", "time", required=True)
    exp: int = _claim("exp", "time", required=True)
    iat: int = _claim("iat", "time", required=True)
    jti: str = _claim("jti", "str", required=True)
    username: str | None = _claim("username", "str", sensitive=True)
    device_key: str | None = _claim("device_key", "str")
    cognito_groups: tuple[str, ...] | None = _claim("cognito:groups", "str_list")
    version: int | None = _claim("version", "int")
    extra: Mapping[str, Any] = attrs.field(factory=dict, converter=_frozen_map, repr=_redacted_map)
    order: tuple[str, ...] | None = attrs.field(default=None, converter=_order, repr=False, eq=False)

    @property
    def scopes(self) -> frozenset[str]:
        """The scopes, one per space-separated word of ``scope``."""
        return frozenset(self.scope.split())

    def to_payload(self) -> dict[str, Any]:
        """The payload as a dict whose order is the token's (``order``, else the service's)."""
        return _to_payload(self)


@attrs.frozen(kw_only=True)
class IdTokenClaims(_Times):
    """The claims of an ID token.

    Required when read: ``sub, aud, cognito:username, token_use, auth_time, exp, iat, iss``.  User
    attributes other than the ones named here (``name``, ``custom:tenant``, ...) and any other claim
    (``nonce``, ``at_hash``, ``identities``) are in ``attributes``, in order; all of them print
    redacted.  ``order`` as for :class:`AccessTokenClaims`.
    """

    token_use: ClassVar[str] = "id"

    sub: str = _claim("sub", "str", required=True, sensitive=True)
    aud: str = _claim("aud", "str", required=True)
    cognito_username: str = _claim("cognito:username", "str", required=True, sensitive=True)
    auth_time: int = _claim("auth_time", "time", required=True)
    exp: int = _claim("exp", "time", required=True)
    iat: int = _claim("iat", "time", required=True)
    iss: str = _claim("iss", "str", required=True)
    origin_jti: str | None = _claim("origin_jti", "str")
    event_id: str | None = _claim("event_id", "str")
    jti: str | None = _claim("jti", "str")
    email: str | None = _claim("email", "str", sensitive=True)
    email_verified: bool | None = _claim("email_verified", "bool")
    phone_number: str | None = _claim("phone_number", "str", sensitive=True)
    phone_number_verified: bool | None = _claim("phone_number_verified", "bool")
    cognito_groups: tuple[str, ...] | None = _claim("cognito:groups", "str_list")
    attributes: Mapping[str, Any] = attrs.field(factory=dict, converter=_frozen_map, repr=_redacted_map)
    order: tuple[str, ...] | None = attrs.field(default=None, converter=_order, repr=False, eq=False)

    @property
    def custom_attributes(self) -> dict[str, Any]:
        """The ``custom:*`` attributes, by their full claim name."""
        return {k: v for k, v in self.attributes.items() if k.startswith("custom:")}

    def to_payload(self) -> dict[str, Any]:
        """The payload as a dict whose order is the token's (``order``, else the service's)."""
        return _to_payload(self)


Claims = AccessTokenClaims | IdTokenClaims

# --------------------------------------------------------------------------------------------------
# To and from a payload.

#: The field order of each class is the order the service puts claims into its map before writing
#: (it decides ties between claims that share a hash bucket; see order.py).
_PUT_ORDER: Final[dict[type, tuple[str, ...]]] = {
    AccessTokenClaims: (
        "sub", "device_key", "cognito:groups", "iss", "version", "client_id", "origin_jti",
        "event_id", "token_use", "scope", "auth_time", "exp", "iat", "jti", "username",
    ),
    IdTokenClaims: (
        "sub", "cognito:groups", "email_verified", "phone_number_verified", "iss",
        "cognito:username", "origin_jti", "aud", "event_id", "token_use", "auth_time", "exp", "iat",
        "jti", "email", "phone_number",
    ),
}  # fmt: skip


def _claims_of(cls: type) -> list[tuple[str, _Claim]]:
    return [(f.name, f.metadata[_META]) for f in attrs.fields(cls) if _META in f.metadata]


#: Per claims class: (attribute name, claim) of every claim it knows, in field order (readers outside
#: this module, such as the capture checks' quick token reading, take the claims' names and kinds here).
CLAIM_FIELDS: Final = {cls: _claims_of(cls) for cls in (AccessTokenClaims, IdTokenClaims)}
_EXTRA: Final = {AccessTokenClaims: "extra", IdTokenClaims: "attributes"}


def _to_payload(claims: Claims) -> dict[str, Any]:
    cls = type(claims)
    values: dict[str, Any] = {"token_use": cls.token_use}
    for attr, c in CLAIM_FIELDS[cls]:
        value = getattr(claims, attr)
        if value is not None:
            values[c.name] = list(value) if c.kind == "str_list" else value
    extra: Mapping[str, Any] = getattr(claims, _EXTRA[cls])
    for name, value in extra.items():
        values.setdefault(name, value)
    if claims.order is not None:
        known = [n for n in claims.order if n in values]
        seen = set(known)
        names: tuple[str, ...] = (*known, *service_order(n for n in values if n not in seen))
    else:
        put = [n for n in _PUT_ORDER[cls] if n in values]
        seen = set(put)
        names = service_order([*put, *(n for n in values if n not in seen)])
    return {n: values[n] for n in names}


def _check(name: str, kind: Kind, value: Any) -> Any:
    if kind == "str":
        if type(value) is not str:
            raise TokenFormatError("is not a string", claim=name)
        return value
    if kind == "bool":
        if type(value) is not bool:
            raise TokenFormatError("is not true or false", claim=name)
        return value
    if kind == "str_list":
        if type(value) is not list or any(type(v) is not str for v in value):
            raise TokenFormatError("is not a list of strings", claim=name)
        return tuple(value)
    if type(value) is not int:  # bool is not int here, nor "1674950010", nor 1.67495001E9
        raise TokenFormatError("is not an integer", claim=name)
    if kind == "time" and not 0 <= value <= MAX_EPOCH_SECOND:
        raise TokenFormatError("is not a time between 1970 and 9999 in epoch seconds", claim=name)
    return value


def claims_from_payload(payload: Mapping[str, Any]) -> Claims:
    """Typed claims of a decoded payload, by its ``token_use`` (``access`` or ``id``)."""
    use = payload.get("token_use")
    if use == "access":
        cls: type[Claims] = AccessTokenClaims
    elif use == "id":
        cls = IdTokenClaims
    elif "token_use" not in payload:
        raise TokenFormatError("is missing", claim="token_use")
    else:
        raise TokenFormatError("is neither 'access' nor 'id'", claim="token_use")
    kwargs: dict[str, Any] = {}
    known = {"token_use"}
    for attr, c in CLAIM_FIELDS[cls]:
        known.add(c.name)
        if c.name in payload:
            kwargs[attr] = _check(c.name, c.kind, payload[c.name])
        elif c.required:
            raise TokenFormatError("is missing", claim=c.name)
    kwargs[_EXTRA[cls]] = {k: v for k, v in payload.items() if k not in known}
    return cls(**kwargs, order=tuple(payload))
