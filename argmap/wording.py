"""The words argmap puts to a case's numbers.

Estimative language that follows the 5–95% interval rather than the point and is
no finer than the confidence allows; the headline, which names the most specific
level of the hypothesis tree the evidence can tell apart; and, where PARC's rank
and the posterior order two hypotheses differently, the reason in words, taken
from the weighing itself. See docs/weighing.md ("Estimative language").
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .scoring import Scores, significant
from .vocabulary import VOCABULARY, or_list
from .weighing import CODE, ESTIMATIVE_TERMS, LEVEL, NEUTRAL, TIE, Weighing, estimative_term

__all__ = [
    "LEAD_SHARE",
    "MAX_NAMED",
    "NOTES_PER_ROW",
    "NUMBER_WORDS",
    "OrderDisagreement",
    "Headline",
    "Node",
    "band",
    "disagreements",
    "estimative_words",
    "figure",
    "headline",
    "notes_by_row",
    "on_top",
    "percent",
    "percent_range",
    "share",
    "whose_lead",
]

NOTES_PER_ROW = 3
"""A ranking row shows at most this many disagreement notes; the JSON lists every pair."""
MAX_NAMED = 3
"""The headline's reason names at most this many rivals, then says how many more."""
LEAD_SHARE = 0.75
"""A hypothesis stands apart from its siblings when it is on top in at least this share
of the Monte Carlo re-ratings (or its interval clears theirs)."""

NUMBER_WORDS = {
    1: "one",
    2: "two",
    3: "three",
    4: "four",
    5: "five",
    6: "six",
    7: "seven",
    8: "eight",
    9: "nine",
    10: "ten",
    11: "eleven",
    12: "twelve",
}
"""Small counts in words, for sentences."""

_TERMS = tuple(term for _, term in ESTIMATIVE_TERMS)
_TIE = 1e-9
"""Log posteriors closer than this (relative) are level: no order to explain."""


def band(probability: float) -> int:
    """The ICD 203 band of a probability, 0 (almost no chance) … 6 (almost certain).

    >>> band(0.03), band(0.5), band(0.99)
    (0, 3, 6)
    """
    return _TERMS.index(estimative_term(probability))


def estimative_words(low: float, high: float, confidence: str) -> str:
    """ICD 203 words for a 5–95% interval: one term when it lies in one band, else the
    span ("unlikely to likely"). With low confidence the extreme terms are not used:
    the evidence cannot carry "almost no chance" or "almost certain".

    >>> estimative_words(0.21, 0.74, "moderate")
    'unlikely to likely'
    >>> estimative_words(0.002, 0.036, "moderate"), estimative_words(0.002, 0.036, "low")
    ('almost no chance', 'very unlikely')
    """
    first, last = band(low), band(high)
    if confidence == "low":
        first, last = (min(max(b, 1), len(_TERMS) - 2) for b in (first, last))
    return _TERMS[first] if first == last else f"{_TERMS[first]} to {_TERMS[last]}"


def _step(confidence: str) -> int:
    """Percentage points a figure is rounded to: 5 with low confidence, else 1."""
    return 5 if confidence == "low" else 1


def figure(value: float, digits: int = 3) -> str:
    """A score for people: ``digits`` significant digits, but every digit of its whole part
    (a count of 4,093 is not 4,090), a real minus sign, no '-0' and no exponent (thousands
    in groups of three).

    >>> figure(2.828), figure(-404.9), figure(-4093.0), figure(-4049.6), figure(12345.0)
    ('2.83', '−405', '−4,093', '−4,050', '12,345')
    >>> figure(0.000123), figure(0.0000123), figure(-0.0), figure(999.6)
    ('0.000123', '0.0000123', '0', '1,000')
    """
    if abs(value) >= 10**digits:  # a whole number as it is, to the unit
        return f"{round(float(value)):,}".replace("-", "−")
    value = significant(float(value), 6)
    if abs(value) < 1e-9:
        return "0"
    text = f"{value:.{digits}g}"
    if "e" in text:  # rounded up to 10**digits, or too small for a plain %g: written out
        rounded = float(text)
        text = (
            f"{round(rounded):,}"
            if abs(rounded) >= 1
            else f"{rounded:.{digits - 1 - math.floor(math.log10(abs(rounded)))}f}"
        )
    return text.replace("-", "−")


