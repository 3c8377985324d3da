"""The blind rating sheet: one self-contained HTML file per analyst and round.

The sheet shows the hypotheses (statements always in view) and the evidence, both in an
order shuffled per analyst, and none of the ratings already in the case or given by
anyone else — in a later round only the analyst's own earlier ratings. Entries stay in
the browser's storage across reloads; a button downloads the analyst's ratings file
(docs/workshops.md), which `argmap workshop merge` takes into the case.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, get_args

from .. import __version__
from ..casewriter import yaml_quoted
from ..model import Case, EvidenceKind
from ..quotes import SourceText
from ..ratingsfile import (
    VOTE_NAMES,
    AnalystRatings,
    analyst_key,
    analyst_views,
    ratings_file_name,
)
from ..vocabulary import VOCABULARY, RatingCode

__all__ = [
    "EXPLAIN",
    "PARAGRAPH_LIMIT",
    "RATIONALE_LIMIT",
    "SOURCE_LIMIT",
    "CellFeedback",
    "SheetContext",
    "SheetSource",
    "render_sheet",
    "sheet_context",
    "sheet_digest",
]

EXPLAIN = tuple(r.code for r in VOCABULARY if r.strong)
"""Ratings the sheet asks a reason for, as the strongest claims in the matrix."""
RATIONALE_LIMIT = 2000
PARAGRAPH_LIMIT = 600
"""Characters of a quote's paragraph shown on each side of it, at most."""
SOURCE_LIMIT = 2_000_000
"""Characters of source text a sheet carries in full, for proposing items from; above it,
each item's paragraph alone."""


