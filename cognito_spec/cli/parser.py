"""The command line of ``cognito-spec``: the argument parser and its subcommands.

Subcommands live in modules that each expose ``register(subparsers)``; every subcommand sets
``func`` on its parser, a callable taking the parsed arguments and returning the exit code.  Failures
are turned into one line and an exit code by :func:`cognito_spec.cli.main`, which imports this
module only when the command line is more than ``--version``.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from typing import Any

from cognito_spec.cli import EXIT_STATUS, version_line
from cognito_spec.errors import UsageError

__all__ = ["SUBCOMMANDS", "SUBCOMMAND_MODULES", "build_parser", "run"]

#: Modules contributing subcommands, in the order ``--help`` lists them.
SUBCOMMAND_MODULES = (
    "cognito_spec.cli.validate",
    "cognito_spec.cli.redact",
    "cognito_spec.cli.fixtures",
    "cognito_spec.cli.probe",
)
#: The subcommands each module registers.  A command line that starts with one of them is parsed by
#: a parser holding that module's subcommands alone: the others' modules are then neither imported
#: (for ``validate``: 48 modules, the fixture generator and token signing among them, 120 M
#: instructions of start-up) nor asked to build parsers never used (6 M: argparse looks up its message
#: catalogues for every parser), before any work; ``--help``, ``--version`` and a mistyped name get
#: them all.
SUBCOMMANDS = {
    "validate": "cognito_spec.cli.validate",
    "redact": "cognito_spec.cli.redact",
    "fixtures": "cognito_spec.cli.fixtures",
    "schema": "cognito_spec.cli.fixtures",
    "operations": "cognito_spec.cli.fixtures",
    "probe": "cognito_spec.cli.probe",
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse would print usage and exit 2; keep it to one line
        raise UsageError(message)


class _VersionAction(argparse.Action):
    """argparse's own version action wraps the line at the terminal width; this prints it whole."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *args: Any) -> None:
        print(version_line())
        parser.exit(0)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of every subcommand, or (``command``, a key of :data:`SUBCOMMANDS`) of those its
    module registers only."""
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
    for name in SUBCOMMAND_MODULES if command is None else (SUBCOMMANDS[command],):
        module = importlib.import_module(name)
        register: Callable[[Any], None] = module.register
        register(sub)
    return parser


def run(argv: Sequence[str] | None) -> int:
    """Parse the command line and run the subcommand; its exit code."""
    args = list(argv) if argv is not None else sys.argv[1:]
    command = args[0] if args and args[0] in SUBCOMMANDS else None
    parsed = build_parser(command).parse_args(args)
    code: int = parsed.func(parsed)
    return code
