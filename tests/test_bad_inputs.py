"""The corpus of bad inputs (tests/bad_inputs/): each is refused cleanly, in bounded time and memory.

Each entry is a folder laid over the valid case in ``bad_inputs/_base`` (its files replace or
add to the base's) with an ``expect.toml`` manifest: the file and line the first error must
name, a fragment of its message, and optionally files to ``remove``, a ``make`` step for what
git should not hold (symlinks, named pipes, 5 MB of text, a sparse file) and
``subprocess = true`` to run it again in a fresh process with a memory limit.
tests/bad_inputs/README.md lists them.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from argmap.cli import main
from argmap.load import load_case
from argmap.problems import CaseError

from .conftest import SOURCE_TEXT
from .interchange import ARGMAP

CORPUS = Path(__file__).resolve().parent / "bad_inputs"
BASE = CORPUS / "_base"
MANIFEST = "expect.toml"
CLI_SECONDS = 10
"""Bound on one `argmap check` of a bad input in the test process (most take milliseconds)."""
SUBPROCESS_SECONDS = 30
"""Bound on one `argmap check` in a fresh process, start-up included."""
MEMORY_LIMIT = 512 << 20
"""Address-space limit of that process: ample for argmap, far too little for an expanded bomb."""
FIVE_MB = 5 << 20

HEAD = re.compile(r"^(?P<file>.+?):(?P<line>\d+): (?P<severity>error|warning): (?P<rest>.*)$")
COUNT = re.compile(r"^\d+ errors?, \d+ warnings? in \d+ files?$")
CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class BadInput:
    name: str
    about: str
    file: str
    line: int
    message: str
    remove: tuple[str, ...] = ()
    make: str | None = None
    subprocess: bool = False
    files: tuple[Path, ...] = field(default=(), repr=False)


def read_entry(name: str) -> BadInput:
    folder = CORPUS / name
    manifest = tomllib.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    files = tuple(sorted(p for p in folder.rglob("*") if p.is_file() and p.name != MANIFEST))
    return BadInput(
        name=name,
        about=manifest["about"],
        file=manifest["file"],
        line=manifest["line"],
        message=manifest["message"],
        remove=tuple(manifest.get("remove", ())),
        make=manifest.get("make"),
        subprocess=manifest.get("subprocess", False),
        files=files,
    )


NAMES = sorted(p.name for p in CORPUS.iterdir() if p.is_dir() and not p.name.startswith("_"))
ENTRIES = {name: read_entry(name) for name in NAMES}


# --- what git does not hold: made by the test ---------------------------------------------


def _five_mb_value(case: Path, _outside: Path) -> None:
    path = case / "evidence/evidence.yaml"
    text = path.read_text(encoding="utf-8")
    assert "credibility: high\n" in text
    path.write_text(
        text.replace("credibility: high\n", f"credibility: {'high ' * (FIVE_MB // 5)}\n")
    )


def _five_mb_quote(case: Path, _outside: Path) -> None:
    # Someone pasted the whole document, many times over, where one sentence belongs.
    path = case / "evidence/evidence.yaml"
    sentence = "The alarm system had been switched off at 22:10."
    text = path.read_text(encoding="utf-8")
    assert f"quote: {sentence}\n" in text
    pasted = " ".join([sentence] * (FIVE_MB // (len(sentence) + 1)))
    path.write_text(text.replace(f"quote: {sentence}\n", f"quote: {pasted}\n"), encoding="utf-8")


def _symlink_outside(case: Path, outside: Path) -> None:
    outside.mkdir(parents=True, exist_ok=True)
    secret = outside / "secret.txt"
    secret.write_text(SOURCE_TEXT, encoding="utf-8")
    (case / "evidence/sources/link.txt").symlink_to(secret)


def _symlink_loop(case: Path, _outside: Path) -> None:
    (case / "evidence/sources/loop.txt").symlink_to("loop.txt")


def _fifo(case: Path, _outside: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes on this system")
    os.mkfifo(case / "evidence/sources/pipe.txt")


def _fifo_at(path: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes on this system")
    path.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(path)


def _yaml_symlink_loop(case: Path, _outside: Path) -> None:
    (case / "evidence/loop.yaml").symlink_to("loop.yaml")


def _yaml_dev_zero(case: Path, _outside: Path) -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero on this system")
    (case / "evidence/zero.yaml").symlink_to("/dev/zero")


def _ratings_symlink_outside(case: Path, outside: Path) -> None:
    outside.mkdir(parents=True, exist_ok=True)
    elsewhere = outside / "ann.yaml"
    elsewhere.write_text("analyst: Ann\nratings:\n  van: {accident: C}\n", encoding="utf-8")
    (case / "evidence/ratings").mkdir(parents=True, exist_ok=True)
    (case / "evidence/ratings/ann.yaml").symlink_to(elsewhere)


def _sparse_source(case: Path, _outside: Path) -> None:
    # 25 MB that take no room on disk: the size alone must refuse it, before any reading.
    with open(case / "evidence/sources/report.txt", "r+b") as source:
        source.truncate(25_000_000)


MAKERS = {
    "five-mb-value": _five_mb_value,
    "five-mb-quote": _five_mb_quote,
    "symlink-outside": _symlink_outside,
    "symlink-loop": _symlink_loop,
    "fifo": _fifo,
    "yaml-fifo": lambda case, _outside: _fifo_at(case / "evidence/pipe.yaml"),
    "hypotheses-fifo": lambda case, _outside: _fifo_at(case / "hypotheses/more.yaml"),
    "ratings-fifo": lambda case, _outside: _fifo_at(case / "evidence/ratings/ann.yaml"),
    "yaml-symlink-loop": _yaml_symlink_loop,
    "yaml-dev-zero": _yaml_dev_zero,
    "ratings-symlink-outside": _ratings_symlink_outside,
    "sparse-25-mb": _sparse_source,
}


def build(entry: BadInput, tmp_path: Path) -> Path:
    """The entry's case at ``tmp_path/case`` (``tmp_path/outside`` is outside it)."""
    case = tmp_path / "case"
    shutil.copytree(BASE, case)
    for path in entry.files:
        target = case / path.relative_to(CORPUS / entry.name)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    for relative in entry.remove:
        (case / relative).unlink()
    if entry.make is not None:
        MAKERS[entry.make](case, tmp_path / "outside")
    return case


