"""The assessment of a case: PARC scores and the weighing, joined into one result.

This is what `argmap score` prints and what the report shows: ranks and
inconsistency, posteriors with their intervals and estimative terms, what the
conclusion hinges on, and the confidence it deserves, with reasons.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from .background import later
from .model import DEFAULT_RELIABILITY, Case, is_catch_all
from .priors import leaf_priors
from .scenarios import Scenarios, scenarios_json, weigh_scenarios
from .scoring import Matrix, Scores, score_case, significant
from .vocabulary import or_list
from .weighing import (
    DEFAULT_DRAWS,
    DEFAULT_SEED,
    LEVEL,
    NEUTRAL,
    MonteCarlo,
    Sensitivity,
    Weighing,
    WeighingInput,
)
from .wording import (
    NUMBER_WORDS,
    Headline,
    Node,
    OrderDisagreement,
    disagreements,
    estimative_words,
    figure,
    headline,
    on_top,
    whose_lead,
)

__all__ = [
    "Assessment",
    "assess",
    "assessment_json",
    "draws_in_background",
    "live_assessment",
    "reliability_factors",
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
        reliability=reliability_factors(case),
        **extra,
    )


def reliability_factors(case: Case) -> np.ndarray | None:
    """Per item, the factor of the weakest Admiralty grade that bears on it (its graded
    originators', else its source's); 1 for an ungraded item. None when no item is graded,
    so a case without grades weighs exactly as it did before grades counted."""
    table = case.scoring.merged_reliability() if case.scoring else dict(DEFAULT_RELIABILITY)
    factors = [
        min((table[g] for g in case.reliability_grades(e)), default=1.0) for e in case.evidence
    ]
    if all(f == 1.0 for f in factors):
        return None
    return np.array(factors, dtype=float)


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
    drawn: MonteCarlo | Callable[[], MonteCarlo]
    """The Monte Carlo, or a function that gives it while it is still being drawn
    (:func:`assess` with ``background``): read it as :attr:`monte_carlo`."""

    @cached_property
    def monte_carlo(self) -> MonteCarlo:
        return self.drawn if isinstance(self.drawn, MonteCarlo) else self.drawn()

    @property
    def leaf_ids(self) -> tuple[str, ...]:
        return self.weighing.data.leaf_ids

    @cached_property
    def plausible_changes(self) -> list[Sensitivity]:
        """The three smallest sets of one-step re-ratings that change the top."""
        return self.weighing.smallest_changes(3)

    @cached_property
    def smallest_change(self) -> Sensitivity | None:
        return self.plausible_changes[0] if self.plausible_changes else None

    @cached_property
    def scenarios(self) -> Scenarios:
        """The case's own and argmap's generated scenarios, and the key assumptions check."""
        return weigh_scenarios(self.case, self.weighing)

    @cached_property
    def top_ids(self) -> list[str]:
        return self.weighing.top_ids

    @cached_property
    def leaders(self) -> list[str]:
        """The leaves level at the top, the one more often on top in the re-ratings first
        (then in the case's order): who a sentence names as leading."""
        p_top = self.monte_carlo.p_top
        column = {hid: j for j, hid in enumerate(self.leaf_ids)}
        return sorted(self.top_ids, key=lambda hid: (-p_top[column[hid]], column[hid]))

    @property
    def lead_words(self) -> str:
        """Whose lead the scenarios test: "the lead of X" or "the shared top of X and Y"."""
        names = {h.id: h.title for h in self.case.hypotheses}
        return whose_lead([names[hid] for hid in self.leaders])

    def _leaders_named(self) -> str:
        names = {h.id: h.title for h in self.case.hypotheses}
        return or_list([names[hid] for hid in self.leaders], "and")

    @cached_property
    def nodes(self) -> dict[str, Node]:
        """Every hypothesis, leaf or group, with its posterior, interval and P(top)."""
        w, mc = self.weighing, self.monte_carlo
        groups = w.group_posterior()
        nodes = {}
        for j, hid in enumerate(self.leaf_ids):
            h = self.case.hypothesis_by_id[hid]
            nodes[hid] = Node(
                hid,
                h.title,
                float(w.posterior[j]),
                float(mc.low[j]),
                float(mc.high[j]),
                float(mc.p_top[j]),
            )
        for g in self.case.groups:
            nodes[g.id] = Node(
                g.id,
                g.title,
                groups[g.id],
                mc.group_low[g.id],
                mc.group_high[g.id],
                mc.group_p_top[g.id],
                tuple(self.case.children.get(g.id, ())),
            )
        return nodes

    def words(self, hid: str) -> str:
        """A hypothesis's 5–95% interval in ICD 203 words, as the confidence allows."""
        node = self.nodes[hid]
        return estimative_words(node.low, node.high, self.confidence.level)

    @cached_property
    def headline(self) -> Headline | None:
        """The most specific hypothesis the evidence can tell apart from its rivals."""
        roots = [h.id for h, depth in self.case.hypotheses_in_order if depth == 0]
        return headline(self.nodes, roots, self.confidence.level)

    @cached_property
    def disagreements(self) -> list[OrderDisagreement]:
        """Pairs that PARC ranks one way and the posterior the other, with the reason."""
        titles = {h.id: h.title for h in self.case.hypotheses}
        return disagreements(self.weighing, self.scores, titles, self.confidence.level)

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
                f"{self.neutral_cells:,} cell{'s' if self.neutral_cells != 1 else ''} rated NA "
                f"or unrated take{'s' if self.neutral_cells == 1 else ''} the neutral likelihood."
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
                f"{dependent:,} items share an originator or group with others: in the "
                "posteriors, the items of one originator or group weigh together as one."
            )
        if self.weighing.data.deceptive.any():
            suspected = int(self.weighing.data.deceptive.sum())
            notes.append(
                f"{suspected:,} item{' is' if suspected == 1 else 's are'} suspected of "
                "deception; results are shown with and without "
                f"{'it' if suspected == 1 else 'them'}."
            )
        return notes

    def sensitivity_sentence(self, found: Sensitivity | None = None) -> str:
        """What the conclusion hinges on, in one sentence: a set of one-step re-ratings in
        words (the smallest set unless ``found`` is given)."""
        found = found if found is not None else self.smallest_change
        names = {h.id: h.title for h in self.case.hypotheses}
        if found is None:
            return (
                "No plausible re-rating of a few cells (one step each) changes the top hypothesis."
            )
        summaries = {e.id: e.summary.rstrip(".") for e in self.case.evidence}
        parts = [
            f"‘{summaries[c.evidence]}’ from {c.before} to {c.after} against {names[c.hypothesis]}"
            for c in found.changes
        ]
        count = len(found.changes)
        number = NUMBER_WORDS.get(count, str(count))
        number = number[0].upper() + number[1:]
        what = f"{number} re-ratings, one step each," if count != 1 else "One re-rating by one step"
        outcome = (
            f"would put {names[found.challenger]} level with or ahead of {names[self.top_ids[0]]}"
            if len(self.top_ids) == 1
            else f"would break the tie at the top in favour of {names[found.challenger]}"
        )
        return f"{what} {outcome}: " + "; ".join(parts) + "."

    def scenario_sentence(self) -> str:
        """How the lead fares across the scenarios, naming those it fails ('' without any)."""
        results = self.scenarios.results
        if not results:
            return ""
        failed = [r.title.rstrip(".") for r in results if not r.survives]
        held = len(results) - len(failed)
        sentence = f"{self.lead_words[0].upper()}{self.lead_words[1:]} holds in {held} of "
        sentence += f"{len(results)} scenarios"
        if not failed:
            return sentence + "."
        shown = failed[:3] + ([f"{len(failed) - 3} more"] if len(failed) > 3 else [])
        return f"{sentence}, not in: {'; '.join(shown)}."

    def monte_carlo_note(self) -> str:
        """What the Monte Carlo is, and what it is not."""
        return (
            f"The intervals and 'on top in' shares come from {self.monte_carlo.draws:,} random "
            "re-ratings, each cell moved one step at random (7.5% each way) and each item's "
            "credibility and relevance one level (15%): noise on single cells, not a test of "
            "the reading. Systematic reinterpretations are the scenarios."
        )

    @cached_property
    def confidence(self) -> Confidence:
        """Low / moderate / high from the number, independence and credibility of the
        items that carry the result, and how robust it is; with the reasons."""
        w = self.weighing
        data = w.data
        posterior = w.posterior
        p_tops = self.monte_carlo.p_top
        # The leaders as sentences name them, then the rest by posterior (then P(top)).
        first = [self.leaf_ids.index(hid) for hid in self.leaders]
        order = first + sorted(
            (j for j in range(len(posterior)) if j not in first),
            key=lambda j: (-posterior[j], -p_tops[j], j),
        )
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
            f"{f'{n:,}' if n else 'No'} item{'s' if n > 1 else ''} separate{'s' if n <= 1 else ''} "
            f"{names[data.leaf_ids[top]]} from {names[data.leaf_ids[second]]}"
        )
        if n != round(effective):
            lead += (
                f", worth {figure(effective)} independent items once dependent ones are discounted"
            )
        if effective < 3:
            cap("low", lead + ": too few to carry a conclusion.")
        elif effective < 6:
            cap("moderate", lead + ".")
        else:
            reasons.append(lead + ".")
        p_top = float(p_tops[top])
        stays_at = len(reasons)

        def how_often(confidence: str) -> str:
            """Whose lead, and how often it is on top, as ``confidence`` allows."""
            of = "plausible re-ratings"
            shown = [
                on_top(float(p_tops[self.leaf_ids.index(hid)]), confidence, 0.85, of)
                for hid in self.leaders
            ]
            if len(self.leaders) == 1:
                return f"{names[self.leaders[0]]} stays on top {shown[0]}."
            rest = ", ".join(
                f"{names[hid]} {text.removesuffix(' of ' + of)}"
                for hid, text in zip(self.leaders[1:], shown[1:], strict=True)
            )
            return (
                f"{self._leaders_named()} share the top: {names[self.leaders[0]]} is on top "
                f"{shown[0]}, {rest}."
            )

        precise = "moderate"  # whole percent until the level is known
        if p_top < 0.6:
            cap("low", how_often(precise))
        elif p_top < 0.85:
            cap("moderate", how_often(precise))
        else:
            reasons.append(how_often(precise))
        summaries = [self.case.evidence[i].summary for i in np.flatnonzero(w.linchpins)]
        if summaries:
            more = len(summaries) - 3
            cap(
                "moderate",
                (
                    "Removing this item alone changes the top: "
                    if len(summaries) == 1
                    else "Removing any one of these items alone changes the top: "
                )
                + "; ".join(s.rstrip(".") for s in summaries[:3])
                + (f"; and {more:,} other{'s' if more != 1 else ''}" if more > 0 else "")
                + ".",
            )
        if high_cred * 2 < n:
            cap(
                "moderate",
                "None of those items is of high credibility."
                if high_cred == 0
                else f"Only {high_cred:,} of those items {'is' if high_cred == 1 else 'are'} "
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
            reasons.append(f"They come from {len(sources):,} sources.")
        scenario_reason = self.scenario_sentence()
        if scenario_reason:
            reasons.append(scenario_reason)
        if level == "low":  # no figure finer than the confidence allows
            reasons[stays_at] = how_often(level)
        return Confidence(level, tuple(reasons))


def assess(
    case: Case,
    *,
    draws: int | None = None,
    seed: int | None = None,
    likelihoods: Mapping[str, float] | None = None,
    scores: Scores | None = None,
    background: bool = False,
) -> Assessment:
    """Score and weigh a validated case (``scores``: its :func:`score_case`, when the
    caller has them already). With ``background``, the Monte Carlo is drawn in a forked
    process (:mod:`argmap.background`) while the caller goes on; what needs it waits for
    it, and gets the same draws. :func:`draws_in_background` says for which cases that
    pays."""
    settings = case.scoring
    draws = draws or (settings.draws if settings and settings.draws else DEFAULT_DRAWS)
    if seed is None:
        seed = settings.seed if settings and settings.seed is not None else DEFAULT_SEED
    groups = {g.id: case.leaves_under(g.id) for g in case.groups}
    scores = scores or score_case(case)
    weighing = Weighing(weighing_input(case, likelihoods, scores.matrix), groups)

    def draw() -> MonteCarlo:
        return weighing.monte_carlo(draws, seed)

    return Assessment(case, scores, weighing, later(draw) if background else draw())


BACKGROUND_CELLS = 50_000
"""Above this many matrix cells the report draws the Monte Carlo in a process of its own: at
20×1,000 it is as quick either way, at 100×10,000 it saves an eighth of the time."""


def draws_in_background(scores: Scores) -> bool:
    """Whether drawing this case's Monte Carlo in a forked process pays (:func:`assess`'s
    ``background``; a caller with threads of its own to start starts them after)."""
    matrix = scores.matrix
    return len(matrix.evidence_ids) * len(matrix.hypothesis_ids) > BACKGROUND_CELLS


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
                "estimate": a.words(entry["id"]),
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
                "estimate": a.words(gid),
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
                "alternatives": [
                    {
                        "changes": [vars(c) for c in other.changes],
                        "challenger": other.challenger,
                        "summary": a.sensitivity_sentence(other),
                    }
                    for other in a.plausible_changes[1:]
                ],
            },
            "monte_carlo": {
                "draws": mc.draws,
                "seed": mc.seed,
                "what": a.monte_carlo_note(),
            },
            **scenarios_json(a.scenarios, a.leaf_ids),
            "caveats": a.caveats,
            "headline": a.headline.as_json() if a.headline else None,
            "order_disagreements": [d.as_json() for d in a.disagreements],
        }
    )
    return document


