"""The plain records handed from one stage to the next.

Every offset (``start``/``end``) is a Python string index into ``Article.text``
exactly as read and decoded from the source, so ``article.text[start:end]`` is
always the mentioned text.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from typing import Any

from .errors import MAX_REASON_CHARS, MAX_SOURCE_CHARS, printable
from .outlets import UNKNOWN_OUTLET, Registry, identify


def _clean(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if not k.startswith("_")}


@dataclass(slots=True)
class Article:
    """One report as read from its source."""

    text: str
    id: str = ""
    path: str | None = None
    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    dateline: str | None = None
    published: str | None = None  # ISO date (YYYY-MM-DD) or datetime
    author: str | None = None
    # Offset where the body starts once a dateline opening is skipped.
    body_start: int = 0
    # Who the outlet is (``outlets.identify``), filled when the report is read from the
    # store or compared: ``outlet`` is then the outlet's name, ``outlet_id`` its id (the
    # registered domain, or the name's key), and the registry's owner, country and lean.
    outlet_id: str | None = None
    owner: str | None = None
    country: str | None = None
    lean: str | None = None

    def __post_init__(self) -> None:
        if not self.id:
            self.id = content_id(self.text)

    @property
    def source_label(self) -> str:
        """The report's outlet, or "Unknown outlet" (a file name is never an outlet)."""
        return self.outlet or UNKNOWN_OUTLET

    def identify(self, registry: Registry | None = None) -> Article:
        """Fill the outlet fields from the outlet name and URL (``outlets.identify``).

        Idempotent: the name it sets identifies the same outlet again.
        """
        found = identify(self.outlet, self.url, registry)
        self.outlet, self.outlet_id = found.name, found.id
        self.owner, self.country, self.lean = found.owner, found.country, found.lean
        return self

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


def report_labels(articles: list[Article]) -> dict[str, str]:
    """A distinct short name per article id: its ``source_label``, numbered from the
    second report that shares one ("Courier (2)"); reports of no known outlet are all
    numbered when there are several ("Unknown outlet 1", "Unknown outlet 2")."""
    labels: dict[str, str] = {}
    seen: dict[str, int] = {}
    unknown = sum(1 for a in articles if not a.outlet) > 1
    for art in articles:
        base = art.source_label
        seen[base] = seen.get(base, 0) + 1
        if unknown and not art.outlet:
            labels[art.id] = f"{base} {seen[base]}"
        else:
            labels[art.id] = base if seen[base] == 1 else f"{base} ({seen[base]})"
    return labels


def content_id(text: str, length: int = 16) -> str:
    """A stable id derived from a text's content (whitespace-insensitive)."""
    normal = " ".join(text.split()).encode("utf-8")
    return hashlib.sha256(normal).hexdigest()[:length]


@dataclass(slots=True)
class Sentence:
    start: int
    end: int
    text: str


@dataclass(slots=True)
class EntityMention:
    """One mention of a named entity in one article."""

    label: str  # PERSON | ORG | GPE | NORP | LOC | FAC | EVENT ...
    start: int
    end: int
    text: str
    # A title or role given next to the name ("Secretary of State"), if any,
    # with its own span.
    title: str | None = None
    title_start: int | None = None
    title_end: int | None = None
    # Filled by entity linking: the key shared by all mentions of one entity
    # across the reports of a story.
    key: str = ""


@dataclass(slots=True)
class Entity:
    """One entity merged across mentions (and, after linking, across articles)."""

    key: str
    label: str
    name: str  # the fullest name seen
    aliases: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    mentions: list[tuple[str, int, int]] = field(default_factory=list)  # (article, start, end)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(slots=True)
class Quote:
    """Something a speaker said, directly (in quote marks) or reported."""

    start: int
    end: int
    text: str
    direct: bool
    speaker: str | None = None  # surface text of the speaker as written
    speaker_start: int | None = None
    speaker_end: int | None = None
    speaker_key: str = ""  # filled by entity linking


