"""Align the claims of a story's reports into facts.

1. **Units.** Each claim is matched by its whole wording, by its *kernel* (the
   claim without the modifiers that carry facts of their own) and by each of
   those *facets* ("following his call with X", "with their teams meeting in
   Y"). A facet never stands as a fact of its own: it lets one sentence
   support several facts that another report states in separate sentences.
2. **Candidates.** The sentence embedder proposes, for each unit, the closest
   units in the other reports (``CANDIDATES_PER_UNIT``, cosine at least
   ``CANDIDATE_FLOOR``).
3. **Judge.** The pair judge (:mod:`.nlp.judge`) reads each candidate pair:
   the same fact, a contradiction of it, or something else. Where the claims
   give different amounts, their wordings with the amounts masked are judged
   too, so that "14 injured" and "17 hurt" meet as one fact in conflict. With
   ``judge="embed"`` the old cosine score with its lexical rules decides.
4. **Facts.** Claims whose pair clears the judge's threshold merge greedily,
   best first, into groups holding one claim per report, with an average-link
   check so that groups do not chain. Then every other strong link adds its
   claim (or facet) to the other group as a further mention, so alignment is
   many-to-many: a claim can support several facts, each mention being the
   exact span that states it.
5. **Conflicts**, within a fact, between independent sources, only where a
   reader would agree: amounts of the same slot (same kind, same counted
   thing, same event dated; a weekday is never compared with a year); one
   predicate affirmed and denied; the same quoted words credited to different
   people, or one speaker vs the same speaker with others (a joint
   statement); an outright rejection vs a partial agreement; a contradiction
   the judge is sure of. Each disagreement is reported once in the story.
6. **Roles:** one person given incompatible titles by two sources.
7. Each fact gets its status, independent-source count and a canonical
   wording (the clearest whole claim among those stating it).
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from lemminflect import getInflection

from .dedup import source_of
from .model import (
    AnalyzedArticle,
    Article,
    Claim,
    ClaimGroup,
    Conflict,
    Entity,
    EntityMention,
    Mention,
    Quantity,
)
from .nlp.entities import normalise_title, titles_compatible
from .nlp.judge import Verdict
from .nlp.quantities import describe, same_value

#: Pair score above which two claims state the same fact, for the ``embed``
#: judge. Chosen on the hand-written stories in tests/fixtures/stories (their
#: true pairs score 0.68 and up; different facts about one person about 0.6).
MATCH_THRESHOLD = 0.66
#: Two claims that are each other's best match across their two reports may
#: join with a score this much below the threshold.
MUTUAL_MARGIN = 0.08
#: A group may only absorb another when the mean score over all cross pairs
#: stays above this fraction of the threshold (stops A~B~C chains with A!~C).
AVERAGE_LINK_FRACTION = 0.9
#: Bonus for shared content words (times the Jaccard of lemmas), embed judge.
LEXICAL_WEIGHT = 0.15
#: Added when both claims give the same amount of the same thing (both judges).
AGREEMENT_BONUS = 0.1
#: Subtracted when the claims name different people and share none, embed judge.
PARTICIPANT_PENALTY = 0.15
#: Subtracted when the claims give different amounts of one kind, share few
#: of their nouns, and no masked cosine is at hand: likely two different facts.
QUANTITY_MISMATCH_PENALTY = 0.2
#: Shared content words (Jaccard of words) above which two quotes credited to
#: different people are the same quote, misattributed.
SAME_WORDS_JACCARD = 0.4
#: How far below the plain cosine a pair is still worth scoring with masked
#: amounts (embed judge).
MASK_SLACK = 0.15
#: Letters kept of a lemma when words are compared loosely ("inspect",
#: "inspection").
STEM_LENGTH = 5
#: Share of the smaller claim's nouns the other must hold before a difference
#: in polarity is read as a conflict about one fact.
CONFLICT_NOUN_OVERLAP = 0.5
#: Candidate pairs for the pair judge: each unit's closest units in the other reports by
#: embedding cosine, and no further than the floor. On the calibration stories
#: (bench/gold/calibration) the best one above 0.5 scored as well as the best 2 or 3 (fewer
#: wrong links, a few more misses); each more costs
#: judge time in every story (docs/benchmarks.md, section 1).
CANDIDATES_PER_UNIT = 1
CANDIDATE_FLOOR = 0.5
#: Cosine above which two wordings are the same sentence, give or take a word, and
#: count as one fact without the pair judge (on ECB+ most such pairs are wire copy).
SAME_COSINE = 0.92
#: Link score two claims need before their amounts and dates are compared (pair judge):
#: a number conflict tells a reader both speak of one thing, so it asks for more than a
#: link. Chosen with the conflict audit (docs/benchmarks.md).
CONFLICT_SCORE = 0.7
#: A facet's link must clear the judge's threshold by this much: a modifier
#: read alone is easier to over-match than a whole claim.
FACET_MARGIN = 0.1
#: The embed judge's bar for a minimal pair: the cosine of two claims' wordings with
#: their amounts masked above which the amounts are the only difference (the pair judge
#: uses its calibrated same-meaning threshold).
MINIMAL_PAIR_COSINE = 0.85
#: How surely (the pair judge's same-meaning) two claims' sentences, their amounts and
#: dates masked, must say the same thing for a difference in value to be a conflict:
#: chosen on the first audit of ECB+ conflicts (bench/gold/ecb-conflict-audit.json).
SENTENCE_SAME = 0.7

_NUMBER_KINDS = ("count", "money", "percent", "duration")
_PARTICIPANT_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})
#: Verb pairs that state opposite outcomes of one event.
_ANTONYM_PAIRS = {
    ("agree", "refuse"), ("agree", "reject"), ("agree", "decline"), ("accept", "reject"),
    ("accept", "refuse"), ("accept", "decline"), ("approve", "reject"), ("approve", "veto"),
    ("approve", "deny"), ("approve", "block"), ("confirm", "deny"), ("admit", "deny"),
    ("support", "oppose"), ("back", "oppose"), ("endorse", "oppose"), ("win", "lose"),
    ("pass", "fail"), ("pass", "reject"), ("allow", "ban"), ("allow", "forbid"),
    ("allow", "block"), ("permit", "ban"), ("open", "close"), ("increase", "decrease"),
    ("increase", "cut"), ("raise", "cut"), ("raise", "lower"), ("rise", "fall"),
    ("rise", "drop"), ("grow", "shrink"), ("convict", "acquit"), ("include", "exclude"),
    ("resume", "suspend"), ("lift", "impose"), ("survive", "die"), ("release", "detain"),
    ("attend", "skip"), ("arrive", "depart"), ("succeed", "fail"), ("continue", "stop"),
}
_ANTONYMS = {p for pair in _ANTONYM_PAIRS for p in (pair, pair[::-1])}
#: Outcomes of a proposal: turned down, or taken up.
_REJECT = frozenset({"reject", "refuse", "decline", "deny", "oppose", "veto", "rebuff",
                     "dismiss", "spurn", "resist"})
_ACCEPT = frozenset({"agree", "accept", "approve", "endorse", "consent", "back", "support",
                     "sign", "embrace"})


@dataclass(slots=True)
class _Item:
    claim: Claim
    index: int  # position in the aligner's item list
    article_pos: int
    source: str
    nouns: frozenset[str]
    lemmas: frozenset[str]
    participants: dict[str, frozenset[str]]  # label -> entity keys


@dataclass(slots=True)
class _Unit:
    """What gets matched: a claim's wording, its kernel, or one of its facets."""

    item: int
    text: str
    kind: str  # claim | kernel | facet
    start: int
    end: int


@dataclass(slots=True)
class _Links:
    """Judged pairs. ``claim``: item pair -> best score of their whole
    wordings or kernels; ``facet``: (facet unit, item) -> score; ``contra``:
    item pair -> probability of a contradiction."""

    claim: dict[tuple[int, int], float] = field(default_factory=dict)
    facet: dict[tuple[int, int], float] = field(default_factory=dict)
    contra: dict[tuple[int, int], float] = field(default_factory=dict)
    #: item pair -> the score that the two state one fact, a contradiction left aside
    agree: dict[tuple[int, int], float] = field(default_factory=dict)
    #: item pair -> how surely the two say the same thing once their amounts and dates
    #: are masked (pairs whose amounts differ only): a minimal pair, whose values clash
    masked_same: dict[tuple[int, int], float] = field(default_factory=dict)


def _participants(claim: Claim) -> dict[str, frozenset[str]]:
    """Entity keys a claim is about, by kind, leaving out whoever it is credited
    to: the same words credited to two people are one statement, misattributed."""
    speakers = set(claim.speaker_key.split("|")) if claim.speaker_key else set()
    out: dict[str, set[str]] = {}
    for m in claim.entities:
        if m.label in _PARTICIPANT_LABELS and m.key and m.key not in speakers:
            label = "PERSON" if m.label == "PERSON" else "GROUP"
            out.setdefault(label, set()).add(m.key)
    return {k: frozenset(v) for k, v in out.items()}


