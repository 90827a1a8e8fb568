"""Entity mentions with their titles, linking across reports, and title comparison.

Every sentence and name here is made up for these tests. Mentions come from the
real spaCy pipeline of the session ``engine``.
"""

from __future__ import annotations

import pytest

from newsweave.model import Article, EntityMention
from newsweave.nlp.entities import (
    EntityLinker,
    extract_mentions,
    normalise_title,
    titles_compatible,
)


@pytest.fixture(scope="module")
def nlp(engine):
    return engine.analyzer.nlp


def people(nlp, text: str) -> dict[str, EntityMention]:
    found = {m.text: m for m in extract_mentions(nlp(text)) if m.label == "PERSON"}
    for m in found.values():
        assert text[m.start : m.end] == m.text
        if m.title is not None:
            assert text[m.title_start : m.title_end] == m.title
    return found


# -- titles read from the text -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name", "title"),
    [
        ("Harbour Commissioner Lena Vos closed the north quay on Monday.",
         "Lena Vos", "Harbour Commissioner"),
        ("Deputy Mayor Tomas Reyes opened the new library in Kessington.",
         "Tomas Reyes", "Deputy Mayor"),
        ("US President Walter Brandon signed the trade bill on Friday.",
         "Walter Brandon", "US President"),
    ],
)
def test_title_before_name(nlp, text: str, name: str, title: str) -> None:
    found = people(nlp, text)
    assert name in found, found
    mention = found[name]
    assert mention.title == title
    # The title is written right before the name.
    assert mention.title_end is not None and mention.title_end < mention.start
    assert text[mention.title_end : mention.start] == " "


@pytest.mark.parametrize(
    "text",
    [
        "Maria Jensen, the harbour commissioner, said the quay would reopen in May.",
        "The harbour commissioner, Maria Jensen, said the quay would reopen in May.",
    ],
)
def test_title_in_apposition(nlp, text: str) -> None:
    mention = people(nlp, text)["Maria Jensen"]
    # The article "the" and the commas are not part of the title.
    assert mention.title == "harbour commissioner"


def test_apposition_keeps_of_phrase(nlp) -> None:
    text = "The mayor of Kessington, Sarah Coleman, said the quay would reopen."
    assert people(nlp, text)["Sarah Coleman"].title == "mayor of Kessington"


def test_plain_adjective_before_name_is_not_a_title(nlp) -> None:
    text = "Ukrainian officials met Petra Vos in the capital on Monday."
    found = people(nlp, text)
    assert "Petra Vos" in found
    assert found["Petra Vos"].title is None


def test_name_without_title(nlp) -> None:
    text = "The quay was closed on Monday, Vos said."
    assert people(nlp, text)["Vos"].title is None


# -- linking across articles ---------------------------------------------------


def test_full_name_and_surname_link_across_articles(engine) -> None:
    a1 = Article(id="a1", text="Harbour Commissioner Lena Vos closed the north quay on Monday.")
    a2 = Article(id="a2", text="The quay was closed on Monday, Vos said.")
    analyzed = engine.analyzer.analyze([a1, a2])
    mentions = {a.article.id: a.entities for a in analyzed}
    entities = EntityLinker().link(mentions)

    full = next(m for m in mentions["a1"] if m.text == "Lena Vos")
    short = next(m for m in mentions["a2"] if m.text == "Vos")
    assert full.key == short.key == "PERSON:lena vos"
    [vos] = [e for e in entities if e.key == full.key]
    assert vos.name == "Lena Vos"
    assert set(vos.aliases) == {"Lena Vos", "Vos"}
    assert vos.titles == ["Harbour Commissioner"]
    assert {art for art, _, _ in vos.mentions} == {"a1", "a2"}


def test_same_first_name_different_people_stay_apart(engine) -> None:
    a1 = Article(id="a1", text="Anna Berg chaired the meeting on Tuesday. "
                 "Anna Kowalski spoke against the plan.")
    a2 = Article(id="a2", text="Council member Anna Kowalski voted no. Anna Berg voted yes.")
    analyzed = engine.analyzer.analyze([a1, a2])
    entities = EntityLinker().link({a.article.id: a.entities for a in analyzed})
    people_ = {e.key: e for e in entities if e.label == "PERSON"}
    assert {"PERSON:anna berg", "PERSON:anna kowalski"} <= set(people_)
    for key in ("PERSON:anna berg", "PERSON:anna kowalski"):
        # Each of them is named once in each article, and only under one key.
        assert sorted(art for art, _, _ in people_[key].mentions) == ["a1", "a2"]


def _person(text: str, start: int = 0, label: str = "PERSON") -> EntityMention:
    return EntityMention(label=label, start=start, end=start + len(text), text=text)


