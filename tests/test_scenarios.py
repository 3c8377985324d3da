"""Reliability in the weighing, plausible re-ratings, scenarios and the key assumptions check."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from argmap.assess import assess, assessment_json, reliability_factors
from argmap.cli import main
from argmap.load import load_case
from argmap.model import DEFAULT_RELIABILITY
from argmap.problems import CaseError
from argmap.scenarios import MAX_PER_KIND, assumption_closure, weigh_scenarios
from argmap.scoring import scores_json
from argmap.weighing import CODE, TEMPER_FACTOR, Weighing

from .test_weighing import matrices

HYPOTHESES = """\
title: Fire
question: Which?
hypotheses:
  - {id: a, title: Accident, statement: A.}
  - {id: b, title: Arson, statement: B.}
  - {id: other, title: Something else, statement: O.}
"""

SOURCE = "Witnesses saw two men leave. The alarm was off. The mayor blamed the owner.\n"


def _evidence(reliability: str = "", originators: str = "", extra: str = "") -> str:
    grade = f"\n    reliability: {reliability}" if reliability else ""
    return f"""\
sources:
  - id: report
    title: Harbour report
    file: sources/report.txt{grade}
{originators}evidence:
  - id: men
    summary: Two men left.
    source: report
    quote: Witnesses saw two men leave.
    originator: Witness Jones
    credibility: high
    ratings: {{a: I, b: C, other: N}}
  - id: alarm
    summary: The alarm was off.
    source: report
    quote: The alarm was off.
    ratings: {{a: II, b: CC, other: N}}
  - id: mayor
    summary: The mayor blamed the owner.
    kind: claim
    source: report
    quote: The mayor blamed the owner.
    originator: Mayor Smith
    ratings: {{a: C, b: II, other: N}}
{extra}"""


def _load(write_case, evidence: str, hypotheses: str = HYPOTHESES, name: str = "case"):
    folder = write_case(
        {
            "hypotheses/case.yaml": hypotheses,
            "evidence/evidence.yaml": evidence,
            "evidence/sources/report.txt": SOURCE,
        },
        name=name,
    )
    return load_case(folder)


def _tempered(likelihood: float, w: float) -> float:
    return w * likelihood + (1 - w) * 0.5


# --- reliability ---------------------------------------------------------------------------


def test_an_ungraded_case_weighs_as_before(write_case):
    case = _load(write_case, _evidence()).case
    assert reliability_factors(case) is None


def test_source_reliability_tempers_the_likelihoods_by_hand(write_case):
    case = _load(write_case, _evidence("D")).case
    assert reliability_factors(case).tolist() == [0.5, 0.5, 0.5]
    posterior = assess(case, draws=10).weighing.posterior
    # men: high × medium × D = 1 · 0.75 · 0.5; alarm and mayor: medium² × D.
    w_men, w = 0.75 * 0.5, 0.5625 * 0.5
    like = {"CC": 0.9, "C": 0.7, "N": 0.5, "I": 0.3, "II": 0.1}
    rows = [
        (w_men, ("I", "C", "N")),
        (w, ("II", "CC", "N")),
        (w, ("C", "II", "N")),
    ]
    logs = np.zeros(3)
    for weight, ratings in rows:
        logs += [math.log(_tempered(like[r], weight)) for r in ratings]
    expected = np.exp(logs - logs.max())
    assert posterior.tolist() == pytest.approx((expected / expected.sum()).tolist())


def test_originator_grade_wins_and_the_weakest_of_several_applies(write_case):
    originators = """\
originators:
  - {id: jones, name: Witness Jones, reliability: B}
  - {id: smith, name: Mayor Smith, reliability: E, interest: Wants the owner blamed.}
  - {id: clerk, name: Clerk, reliability: C}
