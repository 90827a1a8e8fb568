"""Claims: clause-sized facts cut from the dependency parse.

A sentence yields one claim per clause head:

1. the sentence root;
2. verbs coordinated with a clause head ("approved the budget, cut the fund
   and delayed the vote" gives three);
3. adverbial clauses after their head that carry their own subject ("..., though
   the minister said ...") or are participles after a comma ("..., expressing
   confidence in ...").

A clause's span is its head's subtree less the subtrees of the other clause
heads inside it. A claim whose subject lies outside its span (the second verb of
a coordination) gets the subject restored in its ``text`` ("The council delayed
the vote"), while its span stays the exact clause. Clauses too small to state
anything are folded into their neighbour, and a sentence with no verb is one
claim, so every sentence lands in some claim.
"""

from __future__ import annotations

import re

from lemminflect import getInflection
from spacy.tokens import Span, Token

from ..model import Claim, EntityMention, Facet, Quantity, Quote
from .entities import TITLE_ABBREVIATIONS
from .furniture import is_furniture
from .quotes import SPEECH_VERBS, THIRD_PERSON, SpeakerResolver

_CONTENT_POS = frozenset({"NOUN", "PROPN", "VERB", "ADJ", "NUM", "ADV"})
_EDGE_DROP = frozenset({"cc", "punct", "mark"})
#: Subordinators that join two facts of their own ("..., while X did Y");
#: "before", "after", "because" clauses stay inside the fact they qualify.
_CONTRAST_MARKS = frozenset({"while", "though", "although", "whereas", "but"})
_NEGATORS = frozenset({"not", "n't", "never", "no", "neither", "nor", "without"})
#: Minimum content words for a clause to stand as a claim of its own.
MIN_CLAUSE_CONTENT = 2
#: Subject phrases longer than this are shortened to their head noun phrase
#: when restored into a claim's text.
MAX_SUBJECT_TOKENS = 8
#: Words that open a clause but belong to how it joins its neighbour, not to
#: the fact: a claim shown alone reads without them ("However, ...").
_CONNECTIVES = frozenset({
    "however", "meanwhile", "moreover", "furthermore", "additionally", "nonetheless",
    "nevertheless", "still", "yet", "instead", "separately", "also", "thus", "therefore",
    "and", "but", "so", "or", "while", "though", "although", "whereas",
})
#: Prepositions whose phrase states a fact of its own ("following talks with X").
_FACET_PREPS = frozenset({"following", "after", "before", "amid", "despite", "including"})
#: Content words a modifier needs to count as a facet.
MIN_FACET_CONTENT = 3
#: Facets kept per claim (the outermost).
MAX_FACETS = 3


def _is_content(tok: Token) -> bool:
    """A word that carries content. spaCy's stop list holds nouns and verbs
    such as "call", "show" and "part", so it only filters adverbs and adjectives."""
    if tok.pos_ not in _CONTENT_POS:
        return False
    return not (tok.is_stop and tok.pos_ in {"ADV", "ADJ"})


def _is_clause_head(tok: Token, heads: set[int]) -> bool:
    """Whether ``tok`` heads a clause of its own under one of ``heads`` (token
    indices of clause heads, and of what speech verbs report)."""
    if tok.head.i not in heads or tok.head.i == tok.i:
        return False
    if tok.dep_ == "conj" and tok.pos_ in {"VERB", "AUX"}:
        return not _shares_an_object(tok)
    if tok.dep_ == "advcl" and tok.i > tok.head.i and tok.pos_ in {"VERB", "AUX"}:
        has_subject = any(c.dep_ in {"nsubj", "nsubjpass"} for c in tok.children)
        # "when" and "where" may be parsed as adverbs of the clause: marks all the same.
        marks = {c.lower_ for c in tok.children if c.dep_ == "mark" or (
            c.dep_ == "advmod" and c.i < tok.i and c.pos_ == "SCONJ")}
        if has_subject and marks and not marks & _CONTRAST_MARKS:
            return False
        after_comma = tok.i > 0 and any(
            t.is_punct for t in tok.doc[tok.head.i : tok.left_edge.i]
        )
        participle = tok.tag_ == "VBG"
        return has_subject or (participle and after_comma)
    return False


#: What a verb takes after it that makes it a statement of its own.
_COMPLEMENTS = frozenset({"dobj", "obj", "dative", "attr", "acomp", "ccomp", "xcomp", "prep",
                          "oprd", "prt", "agent"})


