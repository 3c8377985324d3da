"""Problems found in a case, and the one error type argmap raises for bad input."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

__all__ = [
    "ArgmapError",
    "CaseError",
    "Problem",
    "Severity",
    "count_line",
    "display_path",
    "format_problems",
    "printable",
]

Severity = Literal["error", "warning"]


def display_path(path: Path | str) -> str:
    """A path as the user would type it: relative to the current folder where possible."""
    text = os.fspath(path)
    try:
        rel = os.path.relpath(text)
    except ValueError:  # another drive on Windows
        return text
    return rel if not rel.startswith(".." + os.sep + "..") else text


MESSAGE_LIMIT = 400
"""Longest message shown; a longer one (a huge value quoted in it) keeps its two ends."""


def _escape(match: re.Match[str]) -> str:
    return repr(match.group())[1:-1]


# Control characters, and the invisible marks that reorder text on a terminal (bidirectional
# overrides and isolates: U+202E can make a file name read backwards).
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_CONTROL = re.compile(f"[\\x00-\\x1f\\x7f-\\x9f{_BIDI}]")


def printable(text: str) -> str:
    """``text`` for a terminal: control characters other than line breaks escaped, so that
    text from an input file (a cell, a node id) cannot move the cursor or retitle the window.

    >>> printable("cell '\\x1b]0;pwned\\x07'\\nnext line")
    "cell '\\\\x1b]0;pwned\\\\x07'\\nnext line"
    """
    return _CONTROL_BUT_NEWLINE.sub(_escape, text)


_CONTROL_BUT_NEWLINE = re.compile(f"[\\x00-\\x09\\x0b-\\x1f\\x7f-\\x9f{_BIDI}]")


def _one_line(text: str, limit: int | None) -> str:
    """``text`` with control characters escaped (no line breaks, no terminal codes), and
    cut to about ``limit`` characters around an ellipsis."""
    text = _CONTROL.sub(_escape, text)
    if limit is not None and len(text) > limit:
        keep = limit // 2
        text = f"{text[:keep]}…{text[-keep:]}"
    return text


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem in the case, located at a file and line."""

    severity: Severity
    file: Path
    line: int
    field: str
    message: str
    hint: str

    def format(self) -> str:
        """`FILE:LINE: error: FIELD: MESSAGE` and an indented hint line.

        Text from the case (a value in a message, an id in a field) is shown on one line,
        its control characters escaped, and cut short when it is very long.

        >>> Problem("error", Path("e.yaml"), 3, "kind", "'a\\nb' is not allowed", "").format()
        "e.yaml:3: error: kind: 'a\\\\nb' is not allowed"
        """
        where = f"{_one_line(display_path(self.file), None)}:{self.line}"
        field = _one_line(self.field, 200)
        message = _one_line(self.message, MESSAGE_LIMIT)
        head = f"{where}: {self.severity}: {field + ': ' if field else ''}{message}"
        return f"{head}\n  hint: {_one_line(self.hint, None)}" if self.hint else head

    @property
    def sort_key(self) -> tuple[str, int, int]:
        return (str(self.file), self.line, 0 if self.severity == "error" else 1)


class ArgmapError(Exception):
    """A problem outside the case: Graphviz failing, an unwritable output."""


class CaseError(ArgmapError):
    """The case is invalid; carries every problem found (warnings included)."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(problems, key=lambda p: p.sort_key)
        errors = sum(p.severity == "error" for p in self.problems)
        super().__init__(f"{errors} error{'s' if errors != 1 else ''} in the case")

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


def count_line(problems: list[Problem]) -> str:
    """One line counting errors and warnings, e.g. `2 errors, 1 warning`."""
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    files = len({p.file for p in problems})
    parts = [f"{errors} error{'s' if errors != 1 else ''}"]
    parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
    return f"{', '.join(parts)} in {files} file{'s' if files != 1 else ''}"


def format_problems(problems: list[Problem]) -> str:
    """Every problem, then the count line."""
    lines = [p.format() for p in problems]
    lines.append(count_line(problems))
    return "\n".join(lines)
