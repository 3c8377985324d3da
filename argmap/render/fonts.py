"""The diagrams' font: labels measured with the font file they are drawn in.

Graphviz sizes a node by its own idea of the label's font, and a browser draws the SVG with
whatever font it finds: when the two differ, text runs past its box. argmap draws every
diagram in DejaVu Sans, shipped in ``argmap/fonts/`` (its licence beside it). Labels are
wrapped and nodes sized with the advance widths read from that file (fontTools), and the
glyphs a diagram uses are embedded in it (:func:`font_face_css`), so the text is drawn in
the font it was measured with, whatever the reader's machine has installed.
"""

from __future__ import annotations

import base64
import html
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .. import cache
from ..cache import digest

__all__ = [
    "FAMILY",
    "FILES",
    "font_face_css",
    "html_with_font",
    "svg_text",
    "svg_with_font",
    "text_width",
    "wrap",
]

FAMILY = "DejaVu Sans"
"""The font family every diagram names; Graphviz (system dot and graphviz-pure) knows it."""

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
FILES = {False: FONT_DIR / "DejaVuSans.ttf", True: FONT_DIR / "DejaVuSans-Bold.ttf"}

MISSING_EM = 1.0
"""Width, in ems, taken for a character the font lacks: the reader's fallback font draws it,
and a full em is wider than the glyphs of most scripts."""


@dataclass(frozen=True)
class _Metrics:
    advances: dict[int, float]
    """Code point → advance width in ems."""


@lru_cache(maxsize=2)
def _metrics(bold: bool) -> _Metrics:
    """The font's advance widths, from argmap's cache folder when read before: reading
    them from the font file with fontTools takes longer than the rest of a small diagram."""
    name = digest(FILES[bold].read_bytes(), "advances") + ".json"
    found = cache.read("fonts", name)
    if found is not None:
        try:
            return _Metrics({int(code): width for code, width in json.loads(found).items()})
        except (ValueError, AttributeError):  # a damaged cache file is made again
            pass
    metrics = _read_metrics(bold)
    cache.write("fonts", name, json.dumps(metrics.advances).encode("ascii"))
    return metrics


def _read_metrics(bold: bool) -> _Metrics:
    from fontTools.ttLib import TTFont

    with TTFont(FILES[bold], lazy=True) as font:
        per_em = font["head"].unitsPerEm
        widths = font["hmtx"].metrics
        advances = {code: widths[glyph][0] / per_em for code, glyph in font.getBestCmap().items()}
    return _Metrics(advances)


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """The width in points of ``text`` set in DejaVu Sans at ``size`` points (no kerning,
    which only narrows it).

    >>> round(text_width("Western-backed movement to", 10), 1)
    152.1
    >>> text_width("AB", 10, bold=True) > text_width("AB", 10)
    True
    """
    advances = _metrics(bold).advances
    return size * sum(advances.get(ord(char), MISSING_EM) for char in text)


def wrap(text: str, width: float, size: float, *, bold: bool = False) -> list[str]:
    """``text`` in lines no wider than ``width`` points: words whole where they fit, a word
    wider than a line broken where it must be. Runs of whitespace count as one space.

    >>> wrap("Western-backed movement to stun grenades", 120, 10)
    ['Western-backed', 'movement to stun', 'grenades']
    >>> wrap("", 100, 10)
    ['']
    >>> wrap("government-versus-security-services", 120, 10)
    ['government-versus-', 'security-services']
    >>> wrap("A government-versus-security-services conflict", 150, 10)
    ['A government-versus-', 'security-services conflict']
    """
    advances = _metrics(bold).advances

    space = text_width(" ", size, bold=bold)
    lines: list[str] = []
    current: list[str] = []
    used = 0.0
    for word in text.split():
        while word:
            room = width - (used + space if current else 0.0)
            wide = text_width(word, size, bold=bold)
            if wide <= room:
                used = width - room + wide
                current.append(word)
                break
            if wide > width or not current:  # too wide for any line: break it
                cut = _fitting(word, room, size, advances, whole=not current)
                if cut:
                    current.append(word[:cut])
                    word = word[cut:]
            lines.append(" ".join(current))
            current, used = [], 0.0
    if current or not lines:
        lines.append(" ".join(current))
    return lines


