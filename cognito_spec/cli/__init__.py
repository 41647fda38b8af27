"""The ``cognito-spec`` command: a thin front over the library.

Subcommands live in modules that each expose ``register(subparsers)``; every subcommand sets
``func`` on its parser, a callable taking the parsed arguments and returning the exit code.

Exit codes: 0 success (all valid), 1 findings, 2 unreadable input or bad usage.  Errors are one line
on stderr, never a traceback (set ``COGNITO_SPEC_DEBUG=1`` to get one).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from cognito_spec.errors import UsageError

__all__ = ["UsageError", "main"]

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


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        code: int = args.func(args)
        return code
    except UsageError as exc:
        print(f"cognito-spec: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("cognito-spec: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (| head): not an error of ours; silence the flush at exit too.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except Exception as exc:
        if os.environ.get("COGNITO_SPEC_DEBUG"):
            raise
        print(f"cognito-spec: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
