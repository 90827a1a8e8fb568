"""Stories: each report that comes in joins the story it belongs to, or starts one.

A report is reduced to ``DocFeatures`` (``features_of``), and compared with a
story (or another report) by a weighted mean of five cosines, each between the
report's part and the sum of that part over the story's reports:

1. ``vector``: the sentence-embedding of the title and lead (what it is about);
2. ``entities``: who and where, salient mentions (title, lead) counted higher;
3. ``terms``: content words, the lexical detail an embedding smooths over;
4. ``dates``: the months of the explicit dates it mentions;
5. ``numbers``: the amounts it mentions (tolls, scores, sums of money).

Dates and numbers only count when both sides have some: most reports name no
date, and the absence says nothing. Same topic is not same story: two
earthquakes read alike to an embedding, and it is the places, names, dates and
numbers that tell them apart. On top of that, a story whose reports all lie
more than ``MAX_GAP_DAYS`` from a new report's date is no candidate at all.

Stories are cut by ``grouping_similarity``: that pair similarity mixed with a
second-order one (``neighbourhood_similarity``: do two reports have the same
closest reports?), by average linkage at ``GROUP_THRESHOLD``. A pair score
alone cannot separate two events of one topic (a report of the second event
is often as close to the first event's reports as they are to each other);
their neighbourhoods can. The cut rises where many stories crowd around a
report (``Crowding``): among the dozens of stories of a running topic, the
days of one saga are as alike as two reports of one event elsewhere.

``OnlineClusterer`` is the streaming version: ``add(features)`` scores the
report against the stories' centroids and regroups it with the best few
(``CANDIDATE_FLOOR``, ``MAX_CANDIDATES``), so a decision taken on one early
report is undone when its event's next reports arrive. A story's id, ``"s"``
followed by the id of its first report, stays with the group holding most of
its reports; a story left empty is retired into the one that took them. It
keeps per-story sums (for the centroids) and the features of recent reports
(for regrouping; older ones come back through a loader), and
``to_dict``/``take_changes`` let the store keep that state so the next
process goes on where the last one stopped. ``recluster`` is the batch
version (average linkage over all reports), for re-tuning and for rebuilding
stories from scratch.

No stage here touches the store; the caller persists ``to_dict()``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .errors import ConfigError, StoreError
from .model import AnalyzedArticle
from .nlp.entities import EntityLinker

#: Sentences (after the title) averaged into a report's document vector. The
#: lead says which event a report is about; later paragraphs drift into
#: background shared by every story on the topic. On ECB+ (772 docs, scoring
#: B-cubed F1 of the online clusterer at the subtopic level) 8 beat 3, 5, 12
#: and all sentences; within one topic the lead-8 vectors separate the two
#: events better (pair AUC 0.84 vs 0.81 for the whole text).
LEAD_SENTENCES = 8
#: Entity mentions, dates and amounts in the title or the first
#: ``SALIENT_SENTENCES`` sentences count ``SALIENT_WEIGHT`` times: the lead
#: names the event's own actors and place, the body also names others.
SALIENT_SENTENCES = 3
SALIENT_WEIGHT = 2.0
#: Counts of a handful ("two people", "three days") say nothing about which
#: event it is; amounts above this do ("23 pirates", "a 5.6 quake").
MIN_DISTINCT_COUNT = 10
#: Content words kept per report (highest weight first, ties by word): bounds
#: the size of a story's state. ECB+ reports average ~130 distinct content
#: words; 150 keeps nearly all of them.
MAX_TERMS = 150

#: Weights of the five parts of the similarity (see the module docstring).
#: Calibrated by B-cubed F1 of the online clusterer, mean over three arrival
#: orders, on ECB+ and NeuS val together (NeuS train is the held-out check).
#: What each part adds is in docs/benchmarks.md section 4
#: (``bench/clustering.py --weights``): terms at 0.5 instead of 1 cost NeuS
#: val 0.05 (one-sentence leads name few entities); no terms cost 0.31.
WEIGHTS: Mapping[str, float] = {
    "vector": 1.0,
    "entities": 0.5,
    "terms": 1.0,
    "dates": 0.25,
    "numbers": 0.25,
}
#: A part's weight shrinks for a report with few keys in it, by
#: ``keys / (keys + EVIDENCE[part])``: one or two names say less about which
#: event a short lead is about than twenty do about a long report (tuned by
#: hand on NeuS val; ECB+, whose reports name many entities, is unaffected).
#: The batch similarity keeps, per pair, the shrink of the report with fewer keys.
EVIDENCE: Mapping[str, float] = {"entities": 5.0}
_OPTIONAL_PARTS = frozenset({"dates", "numbers"})
_SPARSE_PARTS = ("entities", "terms", "dates", "numbers")
#: Parts whose keys are weighted by inverse document frequency over the reports
#: seen so far (``log((1 + N) / (1 + df)) + 1``, as scikit-learn's smoothed
#: idf): "said", "police" or "United States" say little about which event a
#: report is about.
IDF_PARTS = frozenset({"entities", "terms", "numbers"})

#: A story whose centroid scores at least this with a new report takes part
#: in regrouping it (see ``OnlineClusterer``); a report with no such story
#: starts one at once. Low on purpose: it picks what to look at again, the
#: grouping itself is decided by ``GROUP_THRESHOLD``.
CANDIDATE_FLOOR = 0.30
#: Stories regrouped with a new report at most (the best by centroid score).
MAX_CANDIDATES = 5
#: Of a large candidate story, only its latest reports are regrouped; the
#: older ones stay where they are (bounds the cost of one ``add``).
REGROUP_MEMBERS = 200
#: A report already placed moves in a regrouping only when at least this much
#: closer (mean grouping similarity) to its new story's reports than to its
#: old one's (see ``OnlineClusterer._settle``). Ties stay: that alone cut the
#: moves by 7% on ECB+ and 12% on NeuS train at the same F1; 0.05 cut 8%
#: (ECB+), 17% (NeuS val) and 14% (NeuS train) more but cost NeuS train 0.006
#: of F1 (``bench/clustering.py --move-margin 0.05``, moves column; measured
#: before crowding).
MOVE_MARGIN = 0.0

#: The neighbourhood of a report, for the second-order similarity: its most
#: similar reports (itself included), at least ``MIN_NEIGHBOURS`` and at most
#: ``MAX_NEIGHBOURS`` of them, taking every report at or above both
#: ``NEIGHBOUR_FLOOR`` and (best neighbour's score - ``NEIGHBOUR_MARGIN``).
#: Two reports of one event share their neighbours; two events of one topic,
#: each close to the other in wording, each have their own. A count relative
#: to the best neighbour lets the neighbourhood follow the story's size (three
#: reports in NeuS, a dozen in ECB+) instead of fixing one.
NEIGHBOUR_FLOOR = 0.30
NEIGHBOUR_MARGIN = 0.20
MIN_NEIGHBOURS = 3
MAX_NEIGHBOURS = 10
#: Share of the second-order part in the grouping similarity (the rest is the
#: report-to-report similarity itself).
NEIGHBOUR_WEIGHT = 0.5
#: Average-linkage cut of the grouping similarity: two groups of reports merge
#: while the mean grouping similarity of their pairs is at least this, where
#: no crowd of stories raises it (``CROWD_FLOOR``). The same for the online
#: regrouping and for ``recluster``. Calibrated with the five constants above,
#: before crowding, by B-cubed F1 on ECB+ and NeuS val together (a grid over
#: floor 0.30-0.35, margin 0.10-0.30, minimum 2-3, weight 0-0.5, cut
#: 0.25-0.50: ``docs/benchmarks.md`` section 4); NeuS train is held out.
GROUP_THRESHOLD = 0.35


@dataclass(frozen=True, slots=True)
class Neighbourhood:
    """The settings of the second-order similarity (defaults: the constants above)."""

    floor: float = NEIGHBOUR_FLOOR
    margin: float = NEIGHBOUR_MARGIN
    least: int = MIN_NEIGHBOURS
    most: int = MAX_NEIGHBOURS
    weight: float = NEIGHBOUR_WEIGHT

    def __post_init__(self) -> None:
        if not 1 <= self.least <= self.most:
            raise ConfigError(
                f"neighbourhood sizes must satisfy 1 <= least <= most, not {self.least}, "
                f"{self.most}"
            )
        if not 0.0 <= self.weight <= 1.0:
            raise ConfigError(f"neighbourhood weight must be in [0, 1], not {self.weight}")


#: Crowding: the cut rises where many stories lie close to a report. A
#: report's crowding is the mean embedding cosine between it and the stories
#: ranked ``CROWD_RANKS`` by that cosine (0-based: the 16th to the 30th, past
#: the few it may belong to); its regrouping is cut at ``GROUP_THRESHOLD +
#: CROWD_WEIGHT * max(0, crowding - CROWD_FLOOR)``. Where a topic runs for
#: days (a nomination, its hearings, its votes), dozens of its stories sit
#: close to each new report, and two days of the saga score as high as two
#: reports of one event elsewhere: one cut cannot serve both. With no more
#: stories than the first rank, the cut does not rise. Calibrated on ECB+ and
#: NeuS val by the online B-cubed F1, mean of three orders, summed over the two
#: (``bench/clustering.py --crowd-grid``): this is the best of the grid; ranks
#: 10-30 to 20-40 with floor 0.35-0.40 and weight 0.75-1.5 lie within 0.007 of
#: it, no crowding 0.012 below (NeuS val 0.866 against 0.882, ECB+ 0.938
#: against 0.933), ranks 10-20 or floor 0.30 0.014-0.017 below. NeuS train,
#: held out, went from 0.701 to 0.779 (docs/benchmarks.md section 4).
CROWD_RANKS = (15, 30)
CROWD_FLOOR = 0.35
CROWD_WEIGHT = 1.0


@dataclass(frozen=True, slots=True)
class Crowding:
    """How the grouping cut rises with crowding (defaults: the constants above)."""

    first: int = CROWD_RANKS[0]
    last: int = CROWD_RANKS[1]
    floor: float = CROWD_FLOOR
    weight: float = CROWD_WEIGHT

    def __post_init__(self) -> None:
        if not (
            isinstance(self.first, int) and isinstance(self.last, int)
            and 0 <= self.first < self.last
        ):
            raise ConfigError(
                f"crowding ranks must be whole numbers with 0 <= first < last, not "
                f"{self.first!r}, {self.last!r}"
            )
        if not 0.0 <= self.floor <= 1.0:
            raise ConfigError(f"crowding floor must be in [0, 1], not {self.floor}")
        if self.weight < 0:
            raise ConfigError(f"crowding weight must be >= 0, not {self.weight}")

    def of(self, scores: np.ndarray) -> float:
        """Crowding of one report from its embedding cosines to the stories
        (``-inf`` for stories out of reach: retired, or outside the window).
        Too few stories to reach the first rank: the floor (no rise)."""
        live = scores[np.isfinite(scores)]
        if len(live) <= self.first:
            return self.floor
        k = min(self.last, len(live))
        top = -np.partition(-live, k - 1)[:k] if k < len(live) else live
        return float(np.sort(top)[::-1][self.first : k].mean())

    def rise(self, crowding: float | np.ndarray) -> float | np.ndarray:
        """How much the cut rises at this crowding."""
        return self.weight * np.maximum(0.0, crowding - self.floor)


#: A story whose reports are all more than this many days away from a new
#: report's date is not a candidate for it. Not calibrated on data (ECB+ and
#: NeuS carry no dates): a running story gets fresh reports within a week or
#: two; a similar event a month later is another story.
MAX_GAP_DAYS = 14
#: Stories scored in full per report: the best ones by embedding alone. The
#: full score of a report's true story was never outside the top 32 by
#: embedding on ECB+ or NeuS; it bounds the cost of ``add`` as stories pile up.
SHORTLIST = 32

#: Version of ``OnlineClusterer.to_dict()``. Raise it when features or the
#: state change meaning; stored state of another version must be rebuilt
#: with ``recluster``. 2: stories are regrouped, ``threshold`` is the grouping
#: cut (where no crowd raises it). A version-2 state written before crowding
#: came carries no ``crowding`` setting and resumes with the default one.
STATE_VERSION = 2

_WORD = re.compile(r"[^\W\d_][\w'’\-]*[^\W_]|\d[\d.,]*\d|\d", re.UNICODE)


def _stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS) | {"said", "says", "say", "told", "according", "also"}


_STOP: frozenset[str] | None = None


# --------------------------------------------------------------------------- features


@dataclass(slots=True)
class DocFeatures:
    """What the clusterer knows of one report.

    ``vector`` is unit-norm; the dicts map a key to a weight (entity keys as
    ``EntityLinker`` makes them, lower-cased content words, ``YYYY-MM``
    months, ``kind:value`` amounts).
    """

    article_id: str
    vector: np.ndarray
    entities: dict[str, float] = field(default_factory=dict)
    published: dt.date | None = None
    terms: dict[str, float] = field(default_factory=dict)
    dates: dict[str, float] = field(default_factory=dict)
    numbers: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "article_id": self.article_id,
            "vector": [float(x) for x in self.vector],
            "entities": dict(self.entities),
            "published": self.published.isoformat() if self.published else None,
            "terms": dict(self.terms),
            "dates": dict(self.dates),
            "numbers": dict(self.numbers),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DocFeatures:
        published = data.get("published")
        return cls(
            article_id=data["article_id"],
            vector=np.asarray(data["vector"], dtype=np.float32),
            entities=dict(data.get("entities", {})),
            published=dt.date.fromisoformat(published) if published else None,
            terms=dict(data.get("terms", {})),
            dates=dict(data.get("dates", {})),
            numbers=dict(data.get("numbers", {})),
        )


def _too_far(
    first: np.ndarray, last: np.ndarray, day: float | np.ndarray, max_gap_days: int
) -> np.ndarray:
    """Whether a date ``day`` lies more than ``max_gap_days`` outside the span
    ``first``..``last`` (ordinals, broadcast). NaN, undated on either side,
    compares False: never too far."""
    with np.errstate(invalid="ignore"):
        return np.maximum(first - day, day - last) > max_gap_days


def _published(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _sublinear(counts: Mapping[str, float]) -> dict[str, float]:
    return {k: 1.0 + math.log(v) for k, v in counts.items() if v > 0}


def _entity_weights(analyzed: AnalyzedArticle, lead_end: int) -> dict[str, float]:
    # Link on copies: the caller's mentions keep the keys a story-wide linking
    # gives them, and a report's features do not depend on its batch.
    mentions = [dataclasses.replace(m) for m in analyzed.entities]
    EntityLinker().link({analyzed.article.id: mentions})
    counts: dict[str, float] = {}
    for m in mentions:
        weight = SALIENT_WEIGHT if m.start < lead_end else 1.0
        counts[m.key] = counts.get(m.key, 0.0) + weight
    title = analyzed.article.title
    if title:
        # Title words that name an entity of the body are salient too.
        lowered = title.lower()
        for m in mentions:
            if m.text and m.text.lower() in lowered:
                counts[m.key] += SALIENT_WEIGHT / 2
    return _sublinear(counts)


def _terms(analyzed: AnalyzedArticle, lead_end: int) -> dict[str, float]:
    global _STOP
    if _STOP is None:
        _STOP = _stop_words()
    counts: dict[str, float] = {}
    text = analyzed.article.text
    body = analyzed.article.body_start
    pieces = [(analyzed.article.title or "", SALIENT_WEIGHT), (text[body:], 1.0)]
    for piece, weight in pieces:
        for w in _WORD.findall(piece.lower().replace("’", "'")):
            if len(w) < 3 or w in _STOP or w[0].isdigit():
                continue
            counts[w] = counts.get(w, 0.0) + weight
    weights = _sublinear(counts)
    if len(weights) > MAX_TERMS:
        keep = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_TERMS]
        weights = dict(sorted(keep))
    return weights


def _dates_and_numbers(
    analyzed: AnalyzedArticle, lead_end: int
) -> tuple[dict[str, float], dict[str, float]]:
    dates: dict[str, float] = {}
    numbers: dict[str, float] = {}
    for q in analyzed.quantities:
        weight = SALIENT_WEIGHT if q.start < lead_end else 1.0
        if q.kind == "date":
            if isinstance(q.value, str) and len(q.value) >= 7:
                dates[q.value[:7]] = dates.get(q.value[:7], 0.0) + weight
        elif q.kind in {"count", "money", "percent"} and isinstance(q.value, int | float):
            value = float(q.value)
            if q.kind == "count" and value.is_integer() and abs(value) <= MIN_DISTINCT_COUNT:
                continue
            key = f"{q.kind}:{value:.3g}"
            numbers[key] = numbers.get(key, 0.0) + weight
    return dates, numbers


def _lead_end(analyzed: AnalyzedArticle) -> int:
    sents = analyzed.sentences
    if not sents:
        return 0
    return sents[min(SALIENT_SENTENCES, len(sents)) - 1].end


def _lead_texts(analyzed: AnalyzedArticle) -> list[str]:
    texts = [s.text for s in analyzed.sentences[:LEAD_SENTENCES]]
    title = (analyzed.article.title or "").strip()
    if title and not (texts and texts[0].strip() == title):
        texts.insert(0, title)
    return texts or [analyzed.article.text[:1000] or " "]


def features_batch(
    analyzed: Sequence[AnalyzedArticle],
    embedder: Any,
    *,
    vectors: Sequence[np.ndarray | None] | None = None,
) -> list[DocFeatures]:
    """``DocFeatures`` of several reports, with one call to the embedder.

    Args:
        analyzed: reports as ``Analyzer.analyze`` returns them.
        embedder: an object with ``encode(texts) -> ndarray`` (rows
            L2-normalised), e.g. ``Engine.embedder``.
        vectors: document vectors computed before (``DocFeatures.vector``,
            e.g. kept in the store), one per report or ``None`` where the
            vector must be computed; the embedder is only called for those.
    """
    given = list(vectors) if vectors is not None else [None] * len(analyzed)
    if len(given) != len(analyzed):
        raise ConfigError(f"{len(given)} vectors given for {len(analyzed)} reports")
    texts = [_lead_texts(a) if v is None else [] for a, v in zip(analyzed, given, strict=True)]
    flat = [t for ts in texts for t in ts]
    encoded = np.asarray(embedder.encode(flat), dtype=np.float32) if flat else None
    out: list[DocFeatures] = []
    row = 0
    for a, ts, known in zip(analyzed, texts, given, strict=True):
        if known is not None:
            vector = np.asarray(known, dtype=np.float32)
        else:
            assert encoded is not None
            mean = encoded[row : row + len(ts)].astype(np.float64).mean(axis=0)
            row += len(ts)
            norm = float(np.linalg.norm(mean))
            vector = (mean / norm if norm else mean).astype(np.float32)
        lead_end = _lead_end(a)
        dates, numbers = _dates_and_numbers(a, lead_end)
        out.append(
            DocFeatures(
                article_id=a.article.id,
                vector=vector,
                entities=_entity_weights(a, lead_end),
                published=_published(a.article.published),
                terms=_terms(a, lead_end),
                dates=dates,
                numbers=numbers,
            )
        )
    return out


def features_of(
    analyzed: AnalyzedArticle, embedder: Any, *, vector: np.ndarray | None = None
) -> DocFeatures:
    """``DocFeatures`` of one report (see ``features_batch`` for many).

    ``vector``: the report's document vector if already known (the embedder
    is then not called).
    """
    return features_batch([analyzed], embedder, vectors=[vector])[0]


# --------------------------------------------------------------------------- similarity


def _norm(d: Mapping[str, float]) -> float:
    return math.sqrt(sum(v * v for v in d.values()))


def _dot(small: Mapping[str, float], big: Mapping[str, float]) -> float:
    if len(small) > len(big):
        small, big = big, small
    return sum(v * big.get(k, 0.0) for k, v in small.items())


def _check_weights(weights: Mapping[str, float] | None) -> dict[str, float]:
    merged = dict(WEIGHTS)
    if weights:
        unknown = set(weights) - set(WEIGHTS)
        if unknown:
            raise ConfigError(
                f"unknown similarity part(s) {sorted(unknown)}; known: {sorted(WEIGHTS)}"
            )
        merged.update({k: float(v) for k, v in weights.items()})
    if any(w < 0 for w in merged.values()) or merged["vector"] <= 0:
        raise ConfigError("similarity weights must be >= 0, with a positive 'vector' weight")
    return merged


def _combine(parts: Mapping[str, float | None], weights: Mapping[str, float]) -> float:
    """Weighted mean of the parts present (``None``: absent on one side)."""
    num = den = 0.0
    for name, value in parts.items():
        w = weights[name]
        if value is None or not w:
            continue
        num += w * value
        den += w
    return num / den if den else 0.0


class _Idf:
    """Inverse document frequency over a set of reports (grows with ``add``)."""

    __slots__ = ("df", "docs", "added")

    def __init__(self, df: dict[str, int] | None = None, docs: int = 0) -> None:
        self.df: dict[str, int] = df if df is not None else {}
        self.docs = docs
        #: Increments since the last ``OnlineClusterer.take_changes``.
        self.added: dict[str, int] = {}

    def add(self, features: DocFeatures) -> None:
        self.docs += 1
        for name in IDF_PARTS:
            for k in getattr(features, name):
                self.df[k] = self.df.get(k, 0) + 1
                self.added[k] = self.added.get(k, 0) + 1

    def __call__(self, key: str) -> float:
        return math.log((1 + self.docs) / (1 + self.df.get(key, 0))) + 1.0


def _cos(
    doc: Mapping[str, float],
    other: Mapping[str, float],
    idf: _Idf | None,
    other_norm: float | None = None,
) -> float:
    """Cosine of two weight dicts, each key weighted by ``idf`` if given."""
    if idf is None:
        dot = _dot(doc, other)
        dn = _norm(doc)
        on = _norm(other) if other_norm is None else other_norm
    else:
        weights = {k: idf(k) for k in doc}
        dot = sum(v * other.get(k, 0.0) * weights[k] ** 2 for k, v in doc.items())
        dn = math.sqrt(sum((v * weights[k]) ** 2 for k, v in doc.items()))
        on = math.sqrt(sum((v * idf(k)) ** 2 for k, v in other.items()))
    if not dn or not on:
        return 0.0
    return dot / (dn * on)


def _parts(
    features: DocFeatures,
    other: DocFeatures | StoryState,
    vector_cos: float,
    idf: _Idf | None,
) -> dict[str, float | None]:
    parts: dict[str, float | None] = {"vector": vector_cos}
    for name in _SPARSE_PARTS:
        doc, mine = getattr(features, name), getattr(other, name)
        if name in _OPTIONAL_PARTS and (not doc or not mine):
            parts[name] = None
        elif name in IDF_PARTS:
            parts[name] = _cos(doc, mine, idf)
        else:
            parts[name] = _cos(doc, mine, None)
    return parts


def pair_similarity(
    a: DocFeatures,
    b: DocFeatures,
    weights: Mapping[str, float] | None = None,
    *,
    df: Mapping[str, int] | None = None,
    docs: int = 0,
) -> float:
    """Similarity of two reports, as the clusterer scores a report against a story.

    ``df``/``docs``: document frequencies of keys over ``docs`` reports, for
    the idf weights of ``IDF_PARTS`` (none given: every key weighs 1).
    """
    w = _check_weights(weights)
    idf = _Idf(dict(df), docs) if df is not None else None
    for name in EVIDENCE:
        w[name] *= _evidence(name, len(getattr(a, name)))
    return _combine(_parts(a, b, float(np.dot(a.vector, b.vector)), idf), w)


def _evidence(part: str, keys: int) -> float:
    """How much of its weight a part keeps for a report with ``keys`` keys in it."""
    c = EVIDENCE.get(part)
    return 1.0 if c is None else keys / (keys + c)


# --------------------------------------------------------------------------- online


@dataclass(slots=True)
class StoryState:
    """The running sums that stand for a story.

    ``vector_sum`` is the sum of the reports' unit vectors (float64, so that a
    state written with ``to_dict`` and read back continues bit for bit).
    """

    id: str
    count: int
    vector_sum: np.ndarray
    entities: dict[str, float] = field(default_factory=dict)
    terms: dict[str, float] = field(default_factory=dict)
    dates: dict[str, float] = field(default_factory=dict)
    numbers: dict[str, float] = field(default_factory=dict)
    first: dt.date | None = None
    last: dt.date | None = None
    members: list[str] = field(default_factory=list)
    _norms: dict[str, float] = field(default_factory=dict, repr=False)
    #: Per part: (key indices, weights) as arrays, built by the clusterer
    #: when first needed after a change.
    _arrays: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict, repr=False)

    def refresh_norms(self) -> None:
        self._norms = {"vector": float(np.linalg.norm(self.vector_sum))}
        self._arrays = {}

    def add(self, features: DocFeatures) -> None:
        self.count += 1
        self.vector_sum = self.vector_sum + features.vector.astype(np.float64)
        for name in _SPARSE_PARTS:
            acc = getattr(self, name)
            for k, v in getattr(features, name).items():
                acc[k] = acc.get(k, 0.0) + v
        day = features.published
        if day is not None:
            self.first = day if self.first is None else min(self.first, day)
            self.last = day if self.last is None else max(self.last, day)
        self.members.append(features.article_id)
        self.refresh_norms()

    def remove(self, features: DocFeatures) -> None:
        """Take a report's features back out (it moved to another story).

        The date span is left as it was: it only widens the time window in
        which the story is a candidate.
        """
        self.count -= 1
        self.members.remove(features.article_id)
        if not self.count:
            self.vector_sum = np.zeros_like(self.vector_sum)
            for name in _SPARSE_PARTS:
                setattr(self, name, {})
            self.first = self.last = None
        else:
            self.vector_sum = self.vector_sum - features.vector.astype(np.float64)
            for name in _SPARSE_PARTS:
                acc = getattr(self, name)
                for k, v in getattr(features, name).items():
                    left = acc.get(k, 0.0) - v
                    if left > 1e-9:
                        acc[k] = left
                    else:
                        acc.pop(k, None)
        self.refresh_norms()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "count": self.count,
            "vector_sum": [float(x) for x in self.vector_sum],
            "entities": dict(self.entities),
            "terms": dict(self.terms),
            "dates": dict(self.dates),
            "numbers": dict(self.numbers),
            "first": self.first.isoformat() if self.first else None,
            "last": self.last.isoformat() if self.last else None,
            "members": list(self.members),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> StoryState:
        story = cls(
            id=data["id"],
            count=int(data["count"]),
            vector_sum=np.asarray(data["vector_sum"], dtype=np.float64),
            entities=dict(data.get("entities", {})),
            terms=dict(data.get("terms", {})),
            dates=dict(data.get("dates", {})),
            numbers=dict(data.get("numbers", {})),
            first=_published(data.get("first")),
            last=_published(data.get("last")),
            members=list(data.get("members", [])),
        )
        story.refresh_norms()
        return story


@dataclass(slots=True)
class Changes:
    """What changed since the last ``OnlineClusterer.take_changes``.

    A store that applies every call's changes holds, at any time, what
    ``to_dict`` would give: so an ingest writes what a batch touched, not the
    whole state.
    """

    #: ``OnlineClusterer.header()``: version, settings, report count.
    header: dict[str, Any]
    #: ``StoryState.to_dict()`` of each live story that gained or lost reports.
    stories: list[dict[str, Any]]
    #: Increments to add to the stored document frequencies.
    df: dict[str, int]
    #: Report id -> its story now, for every report placed or moved.
    assigned: dict[str, str]
    #: Ids of the stories started (and still live).
    created: list[str]
    #: Story id that ended -> the story that took most of its reports.
    retired: dict[str, str]


#: Reads the ``DocFeatures`` of stored reports by id (those it can; a report
#: it cannot give stays where it is when its story is regrouped).
FeatureLoader = Callable[[Sequence[str]], Mapping[str, DocFeatures]]


class OnlineClusterer:
    """Assigns reports to stories one at a time, as they arrive.

    Each new report is scored against the stories by centroid (``score``).
    No story at ``CANDIDATE_FLOOR`` or above: it starts a story. Otherwise it
    is *regrouped* with the best few (``MAX_CANDIDATES``): their reports and
    the new one are grouped afresh by average linkage of
    ``grouping_similarity``, cut at the threshold raised by the crowding
    around the new report (``Crowding``), for every pair of the regrouping:
    in a crowd, the candidate stories are judged again at the stricter cut.
    This is how a second event of one topic gets out of the first one's
    story: its first report may join it, but the next reports of that event
    share their neighbours with it and not with the first event's reports,
    and the regrouping takes them apart.

    Story ids stay stable: each old story keeps its id for the group holding
    most of its reports (the older story first when two want one group); a
    group no old story claims is a new story, named ``"s"`` + its earliest
    report's id; a story left without reports is *retired* into the one that
    took most of them (``Changes.retired``), so a store can redirect its id.

    Args:
        threshold: the grouping cut (default ``GROUP_THRESHOLD``).
        max_gap_days: a story more than this many days from a report's date
            is not a candidate (default ``MAX_GAP_DAYS``).
        weights: weights of the similarity parts, overriding ``WEIGHTS``.
        shortlist: stories scored in full per report (default ``SHORTLIST``).
        neighbourhood: the second-order similarity's settings.
        crowding: how the cut rises where stories crowd (``Crowding``).
        move_margin: how much closer a placed report must be to move (default
            ``MOVE_MARGIN``).
        loader: reads the features of reports the clusterer does not hold
            (after a restart); without one it holds every report's features.
        cache: reports whose features are held in memory when a ``loader``
            is given (least recently used go first).

    Raises:
        ConfigError: an unknown weight name or a negative weight, or bad
            neighbourhood or crowding settings.

    Example:
        >>> clusterer = OnlineClusterer()
        >>> story_id = clusterer.add(features_of(analyzed, engine.embedder))
        >>> store.save_cluster_state(clusterer.to_dict())
    """

    def __init__(
        self,
        *,
        threshold: float = GROUP_THRESHOLD,
        max_gap_days: int = MAX_GAP_DAYS,
        weights: Mapping[str, float] | None = None,
        shortlist: int = SHORTLIST,
        neighbourhood: Neighbourhood | Mapping[str, Any] = Neighbourhood(),
        crowding: Crowding | Mapping[str, Any] = Crowding(),
        move_margin: float = MOVE_MARGIN,
        loader: FeatureLoader | None = None,
        cache: int = 20_000,
    ) -> None:
        if shortlist < 1:
            raise ConfigError(f"shortlist must be at least 1, not {shortlist}")
        if max_gap_days < 0:
            raise ConfigError(f"max_gap_days must be >= 0, not {max_gap_days}")
        self.threshold = float(threshold)
        self.max_gap_days = int(max_gap_days)
        self.weights = _check_weights(weights)
        self.shortlist = int(shortlist)
        self.neighbourhood = (
            neighbourhood if isinstance(neighbourhood, Neighbourhood)
            else Neighbourhood(**neighbourhood)
        )
        self.crowding = crowding if isinstance(crowding, Crowding) else Crowding(**crowding)
        self.move_margin = float(move_margin)
        self._loader = loader
        self._cache_size = int(cache)
        self._features: OrderedDict[str, DocFeatures] = OrderedDict()
        self._stories: list[StoryState] = []
        self._idf = _Idf()
        self._story_of: dict[str, str] = {}
        self._index: dict[str, int] = {}
        #: Story ids that ended -> where their reports went (never reused).
        self._retired: dict[str, str] = {}
        self._dirty: set[int] = set()
        self._assigned: dict[str, str] = {}
        self._created: list[str] = []
        self._retired_now: dict[str, str] = {}
        # Every key seen (any part) -> a column; document frequencies by
        # column; a scratch row holding one report's weights while it is scored.
        self._columns: dict[str, int] = {}
        self._df = np.zeros(0)
        self._scratch = np.zeros(0)
        # Row i: story i's vector_sum / |vector_sum|, and its first and last
        # dates as ordinals (NaN: no dated report); grown in chunks. A retired
        # story keeps its row, at -inf in ``_live``, so indices stay put.
        self._matrix = np.zeros((0, 0))
        self._span = np.zeros((0, 2))
        self._live = np.zeros(0)

    # -- reading

    @property
    def stories(self) -> list[StoryState]:
        """The live stories in order of creation (do not modify them)."""
        return [s for s in self._stories if s.count]

    def story_of(self, article_id: str) -> str | None:
        return self._story_of.get(article_id)

    def size(self, story_id: str) -> int:
        """Reports in a story (0 for an unknown or retired id)."""
        i = self._index.get(story_id)
        return 0 if i is None else self._stories[i].count

    def assignments(self) -> dict[str, str]:
        """Article id -> story id for every report added so far."""
        return dict(self._story_of)

    def retired(self) -> dict[str, str]:
        """Story ids that ended -> the story that took most of their reports."""
        return dict(self._retired)

    # -- adding

    def add(self, features: DocFeatures, *, story_id: str | None = None) -> str:
        """Put one report in a story and return the story's id.

        Args:
            features: the report's ``DocFeatures``.
            story_id: put it in this story instead of choosing (a reprint goes
                where its original is); an id not seen before starts a story
                of that id.

        A report added a second time (same ``article_id``) stays where it is.
        Other reports may move (see the class docs): ``take_changes`` says
        which.
        """
        known = self._story_of.get(features.article_id)
        if known is not None:
            return known
        # The report counts in the idf it is scored with (as a batch idf would).
        self._count(features)
        self._hold(features)
        if story_id is not None:
            target = self._index.get(story_id)
            if target is None:
                target = self._new_story(story_id, len(features.vector))
            self._place(features, target)
        else:
            candidates, cut = self._candidates(features)
            if candidates:
                self._regroup(features, candidates, cut)
            else:
                target = self._new_story(self._fresh_id(features.article_id), len(features.vector))
                self._place(features, target)
        return self._story_of[features.article_id]

    def add_many(self, features: Iterable[DocFeatures]) -> list[str]:
        """``add`` each report in the order given; the story ids, in that order."""
        return [self.add(f) for f in features]

    def _new_story(self, story_id: str, dim: int) -> int:
        story = StoryState(id=story_id, count=0, vector_sum=np.zeros(dim, dtype=np.float64))
        story.refresh_norms()
        self._index[story.id] = len(self._stories)
        self._stories.append(story)
        self._created.append(story.id)
        self._update_row(len(self._stories) - 1)
        return len(self._stories) - 1

    def _fresh_id(self, article_id: str) -> str:
        """``"s"`` + ``article_id``, with a suffix if a story ever had that id."""
        base = candidate = "s" + article_id
        n = 1
        while candidate in self._index or candidate in self._retired:
            n += 1
            candidate = f"{base}-{n}"
        return candidate

    def _place(self, features: DocFeatures, target: int) -> None:
        """Put a report into story ``target``, out of the one it was in, if any."""
        story = self._stories[target]
        old = self._story_of.get(features.article_id)
        if old == story.id:
            return
        if old is not None:
            i = self._index[old]
            self._stories[i].remove(features)
            self._dirty.add(i)
            self._update_row(i)
        story.add(features)
        self._dirty.add(target)
        self._update_row(target)
        self._story_of[features.article_id] = story.id
        self._assigned[features.article_id] = story.id

    def _candidates(self, features: DocFeatures) -> tuple[list[int], float]:
        """Stories worth regrouping the report with (best centroid score
        first), and the cut to regroup them at (see ``Crowding``)."""
        n = len(self._stories)
        if not n:
            return [], self.threshold
        coarse = self._matrix[:n] @ features.vector.astype(np.float64) + self._live[:n]
        day = features.published
        if day is not None:
            first, last = self._span[:n, 0], self._span[:n, 1]
            coarse[_too_far(first, last, day.toordinal(), self.max_gap_days)] = -np.inf
        cut = self.threshold + float(self.crowding.rise(self.crowding.of(coarse)))
        # The shortlist: the best by embedding, ties in order of creation.
        k = min(self.shortlist, n)
        picked = np.argpartition(-coarse, k - 1)[:k] if k < n else np.arange(n)
        picked = picked[np.lexsort((picked, -coarse[picked]))]
        picked = picked[coarse[picked] > -np.inf]
        if not len(picked):
            return [], cut
        scores = self._scores(features, [self._stories[int(i)] for i in picked])
        order = np.argsort(-scores, kind="stable")  # equal scores: in shortlist order
        best = [int(picked[j]) for j in order[:MAX_CANDIDATES] if scores[j] >= CANDIDATE_FLOOR]
        return best, cut

    def _regroup(self, features: DocFeatures, candidates: list[int], cut: float) -> None:
        """Group the candidate stories' reports and the new one afresh at
        ``cut`` (see the class docs)."""
        # Stories in order of creation, each one's reports in order of arrival,
        # the new report last: the order ties and new ids follow.
        stories = sorted(candidates)
        wanted = [m for i in stories for m in self._stories[i].members[-REGROUP_MEMBERS:]]
        held = self._held(wanted)
        local = [held[m] for m in wanted if m in held] + [features]
        sim = grouping_similarity(
            local, weights=self.weights, max_gap_days=self.max_gap_days, idf=self._idf,
            neighbourhood=self.neighbourhood,
        )
        labels = _average_link(sim, cut)
        # 1. Each old story, oldest first, claims the group holding most of its
        #    reports here (ties: the group its earliest report here is in).
        owner: dict[int, int] = {}
        for i in stories:
            sid = self._stories[i].id
            mine = [pos for pos, f in enumerate(local[:-1]) if self._story_of[f.article_id] == sid]
            counts: dict[int, int] = {}
            earliest: dict[int, int] = {}
            for pos in mine:
                label = int(labels[pos])
                counts[label] = counts.get(label, 0) + 1
                earliest.setdefault(label, pos)
            if counts:
                best = max(counts, key=lambda lab: (counts[lab], -earliest[lab]))
                owner.setdefault(best, i)
        # 2. A group no old story claimed is a new story (-label until its
        #    first report goes in, which names it).
        targets = [owner.get(int(label), -int(label)) for label in labels]
        targets = self._settle(sim, targets, local, cut)
        # 3. Move what changed; a story left empty is retired into the one that
        #    took most of its reports.
        started: dict[int, int] = {}
        went: dict[int, dict[int, int]] = {}
        for pos, f in enumerate(local):
            target = targets[pos]
            if target < 0:
                if target not in started:
                    started[target] = self._new_story(
                        self._fresh_id(f.article_id), len(features.vector)
                    )
                target = started[target]
            old = self._story_of.get(f.article_id)
            if old is not None:
                dests = went.setdefault(self._index[old], {})
                dests[target] = dests.get(target, 0) + 1
            self._place(f, target)
        for src, dests in went.items():
            if not self._stories[src].count:
                into = max(dests, key=lambda t: (dests[t], -t))
                self._retire(src, self._stories[into].id)

    def _settle(
        self, sim: np.ndarray, targets: list[int], local: list[DocFeatures], cut: float
    ) -> list[int]:
        """Keep a placed report where it is unless the move is clear.

        ``targets``: per report of ``local``, the index of the story the
        grouping puts it in (negative: a story still to start).

        A report the regrouping would move goes only if its mean grouping
        similarity to the reports of its new story beats that to the reports
        staying in its old one by ``move_margin`` (alone in its new story, it
        goes when the stayers fall below the cut by that much): borderline
        reports then stop flipping between two stories as reports arrive.
        """
        out = np.asarray(targets)
        positions = np.arange(len(local))
        for pos, f in enumerate(local):
            old = self._story_of.get(f.article_id)
            if old is None or self._index[old] == out[pos]:
                continue
            current = self._index[old]
            others = positions != pos
            stay = others & (out == current)
            if not stay.any():
                continue
            go = others & (out == out[pos])
            move_score = float(sim[pos, go].mean()) if go.any() else cut
            if move_score < float(sim[pos, stay].mean()) + self.move_margin:
                out[pos] = current
        return [int(t) for t in out]

    def _retire(self, i: int, into: str) -> None:
        story = self._stories[i]
        del self._index[story.id]
        self._retired[story.id] = into
        self._retired_now[story.id] = into
        # Stories retired earlier into this one now lead to where it went.
        for old, new in self._retired.items():
            if new == story.id:
                self._retired[old] = into
                self._retired_now[old] = into
        self._dirty.discard(i)
        self._update_row(i)

    # -- features of the reports held in stories

    def _hold(self, features: DocFeatures) -> None:
        self._features[features.article_id] = features
        self._features.move_to_end(features.article_id)
        if self._loader is not None:
            while len(self._features) > self._cache_size:
                self._features.popitem(last=False)

    def _held(self, ids: Sequence[str]) -> dict[str, DocFeatures]:
        """Features of ``ids``: those in memory, the rest from the loader."""
        out = {}
        missing = []
        for aid in ids:
            f = self._features.get(aid)
            if f is None:
                missing.append(aid)
            else:
                out[aid] = f
        if missing and self._loader is not None:
            for aid, f in self._loader(missing).items():
                out[aid] = f
        for f in out.values():
            self._hold(f)
        return out

    # -- scoring

    def score(self, features: DocFeatures, story: StoryState) -> float:
        """Similarity of a report to a story's centroid (no time window
        applied), with the idf of the reports seen so far."""
        return float(self._scores(features, [story])[0])

    def _scores(self, features: DocFeatures, stories: Sequence[StoryState]) -> np.ndarray:
        """``score`` of one report against several stories, a part at a time.

        The same cosines as ``pair_similarity``, with arrays: the report's
        weights sit in a scratch row indexed by key column, and each story's
        keys and weights are arrays kept until the story changes.
        """
        m = len(stories)
        vector = features.vector.astype(np.float64)
        vnorms = np.array([s._norms["vector"] for s in stories])
        sums = np.array([s.vector_sum for s in stories]).reshape(m, -1)
        cos = np.divide(sums @ vector, vnorms, out=np.zeros(m), where=vnorms > 0)
        num = self.weights["vector"] * cos
        den = np.full(m, self.weights["vector"])
        idf_base = math.log(1 + self._idf.docs)
        for name in _SPARSE_PARTS:
            weight = self.weights[name]
            doc = getattr(features, name)
            optional = name in _OPTIONAL_PARTS
            if not weight or (optional and not doc):
                continue
            cols = self._columns_of(doc)
            values = np.fromiter(doc.values(), dtype=np.float64, count=len(doc))
            use_idf = name in IDF_PARTS
            if use_idf:
                values = values * (idf_base - np.log1p(self._df[cols]) + 1.0)
            dn = float(np.sqrt(values @ values))
            weight *= _evidence(name, len(doc))
            self._scratch[cols] = values
            part = np.zeros(m)
            present = np.ones(m, dtype=bool)
            for j, story in enumerate(stories):
                keys, w = self._arrays_of(story, name)
                if not len(keys):
                    present[j] = not optional
                    continue
                if use_idf:
                    w = w * (idf_base - np.log1p(self._df[keys]) + 1.0)
                on = float(np.sqrt(w @ w))
                if dn and on:
                    part[j] = float(w @ self._scratch[keys]) / (dn * on)
            self._scratch[cols] = 0.0
            num += weight * part * present
            den += weight * present
        return num / den

    def _columns_of(self, weights: Mapping[str, float]) -> np.ndarray:
        """Columns of the keys of ``weights`` (new keys get new columns)."""
        out = np.empty(len(weights), dtype=np.int64)
        for i, key in enumerate(weights):
            col = self._columns.get(key)
            if col is None:
                col = self._columns[key] = len(self._columns)
            out[i] = col
        if len(self._columns) > len(self._df):
            grow = max(1024, len(self._columns) * 2)
            self._df = np.concatenate([self._df, np.zeros(grow - len(self._df))])
            self._scratch = np.zeros(grow)
        return out

    def _arrays_of(self, story: StoryState, name: str) -> tuple[np.ndarray, np.ndarray]:
        got = story._arrays.get(name)
        if got is None:
            weights = getattr(story, name)
            got = story._arrays[name] = (
                self._columns_of(weights),
                np.fromiter(weights.values(), dtype=np.float64, count=len(weights)),
            )
        return got

    def _count(self, features: DocFeatures) -> None:
        """Add a report to the document frequencies (dict and columns)."""
        self._idf.add(features)
        for name in IDF_PARTS:
            keys = getattr(features, name)
            if keys:
                cols = self._columns_of(keys)  # may grow self._df: index after
                self._df[cols] += 1

    @classmethod
    def from_assignment(
        cls,
        features: Iterable[DocFeatures],
        assignment: Mapping[str, str],
        *,
        retired: Mapping[str, str] | None = None,
        **params: Any,
    ) -> OnlineClusterer:
        """A clusterer whose stories are the given grouping (e.g. from ``recluster``).

        Stories are created in the order their first report appears in
        ``features``; reports missing from ``assignment`` are placed by
        ``add`` as usual. ``retired``: story ids that ended (never reused).
        """
        clusterer = cls(**params)
        clusterer._retired = dict(retired or {})
        for f in features:
            clusterer.add(f, story_id=assignment.get(f.article_id))
        return clusterer

    def _update_row(self, i: int) -> None:
        """Refresh story ``i``'s row of the unit-centroid matrix and its date span."""
        story = self._stories[i]
        if i >= len(self._matrix):
            grow = max(16, len(self._matrix))
            dim = len(story.vector_sum)
            if self._matrix.shape[1] != dim:
                self._matrix = np.zeros((0, dim))
            self._matrix = np.vstack([self._matrix, np.zeros((grow, dim))])
            self._span = np.vstack([self._span, np.full((grow, 2), np.nan)])
            self._live = np.concatenate([self._live, np.full(grow, -np.inf)])
        norm = story._norms["vector"]
        self._matrix[i] = story.vector_sum / norm if norm else story.vector_sum
        self._span[i] = [
            story.first.toordinal() if story.first else np.nan,
            story.last.toordinal() if story.last else np.nan,
        ]
        self._live[i] = 0.0 if story.count else -np.inf

    # -- state

    def params(self) -> dict[str, Any]:
        """The settings, as ``OnlineClusterer(**params)`` takes them."""
        return {
            "threshold": self.threshold,
            "max_gap_days": self.max_gap_days,
            "weights": dict(self.weights),
            "shortlist": self.shortlist,
            "neighbourhood": dataclasses.asdict(self.neighbourhood),
            "crowding": dataclasses.asdict(self.crowding),
            "move_margin": self.move_margin,
        }

    def header(self) -> dict[str, Any]:
        """The small part of the state: version, settings and the report count."""
        return {"version": STATE_VERSION, "params": self.params(), "docs": self._idf.docs}

    def take_changes(self) -> Changes:
        """What changed since the last call (see ``Changes``)."""
        live = sorted(i for i in self._dirty if self._stories[i].count)
        changes = Changes(
            header=self.header(),
            stories=[self._stories[i].to_dict() for i in live],
            df=self._idf.added,
            assigned=self._assigned,
            created=[s for s in self._created if self.size(s)],
            retired=self._retired_now,
        )
        self._dirty = set()
        self._idf.added = {}
        self._assigned = {}
        self._created = []
        self._retired_now = {}
        return changes

    def to_dict(self) -> dict[str, Any]:
        """The whole state as JSON-ready data (see ``from_dict``)."""
        return {
            **self.header(),
            "stories": [s.to_dict() for s in self.stories],
            "df": dict(self._idf.df),
            "retired": dict(self._retired),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], **overrides: Any) -> OnlineClusterer:
        """Resume from ``to_dict()`` output; ``overrides`` replace stored params
        (or give a ``loader``).

        Raises:
            StoreError: the state was written by an incompatible version.
        """
        return cls.from_parts(
            data, data.get("stories", []), data.get("df", {}), data.get("retired", {}), **overrides
        )

    @classmethod
    def from_parts(
        cls,
        header: Mapping[str, Any],
        stories: Iterable[Mapping[str, Any]],
        df: Mapping[str, int],
        retired: Mapping[str, str] | None = None,
        **overrides: Any,
    ) -> OnlineClusterer:
        """Resume from a ``header()``, the stories' dicts, the document
        frequencies and the retired story ids.

        Raises:
            StoreError: the state was written by an incompatible version.
        """
        version = header.get("version")
        if version != STATE_VERSION:
            raise StoreError(
                f"story clustering state has version {version!r}, this newsweave reads "
                f"version {STATE_VERSION}; rebuild the stories with `newsweave recluster`."
            )
        params = {**header.get("params", {}), **overrides}
        clusterer = cls(**params)
        clusterer._idf = _Idf(dict(df), int(header.get("docs", 0)))
        clusterer._retired = dict(retired or {})
        if df:
            cols = clusterer._columns_of(df)
            clusterer._df[cols] = np.fromiter(df.values(), dtype=np.float64, count=len(df))
        for raw in stories:
            story = StoryState.from_dict(raw)
            i = len(clusterer._stories)
            clusterer._stories.append(story)
            clusterer._index[story.id] = i
            for member in story.members:
                clusterer._story_of[member] = story.id
            clusterer._update_row(i)
        return clusterer