"""
    evidence = _evidence("A", originators).replace(
        "originator: Witness Jones", "originator: jones; Clerk"
    )
    case = _load(write_case, evidence).case
    # men: jones (B 0.9) and Clerk (C 0.75) → the weaker, C; alarm: the source's A;
    # mayor: smith's E.
    assert reliability_factors(case).tolist() == [0.75, 1.0, 0.25]
    assert case.reliability_grades(case.evidence[0]) == ("B", "C")


def test_reliability_factors_are_configurable(write_case):
    hypotheses = HYPOTHESES.replace(
        "hypotheses:\n", "scoring:\n  reliability: {F: 0.9}\nhypotheses:\n"
    )
    case = _load(write_case, _evidence("F"), hypotheses).case
    assert reliability_factors(case).tolist() == [0.9, 0.9, 0.9]
    assert DEFAULT_RELIABILITY["F"] == 0.6


def test_parc_scores_ignore_reliability(write_case):
    plain = _load(write_case, _evidence(), name="plain").case
    graded = _load(write_case, _evidence("E"), name="graded").case
    assert scores_json(plain, assess(plain, draws=10).scores) == scores_json(
        graded, assess(graded, draws=10).scores
    )
    assert not np.allclose(
        assess(plain, draws=10).weighing.posterior, assess(graded, draws=10).weighing.posterior
    )


@settings(max_examples=100, deadline=None)
@given(matrices())
def test_reliability_a_everywhere_reproduces_the_posteriors_exactly(data):
    graded = data.replace(reliability=np.ones(len(data.evidence_ids)))
    plain, with_a = Weighing(data), Weighing(graded)
    assert with_a.posterior.tolist() == plain.posterior.tolist()
    assert with_a.removal_log_posteriors.tolist() == plain.removal_log_posteriors.tolist()
    assert with_a.monte_carlo(200).p_top.tolist() == plain.monte_carlo(200).p_top.tolist()


@settings(max_examples=60, deadline=None)
@given(matrices(), st.sampled_from(sorted(DEFAULT_RELIABILITY)))
def test_a_weaker_grade_pulls_every_likelihood_towards_neutral(data, grade):
    factor = DEFAULT_RELIABILITY[grade]
    graded = data.replace(reliability=np.full(len(data.evidence_ids), factor))
    ll, plain = Weighing(graded).data.log_likelihood, Weighing(data).data.log_likelihood
    half = math.log(0.5)
    assert (np.abs(ll - half) <= np.abs(plain - half) + 1e-12).all()
    cred = np.array([TEMPER_FACTOR[lv] for lv in ("low", "medium", "high")])[data.credibility]
    rel = np.array([TEMPER_FACTOR[lv] for lv in ("low", "medium", "high")])[data.relevance]
    w = (cred * rel * factor)[:, None]
    likelihood = np.array([0.1, 0.3, 0.5, 0.7, 0.9])[data.codes]
    assert np.exp(ll) == pytest.approx(w * likelihood + (1 - w) * 0.5)


def test_a_bad_grade_is_located(write_case):
    originators = """\
originators:
  - {id: jones, name: Witness Jones, reliability: G}
"""
    with pytest.raises(CaseError) as caught:
        _load(write_case, _evidence(originators=originators))
    (found,) = caught.value.problems
    assert (found.line, found.field) == (6, "originators[jones].reliability")
    assert (found.message, found.hint) == (
        "'G' is not allowed",
        "use one of 'A', 'B', 'C', 'D', 'E' or 'F'",
    )


def test_duplicate_originator_ids_are_located(write_case):
    originators = """\
originators:
  - {id: smith, name: Mayor Smith}
  - {id: smith, name: Another Smith}
