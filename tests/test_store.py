"""The workshop store (argmap/workshop/store.py), the same tests on SQLite and on a real
PostgreSQL (tests/pg.py: skipped without it, a failure in CI): URLs, migrations, several
workshops in one database, participants, ratings, the discussion, proposals, admin links,
and writes from many threads at once."""

from __future__ import annotations

import shutil
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from argmap.problems import ArgmapError
from argmap.workshop.store import (
    POSTGRESQL,
    SCHEMA_VERSION,
    AlreadyInvited,
    Database,
    RemovedParticipant,
    Store,
    migration_statements,
    parse_db_url,
    token_digest,
)

from .conftest import REPO

pytestmark = [pytest.mark.server]

SCHEMA_1 = REPO / "tests" / "data" / "workshop" / "schema-1.sqlite"


# --- URLs -----------------------------------------------------------------------------------


def test_database_urls():
    assert parse_db_url("sqlite:///build/workshop.sqlite").path == Path("build/workshop.sqlite")
    assert parse_db_url("sqlite:////srv/argmap.sqlite").path == Path("/srv/argmap.sqlite")
    assert parse_db_url("build/w.sqlite").path == Path("build/w.sqlite")
    assert parse_db_url(Path("x.sqlite")).path == Path("x.sqlite")
    url = parse_db_url("postgresql://argmap:s3cret@db.example:5433/argmap")
    assert url.engine == "postgresql" and url.path is None
    assert url.conninfo == "postgresql://argmap:s3cret@db.example:5433/argmap"
    assert url.shown == "postgresql://argmap:***@db.example:5433/argmap"
    assert parse_db_url("postgres:///argmap?host=/run/postgresql").engine == "postgresql"


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("", "--db is empty"),
        ("mysql://me@host/db", "unknown database 'mysql'"),
        ("sqlite://build/w.sqlite", "sqlite:/// followed by the file's path"),
        ("sqlite:///", "sqlite:/// followed by the file's path"),
        ("postgresql://me:pw@host:port/db", "the port is not a number"),
        ("postgresql://me@host/db?password=pw", "not in ?password="),
        ("postgresql:me@host/db", "'postgresql:' is not a database URL"),
    ],
)
def test_a_bad_database_url_says_what_is_accepted(url, says):
    with pytest.raises(ArgmapError) as raised:
        parse_db_url(url)
    assert says in str(raised.value)
    assert "pw" not in str(raised.value).replace("password", "")


def test_an_unreachable_postgresql_is_one_message_without_the_password(pg_cluster, tmp_path):
    pytest.importorskip("psycopg")
    url = f"postgresql://argmap:s3cret@/argmap?host={tmp_path}&connect_timeout=2"
    with pytest.raises(ArgmapError) as raised:
        Database(url)
    message = str(raised.value)
    assert message.startswith("cannot reach the PostgreSQL database postgresql://argmap:***@")
    assert "s3cret" not in message


# --- migrations -----------------------------------------------------------------------------


def test_a_new_database_gets_the_whole_schema_once(db_url):
    database = Database(db_url)
    assert database.schema_version() == SCHEMA_VERSION
    assert database.workshops() == []
    Database(db_url)  # again: nothing to do
    assert database.schema_version() == SCHEMA_VERSION
    assert database.counts() == dict.fromkeys(
        ("workshops", "participants", "ratings", "comments", "proposals", "removed participants"),
        0,
    )


def test_a_database_of_a_newer_argmap_is_refused(db_url):
    Database(db_url).set_meta("schema", str(SCHEMA_VERSION + 1))
    with pytest.raises(ArgmapError, match="newer argmap"):
        Database(db_url)


def test_processes_opening_a_new_database_at_once_migrate_it_once(db_url):
    with ThreadPoolExecutor(6) as pool:
        opened = list(pool.map(lambda _: Database(db_url), range(6)))
    assert {d.schema_version() for d in opened} == {SCHEMA_VERSION}
    assert len({Store(d).workshop for d in opened}) == 1


