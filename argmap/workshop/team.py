"""The team server: `argmap server CASES_DIR --db URL` (docs/team-server.md).

Many cases and workshops in one database (SQLite or PostgreSQL), served by one or more
processes. Every link goes to the same workshop app as `argmap workshop serve`
(:func:`argmap.workshop.server.workshop_app`): this module only finds the workshop a link
belongs to, adds the team's index behind the admin link, a health endpoint and a log line
per request. `argmap workshop serve` is its one-case form (:func:`single_app`).

Nothing a request depends on lives in one process only: links, CSRF secrets, rounds,
ratings and the admin links are read from the database on every request; a process keeps
the cases it has read (and reads one again when the database says another process wrote
it, :meth:`~argmap.workshop.server.WorkshopServer.refresh`) and which workshop a token
belongs to (a token never moves). The pages poll the server, so whichever process answers,
they see what every process has stored.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .. import __version__
from ..load import load_case
from ..problems import ArgmapError
from ..web import (
    ApiError,
    Guard,
    Limits,
    allowed_hosts,
    check_post,
    csp,
    error_response,
    exception_handlers,
    only_keys,
    own_origin,
    read_json,
    serve_app,
    text_field,
)
from ..web import shown as _shown
from .server import WorkshopServer, workshop_app, workshop_server
from .store import SCHEMA_VERSION, Database, Store

__all__ = [
    "Team",
    "access_log",
    "access_log_line",
    "redact",
    "serve_team",
    "single_app",
    "team_app",
]

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Any]]
Send = Callable[[Any], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

_LINK = re.compile(r"^/(?:api/)?(p|f)/([^/]+)")
_TOKENS_KEPT = 10_000


class Team:
    """The team server's cases (the folders in ``cases_dir``) and the workshops in
    ``database``. The apps of the workshops it has served are kept, by id."""

    def __init__(
        self, database: Database, cases_dir: Path, hosts: tuple[str, ...], limits: Limits
    ) -> None:
        self.database = database
        self.cases_dir = cases_dir
        self.allowed_hosts = hosts
        self.limits = limits
        self._apps: dict[int, tuple[WorkshopServer, Any]] = {}
        self._tokens: dict[str, int] = {}
        self._lock = threading.Lock()
        self._load_caches: dict[str, Any] = {}

    def cases(self) -> list[str]:
        """The case folders in CASES_DIR (a folder holding hypotheses/ or evidence/), by
        name."""
        try:
            folders = sorted(self.cases_dir.iterdir())
        except OSError as err:
            raise ArgmapError(f"cannot list the cases in {self.cases_dir}: {err}") from None
        return [
            f.name
            for f in folders
            if f.is_dir()
            and not f.name.startswith(".")
            and ((f / "hypotheses").is_dir() or (f / "evidence").is_dir())
        ]

    def workshop(self, number: int) -> tuple[WorkshopServer, Any]:
        """Workshop ``number``'s server and app, its case read on first use."""
        with self._lock:
            found = self._apps.get(number)
            if found is not None:
                return found
            store = Store(self.database, workshop=number)
            ref = store.case_ref
            if ref not in self.cases():
                raise ApiError(409, f"the case '{_shown(ref)}' is no longer in {self.cases_dir}")
            folder = self.cases_dir / ref
            try:
                server = workshop_server(
                    folder,
                    store,
                    folder / "build" / f"workshop-{number}-report.html",
                    self.allowed_hosts,
                )
            except ArgmapError as err:
                raise ApiError(409, f"the case '{_shown(ref)}' cannot be read: {err}") from None
            found = (server, workshop_app(server))
            self._apps[number] = found
            return found

    def app_for(self, kind: str, token: str) -> Any | None:
        """The app of the workshop a facilitator (``f``) or participant (``p``) link
        belongs to, or None."""
        number = self._tokens.get(token)
        if number is None:
            if kind == "f":
                number = self.database.workshop_by_facilitator_token(token)
            else:
                number = self.database.workshop_by_participant_token(token)
            if number is None:
                return None
            with self._lock:
                if len(self._tokens) >= _TOKENS_KEPT:
                    self._tokens.clear()
                self._tokens[token] = number
        # The workshop's own app checks the token again, against the database.
        return self.workshop(number)[1]

    def about(self, ref: str) -> dict[str, Any]:
        """What the index says of a case folder: its title and question and how large it is,
        or why it cannot be read (each folder keeps a load cache, so an unchanged case is
        not read again)."""
        from ..load import LoadCache, load_case
        from ..problems import CaseError, count_line

        cache = self._load_caches.setdefault(ref, LoadCache())
        try:
            case = load_case(self.cases_dir / ref, cache=cache).case
        except CaseError as err:
            return {"ref": ref, "ok": False, "problem": count_line(err.problems)}
        except ArgmapError as err:
            return {"ref": ref, "ok": False, "problem": str(err)}
        return {
            "ref": ref,
            "ok": True,
            "title": case.title,
            "question": case.question,
            "hypotheses": len(case.leaves),
            "evidence": len(case.evidence),
        }

    def listing(self, origin: str) -> dict[str, Any]:
        """The index: cases, and every workshop with its state and facilitator link."""
        infos = self.database.workshops()
        tokens = {i.id: Store(self.database, workshop=i.id).facilitator_token for i in infos}
        cases = self.cases()
        workshops = [
            {
                "id": info.id,
                "case": info.case_ref,
                "title": info.title,
                "round": info.round,
                "revealed": info.revealed,
                "state": _state(info.round, info.revealed),
                "participants": info.participants,
                "created": info.created,
                "case_present": info.case_ref in cases,
                "link": f"{origin}/f/{tokens[info.id]}",
            }
            for info in infos
        ]
        about = [self.about(ref) for ref in cases]
        titles = {a["ref"]: a["title"] for a in about if a["ok"]}
        for w in workshops:
            w["case_title"] = titles.get(w["case"])
        return {"cases": cases, "about": about, "workshops": workshops}