# --- the contract ---------------------------------------------------------------------------


def assert_refused(entry: BadInput, status: int, stdout: str, stderr: str) -> None:
    """Exit 1, nothing on stdout, and one short paragraph naming the file and line."""
    assert status == 1, (status, stdout, stderr)
    assert stdout == ""
    assert "Traceback" not in stderr and "Error:" not in stderr, stderr
    assert stderr.endswith("\n")
    assert len(stderr) < 4000, f"{len(stderr)} characters of message"
    assert not CONTROL.search(stderr), "control characters reach the terminal"
    lines = stderr.splitlines()
    assert all(line.strip() for line in lines), "one paragraph: no blank lines"
    assert COUNT.match(lines[-1]), lines[-1]
    for line in lines[:-1]:
        assert HEAD.match(line) or line.startswith("  hint: "), line
    errors = [m for m in map(HEAD.match, lines) if m and m["severity"] == "error"]
    assert errors, stderr
    first = errors[0]
    assert (first["file"], int(first["line"])) == (f"case/{entry.file}", entry.line), lines
    assert entry.message in first["rest"], first["rest"]
    hint = lines[lines.index(first.string) + 1]
    assert hint.startswith("  hint: ") and len(hint) > len("  hint: "), "every error has a hint"


def test_the_corpus_is_large_and_documented():
    assert len(ENTRIES) >= 40
    readme = (CORPUS / "README.md").read_text(encoding="utf-8")
    listed = re.findall(r"^- `([a-z0-9-]+)`", readme, re.MULTILINE)
    assert listed == NAMES, "README.md lists every entry, in order, once"
    for entry in ENTRIES.values():
        assert entry.files or entry.remove or entry.make, entry.name
        assert entry.make is None or entry.make in MAKERS, entry.make
        line = next(line for line in readme.splitlines() if line.startswith(f"- `{entry.name}`"))
        assert entry.about in line, f"README and {entry.name}/expect.toml say the same"


def test_the_base_case_is_valid():
    result = load_case(BASE)
    assert result.warnings == []
    assert len(result.case.evidence) == 2


