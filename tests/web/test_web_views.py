"""The people and organisations panel, built from a comparison's entities as the
comparison stores them (the tagger's labels and the linker's merges, written here)."""

from __future__ import annotations

import re

from newsweave.model import Article
from newsweave.web.views import entities_view

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
