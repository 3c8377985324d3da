"""The live workshop's state in one SQLite file: participants, their secret links, and
every rating as it is entered (docs/workshops.md, *Live workshops*).

Each operation opens its own connection, so the server's worker threads and a separate
`argmap workshop invite` process can share the file. The journal is in WAL mode (readers
never wait for the writer) and every rating is one UPSERT in its own transaction: once a
request has been answered, the rating is on disk and survives a killed server.

The schema grows by numbered migrations (:data:`MIGRATIONS`), applied in place when a
database is opened: a workshop database written by an earlier version keeps working. The
SQL is kept to what PostgreSQL also reads.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..problems import ArgmapError
from ..ratingsfile import AnalystRatings, analyst_key, ratings_file_name

__all__ = [
    "AlreadyInvited",
    "Cell",
    "Comment",
    "MIGRATIONS",
    "Participant",
    "Proposal",
    "SCHEMA_VERSION",
    "Store",
    "new_token",
]

BUSY_TIMEOUT_MS = 15_000
MAX_ROUND = 99

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS participants (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    key TEXT NOT NULL UNIQUE,
    token TEXT NOT NULL UNIQUE,
    csrf TEXT NOT NULL,
    created TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS ratings (
    participant INTEGER NOT NULL REFERENCES participants(id),
    round INTEGER NOT NULL,
    evidence TEXT NOT NULL,
    hypothesis TEXT NOT NULL,
    vote TEXT,
    rationale TEXT,
    updated TEXT NOT NULL,
    PRIMARY KEY (participant, round, evidence, hypothesis)
);
"""

MIGRATIONS: dict[int, str] = {
    # 2: the discussion (comments on a cell or an item) and participants' proposals.
    2: """
CREATE TABLE comments (
    id INTEGER PRIMARY KEY,
    participant INTEGER REFERENCES participants(id),
    round INTEGER NOT NULL,
    evidence TEXT NOT NULL,
    hypothesis TEXT,
    text TEXT NOT NULL,
    created TEXT NOT NULL,
    by_facilitator INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE proposals (
    id INTEGER PRIMARY KEY,
    participant INTEGER REFERENCES participants(id),
    round INTEGER NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL,
    reason TEXT,
    decided TEXT,
    created TEXT NOT NULL
);
""",
}
"""Schema version → the SQL that brings the previous version to it. Version 1 is _SCHEMA
(the first release); a comment (participant NULL) is the facilitator's."""
SCHEMA_VERSION = max(MIGRATIONS)


