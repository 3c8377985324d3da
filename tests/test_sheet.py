"""The rating sheet (argmap/workshop/sheet.py, templates/sheet.html): the paragraph around
each quote, one way of showing ratings with the report, the group's previous round beside
each cell, and proposals carried in the ratings file and taken in by `workshop merge`."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from bs4 import BeautifulSoup

from argmap.cli import main
from argmap.load import load_case
from argmap.vocabulary import VOCABULARY

from .conftest import REPO
from .test_workshop import ALICE as CAROL

DAN = """\
analyst: Danuta Zwq
ratings:
  van: {accident: I, arson: CC, other: N}
  alarm: {accident: CC, arson: II, other: NA}
rationale:
  alarm:
    accident: SECRET-REASON of Dan's.
"""
EVE = """\
analyst: Evelyn Qxj
ratings:
  van: {accident: I, arson: C, other: N}
  alarm: {accident: I, arson: C, other: NA}
"""


def _sheet(runner, folder, tmp_path, *args) -> tuple[str, BeautifulSoup]:
    out = tmp_path / "sheet.html"
    result = runner.invoke(main, ["workshop", "sheet", str(folder), "-o", str(out), *args])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    return html, BeautifulSoup(html, "html.parser")


def _text(node) -> str:
    return " ".join(node.get_text(" ", strip=True).split())


def test_the_sheet_shows_the_paragraph_around_each_quote(tmp_path, runner):
    _, soup = _sheet(runner, REPO, tmp_path, "--analyst", "Ann")
    case = load_case(REPO).case
    item = soup.select_one('article[data-evidence="protests-begin"]')
    passage = item.select_one("blockquote.passage")
    assert passage["data-source"] == "kazakhstans-unrest"
    quote = " ".join(case.evidence_by_id["protests-begin"].quote.split())
    marked = " ".join(passage.mark.get_text().split())
    assert marked.replace("’", "'") == quote.replace("’", "'")
    whole = _text(passage)
    assert len(whole) > len(marked) + 40  # the paragraph, not only the quote
    assert whole.index(marked) > 0
    # Every item with a quote has its paragraph, the quote highlighted in it.
    assert len(soup.select("blockquote.passage mark")) == len(case.quote_spans)
    # The source text is on the sheet, to select passages from.
    texts = soup.select(".source-text[data-source=kazakhstans-unrest] p")
    assert len(texts) > 10


def test_the_sheet_shows_ratings_as_the_report_does(write_case, tmp_path, runner):
    _, soup = _sheet(runner, write_case(), tmp_path, "--analyst", "Ann")
    legend = [_text(li) for li in soup.select(".vote-legend li")]
    # The report's legend: symbol, name, (code); the sheet adds the hint.
    assert legend[0] == "++ very consistent (CC)"
    assert legend[-1] == "? don't know (DK): you cannot judge it (not the same as NA)"
    buttons = soup.select('tr.cell[data-evidence="van"][data-hypothesis="arson"] label.v')
    assert [
        (b.select_one(".sym").get_text(), b.select_one(".vcode").get_text()) for b in buttons
    ] == [(r.symbol, r.code) for r in VOCABULARY]
    data = json.loads(soup.find(id="sheet-data").string)
    assert data["labels"]["II"] == "−− (II)" and data["labels"]["DK"] == "? (DK)"


def test_round_two_shows_the_group_round_one_without_names(write_case, tmp_path, runner):
    folder = write_case(
        {
            "evidence/ratings/carol.yaml": CAROL,
            "evidence/ratings/dan.yaml": DAN,
            "evidence/ratings/eve.yaml": EVE,
        }
    )
    html, soup = _sheet(runner, folder, tmp_path, "--analyst", "Alice Able", "--round", "2")

    def feedback(evidence, hypothesis):
        cell = soup.select_one(
            f'tr.cell[data-evidence="{evidence}"][data-hypothesis="{hypothesis}"]'
        )
        return " ".join(cell.select_one(".group-fb").get_text().split())

    # Three analysts: I, I, I is a consensus; C, CC, C one analyst a notch off.
    assert feedback("van", "accident") == "group, round 1: − I (= consensus: −×3)"
    assert feedback("van", "arson") == "group, round 1: + C (∼ one analyst a notch off: ++×1 +×2)"
    # II, CC, I: far apart. NA votes against applicability; DK is shown, not counted.
    assert feedback("alarm", "accident").startswith("group, round 1: 0 N (≠≠ extreme dispute:")
    assert feedback("alarm", "accident").endswith("++×1 −×1 −−×1)")
    assert feedback("alarm", "other") == "group, round 1: n/a NA (= consensus: n/a×2 ?×1)"
    assert "3 analysts" in _text(soup.select_one(".fb-howto"))
    # Nobody's name or reasons, and the analyst's own round 1 as before.
    assert "Zwq" not in html and "Qxj" not in html and "SECRET-REASON" not in html
    own = soup.select_one('tr.cell[data-evidence="alarm"][data-hypothesis="accident"] .before')
    assert _text(own) == "you, round 1: −− II"
    # An analyst alone has no group to hear from.
    alone = write_case({"evidence/ratings/carol.yaml": CAROL}, name="alone")
    _, solo = _sheet(runner, alone, tmp_path, "--analyst", "Alice Able", "--round", "2")
    assert solo.select(".group-fb") == []
    # Round 1 shows no feedback.
    _, first = _sheet(runner, folder, tmp_path, "--analyst", "Alice Able")
    assert first.select(".group-fb") == [] and first.select(".fb-howto") == []


PROPOSALS = """\
analyst: Ann
ratings:
  van: {accident: I, arson: C, other: N}
