"""Watching a feed: a real HTTP server on 127.0.0.1 serves an RSS feed and its pages."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from newsweave.config import Options
from newsweave.engine import Engine
from newsweave.library import Library
from newsweave.store import Store

PAGE = """<!doctype html><html><head><title>{title}</title>
<meta property="og:site_name" content="Harbour Gazette"></head>
<body><nav>Home | World | Sport</nav><article><h1>{title}</h1>{body}</article>
<footer>Copyright Harbour Gazette</footer></body></html>"""

BODIES = {
    "/a.html": ("Ferry strikes rocks off Vell Island",
                "<p>VELL ISLAND – The ferry Grey Heron struck rocks off Vell Island on Monday "
                "with 88 passengers on board, the island council said.</p><p>All of the "
                "passengers were taken off by lifeboat crews and nobody was hurt, council "
                "leader Maren Okoye told reporters at the harbour.</p><p>The ferry company "
                "said the vessel would be inspected before it sails again.</p>"),
    "/b.html": ("Lifeboats rescue passengers from stranded Vell ferry",
                "<p>VELL ISLAND – Lifeboat crews rescued 88 passengers from the ferry Grey "
                "Heron after it ran onto rocks near Vell Island on Monday.</p><p>Council leader "
                "Maren Okoye said no one was injured.</p><p>Divers will examine the hull "
                "on Tuesday, the ferry company said.</p>"),
}


def feed(items: list[str], port: int) -> str:
    entries = "".join(
        f"<item><title>{BODIES[p][0]}</title><link>http://127.0.0.1:{port}{p}</link>"
        f"<pubDate>Mon, 03 Mar 2025 10:00:00 GMT</pubDate></item>"
        for p in items
    )
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour Gazette</title>'
            f"<link>http://127.0.0.1:{port}/</link>{entries}</channel></rss>")


class Site:
    def __init__(self) -> None:
        self.items = ["/a.html"]
        self.requests: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                site.requests.append(self.path)
                if self.path == "/robots.txt":
                    body, ctype = b"User-agent: *\nAllow: /\n", "text/plain"
                elif self.path == "/feed.xml":
                    etag = f'"v{len(site.items)}"'
                    if self.headers.get("If-None-Match") == etag:
                        self.send_response(304)
                        self.end_headers()
                        return
                    body = feed(site.items, self.server.server_port).encode()
                    ctype = "application/rss+xml"
                    self.send_response(200)
                    self.send_header("ETag", etag)
                    self.send_header("Content-Type", ctype)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    return
                elif self.path in BODIES:
                    title, text = BODIES[self.path]
                    body, ctype = PAGE.format(title=title, body=text).encode(), "text/html"
                else:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/feed.xml"


@pytest.fixture()
def site():
    s = Site()
    s.thread.start()
    yield s
    s.server.shutdown()
    s.server.server_close()
    s.thread.join(timeout=5)


@pytest.fixture()
def library(engine, tmp_path):
    local = Engine(Options(allow_private_hosts=True, fetch_timeout=5.0, fetch_retries=0))
    local.analyzer = engine.analyzer  # reuse the loaded models
    local._embedder = engine.embedder
    store = Store(tmp_path / "watch.db")
    yield Library(store, local)
    store.close()


def test_polling_a_feed_adds_new_reports_and_says_what_changed(site, library):
    report, lines = library.poll_feeds([site.url])
    assert len(report.added) == 1 and report.failures == []
    assert any(line.startswith("new story") for line in lines)
    (story,) = library.stories_dict()["stories"]
    assert story["articles"][0]["outlet"] == "Harbour Gazette"

    # Nothing new: the feed answers 304 and nothing changes.
    report, lines = library.poll_feeds([site.url])
    assert report.added == [] and lines == []

    # A second outlet's report of the same event joins the story.
    site.items.append("/b.html")
    report, lines = library.poll_feeds([site.url])
    assert len(report.added) == 1
    (story,) = library.stories_dict()["stories"]
    assert len(story["articles"]) == 2
    assert report.updated_stories == [story["id"]]
    assert any("corroborated" in line or "new fact" in line for line in lines)