# --------------------------------------------------------------------------- batch


def similarity_matrix(
    features: Sequence[DocFeatures],
    *,
    weights: Mapping[str, float] | None = None,
    max_gap_days: int = MAX_GAP_DAYS,
    idf: _Idf | None = None,
) -> np.ndarray:
    """Report-to-report similarities; pairs too far apart in time get ``-inf``.

    Dense ``n x n``, for groups of reports (a regrouping, ``recluster``), not
    for a whole large store (``RECLUSTER_MAX_REPORTS``). ``idf``: the document
    frequencies to weigh keys with (default: those of ``features`` themselves).
    """
    from scipy import sparse

    w = _check_weights(weights)
    n = len(features)
    if not n:
        return np.zeros((0, 0))
    vectors = np.stack([f.vector.astype(np.float64) for f in features])
    num = w["vector"] * (vectors @ vectors.T)
    den = np.full((n, n), w["vector"])
    if idf is None:
        idf = _Idf()
        for f in features:
            idf.add(f)
    for name in _SPARSE_PARTS:
        weight = w[name]
        if not weight:
            continue
        vocab: dict[str, int] = {}
        rows, cols, vals = [], [], []
        for row, f in enumerate(features):
            for k, v in getattr(f, name).items():
                rows.append(row)
                cols.append(vocab.setdefault(k, len(vocab)))
                vals.append(v * idf(k) if name in IDF_PARTS else v)
        matrix = sparse.csr_matrix((vals, (rows, cols)), shape=(n, max(len(vocab), 1)))
        norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
        has = norms > 0
        matrix = sparse.diags(1.0 / np.where(has, norms, 1.0)) @ matrix
        cos = (matrix @ matrix.T).toarray()
        # Symmetric: a pair's part keeps the evidence of the report with fewer keys.
        kept = np.array([_evidence(name, len(getattr(f, name))) for f in features])
        pair_weight = weight * np.minimum(kept[:, None], kept[None, :])
        if name in _OPTIONAL_PARTS:
            pair_weight = pair_weight * np.outer(has, has)
        num += pair_weight * cos
        den += pair_weight
    sim = num / den
    days = np.array([f.published.toordinal() if f.published else np.nan for f in features])
    sim[_too_far(days[None, :], days[None, :], days[:, None], max_gap_days)] = -np.inf
    return sim


