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
from dataclasses import dataclass
from datetime import UTC, datetime
from html import unescape
from math import ceil
from pathlib import Path

from ..extras import require
from ..problems import ArgmapError

__all__ = [
    "CHROMIUM_FLAGS",
    "MIN_PRINT_PT",
    "PAPERS",
    "PRINT_CAPTION_CHARS",
    "find_chromium",
    "html_to_pdf",
    "prints_whole",
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
_DIAGRAM_MARGIN_MM = (12, 8)  # a diagram's page: more room for the drawing
# Paper in millimetres, (width, height).
_PAPER_MM = {"a4": (210.0, 297.0), "letter": (215.9, 279.4)}
_PT_PER_MM = 72 / 25.4
# The smallest text a printed diagram may have, in points: a drawing that would print smaller
# whole prints in parts, or is left out with a note (the HTML report zooms it).
MIN_PRINT_PT = 6.0
# A diagram too large to print whole that legibly prints in parts, a page each, overlapping on
# paper by _OVERLAP_PT: a focused argument map in as many as it takes, others in up to
# _MAX_PARTS (more, and it is left out with a note).
_MAX_PARTS = 4
_OVERLAP_PT = 24.0
_SLOT = "\x00"  # where a figure's printed drawing goes (no HTML holds a NUL)

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

    # A diagram's page is named by its orientation, with narrower margins; a diagram's
    # container (the section, the argument maps) takes its first figure's, so a heading or
    # legend shares that page.
    d_top, d_side = _DIAGRAM_MARGIN_MM
    pages = "".join(
        f"@page diagram-{o} {{ size: {PAPERS[paper]} {o}; margin: {d_top}mm {d_side}mm; }}"
        f"figure.diagram.{o}, #diagrams.{o}, .map-views.{o} {{ page: diagram-{o}; }}"
        for o in ("portrait", "landscape")
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
        # A hypothesis card is about half a page: kept whole, each took a page of its own.
        # It may break between its paragraphs and list items, never inside one.
        ".card { break-inside: auto !important; }"
        ".card p, .card li { break-inside: avoid; } p, li { orphans: 3; widows: 3; }"
        # A statement's label stays with its text; a table's header with its first row.
        "dt { break-after: avoid; page-break-after: avoid; } dd { break-inside: avoid; }"
        # An evidence item's heading and particulars stay with its quote, the quote whole.
        ".evidence-item > .meta { break-after: avoid; page-break-after: avoid; }"
        ".evidence-item > blockquote { break-inside: avoid; }"
        "thead { display: table-header-group; break-after: avoid; }"
        "tbody > tr:first-child { break-before: avoid; page-break-before: avoid; }"
        "tr, .matrix thead th { break-inside: avoid; }"
        ".matrix thead th, .heatmap thead th { position: static !important; }"
        # The matrix fits the page's width: anything wider makes Chromium shrink every page
        # of the report to fit it, and the diagrams' landscape pages more.
        ".matrix { font-size: 7pt !important; }"
        ".matrix th, .matrix td { min-width: 0 !important; padding: .15rem .25rem !important; }"
        # Hypotheses head their columns set upright, bottom to top: across, each column
        # too narrow for its words, they broke mid-word. A printer without vertical text
        # (WeasyPrint) keeps them across, wrapped, rather than turned upside down.
        ".matrix th.hcol { max-width: none !important; font-size: 7pt !important;"
        " white-space: normal; hyphens: auto; }"
        "@supports (writing-mode: vertical-rl) { .matrix th.hcol { writing-mode: vertical-rl;"
        " transform: rotate(180deg); max-height: 10rem; text-align: left; vertical-align: top;"
        " hyphens: manual; } }"
        ".matrix tbody th { min-width: 12em !important; }"
        ".matrix td.date { white-space: nowrap; font-size: 7pt !important; }"
        # So does the ranking (Chromium matches the report's narrow-screen rules against the
        # paper, not the printed width, so it keeps every column): fixed column widths, the
        # hypothesis taking what is left. The bars are left out for room (their figures stay,
        # and the chart below the table draws the posteriors); the words get room to wrap by
        # phrase, not by word.
        ".ranking { font-size: 8pt; table-layout: fixed; width: 100% !important; }"
        ".ranking th, .ranking td { padding: .2rem .3rem !important; min-width: 0 !important; }"
        ".ranking .bar-col, .ranking .post-col { width: 0; padding: 0 !important; }"
        ".ranking .bar-col > *, .ranking .post-col > * { display: none; }"
        ".ranking .estimate { font-size: 1em; }"
        ".ranking thead th:nth-child(1) { width: 2.6rem; }"
        ".ranking thead th:nth-child(3) { width: 6rem; }"
        ".ranking thead th:nth-child(4), .ranking thead th:nth-child(6),"
        " .ranking thead th:nth-child(9) { width: 4.4rem; }"
        ".ranking thead th:nth-child(7) { width: 3.8rem; }"
        ".ranking thead th:nth-child(10) { width: 6.5rem; }"
        # Each diagram on a page of its own, sized by _fit_diagrams; the first shares its page
        # with the section's heading and legend, the first argument map with the maps' legend.
        "#diagrams { break-before: page; }"
        "figure.diagram { break-before: page; break-after: page; break-inside: avoid;"
        " margin: 0; }"
        "figure.diagram.lead { break-before: avoid; page-break-before: avoid; }"
        "figure.diagram.omitted { break-before: auto; break-after: auto; }"
        "figure.diagram .svg-wrap { break-before: avoid; page-break-before: avoid; }"
        ".map-views > .map-legend { break-before: page; break-after: avoid; }"
        ".print-note { font-style: italic; color: #52606d; break-after: avoid; }" + pages + "}"
    )


def _generated() -> str:
    """When the report was printed: SOURCE_DATE_EPOCH when set, so prints repeat exactly."""
    stamp = _source_date() or datetime.now(tz=UTC)
    return "Generated " + stamp.strftime("%Y-%m-%d")


@dataclass(frozen=True)
class _Drawing:
    """One drawn SVG: its natural size in points and its smallest text at that size."""

    width: float
    height: float
    smallest: float

    def fit(self, room: tuple[float, float]) -> float:
        """The scale that fits the drawing in `room` (points), never above natural size."""
        return min(1.0, room[0] / self.width, room[1] / self.height)


_UNIT_PT = {"pt": 1.0, "px": 0.75, "": 0.75, "in": 72.0, "mm": _PT_PER_MM, "cm": 10 * _PT_PER_MM}


def _drawing(svg: str) -> _Drawing | None:
    """Size and smallest text of the first `<svg>` in `svg`; None when it states no size."""
    tag = re.search(r"<svg\b[^>]*>", svg)
    if tag is None:
        return None
    size = []
    for name in ("width", "height"):
        found = re.search(rf'\s{name}="([\d.]+)(pt|px|in|mm|cm|)"', tag.group(0))
        if found is None or not float(found.group(1)) > 0:
            return None
        size.append(float(found.group(1)) * _UNIT_PT[found.group(2)])
    # Text sizes are in the drawing's own units: the viewBox and the graph's scale map them
    # to the points of its width.
    unit = 1.0
    box = re.search(r'\sviewBox="[-\d.]+[ ,]+[-\d.]+[ ,]+([\d.]+)', tag.group(0))
    if box and float(box.group(1)) > 0:
        unit = size[0] / float(box.group(1))
    graph = re.search(r'class="graph"[^>]*transform="scale\(([\d.]+)', svg)
    if graph and float(graph.group(1)) > 0:
        unit *= float(graph.group(1))
    fonts = [float(f) for f in re.findall(r'font-size(?:="|:\s*)([\d.]+)', svg)]
    smallest = min((f for f in fonts if f > 0), default=12.0) * unit
    return _Drawing(size[0], size[1], smallest)


def _text_mm(html: str, width_mm: float, char_mm: float, line_mm: float) -> float:
    """A generous estimate of the height some HTML's text takes set `width_mm` wide.

    `char_mm` is a character's average width in the font (DejaVu Sans, wide: about 0.6 em),
    and each line break the HTML forces starts another line.
    """
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
    if not text:
        return 0.0
    breaks = len(re.findall(r"<br\b", html))
    return (ceil(len(text) * char_mm / width_mm) + breaks) * line_mm


_FIGURE = re.compile(r'<figure class="diagram[" ][^>]*>.*?</figure>', flags=re.DOTALL)
_SVG_WRAP = re.compile(r'<div class="svg-wrap"[^>]*>.*?</div>', flags=re.DOTALL)
_OVERVIEW_NOTE = (
    '<p class="print-note">The overview is too large to print legibly; '
    "each hypothesis\u2019s map follows.</p>"
)
_OMITTED_NOTE = (
    '<p class="print-note">This diagram is too large to print legibly (its smallest text '
    f"would be under {MIN_PRINT_PT:g} pt); the HTML report draws it with zoom.</p>"
)


def _rooms(paper: str, caption: str, lead: str | None) -> dict[str, tuple[float, float]]:
    """The room (points) a diagram has on a portrait and on a landscape page.

    Its caption takes some of the page, and so does what shares the page before it (`lead`:
    a heading, a legend, a paragraph), each estimated from its text, generously.
    """
    top, side = _DIAGRAM_MARGIN_MM
    paper_w, paper_h = _PAPER_MM[paper]
    rooms = {}
    for orientation, (w, h) in (
        ("portrait", (paper_w, paper_h)),
        ("landscape", (paper_h, paper_w)),
    ):
        width = w - 2 * side
        # A caption is set at about 10 pt, a lead's text at about 11 pt.
        reserved = 10 + _text_mm(caption, width, 2.3, 5.6)
        if lead is not None:
            blocks = len(re.findall(r"<(?:h\d|p|ul)\b", lead))
            reserved += 9 * blocks + _text_mm(lead, width, 2.5, 6.2)
        rooms[orientation] = (width * _PT_PER_MM, (h - 2 * top - reserved) * _PT_PER_MM)
    return rooms


@dataclass(frozen=True)
class _Plan:
    """How a drawing prints on a page of one orientation: at what scale, in how many parts."""

    orientation: str
    scale: float
    columns: int
    rows: int


def _plan(drawn: _Drawing, rooms: dict[str, tuple[float, float]]) -> _Plan:
    """The orientation and scale a drawing prints at, whole or (too small whole) in parts.

    Whole when its smallest text prints at MIN_PRINT_PT or more, on whichever page prints it
    larger (at natural size on both, its own proportions decide); otherwise at the scale that
    prints that text at MIN_PRINT_PT, cut into overlapping parts, a page each, on whichever
    page needs fewer.
    """
    wide = drawn.width > drawn.height
    # A hair over the minimum, so that rounding in the print cannot take it under.
    needed = MIN_PRINT_PT * 1.01
    readable = min(1.0, needed / drawn.smallest)

    def count(length: float, space: float) -> int:
        if length <= space + 0.5:
            return 1
        return ceil((length - _OVERLAP_PT) / (space - _OVERLAP_PT))

    def filled(parts: int, length: float, space: float) -> float:
        """The scale at which `parts` overlapping parts of `space` hold `length` exactly."""
        return (parts * (space - _OVERLAP_PT) + _OVERLAP_PT) / length

    plans = []
    for orientation, room in rooms.items():
        scale = drawn.fit(room)
        if drawn.smallest * scale < needed:
            scale = readable
        columns, rows = count(drawn.width * scale, room[0]), count(drawn.height * scale, room[1])
        if columns * rows > 1:  # as large as those parts allow: no page of overlap alone
            scale = min(
                1.0,
                filled(columns, drawn.width, room[0]),
                filled(rows, drawn.height, room[1]),
            )
        plans.append(_Plan(orientation, scale, columns, rows))
    return min(
        plans,
        key=lambda p: (
            p.columns * p.rows,
            -round(p.scale, 3),
            (p.orientation == "landscape") != wide,
        ),
    )


PRINT_CAPTION_CHARS = 500
"""The caption :func:`prints_whole` allows for: a focused map's, its way back and its notes."""


def prints_whole(svg: bytes | str) -> bool:
    """Whether a drawing prints whole on one page of A4 and of letter, on its own page with a
    caption of :data:`PRINT_CAPTION_CHARS`, its smallest text at MIN_PRINT_PT or more.

    The report cuts a focused argument map that would not into maps of its own parts, so
    that on paper too each prints whole.
    """
    drawn = _drawing(svg.decode("utf-8") if isinstance(svg, bytes) else svg)
    if drawn is None:
        return True
    caption = "word " * (PRINT_CAPTION_CHARS // 5)
    for paper in _PAPER_MM:
        plan = _plan(drawn, _rooms(paper, caption, None))
        if plan.columns * plan.rows > 1:
            return False
    return True


def _parts(wrap: str, drawn: _Drawing, plan: _Plan, room: tuple[float, float]) -> list[str]:
    """The svg-wrap `wrap` as printed: sized, and cut into the plan's parts (row by row)."""
    tag = re.search(r"<svg\b[^>]*>", wrap)
    box = (
        re.search(r'\sviewBox="([-\d.]+)[ ,]+([-\d.]+)[ ,]+([\d.]+)[ ,]+([\d.]+)"', tag.group(0))
        if tag
        else None
    )
    if tag is None or box is None or plan.columns * plan.rows == 1:
        size = (drawn.width * plan.scale, drawn.height * plan.scale)
        return [_sized(wrap, size, None)]
    left, top, view_w, view_h = (float(v) for v in box.groups())
    units = view_w / drawn.width  # viewBox units per point of the drawing
    part_w = min(drawn.width, room[0] / plan.scale)
    part_h = min(drawn.height, room[1] / plan.scale)
    parts = []
    for row in range(plan.rows):
        for column in range(plan.columns):
            x = column * (drawn.width - part_w) / max(1, plan.columns - 1)
            y = row * (drawn.height - part_h) / max(1, plan.rows - 1)
            view = (
                f"{left + x * units:.2f} {top + y * units:.2f} "
                f"{part_w * units:.2f} {part_h * units:.2f}"
            )
            size = (part_w * plan.scale, part_h * plan.scale)
            parts.append(_sized(wrap, size, view))
    return parts


def _sized(wrap: str, size: tuple[float, float], view: str | None) -> str:
    """An svg-wrap whose drawing prints `size` points large, showing `view` of its viewBox."""
    style = (
        f'style="width: {size[0]:.1f}pt !important; height: {size[1]:.1f}pt !important; '
        'max-width: none !important; max-height: none !important"'
    )
    wrap = wrap.replace(" hidden", "", 1) if re.match(r"<div[^>]* hidden[ >=]", wrap) else wrap
    if view is not None:
        wrap = re.sub(r'(<svg\b[^>]*?\sviewBox=")[^"]*"', rf'\g<1>{view}"', wrap, count=1)
    return wrap.replace("<svg", f"<svg {style}", 1)


def _fit_figure(
    figure: str, paper: str, lead: str | None, max_parts: int
) -> tuple[str, str, int] | None:
    """A diagram's figure as printed, its pages' orientation and parts; None when left out.

    Of a figure's variants (`data-variant`) the first that prints whole prints, else the one
    needing the fewest parts; a figure needing more than `max_parts` is left out.
    """
    head = figure[: figure.index(">") + 1]
    caption = re.search(r"<figcaption>(.*?)</figcaption>", figure, flags=re.DOTALL)
    rooms = _rooms(paper, caption.group(1) if caption else "", lead)
    candidates = []
    for wrap in _SVG_WRAP.finditer(figure):
        drawn = _drawing(wrap.group(0))
        if drawn is not None:
            candidates.append((wrap, drawn, _plan(drawn, rooms)))
    if not candidates:
        return None
    wrap, drawn, plan = min(candidates, key=lambda c: c[2].columns * c[2].rows)
    count = plan.columns * plan.rows
    if count > max_parts:
        return None
    parts = _parts(wrap.group(0), drawn, plan, rooms[plan.orientation])
    # The chosen variant prints; the others are left out.
    pieces, last = [], 0
    for other in (c[0] for c in candidates):
        pieces += [figure[last : other.start()], _SLOT if other is wrap else ""]
        last = other.end()
    shell = "".join(pieces) + figure[last:]
    classes = f"diagram {plan.orientation}"
    first = shell.replace(
        'class="diagram', f'class="{classes}' + (" lead" if lead is not None else ""), 1
    )
    if count == 1:
        return first.replace(_SLOT, parts[0], 1), plan.orientation, 1
    order = {
        (True, False): "left to right",
        (False, True): "top to bottom",
        (True, True): "left to right, then top to bottom",
    }[(plan.columns > 1, plan.rows > 1)]
    note = f' <span class="parts">Printed in {count} parts, {order}, so that it can be read.</span>'
    printed = [
        first.replace("</figcaption>", note + "</figcaption>", 1).replace(_SLOT, parts[0], 1)
    ]
    title = re.search(r"<strong>(.*?)</strong>", caption.group(1)) if caption else None
    name = title.group(1) if title else "The drawing above"
    ident = re.search(r'\sid="([^"]*)"', head)
    for number, part in enumerate(parts[1:], start=2):
        more = (
            f'<figure class="{classes} part"'
            + (f' id="{ident.group(1)}-part-{number}"' if ident else "")
            + f"><figcaption>{name}, part {number} of {count}.</figcaption>{part}</figure>"
        )
        printed.append(more)
    return "".join(printed), plan.orientation, count


_MAP_LEGEND = re.compile(r'\s*<p class="map-legend">.*?</p>', flags=re.DOTALL)


def _legend_up_front(html: str, paper: str) -> str:
    """The argument maps' legend, and the note that the overview gives way to the focused
    maps (when it does), moved up to the diagrams' heading and edge legend.

    On paper every map takes a page of its own, sized to fill it: the legend, left before
    the first map, would stand alone on a page. Up front it shares the evidence map's.
    """
    legend = _MAP_LEGEND.search(html)
    first = re.search(r'<figure class="diagram[" ]', html)
    if legend is None or first is None or first.start() > legend.start():
        return html
    moved = legend.group(0)
    overview = re.search(r'<figure class="diagram"[^>]*\sid="argument-map".*?</figure>', html, re.S)
    focused = '<figure class="diagram focused-map' in html
    if focused and overview and _fit_figure(overview.group(0), paper, None, 1) is None:
        moved += _OVERVIEW_NOTE
    alone = [
        figure
        for figure in _FIGURE.finditer(html)
        if 'data-alone="true"' in figure.group(0)[: figure.group(0).index(">")]
    ]
    if alone:
        # A hypothesis nothing argues about would take a page to show one node: say so here.
        titles = [re.search(r"<strong>(.*?)</strong>", f.group(0)) for f in alone]
        names = [t.group(1) for t in titles if t] or ["a hypothesis"]
        listed = ", ".join(names[:-1]) + (" and " if len(names) > 1 else "") + names[-1]
        moved += (
            f'<p class="print-note">Nothing in the argument map bears on {listed}, so no map '
            f"of {'it' if len(names) == 1 else 'them'} is printed.</p>"
        )
        for figure in reversed(alone):
            html = html[: figure.start()] + html[figure.end() :]
    html = html[: legend.start()] + html[legend.end() :]
    return html[: first.start()] + moved + html[first.start() :]


def _fit_diagrams(html: str, paper: str) -> str:
    """Each diagram on a page of its own, scaled to fit, or left out when it cannot be read.

    A drawing is printed at a size chosen here, so its smallest text on paper is known
    before printing. One whose smallest text would print below MIN_PRINT_PT whole prints in
    overlapping parts, a page each, at a legible scale: a focused argument map in as many as
    it takes, another diagram in up to _MAX_PARTS, else it is left out with a note saying
    so. The argument map's overview, when there are focused maps, prints only whole; left
    out, one line before the focused maps says so. The first figure of the diagrams'
    section shares its page with the heading and the edge legend, and the first argument
    map with the maps' legend (unless it prints in parts), so those are sized with the room
    left; each container takes its first figure's page.
    """
    html = _legend_up_front(html, paper)
    figures = list(_FIGURE.finditer(html))
    if not figures:
        return html
    leads: dict[int, str] = {}
    containers = {}
    for name, anchor in (
        ("diagrams", '<section id="diagrams"'),
        ("maps", '<div class="map-views"'),
    ):
        at = html.find(anchor)
        first = (
            next((i for i, f in enumerate(figures) if f.start() > at), None) if at >= 0 else None
        )
        if first is not None and first not in leads:
            leads[first] = html[html.index(">", at) + 1 : figures[first].start()]
            containers[name] = first
    focused = any("focused-map" in f.group(0)[: f.group(0).index(">")] for f in figures)
    out, last = [], 0
    orientations: dict[int, str] = {}
    overview_left_out = False
    for i, figure in enumerate(figures):
        out.append(html[last : figure.start()])
        last = figure.end()
        lead = leads.get(i)
        head = figure.group(0)[: figure.group(0).index(">")]
        overview = focused and 'id="argument-map"' in head
        limit = 10_000 if "focused-map" in head else 1 if overview else _MAX_PARTS
        fitted = _fit_figure(figure.group(0), paper, lead, limit)
        if lead is not None and fitted is not None and fitted[2] > 1:
            # A drawing in parts starts on a page of its own, after what would have led it.
            fitted = _fit_figure(figure.group(0), paper, None, limit)
        if fitted is not None:
            out.append(fitted[0])
            orientations[i] = fitted[1]
        elif overview:
            overview_left_out = True
        else:
            text = figure.group(0).replace('class="diagram', 'class="diagram omitted', 1)
            out.append(
                _SVG_WRAP.sub("", text, count=1).replace("</figure>", _OMITTED_NOTE + "</figure>")
            )
    out.append(html[last:])
    html = "".join(out)
    if overview_left_out and _OVERVIEW_NOTE not in html:
        at = html.find('<figure class="diagram focused-map')
        at = (
            html.find('<figure class="diagram', html.find('<div class="map-views"'))
            if at < 0
            else at
        )
        html = html[:at] + _OVERVIEW_NOTE + html[at:]
    for name, tag, marked in (
        ("diagrams", '<section id="diagrams"', '<section class="{}" id="diagrams"'),
        ("maps", '<div class="map-views"', '<div class="map-views {}"'),
    ):
        orientation = orientations.get(containers.get(name, -1))
        if orientation:
            html = html.replace(tag, marked.format(orientation), 1)
    return html


def _chart_styles(html: str) -> str:
    """The report's charts carry their own style, for a printer that styles SVG alone.

    WeasyPrint draws an inline SVG with only the styles inside it: the report's `.chart`
    rules (colours, text sizes) did not reach the charts, which printed black, with text at
    the default size running off the page. Each chart's SVG gets those rules, custom
    properties resolved, scoped to a class of its own (the same rules, so Chromium prints
    it as before).
    """
    css = " ".join(re.findall(r"<style>(.*?)</style>", html, flags=re.DOTALL))
    values = dict(re.findall(r"--([\w-]+):\s*([^;{}]+?)\s*;", css))
    scoped = []
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        kept = [
            ".print-chart " + one.strip().removeprefix(".chart ")
            for one in selectors.split(",")
            if one.strip().startswith(".chart ") and " svg" not in one and ":" not in one
        ]
        if kept:
            scoped.append(f"{', '.join(kept)} {{ {body.strip()} }}")
    rules = "".join(scoped)
    rules = re.sub(r"var\(--([\w-]+)\)", lambda m: values.get(m.group(1), "currentColor"), rules)
    if not rules:
        return html
    return re.sub(
        r'(<figure class="chart"[^>]*>.*?)<svg\b([^>]*)>',
        lambda m: f'{m.group(1)}<svg class="print-chart"{m.group(2)}><style>{rules}</style>',
        html,
        flags=re.DOTALL,
    )


def _printable(html: str, paper: str = "a4") -> str:
    """The report as paper wants it: static, fully laid out, and paginated.

    Folded sections (indicators) are opened, since paper cannot be clicked; the script is
    dropped, lazy layout switched off and the screen left blank, so that nothing about the
    printed page depends on when the browser got round to it (and the same case prints the
    same bytes). Sort buttons become plain text (Chromium leaves a button's label out of a
    table header it repeats on the next page); each diagram gets a page of its own, in the
    orientation that prints it larger, or a note when it would print too small to read.
    """
    if paper not in PAPERS:
        raise ArgmapError(f"paper {paper!r}: use one of {', '.join(PAPERS)}")
    html = html.replace("<details>", "<details open>")
    html = re.sub(r"<script>.*?</script>", "", html, flags=re.DOTALL)
    html = re.sub(
        r"<button type=\"button\" data-sort=[^>]*>(.*?)</button>", r"<span>\1</span>", html
    )
    html = _fit_diagrams(html, paper)
    html = _chart_styles(html)
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
