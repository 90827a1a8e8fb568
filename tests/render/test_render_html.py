from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from newsweave.errors import ConfigError
from newsweave.model import AnalyzedArticle, Article, ClaimGroup, Comparison, Mention
from newsweave.render.html import segments, to_html


class Page(HTMLParser):
    """Collects tags, the page title and, per report, its text and which claims cover each char."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.title = ""
        self.texts: dict[str, str] = {}
        self.cover: dict[str, list[frozenset[str]]] = {}
        self.marks: list[tuple[str, list[str], str, str]] = []  # article, claims, primary, text
        self._article: str | None = None
        self._in_text = False
        self._in_title = False
        self._mark: list | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag == "title":
            self._in_title = True
        elif tag == "article" and a.get("data-article"):
            self._article = a["data-article"]
        elif tag == "div" and a.get("class") == "text" and self._article:
            self._in_text = True
            self.texts[self._article] = ""
            self.cover[self._article] = []
        elif tag == "mark" and self._in_text:
            assert self._mark is None, "marks never nest: overlaps are split into segments"
            self._mark = [a["data-claims"].split(), a["data-claim"], ""]

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag == "mark" and self._mark is not None:
            self.marks.append((self._article, *self._mark))
            self._mark = None
        elif tag == "div" and self._in_text:
            self._in_text = False
        elif tag == "article":
            self._article = None

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        if self._in_text:
            self.texts[self._article] += data
            claims = frozenset(self._mark[0]) if self._mark else frozenset()
            self.cover[self._article].extend([claims] * len(data))
            if self._mark:
                self._mark[2] += data


def expected_cover(comparison: Comparison, article_id: str) -> list[frozenset[str]]:
    text = comparison.article(article_id).text
    cover: list[set[str]] = [set() for _ in text]
    for g in comparison.claims:
        for m in g.mentions:
            if m.article == article_id:
                for i in range(max(m.start, 0), min(m.end, len(text))):
                    cover[i].add(g.id)
    return [frozenset(c) for c in cover]


def csp_of(page: Page) -> str:
    metas = [a for t, a in page.tags if t == "meta" and a.get("http-equiv")]
    assert len(metas) == 1 and metas[0]["http-equiv"] == "Content-Security-Policy"
    return metas[0]["content"] or ""


EXTERNAL = re.compile(r"https?://", re.IGNORECASE)


def test_self_contained_no_external_loads(story: Comparison) -> None:
    html = to_html(story)
    page = Page(html)
    ext_links = 0
    for tag, attrs in page.tags:
        assert tag not in {
            "link",
            "img",
            "iframe",
            "object",
            "embed",
            "base",
            "form",
            "source",
            "video",
            "audio",
            "frame",
            "svg",
        }
        assert "src" not in attrs, (tag, attrs)
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        href = attrs.get("href")
        if href is None:
            continue
        if href.startswith("#"):
            continue
        # The only non-fragment links: report URLs, as plain <a>, http(s) only.
        assert tag == "a" and attrs.get("class") == "ext", (tag, attrs)
        assert re.match(r"https?://", href, re.IGNORECASE)
        assert "noreferrer" in (attrs.get("rel") or "")
        ext_links += 1
    # Every http(s) URL in the page is one of those link targets: nothing else refers out.
    assert len(EXTERNAL.findall(html)) == ext_links == 2 * len(story.articles)
    assert "url(" not in html and "@import" not in html.lower()


def test_csp_allows_only_the_nonced_inline_script(story: Comparison) -> None:
    html = to_html(story)
    page = Page(html)
    csp = csp_of(page)
    assert "default-src 'none'" in csp and "img-src data:" in csp
    nonce = re.search(r"script-src 'nonce-([A-Za-z0-9+/_=-]+)'", csp).group(1)
    scripts = [a for t, a in page.tags if t == "script"]
    assert len(scripts) == 1 and scripts[0].get("nonce") == nonce
    assert html.lower().count("<script") == 1
    # The policy comes before anything it governs.
    assert html.index("Content-Security-Policy") < html.index("<style")
    # A fresh nonce per render; a fixed one gives identical output.
    assert csp_of(Page(to_html(story))) != csp
    assert to_html(story, nonce="abc123") == to_html(story, nonce="abc123")


def test_bad_nonce_is_refused(story: Comparison) -> None:
    with pytest.raises(ConfigError):
        to_html(story, nonce="x' 'unsafe-inline")


def test_hostile_report_is_escaped(hostile: Comparison) -> None:
    html = to_html(hostile)
    page = Page(html)
    assert "<script>alert" not in html
    assert "<img" not in html
    assert "</title><script>" not in html
    assert "<b onmouseover" not in html and "<i>NOWHERE" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert page.title == 'Fire "update" </title><script>alert(2)</script> · newsweave'
    assert html.lower().count("<script") == 1
    for tag, attrs in page.tags:
        assert tag not in {"img", "b", "i"} or not attrs, (tag, attrs)
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        for value in attrs.values():
            assert "javascript:" not in (value or "").lower(), (tag, attrs)
    # The unsafe URL is shown as text, the safe one is a link (trimmed, quotes encoded).
    assert '<code class="url">javascript:alert(1)</code>' in html
    hrefs = [a["href"] for t, a in page.tags if t == "a" and a.get("class") == "ext"]
    assert set(hrefs) == {"HTTPS://example.org/a?b=1&c=%222%22"}
    # Report text still reads back exactly, hostile or not.
    for analyzed in hostile.articles:
        art = analyzed.article
        assert page.texts[art.id] == art.text
        assert page.cover[art.id] == expected_cover(hostile, art.id)


def test_marks_slice_exactly_to_mentions(story: Comparison) -> None:
    page = Page(to_html(story))
    for analyzed in story.articles:
        art = analyzed.article
        assert page.texts[art.id] == art.text
        assert page.cover[art.id] == expected_cover(story, art.id)
    # Without overlaps (a2, a3), each mark is exactly one mention of its claim.
    for article_id in ("a2", "a3"):
        marks = sorted(
            (claims[0], text) for art, claims, _, text in page.marks if art == article_id
        )
        mentions = sorted(
            (g.id, m.text) for g in story.claims for m in g.mentions if m.article == article_id
        )
        assert marks == mentions
    for _, claims, primary, _ in page.marks:
        assert primary in claims


def test_nested_mention_in_story(story: Comparison) -> None:
    page = Page(to_html(story))
    inner = [
        (claims, primary, text)
        for art, claims, primary, text in page.marks
        if art == "a1" and len(claims) > 1
    ]
    assert inner == [(["c3", "c8"], "c8", "crews brought it under control")]


def test_crossing_nested_and_repeated_mentions() -> None:
    text = "Alpha beta gamma delta epsilon. Zeta eta."
    art = Article(text=text, id="x1", outlet="Overlap Times")

    def m(sub: str, nth: int = 0) -> Mention:
        start = text.index(sub)
        return Mention("x1", start, start + len(sub), sub)

    claims = [
        ClaimGroup("c1", "single_source", 1, "alpha", [m("Alpha beta gamma")]),
        ClaimGroup("c2", "single_source", 1, "crossing", [m("gamma delta")]),
        ClaimGroup("c3", "single_source", 1, "nested", [m("beta")]),
        ClaimGroup("c4", "single_source", 1, "same span", [m("Alpha beta gamma")]),
        # Two adjacent mentions of one claim.
        ClaimGroup("c5", "single_source", 1, "adjacent", [m("Zeta "), m("eta.")]),
    ]
    comparison = Comparison(articles=[AnalyzedArticle(art)], claims=claims, brief=[])
    page = Page(to_html(comparison))
    assert page.texts["x1"] == text
    assert page.cover["x1"] == expected_cover(comparison, "x1")
    by_text = {t: (claims, primary) for _, claims, primary, t in page.marks}
    assert by_text["beta"] == (["c1", "c4", "c3"], "c3")
    # Covered by three claims: a click selects the one with the shortest mention.
    assert by_text["gamma"] == (["c1", "c4", "c2"], "c2")
    assert by_text["Alpha "] == (["c1", "c4"], "c1")
    assert by_text[" delta"] == (["c2"], "c2")
    assert by_text["Zeta "] == (["c5"], "c5") and by_text["eta."] == (["c5"], "c5")


def test_claims_list_brief_and_links(story: Comparison) -> None:
    html = to_html(story)
    page = Page(html)
    ids = {a["id"] for _, a in page.tags if a.get("id")}
    for _, attrs in page.tags:
        href = attrs.get("href") or ""
        if href.startswith("#"):
            assert href[1:] in ids, f"dangling link {href}"
    items = {
        a["data-claim"]: a for t, a in page.tags if t == "li" and "claim" in (a.get("class") or "")
    }
    assert set(items) == {g.id for g in story.claims}
    assert items["c3"]["class"] == "claim s-conflicting"
    assert items["c1"]["class"] == "claim s-corroborated"
    assert items["c6"]["class"] == "claim s-single_source"
    assert html.index('id="claim-c3"') < html.index('id="claim-c1"') < html.index('id="claim-c6"')
    assert '<span class="ctype">number</span>: an hour vs 90 minutes' in html
    assert "2 independent sources" in html and "1 independent source<" in html
    # The header counts say one conflict, not "1 conflicts".
    assert '<span class="count-chip s-conflicts">1 conflict</span>' in html
    # Brief citations point at the cited span and carry the claim they support.
    cites = [a for t, a in page.tags if t == "a" and a.get("class") == "cite"]
    assert [(a["href"], a.get("data-claim")) for a in cites][:3] == [
        ("#at-a1-26", "c1"),
        ("#at-a2-32", "c1"),
        ("#at-a2-122", "c2"),
    ]
    for item in story.brief:
        assert item.text in html
    # Copies are flagged, originals are not.
    assert html.count('<span class="muted">(copy)</span>') == sum(
        "a3" in g.articles for g in story.claims
    )
    # The other side of the conflict is marked.
    assert "✗ Metro Wire" in html and "✗ Coastal Daily" in html and "✓ Harbor Gazette" in html


def test_empty_comparison(empty: Comparison) -> None:
    html = to_html(empty)
    page = Page(html)
    assert "No claims." in html and "No brief." in html
    assert page.texts["e1"] == "Nothing much happened today."
    assert not page.marks
    bare = to_html(Comparison(articles=[], claims=[], brief=[]))
    assert "No reports." in bare


def test_segments_concatenate_and_clip_bad_spans() -> None:
    text = "abcdef"
    segs = segments(
        text,
        [(-5, 2, "c1"), (4, 99, "c2"), (3, 3, "c3"), (5, 1, "c4")],
        anchors={2: ["x"], 99: ["y"]},
        status={"c1": "corroborated"},
    )
    assert "".join(s.text for s in segs) == text
    assert [(s.text, s.claims) for s in segs] == [("ab", ["c1"]), ("cd", []), ("ef", ["c2"])]
    assert segs[0].status == "corroborated" and segs[1].anchors == ["x"]
    assert segments("", [], anchors={0: ["z"]})[0].anchors == ["z"]
