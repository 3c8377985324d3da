"""Posteriors, robustness and confidence: hand-computed values and properties."""

from __future__ import annotations

import itertools
import json
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from argmap.assess import assess, assessment_json
from argmap.cli import main
from argmap.load import load_case
from argmap.priors import leaf_priors
from argmap.weighing import (
    CODE,
    STEPS,
    Weighing,
    WeighingInput,
    estimative_term,
    log_likelihood_table,
    top_mask,
)

from .test_scoring import THREE

TWO = """\
title: Two
question: Which?
hypotheses:
  - {id: a, title: A, statement: A.}
  - {id: b, title: B, statement: B.}
"""


def _case(write_case, hypotheses: str, evidence: str, name: str = "case"):
    folder = write_case(
        {
            "hypotheses/case.yaml": hypotheses,
            "evidence/evidence.yaml": evidence,
            "evidence/sources/report.txt": None,
        },
        name=name,
    )
    return load_case(folder).case


def test_tempered_likelihood_by_hand():
    table = np.exp(log_likelihood_table({"CC": 0.9, "C": 0.7, "N": 0.5, "I": 0.3, "II": 0.1}))
    # medium × medium: w = 0.75² = 0.5625; P′ = w·P + (1 − w)·½
    assert table[CODE["C"], 1, 1] == pytest.approx(0.5625 * 0.7 + 0.4375 * 0.5)
    assert table[CODE["II"], 2, 2] == pytest.approx(0.1)  # high × high: untempered
    assert table[CODE["CC"], 0, 0] == pytest.approx(0.25 * 0.9 + 0.75 * 0.5)
    assert np.allclose(table[CODE["N"]], 0.5)


def test_posterior_of_one_item_by_hand(write_case):
    case = _case(
        write_case,
        TWO,
        """\
evidence:
  - {id: e, summary: E., kind: assumption, ratings: {a: C, b: I}}
""",
    )
    posterior = assess(case, draws=10).weighing.posterior
    p_a, p_b = 0.5625 * 0.7 + 0.21875, 0.5625 * 0.3 + 0.21875
    assert posterior.tolist() == pytest.approx([p_a / (p_a + p_b), p_b / (p_a + p_b)])


def test_bayes_and_parc_can_disagree(write_case):
    # PARC counts only evidence against: a has one I, b none, so b ranks first.
    # The posterior also weighs the three items that fit a far better than b.
    case = _case(
        write_case,
        TWO,
        """\
evidence:
  - {id: e1, summary: One., kind: assumption, ratings: {a: CC, b: N}}
  - {id: e2, summary: Two., kind: assumption, ratings: {a: CC, b: N}}
  - {id: e3, summary: Three., kind: assumption, ratings: {a: CC, b: N}}
  - {id: e4, summary: Four., kind: assumption, ratings: {a: I, b: N}}
""",
    )
    a = assess(case, draws=50)
    assert a.scores.rank == [2, 1]
    cc, n, i = 0.5625 * 0.9 + 0.21875, 0.5, 0.5625 * 0.3 + 0.21875
    odds = (cc / n) ** 3 * (i / n)
    assert a.weighing.posterior[0] == pytest.approx(odds / (1 + odds))
    assert a.top_ids == ["a"]


def test_na_and_unrated_take_the_neutral_likelihood(write_case):
    rated = _case(
        write_case,
        THREE,
        """\
evidence:
  - {id: e, summary: E., kind: assumption, ratings: {h1: C, h2: N, h3: N}}
""",
        name="rated",
    )
    gaps = _case(
        write_case,
        THREE,
        """\
evidence:
  - {id: e, summary: E., kind: assumption, ratings: {h1: C, h2: NA}}
""",
        name="gaps",
    )
    assert assess(gaps, draws=10).weighing.posterior.tolist() == pytest.approx(
        assess(rated, draws=10).weighing.posterior.tolist()
    )
    assert (
        "2 cells rated NA or unrated take the neutral likelihood." in assess(gaps, draws=10).caveats
    )


def test_priors_default_and_given():
    priors, problems = leaf_priors(["coup", "other"], {"coup": ["palace", "knb"]}, {})
    assert priors == {"palace": 0.25, "knb": 0.25, "other": 0.5} and problems == []
    priors, _ = leaf_priors(
        ["coup", "other", "x"], {"coup": ["palace", "knb"]}, {"knb": 0.1, "other": 0.4}
    )
    assert priors == pytest.approx({"palace": 0.2, "knb": 0.1, "other": 0.4, "x": 0.3})
    _, problems = leaf_priors(["a", "b"], {}, {"a": 0.7, "b": 0.6})
    assert "sum to 1.3, more than the 1 available" in problems[0].message
    _, problems = leaf_priors(["a", "b"], {}, {"a": 0.5, "b": 0.4})
    assert "sum to 0.9, not the 1 available" in problems[0].message


