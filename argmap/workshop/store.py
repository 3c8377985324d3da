"""The live workshop's state in one SQLite file: participants, their secret links, and
every rating as it is entered (docs/workshops.md, *Live workshops*).

Each operation opens its own connection, so the server's worker threads and a separate
`argmap workshop invite` process can share the file. The journal is in WAL mode (readers
never wait for the writer) and every rating is one UPSERT in its own transaction: once a
request has been answered, the rating is on disk and survives a killed server.
"""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ..problems import ArgmapError
from ..ratingsfile import AnalystRatings, analyst_key, ratings_file_name

__all__ = ["Cell", "Participant", "Store", "new_token"]

SCHEMA_VERSION = "1"
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
            "schema": SCHEMA_VERSION,
            "facilitator_token": new_token(),
            "facilitator_csrf": new_token(),
            "round": "1",
            "revealed": "0",
        }
        db.execute("BEGIN IMMEDIATE")
        for key, value in defaults.items():
            db.execute("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)", (key, value))
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
                raise ArgmapError(f"'{taken[0]}' is already invited")
            cursor = db.execute(
                "INSERT INTO participants (name, key, token, csrf, created) VALUES (?, ?, ?, ?, ?)",
                (name, key, token, csrf, _now()),
            )
            number = cursor.lastrowid
        assert number is not None
        return Participant(number, name, key, token, csrf)

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
