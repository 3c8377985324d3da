"""The live workshop server: `argmap workshop serve` (docs/workshops.md, *Live workshops*).

A Starlette app run by uvicorn over the SQLite store of :mod:`argmap.workshop.store`.
Everyone holds a secret link: the facilitator's (`/f/TOKEN`) and one per participant
(`/p/TOKEN`). A participant's page is the rating sheet in server mode: it saves every
entry as it is made. The facilitator's page shows progress, reveals the aggregate (the
report's workshop section), opens the next round and exports the ratings into the case.

Security (the plumbing is shared with `argmap edit`, in :mod:`argmap.web`): the links'
tokens are the only credentials; every POST must carry the page's CSRF token in a header, be
JSON and come from the server's own origin; the Host header is checked (against DNS
rebinding) and read strictly, since the facilitator's page builds links on it; pages are
served with a nonce-based Content-Security-Policy.

Hostile input: every text a participant sends is held to the ratings files' own rule
(:func:`argmap.text.first_not_text`, through the ratings file's model), so that nothing the
server accepts can stop an export; an export still leaves out, and reports, a stored cell the
files cannot hold. Bodies are bounded and parsed defensively; each request must arrive whole
within a deadline and open connections are capped (:mod:`.connections`).
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import secrets
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import TypeAdapter, ValidationError
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from .. import __version__
from ..casewriter import yaml_quoted
from ..load import LoadResult, load_case
from ..problems import ArgmapError, CaseError, Problem, format_problems
from ..ratingsfile import VOTES, AnalystName, AnalystRatings, Reason, analyst_key
from ..web import (
    BODY_LIMIT,
    LOOPBACK_NAMES,
    ApiError,
    Guard,
    Limits,
    allowed_hosts,
    check_post,
    csp,
    exception_handlers,
    only_keys,
    own_origin,
    parse_host,
    read_json,
    serve_app,
    text_field,
)
from ..web import shown as _shown
from .sheet import RATIONALE_LIMIT, render_sheet, sheet_context, sheet_digest
from .store import AlreadyInvited, Comment, Database, Participant, RemovedParticipant, Store

if TYPE_CHECKING:
    from ..assess import Assessment
    from ..model import Case
    from .aggregate import Workshop
    from .view import WorkshopView

__all__ = [
    "BODY_LIMIT",
    "DEFAULT_DB",
    "Limits",
    "WorkshopServer",
    "create_app",
    "invite",
    "open_server",
    "parse_host",
    "ratings_yaml",
    "serve",
    "workshop_app",
    "workshop_server",
]

DEFAULT_DB = Path("build/workshop.sqlite")
"""The database when --db is not given: relative to the current folder."""
# --- the case and its state ------------------------------------------------------------


@dataclass
class WorkshopServer:
    """The case being rated and the store of the ratings."""

    folder: Path
    store: Store
    loaded: LoadResult
    report_path: Path
    """Where an export writes the report."""
    allowed_hosts: tuple[str, ...] = LOOPBACK_NAMES
    """Host names the server answers to; '*' for any (when bound to every interface)."""
    _assessment: list[Assessment] = field(default_factory=list)
    _seen: list[str | None] = field(default_factory=list)
    """The case's last write mark (:meth:`case_written`) this process has read the case
    after."""

    @property
    def case(self) -> Case:
        return self.loaded.case

    def reload(self) -> None:
        """Read the case's files again (after an accepted proposal has been written)."""
        self.loaded = load_case(self.folder)
        for name in ("digest", "evidence_ids", "leaf_ids"):
            self.__dict__.pop(name, None)
        self._assessment.clear()

    # --- several processes over one database ---------------------------------------------

    @property
    def _mark_key(self) -> str:
        return f"case_written:{self.store.case_ref or '.'}"

    def refresh(self) -> None:
        """Read the case again if a server process (this one or another, on any workshop
        of the case) has written it since this one last read it: the case is the only
        state a process keeps besides the database, and the database says when it went
        stale."""
        mark = self.store.database.meta(self._mark_key)
        if not self._seen:
            self._seen.append(mark)
        elif self._seen[0] != mark:
            self.reload()
            self._seen[0] = mark

    def case_written(self) -> None:
        """Tell every process that the case's files have changed (they read it again)."""
        from .store import new_token

        mark = new_token()
        self.store.database.set_meta(self._mark_key, mark)
        self._seen[:] = [mark]

    def case_lock(self) -> contextlib.AbstractContextManager[None]:
        """Held while the case's files are written: one process at a time, over every
        workshop on the case (a PostgreSQL advisory lock; a lock file in the case's
        .argmap/ folder with SQLite)."""
        return case_lock(self.store.database, self.folder, self.store.case_ref)

    def locked_export(self) -> dict[str, Any]:
        """:meth:`export` under the case's lock."""
        with self.case_lock():
            self.refresh()
            answer = self.export()
            with contextlib.suppress(ArgmapError):  # the export has read the case already
                self.reload()
            self.case_written()  # its ratings files are in it now
            return answer

    @cached_property
    def digest(self) -> str:
        return sheet_digest(self.loaded.case)

    @cached_property
    def evidence_ids(self) -> tuple[str, ...]:
        return tuple(e.id for e in self.loaded.case.evidence)

    @cached_property
    def leaf_ids(self) -> tuple[str, ...]:
        return tuple(h.id for h in self.loaded.case.leaves)

    @property
    def cells_total(self) -> int:
        return len(self.evidence_ids) * len(self.leaf_ids)

    def assessment(self) -> Assessment:
        if not self._assessment:
            from ..assess import assess

            self._assessment.append(assess(self.loaded.case))
        return self._assessment[0]

    def ratings(
        self, up_to_round: int | None = None, participant: int | None = None
    ) -> list[AnalystRatings]:
        """The stored ratings that ratings files can hold (:func:`exportable`): what the
        aggregate, the progress and the sheets are built from."""
        stored = self.store.analyst_ratings(up_to_round, participant)
        return exportable(stored, self.evidence_ids, self.leaf_ids)[0]

    def aggregate(self) -> WorkshopView | None:
        """The report's workshop section for the revealed round, or None before a reveal
        (or when nobody has rated anything yet)."""
        revealed = self.revealed()
        return revealed[1] if revealed else None

    def revealed(self) -> tuple[Workshop, WorkshopView] | None:
        """The revealed round's workshop (its ``labels`` give each analyst's letter) and its
        view, or None before a reveal (or when nobody has rated anything yet)."""
        from .aggregate import build_workshop
        from .view import workshop_view

        _, revealed = self.store.state()
        if not revealed:
            return None
        files = self.ratings(up_to_round=revealed)
        if not files:
            return None
        workshop = build_workshop(self.loaded.case, files, revealed)
        return workshop, workshop_view(self.assessment(), workshop, names=False)

    def letters(self) -> dict[str, str]:
        """Analyst key → the letter the revealed results give them (empty before a reveal);
        the aggregate's labels, without scoring anything."""
        from .aggregate import build_workshop

        _, revealed = self.store.state()
        files = self.ratings(up_to_round=revealed) if revealed else []
        if not files:
            return {}
        return dict(build_workshop(self.loaded.case, files, revealed).labels)

    def progress(self) -> list[dict[str, Any]]:
        """Per participant: cells answered as things stand, and entered in this round."""
        current, _ = self.store.state()
        counts = self.store.counts()
        views = {f.key: f for f in _latest_views(self.ratings(up_to_round=current))}
        rows = []
        for person in self.store.participants():
            view = views.get(person.key)
            answered = sum(len(c) for c in view.ratings.values()) if view else 0
            rows.append(
                {
                    "id": person.id,
                    "name": person.name,
                    "answered": answered,
                    "this_round": counts.get((person.id, current), 0),
                    "total": self.cells_total,
                }
            )
        return rows

    def export(self) -> dict[str, Any]:
        """Write every participant's rounds into the case's rating files (with backups, via
        `merge`), then the report; returns what was done."""
        from ..output import write_atomic
        from ..render.report import build_report
        from .merge import merge_ratings

        stored = self.store.analyst_ratings()
        if not stored:
            raise ApiError(409, "nothing to export: no one has rated yet")
        incomplete = self.incomplete()
        files, left_out = exportable(stored, self.evidence_ids, self.leaf_ids)
        with tempfile.TemporaryDirectory(prefix="argmap-export-") as folder:
            written: dict[Path, AnalystRatings] = {}
            for number, item in enumerate(files):
                path = Path(folder) / f"{number:04d}-{item.path.name}"
                path.write_text(
                    ratings_yaml(item, self.evidence_ids, self.leaf_ids, self.digest),
                    encoding="utf-8",
                )
                written[path] = item
            lines: list[str] = []
            warnings: list[Problem] = []
            while written:
                try:
                    lines, warnings = merge_ratings(list(written), self.folder)
                    break
                except CaseError as err:
                    # A file of ours the loader refuses after all is left out, and the rest
                    # exported; a problem in the case's own files stops the export.
                    refused = {problem.file for problem in err.problems}
                    if not refused or not refused <= written.keys():
                        raise ApiError(409, format_problems(err.problems)) from None
                    for problem in err.problems:
                        item = written[problem.file]
                        left_out.append(
                            f"{_shown(item.analyst)}, round {item.round}: every cell "
                            f"({problem.field or 'file'}: {problem.message})"
                        )
                    for path in refused:
                        del written[path]
        comments = self.comments_export()
        comments_path = self.report_path.with_name("workshop-comments.yaml")
        write_atomic(comments_path, comments_yaml(comments))
        answer: dict[str, Any] = {
            "lines": [re.sub(r"^\S*argmap-export-[^/]*/\d{4}-", "", line) for line in lines],
            "warnings": [p.message for p in warnings] + incomplete,
            "left_out": left_out,
            "comments": comments,
            "comments_file": str(comments_path),
        }
        try:
            html = build_report(load_case(self.folder))
            write_atomic(self.report_path, html)
            answer["report"] = str(self.report_path)
        except ArgmapError as err:
            answer["report_error"] = str(err)
        return answer

    def incomplete(self) -> list[str]:
        """A warning for each participant who has not rated every cell (as things stand
        in the current round): they are exported and counted all the same."""
        current, _ = self.store.state()
        lines = []
        for row in self.progress():
            if row["answered"] == 0:
                lines.append(
                    f"{row['name']} has rated no cell: left out of the aggregate and the export"
                )
            elif row["answered"] < row["total"]:
                lines.append(
                    f"{row['name']} has rated {row['answered']} of {row['total']} cells "
                    f"(round {current})"
                )
        return lines

    def vote_counts(self) -> dict[str, dict[str, dict[str, int]]]:
        """Participants' votes on items' credibility and relevance, counted (open and
        accepted votes; a rejected one no longer counts)."""
        from .proposals import parse_proposal, vote_counts

        votes = []
        for proposal in self.store.proposals():
            if proposal.status != "rejected" and proposal.body.get("type") == "vote":
                try:
                    votes.append(parse_proposal(proposal.body))
                except ArgmapError:  # a database edited by hand
                    continue
        return vote_counts(votes)

    def comments_export(self) -> list[dict[str, Any]]:
        """The discussion as the export writes it: every comment, oldest first, with its
        author's name (or 'facilitator')."""
        names = {p.id: p.name for p in self.store.participants()}
        rows = []
        for comment in self.store.comments():
            row: dict[str, Any] = {"round": comment.round, "evidence": comment.evidence}
            if comment.hypothesis:
                row["hypothesis"] = comment.hypothesis
            row["by"] = _author(comment, names)
            row["text"] = comment.text
            row["created"] = comment.created
            rows.append(row)
        return rows


