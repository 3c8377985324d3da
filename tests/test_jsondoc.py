"""The `json` format: the whole model with its scores, a published schema, a faithful round trip."""

from __future__ import annotations

import doctest
import json
import os
import subprocess
from pathlib import Path

import pytest

from argmap.cli import main
from argmap.io import jsondoc
from argmap.load import load_case
from tests.conftest import REPO
from tests.interchange import ARGMAP, TEXTS, need_module
from tests.interchange import FILES as HOSTILE


def export(runner, case: Path, target: Path) -> dict:
    result = runner.invoke(main, ["export", "json", str(case), "-o", str(target)])
    assert result.exit_code == 0, result.output
    return json.loads(target.read_text(encoding="utf-8"))


def round_trip(runner, case: Path, tmp_path: Path) -> tuple[dict, dict, Path]:
    first = export(runner, case, tmp_path / "first.json")
    imported = tmp_path / "imported"
    result = runner.invoke(
        main, ["import", "json", str(tmp_path / "first.json"), "-o", str(imported)]
    )
    assert result.exit_code == 0, result.output
    second = export(runner, imported, tmp_path / "second.json")
    return first, second, imported


def test_shipped_case_round_trips(runner, tmp_path):
    first, second, imported = round_trip(runner, REPO, tmp_path)
    assert first["argmap_json"] == 1
    assert first["case"] == second["case"]
    # Everything computed from the model is the same too: quotes found at the same places,
    # the same scores and posteriors.
    assert first["quotes"] == second["quotes"]
    assert first["assessment"] == second["assessment"]
    original = load_case(REPO).case
    assert load_case(imported).case.quote_spans == original.quote_spans
    assert len(first["case"]["evidence"]) == len(original.evidence) == 53
    # The originators with their grades and interests, and the case's own scenarios, too.
    assert len(first["case"]["originators"]) == len(original.originators) == 10
    assert len(first["case"]["scenarios"]) == len(original.scenarios) == 4


def test_hostile_text_round_trips_unchanged(runner, tmp_path, write_case):
    case = write_case(HOSTILE)
    first, second, imported = round_trip(runner, case, tmp_path)
    assert first["case"] == second["case"]
    assert first["assessment"] == second["assessment"]
    text = (tmp_path / "first.json").read_text(encoding="utf-8")
    for hostile in TEXTS:
        assert hostile in text or json.dumps(hostile, ensure_ascii=False)[1:-1] in text
    assert first["case"]["evidence"][0]["summary"] == "=cmd|' /C calc'!A0"
    assert first["case"]["hypotheses"][2]["statement"] == "\tTab-led\rtext"


def test_document_holds_the_model_scores_and_source_texts(runner, tmp_path, write_case):
    case = write_case()
    document = export(runner, case, tmp_path / "case.json")
    source_text = (case / "evidence" / "sources" / "report.txt").read_text(encoding="utf-8")
    assert document["case"]["sources"][0]["text"] == source_text
    assert document["case"]["sources"][0]["file"] == "sources/report.txt"
    van = document["case"]["evidence"][0]
    # Every field, defaults filled in.
    assert van["kind"] == "fact" and van["credibility"] == "medium"
    assert van["ratings"] == {"accident": "I", "arson": "C", "other": "N"}
    start, end = document["quotes"]["van"]["start"], document["quotes"]["van"]["end"]
    assert source_text[start:end].split() == van["quote"].split()
    ranking = [h["id"] for h in document["assessment"]["hypotheses"]]
    assert ranking[0] == "arson"
    assert document["assessment"]["hypotheses"][0]["weighted_inconsistency"] == 0


