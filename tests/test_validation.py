"""Every validation rule and error path of the case format, with its file and line.

The base case written by the ``write_case`` fixture (see conftest.py) has these lines;
tests replace or append lines and assert the exact positions reported.

hypotheses/case.yaml            evidence/evidence.yaml
 1 title: Warehouse fire         1 sources:
 2 question: What caused…        2   - id: report
 3 hypotheses:                   3     title: Harbour report
 4   - id: accident              4     file: sources/report.txt
 5     title: Accident           5 evidence:
 6     statement: …              6   - id: van
 7   - id: arson                 7     summary: Two men left in a van.
 8     title: Arson              8     source: report
 9     statement: …              9     quote: Witnesses saw two men leave the yard in a van.
10   - id: other                10     ratings: {accident: I, arson: C, other: N}
11     title: Other             11   - id: alarm
12     statement: …             12     summary: The alarm was switched off.
                                13     source: report
                                14     quote: The alarm system had been switched off at 22:10.
                                15     credibility: high
                                16     ratings: {accident: II, arson: CC, other: N}
"""

from __future__ import annotations

import gc
import json
import os
import sys
import time
import unicodedata
from pathlib import Path

import pytest

import argmap.cli
from argmap.load import load_case
from argmap.problems import CaseError, Problem

from .conftest import EVIDENCE, HYPOTHESES, SOURCE_TEXT

HYP = "hypotheses/case.yaml"
EV = "evidence/evidence.yaml"

Located = tuple[str, str, int, str, str]


def located(folder: Path, problems: list[Problem]) -> list[Located]:
    """(severity, file relative to the case, line, field, message) of each problem."""
    return [
        (p.severity, p.file.relative_to(folder).as_posix(), p.line, p.field, p.message)
        for p in problems
    ]


def failure(folder: Path) -> CaseError:
    with pytest.raises(CaseError) as info:
        load_case(folder)
    return info.value


def errors(folder: Path) -> list[Located]:
    """The errors loading the case raises, located."""
    return located(folder, failure(folder).errors)


def only_error(folder: Path) -> Problem:
    """The single problem (error or warning) of a case that must fail."""
    problems = failure(folder).problems
    assert len(problems) == 1, [p.format() for p in problems]
    assert problems[0].severity == "error"
    return problems[0]


def error(file: str, line: int, field: str, message: str) -> Located:
    return ("error", file, line, field, message)


def warning(file: str, line: int, field: str, message: str) -> Located:
    return ("warning", file, line, field, message)


def check(runner, folder: Path | None = None):
    args = ["check"] if folder is None else ["check", str(folder)]
    result = runner.invoke(argmap.cli.main, args)
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result


def test_base_case_is_valid(write_case):
    result = load_case(write_case())
    assert result.warnings == []
    assert [h.id for h in result.case.hypotheses] == ["accident", "arson", "other"]
    assert [e.id for e in result.case.evidence] == ["van", "alarm"]


@pytest.mark.parametrize("enabled", [True, False], ids=["collector-on", "collector-off"])
def test_loading_leaves_the_garbage_collector_as_it_found_it(write_case, enabled):
    # Loading pauses the collector while it builds the case: afterwards, and after a case
    # that does not load, it is on or off as the caller had it.
    bad = write_case({"evidence/more.yaml": "evidence: [\n"}, name="bad")
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        assert load_case(write_case()).case.evidence
        assert gc.isenabled() is enabled
        with pytest.raises(CaseError):
            load_case(bad)
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


# --- YAML --------------------------------------------------------------------------------

BOMB = (
    "# alias bomb\n"
    + "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    + "".join(
        f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]\n"
        for prev, name in zip("abcdefgh", "bcdefghi", strict=True)
    )
)


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        pytest.param(
            "sources:\n  - id: report\n    title: Harbour: report\n",
            3,
            "malformed YAML: mapping values are not allowed",  # "here" or "in this context"
            id="malformed",
        ),
        pytest.param(
            'sources:\n  - id: report\n    title: "Harbour report\nevidence: []\n',
            3,
            "malformed YAML: found unexpected end of stream (while scanning a quoted scalar)",
            id="unclosed-quote",
        ),
        pytest.param(
            "sources:\n  - id: report\n\ttitle: Harbour report\n",
            3,
            "tab used for indentation",
            id="tab",
        ),
        pytest.param(
            "sources:\n  -  id: report\n  \t title: Harbour report\n",
            3,
            "tab used for indentation",
            id="tab-after-spaces",
        ),
        pytest.param(
            EVIDENCE + "    summary: Again.\n",
            17,
            "duplicate key 'summary' (first on line 12)",
            id="duplicate-key",
        ),
        pytest.param(
            "sources: []\nevidence: []\nsources: []\n",
            3,
            "duplicate key 'sources' (first on line 1)",
            id="duplicate-top-key",
        ),
        pytest.param(
            "sources:\n  - id: report\n    title: &t Harbour report\n    author: *t\n",
            3,
            "YAML anchors and aliases are not allowed (found 't')",
            id="anchor",
        ),
        pytest.param(
            "sources:\n  - id: report\n    title: Harbour report\n    author: *t\n",
            4,
            "YAML anchors and aliases are not allowed (found 't')",
            id="alias",
        ),
        pytest.param(
            BOMB, 2, "YAML anchors and aliases are not allowed (found 'a')", id="alias-bomb"
        ),
        pytest.param(
            "sources: []\n---\nevidence: []\n",
            2,
            "several YAML documents in one file (a second '---' starts another)",
            id="several-documents",
        ),
        pytest.param("", 1, "empty file", id="empty"),
        pytest.param("\n  \n", 1, "empty file", id="blank"),
        pytest.param("# nothing yet\n\n# still nothing\n", 1, "empty file", id="comments-only"),
        pytest.param(
            "# a list\n- id: report\n  title: Harbour report\n",
            2,
            "the file must be a mapping of keys to values",
            id="root-list",
        ),
        pytest.param(
            "just some words\n", 1, "the file must be a mapping of keys to values", id="root-text"
        ),
    ],
)
def test_yaml_problem(write_case, text, line, message):
    folder = write_case({"evidence/more.yaml": text})
    started = time.perf_counter()
    problem = only_error(folder)
    assert time.perf_counter() - started < 2  # the alias bomb is refused, not expanded
    assert located(folder, [problem]) == [error("evidence/more.yaml", line, "", problem.message)]
    assert problem.message.startswith(message)
    assert len(problem.message) < len(message) + 20
    assert problem.hint


@pytest.mark.parametrize(
    ("text", "line", "context"),
    [
        pytest.param(
            "sources: [report,\nevidence: []\n",
            1,
            "(while parsing a flow sequence)",
            id="unclosed-bracket",
        ),
        pytest.param(
            "sources:\n  - id: report\n    title: Harbour report\n   file: report.txt\n",
            4,
            "(while parsing a block collection started on line 2)",
            id="bad-indent",
        ),
    ],
)
def test_malformed_yaml_says_where_the_construct_starts(write_case, text, line, context):
    # The wording of the problem differs between PyYAML's C and Python parsers.
    folder = write_case({"evidence/more.yaml": text})
    problem = only_error(folder)
    assert (problem.line, problem.field) == (line, "")
    assert problem.message.startswith("malformed YAML: ")
    assert problem.message.endswith(context)
    assert "check indentation and quoting" in problem.hint


def test_yaml_problem_hints(write_case):
    folder = write_case({"evidence/more.yaml": "sources:\n\t- id: report\n"})
    assert "replace the tab with spaces" in only_error(folder).hint
    folder = write_case({"evidence/more.yaml": "a: &x 1\n"}, name="anchor")
    assert "write the value out in full" in only_error(folder).hint


@pytest.mark.parametrize(
    ("raw", "line", "message"),
    [
        pytest.param(
            b"sources: []\nevidence: []\n\x00\x01\x02",
            3,
            "binary file (contains NUL bytes), not YAML text",
            id="nul",
        ),
        pytest.param(
            b"sources:\n  - id: report\n    title: Caf\xe9 report\n",
            3,
            "not valid UTF-8 (byte 0xe9 at offset 38)",
            id="latin-1",
        ),
    ],
)
def test_undecodable_file(write_case, raw, line, message):
    folder = write_case()
    (folder / "evidence/more.yaml").write_bytes(raw)
    problem = only_error(folder)
    assert located(folder, [problem]) == [error("evidence/more.yaml", line, "", message)]


def test_utf8_bom_is_accepted(write_case):
    folder = write_case()
    path = folder / HYP
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert load_case(folder).case.title == "Warehouse fire"


def test_scalars_are_read_as_text(write_case):
    folder = write_case(
        {
            HYP: """\
            title: no
            question: on
            format: 1
            hypotheses:
              - id: 2016
                title: yes
                statement: true
              - id: 007
                title: 1.0
                statement: null
            """,
            EV: """\
            evidence:
              - id: e1
                summary: ~
                kind: assumption
                date: 2016
                tags: [off, 1e3, 0x1F]
                ratings: {2016: C, 007: I}
                rationale: {2016: false}
            """,
        }
    )
    case = load_case(folder).case
    assert (case.title, case.question) == ("no", "on")
    assert [(h.id, h.title, h.statement) for h in case.hypotheses] == [
        ("2016", "yes", "true"),
        ("007", "1.0", "null"),
    ]
    e = case.evidence_by_id["e1"]
    assert (e.summary, e.date, e.tags) == ("~", "2016", ("off", "1e3", "0x1F"))
    assert e.ratings == {"2016": "C", "007": "I"}
    assert e.rationale == {"2016": "false"}


