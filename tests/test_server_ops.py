"""`argmap server check`, `backup` and `admin-link` (docs/team-server.md) on SQLite and on a
real PostgreSQL (tests/pg.py), through the command line."""

from __future__ import annotations

import shutil
import sqlite3
import zipfile

import pytest
import yaml

from argmap.cli import main
from argmap.load import load_case
from argmap.workshop.store import SCHEMA_VERSION, Database, Store

from .conftest import REPO

pytestmark = [pytest.mark.server]

SCHEMA_1 = REPO / "tests" / "data" / "workshop" / "schema-1.sqlite"


def _run(runner, *arguments: str, code: int = 0):
    result = runner.invoke(main, ["server", *arguments])
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    return result


def _two_workshops(db_url: str) -> Database:
    """Workshop 1 on the served case (Ann in two rounds, Bob), workshop 2 on "harbour"."""
    store = Store(db_url)
    store.set_meta("case_digest", "0" * 64)
    ann, bob = store.add_participant("Ann O'Neil"), store.add_participant("Bob")
    store.save_cell(ann.id, "van", "arson", "CC", 'Two men, "at night".')
    store.save_cell(ann.id, "alarm", "accident", "I", None)
    store.save_cell(bob.id, "van", "arson", "C", "Ünïcode: 夜")
    store.reveal()
    store.next_round()
    store.save_cell(ann.id, "van", "arson", "C", "Changed my mind.")
    database = store.database
    other = database.workshop(database.create_workshop("harbour fire", "Harbour"))
    other.add_participant("Cy")
    return database


def test_check_reports_the_schema_and_the_counts(db_url, runner):
    _two_workshops(db_url)
    lines = _run(runner, "check", "--db", db_url).output.splitlines()
    assert lines[0].endswith(": reachable")
    assert lines[0].startswith("database: ")
    assert ("SQLite" if db_url.startswith("sqlite") else "PostgreSQL") in lines[0]
    assert lines[1] == f"schema: {SCHEMA_VERSION} (current)"
    assert lines[2] == (
        "workshops: 2, participants: 3, ratings: 4, comments: 0, proposals: 0, "
        "removed participants: 0"
    )
    # A removed participant is kept (for a restore), and counted as such.
    database = Database(db_url)
    store = database.workshop(1)
    store.remove_participant(store.participants()[0].id)
    lines = _run(runner, "check", "--db", db_url).output.splitlines()
    assert lines[2].endswith(
        "participants: 3, ratings: 4, comments: 0, proposals: 0, removed participants: 1"
    )


def test_check_leaves_an_older_database_as_it_is(tmp_path, runner):
    db = tmp_path / "old.sqlite"
    shutil.copy(SCHEMA_1, db)
    output = _run(runner, "check", "--db", f"sqlite:///{db}").output
    assert "schema: 1, older than this argmap's" in output
    assert "migrated in place the next time a server starts" in output
    with sqlite3.connect(db) as raw:
        assert raw.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone() == ("1",)


def test_check_refuses_what_is_no_workshop_database(tmp_path, runner, pg_cluster):
    text = tmp_path / "notes.sqlite"
    text.write_text("not a database\n" * 100)
    result = _run(runner, "check", "--db", f"sqlite:///{text}", code=1)
    assert "not a workshop database" in result.output
    result = _run(runner, "check", "--db", f"sqlite:///{tmp_path / 'none.sqlite'}", code=1)
    assert "no workshop database at" in result.output
    assert not (tmp_path / "none.sqlite").exists()
    result = _run(runner, "check", "--db", "mysql://x@y/z", code=1)
    assert "unknown database 'mysql'" in result.output


def test_check_on_an_unreachable_or_empty_postgresql(postgres_url, tmp_path, runner):
    url = f"postgresql://argmap:s3cret@/argmap?host={tmp_path}&connect_timeout=2"
    result = _run(runner, "check", "--db", url, code=1)
    assert "cannot reach the PostgreSQL database postgresql://argmap:***@" in result.output
    assert "s3cret" not in result.output
    result = _run(runner, "check", "--db", postgres_url, code=1)
    assert "no workshop database is there yet" in result.output


