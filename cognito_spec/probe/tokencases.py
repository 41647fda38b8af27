"""The token probes: unreadable, forged, misused, re-signed, expired and revoked access tokens.

The service's answers are its four ``NotAuthorizedException`` messages (wire-truth.md section 5).
Re-signing needs the emulator's own key: a token's claims are changed and signed again, its
header (``kid`` included) kept, so only the changed claim can make the emulator refuse it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Final

from cognito_spec.errors import ArgumentValueError, TokenFormatError
from cognito_spec.probe.base import GARBAGE, SRC_TOKENS, ScenarioBase, body_of
from cognito_spec.probe.expect import expect_error, expect_success
from cognito_spec.protocol.envelope import (
    ACCESS_TOKEN_EXPIRED,
    ACCESS_TOKEN_MISSING_SCOPES,
    ACCESS_TOKEN_REVOKED,
    INVALID_ACCESS_TOKEN,
)
from cognito_spec.tokens.claims import ADMIN_SCOPE
from cognito_spec.tokens.wire import b64url_decode, b64url_encode, json_segment, read_json_object

__all__ = ["TokenCases"]

#: The longest wait for a short-lived token to expire (seconds).
MAX_WAIT: Final = 10.0
_NOT_A_JWT: Final = "the access token is not a signed JWT (three segments of base64url)"


def segments(token: str) -> tuple[str, str, str] | None:
    """A token's three segments, or None when it has another number of them."""
    parts = token.split(".")
    return (parts[0], parts[1], parts[2]) if len(parts) == 3 else None


def signature_of(token: str) -> bytes | None:
    """The signature bytes of a three-segment token, or None (not a JWT, not base64url)."""
    parts = segments(token)
    try:
        return b64url_decode(parts[2], part="signature") if parts is not None else None
    except TokenFormatError:
        return None


def claims_of(token: str) -> dict[str, Any] | None:
    """The claims of a three-segment token, read as the library reads them, or None."""
    parts = segments(token)
    if parts is None:
        return None
    try:
        return read_json_object(b64url_decode(parts[1], part="payload"), part="payload")
    except TokenFormatError:
        return None


class TokenCases(ScenarioBase):
    """Section 5 of the scenario (see :mod:`cognito_spec.probe.scenario`)."""

    # -- 5. tokens -----------------------------------------------------------------------------
    def _token_probe(self, pid: str, title: str, token: str, message: str, op_name: str = "GetUser") -> None:
        ex = self.send(op_name, body_of({"AccessToken": token}))
        source = SRC_TOKENS.format(message=message)
        self.probe(pid, "tokens", title, expect_error("NotAuthorizedException", message, source), ex)

    def _resign(self, token: str, change: Callable[[dict[str, Any]], None]) -> str | None:
        """``token`` with its claims changed and signed again with the emulator's key (its header,
        ``kid`` included, kept); None when there is no key or the claims cannot be read."""
        parts, claims = segments(token), claims_of(token)
        if self.key is None or parts is None or claims is None:
            return None
        change(claims)
        try:
            body = json_segment(claims)
        except ArgumentValueError:  # a claim the service's JSON form cannot hold
            return None
        signature = self.key.sign(f"{parts[0]}.{body}".encode("ascii"))
        return f"{parts[0]}.{body}.{b64url_encode(signature)}"

    def _resigned_probe(
        self, pid: str, title: str, token: str, change: Callable[[dict[str, Any]], None], message: str
    ) -> None:
        """Probe with ``token`` re-signed after ``change``, or skip when it cannot be re-signed."""
        resigned = self._resign(token, change)
        if resigned is None:
            self.skip(pid, "tokens", title, "a claim of the access token has no JSON form to re-sign")
            return
        self.scrub.add("re-signed token", resigned)
        self._token_probe(pid, title, resigned, message)

    def _signs(self, token: str) -> bool:
        """Whether the emulator's key made ``token``'s signature (RS256 is deterministic: the same
        key over the same bytes gives the same signature)."""
        parts, signature = segments(token), signature_of(token)
        if self.key is None or parts is None or signature is None:
            return False
        try:
            return self.key.sign(f"{parts[0]}.{parts[1]}".encode("ascii")) == signature
        except UnicodeEncodeError:  # not ASCII: no key made it
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
        garbage = ".".join(b64url_encode(p) for p in GARBAGE)
        self._token_probe(
            "tokens/garbage", "GetUser with a token no key signed", garbage, INVALID_ACCESS_TOKEN
        )
        parts, signature = segments(access), signature_of(access)
        if parts is None or not signature:
            self.skip("tokens/bad-signature", "tokens", "GetUser with the signature broken", _NOT_A_JWT)
        else:
            flipped = b64url_encode(bytes([signature[0] ^ 0x01]) + signature[1:])
            self._token_probe(
                "tokens/bad-signature",
                "GetUser with the access token's signature broken",
                f"{parts[0]}.{parts[1]}.{flipped}",
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
        elif claims_of(access) is None:
            key_reason = (
                "the access token's claims are not a JSON object: they cannot be changed and re-signed"
            )
        if key_reason:
            self.skip(
                "tokens/no-admin-scope", "tokens", "GetUser with a token without the admin scope", key_reason
            )
        else:

            def no_admin(c: dict[str, Any]) -> None:
                c["scope"] = (
                    " ".join(s for s in str(c.get("scope", "")).split() if s != ADMIN_SCOPE) or "openid"
                )

            self._resigned_probe(
                "tokens/no-admin-scope",
                "GetUser with a token re-signed without the admin scope",
                access,
                no_admin,
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

            self._resigned_probe(
                "tokens/expired",
                title + " (re-signed, expired 2 minutes ago)",
                access,
                past,
                ACCESS_TOKEN_EXPIRED,
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
        claims = claims_of(tokens["AccessToken"]) or {}
        exp, iat = claims.get("exp"), claims.get("iat")
        if not (isinstance(exp, int) and isinstance(iat, int) and exp - iat <= 5):
            self.skip(
                "tokens/expired",
                "tokens",
                title,
                "the emulator took a 1-second lifetime but issued a token that lives longer (exp - iat > 5 s)",
            )
            return
        wait = exp - time.time()
        if not -60 <= wait <= MAX_WAIT:  # the run is bounded: a clock far off is not waited for
            self.skip(
                "tokens/expired",
                "tokens",
                title,
                f"the token's exp is {wait:.0f} s from now, not within {MAX_WAIT:g} s",
            )
            return
        time.sleep(max(0.0, wait) + 1.0)
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
