"""Fetcher: robots.txt, address checks, retries, size cap, redirects, 304s.

Every test talks to a real HTTP server on 127.0.0.1 (``LocalSite``), started
for the test and always shut down after it; nothing reaches further. The
server also serves the feed and page tests (``test_feed.py`` and
``test_url.py`` import ``LocalSite`` from here).
"""

from __future__ import annotations

import dataclasses
import socket
import threading
import time
from collections.abc import Callable, Iterator
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from newsweave import __version__
from newsweave.config import Options
from newsweave.errors import ConfigError, IngestError
from newsweave.ingest.fetch import MAX_WAIT_PER_HOST, Fetcher, address_problem

#: Options for talking to the local server: loopback allowed, short timeouts.
LOCAL = Options(allow_private_hosts=True, fetch_timeout=2.0, fetch_retries=2)
#: Backoff for tests, in seconds: retries still wait, just not long.
QUICK = 0.01

ROBOTS = b"User-agent: *\nDisallow: /private/\n"


def article_page(title: str, paragraphs: list[str], *, date: str = "", site: str = "") -> bytes:
    """A small news page with navigation and footer around the article."""
    meta = f'<meta property="og:site_name" content="{site}">' if site else ""
    if date:
        meta += f'<meta property="article:published_time" content="{date}">'
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title>{meta}</head>"
        "<body><nav><a href='/'>Home</a> <a href='/weather'>Weather</a></nav>"
        f"<article><h1>{title}</h1>{body}</article>"
        "<footer>Copyright the Lantern Valley Post. Newsletter sign-up.</footer></body></html>"
    ).encode()


FERRY_PAGE = article_page(
    "Night ferry resumes after storm repairs",
    [
        "BRANWICK - The night ferry between Branwick and Holm Isle sailed again on Thursday "
        "after six weeks of repairs to its storm-damaged loading ramp, the harbour board said.",
        "About 140 passengers made the first crossing, which left at 22:15 and docked forty "
        "minutes later, according to the operator, Tarn Sound Lines.",
        "Harbour master Ilse Marrow said the new ramp was built to withstand waves of up to "
        "four metres and would be inspected again in the spring.",
    ],
    date="2024-11-07",
    site="Lantern Valley Post",
)


@dataclasses.dataclass
class Seen:
    """One request the server received."""

    path: str
    headers: dict[str, str]


Handler = Callable[[BaseHTTPRequestHandler], None]


