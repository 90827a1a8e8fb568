"""Plain-text reports: reading bytes safely, decoding, and the dateline opening.

The pieces here are shared by the other readers: ``read_bytes`` and
``decode_bytes`` turn a file into a string (or an ``IngestError`` saying why
not), ``clean_text`` is the only change ever made to a text before it becomes
``Article.text``, and ``parse_opening`` finds the title line and the dateline
(``"LONDON (Reuters) - ..."``) of any article text, however it was obtained.
"""

from __future__ import annotations

import codecs
import datetime as dt
import json
import os
import re
import unicodedata
from dataclasses import dataclass

from ..errors import IngestError
from ..model import Article, InputFailure

__all__ = [
    "META_KEYS",
    "Opening",
    "article_from_text",
    "check_report",
    "clean_text",
    "decode_bytes",
    "find_sidecar",
    "parse_opening",
    "read_bytes",
    "read_sidecar",
    "sidecar_names",
]

#: Article fields a sidecar, a JSONL record or a caller may set besides the text.
META_KEYS = ("title", "outlet", "url", "published", "author", "dateline")

#: A dateline's separator must start within this many characters of its line.
#: The longest realistic opening ("SAN FRANCISCO, Calif., Sept. 30, 2024
#: (Reuters) -") is about 55 characters; 80 leaves room without reaching into
#: ordinary first sentences that happen to contain a colon or a dash.
DATELINE_WINDOW = 80
#: A first line shorter than this, with no sentence-ending period and followed
#: by a blank line, is read as the title. Headlines run to about 100
#: characters; a first paragraph without a period rarely stays under 150.
TITLE_MAX_CHARS = 150
#: At most this many words in an ALL-CAPS place ("NEW YORK CITY", "ST. LOUIS").
MAX_CAPS_PLACE_WORDS = 5
#: At most this many capitalised words in a mixed-case place ("New Delhi",
#: "Rio de Janeiro"); longer runs are names of things, not places.
MAX_PLACE_WORDS = 4

#: Bytes looked at when deciding whether a file is binary.
BINARY_SNIFF_BYTES = 8192
#: UTF-16 without a byte-order mark is recognised (only to say so) when at
#: least this share of the sniffed byte pairs have a NUL on the same side:
#: English text in UTF-16 has one in every pair, accented text in most.
UTF16_NUL_SHARE = 0.7
#: ... and only from this many byte pairs on, so that a short binary header
#: with a few NULs is not taken for text.
UTF16_MIN_PAIRS = 8
#: Share of control bytes (other than tab, newline, carriage return, form
#: feed, escape) above which a file without NUL bytes is still binary. Text in
#: any 8-bit encoding has next to none; 10% leaves room for a few stray codes.
BINARY_CONTROL_RATIO = 0.10
#: charset-normalizer's mess ratio (0 = clean) above which its best guess is
#: not trusted. Its own cut-off is 0.2; news text in legacy code pages scored
#: 0.0 in our checks, so 0.1 only rejects guesses that already look garbled.
MAX_GUESS_CHAOS = 0.10
#: Guesses whose mess ratio is within this of the cleanest count as equally good.
GUESS_CHAOS_TIE = 0.01
#: charset-normalizer's language coherence (0-1) below which a guess is not
#: trusted. Sentences of news text in Latin-1, cp1250, cp1251 and cp1253 scored
#: 0.5-0.9 in our checks; a lone word ("Café.") scores 0, and any 8-bit
#: code page decodes it, so there is nothing to be confident about.
MIN_GUESS_COHERENCE = 0.3
#: Preferred among equally clean guesses: the commonest legacy encoding of
#: English-language news, and a superset of Latin-1's printable characters.
WESTERN_ENCODING = "cp1252"
#: Share of control or replacement characters a guessed decoding may contain
#: and still count as text.
MAX_BAD_CHAR_RATIO = 0.01