def test_ambiguous_first_name_or_surname_is_not_guessed() -> None:
    berg, kowalski, tomas = (
        _person("Anna Berg"), _person("Anna Kowalski"), _person("Tomas Berg"))
    anna, bare_berg = _person("Anna"), _person("Berg")
    EntityLinker().link({"a1": [berg, kowalski, tomas], "a2": [anna, bare_berg]})
    assert len({berg.key, kowalski.key, tomas.key}) == 3
    # "Anna" and "Berg" could each be two people: they get keys of their own.
    assert anna.key == "PERSON:anna"
    assert bare_berg.key == "PERSON:berg"


def test_unique_first_name_links_to_the_full_name() -> None:
    full, first = _person("Ilse Marcato"), _person("Ilse")
    EntityLinker().link({"a1": [full], "a2": [first]})
    assert first.key == full.key == "PERSON:ilse marcato"


def test_surname_mistagged_as_org_becomes_the_person() -> None:
    full = _person("Ilse Marcato")
    tagged_org = _person("Marcato", label="ORG")
    entities = EntityLinker().link({"a1": [full], "a2": [tagged_org]})
    assert tagged_org.label == "PERSON"
    assert tagged_org.key == full.key
    assert [e.key for e in entities] == ["PERSON:ilse marcato"]


def test_country_aliases_link_to_one_place() -> None:
    names = [("US", "GPE"), ("United States", "GPE"), ("the US", "GPE"), ("American", "NORP")]
    ms = [_person(n, label=label) for n, label in names]
    EntityLinker().link({"a1": ms[:2], "a2": ms[2:]})
    assert {m.key for m in ms} == {"PLACE:united states"}


def test_dotted_country_abbreviation_links(engine) -> None:
    analyzed = engine.analyzer.analyze([
        Article(id="a1", text="The United States sent two ships to the strait on Monday."),
        Article(id="a2", text="The U.S. sent two ships to the strait on Monday."),
    ])
    EntityLinker().link({a.article.id: a.entities for a in analyzed})
    keys = {m.text: m.key for a in analyzed for m in a.entities}
    assert keys["United States"] == "PLACE:united states"
    assert keys["U.S."] == "PLACE:united states"


def test_organisation_and_its_acronym_link() -> None:
    org = _person("Skerra Ferry Company", label="ORG")
    short = _person("SFC", label="ORG")
    EntityLinker().link({"a1": [org], "a2": [short]})
    assert short.key == org.key == "ORG:skerra ferry company"


# -- titles compared -----------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "normal"),
    [
        ("President", "president"),
        ("US President", "president"),
        ("the former U.S. President", "president"),
        ("White House Press Secretary", "white house press secretary"),
        ("Deputy-Mayor", "deputy mayor"),
    ],
)
def test_normalise_title(title: str, normal: str) -> None:
    assert normalise_title(title) == normal


def test_normalise_title_drops_the_story_places() -> None:
    assert normalise_title("Estmark Premier", ["Estmark"]) == "premier"
    assert normalise_title("Estmark Premier") == "estmark premier"


@pytest.mark.parametrize(
    ("a", "b", "compatible"),
    [
        ("President", "US President", True),
        ("Press Secretary", "White House Press Secretary", True),
        ("Secretary", "Press Secretary", True),
        ("director", "the director", True),
        ("Fisheries Minister", "Environment Minister", False),
        ("Mayor", "Governor", False),
        ("Finance Minister", "Finance Minister", True),
    ],
)
def test_titles_compatible(a: str, b: str, compatible: bool) -> None:
    ta, tb = normalise_title(a), normalise_title(b)
    assert titles_compatible(ta, tb) is compatible
    assert titles_compatible(tb, ta) is compatible


@pytest.mark.parametrize(("a", "b"), [("Deputy Mayor", "Mayor"), ("Vice President", "President")])
def test_deputy_title_conflicts_with_the_office(a: str, b: str) -> None:
    assert not titles_compatible(normalise_title(a), normalise_title(b))


def test_missing_title_is_compatible_with_any() -> None:
    assert titles_compatible("", "fisheries minister")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Hollywood star", "actor"),  # descriptions, not offices
        ("rebel leader", "rebel chief"),  # one office, two names
        ("spokesman", "spokeswoman"),
        ("party chairman", "party chair"),
    ],
)
def test_descriptions_and_synonyms_do_not_conflict(a, b):
    assert titles_compatible(normalise_title(a), normalise_title(b))


def test_a_name_before_a_common_noun_is_a_thing_not_a_person(nlp) -> None:
    doc = nlp("Mayor Ilse Varga thanked the army for the Kestrel missiles, said Secretary of "
              "State Tomas Reyl.")
    found = {(m.text, m.label) for m in extract_mentions(doc)}
    assert ("Kestrel", "PERSON") not in found
    assert {("Ilse Varga", "PERSON"), ("Tomas Reyl", "PERSON")} <= found


def test_words_of_a_title_are_no_organisation(nlp) -> None:
    doc = nlp("Officials met Secretary of State Ann Lee in the capital.")
    found = {(m.text, m.label) for m in extract_mentions(doc)}
    assert ("State", "ORG") not in found
    assert ("Ann Lee", "PERSON") in found
