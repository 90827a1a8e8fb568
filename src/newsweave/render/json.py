"""The JSON output contract (DESIGN.md), and a check against its packaged JSON Schema."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib.resources import files
from typing import Any

import jsonschema

from ..model import Comparison

SCHEMA_RESOURCE = ("newsweave", "schema/comparison.schema.json")


def to_json(comparison: Comparison, *, with_text: bool = False, indent: int | None = 2) -> str:
    """The comparison as the JSON object of ``compare --format json``.

    Args:
        comparison: the result of comparing one story.
        with_text: include each article's text as ``articles[i].text``, the string that every
            ``start``/``end`` offset indexes.
        indent: passed to :func:`json.dumps`; ``None`` for one line.

    Returns:
        The JSON text, non-ASCII characters kept as they are (offsets count characters, not bytes).
    """
    return json.dumps(comparison.to_dict(with_text=with_text), ensure_ascii=False, indent=indent)


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    """The packaged JSON Schema (draft 2020-12) of the output contract."""
    package, path = SCHEMA_RESOURCE
    return json.loads(files(package).joinpath(path).read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _validator() -> jsonschema.protocols.Validator:
    cls = jsonschema.validators.validator_for(schema())
    cls.check_schema(schema())
    return cls(schema())


def validate(obj: Any) -> None:
    """Check a comparison object (parsed JSON, or JSON text) against the output contract.

    Raises:
        jsonschema.ValidationError: the first (most relevant) way ``obj`` breaks the contract;
            its ``json_path`` says where.

    Example:
        >>> validate(json.loads(to_json(comparison)))
    """
    if isinstance(obj, (str, bytes)):
        obj = json.loads(obj)
    error = jsonschema.exceptions.best_match(_validator().iter_errors(obj))
    if error is not None:
        raise error


__all__ = ["schema", "to_json", "validate"]