@pytest.mark.parametrize(
    ("files", "expected", "hint"),
    [
        pytest.param(
            {HYP: HYPOTHESES.replace("title: Arson", "title:")},
            error(HYP, 8, "hypotheses[arson].title", "empty value"),
            "give 'title' a value, or remove the key if it is optional",
            id="hypothesis-title",
        ),
        pytest.param(
            {EV: EVIDENCE.replace("summary: Two men left in a van.", 'summary: ""')},
            error(EV, 7, "evidence[van].summary", "empty value"),
            "give 'summary' a value",
            id="quoted-empty-summary",
        ),
        pytest.param(
            {EV: EVIDENCE.replace("summary: Two men left in a van.", "summary: '   '")},
            error(EV, 7, "evidence[van].summary", "empty value"),
            "give 'summary' a value",
            id="blank-summary",
        ),
        pytest.param(
            {HYP: HYPOTHESES.replace("title: Warehouse fire", "title:")},
            error(HYP, 1, "title", "empty value"),
            "give 'title' a value",
            id="case-title",
        ),
        pytest.param(
            {HYP: HYPOTHESES.replace("question: What caused the fire?", "question:")},
            error(HYP, 2, "question", "empty value"),
            "give 'question' a value",
            id="case-question",
        ),
        pytest.param(
            {EV: EVIDENCE + "    tags:\n      - arson\n      -\n"},
            error(EV, 19, "evidence[alarm].tags[1]", "empty value"),
            "give 'tags' a value",
            id="list-item",
        ),
    ],
)
def test_empty_value_where_required(write_case, files, expected, hint):
    folder = write_case(files)
    problem = only_error(folder)
    assert located(folder, [problem]) == [expected]
    assert problem.hint.startswith(hint)


def test_empty_optional_value_is_absent(write_case):
    folder = write_case(
        {
            HYP: HYPOTHESES + "    description:\n    tags:\n    indicators:\n    parent:\n"
            "notes:\nformat:\nstatements:\narguments:\n",
            EV: EVIDENCE + "    relevance:\n    kind:\n    originator:\n    date:\n"
            "    rationale:\n    tags:\n",
        }
    )
    result = load_case(folder)
    assert result.warnings == []
    other = result.case.hypothesis_by_id["other"]
    assert (other.description, other.tags, other.parent) == (None, (), None)
    alarm = result.case.evidence_by_id["alarm"]
    assert (alarm.relevance, alarm.kind, alarm.date, alarm.rationale) == (
        "medium",
        "fact",
        None,
        {},
    )
    assert result.case.notes is None


# --- keys, case keys, folders ----------------------------------------------------------


@pytest.mark.parametrize(
    ("files", "expected", "hint"),
    [
        pytest.param(
            {EV: EVIDENCE.replace("evidence:", "evidense:")},
            [error(EV, 5, "evidense", "unknown key 'evidense'")],
            "did you mean 'evidence'? allowed keys here: sources, originators, evidence",
            id="top-level",
        ),
        pytest.param(
            {EV: EVIDENCE.replace("    credibility: high", "    credibilty: high")},
            [error(EV, 15, "evidence[alarm].credibilty", "unknown key 'credibilty'")],
            "did you mean 'credibility'? allowed keys here: id, summary, kind, source",
            id="evidence-item",
        ),
        pytest.param(
            {HYP: HYPOTHESES + "    parnt: arson\n"},
            [error(HYP, 13, "hypotheses[other].parnt", "unknown key 'parnt'")],
            "did you mean 'parent'? allowed keys here: id, title, statement",
            id="hypothesis",
        ),
        pytest.param(
            {EV: EVIDENCE.replace("    title: Harbour report", "    tittle: Harbour report")},
            [
                error(EV, 2, "sources[report].title", "'title' is required"),
                error(EV, 3, "sources[report].tittle", "unknown key 'tittle'"),
            ],
            "did you mean 'title'? allowed keys here: id, title, author",
            id="source-missing-title",
        ),
        pytest.param(
            {HYP: HYPOTHESES.replace("title: Warehouse fire", "titel: Warehouse fire")},
            [error(HYP, 1, "titel", "unknown key 'titel'")],
            "did you mean 'title'? allowed keys here: title, question, notes, format",
            id="case-key",
        ),
        pytest.param(
            {EV: "title: Warehouse fire\n" + EVIDENCE},
            [error(EV, 1, "title", "unknown key 'title'")],
            "allowed keys here: sources, originators, evidence",
            id="case-key-in-evidence-file",
        ),
    ],
)
def test_unknown_keys(write_case, files, expected, hint):
    folder = write_case(files)
    problems = failure(folder).problems
    assert located(folder, problems) == expected
    assert problems[-1].hint.startswith(hint)


def test_unsupported_format(write_case):
    folder = write_case({HYP: HYPOTHESES.replace("hypotheses:\n", "format: 2\nhypotheses:\n")})
    problem = only_error(folder)
    assert located(folder, [problem]) == [error(HYP, 3, "format", "unsupported format '2'")]
    assert problem.hint == "this version of argmap reads format 1"


@pytest.mark.parametrize("value", ["1", '"1"'])
def test_format_1_is_accepted(write_case, value):
    folder = write_case({HYP: f"format: {value}\n" + HYPOTHESES})
    assert load_case(folder).case.title == "Warehouse fire"


def test_case_keys_in_two_hypotheses_files(write_case):
    folder = write_case(
        {
            "hypotheses/more.yaml": """\
            # A second hypotheses file
            statements:
              - id: stolen
                text: The van was stolen.
            question: Who did it?
            notes: Draft.
            """
        }
    )
    problem = only_error(folder)
    assert located(folder, [problem]) == [
        error(
            "hypotheses/more.yaml",
            5,
            "question",
            "case keys (question, notes) are also in hypotheses/case.yaml",
        )
    ]
    assert "one hypotheses file" in problem.hint


def test_case_keys_may_live_in_any_one_hypotheses_file(write_case):
    head, _, tail = HYPOTHESES.partition("hypotheses:\n")
    folder = write_case({HYP: "hypotheses:\n" + tail, "hypotheses/zz-case.yaml": head})
    assert load_case(folder).case.question == "What caused the fire?"


def test_no_case_keys_at_all(write_case):
    _, _, tail = HYPOTHESES.partition("hypotheses:\n")
    folder = write_case({HYP: "# hypotheses only\nhypotheses:\n" + tail})
    problem = only_error(folder)
    assert located(folder, [problem]) == [
        error(HYP, 1, "", "no file holds the case's title and question")
    ]
    assert problem.hint == "add 'title:' and 'question:' to one hypotheses file"


@pytest.mark.parametrize(
    ("missing", "present"),
    [("title: Warehouse fire\n", "title"), ("question: What caused the fire?\n", "question")],
)
def test_missing_title_or_question(write_case, missing, present):
    folder = write_case({HYP: "# the case\n" + HYPOTHESES.replace(missing, "")})
    problem = only_error(folder)
    assert located(folder, [problem]) == [error(HYP, 1, "", f"'{present}' is required")]
    assert problem.hint == f"add '{present}:' next to the other case keys"


@pytest.mark.parametrize(
    "files",
    [
        pytest.param({HYP: None}, id="no-folder"),
        pytest.param(
            {HYP: None, "hypotheses/README.txt": "notes", "hypotheses/old/case.yaml": HYPOTHESES},
            id="no-yaml-directly-inside",
        ),
    ],
)
def test_no_hypotheses_files(write_case, files):
    folder = write_case(files)
    problem = only_error(folder)
    assert (problem.file, problem.line, problem.message) == (
        folder / "hypotheses",
        1,
        "no hypotheses/*.yaml files in the case",
    )
    assert "argmap init" in problem.hint


def test_yml_files_are_read_in_name_order(write_case):
    folder = write_case(
        {
            HYP: None,
            "hypotheses/b.yml": HYPOTHESES,
            "hypotheses/a.yaml": "statements:\n  - id: stolen\n    text: The van was stolen.\n",
            EV: None,
            "evidence/z.yml": EVIDENCE,
        }
    )
    case = load_case(folder).case
    assert [s.id for s in case.statements] == ["stolen"]
    assert [e.id for e in case.evidence] == ["van", "alarm"]


def test_missing_case_folder(tmp_path):
    problem = only_error(tmp_path / "nowhere")
    assert (problem.file, problem.line, problem.message) == (
        tmp_path / "nowhere",
        1,
        "no such case folder",
    )


# --- ids -------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["Arson", "big fire", "-arson", "arson_2", "ársón", "a.b"])
def test_invalid_id(write_case, bad):
    folder = write_case({HYP: HYPOTHESES.replace("id: arson", f"id: {bad}")})
    problem = only_error(folder)
    assert located(folder, [problem]) == [
        error(HYP, 7, f"hypotheses[{bad}].id", f"'{bad}' is not a valid id")
    ]
    assert "lowercase letters, digits and '-'" in problem.hint


