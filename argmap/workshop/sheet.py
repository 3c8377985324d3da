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
from dataclasses import dataclass
from typing import Any

from .. import __version__
from ..casewriter import yaml_quoted
from ..model import Case
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
    "RATIONALE_LIMIT",
    "SheetContext",
    "render_sheet",
    "sheet_context",
    "sheet_digest",
]

EXPLAIN = tuple(r.code for r in VOCABULARY if r.strong)
"""Ratings the sheet asks a reason for, as the strongest claims in the matrix."""
RATIONALE_LIMIT = 2000


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


def sheet_context(
    case: Case, analyst: str, round_number: int, files: Sequence[AnalystRatings] = ()
) -> SheetContext:
    """The sheet for ``analyst`` in round ``round_number``; ``files`` are the case's ratings
    files, of which only this analyst's earlier rounds are used."""
    name = " ".join(analyst.split())
    key = analyst_key(name)
    digest = sheet_digest(case)
    seed = f"{key}\0{digest}"
    leaves = {h.id: h for h in case.leaves}
    items = case.evidence_by_id
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
        )
        for n, eid in enumerate(_shuffled(list(items), "evidence\0" + seed), start=1)
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
        "labels": {r.code: r.label for r in VOCABULARY},
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
