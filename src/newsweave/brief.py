"""The consolidated brief: one cited account of a story, as a person would read it.

In order (``BriefItem.kind``):
1. ``lead``: 3-5 whole sentences, the core event first, then the facts with
   the most independent support. A fact the sources state with different
   amounts or dates may lead, saying that the reports differ on them. With
   little corroboration the lead is filled from the opening facts of the reports.
2. ``conflict``: each disagreement on one line, who says what.
3. ``corroborated``: the other facts several sources confirm.
4. ``single_source``: per outlet, what only it reports, most important first
   (earliest in its report: news puts what matters first).

Items past what a reader takes in at a glance carry ``more=True``; renderers
fold them behind a "more" link. What an outlet leaves out is not written out:
the claim matrix shows silence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .align import lacks_subject, leans_on_context, reads_as_headline, same_subject
from .dedup import source_of
from .model import AnalyzedArticle, BriefItem, Citation, ClaimGroup, Mention, report_labels

#: Sentences in the lead.
LEAD_MIN = 3
LEAD_MAX = 5
#: Further corroborated facts shown before "more".
SHOWN_CORROBORATED = 5
#: Characters a claim may reach beyond a quote's words and still be quoted words (the
#: quote marks, a full stop).
QUOTE_SLACK = 2
#: Facts shown per outlet, under "only one outlet reports", before "more".
SHOWN_PER_OUTLET = 3
#: Word overlap (Jaccard) above which a fact repeats one already in the lead.
REPEAT_JACCARD = 0.6
#: Words a fact needs to stand as a sentence of the lead.
MIN_LEAD_WORDS = 6
#: Fewer words than this read as a headline: a fuller telling of its event replaces it.
WHOLE_SENTENCE_WORDS = 10


def _cite(mentions: Sequence[Mention]) -> list[Citation]:
    return [Citation(article=m.article, start=m.start, end=m.end) for m in mentions]


def _end(text: str) -> str:
    text = text.rstrip().rstrip(",;:")
    if text.endswith(("”", '"', "’")) and len(text) > 1 and text[-2] in ",;:":
        # A quote cut where the sentence went on ('called it “very good,”'): it ends here.
        text = f"{text[:-2]}.{text[-1]}"
    if text.endswith(("”", '"', "’")) and len(text) > 1 and text[-2] in ".!?":
        return text
    return text if text.endswith((".", "!", "?")) else text + "."


#: Conflicts that dispute a value of a fact, not the fact itself.
_AMOUNT_CONFLICTS = frozenset({"number", "date"})


def _lead_text(g: ClaimGroup, text: str) -> str:
    """A lead sentence (``text``, the fact told); a disputed amount or date is said to be
    disputed."""
    disputes = [c.detail for c in g.conflicts if c.type in _AMOUNT_CONFLICTS]
    if not disputes:
        return text
    return f"{text[:-1]} (the reports differ: {'; '.join(disputes)}){text[-1]}"


def _words(text: str) -> frozenset[str]:
    return frozenset(w.lower() for w in re.findall(r"[^\W\d_]{3,}", text))


def _repeats(g: ClaimGroup, chosen: list[ClaimGroup]) -> bool:
    """Whether ``g`` says again what a fact already in the lead says: words of a report
    that fact's span holds, mostly the same words, or the same thing done by the same
    subject ("Gigante died in prison", "The Chin' Gigante dies in prison"), as two
    reports' openings word one event."""
    words = _words(g.text)
    for other in chosen:
        if any(m.article == o.article and o.start <= m.start and m.end <= o.end
               for m in g.mentions for o in other.mentions):
            # One report's words support both (a phrase of a sentence already told, or the
            # same span): one fact, matched twice.
            return True
        o = _words(other.text)
        if words and o and len(words & o) / len(words | o) >= REPEAT_JACCARD:
            return True
        if _same_event(g, other):
            return True
    return False


#: Verbs too light to tell one event from another.
_LIGHT = frozenset({"be", "have", "say", "tell", "do", "get", "make"})


def _same_event(a: ClaimGroup, b: ClaimGroup) -> bool:
    if not a._claims or not b._claims:
        return False
    x, y = a._claims[0], b._claims[0]
    if not x.predicate or x.predicate != y.predicate or x.predicate in _LIGHT:
        return False
    named = {m.key for m in x.entities if m.key} & {m.key for m in y.entities if m.key}
    return x.negated == y.negated and (same_subject(x, y) or bool(named))


