"""Named entities: mentions with their titles, and linking across reports.

Mentions come from the spaCy NER; titles are read from the words just before a
name ("Secretary of State Marco Rubio") or from an apposition ("Lena Vos, the
harbour commissioner,"). Linking merges mentions that name one entity across
the reports of a story: "US President Donald Trump", "President Trump" and
"Trump" get one key.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from spacy.tokens import Doc, Span, Token

from ..model import Entity, EntityMention

#: Entity labels kept from the NER; numbers, dates and the like are handled by
#: nlp.quantities instead.
KEPT_LABELS = frozenset(
    {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "PRODUCT", "LAW", "WORK_OF_ART"}
)

#: Head words of titles and roles. A run of words before a name counts as a
#: title only if it holds one of these, so "Ukrainian officials met Vos" does
#: not make "Ukrainian" a title of Vos.
ROLE_WORDS = frozenset(
    """
    president vice-president premier minister secretary chancellor governor mayor senator
    congressman congresswoman representative rep. sen. gov. lawmaker legislator deputy
    spokesperson spokesman spokeswoman advisor adviser counsel attorney general admiral
    commander chief head director chairman chairwoman chair ceo cfo coo cto founder
    executive officer official ambassador envoy diplomat judge justice prosecutor sheriff
    commissioner inspector superintendent captain lieutenant colonel major sergeant
    detective constable king queen prince princess emperor pope bishop archbishop cardinal
    rabbi imam reverend professor dr. doctor scientist researcher economist analyst
    engineer manager coach player striker goalkeeper actor actress singer star author
    editor reporter correspondent lawyer leader councillor councilor alderman speaker
    treasurer auditor registrar administrator coordinator president-elect chairperson
    """.split()
)

_CONNECTORS = frozenset({"of", "for", "and", "-", "'s", "’s"})

#: Country names and their usual short forms and adjectives, so that "US",
#: "U.S.", "United States", "America" and "American" link to one place.
#: General knowledge, not tuned to any story.
_PLACE_ALIASES = {
    "united states": ("us", "u.s.", "usa", "u.s.a.", "america", "american", "americans",
                      "the united states", "the us", "the u.s."),
    "united kingdom": ("uk", "u.k.", "britain", "great britain", "british", "the uk",
                       "the united kingdom"),
    "european union": ("eu", "e.u.", "the eu", "the european union"),
    "united nations": ("un", "u.n.", "the un", "the united nations"),
}
# Keys with and without a final dot: _norm strips it ("U.S." -> "u.s").
_ALIAS_TO_PLACE = {
    key: name
    for name, aliases in _PLACE_ALIASES.items()
    for alias in aliases
    for key in (alias, alias.rstrip("."))
}

_ACRONYM_SKIP = frozenset({"of", "the", "and", "for"})
_NAME_LABELS = frozenset({"PERSON"})
_GROUP_LABELS = frozenset({"ORG", "GPE", "NORP", "LOC", "FAC"})
_WS = re.compile(r"\s+")


def _norm(text: str) -> str:
    text = text.replace("’", "'").replace("'s", "").strip(" .,;:'\"“”")
    return _WS.sub(" ", text).lower()


def _is_role_token(tok: Token) -> bool:
    return tok.lower_ in ROLE_WORDS or tok.lemma_.lower() in ROLE_WORDS


def _title_before(ent: Span) -> tuple[int, int] | None:
    """Token range [i, j) of a title written just before a person's name."""
    doc = ent.doc
    i = ent.start
    start = i
    sent_start = ent.sent.start
    while start > sent_start:
        tok = doc[start - 1]
        if tok.ent_type_ == "PERSON" or tok.is_punct and tok.text not in {"-"}:
            break
        if tok.pos_ in {"PROPN", "NOUN", "ADJ"} or tok.lower_ in _CONNECTORS:
            if tok.pos_ == "ADJ" and not tok.text[:1].isupper():
                break
            start -= 1
            continue
        break
    # Trim connectors and possessive markers at the left edge.
    while start < i and (doc[start].lower_ in _CONNECTORS):
        start += 1
    if start == i:
        return None
    span = doc[start:i]
    if not any(_is_role_token(t) for t in span):
        return None
    # A long run of capitalised words is more likely a list of names.
    if len(span) > 7:
        return None
    return start, i


def _title_apposition(ent: Span) -> tuple[int, int] | None:
    """Token range of an apposition that gives a person's role.

    "Lena Vos, the harbour commissioner, said" or "the harbour commissioner,
    Lena Vos, said".
    """
    root = ent.root
    for child in root.children:
        if child.dep_ == "appos" and _is_role_token(child) and child.i > ent.end - 1:
            sub = list(child.subtree)
            return sub[0].i, sub[-1].i + 1
    if root.dep_ == "appos" and _is_role_token(root.head) and root.head.i < ent.start:
        head = root.head
        left = min(t.i for t in head.subtree if t.i < ent.start)
        right = head.i + 1
        # Keep "of"-phrases that follow the head noun: "the mayor of Kessington".
        for t in head.rights:
            if t.i < ent.start and t.dep_ == "prep":
                right = max(right, max(x.i for x in t.subtree) + 1)
        return left, min(right, ent.start)
    return None


