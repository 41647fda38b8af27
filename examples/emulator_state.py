"""The example emulator's state (examples/emulator.py): pools, app clients, users and sessions.

Plain records and the rules that make them as the service does (identifiers, defaults, token
lifetimes); no HTTP and no locking here (the Emulator holds these records under its lock).
[I] marks what is inferred, not observed.
"""

from __future__ import annotations

import secrets
import string
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Final

import attrs

import cognito_spec as cs
from cognito_spec.tokens import SigningKey, TokenIssuer
from cognito_spec.tokens.issue import ACCESS_LIFETIME, ID_LIFETIME, REFRESH_LIFETIME

ACCOUNT: Final = "000000000000"  # [I] the account in pool ARNs: emulators' usual placeholder
# What a client created without ExplicitAuthFlows allows (floci-io/floci#3974, from AWS's behaviour).
DEFAULT_FLOWS: Final = frozenset({"ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"})
UNIT_SECONDS: Final = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}
# A new pool's password policy when none is given (the service's documented default).
DEFAULT_POLICIES: Final = cs.UserPoolPolicyType(
    password_policy=cs.PasswordPolicyType(
        minimum_length=8,
        require_uppercase=True,
        require_lowercase=True,
        require_numbers=True,
        require_symbols=True,
        temporary_password_validity_days=7,
    )
)


# The special characters a policy's RequireSymbols counts (the developer guide's list, with the space).
SYMBOLS: Final = frozenset("^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- ")


def now_utc() -> datetime:
    """The time, to the millisecond as the service's dates are (1.421516513393E9, wire-truth 4.1)."""
    return datetime.fromtimestamp(round(time.time(), 3), UTC)


def random_id(alphabet: str, n: int) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(n))


def common_fields(source: Any, target: type[Any]) -> dict[str, Any]:
    """The members of ``source`` that ``target`` also has, when set: a description echoes the settings."""
    names = {f.name for f in attrs.fields(target)}
    return {
        f.name: value
        for f in attrs.fields(type(source))
        if f.name in names and (value := getattr(source, f.name)) is not None
    }


def token_lifetime(
    value: int | None, unit: str | None, default_unit: str, bounds: tuple[timedelta, timedelta, timedelta]
) -> timedelta:
    """A client's token validity as a lifetime, within the service's bounds (access and ID tokens
    5 minutes..1 day, refresh tokens 60 minutes..3650 days; by default 1 hour, 1 hour, 30 days: the
    bounds of cognito_spec.tokens.issue).  Units default to hours for access and ID tokens, days for
    refresh tokens (the API reference's defaults)."""
    low, high, default = bounds
    if not value:  # [I] RefreshTokenValidity 0 (the model allows it) is taken as "the default"
        return default
    lifetime = timedelta(seconds=value * UNIT_SECONDS[unit or default_unit])
    if not low <= lifetime <= high:
        # The text of real refusals (awsdocs/aws-cloudformation-user-guide#828 quotes it; [I] the
        # final period, as an emulator that compared it with the service writes it).
        raise cs.InvalidParameterException("Invalid range for token validity.")
    return lifetime


# --------------------------------------------------------------------------------------------------


@dataclass
class User:
    username: str
    sub: str  # a UUID, as the service makes it: the ``sub`` claim and attribute
    attributes: list[cs.AttributeType]  # sub first, then the given ones in order ([I] as answers show)
    password: str
    status: str  # FORCE_CHANGE_PASSWORD after AdminCreateUser, CONFIRMED once a password is permanent
    created: datetime
    modified: datetime
    enabled: bool = True

    @classmethod
    def create(cls, request: cs.AdminCreateUserRequest) -> User:
        sub, when = str(uuid.uuid4()), now_utc()
        given = [a for a in request.user_attributes or () if a.name != "sub"]
        return cls(
            username=request.username,
            sub=sub,
            attributes=[cs.AttributeType(name="sub", value=sub), *given],
            # No message is sent, so a generated temporary password is never told to anyone; it fits
            # the default policy all the same.
            password=request.temporary_password or secrets.token_urlsafe(12) + "Aa1!",
            status="FORCE_CHANGE_PASSWORD",
            created=when,
            modified=when,
        )

    def as_user_type(self) -> cs.UserType:
        return cs.UserType(
            username=self.username,
            attributes=tuple(self.attributes),
            user_create_date=self.created,
            user_last_modified_date=self.modified,
            enabled=self.enabled,
            user_status=self.status,
        )

    def claims(self) -> dict[str, Any]:
        """The attributes as ID-token claims (``*_verified`` are booleans in tokens)."""
        out: dict[str, Any] = {}
        for a in self.attributes:
            name = str(a.name)
            if name != "sub" and a.value is not None:
                out[name] = a.value == "true" if name.endswith("_verified") else a.value
        return out


@dataclass
class Session:
    """One sign-in: its refresh token and every access token issued with it share ``origin_jti``."""

    origin_jti: str
    client_id: str
    username: str
    auth_time: int
    refresh_expires: int
    revoked: bool = False


