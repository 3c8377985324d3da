"""DOT source for the evidence map and the argument map.

Pure functions: a case (and its scores) in, DOT text out; no binary is needed.
User text reaches DOT only through :func:`_html_label` (HTML-escaped, inside an
HTML-like label) or :func:`_text` (Graphviz-escaped, quoted by the library).
Support and contradiction differ in colour *and* line style and arrowhead, so
the maps read in greyscale.
"""

from __future__ import annotations

import html
import itertools
import math
import textwrap
from collections import deque
from collections.abc import Iterable, Mapping

import graphviz
import numpy as np

from ..model import Argument, Case, Evidence, Hypothesis
from ..scoring import Scores
from ..vocabulary import VOCABULARY
from .fonts import FAMILY, text_width, wrap

__all__ = [
    "ARGUMENT_MAP_MAX_NODES",
    "EDGE_STYLES",
    "LABEL_SIZE",
    "LABEL_STYLES",
    "OBJECTION_MARKS",
    "argument_map",
    "argument_map_nodes",
    "continued_nodes",
    "drawn_evidence",
    "evidence_badges",
    "evidence_map",
    "focus_name",
    "focus_nodes",
    "leading_hypotheses",
    "separating_evidence",
]

FONT = FAMILY
INK = "#1f2933"
MUTED = "#52606d"

EDGE_STYLES: dict[str, dict[str, str]] = {
    "support": {"color": "#1a7f37", "style": "solid", "arrowhead": "normal"},
    "contradiction": {"color": "#b42318", "style": "dashed", "arrowhead": "tee"},
    "premise": {"color": "#7b8794", "style": "solid", "arrowhead": "empty", "arrowsize": "0.7"},
    "attack": {"color": "#b42318", "style": "dashed", "arrowhead": "tee"},
    "undercut": {"color": "#c2410c", "style": "dotted", "arrowhead": "tee", "penwidth": "2"},
    "contrary": {
        "color": "#6b21a8",
        "style": "dashed",
        "dir": "both",
        "arrowhead": "odiamond",
        "arrowtail": "odiamond",
    },
    "contradictory": {
        "color": "#b42318",
        "style": "bold",
        "dir": "both",
        "arrowhead": "tee",
        "arrowtail": "tee",
    },
}
"""Edge attributes per relation; the report's legend is drawn from the same table."""

KIND_FILL = {"fact": "#ffffff", "claim": "#fff8e1", "assumption": "#f1f3f5", "absence": "#f3e8ff"}
HYPOTHESIS_FILL = "#dbeafe"
ARGUMENT_FILL = "#fef3c7"
STATEMENT_FILL = "#ffffff"


LABEL_SIZE = 10.0
"""Point size of a node's text; its id line is SMALL_SIZE."""
SMALL_SIZE = 8.0
EM_PER_CHARACTER = 0.55
"""A label's ``width`` is given in characters of average text: this many ems each."""


def _wrap(text: str, width: float, max_lines: int, *, bold: bool = False) -> list[str]:
    """Lines of ``text`` no wider than ``width`` points in the diagrams' font, at most
    ``max_lines`` of them (the last then ends in '…')."""
    # No line holds more than a hundred characters: a longer text is cut before wrapping.
    lines = wrap(" ".join(text[: (max_lines + 1) * 100].split()), width, LABEL_SIZE, bold=bold)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and text_width(last + " …", LABEL_SIZE, bold=bold) > width:
            last = last.rsplit(" ", 1)[0] if " " in last else last[:-1]
        lines[-1] = last.rstrip(" .,;:") + " …"
    return lines


