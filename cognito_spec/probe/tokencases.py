"""The token probes: unreadable, forged, misused, re-signed, expired and revoked access tokens.

The service's answers are its four ``NotAuthorizedException`` messages (wire-truth.md section 5).
Re-signing needs the emulator's own key: a token's claims are changed and signed again, its
header (``kid`` included) kept, so only the changed claim can make the emulator refuse it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from cognito_spec.probe.base import (
    ADMIN_SCOPE,
    GARBAGE,
    SRC_TOKENS,
    ScenarioBase,
    b64,
    body_of,
    claims_of,
    unb64,
)
from cognito_spec.probe.expect import expect_error, expect_success
from cognito_spec.protocol.envelope import (
    ACCESS_TOKEN_EXPIRED,
    ACCESS_TOKEN_MISSING_SCOPES,
    ACCESS_TOKEN_REVOKED,
    INVALID_ACCESS_TOKEN,
)

__all__ = ["TokenCases"]


class TokenCases(ScenarioBase):
    """Section 5 of the scenario (see :mod:`cognito_spec.probe.scenario`)."""

    # -- 5. tokens -----------------------------------------------------------------------------
    def _token_probe(self, pid: str, title: str, token: str, message: str, op_name: str = "GetUser") -> None:
        ex = self.send(op_name, body_of({"AccessToken": token}))
        source = SRC_TOKENS.format(message=message)
        self.probe(pid, "tokens", title, expect_error("NotAuthorizedException", message, source), ex)

    def _resign(self, token: str, change: Callable[[dict[str, Any]], None]) -> str | None:
        """``token`` with its claims changed and signed again with the emulator's key (its header,
        ``kid`` included, kept); None when there is no key."""
        if self.key is None:
            return None
        header, payload, _ = token.split(".")
        claims = json.loads(unb64(payload))
        change(claims)
        body = b64(json.dumps(claims, separators=(",", ":")).encode("utf-8"))
        signature = self.key.sign(f"{header}.{body}".encode("ascii"))
        return f"{header}.{body}.{b64(signature)}"

    def _signs(self, token: str) -> bool:
        """Whether the emulator's key made ``token``'s signature (RS256 is deterministic: the same
        key over the same bytes gives the same signature)."""
        if self.key is None:
            return False
        header, payload, signature = token.split(".")
        try:
            return self.key.sign(f"{header}.{payload}".encode("ascii")) == unb64(signature)
        except ValueError:  # not base64url: no key made it
            return False

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
        garbage = ".".join(b64(p) for p in GARBAGE)
        self._token_probe(
            "tokens/garbage", "GetUser with a token no key signed", garbage, INVALID_ACCESS_TOKEN
        )
        head, payload, signature = access.split(".")
        flipped = b64(bytes(b ^ 0x01 for b in unb64(signature)[:1]) + unb64(signature)[1:])
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
        elif not self._signs(access):
            key_reason = "the given key does not sign this emulator's tokens (its signature of the access token differs)"
        if key_reason:
            self.skip(
                "tokens/no-admin-scope", "tokens", "GetUser with a token without the admin scope", key_reason
            )
        else:

            def no_admin(c: dict[str, Any]) -> None:
                c["scope"] = (
                    " ".join(s for s in str(c.get("scope", "")).split() if s != ADMIN_SCOPE) or "openid"
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
        claims = claims_of(tokens["AccessToken"])
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
                "RevokeToken", body_of({"Token": session["RefreshToken"], "ClientId": self.client_id})
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
        ex = self.send("GlobalSignOut", body_of({"AccessToken": access}))
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
