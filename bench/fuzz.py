"""Fuzz the readers: mutated inputs of every kind through ``read_inputs``, under a memory limit.

Each reader (text, html, jsonl, json, warc, warc.gz, feed) gets ``--count``
inputs made by a seeded mutator from a valid seed of its kind (written here,
no dataset text): bit flips, cut and repeated spans, truncation, random bytes,
and hostile pieces (JSON nested 50,000 deep, lone surrogates, DOCTYPEs and
entities, NULs, a wrong Content-Length, gzip bombs, file names that are not
UTF-8). Each kind runs in a child process whose address space is capped
(``resource.setrlimit(RLIMIT_AS)``), so a reader that grows without bound
dies there instead of taking the machine.

An input is a finding when ``read_inputs`` raises (a traceback), or what it
returns breaks a rule: an article whose text is empty, longer than
``MAX_REPORT_CHARS``, markup, or not valid Unicode; a failure whose message
is over the length limit or not valid Unicode. A child that dies (out of
memory, a crash) is a finding too.

Usage::

    python bench/fuzz.py                         # 3,000 inputs per reader, seed 0
    python bench/fuzz.py --count 300 --seed 7 --keep /tmp/fuzz-findings

Prints a markdown table (inputs, articles, failures, findings per reader) and
exits 1 when there is a finding. ``tests/ingest/test_fuzz.py`` runs a small
version of the same.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

KINDS = ("text", "html", "jsonl", "json", "warc", "warc.gz", "feed")
#: The address-space cap of each child, in MiB: room for the readers' imports
#: (lxml, trafilatura, warcio, feedparser) and a few 5 MB inputs, far below
#: the gigabytes a reader without bounds reached.
DEFAULT_MEMORY_MB = 1536
#: A mutated input is cut to this size, so a run of repeats stays within max_bytes.
MAX_INPUT_BYTES = 4_000_000

_EXTENSIONS = {
    "text": ".txt",
    "html": ".html",
    "jsonl": ".jsonl",
    "json": ".json",
    "warc": ".warc",
    "warc.gz": ".warc.gz",
    "feed": ".xml",
}

_REPORT = (
    "PORT ELLERY - The night ferry returned to service on Thursday after storm repairs "
    "that took eleven days, the harbour office said.\n\n"
    'Captain Ines Moreau said 212 passengers had booked the first crossing. "We are glad '
    'to be back," she said.\n\nRepairs cost 1.4 million crowns, according to the council.'
)
_PAGE = (
    "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Ferry back in service</title>"
    "<meta property='og:site_name' content='Harbour Times'>"
    "<meta property='article:published_time' content='2024-11-12'></head><body>"
    "<nav>Home | Shipping</nav><article><h1>Ferry back in service</h1>"
    + "".join(f"<p>{p}</p>" for p in _REPORT.split("\n\n"))
    + "</article><footer>All rights reserved.</footer></body></html>"
)

# Pieces that broke a reader once, or could: spliced into inputs at random.
_HOSTILE = (
    b"[" * 50_000,
    b"{" * 20_000,
    b'"\\ud800 \\udfff"',
    b'{"text": "\\ud800 a lone surrogate"}\n',
    b'<!DOCTYPE rss [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>',
    b'<!DOCTYPE x [<!ENTITY s SYSTEM "file:///etc/hostname">]>&s;',
    b"\x00",
    b"\xff\xfe",
    b"\xef\xbb\xbf",
    b"\r\n\r\n",
    b"WARC/1.0\r\n",
    b"Content-Length: 999999999\r\n",
    b"<![CDATA[",
    b"]]>",
    b"</html>",
    b"<body>",
    b"<rss version='2.0'>",
    b"\x1f\x8b\x08\x00",
    b"A" * 70_000,
    b"\n" * 5_000,
)


# --- seeds --------------------------------------------------------------------


def _warc(gz: bool) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gz)
    writer.write_record(writer.create_warcinfo_record("fuzz.warc", {"software": "fuzz"}))
    for n, body in enumerate([_PAGE.encode(), _PAGE.replace("212", "186").encode()]):
        http = StatusAndHeaders(
            "200 OK",
            [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))],
            protocol="HTTP/1.1",
        )
        writer.write_record(
            writer.create_warc_record(
                f"https://harbour.example/ferry-{n}",
                "response",
                payload=io.BytesIO(body),
                http_headers=http,
            )
        )
    return out.getvalue()


def seeds() -> dict[str, bytes]:
    """One valid input of each kind, each of which reads into at least one article."""
    records = [
        {"text": _REPORT, "outlet": "Harbour Times", "published": "2024-11-12"},
        {"text": _REPORT.replace("212", "186"), "title": "Ferry back"},
    ]
    items = "".join(
        f"<item><title>Ferry {n}</title><link>https://harbour.example/{n}</link>"
        f"<pubDate>Thu, 07 Nov 2024 18:30:00 +0000</pubDate>"
        f"<content:encoded><![CDATA[{_PAGE.split('<article>')[1].split('</article>')[0]}]]>"
        "</content:encoded></item>"
        for n in range(2)
    )
    feed = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        f"<title>Harbour Times</title>{items}</channel></rss>"
    )
    return {
        "text": _REPORT.encode(),
        "html": _PAGE.encode(),
        "jsonl": "\n".join(json.dumps(r) for r in records).encode(),
        "json": json.dumps(records).encode(),
        "warc": _warc(False),
        "warc.gz": _warc(True),
        "feed": feed.encode(),
    }


# --- mutations ---------------------------------------------------------------------


def _flip(rng: random.Random, data: bytes) -> bytes:
    if not data:
        return data
    buf = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        i = rng.randrange(len(buf))
        buf[i] ^= 1 << rng.randrange(8)
    return bytes(buf)


def _cut(rng: random.Random, data: bytes) -> bytes:
    if len(data) < 2:
        return data
    i = rng.randrange(len(data))
    return data[:i] + data[i + rng.randint(1, max(1, len(data) // 4)) :]


def _truncate(rng: random.Random, data: bytes) -> bytes:
    return data[: rng.randrange(len(data) + 1)]


def _insert(rng: random.Random, data: bytes) -> bytes:
    i = rng.randrange(len(data) + 1)
    piece = rng.choice(_HOSTILE) if rng.random() < 0.6 else rng.randbytes(rng.randint(1, 64))
    return data[:i] + piece + data[i:]


def _repeat(rng: random.Random, data: bytes) -> bytes:
    if not data:
        return data
    i = rng.randrange(len(data))
    span = data[i : i + rng.randint(1, 200)]
    return data[:i] + span * rng.randint(2, 20_000) + data[i:]


def _bomb(rng: random.Random, data: bytes) -> bytes:
    return gzip.compress(bytes(rng.choice([1 << 20, 64 << 20])), compresslevel=1)


_MUTATIONS: tuple[Callable[[random.Random, bytes], bytes], ...] = (
    _flip,
    _flip,
    _cut,
    _truncate,
    _insert,
    _insert,
    _insert,
    _repeat,
)


def mutate(rng: random.Random, kind: str, seed: bytes) -> bytes:
    """One mutated input of ``kind``: 1-4 mutations of its seed, sometimes a gzip bomb."""
    if kind == "warc.gz" and rng.random() < 0.03:
        return _bomb(rng, seed)
    data = seed
    if kind == "warc.gz" and rng.random() < 0.5:
        # Mutate the archive's text, then compress it: the mutations reach
        # the records instead of breaking the gzip stream at once.
        data = gzip.decompress(seed)
        for _ in range(rng.randint(1, 4)):
            data = rng.choice(_MUTATIONS)(rng, data)[:MAX_INPUT_BYTES]
        return gzip.compress(data, compresslevel=1)
    for _ in range(rng.randint(1, 4)):
        data = rng.choice(_MUTATIONS)(rng, data)[:MAX_INPUT_BYTES]
    return data


def file_name(rng: random.Random, kind: str, index: int) -> bytes:
    """The input's file name: now and then with bytes that are not UTF-8."""
    stem = b"input-%d" % index
    if rng.random() < 0.05:
        stem += bytes(rng.choice([0x80, 0xC3, 0xFE, 0xFF]) for _ in range(rng.randint(1, 3)))
    return stem + _EXTENSIONS[kind].encode()


