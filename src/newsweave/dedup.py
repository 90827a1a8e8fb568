"""Copies and reprints: which reports are the same copy, so they count once.

Two tools: ``find_copies`` compares a handful of reports exactly (one story's
comparison); ``CopyIndex`` finds the copies of a new report among many stored
ones with MinHash LSH (datasketch) and checks the candidates' containment.

Two reports are copies when most of the shorter one's word 5-grams appear in the
longer one (containment), which survives a new headline, a trimmed ending and
light edits, while independent reports of one story share only the odd quote.
In each group of copies the original is the earliest published report, then
the longest (a reprint is more often trimmed than padded), then the first given.
"""

from __future__ import annotations

import functools
import re
import zlib
from collections.abc import Sequence

import numpy as np

from .model import Article
from .outlets import independence_key

#: Containment of the shorter report's word 5-grams in the longer one above
#: which two reports are copies. A reprint trimmed to half its length and
#: with a word changed per sentence still scores about 0.7; independent
#: reports of one story in our fixtures and ECB+ score under 0.15.
COPY_THRESHOLD = 0.5
SHINGLE_SIZE = 5
_WORD = re.compile(r"\w+", re.UNICODE)


#: Below this many 5-grams a text is too short for shared phrasing to mean
#: one copy: two outlets' one-line items often share half their words. Such
#: short texts count as copies only when nearly identical.
MIN_COPY_SHINGLES = 20
NEAR_IDENTICAL = 0.9


def is_copy(containment_value: float, smaller_size: int, threshold: float = COPY_THRESHOLD) -> bool:
    if smaller_size < MIN_COPY_SHINGLES:
        return containment_value >= max(threshold, NEAR_IDENTICAL)
    return containment_value >= threshold


def shingles(text: str, size: int = SHINGLE_SIZE) -> set[int]:
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) < size:
        return {zlib.crc32(" ".join(words).encode())} if words else set()
    return {
        zlib.crc32(" ".join(words[i : i + size]).encode()) for i in range(len(words) - size + 1)
    }


