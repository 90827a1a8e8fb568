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

from spacy.tokens import Span, Token

from ..model import Claim, EntityMention, Quantity, Quote
from .quotes import SPEECH_VERBS, SpeakerResolver

_CONTENT_POS = frozenset({"NOUN", "PROPN", "VERB", "ADJ", "NUM", "ADV"})
_EDGE_DROP = frozenset({"cc", "punct", "mark", "prep"})
_NEGATORS = frozenset({"not", "n't", "never", "no", "neither", "nor", "without"})
#: Minimum content words for a clause to stand as a claim of its own.
MIN_CLAUSE_CONTENT = 2
#: Subject phrases longer than this are shortened to their head noun phrase
#: when restored into a claim's text.
MAX_SUBJECT_TOKENS = 8


def _is_clause_head(tok: Token, heads: set[int]) -> bool:
    if tok.head.i not in heads or tok.head.i == tok.i:
        return False
    if tok.dep_ == "conj" and tok.pos_ in {"VERB", "AUX"}:
        return True
    if tok.dep_ == "advcl" and tok.i > tok.head.i and tok.pos_ in {"VERB", "AUX"}:
        has_subject = any(c.dep_ in {"nsubj", "nsubjpass"} for c in tok.children)
        after_comma = tok.i > 0 and any(
            t.is_punct for t in tok.doc[tok.head.i : tok.left_edge.i]
        )
        participle = tok.tag_ == "VBG"
        return has_subject or (participle and after_comma)
    return False


def _subject(tok: Token) -> Token | None:
    for child in tok.children:
        if child.dep_ in {"nsubj", "nsubjpass", "expl"}:
            return child
    return None


def _inherited_subject(tok: Token) -> Token | None:
    seen = 0
    while tok is not None and seen < 6:
        subj = _subject(tok)
        if subj is not None:
            return subj
        if tok.dep_ in {"conj", "advcl", "xcomp"} and tok.head.i != tok.i:
            tok = tok.head
            seen += 1
            continue
        return None
    return None


def _subject_text(subj: Token, resolver: SpeakerResolver) -> str:
    if subj.pos_ == "PRON" and subj.lower_ in {"he", "she", "they"}:
        name, _, _ = resolver.resolve(subj.doc[subj.i : subj.i + 1])
        return name
    toks = list(subj.subtree)
    if len(toks) > MAX_SUBJECT_TOKENS:
        toks = [t for t in subj.subtree if t.i <= subj.i and t.i >= subj.left_edge.i]
        toks = toks[-MAX_SUBJECT_TOKENS:]
    return " ".join(t.text for t in toks if not t.is_space)