"""
    with pytest.raises(CaseError) as caught:
        _load(write_case, _evidence(originators=originators))
    assert [(p.line, p.message) for p in caught.value.problems] == [
        (7, "originator 'smith' is already listed at evidence/evidence.yaml:6")
    ]


def test_an_originator_named_nowhere_is_fine(write_case):
    evidence = _evidence(
        originators="originators:\n  - {id: nobody, name: Nobody, reliability: E}\n"
    )
    result = _load(write_case, evidence)
    assert reliability_factors(result.case) is None
    assert result.warnings == []


# --- plausible re-ratings ------------------------------------------------------------------


def test_three_smallest_sets_of_one_step_moves(write_case):
    case = _load(write_case, _evidence()).case
    a = assess(case, draws=50)
    sets = a.plausible_changes
    assert 1 <= len(sets) <= 3
    seen = []
    for found in sets:
        cells = [(c.evidence, c.hypothesis) for c in found.changes]
        assert len(set(cells)) == len(cells)
        assert all(abs(CODE[c.after] - CODE[c.before]) == 1 for c in found.changes)
        assert frozenset(cells) not in seen
        seen.append(frozenset(cells))
    assert [len(s.changes) for s in sets] == sorted(len(s.changes) for s in sets)
    sensitivity = assessment_json(a)["sensitivity"]
    assert sensitivity["changes"] == [vars(c) for c in sets[0].changes]
    assert len(sensitivity["alternatives"]) == len(sets) - 1
    summary = sensitivity["summary"]
    assert "‘The alarm was off’" in summary or "‘Two men left’" in summary
    assert "Arson" in summary and " b " not in summary
    assert "steps" not in summary.replace("one step each", "")


# --- scenarios -----------------------------------------------------------------------------

SCENARIOS = """\
scenarios:
  - id: mayor-neutral
    title: The mayor read as neutral
    changes:
      - items: {originator: Mayor Smith}
        rate: N
  - id: no-claims
    title: Claims set aside
    changes:
      - items: {kind: claim}
        remove: true
      - items: {ids: [men]}
        ratings: {a: CC}
"""


def test_declared_scenarios_set_and_remove(write_case):
    case = _load(write_case, _evidence(), HYPOTHESES + SCENARIOS).case
    a = assess(case, draws=50)
    results = {r.id: r for r in a.scenarios.results}
    neutral = results["mayor-neutral"]
    assert not neutral.generated and neutral.changed == 2 and neutral.removed == 0
    without = results["no-claims"]
    assert without.removed == 1 and without.changed == 1
    # By hand: the mayor's row set to N everywhere is the same as leaving it out.
    data = a.weighing.data
    keep = np.array([e != "mayor" for e in data.evidence_ids])
    expected = Weighing(data.without(~keep)).posterior
    assert neutral.posterior.tolist() == pytest.approx(expected.tolist())
    assert neutral.leaders == ("b",) and neutral.survives


def test_generated_scenarios(write_case):
    originators = """\
originators:
  - {id: smith, name: Mayor Smith, interest: Wants the owner blamed.}
"""
    extra = """\
  - id: guess
    summary: Fires like this are rarely accidents.
    kind: assumption
    breaks_if: The insurer finds an electrical fault.
    ratings: {a: I, b: C, other: N}
  - id: motive
    summary: The owner was in debt.
    source: report
    quote: The alarm was off.
    rests_on: [guess]
    deceptive: suspected
    ratings: {a: N, b: C, other: N}
"""
    result = _load(write_case, _evidence(originators=originators, extra=extra))
    assert [p.message for p in result.warnings if "quote" not in p.message] == []
    case = result.case
    a = assess(case, draws=50)
    ids = [r.id for r in a.scenarios.results]
    assert ids == [
        "interested-claims-neutral",
        "without-originator:smith",
        "without-originator:witness-jones",
        "without-source:report",
        "high-credibility-only",
        "deception-set-aside",
        "without-assumption:guess",
    ]
    assert all(r.generated for r in a.scenarios.results)
    results = {r.id: r for r in a.scenarios.results}
    assert results["interested-claims-neutral"].changed == 2
    assert results["without-assumption:guess"].removed == 2  # guess and motive
    assert results["without-source:report"].removed == 4  # the assumption stays
    (check,) = a.scenarios.assumptions
    assert check.id == "guess" and check.items == ("guess", "motive")
    assert check.breaks_if == "The insurer finds an electrical fault."
    document = assessment_json(a)
    assert document["assumptions"][0]["scenario"]["id"] == "without-assumption:guess"
    entry = document["scenarios"][0]
    assert set(entry) >= {"id", "title", "generated", "leader", "survives", "ranking"}
    assert sum(r["posterior"] for r in entry["ranking"]) == pytest.approx(1.0)
    assert [r["posterior"] for r in entry["ranking"]] == sorted(
        (r["posterior"] for r in entry["ranking"]), reverse=True
    )


def test_what_rests_on_an_assumption_follows_arguments(write_case):
    hypotheses = (
        HYPOTHESES
        + """\
