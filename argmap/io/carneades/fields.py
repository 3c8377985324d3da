"""The Carneades file read field by field, with errors that name its file, line and node."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ...problems import CaseError, Problem
from ...yamlfile import Loc, YamlDocument, read_yaml

__all__ = ["FieldReader"]


class FieldReader:
    """The parsed file, and errors that name its file, line and node."""

    def __init__(self, path: Path):
        try:
            self.doc: YamlDocument = read_yaml(path)
        except CaseError as err:
            raise CaseError(
                [
                    Problem(p.severity, p.file, p.line, p.field, p.message, _carneades_hint(p))
                    for p in err.problems
                ]
            ) from None
        self.path = path

    def fail(self, loc: Loc, message: str, hint: str = "") -> CaseError:
        name = ".".join(str(part) for part in loc)
        return CaseError([Problem("error", self.path, self.doc.line_of(loc), name, message, hint)])

    def mapping(self, value: Any, loc: Loc) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.fail(loc, "expected a mapping", "write 'key: value' lines under it")
        return value

    def strings(self, value: Any, loc: Loc) -> list[str]:
        """A list of texts; a single text stands for a list of one."""
        if value is None:
            return []
        if isinstance(value, str):
            return [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(loc, "expected a list of texts", "write '[a, b]' or '- a' lines")
        return value

    def keys(self, value: dict[str, Any], allowed: tuple[str, ...], loc: Loc) -> None:
        for key in value:
            if key.lower() not in allowed:
                raise self.fail(
                    (*loc, key),
                    f"unknown key '{key}'",
                    f"allowed keys here: {', '.join(allowed)}",
                )

    def number(self, value: Any, loc: Loc, low: float = 0.0, high: float | None = 1.0) -> float:
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise self.fail(
                loc, f"'{value}' is not a number", "write a number such as 0.5"
            ) from None
        if number < low or (high is not None and number > high):
            limit = f"between {low:g} and {high:g}" if high is not None else f"at least {low:g}"
            raise self.fail(loc, f"{number:g} is out of range", f"write a number {limit}")
        return number

    def flag(self, value: Any, loc: Loc) -> bool:
        text = str(value).strip().lower()
        if text in ("true", "yes", "on", "1"):
            return True
        if text in ("false", "no", "off", "0"):
            return False
        raise self.fail(loc, f"'{value}' is not true or false", "write true or false")


def _carneades_hint(problem: Problem) -> str:
    if "must be a mapping" in problem.message:
        return "a Carneades graph is a mapping with keys such as statements: and arguments:"
    return problem.hint
