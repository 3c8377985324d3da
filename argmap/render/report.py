"""The whole HTML report of a loaded case: weighing, both maps, the workshop section.

One builder that `argmap report` and the live workshop server's export both call.
"""

from __future__ import annotations

import re
from collections.abc import Callable
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

__all__ = ["MAP_FRAME_PX", "MAP_MIN_TEXT_PX", "REPORT_MAX_EVIDENCE_IN_MAP", "build_report"]

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

    from ..assess import assess
    from ..evaluate import evaluate
    from .dot import argument_map, drawn_evidence, evidence_map
    from .engine import find_engine
    from .html import render_report, report_context

    case = result.case
    progress(f"weighing {len(case.evidence)} items against {len(case.leaves)} hypotheses")
    assessment = assess(case)
    scores = assessment.scores
    engine = find_engine()
    limit = REPORT_MAX_EVIDENCE_IN_MAP
    progress("evaluating the argument map")
    evaluation = evaluate(case)
    progress("drawing the evidence map, the argument map and one map per hypothesis")
    # The evidence map's compact drawing, when it leaves something out, in the same run.
    compact = len(drawn_evidence(case, scores, limit, compact=True)) < len(
        drawn_evidence(case, scores, limit)
    )
    (evidence_svg, argument_svg, argument_all_svg, *evidence_compact), focused = _draw(
        case,
        evaluation,
        engine,
        [
            evidence_map(case, scores, max_evidence=limit),
            argument_map(case, evaluation.labels, evaluation.reasons, collapse_evidence=True),
            argument_map(case, evaluation.labels, evaluation.reasons, prefix="amx"),
        ]
        + ([evidence_map(case, scores, max_evidence=limit, compact=True)] if compact else []),
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


def _workshop_view(assessment: Assessment, result: LoadResult, names: bool) -> WorkshopView:
    from ..workshop.aggregate import build_workshop
    from ..workshop.view import workshop_view

    return workshop_view(assessment, build_workshop(result.case, result.ratings), names=names)


def _readable(svg: bytes) -> bool:
    """Whether a drawing fits :data:`MAP_FRAME_PX` whole with its text at
    :data:`MAP_MIN_TEXT_PX` or more (Graphviz sizes an SVG in points: 4/3 CSS px each)."""
    size = re.search(rb'<svg width="([\d.]+)pt" height="([\d.]+)pt"', svg)
    if size is None:
        return True
    width, height = (float(value) * 4 / 3 for value in size.groups())
    scale = min(1.0, MAP_FRAME_PX[0] / width, MAP_FRAME_PX[1] / height)
    return MAP_TEXT_PT * 4 / 3 * scale >= MAP_MIN_TEXT_PX


def _draw(
    case: Case, evaluation: Evaluation, engine: Engine, others: list[str]
) -> tuple[list[bytes], list[MapDrawing]]:
    """The ``others`` laid out, and one argument map per hypothesis, each as complete as
    still fits the viewer's frame: all of it; else with its evidence premises counted in
    badges; else with badges and one layer of arguments fewer at a time, down to one.
    Each round of tries is laid out in one run of Graphviz, the first with ``others``."""
    from .dot import argument_map, evidence_badges, focus_nodes
    from .engine import layout_many
    from .html import MapDrawing

    tries: dict[str, list[tuple[int | None, bool]]] = {}
    layers: dict[str, int] = {}
    sizes: dict[str, int] = {}
    for h, _ in case.hypotheses_in_order:
        full = focus_nodes(case, h.id)
        sizes[h.id] = len(full) - 1
        layers[h.id] = next(d for d in range(len(full)) if focus_nodes(case, h.id, d) == full)
        arguments = [a for a in case.arguments if a.id in full]
        tries[h.id] = [(None, False)]
        if evidence_badges(case, arguments, full):
            tries[h.id] += [(None, True)] + [(d, True) for d in range(layers[h.id] - 1, 0, -1)]
    chosen: dict[str, MapDrawing] = {}
    step = dict.fromkeys(tries, 0)
    first = True
    drawn_others: list[bytes] = []
    while first or len(chosen) < len(tries):
        pending = [hid for hid in tries if hid not in chosen]
        options = [tries[hid][step[hid]] for hid in pending]
        sources = [
            argument_map(
                case,
                evaluation.labels,
                evaluation.reasons,
                None,
                focus=hid,
                depth=depth,
                prefix=f"map-{hid}",
                collapse_evidence=badges,
            )
            for hid, (depth, badges) in zip(pending, options, strict=True)
        ]
        drawings = layout_many(sources + (others if first else []), engine)
        if first:
            drawn_others, first = drawings[len(sources) :], False
        for hid, (depth, badges), svg in zip(pending, options, drawings, strict=False):
            if _readable(svg) or step[hid] == len(tries[hid]) - 1:
                chosen[hid] = MapDrawing(hid, svg, depth, layers[hid], badges, sizes[hid])
            else:
                step[hid] += 1
    return drawn_others, [chosen[h.id] for h, _ in case.hypotheses_in_order]
