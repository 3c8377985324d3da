"""Shared fixtures: small cases written into temporary folders, and the CLI runner."""

from __future__ import annotations

import os
import select
import shutil
import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, settings

# Property tests never fail on a slow machine's timing, and in CI they replay the same
# examples every run (a new counterexample is found by developers' random runs, not by CI).
settings.register_profile(
    "argmap",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=bool(os.environ.get("CI")),
)
settings.load_profile("argmap")

# argmap keeps compiled templates and font subsets in a cache folder (argmap/cache.py): the
# tests keep theirs apart from the user's, one per run, shared with the commands they start.
if "ARGMAP_CACHE_DIR" not in os.environ:
    import tempfile

    os.environ["ARGMAP_CACHE_DIR"] = tempfile.mkdtemp(prefix="argmap-test-cache-")

REPO = Path(__file__).resolve().parent.parent
EXTERNAL = REPO / "tests" / "data" / "external"
"""Files written by other tools (Argdown, AIF, Carneades), with their licences: SOURCES.md."""


def data_files(folder: Path, pattern: str, *, at_least: int = 1) -> list[Path]:
    """The files of a test-data folder, sorted, for parametrising a test.

    An empty or missing folder is a broken checkout, not a reason to skip: fail at collection
    (pytest would otherwise skip the test as "got empty parameter set").
    """
    files = sorted(folder.glob(pattern))
    if len(files) < at_least:
        raise pytest.UsageError(
            f"expected at least {at_least} {pattern} files in {folder}, found {len(files)}"
        )
    return files


SOURCE_TEXT = """\
Harbour report

The fire started shortly after 23:00 on 3 March. Witnesses saw two men leave the
yard in a van.

The alarm system had been switched off at 22:10. Inspectors had flagged the wiring
as outdated a year earlier.
"""

HYPOTHESES = """\
title: Warehouse fire
question: What caused the fire?
hypotheses:
  - id: accident
    title: Accident
    statement: The fire was an accident.
  - id: arson
    title: Arson
    statement: Someone set the fire.
  - id: other
    title: Other
    statement: Something else.
"""

HYPOTHESES_WITH_GROUP = """\
title: Warehouse fire
question: What caused the fire?
hypotheses:
  - id: accident
    title: Accident
    statement: The fire was an accident.
  - id: crime
    title: Crime
    statement: Someone caused it on purpose.
  - id: arson
    title: Arson
    statement: Someone set the fire.
    parent: crime
  - id: other
    title: Other
    statement: Something else.
"""
"""The warehouse case with `arson` a child of the group `crime`."""

SOURCES = """\
sources:
  - id: report
    title: Harbour report
    file: sources/report.txt
"""
"""The warehouse case's one source, for evidence files that add their own items."""

EVIDENCE = (
    SOURCES
    + """\
evidence:
  - id: van
    summary: Two men left in a van.
    source: report
    quote: Witnesses saw two men leave the yard in a van.
    ratings: {accident: I, arson: C, other: N}
  - id: alarm
    summary: The alarm was switched off.
    source: report
    quote: The alarm system had been switched off at 22:10.
    credibility: high
    ratings: {accident: II, arson: CC, other: N}
"""
)

WriteCase = Callable[..., Path]


ARGMAP = "from argmap.cli import main; main()"
"""The program of :class:`LinkedProcess` that runs argmap's command line."""


class LinkedProcess:
    """A server in a subprocess whose first line of output is its link (``argmap edit``,
    ``argmap workshop serve``, ``argmap server``): ``python -c CODE ARGUMENTS``, started and
    waited for (30 s at most); its standard error goes to ``log``."""

    def __init__(self, arguments: list[object], log: Path, code: str = ARGMAP):
        self.log_path = log
        self.log = log.open("a")
        self.process = subprocess.Popen(
            [sys.executable, "-c", code, *map(str, arguments)],
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
        )
        assert self.process.stdout is not None
        ready, _, _ = select.select([self.process.stdout], [], [], 30)
        if not ready:
            self.process.kill()
            pytest.fail(f"{arguments[:2]} printed no link within 30 s: {log.read_text()}")
        self.link = self.process.stdout.readline().strip()
        assert self.link.startswith("http://127.0.0.1:"), (self.link, log.read_text())

    def kill(self, sig: int = signal.SIGKILL, wait: float = 10) -> None:
        if self.process.poll() is None:
            os.kill(self.process.pid, sig)
        self.process.wait(wait)
        self.log.close()


def write_case_files(folder: Path, files: dict[str, str]) -> Path:
    """Write ``{relative path: text}`` into ``folder`` (text is dedented)."""
    for relative, text in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


@pytest.fixture
def write_case(tmp_path: Path) -> WriteCase:
    """Write a case; any file can be replaced, added, or removed (pass None)."""

    def write(files: dict[str, str | None] | None = None, *, name: str = "case") -> Path:
        base: dict[str, str | None] = {
            "hypotheses/case.yaml": HYPOTHESES,
            "evidence/evidence.yaml": EVIDENCE,
            "evidence/sources/report.txt": SOURCE_TEXT,
        }
        base.update(files or {})
        folder = tmp_path / name
        return write_case_files(folder, {k: v for k, v in base.items() if v is not None})

    return write


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def need_system_dot() -> None:
    """Skip without a system Graphviz, visibly; in CI (which installs it) fail instead."""
    if shutil.which("dot"):
        return
    if os.environ.get("ARGMAP_REQUIRE_ALL_ENGINES"):
        pytest.fail("system Graphviz 'dot' is missing but ARGMAP_REQUIRE_ALL_ENGINES is set")
    pytest.skip("no system Graphviz here (CI installs it)")


@pytest.fixture(params=["system", "pure"])
def dot_engine(request, monkeypatch) -> str:
    """Each Graphviz engine in turn, chosen through ARGMAP_DOT: system dot (skipped without
    it, a failure in CI) and the pip engine."""
    if request.param == "system":
        need_system_dot()
    monkeypatch.setenv("ARGMAP_DOT", request.param)
    return request.param


@pytest.fixture(scope="module")
def report_file(tmp_path_factory) -> Path:
    """The shipped case's HTML report, written once per test module."""
    from click.testing import CliRunner

    from argmap.cli import main

    out = tmp_path_factory.mktemp("report") / "report.html"
    result = CliRunner().invoke(main, ["report", str(REPO), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def browser():
    """The system Chromium driven by Playwright, one per test module (tests/test_browser.py
    says where it is found; without it the test skips, or fails in CI)."""
    from .test_browser import CHROMIUM_ARGS, _chromium, playwright_api

    executable = _chromium()
    with playwright_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def pg_cluster():
    """One throwaway PostgreSQL cluster for the whole session, started on first use
    (tests/pg.py); None where there is none."""
    from .pg import cluster_fixture

    yield from cluster_fixture()


@pytest.fixture
def postgres_url(pg_cluster) -> str:
    """A URL to a new, empty PostgreSQL database (skipped without PostgreSQL; a failure
    with ARGMAP_REQUIRE_ALL_ENGINES)."""
    from .pg import need_postgres

    need_postgres()
    return pg_cluster.new_database()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> str:
    """Each store in turn: a new SQLite file and a new PostgreSQL database (skipped without
    PostgreSQL; a failure with ARGMAP_REQUIRE_ALL_ENGINES)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'workshop.sqlite'}"
    return request.getfixturevalue("postgres_url")
