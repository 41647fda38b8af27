"""Write examples/amplify-sign-in.har: a browser signing in with Amplify v6, as the service answers it.

Deterministic: the same bytes on every run (``--check`` compares the committed file with a fresh
one; tests/test_amplify_capture.py runs it), so the example cannot drift from the library.

The traffic is what ``@aws-amplify/auth`` 6.x sends (facts: ../shared/research/whole-api.md
section 6, read from the package's ``dist/esm`` code) and what the service answers:

1. a CORS preflight (the app's origin is not the endpoint's), skipped by the validator;
2. InitiateAuth ``USER_SRP_AUTH`` (``signIn()`` with no flow) -> ``PASSWORD_VERIFIER``;
3. RespondToAuthChallenge ``PASSWORD_VERIFIER`` -> AuthenticationResult with NewDeviceMetadata
   (a pool that remembers devices);
4. ConfirmDevice (Amplify confirms the new device right away);
5. GetUser (``fetchUserAttributes()``, which apps call after signing in);
6. GetTokensFromRefreshToken (Amplify 6.15+ refreshes only this way; no rotation: no new refresh token);
7. a second sign-in, choice-based: InitiateAuth ``USER_AUTH`` -> ``SELECT_CHALLENGE`` with
   ``AvailableChallenges``; RespondToAuthChallenge ``SELECT_CHALLENGE`` answering ``EMAIL_OTP`` ->
   ``EMAIL_OTP``; RespondToAuthChallenge ``EMAIL_OTP`` -> AuthenticationResult.

Requests are written as Amplify writes them: ``JSON.stringify`` of its own objects, so members in
Amplify's order and optional ones left out, and its headers (no Authorization: Amplify's user-pool
handler does not sign).  Responses are rendered by :func:`cognito_spec.protocol.server.render_response`
from the model's classes, with the service's headers; tokens are issued by
:class:`cognito_spec.tokens.TokenIssuer` with a key made from a fixed seed (no key is stored
anywhere: the tokens cannot be verified by anyone but this script, and need not be: a capture is
judged without keys), valid at the time of the exchange that carries them.

The SRP numbers are random-looking hex and base64 of the right sizes, not a real SRP computation:
the validator (and the service's model) checks their form, and no password is involved.

Usage: ``python tools/make_amplify_har.py [--out PATH] [--check]``
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import random
import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import attrs

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import cognito_spec as cs  # noqa: E402
from cognito_spec.protocol.server import render_response  # noqa: E402
from cognito_spec.tokens import SigningKey, TokenIssuer  # noqa: E402
from cognito_spec.tokens.issue import refresh_token_of  # noqa: E402
from cognito_spec.traffic.record import Exchange, write_har  # noqa: E402

OUT = ROOT / "examples" / "amplify-sign-in.har"
SEED = "amplify-sign-in/v1"
START = datetime(2026, 11, 26, 16, 0, 0, tzinfo=UTC)
REGION = "eu-west-1"
POOL_ID = f"{REGION}_Xq3mP9tVb"
CLIENT_ID = "4f8k2n7q1v9c3x6b5m0z8d2h7t"  # app clients' ids: 26 lower-case letters and digits
ENDPOINT = f"https://cognito-idp.{REGION}.amazonaws.com/"
ORIGIN = "https://app.example.com"
BROWSER = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)
# [I] The version, category and action codes of x-amz-user-agent: Amplify builds
# ``aws-amplify/<version> <category>/<action> framework/<n>`` (core Platform/index.mjs); the codes
# are enum values of its own (auth actions, frameworks), 4 for signIn as read from the package.
USER_AGENT = "aws-amplify/6.15.7 auth/4 framework/1"
EMAIL = "alice@example.com"
SUB = "a1b2c3d4-e5f6-4708-9a0b-1c2d3e4f5a6b"  # a pool with email as username: USERNAME is the sub


class _Random:
    """Every random-looking value of the capture, from one seed."""

    def __init__(self, seed: str) -> None:
        self.rng = random.Random(seed)

    def bytes(self, n: int) -> bytes:
        return self.rng.getrandbits(8 * n).to_bytes(n, "big")

    def uuid(self) -> str:
        return str(uuid.UUID(bytes=self.bytes(16), version=4))

    def hex(self, n: int) -> str:
        """``n`` bytes as a JavaScript BigInt's ``toString(16)`` writes them: lower case, no leading 0."""
        return self.bytes(n).hex().lstrip("0") or "0"

    def b64(self, n: int) -> str:
        return base64.b64encode(self.bytes(n)).decode()

    def b64url(self, n: int) -> str:
        return base64.urlsafe_b64encode(self.bytes(n)).rstrip(b"=").decode()