def _nouns(claim: Claim) -> frozenset[str]:
    units = {str(q.unit).lower() for q in claim.quantities if q.unit}
    return frozenset(w for w in claim.lemmas if w not in units and not w.isdigit())


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def _contrasting_participants(a: _Item, b: _Item) -> bool:
    """Both claims name people, and none in common: a call with one leader and
    a call with another. (Organisations and places are left out: the NER
    names them too unevenly for their absence to mean anything.)"""
    people_a = a.participants.get("PERSON")
    people_b = b.participants.get("PERSON")
    return bool(people_a and people_b and not people_a & people_b)


def _stem(word: str) -> str:
    return word[:STEM_LENGTH]


def _precision(q: Quantity) -> int:
    """4 for a year, 7 for a month, 10 for a day (the length of its ISO value)."""
    return len(str(q.value)) if q.value is not None else 10


def same_slot(x: Quantity, y: Quantity, a: Claim, b: Claim) -> bool:
    """Whether two amounts measure the same thing, so that a difference is a conflict.

    Two boats that escaped are not three pirates caught; an age is not a
    distance; a weekday is not a year; the date of a check-in is not the
    date of a conviction. Amounts set aside in a relative clause ("the
    bridge, which opened in 1974") are background, never compared.
    """
    if x.kind != y.kind or x.aside or y.aside:
        return False
    if x.kind in ("count", "ordinal") and bool(x.unit) != bool(y.unit):
        return False
    if x.kind == "count" and _as_modifier(x, a) != _as_modifier(y, b):
        # "two three-point plays" counts plays; a "three-point" play is not 3 points.
        return False
    if x.kind == "date":
        own = _dates_the_claim(x, a) and _dates_the_claim(y, b)
        if _stem(x.anchor or "") != _stem(y.anchor or "") and not own:
            # The day of a charge is not the day of the shooting, nor is the year of a
            # resignation the year someone held a post; "will reopen on 14 June" and "will
            # be able to return from 21 June" both date the claim itself.
            return False
        if own and _different_events(a, b):
            # The day a trial began is not the day of a conviction.
            return False
        px, py = _precision(x), _precision(y)
        if (px == 4) != (py == 4):
            return False  # a year against a day or a month
        if (x.value is None) != (y.value is None):
            return False  # a weekday of an undated report only meets its like
        if x.value is None:
            return _weekday(x) is not None and _weekday(y) is not None
        def alike(c: Claim, p: int) -> int:
            return sum(q.kind == "date" and not q.aside and (_precision(q) == 4) == (p == 4)
                       for q in c.quantities)

        if alike(a, px) == 1 == alike(b, py):
            # One date of its kind on each side of a pair judged to be one fact: the date
            # of that fact, however each report words the verb ("reopen", "return").
            return True
    if x.kind in ("money", "percent") and x.unit != y.unit:
        return False

    if _anchors_differ(x, y, a, b) or _counts_of_different_things(x, y, a, b):
        # "a 10-year contract" sought is not "an eight-year deal" offered; an age given
        # to one climber is not the age of another.
        return False

    def only(c: Claim, q: Quantity) -> bool:
        return sum(o.kind == q.kind and not o.aside for o in c.quantities) == 1

    if x.kind != "date" and only(a, x) and only(b, y):
        # One amount of its kind on each side of a pair judged to be one fact.
        return True
    if not x.anchor or not y.anchor:
        if x.kind in ("count", "ordinal") and x.unit:
            return True  # same_value compares the counted nouns
        # Unanchored amounts: only when each claim gives just one of this kind.
        return (sum(q.kind == x.kind for q in a.quantities) == 1
                and sum(q.kind == y.kind for q in b.quantities) == 1)
    return not _anchors_differ(x, y, a, b)


def _as_modifier(q: Quantity, c: Claim) -> bool:
    """The amount is one hyphenated word describing a noun that is counted itself ("two
    three-point plays", "three 10-year bonds"): a property of each of those things, not a
    count of its own unit. ("A 40-metre section" is the section's length: not this.)"""
    return _HYPHENATED.fullmatch(q.text) is not None and any(
        o is not q and o.kind == "count" and 0 <= q.start - o.end <= 2 for o in c.quantities)


_HYPHENATED = re.compile(r"[\w.]+-[^\W\d_]+")


def _anchors_differ(x: Quantity, y: Quantity, a: Claim, b: Claim) -> bool:
    """Both amounts measure a word, and the words differ with neither claim holding the
    other's: what each counts is told apart by the report itself."""
    if not x.anchor or not y.anchor or _stem(x.anchor) == _stem(y.anchor):
        return False
    if _names_a_person(x.anchor, a) and _names_a_person(y.anchor, b):
        return True  # "36-year-old Duncan Rait" is not "31-year-old Robert Buckley"
    stems_a = {_stem(w) for w in a.lemmas}
    stems_b = {_stem(w) for w in b.lemmas}
    return _stem(x.anchor) not in stems_b and _stem(y.anchor) not in stems_a


def _counts_of_different_things(x: Quantity, y: Quantity, a: Claim, b: Claim) -> bool:
    """Counts of different things: "two counts of possession", "one count of attempted
    murder"."""
    of_x, of_y = _of_what(x, a), _of_what(y, b)
    return bool(of_x and of_y) and _stem(of_x) != _stem(of_y)


def _other_nouns(x: Quantity, y: Quantity, a: Claim, b: Claim) -> bool:
    """Different counts of nouns that differ, neither claim naming the other's ("scored
    seven points", "grabbed 11 rebounds")."""
    if (x.kind != "count" or not x.unit or not y.unit or x.value == y.value
            or _stem(x.unit) == _stem(y.unit)):
        return False
    return (_stem(x.unit.lower()) not in {_stem(w) for w in _words(b.text)}
            and _stem(y.unit.lower()) not in {_stem(w) for w in _words(a.text)})


def _of_what(q: Quantity, c: Claim) -> str | None:
    """The noun a count is "of", where the claim's own words show it."""
    lo, hi = q.start - c.start, q.end - c.start
    if q.kind != "count" or lo < 0 or c.text[lo:hi] != q.text:
        return None
    m = _OF_WHAT.match(c.text, hi)
    return m.group(1).lower() if m else None


_OF_WHAT = re.compile(r"\s+of\s+(?:the\s+|a\s+|an\s+|his\s+|her\s+|their\s+)?([^\W\d_]+)")


def _names_a_person(word: str, claim: Claim) -> bool:
    return any(m.label == "PERSON" and word in m.text.lower().split() for m in claim.entities)


#: Verbs that carry another verb's meaning ("will be able to return").
_LIGHT_VERBS = frozenset({"be", "have", "get"})


#: A claim telling of a change in an amount: its value is the new one, not a rival count.
_CHANGE = re.compile(
    r"\b(?:rais(?:e|ed|es|ing)|bump(?:ed|s)?|increas(?:e|ed|es|ing)|boost(?:ed|s)?|"
    r"hik(?:e|ed|es)|upp(?:ed|ing)|cut(?:s|ting)?(?!\s+off)|lower(?:ed|s)?|reduc(?:e|ed|es|ing)|"
    r"trimm(?:ed|ing)|revis(?:e|ed|es|ing)|rose|risen|ris(?:e|es|ing)|climb(?:ed|s|ing)?|"
    r"jump(?:ed|s)?|soar(?:ed|s)?|fell|fall(?:en|s)?|dropp(?:ed|ing)|doubled|tripled|"
    r"halved|slash(?:ed|es)|sweeten(?:ed|s)?)\b", re.I)

#: Verbs this alike (cosine of their embeddings) may hold one amount ("kill", "die").
VERB_SIMILAR = 0.5


def _other_parties(a: _Item, b: _Item) -> bool:
    """Each claim names organisations, none named in the other claim at all: "the
    Orioles offered a seven-year deal", "an eight-year offer from the Red Sox". Places
    are no parties ("New Jersey", "Old Tappan, N.J."), and people are left out: a "he"
    resolved to the wrong man would part two claims about one."""
    words_a, words_b = _words(a.claim.text), _words(b.claim.text)

    def keys(c: Claim, label: str) -> frozenset[str]:
        speakers = set(c.speaker_key.split("|")) if c.speaker_key else set()
        return frozenset(m.key for m in c.entities
                         if m.label == label and m.key and m.key not in speakers)

    def named_in(found: frozenset[str], words: frozenset[str]) -> bool:
        return any(set(k.partition(":")[2].lower().split()) & words for k in found)

    in_a, in_b = keys(a.claim, "ORG"), keys(b.claim, "ORG")
    return bool(in_a and in_b and not in_a & in_b and not named_in(in_a, words_b)
                and not named_in(in_b, words_a))


