"""Hostile and broken inputs: each gets one clear failure, the inputs beside it are read.

Every file here is written to disk and read through ``read_inputs``, as the CLI
and the web app read them.
"""

from __future__ import annotations

import gzip
import json
import os
import sys

import pytest
from test_feed import ORCHARD_CONTENT

from newsweave.config import Options
from newsweave.errors import MAX_REASON_CHARS, IngestError
from newsweave.ingest import read_inputs
from newsweave.ingest.text import MAX_REPORT_CHARS, MIN_PAGE_WORDS
from newsweave.model import Article, InputFailure

GOOD = "OSLO - Snow fell on the city on Tuesday, closing two schools, officials said."


def _good(tmp_path):
    path = tmp_path / "good.txt"
    path.write_text(GOOD, encoding="utf-8")
    return path


def _storable(value: str) -> bool:
    """Whether a string can be written as UTF-8 (to the store, a terminal)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# --- messages ----------------------------------------------------------------


def test_failure_messages_are_cut_to_a_sane_length():
    failure = InputFailure("a" * 10_000, "b" * 42_000_000)
    assert len(failure.reason) <= MAX_REASON_CHARS
    assert failure.reason.endswith("... (41,999,040 more characters)")
    assert len(failure.source) < 500
    error = IngestError("x.warc", "first line: " + "z" * 100_000)
    assert len(str(error)) < MAX_REASON_CHARS + 100
    # A failure made from an error (as the readers do) keeps the error's count.
    again = InputFailure(error.source, error.reason)
    assert again.reason == error.reason
    assert again.reason.endswith("... (99,052 more characters)")


def test_a_corrupt_archive_with_a_long_first_line_gets_a_short_line(tmp_path):
    # warcio quotes the first line in its error; a line of zeros made a
    # 42 MB message, printed and stored.
    path = tmp_path / "long-line.warc.gz"
    path.write_bytes(gzip.compress(b"A" * 60_000 + b"\r\n\r\n"))
    _, failures = read_inputs([path])
    (failure,) = failures
    assert "AAAA" in failure.reason
    assert len(failure.reason) < 2 * MAX_REASON_CHARS


# --- long texts ----------------------------------------------------------------


def test_text_too_long_to_analyse_is_refused_with_the_limit(tmp_path):
    long = tmp_path / "long.txt"
    long.write_text("Word " * 300_000, encoding="utf-8")  # 1.5 million characters, 1.5 MB
    articles, failures = read_inputs([long, _good(tmp_path)])
    assert [a.text for a in articles] == [GOOD]
    (failure,) = failures
    assert failure.source == str(long)
    assert f"more than the {MAX_REPORT_CHARS:,} a report may have" in failure.reason


def test_long_record_and_long_article_passed_in_are_refused(tmp_path):
    path = tmp_path / "long.jsonl"
    records = [{"text": "x " * 600_000}, {"text": GOOD}]
    path.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    articles, failures = read_inputs([path, Article(text="y " * 600_000, id="given")])
    assert [a.text for a in articles] == [GOOD]
    assert [f.source for f in failures] == [f"{path}:1", "given"]


# --- JSON ------------------------------------------------------------------------


def test_lone_surrogates_in_json_strings_become_replacement_characters(tmp_path):
    path = tmp_path / "surrogates.jsonl"
    path.write_text(
        '{"text": "\\ud800 Snow fell on Oslo on Tuesday.", "title": "Snow \\udfff", '
        '"id": "r\\ud800"}\n',
        encoding="utf-8",
    )
    (article,), failures = read_inputs([path])
    assert failures == []
    assert article.text == "\ufffd Snow fell on Oslo on Tuesday."
    assert article.title == "Snow \ufffd"
    assert article.id == "r\\ud800"
    assert all(_storable(v) for v in (article.text, article.title, article.id))


@pytest.mark.parametrize("name", ["deep.jsonl", "deep.json"])
def test_json_nested_too_deeply_is_one_failure(tmp_path, name):
    path = tmp_path / name
    depth = max(100_000, sys.getrecursionlimit() * 10)
    path.write_text("[" * depth + "\n" + json.dumps({"text": GOOD}) + "\n", encoding="utf-8")
    articles, failures = read_inputs([path, _good(tmp_path)])
    assert "nests JSON lists or objects too deeply" in failures[0].reason
    assert failures[0].source in (f"{path}:1", str(path))
    if name.endswith(".jsonl"):
        assert [a.text for a in articles] == [GOOD, GOOD]
    else:
        assert len(articles) == 1


def test_jsonl_first_line_over_the_limit_fails_alone(tmp_path):
    path = tmp_path / "first-long.jsonl"
    lines = [json.dumps({"text": "z " * 400}), json.dumps({"text": GOOD})]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    articles, failures = read_inputs([path], Options(max_bytes=500))
    assert [a.text for a in articles] == [GOOD]
    (failure,) = failures
    assert failure.source == f"{path}:1"
    assert "is longer than the limit of 500 bytes per record" in failure.reason


# --- file names ---------------------------------------------------------------------


@pytest.mark.skipif(sys.platform != "linux", reason="file names are bytes only on Linux")
def test_file_name_that_is_not_utf8_is_read_and_named_with_escapes(tmp_path):
    folder = os.fsencode(tmp_path)
    with open(os.path.join(folder, b"bad\xff\xfe.txt"), "wb") as fh:
        fh.write(GOOD.encode())
    with open(os.path.join(folder, b"empty\xff.txt"), "wb"):
        pass
    articles, failures = read_inputs([tmp_path])
    (article,) = articles
    assert article.path == f"{tmp_path}/bad\\xff\\xfe.txt"
    (failure,) = failures
    assert failure.source == f"{tmp_path}/empty\\xff.txt"
    assert _storable(failure.source) and _storable(failure.reason)


# --- markup and the least a report is -------------------------------------------------


def test_a_few_words_extracted_from_a_broken_page_are_no_report(tmp_path):
    page = tmp_path / "malformed.html"
    page.write_text("<html><body><p>Hello world!<div><p", encoding="utf-8")
    articles, failures = read_inputs([page, _good(tmp_path)])
    assert [a.text for a in articles] == [GOOD]
    (failure,) = failures
    assert f"fewer than the {MIN_PAGE_WORDS} a page must give" in failure.reason


@pytest.mark.parametrize(
    "content",
    [
        '<?xml version="1.0"?><catalog><book id="1"><title>Oslo</title></book></catalog>',
        "<div><p>Snow fell on Oslo.</p><p>Schools closed.</p></div>",
    ],
)
def test_markup_is_never_stored_as_report_text(tmp_path, content):
    path = tmp_path / "data.xml"
    path.write_text(content, encoding="utf-8")
    articles, failures = read_inputs([path])
    assert articles == []
    assert "is markup (XML or HTML tags), not article text" in failures[0].reason


def test_text_without_a_letter_or_digit_is_no_report(tmp_path):
    path = tmp_path / "dots.txt"
    path.write_text("... --- !!!", encoding="utf-8")
    _, failures = read_inputs([path])
    assert "has no words" in failures[0].reason


# --- feeds saved as files ---------------------------------------------------------------


LOCAL_FEED = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel>
  <title>Ashcombe Parish News</title>
  <item>
    <title>Orchard replanted</title>
    <link>https://ashcombe.example/news/orchard</link>
    <pubDate>Sun, 10 Nov 2024 12:00:00 GMT</pubDate>
    <content:encoded><![CDATA[{ORCHARD_CONTENT}]]></content:encoded>
  </item>
  <item>
    <title>Link only</title>
    <link>https://ashcombe.example/news/fete</link>
  </item>
</channel>
</rss>
"""