class ClaimExtractor:
    """Cuts one article's sentences into claims."""

    def __init__(self, article_id: str, resolver: SpeakerResolver) -> None:
        self.article_id = article_id
        self.resolver = resolver

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
        # 1.-3. clause heads
        heads: list[Token] = []
        head_set: set[int] = set()
        root = sent.root
        if root.idx >= start_char:
            heads.append(root)
            head_set.add(root.i)
        for tok in toks:
            if _is_clause_head(tok, head_set):
                heads.append(tok)
                head_set.add(tok.i)
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
            ts = sorted(ts, key=lambda t: t.i)
            while ts and (ts[0].dep_ in _EDGE_DROP and ts[0].pos_ != "NUM" or ts[0].is_punct):
                if ts[0].text in {"“", '"', "‘"}:
                    break
                ts = ts[1:]
            while ts and (ts[-1].dep_ in {"cc"} or ts[-1].text in {",", ";", "—", "–", "-"}):
                ts = ts[:-1]
            if not ts:
                continue
            spans.append([h, ts])

        # Fold clauses too small to be facts into their neighbour.
        merged: list[list] = []
        for h, ts in spans:
            content = sum(1 for t in ts if t.pos_ in _CONTENT_POS and not t.is_stop)
            if merged and content < MIN_CLAUSE_CONTENT:
                merged[-1][1] = sorted(merged[-1][1] + ts, key=lambda t: t.i)
                continue
            merged.append([h, ts])
        if len(merged) > 1:
            h0, ts0 = merged[0]
            content0 = sum(1 for t in ts0 if t.pos_ in _CONTENT_POS and not t.is_stop)
            if content0 < MIN_CLAUSE_CONTENT:
                merged[1][1] = sorted(ts0 + merged[1][1], key=lambda t: t.i)
                merged = merged[1:]

        claims: list[Claim] = []
        sent_end = sent.end_char
        for n, (h, ts) in enumerate(merged):
            start = ts[0].idx
            end = ts[-1].idx + len(ts[-1].text)
            # A closing quote mark right after the clause belongs to it.
            while end < sent_end and sent.doc.text[end] in "”\"’":
                end += 1
            span_text = sent.doc.text[start:end]
            text = " ".join(span_text.split())
            subject = None
            negated = False
            predicate = None
            speaker = None
            if h is not None:
                predicate = h.lemma_.lower()
                subj = _subject(h) or _inherited_subject(h)
                if subj is not None:
                    subject = _subject_text(subj, self.resolver)
                    if subj.idx < start or subj.pos_ == "PRON":
                        if subj.idx < start or subject.lower() != subj.lower_:
                            rest = text
                            if subj.idx >= start and subj.pos_ == "PRON":
                                rest = text[len(subj.text):].lstrip()
                            text = f"{subject} {rest}"
                negated = any(
                    c.dep_ == "neg" or c.lower_ in _NEGATORS and c.dep_ in {"advmod", "neg"}
                    for c in h.children
                )
                if predicate in SPEECH_VERBS and subj is not None:
                    speaker = self.resolver.resolve(sent.doc[subj.left_edge.i : subj.right_edge.i + 1])[0]
                    comp = next((c for c in h.children if c.dep_ == "ccomp"), None)
                    if comp is not None:
                        predicate = comp.lemma_.lower()
                        negated = any(c.dep_ == "neg" for c in comp.children)
            if speaker is None:
                for q in quotes:
                    if q.speaker and q.start < end and start < q.end:
                        overlap = min(end, q.end) - max(start, q.start)
                        if overlap >= 0.5 * (end - start):
                            speaker = q.speaker
                            break
            lemma_toks = [t for t in ts if t.pos_ in _CONTENT_POS and not t.is_stop and t.is_alpha]
            lemmas = [t.lemma_.lower() for t in lemma_toks]
            if subject and h is not None:
                s = _subject(h) or _inherited_subject(h)
                if s is not None and s.idx < start:
                    lemmas += [t.lemma_.lower() for t in s.subtree if t.pos_ in {"NOUN", "PROPN"}]
            ents = [m for m in mentions if start <= m.start and m.end <= end]
            if subject and h is not None:
                s = _subject(h) or _inherited_subject(h)
                if s is not None and s.idx < start:
                    lo, hi = s.left_edge.idx, s.right_edge.idx + len(s.right_edge.text)
                    ents += [m for m in mentions if lo <= m.start and m.end <= hi]
                elif s is not None and s.pos_ == "PRON":
                    ents += [m for m in mentions if m.label == "PERSON" and m.text == subject][:1]
                    if not any(m.text == subject for m in ents):
                        before = [m for m in mentions if m.label == "PERSON" and m.end <= s.idx]
                        ents += before[-1:]
            quants = [q for q in quantities if start <= q.start and q.end <= end]
            claims.append(
                Claim(
                    id=f"{self.article_id}:{first_id + n}",
                    article=self.article_id,
                    sentence=sent_index,
                    start=start,
                    end=end,
                    text=text,
                    subject=subject,
                    predicate=predicate,
                    negated=negated,
                    speaker=speaker,
                    quantities=quants,
                    entities=ents,
                    lemmas=lemmas,
                )
            )
        return claims
