"""The self-contained HTML report.

:func:`report_context` turns a case, its scores and its rendered diagrams into
one typed :class:`ReportContext`; :func:`render_report` feeds it to the Jinja2
templates. The context is the templates' whole contract: every field they use
is declared here.
"""

from __future__ import annotations

import functools
import json
import re
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from jinja2.bccache import Bucket, BytecodeCache
from markupsafe import Markup, escape

from .. import __version__, cache
from ..model import RATING_NAMES, RELIABILITY_NAMES, STANDARD_NAMES, Case, Evidence

if TYPE_CHECKING:
    from ..assess import Assessment
    from ..evaluate import Evaluation
    from ..scenarios import ScenarioResult
    from ..workshop.view import WorkshopView
from ..quotes import SourceText
from ..scoring import PARC_WEIGHT
from ..vocabulary import UNRATED_NAME, UNRATED_SYMBOL, VOCABULARY, RatingCode
from ..wording import Headline, figure, notes_by_row, percent, percent_range, share
from .dot import EDGE_STYLES, LABEL_STYLES, focus_name

__all__ = [
    "MATRIX_PRINT_CELLS",
    "MATRIX_STATIC_CELLS",
    "FocusedMap",
    "MapDrawing",
    "ReportContext",
    "environment",
    "render_report",
    "report_context",
    "template_dirs",
]

MATRIX_STATIC_CELLS = 20_000
"""A matrix of up to this many cells (items × rated hypotheses) is written out in full, with
a card per item. A larger one is *live*: its rows and cards are data in the page, drawn by
the browser as they scroll into view (every item is there, and sorting, search and filters
work over all of them)."""
MATRIX_PRINT_CELLS = 2_000
"""A live matrix also writes out its most diagnostic rows, about this many cells (20 rows at
the least), with their cards: what a printout and a browser without scripts show."""
TORNADO_ITEMS = 12

SYMBOLS = {r.code: r.symbol for r in VOCABULARY.in_case} | {"": UNRATED_SYMBOL}
"""Rating symbols: the matrix never relies on colour alone."""
# The matrix prints these in every cell: escaped once here, not once a cell.
_SYMBOL_MARKUP = {code: escape(symbol) for code, symbol in SYMBOLS.items()}
_NAME_MARKUP = {code: escape(RATING_NAMES.get(code, UNRATED_NAME)) for code in SYMBOLS}
_DIRECTION = {code: VOCABULARY[code].direction if code else 0 for code in SYMBOLS}
# An unrated cell's dot is no text a screen reader says: the cell says its name instead
# (the codes' symbols are read as they are, and their names are in the title).
_CELL_TEXT = {code: _SYMBOL_MARKUP[code] for code in SYMBOLS} | {
    "": Markup('<span aria-hidden="true">{}</span><span class="sr-only">{}</span>').format(
        UNRATED_SYMBOL, UNRATED_NAME
    )
}
_PLAIN_CELLS = {
    code: Markup('<td class="cell r-{}" title="{}">{}</td>').format(
        code or "unrated", _NAME_MARKUP[code], _CELL_TEXT[code]
    )
    for code in SYMBOLS
}


def template_dirs() -> list[Path]:
    """Built-in template folders: inside the installed package, else the source tree."""
    here = Path(__file__).resolve().parent.parent
    candidates = [here / "templates", here.parent / "templates"]
    found = [path for path in candidates if (path / "report.html").is_file()]
    if not found:
        raise FileNotFoundError("argmap's report templates are missing from the installation")
    return found[:1]


def environment(user_templates: Path | None = None) -> Environment:
    """The Jinja2 environment: user templates first, built-ins last. Every template sees
    the rating vocabulary as ``vocabulary`` (:data:`argmap.vocabulary.VOCABULARY`).

    One environment per process for each user templates folder, so a template is compiled
    once (Jinja's cache reloads it when its file changes)."""
    return _environment(user_templates)


class _CompiledTemplates(BytecodeCache):
    """Compiled templates kept in argmap's cache folder between runs (:mod:`argmap.cache`):
    compiling them is a good part of a report's time. Jinja checks each against its source."""

    def load_bytecode(self, bucket: Bucket) -> None:
        data = cache.read("jinja", bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: Bucket) -> None:
        cache.write("jinja", bucket.key, bucket.bytecode_to_string())


