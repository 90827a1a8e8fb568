"""Plain-text reports: datelines, title lines, sidecars, newlines."""

from __future__ import annotations

import json

import pytest

from newsweave.ingest import read_inputs
from newsweave.ingest.text import clean_text, parse_opening

BODY = "Officials said the talks would resume next week after a short break."


@pytest.mark.parametrize(
    ("opening", "dateline", "first_word"),
    [
        ("WASHINGTON, DC – ", "WASHINGTON, DC", "Officials"),
        ("New Delhi: ", "New Delhi", "Officials"),
        ("LONDON (Reuters) - ", "LONDON", "Officials"),
        ("PARIS, March 3 (AFP) — ", "PARIS", "Officials"),
        ("WASHINGTON (AP) — ", "WASHINGTON", "Officials"),
        ("KYIV, Ukraine — ", "KYIV, Ukraine", "Officials"),
        ("ST. LOUIS -- ", "ST. LOUIS", "Officials"),
        ("SAN FRANCISCO, Calif., Sept. 30 (Reuters) - ", "SAN FRANCISCO, Calif.", "Officials"),
        ("BERLIN, 3 March (dpa) - ", "BERLIN", "Officials"),
        ("Rio de Janeiro - ", "Rio de Janeiro", "Officials"),
        ("The Hague: ", "The Hague", "Officials"),
        ("WASHINGTON—", "WASHINGTON", "Officials"),
        ("São Paulo – ", "São Paulo", "Officials"),
        ("JERUSALEM/GAZA, May 2 (Reuters) - ", "JERUSALEM/GAZA", "Officials"),
        ("WINSTON-SALEM, N.C. — ", "WINSTON-SALEM, N.C.", "Officials"),
        ("Washington, March 3: ", "Washington", "Officials"),
    ],
)
def test_dateline_is_parsed_and_body_start_points_at_the_body(opening, dateline, first_word):
    text = opening + BODY
    found = parse_opening(text)
    assert found.dateline == dateline
    assert text[found.body_start :].startswith(first_word)
    assert found.body_start == len(opening)


@pytest.mark.parametrize(
    "text",
    [
        "Trump said: We will win this, he told the crowd.",
        "Breaking: The minister has resigned, the office said.",
        "BREAKING NEWS - The minister has resigned.",
        "President Novak: We will act on this now.",
        "Oil: prices fell sharply on Monday.",
        "The meeting ran long - Officials left late.",
        "10:30: Officials met in the hall.",
        "Update - The road has reopened.",
        "By Ana Lind - The council met on Monday.",
        "Monday: The council met.",
        # A colon far into the first line is not a dateline.
        "The council of the northern district met for the third time in a week to discuss it: "
        "Officials said little.",
        # The dateline must be on the first line.
        "Some opening words\nLONDON (Reuters) - Officials said.",
    ],
)
def test_sentences_that_only_look_like_datelines_are_not_datelines(text):
    found = parse_opening(text)
    assert found.dateline is None
    assert found.body_start == 0


def test_dateline_with_year_sets_published_and_without_year_does_not():
    assert parse_opening("PARIS, March 3, 2024 (AFP) — " + BODY).published == "2024-03-03"
    assert parse_opening("BERLIN, 3 March 2024 - " + BODY).published == "2024-03-03"
    assert parse_opening("PARIS, March 3 (AFP) — " + BODY).published is None
    # An impossible date is ignored, the dateline kept.
    found = parse_opening("PARIS, Feb. 31, 2024 (AFP) — " + BODY)
    assert found.dateline == "PARIS"
    assert found.published is None


def test_title_line_is_kept_in_text_and_dateline_found_on_next_paragraph():
    text = "Talks to resume after break\n\nGENEVA (Reuters) - " + BODY
    found = parse_opening(text)
    assert found.title == "Talks to resume after break"
    assert found.dateline == "GENEVA"
    assert text[found.body_start :].startswith("Officials")


def test_headline_that_looks_like_a_dateline_is_a_title():
    text = "Harbour Crisis: What We Know\n\n" + BODY
    found = parse_opening(text)
    assert found.title == "Harbour Crisis: What We Know"
    assert found.dateline is None


@pytest.mark.parametrize(
    "text",
    [
        "The first sentence ends here.\n\nAnother paragraph.",
        "No blank line after this line\nso it is not a title.",
        "x" * 160 + "\n\nBody.",
        "Single paragraph only",
        "The talks stalled. Officials left early\n\nMore text.",
    ],
)
def test_lines_that_are_not_titles(text):
    assert parse_opening(text).title is None


