"""The live workshops' state in one database — a SQLite file or a PostgreSQL database:
workshops and the case each is on, participants and their secret links, every rating as it
is entered, the discussion, the proposals, and the team server's admin links
(docs/workshops.md, *Live workshops*; docs/team-server.md).

:class:`Database` is the database (``sqlite:///path`` or ``postgresql://…``, see
:func:`parse_db_url`); :class:`Store` is one workshop in it, the API `argmap workshop serve`
uses (``Store(path)``: the SQLite file's one workshop, made on first use).

SQLite: each operation opens its own connection, so the server's worker threads and a
separate `argmap workshop invite` process can share the file; the journal is in WAL mode and
every write is one transaction taken at once (``BEGIN IMMEDIATE``), committed with
``synchronous=FULL`` before the method returns. PostgreSQL (the ``argmap[postgres]`` extra,
psycopg 3): connections are kept in a small per-process pool; every write is one
transaction, committed before the method returns; rows whose state a write depends on (the
workshop's round, a proposal's decision) are locked with ``FOR SHARE``/``FOR UPDATE``, so
several server processes can write at once.

The schema grows by numbered migrations (:data:`MIGRATIONS`), applied in place when a
database is opened, all in one transaction per step: a database written by an earlier
version keeps working, and one written by a newer version is refused. The SQL is written
once for both engines; the few places they differ (an identity column, row locks, the
rebuild of a table SQLite cannot alter) come from :class:`Dialect`. No ORM and no migration
tool: the schema is a handful of tables, and a numbered list of statements is all either
would give us here (docs/team-server.md, *Migrations*).
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import sqlite3
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qsl, unquote, urlsplit, urlunsplit

from ..problems import ArgmapError
from ..ratingsfile import AnalystRatings, analyst_key, ratings_file_name

__all__ = [
    "AlreadyInvited",
    "RemovedParticipant",
    "Cell",
    "Comment",
    "Database",
    "DatabaseUrl",
    "Dialect",
    "MIGRATIONS",
    "POSTGRESQL",
    "Participant",
    "Proposal",
    "SCHEMA_VERSION",
    "Store",
    "WorkshopInfo",
    "migration_statements",
    "new_token",
    "parse_db_url",
    "token_digest",
]

BUSY_TIMEOUT_MS = 15_000
MAX_ROUND = 99
POOL_SIZE = 8
"""PostgreSQL connections a process keeps open between operations."""
CONNECT_TIMEOUT_S = 10


# --- database URLs --------------------------------------------------------------------------


@dataclass(frozen=True)
class DatabaseUrl:
    """Where the database is: a SQLite file (``path``) or a PostgreSQL connection string
    (``conninfo``, a libpq URL). ``shown`` is the URL with any password hidden, for
    messages and logs."""

    engine: str
    """``sqlite`` or ``postgresql``."""
    shown: str
    path: Path | None = None
    conninfo: str | None = None


_URL_FORMS = (
    "give sqlite:///PATH (a SQLite file, PATH relative to the current folder; "
    "sqlite:////PATH for an absolute one), a plain file path, or "
    "postgresql://USER:PASSWORD@HOST:PORT/DATABASE"
)


def parse_db_url(text: str | Path) -> DatabaseUrl:
    """Read ``--db``: ``sqlite:///relative/path``, ``sqlite:////absolute/path``, a plain
    path (a SQLite file), or ``postgresql://`` (also ``postgres://``) with a libpq URL's
    parts. Raises :class:`ArgmapError` saying what is wrong and what is accepted."""
    if isinstance(text, Path):
        return DatabaseUrl("sqlite", str(text), path=text)
    value = text.strip()
    if not value:
        raise ArgmapError(f"--db is empty: {_URL_FORMS}")
    if "://" not in value:
        if ":" in value.split("/")[0] and not Path(value).exists():
            scheme = value.split(":")[0]
            raise ArgmapError(f"--db {value!r}: '{scheme}:' is not a database URL: {_URL_FORMS}")
        return DatabaseUrl("sqlite", value, path=Path(value))
    scheme, rest = value.split("://", 1)
    scheme = scheme.lower()
    if scheme == "sqlite":
        if not rest.startswith("/") or rest == "/":
            raise ArgmapError(
                f"--db {value!r}: a SQLite URL is sqlite:/// followed by the file's path "
                "(sqlite:///build/workshop.sqlite, or sqlite:////srv/argmap.sqlite for an "
                "absolute path)"
            )
        path = unquote(rest[1:].split("?", 1)[0])
        return DatabaseUrl("sqlite", f"sqlite:///{path}", path=Path(path))
    if scheme in ("postgresql", "postgres"):
        parts = urlsplit(value)
        try:
            parts.port  # noqa: B018 - checks the port is a number
        except ValueError:
            raise ArgmapError(f"--db {_hidden(value)!r}: the port is not a number") from None
        if parts.fragment:
            raise ArgmapError(f"--db {_hidden(value)!r}: a database URL has no '#' part")
        for key, _ in parse_qsl(parts.query, keep_blank_values=True):
            if key == "password":
                shown = urlunsplit(parts._replace(query="", netloc=parts.netloc))
                raise ArgmapError(
                    f"--db {_hidden(shown)!r}: put the password in the URL's user part "
                    "(postgresql://user:password@host/db), in PGPASSWORD or in ~/.pgpass, "
                    "not in ?password="
                )
        return DatabaseUrl("postgresql", _hidden(value), conninfo=value)
    raise ArgmapError(f"--db {_hidden(value)!r}: unknown database '{scheme}': {_URL_FORMS}")


def _hidden(url: str) -> str:
    """``url`` with the password, if any, shown as ***."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))


