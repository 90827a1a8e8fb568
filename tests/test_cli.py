"""The command line, run in-process with click's CliRunner and once as a real console script.

The real process test runs the ``newsweave`` script installed next to the interpreter.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from importlib import resources
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from newsweave.cli import cli, main
from newsweave.render.json import validate

STORIES = Path(__file__).parent / "fixtures" / "stories"
GOOD_A = STORIES / "paraphrase" / "01-valley-post.txt"
GOOD_B = STORIES / "paraphrase" / "02-northdown-gazette.txt"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"


@pytest.fixture(autouse=True)
def models(engine, monkeypatch):
    """Load the shared models first, so that each command reuses them."""
    monkeypatch.delenv("NEWSWEAVE_CONFIG", raising=False)
    return engine


def run(*args: str | os.PathLike[str]) -> Result:
    # Wide, so that rich does not fold long paths in the messages.
    runner = CliRunner(env={"COLUMNS": "400"})
    return runner.invoke(cli, [str(a) for a in args], catch_exceptions=False)


def flat(text: str) -> str:
    return " ".join(text.split())


# -- compare -------------------------------------------------------------------


def test_compare_json_validates(tmp_path) -> None:
    result = run("compare", GOOD_A, GOOD_B, "--format", "json")
    assert result.exit_code == 0, result.stderr
    obj = json.loads(result.stdout)
    validate(obj)
    assert [a["outlet"] for a in obj["articles"]] == ["The Valley Post", "Northdown Gazette"]
    assert [a["path"] for a in obj["articles"]] == [str(GOOD_A), str(GOOD_B)]
    assert "text" not in obj["articles"][0]
    assert any(c["status"] == "corroborated" for c in obj["claims"])
    assert result.stderr == ""


def test_compare_json_with_text_indexes_offsets() -> None:
    result = run("compare", GOOD_A, GOOD_B, "--format", "json", "--with-text")
    assert result.exit_code == 0
    obj = json.loads(result.stdout)
    validate(obj)
    texts = {a["id"]: a["text"] for a in obj["articles"]}
    assert texts[obj["articles"][0]["id"]] == GOOD_A.read_text(encoding="utf-8").strip()
    for claim in obj["claims"]:
        for m in claim["mentions"]:
            assert texts[m["article"]][m["start"] : m["end"]] == m["text"]


def test_compare_writes_html_file(tmp_path) -> None:
    out = tmp_path / "report.html"
    result = run("compare", GOOD_A, GOOD_B, "--format", "html", "-o", out)
    assert result.exit_code == 0, result.stderr
    html = out.read_text(encoding="utf-8")
    assert html.lstrip().lower().startswith("<!doctype html")
    assert "The Valley Post" in html and "Northdown Gazette" in html
    # The report went to the file, not to standard output.
    assert "<html" not in result.stdout


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_compare_other_formats(fmt: str) -> None:
    result = run("compare", GOOD_A, GOOD_B, "--format", fmt)
    assert result.exit_code == 0
    assert "Valley Post" in result.stdout


def test_meta_flags_override_the_sidecar() -> None:
    result = run("compare", GOOD_A, "--format", "json", "--outlet", "Test Outlet",
                 "--published", "2025-05-09")
    assert result.exit_code == 0
    [article] = json.loads(result.stdout)["articles"]
    assert (article["outlet"], article["published"]) == ("Test Outlet", "2025-05-09")


def test_missing_file_with_a_good_one(tmp_path) -> None:
    missing = tmp_path / "missing-report.txt"
    result = run("compare", missing, GOOD_A, "--format", "json")
    assert result.exit_code == 1
    assert str(missing) in result.stderr
    assert "no such file" in result.stderr
    # The good report is still compared and printed.
    obj = json.loads(result.stdout)
    validate(obj)
    assert [a["outlet"] for a in obj["articles"]] == ["The Valley Post"]
    assert obj["claims"]


def test_only_bad_inputs(tmp_path) -> None:
    result = run("compare", tmp_path / "a.txt", tmp_path / "b.txt", "--format", "json")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "a.txt" in result.stderr and "b.txt" in result.stderr


def test_empty_file(tmp_path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = run("compare", empty)
    assert result.exit_code == 1
    assert f"{empty}: is empty" in flat(result.stderr)


def test_whitespace_only_file(tmp_path) -> None:
    blank = tmp_path / "blank.txt"
    blank.write_text("  \n\n \n", encoding="utf-8")
    result = run("compare", blank)
    assert result.exit_code == 1
    assert "blank.txt" in result.stderr and "whitespace" in result.stderr


def test_binary_file(tmp_path) -> None:
    image = tmp_path / "photo.txt"
    image.write_bytes(PNG + bytes(range(256)))
    result = run("compare", image)
    assert result.exit_code == 1
    assert f"{image}: looks binary" in flat(result.stderr)
    assert "give a text, HTML or JSONL file" in flat(result.stderr)


def test_file_above_max_bytes(tmp_path) -> None:
    config = tmp_path / "newsweave.toml"
    config.write_text("[newsweave]\nmax_bytes = 1000\n", encoding="utf-8")
    huge = tmp_path / "huge.txt"
    huge.write_text("PORT ELLERY – The ferry sailed late. " * 100, encoding="utf-8")
    result = run("compare", huge, GOOD_A, "--config", config, "--format", "json")
    assert result.exit_code == 1
    message = flat(result.stderr)
    size = huge.stat().st_size
    assert f"{huge}: is {size:,} bytes, larger than the limit of 1,000 bytes" in message
    assert "max_bytes" in message
    # The good report is under the limit and still compared.
    assert len(json.loads(result.stdout)["articles"]) == 1


def test_unknown_format_is_a_usage_error() -> None:
    result = run("compare", GOOD_A, "--format", "yaml")
    assert result.exit_code == 2
    assert "yaml" in result.stderr and "--format" in result.stderr


def test_no_inputs_is_a_usage_error() -> None:
    result = run("compare")
    assert result.exit_code == 2
    assert "INPUTS" in result.stderr


# -- demo ----------------------------------------------------------------------


def test_demo_writes_html_with_the_outlets(tmp_path) -> None:
    out = tmp_path / "tmp" / "demo.html"
    out.parent.mkdir()
    result = run("demo", "-o", out)
    assert result.exit_code == 0, result.stderr
    html = out.read_text(encoding="utf-8")
    samples = resources.files("newsweave") / "samples"
    outlets = [json.loads(p.read_text(encoding="utf-8"))["outlet"]
               for p in samples.iterdir() if p.name.endswith(".json")]
    assert len(outlets) == 4
    for outlet in outlets:
        assert outlet in html
    assert str(out) in flat(result.stderr)


# -- help ----------------------------------------------------------------------


def commands() -> list[tuple[str, click.Command]]:
    return [("newsweave", cli), *((f"newsweave {n}", c) for n, c in cli.commands.items())]


@pytest.mark.parametrize(("name", "command"), commands(), ids=lambda x: str(x))
def test_every_command_and_option_has_help(name: str, command: click.Command) -> None:
    assert command.help and command.help.strip(), f"{name} has no help text"
    missing = [
        param.opts[0]
        for param in command.params
        if isinstance(param, click.Option) and not (param.help and param.help.strip())
    ]
    assert not missing, f"{name}: options without help: {missing}"


@pytest.mark.parametrize("name", ["compare", "demo"])
def test_help_shows_every_option(name: str) -> None:
    result = run(name, "--help")
    assert result.exit_code == 0
    text = flat(result.stdout)
    for param in cli.commands[name].params:
        if isinstance(param, click.Option):
            assert param.opts[-1] in text
            assert flat(param.help or "")[:30] in text


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert "0.1.0" in result.stdout


# -- main: the one place errors become exit codes --------------------------------


def test_main_broken_config_exits_2(tmp_path, capsys) -> None:
    config = tmp_path / "broken.toml"
    config.write_text("[newsweave\n", encoding="utf-8")
    with pytest.raises(SystemExit) as info:
        main(["compare", str(GOOD_A), "--config", str(config)])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("error: [E001]") and str(config) in flat(err)


def test_main_unloadable_model_exits_3(capsys) -> None:
    with pytest.raises(SystemExit) as info:
        main(["compare", str(GOOD_A), "--spacy-model", "no_such_model"])
    assert info.value.code == 3
    assert "error: [E020]" in capsys.readouterr().err


@pytest.mark.parametrize("with_good", [True, False], ids=["missing+good", "missing-only"])
def test_main_failed_input_exits_1(tmp_path, capsys, with_good: bool) -> None:
    argv = ["compare", str(tmp_path / "missing.txt"), "--format", "json"]
    if with_good:
        argv.append(str(GOOD_A))
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert "missing.txt" in capsys.readouterr().err
    assert info.value.code == 1


def test_main_success_exits_0(capsys) -> None:
    with pytest.raises(SystemExit) as info:
        main(["compare", str(GOOD_A), str(GOOD_B), "--format", "json"])
    assert info.value.code == 0
    validate(capsys.readouterr().out)


# -- real processes ------------------------------------------------------------


def console_script() -> Path:
    script = Path(sys.executable).parent / ("newsweave.exe" if os.name == "nt" else "newsweave")
    assert script.exists(), f"no newsweave console script next to {sys.executable}"
    return script


def test_console_script_end_to_end(tmp_path) -> None:
    missing = tmp_path / "gone.txt"
    proc = subprocess.run(
        [str(console_script()), "compare", str(missing), str(GOOD_A), str(GOOD_B),
         "--format", "json"],
        capture_output=True, text=True, timeout=300, env={**os.environ, "COLUMNS": "400"},
    )
    assert f"error: {missing}: no such file or folder" in proc.stderr
    assert "Traceback" not in proc.stderr
    obj = json.loads(proc.stdout)
    validate(obj)
    assert len(obj["articles"]) == 2
    assert proc.returncode == 1


def test_python_dash_m_runs_the_cli() -> None:
    proc = subprocess.run([sys.executable, "-m", "newsweave.cli", "--help"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0
    assert "Usage:" in proc.stdout


def test_story_by_a_retired_id_shows_the_story_it_leads_to(tmp_path) -> None:
    db = tmp_path / "news.db"
    assert run("--db", db, "ingest", "-q", STORIES / "paraphrase").exit_code == 0
    from newsweave.store import Store

    with Store(db) as store:
        [live] = store.stories()
        store.put_story("s-gone", "an older story")
        store.retire_stories({"s-gone": live.id})
    result = run("--db", db, "story", "s-gone", "--format", "json")
    assert result.exit_code == 0
    assert f"story s-gone was merged into {live.id}" in flat(result.stderr)
    data = json.loads(result.stdout)
    assert sorted(a["id"] for a in data["articles"]) == sorted(live.article_ids)
    from newsweave.errors import NotFound

    with pytest.raises(NotFound, match="s-never"):  # main() prints it as an error
        run("--db", db, "story", "s-never")


def test_a_search_that_does_not_parse_says_it_was_read_as_words(tmp_path) -> None:
    db = tmp_path / "news.db"
    assert run("--db", db, "ingest", "-q", STORIES / "paraphrase").exit_code == 0
    odd = run("--db", db, "search", "NEAR(")
    assert odd.exit_code == 0
    assert "searched as plain words" in odd.stderr
    assert json.loads(run("--db", db, "search", "NEAR(", "--format", "json").stdout)["as_words"]
    plain = run("--db", db, "search", "warehouse", "--format", "json")
    data = json.loads(plain.stdout)
    assert data["hits"] and data["as_words"] is False
    assert "plain words" not in run("--db", db, "search", "warehouse").stderr


# -- hostile text never drives the terminal --------------------------------------

# Clear the screen, retitle the window, a C1 CSI (red) and a carriage return; a file name can
# hold them all. Reports add an OSC 8 link (its URL has slashes, which a file name cannot).
NAME_ESCAPES = "\x1b[2J\x1b]0;pwned\x07\x9b31m\r"
ESCAPES = NAME_ESCAPES + "\x1b]8;;http://evil.example/\x1b\\"
# What may not be left once rich's own colours (SGR) are taken out: tab and newline are layout.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def hostile_inputs(folder: Path) -> tuple[Path, Path]:
    """A JSONL whose outlets, titles and texts carry escape sequences, and an empty file (a
    failure) whose name does."""
    records = [
        {"outlet": f"Evil{ESCAPES} Post", "title": f"Harbour fire{ESCAPES}",
         "text": f"PORT ELLERY – A fire{ESCAPES} destroyed a grain warehouse at the port on "
                 "Tuesday night. Crews fought the blaze for three hours, the fire chief said."},
        {"outlet": "Plain Post", "title": "Warehouse fire at the port",
         "text": "PORT ELLERY – Fire destroyed a grain warehouse at the port on Tuesday night. "
                 "Firefighters needed three hours to bring the blaze under control."},
    ]
    feed = folder / "hostile.jsonl"
    feed.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    empty = folder / f"empty{NAME_ESCAPES}.txt"
    empty.write_bytes(b"")
    return feed, empty


def assert_no_control(text: str) -> None:
    left = re.sub(r"\x1b\[[0-9;]*m", "", text)
    assert not CONTROL.search(left), repr(left[:600])


def test_control_characters_never_reach_the_terminal(tmp_path) -> None:
    feed, empty = hostile_inputs(tmp_path)
    db = tmp_path / "news.db"
    # FORCE_COLOR: rich writes as to a terminal; color=True: click keeps what it would print.
    runner = CliRunner(env={"COLUMNS": "400", "FORCE_COLOR": "1"})
    commands = [
        ["ingest", "-q", feed, empty],
        ["stories"],
        ["search", "warehouse"],
        ["failures"],
        ["compare", feed, empty],
    ]
    shown = ""
    for args in commands:
        result = runner.invoke(cli, ["--db", db, *map(str, args)], catch_exceptions=False,
                               color=True)
        assert result.exit_code in (0, 1), result.output
        assert_no_control(result.stdout)
        assert_no_control(result.stderr)
        shown += result.stdout + result.stderr
    # What is left of the sequences shows as text.
    assert "Evil[2J]0;pwned" in shown and "empty[2J]0;pwned31m.txt" in shown
    # JSON is not a terminal: it keeps the data (escaped as \u001b).
    data = json.loads(run("--db", db, "stories", "--format", "json").stdout)
    outlets = {a["outlet"] for st in data["stories"] for a in st["articles"]}
    assert f"Evil{ESCAPES} Post" in outlets


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_markdown_and_html_carry_no_control_characters(tmp_path, fmt: str) -> None:
    feed, _ = hostile_inputs(tmp_path)
    printed = run("compare", feed, "--format", fmt)
    assert printed.exit_code == 0, printed.stderr
    out = tmp_path / f"report.{fmt}"
    assert run("compare", feed, "--format", fmt, "-o", out).exit_code == 0
    for text in (printed.stdout, out.read_text(encoding="utf-8")):
        assert "pwned" in text and "Plain Post" in text
        assert_no_control(text)


def test_error_lines_carry_no_control_characters(tmp_path, capsys) -> None:
    config = tmp_path / f"broken{NAME_ESCAPES}.toml"
    config.write_text("[newsweave\n", encoding="utf-8")
    with pytest.raises(SystemExit) as info:
        main(["compare", str(GOOD_A), "--config", str(config)])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("error: [E001]") and "broken[2J]0;pwned31m.toml" in err
    assert_no_control(err)


# -- usage errors are found before any work, and exit 2 ---------------------------


def test_a_since_that_is_not_a_date_is_a_usage_error(tmp_path) -> None:
    db = tmp_path / "news.db"
    result = run("--db", db, "stories", "--since", "garbage")
    assert result.exit_code == 2
    message = flat(result.stderr)
    assert "--since" in message and "'garbage' is not an ISO 8601 date" in message
    assert run("--db", db, "stories", "--since", "2025-03-19T14:30:00+00:00").exit_code == 0


@pytest.mark.parametrize("limit", ["0", "-3"])
def test_a_search_limit_below_one_is_a_usage_error(tmp_path, limit: str) -> None:
    result = run("--db", tmp_path / "news.db", "search", "fire", "--limit", limit)
    assert result.exit_code == 2
    assert "--limit" in result.stderr and "x>=1" in result.stderr


@pytest.mark.parametrize("command", ["compare", "ingest"])
def test_published_must_be_an_iso_date(tmp_path, command: str) -> None:
    db = tmp_path / "news.db"
    result = run("--db", db, command, GOOD_A, "--published", "notadate")
    assert result.exit_code == 2
    message = flat(result.stderr)
    assert "--published" in message and "'notadate' is not an ISO 8601 date or date-time" in message
    assert "2025-03-19" in message
    assert not db.exists()  # refused before the store was opened


def test_published_date_time_is_kept_as_written() -> None:
    result = run("compare", GOOD_A, "--format", "json", "--published", " 2025-05-09T08:30:00+02:00")
    assert result.exit_code == 0, result.stderr
    [article] = json.loads(result.stdout)["articles"]
    assert article["published"] == "2025-05-09T08:30:00+02:00"
    # A day must lead: the store and the clusterer read the first ten characters as one.
    assert run("compare", GOOD_A, "--published", "20250509").exit_code == 2


@pytest.mark.parametrize("command", [
    ["compare", str(GOOD_A)], ["story", "s-any"], ["demo"],
], ids=lambda c: c[0])
def test_an_output_file_in_a_missing_folder_is_refused_first(tmp_path, command) -> None:
    out = tmp_path / "missing" / "out.json"
    result = run("--db", tmp_path / "news.db", *command, "-o", out)
    assert result.exit_code == 2
    message = flat(result.stderr)
    assert "--output" in message and f"the folder '{out.parent}' does not exist" in message
    assert not (tmp_path / "news.db").exists()  # nothing ran


def test_an_output_file_under_a_file_or_a_folder_is_refused(tmp_path) -> None:
    afile = tmp_path / "report.txt"
    afile.write_text("x", encoding="utf-8")
    result = run("compare", GOOD_A, "-o", afile / "out.json")
    assert result.exit_code == 2
    assert f"the folder '{afile}' is a file, not a folder" in flat(result.stderr)
    result = run("compare", GOOD_A, "-o", tmp_path)
    assert result.exit_code == 2 and "is a directory" in flat(result.stderr)
    result = run("compare", GOOD_A, "-o", f"{tmp_path}/new/")
    assert result.exit_code == 2 and "names a folder" in flat(result.stderr)

def _hostile_batch(folder: Path) -> list[str]:
    """A folder of hostile inputs beside two good reports; the names of the bad ones."""
    import gzip

    folder.mkdir()
    (folder / "good.txt").write_text(GOOD_A.read_text(encoding="utf-8"), encoding="utf-8")
    with open(os.path.join(os.fsencode(folder), b"good-\xff\xfe.txt"), "wb") as fh:
        fh.write(GOOD_B.read_bytes())
    (folder / "bomb.warc.gz").write_bytes(gzip.compress(bytes(16 << 20)))
    (folder / "long.txt").write_text("Word " * 300_000, encoding="utf-8")
    (folder / "deep.json").write_text("[" * 100_000, encoding="utf-8")
    (folder / "feed.xml").write_text(
        '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "ha">]><rss version="2.0"><channel>'
        "<item><title>&a;</title><description>&a;</description></item></channel></rss>",
        encoding="utf-8",
    )
    (folder / "malformed.html").write_text("<html><body><p>Hello world!<div><p", "utf-8")
    with open(os.path.join(os.fsencode(folder), b"empty-\xff.txt"), "wb"):
        pass
    return ["bomb.warc.gz", "deep.json", "empty-\\xff.txt", "feed.xml", "long.txt",
            "malformed.html"]


def test_compare_a_hostile_batch_reads_the_good_reports(tmp_path) -> None:
    bad = _hostile_batch(tmp_path / "batch")
    result = run("compare", tmp_path / "batch", "--format", "json")
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert sorted(line.split(": ")[1].rsplit("/", 1)[1] for line in lines) == bad
    obj = json.loads(result.stdout)
    assert sorted(a["path"].rsplit("/", 1)[1] for a in obj["articles"]) == [
        "good-\\xff\\xfe.txt", "good.txt"
    ]


def test_ingest_a_hostile_batch_stores_the_good_reports_and_every_failure(tmp_path) -> None:
    bad = _hostile_batch(tmp_path / "batch")
    db = tmp_path / "news.db"
    result = run("--db", db, "ingest", "-q", tmp_path / "batch")
    assert result.exit_code == 1
    failures = json.loads(run("--db", db, "failures", "--format", "json").stdout)["failures"]
    assert sorted(f["source"].rsplit("/", 1)[1] for f in failures) == bad
    assert all(len(f["reason"]) < 1100 for f in failures)
    from newsweave.store import Store

    with Store(db) as store:
        [story] = store.stories()
        assert len(story.article_ids) == 2
