"""The report's workshop section: disagreement heatmap, rankings side by side, the
discussion agenda and the changes between rounds, as one typed :class:`WorkshopView`.

Analysts appear as A, B, C… (stable across rounds) unless names are asked for.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..assess import weighing_input
from ..ratingsfile import VOTE_NAMES
from ..scoring import Scores, score_case
from ..vocabulary import DONT_KNOW, UNRATED_NAME, UNRATED_SYMBOL, VOCABULARY
from ..weighing import Weighing
from ..wording import disagreements
from .aggregate import (
    BAND_LIMITS,
    CODE_VOTE,
    DK,
    KINDS,
    PIVOTAL_WEIGHT,
    Workshop,
    analyst_case,
    consensus_case,
    consensus_weighing,
)
from .aggregate import item_weights as _item_weights

if TYPE_CHECKING:
    from ..assess import Assessment
    from ..model import Case

__all__ = ["BAND_LABELS", "BAND_MARKS", "WorkshopView", "ordinal", "workshop_view"]

HEATMAP_MAX_ROWS = 300
"""The heatmap shows at most this many items, the most disputed first."""
AGENDA_UNFOLDED = 25
"""The agenda holds every dispute; a page with its script shows the first this many and a
button for the rest (printouts and pages without script show them all)."""

VOTE_SYMBOLS = {r.code: r.symbol for r in VOCABULARY} | {"": UNRATED_SYMBOL}
"""As in the matrix, DK's '?' (don't know, an answer) included; an analyst who gave no
answer shows as an unrated cell."""
VOTE_NAMES_SHOWN = VOTE_NAMES | {"": UNRATED_NAME}
"""Each vote in words, no answer ('') as an unrated cell."""
BAND_MARKS = {
    "consensus": "=",
    "notch": "∼",
    "mild": "≈",
    "large": "≠",
    "extreme": "≠≠",
    "few": "–",
}
"""A mark per kind of cell (:data:`~.aggregate.KINDS`), so the heatmap never relies on
colour alone."""
BAND_LABELS = {
    "consensus": "consensus",
    "notch": "one analyst a notch off",
    "mild": "mild dispute",
    "large": "large dispute",
    "extreme": "extreme dispute",
    "few": "fewer than two votes",
}
_SD = "standard deviation"
BAND_RULES = {
    "consensus": f"{_SD} below {BAND_LIMITS[0]}",
    "notch": f"{_SD} {BAND_LIMITS[0]} or more, but only one analyst a step from the others:"
    " no dispute",
    "mild": f"{_SD} below {BAND_LIMITS[1]}",
    "large": f"{_SD} below {BAND_LIMITS[2]}",
    "extreme": f"{_SD} {BAND_LIMITS[2]} or more",
    "few": "one vote or none",
}
"""What puts a cell in each kind, from the limits the aggregate uses."""


@dataclass(frozen=True)
class AnalystRow:
    label: str
    """A, B, C… or the name with --names."""
    round: int
    """The analyst's latest round shown."""
    answered: int
    """Cells the analyst answered, don't know included."""
    dont_know: int


@dataclass(frozen=True)
class Vote:
    analyst: str
    """The analyst's label (or name)."""
    rating: str
    """CC … II, NA, DK, or '' for no answer."""
    symbol: str
    name: str
    rationale: str | None


@dataclass(frozen=True)
class HeatCell:
    hypothesis: str
    band: str
    """consensus, notch, mild, large, extreme or few (:data:`~.aggregate.KINDS`)."""
    band_label: str
    mark: str
    disagreement: float
    """The larger of the rating and the applicability standard deviations."""
    consensus: str
    """The consensus vote (CC … II, NA) or '' when there is none."""
    consensus_symbol: str
    consensus_name: str
    """The consensus in words ('very consistent'), or 'none'."""
    votes: tuple[Vote, ...]


@dataclass(frozen=True)
class HeatRow:
    id: str
    summary: str
    cells: tuple[HeatCell, ...]