# --- dialects and migrations -----------------------------------------------------------------


@dataclass(frozen=True)
class Dialect:
    """What the two engines spell differently."""

    name: str
    identity: str
    """A generated integer primary key."""
    for_share: str
    """Appended to a SELECT whose row a write depends on (others may read it too)."""
    for_update: str
    """Appended to a SELECT whose row this transaction will change."""


SQLITE = Dialect("sqlite", "INTEGER PRIMARY KEY", "", "")
# SQLite's write transactions are taken whole (BEGIN IMMEDIATE), so it needs no row locks.
POSTGRESQL = Dialect(
    "postgresql",
    "INTEGER GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
    " FOR SHARE",
    " FOR UPDATE",
)

Step = tuple[str, ...]

MIGRATIONS: dict[int, Step | dict[str, Step]] = {
    # 1: the first release: participants and ratings (the workshop's state was in meta).
    1: (
        """CREATE TABLE IF NOT EXISTS participants (
    id {identity},
    name TEXT NOT NULL,
    key TEXT NOT NULL UNIQUE,
    token TEXT NOT NULL UNIQUE,
    csrf TEXT NOT NULL,
    created TEXT NOT NULL
)""",
        """CREATE TABLE IF NOT EXISTS ratings (
    participant INTEGER NOT NULL REFERENCES participants(id),
    round INTEGER NOT NULL,
    evidence TEXT NOT NULL,
    hypothesis TEXT NOT NULL,
    vote TEXT,
    rationale TEXT,
    updated TEXT NOT NULL,
    PRIMARY KEY (participant, round, evidence, hypothesis)
)""",
    ),
    # 2: the discussion (comments on a cell or an item; participant NULL: the facilitator's)
    # and participants' proposals.
    2: (
        """CREATE TABLE comments (
    id {identity},
    participant INTEGER REFERENCES participants(id),
    round INTEGER NOT NULL,
    evidence TEXT NOT NULL,
    hypothesis TEXT,
    text TEXT NOT NULL,
    created TEXT NOT NULL,
    by_facilitator INTEGER NOT NULL DEFAULT 0
)""",
        """CREATE TABLE proposals (
    id {identity},
    participant INTEGER REFERENCES participants(id),
    round INTEGER NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL,
    reason TEXT,
    decided TEXT,
    created TEXT NOT NULL
)""",
    ),
    # 3: several workshops, on several cases, in one database (the team server): a
    # workshops table takes the state meta held (a database of version 1 or 2 becomes its
    # workshop 1); participants, comments and proposals belong to a workshop (a name is
    # unique within its workshop); per-workshop settings; the admin links.
    3: {
        "common": (
            """CREATE TABLE workshops (
    id {identity},
    case_ref TEXT NOT NULL,
    title TEXT NOT NULL,
    facilitator_token TEXT NOT NULL UNIQUE,
    facilitator_csrf TEXT NOT NULL,
    round INTEGER NOT NULL DEFAULT 1,
    revealed INTEGER NOT NULL DEFAULT 0,
    created TEXT NOT NULL
)""",
            """CREATE TABLE workshop_meta (
    workshop INTEGER NOT NULL REFERENCES workshops(id),
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (workshop, key)
)""",
            """CREATE TABLE admin_links (
    id {identity},
    token TEXT NOT NULL UNIQUE,
    created TEXT NOT NULL,
    revoked TEXT
)""",
            """INSERT INTO workshops
    (case_ref, title, facilitator_token, facilitator_csrf, round, revealed, created)
SELECT '', '', t.value, c.value, CAST(r.value AS INTEGER), CAST(v.value AS INTEGER),
    COALESCE((SELECT MIN(created) FROM participants), '')
FROM meta t, meta c, meta r, meta v
WHERE t.key = 'facilitator_token' AND c.key = 'facilitator_csrf' AND r.key = 'round'
    AND v.key = 'revealed'""",
            """INSERT INTO workshop_meta (workshop, key, value)
SELECT w.id, m.key, m.value FROM workshops w, meta m WHERE m.key IN ('case_digest', 'base_url')""",
            "DELETE FROM meta WHERE key <> 'schema'",
            "ALTER TABLE comments ADD COLUMN workshop INTEGER REFERENCES workshops(id)",
            "UPDATE comments SET workshop = (SELECT MIN(id) FROM workshops)",
            "CREATE INDEX comments_workshop ON comments (workshop)",
            "ALTER TABLE proposals ADD COLUMN workshop INTEGER REFERENCES workshops(id)",
            "UPDATE proposals SET workshop = (SELECT MIN(id) FROM workshops)",
            "CREATE INDEX proposals_workshop ON proposals (workshop)",
        ),
        # A name is unique within a workshop, no longer in the database.
        "sqlite": (
            """CREATE TABLE participants_3 (
    id INTEGER PRIMARY KEY,
    workshop INTEGER NOT NULL REFERENCES workshops(id),
    name TEXT NOT NULL,
    key TEXT NOT NULL,
    token TEXT NOT NULL UNIQUE,
    csrf TEXT NOT NULL,
    created TEXT NOT NULL,
    UNIQUE (workshop, key)
)""",
            """INSERT INTO participants_3 (id, workshop, name, key, token, csrf, created)
SELECT id, (SELECT MIN(id) FROM workshops), name, key, token, csrf, created FROM participants""",
            "DROP TABLE participants",
            "ALTER TABLE participants_3 RENAME TO participants",
        ),
        "postgresql": (
            "ALTER TABLE participants ADD COLUMN workshop INTEGER REFERENCES workshops(id)",
            "UPDATE participants SET workshop = (SELECT MIN(id) FROM workshops)",
            "ALTER TABLE participants ALTER COLUMN workshop SET NOT NULL",
            "ALTER TABLE participants DROP CONSTRAINT participants_key_key",
            "ALTER TABLE participants ADD CONSTRAINT participants_workshop_key "
            "UNIQUE (workshop, key)",
        ),
    },
    # 4: a removed participant is kept, marked (``removed``: when; NULL: taking part), with
    # their ratings, comments and proposals, and can be restored; a link is looked up by
    # its token's SHA-256 (``token_digest``, unique), so the lookup is keyed and its timing
    # says nothing about the token itself.
    4: {
        "common": (
            "ALTER TABLE participants ADD COLUMN removed TEXT",
            "ALTER TABLE participants ADD COLUMN token_digest TEXT",
        ),
        "sqlite": (
            "UPDATE participants SET token_digest = argmap_sha256(token)",
            "CREATE UNIQUE INDEX participants_token_digest ON participants (token_digest)",
        ),
        "postgresql": (
            "UPDATE participants SET token_digest = encode(sha256(convert_to(token, 'UTF8')), "
            "'hex')",
            "CREATE UNIQUE INDEX participants_token_digest ON participants (token_digest)",
        ),
    },
}
"""Schema version → the statements that bring the previous version to it: one tuple for
both engines, or ``common`` statements followed by each engine's own. ``{identity}`` is the
dialect's generated key."""
SCHEMA_VERSION = max(MIGRATIONS)

