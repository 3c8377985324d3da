"""The editor in the browser: `argmap edit` (docs/editor.md).

A Starlette app over one editing session (:class:`argmap.editing.Editor`): the page
(``templates/editor.html``, its script and style) asks for the case as JSON and sends each
change as one operation; the session checks it with the loader, writes only the lines it
concerns and records it for undo. After every change the page gets the case again, with the
live scores (:func:`argmap.assess.live_assessment`). Someone else's edits to the files are
picked up on the next request (the page asks every two seconds) and announced.

Security is the workshop server's (:mod:`argmap.web`): the secret link's token is the only
credential, every POST carries the page's CSRF token, is JSON and comes from the page's own
origin, the Host header is checked, and pages carry a nonce-based Content-Security-Policy.
"""

from __future__ import annotations

import dataclasses
import secrets
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, get_args

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from . import __version__
from .editing import (
    AddArgument,
    AddEvidence,
    AddHypothesis,
    AddSource,
    AddStatement,
    EditCase,
    EditItem,
    Editor,
    EditRefused,
    ExternalChange,
    MoveHypothesis,
    Operation,
    Regroup,
    Rename,
    SetRating,
    SetRationale,
)
from .model import RELIABILITY_NAMES, Case, EvidenceKind, Level
from .problems import ArgmapError, CaseError, Problem
from .quotes import SourceText
from .vocabulary import UNRATED_NAME, UNRATED_SYMBOL, VOCABULARY
from .web import (
    LOOPBACK_NAMES,
    ApiError,
    Guard,
    Limits,
    check_post,
    exception_handlers,
    html_page,
    new_nonce,
    read_json,
    serve_app,
    shown,
)

__all__ = [
    "BODY_LIMIT",
    "OPERATIONS",
    "EditorSession",
    "case_json",
    "create_app",
    "map_svg",
    "open_session",
    "operation",
    "serve",
    "source_json",
]

BODY_LIMIT = 16 * 1024 * 1024
"""Largest request accepted: a source text pasted or uploaded whole fits."""

OPERATIONS: dict[str, type] = {
    "rate": SetRating,
    "rationale": SetRationale,
    "edit_case": EditCase,
    "edit_item": EditItem,
    "add_source": AddSource,
    "add_evidence": AddEvidence,
    "add_hypothesis": AddHypothesis,
    "add_statement": AddStatement,
    "add_argument": AddArgument,
    "regroup": Regroup,
    "move": MoveHypothesis,
    "rename": Rename,
}
"""The ``op`` of a request → the editing operation it makes."""

_NUMBERS = {"start", "end", "to"}
_LISTS = {"premises"}
_MAPPINGS = {"fields", "ratings"}


def operation(data: Mapping[str, Any]) -> Operation:
    """The editing operation a request's JSON asks for (422 when it is not one)."""
    name = data.get("op")
    kind = OPERATIONS.get(name) if isinstance(name, str) else None
    if kind is None:
        raise ApiError(422, f"unknown operation {shown(name)!r}")
    fields = {f.name: f for f in dataclasses.fields(kind)}
    unknown = sorted(set(data) - set(fields) - {"op"})
    if unknown:
        raise ApiError(422, f"unknown field(s): {', '.join(shown(key) for key in unknown)}")
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key == "op":
            continue
        if value is None:  # a value taken out, or a field left at its default
            if fields[key].default in (None, dataclasses.MISSING):
                values[key] = None
            continue
        if key in _NUMBERS:
            ok = isinstance(value, int) and not isinstance(value, bool)
        elif key in _LISTS:
            ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
            value = tuple(value) if ok else value
        elif key in _MAPPINGS:
            ok = isinstance(value, dict) and all(
                isinstance(v, str) or v is None for v in value.values()
            )
        else:
            ok = isinstance(value, str)
        if not ok:
            raise ApiError(422, f"'{shown(key)}' has the wrong type")
        values[key] = value
    try:
        return kind(**values)  # type: ignore[no-any-return]
    except TypeError:
        missing = [
            name
            for name, f in fields.items()
            if name not in values
            and f.default is dataclasses.MISSING
            and f.default_factory is dataclasses.MISSING
        ]
        raise ApiError(422, f"missing field(s): {', '.join(missing)}") from None


# --- the session ---------------------------------------------------------------------------


