"""Shared pieces of the benchmark scripts: realistic payloads and interleaved timing.

Timing is interleaved: every round runs each case once (a batch of calls), so a slow moment of the
machine hits the baseline and the candidates alike.  Ratios are taken within each round, then the
median over rounds is reported; absolute figures are medians too.
"""

from __future__ import annotations

import base64
import json
import os
import platform
import statistics
import time
from collections.abc import Callable, Mapping
from typing import Any

ATTRIBUTES = [
    ("sub", "0d6a3b5e-3f2a-4c55-8d1e-2b5f1e0c9a77"),
    ("email", "alice.example@example.com"),
    ("email_verified", "true"),
    ("phone_number", "+14155550123"),
    ("phone_number_verified", "false"),
    ("given_name", "Alice"),
    ("family_name", "Example"),
    ("name", "Alice Example"),
    ("locale", "en-US"),
    ("zoneinfo", "Europe/Berlin"),
    ("custom:tenant", "acme-corp"),
    ("custom:plan", "enterprise"),
]


def admin_get_user_response() -> bytes:
    """A realistic AdminGetUser response as the service writes it (exponent timestamps), ~900 bytes."""
    body = {
        "Enabled": True,
        "MFAOptions": [{"AttributeName": "phone_number", "DeliveryMedium": "SMS"}],
        "PreferredMfaSetting": "SOFTWARE_TOKEN_MFA",
        "UserAttributes": [{"Name": n, "Value": v} for n, v in ATTRIBUTES],
        "UserCreateDate": "@CREATED@",
        "UserLastModifiedDate": "@MODIFIED@",
        "UserMFASettingList": ["SOFTWARE_TOKEN_MFA", "SMS_MFA"],
        "UserStatus": "CONFIRMED",
        "Username": "0d6a3b5e-3f2a-4c55-8d1e-2b5f1e0c9a77",
    }
    text = json.dumps(body, separators=(",", ":"))
    text = text.replace('"@CREATED@"', "1.682955829578E9").replace('"@MODIFIED@"', "1.699123456789E9")
    return text.encode()


def access_token(size: int = 1200) -> str:
    """A JWT-shaped access token of about ``size`` characters."""
    header = base64.urlsafe_b64encode(b'{"kid":"abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG=","alg":"RS256"}')
    claims = {
        "sub": "0d6a3b5e-3f2a-4c55-8d1e-2b5f1e0c9a77",
        "iss": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Ab12Cd34E",
        "client_id": "1example23456789abcdefghij",
        "origin_jti": "8b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0",
        "event_id": "4e7f8a9b-0c1d-2e3f-4a5b-6c7d8e9f0a1b",
        "token_use": "access",
        "scope": "aws.cognito.signin.user.admin",
        "auth_time": 1699123456,
        "exp": 1699127056,
        "iat": 1699123456,
        "jti": "f0e1d2c3-b4a5-9687-7869-5a4b3c2d1e0f",
        "username": "alice",
    }
    payload = base64.urlsafe_b64encode(json.dumps(claims).encode())
    head = (header + b"." + payload).decode().rstrip("=")
    sig_len = max(16, size - len(head) - 1)
    signature = (base64.urlsafe_b64encode(bytes(range(256)) * 4).decode().rstrip("=") * 4)[:sig_len]
    return f"{head}.{signature}"


def get_user_request() -> bytes:
    return json.dumps({"AccessToken": access_token()}, separators=(",", ":")).encode()


def get_user_auth_factors_response() -> bytes:
    return json.dumps(
        {
            "Username": "alice",
            "PreferredMfaSetting": "SOFTWARE_TOKEN_MFA",
            "UserMFASettingList": ["SOFTWARE_TOKEN_MFA"],
            "ConfiguredUserAuthFactors": ["PASSWORD", "EMAIL_OTP", "WEB_AUTHN"],
        },
        separators=(",", ":"),
    ).encode()


def _batch_size(fn: Callable[[], Any], target: float) -> int:
    n = 1
    while True:
        start = time.perf_counter()
        for _ in range(n):
            fn()
        if time.perf_counter() - start >= target / 4 or n >= 1 << 22:
            return max(1, int(n * target / max(time.perf_counter() - start, 1e-9)))
        n *= 2


