"""JSON Lines: one article record per line.

A record is a JSON object with a non-empty string ``text`` and, optionally,
``title``, ``outlet``, ``url``, ``published`` (or ``date``), ``author``,
``dateline`` and ``id``. The same records are accepted as dicts by
``read_inputs`` and, one or a list of them, in a ``.json`` file.
"""

from __future__ import annotations

import json
from typing import Any

from ..errors import IngestError
from ..model import Article, InputFailure
from .text import article_from_text, json_type, meta_fields

__all__ = ["article_from_record", "read_json", "read_jsonl"]

_EXAMPLE = '{"text": "...", "title": "...", "outlet": "...", "published": "YYYY-MM-DD"}'


def article_from_record(
    record: Any, source: str, *, path: str | None = None
) -> tuple[Article, list[InputFailure]]:
    """Build an Article from one record; also return what was ignored in it.

    The text gets the same title-line and dateline parsing as a plain text;
    fields the record gives win over what parsing found.

    Raises:
        IngestError: the record is not an object or has no usable ``text``.
    """
    if not isinstance(record, dict):
        raise IngestError(
            source, f"is {json_type(record)}, not a JSON object; write each record as {_EXAMPLE}"
        )
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        if text is None:
            found = 'has no "text" field'
        elif isinstance(text, str):
            found = 'has an empty "text" field'
        else:
            found = f'has {json_type(text)} as its "text" field'
        raise IngestError(
            source, f"{found}; every record needs the article text as a non-empty string"
        )
    article = article_from_text(text, path=path, source=source)
    fields, failures = meta_fields(record, source)
    for key, value in fields.items():
        setattr(article, key, value)
    record_id = record.get("id")
    # An explicit id is kept so records round-trip; otherwise the Article
    # derives one from its text.
    if isinstance(record_id, str) and record_id.strip():
        article.id = record_id.strip()
    elif record_id is not None:
        failures.append(
            InputFailure(
                source,
                f'field "id" must be a string, not {json_type(record_id)}; '
                "it was ignored and an id derived from the text",
            )
        )
    return article, failures


def read_jsonl(text: str, source: str) -> tuple[list[Article], list[InputFailure]]:
    """Read every line of a JSONL document; bad lines are reported as ``source:LINE``.

    Blank lines are skipped. ``text`` must already have ``\\n`` newlines.
    """
    articles: list[Article] = []
    failures: list[InputFailure] = []
    # split("\n"), not splitlines(): U+2028 and friends may sit unescaped
    # inside JSON strings and must not end a line.
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        where = f"{source}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            failures.append(
                InputFailure(
                    where,
                    f"is not valid JSON ({exc.msg} at column {exc.colno}); each line must be "
                    f"one JSON object such as {_EXAMPLE}",
                )
            )
            continue
        _add_record(record, where, source, articles, failures)
    return articles, failures


def _add_record(
    record: object,
    where: str,
    source: str,
    articles: list[Article],
    failures: list[InputFailure],
) -> None:
    """Append the record's article, or its failure, and any ignored-field notes."""
    try:
        article, ignored = article_from_record(record, where, path=source)
    except IngestError as exc:
        failures.append(InputFailure(exc.source, exc.reason))
        return
    articles.append(article)
    failures.extend(ignored)


def read_json(text: str, source: str) -> tuple[list[Article], list[InputFailure]]:
    """Read a ``.json`` file holding one record or a list of records.

    Raises:
        IngestError: the file is not JSON, or not a record or list of records.
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise IngestError(
            source,
            f"is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}); fix it, "
            "or give one record per line in a .jsonl file",
        ) from exc
    if isinstance(data, dict):
        if "text" not in data and any(k in data for k in ("outlet", "title", "url", "published")):
            raise IngestError(
                source,
                'looks like a metadata sidecar (no "text"); give the text or HTML file it '
                "belongs to, named like it (story.txt with story.json)",
            )
        article, ignored = article_from_record(data, source, path=source)
        return [article], ignored
    if isinstance(data, list):
        articles: list[Article] = []
        failures: list[InputFailure] = []
        for index, record in enumerate(data):
            _add_record(record, f"{source}[{index}]", source, articles, failures)
        return articles, failures
    raise IngestError(
        source, f"holds {json_type(data)}; give a JSON object such as {_EXAMPLE}, or a list of them"
    )
