"""Reports and helpers the web tests share (a module of its own: test modules import it)."""

from __future__ import annotations

from pathlib import Path

from newsweave.library import Library
from newsweave.model import Article
from newsweave.outlets import parse_registry
from newsweave.store import Store

STORIES = Path(__file__).resolve().parents[1] / "fixtures" / "stories"
FOLDERS = ["copy", "number-conflict", "role-conflict"]

# Every field a report controls is an attack; each payload sets window.__pwned if it runs.
HOSTILE = [
    Article(
        text=(
            "HARTWELL – <script>window.__pwned = 1</script> The Hartwell council approved a "
            "budget of 4 million pounds on Monday, officials said. <img src=x "
            'onerror="window.__pwned = 2"> The vote was 7 to 2, according to the clerk. '
            "Mayor Alma Reyes said the budget funds two new libraries."
        ),
        outlet='<b onmouseover="window.__pwned = 5">Evil & Co</b>',
        title="</title><script>window.__pwned = 3</script> Budget passes",
        url="javascript:window.__pwned=4",
        published="2025-04-07",
    ),
    Article(
        text=(
            "HARTWELL – The Hartwell council approved a budget of 3 million pounds on Monday, "
            'officials said. "><svg onload="window.__pwned = 6"> The vote was 7 to 2, '
            "according to the clerk. Mayor Alma Reyes praised the vote."
        ),
        outlet='"><img src=x onerror="window.__pwned = 7">Plain Post',
        title='Council <a href="javascript:window.__pwned=8">budget</a> approved',
        url='https://example.org/budget?a="><script>window.__pwned=9</script>',
        published="2025-04-08",
    ),
]
HOSTILE_TEXT = "<script>window.__pwned = 1</script>"

# An undated story told by many outlets with long names (written for these tests): its
# claim matrix is wider than a phone and than most laptop screens, and it has no date.
WIDE_REPORTS = {
    "Marlow Vale Evening Chronicle and Advertiser": (
        "MARLOW VALE – Fire gutted the Ostrander Street tram depot overnight, destroying 11 "
        "trams, fire chief Ines Carvalho said. Fourteen fire crews fought the blaze for six "
        "hours. Nobody was hurt."
    ),
    "Halden Regional Broadcasting Corporation": (
        "A blaze at the Ostrander Street depot in Marlow Vale destroyed 11 trams on Monday "
        "night. Ines Carvalho, the city's fire chief, said the cause was not yet known. "
        "Halden Transit suspended the Marlow Vale line until Friday."
    ),
    "The Ostrander Street Community Newsletter": (
        "Residents near the Ostrander Street tram depot were woken by explosions shortly "
        "after midnight as fire swept through the building. Twelve trams were destroyed, "
        "according to Halden Transit. Fire chief Ines Carvalho said crews stayed for six hours."
    ),
    "Northern Provinces Wire Service International": (
        "MARLOW VALE – Fifteen fire crews took five hours to bring a fire at the Ostrander "
        "Street tram depot under control, fire chief Ines Carvalho said. Eleven trams were "
        "lost. Investigators will visit the depot on Wednesday."
    ),
    "Tramway Enthusiasts Quarterly Online Edition": (
        "The Ostrander Street depot, built in 1911, housed the oldest trams of Marlow Vale. "
        "Eleven of them burned in Monday's fire, Halden Transit confirmed. Services on the "
        "Marlow Vale line are suspended until Saturday."
    ),
    "Marlow Vale Morning Post and Gazette": (
        "Halden Transit will run buses in place of trams on the Marlow Vale line after fire "
        "destroyed 11 trams at the Ostrander Street depot. Fire chief Ines Carvalho said "
        "nobody was hurt."
    ),
    "Independent Transport Reporting Cooperative": (
        "Eleven trams were destroyed when fire tore through the Ostrander Street depot in "
        "Marlow Vale, fire chief Ines Carvalho said. The Marlow Vale line will stay closed "
        "until Friday, Halden Transit said."
    ),
    "South Marlow Neighbourhood Radio Station": (
        "Firefighters spent six hours at the burning Ostrander Street tram depot in Marlow "
        "Vale, where 11 trams were destroyed. Fire chief Ines Carvalho said the depot roof "
        "collapsed at about two in the morning."
    ),
}
WIDE_TITLE = ("Overnight fire guts the Ostrander Street tram depot in Marlow Vale and destroys "
              "most of the city's heritage tram fleet")
# One title is a bare URL, as some crawled pages have: one long word.
WIDE_URL_TITLE = ("https://example.org/news/marlow-vale/overnight-fire-guts-the-ostrander-"
                  "street-tram-depot-and-destroys-most-of-the-heritage-tram-fleet.html")
WIDE = [Article(text=text, outlet=outlet, title=WIDE_URL_TITLE if n == 3 else WIDE_TITLE)
        for n, (outlet, text) in enumerate(WIDE_REPORTS.items())]

def fresh_story(day: str) -> list[Article]:
    """Two reports of a story no other test compares (give each test its own ``day``, so
    that no claim was embedded before): its first comparison takes a moment."""
    return [
        Article(text=f"LINDQVIST – The Lindqvist lock gates failed on {day}, stranding 41 "
                     "barges on the Orrin canal, the canal trust said. Repairs will take "
                     "three weeks.",
                outlet="Orrin Valley Courier", published="2025-06-05"),
        Article(text="Forty-one barges were stranded on the Orrin canal after the Lindqvist "
                     f"lock gates failed on {day}. The canal trust expects repairs to take "
                     "a month.",
                outlet="Canal Users Bulletin", published="2025-06-06"),
    ]


