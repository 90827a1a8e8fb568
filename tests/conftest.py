"""Shared fixtures: the real models, loaded once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
STORIES = FIXTURES / "stories"


@pytest.fixture(scope="session")
def engine():
    """The default engine: the real spaCy pipeline and sentence embedder."""
    from newsweave.config import Options
    from newsweave.engine import Engine

    return Engine.shared(Options())


@pytest.fixture(scope="session")
def story_results(engine):
    """Comparisons of every hand-written test story, computed once."""
    from newsweave import compare

    cache: dict[str, object] = {}

    def get(name: str):
        if name not in cache:
            cache[name] = compare([STORIES / name], engine=engine)
        return cache[name]

    return get