statements:
  - {id: premise, text: Owners who are in debt burn their stock., assumed: true, breaks_if: Audits.}
  - {id: middle, text: The owner had a motive.}
arguments:
  - {id: first, claim: Motive., premises: [premise], supports: middle}
  - {id: second, claim: Arson., premises: [first, middle], supports: b}
  - {id: unrelated, claim: Alarm., premises: [alarm], supports: b}
"""
    )
    extra = """\
  - id: debt
    summary: The owner was in debt.
    kind: assumption
    rests_on: [premise]
    ratings: {a: N, b: C, other: N}
"""
    case = _load(write_case, _evidence(extra=extra), hypotheses).case
    items, arguments = assumption_closure(case, "premise")
    assert items == {"debt"} and arguments == {"first", "second"}
    checks = {c.id: c for c in weigh_scenarios(case, assess(case, draws=10).weighing).assumptions}
    assert checks["premise"].breaks_if == "Audits."
    assert checks["premise"].arguments == ("first", "second")
    assert checks["debt"].items == ("debt",)


def test_generated_scenarios_are_capped_per_kind(write_case):
    items = "".join(
        f"""\
  - id: say-{n}
    summary: Person {n} says so.
    kind: claim
    source: report
    quote: The alarm was off.
    originator: Person {n}
    ratings: {{a: {"I" if n % 2 else "C"}, b: C, other: N}}
"""
        for n in range(MAX_PER_KIND + 3)
    )
    case = _load(write_case, _evidence(extra=items)).case
    scenarios = assess(case, draws=10).scenarios
    originator_ids = [r.id for r in scenarios.results if r.id.startswith("without-originator:")]
    assert len(originator_ids) == MAX_PER_KIND
    assert scenarios.left_out == {"originators": 15 - MAX_PER_KIND}


@settings(max_examples=30, deadline=None)
@given(st.sampled_from(["N", "CC", "II"]), st.booleans())
def test_scenarios_never_change_the_parc_scores(tmp_path_factory, rating, remove):
    from .conftest import write_case_files

    folder = tmp_path_factory.mktemp("case")
    change = "remove: true" if remove else f"rate: {rating}"
    scenario = f"""\
scenarios:
  - id: s
    title: S
    changes:
      - items: {{kind: claim}}
        {change}
"""
    write_case_files(
        folder,
        {
            "hypotheses/case.yaml": HYPOTHESES + scenario,
            "evidence/evidence.yaml": _evidence("C"),
            "evidence/sources/report.txt": SOURCE,
        },
    )
    case = load_case(folder).case
    a = assess(case, draws=10)
    before = json.dumps(scores_json(case, a.scores))
    codes = a.weighing.data.codes.copy()
    _ = a.scenarios
    assert json.dumps(scores_json(case, a.scores)) == before
    assert (a.weighing.data.codes == codes).all()
    assert json.dumps(scores_json(case, assess(case, draws=10).scores)) == before


def test_scenarios_are_validated(write_case):
    scenarios = """\
scenarios:
  - id: s
    title: S
    changes:
      - items: {ids: [men, nosuch]}
        ratings: {a: C, zz: C}
      - items: {}
        rate: N
      - items: {kind: claim}
        rate: N
        remove: true
  - id: s
    title: Again
    changes: []
"""
    with pytest.raises(CaseError) as caught:
        _load(write_case, _evidence(), HYPOTHESES + scenarios)
    messages = sorted((p.line, p.message) for p in caught.value.problems)
    assert messages == [
        (13, "'items' selects nothing: it gives no condition"),
        (
            15,
            "a scenario change needs exactly one of 'rate', 'ratings' and 'remove' "
            "(found: rate and remove)",
        ),
        (18, "a scenario without changes"),
    ]


def test_scenario_references_are_checked(write_case):
    scenarios = """\