def _shares_an_object(tok: Token) -> bool:
    """``tok`` is the second of two verbs joined by "and"/"or" that share what follows
    ("officers shot and killed a teenager"): one statement, not "officers shot"."""
    head = tok.head
    between = tok.doc[head.i + 1 : tok.i]
    if len(between) != 1 or between[0].dep_ != "cc":
        return False
    if any(c.dep_ in {"nsubj", "nsubjpass"} for c in tok.children):
        return False
    return not any(c.dep_ in _COMPLEMENTS and c.i > head.i for c in head.children)


def _inverted(head: Token, toks: list[Token]) -> bool:
    """The clause opens with its verb, what it is about after it, only connectives before
    ("and so were the two women", "so did the mayor", "was the plan approved"): an
    elliptical clause or a question, no statement of its own."""
    verb = head if head.pos_ == "AUX" or head.lemma_ in _LIGHT_INVERSION else next(
        (c for c in head.children if c.dep_ in {"aux", "auxpass"}), None)
    if verb is None:
        return False
    if any(not (t.is_punct or t.dep_ == "cc" or t.lower_ in _CONNECTIVES | {"nor", "neither"})
           for t in toks if t.i < verb.i):
        return False
    after = any(c.dep_ in {"nsubj", "nsubjpass", "attr"} and c.i > verb.i for c in head.children)
    before = any(c.dep_ in {"nsubj", "nsubjpass", "expl"} and c.i < verb.i
                 for c in head.children)
    return after and not before


#: Verbs that stand in for another in an inverted clause ("so did the mayor").
_LIGHT_INVERSION = frozenset({"be", "do", "have"})


def _subject(tok: Token) -> Token | None:
    found = [c for c in tok.children if c.dep_ in {"nsubj", "nsubjpass", "expl"}]
    # "said Sgt. Mara Quell" is parsed as two subjects: the name, not the title.
    named = [c for c in found if c.text.rstrip(".").lower() not in TITLE_ABBREVIATIONS]
    return (named or found or [None])[0]


#: Things that speak for their owner: "the minister's statement suggested ..." is the
#: minister's word.
STATEMENT_NOUNS = frozenset(
    "statement remark comment message letter post tweet office spokesman spokeswoman "
    "spokesperson".split())


def _statement_of(subj: Token) -> bool:
    """``subj`` is someone's statement ("the minister's statement", "a statement from
    Lund's office"): its verb reports that person's (or body's) words."""
    if subj.lemma_.lower() not in STATEMENT_NOUNS:
        return False
    return any(t.ent_type_ in {"PERSON", "ORG"} or t.pos_ == "PROPN"
               for t in subj.subtree if t.i != subj.i)


def _inherited_subject(tok: Token) -> Token | None:
    """The subject a clause shares with the clause it is coordinated with.

    A participle clause ("..., injuring 14 people") has none: it states a
    result of its sentence, not something the sentence's subject did.
    """
    for _ in range(6):
        subj = _subject(tok)
        if subj is not None:
            # "rules that would limit X, ban Y": a relative pronoun stands for no one
            # a reader could be shown.
            return None if subj.tag_ in {"WDT", "WP"} else subj
        if tok.dep_ == "advcl" and tok.tag_ == "VBG":
            return None
        if tok.dep_ == "conj" and (own := _misattached(tok)) is not None:
            tok = own
            continue
        if tok.dep_ in {"conj", "advcl", "xcomp"} and tok.head.i != tok.i:
            tok = tok.head
            continue
        return None
    return None


def _misattached(conj: Token) -> Token | None:
    """The verb a conjoined verb goes with when the parser joined it to a head of another
    form across a verb of its own form ("are drafting laws that would limit X, ban Y":
    "ban" goes with "limit", not with "drafting"; "were forced to drive to the area where
    he took their guns, handcuffed them": "handcuffed" goes with "took"); ``None`` when
    the head is of its form."""
    head = conj.head
    if conj.tag_ == head.tag_ or not conj.tag_.startswith("VB"):
        return None
    between = [t for t in conj.doc[head.i + 1 : conj.i]
               if t.tag_ == conj.tag_ and t.pos_ in {"VERB", "AUX"} and t.dep_ != "aux"]
    return between[-1] if between else None


