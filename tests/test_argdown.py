"""Argdown import and export, against the reference parser's counts for real documents."""

from __future__ import annotations

import contextlib
import json
import re
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from argmap.cli import main
from argmap.io import argdown
from argmap.load import load_case
from argmap.problems import ArgmapError
from argmap.text import clean_text

from .conftest import EXTERNAL, REPO, data_files

ARGDOWN = EXTERNAL / "argdown"
REFERENCE = REPO / "tests" / "data" / "argdown-reference"
FILES = data_files(ARGDOWN, "*.argdown", at_least=11)
WITH_ERRORS = "argvu-demo-with-errors.argdown"
VALID = [f for f in FILES if f.name != WITH_ERRORS]


def reference(path: Path) -> dict:
    return json.loads((REFERENCE / f"{path.stem}.json").read_text(encoding="utf-8"))


def test_every_external_file_has_a_reference() -> None:
    assert len(FILES) >= 11
    assert {f.stem for f in FILES} == {p.stem for p in REFERENCE.glob("*.json")}


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_summary_equals_the_reference_parser(path: Path, runner) -> None:
    result = runner.invoke(main, ["import", "argdown", str(path), "--summary"])
    assert result.exit_code == 0, result.output
    expected = reference(path)
    assert json.loads(result.output) == {
        "statements": expected["statements"],
        "arguments": expected["arguments"],
        "relations": expected["relations"],
    }


def _node(member: object) -> str:
    if isinstance(member, argdown.EquivalenceClass):
        return f"[{member.title}]"
    kind = getattr(member, "kind", "")
    if kind == "inference":
        return f"<{member.argument_title}>.inference"  # type: ignore[attr-defined]
    return f"<{member.title}>"  # type: ignore[attr-defined]


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_map_equals_the_reference_parser(path: Path) -> None:
    parsed = argdown.parse(path)
    expected = reference(path)["map"]
    assert sorted(parsed.statements) == sorted(expected["statements"])
    assert sorted(parsed.arguments) == sorted(expected["arguments"])
    relations = sorted([r.type, _node(r.from_), _node(r.to)] for r in parsed.relations)
    assert relations == sorted(expected["relations"])