@contextlib.contextmanager
def case_lock(database: Database, folder: Path, ref: str) -> Iterator[None]:
    """The case's writer lock (see :meth:`WorkshopServer.case_lock`). A PostgreSQL
    advisory lock is the database's, so processes on several machines sharing CASES_DIR
    take turns; it is held by a connection of its own and goes with it if the process
    dies. With SQLite, the lock file is the case folder's (an OS lock, gone with the
    process too)."""
    name = f"argmap case {ref or folder.resolve()}"
    if database.dialect.name == "postgresql":
        key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
        with database.engine.connect() as db:
            db.execute("SELECT pg_advisory_lock(?)", (key,))
            try:
                yield
            finally:
                db.execute("SELECT pg_advisory_unlock(?)", (key,))
        return
    with _CASE_LOCKS.setdefault(name, threading.Lock()):  # threads of this process
        try:
            import fcntl
        except ImportError:  # Windows: one process per case folder
            yield
            return
        where = folder / ".argmap"
        where.mkdir(exist_ok=True)
        with open(where / "write.lock", "a+b") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


_CASE_LOCKS: dict[str, threading.Lock] = {}


def _author(comment: Comment, names: dict[int, str]) -> str:
    if comment.by_facilitator:
        return "facilitator"
    if comment.participant is None:
        return "a removed participant"
    return names.get(comment.participant, "a removed participant")


