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
- **Dispute**: a cell mild or worse, unless its only disagreement is one analyst a single
  step from all the others (a *notch*; with two to four votes that alone reaches mild).
- **Agenda**: every dispute, by band × the item's diagnosticity as the analysts rated it ×
  2 when re-rating the consensus cell to some analyst's rating changes the consensus leader.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt

from ..assess import weighing_input
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
from ..weighing import NEUTRAL as NEUTRAL_CODE
from ..weighing import TIE, Weighing, WeighingInput, top_mask

__all__ = [
    "BAND_LIMITS",
    "BAND_NAMES",
    "CODE_VOTE",
    "DK",
    "KINDS",
    "NO_BAND",
    "PIVOTAL_WEIGHT",
    "VOTE_CODE",
    "Analyst",
    "RoundSpread",
    "Workshop",
    "analyst_case",
    "build_workshop",
    "case_with_ratings",
    "consensus_case",
    "consensus_weighing",
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
PIVOTAL_WEIGHT = 2.0
"""The agenda's factor for a cell whose re-rating to some analyst's rating would change the
consensus leader: resolving it could change the group's answer."""

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
class RoundSpread:
    """How far the analysts were apart after one round."""

    round: int
    analysts: int
    counts: Mapping[str, int]
    """Cells per kind: 'consensus', 'notch', 'mild', 'large', 'extreme', 'few' (see
    :meth:`Workshop.kind_counts`)."""
    mean_spread: float
    """Mean disagreement (standard deviation) over the cells with two votes or more."""


KINDS = ("consensus", "notch", "mild", "large", "extreme", "few")
"""What a cell's votes say, for counts and the heatmap: Open Synthesis's bands, with the
mild cells that are only one analyst a step off (a notch, no dispute) apart."""


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
    earlier: tuple[RoundSpread, ...] = ()
    """The spread after each earlier round (round 1 first), when ``round`` is 2 or more."""

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

    @cached_property
    def notch(self) -> npt.NDArray[np.bool_]:
        """Per cell: mild, and the only disagreement is one analyst a single step of the
        scale from all the others, who agree (no NA among the votes). With two to four votes
        that alone makes the standard deviation 0.5 or more (mild); it is no dispute."""
        rated = self._rated
        high = np.where(rated, self.votes, 0).max(axis=0, initial=0).astype(np.int64)
        low = np.where(rated, self.votes, HIGHEST + 1).min(axis=0, initial=HIGHEST + 1)
        at_high = (rated & (self.votes == high)).sum(axis=0)
        at_low = (rated & (self.votes == low)).sum(axis=0)
        return (
            (self.band == 1)
            & (self.na_count == 0)
            & (high - low == 1)
            & ((at_high == 1) | (at_low == 1))
        )

    @cached_property
    def disputed(self) -> npt.NDArray[np.bool_]:
        """Per cell: mild or worse, and more than one analyst a notch off."""
        return (self.band >= 1) & ~self.notch

    @cached_property
    def kind(self) -> npt.NDArray[np.int64]:
        """Per cell: its index in :data:`KINDS`."""
        kind = np.where(self.band >= 1, self.band + 1, 0)
        kind = np.where(self.notch, KINDS.index("notch"), kind)
        return np.where(self.band == NO_BAND, KINDS.index("few"), kind)

    def kind_counts(self) -> dict[str, int]:
        """Cells of each kind, in :data:`KINDS` order."""
        counts = np.bincount(self.kind.ravel(), minlength=len(KINDS))
        return {name: int(counts[k]) for k, name in enumerate(KINDS)}

    def spread(self) -> RoundSpread:
        """This round's counts and mean spread."""
        voted = self.vote_count >= 2
        mean = float(self.disagreement[voted].mean()) if voted.any() else 0.0
        return RoundSpread(self.round, len(self.analysts), self.kind_counts(), mean)

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
        rated the item on the scale (each analyst's own spread × the item's weight). NA
        counts as N here, as in Open Synthesis's diagnosticity: an analyst who rates an item
        against one hypothesis and NA against the rest says it separates that one."""
        points = np.where(
            self._rated,
            self.votes.astype(float) - NEUTRAL,
            np.where(self.votes == NA, 0.0, np.nan),
        )
        per_analyst = np.stack([diagnosticity(p, weight) for p in points]) if len(points) else None
        if per_analyst is None:
            return np.zeros(len(self.evidence_ids))
        counted = self._rated.any(axis=2)
        total = np.where(counted, per_analyst, 0.0).sum(axis=0)
        return total / np.maximum(counted.sum(axis=0), 1)

    def pivotal(self, data: WeighingInput) -> npt.NDArray[np.bool_]:
        """Per cell: re-rating the consensus cell to some analyst's rating changes the
        consensus leader (the hypotheses with the highest posterior). ``data`` is the
        consensus case as the weighing sees it (:func:`consensus_weighing`).

        One cell moves one hypothesis's log-posterior by the item's share of the change in
        its log-likelihood, so every analyst's alternative for every cell is one lookup
        into the weighing's table: analysts × items × hypotheses at once."""
        shape = self.votes.shape[1:]
        if not self.votes.size or not shape[1]:
            return np.zeros(shape, dtype=bool)
        log_posterior = Weighing(data).log_posterior()
        rated = self._rated
        # The weighing's codes are the scale's steps (vote − 1); NA, DK and no vote stay N.
        alternative = np.where(rated, self.votes.astype(np.int64) - LOWEST, NEUTRAL_CODE)
        rows = np.arange(shape[0])[None, :, None]
        credibility = data.credibility.astype(np.int64)[None, :, None]
        relevance = data.relevance.astype(np.int64)[None, :, None]
        moved = data.row_table[rows, alternative, credibility, relevance]
        delta = data.discount[None, :, None] * (moved - data.log_likelihood[None])
        new = log_posterior[None, None, :] + delta
        top = top_mask(log_posterior)
        best = float(log_posterior.max())
        tolerance = TIE * max(1.0, abs(best))
        if int(top.sum()) == len(top):
            # Every hypothesis level: any move of any cell breaks the tie.
            changes = np.abs(delta) > tolerance
        else:
            others = np.where(top, -np.inf, log_posterior)
            runner_up = float(others.max())
            if int(top.sum()) == 1:
                # The leader falls to (or below) the runner-up; another reaches the leader.
                changes = np.where(top, new <= runner_up + tolerance, new >= best - tolerance)
            else:
                # A tie at the top is broken by any move of a tied leader.
                changes = np.where(top, np.abs(delta) > tolerance, new >= best - tolerance)
        return np.asarray((changes & rated).any(axis=0), dtype=bool)

    def agenda(
        self, weight: npt.NDArray[np.float64], pivotal: npt.NDArray[np.bool_] | None = None
    ) -> list[tuple[int, int, float]]:
        """Every disputed cell, what resolving it could change first: (row, column,
        priority), priority = band (mild 1, large 2, extreme 3) × the item's diagnosticity
        as the analysts rated it × PIVOTAL_WEIGHT where ``pivotal``; ties by disagreement,
        then matrix order."""
        leverage = np.where(pivotal, PIVOTAL_WEIGHT, 1.0) if pivotal is not None else 1.0
        priority = self.band * self.item_diagnosticity(weight)[:, None] * leverage
        rows, columns = np.nonzero(self.disputed)
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
    rounds = sorted({f.round for f in files if f.round < shown_round})
    earlier = tuple(build_workshop(case, files, number).spread() for number in rounds)
    return Workshop(
        evidence_ids=evidence_ids,
        leaf_ids=leaf_ids,
        analysts=tuple(Analyst(v.analyst, v.key, labels[v.key], v.round) for v in views),
        votes=votes,
        rationale=tuple(v.rationale for v in views),
        round=shown_round,
        changes=changes,
        labels=labels,
        earlier=earlier,
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


def consensus_weighing(case: Case, workshop: Workshop) -> WeighingInput:
    """The consensus case as the weighing sees it: what :meth:`Workshop.pivotal` needs."""
    return weighing_input(consensus_case(case, workshop))


def item_weights(case: Case) -> npt.NDArray[np.float64]:
    """PARC weight (credibility × relevance) per item, in case order."""
    return np.array(
        [PARC_WEIGHT[e.credibility] * PARC_WEIGHT[e.relevance] for e in case.evidence],
        dtype=float,
    )
