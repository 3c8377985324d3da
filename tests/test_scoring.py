"""PARC ACH scores against hand-computed numbers."""

from __future__ import annotations

import json
import math

import pytest

from argmap.cli import main
from argmap.load import load_case
from argmap.scoring import score_case, scores_json, significant

THREE = """\
title: Scoring
question: Which?
hypotheses:
  - {id: h1, title: One, statement: One.}
  - {id: h2, title: Two, statement: Two.}
  - {id: h3, title: Three, statement: Three.}
"""

# Weights: e1 high×high = 2, e2 low×medium = 1/√2, e3 medium×medium = 1, e4 low×low = 1/2.
MATRIX = """\
evidence:
  - id: e1
    summary: First.
    kind: assumption
    credibility: high
    relevance: high
    ratings: {h1: I, h2: C, h3: II}
  - id: e2
    summary: Second.
    kind: assumption
    credibility: low
    ratings: {h1: II, h2: I, h3: N}
  - id: e3
    summary: Third.
    kind: assumption
    ratings: {h1: C, h2: CC, h3: I}
  - id: e4
    summary: Fourth.
    kind: assumption
    credibility: low
    relevance: low
    ratings: {h1: NA, h2: C, h3: C}
"""


@pytest.fixture
def scored(write_case):
    folder = write_case(
        {
            "hypotheses/case.yaml": THREE,
            "evidence/evidence.yaml": MATRIX,
            "evidence/sources/report.txt": None,
        }
    )
    case = load_case(folder).case
    return case, score_case(case)


def test_inconsistency_counts_only_I_and_II(scored):
    case, scores = scored
    assert scores.matrix.hypothesis_ids == ("h1", "h2", "h3")
    assert scores.inconsistency.tolist() == [-3.0, -1.0, -3.0]


def test_weighted_inconsistency_uses_parc_weights(scored):
    _, scores = scored
    expected = [2 * -1 + (1 / math.sqrt(2)) * -2, (1 / math.sqrt(2)) * -1, 2 * -2 + 1 * -1]
    assert scores.weighted_inconsistency.tolist() == pytest.approx(expected)
    assert scores.matrix.weight.tolist() == pytest.approx([2.0, 1 / math.sqrt(2), 1.0, 0.5])


def test_rank_one_is_closest_to_zero(scored):
    _, scores = scored
    assert scores.rank == [2, 1, 3]
    assert [scores.matrix.hypothesis_ids[j] for j in scores.order] == ["h2", "h1", "h3"]


def test_diagnosticity_is_weighted_spread_without_na(scored):
    _, scores = scored
    # e1: ratings −1, 1, −2 → spread 3, × 2; e2: −2, −1, 0 → 2 × 1/√2; e3: 1, 2, −1 → 3 × 1;
    # e4: NA left out, C and C → 0.
    assert scores.diagnosticity.tolist() == pytest.approx([6.0, math.sqrt(2), 3.0, 0.0])
    assert [scores.matrix.evidence_ids[i] for i in scores.evidence_order] == [
        "e1",
        "e3",
        "e2",
        "e4",
    ]


def test_scores_within_tolerance_share_a_rank_and_list_by_id(write_case):
    # √2 × √2 is 2.0000000000000004 in floating point: a tie with 2 to the analyst.
    hypotheses = THREE.replace("id: h1", "id: zeta").replace("id: h2", "id: alpha")
    evidence = """\
evidence:
  - {id: a, summary: A., kind: assumption, credibility: high, relevance: high,
     ratings: {zeta: I, alpha: N, h3: N}}
  - {id: b, summary: B., kind: assumption, ratings: {zeta: N, alpha: II, h3: N}}
  - {id: c, summary: C., kind: assumption, ratings: {zeta: N, alpha: N, h3: II}}
  - {id: d, summary: D., kind: assumption, ratings: {zeta: N, alpha: N, h3: I}}
"""
    folder = write_case(
        {
            "hypotheses/case.yaml": hypotheses,
            "evidence/evidence.yaml": evidence,
            "evidence/sources/report.txt": None,
        }
    )
    case = load_case(folder).case
    document = scores_json(case, score_case(case))
    assert [(h["id"], h["rank"]) for h in document["hypotheses"]] == [
        ("alpha", 1),
        ("zeta", 1),
        ("h3", 3),
    ]