def comments_yaml(comments: list[dict[str, Any]]) -> str:
    """The workshop's discussion as YAML: a ``comments:`` list (docs/workshops.md)."""
    lines = [
        "# The discussion of an argmap live workshop.",
        "comments:" if comments else "comments: []",
    ]
    for row in comments:
        first = True
        for key, value in row.items():
            shown = str(value) if isinstance(value, int) else yaml_quoted(str(value))
            lines.append(f"  {'- ' if first else '  '}{key}: {shown}")
            first = False
    return "\n".join(lines) + "\n"


def exportable(
    files: list[AnalystRatings], evidence_ids: tuple[str, ...], leaf_ids: tuple[str, ...]
) -> tuple[list[AnalystRatings], list[str]]:
    """The stored ratings without what ratings files cannot hold (a name or a reason that
    breaks the text rule, a vote that is no rating, a cell the case does not have), and a
    line for each thing left out. The server refuses all of these when they are sent; a
    database written by an older version, or by hand, may still hold them."""
    evidence, leaves = set(evidence_ids), set(leaf_ids)
    kept: list[AnalystRatings] = []
    left_out: list[str] = []
    for item in files:
        who = f"{_shown(item.analyst)}, round {item.round}"
        try:
            checked_name(item.analyst)
        except ArgmapError as err:
            left_out.append(f"{who}: every cell ({err})")
            continue
        ratings: dict[str, dict[str, str]] = {}
        rationale: dict[str, dict[str, str]] = {}
        outside: dict[tuple[str, str], None] = {}  # cells not in the case, in order, once
        for eid, cells in item.ratings.items():
            for hid, vote in cells.items():
                if eid not in evidence or hid not in leaves:
                    outside[eid, hid] = None
                elif vote not in VOTES:
                    left_out.append(f"{who}: {eid} / {hid} ('{_shown(vote)}' is not a rating)")
                else:
                    ratings.setdefault(eid, {})[hid] = vote
        for eid, cells in item.rationale.items():
            for hid, why in cells.items():
                if eid not in evidence or hid not in leaves:
                    outside[eid, hid] = None
                    continue
                try:
                    reason = _REASON.validate_python(why)
                except ValidationError as err:
                    left_out.append(f"{who}: the reason for {eid} / {hid} ({_message(err)})")
                else:
                    rationale.setdefault(eid, {})[hid] = reason
        left_out += [f"{who}: {_shown(e)} / {_shown(h)} (not in the case)" for e, h in outside]
        if ratings or rationale:
            kept.append(replace(item, ratings=ratings, rationale=rationale))
    return kept, left_out


