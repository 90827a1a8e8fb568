"""Throughput and peak memory of the full compare over ECB+ stories.

Each batch is the documents of one ECB+ subtopic (one real event, reported by
several outlets: how a story arrives). Every batch goes through
``engine.compare_articles`` (analyse → copies → entity linking → align →
brief). Models are loaded and warmed up on one batch before timing; the
embedder's in-memory cache is cleared before every run so that each run really
embeds its claims.

The time is split into analysis (``engine.analyzer.analyze``: spaCy and the
rule-based extractors) and the rest (``engine.compare_analyzed``: copies,
linking, align with the sentence embedder, brief), and the embedder's share of
the rest is shown too. The split is measured inside ``compare_articles`` with
timing shims on ``engine.analyzer.analyze`` and ``engine.embedder.encode``, so
the total is exactly what ``compare_articles`` costs.

Usage::

    python bench/throughput.py [--runs 3] [--limit N] [--json bench/results/throughput.json]
                               [--profile] [--ceilings] [--data DIR]

``--ceilings`` then times each model alone, given the whole machine: spaCy's
``nlp.pipe`` over the documents in one and in two processes, and the sentence
model over exactly the texts one run sent through it. No comparison can run
faster than the slower of the two.

Target (issue): at least 20 articles/s and under 2 GB resident on a laptop-class CPU.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from _common import (
    check_fingerprint,
    cpu_seconds,
    datasets_dir,
    engine_fingerprint,
    load_average,
    machine,
    make_engine,
    peak_rss_mb,
    progress,
    read_jsonl,
    require,
    table,
    write_json,
)

TARGET_ARTICLES_PER_S = 20.0
TARGET_RSS_MB = 2048.0


class _Timer:
    """Wraps a callable and adds up the wall time spent in it."""

    def __init__(self, fn: Callable[..., Any]) -> None:
        self.fn = fn
        self.seconds = 0.0
        self.calls = 0
        self.items = 0
        self.texts: list[str] = []  # of the last run (for --ceilings)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        t = time.perf_counter()
        try:
            return self.fn(*args, **kwargs)
        finally:
            self.seconds += time.perf_counter() - t
            self.calls += 1
            if args and isinstance(args[0], list | tuple):
                self.items += len(args[0])
                self.texts.extend(args[0])

    def reset(self) -> None:
        self.seconds = 0.0
        self.calls = 0
        self.items = 0
        self.texts = []


def load_batches(data, limit: int | None):  # noqa: ANN001, ANN201
    from newsweave.model import Article

    path = data / "ecbplus" / "docs.jsonl"
    require(path)
    batches: dict[str, list[Article]] = {}
    for n, row in enumerate(read_jsonl(path)):
        if limit is not None and n >= limit:
            break
        doc_id = str(row["doc_id"])
        batches.setdefault(str(row["subtopic"]), []).append(
            Article(text=row["text"], id=doc_id, outlet=doc_id)
        )
    return list(batches.values())


def one_run(
    engine,  # noqa: ANN001
    batches,  # noqa: ANN001
    analyze_t: _Timer,
    encode_t: _Timer | None,
    model_t: _Timer | None,
    judge_t: _Timer | None = None,
) -> dict[str, Any]:
    engine.embedder._memory.clear()
    judge_cache = getattr(getattr(engine, "_judge", None), "_cache", None)
    if judge_cache is not None:
        judge_cache.clear()  # each run judges its pairs afresh
    gc.collect()
    for timer in (analyze_t, encode_t, model_t, judge_t):
        if timer is not None:
            timer.reset()
    articles = claims = groups = chars = 0
    load0 = load_average()
    cpu0 = cpu_seconds()
    t0 = time.perf_counter()
    for batch in batches:
        result = engine.compare_articles(batch)
        articles += len(batch)
        chars += sum(len(a.text) for a in batch)
        claims += sum(len(a.claims) for a in result.articles)
        groups += len(result.claims)
    wall = time.perf_counter() - t0
    cpu = cpu_seconds() - cpu0
    split_ok = analyze_t.calls == len(batches)
    return {
        "articles": articles,
        "chars": chars,
        "claims": claims,
        "claim_groups": groups,
        "seconds": wall,
        "cpu_seconds": cpu,
        "articles_per_s": articles / wall,
        "claims_per_s": claims / wall,
        "analysis_seconds": analyze_t.seconds if split_ok else None,
        "rest_seconds": wall - analyze_t.seconds if split_ok else None,
        "embed_seconds": encode_t.seconds if encode_t is not None else None,
        "texts_to_embedder": encode_t.items if encode_t is not None else None,
        "texts_through_model": model_t.items if model_t is not None else None,
        "model_seconds": model_t.seconds if model_t is not None else None,
        "judge_seconds": judge_t.seconds if judge_t is not None else None,
        "pairs_judged": judge_t.items if judge_t is not None else None,
        "load_average_before": load0,
        "load_average_after": load_average(),
        "peak_rss_mb": peak_rss_mb(),
    }


def measure_ceilings(engine, batches, model_t: _Timer | None) -> dict[str, float]:  # noqa: ANN001
    """Articles/s of each model alone: the fastest any comparison could go."""
    texts = [a.text for b in batches for a in b]
    out: dict[str, float] = {}
    for procs in (1, 2):
        t = time.perf_counter()
        for _ in engine.analyzer.nlp.pipe(texts, batch_size=32, n_process=procs):
            pass
        out[f"spacy_{procs}_process"] = len(texts) / (time.perf_counter() - t)
    if model_t is not None and model_t.texts:
        t = time.perf_counter()
        model_t.fn(model_t.texts)  # the bare model call, no cache
        secs = time.perf_counter() - t
        out["embedder_texts_per_s"] = len(model_t.texts) / secs
        out["embedder"] = len(texts) / secs
    print("\n" + table(
        ["model alone", "articles/s"],
        [["spaCy `nlp.pipe`, 1 process", f"{out['spacy_1_process']:.1f}"],
         ["spaCy `nlp.pipe`, 2 processes", f"{out['spacy_2_process']:.1f}"]]
        + ([[f"sentence model, the {len(model_t.texts)} texts of one run "
             f"({out['embedder_texts_per_s']:.0f} texts/s)", f"{out['embedder']:.1f}"]]
           if "embedder" in out else []),
    ))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", help="datasets folder (default ../shared/datasets)")
    ap.add_argument("--limit", type=int, help="use only the first N documents")
    ap.add_argument("--runs", type=int, default=3, help="timed runs (default 3)")
    ap.add_argument("--json", help="write the numbers here (under bench/results/)")
    ap.add_argument("--profile", action="store_true",
                    help="run one extra pass under cProfile and print the top entries to stderr")
    ap.add_argument("--ceilings", action="store_true",
                    help="then time spaCy (1 and 2 processes) and the sentence model alone")
    ap.add_argument("--judge", choices=("pair", "embed"), default="pair",
                    help="the pair judge to run (default: pair, the engine's default)")
    ap.add_argument("--torch-threads", type=int,
                    help="torch.set_num_threads(N) before timing (default: torch's own choice)")
    args = ap.parse_args(argv)
    if args.runs < 1:
        ap.error("--runs must be at least 1")
    if args.torch_threads:
        import torch

        torch.set_num_threads(args.torch_threads)

    fingerprint = engine_fingerprint()
    batches = load_batches(datasets_dir(args.data), args.limit)
    if not batches:
        print("skipped: no documents")
        return 0
    n_docs = sum(len(b) for b in batches)
    progress(f"{n_docs} documents in {len(batches)} subtopic batches")

    rss_start = peak_rss_mb()
    t = time.perf_counter()
    engine = make_engine(judge=args.judge)
    engine.compare_articles(batches[0])  # loads the models; not counted
    load_s = time.perf_counter() - t
    rss_loaded = peak_rss_mb()
    progress(f"models loaded and warmed up in {load_s:.1f}s (peak RSS {rss_loaded:.0f} MB)")

    analyze_t = _Timer(engine.analyzer.analyze)
    encode_t: _Timer | None = _Timer(engine.embedder.encode)
    try:
        engine.analyzer.analyze = analyze_t
    except AttributeError:  # slots: fall back to no split
        progress("warning: cannot time analyzer.analyze; no split")
    try:
        engine.embedder.encode = encode_t
    except AttributeError:
        encode_t = None
    # The model call behind the cache (cache misses only).
    model_t: _Timer | None = None
    if hasattr(engine.embedder, "_encode"):
        model_t = _Timer(engine.embedder._encode)
        try:
            engine.embedder._encode = model_t
        except AttributeError:
            model_t = None

    # The pair model's own work (pairs read by the model: cache misses, second readings
    # included). Not ``judge.judge``, which calls itself for the second reading and would be
    # counted twice.
    judge_t: _Timer | None = None
    if getattr(getattr(engine, "judge", None), "thresholds", None) is not None:
        engine.judge.load()
        judge_t = _Timer(engine.judge._run)
        engine.judge._run = judge_t

    runs = []
    for r in range(args.runs):
        res = one_run(engine, batches, analyze_t, encode_t, model_t, judge_t)
        runs.append(res)
        progress(
            f"run {r + 1}/{args.runs}: {res['articles_per_s']:.2f} articles/s, "
            f"{res['seconds']:.1f}s wall, {res['cpu_seconds']:.1f}s CPU, "
            f"load {res['load_average_before']:.2f}->{res['load_average_after']:.2f}"
        )

    profile_text = None
    if args.profile:
        prof = cProfile.Profile()
        prof.enable()
        one_run(engine, batches, analyze_t, encode_t, model_t, judge_t)
        prof.disable()
        buf = io.StringIO()
        stats = pstats.Stats(prof, stream=buf).strip_dirs()
        stats.sort_stats("cumulative").print_stats(30)
        stats.sort_stats("tottime").print_stats(25)
        profile_text = buf.getvalue()
        print(profile_text, file=sys.stderr)

    def med(key: str) -> float | None:
        vals = [r[key] for r in runs if r[key] is not None]
        return statistics.median(vals) if vals else None

    peak = peak_rss_mb()
    summary = {
        "articles_per_s_median": med("articles_per_s"),
        "claims_per_s_median": med("claims_per_s"),
        "seconds_median": med("seconds"),
        "cpu_seconds_median": med("cpu_seconds"),
        "analysis_seconds_median": med("analysis_seconds"),
        "rest_seconds_median": med("rest_seconds"),
        "embed_seconds_median": med("embed_seconds"),
        "model_seconds_median": med("model_seconds"),
        "judge_seconds_median": med("judge_seconds"),
        "peak_rss_mb": peak,
        "rss_after_model_load_mb": rss_loaded,
        "rss_at_start_mb": rss_start,
        "model_load_and_warmup_s": load_s,
    }

    print(f"## Throughput: full compare over ECB+ subtopic batches "
          f"({n_docs} docs, {len(batches)} batches, {args.runs} runs)\n")

    def fmt(v: float | None, spec: str = ".2f") -> str:
        return "n/a" if v is None else format(v, spec)

    rows = []
    for i, r in enumerate(runs, 1):
        rows.append([
            i, r["articles"], r["claims"], fmt(r["seconds"], ".1f"), fmt(r["cpu_seconds"], ".1f"),
            fmt(r["articles_per_s"]), fmt(r["claims_per_s"], ".1f"),
            fmt(r["analysis_seconds"], ".1f"), fmt(r["rest_seconds"], ".1f"),
            fmt(r["embed_seconds"], ".1f"),
            f"{fmt(r['load_average_before'])}→{fmt(r['load_average_after'])}",
        ])
    rows.append([
        "**median**", runs[0]["articles"], runs[0]["claims"],
        fmt(summary["seconds_median"], ".1f"), fmt(summary["cpu_seconds_median"], ".1f"),
        f"**{fmt(summary['articles_per_s_median'])}**", fmt(summary["claims_per_s_median"], ".1f"),
        fmt(summary["analysis_seconds_median"], ".1f"), fmt(summary["rest_seconds_median"], ".1f"),
        fmt(summary["embed_seconds_median"], ".1f"), "",
    ])
    print(table(
        ["run", "articles", "claims", "wall s", "CPU s", "articles/s", "claims/s",
         "analysis s", "rest s", "of which embed s", "load avg"],
        rows,
    ))
    wall = summary["seconds_median"] or 0.0
    an = summary["analysis_seconds_median"]
    rest = summary["rest_seconds_median"]
    emb = summary["embed_seconds_median"]
    print()
    if an is not None and rest is not None and wall:
        print(table(
            ["step (median run)", "seconds", "share", "articles/s if alone"],
            [
                ["analysis (`analyzer.analyze`)", f"{an:.1f}", f"{an / wall:.0%}",
                 f"{n_docs / an:.1f}"],
                ["rest (`compare_analyzed`)", f"{rest:.1f}", f"{rest / wall:.0%}",
                 f"{n_docs / rest:.1f}"],
                ["  of which embedder `encode`", fmt(emb, ".1f"),
                 f"{emb / wall:.0%}" if emb is not None else "n/a",
                 f"{n_docs / emb:.1f}" if emb else "n/a"],
            ] + ([["  of which pair judge", f"{summary['judge_seconds_median']:.1f}",
                   f"{summary['judge_seconds_median'] / wall:.0%}",
                   f"{n_docs / summary['judge_seconds_median']:.1f}"]]
                 if summary.get("judge_seconds_median") else []),
        ))
        print()
    r0 = runs[0]
    if r0["texts_through_model"] is not None and summary["model_seconds_median"]:
        print(f"Embedder per run: {r0['texts_to_embedder']} texts asked for "
              f"({r0['claims']} claims + masked wordings), {r0['texts_through_model']} through "
              f"the model (cache misses); model time (median) "
              f"{summary['model_seconds_median']:.1f}s = "
              f"{r0['texts_through_model'] / summary['model_seconds_median']:.0f} texts/s.\n")
    aps = summary["articles_per_s_median"] or 0.0
    print(table(
        ["target", "measured", "met"],
        [
            [f"≥ {TARGET_ARTICLES_PER_S:.0f} articles/s", f"{aps:.2f}",
             "yes" if aps >= TARGET_ARTICLES_PER_S else "**no**"],
            [f"< {TARGET_RSS_MB:.0f} MB peak RSS", f"{peak:.0f}",
             "yes" if peak < TARGET_RSS_MB else "**no**"],
        ],
    ))
    if runs[0].get("pairs_judged") is not None:
        print(f"Pair judge per run: {runs[0]['pairs_judged']} pairs read by the model.\n")
    print(f"\nModels loaded + warm-up batch: {load_s:.1f}s; peak RSS after load "
          f"{rss_loaded:.0f} MB. Engine source {fingerprint}. Machine: {machine()}")
    ceilings = None
    if args.ceilings:
        ceilings = measure_ceilings(engine, batches, model_t)
    stable = check_fingerprint(fingerprint)

    write_json(args.json, {
        "benchmark": "throughput",
        "documents": n_docs,
        "batches": len(batches),
        "limit": args.limit,
        "runs": runs,
        "summary": summary,
        "machine": machine(),
        "torch_threads": args.torch_threads,
        "judge": args.judge,
        "engine_fingerprint": fingerprint,
        "engine_unchanged_during_run": stable,
        "targets": {"articles_per_s": TARGET_ARTICLES_PER_S, "rss_mb": TARGET_RSS_MB},
        "ceilings": ceilings,
    })
    return 0


if __name__ == "__main__":
    sys.exit(main())
