"""The scenario: set up through the API, probe, clean up; every step a :class:`ProbeResult`.

1. **Set-up** (area ``operations``): CreateUserPool, CreateUserPoolClient with
   ``ALLOW_USER_PASSWORD_AUTH``, AdminCreateUser, AdminSetUserPassword (permanent) and InitiateAuth
   (``USER_PASSWORD_AUTH``), whose tokens the capture checks judge as issued tokens.  A step that
   fails skips what depends on it, with the reason.
2. **The seed operations** (AdminGetUser, GetUser, GetUserAuthFactors): their successes, and the
   service's refusals of a missing user, pool or password.
3. **Validation**: missing, empty, oversized and pattern-breaking members, wrong JSON types, an
   unknown member, an empty body, ``[]``, malformed JSON, an access-token lifetime the service does
   not allow.  The service's answer is the library's sans-IO answer (:mod:`.expect`).
4. **Envelope and routing**: a wrong or missing Content-Type, an unknown, a foreign and a missing
   ``X-Amz-Target``, an unsigned call to a SigV4 operation.
5. **Tokens**: garbage, a broken signature, an ID token as the access token; with the emulator's
   signing key, a token re-signed without the ``aws.cognito.signin.user.admin`` scope and one
   re-signed expired; without it, an expired token when the emulator lets an app client's
   lifetime be a second, skipped with the reason otherwise; revoked tokens after RevokeToken and
   after GlobalSignOut.
6. **Clean-up**: the user, the app clients and the pool, deleted even when the budget is spent
   (a reserve is kept for it).  What could not be deleted is listed in the report.
"""

from __future__ import annotations

import base64
import json
import secrets
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Final

from cognito_spec.codec.body import decode_body
from cognito_spec.errors import DecodeError, ProbeError
from cognito_spec.operations import TARGET_PREFIX, operation
from cognito_spec.probe.expect import (
    Area,
    Expected,
    Scrubber,
    expect_error,
    expect_reference,
    expect_success,
    judge,
)
from cognito_spec.probe.report import ProbeResult
from cognito_spec.probe.transport import BudgetSpent, Recorder
from cognito_spec.protocol.envelope import (
    ACCESS_TOKEN_EXPIRED,
    ACCESS_TOKEN_MISSING_SCOPES,
    ACCESS_TOKEN_REVOKED,
    INVALID_ACCESS_TOKEN,
)
from cognito_spec.protocol.server import CONTENT_TYPE
from cognito_spec.traffic.record import Exchange

if TYPE_CHECKING:
    from cognito_spec.tokens.keys import SigningKey

__all__ = ["Scenario"]