def _html_label(
    main: str, small: str | None = None, *, bold: bool = False, width: int = 28, max_lines: int = 5
) -> str:
    """An HTML-like label from user text, every piece escaped.

    ``main`` is wrapped to ``width`` characters of average text, measured in the diagrams'
    font (:mod:`argmap.render.fonts`); ``small`` (an id, a kind, a label) goes under it.
    Each line is a left-aligned row of a borderless table whose first cell is as wide as
    the widest line measures, so the node is wide enough for its text in any engine, and a
    line starts at the cell's edge rather than where the engine's own metrics centre it.
    """
    limit = width * EM_PER_CHARACTER * LABEL_SIZE
    lines = _wrap(main, limit, max_lines, bold=bold)
    widest = max(text_width(line, LABEL_SIZE, bold=bold) for line in lines)
    if small:
        widest = max(widest, text_width(small, SMALL_SIZE))
    rows = []
    for index, line in enumerate(lines):
        body = html.escape(line, quote=False) or " "
        if bold:
            body = f"<B>{body}</B>"
        cell_width = f' WIDTH="{math.ceil(widest)}"' if index == 0 else ""
        rows.append(f'<TR><TD ALIGN="LEFT"{cell_width}>{body}</TD></TR>')
    if small:
        rows.append(
            f'<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="{SMALL_SIZE:g}" COLOR="{MUTED}">'
            f"{html.escape(small, quote=False)}</FONT></TD></TR>"
        )
    table = '<TABLE BORDER="0" CELLBORDER="0" CELLPADDING="1" CELLSPACING="0">'
    return f"<{table}{''.join(rows)}</TABLE>>"


def _text(value: str) -> str:
    r"""A plain attribute value (tooltips): backslashes and '<…>' lose their DOT meaning.

    Graphviz reads a tooltip's escapes twice (as an escString, then again as it writes the
    SVG), so one backslash of the analyst's text takes four in DOT; fewer, and `\N` in a
    rationale would print the node's id, `\L` a line break.

    >>> _text("C:\\cases\\N1")
    'C:\\\\\\\\cases\\\\\\\\N1'
    """
    collapsed = " ".join(value.split())
    return graphviz.nohtml(collapsed.replace("\\", "\\" * 4))


def _graph(name: str, title: str) -> graphviz.Digraph:
    graph = graphviz.Digraph(name=name)
    graph.attr(
        id=name,
        rankdir="LR",
        newrank="true",
        nodesep="0.18",
        ranksep="1.1",
        splines="true",
        fontname=FONT,
        fontsize="11",
        bgcolor="white",
        pad="0.2",
        tooltip=_text(title),
    )
    graph.attr("node", fontname=FONT, fontsize="10", color=INK, fontcolor=INK, penwidth="1")
    graph.attr("edge", fontname=FONT, fontsize="9", arrowsize="0.8")
    return graph


def _hypothesis_node(graph: graphviz.Digraph, prefix: str, h: Hypothesis, *, leaf: bool) -> None:
    graph.node(
        h.id,
        _html_label(h.title, h.id, bold=True, width=24),
        shape="box",
        style="rounded,filled" + ("" if leaf else ",bold"),
        fillcolor=HYPOTHESIS_FILL,
        penwidth="1.4",
        margin="0.15,0.08",
        tooltip=_text(h.statement),
        href=f"#hyp-{h.id}",
        id=f"{prefix}-{h.id}",
    )


def _hypotheses(
    graph: graphviz.Digraph, prefix: str, case: Case, parent_nodes: frozenset[str] = frozenset()
) -> None:
    """Hypothesis nodes, each parent a cluster holding its children.

    Parents in ``parent_nodes`` (those an edge points at) also get a node of
    their own inside their cluster, since an edge cannot end on a cluster.
    """

    def place(target: graphviz.Digraph, hid: str) -> None:
        h = case.hypothesis_by_id[hid]
        kids = case.children[hid]
        if not kids:
            _hypothesis_node(target, prefix, h, leaf=True)
            return
        with target.subgraph(name=f"cluster_{hid}") as cluster:
            as_node = hid in parent_nodes
            cluster.attr(
                label=""
                if as_node
                else _html_label(h.title, f"{h.id} (group)", bold=True, width=40),
                style="rounded,dashed",
                color="#3b82f6",
                fontcolor=INK,
                tooltip=_text(h.statement),
                href=f"#hyp-{h.id}",
                id=f"{prefix}-cluster-{h.id}",
            )
            if as_node:
                _hypothesis_node(cluster, prefix, h, leaf=False)
            for kid in kids:
                place(cluster, kid)

    for h, depth in case.hypotheses_in_order:
        if depth == 0:
            place(graph, h.id)


