"""Analyst workshops: ratings files, consensus and disagreement by hand, scoring an analyst's
or the consensus matrix, merging files in, the report's workshop section, the rating sheet.

The cases are the conftest's warehouse fire (hypotheses accident, arson, other; items van,
alarm) with ratings files added in temporary folders: the shipped case gets none.
"""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pytest
import yaml
from bs4 import BeautifulSoup

from argmap.casewriter import yaml_quoted
from argmap.cli import main
from argmap.load import load_case
from argmap.problems import CaseError
from argmap.ratingsfile import analyst_key, analyst_slug, anonymous_labels, ratings_file_name
from argmap.workshop.aggregate import VOTE_CODE, Analyst, Workshop, build_workshop

from .conftest import HYPOTHESES_WITH_GROUP, REPO, write_case_files

ALICE = """\
analyst: Alice Able
ratings:
  van: {accident: I, arson: C, other: N}
  alarm: {accident: II, arson: CC, other: DK}
rationale:
  alarm:
    arson: Whoever knew the code switched it off.
"""
BOB = """\
analyst: Bob Baker
ratings:
  van: {accident: N, arson: CC, other: N}
  alarm: {accident: CC, arson: II, other: NA}
rationale:
  alarm:
    accident: Old wiring trips alarms <all the time>.
"""
BOB_ROUND_2 = """\
analyst: Bob Baker
round: 2
ratings:
  alarm: {accident: I, arson: C}
rationale:
  alarm:
    arson: Persuaded by the maintenance log.
"""


# --- consensus and disagreement, computed by hand -------------------------------------


def workshop_of(cells: list[list[str]]) -> Workshop:
    """One item, one hypothesis per entry of ``cells``; each entry the analysts' votes."""
    analysts = max((len(votes) for votes in cells), default=0)
    array = np.zeros((analysts, 1, len(cells)), dtype=np.int8)
    for j, votes in enumerate(cells):
        for a, vote in enumerate(votes):
            array[a, 0, j] = VOTE_CODE[vote]
    return Workshop(
        evidence_ids=("e",),
        leaf_ids=tuple(f"h{j}" for j in range(len(cells))),
        analysts=tuple(Analyst(f"n{a}", f"n{a}", chr(65 + a), 1) for a in range(analysts)),
        votes=array,
        rationale=tuple({} for _ in range(analysts)),
        round=1,
        changes=(),
        labels={},
    )


# votes, standard deviation, band (-1 none, 0 consensus … 3 extreme), consensus ("" none)
HAND_COMPUTED = [
    (["C", "C", "C"], 0.0, 0, "C"),
    (["N", "C"], math.sqrt(0.5), 1, "N"),  # mean 3.5: halves go towards N
    (["N", "C", "C", "C"], 0.5, 1, "C"),  # variance (4·57 − 15²)/12 = 1/4: exactly 0.5 is mild
    (["II", "N", "C"], math.sqrt(14 / 6), 2, "N"),  # 1.53
    (["II", "N", "CC"], 2.0, 3, "N"),  # exactly 2.0 is extreme
    (["II", "CC"], math.sqrt(8), 3, "N"),  # the consensus says N; the band says it means nothing
    (["I", "II"], math.sqrt(0.5), 1, "I"),  # mean 1.5 → I, towards N
    (["C", "CC"], math.sqrt(0.5), 1, "C"),
    (["CC", "CC", "C"], math.sqrt(1 / 3), 1, "CC"),  # mean 4.67 → CC
    (["NA", "CC"], math.sqrt(0.5), 1, "CC"),  # applicability 0/1: SD 0.71; NA does not outvote
    (["NA", "NA", "C"], math.sqrt(1 / 3), 1, "NA"),  # NA outnumbers the ratings
    (["I", "I", "DK", "NA", "I"], 0.5, 1, "I"),  # applicability 3/12 → SD 0.5; DK is no vote
    (["DK", "DK", "C"], 0.0, -1, "C"),  # one vote: no band
    (["NA", "DK"], 0.0, -1, "NA"),
    (["DK", "DK"], 0.0, -1, ""),
    (["I", "C", "I", "I"], 1.0, 1, "N"),  # mean 2.5 → N
    (["II", "II", "CC", "CC"], math.sqrt(16 / 3), 3, "N"),
]


@pytest.mark.parametrize(("votes", "spread", "band", "consensus"), HAND_COMPUTED)
def test_disagreement_bands_and_consensus_by_hand(votes, spread, band, consensus):
    w = workshop_of([votes])
    assert w.disagreement[0, 0] == pytest.approx(spread)
    assert int(w.band[0, 0]) == band
    code = int(w.consensus[0, 0])
    assert ({v: k for k, v in VOTE_CODE.items()}.get(code, "")) == consensus


def test_all_cells_at_once_match_cell_by_cell():
    w = workshop_of([votes for votes, *_ in HAND_COMPUTED])
    assert [int(b) for b in w.band[0]] == [band for _, _, band, _ in HAND_COMPUTED]
    assert w.disagreement[0] == pytest.approx([spread for _, spread, _, _ in HAND_COMPUTED])
    assert w.vote_count[0].tolist() == [
        sum(v != "DK" for v in votes) for votes, *_ in HAND_COMPUTED
    ]


def test_large_workshop_is_computed_on_arrays_quickly():
    import time

    rng = np.random.default_rng(1)
    votes = rng.integers(0, 8, size=(30, 2000, 40), dtype=np.int8)
    w = Workshop(
        evidence_ids=tuple(f"e{i}" for i in range(2000)),
        leaf_ids=tuple(f"h{j}" for j in range(40)),
        analysts=tuple(Analyst(f"n{a}", f"n{a}", "A", 1) for a in range(30)),
        votes=votes,
        rationale=tuple({} for _ in range(30)),
        round=1,
        changes=(),
        labels={},
    )
    started = time.perf_counter()
    band, agenda = w.band, w.agenda(np.ones(2000))
    assert time.perf_counter() - started < 5
    # Spot-check one cell against the definition, with the standard library.
    import statistics

    cell = [int(v) for v in votes[:, 17, 3]]
    rated = [v for v in cell if 1 <= v <= 5]
    applicable = [0 if v == 6 else 1 for v in cell if 1 <= v <= 6]
    expected = max(statistics.stdev(rated), statistics.stdev(applicable))
    assert w.disagreement[17, 3] == pytest.approx(expected)
    assert band.shape == (2000, 40) and len(agenda) == int((band >= 1).sum())


# votes → disputed: one analyst a single step from all the others (a notch) is no dispute;
# with two to four votes it is mild by Open Synthesis's bands, with five it is consensus.
NOTCHES = [
    (["C", "N"], 1, False),  # two analysts a step apart: SD 0.71, mild, a notch
    (["C", "C", "N"], 1, False),  # SD 0.58
    (["C", "N", "N"], 1, False),
    (["C", "C", "C", "N"], 1, False),  # SD 0.50: exactly mild
    (["C", "C", "N", "DK"], 1, False),  # DK is no vote
    (["C", "C", "C", "C", "N"], 0, False),  # SD 0.45: consensus anyway
    (["C", "C", "N", "N"], 1, True),  # two against two: a split, not one analyst
    (["C", "C", "C", "N", "N"], 1, True),  # SD 0.55
    (["CC", "C", "N"], 1, True),  # ratings two steps apart
    (["C", "C", "II"], 2, True),  # one analyst, but three steps off
    (["NA", "C"], 1, True),  # applicability is a vote of its own
    (["NA", "C", "C"], 1, True),
    (["II", "CC"], 3, True),
    (["C", "DK"], -1, False),  # one vote
]