def _latest_views(files: list[AnalystRatings]) -> list[Any]:
    from ..ratingsfile import analyst_views

    return analyst_views(files)


def ratings_yaml(
    item: AnalystRatings, evidence_ids: tuple[str, ...], leaf_ids: tuple[str, ...], digest: str
) -> str:
    """A ratings file (docs/workshops.md) with the cells in case order, as the sheet
    writes it."""
    lines = [
        "# Ratings entered on an argmap workshop server.",
        f"analyst: {yaml_quoted(item.analyst)}",
        f"round: {item.round}",
        f"digest: sha256:{digest}",
    ]
    rows, reasons = [], []
    for eid in evidence_ids:
        votes = item.ratings.get(eid, {})
        whys = item.rationale.get(eid, {})
        shown = [f"{hid}: {votes[hid]}" for hid in leaf_ids if hid in votes]
        if shown:
            rows.append(f"  {eid}: {{{', '.join(shown)}}}")
        given = [f"    {hid}: {yaml_quoted(whys[hid])}" for hid in leaf_ids if hid in whys]
        if given:
            reasons += [f"  {eid}:", *given]
    lines += ["ratings:", *rows] if rows else ["ratings: {}"]
    if reasons:
        lines += ["rationale:", *reasons]
    return "\n".join(lines) + "\n"


# --- request checks -------------------------------------------------------------------


# The ratings file's own types: what they accept is what a ratings file can hold.
_NAME = TypeAdapter(AnalystName)
_REASON = TypeAdapter(Reason)


def _message(err: ValidationError) -> str:
    return str(err.errors()[0]["msg"]).removeprefix("Value error, ")


def checked_name(value: object) -> str:
    """A participant's name, as ratings files require it; raises :class:`ArgmapError`."""
    if not isinstance(value, str):
        raise ArgmapError("a name is text")
    try:
        return _NAME.validate_python(value)
    except ValidationError as err:
        raise ArgmapError(f"name: {_message(err)}") from None


def checked_reason(value: object, what: str = "a reason") -> str | None:
    """A participant's reason for a rating (or a comment, a proposal's reason: ``what``),
    trimmed, as ratings files require it (None for none); raises :class:`ArgmapError`."""
    if value is None:
        return None
    if not isinstance(value, str):
        field = "'why'" if what == "a reason" else what
        raise ArgmapError(f"{field} must be text or null")
    value = value.strip()
    if not value:
        return None
    if len(value) > RATIONALE_LIMIT:
        raise ArgmapError(f"{what} has at most {RATIONALE_LIMIT} characters")
    try:
        return _REASON.validate_python(value)
    except ValidationError as err:
        raise ArgmapError(f"{what} {_message(err)}") from None


# --- the app ------------------------------------------------------------------------------


def create_app(server: WorkshopServer) -> Starlette:
    """The ASGI app for ``server``, behind the :class:`~argmap.web.Guard`."""
    return Guard(workshop_app(server), server.allowed_hosts)  # type: ignore[return-value]


