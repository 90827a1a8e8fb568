"""The library: reports kept in a store and grouped into stories as they arrive.

``Library(store, engine).ingest(inputs)`` runs, per batch of new reports:

1. read every input (files, folders, JSONL, WARC, URLs, feeds); failures are
   recorded in the store with their reason;
2. skip reports already stored (ids derive from URL and text);
3. analyse the new ones (outside any transaction: it is the slow part);
4. in one transaction: store them with their analysis, document vectors and
   MinHash signatures, mark copies of stored reports, place each report in a
   story, and save what the batch changed in the clusterer's state (the
   stories it touched and the document-frequency increments, not the whole
   state: the cost of a batch does not grow with the store).

A batch is all or nothing, so a killed ingest leaves the store consistent and
running it again completes it. Step 3 may run elsewhere (``ingest_articles(analyse=...)``:
``newsweave.distributed`` runs it on Ray actors); steps 1-2 and 4 stay here, one
batch after another, in input order. The stages stay pure: this module is the one
place that moves records between them and the store.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .cluster import Changes, DocFeatures, OnlineClusterer, features_batch, recluster
from .dedup import CopyIndex, independent_sources, minhash_signature
from .engine import Engine
from .errors import ConfigError, NewsweaveError, StoreError
from .ingest import read_inputs
from .model import AnalyzedArticle, Article, Comparison, InputFailure
from .nlp.furniture import LINK
from .store import Store, StorySummary

log = logging.getLogger(__name__)

#: A report on its way in: the article, its analysis and its features when known.
_Item = tuple[Article, AnalyzedArticle | None, DocFeatures | None]

#: A report ready to store: its analysis, features and MinHash signature (and size).
_Ready = tuple[Article, AnalyzedArticle, DocFeatures, tuple[np.ndarray, int]]
#: Turns the reports an ingest must analyse into batches ready to store, in order.
Analyse = Callable[[Sequence[_Item]], Iterable[Sequence[_Ready]]]

#: Words of an untitled report's opening that make its story's title, and the fewest a
#: line of it must have to be that opening (a lone date or link is not).
TITLE_WORDS = 12
TITLE_LINE_WORDS = 3

#: Bump when the analysis output changes: stored analyses of another version
#: are recomputed when a story is compared.
ANALYSIS_VERSION = "12"
#: Reports analysed and written per transaction.
BATCH_SIZE = 32
#: State key of the clusterer's header (settings, report count); the stories'
#: states live in their rows and the document frequencies in their own table.
_CLUSTER_STATE = "story_clusterer"
#: Where an early version kept the whole clusterer state in one document.
_LEGACY_CLUSTER_STATE = "clusterer"
#: ``Library._stamp`` before the library has read the store's state.
_UNREAD = "unread"
_DOC_VECTORS = "doc"
_MINHASH = "minhash"


@dataclass(slots=True)
class IngestReport:
    """What an ingest changed."""

    added: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)
    failures: list[InputFailure] = field(default_factory=list)
    copies: dict[str, str] = field(default_factory=dict)
    new_stories: list[str] = field(default_factory=list)
    updated_stories: list[str] = field(default_factory=list)
    #: Reports stored before this ingest that moved to another story -> that story.
    moved: dict[str, str] = field(default_factory=dict)
    #: Stories that ended (their reports regrouped) -> the story they lead to.
    merged: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "existing": self.existing,
            "failures": [f.to_dict() for f in self.failures],
            "copies": self.copies,
            "new_stories": self.new_stories,
            "updated_stories": self.updated_stories,
            "moved": self.moved,
            "merged": self.merged,
        }


class Library:
    """A store of reports and the engine that analyses and groups them."""

    def __init__(
        self, store: Store, engine: Engine | None = None, *, batch_size: int = BATCH_SIZE
    ) -> None:
        self.store = store
        self.batch_size = batch_size
        self.engine = engine or Engine.shared(_default_options())
        self._copies: CopyIndex | None = None
        self._clusterer: OnlineClusterer | None = None
        # The stamp of the clusterer state the in-memory copy index and clusterer
        # stand for: every batch writes a new one, so a batch that finds another
        # stamp under the write lock knows another writer (a process, the web
        # app) placed reports since, and reloads before it places its own.
        self._stamp: str | None = _UNREAD

    # -- state loaded lazily from the store -------------------------------------------------

    @property
    def copy_index(self) -> CopyIndex:
        if self._copies is None:
            index = CopyIndex()
            for article_id, packed in self.store.get_vectors(_MINHASH).items():
                index.add(article_id, packed[:-1], int(packed[-1]))
            self._copies = index
        return self._copies

    @property
    def clusterer(self) -> OnlineClusterer:
        if self._clusterer is None:
            header = self.store.get_state(_CLUSTER_STATE)
            if header:
                self._clusterer = OnlineClusterer.from_parts(
                    header,
                    self.store.story_states(),
                    self.store.cluster_df(),
                    self.store.story_redirects(),
                    loader=self._stored_features,
                )
            elif self.store.get_state(_LEGACY_CLUSTER_STATE):
                raise StoreError(
                    f"the stories in {self.store.path} were grouped by an older newsweave; "
                    "run `newsweave recluster` once to rebuild them, then ingest again"
                )
            else:
                self._clusterer = OnlineClusterer(loader=self._stored_features)
        return self._clusterer

    def _stored_features(self, ids: Sequence[str]) -> dict[str, DocFeatures]:
        """The clusterer's features of stored reports, from their analysis and vector.

        A report whose analysis is missing or of another version is left out
        (the clusterer then leaves it where it is).
        """
        found = [self.store.get_analysis(i, ANALYSIS_VERSION) for i in ids]
        return {f.article_id: f for f in self._features([an for an in found if an is not None])}

    def _features(self, analyzed: Sequence[AnalyzedArticle]) -> list[DocFeatures]:
        """Clusterer features of stored reports, with their stored document vectors
        (one embedder call for any report whose vector is missing)."""
        ids = [an.article.id for an in analyzed]
        vectors = self.store.get_vectors(_DOC_VECTORS, ids) if ids else {}
        return features_batch(analyzed, self.engine.embedder,
                              vectors=[vectors.get(i) for i in ids])

    def _forget_state(self) -> None:
        """Drop in-memory state after a failed transaction; it reloads from the store."""
        self._copies = None
        self._clusterer = None
        self._stamp = _UNREAD

    @contextlib.contextmanager
    def _forgetting_on_error(self) -> Iterator[None]:
        """Around a transaction: when it fails (in the block or at its commit) the
        store rolls back, so drop what the block changed in memory too."""
        try:
            yield
        except BaseException:
            self._forget_state()
            raise

    def _sync_state(self) -> None:
        """Inside a write transaction: drop in-memory state another writer made stale.

        Placement reads and writes the whole story state, so it must start from
        what is stored now, not from what this library loaded earlier: two
        writers that each kept their own copy would overwrite each other's
        stories, counts and copies.
        """
        header = self.store.get_state(_CLUSTER_STATE)
        stamp = header.get("stamp") if header else None
        if stamp != self._stamp:
            self._forget_state()
            self._stamp = stamp

    # -- ingest -----------------------------------------------------------------------------

    def ingest(
        self,
        inputs: Iterable[Any],
        *,
        meta: dict[str, Any] | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> IngestReport:
        """Read, analyse, store and place ``inputs`` into stories.

        Args:
            inputs: paths, URLs, feeds, WARC files, JSONL, Article records or dicts.
            meta: outlet/published/url/title applied to every file read.
            progress: called with (reports done, reports to do).
        """
        articles, failures = read_inputs(inputs, self.engine.options, meta=meta)
        return self.ingest_articles(articles, failures=failures, progress=progress)

    def ingest_articles(
        self,
        articles: Sequence[Article],
        *,
        failures: Sequence[InputFailure] = (),
        progress: Callable[[int, int], None] | None = None,
        analyse: Analyse | None = None,
    ) -> IngestReport:
        """Analyse, store and place ``articles`` (already read) into stories.

        Args:
            analyse: turns the reports to analyse into batches ready to store,
                in their order (``newsweave.distributed`` runs it on Ray
                actors); none: ``analyse_batch`` here, ``batch_size`` at a time.
                Batches are stored as they come, each in one transaction.
        """
        return self._ingest([(a, None, None) for a in articles], failures, progress, analyse)

    def ingest_analyzed(
        self,
        analyzed: Sequence[AnalyzedArticle],
        *,
        features: Sequence[DocFeatures] | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> IngestReport:
        """Store and place reports analysed elsewhere (``Analyzer.analyze`` output).

        Analysis is most of an ingest's cost: this runs everything else (ids,
        copies, stories, the store), for analyses made on another machine or
        kept from an earlier run. Their ``ANALYSIS_VERSION`` must be this one.

        Args:
            features: each report's ``DocFeatures`` if already computed (its
                ``article_id`` is replaced by the stored id); none: computed
                here with the engine's embedder.
        """
        given = list(features) if features is not None else [None] * len(analyzed)
        if len(given) != len(analyzed):
            raise ConfigError(f"{len(given)} features given for {len(analyzed)} reports")
        items = [(an.article, an, f) for an, f in zip(analyzed, given, strict=True)]
        return self._ingest(items, (), progress)

    def _ingest(
        self,
        items: Sequence[_Item],
        failures: Sequence[InputFailure],
        progress: Callable[[int, int], None] | None,
        analyse: Analyse | None = None,
    ) -> IngestReport:
        report, todo = self._plan(items, failures)
        done = 0
        for ready in (analyse or self._analyse_here)(todo):
            self._store_batch(ready, report)
            done += len(ready)
            if progress:
                progress(done, len(todo))
        self.store.clear_failures([a.url or a.path or "" for a, _, _ in items if a.url or a.path])
        return report

    def _plan(
        self, items: Sequence[_Item], failures: Sequence[InputFailure]
    ) -> tuple[IngestReport, list[_Item]]:
        """1.-2. Record the read failures, give each report its stored id, and keep
        the reports still to analyse: new ones, each once (the first of equal ids),
        and stored ones never placed in a story."""
        from .store import article_key

        report = IngestReport(failures=list(failures))
        for f in failures:
            self.store.record_failure(f.source, f.reason)
        unique: dict[str, _Item] = {}
        for a, an, feat in items:
            old_id, a.id = a.id, article_key(a.url, a.text)
            if an is not None and old_id != a.id:
                _rekey(an, old_id, a.id)
            if feat is not None:
                feat.article_id = a.id
            unique.setdefault(a.id, (a, an, feat))
        stored = self.store.existing_ids(list(unique))
        # Reports stored but never placed in a story (an older version of the
        # store) are placed now.
        unplaced = set(self.store.article_ids_without_story())
        report.existing = [i for i in unique if i in stored and i not in unplaced]
        todo = [item for i, item in unique.items() if i not in stored or i in unplaced]
        return report, todo

    def _analyse_here(self, todo: Sequence[_Item]) -> Iterator[list[_Ready]]:
        """3. Analysis in this process, one batch at a time (``analyse_batch``)."""
        for start in range(0, len(todo), self.batch_size):
            yield analyse_batch(self.engine, todo[start : start + self.batch_size])

    def _store_batch(self, ready: Sequence[_Ready], report: IngestReport) -> None:
        """4. One transaction for everything a batch changes."""
        batch = [a for a, _, _, _ in ready]
        analyzed = [an for _, an, _, _ in ready]
        features = [f for _, _, f, _ in ready]
        signatures = [sig for _, _, _, sig in ready]
        with self._forgetting_on_error(), self.store.atomic():
            self._write_batch(batch, analyzed, features, signatures, report)

    def _write_batch(
        self,
        batch: list[Article],
        analyzed: list[AnalyzedArticle],
        features: list[DocFeatures],
        signatures: list[tuple[np.ndarray, int]],
        report: IngestReport,
    ) -> None:
        store = self.store
        self._sync_state()
        # Another writer may have placed some of these since this ingest began.
        placed = store.placed_ids([a.id for a in batch])
        if placed:
            report.existing += [a.id for a in batch if a.id in placed]
            kept = [i for i, a in enumerate(batch) if a.id not in placed]
            batch, analyzed, features, signatures = (
                [seq[i] for i in kept] for seq in (batch, analyzed, features, signatures)
            )
        index = self.copy_index  # loaded before this batch's signatures are stored
        clusterer = self.clusterer
        for article_id, added in store.put_articles(batch):
            if added:
                report.added.append(article_id)
        store.put_vectors(_DOC_VECTORS, {f.article_id: f.vector for f in features})
        store.put_vectors(
            _MINHASH,
            {a.id: np.append(sig, np.uint32(size)) for a, (sig, size) in zip(batch, signatures,
                                                                              strict=True)},
        )
        for a, an, feat, (sig, size) in zip(batch, analyzed, features, signatures, strict=True):
            store.put_analysis(a.id, an, ANALYSIS_VERSION)
            original = self._original_of(a, sig, size)
            index.add(a.id, sig, size)
            if original:
                # A copy is not clustered (it would count twice in its story's
                # centroid): it goes, now and whenever its original moves, where
                # its original is.
                store.set_copy_of(a.id, original)
                report.copies[a.id] = original
            else:
                clusterer.add(feat)
        changes = self._save_changes(clusterer, {a.id: a for a in batch}, report.copies)
        added = {a.id for a in batch}
        for story_id in changes.created:
            if story_id not in report.new_stories:
                report.new_stories.append(story_id)
        touched = [s["id"] for s in changes.stories]
        touched += [store.get_article_story(c) for c in report.copies if c in added]
        for story_id in touched:
            if story_id and story_id not in report.new_stories + report.updated_stories:
                report.updated_stories.append(story_id)
        report.moved.update({k: v for k, v in changes.assigned.items() if k not in added})
        # The clusterer hands over retired ids with their chains already followed.
        report.merged.update(changes.retired)
        for gone in (report.new_stories, report.updated_stories):
            gone[:] = [s for s in gone if s not in changes.retired]

    def _save_changes(
        self,
        clusterer: OnlineClusterer,
        batch: Mapping[str, Article] | None = None,
        new_copies: Mapping[str, str] | None = None,
    ) -> Changes:
        """Write what the clusterer changed: new stories first, then the reports'
        stories (copies following their originals), retired stories and the
        clusterer's state. ``new_copies``: copies just stored -> their original."""
        changes = clusterer.take_changes()
        store = self.store
        for story in changes.stories:
            if story["id"] in changes.created:
                store.put_story(story["id"], self._story_title(story["members"][0], batch))
        for article_id, story_id in changes.assigned.items():
            store.assign_story(article_id, story_id)
        follow = {**store.copies_of(list(changes.assigned)), **(new_copies or {})}
        for copy_id, original in follow.items():
            story_id = store.get_article_story(original)
            if story_id is not None:
                store.assign_story(copy_id, story_id)
        store.retire_stories(changes.retired)
        store.put_story_states({s["id"]: s for s in changes.stories})
        store.add_cluster_df(changes.df)
        self._stamp = uuid.uuid4().hex
        store.put_state(_CLUSTER_STATE, {**changes.header, "stamp": self._stamp})
        return changes

    def _original_of(self, article: Article, sig: np.ndarray, size: int) -> str | None:
        """The stored report this one copies, if any (the earliest published wins)."""
        matches = [k for k, _ in self.copy_index.matches(sig, size) if k != article.id]
        if not matches:
            return None
        copies = self.store.copies(matches)
        originals = {copies.get(k, k) for k in matches} - {article.id}
        if not originals:
            return None
        candidates = self.store.articles(sorted(originals))
        best = min(candidates, key=_oldest_first)
        return best.id

    def _story_title(self, first_id: str, batch: Mapping[str, Article] | None) -> str:
        """A new story's title: its first report's title, or that report's opening words:
        those of its first line of a few words once links are left out (a page's address
        often comes first)."""
        article = (batch or {}).get(first_id) or self.store.get_article(first_id)
        if article.title:
            return article.title
        body = article.text[article.body_start :]
        for line in body.splitlines():
            words = [w for w in line.split() if not LINK.fullmatch(w)]
            if len(words) >= TITLE_LINE_WORDS:
                return " ".join(words[:TITLE_WORDS])
        words = [w for w in body.split() if not LINK.fullmatch(w)] or body.split()
        return " ".join(words[:TITLE_WORDS])

    # -- stories ----------------------------------------------------------------------------

    def analyses(self, articles: Sequence[Article]) -> list[AnalyzedArticle]:
        """Stored analyses of ``articles``, computing (and storing) missing ones."""
        out: dict[str, AnalyzedArticle] = {}
        missing = []
        for a in articles:
            got = self.store.get_analysis(a.id, ANALYSIS_VERSION)
            if got is None:
                missing.append(a)
            else:
                out[a.id] = got
        if missing:
            fresh = self.engine.analyzer.analyze(missing)
            with self.store.atomic():
                for an in fresh:
                    self.store.put_analysis(an.article.id, an, ANALYSIS_VERSION)
                    out[an.article.id] = an
        return [out[a.id] for a in articles]

    def story_articles(self, story_id: str) -> list[Article]:
        """A story's reports, oldest first (undated last, then by id).

        Raises:
            NotFound: no story has that id.
        """
        return sorted(self.store.story_articles(story_id), key=_oldest_first)

    def compare_story(self, story_id: str) -> Comparison:
        """The comparison and brief of one story's reports.

        Raises:
            NotFound: no story has that id.
        """
        return self.engine.compare_analyzed(self.analyses(self.story_articles(story_id)))

    def stories_dict(self, since: str | None = None) -> dict[str, Any]:
        """``stories --format json``: every stored article in exactly one story.

        Each story says how many independent sources it has (``independent_sources``:
        owners where the outlet registry knows them, else outlets, else reports; a copy
        counts as its original), and each article its outlet's name, id and owner.
        """
        copies = self.store.copies()
        out = []
        for story in self.store.stories(since=since):
            arts = self.store.articles(story.article_ids)
            sources = independent_sources(arts, copies)
            out.append(
                {
                    "id": story.id,
                    "title": story.title,
                    "independent_sources": len(set(sources.values())),
                    "articles": [
                        {
                            "id": a.id,
                            "url": a.url,
                            "path": a.path,
                            "outlet": a.outlet,
                            "outlet_id": a.outlet_id,
                            "owner": a.owner,
                            "title": a.title,
                            "published": a.published,
                            "copy_of": copies.get(a.id),
                        }
                        for a in arts
                    ],
                }
            )
        return {"stories": out}

    # -- feeds ------------------------------------------------------------------------------

    def poll_feeds(self, feeds: Sequence[str]) -> tuple[IngestReport, list[str]]:
        """Fetch each feed once (conditional GET), ingest new entries, say what changed.

        Returns the ingest report and human lines: new stories, new facts and
        new conflicts in the stories the new reports joined.
        """
        from .ingest.feed import read_feed
        from .ingest.fetch import Fetcher

        articles: list[Article] = []
        failures: list[InputFailure] = []
        with Fetcher(self.engine.options) as fetcher:
            for url in feeds:
                key = f"feed:{url}"
                state = self.store.get_state(key) or {}
                try:
                    result = read_feed(
                        url, fetcher, self.engine.options,
                        etag=state.get("etag"), last_modified=state.get("last_modified"),
                    )
                except NewsweaveError as exc:
                    failures.append(InputFailure(url, str(exc)))
                    continue
                if not result.not_modified:
                    articles.extend(result.articles)
                    failures.extend(result.failures)
                self.store.put_state(
                    key, {"etag": result.etag, "last_modified": result.last_modified}
                )
        report = self.ingest_articles(articles, failures=failures)
        return report, self.describe_changes(report)

    def describe_changes(self, report: IngestReport) -> list[str]:
        """Human lines for what an ingest changed in the stories."""
        lines = [f"story {old} merged into {new}" for old, new in report.merged.items()]
        moved: dict[str, int] = {}
        for story_id in report.moved.values():
            moved[story_id] = moved.get(story_id, 0) + 1
        for story_id, n in moved.items():
            lines.append(f"{n} earlier report{'s' if n > 1 else ''} regrouped into {story_id}")
        for story_id in report.new_stories:
            lines.append(f"new story {story_id}: {self.store.get_story(story_id).title}")
        added = set(report.added)
        for story_id in report.updated_stories:
            articles = self.store.story_articles(story_id)
            old = [a for a in articles if a.id not in added]
            if not old:
                continue
            before = self.engine.compare_analyzed(self.analyses(old))
            after = self.engine.compare_analyzed(self.analyses(articles))
            seen = {g.text for g in before.claims if g.status != "single_source"}
            seen_conflicts = {c.detail for g in before.claims for c in g.conflicts}
            for g in after.claims:
                for c in g.conflicts:
                    if c.detail not in seen_conflicts:
                        lines.append(f"new conflict in {story_id} ({c.type}): {c.detail}")
                if g.status == "corroborated" and g.text not in seen:
                    lines.append(f"newly corroborated in {story_id}: {g.text}")
            known = {g.text for g in before.claims}
            fresh = [g for g in after.claims if g.status == "single_source" and g.text not in known
                     and any(m.article in added for m in g.mentions)]
            for g in fresh:
                lines.append(f"new fact in {story_id}: {g.text}")
        return lines

    def recluster(self) -> dict[str, str]:
        """Re-group every stored report from scratch (for re-tuning); returns id -> story.

        It holds the write lock throughout: a report another writer stored
        meanwhile would otherwise be left out of the rebuilt stories.
        """
        with self._forgetting_on_error(), self.store.atomic():
            self._sync_state()
            articles = self.store.articles()
            feats = self._features(self.analyses(articles))
            copies = self.store.copies()
            originals = [f for f in feats if f.article_id not in copies]
            assignment = recluster(originals)
            for copy_id, original in copies.items():
                assignment[copy_id] = assignment[original]
            before = {aid: s.id for s in self.store.stories() for aid in s.article_ids}
            redirects = _redirects(before, assignment, self.store.story_redirects())
            clusterer = OnlineClusterer.from_assignment(
                originals, assignment, loader=self._stored_features, retired=redirects
            )
            self.store.clear_cluster_state()
            self._save_changes(clusterer, {a.id: a for a in articles})
            self.store.retire_stories(redirects)
            self.store.delete_state(_LEGACY_CLUSTER_STATE)
            self.store.delete_empty_stories()
        self._clusterer = clusterer
        return assignment

    # -- cached comparisons and listings (the web app reads these) --------------------------

    def comparison_fingerprint(self, article_ids: Iterable[str], outlets: str | None = None
                               ) -> str:
        """What a story's cached comparison must have been made from to be reused.

        The SHA-256 of the sorted report ids, the analysis version, the outlet registry
        (``outlets``: its stamp, read from the store when not given) and the options
        that change a comparison (embedder, match and copy thresholds): a report
        joining or leaving the story, a new analysis or a registry change makes the
        cache stale.
        """
        opts = self.engine.options
        parts = [
            COMPARISON_CACHE_VERSION,
            ANALYSIS_VERSION,
            outlets or self.store.outlets_stamp(),
            str(opts.embed_model),
            repr(opts.match_threshold),
            repr(opts.copy_threshold),
            *sorted(article_ids),
        ]
        return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()

    def story_comparison_json(self, story_id: str, *, compute: bool = True) -> str | None:
        """A story's comparison as JSON text, from the store's cache when it is current.

        The object is the JSON contract of ``story ID --format json`` (without the
        texts) with extra keys the web pages use: each brief item's ``kind`` and
        ``outlet``, and ``entities`` (people, organisations and places with their
        titles and mentions). A stale or missing cache is recomputed and stored,
        unless ``compute`` is false: then the answer is ``None``. Comparisons run
        one at a time in a process (they are CPU-bound and load the models).

        Raises:
            NotFound: no story has that id.
        """
        current = self.comparison_fingerprint(self.store.story_member_ids(story_id))
        cached = self.store.get_comparison(story_id)
        if cached is not None and cached[0] == current:
            return cached[1]
        if not compute:
            return None
        with _COMPARE_LOCK:
            # Another thread may have computed it while this one waited.
            cached = self.store.get_comparison(story_id)
            if cached is not None and cached[0] == current:
                return cached[1]
            comparison = self.compare_story(story_id)
            data = comparison_data(comparison)
            text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
            self.store.put_comparison(
                story_id,
                self.comparison_fingerprint(a.article.id for a in comparison.articles),
                text,
                claims=len(comparison.claims),
                conflicts=sum(len(g.conflicts) for g in comparison.claims),
            )
        return text

    def story_comparison(self, story_id: str, *, compute: bool = True) -> dict[str, Any] | None:
        """``story_comparison_json`` parsed (see there)."""
        text = self.story_comparison_json(story_id, compute=compute)
        return None if text is None else json.loads(text)

    def story_summaries(self, **filters: Any) -> tuple[list[dict[str, Any]], int]:
        """One page of stories with their counts, and how many match in all.

        Takes ``Store.story_summaries``'s filters (limit, offset, since, until,
        query, outlet). ``claims`` and ``conflicts`` come from the cached comparison and
        are ``None`` when the story was not compared since its reports changed
        (``compared`` says which); no story is compared here.

        Raises:
            QueryError: a bad filter.
        """
        rows, total = self.store.story_summaries(**filters)
        stamp = self.store.outlets_stamp()
        return [self._summary_dict(row, stamp) for row in rows], total

    def story_summary(self, story_id: str) -> dict[str, Any]:
        """One story's entry of ``story_summaries``.

        Raises:
            NotFound: no story has that id.
        """
        return self._summary_dict(self.store.story_summary(story_id))

    def _summary_dict(self, row: StorySummary, stamp: str | None = None) -> dict[str, Any]:
        item = row.to_dict()
        fingerprint = item.pop("comparison_fingerprint")
        fresh = fingerprint is not None and fingerprint == self.comparison_fingerprint(
            row.article_ids, stamp
        )
        item["compared"] = fresh
        if not fresh:
            item["claims"] = item["conflicts"] = None
        return item