def _fitting(
    word: str, room: float, size: float, advances: dict[int, float], *, whole: bool
) -> int:
    """How many leading characters of ``word`` to set in ``room``: up to and including its
    last hyphen or slash that fits; failing that, on a line of its own (``whole``), as many
    characters as fit (at least one); else none."""
    used = 0.0
    fits = len(word)
    for index, char in enumerate(word):
        used += size * advances.get(ord(char), MISSING_EM)
        if used > room:
            fits = index
            break
    breaks = [index + 1 for index in range(fits) if word[index] in "-/\u2010\u2013"]
    if breaks:
        return breaks[-1]
    return max(fits, 1) if whole else 0


def font_face_css(texts: Iterable[str]) -> str:
    """``@font-face`` rules for DejaVu Sans, regular and bold, holding just the glyphs of
    ``texts`` (a subset, as WOFF in a data URL): the same bytes for the same text."""
    characters = "".join(sorted(set("".join(texts)) | set(" 0123456789…·")))
    rules = []
    for bold in (False, True):
        data = base64.b64encode(_subset(characters, bold)).decode("ascii")
        rules.append(
            f'@font-face{{font-family:"{FAMILY}";font-style:normal;'
            f"font-weight:{700 if bold else 400};"
            f'src:url("data:font/woff;base64,{data}") format("woff")}}'
        )
    return "\n".join(rules)


@lru_cache(maxsize=8)
def _subset(characters: str, bold: bool) -> bytes:
    """The WOFF subset, from argmap's cache folder when made before (:mod:`argmap.cache`)."""
    import fontTools

    name = digest(FILES[bold].read_bytes(), fontTools.version, characters) + ".woff"
    found = cache.read("fonts", name)
    if found is None or not found.startswith(b"wOFF"):
        found = _make_subset(characters, bold)
        cache.write("fonts", name, found)
    return found


def _make_subset(characters: str, bold: bool) -> bytes:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.flavor = "woff"
    # Without kerning or ligatures (GPOS, GSUB, kern) the browser sets each glyph at its
    # advance width, which is what the labels were measured with; without hints the file
    # is smaller and quicker to make. FFTM is FontForge's timestamps.
    options.layout_features = []
    options.hinting = False
    with TTFont(FILES[bold], recalcTimestamp=False, lazy=True) as font:
        for tag in ("FFTM", "GPOS", "GSUB", "GDEF", "kern"):  # dropped before anything reads them
            if tag in font:
                del font[tag]
        subsetter = subset.Subsetter(options)
        subsetter.populate(text=characters)
        subsetter.subset(font)
        out = io.BytesIO()
        font.flavor = "woff"
        font.save(out)
    return out.getvalue()


_TEXT = re.compile(rf'<text\b[^>]*font-family="{FAMILY}"[^>]*>([^<]*)</text>')
_SVG_OPEN = re.compile(r"<svg\b[^>]*>")


def svg_text(svg: str) -> list[str]:
    """The text that ``<text>`` elements in the diagrams' font draw, unescaped."""
    return [html.unescape(match) for match in _TEXT.findall(svg)]


def svg_with_font(svg: str) -> str:
    """A standalone SVG that carries the glyphs its text uses, in a ``<style>`` element right
    after the opening tag, so it draws the same in any browser."""
    opening = _SVG_OPEN.search(svg)
    if opening is None:
        return svg
    style = f"\n<style>\n{font_face_css(svg_text(svg))}\n</style>"
    return svg[: opening.end()] + style + svg[opening.end() :]


def html_with_font(page: str) -> str:
    """An HTML page whose inline diagrams draw in the font they were measured with: one
    ``<style>`` with the glyphs they use, before ``</head>`` (a page without a head, or
    without diagram text, is returned as it is)."""
    texts = svg_text(page)
    head = page.find("</head>")
    if not texts or head < 0:
        return page
    return f"{page[:head]}<style>\n{font_face_css(texts)}\n</style>\n{page[head:]}"