_META = "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"
_MIGRATION_LOCK = 0x61726D6170
"""PostgreSQL advisory lock key ("armap"): one process migrates at a time."""


def migration_statements(version: int, dialect: Dialect) -> list[str]:
    step = MIGRATIONS[version]
    if isinstance(step, dict):
        statements = [*step.get("common", ()), *step.get(dialect.name, ())]
    else:
        statements = list(step)
    return [s.format(identity=dialect.identity) for s in statements]


def new_token() -> str:
    """A secret for a link or a form: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """What a link's token is looked up by: its SHA-256, in hex (schema 4's
    ``participants.token_digest``; SQLite's migration calls it as ``argmap_sha256``)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# --- connections --------------------------------------------------------------------------


class Cursor(Protocol):
    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...
    def __iter__(self) -> Iterator[Any]: ...


class Connection(Protocol):
    """What the store's methods use of a connection: ``execute`` with ``?`` parameters."""

    def execute(self, sql: str, parameters: Sequence[Any] = ...) -> Cursor: ...


class _PgConnection:
    """A psycopg connection that takes the store's ``?`` parameters (its own are ``%s``;
    the store's SQL has no other ``?`` or ``%``)."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection

    def execute(self, sql: str, parameters: Sequence[Any] = ()) -> Any:
        return self.connection.execute(sql.replace("?", "%s"), parameters)


class _Engine:
    dialect: Dialect

    def connect(self) -> Any:  # a context manager yielding a Connection
        raise NotImplementedError

    def write(self) -> Any:  # a context manager yielding a Connection in a transaction
        raise NotImplementedError

    def close(self) -> None:
        pass


class _SqliteEngine(_Engine):
    dialect = SQLITE

    def __init__(self, path: Path, *, create: bool = True) -> None:
        self.path = path
        self.create = create
        """Whether opening the file may make it (until the database has been set up: then a
        file deleted under the server is an error, not a new empty database)."""

    @contextmanager
    def connect(self, *, foreign_keys: bool = True) -> Iterator[sqlite3.Connection]:
        where = f"{self.path.absolute().as_uri()}?mode={'rwc' if self.create else 'rw'}"
        db = sqlite3.connect(where, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, uri=True)
        try:
            db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            db.execute("PRAGMA synchronous=FULL")
            db.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
            db.create_function("argmap_sha256", 1, token_digest, deterministic=True)
            yield db
        finally:
            db.close()

    @contextmanager
    def write(self, *, foreign_keys: bool = True) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken at once (no upgrade from a read lock to deadlock)."""
        with self.connect(foreign_keys=foreign_keys) as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")


