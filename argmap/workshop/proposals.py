"""Participants' proposals to a case: a new evidence item, a new hypothesis, a vote.

A proposal (:class:`~argmap.ratingsfile.Proposal`, the format a ratings file's `proposals:`
and the live server's JSON share) is one of::

    {type: evidence, source, quote, summary, kind?, credibility?, relevance?, date?, note?}
    {type: hypothesis, title, statement, parent?, note?}
    {type: vote, evidence, credibility?, relevance?, note?}

:func:`parse_proposal` validates one (an error names the field); :func:`check` says what
stops it from entering the case (the quote must stand in its source as the loader finds
quotes); :func:`apply` writes an accepted evidence item or hypothesis into the case's files
with the editing engine (:mod:`argmap.editing`): the new item's lines are added after the
last item of its list and nothing else changes, the file replaced keeps a numbered backup,
and an item that would leave the case with errors is not written. Votes are advisory:
:func:`vote_counts` counts them for display, and nothing writes them into the case. A note
stays with the proposal (the ratings file, the server's record); it is not written into the
case.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..editing import AddEvidence, AddHypothesis, Editor, EditRefused, passage
from ..model import Case
from ..problems import ArgmapError, display_path, format_problems
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
    return passage(text, match.start, match.end)


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


def _operation(case: Case, proposal: Proposal) -> AddEvidence | AddHypothesis:
    ident = proposal_id(case, proposal)
    if proposal.type == "evidence":
        return AddEvidence(
            source=proposal.source or "",
            summary=proposal.summary or "",
            quote=proposal.quote,
            id=ident,
            kind=proposal.kind,
            credibility=proposal.credibility,
            relevance=proposal.relevance,
            date=proposal.date,
        )
    return AddHypothesis(
        title=proposal.title or "",
        statement=proposal.statement or "",
        id=ident,
        parent=proposal.parent,
    )


def apply(folder: Path, proposal: Proposal, *, by: str | None = None) -> list[Path]:
    """Write an accepted evidence item or hypothesis into the case in ``folder``, with the
    editing engine (:mod:`argmap.editing`): the item gets a new id (:func:`proposal_id`) and
    joins the end of its list, every other line of the file stays as it was, the file is
    kept as a numbered backup first, and an item that would leave the case with errors is
    not written. Returns the files written, then their backups.

    Raises :class:`ProposalError` (naming the proposal, and ``by`` whom it was made) when the
    proposal cannot enter the case — a vote never does — and :class:`ArgmapError` when the
    case does not load or a file cannot be written; then the case is as it was.
    """
    who = f" by {' '.join(by.split())}" if by else ""
    if proposal.type == "vote":
        raise ProposalError(
            f"a vote{who} ({describe(proposal)}) is advisory: it is shown beside the item, and a "
            "change of credibility or relevance is made in the case file by hand"
        )
    if not folder.is_dir() or not any(folder.iterdir()):
        raise ArgmapError(f"{display_path(folder)} holds no case to write the proposal into")
    editor = Editor(folder)
    reasons = check(editor.case, proposal)
    if reasons:
        raise ProposalError(
            f"the proposal{who} ({describe(proposal)}) cannot enter the case: " + "; ".join(reasons)
        )
    try:
        result = editor.apply(_operation(editor.case, proposal))
    except EditRefused as err:
        raise ProposalError(
            f"the proposal{who} ({describe(proposal)}) would leave the case with errors, so "
            f"nothing was written: {format_problems(err.errors)}"
        ) from None
    return [*result.files, *result.backups]


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
