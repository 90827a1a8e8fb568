"""The people and organisations panel, built from a comparison's entities as the
comparison stores them (the tagger's labels and the linker's merges, written here)."""

from __future__ import annotations

import re

from newsweave.model import AnalyzedArticle, Article, Comparison
from newsweave.web.views import coverage, coverage_view, entities_view, one_side_marks

# Two reports as a tagger reads them: people, a weapon, a region and a neighbourhood.
TEXTS = {
    "a1": (
        "Mark Jay Heller, the defence lawyer, said the Javelin missiles reached "
        "Zaporizhzhia on Monday. Heller said the shipment left from Morningside. "
        "Mrs Okafor, the Morningside councillor, said the Zaporizhzhia region was calm. "
        "Trump and Russian President Anton Volkov spoke by phone. Ada Okafor agreed."
    ),
    "a2": (
        "Mark Heller said Javelin launchers were sent to Zaporizhzhia. The Morningside "
        "Residents Association protested. Anton Volkov, the Russian president, met the "
        "protesters with a Javelin in an effigy of Gov. Ada Okafor nearby. "
        "http://example.org/heller-2024"
    ),
}
ARTICLES = {aid: Article(text=text, id=aid, outlet=f"Outlet {aid}") for aid, text in TEXTS.items()}
LABELS = {aid: f"Outlet {aid}" for aid in TEXTS}


def _entity(label: str, name: str, surfaces: list[tuple[str, str]], *, titles=(),
            aliases=None) -> dict:
    """An entity as ``comparison_data`` stores it, its mentions found in the texts: each
    surface is the mention's words, then "|" and the words after it where needed."""
    mentions = []
    for article, words in surfaces:
        span, _, after = words.partition("|")
        for m in re.finditer(re.escape(span) + f"(?={re.escape(after)})", TEXTS[article]):
            mentions.append({"article": article, "start": m.start(), "end": m.end()})
    assert mentions, (name, surfaces)
    return {
        "key": f"{label}:{name.lower()}",
        "label": label,
        "name": name,
        "aliases": aliases if aliases is not None else list(
            dict.fromkeys(w.partition("|")[0] for _, w in surfaces)),
        "titles": list(titles),
        "mentions": mentions,
    }


ENTITIES = [
    # The linker kept three names of one man apart (two full names end in "Heller").
    _entity("PERSON", "Mark Jay Heller", [("a1", "Mark Jay Heller")], titles=["defence lawyer"]),
    _entity("PERSON", "Mark Heller", [("a2", "Mark Heller")]),
    _entity("PERSON", "Heller", [("a1", "Heller| said")], aliases=["Heller"]),
    # A page link the tagger took for a name.
    _entity("PERSON", "http://example.org/heller-2024", [("a2", "http://example.org/heller-2024")]),
    # The tagger called a weapon and a region persons in some mentions.
    _entity("PERSON", "Javelin", [("a2", "Javelin| in")], aliases=["Javelin"]),
    _entity("PRODUCT", "Javelin", [("a1", "Javelin| missiles"), ("a2", "Javelin| launchers")],
            aliases=["Javelin"]),
    _entity("PERSON", "Zaporizhzhia", [("a1", "Zaporizhzhia| region")], aliases=["Zaporizhzhia"]),
    _entity("GPE", "Zaporizhzhia", [("a1", "Zaporizhzhia| on"), ("a2", "Zaporizhzhia|.")],
            aliases=["Zaporizhzhia"]),
    # A neighbourhood only ever named alone as a person, and inside an organisation's name.
    _entity("PERSON", "Morningside", [("a1", "Morningside|.")], aliases=["Morningside"]),
    _entity("ORG", "Morningside Residents Association",
            [("a2", "Morningside Residents Association")]),
    # A courtesy title and a full name; a role that joins two names; one "of" a title.
    _entity("PERSON", "Ada Okafor", [("a1", "Ada Okafor"), ("a2", "Ada Okafor")],
            titles=["Morningside councillor", "effigy of Gov."]),
    _entity("PERSON", "Mrs Okafor", [("a1", "Mrs Okafor")]),
    _entity("PERSON", "Anton Volkov", [("a1", "Anton Volkov"), ("a2", "Anton Volkov")],
            titles=["Trump and Russian President", "Russian president"]),
    _entity("PERSON", "Trump", [("a1", "Trump")]),
]


def _panel() -> dict[str, dict]:
    return {e["name"]: e for e in entities_view(ENTITIES, LABELS, ARTICLES)}


def test_places_and_things_are_not_people():
    panel = _panel()
    people = [name for name, e in panel.items() if e["kind"] == "Person"]
    for thing in ["Javelin", "Zaporizhzhia", "Morningside"]:
        assert thing not in people
        assert not any(thing in e["aliases"] for e in panel.values() if e["kind"] == "Person")
    assert panel["Morningside Residents Association"]["kind"] == "Organisation"


