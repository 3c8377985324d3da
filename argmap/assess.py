"""The assessment of a case: PARC scores and the weighing, joined into one result.

This is what `argmap score` prints and what the report shows: ranks and
inconsistency, posteriors with their intervals and estimative terms, what the
conclusion hinges on, and the confidence it deserves, with reasons.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from .model import Case, is_catch_all
from .priors import leaf_priors
from .scoring import Matrix, Scores, score_case, significant
from .weighing import (
    DEFAULT_DRAWS,
    DEFAULT_SEED,
    LEVEL,
    NEUTRAL,
    MonteCarlo,
    Sensitivity,
    Weighing,
    WeighingInput,
    estimative_term,
)

__all__ = [
    "Assessment",
    "assess",
    "assessment_json",
    "weighing_input",
]


def weighing_input(
    case: Case, likelihoods: Mapping[str, float] | None = None, matrix: Matrix | None = None
) -> WeighingInput:
    """The case as arrays for :class:`~argmap.weighing.Weighing` (from its PARC matrix)."""
    matrix = matrix or Matrix.from_case(case)
    leaves = matrix.hypothesis_ids
    # Points −2 … 2 are steps II=0 … CC=4, counted up from neutral; NA and unrated stay N.
    fixed = np.isnan(matrix.points)
    codes = np.where(fixed, NEUTRAL, np.nan_to_num(matrix.points) + NEUTRAL).astype(np.int8)
    roots = [h.id for h, depth in case.hypotheses_in_order if depth == 0]
    priors, problems = leaf_priors(roots, case.children, {h.id: h.prior for h in case.hypotheses})
    if problems:  # the loader refuses such cases; guard against direct use
        raise ValueError(problems[0].message)
    if likelihoods is None:
        likelihoods = case.scoring.merged_likelihoods() if case.scoring else None
    extra = {"likelihoods": dict(likelihoods)} if likelihoods else {}
    return WeighingInput(
        leaf_ids=leaves,
        evidence_ids=tuple(e.id for e in case.evidence),
        codes=codes,
        fixed=fixed,
        credibility=np.array([LEVEL[e.credibility] for e in case.evidence], dtype=np.int8),
        relevance=np.array([LEVEL[e.relevance] for e in case.evidence], dtype=np.int8),
        dependence_group=tuple(e.group or e.originator for e in case.evidence),
        deceptive=np.array([e.deceptive == "suspected" for e in case.evidence], dtype=bool),
        prior=np.array([priors[hid] for hid in leaves]),
        source=tuple(e.source for e in case.evidence),
        **extra,
    )


@dataclass(frozen=True)
class Confidence:
    level: str
    """low, moderate or high."""
    reasons: tuple[str, ...]


_ORDER = {"low": 0, "moderate": 1, "high": 2}


@dataclass
class Assessment:
    """Everything argmap concludes about a case."""

    case: Case
    scores: Scores
    weighing: Weighing
    monte_carlo: MonteCarlo

    @property
    def leaf_ids(self) -> tuple[str, ...]:
        return self.weighing.data.leaf_ids

    @cached_property
    def smallest_change(self) -> Sensitivity | None:
        return self.weighing.smallest_change()

    @cached_property
    def top_ids(self) -> list[str]:
        return self.weighing.top_ids

    @cached_property
    def neutral_cells(self) -> int:
        """NA and unrated cells, which take the N likelihood."""
        return int(self.weighing.data.fixed.sum())

    @cached_property
    def has_catch_all(self) -> bool:
        return any(is_catch_all(h.id, h.tags) for h in self.case.hypotheses)

    @cached_property
    def caveats(self) -> list[str]:
        notes = []
        if self.neutral_cells:
            notes.append(
                f"{self.neutral_cells} cell{'s' if self.neutral_cells != 1 else ''} rated NA "
                "or unrated take the neutral likelihood."
            )
        if self.case.hypotheses and not self.has_catch_all:
            notes.append(
                "No catch-all hypothesis ('other'): the posteriors assume one of the "
                "listed hypotheses is true."
            )
        sources = {e.source for e in self.case.evidence if e.source}
        if len(sources) == 1:
            notes.append(
                "Every quoted item comes from a single source: the matrix weighs one "
                "document's account, not independent reporting."
            )
        dependent = int((self.weighing.data.group_size > 1).sum())
        if dependent:
            notes.append(
                f"{dependent} items share an originator or group with others; each "
                "such item counts 1/k of its weight in the posteriors."
            )
        if self.weighing.data.deceptive.any():
            notes.append(
                f"{int(self.weighing.data.deceptive.sum())} item(s) are suspected of "
                "deception; results are shown with and without them."
            )
        return notes

    def sensitivity_sentence(self) -> str:
        """What the conclusion hinges on, in one sentence."""
        found = self.smallest_change
        names = {h.id: h.title for h in self.case.hypotheses}
        if found is None:
            return "No change of a few ratings would change the top hypothesis."
        # Consecutive steps on one cell read as one move of several steps.
        moves: list[list[str]] = []
        for c in found.changes:
            if moves and moves[-1][:2] == [c.evidence, c.hypothesis]:
                moves[-1][3] = c.after
                moves[-1][4] = str(int(moves[-1][4]) + 1)
            else:
                moves.append([c.evidence, c.hypothesis, c.before, c.after, "1"])
        parts = [
            f"{e} on {names[h]} from {before} to {after}" + (f", {n} steps" if n != "1" else "")
            for e, h, before, after, n in moves
        ]
        joined = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
        count = len(found.changes)
        outcome = (
            f"{names[found.challenger]} draws level with or overtakes it"
            if len(self.top_ids) == 1
            else "the tie at the top is broken"
        )
        return (
            f"The conclusion changes with {count} one-step rating change"
            f"{'s' if count != 1 else ''} — {joined} — after which {outcome}."
        )

    @cached_property
    def confidence(self) -> Confidence:
        """Low / moderate / high from the number, independence and credibility of the
        items that carry the result, and how robust it is; with the reasons."""
        w = self.weighing
        data = w.data
        posterior = w.posterior
        order = np.argsort(-posterior, kind="stable")
        reasons: list[str] = []
        level = "high"

        def cap(to: str, why: str) -> None:
            nonlocal level
            reasons.append(why)
            if _ORDER[to] < _ORDER[level]:
                level = to

        if len(order) < 2 or not len(data.evidence_ids):
            return Confidence("low", ("There is nothing to weigh.",))
        top, second = int(order[0]), int(order[1])
        ll = data.log_likelihood
        carrying = np.abs(ll[:, top] - ll[:, second]) > 1e-12
        effective = float(data.discount[carrying].sum())
        sources = {data.source[i] for i in np.flatnonzero(carrying) if data.source}
        sources.discard(None)
        high_cred = int((data.credibility[carrying] == LEVEL["high"]).sum())
        n = int(carrying.sum())
        names = {h.id: h.title for h in self.case.hypotheses}
        lead = (
            f"{n} item{'s' if n != 1 else ''} separate{'s' if n == 1 else ''} "
            f"{names[data.leaf_ids[top]]} from {names[data.leaf_ids[second]]}"
        )
        if n != round(effective):
            lead += f", worth {effective:.3g} independent items once dependent ones are discounted"
        if effective < 3:
            cap("low", lead + ": too few to carry a conclusion.")
        elif effective < 6:
            cap("moderate", lead + ".")
        else:
            reasons.append(lead + ".")
        p_top = float(self.monte_carlo.p_top[top])
        if p_top < 0.6:
            cap("low", f"It stays on top in only {p_top:.0%} of plausible re-ratings.")
        elif p_top < 0.85:
            cap("moderate", f"It stays on top in {p_top:.0%} of plausible re-ratings.")
        else:
            reasons.append(f"It stays on top in {p_top:.0%} of plausible re-ratings.")
        linchpins = [data.evidence_ids[i] for i in np.flatnonzero(w.linchpins)]
        if linchpins:
            cap(
                "moderate",
                f"Removing {', '.join(linchpins[:3])}"
                f"{' or others' if len(linchpins) > 3 else ''} alone changes the top.",
            )
        if high_cred * 2 < n:
            cap(
                "moderate",
                "None of those items is of high credibility."
                if high_cred == 0
                else f"Only {high_cred} of those items {'is' if high_cred == 1 else 'are'} "
                "of high credibility.",
            )
        all_sources = {s for s in data.source if s}
        if len(all_sources) <= 1:
            reliability = None
            if all_sources:
                source = self.case.source_by_id[next(iter(all_sources))]
                reliability = source.reliability
            if reliability in (None, "D", "E", "F"):
                cap(
                    "low",
                    "The case rests on a single source whose reliability "
                    + ("cannot be judged." if reliability in (None, "F") else "is poor."),
                )
            else:
                cap("moderate", "The case rests on a single source.")
        elif len(sources) >= 2:
            reasons.append(f"They come from {len(sources)} sources.")
        return Confidence(level, tuple(reasons))


def assess(
    case: Case,
    *,
    draws: int | None = None,
    seed: int | None = None,
    likelihoods: Mapping[str, float] | None = None,
) -> Assessment:
    """Score and weigh a validated case."""
    settings = case.scoring
    draws = draws or (settings.draws if settings and settings.draws else DEFAULT_DRAWS)
    if seed is None:
        seed = settings.seed if settings and settings.seed is not None else DEFAULT_SEED
    groups = {g.id: case.leaves_under(g.id) for g in case.groups}
    scores = score_case(case)
    weighing = Weighing(weighing_input(case, likelihoods, scores.matrix), groups)
    return Assessment(case, scores, weighing, weighing.monte_carlo(draws, seed))


def _r(value: float) -> float:
    return significant(float(value))


def assessment_json(a: Assessment) -> dict[str, object]:
    """The `argmap score --format json` document."""
    from .scoring import scores_json

    document: dict[str, Any] = scores_json(a.case, a.scores)
    w, mc = a.weighing, a.monte_carlo
    column = {hid: j for j, hid in enumerate(a.leaf_ids)}
    independent = w.independent_posterior
    without = w.without_deceptive
    for entry in document["hypotheses"]:
        j = column[entry["id"]]
        entry.update(
            {
                "prior": _r(w.data.prior[j]),
                "posterior": _r(w.posterior[j]),
                "estimate": estimative_term(float(w.posterior[j])),
                "p_top": _r(mc.p_top[j]),
                "interval": [_r(mc.low[j]), _r(mc.high[j])],
                "posterior_if_independent": _r(independent[j]),
            }
        )
        if without is not None:
            entry["posterior_without_deceptive"] = _r(without[j])
    group_posterior = w.group_posterior()
    for entry in document["groups"]:
        gid = entry["id"]
        entry.update(
            {
                "posterior": _r(group_posterior[gid]),
                "estimate": estimative_term(group_posterior[gid]),
                "p_top": _r(mc.group_p_top[gid]),
                "interval": [_r(mc.group_low[gid]), _r(mc.group_high[gid])],
            }
        )
    row = {eid: i for i, eid in enumerate(w.data.evidence_ids)}
    for entry in document["evidence"]:
        i = row[entry["id"]]
        entry.update(
            {
                "linchpin": bool(w.linchpins[i]),
                "likelihood_diagnosticity": _r(w.likelihood_diagnosticity[i]),
            }
        )
    changes = a.smallest_change
    document.update(
        {
            "top": a.top_ids,
            "confidence": {"level": a.confidence.level, "reasons": list(a.confidence.reasons)},
            "sensitivity": {
                "changes": [vars(c) for c in changes.changes] if changes else None,
                "challenger": changes.challenger if changes else None,
                "summary": a.sensitivity_sentence(),
            },
            "monte_carlo": {"draws": mc.draws, "seed": mc.seed},
            "caveats": a.caveats,
        }
    )
    return document
