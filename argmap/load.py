"""Loading a case folder: files → validated :class:`~argmap.model.Case`.

Every problem is collected, located at a file and line, and raised together as
one :class:`~argmap.problems.CaseError`; warnings come back with the case. What
each problem says, and its hint, is a rule of :mod:`argmap.rules`.

Loading goes in three steps: each file is read and validated against its model
(:func:`validate_document`); the items of every file are gathered by id, those with
problems of their own kept as far as they are sound (:func:`_gather`); then the named
checks across files run over what was gathered. A file or item with problems does not
hide the other problems of the case: a check runs whenever what it needs is known, and is
skipped (never guessed at) when a broken file or item might change its answer.
"""

from __future__ import annotations

import errno
import gc
import hashlib
import os
import stat
import types
import typing
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from .model import (
    CASE_KEYS,
    RATINGS_FOLDER,
    Argument,
    Case,
    Evidence,
    EvidenceFile,
    HypothesesFile,
    Hypothesis,
    Originator,
    QuoteSpan,
    Scenario,
    Source,
    Statement,
    is_catch_all,
)
from .priors import leaf_priors
from .problems import CaseError, Problem
from .quotes import Comparisons, SourceText
from .rules import PYDANTIC_TYPES, RULES, problem
from .text import Suggestions
from .vocabulary import VOCABULARY
from .yamlfile import MAX_DEPTH, Loc, YamlDocument, not_a_file, read_regular, read_yaml

if TYPE_CHECKING:  # a case without analysts' ratings files never loads their format
    from .ratingsfile import AnalystRatings, RatingsFile

__all__ = [
    "MAX_SOURCE_BYTES",
    "LoadCache",
    "LoadResult",
    "case_files",
    "load_case",
    "read_valid",
    "validate_document",
]

YAML_SUFFIXES = (".yaml", ".yml")


MAX_SOURCE_BYTES = 20_000_000
"""Largest source text read (20 MB): a longer document is refused, by its size, before it is
read. Finding quotes in a source of this size takes about a second."""

QUOTE_HINT_BUDGET = 160_000_000
"""Most characters compared (source × quote) to find the closest passages of the quotes
not found in one load, about a second; misquotes beyond it get the general hint."""


@dataclass
class LoadResult:
    case: Case
    warnings: list[Problem]
    ratings: list[AnalystRatings] = field(default_factory=list)
    """Analysts' ratings files (evidence/ratings/*.yaml), if any: docs/workshops.md."""
    origins: dict[str, _Origin] = field(default_factory=dict, repr=False)
    """Every item's id → where it is written, for checks that run after loading."""
    inputs: tuple[Path, ...] = ()
    """Every file the case was read from: YAML files, ratings files and source texts."""

    def place(self, ident: str, *keys: str | int) -> tuple[Path, int, str]:
        """The file, line and field name of key ``keys`` of item ``ident`` (the item's own
        line where the key is not written; the case folder's first line for an unknown id)."""
        origin = self.origins.get(ident)
        if origin is None:
            return self.case_folder, 1, ""
        return origin.doc.path, origin.line(*keys), origin.field(*keys)

    @property
    def case_folder(self) -> Path:
        return next(iter(self.origins.values())).doc.path.parent.parent if self.origins else Path()


@dataclass
class LoadCache:
    """What a load may take from the one before instead of reading it again (an editor
    loads its case after every edit, and an edit changes one file): each YAML file that was
    valid on its own, by its name in the case and its bytes; each source's prepared text and
    the quotes found in it. Only what the last load used is kept."""

    documents: dict[tuple[str, bytes], tuple[YamlDocument, BaseModel]] = field(default_factory=dict)
    sources: dict[str, SourceText] = field(default_factory=dict)
    found: dict[tuple[str, str], tuple[int, int, int, int]] = field(default_factory=dict)
    """(a source's text, quote) → (start, end, occurrences, paragraph). The text is the
    prepared source's own string, so its hash is computed once."""


def case_files(folder: Path, part: str) -> list[Path]:
    """The YAML files directly in ``folder/part``, in file-name order."""
    directory = folder / part
    if not directory.is_dir():
        return []
    return sorted(
        (p for p in directory.iterdir() if p.suffix in YAML_SUFFIXES and p.is_file()),
        key=lambda p: p.name,
    )


def _listed_files(folder: Path, part: str) -> tuple[list[Path], list[Problem]]:
    """The YAML files directly in ``folder/part``, in file-name order, and a problem for each
    name that is no file to read (a folder, a named pipe, a link to a device or that loops)
    and for a folder that cannot be listed. Nothing is opened."""
    directory = folder / part
    try:
        names = os.listdir(directory)
    except (FileNotFoundError, NotADirectoryError):
        return [], []
    except OSError as err:
        return [], [problem("folder_unreadable", directory, 1, reason=err.strerror)]
    files: list[Path] = []
    found: list[Problem] = []
    for name in sorted(names):
        path = directory / name
        if path.suffix not in YAML_SUFFIXES or name.startswith(".#"):
            continue  # .#case.yaml: the link Emacs makes, to nowhere, while a file is edited
        try:
            what = not_a_file(path)
        except OSError as err:
            found.append(problem("unreadable_file", path, 1, reason=err.strerror))
            continue
        if what is None:
            files.append(path)
        else:
            found.append(problem("not_a_case_file", path, 1, what=what, folder=part))
    return files, found


def _case_folder_problem(folder: Path) -> Problem | None:
    """Why ``folder`` cannot be read as a case folder, if it cannot."""
    try:
        is_folder = stat.S_ISDIR(folder.stat().st_mode)
        if is_folder:
            with os.scandir(folder):  # opening it is enough to know it can be listed
                pass
    except (FileNotFoundError, NotADirectoryError):
        is_folder = False
    except OSError as err:
        return problem("folder_unreadable", folder, 1, reason=err.strerror)
    return None if is_folder else problem("no_case_folder", folder, 1)


# --- one file against its model: pydantic's errors as located problems --------------------


