"""No data loss: outputs are replaced whole or not at all, and inputs are never touched.

Every command that writes a file writes a temporary file beside it and renames it into place,
so a failure — Graphviz dying mid-layout, the disk filling up mid-write, a bug in a renderer —
leaves the previous output byte-identical and no temporary file behind. No command changes the
case's files, except the explicit write commands (`import --into`), which keep a backup.
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

import argmap.output
from argmap.cli import main
from argmap.load import load_case
from argmap.problems import ArgmapError

from .conftest import REPO, write_case_files
from .interchange import every_field_case

PREVIOUS = b"the previous output, which must survive\n"

WRITERS = {
    "diagram-svg": (["diagram", "{case}", "--format", "svg"], ".svg"),
    "diagram-png": (["diagram", "{case}", "--kind", "arguments", "--format", "png"], ".png"),
    "diagram-dot": (["diagram", "{case}", "--format", "dot"], ".dot"),
    "report-html": (["report", "{case}"], ".html"),
    "export-argdown": (["export", "argdown", "{case}"], ".argdown"),
    "export-aif": (["export", "aif", "{case}"], ".json"),
    "export-json": (["export", "json", "{case}"], ".json"),
    "export-markdown": (["export", "markdown", "{case}"], ".md"),
    "export-csv": (["export", "csv", "{case}"], ".csv"),
    "export-xlsx": (["export", "xlsx", "{case}"], ".xlsx"),
    "workshop-sheet": (["workshop", "sheet", "{case}", "--analyst", "Ann"], ".html"),
}
USES_GRAPHVIZ = {"diagram-svg", "diagram-png", "report-html", "export-markdown"}


@pytest.fixture
def case(write_case) -> Path:
    files = {k: v for k, v in every_field_case().items()}
    return write_case(files)


def command(name: str, case: Path, target: Path) -> list[str]:
    args, _ = WRITERS[name]
    return [arg.format(case=case) for arg in args] + ["-o", str(target)]


def prepared(tmp_path: Path, name: str) -> Path:
    """The output folder holding the previous output (and, for Markdown, its diagram)."""
    out = tmp_path / "out"
    out.mkdir()
    target = out / f"result{WRITERS[name][1]}"
    target.write_bytes(PREVIOUS)
    if name == "export-markdown":
        (out / "result-evidence-map.svg").write_bytes(PREVIOUS)
    return target


def assert_untouched(target: Path, name: str) -> None:
    assert target.read_bytes() == PREVIOUS
    expected = {target.name} | ({"result-evidence-map.svg"} if name == "export-markdown" else set())
    assert {p.name for p in target.parent.iterdir()} == expected, "no temporary file left"
    if name == "export-markdown":
        assert (target.parent / "result-evidence-map.svg").read_bytes() == PREVIOUS


def test_every_writing_command_is_covered():
    assert {args[0] for args, _ in WRITERS.values()} == {"diagram", "report", "export", "workshop"}
    from argmap.cli import EXPORT_FORMATS

    assert {args[1] for args, _ in WRITERS.values() if args[0] == "export"} == set(EXPORT_FORMATS)


def fill_the_disk(monkeypatch) -> None:
    """Every file argmap opens for writing takes half of what is written, then the disk is full."""
    opened = os.fdopen

    def full_disk(fd: int, mode: str = "r", *args, **kwargs):
        stream = opened(fd, mode, *args, **kwargs)

        def write(data: bytes) -> int:
            stream.__class__.write(stream, data[: len(data) // 2])  # half of it, then no space
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        stream.write = write  # type: ignore[method-assign]
        return stream

    monkeypatch.setattr(argmap.output.os, "fdopen", full_disk)


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_a_full_disk_leaves_the_previous_output(name, case, tmp_path, monkeypatch):
    target = prepared(tmp_path, name)
    fill_the_disk(monkeypatch)
    result = CliRunner().invoke(main, command(name, case, target))
    assert result.exit_code == 1, result.output
    # The case has warnings (where its map and matrix disagree), counted before the error.
    *before, last = result.stderr.splitlines()
    assert last.startswith("argmap: error: cannot write ")
    assert before in ([], ["argmap: 3 warnings; `argmap check` lists them"])
    assert "No space left on device" in result.stderr and "Traceback" not in result.output
    assert_untouched(target, name)


@pytest.mark.parametrize("name", sorted(USES_GRAPHVIZ))
def test_graphviz_failing_mid_layout_leaves_the_previous_output(name, case, tmp_path, monkeypatch):
    broken = tmp_path / "dot"
    broken.write_text(
        "#!/bin/sh\nprintf '<svg><g>half a dia'\necho 'dot: out of memory' >&2\nexit 3\n"
    )
    broken.chmod(broken.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("ARGMAP_DOT", str(broken))
    target = prepared(tmp_path, name)
    result = CliRunner().invoke(main, command(name, case, target))
    assert result.exit_code == 1
    assert "failed with status 3: dot: out of memory" in result.stderr
    assert_untouched(target, name)


@pytest.mark.parametrize("name", ["report-html", "export-xlsx", "diagram-dot"])
def test_a_renderer_crashing_leaves_the_previous_output(name, case, tmp_path, monkeypatch):
    # Even a bug (an exception argmap does not expect) must not cost the previous output.
    def crash(*_args, **_kwargs):
        raise RuntimeError("renderer bug")

    where = {
        "report-html": "argmap.render.html.render_report",
        "export-xlsx": "argmap.io.xlsx.export",
        "diagram-dot": "argmap.render.dot.evidence_map",
    }
    monkeypatch.setattr(where[name], crash)
    target = prepared(tmp_path, name)
    result = CliRunner().invoke(main, command(name, case, target))
    assert isinstance(result.exception, RuntimeError)
    assert_untouched(target, name)


def test_pdf_failing_leaves_the_previous_output(case, tmp_path, monkeypatch):
    monkeypatch.setenv("ARGMAP_PDF", "weasyprint")
    monkeypatch.setattr("argmap.render.pdf._weasyprint", _pdf_engine_dies)
    target = tmp_path / "out" / "report.pdf"
    target.parent.mkdir()
    target.write_bytes(PREVIOUS)
    result = CliRunner().invoke(main, ["report", str(case), "--pdf", "-o", str(target)])
    assert result.exit_code == 1 and "PDF engine died" in result.stderr
    assert target.read_bytes() == PREVIOUS
    assert [p.name for p in target.parent.iterdir()] == ["report.pdf"]


def _pdf_engine_dies(_html: str, _notify=None) -> bytes:
    from argmap.problems import ArgmapError

    raise ArgmapError("PDF engine died")


# --- inputs are never changed -----------------------------------------------------------------


def fingerprint(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


READ_ONLY_COMMANDS = [
    ["check", "."],
    ["score", "."],
    ["score", ".", "--format", "json"],
    ["evaluate", ".", "--format", "json"],
    ["diagram", "."],
    ["diagram", ".", "--kind", "arguments", "--format", "dot"],
    ["diagram", ".", "--format", "png", "-o", "build/evidence.png"],
    ["diagram", ".", "--kind", "arguments", "-o", "build/arguments.svg"],
    ["report", "."],
    ["export", "argdown", "."],
    ["export", "aif", ".", "-o", "build/case.aif.json"],
    ["export", "json", ".", "-o", "build/case.json"],
    ["export", "markdown", ".", "-o", "build/report.md"],
    ["export", "csv", ".", "-o", "build/matrix.csv"],
    ["export", "xlsx", ".", "-o", "build/matrix.xlsx"],
    ["workshop", "sheet", ".", "--analyst", "Ann O'Neil"],
    ["import", "json", "build/case.json", "-o", "build/imported"],
    ["import", "aif", "build/case.aif.json", "--summary"],
]


@pytest.mark.parametrize("which", ["shipped", "hostile"])
def test_no_command_changes_the_case(which, tmp_path, monkeypatch):
    folder = tmp_path / "case"
    if which == "shipped":
        for part in ("hypotheses", "evidence"):
            shutil.copytree(REPO / part, folder / part)
    else:
        write_case_files(folder, {k: v for k, v in every_field_case().items() if v})
    before = fingerprint(folder)
    monkeypatch.chdir(folder)  # outputs land in the case's build/, as `argmap report` does
    runner = CliRunner()
    for args in READ_ONLY_COMMANDS:
        result = runner.invoke(main, args)
        assert result.exit_code == 0, (args, result.output)
    after = fingerprint(folder)
    assert {k: v for k, v in after.items() if k in before} == before, "inputs unchanged"
    assert set(before) <= set(after), "no input removed"
    assert all(name.startswith("build/") for name in set(after) - set(before))
    assert "build/report.html" in after and "build/report-evidence-map.svg" in after


@pytest.mark.pdf
def test_pdf_does_not_change_the_case(write_case, tmp_path, monkeypatch):
    monkeypatch.setenv("ARGMAP_PDF", "weasyprint")
    folder = write_case()
    before = fingerprint(folder)
    monkeypatch.chdir(folder)
    result = CliRunner().invoke(main, ["report", ".", "--pdf"])
    assert result.exit_code == 0, result.output
    assert {k: v for k, v in fingerprint(folder).items() if not k.startswith("build/")} == before


def test_import_into_changes_only_the_edited_files_and_keeps_backups(write_case, tmp_path):
    # Two evidence files; the edited sheet touches both.
    folder = write_case(
        {
            "evidence/more.yaml": (
                "# a second file\nevidence:\n  - id: smoke\n    summary: Smoke.\n"
                "    kind: assumption\n    ratings: {accident: C, arson: N, other: N}\n"
            )
        }
    )
    runner = CliRunner()
    sheet = tmp_path / "matrix.csv"
    assert runner.invoke(main, ["export", "csv", str(folder), "-o", str(sheet)]).exit_code == 0
    original = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    text = sheet.read_text(encoding="utf-8-sig")
    text = text.replace(
        "van,Two men left in a van.,fact,report,medium,medium,I,C,N",
        "van,Two men left in a van.,fact,report,medium,medium,II,C,N",
    )
    text = text.replace(
        "smoke,Smoke.,assumption,,medium,medium,C,N,N",
        "smoke,Smoke.,assumption,,medium,medium,C,I,N",
    )
    assert text.count("II,C,N") == 1 and text.count("C,I,N") == 1
    sheet.write_text(text, encoding="utf-8-sig")
    result = runner.invoke(main, ["import", "csv", str(sheet), "--into", str(folder)])
    assert result.exit_code == 0, result.output
    edited = {folder / "evidence/evidence.yaml", folder / "evidence/more.yaml"}
    for path, before in original.items():
        if path in edited:
            assert path.read_bytes() != before
            assert path.with_name(path.name + ".bak").read_bytes() == before
        else:
            assert path.read_bytes() == before, path
    new = {p for p in folder.rglob("*") if p.is_file()} - set(original)
    assert new == {p.with_name(p.name + ".bak") for p in edited}
    case = load_case(folder).case  # the backups are not read as case files
    assert case.evidence_by_id["van"].ratings["accident"] == "II"
    assert case.evidence_by_id["smoke"].ratings["arson"] == "I"


ANN = "evidence/ratings/ann.yaml"


def test_workshop_merge_keeps_a_backup_of_what_it_replaces(write_case, tmp_path):
    folder = write_case({ANN: "analyst: Ann\nratings:\n  van: {accident: C}\n"})
    original = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    incoming = tmp_path / "ann.yaml"
    incoming.write_text("analyst: Ann\nratings:\n  van: {accident: I, arson: C}\n")
    result = CliRunner().invoke(main, ["workshop", "merge", str(incoming), "--into", str(folder)])
    assert result.exit_code == 0, result.output
    replaced = folder / ANN
    assert replaced.read_bytes() == incoming.read_bytes()
    assert replaced.with_name("ann.yaml.bak").read_bytes() == original[replaced]
    for path, before in original.items():
        if path != replaced:
            assert path.read_bytes() == before, path
    assert {p for p in folder.rglob("*") if p.is_file()} - set(original) == {
        replaced.with_name("ann.yaml.bak")
    }


def test_a_refused_workshop_merge_writes_nothing(write_case, tmp_path):
    folder = write_case({ANN: "analyst: Ann\nratings:\n  van: {accident: C}\n"})
    before = fingerprint(folder)
    good, bad = tmp_path / "ann.yaml", tmp_path / "bob.yaml"
    good.write_text("analyst: Ann\nratings:\n  van: {accident: I}\n")
    bad.write_text("analyst: Bob\nratings:\n  van: {arsen: I}\n")
    result = CliRunner().invoke(
        main, ["workshop", "merge", str(good), str(bad), "--into", str(folder)]
    )
    assert result.exit_code == 1
    assert "bob.yaml:3: error:" in result.stderr and "'arsen'" in result.stderr
    assert fingerprint(folder) == before


# --- the one backup policy: numbered backups, never overwritten ----------------------------


def test_two_replacements_keep_two_numbered_backups(tmp_path):
    target = tmp_path / "evidence.yaml"
    target.write_bytes(b"first\n")
    target.chmod(0o600)
    first = argmap.output.replace_with_backup(target, b"second\n")
    second = argmap.output.replace_with_backup(target, "third\n")
    assert (first, second) == (tmp_path / "evidence.yaml.bak", tmp_path / "evidence.yaml.bak2")
    contents = [p.read_bytes() for p in (first, second, target)]
    assert contents == [b"first\n", b"second\n", b"third\n"]
    # A private file stays private, and so do its backups.
    assert {stat.S_IMODE(p.stat().st_mode) for p in (first, second, target)} == {0o600}
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "evidence.yaml",
        "evidence.yaml.bak",
        "evidence.yaml.bak2",
    ]


def test_a_backup_is_never_overwritten_even_out_of_order(tmp_path):
    target = tmp_path / "ann.yaml"
    target.write_text("now\n")
    (tmp_path / "ann.yaml.bak").write_text("oldest\n")
    (tmp_path / "ann.yaml.bak3").write_text("kept by hand\n")
    assert argmap.output.replace_with_backup(target, "next\n") == tmp_path / "ann.yaml.bak2"
    assert argmap.output.replace_with_backup(target, "last\n") == tmp_path / "ann.yaml.bak4"
    assert (tmp_path / "ann.yaml.bak").read_text() == "oldest\n"
    assert (tmp_path / "ann.yaml.bak2").read_text() == "now\n"
    assert (tmp_path / "ann.yaml.bak3").read_text() == "kept by hand\n"
    assert (tmp_path / "ann.yaml.bak4").read_text() == "next\n"


def test_a_new_file_needs_no_backup(tmp_path):
    target = tmp_path / "ratings" / "ann.yaml"
    assert argmap.output.replace_with_backup(target, "new\n") is None
    assert [p.name for p in target.parent.iterdir()] == ["ann.yaml"]


def test_a_backup_that_cannot_be_written_leaves_the_file_as_it_was(tmp_path, monkeypatch):
    target = tmp_path / "evidence.yaml"
    target.write_bytes(b"precious\n")
    fill_the_disk(monkeypatch)
    with pytest.raises(ArgmapError, match="No space left on device"):
        argmap.output.replace_with_backup(target, b"new\n")
    monkeypatch.undo()
    assert target.read_bytes() == b"precious\n"
    assert [p.name for p in tmp_path.iterdir()] == ["evidence.yaml"]


def _case_files(case: Path) -> dict[str, bytes]:
    return {
        p.relative_to(case).as_posix(): p.read_bytes()
        for p in sorted(case.rglob("*"))
        if p.is_file() and "build" not in p.relative_to(case).parts
    }


@pytest.mark.parametrize("name", sorted(WRITERS))
@pytest.mark.parametrize(
    "target",
    [
        "hypotheses/case.yaml",  # onto a case file
        "evidence/sources/report.txt",  # onto a source text
        "evidence/new.yaml",  # a new file the loader would read as part of the case
        "evidence/ratings/x.yaml",  # likewise, as an analyst's ratings
        "link-to-case-file.yaml",  # through a link
    ],
)
def test_no_writer_lands_on_the_case_it_reads(name, target, write_case):
    case = write_case()
    (case / "link-to-case-file.yaml").symlink_to(case / "hypotheses" / "case.yaml")
    before = _case_files(case)
    result = CliRunner().invoke(main, command(name, case, case / target))
    assert result.exit_code == 1, result.output
    assert "argmap writes its outputs beside a case" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert _case_files(case) == before
    assert not (case / "evidence" / "ratings").exists()


def test_outputs_beside_the_case_are_fine(write_case):
    case = write_case()
    result = CliRunner().invoke(main, ["export", "json", str(case), "-o", str(case / "case.json")])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(case / "case.json")


def test_no_writer_replaces_a_source_text_kept_outside_evidence(write_case):
    from .conftest import EVIDENCE

    case = write_case(
        {
            "evidence/evidence.yaml": EVIDENCE.replace(
                "file: sources/report.txt", "file: ../texts/report.txt"
            ),
            "texts/report.txt": (
                Path(write_case(name="plain")) / "evidence/sources/report.txt"
            ).read_text(encoding="utf-8"),
        }
    )
    before = _case_files(case)
    target = case / "texts" / "report.txt"
    result = CliRunner().invoke(main, ["export", "json", str(case), "-o", str(target)])
    assert result.exit_code == 1, result.output
    assert "is a file the case reads" in result.stderr
    assert _case_files(case) == before


def test_a_report_and_its_diagram_are_written_both_or_neither(case, tmp_path, monkeypatch):
    """Markdown writes two files: when the second cannot be written, the first stays as it
    was too (the pair is renamed into place only once both are on disk)."""
    target = prepared(tmp_path, "export-markdown")
    real = argmap.output.os.fdopen
    opened: list[int] = []

    def second_fails(fd, *args, **kwargs):
        stream = real(fd, *args, **kwargs)
        if Path(os.readlink(f"/proc/self/fd/{fd}")).parent != target.parent:
            return stream  # Graphviz's and the layout's own temporary files
        opened.append(fd)
        if len(opened) == 2:

            def write(_data):
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

            stream.write = write  # type: ignore[method-assign]
        return stream

    monkeypatch.setattr(argmap.output.os, "fdopen", second_fails)
    result = CliRunner().invoke(main, command("export-markdown", case, target))
    assert result.exit_code == 1, result.output
    assert "nothing was written" in result.stderr and "Traceback" not in result.output
    assert len(opened) == 2
    assert_untouched(target, "export-markdown")