def test_parent_posterior_is_the_sum_of_its_children(write_case):
    hypotheses = """\
title: Groups
question: Which?
hypotheses:
  - {id: coup, title: Coup, statement: A coup.}
  - {id: palace, title: Palace, statement: Palace coup., parent: coup, prior: 30%}
  - {id: army, title: Army, statement: Army coup., parent: coup}
  - {id: other, title: Other, statement: Other.}
"""
    case = _case(
        write_case,
        hypotheses,
        """\
evidence:
  - {id: e, summary: E., kind: assumption, credibility: high, ratings: {palace: C, army: I, other: N}}
""",
    )
    a = assess(case, draws=200)
    assert a.weighing.data.prior.tolist() == pytest.approx([0.3, 0.2, 0.5])
    document = assessment_json(a)
    group = document["groups"][0]
    leaves = {h["id"]: h for h in document["hypotheses"]}
    assert group["posterior"] == pytest.approx(
        leaves["palace"]["posterior"] + leaves["army"]["posterior"], abs=1e-5
    )
    assert group["p_top"] == pytest.approx(
        leaves["palace"]["p_top"] + leaves["army"]["p_top"], abs=1e-5
    )


def test_dependent_items_count_once_between_them(write_case):
    single = _case(
        write_case,
        TWO,
        """\
evidence:
  - {id: e, summary: E., kind: assumption, ratings: {a: CC, b: I}, originator: Minister}
""",
        name="single",
    )
    repeated = _case(
        write_case,
        TWO,
        """\
evidence:
  - {id: e1, summary: E., kind: assumption, ratings: {a: CC, b: I}, originator: Minister}
  - {id: e2, summary: E., kind: assumption, ratings: {a: CC, b: I}, originator: Minister}
  - {id: e3, summary: E., kind: assumption, ratings: {a: CC, b: I}, group: minister-briefing}
""",
        name="repeated",
    )
    once = assess(single, draws=10).weighing.posterior
    twice = assess(repeated, draws=10).weighing
    # e1 and e2 share an originator and count as one; e3 is a group of its own.
    cc, i = 0.5625 * 0.9 + 0.21875, 0.5625 * 0.3 + 0.21875
    odds = (cc / i) ** 2
    assert twice.posterior[0] == pytest.approx(odds / (1 + odds))
    assert twice.posterior[0] > once[0]
    assert twice.independent_posterior[0] > twice.posterior[0]
    assert twice.data.discount.tolist() == [0.5, 0.5, 1.0]


def test_linchpins_and_smallest_change(write_case):
    case = _case(
        write_case,
        TWO,
        """\
evidence:
  - {id: strong, summary: S., kind: assumption, credibility: high, relevance: high, ratings: {a: C, b: II}}
  - {id: weak, summary: W., kind: assumption, credibility: low, ratings: {a: I, b: C}}
  - {id: flat, summary: F., kind: assumption, ratings: {a: C, b: C}}
""",
    )
    a = assess(case, draws=100)
    assert a.top_ids == ["a"]
    assert a.weighing.linchpins.tolist() == [True, False, False]
    document = assessment_json(a)
    assert [e["linchpin"] for e in document["evidence"] if e["id"] == "strong"] == [True]
    found = a.smallest_change
    assert found is not None and found.challenger == "b"
    _assert_smallest(a.weighing, found.changes)


def _apply(w: Weighing, changes) -> bool:
    """Whether the changes alter the top set (recomputed from scratch)."""
    codes = w.data.codes.copy()
    for c in changes:
        i, j = w.data.evidence_ids.index(c.evidence), w.data.leaf_ids.index(c.hypothesis)
        assert STEPS[codes[i, j]] == c.before
        codes[i, j] = CODE[c.after]
    data = replace(w.data, codes=codes)
    return bool((Weighing(data).top != w.top).any())