def workshop_app(server: WorkshopServer) -> Starlette:
    """One workshop's pages and API (the team server routes each link to its workshop's)."""
    from ..render.html import environment

    env = environment()
    store = server.store

    def facilitator(request: Request) -> None:
        token = request.path_params["token"]
        if not secrets.compare_digest(token.encode(), store.facilitator_token.encode()):
            raise ApiError(404, "unknown link")
        server.refresh()

    def participant(request: Request) -> Participant:
        found = store.participant_by_token(request.path_params["token"])
        if found is None:
            raise ApiError(404, "unknown link")
        server.refresh()
        return found

    def page(template: str, nonce: str, **context: Any) -> HTMLResponse:
        html = env.get_template(template).render(nonce=nonce, version=__version__, **context)
        return HTMLResponse(html, headers={"Content-Security-Policy": csp(nonce)})

    def items(viewer: Participant | None) -> _Items:
        """The case's hypotheses and items, with the discussion ``viewer`` may see (None:
        the facilitator, who sees it all, with names)."""
        _, revealed = store.state()
        return _Items.of(server, viewer, revealed)

    # --- participant ---

    async def participant_page(request: Request) -> Response:
        who = await run_in_threadpool(participant, request)
        current, revealed = await run_in_threadpool(store.state)
        files = await run_in_threadpool(server.ratings, None, who.id)
        # From round 2, the group's previous round beside each cell (anonymised, revealed).
        group = (
            await run_in_threadpool(server.ratings, current - 1) if revealed >= current - 1 else []
        )
        context = sheet_context(server.case, who.name, current, files, group)
        letters = await run_in_threadpool(server.letters)
        nonce = secrets.token_urlsafe(16)
        mode = {
            "nonce": nonce,
            "saveUrl": f"/api/p/{who.token}/ratings",
            "commentsUrl": f"/api/p/{who.token}/comments",
            "proposeUrl": f"/api/p/{who.token}/proposals",
            "csrf": who.csrf,
            "locked": revealed >= current,
            "resultsUrl": f"/p/{who.token}/results" if revealed else None,
            "round": current,
            "revealed": revealed,
            "letter": letters.get(who.key),
        }
        html = render_sheet(context, server=mode)
        return HTMLResponse(html, headers={"Content-Security-Policy": csp(nonce)})

    async def participant_ratings(request: Request) -> Response:
        who = await run_in_threadpool(participant, request)
        if request.method == "GET":
            current, revealed = await run_in_threadpool(store.state)
            cells = (await run_in_threadpool(store.cells, who.id)).get(who.id, [])
            return JSONResponse(
                {
                    "analyst": who.name,
                    "round": current,
                    "revealed": revealed,
                    "cells": [
                        {
                            "round": c.round,
                            "evidence": c.evidence,
                            "hypothesis": c.hypothesis,
                            "vote": c.vote,
                            "why": c.rationale,
                        }
                        for c in cells
                    ],
                }
            )
        check_post(request, who.csrf)
        data = await read_json(request)
        only_keys(data, {"evidence", "hypothesis", "vote", "why"})
        evidence = _evidence(server, data)
        hypothesis = _leaf(server, text_field(data, "hypothesis"))
        vote = data.get("vote")
        if vote is not None and vote not in VOTES:
            raise ApiError(422, f"a rating is one of {', '.join(VOTES)} (or null to clear it)")
        try:
            why = checked_reason(data.get("why"))
        except ArgmapError as err:
            raise ApiError(422, str(err)) from None
        try:
            saved_round = await run_in_threadpool(
                store.save_cell, who.id, evidence, hypothesis, vote, why
            )
        except ArgmapError as err:
            raise ApiError(409, str(err)) from None
        return JSONResponse({"saved": True, "round": saved_round})

    async def participant_results(request: Request) -> Response:
        who = await run_in_threadpool(participant, request)
        revealed = await run_in_threadpool(server.revealed)
        if revealed is None:
            raise ApiError(403, "the results are shown once the facilitator reveals them")
        workshop, view = revealed
        listed = await run_in_threadpool(items, who)
        nonce = secrets.token_urlsafe(16)
        return page(
            "server_results.html",
            nonce,
            ctx=_Page(server.case.title, server.case.question, view),
            items=listed,
            letter=workshop.labels.get(who.key),
            sheet=f"/p/{who.token}",
        )

    async def comments(request: Request) -> Response:
        """A participant's view of the discussion (GET) or a new comment of theirs (POST)."""
        who = await run_in_threadpool(participant, request)
        if request.method == "GET":
            listed = await run_in_threadpool(items, who)
            return JSONResponse({"comments": listed.comments_json()})
        check_post(request, who.csrf)
        added = await _new_comment(request, who.id)
        return JSONResponse({"saved": True, "id": added.id, "round": added.round}, status_code=201)

    async def _new_comment(request: Request, author: int | None) -> Comment:
        data = await read_json(request)
        only_keys(data, {"evidence", "hypothesis", "text"})
        evidence = _evidence(server, data)
        hypothesis = data.get("hypothesis")
        if hypothesis is not None:
            hypothesis = _leaf(server, text_field(data, "hypothesis"))
        try:
            text = checked_reason(data.get("text"), "a comment")
        except ArgmapError as err:
            raise ApiError(422, str(err)) from None
        if text is None:
            raise ApiError(422, "a comment needs some text")
        return await run_in_threadpool(store.add_comment, author, evidence, hypothesis, text)

    # --- facilitator ---

    async def facilitator_page(request: Request) -> Response:
        facilitator(request)
        current, revealed = await run_in_threadpool(store.state)
        view = await run_in_threadpool(server.aggregate)
        people = await run_in_threadpool(server.progress)
        listed = await run_in_threadpool(items, None)
        nonce = secrets.token_urlsafe(16)
        token = store.facilitator_token
        origin = own_origin(request)
        data = {
            "csrf": store.facilitator_csrf,
            "api": f"/api/f/{token}",
            "round": current,
            "revealed": revealed,
        }
        return page(
            "server_facilitator.html",
            nonce,
            ctx=_Page(server.case.title, server.case.question, view),
            round=current,
            revealed=revealed,
            people=[
                {**row, "link": f"{origin}/p/{p.token}"}
                for row, p in zip(people, await run_in_threadpool(store.participants), strict=False)
            ],
            removed=[
                {"id": p.id, "name": p.name, "removed": p.removed}
                for p in await run_in_threadpool(store.removed_participants)
            ],
            items=listed,
            presenter=f"/f/{token}/present",
            data=data,
        )

    async def presenter_page(request: Request) -> Response:
        facilitator(request)
        view = await run_in_threadpool(server.aggregate)
        nonce = secrets.token_urlsafe(16)
        quotes = {e.id: (e.quote, e.source) for e in server.case.evidence}
        return page(
            "server_presenter.html",
            nonce,
            ctx=_Page(server.case.title, server.case.question, view),
            quotes=quotes,
            back=f"/f/{store.facilitator_token}",
        )

    async def status(request: Request) -> Response:
        facilitator(request)
        current, revealed = await run_in_threadpool(store.state)
        rows = await run_in_threadpool(server.progress)
        people = {p.id: p for p in await run_in_threadpool(store.participants)}
        origin = own_origin(request)
        for row in rows:
            row["link"] = f"{origin}/p/{people[row['id']].token}"
        listed = await run_in_threadpool(items, None)
        return JSONResponse(
            {
                "round": current,
                "revealed": revealed,
                "participants": rows,
                "removed": [
                    {"id": p.id, "name": p.name, "removed": p.removed}
                    for p in await run_in_threadpool(store.removed_participants)
                ],
                "comments": listed.comments_json(),
                "proposals": listed.proposals_json(),
                "votes": await run_in_threadpool(server.vote_counts),
            }
        )

    async def add_participant(request: Request) -> Response:
        facilitator(request)
        check_post(request, store.facilitator_csrf)
        data = await read_json(request)
        only_keys(data, {"name"})
        try:
            name = checked_name(data.get("name"))
            added = await run_in_threadpool(store.add_participant, name)
        except AlreadyInvited as err:
            # The same name again: the answer carries that participant's link, or says they
            # were removed (no link: restoring them gives it back).
            found = await run_in_threadpool(store.participant_by_key, analyst_key(name))
            answer: dict[str, Any] = {"error": str(err)}
            if found is not None and found.removed is not None:
                answer |= {"id": found.id, "name": found.name, "removed": True}
            elif found is not None:
                answer |= {"id": found.id, "name": found.name, "link": _link(request, found)}
            return JSONResponse(answer, status_code=409)
        except ArgmapError as err:
            raise ApiError(422, str(err)) from None
        return JSONResponse(
            {"id": added.id, "name": added.name, "link": _link(request, added)}, status_code=201
        )

    async def change_participant(request: Request) -> Response:
        facilitator(request)
        check_post(request, store.facilitator_csrf)
        number, action = request.path_params["number"], request.path_params["action"]
        data = await read_json(request)
        if action == "rename":
            only_keys(data, {"name"})
            try:
                name = checked_name(data.get("name"))
                renamed = await run_in_threadpool(store.rename_participant, number, name)
            except AlreadyInvited as err:
                raise ApiError(409, str(err)) from None
            except ArgmapError as err:
                raise ApiError(404 if "no such" in str(err) else 422, str(err)) from None
            return JSONResponse({"id": renamed.id, "name": renamed.name})
        if action not in ("remove", "restore"):
            raise ApiError(404, "not found")
        only_keys(data, set())
        try:
            if action == "restore":
                restored = await run_in_threadpool(store.restore_participant, number)
                return JSONResponse(
                    {"restored": restored.name, "id": restored.id, "link": _link(request, restored)}
                )
            removed = await run_in_threadpool(store.remove_participant, number)
        except ArgmapError as err:
            raise ApiError(404 if "no such" in str(err) else 409, str(err)) from None
        return JSONResponse({"removed": removed})

    async def facilitator_comment(request: Request) -> Response:
        facilitator(request)
        check_post(request, store.facilitator_csrf)
        added = await _new_comment(request, None)
        return JSONResponse({"saved": True, "id": added.id, "round": added.round}, status_code=201)

    async def reveal(request: Request) -> Response:
        facilitator(request)
        check_post(request, store.facilitator_csrf)
        await read_json(request)
        shown = await run_in_threadpool(store.reveal)
        return JSONResponse({"revealed": shown})

    async def next_round(request: Request) -> Response:
        facilitator(request)
        check_post(request, store.facilitator_csrf)
        await read_json(request)
        try:
            opened = await run_in_threadpool(store.next_round)
        except ArgmapError as err:
            raise ApiError(409, str(err)) from None
        return JSONResponse({"round": opened})

    async def export(request: Request) -> Response:
        facilitator(request)
        check_post(request, store.facilitator_csrf)
        await read_json(request)
        return JSONResponse(await run_in_threadpool(server.locked_export))

    async def not_found(request: Request) -> Response:
        raise ApiError(404, "not found")

    routes = [
        Route("/p/{token}", participant_page),
        Route("/p/{token}/results", participant_results),
        Route("/api/p/{token}/ratings", participant_ratings, methods=["GET", "POST"]),
        Route("/api/p/{token}/comments", comments, methods=["GET", "POST"]),
        *proposal_routes(server, participant, facilitator),
        Route("/f/{token}", facilitator_page),
        Route("/f/{token}/present", presenter_page),
        Route("/api/f/{token}/status", status),
        Route("/api/f/{token}/participants", add_participant, methods=["POST"]),
        Route(
            "/api/f/{token}/participants/{number:int}/{action}",
            change_participant,
            methods=["POST"],
        ),
        Route("/api/f/{token}/comments", facilitator_comment, methods=["POST"]),
        Route("/api/f/{token}/reveal", reveal, methods=["POST"]),
        Route("/api/f/{token}/round", next_round, methods=["POST"]),
        Route("/api/f/{token}/export", export, methods=["POST"]),
        Route("/", not_found),
    ]
    return Starlette(routes=routes, exception_handlers=exception_handlers())


