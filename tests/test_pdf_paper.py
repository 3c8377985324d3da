"""The PDF as a briefing: paper size, running title, date, page numbers, diagram pages."""

from __future__ import annotations

import math
import re
import shutil
import unicodedata
from html import unescape

import pytest

from argmap.cli import main
from argmap.render.pdf import MIN_PRINT_PT, PAPERS, _printable

from .conftest import REPO
from .interchange import need_module

HEAD = "<html><head><title>Q &lt;/style&gt; &quot;x&quot; — argmap report</title></head><body>"
MATRIX = (
    '<table class="matrix"><thead><tr><th scope="col">'
    '<button type="button" data-sort="position">Evidence</button></th></tr></thead></table>'
)


def test_printable_has_page_boxes_title_and_the_source_date(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    page = _printable(HEAD + MATRIX + "</body></html>")
    style = page[page.index("<style>") : page.index("</style>")]
    assert "@page { size: A4;" in style
    assert 'counter(page) " of " counter(pages)' in style
    assert '"Generated 2023-11-14"' in style
    # The title as a CSS string: quotes escaped, and no "<" that could end the style element.
    assert r'"Q \3c /style> \"x\""' in style
    assert "<" not in style.removeprefix("<style>")
    # The matrix's headers turn upright only where text can be set vertically: WeasyPrint,
    # without vertical text, turned them upside down.
    supports = style.index("@supports (writing-mode: vertical-rl)")
    assert style.count("rotate(180deg)") == 1 and style.index("rotate(180deg)") > supports
    # Sort buttons print as their labels (Chromium drops a button's text from repeated headers).
    assert "<button" not in page
    assert "<span>Evidence</span>" in page


def test_printable_letter_and_unknown_paper():
    assert "@page { size: letter;" in _printable(HEAD + "</body></html>", "letter")
    from argmap.problems import ArgmapError

    with pytest.raises(ArgmapError, match="paper 'a5'"):
        _printable(HEAD, "a5")


def _svg(width: float, height: float, font: float = 10.0) -> str:
    """A drawing as Graphviz writes one: size in points, text in its own units."""
    return (
        f'<svg width="{width:g}pt" height="{height:g}pt" viewBox="0.00 0.00 {width:.2f} {height:.2f}">'
        f'<g id="graph0" class="graph" transform="scale(1 1) rotate(0) translate(4 {height - 4:g})">'
        f'<text font-size="{font:.2f}">label</text></g></svg>'
    )


def _figure(ident: str, svg: str, focused: bool = False, variant: str = "") -> str:
    classes = "diagram focused-map" if focused else "diagram"
    wrap = f'<div class="svg-wrap" tabindex="0" role="region"{variant} aria-label="x">{svg}</div>'
    return (
        f'<figure class="{classes}" id="{ident}"><figcaption><strong>{ident}</strong>: '
        f"a caption.</figcaption>{wrap}</figure>"
    )


def _printed_sizes(page: str) -> list[tuple[float, float, float]]:
    """Each printed drawing's width and height (points) and its text's printed size."""
    sizes = []
    for style, font in re.findall(
        r'<svg style="([^"]*)"[^>]*>.*?font-size="([\d.]+)"', page, flags=re.DOTALL
    ):
        width, height = (float(v) for v in re.findall(r"([\d.]+)pt", style)[:2])
        view = re.search(r'<svg style="' + re.escape(style) + r'"[^>]*viewBox="[^"]*"', page)
        box = re.search(r'viewBox="[-\d.]+ [-\d.]+ ([\d.]+) ', view.group(0)) if view else None
        sizes.append((width, height, float(font) * width / float(box.group(1)) if box else 0.0))
    return sizes


def test_a_diagram_too_large_to_read_is_left_out_and_says_so():
    page = _printable(
        HEAD
        + '<section id="diagrams"><h2>Diagrams</h2>'
        + _figure("big", _svg(6000, 4000, 8))
        + "</section></body></html>"
    )
    assert "<svg" not in page
    assert (
        f"too large to print legibly (its smallest text would be under {MIN_PRINT_PT:g} pt)" in page
    )
    assert '<figure class="diagram omitted" id="big">' in page  # the caption stays, in place


def test_focused_maps_print_legibly_in_parts_and_the_overview_gives_way():
    """The overview prints only if its text would print at the minimum; every focused map
    prints, a large one cut into overlapping parts at a legible scale."""
    maps = (
        '<div class="map-views" id="argument-maps"><p class="map-legend">Maps.</p>'
        + _figure("map-a", _svg(300, 200), focused=True)
        + _figure("map-b", _svg(2600, 500), focused=True)
        + _figure("argument-map", _svg(4000, 1200, 8))
        + "</div>"
    )
    for paper in PAPERS:
        page = _printable(
            HEAD + '<section id="diagrams">' + maps + "</section></body></html>", paper
        )
        assert 'id="argument-map"' not in page
        note = "The overview is too large to print legibly; each hypothesis\u2019s map follows."
        assert page.index(note) < page.index('id="map-a"')
        # The small map prints whole at its natural size; the wide one in parts.
        assert re.search(r'id="map-b-part-\d+"', page)
        assert "Printed in" in page and "left to right" in page
        sizes = _printed_sizes(page)
        assert sizes[0] == (300.0, 200.0, 10.0)
        assert len(sizes) >= 4  # map-a, then map-b in at least three parts
        width, height = (_PAPER_PT[paper][0], _PAPER_PT[paper][1])
        for w, h, font in sizes:
            assert font >= MIN_PRINT_PT
            assert max(w, h) <= max(width, height) and min(w, h) <= min(width, height)


def test_a_figure_prints_its_first_legible_variant_only():
    page = _printable(
        HEAD
        + '<section id="diagrams">'
        + _figure("evidence-map", _svg(400, 300), variant=' data-variant="compact"').replace(
            "</figure>",
            '<div class="svg-wrap" data-variant="all" aria-label="y">'
            + _svg(5000, 5000, 8)
            + "</div></figure>",
        )
        + "</section></body></html>"
    )
    assert page.count("<svg") == 1
    assert 'data-variant="compact"' in page and 'data-variant="all"' not in page


# Paper in points, upright.
_PAPER_PT = {"a4": (595, 842), "letter": (612, 792)}


def _letters(text: str) -> str:
    """Text to compare with a PDF's: no spacing, no ligatures, no case (badges print in
    capitals)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


def _pdf_pages(path) -> list[tuple[tuple[int, int], str, float]]:
    """Each page of a PDF: its size in points, its text, and the size its smallest text
    prints at (the font size times the scale of the text and transformation matrices)."""
    pypdf = need_module("pypdf")
    pages = []
    for page in pypdf.PdfReader(path).pages:
        smallest = [float("inf")]

        def visit(text, cm, tm, font, size, smallest=smallest):
            if text.strip():
                # The text's height on paper: its matrix times the page's, on the y axis.
                c = tm[2] * cm[0] + tm[3] * cm[2]
                d = tm[2] * cm[1] + tm[3] * cm[3]
                smallest[0] = min(smallest[0], size * math.hypot(c, d))

        text = page.extract_text(visitor_text=visit)
        box = page.mediabox
        pages.append(((round(float(box.width)), round(float(box.height))), text, smallest[0]))
    return pages


@pytest.mark.pdf
@pytest.mark.parametrize(
    ("paper", "engine"), [("a4", "chromium"), ("letter", "chromium"), ("a4", "weasyprint")]
)
def test_shipped_case_pdf_is_paginated_numbered_and_legible(
    runner, tmp_path, monkeypatch, paper, engine
):
    """The shipped case printed by Chromium (and WeasyPrint), read back with pypdf.

    Legibility is measured on the PDF itself, not on the page that was printed: for every
    run of text on every page, the size it prints at is its font size times the vertical
    scale of the text matrix and the current transformation matrix (so a drawing scaled to
    fit shrinks its text with it). No text anywhere, drawings included, is under
    MIN_PRINT_PT.
    """
    if engine == "chromium" and not shutil.which("chromium"):
        from .test_browser import _chromium

        _chromium()  # skips visibly, or fails where CI demands every engine
    if engine == "weasyprint":
        need_module("weasyprint")
    monkeypatch.setenv("ARGMAP_PDF", engine)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    target = tmp_path / "report.pdf"
    args = ["report", str(REPO), "--pdf", "-o", str(target)]
    result = runner.invoke(main, [*args, "--paper", paper] if paper != "a4" else args)
    assert result.exit_code == 0, result.output
    pages = _pdf_pages(target)
    size = _PAPER_PT[paper]
    assert 20 <= len(pages) <= 110, len(pages)
    # Every page the paper asked for, upright or (a wide diagram's page) turned.
    assert {p[0] for p in pages} <= {size, size[::-1]}
    for number, (_, text, smallest) in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text, number
        assert "Kazakhstan" in text  # the running title
        assert "Generated 2023-11-14" in text
        assert smallest >= MIN_PRINT_PT - 0.01, (number, smallest)
    # Each diagram on a page of its own, with its caption, in the orientation it was given.
    html = tmp_path / "report.html"
    assert runner.invoke(main, ["report", str(REPO), "-o", str(html)]).exit_code == 0
    printable = _printable(html.read_text(encoding="utf-8"), paper)
    figures = re.findall(
        r'<figure class="diagram (portrait|landscape)[^"]*" id="([^"]+)"[^>]*>\s*'
        r"<figcaption>(.*?)</figcaption>(.*?)</figure>",
        printable,
        flags=re.DOTALL,
    )
    assert any(ident == "evidence-map" for _, ident, _, _ in figures)
    # In order, each on a later page than the one before (a caption can quote a node's
    # label, so each is looked for only after the page of the figure before it), and its
    # drawing on the same page as its caption.
    previous = -1
    for orientation, ident, caption, drawing in figures:
        words = _letters(" ".join(unescape(re.sub(r"<[^>]+>", "", caption)).split()[:10]))
        found = [n for n in range(previous + 1, len(pages)) if words in _letters(pages[n][1])]
        assert found, (ident, words)
        previous = found[0]
        assert pages[previous][0] == (size if orientation == "portrait" else size[::-1]), ident
        labels = {
            _letters(unescape(t)) for t in re.findall(r"<text\b[^>]*>([^<]{4,})</text>", drawing)
        } - {""}
        # Not text its caption quotes: that is on the caption's page anyway.
        labels = {label for label in labels if label not in _letters(unescape(caption))}
        assert any(label in _letters(pages[previous][1]) for label in labels), ident
    # Every focused map the report draws is printed, whole or in parts, but a hypothesis's
    # that nothing argues about: one line up front names it instead.
    focused = r'<figure class="diagram[^"]*focused-map" id="(map-[^"]+)"([^>]*)>'
    drawn = re.findall(focused, html.read_text(encoding="utf-8"))
    assert [ident for ident, _ in re.findall(focused, printable)] == [
        ident for ident, rest in drawn if 'data-alone="true"' not in rest
    ]
    assert "Nothing in the argument map bears on Something else" in printable


@pytest.mark.pdf
@pytest.mark.graphviz
@pytest.mark.parametrize("kind", ["system", "pure"])
def test_diagram_as_pdf_with_either_engine(runner, tmp_path, monkeypatch, kind):
    """System dot writes the PDF itself; graphviz-pure's SVG is printed to one."""
    if kind == "system":
        from .conftest import need_system_dot

        need_system_dot()
    else:
        from .test_browser import _chromium

        _chromium()
    monkeypatch.setenv("ARGMAP_DOT", kind)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    svg = runner.invoke(main, ["diagram", str(REPO), "--kind", "evidence"])
    assert svg.exit_code == 0, svg.output
    drawn = re.search(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"', svg.stdout)
    assert drawn is not None
    target = tmp_path / "map.pdf"
    args = ["diagram", str(REPO), "--kind", "evidence", "--format", "pdf", "-o", str(target)]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    assert target.read_bytes().startswith(b"%PDF-")
    pages = _pdf_pages(target)
    assert len(pages) == 1
    if kind == "pure":  # one page the drawing's own size
        assert abs(pages[0][0][0] - float(drawn.group(1))) < 2
        assert abs(pages[0][0][1] - float(drawn.group(2))) < 2
    assert "Western-backed colour" in " ".join(pages[0][1].split())


def test_diagram_pdf_needs_an_output_file(runner):
    result = runner.invoke(main, ["diagram", str(REPO), "--format", "pdf"])
    assert result.exit_code == 2
    assert "PDF needs an output file: add -o FILE.pdf" in result.output


CHART_PAGE = (
    "<html><head><title>Charts — argmap report</title><style>:root { --accent: #1d4ed8; }"
    ".chart .label { font-size: 11px; fill: var(--accent); } .chart svg { width: 100%; }"
    '</style></head><body><main><figure class="chart" id="c"><figcaption>A chart.</figcaption>'
    '<svg viewBox="0 0 300 40" width="300" height="40" role="img">'
    '<text x="10" y="20" class="label">Chartlabel</text></svg></figure></main></body></html>'
)


def test_each_chart_carries_the_reports_chart_rules():
    """For a printer that styles an SVG with only what is inside it (WeasyPrint)."""
    page = _printable(CHART_PAGE)
    inner = re.search(r'<svg class="print-chart"[^>]*><style>(.*?)</style>', page)
    assert inner is not None
    assert ".print-chart .label { font-size: 11px; fill: #1d4ed8; }" in inner.group(1)
    assert "svg" not in inner.group(1) and "var(" not in inner.group(1)


@pytest.mark.pdf
def test_weasyprint_prints_a_chart_at_its_own_text_size(tmp_path, monkeypatch):
    """WeasyPrint once printed the charts black with their text at the default size."""
    need_module("weasyprint")
    from argmap.problems import ArgmapError
    from argmap.render.pdf import html_to_pdf

    monkeypatch.setenv("ARGMAP_PDF", "weasyprint")
    try:
        data = html_to_pdf(CHART_PAGE)
    except ArgmapError as err:  # installed without the system Pango
        pytest.skip(str(err))
    target = tmp_path / "chart.pdf"
    target.write_bytes(data)
    assert "Chartlabel" in _pdf_pages(target)[0][1]
    # 11 CSS px are 8.25 pt, scaled with the chart to the figure's width (300 px drawn in
    # about 600): about 16 pt. Unstyled, the label took the default 16 px: about 24 pt.
    sizes = []
    PdfReader = need_module("pypdf").PdfReader

    def visit(text, cm, tm, font, size):
        if "Chartlabel" in text:
            c = tm[2] * cm[0] + tm[3] * cm[2]
            d = tm[2] * cm[1] + tm[3] * cm[3]
            sizes.append(size * math.hypot(c, d))

    PdfReader(target).pages[0].extract_text(visitor_text=visit)
    assert sizes and 14 < sizes[0] < 19, sizes


def test_the_maps_legend_prints_up_front_not_alone_on_a_page():
    """Every map takes a page of its own: the maps' legend (and the note that the overview
    gives way) joins the diagrams' heading instead of standing alone before the first."""
    body = (
        '<section id="diagrams"><h2>Diagrams</h2><ul class="edge-legend"><li>x</li></ul>'
        + _figure("evidence-map", _svg(400, 300))
        + '<div class="map-views" id="argument-maps"><p class="map-legend">Maps legend.</p>'
        + _figure("map-a", _svg(300, 200), focused=True)
        + _figure("argument-map", _svg(4000, 1200, 8))
        + "</div></section></body></html>"
    )
    page = _printable(HEAD + body)
    note = "The overview is too large to print legibly; each hypothesis\u2019s map follows."
    assert page.count("Maps legend.") == 1 and page.count(note) == 1
    assert page.index("Diagrams") < page.index("Maps legend.") < page.index(note)
    assert page.index(note) < page.index('id="evidence-map"') < page.index('id="map-a"')
    between = page[page.index('id="argument-maps"') : page.index('id="map-a"')]
    assert "<p" not in between  # nothing left to stand before the first map


def test_a_hypothesis_nothing_argues_about_takes_no_page():
    body = (
        '<section id="diagrams"><h2>Diagrams</h2>'
        + _figure("evidence-map", _svg(400, 300))
        + '<div class="map-views" id="argument-maps"><p class="map-legend">Maps legend.</p>'
        + _figure("map-a", _svg(300, 200), focused=True)
        + _figure("map-other", _svg(120, 40), focused=True)
        .replace('id="map-other"', 'id="map-other" data-alone="true"', 1)
        .replace("<strong>map-other</strong>", "<strong>Something else</strong>", 1)
        + "</div></section></body></html>"
    )
    page = _printable(HEAD + body)
    assert 'id="map-other"' not in page and 'id="map-a"' in page
    note = "Nothing in the argument map bears on Something else, so no map of it is printed."
    assert page.index("Maps legend.") < page.index(note) < page.index('id="evidence-map"')