def neighbourhood_similarity(
    sim: np.ndarray, neighbourhood: Neighbourhood = Neighbourhood()
) -> np.ndarray:
    """Second-order similarity: how much two reports' neighbourhoods overlap.

    Each report's row keeps its similarities to its neighbourhood (see
    ``NEIGHBOUR_FLOOR``: itself and its closest reports) and zeros elsewhere;
    the result is the cosine of two rows. Reports of one event have the same
    close neighbours, while a report of another event of the same topic is
    close to them only as a topic is, and its own neighbours are elsewhere.
    """
    from scipy import sparse

    n = len(sim)
    if not n:
        return np.zeros((0, 0))
    nb = neighbourhood
    near = np.where(np.isfinite(sim), sim, 0.0)
    np.fill_diagonal(near, -np.inf)
    best = near.max(axis=1) if n > 1 else np.zeros(1)
    np.fill_diagonal(near, 1.0)
    bar = np.maximum(nb.floor, best - nb.margin)
    counts = np.clip((near >= bar[:, None]).sum(axis=1), nb.least, nb.most)
    # Each row's ``most`` closest, best first (ties: lower index first), of
    # which the first ``counts`` are its neighbourhood.
    most = min(nb.most, n)
    top = np.argpartition(-near, most - 1, axis=1)[:, :most] if most < n else (
        np.tile(np.arange(n), (n, 1))
    )
    values = np.take_along_axis(near, top, axis=1)
    order = np.lexsort((top, -values), axis=1)
    top = np.take_along_axis(top, order, axis=1)
    values = np.maximum(np.take_along_axis(values, order, axis=1), 0.0)
    values[np.arange(most)[None, :] >= counts[:, None]] = 0.0
    values /= np.linalg.norm(values, axis=1, keepdims=True)
    rows = sparse.csr_matrix(
        (values.ravel(), top.ravel(), np.arange(0, n * most + 1, most)), shape=(n, n)
    )
    return (rows @ rows.T).toarray()