def test_exported_documents_validate_against_the_schema(runner, tmp_path, write_case):
    jsonschema = need_module("jsonschema")
    schema = jsondoc.json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for name, case in (("shipped", REPO), ("hostile", write_case(HOSTILE))):
        document = export(runner, case, tmp_path / f"{name}.json")
        errors = list(validator.iter_errors(document))
        assert errors == [], errors[:3]
    # The schema is strict: a stray key or a wrong rating is caught.
    document["case"]["evidence"][0]["ratings"]["arson"] = "maybe"
    document["case"]["evidence"][0]["colour"] = "red"
    messages = " ".join(e.message for e in validator.iter_errors(document))
    assert "'maybe'" in messages and "'colour'" in messages
    document["argmap_json"] = 2
    assert not validator.is_valid(document)


def test_schema_is_generated_from_the_models_and_describes_every_key(runner, tmp_path):
    schema = jsondoc.json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["properties"]["argmap_json"]["const"] == jsondoc.FORMAT_VERSION
    parts = [("document", schema), *schema["$defs"].items()]
    assert [name for name, part in parts if not part.get("description")] == []
    undescribed = [
        f"{name}.{key}"
        for name, part in parts
        for key, value in part.get("properties", {}).items()
        if not value.get("description")
    ]
    assert undescribed == []
    # An optional key is left out, never written as null.
    assert schema["required"] == ["argmap_json", "case"]
    for key in ("generator", "digest", "assessment"):
        assert "default" not in schema["properties"][key]
        assert "null" not in json.dumps(schema["properties"][key])
    # The models read what export writes, the assessment included.
    document = export(runner, REPO, tmp_path / "shipped.json")
    parsed = jsondoc.JsonDocument.model_validate(document)
    assert parsed.assessment is not None
    assert [h.id for h in parsed.assessment.hypotheses] == [
        h["id"] for h in document["assessment"]["hypotheses"]
    ]
    computed = {key: value for key, value in document.items() if key != "case"}
    assert parsed.model_dump(mode="json", exclude={"case"}, exclude_unset=True) == computed


def test_export_is_deterministic_across_hash_seeds(tmp_path):
    outputs = []
    for seed in ("0", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        target = tmp_path / f"case-{seed}.json"
        subprocess.run(
            [*ARGMAP, "export", "json", str(REPO), "-o", str(target)],
            env=env,
            check=True,
            capture_output=True,
        )
        outputs.append(target.read_bytes())
    assert outputs[0] == outputs[1]


def test_stdout_and_file_outputs_match(runner, tmp_path):
    result = runner.invoke(main, ["export", "json", str(REPO)])
    assert result.exit_code == 0
    export(runner, REPO, tmp_path / "k.json")
    assert result.stdout == (tmp_path / "k.json").read_text(encoding="utf-8")


# --- bad input: a clear error naming the line or node, exit 1, nothing written ------------


def import_text(runner, tmp_path: Path, text: str | bytes):
    source = tmp_path / "in.json"
    if isinstance(text, bytes):
        source.write_bytes(text)
    else:
        source.write_text(text, encoding="utf-8")
    target = tmp_path / "new-case"
    result = runner.invoke(main, ["import", "json", str(source), "-o", str(target)])
    return result, target


def valid_document(runner, tmp_path, write_case) -> dict:
    return export(runner, write_case(), tmp_path / "valid.json")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"argmap_json": 1,\n "case": {\n', "in.json:3: error: not valid JSON"),
        (b"\xff\xfe{}", "in.json:1: error: not UTF-8 text"),
        ("[1, 2]", "not an argmap JSON document"),
        ('{"case": {}}', "not an argmap JSON document"),
        ('{"argmap_json": 2, "case": {}}', "argmap_json: unsupported version 2"),
        ('{"argmap_json": true, "case": {}}', "unsupported version true"),
        ('{"argmap_json": 1}', "case: missing or not an object"),
        ("[" * 100_000 + "]" * 100_000, "not valid JSON"),
        (
            '{"argmap_json": 1,\n "case": {"draws": ' + "7" * 5000 + "}}",
            "in.json:2: error: a whole number of 5,000 digits, more than the 4,300 argmap reads",
        ),
    ],
)
def test_malformed_documents(runner, tmp_path, text, expected):
    result, target = import_text(runner, tmp_path, text)
    assert result.exit_code == 1
    assert expected in result.stderr
    assert "Traceback" not in result.output
    assert not target.exists()