def test_invalid_id_in_a_reference(write_case):
    folder = write_case({EV: EVIDENCE.replace("{accident: I,", "{Accident: I,")})
    assert errors(folder) == [
        error(EV, 10, "evidence[van].ratings.Accident", "'Accident' is not a valid id")
    ]


def test_duplicate_id_across_kinds(write_case):
    folder = write_case({HYP: HYPOTHESES + "statements:\n  - id: van\n    text: A van was seen.\n"})
    problem = only_error(folder)
    assert located(folder, [problem]) == [
        error(
            EV,
            6,
            "evidence[van].id",
            "id 'van' is already used by the statement at hypotheses/case.yaml:14",
        )
    ]
    assert "ids are unique across" in problem.hint


def test_duplicate_id_within_a_kind(write_case):
    folder = write_case(
        {"hypotheses/more.yaml": "hypotheses:\n  - id: arson\n    title: A\n    statement: B\n"}
    )
    assert located(folder, failure(folder).problems) == [
        error(
            "hypotheses/more.yaml",
            2,
            "hypotheses[arson].id",
            "id 'arson' is already used by the hypothesis at hypotheses/case.yaml:7",
        )
    ]


def test_duplicate_source_and_hypothesis_id(write_case):
    folder = write_case({EV: EVIDENCE.replace("  - id: report", "  - id: arson")})
    assert errors(folder)[0] == error(
        EV,
        2,
        "sources[arson].id",
        "id 'arson' is already used by the hypothesis at hypotheses/case.yaml:7",
    )


# --- hypotheses --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("parent", "message", "hint"),
    [
        ("arsen", "parent 'arsen' is not a hypothesis", "did you mean 'arson'? "),
        ("van", "parent 'van' is an evidence item", "name the id"),
        ("report", "parent 'report' is a source", "name the id"),
    ],
)
def test_parent_must_be_a_hypothesis(write_case, parent, message, hint):
    folder = write_case({HYP: HYPOTHESES + f"    parent: {parent}\n"})
    problem = only_error(folder)
    assert located(folder, [problem]) == [error(HYP, 13, "hypotheses[other].parent", message)]
    assert problem.hint.startswith(hint)


def test_self_parent(write_case):
    folder = write_case({HYP: HYPOTHESES + "    parent: other\n"})
    problem = only_error(folder)
    assert located(folder, [problem]) == [
        error(HYP, 13, "hypotheses[other].parent", "parents form a cycle: other → other")
    ]
    assert "own ancestor" in problem.hint


def test_parent_cycle(write_case):
    text = HYPOTHESES.replace(
        "    statement: The fire was an accident.\n",
        "    statement: The fire was an accident.\n    parent: arson\n",
    ).replace("    statement: Someone set the fire.\n", "    statement: Someone set it.\n")
    text = text.replace("    title: Arson\n", "    title: Arson\n    parent: accident\n")
    folder = write_case({HYP: text})
    assert errors(folder) == [
        error(
            HYP,
            7,
            "hypotheses[accident].parent",
            "parents form a cycle: accident → arson → accident",
        )
    ]


def test_every_parent_cycle_is_reported(write_case):
    folder = write_case(
        {
            "hypotheses/more.yaml": """\
            hypotheses:
              - id: x
                title: X
                statement: X.
                parent: y
              - id: y
                title: Y
                statement: Y.
                parent: x
              - id: z
                title: Z
                statement: Z.
                parent: z
            """
        }
    )
    assert errors(folder) == [
        error("hypotheses/more.yaml", 5, "hypotheses[x].parent", "parents form a cycle: x → y → x"),
        error("hypotheses/more.yaml", 13, "hypotheses[z].parent", "parents form a cycle: z → z"),
    ]


CHILDREN = """\
hypotheses:
  - id: arson-insider
    title: Insider
    statement: Staff set the fire.
    parent: arson
  - id: arson-outsider
    title: Outsider
    statement: Strangers set the fire.
    parent: arson
"""


def test_rating_or_rationale_on_a_parent(write_case):
    folder = write_case(
        {
            "hypotheses/more.yaml": CHILDREN,
            EV: EVIDENCE + "    rationale:\n      other: Nothing.\n      arson: Switched off.\n",
        }
    )
    problems = failure(folder).errors
    message = "'arson' has sub-hypotheses and is not rated itself"
    assert located(folder, problems) == [
        error(EV, 10, "evidence[van].ratings.arson", message),
        error(EV, 16, "evidence[alarm].ratings.arson", message),
        error(EV, 19, "evidence[alarm].rationale.arson", message),
    ]
    assert {p.hint for p in problems} == {
        "rate its children instead: arson-insider, arson-outsider"
    }


def test_parent_with_rated_children_is_valid(write_case):
    rated = "{accident: I, arson-insider: C, arson-outsider: C, other: N}"
    folder = write_case(
        {
            "hypotheses/more.yaml": CHILDREN,
            EV: EVIDENCE.replace("{accident: I, arson: C, other: N}", rated).replace(
                "{accident: II, arson: CC, other: N}", rated
            ),
        }
    )
    case = load_case(folder).case
    assert [h.id for h in case.leaves] == ["accident", "arson-insider", "arson-outsider", "other"]
    assert [h.id for h in case.groups] == ["arson"]


@pytest.mark.parametrize(
    ("text", "line", "key"),
    [
        (EVIDENCE.replace("arson: CC", "arsen: CC"), 16, "ratings"),
        (EVIDENCE + "    rationale:\n      arson: Fits.\n      arsen: Typo.\n", 19, "rationale"),
    ],
)
def test_rating_an_unknown_hypothesis(write_case, text, line, key):
    folder = write_case({EV: text})
    problems = failure(folder).errors
    assert located(folder, problems) == [
        error(EV, line, f"evidence[alarm].{key}.arsen", "'arsen' is not a hypothesis")
    ]
    assert problems[0].hint == "did you mean 'arson'? keys are ids of leaf hypotheses"


def test_rating_a_statement(write_case):
    folder = write_case(
        {
            HYP: HYPOTHESES + "statements:\n  - id: stolen\n    text: The van was stolen.\n",
            EV: EVIDENCE.replace("other: N}", "other: N, stolen: C}", 1),
        }
    )
    assert errors(folder) == [
        error(EV, 10, "evidence[van].ratings.stolen", "'stolen' is not a hypothesis")
    ]


# --- statements and arguments -----------------------------------------------------------


def test_contrary_and_contradicts_name_statements(write_case):
    folder = write_case(
        {
            HYP: HYPOTHESES
            + """\
statements:
  - id: stolen
    text: The van was stolen.
    contrary: [rented, nope]
    contradicts:
      - arson
  - id: rented
    text: The van was rented.
    contradicts: [stolen]
"""
        }
    )
    problems = failure(folder).errors
    assert located(folder, problems) == [
        error(HYP, 16, "statements[stolen].contrary[1]", "'nope' is not a statement"),
        error(HYP, 18, "statements[stolen].contradicts[0]", "'arson' is not a statement"),
    ]
    assert problems[0].hint == "contrary lists statement ids"
    assert problems[1].hint == "contradicts lists statement ids"


ARGUMENTS = (
    HYPOTHESES
    + """\
statements:
  - id: stolen
    text: The van was stolen.
arguments:
  - id: a1
    claim: Strangers came and went by van.
    premises: [van, stolen]
    supports: arson
"""
)
# lines: 13 statements, 14 - id: stolen, 16 arguments, 17 - id: a1, 19 premises, 20 supports


def test_valid_arguments(write_case):
    folder = write_case(
        {
            HYP: ARGUMENTS
            + """\
  - id: a2
    claim: The wiring was fine that night.
    premises: [alarm, a1]
    attacks: accident
    rationale: A switched-off alarm points to intent.
  - id: a3
    claim: Stolen vans are not evidence of arson.
    premises: [stolen]
    undercuts: a1
  - id: a4
    claim: The van supports the statement.
    premises: [van]
    supports: stolen
"""
        }
    )
    case = load_case(folder).case
    assert [(a.id, a.relation, a.target) for a in case.arguments] == [
        ("a1", "supports", "arson"),
        ("a2", "attacks", "accident"),
        ("a3", "undercuts", "a1"),
        ("a4", "supports", "stolen"),
    ]


