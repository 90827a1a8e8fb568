"""Quotes and who said them: direct ("...," she said) and reported (X said that ...).

1. Direct quotes are text between quote marks; their speaker is the subject of
   a speech verb in the same sentence, or of "according to X".
2. Reported speech is the clausal complement of a speech verb whose subject is
   a name, a titled noun or a pronoun.
3. Pronoun speakers ("he said") take the nearest person named before them.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from spacy.tokens import Doc, Span, Token

from ..model import EntityMention, Quote
from .entities import TITLE_ABBREVIATIONS

#: Verbs that introduce what someone said, wrote or announced.
SPEECH_VERBS = frozenset(
    """
    say tell add state write note claim announce declare insist argue warn explain
    comment confirm deny report reveal disclose mention suggest remark stress emphasize
    emphasise highlight acknowledge admit assert contend maintain predict promise pledge
    vow tweet post describe call urge allege testify reply respond answer concede
    caution affirm reiterate recall observe estimate
    """.split()
)

_QUOTE_RE = re.compile(
    r"“([^”]{2,})”|\"([^\"\n]{2,})\"|‘([^’\n]{8,})’"
    # Straight single quotes, as some outlets quote ('Masks don't work,' he said): opened
    # after a space, closed after a comma or a full stop, an apostrophe inside a word
    # ("don't") left alone.
    r"|(?<!\w)'((?:[^'\n]|(?<=\w)'(?=\w)){8,}?[,.!?])'(?!\w)")
#: Shorter quoted runs are scare quotes or labels, not statements.
MIN_QUOTE_WORDS = 3
#: Characters between two direct quotes that read as one quote run on ("” “").
QUOTE_GAP = 4
_PRONOUNS = frozenset({"he", "she", "they", "we", "i"})
#: Pronouns that, inside a quote, cannot be its speaker ("I" and "we" can).
THIRD_PERSON = frozenset({"he", "she", "they"})


def _speaker_of(verb: Token) -> Span | None:
    for child in verb.children:
        if child.dep_ in {"nsubj", "nsubjpass"}:
            if child.text.rstrip(".").lower() in TITLE_ABBREVIATIONS and any(
                    c.dep_ in {"nsubj", "nsubjpass"} and c.i > child.i for c in verb.children):
                continue  # "said Sgt. Mara Quell" parsed as two subjects: the name follows
            # Prefer the named part of the subject phrase.
            sub = list(child.subtree)
            # "National Security Advisor Mike Waltz and Secretary of State Marco Rubio"
            return verb.doc[sub[0].i : sub[-1].i + 1]
        if child.dep_ == "agent":
            for g in child.children:
                if g.dep_ == "pobj":
                    sub = list(g.subtree)
                    return verb.doc[sub[0].i : sub[-1].i + 1]
    return None


def _according_to(sent: Span) -> Span | None:
    for tok in sent:
        if tok.lower_ == "according" and tok.i + 1 < sent.end and tok.nbor(1).lower_ == "to":
            for obj in tok.nbor(1).children:
                if obj.dep_ == "pobj":
                    sub = list(obj.subtree)
                    return sent.doc[sub[0].i : sub[-1].i + 1]
    return None


def _sentence_speaker(sent: Span) -> tuple[Span | None, Token | None]:
    """The speaker of a sentence's speech verb (and the verb), if any."""
    for tok in sent:
        if tok.pos_ in {"VERB", "AUX"} and tok.lemma_.lower() in SPEECH_VERBS:
            spk = _speaker_of(tok)
            if spk is not None:
                return spk, tok
    acc = _according_to(sent)
    return acc, None