def new_token() -> str:
    """A secret for a link or a form: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


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


@dataclass(frozen=True)
class Comment:
    id: int
    participant: int | None
    """None: the facilitator's (or a removed participant's: see ``author``)."""
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
    """None once the participant has been removed."""
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


class Store:
    """The workshop database at ``path`` (created on first use)."""

    def __init__(self, path: Path, *, create: bool = True) -> None:
        self.path = path
        if not create and not path.is_file():
            raise ArgmapError(
                f"no workshop database at {path}: start `argmap workshop serve` first "
                "(or give --db)"
            )
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with self._connect() as db:
                mode = db.execute("PRAGMA journal_mode=WAL").fetchone()[0]
                if mode.lower() != "wal":
                    raise ArgmapError(f"{path}: SQLite refused WAL mode ({mode})")
                db.executescript(_SCHEMA)
                self._init_meta(db)
                self._migrate(db)
        except sqlite3.DatabaseError as err:
            raise ArgmapError(f"{path}: not a usable workshop database: {err}") from None

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        try:
            db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            db.execute("PRAGMA synchronous=FULL")
            db.execute("PRAGMA foreign_keys=ON")
            yield db
        finally:
            db.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken at once (no upgrade from a read lock to deadlock)."""
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    def _init_meta(self, db: sqlite3.Connection) -> None:
        defaults = {
            "schema": "1",
            "facilitator_token": new_token(),
            "facilitator_csrf": new_token(),
            "round": "1",
            "revealed": "0",
        }
        db.execute("BEGIN IMMEDIATE")
        for key, value in defaults.items():
            db.execute("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)", (key, value))
        db.execute("COMMIT")

    def _migrate(self, db: sqlite3.Connection) -> None:
        """Bring the schema up to SCHEMA_VERSION, one numbered step at a time, each in its
        own transaction (another process opening the file at once waits, then skips it)."""
        for version in sorted(MIGRATIONS):
            db.execute("BEGIN IMMEDIATE")
            try:
                row = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
                current = int(row[0]) if row else 1
                if current > SCHEMA_VERSION:
                    raise ArgmapError(
                        f"{self.path}: written by a newer argmap (schema {current}, this one "
                        f"reads up to {SCHEMA_VERSION}): upgrade argmap"
                    )
                if current < version:
                    for statement in MIGRATIONS[version].split(";"):
                        if statement.strip():
                            db.execute(statement)
                    db.execute("UPDATE meta SET value = ? WHERE key = 'schema'", (str(version),))
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    # --- meta ---------------------------------------------------------------------------

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

    @property
    def facilitator_token(self) -> str:
        return self.meta("facilitator_token") or ""

    @property
    def facilitator_csrf(self) -> str:
        return self.meta("facilitator_csrf") or ""

    def state(self) -> tuple[int, int]:
        """(current round, the last revealed round — 0 before the first reveal)."""
        with self._connect() as db:
            rows = dict(
                db.execute("SELECT key, value FROM meta WHERE key IN ('round', 'revealed')")
            )
        return int(rows.get("round", 1)), int(rows.get("revealed", 0))

    def reveal(self) -> int:
        """Reveal the current round; returns it."""
        with self._write() as db:
            current = int(db.execute("SELECT value FROM meta WHERE key = 'round'").fetchone()[0])
            db.execute("UPDATE meta SET value = ? WHERE key = 'revealed'", (str(current),))
        return current

    def next_round(self) -> int:
        """Open the round after the current one (which must have been revealed)."""
        with self._write() as db:
            rows = dict(
                db.execute("SELECT key, value FROM meta WHERE key IN ('round', 'revealed')")
            )
            current, revealed = int(rows["round"]), int(rows["revealed"])
            if revealed < current:
                raise ArgmapError(f"reveal round {current} before opening the next one")
            if current >= MAX_ROUND:
                raise ArgmapError(f"round {MAX_ROUND} is the last")
            db.execute("UPDATE meta SET value = ? WHERE key = 'round'", (str(current + 1),))
        return current + 1

    # --- participants ---------------------------------------------------------------------

    def add_participant(self, name: str) -> Participant:
        """A new participant with a fresh secret link; the name must be new."""
        name = " ".join(name.split())
        key = analyst_key(name)
        token, csrf = new_token(), new_token()
        with self._write() as db:
            taken = db.execute("SELECT name FROM participants WHERE key = ?", (key,)).fetchone()
            if taken:
                raise AlreadyInvited(f"'{taken[0]}' is already invited")
            cursor = db.execute(
                "INSERT INTO participants (name, key, token, csrf, created) VALUES (?, ?, ?, ?, ?)",
                (name, key, token, csrf, _now()),
            )
            number = cursor.lastrowid
        assert number is not None
        return Participant(number, name, key, token, csrf)

    def rename_participant(self, number: int, name: str) -> Participant:
        """Give participant ``number`` another name (not another's); their link and ratings
        stay theirs."""
        name = " ".join(name.split())
        key = analyst_key(name)
        with self._write() as db:
            row = db.execute(
                "SELECT id, name, key, token, csrf FROM participants WHERE id = ?", (number,)
            ).fetchone()
            if row is None:
                raise ArgmapError("no such participant")
            taken = db.execute(
                "SELECT name FROM participants WHERE key = ? AND id <> ?", (key, number)
            ).fetchone()
            if taken:
                raise AlreadyInvited(f"'{taken[0]}' is already invited")
            db.execute(
                "UPDATE participants SET name = ?, key = ? WHERE id = ?", (name, key, number)
            )
        return Participant(number, name, key, row[3], row[4])

    def remove_participant(self, number: int) -> str:
        """Remove participant ``number``: their link stops working and their ratings are
        deleted; their comments and proposals stay, unattributed. Returns their name."""
        with self._write() as db:
            row = db.execute("SELECT name FROM participants WHERE id = ?", (number,)).fetchone()
            if row is None:
                raise ArgmapError("no such participant")
            db.execute("DELETE FROM ratings WHERE participant = ?", (number,))
            db.execute("UPDATE comments SET participant = NULL WHERE participant = ?", (number,))
            db.execute("UPDATE proposals SET participant = NULL WHERE participant = ?", (number,))
            db.execute("DELETE FROM participants WHERE id = ?", (number,))
        return str(row[0])

    def participant_by_key(self, key: str) -> Participant | None:
        with self._connect() as db:
            row = db.execute(
                "SELECT id, name, key, token, csrf FROM participants WHERE key = ?", (key,)
            ).fetchone()
        return Participant(*row) if row else None

    def participants(self) -> list[Participant]:
        with self._connect() as db:
            rows = db.execute(
                "SELECT id, name, key, token, csrf FROM participants ORDER BY id"
            ).fetchall()
        return [Participant(*row) for row in rows]

    def participant_by_token(self, token: str) -> Participant | None:
        """The participant whose link holds ``token``; every stored token is compared in
        constant time, so the answer's timing says nothing about how close a guess was."""
        found = None
        for participant in self.participants():
            if secrets.compare_digest(participant.token.encode(), token.encode()):
                found = participant
        return found

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
            rows = dict(
                db.execute("SELECT key, value FROM meta WHERE key IN ('round', 'revealed')")
            )
            current, revealed = int(rows["round"]), int(rows["revealed"])
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

    def cells(self, participant: int | None = None) -> dict[int, list[Cell]]:
        """Participant id → their stored cells, in every round."""
        query = "SELECT participant, round, evidence, hypothesis, vote, rationale FROM ratings"
        arguments: tuple[int, ...] = ()
        if participant is not None:
            query += " WHERE participant = ?"
            arguments = (participant,)
        with self._connect() as db:
            rows = db.execute(query + " ORDER BY participant, round", arguments).fetchall()
        result: dict[int, list[Cell]] = {}
        for number, *rest in rows:
            result.setdefault(number, []).append(Cell(*rest))
        return result

    def counts(self) -> dict[tuple[int, int], int]:
        """(participant id, round) → cells with a vote."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT participant, round, COUNT(vote) FROM ratings GROUP BY participant, round"
            ).fetchall()
        return {(p, r): n for p, r, n in rows}

    def analyst_ratings(
        self, up_to_round: int | None = None, participant: int | None = None
    ) -> list[AnalystRatings]:
        """The stored ratings as the ratings files they stand for: one per participant and
        round (rounds in which they entered nothing are left out)."""
        people = {p.id: p for p in self.participants()}
        files = []
        for number, cells in self.cells(participant).items():
            who = people[number]
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
            current = int(db.execute("SELECT value FROM meta WHERE key = 'round'").fetchone()[0])
            cursor = db.execute(
                "INSERT INTO comments (participant, round, evidence, hypothesis, text, created, "
                "by_facilitator) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    participant,
                    current,
                    evidence,
                    hypothesis,
                    text,
                    created,
                    int(participant is None),
                ),
            )
            number = cursor.lastrowid
        assert number is not None
        return Comment(
            number, participant, current, evidence, hypothesis, text, created, participant is None
        )

    def comments(self) -> list[Comment]:
        """Every comment, oldest first."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT id, participant, round, evidence, hypothesis, text, created, "
                "by_facilitator FROM comments ORDER BY id"
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
            current = int(db.execute("SELECT value FROM meta WHERE key = 'round'").fetchone()[0])
            cursor = db.execute(
                "INSERT INTO proposals (participant, round, body, status, created) "
                "VALUES (?, ?, ?, 'open', ?)",
                (participant, current, text, created),
            )
            number = cursor.lastrowid
        assert number is not None
        return Proposal(number, participant, current, dict(body), "open", None, created)

    def proposals(self) -> list[Proposal]:
        with self._connect() as db:
            rows = db.execute(
                "SELECT id, participant, round, body, status, reason, created FROM proposals "
                "ORDER BY id"
            ).fetchall()
        return [Proposal(n, p, r, json.loads(b), s, why, c) for n, p, r, b, s, why, c in rows]

    def proposal(self, number: int) -> Proposal | None:
        return next((p for p in self.proposals() if p.id == number), None)

    def decide_proposal(self, number: int, status: str, reason: str | None) -> None:
        """Mark an open proposal accepted or rejected; raises :class:`ArgmapError` if it was
        decided already (two facilitator tabs)."""
        with self._write() as db:
            row = db.execute("SELECT status FROM proposals WHERE id = ?", (number,)).fetchone()
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
