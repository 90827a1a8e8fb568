"""newsweave: read the news across sources, claim by claim."""

from .errors import (
    BadRequest,
    ConfigError,
    ExtractionError,
    Forbidden,
    IngestError,
    ModelError,
    NewsweaveError,
    NotFound,
    QueryError,
    QueryTimeout,
    StoreError,
    TooLarge,
)
from .model import Article, Comparison

__all__ = [
    "Article",
    "BadRequest",
    "Comparison",
    "ConfigError",
    "ExtractionError",
    "Forbidden",
    "IngestError",
    "ModelError",
    "NewsweaveError",
    "NotFound",
    "QueryError",
    "QueryTimeout",
    "StoreError",
    "TooLarge",
    "compare",
]

__version__ = "0.1.0"


def compare(inputs, **options):  # noqa: ANN001, ANN201 - re-exported from engine.py
    from .engine import compare as _compare

    return _compare(inputs, **options)
