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
import stat
import sys
import tempfile
from typing import IO

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
    try:
        st = os.stat(path)  # follows a symbolic link
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise UsageError(f"{path}: {exc.strerror or type(exc).__name__}") from None
    if st is not None and (stat.S_ISFIFO(st.st_mode) or stat.S_ISCHR(st.st_mode)):
        try:
            with open(path, "wb") as raw:
                return _stream(src, raw)
        except OSError as exc:
            raise UsageError(f"{path}: {exc.strerror or type(exc).__name__}") from None
    if st is not None and not stat.S_ISREG(st.st_mode):
        raise UsageError(f"{path}: neither a regular file, a FIFO nor a character device; not replaced")
    # A link is replaced through: its target gets the copy, the link stays.
    target = os.path.realpath(path)
    directory, name = os.path.split(target)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=directory or ".")
    except OSError as exc:
        raise UsageError(f"{path}: {exc.strerror or type(exc).__name__}") from None
    try:
        with os.fdopen(fd, "wb") as raw:
            stats = _stream(src, raw)
        if st is not None:
            os.chmod(tmp, stat.S_IMODE(st.st_mode))  # the copy keeps the permissions of what it replaces
        os.replace(tmp, target)
    except OSError as exc:
        raise UsageError(f"{path}: {exc.strerror or type(exc).__name__}") from None
    finally:
        if os.path.lexists(tmp):
            os.unlink(tmp)
    return stats
