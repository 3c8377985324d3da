"""Operations on a workshop database (docs/team-server.md): `argmap server check`,
`argmap server backup` and `argmap server admin-link`. None of them needs the web server's
packages; a PostgreSQL database needs the ``argmap[postgres]`` extra."""

from __future__ import annotations

import io
import re
import sqlite3
import zipfile
from pathlib import Path

from ..casewriter import yaml_quoted
from ..output import write_atomic
from ..problems import ArgmapError
from ..ratingsfile import VOTES, AnalystRatings, analyst_slug
from .store import SCHEMA_VERSION, Database, Store, parse_db_url

__all__ = ["admin_link", "backup", "check", "ratings_file_text"]

_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
"""Every entry of a backup is dated alike, so the same database gives the same bytes."""
_PLAIN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")


def _open(url: str, *, migrate: bool) -> Database:
    """The database at ``url``, which must exist already (a SQLite file is never made)."""
    parsed = parse_db_url(url)
    database = Database(parsed, create=False, migrate=False)
    try:
        version = database.schema_version()
    except sqlite3.DatabaseError as err:
        raise ArgmapError(f"{parsed.shown}: not a workshop database: {err}") from None
    if version > SCHEMA_VERSION:
        raise ArgmapError(
            f"{parsed.shown}: written by a newer argmap (schema {version}, this one reads up "
            f"to {SCHEMA_VERSION}): upgrade argmap"
        )
    if migrate:
        return Database(parsed, create=False)
    return database


def check(url: str) -> list[str]:
    """What `argmap server check` prints: where the database is, its schema version and
    its rows; raises :class:`ArgmapError` if it cannot be reached or read."""
    database = _open(url, migrate=False)
    version = database.schema_version()
    lines = [f"database: {database.url.shown} ({_engine_version(database)}): reachable"]
    if version == 0:
        raise ArgmapError(
            f"{database.url.shown}: reachable, but no workshop database is there yet: "
            "`argmap server` or `argmap workshop serve` makes one when it starts"
        )
    if version < SCHEMA_VERSION:
        lines.append(
            f"schema: {version}, older than this argmap's {SCHEMA_VERSION}: migrated in place "
            "the next time a server starts on it"
        )
        return lines
    lines.append(f"schema: {version} (current)")
    counts = database.counts()
    lines.append(", ".join(f"{table}: {number}" for table, number in counts.items()))
    database.close()
    return lines


def _engine_version(database: Database) -> str:
    with database.engine.connect() as db:
        if database.dialect.name == "sqlite":
            return "SQLite " + str(db.execute("SELECT sqlite_version()").fetchone()[0])
        return "PostgreSQL " + str(db.execute("SHOW server_version").fetchone()[0]).split()[0]


def admin_link(url: str, *, rotate: bool = False) -> str:
    """The team server's admin link (``--rotate``: revoke every earlier one first)."""
    database = _open(url, migrate=True)
    token = database.rotate_admin_token() if rotate else database.admin_token()
    base = database.meta("base_url") or "http://127.0.0.1"
    database.close()
    return f"{base}/admin/{token}"


def _key(text: str) -> str:
    return text if _PLAIN.fullmatch(text) else yaml_quoted(text)


def ratings_file_text(item: AnalystRatings, digest: str | None) -> str:
    """A ratings file (docs/workshops.md) as `workshop merge` takes it; without the case at
    hand, items and hypotheses are in the order of their ids. Whatever is stored is written
    as it is: `merge` names, with file and line, anything the case cannot take."""
    lines = [
        "# Ratings from a backup of an argmap workshop database.",
        f"analyst: {yaml_quoted(item.analyst)}",
        f"round: {item.round}",
    ]
    if digest:
        lines.append(f"digest: {yaml_quoted('sha256:' + digest)}")
    rows, reasons = [], []
    for eid in sorted(set(item.ratings) | set(item.rationale)):
        votes = item.ratings.get(eid, {})
        shown = [
            f"{_key(hid)}: {vote if vote in VOTES else yaml_quoted(vote)}"
            for hid, vote in sorted(votes.items())
        ]
        if shown:
            rows.append(f"  {_key(eid)}: {{{', '.join(shown)}}}")
        whys = item.rationale.get(eid, {})
        if whys:
            reasons.append(f"  {_key(eid)}:")
            reasons += [f"    {_key(hid)}: {yaml_quoted(why)}" for hid, why in sorted(whys.items())]
    lines += ["ratings:", *rows] if rows else ["ratings: {}"]
    if reasons:
        lines += ["rationale:", *reasons]
    return "\n".join(lines) + "\n"


def backup(url: str, output: Path) -> list[str]:
    """Write every workshop's ratings into the zip file ``output``: a folder per workshop
    (``workshop-001-CASE/``) holding one ratings file per participant and round, and
    ``workshops.yaml`` listing the workshops. Returns what was written, for the user."""
    database = _open(url, migrate=False)
    version = database.schema_version()
    if version != SCHEMA_VERSION:
        raise ArgmapError(
            f"{database.url.shown}: schema {version}, this argmap backs up schema "
            f"{SCHEMA_VERSION}: start a server on it once to migrate it, or use the argmap "
            "that wrote it"
            if version
            else f"{database.url.shown}: no workshop database is there yet"
        )
    entries: dict[str, str] = {}
    listing = ["# The workshops in this backup; each folder holds ratings files for merge.", ""]
    lines = []
    infos = database.workshops()
    if not infos:
        listing[-1:] = ["workshops: []"]
    else:
        listing[-1:] = ["workshops:"]
    for info in infos:
        store = Store(database, workshop=info.id)
        folder = (
            f"workshop-{info.id:03d}-{analyst_slug(info.case_ref) if info.case_ref else 'case'}"
        )
        digest = store.meta("case_digest")
        files = store.analyst_ratings()
        # A removed participant's ratings are kept for a restore: in the backup too, in a
        # folder of their own, so that merging a workshop's folder leaves them out.
        removed = store.analyst_ratings(removed=True)
        for where, kept in ((folder, files), (f"{folder}/removed", removed)):
            names: set[str] = set()
            for item in kept:
                name = item.path.name
                stem, number = name.removesuffix(".yaml"), 2
                while name in names:  # two names can share a file-name stem
                    name, number = f"{stem}-{number}.yaml", number + 1
                names.add(name)
                entries[f"{where}/{name}"] = ratings_file_text(item, digest)
        listing += [
            f"  - id: {info.id}",
            f"    case: {yaml_quoted(info.case_ref)}",
            f"    title: {yaml_quoted(info.title)}",
            f"    folder: {folder}",
            f"    round: {info.round}",
            f"    revealed: {info.revealed}",
            f"    participants: {info.participants}",
            f"    files: {len(files)}",
            f"    removed_participants_files: {len(removed)}",
        ]
        lines.append(
            f"workshop {info.id} ({info.case_ref or 'the served case'}): "
            f"{len(files)} ratings files in {folder}/"
            + (f", {len(removed)} of removed participants in {folder}/removed/" if removed else "")
        )
    entries["workshops.yaml"] = "\n".join(listing) + "\n"
    database.close()
    write_atomic(output, _zip(entries), mode=0o600)
    lines.append(f"wrote {output} ({len(infos)} workshops)")
    return lines


def _zip(entries: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            archive.writestr(info, entries[name].encode())
    return buffer.getvalue()