#: The longest report text, in characters: spaCy's ``nlp.max_length``, the most
#: its parser and entity recogniser take at once (about 1 GB of memory per
#: 100,000 characters, its docs say). A longer text is refused, not cut: a
#: cut would drop claims silently. No news report comes near it (1.5 MB of
#: text is a book).
MAX_REPORT_CHARS = 1_000_000
#: The fewest words of text an HTML page must give to be a report. Extraction
#: from a broken page, an index or an error page leaves a few words ("Page not
#: found", a title); the shortest page in the tests gives 45, a news brief 30 or so.
#: Plain texts and JSONL records are taken as given (one letter is enough):
#: their text is what the user chose to compare.
MIN_PAGE_WORDS = 8
#: A text with this many tags or more may be markup ...
MARKUP_MIN_TAGS = 3
#: ... and is when it opens and ends with a tag, or its tags are over this
#: share of its characters. Prose that quotes a tag or two stays far below.
MARKUP_SHARE = 0.3

# File signatures of formats people hand over by mistake; some (PDF) start
# with plain ASCII, so the byte statistics alone would not catch them.
_MAGIC = (
    b"%PDF-",
    b"\x89PNG",
    b"\xff\xd8\xff",  # JPEG
    b"GIF87a",
    b"GIF89a",
    b"PK\x03\x04",  # zip, docx, epub
    b"\x1f\x8b",  # gzip
    b"\xd0\xcf\x11\xe0",  # old Office documents
)
# Checked before UTF-16 because the UTF-32-LE mark starts with UTF-16-LE's.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
)
# Control bytes that do occur in text files.
_TEXT_CONTROLS = frozenset(b"\t\n\r\f\x1b")
_BINARY_MESSAGE = "looks binary (e.g. an image or PDF); give a text, HTML or JSONL file"
_RESAVE = "re-save it as UTF-8 (in most editors: Save As, encoding UTF-8) and try again"
# An XML or HTML tag, comment, doctype or CDATA marker.
_TAG = re.compile(r"<(?:[/?!]?[A-Za-z][^<>]{0,2000}|!--.{0,2000}?--|!\[CDATA\[)>?", re.S)
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_HTML_CHARSET = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{2,40})""", re.I
)


# --- reading and decoding ---------------------------------------------------


def read_bytes(path: str, max_bytes: int) -> bytes:
    """Read a regular file, refusing empty and oversized ones.

    Raises:
        IngestError: the file is empty, larger than ``max_bytes`` or unreadable.
    """
    try:
        size = os.stat(path).st_size
        if size > max_bytes:
            raise _too_large(path, size, max_bytes)
        with open(path, "rb") as fh:
            # Read one byte past the limit: the size from stat can be stale
            # (a file still being written) or zero (some virtual files).
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        reason = f"cannot be read ({exc.strerror or exc}); check its permissions"
        raise IngestError(path, reason) from exc
    if len(data) > max_bytes:
        raise _too_large(path, len(data), max_bytes)
    if not data:
        raise IngestError(path, "is empty (0 bytes); give a file that contains the article text")
    return data


def _too_large(path: str, size: int, max_bytes: int) -> IngestError:
    return IngestError(
        path,
        f"is {size:,} bytes, larger than the limit of {max_bytes:,} bytes (option max_bytes); "
        "raise max_bytes or give a smaller file",
    )


def decode_bytes(data: bytes, source: str, *, html: bool = False) -> str:
    """Decode a file's bytes to a string, or say why it is not text.

    1. A byte-order mark decides (UTF-8, UTF-16, UTF-32).
    2. Bytes with NULs, a known binary signature or many control bytes are binary.
    3. Strict UTF-8.
    4. For HTML, the charset its ``<meta>`` declares.
    5. charset-normalizer's best guess, only when it is confident and the
       result looks like text.

    Raises:
        IngestError: the bytes are binary or no decoding could be trusted.
    """
    # 1.
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError as exc:
                raise IngestError(
                    source,
                    f"starts with a {name} byte-order mark but is not valid {name} "
                    f"(byte {exc.start}); {_RESAVE}",
                ) from exc
    # 2.
    if _looks_like_utf16_without_bom(data):
        raise IngestError(source, f"looks like UTF-16 text without a byte-order mark; {_RESAVE}")
    if _looks_binary(data):
        raise IngestError(source, _BINARY_MESSAGE)
    # 3.
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # 4.
    if html:
        declared = _HTML_CHARSET.search(data[:BINARY_SNIFF_BYTES])
        if declared:
            try:
                text = data.decode(declared.group(1).decode("ascii"))
            except (LookupError, UnicodeDecodeError):
                pass
            else:
                if _looks_like_text(text):
                    return text
    # 5.
    guess = _guess_decoding(data)
    if guess is not None:
        return guess
    raise IngestError(
        source, f"is not UTF-8 and its encoding could not be recognised with confidence; {_RESAVE}"
    )


def _looks_like_utf16_without_bom(data: bytes) -> bool:
    # ASCII-range text in UTF-16 has a NUL in every other byte and none in
    # the others; binary formats scatter their NULs.
    head = data[:BINARY_SNIFF_BYTES]
    pairs = len(head) // 2
    if pairs < UTF16_MIN_PAIRS:
        return False
    even, odd = head[0::2].count(0), head[1::2].count(0)
    return max(even, odd) >= UTF16_NUL_SHARE * pairs and min(even, odd) == 0


def _looks_binary(data: bytes) -> bool:
    if data.startswith(_MAGIC) or b"\x00" in data:
        return True
    head = data[:BINARY_SNIFF_BYTES]
    controls = sum(1 for b in head if (b < 0x20 or b == 0x7F) and b not in _TEXT_CONTROLS)
    return controls > BINARY_CONTROL_RATIO * len(head)


def _guess_decoding(data: bytes) -> str | None:
    # Imported here: only files that are not UTF-8 pay for loading it.
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data))
    if not matches:
        return None
    lowest = min(m.chaos for m in matches)
    if lowest > MAX_GUESS_CHAOS:
        return None
    tied = [m for m in matches if m.chaos <= lowest + GUESS_CHAOS_TIE]
    if max(m.coherence for m in tied) < MIN_GUESS_COHERENCE:
        return None
    text = None
    # charset-normalizer often ranks cp1250 first for Western text it
    # decodes equally cleanly as cp1252 ("près" becomes "prčs"); when cp1252
    # is among the equally clean candidates, it is the likelier one.
    if any(WESTERN_ENCODING in m.could_be_from_charset for m in tied):
        try:
            text = data.decode(WESTERN_ENCODING)
        except UnicodeDecodeError:
            text = None
    if text is None:
        text = str(matches[0])
    return text if _looks_like_text(text) else None


def _looks_like_text(text: str) -> bool:
    if not text:
        return False
    bad = sum(
        1
        for ch in text
        if ch == "\ufffd" or (unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f")
    )
    return bad <= MAX_BAD_CHAR_RATIO * len(text)


def clean_text(raw: str) -> str:
    """The only changes made to a text before it becomes ``Article.text``.

    A leading byte-order mark goes, ``\\r\\n`` and ``\\r`` become ``\\n``, lone
    surrogates (which JSON's ``"\\ud800"`` escapes make, and which cannot be
    stored or printed as UTF-8) become U+FFFD, and surrounding whitespace is
    stripped, once, here, so that every offset found later indexes the stored
    text exactly.
    """
    text = valid_unicode(raw.removeprefix("\ufeff"))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.strip()


def valid_unicode(text: str) -> str:
    """``text`` with each lone surrogate replaced by U+FFFD (one character for one)."""
    return _LONE_SURROGATE.sub("\ufffd", text)


# --- title line and dateline ------------------------------------------------


@dataclass(slots=True, frozen=True)
class Opening:
    """What the first lines of an article text say about it.

    ``body_start`` indexes the text ``parse_opening`` was given; it is 0 when
    no dateline was found (a title line alone does not move it).
    """

    title: str | None = None
    dateline: str | None = None
    published: str | None = None  # ISO date, only when the dateline gives a year
    body_start: int = 0


# A title line: followed by a blank line (spaces allowed on it).
_TITLE_BLOCK = re.compile(r"(?P<line>[^\n]+)\n[ \t]*\n\s*")
# A period that ends a sentence: after a run of 4+ letters, so that the
# abbreviations of headlines ("U.S.", "Mr.", "Gen.") do not count.
_SENTENCE_END = re.compile(r"[^\W\d_]{4,}\.(?:\s|$)")
# The first separator on the line: a dash (en, em, double hyphen, or a
# hyphen followed by a space) or a colon followed by a space.
_SEPARATOR = re.compile(r"[ \t]*(?:--|[–—])[ \t]*|[ \t]*-[ \t]+|[ \t]?:[ \t]+")
_AGENCY = re.compile(r"[ \t]*\((?P<agency>[^\W\d_][\w&./' -]{0,39})\)$")
# A word of a place: letters, and the dots, apostrophes, hyphens and slashes
# of "ST. LOUIS", "L'AQUILA", "WINSTON-SALEM", "JERUSALEM/GAZA".
_WORD = re.compile(r"[^\W\d_][\w.'’&/-]*")
_DATE = re.compile(
    r"(?:(?P<mon>[^\W\d_]{3,9})\.?[ \t]+(?P<day>\d{1,2})(?:st|nd|rd|th)?"
    r"|(?P<day2>\d{1,2})(?:st|nd|rd|th)?[ \t]+(?P<mon2>[^\W\d_]{3,9})\.?)"
    r"(?:,?[ \t]+(?P<year>\d{4}))?",
    re.I,
)
_YEAR = re.compile(r"\d{4}")
_MONTHS = (
    "january february march april may june july august september october november december"
).split()
# Lowercase words allowed inside a mixed-case place ("Rio de Janeiro").
_PARTICLES = frozenset("de da do dos das del di la le les am an of upon sur al el".split())
# Words that open a line with a colon or dash but are never a place:
# labels ("Breaking:", "LIVE UPDATES -"), people and roles ("President Biden:"),
# pronouns, and days or months. Conservative: one such word anywhere rejects.
_NOT_PLACE = frozenset(
    """
    breaking news update updated updates exclusive analysis opinion editorial comment commentary
    watch live video videos photo photos picture pictures image audio listen read more also see
    note notes editor editor's editors correction clarification summary highlights takeaways
    explainer factbox fact check q&a interview review podcast source sources credit credits
    transcript advertisement sponsored warning alert alerts by from via and or but this that it
    he she they we i you who what when where why how today tonight yesterday tomorrow
    mr mrs ms dr sir president vice minister prime senator sen rep gov governor secretary
    chancellor king queen prince princess pope general gen judge justice mayor chairman chair
    ceo spokesman spokeswoman spokesperson said says told asked quote question answer
    monday tuesday wednesday thursday friday saturday sunday
    """.split()
) | frozenset(_MONTHS)


def parse_opening(text: str, *, known_title: str | None = None) -> Opening:
    """Find a title line and a dateline opening in an article text.

    Conservative on purpose: a wrong dateline hides the first words of the
    body, a missed one only leaves the place name in it. The dateline must
    begin its line (the first line, or the first line after a title line),
    be a place (an ALL-CAPS run of words, or 1-4 capitalised words),
    optionally followed by ", STATE/COUNTRY", ", DATE" and "(Agency)", and
    end in a dash or colon separator within ``DATELINE_WINDOW`` characters.

    ``known_title`` is the title from metadata: extracted HTML text often
    repeats it as its first line (the page's ``<h1>``) with no blank line
    after it, and the dateline then opens the next line.
    """
    title = None
    line_start = 0
    block = _TITLE_BLOCK.match(text)
    first_end = text.find("\n")
    if known_title and first_end > 0 and _same_title(text[:first_end], known_title):
        line_start = len(text) - len(text[first_end:].lstrip())
    elif block and _is_title(block.group("line")):
        first = block.group("line")
        # Headlines often look like datelines ("Ukraine War: What We Know"),
        # so a title-like line is a title unless it names an agency
        # ("LONDON (Reuters) - Oil rose"), which no headline does.
        if _parse_dateline(first) is None or not _has_agency(first):
            title = first.strip().lstrip("#").strip() or None
            line_start = block.end()
    line_end = text.find("\n", line_start)
    line = text[line_start : len(text) if line_end < 0 else line_end]
    found = _parse_dateline(line)
    if found is None:
        return Opening(title=title)
    dateline, published, body_offset = found
    return Opening(
        title=title, dateline=dateline, published=published, body_start=line_start + body_offset
    )


def _same_title(line: str, title: str) -> bool:
    def norm(s: str) -> str:
        return " ".join(s.strip().lstrip("#").split()).casefold()

    return norm(line) == norm(title)


def _has_agency(line: str) -> bool:
    sep = _SEPARATOR.search(line)
    return sep is not None and _AGENCY.search(line[: sep.start()]) is not None


def _is_title(line: str) -> bool:
    line = line.strip()
    if not line or len(line) >= TITLE_MAX_CHARS or not any(ch.isalpha() for ch in line):
        return False
    return not line.rstrip("\"'”’)]»").endswith(".") and not _SENTENCE_END.search(line)


def _parse_dateline(line: str) -> tuple[str, str | None, int] | None:
    """(place, ISO date or None, offset where the body starts) or None."""
    sep = _SEPARATOR.search(line)
    if sep is None or sep.start() == 0 or sep.start() > DATELINE_WINDOW:
        return None
    body = line[sep.end() :]
    # News bodies open with a capital, a figure or a quote; "Oil: prices
    # fell" is a headline-style phrase, not a dateline.
    if not body or not (body[0].isupper() or body[0].isdigit() or body[0] in "\"'“‘«"):
        return None
    head = line[: sep.start()]
    agency = _AGENCY.search(head)
    if agency:
        head = head[: agency.start()]
    parts = [p.strip() for p in head.split(",")]
    if not all(parts) or not _is_place(parts[0], MAX_PLACE_WORDS):
        return None
    place = [parts[0]]
    published = None
    rest = parts[1:]
    # ", STATE/COUNTRY" comes before ", DATE" ("WASHINGTON, D.C., March 3").
    if rest and _DATE.fullmatch(rest[0]) is None and _is_place(rest[0], 3):
        place.append(rest.pop(0))
    if rest:
        date = _DATE.fullmatch(rest.pop(0))
        if date is None:
            return None
        year = date.group("year")
        # "March 3, 2024" was split at its comma.
        if rest and year is None and _YEAR.fullmatch(rest[0]):
            year = rest.pop(0)
        month = _month(date.group("mon") or date.group("mon2"))
        if month is None:
            return None
        if year is not None:
            published = _iso_date(int(year), month, int(date.group("day") or date.group("day2")))
    if rest:
        return None
    return ", ".join(place), published, sep.end()


def _is_place(words: str, max_words: int) -> bool:
    tokens = words.split()
    if not tokens or not all(_WORD.fullmatch(t) for t in tokens):
        return False
    if any(t.lower().rstrip(".") in _NOT_PLACE or t.lower() in _NOT_PLACE for t in tokens):
        return False
    if all(t.isupper() for t in tokens):
        return len(tokens) <= MAX_CAPS_PLACE_WORDS
    inner = tokens[1:-1]
    capitalised = [tokens[0], *(t for t in inner if t not in _PARTICLES), tokens[-1]]
    if len(tokens) == 1:
        capitalised = tokens
    return len(capitalised) <= max_words and all(t[0].isupper() for t in capitalised)


def _month(name: str) -> int | None:
    name = name.lower()
    for number, full in enumerate(_MONTHS, 1):
        if full.startswith(name) and len(name) >= 3:
            return number
    return None


def _iso_date(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def article_from_text(text: str, *, path: str | None = None, source: str | None = None) -> Article:
    """Build an Article from a plain text, with its title line and dateline.

    Raises:
        IngestError: the text is empty or whitespace only, or no report
            (``check_report``).
    """
    text = clean_text(text)
    where = source or path or "<text>"
    if not text:
        raise IngestError(where, "contains only whitespace; give the article text")
    check_report(text, where)
    opening = parse_opening(text)
    return Article(
        text=text,
        path=path,
        title=opening.title,
        dateline=opening.dateline,
        published=opening.published,
        body_start=opening.body_start,
    )


# --- what counts as a report -------------------------------------------------


def check_report(text: str, source: str, *, extracted: bool = False) -> None:
    """Refuse a cleaned text that cannot stand as a report.

    1. Longer than ``MAX_REPORT_CHARS``: spaCy analyses at most that much at once.
    2. No letter or digit at all: nothing to compare.
    3. Markup (``looks_like_markup``): a feed, an XML file or a page read as text.
    4. ``extracted`` (from an HTML page): fewer than ``MIN_PAGE_WORDS`` words,
       which is a stub, an error page or a broken file, not the article.

    Raises:
        IngestError: naming ``source``, the rule and what to do.
    """
    # 1.
    if len(text) > MAX_REPORT_CHARS:
        raise IngestError(
            source,
            f"is {len(text):,} characters long, more than the {MAX_REPORT_CHARS:,} a report "
            "may have (the language model reads at most that much at once); split it into "
            "parts and give each as a report",
        )
    # 2.
    if not any(ch.isalnum() for ch in text):
        raise IngestError(source, "has no words (no letter or digit); give the article text")
    # 3.
    if looks_like_markup(text):
        raise IngestError(
            source,
            "is markup (XML or HTML tags), not article text; give a saved HTML page a .html "
            "name, or a feed's URL, or copy the article text into a .txt file",
        )
    # 4.
    if extracted and len(text.split()) < MIN_PAGE_WORDS:
        raise IngestError(
            source,
            f"has only {len(text.split())} word(s) of article text, fewer than the "
            f"{MIN_PAGE_WORDS} a page must give; save the article page itself, or copy its "
            "text into a .txt file",
        )


def looks_like_markup(text: str) -> bool:
    """Whether a text is a markup document rather than prose that mentions a tag.

    It is when it has ``MARKUP_MIN_TAGS`` tags or more and either opens and ends
    with one (an XML file, a feed) or is mostly tags (``MARKUP_SHARE``).
    """
    tags = _TAG.findall(text)
    if len(tags) < MARKUP_MIN_TAGS:
        return False
    if text.startswith("<") and text.endswith(">"):
        return True
    return sum(len(t) for t in tags) > MARKUP_SHARE * len(text)


# --- sidecar metadata ---------------------------------------------------------


def sidecar_names(filename: str) -> tuple[str, ...]:
    """File names, in the order tried, of the metadata sidecar of ``filename``."""
    stem = filename.rsplit(".", 1)[0] if "." in filename.lstrip(".") else filename
    return (f"{stem}.json", f"{filename}.json", f"{stem}.meta.json")


def find_sidecar(path: str) -> str | None:
    """The first existing sidecar of ``path``, if any."""
    folder, name = os.path.split(path)
    for candidate in sidecar_names(name):
        full = os.path.join(folder, candidate)
        if full != path and os.path.isfile(full):
            return full
    return None


def read_sidecar(path: str, max_bytes: int) -> tuple[dict[str, str], list[InputFailure]]:
    """The metadata a sidecar JSON file gives, and what was wrong with it.

    Keys: outlet, title, url, published (or date), author, dateline; others
    are ignored. A broken sidecar yields no metadata and one failure.
    """
    try:
        data = json.loads(read_bytes(path, max_bytes))
    except IngestError as exc:
        what = exc.reason.split(";")[0]
        return {}, [
            InputFailure(
                path,
                f"metadata sidecar {what}; fix or delete it (the article was read without it)",
            )
        ]
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        return {}, [
            InputFailure(
                path,
                f"metadata sidecar is not valid JSON ({exc}); fix the JSON or delete the file "
                "(the article was read without it)",
            )
        ]
    if not isinstance(data, dict):
        return {}, [
            InputFailure(
                path,
                f"metadata sidecar must be a JSON object, not {json_type(data)}; write it as "
                '{"outlet": "...", "title": "...", "published": "YYYY-MM-DD"} '
                "(the article was read without it)",
            )
        ]
    return meta_fields(data, path)


def meta_fields(record: dict, source: str) -> tuple[dict[str, str], list[InputFailure]]:
    """The known metadata keys of a record (``date`` counts as ``published``).

    Empty strings count as absent; a value that is not a string is skipped
    and reported.
    """
    fields: dict[str, str] = {}
    failures: list[InputFailure] = []
    record = dict(record)
    if "published" not in record and "date" in record:
        record["published"] = record["date"]
    for key in META_KEYS:
        value = record.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            failures.append(
                InputFailure(
                    source,
                    f'field "{key}" must be a string, not {json_type(value)}; it was ignored',
                )
            )
            continue
        if value.strip():
            fields[key] = valid_unicode(value.strip())
    return fields, failures


def json_type(value: object) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "true/false"}
    return "null" if value is None else names.get(type(value), "a number")
