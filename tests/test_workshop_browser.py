"""The rating sheet driven in a real browser (Playwright with the system Chromium, as in
test_browser.py): fill in ratings, reload, download, merge, and the report shows the
disagreement. Screenshots of the sheet and the report's workshop section go to test-output/.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from argmap.cli import main
from argmap.load import load_case

from .test_browser import OUTPUT, Page

pytestmark = [pytest.mark.browser]

BOB = """\
analyst: Bob Baker
ratings:
  van: {accident: N, arson: CC, other: N}
  alarm: {accident: CC, arson: II, other: NA}
rationale:
  alarm:
    accident: Old wiring trips alarms all the time.
"""
ALICE = "Alice <Able>"


@pytest.fixture
def workshop(write_case, runner, tmp_path):
    folder = write_case({"evidence/ratings/bob.yaml": BOB})
    sheet = tmp_path / "sheets" / "alice.html"
    result = runner.invoke(
        main, ["workshop", "sheet", str(folder), "--analyst", ALICE, "-o", str(sheet)]
    )
    assert result.exit_code == 0, result.output
    return folder, sheet


def _cell(page, evidence: str, hypothesis: str):
    return page.locator(f'tr.cell[data-evidence="{evidence}"][data-hypothesis="{hypothesis}"]')


def _rate(page, evidence: str, hypothesis: str, vote: str) -> None:
    _cell(page, evidence, hypothesis).locator(f"label.v-{vote}").click()


def test_fill_reload_download_merge_report(browser, workshop, runner, tmp_path):
    folder, sheet = workshop
    opened = Page(browser, sheet.as_uri(), viewport={"width": 1300, "height": 900})
    page = opened.page
    assert page.inner_text("#progress-text") == "0 of 6 cells rated (0%)"

    # Entries are checked as they are made.
    _rate(page, "alarm", "arson", "CC")
    message = _cell(page, "alarm", "arson").locator(".msg")
    assert message.inner_text() == "++ (CC) is a strong judgement: say why."
    assert "1 cell needs a look" in page.inner_text("#issues")
    _cell(page, "alarm", "arson").locator("textarea").fill(
        'Only someone with the code: "inside" job.'
    )
    assert message.inner_text() == ""
    assert page.inner_text("#issues") == ""
    _cell(page, "van", "other").locator("textarea").fill("Unclear.")
    assert "A reason without a rating" in _cell(page, "van", "other").locator(".msg").inner_text()

    for evidence, hypothesis, vote in [
        ("van", "accident", "I"),
        ("van", "arson", "C"),
        ("van", "other", "DK"),
        ("alarm", "accident", "I"),
        ("alarm", "other", "NA"),
    ]:
        _rate(page, evidence, hypothesis, vote)
    assert page.inner_text("#progress-text") == "6 of 6 cells rated (100%)"
    assert page.get_attribute("#progress", "value") == "6"
    # Clicking the chosen rating again clears it; choosing it again sets it back.
    _rate(page, "alarm", "other", "NA")
    assert page.inner_text("#progress-text") == "5 of 6 cells rated (83%)"
    _rate(page, "alarm", "other", "NA")

    # Reload: every entry is still there.
    page.reload()
    assert page.inner_text("#progress-text") == "6 of 6 cells rated (100%)"
    assert _cell(page, "van", "accident").locator("input[value=I]").is_checked()
    assert _cell(page, "van", "other").locator("input[value=DK]").is_checked()
    assert (
        _cell(page, "alarm", "arson").locator("textarea").input_value()
        == 'Only someone with the code: "inside" job.'
    )
    assert page.locator("article.item.complete").count() == 2

    # Another analyst's sheet in the same browser does not see these entries.
    other = tmp_path / "carol.html"
    runner.invoke(main, ["workshop", "sheet", str(folder), "--analyst", "Carol", "-o", str(other)])
    carol = Page(browser, other.as_uri())
    assert carol.page.inner_text("#progress-text") == "0 of 6 cells rated (0%)"
    carol.context.close()

    OUTPUT.mkdir(exist_ok=True)
    page.locator("article.item").first.scroll_into_view_if_needed()
    page.screenshot(path=str(OUTPUT / "sheet-desktop.png"))

    # Download the ratings file.
    with page.expect_download() as info:
        page.click("#download")
    download = info.value
    assert download.suggested_filename == "alice-able.yaml"
    mail = tmp_path / "mail"
    mail.mkdir()
    downloaded = mail / download.suggested_filename
    download.save_as(downloaded)
    document = yaml.safe_load(downloaded.read_text(encoding="utf-8"))
    assert document["analyst"] == ALICE
    assert document["round"] == 1
    assert document["ratings"] == {
        "van": {"accident": "I", "arson": "C", "other": "DK"},
        "alarm": {"accident": "I", "arson": "CC", "other": "NA"},
    }
    assert document["rationale"] == {
        "van": {"other": "Unclear."},
        "alarm": {"arson": 'Only someone with the code: "inside" job.'},
    }
    assert opened.requests == [] and opened.errors == []
    opened.context.close()

    # Merge it, and the report shows where Alice and Bob disagree.
    result = runner.invoke(main, ["workshop", "merge", str(downloaded), "--into", str(folder)])
    assert result.exit_code == 0, result.output
    assert [r.analyst for r in load_case(folder).ratings] == [ALICE, "Bob Baker"]
    report = tmp_path / "report.html"
    result = runner.invoke(main, ["report", str(folder), "-o", str(report)])
    assert result.exit_code == 0, result.output
    soup = BeautifulSoup(report.read_text(encoding="utf-8"), "html.parser")
    section = soup.find(id="workshop")
    bands = {
        row.th.get_text(strip=True): [td["class"][1] for td in row.select("td.heat")]
        for row in section.select("table.heatmap tbody tr")
    }
    # alarm: I vs CC (SD 2.12) extreme, CC vs II extreme, NA vs NA consensus;
    # van: I vs N and C vs CC one analyst a notch off (no dispute), DK vs N one vote.
    assert bands == {
        "The alarm was switched off.": ["band-extreme", "band-extreme", "band-consensus"],
        "Two men left in a van.": ["band-notch", "band-notch", "band-few"],
    }
    agenda = section.select(".agenda-item")
    assert (
        agenda[0]
        .select_one(".agenda-head")
        .get_text(" ", strip=True)
        .startswith("The alarm was switched off.")
    )
    assert 'Only someone with the code: "inside" job.' in section.get_text()
    assert ALICE not in report.read_text(encoding="utf-8")  # anonymised: A and B

    shown = Page(browser, report.as_uri() + "#workshop", viewport={"width": 1300, "height": 900})
    cell = shown.page.locator("table.heatmap td.heat.band-extreme").first
    cell.focus()
    assert cell.locator(".tip").is_visible()
    assert "extreme dispute" in cell.locator(".tip").inner_text()
    shown.page.locator("#workshop").screenshot(path=str(OUTPUT / "report-workshop.png"))
    assert shown.errors == [] and shown.requests == []
    shown.context.close()


def test_round_two_sheet_fills_in_and_asks_why(browser, write_case, runner, tmp_path):
    folder = write_case({"evidence/ratings/bob.yaml": BOB})
    sheet = tmp_path / "bob2.html"
    result = runner.invoke(
        main,
        [
            "workshop",
            "sheet",
            str(folder),
            "--analyst",
            "Bob Baker",
            "--round",
            "2",
            "-o",
            str(sheet),
        ],
    )
    assert result.exit_code == 0, result.output
    opened = Page(browser, sheet.as_uri(), viewport={"width": 390, "height": 900})
    page = opened.page
    assert page.inner_text("#progress-text") == "6 of 6 cells rated (100%)"
    _rate(page, "alarm", "accident", "I")
    cell = _cell(page, "alarm", "accident")
    assert cell.locator(".msg").inner_text() == "Changed from ++ (CC) in round 1: say why."
    assert "changed" in cell.get_attribute("class")
    cell.locator("textarea").fill("The maintenance log shows no fault.")
    assert cell.locator(".msg").inner_text() == ""
    page.locator("article.item").first.scroll_into_view_if_needed()
    page.screenshot(path=str(OUTPUT / "sheet-narrow.png"))
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1
    with page.expect_download() as info:
        page.click("#download")
    target = tmp_path / Path(info.value.suggested_filename)
    info.value.save_as(target)
    assert target.name == "bob-baker.round2.yaml"
    result = runner.invoke(main, ["workshop", "merge", str(target), "--into", str(folder)])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""  # the change has its reason: no warning
    report = tmp_path / "report.html"
    assert runner.invoke(main, ["report", str(folder), "-o", str(report)]).exit_code == 0
    soup = BeautifulSoup(report.read_text(encoding="utf-8"), "html.parser")
    changes = [
        [td.get_text(" ", strip=True) for td in row.find_all("td")]
        for row in soup.select("#workshop table.ws-changes tbody tr")
    ]
    assert changes == [
        [
            "1 → 2",
            "A",
            "The alarm was switched off.",
            "Accident",
            "++ → −",
            "The maintenance log shows no fault.",
        ]
    ]
    assert opened.errors == [] and opened.requests == []
    opened.context.close()


def test_heatmap_filters_by_band_and_the_agenda_unfolds(browser, write_case, runner, tmp_path):
    from .test_workshop import many_disputes

    folder = many_disputes(write_case)
    report = tmp_path / "report.html"
    result = runner.invoke(main, ["report", str(folder), "-o", str(report)])
    assert result.exit_code == 0, result.output
    shown = Page(browser, report.as_uri() + "#workshop", viewport={"width": 1300, "height": 900})
    page = shown.page
    rows = page.locator("#heatmap tbody tr")
    visible_rows = "rows => rows.filter(r => !r.hidden).length"
    assert rows.count() == 22
    box = {
        band: page.locator(f'#heat-filter input[value="{band}"]')
        for band in ("consensus", "notch", "mild", "large", "extreme", "few")
    }
    assert page.locator("#heat-filter").is_visible()
    assert page.eval_on_selector_all("#heatmap tbody tr", visible_rows) == 22
    # Only the extreme cells: the twenty items with CC/II splits; the warehouse's two rows
    # (one analyst a notch off or no vote at all) go.
    for band in ("consensus", "notch", "mild", "large", "few"):
        if box[band].is_enabled():
            box[band].uncheck()
    assert page.eval_on_selector_all("#heatmap tbody tr", visible_rows) == 20
    on = page.locator("#heatmap td.heat:not(.heat-off)")
    assert set(on.evaluate_all("cells => cells.map(c => c.dataset.band)")) == {"extreme"}
    assert "20 of 22 items" in page.inner_text("#heat-filter-status")
    # Nothing chosen: no row; every band again: every row.
    box["extreme"].uncheck()
    assert page.eval_on_selector_all("#heatmap tbody tr", visible_rows) == 0
    for band in box.values():
        if band.is_enabled():
            band.check()
    assert page.eval_on_selector_all("#heatmap tbody tr", visible_rows) == 22
    assert page.inner_text("#heat-filter-status") == "Every item shown."

    # The agenda: 25 shown, a button for the other 35, every item in the page.
    shown_items = "l => l.filter(i => i.offsetParent).length"
    items = page.locator("#agenda > li")
    assert items.count() == 60
    assert page.eval_on_selector_all("#agenda > li", shown_items) == 25
    more = page.locator("button.agenda-more")
    assert more.inner_text() == "Show the other 35 disputed cells"
    assert more.get_attribute("aria-expanded") == "false"
    more.click()
    assert page.eval_on_selector_all("#agenda > li", shown_items) == 60
    assert more.get_attribute("aria-expanded") == "true"
    # Printed, everything shows, without the controls.
    more.click()
    page.emulate_media(media="print")
    assert page.eval_on_selector_all("#agenda > li", shown_items) == 60
    assert not more.is_visible() and not page.locator("#heat-filter").is_visible()
    page.emulate_media(media="screen")
    page.locator("#heat-filter").screenshot(path=str(OUTPUT / "report-workshop-heatmap.png"))
    assert shown.errors == [] and shown.requests == []
    shown.context.close()