def test_backup_holds_every_workshops_ratings_files_for_merge(db_url, runner, write_case, tmp_path):
    _two_workshops(db_url)
    out = tmp_path / "backup.zip"
    result = _run(runner, "backup", "--db", db_url, "-o", str(out))
    assert f"wrote {out} (2 workshops)" in result.output
    again = tmp_path / "again.zip"
    _run(runner, "backup", "--db", db_url, "-o", str(again))
    assert out.read_bytes() == again.read_bytes()  # the same database, the same bytes
    assert out.stat().st_mode & 0o777 == 0o600
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        assert names == [
            "workshop-001-case/ann-o-neil.round2.yaml",
            "workshop-001-case/ann-o-neil.yaml",
            "workshop-001-case/bob.yaml",
            "workshops.yaml",
        ]
        listing = yaml.safe_load(archive.read("workshops.yaml"))
        archive.extractall(tmp_path / "backup")
    assert [(w["id"], w["case"], w["folder"], w["files"]) for w in listing["workshops"]] == [
        (1, "", "workshop-001-case", 3),
        (2, "harbour fire", "workshop-002-harbour-fire", 0),
    ]
    case = write_case()
    files = sorted(str(p) for p in (tmp_path / "backup" / "workshop-001-case").iterdir())
    merged = runner.invoke(main, ["workshop", "merge", *files, "--into", str(case)])
    assert merged.exit_code == 0, merged.output
    loaded = load_case(case)
    taken = {(f.analyst, f.round): (f.ratings, f.rationale) for f in loaded.ratings}
    assert taken == {
        ("Ann O'Neil", 1): (
            {"van": {"arson": "CC"}, "alarm": {"accident": "I"}},
            {"van": {"arson": 'Two men, "at night".'}},
        ),
        ("Ann O'Neil", 2): ({"van": {"arson": "C"}}, {"van": {"arson": "Changed my mind."}}),
        ("Bob", 1): ({"van": {"arson": "C"}}, {"van": {"arson": "Ünïcode: 夜"}}),
    }


def test_backup_keeps_a_removed_participants_ratings_apart(db_url, runner, write_case, tmp_path):
    """A removed participant's ratings are kept for a restore, so the backup holds them too,
    in the workshop's removed/ folder: merging the workshop's own files leaves them out."""
    database = _two_workshops(db_url)
    store = database.workshop(1)
    bob = next(p for p in store.participants() if p.name == "Bob")
    store.remove_participant(bob.id)
    out = tmp_path / "backup.zip"
    result = _run(runner, "backup", "--db", db_url, "-o", str(out))
    assert "2 ratings files in workshop-001-case/" in result.output
    assert "1 of removed participants in workshop-001-case/removed/" in result.output
    with zipfile.ZipFile(out) as archive:
        assert archive.namelist() == [
            "workshop-001-case/ann-o-neil.round2.yaml",
            "workshop-001-case/ann-o-neil.yaml",
            "workshop-001-case/removed/bob.yaml",
            "workshops.yaml",
        ]
        listing = yaml.safe_load(archive.read("workshops.yaml"))
        kept = yaml.safe_load(archive.read("workshop-001-case/removed/bob.yaml"))
        archive.extractall(tmp_path / "backup")
    assert [(w["files"], w["removed_participants_files"]) for w in listing["workshops"]] == [
        (2, 1),
        (0, 0),
    ]
    assert kept["analyst"] == "Bob" and kept["ratings"] == {"van": {"arson": "C"}}
    case = write_case()
    merged = runner.invoke(
        main,
        ["workshop", "merge", *map(str, (tmp_path / "backup" / "workshop-001-case").glob("*.yaml"))]
        + ["--into", str(case)],
    )
    assert merged.exit_code == 0, merged.output
    assert {f.analyst for f in load_case(case).ratings} == {"Ann O'Neil"}


def test_backup_refuses_a_database_to_migrate_first(tmp_path, runner):
    db = tmp_path / "old.sqlite"
    shutil.copy(SCHEMA_1, db)
    result = _run(runner, "backup", "--db", str(db), "-o", str(tmp_path / "b.zip"), code=1)
    assert "schema 1, this argmap backs up schema" in result.output
    assert not (tmp_path / "b.zip").exists()


def test_admin_link_is_kept_until_rotated(db_url, runner):
    Database(db_url).set_meta("base_url", "https://argmap.example")
    first = _run(runner, "admin-link", "--db", db_url).output.strip()
    assert first.startswith("https://argmap.example/admin/")
    assert _run(runner, "admin-link", "--db", db_url).output.strip() == first
    second = _run(runner, "admin-link", "--db", db_url, "--rotate").output.strip()
    assert second != first
    database = Database(db_url)
    assert not database.is_admin_token(first.rsplit("/", 1)[1])
    assert database.is_admin_token(second.rsplit("/", 1)[1])