class LocalSite:
    """A real HTTP server on 127.0.0.1 with routes set by each test.

    ``add`` serves fixed responses; ``route`` takes a function of the request
    handler. Every request is logged in ``requests`` (robots.txt included).
    """

    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {}
        self.requests: list[Seen] = []
        self.release = threading.Event()
        site = self

        class RequestHandler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
                site.requests.append(
                    Seen(self.path, {k.lower(): v for k, v in self.headers.items()})
                )
                handler = site.routes.get(self.path.split("?")[0])
                if handler is None:
                    respond(self, 404, b"<html><body>Not here</body></html>")
                else:
                    handler(self)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), RequestHandler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        # A short poll interval: shutdown() waits up to one interval.
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.add("/robots.txt", ROBOTS, content_type="text/plain")

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def add(
        self,
        path: str,
        body: bytes,
        *,
        status: int = 200,
        content_type: str = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> None:
        def handler(request: BaseHTTPRequestHandler) -> None:
            respond(request, status, body, content_type=content_type, headers=headers)

        self.routes[path] = handler

    def route(self, path: str) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self.routes[path] = handler
            return handler

        return register

    def sequence(self, path: str, *responses: tuple[int, bytes, dict[str, str]]) -> None:
        """Answer the n-th request to ``path`` with the n-th response (the last repeats)."""
        count = iter(range(10**6))

        def handler(request: BaseHTTPRequestHandler) -> None:
            status, body, headers = responses[min(next(count), len(responses) - 1)]
            respond(request, status, body, headers=headers)

        self.routes[path] = handler

    def hits(self, path: str) -> int:
        return sum(1 for r in self.requests if r.path.split("?")[0] == path)

    def __enter__(self) -> LocalSite:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def respond(
    request: BaseHTTPRequestHandler,
    status: int,
    body: bytes,
    *,
    content_type: str = "text/html; charset=utf-8",
    headers: dict[str, str] | None = None,
) -> None:
    request.send_response(status)
    request.send_header("Content-Type", content_type)
    request.send_header("Content-Length", str(len(body)))
    for name, value in (headers or {}).items():
        request.send_header(name, value)
    request.end_headers()
    request.wfile.write(body)


@pytest.fixture
def site() -> Iterator[LocalSite]:
    with LocalSite() as local:  # shut down whatever the test did
        yield local


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    with Fetcher(LOCAL, backoff=QUICK) as f:
        yield f


# --- plain fetches -------------------------------------------------------------


def test_fetch_returns_the_page_and_its_metadata(site, fetcher):
    site.add("/news/ferry", FERRY_PAGE, headers={"ETag": '"v1"'})
    result = fetcher.fetch(site.url("/news/ferry"))
    assert result.status == 200
    assert result.content == FERRY_PAGE
    assert result.content_type == "text/html"
    assert result.encoding == "utf-8"
    assert result.etag == '"v1"'
    assert result.url == result.final_url == site.url("/news/ferry")
    assert result.not_modified is False


def test_user_agent_names_newsweave_and_the_contact_url(site):
    site.add("/a", FERRY_PAGE)
    options = dataclasses.replace(LOCAL, user_agent="mailto:desk@example.net")
    with Fetcher(options) as fetcher:
        fetcher.fetch(site.url("/a"))
    agents = {r.headers["user-agent"] for r in site.requests}
    assert agents == {f"newsweave/{__version__} (+mailto:desk@example.net)"}


def test_default_user_agent(site, fetcher):
    site.add("/a", FERRY_PAGE)
    fetcher.fetch(site.url("/a"))
    assert site.requests[-1].headers["user-agent"] == (
        f"newsweave/{__version__} (+https://example.org/newsweave)"
    )


def test_http_error_names_status_and_what_to_do(site, fetcher):
    with pytest.raises(IngestError) as info:
        fetcher.fetch(site.url("/gone"))
    assert info.value.source == site.url("/gone")
    assert info.value.reason == "HTTP 404 Not Found; check the URL"


def test_forbidden_says_to_save_the_page(site, fetcher):
    site.add("/members", b"no", status=403)
    with pytest.raises(IngestError, match="HTTP 403 Forbidden.*save it and give the file"):
        fetcher.fetch(site.url("/members"))


def test_connection_refused_after_the_tries(fetcher):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(IngestError) as info:
        fetcher.fetch(f"http://127.0.0.1:{port}/x")
    assert "the connection failed" in info.value.reason
    assert "after 3 tries" in info.value.reason


# --- robots.txt ----------------------------------------------------------------


def test_robots_txt_is_fetched_once_per_host(site, fetcher):
    site.add("/a", FERRY_PAGE)
    site.add("/b", FERRY_PAGE)
    fetcher.fetch(site.url("/a"))
    fetcher.fetch(site.url("/b"))
    fetcher.fetch(site.url("/a"))
    assert site.hits("/robots.txt") == 1
    assert [r.path for r in site.requests] == ["/robots.txt", "/a", "/b", "/a"]


def test_robots_txt_is_kept_per_host(site, fetcher):
    site.add("/a", FERRY_PAGE)
    fetcher.fetch(site.url("/a"))
    # The same server under another name is another host to robots.txt.
    fetcher.fetch(site.url("/a", host="localhost"))
    fetcher.fetch(site.url("/a", host="localhost"))
    hosts = [r.headers["host"] for r in site.requests if r.path == "/robots.txt"]
    assert hosts == [f"127.0.0.1:{site.port}", f"localhost:{site.port}"]


def test_robots_txt_disallowed_path_is_not_fetched(site, fetcher):
    site.add("/private/ledger", FERRY_PAGE)
    with pytest.raises(IngestError) as info:
        fetcher.fetch(site.url("/private/ledger"))
    assert info.value.reason.startswith(
        f"robots.txt of 127.0.0.1:{site.port} disallows /private/ledger for newsweave;"
    )
    assert site.hits("/private/ledger") == 0


def test_robots_txt_group_for_newsweave(site, fetcher):
    site.add(
        "/robots.txt",
        b"User-agent: newsweave\nDisallow: /\n\nUser-agent: *\nAllow: /\n",
        content_type="text/plain",
    )
    site.add("/a", FERRY_PAGE)
    with pytest.raises(IngestError, match="disallows /a for newsweave"):
        fetcher.fetch(site.url("/a"))


def test_missing_robots_txt_allows(site, fetcher):
    del site.routes["/robots.txt"]
    site.add("/private/a", FERRY_PAGE)
    assert fetcher.fetch(site.url("/private/a")).content == FERRY_PAGE


def test_robots_txt_server_error_disallows_the_host_for_the_run(site):
    site.add("/robots.txt", b"down", status=503)
    site.add("/a", FERRY_PAGE)
    options = dataclasses.replace(LOCAL, fetch_retries=1)
    with Fetcher(options, backoff=QUICK) as fetcher:
        for _ in range(2):
            with pytest.raises(IngestError) as info:
                fetcher.fetch(site.url("/a"))
            assert info.value.reason.startswith(
                f"robots.txt of 127.0.0.1:{site.port} could not be read "
                "(HTTP 503 Service Unavailable after 2 tries), so newsweave fetches nothing"
            )
    assert site.hits("/robots.txt") == 2  # one fetch with one retry, then cached
    assert site.hits("/a") == 0


# --- addresses -----------------------------------------------------------------


def test_private_address_is_refused_before_any_request(site):
    site.add("/a", FERRY_PAGE)
    with Fetcher(Options(fetch_timeout=2.0)) as fetcher:
        with pytest.raises(IngestError) as info:
            fetcher.fetch(site.url("/a"))
    assert info.value.reason == (
        "refused: 127.0.0.1 is a loopback address; pass --allow-private "
        "(option allow_private_hosts) to fetch it"
    )
    assert site.requests == []


def test_refusal_names_the_host_and_what_it_resolves_to(site):
    with Fetcher(Options(fetch_timeout=2.0)) as fetcher:
        with pytest.raises(IngestError) as info:
            fetcher.fetch(site.url("/a", host="localhost"))
    assert info.value.reason.startswith("refused: localhost resolves to ")
    assert "a loopback address; pass --allow-private" in info.value.reason
    assert site.requests == []


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("10.0.0.5", "private"),
        ("192.168.1.20", "private"),
        ("172.16.3.4", "private"),
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("224.0.0.251", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("240.0.0.9", "reserved"),
        ("::ffff:10.0.0.5", "private"),
        ("fd12:3456::1", "private"),
        ("100.64.0.1", "non-public"),
        ("93.184.215.14", None),
        ("2606:4700::1111", None),
    ],
)
def test_address_kinds(address, kind):
    assert address_problem(address) == kind