@pytest.mark.parametrize("name", NAMES)
def test_bad_input_is_refused_with_file_and_line(name, tmp_path, runner, monkeypatch):
    entry = ENTRIES[name]
    build(entry, tmp_path)
    monkeypatch.chdir(tmp_path)
    started = time.perf_counter()
    result = runner.invoke(main, ["check", "case"])
    elapsed = time.perf_counter() - started
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert_refused(entry, result.exit_code, result.stdout, result.stderr)
    assert elapsed < CLI_SECONDS


def _limit_memory() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


SUBPROCESS_NAMES = [name for name in NAMES if ENTRIES[name].subprocess]


@pytest.mark.skipif(sys.platform == "win32", reason="resource limits need a POSIX system")
@pytest.mark.parametrize("name", SUBPROCESS_NAMES)
def test_bad_input_in_a_fresh_process_with_limited_memory(name, tmp_path):
    entry = ENTRIES[name]
    build(entry, tmp_path)
    result = subprocess.run(
        [*ARGMAP, "check", "case"],
        cwd=tmp_path,
        capture_output=True,
        timeout=SUBPROCESS_SECONDS,  # a hang fails the test instead of stalling the suite
        preexec_fn=_limit_memory,
        env={**os.environ, "PYTHONUTF8": "1"},
        check=False,
    )
    assert "MemoryError" not in result.stderr.decode("utf-8", "replace")
    assert_refused(
        entry, result.returncode, result.stdout.decode("utf-8"), result.stderr.decode("utf-8")
    )


def test_the_subprocess_runs_cover_the_expensive_inputs():
    assert {
        "yaml-alias-bomb",
        "quote-five-mb",
        "huge-value",
        "source-fifo",
        "source-too-large",
        "evidence-yaml-fifo",
        "evidence-yaml-dev-zero",
        "hypotheses-yaml-fifo",
        "analyst-ratings-fifo",
    } <= set(SUBPROCESS_NAMES)


# --- importers: bounded time on small hostile files ---------------------------------------------


def test_a_stray_cell_far_right_in_a_workbook_is_read_quickly(write_case, runner, tmp_path):
    # 3,000 rows and one cell in the last column (XFD): 49 million cells if every row were
    # padded to the sheet's width, for a 30 KB file.
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "matrix"
    sheet.append(["id", "summary", "kind", "source", "credibility", "relevance", "accident"])
    sheet.append(["Id", "Summary", "Kind", "Source", "Credibility", "Relevance", "Accident"])
    sheet.append(["van", "", "", "", "medium", "medium", "II"])
    sheet.cell(row=4, column=16384, value="a note far to the right")
    for row in range(5, 3000):
        sheet.cell(row=row, column=1, value=None if row % 2 else "")
    path = tmp_path / "matrix.xlsx"
    workbook.save(path)
    folder = write_case()
    started = time.perf_counter()
    result = runner.invoke(main, ["import", "xlsx", str(path), "--into", str(folder)])
    assert time.perf_counter() - started < CLI_SECONDS
    assert result.exit_code == 0, result.output
    assert "van × accident: I → II" in result.stdout
    assert load_case(folder).case.evidence_by_id["van"].ratings["accident"] == "II"


def test_the_closest_passage_in_a_large_source_is_found_quickly(write_case):
    # A 1.9 MB source and a 4,000-character quote with one word changed: comparing the two
    # whole took minutes; the hint still shows the passage.
    import random

    from argmap.problems import CaseError

    words = [
        "fire",
        "alarm",
        "van",
        "yard",
        "night",
        "guard",
        "report",
        "smoke",
        "door",
        "harbour",
        "gate",
        "key",
    ]
    rng = random.Random(9)
    source = " ".join(rng.choice(words) for _ in range(330_000))
    passage = source[900_000:904_000].split(" ", 1)[1].rsplit(" ", 1)[0]
    quote = passage.replace(" ", " WRONG ", 1)
    evidence = (
        "sources:\n  - id: report\n    title: Report\n    file: sources/report.txt\n"
        f"evidence:\n  - id: q\n    summary: S.\n    source: report\n    quote: {quote}\n"
        "    ratings: {accident: C, arson: I, other: N}\n"
    )
    folder = write_case({"evidence/evidence.yaml": evidence, "evidence/sources/report.txt": source})
    started = time.perf_counter()
    with pytest.raises(CaseError) as caught:
        load_case(folder)
    assert time.perf_counter() - started < CLI_SECONDS
    [problem] = caught.value.problems
    assert problem.message == "quote not found in source 'report'"
    assert problem.hint.startswith("the closest passage in the source reads: ")
    shown = problem.hint.split('"')[1]
    assert len(shown) > 1000 and shown in source


