"""Numbers, amounts, durations and dates in news text, normalised for comparison.

Regexes and small word tables only, no model and no dateparser: one
``dateparser.parse`` call took about 2 ms when measured, some 40 times what this
module spends on a whole sentence, and the few absolute date forms news uses
are easy to read by hand. The extractor works in two phases:

1. Specific readings are collected as candidates: dates (absolute, relative
   and weekday), money, percents, durations, ages and ordinals, plus
   "consumers" that claim text which must yield nothing (clock times, ranges
   such as "two to three hours" or "20-30", scores, decades, "9/11"). The
   longest candidate wins an overlap; on a tie the more specific kind wins.
2. Every number not covered by phase 1 becomes a ``count``, unless it looks
   like an identifier ("Boeing 737", "Article 5"), a pronoun ("no one",
   "one of the") or a vague amount ("dozens", which is never matched).

Normalisation (``Quantity.value``):

- ``duration``: seconds; a month is 30 days, a year 365 days, a decade ten
  years. ``unit`` is ``"s"``.
- ``money``: amount in the currency unit; ``unit`` is an ISO 4217 code. A bare
  ``$`` or "dollars" is USD. "pounds" is money only with "sterling" or a scale
  word ("5 million pounds"); "20 pounds" stays a count (it is often weight).
- ``percent``: the number; ``unit`` is ``"%"`` or ``"percentage points"``.
- ``count``: the number; ``unit`` is the counted noun, lowercased, as written
  ("students"), or ``None``. Ages ("a 45-year-old", "aged 45") are counts with
  unit ``"years old"`` so that two reports giving different ages conflict.
- ``ordinal``: the rank; ``unit`` is the next word ("round") or ``None``.
- ``date``: ISO text at the precision written: ``YYYY``, ``YYYY-MM``,
  ``YYYY-MM-DD``, or ``YYYY-Www`` (an ISO week) for "last week"/"this week"/
  "two weeks ago". Relative dates and dates without a year are resolved
  against ``reference_date`` and are ``None`` without one. A bare weekday
  ("on Tuesday") is the latest such day on or before the reference date,
  "last Tuesday" the latest strictly before it, "this"/"next Tuesday" the
  coming one. "The day before"/"the previous day" is the day before the
  reference date; "the next day" counts from an event in the story, so it is
  kept with value ``None``. "18 March" takes the year that puts it nearest the
  reference date, days ahead counting double (news mostly looks back). A bare
  month needs a preposition or modifier ("in May", "last March"), since "May"
  is also a verb and a name.

Example:
    >>> import datetime
    >>> [(q.kind, q.text, q.value) for q in extract_quantities(
    ...     "The 90-minute meeting on Tuesday cost $2.5 billion.",
    ...     reference_date=datetime.date(2025, 3, 20))]
    [('duration', '90-minute', 5400.0), ('date', 'Tuesday', '2025-03-18'), \
('money', '$2.5 billion', 2500000000.0)]
"""

from __future__ import annotations

import bisect
import datetime as _dt
import math
import re

from newsweave.model import Quantity

__all__ = ["describe", "extract_quantities", "same_value"]

# --- word tables -------------------------------------------------------------

_SMALL = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_BIG = {
    "thousand": 1e3, "lakh": 1e5, "million": 1e6, "crore": 1e7, "billion": 1e9,
    "trillion": 1e12,
}  # fmt: skip
# Scale abbreviations glued to a number ("€300m", "£1.2bn"); money only, except
# the unambiguous ones.
_ABBR_SCALE = {
    "k": 1e3,
    "m": 1e6,
    "mn": 1e6,
    "mln": 1e6,
    "b": 1e9,
    "bn": 1e9,
    "tn": 1e12,
    "cr": 1e7,
}
_SAFE_ABBR = frozenset({"bn", "mn", "mln", "tn"})

_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
    "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12,
    "thirteenth": 13, "fourteenth": 14, "fifteenth": 15, "sixteenth": 16,
    "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20,
    "thirtieth": 30, "fortieth": 40, "fiftieth": 50, "sixtieth": 60, "seventieth": 70,
    "eightieth": 80, "ninetieth": 90, "hundredth": 100, "thousandth": 1000,
}  # fmt: skip

_DAY = 86400.0
_DUR_SECONDS = {
    "second": 1.0, "sec": 1.0, "minute": 60.0, "min": 60.0, "hour": 3600.0, "hr": 3600.0,
    "day": _DAY, "week": 7 * _DAY, "fortnight": 14 * _DAY, "month": 30 * _DAY,
    "year": 365 * _DAY, "decade": 3650 * _DAY, "century": 36500 * _DAY,
}  # fmt: skip
_DUR_NAMES = {"sec": "second", "min": "minute", "hr": "hour"}

_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4,
    "saturday": 5, "sunday": 6,
}  # fmt: skip

_PREFIX_CURRENCY = {
    "US$": "USD", "US $": "USD", "U.S.$": "USD", "$": "USD", "A$": "AUD", "AU$": "AUD",
    "C$": "CAD", "CA$": "CAD", "NZ$": "NZD", "HK$": "HKD", "S$": "SGD", "R$": "BRL",
    "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "Rs": "INR", "Rs.": "INR",
    "INR": "INR", "USD": "USD", "EUR": "EUR", "GBP": "GBP", "JPY": "JPY", "CNY": "CNY",
    "RMB": "CNY", "CHF": "CHF", "AUD": "AUD", "CAD": "CAD",
}  # fmt: skip
_WORD_CURRENCY = {
    "dollar": "USD", "us dollar": "USD", "u.s. dollar": "USD", "american dollar": "USD",
    "australian dollar": "AUD", "canadian dollar": "CAD", "hong kong dollar": "HKD",
    "new zealand dollar": "NZD", "singapore dollar": "SGD", "euro": "EUR",
    "pound": "GBP", "pound sterling": "GBP", "sterling": "GBP", "rupee": "INR",
    "yen": "JPY", "yuan": "CNY", "renminbi": "CNY", "swiss franc": "CHF", "won": "KRW",
    "ruble": "RUB", "rouble": "RUB", "naira": "NGN", "rand": "ZAR", "shekel": "ILS",
    "lira": "TRY",
    "usd": "USD", "eur": "EUR", "gbp": "GBP", "inr": "INR", "jpy": "JPY", "cny": "CNY",
    "chf": "CHF", "aud": "AUD", "cad": "CAD",
}  # fmt: skip
# Currency words that are money only next to a scale word or "sterling": "20
# pounds" is more often a weight, "won" more often a verb.
_WEAK_CURRENCY = frozenset({"pound", "won"})
_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹"}

_ATTACHED_UNITS = frozenset(
    {"km", "kg", "mm", "cm", "m", "mi", "ft", "lb", "lbs", "mph", "kph", "kmh", "mw", "gw",
     "kw", "kwh", "mb", "gb", "tb"}
)  # fmt: skip