def test_unrated_cells_score_as_zero_but_are_not_neutral_ratings(write_case):
    evidence = """\
evidence:
  - {id: a, summary: A., kind: assumption, ratings: {h1: I}}
"""
    folder = write_case(
        {
            "hypotheses/case.yaml": THREE,
            "evidence/evidence.yaml": evidence,
            "evidence/sources/report.txt": None,
        }
    )
    result = load_case(folder)
    scores = score_case(result.case)
    assert scores.inconsistency.tolist() == [-1.0, 0.0, 0.0]
    assert scores.matrix.rated.tolist() == [[True, False, False]]
    assert scores.diagnosticity.tolist() == [0.0]  # one value: no spread
    assert any("unrated against h2, h3" in p.message for p in result.warnings)


def test_only_leaves_are_scored_and_groups_listed(write_case):
    hypotheses = """\
title: Groups
question: Which?
hypotheses:
  - {id: coup, title: Coup, statement: A coup.}
  - {id: palace, title: Palace, statement: Palace coup., parent: coup}
  - {id: army, title: Army, statement: Army coup., parent: coup}
  - {id: other, title: Other, statement: Other.}
"""
    evidence = """\
evidence:
  - {id: a, summary: A., kind: assumption, ratings: {palace: I, army: C, other: II}}
"""
    folder = write_case(
        {
            "hypotheses/case.yaml": hypotheses,
            "evidence/evidence.yaml": evidence,
            "evidence/sources/report.txt": None,
        }
    )
    case = load_case(folder).case
    document = scores_json(case, score_case(case))
    assert [h["id"] for h in document["hypotheses"]] == ["army", "palace", "other"]
    assert document["hypotheses"][1]["parent"] == "coup"
    assert document["groups"] == [{"id": "coup", "title": "Coup", "children": ["palace", "army"]}]


def test_score_json_via_cli_rounds_to_six_significant_digits(scored, runner, write_case):
    folder = write_case(
        {
            "hypotheses/case.yaml": THREE,
            "evidence/evidence.yaml": MATRIX,
            "evidence/sources/report.txt": None,
        },
        name="cli",
    )
    result = runner.invoke(main, ["score", str(folder), "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    core = {
        "id": "h2",
        "title": "Two",
        "parent": None,
        "rank": 1,
        "inconsistency": -1.0,
        "weighted_inconsistency": -0.707107,
    }
    assert {key: document["hypotheses"][0][key] for key in core} == core
    assert document["hypotheses"][1]["weighted_inconsistency"] == -3.41421
    assert [(e["id"], e["diagnosticity"]) for e in document["evidence"]] == [
        ("e1", 6.0),
        ("e3", 3.0),
        ("e2", 1.41421),
        ("e4", 0.0),
    ]


def test_score_table_via_cli(write_case, runner):
    folder = write_case(
        {
            "hypotheses/case.yaml": THREE,
            "evidence/evidence.yaml": MATRIX,
            "evidence/sources/report.txt": None,
        }
    )
    result = runner.invoke(main, ["score", str(folder)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    ranking = [line.split() for line in lines if line.strip()[:1].isdigit()][:3]
    assert [row[:2] for row in ranking] == [["1", "Two"], ["2", "One"], ["3", "Three"]]
    assert "e1" in result.stdout.split("most diagnostic evidence:")[1]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (-3.414213562373095, -3.41421),
        (0.7071067811865476, 0.707107),
        (-0.0, 0.0),
        (123456789.0, 123457000.0),
        (0.0, 0.0),
    ],
)
def test_significant_digits(value, expected):
    result = significant(value)
    assert result == expected
    assert math.copysign(1, result) == math.copysign(1, expected)