def _evidence_node(graph: graphviz.Digraph, prefix: str, e: Evidence) -> None:
    style = "filled" + (",dashed" if e.credibility == "low" else "")
    small = e.id if e.kind == "fact" else f"{e.id} · {e.kind}"
    graph.node(
        e.id,
        _html_label(e.summary, small),
        shape="note",
        style=style,
        fillcolor=KIND_FILL[e.kind],
        margin="0.16,0.07",
        tooltip=_text(e.quote or e.summary),
        href=f"#row-{e.id}",
        id=f"{prefix}-{e.id}",
    )


def _edge_width(strong: bool, weight: float) -> str:
    return f"{(2.4 if strong else 1.1) * weight:.2f}"


def leading_hypotheses(scores: Scores) -> list[str]:
    """The leaves in the lead on weighted inconsistency: every one ranked first, and those
    ranked second when one stands alone at the top."""
    ranks = scores.rank
    cut = sorted(ranks)[1] if len(ranks) > 1 else 1
    return [scores.matrix.hypothesis_ids[j] for j in scores.order if ranks[j] <= cut]


def _drawn_rows(case: Case, scores: Scores, max_evidence: int | None) -> list[int]:
    return [
        i
        for i in scores.evidence_order
        if any(VOCABULARY[r].direction for r in case.evidence[i].ratings.values())
    ][:max_evidence]


def separating_evidence(
    case: Case, scores: Scores, max_evidence: int | None = None
) -> list[Evidence]:
    """Of the items :func:`drawn_evidence` draws, those whose ratings differ among the
    leading hypotheses (:func:`leading_hypotheses`; an NA separates nothing), most
    diagnostic first."""
    columns = [scores.hypothesis(hid) for hid in leading_hypotheses(scores)]
    kept = []
    for i in _drawn_rows(case, scores, max_evidence):
        values = scores.matrix.points[i, columns]
        values = values[~np.isnan(values)]
        if scores.diagnosticity[i] > 0 and len(values) > 1 and values.max() > values.min():
            kept.append(case.evidence[i])
    return kept


def drawn_evidence(
    case: Case, scores: Scores, max_evidence: int | None = None, *, compact: bool = False
) -> list[Evidence]:
    """Items the evidence map draws, most diagnostic first: those with a C, CC, I or II rating
    (the ``max_evidence`` most diagnostic of them).

    ``compact`` keeps only those that separate the leading hypotheses
    (:func:`separating_evidence`); if none does, those of any diagnosticity. Diagnosticity
    alone would keep nearly every drawn item, since C or I against one hypothesis and N
    against another is a spread; the items that separate the leaders are those the lead
    rests on.
    """
    if compact:
        return separating_evidence(case, scores, max_evidence) or [
            case.evidence[i]
            for i in _drawn_rows(case, scores, max_evidence)
            if scores.diagnosticity[i] > 0
        ]
    return [case.evidence[i] for i in _drawn_rows(case, scores, max_evidence)]


