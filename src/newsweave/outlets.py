"""Outlets: who published a report, who owns it, and which reports count as independent.

A report's outlet comes, in order, from:

1. the record or its sidecar (``outlet``), or a feed's name for its entries;
2. the page's own site name (trafilatura reads ``og:site_name``);
3. the registered domain of its URL (``www.latimes.com`` -> ``latimes.com``, by the
   Public Suffix List snapshot that ``tldextract`` ships, never fetched);
4. else it has none, and is shown as "Unknown outlet". A file name is never an outlet.

An outlet registry (``newsweave outlets add FILE``; rows of ``domain,name,owner,country,
lean,aliases``) gives outlets one id whatever spelling their reports use: a report is the
registry's outlet when its URL's domain is the row's domain, or its outlet name is the
row's domain, name or one of its aliases. Registry rows apply to reports stored before and
after them, because the store resolves outlets when it reads (``identify``).

Independence (``independence_key``): reports of one owner count as one source, where the
registry knows the owner; else reports of one outlet; else each report alone. A copy
counts as its original.
"""

from __future__ import annotations

import csv
import functools
import io
import ipaddress
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlsplit

from .errors import printable

__all__ = [
    "REGISTRY_COLUMNS",
    "UNKNOWN_OUTLET",
    "Outlet",
    "Registry",
    "RegistryRow",
    "identify",
    "independence_key",
    "outlet_key",
    "parse_registry",
    "registered_domain",
]

#: What a report with no outlet is shown as.
UNKNOWN_OUTLET = "Unknown outlet"
#: The columns of a registry file; only ``domain`` is required. ``aliases`` are other
#: spellings of the outlet's name, separated by ``;`` (a list in JSON).
REGISTRY_COLUMNS = ("domain", "name", "owner", "country", "lean", "aliases")
#: Characters kept of a registry value; longer ones are refused.
MAX_VALUE_CHARS = 200
#: Rows a registry file may hold.
MAX_ROWS = 100_000


@functools.cache
def _extractor() -> Any:
    import tldextract

    # The snapshot inside the package: no fetch, no cache folder. Private suffixes
    # (blogspot.com, github.io) count, so two blogs on one host are two outlets.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None,
                                 include_psl_private_domains=True)


@functools.lru_cache(maxsize=65536)
def registered_domain(value: str | None) -> str | None:
    """The registered domain of a URL or host name (``news.bbc.co.uk`` -> ``bbc.co.uk``).

    A dotted host under no public suffix (an intranet name, ``paper.example``) is its
    own domain, less ``www.``. ``None`` for an IP address, ``localhost`` or a bare word.
    """
    if not value or len(value) > 2048:
        return None
    text = value.strip()
    host = text
    if "//" in text:
        try:
            host = urlsplit(text).hostname or ""
        except ValueError:
            return None
    host = host.strip().rstrip(".").lower()
    if not host or any(c.isspace() for c in host) or "." not in host:
        return None
    try:
        ipaddress.ip_address(host.strip("[]"))
        return None
    except ValueError:
        pass
    parts = _extractor()(host)
    if parts.suffix:
        return parts.top_domain_under_public_suffix or None
    return host.removeprefix("www.")


def outlet_key(name: str) -> str | None:
    """The id of an outlet known only by its name: ``"The LA Times"`` -> ``"la-times"``.

    Case, accents, punctuation and a leading "The" do not count. ``None`` when the
    name has no letter or digit.
    """
    text = unicodedata.normalize("NFKD", name).casefold()
    text = "".join(c for c in text if not unicodedata.combining(c))
    words = re.findall(r"\w+", text)
    if words and words[0] == "the" and len(words) > 1:
        words = words[1:]
    return "-".join(words)[:MAX_VALUE_CHARS] or None


@dataclass(slots=True, frozen=True)
class RegistryRow:
    """One outlet the registry knows. ``domain`` is its id."""

    domain: str
    name: str | None = None
    owner: str | None = None
    country: str | None = None
    lean: str | None = None
    aliases: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["aliases"] = list(self.aliases)
        return d


@dataclass(slots=True, frozen=True)
class Outlet:
    """What is known of a report's outlet. ``id`` is ``None`` when nothing is."""

    id: str | None
    name: str | None
    owner: str | None = None
    country: str | None = None
    lean: str | None = None


@dataclass(slots=True)
class Registry:
    """The registry's rows by domain, and by every spelling of their names."""

    rows: dict[str, RegistryRow] = field(default_factory=dict)
    _by_name: dict[str, str] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, rows: Iterable[RegistryRow]) -> Registry:
        registry = cls()
        for row in rows:
            registry.rows[row.domain] = row
        for row in registry.rows.values():
            for spelling in (row.domain, row.name, *row.aliases):
                key = outlet_key(spelling) if spelling else None
                if key:
                    registry._by_name.setdefault(key, row.domain)
        return registry

    def find(self, outlet: str | None, url: str | None) -> RegistryRow | None:
        """The row of a report with this outlet name and URL, if the registry has one."""
        if not self.rows:
            return None
        domain = registered_domain(url)
        if domain in self.rows:
            return self.rows[domain]
        if outlet:
            named = registered_domain(outlet)
            if named in self.rows:
                return self.rows[named]
            key = outlet_key(outlet)
            if key in self._by_name:
                return self.rows[self._by_name[key]]
        return None