_DURING = re.compile(r"^\W*during\s+([^,]{3,80}),", re.I)


def _scoped(sentence: str, other: Claim) -> bool:
    """The sentence counts over part of the event only ("During the deciding run, he
    blocked two shots"), a part the other claim does not name."""
    m = _DURING.match(sentence)
    if not m:
        return False
    words = re.findall(r"[^\W\d_]+", m.group(1).lower())
    return bool(words) and _stem(words[-1]) not in {_stem(w) for w in _words(other.text)}


def _different_events(a: Claim, b: Claim) -> bool:
    """Two claims of different verbs (neither light) about different subjects, neither
    using the other's verb: "two men went on trial", "a gang member was convicted"."""
    pa, pb = a.predicate, b.predicate
    if not pa or not pb or pa in _LIGHT_VERBS or pb in _LIGHT_VERBS or _stem(pa) == _stem(pb):
        return False
    if _stem(pa) in {_stem(w) for w in b.lemmas} or _stem(pb) in {_stem(w) for w in a.lemmas}:
        return False
    return _subjects_differ(a, b)


def _dates_the_claim(q: Quantity, c: Claim) -> bool:
    """The date hangs off the claim's own verb, not off a noun inside it."""
    return q.anchor == c.predicate or c.predicate in _LIGHT_VERBS


def amount_clashes(a: Claim, b: Claim, kind: str) -> list[tuple[Quantity, Quantity]] | None:
    """Pairs of same-slot amounts of one kind that disagree; ``None`` when some
    same-slot pair agrees (the claims share that amount) or none is comparable."""
    qa = [q for q in a.quantities if q.kind == kind]
    qb = [q for q in b.quantities if q.kind == kind]
    clashes = []
    for x in qa:
        for y in qb:
            if not same_slot(x, y, a, b):
                continue
            if kind == "date" and x.text.lower() == y.text.lower():
                return None  # "today" and "today", read against two reports' dates
            verdict = same_value(x, y)
            if verdict is True:
                return None
            if verdict is False or kind == "date" and _weekday_clash(x, y):
                clashes.append((x, y))
    return clashes or None


def _amounts_differ(a: Claim, b: Claim) -> bool:
    return any(amount_clashes(a, b, kind) for kind in _NUMBER_KINDS + ("date",))


def _amounts_agree(a: Claim, b: Claim) -> bool:
    """Both claims give one amount of the same thing: strong evidence of one fact.

    Dates are left out: most facts of a story happened on the same day or two.
    """
    for x in a.quantities:
        for y in b.quantities:
            if x.kind == y.kind and x.kind in _NUMBER_KINDS and same_value(x, y) is True:
                if same_slot(x, y, a, b):
                    return True
    return False


def masked_text(claim: Claim, text: str | None = None) -> str:
    """The claim's wording with its amounts and dates replaced by neutral words.

    Two claims that differ only in a number are one fact with a conflict; two
    claims that differ in their amounts *and* in what they say of them are two
    facts. Comparing the masked wordings tells the two apart.
    """
    text = text if text is not None else claim.core or claim.text
    for q in claim.quantities:
        text = text.replace(q.text, _mask(q), 1)
    return text


def _mask(q: Quantity) -> str:
    mask = _MASKS.get(q.kind, "some")
    if q.kind == "count" and q.unit and q.text.endswith(q.unit):
        mask = f"{mask} {q.unit}"  # "several people were hurt", not "several were hurt"
    return mask


#: Neutral stand-ins for masked amounts, by kind, that keep the sentence
#: grammatical enough for the models.
_MASKS = {"date": "then", "duration": "some time", "money": "some money",
          "percent": "some percent", "count": "several", "ordinal": "another"}


def pair_score(a: _Item, b: _Item, cosine: float, masked_cosine: float | None = None) -> float:
    """The ``embed`` judge: how strongly two claims state one fact (about 0-1).

    ``masked_cosine`` is the cosine of the masked wordings; it replaces
    ``cosine`` when the claims give different amounts or dates, so that a
    number conflict is judged on everything but the number.
    """
    differ = _amounts_differ(a.claim, b.claim)
    if differ and masked_cosine is not None:
        cosine = masked_cosine
    score = cosine + LEXICAL_WEIGHT * _jaccard(a.lemmas, b.lemmas)
    if not differ and _amounts_agree(a.claim, b.claim):
        score += AGREEMENT_BONUS
    if _contrasting_participants(a, b):
        score -= PARTICIPANT_PENALTY
    if differ and masked_cosine is None and _overlap(a.nouns, b.nouns) < CONFLICT_NOUN_OVERLAP:
        score -= QUANTITY_MISMATCH_PENALTY
    return score


def _mention(claim: Claim, text: str) -> Mention:
    return Mention(article=claim.article, start=claim.start, end=claim.end, text=text)


def claim_text(claim: Claim) -> str:
    """What the judge and the embedder read of a claim: its statement (without
    "X said" around it, which attribution checks compare)."""
    return claim.core or claim.text


