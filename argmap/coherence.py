"""The map and the matrix held together: where the argument map and the matrix disagree.

The matrix rates each item against each hypothesis; the argument map argues from items to
hypotheses and is evaluated (:mod:`argmap.evaluate`). The two are separate judgements of the
same evidence, and they can contradict each other silently. Each check here is a named
function that finds one kind of disagreement; every kind is a rule of :mod:`argmap.rules`
(severity warning), so `argmap check` lists them with file and line, and the report and
`argmap score --format json` show the same findings in words:

- :func:`rated_for_defeated_arguments`: an item rated consistent with a hypothesis while an
  argument from it for that hypothesis is out (undercut, attacked, or a premise out); and the
  mirror: rated inconsistent while an argument from it attacking that hypothesis is out.
- :func:`assumptions_counted_twice`: an assumption rated in the matrix (off neutral) that is
  also a premise of an argument: the map and the matrix both count it.
- :func:`verdicts_without_weights`: a hypothesis whose verdict reads the weights of arguments
  that have a rationale but no ``weight:``.

docs/evaluation.md explains each with a worked example.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .evaluate import Evaluation, evaluate
from .model import Argument, Case, Evidence
from .problems import Problem
from .rules import RULES, problem
from .vocabulary import VOCABULARY, or_list

if TYPE_CHECKING:
    from .load import LoadResult

__all__ = [
    "KINDS",
    "Disagreement",
    "assumptions_counted_twice",
    "coherence_warnings",
    "disagreements",
    "namer",
    "rated_for_defeated_arguments",
    "verdicts_without_weights",
]

KINDS: dict[str, str] = {
    "rated_for_defeated_argument": "Rated consistent, but the map's argument from it is out",
    "rated_against_defeated_argument": (
        "Rated inconsistent, but the map's argument from it against the hypothesis is out"
    ),
    "assumption_counted_twice": "Assumptions counted twice: rated in the matrix, argued in the map",
    "verdict_without_weights": "Verdicts that rest on arguments without weights",
}
"""Each kind of disagreement (a rule's type) with the heading the report gives it, in the
order the checks run."""

Namer = Callable[[str], str]
"""How a sentence names a node: by its id (for `argmap check`) or in words (the report)."""


@dataclass(frozen=True)
class Disagreement:
    """One place where the map and the matrix disagree."""

    kind: str
    """The rule's type (argmap.rules): what kind of disagreement."""
    ids: tuple[str, ...]
    """The nodes involved, the one it is located at first."""
    at: tuple[str | int, ...]
    """The key of the first node where `argmap check` locates it."""
    context: dict[str, Callable[[Namer], str]]
    """The rule's template fields, each worded by a namer."""

    def words(self, name: Namer) -> tuple[str, str]:
        """The rule's message and hint, with every node named by ``name``."""
        return RULES[self.kind].render(**{key: word(name) for key, word in self.context.items()})

    def to_words(self, name: Namer) -> tuple[str, str]:
        """The sentence and the advice, each a sentence, naming nodes by ``name``."""
        sentence, advice = self.words(name)
        return _sentence(sentence), _sentence(advice)

    def to_json(self, case: Case) -> dict[str, object]:
        """``{kind, ids, sentence, advice}``, the sentence and advice naming nodes in words."""
        sentence, advice = self.to_words(namer(case))
        return {"kind": self.kind, "ids": list(self.ids), "sentence": sentence, "advice": advice}


def _sentence(text: str) -> str:
    text = text.rstrip(".")
    return f"{text[:1].upper()}{text[1:]}."


def _by_id(ident: str) -> str:
    """A node as `argmap check` names it."""
    return f"'{ident}'"


def namer(case: Case) -> Namer:
    """A node as the report names it: a hypothesis by its title, an item by its summary,
    an argument by its claim, a statement by its text."""
    words: dict[str, str] = {h.id: h.title for h in case.hypotheses}
    words |= {e.id: _quoted(e.summary) for e in case.evidence}
    words |= {a.id: _quoted(a.claim) for a in case.arguments}
    words |= {s.id: _quoted(s.text) for s in case.statements}
    return lambda ident: words.get(ident, ident)


def _quoted(text: str) -> str:
    """Text quoted inside a sentence: without its own full stop."""
    return f"“{text.strip().removesuffix('.')}”"


def _rating_words(code: str) -> str:
    rating = VOCABULARY[code]
    return f"{rating.name} ({rating.code})"


def _count(number: int, noun: str) -> str:
    return f"{'one' if number == 1 else number} {noun}{'s' if number != 1 else ''}"


def _fixed(text: str) -> Callable[[Namer], str]:
    """Words that name no node."""
    return lambda _name: text


def _names(ids: Iterable[str]) -> Callable[[Namer], str]:
    listed = list(ids)
    return lambda name: or_list([name(i) for i in listed], "and")


def _defeated(defeater: Argument) -> Callable[[Namer], str]:
    verb = "undercut" if defeater.relation == "undercuts" else "attacked"

    def words(name: Namer) -> str:
        return f"{verb} by {name(defeater.id)}, which is in"

    return words


def _why_out(
    a: Argument, defeaters: dict[str, list[Argument]], evaluation: Evaluation
) -> Callable[[Namer], str]:
    """Why an argument is out, naming the node that defeats it."""
    labels = evaluation.labels
    for other in defeaters.get(a.id, ()):
        if labels[other.id] == "in":
            return _defeated(other)
    failing = [p for p in a.premises if labels[p] != "in"]
    if failing:

        def failed(name: Namer) -> str:
            return f"its premise {name(failing[0])} is {labels[failing[0]]}"

        return failed
    return _fixed(evaluation.reasons[a.id].removeprefix("out: ").rstrip("."))


# --- the checks -------------------------------------------------------------------------


def rated_for_defeated_arguments(case: Case, evaluation: Evaluation) -> list[Disagreement]:
    """Items rated consistent with a hypothesis while an argument from them for it is out;
    items rated inconsistent while an argument from them attacking it is out."""
    evidence = {e.id: e for e in case.evidence}
    defeaters: dict[str, list[Argument]] = {}
    for other in case.arguments:
        if other.relation != "supports":
            defeaters.setdefault(other.target, []).append(other)
    found = []
    for a in case.arguments:
        if a.relation == "undercuts" or evaluation.labels[a.id] != "out":
            continue
        toward = 1 if a.relation == "supports" else -1
        kind = "rated_for_defeated_argument" if toward > 0 else "rated_against_defeated_argument"
        for premise in a.premises:
            item = evidence.get(premise)
            code = item.ratings.get(a.target) if item is not None else None
            if code is None or VOCABULARY[code].direction != toward:
                continue
            found.append(
                Disagreement(
                    kind,
                    (premise, a.target, a.id),
                    ("ratings", a.target),
                    {
                        "item": _names([premise]),
                        "rating": _fixed(_rating_words(code)),
                        "hypothesis": _names([a.target]),
                        "argument": _names([a.id]),
                        "why": _why_out(a, defeaters, evaluation),
                    },
                )
            )
    return found


def assumptions_counted_twice(case: Case) -> list[Disagreement]:
    """Assumptions rated off neutral in the matrix that are also premises in the map."""
    premise_of: dict[str, list[str]] = {}
    for a in case.arguments:
        for premise in a.premises:
            premise_of.setdefault(premise, []).append(a.id)
    found = []
    for item in case.evidence:
        if item.kind != "assumption" or item.id not in premise_of:
            continue
        rated = _rated(item)
        if not rated:
            continue
        arguments = premise_of[item.id]
        found.append(
            Disagreement(
                "assumption_counted_twice",
                (item.id, *arguments),
                ("ratings",),
                {
                    "item": _names([item.id]),
                    "ratings": _ratings_words(rated),
                    "arguments": _names(arguments),
                },
            )
        )
    return found


def _ratings_words(rated: list[tuple[str, str]]) -> Callable[[Namer], str]:
    def words(name: Namer) -> str:
        return ", ".join(f"{_rating_words(code)} with {name(hid)}" for hid, code in rated)

    return words


def _rated(item: Evidence) -> list[tuple[str, str]]:
    """The item's ratings that count: on the scale and off neutral."""
    return [(hid, code) for hid, code in item.ratings.items() if VOCABULARY[code].direction]


def verdicts_without_weights(case: Case, evaluation: Evaluation) -> list[Disagreement]:
    """Hypotheses whose verdicts read the weights of arguments that have a rationale but no
    ``weight:``: the weight they get by default is not the one their rationale argues."""
    unweighted = {a.id for a in case.arguments if a.weight is None and a.rationale}
    found = []
    for h, _ in case.hypotheses_in_order:
        missing = [a for a in _weights_read(h.id, case, evaluation) if a in unweighted]
        if not missing:
            continue
        found.append(
            Disagreement(
                "verdict_without_weights",
                (h.id, *missing),
                (),
                {
                    "hypothesis": _names([h.id]),
                    "count": _fixed(_count(len(missing), "argument")),
                    "arguments": _names(missing),
                },
            )
        )
    return found


def _weights_read(node: str, case: Case, evaluation: Evaluation) -> list[str]:
    """The arguments whose weights a hypothesis's verdict reads that it answers for: those
    that support or attack it, and, through the statements among their premises (and their
    premises' premises), the arguments for and against those statements. Arguments for a
    rival also weigh against it; they are listed at the rival they argue for."""
    arguments = {a.id: a for a in case.arguments}
    read: dict[str, None] = {}
    seen = {node}
    stack = [node]
    while stack:
        current = stack.pop()
        if current == node:
            following = [a for a in evaluation.weighed[node] if arguments[a].target == node]
        elif current in evaluation.weighed and not evaluation.verdicts[current].assumed:
            following = list(evaluation.weighed[current])
        elif current in arguments:
            following = list(arguments[current].premises)
        else:
            continue
        if current not in arguments:
            read.update(dict.fromkeys(following))
        for step in reversed(following):
            if step not in seen:
                seen.add(step)
                stack.append(step)
    return list(read)


# --- all of them ------------------------------------------------------------------------


def disagreements(case: Case, evaluation: Evaluation | None = None) -> list[Disagreement]:
    """Every disagreement between the case's map and its matrix, check by check."""
    if evaluation is None:
        evaluation = evaluate(case)
    return [
        *rated_for_defeated_arguments(case, evaluation),
        *assumptions_counted_twice(case),
        *verdicts_without_weights(case, evaluation),
    ]


def coherence_warnings(
    result: LoadResult, found: list[Disagreement] | None = None
) -> list[Problem]:
    """The disagreements as `argmap check` warnings, each located where it is written."""
    if found is None:
        found = disagreements(result.case)
    problems = []
    for d in found:
        file, line, field = result.place(d.ids[0], *d.at)
        problems.append(problem(d.kind, file, line, field, **_ids_context(d)))
    return problems


def _ids_context(d: Disagreement) -> dict[str, str]:
    return {key: word(_by_id) for key, word in d.context.items()}