@pytest.mark.parametrize(
    ("old", "new", "expected", "hint"),
    [
        pytest.param(
            "[van, stolen]",
            "[vann, stolen]",
            error(HYP, 19, "arguments[a1].premises[0]", "premise 'vann' is not defined"),
            "did you mean 'van'? premises are ids of evidence items, statements or arguments",
            id="unknown-premise",
        ),
        pytest.param(
            "[van, stolen]",
            "[van, arson]",
            error(HYP, 19, "arguments[a1].premises[1]", "premise 'arson' is a hypothesis"),
            "premises are ids of evidence items, statements or arguments",
            id="hypothesis-premise",
        ),
        pytest.param(
            "[van, stolen]",
            "[van, report]",
            error(HYP, 19, "arguments[a1].premises[1]", "premise 'report' is a source"),
            "premises are ids of evidence items, statements or arguments",
            id="source-premise",
        ),
        pytest.param(
            "supports: arson",
            "supports: arsen",
            error(HYP, 20, "arguments[a1].supports", "target 'arsen' is not defined"),
            "did you mean 'arson'? name a hypothesis, statement, evidence item or argument",
            id="unknown-support-target",
        ),
        pytest.param(
            "supports: arson",
            "attacks: report",
            error(HYP, 20, "arguments[a1].attacks", "target 'report' is a source"),
            "name a hypothesis, statement, evidence item or argument",
            id="attack-on-source",
        ),
        pytest.param(
            "supports: arson",
            "undercuts: van",
            error(HYP, 20, "arguments[a1].undercuts", "target 'van' is an evidence item"),
            "'undercuts' names an argument whose inference it denies",
            id="undercut-of-evidence",
        ),
        pytest.param(
            "supports: arson",
            "undercuts: arson",
            error(HYP, 20, "arguments[a1].undercuts", "target 'arson' is a hypothesis"),
            "'undercuts' names an argument whose inference it denies",
            id="undercut-of-hypothesis",
        ),
        pytest.param(
            "    supports: arson\n",
            "",
            error(
                HYP,
                17,
                "arguments[a1]",
                "needs exactly one of supports, attacks or undercuts (found none)",
            ),
            "an argument supports, attacks or undercuts one target",
            id="no-relation",
        ),
        pytest.param(
            "    supports: arson\n",
            "    supports: arson\n    attacks: accident\n",
            error(
                HYP,
                17,
                "arguments[a1]",
                "needs exactly one of supports, attacks or undercuts (found supports and attacks)",
            ),
            "an argument supports, attacks or undercuts one target",
            id="two-relations",
        ),
        pytest.param(
            "    supports: arson\n",
            "    supports: arson\n    attacks: accident\n    undercuts: a1\n",
            error(
                HYP,
                17,
                "arguments[a1]",
                "needs exactly one of supports, attacks or undercuts "
                "(found supports and attacks and undercuts)",
            ),
            "an argument supports, attacks or undercuts one target",
            id="three-relations",
        ),
    ],
)
def test_argument_problems(write_case, old, new, expected, hint):
    assert old in ARGUMENTS
    folder = write_case({HYP: ARGUMENTS.replace(old, new)})
    problems = failure(folder).errors
    assert located(folder, problems) == [expected]
    assert problems[0].hint == hint


def test_premise_cycle_is_an_error(write_case):
    folder = write_case(
        {
            HYP: HYPOTHESES
            + """\
arguments:
  - id: a1
    claim: First.
    premises: [van, a2]
    supports: arson
  - id: a2
    claim: Second.
    premises: [a3]
    supports: arson
  - id: a3
    claim: Third.
    premises: [a1]
    attacks: accident
"""
        }
    )
    problems = failure(folder).errors
    assert located(folder, problems) == [
        error(HYP, 16, "arguments[a1].premises", "premises form a cycle: a1 → a2 → a3 → a1")
    ]
    assert "rest, directly or through others, on itself" in problems[0].hint


def test_every_premise_cycle_is_reported(write_case):
    folder = write_case(
        {
            HYP: HYPOTHESES
            + """\
arguments:
  - id: a1
    claim: First.
    premises: [a2]
    supports: arson
  - id: a2
    claim: Second.
    premises: [a1, a3]
    supports: arson
  - id: a3
    claim: Third.
    premises: [van, a4]
    attacks: accident
  - id: a4
    claim: Fourth.
    premises: [a3]
    attacks: accident
"""
        }
    )
    assert errors(folder) == [
        error(HYP, 16, "arguments[a1].premises", "premises form a cycle: a1 → a2 → a1"),
        error(HYP, 24, "arguments[a3].premises", "premises form a cycle: a3 → a4 → a3"),
    ]


def test_self_premise_is_an_error(write_case):
    folder = write_case({HYP: ARGUMENTS.replace("[van, stolen]", "[van, a1]")})
    assert errors(folder) == [
        error(HYP, 19, "arguments[a1].premises", "premises form a cycle: a1 → a1")
    ]


def test_support_and_attack_cycles_are_allowed(write_case):
    folder = write_case(
        {
            HYP: HYPOTHESES
            + """\
arguments:
  - id: a1
    claim: First.
    premises: [van]
    supports: a2
  - id: a2
    claim: Second.
    premises: [alarm]
    attacks: a1
  - id: a3
    claim: Third.
    premises: [van]
    undercuts: a4
  - id: a4
    claim: Fourth.
    premises: [alarm]
    undercuts: a3
  - id: a5
    claim: Fifth.
    premises: [van]
    supports: a5
"""
        }
    )
    case = load_case(folder).case
    assert [a.target for a in case.arguments] == ["a2", "a1", "a4", "a3", "a5"]


# --- sources and evidence ---------------------------------------------------------------

EXTRA_ITEM = "  - id: extra\n    summary: Extra item.\n"  # lines 17 and 18 after EVIDENCE


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ("    source: report\n", "source and quote go together: quote is missing"),
        ("    quote: The fire started\n", "source and quote go together: source is missing"),
        (
            "    kind: assumption\n    source: report\n",
            "source and quote go together: quote is missing",
        ),
        ("", "a fact needs a source and a quote (only an assumption may have neither)"),
        (
            "    kind: fact\n",
            "a fact needs a source and a quote (only an assumption may have neither)",
        ),
        (
            "    kind: claim\n",
            "a claim needs a source and a quote (only an assumption may have neither)",
        ),
        (
            "    kind: absence\n",
            "an absence needs a source and a quote (only an assumption may have neither)",
        ),
    ],
)
def test_source_and_quote(write_case, lines, message):
    folder = write_case({EV: EVIDENCE + EXTRA_ITEM + lines})
    problem = only_error(folder)
    assert located(folder, [problem]) == [error(EV, 17, "evidence[extra]", message)]
    assert problem.hint == "give both 'source:' (a source id) and 'quote:' (its verbatim text)"


def test_assumption_needs_neither_source_nor_quote(write_case):
    folder = write_case(
        {EV: EVIDENCE + EXTRA_ITEM + "    kind: assumption\n    ratings: {arson: C}\n"}
    )
    result = load_case(folder)
    assumption = result.case.evidence_by_id["extra"]
    assert (assumption.kind, assumption.source, assumption.quote) == ("assumption", None, None)
    assert located(folder, result.warnings) == [
        warning(EV, 20, "evidence[extra].ratings", "unrated against accident, other")
    ]


def test_assumption_may_quote_a_source(write_case):
    folder = write_case(
        {
            EV: EVIDENCE
            + EXTRA_ITEM
            + "    kind: assumption\n    source: report\n    quote: Harbour report\n"
            "    ratings: {accident: N, arson: C, other: N}\n"
        }
    )
    assert load_case(folder).case.quote_spans["extra"].paragraph == 1


@pytest.mark.parametrize(
    ("source", "message", "hint"),
    [
        ("reprt", "source 'reprt' is not defined", "did you mean 'report'? "),
        ("arson", "source 'arson' is a hypothesis", "name a source"),
        ("alarm", "source 'alarm' is an evidence item", "name a source"),
    ],
)
def test_unknown_source(write_case, source, message, hint):
    folder = write_case(
        {
            EV: EVIDENCE
            + EXTRA_ITEM
            + f"    source: {source}\n    quote: Harbour report\n"
            + "    ratings: {accident: I, arson: C, other: N}\n"
        }
    )
    problems = failure(folder).errors
    assert located(folder, problems) == [error(EV, 19, "evidence[extra].source", message)]
    assert problems[0].hint.startswith(hint)


def test_quoted_source_needs_a_file(write_case):
    folder = write_case({EV: EVIDENCE.replace("    file: sources/report.txt\n", "")})
    problems = failure(folder).errors
    assert located(folder, problems) == [
        error(EV, 2, "sources[report]", "source 'report' is quoted but has no 'file'")
    ]
    assert "add 'file:'" in problems[0].hint


def test_unquoted_source_needs_no_file(write_case):
    folder = write_case(
        {
            EV: EVIDENCE.replace(
                "evidence:\n",
                "  - id: memo\n    title: Memo\n    author: The harbour master\n"
                "    published: 2022-03\n    reliability: B\n    url: https://example.org\n"
                "evidence:\n",
            )
        }
    )
    memo = load_case(folder).case.source_by_id["memo"]
    assert (memo.file, memo.published, memo.reliability) == (None, "2022-03", "B")


def test_missing_source_file(write_case):
    folder = write_case({EV: EVIDENCE.replace("sources/report.txt", "sources/nope.txt")})
    problems = failure(folder).errors
    assert located(folder, problems) == [
        error(EV, 4, "sources[report].file", "source file 'sources/nope.txt' not found")
    ]
    assert problems[0].hint.startswith("paths are relative to evidence.yaml's folder")


def test_source_file_that_is_a_folder(write_case):
    folder = write_case({EV: EVIDENCE.replace("sources/report.txt", "sources")})
    assert errors(folder) == [
        error(EV, 4, "sources[report].file", "source file 'sources' not found")
    ]


@pytest.mark.parametrize("how", ["dot-dot", "absolute", "symlink"])
def test_source_file_outside_the_case(write_case, tmp_path, how):
    outside = tmp_path / "outside.txt"
    outside.write_text(SOURCE_TEXT, encoding="utf-8")
    name = {"dot-dot": "../../outside.txt", "absolute": str(outside), "symlink": "sources/link.txt"}
    folder = write_case({EV: EVIDENCE.replace("sources/report.txt", name[how])})
    (folder / "evidence/sources/link.txt").symlink_to(outside)
    problems = failure(folder).errors
    assert located(folder, problems) == [
        error(EV, 4, "sources[report].file", f"'{name[how]}' lies outside the case folder")
    ]
    assert "copy the source text into the case" in problems[0].hint