# --- thousands of problems at once: each costs about the same, never a pass over the rest ---

THOUSANDS_SECONDS = 20
"""Bound on one `argmap check` of a case with thousands of problems, in a fresh process: a
slow two-core machine under load, for what takes a second or two where nothing else runs
(each of these took from half a minute to many minutes when the work grew as a square)."""


def _unknown_keys(case: Path) -> None:
    # One evidence item with 40,000 keys the model does not have.
    keys = "".join(f"    note-{i}: text\n" for i in range(40_000))
    _append(case / "evidence/evidence.yaml", keys)


def _unknown_premises(case: Path) -> None:
    # 2,000 statements, and 2,000 arguments that each rest on a premise that is no id.
    statements = "".join(f"  - id: statement-{i}\n    text: T.\n" for i in range(2_000))
    arguments = "".join(
        f"  - id: argument-{i}\n    claim: C.\n    premises: [premise-{i}]\n    supports: arson\n"
        for i in range(2_000)
    )
    _append(case / "hypotheses/case.yaml", f"statements:\n{statements}arguments:\n{arguments}")


def _duplicate_ids(case: Path) -> None:
    statements = "".join(f"  - id: same\n    text: T{i}.\n" for i in range(50_000))
    _append(case / "hypotheses/case.yaml", f"statements:\n{statements}")


def _own_parents(case: Path) -> None:
    hypotheses = "".join(
        f"  - id: h-{i}\n    title: H\n    statement: S.\n    parent: h-{i}\n"
        for i in range(20_000)
    )
    _append(case / "hypotheses/case.yaml", hypotheses)