def sheet_digest(case: Case) -> str:
    """SHA-256 of what a sheet shows: the leaves and the items, in case order.

    It ignores the case's own ratings and the analysts' files, so adding one analyst's
    ratings does not reshuffle another's sheet.
    """
    sources = {s.id: s.title for s in case.sources}
    shown = {
        "hypotheses": [
            [h.id, h.title, h.statement, case.hypothesis_by_id[h.parent].title if h.parent else ""]
            for h in case.leaves
        ],
        "evidence": [
            [e.id, e.summary, e.kind, e.quote or "", sources.get(e.source or "", ""), e.date or ""]
            for e in case.evidence
        ],
    }
    canonical = json.dumps(shown, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _shuffled(ids: Sequence[str], seed: str) -> list[str]:
    """A stable shuffle: order by the digest of seed and id (no RNG whose stream may change)."""
    return sorted(ids, key=lambda i: hashlib.sha256(f"{seed}\0{i}".encode()).hexdigest())


def _shown(code: str) -> str:
    """A rating in words of the sheet's own: its symbol, as the report shows it, and its
    code, as the ratings file writes it ('++ (CC)')."""
    return f"{VOCABULARY[code].symbol} ({code})"


def _source_title(case: Case, source_id: str | None) -> str | None:
    return case.source_by_id[source_id].title if source_id is not None else None


@dataclass(frozen=True)
class SheetHypothesis:
    id: str
    number: int
    """H1, H2… in this analyst's order."""
    title: str
    statement: str
    group: str | None
    """The title of its parent hypothesis, if any."""


@dataclass(frozen=True)
class SheetItem:
    id: str
    number: int
    """E1, E2… in this analyst's order."""
    summary: str
    kind: str
    quote: str | None
    source: str | None
    """The source's title."""
    date: str | None
    source_id: str | None = None
    context: tuple[str, str, str] | None = None
    """The paragraph around the quote: the text before it, the quote as the source has it,
    the text after it (cut to :data:`PARAGRAPH_LIMIT` each side)."""


@dataclass(frozen=True)
class SheetSource:
    """A source text, shown whole so that a passage can be proposed as a new item."""

    id: str
    title: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class CellFeedback:
    """Round ≥ 2: what the group said about a cell in the previous round, without names."""

    consensus: str
    """The consensus code ('' when nobody rated the cell)."""
    kind: str
    """consensus, notch, mild, large, extreme or few (:data:`~.aggregate.KINDS`)."""
    label: str
    mark: str
    counts: tuple[tuple[str, int], ...]
    """(code, how many analysts gave it), in vocabulary order, codes given only."""


@dataclass(frozen=True)
class SheetContext:
    """Everything templates/sheet.html receives."""

    title: str
    question: str
    analyst: str
    round: int
    version: str
    file_name: str
    """The name the downloaded ratings file gets."""
    hypotheses: tuple[SheetHypothesis, ...]
    """Leaf hypotheses in this analyst's order."""
    evidence: tuple[SheetItem, ...]
    """Items in this analyst's order."""
    votes: tuple[RatingCode, ...]
    """The answers an analyst can give, in the order of the buttons: every code, DK too."""
    explain: tuple[str, ...]
    """Codes the sheet asks a reason for."""
    previous: dict[str, dict[str, str]]
    """Round ≥ 2: the analyst's own ratings as they stood after the previous round."""
    previous_rationale: dict[str, dict[str, str]]
    data: dict[str, Any]
    """What the sheet's script needs, embedded as JSON."""
    sources: tuple[SheetSource, ...] = ()
    """Source texts to select passages from (none when they are longer than
    :data:`SOURCE_LIMIT` together)."""
    feedback: dict[str, dict[str, CellFeedback]] = field(default_factory=dict)
    """Round ≥ 2: evidence id → hypothesis id → the group's previous round."""
    feedback_analysts: int = 0
    """How many analysts the feedback counts."""
    groups: tuple[tuple[str, str], ...] = ()
    """(id, title) of the hypotheses a proposed one may go under: groups, and leaves no
    item rates."""


def _squeeze(text: str) -> str:
    return " ".join(text.split())


def _contexts(case: Case, texts: dict[str, SourceText]) -> dict[str, tuple[str, str, str]]:
    """Evidence id → the paragraph around its quote, split at the quote."""
    found: dict[str, tuple[str, str, str]] = {}
    paragraphs: dict[str, list[tuple[int, int]]] = {}
    for eid, span in case.quote_spans.items():
        text = texts[span.source]
        if span.source not in paragraphs:
            paragraphs[span.source] = text.paragraphs()
        start, end = paragraphs[span.source][span.paragraph - 1]
        start, end = min(start, span.start), max(end, span.end)
        before = text.text[max(start, span.start - PARAGRAPH_LIMIT) : span.start]
        after = text.text[span.end : min(end, span.end + PARAGRAPH_LIMIT)]
        if span.start - start > PARAGRAPH_LIMIT:
            before = "… " + before.split(" ", 1)[-1]
        if end - span.end > PARAGRAPH_LIMIT:
            after = after.rsplit(" ", 1)[0] + " …"
        lead = " " if before[-1:].isspace() else ""
        trail = " " if after[:1].isspace() else ""
        found[eid] = (
            _squeeze(before) + lead,
            _squeeze(text.text[span.start : span.end]),
            trail + _squeeze(after),
        )
    return found


def _feedback(
    case: Case, files: Sequence[AnalystRatings], round_number: int
) -> tuple[dict[str, dict[str, CellFeedback]], int]:
    """The group's ratings after the previous round, per cell, and how many analysts."""
    if round_number < 2 or not any(f.round < round_number for f in files):
        return {}, 0
    import numpy as np

    from .aggregate import CODE_VOTE, KINDS, VOTE_CODE, build_workshop
    from .view import BAND_LABELS, BAND_MARKS

    workshop = build_workshop(case, files, round_number - 1)
    if len(workshop.analysts) < 2:  # an analyst alone: no group, and no one to hide among
        return {}, 0
    codes = [r.code for r in VOCABULARY]
    counts = np.stack([(workshop.votes == VOTE_CODE[code]).sum(axis=0) for code in codes])
    result: dict[str, dict[str, CellFeedback]] = {}
    for i, eid in enumerate(workshop.evidence_ids):
        row = result.setdefault(eid, {})
        for j, hid in enumerate(workshop.leaf_ids):
            kind = KINDS[int(workshop.kind[i, j])]
            given = tuple((code, int(counts[k, i, j])) for k, code in enumerate(codes))
            row[hid] = CellFeedback(
                consensus=CODE_VOTE[int(workshop.consensus[i, j])],
                kind=kind,
                label=BAND_LABELS[kind],
                mark=BAND_MARKS[kind],
                counts=tuple((code, n) for code, n in given if n),
            )
    return result, len(workshop.analysts)


def sheet_context(
    case: Case,
    analyst: str,
    round_number: int,
    files: Sequence[AnalystRatings] = (),
    group: Sequence[AnalystRatings] | None = None,
) -> SheetContext:
    """The sheet for ``analyst`` in round ``round_number``; ``files`` are the case's ratings
    files, of which this analyst's earlier rounds fill the sheet in. In round 2 and later,
    the sheet shows beside each cell what the group said in the previous round (consensus,
    band and the count of each rating, no names): from ``group``'s files, by default
    ``files``."""
    name = " ".join(analyst.split())
    key = analyst_key(name)
    digest = sheet_digest(case)
    seed = f"{key}\0{digest}"
    leaves = {h.id: h for h in case.leaves}
    items = case.evidence_by_id
    texts = {sid: SourceText(text) for sid, text in case.source_texts.items()}
    contexts = _contexts(case, texts)
    own = [f for f in files if f.key == key]
    before = analyst_views(own, round_number - 1) if round_number > 1 else []
    now = analyst_views(own, round_number)
    previous = before[0].ratings if before else {}
    previous_rationale = before[0].rationale if before else {}
    prefill = now[0].ratings if now else {}
    prefill_rationale = {
        eid: {
            hid: text
            for hid, text in cells.items()
            if previous_rationale.get(eid, {}).get(hid) != text
        }
        for eid, cells in (now[0].rationale if now else {}).items()
    }
    hypotheses = tuple(
        SheetHypothesis(
            id=hid,
            number=n,
            title=leaves[hid].title,
            statement=leaves[hid].statement,
            group=case.hypothesis_by_id[parent].title
            if (parent := leaves[hid].parent) is not None
            else None,
        )
        for n, hid in enumerate(_shuffled(list(leaves), "hypotheses\0" + seed), start=1)
    )
    evidence = tuple(
        SheetItem(
            id=eid,
            number=n,
            summary=items[eid].summary,
            kind=items[eid].kind,
            quote=items[eid].quote,
            source=_source_title(case, items[eid].source),
            date=items[eid].date,
            source_id=items[eid].source,
            context=contexts.get(eid),
        )
        for n, eid in enumerate(_shuffled(list(items), "evidence\0" + seed), start=1)
    )
    whole = sum(len(t) for t in case.source_texts.values()) <= SOURCE_LIMIT
    sources = tuple(
        SheetSource(
            id=s.id,
            title=s.title,
            paragraphs=tuple(
                _squeeze(texts[s.id].text[a:b]) for a, b in texts[s.id].paragraphs() if b > a
            ),
        )
        for s in case.sources
        if whole and s.id in texts
    )
    feedback, counted = _feedback(case, files if group is None else group, round_number)
    rated = {hid for e in case.evidence for hid in e.ratings}
    groups = tuple(
        (h.id, h.title)
        for h, _ in case.hypotheses_in_order
        if case.children[h.id] or h.id not in rated
    )
    file_name = ratings_file_name(name, round_number)
    data = {
        "storageKey": f"argmap-sheet/{digest[:16]}/{key}/round{round_number}",
        "fileName": file_name,
        "head": [
            "# Ratings from an argmap rating sheet. Take them into the case with:",
            f"#   argmap workshop merge {file_name} --into CASE",
            f"analyst: {yaml_quoted(name)}",
            f"round: {round_number}",
            f"digest: sha256:{digest}",
        ],
        "evidence": [e.id for e in case.evidence],
        "leaves": [h.id for h in case.leaves],
        "round": round_number,
        "previous": previous,
        "previousRationale": previous_rationale,
        "prefill": prefill,
        "prefillRationale": {k: v for k, v in prefill_rationale.items() if v},
        "explain": list(EXPLAIN),
        "rationaleLimit": RATIONALE_LIMIT,
        "names": VOTE_NAMES,
        "labels": {r.code: _shown(r.code) for r in VOCABULARY},
        "kinds": list(get_args(EvidenceKind)),
    }
    return SheetContext(
        title=case.title,
        question=case.question,
        analyst=name,
        round=round_number,
        version=__version__,
        file_name=file_name,
        hypotheses=hypotheses,
        evidence=evidence,
        votes=VOCABULARY.ratings,
        explain=EXPLAIN,
        previous=previous,
        previous_rationale=previous_rationale,
        data=data,
        sources=sources,
        feedback=feedback,
        feedback_analysts=counted,
        groups=groups,
    )


def render_sheet(context: SheetContext, server: dict[str, Any] | None = None) -> str:
    """The sheet as one HTML document. With ``server`` (the live workshop server's
    settings: nonce, saveUrl, csrf, locked, resultsUrl), the sheet saves every entry to the
    server instead of the browser's storage."""
    from ..render.html import environment

    template = environment().get_template("sheet.html")
    if server is None:
        return template.render(ctx=context)
    return template.render(ctx=context, server=server)