def evidence_map(
    case: Case, scores: Scores, max_evidence: int | None = None, *, compact: bool = False
) -> str:
    """Evidence items pointing at the hypotheses they bear on.

    C/CC draw a support edge, I/II a contradiction edge, heavier for CC/II and
    for weightier items; N and NA draw none, and items with no edge are left
    out. Items with any inconsistency stand right of the hypotheses, the others
    left, so the map reads as the case for and against; on each side the most
    diagnostic item is on top, the others below it in order. With ``max_evidence``,
    only the most diagnostic items are drawn; ``compact``, only those that separate
    the leading hypotheses (:func:`drawn_evidence`), with ids of its own (``emc-…``) so
    that both drawings can share a page.
    """
    prefix = "emc" if compact else "em"
    graph = _graph("evidence_map_compact" if compact else "evidence_map", case.title)
    _hypotheses(graph, prefix, case)
    # The hypotheses make the middle column, even one that only an item against points at
    # (Graphviz would otherwise rank it with the items for).
    with graph.subgraph() as middle:
        middle.attr(rank="same")
        for h in case.leaves:
            middle.node(h.id)
    items = drawn_evidence(case, scores, max_evidence, compact=compact)
    against = {e.id for e in items if any(VOCABULARY[r].direction < 0 for r in e.ratings.values())}
    for side in (
        [e for e in items if e.id not in against],
        [e for e in items if e.id in against],
    ):
        # One rank per side, its nodes chained top to bottom by invisible edges in order of
        # diagnosticity: Graphviz keeps a same-rank edge's tail before its head.
        if not side:
            continue
        with graph.subgraph() as column:
            column.attr(rank="same")
            for e in side:
                _evidence_node(column, prefix, e)
            for upper, lower in itertools.pairwise(side):
                column.edge(upper.id, lower.id, style="invis")
    weights = dict(zip(scores.matrix.evidence_ids, scores.matrix.weight.tolist(), strict=True))
    for e in items:
        for hid, rating in e.ratings.items():
            direction = VOCABULARY[rating].direction
            if not direction:
                continue
            style = dict(EDGE_STYLES["support" if direction > 0 else "contradiction"])
            why = e.rationale.get(hid)
            ends = (e.id, hid)
            if e.id in against:
                # Drawn from the hypothesis backwards, so the item is laid out on its right.
                ends = (hid, e.id)
                style.update(dir="back", arrowtail=style.pop("arrowhead"))
            graph.edge(
                *ends,
                id=f"{prefix}-{e.id}__{hid}",
                penwidth=_edge_width(VOCABULARY[rating].strong, weights[e.id]),
                tooltip=_text(f"{e.id} → {hid}: {rating}" + (f" — {why}" if why else "")),
                **style,
            )
    return graph.source


def _used_evidence(case: Case) -> list[Evidence]:
    used = {p for a in case.arguments for p in a.premises} | {a.target for a in case.arguments}
    return [e for e in case.evidence if e.id in used]


ARGUMENT_MAP_MAX_NODES = 150
"""The argument map draws at most this many statements, arguments and evidence items (the
hypotheses always): Graphviz's layout time grows much faster than the map, and a map of
hundreds of nodes is unreadable anyway. `argmap evaluate` lists every node."""

BOUNDED_LAYOUT_ABOVE = 110
"""Above this many nodes, Graphviz's ranking and crossing minimisation get a work budget
(:data:`BOUNDED_LAYOUT`): a chain of 200 arguments otherwise takes minutes to lay out."""
BOUNDED_LAYOUT = {"nslimit": "2", "nslimit1": "2", "mclimit": "0.3"}


def argument_map_nodes(case: Case, max_nodes: int | None = ARGUMENT_MAP_MAX_NODES) -> list[str]:
    """The statements, arguments and evidence items the argument map draws, closest to the
    hypotheses first: what bears on a hypothesis, then what bears on that, and so on (nodes
    linked to no hypothesis last, in file order). At most ``max_nodes`` of them."""
    bearing: dict[str, list[str]] = {}
    for a in case.arguments:
        bearing.setdefault(a.target, []).append(a.id)
    premises = {a.id: a.premises for a in case.arguments}
    candidates = [s.id for s in case.statements]
    candidates += [a.id for a in case.arguments] + [e.id for e in _used_evidence(case)]
    drawable = set(candidates)
    order: dict[str, None] = {}
    queue = deque(h.id for h in case.hypotheses)
    seen = set(queue)
    while queue:
        node = queue.popleft()
        if node in drawable:
            order[node] = None
        for nearer in (*bearing.get(node, ()), *premises.get(node, ())):
            if nearer not in seen:
                seen.add(nearer)
                queue.append(nearer)
    order.update(dict.fromkeys(candidates))  # unlinked nodes last, in file order
    chosen = list(order)
    return chosen if max_nodes is None else chosen[:max_nodes]


def focus_nodes(case: Case, focus: str, depth: int | None = None) -> list[str]:
    """What bears on ``focus`` (a hypothesis or statement), nearest first: the arguments for
    it, against it and undercutting them, with their premises, then what bears on those, to
    ``depth`` layers of arguments (None: all the way). The focus itself comes first.

    An argument's premises stand in its layer; what supports, attacks or undercuts a node
    stands one layer further out.
    """
    bearing: dict[str, list[str]] = {}
    for a in case.arguments:
        bearing.setdefault(a.target, []).append(a.id)
    premises = {a.id: a.premises for a in case.arguments}
    layer = {focus: 0}
    queue = deque([focus])
    while queue:
        node = queue.popleft()
        for premise in premises.get(node, ()):
            if premise not in layer:
                layer[premise] = layer[node]
                queue.appendleft(premise)  # same layer: before the next layer's nodes
        for argument in bearing.get(node, ()):
            if argument not in layer and (depth is None or layer[node] < depth):
                layer[argument] = layer[node] + 1
                queue.append(argument)
    return list(layer)