def test_symlink_inside_the_case_is_fine(write_case):
    folder = write_case({EV: EVIDENCE.replace("sources/report.txt", "sources/link.txt")})
    (folder / "evidence/sources/link.txt").symlink_to("report.txt")
    assert load_case(folder).case.source_texts["report"] == SOURCE_TEXT


def test_dot_dot_that_stays_inside_the_case_is_fine(write_case):
    folder = write_case(
        {
            EV: EVIDENCE.replace("sources/report.txt", "../texts/report.txt"),
            "texts/report.txt": SOURCE_TEXT,
        }
    )
    assert load_case(folder).case.source_texts["report"] == SOURCE_TEXT


def test_source_file_not_utf8(write_case):
    folder = write_case()
    (folder / "evidence/sources/report.txt").write_bytes(
        SOURCE_TEXT.encode("utf-8").replace(b"Witnesses", b"T\xe9moins")
    )
    problems = failure(folder).errors
    assert located(folder, problems) == [
        error(EV, 4, "sources[report].file", "'sources/report.txt' is not UTF-8 text (line 3)")
    ]
    assert problems[0].hint == "save the source as UTF-8"


def test_unreadable_source_file(write_case, monkeypatch):
    # A disk that fails under the file (permissions: test_what_cannot_be_read_…, below).
    import argmap.load

    folder = write_case()
    read_regular = argmap.load.read_regular

    def fail(path: Path, limit: int | None = None) -> bytes | str:
        if path.name == "report.txt":
            raise OSError(5, "Input/output error")
        return read_regular(path, limit)

    monkeypatch.setattr(argmap.load, "read_regular", fail)
    problems = failure(folder).errors
    assert located(folder, problems) == [
        error(
            EV,
            4,
            "sources[report].file",
            "cannot read source file 'sources/report.txt': Input/output error",
        )
    ]


@pytest.mark.parametrize(
    ("old", "new", "expected", "allowed"),
    [
        pytest.param(
            "credibility: high",
            "credibility: very high",
            error(EV, 15, "evidence[alarm].credibility", "'very high' is not allowed"),
            "'high', 'medium' or 'low'",
            id="credibility",
        ),
        pytest.param(
            "credibility: high",
            "credibility: High",
            error(EV, 15, "evidence[alarm].credibility", "'High' is not allowed"),
            "'high', 'medium' or 'low'",
            id="credibility-case",
        ),
        pytest.param(
            "credibility: high",
            "relevance: 3",
            error(EV, 15, "evidence[alarm].relevance", "'3' is not allowed"),
            "'high', 'medium' or 'low'",
            id="relevance",
        ),
        pytest.param(
            "credibility: high",
            "kind: rumour",
            error(EV, 15, "evidence[alarm].kind", "'rumour' is not allowed"),
            "'fact', 'claim', 'assumption' or 'absence'",
            id="kind",
        ),
        pytest.param(
            "    file: sources/report.txt",
            "    file: sources/report.txt\n    reliability: G",
            error(EV, 5, "sources[report].reliability", "'G' is not allowed"),
            "'A', 'B', 'C', 'D', 'E' or 'F'",
            id="reliability",
        ),
        pytest.param(
            "arson: CC",
            "arson: X",
            error(EV, 16, "evidence[alarm].ratings.arson", "'X' is not allowed"),
            "'CC', 'C', 'N', 'I', 'II' or 'NA'",
            id="rating",
        ),
        pytest.param(
            "arson: CC",
            "arson: cc",
            error(EV, 16, "evidence[alarm].ratings.arson", "'cc' is not allowed"),
            "'CC', 'C', 'N', 'I', 'II' or 'NA'",
            id="rating-case",
        ),
    ],
)
def test_invalid_values(write_case, old, new, expected, allowed):
    assert old in EVIDENCE
    folder = write_case({EV: EVIDENCE.replace(old, new)})
    problem = only_error(folder)
    assert located(folder, [problem]) == [expected]
    assert problem.hint == f"use one of {allowed}"


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("2022-13-01", "is not a valid date (month must be in 1..12)"),
        ("2022-02-30", "is not a valid date (day is out of range for month)"),
        ("2022-13", "is not a valid date (month must be in 1..12)"),
        ("2022-00", "is not a valid date (month must be in 1..12)"),
        ("3 March 2022", "must be an ISO 8601 date such as 2022-01-05, 2022-01 or 2022"),
        ("22-03-03", "must be an ISO 8601 date such as 2022-01-05, 2022-01 or 2022"),
        ("2022-3-3", "must be an ISO 8601 date such as 2022-01-05, 2022-01 or 2022"),
    ],
)
@pytest.mark.parametrize(
    ("where", "line", "field"),
    [("evidence", 17, "evidence[alarm].date"), ("source", 5, "sources[report].published")],
)
def test_invalid_date(write_case, value, reason, where, line, field):
    if where == "evidence":
        text = EVIDENCE + f"    date: {value}\n"
    else:
        text = EVIDENCE.replace("report.txt\n", f"report.txt\n    published: {value}\n")
    folder = write_case({EV: text})
    problem = only_error(folder)
    assert located(folder, [problem]) == [error(EV, line, field, f"'{value}' {reason}")]
    assert problem.hint == "write a date as 2022-01-05, 2022-01 or 2022"


@pytest.mark.parametrize(
    "value", ["2022", "2022-01", "2022-01-05", "2022-01-05T23:10", "2022-01-05 23:10:00+06:00"]
)
def test_valid_dates(write_case, value):
    folder = write_case(
        {
            EV: EVIDENCE.replace("report.txt\n", f"report.txt\n    published: {value}\n")
            + f"    date: '{value}'\n"
        }
    )
    case = load_case(folder).case
    assert case.evidence_by_id["alarm"].date == value
    assert case.source_by_id["report"].published == value


# --- quotes ------------------------------------------------------------------------------

TYPOGRAPHIC = (
    "Harbour report\n"
    "\n"
    "The guard said \u201cnobody came in\u201d \u2013 it\u2019s in the log \u2014 the"
    " \u2018night\u2019 log.\n"
    "A second line\u00a0with a no\u2011break\u00a0\u00a0space, \u201e1\u2033\u201d and"
    " \u22121\u2032.\n"
    "\n"
    "Cafe\u0301 owner Ren\u00e9 saw it \u2010 twice.\n"
)


def quote_case(write_case, source: str, quote: str, **kwargs):
    """A case whose one evidence item quotes ``quote`` (on line 9) from ``source``."""
    evidence = f"""\
sources:
  - id: report
    title: Harbour report
    file: sources/report.txt
evidence:
  - id: q
    summary: A quote.
    source: report
    quote: {json.dumps(quote)}
    ratings: {{accident: C, arson: I, other: N}}
"""
    return write_case({EV: evidence, "evidence/sources/report.txt": source}, **kwargs)


@pytest.mark.parametrize(
    ("quote", "passage", "paragraph"),
    [
        pytest.param(
            "The guard said \"nobody came in\" - it's in the log - the 'night' log.",
            "The guard said \u201cnobody came in\u201d \u2013 it\u2019s in the log \u2014 the"
            " \u2018night\u2019 log.",
            2,
            id="curly-quotes-and-dashes",
        ),
        pytest.param(
            "in the log - the 'night' log. A second line with a no-break space,",
            "in the log \u2014 the \u2018night\u2019 log.\nA second line\u00a0with a"
            " no\u2011break\u00a0\u00a0space,",
            2,
            id="newline-and-no-break-spaces",
        ),
        pytest.param(
            '"1"" and -1\'.',
            "\u201e1\u2033\u201d and \u22121\u2032.",
            2,
            id="primes-and-minus",
        ),
        pytest.param(
            "  The   guard\nsaid  ",
            "The guard said",
            2,
            id="spaces-in-the-quote",
        ),
        pytest.param(
            "Caf\u00e9 owner",
            "Cafe\u0301 owner",
            3,
            id="nfc-quote-nfd-source",
        ),
        pytest.param(
            "Rene\u0301 saw it - twice.",
            "Ren\u00e9 saw it \u2010 twice.",
            3,
            id="nfd-quote-nfc-source",
        ),
        pytest.param("Cafe\u0301", "Cafe\u0301", 3, id="ends-on-a-composed-character"),
        pytest.param("Harbour report", "Harbour report", 1, id="title"),
    ],
)
def test_quote_found_after_normalisation(write_case, quote, passage, paragraph):
    folder = quote_case(write_case, TYPOGRAPHIC, quote)
    result = load_case(folder)
    assert result.warnings == []
    span = result.case.quote_spans["q"]
    assert result.case.source_texts["report"][span.start : span.end] == passage
    assert (span.source, span.paragraph) == ("report", paragraph)
    assert span.start == TYPOGRAPHIC.index(passage)


def test_quote_offsets_are_code_points_into_the_original(write_case):
    source = "T\u00eftle \U0001f525\n\nA fire \U0001f525 at the \u201cdock\u201d.\n"
    folder = quote_case(write_case, source, 'the "dock".')
    span = load_case(folder).case.quote_spans["q"]
    assert (span.start, span.end) == (21, 32)  # not UTF-8 bytes (28, 43), not UTF-16 units
    assert source[span.start : span.end] == "the \u201cdock\u201d."