# --- the child: one kind, under the memory cap ----------------------------------------


def check(articles: list, failures: list) -> list[str]:
    """The rules a reading must keep; what it broke."""
    from newsweave.errors import MAX_REASON_CHARS, MAX_SOURCE_CHARS
    from newsweave.ingest.text import MAX_REPORT_CHARS, looks_like_markup

    broken = []

    def valid(value: object) -> bool:
        try:
            str(value).encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True

    for a in articles:
        if not a.text.strip():
            broken.append(f"article {a.id!r} has an empty text")
        if len(a.text) > MAX_REPORT_CHARS:
            broken.append(f"article {a.id!r} has {len(a.text):,} characters")
        if looks_like_markup(a.text):
            broken.append(f"article {a.id!r} is markup: {a.text[:80]!r}")
        for key, value in a.to_dict().items():
            if isinstance(value, str) and not valid(value):
                broken.append(f"article {a.id!r}: {key} is not valid Unicode")
    for f in failures:
        if not (valid(f.source) and valid(f.reason)):
            broken.append(f"failure {f.source[:80]!r} is not valid Unicode")
        if len(f.reason) > MAX_REASON_CHARS + 40 or len(f.source) > MAX_SOURCE_CHARS + 40:
            broken.append(f"failure {f.source[:80]!r} is {len(f.reason):,} characters long")
    return broken


