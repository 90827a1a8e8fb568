"""Quality of the claim matcher on public pair datasets.

- MRPC (``mrpc/train.jsonl``): each sentence pair becomes two one-sentence
  articles run through ``engine.compare_analyzed``. The engine says "same
  meaning" when at least half of the pair's claim text (by characters, both
  sentences) lands in a claim group holding mentions from both articles, and
  no group is conflicting (MRPC labels pairs that differ in a number as 0).
  Accuracy and F1 (positive class 1) against the majority baseline; the best
  accuracy a threshold on the continuous score could reach is shown as an
  oracle line (threshold chosen on the same data).
- STS-B news (``stsb-news/{dev,train}.jsonl``): Pearson and Spearman of the
  continuous score against the 0-5 gold.
- FNC-1 (``fnc1/train_*.jsonl``): headline = article A, body = article B. Per
  stance, how often the comparison finds a conflict and how often anything
  aligns (a group with mentions from both). A fixed-seed sample per stance.

The continuous score of a pair is the length-weighted mean, over the claims of
both articles, of each claim's best cross-article ``align.pair_score`` (the
score the aligner merges on: cosine of the claim embeddings, masked amounts
when amounts differ, lexical bonus, participant and quantity penalties). It is
computed from the engine's internals (``align._Item`` built as
``Aligner.align`` builds it); if those change shape the script falls back to
the plain cosine of the claim embeddings and says so. For FNC-1 it is taken
over the headline's claims only (the body says much else).

For reference, every dataset also gets the plain cosine of the two whole texts
embedded by the same sentence model (no claims, no rules).

Usage::

    python bench/matcher.py [--only mrpc|stsb|fnc1] [--limit N] [--fnc-sample 400]
                            [--json bench/results/matcher.json] [--data DIR]

``--show-errors N`` prints N false positives and N false negatives of MRPC to
stderr for inspection (dataset text: never redirect it into the repository).
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
    machine,
    make_engine,
    present,
    progress,
    read_jsonl,
    table,
    write_json,
)

COVERAGE = 0.5
SEED = 13


# --------------------------------------------------------------------------- engine glue


def analyse(engine, texts: list[tuple[str, str]], label: str) -> dict[str, Any]:  # noqa: ANN001
    """Analyse ``(id, text)`` pairs in one batched call, then embed every claim
    text once in large batches so that the per-pair comparisons hit the cache."""
    from newsweave.model import Article

    t = time.perf_counter()
    arts = [Article(text=text, id=aid, outlet=aid) for aid, text in texts]
    out = {}
    for n, a in enumerate(engine.analyzer.iter_analyze(arts), 1):
        out[a.article.id] = a
        if n % 2000 == 0:
            progress(f"  {label}: analysed {n}/{len(arts)}")
    progress(f"  {label}: analysed {len(arts)} texts in {time.perf_counter() - t:.0f}s")
    t = time.perf_counter()
    claim_texts = []
    for a in out.values():
        for c in a.claims:
            claim_texts.append(c.core or c.text)
            masked = _masked(c)
            if masked is not None:
                claim_texts.append(masked)
    claim_texts = list(dict.fromkeys(claim_texts))
    step = 4096
    for i in range(0, len(claim_texts), step):
        engine.embedder.encode(claim_texts[i : i + step])
        progress(f"  {label}: embedded {min(i + step, len(claim_texts))}/{len(claim_texts)} "
                 "claim texts")
    progress(f"  {label}: embedding took {time.perf_counter() - t:.0f}s")
    return out


def _masked(claim) -> str | None:  # noqa: ANN001
    if not claim.quantities:
        return None
    try:
        from newsweave.align import masked_text
    except ImportError:
        return None
    return masked_text(claim)


_SCORE_KIND = "pair_score"


def _items(analyzed: list, copy_of: dict[str, str]) -> list:  # noqa: ANN001
    """``align._Item`` records built as ``Aligner.align`` builds them."""
    from newsweave.align import _Item, _nouns, _participants
    from newsweave.dedup import source_of

    items = []
    for pos, art in enumerate(analyzed):
        for claim in art.claims:
            items.append(_Item(
                claim=claim, index=len(items), article_pos=pos,
                source=source_of(claim.article, copy_of), nouns=_nouns(claim),
                lemmas=frozenset(claim.lemmas), participants=_participants(claim),
            ))
    return items


def best_scores(engine, a, b, copy_of: dict[str, str]) -> tuple[list[float], list[float]]:  # noqa: ANN001
    """Each claim's best cross-article score: (claims of a, claims of b).

    Call after ``engine.compare_analyzed([a, b])`` so entity and speaker keys
    are set as the aligner sees them.
    """
    global _SCORE_KIND
    na, nb = len(a.claims), len(b.claims)
    if not na or not nb:
        return [0.0] * na, [0.0] * nb
    claims = a.claims + b.claims
    vecs = engine.embedder.encode([c.core or c.text for c in claims])
    cos = vecs[:na] @ vecs[na:].T
    if _SCORE_KIND == "pair_score":
        try:
            from newsweave.align import pair_score

            items = _items([a, b], copy_of)
            masked = {i: _masked(c) for i, c in enumerate(claims)}
            masked = {i: t for i, t in masked.items() if t is not None}
            mvec = dict(zip(masked, engine.embedder.encode(list(masked.values())), strict=True))
            s = np.empty((na, nb))
            for i in range(na):
                for j in range(nb):
                    m = None
                    if i in mvec or na + j in mvec:
                        va = mvec.get(i, vecs[i])
                        vb = mvec.get(na + j, vecs[na + j])
                        m = float(va @ vb)
                    s[i, j] = pair_score(items[i], items[na + j], float(cos[i, j]), m)
            return s.max(axis=1).tolist(), s.max(axis=0).tolist()
        except (ImportError, TypeError, AttributeError) as exc:
            progress(f"warning: cannot use align.pair_score ({exc}); "
                     "falling back to the cosine of claim embeddings")
            _SCORE_KIND = "cosine"
    return cos.max(axis=1).tolist(), cos.max(axis=0).tolist()


def weighted(claims: list, scores: list[float]) -> float:  # noqa: ANN001
    lengths = [max(c.end - c.start, 1) for c in claims]
    total = sum(lengths)
    return sum(n * s for n, s in zip(lengths, scores, strict=True)) / total if total else 0.0


def compare_pair(engine, a, b, score_over: str = "both") -> dict[str, Any]:  # noqa: ANN001
    """Run the engine on two analysed articles and summarise the outcome."""
    result = engine.compare_analyzed([a, b])
    cross: set[tuple[str, int, int]] = set()
    conflict_types: list[str] = []
    for g in result.claims:
        if g.status == "conflicting":
            conflict_types.extend(c.type for c in g.conflicts)
            if not g.conflicts:
                conflict_types.append("unknown")
        if len({m.article for m in g.mentions}) >= 2:
            cross.update((m.article, m.start, m.end) for m in g.mentions)
    claims = a.claims + b.claims
    lengths = [max(c.end - c.start, 1) for c in claims]
    total = sum(lengths)
    hit = [(c.article, c.start, c.end) in cross for c in claims]
    coverage = sum(n for n, h in zip(lengths, hit, strict=True) if h) / total if total else 0.0
    sa, sb = best_scores(engine, a, b, result.copy_of)
    if score_over == "a":
        score = weighted(a.claims, sa)
    else:
        score = weighted(claims, sa + sb)
    return {
        "claims_a": len(a.claims),
        "claims_b": len(b.claims),
        "coverage": coverage,
        "all_covered": bool(claims) and all(hit),
        "aligned": bool(cross),
        "conflict": bool(conflict_types),
        "conflict_types": conflict_types,
        "copy": bool(result.copy_of),
        "score": score,
    }


def text_cosines(engine, pairs: list[tuple[str, str]]) -> np.ndarray:  # noqa: ANN001
    """Plain cosine of the two whole texts with the same sentence model (reference)."""
    texts = list(dict.fromkeys(t for p in pairs for t in p))
    vec = dict(zip(texts, engine.embedder.encode(texts), strict=True))
    return np.array([float(vec[x] @ vec[y]) for x, y in pairs])


# --------------------------------------------------------------------------- metrics


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
    order = np.argsort(-score, kind="stable")
    s, g = score[order], gold[order]
    pos = int(g.sum())
    neg = len(g) - pos
    tp = np.concatenate([[0], np.cumsum(g)])
    k = np.arange(len(g) + 1)
    fp = k - tp
    acc = (tp + (neg - fp)) / len(g)
    # Only cut between distinct scores.
    valid = np.ones(len(g) + 1, dtype=bool)
    valid[1:-1] = s[:-1] != s[1:]
    acc = np.where(valid, acc, -1)
    best = int(np.argmax(acc))
    threshold = float(s[best - 1]) if best > 0 else float("inf")
    pred = score >= threshold
    a, f1, _, _ = acc_f1(gold, pred)
    return {"accuracy": a, "f1": f1, "threshold": threshold}


def auc(pos: np.ndarray, neg: np.ndarray) -> float:
    """ROC AUC: P(score of a positive > score of a negative), ties half."""
    from scipy.stats import rankdata

    if not len(pos) or not len(neg):
        return float("nan")
    ranks = rankdata(np.concatenate([pos, neg]))
    return float((ranks[: len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))


# --------------------------------------------------------------------------- datasets


def run_mrpc(engine, data, limit: int | None, show_errors: int) -> dict[str, Any]:  # noqa: ANN001
    path = data / "mrpc" / "train.jsonl"
    if not present(path):
        return {}
    rows = list(read_jsonl(path))[:limit]
    progress(f"MRPC: {len(rows)} pairs")
    t0 = time.perf_counter()
    texts = []
    for i, r in enumerate(rows):
        texts += [(f"m{i}a", r["s1"]), (f"m{i}b", r["s2"])]
    analysed = analyse(engine, texts, "MRPC")
    outs = []
    for i in range(len(rows)):
        outs.append(compare_pair(engine, analysed[f"m{i}a"], analysed[f"m{i}b"]))
        if (i + 1) % 1000 == 0:
            progress(f"  MRPC: compared {i + 1}/{len(rows)}")
    gold = np.array([int(r["label"]) == 1 for r in rows])
    cov = np.array([o["coverage"] for o in outs])
    conflict = np.array([o["conflict"] for o in outs])
    allcov = np.array([o["all_covered"] for o in outs])
    score = np.array([o["score"] for o in outs])
    cosine = text_cosines(engine, [(r["s1"], r["s2"]) for r in rows])
    seconds = time.perf_counter() - t0

    pred = (cov >= COVERAGE) & ~conflict
    rules = {
        "engine: coverage ≥ 0.5, no conflict (primary)": pred,
        "engine: coverage ≥ 0.5, conflicts ignored": cov >= COVERAGE,
        "engine: every claim aligned, no conflict": allcov & ~conflict,
    }
    majority = max(gold.mean(), 1 - gold.mean())
    res_rules = {}
    for name, p in rules.items():
        a, f1, prec, rec = acc_f1(gold, p)
        res_rules[name] = {"accuracy": a, "f1": f1, "precision": prec, "recall": rec}
    oracle = oracle_threshold(gold, score)
    oracle_cos = oracle_threshold(gold, cosine)
    if show_errors:
        _show_errors(rows, outs, gold, pred, show_errors)
    conf_by_label = {
        "label 1": float(conflict[gold].mean()) if gold.any() else 0.0,
        "label 0": float(conflict[~gold].mean()) if (~gold).any() else 0.0,
    }
    types = Counter(t for o in outs for t in set(o["conflict_types"]))
    types_by_label = {
        f"label {lab}": dict(Counter(
            t for o, g in zip(outs, gold, strict=True) if g == bool(lab)
            for t in set(o["conflict_types"])
        ))
        for lab in (1, 0)
    }
    copies_by_label = {
        f"label {lab}": int(sum(o["copy"] for o, g in zip(outs, gold, strict=True)
                                if g == bool(lab)))
        for lab in (1, 0)
    }
    return {
        "pairs": len(rows),
        "conflict_types_by_label": types_by_label,
        "copies_by_label": copies_by_label,
        "positive_rate": float(gold.mean()),
        "majority_accuracy": float(majority),
        "rules": res_rules,
        "oracle_score": oracle,
        "oracle_text_cosine": oracle_cos,
        "conflict_rate": conf_by_label,
        "conflict_types": dict(types),
        "copies": int(sum(o["copy"] for o in outs)),
        "no_claims": int(sum(1 for o in outs if not o["claims_a"] or not o["claims_b"])),
        "claims_per_sentence": float(np.mean([o["claims_a"] + o["claims_b"] for o in outs]) / 2),
        "seconds": seconds,
    }


def _show_errors(rows, outs, gold, pred, n: int) -> None:  # noqa: ANN001
    rng = random.Random(SEED)
    for name, mask in (("FALSE POSITIVES", pred & ~gold), ("FALSE NEGATIVES", ~pred & gold)):
        idx = [int(i) for i in np.nonzero(mask)[0]]
        progress(f"\n===== {name} ({len(idx)}) =====")
        for i in sorted(rng.sample(idx, min(n, len(idx)))):
            o = outs[i]
            progress(f"[{i}] coverage={o['coverage']:.2f} score={o['score']:.3f} "
                     f"conflict={o['conflict_types']} claims={o['claims_a']}/{o['claims_b']} "
                     f"copy={o['copy']}\n  A: {rows[i]['s1']}\n  B: {rows[i]['s2']}")


def run_stsb(engine, data, limit: int | None) -> dict[str, Any]:  # noqa: ANN001
    from scipy.stats import pearsonr, spearmanr

    out: dict[str, Any] = {}
    for split in ("dev", "train"):
        path = data / "stsb-news" / f"{split}.jsonl"
        if not present(path):
            continue
        rows = list(read_jsonl(path))[:limit]
        progress(f"STS-B news {split}: {len(rows)} pairs")
        t0 = time.perf_counter()
        texts = []
        for i, r in enumerate(rows):
            texts += [(f"s{split}{i}a", r["s1"]), (f"s{split}{i}b", r["s2"])]
        analysed = analyse(engine, texts, f"STS-B {split}")
        outs = [
            compare_pair(engine, analysed[f"s{split}{i}a"], analysed[f"s{split}{i}b"])
            for i in range(len(rows))
        ]
        gold = np.array([float(r["score"]) for r in rows])
        score = np.array([o["score"] for o in outs])
        cov = np.array([o["coverage"] for o in outs])
        cosine = text_cosines(engine, [(r["s1"], r["s2"]) for r in rows])
        both = np.array([o["claims_a"] > 0 and o["claims_b"] > 0 for o in outs])
        out[split] = {
            "pairs": len(rows),
            "score": {"pearson": float(pearsonr(score, gold)[0]),
                      "spearman": float(spearmanr(score, gold)[0])},
            "coverage": {"pearson": float(pearsonr(cov, gold)[0]),
                         "spearman": float(spearmanr(cov, gold)[0])},
            "text_cosine": {"pearson": float(pearsonr(cosine, gold)[0]),
                            "spearman": float(spearmanr(cosine, gold)[0])},
            "score_pairs_with_claims": {
                "pairs": int(both.sum()),
                "pearson": float(pearsonr(score[both], gold[both])[0]),
                "spearman": float(spearmanr(score[both], gold[both])[0]),
            },
            "no_claims": int((~both).sum()),
            "seconds": time.perf_counter() - t0,
        }
    return out


def run_fnc1(engine, data, limit: int | None, per_stance: int) -> dict[str, Any]:  # noqa: ANN001
    spath = data / "fnc1" / "train_stances.jsonl"
    bpath = data / "fnc1" / "train_bodies.jsonl"
    if not (present(spath) and present(bpath)):
        return {}
    t0 = time.perf_counter()
    stances = list(read_jsonl(spath))
    bodies = {}
    for r in read_jsonl(bpath):
        text = r.get("body") or r.get("articleBody") or ""
        bodies[str(r["body_id"])] = text
    rng = random.Random(SEED)
    by: dict[str, list[int]] = {}
    for i, r in enumerate(stances):
        by.setdefault(r["stance"], []).append(i)
    chosen: list[int] = []
    for stance in sorted(by):
        idx = by[stance]
        chosen += sorted(rng.sample(idx, min(per_stance, len(idx))))
    if limit is not None:
        rng.shuffle(chosen)
        chosen = sorted(chosen[:limit])
    needed = sorted({str(stances[i]["body_id"]) for i in chosen}, key=lambda k: int(k)
                    if k.isdigit() else k)
    progress(f"FNC-1: {len(chosen)} pairs over {len(needed)} bodies")
    heads = analyse(engine, [(f"h{i}", stances[i]["headline"]) for i in chosen], "FNC-1 headlines")
    bods = analyse(engine, [(f"b{k}", bodies[k]) for k in needed], "FNC-1 bodies")
    per: dict[str, list[dict[str, Any]]] = {}
    for n, i in enumerate(chosen, 1):
        o = compare_pair(engine, heads[f"h{i}"], bods[f"b{stances[i]['body_id']}"], score_over="a")
        per.setdefault(stances[i]["stance"], []).append(o)
        if n % 400 == 0:
            progress(f"  FNC-1: compared {n}/{len(chosen)}")
    cosine = text_cosines(
        engine, [(stances[i]["headline"], bodies[str(stances[i]["body_id"])]) for i in chosen]
    )
    cos_by: dict[str, list[float]] = {}
    for i, c in zip(chosen, cosine, strict=True):
        cos_by.setdefault(stances[i]["stance"], []).append(float(c))
    res: dict[str, Any] = {"stances": {}}
    for stance, outs in sorted(per.items()):
        types = Counter(t for o in outs for t in set(o["conflict_types"]))
        res["stances"][stance] = {
            "pairs": len(outs),
            "available": len(by[stance]),
            "conflict_rate": float(np.mean([o["conflict"] for o in outs])),
            "aligned_rate": float(np.mean([o["aligned"] for o in outs])),
            "mean_score": float(np.mean([o["score"] for o in outs])),
            "mean_text_cosine": float(np.mean(cos_by[stance])),
            "conflict_types": dict(types),
            "headline_no_claims": int(sum(1 for o in outs if not o["claims_a"])),
        }

    def scores(names: tuple[str, ...], key: str = "score") -> np.ndarray:
        return np.array([o[key] for s in names for o in per.get(s, [])], dtype=float)

    related = ("agree", "disagree", "discuss")
    res["auc_related_vs_unrelated"] = auc(scores(related), scores(("unrelated",)))
    res["auc_related_vs_unrelated_text_cosine"] = auc(
        np.array([c for s in related for c in cos_by.get(s, [])]),
        np.array(cos_by.get("unrelated", [])),
    )
    # Does "conflict found" single out disagree among the related pairs?
    res["auc_disagree_vs_agree_conflict"] = auc(
        scores(("disagree",), "conflict"), scores(("agree",), "conflict")
    )
    res["seconds"] = time.perf_counter() - t0
    res["seed"] = SEED
    return res


# --------------------------------------------------------------------------- report


def report(results: dict[str, Any]) -> None:
    kind = results.get("score_kind", _SCORE_KIND)
    if results.get("mrpc"):
        m = results["mrpc"]
        print(f"## MRPC train ({m['pairs']} pairs, {m['positive_rate']:.1%} positive)\n")
        rows = [["majority class", f"{m['majority_accuracy']:.1%}", "—", "—", "—"]]
        for name, r in m["rules"].items():
            rows.append([name, f"{r['accuracy']:.1%}", f"{r['f1']:.3f}",
                         f"{r['precision']:.3f}", f"{r['recall']:.3f}"])
        o = m["oracle_score"]
        rows.append([f"oracle: {kind} score ≥ {o['threshold']:.3f} (threshold picked on this data)",
                     f"{o['accuracy']:.1%}", f"{o['f1']:.3f}", "", ""])
        o = m["oracle_text_cosine"]
        rows.append([f"oracle: whole-sentence MiniLM cosine ≥ {o['threshold']:.3f} "
                     "(reference, no claims)", f"{o['accuracy']:.1%}", f"{o['f1']:.3f}", "", ""])
        print(table(["decision", "accuracy", "F1 (class 1)", "precision", "recall"], rows))
        print(f"\nConflict found in {m['conflict_rate']['label 1']:.1%} of label-1 pairs and "
              f"{m['conflict_rate']['label 0']:.1%} of label-0 pairs; pairs by conflict type: "
              f"{m['conflict_types_by_label']}. Pairs treated as copies of each other: "
              f"{m['copies_by_label']}. Pairs where a sentence "
              f"yields no claim: {m['no_claims']}. Claims per sentence: "
              f"{m['claims_per_sentence']:.2f}. Took {m['seconds']:.0f}s.\n")
    if results.get("stsb"):
        print("## STS-B news (gold 0-5)\n")
        rows = []
        for split, r in results["stsb"].items():
            rows.append([f"{split} ({r['pairs']})", f"{kind} score",
                         f"{r['score']['pearson']:.3f}", f"{r['score']['spearman']:.3f}"])
            w = r["score_pairs_with_claims"]
            rows.append([f"{split}: {w['pairs']} pairs with claims on both sides", f"{kind} score",
                         f"{w['pearson']:.3f}", f"{w['spearman']:.3f}"])
            rows.append([split, "claim coverage (engine groups)",
                         f"{r['coverage']['pearson']:.3f}", f"{r['coverage']['spearman']:.3f}"])
            rows.append([split, "whole-sentence MiniLM cosine (reference)",
                         f"{r['text_cosine']['pearson']:.3f}",
                         f"{r['text_cosine']['spearman']:.3f}"])
        print(table(["split", "score", "Pearson", "Spearman"], rows))
        secs = sum(r["seconds"] for r in results["stsb"].values())
        print(f"\nTook {secs:.0f}s.\n")
    if results.get("fnc1"):
        f = results["fnc1"]
        print("## FNC-1 train: headline (A) vs body (B), fixed-seed sample\n")
        rows = []
        for stance, r in f["stances"].items():
            rows.append([f"{stance} ({r['pairs']} of {r['available']})",
                         f"{r['conflict_rate']:.1%}", f"{r['aligned_rate']:.1%}",
                         f"{r['mean_score']:.3f}", f"{r['mean_text_cosine']:.3f}",
                         ", ".join(f"{k} {v}" for k, v in sorted(r["conflict_types"].items()))])
        print(table(["stance (sampled of available)", "≥1 conflict", "anything aligned",
                     f"mean headline {kind} score", "mean headline-body cosine",
                     "pairs with conflict type"], rows))
        print(f"\nROC AUC related vs unrelated: headline score {f['auc_related_vs_unrelated']:.3f},"
              f" whole-text cosine {f['auc_related_vs_unrelated_text_cosine']:.3f}. "
              f"AUC of 'conflict found' for disagree vs agree: "
              f"{f['auc_disagree_vs_agree_conflict']:.3f}. Took {f['seconds']:.0f}s.\n")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", help="datasets folder (default ../shared/datasets)")
    ap.add_argument("--only", choices=("mrpc", "stsb", "fnc1"), action="append",
                    help="run only this dataset (repeatable)")
    ap.add_argument("--limit", type=int, help="at most N pairs per dataset/split")
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
    t = time.perf_counter()
    engine = make_engine()
    engine.analyzer.nlp  # noqa: B018 - load the models before timing anything
    engine.embedder.encode(["warm up"])
    progress(f"models loaded in {time.perf_counter() - t:.0f}s")

    results: dict[str, Any] = {}
    if "mrpc" in only:
        results["mrpc"] = run_mrpc(engine, data, args.limit, args.show_errors)
    if "stsb" in only:
        results["stsb"] = run_stsb(engine, data, args.limit)
    if "fnc1" in only:
        results["fnc1"] = run_fnc1(engine, data, args.limit, args.fnc_sample)
    results["score_kind"] = _SCORE_KIND
    from newsweave.align import MATCH_THRESHOLD

    results["match_threshold"] = MATCH_THRESHOLD
    results["machine"] = machine()
    results["engine_fingerprint"] = fingerprint
    results["engine_unchanged_during_run"] = check_fingerprint(fingerprint)
    report(results)
    print(f"Engine source {fingerprint}; MATCH_THRESHOLD {MATCH_THRESHOLD}; score: {_SCORE_KIND}.")
    write_json(args.json, {"benchmark": "matcher", "limit": args.limit, **results})
    return 0


if __name__ == "__main__":
    sys.exit(main())
