"""The self-contained HTML report.

:func:`report_context` turns a case, its scores and its rendered diagrams into
one typed :class:`ReportContext`; :func:`render_report` feeds it to the Jinja2
templates. The context is the templates' whole contract: every field they use
is declared here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from .. import __version__
from ..model import RATING_NAMES, RELIABILITY_NAMES, Case
from ..quotes import SourceText
from ..scoring import PARC_WEIGHT, Scores, significant
from .dot import EDGE_STYLES

__all__ = ["ReportContext", "render_report", "report_context", "template_dirs"]

SYMBOLS = {"CC": "++", "C": "+", "N": "0", "I": "−", "II": "−−", "NA": "n/a", "": "?"}
"""Rating symbols: the matrix never relies on colour alone."""


def template_dirs() -> list[Path]:
    """Built-in template folders: inside the installed package, else the source tree."""
    here = Path(__file__).resolve().parent.parent
    candidates = [here / "templates", here.parent / "templates"]
    found = [path for path in candidates if (path / "report.html").is_file()]
    if not found:
        raise FileNotFoundError("argmap's report templates are missing from the installation")
    return found[:1]


def environment(user_templates: Path | None = None) -> Environment:
    """The Jinja2 environment: user templates first, built-ins last."""
    folders = ([user_templates] if user_templates else []) + template_dirs()
    env = Environment(
        loader=FileSystemLoader([str(f) for f in folders]),
        autoescape=select_autoescape(["html", "svg", "xml"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["num"] = _num
    return env


def _num(value: float, digits: int = 3) -> str:
    """A score for people: few digits, a real minus sign, no '-0'."""
    value = significant(float(value), 6)
    text = f"{value:.{digits}g}" if abs(value) >= 1e-9 else "0"
    return text.replace("-", "−")


@dataclass(frozen=True)
class HypothesisRow:
    id: str
    title: str
    statement: str
    description: str | None
    parent: str | None
    depth: int
    is_leaf: bool
    rank: int | None
    inconsistency: float | None
    weighted_inconsistency: float | None
    indicators: tuple[str, ...]
    tags: tuple[str, ...]
    supporting: tuple[str, ...]
    """Ids of items rated C or CC against it."""
    contradicting: tuple[str, ...]
    """Ids of items rated I or II against it."""
    arguments: tuple[str, ...]
    """Ids of arguments that support or attack it."""


@dataclass(frozen=True)
class Cell:
    hypothesis: str
    rating: str
    """CC, C, N, I, II, NA, or '' when unrated."""
    symbol: str
    name: str
    rationale: str | None


@dataclass(frozen=True)
class EvidenceRow:
    id: str
    position: int
    """Order in the case files, for sorting back."""
    summary: str
    kind: str
    quote: str | None
    source_id: str | None
    source_title: str | None
    paragraph: int | None
    originator: str | None
    credibility: str
    relevance: str
    weight: float
    diagnosticity: float
    date: str | None
    tags: tuple[str, ...]
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Segment:
    text: str
    evidence: tuple[str, ...]
    """Items whose quote covers this piece of text."""
    anchors: tuple[str, ...]
    """Items whose quote starts here."""


@dataclass(frozen=True)
class Paragraph:
    number: int
    segments: tuple[Segment, ...]
    cited: bool


@dataclass(frozen=True)
class SourceView:
    id: str
    title: str
    author: str | None
    published: str | None
    url: str | None
    reliability: str | None
    reliability_name: str | None
    paragraphs: tuple[Paragraph, ...]
    cited_paragraphs: int


@dataclass(frozen=True)
class ArgumentRow:
    id: str
    claim: str
    relation: str
    target: str
    target_kind: str
    premises: tuple[tuple[str, str], ...]
    """(id, kind) of each premise."""
    rationale: str | None


@dataclass(frozen=True)
class LegendEntry:
    name: str
    meaning: str
    color: str
    dash: str
    """SVG stroke-dasharray for the sample line."""
    head: str


@dataclass(frozen=True)
class ReportContext:
    """Everything the report templates receive."""

    title: str
    question: str
    notes_paragraphs: tuple[str, ...]
    """The analyst's notes, split at blank lines (at line breaks when it has none)."""
    version: str
    digest: str
    hypotheses: tuple[HypothesisRow, ...]
    """Every hypothesis, children right after their parent."""
    ranking: tuple[HypothesisRow, ...]
    """Leaf hypotheses, best rank first."""
    groups: tuple[tuple[str, str, int], ...]
    """(id, title, number of leaf columns) for the matrix's group header; '' for ungrouped."""
    columns: tuple[HypothesisRow, ...]
    """Leaf hypotheses in matrix column order."""
    evidence: tuple[EvidenceRow, ...]
    """Items, most diagnostic first."""
    statements: tuple[tuple[str, str], ...]
    arguments: tuple[ArgumentRow, ...]
    sources: tuple[SourceView, ...]
    evidence_svg: Markup
    argument_svg: Markup
    evidence_map_shown: int
    """How many items the evidence map draws (the rest have no C/I rating or were cut)."""
    evidence_map_limit: int | None
    """The most items the evidence map draws, if limited."""
    legend: tuple[LegendEntry, ...]
    caveats: tuple[str, ...]
    symbols: dict[str, str] = field(default_factory=lambda: dict(SYMBOLS))
    rating_names: dict[str, str] = field(default_factory=lambda: dict(RATING_NAMES))
    kind_of: dict[str, str] = field(default_factory=dict)
    """Id → 'hypothesis', 'statement', 'argument', 'evidence' or 'source', for links."""


