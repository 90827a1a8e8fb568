"""The JSON API and the pages against the real app and a real SQLite store."""

from __future__ import annotations

import dataclasses
import json
import time
from datetime import date
from html import unescape
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient
from webdata import HOSTILE, STORIES, fresh_story, one_story_each, story_of

from newsweave.library import Library
from newsweave.render.json import validate
from newsweave.store import Store
from newsweave.web import create_app
from newsweave.web.app import CONTENT_SECURITY_POLICY

ERROR_KEYS = {"status", "code", "type", "message"}


class Elements(HTMLParser):
    """The tags and attributes a browser would build from a page."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))


@pytest.fixture(scope="module")
def client(web_library):
    # Pages wait for a comparison however long it takes: they are checked whole.
    with TestClient(create_app(web_library, compare_wait=600)) as c:
        yield c


def assert_error(response, status: int, code: str) -> dict:
    """The one JSON error shape, pinned."""
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == ERROR_KEYS
    assert body["error"]["status"] == status and body["error"]["code"] == code
    assert body["error"]["message"]
    return body["error"]


def test_stories_list_every_report_once_with_counts(client, web_library):
    data = client.get("/api/stories").json()
    assert data["total"] == len(data["stories"]) >= 4
    ids = [a for s in data["stories"] for a in s["article_ids"]]
    assert sorted(ids) == sorted(a.id for a in web_library.store.articles())
    copy_story = next(s for s in data["stories"] if s["id"] == story_of(web_library, "copy"))
    assert copy_story["reports"] == 3 and copy_story["independent_sources"] == 2
    assert len(copy_story["outlets"]) == 3
    # Newest first, undated stories last.
    days = [s["last_published"] for s in data["stories"]]
    dated = [d for d in days if d is not None]
    assert dated == sorted(dated, reverse=True)
    assert days == dated + [None] * (len(days) - len(dated)) and None in days


def test_stories_paginate(client):
    everything = client.get("/api/stories").json()["stories"]
    first = client.get("/api/stories?limit=2").json()
    second = client.get("/api/stories?limit=2&offset=2").json()
    assert [s["id"] for s in first["stories"] + second["stories"]] == [
        s["id"] for s in everything[:4]
    ]
    assert first["total"] == len(everything)
    past = client.get("/api/stories?limit=2&offset=500").json()
    assert past["stories"] == [] and past["total"] == len(everything)


def test_stories_search_and_date_filters(client, web_library):
    hits = client.get("/api/stories", params={"q": "trawling"}).json()["stories"]
    assert [s["id"] for s in hits] == [story_of(web_library, "role-conflict")]
    april = client.get("/api/stories", params={"since": "2025-04-01"}).json()["stories"]
    assert [s["id"] for s in april] == [story_of(web_library, "Evil & Co")]
    none = client.get("/api/stories", params={"until": "2000-01-01"}).json()
    assert none == {"stories": [], "total": 0, "limit": 50, "offset": 0, "as_words": False}


def test_a_page_past_the_last_redirects_to_the_last(client):
    """``/?page=9999`` leads to the last page, keeping the filters; never an empty page
    that says "No stories yet"."""
    got = client.get("/", params={"page": 9999}, follow_redirects=False)
    assert got.status_code == 302 and got.headers["location"] == "/"
    assert "No stories" not in client.get("/", params={"page": 9999}).text
    got = client.get("/", params={"q": "trawling", "page": 3}, follow_redirects=False)
    assert got.status_code == 302 and got.headers["location"] == "/?q=trawling"
    got = client.get("/", params={"q": "zeppelin", "page": 2}, follow_redirects=False)
    assert got.status_code == 302 and got.headers["location"] == "/?q=zeppelin"
    assert client.get("/", params={"page": 1}).status_code == 200


def test_a_page_past_the_last_of_many_redirects_to_the_last(engine, tmp_path):
    from newsweave.model import Article
    from newsweave.web.app import PAGE_SIZE

    store = Store(tmp_path / "pages.db")
    try:
        articles = [Article(text=f"Report {n} on the harbour.", published="2025-01-01")
                    for n in range(PAGE_SIZE + 1)]
        one_story_each(store, articles)
        with TestClient(create_app(Library(store, engine), compute=False)) as c:
            got = c.get("/", params={"page": 9999, "since": "2024-12-01"},
                        follow_redirects=False)
            assert got.status_code == 302
            assert got.headers["location"] == "/?since=2024-12-01&page=2"
            last = c.get(got.headers["location"])
            assert "page 2 of 2" in last.text and 'class="story-row"' in last.text
    finally:
        store.close()


def test_an_undated_story_stays_undated_everywhere(client, web_library):
    story_id = story_of(web_library, "Tramway Enthusiasts")
    summary = client.get(f"/api/stories/{story_id}").json()
    assert (summary["first_published"], summary["last_published"]) == (None, None)
    assert all(client.get(f"/api/articles/{a}").json()["published"] is None
               for a in summary["article_ids"])
    listed = client.get("/api/stories").json()["stories"]
    assert listed[-1]["id"] == story_id
    # It matches no day: not even today, which it used to be dated.
    today = date.today().isoformat()
    for params in ({"since": today}, {"until": today}, {"since": "2000-01-01"}):
        ids = [s["id"] for s in client.get("/api/stories", params=params).json()["stories"]]
        assert story_id not in ids, params
    home = client.get("/").text
    row = home[home.index(f'href="/stories/{story_id}"'):]
    row = row[: row.index("</tr>")]
    assert '<td class="dates">undated</td>' in row and today not in home
    story = client.get(f"/stories/{story_id}").text
    assert '<span class="muted dates">undated</span>' in story and today not in story
    article = client.get(f"/articles/{summary['article_ids'][0]}").text
    assert "· undated" in article and today not in article


def test_since_after_until_is_refused_with_a_clear_message(client):
    params = {"since": "2025-05-01", "until": "2025-04-01"}
    error = assert_error(client.get("/api/stories", params=params), 400, "E031")
    assert "since (2025-05-01) is after until (2025-04-01)" in error["message"]
    page = client.get("/", params=params)
    assert page.status_code == 400 and page.headers["content-type"].startswith("text/html")
    assert "since (2025-05-01) is after until (2025-04-01)" in page.text


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("since=yesterday", "E031"),
        ("until=2025-13-45", "E031"),
        ("limit=0", "E050"),
        ("limit=abc", "E050"),
        ("offset=-1", "E050"),
    ],
)
def test_bad_listing_parameters_are_400_with_the_error_shape(client, query, code):
    assert_error(client.get(f"/api/stories?{query}"), 400, code)


def test_a_story_comparison_follows_the_contract_and_is_cached(client, web_library, monkeypatch):
    story_id = story_of(web_library, "number-conflict")
    response = client.get(f"/api/stories/{story_id}/comparison", params={"with_text": "true"})
    assert response.status_code == 200
    data = response.json()
    validate(data)
    assert any(c["status"] == "conflicting" for c in data["claims"])
    texts = {a["id"]: a["text"] for a in data["articles"]}
    for claim in data["claims"]:
        for m in claim["mentions"]:
            assert texts[m["article"]][m["start"] : m["end"]] == m["text"]
    # The second answer comes from the store: comparing again would fail.
    def no_compare(*_args, **_kwargs):
        raise AssertionError("the cached comparison should have been used")

    monkeypatch.setattr(web_library.engine, "compare_analyzed", no_compare)
    again = client.get(f"/api/stories/{story_id}/comparison").json()
    assert again["claims"] == data["claims"] and "text" not in again["articles"][0]
    summary = client.get(f"/api/stories/{story_id}").json()
    assert summary["compared"] is True
    assert summary["conflicts"] == sum(1 for c in data["claims"] if c["conflicts"])


def test_a_stale_comparison_is_not_counted_and_is_recomputed(web_library, tmp_path):
    story_id = story_of(web_library, "role-conflict")
    text = web_library.story_comparison_json(story_id)
    web_library.store.put_comparison(story_id, "made-from-other-reports", text, claims=1,
                                     conflicts=9)
    assert web_library.story_summary(story_id)["compared"] is False
    assert web_library.story_summary(story_id)["conflicts"] is None
    assert web_library.story_comparison_json(story_id, compute=False) is None
    assert json.loads(web_library.story_comparison_json(story_id)) == json.loads(text)
    assert web_library.story_summary(story_id)["compared"] is True


def test_a_story_compared_for_the_first_time_says_so_and_reloads(engine, tmp_path):
    """The first reader of a story sees "Comparing N reports…" at once, on a page
    that reloads itself (no script needed), until the comparison is there."""
    store = Store(tmp_path / "fresh.db")
    try:
        library = Library(store, engine)
        report = library.ingest(fresh_story("Thursday"))
        [story_id] = report.new_stories
        article_id = report.added[0]
        with TestClient(create_app(library, compare_wait=0)) as c:
            page = c.get(f"/articles/{article_id}")
            assert page.status_code == 200
            assert "Comparing the 2 reports of its story" in page.text
            assert '<meta http-equiv="refresh" content="2">' in page.text
            deadline = time.monotonic() + 120
            while True:
                page = c.get(f"/stories/{story_id}")
                assert page.status_code == 200
                if "Comparing 2 reports" not in page.text:
                    break
                assert '<meta http-equiv="refresh" content="2">' in page.text
                assert 'role="status"' in page.text and "Lindqvist" in page.text
                assert time.monotonic() < deadline, "the comparison never finished"
                time.sleep(0.2)
            assert 'id="matrix"' in page.text and "http-equiv" not in page.text
            assert library.story_summary(story_id)["compared"] is True
            article = c.get(f"/articles/{article_id}").text
            assert "Comparing" not in article and 'class="legend"' in article
    finally:
        store.close()


def test_a_story_of_no_known_outlet_does_not_count_zero_outlets(engine, tmp_path):
    store = Store(tmp_path / "anon.db")
    try:
        library = Library(store, engine)
        reports = [dataclasses.replace(a, outlet=None) for a in fresh_story("Sunday")]
        [story_id] = library.ingest(reports).new_stories
        with TestClient(create_app(library)) as c:
            page = c.get(f"/stories/{story_id}").text
        assert "2 reports" in page and "0 outlets" not in page
    finally:
        store.close()


def test_a_rendered_story_page_is_reused_until_the_story_changes(web_library, monkeypatch):
    from newsweave.web import views

    story_id = story_of(web_library, "copy")
    with TestClient(create_app(web_library)) as c:
        first = c.get(f"/stories/{story_id}")
        assert first.status_code == 200

        def no_render(*_args, **_kwargs):
            raise AssertionError("the rendered page should have been reused")

        monkeypatch.setattr(views, "story_view", no_render)
        assert c.get(f"/stories/{story_id}").text == first.text
        # A stale comparison (the story's reports changed) is not served from memory.
        text = web_library.story_comparison_json(story_id)
        web_library.store.put_comparison(story_id, "made-from-other-reports", text, claims=1,
                                         conflicts=0)
        monkeypatch.undo()
        assert c.get(f"/stories/{story_id}").status_code == 200
        assert web_library.story_summary(story_id)["compared"] is True


def test_the_comparison_cache_survives_reopening_the_store(web_library):
    story_id = story_of(web_library, "copy")
    text = web_library.story_comparison_json(story_id)
    with Store(web_library.store.path) as again:
        other = Library(again, web_library.engine)
        assert other.story_comparison_json(story_id, compute=False) == text
        assert "0003_comparisons" in [name for name, _ in again.migrations()]


def test_reports_search_and_copies(client, web_library):
    story_id = story_of(web_library, "copy")
    members = web_library.store.story_member_ids(story_id)
    copies = web_library.store.copies()
    copy_id = next(a for a in members if a in copies)
    original = client.get(f"/api/articles/{copies[copy_id]}").json()
    assert copy_id in original["copies"] and original["copy_of"] is None
    assert original["story_id"] == story_id and original["text"] is None
    copy = client.get(f"/api/articles/{copy_id}", params={"with_text": "1"}).json()
    assert copy["copy_of"] == copies[copy_id] and copy["text"]
    hits = client.get("/api/search", params={"q": "trawling", "limit": 5}).json()["hits"]
    assert hits and all(h["story_id"] == story_of(web_library, "role-conflict") for h in hits)
    assert_error(client.get("/api/search"), 400, "E050")


@pytest.mark.parametrize("query", ["NEAR(", "AND", "(((", "*", '"', "a:b:c", '"unclosed'])
def test_a_search_with_stray_syntax_is_read_as_plain_words(client, query):
    """Never a "400: QueryError … fts5: syntax error": the words are searched as
    written, and the page and the API say so."""
    for url in ["/api/search", "/api/stories"]:
        got = client.get(url, params={"q": query})
        assert got.status_code == 200, (url, got.text)
        assert got.json()["as_words"] is True
    page = client.get("/", params={"q": query})
    assert page.status_code == 200
    assert "Searched as plain words" in page.text and "fts5" not in page.text


def test_a_search_that_parses_keeps_its_operators(client, web_library):
    got = client.get("/api/search", params={"q": "trawling OR landslide"}).json()
    assert got["as_words"] is False
    stories = {h["story_id"] for h in got["hits"]}
    assert stories == {story_of(web_library, "role-conflict"), story_of(web_library, "copy")}
    page = client.get("/", params={"q": "trawling OR landslide"}).text
    assert "Searched as plain words" not in page
    assert client.get("/api/stories", params={"q": "trawl*"}).json()["as_words"] is False
    near = client.get("/api/search", params={"q": "NEAR(ferry passengers)"}).json()
    assert near["as_words"] is False and near["hits"]


def test_unknown_things_are_404(client):
    assert_error(client.get("/api/stories/nope"), 404, "E040")
    assert_error(client.get("/api/stories/nope/comparison"), 404, "E040")
    assert_error(client.get("/api/articles/nope"), 404, "E040")
    assert_error(client.get("/api/nothing"), 404, "E040")
    page = client.get("/stories/nope")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "no story" in page.text


def test_a_reader_is_told_what_is_missing_and_nothing_of_the_server(client, web_library):
    """The web's 404s name what is missing; the store's file and the CLI's commands
    stay out of them (the CLI keeps its message, which names both)."""
    store_path = str(web_library.store.path)
    for url, words in [("/stories/nope", "no story 'nope'"), ("/articles/nope", "no report"),
                       ("/api/stories/nope", "no story 'nope'"),
                       ("/api/articles/nope", "no report"), ("/nothing-here", "nothing at")]:
        got = client.get(url)
        assert got.status_code == 404, url
        text = unescape(got.text)
        assert words in text, url
        for internal in [store_path, "news.db", "--db", "NEWSWEAVE_DB", "newsweave stories"]:
            assert internal not in text, (url, internal)
    page = client.get("/stories/nope").text
    assert "<h1>404: Not Found</h1>" in page
    from click.testing import CliRunner

    from newsweave.cli import cli

    result = CliRunner().invoke(cli, ["--db", store_path, "story", "nope"])
    assert result.exit_code != 0
    assert store_path in str(result.exception) and "newsweave stories" in str(result.exception)


def test_every_response_carries_the_security_headers(client, web_library):
    story_id = story_of(web_library, "copy")
    for url in ["/", f"/stories/{story_id}", "/static/app.css", "/static/app.js",
                "/api/stories", "/api/stories/nope", "/docs", "/openapi.json", "/missing",
                "/api/stories?limit=0"]:
        r = client.get(url)
        assert r.headers["content-security-policy"] == CONTENT_SECURITY_POLICY, url
        assert r.headers["x-content-type-options"] == "nosniff", url
        assert r.headers["referrer-policy"] == "no-referrer", url
        assert r.headers["x-frame-options"] == "DENY", url
    assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY
    assert client.get("/static/app.js").headers["content-type"].startswith("text/javascript")


def test_head_answers_like_get_without_a_body(client, web_library):
    story_id = story_of(web_library, "copy")
    for url in ["/", f"/stories/{story_id}", "/api/stories", "/static/app.css"]:
        got, head = client.get(url), client.head(url)
        assert head.status_code == got.status_code == 200, url
        assert head.content == b"", url
        assert head.headers["content-type"] == got.headers["content-type"], url
        assert head.headers["content-security-policy"] == CONTENT_SECURITY_POLICY, url
    assert client.head("/missing").status_code == 404


def test_hostile_reports_are_escaped_in_every_page(client, web_library):
    story_id = story_of(web_library, "Evil & Co")
    pages = [client.get("/").text, client.get("/?q=script").text,
             client.get(f"/stories/{story_id}").text]
    pages += [client.get(f"/articles/{a}").text
              for a in web_library.store.story_member_ids(story_id)]
    for html in pages:
        assert "<script>window" not in html
        elements = Elements(html).found
        assert not [a for _, attrs in elements for a in attrs if a.startswith("on")]
        assert not [t for t, _ in elements if t in {"img", "iframe", "object", "embed"}]
        assert [attrs for t, attrs in elements if t == "script"] == [
            {"src": "/static/app.js", "defer": None}
        ]
        hrefs = [attrs.get("href") or "" for _, attrs in elements]
        assert not [h for h in hrefs if h.strip().lower().startswith(("javascript:", "data:"))]
        assert 'href="javascript:' not in html.lower()
        assert "<b onmouseover" not in html and "<svg onload" not in html
        # The only script is the app's own file; there is no inline style.
        assert html.count("<script") == 1 and '<script src="/static/app.js" defer>' in html
        assert "style=" not in html and "<style" not in html
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in pages[-2] + pages[-1]
    # A javascript: URL is shown as text, never linked.
    hostile = next(a for a in web_library.store.story_articles(story_id)
                   if a.url.startswith("javascript:"))
    html = client.get(f"/articles/{hostile.id}").text
    assert "javascript:window.__pwned=4" in html and "(not a web link)" in html


def test_pages_render_and_link_without_scripts(client, web_library):
    story_id = story_of(web_library, "number-conflict")
    html = client.get(f"/stories/{story_id}").text
    for section in ["brief", "matrix", "conflicts", "alone", "timeline", "entities"]:
        assert f'id="{section}"' in html
    assert 'class="cite" href="/articles/' in html and "?hl=" in html
    assert "<svg" in html and 'class="dot"' in html
    article = web_library.store.story_member_ids(story_id)[0]
    page = client.get(f"/articles/{article}", params={"hl": "0-10"}).text
    assert 'id="cited"' in page and 'class="cited"' in page or "mark cited" in page
    for junk in ["10-2", "x-y", "0-99999999", "-5-3"]:
        r = client.get(f"/articles/{article}", params={"hl": junk})
        assert r.status_code == 200 and 'id="cited"' not in r.text


def test_docs_page_and_openapi_need_no_cdn(client):
    spec = client.get("/openapi.json").json()
    assert {"/api/stories", "/api/stories/{story_id}", "/api/stories/{story_id}/comparison",
            "/api/articles/{article_id}", "/api/search"} <= set(spec["paths"])
    assert "/api/articles" not in spec["paths"], "no ingest endpoint without a token"
    html = client.get("/docs").text.replace("<wbr>", "")  # a path may break after a slash
    for path in spec["paths"]:
        assert path in html
    assert "cdn" not in html.lower() and "https://" not in html


def test_ingest_endpoint_only_with_a_token(web_library):
    with TestClient(create_app(web_library)) as c:
        r = c.post("/api/articles", json={"articles": [{"text": "x"}]})
        assert r.status_code in (404, 405)


@pytest.fixture()
def ingest_client(engine, tmp_path):
    store = Store(tmp_path / "ingest.db")
    app = create_app(Library(store, engine), token="s3cret-token", max_ingest_bytes=20_000)
    with TestClient(app) as c:
        yield c
    store.close()


def test_ingest_requires_the_token_and_adds_reports(ingest_client):
    body = {"articles": [{"text": (STORIES / "copy" / "01-highland-wire.txt").read_text(),
                          "outlet": "Highland Wire", "published": "2025-03-01"}]}
    assert_error(ingest_client.post("/api/articles", json=body), 403, "E051")
    wrong = {"Authorization": "Bearer nope"}
    assert_error(ingest_client.post("/api/articles", json=body, headers=wrong), 403, "E051")
    auth = {"Authorization": "Bearer s3cret-token"}
    r = ingest_client.post("/api/articles", json=body, headers=auth)
    assert r.status_code == 200, r.text
    assert len(r.json()["added"]) == 1 and len(r.json()["new_stories"]) == 1
    assert ingest_client.get("/api/stories").json()["total"] == 1
    assert_error(ingest_client.post("/api/articles", json={"articles": []}, headers=auth),
                 400, "E050")
    assert_error(ingest_client.post("/api/articles", json={"articles": [{"title": "no text"}]},
                                    headers=auth), 400, "E050")


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic s3cret-token"}],
    ids=["no-token", "wrong-token", "wrong-scheme"],
)
@pytest.mark.parametrize(
    "body", [b"{not json", b'{"articles": []}', b"x" * 100_000], ids=["bad", "invalid", "huge"],
)
def test_the_token_is_checked_before_the_body(ingest_client, headers, body):
    # Without the token the body is never parsed: 403, never 400 or 413.
    r = ingest_client.post("/api/articles", content=body,
                           headers={**headers, "Content-Type": "application/json"})
    assert_error(r, 403, "E051")
    assert "Authorization: Bearer TOKEN" in r.json()["error"]["message"]
    assert ingest_client.get("/api/stories").json()["total"] == 0


def test_without_a_token_ingest_is_refused_before_the_body(web_library):
    with TestClient(create_app(web_library)) as c:
        r = c.post("/api/articles", content=b"{not json",
                   headers={"Content-Type": "application/json"})
        assert r.status_code in (404, 405)  # no such endpoint, whatever the body


def test_request_bodies_are_capped(ingest_client):
    auth = {"Authorization": "Bearer s3cret-token"}
    big = {"articles": [{"text": "word " * 10_000}]}
    assert_error(ingest_client.post("/api/articles", json=big, headers=auth), 413, "E052")

    def chunks():  # no Content-Length: counted as it arrives
        yield b'{"articles": [{"text": "'
        for _ in range(50):
            yield b"x" * 1000
        yield b'"}]}'

    r = ingest_client.post("/api/articles", content=chunks(), headers=auth)
    assert_error(r, 413, "E052")
    # Anywhere else the limit is far smaller.
    assert ingest_client.post("/api/stories", content=b"x" * 100_000).status_code == 413


def test_hostile_fixture_reports_are_stored_verbatim(web_library):
    stored = {a.outlet for a in web_library.store.articles()}
    assert {a.outlet for a in HOSTILE} <= stored


def test_a_read_over_the_time_limit_answers_503_and_the_app_goes_on(engine, tmp_path):
    from newsweave.model import Article

    store = Store(tmp_path / "many.db")
    try:
        store.put_articles(
            Article(text=f"Report {n}: the harbour ferry was delayed by {n} minutes.",
                    title=f"Ferry delayed ({n})")
            for n in range(2000)
        )
        library = Library(store, engine)
        with TestClient(create_app(library, read_timeout=1e-9)) as slow:
            error = assert_error(slow.get("/api/search", params={"q": "ferry"}), 503, "E032")
            assert "took longer" in error["message"]
            page = slow.get("/", params={"q": "ferry"})
            assert page.status_code == 503 and "took longer" in page.text
        assert store.read_timeout == 1e-9  # the app set it on the store it reads
        with TestClient(create_app(library)) as quick:
            hits = quick.get("/api/search", params={"q": "ferry", "limit": 3}).json()
            assert len(hits["hits"]) == 3
    finally:
        store.close()


def test_a_retired_story_id_redirects_to_the_story_it_leads_to(engine, tmp_path):
    """Regrouping ended a story: links holding its id land on the live story."""
    from newsweave.model import Article

    store = Store(tmp_path / "merged.db")
    try:
        first, second = Article(text="First report."), Article(text="Second report.")
        store.put_articles([first, second])
        for story_id, article in (("s-live", first), ("s-gone", second)):
            store.put_story(story_id, story_id)
            store.assign_story(article.id, story_id)
        store.assign_story(second.id, "s-live")
        store.retire_stories({"s-gone": "s-live"})
        with TestClient(create_app(Library(store, engine), compute=False)) as c:
            for path, query in [("/stories/{}", ""), ("/api/stories/{}", "?x=1"),
                                ("/api/stories/{}/comparison", "?with_text=true")]:
                got = c.get(path.format("s-gone") + query, follow_redirects=False)
                assert got.status_code == 308, path
                assert got.headers["location"] == path.format("s-live") + query
                assert got.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
            live = c.get("/api/stories/s-gone").json()
            assert live["id"] == "s-live" and sorted(live["article_ids"]) == sorted(
                [first.id, second.id]
            )
            assert_error(c.get("/api/stories/s-never"), 404, "E040")
    finally:
        store.close()


def test_the_app_opens_a_postgres_store_by_its_url(postgres_url):
    """``create_app`` (and so ``serve --db postgresql://...``) reads a PostgreSQL store."""
    from newsweave.model import Article
    from newsweave.store import open_store

    with open_store(postgres_url) as store:
        one_story_each(store, [Article(text="The harbour reopened after the storm.",
                                       outlet="Tidewater Gazette", published="2025-03-01")])
    with TestClient(create_app(postgres_url, compute=False)) as c:
        listed = c.get("/api/stories", params={"q": "harbour"})
        assert listed.status_code == 200, listed.text
        body = listed.json()
        assert body["total"] == 1 and body["stories"][0]["outlets"] == ["Tidewater Gazette"]
