"""The ``cognito-spec`` command: :func:`main`, which turns every outcome into an exit code and one line.

The parser and the subcommands are in :mod:`cognito_spec.cli.parser`.  This module stays light: it
imports nothing but ``os`` and ``sys`` at first, so ``cognito-spec --version`` answers from the
version constants alone (budget 250 ms, ``bench/bench_import.py``), and the error types are imported
only when an error happens.

Exit status (:data:`EXIT_STATUS`): 0 success (all valid), 1 findings, 2 unreadable input, bad usage
or an environment the output cannot be written to, 70 a bug in cognito-spec (``EX_SOFTWARE`` of
sysexits.h: a script can tell "my input is bad" from "the tool is broken"), 130 interrupted
(Ctrl-C).  Whatever happens, stderr gets one line, never a traceback (``COGNITO_SPEC_DEBUG=1`` gives
one for the 70 case).  :func:`main` turns each failure into its line:

=============================  ====  ======================================================
what                           exit  the line says
=============================  ====  ======================================================
UsageError, CognitoSpecError   2     the library's own message (they never quote a secret)
WorkerError (``--jobs``)       2     which signal ended the worker; the output is incomplete
standard input/output closed   2     which one is closed
UnicodeEncodeError on output   2     the encoding, the character, ``PYTHONIOENCODING=utf-8``
BrokenPipeError (``| head``)   2     the reader went away: the output is incomplete, so the
                                     run cannot claim 0 (all valid) or 1 (findings)
RecursionError                 2     something is nested too deeply to process
MemoryError                    2     out of memory
KeyboardInterrupt              130   interrupted
anything else                  70    a bug: the exception's type and where it was raised, not its
                                     message (a message may quote a token or a user name)
=============================  ====  ======================================================
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from cognito_spec.errors import UsageError

__all__ = ["EXIT_STATUS", "UsageError", "main", "version_line"]


def __getattr__(name: str) -> Any:  # UsageError, imported on first use
    if name == "UsageError":
        from cognito_spec.errors import UsageError

        return UsageError
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def version_line() -> str:
    """``cognito-spec VERSION; model MODEL; Unicode VERSION``, from the version constants only."""
    from cognito_spec.shapes._version import MODEL_VERSION, UNICODE_VERSION

    return f"cognito-spec {_own_version()}; model {MODEL_VERSION}; Unicode {UNICODE_VERSION}"


def _own_version() -> str:
    """The installed distribution's version, as ``importlib.metadata.version`` finds it.

    ``importlib.metadata`` costs about 150 ms to import (it brings the ``email`` parser along), more
    than the rest of ``--version``.  An installed distribution is a ``{name}-{version}.dist-info``
    folder on ``sys.path`` whose ``METADATA`` starts with RFC 822 headers, one of them ``Version``
    (the PyPA's "Recording installed projects" specification); the first one on ``sys.path`` wins,
    as for ``importlib.metadata``.  Anything else (eggs, zip imports) goes to ``importlib.metadata``.
    """
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            if name.startswith("cognito_spec-") and name.endswith(".dist-info"):
                try:
                    with open(os.path.join(entry or ".", name, "METADATA"), encoding="utf-8") as fp:
                        for line in fp:
                            if not line.strip():
                                break
                            key, _, value = line.partition(":")
                            if key.strip().lower() == "version":
                                return value.strip()
                except OSError:
                    pass
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("cognito-spec")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "source"


#: The exit codes, as ``--help`` states them.
EXIT_STATUS: Final = (
    "Exit status: 0 success (all valid), 1 findings, 2 unreadable input, bad usage or output that cannot"
    " be written (closed, broken pipe, an encoding that cannot hold a character), 70 a bug in"
    " cognito-spec, 130 interrupted. Errors are one line on stderr."
)
EXIT_BUG: Final = 70
EXIT_INTERRUPTED: Final = 130


class _Closed:
    """Stands in for a standard stream the process was started without (``<&-``, ``>&-``)."""

    def __init__(self, name: str) -> None:
        self._name = name

    def isatty(self) -> bool:  # asked before any use (the progress bar): not a terminal
        return False

    def flush(self) -> None:  # the interpreter flushes at exit: nothing was written
        pass

    def __getattr__(self, attr: str) -> Any:
        from cognito_spec.errors import UsageError

        raise UsageError(f"standard {self._name} is closed")


def _say(line: str) -> None:
    """One line on stderr, whatever state stderr is in."""
    try:
        stream = sys.stderr
        if stream is None or isinstance(stream, _Closed):
            return
        stream.write(line + "\n")
        stream.flush()
    except (OSError, ValueError, UnicodeError):  # a closed or unencodable stderr: nothing more to do
        pass


def _silence_stdout() -> None:
    """After a failed write, keep the interpreter's own flush at exit from failing (and printing)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def _where(exc: BaseException) -> str:
    """``path:line`` of the innermost frame of the traceback, relative to the package."""
    tb = exc.__traceback__
    if tb is None:
        return "an unknown place"
    while tb.tb_next is not None:
        tb = tb.tb_next
    filename = tb.tb_frame.f_code.co_filename.replace(os.sep, "/")
    cut = filename.rfind("/cognito_spec/")
    return f"{filename[cut + 1 :] if cut >= 0 else filename.rsplit('/', 1)[-1]}:{tb.tb_lineno}"


def _run(argv: Sequence[str] | None) -> int:
    for stream, name in (("stdin", "input"), ("stdout", "output")):
        if getattr(sys, stream) is None:  # started without it (<&-, >&-): say so on first use
            setattr(sys, stream, _Closed(name))
    args = sys.argv[1:] if argv is None else list(argv)
    if args == ["--version"]:
        # The one command that must start fast: no parser, no subcommand modules.
        sys.stdout.write(version_line() + "\n")
        code = 0
    else:
        from cognito_spec.cli.parser import run

        code = run(args)
    sys.stdout.flush()  # inside the handlers below: a write that fails at exit is still reported
    return code


def _encoding_problem(exc: UnicodeEncodeError) -> str | None:
    """The line for a character standard output cannot hold (None when the error is elsewhere)."""
    import codecs

    try:
        ours = codecs.lookup(getattr(sys.stdout, "encoding", None) or "").name
        theirs = codecs.lookup(exc.encoding).name
    except LookupError:
        return None
    if ours != theirs:
        return None
    char = exc.object[exc.start : exc.start + 1] if isinstance(exc.object, str) else ""
    what = f"U+{ord(char):04X}" if char else "a character"
    return (
        f"cognito-spec: standard output (encoding {exc.encoding}) cannot write {what}; set"
        " PYTHONIOENCODING=utf-8 (or utf-8:backslashreplace)"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``cognito-spec`` with ``argv`` (default ``sys.argv[1:]``); the exit status (see above)."""
    try:
        return _run(argv)
    except KeyboardInterrupt:
        _say("cognito-spec: interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (| head): what it did not read is lost, so the run cannot report
        # "all valid" or "findings".
        _silence_stdout()
        _say("cognito-spec: standard output was closed by its reader before the output was complete")
        return 2
    except RecursionError:
        _say("cognito-spec: something in the input is nested too deeply to process (RecursionError)")
        return 2
    except MemoryError:
        _say("cognito-spec: out of memory (MemoryError); try a smaller input, or fewer --jobs")
        return 2
    except Exception as exc:
        # The library's errors are imported only now: --version must not pay for them.
        from cognito_spec.errors import CognitoSpecError

        if isinstance(exc, CognitoSpecError):  # typed (UsageError, ...): its message is the reason
            _say(f"cognito-spec: {exc}")
            return 2
        line = _encoding_problem(exc) if isinstance(exc, UnicodeEncodeError) else None
        if os.environ.get("COGNITO_SPEC_DEBUG"):
            raise
        if line is not None:
            _silence_stdout()
            _say(line)
            return 2
        _say(
            f"cognito-spec: internal error, a bug in cognito-spec (please report it): {type(exc).__name__}"
            f" raised at {_where(exc)}; COGNITO_SPEC_DEBUG=1 shows the traceback"
        )
        return EXIT_BUG


if __name__ == "__main__":
    raise SystemExit(main())