proposals:
  - type: evidence
    source: report
    quote: "Inspectors had flagged the wiring as outdated"
    summary: "The wiring had been flagged as outdated."
    kind: fact
    credibility: high
    note: "Bears on accident."
  - type: hypothesis
    title: Insurance fraud
    statement: The owner had the fire set for the insurance.
  - type: vote
    evidence: van
    credibility: low
  - type: evidence
    source: report
    quote: "The wiring was brand new."
    summary: Not in the source.
"""


def test_merge_lists_proposals_and_writes_nothing_unasked(write_case, tmp_path, runner):
    folder = write_case()
    incoming = tmp_path / "ann.yaml"
    incoming.write_text(PROPOSALS, encoding="utf-8")
    before = {
        p: p.read_bytes()
        for p in (folder / "evidence" / "evidence.yaml", folder / "hypotheses" / "case.yaml")
    }
    result = runner.invoke(main, ["workshop", "merge", str(incoming), "--into", str(folder)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[1:] == [
        "4 proposals in the files:",
        '  1. evidence item from report: "The wiring had been flagged as outdated." (from Ann):'
        " not written (accept it with --accept-proposals 1)",
        '  2. hypothesis: "Insurance fraud" (from Ann): not written (accept it with'
        " --accept-proposals 2)",
        "  3. vote on van: credibility low (from Ann): advisory",
        '  4. evidence item from report: "Not in the source." (from Ann): cannot be accepted:'
        " the quote is not in the text of 'report' as written",
        "votes on van (advisory, not written): credibility low ×1",
    ]
    assert all(path.read_bytes() == data for path, data in before.items())
    # A vote cannot be accepted, nor a number that is no proposal; nothing is written.
    for which, says in (("3", "proposal 3 is a vote"), ("5", "'5' is not the number")):
        refused = runner.invoke(
            main,
            [
                "workshop",
                "merge",
                str(incoming),
                "--into",
                str(folder),
                "--accept-proposals",
                which,
            ],
        )
        assert refused.exit_code == 1 and says in refused.stderr


def test_merge_writes_the_accepted_proposals(write_case, tmp_path, runner):
    folder = write_case()
    subprocess.run(["git", "init", "-q"], cwd=folder, check=True)
    incoming = tmp_path / "ann.yaml"
    incoming.write_text(PROPOSALS, encoding="utf-8")
    result = runner.invoke(
        main,
        ["workshop", "merge", str(incoming), "--into", str(folder), "--accept-proposals", "all"],
    )
    assert result.exit_code == 0, result.output
    assert "1. evidence item from report" in result.stdout
    assert "as 'the-wiring-had-been-flagged-as-outdated'; backup:" in result.stdout
    assert '2. hypothesis: "Insurance fraud" (from Ann): written to' in result.stdout
    case = load_case(folder).case
    item = case.evidence_by_id["the-wiring-had-been-flagged-as-outdated"]
    assert (item.quote, item.credibility, item.kind) == (
        "Inspectors had flagged the wiring as outdated",
        "high",
        "fact",
    )
    assert case.hypothesis_by_id["insurance-fraud"].statement.startswith("The owner")
    # Merged again, the file is unchanged and its proposals are in the case already.
    again = runner.invoke(
        main,
        ["workshop", "merge", str(incoming), "--into", str(folder), "--accept-proposals", "1,2"],
    )
    assert again.exit_code == 0, again.output
    assert "(unchanged)" in again.stdout
    assert "already has this quote, as 'the-wiring-had-been-flagged-as-outdated'" in again.stdout
    assert "already has a hypothesis titled so, 'insurance-fraud'" in again.stdout


def test_a_bad_proposal_in_a_ratings_file_is_refused_at_its_line(write_case, tmp_path, runner):
    folder = write_case()
    incoming = tmp_path / "ann.yaml"
    incoming.write_text(
        "analyst: Ann\nratings:\n  van: {accident: I}\nproposals:\n"
        "  - type: vote\n    evidence: van\n"
        "  - type: hypothesis\n    title: T\n    statement: S\n    credibility: high\n",
        encoding="utf-8",
    )
    result = runner.invoke(main, ["workshop", "merge", str(incoming), "--into", str(folder)])
    assert result.exit_code == 1
    assert (
        "ann.yaml:5: error: proposals[0]: a vote gives neither 'credibility' nor 'relevance'"
        in result.stderr
    )
    assert (
        "ann.yaml:7: error: proposals[1]: 'credibility' is not part of a proposal of type hypothesis"
        in result.stderr
    )
    assert not (folder / "evidence" / "ratings").exists()


@pytest.mark.parametrize("folder_name", ["shipped"])
def test_the_shipped_case_sheet_in_round_two_without_other_analysts(folder_name, tmp_path, runner):
    folder = tmp_path / folder_name
    shutil.copytree(REPO / "hypotheses", folder / "hypotheses")
    shutil.copytree(REPO / "evidence", folder / "evidence")
    _, soup = _sheet(runner, folder, tmp_path, "--analyst", "Ann", "--round", "2")
    assert soup.select(".group-fb") == []


@pytest.mark.server
def test_the_live_round_two_sheet_shows_the_group_round_one(write_case, tmp_path):
    from .test_server import Workshop

    ws = Workshop(write_case(), tmp_path / "db" / "workshop.sqlite")
    ann, bob, cy = ws.invite("Ann"), ws.invite("Bob Qzx"), ws.invite("Cy Qzy")
    for who, vote in ((ann, "C"), (bob, "CC"), (cy, "C")):
        assert who.rate("van", "arson", vote).status_code == 200
    page = BeautifulSoup(ws.client.get(f"/p/{ann.token}").text, "html.parser")
    assert page.select(".group-fb") == []  # round 1: nothing of the others
    assert ws.facilitator("reveal").status_code == 200
    assert ws.facilitator("round").status_code == 200
    html = ws.client.get(f"/p/{ann.token}").text
    page = BeautifulSoup(html, "html.parser")
    cell = page.select_one('tr.cell[data-evidence="van"][data-hypothesis="arson"] .group-fb')
    assert " ".join(cell.get_text().split()) == (
        "group, round 1: + C (∼ one analyst a notch off: ++×1 +×2)"
    )
    assert "Qzx" not in html and "Qzy" not in html
    assert json.loads(page.select_one("#server-data").text)["proposeUrl"].endswith("/proposals")