# Words that end the search for a counted noun: function words, common verbs,
# and words that are numbers themselves.
_STOP = (
    frozenset(
        """a an the this that these those his her its their our my your it they he she we
    you them him us me i of and or nor but to in on at by for from with without into
    onto over under than then that which who whom whose when where while as if per so
    such each every all both either neither about after before since until during
    among between against through across around near off out up down again also still
    just only even yet already ago later earlier apiece not no is was are were be been
    being am have has had having will would could should can may might must shall do
    does did done said says say told tell according more most less least many much
    some any other another own same few several very too here there how what why
    percent per cent overall ahead behind nobody everyone anyone someone nothing
    everything""".split()
    )
    | frozenset(_SMALL)
    | frozenset(_TENS)
    | frozenset(_BIG)
    | {"hundred", "dozen"}
)
# Modifiers looked through when finding the counted noun ("15 more people").
_TRANSPARENT = frozenset(
    """more other additional new young old small large big armed unarmed dead injured
    wounded missing foreign local senior junior former separate different major minor
    top key full consecutive previous straight extra further remaining unidentified
    suspected alleged confirmed registered""".split()
)
# Capitalised words that may stand right before a count ("About 300 people").
_COUNT_OK_BEFORE = _STOP | frozenset(
    """nearly almost roughly approximately around some over under only just exactly
    another all at least up estimated fully police officials""".split()
)
# Words before a number that make it a rough amount, so a four-digit number
# after them is a count, not a year ("nearly 2000").
_APPROX = frozenset(
    """about nearly almost roughly approximately around some over under than least
    most only just exactly estimated another all""".split()
)
_YEAR_TRIGGERS = frozenset(
    """in since by until till from during before after of early late mid through
    throughout between and to fiscal year spring summer autumn fall winter circa
    end start beginning""".split()
)
# Words before a number that make it a label, not an amount ("Route 66").
_IDENT_BEFORE = frozenset(
    """no no. nos. number # page pages chapter article articles section clause room gate
    platform version model episode level grade category code item resolution flight
    route highway terminal line row seat door lot pier unit ward district channel
    bus tower building floor apartment suite box phase stage vol vol. volume issue
    paragraph rule amendment bill act""".split()
)
_IRREGULAR_PLURALS = {
    "people": "person", "children": "child", "men": "man", "women": "woman",
    "police": "police", "personnel": "personnel", "staff": "staff", "feet": "foot",
    "teeth": "tooth", "mice": "mouse", "geese": "goose", "cattle": "cattle",
    "sheep": "sheep", "fish": "fish", "aircraft": "aircraft", "crew": "crew",
    "livestock": "livestock", "deer": "deer",
}  # fmt: skip
_NOT_PLURAL = frozenset(
    """is was has as its this thus his us yes always perhaps whereas afterwards towards
    besides unless less news series species""".split()
)
_ONE_PRONOUN_BEFORE = frozenset(
    "the no any every each this that which only last loved little such anyone another".split()
)
_TIMEZONES = frozenset("gmt utc et est edt pst pdt bst cet cest ist jst local".split())
_ONE_IDIOM_AFTER = frozenset("another other day point thing way hand side by".split())
#: What makes a bare weekday the coming one: "will", "is expected to" and the like,
#: in the same clause before it.
_FUTURE_RE = re.compile(
    r"\b(?:will|shall|won't|(?:is|are|am)\s+(?:expected|scheduled|set|due|going|slated)\s+to"
    r"|plans?\s+to|planning\s+to)\b|'ll\b|’ll\b")


def _future_before(low: str, start: int, pos: int) -> bool:
    """Whether the clause that ends at ``pos`` speaks of the future."""
    lo = max(start, pos - 120)
    clause = re.split(r"[.;!?]", low[lo:pos])[-1]
    return bool(_FUTURE_RE.search(clause))


_SPECIAL_WEEKDAY_BEFORE = frozenset(
    "good black super ash bloody cyber holy easter palm maundy shrove giving".split()
)

# --- regexes -----------------------------------------------------------------


def _alt(words) -> str:  # noqa: ANN001 - any iterable of str
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_W_DIGIT = _alt(w for w, v in _SMALL.items() if 1 <= v <= 9)
_W_BASE = rf"(?:(?:{_alt(_TENS)})(?:[\s-](?:{_W_DIGIT}))?|(?:{_alt(_SMALL)}))(?![a-z])"
_W_SCALE = r"(?:hundred|thousand|million|billion|trillion|lakhs?|crores?|dozen)(?![a-z])"
_W_NUM = (
    rf"(?:(?:an?|half\s+an?)\s+{_W_SCALE}|{_W_BASE})"
    rf"(?:(?:\s+and\s+|[\s-]+)(?:{_W_BASE}|{_W_SCALE}))*"
)
_D_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_NUM_RE = re.compile(rf"(?<![\w.,/])(?:{_D_NUM}(?:\s+{_W_SCALE})*|{_W_NUM})")
_NUM_TOKEN_RE = re.compile(r"\d[\d,]*(?:\.\d+)?|[A-Za-z]+")

_DUR_UNIT = (
    r"(?P<du>seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|fortnights?|months?"
    r"|years?|decades?|century|centuries)(?![a-z])"
)
_CUR_WORDS = (
    r"(?:(?:u\.?s\.?|american|australian|canadian|hong\s+kong|new\s+zealand|singapore)"
    r"\s+dollars?|dollars?|euros?|pounds?\s+sterling|pounds?|sterling|rupees?|yen|yuan"
    r"|renminbi|swiss\s+francs?|won|r[ou]ubles?|naira|rand|shekels?|liras?)"
)
# What may follow a number; tried in this order, first match wins.
_SUFFIX_RE = re.compile(
    r"(?P<pct>\s*(?:%|percent(?![a-z])|per\s+cent(?![a-z])|pct(?![a-z])))"
    r"|(?P<pp>\s+percentage\s+points?(?![a-z]))"
    r"|(?P<age>(?:\s+|-)(?P<ageu>year|month|week|day)s?(?:\s+|-)old(?![a-z]))"
    rf"|(?P<dur>(?P<half>(?:\s+|-)and(?:\s+|-)a(?:\s+|-)half)?(?:\s+|-){_DUR_UNIT}"
    r"(?P<long>-long)?(?P<ago>\s+ago(?![a-z]))?)"
    rf"|(?P<cur>\s+(?P<curw>{_CUR_WORDS}(?![a-z])|(?:usd|eur|gbp|inr|jpy|cny|chf|aud|cad)\b))"
    r"|(?P<range>\s*[-–—]\s*|\s+(?:to|or)\s+)"
    r"|(?P<time>(?::\d\d)?\s*(?:[ap]\.m\.?|[ap]m(?![a-z])))"
    r"|(?P<clock>:\d\d)"
    r"|(?P<slash>/\d)"
)
_ATTACHED_RE = re.compile(r"(?P<sfx>[A-Za-z]+)(?![A-Za-z])")
_MSCALE_RE = re.compile(r"\s?(?P<sc>bn|mn|mln|tn|cr|[mbk])(?![a-z])")
_CUR_PREFIX_RE = re.compile(rf"(?<![A-Za-z])(?P<cur>{_alt(_PREFIX_CURRENCY)})\s?\Z")
_RANGE_TAIL_RE = re.compile(r"\s*%|[\s-]+[A-Za-z]+")
_AND_NUM_RE = re.compile(r"\s+and\s+")
_SLASH_TAIL_RE = re.compile(r"/\d+")
_PLURAL_S_RE = re.compile(r"s\b")