class Aligner:
    """Groups the claims of a story's reports into facts and finds their conflicts.

    Args:
        embedder: the sentence embedder (``encode(texts)``), for candidates.
        judge: a :mod:`.nlp.judge` judge; ``None`` or the ``embed`` judge
            scores pairs by cosine and lexical rules.
        threshold: overrides the judge's alignment threshold (0: keep it).
    """

    def __init__(self, embedder, *, judge=None, threshold: float = 0.0) -> None:  # noqa: ANN001
        self.embedder = embedder
        self.judge = judge if judge is not None and judge.thresholds is not None else None
        if self.judge is not None:
            self.threshold = threshold or self.judge.thresholds.align
            self.contradict = self.judge.thresholds.contradict
            # The judge's probabilities are calibrated: no slack below its threshold.
            self.margin, self.link_fraction = 0.0, 1.0
            self.conflict_score = max(self.threshold, CONFLICT_SCORE)
            self.minimal_pair = self.judge.thresholds.same
        else:
            self.threshold = threshold or MATCH_THRESHOLD
            self.contradict = 1.1  # never
            self.margin, self.link_fraction = MUTUAL_MARGIN, AVERAGE_LINK_FRACTION
            self.conflict_score = self.threshold - self.margin
            self.minimal_pair = MINIMAL_PAIR_COSINE
        self.texts: dict[str, str] = {}
        #: When a list: every judged pair is appended as ``(unit, unit, verdict, cosine,
        #: score)`` (bench/alignment.py calibrates the alignment score on them).
        self.pair_log: list | None = None
        self._by_sentence: dict[tuple[str, int], list[Claim]] = {}
        self._sentences: dict[tuple[str, int], str] = {}
        self._sentence_starts: dict[tuple[str, int], int] = {}
        self._units: list[_Unit] = []
        self._independent: dict[str, str] = {}

    def align(
        self,
        analyzed: Sequence[AnalyzedArticle],
        copy_of: dict[str, str],
        entities: Sequence[Entity] = (),
        independent: Mapping[str, str] | None = None,
    ) -> list[ClaimGroup]:
        """The story's fact groups.

        ``copy_of`` maps each copy to its original; ``independent`` each report to the
        independent source it counts as (``dedup.independent_sources``: reports of one
        owner or outlet are one). Without it each original is its own source.
        """
        self.texts = {a.article.id: a.article.text for a in analyzed}
        self._independent = {a.article.id: source_of(a.article.id, copy_of) for a in analyzed}
        self._independent.update(independent or {})
        self._by_sentence: dict[tuple[str, int], list[Claim]] = {}
        self._sentences = {(a.article.id, n): s.text for a in analyzed
                           for n, s in enumerate(a.sentences)}
        self._sentence_starts = {(a.article.id, n): s.start for a in analyzed
                                 for n, s in enumerate(a.sentences)}
        for art in analyzed:
            for c in art.claims:
                self._by_sentence.setdefault((c.article, c.sentence), []).append(c)
        items: list[_Item] = []
        for pos, art in enumerate(analyzed):
            for claim in art.claims:
                items.append(
                    _Item(
                        claim=claim,
                        index=len(items),
                        article_pos=pos,
                        source=source_of(claim.article, copy_of),
                        nouns=_nouns(claim),
                        lemmas=frozenset(claim.lemmas),
                        participants=_participants(claim),
                    )
                )
        groups: list[list[tuple[_Item, Mention, bool]]] = []
        links = _Links()
        if items:
            links = self._links(items) if self.judge is not None else self._embed_links(items)
            primary = self._merge(items, links.claim)
            groups = self._secondary(items, primary, links)
            self._contradictions(items, groups, links)
        # Facts in reading order: first report, then position in it.
        groups.sort(key=lambda ms: min((it.article_pos, m.start) for it, m, _ in ms))
        out = [self._group(members, links, copy_of) for members in groups]
        out += self._role_groups(analyzed, copy_of, entities)
        _dedupe_across(out, copy_of)
        for n, g in enumerate(out, 1):
            g.id = f"c{n}"
        return out

    # 1.-3. with the pair judge
    def _links(self, items: list[_Item]) -> _Links:
        units: list[_Unit] = []
        for it in items:
            c = it.claim
            units.append(_Unit(it.index, claim_text(c), "claim", c.start, c.end))
            if c.kernel and not c.core:
                units.append(_Unit(it.index, c.kernel, "kernel", c.start, c.end))
            for f in c.facets:
                units.append(_Unit(it.index, f.text, "facet", f.start, f.end))
        vectors = self.embedder.encode([u.text for u in units])
        cos = vectors @ vectors.T
        pos = np.array([items[u.item].article_pos for u in units])
        facet = np.array([u.kind == "facet" for u in units])
        # Each unit's closest units in other reports (and never two facets): the judge's
        # work grows with the units, not with the square of the reports.
        masked_cos = np.where(pos[:, None] == pos[None, :], -1.0, cos)
        masked_cos[np.ix_(facet, facet)] = -1.0
        k = min(CANDIDATES_PER_UNIT, max(1, len(units) - 1))
        best = np.argpartition(-masked_cos, k - 1, axis=1)[:, :k]
        pairs: set[tuple[int, int]] = set()
        for row in range(len(units)):
            for col in best[row].tolist():
                if masked_cos[row, col] >= CANDIDATE_FLOOR:
                    pairs.add((min(row, col), max(row, col)))
        ordered = sorted(pairs)
        # Near-identical wordings (a wire sentence two outlets carry) are one fact without
        # asking the judge; their numbers and polarity are still compared by rule.
        ask = [(i, j) for i, j in ordered if cos[i, j] < SAME_COSINE]
        verdicts = dict(zip(ask, self.judge.judge([(units[i].text, units[j].text)
                                                   for i, j in ask], symmetric=True),
                            strict=True))
        judged = [verdicts.get((i, j)) or Verdict(same=1.0, contradict=0.0,
                                                   similarity=float(cos[i, j]))
                  for i, j in ordered]
        # Claims that give different amounts are judged again with the amounts
        # masked: the same fact told with another number is a number conflict.
        masked_pairs = []
        for i, j in ordered:
            ui, uj = units[i], units[j]
            if ui.kind == "claim" and uj.kind == "claim" and _amounts_differ(
                    items[ui.item].claim, items[uj.item].claim):
                masked_pairs.append((i, j))
        masked = dict(zip(masked_pairs, self.judge.judge(
            [(masked_text(items[units[i].item].claim), masked_text(items[units[j].item].claim))
             for i, j in masked_pairs], symmetric=True), strict=True))
        links = _Links()
        for (i, j), v in zip(ordered, judged, strict=True):
            ui, uj = units[i], units[j]
            a, b = ui.item, uj.item
            if a == b:
                continue
            c = float(cos[i, j])
            score = self.judge.alignment_score(v, c)
            if ui.kind != "facet" and uj.kind != "facet" and _amounts_agree(
                    items[a].claim, items[b].claim):
                score = min(1.0, score + AGREEMENT_BONUS)
            contra = v.contradict
            if (i, j) in masked:
                m = masked[(i, j)]
                score = max(score, self.judge.alignment_score(m, c))
                contra = min(contra, m.contradict)  # the numbers are compared by rule
                pair = (min(a, b), max(a, b))
                links.masked_same[pair] = max(links.masked_same.get(pair, 0.0),
                                              self.judge.same_meaning(m))
            if self.pair_log is not None:
                self.pair_log.append((ui, uj, v, c, score))
            if ui.kind == "facet" or uj.kind == "facet":
                f, other = (i, b) if ui.kind == "facet" else (j, a)
                links.facet[(f, other)] = max(links.facet.get((f, other), 0.0), score)
                continue
            if told_apart(items[a].claim, items[b].claim) or self._measure_apart(
                    items[a], items[b]) or _named_subjects_differ(
                    items[a].claim, items[b].claim, self.texts):
                continue
            key = (min(a, b), max(a, b))
            if score > links.claim.get(key, -1.0):
                links.claim[key] = score
                links.contra[key] = contra
                links.agree[key] = self.judge.alignment_score(
                    Verdict(v.same, 0.0, v.similarity), c)
        self._units = units
        return links

    # 1.-3. with the embed judge: cosine and lexical rules, whole claims only
    def _embed_links(self, items: list[_Item]) -> _Links:
        self._units = []
        vectors = self.embedder.encode([claim_text(it.claim) for it in items])
        cos = vectors @ vectors.T
        # Only pairs that could reach the threshold are scored in full: the
        # bonuses are bounded. Masking a number rarely moves the cosine by more
        # than MASK_SLACK.
        keep = (self.threshold - MUTUAL_MARGIN) * AVERAGE_LINK_FRACTION
        floor = keep - LEXICAL_WEIGHT - AGREEMENT_BONUS - MASK_SLACK
        rows, cols = np.nonzero(np.triu(cos, k=1) >= floor)
        pairs = [
            (i, j)
            for i, j in zip(rows.tolist(), cols.tolist(), strict=True)
            if items[i].article_pos != items[j].article_pos
        ]
        differing = [(i, j) for i, j in pairs if _amounts_differ(items[i].claim, items[j].claim)]
        need = sorted({k for pair in differing for k in pair})
        masked_vec = dict(
            zip(need, self.embedder.encode([masked_text(items[k].claim) for k in need]),
                strict=True)
        )
        differ = set(differing)
        links = _Links()
        for i, j in pairs:
            masked = float(masked_vec[i] @ masked_vec[j]) if (i, j) in differ else None
            s = pair_score(items[i], items[j], float(cos[i, j]), masked)
            if s >= keep:
                links.claim[(i, j)] = s
                if masked is not None:
                    links.masked_same[(i, j)] = masked
        return links

    # 4. one claim per report per group
    def _merge(self, items: list[_Item], scores: dict[tuple[int, int], float]) -> list[list[int]]:
        # Candidate pairs: above the threshold, or a little below it when the
        # two claims are each other's best match in the other's report.
        best: dict[tuple[int, int], float] = {}
        for (i, j), s in scores.items():
            for x, y in ((i, j), (j, i)):
                key = (x, items[y].article_pos)
                best[key] = max(best.get(key, 0.0), s)
        low = self.threshold - self.margin
        candidates = [
            (s, i, j)
            for (i, j), s in scores.items()
            if s >= self.threshold
            or s >= low
            and best[(i, items[j].article_pos)] == s
            and best[(j, items[i].article_pos)] == s
        ]
        group_of = list(range(len(items)))
        members: dict[int, list[int]] = {i: [i] for i in range(len(items))}
        for _, i, j in sorted(candidates, key=lambda c: (-c[0], c[1], c[2])):
            gi, gj = group_of[i], group_of[j]
            if gi == gj:
                continue
            arts_i = {items[k].article_pos for k in members[gi]}
            arts_j = {items[k].article_pos for k in members[gj]}
            if arts_i & arts_j:
                continue
            cross = [
                scores.get((min(x, y), max(x, y)), 0.0) for x in members[gi] for y in members[gj]
            ]
            if sum(cross) / len(cross) < low * self.link_fraction:
                continue
            members[gi].extend(members[gj])
            for k in members.pop(gj):
                group_of[k] = gi
        return [sorted(ms) for ms in members.values()]

    # 4. many-to-many: further mentions from strong links across groups
    def _secondary(
        self, items: list[_Item], primary: list[list[int]], links: _Links
    ) -> list[list[tuple[_Item, Mention, bool]]]:
        """Add to each group the claims (and facets) of other groups that state its fact.

        A claim joins another group as a further mention when its report is not in that
        group yet and it is linked to the group's claims as strongly as the group's own
        claims had to be (the average over them clears the threshold): one sentence that
        carries two facts supports both. A facet joins the group of the claim it matches.
        A group left holding a single plain claim that now speaks in another group is
        dropped: its fact is there.
        """
        group_of = {k: n for n, ms in enumerate(primary) for k in ms}
        groups: list[list[tuple[_Item, Mention, bool]]] = [
            [(items[k], self._whole(items[k].claim), True) for k in ms] for ms in primary
        ]
        elsewhere: set[int] = set()  # items that joined another group as a whole claim

        def reports(n: int) -> set[int]:
            return {it.article_pos for it, _, _ in groups[n]}

        def score(i: int, j: int) -> float:
            return links.claim.get((min(i, j), max(i, j)), 0.0)

        strong = sorted(((s, i, j) for (i, j), s in links.claim.items() if s >= self.threshold),
                        key=lambda x: (-x[0], x[1], x[2]))
        for _, i, j in strong:
            for x, y in ((i, j), (j, i)):
                gy = group_of[y]
                if gy == group_of[x] or items[x].article_pos in reports(gy):
                    continue
                # Linked to every claim the group already holds, on average as
                # strongly as a claim must be to join: otherwise two further claims
                # would meet in the group without ever having been compared.
                own = [it.index for it, m, _ in groups[gy]
                       if (m.start, m.end) == (it.claim.start, it.claim.end)]
                if sum(score(x, k) for k in own) / len(own) >= self.threshold:
                    groups[gy].append((items[x], self._whole(items[x].claim), False))
                    elsewhere.add(x)
        for (f, other), s in sorted(links.facet.items(), key=lambda kv: (-kv[1], kv[0])):
            if s < self.threshold + FACET_MARGIN:
                continue
            unit = self._units[f]
            owner = items[unit.item]
            g = group_of[other]
            own = [it.index for it, m, _ in groups[g]
                   if (m.start, m.end) == (it.claim.start, it.claim.end)]
            if owner.article_pos in reports(g) or sum(
                    links.facet.get((f, k), 0.0) for k in own) / len(own) < (
                    self.threshold + FACET_MARGIN):
                continue
            text = self.texts[owner.claim.article][unit.start : unit.end]
            groups[g].append((owner, Mention(owner.claim.article, unit.start, unit.end, text),
                              False))
        return [
            g for g in groups
            if not (len(g) == 1 and g[0][0].index in elsewhere and not g[0][0].claim.facets)
        ]

    def _contradictions(
        self, items: list[_Item], groups: list[list[tuple[_Item, Mention, bool]]], links: _Links
    ) -> None:
        """Bring each claim the judge reads as contradicting another into that claim's
        group, so the disagreement is shown with the fact it disputes."""
        where = {it.index: n for n, g in enumerate(groups) for it, _, primary in g if primary}
        for (i, j), p in sorted(links.contra.items(), key=lambda kv: (-kv[1], kv[0])):
            if p < self.contradict or items[i].source == items[j].source:
                continue
            for x, y in ((i, j), (j, i)):
                g = where.get(x)
                if g is not None and all(it.index != y for it, _, _ in groups[g]):
                    groups[g].append((items[y], self._whole(items[y].claim), False))
                    break

    def _whole(self, claim: Claim) -> Mention:
        return _mention(claim, self.texts[claim.article][claim.start : claim.end])

    # 5. and 7.
    def _group(
        self,
        members: list[tuple[_Item, Mention, bool]],
        links: _Links,
        copy_of: dict[str, str],
    ) -> ClaimGroup:
        members.sort(key=lambda m: (m[0].article_pos, m[1].start))
        conflicts: list[Conflict] = []
        # One claim per independent source: a reprint repeats its original's
        # conflicts, it does not add its own. Whole claims speak before facets.
        voices: dict[str, _Item] = {}
        for it, m, _ in members:
            whole = m.start == it.claim.start and m.end == it.claim.end
            if it.source not in voices or whole and it.claim.article == it.source:
                voices[it.source] = it
        speakers = list(voices.values())

        def key(a: _Item, b: _Item) -> tuple[int, int]:
            return (min(a.index, b.index), max(a.index, b.index))

        def contradicts(a: _Item, b: _Item) -> bool:
            # Sure of the contradiction, the same matter by the words, and a denial on
            # one side only.
            k = key(a, b)
            return (links.contra.get(k, 0.0) >= self.contradict
                    and links.agree.get(k, 0.0) >= self.threshold
                    and _polarity_differs(a.claim, b.claim) and _denies_the_other(a.claim, b.claim)
                    and same_subject(a.claim, b.claim) and not _hypothetical(a.claim, b.claim))

        # Only two claims read as one fact are compared: a group holds claims that each
        # matched some of the others, and two of them may tell different parts of it.
        # Amounts and dates only of two claims surely one fact: a reader shown "23 vs 21"
        # must agree both speak of the same thing.
        low = self.threshold - self.margin
        for x in range(len(speakers)):
            for y in range(x + 1, len(speakers)):
                a, b = speakers[x], speakers[y]
                score = links.claim.get(key(a, b), 0.0)
                if score < low:
                    continue
                amounts = (score >= self.conflict_score
                           and links.masked_same.get(key(a, b), 0.0) >= self.minimal_pair
                           and self._same_but_amounts(a.claim, b.claim)
                           and self._same_measure(a, b))
                conflicts.extend(claim_conflicts(
                    a, b, self.texts, contradicts(a, b), self._sentence_claims,
                    self._sentence_text, amounts=amounts))
        # A report may state the fact and, elsewhere, deny it ("reports said X ... X is
        # a hoax"): a contradiction the judge is sure of counts between any two claims
        # of independent sources, not only between each source's first voice.
        whole = [it for it, m, _ in members
                 if (m.start, m.end) == (it.claim.start, it.claim.end)]
        voiced = {id(v) for v in speakers}
        for x in range(len(whole)):
            for y in range(x + 1, len(whole)):
                a, b = whole[x], whole[y]
                if a.source != b.source and contradicts(a, b) and not (
                        id(a) in voiced and id(b) in voiced):
                    conflicts.extend(claim_conflicts(a, b, self.texts, True,
                                                     self._sentence_claims, self._sentence_text))
        conflicts = _one_per_disagreement(conflicts)
        sources = {self._independent.get(it.claim.article, it.source) for it, _, _ in members}
        if conflicts:
            status = "conflicting"
        elif len(sources) >= 2:
            status = "corroborated"
        else:
            status = "single_source"
        # Canonical wording: one that stands alone (no "she" left unresolved), a sentence
        # rather than a headline, then the whole claim closest to all others, the shortest
        # among equals (a reader wants the plainest statement).
        wholes = [it for it, _, primary in members if primary] or [members[0][0]]
        best = max(
            wholes,
            key=lambda it: (
                not leans_on_context(it.claim.text),
                not lacks_subject(it.claim),
                not reads_as_headline(it.claim.text),
                round(sum(
                    links.claim.get((min(it.index, o.index), max(it.index, o.index)), 0.0)
                    for o, _, _ in members if o is not it
                ), 1),
                -len(it.claim.text),
                -it.article_pos,
            ),
        )
        seen: set[tuple[str, int, int]] = set()
        mentions = []
        for _, m, _ in members:
            if (m.article, m.start, m.end) not in seen:
                seen.add((m.article, m.start, m.end))
                mentions.append(m)
        return ClaimGroup(
            id="",
            status=status,
            independent_sources=len(sources),
            text=_sentence_case(best.claim.text),
            mentions=mentions,
            conflicts=_dedupe_conflicts(conflicts),
            # The claim worded first, then the others.
            _claims=[best.claim] + [it.claim for it, _, primary in members
                                    if primary and it is not best]
            + [it.claim for it, _, primary in members if not primary and it is not best],
        )

    def _same_but_amounts(self, a: Claim, b: Claim) -> bool:
        """Whether the claims' whole sentences, every amount and date in them masked, say
        the same thing: the value is all they differ in, not what it counts. Two clauses
        alike ("he blocked two shots", "he blocked six shots") often sit in sentences that
        tell them apart ("during the deciding run", "in the game"). The embed judge reads
        no pairs: the clauses' masked cosine is all it has."""
        if self.judge is None or not _amounts_differ(a, b):
            return True
        v = self.judge.judge([(self._masked_sentence(a), self._masked_sentence(b))],
                             symmetric=True)[0]
        return self.judge.same_meaning(v) >= SENTENCE_SAME

    def _same_measure(self, a: _Item, b: _Item) -> bool:
        """Whether the two claims' amounts could measure one thing: not when one tells of
        a change ("the offer was raised to $184M") and the other not, nor when their words
        show they count other things (``_counts_other_things``)."""
        if bool(_CHANGE.search(a.claim.text)) != bool(_CHANGE.search(b.claim.text)):
            return False
        return not self._counts_other_things(a, b)

    def _measure_apart(self, a: _Item, b: _Item) -> bool:
        """Claims whose differing amounts count other things: two facts, not one told two
        ways."""
        return _amounts_differ(a.claim, b.claim) and self._counts_other_things(a, b)

    def _counts_other_things(self, a: _Item, b: _Item) -> bool:
        """The claims' own words show their amounts count other things: other parties
        ("the Orioles offered", "an offer from the Red Sox"), other acts ("missed four
        games", "played in 10 games"), or only part of the event ("during the deciding
        run")."""
        ca, cb = a.claim, b.claim
        return (_other_parties(a, b) or self._different_acts(ca, cb)
                or _scoped(self._sentence_text(ca), cb) or _scoped(self._sentence_text(cb), ca))

    def _different_acts(self, a: Claim, b: Claim) -> bool:
        """Every pair of amounts of one kind is held by two verbs that differ in word and
        in meaning (their embeddings further apart than ``VERB_SIMILAR``; "kill" and
        "die" are close, "miss" and "play" are not), neither claim using the other's."""
        pairs = [(x.verb, y.verb) for x in a.quantities for y in b.quantities
                 if x.kind == y.kind and x.kind in _NUMBER_KINDS and not (x.aside or y.aside)]
        if not pairs:
            return False
        stems_a = {_stem(w) for w in a.lemmas}
        stems_b = {_stem(w) for w in b.lemmas}
        for va, vb in pairs:
            if not va or not vb or va in _LIGHT_VERBS or vb in _LIGHT_VERBS:
                return False
            if _stem(va) == _stem(vb) or _stem(va) in stems_b or _stem(vb) in stems_a:
                return False
            x, y = self.embedder.encode([va, vb])
            if float(x @ y) >= VERB_SIMILAR:
                return False
        return True

    def _masked_sentence(self, claim: Claim) -> str:
        key = (claim.article, claim.sentence)
        start = self._sentence_starts.get(key)
        if start is None:
            return masked_text(claim)
        text = self._sentences[key]
        spans = {(q.start, q.end): q for c in self._by_sentence.get(key, ()) for q in c.quantities}
        for (lo, hi), q in sorted(spans.items(), reverse=True):
            if start <= lo and hi - start <= len(text):
                text = text[: lo - start] + _mask(q) + text[hi - start :]
        return text

    def _sentence_claims(self, claim: Claim) -> list[Claim]:
        return self._by_sentence.get((claim.article, claim.sentence), [])

    def _sentence_text(self, claim: Claim) -> str:
        return self._sentences.get((claim.article, claim.sentence), claim.text)

    # 6.
    def _role_groups(
        self,
        analyzed: Sequence[AnalyzedArticle],
        copy_of: dict[str, str],
        entities: Sequence[Entity],
    ) -> list[ClaimGroup]:
        texts = self.texts
        places = [
            alias for e in entities if e.label in {"GPE", "NORP", "LOC"} for alias in e.aliases
        ]
        groups: list[ClaimGroup] = []
        by_key: dict[str, list[tuple[int, str, object]]] = {}
        for pos, art in enumerate(analyzed):
            for m in art.entities:
                if m.label == "PERSON" and m.title and m.key and _formal_title(m):
                    by_key.setdefault(m.key, []).append((pos, art.article.id, m))
        for titled in by_key.values():
            found = None
            for x in range(len(titled)):
                for y in range(x + 1, len(titled)):
                    pa, ida, ma = titled[x]
                    pb, idb, mb = titled[y]
                    if source_of(ida, copy_of) == source_of(idb, copy_of):
                        continue
                    if not _same_time(analyzed[pa].article, analyzed[pb].article):
                        continue
                    ta = normalise_title(ma.title, places)  # type: ignore[attr-defined]
                    tb = normalise_title(mb.title, places)  # type: ignore[attr-defined]
                    if not titles_compatible(ta, tb):
                        found = (ida, ma, idb, mb)
                        break
                if found:
                    break
            if not found:
                continue
            ida, ma, idb, mb = found
            name = max((m.text for _, _, m in titled), key=len)  # type: ignore[attr-defined]
            mentions = []
            for art_id, m in ((ida, ma), (idb, mb)):
                start = min(m.start, m.title_start)  # type: ignore[attr-defined]
                end = max(m.end, m.title_end)  # type: ignore[attr-defined]
                mentions.append(Mention(art_id, start, end, texts[art_id][start:end]))
            conflict = Conflict(
                type="role",
                detail=f"{name}: {ma.title} vs {mb.title}",  # type: ignore[attr-defined]
                mentions=mentions,
            )
            groups.append(
                ClaimGroup(
                    id="",
                    status="conflicting",
                    independent_sources=len({self._independent.get(m.article, m.article)
                                             for m in mentions}),
                    text=f"{name}'s title",
                    mentions=list(mentions),
                    conflicts=[conflict],
                )
            )
        return groups


