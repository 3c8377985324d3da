"""Node text fits its node, in Chromium, with either layout engine, on screen and in print.

Graphviz sizes nodes by its own metrics for the font a diagram names; the browser draws with
the font it has. argmap names DejaVu Sans, measures labels with that font's file and embeds
the glyphs (argmap/render/fonts.py), so what the browser draws is what was measured. These
tests draw the shipped case and a generated one, open them in Chromium and compare, for every
node, the box of each line of text (getBBox) with the box of the node's shape.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from argmap.cli import main

from .conftest import REPO, need_system_dot

pytestmark = [pytest.mark.browser]

# Every node's shape and text boxes, in the SVG's own units; and the font the text was drawn in.
MEASURE = """
async () => {
  await document.fonts.ready;
  const faces = [...document.fonts].filter(f => f.family.replace(/"/g, "") === "DejaVu Sans");
  const nodes = [];
  for (const node of document.querySelectorAll("svg g.node")) {
    const shape = node.querySelector("polygon, path, ellipse");
    const texts = [...node.querySelectorAll("text")];
    if (!shape || !texts.length) continue;
    const box = shape.getBBox();
    nodes.push({
      id: node.id,
      shape: [box.x, box.y, box.x + box.width, box.y + box.height],
      texts: texts.map(t => {
        const b = t.getBBox();
        return {text: t.textContent, box: [b.x, b.y, b.x + b.width, b.y + b.height]};
      }),
    });
  }
  return {loaded: faces.filter(f => f.status === "loaded").length, nodes};
}
"""

SLACK = 0.5
"""Half a unit (pt) of anti-aliasing room at the shape's edge."""


def _overflowing(measured: dict) -> list[str]:
    """Lines of text whose box leaves their node's shape, as readable descriptions."""
    bad = []
    for node in measured["nodes"]:
        left, top, right, bottom = node["shape"]
        for line in node["texts"]:
            x0, y0, x1, y1 = line["box"]
            if x0 < left - SLACK or x1 > right + SLACK or y0 < top - SLACK or y1 > bottom + SLACK:
                bad.append(f"{node['id']}: {line['text']!r} {line['box']} outside {node['shape']}")
    return bad


def _report(folder: Path, out: Path) -> Path:
    result = CliRunner().invoke(main, ["report", str(folder), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


def _check_page(browser, url: str, *, at_least: int) -> None:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    try:
        page = context.new_page()
        page.goto(url)
        for media in ("screen", "print"):
            page.emulate_media(media=media)
            measured = page.evaluate(MEASURE)
            assert measured["loaded"] >= 1, f"DejaVu Sans was not loaded from the page ({media})"
            assert len(measured["nodes"]) >= at_least, measured["nodes"][:3]
            assert _overflowing(measured) == [], media
    finally:
        context.close()


def test_shipped_case_report(browser, dot_engine, tmp_path):
    report = _report(REPO, tmp_path / "report.html")
    # Hypotheses, the evidence map's items, the argument map's statements and arguments.
    _check_page(browser, report.as_uri(), at_least=100)


def test_generated_case_report(browser, dot_engine, tmp_path):
    from benchmarks.generate import write

    folder = write(tmp_path / "case", 20, 200)
    report = _report(folder, tmp_path / "report.html")
    _check_page(browser, report.as_uri(), at_least=60)


@pytest.mark.parametrize("kind", ["evidence", "arguments"])
def test_standalone_svg_carries_its_font(browser, dot_engine, kind, tmp_path):
    out = tmp_path / f"{kind}.svg"
    result = CliRunner().invoke(main, ["diagram", str(REPO), "--kind", kind, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "@font-face" in out.read_text(encoding="utf-8")
    _check_page(browser, out.as_uri(), at_least=10)


def test_engines_agree_on_node_sizes(tmp_path, monkeypatch):
    """Both engines make every node wide enough for the widths the font file gives: the
    node sizes come from argmap's measure, not the engine's."""
    if not shutil.which("dot"):
        need_system_dot()
    widths = {}
    for engine in ("system", "pure"):
        monkeypatch.setenv("ARGMAP_DOT", engine)
        out = tmp_path / f"{engine}.svg"
        result = CliRunner().invoke(main, ["diagram", str(REPO), "-o", str(out)])
        assert result.exit_code == 0, result.output
        widths[engine] = _node_widths(out.read_text(encoding="utf-8"))
    assert widths["system"].keys() == widths["pure"].keys()
    for node, width in widths["system"].items():
        assert width == pytest.approx(widths["pure"][node], rel=0.1, abs=8), node


def _node_widths(svg: str) -> dict[str, float]:
    from bs4 import BeautifulSoup

    widths = {}
    for node in BeautifulSoup(svg[svg.index("<svg") :], "html.parser").select("g.node"):
        polygon = node.find("polygon")
        if polygon is None:
            continue
        xs = [float(point.split(",")[0]) for point in polygon["points"].split()]
        widths[node["id"]] = max(xs) - min(xs)
    return widths
