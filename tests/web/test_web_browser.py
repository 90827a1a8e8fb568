"""The web app in a real headless Chromium, served by a real uvicorn on 127.0.0.1.

Opens the stories, opens a story, clicks a citation and sees its sentence highlighted,
follows a conflict; then walks every page of hostile reports and checks nothing ran.
Uses Debian's chromium driven by Playwright; skipped when either is missing. Screenshots
land in test-artifacts/ (git-ignored) for a person to look at.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from webdata import HOSTILE_TEXT, story_of

uvicorn = pytest.importorskip("uvicorn")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def _serving(app) -> Iterator[str]:  # noqa: ANN001 - an ASGI app
    """Serve ``app`` with uvicorn in a thread on a free port; stopped on leaving."""
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def base_url(web_library):
    """The app over the shared store; its pages wait for a comparison however long it
    takes (they are checked whole)."""
    from newsweave.web import create_app

    with _serving(create_app(web_library, compare_wait=600)) as url:
        yield url


class Watch:
    """What a page did that it should not: script errors, dialogs, CSP reports, requests
    leaving the app."""

    def __init__(self, page, base: str) -> None:
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.csp: list[str] = []
        self.foreign: list[str] = []
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        page.on(
            "console",
            lambda m: self.csp.append(m.text) if "Content Security Policy" in m.text else None,
        )
        page.on(
            "request",
            lambda r: None if r.url.startswith((base, "data:")) else self.foreign.append(r.url),
        )

    def assert_clean(self) -> None:
        assert self.errors == []
        assert self.dialogs == []
        assert self.csp == [], "something tried to load or run against the CSP"
        assert self.foreign == [], "every asset must come from the app"


def _in_viewport(page, locator) -> bool:
    box = locator.bounding_box()
    size = page.viewport_size
    return box is not None and 0 <= box["y"] < size["height"] and box["height"] > 0


def test_read_a_story_click_a_citation_and_follow_a_conflict(
    browser, base_url, web_library, screenshot
):
    page = browser.new_page(viewport={"width": 1360, "height": 900})
    watch = Watch(page, base_url)
    page.goto(base_url + "/")
    rows = page.locator("tr.story-row")
    assert rows.count() >= 4
    screenshot(page, "web-stories")

    story_id = story_of(web_library, "number-conflict")
    page.locator(f'a.story-link[href="/stories/{story_id}"]').click()
    page.wait_for_url(f"{base_url}/stories/{story_id}")
    assert page.locator("table.matrix tbody tr").count() >= 2
    assert page.locator("table.matrix td.reports").count() >= 2
    assert page.locator("svg.timeline circle.dot").count() == 2
    screenshot(page, "web-story", full=True)

    # A citation: with JavaScript its sentence shows highlighted under the brief item...
    cite = page.locator("a.cite").first
    quote = cite.get_attribute("data-quote")
    assert quote
    cite.click()
    preview = page.locator(".cite-preview mark.cited")
    preview.wait_for()
    assert preview.inner_text() == quote
    screenshot(page, "web-citation-preview")
    # ...and it leads on to the sentence highlighted in its report, scrolled into view.
    page.locator(".cite-preview a.open-report").click()
    page.wait_for_url("**/articles/**")
    cited = page.locator(".text .cited")
    assert cited.count() >= 1
    assert " ".join(cited.all_inner_texts()).replace("\n", " ").split() == quote.split()
    assert _in_viewport(page, cited.first)
    screenshot(page, "web-citation-in-report")

    # Follow a conflict: each side links to its span, highlighted in its report.
    page.goto(f"{base_url}/stories/{story_id}#conflicts")
    version = page.locator("#conflicts a.version").last
    wording = version.inner_text()
    version.click()
    page.wait_for_url("**/articles/**")
    cited = page.locator(".text .cited")
    assert " ".join(cited.all_inner_texts()).split() == wording.split()
    assert _in_viewport(page, cited.first)
    # Each marked claim links back to its row of the story's claim matrix.
    claim = page.locator(".text a.mark").first
    claim_id = claim.get_attribute("data-claim")
    claim.click()
    page.wait_for_url(f"**/stories/{story_id}#claim-{claim_id}")
    assert page.locator(f"tr#claim-{claim_id}").is_visible()
    screenshot(page, "web-conflict-followed")
    watch.assert_clean()
    page.close()


def test_pages_work_without_javascript(browser, base_url, web_library):
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1200, "height": 900}
    )
    page = context.new_page()
    story_id = story_of(web_library, "role-conflict")
    page.goto(f"{base_url}/stories/{story_id}")
    cite = page.locator("a.cite").first
    quote = cite.get_attribute("data-quote")
    cite.click()
    page.wait_for_url("**/articles/**")
    cited = page.locator(".text .cited")
    assert " ".join(cited.all_inner_texts()).split() == quote.split()
    # Search and the date filter are plain forms.
    page.goto(base_url + "/")
    page.fill("form.filters input[name=q]", "trawling")
    page.click("form.filters button")
    page.wait_for_url("**/?q=trawling*")
    assert page.locator("tr.story-row").count() == 1
    assert page.locator(".hits mark").count() >= 1
    context.close()


def test_hostile_reports_run_nothing_anywhere(browser, base_url, web_library, screenshot):
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    watch = Watch(page, base_url)
    story_id = story_of(web_library, "Evil & Co")
    article_ids = web_library.store.story_member_ids(story_id)
    urls = [
        "/",
        "/?q=script",
        "/?q=window",
        f"/stories/{story_id}",
        *[f"/articles/{a}" for a in article_ids],
        *[f"/articles/{a}?hl=0-40" for a in article_ids],
        "/docs",
        "/nothing-here-<script>window.__pwned=10</script>",
    ]
    for url in urls:
        page.goto(base_url + url)
        page.locator("body").hover()
        for link in page.locator(".text a.mark, a.cite, .outlet-list").all()[:4]:
            link.hover()
        for cite in page.locator("a.cite").all()[:3]:
            cite.click()
        assert page.evaluate("window.__pwned === undefined"), url
        assert page.locator("a[href^='javascript:' i]").count() == 0, url
        assert page.locator("script:not([src='/static/app.js'])").count() == 0, url
        assert page.locator("[onerror], [onload], [onmouseover]").count() == 0, url
    page.goto(f"{base_url}/articles/{article_ids[0]}")
    body = page.inner_text("body")
    assert HOSTILE_TEXT in body or "window.__pwned = 6" in body
    page.goto(f"{base_url}/stories/{story_id}")
    assert '<b onmouseover="window.__pwned = 5">Evil & Co</b>' in page.inner_text("body")
    screenshot(page, "web-hostile-story", full=True)
    watch.assert_clean()
    page.close()


# --- every page on a phone and on a laptop --------------------------------------------------

#: A phone (an iPhone's CSS width) and a laptop.
WIDTHS = (390, 1280)

# Words of the elements matched that the browser broke across lines ("SOURC" / "ES").
_BROKEN_WORDS = """(selector) => {
  const out = [];
  for (const el of document.querySelectorAll(selector)) {
    const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walk.nextNode(); node; node = walk.nextNode()) {
      for (const m of node.data.matchAll(/[^\\s\\-\\u2013\\u2014\\/]+/g)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const lines = new Set([...range.getClientRects()].filter(r => r.width > 0)
                                                          .map(r => Math.round(r.top)));
        if (lines.size > 1) out.push(m[0]);
      }
    }
  }
  return out;
}"""


def _pages(web_library) -> dict[str, str]:
    wide = story_of(web_library, "Tramway Enthusiasts")
    conflict = story_of(web_library, "number-conflict")
    article = web_library.store.story_member_ids(conflict)[0]
    return {
        "home": "/",
        "story-wide": f"/stories/{wide}",
        "story": f"/stories/{conflict}",
        "article": f"/articles/{article}?hl=0-40",
        "search": "/?q=tram+depot",
        "search-as-words": "/?q=NEAR%28",
        "docs": "/docs",
        "not-found": "/stories/no-such-story",
        "bad-request": "/?since=2025-05-01&until=2025-04-01",
    }


def _layout_problems(page, base: str, pages: dict[str, str], shot: str, words: str,
                     screenshot) -> list[str]:  # noqa: ANN001
    """Open each page, save it (``shot`` names the file: ``{}`` is the page's name), and
    say which scroll sideways or break the words of the ``words`` elements."""
    problems = []
    for name, url in pages.items():
        page.goto(base + url)
        screenshot(page, shot.format(name), full=True)
        scroll, inner = page.evaluate(
            "[document.documentElement.scrollWidth, window.innerWidth]")
        if scroll > inner:
            problems.append(f"{name}: {scroll} px wide in a {inner} px window")
        broken = page.evaluate(_BROKEN_WORDS, words)
        if broken:
            problems.append(f"{name}: words broken across lines: {broken}")
    return problems


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_fits_its_screen(browser, base_url, web_library, screenshot, width):
    """No page scrolls sideways, on a phone or a laptop; headers and titles break only
    between words. Each page is saved as test-artifacts/layout-NAME-WIDTH.png."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    watch = Watch(page, base_url)
    problems = _layout_problems(page, base_url, _pages(web_library), f"layout-{{}}-{width}",
                                "thead th, a.story-link, .chip, h1, h2", screenshot)
    assert problems == []
    watch.assert_clean()
    page.close()


def test_the_stories_are_cards_on_a_phone(browser, base_url, web_library, screenshot):
    """On a phone each story is a card: its title on the full width, its counts below
    it and on screen; on a laptop the stories are a table."""
    page = browser.new_page(viewport={"width": 390, "height": 900})
    page.goto(base_url + "/")
    rows = page.locator("tr.story-row")
    assert rows.count() >= 5
    for row in rows.all():
        assert row.evaluate("r => getComputedStyle(r).display") != "table-row"
        title = row.locator("td.story-col").bounding_box()
        assert title["width"] > 390 * 0.75, "a title squeezed into a narrow column"
        conflicts = row.locator("td.conflicts-col").bounding_box()
        assert conflicts["x"] >= 0 and conflicts["x"] + conflicts["width"] <= 390
        assert "Conflicts" in row.locator("td.conflicts-col").inner_text()
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 900 * 4, f"the stories page is {height} px tall on a phone"
    screenshot(page, "layout-home-cards-390", full=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    assert rows.first.evaluate("r => getComputedStyle(r).display") == "table-row"
    page.close()


def test_the_first_reader_of_a_story_sees_it_being_compared(
    browser, engine, tmp_path, screenshot
):
    """Without JavaScript too: the page says "Comparing N reports…" at once and
    reloads itself until the comparison is there."""
    from webdata import fresh_story

    from newsweave.library import Library
    from newsweave.store import Store
    from newsweave.web import create_app

    store = Store(tmp_path / "fresh.db")
    try:
        library = Library(store, engine)
        [story_id] = library.ingest(fresh_story("Tuesday")).new_stories
        with _serving(create_app(library, compare_wait=0)) as url:
            context = browser.new_context(
                java_script_enabled=False, viewport={"width": 390, "height": 900})
            page = context.new_page()
            page.goto(f"{url}/stories/{story_id}")
            notice = page.locator(".notice.comparing")
            assert "Comparing 2 reports" in notice.inner_text()
            # Who covered it needs no comparison: shown while the reader waits.
            assert page.locator("#coverage").count() == 1
            screenshot(page, "web-comparing-390")
            page.locator("table.matrix").wait_for(timeout=120_000)
            assert page.locator(".notice.comparing").count() == 0
            screenshot(page, "web-compared-390")
            context.close()
    finally:
        store.close()


# --- outlets: coverage bars and outlet pages -------------------------------------------------


@pytest.fixture(scope="module")
def outlet_url(outlet_library):
    """The app over the store with an outlet registry (``webdata.outlet_store``)."""
    from newsweave.web import create_app

    library, _ = outlet_library
    with _serving(create_app(library, compare_wait=600)) as url:
        yield url


@pytest.mark.parametrize("width", WIDTHS)
def test_coverage_and_outlet_pages_fit_their_screen(
    browser, outlet_url, outlet_library, screenshot, width
):
    """The story's coverage bars, the outlets and an outlet's page, on a phone and a
    laptop: nothing scrolls sideways, each bar spans its box and its legend wraps inside
    it. Saved as test-artifacts/outlets-NAME-WIDTH.png."""
    _, ids = outlet_library
    page = browser.new_page(viewport={"width": width, "height": 900})
    watch = Watch(page, outlet_url)
    pages = {
        "story": f"/stories/{ids['bridge']}",
        "story-unregistered": f"/stories/{ids['orchard']}",
        "outlets": "/outlets",
        "outlet": "/outlets/tarrowledger.com",
        "home-filtered": "/?outlet=tarrowledger.com",
    }
    problems = _layout_problems(page, outlet_url, pages, f"outlets-{{}}-{width}",
                                "thead th, .chip, h1, h2, figcaption, dt", screenshot)
    assert problems == []

    page.goto(f"{outlet_url}/stories/{ids['bridge']}#coverage")
    screenshot(page, f"outlets-coverage-{width}")
    section = page.locator("#coverage").bounding_box()
    bars = page.locator("#coverage svg.stacked")
    assert bars.count() == 3
    for bar in bars.all():
        box = bar.bounding_box()
        assert box["height"] > 8 and box["width"] > 150
        assert box["x"] >= section["x"] and box["x"] + box["width"] <= section["x"] + section[
            "width"] + 0.5
    for item in page.locator("#coverage ul.legend-list li").all():
        box = item.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width
    assert "rates right" in page.locator("#coverage p.only").first.inner_text()
    watch.assert_clean()
    page.close()
