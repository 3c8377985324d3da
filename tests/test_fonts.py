"""The diagrams' font: measured from its file, wrapped by width, embedded as a subset."""

from __future__ import annotations

import base64
import io
import re
import time

from fontTools.ttLib import TTFont
from hypothesis import given, settings
from hypothesis import strategies as st

from argmap.render.dot import LABEL_SIZE, _html_label
from argmap.render.fonts import (
    FAMILY,
    FILES,
    font_face_css,
    html_with_font,
    svg_text,
    svg_with_font,
    text_width,
    wrap,
)


def _advance(char: str, bold: bool = False) -> float:
    with TTFont(FILES[bold]) as font:
        glyph = font.getBestCmap()[ord(char)]
        return font["hmtx"][glyph][0] / font["head"].unitsPerEm


def test_widths_are_the_font_files():
    assert text_width("W", 10) == 10 * _advance("W")
    assert text_width("W", 10, bold=True) == 10 * _advance("W", bold=True)
    assert text_width("iii", 12) < text_width("WWW", 12)
    # A character the font lacks counts a full em: the reader's fallback draws it.
    assert text_width("\U0001f9e0", 10) == 10


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=300),
    st.floats(min_value=20, max_value=400),
)
def test_wrapped_lines_fit_and_keep_every_word(text, width):
    lines = wrap(text, width, 10)
    for line in lines:
        # A line is over the width only if it is one character that alone does not fit.
        assert text_width(line, 10) <= width + 1e-9 or len(line) == 1, line
    assert "".join("".join(lines).split()) == "".join(text.split())


def test_long_words_break_at_hyphens_first():
    assert wrap("A government-versus-security-services conflict", 150, 10) == [
        "A government-versus-",
        "security-services conflict",
    ]


def test_a_huge_label_wraps_fast():
    started = time.perf_counter()
    label = _html_label("x" * 2_000_000 + " end", "id", max_lines=5)
    assert time.perf_counter() - started < 2
    assert label.count("<TR>") == 6  # five lines and the id


def test_a_label_is_as_wide_as_its_widest_line():
    label = _html_label("Western-backed movement to stun grenades and more words", "e12 · claim")
    declared = int(re.search(r'WIDTH="(\d+)"', label).group(1))
    lines = re.findall(r'<TD ALIGN="LEFT"(?: WIDTH="\d+")?>([^<]*)</TD>', label)
    assert len(lines) >= 2
    assert declared >= max(text_width(line, LABEL_SIZE) for line in lines)
    assert declared < max(text_width(line, LABEL_SIZE) for line in lines) + 1


def test_labels_escape_the_analysts_text():
    label = _html_label('<b>"x" & y</b>', "<id>")
    assert "&lt;b&gt;" in label and "&amp;" in label and "&lt;id&gt;" in label


def _faces(css: str) -> list[TTFont]:
    return [
        TTFont(io.BytesIO(base64.b64decode(data)))
        for data in re.findall(r"base64,([A-Za-z0-9+/=]+)", css)
    ]


def test_embedded_subset_holds_the_glyphs_and_is_deterministic():
    css = font_face_css(["Tokayev — Қазақстан", "KNB"])
    assert css == font_face_css(["KNB", "Tokayev — Қазақстан"])
    assert css.count("@font-face") == 2 and f'font-family:"{FAMILY}"' in css
    regular, bold = _faces(css)
    for face in (regular, bold):
        cmap = face.getBestCmap()
        assert all(ord(c) in cmap for c in "Tokayev—ҚазақстанKNB")
        assert ord("Z") not in cmap  # a subset: only what is drawn (and digits)
        assert len(cmap) < 60


def test_svg_and_html_embedding():
    svg = (
        '<svg width="10pt" height="10pt"><g class="node">'
        f'<text font-family="{FAMILY}" font-size="10.00">A &amp; B</text>'
        '<text font-family="Other">Z</text></g></svg>'
    )
    assert svg_text(svg) == ["A & B"]
    standalone = svg_with_font(svg)
    assert standalone.startswith('<svg width="10pt" height="10pt">\n<style>\n@font-face')
    page = html_with_font(f"<html><head><title>t</title></head><body>{svg}</body></html>")
    assert page.index("@font-face") < page.index("</head>")
    assert html_with_font("<p>no diagram</p>") == "<p>no diagram</p>"
