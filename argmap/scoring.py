"""ACH scores, PARC ACH 2.0 compatible, computed on arrays.

Cell score: I = −1, II = −2, every other rating (and an unrated cell) 0.
Weight of an item: credibility × relevance, low = 1/√2, medium = 1, high = √2.
Rank 1 is the weighted inconsistency closest to zero; scores within 1e-9 share a
rank (1, 1, 3) and are listed by id. Diagnosticity is the spread (max − min) of an
item's ratings on the scale CC=2 … II=−2, times its weight, NA and unrated left out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt

from .model import Case
from .vocabulary import VOCABULARY

__all__ = [
    "PARC_WEIGHT",
    "TIE_TOLERANCE",
    "Matrix",
    "Scores",
    "competition_ranks",
    "diagnosticity",
    "score_case",
    "scores_json",
    "significant",
]

TIE_TOLERANCE = 1e-9
PARC_WEIGHT = {"low": 1 / math.sqrt(2), "medium": 1.0, "high": math.sqrt(2)}
POINTS = {r.code: float(r.points) for r in VOCABULARY if r.points is not None}
"""The five-point scale; NA and unrated cells have no point value (NaN)."""


@dataclass(frozen=True)
class Matrix:
    """The rating matrix as arrays: rows are evidence items, columns leaf hypotheses."""

    evidence_ids: tuple[str, ...]
    hypothesis_ids: tuple[str, ...]
    points: npt.NDArray[np.float64]
    """Five-point value per cell; NaN for NA and unrated cells."""
    rated: npt.NDArray[np.bool_]
    """True where the cell has any rating, NA included."""
    weight: npt.NDArray[np.float64]
    """PARC weight per item (credibility × relevance)."""

    @classmethod
    def from_case(cls, case: Case) -> Matrix:
        leaves = tuple(h.id for h in case.leaves)
        column = {hid: j for j, hid in enumerate(leaves)}
        shape = (len(case.evidence), len(leaves))
        points = np.full(shape, np.nan)
        rated = np.zeros(shape, dtype=bool)
        for i, item in enumerate(case.evidence):
            for hid, rating in item.ratings.items():
                j = column[hid]
                rated[i, j] = True
                if rating in POINTS:
                    points[i, j] = POINTS[rating]
        weight = np.array(
            [PARC_WEIGHT[e.credibility] * PARC_WEIGHT[e.relevance] for e in case.evidence],
            dtype=float,
        )
        return cls(tuple(e.id for e in case.evidence), leaves, points, rated, weight)

    @cached_property
    def cell_scores(self) -> npt.NDArray[np.float64]:
        """PARC cell scores: −1 for I, −2 for II, 0 otherwise."""
        return np.minimum(np.nan_to_num(self.points, nan=0.0), 0.0)


def competition_ranks(
    values: npt.NDArray[np.float64], ids: tuple[str, ...]
) -> tuple[list[int], list[int]]:
    """Order (best first, ties by id) and 1-based competition ranks, higher value better."""
    order = sorted(range(len(ids)), key=lambda j: (-values[j], ids[j]))
    ranks = [0] * len(ids)
    for position, j in enumerate(order):
        if position and values[order[position - 1]] - values[j] <= TIE_TOLERANCE:
            ranks[j] = ranks[order[position - 1]]
        else:
            ranks[j] = position + 1
    return order, ranks


@dataclass(frozen=True)
class Scores:
    """PARC scores of every leaf hypothesis and the diagnosticity of every item."""

    matrix: Matrix
    inconsistency: npt.NDArray[np.float64]
    weighted_inconsistency: npt.NDArray[np.float64]
    diagnosticity: npt.NDArray[np.float64]
    rank: list[int]
    """1-based rank per hypothesis column."""
    order: list[int]
    """Hypothesis columns, best first."""
    evidence_order: list[int]
    """Evidence rows, most diagnostic first, ties in file order."""

    def hypothesis(self, hid: str) -> int:
        return self.matrix.hypothesis_ids.index(hid)


def diagnosticity(
    points: npt.NDArray[np.float64], weight: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """Weighted spread of each row's five-point values, 0 for rows with no values."""
    has_value = ~np.isnan(points)
    high = np.where(has_value, points, -np.inf).max(axis=1, initial=-np.inf)
    low = np.where(has_value, points, np.inf).min(axis=1, initial=np.inf)
    spread = np.where(has_value.any(axis=1), high - low, 0.0)
    return spread * weight


def score_case(case: Case) -> Scores:
    """Score a validated case."""
    matrix = Matrix.from_case(case)
    cells = matrix.cell_scores
    inconsistency = cells.sum(axis=0)
    weighted = matrix.weight @ cells if len(matrix.weight) else np.zeros(cells.shape[1])
    order, rank = competition_ranks(weighted, matrix.hypothesis_ids)
    diag = diagnosticity(matrix.points, matrix.weight)
    evidence_order = np.argsort(-diag, kind="stable").tolist()
    return Scores(matrix, inconsistency, weighted, diag, rank, order, evidence_order)


def significant(value: float, digits: int = 6) -> float:
    """Round to ``digits`` significant digits, without a negative zero."""
    if value == 0 or not math.isfinite(value):
        return 0.0 if value == 0 else value
    return float(f"{value:.{digits}g}") + 0.0


def scores_json(case: Case, scores: Scores) -> dict[str, object]:
    """The `argmap score --format json` document."""
    hyp = case.hypothesis_by_id
    leaves = []
    for j in scores.order:
        hid = scores.matrix.hypothesis_ids[j]
        leaves.append(
            {
                "id": hid,
                "title": hyp[hid].title,
                "parent": hyp[hid].parent,
                "rank": scores.rank[j],
                "inconsistency": significant(float(scores.inconsistency[j])),
                "weighted_inconsistency": significant(float(scores.weighted_inconsistency[j])),
            }
        )
    groups = [
        {"id": g.id, "title": g.title, "children": list(case.children[g.id])} for g in case.groups
    ]
    evidence = [
        {
            "id": scores.matrix.evidence_ids[i],
            "diagnosticity": significant(float(scores.diagnosticity[i])),
        }
        for i in scores.evidence_order
    ]
    return {"hypotheses": leaves, "groups": groups, "evidence": evidence}
