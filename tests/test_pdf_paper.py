"""The PDF as a briefing: paper size, running title, date, page numbers, diagram pages."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from argmap.cli import main
from argmap.render.pdf import _printable

from .conftest import REPO

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
    # Sort buttons print as their labels (Chromium drops a button's text from repeated headers).
    assert "<button" not in page
    assert "<span>Evidence</span>" in page


def test_printable_letter_and_unknown_paper():
    assert "@page { size: letter;" in _printable(HEAD + "</body></html>", "letter")
    from argmap.problems import ArgmapError

    with pytest.raises(ArgmapError, match="paper 'a5'"):
        _printable(HEAD, "a5")


@pytest.mark.pdf
@pytest.mark.parametrize(("paper", "size"), [("a4", (595, 842)), ("letter", (612, 792))])
def test_shipped_case_pdf_is_paginated_and_numbered(runner, tmp_path, monkeypatch, paper, size):
    if not shutil.which("chromium"):
        from .test_browser import _chromium

        _chromium()  # skips visibly, or fails where CI demands every engine
    if not (shutil.which("pdftotext") and shutil.which("pdfinfo")):
        pytest.skip("pdftotext and pdfinfo (poppler-utils) are not installed")
    monkeypatch.setenv("ARGMAP_PDF", "chromium")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    target = tmp_path / "report.pdf"
    args = ["report", str(REPO), "--pdf", "-o", str(target)]
    result = runner.invoke(main, [*args, "--paper", paper] if paper != "a4" else args)
    assert result.exit_code == 0, result.output
    info = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "999", str(target)],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    sizes = [
        (round(float(w)), round(float(h)))
        for w, h in re.findall(r"Page +\d+ size: +([\d.]+) x ([\d.]+) pts", info)
    ]
    assert sizes
    # Every page the paper asked for, upright or (a wide diagram's page) turned.
    assert set(sizes) <= {size, size[::-1]}
    text = subprocess.run(
        ["pdftotext", "-layout", str(target), "-"], capture_output=True, check=True, text=True
    ).stdout
    pages = text.split("\f")
    if not pages[-1].strip():
        pages.pop()
    assert 10 <= len(pages) <= 80, len(pages)
    assert len(sizes) == len(pages)
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page, number
        assert "Kazakhstan" in page  # the running title
        assert "Generated 2023-11-14" in page
    # Each diagram on a page of its own, its caption with it.
    evidence_map = [p for p in pages if "Evidence map: each item points" in p]
    argument_map = [p for p in pages if "Argument map: statements, arguments" in p]
    assert len(evidence_map) == len(argument_map) == 1
    assert "Argument map:" not in evidence_map[0]
    # A drawing wider than tall gets a landscape page, the others portrait. The diagrams'
    # heading stays with the first.
    html = tmp_path / "report.html"
    assert runner.invoke(main, ["report", str(REPO), "-o", str(html)]).exit_code == 0
    for figure, page in (("evidence-map", evidence_map[0]), ("argument-map", argument_map[0])):
        drawn = re.search(
            rf'<figure class="diagram" id="{figure}">.*?<svg width="([\d.]+)pt" height="([\d.]+)pt"',
            html.read_text(encoding="utf-8"),
            flags=re.DOTALL,
        )
        assert drawn is not None
        wide = float(drawn.group(1)) > float(drawn.group(2))
        assert sizes[pages.index(page)] == (size[::-1] if wide else size), figure
    assert "Diagrams" in evidence_map[0]


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
    info = subprocess.run(["pdfinfo", str(target)], capture_output=True, text=True).stdout
    assert re.search(r"Pages: +1\n", info)
    page = re.search(r"Page size: +([\d.]+) x ([\d.]+) pts", info)
    assert page is not None
    if kind == "pure":  # one page the drawing's own size
        assert abs(float(page.group(1)) - float(drawn.group(1))) < 2
        assert abs(float(page.group(2)) - float(drawn.group(2))) < 2
    assert (
        "Western-backed colour"
        in subprocess.run(["pdftotext", str(target), "-"], capture_output=True, text=True).stdout
    )


def test_diagram_pdf_needs_an_output_file(runner):
    result = runner.invoke(main, ["diagram", str(REPO), "--format", "pdf"])
    assert result.exit_code == 2
    assert "PDF needs an output file: add -o FILE.pdf" in result.output
