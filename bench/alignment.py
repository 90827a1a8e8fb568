"""Fact alignment against hand-aligned gold (bench/gold/*.json).

Each gold file is one story: its reports (ECB+ documents read from
``../shared/datasets/ecbplus``, or the shipped sample reports), every fact they
state with the exact span in each report that states it, and the pairs of spans
that conflict. Only offsets, a hash of each span and our own one-line gist are
stored; the texts stay where they are.

The engine compares the story's reports; its claim groups are read as *links*:
two mentions of one group from different independent reports. Scores:

- **fact recall**: gold facts stated by two or more independent reports (a reprint and
  its original are one) that the engine links (some link joins spans of the fact in two
  of them); also per pair of reports;
- **link precision**: links that join spans of one gold fact;
- **single-source accuracy**: facts only one report states that no wrong link
  drags into a group with another report;
- **conflicts**: an engine conflict is right when its two mentions fall on the
  two sides of a gold conflict; precision and recall.

A mention *falls on* a span when they overlap by at least ``OVERLAP`` of the
shorter of the two (a claim that holds the fact among others still states it).

Usage::

    python bench/alignment.py [--judge pair|embed] [--json bench/results/alignment.json]
                              [--stories test|calibration]  # the calibration stories
                              [--show]          # print misses and wrong links (dataset text)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path
from typing import Any

from _common import (
    REPO,
    datasets_dir,
    fit_logistic,
    machine,
    make_engine,
    progress,
    read_jsonl,
    table,
    write_json,
)

GOLD = REPO / "bench" / "gold"
OVERLAP = 0.5


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = min(a[1], b[1]) - max(a[0], b[0])
    if inter <= 0:
        return 0.0
    return inter / max(1, min(a[1] - a[0], b[1] - b[0]))


def load_story(path: Path, data: Path) -> tuple[dict, list] | None:
    """The gold and the story's ``Article`` records (``None`` when the texts are absent)."""
    from newsweave.config import Options
    from newsweave.ingest import read_inputs
    from newsweave.model import Article

    gold = json.loads(path.read_text(encoding="utf-8"))
    if gold["dataset"] == "ecbplus":
        docs_path = data / "ecbplus" / "docs.jsonl"
        if not docs_path.exists():
            return None
        wanted = set(gold["reports"])
        docs = {d["doc_id"]: d for d in read_jsonl(docs_path) if d["doc_id"] in wanted}
        articles = [Article(text=docs[r]["text"], id=r, outlet=r) for r in gold["reports"]]
    else:
        folder = REPO / "src" / "newsweave" / "samples"
        read, _ = read_inputs([folder], Options())
        by_stem = {Path(a.path).stem: a for a in read}
        articles = []
        for r in gold["reports"]:
            a = by_stem[r]
            a.id = r
            articles.append(a)
    texts = {a.id: a.text for a in articles}
    for item in gold["facts"] + gold.get("conflicts", []):
        for s in item["spans"]:
            got = hashlib.sha1(texts[s["report"]][s["start"] : s["end"]].encode()).hexdigest()[:8]
            if got != s["sha1"]:
                raise SystemExit(f"{path.name}: span {s} no longer matches its text ({got})")
    return gold, articles


