"""JSONL files, .json files and dict records."""

from __future__ import annotations

import json

from newsweave.ingest import read_inputs


def _line(record) -> str:
    return json.dumps(record, ensure_ascii=False)


def test_jsonl_good_and_bad_lines(tmp_path):
    path = tmp_path / "feed.jsonl"
    lines = [
        _line({"text": "OSLO - Snow fell.", "outlet": "Fjord Times", "date": "2024-01-05"}),
        "",
        "{not json",
        _line(["a", "list"]),
        _line({"title": "no text"}),
        _line({"text": "   "}),
        _line({"text": 7}),
        "   ",
        _line({"text": "Line eight text.", "published": "2024-01-06", "title": "Eight"}),
    ]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    articles, failures = read_inputs([path])

    assert [a.text for a in articles] == ["OSLO - Snow fell.", "Line eight text."]
    first, second = articles
    assert first.path == str(path)
    assert first.outlet == "Fjord Times"
    assert first.published == "2024-01-05"
    assert first.dateline == "OSLO"
    assert first.text[first.body_start :].startswith("Snow")
    assert second.title == "Eight"
    assert second.published == "2024-01-06"

    by_source = {f.source: f.reason for f in failures}
    assert set(by_source) == {f"{path}:{n}" for n in (3, 4, 5, 6, 7)}
    assert "not valid JSON" in by_source[f"{path}:3"]
    assert "not a JSON object" in by_source[f"{path}:4"]
    assert 'no "text"' in by_source[f"{path}:5"]
    assert 'empty "text"' in by_source[f"{path}:6"]
    assert "a number" in by_source[f"{path}:7"]


def test_a_jsonl_dump_larger_than_max_bytes_is_read_record_by_record(tmp_path):
    from newsweave.config import Options

    path = tmp_path / "dump.jsonl"
    good = [_line({"text": f"Report number {i} says the bridge reopened."}) for i in range(300)]
    long_line = _line({"text": "word " * 400})
    lines = [*good[:100], long_line, *good[100:200], "\udcff", *good[200:]]
    with path.open("wb") as fh:
        for line in lines:
            if line == "\udcff":
                fh.write(b'{"text": "caf\xe9 in Latin-1"}\n')
            else:
                fh.write(line.encode("utf-8") + b"\n")
    options = Options(max_bytes=1000)
    assert path.stat().st_size > 10 * options.max_bytes
    articles, failures = read_inputs([path], options)
    assert len(articles) == 300
    assert {f.source: f.reason.split(";")[0] for f in failures} == {
        f"{path}:101": "is longer than the limit of 1,000 bytes per record (option max_bytes)",
        f"{path}:202": "is not UTF-8 (byte 13)",
    }


def test_jsonl_keeps_unicode_line_separators_inside_strings(tmp_path):
    path = tmp_path / "feed.ndjson"
    path.write_text(_line({"text": "One\u2028two."}) + "\r\n" + _line({"text": "Three."}), "utf-8")
    articles, failures = read_inputs([path])
    assert failures == []
    assert [a.text for a in articles] == ["One\u2028two.", "Three."]


def test_jsonl_text_newlines_are_normalised(tmp_path):
    path = tmp_path / "feed.jsonl"
    path.write_text(_line({"text": "  Headline\r\n\r\nBERN - Body text.  "}))
    (article,), _ = read_inputs([path])
    assert article.text == "Headline\n\nBERN - Body text."
    assert article.title == "Headline"
    assert article.text[article.body_start :].startswith("Body")


def test_jsonl_with_only_blank_lines_is_a_failure(tmp_path):
    path = tmp_path / "blank.jsonl"
    path.write_text("\n\n  \n")
    articles, (failure,) = read_inputs([path])
    assert articles == []
    assert "only whitespace" in failure.reason


def test_dict_records_and_articles_pass_through():
    from newsweave.model import Article

    given = Article(text="Given article text.", outlet="Kept")
    articles, failures = read_inputs(
        [
            {"text": "ROME - A record.", "outlet": "Roma Daily", "url": "https://r.example/1"},
            given,
            {"title": "no text"},
            42,
        ]
    )
    assert [a.outlet for a in articles] == ["Roma Daily", "Kept"]
    assert articles[0].dateline == "ROME"
    assert articles[0].path is None
    assert articles[1] is given
    assert [f.source for f in failures] == ["<input 3>", "<input 4>"]
    assert "int" in failures[1].reason


def test_explicit_record_title_wins_over_title_line():
    (article,), _ = read_inputs([{"text": "Line title\n\nBody.", "title": "Given"}])
    assert article.title == "Given"


def test_json_file_with_one_record_or_a_list(tmp_path):
    one = tmp_path / "one.json"
    one.write_text(_line({"text": "One record."}))
    many = tmp_path / "many.json"
    many.write_text(_line([{"text": "First."}, {"nope": 1}, {"text": "Third."}]))
    articles, failures = read_inputs([one, many])
    assert [a.text for a in articles] == ["One record.", "First.", "Third."]
    assert [f.source for f in failures] == [f"{many}[1]"]


def test_lone_sidecar_given_as_input_says_what_to_give(tmp_path):
    side = tmp_path / "story.json"
    side.write_text('{"outlet": "Fjord Times"}')
    articles, (failure,) = read_inputs([side])
    assert articles == []
    assert "sidecar" in failure.reason
