"""The workshop server's connections: a listening socket that caps how many are open, and
uvicorn's HTTP/1.1 protocol with a deadline for receiving each request.

uvicorn alone holds a connection for as long as its client keeps sending: its keep-alive
timer is cancelled by the first byte of a request, and nothing limits how long the rest
may take, so clients that send a header line every few seconds pile up until the process
runs out of files. Its ``limit_concurrency`` answers 503 only once a whole request has
arrived, which a slow client never sends, and refusing in the protocol comes too late as
well: the event loop accepts a burst of connections in one go, a file each, before any
protocol runs. So the cap sits in the listening socket's ``accept``, and each request must
arrive whole, headers and body, within ``request_timeout`` seconds of its first byte (or of
the connection being opened), or the connection is closed with a 408.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from ..problems import ArgmapError

__all__ = ["CappedListener", "guarded_protocol", "listen"]


def _plain_response(status: str, text: str) -> bytes:
    body = text.encode()
    return (
        f"HTTP/1.1 {status}\r\ncontent-type: text/plain; charset=utf-8\r\n"
        f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
    ).encode() + body


_TIMED_OUT = _plain_response("408 Request Timeout", "the request took too long to arrive\n")
_BUSY = _plain_response("503 Service Unavailable", "too many connections; try again shortly\n")
# Once the client is in one of these states its request has arrived in full.
_RECEIVED = (h11.DONE, h11.MUST_CLOSE, h11.CLOSED, h11.ERROR)


class CappedListener(socket.socket):
    """A listening socket that keeps at most ``cap`` accepted connections open: one more is
    answered 503 and closed as soon as it is accepted. The protocol calls :meth:`release`
    when a connection it was given ends."""

    cap = 256
    open_connections = 0

    def accept(self) -> tuple[socket.socket, Any]:
        connection, address = super().accept()
        if self.open_connections >= self.cap:
            connection.setblocking(False)
            with contextlib.suppress(OSError):  # the client may have gone already
                connection.send(_BUSY)
            connection.close()
            # asyncio takes this for "nothing more to accept now" and tries again next turn.
            raise ConnectionAbortedError("too many connections")
        self.open_connections += 1
        return connection, address

    def release(self) -> None:
        self.open_connections = max(0, self.open_connections - 1)


def listen(host: str, port: int, cap: int) -> CappedListener:
    """A non-blocking socket listening on ``host:port`` that holds at most ``cap``
    connections; raises :class:`ArgmapError` when it cannot."""
    try:
        family = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM)[0][0]
        sock = CappedListener(family, socket.SOCK_STREAM)
        sock.cap = cap
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
    except OSError as err:
        raise ArgmapError(f"cannot listen on {host}:{port}: {err.strerror or err}") from None
    sock.setblocking(False)
    return sock


class _GuardedProtocol(H11Protocol):
    request_timeout: float = 10.0
    listener: CappedListener | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)  # type: ignore[arg-type]
        listener = self.listener
        # Where the event loop does not accept through the listener's accept (Windows'
        # proactor), the cap is enforced here instead, one loop turn later.
        if listener is not None and len(self.connections) > listener.cap:
            self.transport.write(_BUSY)
            self.transport.close()
            return
        self._start_clock()

    def data_received(self, data: bytes) -> None:
        # The first bytes of a request on a kept-alive connection start its clock.
        self._start_clock()
        super().data_received(data)
        if self.conn.their_state in _RECEIVED:
            self._stop_clock()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        # A pipelined request may already have begun: its clock runs from now.
        started = self.conn.their_state is h11.SEND_BODY or self.conn.trailing_data[0]
        if started and not self.transport.is_closing():
            self._start_clock()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_clock()
        if self.listener is not None:
            self.listener.release()
        super().connection_lost(exc)

    def _start_clock(self) -> None:
        if self._deadline is None and self.conn.their_state not in _RECEIVED:
            self._deadline = self.loop.call_later(self.request_timeout, self._time_out)

    def _stop_clock(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _time_out(self) -> None:
        self._deadline = None
        if self.transport.is_closing():
            return
        # Nothing has been answered on this request yet: say why the connection ends. (An
        # application still reading the body sees the client disconnect.)
        cycle = self.cycle
        if cycle is None or cycle.response_complete or not cycle.response_started:
            self.transport.write(_TIMED_OUT)
        self.transport.close()


def guarded_protocol(
    *, request_timeout: float, listener: CappedListener | None
) -> type[asyncio.Protocol]:
    """uvicorn's h11 protocol class with this deadline for each request, releasing its
    connections from ``listener``'s cap (for ``uvicorn.Config(http=...)``)."""
    return type(
        "GuardedProtocol",
        (_GuardedProtocol,),
        {"request_timeout": request_timeout, "listener": listener},
    )