def test_variants_of_a_name_are_one_person_with_aliases():
    panel = _panel()
    heller = panel["Mark Jay Heller"]
    assert heller["kind"] == "Person"
    assert set(heller["aliases"]) == {"Mark Heller", "Heller"}
    assert heller["mentions"] == 3 and heller["outlets"] == ["Outlet a1", "Outlet a2"]
    assert "Mark Heller" not in panel and "Heller" not in panel
    assert not [name for name in panel if "example.org" in name]
    assert heller["titles"] == ["defence lawyer"]
    okafor = panel["Ada Okafor"]
    assert "Mrs Okafor" in okafor["aliases"] and "Mrs Okafor" not in panel


def test_a_role_that_joins_names_or_is_not_a_title_is_dropped():
    panel = _panel()
    assert panel["Anton Volkov"]["titles"] == ["Russian president"]
    assert panel["Ada Okafor"]["titles"] == ["Morningside councillor"]
    # A person with both a full name and one of its words stays a person.
    assert panel["Trump"]["kind"] == "Person"


def test_a_person_named_after_a_place_stays_a_person():
    texts = {"b1": "George Washington crossed the river. Washington is a city. "
                   "Washington wrote home."}
    articles = {"b1": Article(text=texts["b1"], id="b1")}
    text = texts["b1"]
    person = {"key": "PERSON:george washington", "label": "PERSON", "name": "George Washington",
              "aliases": ["George Washington", "Washington"], "titles": [],
              "mentions": [{"article": "b1", "start": 0, "end": 17},
                           {"article": "b1", "start": text.rindex("Washington"),
                            "end": text.rindex("Washington") + 10}]}
    city = {"key": "PLACE:washington", "label": "GPE", "name": "Washington",
            "aliases": ["Washington"], "titles": [],
            "mentions": [{"article": "b1", "start": text.index("Washington is"),
                          "end": text.index("Washington is") + 10}] * 3}
    [entry] = entities_view([person, city], {"b1": "B"}, articles)
    assert entry["name"] == "George Washington" and entry["kind"] == "Person"


# --- who covered a story ------------------------------------------------------------------


def _report(aid: str, outlet_id: str | None, owner: str | None = None,
            country: str | None = None, lean: str | None = None) -> Article:
    return Article(text=f"Report {aid}.", id=aid, outlet=outlet_id, outlet_id=outlet_id,
                   owner=owner, country=country, lean=lean)


def test_coverage_counts_outlets_once_and_each_unknown_report_alone():
    reports = [
        _report("h1", "herald.co.uk", "Brannock Media", "GB", "right"),
        _report("h2", "herald.co.uk", "Brannock Media", "GB", "right"),
        # One owner however the registry spells it.
        _report("s1", "star.co.uk", "brannock  media", "GB", "right"),
        _report("u1", None),
        _report("u2", None),
    ]
    got = coverage(reports)
    assert got["outlets"] == 4
    assert got["owners"] == [{"value": "Brannock Media", "outlets": 2, "reports": 3},
                             {"value": None, "outlets": 2, "reports": 2}]
    assert got["only_lean"] == "right" and got["only_country"] == "GB"
    view = coverage_view(got)
    assert [b["id"] for b in view["bars"]] == ["owners", "countries", "leans"]
    assert view["only"] == [
        "Covered only by outlets the registry rates right; 2 outlets have no known lean.",
        "Covered only by outlets the registry places in GB; 2 outlets have no known country.",
    ]
    owners = view["bars"][0]["segments"]
    assert [s["colour"] for s in owners] == ["seg-0", "seg-unknown"]
    assert [s["width"] for s in owners] == [300, 300]


def test_coverage_draws_no_bar_of_nothing_known():
    nothing = coverage_view(coverage([_report("a", "a.com"), _report("b", None)]))
    assert nothing["bars"] == [] and nothing["only"] == []
    leans = coverage_view(coverage([_report("a", "a.com", lean="left"),
                                    _report("b", "b.com", lean="right")]))
    assert [b["id"] for b in leans["bars"]] == ["leans"]
    assert leans["only"] == ["The registry gives no owner or country for these outlets."]


def test_a_claim_of_one_owners_outlets_is_marked_and_a_copy_counts_as_its_original():
    herald = _report("h", "herald.co.uk", "Brannock Media", "GB", "right")
    star = _report("s", "star.co.uk", "Brannock Media", "GB", "right")
    velm = _report("v", "velmpost.com", "Ashgrove Holdings", "US", "right")  # copies h
    ledger = _report("l", "ledger.com", "Tarrow Press Trust", "US", None)
    post = _report("p", "post.com", "Ashgrove Holdings", "US", "right")
    comparison = Comparison(
        articles=[AnalyzedArticle(a) for a in (herald, star, velm, ledger, post)],
        claims=[], brief=[], copy_of={"v": "h"},
    )

    assert one_side_marks(comparison, ["h", "s", "v"]) == [
        "only outlets of Brannock Media", "only right outlets"]
    # The copy is the Herald's report: one outlet, already "single source".
    assert one_side_marks(comparison, ["h", "v"]) == []
    # The copy counts as the Herald, whatever outlet ran it.
    assert one_side_marks(comparison, ["s", "v"]) == [
        "only outlets of Brannock Media", "only right outlets"]
    assert one_side_marks(comparison, ["s", "p"]) == ["only right outlets"]  # two owners
    assert one_side_marks(comparison, ["h", "l"]) == []  # one lean unknown