def test_model_errors_name_the_node_and_its_line(runner, tmp_path, write_case):
    document = valid_document(runner, tmp_path, write_case)
    document["case"]["evidence"][1]["ratings"]["arson"] = "maybe"
    document["case"]["hypotheses"][0]["colour"] = "red"
    text = json.dumps(document, indent=2)
    result, target = import_text(runner, tmp_path, text)
    assert result.exit_code == 1
    lines = text.splitlines()
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert len(errors) == 2
    for error, node, needle in (
        (errors[0], "case.hypotheses[accident].colour", '"colour"'),
        (errors[1], "case.evidence[alarm].ratings.arson", '"arson": "maybe"'),
    ):
        assert node in error
        line = int(error.split(":")[1])
        assert needle in lines[line - 1]
    assert not target.exists()


def test_cross_reference_errors_point_into_the_json(runner, tmp_path, write_case):
    document = valid_document(runner, tmp_path, write_case)
    document["case"]["evidence"][0]["ratings"]["arsen"] = "C"
    document["case"]["evidence"][1]["quote"] = "Nothing like this is in the report."
    text = json.dumps(document, indent=2)
    result, target = import_text(runner, tmp_path, text)
    assert result.exit_code == 1
    assert "in.json:" in result.stderr
    assert "case.evidence[van].ratings.arsen: 'arsen' is not a hypothesis" in result.stderr
    assert "case.evidence[alarm].quote: quote not found in source 'report'" in result.stderr
    assert "new-case" not in result.stderr  # the files that were never written go unnamed
    assert not target.exists()


def test_source_text_must_travel_with_the_document(runner, tmp_path, write_case):
    document = valid_document(runner, tmp_path, write_case)
    document["case"]["sources"][0]["text"] = None
    result, target = import_text(runner, tmp_path, json.dumps(document, indent=2))
    assert result.exit_code == 1
    assert "case.sources[report].text: the source names a file but its text is missing" in (
        result.stderr
    )
    assert not target.exists()


@pytest.mark.parametrize(
    ("file", "problem"),
    [
        ("../../outside.txt", "is outside sources/"),
        ("/etc/passwd", "is an absolute path"),
        ("../hypotheses/case.yaml", "is outside sources/"),
        ("evidence.yaml", "is outside sources/"),
        ("ratings/evil.yaml", "is outside sources/"),  # read as an analyst's ratings file
        ("sources/../ratings/evil.yaml", "is outside sources/"),
        ("../notes.txt", "is outside sources/"),
        ("../texts/report.txt", "is outside sources/"),
        ("sources/a\\b.txt", "holds a control character or a backslash"),
        ("sources/" + "/".join(["d" * 90] * 40) + "/x.txt", "is longer than 255 bytes"),
        ("sources/" + "é" * 60 + ".txt", "has a folder or file name longer than 100 bytes"),
    ],
    ids=lambda value: value if len(value) < 40 else value[:20] + "…",
)
def test_source_texts_go_only_under_sources(runner, tmp_path, write_case, file, problem):
    # A document must not place files anywhere else in the new case: beside its case files,
    # into evidence/ratings/ (read as analysts' ratings), outside the case.
    document = valid_document(runner, tmp_path, write_case)
    document["case"]["sources"][0]["file"] = file
    text = json.dumps(document, indent=2)
    result, target = import_text(runner, tmp_path, text)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    [error] = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert f"case.sources[report].file: '{file[:40]}" in error.replace("\\\\", "\\")
    assert problem in error
    line = int(error.split(":")[1])
    assert '"file"' in text.splitlines()[line - 1]
    assert "hint: an imported source's text goes under the new case's evidence/sources/" in (
        result.stderr
    )
    assert not target.exists()
    assert not (tmp_path / "outside.txt").exists()