def identify(outlet: str | None, url: str | None, registry: Registry | None = None) -> Outlet:
    """The outlet of a report from its outlet name (as read) and URL.

    1. The registry's row, when the URL's domain or the name matches one (see
       ``Registry.find``): its id is the row's domain, its name the row's name.
    2. Else, with an outlet name: that name, and ``outlet_key`` of it as the id (the
       registered domain when the name is a domain). Two spellings of one outlet stay
       two outlets until the registry joins them; two outlets under one web host
       (``example.org/courier``, ``example.org/gazette``) stay apart.
    3. Else, with a URL on a public domain: that domain is the id and the name.
    4. Else nothing is known (``id`` and ``name`` are ``None``).
    """
    name = outlet.strip() if outlet and outlet.strip() else None
    # 1.
    row = registry.find(name, url) if registry is not None else None
    if row is not None:
        return Outlet(row.domain, row.name or name or row.domain, row.owner, row.country,
                      row.lean)
    # 2.
    if name:
        domain = registered_domain(name) if " " not in name else None
        return Outlet(domain or outlet_key(name), name)
    # 3.
    domain = registered_domain(url)
    if domain:
        return Outlet(domain, domain)
    # 4.
    return Outlet(None, None)


def independence_key(owner: str | None, outlet_id: str | None, report_id: str) -> str:
    """Which independent source a report counts as (given its copy original's outlet).

    Its outlet's owner where the registry knows one, else its outlet, else the report.
    """
    if owner:
        return "owner:" + (outlet_key(owner) or owner)
    if outlet_id:
        return "outlet:" + outlet_id
    return "report:" + report_id


# --- reading a registry file ---------------------------------------------------------------


def parse_registry(data: bytes, name: str) -> tuple[list[RegistryRow], list[str]]:
    """The rows of a registry file (CSV with a header row, or JSON), and a line per bad row.

    JSON is a list of objects, or ``{"outlets": [...]}``. A row without a domain, with a
    domain that is not a public domain name, or with a value too long is refused; so is
    a second row for one domain with other values. The good rows are kept either way.

    Raises:
        ValueError: the file as a whole cannot be read (not UTF-8, not CSV or JSON,
            no ``domain`` column); the message names ``name``.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{name} is not UTF-8 text ({exc.reason} at byte {exc.start}); "
                         "save it as UTF-8 CSV or JSON") from None
    records = _json_records(text, name) if text.lstrip()[:1] in ("[", "{") else _csv_records(
        text, name)
    rows: dict[str, RegistryRow] = {}
    problems: list[str] = []
    for where, record in records[:MAX_ROWS]:
        try:
            row = _row(record)
        except ValueError as exc:
            problems.append(f"{name} {where}: {exc}")
            continue
        old = rows.get(row.domain)
        if old is not None and old != row:
            problems.append(f"{name} {where}: {row.domain} is given again with other values; "
                            "keep one row per domain (the first is used)")
            continue
        rows.setdefault(row.domain, row)
    if len(records) > MAX_ROWS:
        problems.append(f"{name}: only the first {MAX_ROWS:,} rows were read; split the file")
    return list(rows.values()), problems


def _json_records(text: str, name: str) -> list[tuple[str, Any]]:
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise ValueError(f"{name} is not valid JSON ({printable(str(exc), 200)}); give a list "
                         'of objects like {"domain": "example.com", "name": "..."}') from None
    if isinstance(data, dict) and isinstance(data.get("outlets"), list):
        data = data["outlets"]
    if not isinstance(data, list):
        raise ValueError(f'{name} holds JSON but not a list of outlets; give [{{"domain": ...}}]'
                         ' or {"outlets": [...]}')
    return [(f"item {n}", item) for n, item in enumerate(data, 1)]


def _csv_records(text: str, name: str) -> list[tuple[str, Any]]:
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        header = [h.strip().lower() for h in reader.fieldnames or []]
        if "domain" not in header:
            raise ValueError(
                f"{name} has no 'domain' column; its first line must name the columns, "
                f"e.g. {','.join(REGISTRY_COLUMNS)}")
        reader.fieldnames = header
        return [(f"line {reader.line_num}", row) for row in reader]
    except csv.Error as exc:
        raise ValueError(f"{name} is not valid CSV ({exc}); save it as CSV with a header row "
                         "or as JSON") from None


def _row(record: Any) -> RegistryRow:
    if not isinstance(record, dict):
        raise ValueError("is not an object with a domain; give {\"domain\": ..., ...}")
    values: dict[str, Any] = {}
    for column in REGISTRY_COLUMNS:
        value = record.get(column)
        if column == "aliases":
            items = value if isinstance(value, list) else str(value or "").split(";")
            aliases = tuple(dict.fromkeys(_text(a, column) for a in items if _text(a, column)))
            values[column] = aliases
        else:
            values[column] = _text(value, column)
    raw = values.pop("domain")
    if not raw:
        raise ValueError("has no domain; every row needs one (the outlet's web address, "
                         "e.g. example.com)")
    domain = registered_domain(raw if "//" in raw else "//" + raw.split("/")[0])
    if not domain:
        raise ValueError(f"domain {printable(raw, 80)!r} is not a public domain name; give "
                         "one like example.com")
    return RegistryRow(domain=domain, **values)


def _text(value: Any, column: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise ValueError(f"{column} must be text, not {type(value).__name__}")
    text = " ".join(str(value).split())
    if len(text) > MAX_VALUE_CHARS:
        raise ValueError(f"{column} is longer than {MAX_VALUE_CHARS} characters")
    return printable(text, MAX_VALUE_CHARS) or None
