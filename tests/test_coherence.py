"""The map and the matrix held together (argmap.coherence): each check on small cases, both
ways, with and without what sets it off; `argmap check`, `score --format json` and the report."""

from __future__ import annotations

import json

from bs4 import BeautifulSoup

from argmap.cli import main
from argmap.coherence import KINDS, coherence_warnings, disagreements
from argmap.evaluate import evaluate
from argmap.load import load_case
from argmap.model import Argument, Case, Evidence, Hypothesis, Statement
from argmap.rules import RULES

from .conftest import EVIDENCE, HYPOTHESES


def hypothesis(hid: str) -> Hypothesis:
    return Hypothesis(id=hid, title=f"The {hid} hypothesis", statement=f"Hypothesis {hid}.")


def item(eid: str, kind: str = "fact", **ratings: str) -> Evidence:
    source, quote = (None, None) if kind == "assumption" else ("report", f"Text of {eid}.")
    return Evidence(
        id=eid, summary=f"Item {eid}.", kind=kind, source=source, quote=quote, ratings=dict(ratings)
    )


def argument(aid: str, relation: str, target: str, *premises: str, **fields) -> Argument:
    return Argument(
        id=aid, claim=f"Argument {aid}.", premises=premises, **{relation: target}, **fields
    )


def case_of(evidence=(), arguments=(), statements=()) -> Case:
    return Case(
        title="Test",
        question="What holds?",
        notes=None,
        hypotheses=(hypothesis("arson"), hypothesis("accident")),
        statements=tuple(statements),
        arguments=tuple(arguments),
        sources=(),
        evidence=tuple(evidence),
    )


def found(case: Case) -> list[tuple[str, tuple[str, ...]]]:
    return [(d.kind, d.ids) for d in disagreements(case)]


def messages(case: Case) -> list[str]:
    return [d.to_words(lambda ident: ident)[0] for d in disagreements(case)]


# --- rated one way while the map's argument from the item is out ---------------------------

CUT = argument("cut", "undercuts", "van-arson", "doubt")
DOUBT = Statement(id="doubt", text="The van may have been there by chance.", assumed=True)


def test_rated_consistent_with_an_undercut_argument_for_it():
    case = case_of(
        [item("van", arson="CC", accident="N")],
        [argument("van-arson", "supports", "arson", "van"), CUT],
        [DOUBT],
    )
    assert found(case) == [("rated_for_defeated_argument", ("van", "arson", "van-arson"))]
    assert messages(case) == [
        "Van is rated very consistent (CC) with arson, but van-arson, which argues from it for "
        "arson, is out: undercut by cut, which is in."
    ]


def test_without_the_undercutter_the_map_and_the_matrix_agree():
    case = case_of(
        [item("van", arson="CC", accident="N")],
        [argument("van-arson", "supports", "arson", "van")],
    )
    assert found(case) == []


def test_an_undercutter_that_is_out_defeats_nothing():
    counter = argument("counter", "undercuts", "cut", "doubt")
    case = case_of(
        [item("van", arson="C", accident="N")],
        [argument("van-arson", "supports", "arson", "van"), CUT, counter],
        [DOUBT],
    )
    assert evaluate(case).labels["van-arson"] == "in"
    assert found(case) == []


def test_rated_neutral_or_against_is_no_disagreement_with_a_defeated_argument_for():
    for rating in ("N", "I", "II", "NA"):
        case = case_of(
            [item("van", arson=rating, accident="N")],
            [argument("van-arson", "supports", "arson", "van"), CUT],
            [DOUBT],
        )
        assert found(case) == [], rating


def test_rated_inconsistent_with_a_defeated_argument_against_it():
    case = case_of(
        [item("van", arson="N", accident="I")],
        [
            argument("van-accident", "attacks", "accident", "van"),
            CUT.model_copy(update={"target": "van-accident", "undercuts": "van-accident"}),
        ],
        [DOUBT],
    )
    assert found(case) == [("rated_against_defeated_argument", ("van", "accident", "van-accident"))]
    assert messages(case)[0].startswith(
        "Van is rated inconsistent (I) with accident, but van-accident, which argues from it "
        "against accident, is out: undercut by cut"
    )


def test_the_mirror_needs_the_mirror_rating():
    cut = argument("cut", "undercuts", "van-accident", "doubt")
    for rating, expected in (("II", 1), ("I", 1), ("N", 0), ("C", 0), ("CC", 0)):
        case = case_of(
            [item("van", arson="N", accident=rating)],
            [argument("van-accident", "attacks", "accident", "van"), cut],
            [DOUBT],
        )
        assert len(found(case)) == expected, rating
    without = case_of(
        [item("van", arson="N", accident="II")],
        [argument("van-accident", "attacks", "accident", "van")],
    )
    assert found(without) == []


