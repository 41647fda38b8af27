"""``cognito-spec redact``: a copy of a capture that is safe to share."""

from __future__ import annotations

import argparse
import os
import sys
from typing import IO, Any

from cognito_spec.errors import CaptureError, UsageError
from cognito_spec.traffic.redact import redact_exchange
from cognito_spec.traffic.rewrite import rewrite_har, rewrite_jsonl
from cognito_spec.traffic.source import CaptureSource, open_capture

__all__ = ["register", "run_redact"]


def register(subparsers: Any) -> None:
    r = subparsers.add_parser(
        "redact",
        help="copy a capture with sensitive members masked",
        description="Write a copy of a HAR or JSON-lines capture with every sensitive member of the"
        " request and response bodies masked (tokens, user names, attribute values), and credential"
        " headers (Authorization, Cookie, ...) too.",
    )
    r.add_argument("input", metavar="IN", help="capture file; - reads standard input")
    r.add_argument("output", metavar="OUT", help="file to write; - writes standard output")
    r.set_defaults(func=run_redact)


def run_redact(args: argparse.Namespace) -> int:
    if args.input != "-" and args.output != "-":
        try:
            same = os.path.samefile(args.input, args.output)
        except OSError:
            same = False
        if same:
            raise UsageError("IN and OUT are the same file; write the copy elsewhere")
    try:
        with open_capture(args.input) as src:
            if args.output == "-":
                n = _rewrite(src, sys.stdout)
                sys.stdout.flush()
            else:
                n = _rewrite_file(src, args.output)
    except CaptureError as exc:
        raise UsageError(str(exc)) from None
    print(f"cognito-spec: redacted {n} entries", file=sys.stderr)
    return 0


def _rewrite(src: CaptureSource, out: IO[str]) -> int:
    rewrite = rewrite_har if src.format == "har" else rewrite_jsonl
    return rewrite(src, out, redact_exchange)


def _rewrite_file(src: CaptureSource, path: str) -> int:
    # Write beside the target and rename at the end: a failed run leaves no half-redacted copy that
    # could be mistaken for a complete one.
    directory = os.path.dirname(os.path.abspath(path))
    tmp = os.path.join(directory, f".{os.path.basename(path)}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as out:
            n = _rewrite(src, out)
        os.replace(tmp, path)
    except OSError as exc:
        raise UsageError(f"{path}: {exc.strerror or type(exc).__name__}") from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return n
