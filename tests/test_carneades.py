"""Carneades graphs: the importer, and the evaluator against carneades-4's expected labels."""

from __future__ import annotations

import textwrap
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from argmap.casewriter import write_new_case
from argmap.cli import main
from argmap.evaluate import evaluate
from argmap.io.carneades import read_graph, summary, to_case_files
from argmap.io.carneades.terms import Var, match, normalise, parse_term
from argmap.load import load_case
from argmap.problems import CaseError

from .conftest import EXTERNAL, data_files

ORACLE = EXTERNAL / "carneades"
FILES = data_files(ORACLE, "*.yml", at_least=34)
UNSUPPORTED: dict[str, str] = {}
"""File name → why argmap does not reproduce its labels (docs/evaluation.md lists them)."""


def imported(path: Path, folder: Path):
    write_new_case(folder, to_case_files(path))
    return load_case(folder)


def test_the_oracle_holds_34_graphs_and_all_are_supported():
    assert len(FILES) == 34
    assert set(UNSUPPORTED) <= {f.name for f in FILES}
    assert not UNSUPPORTED


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_carneades_expected_labels(path, tmp_path):
    if path.name in UNSUPPORTED:
        pytest.xfail(UNSUPPORTED[path.name])
    graph = read_graph(path)
    assert graph.expected, "every graph states expected labels"
    result = imported(path, tmp_path / "case")
    assert result.warnings == []
    labels = evaluate(result.case).labels
    got = {key: labels[graph.slugs[key]] for key in graph.expected}
    assert got == graph.expected


# --- what the importer makes ------------------------------------------------------------


