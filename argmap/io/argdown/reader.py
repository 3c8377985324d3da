"""An Argdown map as an argmap case (docs/interchange.md has the mapping)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ... import model as case_model
from ...problems import ArgmapError, Problem
from ...text import MAX_ID_LENGTH, UniqueIds, clean_text, slugify
from ..extension import EXTENSION, checked
from .model import (
    ATTACK,
    CONTRADICTORY,
    CONTRARY,
    ENTAILS,
    PREMISE,
    SUPPORT,
    UNDERCUT,
    ArgdownMap,
    Argument,
    EquivalenceClass,
    Inference,
    Member,
    Relation,
    parse,
)

__all__ = [
    "CASE_SETTINGS",
    "EVIDENCE_TAG",
    "HYPOTHESIS_TAG",
    "MAP_KEYS",
    "case_document",
    "case_files",
    "to_case_files",
]

HYPOTHESIS_TAG = "hypothesis"
EVIDENCE_TAG = "evidence"
MAP_KEYS: dict[str, tuple[str, ...]] = {
    "Hypothesis": ("id", "title", "statement"),
    "Statement": ("id", "text", "contrary", "contradicts"),
    "Evidence": ("id", "summary"),
    "Argument": ("id", "claim", "premises", "supports", "attacks", "undercuts", "rationale"),
}
"""Fields of each kind of entry that the map itself carries: never read from the extension."""
CASE_SETTINGS = ("notes", "scoring", "evaluation", "scenarios")
"""Keys of the hypotheses file that travel in the front matter's extension."""
_VERB = {SUPPORT: "supports", ENTAILS: "supports", ATTACK: "attacks", UNDERCUT: "undercuts"}


def _words(text: str, count: int = 8) -> str:
    return " ".join(text.split()[:count])


def _data_list(data: Any, key: str) -> list[str]:
    value = data.get(key) if isinstance(data, dict) else None
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []


def _data_text(data: Any, key: str) -> str | None:
    value = data.get(key) if isinstance(data, dict) else None
    return clean_text(value) if isinstance(value, str) and value.strip() else None


def _extension(data: Any, line: int, what: str) -> dict[str, Any]:
    """The ``argmap:`` mapping in an item's data; {} where there is none."""
    value = data.get(EXTENSION) if isinstance(data, dict) else None
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ArgmapError(
            f"line {line}: '{EXTENSION}' in the data of {what} must be a mapping of the case's "
            "own keys, as argmap's export writes it (docs/interchange.md)"
        )
    return value


def _checked(
    model: type[BaseModel], entry: dict[str, Any], extension: dict[str, Any], where: str
) -> dict[str, Any]:
    """``entry`` (what the map says) with the extension's other keys, checked by ``model`` and
    written as a case file writes them (defaults left out, the map's keys first)."""
    if not extension:
        return entry
    keys = MAP_KEYS.get(model.__name__, ())
    merged = {**{k: v for k, v in extension.items() if k not in keys}, **entry}
    return checked(model, merged, f"{where}: '{EXTENSION}'", first=entry)


