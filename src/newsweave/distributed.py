"""Ingest on a Ray cluster: actors analyse, this process reads, stores and places.

``ray_ingest(library, sources, ...)`` (``newsweave ingest --engine ray``) runs:

1. read the sources; each WARC file among them is read by its own Ray task,
   the other sources here (``read_inputs``), and the reports keep the order of
   the sources;
2. drop the reports already stored and placed, and duplicates among the new
   ones (``Library`` does this before anything is analysed: every report is
   analysed once);
3. analyse the rest on a pool of Ray actors (Ray Data ``map_batches`` with a
   callable class): each actor loads the models once and returns, per batch,
   the analysis, features and MinHash signature of its reports;
4. store and place the batches here, in input order, as they come back, each
   in one transaction through the same writer as a plain ingest.

Placement stays on this one process: online clustering is order-dependent,
and each placement reads the stories the previous one wrote. A killed ingest
resumes like a plain one (stored reports are skipped on the rerun); a killed
actor is restarted and its batch redone (``RETRIES``).

Ray is imported only here, and only when called: ``pip install -e '.[ray]'``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import warnings
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .config import Options
from .errors import ConfigError
from .ingest import read_inputs
from .ingest.warc import is_warc_path
from .model import Article, InputFailure

if TYPE_CHECKING:
    from .library import IngestReport, Library

#: How to get Ray, for the message when it is missing.
INSTALL_HINT = "pip install -e '.[ray]'"
#: Restarts of a dead actor and retries of its batch. A batch is a pure function of
#: its reports, so redoing it is always safe; a batch that kills its actor every time
#: (a report that exhausts a worker's memory, say) fails the ingest after these
#: many tries instead of looping, and the reports stored before it stay.
RETRIES = 3
#: Column of the pickled records in the Ray datasets. Records travel as
#: pickled bytes: Arrow would flatten the nested dataclasses.
_COLUMN = "record"


def import_ray() -> Any:
    """The ``ray`` module, or a ConfigError that says how to install it."""
    try:
        import ray
        import ray.data  # noqa: F401 - the Data extra, not only the core
    except ImportError as exc:
        raise ConfigError(
            f"--engine ray needs Ray (with Ray Data), which is not installed ({exc}); "
            f"install it with: {INSTALL_HINT}"
        ) from exc
    return ray


@contextlib.contextmanager
def ray_session(address: str | None = None, workers: int | None = None) -> Iterator[Any]:
    """Ray, connected for the block: the running session if there is one, else a
    cluster joined at ``address``, else a local Ray of ``workers`` CPUs. Only a
    connection made here is closed (joining a cluster never stops it)."""
    ray = import_ray()
    if ray.is_initialized():
        yield ray
        return
    if address:
        ray.init(address=address, log_to_driver=False, logging_level=logging.WARNING)
    else:
        ray.init(num_cpus=workers or os.cpu_count() or 1, include_dashboard=False,
                 log_to_driver=False, logging_level=logging.WARNING)
    try:
        yield ray
    finally:
        ray.shutdown()


@dataclass(slots=True)
class RayStats:
    """What the Ray side did, for progress lines and the benchmark."""

    #: Reports read per WARC file read on Ray.
    files: dict[str, int] = field(default_factory=dict)
    #: Report ids in the order their analyses came back.
    analysed: list[str] = field(default_factory=list)
    #: Reports analysed per actor process id.
    per_worker: Counter[int] = field(default_factory=Counter)


def ray_ingest(
    library: Library,
    sources: Sequence[Any],
    *,
    meta: dict[str, str | None] | None = None,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    files_read: Callable[[int, int], None] | None = None,
    stats: RayStats | None = None,
) -> IngestReport:
    """Read, analyse on Ray, store and place ``sources`` (Ray must be initialised:
    ``ray_session``).

    Args:
        library: the store and engine options; its ``batch_size`` is the batch
            each actor call analyses and each transaction stores.
        sources: as ``Library.ingest`` takes them.
        workers: analysing actors; none: one per CPU of the cluster.
        progress: called with (reports stored, reports to store).
        files_read: called with (WARC files read, WARC files) as each is read.
        stats: filled with what the Ray side did.

    Returns:
        The same report a plain ingest gives.
    """
    ray = import_ray()
    stats = stats if stats is not None else RayStats()
    options = library.engine.options
    articles, failures = read_sources(sources, options, meta=meta, files_read=files_read,
                                      stats=stats)
    workers = workers or max(1, int(ray.cluster_resources().get("CPU", 1)))

    def analyse(todo: Sequence[Any]) -> Iterator[list[Any]]:
        return analyse_on_ray(todo, options, workers=workers,
                              batch_size=library.batch_size, stats=stats)

    return library.ingest_articles(articles, failures=failures, progress=progress,
                                   analyse=analyse)


def read_sources(
    sources: Sequence[Any],
    options: Options,
    *,
    meta: dict[str, str | None] | None = None,
    files_read: Callable[[int, int], None] | None = None,
    stats: RayStats | None = None,
) -> tuple[list[Article], list[InputFailure]]:
    """``read_inputs(sources)`` with each WARC file read by its own Ray task.

    The reports come in source order and with the ids ``read_inputs`` gives;
    the other sources (and WARC files inside folders) are read here.
    """
    ray = import_ray()
    warcs = {i: os.fspath(s) for i, s in enumerate(sources)
             if isinstance(s, (str, os.PathLike)) and is_warc_path(os.fspath(s))
             and os.path.isfile(s)}
    read = ray.remote(_read_file)
    pending = {read.remote(path, options, meta): i for i, path in warcs.items()}
    done: dict[int, tuple[list[Article], list[InputFailure]]] = {}
    while pending:
        ready, _ = ray.wait(list(pending), num_returns=1)
        index = pending.pop(ready[0])
        done[index] = pickle.loads(ray.get(ready[0]))
        if stats is not None:
            stats.files[warcs[index]] = len(done[index][0])
        if files_read:
            files_read(len(done), len(warcs))
    mixed: list[Any] = []
    failures: list[InputFailure] = []
    for i, source in enumerate(sources):
        if i in done:
            got, failed = done[i]
            mixed.extend(got)
            failures.extend(failed)
        else:
            mixed.append(source)
    # Articles pass through as they are (their overrides are applied); the ids
    # are made unique across all sources, as one read_inputs call would.
    articles, rest = read_inputs(mixed, options, meta=meta)
    return articles, failures + rest


def _read_file(path: str, options: Options, meta: dict[str, str | None] | None) -> bytes:
    """A Ray task: one file read as ``read_inputs`` reads it, pickled."""
    return pickle.dumps(read_inputs([path], options, meta=meta))


def analyse_on_ray(
    todo: Sequence[Any],
    options: Options,
    *,
    workers: int,
    batch_size: int,
    stats: RayStats | None = None,
) -> Iterator[list[Any]]:
    """``Library`` items analysed by a pool of ``workers`` Ray actors, yielded batch
    by batch in their order, as they come back."""
    if not todo:
        return
    ray = import_ray()
    context = ray.data.DataContext.get_current()
    context.execution_options.preserve_order = True
    context.enable_progress_bars = False
    rows = [{_COLUMN: pickle.dumps(item)} for item in todo]
    # One block per batch: a batch comes back as soon as its actor is done.
    blocks = -(-len(rows) // batch_size)
    with warnings.catch_warnings():
        # Ray 2.5x deprecates passing actor options as keywords; they are the ones
        # this module's correctness rests on, so they are said here, not inherited.
        warnings.filterwarnings("ignore", message=".*ray_remote_args.*deprecated")
        dataset = ray.data.from_items(rows, override_num_blocks=blocks).map_batches(
            AnalyseActor,
            fn_constructor_kwargs={"options": options},
            batch_size=batch_size,
            batch_format="pyarrow",
            compute=ray.data.ActorPoolStrategy(size=workers),
            max_restarts=RETRIES,
            max_task_retries=RETRIES,
        )
    for batch in dataset.iter_batches(batch_size=None, batch_format="pyarrow",
                                      prefetch_batches=0):
        ready = [pickle.loads(b) for b in batch.column(_COLUMN).to_pylist()]
        if stats is not None:
            stats.analysed.extend(a.id for a, _, _, _ in ready)
            stats.per_worker.update(batch.column("worker").to_pylist())
        yield ready


class AnalyseActor:
    """A Ray actor's analysis: the models load once, in ``__init__``."""

    def __init__(self, options: Options) -> None:
        from .engine import Engine

        self.engine = Engine(options)
        _ = self.engine.analyzer.nlp
        _ = self.engine.embedder
        self.pid = os.getpid()

    def __call__(self, batch: Any) -> Any:  # pyarrow.Table in and out
        import pyarrow as pa

        from .library import analyse_batch

        items = [pickle.loads(b) for b in batch.column(_COLUMN).to_pylist()]
        ready = analyse_batch(self.engine, items)
        return pa.table({
            _COLUMN: pa.array([pickle.dumps(r) for r in ready], type=pa.binary()),
            "worker": pa.array([self.pid] * len(ready), type=pa.int64()),
        })
