"""Several analysts' ratings of one matrix, as arrays: consensus and disagreement.

Votes sit in one int8 array, analysts × evidence × leaf hypotheses, on the 1–5 scale of
Open Synthesis (II=1 … CC=5), with NA=6, DK=7 (don't know) and 0 for no vote. Every
per-cell figure is computed on whole arrays, so a workshop of many analysts over a large
matrix costs a few passes over that array. The rules (docs/workshops.md):

- **Disagreement** of a cell: the larger of (1) the sample standard deviation of its
  ratings on the 1–5 scale and (2) the sample standard deviation of applicability, each
  vote counting 0 for NA and 1 for a rating — so NA is a vote of its own. DK and missing
  cells are not votes. A cell with fewer than two votes has no band.
- **Bands**: below 0.5 consensus, below 1.5 mild, below 2.0 large, else extreme; decided
  in exact integer arithmetic, so a standard deviation of exactly 0.5 is mild.
- **Consensus**: NA when NA votes outnumber ratings; otherwise the mean rating, rounded
  to the nearest point, halves towards N.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt

from ..model import Case
from ..problems import ArgmapError
from ..ratingsfile import (
    AnalystRatings,
    RoundChange,
    analyst_key,
    analyst_views,
    anonymous_labels,
    round_changes,
)
from ..scoring import PARC_WEIGHT, diagnosticity
from ..vocabulary import DONT_KNOW, NOT_APPLICABLE, SCALE_CODES, VOCABULARY

__all__ = [
    "BAND_NAMES",
    "CODE_VOTE",
    "DK",
    "NO_BAND",
    "VOTE_CODE",
    "Analyst",
    "Workshop",
    "analyst_case",
    "build_workshop",
    "case_with_ratings",
    "consensus_case",
    "item_weights",
]

VOTE_CODE: dict[str, int] = VOCABULARY.votes
"""Code → Open Synthesis vote number: II=1 … CC=5 on the scale, NA=6, DK=7 (0: no vote)."""
CODE_VOTE: dict[int, str] = {code: vote for vote, code in VOTE_CODE.items()} | {0: ""}
NA, DK = VOTE_CODE[NOT_APPLICABLE], VOTE_CODE[DONT_KNOW]
NEUTRAL = VOTE_CODE[VOCABULARY.neutral.code]
LOWEST, HIGHEST = VOTE_CODE[SCALE_CODES[0]], VOTE_CODE[SCALE_CODES[-1]]
"""The ends of the rating scale as vote numbers (1 and 5)."""
BAND_NAMES = ("consensus", "mild", "large", "extreme")
BAND_LIMITS = (0.5, 1.5, 2.0)
"""Upper limits (exclusive) of the standard deviation for the first three bands."""
_LIMITS_SQUARED_TIMES_4 = tuple(round(4 * limit * limit) for limit in BAND_LIMITS)  # 1, 9, 16
NO_BAND = -1

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Analyst:
    name: str
    key: str
    label: str
    """A, B, C… — how reports name the analyst unless names are asked for."""
    round: int
    """The analyst's latest round taken into account."""


def _band(numerator: IntArray, denominator: IntArray) -> IntArray:
    """Band index of variance = numerator / denominator (denominator > 0), exactly."""
    scaled = 4 * numerator
    band = np.zeros(numerator.shape, dtype=np.int64)
    for limit in _LIMITS_SQUARED_TIMES_4:
        band += scaled >= limit * denominator
    return band


