"""The shipped Kazakhstan case stays valid, complete and reportable."""

from __future__ import annotations

import hashlib

from bs4 import BeautifulSoup

from argmap.cli import main
from argmap.coherence import coherence_warnings, disagreements
from argmap.commands import check
from argmap.load import load_case
from argmap.quotes import normalise

from .conftest import REPO

SEED_SHA256 = "5e605cb35deff23ddbb6839d6f72fe089261459bc4cc113a3bd69aeb3dd96631"


# Where the shipped case's argument map and matrix disagree (argmap.coherence): known
# findings of the review in issue 14, pinned here so that none is silenced and none slips in
# unnoticed. The rebuild of the shipped case (its own issue) clears them: empty this list then.
KNOWN_DISAGREEMENTS = [
    ("rated_for_defeated_argument", ("masimov-removed", "knb-coup", "purge-points-to-knb")),
    ("rated_for_defeated_argument", ("masimov-arrested", "knb-coup", "purge-points-to-knb")),
    ("rated_for_defeated_argument", ("knb-purge", "knb-coup", "purge-points-to-knb")),
    (
        "rated_for_defeated_argument",
        ("ertysbayev-allegation", "knb-coup", "ertysbayev-accuses-knb"),
    ),
    (
        "assumption_counted_twice",
        ("no-europe-aspiration", "no-route-to-europe", "level-headed-analysis"),
    ),
    ("assumption_counted_twice", ("capacity-assumption", "weakened-class-argument")),
    (
        "verdict_without_weights",
        (
            "colour-revolution",
            "western-plot-supports-cr",
            "no-plot-attacks-cr",
            "target-implies-plot",
            "allies-call-it-colour-revolution",
            "stake-attacks-plot",
            "level-headed-analysis",
            "geopolitics-makes-target",
            "west-stake",
        ),
    ),
    ("verdict_without_weights", ("foreign-militants", "official-foreign-militants")),
    (
        "verdict_without_weights",
        (
            "proletarian-uprising",
            "intensity-attacks-uprising",
            "outsiders-attack-uprising",
            "weakened-class-argument",
            "official-coup-claim",
            "timing-implies-outside-actors",
        ),
    ),
    (
        "verdict_without_weights",
        (
            "elite-coup",
            "faction-supports-elite-coup",
            "elite-faction-probable",
            "weakened-class-argument",
            "official-coup-claim",
            "timing-implies-outside-actors",
            "level-headed-analysis",
            "target-implies-plot",
            "allies-call-it-colour-revolution",
            "geopolitics-makes-target",
        ),
    ),
    (
        "verdict_without_weights",
        (
            "palace-coup",
            "palace-reading-supports-pc",
            "cui-bono-tokayev",
            "allies-attack-palace-coup",
            "security-council-reading",
            "nazarbayev-says-allies",
            "real-conflict-security-services",
            "csto-bypass",
        ),
    ),
    (
        "verdict_without_weights",
        (
            "knb-coup",
            "conflict-supports-knb",
            "purge-points-to-knb",
            "motive-and-opportunity",
            "ertysbayev-accuses-knb",
            "real-conflict-security-services",
            "security-council-reading",
            "nazarbayev-says-allies",
            "csto-bypass",
            "masimov-had-motive",
            "violence-gave-cover",
        ),
    ),
]


def test_shipped_case_has_no_errors_and_only_its_known_disagreements():
    result = load_case(REPO)  # raises CaseError on any error
    assert result.warnings == []  # the loader's own checks find nothing
    found = disagreements(result.case)
    assert [(d.kind, d.ids) for d in found] == KNOWN_DISAGREEMENTS
    # `argmap check` lists exactly these, as warnings, and nothing else.
    _, warnings, _ = check(REPO)
    assert all(p.severity == "warning" for p in warnings)
    expected = coherence_warnings(result, found)
    assert sorted(warnings, key=lambda p: p.sort_key) == sorted(expected, key=lambda p: p.sort_key)


def test_shipped_case_checks_clean():
    result = load_case(REPO)
    case = result.case
    leaves = {h.id for h in case.leaves}
    assert leaves >= {
        "colour-revolution",
        "foreign-militants",
        "proletarian-uprising",
        "palace-coup",
        "knb-coup",
        "other",
    }
    assert "elite-coup" not in leaves
    assert case.hypothesis_by_id["knb-coup"].parent == "elite-coup"
    assert all(h.indicators for h in case.hypotheses)
    assert len(case.evidence) >= 30 and len(case.arguments) >= 8
    assert any(a.relation == "undercuts" for a in case.arguments)
    for item in case.evidence:
        assert set(item.ratings) == leaves, item.id
        for hid, rating in item.ratings.items():
            if rating in ("CC", "II"):
                assert hid in item.rationale, f"{item.id}: {rating} on {hid} needs a rationale"
        if item.kind == "claim":
            assert item.originator, f"{item.id}: a claim names its originator"


def test_shipped_source_is_the_seed_text():
    shipped = (REPO / "evidence" / "sources" / "kazakhstans-unrest.txt").read_bytes()
    # The article exactly as the case was built from it (tests/data/external/SOURCES.md).
    assert hashlib.sha256(shipped).hexdigest() == SEED_SHA256
    case = load_case(REPO).case
    source = case.sources[0]
    assert source.author is None and source.published is None and source.url is None
    # Every quote is the source's own words at the recorded place.
    text = case.source_texts[source.id]
    for item in case.evidence:
        span = case.quote_spans.get(item.id)
        if item.quote:
            assert span is not None
            assert normalise(text[span.start : span.end]) == normalise(item.quote)


def test_report_on_the_shipped_case(runner, tmp_path):
    out = tmp_path / "report.html"
    result = runner.invoke(main, ["report", str(REPO), "-o", str(out)])
    assert result.exit_code == 0, result.output
    soup = BeautifulSoup(out.read_text(encoding="utf-8"), "html.parser")
    case = load_case(REPO).case
    assert len(soup.select("#matrix-table tbody tr")) == len(case.evidence)
    ranking = soup.select("table.ranking tbody:not(.groups) tr:not(.order-note)")
    assert len(ranking) == len(case.leaves)
    cited = {m for mark in soup.find_all("mark") for m in mark["data-evidence"].split()}
    assert cited == {e.id for e in case.evidence if e.quote}