def _subject_text(subj: Token, resolver: SpeakerResolver, min_char: int, text: str) -> str:
    if subj.pos_ == "PRON" and subj.lower_ in THIRD_PERSON:
        name, _, _ = resolver.resolve(subj.doc[subj.i : subj.i + 1])
        return name
    toks = [t for t in subj.subtree if t.idx >= min_char and not t.is_space]
    if len(toks) > MAX_SUBJECT_TOKENS:
        # Keep the noun phrase up to its head: "A 40-metre section".
        toks = [t for t in toks if t.i <= subj.i][-MAX_SUBJECT_TOKENS:]
    if not toks:
        return subj.text
    return text[toks[0].idx : toks[-1].idx + len(toks[-1].text)]


def _finite(verb: Token, governor: Token, plural: bool) -> str:
    """A participle as a finite verb in its governor's tense: "adding" after
    "called" is "added"; after "calls", "adds"; after "might meet", "might focus"."""
    modal = next((c for c in governor.children if c.tag_ == "MD"), None)
    if modal is not None:
        return f"{modal.text} {verb.lemma_}"
    tag = "VBD"
    if governor.tag_ in {"VBZ", "VBP"}:
        tag = "VBP" if plural else "VBZ"
    forms = getInflection(verb.lemma_, tag=tag)
    return forms[0] if forms else verb.text


#: Who can do what a participle says: a person, a body, a people, a pronoun for one.
_AGENT_TYPES = frozenset({"PERSON", "ORG", "NORP", "GPE"})


def _states_a_result(participle: Token, governor: Token, subj: Token) -> bool:
    """Whether ``participle`` tells what its sentence's event caused ("collapsed,
    injuring 14 people") rather than what the subject did ("confirmed the sale,
    describing the talks"). A thing that underwent an event (an intransitive verb,
    a subject that is no agent) did not do what followed."""
    if participle.lemma_.lower() in SPEECH_VERBS:
        return False
    if subj.pos_ in {"PRON", "PROPN"} or subj.ent_type_ in _AGENT_TYPES:
        return False
    return not any(c.dep_ in {"dobj", "obj", "attr", "ccomp", "xcomp"} and not _bare_object(c)
                   for c in governor.children)


def _bare_object(tok: Token) -> bool:
    """An object that is part of its verb ("gave way", "caught fire", "took place"):
    one bare word right after it."""
    return tok.i == tok.head.i + 1 and not any(True for _ in tok.children)


#: Words of a place phrase kept with a result clause's event ("ripped through the market").
_EVENT_PLACE_TOKENS = 4


def _bare_clause(governor: Token) -> str:
    """The governing verb with its particle, negation and a short phrase right after
    it ("gave way", "did not move", "ripped through the market"): the event a result
    clause follows from."""
    keep = [governor] + [c for c in governor.children
                         if c.dep_ in {"prt", "neg", "aux", "auxpass"} or _bare_object(c)]
    nxt = governor.nbor() if governor.i + 1 < len(governor.doc) else None
    if nxt is not None and nxt.dep_ == "prep" and nxt.head.i == governor.i:
        place = list(nxt.subtree)
        if len(place) <= _EVENT_PLACE_TOKENS:
            keep += place
    if any(c.dep_ == "neg" for c in governor.children):
        # "will not begin until 8 February" says it will begin then: "will not begin"
        # alone says the opposite.
        for c in governor.children:
            if c.dep_ == "prep" and c.lower_ in {"until", "till"}:
                keep += [t for t in c.subtree if t not in keep]
    keep.sort(key=lambda t: t.i)
    return "".join(t.text_with_ws for t in keep).strip()


def _participle_governor(tok: Token) -> Token:
    """The clause a chain of participles hangs from ("A did X, describing Y,
    expressing Z": both participles are A's)."""
    for _ in range(4):
        if tok.dep_ in {"advcl", "conj"} and tok.tag_ == "VBG" and tok.head.i != tok.i:
            tok = tok.head
        else:
            break
    return tok