@dataclass(frozen=True)
class Standing:
    """A hypothesis's place in one set of ratings."""

    rank: int
    """PARC rank: 1 = least weighted inconsistency."""
    posterior: float
    is_top: bool
    """Highest posterior in this set of ratings."""


@dataclass(frozen=True)
class RankingNote:
    """Why, under one set of ratings, the highest posterior is not PARC's first."""

    column: str
    """'Case', 'Consensus' or the analyst's label (or name)."""
    sentence: str


@dataclass(frozen=True)
class RankingRow:
    id: str
    title: str
    case: Standing
    """With the case's own ratings."""
    consensus: Standing
    analysts: tuple[Standing, ...]
    """Per analyst, in the order of ``WorkshopView.analysts``."""


@dataclass(frozen=True)
class AnswerRow:
    """One hypothesis in the summary's comparison of the consensus with the case's ratings."""

    id: str
    title: str
    case_place: int
    """Place by posterior with the case's own ratings (1 = highest; ties share a place)."""
    case_posterior: float
    consensus_place: int
    """Place by posterior with the analysts' consensus ratings."""
    consensus_posterior: float

    @property
    def case_place_words(self) -> str:
        return ordinal(self.case_place)

    @property
    def consensus_place_words(self) -> str:
        return ordinal(self.consensus_place)


@dataclass(frozen=True)
class GroupAnswer:
    """The group's answer for the top of the report: the consensus beside the case's own."""

    rows: tuple[AnswerRow, ...]
    """Leaves by consensus place, then case place, then matrix order."""
    consensus_first: tuple[AnswerRow, ...]
    """The hypotheses the consensus puts first (several when tied)."""
    case_first: tuple[AnswerRow, ...]
    """The hypotheses the case's own ratings put first."""
    agree: bool
    """Both put the same hypotheses first."""
    moved: tuple[AnswerRow, ...]
    """Hypotheses whose place differs, largest move first."""
    disputes: int
    """Disputed cells (the agenda's length)."""
    extreme: int
    large: int
    pivotal: int
    """Disputed cells whose re-rating could change the consensus leader."""


_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth")


def ordinal(place: int) -> str:
    """A place in words: 'first' … 'ninth', then '10th', '21st', '112th'.

    >>> ordinal(1), ordinal(3), ordinal(11), ordinal(22)
    ('first', 'third', '11th', '22nd')
    """
    if 1 <= place <= len(_ORDINALS):
        return _ORDINALS[place - 1]
    suffix = (
        "th" if place % 100 in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(place % 10, "th")
    )
    return f"{place}{suffix}"


def _places(posterior: list[float]) -> list[int]:
    """1 + how many hypotheses have a clearly higher posterior: ties share a place."""
    return [1 + sum(other > p + 1e-9 for other in posterior) for p in posterior]


@dataclass(frozen=True)
class AgendaItem:
    evidence: str
    summary: str
    hypothesis: str
    hypothesis_title: str
    band: str
    band_label: str
    mark: str
    disagreement: float
    diagnosticity: float
    """The item's diagnosticity as the analysts rated it (their mean)."""
    pivotal: bool
    """Re-rating the consensus cell to some analyst's rating changes the consensus leader."""
    priority: float
    """band × diagnosticity (× PIVOTAL_WEIGHT when pivotal): the agenda's order."""
    consensus: str
    consensus_symbol: str
    consensus_name: str
    votes: tuple[Vote, ...]


@dataclass(frozen=True)
class ChangeRow:
    analyst: str
    evidence: str
    summary: str
    hypothesis_title: str
    before: str
    after: str
    before_symbol: str
    after_symbol: str
    before_name: str
    after_name: str
    from_round: int
    to_round: int
    why: str | None


@dataclass(frozen=True)
class RoundColumn:
    """The spread of the analysts' ratings after one round."""

    round: int
    analysts: int
    counts: dict[str, int]
    """Cells per kind (:data:`~.aggregate.KINDS`)."""
    disputes: int
    """Cells mild, large or extreme, notches left out."""
    mean_spread: float
    """Mean standard deviation over the cells with two votes or more."""