def _schema_2_with_a_workshop(db_url: str) -> None:
    """What argmap wrote before schema 3, built from the migrations themselves."""
    database = Database(db_url, migrate=False)
    with database.engine.write() as db:
        db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        for version in (1, 2):
            for statement in migration_statements(version, database.dialect):
                db.execute(statement)
        for key, value in {
            "schema": "2",
            "facilitator_token": "f-token",
            "facilitator_csrf": "f-csrf",
            "round": "2",
            "revealed": "1",
            "case_digest": "abc",
        }.items():
            db.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (key, value))
        db.execute(
            "INSERT INTO participants (name, key, token, csrf, created) "
            "VALUES ('Ann', 'ann', 'a-token', 'a-csrf', '2026-11-01T10:00:00+00:00')"
        )
        db.execute("INSERT INTO ratings VALUES (1, 1, 'van', 'arson', 'CC', 'Two men.', 'then')")
        db.execute(
            "INSERT INTO comments (participant, round, evidence, hypothesis, text, created) "
            "VALUES (1, 1, 'van', NULL, ?, 'then')",
            ("Who saw them?",),
        )
        db.execute(
            "INSERT INTO proposals (participant, round, body, status, created) "
            "VALUES (1, 1, '{\"type\": \"hypothesis\"}', 'open', 'then')"
        )


def test_a_schema_2_database_becomes_workshop_1_of_schema_3(db_url):
    _schema_2_with_a_workshop(db_url)
    store = Store(db_url)
    assert store.meta("schema") == str(SCHEMA_VERSION)
    assert (store.workshop, store.facilitator_token, store.facilitator_csrf) == (
        1,
        "f-token",
        "f-csrf",
    )
    assert store.state() == (2, 1)
    assert store.meta("case_digest") == "abc"
    assert store.database.meta("facilitator_token") is None
    [ann] = store.participants()
    assert (ann.name, ann.token) == ("Ann", "a-token")
    assert [(c.vote, c.rationale) for c in store.cells(ann.id)[ann.id]] == [("CC", "Two men.")]
    assert [c.text for c in store.comments()] == ["Who saw them?"]
    assert [p.body for p in store.proposals()] == [{"type": "hypothesis"}]
    # New rows get new ids (PostgreSQL's identity columns start after the copied ones).
    bob = store.add_participant("Bob")
    assert bob.id == 2
    # A name is now unique within its workshop only.
    other = store.database.workshop(store.database.create_workshop("harbour"))
    assert other.add_participant("Ann").id == 3


def test_a_schema_3_database_with_a_participant_becomes_schema_4(db_url):
    """Schema 4 keeps removed participants (``removed``) and looks links up by their
    token's digest: a schema-3 database's participants get their digests, and can be
    removed and restored."""
    _schema_2_with_a_workshop(db_url)
    database = Database(db_url, migrate=False)
    with database._migration_step() as db:  # as argmap 3 migrated it (SQLite: keys checked after)
        for statement in migration_statements(3, database.dialect):
            db.execute(statement)
        db.execute("UPDATE meta SET value = '3' WHERE key = 'schema'")
        db.execute(
            "INSERT INTO participants (workshop, name, key, token, csrf, created) "
            "VALUES (1, 'Bob', 'bob', 'b-token', 'b-csrf', 'then')"
        )
        bob_id = db.execute("SELECT id FROM participants WHERE key = 'bob'").fetchone()[0]
        db.execute(
            "INSERT INTO ratings VALUES (?, 1, 'alarm', 'other', 'N', NULL, 'then')", (bob_id,)
        )
    assert database.schema_version() == 3
    store = Store(db_url)
    assert store.meta("schema") == str(SCHEMA_VERSION) == "4"
    ann = store.participant_by_token("a-token")
    bob = store.participant_by_token("b-token")
    assert (ann.name, ann.removed, bob.name, bob.id) == ("Ann", None, "Bob", bob_id)
    assert store.database.workshop_by_participant_token("b-token") == store.workshop
    assert sorted(store.cells()) == sorted([ann.id, bob.id])
    store.remove_participant(bob.id)
    assert store.participant_by_token("b-token") is None and list(store.cells()) == [ann.id]
    store.restore_participant(bob.id)
    assert store.participant_by_token("b-token") == bob
    assert store.cells(bob.id)[bob.id][0].vote == "N"
    # New participants get their digest too.
    carol = store.add_participant("Carol")
    assert store.participant_by_token(carol.token) == carol