def test_an_argument_out_because_its_item_is_attacked_says_so():
    attack = argument("fake", "attacks", "van", "doubt")
    case = case_of(
        [item("van", arson="C", accident="N")],
        [argument("van-arson", "supports", "arson", "van"), attack],
        [DOUBT],
    )
    assert messages(case) == [
        "Van is rated consistent (C) with arson, but van-arson, which argues from it for "
        "arson, is out: its premise van is out."
    ]


def test_an_argument_for_another_hypothesis_is_not_compared():
    case = case_of(
        [item("van", arson="CC", accident="N")],
        [
            argument("van-accident", "supports", "accident", "van"),
            CUT.model_copy(update={"target": "van-accident", "undercuts": "van-accident"}),
        ],
        [DOUBT],
    )
    assert found(case) == []


# --- an assumption rated in the matrix and argued in the map ------------------------------


def test_an_assumption_rated_and_used_as_a_premise_is_counted_twice():
    case = case_of(
        [item("motive", "assumption", arson="C", accident="I")],
        [argument("motive-arson", "supports", "arson", "motive", weight=0.5)],
    )
    assert found(case) == [("assumption_counted_twice", ("motive", "motive-arson"))]
    assert messages(case) == [
        "Motive, an assumption, is rated in the matrix (consistent (C) with arson, "
        "inconsistent (I) with accident) and is a premise of motive-arson in the map: it is "
        "counted twice."
    ]


def test_an_assumption_counted_once_is_no_disagreement():
    neutral = case_of(
        [item("motive", "assumption", arson="N", accident="NA")],
        [argument("motive-arson", "supports", "arson", "motive", weight=0.5)],
    )
    unargued = case_of([item("motive", "assumption", arson="C", accident="I")])
    a_fact = case_of(
        [item("motive", "fact", arson="C", accident="I")],
        [argument("motive-arson", "supports", "arson", "motive", weight=0.5)],
    )
    assert found(neutral) == found(unargued) == found(a_fact) == []


# --- verdicts that rest on arguments without weights --------------------------------------


def test_a_verdict_on_arguments_with_a_rationale_and_no_weight_asks_for_weights():
    case = case_of(
        [item("van", arson="N", accident="N"), item("alarm", arson="N", accident="N")],
        [
            argument("van-arson", "supports", "arson", "van", rationale="Weak: anyone has a van."),
            argument("alarm-arson", "supports", "arson", "alarm", rationale="Strong.", weight=0.9),
            argument("bare", "attacks", "arson", "alarm"),
        ],
    )
    assert found(case) == [("verdict_without_weights", ("arson", "van-arson"))]
    assert messages(case) == [
        "The verdict on arson rests on one argument with a rationale but no weight."
    ]
    advice = disagreements(case)[0].to_words(lambda ident: ident)[1]
    assert advice.startswith("Set 'weight:' (0 to 1) on van-arson to say what the rationale")


def test_weights_set_or_no_rationale_ask_for_nothing():
    weighted = case_of(
        [item("van", arson="N", accident="N")],
        [argument("van-arson", "supports", "arson", "van", rationale="Weak.", weight=0.3)],
    )
    silent = case_of(
        [item("van", arson="N", accident="N")],
        [argument("van-arson", "supports", "arson", "van")],
    )
    assert found(weighted) == found(silent) == []


def test_weights_are_asked_along_the_statements_a_verdict_rests_on_not_of_undercutters():
    case = case_of(
        [item("van", arson="N", accident="N")],
        [
            argument("planned-arson", "supports", "arson", "planned", weight=1),
            argument("van-planned", "supports", "planned", "van", rationale="Weak."),
            argument("cut", "undercuts", "van-planned", "doubt", rationale="Strong."),
        ],
        [Statement(id="planned", text="It was planned."), DOUBT],
    )
    assert found(case) == [("verdict_without_weights", ("arson", "van-planned"))]


def test_each_argument_is_asked_for_at_the_hypothesis_it_argues_about():
    case = case_of(
        [item("van", arson="N", accident="N")],
        [
            argument("van-arson", "supports", "arson", "van", rationale="Weak."),
            argument("van-accident", "supports", "accident", "van", rationale="Weaker."),
        ],
    )
    # Each weighs against the other hypothesis too, but is listed once, where it argues.
    assert found(case) == [
        ("verdict_without_weights", ("arson", "van-arson")),
        ("verdict_without_weights", ("accident", "van-accident")),
    ]


# --- words: the vocabulary, never spelled-out codes; every kind titled --------------------


def test_every_kind_is_a_warning_of_the_rules_table_with_a_title():
    for kind in KINDS:
        assert RULES[kind].severity == "warning"