@functools.lru_cache(maxsize=16)
def _environment(user_templates: Path | None) -> Environment:
    folders = ([user_templates] if user_templates else []) + template_dirs()
    env = Environment(
        bytecode_cache=_CompiledTemplates(),
        loader=FileSystemLoader([str(f) for f in folders]),
        autoescape=select_autoescape(["html", "svg", "xml"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["num"] = figure
    env.filters["count"] = "{:,}".format  # 10,000 items, not 10000
    env.filters["pct"] = percent
    env.filters["share"] = share
    env.globals["vocabulary"] = VOCABULARY
    return env


@dataclass(frozen=True)
class HypothesisRow:
    id: str
    title: str
    statement: str
    description: str | None
    parent: str | None
    parent_title: str | None
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
    prior: float
    posterior: float
    """P(H|E); for a group, the sum of its leaves."""
    estimate: str
    """Its 5–95% interval in ICD 203 words, no finer than the confidence allows."""
    p_top: float
    """Monte Carlo probability of being (or, for a group, holding) the top."""
    low: float
    """5th percentile of the posterior over plausible re-ratings."""
    high: float
    """95th percentile."""
    posterior_if_independent: float | None
    """The posterior without the dependence discount (leaves only)."""
    posterior_without_deceptive: float | None
    """The posterior without items suspected of deception (leaves, when there are any)."""
    label: str | None = None
    """in, out or undecided in the evaluated argument map."""
    standard: str | None = None
    """The proof standard that decides its label, in words."""
    verdict: str | None = None
    """Which standard it meets and why, in one sentence."""
    shown: str = ""
    """The posterior as the report prints it: whole percent, 5 points with low confidence."""
    range: str = ""
    """The 5–95% interval as the report prints it, rounded outwards."""


@dataclass(frozen=True)
class Cell:
    hypothesis: str
    title: str
    """The hypothesis's title."""
    rating: str
    """CC, C, N, I, II, NA, or '' when unrated."""
    symbol: str
    name: str
    rationale: str | None

    @property
    def direction(self) -> int:
        """+1 consistent, −1 inconsistent, 0 neither (N, NA) or unrated."""
        return VOCABULARY[self.rating].direction if self.rating else 0


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
    likelihood_diagnosticity: float
    """Spread of the item's log-likelihoods across leaves: 0 means it tells nothing."""
    linchpin: bool
    """Removing this item alone changes the top hypothesis."""
    dependent: int
    """How many items share its originator or group (1 when independent)."""
    group: str | None
    """Its `group:` label, if any."""
    date: str | None
    tags: tuple[str, ...]
    cells: tuple[Cell, ...]
    rated: tuple[Cell, ...] = ()
    """The cells with a rationale or a direction (the item's card lists them)."""
    neutral: int = 0
    """How many cells have neither: neutral, not applicable or unrated."""
    plain_cells: Markup | None = None
    """The row's matrix cells ready made (``ReportContext.plain_cells``, joined) when none
    has a rationale, so the template need not go through them one by one; else None."""
    plain_rated: Markup | None = None
    """Likewise the card's list of :attr:`rated` (each line as _evidence.html writes one
    without a rationale)."""


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
    label: str | None = None
    """in, out or undecided in the evaluated argument map."""
    reason: str | None = None
    scheme: str | None = None
    """The argumentation scheme, if named."""


@dataclass(frozen=True)
class StatementRow:
    id: str
    text: str
    label: str | None
    reason: str | None


@dataclass(frozen=True)
class MapDrawing:
    """A focused argument map as laid out, for :func:`report_context`."""

    focus: str
    """The hypothesis it is focused on."""
    svg: bytes | str
    depth: int | None
    """Layers of arguments drawn; None: all of them."""
    layers: int
    """Layers of arguments that bear on the hypothesis in all."""
    badges: bool
    """Evidence premises counted in badges rather than drawn."""
    nodes: int
    """Nodes other than the hypothesis: 0 when nothing bears on it."""
    continues: str | None = None
    """The map (its focus) this one goes on from, where that one was cut short; None for
    a hypothesis's own map."""


@dataclass(frozen=True)
class FocusedMap:
    """One hypothesis's focused argument map in the report."""

    id: str
    title: str
    svg: Markup
    depth: int | None
    layers: int
    badges: bool
    alone: bool
    """Nothing in the argument map bears on it."""
    label: str | None
    top: bool
    """The hypothesis at the top of the ranking."""
    continues: str | None = None
    """The focus of the map this one goes on from (a map cut short links its node here);
    None for a hypothesis's own map."""
    continues_title: str = ""
    reason: str = ""
    """Why the evaluation labels the focus as it does (its reasons in the Arguments section)."""
    kind: str = "hypothesis"
    """What the map is focused on: hypothesis, statement, argument or evidence."""


@dataclass(frozen=True)
class LegendEntry:
    name: str
    meaning: str
    color: str
    dash: str
    """SVG stroke-dasharray for the sample line."""
    head: str


@dataclass(frozen=True)
class ChartBar:
    """One row of the posterior chart."""

    id: str
    title: str
    posterior: float
    low: float
    high: float
    p_top: float
    is_top: bool
    is_group: bool
    shown: str = ""
    """The posterior as printed (see HypothesisRow.shown)."""
    range: str = ""
    """The 5–95% interval as printed."""


@dataclass(frozen=True)
class TornadoBar:
    """One item of the tornado chart: how the top's posterior moves without it, or reversed."""

    id: str
    summary: str
    removed: float
    """Change of the top hypothesis's posterior when the item is removed."""
    reversed: float
    """Change when the item's ratings are reversed (CC ↔ II, C ↔ I)."""


@dataclass(frozen=True)
class Disagreement:
    """One place where the argument map and the matrix disagree (argmap.coherence)."""

    sentence: str
    """What disagrees, naming items, hypotheses and arguments in words."""
    advice: str
    """How to make the two tell one story."""
    nodes: tuple[tuple[str, str], ...]
    """(id, kind) of each node involved, for links: the first is where it is written."""


@dataclass(frozen=True)
class DisagreementGroup:
    """The disagreements of one kind, under the heading of that kind."""

    kind: str
    """The rule's type (argmap.rules)."""
    title: str
    disagreements: tuple[Disagreement, ...]


@dataclass(frozen=True)
class ScenarioRow:
    """One scenario of the scenario table: a reinterpretation and the ranking under it."""

    id: str
    title: str
    description: str | None
    generated: bool
    """Made by argmap (else declared in the case)."""
    survives: bool
    """The same hypotheses lead as in the case as it stands."""
    leaders: tuple[str, ...]
    """Titles of the hypotheses on top under it (several on a tie)."""
    ranking: tuple[tuple[str, str, str], ...]
    """(id, title, posterior as printed) of the first three leaves under it."""


@dataclass(frozen=True)
class AssumptionRow:
    """One key assumption: what would break it and the ranking without it."""

    id: str
    kind: str
    """'evidence' or 'statement', for links."""
    text: str
    breaks_if: str | None
    items: int
    """Items that fall with it (itself included, when it is an item)."""
    arguments: int
    """Arguments that rest on it."""
    scenario: ScenarioRow


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
    statements: tuple[StatementRow, ...]
    arguments: tuple[ArgumentRow, ...]
    sources: tuple[SourceView, ...]
    evidence_svg: Markup
    argument_svg: Markup
    evidence_map_shown: int
    """How many items the evidence map draws (the rest have no C/I rating or were cut)."""
    evidence_map_limit: int | None
    """The most items the evidence map draws, if limited."""
    evidence_compact_svg: Markup | None
    """The evidence map's compact drawing (only the items that separate the leading
    hypotheses, :func:`argmap.render.dot.drawn_evidence`); None when it would draw them all."""
    evidence_compact_shown: int
    """How many items the compact drawing draws."""
    evidence_compact_separates: bool
    """Whether the compact drawing keeps the items that separate the leading hypotheses
    (else, none doing so, every diagnostic item)."""
    evidence_leaders: tuple[str, ...]
    """Titles of the leading hypotheses the compact drawing is about."""
    legend: tuple[LegendEntry, ...]
    label_legend: tuple[tuple[str, str, str], ...]
    """(label, fill, border) for the argument map's in / out / undecided, when evaluated."""
    caveats: tuple[str, ...]
    top: tuple[str, ...]
    """Ids of the leaf (or tied leaves) with the highest posterior."""
    confidence: str
    """low, moderate or high."""
    confidence_reasons: tuple[str, ...]
    sensitivity: str
    """The fewest rating changes that would change the top, in one sentence."""
    linchpins: tuple[str, ...]
    draws: int
    seed: int
    has_deceptive: bool
    has_dependent: bool
    chart: tuple[ChartBar, ...]
    """Leaves by posterior, then groups."""
    tornado: tuple[TornadoBar, ...]
    """The items that move the top's posterior most, largest first."""
    tornado_top: str
    """Title of the hypothesis whose posterior the tornado chart follows."""
    tornado_base: float
    evidence_total: int
    """All items in the case; ``evidence`` holds all of them, or in a live matrix the most
    diagnostic (:data:`MATRIX_PRINT_CELLS`)."""
    shown: frozenset[str]
    """Ids of the items with a row and a card to link to: every item (a live matrix draws
    any item's row and card when a link leads there)."""
    tags: tuple[str, ...]
    """Every evidence tag, for the matrix filter."""
    kinds: tuple[str, ...]
    symbols: dict[str, str] = field(default_factory=lambda: dict(SYMBOLS))
    """Rating code → symbol, '' (unrated) included; the rest of a rating is in the
    template global ``vocabulary``."""
    plain_cells: dict[str, Markup] = field(default_factory=lambda: dict(_PLAIN_CELLS))
    """Rating code → the matrix's cell for that rating when it has no rationale, ready
    made: the same for every row, so not rendered once a cell."""
    kind_of: dict[str, str] = field(default_factory=dict)
    """Id → 'hypothesis', 'statement', 'argument', 'evidence' or 'source', for links."""
    workshop: WorkshopView | None = None
    """Analysts' ratings: disagreement, rankings, agenda, changes (docs/workshops.md);
    None when the case has no evidence/ratings/ files."""
    headline: Headline | None = None
    """The most specific hypothesis the evidence can tell apart, in words, with why."""
    order_notes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Hypothesis id → why the posterior ranks it above a hypothesis with a better PARC
    rank, one sentence per such pair (shown under its row of the ranking)."""
    linchpin_summaries: tuple[str, ...] = ()
    """The summaries of ``linchpins``, in the same order."""
    coherence: tuple[DisagreementGroup, ...] | None = None
    """Where the argument map and the matrix disagree, by kind; empty when they agree, None
    when the map was not evaluated."""
    alternatives: tuple[str, ...] = ()
    """The next smallest sets of one-step re-ratings that change the top, in words."""
    scenarios: tuple[ScenarioRow, ...] = ()
    """The case's own scenarios, then argmap's generated ones."""
    scenarios_not_tried: tuple[tuple[str, int], ...] = ()
    """(kind, count) of generated scenarios left out beyond the weightiest."""
    assumptions: tuple[AssumptionRow, ...] = ()
    """Every assumption (items of kind assumption, assumed statements): the key assumptions
    check."""
    monte_carlo_note: str = ""
    """What the Monte Carlo is: noise on single cells, not a test of the reading."""
    scenario_lead: str = "the lead"
    """Whose lead the scenarios test, in words ("the shared top of X and Y")."""
    focused_maps: tuple[FocusedMap, ...] = ()
    """One argument map per hypothesis, in the hypotheses' order."""
    argument_all_svg: Markup | None = None
    """The overview with every evidence item drawn, when ``argument_svg`` counts them in
    badges."""
    default_map: str = "argument-map"
    """The id of the argument map the report shows first."""
    evidence_data: Markup | None = None
    """A live matrix's rows and cards as JSON, for a ``<script type="application/json">``;
    None when the matrix is written out in full."""


def _label_reason(reason: str) -> str:
    """An evaluation reason without its label: 'out: the best …' → 'the best …'."""
    label, found, rest = reason.partition(": ")
    return rest if found and label in ("in", "out", "undecided") else reason


def _short(text: str, width: int = 90) -> str:
    """A node's text shortened for a caption or a list."""
    return textwrap.shorten(text, width, placeholder=" …")


def _inline_svg(svg: bytes | str) -> Markup:
    """SVG for inlining: the XML prolog, doctype and comments dropped."""
    text = svg.decode("utf-8") if isinstance(svg, bytes) else svg
    start = text.find("<svg")
    text = text[start:] if start >= 0 else text
    text = re.sub(r"<!--.*?-->\s*", "", text, flags=re.DOTALL)
    return Markup(text.strip())  # noqa: S704 - produced by Graphviz from escaped DOT


def _segments(
    text: str,
    start: int,
    end: int,
    spans: list[tuple[int, int, str]],
    anchors_at: dict[int, list[str]],
) -> list[Segment]:
    """The paragraph ``start``–``end`` cut where quotes start and end; ``spans`` are the
    quotes that overlap it, ``anchors_at`` every quote's id by where it starts."""
    cuts = {start, end}
    inside = [(max(s, start), min(e, end), eid) for s, e, eid in spans]
    for s, e, _ in inside:
        cuts.update((s, e))
    points = sorted(cuts)
    segments = []
    for left, right in zip(points, points[1:], strict=False):
        covering = tuple(eid for s, e, eid in inside if s <= left and e >= right)
        anchors = tuple(anchors_at.get(left, ()))
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
    anchors_at: dict[int, list[str]] = {}
    for s, _, eid in spans:
        anchors_at.setdefault(s, []).append(eid)
    # One pass over the quotes: paragraphs come in order, so a quote that ends before one
    # paragraph starts overlaps none of the later ones.
    active: list[tuple[int, int, str]] = []
    waiting = 0
    paragraphs = []
    for number, (start, end) in enumerate(SourceText(text).paragraphs(), start=1):
        while waiting < len(spans) and spans[waiting][0] < end:
            active.append(spans[waiting])
            waiting += 1
        active = [span for span in active if span[1] > start]
        segments = _segments(text, start, end, active, anchors_at)
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


def _codes(ratings: Iterable[RatingCode]) -> str:
    return ", ".join(r.code for r in ratings)


LEGEND = (
    ("support", f"consistent ({_codes(VOCABULARY.consistent)}) / supports", "solid"),
    ("contradiction", f"inconsistent ({_codes(VOCABULARY.inconsistent)}) / attacks", "dashed"),
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


def _rated_by_direction(evidence: Sequence[Evidence]) -> dict[int, dict[str, list[int]]]:
    """Direction (+1, −1) → hypothesis id → the positions of the items rated consistent
    (inconsistent) with it, in order."""
    directions = {r.code: r.direction for r in VOCABULARY}
    found: dict[int, dict[str, list[int]]] = {1: {}, -1: {}}
    for position, item in enumerate(evidence):
        for hid, code in item.ratings.items():
            direction = directions[code]
            if direction:
                found[direction].setdefault(hid, []).append(position)
    return found


def _bearing(
    evidence: Sequence[Evidence], rated: dict[str, list[int]], leaves: Iterable[str]
) -> tuple[str, ...]:
    """The items rated one way on any of ``leaves``, in case order."""
    positions = set().union(*(rated.get(leaf, ()) for leaf in leaves))
    return tuple(evidence[i].id for i in sorted(positions))


def _hypothesis_rows(a: Assessment) -> list[HypothesisRow]:
    case, scores, w, mc = a.case, a.scores, a.weighing, a.monte_carlo
    column = {hid: j for j, hid in enumerate(scores.matrix.hypothesis_ids)}
    args_on: dict[str, list[str]] = {}
    for arg in case.arguments:
        args_on.setdefault(arg.target, []).append(arg.id)
    group_posterior = w.group_posterior()
    independent = w.independent_posterior
    without = w.without_deceptive
    rated = _rated_by_direction(case.evidence)
    rows = []
    for h, depth in case.hypotheses_in_order:
        j = column.get(h.id)
        leaves = case.leaves_under(h.id)
        cols = [column[leaf] for leaf in leaves]
        if j is not None:
            posterior, p_top = float(w.posterior[j]), float(mc.p_top[j])
            low, high = float(mc.low[j]), float(mc.high[j])
        else:
            posterior, p_top = group_posterior[h.id], mc.group_p_top[h.id]
            low, high = mc.group_low[h.id], mc.group_high[h.id]
        rows.append(
            HypothesisRow(
                id=h.id,
                title=h.title,
                statement=h.statement,
                description=h.description,
                parent=h.parent,
                parent_title=case.hypothesis_by_id[h.parent].title if h.parent else None,
                depth=depth,
                is_leaf=j is not None,
                rank=scores.rank[j] if j is not None else None,
                inconsistency=float(scores.inconsistency[j]) if j is not None else None,
                weighted_inconsistency=(
                    float(scores.weighted_inconsistency[j]) if j is not None else None
                ),
                indicators=h.indicators,
                tags=h.tags,
                supporting=_bearing(case.evidence, rated[1], leaves),
                contradicting=_bearing(case.evidence, rated[-1], leaves),
                arguments=tuple(args_on.get(h.id, ())),
                prior=float(w.data.prior[cols].sum()),
                posterior=posterior,
                estimate=a.words(h.id),
                shown=percent(posterior, a.confidence.level),
                range=percent_range(low, high, a.confidence.level),
                p_top=p_top,
                low=low,
                high=high,
                posterior_if_independent=float(independent[j]) if j is not None else None,
                posterior_without_deceptive=(
                    float(without[j]) if without is not None and j is not None else None
                ),
            )
        )
    return rows


def _evidence_rows(a: Assessment, limit: int | None = None) -> list[EvidenceRow]:
    case, scores, w = a.case, a.scores, a.weighing
    hids = scores.matrix.hypothesis_ids
    titles = {h.id: h.title for h in case.hypotheses}
    # A cell without a rationale is the same for every item with that rating: made once,
    # and so is its line in an item's card.
    plain_line = {
        (hid, code): Markup('      <li><span class="cell r-{}">{}</span> {}</li>\n').format(
            code or "unrated", symbol, titles[hid]
        )
        for hid in hids
        for code, symbol in SYMBOLS.items()
    }
    plain = {
        (hid, code): Cell(hid, titles[hid], code, _SYMBOL_MARKUP[code], _NAME_MARKUP[code], None)
        for hid in scores.matrix.hypothesis_ids
        for code in SYMBOLS
    }
    rows = []
    for i in scores.evidence_order[:limit]:
        e = case.evidence[i]
        span = case.quote_spans.get(e.id)
        cells = tuple(
            plain[hid, rating]
            if (why := e.rationale.get(hid)) is None
            else Cell(hid, titles[hid], rating, _SYMBOL_MARKUP[rating], _NAME_MARKUP[rating], why)
            for hid in scores.matrix.hypothesis_ids
            for rating in (e.ratings.get(hid, ""),)
        )
        rated = tuple(c for c in cells if c.rationale or _DIRECTION[c.rating])
        plain_cells = plain_rated = None
        if not e.rationale:
            # Every piece is Markup already: joined as text, not escaped again one by one.
            cells_text = "".join([_PLAIN_CELLS[c.rating] for c in cells])
            lines_text = "".join([plain_line[c.hypothesis, c.rating] for c in rated])
            plain_cells, plain_rated = Markup(cells_text), Markup(lines_text)  # noqa: S704
        rows.append(
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
                likelihood_diagnosticity=float(w.likelihood_diagnosticity[i]),
                linchpin=bool(w.linchpins[i]),
                dependent=int(w.data.group_size[i]),
                group=e.group,
                date=e.date,
                tags=e.tags,
                cells=cells,
                rated=rated,
                neutral=len(cells) - len(rated),
                plain_cells=plain_cells,
                plain_rated=plain_rated,
            )
        )
    return rows


def _evidence_data(a: Assessment) -> Markup:
    """Every item's row and card as JSON (most diagnostic first), safe inside a script
    element: what the browser draws a live matrix from (templates/_script.js)."""
    case, scores, w = a.case, a.scores, a.weighing
    hids = scores.matrix.hypothesis_ids
    codes = list(SYMBOLS)
    index = {code: str(n) for n, code in enumerate(codes)}
    column = {hid: str(j) for j, hid in enumerate(hids)}
    items = []
    for i in scores.evidence_order:
        e = case.evidence[i]
        span = case.quote_spans.get(e.id)
        weight = PARC_WEIGHT[e.credibility] * PARC_WEIGHT[e.relevance]
        diagnosticity = float(scores.diagnosticity[i])
        spread = float(w.likelihood_diagnosticity[i])
        item: dict[str, Any] = {
            "id": e.id,
            "position": i,
            "summary": e.summary,
            "kind": e.kind,
            "credibility": e.credibility,
            "relevance": e.relevance,
            "weight": [weight, figure(weight)],
            "diagnosticity": [diagnosticity, figure(diagnosticity)],
            "likelihood": [spread, figure(spread)],
            "ratings": "".join(index[e.ratings.get(hid, "")] for hid in hids),
        }
        optional = {
            "linchpin": bool(w.linchpins[i]),
            "quote": e.quote,
            "source": e.source,
            "source_title": case.source_by_id[e.source].title if e.source else None,
            "paragraph": span.paragraph if span else None,
            "date": e.date,
            "tags": list(e.tags),
            "originator": e.originator,
            "group": e.group,
            "dependent": int(w.data.group_size[i]) if w.data.group_size[i] > 1 else None,
            "rationale": {column[h]: why for h, why in e.rationale.items() if h in column},
        }
        item.update((key, value) for key, value in optional.items() if value)
        items.append(item)
    data = {
        "codes": [
            [code or "unrated", SYMBOLS[code], RATING_NAMES.get(code, UNRATED_NAME)]
            + ([] if code else [True])  # said by its name, not its symbol (_CELL_TEXT)
            for code in codes
        ],
        "direction": [_DIRECTION[code] for code in codes],
        "columns": [case.hypothesis_by_id[hid].title for hid in hids],
        "items": items,
    }
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # Nothing in the data can close the script element or open a comment.
    text = text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
    return Markup(text)  # noqa: S704 - JSON with every <, > and & escaped


def _evidence_compact(a: Assessment, limit: int | None, svg: bytes | str | None) -> dict[str, Any]:
    """The context fields of the evidence map's compact drawing."""
    from .dot import drawn_evidence, leading_hypotheses, separating_evidence

    compact = drawn_evidence(a.case, a.scores, limit, compact=True)
    return {
        "evidence_compact_svg": None if svg is None else _inline_svg(svg),
        "evidence_compact_shown": len(compact),
        "evidence_compact_separates": bool(separating_evidence(a.case, a.scores, limit)),
        "evidence_leaders": tuple(
            a.case.hypothesis_by_id[hid].title for hid in leading_hypotheses(a.scores)
        ),
    }


def report_context(
    assessment: Assessment,
    evidence_svg: bytes | str,
    argument_svg: bytes | str,
    warnings: int = 0,
    evidence_map_shown: int | None = None,
    evidence_map_limit: int | None = None,
    evaluation: Evaluation | None = None,
    workshop: WorkshopView | None = None,
    focused: Sequence[MapDrawing] = (),
    argument_all_svg: bytes | str | None = None,
    evidence_compact_svg: bytes | str | None = None,
) -> ReportContext:
    """Build the report's context from an assessed case and its rendered diagrams."""
    case, scores = assessment.case, assessment.scores
    m = scores.matrix
    labels = evaluation.labels if evaluation else {}
    reasons = evaluation.reasons if evaluation else {}
    rows = _hypothesis_rows(assessment)
    if evaluation is not None:
        rows = [
            replace(
                row,
                label=labels.get(row.id),
                standard=STANDARD_NAMES[evaluation.verdicts[row.id].standard],
                verdict=evaluation.verdicts[row.id].why,
            )
            if row.id in evaluation.verdicts
            else row
            for row in rows
        ]
    by_id = {r.id: r for r in rows}
    # One order: PARC rank, a shared rank by posterior; the chart orders by posterior.
    ranking = tuple(
        sorted(
            (by_id[m.hypothesis_ids[j]] for j in scores.order),
            key=lambda r: (r.rank, -r.posterior),
        )
    )
    columns = tuple(by_id[hid] for hid in m.hypothesis_ids)

    groups: list[tuple[str, str, int]] = []
    for row in columns:
        parent = row.parent or ""
        title = case.hypothesis_by_id[parent].title if parent else ""
        if groups and groups[-1][0] == parent:
            groups[-1] = (parent, title, groups[-1][2] + 1)
        else:
            groups.append((parent, title, 1))

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
            labels.get(a.id),
            reasons.get(a.id),
            a.scheme,
        )
        for a in case.arguments
    )

    live = len(case.evidence) * len(columns) > MATRIX_STATIC_CELLS
    evidence_rows = _evidence_rows(
        assessment, max(20, MATRIX_PRINT_CELLS // max(1, len(columns))) if live else None
    )
    caveats = list(assessment.caveats)
    if warnings:
        caveats.append(f"argmap check reports {warnings} warning{'s' if warnings != 1 else ''}.")
    legend = tuple(
        LegendEntry(
            name, meaning, EDGE_STYLES[name]["color"], _DASH[dash], EDGE_STYLES[name]["arrowhead"]
        )
        for name, meaning, dash in LEGEND
    )
    w = assessment.weighing
    chart = [
        ChartBar(
            r.id,
            r.title,
            r.posterior,
            r.low,
            r.high,
            r.p_top,
            r.id in assessment.top_ids,
            False,
            shown=r.shown,
            range=r.range,
        )
        for r in sorted(columns, key=lambda r: (-r.posterior, r.id))
    ] + [
        ChartBar(r.id, r.title, r.posterior, r.low, r.high, r.p_top, False, True, r.shown, r.range)
        for r in rows
        if not r.is_leaf
    ]
    order_notes = notes_by_row([(d.posterior_first, d.sentence) for d in assessment.disagreements])
    top_column = int(w.posterior.argmax()) if len(w.posterior) else 0
    movement = np.maximum(np.abs(w.removal_shift), np.abs(w.reversal_shift))
    strongest = [
        int(i) for i in np.argsort(-movement, kind="stable")[:TORNADO_ITEMS] if movement[i] > 1e-4
    ]
    tornado = tuple(
        TornadoBar(
            case.evidence[i].id,
            case.evidence[i].summary,
            float(w.removal_shift[i]),
            float(w.reversal_shift[i]),
        )
        for i in strongest
    )
    focused_maps = tuple(
        FocusedMap(
            id=drawing.focus,
            title=_short(focus_name(case, drawing.focus)),
            svg=_inline_svg(drawing.svg),
            depth=drawing.depth,
            layers=drawing.layers,
            badges=drawing.badges,
            alone=drawing.nodes == 0,
            label=labels.get(drawing.focus),
            top=drawing.focus in assessment.top_ids,
            continues=drawing.continues,
            continues_title=_short(focus_name(case, drawing.continues))
            if drawing.continues
            else "",
            kind=kind_of.get(drawing.focus, "hypothesis"),
            reason=_label_reason(reasons.get(drawing.focus, "")),
        )
        for drawing in focused
    )
    # The report opens on the leading hypothesis's own map: the reader's first question is
    # why it leads, and a focused map fits the screen where the overview cannot.
    opening = next((f"map-{m.id}" for m in focused_maps if m.top), "argument-map")
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
        statements=tuple(
            StatementRow(s.id, s.text, labels.get(s.id), reasons.get(s.id)) for s in case.statements
        ),
        label_legend=tuple(
            (label, LABEL_STYLES[label]["fillcolor"], LABEL_STYLES[label]["color"])
            for label in ("in", "out", "undecided")
        )
        if evaluation is not None
        else (),
        arguments=arguments,
        sources=tuple(_source_view(case, s.id) for s in case.sources if s.id in case.source_texts),
        evidence_svg=_inline_svg(evidence_svg),
        evidence_map_shown=len(case.evidence) if evidence_map_shown is None else evidence_map_shown,
        evidence_map_limit=evidence_map_limit,
        **_evidence_compact(assessment, evidence_map_limit, evidence_compact_svg),
        argument_svg=_inline_svg(argument_svg),
        legend=legend,
        caveats=tuple(caveats),
        top=tuple(assessment.top_ids),
        confidence=assessment.confidence.level,
        confidence_reasons=assessment.confidence.reasons,
        sensitivity=assessment.sensitivity_sentence(),
        linchpins=tuple(
            eid for eid, flag in zip(w.data.evidence_ids, w.linchpins, strict=True) if flag
        ),
        draws=assessment.monte_carlo.draws,
        seed=assessment.monte_carlo.seed,
        has_deceptive=bool(w.data.deceptive.any()),
        has_dependent=bool((w.data.group_size > 1).any()),
        chart=tuple(chart),
        tornado=tornado,
        tornado_top=case.hypothesis_by_id[w.data.leaf_ids[top_column]].title
        if len(columns)
        else "",
        tornado_base=float(w.posterior[top_column]) if len(columns) else 0.0,
        evidence_total=len(case.evidence),
        shown=frozenset(e.id for e in case.evidence),
        evidence_data=_evidence_data(assessment) if live else None,
        tags=tuple(sorted({t for e in case.evidence for t in e.tags})),
        kinds=tuple(
            k
            for k in ("fact", "claim", "assumption", "absence")
            if any(e.kind == k for e in case.evidence)
        ),
        kind_of=kind_of,
        workshop=workshop,
        coherence=_coherence(case, evaluation, kind_of) if evaluation is not None else None,
        headline=assessment.headline,
        order_notes=order_notes,
        linchpin_summaries=tuple(
            e.summary for e, flag in zip(case.evidence, w.linchpins, strict=True) if flag
        ),
        **_scenario_fields(assessment),
        focused_maps=focused_maps,
        argument_all_svg=None if argument_all_svg is None else _inline_svg(argument_all_svg),
        default_map=opening,
    )


def _scenario_row(
    case: Case, leaf_ids: Sequence[str], result: ScenarioResult, confidence: str
) -> ScenarioRow:
    from ..scenarios import ranking

    title = {h.id: h.title for h in case.hypotheses}
    return ScenarioRow(
        result.id,
        result.title,
        result.description,
        result.generated,
        result.survives,
        tuple(title[hid] for hid in result.leaders),
        tuple(
            (hid, title[hid], percent(p, confidence)) for hid, p in ranking(result, leaf_ids)[:3]
        ),
    )


def _scenario_fields(a: Assessment) -> dict[str, Any]:
    """The report's scenario table, key assumptions check and Monte Carlo note."""
    case, found = a.case, a.scenarios
    statements = {s.id for s in case.statements}
    return {
        "alternatives": tuple(a.sensitivity_sentence(s) for s in a.plausible_changes[1:]),
        "scenarios": tuple(
            _scenario_row(case, a.leaf_ids, r, a.confidence.level) for r in found.results
        ),
        "scenarios_not_tried": tuple(sorted(found.left_out.items())),
        "assumptions": tuple(
            AssumptionRow(
                c.id,
                "statement" if c.id in statements else "evidence",
                c.text,
                c.breaks_if,
                len(c.items),
                len(c.arguments),
                _scenario_row(case, a.leaf_ids, c.result, a.confidence.level),
            )
            for c in found.assumptions
        ),
        "monte_carlo_note": a.monte_carlo_note(),
        "scenario_lead": a.lead_words,
    }


def _coherence(
    case: Case, evaluation: Evaluation, kind_of: dict[str, str]
) -> tuple[DisagreementGroup, ...]:
    """The map's and the matrix's disagreements, grouped by kind in the checks' order."""
    from ..coherence import KINDS, disagreements, namer

    name = namer(case)
    found: dict[str, list[Disagreement]] = {}
    for d in disagreements(case, evaluation):
        sentence, advice = d.to_words(name)
        nodes = tuple((ident, kind_of[ident]) for ident in d.ids)
        found.setdefault(d.kind, []).append(Disagreement(sentence, advice, nodes))
    return tuple(
        DisagreementGroup(kind, title, tuple(found[kind]))
        for kind, title in KINDS.items()
        if kind in found
    )


def render_report(context: ReportContext, user_templates: Path | None = None) -> str:
    """The report as one HTML document; its diagrams carry the glyphs of their font."""
    from .fonts import html_with_font

    return html_with_font(
        environment(user_templates).get_template("report.html").render(ctx=context)
    )
