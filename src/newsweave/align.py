"""Align claims across the reports of a story into claim groups.

1. Score every pair of claims from different reports: the cosine of their
   sentence embeddings, nudged up by shared content words and by an amount
   both give for the same thing, and pushed down when they name different
   people (a call with one leader vs a call with another). When the claims
   give different amounts of the same thing, the cosine of their wordings with
   the amounts masked is used, so that "14 injured" and "17 hurt" meet as one
   fact in conflict while a 30-day ceasefire and an hour-long call never do.
2. Merge pairs above ``MATCH_THRESHOLD`` greedily, best first, into groups
   holding at most one claim per report, with an average-link check so that
   groups do not chain; pairs that are each other's best match may join a
   little below the threshold.
3. Within a group, compare each pair of claims from independent sources for
   typed conflicts: number, date, attribution, negation.
4. Add role conflicts: one person given incompatible titles by two sources.
5. Give each group its status, independent-source count and canonical wording.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .dedup import source_of
from .model import AnalyzedArticle, Claim, ClaimGroup, Conflict, Entity, Mention, Quantity
from .nlp.entities import normalise_title, titles_compatible
from .nlp.quantities import describe, same_value

#: Pair score above which two claims state the same fact. Chosen on the
#: hand-written stories in tests/fixtures/stories (their true pairs score 0.68
#: and up; different facts about one person about 0.6). On MRPC train the best
#: single threshold on this score is 0.65 (bench/matcher.py), close by.
MATCH_THRESHOLD = 0.66
#: Two claims that are each other's best match across their two reports may
#: join with a score this much below the threshold.
MUTUAL_MARGIN = 0.08
#: A group may only absorb another when the mean score over all cross pairs
#: stays above this fraction of the threshold (stops A~B~C chains with A!~C).
AVERAGE_LINK_FRACTION = 0.9
#: Bonus for shared content words (times the Jaccard of lemmas).
LEXICAL_WEIGHT = 0.15
#: Added when both claims give the same amount or date of the same thing.
AGREEMENT_BONUS = 0.1
#: Subtracted from the score when the claims name different participants of
#: the same kind and share none.
PARTICIPANT_PENALTY = 0.15
#: Subtracted when the claims give different amounts of one kind, share few
#: of their nouns, and no masked cosine is at hand (``pair_score`` called
#: without one): likely two different facts.
QUANTITY_MISMATCH_PENALTY = 0.2
#: Shared content words (Jaccard of lemmas, speakers' names aside) above which
#: two claims credited to different people are the same statement rather
#: than two people saying similar things.
SAME_WORDS_JACCARD = 0.4
#: How far below the plain cosine a pair is still worth scoring with masked
#: amounts.
MASK_SLACK = 0.15
#: Letters kept of a lemma when words are compared loosely ("inspect",
#: "inspection").
STEM_LENGTH = 5
#: Share of the smaller claim's nouns the other must hold before a difference
#: in amounts, dates or polarity is read as a conflict about one fact.
CONFLICT_NOUN_OVERLAP = 0.5

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


@dataclass(slots=True)
class _Item:
    claim: Claim
    index: int  # row in the embedding matrix
    article_pos: int
    source: str
    nouns: frozenset[str]
    lemmas: frozenset[str]
    participants: dict[str, frozenset[str]]  # label -> entity keys


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


def _comparable(x: Quantity, y: Quantity, a: Claim, b: Claim) -> bool:
    """Whether two amounts measure the same thing: a 30-day ceasefire and an
    hour-long call do not, whatever their claims share."""
    if x.kind == "count" and x.unit and y.unit:
        return True  # same_value compares the counted nouns
    if not x.anchor or not y.anchor:
        return True
    if x.kind == "date" and not (x.aside or y.aside):
        # A claim's own date is the date of what it states; reports reword
        # the verb ("reopen" / "return") too freely for anchors to tell.
        return True
    if _stem(x.anchor) == _stem(y.anchor):
        return True
    stems_a = {_stem(w) for w in a.lemmas}
    stems_b = {_stem(w) for w in b.lemmas}
    return _stem(x.anchor) in stems_b or _stem(y.anchor) in stems_a


def amount_clashes(a: Claim, b: Claim, kind: str) -> list[tuple[Quantity, Quantity]] | None:
    """Pairs of comparable amounts of one kind that disagree; ``None`` when some
    comparable pair agrees (the claims share that amount) or none is comparable."""
    qa = [q for q in a.quantities if q.kind == kind]
    qb = [q for q in b.quantities if q.kind == kind]
    clashes = []
    for x in qa:
        for y in qb:
            if not _comparable(x, y, a, b):
                continue
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
                if _comparable(x, y, a, b):
                    return True
    return False


def masked_text(claim: Claim) -> str:
    """The claim's wording with its amounts and dates replaced by "some".

    Two claims that differ only in a number are one fact with a conflict; two
    claims that differ in their amounts *and* in what they say of them are two
    facts. Comparing the masked wordings tells the two apart.
    """
    text = claim.core or claim.text
    for q in claim.quantities:
        text = text.replace(q.text, _MASKS.get(q.kind, "some"), 1)
    return text


#: Neutral stand-ins for masked amounts, by kind, that keep the sentence
#: grammatical enough for the embedder.
_MASKS = {"date": "then", "duration": "some time", "money": "some money",
          "percent": "some percent", "count": "several", "ordinal": "another"}


def pair_score(a: _Item, b: _Item, cosine: float, masked_cosine: float | None = None) -> float:
    """How strongly two claims from different reports state one fact (about 0-1).

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