#: Days apart within which two reports' titles for one person must agree: offices
#: change ("Senator Obama", later "President Obama").
ROLE_DAYS = 14


def _same_time(a: Article, b: Article) -> bool:
    """Both reports are dated, within ``ROLE_DAYS`` of each other; undated reports may
    be years apart, and a title they differ on may be an earlier office."""
    try:
        da, db = (_dt.date.fromisoformat((x.published or "")[:10]) for x in (a, b))
    except ValueError:
        return False
    return abs((da - db).days) <= ROLE_DAYS


def _formal_title(m: EntityMention) -> bool:
    """A title set before the name, every word capitalised ("U.S. District Judge Jack
    Weinstein"): an office as the report styles it. A description after the name ("the
    judge in the case", "a former director of ...") or a phrase the parser took for a
    title ("on behalf of President") is never set against another report's title."""
    if m.title_end is None or m.title_end > m.start:
        return False
    words = re.findall(r"[^\W\d_][\w.'’-]*", m.title or "")
    return bool(words) and all(w[0].isupper() for w in words)


def _sentence_case(text: str) -> str:
    text = text.strip().strip(",;:—–- ")
    if text and text[0].islower():
        text = text[0].upper() + text[1:]
    return text


#: Words that deny or negate: a contradiction the judge reads must show in the words,
#: one side holding one of them that the other lacks.
_DENIAL = re.compile(
    r"\b(?:not|no|never|nobody|none|nothing|neither|nor|deny|denies|denied|denial|false|"
    r"hoax|fake|untrue|rumou?rs?|debunk\w*|baseless|unfounded|refut\w*|reject\w*|refus\w*)\b|"
    r"n't\b",
    re.I,
)


