"""Web archives: the HTML pages of a WARC written with warcio, read back."""

from __future__ import annotations

import gzip as gzip_module
import io
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsweave.config import Options
from newsweave.ingest import read_inputs
from newsweave.ingest.warc import read_warc

HARBOUR_URL = "https://www.harbourtimes.example/2024/11/quay-crane?utm_medium=rss"
BAKERY_URL = "https://dalesgazette.example/news/bakery-award"

HARBOUR_PAGE = (
    b"<!DOCTYPE html><html><head><meta charset='utf-8'><title>New crane for Wester Quay</title>"
    b"<meta property='og:site_name' content='Harbour Times'>"
    b"<meta property='article:published_time' content='2024-11-12'></head><body>"
    b"<nav>Home | Shipping | Weather</nav><article><h1>New crane for Wester Quay</h1>"
    b"<p>WESTER QUAY - A 60-tonne container crane arrived by barge on Tuesday and will start "
    b"work at the quay next month, the port authority said.</p>"
    b"<p>The crane replaces two older ones that were built in 1979 and will be scrapped.</p>"
    b"</article><footer>Harbour Times, all rights reserved.</footer></body></html>"
)

# No date on the page: the crawl date stands in.
BAKERY_PAGE = (
    "<html><head><title>Village bakery wins regional prize</title>"
    "<meta http-equiv='Content-Type' content='text/html; charset=windows-1252'></head><body>"
    "<article><h1>Village bakery wins regional prize</h1>"
    "<p>The Corran Street bakery in Dunmore won the regional bread prize on Saturday for its "
    "rye sourdough, the third award in its 40-year history.</p>"
    "<p>Owner Maeve Tully said the recipe had not changed since her father's time, apart "
    "from the flour, which now comes from a mill in Kilbrack. Café tables will be added "
    "in spring.</p></article></body></html>"
).encode("cp1252")

PNG = b"\x89PNG\r\n\x1a\n" + bytes(200)


def _response(
    writer: WARCWriter,
    uri: str,
    body: bytes,
    *,
    status: str = "200 OK",
    content_type: str = "text/html; charset=utf-8",
    date: str = "2024-11-13T06:15:00Z",
) -> None:
    http = StatusAndHeaders(
        status,
        [("Content-Type", content_type), ("Content-Length", str(len(body)))],
        protocol="HTTP/1.1",
    )
    record = writer.create_warc_record(
        uri,
        "response",
        payload=io.BytesIO(body),
        http_headers=http,
        warc_headers_dict={"WARC-Date": date},
    )
    writer.write_record(record)


def write_archive(path: Path, *, gzip: bool = True) -> Path:
    """A CC-NEWS-like archive: warcinfo, then responses (two pages, an image, a 404)."""
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=gzip)
        writer.write_record(
            writer.create_warcinfo_record(path.name, {"software": "test", "format": "WARC/1.1"})
        )
        _response(writer, HARBOUR_URL, HARBOUR_PAGE)
        _response(
            writer, "https://dalesgazette.example/img/loaf.png", PNG, content_type="image/png"
        )
        _response(
            writer,
            BAKERY_URL,
            BAKERY_PAGE,
            content_type="text/html; charset=windows-1252",
            date="2024-11-16T22:40:05Z",
        )
        _response(
            writer,
            "https://dalesgazette.example/news/removed",
            b"<html><body><p>This page has been removed by the editors.</p></body></html>",
            status="404 Not Found",
        )
    return path


@pytest.mark.parametrize("name", ["news.warc.gz", "news.warc"])
def test_html_responses_become_articles(tmp_path, name):
    path = write_archive(tmp_path / name, gzip=name.endswith(".gz"))
    articles, failures = read_warc(str(path), Options())
    assert failures == []
    harbour, bakery = articles
    assert harbour.url == "https://www.harbourtimes.example/2024/11/quay-crane"
    assert harbour.title == "New crane for Wester Quay"
    assert harbour.outlet == "Harbour Times"
    assert harbour.published == "2024-11-12"  # the page's date wins
    assert harbour.dateline == "WESTER QUAY"
    assert "all rights reserved" not in harbour.text
    assert bakery.url == BAKERY_URL
    assert bakery.published == "2024-11-16"  # from WARC-Date
    assert bakery.outlet == "dalesgazette.example"  # the host, for want of a site name
    assert "Café tables will be added" in bakery.text


