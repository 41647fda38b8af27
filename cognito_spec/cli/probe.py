"""``cognito-spec probe URL``: run the probe scenario against an emulator and print the report.

Exit status: 0 when every probe passed (skipped ones do not count), 1 when any failed, 2 when the
probe could not run (an endpoint it refuses, one that does not answer, an unreadable key).
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from typing import IO

from cognito_spec.cli.output import write_to
from cognito_spec.errors import ProbeError, TokenKeyError, TokensExtraMissingError, UsageError

__all__ = ["register", "run_probe_command"]


def register(subparsers: object) -> None:
    p = subparsers.add_parser(  # type: ignore[attr-defined]
        "probe",
        help="measure an emulator of the user pools API against the service",
        description="Run a scripted scenario against an emulator endpoint: set-up through the API"
        " (a user pool, an app client, a user with a password, a sign-in), the seed operations'"
        " successes and refusals, validation, routing and token cases, then clean-up. Every exchange"
        " is recorded and checked; the report gives, per probe, the service's answer with its source,"
        " the emulator's, and a score per area. Only loopback endpoints are probed unless a host is"
        " named with --allow-host; requests are signed with fake keys.",
    )
    p.add_argument("url", metavar="URL", help="the emulator's endpoint, e.g. http://127.0.0.1:5000")
    p.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="HOST",
        help="also probe this host (not a loopback address); repeatable. AWS endpoints are never probed",
    )
    p.add_argument(
        "--emulator-key",
        metavar="FILE",
        help="the emulator's token signing key (PEM, or a private JWK / JWKS as moto ships it):"
        " lets the probe re-sign tokens (no admin scope, expired)",
    )
    p.add_argument(
        "--region", default="us-east-1", help="the region requests are signed for (default us-east-1)"
    )
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--verbose", action="store_true", help="show passed probes in full too")
    p.add_argument(
        "--har",
        metavar="OUT",
        help="save the recorded traffic as HAR 1.2 (redacted unless --reveal), to attach to a bug report",
    )
    p.add_argument(
        "--reveal",
        action="store_true",
        help="do not mask the probe's own user name, password and tokens in the report and the HAR",
    )
    p.add_argument("--timeout", type=float, default=5.0, help="seconds per request (default 5)")
    p.add_argument("--max-requests", type=int, default=200, help="requests per run (default 200)")
    p.add_argument("--deadline", type=float, default=120.0, help="seconds per run (default 120)")
    p.set_defaults(func=run_probe_command)


def run_probe_command(args: argparse.Namespace) -> int:
    from cognito_spec.probe import load_key, run_probe, write_har
    from cognito_spec.probe.transport import Limits

    if (
        not (0 < args.timeout <= 60)
        or not (20 <= args.max_requests <= 10_000)
        or not (10 <= args.deadline <= 3600)
    ):
        raise UsageError("--timeout takes 0-60 s, --max-requests 20-10000, --deadline 10-3600 s")
    key = None
    if args.emulator_key:
        try:
            key = load_key(args.emulator_key)
        except (TokenKeyError, TokensExtraMissingError) as exc:
            raise UsageError(f"--emulator-key: {exc}") from None
    if args.har and (
        os.path.isdir(args.har) or not os.path.isdir(os.path.dirname(os.path.abspath(args.har)))
    ):
        raise UsageError(f"--har: {args.har!r} is not a file in an existing folder")  # before the run
    limits = Limits(timeout=args.timeout, max_requests=args.max_requests, deadline=args.deadline)
    try:
        report = run_probe(
            args.url,
            allow_hosts=args.allow_host,
            emulator_key=key,
            region=args.region,
            limits=limits,
            reveal=args.reveal,
        )
    except ProbeError as exc:
        raise UsageError(str(exc)) from None
    if args.har:

        def write(raw: IO[bytes]) -> int:
            text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
            try:
                n = write_har(report, text, reveal=args.reveal)
                text.flush()
            finally:
                text.detach()
            return n

        write_to(args.har, write)
    sys.stdout.write(report.json_text() if args.json else report.text(verbose=args.verbose))
    return 0 if report.ok else 1