def _described(body: dict[str, Any]) -> str:
    from .proposals import describe, parse_proposal

    try:
        return describe(parse_proposal(body))
    except ArgmapError:
        return "a proposal the server can no longer read"


def _link(request: Request, person: Participant) -> str:
    return f"{own_origin(request)}/p/{person.token}"


def _evidence(server: WorkshopServer, data: dict[str, Any]) -> str:
    evidence = text_field(data, "evidence")
    if evidence not in server.evidence_ids:
        raise ApiError(422, f"'{_shown(evidence)}' is not an evidence item of the case")
    return evidence


def _leaf(server: WorkshopServer, hypothesis: str) -> str:
    if hypothesis not in server.leaf_ids:
        known = {h.id for h in server.case.hypotheses}
        raise ApiError(
            422,
            f"'{_shown(hypothesis)}' has sub-hypotheses and is not rated itself"
            if hypothesis in known
            else f"'{_shown(hypothesis)}' is not a hypothesis of the case",
        )
    return hypothesis


def proposal_routes(
    server: WorkshopServer,
    participant: Callable[[Request], Participant],
    facilitator: Callable[[Request], None],
) -> list[Route]:
    """The proposals' endpoints: a participant sends one (POST /api/p/TOKEN/proposals) and
    reads their own with the facilitator's decisions; the facilitator accepts or rejects one
    with a reason (POST /api/f/TOKEN/proposals/ID). Accepting an evidence item or a hypothesis
    writes it into the case (:func:`argmap.workshop.proposals.apply`, with a backup) and
    reloads the case, so it is in the matrix from then on; a vote stays advisory."""
    from . import proposals as rules

    store = server.store

    async def participant_proposals(request: Request) -> Response:
        who = await run_in_threadpool(participant, request)
        if request.method == "GET":
            _, revealed = await run_in_threadpool(store.state)
            mine = [p for p in await run_in_threadpool(store.proposals) if p.participant == who.id]
            votes = await run_in_threadpool(server.vote_counts) if revealed else {}
            return JSONResponse(
                {
                    "proposals": [
                        {
                            "id": p.id,
                            "round": p.round,
                            "proposal": p.body,
                            "status": p.status,
                            "reason": p.reason,
                        }
                        for p in mine
                    ],
                    "votes": votes,
                }
            )
        check_post(request, who.csrf)
        data = await read_json(request)
        try:
            proposal = rules.parse_proposal(data)
        except ArgmapError as err:
            raise ApiError(422, str(err)) from None
        reasons = rules.check(server.case, proposal)
        if reasons:
            raise ApiError(422, f"the proposal cannot enter the case: {'; '.join(reasons)}")
        body = rules.proposal_json(proposal)
        added = await run_in_threadpool(store.add_proposal, who.id, body)
        return JSONResponse(
            {"saved": True, "id": added.id, "round": added.round, "what": rules.describe(proposal)},
            status_code=201,
        )

    def decide(number: int, accept: bool, reason: str | None) -> list[str]:
        # One writer of the case at a time, in every process (and the case as it is now).
        with server.case_lock():
            server.refresh()
            found = store.proposal(number)
            if found is None:
                raise ApiError(404, "no such proposal")
            if found.status != "open":
                raise ApiError(409, f"this proposal has been {found.status} already")
            written: list[Path] = []
            if accept and found.body.get("type") != "vote":
                proposal = rules.parse_proposal(found.body)
                author = next(
                    (p.name for p in store.participants() if p.id == found.participant), None
                )
                try:
                    written = rules.apply(server.folder, proposal, by=author)
                except ArgmapError as err:
                    raise ApiError(409, str(err)) from None
                server.reload()
                server.case_written()
                store.set_meta("case_digest", server.digest)
            try:
                store.decide_proposal(number, "accepted" if accept else "rejected", reason)
            except ArgmapError as err:
                raise ApiError(409, str(err)) from None
            return [str(path) for path in written]

    async def decide_proposal(request: Request) -> Response:
        facilitator(request)
        check_post(request, store.facilitator_csrf)
        data = await read_json(request)
        only_keys(data, {"decision", "reason"})
        decision = data.get("decision")
        if decision not in ("accept", "reject"):
            raise ApiError(422, "'decision' is 'accept' or 'reject'")
        try:
            reason = checked_reason(data.get("reason"), "a reason")
        except ArgmapError as err:
            raise ApiError(422, str(err)) from None
        written = await run_in_threadpool(
            decide, request.path_params["number"], decision == "accept", reason
        )
        return JSONResponse({"status": f"{decision}ed", "written": written})

    return [
        Route("/api/p/{token}/proposals", participant_proposals, methods=["GET", "POST"]),
        Route("/api/f/{token}/proposals/{number:int}", decide_proposal, methods=["POST"]),
    ]