def percent(probability: float, confidence: str) -> str:
    """A probability as people read it: whole percent, or multiples of 5 with low
    confidence; never 0% or 100%, which would claim certainty.

    >>> percent(0.513, "moderate"), percent(0.513, "low"), percent(0.011, "low")
    ('51%', '50%', 'under 5%')
    >>> percent(0.004, "high"), percent(0.9996, "high")
    ('under 1%', 'over 99%')
    """
    step = _step(confidence)
    value = math.floor(100 * probability / step + 0.5) * step
    if value < step:
        return f"under {step}%"
    if value > 100 - step:
        return f"over {100 - step}%"
    return f"{value}%"


def share(probability: float, confidence: str) -> str:
    """How often something happens in the re-ratings (P(top)), rounded down to whole percent
    (5 points with low confidence), so that it never reads as reaching a threshold such as
    three in four that it misses.

    >>> share(0.7395, "low"), share(0.7395, "high"), share(0.0025, "low"), share(1.0, "low")
    ('70%', '73%', 'under 5%', 'over 95%')
    """
    step = _step(confidence)
    value = math.floor(100 * probability / step + 1e-9) * step
    if value < step:
        return f"under {step}%"
    if value >= 100:
        return f"over {100 - step}%"
    return f"{value}%"


def percent_range(low: float, high: float, confidence: str) -> str:
    """An interval rounded outwards to whole percent (5 points with low confidence), so
    the printed range always holds the computed one.

    >>> percent_range(0.2107, 0.7434, "moderate"), percent_range(0.2107, 0.7434, "low")
    ('21–75%', '20–75%')
    >>> percent_range(0.0, 1e-12, "low"), percent_range(1.0, 1.0, "high")
    ('under 5%', 'over 99%')
    """
    step = _step(confidence)
    first = math.floor(100 * low / step + 1e-9) * step
    last = min(100, math.ceil(100 * high / step - 1e-9) * step)
    if last == 0:  # never a bare 0% or 100%, which would claim certainty
        return f"under {step}%"
    if first == 100:
        return f"over {100 - step}%"
    if first == last:
        return f"{first}%"
    return f"{first}–{last}%"


# --- the headline ------------------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    """A hypothesis, leaf or group, with what the weighing says about it."""

    id: str
    title: str
    posterior: float
    low: float
    """5th percentile over the Monte Carlo re-ratings."""
    high: float
    p_top: float
    """Share of re-ratings in which it is (or, for a group, holds) the top."""
    children: tuple[str, ...] = ()


@dataclass(frozen=True)
class Headline:
    """The most specific hypothesis the evidence supports."""

    node: Node
    words: str
    """Its 5–95% interval in ICD 203 words."""
    range: str
    """The interval as rounded percentages ("55–95%")."""
    leader: Node | None
    """For a group: its child on top (highest posterior, then P(top)), which it cannot
    separate."""
    rivals: tuple[Node, ...]
    """What the headline could not be separated from: the leader's siblings inside a
    group, or, when nothing stands apart at the top level, the leaves the leading leaf does
    not clear (a group is never a rival of a leaf)."""
    why: str
    """Why this level, in one sentence."""
    shared: tuple[Node, ...] = ()
    """Leaves level with the leading one (its equal posterior): with ``node`` (or, for a
    group, ``leader``) they share the top, the one more often on top in the re-ratings first."""
    shared_words: tuple[tuple[str, str], ...] = ()
    """Per leaf of ``shared``, its ``words`` and ``range``."""
    together: str = ""
    """When nothing stands apart: what the groups that hold more than the leading leaf hold
    taken together, in a sentence of its own (a group is not ranked among its leaves)."""

    @property
    def is_group(self) -> bool:
        return bool(self.node.children)

    @property
    def separable(self) -> bool:
        """False when even the top level cannot be told apart."""
        return not ((self.rivals or self.shared) and self.leader is None)

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.node.id,
            "title": self.node.title,
            "level": "group" if self.is_group else "hypothesis",
            "words": self.words,
            "range": self.range,
            "posterior": self.node.posterior,
            "interval": [self.node.low, self.node.high],
            "p_top": self.node.p_top,
            "separable": self.separable,
            "leader": self.leader.id if self.leader else None,
            "shared": [
                {"id": n.id, "title": n.title, "words": words, "range": span}
                for n, (words, span) in zip(self.shared, self.shared_words, strict=True)
            ],
            "rivals": [r.id for r in self.rivals],
            "why": self.why,
            "together": self.together,
        }


