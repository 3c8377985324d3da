"""A live matrix: a case too large to write out in full carries its rows and cards as data,
and the browser draws the ones in view (render/html.py, MATRIX_STATIC_CELLS)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from argmap.cli import main
from argmap.load import load_case
from argmap.render import html as report_html

from .conftest import REPO
from .test_diagrams import ARGUMENTS, EVIDENCE, HOSTILE, _yaml


def _report(folder: Path, out: Path, monkeypatch: pytest.MonkeyPatch, cells: int) -> Path:
    """The report of ``folder`` with live matrices from ``cells`` cells up."""
    monkeypatch.setattr(report_html, "MATRIX_STATIC_CELLS", cells)
    result = CliRunner().invoke(main, ["report", str(folder), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


def _data(soup: BeautifulSoup) -> dict:
    node = soup.select_one("script#evidence-data")
    assert node is not None and node.get("type") == "application/json"
    return json.loads(node.string)


@pytest.fixture(scope="module")
def shipped_live(tmp_path_factory) -> Path:
    """The shipped case's report with its matrix live: every row and card is both written
    out (the case is small) and in the data, so the two can be compared."""
    with pytest.MonkeyPatch.context() as mp:
        return _report(REPO, tmp_path_factory.mktemp("live") / "r.html", mp, 0)


@pytest.fixture(scope="module")
def large_live(tmp_path_factory) -> Path:
    """A generated case of 25 hypotheses × 1,000 items, over the threshold as shipped."""
    from benchmarks.generate import write

    root = tmp_path_factory.mktemp("large")
    folder = write(root / "case", 25, 1000)
    assert report_html.MATRIX_STATIC_CELLS < 25 * 1000
    with pytest.MonkeyPatch.context() as mp:
        return _report(folder, root / "r.html", mp, report_html.MATRIX_STATIC_CELLS)


def test_small_case_is_written_out_without_data(report_file):
    soup = BeautifulSoup(report_file.read_text(encoding="utf-8"), "html.parser")
    assert soup.select_one("script#evidence-data") is None
    assert "live" not in soup.select_one("#matrix-table")["class"]
    case = load_case(REPO).case
    assert len(soup.select("#matrix-table tbody tr")) == len(case.evidence)
    assert len(soup.select("#evidence-cards article")) == len(case.evidence)


@pytest.mark.slow
def test_large_case_carries_every_item_and_prints_the_most_diagnostic(large_live):
    soup = BeautifulSoup(large_live.read_text(encoding="utf-8"), "html.parser")
    data = _data(soup)
    ids = [item["id"] for item in data["items"]]
    assert len(ids) == len(set(ids)) == 1000
    assert len(data["columns"]) == 25
    assert all(len(item["ratings"]) == 25 for item in data["items"])
    # Most diagnostic first, as the static rows.
    diagnosticity = [item["diagnosticity"][0] for item in data["items"]]
    assert diagnosticity == sorted(diagnosticity, reverse=True)
    static = [row["id"].removeprefix("row-") for row in soup.select("#matrix-table tbody tr")]
    expected = max(20, report_html.MATRIX_PRINT_CELLS // 25)
    assert static == ids[:expected]
    cards = [card["id"].removeprefix("ev-") for card in soup.select("#evidence-cards article")]
    assert cards == ids[:expected]
    note = soup.select_one("#matrix .note").get_text(" ", strip=True)
    assert f"{expected} most diagnostic of 1,000 items" in note
    assert "argmap export xlsx" in note
    # Every link lands on something the page has or draws from its data.
    drawn = {f"{prefix}-{i}" for i in ids for prefix in ("row", "ev")}
    have = {el["id"] for el in soup.find_all(attrs={"id": True})} | drawn
    targets = {a["href"][1:] for a in soup.find_all("a", href=True) if a["href"].startswith("#")}
    assert targets <= have, sorted(targets - have)[:5]


def test_data_cannot_close_its_script_element(write_case, tmp_path, monkeypatch):
    hypotheses = ARGUMENTS.replace("title: Accident", f"title: {_yaml(HOSTILE)}")
    evidence = EVIDENCE.replace("summary: Two men left in a van.", f"summary: {_yaml(HOSTILE)}")
    folder = write_case({"hypotheses/case.yaml": hypotheses, "evidence/evidence.yaml": evidence})
    text = _report(folder, tmp_path / "r.html", monkeypatch, 0).read_text(encoding="utf-8")
    soup = BeautifulSoup(text, "html.parser")
    scripts = soup.find_all("script")
    assert [s.get("id") for s in scripts] == ["evidence-data", None]
    data = _data(soup)
    assert HOSTILE in [item["summary"] for item in data["items"]]
    assert HOSTILE in data["columns"]
    assert "</script" not in text[text.index('id="evidence-data"') :].split("</script>")[0]


def _normal(fragment: str, drop: re.Pattern[str] | None = None) -> str:
    """Markup as a parser reads it back, whitespace between and around tags ignored."""
    soup = BeautifulSoup(fragment, "html.parser")
    element = soup.find(True)
    assert element is not None, fragment
    if drop is not None:
        for el in [element, *element.find_all(True)]:
            for name in [n for n in el.attrs if drop.match(n)]:
                del el[name]
    text = re.sub(r"\s+", " ", str(element))
    return re.sub(r"\s*(<[^>]+>)\s*", r"\1", text)


@pytest.mark.browser
def test_rows_and_cards_drawn_from_data_match_the_written_ones(shipped_live, browser):
    """The browser's rows and cards are the template's, field for field (rationale, quote,
    linchpin, group, tags, originator and all): the shipped case has each."""
    soup = BeautifulSoup(shipped_live.read_text(encoding="utf-8"), "html.parser")
    rows = soup.select("#matrix-table tbody tr")
    cards = soup.select("#evidence-cards article")
    assert len(rows) == len(cards) == len(_data(soup)["items"])
    page = browser.new_page()
    try:
        page.goto(shipped_live.as_uri())
        drawn = page.evaluate(
            """ids => ids.map(id => [window.argmapReport.matrixRow(id),
                                     window.argmapReport.evidenceCard(id)])""",
            [row["id"].removeprefix("row-") for row in rows],
        )
    finally:
        page.close()
    # The written row's data-* attributes serve the static sort; a drawn row sorts on data.
    data_attributes = re.compile(r"data-(?!quote$)")
    assert all("aria-rowindex" not in row for row, _ in drawn)  # only on rows drawn in a frame
    for row, card, (drawn_row, drawn_card) in zip(rows, cards, drawn, strict=True):
        assert _normal(drawn_row) == _normal(str(row), data_attributes), row["id"]
        assert _normal(drawn_card) == _normal(str(card)), card["id"]
    # Each optional field the data has is drawn (and so compared above).
    text = " ".join(drawn_row + drawn_card for drawn_row, drawn_card in drawn)
    markers = {
        "rationale": 'class="tip"',
        "quote": "<blockquote",
        "paragraph": "¶",
        "tags": 'class="tag"',
        "originator": "originator:",
        "dependent": "dependent items",
        "date": 'class="date">2',
        "linchpin": "⚑ linchpin",
        "group": "group:",
    }
    present = {key for item in _data(soup)["items"] for key, value in item.items() if value}
    assert {"rationale", "quote", "tags", "originator", "dependent", "date"} <= present
    for key, marker in markers.items():
        assert (marker in text) == (key in present), key


@pytest.mark.browser
def test_an_unrated_cell_drawn_from_data_is_the_written_one(write_case, browser, tmp_path):
    """The unrated symbol, hidden from screen readers, which hear the word instead: the
    same in a row the browser draws as in the written row."""
    from argmap.vocabulary import UNRATED_NAME, UNRATED_SYMBOL

    folder = write_case()
    path = folder / "evidence" / "evidence.yaml"
    rated = "ratings: {arson: C}\n    rationale: {accident: Nobody can say yet.}"
    path.write_text(path.read_text().replace("ratings: {accident: I, arson: C, other: N}", rated))
    with pytest.MonkeyPatch.context() as mp:
        out = _report(folder, tmp_path / "r.html", mp, 0)
    soup = BeautifulSoup(out.read_text(encoding="utf-8"), "html.parser")
    row = soup.select_one("#row-van")
    unrated = row.select("td.cell.r-unrated")
    assert len(unrated) == 2
    plain = row.select_one("td.cell.r-unrated[title]")  # the other has a rationale
    assert plain["title"] == UNRATED_NAME
    assert plain.select_one("[aria-hidden=true]").get_text() == UNRATED_SYMBOL
    assert plain.select_one(".sr-only").get_text() == UNRATED_NAME
    line = soup.select_one("#ev-van ul.ratings .cell.r-unrated")  # in the card: its rationale
    assert line.select_one("[aria-hidden=true]").get_text() == UNRATED_SYMBOL
    assert line.select_one(".sr-only").get_text() == UNRATED_NAME
    page = browser.new_page()
    try:
        page.goto(out.as_uri())
        drawn = page.evaluate(
            "[window.argmapReport.matrixRow('van'), window.argmapReport.evidenceCard('van')]"
        )
    finally:
        page.close()
    assert _normal(drawn[0]) == _normal(str(row), re.compile(r"data-(?!quote$)"))
    assert _normal(drawn[1]) == _normal(str(soup.select_one("#ev-van")))


@pytest.mark.browser
@pytest.mark.slow
def test_large_matrix_draws_rows_in_view_and_works_over_all(large_live, browser):
    soup = BeautifulSoup(large_live.read_text(encoding="utf-8"), "html.parser")
    items = _data(soup)["items"]
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(large_live.as_uri())
        drawn = "#matrix-table tbody tr:not(.spacer)"
        count = "document.querySelector('#matrix-controls output').value"
        first_ids = page.eval_on_selector_all(drawn, "rows => rows.map(r => r.id)")
        assert 20 <= len(first_ids) < 100
        # Assistive technology hears the whole table: its size, each drawn row's place.
        header_rows = len(soup.select("#matrix-table thead tr"))
        footer_rows = len(soup.select("#matrix-table tfoot tr"))
        assert page.get_attribute("#matrix-table", "aria-rowcount") == str(
            header_rows + 1000 + footer_rows
        )
        assert page.get_attribute(f"#{first_ids[0]}", "aria-rowindex") == str(header_rows + 1)
        assert first_ids == [f"row-{item['id']}" for item in items[: len(first_ids)]]
        assert page.evaluate(count) == "Showing 1,000 of 1,000 rows"
        # Scrolling far down draws the rows there, and only those.
        page.evaluate("document.querySelector('#matrix .table-wrap').scrollTop = 20000")
        page.wait_for_timeout(150)
        scrolled = page.eval_on_selector_all(drawn, "rows => rows.map(r => r.id)")
        assert scrolled[0] not in first_ids and len(scrolled) < 100

        # Search runs over every item, not the rows drawn: each word anywhere in its id,
        # summary, quote, tags, originator or source.
        def found(query: str) -> int:
            words = query.lower().split()
            return sum(
                all(w in text for w in words)
                for text in (
                    "\n".join(
                        [
                            i["id"],
                            i["summary"],
                            i.get("quote", ""),
                            " ".join(i.get("tags", ())),
                            i.get("originator", ""),
                            i.get("source_title", ""),
                        ]
                    ).lower()
                    for i in items
                )
            )

        last = items[-1]
        for query in (last["id"], "official 3", "wage  CAMP"):
            page.fill("input[name=q]", query)
            page.wait_for_timeout(400)
            assert page.evaluate(count) == f"Showing {found(query):,} of 1,000 rows", query
        assert 0 < found("official 3") < 1000
        page.fill("input[name=q]", last["id"])
        page.wait_for_timeout(400)
        assert f"row-{last['id']}" in page.eval_on_selector_all(drawn, "r => r.map(x => x.id)")
        page.fill("input[name=q]", "")
        page.wait_for_timeout(400)
        # Sorting by date puts the earliest first, over all items.
        page.click("button[data-sort=date]")
        earliest = min(items, key=lambda i: (i.get("date", ""), i["position"]))
        assert page.eval_on_selector(drawn, "r => r.id") == f"row-{earliest['id']}"
        # A link to any item's row or card draws it.
        page.evaluate(f"location.hash = '#row-{last['id']}'")
        page.wait_for_timeout(150)
        assert "active" in page.get_attribute(f"#row-{last['id']}", "class")
        page.evaluate(f"location.hash = '#ev-{last['id']}'")
        page.wait_for_timeout(150)
        assert page.is_visible(f"#ev-{last['id']}")
        label = page.text_content(".cards-pager .page-label")
        assert label == "items 951–1,000 of 1,000"
        assert page.evaluate("document.querySelectorAll('#evidence-cards article').length") == 50
    finally:
        page.close()
    assert not errors


@pytest.mark.browser
def test_search_in_a_written_matrix_reads_each_item_as_its_card(report_file, browser):
    soup = BeautifulSoup(report_file.read_text(encoding="utf-8"), "html.parser")
    texts = {
        card["id"].removeprefix("ev-"): (
            card["id"].removeprefix("ev-") + "\n" + card.get_text()
        ).lower()
        for card in soup.select("#evidence-cards article")
    }
    page = browser.new_page()
    try:
        page.goto(report_file.as_uri())
        for query in ("tokayev", "KNB  almaty", "nazarbayev protest", "no-such-word"):
            words = query.lower().split()
            expected = sorted(i for i, text in texts.items() if all(w in text for w in words))
            page.fill("input[name=q]", query)
            page.wait_for_timeout(300)
            shown = page.eval_on_selector_all(
                "#matrix-table tbody tr:not(.hidden)", "rows => rows.map(r => r.id.slice(4))"
            )
            assert sorted(shown) == expected, query
            total = len(texts)
            assert page.input_value("input[name=q]") == query
            assert page.evaluate("document.querySelector('#matrix-controls output').value") == (
                f"Showing {len(expected)} of {total} rows"
            )
        assert 0 < sum("tokayev" in text for text in texts.values()) < len(texts)
    finally:
        page.close()


@pytest.mark.browser
@pytest.mark.slow
def test_a_live_matrix_has_no_accessibility_violations(large_live, browser):
    """axe-core on the matrix and the cards, as they open and once scrolled and searched.
    (The whole page is not scanned here: axe measures the contrast of text in sections the
    browser has not laid out yet — content-visibility — against whatever it finds at that
    point, and flags the source texts' paragraph numbers of a case this long.)"""
    from .test_accessibility import AXE, WCAG_RULES, _described

    def assert_accessible(what: str) -> None:
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate(
            f"() => axe.run({{include: [['#matrix'], ['#evidence']]}}, {WCAG_RULES})"
            ".then(r => r.violations)"
        )
        assert violations == [], f"axe-core finds in {what}:\n{_described(violations)}"

    page = browser.new_page(viewport={"width": 1300, "height": 900})
    try:
        page.goto(large_live.as_uri())
        page.evaluate("document.getElementById('evidence').scrollIntoView()")
        page.wait_for_timeout(200)
        assert_accessible("a live matrix as it opens")
        page.evaluate("document.querySelector('#matrix .table-wrap').scrollTop = 12000")
        page.wait_for_timeout(150)
        page.fill("input[name=q]", "official")
        page.wait_for_timeout(400)
        assert_accessible("a live matrix scrolled and searched")
    finally:
        page.close()
