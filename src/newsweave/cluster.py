"""Stories: each new report joins the story it belongs to, or starts one.

A pure stage: it turns ``DocFeatures`` into story ids and keeps its state in a
plain dict (``to_dict``/``from_dict``) that the caller stores, so several
ingesting processes can share it.

A report's similarity to a story blends

1. the cosine of its document vector with the story's centroid (what it is
   about), and
2. the weighted overlap of the people, organisations and places it names with
   the story's (who and where: what tells two earthquakes apart),

and a story whose latest report is more than ``STORY_WINDOW_DAYS`` older than
the new one is not a candidate (the same topic weeks later is a new story).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .model import AnalyzedArticle
from .nlp.entities import EntityLinker

#: Weight of the document-vector cosine in the similarity; the rest is the
#: entity overlap. Chosen on the hand-written test stories, where same-topic
#: different-event pairs share wording but not names.
VECTOR_WEIGHT = 0.6
#: Similarity above which a report joins a story.
JOIN_THRESHOLD = 0.5
#: Reports this many days apart are different stories, whatever they share.
STORY_WINDOW_DAYS = 14
#: Sentences at the top of a report that stand for it (with its title).
LEAD_SENTENCES = 5
#: Extra weight of entities named in the lead.
LEAD_ENTITY_WEIGHT = 2.0
_ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "EVENT", "NORP"})


@dataclass(slots=True)
class DocFeatures:
    article_id: str
    vector: np.ndarray  # unit norm
    entities: dict[str, float] = field(default_factory=dict)
    published: str | None = None


def features_of(
    analyzed: AnalyzedArticle, embedder: Any, *, vector: np.ndarray | None = None
) -> DocFeatures:
    """What the clusterer needs of one analysed report.

    Args:
        vector: a document vector computed before (from the store); when
            ``None`` the title and lead sentences are embedded.
    """
    art = analyzed.article
    if vector is None:
        texts = [s.text for s in analyzed.sentences[:LEAD_SENTENCES]]
        if art.title:
            texts.insert(0, art.title)
        if not texts:
            texts = [art.text[:500] or " "]
        mat = embedder.encode(texts)
        v = mat.mean(axis=0)
        norm = float(np.linalg.norm(v))
        vector = v / norm if norm else v
    mentions = [m for m in analyzed.entities if m.label in _ENTITY_LABELS]
    copies = [type(m)(**{f: getattr(m, f) for f in m.__slots__}) for m in mentions]
    EntityLinker().link({art.id: copies})
    lead_end = analyzed.sentences[min(LEAD_SENTENCES, len(analyzed.sentences)) - 1].end \
        if analyzed.sentences else 0
    weights: Counter[str] = Counter()
    for m in copies:
        weights[m.key] += LEAD_ENTITY_WEIGHT if m.start < lead_end else 1.0
    return DocFeatures(
        article_id=art.id,
        vector=np.asarray(vector, dtype=np.float32),
        entities=dict(weights),
        published=art.published,
    )


def _entity_overlap(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """Weighted Jaccard of two entity weight maps."""
    if not a or not b:
        return 0.0
    keys = set(a) | set(b)
    inter = sum(min(a.get(k, 0.0), b.get(k, 0.0)) for k in keys)
    union = sum(max(a.get(k, 0.0), b.get(k, 0.0)) for k in keys)
    return inter / union if union else 0.0


def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


@dataclass(slots=True)
class _Story:
    id: str
    vector_sum: np.ndarray
    count: int
    entities: Counter
    first: str | None
    last: str | None

    def similarity(self, f: DocFeatures) -> float:
        centroid = self.vector_sum / max(np.linalg.norm(self.vector_sum), 1e-9)
        cos = float(centroid @ f.vector)
        scaled = {k: v / self.count for k, v in self.entities.items()}
        return VECTOR_WEIGHT * cos + (1 - VECTOR_WEIGHT) * _entity_overlap(scaled, f.entities)

    def in_window(self, f: DocFeatures) -> bool:
        new = _date(f.published)
        if new is None:
            return True
        lo, hi = _date(self.first), _date(self.last)
        if lo is None or hi is None:
            return True
        return (lo - dt.timedelta(days=STORY_WINDOW_DAYS)) <= new <= (
            hi + dt.timedelta(days=STORY_WINDOW_DAYS)
        )

    def absorb(self, f: DocFeatures) -> None:
        self.vector_sum = self.vector_sum + f.vector
        self.count += 1
        self.entities.update(f.entities)
        if f.published:
            self.first = min(filter(None, [self.first, f.published]))
            self.last = max(filter(None, [self.last, f.published]))


class OnlineClusterer:
    """Places reports into stories one at a time; story ids never change.

    A story's id is ``"s"`` followed by the id of the report that started it.
    """

    def __init__(self, threshold: float = JOIN_THRESHOLD) -> None:
        self.threshold = threshold
        self._stories: dict[str, _Story] = {}

    def __len__(self) -> int:
        return len(self._stories)

    def size(self, story_id: str) -> int:
        return self._stories[story_id].count

    def best(self, f: DocFeatures) -> tuple[str | None, float]:
        best_id, best_sim = None, -1.0
        for story in self._stories.values():
            if not story.in_window(f):
                continue
            sim = story.similarity(f)
            if sim > best_sim or sim == best_sim and best_id is not None and story.id < best_id:
                best_id, best_sim = story.id, sim
        return best_id, best_sim

    def add(self, f: DocFeatures, *, story_id: str | None = None) -> str:
        """Place a report; ``story_id`` forces the story (a copy joins its original's)."""
        if story_id is None:
            best_id, sim = self.best(f)
            story_id = best_id if best_id is not None and sim >= self.threshold else None
        if story_id is None:
            story_id = "s" + f.article_id
        story = self._stories.get(story_id)
        if story is None:
            story = self._stories[story_id] = _Story(
                id=story_id, vector_sum=np.zeros_like(f.vector), count=0,
                entities=Counter(), first=f.published, last=f.published,
            )
        story.absorb(f)
        return story_id

    def to_dict(self) -> dict[str, Any]:
        return {
            "threshold": self.threshold,
            "stories": [
                {
                    "id": s.id,
                    "vector_sum": s.vector_sum.astype(float).tolist(),
                    "count": s.count,
                    "entities": dict(s.entities),
                    "first": s.first,
                    "last": s.last,
                }
                for s in self._stories.values()
            ],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> OnlineClusterer:
        out = cls(threshold=float(data.get("threshold", JOIN_THRESHOLD)))
        for s in data.get("stories", []):
            out._stories[s["id"]] = _Story(
                id=s["id"],
                vector_sum=np.asarray(s["vector_sum"], dtype=np.float32),
                count=int(s["count"]),
                entities=Counter(s["entities"]),
                first=s.get("first"),
                last=s.get("last"),
            )
        return out

    @classmethod
    def from_assignment(
        cls, features: Sequence[DocFeatures], assignment: Mapping[str, str]
    ) -> OnlineClusterer:
        """The state that placing ``features`` as ``assignment`` says would leave."""
        out = cls()
        for f in features:
            out.add(f, story_id=assignment[f.article_id])
        return out


def recluster(features: Sequence[DocFeatures], threshold: float = JOIN_THRESHOLD) -> dict[str, str]:
    """Batch clustering for re-tuning: deterministic and independent of input order.

    Reports are placed in order of (published, id) with the online rule, so a
    batch run and an online run over the same stream agree.
    """
    ordered = sorted(features, key=lambda f: (f.published or "", f.article_id))
    clusterer = OnlineClusterer(threshold)
    return {f.article_id: clusterer.add(f) for f in ordered}