#: Abbreviated titles set before a name ("Sgt. Mara Quell"): never a name themselves.
TITLE_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof rev sgt det lt capt col gen maj adm cpl insp supt gov sen rep pres "
    "atty hon".split())


def extract_mentions(doc: Doc) -> list[EntityMention]:
    """Entity mentions of one parsed article, each with its title if given."""
    out: list[EntityMention] = []
    full = doc.text  # Doc.text joins every token: read it once
    for ent in doc.ents:
        if ent.label_ not in KEPT_LABELS:
            continue
        text = ent.text
        if text.rstrip(".").lower() in TITLE_ABBREVIATIONS:
            continue
        if ent.label_ == "PERSON" and ent.root.dep_ == "compound" and ent.root.head.pos_ == "NOUN":
            # A name set before a common noun names a thing, not a person: "Javelin
            # missiles", "the Zaporizhzhia facility" ("the Smith family" is rare in news).
            continue
        start, end = ent.start_char, ent.end_char
        # spaCy sometimes keeps a leading "the" or a trailing possessive.
        if ent[0].lower_ == "the" and len(ent) > 1:
            start = ent[1].idx
            text = full[start:end]
        if ent[-1].text in {"'s", "’s"} and len(ent) > 1:
            end = ent[-2].idx + len(ent[-2].text)
            text = full[start:end]
        mention = EntityMention(label=ent.label_, start=start, end=end, text=text)
        if ent.label_ == "PERSON":
            rng = _title_before(ent) or _title_apposition(ent)
            if rng:
                span = doc[rng[0]:rng[1]]
                title_toks = [t for t in span if not (t.is_punct and t.text != "-")]
                while title_toks and title_toks[0].lower_ in {"the", "a", "an"}:
                    title_toks = title_toks[1:]
                if title_toks:
                    t0, t1 = title_toks[0], title_toks[-1]
                    mention.title_start = t0.idx
                    mention.title_end = t1.idx + len(t1.text)
                    mention.title = full[mention.title_start:mention.title_end]
        out.append(mention)
    # Words of a person's title are no entity of their own ("Secretary of State", "National
    # Security Advisor" give no organisation "State" or "National Security").
    titles = [(m.title_start, m.title_end) for m in out if m.title_start is not None]
    return [m for m in out if m.label == "PERSON" or not any(
        lo <= m.start and m.end <= hi for lo, hi in titles)]


def normalise_title(title: str, place_words: Iterable[str] = ()) -> str:
    """The comparable core of a title: lowercased, without places and articles.

    "US President" and "President" both give "president"; "White House Press
    Secretary" gives "white house press secretary".
    """
    # "L.A." and "LA" are one word.
    words = [w for w in re.split(r"[\s\-]+", _norm(title).replace(".", "")) if w]
    drop = {"the", "a", "an", "former", "then", "current", "acting", "interim"}
    drop |= {w for p in place_words for w in _norm(p).split()}
    drop |= set(_ALIAS_TO_PLACE)
    return " ".join(_ROLE_SYNONYMS.get(w, w) for w in words if w not in drop)


#: Words that make a different office of the role they qualify: a deputy
#: mayor is not the mayor.
RANK_WORDS = frozenset({"deputy", "vice", "assistant", "associate", "under", "junior", "shadow"})
#: Offices a person holds. Two titles conflict only when both name an office:
#: "actor" and "Hollywood star" describe, they do not contradict.
OFFICE_WORDS = frozenset(
    """
    president premier minister secretary chancellor governor mayor senator congressman
    congresswoman representative lawmaker legislator spokesperson advisor counsel attorney
    general admiral commander head director chair ceo cfo coo cto founder ambassador envoy
    judge justice prosecutor sheriff commissioner inspector superintendent captain lieutenant
    colonel major sergeant king queen prince princess emperor pope bishop archbishop cardinal
    councillor councilor alderman speaker treasurer auditor registrar administrator
    coordinator president-elect manager coach editor
    """.split()
)
#: Offices held by election or appointment that exclude one another: a mayor
#: named governor by another report is a real disagreement, an attorney named
#: prosecutor is not.
EXCLUSIVE_OFFICES = frozenset(
    """
    president premier minister chancellor governor mayor senator congressman congresswoman
    king queen prince princess emperor pope bishop archbishop cardinal judge justice sheriff
    ambassador admiral general colonel major sergeant lieutenant captain commissioner
    """.split()
)
#: One office under several names.
_ROLE_SYNONYMS = {
    "chief": "head", "leader": "head", "boss": "head",
    "spokesman": "spokesperson", "spokeswoman": "spokesperson",
    "adviser": "advisor",
    "chairman": "chair", "chairwoman": "chair", "chairperson": "chair",
    "councilor": "councillor", "justice": "judge", "sen.": "senator", "gov.": "governor",
    "rep.": "representative",
}