def _assert_smallest(w: Weighing, changes) -> None:
    assert _apply(w, changes)
    # Plausible changes only: each cell moves one step at most.
    cells = [(c.evidence, c.hypothesis) for c in changes]
    assert len(set(cells)) == len(cells)
    assert all(abs(CODE[c.after] - CODE[c.before]) == 1 for c in changes)
    # Brute force: no set of fewer cells, each moved one step, changes the top.
    moves = []
    for i, j in itertools.product(range(len(w.data.evidence_ids)), range(len(w.data.leaf_ids))):
        if not w.data.fixed[i, j]:
            moves.append((i, j))
    for k in range(1, len(changes)):
        for combo in itertools.combinations(moves, k):
            for signs in itertools.product((-1, 1), repeat=k):
                trial = w.data.codes.astype(int).copy()
                for (i, j), sign in zip(combo, signs, strict=True):
                    trial[i, j] += sign
                if (trial < 0).any() or (trial > 4).any():
                    continue
                data = replace(w.data, codes=trial.astype(np.int8))
                assert not (Weighing(data).top != w.top).any(), (k, combo, signs)


@st.composite
def matrices(draw):
    n_items = draw(st.integers(1, 5))
    n_leaves = draw(st.integers(2, 4))
    cells = st.sampled_from(["CC", "C", "N", "I", "II", "NA"])
    ratings = [[draw(cells) for _ in range(n_leaves)] for _ in range(n_items)]
    codes = np.array([[CODE.get(r, CODE["N"]) for r in row] for row in ratings], dtype=np.int8)
    fixed = np.array([[r == "NA" for r in row] for row in ratings], dtype=bool)
    levels = st.integers(0, 2)
    cred = np.array([draw(levels) for _ in range(n_items)], dtype=np.int8)
    rel = np.array([draw(levels) for _ in range(n_items)], dtype=np.int8)
    groups = tuple(draw(st.sampled_from([None, "x", "y"])) for _ in range(n_items))
    return WeighingInput(
        leaf_ids=tuple(f"h{j}" for j in range(n_leaves)),
        evidence_ids=tuple(f"e{i}" for i in range(n_items)),
        codes=codes,
        fixed=fixed,
        credibility=cred,
        relevance=rel,
        dependence_group=groups,
        deceptive=np.zeros(n_items, dtype=bool),
        prior=np.full(n_leaves, 1 / n_leaves),
    )


@settings(max_examples=150, deadline=None)
@given(matrices())
def test_posteriors_sum_to_one(data):
    w = Weighing(data)
    assert w.posterior.sum() == pytest.approx(1.0)
    assert (w.posterior > 0).all()


@settings(max_examples=150, deadline=None)
@given(matrices(), st.sampled_from(["CC", "C", "N", "I", "II"]), st.integers(0, 2))
def test_an_item_rated_alike_everywhere_changes_nothing(data, rating, level):
    before = Weighing(data).posterior
    n_leaves = len(data.leaf_ids)
    extended = WeighingInput(
        leaf_ids=data.leaf_ids,
        evidence_ids=(*data.evidence_ids, "same"),
        codes=np.vstack([data.codes, np.full(n_leaves, CODE[rating], dtype=np.int8)]),
        fixed=np.vstack([data.fixed, np.zeros(n_leaves, dtype=bool)]),
        credibility=np.append(data.credibility, level).astype(np.int8),
        relevance=np.append(data.relevance, level).astype(np.int8),
        dependence_group=(*data.dependence_group, None),
        deceptive=np.zeros(len(data.evidence_ids) + 1, dtype=bool),
        prior=data.prior,
    )
    assert Weighing(extended).posterior.tolist() == pytest.approx(before.tolist())


@settings(max_examples=100, deadline=None)
@given(matrices())
def test_leave_one_out_matches_recomputing(data):
    w = Weighing(data)
    for i in range(len(data.evidence_ids)):
        mask = np.zeros(len(data.evidence_ids), dtype=bool)
        mask[i] = True
        recomputed = w.log_posterior(data.without(mask))
        assert w.removal_log_posteriors[i] - w.removal_log_posteriors[i].max() == pytest.approx(
            recomputed - recomputed.max()
        )
        assert bool(w.linchpins[i]) == bool((top_mask(recomputed) != w.top).any())


@settings(max_examples=40, deadline=None)
@given(matrices())
def test_smallest_change_is_smallest(data):
    w = Weighing(data)
    found = w.smallest_change(max_changes=3)
    if found is not None and len(found.changes) <= 2:
        _assert_smallest(w, found.changes)


def test_monte_carlo_is_seeded_and_sums(write_case):
    _, case = _clear_and_close(write_case)
    first = assess(case, draws=500, seed=7).monte_carlo
    again = assess(case, draws=500, seed=7).monte_carlo
    other = assess(case, draws=500, seed=8).monte_carlo
    assert first.p_top.tolist() == again.p_top.tolist()
    assert first.p_top.tolist() != other.p_top.tolist()
    assert first.p_top.sum() == pytest.approx(1.0)
    assert (first.low <= first.high).all()