_WORD_AFTER_RE = re.compile(r"[ \t\u00a0]+([A-Za-z][A-Za-z'’]*(?:-[A-Za-z]+)*)")
_HYPHEN_WORD_RE = re.compile(r"-([A-Za-z]+)(?![\w-])")
_OF_DET_RE = re.compile(r"[ \t]+(?:the|those|these|his|her|their|its)(?=[ \t])", re.I)

_MON_FULL = r"January|February|March|April|May|June|July|August|September|October|November|December"  # noqa: E501
_MON_ABBR = r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec"
_MON = rf"(?P<mon>(?:{_MON_FULL})(?![a-z])|(?:{_MON_ABBR})(?:\.|(?![a-z])))"
_WD = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_DAYNUM = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?(?![\d:\w])"
_YEAR = r"(?P<year>\d{4})(?![\d\w])"

# "March 18, 2025", "Tuesday, March 18", "Mar. 18th"
_DATE_MDY_RE = re.compile(rf"(?:{_WD},?\s+)?{_MON}\s*{_DAYNUM}(?:,?\s+{_YEAR})?")
# "18 March 2025", "18th of March"
_DATE_DMY_RE = re.compile(
    rf"(?<![\w.,])(?:{_WD},?\s+)?{_DAYNUM}\s+(?:of\s+)?{_MON}(?:,?\s+{_YEAR})?"
)
# "March 2025", "March of 2025"
_DATE_MY_RE = re.compile(rf"{_MON}\s*(?:of\s+)?{_YEAR}")
# "in March", "last March", "mid-March": a bare month needs one of these before it.
_MONTH_WORD_RE = re.compile(rf"(?<!\w)(?P<mon>{_MON_FULL}|Sept)(?![\w'’]|\s*\d)")
# Read backwards from a bare month (on the lowercased copy): a bare month
# counts only with a preposition or modifier before it ("May" is a verb).
_MONTH_BEFORE_RE = re.compile(
    r"(?:(?<![\w-])(?P<prep>in|since|until|till|through|throughout|during|from|by|before"
    r"|after|of|between|and|to)\s+)?(?:(?<![\w-])(?P<mod>early|late|mid|last|next|this)[\s-]+)?\Z"
)
_DATE_ISO_RE = re.compile(r"(?<![\d-])(?P<y>\d{4})-(?P<m>\d\d)-(?P<d>\d\d)(?![\d-])")
_DATE_SLASH_RE = re.compile(r"(?<![\d/])(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>\d{4}|\d\d)(?![\d/])")
_REL_DAY_RE = re.compile(
    r"(?<![\w-])(?P<r>the\s+day\s+before\s+yesterday|yesterday|today|tomorrow|tonight"
    r"|last\s+night|this\s+(?:morning|afternoon|evening))"
    r"(?:\s+(?:morning|afternoon|evening|night)(?![a-z]))?(?![a-z])",
)
_DAY_BEFORE_RE = re.compile(
    r"(?<![\w-])the\s+(?:(?P<b>(?:day|night)\s+(?:before|prior|earlier)|previous\s+(?:day|night))"
    r"|(?P<a>(?:next|following)\s+day))(?![a-z])"
    r"(?!\s+(?:to|of|the|a|an|his|her|their|its|our|this|that|[A-Z0-9]))",
    re.I,
)
_WEEKDAY_RE = re.compile(
    r"(?<![\w-])(?:(?P<mod>(?i:last|next|this|past|coming|on))\s+)?"
    rf"(?P<wd>{_WD})(?:\s+(?i:morning|afternoon|evening|night)(?![a-z]))?(?![a-z])"
)
_PERIOD_RE = re.compile(
    r"(?<![\w-])(?:(?P<pre>earlier|later|early|late)\s+)?(?P<mod>last|this|next)\s+"
    r"(?P<u>week|weekend|month|year)(?![a-z])",
)
_ART_DUR_RE = re.compile(
    rf"(?<![\w-])(?P<art>an?)\s+{_DUR_UNIT}(?P<half>\s+and\s+a\s+half)?(?P<long>-long)?"
    r"(?P<ago>\s+ago(?![a-z]))?",
)
_LONG_RE = re.compile(rf"(?<![\w-]){_DUR_UNIT}-long(?![a-z])")
_HALF_RE = re.compile(rf"(?<![\w-])half(?:\s+an?\s+|-){_DUR_UNIT}")
_AGED_RE = re.compile(
    r"(?<![\w-])(?:aged|age)\s+(?P<n>\d{1,3})(?![\d]|[.,]\d|\s*(?:-|to|and|or)\s*\d)"
)
_ORD_RE = re.compile(
    rf"(?<![\w-])(?:(?P<tens>{_alt(_TENS)})[-\s])?(?P<ord>{_alt(_ORDINALS)})(?![\w])",
)

# Candidate ranks on a tie of length: lower wins.
_RANK = {"date": 0, "money": 1, "percent": 2, "duration": 3, "count": 4, "ordinal": 5, None: 6}

# "18 March" with no year: pick the year that puts the date closest to the
# report date, counting days after it this many times over: news mostly
# reports the past, but an upcoming date a few weeks off is common.
_FUTURE_PENALTY = 2

_Cand = tuple  # (start, end, kind | None, value, unit)


# --- number parsing ----------------------------------------------------------


def _parse_number(s: str) -> tuple[float, int, bool] | None:
    """(value, characters used, has a scale word of a thousand or more), or None.

    Stops before the first word that cannot continue the number, so "two
    three-year terms" reads as 2 and leaves "three" for the next match.
    """
    total = cur = 0.0
    last = None
    last_big = 0.0
    big = False
    used = 0
    for m in _NUM_TOKEN_RE.finditer(s):
        t = m.group().lower()
        if t[0].isdigit():
            if last is not None:
                break
            cur, last = float(t.replace(",", "")), "num"
        elif t in ("a", "an"):
            if last not in (None, "half"):
                break
            if last is None:
                cur = 1.0
            last = "a"
            continue
        elif t == "half":
            if last is not None:
                break
            cur, last = 0.5, "half"
            continue
        elif t == "and":
            if last not in ("hundred", "big"):
                break
            last = "and"
            continue
        elif t in _SMALL:
            v = _SMALL[t]
            if last == "tens" and 1 <= v <= 9:
                cur += v
                last = "unit"
            elif last in (None, "hundred", "big", "and"):
                cur += v
                last = "unit" if 1 <= v <= 9 else "teen"
            else:
                break
        elif t in _TENS:
            if last not in (None, "hundred", "big", "and"):
                break
            cur += _TENS[t]
            last = "tens"
        elif t == "hundred":
            if last not in ("num", "unit", "teen", "a"):
                break
            cur *= 100
            last = "hundred"
        elif t == "dozen":
            if last not in ("num", "unit", "teen", "tens", "a", "half"):
                break
            cur *= 12
            last = "dozen"
        else:
            scale = _BIG.get(t.rstrip("s"))
            if scale is None:
                break
            if last in ("num", "unit", "teen", "tens", "hundred", "a", "half"):
                total += cur * scale
                cur = 0.0
            elif last == "big" and cur == 0 and scale > last_big:
                total *= scale  # "5 lakh crore", "two thousand million"
            else:
                break
            last, last_big, big = "big", scale, True
        used = m.end()
        if last == "dozen":
            break
    if not used:
        return None
    return total + cur, used, big


