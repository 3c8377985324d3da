"""Evaluating the argument map: grounded labels, argument weights and proof standards.

Every statement, argument, hypothesis and evidence item is labelled in, out or
undecided, with a one-sentence reason. The semantics are those of the Carneades
argument evaluation structure (carneades-4), read onto argmap's model, and reduce to
Dung's grounded labelling for arguments that attack and undercut one another:

- An **evidence item** or an **assumed statement** is in unless an argument that
  attacks it is in (out), or is undecided (undecided).
- An **argument** is out when an argument that undercuts or attacks it is in.
  Otherwise, once its undercutters are out and its premises are decided, it is in
  when its premises give it force under its weighing (linked: all hold; convergent:
  one holds; cumulative: one or more hold; factorized: none fails), and out when
  they do not. The weight it carries is its ``weight`` times the weighing's share.
- A **statement** that is not assumed, and a **hypothesis**, are established by the
  arguments for and against them under a proof standard. For a statement, the
  arguments against are those that attack it and those for a statement it is
  contrary to or contradicts; for a hypothesis, those that attack it or an ancestor,
  and those for any hypothesis it excludes (one neither above nor below it).
  It is out as soon as no argument for it can carry weight, or when it contradicts
  an assumed statement that is in; in as soon as an argument for it meets its
  standard when nothing can argue against it; otherwise it waits until every
  argument for and against is decided and is then in if it meets its standard.

Labels only ever go from undecided to in or out, each decided from labels already
decided, so the fixed point reached is the least one (the grounded labelling),
whatever the order of the files: what is left undecided depends on a cycle, or on
something that does. docs/evaluation.md gives the details and the defaults.

>>> meets("preponderance", 0.7, 0.5)
True
>>> meets("clear-and-convincing", 0.7, 0.5)
False
>>> strongest_standard(1.0, 0.2)
'beyond-reasonable-doubt'
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from .model import STANDARD_NAMES, STANDARDS, Argument, Case, Standard

__all__ = [
    "CREDIBILITY_WEIGHT",
    "DEFAULT_THRESHOLDS",
    "Evaluation",
    "Label",
    "Thresholds",
    "Verdict",
    "evaluate",
    "meets",
    "strongest_standard",
]

Label = Literal["in", "out", "undecided"]

CREDIBILITY_WEIGHT: dict[str, float] = {"high": 1.0, "medium": 1 / math.sqrt(2), "low": 0.5}
"""An evidence premise's credibility as an argument weight: PARC's factors over √2."""


@dataclass(frozen=True)
class Thresholds:
    """The thresholds of the two stricter proof standards (carneades-4's by default)."""

    min_pro: float = 0.5
    """Clear and convincing: the best argument for weighs more than this."""
    min_gap: float = 0.5
    """Clear and convincing: and more than the best argument against by more than this."""
    max_con: float = 0.3
    """Beyond reasonable doubt: and the best argument against weighs less than this."""


DEFAULT_THRESHOLDS = Thresholds()


def meets(
    standard: Standard, pro: float, con: float, thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> bool:
    """Whether the best weights for (``pro``) and against (``con``) meet ``standard``.

    Each standard includes the weaker ones: scintilla needs an argument for with
    some weight, preponderance that it outweigh the best against, clear and
    convincing that it also weigh more than ``min_pro`` and lead by more than
    ``min_gap``, beyond reasonable doubt that the best against also weigh less
    than ``max_con``.
    """
    if pro <= 0:
        return False
    if standard == "scintilla":
        return True
    if not pro > con:
        return False
    if standard == "preponderance":
        return True
    clear = pro > thresholds.min_pro and pro - con > thresholds.min_gap
    if standard == "clear-and-convincing":
        return clear
    return clear and con < thresholds.max_con


def strongest_standard(
    pro: float, con: float, thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> Standard | None:
    """The strictest standard that the weights meet, or None when they meet none."""
    met = [s for s in STANDARDS if meets(s, pro, con, thresholds)]
    return met[-1] if met else None


@dataclass(frozen=True)
class Verdict:
    """How a statement or hypothesis fares against the proof standards."""

    standard: Standard
    """The standard that decides its label (its own, else the case's)."""
    met: bool | None
    """Whether it meets that standard; None while undecided, or when it is assumed."""
    strongest: Standard | None
    """The strictest of the four standards its arguments meet; None if none, or not known."""
    best_pro: float
    """Weight of the best decided argument for it (0 if none)."""
    best_con: float
    """Weight of the best decided argument against it (0 if none)."""
    pro_argument: str | None
    """Id of that best argument for it."""
    con_argument: str | None
    """Id of that best argument against it."""
    why: str
    """One sentence: which standard it meets and why."""
    assumed: bool = False
    """An assumed statement: in unless attacked, no standard applies."""
    unopposed: bool = False
    """Met with nothing against it that carries weight: no argument against it, or every
    one out. The standard is met for want of opposition, not because the case for it is
    strong; the sentence says so."""


@dataclass(frozen=True)
class Evaluation:
    """The labelled argument map. Every mapping covers the nodes in the same order:
    hypotheses (as in the matrix), statements, evidence items, arguments."""

    labels: dict[str, Label]
    """Every node id → in, out or undecided."""
    reasons: dict[str, str]
    """Every node id → one sentence starting with its label ('out: attacked by x, …')."""
    weights: dict[str, float]
    """Every argument id → the weight it carries (0 while it is undecided)."""
    verdicts: dict[str, Verdict]
    """Every statement and hypothesis id → how it fares against the proof standards."""
    thresholds: Thresholds = field(default_factory=Thresholds)
    """The thresholds the verdicts used."""
    hypotheses: tuple[str, ...] = ()
    """The hypotheses' ids, in the order of ``verdicts``."""

    weighed: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Every statement and hypothesis id → the arguments whose weights its verdict reads:
    those for and against it (undercutters are not weighed, only labelled)."""

    def to_json(self) -> dict[str, dict]:
        """``{"labels": {id: label}, "reasons": {id: text}, "hypotheses": {id: verdict}}``,
        for `argmap evaluate`; a hypothesis's verdict has ``standard``, ``met``,
        ``strongest``, ``unopposed`` and ``why``."""
        hypotheses = {
            node: {
                "standard": verdict.standard,
                "met": verdict.met,
                "strongest": verdict.strongest,
                "unopposed": verdict.unopposed,
                "why": verdict.why,
            }
            for node, verdict in self.verdicts.items()
            if node in self.hypotheses
        }
        return {
            "labels": dict(self.labels),
            "reasons": dict(self.reasons),
            "hypotheses": hypotheses,
        }


def evaluate(case: Case, thresholds: Thresholds | None = None) -> Evaluation:
    """Label every node of the case's argument map and weigh its statements and hypotheses.

    ``thresholds`` overrides the case's `evaluation:` settings (and carneades-4's defaults).
    """
    settings = case.evaluation
    if thresholds is None:
        thresholds = (
            Thresholds(settings.min_pro, settings.min_gap, settings.max_con)
            if settings is not None
            else DEFAULT_THRESHOLDS
        )
    default: Standard = settings.standard if settings is not None else "preponderance"
    return _Evaluator(case, thresholds, default).run()


def _weight(value: float) -> str:
    """A weight for reasons: three significant digits, no trailing zeros."""
    return f"{value:.3g}"


def _unique(ids: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(ids))


def _chain(nodes: list[str]) -> str:
    """A path of node ids, shortened in the middle when long."""
    if len(nodes) <= 9:
        return " → ".join(nodes)
    return f"{' → '.join(nodes[:4])} → … → {' → '.join(nodes[-3:])}; {len(nodes) - 1} steps"


_Decision = tuple[Label, str]


class _Evaluator:
    """One evaluation: the map's relations, then labels decided until nothing changes."""

    def __init__(self, case: Case, thresholds: Thresholds, default: Standard):
        self.case = case
        self.thresholds = thresholds
        self.arguments = {a.id: a for a in case.arguments}
        self.statements = {s.id: s for s in case.statements}
        self.hypotheses = {h.id: h for h, _ in case.hypotheses_in_order}
        self.evidence = {e.id: e for e in case.evidence}
        self.standard: dict[str, Standard] = {
            h.id: h.standard or default for h in self.hypotheses.values()
        } | {s.id: s.standard or default for s in self.statements.values()}

        self.supports: dict[str, list[str]] = {}
        self.attacks: dict[str, list[str]] = {}
        self.undercuts: dict[str, list[str]] = {}
        table = {"supports": self.supports, "attacks": self.attacks, "undercuts": self.undercuts}
        for a in case.arguments:
            table[a.relation].setdefault(a.target, []).append(a.id)

        # Contrary and contradictory statements, both ways, in file order.
        contraries: dict[str, list[str]] = {s: [] for s in self.statements}
        self.contradicts: set[tuple[str, str]] = set()
        for s in case.statements:
            for other in (*s.contradicts, *s.contrary):
                if other in contraries and other != s.id:
                    contraries[s.id].append(other)
                    contraries[other].append(s.id)
            for other in s.contradicts:
                self.contradicts |= {(s.id, other), (other, s.id)}
        self.contraries = {s: _unique(c) for s, c in contraries.items()}
        self.assumed = {s.id for s in case.statements if s.assumed}

        # Arguments for and against each statement and hypothesis.
        self.pro: dict[str, list[str]] = {}
        self.con: dict[str, list[str]] = {}
        self.at_issue: dict[str, bool] = {}
        for sid in self.statements:
            self.pro[sid] = self._of(self.supports, [sid])
            self.con[sid] = self._of(self.attacks, [sid]) + self._of(
                self.supports, self.contraries[sid]
            )
            self.at_issue[sid] = bool(self.attacks.get(sid) or self.contraries[sid])
        for hid in self.hypotheses:
            above, below = self._ancestors(hid), self._descendants(hid)
            rivals = [r for r in self.hypotheses if r not in {hid, *above, *below}]
            self.pro[hid] = self._of(self.supports, [hid, *below])
            self.con[hid] = _unique(
                self._of(self.attacks, [hid, *above]) + self._of(self.supports, rivals)
            )
            self.at_issue[hid] = bool(self.con[hid] or rivals)

        self.base_weight = {a.id: self._base_weight(a) for a in case.arguments}
        self.question_premises = {a.id: self._question_premises(a) for a in case.arguments}

        self.order = [
            *self.hypotheses,
            *self.statements,
            *self.evidence,
            *self.arguments,
        ]
        self.labels: dict[str, Label | None] = dict.fromkeys(self.order)
        self.reasons: dict[str, str] = {}
        self.weights: dict[str, float] = {}

    # --- the map's structure ----------------------------------------------------------

    @staticmethod
    def _of(table: dict[str, list[str]], targets: Iterable[str]) -> list[str]:
        return _unique(a for t in targets for a in table.get(t, ()))

    def _ancestors(self, hid: str) -> list[str]:
        result = []
        parent = self.hypotheses[hid].parent
        while parent is not None:
            result.append(parent)
            parent = self.hypotheses[parent].parent
        return result

    def _descendants(self, hid: str) -> list[str]:
        result = []
        for kid in self.case.children.get(hid, ()):
            result += [kid, *self._descendants(kid)]
        return result

    def _base_weight(self, a: Argument) -> float:
        if a.weight is not None:
            return a.weight
        credibility = [
            CREDIBILITY_WEIGHT[self.evidence[p].credibility]
            for p in a.premises
            if p in self.evidence
        ]
        return min(credibility, default=1.0)

    def _question(self, a: Argument) -> list[str]:
        """The arguments for and against the question ``a`` speaks to, ``a`` included."""
        if a.target in self.pro:
            return self.pro[a.target] + self.con[a.target]
        return (
            self._of(self.supports, [a.target])
            + self._of(self.attacks, [a.target])
            + self._of(self.undercuts, [a.target])
        )

    def _question_premises(self, a: Argument) -> int:
        if a.weighing != "factorized":
            return 0
        return len({p for other in self._question(a) for p in self.arguments[other].premises})

    # --- deciding labels --------------------------------------------------------------

    def run(self) -> Evaluation:
        # A node can only be decided once something it depends on is: a worklist of nodes
        # to try, refilled with the dependents of each node decided.
        dependents: dict[str, list[str]] = {node: [] for node in self.order}
        for node in self.order:
            for source, _ in self._inputs(node):
                dependents[source].append(node)
        queue = deque(self.order)
        queued = set(self.order)
        while queue:
            node = queue.popleft()
            queued.discard(node)
            if self.labels[node] is not None:
                continue
            decision = self._decide(node)
            if decision is None:
                continue
            self.labels[node], self.reasons[node] = decision
            for dependent in dependents[node]:
                if self.labels[dependent] is None and dependent not in queued:
                    queue.append(dependent)
                    queued.add(dependent)
        self._undecided_reasons()
        labels: dict[str, Label] = {
            node: label if label is not None else "undecided" for node, label in self.labels.items()
        }
        weights = {aid: self.weights.get(aid, 0.0) for aid in self.arguments}
        verdicts = {node: self._verdict(node) for node in self.order if node in self.pro}
        return Evaluation(
            labels=labels,
            reasons={node: self.reasons[node] for node in self.order},
            weights=weights,
            verdicts=verdicts,
            thresholds=self.thresholds,
            hypotheses=tuple(self.hypotheses),
            weighed={node: tuple(_unique(self.pro[node] + self.con[node])) for node in verdicts},
        )

    def _decide(self, node: str) -> _Decision | None:
        if node in self.arguments:
            return self._decide_argument(self.arguments[node])
        if node in self.evidence:
            return self._decide_given(node, "an evidence item")
        if node in self.assumed:
            return self._decide_given(node, "assumed")
        return self._decide_claim(node)

    def _decide_given(self, node: str, what: str) -> _Decision | None:
        """Evidence and assumptions: in unless an argument attacking them is in."""
        attackers = self.attacks.get(node, [])
        for attacker in attackers:
            if self.labels[attacker] == "in":
                return "out", f"out: attacked by {attacker}, which is in."
        if any(self.labels[attacker] is None for attacker in attackers):
            return None
        if attackers:
            return "in", f"in: {what}, and every argument attacking it is out."
        return "in", f"in: {what}, and nothing attacks it."

    def _decide_argument(self, a: Argument) -> _Decision | None:
        defeaters = self.undercuts.get(a.id, []) + self.attacks.get(a.id, [])
        for defeater in defeaters:
            if self.labels[defeater] == "in":
                verb = "undercut" if defeater in self.undercuts.get(a.id, []) else "attacked"
                self.weights[a.id] = 0.0
                return "out", f"out: {verb} by {defeater}, which is in."
        if any(self.labels[d] is None for d in defeaters):
            return None
        premises = [(p, self.labels[p]) for p in a.premises]
        if any(label is None for _, label in premises):
            return None
        holding = [p for p, label in premises if label == "in"]
        failing = [p for p, label in premises if label != "in"]
        if a.weighing == "linked":
            share = 1.0 if not failing else 0.0
        elif a.weighing == "convergent":
            share = 1.0 if holding else 0.0
        elif a.weighing == "cumulative":
            share = len(holding) / len(premises)
        else:  # factorized: no premise may fail; its share of the premises on the question
            share = len(holding) / self.question_premises[a.id] if not failing else 0.0
        weight = self.base_weight[a.id] * share
        self.weights[a.id] = weight
        if share == 0:
            if not premises:
                return "out", "out: it has no premises to give it force."
            if a.weighing in ("linked", "factorized"):
                return "out", f"out: premise {failing[0]} is out."
            return "out", "out: none of its premises is in."
        unopposed = "nothing undercuts it" if not defeaters else "its undercutters are out"
        if not premises:
            grounds = "it has no premises"
        elif a.weighing == "convergent" and failing:
            grounds = f"premise {holding[0]} is in"
        elif a.weighing == "cumulative" and failing:
            grounds = f"{len(holding)} of its {len(premises)} premises are in"
        elif a.weighing == "factorized":
            total = self.question_premises[a.id]
            grounds = f"its premises are in ({len(holding)} of {total} on the question)"
        else:
            grounds = "its premises are in"
        return "in", f"in: {grounds} and {unopposed} (weight {_weight(weight)})."

    def _decided(self, arguments: list[str]) -> list[tuple[str, float]]:
        return [(a, self.weights[a]) for a in arguments if self.labels[a] is not None]

    def _decide_claim(self, node: str) -> _Decision | None:
        """A statement that is not assumed, or a hypothesis: weighed under its standard."""
        for other in self.contraries.get(node, []):
            if other in self.assumed and self.labels[other] == "in":
                verb = "contradicts" if (node, other) in self.contradicts else "is contrary to"
                return "out", f"out: it {verb} {other}, which is assumed."
        pro, con = self.pro[node], self.con[node]
        decided_pro = self._decided(pro)
        if len(decided_pro) == len(pro) and all(w == 0 for _, w in decided_pro):
            if not pro:
                if node in self.statements:
                    return "out", "out: it is not assumed, and no argument supports it."
                return "out", "out: no argument supports it."
            return "out", "out: no argument for it carries weight."
        if any(
            other in self.assumed and self.labels[other] is None
            for other in self.contraries.get(node, [])
        ):
            return None
        standard = self.standard[node]
        if not self.at_issue[node]:
            best, weight = max(decided_pro, key=lambda item: item[1], default=(None, 0.0))
            if best is not None and meets(standard, weight, 0.0, self.thresholds):
                return "in", (
                    f"in: {best} supports it (weight {_weight(weight)}), meeting "
                    f"{STANDARD_NAMES[standard]}, and nothing argues against it."
                )
            if len(decided_pro) < len(pro):
                return None
            return "out", (
                f"out: its best argument, {best} (weight {_weight(weight)}), falls short of "
                f"{STANDARD_NAMES[standard]}."
            )
        decided_con = self._decided(con)
        if len(decided_pro) < len(pro) or len(decided_con) < len(con):
            return None
        best_pro, pro_weight = max(decided_pro, key=lambda item: item[1])
        best_con, con_weight = max(decided_con, key=lambda item: item[1], default=(None, 0.0))
        name = STANDARD_NAMES[standard]
        against = (
            f"the best against, {best_con} ({_weight(con_weight)})"
            if best_con is not None and con_weight > 0
            else "nothing against it carries weight"
        )
        if meets(standard, pro_weight, con_weight, self.thresholds):
            return "in", (
                f"in: the best argument for it, {best_pro} ({_weight(pro_weight)}), meets "
                f"{name}: {against}."
            )
        return "out", (
            f"out: the best argument for it, {best_pro} ({_weight(pro_weight)}), falls short "
            f"of {name}: {self._shortfall(standard, pro_weight, con_weight, against)}."
        )

    def _shortfall(self, standard: Standard, pro: float, con: float, against: str) -> str:
        """What keeps weights ``pro`` and ``con`` from meeting ``standard``."""
        t = self.thresholds
        if not pro > con:
            return f"it does not outweigh {against}"
        if not pro > t.min_pro:
            return f"it weighs no more than {_weight(t.min_pro)}"
        if not pro - con > t.min_gap:
            return (
                f"it leads {against}, by {_weight(pro - con)}, not more than {_weight(t.min_gap)}"
            )
        return f"{against} weighs no less than {_weight(t.max_con)}"

    # --- what is left undecided -------------------------------------------------------

    def _blocker(self, node: str) -> tuple[str, str] | None:
        """The first undecided node that ``node`` waits on, and how it bears on ``node``."""
        undecided = [n for n in self._inputs(node) if self.labels[n[0]] is None]
        return undecided[0] if undecided else None

    def _inputs(self, node: str) -> list[tuple[str, str]]:
        """What ``node``'s label depends on, each with how it reads when undecided."""
        attackers = [
            (d, f"attacked by {d}, which is undecided") for d in self.attacks.get(node, [])
        ]
        if node in self.arguments:
            return (
                [(d, f"undercut by {d}, which is undecided") for d in self.undercuts.get(node, [])]
                + attackers
                + [(p, f"premise {p} is undecided") for p in self.arguments[node].premises]
            )
        if node in self.evidence or node in self.assumed:
            return attackers
        return (
            [
                (other, f"{other}, assumed and contrary to it, is undecided")
                for other in self.contraries.get(node, [])
                if other in self.assumed
            ]
            + [(a, f"argument {a} for it is undecided") for a in self.pro[node]]
            + [(a, f"argument {a} against it is undecided") for a in self.con[node]]
        )

    def _undecided_reasons(self) -> None:
        """Reasons for what is left undecided: what each waits on, and the cycle behind it.

        Each undecided node waits on an undecided input, so following "waits on" from
        any of them ends in a cycle; the cycles are found once, in linear time.
        """
        undecided = [node for node in self.order if self.labels[node] is None]
        waits = {node: self._blocker(node) for node in undecided}
        cycle_at: dict[str, tuple[list[str], int]] = {}  # node → (its cycle, its place)
        entry: dict[str, str | None] = {}  # node → the first node of a cycle it reaches
        walked: dict[str, str] = {}
        for start in undecided:
            path: list[str] = []
            node: str | None = start
            while node is not None and node not in walked:
                walked[node] = start
                path.append(node)
                step = waits.get(node)
                node = step[0] if step else None
            if node is not None and walked[node] == start and node not in entry:
                cycle = path[path.index(node) :]
                for place, member in enumerate(cycle):
                    cycle_at[member] = (cycle, place)
            for member in reversed(path):
                if member in cycle_at:
                    entry[member] = member
                else:
                    step = waits.get(member)
                    entry[member] = entry.get(step[0]) if step else None
        for node in undecided:
            step = waits[node]
            if step is None:  # cannot happen: an undecided node always waits on one
                self.reasons[node] = "undecided."
                continue
            how = step[1]
            if node in cycle_at:
                cycle, place = cycle_at[node]
                loop = cycle[place:] + cycle[:place]
                behind = f"; it depends on itself ({_chain([*loop, node])})"
            elif entry.get(node) is not None:
                first = entry[node]
                assert first is not None
                cycle, place = cycle_at[first]
                loop = cycle[place:] + cycle[:place]
                behind = f"; that depends on a cycle ({_chain([*loop, first])})"
            else:
                behind = ""
            self.reasons[node] = f"undecided: {how}{behind}."

    # --- verdicts ---------------------------------------------------------------------

    def _verdict(self, node: str) -> Verdict:
        standard = self.standard[node]
        label = self.labels[node]
        decided_pro = self._decided(self.pro[node])
        decided_con = self._decided(self.con[node])
        pro_argument, best_pro = max(decided_pro, key=lambda item: item[1], default=(None, 0.0))
        con_argument, best_con = max(decided_con, key=lambda item: item[1], default=(None, 0.0))
        if node in self.assumed:
            return Verdict(
                standard,
                None,
                None,
                best_pro,
                best_con,
                pro_argument,
                con_argument,
                "Assumed: it is in unless an argument attacking it is in; no standard applies.",
                assumed=True,
            )
        complete = len(decided_pro) == len(self.pro[node]) and len(decided_con) == len(
            self.con[node]
        )
        met = None if label is None else label == "in"
        known = strongest_standard(best_pro, best_con, self.thresholds)
        reason = self.reasons[node]
        unopposed = bool(met) and complete and best_con == 0
        if label is None:
            why = f"Undecided: {reason.removeprefix('undecided: ')}"
        elif "which is assumed" in reason:
            why = f"Out: {reason.removeprefix('out: ')}"
        elif unopposed:
            why = self._unopposed_sentence(node, known, best_pro, pro_argument)
        else:
            why = self._standards_sentence(
                known, best_pro, best_con, pro_argument, con_argument, complete
            )
        return Verdict(
            standard,
            met,
            known if complete else None,
            best_pro,
            best_con,
            pro_argument,
            con_argument,
            why,
            unopposed=unopposed,
        )

    def _unopposed_sentence(
        self, node: str, strongest: Standard | None, best_pro: float, pro_argument: str | None
    ) -> str:
        """A standard met with nothing against it: met vacuously, and said so."""
        against = self.con[node]
        opposition = "nothing in the map argues against it"
        if against:
            listed = ", ".join(against[:3])
            if len(against) > 3:
                listed += f" and {len(against) - 3} more"
            opposition += f" (every argument against it, {listed}, is out or weighs nothing)"
        strictest = STANDARD_NAMES[strongest] if strongest else "no standard"
        return (
            f"Met, unopposed: {opposition}. Its best argument, {pro_argument} "
            f"({_weight(best_pro)}), meets {strictest} only for want of opposition."
        )

    def _standards_sentence(
        self,
        strongest: Standard | None,
        best_pro: float,
        best_con: float,
        pro_argument: str | None,
        con_argument: str | None,
        complete: bool,
    ) -> str:
        t = self.thresholds
        weights = f"the best argument for it, {pro_argument} ({_weight(best_pro)}), against " + (
            f"{con_argument} ({_weight(best_con)})"
            if con_argument is not None and best_con > 0
            else "nothing with weight"
        )
        if pro_argument is None or best_pro == 0:
            return "Meets no standard: no argument for it carries weight."
        if strongest is None:
            return f"Meets no standard: {weights}."
        index = STANDARDS.index(strongest)
        at_least = "" if complete else "at least "
        if index == len(STANDARDS) - 1:
            return f"Meets {at_least}{STANDARD_NAMES[strongest]}: {weights}."
        if not complete:
            return f"Meets at least {STANDARD_NAMES[strongest]}: {weights}."
        missed = STANDARDS[index + 1]
        if missed == "preponderance":
            gap = "it does not outweigh the best against"
        elif missed == "clear-and-convincing":
            gap = (
                f"it weighs no more than {_weight(t.min_pro)}"
                if not best_pro > t.min_pro
                else f"its lead, {_weight(best_pro - best_con)}, is not more than "
                f"{_weight(t.min_gap)}"
            )
        else:
            gap = f"the best against weighs no less than {_weight(t.max_con)}"
        return (
            f"Meets {STANDARD_NAMES[strongest]} but not {STANDARD_NAMES[missed]}: {weights}; {gap}."
        )