def make_brief(
    analyzed: Sequence[AnalyzedArticle],
    groups: Sequence[ClaimGroup],
    copy_of: dict[str, str],
) -> list[BriefItem]:
    label = report_labels([a.article for a in analyzed])
    order = {a.article.id: n for n, a in enumerate(analyzed)}
    originals = [a.article.id for a in analyzed if a.article.id not in copy_of]

    def first(g: ClaimGroup) -> tuple[int, int]:
        return min((order.get(m.article, 0), m.start) for m in g.mentions)

    def position(g: ClaimGroup) -> int:
        """How early the fact comes in the reports that state it (0 = the opening)."""
        ranks = []
        for m in g.mentions:
            art = analyzed[order[m.article]] if m.article in order else None
            if art is None:
                continue
            starts = sorted(c.start for c in art.claims)
            ranks.append(sum(s < m.start for s in starts))
        return min(ranks) if ranks else 0

    quoted = {a.article.id: [(q.start, q.end) for q in a.quotes if q.direct] for a in analyzed}

    def told(g: ClaimGroup) -> str:
        """The fact's wording; words from inside a quote that do not name their speaker
        ("I've got news for the establishment.") are given as the speaker's."""
        text = _end(g.text)
        c = g._claims[0] if g._claims else None
        if c is None or not c.speaker or _words(c.speaker) & _words(text):
            return text
        if not any(s - QUOTE_SLACK <= c.start and c.end <= e + QUOTE_SLACK
                   for s, e in quoted.get(c.article, [])):
            return text  # only words a report quotes are put in quote marks
        inner = text.strip("“”\"' ")
        return f"{c.speaker[0].upper()}{c.speaker[1:]}: “{inner}”"

    items: list[BriefItem] = []

    # 1.
    corroborated = [g for g in groups if g.status == "corroborated"]
    # A fact several sources state with an amount or a date they disagree on is often the
    # core event itself ("ran aground with 212 / 186 passengers"): it may lead, the
    # disputed values said as such.
    disputed = [g for g in groups if g.status == "conflicting" and g.independent_sources >= 2
                and all(c.type in _AMOUNT_CONFLICTS for c in g.conflicts)]
    candidates = sorted(corroborated + disputed,
                        key=lambda g: (-g.independent_sources, position(g), first(g)))
    lead: list[ClaimGroup] = []

    def take(candidates: list[ClaimGroup], upto: int) -> None:
        for g in candidates:
            if len(lead) >= upto:
                break
            if len(g.text.split()) < MIN_LEAD_WORDS or leans_on_context(g.text) or (
                    g._claims and lacks_subject(g._claims[0])) or _SUBORDINATE_ONLY.match(
                    g.text):
                continue  # a lead line must read alone: not "She shot the other three"
            if not _repeats(g, lead):
                lead.append(g)
                continue
            # A headline's few words ("Gigante dies in prison") give way to a sentence
            # that tells the same event whole.
            for n, x in enumerate(lead):
                if (_same_event(g, x) and len(x.text.split()) < WHOLE_SENTENCE_WORDS
                        and len(g.text.split()) > len(x.text.split())
                        and not _repeats(g, lead[:n] + lead[n + 1:])):
                    lead[n] = g
                    break

    # Sentences lead; a headline's Title Case words only where too few sentences are told
    # by several reports.
    take([g for g in candidates if not _headline(g)], LEAD_MAX)
    take([g for g in candidates if _headline(g)], LEAD_MIN)
    if len(lead) < LEAD_MIN:
        # Little is corroborated: open with what the reports open with.
        opening = [g for g in groups if g.status != "corroborated" and g not in lead
                   and not g.text.endswith("'s title")]
        opening.sort(key=lambda g: (position(g), first(g)))
        take(opening, LEAD_MIN)
    # The lead reads in story order: the core event (what the reports open with, the best
    # supported of those), then the rest as reported. The best-supported fact of all is often
    # background ("the island is a free-trade zone"), told by every report further down.
    lead.sort(key=lambda g: (position(g), -g.independent_sources, first(g)))
    for g in lead:
        items.append(BriefItem(text=_lead_text(g, told(g)), citations=_cite(g.mentions),
                               kind="lead"))
    in_lead = {id(g) for g in lead}

    # 2.
    for g in groups:
        for c in g.conflicts:
            sides = [_context(g, m) for m in c.mentions[:2]]
            if len(sides) < 2:
                continue
            (a, qa), (b, qb) = sides
            items.append(
                BriefItem(
                    # A side that quotes a whole sentence ends the line itself ('… the
                    # "strongest protection."'), not with a second full stop.
                    text=_end(
                        f"On {_CONFLICT_WORDS.get(c.type, c.type)} ({c.detail}): "
                        f"{label.get(a.article, a.article)} reports {qa}; "
                        f"{label.get(b.article, b.article)} reports {qb}"
                    ),
                    citations=_cite([a, b]),
                    kind="conflict",
                )
            )

    # 3.
    # Headlines several reports share ("Riots Erupt After Teen's Death") come after the
    # facts told in sentences: they say again, in few words, what the sentences say.
    # Two facts worded alike ("Williams was 91.", matched twice) are one line citing both.
    others = sorted((g for g in corroborated if id(g) not in in_lead), key=_headline)
    listed: dict[str, BriefItem] = {}
    for g in others:
        text = told(g)
        if text.lower() in listed:
            cited = listed[text.lower()].citations
            cited += [c for c in _cite(g.mentions) if c not in cited]
            continue
        listed[text.lower()] = item = BriefItem(text=text, citations=_cite(g.mentions),
                                                kind="corroborated",
                                                more=len(listed) >= SHOWN_CORROBORATED)
        items.append(item)

    # 4.
    for source in originals:
        own = [
            g
            for g in groups
            if g.status == "single_source" and id(g) not in in_lead
            and source_of(g.mentions[0].article, copy_of) == source
        ]
        own.sort(key=lambda g: (position(g), first(g)))
        # A line whose every word an earlier one holds says nothing new (a quote the
        # report gives twice, once with its speaker).
        shown: list[frozenset[str]] = [_words(g.text) for g in lead]
        told_here = 0
        for g in own:
            words = _words(g.text)
            if any(words <= other for other in shown):
                continue
            items.append(
                BriefItem(
                    text=told(g),
                    citations=_cite(g.mentions),
                    kind="single_source",
                    outlet=label[source],
                    more=told_here >= SHOWN_PER_OUTLET,
                )
            )
            shown.append(words)
            told_here += 1
    return items


