"""Scenarios: named, systematic reinterpretations of the evidence, and the key assumptions
check.

A scenario is the case's weighing input with some rows removed or some cells set: the
ones a case declares under `scenarios:`, and the ones argmap makes (interested parties'
claims read as neutral; without each originator; without each source; only
high-credibility items; without each assumption and what rests on it; suspected deception
set aside). Each is weighed afresh; the conclusion survives it when the same hypotheses
lead. PARC scores are never touched: a scenario is a reading of the weighing only.
See docs/weighing.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .model import Case, Evidence, Scenario, Statement
from .text import slugify
from .weighing import CODE, LEVEL, Weighing, WeighingInput, top_mask

__all__ = [
    "MAX_PER_KIND",
    "AssumptionCheck",
    "Reading",
    "ScenarioResult",
    "Scenarios",
    "assumption_closure",
    "ranking",
    "scenarios_json",
    "weigh_scenarios",
]

MAX_PER_KIND = 10
"""Generated scenarios per kind (originators, sources, assumptions): the most weighty ones."""

BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Reading:
    """A scenario as changes to the weighing input."""

    id: str
    title: str
    description: str | None
    generated: bool
    remove: BoolArray
    """Per item: left out."""
    set_codes: npt.NDArray[np.int8]
    """Per cell: the rating code it takes, or −1 where it stays."""

    def apply(self, data: WeighingInput) -> WeighingInput:
        changed = self.set_codes >= 0
        if changed.any():
            data = data.replace(
                codes=np.where(changed, self.set_codes, data.codes).astype(np.int8),
                fixed=data.fixed & ~changed,
            )
        return data.without(self.remove) if self.remove.any() else data


@dataclass(frozen=True)
class ScenarioResult:
    """One scenario weighed."""

    id: str
    title: str
    description: str | None
    generated: bool
    posterior: npt.NDArray[np.float64]
    """P(H|E) per leaf under the scenario."""
    leaders: tuple[str, ...]
    """The leaves on top (several on a tie)."""
    survives: bool
    """The same leaves lead as in the case as it stands."""
    removed: int
    """Items left out."""
    changed: int
    """Cells given another rating."""


@dataclass(frozen=True)
class AssumptionCheck:
    """One key assumption: what would break it, and the ranking if it fails."""

    id: str
    text: str
    breaks_if: str | None
    items: tuple[str, ...]
    """Evidence items that fall with it (itself, if an item, and those resting on it)."""
    arguments: tuple[str, ...]
    """Arguments that rest on it, directly or through other arguments."""
    result: ScenarioResult
    """The weighing without it and what rests on it."""


@dataclass(frozen=True)
class Scenarios:
    """Every scenario of a case, weighed, with the key assumptions check."""

    results: tuple[ScenarioResult, ...]
    assumptions: tuple[AssumptionCheck, ...]
    left_out: dict[str, int]
    """Per kind of generated scenario: how many were not tried (beyond MAX_PER_KIND)."""

    @property
    def held(self) -> int:
        return sum(r.survives for r in self.results)


def assumption_closure(case: Case, assumption: str) -> tuple[set[str], set[str]]:
    """The evidence items and arguments that fall with an assumption: arguments with it
    among their premises, directly or through other arguments; items that name it (or a
    fallen assumption item) in `rests_on`; the assumption itself when it is an item."""
    items: set[str] = {assumption} if assumption in case.evidence_by_id else set()
    arguments: set[str] = set()
    fallen = {assumption}
    changed = True
    while changed:
        changed = False
        for a in case.arguments:
            if a.id not in arguments and fallen.intersection(a.premises):
                arguments.add(a.id)
                fallen.add(a.id)
                changed = True
        for e in case.evidence:
            if e.id not in items and fallen.intersection(e.rests_on):
                items.add(e.id)
                fallen.add(e.id)
                changed = True
    return items, arguments


def _mask(case: Case, ids: set[str]) -> BoolArray:
    return np.array([e.id in ids for e in case.evidence], dtype=bool)


def _declared(case: Case, scenario: Scenario, data: WeighingInput) -> Reading:
    n_items, n_leaves = data.codes.shape
    remove = np.zeros(n_items, dtype=bool)
    set_codes = np.full((n_items, n_leaves), -1, dtype=np.int8)
    column = {hid: j for j, hid in enumerate(data.leaf_ids)}
    for change in scenario.changes:
        rows = np.array([change.items.matches(case, e) for e in case.evidence], dtype=bool)
        if change.remove:
            remove |= rows
        elif change.rate is not None:
            # NA and unrated cells stay: the item does not bear on those hypotheses.
            cells = rows[:, None] & ~data.fixed
            set_codes[cells] = CODE[change.rate]
        for hid, rating in change.ratings.items():
            if hid in column:
                set_codes[rows, column[hid]] = CODE[rating]
    return Reading(scenario.id, scenario.title, scenario.description, False, remove, set_codes)


def _weightiest(
    groups: dict[str, set[str]], weight: dict[str, float], kind: str, left_out: dict[str, int]
) -> list[str]:
    """The keys whose items weigh most, at most MAX_PER_KIND, in a stable order."""
    ranked = sorted(groups, key=lambda k: (-sum(weight[i] for i in groups[k]), k))
    if len(ranked) > MAX_PER_KIND:
        left_out[kind] = len(ranked) - MAX_PER_KIND
    return ranked[:MAX_PER_KIND]


def _generated(
    case: Case, weighing: Weighing, left_out: dict[str, int]
) -> tuple[list[Reading], list[tuple[Evidence | Statement, set[str], set[str], Reading]]]:
    data = weighing.data
    n_items, n_leaves = data.codes.shape
    nothing = np.zeros(n_items, dtype=bool)
    unset = np.full((n_items, n_leaves), -1, dtype=np.int8)
    weight = dict(zip(data.evidence_ids, weighing.likelihood_diagnosticity.tolist(), strict=True))
    readings: list[Reading] = []

    def removal(rid: str, title: str, description: str, ids: set[str]) -> Reading:
        return Reading(rid, title, description, True, _mask(case, ids), unset)

    interested = {
        e.id
        for e in case.evidence
        if e.kind == "claim" and any(o.interest for o in case.originators_of(e))
    }
    if interested:
        rows = _mask(case, interested)
        set_codes = unset.copy()
        set_codes[rows[:, None] & ~data.fixed] = CODE["N"]
        readings.append(
            Reading(
                "interested-claims-neutral",
                "Interested parties' claims read as neutral",
                f"Every claim by an originator with a stated interest ({_items(len(interested))}) "
                "rated N against every hypothesis.",
                True,
                nothing,
                set_codes,
            )
        )
    by_originator: dict[str, set[str]] = {}
    names: dict[str, str] = {}
    for e in case.evidence:
        for name in case.originator_names(e):
            entry = case.originator_named(name)
            key = entry.id if entry else name
            names[key] = entry.name if entry else name
            by_originator.setdefault(key, set()).add(e.id)
    used: set[str] = set()
    for key in _weightiest(by_originator, weight, "originators", left_out):
        slug = base = slugify(key, "originator", keep_slugs=True)
        while slug in used:
            slug = f"{base}-{len(used)}"
        used.add(slug)
        readings.append(
            removal(
                f"without-originator:{slug}",
                f"Without {names[key]}",
                f"The {_items(len(by_originator[key]))} from {names[key]} left out.",
                by_originator[key],
            )
        )
    by_source: dict[str, set[str]] = {}
    for e in case.evidence:
        if e.source:
            by_source.setdefault(e.source, set()).add(e.id)
    for key in _weightiest(by_source, weight, "sources", left_out):
        title = case.source_by_id[key].title
        readings.append(
            removal(
                f"without-source:{key}",
                f"Without the source ‘{title}’",
                f"The {_items(len(by_source[key]))} quoted from it left out.",
                by_source[key],
            )
        )
    not_high = {e.id for e in case.evidence if LEVEL[e.credibility] != LEVEL["high"]}
    if not_high and len(not_high) < len(case.evidence):
        readings.append(
            removal(
                "high-credibility-only",
                "Only high-credibility items",
                f"The {_items(len(not_high))} of medium or low credibility left out.",
                not_high,
            )
        )
    deceptive = {e.id for e in case.evidence if e.deceptive == "suspected"}
    if deceptive:
        readings.append(
            removal(
                "deception-set-aside",
                "Items suspected of deception set aside",
                f"The {_items(len(deceptive))} marked 'deceptive: suspected' left out.",
                deceptive,
            )
        )
    closures = {a.id: assumption_closure(case, a.id) for a in case.assumptions}
    falling = {aid: items for aid, (items, _) in closures.items() if items}
    tried = set(_weightiest(falling, weight, "assumptions", left_out))
    checks = []
    for a in case.assumptions:
        items, arguments = closures[a.id]
        text = a.summary if isinstance(a, Evidence) else a.text
        reading = removal(
            f"without-assumption:{a.id}",
            f"Without the assumption ‘{_short(text)}’",
            f"The assumption fails: it and what rests on it ({_items(len(items))}) left out.",
            items,
        )
        if a.id in tried:
            readings.append(reading)
        checks.append((a, items, arguments, reading))
    return readings, checks


def _items(count: int) -> str:
    return f"{count:,} item{'s' if count != 1 else ''}"


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _weigh(weighing: Weighing, reading: Reading) -> ScenarioResult:
    data = reading.apply(weighing.data)
    log_post = weighing.log_posterior(data)
    top = top_mask(log_post)
    posterior = np.exp(log_post - log_post.max())
    posterior /= posterior.sum()
    leaders = tuple(h for h, on in zip(data.leaf_ids, top, strict=True) if on)
    return ScenarioResult(
        reading.id,
        reading.title,
        reading.description,
        reading.generated,
        posterior,
        leaders,
        survives=bool((top == weighing.top).all()),
        removed=int(reading.remove.sum()),
        changed=int(((reading.set_codes >= 0) & (reading.set_codes != weighing.data.codes)).sum()),
    )


def weigh_scenarios(case: Case, weighing: Weighing) -> Scenarios:
    """Every declared and generated scenario of ``case``, weighed with ``weighing``'s
    settings; and every assumption with the ranking when it fails."""
    if not len(weighing.data.leaf_ids):
        return Scenarios((), (), {})
    left_out: dict[str, int] = {}
    declared = [_declared(case, s, weighing.data) for s in case.scenarios]
    generated, checks = _generated(case, weighing, left_out)
    results = tuple(_weigh(weighing, r) for r in [*declared, *generated])
    by_id = {r.id: r for r in results}
    assumptions = tuple(
        AssumptionCheck(
            a.id,
            a.summary if isinstance(a, Evidence) else a.text,
            a.breaks_if,
            tuple(e.id for e in case.evidence if e.id in items),
            tuple(x.id for x in case.arguments if x.id in arguments),
            by_id.get(reading.id) or _weigh(weighing, reading),
        )
        for a, items, arguments, reading in checks
    )
    return Scenarios(results, assumptions, left_out)


def ranking(result: ScenarioResult, leaf_ids: Sequence[str]) -> list[tuple[str, float]]:
    """The leaves by posterior under a scenario, highest first (ties in case order)."""
    order = np.argsort(-result.posterior, kind="stable")
    return [(leaf_ids[j], float(result.posterior[j])) for j in order]


def _result_json(result: ScenarioResult, leaf_ids: Sequence[str]) -> dict[str, object]:
    return {
        "id": result.id,
        "title": result.title,
        "description": result.description,
        "generated": result.generated,
        "leader": list(result.leaders),
        "survives": result.survives,
        "removed": result.removed,
        "changed": result.changed,
        "ranking": [{"id": hid, "posterior": p} for hid, p in ranking(result, leaf_ids)],
    }


def scenarios_json(scenarios: Scenarios, leaf_ids: Sequence[str]) -> dict[str, object]:
    """The `scenarios`, `scenarios_not_tried` and `assumptions` parts of `score`'s JSON."""
    return {
        "scenarios": [_result_json(r, leaf_ids) for r in scenarios.results],
        "scenarios_not_tried": dict(sorted(scenarios.left_out.items())),
        "assumptions": [
            {
                "id": a.id,
                "text": a.text,
                "breaks_if": a.breaks_if,
                "items": list(a.items),
                "arguments": list(a.arguments),
                "scenario": _result_json(a.result, leaf_ids),
            }
            for a in scenarios.assumptions
        ],
    }