def _connective_prefix(toks: list[Token], head: Token | None) -> int:
    """How many leading tokens are connectives of the clause and their comma
    ("However, "), or the "that" of a reported clause cut from its verb ("[confirmed
    X and] that one of the wounded is in hospital"); a subordinator of another clause
    ("While A, B") stays."""
    n = 0
    while n < len(toks) and (
        (toks[n].lower_ in _CONNECTIVES or toks[n].lower_ == "that" and toks[n].dep_ == "mark")
        and (toks[n].dep_ == "cc"
             or head is not None and toks[n].dep_ in {"advmod", "mark"}
             and toks[n].head.i == head.i)
        or n and toks[n].is_punct and toks[n].text in {",", ";", "—", "–"}
    ):
        n += 1
    return n if n < len(toks) else 0


def _mixed_closed(text: str) -> str:
    """A straight mark that closes a curly one (“the better," he said), the page having
    mixed its marks, made curly too."""
    out, open_curly = [], False
    for n, ch in enumerate(text):
        if ch == "“":
            open_curly = True
        elif ch == "”":
            open_curly = False
        elif ch == '"' and open_curly and n and not text[n - 1].isspace():
            ch, open_curly = "”", False
        out.append(ch)
    return "".join(out)


def close_quotes(text: str) -> str:
    """The text with every quotation it opens closed, and every one it closes opened."""
    text = _mixed_closed(text)
    opened, closed = text.count("“"), text.count("”")
    if opened > closed:
        text = text.rstrip() + "”" * (opened - closed)
    elif closed > opened:
        text = "“" * (closed - opened) + text
    if text.count('"') % 2:
        # The last mark opens a quotation that goes on past the text, or closes
        # one that began before it.
        last = text.rfind('"')
        # A mark after a space opens ('said "it'); one after a word or a comma closes
        # ('better," he said').
        opens = (last == 0 or text[last - 1].isspace()) and any(
            ch.isalnum() for ch in text[last + 1 :])
        text = text.rstrip() + '"' if opens else '"' + text
    if len(_SINGLE_CLOSE.findall(text)) > len(_SINGLE_OPEN.findall(text)):
        text = "'" + text  # "They don't work,' he said." began inside a quotation
    return text


#: Straight single quotes that close a quotation ("work,' he said") and that open one
#: ("'Masks"); an apostrophe inside or after a word ("don't", "the players' union") is
#: neither.
_SINGLE_CLOSE = re.compile(r"[,.!?]'(?!\w)")
_SINGLE_OPEN = re.compile(r"(?<!\w)'(?=\w)")


def _facets(ts: list[Token], full: str) -> list[Facet]:
    """Modifiers inside a clause that state a fact of their own."""
    mine = {t.i for t in ts}
    found: list[Facet] = []
    taken: set[int] = set()
    for t in ts:
        if t.i in taken:
            continue
        sub = [x for x in t.subtree if x.i in mine]
        content = sum(1 for x in sub if _is_content(x))
        verbal = any(x.pos_ in {"VERB", "AUX"} for x in sub)
        if not (
            t.dep_ == "relcl" and verbal
            or t.dep_ == "acl" and t.tag_ in {"VBG", "VBN"}
            or t.dep_ == "prep" and t.lower_ in _FACET_PREPS
            or t.dep_ == "prep" and t.lower_ == "with" and verbal
        ) or content < MIN_FACET_CONTENT:
            continue
        if len(sub) >= len(ts) - 2:
            continue  # the whole clause
        lo, hi = sub[0], sub[-1]
        if hi.i - lo.i + 1 != len(sub):
            continue  # not one stretch of the clause
        found.append(Facet(lo.idx, hi.idx + len(hi.text), full[lo.idx : hi.idx + len(hi.text)]))
        taken.update(x.i for x in sub)
    found.sort(key=lambda f: f.start)
    return found[:MAX_FACETS]


def _without(text: str, parts: list[str]) -> str:
    """``text`` less ``parts``, with the commas around them tidied."""
    for p in parts:
        text = text.replace(p, " ")
    text = " ".join(text.split())
    text = re.sub(r"\s+([,.;:”])", r"\1", text)
    text = re.sub(r"[,;]+(?=[,.;”]|$)", "", text)
    return text.strip(" ,;—–-")


#: Tokens an attribution tacked on at the end of a clause may take (", its director,
#: Lotte Brannigan, announced on Tuesday").
MAX_ATTRIBUTION_TOKENS = 14