def _state(current: int, revealed: int) -> str:
    if revealed >= current:
        return f"round {current} revealed"
    return f"round {current} open" + (f" (round {revealed} revealed)" if revealed else "")


def admin_csrf(token: str) -> str:
    """The admin page's CSRF secret, derived from its link's: the same in every process,
    and gone with the link when it is revoked."""
    return hashlib.sha256(f"argmap admin csrf {token}".encode()).hexdigest()


def _admin_routes(team: Team) -> list[Route]:
    from ..render.html import environment

    env = environment()

    def admin(request: Request) -> str:
        token = request.path_params["token"]
        if not team.database.is_admin_token(token):
            raise ApiError(404, "unknown link")
        return token

    async def index(request: Request) -> Response:
        token = await run_in_threadpool(admin, request)
        listing = await run_in_threadpool(team.listing, own_origin(request))
        nonce = __import__("secrets").token_urlsafe(16)
        html = env.get_template("server_admin.html").render(
            nonce=nonce,
            version=__version__,
            listing=listing,
            cases_dir=str(team.cases_dir),
            data={"csrf": admin_csrf(token), "api": f"/api/admin/{token}"},
        )
        return Response(
            html,
            media_type="text/html; charset=utf-8",
            headers={"Content-Security-Policy": csp(nonce)},
        )

    async def workshops(request: Request) -> Response:
        token = await run_in_threadpool(admin, request)
        if request.method == "GET":
            return JSONResponse(await run_in_threadpool(team.listing, own_origin(request)))
        check_post(request, admin_csrf(token))
        data = await read_json(request)
        only_keys(data, {"case", "title"})
        ref = text_field(data, "case")
        title = data.get("title", "")
        if not isinstance(title, str) or len(title) > 200:
            raise ApiError(422, "'title' is text of at most 200 characters")
        if ref not in await run_in_threadpool(team.cases):
            raise ApiError(422, f"'{_shown(ref)}' is not a case folder in {team.cases_dir}")
        try:
            await run_in_threadpool(load_case, team.cases_dir / ref)
        except ArgmapError as err:
            raise ApiError(409, f"the case '{_shown(ref)}' cannot be read: {err}") from None
        number = await run_in_threadpool(team.database.create_workshop, ref, title.strip())
        server, _ = await run_in_threadpool(team.workshop, number)
        link = f"{own_origin(request)}/f/{server.store.facilitator_token}"
        return JSONResponse({"id": number, "case": ref, "link": link}, status_code=201)

    return [
        Route("/admin/{token}", index),
        Route("/api/admin/{token}/workshops", workshops, methods=["GET", "POST"]),
    ]


# --- the dispatcher ---------------------------------------------------------------------


def team_app(team: Team, *, log: bool = True) -> App:
    """The team server's ASGI app: links to their workshops, the admin index, /health."""
    admin = Starlette(routes=_admin_routes(team), exception_handlers=exception_handlers())

    async def health(scope: Scope, receive: Receive, send: Send) -> None:
        await _health(team.database, scope, receive, send)

    async def dispatch(scope: Scope, receive: Receive, send: Send) -> None:
        path = scope["path"]
        if path == "/health":
            await health(scope, receive, send)
            return
        if path.startswith(("/admin/", "/api/admin/")):
            await admin(scope, receive, send)
            return
        found = _LINK.match(path)
        app = None
        if found is not None:
            try:
                app = await run_in_threadpool(team.app_for, found[1], found[2])
            except ApiError as err:
                await error_response(Request(scope), err.status, err.message)(scope, receive, send)
                return
        if app is None:
            await error_response(Request(scope), 404, "unknown link")(scope, receive, send)
            return
        await app(scope, receive, send)

    guarded = Guard(dispatch, team.allowed_hosts)
    return access_log(guarded) if log else guarded


