"""Outlets in the web app: who covered a story (by owner, country and lean), claims told
only by one owner's or one lean's outlets, the outlet filter, the outlet pages and their
API, against a real store with an outlet registry (``webdata.outlet_store``)."""

from __future__ import annotations

import re
from html import unescape

import pytest
from fastapi.testclient import TestClient
from test_web_api import Elements, assert_error
from webdata import one_story_each

from newsweave.errors import NotFound
from newsweave.library import Library
from newsweave.model import Article
from newsweave.store import Store
from newsweave.web import create_app
from newsweave.web.app import PAGE_SIZE

HERALD, STAR, LEDGER, VELM = ("kelmoorherald.co.uk", "kelmoorstar.co.uk", "tarrowledger.com",
                              "velmpost.com")
MISSING = "no-such-outlet.co.uk"


@pytest.fixture(scope="module")
def outlets(outlet_library):
    """A client of the app over the outlet store (pages wait for their comparison), and
    the story ids by name."""
    library, ids = outlet_library
    with TestClient(create_app(library, compare_wait=600)) as c:
        yield c, ids


def _text(html: str) -> str:
    """A page's words, tags dropped, entities read, spaces collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _section(html: str, section: str) -> str:
    start = html.index(f'<section id="{section}"')
    return html[start:html.index("</section>", start)]


def test_a_story_counts_one_owner_once_and_says_who_covered_it(outlets):
    client, ids = outlets
    story = client.get(f"/api/stories/{ids['bridge']}").json()
    # Four outlets, two of one owner: three independent sources.
    assert story["reports"] == 4 and len(story["outlets"]) == 4
    assert story["independent_sources"] == 3
    assert story["coverage"] == {
        "outlets": 4,
        "owners": [{"value": "Brannock Media", "outlets": 2, "reports": 2},
                   {"value": "Tarrow Press Trust", "outlets": 1, "reports": 1},
                   {"value": None, "outlets": 1, "reports": 1}],
        "countries": [{"value": "GB", "outlets": 2, "reports": 2},
                      {"value": "US", "outlets": 1, "reports": 1},
                      {"value": None, "outlets": 1, "reports": 1}],
        "leans": [{"value": "right", "outlets": 3, "reports": 3},
                  {"value": None, "outlets": 1, "reports": 1}],
        "only_lean": "right",
        "only_country": None,
    }
    ferry = client.get(f"/api/stories/{ids['ferry']}").json()["coverage"]
    assert ferry["only_country"] == "US" and ferry["only_lean"] is None
    assert [s["value"] for s in ferry["leans"]] == ["left", "right"]
    orchard = client.get(f"/api/stories/{ids['orchard']}").json()["coverage"]
    assert orchard["only_lean"] is None and orchard["only_country"] is None
    for key in ("owners", "countries", "leans"):
        assert orchard[key] == [{"value": None, "outlets": 2, "reports": 2}]


def test_the_story_page_shows_coverage_bars_and_covered_only_by(outlets):
    client, ids = outlets
    html = client.get(f"/stories/{ids['bridge']}").text
    assert '<a href="#coverage">Coverage</a>' in html
    coverage = _section(html, "coverage")
    words = _text(coverage)
    assert ("Covered only by outlets the registry rates right; 1 outlet has no known lean."
            in words)
    assert "Covered only by outlets the registry places" not in words
    found = Elements(coverage).found
    bars = [a for tag, a in found if tag == "svg"]
    assert len(bars) == 3 and all(a["role"] == "img" and a["aria-label"] for a in bars)
    assert [tag for tag, _ in found].count("figcaption") == 3
    assert "Owners of the story's 4 outlets: Brannock Media: 2 outlets, 2 reports;" in unescape(
        bars[0]["aria-label"])
    rects = [a for tag, a in found if tag == "rect"]
    assert [r["class"] for r in rects[:3]] == ["seg-0", "seg-1", "seg-unknown"]
    assert sum(float(r["width"]) for r in rects[:3]) == pytest.approx(600)
    assert "Brannock Media 2 outlets, 2 reports" in words and "Unknown lean 1 outlet" in words

    ferry = _text(_section(client.get(f"/stories/{ids['ferry']}").text, "coverage"))
    assert "Covered only by outlets the registry places in US." in ferry
    assert "rates" not in ferry

    orchard = _section(client.get(f"/stories/{ids['orchard']}").text, "coverage")
    assert "<svg" not in orchard
    assert "newsweave outlets add FILE" in orchard


def test_a_claim_told_only_by_one_owners_outlets_is_marked(outlets):
    client, ids = outlets
    matrix = _section(client.get(f"/stories/{ids['bridge']}").text, "matrix")
    rows = {_text(row): row for row in re.findall(r'<tr id="claim-.*?</tr>', matrix, re.S)}
    bill = next(words for words in rows if "2.4 million pounds" in words)
    assert "only outlets of Brannock Media" in bill
    assert "only right outlets" in bill
    # A claim of one outlet alone is "single source" already: no mark.
    alone = next(words for words in rows if "30,000 vehicles" in words)
    assert "only" not in alone.replace("Single source", "")
    # Every outlet reports the closure: the radio station's lean is unknown, no mark.
    assert any("only" not in words for words in rows if "cracks" in words.lower())
    # The brief says it too, where a lead or a corroboration rests on such outlets.
    brief = _section(client.get(f"/stories/{ids['bridge']}").text, "brief")
    items = [_text(p) for p in re.findall(r'<p class="item.*?</p>', brief, re.S)]
    lead = next(words for words in items if "2.4 million pounds" in words)
    assert "only outlets of Brannock Media" in lead
    alone = next(words for words in items if "30,000 vehicles" in words)
    assert "only" not in alone


def test_the_reports_list_links_each_outlet_to_its_page(outlets):
    client, ids = outlets
    reports = _section(client.get(f"/stories/{ids['bridge']}").text, "reports")
    links = [a["href"] for tag, a in Elements(reports).found if tag == "a"]
    for outlet in (HERALD, STAR, LEDGER, "orrin-community-radio"):
        assert f"/outlets/{outlet}" in links
    assert sum(href.startswith("/articles/") for href in links) == 4


def test_the_stories_can_be_filtered_by_outlet(outlets):
    client, ids = outlets
    html = client.get("/", params={"outlet": HERALD}).text
    listed = re.findall(r'class="story-link" href="/stories/([^"]+)"', html)
    assert listed == [ids["bridge"]]
    assert f'<option value="{HERALD}" selected>Kelmoor Herald (1 report)</option>' in html
    everything = client.get("/").text
    assert '<option value="orrin-community-radio">Orrin Community Radio (2 reports)' in (
        everything)
    data = client.get("/api/stories", params={"outlet": LEDGER}).json()
    assert sorted(s["id"] for s in data["stories"]) == sorted([ids["bridge"], ids["ferry"]])
    assert data["total"] == 2
    # The store's per-story outlets are the registry's names.
    bridge = next(s for s in data["stories"] if s["id"] == ids["bridge"])
    assert bridge["outlets"] == ["Kelmoor Evening Star", "Kelmoor Herald",
                                 "Orrin Community Radio", "Tarrow Daily Ledger"]


def test_an_unknown_outlet_is_404_on_pages_and_in_the_api(outlets):
    client, _ = outlets
    for url in (f"/?outlet={MISSING}", f"/outlets/{MISSING}"):
        got = client.get(url)
        assert got.status_code == 404 and got.headers["content-type"].startswith("text/html")
        assert f"there is no outlet &#39;{MISSING}&#39; here" in got.text
    assert_error(client.get("/api/stories", params={"outlet": MISSING}), 404, NotFound.code)
    assert_error(client.get(f"/api/outlets/{MISSING}"), 404, NotFound.code)


def test_the_outlet_pages_list_outlets_and_their_stories(outlets):
    client, ids = outlets
    listing = client.get("/outlets").text
    assert '<a href="/outlets">Outlets</a>' in listing  # the site's navigation
    rows = re.findall(r'<tr class="outlet-row">.*?</tr>', listing, re.S)
    assert len(rows) == 6
    herald = _text(next(r for r in rows if HERALD in r))
    assert "Owner: Brannock Media" in herald and "Country: GB" in herald
    assert "Lean: right" in herald
    page = client.get(f"/outlets/{LEDGER}").text
    facts = _text(page[page.index('<dl class="facts">'):page.index("</dl>")])
    assert facts == ("Owner Tarrow Press Trust Country US Lean right Reports 2 Stories 2 "
                     "Also written The Tarrow Ledger")
    listed = re.findall(r'class="story-link" href="/stories/([^"]+)"', page)
    assert sorted(listed) == sorted([ids["bridge"], ids["ferry"]])
    unregistered = client.get("/outlets/pellam-free-press").text
    assert "newsweave outlets add FILE" in unregistered
    assert re.findall(r'class="story-link" href="/stories/([^"]+)"', unregistered) == [
        ids["orchard"]]


def test_the_outlets_api(outlets):
    client, _ = outlets
    data = client.get("/api/outlets").json()
    assert data["unknown_reports"] == 0
    by_id = {o["id"]: o for o in data["outlets"]}
    assert set(by_id) == {HERALD, STAR, LEDGER, VELM, "orrin-community-radio",
                          "pellam-free-press"}
    assert by_id[LEDGER] == {"id": LEDGER, "name": "Tarrow Daily Ledger",
                             "owner": "Tarrow Press Trust", "country": "US", "lean": "right",
                             "aliases": ["The Tarrow Ledger"], "registered": True,
                             "reports": 2, "stories": 2}
    assert client.get(f"/api/outlets/{LEDGER}").json() == by_id[LEDGER]
    assert by_id["pellam-free-press"]["registered"] is False


def test_the_outlet_api_is_documented(outlets):
    client, _ = outlets
    spec = client.get("/openapi.json").json()
    assert {"/api/outlets", "/api/outlets/{outlet_id}"} <= set(spec["paths"])
    params = {p["name"]: p for p in spec["paths"]["/api/stories"]["get"]["parameters"]}
    assert params["outlet"]["description"]
    schemas = spec["components"]["schemas"]
    for name in ("OutletOut", "OutletsOut", "CoverageOut", "CoverageSlice", "StoryDetailOut"):
        for field, sub in schemas[name]["properties"].items():
            assert sub.get("description"), f"{name}.{field} has no description"
    html = client.get("/docs").text.replace("<wbr>", "")
    assert "/api/outlets/{outlet_id}" in html


def test_pages_of_one_outlet_keep_the_filter(engine, tmp_path):
    """``?outlet=`` stays on the pager's links of the home page, and an outlet's page
    has its own pager."""
    store = Store(tmp_path / "pages.db")
    try:
        articles = [Article(text=f"Report {n} on the harbour.", published="2025-01-01",
                            outlet="Kelmoor Herald" if n else "Velm Post")
                    for n in range(PAGE_SIZE + 2)]
        one_story_each(store, articles)
        with TestClient(create_app(Library(store, engine), compute=False)) as c:
            first = c.get("/", params={"outlet": "kelmoor-herald"}).text
            assert "page 1 of 2" in first
            assert 'href="/?outlet=kelmoor-herald&amp;page=2"' in first
            second = c.get("/?outlet=kelmoor-herald&page=2").text
            assert 'href="/?outlet=kelmoor-herald"' in second
            assert len(re.findall('class="story-row"', second)) == 1
            got = c.get("/?outlet=kelmoor-herald&page=9", follow_redirects=False)
            assert got.headers["location"] == "/?outlet=kelmoor-herald&page=2"
            outlet = c.get("/outlets/kelmoor-herald").text
            assert 'href="/outlets/kelmoor-herald?page=2"' in outlet
            assert "page 1 of 2" in outlet
            assert len(re.findall('class="story-row"', outlet)) == PAGE_SIZE
    finally:
        store.close()