def _unwrap(annotation: Any) -> list[Any]:
    """The candidate types inside Optional/Union/Annotated."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [t for arg in typing.get_args(annotation) for t in _unwrap(arg)]
    return [annotation]


def _model_at(model: type[BaseModel], loc: Loc) -> type[BaseModel] | None:
    """The model class whose field the last element of ``loc`` names."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int):  # an item of a list: its model is already current
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        info = current.model_fields.get(str(part))
        if info is None:
            return None
        candidates = _unwrap(info.annotation)
        current = candidates[0]
        origin = typing.get_origin(current)
        if origin in (tuple, list):
            current = typing.get_args(current)[0]
        elif origin is dict:
            current = typing.get_args(current)[1]
    if isinstance(current, type) and issubclass(current, BaseModel):
        return current
    return None


@cache
def _keys_of(model: type[BaseModel] | None) -> tuple[str, ...]:
    """The keys a model allows (one tuple per model, so suggestions can remember it)."""
    return tuple(model.model_fields) if model else ()


def _field_name(doc: YamlDocument, loc: Loc) -> str:
    """A readable path: `evidence[fuel-protests].ratings.knb-coup`."""
    parts: list[str] = []
    data: Any = doc.data
    for part in loc:
        if isinstance(part, int) and isinstance(data, list):
            item = data[part] if part < len(data) else None
            ident = item.get("id") if isinstance(item, dict) else None
            parts[-1:] = [
                f"{parts[-1] if parts else ''}[{ident if isinstance(ident, str) else part}]"
            ]
            data = item
        else:
            parts.append(str(part))
            data = data.get(part) if isinstance(data, dict) else None
    return ".".join(parts)


def _shape(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"'{value}'"


_BOUNDS = {"gt": "greater than", "ge": "at least", "lt": "less than", "le": "at most"}


def _rule_of(error: Any, name: str) -> str:
    """The type of the rule that words one pydantic error."""
    kind = str(error["type"])
    if kind in ("missing", "extra_forbidden"):
        return PYDANTIC_TYPES[kind]
    if error.get("input") is None:  # `key:` with nothing after it
        return "empty"
    if kind == "literal_error" and name == "format":
        return "unsupported_format"
    if kind in PYDANTIC_TYPES:
        return PYDANTIC_TYPES[kind]
    return kind if kind in RULES else "invalid_value"


def _schema_problem(
    doc: YamlDocument, model: type[BaseModel], error: Any, loc: Loc, suggest: Suggestions
) -> Problem:
    """One pydantic error as a problem: its rule looked up by type, located at its line."""
    # The key the value belongs to: `tags`, not the item number, for `tags[1]`.
    name = next((str(part) for part in reversed(loc) if not isinstance(part, int)), "file")
    value = error.get("input")
    rule_type = _rule_of(error, name)
    context: dict[str, Any] = {"name": name, "value": value, "shape": _shape(value)}
    context.update(error.get("ctx") or {})
    if rule_type == "unknown_key":
        allowed = _keys_of(_model_at(model, loc))
        context.update(suggestion=suggest(name, allowed), allowed=", ".join(allowed))
    elif rule_type == "out_of_range":
        bounds = error.get("ctx", {})
        context["limits"] = " and ".join(f"{_BOUNDS.get(k, k)} {v}" for k, v in bounds.items())
    elif rule_type == "invalid_value":
        context["message"] = str(error["msg"]).removeprefix("Value error, ")
    return problem(rule_type, doc.path, doc.line_of(loc), _field_name(doc, loc), **context)


def _error_loc(error: Any) -> Loc:
    return tuple(part for part in error["loc"] if part != "[key]")


def _validate(
    doc: YamlDocument, model: type[BaseModel], suggest: Suggestions
) -> tuple[BaseModel | None, list[Problem], list[Loc]]:
    """The validated model, or None with every problem and where each one is."""
    try:
        return model.model_validate(doc.data), [], []
    except ValidationError as err:
        errors = err.errors()
        locs = [_error_loc(error) for error in errors]
        found = [
            _schema_problem(doc, model, error, loc, suggest)
            for error, loc in zip(errors, locs, strict=True)
        ]
        return None, found, locs


def validate_document(
    doc: YamlDocument, model: type[BaseModel]
) -> tuple[BaseModel | None, list[Problem]]:
    """Validate a parsed file against a model: the model, or every problem located at its line."""
    validated, found, _ = _validate(doc, model, Suggestions())
    return validated, found


def read_valid(
    path: Path, model: type[BaseModel], problems: list[Problem], *, regular_only: bool = False
) -> tuple[YamlDocument, BaseModel] | None:
    """Read and validate one file; its problems go to ``problems`` (None when it has any).

    ``regular_only``: as for :func:`~argmap.yamlfile.read_yaml`."""
    try:
        doc = read_yaml(path, regular_only=regular_only)
    except CaseError as err:
        problems.extend(err.problems)
        return None
    validated, found = validate_document(doc, model)
    problems.extend(found)
    return (doc, validated) if validated is not None else None


# --- the items of every file, gathered by id ----------------------------------------------

_LISTS: dict[str, tuple[str, type[BaseModel]]] = {
    "hypotheses": ("hypothesis", Hypothesis),
    "statements": ("statement", Statement),
    "arguments": ("argument", Argument),
    "sources": ("source", Source),
    "evidence": ("evidence item", Evidence),
}
"""A file's list key → the kind of its items and their model, in the order items are
gathered (a later duplicate of an id is the one reported)."""

_MODEL_FOR_PART: dict[str, type[BaseModel]] = {
    "hypotheses": HypothesesFile,
    "evidence": EvidenceFile,
}
_LISTS_OF_PART = {
    "hypotheses": ("hypotheses", "statements", "arguments"),
    "evidence": ("sources", "evidence"),
}


@dataclass
class _Origin:
    doc: YamlDocument
    loc: Loc

    def line(self, *more: str | int) -> int:
        return self.doc.line_of(self.loc + more)

    def field(self, *more: str | int) -> str:
        return _field_name(self.doc, self.loc + more)


@dataclass
class _Report:
    """Collects the problems the checks across files find."""

    suggest: Suggestions
    problems: list[Problem] = field(default_factory=list)

    def add(
        self, rule_type: str, origin: _Origin, more: Sequence[str | int] = (), /, **context: Any
    ) -> None:
        self.problems.append(
            problem(rule_type, origin.doc.path, origin.line(*more), origin.field(*more), **context)
        )

    @property
    def has_errors(self) -> bool:
        return any(p.severity == "error" for p in self.problems)


@dataclass
class _Parts:
    """The items of every case file, gathered by id, before they are checked together."""

    folder: Path
    origins: dict[str, _Origin] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)
    """Id → kind, for every item whose id is usable, whole or not."""
    hypotheses: list[Hypothesis] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    arguments: list[Argument] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    originators: list[tuple[Originator, _Origin]] = field(default_factory=list)
    """Every readable `originators:` entry (own namespace of ids), where it stands."""
    scenarios: list[tuple[Scenario, _Origin]] = field(default_factory=list)
    """Every readable `scenarios:` entry (own namespace of ids), where it stands."""
    case_doc: YamlDocument | None = None
    """The hypotheses file with the case keys."""
    first_hypotheses: YamlDocument | None = None
    partial: set[str] = field(default_factory=set)
    """Ids of items kept without the values that had problems: what they lack is unknown."""
    incomplete: set[str] = field(default_factory=set)
    """Kinds some of whose ids are unknown (an unreadable file, an item without a usable
    id): an id not among the known ones may still be one of these."""
    hypotheses_whole: bool = True
    """Every hypothesis was read whole: the hierarchy and the priors are what was written."""
    case_keys_known: bool = True
    """Every hypotheses file was read, its case keys without problems."""
    _names: dict[Path, str] = field(default_factory=dict, repr=False)

    def ids_of(self, *kinds: str) -> set[str]:
        return {i for i, k in self.kinds.items() if k in kinds}

    def where(self, doc: YamlDocument) -> str:
        """A case file named in a message: relative to the case folder, as in the layout."""
        if doc.path not in self._names:
            self._names[doc.path] = doc.path.relative_to(self.folder).as_posix()
        return self._names[doc.path]

    def what(self, ident: str) -> str:
        """The kind of a known id with its article: 'a statement', 'an evidence item'."""
        kind = self.kinds[ident]
        return f"{'an' if kind[0] in 'aeiou' else 'a'} {kind}"

    def lose(self, *list_keys: str) -> None:
        """Some items of these lists of a file are unknown."""
        for key in list_keys:
            self.incomplete.add(_LISTS[key][0])
            self.hypotheses_whole &= key != "hypotheses"

    def is_not(self, ident: str, kind: str) -> bool:
        """Whether ``ident`` is surely no id of this kind."""
        if ident in self.kinds:
            return self.kinds[ident] != kind
        return kind not in self.incomplete

    def undefined(self, ident: str) -> bool:
        """Whether ``ident`` is surely no id at all."""
        return ident not in self.kinds and not self.incomplete

    @property
    def ids_complete(self) -> bool:
        return not self.incomplete


