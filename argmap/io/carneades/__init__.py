"""Import Carneades 4 argument graphs (YAML) as argmap cases.

A Carneades graph has statements (some assumed), issues (sets of alternative
positions with a proof standard), arguments (premises → conclusion, an optional
undercutter statement and a scheme that weighs them) and, optionally, a theory:
argumentation schemes with variables that are applied to the assumptions, issue
schemes, and named weighing functions. argmap reads it as carneades-4 does
(github.com/carneades/carneades-4, internal/caes and its YAML encoding):

- statement ids are normalised as logical terms (``f(a, b)`` = ``f(a,b)``,
  :mod:`.terms`) and turned into slugs (``¬app(a1)`` → ``not-app-a1``); an issue's
  positions become mutually contrary statements carrying the issue's standard;
- an argument's undercutter ``u`` becomes an argument with premise ``u`` that
  undercuts it, so the argument is undercut exactly when ``u`` is in;
- schemes with conclusions are applied to the assumptions by forward chaining
  (what carneades-4 delegates to Constraint Handling Rules), each instance an
  argument, each exception an undercutting argument; issue schemes then group
  matching statements into issues (:mod:`.graph`);
- weighing: linked, convergent, cumulative and factorized map to argmap's
  ``weighing``; a constant, criteria or preference weighing function becomes the
  argument's ``weight`` (docs/evaluation.md lists where this differs).

The ``tests:`` block (expected labels) goes into the case file's header comment
(:mod:`.reader`, which writes the case); the ``labels:`` block carneades-4 writes is compared
with argmap's own labels, and a difference is a warning.
"""

from __future__ import annotations

from .graph import CarneadesGraph, read_graph
from .reader import case_files, summary, to_case_files

__all__ = ["CarneadesGraph", "case_files", "read_graph", "summary", "to_case_files"]