def _separable(lead: Node, other: Node) -> bool:
    """A leaf stands apart from ``other`` when its interval clears it or it is on top in
    ``LEAD_SHARE`` of the re-ratings; a group only by the latter (it holds the top leaf): its
    summed posterior is not weighed against a leaf's as if it were one hypothesis."""
    if lead.children:
        return lead.p_top >= LEAD_SHARE
    return lead.low > other.high or lead.p_top >= LEAD_SHARE


def _level(a: Node, b: Node) -> bool:
    """Equal posteriors, as the weighing's top is level (a relative 1e-9 on the log)."""
    if a.posterior <= 0 or b.posterior <= 0:
        return a.posterior == b.posterior
    la, lb = math.log(a.posterior), math.log(b.posterior)
    return abs(la - lb) <= TIE * max(1.0, abs(la), abs(lb))


def _ranked(nodes: Sequence[Node]) -> list[Node]:
    """Highest posterior first; among level ones, the one more often on top in the
    re-ratings, then the given order."""
    place = {n.id: k for k, n in enumerate(nodes)}
    ordered = sorted(nodes, key=lambda n: -n.posterior)
    out: list[Node] = []
    while ordered:
        first = ordered[0]
        level = [n for n in ordered if _level(n, first)]
        out += sorted(level, key=lambda n: (-n.p_top, place[n.id]))
        ordered = [n for n in ordered if n not in level]
    return out


def on_top(p: float, confidence: str, enough: float = LEAD_SHARE, of: str = "re-ratings") -> str:
    """How often a hypothesis is on top, for a sentence: the figure itself (rounded down, 5
    points with low confidence, then "about"), with "only" below ``enough``.

    >>> on_top(0.071, "low"), on_top(0.8, "low")
    ('in only about 5% of re-ratings', 'in about 80% of re-ratings')
    >>> on_top(0.004, "low"), on_top(0.47, "high")
    ('in under 5% of re-ratings', 'in only 47% of re-ratings')
    """
    shown = share(p, confidence)
    if shown.startswith(("under", "over")):
        return f"in {shown} of {of}"
    about = "about " if confidence == "low" else ""
    return f"in {'only ' if p < enough else ''}{about}{shown} of {of}"


def whose_lead(titles: Sequence[str]) -> str:
    """Whose lead a sentence speaks of: one leader's, or the top its level leaders share.

    >>> whose_lead(["Arson"]), whose_lead(["Arson", "Fraud"])
    ('the lead of Arson', 'the shared top of Arson and Fraud')
    """
    if not titles:  # nothing to weigh
        return "the lead"
    if len(titles) == 1:
        return f"the lead of {titles[0]}"
    return f"the shared top of {or_list(titles, 'and')}"


def _named(nodes: Sequence[Node], conf: str) -> str:
    named = [f"{n.title} ({percent_range(n.low, n.high, conf)})" for n in nodes[:MAX_NAMED]]
    if len(nodes) > MAX_NAMED:
        others = len(nodes) - MAX_NAMED
        named.append(f"{others:,} other{'s' if others != 1 else ''}")
    return or_list(named, "and")


