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

from typing import Any

from cognito_spec.errors import ProbeError
from cognito_spec.probe.base import body_of, json_of
from cognito_spec.probe.cases import RequestCases
from cognito_spec.probe.expect import expect_success
from cognito_spec.probe.tokencases import TokenCases
from cognito_spec.probe.transport import BudgetSpent
from cognito_spec.traffic.record import Exchange

__all__ = ["Scenario"]


class Scenario(RequestCases, TokenCases):
    """One run against one endpoint (see the module documentation); :meth:`run` fills ``results``."""

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

    def set_up(self) -> bool:
        ex = self.send("CreateUserPool", body_of({"PoolName": self.pool_name}))
        if ex.status is None:  # no HTTP at all: nothing to measure, and every probe would wait as long
            failure = self.rec.failures.get(ex.index, "no response")
            raise ProbeError(f"{self.rec.endpoint.url} does not answer: {failure}")
        pool = json_of(ex).get("UserPool", {})
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
            body_of(
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
            body_of(
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
                ex = self.send(op_name, body_of(body))
            except BudgetSpent:
                self.left_behind.append(what)
                continue
            if not self.probe(pid, "operations", title, expect_success(self._model(op_name)), ex):
                self.left_behind.append(what)