def case_document(argdown_map: ArgdownMap, name: str) -> dict[str, Any]:
    """The hypotheses file of a new case holding the argument map (see docs/interchange.md);
    evidence items (statements tagged #evidence with argmap's extension) under "evidence"."""
    ids = UniqueIds()
    statements = argdown_map.statements
    arguments = argdown_map.arguments
    generated = argdown_map.generated

    def base(title: str, text: str, fallback: str) -> str:
        words = _words(text) if title in generated else title
        return slugify(words, fallback, max_length=MAX_ID_LENGTH, keep_slugs=True)

    ec_id = {title: ids.new(base(title, ec.text, "statement")) for title, ec in statements.items()}
    arg_id = {
        title: ids.new(base(title, argument.description, "argument"))
        for title, argument in arguments.items()
    }

    def node_id(member: Member | None) -> str:
        if isinstance(member, EquivalenceClass):
            return ec_id[member.title]
        if isinstance(member, Argument):
            return arg_id[member.title]
        assert isinstance(member, Inference)
        return arg_id[member.argument_title]

    def resolve(title: str, line: int) -> str:
        if title in arguments:
            return arg_id[title]
        if title in statements:
            return ec_id[title]
        raise ArgmapError(
            f"line {line}: premise {title!r} in the argument's data is neither a statement "
            "nor an argument of this map"
        )

    # Which statements are premises, or stand in contrary/contradictory relations: those stay
    # statements even when tagged #hypothesis (a hypothesis cannot be a premise in argmap).
    premise_titles = {s.title for a in arguments.values() for s in a.pcs if s.role == PREMISE} | {
        title for a in arguments.values() for title in _data_list(a.data, "premises")
    }
    paired_titles: set[str] = set()
    """Statements in contrary or contradictory pairs: an evidence item cannot be in one."""
    for relation in argdown_map.relations:
        for end in (relation.from_, relation.to):
            if isinstance(end, EquivalenceClass) and relation.type in (CONTRARY, CONTRADICTORY):
                premise_titles.add(end.title)
                paired_titles.add(end.title)
        if isinstance(relation.from_, EquivalenceClass):
            premise_titles.add(relation.from_.title)
    hypothesis_titles = {
        title
        for title, ec in statements.items()
        if HYPOTHESIS_TAG in ec.tags and title not in premise_titles
    }

    def statement_text(ec: EquivalenceClass) -> str:
        return ec.text or clean_text(ec.title)

    hypotheses: list[dict[str, Any]] = []
    statement_entries: dict[str, dict[str, Any]] = {}
    evidence: list[dict[str, Any]] = []
    extended: dict[str, dict[str, Any]] = {}
    """Statement title → its extension, applied once its relations are known."""
    for title, ec in statements.items():
        where = f"line {ec.line}"
        extension = _extension(ec.data, ec.line, f"[{title}]")
        if title in hypothesis_titles:
            hypothesis = {
                "id": ec_id[title],
                "title": _data_text(ec.data, "title") or clean_text(title),
                "statement": statement_text(ec),
            }
            hypotheses.append(_checked(case_model.Hypothesis, hypothesis, extension, where))
        elif EVIDENCE_TAG in ec.tags and extension and title not in paired_titles:
            item = {"id": ec_id[title], "summary": statement_text(ec)}
            evidence.append(_checked(case_model.Evidence, item, extension, where))
        else:
            statement_entries[title] = {"id": ec_id[title], "text": statement_text(ec)}
            if extension:
                extended[title] = extension

    argument_entries: list[dict[str, Any]] = []
    extra_statements: list[dict[str, Any]] = []
    consumed: set[int] = set()
    outgoing: dict[int, list[Relation]] = {}
    for relation in argdown_map.relations:
        source = relation.from_
        if isinstance(source, Inference):
            source = arguments.get(source.argument_title)
        outgoing.setdefault(id(source), []).append(relation)

    def relation_of(relation: Relation) -> tuple[str, str]:
        target = relation.to
        if relation.type == UNDERCUT:
            # Only an inference can be undercut; undercutting a statement denies it.
            verb = "undercuts" if isinstance(target, Argument | Inference) else "attacks"
            return verb, node_id(target)
        return _VERB.get(relation.type, "attacks"), node_id(target)

    for title, argument in arguments.items():
        own_id = arg_id[title]
        entry: dict[str, Any] = {"id": own_id}
        conclusion = statements[argument.pcs[-1].title] if argument.pcs else None
        claim = argument.description or (statement_text(conclusion) if conclusion else "")
        entry["claim"] = claim or clean_text(title)
        premises = [ec_id[s.title] for s in argument.pcs if s.role == PREMISE]
        premises += [resolve(t, argument.line) for t in _data_list(argument.data, "premises")]
        if premises:
            entry["premises"] = list(dict.fromkeys(premises))
        mine = outgoing.get(id(argument), [])
        if conclusion is not None:
            entry["supports"] = ec_id[conclusion.title]
        elif mine:
            verb, target_id = relation_of(mine[0])
            entry[verb] = target_id
            consumed.add(id(mine[0]))
        else:
            # Argdown lets an argument stand with no conclusion and no target; an argmap
            # argument needs one, so it supports a statement of its own claim.
            statement_id = ids.new(f"{own_id}-conclusion")
            extra_statements.append({"id": statement_id, "text": entry["claim"]})
            entry["supports"] = statement_id
        rules = [
            rule for s in argument.pcs if s.inference is not None for rule in s.inference.rules
        ]
        rationale = _data_text(argument.data, "rationale") or clean_text(
            ", ".join(rule for rule in rules if rule)
        )
        if rationale:
            entry["rationale"] = rationale
        extension = _extension(argument.data, argument.line, f"<{title}>")
        argument_entries.append(
            _checked(case_model.Argument, entry, extension, f"line {argument.line}")
        )

    # Every other relation: contrary and contradictory ones are statement fields, the rest are
    # carried by a small argument whose only premise is the relation's source.
    carriers: list[dict[str, Any]] = []
    claims = {entry["id"]: entry["claim"] for entry in argument_entries}
    for relation in argdown_map.relations:
        if id(relation) in consumed:
            continue
        source, target = relation.from_, relation.to
        if isinstance(source, Inference):
            source = arguments[source.argument_title]
        if (
            relation.type in (CONTRARY, CONTRADICTORY)
            and isinstance(source, EquivalenceClass)
            and isinstance(target, EquivalenceClass)
        ):
            key = "contrary" if relation.type == CONTRARY else "contradicts"
            entry = statement_entries[source.title]
            entry.setdefault(key, [])
            if ec_id[target.title] not in entry[key]:
                entry[key].append(ec_id[target.title])
            continue
        verb, target_id = relation_of(relation)
        source_id = node_id(source)
        if isinstance(source, EquivalenceClass):
            claim = statement_text(source)
        else:
            assert isinstance(source, Argument)
            claim = claims[source_id]
        carriers.append(
            {
                "id": ids.new(f"{source_id}-{verb}-{target_id}"),
                "claim": claim,
                "premises": [source_id],
                verb: target_id,
            }
        )

    title = (
        _data_text(argdown_map.front_matter, "title")
        or (argdown_map.headings[0] if argdown_map.headings and argdown_map.headings[0] else None)
        or name
    )
    question = (
        _data_text(argdown_map.front_matter, "question")
        or _data_text(argdown_map.front_matter, "subTitle")
        or _data_text(argdown_map.front_matter, "subtitle")
        or title
    )
    document: dict[str, Any] = {"format": "1", "title": title, "question": question}
    settings = _extension(argdown_map.front_matter, 1, "the front matter")
    chosen = {key: settings[key] for key in CASE_SETTINGS if settings.get(key) is not None}
    if chosen:
        checked = _checked(case_model.HypothesesFile, chosen, chosen, "the front matter")
        document.update({key: checked[key] for key in CASE_SETTINGS if key in checked})
    if hypotheses:
        document["hypotheses"] = hypotheses
    for title, extension in extended.items():
        ec = statements[title]
        statement_entries[title] = _checked(
            case_model.Statement, statement_entries[title], extension, f"line {ec.line}"
        )
    all_statements = list(statement_entries.values()) + extra_statements
    if all_statements:
        document["statements"] = all_statements
    if argument_entries or carriers:
        document["arguments"] = argument_entries + carriers
    if evidence:
        document["evidence"] = evidence
    return document