def write(tmp_path: Path, text: str, name: str = "graph.yml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


FRISIAN = """\
meta:
  title: The Frisian Example
  source: Prakken 2010.
statements:
  dutch: Wiebe is Dutch.
  tall:
    text: Wiebe is tall.
  frisian:
    text: Wiebe is Frisian.
  ¬app(a1): a1 is not applicable.
  ¬tall: Wiebe is not tall.
assumptions: [frisian]
issues:
  i1:
    positions: [tall, ¬tall]
    standard: CCE
arguments:
  a1:
    conclusion: dutch
    premises: [frisian]
    undercutter: ¬app(a1)
  a2:
    scheme: cumulative
    conclusion: tall
    premises: [dutch, frisian]
tests:
  in: [dutch, tall, frisian]
  out: [¬app(a1)]
"""


def test_the_case_file_reads_like_the_graph(tmp_path):
    files = to_case_files(write(tmp_path, FRISIAN))
    assert list(files) == ["hypotheses/graph.yaml"]
    text = files["hypotheses/graph.yaml"]
    assert text.startswith("# Imported from the Carneades graph graph.yml")
    assert "# Statement ids: ¬app(a1) → not-app-a1; ¬tall → not-tall." in text
    assert "# Expected in (tests): dutch, tall, frisian." in text
    case = imported(write(tmp_path, FRISIAN), tmp_path / "case").case
    assert case.title == "The Frisian Example" and case.notes == "Prakken 2010."
    statements = {s.id: s for s in case.statements}
    assert statements["frisian"].assumed and not statements["dutch"].assumed
    assert statements["tall"].contrary == ("not-tall",)
    assert statements["not-tall"].contrary == ("tall",)
    assert statements["tall"].standard == "clear-and-convincing"
    arguments = {a.id: a for a in case.arguments}
    assert arguments["a1"].supports == "dutch" and arguments["a1"].weight == 1
    assert arguments["a1-undercut"].undercuts == "a1"
    assert arguments["a1-undercut"].premises == ("not-app-a1",)
    assert arguments["a2"].weighing == "cumulative"
    assert arguments["a2"].rationale == "Carneades argument a2."


def test_undercutter_statements_decide_whether_the_argument_applies(tmp_path):
    undercut = FRISIAN.replace("assumptions: [frisian]", "assumptions: [frisian, ¬app(a1)]")
    case = imported(write(tmp_path, undercut), tmp_path / "case").case
    labels = evaluate(case).labels
    assert labels["a1"] == "out" and labels["dutch"] == "out"


def test_schemes_are_applied_to_the_assumptions_by_forward_chaining(tmp_path):
    text = """\
    language:
      parent/2: "%v is a parent of %v."
      ancestor/2: "%v is an ancestor of %v."
    argument_schemes:
      - id: base
        variables: [X, Y]
        premises: ["parent(X, Y)"]
        conclusions:
          - ancestor(X, Y)
      - id: step
        variables: [X, Y, Z]
        premises:
          - parent(X, Y)
          - ancestor(Y, Z)
        exceptions: [adopted(Y)]
        conclusions: ["ancestor(X, Z)"]
    statements:
      ancestor(ann, cy): Ann is an ancestor of Cy.
    assumptions: ["parent(ann, bo)", "parent(bo,cy)", adopted(bo)]
    tests:
      out: ["ancestor(ann, cy)"]
    """
    graph = read_graph(write(tmp_path, text))
    instances = [a for a in graph.arguments if a.scheme is not None]
    assert [a.name for a in instances] == ["base-1", "base-2", "step-1"]
    step = instances[-1]
    assert step.conclusion == "ancestor(ann,cy)"
    assert step.premises == ["parent(ann,bo)", "ancestor(bo,cy)"]
    assert graph.statements["ancestor(bo,cy)"].text == "bo is an ancestor of cy."
    case = imported(write(tmp_path, text), tmp_path / "case").case
    result = evaluate(case)
    # bo is adopted: the step's exception undercuts it, so only the parent link stands.
    assert result.labels["step-1"] == "out"
    assert result.reasons["step-1"] == "out: undercut by step-1-exception, which is in."
    assert result.labels["ancestor-ann-cy"] == "out"
    assert result.labels["ancestor-bo-cy"] == "in"


def test_issue_schemes_group_positions(tmp_path):
    graph = read_graph(ORACLE / "mcda-porsche.yml")
    positions = sorted(sorted(p) for p, _ in graph.issues.values())
    assert positions == [
        ["buy(porsche)", "buy(volvo)"],
        ["safety(volvo,high)", "safety(volvo,medium)"],
    ]
    weights = {a.name: a.weight for a in graph.arguments}
    # Criteria: price 2, type 2, speed 2, safety 4; the volvo is medium, family, medium, medium.
    assert weights["car_buying_scheme-1"] == pytest.approx(0.7)
    assert weights["car_buying_scheme-3"] == pytest.approx(0.3)
    assert weights["gov_stats_scheme-1"] == 0.8


def test_preference_weighing_ranks_the_arguments_on_an_issue():
    graph = read_graph(ORACLE / "lex.yml")
    weights = {a.name: a.weight for a in graph.arguments}
    # Lex superior: federal law outranks state law, whatever their dates.
    assert weights == {"a1": 1.0, "a2": 0.5, "a3": 1.0}


def test_terms():
    assert (
        normalise("initiates(wfh_order, wfh_required, 1)") == "initiates(wfh_order,wfh_required,1)"
    )
    assert normalise(" ¬app(a1) ") == "¬app(a1)"
    assert normalise("P") == "P"  # a variable is no statement key: left as written
    assert parse_term("f(a,") is None and parse_term("a1.2") is None
    assert parse_term("'x y'") == "'x y'"
    pattern = parse_term("safety(O, V1)")
    assert match(pattern, parse_term("safety(volvo, high)"), {"O": "volvo"}) == {
        "O": "volvo",
        "V1": "high",
    }
    assert match(pattern, parse_term("safety(saab, high)"), {"O": "volvo"}) is None
    assert match(("p", (Var("X"), Var("X"))), ("p", ("a", "b")), {}) is None


def test_ids_are_slugs_of_the_carneades_ids(tmp_path):
    text = """\
    statements:
      ¬app(a1): Not applicable.
      wearsRing: Wears a ring.
      Élan: Élan.
      holdsAt(wfh_required, 3): Required.
    """
    graph = read_graph(write(tmp_path, text))
    assert graph.slugs == {
        "¬app(a1)": "not-app-a1",
        "wearsRing": "wears-ring",
        "Élan": "elan",
        "holdsAt(wfh_required,3)": "holds-at-wfh-required-3",
    }


def test_slugs_are_unique(tmp_path):
    text = """\
    statements:
      a_b: One.
      a-b: Two.
      A B: Three.
    arguments:
      a_b:
        conclusion: a-b
        premises: [a_b]
    """
    graph = read_graph(write(tmp_path, text))
    assert graph.slugs == {"a_b": "a-b", "a-b": "a-b-2", "A B": "a-b-3"}
    assert graph.argument_slugs == {"a_b": "a-b-4"}
    case = imported(write(tmp_path, text), tmp_path / "case").case
    assert case.arguments[0].premises == ("a-b",) and case.arguments[0].supports == "a-b-2"


def test_summary(tmp_path):
    info = summary(write(tmp_path, FRISIAN))
    assert info == {
        "title": "The Frisian Example",
        "statements": 5,
        "assumptions": 1,
        "issues": 1,
        "arguments": 2,
        "undercutters": 1,
        "expected": {"in": ["dutch", "frisian", "tall"], "out": ["not-app-a1"], "undecided": []},
    }


# --- the command line ---------------------------------------------------------------------


def test_cli_import_then_evaluate(runner, tmp_path):
    out = tmp_path / "tweety"
    result = runner.invoke(
        main, ["import", "carneades", str(ORACLE / "tweety.yml"), "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert (out / "hypotheses" / "tweety.yaml").is_file()
    assert runner.invoke(main, ["check", str(out)]).exit_code == 0
    evaluated = runner.invoke(main, ["evaluate", str(out), "--format", "json"])
    labels = __import__("json").loads(evaluated.stdout)["labels"]
    assert labels["flies"] == labels["not-flies"] == "out"
    assert labels["not-app-a1"] == "in"


def test_cli_summary(runner, tmp_path):
    result = runner.invoke(
        main, ["import", "carneades", str(write(tmp_path, FRISIAN)), "--summary"]
    )
    assert result.exit_code == 0
    assert '"undercutters": 1' in result.stdout


BAD = [
    (
        "statements:\n  p: P\narguments:\n  a1:\n    conclusion: p\n    premises: [q]\n",
        6,
        "arguments.a1.premises.0: premise 'q' is not a statement",
    ),
    ("statements:\n  p: [P]\n", 2, "statements.p: expected the statement's text or a mapping"),
    ("statement:\n  p: P\n", 1, "statement: unknown key 'statement'"),
    ("statements: p\n", 1, "statements: expected a mapping"),
    (
        "statements:\n  p: P\n  q: Q\nissues:\n  i1: {positions: [p, q]}\n  i2: {positions: [q]}\n",
        6,
        "issues.i2.positions.0: 'q' is already a position of issue 'i1'",
    ),
    (
        "statements:\n  p: P\nissues:\n  i1:\n    positions: [p]\n    standard: SE\n",
        6,
        "issues.i1.standard: unknown proof standard 'SE'",
    ),
    (
        "statements:\n  p: P\narguments:\n  a1:\n    conclusion: p\n    scheme: expert\n",
        6,
        "arguments.a1.scheme: scheme 'expert' is not defined",
    ),
    (
        "argument_schemes:\n  - id: s\n    variables: [X]\n    premises: [p(X)]\n"
        "    guards: [X > 1]\n    conclusions: [q(X)]\n",
        5,
        "argument_schemes.0.guards: scheme guards are not supported",
    ),
    (
        "argument_schemes:\n  - id: s\n    variables: [X]\n    premises: [n(X)]\n"
        "    conclusions: [n(s(X))]\nassumptions: [n(z)]\n",
        2,
        "scheme 's' derives terms nested deeper than 32",
    ),
    (
        "argument_schemes:\n  - id: s\n    premises: [p(X)]\n    conclusions: [q(X)]\n",
        2,
        "argument_schemes.0.variables: variables X are not declared",
    ),
    ("tests:\n  in: [ghost]\n", 2, "tests.in.0: tested statement 'ghost' is not a statement"),
    ("statements:\n  p: P\n  p : Q\n", 3, "duplicate key"),
    ("statements:\n  p: 'P\n", 2, "malformed YAML"),
    ("- a\n- b\n", 1, "must be a mapping"),
]


@pytest.mark.parametrize(("text", "line", "message"), BAD, ids=[m for _, _, m in BAD])
def test_bad_graphs_are_clear_errors_and_write_nothing(runner, tmp_path, text, line, message):
    source = tmp_path / "bad.yml"
    source.write_text(text, encoding="utf-8")
    out = tmp_path / "case"
    result = runner.invoke(main, ["import", "carneades", str(source), "-o", str(out)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert message in result.stderr
    assert f"bad.yml:{line}: error" in result.stderr
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["bad.yml"]
    with pytest.raises(CaseError):
        read_graph(source)


def test_the_module_examples_hold():
    import doctest
    import importlib
    import pkgutil

    import argmap.io.carneades

    package = argmap.io.carneades
    names = [f"{package.__name__}.{m.name}" for m in pkgutil.iter_modules(package.__path__)]
    results = [doctest.testmod(importlib.import_module(name)) for name in names]
    assert sum(r.attempted for r in results) > 0
    assert [r.failed for r in results] == [0] * len(names)


# --- hostile graphs: bounded work ----------------------------------------------------------


def _explosive(last_facts: str, atoms: int = 60) -> str:
    """A scheme of five variables over ``atoms`` assumptions: joined premise by premise, the
    first four alone have atoms**4 partial matches before the fifth is tried."""
    assumptions = ", ".join(f"p(a{i})" for i in range(atoms))
    return (
        "argument_schemes:\n"
        "  - id: five\n"
        "    variables: [A, B, C, D, E]\n"
        "    premises:\n"
        "      - p(A)\n      - p(B)\n      - p(C)\n      - p(D)\n"
        "      - q(A, B, C, D, E)\n"
        "    conclusions: [r(A)]\n"
        f"assumptions: [{assumptions}{last_facts}]\n"
    )


def test_a_join_that_explodes_is_refused_naming_the_scheme(tmp_path):
    from argmap.io.carneades.graph import MAX_JOIN_STEPS

    path = write(tmp_path, _explosive(", 'q(z, z, z, z, z)'"))
    started = time.perf_counter()
    with pytest.raises(CaseError) as caught:
        read_graph(path)
    assert time.perf_counter() - started < 10
    [problem] = caught.value.problems
    assert problem.line == 2  # the scheme
    assert f"scheme 'five' tried more than {MAX_JOIN_STEPS:,} matches" in problem.message
    assert "premise" in problem.hint


def test_a_premise_no_assumption_can_match_ends_the_join_at_once(tmp_path):
    # The red team's 0.6 KB graph: no q(…) fact at all, so no instance; it ran for minutes.
    path = write(tmp_path, _explosive(""))
    started = time.perf_counter()
    graph = read_graph(path)
    assert time.perf_counter() - started < 5
    assert [a for a in graph.arguments if a.scheme is not None] == []
    assert graph.statements["p(a59)"].assumed


def test_facts_are_looked_up_by_predicate_and_argument(tmp_path):
    # 400 people, each with one parent: joining parent(X, Y) with parent(Y, Z) fact by fact
    # tries 400 × 400 pairs; looked up by Y it tries a few hundred.
    people = [f"p{i}" for i in range(401)]
    facts = ", ".join(f"'parent({people[i]}, {people[i + 1]})'" for i in range(400))
    text = (
        "argument_schemes:\n"
        "  - id: grand\n"
        "    variables: [X, Y, Z]\n"
        "    premises: ['parent(X, Y)', 'parent(Y, Z)']\n"
        "    conclusions: ['grandparent(X, Z)']\n"
        f"assumptions: [{facts}]\n"
    )
    graph = read_graph(write(tmp_path, text))
    instances = [a for a in graph.arguments if a.scheme is not None]
    assert len(instances) == 399
    assert instances[0].conclusion == "grandparent(p0,p2)"
    assert instances[-1].premises == ["parent(p398,p399)", "parent(p399,p400)"]


def test_a_scheme_of_thousands_of_premises_needs_no_deep_stack(tmp_path):
    premises = "".join(f"      - p(X{i})\n" for i in range(3000))
    variables = ", ".join(f"X{i}" for i in range(3000))
    text = (
        "argument_schemes:\n"
        "  - id: long\n"
        f"    variables: [{variables}]\n"
        f"    premises:\n{premises}"
        "    conclusions: [done(X0)]\n"
        "assumptions: [p(a)]\n"
    )
    graph = read_graph(write(tmp_path, text))
    [instance] = [a for a in graph.arguments if a.scheme is not None]
    assert instance.conclusion == "done(a)"


def test_issue_schemes_over_thousands_of_statements_are_bounded(tmp_path):
    from argmap.io.carneades.graph import MAX_JOIN_STEPS

    facts = ", ".join(f"r(a{i})" for i in range(3000))
    text = f"assumptions: [{facts}]\nissue_schemes:\n  pairs: [r(X), r(Y)]\n"
    started = time.perf_counter()
    with pytest.raises(CaseError) as caught:
        read_graph(write(tmp_path, text))
    assert time.perf_counter() - started < 10
    [problem] = caught.value.problems
    assert problem.line == 3
    assert f"issue scheme 'pairs' tried more than {MAX_JOIN_STEPS:,} matches" in problem.message


# Instantiation against a naive join: the facts in order, premise by premise, each scheme in
# turn until nothing new is derived (what carneades-4 delegates to CHR).

PREDICATES = {"p": 1, "q": 2, "r": 2}
ATOMS = ["a", "b", "c"]
VARIABLES = ["X", "Y", "Z"]


@st.composite
def _terms(draw: st.DrawFn, *, variables: bool) -> str:
    name = draw(st.sampled_from(sorted(PREDICATES)))
    pool = ATOMS + (VARIABLES if variables else [])
    args = [draw(st.sampled_from(pool)) for _ in range(PREDICATES[name])]
    return f"{name}({', '.join(args)})"


@st.composite
def _theories(draw: st.DrawFn) -> tuple[list[tuple[list[str], str]], list[str]]:
    schemes = []
    for _ in range(draw(st.integers(1, 3))):
        premises = draw(st.lists(_terms(variables=True), min_size=1, max_size=3))
        bound = [v for v in VARIABLES if any(v in p for p in premises)]
        conclusion = draw(st.sampled_from(sorted(PREDICATES)))
        args = [draw(st.sampled_from(bound + ATOMS)) for _ in range(PREDICATES[conclusion])]
        schemes.append((premises, f"{conclusion}({', '.join(args)})"))
    facts = draw(st.lists(_terms(variables=False), min_size=1, max_size=8, unique=True))
    return schemes, facts


def _naive_instances(schemes: list[tuple[list[str], str]], facts: list[str]) -> list[tuple]:
    from argmap.io.carneades.terms import show, substitute

    known = [parse_term(f) for f in facts]
    seen, order = set(), []
    grew = True
    while grew:
        grew = False
        for number, (premises, conclusion) in enumerate(schemes):
            patterns = [parse_term(p) for p in premises]
            snapshot = list(known)
            partial = [{}]
            for pattern in patterns:
                partial = [
                    found
                    for bindings in partial
                    for fact in snapshot
                    if (found := match(substitute(pattern, bindings), fact, bindings)) is not None
                ]
            for bindings in partial:
                names = sorted({v for p in premises for v in VARIABLES if v in p})
                instance = (number, tuple(show(bindings[v]) for v in names))
                if instance in seen:
                    continue
                seen.add(instance)
                derived = substitute(parse_term(conclusion), bindings)
                order.append((f"s{number}", show(derived)))
                if show(derived) not in {show(k) for k in known}:
                    known.append(derived)
                grew = True
    return order


@settings(max_examples=150, deadline=None)
@given(theory=_theories())
def test_scheme_instances_are_those_of_a_naive_join(theory, tmp_path_factory):
    schemes, facts = theory
    lines = ["argument_schemes:"]
    for number, (premises, conclusion) in enumerate(schemes):
        used = sorted({v for p in premises for v in VARIABLES if v in p})
        lines += [
            f"  - id: s{number}",
            f"    variables: [{', '.join(used)}]",
            "    premises: [" + ", ".join(f"'{p}'" for p in premises) + "]",
            f"    conclusions: ['{conclusion}']",
        ]
    lines.append("assumptions: [" + ", ".join(f"'{f}'" for f in facts) + "]")
    path = tmp_path_factory.mktemp("theory") / "graph.yml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    graph = read_graph(path)
    made = [(a.scheme.id, a.conclusion) for a in graph.arguments if a.scheme is not None]
    assert made == _naive_instances(schemes, facts)


# --- carneades-4's own syntax: %s templates, ¬ before any term, the labels: it writes ------

REPRODUCERS = ORACLE / "reproducers"


def test_language_templates_with_percent_s_are_filled(tmp_path):
    # carneades-4's templates are Go format strings: %s as well as %v take the arguments.
    path = REPRODUCERS / "defeasible-modus-ponens.yml"
    result = imported(path, tmp_path / "case")
    texts = {s.id: s.text for s in result.case.statements}
    assert texts["man-socrates"] == "socrates is a man."
    assert texts["mortal-socrates"] == "socrates is mortal."
    assert (
        texts["implies-man-socrates-mortal-socrates"] == "man(socrates) implies mortal(socrates)."
    )
    assert evaluate(result.case).labels["mortal-socrates"] == "in"
    graph = read_graph(
        write(tmp_path, 'language:\n  p/2: "%v and %q, 100%% (%s)"\nassumptions: ["p(a, b)"]\n')
    )
    # %% is a percent sign; a verb with no argument left stays as written.
    assert graph.statements["p(a,b)"].text == 'a and "b", 100% (%s)'


def test_negation_before_capitals_is_a_term_as_in_carneades_4(tmp_path):
    # walton.yml's schemes conclude ¬S and premise ¬known(S): ¬ negates any term, a variable
    # included (carneades-4's parser reads ¬ as a prefix operator).
    assert parse_term("¬S") == ("¬", (Var("S"),))
    assert parse_term("¬known(S)") == ("¬", (("known", (Var("S"),)),))
    assert normalise("¬ (caused_by(global_warming, humans))") == "¬caused_by(global_warming,humans)"
    path = REPRODUCERS / "walton.yml"
    result = imported(path, tmp_path / "case")
    graph = read_graph(path)
    labels = evaluate(result.case).labels
    got = {key: labels[graph.slugs[key]] for key in graph.statements}
    # carneades-4: the assumptions (those of the schemes too) are in; Joe is untrustworthy by
    # defeasible modus ponens; the expert opinion that global warming is not caused by humans
    # is undercut by both its exceptions, so its conclusion is out.
    assert got == {
        "biased(joe)": "in",
        "expert(joe,climate)": "in",
        "asserts(joe,¬caused_by(global_warming,humans))": "in",
        "in_domain(¬caused_by(global_warming,humans),climate)": "in",
        "implies(biased(joe),untrustworthy(joe))": "in",
        "inconsistent_with_other_experts(¬caused_by(global_warming,humans))": "in",
        "based_on_evidence(asserts(joe,¬caused_by(global_warming,humans)))": "in",
        "untrustworthy(joe)": "in",
        "¬caused_by(global_warming,humans)": "out",
    }
    texts = {s.id: s.text for s in result.case.statements}
    assert texts["untrustworthy-joe"] == "joe is untrustworthy."


def test_the_labels_carneades_4_writes_are_read_and_compared(runner, tmp_path):
    # carneades-4 writes its expected labelling as `labels:` (and reads the file back); argmap
    # reads it, and says whether its own labels agree.
    path = REPRODUCERS / "abduction.yml"
    graph = read_graph(path)
    assert graph.stored == {
        "rain": "in",
        "observed(wet)": "in",
        "in(weather,rain)": "in",
        "explanation(weather,wet)": "in",
        "more_coherent_explanation(weather,wet)": "out",
    }
    # Statements carneades-4 makes for its own undercutters have no counterpart in argmap.
    assert graph.unmatched_labels == ["undercut(a1)", "undercut(a2)"]
    result = imported(path, tmp_path / "case")
    labels = evaluate(result.case).labels
    assert {key: labels[graph.slugs[key]] for key in graph.stored} == graph.stored
    out = tmp_path / "cli"
    done = runner.invoke(main, ["import", "carneades", str(path), "-o", str(out)])
    assert done.exit_code == 0, done.output
    assert "warning" not in done.stderr
    header = next((out / "hypotheses").glob("*.yaml")).read_text(encoding="utf-8")
    assert "argmap's labels agree with the 5 labels the file stores" in header
    # A stored label that argmap does not reach is a warning, not a refusal.
    text = path.read_text(encoding="utf-8").replace("    - rain\n", "", 1)
    text = text.replace("  out:\n", "  out:\n    - rain\n", 1)
    changed = write(tmp_path, text, "changed.yml")
    done = runner.invoke(main, ["import", "carneades", str(changed), "-o", str(tmp_path / "c2")])
    assert done.exit_code == 0, done.output
    assert "changed.yml" in done.stderr and "warning" in done.stderr
    assert "'rain'" in done.stderr and "argmap: in" in done.stderr
