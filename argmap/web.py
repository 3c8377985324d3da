"""What argmap's web servers share: the live workshop server (`argmap workshop serve`) and
the editor (`argmap edit`).

Security model (docs/workshops.md, *Live workshops*; docs/editor.md): secret links are the
only credentials (no cookies, so nothing for a forged cross-site request to ride on); still,
every POST must carry the page's CSRF token in a header, be JSON (a cross-site form cannot
send it without a CORS preflight, which is never granted) and come from the server's own
origin. The Host header is checked (against DNS rebinding) and read strictly, since pages
build links on it; pages are served with a nonce-based Content-Security-Policy, and every
response carries the security headers (:class:`Guard`). Bodies are bounded and parsed
defensively; each request must arrive whole within a deadline and open connections are
capped (:mod:`argmap.workshop.connections`). A server listens on loopback unless told
otherwise, and the first line it prints is its secret link.
"""

from __future__ import annotations

import json
import re
import secrets
import sys
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from dataclasses import dataclass
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from .text import clean_text

__all__ = [
    "BODY_LIMIT",
    "DEFAULT_CSP",
    "HEADER_LIMIT",
    "KEEP_ALIVE_TIMEOUT",
    "LOOPBACK_NAMES",
    "MAX_CONNECTIONS",
    "SECURITY_HEADERS",
    "WILDCARD_HOSTS",
    "ApiError",
    "Guard",
    "Limits",
    "allowed_hosts",
    "check_post",
    "csp",
    "error_response",
    "exception_handlers",
    "host_text",
    "html_page",
    "link_host",
    "new_nonce",
    "only_keys",
    "own_origin",
    "parse_host",
    "read_json",
    "serve_app",
    "shown",
    "text_field",
]

BODY_LIMIT = 32 * 1024
"""Largest request body accepted by default (a server may pass its own limit)."""
HEADER_LIMIT = 16 * 1024
"""Largest request line and headers accepted (a browser sends a few hundred bytes)."""
MAX_CONNECTIONS = 256
"""Most connections open at once, unless the limit on open files calls for fewer."""
KEEP_ALIVE_TIMEOUT = 5
"""Seconds an idle connection is kept open after a response."""
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
WILDCARD_HOSTS = ("0.0.0.0", "::", "")

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]
DEFAULT_CSP = b"default-src 'none'; frame-ancestors 'none'"
"""The policy of a response that sets none of its own (JSON, errors)."""