#: Calls per sample of each case in the last :func:`interleaved` run (scripts print the smallest:
#: a batch of one call would time perf_counter and a cold cache as much as the case).
BATCHES: dict[str, int] = {}


def interleaved(
    cases: Mapping[str, Callable[[], Any]],
    *,
    rounds: int = 21,
    target: float = 0.02,
    setups: Mapping[str, Callable[[], Any]] | None = None,
) -> dict[str, list[float]]:
    """Seconds per call of each case, one sample per round, cases run in turn within a round.

    Every case is called a few times before its batch size is calibrated, so one-off costs
    (compiling a class's functions, filling caches) never make the batch a single call.
    ``setups[name]``, when given, runs before every batch of that case (outside the timing): it
    switches a mode, such as the orjson fast path, for the case alone.
    """
    setups = setups or {}
    noop: Callable[[], Any] = lambda: None  # noqa: E731
    sizes = {}
    for name, fn in cases.items():
        setups.get(name, noop)()
        for _ in range(3):
            fn()
        sizes[name] = _batch_size(fn, target)
    BATCHES.clear()
    BATCHES.update(sizes)
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(rounds):
        for name, fn in cases.items():
            setups.get(name, noop)()
            n = sizes[name]
            start = time.perf_counter()
            for _ in range(n):
                fn()
            samples[name].append((time.perf_counter() - start) / n)
    return samples


def load_average() -> str:
    """The machine's 1, 5 and 15 minute load averages (benchmarks share it with other work)."""
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:  # pragma: no cover - not on every platform
        return "load average unknown"
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


def orjson_version() -> str | None:
    try:
        import orjson
    except ImportError:
        return None
    return str(orjson.__version__)


def ratio(samples: dict[str, list[float]], case: str, baseline: str) -> float:
    """Median over rounds of case / baseline within the same round."""
    return statistics.median(c / b for c, b in zip(samples[case], samples[baseline], strict=True))


def header(title: str) -> str:
    from cognito_spec.shapes import MODEL_VERSION

    return (
        f"{title}\n"
        f"python {platform.python_version()} on {platform.machine()}, model {MODEL_VERSION}\n"
        f"orjson {orjson_version() or 'not installed'}; {load_average()}\n"
        "medians over interleaved rounds; ratios are per-round against the baseline named\n"
    )


def initiate_auth_response() -> bytes:
    """An InitiateAuth response of a password sign-in: three tokens of about 1.2 KB each."""
    return json.dumps(
        {
            "AuthenticationResult": {
                "AccessToken": access_token(),
                "ExpiresIn": 3600,
                "IdToken": access_token(),
                "RefreshToken": access_token(),
                "TokenType": "Bearer",
            },
            "ChallengeParameters": {},
        },
        separators=(",", ":"),
    ).encode()


