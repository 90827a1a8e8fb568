"""read_inputs: dispatch, folders, failures, ids."""

from __future__ import annotations

import os

import pytest

from newsweave.config import Options
from newsweave.errors import ConfigError
from newsweave.ingest import read_inputs
from newsweave.model import Article, content_id

PNG_HEADER = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06"


def _one_failure(tmp_path, name: str, data: bytes, **kwargs):
    path = tmp_path / name
    path.write_bytes(data)
    articles, failures = read_inputs([path], **kwargs)
    assert articles == []
    (failure,) = failures
    assert failure.source == str(path)
    return failure.reason


def test_empty_file(tmp_path):
    assert "is empty" in _one_failure(tmp_path, "empty.txt", b"")


def test_whitespace_only_file(tmp_path):
    assert "only whitespace" in _one_failure(tmp_path, "blank.txt", b" \n\t\r\n  ")


def test_binary_file(tmp_path):
    reason = _one_failure(tmp_path, "photo.txt", PNG_HEADER + bytes(range(256)))
    assert "looks binary (e.g. an image or PDF); give a text, HTML or JSONL file" in reason


def test_pdf_is_binary_even_though_it_starts_in_ascii(tmp_path):
    assert "looks binary" in _one_failure(tmp_path, "doc", b"%PDF-1.7\n%abc\n1 0 obj\n")


def test_control_characters_without_nul_are_binary(tmp_path):
    assert "looks binary" in _one_failure(tmp_path, "blob.txt", bytes(range(1, 32)) * 20)


def test_oversized_file_names_size_limit_and_option(tmp_path):
    reason = _one_failure(
        tmp_path, "big.txt", b"OSLO - Snow. " * 100, options=Options(max_bytes=500)
    )
    assert "1,300 bytes" in reason
    assert "500 bytes" in reason
    assert "max_bytes" in reason


def test_latin1_text_is_decoded(tmp_path):
    text = (
        "ZÜRICH - Café owners in the old town said on Tuesday that the façade renovation "
        "would cost more than expected, and that the naïve plan had failed."
    )
    path = tmp_path / "latin1.txt"
    path.write_bytes(text.encode("latin-1"))
    (article,), failures = read_inputs([path])
    assert failures == []
    assert article.text == text
    assert article.dateline == "ZÜRICH"


def test_cp1252_text_with_smart_quotes_is_decoded(tmp_path):
    text = (
        "MONTRÉAL – Le café près de la rivière a fermé ses portes mercredi, a déclaré le "
        "propriétaire. “C’est une décision difficile”, a-t-il ajouté."
    )
    path = tmp_path / "cp1252.txt"
    path.write_bytes(text.encode("cp1252"))
    (article,), failures = read_inputs([path])
    assert failures == []
    assert article.text == text
    assert article.dateline == "MONTRÉAL"


def test_undecodable_short_text_fails_asking_for_utf8(tmp_path):
    # One accented word gives no evidence of its encoding: any code page fits.
    reason = _one_failure(tmp_path, "short.txt", "Café.".encode("latin-1"))
    assert "re-save it as UTF-8" in reason


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_with_bom(tmp_path, encoding):
    text = "KRAKÓW – Officials said the square would reopen.\nSecond line."
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    path = tmp_path / "wide.txt"
    path.write_bytes(data)
    (article,), failures = read_inputs([path])
    assert failures == []
    assert article.text == text
    assert article.dateline == "KRAKÓW"


def test_missing_path(tmp_path):
    missing = tmp_path / "nope.txt"
    articles, (failure,) = read_inputs([missing])
    assert articles == []
    assert failure.source == str(missing)
    assert "no such file" in failure.reason


