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

from .scoring import Scores
from .vocabulary import VOCABULARY, or_list
from .weighing import CODE, ESTIMATIVE_TERMS, LEVEL, NEUTRAL, Weighing, estimative_term

__all__ = [
    "LEAD_SHARE",
    "MAX_NAMED",
    "NOTES_PER_ROW",
    "OrderDisagreement",
    "Headline",
    "Node",
    "band",
    "disagreements",
    "estimative_words",
    "headline",
    "notes_by_row",
    "percent",
    "percent_range",
    "share",
]

NOTES_PER_ROW = 3
"""A ranking row shows at most this many disagreement notes; the JSON lists every pair."""
MAX_NAMED = 3
"""The headline's reason names at most this many rivals, then says how many more."""
LEAD_SHARE = 0.75
"""A hypothesis stands apart from its siblings when it is on top in at least this share
of the Monte Carlo re-ratings (or its interval clears theirs)."""

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
    """
    step = _step(confidence)
    first = math.floor(100 * low / step + 1e-9) * step
    last = min(100, math.ceil(100 * high / step - 1e-9) * step)
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
    """For a group: its child with the highest posterior, which it cannot separate."""
    rivals: tuple[Node, ...]
    """What the headline could not be separated from: the leader's siblings inside a
    group, or, at the top level, hypotheses the headline itself does not clear."""
    why: str
    """Why this level, in one sentence."""

    @property
    def is_group(self) -> bool:
        return bool(self.node.children)

    @property
    def separable(self) -> bool:
        """False when even the top level cannot be told apart."""
        return not (self.rivals and self.leader is None)

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
            "rivals": [r.id for r in self.rivals],
            "why": self.why,
        }


def _separable(lead: Node, other: Node) -> bool:
    return lead.low > other.high or lead.p_top >= LEAD_SHARE


def _share(p: float, confidence: str) -> str:
    """How often a hypothesis is on top, for a sentence ("in 80% of re-ratings")."""
    if confidence == "low":  # whole percent would look finer than the case can carry
        if p < LEAD_SHARE:
            return "in fewer than three in four re-ratings"
        return "in at least three in four re-ratings"
    if p < LEAD_SHARE:
        return f"in only {share(p, 'high')} of re-ratings, short of three in four"
    return f"in {share(p, 'high')} of re-ratings"


def headline(nodes: Mapping[str, Node], roots: Sequence[str], confidence: str) -> Headline | None:
    """Descend from the top level: at each level take the hypothesis with the highest
    posterior; go into it only while it stands apart from every sibling (the intervals do
    not overlap, or it is on top in at least ``LEAD_SHARE`` of the re-ratings).

    >>> n = {"g": Node("g", "G", .8, .6, .9, .98, ("a", "b")), "a": Node("a", "A", .5, .2, .7, .6),
    ...      "b": Node("b", "B", .3, .1, .5, .38), "c": Node("c", "C", .2, .1, .4, .02)}
    >>> headline(n, ["g", "c"], "moderate").node.id
    'g'
    """
    level = [nodes[r] for r in roots]
    chosen: Node | None = None
    while level:
        ordered = sorted(level, key=lambda n: (-n.posterior, n.id))
        lead = ordered[0]
        rivals = tuple(n for n in ordered[1:] if not _separable(lead, n))
        if rivals:
            if chosen is None:
                return _headline(lead, None, rivals, confidence)
            return _headline(chosen, lead, rivals, confidence)
        chosen = lead
        level = [nodes[c] for c in lead.children]
    return _headline(chosen, None, (), confidence) if chosen else None


def _headline(node: Node, leader: Node | None, rivals: tuple[Node, ...], conf: str) -> Headline:
    words = estimative_words(node.low, node.high, conf)
    span = percent_range(node.low, node.high, conf)
    if not rivals:
        if node.p_top >= LEAD_SHARE:
            why = f"{node.title} stands apart: it is on top {_share(node.p_top, conf)}."
        else:
            why = f"{node.title} stands apart: its 5–95% interval clears the alternatives'."
        return Headline(node, words, span, None, (), why)
    who = leader or node
    named = [f"{r.title} ({percent_range(r.low, r.high, conf)})" for r in rivals[:MAX_NAMED]]
    if len(rivals) > MAX_NAMED:
        others = len(rivals) - MAX_NAMED
        named.append(f"{others} other{'s' if others != 1 else ''}")
    names = or_list(named, "and")
    why = (
        f"{'Within it, ' if leader else ''}{who.title} "
        f"({percent_range(who.low, who.high, conf)}) leads {names} but cannot be told apart "
        f"from {'it' if len(rivals) == 1 else 'them'}: the 5–95% intervals overlap, and it "
        f"is on top {_share(who.p_top, conf)}."
    )
    return Headline(node, words, span, leader, rivals, why)


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