@dataclass(frozen=True)
class Limits:
    """How much a server takes from its clients, beyond the body and header limits."""

    request_timeout: float = 10.0
    """Seconds a client has to send a whole request, headers and body, from its first byte
    (or from opening the connection); then it gets a 408 and the connection is closed."""
    max_connections: int | None = None
    """Connections open at once; one more is answered 503 and closed. None: half the
    process's limit on open files (the rest is for the database), at most MAX_CONNECTIONS."""

    def connection_cap(self) -> int:
        if self.max_connections is not None:
            return self.max_connections
        try:
            import resource

            files = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
        except (ImportError, OSError, ValueError):  # no such limit (Windows)
            return MAX_CONNECTIONS
        if files == resource.RLIM_INFINITY:
            return MAX_CONNECTIONS
        return max(8, min(MAX_CONNECTIONS, files // 2))


class ApiError(Exception):
    """A request the server refuses: answered with ``status`` and a message (JSON under
    ``/api/``, plain text elsewhere)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


# --- requests ------------------------------------------------------------------------------


def shown(value: object, limit: int = 60) -> str:
    """Something a client sent, fit to quote in a message: cleaned (no control characters,
    no lone surrogates) and cut short."""
    return clean_text(str(value))[:limit]


_HOST = re.compile(
    r"(?:\[(?P<ipv6>[0-9a-f:.]+)\]|(?P<name>[a-z0-9_-]+(?:\.[a-z0-9_-]+)*\.?))"
    r"(?::(?P<port>[0-9]{1,5}))?"
)


def parse_host(header: str) -> tuple[str, int | None] | None:
    """The host (lowercase; an IPv6 address without brackets) and port of a Host header,
    or None unless the header is exactly a host and an optional numeric port.

    >>> parse_host("LocalHost:8000"), parse_host("[::1]"), parse_host("localhost:evil.example")
    (('localhost', 8000), ('::1', None), None)
    >>> parse_host("127.0.0.1:8000@evil.example"), parse_host("localhost:70000")
    (None, None)
    """
    found = _HOST.fullmatch(header.lower())
    if found is None:
        return None
    port = int(found["port"]) if found["port"] else None
    if port is not None and port > 65535:
        return None
    return found["ipv6"] or found["name"], port


def host_text(host: str, port: int | None) -> str:
    """A parsed host as it goes into a URL: '[::1]:8000', 'localhost'."""
    text = f"[{host}]" if ":" in host else host
    return text if port is None else f"{text}:{port}"


def own_origin(request: Request) -> str:
    """``scheme://host[:port]`` of the server as the client named it; the Host header has
    been checked (by :class:`Guard`) to be well-formed and an allowed host."""
    parsed = parse_host(request.headers.get("host", ""))
    if parsed is None:  # Guard lets no such request through
        raise ApiError(400, "bad Host header")
    return f"{request.url.scheme}://{host_text(*parsed)}"


async def read_json(request: Request, limit: int = BODY_LIMIT) -> dict[str, Any]:
    """The request's JSON object, read with a size limit."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > limit):
        raise ApiError(413, f"the request is too large (at most {limit} bytes)")
    body = b""
    try:
        async for chunk in request.stream():
            body += chunk
            if len(body) > limit:
                raise ApiError(413, f"the request is too large (at most {limit} bytes)")
    except ClientDisconnect:
        raise ApiError(400, "the request was cut off") from None
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "the request body is not JSON") from None
    except RecursionError:  # json's parser recurses once per bracket
        raise ApiError(400, "the request body is not JSON: nested too deeply") from None
    if not isinstance(data, dict):
        raise ApiError(400, "the request body must be a JSON object")
    return data


def check_post(request: Request, csrf: str) -> None:
    """Refuse a state-changing request that did not come from our own page."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        raise ApiError(415, "send JSON (Content-Type: application/json)")
    origin = request.headers.get("origin")
    if origin is not None:
        if origin != own_origin(request):
            raise ApiError(403, "cross-origin request refused")
    elif request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        raise ApiError(403, "cross-site request refused")
    given = request.headers.get("x-csrf-token", "")
    if not secrets.compare_digest(given.encode(), csrf.encode()):
        raise ApiError(403, "missing or wrong CSRF token: reload the page")


def only_keys(data: dict[str, Any], allowed: set[str]) -> None:
    """Refuse a body with a key the endpoint does not know (422)."""
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ApiError(422, f"unknown field(s): {', '.join(shown(key) for key in unknown)}")


def text_field(data: dict[str, Any], key: str) -> str:
    """``data[key]``, which must be text (422 otherwise)."""
    value = data.get(key)
    if not isinstance(value, str):
        raise ApiError(422, f"'{key}' must be text")
    return value


# --- responses -----------------------------------------------------------------------------


def new_nonce() -> str:
    """A fresh nonce for one page's scripts and styles."""
    return secrets.token_urlsafe(16)


def csp(nonce: str) -> str:
    """A page's Content-Security-Policy: only its own nonce-carrying scripts and styles,
    images from itself or data: URLs, requests to itself."""
    return (
        f"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; "
        "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'"
    )


def html_page(html: str, nonce: str) -> HTMLResponse:
    """An HTML page with the policy for its nonce."""
    return HTMLResponse(html, headers={"Content-Security-Policy": csp(nonce)})


def error_response(request: Request, status: int, message: str) -> Response:
    """A refusal: JSON ``{"error": message}`` under ``/api/``, plain text elsewhere."""
    # A message quotes what the client sent; a lone surrogate in it would not encode.
    message = message.encode("utf-8", "backslashreplace").decode("utf-8")
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": message}, status_code=status)
    return Response(message + "\n", status_code=status, media_type="text/plain; charset=utf-8")


Handler = Callable[[Request, Exception], Awaitable[Response]]


def exception_handlers() -> dict[Any, Handler]:
    """Starlette's exception handlers: an ApiError or HTTPException answered with its
    status, anything else a 500 that says no more than "internal error" (the details go to
    standard error)."""

    async def api_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        return error_response(request, exc.status, exc.message)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        return error_response(request, exc.status_code, str(exc.detail))

    async def server_error(request: Request, exc: Exception) -> Response:
        print(f"argmap: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return JSONResponse({"error": "internal error"}, status_code=500)

    return {ApiError: api_error, HTTPException: http_error, Exception: server_error}


Send = Callable[[Any], Awaitable[None]]


class Guard:
    """Refuses requests whose Host header is not exactly a host and a port (400) or names
    an unknown host (421, against DNS rebinding), and adds the security headers to every
    response."""

    def __init__(self, app: Any, allowed_hosts: Iterable[str]) -> None:
        self.app = app
        self.allowed = {h.lower() for h in allowed_hosts}

    async def __call__(
        self,
        scope: MutableMapping[str, Any],
        receive: Callable[[], Awaitable[Any]],
        send: Send,
    ) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        hosts = [value for name, value in scope.get("headers", []) if name == b"host"]
        parsed = parse_host(hosts[0].decode("latin-1")) if len(hosts) == 1 else None
        refusal = None
        if parsed is None:
            refusal = JSONResponse(
                {"error": "the Host header must be a host name or address and an optional port"},
                status_code=400,
            )
        elif "*" not in self.allowed and parsed[0] not in self.allowed:
            refusal = JSONResponse({"error": "unknown host"}, status_code=421)
        if refusal is not None:
            await refusal(scope, receive, self._with_headers(send))
            return
        await self.app(scope, receive, self._with_headers(send))

    @staticmethod
    def _with_headers(send: Send) -> Send:
        async def wrapped(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                headers += [h for h in SECURITY_HEADERS if h[0] not in names]
                if b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", DEFAULT_CSP))
                message = {**message, "headers": headers}
            await send(message)

        return wrapped


# --- serving -------------------------------------------------------------------------------


def link_host(host: str) -> str:
    """The host a printed link names for a server bound to ``host``."""
    if host in WILDCARD_HOSTS:
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host


def allowed_hosts(host: str) -> tuple[str, ...]:
    """The Host names a server bound to ``host`` answers to: loopback names and its own
    address, or any ('*') when bound to every interface."""
    return ("*",) if host in WILDCARD_HOSTS else (*LOOPBACK_NAMES, host.lower())


def serve_app(
    app: Any,
    *,
    link: Callable[[str], str],
    host: str = "127.0.0.1",
    port: int = 0,
    notes: Iterable[str] = (),
    limits: Limits = Limits(),
    ready: Callable[[str], None] | None = None,
    workers: int = 1,
) -> None:
    """Serve ``app`` (already wrapped in a :class:`Guard`) until interrupted.

    Listens on ``host`` (loopback by default) and ``port`` (0: a free port), then prints
    ``link(base)`` (the secret link, given the server's base URL) as the first line of
    standard output, the ``notes`` on standard error, and a warning when listening on every
    interface; ``ready(url)`` is called with the link before serving (to open a browser).
    ``workers`` > 1: that many processes serve the one listening socket (forked from this
    one, which watches them and starts another when one dies); the app must keep nothing
    that only one process holds (the team server's).
    """
    import uvicorn

    from .workshop.connections import guarded_protocol, listen

    sock = listen(host, port, limits.connection_cap())
    bound = sock.getsockname()[1]
    url = link(f"http://{link_host(host)}:{bound}")
    print(url, flush=True)
    notes = list(notes)
    if host in WILDCARD_HOSTS:
        notes.append(
            "argmap: warning: listening on every network interface; anyone who can reach "
            "this machine and holds a link can use it"
        )
    for note in notes:
        print(note, file=sys.stderr, flush=True)
    config = uvicorn.Config(
        app,
        http=guarded_protocol(request_timeout=limits.request_timeout, listener=sock),
        h11_max_incomplete_event_size=HEADER_LIMIT,
        timeout_keep_alive=KEEP_ALIVE_TIMEOUT,
        log_level="warning",
        access_log=False,  # the log would hold the secret links
        lifespan="off",
        server_header=False,
    )
    if ready is not None:
        ready(url)
    if workers <= 1:
        uvicorn.Server(config).run(sockets=[sock])
        return
    _run_workers(lambda: uvicorn.Server(config).run(sockets=[sock]), workers)


def _end_with_parent() -> None:
    """Linux: have this process sent SIGTERM when its parent dies, even by SIGKILL, so no
    worker is left holding the port (elsewhere, the service manager stops them)."""
    import ctypes
    import ctypes.util
    import signal

    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _run_workers(run: Callable[[], None], count: int) -> None:
    """Fork ``count`` processes each calling ``run``; on SIGTERM or SIGINT stop them all,
    and start a new one whenever one ends otherwise (killed, crashed)."""
    import contextlib
    import os
    import signal
    import time

    children: dict[int, float] = {}
    stopping = False

    def spawn() -> None:
        pid = os.fork()
        if pid == 0:  # the worker
            _end_with_parent()
            code = 0
            try:
                run()
            except BaseException:  # noqa: BLE001 - reported, then the worker ends
                import traceback

                traceback.print_exc()
                code = 1
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        children[pid] = time.monotonic()

    def stop(signum: int, frame: Any) -> None:
        nonlocal stopping
        stopping = True
        for pid in list(children):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for _ in range(count):
        spawn()
    print(f"argmap: workers: {' '.join(map(str, children))}", file=sys.stderr, flush=True)
    while children:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            break
        started = children.pop(pid, None)
        if started is None or stopping:
            continue
        print(
            f"argmap: worker {pid} ended (status {status}); starting another",
            file=sys.stderr,
            flush=True,
        )
        if time.monotonic() - started < 1:
            time.sleep(1)  # one that cannot start is not restarted in a tight loop
        spawn()