def _trailing_attribution(ts: list[Token], head: Token) -> tuple[int, Token] | None:
    """``(index of the comma, the speech verb)`` when a clause ends in ", X said ..."
    that the parse did not make its head (news sentences often defeat it)."""
    verbs = [t for t in ts if t.i > head.i and t.lemma_.lower() in SPEECH_VERBS
             and t.pos_ in {"VERB", "AUX"}]
    if not verbs:
        return None
    verb = verbs[-1]
    commas = [n for n, t in enumerate(ts) if t.text == "," and t.i < verb.i]
    if not commas:
        return None
    # The first comma of the attribution: back over ", its director, Lotte Brannigan,".
    cut = commas[-1]
    for n in reversed(commas[:-1]):
        if ts[-1].i - ts[n].i > MAX_ATTRIBUTION_TOKENS or any(
                t.pos_ in {"VERB", "AUX"} for t in ts[n + 1 : cut]):
            break
        cut = n
    if ts[-1].i - ts[cut].i > MAX_ATTRIBUTION_TOKENS or cut < 3:
        return None
    if any(t.pos_ in {"VERB", "AUX"} and t.i != verb.i for t in ts[cut:]
           if t.i < verb.i):
        return None
    return cut, verb


def _main_runs(toks: list[Token]) -> list[Token]:
    """Drop runs of bare punctuation cut off from the clause by a removed
    sub-clause (the sentence's final period after an excluded clause)."""
    runs: list[list[Token]] = []
    for t in toks:
        if runs and t.i == runs[-1][-1].i + 1:
            runs[-1].append(t)
        else:
            runs.append([t])
    kept = [r for r in runs if any(not t.is_punct for t in r)]
    return [t for r in kept for t in r]


