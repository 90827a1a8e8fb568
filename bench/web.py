"""The web app under load: requests per second and latency of its pages and API endpoints
over a store of 10,000 reports.

1. Build the store cheaply: ``bench/scale.py``'s synthetic reports (analysed ECB+ and NeuS
   documents, varied), stored through ``Library.ingest_analyzed`` without NLP; each gets one
   of 40 made-up outlets. Reused when ``--db`` already holds them.
2. Compare the stories the load test asks for (the first page of the listing, ``--stories``
   of them) with the real engine, once, and time it: that is the cold cost of a story page.
   Every timed request then reads the comparison from the store's cache (warm).
3. Serve the store with uvicorn (one process, ``compute=False``) on 127.0.0.1 in a child
   process, and drive it with ``--clients`` concurrent keep-alive clients (httpx, one thread
   each) for ``--seconds`` per endpoint; three runs, the median of each figure.

The server and the load generator share the machine: on a 2-core box the client threads take
a good part of the CPU, so the figures are a floor for what the server alone would do.

Usage::

    python bench/web.py [--reports 10000] [--db /tmp/nw-web.db] [--cache /tmp/nwcache]
                        [--clients 8] [--seconds 10] [--runs 3] [--json bench/results/web.json]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import zlib
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import REPO, datasets_dir, machine, present, progress, table, write_json  # noqa: E402

#: Made-up outlets the synthetic reports are spread over (the datasets carry none).
OUTLETS = 40
#: State key marking a store this script finished building, with its size.
_BUILT = "bench.web"
#: Search words for the search endpoint: common enough to match many reports.
SEARCH_WORDS = ["police", "earthquake", "killed", "president", "fire", "court"]


def build_store(db: Path, n: int, data: Path, cache: Path | None) -> None:
    """Fill ``db`` with ``n`` synthetic reports (skipped when it holds them already)."""
    import scale

    from newsweave.library import Library
    from newsweave.store import Store, article_key

    if db.exists():
        with Store(db) as store:
            if (store.get_state(_BUILT) or {}).get("reports") == n:
                progress(f"reusing {db} ({store.count_articles()} reports)")
                return
        for p in db.parent.glob(db.name + "*"):
            p.unlink()
    base, feats = scale.base_pool(data, cache)
    progress(f"building a store of {n} reports from a pool of {len(base)}")
    t = time.perf_counter()
    with Store(db) as store:
        library = Library(store, engine=scale._NoEngine())  # type: ignore[arg-type]
        stream = scale.synthetic(base, feats, n)
        done = 0
        while done < n:
            items = [next(stream) for _ in range(min(1000, n - done))]
            for an, _ in items:
                art = an.article
                art.outlet = f"Outlet {zlib.crc32(art.text.encode()) % OUTLETS:02d}"
                # The stored id, now: the claims of a synthetic variant still name the
                # document it was made from, and a comparison looks their text up by id.
                art.id = article_key(art.url, art.text)
                an.claims = [dataclasses.replace(c, article=art.id) for c in an.claims]
            library.ingest_analyzed([a for a, _ in items], features=[f for _, f in items])
            done += len(items)
            progress(f"  {done} reports, {done / (time.perf_counter() - t):.0f}/s")
        # Some variants repeat a stored text and are not added again, so the count of
        # reports is not the mark of a finished build: this is.
        store.put_state(_BUILT, {"reports": n})


def compare_stories(db: Path, count: int, cache: Path | None) -> dict[str, Any]:
    """Compare the first ``count`` stories of the listing (cached in the store); time it."""
    from newsweave.config import Options
    from newsweave.engine import Engine
    from newsweave.library import Library
    from newsweave.store import Store

    options = Options.build(cache_dir=str(cache / "embeddings") if cache else "")
    with Store(db) as store:
        library = Library(store, Engine(options))
        stories, total = library.story_summaries(limit=count)
        times = []
        for s in stories:
            if s["compared"]:
                continue
            t = time.perf_counter()
            library.story_comparison_json(s["id"])
            times.append(time.perf_counter() - t)
        reports = [s["reports"] for s in stories]
        ids = [s["id"] for s in stories]
        articles = [a for s in stories for a in s["article_ids"][:2]]
    if times:
        progress(f"compared {len(times)} stories: median {statistics.median(times):.1f} s")
    return {
        "stories": ids,
        "articles": articles,
        "total_stories": total,
        "reports_per_story": reports,
        "compare_seconds": times,
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: Path, port: int) -> subprocess.Popen[bytes]:
    code = (
        "import uvicorn\n"
        "from newsweave.web import create_app\n"
        f"app = create_app({str(db)!r}, compute=False)\n"
        f"uvicorn.run(app, host='127.0.0.1', port={port}, log_level='warning')\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=REPO)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/stories?limit=1", timeout=2)
            return proc
        except httpx.HTTPError:
            if proc.poll() is not None:
                raise SystemExit("the server exited at start") from None
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the server did not start in 60 s")


def load(base: str, paths: list[str], clients: int, seconds: float) -> dict[str, float]:
    """``clients`` threads request ``paths`` (round robin from a random start) for ``seconds``."""
    latencies: list[list[float]] = [[] for _ in range(clients)]
    failures = [0] * clients
    stop = time.perf_counter() + seconds

    def worker(i: int) -> None:
        order = paths[:]
        random.Random(i).shuffle(order)
        k = 0
        with httpx.Client(base_url=base, timeout=30) as c:
            while time.perf_counter() < stop:
                t = time.perf_counter()
                r = c.get(order[k % len(order)])
                latencies[i].append(time.perf_counter() - t)
                if r.status_code != 200:
                    failures[i] += 1
                k += 1

    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    flat = sorted(x for xs in latencies for x in xs)
    return {
        "requests": len(flat),
        "rps": len(flat) / elapsed,
        "p50_ms": statistics.median(flat) * 1000,
        "p95_ms": flat[int(0.95 * (len(flat) - 1))] * 1000,
        "failures": sum(failures),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reports", type=int, default=10_000)
    ap.add_argument("--db", default="/tmp/nw-web-bench.db", help="store to build or reuse")
    ap.add_argument("--cache", help="analyses of bench/clustering.py --cache (outside the repo)")
    ap.add_argument("--data", help="datasets folder (default ../shared/datasets)")
    ap.add_argument("--stories", type=int, default=10, help="stories compared and requested")
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--json", help="write numbers here (under bench/results/)")
    args = ap.parse_args(argv)
    data = datasets_dir(args.data)
    if not all(present(p) for p in [data / "ecbplus" / "docs.jsonl", data / "neus" / "val.jsonl"]):
        return 0
    cache = Path(args.cache).expanduser().resolve() if args.cache else None
    db = Path(args.db).expanduser().resolve()
    if db.is_relative_to(REPO):
        ap.error("--db must be outside the repository")

    build_store(db, args.reports, data, cache)
    picked = compare_stories(db, args.stories, cache)
    stories, articles = picked["stories"], picked["articles"]
    endpoints = {
        "stories page /": ["/"],
        "stories page, searched": [f"/?q={w}" for w in SEARCH_WORDS],
        "story page /stories/{id}": [f"/stories/{s}" for s in stories],
        "report page /articles/{id}": [f"/articles/{a}" for a in articles],
        "API /api/stories": ["/api/stories"],
        "API /api/stories/{id}/comparison": [f"/api/stories/{s}/comparison" for s in stories],
        "API /api/search": [f"/api/search?q={w}" for w in SEARCH_WORDS],
    }
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(db, port)
    results: dict[str, Any] = {
        "machine": machine(),
        "reports": args.reports,
        "clients": args.clients,
        "seconds": args.seconds,
        "runs": args.runs,
        "stories": picked,
        "endpoints": {},
    }
    try:
        for name, paths in endpoints.items():
            load(base, paths, 2, 1.0)  # warm up: connections, page caches
            runs = [load(base, paths, args.clients, args.seconds) for _ in range(args.runs)]
            med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
            results["endpoints"][name] = {"median": med, "runs": runs}
            progress(f"{name}: {med['rps']:.0f} req/s, p50 {med['p50_ms']:.0f} ms, "
                     f"p95 {med['p95_ms']:.0f} ms, {med['failures']:.0f} failed")
    finally:
        server.terminate()
        server.wait(timeout=10)
    rows = [[name, f"{r['median']['rps']:.0f}", f"{r['median']['p50_ms']:.0f}",
             f"{r['median']['p95_ms']:.0f}", int(sum(x["failures"] for x in r["runs"]))]
            for name, r in results["endpoints"].items()]
    print(table(["endpoint", "requests/s", "p50 ms", "p95 ms", "failed"], rows))
    times = picked["compare_seconds"]
    if times:
        print(f"\ncold comparison of {len(times)} stories ({min(picked['reports_per_story'])}-"
              f"{max(picked['reports_per_story'])} reports each): median "
              f"{statistics.median(times):.1f} s, max {max(times):.1f} s")
    print(f"\n{os.cpu_count()} CPUs shared by the server and the load generator")
    write_json(args.json, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