def _inline_svg(svg: bytes | str) -> Markup:
    """SVG for inlining: the XML prolog, doctype and comments dropped."""
    text = svg.decode("utf-8") if isinstance(svg, bytes) else svg
    start = text.find("<svg")
    text = text[start:] if start >= 0 else text
    text = re.sub(r"<!--.*?-->\s*", "", text, flags=re.DOTALL)
    return Markup(text.strip())  # noqa: S704 - produced by Graphviz from escaped DOT


def _segments(text: str, start: int, end: int, spans: list[tuple[int, int, str]]) -> list[Segment]:
    cuts = {start, end}
    inside = [(max(s, start), min(e, end), eid) for s, e, eid in spans if s < end and e > start]
    for s, e, _ in inside:
        cuts.update((s, e))
    points = sorted(cuts)
    segments = []
    for left, right in zip(points, points[1:], strict=False):
        covering = tuple(eid for s, e, eid in inside if s <= left and e >= right)
        anchors = tuple(eid for s, _, eid in spans if s == left)
        segments.append(Segment(text[left:right], covering, anchors))
    return segments


def _source_view(case: Case, source_id: str) -> SourceView:
    source = case.source_by_id[source_id]
    text = case.source_texts.get(source_id, "")
    spans = sorted(
        (span.start, span.end, eid)
        for eid, span in case.quote_spans.items()
        if span.source == source_id
    )
    paragraphs = []
    for number, (start, end) in enumerate(SourceText(text).paragraphs(), start=1):
        segments = _segments(text, start, end, spans)
        cited = any(seg.evidence for seg in segments)
        paragraphs.append(Paragraph(number, tuple(segments), cited))
    return SourceView(
        id=source.id,
        title=source.title,
        author=source.author,
        published=source.published,
        url=source.url,
        reliability=source.reliability,
        reliability_name=RELIABILITY_NAMES.get(source.reliability or ""),
        paragraphs=tuple(paragraphs),
        cited_paragraphs=sum(p.cited for p in paragraphs),
    )


LEGEND = (
    ("support", "consistent (C, CC) / supports", "solid"),
    ("contradiction", "inconsistent (I, II) / attacks", "dashed"),
    ("premise", "premise of an argument", "solid"),
    ("undercut", "undercuts an inference", "dotted"),
    ("contrary", "contrary statements", "dashed"),
    ("contradictory", "contradictory statements", "bold"),
)
_DASH = {"solid": "", "dashed": "6 4", "dotted": "2 3", "bold": ""}


def _paragraphs(text: str | None) -> tuple[str, ...]:
    if not text:
        return ()
    parts = re.split(r"\n\s*\n", text.strip())
    if len(parts) == 1:
        parts = text.strip().split("\n")
    return tuple(part.strip() for part in parts if part.strip())


