"""Writing case files: the one YAML writer, and new case folders whole or not at all."""

from __future__ import annotations

import pytest

from argmap.casewriter import dump_yaml, write_new_case, yaml_quoted
from argmap.load import load_case
from argmap.problems import ArgmapError, CaseError
from argmap.yamlfile import read_yaml

from .conftest import SOURCE_TEXT


def _files(title: str = "Written") -> dict[str, str]:
    hypotheses = dump_yaml(
        {
            "title": title,
            "question": "Which one?\nReally?",
            "hypotheses": [
                {"id": "yes", "title": "no", "statement": "on"},
                {"id": "2016", "title": "true", "statement": "1.0"},
            ],
        },
        comment="Written by a test.",
    )
    evidence = dump_yaml(
        {
            "sources": [{"id": "report", "title": "Report", "file": "sources/report.txt"}],
            "evidence": [
                {
                    "id": "van",
                    "summary": "Van: seen",
                    "source": "report",
                    "quote": "Witnesses saw two men leave the yard in a van.",
                    "ratings": {"yes": "C", "2016": "I"},
                }
            ],
        }
    )
    return {
        "hypotheses/case.yaml": hypotheses,
        "evidence/evidence.yaml": evidence,
        "evidence/sources/report.txt": SOURCE_TEXT,
    }


def test_written_case_reads_back_with_every_value_a_string(tmp_path):
    written = write_new_case(tmp_path / "new", _files())
    assert (tmp_path / "new" / "hypotheses" / "case.yaml") in written
    text = (tmp_path / "new" / "hypotheses" / "case.yaml").read_text()
    assert text.startswith("# Written by a test.\n")
    case = load_case(tmp_path / "new").case
    assert case.question == "Which one?\nReally?"
    assert [(h.id, h.title, h.statement) for h in case.hypotheses] == [
        ("yes", "no", "on"),
        ("2016", "true", "1.0"),
    ]
    assert case.evidence[0].summary == "Van: seen"


def test_refuses_a_non_empty_folder(tmp_path):
    target = tmp_path / "full"
    target.mkdir()
    (target / "keep.txt").write_text("mine")
    with pytest.raises(ArgmapError, match="exists and is not empty"):
        write_new_case(target, _files())
    assert [p.name for p in target.iterdir()] == ["keep.txt"]


def test_an_invalid_result_leaves_nothing_behind(tmp_path):
    files = _files()
    files["evidence/evidence.yaml"] = files["evidence/evidence.yaml"].replace("report.txt", "x.txt")
    with pytest.raises(CaseError) as caught:
        write_new_case(tmp_path / "bad", files)
    assert caught.value.problems[0].file == tmp_path / "bad" / "evidence" / "evidence.yaml"
    assert list(tmp_path.iterdir()) == []


TRICKY = [
    "tab\there",
    "line\u2028break",
    "nel\x85",
    "two\r\nlines\x85",
    "block\nwith\u2029",
    "bom\ufeff",
    "😀",
    'say "\\"',
    "{x}",
]


def test_quoted_text_reads_back_through_the_strict_reader(tmp_path):
    path = tmp_path / "quoted.yaml"
    path.write_text(
        "".join(f"k{n}: {yaml_quoted(t)}\n" for n, t in enumerate(TRICKY)), encoding="utf-8"
    )
    assert read_yaml(path).data == {f"k{n}": t for n, t in enumerate(TRICKY)}
    # Nothing a reader could take for a line break or refuse is written as it is.
    assert all(yaml_quoted(t).isprintable() for t in TRICKY if t != "😀")


def test_quoted_text_can_escape_more_characters():
    assert yaml_quoted("{data}") == '"{data}"'
    assert yaml_quoted("{data}", escape="{}") == '"\\u007bdata\\u007d"'


def test_documents_and_quoted_text_read_back_alike(tmp_path):
    document = {"texts": TRICKY, "multiline": "one\ntwo\n"}
    (tmp_path / "dumped.yaml").write_text(dump_yaml(document, "A comment."), encoding="utf-8")
    assert read_yaml(tmp_path / "dumped.yaml").data == document