def create_user_pool_request() -> bytes:
    """A CreateUserPool request as a console or CDK sends it: nested structures, enums, lists."""
    schema = [
        {
            "Name": "email",
            "AttributeDataType": "String",
            "Mutable": True,
            "Required": True,
            "StringAttributeConstraints": {"MinLength": "0", "MaxLength": "2048"},
        },
        {
            "Name": "department",
            "AttributeDataType": "String",
            "DeveloperOnlyAttribute": False,
            "Mutable": True,
            "Required": False,
            "StringAttributeConstraints": {"MinLength": "1", "MaxLength": "64"},
        },
        {
            "Name": "level",
            "AttributeDataType": "Number",
            "Mutable": True,
            "Required": False,
            "NumberAttributeConstraints": {"MinValue": "0", "MaxValue": "10"},
        },
    ]
    body = {
        "PoolName": "acme-customers",
        "Policies": {
            "PasswordPolicy": {
                "MinimumLength": 12,
                "RequireUppercase": True,
                "RequireLowercase": True,
                "RequireNumbers": True,
                "RequireSymbols": False,
                "PasswordHistorySize": 5,
                "TemporaryPasswordValidityDays": 7,
            },
            "SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP", "WEB_AUTHN"]},
        },
        "DeletionProtection": "ACTIVE",
        "LambdaConfig": {"PreSignUp": "arn:aws:lambda:us-east-1:123456789012:function:PreSignUp"},
        "AutoVerifiedAttributes": ["email"],
        "UsernameAttributes": ["email"],
        "VerificationMessageTemplate": {
            "DefaultEmailOption": "CONFIRM_WITH_CODE",
            "EmailMessage": "Your code is {####}.",
            "EmailSubject": "Your verification code",
        },
        "MfaConfiguration": "OPTIONAL",
        "UserAttributeUpdateSettings": {"AttributesRequireVerificationBeforeUpdate": ["email"]},
        "EmailConfiguration": {"EmailSendingAccount": "COGNITO_DEFAULT"},
        "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": False},
        "UserPoolTags": {"team": "identity", "env": "prod"},
        "Schema": schema,
        "UsernameConfiguration": {"CaseSensitive": False},
        "AccountRecoverySetting": {"RecoveryMechanisms": [{"Priority": 1, "Name": "verified_email"}]},
        "UserPoolTier": "ESSENTIALS",
    }
    return json.dumps(body, separators=(",", ":")).encode()


# --------------------------------------------------------------------------------------------------
# Results: what a run measured, as JSON for tools/perf_table.py (the README's tables).

#: The format of a results file; tools/perf_table.py refuses any other.
RESULTS_FORMAT = "cognito-spec-bench/1"


class Results:
    """The targets one benchmark run judged, written as JSON by ``--json PATH``.

    Each target is a figure (a ratio, a size) with its limit: ``at_most`` for "value <= limit",
    otherwise "value >= limit".  ``met`` is decided here, once, so the script's exit status, its
    printed verdict and the README's table can never disagree.  ``judged=False`` records a figure
    the run could not judge (a wall-clock target on a busy machine): it is shown, never counted.
    """

    def __init__(self, script: str, subject: str) -> None:
        self.script = script
        self.subject = subject
        self.started = time.time()
        self.load_start = _load_one()
        self.targets: list[dict[str, Any]] = []

    def target(
        self,
        key: str,
        what: str,
        value: float,
        limit: float,
        unit: str,
        *,
        at_most: bool = True,
        judged: bool = True,
    ) -> bool:
        """Record one target; returns whether it was met (a target not judged counts as met)."""
        met = value <= limit if at_most else value >= limit
        self.targets.append(
            {
                "key": key,
                "what": what,
                "value": round(value, 4),
                "limit": limit,
                "unit": unit,
                "at_most": at_most,
                "judged": judged,
                "met": met,
            }
        )
        return met or not judged

    def figure(self, key: str, what: str, value: float, unit: str, note: str) -> None:
        """Record a figure that has no target of its own (a floor), shown with ``note``."""
        self.targets.append(
            {
                "key": key,
                "what": what,
                "value": round(value, 4),
                "limit": None,
                "unit": unit,
                "at_most": True,
                "judged": False,
                "met": None,
                "note": note,
            }
        )

    def verdicts(self, *, met: bool) -> list[str]:
        """``what (value, limit)`` of each judged target that was met (or missed), in order."""
        return [
            f"{t['what']} ({t['value']:.2f}, limit {t['limit']:g})"
            for t in self.targets
            if t["judged"] and t["limit"] is not None and t["met"] == met
        ]

    def write(self, path: str | None) -> None:
        """Write the results to ``path`` (nothing when ``None``)."""
        if path is None:
            return
        from cognito_spec.shapes import MODEL_VERSION

        doc = {
            "format": RESULTS_FORMAT,
            "script": self.script,
            "subject": self.subject,
            "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.started)),
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "model": MODEL_VERSION,
            "orjson": orjson_version(),
            "load_start": self.load_start,
            "load_end": _load_one(),
            "targets": self.targets,
        }
        with open(path, "w", encoding="utf-8") as out:
            json.dump(doc, out, indent=1)
            out.write("\n")


def _load_one() -> float | None:
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:  # pragma: no cover - not on every platform
        return None
