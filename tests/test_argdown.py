"""Argdown import and export, against the reference parser's counts for real documents."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

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
        ("<A>: text {a: [1, 2}\n", 1, "not valid YAML"),
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


def test_export_then_import_gives_the_same_map_for_the_shipped_case(runner, tmp_path) -> None:
    exported = tmp_path / "kz.argdown"
    result = runner.invoke(main, ["export", "argdown", str(REPO), "-o", str(exported)])
    assert result.exit_code == 0, result.output
    out = tmp_path / "back"
    result = runner.invoke(main, ["import", "argdown", str(exported), "-o", str(out)])
    assert result.exit_code == 0, result.output
    original, back = load_case(REPO).case, load_case(out).case
    mine, theirs = argument_map(original), argument_map(back)
    assert mine["arguments"] == theirs["arguments"]
    assert mine["hypotheses"] == theirs["hypotheses"]
    # Evidence items come back as statements with their summaries.
    expected = dict(mine["statements"])
    expected.update({e.id: " ".join(e.summary.split()) for e in original.evidence})
    assert theirs["statements"] == expected
    assert back.title == original.title and back.question == original.question


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