def containment(a: set[int], b: set[int]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def find_copies(articles: Sequence[Article], threshold: float = COPY_THRESHOLD) -> dict[str, str]:
    """Map each copy's id to its original's id (originals are not keys)."""
    sets = [shingles(a.text[a.body_start :]) for a in articles]
    parent = list(range(len(articles)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(articles)):
        for j in range(i + 1, len(articles)):
            if is_copy(containment(sets[i], sets[j]), min(len(sets[i]), len(sets[j])), threshold):
                parent[find(j)] = find(i)

    groups: dict[int, list[int]] = {}
    for i in range(len(articles)):
        groups.setdefault(find(i), []).append(i)
    copy_of: dict[str, str] = {}
    for members in groups.values():
        if len(members) < 2:
            continue
        original = min(
            members,
            key=lambda i: (
                articles[i].published is None,
                articles[i].published or "",
                -len(articles[i].text),
                i,
            ),
        )
        for i in members:
            if i != original:
                copy_of[articles[i].id] = articles[original].id
    return copy_of


def source_of(article_id: str, copy_of: dict[str, str]) -> str:
    """The independent source an article counts as: its original, or itself."""
    return copy_of.get(article_id, article_id)


def independent_sources(
    articles: Sequence[Article], copy_of: dict[str, str]
) -> dict[str, str]:
    """Which independent source each article counts as (``outlets.independence_key``):
    its original's owner where the outlet registry knows it, else its original's outlet,
    else its original. Two reports with one key count once."""
    by_id = {a.id: a for a in articles}
    out = {}
    for a in articles:
        original = by_id.get(source_of(a.id, copy_of), a)
        out[a.id] = independence_key(original.owner, original.outlet_id, original.id)
    return out


#: MinHash permutations. Changing it makes stored signatures incompatible:
#: re-run ``newsweave ingest --rehash`` (the store keeps the number it used).
NUM_PERM = 128
#: datasketch's hashing scheme; signatures made with another are incompatible.
MINHASH_SCHEME = "affine32"
#: Jaccard threshold of the LSH candidate search. A reprint trimmed to half of
#: its original has Jaccard 0.5 with it and containment 1, and one word in ten
#: edited leaves Jaccard about 0.4, so candidates are gathered well below
#: COPY_THRESHOLD and then checked on containment (bench/copies.py: 0.3 missed
#: 45% of the edited reprints, 0.2 far fewer).
LSH_THRESHOLD = 0.2


@functools.cache
def _permutations(num_perm: int) -> np.ndarray:
    """datasketch's permutations for ``num_perm`` (made once: they cost more
    than hashing a report)."""
    from datasketch import MinHash

    return MinHash(num_perm=num_perm, seed=1, scheme=MINHASH_SCHEME).permutations


def _new_minhash(num_perm: int, hashvalues: np.ndarray | None = None):  # noqa: ANN202
    from datasketch import MinHash

    return MinHash(
        num_perm=num_perm, seed=1, scheme=MINHASH_SCHEME, hashvalues=hashvalues,
        permutations=_permutations(num_perm),
    )


def minhash_signature(text: str, num_perm: int = NUM_PERM) -> tuple[np.ndarray, int]:
    """A text's MinHash signature over word 5-grams, and its number of 5-grams."""
    sh = shingles(text)
    mh = _new_minhash(num_perm)
    if sh:
        mh.update_batch([s.to_bytes(4, "little") for s in sh])
    return mh.hashvalues.copy(), len(sh)


def estimated_containment(a: np.ndarray, size_a: int, b: np.ndarray, size_b: int) -> float:
    """Containment of the smaller set in the larger, from two signatures.

    With Jaccard J and sizes |A|, |B|: |A ∩ B| = J (|A| + |B|) / (1 + J).
    """
    if not size_a or not size_b:
        return 0.0
    jaccard = float(np.mean(a == b))
    inter = jaccard * (size_a + size_b) / (1 + jaccard)
    return min(1.0, inter / min(size_a, size_b))


class CopyIndex:
    """Find the stored reports a new report copies, among many, in sublinear time.

    Example:
        >>> index = CopyIndex()
        >>> sig, size = minhash_signature(original_text)
        >>> index.add("a1", sig, size)
        >>> index.matches(*minhash_signature(reprint_text))
        [('a1', 0.93)]
    """

    def __init__(self, threshold: float = COPY_THRESHOLD, num_perm: int = NUM_PERM) -> None:
        from datasketch import MinHashLSH

        if not 0 < threshold <= 1:
            raise ValueError(f"threshold must lie in (0, 1], got {threshold}")
        self.threshold = threshold
        self.num_perm = num_perm
        self._lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=num_perm)
        self._sigs: dict[str, tuple[np.ndarray, int]] = {}

    def __len__(self) -> int:
        return len(self._sigs)

    def _minhash(self, sig: np.ndarray):  # noqa: ANN202 - datasketch.MinHash
        return _new_minhash(self.num_perm, sig)

    def add(self, article_id: str, sig: np.ndarray, size: int) -> None:
        if article_id in self._sigs or not size:
            return
        self._sigs[article_id] = (sig, size)
        self._lsh.insert(article_id, self._minhash(sig))

    def matches(self, sig: np.ndarray, size: int) -> list[tuple[str, float]]:
        """Stored reports this one is a copy of (or that copy it), best first."""
        if not size or not self._sigs:
            return []
        out = []
        for key in self._lsh.query(self._minhash(sig)):
            other, other_size = self._sigs[key]
            c = estimated_containment(sig, size, other, other_size)
            if is_copy(c, min(size, other_size), self.threshold):
                out.append((key, round(c, 3)))
        return sorted(out, key=lambda kv: (-kv[1], kv[0]))