@pytest.mark.parametrize(
    ("quote", "hint"),
    [
        pytest.param(
            "witnesses saw two men leave the yard in a van.",
            'the closest passage in the source reads: "Witnesses saw two men leave the yard in'
            ' a van."',
            id="case-differs",
        ),
        pytest.param(
            "Witnesses saw three men leave the yard in a van.",
            'the closest passage in the source reads: "Witnesses saw two men leave the yard in'
            ' a van."',
            id="word-differs",
        ),
        pytest.param(
            "Nothing of the sort happened.",
            "copy the passage verbatim from the source; quotes must be one contiguous span",
            id="unrelated",
        ),
        pytest.param(
            "The fire started shortly after 23:00 on 3 March. The alarm system had been",
            'the closest passage in the source reads: "The fire started shortly after 23:00 on'
            ' 3 March. Witnesses saw two men leave the yard"',
            id="not-contiguous",
        ),
    ],
)
def test_quote_not_found(write_case, quote, hint):
    folder = write_case({EV: EVIDENCE.replace(EVIDENCE.split("quote: ")[1].split("\n")[0], quote)})
    problem = only_error(folder)
    assert located(folder, [problem]) == [
        error(EV, 9, "evidence[van].quote", "quote not found in source 'report'")
    ]
    assert problem.hint == hint


def test_quote_found_twice_warns_and_uses_the_first(write_case):
    source = "Harbour report\n\nThe van left. Later, the van left.\n\nThe van left.\n"
    folder = quote_case(write_case, source, "The van left.")
    result = load_case(folder)
    assert located(folder, result.warnings) == [
        warning(
            EV,
            9,
            "evidence[q].quote",
            "quote occurs more than once in 'report'; the first occurrence is used",
        )
    ]
    assert result.warnings[0].hint == "lengthen the quote so it points at one passage"
    span = result.case.quote_spans["q"]
    assert (span.start, span.end, span.paragraph) == (16, 29, 2)


@pytest.mark.parametrize("lead", ["", "\n\n", "  \n\n"])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_paragraph_numbers(write_case, lead, newline):
    source = (
        lead + "Harbour report\n"
        "\n"
        "First paragraph, line one;\n"
        "line two of the first.\n"
        "  \t \n"
        "Second paragraph.\n"
        "\n"
        "\n"
        "\n"
        "   Third paragraph.\n"
        "  \n"
        "Fourth.\n"
    ).replace("\n", newline)
    quotes = {
        "t": ("Harbour report", 1),
        "p1": ("First paragraph", 2),
        "p1b": ("line two of the first.", 2),
        "p2": ("Second paragraph.", 3),
        "p3": ("Third paragraph.", 4),
        "p4": ("Fourth.", 5),
    }
    items = "".join(
        f"  - id: {eid}\n    summary: S.\n    source: report\n    quote: {quote}\n"
        "    ratings: {accident: C, arson: I, other: N}\n"
        for eid, (quote, _) in quotes.items()
    )
    folder = write_case(
        {
            EV: EVIDENCE.split("evidence:\n")[0] + "evidence:\n" + items,
            "evidence/sources/report.txt": "",
        }
    )
    (folder / "evidence/sources/report.txt").write_bytes(source.encode("utf-8"))
    case = load_case(folder).case
    assert {eid: span.paragraph for eid, span in case.quote_spans.items()} == {
        eid: paragraph for eid, (_, paragraph) in quotes.items()
    }


# --- warnings -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        pytest.param(
            "{accident: I, arson: C, other: N}",
            "{accident: I}",
            [warning(EV, 10, "evidence[van].ratings", "unrated against arson, other")],
            id="some-unrated",
        ),
        pytest.param(
            "    ratings: {accident: I, arson: C, other: N}\n",
            "",
            [
                warning(EV, 6, "evidence[van].ratings", "unrated against accident, arson, other"),
                warning(
                    EV, 6, "evidence[van]", "no rating other than N/NA and no argument uses it"
                ),
            ],
            id="none-rated",
        ),
        pytest.param(
            "{accident: I, arson: C, other: N}",
            "{accident: N, arson: NA, other: N}",
            [warning(EV, 6, "evidence[van]", "no rating other than N/NA and no argument uses it")],
            id="only-n-and-na",
        ),
    ],
)
def test_warnings(write_case, old, new, expected):
    folder = write_case({EV: EVIDENCE.replace(old, new)})
    result = load_case(folder)
    assert located(folder, result.warnings) == expected
    assert all(w.hint for w in result.warnings)


@pytest.mark.parametrize(
    "argument",
    [
        "    premises: [van]\n    supports: arson\n",
        "    premises: [alarm]\n    attacks: van\n",
    ],
    ids=["premise", "target"],
)
def test_no_warning_when_an_argument_uses_the_item(write_case, argument):
    folder = write_case(
        {
            HYP: HYPOTHESES + "arguments:\n  - id: a1\n    claim: It matters.\n" + argument,
            EV: EVIDENCE.replace(
                "{accident: I, arson: C, other: N}", "{accident: N, arson: NA, other: N}"
            ),
        }
    )
    assert load_case(folder).warnings == []


def test_warnings_come_with_errors(write_case):
    folder = write_case(
        {EV: EVIDENCE.replace("{accident: I, arson: C, other: N}", "{accident: I, arsn: C}")}
    )
    assert located(folder, failure(folder).problems) == [
        error(EV, 10, "evidence[van].ratings.arsn", "'arsn' is not a hypothesis"),
        warning(EV, 10, "evidence[van].ratings", "unrated against arson, other"),
    ]


# --- every problem, not only the first ------------------------------------------------------


def test_three_errors_in_one_file(write_case):
    text = (
        EVIDENCE.replace("    title: Harbour report", "    title:")
        .replace("arson: C,", "arson: maybe,")
        .replace("credibility: high", "credibility: total")
    )
    folder = write_case({EV: text})
    assert located(folder, failure(folder).problems) == [
        error(EV, 3, "sources[report].title", "empty value"),
        error(EV, 10, "evidence[van].ratings.arson", "'maybe' is not allowed"),
        error(EV, 15, "evidence[alarm].credibility", "'total' is not allowed"),
    ]


def test_errors_in_two_files(write_case):
    folder = write_case(
        {
            HYP: HYPOTHESES.replace("title: Arson", "title:"),
            EV: EVIDENCE.replace("credibility: high", "credibility: total"),
            "evidence/more.yaml": "sources:\n\t- id: x\n",
        }
    )
    assert located(folder, failure(folder).problems) == [
        error(EV, 15, "evidence[alarm].credibility", "'total' is not allowed"),
        error("evidence/more.yaml", 2, "", "tab used for indentation"),
        error(HYP, 8, "hypotheses[arson].title", "empty value"),
    ]


def test_every_cross_reference_error_is_reported(write_case):
    folder = write_case(
        {
            HYP: HYPOTHESES + "    parent: arsen\n",
            EV: EVIDENCE.replace("arson: C,", "arsn: C,").replace(
                "switched off at 22:10", "switched on at 22:10"
            ),
        }
    )
    assert errors(folder) == [
        error(EV, 10, "evidence[van].ratings.arsn", "'arsn' is not a hypothesis"),
        error(EV, 14, "evidence[alarm].quote", "quote not found in source 'report'"),
        error(HYP, 13, "hypotheses[other].parent", "parent 'arsen' is not a hypothesis"),
    ]


def test_a_bad_rating_and_an_unknown_hypothesis_in_one_item(write_case):
    folder = write_case(
        {EV: EVIDENCE.replace("{accident: II, arson: CC, other: N}", "{accident: X, h9: C}")}
    )
    problems = failure(folder).problems
    assert located(folder, problems) == [
        error(EV, 16, "evidence[alarm].ratings.accident", "'X' is not allowed"),
        error(EV, 16, "evidence[alarm].ratings.h9", "'h9' is not a hypothesis"),
    ]
    assert problems[1].hint == "keys are ids of leaf hypotheses"


def test_every_problem_of_an_item_in_block_style(write_case):
    ratings = "    ratings:\n      accident: X\n      h9: C\n      arson: CC\n      other: maybe\n"
    folder = write_case(
        {
            EV: EVIDENCE.replace(
                "    ratings: {accident: II, arson: CC, other: N}\n", ratings
            ).replace("credibility: high", "credibility: total")
            + "    date: 2022-13\n"
        }
    )
    assert located(folder, failure(folder).problems) == [
        error(EV, 15, "evidence[alarm].credibility", "'total' is not allowed"),
        error(EV, 17, "evidence[alarm].ratings.accident", "'X' is not allowed"),
        error(EV, 18, "evidence[alarm].ratings.h9", "'h9' is not a hypothesis"),
        error(EV, 20, "evidence[alarm].ratings.other", "'maybe' is not allowed"),
        error(
            EV, 21, "evidence[alarm].date", "'2022-13' is not a valid date (month must be in 1..12)"
        ),
    ]