# Where the library holds each fact the scenario states itself (the rest come from the sans-IO
# layer, whose source is the rule in cognito_spec/protocol/server.py named by the probe).
_SRC_MODEL: Final = "the model ({version}): {op} answers {out}"
_SRC_TOKENS: Final = "wire-truth.md section 5 [V]; cognito_spec.tokens.judge ({message!r})"
_SRC_MESSAGES: Final = "cognito_spec/fixtures/messages.py: {code} ({where})"
_SRC_ROUTE: Final = "cognito_spec/protocol/server.py, route(): step 1 (X-Amz-Target routing)"
_SRC_PROTOCOL: Final = (
    "cognito_spec/protocol/server.py, route(): step 2 (the Content-Type picks the protocol)"
)
_SRC_AUTH: Final = "cognito_spec/protocol/auth.py (unsigned call to a sigv4 operation)"
_SRC_DECODE: Final = (
    "cognito_spec/protocol/server.py, decode(): steps 3-4; cognito_spec/validation/answers.py"
)
_SRC_LIFETIME: Final = (
    "wire-truth.md section 5 [V]: an access token lives 5 minutes to 1 day; [I] a lifetime outside"
    " that is refused with InvalidParameterException, message not on record"
)
_ADMIN_SCOPE: Final = "aws.cognito.signin.user.admin"
#: A token of the right form that no key signed: a header, claims and a "signature".
_GARBAGE: Final = (
    b'{"alg":"RS256","kid":"cognito-spec-probe"}',
    b'{"token_use":"access"}',
    b"not a signature",
)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _body(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode("utf-8")


def _object(raw: bytes) -> dict[str, Any]:
    """``raw`` read as a JSON object, or {} (the codec's reader: bounded nesting, typed errors)."""
    try:
        data = decode_body(raw)
    except DecodeError:
        return {}
    return data if isinstance(data, dict) else {}


def _json(ex: Exchange) -> dict[str, Any]:
    """A success's body as an object ({} when it is not one: the capture checks report that)."""
    if ex.status is None or not 200 <= ex.status < 300 or not ex.response_body:
        return {}
    return _object(ex.response_body)


def _claims(token: str) -> dict[str, Any]:
    try:
        return _object(_unb64(token.split(".")[1]))
    except (ValueError, IndexError):  # not base64url, or no second segment
        return {}


class Scenario:
    """One run against one endpoint (see the module documentation); :meth:`run` fills ``results``."""

    def __init__(self, recorder: Recorder, scrub: Scrubber, *, key: SigningKey | None = None) -> None:
        self.rec = recorder
        self.scrub = scrub
        self.key = key
        self.results: list[ProbeResult] = []
        self.stopped = ""
        self.left_behind: list[str] = []
        tag = secrets.token_hex(4)
        self.pool_name = f"cognito-spec-probe-{tag}"
        # The user's name is drawn apart from the pool's: a redacted HAR shows the pool name.
        user_tag = secrets.token_hex(4)
        self.username = f"probe-{user_tag}"
        self.email = f"probe-{user_tag}@example.com"
        # Meets the default password policy: 8+ characters, upper, lower, digit, symbol.
        self.password = f"Pr0be!{secrets.token_urlsafe(12)}"
        self.temporary = f"T3mp!{secrets.token_urlsafe(12)}"
        for name, value in (
            ("username", self.username),
            ("email", self.email),
            ("password", self.password),
            ("temporary password", self.temporary),
        ):
            scrub.add(name, value)
        self.pool_id: str | None = None
        self.client_id: str | None = None
        self.clients: list[str] = []
        self.user_created = False
        self.tokens: dict[str, str] = {}

    # -- sending and judging -------------------------------------------------------------------
    def send(
        self,
        op_name: str | None,
        body: bytes,
        *,
        target: str | None = None,
        sign: bool | None = None,
        content_type: str | None = CONTENT_TYPE,
    ) -> Exchange:
        """POST ``body`` to ``op_name`` (or the raw ``target``), signed when the operation needs it."""
        if op_name is not None:
            op = operation(op_name)
            target = op.target
            if sign is None:
                sign = op.auth == "sigv4"
        return self.rec.send(target, body, sign=bool(sign), content_type=content_type)

    def probe(
        self,
        pid: str,
        area: Area,
        title: str,
        expected: Expected,
        ex: Exchange,
        extra: Callable[[Exchange], Mapping[str, str | None]] | None = None,
    ) -> bool:
        """Judge ``ex`` against ``expected``, record the result; True when every check passed."""
        failure = self.rec.failures.get(ex.index, "")
        # A probe's own checks read a success's body: they are not run on a refusal or a failure.
        more = extra(ex) if extra is not None and self.succeeded(ex) else None
        got, checks, findings = judge(ex, expected, area, self.scrub, failure=failure, extra=more)
        ok = all(c.ok for c in checks)
        self.results.append(
            ProbeResult(
                pid,
                area,
                title,
                "pass" if ok else "fail",
                expected,
                got,
                tuple(checks),
                tuple(findings),
                (ex.index,),
            )
        )
        return ok and not failure

    def reference(
        self, pid: str, area: Area, title: str, op_name: str | None, body: bytes, source: str, **kw: Any
    ) -> Exchange:
        """Send a request and judge it against the library's own answer to the same bytes."""
        ex = self.send(op_name, body, **kw)
        self.probe(pid, area, title, expect_reference(ex.request_headers, body, source), ex)
        return ex

    def skip(self, pid: str, area: Area, title: str, reason: str) -> None:
        self.results.append(ProbeResult(pid, area, title, "skip", reason=reason))

    def succeeded(self, ex: Exchange) -> bool:
        return ex.status is not None and 200 <= ex.status < 300

    # -- the run -------------------------------------------------------------------------------
    def run(self) -> None:
        try:
            if self.set_up():
                self.seed_operations()
                self.validation()
                self.envelope()
                self.token_cases()
            else:
                self.envelope()  # routing needs no pool
        except BudgetSpent as exc:
            self.stopped = str(exc)
        finally:
            self.rec.cleaning_up()
            self.clean_up()

    def _model(self, op_name: str) -> str:
        from cognito_spec.shapes import MODEL_VERSION

        op = operation(op_name)
        out = op.output.__name__ if op.output is not None else "an empty object"
        return _SRC_MODEL.format(version=MODEL_VERSION, op=op_name, out=out)

    def set_up(self) -> bool:
        ex = self.send("CreateUserPool", _body({"PoolName": self.pool_name}))
        if ex.status is None:  # no HTTP at all: nothing to measure, and every probe would wait as long
            failure = self.rec.failures.get(ex.index, "no response")
            raise ProbeError(f"{self.rec.endpoint.url} does not answer: {failure}")
        pool = _json(ex).get("UserPool", {})
        pool_id = pool.get("Id") if isinstance(pool, dict) else None

        def created(_: Exchange) -> dict[str, str | None]:
            return {"pool id": None if isinstance(pool_id, str) else "no UserPool.Id in the answer"}

        self.probe(
            "setup/CreateUserPool",
            "operations",
            "create a user pool",
            expect_success(self._model("CreateUserPool")),
            ex,
            created,
        )
        if not isinstance(pool_id, str):
            return self._skip_rest("CreateUserPool gave no pool id")
        self.pool_id = pool_id

        client_id = self.create_client(
            "setup/CreateUserPoolClient", "an app client with ALLOW_USER_PASSWORD_AUTH", {}
        )
        if client_id is None:
            return self._skip_rest("CreateUserPoolClient gave no client id")
        self.client_id = client_id

        ex = self.send(
            "AdminCreateUser",
            _body(
                {
                    "UserPoolId": pool_id,
                    "Username": self.username,
                    "TemporaryPassword": self.temporary,
                    "MessageAction": "SUPPRESS",
                    "UserAttributes": [
                        {"Name": "email", "Value": self.email},
                        {"Name": "email_verified", "Value": "true"},
                    ],
                }
            ),
        )
        self.user_created = self.succeeded(ex)
        self.probe(
            "setup/AdminCreateUser",
            "operations",
            "create a user (message suppressed)",
            expect_success(self._model("AdminCreateUser")),
            ex,
        )
        if not self.user_created:
            return self._skip_rest("AdminCreateUser failed")

        ex = self.send(
            "AdminSetUserPassword",
            _body(
                {
                    "UserPoolId": pool_id,
                    "Username": self.username,
                    "Password": self.password,
                    "Permanent": True,
                }
            ),
        )
        self.probe(
            "setup/AdminSetUserPassword",
            "operations",
            "give the user a permanent password",
            expect_success(self._model("AdminSetUserPassword")),
            ex,
        )
        if not self.succeeded(ex):
            return self._skip_rest("AdminSetUserPassword failed")

        tokens = self.sign_in("setup/InitiateAuth", "sign in with USER_PASSWORD_AUTH", client_id)
        if tokens is None:
            self._skip_tokens = "InitiateAuth gave no tokens"
        else:
            self.tokens = tokens
            self._skip_tokens = ""
        return True

    def _skip_rest(self, reason: str) -> bool:
        self.skip("setup/rest", "operations", "the rest of the set-up and the probes that need it", reason)
        return False

    def create_client(self, pid: str, title: str, extra: dict[str, Any]) -> str | None:
        body = {
            "UserPoolId": self.pool_id,
            "ClientName": "cognito-spec-probe",
            "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
            **extra,
        }
        ex = self.send("CreateUserPoolClient", _body(body))
        client = _json(ex).get("UserPoolClient", {})
        client_id = client.get("ClientId") if isinstance(client, dict) else None
        if isinstance(client_id, str):
            self.clients.append(client_id)
        if not extra:
            self.probe(
                pid,
                "operations",
                title,
                expect_success(self._model("CreateUserPoolClient")),
                ex,
                lambda _: {"client id": None if isinstance(client_id, str) else "no UserPoolClient.ClientId"},
            )
        else:
            self.probe(
                pid,
                "validation",
                title,
                expect_error("InvalidParameterException", None, _SRC_LIFETIME, message_known=False),
                ex,
            )
        return client_id if isinstance(client_id, str) else None

    def sign_in(self, pid: str, title: str, client_id: str) -> dict[str, str] | None:
        ex = self.send(
            "InitiateAuth",
            _body(
                {
                    "AuthFlow": "USER_PASSWORD_AUTH",
                    "ClientId": client_id,
                    "AuthParameters": {"USERNAME": self.username, "PASSWORD": self.password},
                }
            ),
        )
        result = _json(ex).get("AuthenticationResult", {})
        tokens = {
            k: result[k]
            for k in ("AccessToken", "IdToken", "RefreshToken")
            if isinstance(result, dict) and isinstance(result.get(k), str)
        }
        for k, v in tokens.items():
            self.scrub.add(k, v)

        def got_tokens(_: Exchange) -> dict[str, str | None]:
            missing = [k for k in ("AccessToken", "IdToken", "RefreshToken") if k not in tokens]
            return {"tokens": "no " + ", ".join(missing) if missing else None}

        self.probe(
            pid,
            "tokens" if pid != "setup/InitiateAuth" else "operations",
            title,
            expect_success(self._model("InitiateAuth")),
            ex,
            got_tokens,
        )
        return tokens if len(tokens) == 3 else None

    # -- 2. the seed operations ----------------------------------------------------------------
    def seed_operations(self) -> None:
        pool = self.pool_id
        ex = self.send("AdminGetUser", _body({"UserPoolId": pool, "Username": self.username}))

        def the_user(e: Exchange) -> dict[str, str | None]:
            data = _json(e)
            attrs_ = {
                a.get("Name"): a.get("Value") for a in data.get("UserAttributes", []) if isinstance(a, dict)
            }
            return {
                "username": None if data.get("Username") == self.username else "not the user asked for",
                "status": None
                if data.get("UserStatus") == "CONFIRMED"
                else f"UserStatus {data.get('UserStatus')!r}, not CONFIRMED after a permanent password",
                "attributes": None
                if attrs_.get("email") == self.email and "sub" in attrs_
                else "email or sub missing from UserAttributes",
            }

        self.probe(
            "AdminGetUser/success",
            "operations",
            "AdminGetUser of the user",
            expect_success(self._model("AdminGetUser")),
            ex,
            the_user,
        )
        ex = self.send("AdminGetUser", _body({"UserPoolId": pool, "Username": f"{self.username}-absent"}))
        self.probe(
            "AdminGetUser/unknown-user",
            "operations",
            "AdminGetUser of a user the pool lacks",
            expect_error(
                "UserNotFoundException",
                "User does not exist.",
                _SRC_MESSAGES.format(code="UserNotFoundException", where="amazon-cognito-identity-js#192"),
            ),
            ex,
        )
        absent_pool = f"{self.rec.region}_0NoSuchPool"
        ex = self.send("AdminGetUser", _body({"UserPoolId": absent_pool, "Username": self.username}))
        self.probe(
            "AdminGetUser/unknown-pool",
            "operations",
            "AdminGetUser in a pool that does not exist",
            expect_error(
                "ResourceNotFoundException",
                f"User pool {absent_pool} does not exist.",
                _SRC_MESSAGES.format(code="ResourceNotFoundException", where="getmoto/moto#4434"),
            ),
            ex,
        )
        ex = self.send(
            "InitiateAuth",
            _body(
                {
                    "AuthFlow": "USER_PASSWORD_AUTH",
                    "ClientId": self.client_id,
                    "AuthParameters": {"USERNAME": self.username, "PASSWORD": self.password + "x"},
                }
            ),
        )
        self.probe(
            "InitiateAuth/wrong-password",
            "operations",
            "InitiateAuth with a wrong password",
            expect_error(
                "NotAuthorizedException",
                "Incorrect username or password.",
                _SRC_MESSAGES.format(code="NotAuthorizedException", where="amazon-cognito-identity-js#506"),
            ),
            ex,
        )
        if self._skip_tokens:
            for pid in ("GetUser/success", "GetUserAuthFactors/success"):
                self.skip(pid, "operations", "needs an access token", self._skip_tokens)
            return
        access = self.tokens["AccessToken"]
        ex = self.send("GetUser", _body({"AccessToken": access}))
        self.probe(
            "GetUser/success",
            "operations",
            "GetUser with the access token",
            expect_success(self._model("GetUser")),
            ex,
            lambda e: {
                "username": None if _json(e).get("Username") == self.username else "not the signed-in user"
            },
        )
        ex = self.send("GetUserAuthFactors", _body({"AccessToken": access}))

        def factors(e: Exchange) -> dict[str, str | None]:
            data = _json(e)
            # [I] a user with a password lists PASSWORD among its configured factors.
            configured = data.get("ConfiguredUserAuthFactors")
            return {
                "username": None if data.get("Username") == self.username else "not the signed-in user",
                "factors": None
                if isinstance(configured, list) and "PASSWORD" in configured
                else "PASSWORD not among ConfiguredUserAuthFactors [I]",
            }

        self.probe(
            "GetUserAuthFactors/success",
            "operations",
            "GetUserAuthFactors with the access token",
            expect_success(self._model("GetUserAuthFactors")),
            ex,
            factors,
        )

    # -- 3. validation -------------------------------------------------------------------------
    def validation(self) -> None:
        pool, user = self.pool_id, self.username
        cases: list[tuple[str, str, str, bytes]] = [
            (
                "AdminGetUser/missing-member",
                "AdminGetUser without Username",
                "AdminGetUser",
                _body({"UserPoolId": pool}),
            ),
            (
                "AdminGetUser/empty-member",
                "AdminGetUser with an empty Username",
                "AdminGetUser",
                _body({"UserPoolId": pool, "Username": ""}),
            ),
            (
                "AdminGetUser/oversized-member",
                "AdminGetUser with a 129-character Username",
                "AdminGetUser",
                _body({"UserPoolId": pool, "Username": "u" * 129}),
            ),
            (
                "AdminGetUser/pattern-member",
                "AdminGetUser with a UserPoolId that breaks its pattern",
                "AdminGetUser",
                _body({"UserPoolId": "no pool id", "Username": user}),
            ),
            (
                "AdminGetUser/two-errors",
                "AdminGetUser with two invalid members",
                "AdminGetUser",
                _body({"UserPoolId": "x" * 56, "Username": ""}),
            ),
            (
                "AdminGetUser/wrong-type",
                "AdminGetUser with a number for Username",
                "AdminGetUser",
                _body({"UserPoolId": pool, "Username": 5}),
            ),
            (
                "AdminGetUser/object-for-string",
                "AdminGetUser with an object for UserPoolId",
                "AdminGetUser",
                _body({"UserPoolId": {}, "Username": user}),
            ),
            (
                "AdminGetUser/unknown-member",
                "AdminGetUser with a member the model lacks",
                "AdminGetUser",
                _body({"UserPoolId": pool, "Username": user, "ProbeOnly": 1}),
            ),
            ("AdminGetUser/empty-body", "AdminGetUser with an empty body", "AdminGetUser", b""),
            ("AdminGetUser/array-body", "AdminGetUser with [] for a body", "AdminGetUser", b"[]"),
            (
                "AdminGetUser/malformed-json",
                "AdminGetUser with malformed JSON",
                "AdminGetUser",
                b'{"UserPoolId": ',
            ),
            ("GetUser/missing-token", "GetUser without AccessToken", "GetUser", b"{}"),
            (
                "GetUser/empty-token",
                "GetUser with an empty AccessToken",
                "GetUser",
                _body({"AccessToken": ""}),
            ),
            (
                "GetUserAuthFactors/pattern-token",
                "GetUserAuthFactors with an AccessToken that breaks its pattern",
                "GetUserAuthFactors",
                _body({"AccessToken": "not a token!"}),
            ),
        ]
        for pid, title, op_name, body in cases:
            self.reference(pid, "validation", title, op_name, body, _SRC_DECODE)
        self.short_client = self.create_client(
            "CreateUserPoolClient/short-lifetime",
            "an app client whose access token lives 1 second",
            {"AccessTokenValidity": 1, "TokenValidityUnits": {"AccessToken": "seconds"}},
        )

    # -- 4. envelope and routing ---------------------------------------------------------------
    def envelope(self) -> None:
        body = _body(
            {"UserPoolId": self.pool_id or f"{self.rec.region}_0NoSuchPool", "Username": self.username}
        )
        self.reference(
            "envelope/json-content-type",
            "envelope",
            "Content-Type application/json",
            "AdminGetUser",
            body,
            _SRC_PROTOCOL,
            content_type="application/json",
        )
        self.reference(
            "envelope/no-content-type",
            "envelope",
            "no Content-Type",
            "AdminGetUser",
            body,
            _SRC_PROTOCOL,
            content_type=None,
        )
        self.reference(
            "envelope/unknown-target",
            "envelope",
            "an X-Amz-Target the model lacks",
            None,
            b"{}",
            _SRC_ROUTE,
            target=f"{TARGET_PREFIX}.NoSuchOperation",
            sign=True,
        )
        self.reference(
            "envelope/foreign-target",
            "envelope",
            "another service's X-Amz-Target",
            None,
            b"{}",
            _SRC_ROUTE,
            target="DynamoDB_20120810.ListTables",
            sign=True,
        )
        self.reference(
            "envelope/no-target", "envelope", "no X-Amz-Target", None, b"{}", _SRC_ROUTE, sign=True
        )
        self.reference(
            "envelope/unsigned",
            "envelope",
            "AdminGetUser without a SigV4 signature",
            "AdminGetUser",
            body,
            _SRC_AUTH,
            sign=False,
        )

    # -- 5. tokens -----------------------------------------------------------------------------
    def _token_probe(self, pid: str, title: str, token: str, message: str, op_name: str = "GetUser") -> None:
        ex = self.send(op_name, _body({"AccessToken": token}))
        source = _SRC_TOKENS.format(message=message)
        self.probe(pid, "tokens", title, expect_error("NotAuthorizedException", message, source), ex)

    def _resign(self, token: str, change: Callable[[dict[str, Any]], None]) -> str | None:
        """``token`` with its claims changed and signed again with the emulator's key (its header,
        ``kid`` included, kept); None when there is no key."""
        if self.key is None:
            return None
        header, payload, _ = token.split(".")
        claims = json.loads(_unb64(payload))
        change(claims)
        body = _b64(json.dumps(claims, separators=(",", ":")).encode("utf-8"))
        signature = self.key.sign(f"{header}.{body}".encode("ascii"))
        return f"{header}.{body}.{_b64(signature)}"

    def token_cases(self) -> None:
        names = (
            "tokens/garbage",
            "tokens/bad-signature",
            "tokens/id-token",
            "tokens/no-admin-scope",
            "tokens/expired",
            "tokens/revoked-by-RevokeToken",
            "tokens/revoked-by-GlobalSignOut",
        )
        if self._skip_tokens:
            for pid in names:
                self.skip(pid, "tokens", "needs the set-up's tokens", self._skip_tokens)
            return
        access, id_token = self.tokens["AccessToken"], self.tokens["IdToken"]
        garbage = ".".join(_b64(p) for p in _GARBAGE)
        self._token_probe(
            "tokens/garbage", "GetUser with a token no key signed", garbage, INVALID_ACCESS_TOKEN
        )
        head, payload, signature = access.split(".")
        flipped = _b64(bytes(b ^ 0x01 for b in _unb64(signature)[:1]) + _unb64(signature)[1:])
        self._token_probe(
            "tokens/bad-signature",
            "GetUser with the access token's signature broken",
            f"{head}.{payload}.{flipped}",
            INVALID_ACCESS_TOKEN,
        )
        self._token_probe(
            "tokens/id-token", "GetUser with the ID token as the access token", id_token, INVALID_ACCESS_TOKEN
        )
        self._token_probe(
            "tokens/id-token-factors",
            "GetUserAuthFactors with the ID token",
            id_token,
            INVALID_ACCESS_TOKEN,
            "GetUserAuthFactors",
        )

        key_reason = ""
        if self.key is None:
            key_reason = "no emulator key given (--emulator-key): a token cannot be re-signed"
        elif self._resign(access, lambda c: None) != access:
            key_reason = "the given key does not sign this emulator's tokens (re-signing the access token unchanged gave another token)"
        if key_reason:
            self.skip(
                "tokens/no-admin-scope", "tokens", "GetUser with a token without the admin scope", key_reason
            )
        else:

            def no_admin(c: dict[str, Any]) -> None:
                c["scope"] = (
                    " ".join(s for s in str(c.get("scope", "")).split() if s != _ADMIN_SCOPE) or "openid"
                )

            token = self._resign(access, no_admin)
            assert token is not None
            self.scrub.add("re-signed token", token)
            self._token_probe(
                "tokens/no-admin-scope",
                "GetUser with a token re-signed without the admin scope",
                token,
                ACCESS_TOKEN_MISSING_SCOPES,
            )
        self.expired(access, key_reason)
        self.revoked()

    def expired(self, access: str, key_reason: str) -> None:
        title = "GetUser with an expired access token"
        if not key_reason:
            now = int(time.time())

            def past(c: dict[str, Any]) -> None:
                c["iat"] = c["auth_time"] = now - 3720
                c["exp"] = now - 120

            token = self._resign(access, past)
            assert token is not None
            self.scrub.add("re-signed token", token)
            self._token_probe(
                "tokens/expired", title + " (re-signed, expired 2 minutes ago)", token, ACCESS_TOKEN_EXPIRED
            )
            return
        client = getattr(self, "short_client", None)
        if client is None:
            self.skip(
                "tokens/expired",
                "tokens",
                title,
                f"{key_reason}, and the emulator refuses a 1-second access-token lifetime, as the service does",
            )
            return
        tokens = self.sign_in("tokens/short-lifetime-sign-in", "sign in with the 1-second app client", client)
        if tokens is None:
            self.skip("tokens/expired", "tokens", title, "the 1-second app client gave no tokens")
            return
        claims = _claims(tokens["AccessToken"])
        exp, iat = claims.get("exp"), claims.get("iat")
        if not (isinstance(exp, int) and isinstance(iat, int) and exp - iat <= 5):
            self.skip(
                "tokens/expired",
                "tokens",
                title,
                "the emulator took a 1-second lifetime but issued a token that lives longer (exp - iat > 5 s)",
            )
            return
        time.sleep(max(0.0, exp - time.time()) + 1.0)
        self._token_probe(
            "tokens/expired",
            title + " (1-second lifetime, waited)",
            tokens["AccessToken"],
            ACCESS_TOKEN_EXPIRED,
        )

    def revoked(self) -> None:
        assert self.client_id is not None
        session = self.sign_in("tokens/second-sign-in", "a second sign-in, to revoke", self.client_id)
        if session is None:
            self.skip(
                "tokens/revoked-by-RevokeToken",
                "tokens",
                "GetUser after RevokeToken",
                "the second sign-in gave no tokens",
            )
        else:
            ex = self.send(
                "RevokeToken", _body({"Token": session["RefreshToken"], "ClientId": self.client_id})
            )
            if self.probe(
                "tokens/RevokeToken",
                "tokens",
                "RevokeToken with the refresh token",
                expect_success(self._model("RevokeToken")),
                ex,
            ):
                self._token_probe(
                    "tokens/revoked-by-RevokeToken",
                    "GetUser with an access token of the revoked session",
                    session["AccessToken"],
                    ACCESS_TOKEN_REVOKED,
                )
            else:
                self.skip(
                    "tokens/revoked-by-RevokeToken",
                    "tokens",
                    "GetUser after RevokeToken",
                    "RevokeToken failed",
                )
        access = self.tokens["AccessToken"]
        ex = self.send("GlobalSignOut", _body({"AccessToken": access}))
        if self.probe(
            "tokens/GlobalSignOut",
            "tokens",
            "GlobalSignOut with the access token",
            expect_success(self._model("GlobalSignOut")),
            ex,
        ):
            self._token_probe(
                "tokens/revoked-by-GlobalSignOut",
                "GetUser with the access token after GlobalSignOut",
                access,
                ACCESS_TOKEN_REVOKED,
            )
        else:
            self.skip(
                "tokens/revoked-by-GlobalSignOut",
                "tokens",
                "GetUser after GlobalSignOut",
                "GlobalSignOut failed",
            )

    # -- 6. clean-up ---------------------------------------------------------------------------
    def clean_up(self) -> None:
        if self.pool_id is None:
            return
        pool = self.pool_id
        steps: list[tuple[str, str, str, dict[str, Any], str]] = []
        if self.user_created:
            body = {"UserPoolId": pool, "Username": self.username}
            steps.append(("cleanup/AdminDeleteUser", "delete the user", "AdminDeleteUser", body, "the user"))
        for n, client in enumerate(self.clients):
            pid = "cleanup/DeleteUserPoolClient" + ("" if n == 0 else f"-{n + 1}")
            body = {"UserPoolId": pool, "ClientId": client}
            steps.append((pid, "delete an app client", "DeleteUserPoolClient", body, f"app client {client}"))
        steps.append(
            (
                "cleanup/DeleteUserPool",
                "delete the user pool",
                "DeleteUserPool",
                {"UserPoolId": pool},
                f"user pool {pool}",
            )
        )
        for pid, title, op_name, body, what in steps:
            try:
                ex = self.send(op_name, _body(body))
            except BudgetSpent:
                self.left_behind.append(what)
                continue
            if not self.probe(pid, "operations", title, expect_success(self._model(op_name)), ex):
                self.left_behind.append(what)