def score_story(gold: dict, comparison) -> dict[str, Any]:  # noqa: ANN001
    from newsweave.dedup import source_of

    copy_of = comparison.copy_of
    facts = gold["facts"]

    links = []
    for g in comparison.claims:
        if g.text.endswith("'s title"):
            continue  # role groups carry a conflict, not a fact
        ms = g.mentions
        for i in range(len(ms)):
            for j in range(i + 1, len(ms)):
                a, b = ms[i], ms[j]
                if source_of(a.article, copy_of) == source_of(b.article, copy_of):
                    continue
                links.append(((a.article, (a.start, a.end)), (b.article, (b.start, b.end))))

    by_id = {f["id"]: f for f in facts}

    def explains(fid: str, link) -> bool:  # noqa: ANN001
        return _explains(by_id[fid], link)

    def sources(f: dict) -> set[str]:
        return {source_of(s["report"], copy_of) for s in f["spans"]}

    good_links = [lk for lk in links if any(explains(f["id"], lk) for f in facts)]
    # A fact counts as stated by several reports only across independent ones: a reprint
    # and its original are one source, and the engine rightly never links them.
    multi = [f for f in facts if len(sources(f)) >= 2]
    recalled = [f for f in multi if any(explains(f["id"], lk) for lk in links)]
    pairs = pairs_found = 0
    for f in multi:
        sp = f["spans"]
        for i in range(len(sp)):
            for j in range(i + 1, len(sp)):
                ra, rb = sp[i]["report"], sp[j]["report"]
                if source_of(ra, copy_of) == source_of(rb, copy_of):
                    continue
                pairs += 1
                a, b = (sp[i]["start"], sp[i]["end"]), (sp[j]["start"], sp[j]["end"])
                if any({x[0], y[0]} == {ra, rb} and (
                        x[0] == ra and _overlap(x[1], a) >= OVERLAP
                        and _overlap(y[1], b) >= OVERLAP
                        or x[0] == rb and _overlap(x[1], b) >= OVERLAP
                        and _overlap(y[1], a) >= OVERLAP) for x, y in links):
                    pairs_found += 1
    bad_links = [lk for lk in links if lk not in good_links]
    single = [f for f in facts if len(sources(f)) == 1]
    wrongly_joined = []
    for f in single:
        for s in f["spans"]:
            span = (s["start"], s["end"])
            if any(ra == s["report"] and _overlap(sa, span) >= OVERLAP
                   and (span[1] - span[0]) >= 0.5 * (sa[1] - sa[0])
                   or rb == s["report"] and _overlap(sb, span) >= OVERLAP
                   and (span[1] - span[0]) >= 0.5 * (sb[1] - sb[0])
                   for (ra, sa), (rb, sb) in bad_links):
                wrongly_joined.append(f)
                break

    engine_conflicts = [c for g in comparison.claims for c in g.conflicts if len(c.mentions) >= 2]
    gold_conflicts = gold.get("conflicts", [])

    def matches(c, k) -> bool:  # noqa: ANN001
        a, b = c.mentions[0], c.mentions[1]
        x, y = k["spans"][0], k["spans"][1]
        for p, q in ((x, y), (y, x)):
            if (a.article == p["report"] and b.article == q["report"]
                    and _overlap((a.start, a.end), (p["start"], p["end"])) > 0
                    and _overlap((b.start, b.end), (q["start"], q["end"])) > 0):
                return True
        return False

    right = [c for c in engine_conflicts if any(matches(c, k) for k in gold_conflicts)]
    found = [k for k in gold_conflicts if any(matches(c, k) for c in engine_conflicts)]
    return {
        "facts": len(facts),
        "multi_report_facts": len(multi),
        "facts_recalled": len(recalled),
        "gold_pairs": pairs,
        "gold_pairs_found": pairs_found,
        "links": len(links),
        "good_links": len(good_links),
        "single_source_facts": len(single),
        "single_source_wrongly_joined": len(wrongly_joined),
        "engine_conflicts": len(engine_conflicts),
        "engine_conflicts_right": len(right),
        "gold_conflicts": len(gold_conflicts),
        "gold_conflicts_found": len(found),
        "_missed": [f["gist"] for f in multi if f not in recalled],
        "_bad_links": bad_links,
        "_wrong_conflicts": [(c.type, c.detail) for c in engine_conflicts if c not in right],
    }


#: Alignment thresholds tried by ``--calibrate``.
THRESHOLDS = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
#: ``--calibrate`` maximises F-beta of link precision and fact recall with this beta (1:
#: both count alike; a wrong link and a missed one each mislead a reader).
BETA = 1.0
#: F-beta within this of the best counts as a tie (``--calibrate``).
TIE = 0.01