def test_problems_across_files_come_with_the_problems_of_single_files(write_case):
    folder = write_case(
        {
            HYP: HYPOTHESES.replace("title: Accident", "title:") + "    parent: other\n",
            EV: EVIDENCE.replace("arson: C,", "arsn: C,").replace(
                "credibility: high", "credibility: total"
            )
            + "  - id: van\n    summary: Again.\n    kind: assumption\n",
        }
    )
    assert located(folder, failure(folder).problems) == [
        error(EV, 10, "evidence[van].ratings.arsn", "'arsn' is not a hypothesis"),
        error(EV, 15, "evidence[alarm].credibility", "'total' is not allowed"),
        error(
            EV,
            17,
            "evidence[van].id",
            "id 'van' is already used by the evidence item at evidence/evidence.yaml:6",
        ),
        error(HYP, 5, "hypotheses[accident].title", "empty value"),
        error(HYP, 13, "hypotheses[other].parent", "parents form a cycle: other → other"),
    ]


def test_an_item_with_problems_still_defines_its_id(write_case):
    # The source lacks a title and the argument a relation, yet they exist: what names them
    # is not reported as naming nothing.
    folder = write_case(
        {
            HYP: HYPOTHESES
            + "arguments:\n  - id: a1\n    claim: C.\n    premises: [van]\n"
            + "  - id: a2\n    claim: D.\n    premises: [a1]\n    supports: arson\n",
            EV: EVIDENCE.replace("    title: Harbour report\n", ""),
        }
    )
    assert located(folder, failure(folder).problems) == [
        error(EV, 2, "sources[report].title", "'title' is required"),
        error(
            HYP,
            14,
            "arguments[a1]",
            "needs exactly one of supports, attacks or undercuts (found none)",
        ),
    ]


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param(
            {"evidence/more.yaml": "sources:\n  - id: memo\n\ttitle: Memo\n"},
            error("evidence/more.yaml", 3, "", "tab used for indentation"),
            id="unreadable-file",
        ),
        pytest.param(
            {"evidence/more.yaml": "sourcs:\n  - id: memo\n    title: Memo\n"},
            error("evidence/more.yaml", 1, "sourcs", "unknown key 'sourcs'"),
            id="misspelt-list",
        ),
        pytest.param(
            {"evidence/more.yaml": "sources:\n  - id: Memo\n    title: Memo\n"},
            error("evidence/more.yaml", 2, "sources[Memo].id", "'Memo' is not a valid id"),
            id="invalid-id",
        ),
    ],
)
def test_no_id_is_called_undefined_while_a_file_hides_ids(write_case, files, expected):
    # The broken file may define 'memo'; only its own problem is reported, yet the checks
    # that do not depend on it still run.
    memo = "  - id: extra\n    summary: S.\n    source: memo\n    quote: Q.\n    ratings: {x: C}\n"
    folder = write_case({**files, EV: EVIDENCE + memo, HYP: HYPOTHESES + "    parent: other\n"})
    assert located(folder, failure(folder).problems) == [
        error(EV, 21, "evidence[extra].ratings.x", "'x' is not a hypothesis"),
        expected,
        error(HYP, 13, "hypotheses[other].parent", "parents form a cycle: other → other"),
    ]


def test_a_value_left_out_for_its_problem_is_not_reported_missing(write_case):
    # `file: ""` is empty; the source is not also said to be quoted without a file, and the
    # convergent argument whose premises are no list is not said to have none.
    folder = write_case(
        {
            EV: EVIDENCE.replace("file: sources/report.txt", 'file: ""'),
            HYP: HYPOTHESES
            + "arguments:\n  - id: a1\n    claim: C.\n    premises: van\n"
            + "    weighing: convergent\n    supports: arson\n",
        }
    )
    assert located(folder, failure(folder).problems) == [
        error(EV, 4, "sources[report].file", "empty value"),
        error(HYP, 16, "arguments[a1].premises", "expected a list, found 'van'"),
    ]


def test_priors_are_not_summed_while_a_hypothesis_has_problems(write_case):
    text = HYPOTHESES.replace("    title: Arson\n", "    title: Arson\n    prior: 90%\n")
    folder = write_case({HYP: text.replace("title: Other", "title:") + "    prior: 50%\n"})
    assert errors(folder) == [error(HYP, 12, "hypotheses[other].title", "empty value")]
    folder = write_case({HYP: text + "    prior: 50%\n"}, name="whole")
    assert errors(folder) == [
        error(
            HYP,
            9,
            "hypotheses[arson].prior",
            "priors of arson, other sum to 1.4, more than the 1 available",
        )
    ]


def test_no_warnings_while_a_file_has_problems(write_case):
    # Warnings about items read in part would be about items that are not as written.
    folder = write_case(
        {EV: EVIDENCE.replace("{accident: I, arson: C, other: N}", "{accident: I, arson: X}")}
    )
    assert located(folder, failure(folder).problems) == [
        error(EV, 10, "evidence[van].ratings.arson", "'X' is not allowed")
    ]


# --- the rules: one table -------------------------------------------------------------------


@pytest.mark.parametrize("module", ["argmap.rules", "argmap.load", "argmap.priors"])
def test_doctests(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module))
    assert result.failed == 0 and result.attempted > 0


def test_the_model_raises_rules_by_type():
    from pydantic import ValidationError

    from argmap.model import Argument, Evidence
    from argmap.rules import RULES

    with pytest.raises(ValidationError) as caught:
        Argument.model_validate({"id": "a1", "claim": "C."})
    [found] = caught.value.errors()
    assert found["type"] == "one_relation"
    assert found["msg"] == RULES["one_relation"].render(found="none")[0]
    with pytest.raises(ValidationError) as caught:
        Evidence.model_validate({"id": "e", "summary": " ", "date": "2022-3-3", "kind": "claim"})
    assert [e["type"] for e in caught.value.errors()] == ["blank", "date_format"]


def test_a_value_in_a_message_is_never_read_as_a_template(write_case):
    folder = write_case({EV: EVIDENCE + "    date: '{value} {reason}'\n"})
    assert only_error(folder).message == (
        "'{value} {reason}' must be an ISO 8601 date such as 2022-01-05, 2022-01 or 2022"
    )


def test_every_rule_is_reported_by_some_module():
    """The table has no dead rows: each rule's type is named where it is reported (a rule
    for one of pydantic's own errors is named in PYDANTIC_TYPES, or by the loader)."""
    import ast

    from argmap.rules import PYDANTIC_TYPES, RULES

    package = Path(argmap.cli.__file__).parent
    named = set(PYDANTIC_TYPES.values())
    for path in package.rglob("*.py"):
        if path.name != "rules.py":
            tree = ast.parse(path.read_text(encoding="utf-8"))
            named |= {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)}
    assert sorted(set(RULES) - named) == []
    assert all(rule.message and rule.hint for rule in RULES.values())


# --- the CLI ------------------------------------------------------------------------------


def test_cli_valid_case(write_case, runner, monkeypatch, tmp_path):
    write_case()
    monkeypatch.chdir(tmp_path)
    result = check(runner, Path("case"))
    assert result.exit_code == 0
    assert result.stderr == ""
    assert result.stdout == (
        "case: ok: 3 hypotheses (3 rated), 2 evidence items, 1 source, 0 arguments\n"
    )


def test_cli_error(write_case, runner, monkeypatch, tmp_path):
    write_case({EV: EVIDENCE.replace("credibility: high", "credibility: total")})
    monkeypatch.chdir(tmp_path)
    result = check(runner, Path("case"))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "case/evidence/evidence.yaml:15: error: evidence[alarm].credibility: "
        "'total' is not allowed",
        "  hint: use one of 'high', 'medium' or 'low'",
        "1 error, 0 warnings in 1 file",
    ]


def test_cli_warnings_do_not_fail(write_case, runner, monkeypatch, tmp_path):
    write_case({EV: EVIDENCE.replace("{accident: I, arson: C, other: N}", "{accident: I}")})
    monkeypatch.chdir(tmp_path)
    result = check(runner, Path("case"))
    assert result.exit_code == 0
    lines = result.stderr.splitlines()
    assert lines[0] == (
        "case/evidence/evidence.yaml:10: warning: evidence[van].ratings: "
        "unrated against arson, other"
    )
    assert lines[1].startswith("  hint: rate every leaf hypothesis")
    assert lines[2:] == ["0 errors, 1 warning in 1 file"]
    assert "ok:" in result.stdout


def test_cli_errors_and_warnings_in_several_files(write_case, runner, monkeypatch, tmp_path):
    write_case(
        {
            HYP: HYPOTHESES + "    parent: arsen\n",
            EV: EVIDENCE.replace("{accident: I, arson: C, other: N}", "{accident: I}"),
        }
    )
    monkeypatch.chdir(tmp_path)
    result = check(runner, Path("case"))
    assert result.exit_code == 1
    heads = [line for line in result.stderr.splitlines() if not line.startswith("  hint: ")]
    assert heads == [
        "case/evidence/evidence.yaml:10: warning: evidence[van].ratings: "
        "unrated against arson, other",
        "case/hypotheses/case.yaml:13: error: hypotheses[other].parent: "
        "parent 'arsen' is not a hypothesis",
        "1 error, 1 warning in 2 files",
    ]
    assert result.stderr.count("\n  hint: ") == 2


