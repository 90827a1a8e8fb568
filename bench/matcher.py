"""Quality of the pair judge and of the engine's alignment on public pair datasets.

Only the parts the pair model never trained on are scored (train/pair_model.py
holds out 20% of MRPC train and 20% of FNC-1 train bodies by a hash; STS-B news
dev is held out whole):

- MRPC held-back pairs: each sentence pair becomes two one-sentence articles run
  through ``engine.compare_analyzed``. The engine says "same meaning" when at
  least half of the text of both sentences lands in claim groups holding both
  articles and no group conflicts. Also: the judge alone on the two sentences
  (the same fact and not contradicted, at its calibrated threshold), and the
  plain sentence cosine at its best threshold (chosen on the scored data: an
  oracle, for reference).
- STS-B news dev: Pearson and Spearman of the judge's similarity head (``pair``)
  or of the sentence cosine (``embed``) against the 0-5 gold.
- FNC-1 held-back bodies: headline = article A, body = article B, compared by the
  engine. Per stance, how often the comparison finds a conflict and how often
  anything aligns. A fixed-seed sample per stance.

Usage::

    python bench/matcher.py [--judge pair|embed] [--only mrpc|stsb|fnc1] [--limit N]
                            [--fnc-sample 400] [--json bench/results/matcher.json]

``--show-errors N`` prints N MRPC false positives and negatives to stderr
(dataset text: never redirect it into the repository).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from typing import Any

import numpy as np
from _common import (
    check_fingerprint,
    datasets_dir,
    engine_fingerprint,
    fnc_part,
    machine,
    make_engine,
    mrpc_part,
    present,
    progress,
    read_jsonl,
    table,
    write_json,
)

COVERAGE = 0.5
SEED = 13


def analyse(engine, texts: list[tuple[str, str]], label: str) -> dict[str, Any]:  # noqa: ANN001
    from newsweave.model import Article

    t = time.perf_counter()
    arts = [Article(text=text, id=aid, outlet=aid) for aid, text in texts]
    out = {a.article.id: a for a in engine.analyzer.iter_analyze(arts)}
    progress(f"  {label}: analysed {len(arts)} texts in {time.perf_counter() - t:.0f}s")
    return out


def judge_contradiction(engine, a, b) -> float | None:  # noqa: ANN001
    """The judge's highest contradiction over every pair of the two reports' claims,
    kernels and facets it reads (before any of the engine's conflict rules): a ceiling
    for what rules on top of the judge can show. ``None`` for the embed judge."""
    from newsweave.align import Aligner

    if getattr(engine.judge, "thresholds", None) is None:
        return None
    aligner = Aligner(engine.embedder, judge=engine.judge)
    aligner.pair_log = []
    aligner.align([a, b], {}, [])
    claims = a.claims + b.claims
    return max((v.contradict for ui, uj, v, _, _ in aligner.pair_log
                if claims[ui.item].article != claims[uj.item].article), default=0.0)


def compare_pair(engine, a, b) -> dict[str, Any]:  # noqa: ANN001
    """Run the engine on two analysed articles and summarise the outcome."""
    result = engine.compare_analyzed([a, b])
    cross: list[tuple[str, int, int]] = []
    conflict_types: list[str] = []
    for g in result.claims:
        conflict_types.extend(c.type for c in g.conflicts)
        if len({m.article for m in g.mentions}) >= 2:
            cross += [(m.article, m.start, m.end) for m in g.mentions]
    claims = a.claims + b.claims
    covered = 0
    for c in claims:
        if any(art == c.article and s < c.end and c.start < e for art, s, e in cross):
            covered += max(c.end - c.start, 1)
    total = sum(max(c.end - c.start, 1) for c in claims)
    return {
        "claims_a": len(a.claims),
        "claims_b": len(b.claims),
        "coverage": covered / total if total else 0.0,
        "aligned": bool(cross),
        "conflict": bool(conflict_types),
        "conflict_types": conflict_types,
        "judge_contradiction": judge_contradiction(engine, a, b),
    }


def text_cosines(engine, pairs: list[tuple[str, str]]) -> np.ndarray:  # noqa: ANN001
    texts = list(dict.fromkeys(t for p in pairs for t in p))
    vec = dict(zip(texts, engine.embedder.encode(texts), strict=True))
    return np.array([float(vec[x] @ vec[y]) for x, y in pairs])


def acc_f1(gold: np.ndarray, pred: np.ndarray) -> tuple[float, float, float, float]:
    tp = int(np.sum(pred & gold))
    fp = int(np.sum(pred & ~gold))
    fn = int(np.sum(~pred & gold))
    acc = float(np.mean(pred == gold))
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return acc, f1, p, r


def oracle_threshold(gold: np.ndarray, score: np.ndarray) -> dict[str, float]:
    """Best accuracy of ``score >= t`` over all t (t chosen on the evaluated data)."""
    best = {"accuracy": -1.0, "f1": 0.0, "threshold": 0.0}
    for t in np.unique(score):
        a, f1, _, _ = acc_f1(gold, score >= t)
        if a > best["accuracy"]:
            best = {"accuracy": a, "f1": f1, "threshold": float(t)}
    return best


def run_mrpc(engine, data, limit: int | None, show_errors: int) -> dict[str, Any]:  # noqa: ANN001
    path = data / "mrpc" / "train.jsonl"
    if not present(path):
        return {}
    rows = [r for r in read_jsonl(path) if mrpc_part(r) == "test"][:limit]
    progress(f"MRPC held-back part: {len(rows)} pairs")
    t0 = time.perf_counter()
    texts = []
    for i, r in enumerate(rows):
        texts += [(f"m{i}a", r["s1"]), (f"m{i}b", r["s2"])]
    analysed = analyse(engine, texts, "MRPC")
    outs = [compare_pair(engine, analysed[f"m{i}a"], analysed[f"m{i}b"])
            for i in range(len(rows))]
    gold = np.array([int(r["label"]) == 1 for r in rows])
    cov = np.array([o["coverage"] for o in outs])
    conflict = np.array([o["conflict"] for o in outs])
    rules = {"engine: ≥ 50% of the text aligned, no conflict (primary)":
             (cov >= COVERAGE) & ~conflict}
    judge = engine.judge
    if judge.thresholds is not None:
        verdicts = judge.judge([(r["s1"], r["s2"]) for r in rows])
        t = judge.thresholds
        rules[f"**pair judge alone on the two sentences (same ≥ {t.same:.2f})**"] = np.array(
            [judge.same_meaning(v) >= t.same for v in verdicts])
    res_rules = {}
    for name, p in rules.items():
        a, f1, prec, rec = acc_f1(gold, p)
        res_rules[name] = {"accuracy": a, "f1": f1, "precision": prec, "recall": rec}
    cosine = text_cosines(engine, [(r["s1"], r["s2"]) for r in rows])
    if show_errors:
        pred = next(iter(rules.values()))
        rng = random.Random(SEED)
        for name, mask in (("FALSE POSITIVES", pred & ~gold), ("FALSE NEGATIVES", ~pred & gold)):
            idx = [int(i) for i in np.nonzero(mask)[0]]
            progress(f"\n===== {name} ({len(idx)}) =====")
            for i in sorted(rng.sample(idx, min(show_errors, len(idx)))):
                progress(f"[{i}] coverage={outs[i]['coverage']:.2f} "
                         f"conflict={outs[i]['conflict_types']}\n  A: {rows[i]['s1']}\n"
                         f"  B: {rows[i]['s2']}")
    return {
        "pairs": len(rows),
        "positive_rate": float(gold.mean()),
        "majority_accuracy": float(max(gold.mean(), 1 - gold.mean())),
        "rules": res_rules,
        "oracle_text_cosine": oracle_threshold(gold, cosine),
        "conflict_rate": {"label 1": float(conflict[gold].mean()),
                          "label 0": float(conflict[~gold].mean())},
        "conflict_types": dict(Counter(t for o in outs for t in set(o["conflict_types"]))),
        "seconds": time.perf_counter() - t0,
    }


def run_stsb(engine, data, limit: int | None) -> dict[str, Any]:  # noqa: ANN001
    from scipy.stats import pearsonr, spearmanr

    path = data / "stsb-news" / "dev.jsonl"
    if not present(path):
        return {}
    rows = list(read_jsonl(path))[:limit]
    progress(f"STS-B news dev: {len(rows)} pairs")
    t0 = time.perf_counter()
    gold = np.array([float(r["score"]) for r in rows])
    pairs = [(r["s1"], r["s2"]) for r in rows]
    cosine = text_cosines(engine, pairs)
    out: dict[str, Any] = {
        "pairs": len(rows),
        "text_cosine": {"pearson": float(pearsonr(cosine, gold)[0]),
                        "spearman": float(spearmanr(cosine, gold)[0])},
    }
    if engine.judge.thresholds is not None:
        verdicts = engine.judge.judge(pairs)
        head = np.array([v.similarity for v in verdicts])
        sim = np.array([engine.judge.similarity(v, c) for v, c in zip(verdicts, cosine,
                                                                       strict=True)])
        out["judge_similarity"] = {"pearson": float(pearsonr(sim, gold)[0]),
                                   "spearman": float(spearmanr(sim, gold)[0])}
        out["judge_similarity_head"] = {"pearson": float(pearsonr(head, gold)[0]),
                                        "spearman": float(spearmanr(head, gold)[0])}
    out["seconds"] = time.perf_counter() - t0
    return out


def run_fnc1(engine, data, limit: int | None, per_stance: int) -> dict[str, Any]:  # noqa: ANN001
    spath = data / "fnc1" / "train_stances.jsonl"
    bpath = data / "fnc1" / "train_bodies.jsonl"
    if not (present(spath) and present(bpath)):
        return {}
    t0 = time.perf_counter()
    stances = [s for s in read_jsonl(spath) if fnc_part(s["body_id"]) == "test"]
    bodies = {str(r["body_id"]): r["body"] for r in read_jsonl(bpath)}
    rng = random.Random(SEED)
    by: dict[str, list[int]] = {}
    for i, r in enumerate(stances):
        by.setdefault(r["stance"], []).append(i)
    chosen: list[int] = []
    for stance in sorted(by):
        chosen += sorted(rng.sample(by[stance], min(per_stance, len(by[stance]))))
    if limit is not None:
        rng.shuffle(chosen)
        chosen = sorted(chosen[:limit])
    needed = sorted({str(stances[i]["body_id"]) for i in chosen})
    progress(f"FNC-1 held-back bodies: {len(chosen)} pairs over {len(needed)} bodies")
    heads = analyse(engine, [(f"h{i}", stances[i]["headline"]) for i in chosen], "headlines")
    bods = analyse(engine, [(f"b{k}", bodies[k]) for k in needed], "bodies")
    per: dict[str, list[dict[str, Any]]] = {}
    for i in chosen:
        o = compare_pair(engine, heads[f"h{i}"], bods[f"b{stances[i]['body_id']}"])
        per.setdefault(stances[i]["stance"], []).append(o)
    res: dict[str, Any] = {"stances": {}}
    for stance, outs in sorted(per.items()):
        res["stances"][stance] = {
            "pairs": len(outs),
            "available": len(by[stance]),
            "conflict_rate": float(np.mean([o["conflict"] for o in outs])),
            "aligned_rate": float(np.mean([o["aligned"] for o in outs])),
            "nothing_aligned_rate": float(np.mean([not o["aligned"] for o in outs])),
            "conflict_types": dict(Counter(t for o in outs for t in set(o["conflict_types"]))),
        }
        judged = [o["judge_contradiction"] for o in outs if o["judge_contradiction"] is not None]
        if judged:
            res["stances"][stance]["judge_contradiction_rate"] = {
                "at_threshold": float(np.mean([p >= engine.judge.thresholds.contradict
                                               for p in judged])),
                "at_0.5": float(np.mean([p >= 0.5 for p in judged])),
            }
    res["seconds"] = time.perf_counter() - t0
    res["seed"] = SEED
    return res


def report(results: dict[str, Any]) -> None:
    judge = results["judge"]
    if results.get("mrpc"):
        m = results["mrpc"]
        print(f"## MRPC, held-back 20% of train ({m['pairs']} pairs, "
              f"{m['positive_rate']:.1%} positive), judge `{judge}`\n")
        rows = [["majority class", f"{m['majority_accuracy']:.3f}", "—", "—", "—"]]
        for name, r in m["rules"].items():
            rows.append([name, f"{r['accuracy']:.3f}", f"{r['f1']:.3f}",
                         f"{r['precision']:.3f}", f"{r['recall']:.3f}"])
        o = m["oracle_text_cosine"]
        rows.append([f"oracle: sentence cosine ≥ {o['threshold']:.3f} (picked on this data)",
                     f"{o['accuracy']:.3f}", f"{o['f1']:.3f}", "", ""])
        print(table(["decision", "accuracy", "F1 (class 1)", "precision", "recall"], rows))
        print(f"\nConflict found in {m['conflict_rate']['label 1']:.1%} of label-1 pairs and "
              f"{m['conflict_rate']['label 0']:.1%} of label-0 pairs ({m['conflict_types']}). "
              f"Took {m['seconds']:.0f}s.\n")
    if results.get("stsb"):
        r = results["stsb"]
        print(f"## STS-B news dev ({r['pairs']} pairs, gold 0-5)\n")
        rows = [["sentence cosine", f"{r['text_cosine']['pearson']:.3f}",
                 f"{r['text_cosine']['spearman']:.3f}"]]
        if "judge_similarity" in r:
            rows.append(["pair judge, similarity head alone",
                         f"{r['judge_similarity_head']['pearson']:.3f}",
                         f"{r['judge_similarity_head']['spearman']:.3f}"])
            rows.append(["**pair judge: head mixed with the cosine (weight from STS-B train)**",
                         f"**{r['judge_similarity']['pearson']:.3f}**",
                         f"{r['judge_similarity']['spearman']:.3f}"])
        print(table(["score", "Pearson", "Spearman"], rows))
        print(f"\nTook {r['seconds']:.0f}s.\n")
    if results.get("fnc1"):
        f = results["fnc1"]
        print(f"## FNC-1 held-back bodies: headline (A) vs body (B), judge `{judge}`\n")
        rows = []
        for stance, r in f["stances"].items():
            rows.append([f"{stance} ({r['pairs']} of {r['available']})",
                         f"{r['conflict_rate']:.1%}", f"{r['aligned_rate']:.1%}",
                         f"{r['nothing_aligned_rate']:.1%}",
                         ", ".join(f"{k} {v}" for k, v in sorted(r["conflict_types"].items()))])
        print(table(["stance (sampled of available)", "≥1 conflict", "anything aligned",
                     "nothing aligned", "pairs by conflict type"], rows))
        ceil = [[stance, f"{r['judge_contradiction_rate']['at_threshold']:.1%}",
                 f"{r['judge_contradiction_rate']['at_0.5']:.1%}"]
                for stance, r in f["stances"].items() if "judge_contradiction_rate" in r]
        if ceil:
            print("\nThe judge alone: pairs where it reads some headline-body pair of claims "
                  "(kernels, facets) as a contradiction, before the engine's conflict rules "
                  "(a ceiling for them):\n")
            print(table(["stance", "contradiction ≥ the judge's threshold",
                         "contradiction ≥ 0.5"], ceil))
        print(f"\nTook {f['seconds']:.0f}s.\n")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", help="datasets folder (default ../shared/datasets)")
    ap.add_argument("--judge", choices=("pair", "embed"), default="pair")
    ap.add_argument("--int8", action="store_true",
                    help="the pair judge with int8 linear layers (dynamic quantization)")
    ap.add_argument("--only", choices=("mrpc", "stsb", "fnc1"), action="append",
                    help="run only this dataset (repeatable)")
    ap.add_argument("--limit", type=int, help="at most N pairs per dataset")
    ap.add_argument("--fnc-sample", type=int, default=400,
                    help="FNC-1 pairs sampled per stance (default 400)")
    ap.add_argument("--show-errors", type=int, default=0, metavar="N",
                    help="print N MRPC false positives and negatives to stderr")
    ap.add_argument("--json", help="write the numbers here (under bench/results/)")
    args = ap.parse_args(argv)

    data = datasets_dir(args.data)
    if not data.exists():
        print(f"skipped: datasets not found at {data}")
        return 0
    only = set(args.only or ("mrpc", "stsb", "fnc1"))
    fingerprint = engine_fingerprint()
    engine = make_engine(judge=args.judge)
    if args.int8 and args.judge == "pair":
        from newsweave.nlp.judge import PairJudge

        engine._judge = PairJudge(quantize=True)
    engine.warm_up()
    results: dict[str, Any] = {"judge": args.judge, "int8": args.int8}
    if "mrpc" in only:
        results["mrpc"] = run_mrpc(engine, data, args.limit, args.show_errors)
    if "stsb" in only:
        results["stsb"] = run_stsb(engine, data, args.limit)
    if "fnc1" in only:
        results["fnc1"] = run_fnc1(engine, data, args.limit, args.fnc_sample)
    if engine.judge.thresholds is not None:
        results["thresholds"] = {"align": engine.judge.thresholds.align,
                                 "contradict": engine.judge.thresholds.contradict}
    results["machine"] = machine()
    results["engine_fingerprint"] = fingerprint
    results["engine_unchanged_during_run"] = check_fingerprint(fingerprint)
    report(results)
    print(f"Engine source {fingerprint}; judge {args.judge}.")
    write_json(args.json, {"benchmark": "matcher", "limit": args.limit, **results})
    return 0


if __name__ == "__main__":
    sys.exit(main())