@dataclass(slots=True)
class Quantity:
    """A number, amount, duration or date, normalised to a comparable value.

    ``kind`` is one of ``count``, ``money``, ``percent``, ``duration``,
    ``date``, ``ordinal``. ``value`` is a float for counts, money (in the
    currency unit), percents and durations (in seconds), and an ISO date string
    (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``) for dates; ``None`` when a date
    could not be resolved (a weekday with no report date, say).
    """

    kind: str
    start: int
    end: int
    text: str
    value: float | str | None
    unit: str | None = None  # currency code, or the counted noun for counts
    # Lemma of the word the amount measures ("call" in "a 90-minute call",
    # "speak" in "spoke for an hour"); set by claim extraction.
    anchor: str | None = None
    # True when the amount sits in a relative clause ("the bridge, which
    # opened in 1974, ..."): background to the claim, not what it states.
    aside: bool = False
    # Lemma of the verb whose object (or subject) the measured word is: "miss" in
    # "missed four games", "play" in "played in 10 games"; set by claim extraction.
    verb: str | None = None


@dataclass(slots=True)
class Facet:
    """A fact carried inside a claim by a modifier ("following his call with
    X", "with their teams meeting in Y", "where talks were strained"): matched
    on its own, so that one sentence can support several facts."""

    start: int
    end: int
    text: str


@dataclass(slots=True)
class Claim:
    """A clause-sized fact stated in one article.

    ``text`` is a readable wording of the claim (the clause with its subject
    restored when the subject lies outside the span); ``start``/``end`` locate
    the clause in the article.
    """

    id: str
    article: str
    sentence: int  # index into AnalyzedArticle.sentences
    start: int
    end: int
    text: str
    # What is compared with other claims: the statement itself, without
    # "X said" around it (empty: same as ``text``).
    core: str = ""
    subject: str | None = None
    predicate: str | None = None  # lemma of the clause's head verb
    negated: bool = False
    speaker: str | None = None  # who the claim is credited to, if anyone
    speaker_key: str = ""
    quantities: list[Quantity] = field(default_factory=list)
    entities: list[EntityMention] = field(default_factory=list)
    lemmas: list[str] = field(default_factory=list)  # content lemmas, lowercased
    # The claim without its facets ("A had a call with B" of "A had a call
    # with B, following his talk with C"); empty when it has none.
    kernel: str = ""
    facets: list[Facet] = field(default_factory=list)


@dataclass(slots=True)
class AnalyzedArticle:
    article: Article
    sentences: list[Sentence] = field(default_factory=list)
    entities: list[EntityMention] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        # What dataclasses.asdict gives, without its deep copies of every
        # leaf: the store writes one of these per report.
        return _plain(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AnalyzedArticle:
        """Rebuild from ``to_dict`` output (e.g. analysis stored as JSON)."""

        def claim(d: dict[str, Any]) -> Claim:
            d = dict(d)
            d["quantities"] = [Quantity(**q) for q in d.get("quantities", [])]
            d["entities"] = [EntityMention(**m) for m in d.get("entities", [])]
            d["facets"] = [Facet(**f) for f in d.get("facets", [])]
            return Claim(**d)

        return cls(
            article=Article.from_dict(data["article"]),
            sentences=[Sentence(**s) for s in data.get("sentences", [])],
            entities=[EntityMention(**m) for m in data.get("entities", [])],
            quotes=[Quote(**q) for q in data.get("quotes", [])],
            quantities=[Quantity(**q) for q in data.get("quantities", [])],
            claims=[claim(c) for c in data.get("claims", [])],
        )


@dataclass(slots=True)
class Mention:
    article: str
    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(slots=True)
class Conflict:
    type: str  # number | date | attribution | negation | role | other
    detail: str
    mentions: list[Mention]

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "detail": self.detail,
            "mentions": [
                {"article": m.article, "start": m.start, "end": m.end, "text": m.text}
                for m in self.mentions
            ],
        }