def calibrate(engine, data: Path) -> int:  # noqa: ANN001
    """Fit the alignment score and choose its threshold on the calibration stories
    (bench/gold/calibration, never the stories scored here); write both into the pair
    judge's config.

    1. Every pair the judge reads in those stories is labelled: both claims (or facets)
       state one gold fact, or not. A logistic regression over the judge's three outputs
       and the sentence cosine is fitted to the labels.
    2. With that score, the threshold with the best F-beta (:data:`BETA`) of link
       precision and fact recall over the stories.
    """
    import numpy as np

    from newsweave.align import Aligner
    from newsweave.dedup import find_copies
    from newsweave.nlp.judge import PairJudge, Thresholds

    judge = engine.judge
    if not isinstance(judge, PairJudge):
        print("calibration is for the pair judge")
        return 2
    stories = []
    for path in sorted((GOLD / "calibration").glob("*.json")):
        loaded = load_story(path, data)
        if loaded is None:
            print(f"skipped: datasets not found at {data}")
            return 0
        gold, articles = loaded
        analyzed = engine.analyzer.analyze(articles)
        engine.compare_analyzed(analyzed)  # links entities and speakers, as the engine does
        stories.append((gold, analyzed))
    # 1.
    judge._align_weights = []
    feats, labels = [], []
    for gold, analyzed in stories:
        aligner = Aligner(engine.embedder, judge=judge)
        aligner.pair_log = []
        copy_of = find_copies([a.article for a in analyzed])
        aligner.align(analyzed, copy_of, [])
        claims = [c for a in analyzed for c in a.claims]
        for ui, uj, v, cos, _ in aligner.pair_log:
            ra, rb = claims[ui.item].article, claims[uj.item].article
            link = ((ra, (ui.start, ui.end)), (rb, (uj.start, uj.end)))
            labels.append(any(_explains(f, link) for f in gold["facts"]))
            feats.append([v.same, v.contradict, v.similarity, cos])
    w, b = fit_logistic(np.array(feats), np.array(labels))
    judge._align_weights, judge._align_bias = [float(x) for x in w], float(b)
    print(f"fitted on {len(labels)} judged pairs ({sum(labels)} of one fact): "
          f"weights {[round(float(x), 2) for x in w]}, bias {b:.2f}")
    # 2.
    rows, scores = [], []
    for t in THRESHOLDS:
        judge.thresholds = Thresholds(align=t, contradict=judge.thresholds.contradict,
                                      same=judge.thresholds.same)
        tot: dict[str, int] = {}
        for gold, analyzed in stories:
            s = score_story(gold, engine.compare_analyzed(analyzed))
            for k, v in s.items():
                if not k.startswith("_"):
                    tot[k] = tot.get(k, 0) + v
        recall = _ratio(tot["facts_recalled"], tot["multi_report_facts"])
        precision = _ratio(tot["good_links"], tot["links"])
        b2 = BETA * BETA
        f = (1 + b2) * precision * recall / (b2 * precision + recall) if recall else 0.0
        rows.append([t, f"{recall:.2f}", f"{precision:.2f}", f"{f:.3f}"])
        scores.append((f, t))
    # Five small stories make a noisy curve: of the thresholds within TIE of the best, the
    # highest (a wrong link is the harder error to see on a page).
    top = max(f for f, _ in scores)
    best = (top, max(t for f, t in scores if f >= top - TIE))
    print(table(["threshold", "fact recall", "link precision", f"F{BETA}"], rows))
    config = judge._adapter / "config.json"
    meta = json.loads(config.read_text(encoding="utf-8"))
    meta.update(align_threshold=best[1], align_weights=judge._align_weights,
                align_bias=judge._align_bias)
    config.write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"align_threshold {best[1]} and the score's weights written to {config}")
    return 0


def _explains(fact: dict, link) -> bool:  # noqa: ANN001
    sp = {s["report"]: (s["start"], s["end"]) for s in fact["spans"]}
    (ra, sa), (rb, sb) = link
    return (ra in sp and rb in sp and _overlap(sa, sp[ra]) >= OVERLAP
            and _overlap(sb, sp[rb]) >= OVERLAP)