def test_cli_counts_every_problem(write_case, runner, monkeypatch, tmp_path):
    write_case(
        {
            HYP: HYPOTHESES.replace("title: Arson", "title:"),
            EV: EVIDENCE.replace("arson: C,", "arson: maybe,").replace(
                "credibility: high", "credibility: total"
            ),
        }
    )
    monkeypatch.chdir(tmp_path)
    result = check(runner, Path("case"))
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 7
    assert [line.split(": error: ")[0] for line in lines[0:6:2]] == [
        "case/evidence/evidence.yaml:10",
        "case/evidence/evidence.yaml:15",
        "case/hypotheses/case.yaml:8",
    ]
    assert all(line.startswith("  hint: ") for line in lines[1:6:2])
    assert lines[-1] == "3 errors, 0 warnings in 2 files"


@pytest.mark.parametrize(
    ("cwd", "argument", "shown"),
    [
        ("case", None, "evidence/evidence.yaml"),
        ("case/evidence", "..", "evidence.yaml"),
        ("elsewhere", "../case", "../case/evidence/evidence.yaml"),
        (".", "case/", "case/evidence/evidence.yaml"),
    ],
)
def test_cli_file_is_relative_to_the_current_folder(
    write_case, runner, monkeypatch, tmp_path, cwd, argument, shown
):
    write_case({EV: EVIDENCE.replace("credibility: high", "credibility: total")})
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / cwd)
    result = check(runner, None if argument is None else Path(argument))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{shown}:15: error: evidence[alarm].credibility: ")


@pytest.mark.parametrize(
    ("files", "raw", "first_line"),
    [
        pytest.param(
            {},
            b"sources: []\n\x00",
            "case/evidence/more.yaml:2: error: binary file (contains NUL bytes), not YAML text",
            id="binary",
        ),
        pytest.param(
            {},
            BOMB.encode(),
            "case/evidence/more.yaml:2: error: YAML anchors and aliases are not allowed "
            "(found 'a')",
            id="alias-bomb",
        ),
        pytest.param(
            {HYP: None},
            None,
            "case/hypotheses:1: error: no hypotheses/*.yaml files in the case",
            id="no-hypotheses",
        ),
    ],
)
def test_cli_bad_files(write_case, runner, monkeypatch, tmp_path, files, raw, first_line):
    folder = write_case(files)
    if raw is not None:
        (folder / "evidence/more.yaml").write_bytes(raw)
    monkeypatch.chdir(tmp_path)
    result = check(runner, Path("case"))
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0] == first_line
    assert lines[1].startswith("  hint: ")
    assert lines[2] == "1 error, 0 warnings in 1 file"


def test_cli_missing_case_folder(runner, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    result = check(runner, Path("nowhere"))
    assert result.exit_code == 1
    assert result.stderr.startswith("nowhere:1: error: no such case folder\n  hint: ")


def test_cli_unicode_source_passage_in_hint(write_case, runner, monkeypatch, tmp_path):
    source = unicodedata.normalize("NFD", "Rapport\n\nLe caf\u00e9 a br\u00fbl\u00e9 la nuit.\n")
    quote_case(write_case, source, "Le cafe a brule la nuit.")
    monkeypatch.chdir(tmp_path)
    result = check(runner, Path("case"))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[1] == (
        '  hint: the closest passage in the source reads: "Le caf\u00e9 a br\u00fbl\u00e9 la nuit."'
    )


def test_cli_source_file_outside_the_case(write_case, runner, monkeypatch, tmp_path):
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    folder = write_case({EV: EVIDENCE.replace("sources/report.txt", "sources/link.txt")})
    os.symlink(tmp_path / "secret.txt", folder / "evidence/sources/link.txt")
    monkeypatch.chdir(tmp_path)
    result = check(runner, Path("case"))
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "case/evidence/evidence.yaml:4: error: sources[report].file: "
        "'sources/link.txt' lies outside the case folder\n"
    )


def test_a_case_file_linked_from_outside_the_case_is_refused(write_case, tmp_path):
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text("evidence: []\n", encoding="utf-8")
    folder = write_case()
    (folder / "evidence" / "extra.yaml").symlink_to(outside)
    with pytest.raises(CaseError) as caught:
        load_case(folder)
    [problem] = caught.value.problems
    assert (problem.file.name, problem.line) == ("extra.yaml", 1)
    assert "outside the case folder" in problem.message


# --- files and folders the user may not read ----------------------------------------------


def _load_problems(folder: Path) -> list[list[str | int]]:
    """Loading ``folder``: each problem as [file relative to it, line, message, hint]."""
    try:
        load_case(folder)
    except CaseError as err:
        return [
            [p.file.relative_to(folder).as_posix(), p.line, p.message, p.hint] for p in err.problems
        ]
    return []


def _load_as_nobody(folder: Path) -> list[list[str | int]]:
    """What :func:`_load_problems` gives a user without root's right to read everything.

    Root reads files whatever their permissions, so a test run as root loads the case in a
    forked child that has become `nobody` (no exec: the interpreter may lie where `nobody`
    cannot read it, and everything loading needs is imported already).
    """
    if os.geteuid() != 0:
        return _load_problems(folder)
    import pwd

    try:
        nobody = pwd.getpwnam("nobody")
    except KeyError:
        pytest.skip("running as root and there is no user 'nobody' to drop to")
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child, which leaves through _exit
        status = 1
        try:
            os.close(read_end)
            os.setgroups([])
            os.setgid(nobody.pw_gid)
            os.setuid(nobody.pw_uid)
            try:
                found = _load_problems(folder)
            except BaseException as err:  # a traceback is what the test must not see
                found = [["uncaught", 0, f"{type(err).__name__}: {err}", ""]]
            os.write(write_end, json.dumps(found).encode())
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        output = pipe.read()
    _, status = os.waitpid(child, 0)
    assert status == 0 and output, "the child could not report"
    return json.loads(output)


@pytest.fixture
def open_folder():
    """A folder any user can enter (pytest's tmp_path is private to its user); removed with
    every permission restored."""
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="argmap-permissions-"))
    folder.chmod(0o755)
    yield folder
    for path in [folder, *folder.rglob("*")]:
        if not path.is_symlink():
            path.chmod(0o755)
    shutil.rmtree(folder)


_DENIED = "Permission denied"
_SOURCE_DENIED = (EV, 4, f"cannot read source file 'sources/report.txt': {_DENIED}")


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
@pytest.mark.parametrize(
    ("target", "mode", "expected"),
    [
        pytest.param(".", 0o000, (".", 1, f"cannot read folder: {_DENIED}"), id="case"),
        pytest.param(
            "hypotheses", 0o000, ("hypotheses", 1, f"cannot read folder: {_DENIED}"), id="hyp"
        ),
        pytest.param(
            "evidence", 0o000, ("evidence", 1, f"cannot read folder: {_DENIED}"), id="evidence"
        ),
        pytest.param(
            "evidence",
            0o644,  # its names can be listed, but nothing in it opened
            (EV, 1, f"cannot read file: {_DENIED}"),
            id="evidence-not-searchable",
        ),
        pytest.param(
            "evidence/ratings",
            0o000,
            ("evidence/ratings", 1, f"cannot read folder: {_DENIED}"),
            id="ratings",
        ),
        pytest.param(EV, 0o000, (EV, 1, f"cannot read file: {_DENIED}"), id="evidence-file"),
        pytest.param("evidence/sources", 0o000, _SOURCE_DENIED, id="sources"),
        pytest.param("evidence/sources/report.txt", 0o000, _SOURCE_DENIED, id="source-file"),
    ],
)
def test_what_cannot_be_read_is_a_located_problem(open_folder, target, mode, expected):
    from .conftest import write_case_files

    case = write_case_files(
        open_folder / "case",
        {
            HYP: HYPOTHESES,
            EV: EVIDENCE,
            "evidence/sources/report.txt": SOURCE_TEXT,
            "evidence/ratings/ann.yaml": "analyst: Ann\nratings:\n  van: {accident: C}\n",
        },
    )
    for path in [case, *case.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    (case / target).chmod(mode)
    problems = _load_as_nobody(case)
    assert problems, "the case loaded"
    assert tuple(problems[0][:3]) == expected, problems
    assert problems[0][3], "every problem has a hint"


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        pytest.param(
            lambda folder: (folder / "evidence/old.yaml").mkdir(),
            ("evidence/old.yaml", 1, "this is a folder, not a YAML file"),
            id="folder",
        ),
        pytest.param(
            lambda folder: (folder / "evidence/gone.yml").symlink_to("nowhere.yml"),
            (
                "evidence/gone.yml",
                1,
                "this is a link to a file that does not exist, not a YAML file",
            ),
            id="dangling-link",
        ),
        pytest.param(
            lambda folder: (folder / "hypotheses/up.yaml").symlink_to(".."),
            ("hypotheses/up.yaml", 1, "this is a link to a folder, not a YAML file"),
            id="link-to-a-folder",
        ),
    ],
)
def test_a_yaml_name_that_is_no_file_is_an_error_naming_it(write_case, make, expected):
    folder = write_case()
    make(folder)
    problems = failure(folder).problems
    assert [(p.file.relative_to(folder).as_posix(), p.line, p.message) for p in problems] == [
        expected
    ]
    assert problems[0].hint.startswith("every *.yaml and *.yml directly in ")


def test_an_editors_lock_link_is_no_case_file(write_case):
    # Emacs links .#evidence.yaml to "user@host.pid" while the file is being edited.
    folder = write_case()
    (folder / "evidence/.#evidence.yaml").symlink_to("ann@laptop.4242:1700000000")
    assert load_case(folder).warnings == []
