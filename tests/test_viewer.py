"""The diagram viewer in the report (templates/_script.js, "Zoom for the diagrams"), driven in
Chromium at 1440×900: the first view fits, wheel, drag, keys and buttons zoom and pan, and the
frame stays within the viewport.

Text size on screen: a drawn text's size in CSS px is its font size in the SVG's user units
(Graphviz writes points as user units) times the user-unit-to-screen scale of its
``getScreenCTM()``, which folds in the viewBox and the viewer's zoom. A node's text is its
largest text (the label; the id under it is smaller by design).
"""

from __future__ import annotations

import pytest

from argmap.load import load_case

from .conftest import REPO
from .test_browser import Page, playwright_api

pytestmark = [pytest.mark.browser]
assert playwright_api

VIEWPORT = {"width": 1440, "height": 900}

FRAMES = """() => Array.from(document.querySelectorAll('.diagram .svg-wrap')).map(wrap => {
  const svg = wrap.querySelector('svg'), r = wrap.getBoundingClientRect();
  const s = svg.getBoundingClientRect();
  const inner = {left: r.left + wrap.clientLeft, top: r.top + wrap.clientTop,
    right: r.left + wrap.clientLeft + wrap.clientWidth, bottom: r.top + wrap.clientTop + wrap.clientHeight};
  return {id: wrap.closest('figure').id, variant: wrap.dataset.variant || '',
    visible: !!wrap.offsetWidth, height: r.height,
    inside: s.left >= inner.left - 0.5 && s.top >= inner.top - 0.5 &&
      s.right <= inner.right + 0.5 && s.bottom <= inner.bottom + 0.5,
    overflow: wrap.scrollWidth - wrap.clientWidth + wrap.scrollHeight - wrap.clientHeight,
    level: wrap.closest('figure').querySelector('.zoom-level').textContent};
})"""

NODE_TEXT_PX = """figure => {
  const wrap = Array.from(figure.querySelectorAll('.svg-wrap')).find(w => w.offsetWidth);
  const sizes = Array.from(wrap.querySelectorAll('svg g.node')).map(node => {
    const px = Array.from(node.querySelectorAll('text')).map(text =>
      parseFloat(getComputedStyle(text).fontSize) * text.getScreenCTM().a);
    return px.length ? Math.max(...px) : Infinity;
  });
  return {nodes: sizes.length, smallest: Math.min(...sizes)};
}"""

LEVEL = "sel => parseInt(document.querySelector(sel + ' .zoom-level').textContent)"


@pytest.fixture
def page(browser, report_file):
    opened = Page(browser, report_file.as_uri(), viewport=VIEWPORT)
    opened.page.wait_for_function("document.querySelectorAll('.diagram .zoom').length > 0")
    yield opened
    assert opened.errors == [], "the console shows errors"
    opened.context.close()


def _level(p, figure: str) -> int:
    return p.evaluate(LEVEL, f"#{figure}")


def _show(p, ident: str) -> None:
    """Show one figure of its group the way the map selector does (the markup contract: the
    others get the ``hidden`` attribute), and wait until the viewer has fitted it."""
    p.evaluate(
        """ident => {
          const figure = document.getElementById(ident);
          figure.parentElement.querySelectorAll(':scope > figure.diagram').forEach(
            f => { f.hidden = f !== figure; });
        }""",
        ident,
    )
    p.wait_for_function(
        "id => { const w = document.querySelector('#' + id + ' .svg-wrap:not([hidden])');"
        " return w.offsetWidth > 0 && w.argmapViewer.lastWidth === w.offsetWidth; }",
        arg=ident,
    )
    p.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def _argument_maps(p) -> list[str]:
    """The argument maps' figures: the focused maps and the overview."""
    return p.eval_on_selector_all(
        "figure.focused-map, figure#argument-map", "fs => fs.map(f => f.id)"
    )