def _ratio(a: int, b: int) -> float:
    return a / b if b else float("nan")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", help="datasets folder (default ../shared/datasets)")
    ap.add_argument("--judge", choices=("pair", "embed"), default="pair")
    ap.add_argument("--show", action="store_true",
                    help="print missed facts and wrong links to stderr (dataset text)")
    ap.add_argument("--json", help="write the numbers here (under bench/results/)")
    ap.add_argument("--stories", choices=("test", "calibration"), default="test",
                    help="score the test stories (bench/gold) or the calibration ones "
                         "(bench/gold/calibration, which fit the alignment score)")
    ap.add_argument("--calibrate", action="store_true",
                    help="choose the pair judge's alignment threshold on bench/gold/calibration "
                         "(never on the stories scored here) and write it into its config")
    args = ap.parse_args(argv)
    data = datasets_dir(args.data)
    engine = make_engine(judge=args.judge)
    if args.calibrate:
        return calibrate(engine, data)
    rows, totals, per = [], {}, {}
    t0 = time.perf_counter()
    folder = GOLD / "calibration" if args.stories == "calibration" else GOLD
    for path in sorted(folder.glob("*.json")):
        if path.name.startswith("ecb-conflict-audit"):
            continue
        loaded = load_story(path, data)
        if loaded is None:
            print(f"skipped {path.name}: datasets not found at {data}")
            continue
        gold, articles = loaded
        comparison = engine.compare_articles(articles)
        s = score_story(gold, comparison)
        per[gold["story"]] = {k: v for k, v in s.items() if not k.startswith("_")}
        for k, v in per[gold["story"]].items():
            totals[k] = totals.get(k, 0) + v
        if args.show:
            texts = {a.id: a.text for a in articles}
            progress(f"== {gold['story']}")
            for gist in s["_missed"]:
                progress(f"  missed: {gist}")
            for (ra, sa), (rb, sb) in s["_bad_links"]:
                progress(f"  wrong link: {texts[ra][sa[0]:sa[1]]!r} ~ {texts[rb][sb[0]:sb[1]]!r}")
            for t, d in s["_wrong_conflicts"]:
                progress(f"  wrong conflict: {t}: {d}")
        single_ok = 1 - _ratio(s["single_source_wrongly_joined"], s["single_source_facts"])
        rows.append([gold["story"], len(articles), s["facts"], s["multi_report_facts"],
                     f"{_ratio(s['facts_recalled'], s['multi_report_facts']):.2f}",
                     f"{_ratio(s['good_links'], s['links']):.2f}",
                     f"{single_ok:.2f}",
                     f"{s['engine_conflicts_right']}/{s['engine_conflicts']}",
                     f"{s['gold_conflicts_found']}/{s['gold_conflicts']}"])
    if not rows:
        print(f"skipped: no gold story could be read (datasets at {data})")
        return 0
    t = totals
    summary = {
        "fact_recall": _ratio(t["facts_recalled"], t["multi_report_facts"]),
        "pair_recall": _ratio(t["gold_pairs_found"], t["gold_pairs"]),
        "link_precision": _ratio(t["good_links"], t["links"]),
        "single_source_accuracy": 1 - _ratio(t["single_source_wrongly_joined"],
                                             t["single_source_facts"]),
        "conflict_precision": _ratio(t["engine_conflicts_right"], t["engine_conflicts"]),
        "conflict_recall": _ratio(t["gold_conflicts_found"], t["gold_conflicts"]),
    }
    rows.append(["**all**", "", t["facts"], t["multi_report_facts"],
                 f"**{summary['fact_recall']:.2f}**", f"**{summary['link_precision']:.2f}**",
                 f"**{summary['single_source_accuracy']:.2f}**",
                 f"{t['engine_conflicts_right']}/{t['engine_conflicts']}",
                 f"{t['gold_conflicts_found']}/{t['gold_conflicts']}"])
    print(f"## Fact alignment against bench/gold (judge `{args.judge}`)\n")
    print(table(["story", "reports", "facts", "in ≥2 reports", "fact recall", "link precision",
                 "single-source accuracy", "conflicts right / raised",
                 "gold conflicts found"], rows))
    print(f"\nPair recall {summary['pair_recall']:.2f}. Took {time.perf_counter() - t0:.0f}s.")
    write_json(args.json, {"benchmark": "alignment", "judge": args.judge, "summary": summary,
                           "stories": per, "machine": machine()})
    return 0


if __name__ == "__main__":
    sys.exit(main())
