"""The evidence map's compact drawing and its order: items that separate the leading
hypotheses, the most diagnostic on top on each side, checked in Graphviz's own coordinates."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html import unescape

import pytest

from argmap.load import load_case
from argmap.render.dot import (
    drawn_evidence,
    evidence_map,
    leading_hypotheses,
    separating_evidence,
)
from argmap.render.engine import layout
from argmap.scoring import score_case

from .conftest import REPO, SOURCES

# File order is the reverse of diagnosticity on both sides, so only a sort puts them right.
# Accident and arson lead, tied; `other` trails. wiring and alarm tell the leaders apart;
# start and van bear only on `other`.
EVIDENCE = (
    SOURCES
    + """\
evidence:
  - id: wiring
    summary: The wiring was outdated.
    source: report
    quote: Inspectors had flagged the wiring as outdated a year earlier.
    ratings: {accident: C, arson: N, other: N}
  - id: alarm
    summary: The alarm was switched off.
    source: report
    quote: The alarm system had been switched off at 22:10.
    ratings: {accident: N, arson: CC, other: N}
  - id: start
    summary: The fire started after 23:00.
    source: report
    quote: The fire started shortly after 23:00 on 3 March.
    ratings: {accident: N, arson: N, other: I}
  - id: van
    summary: Two men left in a van.
    source: report
    quote: Witnesses saw two men leave the yard in a van.
    ratings: {accident: N, arson: N, other: II}
"""
)

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def case(write_case):
    return load_case(write_case({"evidence/evidence.yaml": EVIDENCE})).case


def _tops(svg: bytes, prefix: str) -> dict[str, tuple[float, float]]:
    """Node id → (x, y) of its first line of text in the drawing's coordinates (y grows
    downwards), whatever the node's shape."""
    found = {}
    for g in ET.fromstring(svg).iter(f"{SVG}g"):
        ident = g.get("id", "")
        text = g.find(f".//{SVG}text")
        if g.get("class") == "node" and ident.startswith(prefix) and text is not None:
            found[ident[len(prefix) :]] = (float(text.get("x", 0)), float(text.get("y", 0)))
    return found


def test_the_leaders_are_those_ranked_first_or_the_first_two(case):
    scores = score_case(case)
    assert leading_hypotheses(scores) == ["accident", "arson"]
    # One hypothesis alone at the top: it leads with the runner-up.
    ranks = [2, 3, 1]
    alone = type(scores)(
        scores.matrix,
        scores.inconsistency,
        scores.weighted_inconsistency,
        scores.diagnosticity,
        ranks,
        [2, 0, 1],
        scores.evidence_order,
    )
    leaders = leading_hypotheses(alone)
    assert leaders == [scores.matrix.hypothesis_ids[2], scores.matrix.hypothesis_ids[0]]


def test_compact_keeps_the_items_that_separate_the_leaders_most_diagnostic_first(case):
    scores = score_case(case)
    assert [e.id for e in drawn_evidence(case, scores)] == ["alarm", "van", "wiring", "start"]
    assert [e.id for e in separating_evidence(case, scores)] == ["alarm", "wiring"]
    assert [e.id for e in drawn_evidence(case, scores, compact=True)] == ["alarm", "wiring"]
    # The limit cuts the drawn items first: the compact map is a part of the full one.
    assert [e.id for e in drawn_evidence(case, scores, 2, compact=True)] == ["alarm"]


def test_compact_falls_back_to_the_diagnostic_items_when_none_separates_the_leaders(write_case):
    evidence = EVIDENCE.replace(
        "{accident: C, arson: N, other: N}", "{accident: N, arson: N, other: N}"
    )
    evidence = evidence.replace(
        "{accident: N, arson: CC, other: N}", "{accident: C, arson: C, other: C}"
    )
    case = load_case(write_case({"evidence/evidence.yaml": evidence})).case
    scores = score_case(case)
    assert separating_evidence(case, scores) == []
    # alarm (C everywhere) is drawn but tells nothing apart; van and start do (N against I).
    assert [e.id for e in drawn_evidence(case, scores)] == ["van", "start", "alarm"]
    assert [e.id for e in drawn_evidence(case, scores, compact=True)] == ["van", "start"]


