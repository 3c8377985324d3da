"""The report as PDF: the system Chromium when present, WeasyPrint otherwise.

Chromium prints the page as a browser would, quickly; WeasyPrint (a pip package)
needs no browser, so `argmap report --pdf` works after `pip install` alone.
`ARGMAP_PDF=chromium|weasyprint` chooses. With `SOURCE_DATE_EPOCH` set, the PDF's
creation and modification dates come from it, so the same case gives the same
bytes; without it, WeasyPrint writes no dates and Chromium the current time.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from html import unescape
from pathlib import Path

from ..extras import require
from ..problems import ArgmapError

__all__ = [
    "CHROMIUM_FLAGS",
    "PAPERS",
    "find_chromium",
    "html_to_pdf",
    "svg_to_pdf",
]

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-extensions",
    "--no-pdf-header-footer",
    "--run-all-compositor-stages-before-draw",
)


def find_chromium() -> str | None:
    """The system Chromium (or Chrome), if installed."""
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def _source_date() -> datetime | None:
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return None
    try:
        return datetime.fromtimestamp(int(value), tz=UTC)
    except (ValueError, OverflowError, OSError):
        raise ArgmapError(f"SOURCE_DATE_EPOCH={value!r} is not a Unix time in seconds") from None


PAPERS = {"a4": "A4", "letter": "letter"}
_MARGIN_MM = (16, 14)  # top/bottom, left/right
# Paper in millimetres, (width, height).
_PAPER_MM = {"a4": (210.0, 297.0), "letter": (215.9, 279.4)}
# Room a diagram's caption takes above it on its own page, and the section's heading and
# legend above the first.
_CAPTION_MM = 30
_LEGEND_MM = 22

_SCREEN_STYLE = (
    "#hypotheses, #arguments, #evidence, #sources "
    "{ content-visibility: visible !important; }"
    # Nothing to show on screen: Chromium otherwise paints the page for its (invisible)
    # window while it prints, and under load a text run painted for the screen, its baseline
    # snapped to a whole pixel, now and then lands in the PDF (one glyph 0.4 pt off in one
    # print of twenty). With no screen paint the print is laid out and painted once.
    "@media screen { body { display: none !important; } }"
)


def _css_string(text: str) -> str:
    """Text as a quoted CSS string (for `content:`)."""
    text = " ".join(text.split())
    # A backslash escapes; "<" as an escape too, so no title can close the <style> element.
    return '"' + re.sub(r'(["\\])', r"\\\1", text).replace("<", "\\3c ") + '"'


def _paper_style(title: str, generated: str, paper: str) -> str:
    """Paper: size, margins, running title, date and page numbers, breaks and diagram pages."""
    top, side = _MARGIN_MM
    small = "font: 8pt system-ui, sans-serif; color: #52606d;"
    boxes = (
        f"@top-left {{ content: {_css_string(title)}; {small} }}"
        f"@top-right {{ content: {_css_string(generated)}; {small} }}"
        f'@bottom-center {{ content: "Page " counter(page) " of " counter(pages); {small} }}'
    )

    width, height = _PAPER_MM[paper]

    def diagram_page(orientation: str, page_height: float) -> str:
        area = page_height - 2 * top - _CAPTION_MM
        name = f"diagram-{orientation}"
        return (
            f"@page {name} {{ size: {PAPERS[paper]} {orientation}; }}"
            f"figure.diagram.{orientation}, #diagrams.{orientation} {{ page: {name}; }}"
            f"figure.diagram.{orientation} .svg-wrap svg {{ height: {area:.0f}mm !important; }}"
            f"figure.diagram.{orientation}:first-of-type .svg-wrap svg "
            f"{{ height: {area - _LEGEND_MM:.0f}mm !important; }}"
        )

    return (
        f"@page {{ size: {PAPERS[paper]}; margin: {top}mm {side}mm; {boxes} }}"
        "@media print {"
        # The page margins frame the text; main's screen padding (a share of the width)
        # would keep a landscape page's content at the portrait page's width.
        "main { padding: 0 !important; }"
        "h1, h2, h3, h4, summary, caption, figcaption "
        "{ break-after: avoid; page-break-after: avoid; break-inside: avoid; }"
        "h2 + *, h3 + *, h4 + * { break-before: avoid; page-break-before: avoid; }"
        "thead { display: table-header-group; }"
        "tr, .matrix thead th { break-inside: avoid; }"
        ".matrix thead th, .heatmap thead th { position: static !important; }"
        # The matrix fits the page's width: anything wider makes Chromium shrink every page
        # of the report to fit it, and the diagrams' landscape pages more.
        ".matrix { font-size: 7pt !important; }"
        ".matrix th, .matrix td { min-width: 0 !important; padding: .15rem .25rem !important; }"
        ".matrix th.hcol { max-width: none !important; font-size: 7pt !important;"
        " hyphens: auto; overflow-wrap: anywhere; }"
        ".matrix tbody th { min-width: 12em !important; }"
        ".matrix td.date { white-space: normal; }"
        # So does the ranking (Chromium matches the report's narrow-screen rules against the
        # paper, not the printed width, so it keeps every column).
        ".ranking { font-size: 8pt; }"
        ".ranking th, .ranking td { padding: .2rem .3rem !important; }"
        ".ranking .estimate { min-width: 0 !important; }"
        ".ranking td:nth-child(2) { min-width: 8rem !important; }"
        # The weighted inconsistency stays as a figure; its bar is left out for room.
        ".ranking .bar-col { display: none; } .ranking .post-col { min-width: 4rem; }"
        # Each diagram on a page of its own (landscape when the drawing is wider than tall),
        # with its caption, scaled to fit the page; the first shares its page with the
        # section's heading and legend.
        "#diagrams { break-before: page; }"
        "figure.diagram { break-before: page; break-after: page; break-inside: avoid;"
        " margin: 0; }"
        "figure.diagram:first-of-type { break-before: avoid; }"
        "figure.diagram .svg-wrap { break-before: avoid; page-break-before: avoid; }"
        "figure.diagram .svg-wrap svg { width: 100% !important; max-width: none !important; }"
        + diagram_page("portrait", height)
        + diagram_page("landscape", width)
        + "}"
    )


def _generated() -> str:
    """When the report was printed: SOURCE_DATE_EPOCH when set, so prints repeat exactly."""
    stamp = _source_date() or datetime.now(tz=UTC)
    return "Generated " + stamp.strftime("%Y-%m-%d")


def _orient(html: str) -> str:
    """Mark each diagram's figure portrait or landscape by its drawing's proportions.

    The diagrams' section takes the first figure's orientation, so that its heading and
    legend share that figure's page.
    """
    first: list[str] = []

    def mark(match: re.Match[str]) -> str:
        size = re.search(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"', match.group(0))
        wide = size is not None and float(size.group(1)) > float(size.group(2))
        orientation = "landscape" if wide else "portrait"
        first.append(orientation)
        return match.group(0).replace('class="diagram"', f'class="diagram {orientation}"', 1)

    html = re.sub(r'<figure class="diagram".*?</figure>', mark, html, flags=re.DOTALL)
    if first:
        html = html.replace(
            '<section id="diagrams"', f'<section class="{first[0]}" id="diagrams"', 1
        )
    return html


def _printable(html: str, paper: str = "a4") -> str:
    """The report as paper wants it: static, fully laid out, and paginated.

    Folded sections (indicators) are opened, since paper cannot be clicked; the script is
    dropped, lazy layout switched off and the screen left blank, so that nothing about the
    printed page depends on when the browser got round to it (and the same case prints the
    same bytes). Sort buttons become plain text (Chromium leaves a button's label out of a
    table header it repeats on the next page); each diagram gets a page of its own, turned
    landscape when the drawing is wider than tall.
    """
    if paper not in PAPERS:
        raise ArgmapError(f"paper {paper!r}: use one of {', '.join(PAPERS)}")
    html = html.replace("<details>", "<details open>")
    html = re.sub(r"<script>.*?</script>", "", html, flags=re.DOTALL)
    html = re.sub(
        r"<button type=\"button\" data-sort=[^>]*>(.*?)</button>", r"<span>\1</span>", html
    )
    html = _orient(html)
    found = re.search(r"<title>(.*?)</title>", html, flags=re.DOTALL)
    title = unescape(found.group(1)).removesuffix(" — argmap report") if found else "argmap report"
    style = _SCREEN_STYLE + _paper_style(title, _generated(), paper)
    return html.replace("</head>", f"<style>{style}</style></head>", 1)


def _chromium(html: str, binary: str) -> bytes:
    with tempfile.TemporaryDirectory(prefix="argmap-pdf-") as tmp:
        page = Path(tmp) / "report.html"
        page.write_text(html, encoding="utf-8")
        out = Path(tmp) / "report.pdf"
        profile = Path(tmp) / "profile"
        command = [
            binary,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            f"--print-to-pdf={out}",
            page.as_uri(),
        ]
        try:
            result = subprocess.run(command, capture_output=True, timeout=180, check=False)
        except (OSError, subprocess.TimeoutExpired) as err:
            raise ArgmapError(f"Chromium failed to print the report: {err}") from None
        if not out.is_file() or out.stat().st_size == 0:
            detail = result.stderr.decode("utf-8", "replace").strip().splitlines()
            raise ArgmapError(
                "Chromium did not write the PDF" + (f": {detail[-1]}" if detail else "")
            )
        data = out.read_bytes()
    stamp = _source_date()
    if stamp is not None:
        # Same-length replacement keeps every offset in the PDF's cross-reference table valid.
        value = stamp.strftime("D:%Y%m%d%H%M%S+00'00'").encode()
        data = re.sub(
            rb"/(CreationDate|ModDate) \(D:\d{14}[^)]*\)",
            lambda m: b"/" + m.group(1) + b" (" + value + b")",
            data,
        )
    return data


def _weasyprint(html: str, notify: Callable[[str], None] | None = None) -> bytes:
    import logging

    # WeasyPrint reports CSS it skips (screen-only effects) as warnings; the PDF is fine.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    try:
        require("pdf", "a PDF without Chromium")
    except OSError as err:  # installed, but the system Pango library is missing
        raise ArgmapError(
            f"cannot write PDF: WeasyPrint cannot load its system libraries ({err}); install "
            "Chromium, or Pango (Debian: apt-get install libpango-1.0-0 libpangoft2-1.0-0)"
        ) from None
    from weasyprint import HTML

    if notify:
        notify("writing the PDF with WeasyPrint (no Chromium found); this takes a while")
    stamp = _source_date()
    if stamp is not None:
        iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
        meta = (
            f'<meta name="dcterms.created" content="{iso}">'
            f'<meta name="dcterms.modified" content="{iso}">'
        )
        html = html.replace("</head>", meta + "</head>", 1)
    return HTML(string=html).write_pdf()


def html_to_pdf(html: str, notify: Callable[[str], None] | None = None, paper: str = "a4") -> bytes:
    """Print a self-contained HTML report to PDF bytes on `paper` (a4 or letter)."""
    return _print(_printable(html, paper), notify)


def svg_to_pdf(svg: bytes, notify: Callable[[str], None] | None = None) -> bytes:
    """A Graphviz SVG as a one-page PDF of the drawing's own size.

    For the layout engines that write no PDF themselves (graphviz-pure): the SVG is printed
    by Chromium, or WeasyPrint (argmap[pdf]) when there is no Chromium.
    """
    text = svg.decode("utf-8")
    size = re.search(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"', text)
    width, height = (size.group(1), size.group(2)) if size else ("595", "842")
    page = (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><style>'
        f"@page {{ size: {width}pt {height}pt; margin: 0; }}"
        "html, body { margin: 0; } svg { display: block; }"
        "@media screen { body { display: none !important; } }"
        f"</style></head><body>{text[text.find('<svg') :]}</body></html>"
    )
    return _print(page, notify)


def _print(html: str, notify: Callable[[str], None] | None) -> bytes:
    choice = os.environ.get("ARGMAP_PDF", "").strip().lower()
    if choice not in ("", "chromium", "weasyprint"):
        raise ArgmapError(f"ARGMAP_PDF={choice!r}: use 'chromium' or 'weasyprint'")
    binary = find_chromium() if choice in ("", "chromium") else None
    if choice == "chromium" and binary is None:
        raise ArgmapError("ARGMAP_PDF=chromium but no Chromium is installed")
    if binary:
        return _chromium(html, binary)
    return _weasyprint(html, notify)
