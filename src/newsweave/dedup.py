"""Copies and reprints: which reports are the same copy, so they count once.

Two reports are copies when most of the shorter one's word 5-grams appear in the
longer one (containment), which survives a new headline, a trimmed ending and
light edits, while independent reports of one story share only the odd quote.
In each group of copies the original is the earliest published report, then
the longest (a reprint is more often trimmed than padded), then the first given.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence

from .model import Article

#: Containment of the shorter report's word 5-grams in the longer one above
#: which two reports are copies. A reprint trimmed to half its length and
#: with a word changed per sentence still scores about 0.7; independent
#: reports of one story in our fixtures and ECB+ score under 0.15.
COPY_THRESHOLD = 0.5
SHINGLE_SIZE = 5
_WORD = re.compile(r"\w+", re.UNICODE)


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
            if containment(sets[i], sets[j]) >= threshold:
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