@dataclass
class _Read:
    """One case file as read: its document, and its model or the places of its problems."""

    part: str
    doc: YamlDocument | None
    """None when the file could not be read at all."""
    model: BaseModel | None = None
    problems: list[Loc] = field(default_factory=list)


def _salvage(
    model: type[BaseModel], raw: dict[str, Any], wrong: list[Loc]
) -> tuple[BaseModel | None, bool]:
    """An item without the values that have problems (``wrong``: where, inside the item), or
    None when it cannot stand without them; and whether anything was left out.

    A wrong entry of a mapping (one rating) is left out alone, any other wrong value with
    its key, which then takes its default. An item whose required key or whose own
    validator is wrong is not kept: what it would say is unknown.
    """
    dropped_keys: set[str] = set()
    dropped_entries: dict[str, set[Any]] = {}
    for rest in wrong:
        if not rest:
            return None, True
        name = str(rest[0])
        info = model.model_fields.get(name)
        if info is not None and info.is_required():
            return None, True
        if info is not None and len(rest) > 1 and isinstance(raw.get(name), dict):
            dropped_entries.setdefault(name, set()).add(rest[1])
        else:
            dropped_keys.add(name)
    kept = {key: value for key, value in raw.items() if key not in dropped_keys}
    for name, entries in dropped_entries.items():
        if name in kept:
            kept[name] = {k: v for k, v in kept[name].items() if k not in entries}
    try:
        return model.model_validate(kept), True
    except ValidationError:
        return None, True


def _gather(folder: Path, reads: Sequence[_Read], report: _Report) -> _Parts:
    """Every item of every file by id, in file order; a later duplicate id is reported."""
    parts = _Parts(folder)
    for read in reads:
        if read.part == "hypotheses" and parts.first_hypotheses is None and read.doc:
            parts.first_hypotheses = read.doc
        if read.doc is None:  # unreadable: whatever it holds is unknown
            parts.lose(*_LISTS_OF_PART[read.part])
            parts.case_keys_known &= read.part != "hypotheses"
            continue
        doc = read.doc
        _note_file_problems(parts, read)
        if read.part == "hypotheses" and any(doc.data.get(key) is not None for key in CASE_KEYS):
            _note_case_keys(parts, doc, report)
        by_item: dict[tuple[str, int], list[Loc]] = {}
        for loc in read.problems:
            if len(loc) >= 2 and loc[0] in _LISTS and isinstance(loc[1], int):
                by_item.setdefault((str(loc[0]), loc[1]), []).append(loc[2:])
        for key, kind in (("originators", Originator), ("scenarios", Scenario)):
            entries = getattr(read.model, key, ()) if read.model is not None else ()
            for index, entry in enumerate(entries):
                assert isinstance(entry, kind)
                getattr(parts, key).append((entry, _Origin(doc, (key, index))))
        for key in _LISTS_OF_PART[read.part]:
            raws = doc.data.get(key) if read.model is None else getattr(read.model, key)
            if not isinstance(raws, list | tuple):
                continue
            for index, raw in enumerate(raws):
                wrong = by_item.get((key, index))
                _gather_item(parts, report, _Origin(doc, (key, index)), key, raw, wrong)
    return parts