def continued_nodes(case: Case, focus: str, depth: int | None) -> dict[str, int]:
    """The nodes a map focused on ``focus`` to ``depth`` layers draws while leaving out
    arguments that bear on them: node id → how many, nearest nodes first. Each can be the
    focus of a map of its own, which goes on where this one stops. Empty when ``depth`` is
    None (everything is drawn)."""
    if depth is None:
        return {}
    order = {node: index for index, node in enumerate(focus_nodes(case, focus, depth))}
    left_out: dict[str, int] = {}
    for a in case.arguments:
        if a.target in order and a.id not in order:
            left_out[a.target] = left_out.get(a.target, 0) + 1
    return dict(sorted(left_out.items(), key=lambda entry: order[entry[0]]))


def focus_name(case: Case, node: str) -> str:
    """What a node of the argument map says: a hypothesis's title, a statement's text, an
    argument's claim or an item's summary."""
    if node in case.hypothesis_by_id:
        return case.hypothesis_by_id[node].title
    for s in case.statements:
        if s.id == node:
            return s.text
    for a in case.arguments:
        if a.id == node:
            return a.claim
    return case.evidence_by_id[node].summary


LABEL_STYLES: dict[str, dict[str, str]] = {
    "in": {"fillcolor": "#d3f9d8", "color": "#1a7f37", "penwidth": "2.4", "line": "solid"},
    "out": {
        "fillcolor": "#dee2e6",
        "color": "#495057",
        "fontcolor": MUTED,
        "penwidth": "1.2",
        "line": "dashed",
    },
    "undecided": {"fillcolor": "#fff3bf", "color": "#9a6700", "penwidth": "1.8", "line": "dotted"},
}
"""Node attributes per evaluation label: fill, and a border that reads in greyscale (thick
solid in, dashed out, dotted undecided); the label's word is also printed in the node."""


def _label_attrs(style: str, label: str) -> dict[str, str]:
    """Attributes restyling a node of ``style`` for an evaluation ``label``."""
    attrs = dict(LABEL_STYLES[label])
    line = attrs.pop("line")
    kept = [part for part in style.split(",") if part not in ("dashed", "dotted", "solid", "bold")]
    attrs["style"] = ",".join([*kept, *([line] if line != "solid" else [])])
    return attrs


OBJECTION_MARKS = {"attacks": "against", "undercuts": "undercuts"}
"""What an objection's node says under its claim (it also has a double border)."""
BADGE_SUFFIX = "_evidence"
"""An evidence badge's node is its argument's id with this suffix (ids have no '_')."""


def evidence_badges(
    case: Case, arguments: Iterable[Argument], drawn: Iterable[str]
) -> dict[str, list[str]]:
    """Argument id → the evidence premises a collapsed map counts in its badge instead of
    drawing: the drawn items that no drawn argument targets, in the argument's order."""
    arguments = list(arguments)
    targets = {a.target for a in arguments}
    evidence = {e.id for e in case.evidence} & set(drawn)
    badges = {}
    for a in arguments:
        items = [p for p in a.premises if p in evidence and p not in targets]
        if items:
            badges[a.id] = items
    return badges