def _centre(p, selector: str) -> tuple[float, float]:
    box = p.locator(selector).bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def test_every_drawing_opens_whole_in_a_frame_within_the_viewport(page):
    p = page.page
    visible = [f for f in p.evaluate(FRAMES) if f["visible"]]
    assert "evidence-map" in {f["id"] for f in visible} and len(visible) >= 2
    # Maps the selector hides at first are fitted when they are shown.
    for ident in _argument_maps(p):
        _show(p, ident)
        visible += [f for f in p.evaluate(FRAMES) if f["visible"] and f["id"] == ident]
    assert {f["id"] for f in visible} >= {"evidence-map", "argument-map"}
    for frame in visible:
        assert frame["inside"], f"{frame['id']} does not show the whole drawing"
        assert frame["overflow"] <= 1, f"{frame['id']} scrolls at first"
        assert frame["height"] <= VIEWPORT["height"]
        # Never enlarged past its own size.
        assert 0 < int(frame["level"].rstrip("%")) <= 100


def test_node_text_of_the_maps_reads_at_nine_css_pixels(page):
    p = page.page
    focused = p.eval_on_selector_all("figure.focused-map", "fs => fs.map(f => f.id)")
    # Until the report has focused argument maps, the evidence map carries the goal alone.
    for ident in [*focused, "evidence-map"]:
        _show(p, ident)
        measured = p.eval_on_selector(f"#{ident}", NODE_TEXT_PX)
        assert measured["nodes"] > 0
        assert measured["smallest"] >= 9, f"{ident}: node text at {measured['smallest']:.1f} px"


def test_ctrl_wheel_zooms_around_the_pointer_and_a_plain_wheel_scrolls_the_page(page):
    p = page.page
    p.locator("#evidence-map .svg-wrap:not([hidden])").scroll_into_view_if_needed()
    svg = p.locator("#evidence-map .svg-wrap:not([hidden]) svg")
    box = svg.bounding_box()
    x, y = box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.4
    p.mouse.move(x, y)
    before = _level(p, "evidence-map")
    scrolled = p.evaluate("scrollY")
    p.mouse.wheel(0, 120)
    p.wait_for_function(f"scrollY !== {scrolled}")
    assert _level(p, "evidence-map") == before
    p.keyboard.down("Control")
    p.mouse.wheel(0, -120)
    p.keyboard.up("Control")
    p.wait_for_function(f"({LEVEL})('#evidence-map') > {before}")
    # Where the drawing overflows its frame, the point under the pointer stays under it.
    _show(p, "argument-map")
    wrap = "#argument-map .svg-wrap:not([hidden])"
    p.click("#argument-map .zoom button[data-zoom=reset]")
    p.locator(wrap).scroll_into_view_if_needed()
    p.eval_on_selector(
        wrap, "w => { w.scrollLeft = w.scrollWidth / 3; w.scrollTop = w.scrollHeight / 3; }"
    )
    svg = p.locator(f"{wrap} svg")
    frame = p.locator(wrap).bounding_box()
    x, y = frame["x"] + frame["width"] * 0.4, frame["y"] + frame["height"] * 0.6
    box = svg.bounding_box()
    fx, fy = (x - box["x"]) / box["width"], (y - box["y"]) / box["height"]
    p.mouse.move(x, y)
    p.keyboard.down("Control")
    p.mouse.wheel(0, 120)
    p.keyboard.up("Control")
    p.wait_for_function(f"({LEVEL})('#argument-map') < 100")
    after = svg.bounding_box()
    assert (x - after["x"]) / after["width"] == pytest.approx(fx, abs=0.002)
    assert (y - after["y"]) / after["height"] == pytest.approx(fy, abs=0.002)
    assert after["width"] < box["width"] * 0.9


