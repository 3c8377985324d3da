"""Determinism and Unicode: every output is the same bytes whatever the hash seed.

Each output format of the shipped case and of the every-field hostile case is written in fresh
processes with PYTHONHASHSEED=0 and =12345 (SOURCE_DATE_EPOCH set, for the dates PDF and XLSX
embed) for the Graphviz engine in use, and compared byte for byte. The hostile case's Kazakh,
Arabic, emoji and zero-width joiners must come through every format unchanged; quotes are
found across Unicode normalisation forms and highlighted as the source writes them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import unicodedata
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from argmap.cli import main
from argmap.render.pdf import find_chromium

from .conftest import REPO, write_case_files
from .interchange import ARABIC, EMOJI, KAZAKH, ZWJ_FAMILY, every_field_case

pytestmark = [pytest.mark.slow, pytest.mark.pdf]

SEEDS = ("0", "12345")
EPOCH = "1641340800"  # 2022-01-05
UNICODE = (KAZAKH, ARABIC, EMOJI, ZWJ_FAMILY, "zero\u200bwidth")

# Runs every command in one fresh process (one start-up instead of twenty) and keeps each
# output in OUT under a name of its own.
DRIVER = """
import sys
from pathlib import Path
from click.testing import CliRunner
from argmap.cli import main

case, out, pdf = sys.argv[1], Path(sys.argv[2]), sys.argv[3] == "pdf"
runner = CliRunner()

def run(name, *args):
    result = runner.invoke(main, list(args))
    if result.exit_code != 0:
        raise SystemExit(f"{args}: {result.output}")
    if name:
        (out / name).write_bytes(result.stdout_bytes)

run("check.txt", "check", case)
run("score.txt", "score", case)
run("score.json", "score", case, "--format", "json")
run("evaluate.txt", "evaluate", case)
run("evaluate.json", "evaluate", case, "--format", "json")
for kind in ("evidence", "arguments"):
    run(f"{kind}.dot", "diagram", case, "--kind", kind, "--format", "dot")
    run(f"{kind}.svg", "diagram", case, "--kind", kind)
    run(None, "diagram", case, "--kind", kind, "--format", "png", "-o", str(out / f"{kind}.png"))
run(None, "report", case, "-o", str(out / "report.html"))
if pdf:
    run(None, "report", case, "--pdf", "-o", str(out / "report.pdf"))
for fmt, suffix in (("argdown", "argdown"), ("aif", "aif.json"), ("json", "json"), ("csv", "csv")):
    run(f"export.{suffix}", "export", fmt, case)