@dataclass(frozen=True)
class BandCount:
    band: str
    label: str
    mark: str
    count: int
    rule: str
    """What puts a cell in this kind, in words."""


@dataclass(frozen=True)
class WorkshopView:
    """What templates/_workshop.html receives (as ``ctx.workshop``)."""

    names_shown: bool
    """True with `argmap report --names`; otherwise analysts are A, B, C…"""
    round: int
    analysts: tuple[AnalystRow, ...]
    columns: tuple[tuple[str, str], ...]
    """(id, title) of the leaf hypotheses, in matrix order."""
    heatmap: tuple[HeatRow, ...]
    """Items, most disputed first; at most HEATMAP_MAX_ROWS."""
    items_total: int
    band_counts: tuple[BandCount, ...]
    rankings: tuple[RankingRow, ...]
    """Leaves in consensus rank order."""
    ranking_notes: tuple[RankingNote, ...]
    """Per column whose highest posterior is not PARC's #1: why."""
    agenda: tuple[AgendaItem, ...]
    """Every disputed cell, in the order to discuss them."""
    agenda_unfolded: int
    """How many agenda items a page with its script shows before 'show all'."""
    pivotal_weight: float
    changes: tuple[ChangeRow, ...]
    marks: dict[str, str]
    band_labels: dict[str, str]
    answer: GroupAnswer
    """The consensus beside the case's own ratings, for the report's summary."""
    rounds: tuple[RoundColumn, ...]
    """The spread after each round, round 1 first; empty before a second round."""
    dont_know_name: str = VOCABULARY[DONT_KNOW].name
    """How the report says an analyst's DK: in words ("don't know"), from the vocabulary."""


def _standings(case: Case) -> tuple[list[Standing], Weighing, Scores]:
    """PARC rank and posterior of each leaf, scored by the same code as the case."""
    scores = score_case(case)
    groups = {g.id: case.leaves_under(g.id) for g in case.groups}
    weighing = Weighing(weighing_input(case), groups)
    posterior = weighing.posterior
    best = posterior.max() if len(posterior) else 0.0
    standings = [
        Standing(scores.rank[j], float(posterior[j]), bool(posterior[j] >= best - 1e-12))
        for j in range(len(scores.rank))
    ]
    return standings, weighing, scores


def _top_note(
    column: str, standings: list[Standing], weighing: Weighing, scores: Scores, case: Case
) -> RankingNote | None:
    """Why the highest posterior (▲) in a column is not PARC's #1, when it is not."""
    if any(s.is_top and s.rank == 1 for s in standings):
        return None
    titles = {h.id: h.title for h in case.hypotheses}
    ids = weighing.data.leaf_ids
    top = {ids[j] for j, s in enumerate(standings) if s.is_top}
    first = {ids[j] for j, s in enumerate(standings) if s.rank == 1}
    for pair in disagreements(weighing, scores, titles):
        if pair.posterior_first in top and pair.parc_first in first:
            return RankingNote(column, pair.sentence)
    return None