def test_drag_pans_and_does_not_follow_the_link_it_started_on(page):
    p = page.page
    _show(p, "argument-map")
    wrap = "#argument-map .svg-wrap:not([hidden])"
    p.locator(wrap).scroll_into_view_if_needed()
    p.click("#argument-map .zoom button[data-zoom=reset]")
    assert _level(p, "argument-map") == 100
    # A drawing larger than its frame shows a hand to grab it by; a fitted one does not.
    assert p.eval_on_selector(wrap, "w => getComputedStyle(w).cursor") == "grab"
    fitted = "#evidence-map .svg-wrap:not([hidden])"
    assert p.eval_on_selector(fitted, "w => getComputedStyle(w).cursor") != "grab"
    start = p.eval_on_selector(wrap, "w => [w.scrollLeft, w.scrollTop]")
    x, y = _centre(p, wrap)
    p.mouse.move(x, y)
    p.mouse.down()
    p.mouse.move(x - 150, y - 80, steps=5)
    p.mouse.up()
    end = p.eval_on_selector(wrap, "w => [w.scrollLeft, w.scrollTop]")
    assert end[0] >= start[0] + 140 and end[1] >= start[1] + 70
    # Dragged from a node: no jump to its row.
    link = p.locator(f"{wrap} svg g.node a").first
    link.scroll_into_view_if_needed()
    lx, ly = _centre(p, f"{wrap} svg g.node a >> nth=0")
    hash_before = p.evaluate("location.hash")
    p.mouse.move(lx, ly)
    p.mouse.down()
    p.mouse.move(lx + 60, ly + 30, steps=4)
    p.mouse.up()
    assert p.evaluate("location.hash") == hash_before


def test_keys_zoom_fit_and_pan_in_the_focused_frame(page):
    p = page.page
    _show(p, "argument-map")
    wrap = p.locator("#argument-map .svg-wrap:not([hidden])")
    wrap.focus()
    fitted = _level(p, "argument-map")
    p.keyboard.press("+")
    assert _level(p, "argument-map") > fitted
    p.keyboard.press("-")
    p.keyboard.press("-")
    assert _level(p, "argument-map") < fitted
    p.keyboard.press("0")
    assert _level(p, "argument-map") == 100
    left = wrap.evaluate("w => w.scrollLeft")
    p.keyboard.press("ArrowRight")
    assert wrap.evaluate("w => w.scrollLeft") > left
    top = wrap.evaluate("w => w.scrollTop")
    p.keyboard.press("ArrowDown")
    assert wrap.evaluate("w => w.scrollTop") > top
    p.keyboard.press("f")
    assert _level(p, "argument-map") == fitted
    assert wrap.evaluate("w => w.scrollWidth - w.clientWidth") <= 1


def test_fit_and_actual_size_buttons(page):
    p = page.page
    fitted = _level(p, "evidence-map")
    p.click("#evidence-map .zoom button[data-zoom=reset]")
    assert _level(p, "evidence-map") == 100
    p.click("#evidence-map .zoom button[data-zoom=in]")
    assert _level(p, "evidence-map") == 125
    p.click("#evidence-map .zoom button[data-zoom=fit]")
    assert _level(p, "evidence-map") == fitted
    frames = p.evaluate(FRAMES)
    assert all(f["inside"] for f in frames if f["id"] == "evidence-map" and f["visible"])
    # Zoomed in as far as it goes, the frame is still no taller than the viewport.
    _show(p, "argument-map")
    for _ in range(12):
        p.click("#argument-map .zoom button[data-zoom=in]")
    assert all(f["height"] <= VIEWPORT["height"] for f in p.evaluate(FRAMES))


