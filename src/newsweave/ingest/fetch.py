"""Fetching web pages politely and safely.

One ``Fetcher`` holds one ``httpx.Client`` for a run. ``Fetcher.fetch``:

1. refuses every scheme but http and https;
2. refuses hosts that resolve to a private, loopback, multicast, reserved
   or unspecified address, unless ``Options.allow_private_hosts``, and to a
   link-local or cloud metadata address, unless
   ``Options.allow_link_local_hosts`` (a separate switch: that is where a
   cloud machine's credentials are handed out). The check runs when a
   connection is opened, on the very addresses connected to, so a DNS
   answer that changes between a check and the connection cannot slip
   through;
3. asks the host's robots.txt, fetched once per host and kept for the run;
4. retries failed connections, timeouts, HTTP 429 and 5xx answers with
   exponential backoff and jitter, honouring ``Retry-After``; the pauses for
   one host add up to at most ``MAX_WAIT_PER_HOST`` seconds in a run, so the
   entries of a feed on a busy site do not each wait the full pause;
5. follows at most ``MAX_REDIRECTS`` redirects itself, each hop going through
   1. to 4. again;
6. streams the body and stops as soon as it grows past ``Options.max_bytes``.

One deadline, ``Options.fetch_deadline``, covers all of it for one URL: every
connect, read and write on the socket is bounded by the time left, so a
server that trickles its headers or body a byte at a time is cut off when
the deadline passes, whatever ``fetch_timeout`` says about a single read.

Every failure is an ``IngestError`` naming the URL asked for and saying what
to do.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import functools
import ipaddress
import logging
import math
import random
import socket
import ssl
import time
import urllib.robotparser
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from .. import __version__
from ..config import Options
from ..errors import IngestError
from .url import split_content_type

__all__ = [
    "MAX_REDIRECTS",
    "MAX_WAIT_PER_HOST",
    "ROBOTS_AGENT",
    "FetchResult",
    "Fetcher",
    "address_problem",
]

logger = logging.getLogger(__name__)

#: The product token robots.txt groups are matched against.
ROBOTS_AGENT = "newsweave"
#: Redirects followed before giving up; RFC 9309 asks crawlers to follow at
#: least five for robots.txt, and browsers stop at about twenty.
MAX_REDIRECTS = 5
#: Pause before the first retry, in seconds; it doubles with each further
#: try, and up to as much again is added at random so that many clients
#: refused at once do not all come back at the same moment.
BACKOFF_SECONDS = 0.5
#: Seconds of pauses between tries that one host may cost a run (one
#: ``Fetcher``), ``Retry-After`` included. A server asking for more than is
#: left gets it: the fetch fails at once with "try again later" instead of
#: holding the run (or asking again too early). Per host, not per URL: a
#: feed of fifty pages on one busy site waits this long in all, not fifty
#: times over.
MAX_WAIT_PER_HOST = 30.0
#: Bytes of robots.txt read; RFC 9309 asks crawlers to parse at least
#: 500 KiB and lets them ignore the rest.
ROBOTS_MAX_BYTES = 512_000
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_SCHEMES = ("http", "https")
_ACCEPT = (
    "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,"
    "application/xml;q=0.9,text/*;q=0.8,*/*;q=0.5"
)
# Tried in order: the first that applies names the kind of address. Python
# counts loopback and reserved ranges (127.0.0.0/8, 240.0.0.0/4) as private
# too; the narrower name says more.
_ADDRESS_KINDS = (
    ("is_unspecified", "unspecified"),
    ("is_loopback", "loopback"),
    ("is_link_local", "link-local"),
    ("is_multicast", "multicast"),
    ("is_reserved", "reserved"),
    ("is_private", "private"),
)
#: Metadata services of cloud machines outside 169.254.0.0/16: AWS's IPv6
#: address and Alibaba Cloud's. They hand out the machine's credentials, so
#: they are closed like link-local addresses.
_METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a) for a in ("fd00:ec2::254", "100.100.100.200")
)
#: Kinds of address that only ``allow_link_local_hosts`` opens.
_LINK_LOCAL_KINDS = frozenset({"link-local", "cloud metadata"})
# When the URL now being fetched must be done by (time.monotonic()), or None
# outside a fetch. A context variable, not an attribute: pooled connections
# outlive a fetch, and threads may share a Fetcher.
_DEADLINE: ContextVar[float | None] = ContextVar("newsweave_fetch_deadline", default=None)


@dataclass(slots=True, frozen=True)
class FetchResult:
    """What one fetch brought back.

    ``content_type`` is the media type alone, lowercased (``text/html``);
    ``encoding`` is the charset the server declared, if any. When the server
    answered 304 to a conditional request, ``not_modified`` is true, the
    content is empty and ``etag``/``last_modified`` are the validators to
    send next time.
    """

    url: str
    final_url: str
    status: int
    content: bytes
    content_type: str | None
    encoding: str | None
    etag: str | None
    last_modified: str | None
    not_modified: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "final_url": self.final_url,
            "status": self.status,
            "content_type": self.content_type,
            "encoding": self.encoding,
            "etag": self.etag,
            "last_modified": self.last_modified,
            "not_modified": self.not_modified,
            "size": len(self.content),
        }


def address_problem(address: str) -> str | None:
    """What kind of non-public address ``address`` is, or None when it is public.

    Example:
        >>> address_problem("10.0.0.5")
        'private'
        >>> address_problem("93.184.215.14") is None
        True
    """
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip in _METADATA_ADDRESSES:
        return "cloud metadata"
    for attribute, kind in _ADDRESS_KINDS:
        if getattr(ip, attribute):
            return kind
    # Shared (carrier-grade NAT) space and the like: neither private nor public.
    return None if ip.is_global else "non-public"


class Fetcher:
    """Fetches URLs for one run: one connection pool, one robots.txt cache.

    Args:
        options: ``fetch_timeout``, ``fetch_deadline``, ``fetch_retries``,
            ``max_bytes``, ``user_agent`` (contact URL),
            ``allow_private_hosts`` and ``allow_link_local_hosts``.
        backoff: pause before the first retry, in seconds (see
            ``BACKOFF_SECONDS``).
        sleep: how to pause; tests and callers with their own scheduler may
            pass another.
        rng: source of the retry jitter.

    Use it as a context manager, or call ``close()``.

    Example:
        >>> with Fetcher(Options()) as fetcher:
        ...     page = fetcher.fetch("https://example.org/news/1")
    """

    def __init__(
        self,
        options: Options | None = None,
        *,
        backoff: float = BACKOFF_SECONDS,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.options = options or Options()
        self.user_agent = f"{ROBOTS_AGENT}/{__version__} (+{self.options.user_agent})"
        self._backoff = backoff
        self._sleep = sleep
        self._rng = rng or random.Random()
        # Per origin: the parsed robots.txt, or why the origin is off limits.
        self._robots: dict[str, urllib.robotparser.RobotFileParser | str] = {}
        # Per host: seconds paused before retries so far (see MAX_WAIT_PER_HOST).
        self._waited: dict[str, float] = {}
        self._client = httpx.Client(
            transport=_GuardedTransport(
                self.options.allow_private_hosts, self.options.allow_link_local_hosts
            ),
            timeout=httpx.Timeout(self.options.fetch_timeout),
            headers={"User-Agent": self.user_agent, "Accept": _ACCEPT},
            follow_redirects=False,
            # No proxies or .netrc credentials from the environment: every
            # connection goes where the address check says it goes.
            trust_env=False,
        )

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        """Fetch one URL, following redirects.

        Args:
            url: an http or https URL.
            etag, last_modified: validators from an earlier fetch; when the
                page has not changed since, the result says ``not_modified``.

        Raises:
            IngestError: the URL is refused (scheme, address, robots.txt) or
                could not be fetched, or ``fetch_deadline`` passed first; the
                reason says which and what to do.
        """
        token = _DEADLINE.set(time.monotonic() + self.options.fetch_deadline)
        try:
            return self._fetch(url, etag, last_modified)
        finally:
            _DEADLINE.reset(token)

    def _fetch(self, url: str, etag: str | None, last_modified: str | None) -> FetchResult:
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        current = url
        try:
            for _hop in range(MAX_REDIRECTS + 1):
                _check_scheme(url, current)
                self._check_robots(url, current)
                reply = self._send(url, current, headers, self.options.max_bytes)
                if reply.status in _REDIRECTS:
                    current = _redirect_target(url, current, reply)
                    continue
                return _result(url, current, reply, etag, last_modified)
        except _Refused as refused:
            raise IngestError(url, refused.reason) from None
        except _Failed as failed:
            raise IngestError(url, failed.reason) from None
        raise IngestError(
            url,
            f"more than {MAX_REDIRECTS} redirects (the last to {current}); open the URL in a "
            "browser and give the address it ends at",
        )

    # --- robots.txt ---------------------------------------------------------

    def _check_robots(self, source: str, url: str) -> None:
        parts = urlsplit(url)
        host = _host_label(parts.hostname or "", parts.port)
        origin = f"{parts.scheme.lower()}://{host}"
        rules = self._robots.get(origin)
        if rules is None:
            rules = self._robots[origin] = self._load_robots(source, origin)
        if isinstance(rules, str):
            raise IngestError(source, rules)
        if not rules.can_fetch(ROBOTS_AGENT, url):
            path = parts.path or "/"
            if parts.query:
                path += f"?{parts.query}"
            raise IngestError(
                source,
                f"robots.txt of {host} disallows {path} for {ROBOTS_AGENT}; ask the site for "
                "permission, or save the page in a browser and give the file",
            )

    def _load_robots(self, source: str, origin: str) -> urllib.robotparser.RobotFileParser | str:
        """The rules of one origin's robots.txt, or why the origin is off limits.

        RFC 9309: a robots.txt that is missing (any 4xx) allows everything; one
        that cannot be fetched (5xx, 429, no connection) disallows everything,
        here for the rest of the run.
        """
        host = urlsplit(origin).netloc
        current = f"{origin}/robots.txt"
        parser = urllib.robotparser.RobotFileParser(current)
        try:
            for _hop in range(MAX_REDIRECTS + 1):
                _check_scheme(source, current)
                reply = self._send(source, current, {}, ROBOTS_MAX_BYTES, truncate=True)
                if reply.status in _REDIRECTS:
                    current = _redirect_target(source, current, reply)
                    continue
                if 200 <= reply.status < 300:
                    parser.parse(reply.content.decode("utf-8", "replace").splitlines())
                elif 400 <= reply.status < 500:
                    parser.allow_all = True
                else:
                    return _robots_unavailable(host, f"HTTP {reply.status}")
                logger.debug("robots.txt of %s read (HTTP %s)", host, reply.status)
                return parser
        except _Failed as failed:
            return _robots_unavailable(host, failed.detail)
        except IngestError as exc:
            return _robots_unavailable(host, exc.reason.split(";")[0])
        return _robots_unavailable(host, f"more than {MAX_REDIRECTS} redirects")

    # --- one request, with retries --------------------------------------------

    def _send(
        self,
        source: str,
        url: str,
        headers: dict[str, str],
        limit: int,
        *,
        truncate: bool = False,
    ) -> _Reply:
        """GET ``url`` once, retrying what may go better on another try.

        A 2xx body is read (at most ``limit`` bytes: past it, ``truncate``
        keeps the first ``limit`` bytes, else the fetch fails); other answers
        come back without their body. Raises ``_Failed`` when the tries run
        out or the deadline passes, ``_Refused`` for a refused address.
        """
        tries = self.options.fetch_retries + 1
        for attempt in range(tries):
            last = attempt == tries - 1
            self._check_deadline()
            try:
                with self._client.stream("GET", url, headers=headers) as response:
                    status = response.status_code
                    if status == 429 or status >= 500:
                        wait = _retry_after(response.headers.get("retry-after"))
                        what = f"HTTP {status} {response.reason_phrase}".rstrip()
                        if last:
                            raise _Failed(f"{what} after {_tries(tries)}", "try again later")
                    else:
                        content = b""
                        if 200 <= status < 300:
                            content = self._read_body(response, limit, truncate)
                        return _Reply(status, response.reason_phrase, response.headers, content)
                # Paused with the response closed: its connection goes back to the pool.
                self._pause(url, what, attempt, wait)
            except httpx.TimeoutException:
                self._check_deadline()
                if last:
                    raise _Failed(
                        f"timed out after {_tries(tries)} "
                        f"(fetch_timeout {self.options.fetch_timeout:g} s)",
                        "try again later, or raise fetch_timeout",
                    ) from None
                self._pause(url, "timed out", attempt, None)
            except (httpx.NetworkError, httpx.RemoteProtocolError) as exc:
                if last:
                    raise _Failed(
                        f"the connection failed ({_describe(exc)}) after {_tries(tries)}",
                        "check the URL and your network, or try again later",
                    ) from None
                self._pause(url, _describe(exc), attempt, None)
            except (httpx.HTTPError, httpx.InvalidURL) as exc:
                # Not worth another try: a response that cannot be decoded, say.
                raise _Failed(
                    f"could not be fetched ({_describe(exc)})",
                    "open the URL in a browser, save the page and give the file",
                ) from None
        raise AssertionError("unreachable: the last try returns or raises")

    def _check_deadline(self) -> None:
        if _time_left() <= _DEADLINE_SLACK:
            raise _Failed(
                f"no complete answer within {self.options.fetch_deadline:g} s "
                "(option fetch_deadline)",
                "try again later, or raise fetch_deadline",
            )

    def _pause(self, url: str, what: str, attempt: int, retry_after: float | None) -> None:
        """Wait before the next try, unless the wait would pass a limit: then fail now.

        1. The host's share of waiting in this run (``MAX_WAIT_PER_HOST``).
        2. The deadline of the URL being fetched (``fetch_deadline``).
        """
        if retry_after is not None:
            delay = retry_after
        else:
            step = self._backoff * 2**attempt
            delay = step + self._rng.uniform(0, step)
        host = urlsplit(url).netloc
        waited = self._waited.get(host, 0.0)
        asked = f"the server asks to wait {delay:.0f} s" if retry_after is not None else None
        # 1.
        if waited + delay > MAX_WAIT_PER_HOST:
            left = max(0.0, MAX_WAIT_PER_HOST - waited)
            if asked:
                detail = (f"{what}, and {asked}, longer than newsweave waits for {host} "
                          f"({left:.0f} s left of {MAX_WAIT_PER_HOST:.0f} s a run)")
            else:
                detail = (f"{what} after {_tries(attempt + 1)}; newsweave has waited "
                          f"{waited:.0f} s for {host} in this run, its most")
            raise _Failed(detail, "try again later")
        # 2.
        if delay >= _time_left() - _DEADLINE_SLACK:
            deadline = f"the deadline (fetch_deadline {self.options.fetch_deadline:g} s)"
            detail = (f"{what}, and {asked}, past {deadline}" if asked else
                      f"{what}, and another try in {delay:.1f} s would pass {deadline}")
            raise _Failed(detail, "try again later, or raise fetch_deadline")
        self._waited[host] = waited + delay
        logger.info("%s: %s; trying again in %.2f s", url, what, delay)
        self._sleep(delay)

    def _read_body(self, response: httpx.Response, limit: int, truncate: bool) -> bytes:
        declared = response.headers.get("content-length", "")
        if not truncate and declared.isdigit() and int(declared) > limit:
            raise _too_large(limit)
        chunks: list[bytes] = []
        size = 0
        # iter_bytes decodes gzip and brotli: the limit counts what is kept in
        # memory, so a small compressed bomb is stopped too. Each read on the
        # socket is bounded by the deadline (_DeadlineStream).
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > limit:
                if not truncate:
                    raise _too_large(limit)
                chunks.append(chunk[: len(chunk) - (size - limit)])
                break
            chunks.append(chunk)
        return b"".join(chunks)


# --- helpers -----------------------------------------------------------------


@dataclass(slots=True)
class _Reply:
    status: int
    reason: str
    headers: httpx.Headers
    content: bytes


class _Failed(Exception):
    """A request that failed for good: what happened, and what to do."""

    def __init__(self, detail: str, hint: str) -> None:
        super().__init__(detail)
        self.detail = detail
        self.reason = f"{detail}; {hint}"


class _Refused(Exception):
    """A connection refused before it was opened (raised inside httpx)."""

    def __init__(self, host: str, address: str, kind: str) -> None:
        a_kind = f"{'an' if kind[0] in 'aeiou' else 'a'} {kind} address"
        what = (
            f"{address} is {a_kind}"
            if host == address
            else f"{host} resolves to {address}, {a_kind}"
        )
        if kind in _LINK_LOCAL_KINDS:
            # --allow-private does not open these: say which switch does.
            how = (
                "cloud machines hand out their credentials there; pass --allow-link-local "
                "(option allow_link_local_hosts) to fetch it"
            )
        else:
            how = "pass --allow-private (option allow_private_hosts) to fetch it"
        self.reason = f"refused: {what}; {how}"
        super().__init__(self.reason)


def _check_scheme(source: str, url: str) -> None:
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises for a port past 65535 or not a number
    except ValueError as exc:  # a malformed IPv6 host or port, say
        raise IngestError(
            source, f"refused: {url} is not a valid URL ({exc}); check it"
        ) from None
    scheme = parts.scheme.lower()
    if scheme in _SCHEMES and host:
        return
    if url == source:
        what = f"{url} is not an http or https URL" if scheme else f"{url} is not a URL"
    else:
        what = f"redirect to {url}" + (f" (scheme {scheme})" if scheme else "")
    raise IngestError(source, f"refused: {what}; newsweave fetches only http and https pages")


def _redirect_target(source: str, url: str, reply: _Reply) -> str:
    location = reply.headers.get("location", "").strip()
    if not location:
        raise IngestError(
            source,
            f"HTTP {reply.status} redirect from {url} names no target (no Location header); "
            "open the URL in a browser and give the address it ends at",
        )
    return urljoin(url, location)


def _result(
    source: str, url: str, reply: _Reply, etag: str | None, last_modified: str | None
) -> FetchResult:
    headers = reply.headers
    if reply.status == 304:
        return FetchResult(
            url=source,
            final_url=url,
            status=304,
            content=b"",
            content_type=None,
            encoding=None,
            etag=headers.get("etag") or etag,
            last_modified=headers.get("last-modified") or last_modified,
            not_modified=True,
        )
    if not 200 <= reply.status < 300:
        raise IngestError(source, _status_reason(reply.status, reply.reason))
    content_type, encoding = split_content_type(headers.get("content-type", ""))
    return FetchResult(
        url=source,
        final_url=url,
        status=reply.status,
        content=reply.content,
        content_type=content_type,
        encoding=encoding,
        etag=headers.get("etag"),
        last_modified=headers.get("last-modified"),
    )


def _status_reason(status: int, phrase: str) -> str:
    what = f"HTTP {status} {phrase}".rstrip()
    if status in (401, 403):
        return (
            f"{what}: the site does not let newsweave read this page; open it in a browser, "
            "save it and give the file"
        )
    if 400 <= status < 500:
        return f"{what}; check the URL"
    return f"{what}, not a page; open the URL in a browser and give the address it ends at"


def _retry_after(value: str | None) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait (delta seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    seconds = (when - dt.datetime.now(dt.UTC)).total_seconds()
    return max(0.0, seconds) if math.isfinite(seconds) else None


def _host_label(host: str, port: int | None) -> str:
    """``host[:port]`` as in a URL (IPv6 in brackets, no user name or password)."""
    if ":" in host:
        host = f"[{host}]"
    return f"{host}:{port}" if port else host


def _robots_unavailable(host: str, detail: str) -> str:
    return (
        f"robots.txt of {host} could not be read ({detail}), so newsweave fetches nothing "
        f"from {host} in this run; try again later"
    )


def _too_large(limit: int) -> _Failed:
    return _Failed(
        f"is larger than {limit:,} bytes (option max_bytes)",
        "raise max_bytes, or save a smaller copy of the page and give the file",
    )


def _tries(n: int) -> str:
    return "1 try" if n == 1 else f"{n} tries"


def _describe(exc: Exception) -> str:
    return str(exc) or type(exc).__name__


# Seconds before the deadline at which it counts as passed: a socket timeout
# set to the time left may wake a hair early.
_DEADLINE_SLACK = 0.01


def _time_left() -> float:
    """Seconds until the deadline of the fetch under way (infinite outside one)."""
    deadline = _DEADLINE.get()
    return math.inf if deadline is None else deadline - time.monotonic()


def _bounded(timeout: float | None, error: type[Exception]) -> float | None:
    """``timeout`` cut to the time left before the deadline; ``error`` once none is left."""
    left = _time_left()
    if left <= _DEADLINE_SLACK:
        raise error("the fetch deadline passed")
    if math.isinf(left):
        return timeout
    return left if timeout is None else min(timeout, left)


# --- the address check, at connect time -----------------------------------------


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every wait ends by the deadline of the fetch under way.

    httpcore's timeouts bound one read or write each; bounding each by the
    time left makes a byte-at-a-time server hit the deadline, not a fresh
    ``fetch_timeout`` with every byte.
    """

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _bounded(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _bounded(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        timeout = _bounded(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._stream.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _GuardedBackend(httpcore.SyncBackend):
    """Resolves each host itself and connects only to addresses that pass the check."""

    def __init__(self, allow_private: bool, allow_link_local: bool) -> None:
        self.allow_private = allow_private
        self.allow_link_local = allow_link_local

    def _allows(self, kind: str) -> bool:
        if kind in _LINK_LOCAL_KINDS:
            return self.allow_link_local
        return self.allow_private

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc.strerror or exc}") from exc
        addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
        for address in addresses:
            kind = address_problem(address)
            if kind is not None and not self._allows(kind):
                raise _Refused(host, address, kind)
        error: Exception = httpcore.ConnectError(f"no address found for {host}")
        for address in addresses:
            bounded = _bounded(timeout, httpcore.ConnectTimeout)
            try:
                stream = super().connect_tcp(address, port, bounded, local_address,
                                             socket_options)
            except httpcore.ConnectError as exc:
                error = exc
            else:
                return _DeadlineStream(stream)
        raise error


class _GuardedTransport(httpx.HTTPTransport):
    def __init__(self, allow_private: bool, allow_link_local: bool) -> None:
        context = _ssl_context()
        super().__init__(verify=context, trust_env=False)
        # httpx offers no public way to choose the network backend, httpcore
        # does: replace the pool with one that connects through the guard.
        self._pool = httpcore.ConnectionPool(
            ssl_context=context,
            max_connections=100,
            max_keepalive_connections=20,
            keepalive_expiry=5.0,
            network_backend=_GuardedBackend(allow_private, allow_link_local),
        )


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    # Loading the CA bundle takes a tenth of a second; one context serves
    # every Fetcher (SSLContext is safe to share between threads).
    return httpx.create_ssl_context(trust_env=False)
