"""The words argmap says: calibrated estimative language, the headline's level, and the
reasons where PARC's rank and the posterior order a pair of hypotheses differently."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from argmap.cli import main
from argmap.scoring import PARC_WEIGHT, Matrix, Scores, competition_ranks
from argmap.weighing import CODE, LEVEL, NEUTRAL, Weighing, WeighingInput
from argmap.wording import (
    Node,
    disagreements,
    estimative_words,
    figure,
    headline,
    on_top,
    percent,
    percent_range,
)

from .conftest import REPO

# --- calibrated words --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("low", "high", "confidence", "words"),
    [
        (0.21, 0.74, "moderate", "unlikely to likely"),  # the interval, not the point (51%)
        (0.21, 0.74, "low", "unlikely to likely"),
        (0.46, 0.54, "high", "roughly even chance"),  # one band: one term
        (0.002, 0.036, "high", "almost no chance"),
        (0.002, 0.036, "low", "very unlikely"),  # low confidence: no extreme term
        (0.01, 0.12, "moderate", "almost no chance to very unlikely"),
        (0.01, 0.12, "low", "very unlikely"),
        (0.96, 0.995, "low", "very likely"),
        (0.6, 0.99, "low", "likely to very likely"),
        (0.6, 0.99, "high", "likely to almost certain"),
    ],
)
def test_words_follow_the_interval(low, high, confidence, words):
    assert estimative_words(low, high, confidence) == words


@pytest.mark.parametrize(
    ("p", "confidence", "shown"),
    [
        (0.513, "moderate", "51%"),
        (0.513, "low", "50%"),
        (0.074, "low", "5%"),
        (0.077, "low", "10%"),
        (0.042, "low", "5%"),
        (0.011, "low", "under 5%"),
        (0.976, "low", "over 95%"),
        (0.0114, "high", "1%"),
        (0.004, "high", "under 1%"),
        (0.9996, "moderate", "over 99%"),
    ],
)
def test_percent_is_no_finer_than_the_confidence(p, confidence, shown):
    assert percent(p, confidence) == shown


def test_no_percentage_has_decimals_and_low_confidence_keeps_to_five_points():
    for p in np.linspace(0, 1, 2001):
        for confidence in ("low", "moderate", "high"):
            text = percent(float(p), confidence)
            assert "." not in text
            number = int(re.search(r"\d+", text).group())
            if confidence == "low":
                assert number % 5 == 0


@pytest.mark.parametrize(
    ("low", "high", "confidence", "shown"),
    [
        (0.2107, 0.7434, "moderate", "21–75%"),
        (0.2107, 0.7434, "low", "20–75%"),
        (0.0023, 0.0357, "low", "0–5%"),
        (0.30, 0.30, "high", "30%"),
        (0.0, 1e-12, "low", "under 5%"),  # never a bare 0% (a 100 × 10,000 case wrote one)
        (1.0, 1.0, "high", "over 99%"),
    ],
)
def test_ranges_round_outwards(low, high, confidence, shown):
    assert percent_range(low, high, confidence) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (2.828, "2.83"),
        (-1.414, "−1.41"),
        (-404.9, "−405"),
        (-4093.0, "−4,093"),  # a count keeps every digit: not −4,090 beside its rank
        (-4336.7, "−4,337"),
        (1234567.0, "1,234,567"),
        (999.6, "1,000"),
        (0.0000123, "0.0000123"),
        (-0.0, "0"),
    ],
)
def test_figures_keep_their_whole_part_and_never_use_an_exponent(value, shown):
    assert figure(value) == shown


def test_a_rounded_range_always_holds_the_interval():
    rng = np.random.default_rng(3)
    for low, high in np.sort(rng.random((500, 2)), axis=1):
        for confidence in ("low", "high"):
            text = percent_range(float(low), float(high), confidence).rstrip("%")
            first, _, last = text.partition("–")
            assert int(first) <= 100 * low + 1e-9
            assert 100 * high <= int(last or first) + 1e-9


# --- the headline ------------------------------------------------------------------------


def _tree(a: tuple, b: tuple, c: tuple = (0.1, 0.05, 0.2, 0.0)) -> dict[str, Node]:
    """Group g of leaves a and b, beside leaf c; each as (posterior, low, high, p_top)."""
    g = (a[0] + b[0], a[1] + b[1], min(1.0, a[2] + b[2]), a[3] + b[3])
    return {
        "g": Node("g", "An intra-elite struggle", *g, children=("a", "b")),
        "a": Node("a", "A", *a),
        "b": Node("b", "B", *b),
        "c": Node("c", "C", *c),
    }


def test_headline_names_the_group_when_its_children_overlap_and_neither_leads():
    head = headline(_tree((0.5, 0.21, 0.74, 0.74), (0.3, 0.09, 0.54, 0.26)), ["g", "c"], "low")
    assert head.node.id == "g" and head.is_group and head.separable
    assert head.leader.id == "a" and [r.id for r in head.rivals] == ["b"]
    assert head.words == estimative_words(head.node.low, head.node.high, "low")
    # The leader is named, and its share of re-ratings is the figure, not a bound.
    assert head.why == (
        "Within it, A (20–75%) leads B (5–55%) but cannot be told apart from it: the 5–95% "
        "intervals overlap, and A is on top in only about 70% of re-ratings."
    )


def test_headline_names_children_level_at_the_top_of_a_group_as_sharing_it():
    # The group stands apart (98%); inside it, B and A are level: B, more often on top, first.
    nodes = _tree((0.4, 0.2, 0.6, 0.45), (0.4, 0.2, 0.6, 0.53))
    nodes["g"] = Node("g", "G", 0.8, 0.6, 0.9, 0.98, ("a", "b"))
    head = headline(nodes, ["g", "c"], "moderate")
    assert head.node.id == "g" and head.separable
    assert head.leader.id == "b" and [n.id for n in head.shared] == ["a"] and head.rivals == ()
    assert head.why == (
        "Within it, B (20–60%) and A (20–60%) share the top, level at 40% each: B is on top "
        "in only 53% of re-ratings, A in only 45%."
    )


def test_headline_names_the_leaf_that_leads_in_three_re_ratings_of_four():
    head = headline(_tree((0.5, 0.21, 0.74, 0.75), (0.3, 0.09, 0.54, 0.25)), ["g", "c"], "high")
    assert head.node.id == "a" and not head.is_group and head.rivals == ()
    assert "on top in 75% of re-ratings" in head.why


def test_headline_names_the_leaf_whose_interval_clears_its_siblings():
    head = headline(_tree((0.6, 0.45, 0.74, 0.7), (0.2, 0.09, 0.40, 0.3)), ["g", "c"], "high")
    assert head.node.id == "a"
    assert "interval clears" in head.why


def _tied_top() -> dict[str, Node]:
    """Leaves x and y level at the top (20%), z; and a group g of d and e holding 35%."""
    return {
        "x": Node("x", "X", 0.2, 0.1, 0.3, 0.31),
        "y": Node("y", "Y", 0.2, 0.1, 0.3, 0.36),
        "z": Node("z", "Z", 0.15, 0.05, 0.25, 0.2),
        "d": Node("d", "D", 0.18, 0.1, 0.3, 0.1),
        "e": Node("e", "E", 0.17, 0.1, 0.3, 0.03),
        "g": Node("g", "G", 0.35, 0.2, 0.5, 0.13, ("d", "e")),
    }


def test_headline_names_leaves_level_at_the_top_and_states_a_group_apart():
    # G holds the most (35%) but is two hypotheses: it is not ranked among the leaves.
    head = headline(_tied_top(), ["x", "y", "z", "g"], "low")
    assert not head.separable and not head.is_group
    assert head.node.id == "y" and [n.id for n in head.shared] == ["x"]  # by P(top)
    assert [r.id for r in head.rivals] == ["d", "e", "z"]
    assert head.why == (
        "Y (10–30%) and X (10–30%) share the top, level at 20% each, and cannot be told apart "
        "from D (10–30%), E (10–30%) and Z (5–25%) either: the 5–95% intervals overlap; Y is "
        "on top in only about 35% of re-ratings, X in only about 30%."
    )
    assert head.together == (
        "Taken together, the two G hypotheses hold 35% (20–50%); one of them is on top in "
        "only about 10% of re-ratings."
    )
    document = head.as_json()
    words = "very unlikely to unlikely"
    assert document["shared"] == [{"id": "x", "title": "X", "words": words, "range": "10–30%"}]
    assert "G" not in document["rivals"] and document["together"] == head.together


def test_headline_with_one_leaf_ahead_names_it_and_not_the_group():
    nodes = _tied_top()
    nodes["y"] = Node("y", "Y", 0.21, 0.1, 0.3, 0.36)
    head = headline(nodes, ["x", "y", "z", "g"], "moderate")
    assert head.node.id == "y" and head.shared == () and not head.separable
    assert head.why == (
        "Y (10–30%) leads X (10–30%), D (10–30%), E (10–30%) and 1 other but cannot be told "
        "apart from them: the 5–95% intervals overlap, and Y is on top in only 36% of "
        "re-ratings."
    )
    assert head.together.startswith("Taken together, the two G hypotheses hold 35% (20–50%)")


@pytest.mark.parametrize(
    ("p", "confidence", "words"),
    [
        (0.071, "low", "in only about 5% of re-ratings"),
        (0.3575, "low", "in only about 35% of re-ratings"),
        (0.88, "low", "in about 85% of re-ratings"),
        (0.004, "low", "in under 5% of re-ratings"),
        (0.74, "high", "in only 74% of re-ratings"),
        (0.75, "high", "in 75% of re-ratings"),
    ],
)
def test_on_top_states_the_figure_not_a_bound(p, confidence, words):
    assert on_top(p, confidence) == words


def test_headline_at_the_top_level_says_when_nothing_stands_apart():
    nodes = {
        "x": Node("x", "X", 0.45, 0.2, 0.6, 0.6),
        "y": Node("y", "Y", 0.40, 0.2, 0.55, 0.4),
        "z": Node("z", "Z", 0.15, 0.05, 0.15, 0.0),
    }
    head = headline(nodes, ["x", "y", "z"], "moderate")
    assert head.node.id == "x" and not head.separable
    assert [r.id for r in head.rivals] == ["y"]  # z's interval lies below x's
    assert head.why == (
        "X (20–60%) leads Y (20–55%) but cannot be told apart from it: the 5–95% intervals "
        "overlap, and X is on top in only 60% of re-ratings."
    )
    assert head.as_json()["rivals"] == ["y"]


def test_headline_names_three_rivals_then_counts_the_rest():
    nodes = {k: Node(k, k.upper(), 0.2 - 0.01 * n, 0.1, 0.3, 0.2) for n, k in enumerate("abcdef")}
    head = headline(nodes, list(nodes), "high")
    assert not head.separable and len(head.rivals) == 5
    assert "leads B (10–30%), C (10–30%), D (10–30%) and 2 others but cannot" in head.why


def test_headline_starts_from_the_top_level_leader_not_the_top_leaf():
    # The top leaf is c (35%), but the group holds the top in four re-ratings of five.
    nodes = _tree((0.30, 0.2, 0.4, 0.42), (0.29, 0.2, 0.4, 0.38), (0.35, 0.25, 0.45, 0.2))
    assert nodes["g"].p_top == pytest.approx(0.8)
    head = headline(nodes, ["g", "c"], "high")
    assert head.node.id == "g" and head.separable and head.leader.id == "a"


def test_a_group_summed_is_not_weighed_against_a_leaf():
    # The group's 59% (50–70%) clears c's 25–45%, but it holds the top in only 65% of the
    # re-ratings: nothing stands apart; c leads the leaves and the group is stated apart.
    nodes = _tree((0.30, 0.2, 0.4, 0.35), (0.29, 0.2, 0.4, 0.3), (0.35, 0.25, 0.45, 0.35))
    nodes["g"] = Node("g", "G", 0.59, 0.5, 0.7, 0.65, ("a", "b"))
    head = headline(nodes, ["g", "c"], "high")
    assert head.node.id == "c" and not head.separable and [r.id for r in head.rivals] == ["a", "b"]
    assert head.why.startswith("C (25–45%) leads A (20–40%) and B (20–40%) but cannot be told")
    assert head.together == (
        "Taken together, the two G hypotheses hold 59% (50–70%); one of them is on top in only "
        "65% of re-ratings."
    )


# --- where PARC and the posterior disagree -----------------------------------------------


def _weigh(
    ratings: list[str],
    *,
    levels: list[tuple[str, str]] | None = None,
    groups: list[str | None] | None = None,
    prior: tuple[float, float] = (0.5, 0.5),
    reliability: list[float] | None = None,
    likelihoods: dict[str, float] | None = None,
) -> tuple[Weighing, Scores]:
    """Leaves a and b; each rating is 'a-rating b-rating', e.g. 'N I'."""
    rows = [r.split() for r in ratings]
    levels = levels or [("medium", "medium")] * len(rows)
    codes = np.array([[CODE[x] for x in row] for row in rows], dtype=np.int8)
    extra = {"likelihoods": likelihoods} if likelihoods else {}
    data = WeighingInput(
        leaf_ids=("a", "b"),
        evidence_ids=tuple(f"e{i}" for i in range(len(rows))),
        codes=codes,
        fixed=np.zeros(codes.shape, dtype=bool),
        credibility=np.array([LEVEL[c] for c, _ in levels], dtype=np.int8),
        relevance=np.array([LEVEL[v] for _, v in levels], dtype=np.int8),
        dependence_group=tuple(groups or [None] * len(rows)),
        deceptive=np.zeros(len(rows), dtype=bool),
        prior=np.array(prior),
        reliability=None if reliability is None else np.array(reliability),
        **extra,
    )
    points = (codes - NEUTRAL).astype(float)
    weight = np.array([PARC_WEIGHT[c] * PARC_WEIGHT[v] for c, v in levels])
    matrix = Matrix(data.evidence_ids, ("a", "b"), points, np.ones(codes.shape, bool), weight)
    cells = matrix.cell_scores
    weighted = (cells * weight[:, None]).sum(axis=0)
    order, rank = competition_ranks(weighted, matrix.hypothesis_ids)
    scores = Scores(matrix, cells.sum(axis=0), weighted, np.zeros(len(rows)), rank, order, [])
    return Weighing(data), scores


def _only(weighing: Weighing, scores: Scores):
    found = disagreements(weighing, scores, {"a": "A", "b": "B"})
    assert len(found) == 1
    pair = found[0]
    # The terms add up to the difference of the log posteriors.
    log_post = weighing.log_posterior()
    j = {"a": 0, "b": 1}
    difference = log_post[j[pair.posterior_first]] - log_post[j[pair.parc_first]]
    assert sum(pair.contributions.values()) == pytest.approx(difference)
    return pair


def test_agreeing_orders_need_no_note():
    weighing, scores = _weigh(["C I", "C N"])
    assert disagreements(weighing, scores, {"a": "A", "b": "B"}) == []


def test_tied_parc_ranks_are_no_disagreement():
    weighing, scores = _weigh(["I I", "C N"])
    assert scores.rank == [1, 1]
    assert disagreements(weighing, scores, {"a": "A", "b": "B"}) == []


def test_reason_consistent_evidence():
    # docs/weighing.md: a has three CC and one I, b nothing; PARC prefers b.
    pair = _only(*_weigh(["CC N", "CC N", "CC N", "I N"]))
    assert (pair.parc_first, pair.posterior_first) == ("b", "a")
    assert pair.reasons == ("consistent",)
    assert pair.because == ("A has more consistent evidence, which PARC does not count",)
    assert pair.sentence == (
        "PARC ranks A below B (2 against 1), yet the weighing puts it higher: it has more "
        "consistent evidence, which PARC does not count."
    )


def test_reason_prior():
    pair = _only(*_weigh(["N I"], prior=(0.1, 0.9)))
    assert pair.posterior_first == "b" and pair.reasons == ("prior",)
    assert pair.because == (
        "B starts from a higher prior (90% against 10%), which PARC does not use",
    )


def test_reason_dependence_discount():
    # Four statements of one line against b count as one; two independent items against a.
    pair = _only(
        *_weigh(["I N", "I N", "N I", "N I", "N I", "N I"], groups=[None, None, "x", "x", "x", "x"])
    )
    assert pair.posterior_first == "b" and pair.reasons == ("dependence",)
    assert "items sharing an originator or group" in pair.because[0]


def test_reason_high_credibility_weighs_more_than_parc_says():
    # One II on a high × high item against a: PARC −4, the weighing log 0.2.
    # Five I on medium items against b: PARC −5, the weighing 5 · log 0.775.
    ratings = ["II N"] + ["N I"] * 5
    levels = [("high", "high")] + [("medium", "medium")] * 5
    pair = _only(*_weigh(ratings, levels=levels))
    assert (pair.parc_first, pair.posterior_first) == ("a", "b")
    assert pair.reasons[0] == "weighting"
    assert pair.because[0] == (
        "the evidence against A is of high credibility and relevance, which the weighing "
        "counts more heavily than PARC does"
    )


def test_reason_low_credibility_weighs_less_than_parc_says():
    # Three I on low × low items against b: PARC −1.5, the weighing 3 · log 0.9;
    # one I on a medium × high item against a: PARC −1.41, the weighing log 0.7.
    levels = [("medium", "high")] + [("low", "low")] * 3
    pair = _only(*_weigh(["I N", "N I", "N I", "N I"], levels=levels))
    assert (pair.parc_first, pair.posterior_first) == ("a", "b")
    assert pair.reasons[0] == "weighting"
    assert pair.because[0].startswith("the evidence against B is of lower credibility")


def test_reason_scale_of_very_inconsistent():
    # With II at 0.05, one II weighs more than two I: PARC counts it as exactly two.
    likelihoods = {"CC": 0.9, "C": 0.7, "N": 0.5, "I": 0.3, "II": 0.05}
    levels = [("medium", "medium")] * 3 + [("low", "low")]
    pair = _only(*_weigh(["II N", "N I", "N I", "N I"], levels=levels, likelihoods=likelihoods))
    assert (pair.parc_first, pair.posterior_first) == ("a", "b")
    assert pair.reasons[0] == "scale"
    assert "which the weighing counts as more than two inconsistent ones" in pair.because[0]


def test_reason_scale_the_other_way():
    # With II at 0.25, one II weighs about 1.3 I in the weighing, two in PARC.
    likelihoods = {"CC": 0.9, "C": 0.7, "N": 0.5, "I": 0.3, "II": 0.25}
    levels = [("medium", "high"), ("medium", "medium")]
    pair = _only(*_weigh(["I N", "N II"], levels=levels, likelihoods=likelihoods))
    assert (pair.parc_first, pair.posterior_first) == ("a", "b")
    assert pair.reasons == ("scale",)
    assert pair.because[0] == (
        "the evidence against B includes items rated very inconsistent, which the weighing "
        "counts as less than two inconsistent ones (PARC: exactly two)"
    )


def test_reason_reliability():
    # Two items against b from a source graded E (factor 0.25), one against a graded A.
    pair = _only(*_weigh(["I N", "N I", "N I"], reliability=[1.0, 0.25, 0.25]))
    assert pair.posterior_first == "b" and pair.reasons == ("reliability",)
    assert "reliability is doubtful or cannot be judged" in pair.because[0]


def test_reasons_stop_once_they_outweigh_the_rest():
    # Consistent evidence and a prior both favour b; the larger one alone suffices.
    pair = _only(*_weigh(["N I", "N CC", "N CC", "N CC"], prior=(0.4, 0.6)))
    assert pair.reasons == ("consistent",)
    assert pair.contributions["prior"] > 0


# --- on the command line and in the report -----------------------------------------------


def test_score_on_the_shipped_case_says_what_an_analyst_can_sign(runner):
    result = runner.invoke(main, ["score", str(REPO)])
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert not re.search(r"\d\.\d+%", text), "no decimals of a percent in words and tables"
    document = json.loads(runner.invoke(main, ["score", str(REPO), "--format", "json"]).stdout)
    level = document["confidence"]["level"]
    if level == "low":
        assert "almost no chance" not in text and "almost certain" not in text
        assert all(int(n) % 5 == 0 for n in re.findall(r"(\d+)%", text.split("confidence:")[0]))
    head = document["headline"]
    assert set(head) >= {"id", "title", "level", "words", "interval", "shared", "together"}
    # Two leaves are level at the top: both named, the one more often on top first; the
    # intra-elite group, which holds more than either, is stated apart, never as "highest".
    titles = {h["id"]: h["title"] for h in document["hypotheses"]}
    p_top = {h["id"]: h["p_top"] for h in document["hypotheses"]}
    assert sorted(document["top"]) == ["regime-let-run", "russian-destabilisation"]
    first, second = sorted(document["top"], key=lambda hid: -p_top[hid])
    a, b = titles[first], titles[second]
    assert not head["separable"] and head["level"] == "hypothesis"
    assert (head["id"], [s["id"] for s in head["shared"]]) == (first, [second])
    assert (
        f"nothing stands apart; sharing the highest posterior: {a} and {b} — {head['words']} "
        f"({head['range']} each)\n"
    ) in text
    assert head["why"].startswith(f"{a} ({head['range']}) and {b} (")
    assert f"share the top, level at {percent(head['posterior'], level)} each" in head["why"]
    assert head["why"].endswith(
        f"; {a} is on top {on_top(p_top[first], level)}, "
        f"{b} {on_top(p_top[second], level).removesuffix(' of re-ratings')}."
    )
    (group,) = document["groups"]
    assert head["together"] == (
        f"Taken together, the two {group['title']} hypotheses hold "
        f"{percent(group['posterior'], level)} "
        f"({percent_range(group['interval'][0], group['interval'][1], level)}); one of them is "
        f"on top {on_top(group['p_top'], level)}."
    )
    assert f"  {head['together']}\n" in text
    verdict = text.split("confidence:")[0].split("\n\n")[-2]
    assert "highest: " + group["title"] not in verdict and "fewer than three in four" not in text
    reasons = document["confidence"]["reasons"]
    of = "plausible re-ratings"
    assert (
        f"{a} and {b} share the top: {a} is on top {on_top(p_top[first], level, 0.85, of)}, "
        f"{b} {on_top(p_top[second], level, 0.85, of).removesuffix(' of ' + of)}."
    ) in reasons
    held = sum(s["survives"] for s in document["scenarios"])
    scenarios = f"The shared top of {a} and {b} holds in {held} of {len(document['scenarios'])} "
    assert any(r.startswith(scenarios + "scenarios") for r in reasons)
    assert reasons[0].startswith(f"No item separates {a} from {b}")
    # JSON keeps full precision.
    leaf = document["hypotheses"][0]
    assert leaf["posterior"] != round(leaf["posterior"], 2)
    for pair in document["order_disagreements"]:
        assert pair["sentence"] in text
    # Raw ids stay out of the prose.
    ids = [e["id"] for e in document["evidence"]] + [h["id"] for h in document["hypotheses"]]
    prose = "\n".join(document["confidence"]["reasons"] + [head["why"]] + document["caveats"])
    assert [i for i in ids if re.search(rf"\b{re.escape(i)}\b", prose)] == []


def test_score_on_the_shipped_case_words_are_its_figures(runner):
    """What `argmap score .` says, as it reads today: every share is the figure itself."""
    text = runner.invoke(main, ["score", str(REPO)]).stdout
    assert (
        "The authorities let the violence run is on top in only about 35% of re-ratings, "
        "Russian-sponsored destabilisation in only about 30%."
    ) in text
    assert (
        "  Taken together, the two Intra-elite struggle hypotheses hold 20% (10–30%); one of "
        "them is on top in only about 5% of re-ratings.\n"
    ) in text
    assert (
        "  - The authorities let the violence run and Russian-sponsored destabilisation share "
        "the top: The authorities let the violence run is on top in only about 35% of plausible "
        "re-ratings, Russian-sponsored destabilisation in only about 30%.\n"
    ) in text
    assert (
        "  - The shared top of The authorities let the violence run and Russian-sponsored "
        "destabilisation holds in 18 of 20 scenarios, not in: "
    ) in text
    assert (
        "   group Intra-elite struggle: posterior 20% (10–30%, very unlikely to unlikely), "
        "P(top) 5%\n"
    ) in text
    # The table writes its scores as the report does (wording.figure): a real minus, three
    # significant digits.
    assert re.search(r"\n   8  Western-backed colour revolution +−4 +−4\.71 +10% ", text)
    # The key assumptions check says once whose lead "the lead holds" speaks of.
    assert (
        "\nkey assumptions (if one fails, what rests on it goes too; 'the lead' below is the "
        "shared top of The authorities let the violence run and Russian-sponsored "
        "destabilisation):\n"
    ) in text


SOURCES_TWO = (
    "    sources:\n"
    "      - {id: report, title: Harbour report, file: sources/report.txt}\n"
    "      - {id: wire, title: Wire story, file: sources/report.txt}\n"
)
"""Two sources, indented as the evidence files below, which the scenarios leave out one by one."""


def test_score_on_a_tied_case_names_both_leaders_and_the_group_apart(write_case, runner, tmp_path):
    from bs4 import BeautifulSoup

    # Gamma and Delta (an I each) are level at the top; the Insiders group holds more than
    # either, but as two hypotheses with nothing against them.
    folder = write_case(
        {
            "hypotheses/case.yaml": """\
                title: T
                question: Q?
                hypotheses:
                  - {id: g, title: Insiders, statement: G.}
                  - {id: a, title: Alpha, statement: A., parent: g}
                  - {id: b, title: Beta, statement: B., parent: g}
                  - {id: c, title: Gamma, statement: C.}
                  - {id: d, title: Delta, statement: D.}
                """,
            "evidence/evidence.yaml": SOURCES_TWO
            + """\
    evidence:
      - {id: e1, summary: One., source: report,
         quote: "The fire started shortly after 23:00 on 3 March.",
         ratings: {a: N, b: N, c: I, d: I}}
      - {id: e2, summary: Two., source: wire,
         quote: "Witnesses saw two men leave the yard in a van.",
         ratings: {a: C, b: C, c: N, d: N}}
    """,
        }
    )
    result = runner.invoke(main, ["score", str(folder)])
    assert result.exit_code == 0, result.output
    text = result.stdout
    document = json.loads(runner.invoke(main, ["score", str(folder), "--format", "json"]).stdout)
    level = document["confidence"]["level"]
    p_top = {h["id"]: h["p_top"] for h in document["hypotheses"]}
    first, second = sorted(["c", "d"], key=lambda hid: (-p_top[hid], hid))
    names = {"c": "Gamma", "d": "Delta"}
    x, y = names[first], names[second]
    head = document["headline"]
    assert sorted(document["top"]) == ["c", "d"] and not head["separable"]
    assert head["id"] == first and [s["id"] for s in head["shared"]] == [second]
    assert "nothing stands apart; sharing the highest posterior: " in text
    assert "highest: Insiders" not in text and "Insiders" not in head["why"]
    (group,) = document["groups"]
    assert group["posterior"] > max(h["posterior"] for h in document["hypotheses"])
    assert head["together"].startswith(
        f"Taken together, the two Insiders hypotheses hold {percent(group['posterior'], level)}"
    )
    assert head["together"].endswith(f"one of them is on top {on_top(group['p_top'], level)}.")
    assert f"{x} is on top {on_top(p_top[first], level)}" in head["why"]
    reasons = document["confidence"]["reasons"]
    assert any(r.startswith(f"{x} and {y} share the top: {x} is on top in ") for r in reasons)
    assert any(r.startswith(f"The shared top of {x} and {y} holds in ") for r in reasons)
    assert not any(r.startswith("The lead holds") or " stays on top" in r for r in reasons)
    # The report says the same.
    out = tmp_path / "report.html"
    assert runner.invoke(main, ["report", str(folder), "-o", str(out)]).exit_code == 0
    soup = BeautifulSoup(out.read_text(encoding="utf-8"), "html.parser")
    lead = " ".join(soup.select_one("#summary p.lead").get_text().split())
    assert lead.startswith(
        f"No hypothesis stands apart on this evidence. Sharing the highest posterior: {x} — "
    )
    assert f" and {y} — " in lead
    assert soup.select_one("#summary p.why").get_text() == head["why"]
    assert soup.select_one("#summary p.together").get_text() == head["together"]
    listed = [li.get_text() for li in soup.select("#summary ul.reasons li")]
    assert listed == reasons


def test_score_on_a_clear_leader_says_most_probable(write_case, runner):
    folder = write_case(
        {
            "hypotheses/case.yaml": """\
                title: T
                question: Q?
                hypotheses:
                  - {id: a, title: Alpha, statement: A.}
                  - {id: b, title: Beta, statement: B.}
                  - {id: other, title: Something else, statement: O.}
                """,
            "evidence/evidence.yaml": SOURCES_TWO
            + """\
    evidence:
      - {id: e1, summary: One., source: report,
         quote: "The fire started shortly after 23:00 on 3 March.", credibility: high,
         ratings: {a: CC, b: II, other: I}}
      - {id: e2, summary: Two., source: wire,
         quote: "Witnesses saw two men leave the yard in a van.", credibility: high,
         ratings: {a: CC, b: II, other: I}}
      - {id: e3, summary: Three., source: report,
         quote: "The alarm system had been switched off at 22:10.", credibility: high,
         ratings: {a: CC, b: II, other: I}}
      - {id: e4, summary: Four., source: wire,
         quote: "Inspectors had flagged the wiring as outdated a year earlier.",
         credibility: high,
         ratings: {a: C, b: I, other: II}}
    """,
        }
    )
    result = runner.invoke(main, ["score", str(folder)])
    assert result.exit_code == 0, result.output
    text = result.stdout
    document = json.loads(runner.invoke(main, ["score", str(folder), "--format", "json"]).stdout)
    level = document["confidence"]["level"]
    head = document["headline"]
    alpha = next(h for h in document["hypotheses"] if h["id"] == "a")
    assert document["top"] == ["a"] and head["separable"] and head["shared"] == []
    assert head["together"] == ""
    assert f"\nmost probable: Alpha — {head['words']} ({head['range']})\n" in text
    assert head["why"] == f"Alpha stands apart: it is on top {on_top(alpha['p_top'], level)}."
    reasons = document["confidence"]["reasons"]
    of = "plausible re-ratings"
    assert f"Alpha stays on top {on_top(alpha['p_top'], level, 0.85, of)}." in reasons
    held = sum(s["survives"] for s in document["scenarios"])
    assert any(
        r.startswith(f"The lead of Alpha holds in {held} of {len(document['scenarios'])}")
        for r in reasons
    )
    assert "share the top" not in text and "nothing stands apart" not in text


def test_score_table_has_one_order_and_notes_the_pair(write_case, runner):
    folder = write_case(
        {
            "hypotheses/case.yaml": """\
                title: T
                question: Q?
                hypotheses:
                  - {id: a, title: Alpha, statement: A.}
                  - {id: b, title: Beta, statement: B.}
                """,
            "evidence/evidence.yaml": """\
                evidence:
                  - {id: e1, summary: One., kind: assumption, ratings: {a: CC, b: N}}
                  - {id: e2, summary: Two., kind: assumption, ratings: {a: CC, b: N}}
                  - {id: e3, summary: Three., kind: assumption, ratings: {a: CC, b: N}}
                  - {id: e4, summary: Four., kind: assumption, ratings: {a: I, b: N}}
                """,
            "evidence/sources/report.txt": None,
        }
    )
    result = runner.invoke(main, ["score", str(folder)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    beta = next(n for n, line in enumerate(lines) if line.lstrip().startswith("1  Beta"))
    alpha = next(n for n, line in enumerate(lines) if line.lstrip().startswith("2  Alpha"))
    assert beta < alpha  # by PARC rank, as the caption says
    assert "by PARC rank" in result.output
    assert lines[alpha + 1].strip() == (
        "↳ PARC ranks Alpha below Beta (2 against 1), yet the weighing puts it higher: it has "
        "more consistent evidence, which PARC does not count."
    )


GROUPED = """\
    title: T
    question: Q?
    hypotheses:
      - {id: g, title: An intra-elite struggle, statement: G.}
      - {id: a, title: Alpha, statement: A., parent: g}
      - {id: b, title: Beta, statement: B., parent: g}
      - {id: c, title: Gamma, statement: C.}
    """
GROUPED_EVIDENCE = """\
    evidence:
      - {id: e1, summary: First item., kind: assumption, ratings: {a: C, b: C, c: I}}
      - {id: e2, summary: Second item., kind: assumption, ratings: {a: C, b: C, c: I}}
      - {id: e3, summary: Third item., kind: assumption, ratings: {a: C, b: N, c: N}}
      - {id: e4, summary: Fourth item., kind: assumption, ratings: {a: CC, b: N, c: N}}
      - {id: e5, summary: Fifth item., kind: assumption, ratings: {a: I, b: N, c: N}}
    """


def test_report_leads_with_the_headline_and_notes_the_pair(write_case, runner, tmp_path):
    from bs4 import BeautifulSoup

    folder = write_case(
        {
            "hypotheses/case.yaml": GROUPED,
            "evidence/evidence.yaml": GROUPED_EVIDENCE,
            "evidence/sources/report.txt": None,
        }
    )
    document = json.loads(runner.invoke(main, ["score", str(folder), "--format", "json"]).stdout)
    head = document["headline"]
    out = tmp_path / "report.html"
    assert runner.invoke(main, ["report", str(folder), "-o", str(out)]).exit_code == 0
    soup = BeautifulSoup(out.read_text(encoding="utf-8"), "html.parser")
    lead = " ".join(soup.select_one("#summary p.lead").get_text().split())
    assert lead.startswith(f"Most probable on this evidence: {head['title']}")
    assert f"— {head['words']} ({head['range']})." in lead
    assert soup.select_one("#summary p.why").get_text() == head["why"]
    # Every percentage in the summary is whole; none has decimals.
    summary = soup.select_one("#summary").get_text()
    assert not re.search(r"\d\.\d+\s*%", summary)
    # Alpha has the higher posterior though PARC ranks it below Beta: the note sits under it.
    pairs = document["order_disagreements"]
    assert [(p["parc_first"], p["posterior_first"]) for p in pairs] == [("b", "a")]
    rows = soup.select("table.ranking tbody:not(.groups) tr")
    titles = [r.a.get_text() if r.a else None for r in rows]
    note = rows[titles.index("Alpha") + 1]
    assert "order-note" in note["class"]
    assert pairs[0]["sentence"] in note.get_text()


def test_no_separating_item_is_said_in_words(write_case, runner):
    folder = write_case(
        {
            "hypotheses/case.yaml": GROUPED,
            "evidence/evidence.yaml": """\
                evidence:
                  - {id: e1, summary: One., kind: assumption, ratings: {a: C, b: C, c: C}}
                """,
            "evidence/sources/report.txt": None,
        }
    )
    document = json.loads(runner.invoke(main, ["score", str(folder), "--format", "json"]).stdout)
    assert document["confidence"]["reasons"][0].startswith(
        "No item separates Gamma from Alpha: too few"
    )


def test_caveats_are_grammatical_for_one_and_many(write_case):
    from argmap.assess import assess
    from argmap.load import load_case

    def caveats(evidence: str, name: str) -> list[str]:
        folder = write_case(
            {
                "hypotheses/case.yaml": """\
                    title: T
                    question: Q?
                    hypotheses:
                      - {id: a, title: Alpha, statement: A.}
                      - {id: b, title: Beta, statement: B.}
                      - {id: other, title: Something else, statement: O.}
                    """,
                "evidence/evidence.yaml": evidence,
                "evidence/sources/report.txt": None,
            },
            name=name,
        )
        return assess(load_case(folder).case, draws=10).caveats

    one = caveats(
        """\
        evidence:
          - {id: e1, summary: One., kind: assumption, deceptive: suspected,
             ratings: {a: C, b: I}}
        """,
        "one",
    )
    assert "1 cell rated NA or unrated takes the neutral likelihood." in one
    assert "1 item is suspected of deception; results are shown with and without it." in one
    many = caveats(
        """\
        evidence:
          - {id: e1, summary: One., kind: assumption, group: x, deceptive: suspected,
             ratings: {a: C, b: I}}
          - {id: e2, summary: Two., kind: assumption, group: x, deceptive: suspected,
             ratings: {a: C}}
        """,
        "many",
    )
    assert "3 cells rated NA or unrated take the neutral likelihood." in many
    assert "2 items are suspected of deception; results are shown with and without them." in many
    assert (
        "2 items share an originator or group with others: in the posteriors, the items of "
        "one originator or group weigh together as one."
    ) in many


def test_the_examples_in_the_docstrings_hold():
    import doctest

    import argmap.wording

    result = doctest.testmod(argmap.wording)
    assert result.failed == 0 and result.attempted >= 8


def test_a_row_shows_three_notes_and_says_how_many_more():
    from argmap.wording import NOTES_PER_ROW, notes_by_row

    notes = notes_by_row([("b", f"Pair {n}.") for n in range(5)])
    assert notes["b"][:NOTES_PER_ROW] == ("Pair 0.", "Pair 1.", "Pair 2.")
    assert notes["b"][NOTES_PER_ROW:] == (
        "And 2 more pairs like these (argmap score --format json lists every one).",
    )
