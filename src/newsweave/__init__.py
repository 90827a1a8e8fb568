"""newsweave: read the news across sources, claim by claim."""

from .errors import (
    ConfigError,
    ExtractionError,
    IngestError,
    ModelError,
    NewsweaveError,
    NotFound,
    StoreError,
)
from .model import Article, Comparison

__all__ = [
    "Article",
    "Comparison",
    "ConfigError",
    "ExtractionError",
    "IngestError",
    "ModelError",
    "NewsweaveError",
    "NotFound",
    "StoreError",
    "compare",
]

__version__ = "0.1.0"


def compare(inputs, **options):  # noqa: ANN001, ANN201 - re-exported from engine.py
    from .engine import compare as _compare

    return _compare(inputs, **options)
