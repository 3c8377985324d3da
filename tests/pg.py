"""A throwaway PostgreSQL cluster for the tests: started once per test session in a
temporary folder (as the postgres user when the tests run as root, since initdb refuses
root), reached over a Unix socket in that folder only, stopped and deleted at the end.

Without PostgreSQL's server programs (Debian: the postgresql package) or psycopg, the tests
that need it skip, visibly; with ARGMAP_REQUIRE_ALL_ENGINES set (CI) they fail instead.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest


def _program(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        # The program itself, not a link to it on PATH: the postgres user may not be able to
        # open the folder the link is in (CI's PATH without Graphviz is a private folder).
        return os.path.realpath(found)
    # Debian keeps the server's programs off PATH, one folder per major version.
    versions = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=_version)
    return versions[-1] if versions else None


def _version(path: str) -> int:
    part = Path(path).parent.parent.name
    return int(part) if part.isdigit() else 0


def unavailable() -> str | None:
    """Why no cluster can be started here, or None."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed (pip install 'argmap[postgres]')"
    for name in ("initdb", "pg_ctl"):
        if _program(name) is None:
            return f"PostgreSQL's {name} is not installed (Debian: apt-get install postgresql)"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root without runuser to start PostgreSQL as the postgres user"
    return None


def need_postgres() -> None:
    """Skip without PostgreSQL, visibly; with ARGMAP_REQUIRE_ALL_ENGINES (CI) fail."""
    why = unavailable()
    if why is None:
        return
    if os.environ.get("ARGMAP_REQUIRE_ALL_ENGINES"):
        pytest.fail(f"{why}, but ARGMAP_REQUIRE_ALL_ENGINES is set")
    pytest.skip(f"no PostgreSQL here: {why} (CI installs it)")


class Cluster:
    """A running cluster; :meth:`new_database` gives each test a database of its own."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="argmap-pg-"))
        self.data = self.folder / "data"
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
            self.as_user = ["runuser", "-u", "postgres", "--"]
        self._names = itertools.count(1)
        self._run(
            _program("initdb"), "-D", self.data, "-U", "postgres", "-A", "trust",
            "--no-sync", "-E", "UTF8", "--locale", "C",
        )  # fmt: skip
        options = f"-k {self.folder} -c listen_addresses='' -c fsync=off -c max_connections=200"
        self._run(
            _program("pg_ctl"), "-D", self.data, "-o", options, "-l", self.folder / "log",
            "-w", "-t", "60", "start",
        )  # fmt: skip
        self.admin_url = f"postgresql://postgres@/postgres?host={self.folder}"

    def _run(self, *command: object) -> None:
        result = subprocess.run(
            [*self.as_user, *map(str, command)], capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            log = self.folder / "log"
            raise RuntimeError(
                f"{command[0]} failed ({result.returncode}): {result.stderr}{result.stdout}"
                + (log.read_text() if log.exists() else "")
            )

    def new_database(self) -> str:
        """A URL to a new, empty database."""
        import psycopg

        name = f"t{next(self._names)}"
        with psycopg.connect(self.admin_url, autocommit=True) as admin:
            admin.execute(f"CREATE DATABASE {name}")
        return f"postgresql://postgres@/{name}?host={self.folder}"

    def stop(self) -> None:
        try:
            self._run(_program("pg_ctl"), "-D", self.data, "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


def cluster_fixture() -> Iterator[Cluster | None]:
    if unavailable():
        yield None
        return
    cluster = Cluster()
    try:
        yield cluster
    finally:
        cluster.stop()
