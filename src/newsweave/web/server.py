"""Running the web app: uvicorn, with limits on slow and idle clients.

uvicorn bounds how long an idle keep-alive connection is kept, but not how
long a client may take to send the head of a request, and its
``limit_concurrency`` counts open connections: a few hundred sockets that
send half a request line each and then wait make it answer 503 to everyone
else. ``LimitedH11Protocol`` (uvicorn's h11 protocol, a little stricter)
instead

1. closes a connection whose request head (request line and headers) is not
   complete within ``HEAD_TIMEOUT_S`` of its first byte, or of the
   connection being opened (with a bare 408);
2. keeps at most ``MAX_CONNECTIONS`` connections: past that, the one that has
   waited longest without a request under way (a slow head, or an idle
   keep-alive) is closed to make room, so a new client is always heard;
3. answers 503 once ``MAX_REQUESTS`` requests are being served at once,
   counting requests, not connections.

These keep ``newsweave serve`` usable on a laptop or a LAN. In front of the
public internet it belongs behind a reverse proxy (nginx, Caddy) that sets its
own limits, TLS included.
"""

from __future__ import annotations

import asyncio
import errno
import os
import socket
import time
from typing import Any

import h11
import uvicorn
from uvicorn.protocols.http.flow_control import service_unavailable
from uvicorn.protocols.http.h11_impl import H11Protocol

from ..errors import ConfigError

__all__ = [
    "HEAD_TIMEOUT_S",
    "KEEP_ALIVE_S",
    "MAX_CONNECTIONS",
    "MAX_REQUESTS",
    "LimitedH11Protocol",
    "bind",
    "run",
]

#: Seconds a client has to send a whole request head. Browsers and curl send
#: it in one packet; 10 s leaves room for a slow mobile link.
HEAD_TIMEOUT_S = 10.0
#: Seconds an idle keep-alive connection is kept (uvicorn's default).
KEEP_ALIVE_S = 5
#: Connections kept open at once; well under the usual limit of 1024 open
#: files, which the store, the models and the log share.
MAX_CONNECTIONS = 512
#: Requests served at once; more wait for a thread anyway (the app reads the
#: store in a small thread pool), so past this they get 503 at once.
MAX_REQUESTS = 128
#: Connections the kernel queues before the server accepts them.
BACKLOG = 1024

_REQUEST_TIMEOUT = (
    b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\n"
    b"content-length: 41\r\nconnection: close\r\n\r\n"
    b"the request head took too long; send it.\n"
)


class LimitedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a time limit on the request head and fair limits.

    The limits are class attributes so that ``limited_protocol`` can make a
    stricter variant (tests use short ones).
    """

    head_timeout: float = HEAD_TIMEOUT_S
    max_connections: int = MAX_CONNECTIONS
    max_requests: int = MAX_REQUESTS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # uvicorn's own check counts connections; ours counts requests (3.).
        self.limit_concurrency = None
        self.app = self._limit_requests(self.app)
        self._head_timer: asyncio.TimerHandle | None = None
        # Since when this connection has had no request under way (2.).
        self.waiting_since: float | None = time.monotonic()

    # --- 1. the request head's time limit ----------------------------------------

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._make_room()
        self._arm_head_timer()

    def data_received(self, data: bytes) -> None:
        if self._head_timer is None and self.conn.their_state is h11.IDLE:
            self._arm_head_timer()  # the first byte of a request after a keep-alive pause
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:
            self._disarm_head_timer()
            self.waiting_since = None

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if self.conn.their_state is h11.IDLE:  # kept alive for another request
            self.waiting_since = time.monotonic()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_head_timer()
        super().connection_lost(exc)

    def _arm_head_timer(self) -> None:
        self._head_timer = self.loop.call_later(self.head_timeout, self._head_timed_out)

    def _disarm_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.transport.write(_REQUEST_TIMEOUT)
            self.transport.close()

    # --- 2. room for a new connection ----------------------------------------------

    def _make_room(self) -> None:
        """Past ``max_connections``, close the one that has waited longest with no
        request under way; when every other one is serving a request, this one."""
        if len(self.connections) <= self.max_connections:
            return
        idle = [
            c for c in self.connections
            if isinstance(c, LimitedH11Protocol) and c is not self
            and c.waiting_since is not None and not c.transport.is_closing()
        ]
        victim = min(idle, key=lambda c: c.waiting_since or 0.0, default=self)
        victim.transport.close()

    # --- 3. requests served at once ------------------------------------------------

    def _limit_requests(self, app: Any) -> Any:
        tasks = self.tasks
        limit = self.max_requests

        async def limited(scope: Any, receive: Any, send: Any) -> None:
            # The task serving this request is in ``tasks`` already.
            if scope["type"] == "http" and len(tasks) > limit:
                await service_unavailable(scope, receive, send)
                return
            await app(scope, receive, send)

        return limited


def limited_protocol(
    *,
    head_timeout: float = HEAD_TIMEOUT_S,
    max_connections: int = MAX_CONNECTIONS,
    max_requests: int = MAX_REQUESTS,
) -> type[LimitedH11Protocol]:
    """``LimitedH11Protocol`` with other limits."""
    return type(
        "LimitedH11Protocol",
        (LimitedH11Protocol,),
        {"head_timeout": head_timeout, "max_connections": max_connections,
         "max_requests": max_requests},
    )


def bind(host: str, port: int) -> socket.socket:
    """A socket listening on ``host:port``, bound here so that a port in use is a clear error.

    Raises:
        ConfigError: the address cannot be listened on (in use, not this machine's, or
            needs privileges); the message names it and says what to do.
    """
    where = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror as exc:
        raise ConfigError(
            f"cannot listen on {where}: {host} is not an address of this machine "
            f"({exc.strerror}); give --host 127.0.0.1, or an address of this machine"
        ) from None
    sock = socket.socket(family, kind, proto)
    if os.name != "nt":
        # A restarted server may bind while old connections linger in TIME_WAIT;
        # on Linux and macOS this does not let two servers share a port (on
        # Windows it would).
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
        # Listening from now on: clients that come while the models load wait in
        # the queue instead of being refused.
        sock.listen(BACKLOG)
    except OSError as exc:
        sock.close()
        raise ConfigError(_bind_problem(where, port, exc)) from None
    return sock


def _bind_problem(where: str, port: int, exc: OSError) -> str:
    if exc.errno == errno.EADDRINUSE:
        return (f"cannot listen on {where}: port {port} is already in use; stop what uses "
                f"it, or choose another port with --port")
    if exc.errno in (errno.EACCES, errno.EPERM):
        return (f"cannot listen on {where}: port {port} needs privileges; choose a port "
                f"above 1023 with --port")
    if exc.errno == errno.EADDRNOTAVAIL:
        return (f"cannot listen on {where}: not an address of this machine; give --host "
                f"127.0.0.1, or an address of this machine")
    return f"cannot listen on {where}: {exc.strerror or exc}; try another --host or --port"


def run(app: Any, sock: socket.socket, *, protocol: type[LimitedH11Protocol] | None = None) -> None:
    """Serve ``app`` on the bound ``sock`` until interrupted (uvicorn closes the socket)."""
    config = uvicorn.Config(
        app,
        http=protocol or LimitedH11Protocol,
        log_level="warning",
        timeout_keep_alive=KEEP_ALIVE_S,
        backlog=BACKLOG,
    )
    uvicorn.Server(config).run(sockets=[sock])