def headline(nodes: Mapping[str, Node], roots: Sequence[str], confidence: str) -> Headline | None:
    """Descend from the top level: at each level take the hypothesis with the highest
    posterior; go into it only while it stands apart from every sibling (it is on top in at
    least ``LEAD_SHARE`` of the re-ratings or, for a leaf, its interval clears theirs; a group
    holds the top in that share). When nothing at the top level stands apart, the headline is
    the leaf ranking, and a group that holds more than its leader is stated apart.

    >>> n = {"g": Node("g", "G", .8, .6, .9, .98, ("a", "b")), "a": Node("a", "A", .5, .2, .7, .6),
    ...      "b": Node("b", "B", .3, .1, .5, .38), "c": Node("c", "C", .2, .1, .4, .02)}
    >>> headline(n, ["g", "c"], "moderate").node.id
    'g'
    """
    level = [nodes[r] for r in roots]
    chosen: Node | None = None
    while level:
        lead, *others = _ranked(level)
        shared = tuple(n for n in others if _level(n, lead))
        rivals = tuple(n for n in others if n not in shared and not _separable(lead, n))
        if shared or rivals:
            if chosen is None:
                return _leaf_headline(nodes, roots, confidence)
            return _headline(chosen, lead, shared, rivals, confidence)
        chosen = lead
        level = [nodes[c] for c in lead.children]
    return _headline(chosen, None, (), (), confidence) if chosen else None


def _leaf_headline(nodes: Mapping[str, Node], roots: Sequence[str], conf: str) -> Headline:
    """Nothing at the top level stands apart: the leaves ranked among themselves, and each
    top-level group that holds more than the leading leaf in a sentence of its own."""
    lead, *others = _ranked([n for n in nodes.values() if not n.children])
    shared = tuple(n for n in others if _level(n, lead))
    rivals = tuple(n for n in others if n not in shared and not _separable(lead, n))
    if not shared and not rivals:
        return _headline(lead, None, (), (), conf)
    together = []
    for g in _ranked([nodes[r] for r in roots if nodes[r].children]):
        if g.posterior > lead.posterior and not _level(g, lead):
            count = len(g.children)
            together.append(
                f"Taken together, the {NUMBER_WORDS.get(count, str(count))} {g.title} "
                f"hypotheses hold {percent(g.posterior, conf)} "
                f"({percent_range(g.low, g.high, conf)}); one of them is on top "
                f"{on_top(g.p_top, conf)}."
            )
    head = _headline(lead, None, shared, rivals, conf)
    return Headline(
        lead,
        head.words,
        head.range,
        None,
        rivals,
        head.why,
        shared,
        head.shared_words,
        " ".join(together),
    )


def _headline(
    node: Node, leader: Node | None, shared: tuple[Node, ...], rivals: tuple[Node, ...], conf: str
) -> Headline:
    words = estimative_words(node.low, node.high, conf)
    span = percent_range(node.low, node.high, conf)
    if not rivals and not shared:
        if node.p_top >= LEAD_SHARE:
            why = f"{node.title} stands apart: it is on top {on_top(node.p_top, conf)}."
        else:
            why = f"{node.title} stands apart: its 5–95% interval clears the alternatives'."
        return Headline(node, words, span, None, (), why)
    who = leader or node
    within = "Within it, " if leader else ""
    if not shared:
        why = (
            f"{within}{who.title} ({percent_range(who.low, who.high, conf)}) leads "
            f"{_named(rivals, conf)} but cannot be told apart from "
            f"{'it' if len(rivals) == 1 else 'them'}: the 5–95% intervals overlap, and "
            f"{who.title} is on top {on_top(who.p_top, conf)}."
        )
        return Headline(node, words, span, leader, rivals, why)
    top = (who, *shared)
    names = or_list([f"{n.title} ({percent_range(n.low, n.high, conf)})" for n in top], "and")
    each = f"level at {percent(who.posterior, conf)}{' each' if len(top) > 1 else ''}"
    apart = (
        f", and cannot be told apart from {_named(rivals, conf)} either: the 5–95% intervals "
        "overlap; "
        if rivals
        else ": "
    )
    how_often = [f"{who.title} is on top {on_top(who.p_top, conf)}"] + [
        f"{n.title} {on_top(n.p_top, conf).removesuffix(' of re-ratings')}" for n in shared
    ]
    why = f"{within}{names} share the top, {each}{apart}" + ", ".join(how_often) + "."
    shared_words = tuple(
        (estimative_words(n.low, n.high, conf), percent_range(n.low, n.high, conf)) for n in shared
    )
    return Headline(node, words, span, leader, rivals, why, shared, shared_words)


