"""The Kazakhstan report driven in a real browser: Playwright with the system Chromium.

Screenshots go to test-output/ (desktop and narrow) for a person to look at.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from argmap.cli import main
from argmap.load import load_case
from argmap.render.pdf import CHROMIUM_FLAGS, find_chromium

from .conftest import REPO

pytestmark = [pytest.mark.browser]

playwright_api = pytest.importorskip("playwright.sync_api")

CHROMIUM_ARGS = [
    flag
    for flag in CHROMIUM_FLAGS
    if flag not in ("--no-pdf-header-footer", "--run-all-compositor-stages-before-draw")
]
OUTPUT = REPO / "test-output"


def _chromium() -> str:
    found = find_chromium()
    if found:
        return found
    if os.environ.get("ARGMAP_REQUIRE_ALL_ENGINES"):
        pytest.fail("Chromium is missing but ARGMAP_REQUIRE_ALL_ENGINES is set")
    pytest.skip("no system Chromium here (CI installs it)")


class Page:
    """A page opened offline from a file URL, recording requests and console errors."""

    def __init__(self, browser, url: str, **context_options):
        self.context = browser.new_context(**context_options)
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto(url)

    def _route(self, route):
        url = route.request.url
        if url.startswith("file://") or url.startswith("data:"):
            route.continue_()
        else:
            self.requests.append(url)
            route.abort()

    def row_ids(self) -> list[str]:
        return self.page.eval_on_selector_all(
            "#matrix-table tbody tr:not(.hidden)", "rows => rows.map(r => r.id)"
        )


@pytest.fixture
def page(browser, report_file):
    opened = Page(browser, report_file.as_uri(), viewport={"width": 1300, "height": 900})
    yield opened
    assert opened.errors == [], "the console shows errors"
    opened.context.close()


def test_no_request_leaves_the_page(page):
    page.page.wait_for_load_state("networkidle")
    assert page.requests == []
    assert page.page.title().startswith("Kazakhstan")


def test_sorting_reorders_rows(page):
    p = page.page
    diagnostic_order = page.row_ids()
    p.click("#matrix-table button[data-sort=position]")
    case_order = page.row_ids()
    assert case_order != diagnostic_order
    positions = p.eval_on_selector_all(
        "#matrix-table tbody tr", "rs => rs.map(r => +r.dataset.position)"
    )
    assert positions == sorted(positions)
    p.click("#matrix-table button[data-sort=diagnosticity]")
    values = p.eval_on_selector_all(
        "#matrix-table tbody tr", "rs => rs.map(r => +r.dataset.diagnosticity)"
    )
    assert values == sorted(values, reverse=True)
    assert page.row_ids() == diagnostic_order
    p.select_option("#matrix-controls select[name=sort]", "date")
    dates = p.eval_on_selector_all("#matrix-table tbody tr", "rs => rs.map(r => r.dataset.date)")
    assert dates == sorted(dates)


def test_filters_hide_rows(page):
    p = page.page
    total = len(page.row_ids())
    p.select_option("#matrix-controls select[name=kind]", "claim")
    shown = page.row_ids()
    assert 0 < len(shown) < total
    kinds = p.eval_on_selector_all(
        "#matrix-table tbody tr:not(.hidden)", "rs => rs.map(r => r.dataset.kind)"
    )
    assert set(kinds) == {"claim"}
    assert p.is_hidden(f"#{page.row_ids()[0]}") is False
    assert f"Showing {len(shown)} of {total} rows" in p.inner_text("#matrix-controls output")
    p.select_option("#matrix-controls select[name=kind]", "")
    p.check("#matrix-controls input[name=diagnostic]")
    diagnostic = p.eval_on_selector_all(
        "#matrix-table tbody tr:not(.hidden)", "rs => rs.map(r => +r.dataset.diagnosticity)"
    )
    assert diagnostic and min(diagnostic) > 0 and len(diagnostic) < total
    p.uncheck("#matrix-controls input[name=diagnostic]")
    p.select_option("#matrix-controls select[name=tag]", "knb")
    tagged = p.eval_on_selector_all(
        "#matrix-table tbody tr:not(.hidden)", "rs => rs.map(r => r.dataset.tags)"
    )
    assert tagged and all("knb" in tags.split() for tags in tagged)


def test_clicking_a_row_shows_and_highlights_its_passage(page):
    p = page.page
    row = p.locator("#matrix-table tbody tr").nth(2)
    item = row.get_attribute("id").removeprefix("row-")
    row.locator("td.date").click()
    p.wait_for_function(f"location.hash === '#q-{item}'")
    marks = p.locator(f"mark.active[data-evidence~='{item}']")
    assert marks.count() >= 1
    assert p.locator("mark.active").count() == marks.count()
    box = marks.first.bounding_box()
    viewport = p.viewport_size
    assert box is not None and 0 <= box["y"] <= viewport["height"], "passage scrolled into view"


def test_cell_focus_shows_its_rationale(page):
    p = page.page
    cell = p.locator("#matrix-table td.cell:has(.tip)").first
    assert cell.locator(".tip").is_hidden()
    cell.focus()
    tip = cell.locator(".tip")
    assert tip.is_visible()
    assert ":" in tip.inner_text()


def test_diagram_nodes_link_to_rows_and_zoom(page):
    p = page.page
    links = p.eval_on_selector_all(
        "#evidence-map svg a",
        "as => as.map(a => a.getAttribute('xlink:href') || a.getAttribute('href'))",
    )
    # The compact drawing's items are among the full drawing's: each node links to its row.
    rows = sorted({link for link in links if link and link.startswith("#row-")})
    case = load_case(REPO).case
    drawn = [e.id for e in case.evidence if {"CC", "C", "I", "II"} & set(e.ratings.values())]
    assert len(drawn) >= 10 and rows == sorted(f"#row-{ident}" for ident in drawn)
    visible = p.eval_on_selector_all(
        "#evidence-map .svg-wrap:not([hidden]) svg a",
        "as => as.map(a => a.getAttribute('xlink:href') || a.getAttribute('href'))",
    )
    rows = [link for link in visible if link and link.startswith("#row-")]
    for link in rows:
        assert p.locator(link).count() == 1, f"{link} has no row"
    assert p.locator("#argument-map svg g.node").count() > 40
    svg = p.locator("#evidence-map .svg-wrap:not([hidden]) svg")
    before = svg.bounding_box()["width"]
    p.click("#evidence-map .zoom button[data-zoom=in]")
    assert svg.bounding_box()["width"] > before * 1.2
    p.click(f"#evidence-map .svg-wrap:not([hidden]) svg a[*|href='{rows[0]}']")
    p.wait_for_function(f"location.hash === '{rows[0]}'")


def test_page_reads_without_javascript(browser, report_file):
    opened = Page(browser, report_file.as_uri(), java_script_enabled=False)
    p = opened.page
    assert p.locator("#matrix-table tbody tr").count() == len(load_case(REPO).case.evidence)
    assert p.is_hidden("#matrix-controls")
    # Both drawings of the evidence map, the compact one and the one with every item.
    assert p.locator("#evidence-map svg").count() == 2
    assert p.locator("#evidence-map .svg-wrap[data-variant=all] svg").is_visible()
    assert opened.requests == []
    opened.context.close()


@pytest.mark.parametrize(("name", "width"), [("desktop", 1300), ("narrow", 390)])
def test_screenshots(browser, report_file, name, width):
    opened = Page(browser, report_file.as_uri(), viewport={"width": width, "height": 900})
    OUTPUT.mkdir(exist_ok=True)
    target = OUTPUT / f"report-{name}.png"
    opened.page.screenshot(path=str(target), full_page=False)
    assert target.stat().st_size > 10_000
    # Nothing on the narrow page may be wider than the screen but the scrollable parts.
    overflow = opened.page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1
    assert opened.errors == []
    opened.context.close()


def test_the_shipped_case_says_the_map_and_matrix_agree(page):
    section = page.page.locator("#coherence")
    assert section.is_visible()
    assert section.locator("ul.coherence li").count() == 0
    assert section.inner_text().count("They agree:") == 1


def write_disagreeing_report(folder: Path) -> Path:
    """The shipped case with the old reading of Masimov's arrest put back: very consistent with
    the KNB faction while the map's undercutter of that inference is in (one disagreement)."""
    from click.testing import CliRunner

    case = folder / "case"
    shutil.copytree(REPO / "hypotheses", case / "hypotheses")
    shutil.copytree(REPO / "evidence", case / "evidence")
    evidence = case / "evidence" / "kazakhstan.yaml"
    text = evidence.read_text(encoding="utf-8")
    start = text.index("  - id: masimov-arrested")
    evidence.write_text(
        text[:start] + text[start:].replace("knb-coup: N", "knb-coup: CC", 1), encoding="utf-8"
    )
    out = folder / "report.html"
    result = CliRunner().invoke(main, ["report", str(case), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def disagreeing_report(tmp_path_factory) -> Path:
    return write_disagreeing_report(tmp_path_factory.mktemp("disagreeing"))


def test_the_map_and_matrix_section_reads_and_links(browser, disagreeing_report):
    opened = Page(browser, disagreeing_report.as_uri(), viewport={"width": 1300, "height": 900})
    p = opened.page
    section = p.locator("#coherence")
    assert section.is_visible()
    assert section.locator("h2").inner_text() == "Where the map and the matrix disagree"
    items = section.locator("ul.coherence li")
    assert items.count() == 1
    first = items.first
    assert "masimov-arrested" in first.inner_text()
    assert first.bounding_box()["height"] > 40
    border = first.evaluate("li => getComputedStyle(li).borderLeftWidth")
    assert border == "4px"
    OUTPUT.mkdir(exist_ok=True)
    # The viewport at the section's top (an element screenshot of a section taller than the
    # viewport is composed unreliably).
    p.evaluate("document.getElementById('coherence').scrollIntoView()")
    p.screenshot(path=str(OUTPUT / "report-coherence.png"))
    first.locator("a").last.click()
    p.wait_for_function("location.hash === '#arg-purge-points-to-knb'")
    assert opened.errors == []
    opened.context.close()


MAPS = "#argument-maps > figure.diagram"
SHOWN = "fs => fs.filter(f => !f.hidden && f.offsetWidth > 0).map(f => f.id)"


def test_the_map_selector_shows_one_argument_map_at_a_time(page):
    p = page.page
    case = load_case(REPO).case
    figures = p.eval_on_selector_all(MAPS, "fs => fs.map(f => f.id)")
    own = p.eval_on_selector_all(MAPS, "fs => fs.filter(f => !f.dataset.continues).map(f => f.id)")
    assert own == [f"map-{h.id}" for h, _ in case.hypotheses_in_order] + ["argument-map"]
    options = p.eval_on_selector_all("#map-select option", "os => os.map(o => o.value)")
    assert options == figures
    # A map that goes on from another is listed under it, indented and marked.
    continuing = p.eval_on_selector_all(
        MAPS, "fs => fs.filter(f => f.dataset.continues).map(f => f.id)"
    )
    assert continuing
    label = p.eval_on_selector(f"#map-select option[value={continuing[0]}]", "o => o.textContent")
    assert label.lstrip("\u2003").startswith("↳ ")
    assert p.locator("label.map-select").inner_text().startswith("Show the argument map of")
    default = p.get_attribute("#argument-maps", "data-default")
    assert default != "argument-map"
    assert p.eval_on_selector_all(MAPS, SHOWN) == [default] == [p.input_value("#map-select")]
    for ident in ("map-knb-coup", "argument-map", "map-other"):
        p.select_option("#map-select", ident)
        assert p.eval_on_selector_all(MAPS, SHOWN) == [ident]
    # By keyboard: the list is a native <select>; an arrow key picks the previous map.
    p.focus("#map-select")
    p.keyboard.press("ArrowUp")
    assert p.eval_on_selector_all(MAPS, SHOWN) == [figures[-3]]
    # A link to a map shows it.
    p.evaluate("location.hash = '#map-palace-coup'")
    p.wait_for_function("!document.getElementById('map-palace-coup').hidden")
    assert p.eval_on_selector_all(MAPS, SHOWN) == ["map-palace-coup"]
    # A node where a cut map stops opens the map that goes on from it, and back.
    p.select_option("#map-select", "map-knb-coup")
    node, target = p.evaluate(
        """() => {
          for (const a of document.querySelectorAll('#map-knb-coup g.node a')) {
            const href = a.getAttribute('xlink:href') || a.getAttribute('href') || '';
            if (href.startsWith('#map-')) return [a.closest('g.node').id, href];
          }
        }"""
    )
    p.locator(f"[id='{node}'] text").first.click()
    p.wait_for_function(f"!document.getElementById('{target[1:]}').hidden")
    assert p.eval_on_selector_all(MAPS, SHOWN) == [target[1:]]
    p.locator(f"{target} a.map-back").click()
    p.wait_for_function("!document.getElementById('map-knb-coup').hidden")
    assert p.eval_on_selector_all(MAPS, SHOWN) == ["map-knb-coup"]


def test_the_overview_opens_its_evidence_badges(page):
    p = page.page
    p.select_option("#map-select", "argument-map")
    variant = "ws => ws.filter(w => !w.hidden).map(w => w.dataset.variant)"
    toggle = p.locator("#argument-map button.variant-toggle")
    assert toggle.get_attribute("aria-pressed") == "false"
    assert p.eval_on_selector_all("#argument-map .svg-wrap", variant) == ["compact"]
    compact = p.locator("#argument-map .svg-wrap[data-variant=compact] g.node").count()
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "true"
    assert p.eval_on_selector_all("#argument-map .svg-wrap", variant) == ["all"]
    assert p.locator("#argument-map .svg-wrap[data-variant=all] g.node").count() > compact
    toggle.click()
    assert p.eval_on_selector_all("#argument-map .svg-wrap", variant) == ["compact"]


def test_without_javascript_every_argument_map_is_shown(browser, report_file):
    opened = Page(browser, report_file.as_uri(), java_script_enabled=False)
    p = opened.page
    figures = p.eval_on_selector_all(MAPS, "fs => fs.map(f => f.id)")
    own = p.eval_on_selector_all(MAPS, "fs => fs.filter(f => !f.dataset.continues).length")
    assert own == len(load_case(REPO).case.hypotheses) + 1 < len(figures)
    assert p.eval_on_selector_all(MAPS, SHOWN) == figures
    assert p.locator("#argument-map .svg-wrap:visible").count() == 2
    assert p.locator("#map-select").count() == 0
    opened.context.close()