def test_a_feed_file_is_read_as_a_feed_whatever_its_name(tmp_path):
    for name in ("feed.xml", "feed.txt"):
        (tmp_path / name).write_text(LOCAL_FEED, encoding="utf-8")
        articles, failures = read_inputs([tmp_path / name])
        (article,) = articles
        assert article.title == "Orchard replanted"
        assert article.outlet == "Ashcombe Parish News"
        assert article.url == "https://ashcombe.example/news/orchard"
        assert article.published == "2024-11-10"
        assert "<" not in article.text and "Volunteers planted 300 apple trees" in article.text
        (failure,) = failures
        assert "a feed file's links are not fetched" in failure.reason
        (tmp_path / name).unlink()


XXE_FEED = """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/hostname">]>
<rss version="2.0"><channel><title>T</title>
<item><title>&secret;</title><description>&secret;</description></item></channel></rss>
"""
LAUGHS_FEED = (
    '<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY a "ha">'
    + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
    + ']>\n<rss version="2.0"><channel><title>&j;</title><item><title>&j;</title>'
    "<description>&j;</description></item></channel></rss>\n"
)


@pytest.mark.parametrize("content", [XXE_FEED, LAUGHS_FEED])
def test_a_feed_with_a_dtd_is_refused(tmp_path, content):
    path = tmp_path / "feed.xml"
    path.write_text(content, encoding="utf-8")
    articles, failures = read_inputs([path, _good(tmp_path)])
    assert [a.text for a in articles] == [GOOD]
    (failure,) = failures
    assert failure.source == str(path)
    assert "declares a DTD or entities" in failure.reason


def test_a_broken_feed_file_is_a_failure_not_a_report(tmp_path):
    path = tmp_path / "feed.xml"
    path.write_text('<?xml version="1.0"?><rss version="2.0"><channel><title>Half', "utf-8")
    articles, failures = read_inputs([path])
    assert articles == []
    assert "is not an RSS or Atom feed feedparser can read" in failures[0].reason


def test_a_feed_whose_encoding_name_is_not_utf8_is_a_failure(tmp_path):
    # feedparser raised UnicodeDecodeError on it (found by fuzzing).
    path = tmp_path / "feed.xml"
    path.write_bytes(LOCAL_FEED.encode().replace(b'encoding="UTF-8"', b'encoding="UTF-\xb8"'))
    articles, failures = read_inputs([path, _good(tmp_path)])
    assert [a.text for a in articles] == [GOOD]
    assert "is not an RSS or Atom feed feedparser can read" in failures[0].reason


def test_a_feed_entry_whose_link_does_not_parse_is_read_without_it(tmp_path):
    # urlsplit raised ValueError ("Invalid IPv6 URL") on it (found by fuzzing).
    path = tmp_path / "feed.xml"
    path.write_text(LOCAL_FEED.replace("https://ashcombe.example/news/orchard",
                                       "https://ashcombe]example/news/orchard"), "utf-8")
    articles, _ = read_inputs([path])
    (article,) = articles
    assert article.title == "Orchard replanted"
    assert article.url is None