def test_sentences_name_nodes_in_words():
    case = case_of(
        [item("van", arson="CC", accident="N")],
        [argument("van-arson", "supports", "arson", "van"), CUT],
        [DOUBT],
    )
    document = disagreements(case)[0].to_json(case)
    assert document == {
        "kind": "rated_for_defeated_argument",
        "ids": ["van", "arson", "van-arson"],
        "sentence": "“Item van” is rated very consistent (CC) with The arson hypothesis, but "
        "“Argument van-arson”, which argues from it for The arson hypothesis, is out: undercut "
        "by “Argument cut”, which is in.",
        "advice": "Re-rate it in the light of what defeats the argument, or answer that in the "
        "map; the matrix and the map should tell one story.",
    }


# --- the commands and the report ----------------------------------------------------------

MAP = """\
statements:
  - id: by-chance
    text: The van may have been there by chance.
    assumed: true
arguments:
  - id: van-arson
    claim: Men leaving in a van point to <i>arson</i>.
    premises: [van]
    supports: arson
    rationale: Weak <b>on its own</b>.
  - id: chance
    claim: The van proves nothing.
    premises: [by-chance]
    undercuts: van-arson
"""


def test_check_lists_each_disagreement_where_it_is_written(write_case, runner):
    folder = write_case({"hypotheses/case.yaml": HYPOTHESES + MAP})
    result = runner.invoke(main, ["check", str(folder)])
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    evidence = EVIDENCE.splitlines()
    rating_line = next(n for n, text in enumerate(evidence, 1) if "ratings: {accident: I" in text)
    assert lines[0].endswith(
        f"evidence.yaml:{rating_line}: warning: evidence[van].ratings.arson: 'van' is rated "
        "consistent (C) with 'arson', but 'van-arson', which argues from it for 'arson', is "
        "out: undercut by 'chance', which is in"
    )
    assert any("the verdict on 'arson' rests on one argument" in line for line in lines)
    assert lines[-1] == "0 errors, 2 warnings in 2 files"
    problems = coherence_warnings(load_case(folder))
    assert [p.severity for p in problems] == ["warning", "warning"]


def test_score_json_and_table_carry_the_disagreements(write_case, runner):
    folder = write_case({"hypotheses/case.yaml": HYPOTHESES + MAP})
    result = runner.invoke(main, ["score", str(folder), "--format", "json"])
    assert result.exit_code == 0, result.output
    coherence = json.loads(result.stdout)["coherence"]
    assert [(d["kind"], d["ids"]) for d in coherence] == [
        ("rated_for_defeated_argument", ["van", "arson", "van-arson"]),
        ("verdict_without_weights", ["arson", "van-arson"]),
    ]
    assert coherence[0]["sentence"].startswith(
        "“Two men left in a van” is rated consistent (C) with Arson, but “Men leaving in a van "
        "point to <i>arson</i>”"
    )
    table = runner.invoke(main, ["score", str(folder)]).stdout
    assert "the argument map and the matrix disagree in 2 places" in table


def test_an_agreeing_case_has_an_empty_list(write_case, runner):
    folder = write_case()
    result = runner.invoke(main, ["score", str(folder), "--format", "json"])
    assert json.loads(result.stdout)["coherence"] == []
    assert runner.invoke(main, ["check", str(folder)]).stderr == ""


def test_the_report_has_a_section_for_them(write_case, runner, tmp_path):
    folder = write_case({"hypotheses/case.yaml": HYPOTHESES + MAP})
    out = tmp_path / "report.html"
    result = runner.invoke(main, ["report", str(folder), "-o", str(out)])
    assert result.exit_code == 0, result.output
    soup = BeautifulSoup(out.read_text(encoding="utf-8"), "html.parser")
    section = soup.select_one("section#coherence")
    assert section is not None
    assert section.h2.get_text() == "Where the map and the matrix disagree"
    assert [h.get_text(" ", strip=True) for h in section.select("h3")] == [
        f"{KINDS['rated_for_defeated_argument']} (1)",
        f"{KINDS['verdict_without_weights']} (1)",
    ]
    items = section.select("ul.coherence li")
    assert items[0].p.get_text().startswith("“Two men left in a van” is rated consistent (C)")
    assert "point to <i>arson</i>" in items[0].p.get_text()  # case text stays text
    assert section.find("i") is None
    assert [a["href"] for a in items[0].select("a")] == ["#ev-van", "#hyp-arson", "#arg-van-arson"]
    assert soup.select_one('nav a[href="#coherence"]') is not None


def test_the_report_says_when_they_agree(write_case, runner, tmp_path):
    folder = write_case()
    out = tmp_path / "report.html"
    assert runner.invoke(main, ["report", str(folder), "-o", str(out)]).exit_code == 0
    section = BeautifulSoup(out.read_text(encoding="utf-8"), "html.parser").select_one(
        "section#coherence"
    )
    assert section is not None and not section.select("ul.coherence")
    assert "They agree" in section.get_text()
