"""The whole HTML report of a loaded case: weighing, both maps, the workshop section.

One builder that `argmap report` and the live workshop server's export both call.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ..problems import ArgmapError

if TYPE_CHECKING:
    from ..assess import Assessment
    from ..load import LoadResult
    from ..workshop.view import WorkshopView

__all__ = ["REPORT_MAX_EVIDENCE_IN_MAP", "build_report"]

REPORT_MAX_EVIDENCE_IN_MAP = 40
"""The evidence map draws at most this many items (the most diagnostic); the matrix has all."""


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
    from .engine import find_engine, layout
    from .html import render_report, report_context

    case = result.case
    progress(f"weighing {len(case.evidence)} items against {len(case.leaves)} hypotheses")
    assessment = assess(case)
    scores = assessment.scores
    engine = find_engine()
    limit = REPORT_MAX_EVIDENCE_IN_MAP
    progress("drawing the evidence map")
    evidence_svg = layout(evidence_map(case, scores, max_evidence=limit), "svg", engine)
    progress("evaluating and drawing the argument map")
    evaluation = evaluate(case)
    argument_svg = layout(
        argument_map(case, labels=evaluation.labels, reasons=evaluation.reasons), "svg", engine
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