def grouping_similarity(
    features: Sequence[DocFeatures],
    *,
    weights: Mapping[str, float] | None = None,
    max_gap_days: int = MAX_GAP_DAYS,
    idf: _Idf | None = None,
    neighbourhood: Neighbourhood = Neighbourhood(),
) -> np.ndarray:
    """What stories are cut by: the pair similarity mixed with the second-order one.

    ``(1 - weight) * similarity_matrix + weight * neighbourhood_similarity``
    (``Neighbourhood.weight``); pairs too far apart in time stay ``-inf``.
    """
    sim = similarity_matrix(features, weights=weights, max_gap_days=max_gap_days, idf=idf)
    return mix_second_order(sim, neighbourhood)


def mix_second_order(sim: np.ndarray, neighbourhood: Neighbourhood = Neighbourhood()) -> np.ndarray:
    """``sim`` mixed, in place, with its ``neighbourhood_similarity`` by
    ``Neighbourhood.weight`` (pairs at ``-inf``, too far apart, stay so)."""
    second = neighbourhood_similarity(sim, neighbourhood)
    w = neighbourhood.weight
    far = np.isneginf(sim)
    sim[far] = 0.0
    sim *= 1.0 - w  # in place: at 10,000 reports each matrix is 0.8 GB
    second *= w
    sim += second
    sim[far] = -np.inf
    return sim