# --- small helpers -----------------------------------------------------------


def _prev_word(text: str, pos: int, start: int) -> str | None:
    """The word just before ``pos`` (spaces between allowed), or "#"; else None."""
    i = pos
    while i > start and text[i - 1] in " \t\u00a0":
        i -= 1
    j = i
    while j > start and (text[j - 1].isalpha() or text[j - 1] in ".'’-"):
        j -= 1
    while j < i and not text[j].isalpha():
        j += 1
    if j < i:
        word = text[j:i]
        if word.endswith(".") and word.count(".") == 1 and len(word) > 4:
            return None  # the end of the previous sentence, not an abbreviation
        return word
    if i > start and text[i - 1] == "#":
        return "#"
    return None


def _at_sentence_start(text: str, pos: int, start: int) -> bool:
    i = pos - 1
    while i >= start and text[i] in " \t\u00a0\"'“‘(«[":
        i -= 1
    return i < start or text[i] in ".!?:;\n\r—"


def _is_plural(word: str) -> bool:
    if word in _IRREGULAR_PLURALS:
        return True
    return (
        len(word) > 2
        and word.endswith("s")
        and not word.endswith("ss")
        and (word not in _NOT_PLURAL)
    )


def _counted_noun(text: str, pos: int, end: int) -> tuple[str | None, int, bool]:
    """The noun counted by a number ending at ``pos``: (noun, its end, proper).

    Looks through modifiers ("15 more people", "43 Mexican students") and "of
    the" ("five of the victims"); stops at function words and verbs.
    ``proper`` says the number was followed only by capitalised words ("10
    Downing Street"), a sign it is a label rather than an amount.
    """
    p = pos
    skipped = 0
    proper = False
    while skipped <= 2:
        m = _WORD_AFTER_RE.match(text, p, end)
        if not m:
            break
        w = m.group(1)
        lw = w.lower()
        if lw == "of" and skipped == 0:
            det = _OF_DET_RE.match(text, m.end(), end)
            if not det:
                break
            p = det.end()
            skipped += 1
            continue
        if lw in _TRANSPARENT:
            p = m.end()
            skipped += 1
            continue
        if lw in _STOP or lw.endswith("ed"):
            break
        if w[0].isupper() and not _is_plural(lw):
            proper = True
            p = m.end()
            skipped += 1
            continue
        return lw, m.end(), False
    return None, pos, proper


def _next_word(text: str, pos: int, end: int) -> str | None:
    m = _WORD_AFTER_RE.match(text, pos, end)
    return m.group(1) if m else None


def _ordinal_unit(text: str, pos: int, end: int) -> tuple[str | None, int]:
    m = _HYPHEN_WORD_RE.match(text, pos, end) or _WORD_AFTER_RE.match(text, pos, end)
    if not m:
        return None, pos
    w = m.group(1)
    lw = w.lower()
    if lw in _STOP or lw in ("ever", "hand") or w[0].isupper():
        return None, pos
    if len(lw) > 4 and lw.endswith(("ed", "ly")):
        return None, pos
    return lw, m.end()


def _dur_unit(word: str) -> str:
    w = word.lower()
    if w == "centuries":
        return "century"
    if w.endswith("s") and w[:-1] in _DUR_SECONDS:
        w = w[:-1]
    return w


# --- date arithmetic ---------------------------------------------------------


def _iso_week(d: _dt.date) -> str:
    year, week, _ = d.isocalendar()
    return f"{year}-W{week:02d}"


def _shift_month(year: int, month: int, k: int) -> tuple[int, int]:
    idx = year * 12 + month - 1 + k
    return idx // 12, idx % 12 + 1


def _nearest_day(month: int, day: int, ref: _dt.date) -> _dt.date | None:
    best, best_cost = None, None
    for year in (ref.year - 1, ref.year, ref.year + 1):
        try:
            d = _dt.date(year, month, day)
        except ValueError:
            continue
        delta = (d - ref).days
        cost = delta * _FUTURE_PENALTY if delta > 0 else -delta
        if best_cost is None or cost < best_cost:
            best, best_cost = d, cost
    return best


def _nearest_month(month: int, ref: _dt.date, mod: str | None) -> str:
    here = ref.year * 12 + ref.month - 1
    if mod == "last":
        idx = max(i for i in range(here - 12, here) if i % 12 == month - 1)
    elif mod == "next":
        idx = min(i for i in range(here + 1, here + 13) if i % 12 == month - 1)
    else:
        idx = min(
            (i for i in range(here - 12, here + 13) if i % 12 == month - 1),
            key=lambda i: (i - here) * _FUTURE_PENALTY if i > here else here - i,
        )
    return f"{idx // 12:04d}-{idx % 12 + 1:02d}"


def _valid_day(year: int | None, month: int, day: int) -> bool:
    try:
        _dt.date(year or 2000, month, day)
    except ValueError:
        return False
    return True


def _ago(n: float, unit: str, ref: _dt.date | None) -> str | None:
    if ref is None:
        return None
    if unit in ("second", "sec", "minute", "min", "hour", "hr"):
        return ref.isoformat()
    if unit == "day":
        return (ref - _dt.timedelta(days=round(n))).isoformat()
    if unit in ("week", "fortnight"):
        days = 7 * n if unit == "week" else 14 * n
        return _iso_week(ref - _dt.timedelta(days=round(days)))
    if unit == "month":
        y, m = _shift_month(ref.year, ref.month, -round(n))
        return f"{y:04d}-{m:02d}"
    years = {"year": 1, "decade": 10, "century": 100}[unit]
    return f"{ref.year - round(n * years):04d}"


# --- candidate finders -------------------------------------------------------