class ClaimExtractor:
    """Cuts one article's sentences into claims."""

    def __init__(self, article_id: str, resolver: SpeakerResolver, text: str) -> None:
        self.article_id = article_id
        self.resolver = resolver
        # The parsed text (spaCy's Doc.text joins every token on each read).
        self.text = text

    def sentence_claims(
        self,
        sent: Span,
        sent_index: int,
        start_char: int,
        mentions: list[EntityMention],
        quotes: list[Quote],
        quantities: list[Quantity],
        first_id: int,
    ) -> list[Claim]:
        toks = [t for t in sent if t.idx >= start_char and not t.is_space]
        if not toks:
            return []
        dates = [(q.start, q.end) for q in quantities if q.kind == "date"]
        if is_furniture(sent, start_char, dates):
            return []
        # 1.-3. clause heads
        heads: list[Token] = []
        head_set: set[int] = set()
        root = sent.root
        if root.idx >= start_char:
            heads.append(root)
            head_set.add(root.i)
        anchors = set(head_set)
        for tok in toks:
            if _is_clause_head(tok, anchors):
                heads.append(tok)
                head_set.add(tok.i)
                anchors.add(tok.i)
            if tok.i in head_set and tok.lemma_.lower() in SPEECH_VERBS:
                # "X said A and B": A and B are two facts X reported.
                anchors.update(c.i for c in tok.children if c.dep_ == "ccomp")
        heads.sort(key=lambda t: t.i)

        pieces: list[tuple[Token | None, list[Token]]] = []
        if not heads:
            pieces.append((None, toks))
        else:
            for h in heads:
                excluded: set[int] = set()
                for o in heads:
                    if o is not h and h.is_ancestor(o):
                        excluded.update(t.i for t in o.subtree)
                mine = [t for t in h.subtree if t.i not in excluded and t.idx >= start_char]
                mine = [t for t in mine if not t.is_space]
                pieces.append((h, mine))
            # Tokens that belong to no clause (a leading "In a notable
            # suggestion," attached to the root is in the root's subtree, so
            # this is for fragments outside every head's subtree).
            covered = {t.i for _, ts in pieces for t in ts}
            loose = [t for t in toks if t.i not in covered]
            if loose:
                pieces[0] = (pieces[0][0], sorted(pieces[0][1] + loose, key=lambda t: t.i))

        spans = []
        for h, ts in pieces:
            ts = _main_runs(sorted(ts, key=lambda t: t.i))
            while ts and (
                ts[0].dep_ in _EDGE_DROP
                and ts[0].pos_ != "NUM"
                # "Before the bridge opened, ...": a subordinator leading a
                # clause that is not this one's keeps its word.
                and (ts[0].dep_ != "mark" or ts[0].head is h)
                or ts[0].is_punct
            ):
                if ts[0].text in {"“", '"', "‘"}:
                    break
                ts = ts[1:]
            while ts and (ts[-1].dep_ in {"cc"} or ts[-1].text in {",", ";", "—", "–", "-"}):
                ts = ts[:-1]
            if not ts:
                continue
            spans.append([h, ts])

        # "And so were the two women": a clause told by inversion leans on the sentence
        # before it, and stands alone as no statement.
        spans = [[h, ts] for h, ts in spans if not _inverted(h, ts)]
        # Fold clauses too small to be facts into their neighbour.
        merged: list[list] = []
        for h, ts in spans:
            content = sum(1 for t in ts if _is_content(t))
            if merged and content < MIN_CLAUSE_CONTENT:
                merged[-1][1] = sorted(merged[-1][1] + ts, key=lambda t: t.i)
                continue
            merged.append([h, ts])
        if len(merged) > 1:
            h0, ts0 = merged[0]
            content0 = sum(1 for t in ts0 if _is_content(t))
            if content0 < MIN_CLAUSE_CONTENT:
                merged[1][1] = sorted(ts0 + merged[1][1], key=lambda t: t.i)
                merged = merged[1:]

        return [
            self._claim(h, ts, sent, sent_index, start_char, mentions, quotes, quantities,
                        f"{self.article_id}:{first_id + n}")
            for n, (h, ts) in enumerate(merged)
        ]

    def _claim(
        self,
        h: Token | None,
        ts: list[Token],
        sent: Span,
        sent_index: int,
        start_char: int,
        mentions: list[EntityMention],
        quotes: list[Quote],
        quantities: list[Quantity],
        claim_id: str,
    ) -> Claim:
        doc = sent.doc
        full = self.text
        start = ts[0].idx
        end = ts[-1].idx + len(ts[-1].text)
        # A closing quote mark right after the clause belongs to it.
        while end < sent.end_char and full[end] in "”\"’":
            end += 1
        # What a reader sees starts at the fact, without "However," or "while".
        skip = _connective_prefix(ts, h)
        shown = ts[skip].idx if skip else start
        text = " ".join(full[shown:end].split())
        lemmas = [t.lemma_.lower() for t in ts
                  if _is_content(t) and t.is_alpha]
        ents = [m for m in mentions if start <= m.start and m.end <= end]
        subject = predicate = speaker = None
        attribution_at = None  # token index where a trailing ", X said" starts
        core = ""
        negated = False
        if h is not None:
            predicate = h.lemma_.lower()
            # "According to X, ...": who says it is the speaker's business,
            # not part of the statement compared with other reports.
            according = {t.i for c in h.children if c.lower_ == "according"
                         for t in c.subtree}
            if according:
                kept = [t for t in ts if t.i not in according]
                while kept and kept[0].is_punct:
                    kept = kept[1:]
                while len(kept) > 1 and kept[-2].is_punct and kept[-1].is_punct:
                    kept = kept[:-1]
                core = "".join(t.text_with_ws for t in kept)
            if not core:
                trail = _trailing_attribution(ts, h)
                if trail is not None:
                    # "X will reopen on 14 June, its director announced": the statement is
                    # X will reopen; who announced it is compared as its speaker.
                    cut, verb = trail
                    attribution_at = ts[cut].i
                    core = full[start : ts[cut].idx]
                    who = [t for t in ts[cut:] if t.i < verb.i and not t.is_punct]
                    if who:
                        speaker = self.resolver.resolve(doc[who[0].i : who[-1].i + 1])[0]
            negated = any(c.dep_ == "neg" or c.lower_ in _NEGATORS and c.dep_ == "advmod"
                          for c in h.children)
            subj = _inherited_subject(h)
            if subj is not None and attribution_at is not None and subj.i >= attribution_at:
                # The parse took the speaker of ", a union official said" for the subject
                # of the statement: the statement's own subject is in the core.
                subj = next((t for t in ts if t.i < attribution_at
                             and t.dep_ in {"nsubj", "nsubjpass"}), None)
            if subj is not None and subj.idx < start_char:
                subj = None  # never a word of the dateline
            participle = subj is None and h.tag_ == "VBG" and h.idx >= shown and (
                h.dep_ == "advcl" or h.dep_ == "conj" and h.head.tag_ == "VBG")
            if participle:
                # "..., believing that X": the governing clause's subject
                # believed it. Shown as "S believed that X".
                governor = _participle_governor(h)
                subj = _inherited_subject(governor)
                if subj is not None and (subj.idx < start_char or subj.i > h.i):
                    subj = None
            if subj is not None:
                subject = _subject_text(subj, self.resolver, start_char, full)
                if participle:
                    plural = subj.tag_ in {"NNS", "NNPS"} or any(
                        c.dep_ == "conj" for c in subj.children)
                    before = " ".join(full[shown:h.idx].split())
                    verb = _finite(h, governor, plural)
                    text = " ".join(
                        f"{subject} {before} {verb}{full[h.idx + len(h.text):end]}".split())
                    if _states_a_result(h, governor, subj):
                        # "A section collapsed, injuring 14 people": the collapse hurt
                        # them, not the section. Shown with its cause, the clause reads
                        # whole; compared as the result alone, as before.
                        core = core or text
                        text = " ".join(
                            f"{subject} {_bare_clause(governor)}, {before} {full[h.idx:end]}"
                            .split())
                elif subj.idx < start:
                    # Restore a subject that lies outside the clause.
                    text = f"{subject} {text}"
                elif subj.pos_ == "PRON" and subject != subj.text:
                    # "He said ..." reads as "Vos said ..." once resolved.
                    raw = full[shown:end]
                    off = subj.idx - shown
                    name = subject
                    if any(q.direct and q.start <= subj.idx < q.end for q in quotes):
                        name = f"[{subject}]"  # the quoted words are the speaker's own
                    text = " ".join((raw[:off] + name + raw[off + len(subj.text) :]).split())
                    ents += [m for m in mentions if m.label == "PERSON" and m.text == subject][:1]
                if participle or subj.idx < start:
                    lemmas += [t.lemma_.lower() for t in subj.subtree
                               if t.pos_ in {"NOUN", "PROPN"} and t.idx >= start_char]
                    lo = subj.left_edge.idx
                    hi = subj.right_edge.idx + len(subj.right_edge.text)
                    ents += [m for m in mentions if lo <= m.start and m.end <= hi]
            if predicate in SPEECH_VERBS and subj is not None:
                comp = next((c for c in h.children if c.dep_ == "ccomp"), None)
                quoted = any(q.direct and q.start < end and start < q.end for q in quotes)
                if comp is not None or quoted or _statement_of(subj):
                    # "The work added two galleries" says nothing: only a verb that
                    # reports something (a clause, a quote) has a speaker.
                    speaker = self.resolver.resolve(
                        doc[subj.left_edge.i : subj.right_edge.i + 1])[0]
                if comp is not None:
                    predicate = comp.lemma_.lower()
                    negated = any(c.dep_ == "neg" for c in comp.children)
                    # The statement's subject, not the speaker's.
                    said_of = _subject(comp)
                    subject = (_subject_text(said_of, self.resolver, start_char, full)
                               if said_of is not None else None)
                    mine = {t.i for t in ts}
                    sub = [t for t in comp.subtree if t.i in mine and not t.is_space]
                    # "that the board would meet": the statement, not its subordinator.
                    while sub and sub[0].dep_ == "mark":
                        sub = sub[1:]
                    core = "".join(t.text_with_ws for t in sub)
        if text and text[0].islower():
            text = text[0].upper() + text[1:]
        text = close_quotes(text)
        facets = _facets(ts, full)
        kernel = _without(text, [f.text for f in facets]) if facets else ""
        for q in quotes:
            if q.start < end and start < q.end:
                if min(end, q.end) - max(start, q.start) >= 0.5 * (end - start) or (
                    q.direct and start <= q.start and q.end <= end
                ):
                    speaker = speaker or q.speaker
                    if q.direct:
                        # The quoted words of this claim: a quote may run over several
                        # clauses and sentences, each of them a claim of its own.
                        core = full[max(start, q.start) : min(end, q.end)]
                    break
        return Claim(
            id=claim_id,
            article=self.article_id,
            sentence=sent_index,
            start=start,
            end=end,
            text=text,
            core=" ".join(core.split()).strip(" ,\"“”") if core else "",
            subject=subject,
            predicate=predicate,
            negated=negated,
            speaker=speaker,
            quantities=[q for q in quantities if start <= q.start and q.end <= end],
            entities=ents,
            lemmas=lemmas,
            kernel=kernel if kernel != text else "",
            facets=facets,
        )