scenarios:
  - id: s
    title: S
    changes:
      - items: {ids: [men, nosuch]}
        ratings: {a: C, zz: C}
  - id: s
    title: Again
    changes:
      - items: {tag: none-has-it}
        remove: true
"""
    with pytest.raises(CaseError) as caught:
        _load(write_case, _evidence(), HYPOTHESES + scenarios)
    messages = sorted((p.line, p.message) for p in caught.value.problems)
    assert messages == [
        (11, "'nosuch' is not an evidence item"),
        (12, "'zz' is not a leaf hypothesis"),
        (13, "scenario 's' is already declared at hypotheses/case.yaml:8"),
    ]


def test_a_scenario_that_selects_nothing_is_a_warning(write_case):
    scenarios = """\
scenarios:
  - id: s
    title: S
    changes:
      - items: {tag: none-has-it}
        remove: true
"""
    result = _load(write_case, _evidence(), HYPOTHESES + scenarios)
    assert [(p.line, p.message) for p in result.warnings] == [
        (11, "no evidence item matches this scenario change")
    ]


def test_rests_on_and_breaks_if_are_checked(write_case):
    extra = """\
  - id: guess
    summary: A guess.
    kind: assumption
    rests_on: [alarm, nothing-like-it]
    ratings: {a: N, b: C, other: N}
"""
    evidence = _evidence(extra=extra).replace(
        "    originator: Mayor Smith\n", "    originator: Mayor Smith\n    breaks_if: Never.\n"
    )
    with pytest.raises(CaseError) as caught:
        _load(write_case, evidence)
    found = [(p.line, p.field, p.severity, p.message) for p in caught.value.problems]
    assert sorted(found) == [
        (
            24,
            "evidence[mayor].breaks_if",
            "warning",
            "'breaks_if' is for assumptions; this claim is not one",
        ),
        (29, "evidence[guess].rests_on[0]", "error", "'alarm' is not an assumption"),
        (29, "evidence[guess].rests_on[1]", "error", "'nothing-like-it' is not an assumption"),
    ]


# --- the command line ----------------------------------------------------------------------


def test_score_scenarios_table(write_case, runner):
    folder = write_case(
        {
            "hypotheses/case.yaml": HYPOTHESES + SCENARIOS,
            "evidence/evidence.yaml": _evidence(),
            "evidence/sources/report.txt": SOURCE,
        }
    )
    result = runner.invoke(main, ["score", str(folder), "--scenarios", "--draws", "50"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "scenarios" in out and "The mayor read as neutral" in out
    assert "Claims set aside" in out and "Without the source ‘Harbour report’" in out
    assert "assumptions" not in out.split("scenarios", 1)[1] or "no assumptions" in out
    # The header names whose lead the scenarios test.
    document = json.loads(
        runner.invoke(main, ["score", str(folder), "--draws", "50", "--format", "json"]).stdout
    )
    (leader,) = document["top"]
    title = next(h["title"] for h in document["hypotheses"] if h["id"] == leader)
    held = sum(r["survives"] for r in document["scenarios"])
    assert (
        f"\nscenarios: the lead of {title} holds in {held} of {len(document['scenarios'])}\n" in out
    )
    plain = runner.invoke(main, ["score", str(folder), "--draws", "50"]).stdout
    assert "The mayor read as neutral" not in plain


def test_report_lists_scenarios_and_assumptions(write_case, runner, tmp_path):
    from bs4 import BeautifulSoup

    originators = """\
originators:
  - {id: smith, name: Mayor Smith, reliability: E, interest: "<b>Wants</b> the owner blamed."}
"""
    extra = """\
  - id: guess
    summary: Fires like <this> are rarely accidents.
    kind: assumption
    breaks_if: The insurer finds an <i>electrical</i> fault.
    ratings: {a: I, b: C, other: N}