def test_text_given_as_a_path_gets_a_hint():
    _, (failure,) = read_inputs(["OSLO - Snow fell.\nMore snow."])
    assert '{"text": "..."}' in failure.reason


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_not_a_regular_file(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    _, (failure,) = read_inputs([fifo])
    assert "not a regular file" in failure.reason


def test_directory_recursion_sorted_skipping_hidden_and_sidecars(tmp_path):
    (tmp_path / "b.txt").write_text("Text of b.")
    (tmp_path / "a.txt").write_text("Text of a.")
    (tmp_path / "a.json").write_text('{"outlet": "A Times"}')
    (tmp_path / ".hidden.txt").write_text("Hidden text.")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config.txt").write_text("Hidden folder text.")
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "c.html").write_text(
        "<html><head><title>C page</title></head><body><article><p>"
        + "Text of c, a page long enough to count as an article body for the extractor. " * 3
        + "</p></article></body></html>"
    )
    (sub / "c.meta.json").write_text('{"outlet": "C Herald"}')
    (sub / "feed.jsonl").write_text('{"text": "Text of d."}\n{"text": "Text of e."}\n')

    articles, failures = read_inputs([tmp_path])
    assert failures == []
    assert [a.text.split(",")[0].rstrip(".") for a in articles] == [
        "Text of a",
        "Text of b",
        "Text of c",
        "Text of d",
        "Text of e",
    ]
    assert [a.outlet for a in articles][:3] == ["A Times", None, "C Herald"]
    assert articles[0].path == os.path.join(str(tmp_path), "a.txt")
    assert articles[2].path == os.path.join(str(tmp_path), "sub", "c.html")


def test_empty_directory_is_a_failure(tmp_path):
    (tmp_path / ".hidden").write_text("x")
    _, (failure,) = read_inputs([tmp_path])
    assert "no files to read" in failure.reason


def test_duplicate_texts_get_distinct_ids(tmp_path):
    for name in ("one.txt", "two.txt", "three.txt"):
        (tmp_path / name).write_text("OSLO - The same wire copy.\n")
    # Whitespace differences give the same content id too.
    (tmp_path / "four.txt").write_text("OSLO  -  The same   wire copy.")
    articles, failures = read_inputs(
        [tmp_path / "one.txt", tmp_path / "two.txt", tmp_path / "three.txt", tmp_path / "four.txt"]
    )
    assert failures == []
    base = content_id("OSLO - The same wire copy.")
    assert [a.id for a in articles] == [base, f"{base}-2", f"{base}-3", f"{base}-4"]


def test_duplicate_id_of_a_passed_article_is_changed_on_a_copy():
    given = Article(text="Same text.")
    articles, _ = read_inputs([{"text": "Same text."}, given])
    assert articles[0].id == given.id
    assert articles[1].id == f"{given.id}-2"
    assert articles[1] is not given
    assert given.id == content_id("Same text.")


def test_suffix_skips_ids_already_taken():
    articles, _ = read_inputs(
        [{"text": "Same."}, {"text": "Other.", "id": f"{content_id('Same.')}-2"}, {"text": "Same."}]
    )
    ids = [a.id for a in articles]
    assert len(set(ids)) == 3
    assert ids[2] == f"{content_id('Same.')}-3"


def test_one_bad_input_does_not_stop_the_others(tmp_path):
    good1 = tmp_path / "good1.txt"
    good1.write_text("OSLO - First good report.")
    binary = tmp_path / "image.png"
    binary.write_bytes(PNG_HEADER)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    good2 = tmp_path / "good2.md"
    good2.write_text("# Second\n\nSecond good report.")
    articles, failures = read_inputs(
        [good1, binary, tmp_path / "missing.txt", empty, {"nope": 1}, good2]
    )
    assert [a.path for a in articles] == [str(good1), str(good2)]
    assert articles[1].title == "Second"
    assert [f.source for f in failures] == [
        str(binary),
        str(tmp_path / "missing.txt"),
        str(empty),
        "<input 5>",
    ]
    assert all(f.reason for f in failures)


def test_single_input_need_not_be_a_list(tmp_path):
    path = tmp_path / "one.txt"
    path.write_text("Just one.")
    articles, _ = read_inputs(str(path))
    assert [a.text for a in articles] == ["Just one."]


def test_meta_applies_to_file_articles_only(tmp_path):
    path = tmp_path / "one.txt"
    path.write_text("Just one.")
    articles, _ = read_inputs(
        [path, {"text": "A record.", "outlet": "Own"}], meta={"outlet": "Flag", "url": None}
    )
    assert [a.outlet for a in articles] == ["Flag", "Own"]


def test_unknown_meta_key_is_a_config_error():
    with pytest.raises(ConfigError, match="unknown metadata override"):
        read_inputs([], meta={"outle": "typo"})


def test_utf16_without_bom_is_named(tmp_path):
    data = "OSLO - Snow fell on the city today.".encode("utf-16-le")
    reason = _one_failure(tmp_path, "wide.txt", data)
    assert "UTF-16" in reason and "re-save it as UTF-8" in reason