@pytest.mark.parametrize(
    ("url", "address", "kind"),
    [
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254", "a link-local"),
        ("http://[::ffff:169.254.169.254]/", "169.254.169.254", "a link-local"),
        ("http://[fd00:ec2::254]/latest/", "fd00:ec2::254", "a cloud metadata"),
    ],
)
def test_allow_private_keeps_link_local_and_metadata_closed(url, address, kind):
    # Refused before any connection is opened: no network is needed.
    with Fetcher(Options(allow_private_hosts=True, fetch_timeout=2.0)) as fetcher:
        with pytest.raises(IngestError) as info:
            fetcher.fetch(url)
    assert info.value.reason.startswith("refused: ")
    assert f"{kind} address; cloud machines hand out their credentials there; " in (
        info.value.reason
    )
    assert info.value.reason.endswith(
        "pass --allow-link-local (option allow_link_local_hosts) to fetch it"
    )
    assert address in info.value.reason


def test_allow_link_local_does_not_open_private_addresses(site):
    site.add("/a", FERRY_PAGE)
    with Fetcher(Options(allow_link_local_hosts=True, fetch_timeout=2.0)) as fetcher:
        with pytest.raises(IngestError, match="loopback address; pass --allow-private"):
            fetcher.fetch(site.url("/a"))
    assert site.requests == []