@pytest.mark.parametrize(("votes", "band", "disputed"), NOTCHES)
def test_a_single_one_step_difference_is_no_dispute(votes, band, disputed):
    w = workshop_of([votes])
    assert int(w.band[0, 0]) == band
    assert bool(w.disputed[0, 0]) is disputed
    assert bool(w.notch[0, 0]) is (band == 1 and not disputed)


def test_kinds_count_every_cell_once():
    w = workshop_of([votes for votes, *_ in NOTCHES + [(["N", "N"], 0, False)]])
    assert w.kind_counts() == {
        "consensus": 2,
        "notch": 5,
        "mild": 5,
        "large": 1,
        "extreme": 1,
        "few": 1,
    }


def test_agenda_orders_by_band_times_diagnosticity(write_case):
    folder = write_case(
        {
            "evidence/ratings/a.yaml": "analyst: A\nratings:\n"
            "  van: {accident: II, arson: CC, other: N}\n"
            "  alarm: {accident: I, arson: C, other: N}\n",
            "evidence/ratings/b.yaml": "analyst: B\nratings:\n"
            "  van: {accident: CC, arson: CC, other: N}\n"
            "  alarm: {accident: N, arson: C, other: CC}\n",
        }
    )
    result = load_case(folder)
    w = build_workshop(result.case, result.ratings)
    weights = np.array([1.0, 2.0])  # van medium × medium, alarm high × medium
    # van: A spread 4, B spread 2 → mean 3 × weight 1; alarm: A 2, B 2 → 2 × 2 = 4.
    assert w.item_diagnosticity(weights) == pytest.approx([3.0, 4.0])
    # van × accident: II vs CC, extreme (3) × 3 = 9; alarm × other: N vs CC, mild (1) × 4;
    # alarm × accident, I vs N, is one analyst a notch off: no dispute.
    agenda = w.agenda(weights)
    assert [(i, j, p) for i, j, p in agenda] == [(0, 0, 9.0), (1, 2, 4.0)]
    # A cell whose re-rating could change the consensus leader counts double.
    pivotal = np.array([[False, False, False], [False, False, True]])
    assert [(i, j, p) for i, j, p in w.agenda(weights, pivotal)] == [(0, 0, 9.0), (1, 2, 8.0)]


def test_an_extreme_cell_on_an_item_rated_against_one_hypothesis_leads_the_agenda(write_case):
    """Each analyst rates the alarm against accident only, NA against the rest: their own
    PARC spread of the row is nothing, but NA counts as N for the agenda (as Open Synthesis
    counts it), so the one extreme dispute is not sunk below every mild one."""
    folder = write_case(
        {
            "evidence/ratings/a.yaml": "analyst: A\nratings:\n"
            "  van: {accident: I, arson: CC, other: N}\n"
            "  alarm: {accident: CC, arson: NA, other: NA}\n",
            "evidence/ratings/b.yaml": "analyst: B\nratings:\n"
            "  van: {accident: N, arson: C, other: I}\n"
            "  alarm: {accident: II, arson: NA, other: NA}\n",
            "evidence/ratings/c.yaml": "analyst: C\nratings:\n"
            "  van: {accident: C, arson: I, other: N}\n"
            "  alarm: {accident: N, arson: NA, other: NA}\n",
        }
    )
    result = load_case(folder)
    w = build_workshop(result.case, result.ratings)
    agenda = w.agenda(np.ones(2))
    bands = [int(w.band[i, j]) for i, j, _ in agenda]
    extreme = bands.index(3)
    assert agenda[extreme][:2] == (1, 0)
    # Spreads with NA as N: A CC/N 2, B II/N 2, C N/N 0: a mean of 4/3, × extreme (3).
    assert agenda[extreme][2] == pytest.approx(4.0)
    assert all(band > 1 for band in bands[:extreme])  # ahead of every mild dispute


def _leaders(case) -> frozenset[str]:
    from argmap.assess import weighing_input
    from argmap.weighing import Weighing

    return frozenset(Weighing(weighing_input(case)).top_ids)


def test_pivotal_cells_are_those_whose_re_rating_changes_the_consensus_leader(tmp_path):
    """Checked against the definition: the consensus case re-built with the cell re-rated
    to each analyst's rating, and weighed again, for every cell of the shipped case."""
    import random
    import shutil

    from argmap.vocabulary import SCALE_CODES
    from argmap.workshop.aggregate import case_with_ratings, consensus_case, consensus_weighing

    folder = tmp_path / "case"
    for part in ("hypotheses", "evidence"):
        shutil.copytree(REPO / part, folder / part)
    case = load_case(folder).case
    rng = random.Random(18)
    for a in range(3):
        ratings = {}
        for item in case.evidence:
            row = {}
            for leaf in case.leaves:
                base = item.ratings.get(leaf.id, "N")
                if base not in SCALE_CODES or rng.random() < 0.05:
                    row[leaf.id] = rng.choice(["NA", "DK", base])
                    continue
                step = SCALE_CODES.index(base) + rng.choice([-2, -1, 0, 0, 0, 1, 2])
                row[leaf.id] = SCALE_CODES[min(max(step, 0), len(SCALE_CODES) - 1)]
            ratings[item.id] = row
        text = yaml.safe_dump({"analyst": f"Analyst {a}", "ratings": ratings})
        (folder / "evidence" / "ratings").mkdir(exist_ok=True)
        (folder / "evidence" / "ratings" / f"a{a}.yaml").write_text(text, encoding="utf-8")
    result = load_case(folder)
    w = build_workshop(result.case, result.ratings)
    consensus = w.consensus_ratings()
    leader = _leaders(consensus_case(result.case, w))
    pivotal = w.pivotal(consensus_weighing(result.case, w))
    expected = np.zeros_like(pivotal)
    for i, eid in enumerate(w.evidence_ids):
        for j, hid in enumerate(w.leaf_ids):
            for a in range(len(w.analysts)):
                vote = w.ratings_of(a).get(eid, {}).get(hid)
                if vote is None or vote not in SCALE_CODES:
                    continue  # NA weighs as unrated: it moves nothing
                moved = {e: dict(cells) for e, cells in consensus.items()}
                moved.setdefault(eid, {})[hid] = vote
                if _leaders(case_with_ratings(result.case, moved)) != leader:
                    expected[i, j] = True
    assert expected.any() and not expected.all()
    assert pivotal.tolist() == expected.tolist()


def test_agenda_of_a_large_workshop_is_fast():
    """20 hypotheses × 1000 items × 5 analysts: bands, notches, pivotal cells and the agenda."""
    import time

    from argmap.weighing import WeighingInput

    rng = np.random.default_rng(5)
    items, leaves, analysts = 1000, 20, 5
    votes = rng.integers(0, 8, size=(analysts, items, leaves), dtype=np.int8)
    w = Workshop(
        evidence_ids=tuple(f"e{i}" for i in range(items)),
        leaf_ids=tuple(f"h{j}" for j in range(leaves)),
        analysts=tuple(Analyst(f"n{a}", f"n{a}", chr(65 + a), 1) for a in range(analysts)),
        votes=votes,
        rationale=tuple({} for _ in range(analysts)),
        round=1,
        changes=(),
        labels={},
    )
    consensus = w.consensus.astype(np.int64)
    fixed = (consensus < 1) | (consensus > 5)
    data = WeighingInput(
        leaf_ids=w.leaf_ids,
        evidence_ids=w.evidence_ids,
        codes=np.where(fixed, 2, consensus - 1).astype(np.int8),
        fixed=fixed,
        credibility=rng.integers(0, 3, size=items, dtype=np.int8),
        relevance=rng.integers(0, 3, size=items, dtype=np.int8),
        dependence_group=tuple(None for _ in range(items)),
        deceptive=np.zeros(items, dtype=bool),
        prior=np.full(leaves, 1 / leaves),
    )
    started = time.perf_counter()
    pivotal = w.pivotal(data)
    agenda = w.agenda(np.ones(items), pivotal)
    assert time.perf_counter() - started < 2
    assert len(agenda) == int(w.disputed.sum()) > 0