def single_app(server: WorkshopServer, *, log: bool = False) -> App:
    """`argmap workshop serve`'s app: the one workshop's, with /health (and the log when
    asked for)."""
    app = workshop_app(server)

    async def dispatch(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == "/health":
            await _health(server.store.database, scope, receive, send)
            return
        await app(scope, receive, send)

    guarded = Guard(dispatch, server.allowed_hosts)
    return access_log(guarded) if log else guarded


async def _health(database: Database, scope: Scope, receive: Receive, send: Send) -> None:
    """GET /health: 200 and {"status": "ok", …} when the database answers with the schema
    this argmap reads, 503 when it cannot be reached or holds another schema (0: the
    workshop database has gone, e.g. a SQLite file deleted under the server). It names no
    secret and needs no link."""
    started = time.perf_counter()
    body: dict[str, Any] = {"status": "ok", "version": __version__, "pid": os.getpid()}
    try:
        body["schema"] = await run_in_threadpool(database.schema_version)
        status = 200
    except Exception as err:  # noqa: BLE001 - any failure to reach it is "unavailable"
        body["status"] = "unavailable"
        body["error"] = type(err).__name__
        status = 503
    if status == 200 and body["schema"] != SCHEMA_VERSION:
        body["status"] = "unavailable"
        body["error"] = f"schema {body['schema']}, not {SCHEMA_VERSION}"
        status = 503
    body["database"] = database.dialect.name
    body["ms"] = round((time.perf_counter() - started) * 1000, 1)
    await JSONResponse(body, status_code=status)(scope, receive, send)


# --- the log ------------------------------------------------------------------------------

_SECRET = re.compile(r"(?<=/)(p|f|admin)/[^/?]+")


def redact(path: str) -> str:
    """A request path without the secret in it: /p/TOKEN/results → /p/***/results.

    >>> redact("/api/p/abc123/ratings"), redact("/admin/xyz"), redact("/health")
    ('/api/p/***/ratings', '/admin/***', '/health')
    """
    return _SECRET.sub(lambda m: f"{m[1]}/***", path)


def access_log_line(method: str, path: str, status: int, ms: float, client: str, size: int) -> str:
    """One request as a logfmt line (what `argmap server` writes to standard error)."""
    now = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    fields = {
        "time": now,
        "pid": os.getpid(),
        "method": method,
        "path": redact(path),
        "status": status,
        "ms": f"{ms:.1f}",
        "bytes": size,
        "client": client,
    }
    return " ".join(f"{k}={_logfmt(v)}" for k, v in fields.items())


def _logfmt(value: object) -> str:
    text = str(value)
    if text and re.fullmatch(r"[A-Za-z0-9_./:*@+-]+", text):
        return text
    return json.dumps(text)


def access_log(app: App, stream: Any = None) -> App:
    """``app`` writing one line per request (:func:`access_log_line`); the query string is
    left out, the secrets in the path are redacted."""

    async def logged(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        started = time.perf_counter()
        status, size = 500, 0

        async def sending(message: Any) -> None:
            nonlocal status, size
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                size += len(message.get("body", b""))
            await send(message)

        try:
            await app(scope, receive, sending)
        finally:
            client = scope.get("client") or ("-", 0)
            line = access_log_line(
                scope.get("method", "-"),
                scope.get("path", ""),
                status,
                (time.perf_counter() - started) * 1000,
                str(client[0]),
                size,
            )
            print(line, file=stream or sys.stderr, flush=True)

    return logged


# --- running it ---------------------------------------------------------------------------


def serve_team(
    cases_dir: Path,
    *,
    db: str,
    host: str,
    port: int,
    workers: int = 1,
    allow_hosts: tuple[str, ...] = (),
    limits: Limits | None = None,
) -> None:
    """Run the team server until interrupted; the first line printed is the admin link."""
    if not cases_dir.is_dir():
        raise ArgmapError(f"{cases_dir}: no such folder (CASES_DIR holds the case folders)")
    if workers < 1:
        raise ArgmapError("--workers is 1 or more")
    database = Database(db)
    if workers > 1 and database.dialect.name == "sqlite":
        print(
            "argmap: note: several workers on one SQLite file take turns to write; "
            "PostgreSQL lets them write at once",
            file=sys.stderr,
        )
    hosts = allowed_hosts(host)
    if "*" not in hosts:
        hosts = (*hosts, *(h.lower() for h in allow_hosts))
    team = Team(database, cases_dir, hosts, limits or Limits())
    token = database.admin_token()
    cases = team.cases()

    def link(base: str) -> str:
        database.set_meta("base_url", base)
        return f"{base}/admin/{token}"

    notes = [
        f"argmap: team server on {database.url.shown}; {len(cases)} cases in {cases_dir}, "
        f"{len(database.workshops())} workshops; {workers} worker process"
        + ("es" if workers > 1 else ""),
        "argmap: `argmap server admin-link --rotate` revokes this link; Ctrl-C stops the server",
    ]
    database.close()  # a worker opens its own connections
    serve_app(
        team_app(team),
        link=link,
        host=host,
        port=port,
        notes=notes,
        limits=limits or Limits(),
        workers=workers,
    )