def _clear_and_close(write_case):
    clear = _case(
        write_case,
        THREE,
        "evidence:\n"
        + "".join(
            f"  - {{id: e{i}, summary: S{i}., kind: assumption, credibility: high,"
            " ratings: {h1: CC, h2: II, h3: II}}\n"
            for i in range(12)
        ),
        name="clear",
    )
    close = _case(
        write_case,
        THREE,
        """\
evidence:
  - {id: e1, summary: One., kind: assumption, ratings: {h1: C, h2: I, h3: II}}
  - {id: e2, summary: Two., kind: assumption, ratings: {h1: N, h2: C, h3: I}}
""",
        name="close",
    )
    return clear, close


def test_monte_carlo_stops_once_the_shares_are_decided(write_case):
    from argmap.weighing import DRAWS_PER_ROUND

    clear, close = _clear_and_close(write_case)
    decided = assess(clear, draws=5000).monte_carlo
    # On top in every draw: settled to the percentage point after the first rounds.
    assert DRAWS_PER_ROUND <= decided.draws <= 1000
    assert decided.p_top.tolist() == [1.0, 0.0, 0.0]
    full = assess(clear, draws=5000).weighing.monte_carlo(5000, stop_early=False)
    assert full.draws == 5000 and full.p_top.tolist() == [1.0, 0.0, 0.0]
    # Shares near a half are never settled at a point: every draw asked for is drawn.
    undecided = assess(close, draws=3000).monte_carlo
    assert undecided.draws == 3000
    assert assess(close, draws=3000).monte_carlo.p_top.tolist() == undecided.p_top.tolist()


def test_deceptive_items_are_shown_with_and_without(write_case):
    case = _case(
        write_case,
        TWO,
        """\
evidence:
  - {id: e1, summary: One., kind: assumption, ratings: {a: CC, b: II}, deceptive: suspected}
  - {id: e2, summary: Two., kind: assumption, ratings: {a: I, b: C}}
""",
    )
    document = assessment_json(assess(case, draws=50))
    a = next(h for h in document["hypotheses"] if h["id"] == "a")
    assert a["posterior"] > 0.5 > a["posterior_without_deceptive"]


@pytest.mark.parametrize(
    ("p", "term"),
    [
        (0.01, "almost no chance"),
        (0.05, "very unlikely"),
        (0.3, "unlikely"),
        (0.45, "roughly even chance"),
        (0.55, "roughly even chance"),
        (0.7, "likely"),
        (0.9, "very likely"),
        (0.97, "almost certain"),
    ],
)
def test_estimative_terms(p, term):
    assert estimative_term(p) == term


def test_score_json_is_deterministic_and_complete(write_case, runner):
    folder = write_case()
    outputs = [runner.invoke(main, ["score", str(folder), "--format", "json"]) for _ in range(2)]
    assert outputs[0].exit_code == 0, outputs[0].output
    assert outputs[0].stdout == outputs[1].stdout
    document = json.loads(outputs[0].stdout)
    assert sum(h["posterior"] for h in document["hypotheses"]) == pytest.approx(1.0, abs=1e-5)
    for h in document["hypotheses"]:
        assert {"posterior", "p_top", "estimate", "interval", "rank"} <= set(h)
    assert all("linchpin" in e for e in document["evidence"])
    assert document["confidence"]["level"] in ("low", "moderate", "high")
    assert document["confidence"]["reasons"]


def test_shipped_case_confidence_is_low_with_reasons():
    from .conftest import REPO

    a = assess(load_case(REPO).case, draws=300)
    assert a.confidence.level == "low"
    assert any("single source" in reason for reason in a.confidence.reasons)


PRIORS = """\
title: Priors
question: Which?
hypotheses:
  - id: coup
    title: Coup
    statement: A coup.
  - id: palace
    title: Palace
    statement: Palace coup.
    parent: coup
    prior: {palace}
  - id: army
    title: Army
    statement: Army coup.
    parent: coup
    prior: {army}
  - id: other
    title: Other
    statement: Other.
"""


@pytest.mark.parametrize(
    ("palace", "army", "line", "message"),
    [
        (
            "0.3",
            "0.3",
            11,
            "priors of palace, army sum to 0.6, more than the 0.5 available to the children of coup",
        ),
        (
            "0.2",
            "0.2",
            11,
            "priors of palace, army sum to 0.4, not the 0.5 available to the children of coup",
        ),
        ("0", "0.5", 11, "greater than 0"),
        ("lots", "0.5", 11, "'lots'"),
    ],
)
def test_prior_errors_name_file_and_line(write_case, palace, army, line, message):
    from argmap.problems import CaseError

    folder = write_case(
        {
            "hypotheses/case.yaml": PRIORS.format(palace=palace, army=army),
            "evidence/evidence.yaml": "evidence: []\n",
            "evidence/sources/report.txt": None,
        }
    )
    with pytest.raises(CaseError) as caught:
        load_case(folder)
    problem = caught.value.problems[0]
    assert (problem.line, problem.field.split(".")[-1]) == (line, "prior")
    assert message in problem.message