class SpeakerResolver:
    """Resolves a pronoun to the person it stands for, where the report makes it clear.

    1. People named inside quotation marks are never the referent: in
       "Y said peace could come “with President X.” He added ...", "he" is Y.
    2. The latest person named before it, in the same sentence or the two
       before; with nobody named there the pronoun stays as it is.
    3. A pronoun inside a direct quote is not the quote's speaker (who would say "I").
    4. "He" and "she" skip a person the report itself shows to be of the other
       sex: by an honorific ("Mr", "Mrs", "Ms", "Miss") or by the pronouns of
       sentences that name that person and nobody else. No list of first names:
       without such evidence, anyone may be the referent.
    """

    #: Sentences before a pronoun's own in which its referent is looked for.
    WINDOW = 2

    def __init__(self, mentions: list[EntityMention], doc: Doc | None = None,
                 quotes: list[Quote] | None = None) -> None:
        self.people = sorted((m for m in mentions if m.label == "PERSON"), key=lambda m: m.start)
        self._sentence: dict[int, int] = {}
        self._starts: list[int] = []
        if doc is not None:
            text = doc.text
            quoted = [(m.start(), m.end()) for m in _QUOTE_RE.finditer(text)]
            self.people = [
                m for m in self.people if not any(s < m.start and m.end < e for s, e in quoted)
            ]
            self._starts = [s.start_char for s in doc.sents]
            for m in self.people:
                self._sentence[m.start] = bisect_right(self._starts, m.start) - 1
        self._sex = _sex_of_people(self.people, doc) if doc is not None else {}
        self._quoted_by = [(q.start, q.end, _surname(q.speaker)) for q in quotes or ()
                           if q.direct and q.speaker]

    def resolve(self, span: Span) -> tuple[str, int, int]:
        text = span.text
        if text.lower() in _PRONOUNS:
            before = [m for m in self.people if m.end <= span.start_char]
            if before and self._starts:
                here = bisect_right(self._starts, span.start_char) - 1
                before = [m for m in before if here - self._sentence.get(m.start, -99)
                          <= self.WINDOW]
            sex = _PRONOUN_SEX.get(text.lower())
            if sex:
                before = [m for m in before if self._sex.get(_surname(m.text), sex) == sex]
            # "She had a gun," the commissioner said: "she" is not the one speaking.
            speakers = {who for s, e, who in self._quoted_by
                        if s <= span.start_char < e and text.lower() in THIRD_PERSON}
            before = [m for m in before if _surname(m.text) not in speakers]
            if before:
                m = before[-1]
                return m.text, m.start, m.end
        # Prefer a person named inside the speaker phrase.
        inside = [m for m in self.people if span.start_char <= m.start and m.end <= span.end_char]
        if len(inside) == 1:
            return inside[0].text, inside[0].start, inside[0].end
        return text, span.start_char, span.end_char


_PRONOUN_SEX = {"he": "m", "him": "m", "his": "m", "himself": "m",
                "she": "f", "her": "f", "hers": "f", "herself": "f"}
#: Honorifics and words for a person that say their sex, right before the name ("Ms.
#: Lyons", "spokeswoman Ann Lyons", "his mother, Dina Vos"); "-woman" and "-man" titles
#: ("chairwoman", "congressman") are read by their ending.
_ROLE_SEX = {
    **{w: "f" for w in "actress waitress hostess heiress duchess princess queen empress "
       "mother wife daughter sister aunt niece grandmother granddaughter widow girlfriend "
       "stepmother stepdaughter girl lady mrs ms miss".split()},
    **{w: "m" for w in "waiter duke prince king emperor father husband son "
       "brother uncle nephew grandfather grandson widower boyfriend stepfather stepson boy "
       "mr".split()},
}


#: Words ending in "man" that say nothing of anyone's sex.
_NOT_ROLES = frozenset({"german", "human", "ottoman", "roman", "shaman", "talisman",
                        "caiman", "doberman", "superhuman", "freshman"})


def _role_sex(word: str) -> str | None:
    w = word.lower().strip(".,;:'’\"")
    if w in _ROLE_SEX:
        return _ROLE_SEX[w]
    if w.endswith(("woman", "women")) and len(w) > 5:
        return "f"
    if w.endswith("man") and len(w) > 5 and w not in _NOT_ROLES:
        return "m"
    return None


def _surname(name: str) -> str:
    return name.split()[-1].lower() if name.split() else ""