def _prime(rng: random.Random, bits: int) -> int:
    """A probable prime of ``bits`` bits (Miller-Rabin, 40 rounds), from ``rng``."""
    while True:
        n = rng.getrandbits(bits) | (3 << (bits - 2)) | 1
        if any(n % p == 0 for p in (3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37)):
            continue
        d, s = n - 1, 0
        while d % 2 == 0:
            d, s = d // 2, s + 1
        for _ in range(40):
            x = pow(rng.randrange(2, n - 1), d, n)
            if x in (1, n - 1):
                continue
            for _ in range(s - 1):
                x = pow(x, 2, n)
                if x == n - 1:
                    break
            else:
                break
        else:
            return n


def _signing_key(seed: str) -> SigningKey:
    """An RSA-2048 key made from ``seed``: the same key, hence the same signatures, on every run."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    rng = random.Random(seed)
    e = 65537
    while True:
        p, q = _prime(rng, 1024), _prime(rng, 1024)
        phi = (p - 1) * (q - 1)
        if p != q and phi % e and (p * q).bit_length() == 2048:
            break
    d = pow(e, -1, phi)
    numbers = rsa.RSAPrivateNumbers(
        p, q, d, d % (p - 1), d % (q - 1), pow(q, -1, p), rsa.RSAPublicNumbers(e, p * q)
    )
    pem = numbers.private_key().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return SigningKey.from_pem(pem)


def _stringify(obj: dict[str, Any]) -> bytes:
    """``JSON.stringify(obj)``: compact, members in insertion order, None (undefined) left out."""
    return json.dumps(
        {k: v for k, v in obj.items() if v is not None}, separators=(",", ":"), ensure_ascii=False
    ).encode()


def _iso(at: datetime) -> str:
    return at.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _timestamp(at: datetime) -> str:
    """Amplify's SRP TIMESTAMP (utils/srp/getNowString.mjs): ``ddd MMM D HH:mm:ss UTC YYYY``, UTC,
    the day of the month not padded."""
    return f"{at:%a} {at:%b} {at.day} {at:%H:%M:%S} UTC {at.year}"


def _http_date(at: datetime) -> str:
    return at.strftime("%a, %d %b %Y %H:%M:%S GMT")


class _Capture:
    def __init__(self) -> None:
        self.r = _Random(SEED)
        key = _signing_key(SEED + "/key")
        self.issuer = TokenIssuer(pool_id=POOL_ID, access_key=key, new_id=_Random(SEED + "/ids").uuid)
        self.exchanges: list[Exchange] = []
        self.at = START

    def refresh_token(self) -> str:
        """A refresh token shaped as the service's (an RSA-OAEP/A256GCM JWE; see tokens.issue)."""
        return refresh_token_of([self.r.bytes(n) for n in (256, 12, 1200, 16)])

    def preflight(self, target: str) -> None:
        del target
        self.exchanges.append(
            Exchange(
                (
                    ("accept", "*/*"),
                    ("access-control-request-headers", "amz-sdk-invocation-id,amz-sdk-request,cache-control,content-type,x-amz-target,x-amz-user-agent"),
                    ("access-control-request-method", "POST"),
                    ("origin", ORIGIN),
                    ("referer", ORIGIN + "/"),
                    ("user-agent", BROWSER),
                ),
                None,
                200,
                (
                    ("date", _http_date(self.at)),
                    ("content-length", "0"),
                    ("connection", "keep-alive"),
                    ("access-control-allow-origin", "*"),
                    ("access-control-allow-headers", "amz-sdk-invocation-id,amz-sdk-request,cache-control,content-type,x-amz-target,x-amz-user-agent"),
                    ("access-control-allow-methods", "POST"),
                    ("access-control-max-age", "86400"),
                ),
                b"",
                method="OPTIONS",
                url=ENDPOINT,
                started=_iso(self.at),
            )
        )  # fmt: skip
        self.at += timedelta(milliseconds=41)

    def call(self, operation: str, request: dict[str, Any], response: Any) -> None:
        body = _stringify(request)
        headers = (
            ("accept", "*/*"),
            ("amz-sdk-invocation-id", self.r.uuid()),
            ("amz-sdk-request", "attempt=1; max=3"),
            ("cache-control", "no-store"),
            ("content-length", str(len(body))),
            ("content-type", "application/x-amz-json-1.1"),
            ("origin", ORIGIN),
            ("referer", ORIGIN + "/"),
            ("user-agent", BROWSER),
            ("x-amz-target", f"AWSCognitoIdentityProviderService.{operation}"),
            ("x-amz-user-agent", USER_AGENT),
        )
        status, rendered, answer = render_response(response, request_id=self.r.uuid())
        served = (
            ("date", _http_date(self.at)),
            *((k.lower(), v) for k, v in rendered),
            ("connection", "keep-alive"),
            ("access-control-allow-origin", "*"),
            ("access-control-expose-headers", "x-amzn-RequestId,x-amzn-ErrorType,x-amzn-ErrorMessage,Date"),
        )
        self.exchanges.append(
            Exchange(headers, body, status, served, answer, url=ENDPOINT, started=_iso(self.at))
        )
        self.at += timedelta(milliseconds=180 + self.r.rng.randrange(120))

    def result(self, tokens: Any, refresh: str | None, device: Any = None) -> Any:
        return cs.AuthenticationResultType(
            access_token=tokens.access_token,
            expires_in=tokens.expires_in,
            token_type=tokens.token_type,
            refresh_token=refresh,
            id_token=tokens.id_token,
            new_device_metadata=device,
        )

    def issue(self, **extra: Any) -> Any:
        return self.issuer.issue(
            sub=SUB,
            username=SUB,
            client_id=CLIENT_ID,
            now=self.at,
            attributes={"email": EMAIL, "email_verified": True},
            **extra,
        )


