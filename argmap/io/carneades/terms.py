"""Logical terms as carneades-4 writes them: atoms, numbers, variables and compounds.

Statement ids are normalised as terms (``f(a, b)`` = ``f(a,b)``), and argumentation schemes
are applied to the assumptions by matching their premises, as terms, against the facts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

__all__ = [
    "NOT",
    "Term",
    "Var",
    "functor_arity",
    "is_ground",
    "match",
    "normalise",
    "parse_term",
    "show",
    "substitute",
    "term_depth",
    "variables_of",
]


@dataclass(frozen=True)
class Var:
    """A schema variable (Prolog syntax: starts with a capital letter or '_')."""

    name: str


Term = str | Var | tuple[str, tuple["Term", ...]]
"""An atom or number (its text), a variable, or a compound ``(functor, args)``."""

_TOKEN = re.compile(
    r"\s*(?:(?P<var>[A-Z_][A-Za-z0-9_]*)|(?P<atom>[a-z][A-Za-z0-9_]*)"
    r"|(?P<number>-?\d+(?:\.\d+)?)|(?P<quoted>'(?:[^'\\]|\\.)*')|(?P<punct>[(),¬]))"
)
NOT = "¬"
"""carneades-4's negation, a prefix operator: ``¬S`` is the compound ``¬(S)``, of a variable
as of any other term (its parser's ``mon_factor``)."""


def parse_term(text: str) -> Term | None:
    """The term ``text`` spells, or None when it is not one (``a1.2``, ``p q``).

    >>> parse_term("holdsAt(wfh, 3)")
    ('holdsAt', ('wfh', '3'))
    >>> parse_term("¬app(a1)")
    ('¬', (('app', ('a1',)),))
    >>> parse_term("¬S")
    ('¬', (Var(name='S'),))
    """
    tokens: list[tuple[str, str]] = []
    position, text = 0, text.strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            return None
        kind = match.lastgroup
        assert kind is not None
        tokens.append((kind, match.group(kind)))
        position = match.end()
    term, rest = _parse(tokens, 0)
    return term if term is not None and rest == len(tokens) else None


def _parse(tokens: list[tuple[str, str]], at: int) -> tuple[Term | None, int]:
    if at >= len(tokens):
        return None, at
    kind, value = tokens[at]
    if (kind, value) == ("punct", NOT):
        grouped = at + 1 < len(tokens) and tokens[at + 1] == ("punct", "(")
        negated, at = _parse(tokens, at + 2 if grouped else at + 1)
        if grouped:  # ¬(p): the parentheses only group
            if negated is None or at >= len(tokens) or tokens[at] != ("punct", ")"):
                return None, at
            at += 1
        return (None, at) if negated is None else ((NOT, (negated,)), at)
    if kind == "var":
        return Var(value), at + 1
    if kind in ("number", "quoted"):
        return value, at + 1
    if kind != "atom":
        return None, at
    if at + 1 >= len(tokens) or tokens[at + 1] != ("punct", "("):
        return value, at + 1
    args: list[Term] = []
    at += 2
    while True:
        arg, at = _parse(tokens, at)
        if arg is None or at >= len(tokens):
            return None, at
        args.append(arg)
        if tokens[at] == ("punct", ","):
            at += 1
        elif tokens[at] == ("punct", ")"):
            return (value, tuple(args)), at + 1
        else:
            return None, at


def show(term: Term) -> str:
    """A term's canonical text: no spaces. ``show(parse_term("f(a, b)")) == "f(a,b)"``."""
    if isinstance(term, Var):
        return term.name
    if isinstance(term, str):
        return term
    functor, args = term
    if functor == NOT and len(args) == 1:
        return NOT + show(args[0])
    return f"{functor}({','.join(show(arg) for arg in args)})"


def normalise(text: str) -> str:
    """A statement key as carneades-4 compares them: a term's canonical text, else trimmed.

    >>> normalise("initiates(wfh_order, wfh_required, 1)")
    'initiates(wfh_order,wfh_required,1)'
    """
    term = parse_term(text)
    return show(term) if term is not None and is_ground(term) else text.strip()


def is_ground(term: Term) -> bool:
    if isinstance(term, Var):
        return False
    return isinstance(term, str) or all(is_ground(arg) for arg in term[1])


def term_depth(term: Term) -> int:
    if isinstance(term, str | Var):
        return 0
    return 1 + max((term_depth(arg) for arg in term[1]), default=0)


def variables_of(term: Term) -> Iterator[str]:
    if isinstance(term, Var):
        yield term.name
    elif not isinstance(term, str):
        for arg in term[1]:
            yield from variables_of(arg)


def match(pattern: Term, term: Term, bindings: Mapping[str, Term]) -> dict[str, Term] | None:
    """One-way matching: bindings for the pattern's variables that make it ``term``, or None.

    >>> match(("lt", (Var("T"), "3")), ("lt", ("1", "3")), {})
    {'T': '1'}
    """
    result = dict(bindings)
    stack = [(pattern, term)]
    while stack:
        left, right = stack.pop()
        if isinstance(left, Var):
            bound = result.get(left.name)
            if bound is None:
                result[left.name] = right
            elif bound != right:
                return None
        elif isinstance(left, str) or isinstance(right, (str, Var)):
            if left != right:
                return None
        else:
            if left[0] != right[0] or len(left[1]) != len(right[1]):
                return None
            stack.extend(zip(left[1], right[1], strict=True))
    return result


def substitute(term: Term, bindings: Mapping[str, Term]) -> Term:
    """``term`` with its bound variables replaced."""
    if isinstance(term, Var):
        return bindings.get(term.name, term)
    if isinstance(term, str):
        return term
    return (term[0], tuple(substitute(arg, bindings) for arg in term[1]))


def functor_arity(term: Term) -> tuple[str, int] | None:
    if isinstance(term, Var):
        return None
    if isinstance(term, str):
        return (term, 0)
    return (term[0], len(term[1]))