@dataclass(slots=True)
class ClaimGroup:
    id: str
    status: str  # corroborated | single_source | conflicting
    independent_sources: int
    text: str
    mentions: list[Mention]
    conflicts: list[Conflict] = field(default_factory=list)
    # Not in the JSON contract; kept for renderers.
    _claims: list[Claim] = field(default_factory=list, repr=False)

    @property
    def articles(self) -> list[str]:
        seen: dict[str, None] = {}
        for m in self.mentions:
            seen.setdefault(m.article, None)
        return list(seen)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "status": self.status,
            "independent_sources": self.independent_sources,
            "text": self.text,
            "mentions": [m.to_dict() for m in self.mentions],
            "conflicts": [c.to_dict() for c in self.conflicts],
        }


@dataclass(slots=True)
class Citation:
    article: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(slots=True)
class BriefItem:
    """One sentence of the consolidated brief.

    ``kind`` says which part of the brief it belongs to (``lead``,
    ``conflict``, ``corroborated``, ``single_source``); ``outlet`` names the
    outlet that alone reports a single-source fact; ``more`` marks items a
    renderer folds behind a "more" link.
    """

    text: str
    citations: list[Citation]
    kind: str = "corroborated"
    outlet: str | None = None
    more: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "citations": [c.to_dict() for c in self.citations],
                "kind": self.kind, "outlet": self.outlet, "more": self.more}


@dataclass(slots=True)
class InputFailure:
    """An input that could not be read, with the reason and what to do.

    Both are cut to a sane length and escaped where they are not valid
    Unicode (``errors.printable``), here, whoever makes the failure.
    """

    source: str
    reason: str

    def __post_init__(self) -> None:
        self.source = printable(str(self.source), MAX_SOURCE_CHARS)
        self.reason = printable(str(self.reason), MAX_REASON_CHARS)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(slots=True)
class Comparison:
    """The result of comparing the reports of one story."""

    articles: list[AnalyzedArticle]
    claims: list[ClaimGroup]
    brief: list[BriefItem]
    entities: list[Entity] = field(default_factory=list)
    copy_of: dict[str, str] = field(default_factory=dict)  # article id -> original id
    failures: list[InputFailure] = field(default_factory=list)

    def article(self, article_id: str) -> Article:
        for a in self.articles:
            if a.article.id == article_id:
                return a.article
        raise KeyError(article_id)

    def to_dict(self, *, with_text: bool = False) -> dict[str, Any]:
        """The JSON output contract of ``compare --format json``."""
        arts = []
        for a in self.articles:
            art = a.article
            d: dict[str, Any] = {
                "id": art.id,
                "path": art.path,
                "url": art.url,
                "outlet": art.outlet,
                "title": art.title,
                "dateline": art.dateline,
                "published": art.published,
                "copy_of": self.copy_of.get(art.id),
                "outlet_id": art.outlet_id,
                "owner": art.owner,
                "country": art.country,
                "lean": art.lean,
            }
            if with_text:
                d["text"] = art.text
            arts.append(d)
        by_id = {a.article.id: a.article for a in self.articles}
        claims = []
        for group in self.claims:
            d = group.to_dict()
            # Who backs the claim: the owners of its reports (of a copy: of its original).
            originals = (by_id.get(self.copy_of.get(m.article, m.article)) for m in group.mentions)
            d["owners"] = list(dict.fromkeys(a.owner for a in originals if a and a.owner))
            claims.append(d)
        return {
            "articles": arts,
            "claims": claims,
            "brief": [b.to_dict() for b in self.brief],
        }


def _plain(value: Any) -> Any:
    """``dataclasses.asdict`` for records of plain values (fresh dicts and lists)."""
    kind = type(value)
    if kind in _LEAVES:
        return value
    if kind is list or kind is tuple:
        return kind(_plain(v) for v in value)
    if kind is dict:
        return {k: _plain(v) for k, v in value.items()}
    names = _FIELDS.get(kind)
    if names is None:
        if not dataclasses.is_dataclass(kind):
            return value
        names = _FIELDS[kind] = tuple(f.name for f in dataclasses.fields(kind))
    return {name: _plain(getattr(value, name)) for name in names}


_LEAVES = frozenset({str, int, float, bool, type(None)})
_FIELDS: dict[type, tuple[str, ...]] = {}
