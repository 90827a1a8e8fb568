"""RSS and Atom feeds: entries fetched and extracted, failures per entry, 304s."""

from __future__ import annotations

import dataclasses

import pytest
from test_fetch import FERRY_PAGE, LOCAL, QUICK, LocalSite, article_page

from newsweave.errors import IngestError
from newsweave.ingest import read_inputs
from newsweave.ingest.feed import looks_like_feed, read_feed
from newsweave.ingest.fetch import Fetcher, FetchResult

# No date, no site name, no author on the page: the feed supplies them.
SLUICE_PAGE = article_page(
    "Sluice gates to be replaced at Fenby Lock",
    [
        "FENBY - The two wooden sluice gates at Fenby Lock will be replaced in March, the "
        "canal trust said, closing the lock to boats for three weeks.",
        "The gates were last renewed in 1988. Trust engineer Pia Lundqvist said the new oak "
        "gates would be lifted into place by a crane barge.",
    ],
)

ORCHARD_CONTENT = (
    "<p>ASHCOMBE - Volunteers planted 300 apple trees on the old rectory field on Sunday, "
    "restoring an orchard that was cleared in the 1960s, the parish council said.</p>"
    "<p>The varieties include several local ones, such as the Ashcombe Russet, that had "
    "survived in only two gardens in the village.</p>"
)


def rss_feed(base: str) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>Lantern Valley Post</title>
  <link>{base}/</link>
  <description>Local news</description>
  <item>
    <title>Night ferry back in service</title>
    <link>{base}/news/ferry?utm_source=rss</link>
    <pubDate>Thu, 07 Nov 2024 18:30:00 +0000</pubDate>
  </item>
  <item>
    <title>Fenby Lock gates to be replaced</title>
    <link>/news/sluice</link>
    <pubDate>Sat, 09 Nov 2024 00:30:00 +1300</pubDate>
    <dc:creator>Tomas Reyne</dc:creator>
  </item>
  <item>
    <title>Withdrawn story</title>
    <link>{base}/news/withdrawn</link>
  </item>
  <item>
    <title>Orchard replanted</title>
    <link>{base}/news/orchard</link>
    <pubDate>Sun, 10 Nov 2024 12:00:00 GMT</pubDate>
    <content:encoded><![CDATA[{ORCHARD_CONTENT}]]></content:encoded>
  </item>
  <item>
    <title>Night ferry back in service (again listed)</title>
    <link>{base}/news/ferry</link>
  </item>
</channel>
</rss>
""".encode()


def atom_feed(base: str) -> bytes:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Fenby Canal Trust Updates</title>
  <id>urn:uuid:5f1c0f5e-fenby</id>
  <updated>2024-11-10T09:00:00Z</updated>
  <entry>
    <title>Lock closure dates</title>
    <id>urn:uuid:5f1c0f5e-1</id>
    <link rel="alternate" href="{base}/news/sluice"/>
    <updated>2024-11-08T23:45:00-05:00</updated>
    <author><name>Canal desk</name></author>
  </entry>
  <entry>
    <title>Orchard volunteers thanked</title>
    <id>urn:uuid:5f1c0f5e-2</id>
    <updated>2024-11-10T08:00:00Z</updated>
    <content type="html">{ORCHARD_CONTENT.replace("<", "&lt;").replace(">", "&gt;")}</content>
  </entry>
  <entry>
    <title>Only a teaser</title>
    <id>urn:uuid:5f1c0f5e-3</id>
    <summary>Short teaser text.</summary>
  </entry>
</feed>
""".encode()


@pytest.fixture
def site():
    with LocalSite() as local:
        local.add("/news/ferry", FERRY_PAGE)
        local.add("/news/sluice", SLUICE_PAGE)
        local.add("/news/orchard", b"", status=500)
        yield local


@pytest.fixture
def fetcher():
    with Fetcher(LOCAL, backoff=QUICK) as f:
        yield f


