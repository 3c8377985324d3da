"""The shipped Kazakhstan case stays valid, complete and reportable."""

from __future__ import annotations

import hashlib

from bs4 import BeautifulSoup

from argmap.cli import main
from argmap.load import load_case
from argmap.quotes import normalise

from .conftest import REPO

SEED_SHA256 = "5e605cb35deff23ddbb6839d6f72fe089261459bc4cc113a3bd69aeb3dd96631"


def test_shipped_case_checks_clean():
    result = load_case(REPO)
    assert result.warnings == []
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
    assert len(soup.select("table.ranking tbody:not(.groups) tr")) == len(case.leaves)
    cited = {m for mark in soup.find_all("mark") for m in mark["data-evidence"].split()}
    assert cited == {e.id for e in case.evidence if e.quote}