# --- the ratings file in the case ------------------------------------------------------


def test_ratings_files_load_with_the_case(write_case):
    folder = write_case({"evidence/ratings/alice.yaml": ALICE, "evidence/ratings/bob.yaml": BOB})
    result = load_case(folder)
    assert result.warnings == []
    assert [(r.analyst, r.round, r.path.name) for r in result.ratings] == [
        ("Alice Able", 1, "alice.yaml"),
        ("Bob Baker", 1, "bob.yaml"),
    ]
    assert result.ratings[0].ratings["alarm"]["other"] == "DK"


@pytest.mark.parametrize(
    ("text", "line", "field", "message"),
    [
        (
            "analyst: A\nratings:\n  van: {accident: I}\n  alarn: {arson: C}\n",
            4,
            "ratings.alarn",
            "'alarn' is not an evidence item of the case",
        ),
        (
            "analyst: A\nratings:\n  van:\n    accident: I\n    arzon: C\n",
            5,
            "ratings.van.arzon",
            "'arzon' is not a hypothesis of the case",
        ),
        (
            "analyst: A\nratings:\n  van: {accident: X}\n",
            3,
            "ratings.van.accident",
            "'X' is not allowed",
        ),
        (
            "analyst: A\nratings:\n  van: {accident: i}\n",
            3,
            "ratings.van.accident",
            "'i' is not allowed",
        ),
        (
            "analyst: A\nratings:\n  van: {accident: I}\nrationale:\n  van:\n    nobody: why\n",
            6,
            "rationale.van.nobody",
            "'nobody' is not a hypothesis of the case",
        ),
        ("analyst: A\nround: two\nratings: {}\n", 2, "round", "'two' is not a whole number"),
        ("analyst: A\nround: 0\n", 2, "round", "'0' is out of range: it must be at least 1"),
        ("ratings:\n  van: {accident: I}\n", 1, "analyst", "'analyst' is required"),
        ("analyst: A\nratngs: {}\n", 2, "ratngs", "unknown key 'ratngs'"),
        ("analyst: |\n  Two\n  lines\n", 1, "analyst", "an analyst's name is one line"),
        ("analyst: ' '\n", 1, "analyst", "empty value"),
        (f"analyst: {'A' * 81}\n", 1, "analyst", "an analyst's name has at most 80 characters"),
        ("analyst: A\nratings:\n  van: {accident: I}\n  van: {arson: C}\n", 4, "", None),
    ],
)
def test_ratings_file_errors_name_file_and_line(write_case, text, line, field, message):
    folder = write_case({"evidence/ratings/a.yaml": text})
    with pytest.raises(CaseError) as info:
        load_case(folder)
    problem = info.value.errors[0]
    assert problem.file == folder / "evidence/ratings/a.yaml"
    assert (problem.line, problem.field) == (line, field)
    if message is None:
        assert problem.message.startswith("duplicate key 'van'")
    else:
        assert problem.message == message


def test_suggestions_and_parent_hypotheses(write_case):
    folder = write_case(
        {
            "hypotheses/case.yaml": HYPOTHESES_WITH_GROUP,
            "evidence/ratings/a.yaml": "analyst: A\nratings:\n  van: {crime: I, arzon: C}\n",
        }
    )
    problems = {
        (p.field, p.message, p.hint)
        for p in pytest.raises(CaseError, load_case, folder).value.errors
    }
    assert (
        "ratings.van.crime",
        "'crime' has sub-hypotheses and is not rated itself",
        "rate its sub-hypotheses instead",
    ) in problems
    assert any(
        f == "ratings.van.arzon" and h.startswith("did you mean 'arson'?") for f, _, h in problems
    )


def test_one_file_per_analyst_and_round(write_case):
    folder = write_case(
        {
            "evidence/ratings/alice.yaml": ALICE,
            "evidence/ratings/copy.yaml": "analyst: alice   ABLE\nratings: {}\n",
        }
    )
    problem = pytest.raises(CaseError, load_case, folder).value.errors[0]
    assert (problem.file.name, problem.line, problem.field) == ("copy.yaml", 1, "analyst")
    assert (
        problem.message == "alice ABLE's round 1 ratings are already in evidence/ratings/alice.yaml"
    )


@pytest.mark.parametrize(
    "written",
    [
        "An\u200bn",  # a zero-width space
        "\u200eAnn\u2060",  # a left-to-right mark and a word joiner
        "A\u00adnn",  # a soft hyphen
        "\uff21\uff4e\uff4e",  # fullwidth letters
        "ANN",
        "  ann ",
    ],
)
def test_one_analyst_however_the_name_is_typed(written):
    # Invisible format characters and compatibility forms are not part of who someone is.
    assert analyst_key(written) == analyst_key("Ann") == "ann"


def test_look_alike_letters_from_another_script_are_another_analyst():
    # A Cyrillic А is another letter: the key keeps it, the loader warns (below).
    assert analyst_key("\u0410nn") != analyst_key("Ann")


def test_a_name_with_an_invisible_character_is_the_same_analyst(write_case):
    folder = write_case(
        {
            "evidence/ratings/alice.yaml": ALICE,
            "evidence/ratings/copy.yaml": 'analyst: "Alice\\u200b Able"\nratings: {}\n',
        }
    )
    [problem] = pytest.raises(CaseError, load_case, folder).value.errors
    assert (problem.file.name, problem.line, problem.field) == ("copy.yaml", 1, "analyst")
    assert problem.message.endswith("'s round 1 ratings are already in evidence/ratings/alice.yaml")


def test_a_name_that_looks_like_another_analysts_warns_naming_both_files(write_case):
    # "Аlice Able" with a Cyrillic А: two analysts to argmap, one to whoever reads the report.
    folder = write_case(
        {
            "evidence/ratings/alice.yaml": ALICE,
            "evidence/ratings/mallory.yaml": ALICE.replace("Alice Able", "\u0410lice Able"),
        }
    )
    result = load_case(folder)
    assert len({r.key for r in result.ratings}) == 2
    [problem] = result.warnings
    assert (problem.file.name, problem.line, problem.field) == ("mallory.yaml", 1, "analyst")
    assert problem.message == (
        "analyst '\u0410lice Able' looks like 'Alice Able' in evidence/ratings/alice.yaml but "
        "is written with other letters (Cyrillic '\u0410' U+0410): argmap counts two analysts"
    )
    assert problem.hint.startswith("type the name in one script")


def test_the_look_alike_is_warned_about_whichever_file_comes_first(write_case):
    folder = write_case(
        {
            "evidence/ratings/a.yaml": ALICE.replace("Alice Able", "Alic\u0435 Able"),
            "evidence/ratings/b.yaml": ALICE.replace("Alice Able", "Alice Able"),
            # b's analyst again, in round 2: one analyst, one warning
            "evidence/ratings/c.yaml": "analyst: alice able\nround: 2\nratings:\n"
            "  van: {accident: I}\n",
        }
    )
    [problem] = load_case(folder).warnings
    assert (problem.file.name, problem.line) == ("a.yaml", 1)
    assert problem.message.startswith(
        "analyst 'Alic\u0435 Able' looks like 'Alice Able' in evidence/ratings/b.yaml but"
    )
    assert "(Cyrillic '\u0435' U+0435)" in problem.message


def test_a_name_that_mixes_scripts_warns_on_its_own(write_case):
    folder = write_case({"evidence/ratings/bob.yaml": BOB.replace("Bob", "B\u043eb")})
    [problem] = load_case(folder).warnings
    assert (problem.file.name, problem.line, problem.severity) == ("bob.yaml", 1, "warning")
    assert problem.message == (
        "analyst 'B\u043eb Baker' mixes Cyrillic and Latin letters in one word "
        "(Cyrillic '\u043e' U+043E)"
    )