#: A subordinate clause with no main clause after it ("Because the withdrawal led to
#: ..."): half a sentence.
_SUBORDINATE_ONLY = re.compile(
    r"^\W*(?:because|although|though|whereas|unless|if|since|while)\b[^,;:]*$", re.I)


def _headline(g: ClaimGroup) -> bool:
    return reads_as_headline(g.text)


#: What a conflict's kind disagrees on, in a sentence.
_CONFLICT_WORDS = {
    "number": "a figure",
    "date": "a date",
    "attribution": "who said it",
    "negation": "whether it happened",
    "contradiction": "what happened",
    "framing": "how it ended",
    "role": "a title",
}


def _context(g: ClaimGroup, m: Mention) -> tuple[Mention, str]:
    """The claim mention holding a conflict's span (a number sits inside its
    clause), and its text quoted for a sentence."""
    holder = next(
        (x for x in g.mentions if x.article == m.article and x.start <= m.start and m.end <= x.end),
        m,
    )
    text = " ".join(holder.text.split()).rstrip(".")
    claim = next((c for c in g._claims if c.article == m.article
                  and c.start <= holder.start and holder.end <= c.end), None)
    if text[:1].islower() and claim is not None and claim.text[:1].isupper():
        # A clause cut from its sentence ("suggesting American ownership ...") is told
        # as the whole statement it makes, in the engine's words, so not in quote marks.
        return holder, _that(" ".join(claim.text.split()).rstrip("."))
    if any(q in text for q in "\"“”"):
        # It carries its own quote marks ('... would offer the “strongest protection.”').
        return holder, text if text[0] in "\"“" else _that(text)
    return holder, f"“{text}”"


#: Words that open a statement and are lowered after "reports that".
_LOWER_FIRST = frozenset(
    """The A An This That These Those Its His Her Their Some Several Many Both All In On At
    After Before During Since While When Meanwhile However Earlier Later""".split())


def _that(statement: str) -> str:
    """``statement`` told after "reports": "that the ..." (its opening word lowered
    where it is no name)."""
    first, _, rest = statement.partition(" ")
    if first.rstrip(",") in _LOWER_FIRST:
        statement = f"{first.lower()} {rest}"
    return f"that {statement}"