def _sex_of_people(people: list[EntityMention], doc: Doc) -> dict[str, str]:
    """Each person's sex where the report shows it, by surname: an honorific or a word
    for a person right before the name ("Ms", "spokeswoman", "his mother,"), or the
    pronouns after the name in a sentence where that person is the only one named in it
    and in the sentence before (nobody else they could stand for), quotes left out. A
    person shown as both is left out."""
    seen: dict[str, set[str]] = {}
    text = doc.text
    for m in people:
        before = text[max(0, m.start - 30) : m.start].rstrip().rstrip(".,").split()
        sex = _role_sex(before[-1]) if before else None
        if sex is not None:
            seen.setdefault(_surname(m.text), set()).add(sex)
    starts = [s.start_char for s in doc.sents]
    by_sentence: dict[int, list[EntityMention]] = {}
    for m in people:
        by_sentence.setdefault(bisect_right(starts, m.start) - 1, []).append(m)
    for i, sent in enumerate(doc.sents):
        named = by_sentence.get(i, [])
        if not named or len({_surname(m.text) for m in named + by_sentence.get(i - 1, [])}) != 1:
            continue
        first = min(m.start for m in named)
        quoted = [(q.start(), q.end()) for q in _QUOTE_RE.finditer(sent.text)]
        sexes = {_PRONOUN_SEX[t.lower_] for t in sent
                 if t.lower_ in _PRONOUN_SEX and t.idx > first
                 and not any(s <= t.idx - sent.start_char < e for s, e in quoted)}
        if len(sexes) == 1:
            seen.setdefault(_surname(named[0].text), set()).update(sexes)
    return {name: next(iter(s)) for name, s in seen.items() if len(s) == 1}


def extract_quotes(doc: Doc, mentions: list[EntityMention]) -> list[Quote]:
    resolver = SpeakerResolver(mentions, doc)
    quotes: list[Quote] = []
    text = doc.text  # Doc.text joins every token: read it once
    # 1. Direct quotes.
    for m in _QUOTE_RE.finditer(text):
        g = next(i for i in (1, 2, 3, 4) if m.group(i) is not None)
        start, end = m.start(g), m.end(g)
        inner = text[start:end].strip().rstrip(",")
        if len(inner.split()) < MIN_QUOTE_WORDS:
            continue  # scare quotes ("very good") carry no statement of their own
        end = start + len(text[start:end].rstrip().rstrip(","))
        span = doc.char_span(start, end, alignment_mode="expand")
        q = Quote(start=start, end=end, text=text[start:end], direct=True)
        if span is not None:
            # A quote of several sentences is credited in its last one ("“... safe.
            # Repairs will take a month,” she said.") or, failing that, its first.
            for sent in dict.fromkeys((span[-1].sent, span.sent)):
                spk, _ = _sentence_speaker(sent)
                if spk is not None and not (spk.start_char >= start and spk.end_char <= end):
                    q.speaker, q.speaker_start, q.speaker_end = resolver.resolve(spk)
                    break
        quotes.append(q)
    # A quote run on over sentences is credited once ("“... remake it.” “I think ...,”
    # Obama said."): a quote with no speaker of its own takes that of the quote right
    # after it, else of the one right before.
    steps = [(n, n + 1) for n in range(len(quotes) - 2, -1, -1)]
    steps += [(n, n - 1) for n in range(1, len(quotes))]
    for n, k in steps:
        q, other = quotes[n], quotes[k]
        if (q.speaker is None and other.speaker is not None
                and len(text[min(q.end, other.end):max(q.start, other.start)]) <= QUOTE_GAP):
            q.speaker, q.speaker_start, q.speaker_end = (
                other.speaker, other.speaker_start, other.speaker_end)
    # 2. Reported speech.
    direct_ranges = [(q.start, q.end) for q in quotes]
    for tok in doc:
        if tok.lemma_.lower() not in SPEECH_VERBS or tok.pos_ not in {"VERB", "AUX"}:
            continue
        comp = next((c for c in tok.children if c.dep_ == "ccomp"), None)
        spk = _speaker_of(tok)
        if comp is None or spk is None:
            continue
        sub = list(comp.subtree)
        start, end = sub[0].idx, sub[-1].idx + len(sub[-1].text)
        if any(s <= start and end <= e for s, e in direct_ranges):
            continue
        q = Quote(start=start, end=end, text=text[start:end], direct=False)
        q.speaker, q.speaker_start, q.speaker_end = resolver.resolve(spk)
        quotes.append(q)
    for sent in doc.sents:
        acc = _according_to(sent)
        if acc is None:
            continue
        q = Quote(start=sent.start_char, end=sent.end_char, text=sent.text, direct=False)
        q.speaker, q.speaker_start, q.speaker_end = resolver.resolve(acc)
        quotes.append(q)
    quotes.sort(key=lambda q: (q.start, q.end))
    return quotes