@pytest.mark.parametrize(
    "name",
    [
        "\u5c71\u7530 \u305f\u308d\u3046",  # Han and Hiragana: one writing system
        "\u03a3\u03bf\u03c6\u03af\u03b1 P.",  # Greek and a Latin initial: two words
        "\u0141ukasz \u017bak",
        "\u0410\u043d\u043d\u0430",  # all Cyrillic
        "Ann-2 (lead)",
    ],
)
def test_names_in_one_script_or_without_look_alikes_do_not_warn(write_case, name):
    folder = write_case({"evidence/ratings/x.yaml": ALICE.replace("Alice Able", name)})
    assert load_case(folder).warnings == []


def test_check_warns_about_unexplained_changes_and_empty_files(write_case, runner):
    folder = write_case(
        {
            "evidence/ratings/bob.yaml": BOB,
            "evidence/ratings/bob.round2.yaml": "analyst: Bob Baker\nround: 2\nratings:\n"
            "  van: {accident: I, arson: CC}\n",
            "evidence/ratings/carol.yaml": "analyst: Carol\n",
        }
    )
    result = runner.invoke(main, ["check", str(folder)])
    assert result.exit_code == 0, result.output
    assert (
        "evidence/ratings/bob.round2.yaml:4: warning: ratings.van.accident: changed from N "
        in result.stderr
    )
    assert "in round 1 to I without a rationale" in result.stderr
    assert "evidence/ratings/carol.yaml:1: warning: the file rates no cell" in result.stderr
    assert "arson" not in result.stderr  # CC → CC is no change


def test_ratings_files_enter_the_digest_but_not_the_shipped_case(write_case):
    plain = load_case(write_case(name="plain")).case.digest
    rated = load_case(write_case({"evidence/ratings/alice.yaml": ALICE}, name="rated")).case.digest
    assert plain != rated
    assert load_case(REPO).ratings == []
    assert not (REPO / "evidence" / "ratings").exists()


# --- rounds --------------------------------------------------------------------------


def test_later_rounds_lay_over_earlier_ones(write_case):
    folder = write_case(
        {
            "evidence/ratings/bob.yaml": BOB,
            "evidence/ratings/bob.round2.yaml": BOB_ROUND_2,
            "evidence/ratings/alice.yaml": ALICE,
        }
    )
    result = load_case(folder)
    latest = build_workshop(result.case, result.ratings)
    first = build_workshop(result.case, result.ratings, up_to_round=1)
    b = latest.find("Bob Baker")
    assert latest.round == 2 and first.round == 1
    assert latest.ratings_of(b)["alarm"] == {"accident": "I", "arson": "C", "other": "NA"}
    assert latest.ratings_of(b)["van"] == {"accident": "N", "arson": "CC", "other": "N"}
    assert first.ratings_of(first.find("Bob Baker"))["alarm"]["arson"] == "II"
    # The round-1 reason explained CC on accident; round 2 changed it without a new one.
    assert latest.rationale[b] == {"alarm": {"arson": "Persuaded by the maintenance log."}}
    changes = [(c.evidence, c.hypothesis, c.before, c.after, c.why) for c in latest.changes]
    assert changes == [
        ("alarm", "accident", "CC", "I", None),
        ("alarm", "arson", "II", "C", "Persuaded by the maintenance log."),
    ]
    assert first.changes == ()


def test_anonymous_letters_are_stable_and_not_alphabetical():
    keys = ["alice", "bob", "carol", "dave", "erin", "frank"]
    labels = anonymous_labels(keys, "Warehouse fire")
    assert sorted(labels.values()) == ["A", "B", "C", "D", "E", "F"]
    assert labels == anonymous_labels(reversed(keys), "Warehouse fire")
    assert [labels[k] for k in keys] != ["A", "B", "C", "D", "E", "F"]
    many = anonymous_labels([f"analyst {n}" for n in range(30)], "t")
    assert {"Z", "AA", "AD"} <= set(many.values())


def test_file_names_for_analysts():
    assert ratings_file_name("Ann O'Neil", 1) == "ann-o-neil.yaml"
    assert ratings_file_name("Ann O'Neil", 2) == "ann-o-neil.round2.yaml"
    assert analyst_slug("Zoë Ångström") == "zoe-angstrom"
    assert re.fullmatch(r"analyst-[0-9a-f]{8}", analyst_slug("李雷"))
    long_name = "María de los Ángeles Fernández-Gutiérrez López"
    assert analyst_slug(long_name) == "maria-de-los-angeles-fernandez-gutierrez"  # whole words
    assert len(analyst_slug("x" * 100)) == 40


# --- scoring an analyst's or the consensus matrix ---------------------------------------


