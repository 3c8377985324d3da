"""Participants' proposals to a case: a new evidence item, a new hypothesis, a vote.

A proposal (:class:`~argmap.ratingsfile.Proposal`, the format a ratings file's `proposals:`
and the live server's JSON share) is one of::

    {type: evidence, source, quote, summary, kind?, credibility?, relevance?, date?, note?}
    {type: hypothesis, title, statement, parent?, note?}
    {type: vote, evidence, credibility?, relevance?, note?}

:func:`parse_proposal` validates one (an error names the field); :func:`check` says what
stops it from entering the case (the quote must stand in its source as the loader finds
quotes); :func:`apply` writes an accepted evidence item or hypothesis into the case's files:
the new item's lines are added after the last item of its list and nothing else changes, the
file replaced keeps a numbered backup, and the case must load without errors afterwards or
the file is put back. Votes are advisory: :func:`vote_counts` counts them for display, and
nothing writes them into the case.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ..casewriter import dump_yaml
from ..load import case_files, load_case
from ..model import Case
from ..output import replace_with_backup, write_atomic
from ..problems import ArgmapError, CaseError, display_path, format_problems
from ..quotes import SourceText
from ..ratingsfile import PROPOSAL_KEYS, Proposal
from ..text import MAX_ID_LENGTH, UniqueIds, slugify

__all__ = [
    "LEVELS",
    "PROPOSAL_KEYS",
    "Proposal",
    "ProposalError",
    "apply",
    "check",
    "describe",
    "parse_proposal",
    "proposal_id",
    "proposal_json",
    "quote_in_source",
    "vote_counts",
]

LEVELS = ("high", "medium", "low")
"""Credibility and relevance levels, highest first (the order votes are counted in)."""
_SPACE = re.compile(r"\s+")


class ProposalError(ArgmapError):
    """A proposal that is not well formed, or cannot enter the case: one paragraph."""


def _field_of(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc) or "proposal"


def parse_proposal(data: Any) -> Proposal:
    """``data`` (parsed JSON or YAML) as a proposal; :class:`ProposalError` names the field
    that is wrong and how to fix it."""
    from ..rules import RULES

    try:
        return Proposal.model_validate(data)
    except ValidationError as err:
        parts = []
        for error in err.errors():
            field = _field_of(tuple(error["loc"]))
            kind = str(error["type"])
            message = str(error["msg"]).removeprefix("Value error, ")
            if kind == "missing":
                message = f"'{field}' is required"
            elif kind == "extra_forbidden":
                allowed = ", ".join(Proposal.model_fields)
                message = f"unknown key '{field}' (keys of a proposal: {allowed})"
            elif kind in RULES:
                ctx = error.get("ctx") or {}
                message = " — ".join(RULES[kind].render(**ctx))
            parts.append(f"{field}: {message}")
        raise ProposalError("the proposal is not valid: " + "; ".join(parts)) from None


def proposal_json(proposal: Proposal) -> dict[str, str]:
    """The proposal as plain data: its type first, then the keys it has, in model order."""
    return {
        name: value
        for name in Proposal.model_fields
        if (value := getattr(proposal, name)) is not None
    }


def describe(proposal: Proposal) -> str:
    """One line naming the proposal, for listings: `evidence from SOURCE: "SUMMARY"`."""
    if proposal.type == "evidence":
        return f'evidence item from {proposal.source}: "{proposal.summary}"'
    if proposal.type == "hypothesis":
        under = f" under {proposal.parent}" if proposal.parent else ""
        return f'hypothesis{under}: "{proposal.title}"'
    levels = ", ".join(
        f"{name} {level}"
        for name in ("credibility", "relevance")
        if (level := getattr(proposal, name)) is not None
    )
    return f"vote on {proposal.evidence}: {levels}"


def quote_in_source(case: Case, source: str, quote: str) -> str | None:
    """The passage of ``source`` that ``quote`` stands for, as the loader finds quotes
    (typography forgiven), written as in the source (NFC, each run of whitespace one space);
    None when the quote is not in the source once and only once."""
    text = case.source_texts.get(source)
    if text is None:
        return None
    match = SourceText(text).find(quote)
    if match is None or match.occurrences > 1:
        return None
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text[match.start : match.end])).strip()


def _case_ids(case: Case) -> set[str]:
    groups: Iterable[Iterable[Any]] = (
        case.hypotheses,
        case.statements,
        case.arguments,
        case.sources,
        case.evidence,
        case.originators,
        case.scenarios,
    )
    return {item.id for group in groups for item in group}


def proposal_id(case: Case, proposal: Proposal) -> str:
    """The id an accepted proposal gets: a slug of its summary or title, unique in the case."""
    words = proposal.summary if proposal.type == "evidence" else proposal.title
    base = slugify(words or "", "proposed", max_length=MAX_ID_LENGTH)
    ids = UniqueIds()
    ids.used |= _case_ids(case)
    return ids.new(base)


def _rated(case: Case, hypothesis: str) -> bool:
    return any(hypothesis in e.ratings for e in case.evidence)


def check(case: Case, proposal: Proposal) -> list[str]:
    """What stops ``proposal`` from entering ``case``, one sentence each (empty: nothing)."""
    found: list[str] = []
    if proposal.type == "evidence":
        source = proposal.source or ""
        quote = proposal.quote or ""
        if source not in case.source_by_id:
            found.append(f"'{source}' is not a source of the case")
        elif source not in case.source_texts:
            found.append(f"the source '{source}' has no text to quote from")
        else:
            match = SourceText(case.source_texts[source]).find(quote)
            if match is None:
                found.append(f"the quote is not in the text of '{source}' as written")
            elif match.occurrences > 1:
                found.append(
                    f"the quote stands more than once in '{source}': select a longer passage"
                )
            else:
                for item_id, span in case.quote_spans.items():
                    if (span.source, span.start, span.end) == (source, match.start, match.end):
                        found.append(f"the case already has this quote, as '{item_id}'")
    elif proposal.type == "hypothesis":
        title = " ".join((proposal.title or "").split()).casefold()
        for h in case.hypotheses:
            if " ".join(h.title.split()).casefold() == title:
                found.append(f"the case already has a hypothesis titled so, '{h.id}'")
        parent = proposal.parent
        if parent is not None:
            if parent not in case.hypothesis_by_id:
                found.append(f"'{parent}' is not a hypothesis of the case")
            elif not case.children[parent] and _rated(case, parent):
                found.append(
                    f"'{parent}' is rated: a hypothesis under it would make it a group, whose "
                    "ratings the case cannot keep; propose it under a group, or at the top"
                )
    elif proposal.evidence not in case.evidence_by_id:
        found.append(f"'{proposal.evidence}' is not an evidence item of the case")
    return found


@dataclass(frozen=True)
class _Target:
    path: Path
    key: str
    """The top-level list the new item joins: `evidence` or `hypotheses`."""


def _file_with(files: list[Path], origin_of: Mapping[str, Path], near: str | None) -> Path | None:
    if near is not None and near in origin_of:
        return origin_of[near]
    return files[-1] if files else None


def _target(folder: Path, loaded: Any, proposal: Proposal) -> _Target:
    origin_of = {ident: origin.doc.path for ident, origin in loaded.origins.items()}
    case: Case = loaded.case
    if proposal.type == "evidence":
        holding = [origin_of[e.id] for e in case.evidence if e.id in origin_of]
        near = proposal.source
        files = holding or case_files(folder, "evidence")
        path = _file_with(files, origin_of, near)
        if path is None:
            path = folder / "evidence" / "proposed.yaml"
        return _Target(path, "evidence")
    holding = [origin_of[h.id] for h in case.hypotheses if h.id in origin_of]
    files = holding or case_files(folder, "hypotheses")
    path = _file_with(files, origin_of, proposal.parent)
    if path is None:
        path = folder / "hypotheses" / "proposed.yaml"
    return _Target(path, "hypotheses")


def _item(case: Case, proposal: Proposal, ident: str) -> dict[str, str]:
    if proposal.type == "evidence":
        quote = quote_in_source(case, proposal.source or "", proposal.quote or "")
        item = {
            "id": ident,
            "summary": proposal.summary,
            "kind": proposal.kind,
            "source": proposal.source,
            "quote": quote,
            "credibility": proposal.credibility,
            "relevance": proposal.relevance,
            "date": proposal.date,
        }
    else:
        item = {
            "id": ident,
            "title": proposal.title,
            "statement": proposal.statement,
            "parent": proposal.parent,
        }
    return {key: value for key, value in item.items() if value is not None}


def _end_of_line(text: str, index: int) -> int:
    """The offset just after the line break that ends the line holding ``index``."""
    if index > 0 and text[index - 1] == "\n":
        return index
    newline = text.find("\n", index)
    return len(text) if newline < 0 else newline + 1


def _content_end(text: str, node: yaml.Node) -> int:
    """The offset just after the line break ending ``node``'s last line of content (a
    block collection ends where the next token starts, a block scalar after the blank lines
    that follow it: both are walked back to the content)."""
    while isinstance(node, yaml.MappingNode | yaml.SequenceNode) and node.value:
        last = node.value[-1]
        node = last[1] if isinstance(last, tuple) else last
    index = node.end_mark.index
    while index > node.start_mark.index and text[index - 1] in " \t\r\n":
        index -= 1
    return _end_of_line(text, index)


def _appended(text: str, key: str, item: Mapping[str, str], comment: list[str]) -> str:
    """``text`` (a case file) with ``item`` added as the last entry of its top-level list
    ``key``: the entry's lines inserted after the last one's, and nothing else changed."""
    root = yaml.compose(text, Loader=yaml.SafeLoader) if text.strip() else None
    if root is not None and not isinstance(root, yaml.MappingNode):
        raise ArgmapError("the file holds no mapping of keys")
    value = None
    key_node = None
    for k, v in root.value if root is not None else ():
        if isinstance(k, yaml.ScalarNode) and k.value == key:
            key_node, value = k, v
    entry = dump_yaml({"x": [dict(item)]}).split("\n", 1)[1]  # "- id: …\n  summary: …\n"
    if value is None or key_node is None:  # no such key: the list is added at the end
        head = text if not text or text.endswith("\n") else text + "\n"
        notes = "".join(f"  # {line}\n" for line in comment)
        indented = "".join(f"  {line}\n" for line in entry.splitlines())
        return f"{head}{'' if not head else chr(10)}{key}:\n{notes}{indented}"
    if isinstance(value, yaml.SequenceNode) and value.flow_style and value.value:
        raise ArgmapError(
            f"its '{key}:' list is written in flow style ([…]); write it as a block list "
            "(one '- ' entry a line) to take proposals"
        )
    if isinstance(value, yaml.SequenceNode) and value.value:
        indent = value.start_mark.column
        last = value.value[-1]
        at = _content_end(text, last)
        separated = (
            any(
                text[_content_end(text, a) : b.start_mark.index].strip(" ").startswith("\n")
                for a, b in zip(value.value, value.value[1:], strict=False)
            )
            or len(value.value) == 1
        )
        gap = "\n" if separated and not text[:at].endswith("\n\n") else ""
    else:  # `key:` with nothing, or `key: []`: the list starts on the next line
        indent = 2
        if isinstance(value, yaml.SequenceNode):  # `[]`
            text = text[: value.start_mark.index].rstrip(" ") + text[value.end_mark.index :]
            at = _end_of_line(text, value.start_mark.index - 1)
        else:
            at = _end_of_line(text, key_node.end_mark.index)
        gap = ""
    head = text[:at] if text[:at].endswith("\n") else text[:at] + "\n"
    pad = " " * indent
    lines = [f"{pad}# {line}" for line in comment]
    lines += [f"{pad}{line}" if line else line for line in entry.splitlines()]
    return head + gap + "\n".join(lines) + "\n" + text[at:]


def _comment(proposal: Proposal, by: str | None) -> list[str]:
    who = f" by {' '.join(by.split())}" if by else ""
    lines = [f"Proposed in a workshop{who}" + (":" if proposal.note else ".")]
    if proposal.note:
        lines += [line.rstrip() for line in proposal.note.splitlines() if line.strip()]
    return lines


def apply(folder: Path, proposal: Proposal, *, by: str | None = None) -> list[Path]:
    """Write an accepted evidence item or hypothesis into the case in ``folder``.

    The item gets a new id (:func:`proposal_id`) and joins the end of its list: an evidence
    item in the file of its source's items, a hypothesis in its parent's file (else the
    file of the last one); a comment above it says it was proposed in a workshop (``by``
    whom, if given) and carries its note. Returns the file written and its backup.
    Raises :class:`ProposalError` when the proposal cannot enter the case (a vote never
    does), and :class:`ArgmapError` when the file cannot be written; the case is as it was.
    """
    if proposal.type == "vote":
        raise ProposalError(
            f"a vote ({describe(proposal)}) is advisory: it is shown beside the item, and a "
            "change of credibility or relevance is made in the case file by hand"
        )
    loaded = load_case(folder)
    case = loaded.case
    reasons = check(case, proposal)
    if reasons:
        raise ProposalError(
            f"the proposal ({describe(proposal)}) cannot enter the case: " + "; ".join(reasons)
        )
    ident = proposal_id(case, proposal)
    target = _target(folder, loaded, proposal)
    try:
        old = target.path.read_text(encoding="utf-8") if target.path.exists() else ""
    except (OSError, UnicodeDecodeError) as err:
        raise ArgmapError(f"cannot read {display_path(target.path)}: {err}") from None
    item = _item(case, proposal, ident)
    try:
        new = _appended(old, target.key, item, _comment(proposal, by))
    except yaml.YAMLError as err:
        raise ArgmapError(f"cannot read {display_path(target.path)}: {err}") from None
    except ArgmapError as err:
        raise ArgmapError(f"cannot add to {display_path(target.path)}: {err}") from None
    before = yaml.safe_load(old) if old.strip() else {}
    after = yaml.safe_load(new)
    expected = dict(before or {})
    expected[target.key] = [*(expected.get(target.key) or []), item]
    if after != expected:  # never: the lines added hold the item and nothing else
        raise ArgmapError(
            f"cannot add the item to {display_path(target.path)} without changing the rest"
        )
    existed = target.path.exists()
    backup = replace_with_backup(target.path, new)
    try:
        load_case(folder)
    except CaseError as err:
        if existed:
            write_atomic(target.path, old)
        else:
            target.path.unlink(missing_ok=True)
        raise ProposalError(
            f"the proposal ({describe(proposal)}) would leave the case with errors, so "
            f"{display_path(target.path)} is as it was: {format_problems(err.errors)}"
        ) from None
    return [target.path] + ([backup] if backup is not None else [])


def vote_counts(votes: Iterable[Proposal]) -> dict[str, dict[str, dict[str, int]]]:
    """Evidence id → `credibility`/`relevance` → level → how many votes gave it (levels
    high, medium, low, each present), for the items voted on, in id order."""
    counts: dict[str, dict[str, dict[str, int]]] = {}
    for vote in votes:
        if vote.type != "vote" or vote.evidence is None:
            continue
        row = counts.setdefault(
            vote.evidence, {name: dict.fromkeys(LEVELS, 0) for name in ("credibility", "relevance")}
        )
        for name in ("credibility", "relevance"):
            level = getattr(vote, name)
            if level is not None:
                row[name][level] += 1
    return dict(sorted(counts.items()))