class _Scan:
    """One call's text, its lowercased copy (same offsets) and the scan bounds."""

    __slots__ = ("text", "low", "start", "end", "ref", "seg")

    def __init__(self, text: str, start: int, end: int, ref: _dt.date | None) -> None:
        seg = text[start:end]
        low = seg.lower()
        if len(low) != len(seg):  # a few characters lowercase to two ("İ")
            low = "".join(c if len(c.lower()) != 1 else c.lower() for c in seg)
        self.text, self.start, self.end, self.ref = text, start, end, ref
        self.seg = low
        # Padding keeps offsets equal to the text's; lookbehinds see a space at
        # ``start``, which is where the caller says a sentence or body begins.
        self.low = " " * start + low


_MONTH_GATE_RE = re.compile(r"Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec")
_WEEKDAY_GATE = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_REL_GATE = ("yesterday", "today", "tomorrow", "tonight", "night", "this ")
_DUR_GATE = (
    "sec",
    "min",
    "hour",
    "hr",
    "day",
    "week",
    "fortnight",
    "month",
    "year",
    "decade",
    "centur",
)
_ORD_GATE_RE = re.compile(
    "first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth"
    "|teenth|tieth|hundredth|thousandth"
)


def _dates(sc: _Scan, out: list[_Cand]) -> None:
    text, start, end, ref = sc.text, sc.start, sc.end, sc.ref
    if _MONTH_GATE_RE.search(text, start, end):
        for rx in (_DATE_MDY_RE, _DATE_DMY_RE):
            for m in rx.finditer(text, start, end):
                month = _MONTHS[m.group("mon").rstrip(".").lower()]
                day = int(m.group("day"))
                year = int(m.group("year")) if m.group("year") else None
                if not _valid_day(year, month, day):
                    continue
                if year is not None:
                    value: str | None = f"{year:04d}-{month:02d}-{day:02d}"
                elif ref is not None:
                    d = _nearest_day(month, day, ref)
                    value = d.isoformat() if d else None
                else:
                    value = None
                out.append((m.start(), m.end(), "date", value, None))
        for m in _DATE_MY_RE.finditer(text, start, end):
            month = _MONTHS[m.group("mon").rstrip(".").lower()]
            value = f"{int(m.group('year')):04d}-{month:02d}"
            out.append((m.start(), m.end(), "date", value, None))
        for m in _MONTH_WORD_RE.finditer(text, start, end):
            b = _MONTH_BEFORE_RE.search(sc.low, max(start, m.start() - 30), m.start())
            prep, mod, name = b.group("prep"), b.group("mod"), m.group("mon")
            if not prep and not mod:
                continue
            if (
                name == "May"
                and not mod
                and prep not in ("in", "since", "until", "till", "during", "through", "throughout")
            ):
                continue  # "by May", "and May" are as often Theresa May
            value = _nearest_month(_MONTHS[name.lower()], ref, mod) if ref else None
            out.append((b.start("mod") if mod else m.start(), m.end(), "date", value, None))
    if "-" in sc.seg:
        for m in _DATE_ISO_RE.finditer(text, start, end):
            y, mo, d = int(m.group("y")), int(m.group("m")), int(m.group("d"))
            if 1 <= mo <= 12 and _valid_day(y, mo, d):
                out.append((m.start(), m.end(), "date", m.group(), None))
    if "/" in sc.seg:
        for m in _DATE_SLASH_RE.finditer(text, start, end):
            a, b2, y = int(m.group("a")), int(m.group("b")), int(m.group("y"))
            if y < 100:
                y += 2000
            # US order unless the first part cannot be a month.
            month, day = (b2, a) if a > 12 else (a, b2)
            value = f"{y:04d}-{month:02d}-{day:02d}" if _valid_day(y, month, day) else None
            out.append((m.start(), m.end(), "date" if value else None, value, None))


def _relative_dates(sc: _Scan, out: list[_Cand]) -> None:
    text, low, start, end, ref, seg = sc.text, sc.low, sc.start, sc.end, sc.ref, sc.seg

    def day_value(offset: int) -> str | None:
        return (ref + _dt.timedelta(days=offset)).isoformat() if ref else None

    if any(w in seg for w in _REL_GATE):
        for m in _REL_DAY_RE.finditer(low, start, end):
            r = " ".join(m.group("r").split())
            if (
                r == "today"
                and text[m.start()] == "T"
                and not _at_sentence_start(text, m.start(), start)
            ):
                continue  # a name: "USA Today"
            offset = {"yesterday": -1, "tomorrow": 1, "last night": -1,
                      "the day before yesterday": -2}.get(r, 0)  # fmt: skip
            out.append((m.start(), m.end(), "date", day_value(offset), None))
    if "the " in seg and ("day" in seg or "night" in seg):
        for m in _DAY_BEFORE_RE.finditer(text, start, end):
            # "The next day" counts from the story's last event, not the
            # report date: a date was mentioned, its value is unknown.
            value = day_value(-1) if m.group("b") else None
            out.append((m.start(), m.end(), "date", value, None))
    if "day" in seg and any(w in seg for w in _WEEKDAY_GATE):
        for m in _WEEKDAY_RE.finditer(text, start, end):
            prev = _prev_word(text, m.start(), start)
            if prev and prev.lower() in _SPECIAL_WEEKDAY_BEFORE:
                continue
            mod = (m.group("mod") or "").lower()
            s = m.start("wd") if mod == "on" else m.start()
            value = None
            if ref is not None:
                wd = _WEEKDAYS[m.group("wd").lower()]
                if mod in ("next", "coming"):
                    delta = (wd - ref.weekday()) % 7 or 7
                elif mod == "this":
                    delta = (wd - ref.weekday()) % 7
                elif mod in ("", "on") and _future_before(low, start, m.start()):
                    # "is expected to return on Monday": the coming one.
                    delta = (wd - ref.weekday()) % 7 or 7
                else:
                    delta = -((ref.weekday() - wd) % 7)
                    if mod in ("last", "past") and delta == 0:
                        delta = -7
                value = (ref + _dt.timedelta(days=delta)).isoformat()
            out.append((s, m.end(), "date", value, None))
    if "last " in seg or "this " in seg or "next " in seg:
        for m in _PERIOD_RE.finditer(low, start, end):
            prev = _prev_word(low, m.start(), start)
            if prev in ("the", "a", "an"):
                continue  # "in the last year" is a duration
            mod, unit = m.group("mod"), m.group("u")
            value = None
            if ref is not None:
                k = {"last": -1, "this": 0, "next": 1}[mod]
                if unit == "year":
                    value = f"{ref.year + k:04d}"
                elif unit == "month":
                    y, mo = _shift_month(ref.year, ref.month, k)
                    value = f"{y:04d}-{mo:02d}"
                elif unit == "week":
                    value = _iso_week(ref + _dt.timedelta(days=7 * k))
                else:  # weekend: the ISO week of its Saturday
                    sat = ref + _dt.timedelta(days=(5 - ref.weekday()) % 7)
                    if k < 0:
                        sat -= _dt.timedelta(days=7)
                    elif k > 0 and ref.weekday() < 5:
                        sat += _dt.timedelta(days=7)
                    value = _iso_week(sat)
            out.append((m.start(), m.end(), "date", value, None))


