"""Ingest at scale: reports per second and peak memory into a growing store,
and the time to place one new report into a large store.

Two measurements, because on this 2-core machine the NLP (spaCy and the
sentence model, a few to a few dozen reports per second depending on length)
would take hours for 100,000 reports, while what grows with the store is the
rest: copy search, story placement and the SQLite writes.

``real N``
    The whole ingest, end to end, as a user runs it: ``newsweave --db DB
    ingest FILE.jsonl`` in a child process over N dataset reports (ECB+
    documents and FNC-1 bodies first, full-length news; then NeuS titles and
    leads, one or two sentences each). The JSONL is written to a temporary
    folder and deleted. Reports/s, peak RSS of the child, store size.

``synthetic N``
    Everything but the NLP, through ``Library.ingest_analyzed``: reports
    built from the analysed ECB+ and NeuS documents. Variant k of a document
    rotates the letters of about half its words (same length, so every span
    of the analysis stays valid, and no two variants are copies of each
    other), rotates its document vector with a random orthogonal matrix of
    its own (variants of one document are as unrelated as two random
    stories), renames its entity and term keys the same way, and is dated
    ``3k`` days after the first (so about five variants overlap in the
    14-day story window, ~600 reports a day). Each variant keeps the
    story structure of the datasets: the store ends up with about as many
    stories per report as ECB+ and NeuS have. Then a new Library opens the
    store (cold start timed) and places ``--place`` new reports one at a
    time; p50/p95 of the time per report, NLP excluded.

``ray N``
    The analysis scaled out (issue 14): N dataset reports (as ``real``)
    ingested in this process into a fresh store each run, plain
    (``Library.ingest``; ``plain-1t``: with torch and BLAS at one thread, as
    Ray runs its actors) and with ``--engine ray`` on a local Ray of 1 and of
    2 workers (``distributed.ray_ingest``), ``--runs`` times each; medians of
    reports/s, the scaling ratio, and the share of each run the one writer
    spent storing and placing (``Library._store_batch``). Every run loads the
    models afresh (a plain run builds a new Engine; each Ray run starts new
    actors); the Ray start itself (once per worker count) is reported apart.

Usage::

    python bench/scale.py real 10000 [--json bench/results/scale-real.json]
    python bench/scale.py ray 200 [--runs 3] [--json bench/results/scale-ray.json]
    python bench/scale.py synthetic 10000 100000 [--place 200] [--cache /tmp/nw-cache]
                                                 [--json bench/results/scale-synthetic.json]

The synthetic run needs the analyses of ``bench/clustering.py --cache DIR``
(the same DIR); it computes them if missing.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    REPO,
    datasets_dir,
    machine,
    peak_rss_mb,
    present,
    progress,
    read_jsonl,
    table,
    write_json,
)

from newsweave.cluster import DocFeatures  # noqa: E402
from newsweave.model import AnalyzedArticle  # noqa: E402

START = dt.date(2026, 1, 1)
DAYS_PER_VARIANT = 3


# --------------------------------------------------------------------------- real


def real_reports(data: Path, n: int) -> list[dict[str, Any]]:
    """Up to ``n`` dataset reports as JSONL records, full-length ones first."""
    out: list[dict[str, Any]] = []
    for d in read_jsonl(data / "ecbplus" / "docs.jsonl"):
        text = d["text"]
        url = None
        if text.startswith("http"):
            url, _, text = text.partition("\n")
            url = url.replace(" ", "")
        out.append({"text": text, "url": url, "outlet": "ecb+"})
    for d in read_jsonl(data / "fnc1" / "train_bodies.jsonl"):
        out.append({"text": d["body"], "outlet": "fnc-1"})
    for split in ("train", "val"):
        for story in read_jsonl(data / "neus" / f"{split}.jsonl"):
            for i, a in enumerate(story["articles"]):
                out.append({"text": a["text"], "title": a.get("title"), "outlet": f"neus-{i}"})
    return out[:n]


def run_real(n: int, data: Path) -> dict[str, Any]:
    reports = real_reports(data, n)
    chars = sum(len(r["text"]) for r in reports)
    with tempfile.TemporaryDirectory(prefix="nw-scale-") as tmp:
        src = Path(tmp) / "reports.jsonl"
        with src.open("w", encoding="utf-8") as fh:
            for r in reports:
                fh.write(json.dumps(r) + "\n")
        db = Path(tmp) / "news.db"
        cmd = [sys.executable, "-m", "newsweave.cli", "--db", str(db), "ingest", "-q", str(src)]
        progress(f"real: ingesting {len(reports)} reports ({chars / len(reports):.0f} chars each)")
        t = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=tmp)
        _, status, usage = os.wait4(proc.pid, 0)
        secs = time.perf_counter() - t
        if os.waitstatus_to_exitcode(status) not in (0, 1):
            raise SystemExit(f"ingest failed with status {status}")
        stories = json.loads(
            subprocess.run(
                [sys.executable, "-m", "newsweave.cli", "--db", str(db), "stories",
                 "--format", "json"],
                capture_output=True, text=True, check=True,
            ).stdout
        )["stories"]
        size = db.stat().st_size + sum(
            p.stat().st_size for p in Path(tmp).glob("news.db-*") if p.exists()
        )
    return {
        "reports": len(reports),
        "chars_per_report": chars / len(reports),
        "seconds": secs,
        "reports_per_s": len(reports) / secs,
        "peak_rss_mb": usage.ru_maxrss / 1024,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "stories": len(stories),
        "store_mb": size / 2**20,
    }


# --------------------------------------------------------------------------- ray


def _timed_writer(library: Any) -> list[float]:
    """Seconds each ``_store_batch`` call of ``library`` takes (the one writer)."""
    spent: list[float] = []
    store_batch = library._store_batch

    def timed(ready: Any, report: Any) -> None:
        t = time.perf_counter()
        store_batch(ready, report)
        spent.append(time.perf_counter() - t)

    library._store_batch = timed
    return spent


@contextlib.contextmanager
def _one_thread() -> Iterator[None]:
    """torch and the BLAS/OpenMP pools at one thread each, as Ray's actors run
    (Ray sets OMP_NUM_THREADS=1 in a worker of one CPU)."""
    import torch
    from threadpoolctl import threadpool_limits

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with threadpool_limits(1):
            yield
    finally:
        torch.set_num_threads(before)


def _ray_run(src: Path, workers: int | None, tmp: Path, run: int,
             one_thread: bool = False) -> dict[str, Any]:
    """One ingest of ``src`` into a fresh store: plain (``workers`` None) or on Ray."""
    from newsweave.config import Options
    from newsweave.distributed import RayStats, ray_ingest
    from newsweave.engine import Engine
    from newsweave.library import Library
    from newsweave.store import Store

    store = Store(tmp / f"run-{workers or 0}-{int(one_thread)}-{run}.db")
    library = Library(store, Engine(Options()))
    spent = _timed_writer(library)
    stats = RayStats()
    t = time.perf_counter()
    if workers is None:
        with _one_thread() if one_thread else contextlib.nullcontext():
            report = library.ingest([str(src)])
    else:
        report = ray_ingest(library, [str(src)], workers=workers, stats=stats)
    secs = time.perf_counter() - t
    store.close()
    return {
        "seconds": secs,
        "reports": len(report.added),
        "reports_per_s": len(report.added) / secs,
        "writer_seconds": sum(spent),
        "writer_share": sum(spent) / secs,
        "per_worker": sorted(stats.per_worker.values(), reverse=True),
    }


def run_ray(n: int, data: Path, runs: int) -> dict[str, Any]:
    import logging

    import ray
    import ray.data

    # Ray Data logs each dataset's plan and timing (its logging is set up when
    # ray.data is imported); the progress lines say enough.
    logging.getLogger("ray.data").setLevel(logging.ERROR)
    reports = real_reports(data, n)
    out: dict[str, Any] = {"reports": len(reports),
                           "chars_per_report": sum(len(r["text"]) for r in reports) / len(reports)}
    with tempfile.TemporaryDirectory(prefix="nw-ray-") as tmp:
        src = Path(tmp) / "reports.jsonl"
        with src.open("w", encoding="utf-8") as fh:
            for r in reports:
                fh.write(json.dumps(r) + "\n")
        for name, workers in (("plain", None), ("plain-1t", None), ("ray-1", 1), ("ray-2", 2)):
            if workers is not None:
                t = time.perf_counter()
                ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False,
                         logging_level="WARNING")
                out[f"{name}_ray_start_s"] = time.perf_counter() - t
            try:
                got = []
                for run in range(runs):
                    progress(f"ray: {name}, run {run + 1} of {runs}, {len(reports)} reports")
                    got.append(_ray_run(src, workers, Path(tmp), run, name == "plain-1t"))
            finally:
                if workers is not None:
                    ray.shutdown()
            out[name] = {
                "runs": got,
                "reports_per_s": statistics.median(g["reports_per_s"] for g in got),
                "seconds": statistics.median(g["seconds"] for g in got),
                "writer_share": statistics.median(g["writer_share"] for g in got),
            }
    out["ray2_over_ray1"] = out["ray-2"]["reports_per_s"] / out["ray-1"]["reports_per_s"]
    out["ray2_over_plain"] = out["ray-2"]["reports_per_s"] / out["plain"]["reports_per_s"]
    out["ray2_over_plain_1t"] = (out["ray-2"]["reports_per_s"]
                                 / out["plain-1t"]["reports_per_s"])
    return out


# --------------------------------------------------------------------------- synthetic

_WORD = re.compile(r"[A-Za-z]+")


def _rotate(word: str, shift: int) -> str:
    out = []
    for ch in word:
        base = ord("a") if ch.islower() else ord("A")
        out.append(chr(base + (ord(ch) - base + shift) % 26))
    return "".join(out)


def scramble(text: str, k: int) -> str:
    """Rotate the letters of about half the words, the same words every time for one ``k``."""
    if k == 0:
        return text
    shift = k % 25 + 1

    def sub(m: re.Match[str]) -> str:
        w = m.group(0)
        # Not crc32: it is linear, so for two k of one length it picks the
        # same words for every w (and variants 10, 35 and 60 came out equal).
        if hashlib.blake2b(f"{w.lower()}|{k}".encode(), digest_size=1).digest()[0] % 2:
            return w
        return _rotate(w, shift)

    return _WORD.sub(sub, text)


def _rotation(dim: int, k: int) -> np.ndarray:
    if k == 0:
        return np.eye(dim)
    q, r = np.linalg.qr(np.random.default_rng(k).standard_normal((dim, dim)))
    return q * np.sign(np.diag(r))


def synthetic(
    base: list[AnalyzedArticle], feats: list[DocFeatures], n: int, first_variant: int = 0
) -> Iterator[tuple[AnalyzedArticle, DocFeatures]]:
    """``n`` synthetic reports (see the module docstring), variant by variant."""
    made = 0
    k = first_variant
    dim = len(feats[0].vector)
    while made < n:
        rot = _rotation(dim, k)
        for b, (an, f) in enumerate(zip(base, feats, strict=True)):
            if made >= n:
                return
            day = START + dt.timedelta(days=DAYS_PER_VARIANT * k + b % 3)
            art = dataclasses.replace(
                an.article,
                id="",
                url=None,
                text=scramble(an.article.text, k),
                title=scramble(an.article.title, k) if an.article.title else None,
                published=day.isoformat(),
            )
            vector = (rot @ f.vector.astype(np.float64)).astype(np.float32)
            yield (
                dataclasses.replace(an, article=art),
                DocFeatures(
                    article_id="",
                    vector=vector,
                    entities={scramble(key, k): v for key, v in f.entities.items()},
                    published=day,
                    terms={scramble(key, k): v for key, v in f.terms.items()},
                    dates=dict(f.dates),
                    numbers=dict(f.numbers),
                ),
            )
            made += 1
        k += 1


def base_pool(data: Path, cache: Path | None) -> tuple[list[AnalyzedArticle], list[DocFeatures]]:
    import clustering

    from newsweave.cluster import features_batch
    from newsweave.config import Options
    from newsweave.engine import Engine

    engine = Engine(Options.build(cache_dir=str(cache / "embeddings") if cache else ""))
    analysed: list[AnalyzedArticle] = []
    ecb, _ = clustering.ecb_articles(data / "ecbplus" / "docs.jsonl", keep_urls=False)
    analysed += clustering.analyse(engine, ecb, "ecb", cache)
    neus, _ = clustering.neus_articles(data / "neus" / "val.jsonl")
    analysed += clustering.analyse(engine, neus, "neus", cache)
    return analysed, features_batch(analysed, engine.embedder)


def run_synthetic(sizes: list[int], place: int, data: Path, cache: Path | None) -> dict[str, Any]:
    from newsweave.library import Library
    from newsweave.store import Store

    base, feats = base_pool(data, cache)
    progress(f"synthetic: a pool of {len(base)} analysed reports")
    out: dict[str, Any] = {"pool": len(base), "sizes": {}}
    with tempfile.TemporaryDirectory(prefix="nw-scale-") as tmp:
        db = Path(tmp) / "news.db"
        store = Store(db)
        library = Library(store, engine=_NoEngine())  # type: ignore[arg-type]
        done = stored = 0
        stream = synthetic(base, feats, max(sizes))
        t0 = time.perf_counter()
        cpu0 = time.process_time()
        chunk = 1000
        for target in sorted(sizes):
            while done < target:
                take = min(chunk, target - done)
                items = [next(stream) for _ in range(take)]
                report = library.ingest_analyzed(
                    [a for a, _ in items], features=[f for _, f in items]
                )
                stored += len(report.added)  # a short lead may come out the same twice
                done += take
                if done % 10000 == 0 or done == target:
                    rate = done / (time.perf_counter() - t0)
                    progress(f"  {done} reports, {rate:.0f}/s, peak RSS {peak_rss_mb():.0f} MB")
            secs = time.perf_counter() - t0
            out["sizes"][target] = {
                "reports": done,
                "stored": stored,
                "seconds": secs,
                "reports_per_s": done / secs,
                "cpu_seconds": time.process_time() - cpu0,
                "peak_rss_mb": peak_rss_mb(),
                "stories": len(library.clusterer.stories),
                "store_mb": db.stat().st_size / 2**20,
            }
        store.close()

        # A new process's view: open the store, load the state, place reports one by one.
        rss_before = peak_rss_mb()
        t = time.perf_counter()
        store = Store(db)
        library = Library(store, engine=_NoEngine())  # type: ignore[arg-type]
        stories = len(library.clusterer.stories)
        library.copy_index  # noqa: B018 - loads the MinHash index
        cold = time.perf_counter() - t
        variants = -(-max(sizes) // len(base))
        fresh = synthetic(base, feats, place, first_variant=variants)
        times = []
        for an, f in fresh:
            t = time.perf_counter()
            report = library.ingest_analyzed([an], features=[f])
            if report.added:  # one already stored was not placed: not timed
                times.append(time.perf_counter() - t)
        store.close()
        q = statistics.quantiles(times, n=20)
        out["placement"] = {
            "store_reports": max(sizes),
            "stories": stories,
            "cold_open_s": cold,
            "placed": len(times),
            "p50_ms": statistics.median(times) * 1000,
            "p95_ms": q[18] * 1000,
            "max_ms": max(times) * 1000,
            "peak_rss_mb_before_open": rss_before,
            "peak_rss_mb": peak_rss_mb(),
        }
    return out


class _NoEngine:
    """Stands in for the engine where nothing may be analysed: every report
    arrives analysed, with its features."""

    @property
    def analyzer(self) -> Any:
        return self

    @property
    def embedder(self) -> Any:
        return self

    def analyze(self, articles: list[Any]) -> list[Any]:
        if articles:
            raise RuntimeError("the synthetic benchmark must not analyse reports")
        return []

    def encode(self, texts: list[str]) -> np.ndarray:
        if texts:
            raise RuntimeError("the synthetic benchmark must not embed text")
        return np.zeros((0, 384), dtype=np.float32)


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("mode", choices=["real", "synthetic", "ray"])
    ap.add_argument("sizes", type=int, nargs="+", help="store sizes (reports)")
    ap.add_argument("--place", type=int, default=200,
                    help="synthetic: new reports placed one at a time into the largest store")
    ap.add_argument("--runs", type=int, default=3, help="ray: runs of each engine (median)")
    ap.add_argument("--data", help="datasets folder (default ../shared/datasets)")
    ap.add_argument("--cache", help="synthetic: folder outside the repository for analyses")
    ap.add_argument("--json", help="write numbers here (under bench/results/)")
    args = ap.parse_args(argv)
    data = datasets_dir(args.data)
    needed = [data / "ecbplus" / "docs.jsonl", data / "neus" / "val.jsonl"]
    if args.mode in ("real", "ray"):
        needed += [data / "fnc1" / "train_bodies.jsonl", data / "neus" / "train.jsonl"]
    if not all(present(p) for p in needed):
        return 0
    cache = Path(args.cache).expanduser().resolve() if args.cache else None
    if cache is not None:
        if cache.is_relative_to(REPO):
            ap.error("--cache must be outside the repository")
        cache.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {"machine": machine(), "mode": args.mode}
    if args.mode == "real":
        rows = []
        for n in args.sizes:
            r = run_real(n, data)
            results[str(n)] = r
            rows.append([r["reports"], f"{r['chars_per_report']:.0f}", f"{r['seconds']:.0f}",
                         f"{r['reports_per_s']:.1f}", f"{r['peak_rss_mb']:.0f}",
                         r["stories"], f"{r['store_mb']:.0f}"])
        print(table(["reports", "chars/report", "seconds", "reports/s", "peak RSS MB",
                     "stories", "store MB"], rows))
    elif args.mode == "ray":
        r = run_ray(args.sizes[0], data, args.runs)
        results.update(r)
        rows = [[name, f"{r[name]['seconds']:.1f}", f"{r[name]['reports_per_s']:.2f}",
                 f"{100 * r[name]['writer_share']:.0f}%",
                 " / ".join(str(w) for w in r[name]["runs"][0]["per_worker"]) or "-"]
                for name in ("plain", "plain-1t", "ray-1", "ray-2")]
        print(table(["engine", "seconds (median)", "reports/s (median)", "writer share",
                     "reports per worker (run 1)"], rows))
        print(f"\n{r['reports']} reports, {r['chars_per_report']:.0f} chars each; "
              f"ray-2 / ray-1: {r['ray2_over_ray1']:.2f}x, ray-2 / plain: "
              f"{r['ray2_over_plain']:.2f}x, ray-2 / plain-1t: "
              f"{r['ray2_over_plain_1t']:.2f}x; Ray start: {r['ray-1_ray_start_s']:.1f} s (1), "
              f"{r['ray-2_ray_start_s']:.1f} s (2)")
    else:
        r = run_synthetic(args.sizes, args.place, data, cache)
        results.update(r)
        rows = [[f"{k} ({v['stored']} stored)", f"{v['seconds']:.0f}",
                 f"{v['reports_per_s']:.0f}",
                 f"{v['peak_rss_mb']:.0f}", v["stories"], f"{v['store_mb']:.0f}"]
                for k, v in r["sizes"].items()]
        print(table(["store reports", "seconds", "reports/s (no NLP)", "peak RSS MB",
                     "stories", "store MB"], rows))
        p = r["placement"]
        print(f"\nplacing one new report into {p['store_reports']} reports ({p['stories']} "
              f"stories): p50 {p['p50_ms']:.1f} ms, p95 {p['p95_ms']:.1f} ms, "
              f"max {p['max_ms']:.1f} ms over {p['placed']}; cold open {p['cold_open_s']:.1f} s")
    write_json(args.json, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