def test_cc_news_style_archive(tmp_path):
    # CC-NEWS: WARC/1.0, a request record before each response, payloads kept
    # as served (here gzip-compressed), metadata records after them.
    path = tmp_path / "CC-NEWS-20241113061500-00042.warc.gz"
    compressed = gzip_module.compress(HARBOUR_PAGE)
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True, warc_version="1.0")
        writer.write_record(writer.create_warcinfo_record(path.name, {"isPartOf": "CC-NEWS"}))
        request = StatusAndHeaders(
            "GET /2024/11/quay-crane HTTP/1.1",
            [("Host", "www.harbourtimes.example"), ("Accept-Encoding", "gzip")],
            is_http_request=True,
        )
        writer.write_record(
            writer.create_warc_record(
                HARBOUR_URL, "request", payload=io.BytesIO(b""), http_headers=request
            )
        )
        http = StatusAndHeaders(
            "200 OK",
            [
                ("Content-Type", "text/html; charset=UTF-8"),
                ("Content-Encoding", "gzip"),
                ("Content-Length", str(len(compressed))),
            ],
            protocol="HTTP/1.1",
        )
        writer.write_record(
            writer.create_warc_record(
                HARBOUR_URL,
                "response",
                payload=io.BytesIO(compressed),
                http_headers=http,
                warc_headers_dict={"WARC-Identified-Payload-Type": "text/html"},
            )
        )
        writer.write_record(
            writer.create_warc_record(
                HARBOUR_URL,
                "metadata",
                payload=io.BytesIO(b"fetchTimeMs: 212\r\n"),
                warc_content_type="application/warc-fields",
            )
        )
    articles, failures = read_warc(str(path))
    assert failures == []
    (article,) = articles
    assert article.title == "New crane for Wester Quay"
    assert article.url == "https://www.harbourtimes.example/2024/11/quay-crane"
    assert "60-tonne container crane" in article.text


def test_read_inputs_reads_archives_by_name(tmp_path):
    write_archive(tmp_path / "a.warc.gz")
    (tmp_path / "note.txt").write_text("OSLO - Snow fell on Tuesday.", encoding="utf-8")
    articles, failures = read_inputs([tmp_path], meta={"published": "2024-12-01"})
    assert failures == []
    assert [a.title for a in articles][:2] == [
        "New crane for Wester Quay",
        "Village bakery wins regional prize",
    ]
    assert len(articles) == 3
    assert {a.published for a in articles} == {"2024-12-01"}


def test_corrupt_archive_keeps_the_pages_before_the_fault(tmp_path):
    path = write_archive(tmp_path / "broken.warc", gzip=False)
    good_size = path.stat().st_size
    with open(path, "ab") as fh:
        fh.write(b"this is not a warc record\r\n\r\n")
    articles, failures = read_warc(str(path))
    assert len(articles) == 2
    (failure,) = failures
    assert failure.source == str(path)
    assert failure.reason.startswith(f"is corrupt at the record at offset {good_size} (")
    assert "the records before it were read" in failure.reason