def report_context(
    case: Case,
    scores: Scores,
    evidence_svg: bytes | str,
    argument_svg: bytes | str,
    warnings: int = 0,
    evidence_map_shown: int | None = None,
    evidence_map_limit: int | None = None,
) -> ReportContext:
    """Build the report's context from a validated case and its scores."""
    m = scores.matrix
    column = {hid: j for j, hid in enumerate(m.hypothesis_ids)}
    args_on: dict[str, list[str]] = {}
    for a in case.arguments:
        args_on.setdefault(a.target, []).append(a.id)

    rows: list[HypothesisRow] = []
    for h, depth in case.hypotheses_in_order:
        j = column.get(h.id)
        leaves = case.leaves_under(h.id)
        rows.append(
            HypothesisRow(
                id=h.id,
                title=h.title,
                statement=h.statement,
                description=h.description,
                parent=h.parent,
                depth=depth,
                is_leaf=j is not None,
                rank=scores.rank[j] if j is not None else None,
                inconsistency=float(scores.inconsistency[j]) if j is not None else None,
                weighted_inconsistency=(
                    float(scores.weighted_inconsistency[j]) if j is not None else None
                ),
                indicators=h.indicators,
                tags=h.tags,
                supporting=tuple(
                    e.id
                    for e in case.evidence
                    if any(e.ratings.get(x) in ("C", "CC") for x in leaves)
                ),
                contradicting=tuple(
                    e.id
                    for e in case.evidence
                    if any(e.ratings.get(x) in ("I", "II") for x in leaves)
                ),
                arguments=tuple(args_on.get(h.id, ())),
            )
        )
    by_id = {r.id: r for r in rows}
    ranking = tuple(by_id[m.hypothesis_ids[j]] for j in scores.order)
    columns = tuple(by_id[hid] for hid in m.hypothesis_ids)

    groups: list[tuple[str, str, int]] = []
    for row in columns:
        parent = row.parent or ""
        title = case.hypothesis_by_id[parent].title if parent else ""
        if groups and groups[-1][0] == parent:
            groups[-1] = (parent, title, groups[-1][2] + 1)
        else:
            groups.append((parent, title, 1))

    evidence_rows = []
    for i in scores.evidence_order:
        e = case.evidence[i]
        span = case.quote_spans.get(e.id)
        cells = tuple(
            Cell(
                hid,
                e.ratings.get(hid, ""),
                SYMBOLS[e.ratings.get(hid, "")],
                RATING_NAMES.get(e.ratings.get(hid, ""), "unrated"),
                e.rationale.get(hid),
            )
            for hid in m.hypothesis_ids
        )
        evidence_rows.append(
            EvidenceRow(
                id=e.id,
                position=i,
                summary=e.summary,
                kind=e.kind,
                quote=e.quote,
                source_id=e.source,
                source_title=case.source_by_id[e.source].title if e.source else None,
                paragraph=span.paragraph if span else None,
                originator=e.originator,
                credibility=e.credibility,
                relevance=e.relevance,
                weight=PARC_WEIGHT[e.credibility] * PARC_WEIGHT[e.relevance],
                diagnosticity=float(scores.diagnosticity[i]),
                date=e.date,
                tags=e.tags,
                cells=cells,
            )
        )

    kind_of = {h.id: "hypothesis" for h in case.hypotheses}
    kind_of.update({s.id: "statement" for s in case.statements})
    kind_of.update({a.id: "argument" for a in case.arguments})
    kind_of.update({e.id: "evidence" for e in case.evidence})
    kind_of.update({s.id: "source" for s in case.sources})
    arguments = tuple(
        ArgumentRow(
            a.id,
            a.claim,
            a.relation,
            a.target,
            kind_of[a.target],
            tuple((p, kind_of[p]) for p in a.premises),
            a.rationale,
        )
        for a in case.arguments
    )

    unrated = int((~m.rated).sum())
    caveats = []
    if unrated:
        caveats.append(
            f"{unrated} cell{'s' if unrated != 1 else ''} of the matrix "
            f"{'are' if unrated != 1 else 'is'} unrated and count as neutral here."
        )
    if len(case.sources) == 1:
        caveats.append(
            "Every item comes from a single source: the matrix weighs one "
            "document's account, not independent reporting."
        )
    if warnings:
        caveats.append(f"argmap check reports {warnings} warning{'s' if warnings != 1 else ''}.")

    legend = tuple(
        LegendEntry(
            name, meaning, EDGE_STYLES[name]["color"], _DASH[dash], EDGE_STYLES[name]["arrowhead"]
        )
        for name, meaning, dash in LEGEND
    )
    return ReportContext(
        title=case.title,
        question=case.question,
        notes_paragraphs=_paragraphs(case.notes),
        version=__version__,
        digest=case.digest,
        hypotheses=tuple(rows),
        ranking=ranking,
        groups=tuple(groups),
        columns=columns,
        evidence=tuple(evidence_rows),
        statements=tuple((s.id, s.text) for s in case.statements),
        arguments=arguments,
        sources=tuple(_source_view(case, s.id) for s in case.sources if s.id in case.source_texts),
        evidence_svg=_inline_svg(evidence_svg),
        evidence_map_shown=len(case.evidence) if evidence_map_shown is None else evidence_map_shown,
        evidence_map_limit=evidence_map_limit,
        argument_svg=_inline_svg(argument_svg),
        legend=legend,
        caveats=tuple(caveats),
        kind_of=kind_of,
    )


def render_report(context: ReportContext, user_templates: Path | None = None) -> str:
    """The report as one HTML document."""
    return environment(user_templates).get_template("report.html").render(ctx=context)