def _polarity_differs(a: Claim, b: Claim) -> bool:
    """One claim holds a denial and the other none ("have no leads" and "don't have any
    leads" agree)."""
    def denies(c: Claim) -> bool:
        return bool(_DENIAL.search(_AFFIRMING.sub(" ", claim_text(c))))

    return denies(a) != denies(b)


def _denies_the_other(a: Claim, b: Claim) -> bool:
    """A claim that denies its own verb denies what the other states only when the
    other states that verb: "has not lived up to expectations" does not deny "has
    struggled". A denial elsewhere ("no one was hurt") is left to the judge."""
    for x, y in ((a, b), (b, a)):
        if x.negated and not y.negated and x.predicate and x.predicate not in _LIGHT_VERBS:
            return _stem(x.predicate) in {_stem(w) for w in y.lemmas} | {_stem(y.predicate or "")}
    return True


#: Negations that affirm: "not only ... but", "not one person but several", "will not
#: arrive until Monday" (it will arrive, on Monday).
_AFFIRMING = re.compile(
    r"\bnot\s+only\b|\b(?:not|n't)\b(?=[^.;:!?]{0,80}?\b(?:but|until|till)\b)", re.I)
#: A claim about what would, could or might be, or what is unknown, states no fact a
#: report's plain statement could contradict.
_HYPOTHETICAL = re.compile(
    r"\b(?:would|could|might|may|if|unless|whether|unclear|unsure|uncertain|unknown)\b", re.I)


#: A claim about what someone often or usually does tells a habit, which one occasion
#: does not contradict ("often not even looking good", "looked sharp in the fourth round").
_HABITUAL = re.compile(
    r"\b(?:often|usually|sometimes|rarely|seldom|frequently|occasionally|typically|"
    r"generally|mostly)\b", re.I)


def _hypothetical(a: Claim, b: Claim) -> bool:
    """Either claim tells what would be, what is unknown, or a habit: no plain
    statement contradicts it."""
    return any(_HYPOTHETICAL.search(claim_text(c)) or _HABITUAL.search(claim_text(c))
               for c in (a, b))


#: Words of a subject that do not say who or what it is.
_FUNCTION_WORDS = frozenset(
    "the a an of his her their its this that these those he she it they we i you our your "
    "some all both each one who which there".split())


#: Words after which a subject's head has been said ("the results of the test").
_AFTER_HEAD = re.compile(r"\s(?:of|in|at|for|from|with|on|who|which|that|,)\s.*", re.I)


def _subject_head(claim: Claim) -> tuple[str, frozenset[str]]:
    """The stem of the head word of a claim's subject, and the stems of its names."""
    subject = _AFTER_HEAD.sub("", " ".join((claim.subject or "").split()))
    words = [w for w in re.findall(r"[^\W\d_]+", subject) if w.lower() not in _FUNCTION_WORDS]
    head = _stem(words[-1].lower()) if words else ""
    return head, frozenset(_stem(w.lower()) for w in words if w[0].isupper())