def _word_durations(sc: _Scan, out: list[_Cand]) -> None:
    low, start, end, ref, seg = sc.low, sc.start, sc.end, sc.ref, sc.seg
    if not any(w in seg for w in _DUR_GATE):
        if "age" in seg:
            _ages(sc, out)
        return
    for m in _ART_DUR_RE.finditer(low, start, end):
        unit = _dur_unit(m.group("du"))
        if m.group("du").endswith("s") and unit != "century":
            continue  # "a days" is not a duration
        prev = _prev_word(low, m.start(), start)
        before = low[start : m.start()].rstrip()
        if before[-1:].isdigit() or before[-1:] == "%":
            continue  # a rate: "$15 an hour"
        if prev and (
            prev in ("once", "twice", "thrice", "times", "per", "every", "each")
            or prev in _BIG
            or prev.rstrip("s") in _WORD_CURRENCY
        ):
            continue  # a rate: "twice a day", "$5 million a year"
        if unit == "second" and not m.group("half"):
            nxt = _next_word(low, m.end(), end)
            if nxt and nxt not in _STOP and nxt not in ("later", "earlier"):
                continue  # "a second round" is an ordinal
        n = 1.5 if m.group("half") else 1.0
        if m.group("ago"):
            out.append((m.start(), m.end(), "date", _ago(n, unit, ref), None))
        else:
            out.append((m.start(), m.end(), "duration", n * _DUR_SECONDS[unit], "s"))
    if "-long" in seg:
        for m in _LONG_RE.finditer(low, start, end):
            unit = _dur_unit(m.group("du"))
            out.append((m.start(), m.end(), "duration", _DUR_SECONDS[unit], "s"))
    if "half" in seg:
        for m in _HALF_RE.finditer(low, start, end):
            unit = _dur_unit(m.group("du"))
            out.append((m.start(), m.end(), "duration", 0.5 * _DUR_SECONDS[unit], "s"))
    if "age" in seg:
        _ages(sc, out)


def _ages(sc: _Scan, out: list[_Cand]) -> None:
    for m in _AGED_RE.finditer(sc.low, sc.start, sc.end):
        out.append((m.start(), m.end(), "count", float(m.group("n")), "years old"))


def _ordinals(sc: _Scan, out: list[_Cand]) -> None:
    text, low, start, end = sc.text, sc.low, sc.start, sc.end
    if not _ORD_GATE_RE.search(sc.seg):
        return
    for m in _ORD_RE.finditer(low, start, end):
        s = m.start()
        if text[s].isupper() and not _at_sentence_start(text, s, start):
            continue  # "First Lady", "Second World War"
        word = m.group("ord")
        value = float(_ORDINALS[word] + (_TENS[m.group("tens")] if m.group("tens") else 0))
        unit, e = _ordinal_unit(text, m.end(), end)
        nxt = _next_word(text, m.end(), end)
        if nxt and nxt[0].isupper() and text[m.end()] == " ":
            continue  # part of a name
        prev = _prev_word(low, s, start)
        lnxt = nxt.lower() if nxt else ""
        if word == "first" and (prev == "at" or (unit is None and lnxt == "of")):
            continue  # "at first", "first of all"
        if (
            word == "second"
            and unit is None
            and (
                lnxt in ("later", "earlier", "ago", "long", "or", "and")
                or prev in _SMALL
                or prev in _TENS
                or (prev or "").replace(",", "").isdigit()
            )
        ):
            continue  # "one second later": a duration, not a rank
        out.append((s, e if unit else m.end(), "ordinal", value, unit))


