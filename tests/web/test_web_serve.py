"""``newsweave serve`` as a real process, and the server's limits on slow clients.

Every server here listens on 127.0.0.1 and is stopped by the test that started it.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from newsweave.store import Store
from newsweave.web.server import bind, limited_protocol

#: A request head cut short: the line and one header, then nothing more.
PARTIAL_HEAD = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def newsweave(*args: str) -> list[str]:
    return [sys.executable, "-m", "newsweave.cli", *args]


@pytest.fixture()
def store(tmp_path) -> Path:
    path = tmp_path / "news.db"
    Store(path).close()
    return path


@contextlib.contextmanager
def serving(store: Path, port: int) -> Iterator[subprocess.Popen[str]]:
    """``newsweave serve`` in its own process, stopped however the test ends."""
    proc = subprocess.Popen(
        newsweave("--db", str(store), "serve", "--no-compute", "--port", str(port)),
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert proc.stderr is not None
        for line in proc.stderr:  # wait until it says it serves
            if line.startswith("Serving "):
                break
        else:
            pytest.fail(f"serve stopped before serving (exit {proc.wait()})")
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def get(port: int, path: str = "/api/stories") -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        conn.request("GET", path)
        return conn.getresponse().status
    finally:
        conn.close()


@contextlib.contextmanager
def slow_clients(port: int, count: int) -> Iterator[list[socket.socket]]:
    """``count`` connections that each send part of a request head and then wait."""
    clients: list[socket.socket] = []
    try:
        for _ in range(count):
            client = socket.create_connection(("127.0.0.1", port), timeout=10)
            client.sendall(PARTIAL_HEAD)
            clients.append(client)
        yield clients
    finally:
        for client in clients:
            client.close()


# --- the real process --------------------------------------------------------------


def test_slow_clients_do_not_shut_out_real_requests(store):
    port = free_port()
    with serving(store, port):
        assert get(port) == 200
        with slow_clients(port, 300):
            # uvicorn's limit_concurrency counted these 300 and answered 503.
            assert get(port) == 200
            assert get(port, "/") == 200


def test_a_port_in_use_is_a_usage_error_naming_the_port(store):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = subprocess.run(
            newsweave("--db", str(store), "serve", "--no-compute", "--port", str(port)),
            capture_output=True, text=True, timeout=60,
        )
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.splitlines() == [
        f"error: [E001] cannot listen on 127.0.0.1:{port}: port {port} is already in use; "
        "stop what uses it, or choose another port with --port"
    ]


def test_a_store_that_does_not_exist_is_refused_and_not_created(tmp_path):
    missing = tmp_path / "no" / "such" / "news.db"
    proc = subprocess.run(
        newsweave("--db", str(missing), "serve", "--no-compute", "--port", str(free_port())),
        capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith(f"error: [E001] no store at {missing}; ")
    assert f"newsweave --db {missing} ingest FILES" in " ".join(proc.stderr.split())
    assert not (tmp_path / "no").exists()


# --- the server's limits, with short ones ---------------------------------------------


async def hello(scope, receive, send) -> None:
    """The smallest app: the limits under test are the server's, not the app's."""
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/plain"), (b"content-length", b"2")]})
    await send({"type": "http.response.body", "body": b"ok"})


@contextlib.contextmanager
def limited_server(**limits: float) -> Iterator[int]:
    """A uvicorn server with ``limited_protocol(**limits)`` in a thread; its port."""
    sock = bind("127.0.0.1", 0)
    port = sock.getsockname()[1]
    config = uvicorn.Config(hello, http=limited_protocol(**limits), log_level="warning",
                            lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        for _ in range(200):
            if server.started:
                break
            time.sleep(0.05)
        yield port
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def read_all(client: socket.socket) -> bytes:
    data = b""
    with contextlib.suppress(OSError):
        while chunk := client.recv(4096):
            data += chunk
    return data


def test_a_request_head_sent_too_slowly_is_cut_off():
    with limited_server(head_timeout=0.5) as port, slow_clients(port, 1) as (client,):
        reply = read_all(client)  # the server hangs up; the socket's timeout is 10 s
        assert reply.startswith(b"HTTP/1.1 408 Request Timeout\r\n")
        assert get(port) == 200


def test_a_head_trickled_a_byte_at_a_time_is_cut_off_too():
    with limited_server(head_timeout=0.5) as port, slow_clients(port, 1) as (client,):
        started = time.monotonic()
        with contextlib.suppress(OSError):
            while time.monotonic() - started < 8:  # far past the head timeout
                client.sendall(b"a")
                time.sleep(0.05)
        assert read_all(client).startswith(b"HTTP/1.1 408 ")


def test_past_the_connection_limit_the_longest_waiting_makes_room():
    with limited_server(max_connections=20) as port, slow_clients(port, 40) as clients:
        assert get(port) == 200
        # The first to connect were closed to make room; the last still wait.
        assert read_all(clients[0]) == b""
        clients[-1].settimeout(0.2)
        with pytest.raises(TimeoutError):
            clients[-1].recv(1)


def test_the_request_limit_counts_requests_not_connections():
    with limited_server(max_requests=1) as port, slow_clients(port, 5):
        assert get(port) == 200  # six connections, one request under way
    with limited_server(max_requests=0) as port:
        assert get(port) == 503