def test_file_with_errors_names_the_reference_lines(runner, tmp_path: Path) -> None:
    path = ARGDOWN / WITH_ERRORS
    expected_lines = [e["line"] for e in reference(path)["parser_errors"]]
    assert expected_lines == [10, 19]
    out = tmp_path / "case"
    result = runner.invoke(main, ["import", "argdown", str(path), "-o", str(out)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "2 Argdown syntax errors" in result.output
    for line in expected_lines:
        assert f"line {line}:" in result.output
    assert "contradiction" in result.output
    assert not out.exists()
    summary = runner.invoke(main, ["import", "argdown", str(path), "--summary"])
    assert summary.exit_code == 1 and "line 19:" in summary.output


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_every_external_file_imports_as_a_valid_case(path: Path, runner, tmp_path) -> None:
    out = tmp_path / path.stem
    result = runner.invoke(main, ["import", "argdown", str(path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    case = load_case(out).case
    parsed = argdown.parse(path)
    # Every statement and argument of the map is in the case, under an id of its own.
    assert len(case.statements) + len(case.hypotheses) >= len(parsed.statements)
    assert len(case.arguments) >= len(parsed.arguments)
    assert case.title.strip() and case.question.strip()


def test_mapping_of_a_small_map(tmp_path: Path) -> None:
    text = """\
===
title: Censorship
question: Is censorship wrong?
===

[Censorship]: Censorship is not wrong in principle.
  - <Free speech>: Freedom of speech is absolute. #con
  >< [Wrong]: Censorship is wrong in principle.

<Racial hatred>: Laws against incitement are permissible. {rationale: "widely accepted"}

(1) [IRC]: Legislation against incitement is permissible.
(2) It is a form of censorship.
-- Modus ponens --
(3) [Censorship]
  +> [Wrong]

<Undercutter>: The analogy fails.
  _> <Racial hatred>
"""
    path = tmp_path / "map.argdown"
    path.write_text(text, encoding="utf-8")
    document = argdown.case_document(argdown.parse(path), "map")
    assert document["title"] == "Censorship"
    assert document["question"] == "Is censorship wrong?"
    statements = {s["id"]: s for s in document["statements"]}
    assert statements["censorship"]["contradicts"] == ["wrong"]
    assert statements["it-is-a-form-of-censorship"]["text"] == "It is a form of censorship."
    arguments = {a["id"]: a for a in document["arguments"]}
    assert arguments["free-speech"] == {
        "id": "free-speech",
        "claim": "Freedom of speech is absolute. #con",
        "attacks": "censorship",
    }
    assert arguments["racial-hatred"] == {
        "id": "racial-hatred",
        "claim": "Laws against incitement are permissible.",
        "premises": ["irc", "it-is-a-form-of-censorship"],
        "supports": "censorship",
        "rationale": "widely accepted",
    }
    # The undercut of a reconstructed argument reaches its inference: argmap undercuts it.
    assert arguments["undercutter"]["undercuts"] == "racial-hatred"
    # Statement supports statement: a minimal argument carries the relation.
    assert arguments["censorship-supports-wrong"] == {
        "id": "censorship-supports-wrong",
        "claim": "Censorship is not wrong in principle.",
        "premises": ["censorship"],
        "supports": "wrong",
    }


def test_argument_without_conclusion_or_target_supports_its_own_claim(tmp_path) -> None:
    path = tmp_path / "lonely.argdown"
    path.write_text("<Lonely>: A claim with nothing to point at.\n", encoding="utf-8")
    document = argdown.case_document(argdown.parse(path), "lonely")
    assert document["arguments"] == [
        {
            "id": "lonely",
            "claim": "A claim with nothing to point at.",
            "supports": "lonely-conclusion",
        }
    ]
    assert document["statements"] == [
        {"id": "lonely-conclusion", "text": "A claim with nothing to point at."}
    ]
    assert document["title"] == "lonely" == document["question"]


def test_undercut_of_a_statement_is_an_attack(tmp_path) -> None:
    path = tmp_path / "u.argdown"
    path.write_text("[A]: one\n  _> [B]: two\n", encoding="utf-8")
    document = argdown.case_document(argdown.parse(path), "u")
    assert document["arguments"] == [
        {"id": "a-attacks-b", "claim": "one", "premises": ["a"], "attacks": "b"}
    ]


def test_undercut_stated_on_description_and_conclusion_is_kept_once() -> None:
    # A real shape: the same `_> <B>` under an argument's description and under its
    # conclusion. @argdown/node 1.7.5 keeps one undercut, from the conclusion to B's inference.
    path = ARGDOWN / "undercut-in-description-and-conclusion.argdown"
    parsed = argdown.parse(path)
    assert parsed.counts()["relations"]["undercut"] == 1
    assert [(r.type, _node(r.from_), _node(r.to)) for r in parsed.relations] == [
        ("undercut", "[Untitled 4]", "<B>.inference")
    ]
    document = argdown.case_document(parsed, path.stem)
    undercuts = [a for a in document["arguments"] if "undercuts" in a]
    assert [(a["premises"], a["undercuts"]) for a in undercuts] == [(["concl-of-a"], "b")]


TAG_ONLY = """\
[A]: Some text.

[A]: #tag

<B>: The description.
  +> [A]

<B>: #pro

[C]: #alone
"""


@pytest.mark.parametrize("front", ["", "===\nmodel:\n  removeTagsFromText: true\n===\n\n"])
def test_a_definition_that_is_only_a_tag_keeps_the_text(front: str, tmp_path) -> None:
    # `[A]: #tag` after `[A]: Some text.` tags the statement: its text stays, in argmap and
    # on the way back to Argdown (the last definition counted, and the text was lost).
    parsed = argdown.parse_text(front + TAG_ONLY)
    assert parsed.statements["A"].text == "Some text."
    assert parsed.statements["A"].tags == ["tag"]
    assert parsed.arguments["B"].description == "The description."
    assert parsed.arguments["B"].tags == ["pro"]
    # A statement with nothing but a tag keeps what it has.
    assert parsed.statements["C"].text == ("" if front else "#alone")
    document = argdown.case_document(parsed, "tags")
    statements = {s["id"]: s["text"] for s in document["statements"]}
    assert statements["a"] == "Some text."
    claims = {a["id"]: a["claim"] for a in document["arguments"]}
    assert claims["b"] == "The description."
    from argmap.casewriter import dump_yaml, write_new_case

    write_new_case(tmp_path / "case", {"hypotheses/case.yaml": dump_yaml(document)})
    back = argdown.parse_text(argdown.export(load_case(tmp_path / "case").case))
    assert back.statements["a"].text == "Some text."
    assert back.arguments["b"].description == "The description."


def test_ids_are_unique_and_deterministic(tmp_path) -> None:
    path = tmp_path / "ids.argdown"
    path.write_text("[A b]: one\n  + <A b>: two\n  - [a-b]: three\n", encoding="utf-8")
    first = argdown.case_document(argdown.parse(path), "ids")
    again = argdown.case_document(argdown.parse(path), "ids")
    assert first == again
    ids = [s["id"] for s in first["statements"]] + [a["id"] for a in first["arguments"]]
    assert len(ids) == len(set(ids))
    assert ids[:3] == ["a-b", "a-b-2", "a-b-3"]


def test_hypothesis_tag_makes_a_hypothesis(tmp_path) -> None:
    path = tmp_path / "h.argdown"
    path.write_text(
        "[arson]: Someone set the fire. #hypothesis\n  <+ <Van>: Two men left in a van.\n",
        encoding="utf-8",
    )
    document = argdown.case_document(argdown.parse(path), "h")
    assert document["hypotheses"] == [
        {"id": "arson", "title": "arson", "statement": "Someone set the fire. #hypothesis"}
    ]
    assert document["arguments"][0]["supports"] == "arson"


@pytest.mark.parametrize(
    "text, line, words",
    [
        ("", 1, "expected a statement"),
        ("[A]: text\n\n(1) premise\n(2) no inference\n", 4, "inference line"),
        ("[A]: text\n  >< <Arg>\n", 2, "contradiction"),
        ("**bold never closes\n", 1, "closing **"),
        ("<A>\n\n(1) P\n----\n(2) C\n\n<A>\n\n(1) Q\n----\n(2) D\n", 9, "only one"),
        ("text \\", 1, "backslash"),
    ],
)
def test_bad_input_is_a_clear_error(text: str, line: int, words: str, tmp_path, runner) -> None:
    path = tmp_path / "bad.argdown"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ArgmapError) as caught:
        argdown.to_case_files(path)
    assert f"line {line}" in str(caught.value)
    assert words in str(caught.value)
    result = runner.invoke(main, ["import", "argdown", str(path), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


NOT_YAML = """\
===
title: Not YAML
===

(1) [P]: A premise.
(2) [Q]: Another premise.
-- Modus ponens {depends on: [1,2]; uses: [1]} --
(3) [C]: The conclusion.

<Arg>: An argument with data no YAML reader takes. {rationale: [1, 2}
  +> [C]

[D]: A statement with good data. {title: "Dee"}
"""


def test_data_that_is_not_yaml_is_left_out_with_a_warning(runner, tmp_path) -> None:
    # The reference's own test files write inference data such as {depends on: [1,2]; uses: …}:
    # not YAML, which @argdown/core cannot read either. argmap leaves it out, says where, and
    # reads the rest of the file.
    path = tmp_path / "not-yaml.argdown"
    path.write_text(NOT_YAML, encoding="utf-8")
    parsed = argdown.parse(path)
    assert [line for line, _ in parsed.warnings] == [7, 10]
    assert all("not YAML" in message for _, message in parsed.warnings)
    assert sorted(parsed.statements) == ["C", "D", "P", "Q"]
    assert parsed.arguments["Untitled 1"].pcs[-1].inference.rules == ["Modus ponens"]
    assert parsed.arguments["Untitled 1"].pcs[-1].inference.data is None
    assert parsed.arguments["Arg"].data is None
    assert parsed.statements["D"].data == {"title": "Dee"}
    out = tmp_path / "case"
    result = runner.invoke(main, ["import", "argdown", str(path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "not-yaml.argdown:7: warning:" in result.stderr
    assert "not-yaml.argdown:10: warning:" in result.stderr
    assert load_case(out).case.title == "Not YAML"
    # The front matter too: when it is not YAML, it is left out and the file is still read.
    path.write_text("===\ntitle: [x\n===\n\n[A]: text\n", encoding="utf-8")
    parsed = argdown.parse(path)
    assert [line for line, _ in parsed.warnings] == [1] and list(parsed.statements) == ["A"]


def test_not_utf8_is_a_clear_error(tmp_path) -> None:
    path = tmp_path / "latin1.argdown"
    path.write_bytes(b"[A]: caf\xe9\n")
    with pytest.raises(ArgmapError, match="line 1: not UTF-8"):
        argdown.parse(path)


# --- export --------------------------------------------------------------------------------


def argument_map(case) -> dict:
    """Statements, arguments and relations of a case, as the round trip must keep them."""
    pairs = set()
    for s in case.statements:
        for key in ("contrary", "contradicts"):
            for other in getattr(s, key):
                pairs.add((key, frozenset({s.id, other})))
    return {
        "statements": {s.id: " ".join(s.text.split()) for s in case.statements},
        "hypotheses": {h.id: (h.title, " ".join(h.statement.split())) for h in case.hypotheses},
        "arguments": {
            a.id: (
                " ".join(a.claim.split()),
                tuple(a.premises),
                a.relation,
                a.target,
                a.rationale and " ".join(a.rationale.split()),
            )
            for a in case.arguments
        },
        "pairs": pairs,
    }


def meaning(case) -> dict[str, Any]:
    """What a round trip must keep of a case: its evaluation, and what the evaluation and the
    matrix rest on, by id."""
    from argmap.evaluate import evaluate

    evaluation = evaluate(case)
    return {
        "labels": evaluation.labels,
        "weights": evaluation.weights,
        "verdicts": evaluation.verdicts,
        "hypotheses": {
            h.id: (h.title, h.parent, h.prior, h.standard, h.tags, h.indicators, h.description)
            for h in case.hypotheses
        },
        "statements": {s.id: (s.assumed, s.standard, s.breaks_if) for s in case.statements},
        "evidence": {e.id: e.model_dump(exclude={"summary"}) for e in case.evidence},
        "arguments": {
            a.id: (a.premises, a.relation, a.target, a.weight, a.weighing, a.scheme)
            for a in case.arguments
        },
        "sources": [s.model_dump() for s in case.sources],
        "source_texts": case.source_texts,
        "originators": case.originators,
        "scenarios": case.scenarios,
        "settings": (case.evaluation, case.scoring, case.notes),
    }


def test_export_then_import_keeps_the_meaning_of_the_shipped_case(runner, tmp_path) -> None:
    exported = tmp_path / "kz.argdown"
    result = runner.invoke(main, ["export", "argdown", str(REPO), "-o", str(exported)])
    assert result.exit_code == 0, result.output
    out = tmp_path / "back"
    result = runner.invoke(main, ["import", "argdown", str(exported), "-o", str(out)])
    assert result.exit_code == 0, result.output
    original, back = load_case(REPO).case, load_case(out).case
    mine, theirs = meaning(original), meaning(back)
    # The evaluation, label by label, under the same ids: 129 labels, none flipped.
    assert theirs["labels"] == mine["labels"] and len(mine["labels"]) > 100
    assert {k: v for k, v in mine["labels"].items() if v == "in"}
    for key in mine:
        assert theirs[key] == mine[key], key
    # Assumptions stay assumed, evidence stays evidence with its ratings.
    assert (
        sum(s.assumed for s in back.statements) == sum(s.assumed for s in original.statements) > 0
    )
    assert [e.id for e in back.evidence] == [e.id for e in original.evidence]
    assert {e.id: e.ratings for e in back.evidence} == {e.id: e.ratings for e in original.evidence}
    # And the map itself, with the texts as Argdown joins them.
    mapped, again = argument_map(original), argument_map(back)
    assert mapped == again
    assert back.title == original.title and back.question == original.question
    # Exported again, the file is the same: argmap's form is stable.
    second = tmp_path / "again.argdown"
    result = runner.invoke(main, ["export", "argdown", str(out), "-o", str(second)])
    assert result.exit_code == 0, result.output
    assert second.read_text(encoding="utf-8") == exported.read_text(encoding="utf-8")


def test_the_extension_keeps_any_text_exactly(tmp_path) -> None:
    # Data in braces ends at a brace, front matter at ===: the extension's texts are escaped so
    # that neither ends early, and come back exactly (line breaks and spaces included).
    from argmap.model import Argument, Case, Evidence, Hypothesis, Source, Statement

    nasty = 'a}] b} ], {x: 1}\n=== ===\n  "q" \\ #t //c /*d*/ <!-- e --> \u2028 é'
    case = Case(
        title="T",
        question="Q",
        notes=nasty,
        hypotheses=(Hypothesis(id="h", title="H", statement="S", description=nasty),),
        statements=(Statement(id="s", text="s", assumed=True, breaks_if=nasty),),
        arguments=(Argument(id="a", claim="c", premises=("s", "e"), supports="h", weight=0.25),),
        sources=(Source(id="src", title=nasty, file="x.txt"),),
        evidence=(
            Evidence(
                id="e",
                summary="e",
                source="src",
                quote=nasty,
                ratings={"h": "CC"},
                rationale={"h": nasty},
                tags=(nasty, "]}"),
            ),
        ),
        source_texts={"src": nasty + "\n" + nasty},
    )
    text = argdown.export(case)
    path = tmp_path / "nasty.argdown"
    path.write_text(text, encoding="utf-8")
    files, warnings = argdown.case_files(path)
    assert warnings == []
    assert files["evidence/sources/src.txt"] == case.source_texts["src"]
    from argmap.casewriter import write_new_case

    back = load_case(write_new_case(tmp_path / "case", files)[0].parents[1]).case
    assert back.notes == nasty and back.hypotheses[0].description == nasty
    assert back.statements[0].breaks_if == nasty and back.statements[0].assumed
    assert back.evidence[0].quote == nasty and back.evidence[0].rationale == {"h": nasty}
    assert back.evidence[0].tags == (nasty, "]}") and back.sources[0].title == nasty
    assert back.arguments[0].weight == 0.25


@pytest.mark.parametrize(
    "data, words",
    [
        ("{argmap: {assumed: maybe}}", "assumed"),
        ("{argmap: [1]}", "must be a mapping"),
        ("{argmap: {standard: strongest}}", "standard"),
    ],
)
def test_a_bad_extension_is_a_clear_error(data: str, words: str, runner, tmp_path) -> None:
    path = tmp_path / "bad.argdown"
    path.write_text(f"[a]: A statement.\n\n[b]: Another. {data}\n", encoding="utf-8")
    result = runner.invoke(main, ["import", "argdown", str(path), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "bad.argdown: line 3:" in result.output and words in result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_imported_maps_survive_export_and_import(path: Path, tmp_path) -> None:
    from argmap.casewriter import write_new_case

    first = tmp_path / "first"
    write_new_case(first, argdown.to_case_files(path))
    case = load_case(first).case
    text = argdown.export(case)
    again = tmp_path / "again.argdown"
    again.write_text(text, encoding="utf-8")
    second = tmp_path / "second"
    write_new_case(second, argdown.to_case_files(again))
    assert argument_map(load_case(second).case) == argument_map(case)
    assert argdown.export(load_case(second).case) == text  # stable once in argmap's form


NASTY = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    min_size=1,
    max_size=40,
).filter(lambda s: s.strip() and s.split())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=NASTY, claim=NASTY, rationale=NASTY, title=NASTY)
def test_escaping_keeps_any_text(text: str, claim: str, rationale: str, title: str) -> None:
    from argmap.model import Argument, Case, Hypothesis, Statement

    case = Case(
        title=title,
        question=title,
        notes=None,
        hypotheses=(Hypothesis(id="h", title=title, statement=text),),
        statements=(
            Statement(id="s", text=text, contradicts=("t",)),
            Statement(id="t", text=claim, contrary=("s",)),
        ),
        arguments=(
            Argument(id="a", claim=claim, premises=("s",), supports="t", rationale=rationale),
            Argument(id="b", claim=text, premises=("a",), attacks="h", rationale=rationale),
            Argument(id="c", claim=rationale, undercuts="a"),
        ),
        sources=(),
        evidence=(),
    )
    parsed = argdown.parse_text(argdown.export(case))
    document = argdown.case_document(parsed, "x")
    clean = clean_text
    assert document["title"] == clean(title)
    assert document["hypotheses"] == [{"id": "h", "title": clean(title), "statement": clean(text)}]
    assert document["statements"] == [
        {"id": "s", "text": clean(text), "contradicts": ["t"]},
        {"id": "t", "text": clean(claim), "contrary": ["s"]},
    ]
    assert document["arguments"] == [
        {
            "id": "a",
            "claim": clean(claim),
            "premises": ["s"],
            "supports": "t",
            "rationale": clean(rationale),
        },
        {
            "id": "b",
            "claim": clean(text),
            "premises": ["a"],
            "attacks": "h",
            "rationale": clean(rationale),
        },
        {"id": "c", "claim": clean(rationale), "undercuts": "a"},
    ]


FRAGMENTS = [
    *"[]<>():+-_*#@{}=.,;/\\!\"' \t\nAb1",
    "\r\n", "\n\n", "  ", "><", "--", "----", "===", "[A]: ", "[A]", "<B>: ", "<B>", "(1) ",
    "(2) ", "  + ", "  - ", "  <_ ", "  _> ", "  >< ", "#tag ", "{a: 1}", "{", "<!--", "-->",
    "//", "/*", "*/", "@[A]", "* ", "1. ", "# ", ".~.", "__", "**", "\\", "\u2028", "é",
]  # fmt: skip
ARGDOWNISH = st.lists(st.sampled_from(FRAGMENTS), max_size=40).map("".join)


@settings(max_examples=400, deadline=None)
@given(text=st.one_of(ARGDOWNISH, st.text(max_size=80)))
def test_fuzzed_input_raises_only_argmap_errors(text: str) -> None:
    with contextlib.suppress(ArgmapError):  # any other exception fails the test
        argdown.case_document(argdown.parse_text(text), "fuzz")


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=ARGDOWNISH)
def test_what_parses_imports_as_a_valid_case(text: str, tmp_path_factory) -> None:
    from argmap.casewriter import write_new_case

    try:
        files = argdown.case_document(argdown.parse_text(text), "fuzz")
    except ArgmapError:
        return
    from argmap.casewriter import dump_yaml

    folder = tmp_path_factory.mktemp("fuzz") / "case"
    write_new_case(folder, {"hypotheses/case.yaml": dump_yaml(files)})  # raises if invalid


def test_the_module_examples_hold() -> None:
    import doctest
    import importlib
    import pkgutil

    names = [f"{argdown.__name__}.{m.name}" for m in pkgutil.iter_modules(argdown.__path__)]
    assert {"lexer", "parser", "model", "reader", "writer"} <= {n.rsplit(".", 1)[1] for n in names}
    results = [doctest.testmod(importlib.import_module(name)) for name in names]
    assert sum(r.attempted for r in results) > 0
    assert [r.failed for r in results] == [0] * len(names)


# --- hostile input: linear time, bounded nesting -----------------------------------------
#
# The lexer used to run each token's pattern at every position: a lazy `[.+?]:` that fails
# reads to the end of the line first, so `[` × 200,000 never ended. It now looks closing
# marks up ahead once (lexer._Next); these tests hold each such matcher to the reference
# pattern it replaces, character for character.

LEXER_PIECES = [
    *"[]<>(){}@#*_.:,;-+=/\\!' \t\nAb1",
    "\r", "\r\n", "\u2028", "\u2029", "\u00a0", "٣", "<!--", "-->", "/*", "*/", "//", "]:",
    ">:", "@[", "@<", "#(", "](", "} ", "}\n", "} ,", "===", "{a: 1}",
]  # fmt: skip
LEXER_TEXT = st.lists(st.sampled_from(LEXER_PIECES), min_size=1, max_size=30).map("".join)


def _reference_matchers() -> dict[str, tuple[str, Any, str | None]]:
    """Matcher (a private method of the lexer) → (the reference pattern it replaces, the
    type of token before it)."""
    from argmap.io.argdown import lexer

    return {
        "_comment": (lexer._COMMENT, None),
        "_comment after a line break": (lexer._COMMENT_AFTER_NEWLINE, lexer.NEWLINE),
        "_comment after an empty line": (lexer._COMMENT_AFTER_EMPTYLINE, lexer.EMPTYLINE),
        "_front_matter": (lexer._FRONT_MATTER, None),
        "_data": (lexer._DATA, None),
        "_special_char": (lexer._SPECIAL_CHAR, None),
        "_link": (lexer._LINK, None),
        "_tag": (lexer._TAG, None),
        "_statement_definition": (lexer._STATEMENT_DEFINITION, None),
        "_statement_reference": (lexer._STATEMENT_REFERENCE, None),
        "_statement_mention": (lexer._STATEMENT_MENTION, None),
        "_argument_definition": (lexer._ARGUMENT_DEFINITION, None),
        "_argument_reference": (lexer._ARGUMENT_REFERENCE, None),
        "_argument_mention": (lexer._ARGUMENT_MENTION, None),
    }


FIRST_CHARACTER = {
    "_comment": "<", "_front_matter": "=", "_data": "{", "_special_char": ".:", "_link": "[",
    "_tag": "#", "_statement_definition": "[", "_statement_reference": "[",
    "_statement_mention": "@", "_argument_definition": "<", "_argument_reference": "<",
    "_argument_mention": "@",
}  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(text=LEXER_TEXT)
def test_each_lookahead_matcher_equals_the_reference_pattern(text: str) -> None:
    from argmap.io.argdown import lexer

    for name, (pattern, before) in _reference_matchers().items():
        method = name.split(" ")[0]
        first = "</" if method == "_comment" else FIRST_CHARACTER[method]
        scanner = lexer._Lexer(text)
        if before is not None:
            scanner.tokens.append(lexer.Token(before, "\n", 0, 1))
        matcher = getattr(scanner, method)
        for pos in range(len(text)):  # growing positions, as the lexer asks
            expected = pattern.match(text, pos)
            if text[pos] not in first:
                assert expected is None, (name, text, pos)
                continue
            assert matcher(pos) == (expected.end() if expected else -1), (name, text, pos)


def test_every_token_type_is_tried_where_it_can_start() -> None:
    # The lexer tries only the token types that can start with the character at hand: the
    # character class written beside each must hold every first character of its pattern.
    from argmap.io.argdown import lexer

    patterns = {
        lexer.COMMENT: lexer._COMMENT,
        lexer.FRONT_MATTER: lexer._FRONT_MATTER,
        lexer.DATA: lexer._DATA,
        lexer.ESCAPED_CHAR: lexer._ESCAPED_CHAR,
        lexer.SPECIAL_CHAR: lexer._SPECIAL_CHAR,
        lexer.EMPTYLINE: lexer._EMPTYLINE,
        lexer.NEWLINE: lexer._NEWLINE,
        lexer.INFERENCE_START: lexer._INFERENCE_START,
        lexer.INFERENCE_END: lexer._INFERENCE_END,
        lexer.LIST_DELIMITER: lexer._LIST_DELIMITER,
        lexer.INCOMING_SUPPORT: lexer._INCOMING_SUPPORT,
        lexer.INCOMING_ATTACK: lexer._INCOMING_ATTACK,
        lexer.OUTGOING_SUPPORT: lexer._OUTGOING_SUPPORT,
        lexer.OUTGOING_ATTACK: lexer._OUTGOING_ATTACK,
        lexer.CONTRADICTION: lexer._CONTRADICTION,
        lexer.INCOMING_UNDERCUT: lexer._INCOMING_UNDERCUT,
        lexer.OUTGOING_UNDERCUT: lexer._OUTGOING_UNDERCUT,
        lexer.HEADING_START: lexer._HEADING,
        lexer.STATEMENT_NUMBER: lexer._STATEMENT_NUMBER,
        lexer.ORDERED_LIST_ITEM: lexer._ORDERED_ITEM,
        lexer.UNORDERED_LIST_ITEM: lexer._UNORDERED_ITEM,
        "AsteriskBoldEnd": lexer._ASTERISK_BOLD_END,
        "UnderscoreBoldEnd": lexer._UNDERSCORE_BOLD_END,
        "AsteriskItalicEnd": lexer._ASTERISK_ITALIC_END,
        "UnderscoreItalicEnd": lexer._UNDERSCORE_ITALIC_END,
        "AsteriskBoldStart": lexer._ASTERISK_BOLD_START,
        "UnderscoreBoldStart": lexer._UNDERSCORE_BOLD_START,
        "AsteriskItalicStart": lexer._ASTERISK_ITALIC_START,
        "UnderscoreItalicStart": lexer._UNDERSCORE_ITALIC_START,
        lexer.LINK: lexer._LINK,
        lexer.TAG: lexer._TAG,
        lexer.STATEMENT_DEFINITION: lexer._STATEMENT_DEFINITION,
        lexer.STATEMENT_REFERENCE: lexer._STATEMENT_REFERENCE,
        lexer.STATEMENT_MENTION: lexer._STATEMENT_MENTION,
        lexer.ARGUMENT_DEFINITION: lexer._ARGUMENT_DEFINITION,
        lexer.ARGUMENT_REFERENCE: lexer._ARGUMENT_REFERENCE,
        lexer.ARGUMENT_MENTION: lexer._ARGUMENT_MENTION,
        lexer.SPACES: lexer._SPACES,
        lexer.FREESTYLE: lexer._FREESTYLE,
        lexer.UNUSED_CONTROL_CHAR: lexer._UNUSED_CONTROL_CHAR,
    }
    # Continuations under which some pattern can match after its first character.
    tails = ["", " x", "\n", "\n\n", "-", "-->", "*/", "/x\n", "x]: y", "x] y", "x>: y", "x> y",
             "+> x", "> x", "< x", "x.", "x:", "x](y)", "x)", ". x", "1) ", "==x===", "x}", "_ "]  # fmt: skip
    characters = [chr(c) for c in range(0x3000) if not 0xD800 <= c < 0xE000] + ["\u3000", "\ufeff"]
    for mode in ("default", "inference"):
        for kind, _, first in lexer._Lexer("").matchers(mode):
            can_start = re.compile(first)
            pattern = patterns[kind]
            for char in characters:
                if can_start.match(char):
                    continue
                assert not any(pattern.match(char + tail) for tail in tails), (kind, char)


@settings(max_examples=40, deadline=None)
@given(pieces=st.lists(st.sampled_from(LEXER_PIECES), min_size=1, max_size=6))
def test_tokenizing_a_repeated_fragment_takes_linear_time(pieces: list[str]) -> None:
    # 60,000 characters of one fragment over and over: milliseconds when each character is
    # read a bounded number of times, minutes when a failed lookahead rereads the rest.
    from argmap.io.argdown.lexer import tokenize

    fragment = "".join(pieces)
    text = fragment * (60_000 // len(fragment) + 1)
    started = time.perf_counter()
    with contextlib.suppress(ArgmapError):
        tokens = tokenize(text)
        position = 0
        for token in tokens:  # the tokens are the text's own pieces, in order
            if token.image:  # (Indent and Dedent cover no text)
                assert text.startswith(token.image, token.offset) and token.offset >= position
                position = token.offset + len(token.image)
    assert time.perf_counter() - started < 5


@settings(max_examples=200, deadline=None)
@given(text=LEXER_TEXT)
def test_tokens_say_where_they_are(text: str) -> None:
    from argmap.io.argdown.lexer import tokenize

    try:
        tokens = tokenize(text)
    except ArgmapError as err:
        assert str(err).startswith("line ")
        return
    for token in tokens:
        if token.image:
            assert text.startswith(token.image, token.offset)
            line_breaks = len(re.findall(r"\r\n|\r|\n", text[: token.offset]))
            assert token.line == line_breaks + 1


@pytest.mark.parametrize(
    ("text", "line", "what"),
    [
        ("[A]: a\n" + "".join(" " * level + f"+ [s{level}]\n" for level in range(1, 3001)), 102, "relations"),
        ("*_" * 100_000, 1, "emphasis"),
        ("[A]: a\n\n" + "**__" * 60 + "x", 3, "emphasis"),
    ],
    ids=["3000 levels of +", "*_ x 100000", "120 levels of ** and __"],
)  # fmt: skip
def test_nesting_beyond_the_limit_is_a_clear_error(text: str, line: int, what: str) -> None:
    from argmap.io.argdown.parser import MAX_NESTING

    with pytest.raises(ArgmapError) as caught:
        argdown.parse_text(text)
    message = str(caught.value)
    assert f"line {line}: {what}" in message
    assert f"nested more than {MAX_NESTING} levels deep" in message


def test_nesting_up_to_the_limit_is_read() -> None:
    from argmap.io.argdown.parser import MAX_NESTING

    levels = "".join(
        " " * level + f"+ [s{level}]: S{level}\n" for level in range(1, MAX_NESTING + 1)
    )
    parsed = argdown.parse_text("[A]: a\n" + levels)
    assert len(parsed.relations) == MAX_NESTING
    emphasis = argdown.parse_text(
        "[B]: " + "*_" * (MAX_NESTING // 2) + "x" + "_*" * (MAX_NESTING // 2)
    )
    assert emphasis.statements["B"].text == "x"  # emphasis marks are not text


@pytest.mark.parametrize(
    "text",
    [
        "[A]: a\n" + "".join(f"  +> [S{i}]: s\n" for i in range(20_000)),
        "<Arg>: a\n" + "".join(f"  +> [S{i}]: s\n" for i in range(20_000))
        + "\n<Arg>\n\n(1) [P]: p\n----\n(2) [C]: c\n",
        "[A]: " + " ".join(f"#t{i}" for i in range(50_000)) + "\n",
        "[A]: " + "\nmore".join("" for _ in range(50_000)) + "\n",
    ],
    ids=["a statement supporting 20,000", "an argument supporting 20,000", "50,000 tags", "50,000 lines"],
)  # fmt: skip
def test_one_statement_with_very_many_relations_or_tags_is_read_quickly(text: str) -> None:
    # The model walked a member's whole list of relations for each relation it added, and
    # appended to one growing string for each tag and line: minutes for these.
    started = time.perf_counter()
    parsed = argdown.parse_text(text)
    assert time.perf_counter() - started < 5
    assert len(parsed.relations) in (0, 20_000)
    if "#t49999" in text:
        assert len(parsed.statements["A"].tags) == 50_000


def test_a_file_of_many_errors_lists_the_first_ones() -> None:
    from argmap.io.argdown.model import SHOWN_ERRORS

    with pytest.raises(ArgmapError) as caught:
        argdown.parse_text("\n\n".join(["(1) x"] * 5_000))
    message = str(caught.value)
    assert message.startswith("<text>: 5000 Argdown syntax errors:")
    assert message.count("\n  line ") == SHOWN_ERRORS
    assert message.endswith(f"… and {5_000 - SHOWN_ERRORS} more (fix these first)")
