"""Saved HTML pages: main text without boilerplate, and page metadata."""

from __future__ import annotations

import shutil
from pathlib import Path

from newsweave.ingest import read_inputs
from newsweave.ingest.html import looks_like_html

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ingest"
PAGE = FIXTURES / "harbour.html"


def test_html_page_main_text_only():
    (article,), failures = read_inputs([PAGE])
    assert failures == []
    assert "Harbour Bridge reopened to traffic" in article.text
    assert "thirty years" in article.text
    for boilerplate in (
        "Subscribe today",
        "Glimmerwash",
        "Holiday cottages",
        "Privacy policy",
        "All rights reserved",
        "Most read",
        "Ferry timetable",
    ):
        assert boilerplate not in article.text


def test_html_page_metadata():
    (article,), _ = read_inputs([str(PAGE)])
    assert article.path == str(PAGE)
    assert article.title == "Harbour bridge reopens after repairs"
    assert article.outlet == "The Coastal Ledger"
    assert article.published == "2024-05-14"
    assert article.author == "Mara Quill"
    assert article.url == "https://ledger.example.org/news/harbour-bridge-reopens"


def test_html_dateline_is_parsed_from_extracted_text():
    (article,), _ = read_inputs([PAGE])
    assert article.dateline == "PORT ELLIS"
    assert article.text[article.body_start :].startswith("The Harbour Bridge reopened")


def test_html_page_without_a_date_stays_undated(tmp_path):
    # A year named in the body is no publication date. Guessed from the text
    # ("1995" read as 1995-01-01), it put five outlets' pages of one event
    # years apart, and the 14-day story window split them.
    page = tmp_path / "wolves.html"
    page.write_text(
        "<!doctype html><html><head><title>Wolves lose federal protection</title></head>"
        "<body><article><h1>Wolves lose federal protection</h1>"
        "<p>The Interior Department removed gray wolves in the northern Rockies from the "
        "endangered species list on Thursday, officials said.</p>"
        "<p>The animals were listed in 1974 and reintroduced to Yellowstone in 1995. A court "
        "restored their protection in 2008 after an earlier attempt.</p>"
        "<p>Ranchers welcomed the decision, while conservation groups said they would sue.</p>"
        "</article></body></html>"
    )
    (article,), failures = read_inputs([page])
    assert failures == []
    assert article.published is None


def test_html_is_sniffed_whatever_the_extension(tmp_path):
    copy = tmp_path / "saved_page.txt"
    shutil.copy(PAGE, copy)
    (article,), failures = read_inputs([copy])
    assert failures == []
    assert article.outlet == "The Coastal Ledger"
    assert "<p>" not in article.text


def test_html_sidecar_and_meta_override_page_metadata(tmp_path):
    shutil.copy(PAGE, tmp_path / "page.html")
    (tmp_path / "page.json").write_text('{"outlet": "Ledger (print)", "author": "Desk"}')
    (article,), failures = read_inputs([tmp_path / "page.html"], meta={"title": "Given title"})
    assert failures == []
    assert article.outlet == "Ledger (print)"
    assert article.author == "Desk"
    assert article.title == "Given title"
    assert article.published == "2024-05-14"


def test_html_without_main_text_is_a_failure(tmp_path):
    page = tmp_path / "empty.html"
    page.write_text("<!doctype html><html><head><title>Index</title></head><body></body></html>")
    good = tmp_path / "good.txt"
    good.write_text("OSLO - Snow fell on the city.")
    articles, failures = read_inputs([page, good])
    assert [a.path for a in articles] == [str(good)]
    (failure,) = failures
    assert failure.source == str(page)
    assert "no article text could be extracted" in failure.reason


def test_html_in_legacy_encoding_uses_declared_charset(tmp_path):
    body = "<p>" + "Le café près de la rivière a fermé ses portes mercredi, a dit le maire. " * 4
    html = (
        '<html><head><meta charset="windows-1252"><title>Café</title></head><body>'
        f"<article>{body}</p></article></body></html>"
    )
    page = tmp_path / "cafe.html"
    page.write_bytes(html.encode("cp1252"))
    (article,), failures = read_inputs([page])
    assert failures == []
    assert "café près de la rivière" in article.text


def test_looks_like_html():
    assert looks_like_html("  \n<!DOCTYPE html><html></html>")
    assert looks_like_html("<HTML><p>x</p></HTML>")
    assert looks_like_html("<div>x</div><body class='a'>x</body>")
    assert not looks_like_html("A report about <bodyguards> and tags.")
    assert not looks_like_html("LONDON - Plain text.")
