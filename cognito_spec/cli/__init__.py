"""The ``cognito-spec`` command: a thin front over the library.

Subcommands live in modules that each expose ``register(subparsers)``; every subcommand sets
``func`` on its parser, a callable taking the parsed arguments and returning the exit code.

Exit status (:data:`EXIT_STATUS`): 0 success (all valid), 1 findings, 2 unreadable input, bad usage
or an environment the output cannot be written to, 70 a bug in cognito-spec (``EX_SOFTWARE`` of
sysexits.h: a script can tell "my input is bad" from "the tool is broken"), 130 interrupted
(Ctrl-C).  Whatever happens, stderr gets one line, never a traceback (``COGNITO_SPEC_DEBUG=1`` gives
one for the 70 case).  :func:`main` turns each failure into its line:

=============================  ====  ======================================================
what                           exit  the line says
=============================  ====  ======================================================
UsageError, CognitoSpecError   2     the library's own message (they never quote a secret)
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

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, Final

from cognito_spec.errors import UsageError

__all__ = ["EXIT_STATUS", "UsageError", "main"]

#: Modules contributing subcommands, in the order ``--help`` lists them.
SUBCOMMAND_MODULES = ("cognito_spec.cli.validate", "cognito_spec.cli.redact", "cognito_spec.cli.fixtures")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse would print usage and exit 2; keep it to one line
        raise UsageError(message)


class _VersionAction(argparse.Action):
    """argparse's own version action wraps the line at the terminal width; this prints it whole."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *args: Any) -> None:
        print(_version())
        parser.exit(0)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    from cognito_spec.patterns import UNICODE_VERSION
    from cognito_spec.shapes import MODEL_VERSION

    try:
        own = version("cognito-spec")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        own = "source"
    return f"cognito-spec {own}; model {MODEL_VERSION}; Unicode {UNICODE_VERSION}"


def build_parser() -> argparse.ArgumentParser:
    from cognito_spec.shapes import MODEL_VERSION

    parser = _Parser(
        prog="cognito-spec",
        description=f"Wire-exact tools for the Cognito user pools API ({MODEL_VERSION}).",
        epilog=EXIT_STATUS,
    )
    parser.add_argument(
        "--version", action=_VersionAction, help="show versions (package, model, Unicode) and exit"
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name in SUBCOMMAND_MODULES:
        module = importlib.import_module(name)
        register: Callable[[Any], None] = module.register
        register(sub)
    return parser


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
    args = build_parser().parse_args(argv)
    code: int = args.func(args)
    sys.stdout.flush()  # inside the handlers below: a write that fails at exit is still reported
    return code


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _run(argv)
    except UsageError as exc:
        _say(f"cognito-spec: {exc}")
        return 2
    except KeyboardInterrupt:
        _say("cognito-spec: interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (| head): what it did not read is lost, so the run cannot report
        # "all valid" or "findings".
        _silence_stdout()
        _say("cognito-spec: standard output was closed by its reader before the output was complete")
        return 2
    except UnicodeEncodeError as exc:
        if os.environ.get("COGNITO_SPEC_DEBUG"):
            raise
        _silence_stdout()
        char = exc.object[exc.start : exc.start + 1] if isinstance(exc.object, str) else ""
        what = f"U+{ord(char):04X}" if char else "a character"
        _say(
            f"cognito-spec: standard output (encoding {exc.encoding}) cannot write {what}; set"
            " PYTHONIOENCODING=utf-8 (or utf-8:backslashreplace)"
        )
        return 2
    except RecursionError:
        _say("cognito-spec: something in the input is nested too deeply to process (RecursionError)")
        return 2
    except MemoryError:
        _say("cognito-spec: out of memory (MemoryError); try a smaller input, or fewer --jobs")
        return 2
    except Exception as exc:
        if os.environ.get("COGNITO_SPEC_DEBUG"):
            raise
        from cognito_spec.errors import CognitoSpecError

        if isinstance(exc, CognitoSpecError):  # typed: its message is the reason, and never secret
            _say(f"cognito-spec: {exc}")
            return 2
        _say(
            f"cognito-spec: internal error, a bug in cognito-spec (please report it): {type(exc).__name__}"
            f" raised at {_where(exc)}; COGNITO_SPEC_DEBUG=1 shows the traceback"
        )
        return EXIT_BUG


if __name__ == "__main__":
    raise SystemExit(main())
