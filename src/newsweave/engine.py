"""The engine behind ``newsweave.compare``, ``newsweave compare`` and ``newsweave demo``.

read → analyse → copies → link entities → align → brief, over plain records.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Sequence
from typing import Any

from .align import Aligner
from .brief import make_brief
from .config import Options
from .dedup import COPY_THRESHOLD, find_copies, independent_sources
from .ingest import read_inputs
from .model import AnalyzedArticle, Article, Comparison
from .nlp.analyze import Analyzer
from .nlp.embed import Embedder, load_embedder
from .nlp.entities import EntityLinker, _norm
from .nlp.judge import load_judge
from .outlets import Registry

#: Texts per embedder batch. Claims are short, and a batch is padded to its
#: longest text: on ECB+ claims 32 ran faster than 64 on this project's machine.
EMBED_BATCH = 32


class Engine:
    """The loaded models for one set of options; reuse it across comparisons."""

    _shared: dict[Options, Engine] = {}
    _lock = threading.Lock()

    def __init__(self, options: Options) -> None:
        self.options = options
        self.analyzer = Analyzer(options)
        self._embedder: Embedder | None = None
        self._judge = None

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = load_embedder(
                self.options.embed_model,
                self.options.embed_cache_dir,
                batch_size=EMBED_BATCH,
            )
        return self._embedder

    @property
    def judge(self):  # noqa: ANN201 - PairJudge | EmbedJudge
        if self._judge is None:
            self._judge = load_judge(self.options.judge)
        return self._judge

    def warm_up(self) -> None:
        """Load every model now (a server does this before its first request)."""
        _ = self.analyzer.nlp
        _ = self.embedder
        self.judge.load()

    @classmethod
    def shared(cls, options: Options) -> Engine:
        """One engine per distinct options in this process (models load once)."""
        with cls._lock:
            engine = cls._shared.get(options)
            if engine is None:
                engine = cls._shared[options] = cls(options)
            return engine

    def compare_articles(self, articles: Sequence[Article]) -> Comparison:
        analyzed = self.analyzer.analyze(articles)
        return self.compare_analyzed(analyzed)

    def compare_analyzed(self, analyzed: Sequence[AnalyzedArticle]) -> Comparison:
        articles = [a.article for a in analyzed]
        for art in articles:
            if art.outlet_id is None:
                # Not read from a store, which names outlets by its registry: by the
                # report's own outlet name and URL.
                art.identify()
        copy_of = find_copies(articles, self.options.copy_threshold or COPY_THRESHOLD)
        entities = EntityLinker().link({a.article.id: a.entities for a in analyzed})
        for a in analyzed:
            _set_speaker_keys(a)
        aligner = Aligner(self.embedder, judge=self.judge,
                          threshold=self.options.match_threshold)
        groups = aligner.align(analyzed, copy_of, entities,
                               independent_sources(articles, copy_of))
        brief = make_brief(analyzed, groups, copy_of)
        return Comparison(
            articles=list(analyzed),
            claims=groups,
            brief=brief,
            entities=entities,
            copy_of=copy_of,
        )


def _set_speaker_keys(analyzed: AnalyzedArticle) -> None:
    """Link each quote's and claim's speaker to entity keys (``|``-joined)."""
    people = [m for m in analyzed.entities if m.label == "PERSON" and m.key]
    by_text = {_norm(m.text): m.key for m in people}

    def keys(speaker: str | None, lo: int | None = None, hi: int | None = None) -> str:
        if not speaker:
            return ""
        found = []
        if lo is not None and hi is not None:
            found = [m.key for m in people if lo <= m.start and m.end <= hi]
        if not found:
            n = _norm(speaker)
            if n in by_text:
                found = [by_text[n]]
            else:
                found = [
                    m.key for m in people if re.search(rf"\b{re.escape(_norm(m.text))}\b", n)
                ]
        if not found:
            # "Rubio's statement" after "Secretary of State Marco Rubio": one person whose
            # surname the speaker names.
            words = set(_norm(speaker).replace("’", " ").replace("'", " ").split())
            by_surname = {m.key for m in people
                          if len(_norm(m.text).split()) > 1 and _norm(m.text).split()[-1] in words}
            if len(by_surname) == 1:
                found = list(by_surname)
        if not found:
            found = ["TEXT:" + _norm(speaker)]
        return "|".join(sorted(set(found)))

    for q in analyzed.quotes:
        q.speaker_key = keys(q.speaker, q.speaker_start, q.speaker_end)
    for c in analyzed.claims:
        c.speaker_key = keys(c.speaker)


def compare(
    inputs: Iterable[Any],
    *,
    options: Options | None = None,
    meta: dict[str, Any] | None = None,
    engine: Engine | None = None,
    registry: Registry | None = None,
    **settings: Any,
) -> Comparison:
    """Compare several reports of one story, claim by claim.

    Args:
        inputs: paths (files or folders), ``Article`` records or JSONL-style
            dicts (``text`` required).
        options: an ``Options``; or give its fields as keyword ``settings``.
        meta: outlet/published/url/title applied to every file read.
        engine: reuse loaded models (default: one shared engine per options).
        registry: an outlet registry (``outlets.Registry``) naming the reports' outlets
            and owners; reports of one owner then count as one source.

    Returns:
        A ``Comparison``; inputs that could not be read are listed in
        ``comparison.failures`` and the others are still compared.

    Raises:
        ConfigError: an unknown or invalid setting.
        ModelError: a language model could not be loaded.

    Example:
        >>> result = newsweave.compare(["a.txt", "b.txt"])
        >>> [c.status for c in result.claims]
    """
    if options is None:
        opts = Options.build(**settings)
    else:
        opts = options.replace(**settings) if settings else options
    articles, failures = read_inputs(inputs, opts, meta=meta)
    if registry is not None:
        for article in articles:
            article.identify(registry)
    engine = engine or Engine.shared(opts)
    result = engine.compare_articles(articles)
    result.failures = list(failures)
    return result