def _numbers(sc: _Scan, out: list[_Cand], counts: list) -> None:
    """Readings of every number: specific ones go to ``out``, plain counts to ``counts``."""
    text, low, start, end, ref = sc.text, sc.low, sc.start, sc.end, sc.ref
    pos = start
    while True:
        m = _NUM_RE.search(low, pos, end)
        if m is None:
            return
        ns = m.start()
        parsed = _parse_number(m.group())
        if parsed is None:
            pos = m.end()
            continue
        val, used, big = parsed
        ne = ns + used
        pos = ne
        raw = text[ns:ne]
        is_digit = raw[0].isdigit()
        if ns - 2 >= start and text[ns - 1] == "-" and text[ns - 2].isalnum():
            prev = _prev_word(low, ns - 1, start)
            if (prev in ("mid", "early", "late") and len(raw) == 4 and raw.isdigit()
                    and low[ne : ne + 1] != "s"):  # "mid-1980s" is a decade, not 1980
                out.append((ns, ne, "date", raw, None))
            continue  # "COVID-19", "F-16", the tail of "737-800"
        nxt_char = low[ne] if ne < end else ""

        # 1. Letters glued to digits: "21st", "1990s", "3pm", "€300m", "5km".
        if is_digit and nxt_char.isalpha() and raw[-1].isdigit():
            a = _ATTACHED_RE.match(low, ne, end)
            sfx = a.group("sfx") if a else ""
            se = a.end() if a else ne
            if sfx in ("st", "nd", "rd", "th"):
                unit, ue = _ordinal_unit(text, se, end)
                out.append((ns, ue if unit else se, "ordinal", val, unit))
                continue
            cur = _CUR_PREFIX_RE.search(text, max(start, ns - 5), ns)
            if sfx in ("s", "am", "pm") or (sfx in ("a", "p") and low[se : se + 1] == "."):
                out.append((ns, se, None, None, None))  # "1990s", "3pm"
            elif sfx in _ABBR_SCALE and (cur or sfx in _SAFE_ABBR):
                value = val * _ABBR_SCALE[sfx]
                if cur:
                    code = _PREFIX_CURRENCY[cur.group("cur")]
                    out.append((cur.start(), se, "money", value, code))
                else:
                    counts.append((ns, se, value))
            elif sfx in _ATTACHED_UNITS:
                out.append((ns, se, "count", val, sfx))
            else:
                out.append((ns, se, None, None, None))  # "4G", "3D", "10x"
            continue

        # 2. A currency sign or code before: "$2.5 billion", "Rs 500 crore".
        if is_digit:
            cur = _CUR_PREFIX_RE.search(text, max(start, ns - 5), ns)
            if cur:
                e = ne
                value = val
                if not big:
                    scm = _MSCALE_RE.match(low, ne, end)
                    if scm:
                        value *= _ABBR_SCALE[scm.group("sc")]
                        e = scm.end()
                out.append((cur.start(), e, "money", value, _PREFIX_CURRENCY[cur.group("cur")]))
                continue

        # 3. What follows: percent, age, duration, currency word, range, time.
        sm = _SUFFIX_RE.match(low, ne, end)
        if sm is not None:
            g = sm.group
            if g("pct"):
                out.append((ns, sm.end(), "percent", val, "%"))
                continue
            if g("pp"):
                out.append((ns, sm.end(), "percent", val, "percentage points"))
                continue
            if g("age"):
                out.append((ns, sm.end(), "count", val, f"{g('ageu')}s old"))
                continue
            if g("dur"):
                unit = _dur_unit(g("du"))
                n = val + (0.5 if g("half") else 0.0)
                if g("ago"):
                    out.append((ns, sm.end(), "date", _ago(n, unit, ref), None))
                else:
                    out.append((ns, sm.end(), "duration", n * _DUR_SECONDS[unit], "s"))
                continue
            if g("cur"):
                word = " ".join(g("curw").split())
                if word != "rand":
                    word = _PLURAL_S_RE.sub("", word)
                code = _WORD_CURRENCY.get(word)
                if code and (word not in _WEAK_CURRENCY or big or "sterling" in word):
                    out.append((ns, sm.end(), "money", val, code))
                    continue
            elif g("range"):
                sep = g("range").strip()
                second = _NUM_RE.match(low, sm.end(), end)
                if second and sep == "to" and _prev_word(low, ns, start) == "from":
                    # A change, not a range: "from 15 to 20 percent" gives the
                    # first number the second one's kind.
                    parsed2 = _parse_number(second.group())
                    nxt = None
                    if parsed2:
                        nxt = _SUFFIX_RE.match(low, second.start() + parsed2[1], end)
                    if nxt is not None and nxt.group("pct"):
                        out.append((ns, ne, "percent", val, "%"))
                        continue
                    if nxt is not None and nxt.group("dur") and not nxt.group("ago"):
                        secs = _DUR_SECONDS[_dur_unit(nxt.group("du"))]
                        out.append((ns, ne, "duration", val * secs, "s"))
                        continue
                elif second:
                    tail = _RANGE_TAIL_RE.match(low, second.end(), end)
                    # The parts still compete, and lose to the longer range.
                    out.append((ns, tail.end() if tail else second.end(), None, None, None))
            elif g("slash"):
                out.append((ns, _SLASH_TAIL_RE.match(low, ne, end).end(), None, None, None))
                continue
            else:  # a clock time
                out.append((ns, sm.end(), None, None, None))
                continue
        prev = _prev_word(text, ns, start)
        lprev = prev.lower() if prev else ""
        if lprev == "between":
            am = _AND_NUM_RE.match(low, ne, end)
            second = _NUM_RE.match(low, am.end(), end) if am else None
            if second and not (len(raw) == 4 and 1800 <= val <= 2099):
                out.append((ns, second.end(), None, None, None))

        # 4. A year: "in 2019", "the 2019 election", but not "2000 people".
        if is_digit and not big and len(raw) == 4 and raw.isdigit() and 1800 <= val <= 2099:
            nxt = _next_word(low, ne, end)
            if nxt in _TIMEZONES:
                out.append((ns, ne, None, None, None))  # "1930 GMT" is a clock time
                continue
            if lprev in _YEAR_TRIGGERS or lprev.rstrip(".") in _MONTHS:
                out.append((ns, ne, "date", raw, None))
                continue
            if lprev not in _APPROX and not (nxt and _is_plural(nxt)):
                if not (prev and prev[0].isupper() and lprev not in _COUNT_OK_BEFORE):
                    out.append((ns, ne, "date", raw, None))
                continue

        # 5. "John Smith, 45, said": an age in apposition.
        if (
            is_digit
            and val < 120
            and nxt_char == ","
            and ns - 3 >= start
            and text[ns - 2 : ns] == ", "
            and text[ns - 3].isalpha()
        ):
            name = _prev_word(text, ns - 2, start)
            if name and name[0].isupper() and name.lower() not in _COUNT_OK_BEFORE:
                out.append((ns, ne, "count", val, "years old"))
                continue
        counts.append((ns, ne, val))


class _Spans:
    """Non-overlapping spans kept sorted, for overlap tests in O(log n)."""

    __slots__ = ("starts", "ends")

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def overlaps(self, s: int, e: int) -> bool:
        i = bisect.bisect_right(self.starts, s)
        if i and self.ends[i - 1] > s:
            return True
        return i < len(self.starts) and self.starts[i] < e

    def add(self, s: int, e: int) -> bool:
        """Add the span unless it overlaps one already there; say whether it was added."""
        if self.overlaps(s, e):
            return False
        i = bisect.bisect_right(self.starts, s)
        self.starts.insert(i, s)
        self.ends.insert(i, e)
        return True


def _resolve_counts(sc: _Scan, raw_counts: list, taken: _Spans) -> list[_Cand]:
    text, low, start, end = sc.text, sc.low, sc.start, sc.end
    out: list[_Cand] = []
    for ns, ne, val in raw_counts:
        if taken.overlaps(ns, ne):
            continue
        raw = text[ns:ne]
        prev = _prev_word(text, ns, start)
        lprev = prev.lower() if prev else ""
        if prev == "#" or lprev in _IDENT_BEFORE:
            continue
        if prev and prev[0].isupper() and lprev not in _COUNT_OK_BEFORE:
            if lprev.rstrip(".") not in _MONTHS:
                continue  # "Boeing 737", "Apollo 11"
        if raw[0].isupper() and not _at_sentence_start(text, ns, start):
            continue  # "the Big Four"
        one = low[ns:ne] == "one"
        hy = _HYPHEN_WORD_RE.match(low, ne, end)
        if hy:
            if one:
                continue  # "one-time", "one-sided"
            if taken.add(ns, hy.end()):
                out.append((ns, hy.end(), "count", val, hy.group(1)))
            continue  # "a 12-member jury"
        if ne < end and text[ne] in "-–—":
            continue
        unit, ue, proper = _counted_noun(text, ne, end)
        if proper and unit is None:
            continue  # "10 Downing Street"
        if one and (
            lprev in _ONE_PRONOUN_BEFORE
            or unit is None
            or unit in _ONE_IDIOM_AFTER
            or _next_word(low, ne, end) == "of"
        ):
            continue  # "no one", "one of the", "one another", "one day"
        e = ue if unit else ne
        if not taken.add(ns, e):
            e = ne
            taken.add(ns, e)
        out.append((ns, e, "count", val, unit))
    return out


# --- public API --------------------------------------------------------------


