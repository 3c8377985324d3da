"""Proposals on the rating sheet in a real browser (Playwright with the system Chromium):
select a passage of the source, propose it as an evidence item, propose a hypothesis, vote
on an item; download the ratings file, merge it with the proposals accepted, and the case
checks clean with the evidence file changed by the new item alone. Screenshots of the sheet
in rounds 1 and 2 go to test-output/."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from argmap.cli import main
from argmap.load import load_case

from .conftest import REPO
from .test_accessibility import assert_accessible
from .test_browser import OUTPUT, Page, playwright_api
from .test_server import real_server  # noqa: F401  (a fixture)
from .test_sheet import CAROL, DAN, EVE

pytestmark = [pytest.mark.browser]

SELECT = """([box, afterMark, from, to]) => {
  const paragraph = document.querySelector(box);
  const text = afterMark ? paragraph.querySelector("mark").nextSibling : paragraph.firstChild;
  const range = document.createRange();
  range.setStart(text, from);
  range.setEnd(text, to);
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
}"""
expect = playwright_api.expect


def _passage(text: str) -> tuple[int, int, str]:
    """A stretch of a paragraph of the shipped source with a curly apostrophe in it."""
    at = text.index("’")
    start = text.rfind(" ", 0, at - 30) + 1
    end = text.find(" ", at + 40)
    return start, end, text[start:end]


def test_propose_download_merge_and_the_case_checks_clean(browser, tmp_path, runner):
    folder = tmp_path / "case"
    shutil.copytree(REPO / "hypotheses", folder / "hypotheses")
    shutil.copytree(
        REPO / "evidence", folder / "evidence", ignore=shutil.ignore_patterns("ratings")
    )
    sheet = tmp_path / "ann.html"
    made = runner.invoke(
        main, ["workshop", "sheet", str(folder), "--analyst", "Ann", "-o", str(sheet)]
    )
    assert made.exit_code == 0, made.output
    opened = Page(browser, sheet.as_uri(), viewport={"width": 1300, "height": 900})
    page = opened.page

    # Select a passage in the source text: the button to propose it appears.
    source = page.locator("details.source").first
    source.locator("summary").click()
    paragraphs = source.locator(".source-text p")
    index = next(
        n
        for n in range(paragraphs.count())
        if "’" in (found := paragraphs.nth(n).inner_text())[60:-60] and len(found) > 300
    )
    text = paragraphs.nth(index).inner_text()
    start, end, selected = _passage(text)
    box = f".source-text p:nth-child({index + 1})"
    page.evaluate(SELECT, [box, False, start, end])
    floating = page.locator("#propose-selection")
    floating.wait_for(state="visible")
    assert page.locator("#propose-selection-button").is_enabled()
    floating.click()
    dialog = page.locator("#evidence-dialog")
    assert dialog.is_visible()
    assert page.input_value("#ev-quote") == " ".join(selected.split())
    page.fill("#ev-summary", "A proposed item from the source.")
    page.select_option("#ev-kind", "claim")
    page.select_option("#ev-credibility", "low")
    page.fill("#ev-note", "Nobody rated this passage.")
    page.screenshot(path=str(OUTPUT / "sheet-propose-evidence.png"))
    assert_accessible(page, "the sheet proposing an evidence item")
    dialog.locator("button[type=submit]").click()
    assert not dialog.is_visible()
    assert "A proposed item from the source." in page.inner_text("#proposal-list")

    # A hypothesis, and a vote on an item's credibility.
    page.click("#propose-hypothesis-open")
    page.fill("#hy-title", "Clan rivalry")
    page.fill("#hy-statement", "Regional clans fought out a succession dispute.")
    page.locator("#hypothesis-dialog button[type=submit]").click()
    vote = page.locator('details.item-vote[data-evidence="csto-force"]')
    vote.locator("summary").click()
    vote.locator('select[data-vote="relevance"]').select_option("high")

    # Kept across a reload, like the ratings.
    page.reload()
    assert page.locator("#proposal-list li").count() == 2

    with page.expect_download() as info:
        page.click("#download")
    target = tmp_path / Path(info.value.suggested_filename)
    info.value.save_as(target)
    written = yaml.safe_load(target.read_text(encoding="utf-8"))
    assert written["proposals"] == [
        {
            "type": "evidence",
            "source": "kazakhstans-unrest",
            "quote": " ".join(selected.split()),
            "summary": "A proposed item from the source.",
            "kind": "claim",
            "credibility": "low",
            "note": "Nobody rated this passage.",
        },
        {
            "type": "hypothesis",
            "title": "Clan rivalry",
            "statement": "Regional clans fought out a succession dispute.",
        },
        {"type": "vote", "evidence": "csto-force", "relevance": "high"},
    ]
    assert opened.errors == [] and opened.requests == []
    opened.context.close()

    merged = runner.invoke(
        main,
        ["workshop", "merge", str(target), "--into", str(folder), "--accept-proposals", "1"],
    )
    assert merged.exit_code == 0, merged.output
    assert '2. hypothesis: "Clan rivalry" (from Ann): not written' in merged.stdout
    assert "votes on csto-force (advisory, not written): relevance high ×1" in merged.stdout
    checked = runner.invoke(main, ["check", str(folder)])
    assert checked.exit_code == 0, checked.output
    evidence = folder / "evidence" / "kazakhstan.yaml"
    # The editing engine keeps the backup in the case's .argmap/ (git ignores it).
    backup = folder / ".argmap" / "backups" / "evidence" / "kazakhstan.yaml.bak"
    assert not evidence.with_name("kazakhstan.yaml.bak").exists()
    diff = subprocess.run(
        ["git", "diff", "--no-index", "--unified=0", str(backup), "kazakhstan.yaml"],
        cwd=evidence.parent,
        capture_output=True,
        text=True,
    ).stdout
    changed = [line for line in diff.splitlines()[4:] if not line.startswith("@@")]
    assert changed == [
        "+",
        "+  - id: a-proposed-item-from-the-source",
        "+    summary: A proposed item from the source.",
        "+    kind: claim",
        "+    source: kazakhstans-unrest",
        *[
            ("+    quote: " if n == 0 else "+      ") + line
            for n, line in enumerate(
                yaml.safe_dump({"quote": " ".join(selected.split())}, allow_unicode=True, width=100)
                .removeprefix("quote: ")
                .rstrip("\n")
                .split("\n      ")
            )
        ],
        "+    credibility: low",
    ]
    item = load_case(folder).case.evidence_by_id["a-proposed-item-from-the-source"]
    assert item.quote == " ".join(selected.split())


def test_screenshots_of_rounds_one_and_two(browser, write_case, runner, tmp_path):
    folder = write_case(
        {
            "evidence/ratings/carol.yaml": CAROL,
            "evidence/ratings/dan.yaml": DAN,
            "evidence/ratings/eve.yaml": EVE,
        }
    )
    for number in (1, 2):
        sheet = tmp_path / f"carol{number}.html"
        made = runner.invoke(
            main,
            [
                "workshop",
                "sheet",
                str(folder),
                "--analyst",
                "Alice Able",
                "--round",
                str(number),
                "-o",
                str(sheet),
            ],
        )
        assert made.exit_code == 0, made.output
        opened = Page(browser, sheet.as_uri(), viewport={"width": 1300, "height": 1000})
        page = opened.page
        page.locator("article.item").first.scroll_into_view_if_needed()
        page.screenshot(path=str(OUTPUT / f"sheet-round{number}.png"), full_page=True)
        assert page.locator(".group-fb").count() == (6 if number == 2 else 0)
        assert opened.errors == []
        opened.context.close()


@pytest.mark.server
def test_live_sheet_sends_proposals_and_shows_the_decision(browser, write_case, real_server):  # noqa: F811
    import httpx
    from bs4 import BeautifulSoup

    from .test_server_browser import Tab

    folder = write_case()
    server = real_server(folder)
    with httpx.Client() as client:
        board = BeautifulSoup(client.get(server.link).text, "html.parser")
        csrf = json.loads(board.select_one("#server-data").text)["csrf"]
        answer = client.post(
            f"{server.base}/api/f/{server.token}/participants",
            json={"name": "Ann"},
            headers={"X-CSRF-Token": csrf},
        )
        assert answer.status_code == 201, answer.text
        link = answer.json()["link"]
        tab = Tab(browser, server.base)
        page = tab.page
        page.goto(link)
        # Select the words after the highlighted quote in the alarm item's paragraph.
        paragraph = '[data-evidence="alarm"] blockquote.passage p'
        after = page.locator(paragraph).inner_text().split("22:10. ")[1]
        wanted = "Inspectors had flagged the wiring as outdated"
        page.evaluate(SELECT, [paragraph, True, 1, 1 + len(wanted)])
        assert after.startswith(wanted)
        page.locator("#propose-selection").click()
        assert page.input_value("#ev-quote") == wanted
        page.fill("#ev-summary", "The wiring had been flagged.")
        page.locator("#evidence-dialog button[type=submit]").click()
        expect(page.locator("#proposal-status")).to_have_text(
            re.compile("^Sent to the facilitator")
        )
        vote = page.locator('details.item-vote[data-evidence="van"]')
        vote.locator("summary").click()
        vote.locator('select[data-vote="credibility"]').select_option("low")
        expect(vote.locator(".item-vote-msg")).to_have_text("sent")
        token = link.rsplit("/", 1)[1]
        mine = client.get(f"{server.base}/api/p/{token}/proposals").json()["proposals"]
        assert [p["proposal"]["type"] for p in mine] == ["evidence", "vote"]
        assert mine[0]["proposal"]["quote"] == wanted
        decided = client.post(
            f"{server.base}/api/f/{server.token}/proposals/{mine[0]['id']}",
            json={"decision": "accept", "reason": "Good catch."},
            headers={"X-CSRF-Token": csrf},
        )
        assert decided.status_code == 200, decided.text
    page.reload()
    expect(page.locator("#proposal-list li")).to_have_text(
        re.compile(r"The wiring had been flagged.*\(accepted: Good catch\.\)")
    )
    expect(vote.locator('select[data-vote="credibility"]')).to_have_value("low")
    assert tab.errors == [] and tab.outside == []
    case = load_case(folder).case
    assert case.evidence_by_id["the-wiring-had-been-flagged"].quote == wanted
    tab.context.close()