def _average_link(sim: np.ndarray, threshold: float) -> np.ndarray:
    """Group labels from average linkage of ``sim`` cut at ``threshold``."""
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    n = len(sim)
    if n < 2:
        return np.ones(n, dtype=np.int64)
    # A pair too far apart in time gets a distance no average of real ones
    # can bring back under the cut: groups holding one never merge.
    dist = np.where(np.isfinite(sim), 1.0 - sim, 1e12)
    np.fill_diagonal(dist, 0.0)
    tree = linkage(squareform(np.maximum(dist, 0.0), checks=False), method="average")
    return fcluster(tree, t=1.0 - threshold, criterion="distance")


def _raise_crowded(
    sim: np.ndarray,
    feats: Sequence[DocFeatures],
    labels: np.ndarray,
    crowding: Crowding,
    max_gap_days: int,
    chunk: int = 1024,
) -> None:
    """Lower ``sim`` in place by each pair's rise of the cut: ``crowding.rise``
    of the mean crowding of its two reports.

    A report's crowding is measured as the online clusterer measures a new
    report's (``Crowding.of`` over its embedding cosines to the stories in
    its window), against the stories of a first grouping (``labels``), its
    own among them. With no arrival order, the rise is per pair, where the
    online clusterer raises the cut of a whole regrouping by the crowding of
    the report that came."""
    vectors = np.stack([f.vector.astype(np.float64) for f in feats])
    index = np.unique(labels, return_inverse=True)[1]
    centroids = np.zeros((int(index.max()) + 1, vectors.shape[1]))
    np.add.at(centroids, index, vectors)
    centroids /= np.maximum(np.linalg.norm(centroids, axis=1, keepdims=True), 1e-12)
    # Each story's date span (NaN: no dated report), as the online clusterer keeps it.
    days = np.array([f.published.toordinal() if f.published else np.nan for f in feats])
    first = np.full(len(centroids), np.inf)
    last = np.full(len(centroids), -np.inf)
    dated = ~np.isnan(days)
    np.minimum.at(first, index[dated], days[dated])
    np.maximum.at(last, index[dated], days[dated])
    first[np.isinf(first)] = last[np.isinf(last)] = np.nan
    crowd = np.zeros(len(feats))
    for lo in range(0, len(feats), chunk):
        scores = vectors[lo : lo + chunk] @ centroids.T
        far = _too_far(first[None, :], last[None, :], days[lo : lo + chunk, None], max_gap_days)
        scores[far] = -np.inf
        crowd[lo : lo + chunk] = [crowding.of(row) for row in scores]
    for lo in range(0, len(feats), chunk):
        block = sim[lo : lo + chunk]
        block -= crowding.rise((crowd[lo : lo + chunk, None] + crowd[None, :]) / 2)


