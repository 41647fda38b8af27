"""``cognito-spec redact``: a copy of a capture that is safe to share.

OUT is written as what it is.  A regular file (or a new name) is replaced atomically: the copy is
written to a temporary file beside it and renamed over it only when complete, so a failed run
leaves no half-written copy that could be taken for a whole one.  A symbolic link is followed and
the file it names is replaced the same way (the link stays a link).  A FIFO or a character device
(``/dev/null``, a terminal) is written to as a stream, never replaced; ``-`` is standard output.
Other kinds of file (directories, sockets, block devices) are refused.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from typing import IO

from cognito_spec.cli.output import write_to
from cognito_spec.errors import CaptureError, UsageError
from cognito_spec.traffic.redact import RedactStats, redact_capture
from cognito_spec.traffic.source import CaptureSource, open_capture

__all__ = ["register", "run_redact"]


def register(subparsers: object) -> None:
    r = subparsers.add_parser(  # type: ignore[attr-defined]
        "redact",
        help="copy a capture with every credential masked",
        description="Write a copy of a HAR or JSON-lines capture with every credential masked:"
        " the members the model marks sensitive in request and response bodies (tokens, passwords,"
        " client secrets, sessions, user names, attribute values),"
        " credential headers and cookies, tokens in URLs and forms, and anything shaped like a JWT,"
        " in every entry. Everything else is copied byte for byte, so the copy validates exactly as"
        " the original. A summary of what was masked goes to standard error (counts, never values).",
    )
    r.add_argument("input", metavar="IN", help="capture file; - reads standard input")
    r.add_argument(
        "output",
        metavar="OUT",
        help="where to write: a file (replaced atomically; a symlink's target is replaced), a FIFO or"
        " device (streamed to), or - for standard output",
    )
    r.set_defaults(func=run_redact)


def _text(raw: IO[bytes]) -> io.TextIOWrapper:
    # surrogatepass: a lone surrogate the input held (as its UTF-8 form) is written back as it was.
    return io.TextIOWrapper(raw, encoding="utf-8", errors="surrogatepass", newline="", write_through=False)


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
            stats = _stream(src, sys.stdout.buffer) if args.output == "-" else _to_path(src, args.output)
    except CaptureError as exc:
        raise UsageError(str(exc)) from None
    lines = stats.summary()
    print(f"cognito-spec: {lines[0]}", file=sys.stderr)
    for line in lines[1:]:
        print(line, file=sys.stderr)
    return 0


def _stream(src: CaptureSource, raw: IO[bytes]) -> RedactStats:
    out = _text(raw)
    try:
        stats = redact_capture(src, out)
        out.flush()
    finally:
        out.detach()
    return stats


def _to_path(src: CaptureSource, path: str) -> RedactStats:
    return write_to(path, lambda raw: _stream(src, raw))