@dataclass(frozen=True)
class _Shown:
    """A comment as a page shows it."""

    id: int
    round: int
    evidence: str
    hypothesis: str | None
    by: str
    text: str
    created: str
    own: bool


@dataclass(frozen=True)
class _Items:
    """The case's hypotheses and evidence items for the server's pages (the targets of
    the workshop section's links), with the discussion the viewer may see."""

    hypotheses: tuple[Any, ...]
    leaves: tuple[Any, ...]
    evidence: tuple[Any, ...]
    comments: tuple[_Shown, ...]
    proposals: tuple[dict[str, Any], ...]
    votes: dict[str, dict[str, dict[str, int]]]
    """Evidence id → credibility/relevance → level → participants' votes (advisory)."""
    facilitator: bool

    @classmethod
    def of(cls, server: WorkshopServer, viewer: Participant | None, revealed: int) -> _Items:
        """Everything for the facilitator (viewer None, with names); for a participant,
        their own comments and every comment of a revealed round, by letter."""
        case = server.case
        letters = server.letters() if viewer is not None else {}
        people = {p.id: p for p in server.store.participants()}
        shown = []
        for comment in server.store.comments():
            own = viewer is not None and comment.participant == viewer.id
            if viewer is not None and not own and comment.round > revealed:
                continue
            if comment.by_facilitator:
                by = "facilitator"
            elif comment.participant not in people:
                by = "a removed participant"
            elif viewer is None:
                by = people[comment.participant].name
            elif own:
                by = "you"
            else:
                letter = letters.get(people[comment.participant].key)
                by = f"analyst {letter}" if letter else "a participant"
            shown.append(
                _Shown(
                    comment.id,
                    comment.round,
                    comment.evidence,
                    comment.hypothesis,
                    by,
                    comment.text,
                    comment.created,
                    own,
                )
            )
        proposals: list[dict[str, Any]] = []
        if viewer is None:
            for proposal in server.store.proposals():
                author = people.get(proposal.participant or 0)
                proposals.append(
                    {
                        "id": proposal.id,
                        "round": proposal.round,
                        "by": author.name if author else "a removed participant",
                        "proposal": proposal.body,
                        "what": _described(proposal.body),
                        "status": proposal.status,
                        "reason": proposal.reason,
                    }
                )
        return cls(
            hypotheses=tuple(case.hypotheses),
            leaves=tuple(case.leaves),
            evidence=tuple(case.evidence),
            comments=tuple(shown),
            proposals=tuple(proposals),
            votes=server.vote_counts() if viewer is None or revealed else {},
            facilitator=viewer is None,
        )

    def thread(self, evidence: str, hypothesis: str | None = None) -> list[_Shown]:
        return [c for c in self.comments if c.evidence == evidence and c.hypothesis == hypothesis]

    def threads(self, evidence: str) -> list[_Shown]:
        """Every comment on the item and its cells."""
        return [c for c in self.comments if c.evidence == evidence]

    def comments_json(self) -> list[dict[str, Any]]:
        return [
            {
                "id": c.id,
                "round": c.round,
                "evidence": c.evidence,
                "hypothesis": c.hypothesis,
                "by": c.by,
                "text": c.text,
                "created": c.created,
                "own": c.own,
            }
            for c in self.comments
        ]

    def proposals_json(self) -> list[dict[str, Any]]:
        return list(self.proposals)