def test_each_side_reads_most_diagnostic_first_from_the_top(case):
    scores = score_case(case)
    svg = layout(evidence_map(case, scores), "svg")
    at = _tops(svg, "em-")
    assert set(at) >= {"alarm", "wiring", "start", "van"}
    # Consistent items on the left, inconsistent ones on the right, the hypotheses between,
    # even `other`, which only items against point at.
    for hypothesis in ("accident", "arson", "other"):
        assert max(at["alarm"][0], at["wiring"][0]) < at[hypothesis][0]
        assert at[hypothesis][0] < min(at["van"][0], at["start"][0])
    assert at["alarm"][1] < at["wiring"][1]
    assert at["van"][1] < at["start"][1]


def test_the_compact_drawing_has_ids_of_its_own(case):
    scores = score_case(case)
    source = evidence_map(case, scores, compact=True)
    assert "digraph evidence_map_compact" in source
    assert 'id="emc-alarm"' in source and 'id="em-' not in source
    assert "start" not in source and "van" not in source
    at = _tops(layout(source, "svg"), "emc-")
    assert at["alarm"][1] < at["wiring"][1]


def test_the_shipped_case_sorts_each_side_by_diagnosticity():
    case = load_case(REPO).case
    scores = score_case(case)
    diagnosticity = dict(zip(scores.matrix.evidence_ids, scores.diagnosticity, strict=True))
    for compact in (False, True):
        prefix = "emc-" if compact else "em-"
        at = _tops(layout(evidence_map(case, scores, compact=compact), "svg"), prefix)
        items = [e.id for e in drawn_evidence(case, scores, compact=compact)]
        assert items and set(items) <= set(at)
        middle = at[case.leaves[0].id][0]
        for side in (
            [i for i in items if at[i][0] < middle],
            [i for i in items if at[i][0] > middle],
        ):
            from_top = sorted(side, key=lambda i: at[i][1])
            values = [diagnosticity[i] for i in from_top]
            assert values == sorted(values, reverse=True), (compact, from_top)


def _evidence_figure(html: str) -> str:
    start = html.index('<figure class="diagram" id="evidence-map">')
    return unescape(html[start : html.index("</figure>", start)])


def test_the_report_draws_the_compact_map_and_the_full_one_when_they_differ(write_case):
    from argmap.render.report import build_report

    figure = _evidence_figure(
        build_report(load_case(write_case({"evidence/evidence.yaml": EVIDENCE})))
    )
    compact = figure.index('data-variant="compact"')
    full = figure.index('data-variant="all"')
    assert compact < full
    assert 'id="emc-alarm"' in figure[compact:full] and 'id="emc-van"' not in figure
    assert 'id="em-van"' in figure[full:]
    ids = re.findall(r' id="([^"]+)"', figure)
    assert len(ids) == len(set(ids)), "the two drawings share an id"
    caption = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", figure[: figure.index("</figcaption>")]))
    assert (
        "only the 2 items whose ratings differ among the leading hypotheses (Accident, Arson)"
        in caption
    )
    assert "leaves out 2 of the 4 drawn items" in caption


def test_the_report_draws_one_map_when_the_compact_one_would_draw_every_item(write_case):
    from argmap.render.report import build_report

    # The default case: both items tell the leaders apart.
    figure = _evidence_figure(build_report(load_case(write_case())))
    assert "data-variant" not in figure and "Compact view" not in figure
    assert figure.count("<svg") == 1


def test_the_command_line_draws_the_compact_and_the_limited_map(runner):
    from argmap.cli import main

    case = load_case(REPO).case
    scores = score_case(case)

    items = {e.id for e in case.evidence}

    def drawn(*options: str) -> list[str]:
        """The items a drawing has a node for, as prefix-id."""
        result = runner.invoke(main, ["diagram", str(REPO), "--format", "dot", *options])
        assert result.exit_code == 0, result.output
        found = re.findall(r' id="(emc?)-([^"]+)"', result.stdout)
        return [f"{prefix}-{ident}" for prefix, ident in found if ident in items]

    compact = [e.id for e in drawn_evidence(case, scores, compact=True)]
    everything = [e.id for e in drawn_evidence(case, scores)]
    assert 0 < len(compact) < len(everything)
    assert sorted(drawn("--compact")) == sorted(f"emc-{i}" for i in compact)
    assert sorted(drawn("--max-evidence", "5")) == sorted(f"em-{i}" for i in everything[:5])
    refused = runner.invoke(main, ["diagram", str(REPO), "--kind", "arguments", "--compact"])
    assert refused.exit_code == 2
    assert "--max-evidence and --compact go with --kind evidence" in refused.stderr
