"""Shared by the interchange tests: a hostile case, and running argmap in a fresh process.

The case is valid but every text field is hostile: markup, formulas, pipes, scripts, RTL,
emoji. Each format must carry these texts through unchanged (JSON) or inert (Markdown, CSV,
XLSX).
"""

from __future__ import annotations

import importlib
import json
import os
import re
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


# --- every user field hostile -------------------------------------------------------------

ZWJ_FAMILY = "👩\u200d👩\u200d👧"
PAYLOAD = (
    f"{SCRIPT}</textarea><img src=x onerror=alert(1)>\"'{{{{ 7*7 }}}}]]><!-- \\n\\ "
    f"{FORMULA} {KAZAKH} {ARABIC} {EMOJI} {ZWJ_FAMILY} zero\u200bwidth"
)
"""Markup, template and CDATA breakers, backslashes, a formula, Kazakh, Arabic, emoji, ZWJ."""
LEADS = ("=", "+", "-", "@", "\t", "")
"""What a spreadsheet reads as the start of a formula (and one field without)."""
UNSAFE = re.compile(r"[<>&\"'{}\[\]\\=+\-@|!/*_`#~$%()]")


def defang(text: str) -> str:
    """The same text with every character that could start markup, a template or a formula
    replaced by a letter: same length, same words, so layouts and wrapping stay the same."""
    return UNSAFE.sub("x", text).replace("\t", "x")


def every_field_case(safe: bool = False) -> dict[str, str]:
    """Case files in which every field an analyst writes holds hostile text, each different
    (``FIELD n`` leads it) and many starting with a formula character.

    With ``safe``, the same case with the dangerous characters defanged: a twin with the
    same structure, to compare rendered outputs with.
    """
    count = iter(range(1000))

    def text(lead: str = "", body: str = PAYLOAD) -> str:
        value = f"{lead}F{next(count)} {KAZAKH} {body}"
        return defang(value) if safe else value

    def q(value: str) -> str:  # a YAML double-quoted scalar (JSON's is one)
        return json.dumps(value, ensure_ascii=False)

    def lines(key: str, values: list[str], indent: str = "    ") -> str:
        return f"{indent}{key}:\n" + "".join(f"{indent}  - {q(v)}\n" for v in values)

    tab = "\t"
    notes = "# not a heading\n- not a list\n\n" + text("+")
    quotes = [text(body=f"the quote {n}: {PAYLOAD}") for n in range(3)]
    source = (
        "Hostile report\n\n"
        + "\n\n".join(f"Paragraph {n}. {quote} Then more." for n, quote in enumerate(quotes))
        + "\n"
    )
    hypotheses = f"""\
title: {q(text())}
question: {q(text("="))}
notes: {q(notes)}
hypotheses:
  - id: accident
    title: {q(text("="))}
    statement: {q(text("+"))}
    description: {q(text("-"))}
{lines("tags", [text("@"), text()])}{lines("indicators", [text("="), text(tab)])}\
  - id: crime
    title: {q(text("@"))}
    statement: {q(text())}
  - id: arson
    parent: crime
    title: {q(text("+"))}
    statement: {q(text("-"))}
  - id: fraud
    parent: crime
    title: {q(text("-"))}
    statement: {q(text("="))}
  - id: other
    title: {q(text(tab))}
    statement: {q(text("@"))}
statements:
  - id: s1
    text: {q(text("="))}
    contrary: [s2]
  - id: s2
    text: {q(text("-"))}
arguments:
  - id: a1
    claim: {q(text("+"))}
    premises: [van, s1]
    supports: arson
    rationale: {q(text("="))}
    scheme: {q(text("@"))}
  - id: a2
    claim: {q(text("-"))}
    premises: [alarm]
    attacks: accident
    rationale: {q(text())}
  - id: a3
    claim: {q(text("@"))}
    premises: [s2]
    undercuts: a1
"""
    evidence = f"""\
sources:
  - id: report
    title: {q(text("="))}
    author: {q(text("@"))}
    url: "javascript:alert(1)"
    file: sources/hostile.txt
  - id: gazette
    title: {q(text("-"))}
    author: {q(text("+"))}
    url: {q('https://example.org/a b"onmouseover=alert(1) <x>' if not safe else "https://example.org/a")}
    file: sources/hostile.txt
evidence:
  - id: van
    summary: {q(text("="))}
    source: report
    quote: {q(quotes[0])}
    originator: {q(text("+"))}
{lines("tags", [text("-"), text("@")])}\
    group: {q(text("="))}
    ratings: {{accident: I, arson: C, fraud: N, other: N}}
    rationale:
      accident: {q(text("-"))}
      arson: {q(text("@"))}
  - id: alarm
    summary: {q(text("+"))}
    source: gazette
    quote: {q(quotes[1])}
    credibility: high
    group: {q(text("="))}
    ratings: {{accident: II, arson: CC, fraud: C, other: I}}
    rationale:
      fraud: {q(text(tab))}
  - id: rumour
    summary: {q(text("-"))}
    kind: claim
    source: report
    quote: {q(quotes[2])}
    originator: {q(text("="))}
    ratings: {{accident: N, arson: I, fraud: C, other: NA}}
  - id: guess
    summary: {q(text("@"))}
    kind: assumption
    relevance: low
    ratings: {{accident: C, arson: N, fraud: I, other: N}}
    rationale:
      other: {q(text(tab))}
"""
    return {
        "hypotheses/case.yaml": hypotheses,
        "evidence/evidence.yaml": evidence,
        "evidence/sources/hostile.txt": source,
        "evidence/sources/report.txt": None,  # the write_case fixture's default source
    }