@dataclass(frozen=True)
class _Page:
    """What the server's pages receive as ``ctx`` (the workshop section reads
    ``ctx.workshop``)."""

    title: str
    question: str
    workshop: WorkshopView | None


# --- running it -------------------------------------------------------------------------


def open_server(folder: Path, db: Path | str, host: str = "127.0.0.1") -> WorkshopServer:
    """Load the case and open (or create) the workshop database (a SQLite file's path, or
    a database URL): its first workshop. The export's report goes beside a SQLite file, or
    into the case's build/ folder."""
    store = Store(db)
    path = store.database.url.path
    report = (path.parent if path is not None else folder / "build") / "workshop-report.html"
    return workshop_server(folder, store, report, allowed_hosts(host))


def workshop_server(
    folder: Path, store: Store, report_path: Path, hosts: tuple[str, ...]
) -> WorkshopServer:
    """The workshop ``store`` on the case in ``folder``: the case is read (after the
    database's mark of its last write, so a later write is seen) and its digest recorded
    when the workshop is new."""
    server = WorkshopServer(
        folder=folder,
        store=store,
        loaded=None,  # type: ignore[arg-type]
        report_path=report_path,
        allowed_hosts=hosts,
    )
    server.refresh()
    server.loaded = load_case(folder)
    if store.meta("case_digest") is None:
        store.set_meta("case_digest", server.digest)
    return server


def serve(
    folder: Path,
    *,
    host: str,
    port: int,
    db: Path,
    limits: Limits | None = None,
) -> None:
    """Run the server until interrupted; the first line printed is the facilitator's link."""
    server = open_server(folder, db, host)
    known = server.store.meta("case_digest")

    def link(base: str) -> str:
        server.store.set_meta("base_url", base)
        return f"{base}/f/{server.store.facilitator_token}"

    notes = [
        f"argmap: workshop database {db}; participants: {len(server.store.participants())}",
        "argmap: `argmap workshop invite NAME` adds a participant; Ctrl-C stops the server",
    ]
    if known != server.digest:
        notes.append(
            "argmap: warning: the case's hypotheses or evidence changed since this database "
            "was started"
        )
    from .team import single_app

    serve_app(
        single_app(server), link=link, host=host, port=port, notes=notes, limits=limits or Limits()
    )


def invite(db: Path, name: str) -> str:
    """Add a participant to the workshop in ``db``; returns their link."""
    store = Store(db, create=False)
    base = store.meta("base_url") or "http://127.0.0.1"
    name = checked_name(name)
    try:
        added = store.add_participant(name)
    except RemovedParticipant as err:
        raise ArgmapError(f"{err} on the facilitator page's Removed list") from None
    except AlreadyInvited as err:
        found = store.participant_by_key(analyst_key(name))
        if found is None:
            raise
        raise ArgmapError(f"{err}; their link: {base}/p/{found.token}") from None
    return f"{base}/p/{added.token}"