def argument_map(
    case: Case,
    labels: Mapping[str, str] | None = None,
    reasons: Mapping[str, str] | None = None,
    max_nodes: int | None = ARGUMENT_MAP_MAX_NODES,
    focus: str | None = None,
    depth: int | None = None,
    *,
    prefix: str = "am",
    collapse_evidence: bool = False,
    link_continued: bool = False,
) -> str:
    """Statements, arguments, evidence and hypotheses with the five relation kinds.

    With ``labels`` (node id → in, out or undecided, as :func:`argmap.evaluate.evaluate`
    gives), each node is filled and bordered by its label and names it; ``reasons``
    (node id → text) become the nodes' tooltips. A map of more than ``max_nodes``
    statements, arguments and items draws those closest to the hypotheses
    (:func:`argument_map_nodes`) and says in its own caption how many it left out.

    With ``focus`` (a hypothesis or statement id), only what bears on it is drawn
    (:func:`focus_nodes`, to ``depth`` layers of arguments): a hypothesis nothing argues
    about stands alone.

    The map reads bottom up: premises below the argument they serve, arguments below
    what they bear on, hypotheses on top. An argument that attacks or undercuts is an
    objection: it has a double border and says ``against`` or ``undercuts`` under its
    claim. SVG ids start with ``prefix``, so several maps can share a page. With
    ``collapse_evidence``, evidence items that are only premises are not drawn: each
    argument resting on some gets one badge node saying how many (:func:`evidence_badges`).
    """
    if focus is None:
        candidates = argument_map_nodes(case, None)
        hypotheses = set(case.hypothesis_by_id)
    else:
        near = focus_nodes(case, focus, depth)
        hypotheses = {node for node in near if node in case.hypothesis_by_id}
        candidates = [node for node in near if node not in case.hypothesis_by_id and node != focus]
        if focus not in case.hypothesis_by_id:
            candidates.insert(0, focus)
    total = len(candidates)
    drawn = set(candidates if max_nodes is None else candidates[:max_nodes])
    statements = [s for s in case.statements if s.id in drawn]
    arguments = [a for a in case.arguments if a.id in drawn]
    shown = drawn | hypotheses

    def small(node: str, text: str) -> str:
        text = f"{text} · {labels[node]}" if labels and node in labels else text
        return f"{text} · ▸ {continued[node]} more" if node in continued else text

    def link(node: str, anchor: str) -> str:
        return f"#map-{node}" if node in continued else anchor

    def restyle(node: str, style: str) -> dict[str, str]:
        if not labels or node not in labels:
            return {}
        attrs = _label_attrs(style, labels[node])
        if reasons and node in reasons:
            attrs["tooltip"] = _text(reasons[node])
        return attrs

    graph = _graph("argument_map" if prefix == "am" else f"argument_map_{prefix}", case.title)
    # Claim on top, reasons below (the layout of Rationale and Argdown maps): edges point up.
    graph.attr(rankdir="BT", ranksep="0.45", nodesep="0.25")
    if len(drawn) + len(case.hypotheses) > BOUNDED_LAYOUT_ABOVE:
        graph.attr(**BOUNDED_LAYOUT)
    caption = []
    if focus is not None:
        reach = "all the way" if depth is None else f"{depth} layer{'s' if depth != 1 else ''} deep"
        name = focus_name(case, focus)
        caption.append(f"What bears on ‘{textwrap.shorten(name, 80, placeholder=' …')}’, {reach}.")
    continued = continued_nodes(case, focus, depth) if link_continued and focus else {}
    if continued:
        caption.append("A node marked ▸ goes on in its own map.")
    if len(drawn) < total:
        caption.append(
            f"Showing {len(drawn)} of {total} statements, arguments and evidence items: "
            f"those closest to {'it' if focus else 'the hypotheses'}. "
            "`argmap evaluate` lists them all."
        )
    if caption:
        graph.attr(label=_text(" ".join(caption)), labelloc="t", labeljust="l")
    targeted = frozenset(a.target for a in arguments if case.children.get(a.target))
    if focus is None:
        _hypotheses(graph, prefix, case, targeted)
        with graph.subgraph() as top:  # every hypothesis on the top row, argued about or not
            top.attr(rank="max")
            for h in case.hypotheses:
                if not case.children[h.id] or h.id in targeted:
                    top.node(h.id)
    elif focus in hypotheses:  # the focus alone: no clusters of the other hypotheses
        h = case.hypothesis_by_id[focus]
        _hypothesis_node(graph, prefix, h, leaf=not case.children[focus])
    for s in statements:
        attrs = {"style": "filled", "fillcolor": STATEMENT_FILL, "tooltip": _text(s.text)}
        attrs.update(restyle(s.id, "filled"))
        graph.node(
            s.id,
            _html_label(s.text, small(s.id, s.id)),
            shape="box",
            href=link(s.id, f"#st-{s.id}"),
            id=f"{prefix}-{s.id}",
            **attrs,
        )
    for a in arguments:
        attrs = {
            "style": "rounded,filled",
            "fillcolor": ARGUMENT_FILL,
            "tooltip": _text(a.rationale or a.claim),
        }
        attrs.update(restyle(a.id, "rounded,filled"))
        objection = OBJECTION_MARKS.get(a.relation)
        if objection:
            attrs["peripheries"] = "2"
        graph.node(
            a.id,
            _html_label(a.claim, small(a.id, f"{a.id} · {objection}" if objection else a.id)),
            shape="box",
            href=link(a.id, f"#arg-{a.id}"),
            id=f"{prefix}-{a.id}",
            **attrs,
        )
    used = [e for e in _used_evidence(case) if e.id in drawn]
    badges = evidence_badges(case, arguments, drawn) if collapse_evidence else {}
    collapsed = {item for items in badges.values() for item in items}
    used = [e for e in used if e.id not in collapsed]
    shown -= collapsed
    for e in used:
        _evidence_node(graph, prefix, e)
    for argument, items in badges.items():
        count = f"▣ {len(items)} evidence item{'s' if len(items) != 1 else ''}"
        graph.node(
            f"{argument}{BADGE_SUFFIX}",
            _html_label(count),
            shape="note",
            style="filled",
            fillcolor=KIND_FILL["fact"],
            margin="0.1,0.04",
            tooltip=_text("; ".join(f"{i}: {case.evidence_by_id[i].summary}" for i in items)),
            href=f"#arg-{argument}",
            id=f"{prefix}-{argument}{BADGE_SUFFIX}",
        )
        graph.edge(
            f"{argument}{BADGE_SUFFIX}",
            argument,
            id=f"{prefix}-premise-{argument}{BADGE_SUFFIX}__{argument}",
            tooltip=_text(f"{count} are premises of {argument}"),
            **EDGE_STYLES["premise"],
        )
    if labels:
        # Hypotheses and evidence are drawn by helpers the evidence map shares; restating a
        # node merges its attributes, so they are restyled here (clusters are unchanged).
        for h, _ in case.hypotheses_in_order:
            leaf = not case.children[h.id]
            if h.id in labels and h.id in hypotheses and (leaf or h.id in targeted or focus):
                graph.node(
                    h.id,
                    _html_label(h.title, small(h.id, h.id), bold=True, width=24),
                    **restyle(h.id, "rounded,filled" + ("" if leaf else ",bold")),
                )
        for e in used:
            if e.id in labels:
                kind = e.id if e.kind == "fact" else f"{e.id} · {e.kind}"
                graph.node(
                    e.id, _html_label(e.summary, small(e.id, kind)), **restyle(e.id, "filled")
                )
    for a in arguments:
        for premise in (p for p in a.premises if p in shown):
            graph.edge(
                premise,
                a.id,
                id=f"{prefix}-premise-{premise}__{a.id}",
                tooltip=_text(f"{premise} is a premise of {a.id}"),
                **EDGE_STYLES["premise"],
            )
        if a.target not in shown:
            continue
        relation = {"supports": "support", "attacks": "attack", "undercuts": "undercut"}[a.relation]
        graph.edge(
            a.id,
            a.target,
            id=f"{prefix}-{a.relation}-{a.id}__{a.target}",
            tooltip=_text(f"{a.id} {a.relation} {a.target}"),
            **EDGE_STYLES[relation],
        )
    for kind, key in (("contrary", "contrary"), ("contradictory", "contradicts")):
        for left, right in _pairs(
            (s.id, other) for s in statements for other in getattr(s, key) if other in drawn
        ):
            graph.edge(
                left,
                right,
                id=f"{prefix}-{kind}-{left}__{right}",
                tooltip=_text(f"{left} and {right} are {kind}"),
                constraint="false",
                **EDGE_STYLES[kind],
            )
    return graph.source


def _pairs(pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Symmetric relations once per unordered pair, in first-mention order."""
    seen: dict[frozenset[str], tuple[str, str]] = {}
    for left, right in pairs:
        seen.setdefault(frozenset((left, right)), (left, right))
    return list(seen.values())
