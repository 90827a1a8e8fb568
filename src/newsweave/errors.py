"""One base exception with typed subclasses.

Every message says what happened and what to do about it. The library never
prints or exits: the CLI (and later the web app) turns these into output.
"""

from __future__ import annotations


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
        self.source = source
        self.reason = reason
        super().__init__(f"{source}: {reason}")


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