class Aligner:
    """Groups the claims of a story's reports and finds their conflicts."""

    def __init__(self, embedder, *, threshold: float = 0.0) -> None:  # noqa: ANN001
        self.embedder = embedder
        self.threshold = threshold or MATCH_THRESHOLD

    def align(
        self,
        analyzed: Sequence[AnalyzedArticle],
        copy_of: dict[str, str],
        entities: Sequence[Entity] = (),
    ) -> list[ClaimGroup]:
        texts = {a.article.id: a.article.text for a in analyzed}
        items: list[_Item] = []
        for pos, art in enumerate(analyzed):
            for claim in art.claims:
                lemmas = frozenset(claim.lemmas)
                items.append(
                    _Item(
                        claim=claim,
                        index=len(items),
                        article_pos=pos,
                        source=source_of(claim.article, copy_of),
                        nouns=_nouns(claim),
                        lemmas=lemmas,
                        participants=_participants(claim),
                    )
                )
        if not items:
            return self._role_groups([], analyzed, copy_of, entities, texts)
        vectors = self.embedder.encode([it.claim.core or it.claim.text for it in items])
        scores = self._scores(items, vectors)
        groups = self._merge(items, scores)
        # Groups in reading order: first report, then position in it.
        groups.sort(key=lambda ms: min((it.article_pos, it.claim.start) for it in ms))
        out = [self._group(members, scores, copy_of, texts) for members in groups]
        out = self._role_groups(out, analyzed, copy_of, entities, texts)
        for n, g in enumerate(out, 1):
            g.id = f"c{n}"
        return out

    # 1.
    def _scores(self, items: list[_Item], vectors: np.ndarray) -> dict[tuple[int, int], float]:
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
        # Masked wordings are embedded only for the pairs whose amounts differ.
        differing = [(i, j) for i, j in pairs if _amounts_differ(items[i].claim, items[j].claim)]
        need = sorted({k for pair in differing for k in pair})
        masked_vec = dict(
            zip(need, self.embedder.encode([masked_text(items[k].claim) for k in need]),
                strict=True)
        )
        differ = set(differing)
        scores: dict[tuple[int, int], float] = {}
        for i, j in pairs:
            masked = float(masked_vec[i] @ masked_vec[j]) if (i, j) in differ else None
            s = pair_score(items[i], items[j], float(cos[i, j]), masked)
            if s >= keep:
                scores[(i, j)] = s
        return scores

    # 2.
    def _merge(self, items: list[_Item], scores: dict[tuple[int, int], float]) -> list[list[_Item]]:
        # Candidate pairs: above the threshold, or a little below it when the
        # two claims are each other's best match in the other's report.
        best: dict[tuple[int, int], float] = {}
        for (i, j), s in scores.items():
            for x, y in ((i, j), (j, i)):
                key = (x, items[y].article_pos)
                best[key] = max(best.get(key, 0.0), s)
        low = self.threshold - MUTUAL_MARGIN
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
            if sum(cross) / len(cross) < low * AVERAGE_LINK_FRACTION:
                continue
            members[gi].extend(members[gj])
            for k in members.pop(gj):
                group_of[k] = gi
        return [[items[k] for k in sorted(ms)] for ms in members.values()]

    # 3. and 5.
    def _group(
        self,
        members: list[_Item],
        scores: dict[tuple[int, int], float],
        copy_of: dict[str, str],
        texts: dict[str, str],
    ) -> ClaimGroup:
        members.sort(key=lambda it: (it.article_pos, it.claim.start))
        conflicts: list[Conflict] = []
        # One claim per independent source: a reprint repeats its original's
        # conflicts, it does not add its own.
        voices: dict[str, _Item] = {}
        for it in members:
            if it.source not in voices or it.claim.article == it.source:
                voices[it.source] = it
        speakers = list(voices.values())
        for x in range(len(speakers)):
            for y in range(x + 1, len(speakers)):
                conflicts.extend(claim_conflicts(speakers[x], speakers[y], texts))
        sources = {it.source for it in members}
        if conflicts:
            status = "conflicting"
        elif len(sources) >= 2:
            status = "corroborated"
        else:
            status = "single_source"
        # Canonical wording: the member closest to all others.
        best = max(
            members,
            key=lambda it: (
                sum(
                    scores.get((min(it.index, o.index), max(it.index, o.index)), 0.0)
                    for o in members
                    if o is not it
                ),
                -it.article_pos,
            ),
        )
        return ClaimGroup(
            id="",
            status=status,
            independent_sources=len(sources),
            text=_sentence_case(best.claim.text),
            mentions=[
                _mention(it.claim, texts[it.claim.article][it.claim.start : it.claim.end])
                for it in members
            ],
            conflicts=_dedupe_conflicts(conflicts),
            _claims=[it.claim for it in members],
        )

    # 4.
    def _role_groups(
        self,
        groups: list[ClaimGroup],
        analyzed: Sequence[AnalyzedArticle],
        copy_of: dict[str, str],
        entities: Sequence[Entity],
        texts: dict[str, str],
    ) -> list[ClaimGroup]:
        places = [
            alias for e in entities if e.label in {"GPE", "NORP", "LOC"} for alias in e.aliases
        ]
        by_key: dict[str, list[tuple[int, str, object]]] = {}
        for pos, art in enumerate(analyzed):
            for m in art.entities:
                if m.label == "PERSON" and m.title and m.key:
                    by_key.setdefault(m.key, []).append((pos, art.article.id, m))
        for titled in by_key.values():
            found = None
            for x in range(len(titled)):
                for y in range(x + 1, len(titled)):
                    pa, ida, ma = titled[x]
                    pb, idb, mb = titled[y]
                    if source_of(ida, copy_of) == source_of(idb, copy_of):
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
                    independent_sources=len({source_of(m.article, copy_of) for m in mentions}),
                    text=f"{name}'s title",
                    mentions=list(mentions),
                    conflicts=[conflict],
                )
            )
        return groups