def _note_file_problems(parts: _Parts, read: _Read) -> None:
    """What a file's problems outside its items make unknown."""
    lists = _LISTS_OF_PART[read.part]
    for loc in read.problems:
        if len(loc) >= 2 and loc[0] in lists and isinstance(loc[1], int):
            continue  # an item's problem: _gather_item weighs it
        if loc and loc[0] in lists:  # a list that is not a list: its items are lost
            parts.lose(str(loc[0]))
        elif loc and loc[0] in ("scoring", "evaluation", "originators", "scenarios"):
            continue
        else:  # a case key, or a key that is no key of the file (a misspelt list, say)
            parts.case_keys_known &= read.part != "hypotheses"
            if not loc or loc[0] not in CASE_KEYS:
                parts.lose(*lists)


def _note_case_keys(parts: _Parts, doc: YamlDocument, report: _Report) -> None:
    present = [key for key in CASE_KEYS if doc.data.get(key) is not None]
    if parts.case_doc is None:
        parts.case_doc = doc
        return
    report.add(
        "case_keys_twice",
        _Origin(doc, ()),
        [present[0]],
        keys=", ".join(present),
        other=parts.where(parts.case_doc),
    )


def _gather_item(
    parts: _Parts,
    report: _Report,
    origin: _Origin,
    key: str,
    raw: Any,
    wrong: list[Loc] | None,
) -> None:
    kind, model = _LISTS[key]
    item: BaseModel | None
    ident: str | None
    if wrong is None:
        item, partial = (raw if isinstance(raw, model) else model.model_validate(raw)), False
        assert isinstance(item, Hypothesis | Statement | Argument | Source | Evidence)
        ident = item.id
    else:
        ident = raw.get("id") if isinstance(raw, dict) else None
        if not isinstance(ident, str) or any(rest[:1] == ("id",) for rest in wrong):
            ident = None
        item, partial = _salvage(model, raw, wrong) if isinstance(raw, dict) else (None, True)
        parts.hypotheses_whole &= key != "hypotheses"
    if ident is None:
        parts.lose(key)
        return
    if ident in parts.origins:
        first = parts.origins[ident]
        report.add(
            "duplicate_id",
            origin,
            ["id"],
            id=ident,
            kind=parts.kinds[ident],
            where=f"{parts.where(first.doc)}:{first.line('id')}",
        )
        return
    parts.origins[ident] = origin
    parts.kinds[ident] = kind
    if partial:
        parts.partial.add(ident)
    if item is not None:
        getattr(parts, key).append(item)


# --- checks across files --------------------------------------------------------------------


def check_case_keys(parts: _Parts, report: _Report) -> None:
    """One hypotheses file holds the title and the question."""
    if not parts.case_keys_known or parts.first_hypotheses is None:
        return
    if parts.case_doc is None:
        report.add("no_case_keys", _Origin(parts.first_hypotheses, ()))
        return
    data = parts.case_doc.data
    for key in ("title", "question"):
        if data.get(key) is not None:
            continue
        if key in data:  # written as `title:` with nothing after it
            report.add("blank", _Origin(parts.case_doc, ()), [key], name=key)
        else:
            report.add("case_key_missing", _Origin(parts.case_doc, ()), name=key)


def check_parents(parts: _Parts, report: _Report) -> None:
    """A hypothesis's parent is another hypothesis."""
    hypothesis_ids = parts.ids_of("hypothesis")
    for h in parts.hypotheses:
        if h.parent is None or h.parent in hypothesis_ids:
            continue
        suggestion = report.suggest(h.parent, hypothesis_ids)
        origin = parts.origins[h.id]
        if h.parent in parts.kinds:
            report.add(
                "parent_of_other_kind",
                origin,
                ["parent"],
                parent=h.parent,
                kind=parts.what(h.parent),
                suggestion=suggestion,
            )
        elif parts.is_not(h.parent, "hypothesis"):
            report.add(
                "parent_undefined", origin, ["parent"], parent=h.parent, suggestion=suggestion
            )


def check_parent_cycles(parts: _Parts, report: _Report) -> set[str]:
    """Parents form no cycle; returns the hypotheses on one."""
    hypothesis_ids = parts.ids_of("hypothesis")
    graph = {
        h.id: [h.parent] if h.parent is not None and h.parent in hypothesis_ids else []
        for h in parts.hypotheses
    }
    in_cycle: set[str] = set()
    for cycle in _find_cycles(graph):
        in_cycle.update(cycle)
        report.add("parent_cycle", parts.origins[cycle[0]], ["parent"], cycle=" → ".join(cycle))
    return in_cycle


def check_hierarchy_depth(parts: _Parts, report: _Report) -> None:
    """No hypothesis lies more than :data:`MAX_DEPTH` levels below its top one (what reads
    the hierarchy may walk it level by level)."""
    parent = {h.id: h.parent for h in parts.hypotheses}
    depth: dict[str, int] = {}
    for h in parts.hypotheses:
        chain = []
        node: str | None = h.id
        while node is not None and node not in depth:
            chain.append(node)
            node = parent.get(node)
        below = -1 if node is None else depth[node]
        for ident in reversed(chain):
            below += 1
            depth[ident] = below
    for h in parts.hypotheses:
        if depth[h.id] == MAX_DEPTH:
            report.add(
                "hierarchy_too_deep", parts.origins[h.id], ["parent"], id=h.id, depth=MAX_DEPTH
            )


def check_statement_links(parts: _Parts, report: _Report) -> None:
    """`contrary` and `contradicts` name statements."""
    statement_ids = parts.ids_of("statement")
    for s in parts.statements:
        for key in ("contrary", "contradicts"):
            for index, other in enumerate(getattr(s, key)):
                if not parts.is_not(other, "statement"):
                    continue
                report.add(
                    "not_a_statement",
                    parts.origins[s.id],
                    [key, index],
                    id=other,
                    key=key,
                    suggestion=report.suggest(other, statement_ids),
                )