def _wal_mode(engine: _SqliteEngine) -> str:
    """Put the database in WAL mode; its journal mode after.

    While another process makes the same new file, SQLite may answer "database is locked"
    at once, without waiting out the busy timeout (it does not wait for a lock it could
    deadlock on): so the switch is tried again until the timeout has passed."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            with engine.connect() as db:
                return str(db.execute("PRAGMA journal_mode=WAL").fetchone()[0])
        except sqlite3.OperationalError as err:
            if "locked" not in str(err) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


class _PostgresEngine(_Engine):
    dialect = POSTGRESQL

    def __init__(self, url: DatabaseUrl) -> None:
        from ..extras import require

        (self.psycopg,) = require("postgres", "a PostgreSQL database")
        self.url = url
        self._idle: list[Any] = []
        self._lock = threading.Lock()
        self._pid = os.getpid()

    def _take(self) -> Any:
        with self._lock:
            if self._pid != os.getpid():  # a forked worker: the parent's sockets are not ours
                self._idle, self._pid = [], os.getpid()
            while self._idle:
                connection = self._idle.pop()
                if not connection.closed:
                    return connection
        try:
            return self.psycopg.connect(
                self.url.conninfo, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S
            )
        except self.psycopg.Error as err:
            raise ArgmapError(
                f"cannot reach the PostgreSQL database {self.url.shown}: "
                f"{str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__}"
            ) from None

    def _give_back(self, connection: Any) -> None:
        idle = self.psycopg.pq.TransactionStatus.IDLE
        if connection.closed or connection.info.transaction_status != idle:
            connection.close()
            return
        with self._lock:
            if len(self._idle) < POOL_SIZE and self._pid == os.getpid():
                self._idle.append(connection)
                return
        connection.close()

    @contextmanager
    def connect(self) -> Iterator[_PgConnection]:
        connection = self._take()
        try:
            yield _PgConnection(connection)
        except BaseException:
            connection.close()  # a broken or interrupted connection is not reused
            raise
        self._give_back(connection)

    @contextmanager
    def write(self) -> Iterator[_PgConnection]:
        """One transaction, committed when the block ends (rolled back on an error)."""
        with self.connect() as db, db.connection.transaction():
            yield db

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for connection in idle:
            connection.close()


# --- the database ---------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkshopInfo:
    id: int
    case_ref: str
    """The case the workshop is on: its folder's name in the team server's CASES_DIR ('' for
    the one case of `argmap workshop serve`)."""
    title: str
    round: int
    revealed: int
    created: str
    participants: int


class Database:
    """The workshop database at ``url`` (see :func:`parse_db_url`), brought up to
    :data:`SCHEMA_VERSION` when opened. ``create=False``: a SQLite file must exist already;
    ``migrate=False``: open without changing anything (``argmap server check``)."""

    def __init__(
        self, url: str | Path | DatabaseUrl, *, create: bool = True, migrate: bool = True
    ) -> None:
        self.url = url if isinstance(url, DatabaseUrl) else parse_db_url(url)
        self.engine: _Engine
        if self.url.path is not None:
            path = self.url.path
            if not create and not path.is_file():
                raise ArgmapError(
                    f"no workshop database at {path}: start `argmap workshop serve` first "
                    "(or give --db)"
                )
            self.engine = _SqliteEngine(path, create=create)
            if migrate:
                try:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    mode = _wal_mode(self.engine)
                    if mode.lower() != "wal":
                        raise ArgmapError(f"{path}: SQLite refused WAL mode ({mode})")
                    self._migrate()
                except sqlite3.DatabaseError as err:
                    raise ArgmapError(f"{path}: not a usable workshop database: {err}") from None
                self.engine.create = False
        else:
            self.engine = _PostgresEngine(self.url)
            if migrate:
                try:
                    self._migrate()
                except self.engine.psycopg.Error as err:
                    raise ArgmapError(
                        f"{self.url.shown}: not a usable workshop database: {err}"
                    ) from None

    @property
    def dialect(self) -> Dialect:
        return self.engine.dialect

    def close(self) -> None:
        """Close the connections kept open (PostgreSQL); the object stays usable."""
        self.engine.close()

    def _connect(self) -> Any:
        return self.engine.connect()

    def _write(self) -> Any:
        return self.engine.write()

    def schema_version(self) -> int:
        """The schema the database is at (0: no workshop database there yet)."""
        with self._connect() as db:
            if not self._has_table(db, "meta"):
                return 0
            row = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        return int(row[0]) if row else 0

    def _has_table(self, db: Connection, name: str) -> bool:
        if self.dialect is SQLITE:
            query = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"
        else:
            query = "SELECT 1 FROM pg_tables WHERE schemaname = current_schema() AND tablename = ?"
        return db.execute(query, (name,)).fetchone() is not None

    @contextmanager
    def _migration_step(self) -> Iterator[Connection]:
        if isinstance(self.engine, _SqliteEngine):
            # A table rebuilt in a migration is dropped and renamed: references to it are
            # checked at the end instead (https://sqlite.org/lang_altertable.html).
            with self.engine.write(foreign_keys=False) as db:
                yield db
                broken = db.execute("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise ArgmapError(f"{self.url.shown}: migration left broken references")
        else:
            with self.engine.write() as db:
                db.execute("SELECT pg_advisory_xact_lock(?)", (_MIGRATION_LOCK,))
                yield db

    def _migrate(self) -> None:
        """Bring the schema up to SCHEMA_VERSION, one numbered step at a time, each in its
        own transaction (another process opening the database at once waits, then skips
        it)."""
        for version in sorted(MIGRATIONS):
            with self._migration_step() as db:
                db.execute(_META)
                row = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
                current = int(row[0]) if row else 0
                if current > SCHEMA_VERSION:
                    raise ArgmapError(
                        f"{self.url.shown}: written by a newer argmap (schema {current}, this "
                        f"one reads up to {SCHEMA_VERSION}): upgrade argmap"
                    )
                if current >= version:
                    continue
                for statement in migration_statements(version, self.dialect):
                    db.execute(statement)
                db.execute(
                    "INSERT INTO meta (key, value) VALUES ('schema', ?) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    (str(version),),
                )

    # --- database-wide settings ---------------------------------------------------------

    def meta(self, key: str) -> str | None:
        with self._connect() as db:
            row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self._write() as db:
            db.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    def counts(self) -> dict[str, int]:
        """Rows in each table, and the participants removed (kept for a restore) among them
        (``argmap server check``)."""
        tables = ("workshops", "participants", "ratings", "comments", "proposals")
        with self._connect() as db:
            counts = {t: int(db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]) for t in tables}
            removed = "SELECT COUNT(*) FROM participants WHERE removed IS NOT NULL"
            counts["removed participants"] = int(db.execute(removed).fetchone()[0])
        return counts

    # --- workshops ------------------------------------------------------------------------

    def create_workshop(self, case_ref: str, title: str = "") -> int:
        """A new workshop on the case ``case_ref`` (round 1 open); returns its id."""
        with self._write() as db:
            row = db.execute(
                "INSERT INTO workshops (case_ref, title, facilitator_token, facilitator_csrf, "
                "round, revealed, created) VALUES (?, ?, ?, ?, 1, 0, ?) RETURNING id",
                (case_ref, title, new_token(), new_token(), _now()),
            ).fetchone()
        return int(row[0])

    def workshops(self) -> list[WorkshopInfo]:
        """Every workshop, oldest first."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT w.id, w.case_ref, w.title, w.round, w.revealed, w.created, "
                "(SELECT COUNT(*) FROM participants p WHERE p.workshop = w.id "
                "AND p.removed IS NULL) "
                "FROM workshops w ORDER BY w.id"
            ).fetchall()
        return [
            WorkshopInfo(int(n), ref, title, int(r), int(v), created, int(people))
            for n, ref, title, r, v, created, people in rows
        ]

    def workshop(self, number: int) -> Store:
        """Workshop ``number`` (:class:`ArgmapError` if there is none)."""
        with self._connect() as db:
            found = db.execute("SELECT id FROM workshops WHERE id = ?", (number,)).fetchone()
        if found is None:
            raise ArgmapError(f"{self.url.shown}: no workshop {number}")
        return Store(self, workshop=number)

    def workshop_by_facilitator_token(self, token: str) -> int | None:
        """The workshop whose facilitator link holds ``token``; every stored token is
        compared in constant time."""
        with self._connect() as db:
            rows = db.execute("SELECT id, facilitator_token FROM workshops").fetchall()
        found = None
        for number, stored in rows:
            if secrets.compare_digest(stored.encode(), token.encode()):
                found = int(number)
        return found

    def workshop_by_participant_token(self, token: str) -> int | None:
        """The workshop of the participant whose link holds ``token`` (None for a removed
        participant's): found by the token's digest, then compared in constant time."""
        with self._connect() as db:
            row = db.execute(
                "SELECT workshop, token FROM participants WHERE token_digest = ? "
                "AND removed IS NULL",
                (token_digest(token),),
            ).fetchone()
        if row is None or not secrets.compare_digest(row[1].encode(), token.encode()):
            return None
        return int(row[0])

    # --- admin links --------------------------------------------------------------------

    def admin_token(self) -> str:
        """The secret of the team server's admin link, made on first use."""
        with self._write() as db:
            if self.dialect is POSTGRESQL:
                db.execute("LOCK TABLE admin_links IN SHARE ROW EXCLUSIVE MODE")
            row = db.execute(
                "SELECT token FROM admin_links WHERE revoked IS NULL ORDER BY id DESC"
            ).fetchone()
            if row:
                return str(row[0])
            token = new_token()
            db.execute("INSERT INTO admin_links (token, created) VALUES (?, ?)", (token, _now()))
        return token

    def rotate_admin_token(self) -> str:
        """Revoke every admin link and make a new one; returns its secret."""
        token = new_token()
        with self._write() as db:
            if self.dialect is POSTGRESQL:
                db.execute("LOCK TABLE admin_links IN SHARE ROW EXCLUSIVE MODE")
            now = _now()
            db.execute("UPDATE admin_links SET revoked = ? WHERE revoked IS NULL", (now,))
            db.execute("INSERT INTO admin_links (token, created) VALUES (?, ?)", (token, now))
        return token

    def is_admin_token(self, token: str) -> bool:
        """Whether ``token`` is a live admin link's secret (compared in constant time with
        every live one; a revoked one is not)."""
        with self._connect() as db:
            rows = db.execute("SELECT token FROM admin_links WHERE revoked IS NULL").fetchall()
        found = False
        for (stored,) in rows:
            found |= secrets.compare_digest(stored.encode(), token.encode())
        return found