@dataclass(frozen=True)
class Workshop:
    """The analysts' votes on a case's matrix at one round."""

    evidence_ids: tuple[str, ...]
    leaf_ids: tuple[str, ...]
    analysts: tuple[Analyst, ...]
    """In label order: A, B, C…"""
    votes: npt.NDArray[np.int8]
    """analysts × evidence × leaves: II=1 … CC=5, NA=6, DK=7, 0 for no vote."""
    rationale: tuple[Mapping[str, Mapping[str, str]], ...]
    """Per analyst: evidence id → hypothesis id → rationale."""
    round: int
    """The round shown: the latest any analyst reached (at most the one asked for)."""
    changes: tuple[RoundChange, ...]
    """Cells rated differently from one round to the next, up to ``round``."""
    labels: Mapping[str, str]
    """Analyst key → label, for every analyst in any round."""

    # --- counts -------------------------------------------------------------------------

    @cached_property
    def _rated(self) -> npt.NDArray[np.bool_]:
        return (self.votes >= LOWEST) & (self.votes <= HIGHEST)

    @cached_property
    def rated_count(self) -> IntArray:
        """Per cell: votes on the 1–5 scale."""
        return self._rated.sum(axis=0, dtype=np.int64)

    @cached_property
    def na_count(self) -> IntArray:
        return (self.votes == NA).sum(axis=0, dtype=np.int64)

    @cached_property
    def dont_know_count(self) -> IntArray:
        return (self.votes == DK).sum(axis=0, dtype=np.int64)

    @cached_property
    def vote_count(self) -> IntArray:
        """Per cell: votes that count, ratings and NA (DK and missing cells do not)."""
        return self.rated_count + self.na_count

    @cached_property
    def _sums(self) -> tuple[IntArray, IntArray]:
        values = np.where(self._rated, self.votes, 0).astype(np.int64)
        return values.sum(axis=0), (values * values).sum(axis=0)

    # --- disagreement ------------------------------------------------------------------

    @cached_property
    def _rating_variance(self) -> tuple[IntArray, IntArray]:
        """Sample variance of the ratings as numerator / denominator (integers)."""
        n = self.rated_count
        total, squares = self._sums
        numerator = np.where(n >= 2, n * squares - total * total, 0)
        denominator = np.where(n >= 2, n * (n - 1), 1)
        return numerator, denominator

    @cached_property
    def _applicability_variance(self) -> tuple[IntArray, IntArray]:
        """Sample variance of the 0 (NA) / 1 (rated) applicability votes, likewise."""
        votes = self.vote_count
        numerator = np.where(votes >= 2, self.na_count * self.rated_count, 0)
        denominator = np.where(votes >= 2, votes * (votes - 1), 1)
        return numerator, denominator

    @cached_property
    def disagreement(self) -> npt.NDArray[np.float64]:
        """Per cell: the larger of the two sample standard deviations (0 below two votes)."""
        rating = np.sqrt(np.divide(*self._rating_variance))
        applicability = np.sqrt(np.divide(*self._applicability_variance))
        return np.maximum(rating, applicability)

    @cached_property
    def band(self) -> IntArray:
        """Per cell: 0 consensus, 1 mild, 2 large, 3 extreme; −1 with fewer than two votes."""
        band = np.maximum(_band(*self._rating_variance), _band(*self._applicability_variance))
        return np.where(self.vote_count >= 2, band, NO_BAND)

    # --- consensus ---------------------------------------------------------------------

    @cached_property
    def consensus(self) -> npt.NDArray[np.int8]:
        """Per cell: the consensus vote code (1–5, NA=6), 0 where nobody rated the cell."""
        n = self.rated_count
        total, _ = self._sums
        # Twice n times the mean's distance from N, in integers: 2·Σ − 6n.
        offset = 2 * total - 2 * NEUTRAL * n
        safe_n = np.maximum(n, 1)
        # Round |mean − 3| to the nearest point, halves down: ceil((|offset| − n) / 2n).
        steps = -((n - np.abs(offset)) // (2 * safe_n))
        rating = NEUTRAL + np.sign(offset) * np.maximum(steps, 0)
        result = np.where(n > 0, rating, 0)
        result = np.where(self.na_count > n, NA, result)
        return result.astype(np.int8)

    def consensus_ratings(self) -> dict[str, dict[str, str]]:
        """Evidence id → hypothesis id → consensus rating, for the cells that have one."""
        return _as_ratings(self.consensus, self.evidence_ids, self.leaf_ids)

    def ratings_of(self, index: int) -> dict[str, dict[str, str]]:
        """An analyst's ratings, DK and missing cells left out (they count as unrated)."""
        votes = np.where(self.votes[index] == DK, 0, self.votes[index])
        return _as_ratings(votes, self.evidence_ids, self.leaf_ids)

    # --- what to discuss first ---------------------------------------------------------

    def item_diagnosticity(self, weight: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """Per item: PARC diagnosticity as the analysts rated it, the mean over those who
        rated the item on the scale (each analyst's own spread × the item's weight)."""
        points = np.where(self._rated, self.votes.astype(float) - NEUTRAL, np.nan)
        per_analyst = np.stack([diagnosticity(p, weight) for p in points]) if len(points) else None
        if per_analyst is None:
            return np.zeros(len(self.evidence_ids))
        counted = self._rated.any(axis=2)
        total = np.where(counted, per_analyst, 0.0).sum(axis=0)
        return total / np.maximum(counted.sum(axis=0), 1)

    def agenda(self, weight: npt.NDArray[np.float64]) -> list[tuple[int, int, float]]:
        """Disputed cells (mild or worse), most disputed × most diagnostic first:
        (row, column, priority), ties by disagreement, then matrix order."""
        priority = self.disagreement * self.item_diagnosticity(weight)[:, None]
        rows, columns = np.nonzero(self.band >= 1)
        order = np.lexsort(
            (columns, rows, -self.disagreement[rows, columns], -priority[rows, columns])
        )
        return [
            (int(rows[k]), int(columns[k]), float(priority[rows[k], columns[k]])) for k in order
        ]

    def find(self, name: str) -> int:
        """The index of the analyst called ``name`` (or labelled so: 'B')."""
        key = analyst_key(name)
        for index, analyst in enumerate(self.analysts):
            if analyst.key == key:
                return index
        for index, analyst in enumerate(self.analysts):
            if analyst.label == name.strip():
                return index
        names = [a.name for a in self.analysts]
        by_key = {a.key: a.name for a in self.analysts}
        close = difflib.get_close_matches(key, list(by_key), n=1)
        hint = f"did you mean '{by_key[close[0]]}'? " if close else ""
        raise ArgmapError(
            f"no ratings by analyst '{name}' in this case; {hint}"
            f"the analysts are: {', '.join(sorted(names, key=str.casefold))}"
        )


def _as_ratings(
    codes: npt.NDArray[np.integer], evidence_ids: Sequence[str], leaf_ids: Sequence[str]
) -> dict[str, dict[str, str]]:
    result: dict[str, dict[str, str]] = {}
    for i, j in zip(*np.nonzero(codes), strict=True):
        result.setdefault(evidence_ids[i], {})[leaf_ids[j]] = CODE_VOTE[int(codes[i, j])]
    return result


def build_workshop(
    case: Case, files: Sequence[AnalystRatings], up_to_round: int | None = None
) -> Workshop:
    """The analysts' votes on ``case``: each analyst's latest round up to ``up_to_round``."""
    if not files:
        raise ArgmapError(
            "no analysts' ratings in this case: ratings files go in evidence/ratings/ "
            "(see docs/workshops.md; `argmap workshop sheet` makes a rating sheet)"
        )
    labels = anonymous_labels((f.key for f in files), case.title)
    views = sorted(analyst_views(files, up_to_round), key=lambda v: _label_order(labels[v.key]))
    if not views:
        first = min(f.round for f in files)
        raise ArgmapError(
            f"no analyst has rated round {up_to_round} or earlier (the first is {first})"
        )
    evidence_ids = tuple(e.id for e in case.evidence)
    leaf_ids = tuple(h.id for h in case.leaves)
    row = {eid: i for i, eid in enumerate(evidence_ids)}
    column = {hid: j for j, hid in enumerate(leaf_ids)}
    votes = np.zeros((len(views), len(evidence_ids), len(leaf_ids)), dtype=np.int8)
    for a, view in enumerate(views):
        for eid, cells in view.ratings.items():
            i = row[eid]
            for hid, vote in cells.items():
                votes[a, i, column[hid]] = VOTE_CODE[vote]
    shown_round = max(view.round for view in views)
    changes = tuple(c for c in round_changes(files) if c.to_round <= shown_round)
    return Workshop(
        evidence_ids=evidence_ids,
        leaf_ids=leaf_ids,
        analysts=tuple(Analyst(v.analyst, v.key, labels[v.key], v.round) for v in views),
        votes=votes,
        rationale=tuple(v.rationale for v in views),
        round=shown_round,
        changes=changes,
        labels=labels,
    )


def _label_order(label: str) -> tuple[int, str]:
    return (len(label), label)


def case_with_ratings(
    case: Case,
    ratings: Mapping[str, Mapping[str, str]],
    rationale: Mapping[str, Mapping[str, str]] | None = None,
) -> Case:
    """The case with its ratings (and rationale) replaced: what scoring sees for an
    analyst or the consensus. Cells missing from ``ratings`` are unrated."""
    rationale = rationale or {}
    evidence = tuple(
        item.model_copy(
            update={
                "ratings": dict(ratings.get(item.id, {})),
                "rationale": dict(rationale.get(item.id, {})),
            }
        )
        for item in case.evidence
    )
    return dataclasses.replace(case, evidence=evidence)


def analyst_case(case: Case, workshop: Workshop, index: int) -> Case:
    """The case as one analyst rated it (their DK cells unrated)."""
    return case_with_ratings(case, workshop.ratings_of(index), workshop.rationale[index])


def consensus_case(case: Case, workshop: Workshop) -> Case:
    """The case with the consensus ratings."""
    return case_with_ratings(case, workshop.consensus_ratings())


def item_weights(case: Case) -> npt.NDArray[np.float64]:
    """PARC weight (credibility × relevance) per item, in case order."""
    return np.array(
        [PARC_WEIGHT[e.credibility] * PARC_WEIGHT[e.relevance] for e in case.evidence],
        dtype=float,
    )