def test_a_port_out_of_range_is_one_clear_refusal(fetcher):
    with pytest.raises(IngestError) as info:
        fetcher.fetch("http://127.0.0.1:99999/")
    assert info.value.source == "http://127.0.0.1:99999/"
    assert info.value.reason == (
        "refused: http://127.0.0.1:99999/ is not a valid URL (Port out of range 0-65535); "
        "check it"
    )


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/file", "file:///etc/passwd", "mailto:a@b.c"])
def test_other_schemes_are_refused(fetcher, url):
    with pytest.raises(IngestError, match="refused: .* is not an http or https URL"):
        fetcher.fetch(url)


# --- retries -------------------------------------------------------------------


def test_server_error_then_success_is_retried(site, fetcher):
    site.sequence("/flaky", (500, b"oops", {}), (200, FERRY_PAGE, {}))
    assert fetcher.fetch(site.url("/flaky")).content == FERRY_PAGE
    assert site.hits("/flaky") == 2


def test_429_with_retry_after_zero_is_retried(site, fetcher):
    site.sequence("/busy", (429, b"slow down", {"Retry-After": "0"}), (200, FERRY_PAGE, {}))
    assert fetcher.fetch(site.url("/busy")).content == FERRY_PAGE
    assert site.hits("/busy") == 2


def test_retry_after_is_waited_for(site):
    site.sequence("/busy", (503, b"", {"Retry-After": "1"}), (200, FERRY_PAGE, {}))
    waits: list[float] = []
    with Fetcher(LOCAL, backoff=QUICK, sleep=waits.append) as fetcher:
        fetcher.fetch(site.url("/busy"))
    assert waits == [1.0]


def test_backoff_grows_with_each_try(site):
    site.add("/down", b"", status=502)
    waits: list[float] = []
    options = dataclasses.replace(LOCAL, fetch_retries=3)
    with Fetcher(options, backoff=1.0, sleep=waits.append) as fetcher:
        with pytest.raises(IngestError, match="HTTP 502 Bad Gateway after 4 tries"):
            fetcher.fetch(site.url("/down"))
    assert len(waits) == 3
    for attempt, wait in enumerate(waits):
        assert 2**attempt <= wait <= 2 * 2**attempt  # exponential, plus jitter


def test_waiting_for_one_host_is_capped_across_its_urls(site):
    # A feed's entries on one busy site: the pauses add up to the host's share,
    # not to every entry's full pause.
    for n in range(4):
        site.add(f"/busy/{n}", b"", status=503, headers={"Retry-After": "20"})
    waits: list[float] = []
    with Fetcher(LOCAL, backoff=QUICK, sleep=waits.append) as fetcher:
        for n in range(4):
            with pytest.raises(IngestError) as info:
                fetcher.fetch(site.url(f"/busy/{n}"))
            assert "asks to wait 20 s, longer than newsweave waits for 127.0.0.1:" in (
                info.value.reason
            )
            assert info.value.reason.endswith("try again later")
    assert sum(waits) <= MAX_WAIT_PER_HOST
    assert waits == [20.0]
    assert [site.hits(f"/busy/{n}") for n in range(4)] == [2, 1, 1, 1]


def test_a_retry_after_past_the_hosts_share_is_not_waited_for(site):
    site.add("/busy", b"", status=503, headers={"Retry-After": "59"})
    waits: list[float] = []
    with Fetcher(LOCAL, backoff=QUICK, sleep=waits.append) as fetcher:
        with pytest.raises(IngestError) as info:
            fetcher.fetch(site.url("/busy"))
    assert waits == []
    assert "the server asks to wait 59 s, longer than newsweave waits" in info.value.reason
    assert site.hits("/busy") == 1


def test_a_pause_past_the_deadline_is_not_taken(site):
    site.add("/busy", b"", status=429, headers={"Retry-After": "5"})
    waits: list[float] = []
    options = dataclasses.replace(LOCAL, fetch_deadline=3.0)
    with Fetcher(options, backoff=QUICK, sleep=waits.append) as fetcher:
        with pytest.raises(IngestError) as info:
            fetcher.fetch(site.url("/busy"))
    assert waits == []
    assert info.value.reason == (
        "HTTP 429 Too Many Requests, and the server asks to wait 5 s, past the deadline "
        "(fetch_deadline 3 s); try again later, or raise fetch_deadline"
    )


