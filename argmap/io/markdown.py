"""The `markdown` format: a readable report for wikis and code hosts.

The question, the ranking with posteriors, the matrix with rating symbols, the evidence with
its quotes and sources, the argument map in words, the sources. GitHub-flavoured Markdown
(tables); everything the analyst wrote passes through :func:`inline` or :func:`cell`, so no
text in a case can open a link, an image, raw HTML, a list, a heading, a table column or a
code block.

:func:`export` gives the Markdown alone; :func:`export_files` also lays out the evidence map
as an SVG file beside it (``REPORT-evidence-map.svg``) and links it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote as url_quote
from urllib.parse import urlsplit

from .. import __version__
from ..model import RELIABILITY_NAMES, Case
from ..vocabulary import UNRATED_NAME, UNRATED_SYMBOL, VOCABULARY, or_list
from ..wording import figure, share

if TYPE_CHECKING:
    from ..assess import Assessment
    from ..render.html import ReportContext

__all__ = ["BINARY", "cell", "export", "export_files", "inline", "render"]

BINARY = False
EVIDENCE_MAP_LIMIT = 40
"""The most items the evidence map draws, as in the HTML report."""

_ENTITIES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
# Characters that open emphasis, code, links, tables, strikethrough, math or headings anywhere.
_SPECIAL = re.compile(r"([\\`*_\[\]|~$#])")
# At the start of a line: list items, setext underlines, ordered-list numbers.
_LINE_START = re.compile(r"^([-+=])")
_ORDERED = re.compile(r"^(\d+)([.)])")
# GFM links bare URLs; an escaped ':' or '.' keeps them text.
_BARE_URL = re.compile(r"(?<=[A-Za-z0-9]):(?=//)|(?<=\bwww)\.", re.IGNORECASE)


def inline(text: str) -> str:
    r"""User text as inert inline Markdown: one line, every active character escaped.

    >>> print(inline("# <b>*x*</b> | `y`"))
    \# &lt;b&gt;\*x\*&lt;/b&gt; \| \`y\`
    >>> print(inline("- not a list\n2. nor this"))
    \- not a list 2. nor this
    >>> print(inline("see https://example.org or www.example.org"))
    see https\://example.org or www\.example.org
    """
    line = " ".join(text.split()).translate(_ENTITIES)
    line = _SPECIAL.sub(r"\\\1", line)
    line = _BARE_URL.sub(lambda found: "\\" + found.group(0), line)
    line = _LINE_START.sub(r"\\\1", line)
    return _ORDERED.sub(r"\1\\\2", line)


def cell(text: str) -> str:
    """User text for a table cell: inline, never empty (an empty cell shifts nothing but reads
    as missing)."""
    return inline(text) or " "


def paragraphs(text: str | None) -> list[str]:
    """User text split at blank lines (at line breaks when it has none), each inline.

    The same split as the HTML report's: a folded YAML scalar keeps its paragraphs apart
    with single line breaks.
    """
    if not text:
        return []
    parts = re.split(r"\n\s*\n", text.strip())
    if len(parts) == 1:
        parts = text.strip().split("\n")
    return [inline(part) for part in parts if part.strip()]


def _link(title: str, url: str | None) -> str:
    """A link for http(s) URLs (percent-encoded so it cannot break out), else plain text."""
    if url and urlsplit(url.strip()).scheme.lower() in ("http", "https"):
        target = url_quote(url.strip(), safe=":/?#@!$&'*+,;=%-._~")
        return f"[{inline(title)}]({target})"
    text = inline(title)
    return f"{text} ({inline(url)})" if url else text


def _pct(value: float, digits: int = 0) -> str:
    return f"{100 * value:.{digits}f}%"


def _num(value: float | None) -> str:
    """A score for people (:func:`argmap.wording.figure`); a blank for none."""
    return " " if value is None else figure(value)


def _table(header: list[str], align: str, rows: list[list[str]]) -> list[str]:
    marks = {"l": "---", "r": "---:", "c": ":---:"}
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(marks[a] for a in align) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _code(ident: str) -> str:
    """An id in a code span; ids are slugs, so nothing inside needs escaping."""
    return f"`{ident}`"


def _summary(ctx: ReportContext, case: Case) -> list[str]:
    out = []
    head = ctx.headline
    if head is not None:
        group = " (a group of hypotheses)" if head.is_group else ""
        top = [f"**{inline(head.node.title)}**{group} — {head.words} ({head.range})"] + [
            f"**{inline(n.title)}** — {words} ({span})"
            for n, (words, span) in zip(head.shared, head.shared_words, strict=True)
        ]
        opening = (
            "Most probable on this evidence: "
            if head.separable
            else "No hypothesis stands apart on this evidence. "
            + ("Sharing the highest posterior: " if head.shared else "The highest posterior: ")
        )
        together = f" {inline(head.together)}" if head.together else ""
        out += [f"{opening}{or_list(top, 'and')}. {inline(head.why)}{together}", ""]
    rows = [
        [
            str(row.rank),
            f"{cell(row.title)} {_code(row.id)}",
            cell(case.hypothesis_by_id[row.parent].title) if row.parent else " ",
            row.shown,
            row.estimate,
            row.range,
            share(row.p_top, ctx.confidence),
            _num(row.inconsistency),
            _num(row.weighted_inconsistency),
        ]
        for row in ctx.ranking
    ]
    out += _table(
        [
            "Rank",
            "Hypothesis",
            "Group",
            "Posterior",
            "In words",
            "5–95%",
            "P(top)",
            "Inconsistency",
            "Weighted",
        ],
        "rllrlrrrr",
        rows,
    )
    out += [
        "",
        "Ordered by PARC rank (1 = least weighted inconsistency); hypotheses sharing a rank, "
        f"by posterior. The 5–95% range and P(top) come from {ctx.draws} plausible re-ratings "
        f"(seed {ctx.seed}); the words follow the range.",
    ]
    notes = [note for row in ctx.ranking for note in ctx.order_notes.get(row.id, ())]
    if notes:
        out += ["", "Where the posterior orders a pair the other way:", ""]
        out += [f"- {inline(note)}" for note in notes]
    groups = [row for row in ctx.hypotheses if not row.is_leaf]
    if groups:
        out.append("")
        out += [
            f"- Group **{inline(g.title)}** {_code(g.id)}: {g.shown}, {g.range} ({g.estimate}), "
            f"P(top) {share(g.p_top, ctx.confidence)}"
            for g in groups
        ]
    out += ["", f"**Confidence: {ctx.confidence}.**", ""]
    out += [f"- {inline(reason)}" for reason in ctx.confidence_reasons]
    out += ["", "### What the conclusion hinges on", "", inline(ctx.sensitivity), ""]
    if ctx.linchpins:
        out += ["Linchpins — removing any one alone changes the top hypothesis:", ""]
        out += [
            f"- {inline(summary)} {_code(eid)}"
            for eid, summary in zip(ctx.linchpins, ctx.linchpin_summaries, strict=True)
        ]
    else:
        out.append("No single item is a linchpin.")
    if ctx.caveats:
        out += ["", "### Caveats", ""] + [f"- {inline(c)}" for c in ctx.caveats]
    return out


def _hypotheses(ctx: ReportContext, case: Case) -> list[str]:
    out = ["## Hypotheses"]
    for row in ctx.hypotheses:
        facts = [_code(row.id)]
        if not row.is_leaf:
            facts.append("group of " + ", ".join(_code(k) for k in case.children[row.id]))
        if row.parent:
            facts.append(f"in {inline(case.hypothesis_by_id[row.parent].title)}")
        facts.append(f"prior {_pct(row.prior, 0)}, posterior {row.shown} ({row.range})")
        if row.tags:
            facts.append("tags: " + ", ".join(inline(t) for t in row.tags))
        out += ["", f"### {inline(row.title)}", "", " · ".join(facts), "", inline(row.statement)]
        for paragraph in paragraphs(row.description):
            out += ["", paragraph]
        if row.indicators:
            out += ["", "Indicators:", ""] + [f"- {inline(i)}" for i in row.indicators]
    return out


def _legend() -> str:
    parts = [f"{r.symbol} {r.name} ({r.code})" for r in VOCABULARY.in_case]
    parts.append(f"{UNRATED_SYMBOL} {UNRATED_NAME}")
    # Commas, not the middle dots between facts elsewhere: the unrated symbol is one.
    return "Ratings: " + ", ".join(parts) + "."


def _matrix(ctx: ReportContext) -> list[str]:
    header = ["Evidence", "Credibility", "Relevance"] + [
        f"{cell(column.title)} {_code(column.id)}" for column in ctx.columns
    ]
    rows = [
        [f"{cell(e.summary)} {_code(e.id)}", e.credibility, e.relevance]
        + [c.symbol for c in e.cells]
        for e in ctx.evidence
    ]
    out = ["## Matrix", "", "Items most diagnostic first; one column per rated hypothesis.", ""]
    out += _table(header, "lll" + "c" * len(ctx.columns), rows)
    return out + ["", _legend()]


def _evidence(ctx: ReportContext, case: Case) -> list[str]:
    out = ["## Evidence", "", f"{len(ctx.evidence):,} items, most diagnostic first."]
    for e in ctx.evidence:
        facts = [
            _code(e.id),
            e.kind,
            f"credibility {e.credibility}",
            f"relevance {e.relevance}",
            f"diagnosticity {_num(e.diagnosticity)}",
        ]
        if e.linchpin:
            facts.append("linchpin")
        if e.dependent > 1:
            facts.append(f"one of {e.dependent} dependent items")
        if e.date:
            facts.append(inline(e.date))
        if e.originator:
            facts.append(f"originator: {inline(e.originator)}")
        if e.tags:
            facts.append("tags: " + ", ".join(inline(t) for t in e.tags))
        out += ["", f"### {inline(e.summary)}", "", " · ".join(facts)]
        if e.quote and e.source_id:
            source = case.source_by_id[e.source_id]
            where = f", paragraph {e.paragraph}" if e.paragraph else ""
            out += [
                "",
                f"> {inline(e.quote)}",
                "",
                f"— {_link(source.title, source.url)}{where} ({_code(source.id)})",
            ]
        out.append("")
        for column, c in zip(ctx.columns, e.cells, strict=True):
            why = f" — {inline(c.rationale)}" if c.rationale else ""
            code = f" ({c.rating})" if c.rating else ""
            out.append(f"- {c.symbol} {c.name}{code}: {inline(column.title)}{why}")
    return out


def _arguments(ctx: ReportContext, case: Case) -> list[str]:
    if not case.statements and not case.arguments:
        return []
    out = ["## Arguments"]
    if case.statements:
        out += ["", "### Statements", ""]
        for s in case.statements:
            line = f"- {_code(s.id)} {inline(s.text)}"
            if s.contrary:
                line += " — contrary to " + ", ".join(_code(o) for o in s.contrary)
            if s.contradicts:
                line += " — contradicts " + ", ".join(_code(o) for o in s.contradicts)
            out.append(line)
    if ctx.arguments:
        out += ["", "### Arguments"]
        for a in ctx.arguments:
            premises = ", ".join(f"{_code(p)} ({kind})" for p, kind in a.premises)
            out += [
                "",
                f"**{inline(a.claim)}** {_code(a.id)}",
                "",
                f"- {a.relation} {_code(a.target)} ({a.target_kind})",
            ]
            if premises:
                out.append(f"- premises: {premises}")
            if a.rationale:
                out.append(f"- rationale: {inline(a.rationale)}")
    return out


def _sources(case: Case) -> list[str]:
    if not case.sources:
        return []
    out = ["## Sources", ""]
    for s in case.sources:
        facts = [_code(s.id)]
        if s.author:
            facts.append(inline(s.author))
        if s.published:
            facts.append(inline(s.published))
        if s.reliability:
            facts.append(f"reliability {s.reliability} ({RELIABILITY_NAMES[s.reliability]})")
        out.append(f"- {_link(s.title, s.url)} — " + " · ".join(facts))
    return out


def render(assessment: Assessment, image: str | None = None) -> str:
    """The Markdown report; ``image`` is the file name of the evidence-map SVG to link."""
    from ..render.html import report_context

    case = assessment.case
    ctx = report_context(assessment, "", "")
    out = [f"# {inline(case.title)}", "", f"**Question:** {inline(case.question)}", ""]
    if image is not None:
        alt = "Evidence map: items consistent with a hypothesis on the left, inconsistent right"
        out += [f"![{alt}]({url_quote(image)})", ""]
    out += ["## Summary", ""] + _summary(ctx, case)
    if case.notes:
        out += ["", "### Analyst's notes", ""]
        for paragraph in paragraphs(case.notes):
            out += [paragraph, ""]
        out.pop()
    for section in (
        _hypotheses(ctx, case),
        _matrix(ctx),
        _evidence(ctx, case),
        _arguments(ctx, case),
        _sources(case),
    ):
        if section:
            out += [""] + section
    out += [
        "",
        "---",
        "",
        f"Written by argmap {__version__} from the case with digest {_code(case.digest[:16])}.",
    ]
    return "\n".join(out) + "\n"


def export(case: Case) -> str:
    """The Markdown report without the diagram."""
    from ..assess import assess

    return render(assess(case))


def image_path(target: Path) -> Path:
    """Where the evidence-map SVG goes beside ``target``: ``REPORT-evidence-map.svg``."""
    return target.with_name(f"{target.stem}-evidence-map.svg")


def export_files(case: Case, target: Path) -> dict[Path, bytes]:
    """The report at ``target`` and its evidence map beside it, image first.

    The image comes first so that a reader never finds the report linking a missing file.
    """
    from ..assess import assess
    from ..render.dot import evidence_map
    from ..render.engine import layout

    assessment = assess(case)
    svg = layout(
        evidence_map(case, assessment.scores, max_evidence=EVIDENCE_MAP_LIMIT),
        "svg",
        embed_font=True,
    )
    image = image_path(target)
    return {image: svg, target: render(assessment, image.name).encode("utf-8")}