class EditorSession:
    """One editing session and what its page needs: the case as JSON, the changes and the
    notices, one request at a time."""

    def __init__(self, editor: Editor, token: str | None = None) -> None:
        self.editor = editor
        self.token = token or secrets.token_urlsafe(24)
        self.csrf = secrets.token_urlsafe(24)
        self.version = 1
        """Counts the case's changes: the page asks again only for what changed."""
        self.notice: str | None = None
        """What the page should announce: files changed by someone else."""
        self.broken: list[Problem] = []
        """The problems of a case someone else left invalid (editing waits for a fix)."""
        self.lock = threading.Lock()

    @property
    def folder(self) -> Path:
        return self.editor.folder

    def refresh(self) -> None:
        """Pick up changes made to the files by someone else."""
        try:
            changed = self.editor.refresh()
        except CaseError as err:
            if not self.broken:
                self.version += 1
            self.broken = err.problems
            return
        if changed or self.broken:
            self.broken = []
            self.version += 1
            self.notice = (
                f"{', '.join(changed) or 'The case'} changed on disk (edited elsewhere?): "
                "the editor has read the files again. Undo starts afresh from here."
            )

    def apply(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """Make the change ``data`` asks for; the answer the page gets (what was done and
        the case as it now stands, or the problems that refused it)."""
        with self.lock:
            if data.get("op") in ("undo", "redo"):
                return self._step(str(data["op"]))
            change = operation(data)
            self._refuse_while_broken()
            try:
                result = self.editor.apply(change)
            except ExternalChange as err:
                self.version += 1
                self.notice = str(err)
                raise ApiError(409, str(err)) from None
            except EditRefused as err:
                return {"refused": [self.problem(p) for p in err.errors], "error": _summary(err)}
            except CaseError as err:  # the case on disk no longer loads
                self.broken = err.problems
                self.version += 1
                raise ApiError(409, "the case's files have errors: fix them first") from None
            if result.files:
                self.version += 1
            self.notice = None
            return {"done": result.description, "state": self.state()}

    def _step(self, verb: str) -> dict[str, Any]:
        self._refuse_while_broken()
        try:
            result = self.editor.undo() if verb == "undo" else self.editor.redo()
        except ExternalChange as err:
            self.version += 1
            self.notice = str(err)
            raise ApiError(409, str(err)) from None
        if result is None:
            raise ApiError(409, f"nothing to {verb}")
        self.version += 1
        self.notice = None
        return {"done": result.description, "state": self.state()}

    def _refuse_while_broken(self) -> None:
        # Only then: a change elsewhere is the engine's to find (ExternalChange), so that a
        # change made on the page as it was is refused, never applied to the new files.
        if not self.broken:
            return
        self.refresh()
        if self.broken:
            raise ApiError(409, "the case's files have errors (edited elsewhere?): fix them first")
        raise ApiError(409, "the case's files were fixed and read again: make the change again")

    def problem(self, found: Problem) -> dict[str, Any]:
        file = found.file
        name = file.relative_to(self.folder).as_posix() if file.is_relative_to(self.folder) else ""
        return {
            "file": name or file.name,
            "line": found.line,
            "field": found.field,
            "message": found.message,
            "hint": found.hint,
        }

    def state(self) -> dict[str, Any]:
        """The case as the page shows it."""
        editor = self.editor
        answer: dict[str, Any] = {
            "version": self.version,
            "notice": self.notice,
            "broken": [self.problem(p) for p in self.broken],
            "undo": editor.done[-1].description if editor.done else None,
            "redo": editor.undone[-1].description if editor.undone else None,
        }
        answer.update(case_json(editor.case))
        answer["warnings"] = [self.problem(p) for p in editor.warnings]
        return answer


def _summary(err: CaseError) -> str:
    first = err.errors[0] if err.errors else None
    return first.message if first else str(err)


def case_json(case: Case) -> dict[str, Any]:
    """The case as the page reads it: hypotheses, items, the argument map's parts and the
    live scores (no source texts: :func:`source_json` gives one at a time)."""
    from .assess import live_assessment
    from .wording import figure, percent

    leaves = [h.id for h in case.leaves]
    scores: dict[str, Any] = {}
    if leaves and case.evidence:
        live = live_assessment(case)
        ids = live.scores.matrix.hypothesis_ids
        scores = {
            "ranking": live.ranking,
            "score": {
                hid: round(float(live.scores.weighted_inconsistency[j]), 3)
                for j, hid in enumerate(ids)
            },
            "rank": {hid: live.scores.rank[j] for j, hid in enumerate(ids)},
            "posterior": {hid: round(p, 4) for hid, p in live.posterior.items()},
            "diagnosticity": {eid: round(d, 3) for eid, d in live.diagnosticity.items()},
        }
        # The figures as the report writes them (argmap.wording.figure).
        scores["shown"] = {
            "score": {hid: figure(value) for hid, value in scores["score"].items()},
            "diagnosticity": {eid: figure(d) for eid, d in live.diagnosticity.items()},
            # Whole percent, never 0% or 100% (the report rounds to its confidence, which
            # needs the Monte Carlo the editor leaves out).
            "posterior": {hid: percent(p, "high") for hid, p in live.posterior.items()},
        }
    cited = {eid for eid in case.quote_spans}
    return {
        "title": case.title,
        "question": case.question,
        "hypotheses": [
            {
                "id": h.id,
                "title": h.title,
                "statement": h.statement,
                "parent": h.parent,
                "depth": depth,
                "leaf": h.id in leaves,
            }
            for h, depth in case.hypotheses_in_order
        ],
        "order": [h.id for h in case.hypotheses],
        "leaves": leaves,
        "evidence": [
            {
                "id": e.id,
                "summary": e.summary,
                "kind": e.kind,
                "source": e.source,
                "quote": e.quote,
                "located": e.id in cited,
                "originator": e.originator,
                "credibility": e.credibility,
                "relevance": e.relevance,
                "date": e.date,
                "ratings": dict(e.ratings),
                "rationale": dict(e.rationale),
            }
            for e in case.evidence
        ],
        "sources": [
            {
                "id": s.id,
                "title": s.title,
                "author": s.author,
                "published": s.published,
                "url": s.url,
                "reliability": s.reliability,
                "has_text": s.id in case.source_texts,
            }
            for s in case.sources
        ],
        "statements": [{"id": s.id, "text": s.text} for s in case.statements],
        "arguments": [
            {
                "id": a.id,
                "claim": a.claim,
                "premises": list(a.premises),
                "relation": a.relation,
                "target": a.target,
                "weight": a.weight,
            }
            for a in case.arguments
        ],
        "scores": scores,
    }


def source_json(case: Case, source_id: str) -> dict[str, Any]:
    """A source's text in paragraphs, each cut where quotes start and end: every piece with
    its offset in the text (a selection's offsets are read from them) and the items whose
    quotes cover it; a paragraph no item cites is marked."""
    if source_id not in case.source_by_id:
        raise ApiError(404, f"there is no source {shown(source_id)!r}")
    text = case.source_texts.get(source_id)
    if text is None:
        return {"id": source_id, "paragraphs": [], "cited": 0}
    spans = sorted(
        (span.start, span.end, eid)
        for eid, span in case.quote_spans.items()
        if span.source == source_id
    )
    paragraphs = []
    for number, (start, end) in enumerate(SourceText(text).paragraphs(), start=1):
        inside = [(max(s, start), min(e, end), eid) for s, e, eid in spans if s < end and e > start]
        cuts = sorted({start, end, *(p for s, e, _ in inside for p in (s, e))})
        pieces = []
        for left, right in zip(cuts, cuts[1:], strict=False):
            covering = [eid for s, e, eid in inside if s <= left and e >= right]
            starting = [eid for s, _, eid in spans if s == left]
            pieces.append(
                {"at": left, "text": text[left:right], "items": covering, "starts": starting}
            )
        paragraphs.append(
            {"number": number, "pieces": pieces, "cited": any(p["items"] for p in pieces)}
        )
    return {
        "id": source_id,
        "paragraphs": paragraphs,
        "cited": sum(p["cited"] for p in paragraphs),
    }


def map_svg(case: Case) -> bytes:
    """The argument map, laid out (an SVG with a note when there is nothing to draw)."""
    from .evaluate import evaluate
    from .render.dot import argument_map
    from .render.engine import layout

    evaluation = evaluate(case)
    return layout(argument_map(case, evaluation.labels, evaluation.reasons), "svg")


# --- the app -------------------------------------------------------------------------------

_SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:"


def create_app(session: EditorSession, allowed_hosts: tuple[str, ...] = LOOPBACK_NAMES) -> Any:
    """The ASGI app for ``session``."""
    from .render.html import environment

    env = environment()

    def mine(request: Request) -> None:
        given = request.path_params["token"]
        if not secrets.compare_digest(given.encode(), session.token.encode()):
            raise ApiError(404, "unknown link")

    async def page(request: Request) -> Response:
        mine(request)
        nonce = new_nonce()
        data = {
            "csrf": session.csrf,
            "api": f"/api/e/{session.token}",
            "vocabulary": [
                {
                    "code": r.code,
                    "name": r.name,
                    "symbol": r.symbol,
                    "points": r.points,
                }
                for r in VOCABULARY.in_case
            ],
            "unrated": {"symbol": UNRATED_SYMBOL, "name": UNRATED_NAME},
            "reliability": RELIABILITY_NAMES,
            "kinds": list(get_args(EvidenceKind)),
            "levels": list(get_args(Level)),
        }
        html = env.get_template("editor.html").render(
            nonce=nonce, version=__version__, data=data, folder=str(session.folder)
        )
        return html_page(html, nonce)

    def locked(work: Callable[[], Any]) -> Any:
        with session.lock:
            return work()

    async def state(request: Request) -> Response:
        mine(request)

        def work() -> dict[str, Any]:
            session.refresh()
            known = request.query_params.get("version")
            if known == str(session.version):
                return {"version": session.version, "same": True}
            return session.state()

        return JSONResponse(await run_in_threadpool(locked, work))

    async def source(request: Request) -> Response:
        mine(request)
        ident = request.path_params["source"]
        return JSONResponse(
            await run_in_threadpool(locked, lambda: source_json(session.editor.case, ident))
        )

    async def drawing(request: Request) -> Response:
        mine(request)
        try:
            svg = await run_in_threadpool(locked, lambda: map_svg(session.editor.case))
        except ArgmapError as err:
            raise ApiError(503, f"the map cannot be drawn: {err}") from None
        return Response(
            svg,
            media_type="image/svg+xml",
            headers={"Content-Security-Policy": _SVG_POLICY},
        )

    async def change(request: Request) -> Response:
        mine(request)
        check_post(request, session.csrf)
        data = await read_json(request, BODY_LIMIT)
        try:
            answer = await run_in_threadpool(session.apply, data)
        except ArgmapError as err:
            raise ApiError(422, str(err)) from None
        return JSONResponse(answer, status_code=422 if "refused" in answer else 200)

    async def not_found(request: Request) -> Response:
        raise ApiError(404, "not found")

    routes = [
        Route("/e/{token}", page),
        Route("/api/e/{token}/state", state),
        Route("/api/e/{token}/sources/{source}", source),
        Route("/api/e/{token}/map.svg", drawing),
        Route("/api/e/{token}/change", change, methods=["POST"]),
        Route("/", not_found),
    ]
    app = Starlette(routes=routes, exception_handlers=exception_handlers())
    return Guard(app, allowed_hosts)


def open_session(folder: Path, extra_files: Mapping[str, str] | None = None) -> EditorSession:
    """An editing session over ``folder`` (an absent or empty one becomes a new case with
    ``extra_files`` beside it)."""
    return EditorSession(Editor(folder, extra_files=extra_files))


def serve(
    folder: Path,
    *,
    port: int = 0,
    browser: bool = True,
    extra_files: Mapping[str, str] | None = None,
    limits: Limits | None = None,
) -> None:
    """Run the editor on loopback until interrupted; the first line printed is its secret
    link, opened in the browser unless ``browser`` is False."""
    new = not folder.exists() or not any(folder.iterdir())
    session = open_session(folder, extra_files)

    def opened(url: str) -> None:
        if browser:
            import webbrowser

            webbrowser.open(url)

    notes = [
        f"argmap: editing {folder}{' (a new case)' if new else ''}; every change is written "
        "to its files at once; Ctrl-C stops the editor",
    ]
    serve_app(
        create_app(session),
        link=lambda base: f"{base}/e/{session.token}",
        host="127.0.0.1",
        port=port,
        notes=notes,
        limits=limits or Limits(),
        ready=opened,
    )