def same_subject(a: Claim, b: Claim) -> bool:
    """Whether two claims speak of the same subject: the same head word ("the results"
    and "results of the test") or a shared name ("Microsoft", "Microsoft Corp."); an
    unresolved pronoun matches nothing. A claim denies another only about the same
    thing: "the manager was not signed" does not deny that the drivers are."""
    (head_a, names_a), (head_b, names_b) = _subject_head(a), _subject_head(b)
    return bool(head_a) and head_a == head_b or bool(names_a & names_b)


_PERSONAL = re.compile(r"\b(?:he|she|they)\b", re.I)
_NOT_A_TIME = (r"\s+(?!(?:year|week|month|morning|afternoon|evening|night|weekend|season|"
               r"spring|summer|autumn|fall|winter|time)s?\b)\w")
#: Words that point back at what came before: "His lawyer said" or "That call" as an
#: opening, "this story" or "these talks" anywhere; not a time ("This week", "that
#: night").
_POINTS_BACK = re.compile(r"^\W*(?:his|her|their|its|that|those)" + _NOT_A_TIME
                          + r"|\b(?:this|these)" + _NOT_A_TIME, re.I)


#: Share of a text's longer words capitalised from which it reads as a headline (Title
#: Case); a sentence full of names and titles stays under it.
HEADLINE_CAPITALS = 0.8


def reads_as_headline(text: str) -> bool:
    """Whether the text reads as a headline: most of its longer words capitalised."""
    words = re.findall(r"[^\W\d_]{4,}", text)
    capitals = sum(w[0].isupper() for w in words)
    return len(words) >= 3 and capitals >= HEADLINE_CAPITALS * len(words)


def lacks_subject(claim: Claim) -> bool:
    """A verb with no subject found ("Set federal standards for ..."): a fragment of a
    sentence the parser could not join up."""
    return claim.predicate is not None and not claim.subject


def leans_on_context(text: str) -> bool:
    """The wording names someone only as "he", "she" or "they", or points back at what
    came before ("His lawyer", "this story"): it reads whole only beside the sentences
    before it."""
    return _PERSONAL.search(text) is not None or _POINTS_BACK.search(text) is not None


def told_apart(a: Claim, b: Claim) -> bool:
    """Claims their own words tell apart, however alike they read: one denies what the
    other holds, of another subject ("the drivers are signed on", "the manager was not"),
    or both give amounts of one kind that measure different things and differ ("sought a
    five-year contract", "offered a three-year deal")."""
    if _polarity_differs(a, b) and _subjects_differ(a, b):
        return True
    for kind in _NUMBER_KINDS:
        qa = [q for q in a.quantities if q.kind == kind and not q.aside]
        qb = [q for q in b.quantities if q.kind == kind and not q.aside]
        if qa and qb and not any((same_slot(x, y, a, b) and not _other_nouns(x, y, a, b))
                                 or same_value(x, y) is True for x in qa for y in qb):
            return True
    return False


def _named_subjects_differ(a: Claim, b: Claim, texts: Mapping[str, str]) -> bool:
    """Each claim's subject is named in the report's own words ("The Red Sox ... put in
    a bid", "The Yankees have expressed interest"), by names the other claim does not
    hold at all: two parties, two facts. A subject the analysis put in for a pronoun
    ("he" read as the wrong man) tells nothing."""
    def names(c: Claim) -> frozenset[str]:
        named = {_stem(w) for m in c.entities for w in _words(m.text)}
        own = {_stem(w) for w in _words(texts[c.article][c.start:c.end])}
        return frozenset(n for n in _subject_head(c)[1] if n in named and n in own)

    names_a, names_b = names(a), names(b)
    if not names_a or not names_b:
        return False
    stems_a = {_stem(w) for w in _words(a.text)}
    stems_b = {_stem(w) for w in _words(b.text)}
    return not names_a & stems_b and not names_b & stems_a


def _subjects_differ(a: Claim, b: Claim) -> bool:
    """Both subjects are headed by a noun or a name, and are not the same subject (a
    pronoun subject tells nothing apart)."""
    return bool(_subject_head(a)[0] and _subject_head(b)[0]) and not same_subject(a, b)


def _one_per_disagreement(conflicts: list[Conflict]) -> list[Conflict]:
    """One conflict per disagreement in a fact: "23 vs 21 pirates" told by six reports
    each way is one disagreement, shown once with the first pair that states it."""
    seen: set[tuple] = set()
    out = []
    for c in conflicts:
        sides = tuple(sorted(part.strip() for part in c.detail.split(" vs ")))
        k = (c.type, sides) if c.type in {"number", "date", "role"} else (
            c.type, tuple(sorted(m.article for m in c.mentions)))
        if k not in seen:
            seen.add(k)
            out.append(c)
    return out


def _conflict_key(c: Conflict) -> tuple:
    return (c.type, tuple(sorted((m.article, m.start, m.end) for m in c.mentions)))


def _dedupe_conflicts(conflicts: list[Conflict]) -> list[Conflict]:
    seen = set()
    out = []
    for c in conflicts:
        key = _conflict_key(c)
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


def _dedupe_across(groups: list[ClaimGroup], copy_of: dict[str, str]) -> None:
    """Each disagreement once in the story: a pair of spans already in conflict
    in one fact is not reported again by another (a sentence can support
    several facts, and would carry its conflict into each)."""
    seen: set[tuple] = set()
    for g in groups:
        kept = []
        for c in g.conflicts:
            key = _conflict_key(c)
            spans = key[1]
            if key in seen or (("any",) + spans) in seen:
                continue
            seen.add(key)
            if c.type in {"negation", "contradiction", "framing", "attribution"}:
                seen.add(("any",) + spans)
            kept.append(c)
        g.conflicts = kept
        if not kept and g.status == "conflicting":
            g.status = "corroborated" if g.independent_sources >= 2 else "single_source"


def claim_conflicts(
    a: _Item,
    b: _Item,
    texts: dict[str, str],
    contradicts: bool = False,
    sentence_claims=None,  # noqa: ANN001 - (Claim) -> list[Claim]
    sentence_text=None,  # noqa: ANN001 - (Claim) -> str
    *,
    amounts: bool = True,
) -> list[Conflict]:
    """Typed conflicts between two claims already judged to state one fact.

    1. number / date: amounts of the same slot that never agree (the pair was
       matched on its masked wording, so this is one fact told two ways);
    2. framing: an outright rejection against a rejection with a partial
       agreement in the same sentence;
    3. negation: one predicate affirmed and denied, or two opposite verbs,
       about the same things; or a contradiction the judge is sure of;
    4. attribution: the same quoted words (in quote marks on both sides) credited to
       different people, or
       one speaker against the same speaker with others (checked only when 3
       found nothing: "X said A" vs "Y said not A" is a negation).
    """
    ca, cb = a.claim, b.claim
    out: list[Conflict] = []

    def whole(c: Claim) -> Mention:
        return _mention(c, texts[c.article][c.start : c.end])

    # 1.
    for kind in _NUMBER_KINDS + ("date",) if amounts else ():
        clashes = [(x, y) for x, y in amount_clashes(ca, cb, kind) or ()
                   if _comparable_values(x, y, ca, cb)
                   and not _ranges_meet(x, texts[ca.article], y, texts[cb.article])]
        if not clashes:
            continue
        x, y = clashes[0]
        out.append(
            Conflict(
                type="date" if kind == "date" else "number",
                detail=f"{describe(x)} vs {describe(y)}",
                mentions=[
                    Mention(ca.article, x.start, x.end, texts[ca.article][x.start : x.end]),
                    Mention(cb.article, y.start, y.end, texts[cb.article][y.start : y.end]),
                ],
            )
        )
    # 2.
    if sentence_claims is not None:
        framing = _framing(ca, cb, sentence_claims) or _framing(cb, ca, sentence_claims)
        if framing:
            outright, partial, agreed = framing
            lo, hi = min(partial.start, agreed.start), max(partial.end, agreed.end)
            out.append(Conflict(
                type="framing",
                detail=f"{_past(outright.predicate)} outright vs {_past(agreed.predicate)} "
                       "in part",
                mentions=[whole(outright),
                          Mention(partial.article, lo, hi, texts[partial.article][lo:hi])],
            ))
            return out
    # 3.
    same_things = (_overlap(a.nouns, b.nouns) >= CONFLICT_NOUN_OVERLAP
                   and same_subject(ca, cb) and not _hypothetical(ca, cb))
    if same_things and ca.predicate and cb.predicate:
        opposite = (ca.predicate, cb.predicate) in _ANTONYMS
        polar = (ca.negated != cb.negated and ca.predicate == cb.predicate
                 and _polarity_differs(ca, cb))
        if opposite or polar:
            def say(c: Claim) -> str:
                return f"{'not ' if c.negated else ''}{c.predicate}"

            out.append(
                Conflict(type="negation", detail=f"{say(ca)} vs {say(cb)}",
                         mentions=[whole(ca), whole(cb)])
            )
            return out
    if contradicts and not out:
        out.append(Conflict(type="contradiction", detail="the reports state opposite things",
                            mentions=[whole(ca), whole(cb)]))
        return out
    # 4.
    # Only named speakers: "the spokesman" may well be the person the other
    # report names (MRPC showed many such false attributions).
    # And only speakers named in the claim itself: a "he said" resolved to
    # the last person named is a guess, not what the report states.
    spk_a = {k for k in ca.speaker_key.split("|") if k and not k.startswith("TEXT:")}
    spk_b = {k for k in cb.speaker_key.split("|") if k and not k.startswith("TEXT:")}
    named = all(any(k.startswith("PERSON:") for k in spk) for spk in (spk_a, spk_b)) and all(
        _names_speaker(c, sentence_text(c) if sentence_text else c.text) for c in (ca, cb))
    if named and spk_a != spk_b:
        if spk_a & spk_b and (spk_a < spk_b or spk_b < spk_a):
            one, more = (ca, cb) if spk_a < spk_b else (cb, ca)
            # Together with another person, not the same one named in full beside an
            # organisation ("Steele" and "Fire Department Chief James Steele").
            known = {_surname(k.partition(":")[2]) for k in (spk_a & spk_b)}
            joint = re.split(r",\s*(?:who|whose|which)\b", more.speaker or "")[0]
            if not (re.search(r"\b(?:and|with)\b|&", joint) and any(
                    k.startswith("PERSON:") and _surname(k.partition(":")[2]) not in known
                    for k in (spk_a ^ spk_b))):
                return out
            out.append(Conflict(
                type="attribution",
                detail=f"{one.speaker} alone vs {more.speaker} together",
                mentions=[whole(one), whole(more)],
            ))
        elif (not spk_a & spk_b and _surname(ca.speaker) != _surname(cb.speaker)
              and all(any(q in c.text for q in '“"') for c in (ca, cb))
              and _quoted_words_match(ca, cb)):
            out.append(
                Conflict(type="attribution", detail=f"credited to {ca.speaker} vs {cb.speaker}",
                         mentions=[whole(ca), whole(cb)])
            )
    return out