#: Above this many reports ``recluster`` re-runs the online clusterer over
#: the reports in date order instead of average linkage: the grouping holds a
#: few dense ``n x n`` matrices at once (the pair and the second-order
#: similarity, the distances), 0.8 GB each at 10,000 reports.
RECLUSTER_MAX_REPORTS = 10_000


def recluster(
    features_list: Sequence[DocFeatures],
    *,
    threshold: float = GROUP_THRESHOLD,
    weights: Mapping[str, float] | None = None,
    max_gap_days: int = MAX_GAP_DAYS,
    neighbourhood: Neighbourhood = Neighbourhood(),
    crowding: Crowding = Crowding(),
) -> dict[str, str]:
    """Group reports into stories all at once (average linkage of ``grouping_similarity``).

    Two groups merge while the mean similarity of their reports' pairs is at
    or above ``threshold``, raised where stories crowd (``Crowding``): a
    first grouping at ``threshold`` gives the stories each report's crowding
    is measured against, and a pair's cut rises with the mean crowding of
    its two reports (online, a whole regrouping's cut rises with the
    crowding of the report that came). So average linkage runs twice. A pair
    too far apart in time forbids the merge.
    The result does not depend on input order: reports are sorted by id first,
    and a story's id is ``"s"`` + the id of its earliest report (by date, then
    by id), the same scheme ``OnlineClusterer`` uses for its first report.
    Beyond ``RECLUSTER_MAX_REPORTS`` reports the online clusterer places them
    in order of date, then id.

    Returns:
        article id -> story id.
    """
    far = dt.date.max
    feats = sorted(features_list, key=lambda f: f.article_id)
    n = len(feats)
    if n > RECLUSTER_MAX_REPORTS:
        online = OnlineClusterer(
            threshold=threshold, weights=weights, max_gap_days=max_gap_days,
            neighbourhood=neighbourhood, crowding=crowding,
        )
        online.add_many(sorted(feats, key=lambda f: (f.published or far, f.article_id)))
        return online.assignments()
    if n < 2:
        return {f.article_id: "s" + f.article_id for f in feats}
    sim = grouping_similarity(
        feats, weights=weights, max_gap_days=max_gap_days, neighbourhood=neighbourhood
    )
    labels = _average_link(sim, threshold)
    if crowding.weight:
        _raise_crowded(sim, feats, labels, crowding, max_gap_days)
        labels = _average_link(sim, threshold)
    groups: dict[int, list[int]] = {}
    for i, label in enumerate(labels):
        groups.setdefault(int(label), []).append(i)
    out: dict[str, str] = {}
    for members in groups.values():
        first = min(members, key=lambda m: (feats[m].published or far, feats[m].article_id))
        sid = "s" + feats[first].article_id
        for m in members:
            out[feats[m].article_id] = sid
    return out


__all__ = [
    "Changes",
    "Crowding",
    "DocFeatures",
    "Neighbourhood",
    "OnlineClusterer",
    "StoryState",
    "features_batch",
    "features_of",
    "grouping_similarity",
    "mix_second_order",
    "neighbourhood_similarity",
    "pair_similarity",
    "recluster",
    "similarity_matrix",
]
