"""Outlets: where a report's outlet comes from, the registry, and independence by owner.

Every outlet, domain and event here is fictional (written for these tests).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsweave.cli import cli, main
from newsweave.dedup import independent_sources
from newsweave.engine import Engine
from newsweave.ingest import read_inputs
from newsweave.library import Library
from newsweave.model import Article
from newsweave.outlets import (
    UNKNOWN_OUTLET,
    Registry,
    RegistryRow,
    identify,
    outlet_key,
    parse_registry,
    registered_domain,
)
from newsweave.store import Store

# Three tellings of one event by outlets of two owners (the Post and the Herald share one).
BRIDGE = [
    ("The council of Marlow voted on Tuesday to close the harbour bridge for six months of "
     "repairs, officials said. The mayor said the work would cost 4 million dollars."),
    ("Marlow's council decided on Tuesday that the harbour bridge will shut for six months "
     "of repairs. The mayor put the cost of the work at 4 million dollars."),
    ("Councillors in Marlow agreed on Tuesday to close the harbour bridge for repairs that "
     "will take six months. The work will cost 4 million dollars, the mayor said."),
]
REGISTRY_CSV = """domain,name,owner,country,lean,aliases
marlowpost.com,The Marlow Post,Coastal Media Group,GB,left,Marlow Post;MP
valleyherald.co.uk,Valley Herald,Coastal Media Group,GB,left,
harbourtimes.net,Harbour Times,Harbour Trust,GB,centre,
"""


# -- where the outlet comes from -----------------------------------------------------------


@pytest.mark.parametrize(("value", "domain"), [
    ("https://www.marlowpost.com/news/1", "marlowpost.com"),
    ("http://news.valleyherald.co.uk/a?b=c", "valleyherald.co.uk"),
    ("//ledger.blogspot.com/post", "ledger.blogspot.com"),  # a private suffix: its own outlet
    ("WWW.HarbourTimes.NET", "harbourtimes.net"),
    ("https://paper.example/x", "paper.example"),  # no public suffix: the host itself
    ("http://127.0.0.1:8000/a", None),
    ("http://[::1]/a", None),
    ("localhost", None),
    ("Marlow Post", None),
    ("", None),
    (None, None),
])
def test_registered_domain(value, domain):
    assert registered_domain(value) == domain


def test_outlet_key_ignores_case_accents_punctuation_and_the():
    assert outlet_key("The Marlow Post") == outlet_key("marlow post.") == "marlow-post"
    assert outlet_key("Café Courier") == "cafe-courier"
    assert outlet_key("!!!") is None


def test_identify_each_source_of_the_name():
    # The record's name, whatever the URL: two outlets under one host stay two.
    found = identify("Marlow Post", "https://www.marlowpost.com/a")
    assert (found.id, found.name) == ("marlow-post", "Marlow Post")
    assert identify("Valley Herald", "https://hosting.org/valley").id == "valley-herald"
    # No name: the URL's registered domain is both.
    found = identify(None, "https://news.valleyherald.co.uk/a")
    assert (found.id, found.name) == ("valleyherald.co.uk", "valleyherald.co.uk")
    # A name only.
    assert identify("The Marlow Post", None).id == "marlow-post"
    assert identify("marlowpost.com", None).id == "marlowpost.com"
    # Nothing: unknown, and shown as such (never a file name).
    found = identify(None, None)
    assert (found.id, found.name) == (None, None)
    assert Article(text="x", path="/data/reports.jsonl").source_label == UNKNOWN_OUTLET


def test_one_outlet_one_id_whatever_the_spelling_when_the_registry_says_so():
    registry = Registry.of([RegistryRow("marlowpost.com", "The Marlow Post", "Coastal",
                                        aliases=("MP", "Marlow Evening Post"))])
    spellings = [("Marlow Post", None), ("marlowpost.com", None), ("MP", None),
                 ("Marlow Evening Post", None), (None, "https://www.marlowpost.com/x"),
                 ("Some feed title", "https://marlowpost.com/y")]
    found = {identify(name, url, registry) for name, url in spellings}
    assert len(found) == 1
    [one] = found
    assert (one.id, one.name, one.owner) == ("marlowpost.com", "The Marlow Post", "Coastal")
    # Without the registry the spellings stay apart.
    assert len({identify(n, u).id for n, u in spellings}) > 1


def test_the_outlet_from_each_kind_of_input(tmp_path):
    (tmp_path / "sidecar.txt").write_text(BRIDGE[0], encoding="utf-8")
    (tmp_path / "sidecar.json").write_text('{"outlet": "The Marlow Post"}', encoding="utf-8")
    (tmp_path / "bare.txt").write_text(BRIDGE[1], encoding="utf-8")
    (tmp_path / "lines.jsonl").write_text(
        json.dumps({"text": BRIDGE[2], "url": "https://www.harbourtimes.net/b"}) + "\n"
        + json.dumps({"text": BRIDGE[0], "outlet": "Valley Herald"}) + "\n",
        encoding="utf-8")
    body = "<p>" + BRIDGE[1] + "</p>"
    (tmp_path / "named.html").write_text(
        '<html><head><meta property="og:site_name" content="Valley Herald">'
        '<link rel="canonical" href="https://www.valleyherald.co.uk/n"></head>'
        f"<body><article>{body}</article></body></html>", encoding="utf-8")
    (tmp_path / "unnamed.html").write_text(
        '<html><head><link rel="canonical" href="https://news.harbourtimes.net/n"></head>'
        f"<body><article>{body}</article></body></html>", encoding="utf-8")
    articles, failures = read_inputs([str(tmp_path)])
    assert not failures
    outlets = {a.path.rsplit("/", 1)[-1]: a.identify().outlet for a in articles
               if not a.path.endswith(".jsonl")}
    assert outlets["sidecar.txt"] == "The Marlow Post"          # the sidecar
    assert outlets["named.html"] == "Valley Herald"             # og:site_name
    assert outlets["unnamed.html"] == "harbourtimes.net"        # the URL's registered domain
    assert outlets["bare.txt"] is None                          # nothing: not its file name
    records = [a.identify().outlet for a in articles if a.path.endswith(".jsonl")]
    assert records == ["harbourtimes.net", "Valley Herald"]     # a record's URL, its outlet


# -- the registry file ---------------------------------------------------------------------


def test_registry_csv_keeps_good_rows_and_names_each_bad_one():
    data = (REGISTRY_CSV
            + ",No Domain,,,,\n"                                             # line 5
            + "marlowpost.com,The Marlow Post,Another Owner,GB,right,\n"    # line 6
            + "harbourtimes.net,Harbour Times,Harbour Trust,GB,centre,\n"   # line 7: same again
            + "not a domain,,,,,\n"                                          # line 8
            + "longname.org," + "x" * 300 + ",,,,\n").encode()               # line 9
    rows, problems = parse_registry(data, "reg.csv")
    assert [r.domain for r in rows] == ["marlowpost.com", "valleyherald.co.uk",
                                        "harbourtimes.net"]
    assert rows[0].aliases == ("Marlow Post", "MP") and rows[0].lean == "left"
    assert len(problems) == 4
    assert problems[0].startswith("reg.csv line 5: has no domain")
    assert problems[1].startswith("reg.csv line 6: marlowpost.com is given again")
    assert problems[2].startswith("reg.csv line 8: domain 'not a domain'")
    assert problems[3].startswith("reg.csv line 9: name is longer than")


def test_registry_json_and_whole_file_errors():
    rows, problems = parse_registry(json.dumps({"outlets": [
        {"domain": "https://www.marlowpost.com/", "owner": "Coastal", "aliases": ["MP"]},
        {"name": "no domain"}, "not an object"]}).encode(), "reg.json")
    assert [(r.domain, r.owner, r.aliases) for r in rows] == [
        ("marlowpost.com", "Coastal", ("MP",))]
    assert [p.split(":")[0] for p in problems] == ["reg.json item 2", "reg.json item 3"]
    with pytest.raises(ValueError, match="reg.csv has no 'domain' column"):
        parse_registry(b"name,owner\nA,B\n", "reg.csv")
    with pytest.raises(ValueError, match="not UTF-8"):
        parse_registry(b"domain\n\xff\xfe\x00", "reg.csv")
    with pytest.raises(ValueError, match="not valid JSON"):
        parse_registry(b"[{", "reg.json")


# -- the store: the registry applies before and after, owners count once ------------------


def _bridge_articles() -> list[Article]:
    return [
        Article(text=BRIDGE[0], outlet="Marlow Post", published="2026-11-03"),
        Article(text=BRIDGE[1], url="https://news.valleyherald.co.uk/bridge",
                published="2026-11-03"),
        Article(text=BRIDGE[2], outlet="Harbour Times", url="https://harbourtimes.net/b",
                published="2026-11-04"),
    ]


@pytest.fixture
def library(engine, tmp_path):
    store = Store(tmp_path / "news.db")
    yield Library(store, engine)
    store.close()


def test_a_registry_row_applies_to_reports_stored_before_and_after(library):
    store = library.store
    library.ingest_articles(_bridge_articles()[:2])
    before = {a.outlet_id: a.outlet for a in store.articles()}
    assert before == {"marlow-post": "Marlow Post", "valleyherald.co.uk": "valleyherald.co.uk"}
    rows, _ = parse_registry(REGISTRY_CSV.encode(), "reg.csv")
    assert store.add_outlets(rows) == (3, 0)
    assert store.add_outlets(rows) == (0, 0)  # the same rows again change nothing
    library.ingest_articles(_bridge_articles()[2:])
    after = {a.outlet_id: (a.outlet, a.owner) for a in store.articles()}
    assert after == {
        "marlowpost.com": ("The Marlow Post", "Coastal Media Group"),
        "valleyherald.co.uk": ("Valley Herald", "Coastal Media Group"),
        "harbourtimes.net": ("Harbour Times", "Harbour Trust"),
    }
    listed, unknown = store.outlets()
    assert unknown == 0
    assert {o.id: (o.reports, o.registered) for o in listed} == {
        "marlowpost.com": (1, True), "valleyherald.co.uk": (1, True),
        "harbourtimes.net": (1, True)}


def test_outlets_of_one_owner_count_once(library):
    store = library.store
    library.ingest_articles(_bridge_articles())
    [story] = store.stories()
    assert library.story_summary(story.id)["independent_sources"] == 3
    assert library.stories_dict()["stories"][0]["independent_sources"] == 3
    plain = library.story_comparison(story.id)
    assert max(c["independent_sources"] for c in plain["claims"]) == 3

    rows, _ = parse_registry(REGISTRY_CSV.encode(), "reg.csv")
    store.add_outlets(rows)
    summary = library.story_summary(story.id)
    assert summary["independent_sources"] == 2
    assert summary["compared"] is False  # the cached comparison counted outlets, not owners
    listing, _ = library.story_summaries()
    assert listing[0]["independent_sources"] == 2
    assert sorted(listing[0]["outlets"]) == ["Harbour Times", "The Marlow Post", "Valley Herald"]
    stories = library.stories_dict()["stories"]
    assert stories[0]["independent_sources"] == 2
    assert {a["owner"] for a in stories[0]["articles"]} == {"Coastal Media Group",
                                                             "Harbour Trust"}
    data = library.story_comparison(story.id)
    best = max(data["claims"], key=lambda c: c["independent_sources"])
    assert best["independent_sources"] == 2
    assert sorted(best["owners"]) == ["Coastal Media Group", "Harbour Trust"]
    by_outlet, _ = library.story_summaries(outlet="harbourtimes.net")
    assert [s["id"] for s in by_outlet] == [story.id]
    assert library.story_summaries(outlet="nobody.org")[0] == []


def test_a_copy_counts_as_its_original_and_one_outlet_counts_once():
    a = Article(text="x", id="a", outlet_id="marlowpost.com")
    copy = Article(text="x", id="b", outlet_id="valleyherald.co.uk")
    again = Article(text="y", id="c", outlet_id="marlowpost.com")
    unknown = [Article(text="z", id="d"), Article(text="w", id="e")]
    keys = independent_sources([a, copy, again, *unknown], {"b": "a"})
    assert keys["a"] == keys["b"] == keys["c"]
    assert len(set(keys.values())) == 3  # the Post, and each report of no known outlet


def test_compare_without_a_store_counts_outlets(engine):
    articles = [Article(text=BRIDGE[0], outlet="Marlow Post"),
                Article(text=BRIDGE[1], outlet="The Marlow Post"),
                Article(text=BRIDGE[2], url="https://harbourtimes.net/b")]
    comparison = Engine.compare_articles(engine, articles)
    assert max(g.independent_sources for g in comparison.claims) == 2
    data = comparison.to_dict()
    assert [a["outlet_id"] for a in data["articles"]] == ["marlow-post", "marlow-post",
                                                          "harbourtimes.net"]
    assert all(c["owners"] == [] for c in data["claims"])


# -- the command line ----------------------------------------------------------------------


def test_cli_outlets_add_and_list(tmp_path, engine):
    db = tmp_path / "news.db"
    reports = tmp_path / "r.jsonl"
    reports.write_text("".join(json.dumps(a.to_dict()) + "\n" for a in _bridge_articles()),
                       encoding="utf-8")
    registry = tmp_path / "reg.csv"
    registry.write_text(REGISTRY_CSV + ",Nameless,,,,\n", encoding="utf-8")
    runner = CliRunner(env={"COLUMNS": "300"})
    assert runner.invoke(cli, ["--db", str(db), "ingest", str(reports)]).exit_code == 0
    added = runner.invoke(cli, ["--db", str(db), "outlets", "add", str(registry)])
    assert added.exit_code == 1, added.output  # one bad row; the good rows are added
    assert "3 outlets added" in added.output
    assert f"{registry}: line 5: has no domain" in " ".join(added.output.split())
    listed = runner.invoke(cli, ["--db", str(db), "outlets", "--format", "json"])
    data = json.loads(listed.output)
    assert data["unknown_reports"] == 0
    assert {o["id"]: o["owner"] for o in data["outlets"]} == {
        "marlowpost.com": "Coastal Media Group", "valleyherald.co.uk": "Coastal Media Group",
        "harbourtimes.net": "Harbour Trust"}
    text = runner.invoke(cli, ["--db", str(db), "outlets"]).output
    assert "The Marlow Post" in text and "Harbour Trust" in text
    stories = json.loads(runner.invoke(cli, ["--db", str(db), "stories", "--format",
                                             "json"]).output)
    assert stories["stories"][0]["independent_sources"] == 2


def test_cli_outlets_add_refuses_an_unreadable_file(tmp_path, capsys):
    db = tmp_path / "news.db"
    bad = tmp_path / "reg.csv"
    bad.write_text("name,owner\nA,B\n", encoding="utf-8")
    for args in (["outlets", "add", str(bad)], ["outlets", "add", str(tmp_path / "none.csv")]):
        with pytest.raises(SystemExit) as exit_:
            main(["--db", str(db), *args])
        assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "has no 'domain' column" in err and "none.csv" in err


def test_the_example_registry_names_the_demo_outlets(tmp_path):
    """docs/outlets.example.csv, as the README says to use it, on the shipped samples."""
    from importlib import resources

    example = Path(__file__).resolve().parents[1] / "docs" / "outlets.example.csv"
    samples = resources.files("newsweave") / "samples"
    db = tmp_path / "news.db"
    runner = CliRunner(env={"COLUMNS": "300"})
    with resources.as_file(samples) as folder:
        assert runner.invoke(cli, ["--db", str(db), "ingest", str(folder)]).exit_code == 0
    added = runner.invoke(cli, ["--db", str(db), "outlets", "add", str(example)])
    assert added.exit_code == 0, added.output
    data = json.loads(runner.invoke(cli, ["--db", str(db), "outlets", "--format",
                                          "json"]).output)
    assert data["unknown_reports"] == 0
    assert all(o["registered"] and o["reports"] == 1 for o in data["outlets"])
    stories = json.loads(runner.invoke(cli, ["--db", str(db), "stories", "--format",
                                             "json"]).output)["stories"]
    # Four outlets, one a reprint of another's copy, two of one owner: two sources.
    [story] = stories
    assert sum(1 for a in story["articles"] if a["copy_of"]) == 1
    assert story["independent_sources"] == 2


def test_a_store_from_before_outlets_gets_them_on_opening(tmp_path):
    """Migration 0005 on a store of the version before: every report gets its outlet id."""
    from newsweave.store.migrations import MIGRATIONS, Migrations

    before = Migrations()
    for name, fn in MIGRATIONS.items():
        if name < "0005":
            before.register(name)(fn)
    path = tmp_path / "news.db"
    with Store(path, migrations=before) as old:
        old._writer.execute(
            "INSERT INTO articles (id, url, outlet, text, added_at) VALUES "
            "('a', 'https://www.harbourtimes.net/x', NULL, 'One.', '2026-01-01'), "
            "('b', NULL, 'The Marlow Post', 'Two.', '2026-01-01'), "
            "('c', NULL, NULL, 'Three.', '2026-01-01')")
    with Store(path) as store:
        assert "0005_outlets" in store.newly_applied
        ids = {a.id: (a.outlet_id, a.outlet) for a in store.articles()}
        assert ids == {"a": ("harbourtimes.net", "harbourtimes.net"),
                       "b": ("marlow-post", "The Marlow Post"), "c": (None, None)}
        assert store.outlets()[1] == 1


def test_reports_are_labelled_apart_and_never_by_file_name():
    from newsweave.model import report_labels

    arts = [Article(text="a", id="a", path="/x/first.txt"), Article(text="b", id="b", outlet="P"),
            Article(text="c", id="c", path="/x/second.txt"), Article(text="d", id="d", outlet="P")]
    assert report_labels(arts) == {"a": "Unknown outlet 1", "b": "P", "c": "Unknown outlet 2",
                                   "d": "P (2)"}
    assert report_labels(arts[:2]) == {"a": "Unknown outlet", "b": "P"}


def test_compare_with_an_outlet_registry_counts_owners(tmp_path):
    from importlib import resources

    example = Path(__file__).resolve().parents[1] / "docs" / "outlets.example.csv"
    bad = tmp_path / "reg.csv"
    bad.write_text(example.read_text(encoding="utf-8") + ",No domain,,,,\n", encoding="utf-8")
    runner = CliRunner(env={"COLUMNS": "300"})
    with resources.as_file(resources.files("newsweave") / "samples") as folder:
        plain = runner.invoke(cli, ["compare", str(folder), "--format", "json"])
        owned = runner.invoke(cli, ["compare", str(folder), "--outlets", str(bad),
                                    "--format", "json"])
    assert plain.exit_code == 0
    assert owned.exit_code == 1  # the bad row is named; the comparison is still made
    assert "line 6: has no domain" in " ".join(owned.output.split())
    plain_data = json.loads(plain.stdout)
    data = json.loads(owned.stdout)
    assert {a["owner"] for a in data["articles"]} == {
        "Harbourline Media", "Coastline Cooperative", "Tidewater Press Trust"}
    # The Courier and the Record share an owner: a fact only they state is one source.
    owner = {a["id"]: a["owner"] for a in data["articles"]}
    shared = [c for c in data["claims"]
              if len({m["article"] for m in c["mentions"]}) >= 2
              and {owner[m["article"]] for m in c["mentions"]} == {"Harbourline Media"}]
    assert shared and all(c["independent_sources"] == 1 for c in shared)
    before = {c["text"]: c["independent_sources"] for c in plain_data["claims"]}
    assert any(before.get(c["text"]) == 2 for c in shared)


def test_reports_show_owners_and_count_them_once(tmp_path):
    from importlib import resources

    example = Path(__file__).resolve().parents[1] / "docs" / "outlets.example.csv"
    runner = CliRunner(env={"COLUMNS": "300"})
    with resources.as_file(resources.files("newsweave") / "samples") as folder:
        plain = runner.invoke(cli, ["compare", str(folder), "--format", "markdown"]).stdout
        owned = runner.invoke(cli, ["compare", str(folder), "--outlets", str(example),
                                    "--format", "markdown"]).stdout
    # Four reports: one a copy; with the registry, two of the rest share an owner.
    assert "4 reports (3 independent)" in plain
    assert "4 reports (2 independent)" in owned
    assert "Kessington Daily Record (Harbourline Media)" in owned