#: Bump when what ``comparison_data`` stores changes: cached comparisons are recomputed.
COMPARISON_CACHE_VERSION = "4"
# Comparing is CPU-bound and loads the models: one at a time in a process.
_COMPARE_LOCK = threading.Lock()


def comparison_data(comparison: Comparison) -> dict[str, Any]:
    """The JSON contract of a comparison plus what the web pages show of it.

    Extra keys (the contract allows them): ``entities``.
    """
    data = comparison.to_dict()
    data["entities"] = [
        {
            "key": e.key,
            "label": e.label,
            "name": e.name,
            "aliases": list(e.aliases),
            "titles": list(e.titles),
            "mentions": [{"article": a, "start": s, "end": t} for a, s, t in e.mentions],
        }
        for e in comparison.entities
    ]
    return data


def analyse_batch(engine: Engine, items: Sequence[_Item]) -> list[_Ready]:
    """Analysis, features and MinHash signature of a batch of reports (step 3).

    A pure function of the engine and the reports (no store): it runs in the
    ingesting process or on a Ray actor. What an item already carries (an
    analysis, features) is kept; the rest takes one model call per batch.
    """
    fresh = iter(engine.analyzer.analyze([a for a, an, _ in items if an is None]))
    analyzed = [an if an is not None else next(fresh) for _, an, _ in items]
    missing = [i for i, (_, _, f) in enumerate(items) if f is None]
    computed = iter(features_batch([analyzed[i] for i in missing], engine.embedder))
    features = [f if f is not None else next(computed) for _, _, f in items]
    return [
        (a, an, feat, minhash_signature(a.text[a.body_start :]))
        for (a, _, _), an, feat in zip(items, analyzed, features, strict=True)
    ]