def check_argument_links(parts: _Parts, report: _Report) -> None:
    """Premises are evidence items, statements or arguments; targets exist and have a kind
    their relation allows."""
    premise_ids = parts.ids_of("evidence item", "statement", "argument")
    target_ids = parts.ids_of("hypothesis", "statement", "evidence item", "argument")
    argument_ids = parts.ids_of("argument")
    for a in parts.arguments:
        origin = parts.origins[a.id]
        for index, premise in enumerate(a.premises):
            if premise in premise_ids:
                continue
            suggestion = report.suggest(premise, premise_ids)
            if premise in parts.kinds:
                report.add(
                    "premise_of_other_kind",
                    origin,
                    ["premises", index],
                    premise=premise,
                    kind=parts.what(premise),
                    suggestion=suggestion,
                )
            elif parts.undefined(premise):
                report.add(
                    "premise_undefined",
                    origin,
                    ["premises", index],
                    premise=premise,
                    suggestion=suggestion,
                )
        undercuts = a.relation == "undercuts"
        allowed = argument_ids if undercuts else target_ids
        if a.target in allowed:
            continue
        suggestion = report.suggest(a.target, allowed)
        if a.target in parts.kinds:
            report.add(
                "undercut_of_other_kind" if undercuts else "target_of_other_kind",
                origin,
                [a.relation],
                target=a.target,
                kind=parts.what(a.target),
                suggestion=suggestion,
            )
        elif parts.undefined(a.target):
            report.add(
                "undercut_undefined" if undercuts else "target_undefined",
                origin,
                [a.relation],
                target=a.target,
                suggestion=suggestion,
            )


def check_evaluation_fields(parts: _Parts, report: _Report) -> None:
    """The fields the argument evaluation reads fit together (docs/evaluation.md)."""
    for s in parts.statements:
        origin = parts.origins[s.id]
        for key, rule_type in (
            ("contrary", "contrary_to_itself"),
            ("contradicts", "contradicts_itself"),
        ):
            for index, other in enumerate(getattr(s, key)):
                if other == s.id:
                    report.add(rule_type, origin, [key, index], id=s.id)
        if s.assumed and s.standard is not None:
            report.add("assumed_with_standard", origin, ["standard"])
    for a in parts.arguments:
        origin = parts.origins[a.id]
        # A partial argument may have lost the premises it was written with.
        if a.weighing != "linked" and not a.premises and a.id not in parts.partial:
            report.add("weighing_without_premises", origin, ["weighing"], weighing=a.weighing)
        if a.weight is not None and a.relation == "undercuts":
            report.add("undercutter_weight", origin, ["weight"])


def check_premise_cycles(parts: _Parts, report: _Report) -> None:
    """No argument rests, directly or through others, on itself."""
    argument_ids = parts.ids_of("argument")
    graph = {a.id: [p for p in a.premises if p in argument_ids] for a in parts.arguments}
    for cycle in _find_cycles(graph):
        report.add("premise_cycle", parts.origins[cycle[0]], ["premises"], cycle=" → ".join(cycle))


def _first_seen(parts: _Parts, report: _Report, rule: str) -> Callable[[str, _Origin], None]:
    """A check, entry by entry, that an id was not used before in its own namespace: the
    second use is reported under ``rule``, saying where the first stands."""
    first: dict[str, _Origin] = {}

    def see(ident: str, origin: _Origin) -> None:
        if ident in first:
            where = f"{parts.where(first[ident].doc)}:{first[ident].line('id')}"
            report.add(rule, origin, ["id"], id=ident, where=where)
        else:
            first[ident] = origin

    return see


def check_originators(parts: _Parts, report: _Report) -> None:
    """Originator ids are unique (their own namespace: items name originators in free text)."""
    see = _first_seen(parts, report, "originator_duplicate")
    for o, origin in parts.originators:
        see(o.id, origin)


def check_assumption_links(parts: _Parts, report: _Report) -> None:
    """`rests_on` names assumptions; `breaks_if` stands on assumptions."""
    assumptions = {e.id for e in parts.evidence if e.kind == "assumption"} | {
        s.id for s in parts.statements if s.assumed
    }
    for e in parts.evidence:
        origin = parts.origins[e.id]
        for index, ident in enumerate(e.rests_on):
            known_other = ident in parts.kinds and ident not in parts.partial
            if ident in assumptions or not (known_other or parts.undefined(ident)):
                continue
            report.add(
                "rests_on_not_assumption",
                origin,
                ["rests_on", index],
                id=ident,
                suggestion=report.suggest(ident, assumptions),
            )
        if e.breaks_if is not None and e.kind != "assumption":
            report.add("breaks_if_not_assumption", origin, ["breaks_if"], kind=e.kind)
    for s in parts.statements:
        if s.breaks_if is not None and not s.assumed:
            report.add(
                "breaks_if_not_assumption", parts.origins[s.id], ["breaks_if"], kind="statement"
            )


def check_scenarios(parts: _Parts, report: _Report, tree: _Tree) -> None:
    """Scenario ids are unique; the items and leaves they name exist."""
    evidence_ids = parts.ids_of("evidence item")
    see = _first_seen(parts, report, "scenario_duplicate")
    for scenario, origin in parts.scenarios:
        see(scenario.id, origin)
        for c, change in enumerate(scenario.changes):
            for index, ident in enumerate(change.items.ids):
                if ident not in evidence_ids and parts.is_not(ident, "evidence item"):
                    report.add(
                        "scenario_unknown_item",
                        origin,
                        ["changes", c, "items", "ids", index],
                        id=ident,
                        suggestion=report.suggest(ident, evidence_ids),
                    )
            if not tree.sound or not parts.hypotheses_whole:
                continue
            for hid in change.ratings:
                if hid not in tree.leaves:
                    report.add(
                        "scenario_unknown_leaf",
                        origin,
                        ["changes", c, "ratings", hid],
                        id=hid,
                        suggestion=report.suggest(hid, tree.leaves),
                    )


