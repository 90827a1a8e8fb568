"""JSON Lines: one article record per line.

A record is a JSON object with a non-empty string ``text`` and, optionally,
``title``, ``outlet``, ``url``, ``published`` (or ``date``), ``author``,
``dateline`` and ``id``. The same records are accepted as dicts by
``read_inputs`` and, one or a list of them, in a ``.json`` file.
"""

from __future__ import annotations

import json
from typing import Any

from ..errors import IngestError, printable
from ..model import Article, InputFailure
from .text import article_from_text, json_type, meta_fields

__all__ = ["article_from_record", "read_json", "read_jsonl", "read_jsonl_file"]

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
        article.id = printable(record_id.strip())
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
        _add_line(line, f"{source}:{number}", source, articles, failures)
    return articles, failures


def read_jsonl_file(path: str, max_bytes: int) -> tuple[list[Article], list[InputFailure]]:
    """Read a UTF-8 JSONL file line by line; ``max_bytes`` caps each line, not the file.

    A JSONL file is a container: a dump of 100,000 reports is one file, and
    each of its records gets the limit a file of its own would. A line too
    long or not UTF-8 fails alone (as ``path:LINE``).

    Raises:
        IngestError: the file cannot be read, is empty, looks binary, or holds
            no records.
    """
    from .text import _BINARY_MESSAGE, _looks_binary

    articles: list[Article] = []
    failures: list[InputFailure] = []
    seen_bytes = seen_text = False
    try:
        with open(path, "rb") as fh:
            for number, raw in enumerate(_lines(fh, max_bytes), 1):
                where = f"{path}:{number}"
                if number == 1 and raw is not _TOO_LONG:
                    # An over-long first line is that line's fault, not a sign
                    # that the file is binary: the lines after it are read.
                    if raw and _looks_binary(raw[:4096]):
                        raise IngestError(path, _BINARY_MESSAGE)
                    raw = raw.removeprefix(b"\xef\xbb\xbf")
                seen_bytes = True
                seen_text = seen_text or bool(raw.strip())
                if raw is _TOO_LONG:
                    failures.append(InputFailure(where, (
                        f"is longer than the limit of {max_bytes:,} bytes per record "
                        "(option max_bytes); raise max_bytes or shorten the record"
                    )))
                    continue
                try:
                    line = raw.decode("utf-8")
                except UnicodeDecodeError as exc:
                    failures.append(InputFailure(where, (
                        f"is not UTF-8 (byte {exc.start}); JSONL must be UTF-8: re-save it as "
                        "UTF-8 and try again"
                    )))
                    continue
                _add_line(line.rstrip("\r\n"), where, path, articles, failures)
    except OSError as exc:
        raise IngestError(
            path, f"cannot be read ({exc.strerror or exc}); check its permissions"
        ) from exc
    if not seen_bytes:
        raise IngestError(path, "is empty (0 bytes); give one JSON record per line")
    if not seen_text and not failures:
        raise IngestError(path, "contains only whitespace; give one JSON record per line")
    if not articles and not failures:
        raise IngestError(path, "holds no records; give one JSON record per line")
    return articles, failures


#: Stands for a line longer than the limit (its bytes are skipped, not kept).
_TOO_LONG = b"\0too long"


def _lines(fh: Any, max_bytes: int) -> Any:
    """The lines of a binary file, each at most ``max_bytes`` (longer: ``_TOO_LONG``)."""
    while True:
        line = fh.readline(max_bytes + 1)
        if not line:
            return
        if len(line) > max_bytes and not line.endswith(b"\n"):
            # Skip the rest of the over-long line without holding it.
            while line and not line.endswith(b"\n"):
                line = fh.readline(1 << 20)
            yield _TOO_LONG
            continue
        yield line


def _add_line(
    line: str, where: str, source: str, articles: list[Article], failures: list[InputFailure]
) -> None:
    if not line.strip():
        return
    try:
        record = _loads(line, where)
    except json.JSONDecodeError as exc:
        failures.append(
            InputFailure(
                where,
                f"is not valid JSON ({exc.msg} at column {exc.colno}); each line must be "
                f"one JSON object such as {_EXAMPLE}",
            )
        )
        return
    except IngestError as exc:
        failures.append(InputFailure(exc.source, exc.reason))
        return
    _add_record(record, where, source, articles, failures)


def _loads(text: str, source: str) -> Any:
    """``json.loads``, with nesting too deep for it said as an input's fault.

    Raises:
        json.JSONDecodeError: the text is not JSON.
        IngestError: it nests deeper than Python's recursion limit allows
            (``[`` 100,000 times), which no article record does.
    """
    try:
        return json.loads(text)
    except RecursionError:
        raise IngestError(
            source,
            "nests JSON lists or objects too deeply to read (thousands of levels); "
            f"an article record is one flat object such as {_EXAMPLE}",
        ) from None


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
        data = _loads(text, source)
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