def test_markdown_heading_is_a_title():
    found = parse_opening("# Bridge closes for repairs\n\n" + BODY)
    assert found.title == "Bridge closes for repairs"


def test_text_file_gets_path_dateline_title_and_body_start(tmp_path):
    path = tmp_path / "story.txt"
    path.write_text("Bridge closes\n\nPORT ELLIS, May 2 - Crews closed the bridge.\n", "utf-8")
    articles, failures = read_inputs([str(path)])
    assert failures == []
    (article,) = articles
    assert article.path == str(path)
    assert article.title == "Bridge closes"
    assert article.dateline == "PORT ELLIS"
    assert article.text[article.body_start :].startswith("Crews closed")
    assert article.text == "Bridge closes\n\nPORT ELLIS, May 2 - Crews closed the bridge."
    assert len(article.id) == 16


def test_crlf_and_cr_are_normalised_and_offsets_index_the_stored_text(tmp_path):
    path = tmp_path / "crlf.txt"
    path.write_bytes(b"Title here\r\n\r\nOSLO - Snow fell.\r\nMore snow fell.\rEven more.\r\n")
    (article,), failures = read_inputs([path])
    assert failures == []
    assert "\r" not in article.text
    assert article.text == "Title here\n\nOSLO - Snow fell.\nMore snow fell.\nEven more."
    assert article.title == "Title here"
    assert article.text[article.body_start :].startswith("Snow fell.")


def test_utf8_bom_is_stripped(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes("\ufeffOSLO - Snow fell on the city.".encode())
    (article,), _ = read_inputs([path])
    assert article.text == "OSLO - Snow fell on the city."
    assert article.dateline == "OSLO"


def test_clean_text_only_strips_bom_newlines_and_outer_whitespace():
    assert clean_text("\ufeff  a\r\nb\rc  \n") == "a\nb\nc"
    assert clean_text("a\u2028b\tc") == "a\u2028b\tc"


@pytest.mark.parametrize("name", ["story.json", "story.txt.json", "story.meta.json"])
def test_sidecar_metadata_wins_over_extracted(tmp_path, name):
    (tmp_path / "story.txt").write_text("Extracted Title\n\nOSLO - Snow fell on the city.\n")
    (tmp_path / name).write_text(
        json.dumps(
            {
                "outlet": "Fjord Times",
                "title": "Sidecar Title",
                "url": "https://fjord.example/snow",
                "date": "2024-01-05",
                "author": "Per Vik",
                "dateline": "OSLO, Norway",
                "unknown_key": "ignored",
            }
        )
    )
    (article,), failures = read_inputs([tmp_path / "story.txt"])
    assert failures == []
    assert article.outlet == "Fjord Times"
    assert article.title == "Sidecar Title"
    assert article.url == "https://fjord.example/snow"
    assert article.published == "2024-01-05"
    assert article.author == "Per Vik"
    assert article.dateline == "OSLO, Norway"
    # Sidecar metadata never changes the text or its offsets.
    assert article.text[article.body_start :].startswith("Snow fell")


def test_meta_overrides_win_over_sidecar(tmp_path):
    (tmp_path / "story.txt").write_text("OSLO - Snow fell on the city.")
    (tmp_path / "story.json").write_text('{"outlet": "Fjord Times", "title": "From sidecar"}')
    (article,), _ = read_inputs(
        [tmp_path / "story.txt"], meta={"outlet": "Flag Outlet", "published": "2024-02-02"}
    )
    assert article.outlet == "Flag Outlet"
    assert article.title == "From sidecar"
    assert article.published == "2024-02-02"


def test_broken_sidecar_is_reported_and_the_text_still_read(tmp_path):
    (tmp_path / "story.txt").write_text("OSLO - Snow fell on the city.")
    (tmp_path / "story.json").write_text('{"outlet": "Fjord Times",,}')
    articles, failures = read_inputs([tmp_path / "story.txt"])
    assert [a.dateline for a in articles] == ["OSLO"]
    assert articles[0].outlet is None
    (failure,) = failures
    assert failure.source == str(tmp_path / "story.json")
    assert "not valid JSON" in failure.reason and "fix the JSON" in failure.reason


def test_sidecar_with_wrong_types_keeps_the_good_fields(tmp_path):
    (tmp_path / "story.txt").write_text("OSLO - Snow fell on the city.")
    (tmp_path / "story.json").write_text('{"outlet": "Fjord Times", "title": 42}')
    (article,), (failure,) = read_inputs([tmp_path / "story.txt"])
    assert article.outlet == "Fjord Times"
    assert article.title is None
    assert '"title" must be a string' in failure.reason