def warn_idle_scenarios(case: Case, parts: _Parts, report: _Report) -> None:
    """Each change of a scenario selects some item (on the whole, valid case)."""
    for scenario, origin in parts.scenarios:
        for c, change in enumerate(scenario.changes):
            if not any(change.items.matches(case, e) for e in case.evidence):
                report.add("scenario_selects_nothing", origin, ["changes", c, "items"])


def read_sources(
    parts: _Parts, report: _Report, cache: LoadCache | None = None
) -> tuple[dict[str, SourceText], list[Path]]:
    """Quoted sources have a file; source files lie inside the case and read as UTF-8 text.

    Returns the texts by source id, and their files.
    """
    quoted = {e.source for e in parts.evidence if e.source}
    texts: dict[str, SourceText] = {}
    files: list[Path] = []
    case_root = parts.folder.resolve()
    for source in parts.sources:
        origin = parts.origins[source.id]
        if source.file is None:
            # A partial source may have lost the file it was written with.
            if source.id in quoted and source.id not in parts.partial:
                report.add("quoted_source_without_file", origin, id=source.id)
            continue
        text = _read_source(report, origin, source.file, case_root)
        if text is not None:
            prepared = cache.sources.get(text) if cache is not None else None
            texts[source.id] = prepared or SourceText(text)
            files.append(origin.doc.path.parent / source.file)
    if cache is not None:
        cache.sources = {t.text: t for t in texts.values()}
    return texts, files


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.{0 if size % 1_000_000 == 0 else 1}f} MB"


def _read_source(report: _Report, origin: _Origin, file: str, case_root: Path) -> str | None:
    path = origin.doc.path.parent / file
    try:
        resolved = path.resolve()
    except (OSError, RuntimeError) as err:  # RuntimeError: a symbolic link loop (Python 3.11)
        reason = err.strerror if isinstance(err, OSError) else "a symbolic link loop"
        report.add("source_file_unfollowable", origin, ["file"], file=file, reason=reason)
        return None
    if not resolved.is_relative_to(case_root):
        report.add("source_file_outside", origin, ["file"], file=file)
        return None

    def unreadable(err: OSError) -> None:
        report.add("source_file_unreadable", origin, ["file"], file=file, reason=err.strerror)

    def missing() -> None:
        report.add("source_file_missing", origin, ["file"], file=file, yaml=origin.doc.path.name)

    def too_large(size: str) -> None:
        limit = _megabytes(MAX_SOURCE_BYTES)
        report.add("source_file_too_large", origin, ["file"], file=file, limit=limit, size=size)

    try:
        info = resolved.stat()
    except OSError as err:  # a name too long, a folder that may not be entered …
        if err.errno in (errno.ENOENT, errno.ENOTDIR):
            missing()
        else:
            unreadable(err)
        return None
    if not stat.S_ISREG(info.st_mode):  # a folder, a named pipe, a device: never opened
        missing()
        return None
    if info.st_size > MAX_SOURCE_BYTES:
        too_large(_megabytes(info.st_size))
        return None
    try:
        raw = read_regular(resolved, MAX_SOURCE_BYTES)
    except OSError as err:
        unreadable(err)
        return None
    if isinstance(raw, str):  # swapped for something else since it was looked at
        missing()
        return None
    if len(raw) > MAX_SOURCE_BYTES:  # grown since
        too_large(f"more than {_megabytes(MAX_SOURCE_BYTES)}")
        return None
    if b"\x00" in raw:  # UTF-16 text reads as "valid" UTF-8 full of NULs: no quote would match
        report.add("source_file_binary", origin, ["file"], file=file)
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        report.add("source_file_not_utf8", origin, ["file"], file=file, line=line)
        return None
    del raw  # the bytes and the text of a large source need not be held together for long
    return text[1:] if text.startswith("\ufeff") else text


def check_evidence_links(parts: _Parts, report: _Report, tree: _Tree) -> None:
    """An evidence item's source is a source; its ratings and rationale are keyed by leaf
    hypotheses."""
    source_ids = parts.ids_of("source")
    for e in parts.evidence:
        origin = parts.origins[e.id]
        if e.source is not None and e.source not in source_ids:
            suggestion = report.suggest(e.source, source_ids)
            if e.source in parts.kinds:
                report.add(
                    "source_of_other_kind",
                    origin,
                    ["source"],
                    source=e.source,
                    kind=parts.what(e.source),
                    suggestion=suggestion,
                )
            elif parts.undefined(e.source):
                report.add(
                    "source_undefined", origin, ["source"], source=e.source, suggestion=suggestion
                )
        for key in ("ratings", "rationale"):
            for hid in getattr(e, key):
                if hid in tree.groups:
                    report.add(
                        "rated_group",
                        origin,
                        [key, hid],
                        id=hid,
                        children=", ".join(tree.children[hid]),
                    )
                elif parts.is_not(hid, "hypothesis"):
                    report.add(
                        "rated_non_hypothesis",
                        origin,
                        [key, hid],
                        id=hid,
                        suggestion=report.suggest(hid, tree.leaves),
                    )


def locate_quotes(
    parts: _Parts,
    report: _Report,
    texts: Mapping[str, SourceText],
    cache: LoadCache | None = None,
) -> dict[str, QuoteSpan]:
    """Every quote stands in its source, once; returns where each one stands."""
    spans: dict[str, QuoteSpan] = {}
    budget = Comparisons(QUOTE_HINT_BUDGET)
    known = cache.found if cache is not None else {}
    found: dict[tuple[str, str], tuple[int, int, int, int]] = {}
    for e in parts.evidence:
        if e.quote is None or e.source is None or e.source not in texts:
            continue
        text = texts[e.source]
        origin = parts.origins[e.id]
        key = (text.text, e.quote)
        if key in known:  # found in this very text by the load before
            start, end, occurrences, paragraph = found[key] = known[key]
            if occurrences > 1:
                report.add("quote_twice", origin, ["quote"], source=e.source)
            spans[e.id] = QuoteSpan(e.source, start, end, paragraph)
            continue
        match = text.find(e.quote)
        if match is None:
            close = text.closest(e.quote, budget=budget)
            if close:
                report.add("quote_not_found", origin, ["quote"], source=e.source, closest=close)
            else:
                report.add("quote_not_close", origin, ["quote"], source=e.source)
            continue
        if match.occurrences > 1:
            report.add("quote_twice", origin, ["quote"], source=e.source)
        paragraph = text.paragraph_of(match.start)
        spans[e.id] = QuoteSpan(e.source, match.start, match.end, paragraph)
        found[key] = (match.start, match.end, match.occurrences, paragraph)
    if cache is not None:
        cache.found = found
    return spans


