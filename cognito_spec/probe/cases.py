"""The probes of requests: the seed operations' answers, validation, envelope and routing.

Each method sends its requests and records one result per probe; the service's answer to a
malformed request is the library's own (:func:`~cognito_spec.probe.expect.expect_reference`).
"""

from __future__ import annotations

from cognito_spec.fixtures.messages import MESSAGES
from cognito_spec.operations import TARGET_PREFIX
from cognito_spec.probe.base import (
    SRC_AUTH,
    SRC_DECODE,
    SRC_INCOMPLETE,
    SRC_MESSAGES,
    SRC_PROTOCOL,
    SRC_ROUTE,
    ScenarioBase,
    body_of,
    json_of,
)
from cognito_spec.probe.expect import expect_error, expect_success
from cognito_spec.probe.transport import FAKE_ACCESS_KEY
from cognito_spec.traffic.record import Exchange

__all__ = ["RequestCases"]


class RequestCases(ScenarioBase):
    """Sections 2 to 4 of the scenario (see :mod:`cognito_spec.probe.scenario`)."""

    # -- 2. the seed operations ----------------------------------------------------------------
    def seed_operations(self) -> None:
        pool = self.pool_id
        ex = self.send("AdminGetUser", body_of({"UserPoolId": pool, "Username": self.username}))

        def the_user(e: Exchange) -> dict[str, str | None]:
            data = json_of(e)
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
        ex = self.send("AdminGetUser", body_of({"UserPoolId": pool, "Username": f"{self.username}-absent"}))
        self.probe(
            "AdminGetUser/unknown-user",
            "operations",
            "AdminGetUser of a user the pool lacks",
            expect_error(
                "UserNotFoundException",
                MESSAGES["UserNotFoundException"][0],
                SRC_MESSAGES.format(code="UserNotFoundException", where="amazon-cognito-identity-js#192"),
            ),
            ex,
        )
        absent_pool = f"{self.rec.region}_0NoSuchPool"
        ex = self.send("AdminGetUser", body_of({"UserPoolId": absent_pool, "Username": self.username}))
        self.probe(
            "AdminGetUser/unknown-pool",
            "operations",
            "AdminGetUser in a pool that does not exist",
            expect_error(
                "ResourceNotFoundException",
                MESSAGES["ResourceNotFoundException"][0].replace("{pool}", absent_pool),
                SRC_MESSAGES.format(code="ResourceNotFoundException", where="getmoto/moto#4434"),
            ),
            ex,
        )
        ex = self.send(
            "InitiateAuth",
            body_of(
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
                MESSAGES["NotAuthorizedException"][0],
                SRC_MESSAGES.format(code="NotAuthorizedException", where="amazon-cognito-identity-js#506"),
            ),
            ex,
        )
        if self._skip_tokens:
            for pid in ("GetUser/success", "GetUserAuthFactors/success"):
                self.skip(pid, "operations", "needs an access token", self._skip_tokens)
            return
        access = self.tokens["AccessToken"]
        ex = self.send("GetUser", body_of({"AccessToken": access}))
        self.probe(
            "GetUser/success",
            "operations",
            "GetUser with the access token",
            expect_success(self._model("GetUser")),
            ex,
            lambda e: {
                "username": None if json_of(e).get("Username") == self.username else "not the signed-in user"
            },
        )
        ex = self.send("GetUserAuthFactors", body_of({"AccessToken": access}))

        def factors(e: Exchange) -> dict[str, str | None]:
            data = json_of(e)
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
                body_of({"UserPoolId": pool}),
            ),
            (
                "AdminGetUser/empty-member",
                "AdminGetUser with an empty Username",
                "AdminGetUser",
                body_of({"UserPoolId": pool, "Username": ""}),
            ),
            (
                "AdminGetUser/oversized-member",
                "AdminGetUser with a 129-character Username",
                "AdminGetUser",
                body_of({"UserPoolId": pool, "Username": "u" * 129}),
            ),
            (
                "AdminGetUser/pattern-member",
                "AdminGetUser with a UserPoolId that breaks its pattern",
                "AdminGetUser",
                body_of({"UserPoolId": "no pool id", "Username": user}),
            ),
            (
                "AdminGetUser/two-errors",
                "AdminGetUser with two invalid members",
                "AdminGetUser",
                body_of({"UserPoolId": "x" * 56, "Username": ""}),
            ),
            (
                "AdminGetUser/wrong-type",
                "AdminGetUser with a number for Username",
                "AdminGetUser",
                body_of({"UserPoolId": pool, "Username": 5}),
            ),
            (
                "AdminGetUser/object-for-string",
                "AdminGetUser with an object for UserPoolId",
                "AdminGetUser",
                body_of({"UserPoolId": {}, "Username": user}),
            ),
            (
                "AdminGetUser/unknown-member",
                "AdminGetUser with a member the model lacks",
                "AdminGetUser",
                body_of({"UserPoolId": pool, "Username": user, "ProbeOnly": 1}),
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
                body_of({"AccessToken": ""}),
            ),
            (
                "GetUserAuthFactors/pattern-token",
                "GetUserAuthFactors with an AccessToken that breaks its pattern",
                "GetUserAuthFactors",
                body_of({"AccessToken": "not a token!"}),
            ),
        ]
        for pid, title, op_name, body in cases:
            self.reference(pid, "validation", title, op_name, body, SRC_DECODE)
        self.short_client = self.create_client(
            "CreateUserPoolClient/short-lifetime",
            "an app client whose access token lives 1 second",
            {"AccessTokenValidity": 1, "TokenValidityUnits": {"AccessToken": "seconds"}},
        )

    # -- 4. envelope and routing ---------------------------------------------------------------
    def envelope(self) -> None:
        body = body_of(
            {"UserPoolId": self.pool_id or f"{self.rec.region}_0NoSuchPool", "Username": self.username}
        )
        self.reference(
            "envelope/json-content-type",
            "envelope",
            "Content-Type application/json",
            "AdminGetUser",
            body,
            SRC_PROTOCOL,
            content_type="application/json",
        )
        self.reference(
            "envelope/no-content-type",
            "envelope",
            "no Content-Type",
            "AdminGetUser",
            body,
            SRC_PROTOCOL,
            content_type=None,
        )
        self.reference(
            "envelope/unknown-target",
            "envelope",
            "an X-Amz-Target the model lacks",
            None,
            b"{}",
            SRC_ROUTE,
            target=f"{TARGET_PREFIX}.NoSuchOperation",
            sign=True,
        )
        self.reference(
            "envelope/foreign-target",
            "envelope",
            "another service's X-Amz-Target",
            None,
            b"{}",
            SRC_ROUTE,
            target="DynamoDB_20120810.ListTables",
            sign=True,
        )
        self.reference("envelope/no-target", "envelope", "no X-Amz-Target", None, b"{}", SRC_ROUTE, sign=True)
        self.reference(
            "envelope/unsigned",
            "envelope",
            "AdminGetUser without a SigV4 signature",
            "AdminGetUser",
            body,
            SRC_AUTH,
            sign=False,
        )
        # A signature header that names its credential and nothing else.
        partial = f"AWS4-HMAC-SHA256 Credential={FAKE_ACCESS_KEY}/20260101/{self.rec.region}/cognito-idp/aws4_request"
        self.reference(
            "envelope/incomplete-signature",
            "envelope",
            "AdminGetUser whose signature lacks its parts",
            "AdminGetUser",
            body,
            SRC_INCOMPLETE,
            sign=True,
            authorization=partial,
        )