def run_kind(kind: str, count: int, seed: int, keep: Path | None) -> dict:
    """Read ``count`` mutated inputs of ``kind``; the tallies and the findings."""
    from newsweave.ingest import read_inputs

    rng = random.Random(f"{seed}-{kind}")
    base = seeds()[kind]
    tally = {"kind": kind, "inputs": 0, "articles": 0, "failures": 0, "findings": []}
    with tempfile.TemporaryDirectory(prefix="nw-fuzz-") as tmp:
        folder = os.fsencode(tmp)
        for index in range(count):
            data = mutate(rng, kind, base)
            path = os.path.join(folder, file_name(rng, kind, index))
            with open(path, "wb") as fh:
                fh.write(data)
            try:
                articles, failures = read_inputs([path])
                broken = check(articles, failures)
            except BaseException as exc:  # noqa: BLE001 - any escape is the finding
                if isinstance(exc, KeyboardInterrupt):
                    raise
                articles, failures = [], []
                broken = ["".join(traceback.format_exception(exc)[-3:]).strip()]
            os.unlink(path)
            tally["inputs"] += 1
            tally["articles"] += len(articles)
            tally["failures"] += len(failures)
            if broken:
                tally["findings"].append({"index": index, "problems": broken})
                if keep is not None:
                    keep.mkdir(parents=True, exist_ok=True)
                    (keep / f"{kind}-{seed}-{index}{_EXTENSIONS[kind]}").write_bytes(data)
    return tally


def child(args: argparse.Namespace) -> None:
    limit = args.memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    keep = Path(args.keep) if args.keep else None
    print(json.dumps(run_kind(args.child, args.count, args.seed, keep)))


# --- the parent: one child per kind ---------------------------------------------------


def fuzz(
    count: int,
    seed: int = 0,
    *,
    kinds: tuple[str, ...] = KINDS,
    memory_mb: int = DEFAULT_MEMORY_MB,
    keep: str | None = None,
    timeout: float = 3600,
) -> list[dict]:
    """Run each kind in its own memory-capped child; one tally per kind."""
    results = []
    src = Path(__file__).resolve().parents[1] / "src"
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(src), env.get("PYTHONPATH")]))
    for kind in kinds:
        cmd = [sys.executable, __file__, "--child", kind, "--count", str(count),
               "--seed", str(seed), "--memory-mb", str(memory_mb)]
        if keep:
            cmd += ["--keep", keep]
        started = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
        seconds = time.perf_counter() - started
        if proc.returncode != 0 or not proc.stdout.strip():
            tally = {"kind": kind, "inputs": 0, "articles": 0, "failures": 0, "findings": [
                {"index": None, "problems": [
                    f"the child died (exit {proc.returncode}): {proc.stderr[-2000:]}"
                ]}
            ]}
        else:
            tally = json.loads(proc.stdout.strip().splitlines()[-1])
        tally["seconds"] = round(seconds, 1)
        results.append(tally)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=3000, help="inputs per reader")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--kinds", default=",".join(KINDS), help="comma-separated readers")
    parser.add_argument("--memory-mb", type=int, default=DEFAULT_MEMORY_MB,
                        help="address-space cap of each child (RLIMIT_AS)")
    parser.add_argument("--keep", help="save the inputs of findings into this folder")
    parser.add_argument("--json", help="write the tallies (numbers and findings) here")
    parser.add_argument("--child", choices=KINDS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    kinds = tuple(k for k in args.kinds.split(",") if k)
    results = fuzz(args.count, args.seed, kinds=kinds, memory_mb=args.memory_mb, keep=args.keep)
    print("| reader | inputs | articles | failures | findings | seconds |")
    print("|---|---:|---:|---:|---:|---:|")
    for r in results:
        print(f"| {r['kind']} | {r['inputs']:,} | {r['articles']:,} | {r['failures']:,} | "
              f"{len(r['findings'])} | {r['seconds']} |")
    for r in results:
        for finding in r["findings"][:5]:
            print(f"\n{r['kind']} input {finding['index']}:", *finding["problems"], sep="\n  ",
                  file=sys.stderr)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1), encoding="utf-8")
    sys.exit(1 if any(r["findings"] for r in results) else 0)


if __name__ == "__main__":
    main()
