"""The shipped Kazakhstan case stays valid, complete and reportable."""

from __future__ import annotations

import hashlib
import re

from bs4 import BeautifulSoup

from argmap.cli import main
from argmap.coherence import disagreements
from argmap.commands import check
from argmap.load import load_case
from argmap.quotes import normalise

from .conftest import REPO

SEED_SHA256 = "5e605cb35deff23ddbb6839d6f72fe089261459bc4cc113a3bd69aeb3dd96631"


def test_shipped_case_has_no_errors_and_no_warnings():
    # The rebuild of the case (issue 15) cleared the twelve places where the map and the matrix
    # disagreed (issue 14's review): none may slip back in, and `check` is clean.
    result = load_case(REPO)  # raises CaseError on any error
    assert result.warnings == []  # the loader's own checks find nothing
    assert [(d.kind, d.ids) for d in disagreements(result.case)] == []
    _, warnings, _ = check(REPO)  # raises on any error
    assert warnings == []


def test_shipped_case_keeps_the_rules_of_its_rebuild():
    case = load_case(REPO).case
    leaves = [h.id for h in case.leaves]
    # The three explanations the article argues about, and the readings it leaves implicit.
    assert {"colour-revolution", "proletarian-uprising", "russian-destabilisation"} <= set(leaves)
    assert {"regime-let-run", "foreign-militants", "other"} <= set(leaves)
    assert case.leaves_under("elite-coup") == ("palace-coup", "knb-coup")
    # At least three scenarios of the case's own, each changing something.
    assert len(case.scenarios) >= 3 and all(s.changes for s in case.scenarios)
    # Every argument the verdicts read says in a weight what its rationale says.
    for argument in case.arguments:
        if argument.relation != "undercuts" and argument.rationale:
            assert argument.weight is not None, argument.id
    # Interested parties' claims are never counted as support for what they assert.
    interested = {o.id for o in case.originators if o.interest}
    assert {"tokayev", "nazarbayev", "putin", "ertysbayev"} <= interested
    for item in case.evidence:
        named = {o.id for o in case.originators_of(item)}
        if item.kind == "claim" and named and named <= interested:
            assert set(item.ratings.values()) <= {"N", "NA"}, item.id
    # Assumptions argued in the map are not rated as well (counted once).
    for item in case.evidence:
        if item.kind == "assumption":
            assert set(item.ratings.values()) <= {"N", "NA"}, item.id
            assert item.breaks_if, item.id
    # Indicators say when to look.
    for h in case.hypotheses:
        assert all(re.search(r"20\d\d|any time", text) for text in h.indicators), h.id


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