def check_priors(parts: _Parts, report: _Report, tree: _Tree) -> None:
    """Given priors fit the mass their level has."""
    roots = [h.id for h in parts.hypotheses if h.parent is None]
    children = {hid: tree.children[hid] for hid in tree.groups}
    _, found = leaf_priors(roots, children, {h.id: h.prior for h in parts.hypotheses})
    for prior_problem in found:
        report.add(
            prior_problem.rule,
            parts.origins[prior_problem.hypothesis],
            ["prior"],
            **prior_problem.context,
        )


def warn_no_catch_all(parts: _Parts, report: _Report) -> None:
    """The hypotheses have a catch-all, so the posteriors do not assume one of them true."""
    if parts.hypotheses and not any(is_catch_all(h.id, h.tags) for h in parts.hypotheses):
        first = parts.origins[parts.hypotheses[0].id]
        report.add("no_catch_all", _Origin(first.doc, ("hypotheses",)))


def warn_unrated_and_idle(parts: _Parts, report: _Report, tree: _Tree) -> None:
    """Every evidence item is rated against every leaf, and bears on something."""
    used = {p for a in parts.arguments for p in a.premises} | {a.target for a in parts.arguments}
    for e in parts.evidence:
        missing = [hid for hid in tree.leaves if hid not in e.ratings]
        if missing:
            report.add("unrated", parts.origins[e.id], ["ratings"], missing=", ".join(missing))
        informative = any(VOCABULARY[r].direction for r in e.ratings.values())
        if not informative and e.id not in used:
            report.add("idle_evidence", parts.origins[e.id])


@dataclass(frozen=True)
class _Tree:
    """The hierarchy of the hypotheses, as far as it is sound."""

    children: dict[str, list[str]]
    """Parent id → ids of the hypotheses that name it, in file order."""
    groups: set[str]
    """Hypotheses with children: not rated themselves. A cycle's members are no group:
    their ratings would only repeat the cycle's error."""
    leaves: list[str]
    """Ids of the rated hypotheses, in file order."""
    sound: bool
    """Every parent is a hypothesis and none is its own ancestor."""


def _tree(parts: _Parts, in_cycle: set[str]) -> _Tree:
    hypothesis_ids = parts.ids_of("hypothesis")
    children: dict[str, list[str]] = {}
    for h in parts.hypotheses:
        if h.parent is not None:
            children.setdefault(h.parent, []).append(h.id)
    groups = {h.parent for h in parts.hypotheses if h.parent and h.id not in in_cycle}
    return _Tree(
        children,
        groups,
        [h.id for h in parts.hypotheses if h.id not in groups],
        sound=not in_cycle
        and all(h.parent is None or h.parent in hypothesis_ids for h in parts.hypotheses),
    )


def _find_cycles(graph: Mapping[str, Sequence[str]]) -> list[list[str]]:
    """Cycles in a directed graph, each as the list of its nodes (the first repeated last),
    each found once: every node lies on at most one.

    One depth-first search in the graph's order; a cycle found is taken out of the graph
    and the search goes on where it was, so it costs one visit per node and edge.

    >>> _find_cycles({"a": ["b"], "b": ["a", "c"], "c": ["d"], "d": ["c"], "e": ["e"]})
    [['a', 'b', 'a'], ['c', 'd', 'c'], ['e', 'e']]
    """
    on_path, done = 1, 2  # done: finished, or taken out on a cycle
    state: dict[str, int] = {}
    cycles: list[list[str]] = []
    for root in graph:
        if root in state:
            continue
        state[root] = on_path
        path = [root]
        position = {root: 0}
        successors = [iter(graph[root])]
        while path:
            following = next(successors[-1], None)
            if following is None:
                state[path.pop()] = done
                successors.pop()
                continue
            if following not in graph or state.get(following) == done:
                continue
            if state.get(following) == on_path:
                start = position[following]
                cycle = path[start:]
                cycles.append([*cycle, following])
                for node in cycle:
                    state[node] = done
                del path[start:], successors[start:]
                continue
            state[following] = on_path
            position[following] = len(path)
            path.append(following)
            successors.append(iter(graph[following]))
    return cycles


# --- the case folder ------------------------------------------------------------------------


def _digest(folder: Path, files: list[Path], extra: Iterable[Path]) -> str:
    hasher = hashlib.sha256()
    for path in [*files, *sorted(set(extra))]:
        try:
            name = path.resolve().relative_to(folder.resolve()).as_posix()
        except ValueError:
            name = path.name
        hasher.update(name.encode() + b"\0")
        hasher.update(path.read_bytes() + b"\0")
    return hasher.hexdigest()


def _inside(path: Path, root: Path) -> bool:
    """Whether ``path``, links followed, lies inside ``root``."""
    try:
        return path.resolve().is_relative_to(root)
    except (OSError, RuntimeError):
        return False


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off for a while, as the caller had it afterwards.

    Building a case allocates millions of objects that all live on and hold no cycles; the
    collector would walk the growing heap again and again while they are made (at 100
    hypotheses × 10,000 items it was most of the time of loading).
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def load_case(folder: Path | str, *, cache: LoadCache | None = None) -> LoadResult:
    """Read, validate and cross-check the case in ``folder``.

    With a ``cache`` (kept by the caller from one load to the next), files unchanged since
    the last load are not parsed again, nor quotes looked for again in unchanged sources;
    the result is the same.

    Raises :class:`CaseError` with every problem found when the case is invalid.
    """
    with _collector_paused():
        return _load_case(Path(folder), cache)


