"""Loading a case folder: files → validated :class:`~argmap.model.Case`.

Every problem is collected, located at a file and line, and raised together as
one :class:`~argmap.problems.CaseError`; warnings come back with the case.
"""

from __future__ import annotations

import difflib
import hashlib
import types
import typing
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .model import (
    CASE_KEYS,
    Argument,
    Case,
    Evidence,
    EvidenceFile,
    HypothesesFile,
    Hypothesis,
    QuoteSpan,
    Source,
    Statement,
    is_catch_all,
)
from .priors import leaf_priors
from .problems import CaseError, Problem
from .quotes import SourceText
from .ratingsfile import RATINGS_FOLDER, AnalystRatings, RatingsFile, check_ratings
from .vocabulary import VOCABULARY
from .yamlfile import Loc, YamlDocument, read_yaml

__all__ = ["LoadResult", "case_files", "load_case", "read_valid", "validate_document"]

YAML_SUFFIXES = (".yaml", ".yml")


@dataclass
class LoadResult:
    case: Case
    warnings: list[Problem]
    ratings: list[AnalystRatings] = field(default_factory=list)
    """Analysts' ratings files (evidence/ratings/*.yaml), if any: docs/workshops.md."""


def case_files(folder: Path, part: str) -> list[Path]:
    """The YAML files directly in ``folder/part``, in file-name order."""
    directory = folder / part
    if not directory.is_dir():
        return []
    return sorted(
        (p for p in directory.iterdir() if p.suffix in YAML_SUFFIXES and p.is_file()),
        key=lambda p: p.name,
    )


# --- turning pydantic's errors into located, readable problems -------------------------


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