def workshop_view(
    assessment: Assessment, workshop: Workshop, *, names: bool = False
) -> WorkshopView:
    """The report's workshop section for an assessed case and its analysts' votes."""
    case = assessment.case
    leaf_ids = workshop.leaf_ids
    titles = {h.id: h.title for h in case.hypotheses}
    shown = [a.name if names else a.label for a in workshop.analysts]
    shown_by_key = {
        key: next((a.name for a in workshop.analysts if a.key == key), label) if names else label
        for key, label in workshop.labels.items()
    }

    def votes_at(i: int, j: int) -> tuple[Vote, ...]:
        eid, hid = workshop.evidence_ids[i], leaf_ids[j]
        result = []
        for a, label in enumerate(shown):
            rating = CODE_VOTE[int(workshop.votes[a, i, j])]
            result.append(
                Vote(
                    analyst=label,
                    rating=rating,
                    symbol=VOTE_SYMBOLS[rating],
                    name=VOTE_NAMES_SHOWN[rating],
                    rationale=workshop.rationale[a].get(eid, {}).get(hid),
                )
            )
        return tuple(result)

    band, spread, consensus = workshop.band, workshop.disagreement, workshop.consensus
    kind = workshop.kind

    def cell(i: int, j: int) -> HeatCell:
        key = KINDS[int(kind[i, j])]
        vote = CODE_VOTE[int(consensus[i, j])]
        return HeatCell(
            hypothesis=leaf_ids[j],
            band=key,
            band_label=BAND_LABELS[key],
            mark=BAND_MARKS[key],
            disagreement=float(spread[i, j]),
            consensus=vote,
            consensus_symbol=VOTE_SYMBOLS[vote],
            consensus_name=VOTE_NAMES.get(vote, "none"),
            votes=votes_at(i, j),
        )

    disputed = workshop.disputed
    rows_order = (
        np.lexsort(
            (
                np.arange(len(workshop.evidence_ids)),
                -spread.max(axis=1),
                -disputed.sum(axis=1),
                -np.where(disputed, band, 0).max(axis=1),
            )
        )
        if spread.size
        else np.arange(len(workshop.evidence_ids))
    )
    summaries = {e.id: e.summary for e in case.evidence}
    row = {eid: i for i, eid in enumerate(workshop.evidence_ids)}
    column = {hid: j for j, hid in enumerate(leaf_ids)}
    heatmap = tuple(
        HeatRow(
            id=workshop.evidence_ids[i],
            summary=summaries[workshop.evidence_ids[i]],
            cells=tuple(cell(int(i), j) for j in range(len(leaf_ids))),
        )
        for i in rows_order[:HEATMAP_MAX_ROWS]
    )
    counts = workshop.kind_counts()
    band_counts = tuple(
        BandCount(key, BAND_LABELS[key], BAND_MARKS[key], counts[key], BAND_RULES[key])
        for key in KINDS
    )

    weights = _item_weights(case)
    item_diagnosticity = workshop.item_diagnosticity(weights)
    pivotal = workshop.pivotal(consensus_weighing(case, workshop))
    agenda = []
    for i, j, priority in workshop.agenda(weights, pivotal):
        heat = cell(i, j)
        agenda.append(
            AgendaItem(
                evidence=workshop.evidence_ids[i],
                summary=summaries[workshop.evidence_ids[i]],
                hypothesis=leaf_ids[j],
                hypothesis_title=titles[leaf_ids[j]],
                band=heat.band,
                band_label=heat.band_label,
                mark=heat.mark,
                disagreement=heat.disagreement,
                diagnosticity=float(item_diagnosticity[i]),
                pivotal=bool(pivotal[i, j]),
                priority=priority,
                consensus=heat.consensus,
                consensus_symbol=heat.consensus_symbol,
                consensus_name=heat.consensus_name,
                votes=heat.votes,
            )
        )

    case_standing = [
        Standing(
            assessment.scores.rank[j],
            float(assessment.weighing.posterior[j]),
            leaf_ids[j] in assessment.top_ids,
        )
        for j in range(len(leaf_ids))
    ]
    consensus_standing, consensus_weighing_, consensus_scores = _standings(
        consensus_case(case, workshop)
    )
    notes = [
        _top_note("Case", case_standing, assessment.weighing, assessment.scores, case),
        _top_note("Consensus", consensus_standing, consensus_weighing_, consensus_scores, case),
    ]
    analyst_standing = []
    for a in range(len(workshop.analysts)):
        standing, weighing, scores = _standings(analyst_case(case, workshop, a))
        analyst_standing.append(standing)
        notes.append(_top_note(shown[a], standing, weighing, scores, case))
    rankings = tuple(
        RankingRow(
            id=leaf_ids[j],
            title=titles[leaf_ids[j]],
            case=case_standing[j],
            consensus=consensus_standing[j],
            analysts=tuple(standing[j] for standing in analyst_standing),
        )
        for j in sorted(
            range(len(leaf_ids)),
            key=lambda j: (consensus_standing[j].rank, -consensus_standing[j].posterior, j),
        )
    )

    case_places = _places([s.posterior for s in case_standing])
    consensus_places = _places([s.posterior for s in consensus_standing])
    answer_rows = [
        AnswerRow(
            id=leaf_ids[j],
            title=titles[leaf_ids[j]],
            case_place=case_places[j],
            case_posterior=case_standing[j].posterior,
            consensus_place=consensus_places[j],
            consensus_posterior=consensus_standing[j].posterior,
        )
        for j in range(len(leaf_ids))
    ]
    by_consensus = sorted(
        range(len(leaf_ids)), key=lambda j: (consensus_places[j], case_places[j], j)
    )
    consensus_first = tuple(answer_rows[j] for j in by_consensus if consensus_places[j] == 1)
    case_first = tuple(
        answer_rows[j]
        for j in sorted(range(len(leaf_ids)), key=lambda j: (case_places[j], j))
        if case_places[j] == 1
    )
    moved = sorted(
        (r for r in answer_rows if r.case_place != r.consensus_place),
        key=lambda r: (-abs(r.case_place - r.consensus_place), r.consensus_place, r.title),
    )
    answer = GroupAnswer(
        rows=tuple(answer_rows[j] for j in by_consensus),
        consensus_first=consensus_first,
        case_first=case_first,
        agree={r.id for r in consensus_first} == {r.id for r in case_first},
        moved=tuple(moved),
        disputes=len(agenda),
        extreme=sum(a.band == "extreme" for a in agenda),
        large=sum(a.band == "large" for a in agenda),
        pivotal=sum(a.pivotal for a in agenda),
    )

    disputed_kinds = ("mild", "large", "extreme")
    rounds = tuple(
        RoundColumn(
            round=spread_.round,
            analysts=spread_.analysts,
            counts=dict(spread_.counts),
            disputes=sum(spread_.counts[k] for k in disputed_kinds),
            mean_spread=spread_.mean_spread,
        )
        for spread_ in (*workshop.earlier, workshop.spread())
    )

    answered = (workshop.votes > 0).sum(axis=(1, 2))
    dont_know = (workshop.votes == DK).sum(axis=(1, 2))
    analysts = tuple(
        AnalystRow(shown[a], workshop.analysts[a].round, int(answered[a]), int(dont_know[a]))
        for a in range(len(workshop.analysts))
    )
    changes = tuple(
        ChangeRow(
            analyst=shown_by_key[c.key],
            evidence=c.evidence,
            summary=summaries[c.evidence],
            hypothesis_title=titles[c.hypothesis],
            before=c.before,
            after=c.after,
            before_symbol=VOTE_SYMBOLS[c.before],
            after_symbol=VOTE_SYMBOLS[c.after],
            before_name=VOTE_NAMES[c.before],
            after_name=VOTE_NAMES[c.after],
            from_round=c.from_round,
            to_round=c.to_round,
            why=c.why,
        )
        for c in sorted(
            workshop.changes,
            key=lambda c: (c.to_round, shown_by_key[c.key], row[c.evidence], column[c.hypothesis]),
        )
    )
    return WorkshopView(
        names_shown=names,
        round=workshop.round,
        analysts=analysts,
        columns=tuple((hid, titles[hid]) for hid in leaf_ids),
        heatmap=heatmap,
        items_total=len(workshop.evidence_ids),
        band_counts=band_counts,
        rankings=rankings,
        agenda=tuple(agenda),
        agenda_unfolded=AGENDA_UNFOLDED,
        pivotal_weight=PIVOTAL_WEIGHT,
        changes=changes,
        marks=dict(BAND_MARKS),
        band_labels=dict(BAND_LABELS),
        answer=answer,
        ranking_notes=tuple(note for note in notes if note is not None),
        rounds=rounds if len(rounds) > 1 else (),
    )
