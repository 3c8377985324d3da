"""Prior probabilities of the leaf hypotheses.

Top-level hypotheses share the whole mass; a parent's mass is shared by its
children. At each level, hypotheses with a `prior:` take it, and the others
share what is left equally. So with no priors at all, each top-level hypothesis
gets the same mass and a parent splits its share equally among its children.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .rules import RULES

__all__ = ["PriorProblem", "leaf_priors"]

TOLERANCE = 1e-9


@dataclass(frozen=True)
class PriorProblem:
    """Priors that do not fit the mass of their level: a rule of :mod:`argmap.rules`."""

    hypothesis: str
    """The first hypothesis of the level with a prior: where the problem is reported."""
    rule: str
    context: dict[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> str:
        return RULES[self.rule].render(**self.context)[0]

    @property
    def hint(self) -> str:
        return RULES[self.rule].render(**self.context)[1]


def leaf_priors(
    roots: Sequence[str],
    children: Mapping[str, Sequence[str]],
    given: Mapping[str, float | None],
) -> tuple[dict[str, float], list[PriorProblem]]:
    """Each leaf's prior, and the problems that make priors inconsistent.

    >>> priors, _ = leaf_priors(["a", "b"], {"a": ["a1", "a2"]}, {})
    >>> priors
    {'a1': 0.25, 'a2': 0.25, 'b': 0.5}
    >>> leaf_priors(["a", "b", "c"], {}, {"a": 0.5})[0]
    {'a': 0.5, 'b': 0.25, 'c': 0.25}
    >>> leaf_priors(["a", "b"], {}, {"a": 0.7, "b": 0.6})[1][0].message
    'priors of a, b sum to 1.3, more than the 1 available'
    """
    result: dict[str, float] = {}
    problems: list[PriorProblem] = []
    # Levels to share out and leaves to set, depth first; a stack rather than recursion,
    # since a chain of parents may be thousands of hypotheses deep.
    stack: list[tuple[Sequence[str], float, str] | tuple[str, float]] = [
        (list(roots), 1.0, "available")
    ]
    while stack:
        entry = stack.pop()
        if len(entry) == 2:
            leaf, mass = entry
            result[leaf] = mass
            continue
        ids, mass, where = entry
        if not ids:  # a case without hypotheses (an imported argument map) has none to share
            continue
        explicit = {i: given[i] for i in ids if given.get(i) is not None}
        fixed = sum(v for v in explicit.values() if v is not None)
        free = [i for i in ids if i not in explicit]
        context = {"names": ", ".join(explicit), "total": f"{fixed:g}", "mass": f"{mass:g}"}
        context["where"] = where
        first = next(iter(explicit), "")
        if fixed > mass + TOLERANCE:
            problems.append(PriorProblem(first, "prior_over", context))
            continue
        if free and mass - fixed <= TOLERANCE:
            problems.append(
                PriorProblem(first, "prior_leaves_nothing", context | {"rest": ", ".join(free)})
            )
            continue
        if not free and abs(fixed - mass) > TOLERANCE:
            problems.append(PriorProblem(first, "prior_sum", context))
            continue
        rest = (mass - fixed) / len(free) if free else 0.0
        todo: list[tuple[Sequence[str], float, str] | tuple[str, float]] = []
        for i in ids:
            value = explicit.get(i)
            mine = rest if value is None else value
            kids = children.get(i, ())
            if kids:
                todo.append((kids, mine, f"available to the children of {i}"))
            else:
                todo.append((i, mine))
        stack.extend(reversed(todo))
    return result, problems
