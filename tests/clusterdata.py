"""Hand-made clusterer features shared by the clustering and regrouping tests."""

from __future__ import annotations

import numpy as np

from newsweave.cluster import DocFeatures

_TOPIC = {"quake": 1.0, "island": 1.0, "toll": 1.0, "rescue": 1.0}


def event(tag: str, axis: int, n: int) -> list[DocFeatures]:
    """``n`` reports of one event, ``tag``1 to ``tag``n: the topic's words and
    direction, plus the event's own place, mayor and direction (``axis``)."""
    out = []
    for i in range(n):
        vec = np.array([1.0, 0.0, 0.0, 0.0, 0.1 * i], dtype=np.float32)
        vec[axis] = 0.6
        terms = {**_TOPIC, f"{tag}town": 1.0, f"{tag}mayor": 1.0, f"{tag}{i}": 1.0}
        entities = {f"PLACE:{tag}town": 1.0, "ORG:agency": 1.0}
        out.append(DocFeatures(f"{tag}{i + 1}", vec / np.linalg.norm(vec), entities,
                               terms=terms))
    return out
