"""The whole HTML report of a loaded case: weighing, both maps, the workshop section.

One builder that `argmap report` and the live workshop server's export both call.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from ..problems import ArgmapError

if TYPE_CHECKING:
    from ..assess import Assessment
    from ..evaluate import Evaluation
    from ..load import LoadResult
    from ..model import Case
    from ..workshop.view import WorkshopView
    from .engine import Engine
    from .html import MapDrawing

__all__ = [
    "MAP_FRAME_PX",
    "MAP_MIN_TEXT_PX",
    "MAX_FOCUSED_MAPS",
    "REPORT_MAX_EVIDENCE_IN_MAP",
    "build_report",
]

REPORT_MAX_EVIDENCE_IN_MAP = 40
"""The evidence map draws at most this many items (the most diagnostic); the matrix has all."""

MAP_FRAME_PX = (1070.0, 710.0)
"""The diagram viewer's frame (CSS px) a focused argument map must fit in, whole, at 1440×900:
the report's column (72rem of 15 px) and 80% of the viewport's height, less the frame's
border and padding; …"""
MAP_MIN_TEXT_PX = 9.0
"""… with its node text (10 pt) still this many CSS px tall."""
MAP_TEXT_PT = 10.0


def build_report(
    result: LoadResult,
    templates: Path | None = None,
    *,
    names: bool = False,
    progress: Callable[[str], None] = lambda _message: None,
) -> str:
    """The report as HTML text; with analysts' ratings, a workshop section in which analysts
    are A, B, C… unless ``names``. ``progress`` hears of each stage."""
    from jinja2 import TemplateError

    from ..assess import assess, draws_in_background
    from ..evaluate import evaluate
    from ..scoring import score_case
    from .dot import argument_map, drawn_evidence, evidence_map
    from .engine import find_engine
    from .html import render_report, report_context

    case = result.case
    progress("evaluating the argument map")
    evaluation = evaluate(case)
    scores = score_case(case)
    engine = find_engine()
    limit = REPORT_MAX_EVIDENCE_IN_MAP
    # The evidence map's compact drawing, when it leaves something out, in the same run.
    compact = len(drawn_evidence(case, scores, limit, compact=True)) < len(
        drawn_evidence(case, scores, limit)
    )
    graphs = [
        evidence_map(case, scores, max_evidence=limit),
        argument_map(case, evaluation.labels, evaluation.reasons, collapse_evidence=True),
        argument_map(case, evaluation.labels, evaluation.reasons, prefix="amx"),
    ] + ([evidence_map(case, scores, max_evidence=limit, compact=True)] if compact else [])
    progress(
        f"drawing the maps and weighing {len(case.evidence):,} items against "
        f"{len(case.leaves)} hypotheses"
    )
    # Graphviz lays the drawings out in processes of its own while the Monte Carlo draws:
    # a large case's in a process of its own too (forked before any thread starts), while
    # this one works out the rest.
    forked = assess(case, scores=scores, background=True) if draws_in_background(scores) else None
    with ThreadPoolExecutor(max_workers=1) as pool:
        drawing = pool.submit(_draw, case, evaluation, engine, graphs)
        assessment = forked or assess(case, scores=scores)
        _before_the_draws(assessment)
        (evidence_svg, argument_svg, argument_all_svg, *evidence_compact), focused = (
            drawing.result()
        )
    context = report_context(
        assessment,
        evidence_svg,
        argument_svg,
        warnings=len(result.warnings),
        evidence_map_shown=len(drawn_evidence(case, scores, limit)),
        evidence_map_limit=limit,
        evaluation=evaluation,
        workshop=_workshop_view(assessment, result, names) if result.ratings else None,
        focused=focused,
        argument_all_svg=argument_all_svg,
        evidence_compact_svg=evidence_compact[0] if evidence_compact else None,
    )
    progress("writing the report")
    try:
        return render_report(context, templates)
    except TemplateError as err:  # a user template's mistake must not become a traceback
        line = getattr(err, "lineno", None)
        where = f" ({getattr(err, 'filename', None) or 'template'}:{line})" if line else ""
        raise ArgmapError(f"report template error{where}: {err}") from None


def _before_the_draws(a: Assessment) -> None:
    """Work out, while the Monte Carlo draws, what the report needs and it does not decide
    (each is kept by the weighing or the assessment once worked out)."""
    w = a.weighing
    _ = (w.posterior, w.likelihood_diagnosticity, w.linchpins, w.independent_posterior)
    _ = (w.without_deceptive, w.removal_shift, a.top_ids, a.plausible_changes, a.scenarios)


def _workshop_view(assessment: Assessment, result: LoadResult, names: bool) -> WorkshopView:
    from ..workshop.aggregate import build_workshop
    from ..workshop.view import workshop_view

    return workshop_view(assessment, build_workshop(result.case, result.ratings), names=names)


def _readable(svg: bytes) -> bool:
    """Whether a drawing fits :data:`MAP_FRAME_PX` whole with its text at
    :data:`MAP_MIN_TEXT_PX` or more (Graphviz sizes an SVG in points: 4/3 CSS px each), and
    prints whole on one page of A4 and of letter with its smallest text legible
    (:func:`argmap.render.pdf.prints_whole`): one map a screen, and a page."""
    from .pdf import prints_whole

    size = re.search(rb'<svg width="([\d.]+)pt" height="([\d.]+)pt"', svg)
    if size is None:
        return True
    width, height = (float(value) * 4 / 3 for value in size.groups())
    scale = min(1.0, MAP_FRAME_PX[0] / width, MAP_FRAME_PX[1] / height)
    return MAP_TEXT_PT * 4 / 3 * scale >= MAP_MIN_TEXT_PX and prints_whole(svg)


MAX_FOCUSED_MAPS = 100
"""The report draws at most this many focused maps: one per hypothesis, however many, then
maps that go on from those cut short while there is room (the rest link to Arguments)."""


def _draw(
    case: Case, evaluation: Evaluation, engine: Engine, others: list[str]
) -> tuple[list[bytes], list[MapDrawing]]:
    """The ``others`` laid out, and one argument map per hypothesis, each as complete as
    still fits the viewer's frame: all of it; else with its evidence premises counted in
    badges; else with badges and as many layers of arguments as fit (at least one).
    A map cut short links each node whose bearers it leaves out to a map of that node's
    own, drawn the same way, so every argument is on some screen ("one screen per
    question"); such maps follow the map they continue.

    Each round of tries is laid out together (:func:`~argmap.render.engine.layout_many`, the
    first with ``others``): a map is first tried whole, then the number of layers is found by
    bisection, so a deep map costs a few rounds, not one per layer."""
    from .dot import argument_map, continued_nodes, evidence_badges, focus_nodes
    from .engine import layout_many
    from .html import MapDrawing

    options: dict[str, list[tuple[int | None, bool]]] = {}
    """Per focus, the drawings to choose from, most complete first (readability only grows
    down the list); the last is taken when none fits."""
    layers: dict[str, int] = {}
    sizes: dict[str, int] = {}
    parent: dict[str, str | None] = {}
    bounds: dict[str, tuple[int, int]] = {}
    """Per focus still searched: the first readable option lies in [low, high]."""
    drawn: dict[tuple[str, int], bytes] = {}

    def plan(focus: str, continues: str | None) -> None:
        full = focus_nodes(case, focus)
        sizes[focus] = len(full) - 1
        layers[focus] = next(d for d in range(len(full)) if focus_nodes(case, focus, d) == full)

        def badges(depth: int | None) -> bool:
            near = focus_nodes(case, focus, depth)
            return bool(evidence_badges(case, [a for a in case.arguments if a.id in near], near))

        options[focus] = [(None, False)]
        if badges(None):
            options[focus] += [(None, True)]
        options[focus] += [(d, badges(d)) for d in range(layers[focus] - 1, 0, -1)]
        parent[focus] = continues
        bounds[focus] = (0, len(options[focus]) - 1)

    def probe(focus: str) -> int:
        """The option to lay out next: the whole map first, then the middle of the range."""
        low, high = bounds[focus]
        return low if (focus, low) not in drawn and low == 0 else (low + high) // 2

    for h, _ in case.hypotheses_in_order:
        plan(h.id, None)
    chosen: dict[str, MapDrawing] = {}
    first = True
    drawn_others: list[bytes] = []
    while first or bounds:
        pending = [(focus, probe(focus)) for focus in bounds]
        pending = [(focus, index) for focus, index in pending if (focus, index) not in drawn]
        sources = []
        for focus, index in pending:
            depth, badges = options[focus][index]
            sources.append(
                argument_map(
                    case,
                    evaluation.labels,
                    evaluation.reasons,
                    None,
                    focus=focus,
                    depth=depth,
                    prefix=f"map-{focus}",
                    collapse_evidence=badges,
                    link_continued=True,
                )
            )
        drawings = layout_many(sources + (others if first else []), engine)
        if first:
            drawn_others, first = drawings[len(sources) :], False
        for (focus, index), svg in zip(pending, drawings, strict=False):
            drawn[focus, index] = svg
            low, high = bounds[focus]
            # The last option is taken when none fits: the range never passes it.
            bounds[focus] = (low, index) if _readable(svg) else (min(index + 1, high), high)
        for focus in [f for f, (low, high) in bounds.items() if low == high and (f, low) in drawn]:
            index = bounds.pop(focus)[0]
            depth, badges = options[focus][index]
            chosen[focus] = MapDrawing(
                focus,
                drawn[focus, index],
                depth,
                layers[focus],
                badges,
                sizes[focus],
                parent[focus],
            )
            for node in continued_nodes(case, focus, depth):
                if node not in options and len(options) < MAX_FOCUSED_MAPS:
                    plan(node, focus)
    children: dict[str | None, list[str]] = {}
    for focus in options:  # the order maps were planned in: hypotheses, then what they led to
        children.setdefault(parent[focus], []).append(focus)
    ordered: list[MapDrawing] = []
    stack = list(reversed(children.get(None, [])))
    while stack:  # each map, then the maps that continue it (depth first, no recursion)
        focus = stack.pop()
        ordered.append(chosen[focus])
        stack.extend(reversed(children.get(focus, [])))
    return drawn_others, ordered