def test_the_first_release_s_sqlite_file_keeps_working(tmp_path):
    db = tmp_path / "old.sqlite"
    shutil.copy(SCHEMA_1, db)
    store = Store(f"sqlite:///{db}")
    assert store.state() == (2, 1)
    assert {p.name for p in store.participants()} == {"Ann O'Neil", "Bob"}
    for person in store.participants():
        assert store.participant_by_token(person.token) == person
    with sqlite3.connect(db) as raw:
        assert raw.execute("PRAGMA foreign_key_check").fetchall() == []
        assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)


# --- one workshop -------------------------------------------------------------------------


def test_the_single_workshop_is_made_once_and_kept(db_url):
    first = Store(db_url)
    again = Store(db_url)
    assert first.workshop == again.workshop
    assert first.facilitator_token == again.facilitator_token != first.facilitator_csrf
    assert first.state() == (1, 0)
    assert first.case_ref == ""


def test_participants(db_url):
    store = Store(db_url)
    ann = store.add_participant("  Ann   O'Neil ")
    assert ann.name == "Ann O'Neil" and ann.key == "ann o'neil"
    with pytest.raises(AlreadyInvited, match="'Ann O'Neil' is already invited"):
        store.add_participant("ANN o'neil")
    bob = store.add_participant("Bob")
    assert store.participant_by_token(bob.token) == bob
    assert store.participant_by_token(bob.token[:-1] + "x") is None
    with pytest.raises(AlreadyInvited):
        store.rename_participant(bob.id, "ann O'Neil")
    renamed = store.rename_participant(bob.id, "Robert")
    assert (renamed.token, renamed.name) == (bob.token, "Robert")
    store.save_cell(bob.id, "van", "arson", "C", None)
    store.add_comment(bob.id, "van", None, "Hm.")
    store.add_proposal(bob.id, {"type": "hypothesis"})
    assert store.remove_participant(bob.id) == "Robert"
    assert store.participant_by_token(bob.token) is None
    assert store.cells() == {} and store.counts() == {}
    assert [c.participant for c in store.comments()] == [bob.id]
    assert [p.participant for p in store.proposals()] == [bob.id]
    with pytest.raises(ArgmapError, match="'Robert' has been removed already"):
        store.remove_participant(bob.id)
    with pytest.raises(ArgmapError, match="no such participant"):
        store.remove_participant(999)