def _oldest_first(article: Article) -> tuple[bool, str, str]:
    """Sort key: by publication date, undated reports last, ties by id."""
    return (article.published is None, article.published or "", article.id)


def _default_options():  # noqa: ANN202
    from .config import Options

    return Options()


def _rekey(analyzed: AnalyzedArticle, old: str, new: str) -> None:
    """Point an analysis made under article id ``old`` at the stored id ``new``
    (its claims name their article, and their ids start with it)."""
    for claim in analyzed.claims:
        claim.article = new
        if claim.id.startswith(old + ":"):
            claim.id = new + claim.id[len(old):]


def _redirects(
    before: Mapping[str, str], after: Mapping[str, str], known: Mapping[str, str]
) -> dict[str, str]:
    """Where each story id that a regrouping ends leads: the new story holding most
    of its reports (ties: the smaller id); known redirects are carried along."""
    live = set(after.values())
    counts: dict[str, dict[str, int]] = {}
    for article_id, old in before.items():
        new = after.get(article_id)
        if new is not None and old not in live:
            mine = counts.setdefault(old, {})
            mine[new] = mine.get(new, 0) + 1
    out = {old: min(c, key=lambda s: (-c[s], s)) for old, c in counts.items()}
    for old, new in known.items():
        target = new if new in live else out.get(new)
        if old not in live and target is not None:
            out.setdefault(old, target)
    return out