def test_long_retry_after_gives_up_at_once(site, fetcher):
    site.add("/busy", b"", status=429, headers={"Retry-After": "3600"})
    with pytest.raises(IngestError) as info:
        fetcher.fetch(site.url("/busy"))
    assert "asks to wait 3600 s, longer than newsweave waits" in info.value.reason
    assert info.value.reason.endswith("try again later")
    assert site.hits("/busy") == 1


def test_retry_after_as_a_date(site):
    later = formatdate(time.time() + 30, usegmt=True)
    site.sequence("/busy", (503, b"", {"Retry-After": later}), (200, FERRY_PAGE, {}))
    waits: list[float] = []
    with Fetcher(LOCAL, sleep=waits.append) as fetcher:
        fetcher.fetch(site.url("/busy"))
    assert 25 <= waits[0] <= 31


def test_slow_server_times_out_after_the_tries(site):
    @site.route("/slow")
    def slow(request):
        site.release.wait(5)
        respond(request, 200, FERRY_PAGE)

    options = dataclasses.replace(LOCAL, fetch_timeout=0.2, fetch_retries=1)
    with Fetcher(options, backoff=QUICK) as fetcher:
        started = time.monotonic()
        with pytest.raises(IngestError) as info:
            fetcher.fetch(site.url("/slow"))
    assert time.monotonic() - started < 2
    assert info.value.reason == (
        "timed out after 2 tries (fetch_timeout 0.2 s); try again later, or raise fetch_timeout"
    )
    assert site.hits("/slow") == 2


def test_one_deadline_covers_a_server_trickling_its_headers(site):
    @site.route("/trickle")
    def trickle(request):
        # The status line, then one header byte at a time: each arrives well
        # within fetch_timeout, so only a deadline on the whole fetch stops it.
        try:
            request.wfile.write(b"HTTP/1.1 200 OK\r\n")
            for _ in range(300):  # 30 s of headers if nobody hangs up
                if site.release.wait(0.1):
                    return
                request.wfile.write(b"X")
            request.wfile.write(b": y\r\nContent-Length: 2\r\n\r\nok")
        except OSError:
            pass

    options = dataclasses.replace(LOCAL, fetch_timeout=0.5, fetch_deadline=1.0)
    with Fetcher(options, backoff=QUICK) as fetcher:
        started = time.monotonic()
        with pytest.raises(IngestError) as info:
            fetcher.fetch(site.url("/trickle"))
    assert time.monotonic() - started < 5  # the deadline, not the server's 30 s
    assert info.value.reason == (
        "no complete answer within 1 s (option fetch_deadline); "
        "try again later, or raise fetch_deadline"
    )
    assert site.hits("/trickle") == 1  # no retry past the deadline


def test_the_deadline_covers_the_retries(site):
    @site.route("/slow-error")
    def slow_error(request):
        site.release.wait(0.4)
        respond(request, 503, b"busy")

    options = dataclasses.replace(LOCAL, fetch_timeout=2.0, fetch_retries=10,
                                  fetch_deadline=1.0)
    with Fetcher(options, backoff=QUICK) as fetcher:
        with pytest.raises(IngestError, match=r"\(fetch_deadline 1 s\)|option fetch_deadline"):
            fetcher.fetch(site.url("/slow-error"))
    assert site.hits("/slow-error") <= 3  # not the eleven tries asked for


# --- size cap --------------------------------------------------------------------


def test_body_past_max_bytes_stops_the_download(site):
    @site.route("/huge")
    def huge(request):
        # No Content-Length: the size shows only while reading.
        request.send_response(200)
        request.send_header("Content-Type", "text/html")
        request.end_headers()
        chunk = b"<p>" + b"x" * 65_533
        try:
            for _ in range(200):  # 13 MB if nobody stops reading
                request.wfile.write(chunk)
        except OSError:
            pass

    options = dataclasses.replace(LOCAL, max_bytes=100_000)
    with Fetcher(options) as fetcher:
        with pytest.raises(IngestError) as info:
            fetcher.fetch(site.url("/huge"))
    assert info.value.reason.startswith("is larger than 100,000 bytes (option max_bytes);")
    assert "raise max_bytes" in info.value.reason


def test_declared_length_past_max_bytes_is_refused_unread(site):
    site.add("/big", b"y" * 50_000)
    options = dataclasses.replace(LOCAL, max_bytes=10_000)
    with Fetcher(options) as fetcher:
        with pytest.raises(IngestError, match=r"larger than 10,000 bytes \(option max_bytes\)"):
            fetcher.fetch(site.url("/big"))


