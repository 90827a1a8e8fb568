"""What every renderer needs to read a ``Comparison``: labels, grouping, spans, conflict sides."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..dedup import independent_sources
from ..model import Article, Citation, ClaimGroup, Comparison, Conflict, report_labels

# Order in which statuses are shown: disagreements first, they need the reader most.
STATUS_ORDER = ("conflicting", "corroborated", "single_source")
STATUS_LABEL = {
    "conflicting": "Conflicting",
    "corroborated": "Corroborated",
    "single_source": "Single source",
}

# Order of the parts of the brief (``BriefItem.kind``) and their headings.
BRIEF_ORDER = ("lead", "conflict", "corroborated", "single_source")
BRIEF_HEADING = {
    "lead": "In brief",
    "conflict": "Where the reports differ",
    "corroborated": "Also confirmed by more than one source",
    "single_source": "Reported by one outlet only",
}


def status_label(status: str) -> str:
    return STATUS_LABEL.get(status, status.replace("_", " ").capitalize() or "Unknown")


def source_labels(comparison: Comparison) -> dict[str, str]:
    """A distinct short name per article id (``model.report_labels``)."""
    return report_labels([a.article for a in comparison.articles])


def report_title(art: Article) -> str:
    """What a sources table shows as a report's title: its title, else where it came from
    ("untitled: report.txt"), so that reports of unknown outlets can be told apart."""
    if art.title:
        return art.title
    where = (art.path or "").replace("\\", "/").rsplit("/", 1)[-1] or art.url
    return f"untitled: {where}" if where else "untitled"


def article_map(comparison: Comparison) -> dict[str, Article]:
    return {a.article.id: a.article for a in comparison.articles}


def claims_by_status(comparison: Comparison) -> list[tuple[str, list[ClaimGroup]]]:
    """Claim groups bucketed by status in :data:`STATUS_ORDER`, unknown statuses last.

    Order within a bucket is the comparison's order; empty buckets are left out.
    """
    buckets: dict[str, list[ClaimGroup]] = {s: [] for s in STATUS_ORDER}
    for group in comparison.claims:
        buckets.setdefault(group.status, []).append(group)
    return [(status, groups) for status, groups in buckets.items() if groups]


def brief_by_kind(comparison: Comparison) -> list[tuple[str, list]]:
    """Brief items bucketed by ``kind`` in :data:`BRIEF_ORDER`, unknown kinds last."""
    buckets: dict[str, list] = {k: [] for k in BRIEF_ORDER}
    for item in comparison.brief:
        buckets.setdefault(item.kind or "corroborated", []).append(item)
    return [(kind, items) for kind, items in buckets.items() if items]


def brief_parts(items: list) -> list[tuple[str | None, list, list]]:
    """A brief section's items as ``(outlet, shown, folded)`` parts: one part per
    outlet for single-source facts (``outlet`` set), else one part (``None``).
    ``folded`` are the items behind a "more" link."""
    parts: dict[str | None, tuple[list, list]] = {}
    for item in items:
        shown, folded = parts.setdefault(item.outlet if item.kind == "single_source" else None,
                                         ([], []))
        (folded if item.more else shown).append(item)
    return [(outlet, shown, folded) for outlet, (shown, folded) in parts.items()]


def brief_heading(kind: str) -> str:
    return BRIEF_HEADING.get(kind, kind.replace("_", " ").capitalize())


def css_token(value: str | None) -> str:
    """A value as a class-name token (statuses come from our code, but never trust)."""
    return "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in (value or "")) or "unknown"


def brief_sections(
    comparison: Comparison,
    articles: dict[str, Article],
    labels: dict[str, str],
    *,
    href: Callable[[Citation, bool], str | None],
    quote_limit: int,
) -> list[dict]:
    """The brief as the HTML report and the web page show it: sections by kind, each entry
    with its citations (report id, source label, link, the quoted sentence, the cited
    claim's id).

    ``href(citation, found)`` links a citation; ``found`` is false when its span is not in
    the article text (the page may still link the article, the report cannot).
    """
    cite_claim = citation_claims(comparison)

    def entry(item) -> dict:  # noqa: ANN001 - a BriefItem
        cites = []
        for c in item.citations:
            quote = span_text(articles, c.article, c.start, c.end)
            cites.append(
                {
                    "article": c.article,
                    "label": labels.get(c.article, c.article),
                    "href": href(c, quote is not None),
                    "quote": truncate(quote, quote_limit) if quote else "",
                    "claim": cite_claim.get((c.article, c.start, c.end), ""),
                }
            )
        return {"text": item.text, "outlet": item.outlet, "kind": css_token(item.kind),
                "cites": cites}

    sections = []
    for kind, items in brief_by_kind(comparison):
        parts = [
            {"outlet": outlet, "entries": [entry(i) for i in shown],
             "more": [entry(i) for i in folded]}
            for outlet, shown, folded in brief_parts(items)
        ]
        sections.append({
            "kind": css_token(kind), "heading": brief_heading(kind), "parts": parts,
            # One flat list, for renderers that show the section whole.
            "entries": [e for p in parts for e in p["entries"] + p["more"]],
        })
    return sections


def span_text(articles: dict[str, Article], article_id: str, start: int, end: int) -> str | None:
    """``text[start:end]`` of an article, or ``None`` when the article or span is not there."""
    art = articles.get(article_id)
    if art is None or not 0 <= start <= end <= len(art.text):
        return None
    return art.text[start:end]


def one_line(text: str) -> str:
    """Collapse every run of whitespace (newlines included) to one space."""
    return " ".join(text.split())


def spaced(text: str) -> str:
    """Every run of whitespace as one space, keeping a leading or trailing one (a piece of a
    line, unlike :func:`one_line`)."""
    return re.sub(r"\s+", " ", text)


def truncate(text: str, limit: int) -> str:
    """``text`` on one line, cut at a word boundary to at most ``limit`` characters."""
    text = one_line(text)
    if len(text) <= limit:
        return text
    cut = text[: max(limit - 1, 1)]
    space = cut.rfind(" ")
    # Only back up to a word boundary when that loses little; a long token is cut mid-word.
    if space >= limit * 0.6:
        cut = cut[:space]
    return cut.rstrip(" ,;:") + "…"


_URL_ENCODE = {ch: f"%{ord(ch):02X}" for ch in " \"<>`\\^{|}'"}


def safe_url(url: str | None) -> str | None:
    """``url`` when it is an absolute http(s) URL fit to render as a link, else ``None``."""
    if not url:
        return None
    url = url.strip()
    if any(ord(ch) < 0x20 or ch == "\x7f" for ch in url):
        return None
    # Characters that RFC 3986 does not allow but pages put in links anyway: percent-encode
    # them, so the URL survives Markdown's <...> destinations and reads unambiguously.
    url = "".join(_URL_ENCODE.get(ch, ch) for ch in url)
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


def original_of(comparison: Comparison, article_id: str) -> str:
    """The id of the article ``article_id`` is a copy of (itself when it is no copy)."""
    seen = {article_id}
    while article_id in comparison.copy_of:
        article_id = comparison.copy_of[article_id]
        if article_id in seen:  # a cycle would be a dedup bug; do not loop on it
            break
        seen.add(article_id)
    return article_id


def conflict_anchor(group: ClaimGroup, conflict: Conflict) -> str | None:
    """The article on the claim's own side of ``conflict``.

    ``Conflict`` does not say which of its mentions agree with each other, so the convention is:
    the claim's first mentioning article (whose wording the canonical text is taken from) when
    it takes part in the conflict, else the conflict's first mention. Every other article in the
    conflict is on the other side.
    """
    if not conflict.mentions:
        return None
    in_conflict = {m.article for m in conflict.mentions}
    if group.mentions and group.mentions[0].article in in_conflict:
        return group.mentions[0].article
    return conflict.mentions[0].article


def other_side(group: ClaimGroup) -> set[str]:
    """Articles whose mention is on the other side of one of the claim's conflicts."""
    against: set[str] = set()
    for conflict in group.conflicts:
        anchor = conflict_anchor(group, conflict)
        against.update(m.article for m in conflict.mentions if m.article != anchor)
    return against


def citation_claims(comparison: Comparison) -> dict[tuple[str, int, int], str]:
    """Map each brief citation ``(article, start, end)`` to the claim whose mention covers it best.

    An exact span match wins; otherwise the mention overlapping the cited span the most (ties go
    to the earlier claim). Citations that overlap no mention are left out.
    """
    by_article: dict[str, list[tuple[int, int, str]]] = {}
    for group in comparison.claims:
        for m in group.mentions:
            by_article.setdefault(m.article, []).append((m.start, m.end, group.id))
    out: dict[tuple[str, int, int], str] = {}
    for item in comparison.brief:
        for c in item.citations:
            key = (c.article, c.start, c.end)
            if key in out:
                continue
            best: tuple[int, str] | None = None
            for start, end, claim_id in by_article.get(c.article, ()):
                if (start, end) == (c.start, c.end):
                    best = (1 << 62, claim_id)
                    break
                overlap = min(end, c.end) - max(start, c.start)
                if overlap > 0 and (best is None or overlap > best[0]):
                    best = (overlap, claim_id)
            if best is not None:
                out[key] = best[1]
    return out


@dataclass(slots=True)
class CitationRef:
    """One numbered reference to a sentence of a report."""

    number: int
    article: str
    start: int
    end: int
    label: str
    quote: str | None  # the cited text, ``None`` when the span is not in the article


def number_citations(
    comparison: Comparison, items: Iterable[Sequence[Citation]]
) -> list[CitationRef]:
    """Number the distinct citations of ``items`` in order of first use (from 1)."""
    labels = source_labels(comparison)
    articles = article_map(comparison)
    refs: dict[tuple[str, int, int], CitationRef] = {}
    for citations in items:
        for c in citations:
            key = (c.article, c.start, c.end)
            if key not in refs:
                refs[key] = CitationRef(
                    number=len(refs) + 1,
                    article=c.article,
                    start=c.start,
                    end=c.end,
                    label=labels.get(c.article, c.article),
                    quote=span_text(articles, c.article, c.start, c.end),
                )
    return list(refs.values())


def summary_counts(comparison: Comparison) -> dict[str, int]:
    """Claims per status, and under ``conflicts`` the disagreements: one per conflict, the
    number every view shows (a claim may hold more than one)."""
    counts = {s: 0 for s in STATUS_ORDER}
    for group in comparison.claims:
        counts[group.status] = counts.get(group.status, 0) + 1
    counts["conflicts"] = sum(len(g.conflicts) for g in comparison.claims)
    return counts


def count_label(key: str, n: int) -> str:
    """"3 corroborated", "1 conflict", "2 conflicts" for a key of :func:`summary_counts`."""
    if key == "conflicts":
        return f"{n} conflict{'s' if n != 1 else ''}"
    return f"{n} {status_label(key).lower()}"


def independent_reports(comparison: Comparison) -> int:
    """How many independent sources the reports are (``dedup.independent_sources``: a
    copy counts as its original; reports of one owner, else of one outlet, once)."""
    articles = [a.article for a in comparison.articles]
    return len(set(independent_sources(articles, comparison.copy_of).values()))


_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
#: Words too common to be "the difference" between two versions of a fact.
_PLAIN = frozenset("""a an the and or but of to in on at for by with from as is are was were be
been has have had it its this that these those he she they his her their said says not""".split())


def conflict_versions(
    group: ClaimGroup, conflict: Conflict, articles: dict[str, Article]
) -> list[dict]:
    """Each side of a conflict as a reader should see it: the sentence that states it, with
    the differing words marked.

    A number, date or role conflict names its words (the amount, the title): the side shows
    the claim mention around them with those words marked. A conflict over a whole statement
    (negation, attribution, framing) marks the words one side has and the others lack.

    Returns one dict per mention: ``article``, ``start``, ``end`` (of the shown text),
    ``text`` and ``segments`` (``(text, marked)`` pairs that join to ``text``).
    """
    sides = []
    for m in conflict.mentions:
        holder = next(
            (x for x in group.mentions
             if x.article == m.article and x.start <= m.start and m.end <= x.end
             and (x.start, x.end) != (m.start, m.end)),
            None,
        )
        shown = holder or m
        text = span_text(articles, shown.article, shown.start, shown.end)
        if text is None:
            text = shown.text or m.text or ""
        marks = [(m.start - shown.start, m.end - shown.start)] if holder else None
        sides.append({"article": m.article, "start": shown.start, "end": shown.end,
                      "text": text, "marks": marks})
    for side in sides:
        if side["marks"] is not None:
            continue
        others = set()
        for o in sides:
            if o is not side:
                others |= {w.lower() for w in _WORD.findall(o["text"])}
        side["marks"] = [
            (w.start(), w.end()) for w in _WORD.finditer(side["text"])
            if w.group().lower() not in others and w.group().lower() not in _PLAIN
        ] if others else []
    out = []
    for side in sides:
        text, segments, at = side["text"], [], 0
        for lo, hi in sorted(side.pop("marks")):
            lo, hi = max(lo, at), min(hi, len(text))
            if hi <= lo:
                continue
            if lo > at:
                segments.append((text[at:lo], False))
            segments.append((text[lo:hi], True))
            at = hi
        if at < len(text):
            segments.append((text[at:], False))
        side["segments"] = segments
        out.append(side)
    return out