def test_a_removed_participant_is_kept_and_can_be_restored(db_url):
    database = Database(db_url)
    store = database.workshop(database.create_workshop("warehouse"))
    ann, bob = store.add_participant("Ann"), store.add_participant("Bob")
    store.save_cell(bob.id, "van", "arson", "CC", "Two men.")
    store.save_cell(ann.id, "van", "arson", "I", None)
    store.reveal()
    store.next_round()
    store.save_cell(bob.id, "van", "arson", "C", None)
    store.remove_participant(bob.id)
    # Out of everything a participant counts in, their link dead at once...
    assert [p.name for p in store.participants()] == ["Ann"]
    assert [(p.id, p.name) for p in store.removed_participants()] == [(bob.id, "Bob")]
    assert store.removed_participants()[0].removed is not None
    assert store.participant_by_token(bob.token) is None
    assert database.workshop_by_participant_token(bob.token) is None
    assert list(store.cells()) == [ann.id]
    assert {f.analyst for f in store.analyst_ratings()} == {"Ann"}
    assert [w.participants for w in database.workshops()] == [1]
    # ...but nothing deleted: the rows are all there.
    assert database.counts()["ratings"] == 3
    with pytest.raises(ArgmapError, match="no such participant"):
        store.rename_participant(bob.id, "Robert")
    # The name is still theirs: inviting it again says so and makes no second Bob.
    with pytest.raises(RemovedParticipant, match="'Bob' belongs to a removed participant"):
        store.add_participant("  BOB ")
    with pytest.raises(RemovedParticipant, match="belongs to a removed participant"):
        store.rename_participant(ann.id, "bob")
    assert database.counts()["participants"] == 2
    assert store.participant_by_key("bob").removed is not None
    # Restored: the same link, every round's ratings back.
    restored = store.restore_participant(bob.id)
    assert (restored.id, restored.token, restored.csrf) == (bob.id, bob.token, bob.csrf)
    assert store.participant_by_token(bob.token) == bob
    assert database.workshop_by_participant_token(bob.token) == store.workshop
    assert store.removed_participants() == []
    assert [(f.analyst, f.round, f.ratings) for f in store.analyst_ratings(participant=bob.id)] == [
        ("Bob", 1, {"van": {"arson": "CC"}}),
        ("Bob", 2, {"van": {"arson": "C"}}),
    ]
    assert store.counts() == {(ann.id, 1): 1, (bob.id, 1): 1, (bob.id, 2): 1}
    with pytest.raises(ArgmapError, match="'Bob' has not been removed"):
        store.restore_participant(bob.id)
    with pytest.raises(ArgmapError, match="no such participant"):
        store.restore_participant(999)


def test_a_link_is_one_keyed_lookup_of_its_token_s_digest(db_url):
    database = Database(db_url)
    one = database.workshop(database.create_workshop("warehouse"))
    two = database.workshop(database.create_workshop("harbour"))
    people = [one.add_participant(f"Analyst {n}") for n in range(20)]
    other = two.add_participant("Analyst 3")
    for person in people:
        assert one.participant_by_token(person.token) == person
    assert two.participant_by_token(other.token) == other
    assert one.participant_by_token(other.token) is None  # another workshop's
    near = people[5].token[:-1] + ("A" if people[5].token[-1] != "A" else "B")
    assert one.participant_by_token(near) is None
    assert one.participant_by_token("") is None
    one.remove_participant(people[5].id)
    assert one.participant_by_token(people[5].token) is None
    assert one.participant_by_token(people[6].token) == people[6]
    # The digest is stored and unique-indexed, and the lookup goes through that index.
    query = (
        "SELECT id FROM participants WHERE token_digest = ? AND workshop = ? AND removed IS NULL"
    )
    with database.engine.connect() as db:
        stored = db.execute(
            "SELECT token_digest FROM participants WHERE id = ?", (people[0].id,)
        ).fetchone()[0]
        assert stored == token_digest(people[0].token)
        if database.dialect is POSTGRESQL:
            db.execute("SET enable_seqscan = off")  # a tiny table is read whole otherwise
            plan = " ".join(
                str(row[0])
                for row in db.execute("EXPLAIN " + query, (stored, one.workshop)).fetchall()
            )
            db.execute("RESET enable_seqscan")
        else:
            plan = " ".join(
                str(row[-1])
                for row in db.execute(
                    "EXPLAIN QUERY PLAN " + query, (stored, one.workshop)
                ).fetchall()
            )
    assert "participants_token_digest" in plan, plan
    with pytest.raises(Exception, match="(?i)unique"), database.engine.write() as db:
        db.execute("UPDATE participants SET token_digest = ? WHERE id = ?", (stored, people[1].id))


