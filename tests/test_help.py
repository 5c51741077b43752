"""``--help`` of rodcli and of every command reads cleanly.

What a user reading the help should never see: Python type names (``<bool>``, ``<str>``,
``<list[Path]>``), a ``--no-force`` nobody asked for, a command summary cut off with "...",
a choice wrapped in the middle of a word, or an option without a line of help.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from rodcli.cli import app

WIDTH = 80
runner = CliRunner(env={"COLUMNS": str(WIDTH), "RODCLI_LANG": None, "TERM": "dumb"})
COMMANDS = ["validate", "build", "compare", "init", "codes", "schema", "explain"]
# What a type name looks like in typer's help: <bool>, <int range>, <list[Path]>, <path>.
TYPE_NAME = re.compile(r"<[a-z][A-Za-z ]*(\[[A-Za-z]+\])?>")


def help_of(*command: str) -> str:
    run = runner.invoke(app, [*command, "--help"])
    assert run.exit_code == 0, run.output
    return run.stdout


def params_of(name: str, kind: str) -> list[Any]:
    """The command's click parameters of one kind ("option" or "argument"); typer may bring
    its own copy of click, so they are told apart by click's own attribute."""
    group: Any = typer.main.get_command(app)
    return [param for param in group.commands[name].params if param.param_type_name == kind]


@pytest.mark.parametrize("command", [[], *([name] for name in COMMANDS)],
                         ids=["rodcli", *COMMANDS])
def test_help_has_no_type_names_and_fits(command: list[str]) -> None:
    text = help_of(*command)
    assert not TYPE_NAME.search(text), TYPE_NAME.search(text)
    assert "--no-" not in text
    for line in text.splitlines():
        assert len(line) <= WIDTH, line


def test_root_help_lists_every_command_with_a_whole_summary() -> None:
    text = help_of()
    listed = dict(re.findall(r"^  ([a-z]+)\s{2,}(.+)$", text.split("Commands:")[1],
                             re.MULTILINE))
    assert sorted(listed) == sorted(COMMANDS)
    for summary in listed.values():
        assert summary.endswith(".") and not summary.endswith("..."), summary
    assert "--version" in text and "Show the version and exit." in text


@pytest.mark.parametrize("name", COMMANDS)
def test_every_option_is_shown_with_its_help(name: str) -> None:
    text = help_of(name)
    flat = " ".join(text.split())
    for param in params_of(name, "option"):
        for flag in param.opts:
            assert re.search(rf"(^|[\s,]){re.escape(flag)}([\s,]|$)", text), flag
        assert param.help, f"{name} {param.opts[0]} has no help"
        assert " ".join(param.help.split()) in flat, param.help
        if not param.is_flag:
            # A value names what it is (FILE, N, [ho|mbo]), never a Python type.
            assert param.metavar, f"{name} {param.opts[0]} has no metavar"


@pytest.mark.parametrize("name", COMMANDS)
def test_usage_line_names_the_arguments(name: str) -> None:
    usage = help_of(name).splitlines()[0]
    assert usage.startswith(f"Usage: rodcli {name} [OPTIONS]")
    description = help_of(name).split("Options:")[0].split("\n", 1)[1]
    for param in params_of(name, "argument"):
        assert param.metavar and param.metavar in usage
        # Described in the command's own text: typer prints a type name beside an argument.
        assert param.metavar in description or name == "validate", param.metavar


def test_choices_are_never_wrapped_mid_word() -> None:
    text = help_of("build")
    assert "[text|json|junit|sarif|github|html]" in text
    assert "[xml|csv]" in text