def extract_quantities(
    text: str,
    start: int = 0,
    end: int | None = None,
    *,
    reference_date: _dt.date | None = None,
) -> list[Quantity]:
    """Every number, amount, duration, percent, ordinal and date in ``text[start:end]``.

    Args:
        text: the whole text; offsets in the result index into it.
        start, end: the part of ``text`` to scan (a sentence, an article body).
        reference_date: the report's date, used to resolve "yesterday",
            "Tuesday", "18 March" and the like. Without it those still yield a
            ``date`` quantity whose value is ``None``.

    Returns:
        Quantities sorted by ``start``, never overlapping; where readings
        overlap the longest wins ("90-minute" is one duration, not a count).
    """
    if end is None or end > len(text):
        end = len(text)
    start = max(0, start)
    if start >= end:
        return []
    ref = reference_date
    if isinstance(ref, _dt.datetime):
        ref = ref.date()
    sc = _Scan(text, start, end, ref)

    # 1. Specific readings; the longest wins an overlap, then the kind's rank.
    cands: list[_Cand] = []
    raw_counts: list = []
    _numbers(sc, cands, raw_counts)
    _dates(sc, cands)
    _relative_dates(sc, cands)
    _word_durations(sc, cands)
    _ordinals(sc, cands)
    cands.sort(key=lambda c: (c[0] - c[1], _RANK[c[2]], c[0]))
    taken = _Spans()
    chosen: list[_Cand] = []
    for c in cands:
        if taken.add(c[0], c[1]) and c[2] is not None:
            chosen.append(c)

    # 2. Plain counts where nothing more specific was found.
    if raw_counts:
        chosen.extend(_resolve_counts(sc, raw_counts, taken))
    chosen.sort(key=lambda c: c[0])
    return [Quantity(k, s, e, text[s:e], v, u) for s, e, k, v, u in chosen]


def _date_range(value: str) -> tuple[_dt.date, _dt.date] | None:
    try:
        if "-W" in value:
            year, week = value.split("-W")
            lo = _dt.date.fromisocalendar(int(year), int(week), 1)
            return lo, lo + _dt.timedelta(days=6)
        if len(value) == 4:
            y = int(value)
            return _dt.date(y, 1, 1), _dt.date(y, 12, 31)
        if len(value) == 7:
            y, m = int(value[:4]), int(value[5:7])
            ny, nm = _shift_month(y, m, 1)
            return _dt.date(y, m, 1), _dt.date(ny, nm, 1) - _dt.timedelta(days=1)
        d = _dt.date.fromisoformat(value[:10])
        return d, d
    except ValueError:
        return None


def _noun_key(unit: str) -> str:
    u = unit.lower().strip()
    if u in _IRREGULAR_PLURALS:
        return _IRREGULAR_PLURALS[u]
    if u.endswith("ies") and len(u) > 4:
        return u[:-3] + "y"
    if u.endswith(("ches", "shes", "sses", "xes")):
        return u[:-2]
    if u.endswith("s") and not u.endswith("ss"):
        return u[:-1]
    return u


def same_value(a: Quantity, b: Quantity, *, rel_tol: float = 0.02) -> bool | None:
    """Whether two quantities state the same value; ``None`` if they cannot be compared.

    Not comparable: different kinds, a ``None`` value, different currencies or
    percent units, or counts/ordinals of different nouns. Dates are compared at
    the coarser precision: "2025-03" and "2025-03-18" agree (they overlap).
    Numbers agree within ``rel_tol``.

    Example:
        >>> hour = Quantity("duration", 0, 7, "an hour", 3600.0, "s")
        >>> same_value(hour, Quantity("duration", 0, 10, "60 minutes", 3600.0, "s"))
        True
    """
    if a.kind != b.kind or a.value is None or b.value is None:
        return None
    if a.kind == "date":
        ra, rb = _date_range(str(a.value)), _date_range(str(b.value))
        if ra is None or rb is None:
            return None
        return ra[0] <= rb[1] and rb[0] <= ra[1]
    if a.kind in ("money", "percent") and a.unit != b.unit:
        return None
    if a.kind in ("count", "ordinal") and a.unit and b.unit:
        if _noun_key(a.unit) != _noun_key(b.unit):
            return None
    try:
        x, y = float(a.value), float(b.value)
    except (TypeError, ValueError):
        return None
    return math.isclose(x, y, rel_tol=rel_tol, abs_tol=1e-9)


def _fmt(v: float) -> str:
    if abs(v - round(v)) < 1e-9:
        return f"{round(v):,}"
    return f"{v:,.2f}".rstrip("0").rstrip(".")


def _fmt_scaled(v: float) -> str:
    for scale, name in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if abs(v) >= scale:
            return f"{_fmt(v / scale)} {name}"
    return _fmt(v)


def _plural(n: float, word: str) -> str:
    if n == 1:
        return word
    return "centuries" if word == "century" else word + "s"


def _describe_duration(q: Quantity) -> str:
    secs = float(q.value)  # type: ignore[arg-type]
    m = re.search(_DUR_UNIT, q.text, re.I)
    if m:
        unit = _dur_unit(m.group("du"))
        n = secs / _DUR_SECONDS[unit]
        unit = _DUR_NAMES.get(unit, unit)
        if n >= 1 and abs(n * 2 - round(n * 2)) < 1e-9:
            return f"{_fmt(n)} {_plural(n, unit)}"
    for unit in ("year", "week", "day", "hour", "minute", "second"):
        n = secs / _DUR_SECONDS[unit]
        if n >= 1 and abs(n - round(n)) < 1e-9:
            return f"{_fmt(n)} {_plural(n, unit)}"
    return f"{_fmt(secs)} seconds"


def describe(q: Quantity) -> str:
    """Short human text for a quantity, for conflict details.

    Example:
        >>> describe(Quantity("money", 0, 12, "$2.5 billion", 2.5e9, "USD"))
        '$2.5 billion'
    """
    if q.value is None:
        return q.text
    if q.kind == "date":
        return str(q.value)
    v = float(q.value)
    if q.kind == "duration":
        return _describe_duration(q)
    if q.kind == "money":
        amount = _fmt_scaled(v)
        sym = _SYMBOLS.get(q.unit or "")
        return f"{sym}{amount}" if sym else f"{amount} {q.unit or ''}".strip()
    if q.kind == "percent":
        return f"{_fmt(v)}%" if q.unit in (None, "%") else f"{_fmt(v)} {q.unit}"
    if q.kind == "ordinal":
        n = round(v)
        sfx = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
        return f"{n}{sfx} {q.unit}" if q.unit else f"{n}{sfx}"
    amount = _fmt_scaled(v)
    return f"{amount} {q.unit}" if q.unit else amount


if __name__ == "__main__":  # a rough speed check: python -m newsweave.nlp.quantities
    import time

    _sample = [
        "The 90-minute meeting on Tuesday ended without a deal, two officials said.",
        "At least 15 bodies were recovered from the river on March 18, 2025.",
        "The company said revenue rose 12 percent to $2.5 billion last year.",
        "No one was hurt, but one of the three buses was badly damaged.",
        "Talks may resume next week in Geneva, according to a spokesperson.",
        "She served a two-year term and was re-elected in 2019 with 54% of the vote.",
        "Rescuers worked for an hour before the second team arrived yesterday.",
        "The ministry approved Rs 500 crore for 1,200 new classrooms in three states.",
    ]
    _ref = _dt.date(2025, 3, 20)
    _n = 20000
    _t = time.perf_counter()
    for _i in range(_n):
        extract_quantities(_sample[_i % len(_sample)], reference_date=_ref)
    _dt_s = time.perf_counter() - _t
    print(f"{_n / _dt_s:,.0f} sentences/s ({_dt_s / _n * 1e6:.1f} µs each)")
