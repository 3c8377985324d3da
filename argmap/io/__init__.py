"""Interchange with other tools: one module per format.

An importer module provides ``to_case_files(path) -> dict[str, str]``: the files of a new
case folder ({relative path: text}), which the CLI writes whole or not at all; bad input
raises :class:`~argmap.problems.ArgmapError` naming the line or node. It may also provide
``summary(path) -> dict`` (for ``--summary``) and ``merge_into(path, case_folder) -> list[str]``
(for ``--into``: edits an existing case in place, keeping a backup, and returns what changed),
and ``case_files(path) -> (files, warnings)``, which the CLI prefers: the same files, and
:class:`~argmap.problems.Problem` warnings about what was read differently from the file.

An exporter module provides ``export(case) -> str | bytes`` and ``BINARY: bool``, and may
provide ``export_files(case, target) -> dict[Path, bytes]`` when it writes several files
(Markdown with its diagram beside it); the main file comes last.
Modules are imported only when their format is used.
"""

from __future__ import annotations

import importlib
from types import ModuleType

__all__ = ["EXPORTERS", "IMPORTERS", "exporter", "importer"]

IMPORTERS: dict[str, str] = {
    "argdown": "argmap.io.argdown",
    "aif": "argmap.io.aif",
    "carneades": "argmap.io.carneades",
    "json": "argmap.io.jsondoc",
    "xlsx": "argmap.io.xlsx",
    "csv": "argmap.io.csvfile",
}
EXPORTERS: dict[str, str] = {
    "argdown": "argmap.io.argdown",
    "aif": "argmap.io.aif",
    "json": "argmap.io.jsondoc",
    "markdown": "argmap.io.markdown",
    "xlsx": "argmap.io.xlsx",
    "csv": "argmap.io.csvfile",
}


NEEDS_EXTRA: dict[str, str] = {"xlsx": "xlsx"}
"""Format → the extra (argmap.extras) its module needs."""


def _load(table: dict[str, str], name: str, what: str, needed: str) -> ModuleType:
    from ..extras import require  # here, not above: the CLI's --help reads only the tables
    from ..problems import ArgmapError

    if name in table and name in NEEDS_EXTRA:
        require(NEEDS_EXTRA[name], f"the {name.upper()} format")
    try:
        module = importlib.import_module(table[name])
    except ModuleNotFoundError as err:
        if err.name != table[name]:
            raise
        raise ArgmapError(f"{what} {name!r} is not supported yet") from None
    if not hasattr(module, needed):
        raise ArgmapError(f"{what} {name!r} is not supported")
    return module


def importer(name: str) -> ModuleType:
    return _load(IMPORTERS, name, "import format", "to_case_files")


def exporter(name: str) -> ModuleType:
    return _load(EXPORTERS, name, "export format", "export")