def _json(runner, *args):
    result = runner.invoke(main, ["score", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_score_an_analyst_equals_scoring_a_case_with_their_ratings(write_case, runner):
    folder = write_case({"evidence/ratings/alice.yaml": ALICE, "evidence/ratings/bob.yaml": BOB})
    # The same case with Alice's ratings written into it, DK left unrated.
    evidence = (folder / "evidence/evidence.yaml").read_text(encoding="utf-8")
    evidence = evidence.replace(
        "ratings: {accident: II, arson: CC, other: N}", "ratings: {accident: II, arson: CC}"
    )
    by_hand = write_case({"evidence/evidence.yaml": evidence}, name="by-hand")
    scored = _json(runner, str(folder), "--analyst", "alice able")
    assert scored.pop("ratings") == {"by": "analyst", "analyst": "Alice Able", "round": 1}
    assert scored == _json(runner, str(by_hand))
    # The letter the report shows names the same analyst.
    letter = anonymous_labels(["alice able", "bob baker"], "Warehouse fire")["alice able"]
    by_letter = _json(runner, str(folder), "--analyst", letter)
    assert by_letter.pop("ratings")["analyst"] == "Alice Able"
    assert by_letter == scored


def test_score_the_consensus(write_case, runner):
    folder = write_case(
        {
            "evidence/ratings/alice.yaml": ALICE,
            "evidence/ratings/bob.yaml": BOB,
            "evidence/ratings/carol.yaml": "analyst: Carol\nratings:\n"
            "  van: {accident: I, arson: C, other: NA}\n"
            "  alarm: {accident: II, arson: CC, other: NA}\n",
        }
    )
    # Consensus by hand — van: I N I → I; C CC C → C; N N NA → N.
    # alarm: II CC II → mean 2.33 → I; CC II CC → C; DK NA NA → NA.
    evidence = (folder / "evidence/evidence.yaml").read_text(encoding="utf-8")
    evidence = evidence.replace(
        "ratings: {accident: II, arson: CC, other: N}",
        "ratings: {accident: I, arson: C, other: NA}",
    )
    by_hand = write_case({"evidence/evidence.yaml": evidence}, name="by-hand")
    scored = _json(runner, str(folder), "--consensus")
    assert scored.pop("ratings") == {"by": "consensus", "round": 1, "analysts": 3}
    assert scored == _json(runner, str(by_hand))
    table = runner.invoke(main, ["score", str(folder), "--consensus"])
    assert table.stdout.splitlines()[2] == "ratings: consensus of 3 analysts, round 1"


def test_score_workshop_errors(write_case, runner):
    plain = write_case(name="plain")
    result = runner.invoke(main, ["score", str(plain), "--consensus"])
    assert result.exit_code == 1
    assert "no analysts' ratings in this case" in result.stderr
    assert "Traceback" not in result.output
    folder = write_case({"evidence/ratings/alice.yaml": ALICE}, name="rated")
    result = runner.invoke(main, ["score", str(folder), "--analyst", "Alice Abel"])
    assert result.exit_code == 1
    assert result.stderr == (
        "argmap: error: no ratings by analyst 'Alice Abel' in this case; "
        "did you mean 'Alice Able'? the analysts are: Alice Able\n"
    )
    both = runner.invoke(main, ["score", str(folder), "--consensus", "--analyst", "x"])
    assert both.exit_code == 2
    assert runner.invoke(main, ["score", str(folder), "--round", "2"]).exit_code == 2
    late = runner.invoke(main, ["score", str(folder), "--consensus", "--round", "1"])
    assert late.exit_code == 0


# --- merge ---------------------------------------------------------------------------


def test_merge_writes_new_files_byte_for_byte(write_case, runner, tmp_path):
    folder = write_case()
    incoming = write_case_files(tmp_path / "mail", {"alice.yaml": ALICE, "bob.yaml": BOB})
    result = runner.invoke(
        main,
        [
            "workshop",
            "merge",
            str(incoming / "alice.yaml"),
            str(incoming / "bob.yaml"),
            "--into",
            str(folder),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "alice-able.yaml: Alice Able, round 1, 6 cells (new)" in result.stdout
    ratings = folder / "evidence" / "ratings"
    assert sorted(p.name for p in ratings.iterdir()) == ["alice-able.yaml", "bob-baker.yaml"]
    assert (ratings / "alice-able.yaml").read_bytes() == (incoming / "alice.yaml").read_bytes()
    assert len(load_case(folder).ratings) == 2


def test_merge_refuses_unknown_ids_and_writes_nothing(write_case, runner, tmp_path, monkeypatch):
    folder = write_case()
    bad = ALICE.replace("  alarm: {accident: II", "  alarn: {accident: II")
    incoming = write_case_files(tmp_path / "mail", {"bad.yaml": bad, "bob.yaml": BOB})
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(
        main, ["workshop", "merge", "mail/bob.yaml", "mail/bad.yaml", "--into", "case"]
    )
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "mail/bad.yaml:4: error: ratings.alarn: 'alarn' is not an evidence item of the case"
    )
    assert "did you mean 'alarm'?" in result.stderr
    assert "Traceback" not in result.output
    assert not (folder / "evidence" / "ratings").exists()
    assert incoming.joinpath("bad.yaml").read_text(encoding="utf-8") == bad


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            ALICE.replace("arson: C,", "arzon: C,"),
            "mail/x.yaml:3: error: ratings.van.arzon: 'arzon' is not a hypothesis of the case",
        ),
        ("analyst: A\nratings:\n  van: {accident: I\n", "mail/x.yaml:3: error: malformed YAML"),
        ("analyst: A\nratings:\n\t van: {}\n", "mail/x.yaml:3: error: tab used for indentation"),
        ("not: ratings\n", "mail/x.yaml:1: error: analyst: 'analyst' is required"),
        (b"analyst: \xff\n", "mail/x.yaml:1: error: not valid UTF-8"),
    ],
)
def test_merge_errors_are_one_located_paragraph(
    write_case, runner, tmp_path, monkeypatch, text, expected
):
    write_case()
    mail = tmp_path / "mail"
    mail.mkdir()
    (mail / "x.yaml").write_bytes(text if isinstance(text, bytes) else text.encode())
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["workshop", "merge", "mail/x.yaml", "--into", "case"])
    assert result.exit_code == 1
    assert result.stderr.startswith(expected)
    assert "Traceback" not in result.output
    assert not (tmp_path / "case" / "evidence" / "ratings").exists()


def test_merge_keeps_a_backup_of_every_replaced_file(write_case, runner, tmp_path):
    folder = write_case({"evidence/ratings/alice.yaml": ALICE})
    target = folder / "evidence/ratings/alice.yaml"
    versions = [ALICE.replace("arson: C,", f"arson: {r},") for r in ("CC", "N", "I")]
    for number, text in enumerate(versions, start=1):
        (tmp_path / "new.yaml").write_text(text, encoding="utf-8")
        result = runner.invoke(
            main, ["workshop", "merge", str(tmp_path / "new.yaml"), "--into", str(folder)]
        )
        assert result.exit_code == 0, result.output
        backup = "alice.yaml.bak" + ("" if number == 1 else str(number))
        assert result.stdout.rstrip().endswith(f"ratings/{backup})"), result.stdout
        assert "(replaced; backup: " in result.stdout
    assert target.read_text(encoding="utf-8") == versions[-1]
    assert (folder / "evidence/ratings/alice.yaml.bak").read_text(encoding="utf-8") == ALICE
    assert (folder / "evidence/ratings/alice.yaml.bak2").read_text(encoding="utf-8") == versions[0]
    assert (folder / "evidence/ratings/alice.yaml.bak3").read_text(encoding="utf-8") == versions[1]
    # The same file again changes nothing and makes no backup.
    again = runner.invoke(
        main, ["workshop", "merge", str(tmp_path / "new.yaml"), "--into", str(folder)]
    )
    assert "(unchanged)" in again.stdout
    assert not (folder / "evidence/ratings/alice.yaml.bak4").exists()
    assert len(load_case(folder).ratings) == 1  # backups are not read as ratings


def test_merge_refuses_two_files_for_one_analyst_and_round(write_case, runner, tmp_path):
    folder = write_case()
    mail = write_case_files(
        tmp_path / "mail", {"a.yaml": ALICE, "b.yaml": ALICE.replace("Alice Able", "alice  able")}
    )
    result = runner.invoke(
        main,
        ["workshop", "merge", str(mail / "a.yaml"), str(mail / "b.yaml"), "--into", str(folder)],
    )
    assert result.exit_code == 1
    assert "b.yaml:1: error: analyst: alice able's round 1 ratings are also in" in result.stderr
    assert not (folder / "evidence/ratings").exists()


def test_merge_round_two_and_note_on_a_changed_case(write_case, runner, tmp_path):
    folder = write_case({"evidence/ratings/bob.yaml": BOB})
    (tmp_path / "r2.yaml").write_text(BOB_ROUND_2 + "digest: sha256:0000\n", encoding="utf-8")
    result = runner.invoke(
        main, ["workshop", "merge", str(tmp_path / "r2.yaml"), "--into", str(folder)]
    )
    assert result.exit_code == 0, result.output
    assert (folder / "evidence/ratings/bob-baker.round2.yaml").is_file()
    assert "was rated on another version of the case" in result.stdout
    # Who (as the report shows them, and by name), which item, which hypothesis.
    bob = analyst_key("Bob Baker")
    letter = anonymous_labels([bob], "Warehouse fire")[bob]
    assert (
        f"ratings.alarm.accident: analyst {letter} (Bob Baker) changed 'The alarm was switched "
        "off.' (alarm) against Accident from CC in round 1 to I in round 2 without a rationale"
    ) in " ".join(result.stderr.split())
    assert "ratings.alarm.arson" not in result.stderr  # Bob gave his reason there


def test_merge_warnings_name_the_analyst_as_the_report_does(write_case, runner, tmp_path):
    folder = write_case({"evidence/ratings/alice.yaml": ALICE, "evidence/ratings/bob.yaml": BOB})
    (tmp_path / "r2.yaml").write_text(BOB_ROUND_2, encoding="utf-8")
    result = runner.invoke(
        main, ["workshop", "merge", str(tmp_path / "r2.yaml"), "--into", str(folder)]
    )
    assert result.exit_code == 0, result.output
    out = tmp_path / "report.html"
    assert runner.invoke(main, ["report", str(folder), "-o", str(out)]).exit_code == 0
    soup = BeautifulSoup(out.read_text(encoding="utf-8"), "html.parser")
    (row,) = [
        r for r in soup.select("table.ws-changes tbody tr") if "no reason given" in r.get_text()
    ]
    letter = row.select_one(".who").get_text(strip=True)
    assert f"analyst {letter} (Bob Baker) changed" in " ".join(result.stderr.split())


