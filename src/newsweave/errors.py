"""One base exception with typed subclasses.

Every message says what happened and what to do about it. The library never
prints or exits: the CLI (and later the web app) turns these into output.
"""

from __future__ import annotations

import re

#: The longest reason a failure message keeps. Reasons quote their input (a
#: first line, a bad value); a 10 KB gzip bomb once made a 42 MB message, and
#: a 42 MB row in the store. A few hundred characters say all there is to say.
MAX_REASON_CHARS = 1000
#: The longest input name kept: a path, a URL, ``file.jsonl:LINE``.
MAX_SOURCE_CHARS = 400

# Lone surrogates cannot be written as UTF-8 (to a terminal, a log, the
# store): a file name that is not UTF-8 decodes to U+DC80-U+DCFF (one per
# byte), and a JSON string may hold any of U+D800-U+DFFF.
_SURROGATE = re.compile("[\ud800-\udfff]")


def printable(text: str, limit: int | None = None) -> str:
    """``text`` safe to print and store: lone surrogates as backslash escapes, at
    most ``limit`` characters, the mark of a cut included (it says how much was left
    out), so that cutting again changes nothing.

    A file name's undecodable bytes come back as ``\\xff``, as Python shows bytes,
    so the name printed is still recognisable.

    Example:
        >>> printable(os.fsdecode(b"bad\\xff.txt"))
        'bad\\\\xff.txt'
    """
    if _SURROGATE.search(text):
        text = _SURROGATE.sub(_escape, text)
    if limit is not None and len(text) > limit:
        keep = max(0, limit - _CUT_MARK_CHARS)
        text = f"{text[:keep]}... ({len(text) - keep:,} more characters)"
    return text


#: Room kept for "... (N more characters)" within a limit.
_CUT_MARK_CHARS = 40


def has_surrogates(text: str) -> bool:
    """Whether ``text`` holds a lone surrogate (and so cannot be encoded as UTF-8)."""
    return _SURROGATE.search(text) is not None


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:
        return f"\\x{code - 0xDC00:02x}"
    return f"\\u{code:04x}"


class NewsweaveError(Exception):
    """Base class of every error newsweave raises on purpose.

    Args:
        *args: the message (for the person running newsweave: it may name the store's
            file and the command to run).
        public: the message for a reader of the web app, when the first one says
            more of the server than a reader should see (its files, its commands).
    """

    code = "E000"
    exit_code = 1
    #: The HTTP status the web app answers with (500: a fault on the server's side).
    http_status = 500

    def __init__(self, *args: object, public: str | None = None) -> None:
        super().__init__(*args)
        self.public = public

    def __str__(self) -> str:
        return f"[{self.code}] {super().__str__()}"


class ConfigError(NewsweaveError):
    """A setting or option has a value newsweave cannot use."""

    code = "E001"
    exit_code = 2
    http_status = 400


class IngestError(NewsweaveError):
    """An input could not be read (missing, empty, binary, too large, unknown)."""

    code = "E010"

    def __init__(self, source: str, reason: str) -> None:
        # Cut and escaped here, once, so that no reader can forget to.
        self.source = printable(source, MAX_SOURCE_CHARS)
        self.reason = printable(reason, MAX_REASON_CHARS)
        super().__init__(f"{self.source}: {self.reason}")


class ExtractionError(IngestError):
    """An input was read but no article text could be extracted from it."""

    code = "E011"


class ModelError(NewsweaveError):
    """A language model could not be loaded."""

    code = "E020"


class StoreError(NewsweaveError):
    code = "E030"


class QueryError(StoreError):
    """A search query or filter the store cannot run (bad FTS5 syntax, a bad date)."""

    code = "E031"
    http_status = 400


class QueryTimeout(StoreError):
    """A read stopped at the store's time limit (``Store.read_timeout``)."""

    code = "E032"
    http_status = 503


class NotFound(NewsweaveError):
    """No story, report or other thing with the id asked for."""

    code = "E040"
    http_status = 404


class BadRequest(NewsweaveError):
    """A web request the app cannot answer as asked (a bad parameter or body)."""

    code = "E050"
    exit_code = 2
    http_status = 400


class Forbidden(NewsweaveError):
    """A web request without the credentials its endpoint requires."""

    code = "E051"
    exit_code = 2
    http_status = 403


class TooLarge(BadRequest):
    """A web request whose body is larger than the app accepts."""

    code = "E052"
    http_status = 413