"""
    folder = write_case(
        {
            "hypotheses/case.yaml": HYPOTHESES + SCENARIOS,
            "evidence/evidence.yaml": _evidence(originators=originators, extra=extra),
            "evidence/sources/report.txt": SOURCE,
        }
    )
    out = tmp_path / "r.html"
    result = runner.invoke(main, ["report", str(folder), "-o", str(out)])
    assert result.exit_code == 0, result.output
    soup = BeautifulSoup(out.read_text(encoding="utf-8"), "html.parser")
    section = soup.find(id="scenarios")
    rows = section.select("table.scenarios tbody tr")
    titles = [row.find("td").get_text(" ", strip=True) for row in rows]
    assert titles[0].startswith("The mayor read as neutral the case’s")
    assert any(t.startswith("Interested parties' claims read as neutral") for t in titles)
    assert all(row.find_all("td")[-1].get_text() in ("holds", "fails") for row in rows)
    caption = section.find("caption").get_text()
    held = sum(row.find_all("td")[-1].get_text() == "holds" for row in rows)
    document = json.loads(runner.invoke(main, ["score", str(folder), "--format", "json"]).stdout)
    (leader,) = document["top"]
    title = next(h["title"] for h in document["hypotheses"] if h["id"] == leader)
    assert f"the lead of {title} holds in {held} of {len(rows)}" in caption
    (item,) = section.select("ul.assumptions li")
    text = item.get_text(" ", strip=True)
    assert "Fires like <this> are rarely accidents." in text
    assert "Breaks if: The insurer finds an <i>electrical</i> fault." in text
    assert section.find("i") is None  # escaped, never markup
    assert "noise on single cells, not a test of the reading" in section.get_text()


def test_reliability_settings_are_validated(write_case):
    hypotheses = HYPOTHESES.replace(
        "hypotheses:\n", "scoring:\n  reliability: {G: 0.5, F: 1.5}\nhypotheses:\n"
    )
    with pytest.raises(CaseError) as caught:
        _load(write_case, _evidence("F"), hypotheses)
    found = sorted((p.line, p.field) for p in caught.value.problems)
    assert found == [(4, "scoring.reliability.F"), (4, "scoring.reliability.G")]


def test_scenarios_of_a_thousand_items_are_fast(write_case):
    import time

    rng = np.random.default_rng(5)
    codes = ["CC", "C", "N", "I", "II"]
    sources = "".join(
        f"  - {{id: s{n}, title: Source {n}, file: sources/report.txt, reliability: "
        f"{'ABCDEF'[n % 6]}}}\n"
        for n in range(14)
    )
    originators = "".join(
        f"  - {{id: o{n}, name: Person {n}, reliability: {'ABCDEF'[n % 6]}"
        + (", interest: gain" if n % 3 == 0 else "")
        + "}\n"
        for n in range(30)
    )
    items = []
    for i in range(1000):
        ratings = ", ".join(f"{h}: {codes[rng.integers(5)]}" for h in ("a", "b", "other"))
        if i % 50 == 0:
            items.append(
                f"  - {{id: e{i}, summary: S{i}., kind: assumption, ratings: {{{ratings}}}}}\n"
            )
            continue
        rests = f", rests_on: [e{i - i % 50}]" if i % 7 == 0 else ""
        items.append(
            f"  - {{id: e{i}, summary: S{i}., kind: claim, source: s{i % 14}, "
            f"quote: The alarm was off., originator: Person {i % 30}{rests}, "
            f"ratings: {{{ratings}}}}}\n"
        )
    evidence = (
        "sources:\n" + sources + "originators:\n" + originators + "evidence:\n" + "".join(items)
    )
    case = _load(write_case, evidence).case
    a = assess(case, draws=200)
    started = time.perf_counter()
    found = a.scenarios
    elapsed = time.perf_counter() - started
    assert found.left_out == {"assumptions": 10, "originators": 20, "sources": 4}
    assert len(found.assumptions) == 20
    assert elapsed < 5, elapsed


def test_the_confidence_statement_draws_on_the_scenarios(write_case):
    case = _load(write_case, _evidence(), HYPOTHESES + SCENARIOS).case
    a = assess(case, draws=50)
    results = a.scenarios.results
    failed = [r.title for r in results if not r.survives]
    held = len(results) - len(failed)
    (leader,) = a.leaders  # one leads here: the sentence names it
    title = case.hypothesis_by_id[leader].title
    expected = f"The lead of {title} holds in {held} of {len(results)} scenarios"
    expected += f", not in: {'; '.join(failed)}." if failed else "."
    assert expected in a.confidence.reasons
    assert "Without the source ‘Harbour report’" in failed  # nothing is left but the prior


@settings(max_examples=60, deadline=None)
@given(matrices())
def test_every_set_reported_overturns_the_top_and_none_contains_another(data):
    w = Weighing(data)
    sets = w.smallest_changes(3)
    assert len(sets) <= 3
    cells = []
    for found in sets:
        codes = data.codes.copy()
        for c in found.changes:
            i, j = data.evidence_ids.index(c.evidence), data.leaf_ids.index(c.hypothesis)
            assert abs(CODE[c.after] - CODE[c.before]) == 1 and codes[i, j] == CODE[c.before]
            codes[i, j] = CODE[c.after]
        assert (Weighing(data.replace(codes=codes)).top != w.top).any()
        cells.append({(c.evidence, c.hypothesis, c.after) for c in found.changes})
    for n, first in enumerate(cells):
        assert all(not first <= later for later in cells[n + 1 :])
    if sets:
        assert [len(s.changes) for s in sets][0] == min(len(s.changes) for s in sets)


def test_thousands_of_bad_references_end_fast(write_case):
    import time

    items = "".join(
        f"  - {{id: e{i}, summary: S., kind: assumption, rests_on: [nope-{i}], "
        f"ratings: {{a: C, b: N, other: N}}}}\n"
        for i in range(3000)
    )
    ids = ", ".join(f"gone-{i}" for i in range(3000))
    scenarios = f"scenarios:\n  - id: s\n    title: S\n    changes:\n      - items: {{ids: [{ids}]}}\n        remove: true\n"
    started = time.perf_counter()
    with pytest.raises(CaseError) as caught:
        _load(write_case, "evidence:\n" + items, HYPOTHESES + scenarios)
    elapsed = time.perf_counter() - started
    messages = [p.message for p in caught.value.problems]
    assert messages.count("'nope-7' is not an assumption") == 1
    assert sum(m.endswith("is not an assumption") for m in messages) == 3000
    assert sum(m.endswith("is not an evidence item") for m in messages) == 3000
    assert elapsed < 10, elapsed


def test_originators_and_scenarios_travel_through_json(write_case, tmp_path):
    from argmap.io.jsondoc import export, to_case_files

    from .conftest import write_case_files

    originators = """\
