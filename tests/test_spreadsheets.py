"""The `csv` and `xlsx` formats: the matrix out for Excel, edited ratings back into the YAML."""

from __future__ import annotations

import csv
import doctest
import io
import os
import shutil
import stat
import subprocess
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from argmap.cli import main
from argmap.io import matrix as matrix_module
from argmap.load import load_case
from argmap.problems import display_path
from tests.conftest import REPO
from tests.interchange import ARGMAP, FORMULA
from tests.interchange import FILES as HOSTILE

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def copy_shipped_case(tmp_path: Path) -> Path:
    """The Kazakhstan case's files, copied so that tests may edit them."""
    folder = tmp_path / "kazakhstan"
    for part in ("hypotheses", "evidence"):
        shutil.copytree(REPO / part, folder / part)
    for path in folder.rglob("*"):
        path.chmod(0o644 if path.is_file() else 0o755)
    return folder


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def export_xlsx(runner, case: Path, target: Path) -> Path:
    result = runner.invoke(main, ["export", "xlsx", str(case), "-o", str(target)])
    assert result.exit_code == 0, result.output
    return target


def export_csv(runner, case: Path) -> list[list[str]]:
    result = runner.invoke(main, ["export", "csv", str(case)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("\ufeff")
    return list(csv.reader(io.StringIO(result.stdout.removeprefix("\ufeff"), newline="")))


def write_csv(path: Path, rows: list[list[str]], delimiter: str = ",") -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        csv.writer(stream, delimiter=delimiter).writerows(rows)
    return path


def import_into(runner, fmt: str, sheet: Path, case: Path):
    return runner.invoke(main, ["import", fmt, str(sheet), "--into", str(case)])


# --- export ------------------------------------------------------------------------------


def test_csv_holds_the_matrix(runner):
    case = load_case(REPO).case
    rows = export_csv(runner, REPO)
    leaves = [h.id for h in case.leaves]
    assert rows[0] == ["id", "summary", "kind", "source", "credibility", "relevance", *leaves]
    assert len(rows) == 1 + len(case.evidence)
    for row, item in zip(rows[1:], case.evidence, strict=True):
        assert row[0] == item.id and row[4:6] == [item.credibility, item.relevance]
        assert row[6:] == [item.ratings.get(h, "") for h in leaves]


def test_csv_cells_never_start_a_formula(runner, write_case):
    rows = export_csv(runner, write_case(HOSTILE))
    cells = [value for row in rows for value in row]
    assert not [value for value in cells if value.startswith(DANGEROUS)]
    assert "'" + FORMULA in cells
    assert "'\t+1 tab-led and \r-led" in cells
    assert any("Қазақстандағы толқулар 🔥🚐 حريق" in value for value in cells)


def test_xlsx_layout(runner, tmp_path):
    case = load_case(REPO).case
    book = load_workbook(export_xlsx(runner, REPO, tmp_path / "k.xlsx"))
    assert book.sheetnames == ["matrix", "scores", "about"]
    sheet = book["matrix"]
    leaves = [h.id for h in case.leaves]
    assert [c.value for c in sheet[1]] == [*matrix_module.FIXED_KEYS, *leaves]
    assert sheet.row_dimensions[1].hidden
    assert [c.value for c in sheet[2]][6:] == [h.title for h in case.leaves]
    assert sheet.freeze_panes == "C3"
    last = 2 + len(case.evidence)
    assert sheet.max_row == last
    for row, item in enumerate(case.evidence, start=3):
        assert sheet.cell(row, 1).value == item.id
        ratings = [sheet.cell(row, 7 + j).value for j in range(len(leaves))]
        assert ratings == [item.ratings.get(h) for h in leaves]
    validations = {dv.formula1: str(dv.sqref) for dv in sheet.data_validations.dataValidation}
    end = get_column_letter(6 + len(leaves))  # the rating columns start at G
    assert validations['"CC,C,N,I,II,NA"'] == f"G3:{end}{last}"
    assert sorted(validations['"high,medium,low"'].split()) == [f"E3:E{last}", f"F3:F{last}"]
    rules = [rule for cf in sheet.conditional_formatting for rule in cf.rules]
    assert sorted(rule.formula[0] for rule in rules) == sorted(
        f'"{code}"' for code in ("CC", "C", "N", "I", "II", "NA")
    )
    assert {str(cf.sqref) for cf in sheet.conditional_formatting} == {f"G3:{end}{last}"}
    # Ids are locked on a protected sheet; ratings, credibility and relevance are not.
    assert sheet.protection.sheet
    assert sheet.cell(3, 1).protection.locked
    assert not sheet.cell(3, 5).protection.locked
    assert not sheet.cell(3, 7).protection.locked
    scores = book["scores"]
    names = [scores.cell(row, 2).value for row in range(6, 6 + len(leaves))]
    ranks = [scores.cell(row, 1).value for row in range(6, 6 + len(leaves))]
    assert ranks == sorted(ranks) and sorted(names) == sorted(leaves)
    assert names[-1] == "colour-revolution"  # the most inconsistent, last
    assert 0 < scores.cell(6, 5).value < 1 and scores.cell(6, 5).number_format == "0.0%"


def test_xlsx_text_never_becomes_a_formula(runner, write_case, tmp_path):
    book = load_workbook(export_xlsx(runner, write_case(HOSTILE), tmp_path / "h.xlsx"))
    cells = [cell for sheet in book for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    texts = {cell.value: cell for cell in cells if isinstance(cell.value, str)}
    formula = texts[FORMULA]
    assert formula.data_type == "s" and formula.quotePrefix
    # XML reads a bare carriage return as a line feed: the text stays text all the same.
    tab_led = texts["\t+1 tab-led and \n-led"]
    assert tab_led.data_type == "s" and tab_led.quotePrefix
    assert texts['=HYPERLINK("http://evil.example","click")'].data_type == "s"
    assert "@SUM(A1:A2) Қазақстандағы толқулар 🔥🚐 حريق متعمد في المستودع" in texts
    # And the raw sheet XML holds no formula element at all.
    with zipfile.ZipFile(tmp_path / "h.xlsx") as archive:
        xml = b"".join(archive.read(n) for n in archive.namelist() if n.endswith(".xml"))
    assert b"<f>" not in xml and b"<f " not in xml


def test_xlsx_is_byte_identical_and_dated_from_source_date_epoch(runner, tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    first = export_xlsx(runner, REPO, tmp_path / "a.xlsx").read_bytes()
    second = export_xlsx(runner, REPO, tmp_path / "b.xlsx").read_bytes()
    assert first == second
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1641340800")  # 2022-01-05
    dated = export_xlsx(runner, REPO, tmp_path / "c.xlsx")
    assert dated.read_bytes() == export_xlsx(runner, REPO, tmp_path / "d.xlsx").read_bytes()
    assert dated.read_bytes() != first
    with zipfile.ZipFile(dated) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2022, 1, 5, 0, 0, 0)}
        core = archive.read("docProps/core.xml").decode()
    assert core.count("2022-01-05T00:00:00Z") == 2
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    result = runner.invoke(main, ["export", "xlsx", str(REPO), "-o", str(tmp_path / "e.xlsx")])
    assert result.exit_code == 1 and "SOURCE_DATE_EPOCH" in result.stderr


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_exports_are_identical_across_hash_seeds(tmp_path, fmt):
    outputs = []
    for seed in ("0", "999"):
        target = tmp_path / f"{seed}.{fmt}"
        subprocess.run(
            [*ARGMAP, "export", fmt, str(REPO), "-o", str(target)],
            env={**os.environ, "PYTHONHASHSEED": seed},
            check=True,
            capture_output=True,
        )
        outputs.append(target.read_bytes())
    assert outputs[0] == outputs[1]


def test_xlsx_needs_an_output_file(runner):
    result = runner.invoke(main, ["export", "xlsx", str(REPO)])
    assert result.exit_code == 2
    assert "binary format" in result.stderr


# --- import --into: edited cells back into the YAML ---------------------------------------


def edit_xlsx(source: Path, target: Path, edits: dict[tuple[str, str], str | None]) -> Path:
    """Set cells by (evidence id, column key), as an analyst would in Excel."""
    book = load_workbook(source)
    sheet = book["matrix"]
    keys = [c.value for c in sheet[1]]
    rows = {sheet.cell(r, 1).value: r for r in range(3, sheet.max_row + 1)}
    for (item, key), value in edits.items():
        sheet.cell(rows[item], keys.index(key) + 1).value = value
    book.save(target)
    return target


def test_xlsx_edits_land_in_the_shipped_case(runner, tmp_path):
    case = copy_shipped_case(tmp_path)
    yaml_file = case / "evidence" / "kazakhstan.yaml"
    original = yaml_file.read_text(encoding="utf-8")
    exported = export_xlsx(runner, case, tmp_path / "k.xlsx")
    edited = edit_xlsx(
        exported,
        tmp_path / "edited.xlsx",
        {("masimov-arrested", "knb-coup"): "C", ("masimov-arrested", "credibility"): "medium"},
    )
    result = import_into(runner, "xlsx", edited, case)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    new = yaml_file.read_text(encoding="utf-8")
    new_lines = new.splitlines()
    credibility, rating = lines[0], lines[1]
    assert rating.endswith(": masimov-arrested × knb-coup: N → C")
    assert credibility.endswith(": masimov-arrested credibility: high → medium")
    assert rating.startswith(f"{yaml_file}:") or "evidence/kazakhstan.yaml:" in rating
    rating_line = int(rating.split(":")[-3])
    assert new_lines[rating_line - 1].strip() == "knb-coup: C"
    assert new_lines[int(credibility.split(":")[-3]) - 1].strip() == "credibility: medium"
    assert lines[2] == f"backup: {yaml_file}.bak" or lines[2].endswith("kazakhstan.yaml.bak")
    assert lines[-1].startswith("2 cells changed")
    # Only those two lines changed; every comment and blank line is where it was.
    old_lines = original.splitlines()
    assert len(new_lines) == len(old_lines)
    changed = [n for n, (a, b) in enumerate(zip(old_lines, new_lines, strict=True)) if a != b]
    assert [n + 1 for n in changed] == sorted([rating_line, int(credibility.split(":")[-3])])
    assert (case / "evidence" / "kazakhstan.yaml.bak").read_text(encoding="utf-8") == original
    loaded = load_case(case).case.evidence_by_id["masimov-arrested"]
    assert loaded.ratings["knb-coup"] == "C" and loaded.credibility == "medium"
    # Reading the same sheet again changes nothing more.
    again = import_into(runner, "xlsx", edited, case)
    assert again.exit_code == 0
    assert again.stdout.strip() == "no changes: the sheet matches the case"


def test_each_import_into_keeps_its_own_numbered_backup(runner, tmp_path):
    case = copy_shipped_case(tmp_path)
    yaml_file = case / "evidence" / "kazakhstan.yaml"
    yaml_file.chmod(0o640)
    versions = [yaml_file.read_bytes()]
    for number, rating in enumerate(("C", "I"), start=1):
        exported = export_xlsx(runner, case, tmp_path / f"export{number}.xlsx")
        edits = {("masimov-arrested", "knb-coup"): rating}
        edited = edit_xlsx(exported, tmp_path / f"edited{number}.xlsx", edits)
        result = import_into(runner, "xlsx", edited, case)
        assert result.exit_code == 0, result.output
        backup = "kazakhstan.yaml.bak" + ("" if number == 1 else str(number))
        assert f"backup: {display_path(yaml_file.with_name(backup))}" in result.stdout
        versions.append(yaml_file.read_bytes())
    assert len(set(versions)) == 3
    kept = sorted(p.name for p in yaml_file.parent.glob("kazakhstan.yaml*"))
    assert kept == ["kazakhstan.yaml", "kazakhstan.yaml.bak", "kazakhstan.yaml.bak2"]
    assert yaml_file.with_name("kazakhstan.yaml.bak").read_bytes() == versions[0]
    assert yaml_file.with_name("kazakhstan.yaml.bak2").read_bytes() == versions[1]
    for path in yaml_file.parent.glob("kazakhstan.yaml*"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o640, path
    assert load_case(case).case.evidence_by_id["masimov-arrested"].ratings["knb-coup"] == "I"


FLOW_AND_BLOCK = """\
# Evidence with comments everywhere.
sources:
- id: report
  title: Harbour report
  file: sources/report.txt
evidence:
- id: van    # the van
  summary: Two men left in a van.
  source: report
  quote: Witnesses saw two men leave the yard in a van.
  ratings: {accident: I, other: N}   # arson not rated yet

# --- the alarm
- id: alarm
  summary: The alarm was switched off.
  source: report
  quote: "The alarm system had been switched off at 22:10."
  credibility: 'high'
  ratings:
    accident: II  # maintenance could explain it
    arson: CC
    other: N

# trailing comment
"""


def test_csv_edits_keep_flow_and_block_style(runner, write_case, tmp_path):
    case = write_case({"evidence/evidence.yaml": FLOW_AND_BLOCK})
    rows = export_csv(runner, case)
    assert rows[1][6:] == ["I", "", "N"]
    rows[1][7] = "cc"  # new cell in a flow mapping; codes are read in any case
    rows[1][6] = "N"
    rows[2][8] = ""  # a block mapping's last key, taken away
    rows[2][5] = "High"  # relevance, absent from the YAML
    sheet = write_csv(tmp_path / "edited.csv", rows, delimiter=";")
    result = import_into(runner, "csv", sheet, case)
    assert result.exit_code == 0, result.output
    yaml_file = case / "evidence" / "evidence.yaml"
    shown = display_path(yaml_file)
    assert result.stdout.splitlines()[:4] == [
        f"{shown}:11: van × accident: I → N",
        f"{shown}:11: van × arson: (unrated) → CC",
        f"{shown}:19: alarm relevance: medium → high",
        f"{shown}:20: alarm × other: N → (unrated)",
    ]
    assert yaml_file.read_text(encoding="utf-8") == (
        FLOW_AND_BLOCK.replace(
            "ratings: {accident: I, other: N}   # arson not rated yet",
            "ratings: {accident: N, arson: CC, other: N} # arson not rated yet",
        )
        .replace("  credibility: 'high'\n", "  credibility: 'high'\n  relevance: high\n")
        .replace("    other: N\n\n# trailing", "\n# trailing")
    )


def test_new_rating_goes_in_hypothesis_order_and_keeps_blank_lines(runner, write_case, tmp_path):
    block = FLOW_AND_BLOCK.replace(
        "  ratings: {accident: I, other: N}   # arson not rated yet\n",
        "  ratings:\n    accident: I\n",
    )
    case = write_case({"evidence/evidence.yaml": block})
    rows = export_csv(runner, case)
    rows[1][8] = "NA"
    rows[1][7] = "C"
    result = import_into(runner, "csv", write_csv(tmp_path / "e.csv", rows), case)
    assert result.exit_code == 0, result.output
    text = (case / "evidence" / "evidence.yaml").read_text(encoding="utf-8")
    assert "  ratings:\n    accident: I\n    arson: C\n    other: NA\n\n# --- the alarm\n" in text


def test_bad_cells_are_named_and_nothing_changes(runner, tmp_path):
    case = copy_shipped_case(tmp_path)
    before = snapshot(case)
    exported = export_xlsx(runner, case, tmp_path / "k.xlsx")
    book = load_workbook(exported)
    sheet = book["matrix"]
    sheet.cell(1, 13).value = "knb-coupe"  # an unknown hypothesis column
    sheet.cell(5, 7).value = "CX"  # an invalid rating
    sheet.cell(6, 8).value = "=A1"  # a formula
    sheet.cell(7, 1).value = "no-such-item"
    sheet.cell(8, 5).value = "very"
    sheet.cell(9, 9).value = 3
    book.save(tmp_path / "bad.xlsx")
    result = import_into(runner, "xlsx", tmp_path / "bad.xlsx", case)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    message = result.stderr
    assert "6 problems in the sheet; nothing was changed" in message
    for expected in (
        "matrix!M1: 'knb-coupe' is not a hypothesis of the case (did you mean 'knb-coup'?)",
        "matrix!G5: 'CX' is not a rating",
        "matrix!H6: holds a formula",
        "matrix!A7: 'no-such-item' is not an evidence item of the case",
        "matrix!E8: credibility 'very' is not a level; use high, medium or low",
        "matrix!I9: holds int 3, not text",
    ):
        assert expected in message
    assert snapshot(case) == before


def test_group_columns_and_duplicates_are_refused(runner, tmp_path):
    case = copy_shipped_case(tmp_path)
    rows = export_csv(runner, case)
    other = get_column_letter(rows[0].index("other") + 1)
    group, again = get_column_letter(len(rows[0]) + 1), get_column_letter(len(rows[0]) + 2)
    rows[0].append("elite-coup")
    rows[0].append("other")
    rows.append(list(rows[1]))
    result = import_into(runner, "csv", write_csv(tmp_path / "bad.csv", rows), case)
    assert result.exit_code == 1
    assert f"bad.csv!{group}1: 'elite-coup' has sub-hypotheses" in result.stderr
    assert (
        f"bad.csv!{again}1: column 'other' appears twice (first at bad.csv!{other}1)"
        in result.stderr
    )
    first = load_case(case).case.evidence[0].id
    assert f"bad.csv!A{len(rows)}: '{first}' appears twice" in result.stderr


def test_an_edit_that_would_break_the_case_writes_nothing(runner, tmp_path, monkeypatch):
    case = copy_shipped_case(tmp_path)
    before = snapshot(case)

    def garbled(file, changes, order):
        file.edited = file.original.replace("evidence:", "evidence: [", 1)

    monkeypatch.setattr(matrix_module, "_edit", garbled)
    rows = export_csv(runner, case)
    rows[1][6] = "II"
    result = import_into(runner, "csv", write_csv(tmp_path / "e.csv", rows), case)
    assert result.exit_code == 1
    assert "the edited case would not load; nothing was changed" in result.stderr
    assert "kazakhstan.yaml" in result.stderr
    assert snapshot(case) == before


def test_hostile_case_reads_back_its_own_export(runner, write_case, tmp_path):
    case = write_case(HOSTILE)
    exported = export_xlsx(runner, case, tmp_path / "h.xlsx")
    assert import_into(runner, "xlsx", exported, case).stdout.startswith("no changes")
    rows = export_csv(runner, case)
    write_csv(tmp_path / "h.csv", rows)
    assert import_into(runner, "csv", tmp_path / "h.csv", case).stdout.startswith("no changes")
    edited = edit_xlsx(exported, tmp_path / "e.xlsx", {("formulas", "other"): "ii"})
    result = import_into(runner, "xlsx", edited, case)
    assert result.exit_code == 0, result.output
    assert "formulas × other: (unrated) → II" in result.stdout
    assert load_case(case).case.evidence_by_id["formulas"].ratings["other"] == "II"


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_new_case_cannot_come_from_a_matrix(runner, tmp_path, fmt):
    sheet = tmp_path / f"m.{fmt}"
    sheet.write_bytes(b"id\n")
    result = runner.invoke(main, ["import", fmt, str(sheet), "-o", str(tmp_path / "new")])
    assert result.exit_code == 1
    assert "not the quotes and sources a case is made of" in result.stderr
    assert "--into CASE" in result.stderr
    assert not (tmp_path / "new").exists()


@pytest.mark.parametrize(
    ("fmt", "content", "expected"),
    [
        ("xlsx", b"not a zip at all", "is not a readable .xlsx workbook"),
        ("xlsx", b"PK\x03\x04broken", "is not a readable .xlsx workbook"),
        ("csv", b'id,summary\n"unclosed', "bad.csv:2: not valid CSV"),
        ("csv", b"id\x81\n", "bad.csv:1: neither UTF-8 nor Windows-1252 text"),
        ("csv", b"\x00\x01\x02", "binary file"),
        ("csv", b"summary,other\nx,C\n", "bad.csv!A1: no 'id' column"),
    ],
)
def test_unreadable_sheets(runner, tmp_path, fmt, content, expected):
    case = copy_shipped_case(tmp_path)
    before = snapshot(case)
    sheet = tmp_path / f"bad.{fmt}"
    sheet.write_bytes(content)
    result = import_into(runner, fmt, sheet, case)
    assert result.exit_code == 1
    assert expected in result.stderr
    assert "Traceback" not in result.output
    assert snapshot(case) == before


def test_workbook_without_a_matrix_sheet(runner, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Sheet1"
    book.save(tmp_path / "other.xlsx")
    result = import_into(runner, "xlsx", tmp_path / "other.xlsx", copy_shipped_case(tmp_path))
    assert result.exit_code == 1
    assert "has no sheet named 'matrix' (it has 'Sheet1')" in result.stderr


def test_analysts_own_columns_and_rows_are_left_alone(runner, write_case, tmp_path):
    case = write_case()
    rows = export_csv(runner, case)
    for row in rows:
        row.append("my notes")
    rows[0][-1] = ""  # a column without a key is the analyst's
    rows.append([""] * len(rows[0]))  # an empty row
    result = import_into(runner, "csv", write_csv(tmp_path / "n.csv", rows), case)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("no changes")


def test_doctests():
    assert doctest.testmod(matrix_module).failed == 0


def test_a_sheet_older_than_the_case_says_so(runner, tmp_path):
    case = copy_shipped_case(tmp_path)
    exported = export_xlsx(runner, case, tmp_path / "k.xlsx")
    yaml_file = case / "evidence" / "kazakhstan.yaml"
    text = yaml_file.read_text(encoding="utf-8")
    yaml_file.write_text(text.replace("# Evidence for", "# Edited since: evidence for", 1))
    result = import_into(runner, "xlsx", exported, case)
    assert result.stdout.startswith("no changes")  # a comment changed, no cell did
    anchor = "  - id: masimov-arrested"
    start = text.index(anchor)
    edited = text[:start] + text[start:].replace("knb-coup: N", "knb-coup: C", 1)
    yaml_file.write_text(edited, encoding="utf-8")
    result = import_into(runner, "xlsx", exported, case)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("note: the case has changed since this sheet was exported")
    assert lines[1].endswith("masimov-arrested × knb-coup: C → N")


def test_a_flow_style_evidence_list_is_edited_whole(runner, write_case, tmp_path):
    flow_list = (
        "sources: [{id: report, title: Harbour report, file: sources/report.txt}]\n"
        "evidence: [{id: van, summary: A van., source: report, quote: Witnesses saw two men "
        "leave the yard in a van., ratings: {accident: I, arson: C}}]  # one line\n"
    )
    case = write_case({"evidence/evidence.yaml": flow_list})
    rows = export_csv(runner, case)
    rows[1][8] = "N"
    result = import_into(runner, "csv", write_csv(tmp_path / "e.csv", rows), case)
    assert result.exit_code == 0, result.output
    text = (case / "evidence" / "evidence.yaml").read_text(encoding="utf-8")
    # The comment stays on its line; the YAML writer puts one space before it.
    assert text == flow_list.replace("arson: C}}]  #", "arson: C, other: N}}] #")
    assert load_case(case).case.evidence[0].ratings == {"accident": "I", "arson": "C", "other": "N"}


# --- matrices saved by spreadsheets --------------------------------------------------------

SAVED = Path(__file__).parent / "data" / "external" / "spreadsheets"
"""Matrices as Gnumeric, LibreOffice and Excel save them, with the case they were exported
from (the shipped case at commit b2c9dc1); SOURCES.md in the parent folder."""


def copy_saved_case(tmp_path: Path) -> Path:
    folder = tmp_path / "case"
    shutil.copytree(SAVED / "case-b2c9dc1", folder)
    return folder


@pytest.mark.parametrize(
    ("name", "note"),
    [
        ("gsaved_matrix.csv", None),
        ("kaz_lo_semicolon.csv", None),
        ("excel_ansi_cp1252.csv", "as Windows-1252 (it is not UTF-8)"),
        ("excel_unicode_text_utf16.txt", "as UTF-16 (the byte-order mark says so)"),
    ],
)
def test_a_matrix_saved_by_a_spreadsheet_reads_back(runner, tmp_path, name, note):
    # Each was saved after one edit: masimov-arrested x knb-coup, CC to C.
    case = copy_saved_case(tmp_path)
    result = runner.invoke(main, ["import", "csv", str(SAVED / name), "--into", str(case)])
    assert result.exit_code == 0, result.output
    assert "masimov-arrested × knb-coup: CC → C" in result.stdout
    assert "1 cell changed" in result.stdout
    notes = [line for line in result.stdout.splitlines() if line.startswith("note:")]
    assert notes == ([] if note is None else [notes[0]])
    if note is not None:
        assert note in notes[0]
    ratings = {e.id: e.ratings for e in load_case(case).case.evidence}
    assert ratings["masimov-arrested"]["knb-coup"] == "C"


def test_title_row_under_the_key_row_is_skipped_and_named_rows_stay_right(runner, tmp_path):
    case = copy_saved_case(tmp_path)
    rows = list(csv.reader(io.StringIO((SAVED / "gsaved_matrix.csv").read_text("utf-8"))))
    assert rows[1][0] == "Id"
    rows[2][6] = "CX"
    sheet = write_csv(tmp_path / "saved.csv", rows, delimiter=";")
    result = import_into(runner, "csv", sheet, case)
    assert result.exit_code == 1
    assert "saved.csv!G3: 'CX' is not a rating" in result.stderr


def without_named_styles(source: Path, target: Path) -> Path:
    """The workbook as Gnumeric saves it: a stylesheet without named cell styles."""
    import re

    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename == "xl/styles.xml":
                text = data.decode("utf-8")
                text = re.sub(r"<cellStyles\b.*?</cellStyles>|<cellStyles\b[^>]*/>", "", text)
                data = text.encode("utf-8")
            new.writestr(info, data)
    return target


def test_a_workbook_saved_by_gnumeric_reads_without_openpyxls_warning(runner, tmp_path):
    import warnings

    case = copy_shipped_case(tmp_path)
    exported = export_xlsx(runner, case, tmp_path / "m.xlsx")
    edited = edit_xlsx(exported, tmp_path / "edited.xlsx", {("masimov-arrested", "knb-coup"): "I"})
    saved = without_named_styles(edited, tmp_path / "gnumeric.xlsx")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        load_workbook(saved, read_only=True).close()
        assert any("no default style" in str(w.message) for w in caught)  # the shape holds
        caught.clear()
        result = import_into(runner, "xlsx", saved, case)
    assert result.exit_code == 0, result.output
    assert "masimov-arrested × knb-coup" in result.stdout
    assert [str(w.message) for w in caught] == []
    assert "default style" not in result.output