# --- where PARC and the posterior disagree -----------------------------------------------


@dataclass(frozen=True)
class OrderDisagreement:
    """A pair that PARC ranks one way and the posterior the other."""

    parc_first: str
    """The hypothesis with the better PARC rank."""
    posterior_first: str
    """The hypothesis with the higher posterior."""
    reasons: tuple[str, ...]
    """Codes of what tips the weighing, largest first: consistent, prior, dependence,
    reliability, weighting, scale."""
    contributions: dict[str, float]
    """Every term of the log-posterior difference (posterior_first − parc_first); they sum
    to it. ``parc`` is the inconsistency as PARC weighs it."""
    because: tuple[str, ...]
    """The reasons in words."""
    sentence: str

    def as_json(self) -> dict[str, object]:
        return {
            "parc_first": self.parc_first,
            "posterior_first": self.posterior_first,
            "reasons": list(self.reasons),
            "because": list(self.because),
            "sentence": self.sentence,
        }


def _terms(weighing: Weighing, scores: Scores) -> dict[str, np.ndarray]:
    """Per leaf, the log posterior split into additive terms (up to a constant shared by
    every leaf): the prior, the consistent evidence, and the inconsistent evidence as PARC
    weighs it plus what the weighing does differently — the dependence discount, source
    reliability, the tempering by credibility and relevance, and the likelihood scale."""
    data = weighing.data
    table = data.table
    cred, rel = data.credibility[:, None], data.relevance[:, None]
    codes = data.codes.astype(np.intp)
    neutral_row = table[NEUTRAL, cred, rel]
    actual = data.log_likelihood - neutral_row  # includes whatever else tempers the cell
    tempered = table[codes, cred, rel] - neutral_row
    medium = LEVEL["medium"]
    scale = table[:, medium, medium] - table[NEUTRAL, medium, medium]
    unit = scale[CODE[VOCABULARY.inconsistent[0].code]]
    at_medium = scale[codes]
    points = np.where(data.fixed, 0, codes - NEUTRAL)
    parc_weight = scores.matrix.weight[:, None]
    discount = data.discount[:, None]
    against = (points < 0) & ~data.fixed
    consistent = (points > 0) & ~data.fixed
    pts = -points
    zero = np.zeros_like(actual)

    def total(cells: np.ndarray, mask: np.ndarray) -> np.ndarray:
        return np.where(mask, cells, zero).sum(axis=0)

    return {
        "prior": np.log(data.prior),
        "consistent": total(discount * actual, consistent),
        "parc": total(unit * pts * parc_weight, against),
        "dependence": total((discount - 1) * actual, against),
        "reliability": total(actual - tempered, against),
        "weighting": total(tempered - at_medium * parc_weight, against),
        "scale": total((at_medium - unit * pts) * parc_weight, against),
    }


