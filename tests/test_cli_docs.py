"""docs/cli.md is the CLI's own --help, so it never goes stale.

Regenerate with: ARGMAP_UPDATE_GOLDEN=1 pytest tests/test_cli_docs.py
"""

from __future__ import annotations

import os

import click
from click.testing import CliRunner

from argmap.cli import main

from .conftest import REPO

DOC = REPO / "docs" / "cli.md"


def _commands(group: click.Group, prefix: list[str]) -> list[list[str]]:
    found = [prefix]
    context = click.Context(group)
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        if isinstance(command, click.Group):
            found += _commands(command, [*prefix, name])
        else:
            found.append([*prefix, name])
    return found


def render() -> str:
    runner = CliRunner()
    parts = [
        "# The argmap command line\n",
        "Generated from `--help` (see tests/test_cli_docs.py); do not edit by hand.\n",
    ]
    for path in _commands(main, []):
        result = runner.invoke(main, [*path, "--help"], prog_name="argmap", terminal_width=100)
        assert result.exit_code == 0, result.output
        parts.append(f"## argmap {' '.join(path)}".rstrip() + "\n")
        parts.append("```\n" + result.stdout.rstrip() + "\n```\n")
    return "\n".join(parts)


def test_cli_docs_are_current():
    text = render()
    if os.environ.get("ARGMAP_UPDATE_GOLDEN"):
        DOC.write_text(text, encoding="utf-8")
    assert DOC.read_text(encoding="utf-8") == text, (
        "run ARGMAP_UPDATE_GOLDEN=1 pytest tests/test_cli_docs.py"
    )