# --- the report -----------------------------------------------------------------------


@pytest.fixture
def workshop_report(write_case, runner, tmp_path):
    def render(*extra: str, files: dict | None = None) -> BeautifulSoup:
        folder = write_case(
            files
            or {
                "evidence/ratings/alice.yaml": ALICE,
                "evidence/ratings/bob.yaml": BOB,
                "evidence/ratings/bob.round2.yaml": BOB_ROUND_2,
            }
        )
        out = tmp_path / "report.html"
        result = runner.invoke(main, ["report", str(folder), "-o", str(out), *extra])
        assert result.exit_code == 0, result.output
        return BeautifulSoup(out.read_text(encoding="utf-8"), "html.parser")

    return render


def test_report_without_ratings_has_no_workshop_section(write_case, runner, tmp_path):
    out = tmp_path / "report.html"
    assert runner.invoke(main, ["report", str(write_case()), "-o", str(out)]).exit_code == 0
    soup = BeautifulSoup(out.read_text(encoding="utf-8"), "html.parser")
    assert soup.find(id="workshop") is None
    assert soup.select_one('nav a[href="#workshop"]') is None


def test_report_shows_the_disagreement(workshop_report):
    soup = workshop_report()
    section = soup.find(id="workshop")
    assert section.h2.get_text() == "Workshop: 2 analysts, round 2"
    assert soup.select_one('nav a[href="#workshop"]') is not None
    rows = {
        row.th.get_text(strip=True): [
            (td["class"][1], td.select_one(".mark").get_text()) for td in row.select("td.heat")
        ]
        for row in section.select("table.heatmap tbody tr")
    }
    # van: I/N and C/CC one analyst a notch off (mild, no dispute), N/N consensus; alarm
    # (Bob's round 2 over round 1): II/I and CC/C notches, DK/NA one vote.
    notch, consensus, few = ("band-notch", "∼"), ("band-consensus", "="), ("band-few", "–")
    assert rows == {
        "Two men left in a van.": [notch, notch, consensus],
        "The alarm was switched off.": [notch, notch, few],
    }
    cell = section.select_one("table.heatmap tbody tr td.heat")
    assert "A " in cell["aria-label"] and "B " in cell["aria-label"]
    counts = {
        li.select_one(".heat")["class"][1]: li.strong.get_text()
        for li in section.select(".ws-bands li")
    }
    assert counts == {
        "band-consensus": "1",
        "band-notch": "4",
        "band-mild": "0",
        "band-large": "0",
        "band-extreme": "0",
        "band-few": "1",
    }
    assert section.select(".agenda-item") == []
    assert "only one of them is a step off" in section.get_text()


CAROL = """\
analyst: Carol Cole
ratings:
  van: {accident: CC, arson: II, other: N}
  alarm: {accident: N, arson: C, other: NA}
rationale:
  van:
    arson: Arsonists do not wait to be seen.
"""
THREE = {
    "evidence/ratings/alice.yaml": ALICE,
    "evidence/ratings/bob.yaml": BOB,
    "evidence/ratings/bob.round2.yaml": BOB_ROUND_2,
    "evidence/ratings/carol.yaml": CAROL,
}


def test_report_agenda_holds_every_dispute_in_order(workshop_report):
    section = workshop_report(files=THREE).find(id="workshop")
    items = section.select(".agenda-item")
    # van × arson C/CC/II extreme, van × accident I/N/CC large, alarm × accident II/I/N mild
    # (two steps apart); alarm × arson CC/C/C is one analyst a notch off: no dispute.
    heads = [item.select_one(".agenda-head").get_text(" ", strip=True) for item in items]
    assert len(heads) == 3
    assert sorted(h.split(" against ")[0] + "/" + h.split(" against ")[1][:8] for h in heads) == [
        "The alarm was switched off./Accident",
        "Two men left in a van./Accident",
        "Two men left in a van./Arson co",
    ]
    bands = [item.select_one(".agenda-meta .heat")["class"][1] for item in items]
    assert sorted(bands) == ["band-extreme", "band-large", "band-mild"]
    # Priority = band × diagnosticity (van 8/3 × weight 1, alarm 7/3 × weight √2: high
    # credibility) × 2 if the cell could change the consensus leader; the list is in that order.
    diagnosticity = {
        "Two men left in a van.": 8 / 3,
        "The alarm was switched off.": 7 / 3 * math.sqrt(2),
    }
    level = {"band-mild": 1, "band-large": 2, "band-extreme": 3}
    priorities = []
    for item, head, band in zip(items, heads, bands, strict=True):
        pivotal = item.select_one(".pivot") is not None
        expected = level[band] * diagnosticity[head.split(" against ")[0]] * (2 if pivotal else 1)
        meta = item.select_one(".agenda-meta").get_text(" ", strip=True)
        shown = float(re.search(r"priority ([0-9.]+)", meta).group(1))
        assert shown == pytest.approx(expected, rel=0.01)
        priorities.append(expected)
    assert priorities == sorted(priorities, reverse=True)
    reasons = " ".join(li.get_text(" ", strip=True) for li in section.select(".ws-reasons li"))
    assert "Arsonists do not wait to be seen." in reasons


def many_disputes(write_case):
    """A case of 22 items, three analysts: 60 disputed cells (CC/II/N on two hypotheses of
    each of the twenty added items, and an NA split on the third)."""
    items = "".join(
        f"  - id: e{i}\n    summary: Item {i}.\n    kind: assumption\n"
        f"    ratings: {{accident: N, arson: N, other: N}}\n"
        for i in range(20)
    )
    folder = write_case({"evidence/more.yaml": "evidence:\n" + items})
    ratings = folder / "evidence" / "ratings"
    ratings.mkdir()
    for name, first, second in (("a", "CC", "II"), ("b", "II", "CC"), ("c", "N", "NA")):
        cells = "".join(
            f"  e{i}: {{accident: {first}, arson: {second}, other: {first}}}\n" for i in range(20)
        )
        (ratings / f"{name}.yaml").write_text(f"analyst: {name}\nratings:\n{cells}")
    return folder


def _firsts(document) -> tuple[list[str], dict[str, float]]:
    """The titles with the highest posterior in a `score --format json` document, and every
    hypothesis's posterior by title."""
    posterior = {h["title"]: h["posterior"] for h in document["hypotheses"]}
    best = max(posterior.values())
    return sorted(t for t, p in posterior.items() if p >= best - 1e-9), posterior