run(None, "export", "markdown", case, "-o", str(out / "export.md"))
run(None, "export", "xlsx", case, "-o", str(out / "export.xlsx"))
run(None, "workshop", "sheet", case, "--analyst", "Ann", "-o", str(out / "sheet.html"))
"""
FILES = {
    "check.txt", "score.txt", "score.json", "evaluate.txt", "evaluate.json", "evidence.dot",
    "evidence.svg", "evidence.png", "arguments.dot", "arguments.svg", "arguments.png",
    "report.html", "export.argdown", "export.aif.json", "export.json", "export.csv",
    "export.md", "export-evidence-map.svg", "export.xlsx", "sheet.html",
}  # fmt: skip


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> dict[tuple[str, str], Path]:
    """(case, seed) → the folder of every output, written by four processes in parallel."""
    root = tmp_path_factory.mktemp("determinism")
    hostile = write_case_files(
        root / "hostile", {k: v for k, v in every_field_case().items() if v is not None}
    )
    cases = {"shipped": REPO, "hostile": hostile}
    # The PDF of the shipped case takes WeasyPrint many seconds; Chromium (CI has it) is quick.
    pdf = {"shipped": find_chromium() is not None, "hostile": True}
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    env.pop("ARGMAP_PDF", None)
    running = {}
    for name, case in cases.items():
        for seed in SEEDS:
            out = root / f"{name}-{seed}"
            out.mkdir()
            running[name, seed] = (
                out,
                subprocess.Popen(
                    [
                        sys.executable,
                        "-c",
                        DRIVER,
                        str(case),
                        str(out),
                        "pdf" if pdf[name] else "-",
                    ],
                    cwd=root,
                    env={**env, "PYTHONHASHSEED": seed},
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                ),
            )
    found = {}
    for key, (out, process) in running.items():
        _, stderr = process.communicate(timeout=300)
        assert process.returncode == 0, stderr.decode("utf-8", "replace")
        found[key] = out
    return found


@pytest.mark.parametrize("case", ["shipped", "hostile"])
def test_every_output_is_byte_identical_across_hash_seeds(outputs, case):
    first, second = (outputs[case, seed] for seed in SEEDS)
    names = {p.name for p in first.iterdir()}
    assert names >= FILES
    assert names == {p.name for p in second.iterdir()}
    differ = [n for n in sorted(names) if (first / n).read_bytes() != (second / n).read_bytes()]
    assert not differ


def test_every_output_is_byte_identical_in_process(outputs, tmp_path):
    # The same in this process (its own hash seed), through CliRunner, for the text formats.
    hostile = outputs["hostile", SEEDS[0]]
    case = hostile.parent / "hostile"
    runner = CliRunner()
    for name, args in {
        "score.json": ["score", str(case), "--format", "json"],
        "evidence.dot": ["diagram", str(case), "--format", "dot"],
        "export.json": ["export", "json", str(case)],
        "export.csv": ["export", "csv", str(case)],
    }.items():
        result = runner.invoke(main, args)
        assert result.exit_code == 0, result.output
        assert result.stdout_bytes == (hostile / name).read_bytes(), name
    result = runner.invoke(main, ["report", str(case), "-o", str(tmp_path / "r.html")])
    assert result.exit_code == 0
    assert (tmp_path / "r.html").read_bytes() == (hostile / "report.html").read_bytes()


def test_pdf_and_xlsx_dates_come_from_source_date_epoch(outputs):
    hostile = outputs["hostile", SEEDS[0]]
    with zipfile.ZipFile(hostile / "export.xlsx") as archive:
        assert {info.date_time for info in archive.infolist()} == {(2022, 1, 5, 0, 0, 0)}
        assert b"2022-01-05T00:00:00Z" in archive.read("docProps/core.xml")
    assert (hostile / "report.pdf").read_bytes().startswith(b"%PDF-")


@pytest.mark.parametrize(
    "name",
    sorted(
        FILES
        - {
            "evidence.png",
            "arguments.png",
            "export.xlsx",
            "check.txt",
            "evaluate.txt",
            "evaluate.json",
        }
    ),
)
def test_unicode_survives_every_text_format(outputs, name):
    text = (outputs["hostile", SEEDS[0]] / name).read_text(encoding="utf-8")
    if name.endswith(".json"):
        text = json.dumps(json.loads(text), ensure_ascii=False)  # the same, \\u-escaped or not
    if name in ("evidence.svg", "arguments.svg", "export-evidence-map.svg", "evidence.dot"):
        # Diagrams shorten long labels, the evidence map its node texts: the start survives.
        assert KAZAKH in text
        return
    if name == "score.txt":  # titles only
        assert KAZAKH in text and "\u200b" in text
        return
    missing = [u for u in UNICODE if u not in text]
    assert not missing, missing


def test_unicode_survives_the_workbook(outputs):
    from openpyxl import load_workbook

    workbook = load_workbook(outputs["hostile", SEEDS[0]] / "export.xlsx")
    cells = " ".join(
        str(cell.value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
    )
    assert not [u for u in UNICODE if u not in cells]


# --- quotes across normalisation forms -------------------------------------------------------

# Kazakh letters with a decomposition (й = и + breve, ё = е + diaeresis) and Latin accents.
PASSAGE = "Алматыдағы қайғылы оқиға: «Ертеңгі күн» кафесі, ёлка жанындағы Café René."


@pytest.mark.parametrize(("source_form", "quote_form"), [("NFD", "NFC"), ("NFC", "NFD")])
def test_quotes_match_across_normalisation_forms(write_case, tmp_path, source_form, quote_form):
    source = unicodedata.normalize(source_form, f"Есеп\n\n{PASSAGE} Тағы бір сөйлем.\n")
    quote = unicodedata.normalize(quote_form, PASSAGE)
    assert source_form == quote_form or quote not in source
    evidence = (
        "sources:\n  - id: report\n    title: Есеп\n    file: sources/report.txt\n"
        "evidence:\n  - id: cafe\n    summary: Кафе.\n    source: report\n"
        f"    quote: {json.dumps(quote, ensure_ascii=False)}\n"
        "    ratings: {accident: C, arson: I, other: N}\n"
    )
    folder = write_case({"evidence/evidence.yaml": evidence, "evidence/sources/report.txt": source})
    out = tmp_path / "r.html"
    result = CliRunner().invoke(main, ["report", str(folder), "-o", str(out)])
    assert result.exit_code == 0, result.output
    soup = BeautifulSoup(out.read_text(encoding="utf-8"), "html.parser")
    marked = "".join(m.get_text() for m in soup.find_all("mark") if "cafe" in m["data-evidence"])
    assert marked == unicodedata.normalize(source_form, PASSAGE)  # as the source writes it
    assert unicodedata.normalize("NFC", marked) == unicodedata.normalize("NFC", PASSAGE)