# --- redirects -------------------------------------------------------------------


def test_redirects_are_followed_and_final_url_kept(site, fetcher):
    site.add("/old", b"", status=301, headers={"Location": "/moved"})
    site.add("/moved", b"", status=302, headers={"Location": site.url("/news/ferry")})
    site.add("/news/ferry", FERRY_PAGE)
    result = fetcher.fetch(site.url("/old"))
    assert result.url == site.url("/old")
    assert result.final_url == site.url("/news/ferry")
    assert result.content == FERRY_PAGE


def test_too_many_redirects(site, fetcher):
    for n in range(7):
        site.add(f"/r{n}", b"", status=307, headers={"Location": f"/r{n + 1}"})
    with pytest.raises(IngestError, match="more than 5 redirects"):
        fetcher.fetch(site.url("/r0"))
    assert site.hits("/r6") == 0


def test_redirect_to_another_scheme_is_refused(site, fetcher):
    site.add("/download", b"", status=302, headers={"Location": "ftp://127.0.0.1/f.html"})
    with pytest.raises(IngestError) as info:
        fetcher.fetch(site.url("/download"))
    assert info.value.reason == (
        "refused: redirect to ftp://127.0.0.1/f.html (scheme ftp); "
        "newsweave fetches only http and https pages"
    )


def test_redirect_hop_is_checked_against_robots_txt(site, fetcher):
    site.add("/go", b"", status=301, headers={"Location": "/private/page"})
    site.add("/private/page", FERRY_PAGE)
    with pytest.raises(IngestError, match="disallows /private/page for newsweave"):
        fetcher.fetch(site.url("/go"))
    assert site.hits("/private/page") == 0


def test_redirect_without_location(site, fetcher):
    site.add("/nowhere", b"", status=302)
    with pytest.raises(IngestError, match="names no target"):
        fetcher.fetch(site.url("/nowhere"))


# --- conditional requests -----------------------------------------------------------


def test_etag_and_last_modified_give_not_modified(site, fetcher):
    stamp = "Thu, 07 Nov 2024 09:00:00 GMT"

    @site.route("/feed")
    def conditional(request):
        if request.headers.get("If-None-Match") == '"rev-7"' or (
            request.headers.get("If-Modified-Since") == stamp
        ):
            request.send_response(304)
            request.send_header("ETag", '"rev-7"')
            request.end_headers()
            return
        respond(request, 200, FERRY_PAGE, headers={"ETag": '"rev-7"', "Last-Modified": stamp})

    first = fetcher.fetch(site.url("/feed"))
    assert (first.etag, first.last_modified, first.not_modified) == ('"rev-7"', stamp, False)

    again = fetcher.fetch(site.url("/feed"), etag=first.etag)
    assert again.not_modified is True
    assert again.status == 304
    assert again.content == b""
    assert again.etag == '"rev-7"'

    by_date = fetcher.fetch(site.url("/feed"), last_modified=first.last_modified)
    assert by_date.not_modified is True
    assert by_date.last_modified == stamp
    assert site.requests[-1].headers["if-modified-since"] == stamp


# --- options ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad",
    [
        {"fetch_timeout": 0},
        {"fetch_timeout": -1.5},
        {"fetch_timeout": float("inf")},
        {"fetch_deadline": 0},
        {"fetch_deadline": float("nan")},
        {"fetch_retries": -1},
        {"fetch_retries": 50},
        {"user_agent": ""},
        {"user_agent": "my crawler"},
        {"user_agent": "https://x.example/\r\nX-Evil: 1"},
        {"allow_private_hosts": "yes"},
        {"allow_link_local_hosts": 1},
    ],
)
def test_bad_fetch_options_are_refused(bad):
    with pytest.raises(ConfigError) as info:
        Options.build(**bad)
    assert next(iter(bad)) in str(info.value)


def test_fetch_option_defaults():
    options = Options()
    assert (options.fetch_timeout, options.fetch_retries) == (20.0, 2)
    assert options.user_agent == "https://example.org/newsweave"
    assert options.allow_private_hosts is False
    assert options.allow_link_local_hosts is False
    assert options.fetch_deadline == 60.0