def test_rss_entries_are_fetched_and_extracted(site, fetcher):
    site.add("/rss.xml", rss_feed(site.url("")), content_type="application/rss+xml")
    result = read_feed(site.url("/rss.xml"), fetcher, LOCAL)
    assert result.feed_title == "Lantern Valley Post"
    assert result.not_modified is False
    ferry, sluice, orchard = result.articles
    # The page's own metadata wins; the URL is the page's, normalised.
    assert ferry.title == "Night ferry resumes after storm repairs"
    assert ferry.published == "2024-11-07"
    assert ferry.url == site.url("/news/ferry")
    # Relative link resolved; title, date and author from the entry.
    assert sluice.url == site.url("/news/sluice")
    assert sluice.text.startswith("Sluice gates to be replaced at Fenby Lock\nFENBY - ")
    assert sluice.published == "2024-11-09"  # the feed's own day, not UTC's
    assert sluice.author == "Tomas Reyne"
    assert {a.outlet for a in result.articles} == {"Lantern Valley Post"}
    # The page fails (HTTP 500), the feed carries the full text: it is used.
    assert orchard.text.startswith("ASHCOMBE - Volunteers planted 300 apple trees")
    assert orchard.title == "Orchard replanted"
    assert orchard.published == "2024-11-10"
    assert orchard.url == site.url("/news/orchard")
    # The one entry whose page fails and that carries no text is reported.
    (failure,) = result.failures
    assert failure.source == site.url("/news/withdrawn")
    assert failure.reason == "HTTP 404 Not Found; check the URL"
    # The repeated link was fetched once.
    assert site.hits("/news/ferry") == 1


def test_atom_feed(site, fetcher):
    site.add("/atom", atom_feed(site.url("")), content_type="application/atom+xml")
    result = read_feed(site.url("/atom"), fetcher)
    sluice, orchard = result.articles
    assert result.feed_title == "Fenby Canal Trust Updates"
    assert sluice.outlet == "Fenby Canal Trust Updates"
    assert sluice.published == "2024-11-08"
    assert sluice.author == "Canal desk"
    # No link at all: the entry's content is the article.
    assert orchard.url is None
    assert orchard.text.startswith("ASHCOMBE - Volunteers planted")
    assert orchard.title == "Orchard volunteers thanked"
    (failure,) = result.failures
    assert failure.source == f"{site.url('/atom')} (entry 3: Only a teaser)"
    assert "no link and no full content" in failure.reason


def test_feed_validators_and_not_modified(site, fetcher):
    feed = rss_feed(site.url(""))

    @site.route("/rss.xml")
    def conditional(request):
        if request.headers.get("If-None-Match") == '"feed-3"':
            request.send_response(304)
            request.end_headers()
            return
        request.send_response(200)
        request.send_header("Content-Type", "application/rss+xml")
        request.send_header("ETag", '"feed-3"')
        request.send_header("Last-Modified", "Sun, 10 Nov 2024 12:00:00 GMT")
        request.end_headers()
        request.wfile.write(feed)

    first = read_feed(site.url("/rss.xml"), fetcher)
    assert first.etag == '"feed-3"'
    assert first.last_modified == "Sun, 10 Nov 2024 12:00:00 GMT"
    pages_fetched = len(site.requests)

    again = read_feed(site.url("/rss.xml"), fetcher, etag=first.etag)
    assert again.not_modified is True
    assert again.articles == [] and again.failures == []
    assert again.etag == '"feed-3"'
    assert len(site.requests) == pages_fetched + 1  # the feed only, no pages


def test_entry_link_disallowed_by_robots_is_a_failure(site, fetcher):
    site.add("/private/story", SLUICE_PAGE)
    feed = rss_feed(site.url("")).replace(b"/news/sluice", b"/private/story")
    site.add("/rss.xml", feed, content_type="application/rss+xml")
    result = read_feed(site.url("/rss.xml"), fetcher)
    sources = [f.source for f in result.failures]
    assert site.url("/private/story") in sources
    assert len(result.articles) == 2
    assert site.hits("/private/story") == 0