def _inserted_id(db: Connection, sql: str, parameters: Sequence[Any]) -> int:
    """Run an ``INSERT … RETURNING id``; the rows are read whole, so the statement is done
    before the transaction commits."""
    return int(db.execute(sql + " RETURNING id", parameters).fetchall()[0][0])


@dataclass(frozen=True)
class Participant:
    id: int
    name: str
    key: str
    """The name compared case-insensitively (:func:`analyst_key`)."""
    token: str
    """The secret in the participant's link."""
    csrf: str
    """The secret every state-changing request from the participant's page carries."""
    removed: str | None = None
    """When the facilitator removed them (None: taking part). A removed participant's link
    does not work and their ratings do not count; they are kept, for a restore."""


@dataclass(frozen=True)
class Comment:
    id: int
    participant: int | None
    """None: the facilitator's (or, in a database of schema 3 or earlier, a removed
    participant's: see ``by_facilitator``)."""
    round: int
    evidence: str
    hypothesis: str | None
    """None: a comment on the whole item."""
    text: str
    created: str
    by_facilitator: bool


@dataclass(frozen=True)
class Proposal:
    id: int
    participant: int | None
    """None: a participant removed before schema 4 (whose rows were deleted then)."""
    round: int
    body: dict[str, Any]
    """The proposal as sent (argmap.workshop.proposals reads it)."""
    status: str
    """open, accepted or rejected."""
    reason: str | None
    created: str


@dataclass(frozen=True)
class Cell:
    round: int
    evidence: str
    hypothesis: str
    vote: str | None
    rationale: str | None


_PARTICIPANT = "SELECT id, name, key, token, csrf, removed FROM participants"


