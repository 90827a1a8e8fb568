"""The conflicts the engine raises on ECB+ stories, audited by hand.

Every ECB+ subtopic (one real event, reported by several outlets) is compared as
one story. Each conflict raised gets a stable key (subtopic, type, the two
spans). ``bench/gold/ecb-conflict-audit.json`` holds a person's verdict on a
fixed-seed sample of them, right (a reader would agree the reports disagree
about the same thing) or wrong (a false alarm), with a few words of why; the
texts stay in the dataset.

    python bench/conflict_audit.py --dump /tmp/conflicts.json   # what to label (dataset text!):
                                                                 # a sample at first, then what
                                                                 # is raised and not yet labelled
    python bench/conflict_audit.py                               # precision on the labels
    python bench/conflict_audit.py --reuse /tmp/ecb-analyses.pickle  # faster reruns

The score counts only labelled conflicts that the engine still raises, and says
how many it raises that nobody labelled (re-audit when that grows).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import pickle
import random
import sys
import time
from pathlib import Path
from typing import Any

from _common import REPO, datasets_dir, progress, read_jsonl, require, write_json

LABELS = REPO / "bench" / "gold" / "ecb-conflict-audit.json"
SAMPLE = 100
SEED = 13


def conflict_key(subtopic: str, conflict) -> str:  # noqa: ANN001
    spans = sorted(f"{m.article}:{m.start}-{m.end}" for m in conflict.mentions)
    return f"{subtopic}|{conflict.type}|" + "|".join(spans)


def raise_conflicts(data: Path, judge: str, reuse: str | None = None
                    ) -> tuple[list[dict[str, Any]], float]:
    from newsweave.config import Options
    from newsweave.engine import Engine
    from newsweave.model import Article

    path = data / "ecbplus" / "docs.jsonl"
    require(path)
    batches: dict[str, list[Article]] = {}
    for row in read_jsonl(path):
        batches.setdefault(row["subtopic"], []).append(
            Article(text=row["text"], id=row["doc_id"], outlet=row["doc_id"]))
    engine = Engine(Options.build(cache_dir="", judge=judge))
    analyzed = _load_analyses(reuse)
    out = []
    t0 = time.perf_counter()
    for n, (subtopic, articles) in enumerate(sorted(batches.items()), 1):
        if subtopic not in analyzed:
            analyzed[subtopic] = engine.analyzer.analyze(articles)
        comparison = engine.compare_analyzed(analyzed[subtopic])
        texts = {a.id: a.text for a in articles}
        for g in comparison.claims:
            for c in g.conflicts:
                out.append({
                    "key": conflict_key(subtopic, c),
                    "subtopic": subtopic,
                    "type": c.type,
                    "detail": c.detail,
                    "claim": g.text,
                    "sides": [{"article": m.article, "text": texts[m.article][m.start:m.end],
                               "sentence": _sentence(texts[m.article], m.start, m.end)}
                              for m in c.mentions],
                })
        if n % 10 == 0:
            progress(f"  {n}/{len(batches)} stories, {len(out)} conflicts")
    if reuse:
        from newsweave.library import ANALYSIS_VERSION

        Path(reuse).write_bytes(pickle.dumps((ANALYSIS_VERSION, analyzed)))
    return out, time.perf_counter() - t0


def _load_analyses(path: str | None) -> dict[str, Any]:
    """The analyses of an earlier run (``--reuse``), when they are of this analyser."""
    from newsweave.library import ANALYSIS_VERSION

    if not path or not Path(path).exists():
        return {}
    from newsweave.model import Article

    version, analyzed = pickle.loads(Path(path).read_bytes())
    if version != ANALYSIS_VERSION:
        return {}
    # Reports pickled before Article gained fields: rebuilt, the new fields at their defaults.
    for batch in analyzed.values():
        for a in batch:
            a.article = Article(**{f.name: getattr(a.article, f.name)
                                   for f in dataclasses.fields(Article)
                                   if hasattr(a.article, f.name)})
    return analyzed


def _sentence(text: str, start: int, end: int) -> str:
    lo = text.rfind("\n", 0, start) + 1
    hi = text.find("\n", end)
    return text[lo : hi if hi >= 0 else len(text)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", help="datasets folder (default ../shared/datasets)")
    ap.add_argument("--judge", choices=("pair", "embed"), default="pair")
    ap.add_argument("--dump", help="write the sampled conflicts, with their text, to label here "
                                   "(outside the repository)")
    ap.add_argument("--json", help="write the numbers here (under bench/results/)")
    ap.add_argument("--reuse", help="keep the reports' analyses in this file (outside the "
                                    "repository) and reuse them on the next run: for "
                                    "trying conflict rules")
    args = ap.parse_args(argv)
    data = datasets_dir(args.data)
    if not (data / "ecbplus" / "docs.jsonl").exists():
        print(f"skipped: datasets not found at {data}")
        return 0
    raised, seconds = raise_conflicts(data, args.judge, args.reuse)
    by_type: dict[str, int] = {}
    for c in raised:
        by_type[c["type"]] = by_type.get(c["type"], 0) + 1
    print(f"{len(raised)} conflicts raised over the ECB+ stories ({seconds:.0f}s): {by_type}")
    if args.dump:
        # The first audit labels a sample; later ones, whatever the engine now raises
        # that nobody has labelled.
        labelled = set()
        if LABELS.exists():
            labelled = {x["key"] for x in json.loads(LABELS.read_text("utf-8"))["labels"]}
        todo = [c for c in raised if c["key"] not in labelled]
        if not labelled and len(todo) > SAMPLE:
            todo = random.Random(SEED).sample(todo, SAMPLE)
        Path(args.dump).write_text(json.dumps(todo, indent=1, ensure_ascii=False),
                                   encoding="utf-8")
        print(f"wrote {len(todo)} conflicts to label to {args.dump}")
        return 0
    if not LABELS.exists():
        print(f"no labels at {LABELS}: run with --dump and label them")
        return 0
    labels = {x["key"]: x for x in json.loads(LABELS.read_text(encoding="utf-8"))["labels"]}
    keys = {c["key"] for c in raised}
    judged = [labels[k] for k in keys if k in labels]
    right = sum(1 for x in judged if x["right"])
    gone = [k for k in labels if k not in keys]
    print(f"labelled conflicts still raised: {len(judged)} of {len(labels)}; right {right}: "
          f"precision {right / len(judged):.2f}" if judged else "none of the labelled conflicts "
          "is raised any more")
    print(f"raised but not labelled: {len(keys - set(labels))}; labelled but no longer raised "
          f"(gone): {len(gone)}")
    wrong = {}
    for x in judged:
        if not x["right"]:
            wrong[x["type"]] = wrong.get(x["type"], 0) + 1
    print(f"wrong by type: {wrong}")
    write_json(args.json, {"benchmark": "conflict_audit", "judge": args.judge,
                           "raised": len(raised), "by_type": by_type,
                           "labelled_still_raised": len(judged), "right": right,
                           "precision": right / len(judged) if judged else None,
                           "unlabelled": len(keys - set(labels)), "gone": len(gone)})
    return 0


if __name__ == "__main__":
    sys.exit(main())