def test_a_drawing_shown_later_or_resized_is_fitted_then(page):
    p = page.page
    p.evaluate("document.getElementById('evidence-map').hidden = true")
    p.set_viewport_size({"width": 800, "height": 700})
    p.evaluate("document.getElementById('evidence-map').hidden = false")
    p.wait_for_function(
        "() => { const w = document.querySelector('#evidence-map .svg-wrap:not([hidden])');"
        " return w.offsetWidth > 0 && w.argmapViewer.lastWidth === w.offsetWidth; }"
    )
    p.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    frames = [f for f in p.evaluate(FRAMES) if f["visible"]]
    assert all(f["inside"] and f["height"] <= 700 for f in frames)
    # Once zoomed by hand, a resize leaves the level alone.
    _show(p, "argument-map")
    p.click("#argument-map .zoom button[data-zoom=reset]")
    p.set_viewport_size({"width": 1000, "height": 700})
    p.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    assert _level(p, "argument-map") == 100


def test_the_evidence_map_opens_compact_and_a_button_draws_every_item(page):
    from argmap.render.dot import drawn_evidence
    from argmap.render.report import REPORT_MAX_EVIDENCE_IN_MAP
    from argmap.scoring import score_case

    p = page.page
    case = load_case(REPO).case
    scores = score_case(case)
    compact = drawn_evidence(case, scores, REPORT_MAX_EVIDENCE_IN_MAP, compact=True)
    every = drawn_evidence(case, scores, REPORT_MAX_EVIDENCE_IN_MAP)
    assert 0 < len(compact) < len(every)
    shown = "ws => ws.filter(w => !w.hidden && w.offsetWidth).map(w => w.dataset.variant)"
    items = (
        "#evidence-map .svg-wrap:not([hidden]) svg a",
        "as => as.map(a => a.getAttribute('xlink:href') || a.getAttribute('href') || '')"
        ".filter(h => h.startsWith('#row-')).sort()",
    )
    toggle = p.locator("#evidence-map button.variant-toggle")
    assert toggle.get_attribute("aria-pressed") == "false"
    assert p.eval_on_selector_all("#evidence-map .svg-wrap", shown) == ["compact"]
    assert p.eval_on_selector_all(*items) == sorted(f"#row-{e.id}" for e in compact)
    caption = p.inner_text("#evidence-map figcaption")
    left_out = len(every) - len(compact)
    assert f"only the {len(compact)} items whose ratings differ among the leading" in caption
    assert f"leaves out {left_out} of the {len(every)} drawn items" in caption
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "true"
    assert p.eval_on_selector_all("#evidence-map .svg-wrap", shown) == ["all"]
    assert p.eval_on_selector_all(*items) == sorted(f"#row-{e.id}" for e in every)
    # The drawing shown by the button is fitted as it appears.
    p.wait_for_function(
        "() => { const w = document.querySelector('#evidence-map .svg-wrap[data-variant=all]');"
        " return w.argmapViewer.lastWidth === w.offsetWidth; }"
    )
    frames = [f for f in p.evaluate(FRAMES) if f["id"] == "evidence-map" and f["visible"]]
    assert [f["variant"] for f in frames] == ["all"] and frames[0]["inside"]
    toggle.click()
    assert p.eval_on_selector_all("#evidence-map .svg-wrap", shown) == ["compact"]


def test_a_touch_pinch_zooms_the_drawing_not_the_page(browser, report_file):
    opened = Page(browser, report_file.as_uri(), viewport=VIEWPORT, has_touch=True)
    p = opened.page
    wrap = p.locator("#evidence-map .svg-wrap:not([hidden])")
    wrap.scroll_into_view_if_needed()
    box = wrap.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    before = _level(p, "evidence-map")
    cdp = opened.context.new_cdp_session(p)

    def fingers(apart: float) -> list[dict[str, float]]:
        return [{"x": x - apart, "y": y, "id": 1}, {"x": x + apart, "y": y, "id": 2}]

    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": fingers(50)})
    for apart in range(55, 105, 5):
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": fingers(apart)})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    # Fingers twice as far apart: the drawing twice as large, the page at its own scale.
    assert _level(p, "evidence-map") == pytest.approx(2 * before, abs=2)
    assert p.evaluate("visualViewport.scale") == 1
    assert opened.errors == []
    opened.context.close()