def _misquotes(case: Path) -> None:
    # A 100 KB source and 300 quotes of 360 characters that are not in it.
    words = ["fire", "alarm", "van", "yard", "night", "guard", "smoke", "door", "gate", "key"]
    text = " ".join(words[(i * 7 + i // 10) % len(words)] for i in range(20_000))
    (case / "evidence/sources/long.txt").write_text(f"Report\n\n{text}\n", encoding="utf-8")
    quote = " ".join(words[(i * 3) % len(words)] for i in range(60)) + " nowhere"
    items = "".join(
        f"  - id: q-{i}\n    summary: S.\n    source: long\n    quote: {quote} {i}\n"
        for i in range(300)
    )
    sources = "sources:\n  - id: long\n    title: Long\n    file: sources/long.txt\n"
    (case / "evidence/more.yaml").write_text(f"{sources}evidence:\n{items}", encoding="utf-8")


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("make", "errors", "first"),
    [
        pytest.param(_unknown_keys, 40_000, "unknown key 'note-0'", id="40000-unknown-keys"),
        pytest.param(
            _unknown_premises,
            2_000,
            "premise 'premise-0' is not defined",
            id="2000-unknown-premises",
        ),
        pytest.param(
            _duplicate_ids, 49_999, "id 'same' is already used by", id="50000-duplicate-ids"
        ),
        pytest.param(_own_parents, 20_000, "parents form a cycle: h-0 → h-0", id="20000-cycles"),
        pytest.param(_misquotes, 300, "quote not found in source 'long'", id="300-misquotes"),
    ],
)
def test_thousands_of_problems_are_reported_quickly(tmp_path, make, errors, first):
    case = tmp_path / "case"
    shutil.copytree(BASE, case)
    make(case)
    started = time.perf_counter()
    result = subprocess.run(
        [*ARGMAP, "check", "case"],
        cwd=tmp_path,
        capture_output=True,
        timeout=THOUSANDS_SECONDS * 3,  # a hang fails the test instead of stalling the suite
        env={**os.environ, "PYTHONUTF8": "1"},
        check=False,
    )
    elapsed = time.perf_counter() - started
    stderr = result.stderr.decode("utf-8")
    assert result.returncode == 1, stderr[-2000:]
    lines = stderr.splitlines()
    assert lines[-1].startswith(f"{errors} error{'s' if errors != 1 else ''}, ")
    assert first in next(line for line in lines if ": error: " in line)
    assert elapsed < THOUSANDS_SECONDS, f"{elapsed:.1f} s"


def test_a_hierarchy_thousands_of_levels_deep_is_refused(tmp_path):
    # Whatever walks the hypotheses level by level would run out of stack.
    case = tmp_path / "case"
    shutil.copytree(BASE, case)
    _append(
        case / "hypotheses/case.yaml",
        "".join(
            f"  - id: h-{i}\n    title: H\n    statement: S.\n"
            + (f"    parent: h-{i - 1}\n" if i else "")
            for i in range(3_000)
        ),
    )
    started = time.perf_counter()
    with pytest.raises(CaseError) as caught:
        load_case(case)
    assert time.perf_counter() - started < THOUSANDS_SECONDS
    assert [p.message for p in caught.value.errors] == [
        "'h-64' lies more than 64 levels below its top hypothesis"
    ]


# --- source texts: a size limit, and linear work below it ----------------------------------

LARGE_SOURCE_SECONDS = 60
"""Hang guard of the subprocesses below; what they must take is CLI_SECONDS."""


def _run_check(cwd: Path) -> tuple[subprocess.CompletedProcess[bytes], float]:
    started = time.perf_counter()
    result = subprocess.run(
        [*ARGMAP, "check", "case"],
        cwd=cwd,
        capture_output=True,
        timeout=LARGE_SOURCE_SECONDS,
        preexec_fn=_limit_memory,
        env={**os.environ, "PYTHONUTF8": "1"},
        check=False,
    )
    return result, time.perf_counter() - started


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="resource limits need a POSIX system")
def test_a_200_mb_source_is_refused_before_it_is_read(tmp_path):
    # Reading it took minutes and gigabytes before failing with MemoryError.
    case = tmp_path / "case"
    shutil.copytree(BASE, case)
    block = (SOURCE_TEXT + "\n") * (1_000_000 // (len(SOURCE_TEXT) + 1))
    with open(case / "evidence/sources/report.txt", "w", encoding="utf-8") as source:
        for _ in range(200_000_000 // len(block) + 1):
            source.write(block)
    result, elapsed = _run_check(tmp_path)
    stderr = result.stderr.decode("utf-8")
    assert result.returncode == 1, stderr[-2000:]
    assert "Traceback" not in stderr and "MemoryError" not in stderr
    assert stderr.startswith(
        "case/evidence/evidence.yaml:4: error: sources[report].file: "
        "'sources/report.txt' is larger than 20 MB ("
    ), stderr
    assert elapsed < CLI_SECONDS, f"{elapsed:.1f} s"


def _large_source(limit: int) -> tuple[str, list[str]]:
    """A source text just under ``limit`` bytes of UTF-8, and two passages near its end.

    Not plain ASCII: an emoji makes Python hold every character in four bytes, and
    decomposed accents (NFD) take the slower road of normalisation."""
    paragraph = (
        "The harbour was quiet that night; the cafe\u0301 by the gate had closed at 22:00 "
        "and the guard\u2019s \u201cround\u201d \u2013 twice an hour \u2013 found nothing. "
        "\U0001f525\n\n"
    )
    passages = [
        "Witnesses saw two men leave the\nyard in a van.",
        "The alarm system had been switched off at 22:10.",
    ]
    tail = f"Harbour report\n\n{passages[0]}\n\n{passages[1]}\n"
    count = (limit - len(tail.encode()) - 4096) // len(paragraph.encode())
    return paragraph * count + tail, passages


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="resource limits need a POSIX system")
def test_quotes_in_a_source_just_under_the_limit_are_found_in_bounded_time_and_memory(tmp_path):
    # A 50 MB source took 13 s and 5.7 GB: lists of one number per character.
    from argmap.load import MAX_SOURCE_BYTES

    case = tmp_path / "case"
    shutil.copytree(BASE, case)
    text, passages = _large_source(MAX_SOURCE_BYTES)
    (case / "evidence/sources/report.txt").write_text(text, encoding="utf-8")
    result, elapsed = _run_check(tmp_path)
    stderr = result.stderr.decode("utf-8")
    assert result.returncode == 0, stderr[-2000:]
    assert elapsed < CLI_SECONDS, f"{elapsed:.1f} s"
    loaded = load_case(case).case
    for evidence_id, passage in zip(["van", "alarm"], passages, strict=True):
        span = loaded.quote_spans[evidence_id]
        assert text[span.start : span.end] == passage
        assert span.start == text.index(passage)
        assert span.paragraph == text[: span.start].count("\n\n") + 1