def test_ratings_rounds_and_reveal(db_url):
    store = Store(db_url)
    ann = store.add_participant("Ann")
    assert store.save_cell(ann.id, "van", "arson", "CC", "Two men.") == 1
    store.save_cell(ann.id, "van", "arson", "C", "Two men.")  # replaced, not added
    store.save_cell(ann.id, "alarm", "arson", None, "Unsure.")
    store.save_cell(ann.id, "van", "other", "N", None)
    store.save_cell(ann.id, "van", "other", None, None)  # cleared
    assert store.counts() == {(ann.id, 1): 1}
    with pytest.raises(ArgmapError, match="reveal round 1 before"):
        store.next_round()
    assert store.reveal() == 1
    with pytest.raises(ArgmapError, match="round 1 has been revealed"):
        store.save_cell(ann.id, "van", "arson", "I", None)
    assert store.next_round() == 2
    store.save_cell(ann.id, "van", "arson", "I", "Changed.")
    [one, two] = store.analyst_ratings()
    assert (one.round, one.ratings, one.rationale) == (
        1,
        {"van": {"arson": "C"}},
        {"alarm": {"arson": "Unsure."}, "van": {"arson": "Two men."}},
    )
    assert (two.round, two.ratings, str(two.path)) == (
        2,
        {"van": {"arson": "I"}},
        "ann.round2.yaml",
    )
    assert [f.round for f in store.analyst_ratings(up_to_round=1)] == [1]


def test_proposals_are_decided_once(db_url):
    store = Store(db_url)
    ann = store.add_participant("Ann")
    body = {"type": "evidence", "summary": "Ünïcode “quotes”", "quote": "x"}
    proposal = store.add_proposal(ann.id, body)
    assert store.proposal(proposal.id).body == body
    store.decide_proposal(proposal.id, "accepted", "Good.")
    with pytest.raises(ArgmapError, match="has been accepted already"):
        store.decide_proposal(proposal.id, "rejected", None)
    assert store.proposals()[0].reason == "Good."


# --- several workshops --------------------------------------------------------------------


def test_workshops_in_one_database_keep_to_themselves(db_url):
    database = Database(db_url)
    one = database.workshop(database.create_workshop("warehouse", "Round table"))
    two = database.workshop(database.create_workshop("harbour"))
    ann1, ann2 = one.add_participant("Ann"), two.add_participant("Ann")
    one.save_cell(ann1.id, "van", "arson", "CC", None)
    two.save_cell(ann2.id, "van", "arson", "II", None)
    one.add_comment(None, "van", None, "One's.")
    two.add_proposal(ann2.id, {"type": "hypothesis"})
    one.set_meta("case_digest", "one")
    one.reveal()
    assert [p.id for p in one.participants()] == [ann1.id]
    assert one.participant_by_token(ann2.token) is None
    assert list(one.cells()) == [ann1.id] and list(two.cells()) == [ann2.id]
    assert [c.text for c in one.comments()] == ["One's."] and two.comments() == []
    assert one.proposals() == [] and len(two.proposals()) == 1
    assert two.meta("case_digest") is None
    assert (one.state(), two.state()) == ((1, 1), (1, 0))
    with pytest.raises(ArgmapError, match="no such participant"):
        one.remove_participant(ann2.id)
    infos = database.workshops()
    assert [(w.case_ref, w.title, w.participants, w.revealed) for w in infos] == [
        ("warehouse", "Round table", 1, 1),
        ("harbour", "", 1, 0),
    ]
    assert database.workshop_by_facilitator_token(two.facilitator_token) == two.workshop
    assert database.workshop_by_facilitator_token("nope") is None
    with pytest.raises(ArgmapError, match="no workshop 99"):
        database.workshop(99)
    assert database.counts() == {
        "workshops": 2,
        "participants": 2,
        "ratings": 2,
        "comments": 1,
        "proposals": 1,
        "removed participants": 0,
    }


