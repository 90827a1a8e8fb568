"""Pages read from their URL, URL normalisation, and URLs given to read_inputs."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_fetch import FERRY_PAGE, LOCAL, QUICK, LocalSite, article_page

from newsweave.cli import cli, main
from newsweave.errors import ExtractionError, IngestError
from newsweave.ingest import read_inputs
from newsweave.ingest.fetch import Fetcher
from newsweave.ingest.url import article_from_url, normalise_url, split_content_type

STORIES = Path(__file__).resolve().parents[1] / "fixtures" / "stories"

LIBRARY_PAGE = article_page(
    "Merrivale keeps its library open",
    [
        "MERRIVALE - The town council voted on Monday to keep the old library on Quay Street "
        "open for two more years, after more than 900 residents signed a petition.",
        "The vote was seven to two. Councillor Bryn Ashdown, who voted against, said the "
        "building needed a new roof that the town could not yet pay for.",
        "The library's café, run by volunteers, will stay open on Saturdays.",
    ],
)


@pytest.fixture
def site():
    with LocalSite() as local:
        yield local


@pytest.fixture
def fetcher():
    with Fetcher(LOCAL, backoff=QUICK) as f:
        yield f


# --- normalise_url --------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTPS://News.Example.ORG/World/Story", "https://news.example.org/World/Story"),
        ("https://example.org/a#comments", "https://example.org/a"),
        ("https://example.org", "https://example.org/"),
        ("http://example.org:80/a", "http://example.org/a"),
        ("https://example.org:443/a", "https://example.org/a"),
        ("https://example.org:8443/a", "https://example.org:8443/a"),
        (
            "https://example.org/a?utm_source=rss&id=42&UTM_Medium=feed&fbclid=x1&gclid=y2",
            "https://example.org/a?id=42",
        ),
        ("https://example.org/a?utm_campaign=spring", "https://example.org/a"),
        ("https://example.org/a?b=2&a=1&b=3", "https://example.org/a?b=2&a=1&b=3"),
        ("https://example.org/a%20b?q=x%20y", "https://example.org/a%20b?q=x%20y"),
        ("https://[2001:DB8::1]:443/a", "https://[2001:db8::1]/a"),
        ("  https://example.org/a  ", "https://example.org/a"),
    ],
)
def test_normalise_url(url, expected):
    assert normalise_url(url) == expected
    assert normalise_url(expected) == expected  # idempotent


def test_split_content_type():
    assert split_content_type('text/HTML; Charset="ISO-8859-1"') == ("text/html", "iso-8859-1")
    assert split_content_type("application/rss+xml") == ("application/rss+xml", None)
    assert split_content_type("") == (None, None)


# --- article_from_url -------------------------------------------------------------


def test_article_from_url_extracts_the_page(site, fetcher):
    site.add("/news/ferry", FERRY_PAGE)
    article = article_from_url(site.url("/news/ferry"), fetcher, LOCAL)
    assert article.text.startswith("Night ferry resumes after storm repairs\nBRANWICK - ")
    assert "Copyright" not in article.text and "Weather" not in article.text
    assert article.title == "Night ferry resumes after storm repairs"
    assert article.outlet == "Lantern Valley Post"
    assert article.published == "2024-11-07"
    assert article.dateline == "BRANWICK"
    assert article.url == site.url("/news/ferry")


def test_url_is_the_final_one_normalised(site, fetcher):
    site.add(
        "/s/42",
        b"",
        status=301,
        headers={"Location": "/news/library?utm_source=rss&ref=7&fbclid=abc#top"},
    )
    site.add("/news/library", LIBRARY_PAGE)
    article = article_from_url(site.url("/s/42"), fetcher, LOCAL)
    assert article.url == site.url("/news/library?ref=7")
    # No site name on the page, and an IP address is no outlet: "Unknown outlet".
    assert article.outlet is None


def test_declared_charset_is_used(site, fetcher):
    page = LIBRARY_PAGE.decode().replace("<meta charset='utf-8'>", "").encode("cp1252")
    site.add("/latin", page, content_type="text/html; charset=windows-1252")
    article = article_from_url(site.url("/latin"), fetcher)
    assert "The library's café, run by volunteers" in article.text


def test_undeclared_charset_is_detected(site, fetcher):
    page = (
        LIBRARY_PAGE.decode()
        .replace("<meta charset='utf-8'>", "<meta charset='iso-8859-1'>")
        .encode("latin-1")
    )
    site.add("/legacy", page, content_type="text/html")
    assert "café" in article_from_url(site.url("/legacy"), fetcher).text


def test_utf8_page_wrongly_declared_latin1_stays_utf8(site, fetcher):
    site.add("/mislabelled", LIBRARY_PAGE, content_type="text/html; charset=ISO-8859-1")
    assert "café" in article_from_url(site.url("/mislabelled"), fetcher).text


def test_plain_text_page(site, fetcher):
    text = b"Library stays open\n\nMERRIVALE - The council voted to keep the library open."
    site.add("/note.txt", text, content_type="text/plain; charset=utf-8")
    article = article_from_url(site.url("/note.txt"), fetcher)
    assert article.title == "Library stays open"
    assert article.dateline == "MERRIVALE"


def test_image_is_not_a_page(site, fetcher):
    site.add("/photo.png", b"\x89PNG\r\n\x1a\n" + bytes(64), content_type="image/png")
    with pytest.raises(IngestError) as info:
        article_from_url(site.url("/photo.png"), fetcher)
    assert info.value.reason == "is image/png, not a web page; give the address of an article page"


def test_page_without_article_text(site, fetcher):
    site.add("/index", b"<html><head><title>Index</title></head><body></body></html>")
    with pytest.raises(ExtractionError) as info:
        article_from_url(site.url("/index"), fetcher)
    assert info.value.source == site.url("/index")


# --- read_inputs with URLs ----------------------------------------------------------


def test_read_inputs_fetches_urls_beside_files(site, tmp_path):
    site.add("/news/ferry", FERRY_PAGE)
    note = tmp_path / "note.txt"
    note.write_text("OSLO - Snow fell on Tuesday.", encoding="utf-8")
    articles, failures = read_inputs(
        [site.url("/news/ferry"), note, site.url("/missing")], LOCAL, meta={"outlet": "Given"}
    )
    assert [a.url for a in articles] == [site.url("/news/ferry"), None]
    assert [a.outlet for a in articles] == ["Given", "Given"]
    (failure,) = failures
    assert failure.source == site.url("/missing")
    assert failure.reason == "HTTP 404 Not Found; check the URL"
    assert site.hits("/news/ferry") == 1


def test_read_inputs_reports_a_refused_url(site):
    articles, failures = read_inputs(
        [site.url("/a")], dataclasses.replace(LOCAL, allow_private_hosts=False)
    )
    assert articles == []
    assert "pass --allow-private" in failures[0].reason
    assert site.requests == []


def test_a_port_out_of_range_fails_alone_and_the_batch_goes_on(tmp_path):
    note = tmp_path / "note.txt"
    note.write_text("OSLO - Snow fell on Tuesday.", encoding="utf-8")
    articles, failures = read_inputs(["http://127.0.0.1:99999/", note], LOCAL)
    assert [a.text for a in articles] == ["OSLO - Snow fell on Tuesday."]
    (failure,) = failures
    assert failure.source == "http://127.0.0.1:99999/"
    assert failure.reason == (
        "refused: http://127.0.0.1:99999/ is not a valid URL (Port out of range 0-65535); "
        "check it"
    )


def test_the_cli_names_a_bad_port_in_one_line_and_exits_1(engine, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")  # rich folds lines at the terminal's width
    good = STORIES / "paraphrase" / "01-valley-post.txt"
    with pytest.raises(SystemExit) as info:
        main(["compare", "http://127.0.0.1:99999/", str(good), "--format", "json"])
    assert info.value.code == 1
    captured = capsys.readouterr()
    assert json.loads(captured.out)["articles"]  # the good file was compared
    errors = [line for line in captured.err.splitlines() if line.strip()]
    assert errors == [
        "error: http://127.0.0.1:99999/: refused: http://127.0.0.1:99999/ is not a valid URL "
        "(Port out of range 0-65535); check it"
    ]


def test_allow_private_does_not_open_the_metadata_address(tmp_path):
    # Refused before connecting: no network is needed, and no model loads.
    result = CliRunner(env={"COLUMNS": "400"}).invoke(
        cli,
        ["--db", str(tmp_path / "x.db"), "ingest", "--quiet", "--allow-private",
         "http://169.254.169.254/latest/meta-data/"],
    )
    assert result.exit_code == 1
    assert "169.254.169.254 is a link-local address" in result.output
    assert "pass --allow-link-local (option allow_link_local_hosts)" in result.output
