"""WCAG 2 A and AA, checked by axe-core in Chromium (Playwright with the system Chromium, as in
test_browser.py) on everything argmap shows in a browser: the report of the shipped case, a
report with a workshop section, the rating sheet, and every page of the live workshop server,
before and after the reveal. axe-core is vendored under tests/data/axe-core/ (MPL-2.0, see its
SOURCE.md): the pages are read offline and the script never comes from the network."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import httpx
import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from argmap.cli import main
from argmap.load import load_case

from .conftest import EVIDENCE, HYPOTHESES, REPO, SOURCE_TEXT, write_case_files
from .test_browser import Page, write_disagreeing_report
from .test_server import real_server  # noqa: F401  (a fixture)

pytestmark = [pytest.mark.browser]

AXE = REPO / "tests" / "data" / "axe-core" / "axe.min.js"
WCAG_RULES = "{runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}}"
BOB = """\
analyst: Bob Baker
ratings:
  van: {accident: N, arson: CC, other: N}
  alarm: {accident: CC, arson: II, other: NA}
"""
CAROL = """\
analyst: Carol Cole
ratings:
  van: {accident: I, arson: II, other: N}
  alarm: {accident: C, arson: CC, other: N}
"""


def axe_violations(page) -> list[dict]:
    """Run axe-core on the page as it is now; its violations of WCAG 2 A and AA."""
    page.add_script_tag(path=str(AXE))
    return page.evaluate(f"() => axe.run(document, {WCAG_RULES}).then(r => r.violations)")


def _described(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            lines.append(f"    {' '.join(map(str, node['target']))}")
            lines.append(f"      {node['failureSummary']}".replace("\n", "\n      "))
    return "\n".join(lines)


def assert_accessible(page, what: str) -> None:
    violations = axe_violations(page)
    assert violations == [], f"axe-core finds in {what}:\n{_described(violations)}"


def test_the_vendored_axe_core_finds_what_it_should(browser, tmp_path):
    # The check itself can fail: a page with the faults the templates once had is caught.
    bad = tmp_path / "bad.html"
    bad.write_text(
        '<!doctype html><html lang="en"><head><title>t</title></head><body><main>'
        '<p style="color:#aaa;background:#fff">faint text</p>'
        '<div style="overflow:auto;height:40px"><p>a</p><p>b</p><p>c</p><p>d</p></div>'
        '<div role="button" tabindex="0"><a href="#x">nested</a></div>'
        "</main></body></html>",
        encoding="utf-8",
    )
    opened = Page(browser, bad.as_uri())
    found = {v["id"] for v in axe_violations(opened.page)}
    assert {"color-contrast", "scrollable-region-focusable", "nested-interactive"} <= found
    opened.context.close()


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("a11y")
    shipped = folder / "shipped.html"
    result = CliRunner().invoke(main, ["report", str(REPO), "-o", str(shipped)])
    assert result.exit_code == 0, result.output
    case = write_case_files(
        folder / "case",
        {
            "hypotheses/case.yaml": HYPOTHESES,
            "evidence/evidence.yaml": EVIDENCE,
            "evidence/sources/report.txt": SOURCE_TEXT,
            "evidence/ratings/bob.yaml": BOB,
            "evidence/ratings/carol.yaml": CAROL,
        },
    )
    workshop = folder / "workshop.html"
    result = CliRunner().invoke(main, ["report", str(case), "-o", str(workshop)])
    assert result.exit_code == 0, result.output
    sheet = folder / "sheet.html"
    result = CliRunner().invoke(
        main, ["workshop", "sheet", str(REPO), "--analyst", "Alice", "-o", str(sheet)]
    )
    assert result.exit_code == 0, result.output
    return {"shipped": shipped, "workshop": workshop, "sheet": sheet}


@pytest.mark.parametrize("width", [1300, 390])
@pytest.mark.parametrize("name", ["shipped", "workshop", "sheet"])
def test_files_have_no_violations(browser, reports, name, width):
    opened = Page(browser, reports[name].as_uri(), viewport={"width": width, "height": 900})
    opened.page.wait_for_load_state("networkidle")
    assert_accessible(opened.page, f"{name} at {width} px")
    assert opened.errors == [] and opened.requests == []
    opened.context.close()


@pytest.mark.server
def test_every_server_page_has_no_violations(browser, tmp_path, real_server):  # noqa: F811
    # The shipped case, so that the pages are as long as a real workshop's (its lists scroll).
    case = tmp_path / "shipped"
    shutil.copytree(REPO / "hypotheses", case / "hypotheses")
    shutil.copytree(REPO / "evidence", case / "evidence")
    evidence = load_case(case).case.evidence[0].id
    server = real_server(case)
    # The pages' CSP rightly forbids an injected script; this context alone bypasses it.
    context = browser.new_context(viewport={"width": 1300, "height": 900}, bypass_csp=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))

    def check(url: str, what: str) -> None:
        page.goto(url)
        page.wait_for_load_state("networkidle")
        assert_accessible(page, what)

    check(server.link, "the facilitator's page with nobody invited")
    with httpx.Client(timeout=20) as client:
        csrf = json.loads(
            BeautifulSoup(client.get(server.link).text, "html.parser")
            .select_one("#server-data")
            .text
        )["csrf"]

        def post(path: str, body: dict) -> httpx.Response:
            answer = client.post(
                f"{server.base}/api/f/{server.token}/{path}",
                json=body,
                headers={"X-CSRF-Token": csrf},
            )
            assert answer.status_code in (200, 201), answer.text
            return answer

        alice = post("participants", {"name": "Alice"}).json()["link"]
        bob = post("participants", {"name": "Bob"}).json()["link"]
        for link, vote in ((alice, "CC"), (bob, "II")):
            own = json.loads(
                BeautifulSoup(client.get(link).text, "html.parser").select_one("#server-data").text
            )["csrf"]
            saved = client.post(
                link.replace("/p/", "/api/p/") + "/ratings",
                json={"evidence": evidence, "hypothesis": "colour-revolution", "vote": vote},
                headers={"X-CSRF-Token": own},
            )
            assert saved.status_code == 200, saved.text
            for path, body in (
                ("/comments", {"evidence": evidence, "hypothesis": None, "text": "Why so?"}),
                ("/proposals", {"type": "vote", "evidence": evidence, "credibility": "low"}),
                ("/proposals", {"type": "hypothesis", "title": "Aliens", "statement": "No."}),
            ):
                sent = client.post(
                    link.replace("/p/", "/api/p/") + path,
                    json=body,
                    headers={"X-CSRF-Token": own},
                )
                assert sent.status_code in (201, 422), sent.text
        check(server.link, "the facilitator's page with two participants, comments, proposals")
        check(f"{server.link}/present", "the presenter view before the reveal")
        check(alice, "a participant's sheet, open")
        # The reveal's confirmation step, open in the page.
        page.goto(server.link)
        page.wait_for_load_state("networkidle")
        page.click("#reveal")
        page.wait_for_selector("#step:not([hidden])")
        assert_accessible(page, "the facilitator's page with the reveal step open")
        post("reveal", {})
    check(server.link, "the facilitator's page after the reveal")
    check(f"{server.link}/present", "the presenter view")
    check(alice, "a participant's sheet, locked")
    page.click("details.discussion summary >> nth=0")
    assert_accessible(page, "a participant's sheet with a discussion open")
    check(alice + "/results", "a participant's results")
    assert errors == []
    context.close()


def test_the_report_in_use_has_no_violations(browser, reports, tmp_path):
    # What scripts change is checked too: a sorted, filtered matrix, a passage highlighted, a
    # rationale shown, a zoomed diagram; and a case whose map and matrix disagree.
    opened = Page(browser, reports["shipped"].as_uri(), viewport={"width": 1300, "height": 900})
    p = opened.page
    p.click("#matrix-table button[data-sort=position]")
    p.locator("#matrix-table tbody tr").nth(2).locator("td.date").click()
    p.locator("#matrix-table td.cell:has(.tip)").first.focus()
    p.click("#evidence-map .zoom button[data-zoom=in]")
    p.click("#evidence-map button.variant-toggle")
    assert p.locator("mark.active").count() >= 1
    assert_accessible(p, "the report after sorting, a click on a row, a zoom, every evidence item")
    assert opened.errors == [] and opened.requests == []
    opened.context.close()

    out = write_disagreeing_report(tmp_path)
    opened = Page(browser, out.as_uri(), viewport={"width": 1300, "height": 900})
    assert opened.page.locator("#coherence ul.coherence li").count() >= 1
    assert_accessible(opened.page, "a report whose map and matrix disagree")
    opened.context.close()


def test_the_sheet_in_use_has_no_violations(browser, reports):
    # A strong rating without a reason, and a reason without a rating: both messages show.
    opened = Page(browser, reports["sheet"].as_uri(), viewport={"width": 1300, "height": 900})
    p = opened.page
    cells = p.locator("tr.cell")
    cells.nth(0).locator("label.v-CC").click()
    cells.nth(1).locator("textarea").fill("Unclear.")
    assert "say why" in cells.nth(0).locator(".msg").inner_text()
    assert p.inner_text("#issues") != ""
    cells.nth(0).locator("label.v-CC").hover()  # a chosen rating stays legible under the pointer
    assert_accessible(p, "the rating sheet with two messages")
    assert opened.errors == [] and opened.requests == []
    opened.context.close()