def _framing(a: Claim, b: Claim, sentence_claims) -> tuple[Claim, Claim, Claim] | None:  # noqa: ANN001
    """``a`` rejects outright; ``b`` rejects too, but its sentence has the same
    actor agreeing to part of it: (a, b, b's agreement)."""
    if a.negated or (a.predicate or "") not in _REJECT:
        return None
    if (b.predicate or "") not in _REJECT and not b.negated:
        return None
    if any((c.predicate or "") in _ACCEPT and not c.negated for c in sentence_claims(a)):
        return None
    for c in sentence_claims(b):
        if c.id != b.id and (c.predicate or "") in _ACCEPT and not c.negated:
            return a, b, c
    return None


def _names_speaker(claim: Claim, sentence: str) -> bool:
    """The claim's sentence names its speaker in words: not a "he said" resolved to the
    last person named, nor a title cut off by the sentence splitter ("said Sgt.")."""
    name = claim.speaker or ""
    surname = _surname(name)
    return (len(surname) >= 3 and not name.rstrip().endswith(".")
            and re.search(rf"\b{re.escape(name)}\b", sentence) is not None)


def _surname(name: str | None) -> str:
    """"Robert J. Pickell", "Sheriff Pickell" and "Pickell" are one speaker."""
    words = re.findall(r"[^\W\d_]+", name or "")
    return words[-1].lower() if words else ""


#: Most amounts a claim may give of one kind for a difference to be read as a conflict:
#: a line of statistics ("404 yards on 106 carries, 3.8 yards a run") has no one slot.
MAX_AMOUNTS_PER_KIND = 2
#: Two values of one slot further apart than this factor are two things, not one
#: misreported ("10 killed" and "80 wounded"; "404 yards" and "3.8 yards a run").
MAX_VALUE_RATIO = 4.0


#: Days two dates of one fact may lie apart before they are two events rather than one
#: misdated (hired in 2001, fired in 2005): for days and months, and for bare years.
MAX_DATE_GAP_DAYS = {False: 31, True: 3 * 366}


def _date_gap_days(x: Quantity, y: Quantity) -> int | None:
    def first_day(q: Quantity) -> _dt.date | None:
        v = str(q.value or "")
        try:
            return _dt.date.fromisoformat((v + "-01-01")[:10] if len(v) == 4 else
                                          (v + "-01")[:10] if len(v) == 7 else v[:10])
        except ValueError:
            return None

    dx, dy = first_day(x), first_day(y)
    return abs((dx - dy).days) if dx and dy else None


def _comparable_values(x: Quantity, y: Quantity, a: Claim, b: Claim) -> bool:
    """Whether a clash of two same-slot amounts is one a reader would call a conflict."""
    for c, q in ((a, x), (b, y)):
        if sum(o.kind == q.kind and not o.aside for o in c.quantities) > MAX_AMOUNTS_PER_KIND:
            return False
    if x.kind == "count" and not (x.unit and y.unit):
        return False  # "3 vs 2": of what?
    if x.kind == "date":
        gap = _date_gap_days(x, y)
        return gap is None or gap <= MAX_DATE_GAP_DAYS[_precision(x) == 4]
    if x.kind in _NUMBER_KINDS:
        try:
            vx, vy = abs(float(x.value)), abs(float(y.value))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return False
        lo, hi = min(vx, vy), max(vx, vy)
        if lo == 0 or hi / lo > MAX_VALUE_RATIO:
            return False
    return True


#: Words before an amount that make it a bound or an estimate, and the range they give it
#: around its value: "more than 75 percent" is not "up to 70%", but "at least three people"
#: may well be ten.
_BOUNDS = (
    (re.compile(r"\b(?:more than|over|above|at least|in excess of|upwards of|no fewer than"
                r"|no less than|exceeding|beyond)\s*$", re.I), (1.0, math.inf)),
    (re.compile(r"\b(?:up to|less than|under|below|at most|fewer than|no more than"
                r"|as many as|as much as)\s*$", re.I), (0.0, 1.0)),
    (re.compile(r"\b(?:about|around|roughly|nearly|almost|approximately|some|an estimated"
                r"|estimated|close to|just over|just under)\s*$", re.I), (0.95, 1.05)),
)


def _range(q: Quantity, text: str) -> tuple[float, float] | None:
    """The values a number leaves open, read from the words before it; ``None`` when a sum
    is set in brackets after another ("$US1 million ($1.52 million)": the same sum in
    another currency, both read as dollars) and is no statement of its own."""
    before = text[max(0, q.start - 24) : q.start]
    if q.kind == "money" and before.rstrip().endswith("("):
        return None
    v = float(q.value)  # type: ignore[arg-type]
    for pattern, (lo, hi) in _BOUNDS:
        if pattern.search(before):
            return v * lo, v * hi
    return v, v


def _ranges_meet(x: Quantity, text_x: str, y: Quantity, text_y: str) -> bool:
    """Two numbers that leave a value both allow ("at least three" and "ten"), or one of
    them is a conversion in brackets: no conflict."""
    if x.kind not in _NUMBER_KINDS:
        return False
    try:
        rx, ry = _range(x, text_x), _range(y, text_y)
    except (TypeError, ValueError):
        return False
    if rx is None or ry is None:
        return True
    return rx[0] <= ry[1] * 1.02 and ry[0] <= rx[1] * 1.02


def _past(lemma: str | None) -> str:
    forms = getInflection(lemma or "", tag="VBD")
    return forms[0] if forms else lemma or ""


def _quoted_words_match(a: Claim, b: Claim) -> bool:
    """The two claims quote the same words (or nearly)."""
    return _jaccard(_words(claim_text(a)), _words(claim_text(b))) >= SAME_WORDS_JACCARD


def _words(text: str) -> frozenset[str]:
    return frozenset(w.lower() for w in re.findall(r"[^\W\d_]+", text))


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _weekday(q: Quantity) -> str | None:
    words = q.text.lower().split()
    return next((d for d in _WEEKDAYS if d in words), None)


def _weekday_clash(x: Quantity, y: Quantity) -> bool:
    """Two different weekdays where at least one could not be resolved to a date."""
    if x.value is not None and y.value is not None:
        return False
    dx, dy = _weekday(x), _weekday(y)
    return bool(dx and dy and dx != dy)