def _listed(settings: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = settings.get(key, [])
    if not isinstance(value, list) or not all(isinstance(entry, dict) for entry in value):
        raise ArgmapError(
            f"the front matter: '{EXTENSION}': '{key}' must be a list of mappings, as argmap's "
            "export writes it"
        )
    return value


def _evidence_files(
    argdown_map: ArgdownMap, evidence: list[dict[str, Any]], comment: str
) -> dict[str, str]:
    """The evidence file (sources, originators, evidence items) and the sources' texts."""
    from ...casewriter import dump_yaml

    settings = _extension(argdown_map.front_matter, 1, "the front matter")
    files: dict[str, str] = {}
    sources = []
    for index, source in enumerate(_listed(settings, "sources")):
        entry = {k: v for k, v in source.items() if k not in ("file", "text")}
        text = source.get("text")
        if isinstance(text, str) and isinstance(entry.get("id"), str):
            entry["file"] = f"sources/{entry['id']}.txt"
        where = f"the front matter: sources[{index}]"
        entry = _checked(case_model.Source, entry, entry, where)
        if "file" in entry and isinstance(text, str):
            files[f"evidence/{entry['file']}"] = text
        sources.append(entry)
    originators = [
        _checked(case_model.Originator, entry, entry, f"the front matter: originators[{index}]")
        for index, entry in enumerate(_listed(settings, "originators"))
    ]
    parts = {"sources": sources, "originators": originators, "evidence": evidence}
    document = {key: value for key, value in parts.items() if value}
    if document:
        files["evidence/evidence.yaml"] = dump_yaml(document, comment)
    return files


def case_files(path: Path) -> tuple[dict[str, str], list[Problem]]:
    """The files of a new case holding the argument map in an Argdown file, and warnings about
    what was read differently from the file (each names its line)."""
    from ...casewriter import dump_yaml

    argdown_map = parse(path)
    comment = f"Imported from {path.name} (Argdown) by argmap; docs/interchange.md has the mapping."
    try:
        document = case_document(argdown_map, path.stem)
        evidence = document.pop("evidence", [])
        files = _evidence_files(argdown_map, evidence, comment)
    except ArgmapError as err:
        raise ArgmapError(f"{path.name}: {err}") from None
    warnings = [
        Problem("warning", path, line, "", message, "") for line, message in argdown_map.warnings
    ]
    if warnings:
        comment += "\nLeft out: " + "; ".join(
            f"line {w.line}: {w.message.split(':', 1)[0]}" for w in warnings
        )
    files["hypotheses/case.yaml"] = dump_yaml(document, comment)
    return dict(sorted(files.items())), warnings


def to_case_files(path: Path) -> dict[str, str]:
    """The files of a new case holding the argument map in an Argdown file."""
    return case_files(path)[0]