class Store:
    """One workshop in a :class:`Database`.

    ``Store(path)`` (or a database URL) opens the database and takes its first workshop,
    making one when there is none: the single workshop of `argmap workshop serve`.
    ``Store(database, workshop=N)`` is workshop N of a database already open.
    """

    def __init__(
        self,
        where: str | Path | DatabaseUrl | Database,
        *,
        create: bool = True,
        workshop: int | None = None,
    ) -> None:
        self.database = where if isinstance(where, Database) else Database(where, create=create)
        self.path = self.database.url.path
        if workshop is None:
            with self.database._connect() as db:
                first = db.execute("SELECT MIN(id) FROM workshops").fetchone()[0]
            workshop = None if first is None else int(first)
        if workshop is None:
            with self.database._write() as db:
                if self.database.dialect is POSTGRESQL:
                    db.execute("LOCK TABLE workshops IN SHARE ROW EXCLUSIVE MODE")
                row = db.execute("SELECT MIN(id) FROM workshops").fetchone()
                if row[0] is None:
                    workshop = _inserted_id(
                        db,
                        "INSERT INTO workshops (case_ref, title, facilitator_token, "
                        "facilitator_csrf, round, revealed, created) "
                        "VALUES ('', '', ?, ?, 1, 0, ?)",
                        (new_token(), new_token(), _now()),
                    )
                else:
                    workshop = int(row[0])
        self.workshop = workshop

    def _connect(self) -> Any:
        return self.database.engine.connect()

    def _write(self) -> Any:
        return self.database.engine.write()

    @property
    def _share(self) -> str:
        return self.database.dialect.for_share

    @property
    def _update(self) -> str:
        return self.database.dialect.for_update

    # --- settings -------------------------------------------------------------------------

    def meta(self, key: str) -> str | None:
        """A setting of this workshop (``case_digest``, ``base_url``…); ``schema`` is the
        database's."""
        if key == "schema":
            return self.database.meta(key)
        with self._connect() as db:
            row = db.execute(
                "SELECT value FROM workshop_meta WHERE workshop = ? AND key = ?",
                (self.workshop, key),
            ).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        if key == "schema":
            self.database.set_meta(key, value)
            return
        with self._write() as db:
            db.execute(
                "INSERT INTO workshop_meta (workshop, key, value) VALUES (?, ?, ?) "
                "ON CONFLICT (workshop, key) DO UPDATE SET value = excluded.value",
                (self.workshop, key, value),
            )

    def _workshop_column(self, column: str) -> Any:
        with self._connect() as db:
            return db.execute(
                f"SELECT {column} FROM workshops WHERE id = ?", (self.workshop,)
            ).fetchone()[0]

    @property
    def facilitator_token(self) -> str:
        return str(self._workshop_column("facilitator_token"))

    @property
    def facilitator_csrf(self) -> str:
        return str(self._workshop_column("facilitator_csrf"))

    @property
    def case_ref(self) -> str:
        return str(self._workshop_column("case_ref"))

    def state(self) -> tuple[int, int]:
        """(current round, the last revealed round — 0 before the first reveal)."""
        with self._connect() as db:
            row = db.execute(
                "SELECT round, revealed FROM workshops WHERE id = ?", (self.workshop,)
            ).fetchone()
        return int(row[0]), int(row[1])

    def _locked_state(self, db: Connection, lock: str) -> tuple[int, int]:
        row = db.execute(
            "SELECT round, revealed FROM workshops WHERE id = ?" + lock, (self.workshop,)
        ).fetchone()
        return int(row[0]), int(row[1])

    def reveal(self) -> int:
        """Reveal the current round; returns it."""
        with self._write() as db:
            current, _ = self._locked_state(db, self._update)
            db.execute("UPDATE workshops SET revealed = ? WHERE id = ?", (current, self.workshop))
        return current

    def next_round(self) -> int:
        """Open the round after the current one (which must have been revealed)."""
        with self._write() as db:
            current, revealed = self._locked_state(db, self._update)
            if revealed < current:
                raise ArgmapError(f"reveal round {current} before opening the next one")
            if current >= MAX_ROUND:
                raise ArgmapError(f"round {MAX_ROUND} is the last")
            db.execute("UPDATE workshops SET round = ? WHERE id = ?", (current + 1, self.workshop))
        return current + 1

    # --- participants ---------------------------------------------------------------------

    def add_participant(self, name: str) -> Participant:
        """A new participant with a fresh secret link; the name must be new (a removed
        participant's name is theirs still: :class:`RemovedParticipant`, restore them)."""
        name = " ".join(name.split())
        key = analyst_key(name)
        token, csrf = new_token(), new_token()
        with self._write() as db:
            self._locked_state(db, self._update)  # one change to the names at a time
            taken = db.execute(
                "SELECT name, removed FROM participants WHERE workshop = ? AND key = ?",
                (self.workshop, key),
            ).fetchone()
            if taken:
                raise _taken(taken[0], taken[1])
            number = _inserted_id(
                db,
                "INSERT INTO participants "
                "(workshop, name, key, token, token_digest, csrf, created) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (self.workshop, name, key, token, token_digest(token), csrf, _now()),
            )
        return Participant(number, name, key, token, csrf)

    def rename_participant(self, number: int, name: str) -> Participant:
        """Give participant ``number`` (taking part) another name (not another's, removed
        or not); their link and ratings stay theirs."""
        name = " ".join(name.split())
        key = analyst_key(name)
        with self._write() as db:
            self._locked_state(db, self._update)
            row = db.execute(
                _PARTICIPANT + " WHERE id = ? AND workshop = ? AND removed IS NULL",
                (number, self.workshop),
            ).fetchone()
            if row is None:
                raise ArgmapError("no such participant")
            taken = db.execute(
                "SELECT name, removed FROM participants WHERE workshop = ? AND key = ? AND id <> ?",
                (self.workshop, key, number),
            ).fetchone()
            if taken:
                raise _taken(taken[0], taken[1])
            db.execute(
                "UPDATE participants SET name = ?, key = ? WHERE id = ?", (name, key, number)
            )
        return Participant(number, name, key, row[3], row[4])

    def remove_participant(self, number: int) -> str:
        """Remove participant ``number``: their link stops working at once and they are
        left out of the results, the progress and the exports; their ratings, comments and
        proposals are kept (comments and proposals shown as a removed participant's), so
        :meth:`restore_participant` gives everything back. Returns their name."""
        with self._write() as db:
            self._locked_state(db, self._update)
            row = db.execute(
                "SELECT name, removed FROM participants WHERE id = ? AND workshop = ?",
                (number, self.workshop),
            ).fetchone()
            if row is None:
                raise ArgmapError("no such participant")
            if row[1] is not None:
                raise ArgmapError(f"'{row[0]}' has been removed already")
            db.execute("UPDATE participants SET removed = ? WHERE id = ?", (_now(), number))
        return str(row[0])

    def restore_participant(self, number: int) -> Participant:
        """Undo :meth:`remove_participant`: the same link works again and their ratings,
        comments and proposals count and show as theirs again."""
        with self._write() as db:
            self._locked_state(db, self._update)
            row = db.execute(
                _PARTICIPANT + " WHERE id = ? AND workshop = ?", (number, self.workshop)
            ).fetchone()
            if row is None:
                raise ArgmapError("no such participant")
            if row[5] is None:
                raise ArgmapError(f"'{row[1]}' has not been removed")
            db.execute("UPDATE participants SET removed = NULL WHERE id = ?", (number,))
        return Participant(*row[:5])

    def participant_by_key(self, key: str) -> Participant | None:
        """The participant with this name (as :func:`analyst_key` compares), removed or
        not (see ``removed``)."""
        with self._connect() as db:
            row = db.execute(
                _PARTICIPANT + " WHERE workshop = ? AND key = ?", (self.workshop, key)
            ).fetchone()
        return Participant(*row) if row else None

    def participants(self) -> list[Participant]:
        """The participants taking part (not the removed), in the order they were added."""
        with self._connect() as db:
            rows = db.execute(
                _PARTICIPANT + " WHERE workshop = ? AND removed IS NULL ORDER BY id",
                (self.workshop,),
            ).fetchall()
        return [Participant(*row) for row in rows]

    def removed_participants(self) -> list[Participant]:
        """The removed participants, most recently removed first."""
        with self._connect() as db:
            rows = db.execute(
                _PARTICIPANT + " WHERE workshop = ? AND removed IS NOT NULL "
                "ORDER BY removed DESC, id DESC",
                (self.workshop,),
            ).fetchall()
        return [Participant(*row) for row in rows]

    def participant_by_token(self, token: str) -> Participant | None:
        """The participant (taking part) whose link holds ``token``, or None: one keyed
        lookup by the token's digest (``token_digest``, a unique index), then the token
        compared in constant time. The index is searched for the digest, not the token,
        so the answer's timing says nothing about how close a guess was."""
        with self._connect() as db:
            row = db.execute(
                _PARTICIPANT + " WHERE token_digest = ? AND workshop = ? AND removed IS NULL",
                (token_digest(token), self.workshop),
            ).fetchone()
        if row is None or not secrets.compare_digest(row[3].encode(), token.encode()):
            return None
        return Participant(*row)

    # --- ratings ----------------------------------------------------------------------------

    def save_cell(
        self,
        participant: int,
        evidence: str,
        hypothesis: str,
        vote: str | None,
        rationale: str | None,
    ) -> int:
        """Store one cell of the current round (an empty cell is deleted); returns the round.

        Raises :class:`ArgmapError` when the current round has been revealed: the revealed
        figures must not shift under the group's eyes.
        """
        with self._write() as db:
            # Shared: ratings go in side by side; a reveal waits for them, and they for it.
            current, revealed = self._locked_state(db, self._share)
            if revealed >= current:
                raise ArgmapError(
                    f"round {current} has been revealed: wait for the facilitator to open "
                    f"round {current + 1}"
                )
            if vote is None and not rationale:
                db.execute(
                    "DELETE FROM ratings WHERE participant = ? AND round = ? AND evidence = ? "
                    "AND hypothesis = ?",
                    (participant, current, evidence, hypothesis),
                )
            else:
                db.execute(
                    "INSERT INTO ratings "
                    "(participant, round, evidence, hypothesis, vote, rationale, updated) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (participant, round, evidence, hypothesis) DO UPDATE SET "
                    "vote = excluded.vote, rationale = excluded.rationale, "
                    "updated = excluded.updated",
                    (participant, current, evidence, hypothesis, vote, rationale or None, _now()),
                )
        return current

    def cells(
        self, participant: int | None = None, *, removed: bool = False
    ) -> dict[int, list[Cell]]:
        """Participant id → their stored cells, in every round (a removed participant's
        are kept but left out; with ``removed``, only theirs)."""
        query = (
            "SELECT r.participant, r.round, r.evidence, r.hypothesis, r.vote, r.rationale "
            "FROM ratings r JOIN participants p ON p.id = r.participant "
            f"WHERE p.workshop = ? AND p.removed IS {'NOT NULL' if removed else 'NULL'}"
        )
        arguments: tuple[int, ...] = (self.workshop,)
        if participant is not None:
            query += " AND r.participant = ?"
            arguments += (participant,)
        with self._connect() as db:
            rows = db.execute(
                query + " ORDER BY r.participant, r.round, r.evidence, r.hypothesis", arguments
            ).fetchall()
        result: dict[int, list[Cell]] = {}
        for number, *rest in rows:
            result.setdefault(number, []).append(Cell(*rest))
        return result

    def counts(self) -> dict[tuple[int, int], int]:
        """(participant id, round) → cells with a vote."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT r.participant, r.round, COUNT(r.vote) FROM ratings r "
                "JOIN participants p ON p.id = r.participant "
                "WHERE p.workshop = ? AND p.removed IS NULL "
                "GROUP BY r.participant, r.round",
                (self.workshop,),
            ).fetchall()
        return {(p, r): int(n) for p, r, n in rows}

    def analyst_ratings(
        self,
        up_to_round: int | None = None,
        participant: int | None = None,
        *,
        removed: bool = False,
    ) -> list[AnalystRatings]:
        """The stored ratings as the ratings files they stand for: one per participant and
        round (rounds in which they entered nothing are left out); with ``removed``, those
        of the removed participants instead (kept for a restore, and for backups)."""
        people = {
            p.id: p for p in (self.removed_participants() if removed else self.participants())
        }
        files = []
        for number, cells in self.cells(participant, removed=removed).items():
            who = people.get(number)
            if who is None:  # removed between the two reads
                continue
            rounds: dict[int, list[Cell]] = {}
            for cell in cells:
                if up_to_round is None or cell.round <= up_to_round:
                    rounds.setdefault(cell.round, []).append(cell)
            for round_number, taken in sorted(rounds.items()):
                ratings: dict[str, dict[str, str]] = {}
                rationale: dict[str, dict[str, str]] = {}
                for cell in taken:
                    if cell.vote:
                        ratings.setdefault(cell.evidence, {})[cell.hypothesis] = cell.vote
                    if cell.rationale:
                        rationale.setdefault(cell.evidence, {})[cell.hypothesis] = cell.rationale
                files.append(
                    AnalystRatings(
                        analyst=who.name,
                        key=who.key,
                        round=round_number,
                        path=Path(ratings_file_name(who.name, round_number)),
                        ratings=ratings,
                        rationale=rationale,
                    )
                )
        return files

    # --- discussion -----------------------------------------------------------------------

    def add_comment(
        self, participant: int | None, evidence: str, hypothesis: str | None, text: str
    ) -> Comment:
        """A comment on a cell (or, with no hypothesis, on an item) in the current round;
        participant None: the facilitator's."""
        created = _now()
        with self._write() as db:
            current, _ = self._locked_state(db, self._share)
            number = _inserted_id(
                db,
                "INSERT INTO comments (workshop, participant, round, evidence, hypothesis, "
                "text, created, by_facilitator) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    self.workshop,
                    participant,
                    current,
                    evidence,
                    hypothesis,
                    text,
                    created,
                    int(participant is None),
                ),
            )
        return Comment(
            number, participant, current, evidence, hypothesis, text, created, participant is None
        )

    def comments(self) -> list[Comment]:
        """Every comment, oldest first."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT id, participant, round, evidence, hypothesis, text, created, "
                "by_facilitator FROM comments WHERE workshop = ? ORDER BY id",
                (self.workshop,),
            ).fetchall()
        return [
            Comment(number, who, round_number, evidence, hypothesis, text, created, bool(chair))
            for number, who, round_number, evidence, hypothesis, text, created, chair in rows
        ]

    # --- proposals --------------------------------------------------------------------------

    def add_proposal(self, participant: int, body: Mapping[str, object]) -> Proposal:
        created = _now()
        text = json.dumps(body, ensure_ascii=False, sort_keys=True)
        with self._write() as db:
            current, _ = self._locked_state(db, self._share)
            number = _inserted_id(
                db,
                "INSERT INTO proposals (workshop, participant, round, body, status, created) "
                "VALUES (?, ?, ?, ?, 'open', ?)",
                (self.workshop, participant, current, text, created),
            )
        return Proposal(number, participant, current, dict(body), "open", None, created)

    def proposals(self) -> list[Proposal]:
        with self._connect() as db:
            rows = db.execute(
                "SELECT id, participant, round, body, status, reason, created FROM proposals "
                "WHERE workshop = ? ORDER BY id",
                (self.workshop,),
            ).fetchall()
        return [Proposal(n, p, r, json.loads(b), s, why, c) for n, p, r, b, s, why, c in rows]

    def proposal(self, number: int) -> Proposal | None:
        return next((p for p in self.proposals() if p.id == number), None)

    def decide_proposal(self, number: int, status: str, reason: str | None) -> None:
        """Mark an open proposal accepted or rejected; raises :class:`ArgmapError` if it was
        decided already (two facilitator tabs, or two server processes)."""
        with self._write() as db:
            row = db.execute(
                "SELECT status FROM proposals WHERE id = ? AND workshop = ?" + self._update,
                (number, self.workshop),
            ).fetchone()
            if row is None:
                raise ArgmapError("no such proposal")
            if row[0] != "open":
                raise ArgmapError(f"this proposal has been {row[0]} already")
            db.execute(
                "UPDATE proposals SET status = ?, reason = ?, decided = ? WHERE id = ?",
                (status, reason, _now(), number),
            )


class AlreadyInvited(ArgmapError):
    """A name that another participant has (compared as :func:`analyst_key` compares)."""


class RemovedParticipant(AlreadyInvited):
    """A name that a removed participant has: restore them rather than invite it again."""


def _taken(name: str, removed: str | None) -> AlreadyInvited:
    if removed is not None:
        return RemovedParticipant(
            f"'{name}' belongs to a removed participant: restore them (their link and "
            "ratings come back) rather than invite the name again"
        )
    return AlreadyInvited(f"'{name}' is already invited")
