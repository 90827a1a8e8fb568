"""The story listing's cost: one page of ``Store.story_summaries`` over a store of
synthetic reports, without and with an outlet registry.

The store holds ``--reports`` short made-up reports in stories of 10, from 40 made-up
outlets (each named, with a URL on its own domain); one report in ten is marked a copy of
the report before it. No NLP runs: only the store's listing query and the outlet naming
are timed (the median of ``--runs`` calls for one page of 50 stories). Then a registry
of the 40 outlets (10 owners) is added and the page timed again, and the outlet list the
home page's filter reads. Run it under another
checkout's ``PYTHONPATH`` (with another ``--db``) to compare versions.

Usage::

    python bench/listing.py [--reports 10000] [--db /tmp/nw-listing.db] [--runs 15]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from pathlib import Path

from newsweave.model import Article
from newsweave.store import Store

OUTLETS = 40
PER_STORY = 10


def build(store: Store, reports: int) -> None:
    rng = random.Random(1)
    articles = []
    for i in range(reports):
        o = rng.randrange(OUTLETS)
        articles.append(Article(
            text=f"Report {i} about event {i // PER_STORY}. " + "Words of the report. " * 20,
            outlet=f"Outlet {o}", url=f"https://outlet{o}.com/{i}",
            published=f"2025-0{1 + i % 9}-1{i % 9}"))
    with store.atomic():
        ids = [key for key, _ in store.put_articles(articles)]
        for n, key in enumerate(ids):
            story = f"s{n // PER_STORY}"
            if n % PER_STORY == 0:
                store.put_story(story, f"Story {n // PER_STORY}")
            store.assign_story(key, story)
            if n % PER_STORY and n % 10 == 5:
                store.set_copy_of(key, ids[n - 1])


def median_ms(call, runs: int) -> float:  # noqa: ANN001 - a callable
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        call()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def page_ms(store: Store, runs: int) -> float:
    return median_ms(lambda: store.story_summaries(limit=50), runs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reports", type=int, default=10_000)
    ap.add_argument("--db", default="/tmp/nw-listing.db")
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args()
    for suffix in ("", "-wal", "-shm"):
        Path(args.db + suffix).unlink(missing_ok=True)
    with Store(args.db) as store:
        build(store, args.reports)
        print(f"{args.reports} reports: one listing page, median of {args.runs}: "
              f"{page_ms(store, args.runs):.1f} ms")
        if hasattr(store, "add_outlets"):
            from newsweave.outlets import RegistryRow

            store.add_outlets(RegistryRow(f"outlet{i}.com", f"Outlet {i}", f"Owner {i % 10}",
                                          "GB", ("left", "right")[i % 2])
                              for i in range(OUTLETS))
            print(f"with a registry of {OUTLETS} outlets: {page_ms(store, args.runs):.1f} ms")
            print(f"the outlet list (Store.outlets): {median_ms(store.outlets, args.runs):.1f} ms")


if __name__ == "__main__":
    main()