def test_summary_leads_with_the_group_answer_when_it_differs(write_case, runner, tmp_path):
    files = dict(THREE)
    # Carol and Dave pull the consensus away from arson, the case's own answer.
    files["evidence/ratings/dave.yaml"] = (
        "analyst: Dave Dunn\nratings:\n  van: {accident: CC, arson: II, other: I}\n"
        "  alarm: {accident: CC, arson: II, other: I}\n"
    )
    folder = write_case(files)
    out = tmp_path / "report.html"
    assert runner.invoke(main, ["report", str(folder), "-o", str(out)]).exit_code == 0
    soup = BeautifulSoup(out.read_text(encoding="utf-8"), "html.parser")
    consensus_first, consensus = _firsts(_json(runner, str(folder), "--consensus"))
    case_first, case = _firsts(_json(runner, str(folder)))
    assert consensus_first != case_first  # the point of the test
    lead = soup.select_one("#summary .group-answer .lead").get_text(" ", strip=True)
    lead = re.sub(r"\s+", " ", lead)
    (leader,) = consensus_first
    assert lead.startswith(
        f"The 4 analysts' consensus after round 2 puts {leader} ({consensus[leader]:.0%}) first; "
        "the case's own ratings put "
    )
    for title in case_first:
        assert f"{title} ({case[title]:.0%})" in lead
    # The case's leader, placed by the consensus, in words.
    places = sorted(consensus.values(), reverse=True)
    for title in case_first:
        place = 1 + sum(p > consensus[title] + 1e-9 for p in places)
        if place > 1:
            word = ["first", "second", "third"][place - 1]
            assert f"The consensus puts {title} {word} ({consensus[title]:.0%})." in lead
    # Beside each other: every hypothesis, by the consensus's order, with both places.
    rows = [
        [cell.get_text(" ", strip=True) for cell in row.find_all(["th", "td"])]
        for row in soup.select("#summary table.group-ranking tbody tr")
    ]
    assert [r[0] for r in rows] == sorted(consensus, key=lambda t: -consensus[t])
    assert rows[0][1] == f"first · {consensus[leader]:.0%}"
    assert any("lower with the consensus" in r[3] for r in rows)
    # The case's own verdict follows under its own heading; the workshop right after.
    assert soup.select_one("#summary h3.case-answer-h").get_text() == "The case's own ratings"
    sections = [s["id"] for s in soup.select("main > section")]
    assert sections[:3] == ["summary", "workshop", "hypotheses"]
    nav = [a["href"] for a in soup.select("nav a")]
    assert nav[:3] == ["#summary", "#workshop", "#hypotheses"]
    disputes = soup.select_one("#summary .group-answer").find_all("p")[-1].get_text(" ", strip=True)
    assert disputes.startswith("The analysts dispute ")
    assert soup.select_one('#summary .group-answer a[href="#workshop-agenda"]') is not None


def test_rankings_side_by_side_explain_where_parc_and_the_posterior_part(
    write_case, runner, tmp_path
):
    """Wherever the highest posterior (▲) of a column is not on a PARC #1, a note under the
    table says why: the sentence `argmap score` gives for that pair, for that set of ratings."""
    files = dict(THREE)
    # Arson with no evidence against it but little for it; accident with some of both.
    files["evidence/ratings/dave.yaml"] = (
        "analyst: Dave Dunn\nratings:\n  van: {accident: I, arson: N, other: II}\n"
        "  alarm: {accident: CC, arson: N, other: II}\n"
    )
    folder = write_case(files)
    out = tmp_path / "report.html"
    assert runner.invoke(main, ["report", str(folder), "-o", str(out)]).exit_code == 0
    section = BeautifulSoup(out.read_text(encoding="utf-8"), "html.parser").find(id="workshop")
    table = section.select_one("table.ws-ranking")
    columns = [th.get_text(strip=True) for th in table.select("thead th")][1:]
    notes = {
        li.strong.get_text().rstrip(":"): li.get_text(" ", strip=True).split(": ", 1)[1]
        for li in section.select(".ws-ranking-notes li")
    }
    disagreeing = []
    for k, column in enumerate(columns):
        cells = [
            row.find_all("td")[k].get_text(" ", strip=True) for row in table.select("tbody tr")
        ]
        tops = [c for c in cells if c.endswith("▲")]
        assert tops
        if any(c.startswith("#1 ") for c in tops):
            assert column not in notes
            continue
        disagreeing.append(column)
        which = {"Case": (), "Consensus": ("--consensus",)}.get(column, ("--analyst", column))
        pairs = _json(runner, str(folder), *which)["order_disagreements"]
        assert notes[column] in [p["sentence"] for p in pairs]
    assert disagreeing and sorted(disagreeing) == sorted(notes)
    legend = section.select_one("dl.ws-legend").get_text(" ", strip=True)
    assert "PARC asks only what the evidence rules out" in legend
    assert "− inconsistent, −− very inconsistent" in legend


def test_dont_know_is_said_in_words(workshop_report):
    section = workshop_report().find(id="workshop")
    footer = [td.get_text(" ", strip=True) for td in section.select("table.ws-ranking tfoot td")]
    # Alice answered all six cells, one of them don't know; Bob's round 2 lies over round 1.
    assert "6 (1 don't know)" in footer
    assert "?)" not in section.select_one("table.ws-ranking tfoot").get_text()


def test_the_workshop_section_speaks_the_reports_vocabulary(workshop_report):
    """Ratings show as the matrix shows them (symbols, names on hover and for screen
    readers), never as the codes of the ratings files."""
    from argmap.vocabulary import VOCABULARY, VOTE_CODES

    soup = workshop_report()
    section = soup.find(id="workshop")
    said = [section.get_text(" ")] + [
        element[attribute]
        for attribute in ("aria-label", "title")
        for element in section.find_all(attrs={attribute: True})
    ]
    words = {word for text in said for word in re.findall(r"[A-Za-z]+", text)}
    assert words & set(VOTE_CODES) == set()
    cell = section.select_one("table.heatmap tbody td.heat")
    assert any(r.name in cell["aria-label"] for r in VOCABULARY)
    dont_know = VOCABULARY["DK"]
    text = " ".join(section.get_text(" ").split())
    # Both in the legend of the analysts' ratings, each with a symbol of its own.
    assert f"{dont_know.symbol} {dont_know.name}" in text
    assert f"{VOCABULARY.unrated_symbol} {VOCABULARY.unrated_name}" in text
    assert dont_know.symbol != VOCABULARY.unrated_symbol


def test_report_shows_how_the_spread_changed_between_rounds(workshop_report):
    """Round 1 (Alice, Bob): van I/N and C/CC a notch off, N/N consensus; alarm II/CC and
    CC/II extreme (SD √8), DK/NA one vote. Round 2 (Bob's over his round 1): alarm II/I and
    CC/C a notch off."""
    soup = workshop_report()
    table = soup.select_one("#workshop table.ws-rounds")
    header = [th.get_text(" ", strip=True) for th in table.select("thead th")]
    assert header == ["Cells", "Round 1", "Round 2", "Change"]
    rows = {
        row.th.get_text(" ", strip=True): [td.get_text(strip=True) for td in row.find_all("td")]
        for row in table.select("tbody tr")
    }
    assert rows["= consensus"] == ["1", "1", "none"]
    assert rows["∼ one analyst a notch off"] == ["2", "4", "+2"]
    assert rows["≠≠ extreme dispute"] == ["2", "0", "-2"]
    assert rows["– fewer than two votes"] == ["1", "1", "none"]
    assert rows["Disputes (mild, large, extreme)"] == ["2", "0", "-2"]
    first = (2 * math.sqrt(0.5) + 2 * math.sqrt(8)) / 5
    second = 4 * math.sqrt(0.5) / 5
    assert rows["Mean spread (SD)"] == [f"{first:.2f}", f"{second:.2f}", f"{second - first:+.2f}"]
    summary = " ".join(soup.select_one("#summary .group-answer").get_text(" ").split())
    assert (
        f"From round 1 to round 2 the disputes went from 2 to 0 and the mean spread from "
        f"{first:.2f} to {second:.2f}"
    ) in summary


def test_one_round_shows_no_round_table(workshop_report):
    soup = workshop_report(
        files={"evidence/ratings/alice.yaml": ALICE, "evidence/ratings/bob.yaml": BOB}
    )
    assert soup.select_one("#workshop table.ws-rounds") is None
    assert "From round" not in soup.select_one("#summary .group-answer").get_text()