def _sentence_case(text: str) -> str:
    text = text.strip().strip(",;:—–- ")
    if text and text[0].islower():
        text = text[0].upper() + text[1:]
    return text


def _dedupe_conflicts(conflicts: list[Conflict]) -> list[Conflict]:
    seen = set()
    out = []
    for c in conflicts:
        key = (c.type, tuple((m.article, m.start, m.end) for m in c.mentions))
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


def claim_conflicts(a: _Item, b: _Item, texts: dict[str, str]) -> list[Conflict]:
    """Typed conflicts between two claims already judged to state one fact.

    1. number / date: amounts of one kind that never agree (the pair was
       matched on its masked wording, so this is one fact told two ways);
    2. negation: one predicate affirmed and denied, or two opposite verbs,
       about the same things;
    3. attribution: the same words credited to different people (checked
       only when 2 found nothing: "X said A" vs "Y said not A" is a negation).
    """
    ca, cb = a.claim, b.claim
    out: list[Conflict] = []

    def whole(c: Claim) -> Mention:
        return _mention(c, texts[c.article][c.start : c.end])

    # 1.
    for kind in _NUMBER_KINDS + ("date",):
        clashes = amount_clashes(ca, cb, kind)
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
    same_things = _overlap(a.nouns, b.nouns) >= CONFLICT_NOUN_OVERLAP
    if same_things and ca.predicate and cb.predicate:
        opposite = (ca.predicate, cb.predicate) in _ANTONYMS
        polar = ca.negated != cb.negated and ca.predicate == cb.predicate
        if opposite or polar:
            def say(c: Claim) -> str:
                return f"{'not ' if c.negated else ''}{c.predicate}"

            out.append(
                Conflict(type="negation", detail=f"{say(ca)} vs {say(cb)}",
                         mentions=[whole(ca), whole(cb)])
            )
            return out
    # 3.
    # Only named speakers: "the spokesman" may well be the person the other
    # report names (MRPC showed many such false attributions).
    spk_a = {k for k in ca.speaker_key.split("|") if k and not k.startswith("TEXT:")}
    spk_b = {k for k in cb.speaker_key.split("|") if k and not k.startswith("TEXT:")}
    named = any(k.startswith("PERSON:") for k in spk_a | spk_b)
    if (
        named
        and spk_a
        and spk_b
        and not spk_a & spk_b
        and _jaccard(_words(ca.core or ca.text), _words(cb.core or cb.text)) >= SAME_WORDS_JACCARD
    ):
        out.append(
            Conflict(type="attribution", detail=f"credited to {ca.speaker} vs {cb.speaker}",
                     mentions=[whole(ca), whole(cb)])
        )
    return out


def _words(text: str) -> frozenset[str]:
    return frozenset(w.lower() for w in re.findall(r"[^\W\d_]+", text))


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _weekday_clash(x: Quantity, y: Quantity) -> bool:
    """Two different weekdays where at least one could not be resolved to a date."""
    if x.value is not None and y.value is not None:
        return False

    def day(q: Quantity) -> str | None:
        words = q.text.lower().split()
        return next((d for d in _WEEKDAYS if d in words), None)

    dx, dy = day(x), day(y)
    return bool(dx and dy and dx != dy)
