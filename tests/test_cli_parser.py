"""``cognito_spec.cli.parser``: a command line naming a subcommand is parsed by that subcommand's
parser alone, exactly as the parser of every subcommand parses it."""

from __future__ import annotations

import argparse
import importlib
from typing import Any

import pytest

from cognito_spec.cli.parser import SUBCOMMAND_MODULES, SUBCOMMANDS, build_parser
from cognito_spec.errors import UsageError


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    (action,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    choices: dict[str, argparse.ArgumentParser] = action.choices
    return choices


def test_every_subcommand_is_listed_with_the_module_that_registers_it() -> None:
    full = _subparsers(build_parser())
    assert set(full) == set(SUBCOMMANDS)
    assert set(SUBCOMMANDS.values()) == set(SUBCOMMAND_MODULES)
    for module in SUBCOMMAND_MODULES:
        importlib.import_module(module)
        names = {name for name, owner in SUBCOMMANDS.items() if owner == module}
        assert set(_subparsers(build_parser(next(iter(names))))) == names


@pytest.mark.parametrize("command", sorted(SUBCOMMANDS))
def test_one_subcommand_s_parser_is_the_one_of_the_full_parser(command: str) -> None:
    # Its help, and every option it has (so any command line it is given parses alike).
    alone = _subparsers(build_parser(command))[command]
    full = _subparsers(build_parser())[command]
    assert alone.format_help() == full.format_help()

    def options(p: argparse.ArgumentParser) -> list[tuple[Any, ...]]:
        return [(a.option_strings, a.dest, a.nargs, a.default, a.choices, a.type) for a in p._actions]

    assert options(alone) == options(full)


@pytest.mark.parametrize(
    "argv",
    [
        ["validate", "a.jsonl", "--jobs", "2", "--format", "json"],
        ["validate", "--all", "--strict", "-", "b.har"],
        ["fixtures", "AdminGetUser"],
        ["operations"],
    ],
)
def test_a_command_line_parses_alike(argv: list[str]) -> None:
    def parsed(command: str | None) -> dict[str, Any]:
        return vars(build_parser(command).parse_args(argv))

    assert parsed(argv[0]) == parsed(None)


@pytest.mark.parametrize("argv", [["validate", "--jobs", "x", "a"], ["validate"], ["operations", "--nope"]])
def test_a_mistake_is_the_same_message(argv: list[str]) -> None:
    messages = []
    for command in (argv[0], None):
        with pytest.raises(UsageError) as info:
            build_parser(command).parse_args(argv)
        messages.append(str(info.value))
    assert messages[0] == messages[1]
