"""Prior probabilities of the leaf hypotheses.

Top-level hypotheses share the whole mass; a parent's mass is shared by its
children. At each level, hypotheses with a `prior:` take it, and the others
share what is left equally. So with no priors at all, each top-level hypothesis
gets the same mass and a parent splits its share equally among its children.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

__all__ = ["PriorProblem", "leaf_priors"]

TOLERANCE = 1e-9


@dataclass(frozen=True)
class PriorProblem:
    hypothesis: str
    message: str
    hint: str


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
    """
    result: dict[str, float] = {}
    problems: list[PriorProblem] = []

    def share(ids: Sequence[str], mass: float, where: str) -> None:
        if not ids:  # a case without hypotheses (an imported argument map) has none to share
            return
        explicit = {i: given[i] for i in ids if given.get(i) is not None}
        fixed = sum(v for v in explicit.values() if v is not None)
        free = [i for i in ids if i not in explicit]
        names = ", ".join(explicit)
        if fixed > mass + TOLERANCE:
            problems.append(
                PriorProblem(
                    next(iter(explicit)),
                    f"priors of {names} sum to {fixed:g}, more than the {mass:g} {where}",
                    "lower them so that they fit, or remove some and let argmap share the rest",
                )
            )
            return
        if free and mass - fixed <= TOLERANCE:
            problems.append(
                PriorProblem(
                    next(iter(explicit)),
                    f"priors of {names} take all of the {mass:g} {where}, leaving nothing for "
                    f"{', '.join(free)}",
                    "lower the given priors, or give the others priors of their own",
                )
            )
            return
        if not free and abs(fixed - mass) > TOLERANCE:
            problems.append(
                PriorProblem(
                    next(iter(explicit)),
                    f"priors of {names} sum to {fixed:g}, not the {mass:g} {where}",
                    "make them add up, or leave one unset to take the remainder",
                )
            )
            return
        rest = (mass - fixed) / len(free) if free else 0.0
        for i in ids:
            value = explicit.get(i)
            mine = rest if value is None else value
            kids = children.get(i, ())
            if kids:
                share(kids, mine, f"available to the children of {i}")
            else:
                result[i] = mine

    share(list(roots), 1.0, "available")
    return result, problems