def test_admin_links_are_kept_rotated_and_revoked(db_url):
    database = Database(db_url)
    first = database.admin_token()
    assert database.admin_token() == first == Database(db_url).admin_token()
    assert database.is_admin_token(first) and not database.is_admin_token(first + "x")
    second = database.rotate_admin_token()
    assert second != first and database.admin_token() == second
    assert not database.is_admin_token(first) and database.is_admin_token(second)


# --- many writers -----------------------------------------------------------------------


def test_every_acknowledged_rating_is_stored_while_a_reveal_comes_in(db_url):
    """Eight participants rate from threads of their own while the facilitator reveals:
    each answered save is stored in round 1, each refused one is not, none is lost."""
    store = Store(db_url)
    people = [store.add_participant(f"P{n}") for n in range(8)]
    acknowledged: list[tuple[int, str]] = []
    lock = threading.Lock()
    started = threading.Barrier(len(people) + 1)

    def rate(person) -> None:
        mine = Store(Database(db_url), workshop=store.workshop)
        started.wait()
        for n in range(30):
            try:
                mine.save_cell(person.id, f"e{n}", "h", "C", None)
            except ArgmapError:
                continue
            with lock:
                acknowledged.append((person.id, f"e{n}"))

    threads = [threading.Thread(target=rate, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    started.wait()
    threading.Event().wait(0.05)
    store.reveal()
    for thread in threads:
        thread.join()
    stored = [(who, c.evidence) for who, cells in store.cells().items() for c in cells]
    assert sorted(stored) == sorted(acknowledged)
    assert {c.round for cells in store.cells().values() for c in cells} <= {1}


def test_postgresql_rows_a_write_depends_on_are_locked(postgres_url):
    """Several processes write one workshop at once: the state a write checks is locked."""
    assert POSTGRESQL.for_share == " FOR SHARE" and POSTGRESQL.for_update == " FOR UPDATE"
    store = Store(postgres_url)
    ann = store.add_participant("Ann")
    proposal = store.add_proposal(ann.id, {"type": "hypothesis"})
    others = [Store(Database(postgres_url), workshop=store.workshop) for _ in range(6)]

    def decide(other: Store) -> str:
        try:
            other.decide_proposal(proposal.id, "accepted", None)
        except ArgmapError as err:
            return str(err)
        return "decided"

    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(decide, others))
    assert answers.count("decided") == 1
    assert set(answers) - {"decided"} == {"this proposal has been accepted already"}


def test_without_postgresql_its_tests_skip_or_fail_in_ci(monkeypatch):
    from . import pg

    monkeypatch.setattr(pg, "_program", lambda name: None)
    monkeypatch.delenv("ARGMAP_REQUIRE_ALL_ENGINES", raising=False)
    assert "initdb is not installed" in str(pg.unavailable())
    with pytest.raises(pytest.skip.Exception, match=r"no PostgreSQL here: .* \(CI installs it\)"):
        pg.need_postgres()
    monkeypatch.setenv("ARGMAP_REQUIRE_ALL_ENGINES", "1")
    with pytest.raises(pytest.fail.Exception, match="ARGMAP_REQUIRE_ALL_ENGINES is set"):
        pg.need_postgres()


def test_a_new_sqlite_file_another_process_is_making_is_waited_for(tmp_path):
    """While another connection holds a write lock on a new file (as a process making it
    does), SQLite refuses the switch to WAL at once, without waiting out its busy timeout:
    the database is opened once the lock goes, not refused."""
    path = tmp_path / "workshop.db"
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("CREATE TABLE made_first (x)")
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO made_first VALUES (1)")
    with pytest.raises(sqlite3.OperationalError, match="locked"):  # at once, as described
        sqlite3.connect(path, timeout=5, isolation_level=None).execute("PRAGMA journal_mode=WAL")
    release = threading.Timer(0.3, lambda: other.execute("COMMIT"))
    release.start()
    try:
        database = Database(f"sqlite:///{path}")
    finally:
        release.join()
        other.close()
    assert database.schema_version() == SCHEMA_VERSION