def _read_cached(
    path: Path, folder: Path, cache: LoadCache, fresh: dict[tuple[str, bytes], Any]
) -> tuple[bytes | None, tuple[str, bytes] | None, tuple[YamlDocument, BaseModel] | None]:
    """The bytes of a case file, its key in the cache, and what the last load made of it."""
    try:
        data = read_regular(path)
    except OSError:
        return None, None, None  # read_yaml says why
    if isinstance(data, str):
        return None, None, None
    key = (path.relative_to(folder).as_posix(), hashlib.sha256(data).digest())
    hit = cache.documents.get(key)
    if hit is None:
        return data, key, None
    fresh[key] = hit
    return data, key, (replace(hit[0], path=path), hit[1])


def _load_case(folder: Path, cache: LoadCache | None = None) -> LoadResult:
    unusable = _case_folder_problem(folder)
    if unusable is not None:
        raise CaseError([unusable])
    hyp_files, hyp_listing = _listed_files(folder, "hypotheses")
    ev_files, ev_listing = _listed_files(folder, "evidence")
    if not hyp_files:
        found = hyp_listing or [problem("no_hypotheses_files", folder / "hypotheses", 1)]
        raise CaseError(found + ev_listing)

    suggest = Suggestions()
    problems: list[Problem] = []  # of single files: reading them, and their models
    reads: list[_Read] = []
    fresh: dict[tuple[str, bytes], Any] = {}
    case_root = folder.resolve()
    for part, paths, listing in (
        ("hypotheses", hyp_files, hyp_listing),
        ("evidence", ev_files, ev_listing),
    ):
        # What could not be listed or read may hold any item: each is a file read as nothing.
        problems.extend(listing)
        reads.extend(_Read(part, None) for _ in listing)
        for path in paths:
            if not _inside(path, case_root):
                problems.append(problem("file_outside_case", path, 1))
                reads.append(_Read(part, None))
                continue
            data, key, hit = None, None, None
            if cache is not None:
                data, key, hit = _read_cached(path, folder, cache, fresh)
            if hit is not None:
                reads.append(_Read(part, *hit))
                continue
            try:
                doc = read_yaml(path, regular_only=True, data=data)
            except CaseError as err:
                problems.extend(err.problems)
                reads.append(_Read(part, None))
                continue
            validated, found, wrong = _validate(doc, _MODEL_FOR_PART[part], suggest)
            problems.extend(found)
            reads.append(_Read(part, doc, validated, wrong))
            if key is not None and validated is not None and not found:
                fresh[key] = (doc, validated)
    if cache is not None:
        cache.documents = fresh
    rating_files, ratings_listing = _listed_files(folder, RATINGS_FOLDER)
    problems.extend(ratings_listing)
    ratings: list[tuple[YamlDocument, RatingsFile]] = []
    if rating_files:
        from .ratingsfile import RatingsFile
    for path in rating_files:
        if not _inside(path, case_root):  # the same rule as for the case files
            problems.append(problem("file_outside_case", path, 1))
            continue
        read = read_valid(path, RatingsFile, problems, regular_only=True)
        if read is not None:
            doc, rated = read
            assert isinstance(rated, RatingsFile)
            ratings.append((doc, rated))

    report = _Report(suggest)
    parts = _gather(folder, reads, report)
    check_case_keys(parts, report)
    check_parents(parts, report)
    tree = _tree(parts, check_parent_cycles(parts, report))
    if tree.sound:
        check_hierarchy_depth(parts, report)
    check_statement_links(parts, report)
    check_argument_links(parts, report)
    check_evaluation_fields(parts, report)
    check_premise_cycles(parts, report)
    texts, source_files = read_sources(parts, report, cache)
    check_evidence_links(parts, report, tree)
    check_originators(parts, report)
    check_assumption_links(parts, report)
    check_scenarios(parts, report, tree)
    spans = locate_quotes(parts, report, texts, cache)
    if parts.hypotheses_whole and tree.sound:
        check_priors(parts, report, tree)
    warn_no_catch_all(parts, report)
    warn_unrated_and_idle(parts, report, tree)
    analysts: list[AnalystRatings] = []
    if ratings and parts.ids_complete and parts.hypotheses_whole:
        from .ratingsfile import check_ratings

        analysts, found = check_ratings(
            ratings,
            evidence_ids=parts.ids_of("evidence item"),
            leaf_ids=tree.leaves,
            hypothesis_ids=parts.ids_of("hypothesis"),
            folder=folder,
        )
        report.problems.extend(found)

    if problems:
        # Warnings about a case read in part would be about items that are not as written.
        raise CaseError(problems + [p for p in report.problems if p.severity == "error"])
    if report.has_errors:
        raise CaseError(report.problems)
    case_file = next(r.model for r in reads if r.doc is parts.case_doc)
    assert isinstance(case_file, HypothesesFile)
    assert case_file.title is not None and case_file.question is not None
    case = Case(
        title=case_file.title,
        question=case_file.question,
        notes=case_file.notes,
        scoring=case_file.scoring,
        evaluation=case_file.evaluation,
        hypotheses=tuple(parts.hypotheses),
        statements=tuple(parts.statements),
        arguments=tuple(parts.arguments),
        sources=tuple(parts.sources),
        evidence=tuple(parts.evidence),
        originators=tuple(o for o, _ in parts.originators),
        scenarios=tuple(sc for sc, _ in parts.scenarios),
        source_texts={sid: t.text for sid, t in texts.items()},
        quote_spans=spans,
        digest=_digest(folder, hyp_files + ev_files + rating_files, source_files),
    )
    warn_idle_scenarios(case, parts, report)
    return LoadResult(
        case,
        sorted(report.problems, key=lambda p: p.sort_key),
        analysts,
        dict(parts.origins),
        inputs=(*hyp_files, *ev_files, *rating_files, *source_files),
    )
