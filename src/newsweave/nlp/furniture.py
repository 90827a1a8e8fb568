"""Page furniture: the lines of a report that state no fact.

Bylines, timestamps, bare dates, URLs, share and follow prompts, photo credits,
subheadings in capitals and one-word fragments come along with the text of many
pages. They are kept as sentences (offsets stay exact) but yield no claims: a
reader does not want "Updated 4:08 p.m. ET" among the facts of a story, and two
page headers with different dates are not a conflict.
"""

from __future__ import annotations

import re

from spacy.tokens import Span

#: A line that opens like this is a page's own furniture, not reporting.
_OPENERS = re.compile(
    r"""^\W*(?:
        updated|published|posted|last\s+(?:updated|modified)|first\s+published|
        photo(?:graph)?s?|image|video|caption|credit|copyright|all\s+rights\s+reserved|
        follow\s+(?:us|@|him|her|them)|share\s+(?:this|on)|read\s+(?:more|next)|related\s*:|
        click\s+here|sign\s+up|subscribe|advertisement|sponsored|
        (?:additional\s+)?reporting\s+by|edit(?:ed|ing)\s+by|writing\s+by|compiled\s+by|
        filed\s+under|tags?\s*:|comments?\s*:|email\s+(?:this|the\s+author)|print\s+this
    )\b""",
    re.I | re.X,
)
_BYLINE = re.compile(r"^\W*by\s+[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}\W*$", re.I)
#: A web address or an email address.
LINK = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+", re.I)
_CLOCK = re.compile(r"\b\d{1,2}[:.]\d{2}\s*(?:[ap]\.?\s?m\.?)?(?:\s*[A-Z]{2,4}\b)?", re.I)
#: A calendar date written out ("January 2010", "Dec. 7, 2009", "Monday, 3 May 2013"), as a
#: page stamps it whether or not the report's date reader takes it.
_CALENDAR = re.compile(
    r"\b(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?(?:\d{1,2}\s+)?"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
    r"(?:\s+\d{1,2}(?:st|nd|rd|th)?,?)?\s+\d{4}\b", re.I)
#: Fewer content words than this and no verb: a fragment ("Lindsay.").
MIN_FRAGMENT_WORDS = 4
#: Share of a line's letters and digits taken by dates, times and URLs above
#: which it is a header or a timestamp.
MAX_DATE_SHARE = 0.6


def is_furniture(sent: Span, start_char: int, dates: list[tuple[int, int]]) -> bool:
    """Whether a sentence is page furniture rather than a statement.

    Args:
        sent: the sentence.
        start_char: where its body starts (a dateline before it is skipped).
        dates: ``(start, end)`` of the dates found in the sentence.
    """
    text = sent.doc.text[start_char : sent.end_char] if start_char > sent.start_char else sent.text
    line = " ".join(text.split())
    if not line:
        return True
    if _OPENERS.match(line) or _BYLINE.match(line):
        return True
    # 1. mostly dates, times and links ("May 03, 2013", "12:33 EST, 3 May 2013")
    chars = sum(ch.isalnum() for ch in line)
    covered = sum(
        sum(ch.isalnum() for ch in sent.doc.text[max(s, start_char) : e]) for s, e in dates
    )
    covered += sum(sum(ch.isalnum() for ch in m.group()) for m in LINK.finditer(line))
    covered += sum(sum(ch.isalnum() for ch in m.group()) for m in _CLOCK.finditer(line))
    if not dates:
        covered += sum(sum(ch.isalnum() for ch in m.group()) for m in _CALENDAR.finditer(line))
    if chars and covered / chars >= MAX_DATE_SHARE:
        return True
    # 2. a subheading in capitals ("FALLOUT CONTINUES")
    letters = [ch for ch in line if ch.isalpha()]
    if len(line.split()) >= 2 and len(letters) >= MIN_FRAGMENT_WORDS and all(
            ch.isupper() for ch in letters):
        return True
    # 3. a fragment: no verb and too few words to state anything, or a few words cut
    # from the sentence before ("com reported." of "MyFoxHouston. com reported.")
    toks = [t for t in sent if t.idx >= start_char and not t.is_space and not t.is_punct]
    if line[0].islower() and len(toks) < MIN_FRAGMENT_WORDS:
        return True
    has_verb = any(t.pos_ in {"VERB", "AUX"} for t in toks)
    content = [t for t in toks if t.pos_ in {"NOUN", "PROPN", "VERB", "ADJ", "NUM"}]
    return not has_verb and len(content) < MIN_FRAGMENT_WORDS