def titles_compatible(a: str, b: str) -> bool:
    """Whether two normalised titles can describe one person without contradiction."""
    if not a or not b or a == b:
        return True
    wa, wb = set(a.split()), set(b.split())
    offices_a, offices_b = wa & OFFICE_WORDS, wb & OFFICE_WORDS
    if not offices_a or not offices_b:
        return True
    # Two different offices are often one job named two ways ("prosecutor",
    # "deputy city attorney"), unless both are offices one person cannot hold
    # at once ("mayor" / "governor"); one office qualified two ways conflicts
    # ("fisheries minister" / "environment minister").
    head_a = next(w for w in reversed(a.split()) if w in OFFICE_WORDS)
    head_b = next(w for w in reversed(b.split()) if w in OFFICE_WORDS)
    if head_a != head_b:
        return not (head_a in EXCLUSIVE_OFFICES and head_b in EXCLUSIVE_OFFICES)
    if head_a not in EXCLUSIVE_OFFICES:
        # "Hunger Games director" and "seasoned director", "managing editor at WCCO-TV"
        # and "WCCO TV managing editor": descriptions of one job, not two offices.
        return True
    if (wa ^ wb) & RANK_WORDS:
        return False
    if a in b or b in a:
        return True
    # "press secretary" vs "secretary": same office, one more specific.
    return offices_a == offices_b and (wa <= wb or wb <= wa)


class EntityLinker:
    """Merges entity mentions across the reports of one story.

    Call ``link(mentions_by_article)``; it sets ``mention.key`` on every mention
    and returns the merged entities.
    """

    def link(self, mentions: dict[str, list[EntityMention]]) -> list[Entity]:
        # 1. Fix labels: a one-word ORG/GPE that is a known person's surname is
        #    that person ("Trump" tagged ORG once in a while).
        surnames: dict[str, str] = {}
        fullnames: dict[str, str] = {}
        for ms in mentions.values():
            for m in ms:
                if m.label == "PERSON":
                    words = _norm(m.text).split()
                    if len(words) >= 2:
                        fullnames[" ".join(words)] = m.text
                        surnames.setdefault(words[-1], " ".join(words))
        for ms in mentions.values():
            for m in ms:
                n = _norm(m.text)
                if m.label in {"ORG", "GPE", "NORP"} and n in surnames and " " not in n:
                    m.label = "PERSON"

        # 2. A key per mention.
        # Full names: the full name itself. One-word person names: the unique
        # full name ending (or starting) with that word, else the word.
        last_index: dict[str, set[str]] = defaultdict(set)
        first_index: dict[str, set[str]] = defaultdict(set)
        for full in fullnames:
            words = full.split()
            last_index[words[-1]].add(full)
            first_index[words[0]].add(full)
        acronyms: dict[str, str] = {}
        for ms in mentions.values():
            for m in ms:
                if m.label in _GROUP_LABELS:
                    words = [w for w in _norm(m.text).split() if w not in _ACRONYM_SKIP]
                    if len(words) >= 2:
                        acronyms.setdefault("".join(w[0] for w in words), _norm(m.text))

        for ms in mentions.values():
            for m in ms:
                m.key = self._key(m, last_index, first_index, acronyms)

        # 3. Merge into entities.
        entities: dict[str, Entity] = {}
        for article_id, ms in mentions.items():
            for m in ms:
                ent = entities.get(m.key)
                if ent is None:
                    ent = entities[m.key] = Entity(key=m.key, label=m.label, name=m.text)
                if len(m.text) > len(ent.name):
                    ent.name = m.text
                if m.text not in ent.aliases:
                    ent.aliases.append(m.text)
                if m.title and m.title not in ent.titles:
                    ent.titles.append(m.title)
                ent.mentions.append((article_id, m.start, m.end))
        return sorted(entities.values(), key=lambda e: (-len(e.mentions), e.key))

    @staticmethod
    def _key(
        m: EntityMention,
        last_index: dict[str, set[str]],
        first_index: dict[str, set[str]],
        acronyms: dict[str, str],
    ) -> str:
        n = _norm(m.text)
        if m.label in _NAME_LABELS:
            words = n.split()
            if len(words) == 1:
                match = last_index.get(n) or first_index.get(n)
                if match and len(match) == 1:
                    return "PERSON:" + next(iter(match))
            return "PERSON:" + n
        place = _ALIAS_TO_PLACE.get(n)
        if place is None and m.label in {"GPE", "NORP"}:
            place = _ALIAS_TO_PLACE.get(n.removeprefix("the "))
        if place:
            return "PLACE:" + place
        if m.label in _GROUP_LABELS:
            bare = n.removeprefix("the ")
            if bare in acronyms and " " not in bare:
                return "ORG:" + acronyms[bare].removeprefix("the ")
            return ("PLACE:" if m.label in {"GPE", "LOC"} else "ORG:") + bare
        return m.label + ":" + n
