"""Writing case files: the YAML argmap writes, and new case folders.

Every YAML argmap writes comes from here: :func:`dump_yaml` for whole documents (what the
importers write) and :func:`yaml_quoted` for text inside files laid out by hand (a ratings
file as the rating sheet writes it, the data of an Argdown export). Only ``import --into``
edits YAML otherwise: in place, with ruamel.yaml's round trip, so that the analyst's
comments and layout stay (:mod:`argmap.io.matrix`).

A new case folder appears whole or not at all: files are written into a temporary
sibling folder, the result is validated with the normal loader, and only then
renamed into place. An existing non-empty folder is never touched.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from .problems import ArgmapError, CaseError, Problem, display_path

__all__ = ["dump_yaml", "load_errors", "write_new_case", "yaml_quoted"]


class _Dumper(yaml.SafeDumper):
    """Block style, long text folded for reading, keys in the order given."""


_OTHER_LINE_BREAKS = re.compile("[\r\x85\u2028\u2029]")


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if _OTHER_LINE_BREAKS.search(value):
        # Written as they are, a reader takes these for line breaks and folds them away;
        # only a double-quoted scalar keeps them, as escapes.
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _str)


def dump_yaml(document: Mapping[str, Any], comment: str | None = None) -> str:
    """YAML text for a case file: block style, Unicode kept, keys in the order given."""
    text = yaml.dump(
        dict(document),
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=False,
    )
    head = "".join(f"# {line}\n" for line in comment.splitlines()) if comment else ""
    return head + text


_NOT_PLAIN = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")
"""What a double-quoted scalar must escape beyond JSON's escapes: what YAML refuses in a
file or reads as a line break."""


def yaml_quoted(text: str, escape: str = "") -> str:
    """``text`` as a YAML double-quoted scalar: JSON's escapes, plus ``\\u`` escapes for
    the characters YAML refuses in a file or reads as line breaks, and for every character
    in ``escape``.

    >>> print(yaml_quoted('Ann "the judge"\\u2028O\\'Neil'))
    "Ann \\"the judge\\"\\u2028O'Neil"
    >>> print(yaml_quoted("{data}", escape="{}"))
    "\\u007bdata\\u007d"
    """
    quoted = json.dumps(text, ensure_ascii=False)
    if escape:
        quoted = re.sub(f"[{re.escape(escape)}]", lambda m: f"\\u{ord(m.group()):04x}", quoted)
    return _NOT_PLAIN.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)


def refuse_existing(folder: Path) -> None:
    """Raise unless ``folder`` is absent or an empty folder."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise ArgmapError(f"{display_path(folder)} exists and is not empty; choose a new folder")


def write_new_case(folder: Path, files: Mapping[str, str], *, validate: bool = True) -> list[Path]:
    """Create ``folder`` holding ``files`` ({relative path: text}); returns the paths written.

    With ``validate``, the written case must load without errors, else nothing is kept and
    the :class:`CaseError` is raised with the problems.
    """
    refuse_existing(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        _write_files(staging, files)
        if validate:
            from .load import load_case

            try:
                load_case(staging)
            except CaseError as err:
                # Name the files as they were to be named, not by the staging folder.
                raise CaseError(
                    replace(p, file=folder / p.file.relative_to(staging))
                    if p.file.is_relative_to(staging)
                    else p
                    for p in err.problems
                ) from None
        if folder.exists():
            folder.rmdir()
        staging.rename(folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return [folder / relative for relative in files]


def _write_files(folder: Path, files: Mapping[str, str]) -> None:
    for relative, text in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="")


def load_errors(files: Mapping[str, str]) -> list[Problem]:
    """The errors of the case that ``files`` ({relative path: text}) would make, as the
    loader reports them (each file named by its path in the case folder); empty when it
    loads. An importer checks its output with this before anything is written."""
    from .load import load_case

    staging = Path(tempfile.mkdtemp(prefix=".argmap-case-"))
    try:
        _write_files(staging, files)
        try:
            load_case(staging)
        except CaseError as err:
            return [
                replace(p, file=p.file.relative_to(staging))
                if p.file.is_relative_to(staging)
                else p
                for p in err.errors
            ]
        return []
    finally:
        shutil.rmtree(staging, ignore_errors=True)
