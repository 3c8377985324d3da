"""Argdown in and out: argument maps written in https://argdown.org syntax.

Reading follows the reference parser (``@argdown/core`` 1.7) closely enough that the counts
of statements, arguments and relations agree with it on real documents: :mod:`.lexer`,
:mod:`.parser` and :mod:`.model` are ports of its lexer, parser and ``ModelPlugin`` (loose
and strict mode, equivalence classes by title, relations moved from reconstructed arguments
to their conclusions, undercuts to their inferences). :mod:`.reader` maps an Argdown map
onto argmap's case model and :mod:`.writer` exports a case; docs/interchange.md describes
both.
"""

from __future__ import annotations

from .model import ArgdownMap, EquivalenceClass, parse, parse_text, summary
from .reader import case_document, case_files, to_case_files
from .writer import BINARY, export

__all__ = [
    "BINARY",
    "ArgdownMap",
    "EquivalenceClass",
    "case_document",
    "case_files",
    "export",
    "parse",
    "parse_text",
    "summary",
    "to_case_files",
]
