"""Copy detection: precision and recall on reprints built from ECB+ documents.

Positives are reprints we construct from each document (our own edits of text
read at run time; nothing is written to the repository):

- ``reheadline``: a new first line above the same text;
- ``trim``: the last 40% of the sentences dropped;
- ``edit``: one word in ten replaced;
- ``all``: a new first line, the last 30% dropped and one word in fifteen replaced.

Negatives are every pair of distinct documents of one ECB+ subtopic: different
outlets' reports of one event, which must not be called copies.

Both detectors are scored: ``find_copies`` (exact 5-gram containment, used for
one story's comparison) and ``CopyIndex`` (MinHash LSH, used by the store).

    python bench/copies.py [--data DIR] [--json PATH]
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from collections import defaultdict
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import datasets_dir, read_jsonl, require, table, write_json  # noqa: E402

from newsweave.dedup import (  # noqa: E402
    COPY_THRESHOLD,
    CopyIndex,
    containment,
    minhash_signature,
    shingles,
)

_SENT = re.compile(r"(?<=[.!?])\s+")
HEADLINE = "Updated: what we know so far"


def variants(text: str, rng: random.Random) -> dict[str, str]:
    sents = _SENT.split(text.strip())

    def edit(t: str, every: int) -> str:
        words = t.split(" ")
        for i in range(rng.randrange(every), len(words), every):
            words[i] = "changed"
        return " ".join(words)

    keep = max(1, round(len(sents) * 0.6))
    keep_all = max(1, round(len(sents) * 0.7))
    return {
        "reheadline": f"{HEADLINE}\n\n{text}",
        "trim": " ".join(sents[:keep]),
        "edit": edit(text, 10),
        "all": f"{HEADLINE}\n\n" + edit(" ".join(sents[:keep_all]), 15),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", help="datasets folder (default ../shared/datasets)")
    parser.add_argument("--json", help="write results here (numbers only)")
    parser.add_argument("--min-words", type=int, default=80,
                        help="documents shorter than this are left out as originals")
    args = parser.parse_args()
    path = datasets_dir(args.data) / "ecbplus" / "docs.jsonl"
    require(path)
    docs = list(read_jsonl(path))
    rng = random.Random(13)

    positives: list[tuple[str, str, str]] = []  # (kind, original, copy)
    for d in docs:
        if len(d["text"].split()) >= args.min_words:
            for kind, text in variants(d["text"], rng).items():
                positives.append((kind, d["text"], text))
    by_sub: dict[str, list[str]] = defaultdict(list)
    for d in docs:
        by_sub[d["subtopic"]].append(d["text"])
    negatives = [(a, b) for texts in by_sub.values() for a, b in combinations(texts, 2)]

    # Exact containment, as find_copies decides.
    t0 = time.perf_counter()
    cache: dict[str, set[int]] = {}

    def sh(t: str) -> set[int]:
        if t not in cache:
            cache[t] = shingles(t)
        return cache[t]

    pos_c = [(kind, containment(sh(a), sh(b))) for kind, a, b in positives]
    neg_c = [containment(sh(a), sh(b)) for a, b in negatives]
    exact_pos = defaultdict(list)
    for kind, c in pos_c:
        exact_pos[kind].append(c >= COPY_THRESHOLD)
    exact_neg = [c >= COPY_THRESHOLD for c in neg_c]
    exact_s = time.perf_counter() - t0
    sweep = []
    for t in (0.4, 0.5, 0.6, 0.7, 0.8):
        tp = sum(c >= t for _, c in pos_c)
        fp = sum(c >= t for c in neg_c)
        sweep.append([f"{t:.1f}", f"{tp / (tp + fp):.3f}", f"{tp / len(pos_c):.3f}", fp])
    near = sum(c >= 0.8 for c in neg_c)

    # MinHash LSH: index every original document, query every variant and every
    # other document of its subtopic.
    t0 = time.perf_counter()
    index = CopyIndex()
    sigs = {}
    for n, d in enumerate(docs):
        sigs[d["text"]] = minhash_signature(d["text"])
        index.add(str(n), *sigs[d["text"]])
    key_of = {d["text"]: str(n) for n, d in enumerate(docs)}
    lsh_pos = defaultdict(list)
    for kind, a, b in positives:
        found = {k for k, _ in index.matches(*minhash_signature(b))}
        lsh_pos[kind].append(key_of[a] in found)
    lsh_neg = []
    for a, b in negatives:
        found = {k for k, _ in index.matches(*sigs[b])}
        lsh_neg.append(key_of[a] in found and key_of[a] != key_of[b])
    lsh_s = time.perf_counter() - t0

    rows = []
    results: dict[str, dict[str, float]] = {}
    for name, pos, neg, secs in (("exact (find_copies)", exact_pos, exact_neg, exact_s),
                                 ("MinHash LSH (CopyIndex)", lsh_pos, lsh_neg, lsh_s)):
        tp = sum(sum(v) for v in pos.values())
        fn = sum(len(v) - sum(v) for v in pos.values())
        fp = sum(neg)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        per_kind = {k: sum(v) / len(v) for k, v in pos.items()}
        results[name] = {"precision": precision, "recall": recall, "false_copies": fp,
                         "negative_pairs": len(neg), "seconds": secs, **per_kind}
        rows.append([name, f"{precision:.3f}", f"{recall:.3f}",
                     *(f"{per_kind[k]:.3f}" for k in ("reheadline", "trim", "edit", "all")),
                     f"{fp} / {len(neg)}", f"{secs:.1f}"])
    print(f"{len(positives)} constructed reprints of {len(positives) // 4} ECB+ documents; "
          f"{len(negatives)} pairs of distinct same-subtopic documents\n")
    print(table(["detector", "precision", "recall", "recall: reheadline", "trim", "edit", "all",
                 "false copies", "seconds"], rows))
    print("\nExact containment threshold sweep (COPY_THRESHOLD is "
          f"{COPY_THRESHOLD}):\n")
    print(table(["threshold", "precision", "recall", "false copies"], sweep))
    print(f"\n{near} of the same-subtopic pairs have containment >= 0.8: ECB+ holds some "
          "reprints of one wire story under different outlets, so part of the 'false "
          "copies' are true copies.")
    write_json(args.json, {"copies": results, "sweep": sweep, "negatives_over_0.8": near})


if __name__ == "__main__":
    main()
