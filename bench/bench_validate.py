"""Benchmark: validate() of a realistic AdminGetUser response against json.loads of the same bytes.

Target (issue 3): strict validation stays within 3 x ``json.loads``.  Baseline and candidates run
interleaved, round after round, so drift of the machine hits all alike; the script prints the
median time per call of each and the ratio of the medians.

    .venv/bin/python bench/bench_validate.py [--rounds 31] [--number 2000]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable

from cognito_spec import AdminGetUserResponse, wire
from cognito_spec.validate import validate

# What the service sends for AdminGetUser of a confirmed user with the usual attributes: exponent
# timestamps with millisecond fractions, a `sub` UUID, custom attributes, MFA settings.
BODY = (
    json.dumps(
        {
            "Enabled": True,
            "MFAOptions": [{"AttributeName": "phone_number", "DeliveryMedium": "SMS"}],
            "PreferredMfaSetting": "SOFTWARE_TOKEN_MFA",
            "UserAttributes": [
                {"Name": "sub", "Value": "2c8e5b5e-7d1a-4b8e-9f3a-6a1f0e2d4c7b"},
                {"Name": "email_verified", "Value": "true"},
                {"Name": "phone_number_verified", "Value": "true"},
                {"Name": "phone_number", "Value": "+15555550123"},
                {"Name": "given_name", "Value": "Alice"},
                {"Name": "family_name", "Value": "Example"},
                {"Name": "name", "Value": "Alice Example"},
                {"Name": "locale", "Value": "en-US"},
                {"Name": "zoneinfo", "Value": "Europe/Berlin"},
                {"Name": "custom:tenant", "Value": "acme-corp"},
                {"Name": "custom:role", "Value": "admin"},
                {"Name": "email", "Value": "alice.example@example.com"},
            ],
            "UserCreateDate": "@CREATE@",
            "UserLastModifiedDate": "@MODIFIED@",
            "UserMFASettingList": ["SOFTWARE_TOKEN_MFA", "SMS_MFA"],
            "UserStatus": "CONFIRMED",
            "Username": "2c8e5b5e-7d1a-4b8e-9f3a-6a1f0e2d4c7b",
        },
        separators=(",", ":"),
    )
    .replace('"@CREATE@"', "1.682955829578E9")
    .replace('"@MODIFIED@"', "1.700123456789E9")
    .encode()
)


def _time(fn: Callable[[], object], number: int) -> float:
    start = time.perf_counter()
    for _ in range(number):
        fn()
    return (time.perf_counter() - start) / number


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=31)
    parser.add_argument("--number", type=int, default=2000)
    args = parser.parse_args(argv)

    assert validate(BODY, AdminGetUserResponse) == [], "the benchmark body must be valid"
    body = BODY
    candidates: dict[str, Callable[[], object]] = {
        "json.loads": lambda: json.loads(body),
        "validate strict": lambda: validate(body, AdminGetUserResponse),
        "validate tolerant": lambda: validate(body, AdminGetUserResponse, mode="tolerant"),
        "wire.loads strict": lambda: wire.loads(body, AdminGetUserResponse, strict=True),
    }
    for fn in candidates.values():  # warm up: compile the checker, fill caches
        _time(fn, args.number // 10 or 1)
    samples: dict[str, list[float]] = {name: [] for name in candidates}
    for _ in range(args.rounds):
        for name, fn in candidates.items():
            samples[name].append(_time(fn, args.number))

    base = statistics.median(samples["json.loads"])
    print(f"body: {len(BODY)} bytes, {args.rounds} interleaved rounds of {args.number} calls")
    print(f"python {sys.version.split()[0]}")
    for name, values in samples.items():
        med = statistics.median(values)
        print(f"{name:<20} median {med * 1e6:8.2f} us   ratio {med / base:5.2f} x json.loads")
    ratio = statistics.median(samples["validate strict"]) / base
    print(
        f"target: validate strict <= 3.00 x json.loads: {'met' if ratio <= 3.0 else 'NOT met'} ({ratio:.2f})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