@dataclass(frozen=True)
class LiveAssessment:
    """What an editor shows after every edit: PARC scores and ranks, the posteriors and
    each item's diagnosticity, without the Monte Carlo (its intervals and 'on top in' shares
    cost most of :func:`assess`'s time; the report and `argmap score` still give them)."""

    scores: Scores
    posterior: dict[str, float]
    """Leaf hypothesis → P(H|E)."""
    group_posterior: dict[str, float]

    @property
    def ranking(self) -> list[str]:
        """Leaf hypotheses, best PARC score first."""
        return [self.scores.matrix.hypothesis_ids[j] for j in self.scores.order]

    @property
    def diagnosticity(self) -> dict[str, float]:
        ids = self.scores.matrix.evidence_ids
        return {ids[i]: float(value) for i, value in enumerate(self.scores.diagnosticity)}


def live_assessment(case: Case) -> LiveAssessment:
    """PARC scores, ranks, posteriors and diagnosticity of a validated case, fast enough to
    run on every edit (the Monte Carlo left out)."""
    scores = score_case(case)
    groups = {g.id: case.leaves_under(g.id) for g in case.groups}
    weighing = Weighing(weighing_input(case, matrix=scores.matrix), groups)
    posterior = dict(zip(scores.matrix.hypothesis_ids, map(float, weighing.posterior), strict=True))
    return LiveAssessment(scores, posterior, weighing.group_posterior())