def test_priors_as_percentages(write_case):
    folder = write_case(
        {
            "hypotheses/case.yaml": PRIORS.format(palace="10%", army="40%"),
            "evidence/evidence.yaml": "evidence: []\n",
            "evidence/sources/report.txt": None,
        }
    )
    case = load_case(folder).case
    assert [h.prior for h in case.hypotheses] == [None, 0.1, 0.4, None]
    assert assess(case, draws=10).weighing.data.prior.tolist() == pytest.approx([0.1, 0.4, 0.5])


def test_missing_catch_all_is_a_warning_and_a_caveat(write_case):
    folder = write_case(
        {
            "hypotheses/case.yaml": TWO,
            "evidence/evidence.yaml": """\
evidence:
  - {id: e, summary: E., kind: assumption, ratings: {a: C, b: I}}
""",
            "evidence/sources/report.txt": None,
        }
    )
    result = load_case(folder)
    assert [(w.line, w.message) for w in result.warnings] == [
        (3, "no catch-all hypothesis: the posteriors assume one of these is true")
    ]
    assert any("No catch-all hypothesis" in c for c in assess(result.case, draws=10).caveats)


def _reference_p_top(data: WeighingInput, draws: int, seed: int) -> np.ndarray:
    """The Monte Carlo as the docs state it, one draw at a time, for comparison."""
    rng = np.random.default_rng(seed)
    counts = np.zeros(len(data.leaf_ids))
    for _ in range(draws):
        u = rng.random(data.codes.shape)
        step = np.where(u < 0.075, 1, np.where(u > 0.925, -1, 0)) * ~data.fixed
        codes = np.clip(data.codes + step, 0, 4)
        levels = []
        for original in (data.credibility, data.relevance):
            v = rng.random(len(original))
            levels.append(
                np.clip(original + np.where(v < 0.075, 1, np.where(v > 0.925, -1, 0)), 0, 2)
            )
        trial = replace(
            data,
            codes=codes.astype(np.int8),
            credibility=levels[0].astype(np.int8),
            relevance=levels[1].astype(np.int8),
        )
        top = Weighing(trial).top
        counts += top / top.sum()
    return counts / draws


def test_monte_carlo_matches_a_plain_reference_implementation():
    codes = np.array([[3, 1, 2], [2, 2, 1], [4, 2, 0], [1, 3, 2]], dtype=np.int8)
    data = WeighingInput(
        leaf_ids=("a", "b", "c"),
        evidence_ids=("e1", "e2", "e3", "e4"),
        codes=codes,
        fixed=np.array([[False, False, True], [False] * 3, [False] * 3, [False] * 3]),
        credibility=np.array([0, 1, 2, 1], dtype=np.int8),
        relevance=np.array([1, 1, 0, 2], dtype=np.int8),
        dependence_group=(None, "x", "x", None),
        deceptive=np.zeros(4, dtype=bool),
        prior=np.full(3, 1 / 3),
    )
    fast = Weighing(data).monte_carlo(draws=6000, seed=3).p_top
    reference = _reference_p_top(data, draws=3000, seed=4)
    # Independent streams: agreement within sampling error (sd ≤ 0.01 at these counts).
    assert np.abs(fast - reference).max() < 0.04
    assert fast.sum() == pytest.approx(1.0)


def test_reversal_shift_matches_recomputing(write_case):
    case = _case(
        write_case,
        THREE,
        """\
evidence:
  - {id: e1, summary: One., kind: assumption, credibility: high, ratings: {h1: CC, h2: I, h3: NA}}
  - {id: e2, summary: Two., kind: assumption, ratings: {h1: N, h2: C, h3: II}}
""",
    )
    w = assess(case, draws=10).weighing
    reversed_codes = w.data.codes.copy()
    reversed_codes[0] = [CODE["II"], CODE["C"], w.data.codes[0, 2]]
    again = Weighing(replace(w.data, codes=reversed_codes))
    top = int(np.argmax(w.posterior))
    assert w.reversal_shift[0] == pytest.approx(again.posterior[top] - w.posterior[top])
    assert w.reversal_shift[0] < 0 < w.posterior[top]