def test_not_a_feed(site, fetcher):
    site.add("/broken.xml", b"<rss><channel><title>Half", content_type="application/rss+xml")
    with pytest.raises(IngestError, match="is not an RSS or Atom feed"):
        read_feed(site.url("/broken.xml"), fetcher)


def test_feed_without_entries(site, fetcher):
    empty = b'<?xml version="1.0"?><rss version="2.0"><channel><title>Quiet</title></channel></rss>'
    site.add("/quiet.xml", empty, content_type="application/rss+xml")
    result = read_feed(site.url("/quiet.xml"), fetcher)
    assert result.articles == []
    assert result.feed_title == "Quiet"
    (failure,) = result.failures
    assert failure.reason.startswith("the feed has no entries")


def test_feed_fetch_failure_raises(site, fetcher):
    with pytest.raises(IngestError, match="HTTP 404"):
        read_feed(site.url("/no-feed"), fetcher)


# --- recognising feeds -----------------------------------------------------------


def _response(content: bytes, content_type: str | None) -> FetchResult:
    return FetchResult(
        url="http://h.example/x",
        final_url="http://h.example/x",
        status=200,
        content=content,
        content_type=content_type,
        encoding=None,
        etag=None,
        last_modified=None,
    )


@pytest.mark.parametrize(
    ("content", "content_type", "expected"),
    [
        (b"<rss version='2.0'><channel/></rss>", "application/rss+xml", True),
        (b"anything", "application/atom+xml", True),
        (b'<?xml version="1.0"?>\n<rss version="2.0">', "text/xml", True),
        (b'\xef\xbb\xbf<?xml version="1.0"?><feed xmlns="x">', "application/octet-stream", True),
        (
            b'<?xml version="1.0"?><?xml-stylesheet href="s.xsl"?><!-- hi -->\n'
            b'<rdf:RDF xmlns:rdf="x">',
            "application/xml",
            True,
        ),
        (b"<feed>", None, True),
        (b"<!DOCTYPE html><html><body><p>Our <rss> feed</p>", "text/html", False),
        (b"<html><body>feed</body></html>", "text/html", False),
        (b"<?xml version='1.0'?><sitemap/>", "application/xml", False),
    ],
)
def test_looks_like_feed(content, content_type, expected):
    assert looks_like_feed(_response(content, content_type)) is expected


def test_read_inputs_reads_a_feed_url_as_a_feed(site):
    # Served as text/xml: recognised by its root element.
    site.add("/feed", rss_feed(site.url("")), content_type="text/xml")
    # read_inputs makes its own Fetcher, with the default backoff: no retries.
    articles, failures = read_inputs(
        [site.url("/feed")], dataclasses.replace(LOCAL, fetch_retries=0)
    )
    assert [a.title for a in articles] == [
        "Night ferry resumes after storm repairs",
        "Sluice gates to be replaced at Fenby Lock",
        "Orchard replanted",
    ]
    assert [f.source for f in failures] == [site.url("/news/withdrawn")]
    assert site.hits("/feed") == 1


def test_feed_served_with_a_dtd_is_refused_before_it_is_parsed(site, fetcher):
    # text/xml with a DOCTYPE whose entity names a local file (XXE).
    xxe = (
        b'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY s SYSTEM "file:///etc/hostname">]>\n'
        b'<rss version="2.0"><channel><title>T</title><item><title>&s;</title>'
        b"<description>&s;</description></item></channel></rss>"
    )
    site.add("/xxe.xml", xxe, content_type="text/xml")
    articles, failures = read_inputs(
        [site.url("/xxe.xml")], dataclasses.replace(LOCAL, fetch_retries=0)
    )
    assert articles == []
    (failure,) = failures
    assert failure.source == site.url("/xxe.xml")
    assert "declares a DTD or entities" in failure.reason