def test_source_texts_in_folders_under_sources_are_kept(runner, tmp_path, write_case):
    case = write_case(
        {
            "evidence/sources/report.txt": None,
            "evidence/sources/2022/harbour report.txt": (
                "Witnesses saw two men leave the yard in a van.\n"
            ),
            "evidence/evidence.yaml": (
                "sources:\n  - id: report\n    title: Harbour report\n"
                "    file: sources/2022/harbour report.txt\n"
                "evidence:\n  - id: van\n    summary: A van.\n    source: report\n"
                "    quote: Witnesses saw two men leave the yard in a van.\n"
                "    ratings: {accident: I, arson: C, other: N}\n"
            ),
        }
    )
    first, second, imported = round_trip(runner, case, tmp_path)
    assert first["case"] == second["case"]
    assert (imported / "evidence" / "sources" / "2022" / "harbour report.txt").is_file()


def test_a_source_with_a_long_id_gets_a_short_file_name(runner, tmp_path, write_case):
    # A source with text but no file is given one named after its id: a 300-character id made
    # a file name too long for the file system (a traceback).
    document = valid_document(runner, tmp_path, write_case)
    long_id = "s" * 300
    text = json.dumps(document).replace('"report"', json.dumps(long_id))
    document = json.loads(text)
    document["case"]["sources"][0]["file"] = None
    result, target = import_text(runner, tmp_path, json.dumps(document, indent=2))
    assert result.exit_code == 0, result.output
    case = load_case(target).case
    assert case.sources[0].id == long_id
    [name] = [p.name for p in (target / "evidence" / "sources").iterdir()]
    assert name == "s" * 84 + ".txt"
    assert case.source_texts[long_id] == document["case"]["sources"][0]["text"]


@pytest.mark.parametrize("where", ["text", "title", "key"])
def test_a_lone_surrogate_is_a_clear_error(runner, tmp_path, write_case, where):
    # JSON can spell half a character ("\\ud800"), which no UTF-8 file can hold.
    document = valid_document(runner, tmp_path, write_case)
    source = document["case"]["sources"][0]
    if where == "key":
        document["case"]["evidence"][0]["ratings"]["\ud800"] = "C"
        node = "case.evidence[van].ratings"
    else:
        source[where] += "\ud800"
        node = f"case.sources[report].{where}"
    text = json.dumps(document, indent=2)
    assert "\\ud800" in text
    result, target = import_text(runner, tmp_path, text)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert f"{node}: holds a lone surrogate" in result.stderr
    assert "hint: remove the escape" in result.stderr
    assert not target.exists()


def test_two_sources_may_share_a_file(runner, tmp_path, write_case):
    case = write_case(HOSTILE)  # 'report' and 'gazette' both read sources/report.txt
    first, second, imported = round_trip(runner, case, tmp_path)
    files = [s["file"] for s in second["case"]["sources"]]
    assert files == ["sources/report.txt", "sources/report.txt"]


def test_import_refuses_an_existing_case(runner, tmp_path, write_case):
    export(runner, write_case(), tmp_path / "k.json")
    existing = write_case(name="existing")
    before = sorted(p.read_bytes() for p in existing.rglob("*") if p.is_file())
    result = runner.invoke(main, ["import", "json", str(tmp_path / "k.json"), "-o", str(existing)])
    assert result.exit_code == 1
    assert "exists and is not empty" in result.stderr
    assert sorted(p.read_bytes() for p in existing.rglob("*") if p.is_file()) == before


def test_doctests():
    from argmap.io import jsontext

    assert doctest.testmod(jsondoc).failed == 0
    assert doctest.testmod(jsontext).failed == 0


def test_schema_command_prints_the_document_schema(runner):
    result = runner.invoke(main, ["schema", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == jsondoc.json_schema()
