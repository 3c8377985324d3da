"""The small, valid case that `argmap init` writes: a starting point to edit."""

from __future__ import annotations

__all__ = ["FILES", "empty_case"]

_HYPOTHESES = """\
# yaml-language-server: $schema=../schema/hypotheses.schema.json
# The case: its question, the competing hypotheses, and the argument map.
format: 1
title: Warehouse fire
question: What caused the fire at the harbour warehouse on 3 March?
notes: >-
  A starting point: replace the question, hypotheses and evidence with your own.

hypotheses:
  - id: accident
    title: Accident
    statement: The fire started by accident, from faulty wiring or careless handling.
    indicators:
      - The fire service's report names an electrical fault.
  - id: arson
    title: Arson
    statement: Someone set the fire deliberately.
    indicators:
      - Accelerant traces are found in the debris.
  - id: other
    title: Other
    statement: None of the above explains the fire.

statements:
  - id: alarm-was-off
    text: The alarm system had been switched off before the fire.

arguments:
  - id: switched-off-alarm
    claim: Someone who switched off the alarm meant the fire to spread unnoticed.
    premises: [alarm-log]
    supports: arson
    weight: 0.4
    rationale: Weak on its own; the alarm may have been off for maintenance.
"""

_EVIDENCE = """\
# yaml-language-server: $schema=../schema/evidence.schema.json
# Sources and evidence items, each quoted verbatim and rated against every hypothesis.
sources:
  - id: harbour-gazette
    title: Fire at the harbour warehouse
    reliability: C
    file: sources/harbour-gazette.txt

evidence:
  - id: alarm-log
    summary: The alarm log shows the system was off from 22:10.
    source: harbour-gazette
    quote: the alarm system had been switched off at 22:10
    credibility: high
    date: 2026-03-03
    ratings: {accident: I, arson: C, other: N}
    rationale:
      accident: An accident does not switch off an alarm; maintenance might.

  - id: old-wiring
    summary: Inspectors had flagged the wiring as outdated a year earlier.
    source: harbour-gazette
    quote: inspectors had flagged the building's wiring as outdated
    ratings: {accident: C, arson: N, other: N}
"""

_SOURCE = """\
Fire at the harbour warehouse

A fire destroyed the harbour warehouse on the night of 3 March. According to the
operator, the alarm system had been switched off at 22:10, an hour before the fire
was reported.

A year earlier, inspectors had flagged the building's wiring as outdated.
"""

FILES = {
    "hypotheses/case.yaml": _HYPOTHESES,
    "evidence/evidence.yaml": _EVIDENCE,
    "evidence/sources/harbour-gazette.txt": _SOURCE,
}


def empty_case(title: str, question: str) -> dict[str, str]:
    """The files of a new case with nothing in it yet: the question, and empty lists of
    hypotheses, sources and evidence, laid out as `argmap init` lays out its sample (what
    ``argmap edit`` starts from in an empty folder)."""
    from .yamlpatch import render_scalar

    head = _HYPOTHESES.split("format:", 1)[0]
    evidence_head = _EVIDENCE.split("sources:", 1)[0]
    return {
        "hypotheses/case.yaml": (
            f"{head}format: 1\ntitle: {render_scalar(title)}\nquestion: {render_scalar(question)}\n"
            "\nhypotheses: []\n"
        ),
        "evidence/evidence.yaml": f"{evidence_head}sources: []\n\nevidence: []\n",
    }