def _reason(
    code: str, b: str, a: str, terms: Mapping[str, np.ndarray], jb: int, ja: int, prior: str = ""
) -> str:
    strong = VOCABULARY.inconsistent[-1].name
    if code == "consistent":
        return f"{b} has more consistent evidence, which PARC does not count"
    if code == "prior":
        return f"{b} starts from a higher prior{prior}, which PARC does not use"
    if code == "dependence":
        return (
            f"more of the evidence against {b} comes from items sharing an originator or "
            "group, which the weighing counts together as one and PARC counts one by one"
        )
    if code == "reliability":
        return (
            f"more of the evidence against {b} comes from sources or originators whose "
            "reliability is doubtful or cannot be judged, which the weighing tempers and "
            "PARC does not"
        )
    if code == "weighting":
        if terms["weighting"][jb] >= -terms["weighting"][ja]:
            return (
                f"the evidence against {b} is of lower credibility or relevance, which the "
                "weighing discounts more than PARC does"
            )
        return (
            f"the evidence against {a} is of high credibility and relevance, which the "
            "weighing counts more heavily than PARC does"
        )
    if -terms["scale"][ja] >= terms["scale"][jb]:
        return (
            f"the evidence against {a} includes items rated {strong}, which the weighing "
            "counts as more than two inconsistent ones (PARC: exactly two)"
        )
    return (
        f"the evidence against {b} includes items rated {strong}, which the weighing "
        "counts as less than two inconsistent ones (PARC: exactly two)"
    )


def disagreements(
    weighing: Weighing, scores: Scores, titles: Mapping[str, str], confidence: str = "high"
) -> list[OrderDisagreement]:
    """Every pair of leaves with different PARC ranks whose posteriors run the other way,
    with what tips the weighing: the terms of the log-posterior difference that favour
    the hypothesis PARC ranks lower, largest first, as many as it takes to outweigh the
    rest. Ordered by PARC rank of the hypothesis PARC prefers, then of the other."""
    ids = weighing.data.leaf_ids
    log_post = weighing.log_posterior()
    terms = _terms(weighing, scores)
    rank = scores.rank
    found = []
    order = sorted(range(len(ids)), key=lambda j: (rank[j], -log_post[j], ids[j]))
    for ja in order:
        for jb in order:
            tolerance = _TIE * max(1.0, abs(log_post[ja]))
            if rank[ja] >= rank[jb] or log_post[jb] <= log_post[ja] + tolerance:
                continue
            parts = {name: float(values[jb] - values[ja]) for name, values in terms.items()}
            favour = sorted(
                (name for name, v in parts.items() if v > 1e-12 and name != "parc"),
                key=lambda name: -parts[name],
            )
            opposed = -sum(v for v in parts.values() if v < 0)
            reasons: list[str] = []
            for name in favour:
                reasons.append(name)
                if sum(parts[r] for r in reasons) > opposed:
                    break
            a, b = titles[ids[ja]], titles[ids[jb]]
            prior = (
                f" ({percent(float(weighing.data.prior[jb]), confidence)} against "
                f"{percent(float(weighing.data.prior[ja]), confidence)})"
            )
            because = tuple(_reason(r, b, a, terms, jb, ja, prior) for r in reasons)
            sentence = (
                f"PARC ranks {b} below {a} ({rank[jb]} against {rank[ja]}), yet the weighing "
                f"puts it higher: "
                + "; and ".join(_reason(r, "it", a, terms, jb, ja, prior) for r in reasons)
                + "."
            )
            found.append(
                OrderDisagreement(ids[ja], ids[jb], tuple(reasons), parts, because, sentence)
            )
    return found


def notes_by_row(pairs: Sequence[tuple[str, str]]) -> dict[str, tuple[str, ...]]:
    """(posterior_first, sentence) pairs as the notes under each ranking row: at most
    ``NOTES_PER_ROW``, then how many more there are.

    >>> notes = notes_by_row([("b", "1."), ("b", "2."), ("b", "3."), ("b", "4."), ("c", "5.")])
    >>> notes["b"][-1], notes["c"]
    ('And 1 more pair like these (argmap score --format json lists every one).', ('5.',))
    """
    grouped: dict[str, list[str]] = {}
    for hid, sentence in pairs:
        grouped.setdefault(hid, []).append(sentence)
    notes = {}
    for hid, sentences in grouped.items():
        shown = sentences[:NOTES_PER_ROW]
        more = len(sentences) - len(shown)
        if more:
            shown.append(
                f"And {more} more pair{'s' if more != 1 else ''} like these "
                "(argmap score --format json lists every one)."
            )
        notes[hid] = tuple(shown)
    return notes
