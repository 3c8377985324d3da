"""Shared by the interchange tests: a hostile case, and running argmap in a fresh process.

The case is valid but every text field is hostile: markup, formulas, pipes, scripts, RTL,
emoji. Each format must carry these texts through unchanged (JSON) or inert (Markdown, CSV,
XLSX).
"""

from __future__ import annotations

import importlib
import os
import sys
from types import ModuleType

import pytest

ARGMAP = [sys.executable, "-c", "from argmap.cli import main; main()"]
"""The command line in a new process (for PYTHONHASHSEED and SOURCE_DATE_EPOCH runs)."""


def need_module(name: str) -> ModuleType:
    """The module, or a visible skip; in CI (which installs the test extras) a failure."""
    try:
        return importlib.import_module(name)
    except ImportError:
        if os.environ.get("ARGMAP_REQUIRE_ALL_ENGINES"):
            pytest.fail(f"{name} is missing but CI must run every test (add it to [test])")
        pytest.skip(f"{name} is not installed")


FORMULA = "=cmd|' /C calc'!A0"
SCRIPT = "<script>alert(1)</script>"
PIPES = "| pipe | in | cells |"
KAZAKH = "Қазақстандағы толқулар"
ARABIC = "حريق متعمد في المستودع"
EMOJI = "🔥🚐"

SOURCE = f"""\
Harbour report {SCRIPT}

The fire started shortly after 23:00 on 3 March. Witnesses saw two men leave the
yard in a van.

Куәгерлер екі адамның фургонмен кеткенін көрді {EMOJI}. شاهد الشهود رجلين يغادران.

=1+1 and @SUM(A1:A9) are not formulas here; neither is | this | nor <b>this</b>.
"""

HYPOTHESES = f"""\
title: "{SCRIPT} | {KAZAKH} {EMOJI}"
question: "{FORMULA} — who *really* did it? `rm -rf` [x](javascript:alert(1))"
notes: |
  # not a heading
  - not a list
  <img src=x onerror=alert(1)>

  @SUM(1+1)*cmd|' /C calc'!A0 _under_ ~~strike~~ $x$ &amp; 1. not ordered
hypotheses:
  - id: accident
    title: '=HYPERLINK("http://evil.example","click")'
    statement: "{PIPES}"
    description: "+1 -1 @x"
    tags: ["<b>tag</b>"]
  - id: arson
    title: "{KAZAKH}"
    statement: "{ARABIC}"
  - id: other
    title: "{EMOJI} Other _emph_ **bold**"
    statement: "\\tTab-led\\rtext"
statements:
  - id: claim-one
    text: "<b>bold</b> & co | {ARABIC}"
arguments:
  - id: van-argument
    claim: "-1 is {SCRIPT}"
    premises: [van]
    supports: arson
    rationale: "[link](http://evil.example) ![img](http://evil.example/x.png)"
"""

EVIDENCE = f"""\
sources:
  - id: report
    title: "{SCRIPT} Harbour report"
    author: "@author"
    url: "javascript:alert(1)"
    file: sources/report.txt
  - id: gazette
    title: Gazette
    url: "https://example.org/a b(c)<d>"
    file: sources/report.txt
evidence:
  - id: van
    summary: "{FORMULA}"
    source: report
    quote: Witnesses saw two men leave the yard in a van.
    originator: "-2+3"
    tags: ["=tag", "+tag"]
    ratings: {{accident: I, arson: C, other: N}}
    rationale:
      arson: "{PIPES}\\n# heading"
  - id: witnesses
    summary: "@SUM(A1:A2) {KAZAKH} {EMOJI} {ARABIC}"
    source: gazette
    quote: "Куәгерлер екі адамның фургонмен кеткенін көрді {EMOJI}."
    credibility: high
    relevance: low
    ratings: {{accident: II, arson: CC, other: I}}
  - id: formulas
    summary: "\\t+1 tab-led and \\r-led"
    kind: claim
    source: report
    quote: "=1+1 and @SUM(A1:A9) are not formulas here"
    ratings:
      accident: N
      arson: C
"""

FILES = {
    "hypotheses/case.yaml": HYPOTHESES,
    "evidence/evidence.yaml": EVIDENCE,
    "evidence/sources/report.txt": SOURCE,
}
"""Case files for ``write_case`` (which dedents them; they have no common indent)."""

TEXTS = (FORMULA, SCRIPT, PIPES, KAZAKH, ARABIC, EMOJI)