originators:
  - {id: smith, name: Mayor Smith, reliability: E, interest: Wants the owner blamed.}
"""
    case = _load(write_case, _evidence("C", originators), HYPOTHESES + SCENARIOS).case
    path = tmp_path / "case.json"
    path.write_text(export(case), encoding="utf-8")
    again = load_case(write_case_files(tmp_path / "again", to_case_files(path))).case
    assert again.originators == case.originators
    assert again.scenarios == case.scenarios
    assert reliability_factors(again).tolist() == reliability_factors(case).tolist()


def test_a_tie_breaks_with_the_weightiest_single_step(write_case):
    evidence = """\
evidence:
  - {id: weak, summary: Weak., kind: assumption, credibility: low, ratings: {a: C, b: C, other: I}}
  - {id: strong, summary: Strong., kind: assumption, credibility: high, ratings: {a: C, b: C, other: I}}
"""
    case = _load(write_case, evidence).case
    a = assess(case, draws=20)
    assert a.top_ids == ["a", "b"]
    first = a.plausible_changes[0]
    (change,) = first.changes
    # The high-credibility item's step moves the posterior most; in logs C → N
    # (ln 0.7/0.5 at this weight) is larger than C → CC (ln 0.9/0.7).
    assert (change.evidence, change.before, change.after) == ("strong", "C", "N")
    assert first.challenger in ("a", "b") and first.challenger != change.hypothesis
    assert a.sensitivity_sentence().startswith(
        "One re-rating by one step would break the tie at the top in favour of "
    )