@dataclass
class Client:
    description: cs.UserPoolClientType  # what DescribeUserPoolClient returns
    flows: frozenset[str]  # the ExplicitAuthFlows in effect
    issuer: TokenIssuer  # the pool's issuer with this client's token lifetimes
    hide_user_existence: bool  # PreventUserExistenceErrors ENABLED
    revocation: bool  # EnableTokenRevocation

    @classmethod
    def create(cls, pool: Pool, request: cs.CreateUserPoolClientRequest) -> Client:
        units = request.token_validity_units or cs.TokenValidityUnitsType()
        # One pool issuer, evolved per client: the iss and the key are the pool's, the lifetimes the
        # client's (checked here, so that an out-of-range client is never made).
        issuer = attrs.evolve(
            pool.issuer,
            access_lifetime=token_lifetime(
                request.access_token_validity, units.access_token, "hours", ACCESS_LIFETIME
            ),
            id_lifetime=token_lifetime(request.id_token_validity, units.id_token, "hours", ID_LIFETIME),
            refresh_lifetime=token_lifetime(
                request.refresh_token_validity, units.refresh_token, "days", REFRESH_LIFETIME
            ),
        )
        when = now_utc()
        revocation = request.enable_token_revocation is not False  # on unless turned off (API reference)
        settings = common_fields(request, cs.UserPoolClientType) | {
            "client_id": random_id(string.ascii_lowercase + string.digits, 26),  # as the service makes them
            "creation_date": when,
            "last_modified_date": when,
            "refresh_token_validity": request.refresh_token_validity or 30,  # [I] echoed with its default
            "enable_token_revocation": revocation,
            "allowed_o_auth_flows_user_pool_client": bool(request.allowed_o_auth_flows_user_pool_client),
        }
        given = request.explicit_auth_flows
        flows = frozenset(str(f) for f in given) if given else DEFAULT_FLOWS
        if not any(f.startswith("ALLOW_") for f in flows):  # [I] legacy lists never gated SRP or refresh
            flows |= {"ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}
        # The API's default is LEGACY (developer guide, "Managing user existence error responses"):
        # a missing user is then reported as missing; ENABLED answers "Incorrect username or password."
        hide = request.prevent_user_existence_errors == "ENABLED"
        return cls(cs.UserPoolClientType(**settings), flows, issuer, hide, revocation)

    @property
    def id(self) -> str:
        return str(self.description.client_id)


@dataclass
class Pool:
    settings: dict[str, Any]  # the UserPoolType members DescribeUserPool returns, but the user count
    issuer: TokenIssuer  # one per pool: its iss is the pool's
    clients: dict[str, Client] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    sessions: dict[str, Session] = field(default_factory=dict)  # by origin_jti
    refresh_tokens: dict[str, str] = field(default_factory=dict)  # refresh token -> origin_jti

    @classmethod
    def create(cls, region: str, key: SigningKey, request: cs.CreateUserPoolRequest) -> Pool:
        pool_id = f"{region}_{random_id(string.digits + string.ascii_letters, 9)}"  # as the service's
        when = now_utc()
        settings = common_fields(request, cs.UserPoolType) | {
            "id": pool_id,
            "name": request.pool_name,
            "arn": f"arn:aws:cognito-idp:{region}:{ACCOUNT}:userpool/{pool_id}",
            "creation_date": when,
            "last_modified_date": when,
            # The service's defaults for what was not given ([I] that it echoes each of them).
            "policies": request.policies or DEFAULT_POLICIES,
            "mfa_configuration": request.mfa_configuration or "OFF",
            "deletion_protection": request.deletion_protection or "INACTIVE",
        }
        return cls(settings, TokenIssuer(pool_id=pool_id, access_key=key))

    @property
    def id(self) -> str:
        return self.issuer.pool_id

    def description(self) -> cs.UserPoolType:
        return cs.UserPoolType(**self.settings, estimated_number_of_users=len(self.users))

    def check_password(self, password: str) -> None:
        """InvalidPasswordException when ``password`` breaks the pool's policy (length, character kinds).

        The texts are the service's for AdminSetUserPassword (public code comments quote "Password does
        not conform to policy: Password must have uppercase characters"; SignUp says "Password did not
        conform with policy: ..."); [I] the order of the checks, and ASCII letters and digits.
        """
        policy = self.settings["policies"].password_policy
        if policy is None:
            return
        broken = [
            (len(password) < (policy.minimum_length or 8), "Password not long enough"),
            (bool(policy.require_lowercase) and not any("a" <= c <= "z" for c in password), "lowercase"),
            (bool(policy.require_uppercase) and not any("A" <= c <= "Z" for c in password), "uppercase"),
            (bool(policy.require_numbers) and not any("0" <= c <= "9" for c in password), "numeric"),
            (bool(policy.require_symbols) and not any(c in SYMBOLS for c in password), "symbol"),
        ]
        for failed, what in broken:
            if failed:
                rule = what if what.startswith("Password") else f"Password must have {what} characters"
                raise cs.InvalidPasswordException(f"Password does not conform to policy: {rule}")

    def user(self, username: str) -> User:
        user = self.users.get(username)  # [I] usernames match exactly (the API's case-sensitive pools)
        if user is None:
            raise cs.UserNotFoundException("User does not exist.")  # wire-truth 4.2
        return user

    def sign_out(self, username: str) -> None:
        """Revoke every session of a user (GlobalSignOut)."""
        for session in self.sessions.values():
            if session.username == username:
                session.revoked = True