def _hint_for(error: Any, model: type[BaseModel], loc: Loc) -> tuple[str, str]:
    """Message and hint for one pydantic error."""
    kind = error["type"]
    # The key the value belongs to: `tags`, not the item number, for `tags[1]`.
    name = next((str(part) for part in reversed(loc) if not isinstance(part, int)), "file")
    value = error.get("input")
    if kind == "missing":
        return f"'{name}' is required", f"add '{name}:' with a value"
    if kind == "extra_forbidden":
        owner = _model_at(model, loc)
        allowed = list(owner.model_fields) if owner else []
        close = difflib.get_close_matches(name, allowed, n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        return f"unknown key '{name}'", hint + f"allowed keys here: {', '.join(allowed)}"
    if value is None:
        return "empty value", f"give '{name}' a value, or remove the key if it is optional"
    if kind == "string_pattern_mismatch":
        return (
            f"'{value}' is not a valid id",
            "ids are slugs: lowercase letters, digits and '-', starting with a letter or digit",
        )
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        if name == "format":
            return f"unsupported format '{value}'", "this version of argmap reads format 1"
        return f"'{value}' is not allowed", f"use one of {expected}"
    if kind == "string_type":
        return f"expected text, found {_shape(value)}", "write a single value here"
    if kind in ("bool_parsing", "bool_type"):
        return f"{_shape(value)} is not true or false", f"write '{name}: true' or '{name}: false'"
    if kind in ("float_parsing", "float_type"):
        return f"{_shape(value)} is not a number", "write a probability such as 0.25 or 25%"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"{_shape(value)} is not a whole number", "write a whole number such as 2000"
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        bound = error.get("ctx", {})
        words = {"gt": "greater than", "ge": "at least", "lt": "less than", "le": "at most"}
        limits = " and ".join(f"{words.get(k, k)} {v}" for k, v in bound.items())
        return f"'{value}' is out of range: it must be {limits}", "correct the value"
    if kind in ("tuple_type", "list_type"):
        return (
            f"expected a list, found {_shape(value)}",
            "write one '- item' per line under the key",
        )
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return (
            f"expected a mapping, found {_shape(value)}",
            "write 'key: value' lines indented under this one",
        )
    if kind == "value_error":
        message = str(error["msg"]).removeprefix("Value error, ")
        if "source and quote" in message or "needs a source" in message:
            return message, "give both 'source:' (a source id) and 'quote:' (its verbatim text)"
        if "exactly one of supports" in message:
            return message, "an argument supports, attacks or undercuts one target"
        if "empty" in message:
            return "empty value", f"give '{name}' a value"
        if "date" in message:
            return f"'{value}' {message}", "write a date as 2022-01-05, 2022-01 or 2022"
        return message, "correct the value"
    return str(error["msg"]), "correct the value"


def _shape(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"'{value}'"


_MODEL_FOR_PART: dict[str, type[BaseModel]] = {
    "hypotheses": HypothesesFile,
    "evidence": EvidenceFile,
}


def read_valid(
    path: Path, model: type[BaseModel], problems: list[Problem]
) -> tuple[YamlDocument, BaseModel] | None:
    """Read and validate one file; its problems go to ``problems`` (None when it has any)."""
    try:
        doc = read_yaml(path)
    except CaseError as err:
        problems.extend(err.problems)
        return None
    validated, found = validate_document(doc, model)
    problems.extend(found)
    return (doc, validated) if validated is not None else None


def validate_document(
    doc: YamlDocument, model: type[BaseModel]
) -> tuple[BaseModel | None, list[Problem]]:
    """Validate a parsed file against a model: the model, or every problem located at its line."""
    try:
        return model.model_validate(doc.data), []
    except ValidationError as err:
        problems = []
        for error in err.errors():
            loc: Loc = tuple(p for p in error["loc"] if p != "[key]")
            message, hint = _hint_for(error, model, loc)
            problems.append(
                Problem("error", doc.path, doc.line_of(loc), _field_name(doc, loc), message, hint)
            )
        return None, problems


# --- cross-file checks ---------------------------------------------------------------


@dataclass
class _Origin:
    doc: YamlDocument
    loc: Loc

    def line(self, *more: str | int) -> int:
        return self.doc.line_of(self.loc + more)

    def field(self, *more: str | int) -> str:
        return _field_name(self.doc, self.loc + more)


@dataclass
class _Checker:
    """Collects problems while cross-checking the merged case."""

    problems: list[Problem] = field(default_factory=list)

    def add(
        self, severity: str, origin: _Origin, more: Sequence[str | int], message: str, hint: str
    ) -> None:
        self.problems.append(
            Problem(
                severity,  # type: ignore[arg-type]
                origin.doc.path,
                origin.line(*more),
                origin.field(*more),
                message,
                hint,
            )
        )

    def error(self, origin: _Origin, more: Sequence[str | int], message: str, hint: str) -> None:
        self.add("error", origin, more, message, hint)

    def warning(self, origin: _Origin, more: Sequence[str | int], message: str, hint: str) -> None:
        self.add("warning", origin, more, message, hint)


def _a(kind: str) -> str:
    """The kind with its article: 'a statement', 'an evidence item'."""
    return f"{'an' if kind[0] in 'aeiou' else 'a'} {kind}"


def _suggest(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1)
    return f"did you mean '{close[0]}'? " if close else ""


def _find_cycle(graph: Mapping[str, Sequence[str]]) -> list[str] | None:
    """A cycle in a directed graph, as the list of its nodes, or None."""
    state: dict[str, int] = {}
    for root in graph:
        if state.get(root):
            continue
        stack: list[tuple[str, int]] = [(root, 0)]
        path: list[str] = []
        while stack:
            node, index = stack.pop()
            if index == 0:
                state[node] = 1
                path.append(node)
            successors = graph.get(node, ())
            if index < len(successors):
                stack.append((node, index + 1))
                nxt = successors[index]
                if state.get(nxt) == 1:
                    return path[path.index(nxt) :] + [nxt]
                if not state.get(nxt) and nxt in graph:
                    stack.append((nxt, 0))
            else:
                state[node] = 2
                path.pop()
    return None


def _find_cycles(graph: Mapping[str, Sequence[str]]) -> list[list[str]]:
    """Cycles in a directed graph, each found once: every node lies on at most one."""
    cycles = []
    remaining = {node: list(successors) for node, successors in graph.items()}
    while (cycle := _find_cycle(remaining)) is not None:
        cycles.append(cycle)
        on_cycle = set(cycle)
        remaining = {
            node: [s for s in successors if s not in on_cycle]
            for node, successors in remaining.items()
            if node not in on_cycle
        }
    return cycles


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


def load_case(folder: Path | str) -> LoadResult:
    """Read, validate and cross-check the case in ``folder``.

    Raises :class:`CaseError` with every problem found when the case is invalid.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise CaseError(
            [
                Problem(
                    "error",
                    folder,
                    1,
                    "",
                    "no such case folder",
                    "give the folder that holds hypotheses/ and evidence/",
                )
            ]
        )
    hyp_files = case_files(folder, "hypotheses")
    ev_files = case_files(folder, "evidence")
    if not hyp_files:
        raise CaseError(
            [
                Problem(
                    "error",
                    folder / "hypotheses",
                    1,
                    "",
                    "no hypotheses/*.yaml files in the case",
                    "create hypotheses/case.yaml with title, question and hypotheses "
                    "(`argmap init DIR` scaffolds a case)",
                )
            ]
        )

    problems: list[Problem] = []
    parsed: list[tuple[YamlDocument, BaseModel]] = []
    case_root = folder.resolve()
    for part, paths in (("hypotheses", hyp_files), ("evidence", ev_files)):
        for path in paths:
            if not _inside(path, case_root):
                problems.append(
                    Problem(
                        "error",
                        path,
                        1,
                        "",
                        "this file is a link to a file outside the case folder",
                        "copy the file into the case instead of linking to it",
                    )
                )
                continue
            read = read_valid(path, _MODEL_FOR_PART[part], problems)
            if read is not None:
                parsed.append(read)
    rating_files = case_files(folder, RATINGS_FOLDER)
    ratings: list[tuple[YamlDocument, RatingsFile]] = []
    for path in rating_files:
        read = read_valid(path, RatingsFile, problems)
        if read is not None:
            doc, rated = read
            assert isinstance(rated, RatingsFile)
            ratings.append((doc, rated))
    if problems:
        # Cross-references would only repeat what the broken files hide.
        raise CaseError(problems)
    return _assemble(folder, parsed, hyp_files + ev_files + rating_files, ratings)


def _assemble(
    folder: Path,
    parsed: list[tuple[YamlDocument, BaseModel]],
    files: list[Path],
    ratings: Sequence[tuple[YamlDocument, RatingsFile]] = (),
) -> LoadResult:
    check = _Checker()
    origins: dict[str, _Origin] = {}
    kinds: dict[str, str] = {}
    hypotheses: list[Hypothesis] = []
    statements: list[Statement] = []
    arguments: list[Argument] = []
    sources: list[Source] = []
    evidence: list[Evidence] = []
    case_values: dict[str, str | None] = {}
    case_doc: YamlDocument | None = None

    def name(doc: YamlDocument) -> str:
        # Another file named in a message: relative to the case folder, as in the layout.
        return doc.path.relative_to(folder).as_posix()

    for doc, model in parsed:
        if isinstance(model, HypothesesFile):
            present = [key for key in CASE_KEYS if getattr(model, key) is not None]
            if present:
                if case_doc is not None:
                    check.error(
                        _Origin(doc, ()),
                        [present[0]],
                        f"case keys ({', '.join(present)}) are also in {name(case_doc)}",
                        "keep title, question, notes and format in one hypotheses file",
                    )
                else:
                    case_doc = doc
                    case_values = {key: getattr(model, key) for key in CASE_KEYS}
            groups: tuple[tuple[str, str, list[Any]], ...] = (
                ("hypothesis", "hypotheses", hypotheses),
                ("statement", "statements", statements),
                ("argument", "arguments", arguments),
            )
        else:
            assert isinstance(model, EvidenceFile)
            groups = (("source", "sources", sources), ("evidence item", "evidence", evidence))
        for kind, key, bucket in groups:
            for index, item in enumerate(getattr(model, key)):
                origin = _Origin(doc, (key, index))
                if item.id in origins:
                    first = origins[item.id]
                    check.error(
                        origin,
                        ["id"],
                        f"id '{item.id}' is already used by the {kinds[item.id]} at "
                        f"{name(first.doc)}:{first.line('id')}",
                        "ids are unique across hypotheses, statements, arguments, "
                        "sources and evidence; rename one",
                    )
                    continue
                origins[item.id] = origin
                kinds[item.id] = kind
                bucket.append(item)

    first_hyp = parsed[0][0]
    if case_doc is None:
        check.error(
            _Origin(first_hyp, ()),
            [],
            "no file holds the case's title and question",
            "add 'title:' and 'question:' to one hypotheses file",
        )
    else:
        for key in ("title", "question"):
            if case_values.get(key) is not None:
                continue
            if key in case_doc.data:  # written as `title:` with nothing after it
                check.error(
                    _Origin(case_doc, ()),
                    [key],
                    "empty value",
                    f"give '{key}' a value",
                )
            else:
                check.error(
                    _Origin(case_doc, ()),
                    [],
                    f"'{key}' is required",
                    f"add '{key}:' next to the other case keys",
                )

    ids_of = lambda *wanted: {i for i, k in kinds.items() if k in wanted}  # noqa: E731
    hyp_ids = ids_of("hypothesis")

    # Hypotheses: parents exist and form no cycle.
    for h in hypotheses:
        if h.parent is not None and h.parent not in hyp_ids:
            what = f"is {_a(kinds[h.parent])}" if h.parent in kinds else "is not a hypothesis"
            check.error(
                origins[h.id],
                ["parent"],
                f"parent '{h.parent}' {what}",
                _suggest(h.parent, hyp_ids) + "name the id of another hypothesis",
            )
    parent_graph = {h.id: [h.parent] if h.parent in hyp_ids else [] for h in hypotheses}
    in_cycle: set[str] = set()
    for cycle in _find_cycles(parent_graph):  # type: ignore[arg-type]
        in_cycle.update(cycle)
        check.error(
            origins[cycle[0]],
            ["parent"],
            f"parents form a cycle: {' → '.join(cycle)}",
            "a hypothesis cannot be its own ancestor; remove one 'parent:'",
        )
    # A cycle's members are not parents too: their ratings would only repeat the error.
    has_children = {h.parent for h in hypotheses if h.parent and h.id not in in_cycle}

    # Statements: contrary / contradicts name statements.
    statement_ids = ids_of("statement")
    for s in statements:
        for key in ("contrary", "contradicts"):
            for index, other in enumerate(getattr(s, key)):
                if other not in statement_ids:
                    check.error(
                        origins[s.id],
                        [key, index],
                        f"'{other}' is not a statement",
                        _suggest(other, statement_ids) + f"{key} lists statement ids",
                    )

    # Arguments: premises and targets exist; premise chains form no cycle.
    premise_ids = ids_of("evidence item", "statement", "argument")
    target_ids = ids_of("hypothesis", "statement", "evidence item", "argument")
    argument_ids = ids_of("argument")
    for a in arguments:
        for index, premise in enumerate(a.premises):
            if premise not in premise_ids:
                what = f"is {_a(kinds[premise])}" if premise in kinds else "is not defined"
                check.error(
                    origins[a.id],
                    ["premises", index],
                    f"premise '{premise}' {what}",
                    _suggest(premise, premise_ids)
                    + "premises are ids of evidence items, statements or arguments",
                )
        allowed = argument_ids if a.relation == "undercuts" else target_ids
        if a.target not in allowed:
            what = f"is {_a(kinds[a.target])}" if a.target in kinds else "is not defined"
            hint = (
                "'undercuts' names an argument whose inference it denies"
                if a.relation == "undercuts"
                else "name a hypothesis, statement, evidence item or argument"
            )
            check.error(
                origins[a.id],
                [a.relation],
                f"target '{a.target}' {what}",
                _suggest(a.target, allowed) + hint,
            )
    _check_evaluation_fields(check, origins, statements, arguments)
    premise_graph = {a.id: [p for p in a.premises if p in argument_ids] for a in arguments}
    for cycle in _find_cycles(premise_graph):
        check.error(
            origins[cycle[0]],
            ["premises"],
            f"premises form a cycle: {' → '.join(cycle)}",
            "an argument cannot rest, directly or through others, on itself",
        )

    # Sources: files exist inside the case and read as UTF-8.
    quoted_sources = {e.source for e in evidence if e.source}
    texts: dict[str, SourceText] = {}
    source_files: list[Path] = []
    case_root = folder.resolve()
    for source in sources:
        if source.file is None:
            if source.id in quoted_sources:
                check.error(
                    origins[source.id],
                    [],
                    f"source '{source.id}' is quoted but has no 'file'",
                    "add 'file:' with the path of its text, relative to this YAML file",
                )
            continue
        text = _read_source(check, origins[source.id], source, case_root)
        if text is not None:
            texts[source.id] = SourceText(text)
            source_files.append(origins[source.id].doc.path.parent / source.file)

    # Evidence: sources, ratings, rationale, quotes.
    source_ids = ids_of("source")
    leaf_ids = [h.id for h in hypotheses if h.id not in has_children]
    spans: dict[str, QuoteSpan] = {}
    for e in evidence:
        origin = origins[e.id]
        if e.source is not None and e.source not in source_ids:
            what = f"is {_a(kinds[e.source])}" if e.source in kinds else "is not defined"
            check.error(
                origin,
                ["source"],
                f"source '{e.source}' {what}",
                _suggest(e.source, source_ids) + "name a source listed under 'sources:'",
            )
        for key in ("ratings", "rationale"):
            for hid in getattr(e, key):
                if hid in has_children:
                    check.error(
                        origin,
                        [key, hid],
                        f"'{hid}' has sub-hypotheses and is not rated itself",
                        f"rate its children instead: {', '.join(_children(hypotheses, hid))}",
                    )
                elif hid not in hyp_ids:
                    check.error(
                        origin,
                        [key, hid],
                        f"'{hid}' is not a hypothesis",
                        _suggest(hid, leaf_ids) + "keys are ids of leaf hypotheses",
                    )
        if e.quote is not None and e.source in texts:
            span = _locate_quote(check, origin, e, texts[e.source])
            if span:
                spans[e.id] = span

    # Priors: given ones must fit the mass their level has.
    if not any(p.severity == "error" and p.field.endswith("parent") for p in check.problems):
        roots = [h.id for h in hypotheses if h.parent is None]
        children = {hid: _children(hypotheses, hid) for hid in has_children}
        _, prior_problems = leaf_priors(roots, children, {h.id: h.prior for h in hypotheses})
        for problem in prior_problems:
            check.error(origins[problem.hypothesis], ["prior"], problem.message, problem.hint)

    # Warnings: no catch-all, unrated cells, idle items.
    if hypotheses and not any(is_catch_all(h.id, h.tags) for h in hypotheses):
        check.warning(
            _Origin(origins[hypotheses[0].id].doc, ("hypotheses",)),
            [],
            "no catch-all hypothesis: the posteriors assume one of these is true",
            "add a hypothesis with id 'other' (or tag 'catch-all') for 'none of the above'",
        )
    used = {p for a in arguments for p in a.premises} | {a.target for a in arguments}
    for e in evidence:
        missing = [hid for hid in leaf_ids if hid not in e.ratings]
        if missing:
            check.warning(
                origins[e.id],
                ["ratings"],
                f"unrated against {', '.join(missing)}",
                "rate every leaf hypothesis (use NA where it does not apply); "
                "unrated cells are not neutral",
            )
        informative = any(VOCABULARY[r].direction for r in e.ratings.values())
        if not informative and e.id not in used:
            check.warning(
                origins[e.id],
                [],
                "no rating other than N/NA and no argument uses it",
                "rate it where it bears on a hypothesis, use it in an argument, "
                "or drop it (non-diagnostic evidence)",
            )

    analysts, found = check_ratings(
        ratings,
        evidence_ids=ids_of("evidence item"),
        leaf_ids=leaf_ids,
        hypothesis_ids=hyp_ids,
        folder=folder,
    )
    check.problems.extend(found)

    errors = [p for p in check.problems if p.severity == "error"]
    if errors:
        raise CaseError(check.problems)
    assert case_doc is not None
    case = Case(
        title=str(case_values["title"]),
        question=str(case_values["question"]),
        notes=case_values.get("notes"),  # type: ignore[arg-type]
        scoring=case_values.get("scoring"),  # type: ignore[arg-type]
        evaluation=case_values.get("evaluation"),  # type: ignore[arg-type]
        hypotheses=tuple(hypotheses),
        statements=tuple(statements),
        arguments=tuple(arguments),
        sources=tuple(sources),
        evidence=tuple(evidence),
        source_texts={sid: t.text for sid, t in texts.items()},
        quote_spans=spans,
        digest=_digest(folder, files, source_files),
    )
    return LoadResult(case, sorted(check.problems, key=lambda p: p.sort_key), analysts)


def _check_evaluation_fields(
    check: _Checker, origins: dict[str, _Origin], statements: list[Any], arguments: list[Any]
) -> None:
    """Cross-checks of the fields the argument evaluation reads (docs/evaluation.md)."""
    for s in statements:
        for key in ("contrary", "contradicts"):
            for index, other in enumerate(getattr(s, key)):
                if other == s.id:
                    check.error(
                        origins[s.id],
                        [key, index],
                        f"'{s.id}' cannot "
                        f"{'be contrary to' if key == 'contrary' else 'contradict'} itself",
                        f"remove '{other}' from '{key}'",
                    )
        if s.assumed and s.standard is not None:
            check.warning(
                origins[s.id],
                ["standard"],
                "an assumed statement is in unless attacked: its standard is not used",
                "remove 'standard:', or 'assumed: true' if its arguments must establish it",
            )
    for a in arguments:
        if a.weighing != "linked" and not a.premises:
            check.error(
                origins[a.id],
                ["weighing"],
                f"'{a.weighing}' weighing needs premises",
                "list the premises, or remove 'weighing:' (linked, the default)",
            )
        if a.weight is not None and a.relation == "undercuts":
            check.warning(
                origins[a.id],
                ["weight"],
                "an undercutter's weight is not used: it defeats its target when it is in",
                "remove 'weight:'",
            )


def _children(hypotheses: list[Any], parent: str) -> list[str]:
    return [h.id for h in hypotheses if h.parent == parent]


def _read_source(check: _Checker, origin: _Origin, source: Source, case_root: Path) -> str | None:
    assert source.file is not None
    path = origin.doc.path.parent / source.file
    try:
        resolved = path.resolve()
    except (OSError, RuntimeError) as err:  # RuntimeError: a symbolic link loop (Python 3.11)
        reason = err.strerror if isinstance(err, OSError) else "a symbolic link loop"
        check.error(
            origin,
            ["file"],
            f"cannot follow source file '{source.file}': {reason}",
            "point 'file:' at the text itself, not at a link that leads nowhere",
        )
        return None
    if not resolved.is_relative_to(case_root):
        check.error(
            origin,
            ["file"],
            f"'{source.file}' lies outside the case folder",
            "copy the source text into the case (e.g. evidence/sources/) and point to it",
        )
        return None
    if not resolved.is_file():
        check.error(
            origin,
            ["file"],
            f"source file '{source.file}' not found",
            f"paths are relative to {origin.doc.path.name}'s folder; check the spelling",
        )
        return None
    try:
        raw = resolved.read_bytes()
    except OSError as err:
        check.error(
            origin,
            ["file"],
            f"cannot read source file '{source.file}': {err.strerror}",
            "check the file is readable",
        )
        return None
    if b"\x00" in raw:  # UTF-16 text reads as "valid" UTF-8 full of NULs: no quote would match
        check.error(
            origin,
            ["file"],
            f"'{source.file}' is not text: it contains NUL bytes (binary, or UTF-16)",
            "save the source as UTF-8 text",
        )
        return None
    try:
        return raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        check.error(
            origin,
            ["file"],
            f"'{source.file}' is not UTF-8 text (line {line})",
            "save the source as UTF-8",
        )
        return None


def _locate_quote(
    check: _Checker, origin: _Origin, e: Evidence, text: SourceText
) -> QuoteSpan | None:
    assert e.quote is not None and e.source is not None
    match = text.find(e.quote)
    if match is None:
        close = text.closest(e.quote)
        hint = (
            f'the closest passage in the source reads: "{close}"'
            if close
            else "copy the passage verbatim from the source; quotes must be one contiguous span"
        )
        check.error(origin, ["quote"], f"quote not found in source '{e.source}'", hint)
        return None
    if match.occurrences > 1:
        check.warning(
            origin,
            ["quote"],
            f"quote occurs more than once in '{e.source}'; the first occurrence is used",
            "lengthen the quote so it points at one passage",
        )
    return QuoteSpan(e.source, match.start, match.end, text.paragraph_of(match.start))