def exchanges() -> Iterator[Exchange]:
    c = _Capture()
    r = c.r
    # -- signIn({username, password}): USER_SRP_AUTH ---------------------------------------------
    c.preflight("InitiateAuth")
    c.call(
        "InitiateAuth",
        {
            "AuthFlow": "USER_SRP_AUTH",
            "AuthParameters": {"USERNAME": EMAIL, "SRP_A": r.hex(384)},  # A mod N: 3072 bits, lower-case hex
            "ClientMetadata": None,
            "ClientId": CLIENT_ID,
        },
        cs.InitiateAuthResponse(
            challenge_name="PASSWORD_VERIFIER",
            challenge_parameters={
                "SALT": r.hex(16),
                "SECRET_BLOCK": r.b64(1724),
                "SRP_B": r.hex(384),
                "USERNAME": SUB,
                "USER_ID_FOR_SRP": SUB,
            },
        ),
    )
    secret_block = json.loads(c.exchanges[-1].response_body or b"")["ChallengeParameters"]["SECRET_BLOCK"]
    device_key = f"{REGION}_{r.uuid()}"
    # [I] With device tracking on, the access token of the sign-in that creates the device names it.
    signed_in = c.issue(device_key=device_key)
    refresh = c.refresh_token()
    c.call(
        "RespondToAuthChallenge",
        {
            "ChallengeName": "PASSWORD_VERIFIER",
            "ChallengeResponses": {
                "USERNAME": SUB,
                "PASSWORD_CLAIM_SECRET_BLOCK": secret_block,
                "TIMESTAMP": _timestamp(c.at),
                "PASSWORD_CLAIM_SIGNATURE": r.b64(32),
            },
            "ClientMetadata": None,
            "Session": None,
            "ClientId": CLIENT_ID,
        },
        cs.RespondToAuthChallengeResponse(
            challenge_parameters={},
            authentication_result=c.result(
                signed_in,
                refresh,
                cs.NewDeviceMetadataType(device_key=device_key, device_group_key="-" + r.b64url(6)[:9]),
            ),
        ),
    )
    c.call(
        "ConfirmDevice",
        {
            "AccessToken": signed_in.access_token,
            "DeviceName": BROWSER,
            "DeviceKey": device_key,
            "DeviceSecretVerifierConfig": {"Salt": r.b64(16), "PasswordVerifier": r.b64(384)},
        },
        cs.ConfirmDeviceResponse(user_confirmation_necessary=False),
    )
    # -- fetchUserAttributes() ---------------------------------------------------------------------
    c.call(
        "GetUser",
        {"AccessToken": signed_in.access_token},
        cs.GetUserResponse(
            username=SUB,
            user_attributes=[
                cs.AttributeType(name="email", value=EMAIL),
                cs.AttributeType(name="email_verified", value="true"),
                cs.AttributeType(name="sub", value=SUB),
            ],
        ),
    )
    # -- fetchAuthSession({forceRefresh: true}): GetTokensFromRefreshToken --------------------------
    c.at += timedelta(minutes=50)
    refreshed = c.issue(
        device_key=device_key,
        auth_time=signed_in.access_claims.auth_time,
        origin_jti=signed_in.access_claims.origin_jti,
    )
    c.call(
        "GetTokensFromRefreshToken",
        {"ClientId": CLIENT_ID, "RefreshToken": refresh, "DeviceKey": device_key, "ClientMetadata": None},
        cs.GetTokensFromRefreshTokenResponse(authentication_result=c.result(refreshed, None)),
    )
    # -- signOut() locally, then signIn({username, options: {authFlowType: 'USER_AUTH'}}) -----------
    c.at += timedelta(minutes=3)
    session = r.b64url(700)
    c.call(
        "InitiateAuth",
        {"AuthFlow": "USER_AUTH", "AuthParameters": {"USERNAME": EMAIL}, "ClientId": CLIENT_ID},
        cs.InitiateAuthResponse(
            challenge_name="SELECT_CHALLENGE",
            session=session,
            challenge_parameters={},
            available_challenges=["PASSWORD_SRP", "PASSWORD", "EMAIL_OTP"],
        ),
    )
    session2 = r.b64url(700)
    c.call(
        "RespondToAuthChallenge",
        {
            "ChallengeName": "SELECT_CHALLENGE",
            "ChallengeResponses": {"USERNAME": EMAIL, "ANSWER": "EMAIL_OTP"},
            "Session": session,
            "ClientId": CLIENT_ID,
        },
        cs.RespondToAuthChallengeResponse(
            challenge_name="EMAIL_OTP",
            session=session2,
            challenge_parameters={
                "CODE_DELIVERY_DELIVERY_MEDIUM": "EMAIL",
                "CODE_DELIVERY_DESTINATION": "a***@e***",
            },
        ),
    )
    c.at += timedelta(seconds=25)  # the user reads the mail
    otp_tokens = c.issue()
    c.call(
        "RespondToAuthChallenge",
        {
            "ChallengeName": "EMAIL_OTP",
            "ChallengeResponses": {
                "USERNAME": EMAIL,
                "EMAIL_OTP_CODE": "40" + str(r.rng.randrange(1000, 9999)),
            },
            "Session": session2,
            "ClientId": CLIENT_ID,
        },
        cs.RespondToAuthChallengeResponse(
            challenge_parameters={}, authentication_result=c.result(otp_tokens, c.refresh_token())
        ),
    )
    for i, ex in enumerate(c.exchanges):
        yield attrs.evolve(ex, index=i)


def render() -> str:
    buf = io.StringIO()
    write_har(
        exchanges(),
        buf,
        creator="tools/make_amplify_har.py",
        creator_version="1",
        comment="A browser signing in with Amplify v6 (USER_SRP_AUTH, device, refresh, USER_AUTH "
        "with EMAIL_OTP), answered as the service answers; made by cognito-spec, deterministic",
    )
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--check", action="store_true", help="exit 1 if --out differs from a fresh render")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current != text:
            print(f"{args.out} is stale: run python tools/make_amplify_har.py", file=sys.stderr)
            return 1
        return 0
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out} ({hashlib.sha256(text.encode()).hexdigest()[:12]})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