def story_of(library: Library, article_path_part: str) -> str:
    """The id of the story holding the report whose path or outlet contains the given text."""
    for story in library.stories_dict()["stories"]:
        for a in story["articles"]:
            if article_path_part in (a["path"] or "") or article_path_part in (a["outlet"] or ""):
                return story["id"]
    raise AssertionError(f"no story holds a report like {article_path_part!r}")


# --- outlets with a registry (written for these tests: fictional outlets and events) -----

# Two outlets of one owner, a third of another owner with the same lean, a fourth of
# another lean, and two outlets the registry does not know.
OUTLET_REGISTRY = """domain,name,owner,country,lean,aliases
kelmoorherald.co.uk,Kelmoor Herald,Brannock Media,GB,right,
kelmoorstar.co.uk,Kelmoor Evening Star,Brannock Media,GB,right,
tarrowledger.com,Tarrow Daily Ledger,Tarrow Press Trust,US,right,The Tarrow Ledger
velmpost.com,Velm Post,Ashgrove Holdings,US,left,
"""

# Three stories, each (id, title, reports). The bridge story: its leans are all "right"
# where known (the radio station is unregistered), and one claim (the repair bill) is
# told only by the two outlets of Brannock Media. The ferry story: only US outlets, of
# two leans. The orchard story: only outlets the registry does not know.
OUTLET_STORIES = [
    ("bridge", "Saltmarsh Bridge in Kelmoor closes after cracks are found", [
        Article(text=(
            "KELMOOR – The Saltmarsh Bridge in Kelmoor closed on Monday after engineers "
            "found cracks in two of its piers. The council will pay 2.4 million pounds for "
            "the repairs. Drivers face a detour of nine miles through Oxley."),
            outlet="Kelmoor Herald", title="Saltmarsh Bridge shut over cracked piers",
            published="2025-03-03"),
        Article(text=(
            "Engineers found cracks in two piers of the Saltmarsh Bridge, and the Kelmoor "
            "crossing closed on Monday. The council will pay 2.4 million pounds for the "
            "repairs, its treasurer Ravi Dunmore said. Buses will stop at the Oxley depot "
            "instead."),
            outlet="Kelmoor Evening Star", title="Cracks close Kelmoor's Saltmarsh Bridge",
            published="2025-03-03"),
        Article(text=(
            "KELMOOR – The Saltmarsh Bridge closed on Monday after engineers found cracks "
            "in two of its piers, the county said. The bridge carries 30,000 vehicles a day. "
            "Shops on the Kelmoor quay fear losing trade during the closure."),
            outlet="The Tarrow Ledger", url="https://www.tarrowledger.com/news/saltmarsh",
            title="Kelmoor bridge closed", published="2025-03-04"),
        Article(text=(
            "The Saltmarsh Bridge in Kelmoor stays closed after engineers found cracks in "
            "two of its piers on Monday. Ferry crossings to Oxley will run every half hour "
            "while the bridge is shut, the harbour master said."),
            outlet="Orrin Community Radio", title="Saltmarsh Bridge: ferries added",
            published="2025-03-04"),
    ]),
    ("ferry", "Tarrow ferry crews strike over rosters", [
        Article(text=(
            "TARROW – Ferry crews in Tarrow walked out on Wednesday in a dispute over "
            "rosters, cancelling all 40 daily sailings, the union said. Talks resume on "
            "Friday."),
            outlet="Tarrow Daily Ledger", title="Tarrow ferry crews strike",
            published="2025-03-05"),
        Article(text=(
            "All 40 daily ferry sailings from Tarrow were cancelled on Wednesday when crews "
            "struck over rosters, according to the union. The ferry company called the "
            "strike regrettable."),
            outlet="Velm Post", title="Ferry strike cancels Tarrow sailings",
            published="2025-03-05"),
    ]),
    ("orchard", "Fire in the Pellam orchards", [
        Article(text=(
            "PELLAM – Fire swept through 60 acres of apple orchards near Pellam on Sunday, "
            "the fire service said. Nobody was hurt."),
            outlet="Orrin Community Radio", title="Pellam orchards burn",
            published="2025-03-02"),
        Article(text=(
            "Sixty acres of orchards burned near Pellam on Sunday, the fire service said. "
            "Growers fear the loss of this year's apple harvest."),
            outlet="Pellam Free Press", title="Orchard fire near Pellam",
            published="2025-03-02"),
    ]),
]


def outlet_store(store: Store) -> dict[str, str]:
    """Fill ``store`` with the outlet stories (grouped as written, not by the clusterer)
    and the registry; return the story ids by name (``bridge``, ``ferry``, ``orchard``)."""
    rows, problems = parse_registry(OUTLET_REGISTRY.encode(), "registry.csv")
    assert problems == []
    ids = {}
    for name, title, articles in OUTLET_STORIES:
        reports = [Article(**a.to_dict()) for a in articles]
        store.put_articles(reports)
        story_id = f"story-{name}"
        store.put_story(story_id, title)
        for a in reports:
            store.assign_story(a.id, story_id)
        ids[name] = story_id
    store.add_outlets(rows)
    return ids


def one_story_each(store, articles: list[Article]) -> None:  # noqa: ANN001 - a Store
    """Store the reports, each as a story of its own ("s0", "s1", ...), with no NLP."""
    store.put_articles(articles)
    for n, article in enumerate(articles):
        store.put_story(f"s{n}", f"Story {n}")
        store.assign_story(article.id, f"s{n}")