def test_summary_says_when_the_group_agrees_with_the_case(workshop_report):
    soup = workshop_report(
        files={
            "evidence/ratings/a.yaml": "analyst: A\nratings:\n  van: {accident: N, arson: C}\n",
            "evidence/ratings/b.yaml": "analyst: B\nratings:\n  van: {accident: N, arson: C}\n",
        }
    )
    lead = soup.select_one("#summary .group-answer .lead").get_text(" ", strip=True)
    assert re.fullmatch(
        r"The 2 analysts' consensus puts .+ \(\d+%\) first, as the case's own ratings do \(\d+%\)\.",
        re.sub(r"\s+", " ", lead),
    ), lead
    assert "The analysts dispute no cell." in soup.select_one("#summary .group-answer").get_text()


def test_summary_without_ratings_is_the_case_alone(write_case, runner, tmp_path):
    out = tmp_path / "report.html"
    assert runner.invoke(main, ["report", str(write_case()), "-o", str(out)]).exit_code == 0
    soup = BeautifulSoup(out.read_text(encoding="utf-8"), "html.parser")
    assert soup.select_one("#summary .group-answer") is None
    assert soup.select_one("#summary h3.case-answer-h") is None


def test_report_agenda_is_never_cut(write_case, runner, tmp_path):
    """Sixty disputed cells: all in the page, the ones after the first 25 folded by the script
    (class 'later'), none left out."""
    folder = many_disputes(write_case)
    out = tmp_path / "report.html"
    result = runner.invoke(main, ["report", str(folder), "-o", str(out)])
    assert result.exit_code == 0, result.output
    section = BeautifulSoup(out.read_text(encoding="utf-8"), "html.parser").find(id="workshop")
    agenda = section.select("#agenda > li")
    assert len(agenda) == 60
    assert [li.get("class") for li in agenda].count(["agenda-item", "later"]) == 35
    assert "All 60 disputed cells" in section.get_text()


def test_report_agenda_rankings_and_changes(workshop_report):
    soup = workshop_report()
    section = soup.find(id="workshop")
    header = [th.get_text(strip=True) for th in section.select("table.ws-ranking thead th")]
    assert header[:3] == ["Hypothesis", "Case", "Consensus"] and sorted(header[3:]) == ["A", "B"]
    assert len(section.select("table.ws-ranking tbody tr")) == 3
    changes = [
        [td.get_text(" ", strip=True) for td in row.find_all("td")]
        for row in section.select("table.ws-changes tbody tr")
    ]
    bob = changes[0][1]
    assert bob in ("A", "B")
    assert changes == [
        ["1 → 2", bob, "The alarm was switched off.", "Accident", "++ → −", "no reason given"],
        [
            "1 → 2",
            bob,
            "The alarm was switched off.",
            "Arson",
            "−− → +",
            "Persuaded by the maintenance log.",
        ],
    ]


def test_report_anonymises_analysts_unless_names_are_asked_for(workshop_report):
    hostile = {
        "evidence/ratings/x.yaml": ALICE.replace("Alice Able", '"<script>alert(1)</script> & Co"'),
        "evidence/ratings/bob.yaml": BOB,
    }
    anonymous = str(workshop_report(files=hostile))
    assert "Bob Baker" not in anonymous and "alert(1)" not in anonymous
    named = workshop_report("--names", files=hostile)
    section = named.find(id="workshop")
    header = [th.get_text() for th in section.select("table.ws-ranking thead th")][3:]
    assert sorted(header) == ["<script>alert(1)</script> & Co", "Bob Baker"]
    assert section.find("script") is None
    # Rationales are user text too.
    assert "Old wiring trips alarms <all the time>." in section.get_text()


def test_workshop_report_is_deterministic(write_case, runner, tmp_path):
    folder = write_case({"evidence/ratings/alice.yaml": ALICE, "evidence/ratings/bob.yaml": BOB})
    outputs = []
    for name in ("one.html", "two.html"):
        assert (
            runner.invoke(main, ["report", str(folder), "-o", str(tmp_path / name)]).exit_code == 0
        )
        outputs.append((tmp_path / name).read_bytes())
    assert outputs[0] == outputs[1]


# --- the rating sheet -----------------------------------------------------------------


def _sheet(runner, folder, tmp_path, *args) -> tuple[str, BeautifulSoup]:
    out = tmp_path / "sheet.html"
    result = runner.invoke(main, ["workshop", "sheet", str(folder), "-o", str(out), *args])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    return html, BeautifulSoup(html, "html.parser")


def _order(soup) -> tuple[list[str], list[str]]:
    return (
        [li["id"] for li in soup.select(".hyp-list li")],
        [a["data-evidence"] for a in soup.select("article.item")],
    )


def test_sheet_is_stable_shuffled_per_analyst_and_blind(write_case, runner, tmp_path):
    many = "evidence:\n" + "".join(
        f"  - id: item-{n}\n    summary: Item number {n}.\n    kind: assumption\n"
        f"    ratings: {{accident: C, arson: N, other: N}}\n"
        f"    rationale: {{accident: THE-CASE-RATIONALE-{n}}}\n"
        for n in range(12)
    )
    folder = write_case({"evidence/more.yaml": many, "evidence/ratings/bob.yaml": BOB})
    html, soup = _sheet(runner, folder, tmp_path, "--analyst", "Alice Able")
    again, _ = _sheet(runner, folder, tmp_path, "--analyst", "Alice Able")
    assert html == again
    _, other = _sheet(runner, folder, tmp_path, "--analyst", "Carol")
    assert _order(soup) != _order(other)
    assert sorted(_order(soup)[1]) == sorted(_order(other)[1])
    assert len(soup.select("tr.cell")) == 14 * 3
    # Nobody's ratings: not the case's, not Bob's.
    assert "THE-CASE-RATIONALE" not in html and "Old wiring" not in html
    assert soup.select("input[checked]") == []
    data = json.loads(soup.find(id="sheet-data").string)
    assert data["prefill"] == {} and data["previous"] == {}
    # Every statement is on the sheet.
    assert "Someone set the fire." in soup.select_one(".hyp-list").get_text()


def test_sheet_round_two_shows_only_the_analysts_own_earlier_ratings(write_case, runner, tmp_path):
    folder = write_case({"evidence/ratings/bob.yaml": BOB, "evidence/ratings/alice.yaml": ALICE})
    _, soup = _sheet(runner, folder, tmp_path, "--analyst", "bob baker", "--round", "2")
    data = json.loads(soup.find(id="sheet-data").string)
    assert data["previous"] == data["prefill"] == yaml.safe_load(BOB)["ratings"]
    assert data["fileName"] == "bob-baker.round2.yaml"
    assert "Whoever knew the code" not in str(soup)
    before = soup.select_one('tr.cell[data-evidence="alarm"][data-hypothesis="accident"] .before')
    assert before.get_text(" ", strip=True).startswith(
        "you, round 1: ++ CC Old wiring trips alarms <all the time>."
    )


def test_sheet_escapes_the_name_and_writes_a_valid_file_head(write_case, runner, tmp_path):
    folder = write_case()
    name = 'Zoë "<b>" O\'Neil & Co'
    _, soup = _sheet(runner, folder, tmp_path, "--analyst", name)
    assert soup.select_one(".who strong").get_text() == name
    assert soup.find("b") is None
    data = json.loads(soup.find(id="sheet-data").string)
    head = "\n".join(data["head"]) + "\nratings: {}\n"
    assert yaml.safe_load(head)["analyst"] == name
    for text in ["tab\there", "line\u2028break", "del\x7f", "nel\x85", "😀 fine", 'quote " and \\']:
        assert yaml.safe_load("x: " + yaml_quoted(text))["x"] == text


def test_sheet_needs_a_name(write_case, runner):
    result = runner.invoke(main, ["workshop", "sheet", str(write_case()), "--analyst", "  "])
    assert result.exit_code == 1
    assert result.stderr == "argmap: error: --analyst needs a name\n"
    assert runner.invoke(main, ["workshop", "sheet", str(write_case())]).exit_code == 2