@pytest.mark.parametrize("gzip", [True, False])
def test_archive_cut_short(tmp_path, gzip):
    path = write_archive(tmp_path / ("cut.warc.gz" if gzip else "cut.warc"), gzip=gzip)
    data = path.read_bytes()
    bakery_at = data.index(b"dalesgazette.example/news/bakery") if not gzip else None
    path.write_bytes(data[: len(data) * 3 // 4])
    articles, failures = read_warc(str(path))
    # The harbour page came before the cut; the bakery page is cut short and
    # is not read as if it were whole.
    assert [a.title for a in articles] == ["New crane for Wester Quay"]
    (failure,) = failures
    assert failure.source == str(path)
    assert "is cut short in the record at offset" in failure.reason
    assert f"({BAKERY_URL})" in failure.reason
    if bakery_at is not None:
        offset = int(failure.reason.split("offset ")[1].split()[0])
        assert offset < bakery_at


def test_not_an_archive(tmp_path):
    path = tmp_path / "notes.warc"
    path.write_text("Just some notes, saved with the wrong name.\n", encoding="utf-8")
    articles, failures = read_warc(str(path))
    assert articles == []
    (failure,) = failures
    assert failure.reason.startswith("is not a WARC archive (")


def test_archive_without_pages(tmp_path):
    path = tmp_path / "images.warc.gz"
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        _response(writer, "https://img.example/a.png", PNG, content_type="image/png")
    articles, failures = read_warc(str(path))
    assert articles == []
    assert "holds no HTML pages served with HTTP 200" in failures[0].reason


def test_page_without_text_is_a_failure_naming_the_record(tmp_path):
    path = tmp_path / "mixed.warc"
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=False)
        _response(writer, "https://a.example/empty", b"<html><body></body></html>")
        offset = fh.tell()
        _response(writer, "https://a.example/blank", b"<html><head></head><body> </body></html>")
        _response(writer, HARBOUR_URL, HARBOUR_PAGE)
    articles, failures = read_warc(str(path))
    assert [a.title for a in articles] == ["New crane for Wester Quay"]
    assert len(failures) == 2
    assert failures[0].reason.startswith("record at offset 0 (https://a.example/empty): ")
    assert failures[1].reason.startswith(f"record at offset {offset} (https://a.example/blank)")


def test_oversized_page_is_skipped_and_the_archive_goes_on(tmp_path):
    path = write_archive(tmp_path / "big.warc.gz")
    articles, failures = read_warc(str(path), Options(max_bytes=580))
    assert [a.title for a in articles] == ["Village bakery wins regional prize"]
    (failure,) = failures
    assert f"({HARBOUR_URL}): the page is larger than 580 bytes (option max_bytes)" in (
        failure.reason
    )


def test_missing_archive(tmp_path):
    _, failures = read_warc(str(tmp_path / "gone.warc.gz"))
    assert "cannot be read" in failures[0].reason


def _gzip_stream(parts) -> bytes:
    """One gzip member of ``parts``, compressed as they come (a bomb is never whole)."""
    import zlib

    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    return b"".join([*(packer.compress(p) for p in parts), packer.flush()])


def test_gzip_bomb_of_zeros_is_refused_at_the_first_header_line(tmp_path):
    # 256 MiB of zeros in 250 KB: warcio read it as one "line", whole.
    path = tmp_path / "bomb.warc.gz"
    path.write_bytes(_gzip_stream(bytes(1 << 20) for _ in range(256)))
    articles, failures = read_warc(str(path))
    assert articles == []
    (failure,) = failures
    assert "a header line is longer than 65,536 bytes" in failure.reason


def test_gzip_bomb_inside_a_record_is_refused_by_its_expansion(tmp_path):
    path = tmp_path / "bomb.warc.gz"
    size = 200 << 20
    head = (
        b"WARC/1.1\r\nWARC-Type: response\r\nWARC-Target-URI: https://a.example/\r\n"
        b"Content-Type: application/http; msgtype=response\r\n"
        b"Content-Length: %d\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" % size
    )
    path.write_bytes(_gzip_stream([head, *(bytes(1 << 20) for _ in range(200))]))
    articles, failures = read_warc(str(path))
    assert articles == []
    (failure,) = failures
    assert "decompresses to more than 100 times its size, a gzip bomb perhaps" in failure.reason


@pytest.mark.parametrize("share", [0.3, 0.5, 0.7, 0.9])
def test_gzip_archive_cut_anywhere_says_so(tmp_path, share):
    # Cut inside a later gzip member, warcio read the member's first part as
    # if the archive ended there, and said nothing.
    whole = write_archive(tmp_path / "whole.warc.gz").read_bytes()
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(whole[: int(len(whole) * share)])
    _, failures = read_warc(str(path))
    (failure,) = failures
    assert "is cut short in the record at offset" in failure.reason


def test_record_with_a_wrong_length_is_named_by_its_offset(tmp_path):
    path = write_archive(tmp_path / "plain.warc", gzip=False)
    data = path.read_bytes()
    record_at = data.rindex(b"\r\nWARC/1.", 0, data.index(b"quay-crane")) + 2
    at = data.index(b"Content-Length: ", data.index(b"quay-crane")) + len(b"Content-Length: ")
    end = data.index(b"\r", at)
    shorter = str(int(data[at:end]) - 20).encode()
    path.write_bytes(data[:at] + shorter + data[end:])
    _, failures = read_warc(str(path))
    (failure,) = failures
    assert failure.reason.startswith(
        f"the record at offset {record_at} does not end where its Content-Length says"
    )


def test_response_without_a_target_uri_is_a_corrupt_record_not_a_crash(tmp_path):
    # warcio raised AttributeError on it ('NoneType' has no attribute 'startswith').
    path = write_archive(tmp_path / "no-uri.warc", gzip=False)
    data = path.read_bytes()
    at = data.index(b"WARC-Target-URI: " + BAKERY_URL.encode())
    path.write_bytes(data[:at] + b"X" + data[at + 1 :])
    articles, failures = read_inputs([path])
    assert [a.title for a in articles] == ["New crane for Wester Quay"]
    assert "is corrupt at the record at offset" in failures[0].reason


def test_a_gigabyte_bomb_is_read_in_bounded_memory(tmp_path):
    # 1 GiB of zeros in about 1 MB, as ingest and compare met it: they grew
    # to 23 GB before the kernel killed them. Here the reader runs in a child
    # whose address space is capped at 1 GiB.
    import json
    import subprocess
    import sys

    path = tmp_path / "bomb.warc.gz"
    path.write_bytes(_gzip_stream(bytes(1 << 20) for _ in range(1024)))
    script = (
        "import json, resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))\n"
        "from newsweave.ingest import read_inputs\n"
        "articles, failures = read_inputs([sys.argv[1]])\n"
        "print(json.dumps([len(articles), [f.reason for f in failures]]))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script, str(path)], capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    count, reasons = json.loads(proc.stdout)
    assert count == 0
    assert len(reasons) == 1 and "a header line is longer than" in reasons[0]
