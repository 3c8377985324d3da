"""The README's two commands exist, and CI runs the test command verbatim."""

from __future__ import annotations

import re

from .conftest import REPO


def _commands() -> list[str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```sh\n(.+?)\n```", readme)


def test_readme_gives_exactly_two_commands():
    commands = _commands()
    assert len(commands) == 2
    install_and_report, install_and_test = commands
    assert "pip install" in install_and_report and install_and_report.endswith("argmap report")
    assert "pip install" in install_and_test and "pytest" in install_and_test


def test_ci_runs_the_readme_test_command():
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert _commands()[1] in ci


def test_readme_picture_exists():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for target in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", readme):
        assert (REPO / target).is_file(), target
