"""A Markdown report: sources, the cited brief, and the claims grouped by status.

Report text is hostile and may hold Markdown or HTML: every piece of it goes through
:func:`escape`, which also keeps it on one line so it cannot break a table or a list.
"""

from __future__ import annotations

import re

from ..model import ClaimGroup, Comparison
from ._common import (
    article_map,
    brief_by_kind,
    brief_heading,
    brief_parts,
    claims_by_status,
    conflict_versions,
    count_label,
    independent_reports,
    number_citations,
    one_line,
    original_of,
    report_title,
    safe_url,
    source_labels,
    spaced,
    status_label,
    summary_counts,
    truncate,
)

# Quotes longer than this are cut in the citation list and conflict tables; a reader follows the
# offsets (or the HTML view) for the rest.
QUOTE_LIMIT = 300

# ASCII punctuation that is active somewhere in CommonMark/GFM (emphasis, links, code, HTML,
# entities, tables, strikethrough, headings). Backslash-escaping any ASCII punctuation is always
# allowed, so escaping a few too many is harmless.
_ACTIVE = re.compile(r"([\\`*_{}\[\]()<>#+!|~&$])")
# Line-start constructs that survive the character escapes: ordered list markers ("1." / "1)"),
# bullets and thematic breaks ("-"), block quotes are covered by ">" above.
_LEADING_LIST = re.compile(r"^(\d{1,9})([.)])")


def escape(text: str | None) -> str:
    """``text`` as literal Markdown on one line (safe in table cells and list items)."""
    if not text:
        return ""
    text = _ACTIVE.sub(r"\\\1", one_line(text))
    text = _LEADING_LIST.sub(r"\1\\\2", text)
    if text.startswith(("-", "=")):
        text = "\\" + text
    return text


def _link(label: str, url: str | None) -> str:
    """``label`` (already escaped) as a link when ``url`` is http(s); plain otherwise."""
    url = safe_url(url)
    if url is None:
        return label
    # Angle-bracket destinations allow any character but "<", ">" and newlines, which
    # safe_url has already refused; spaces and parentheses need no encoding there.
    return f"[{label}](<{url}>)"


def _quote(text: str | None) -> str:
    if text is None:
        return "*(span not in the report text)*"
    return f"“{escape(truncate(text, QUOTE_LIMIT))}”"


def _marked(version: dict) -> str:
    """A conflict version quoted, its differing words in bold."""
    parts, room = [], QUOTE_LIMIT
    for text, marked in version["segments"]:
        if room <= 0:
            break
        text = spaced(text)
        text = truncate(text, room) if len(text) > room else text
        room -= len(text)
        lead = " " if text.startswith(" ") else ""
        trail = " " if text.endswith(" ") and text.strip() else ""
        body = escape(text)
        parts.append(lead + (f"**{body}**" if marked and body else body) + trail)
    return "“" + "".join(parts).strip() + "”"


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(c if c else " " for c in cells) + " |"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = [_row(header), "|" + "|".join(" --- " for _ in header) + "|"]
    lines.extend(_row(r) for r in rows)
    return lines


def to_markdown(comparison: Comparison) -> str:
    """The comparison as a Markdown document (GitHub-flavoured tables).

    Sections: title and summary; sources table; the brief with ``[n]`` citation references and
    the list of cited sentences; the claims, conflicting first (conflict type, detail and each
    side's wording), then corroborated (independent source counts), then single-source claims
    under the outlet that alone reports them.
    """
    labels = source_labels(comparison)
    articles = article_map(comparison)
    out: list[str] = []

    # Title and summary.
    first_title = next((a.article.title for a in comparison.articles if a.article.title), None)
    out.append(f"# {escape(first_title) or 'News comparison'}")
    out.append("")
    counts = summary_counts(comparison)
    n_reports = len(comparison.articles)
    parts = [
        f"{n_reports} report{'s' if n_reports != 1 else ''} "
        f"({independent_reports(comparison)} independent)",
        f"{len(comparison.claims)} claim{'s' if len(comparison.claims) != 1 else ''}",
    ]
    parts += [count_label(k, n) for k, n in counts.items() if n and k != "conflicting"]
    out.append(" · ".join(parts))
    out.append("")

    # Sources.
    out.append("## Sources")
    out.append("")
    if comparison.articles:
        rows = []
        for a in comparison.articles:
            art = a.article
            original = comparison.copy_of.get(art.id)
            rows.append(
                [
                    f"`{art.id}`" if "`" not in art.id else escape(art.id),
                    escape(labels[art.id]) + (f" ({escape(art.owner)})" if art.owner else ""),
                    _link(escape(report_title(art)), art.url),
                    escape(art.dateline),
                    escape(art.published),
                    escape(labels.get(original, original)) if original else "",
                ]
            )
        out += _table(["", "Outlet", "Title", "Dateline", "Published", "Copy of"], rows)
    else:
        out.append("*No reports.*")
    out.append("")

    # The brief, with numbered citations.
    out.append("## Brief")
    out.append("")
    refs = number_citations(comparison, (item.citations for item in comparison.brief))
    number = {(r.article, r.start, r.end): r.number for r in refs}
    if comparison.brief:
        def line(item) -> str:  # noqa: ANN001 - a BriefItem
            marks = "".join(f" [{number[(c.article, c.start, c.end)]}]" for c in item.citations)
            return f"- {escape(item.text)}{marks}"

        for kind, items in brief_by_kind(comparison):
            out += [f"### {escape(brief_heading(kind))}", ""]
            for outlet, shown, folded in brief_parts(items):
                if outlet:
                    out += [f"**{escape(outlet)}**", ""]
                out += [line(item) for item in shown]
                if folded:
                    # GitHub and most viewers fold <details>; the rest show it all.
                    out += ["", f"<details><summary>{len(folded)} more</summary>", ""]
                    out += [line(item) for item in folded]
                    out += ["", "</details>"]
                out.append("")
        if refs:
            out += ["**Cited sentences**", ""]
            for r in refs:
                out.append(f"- [{r.number}] **{escape(r.label)}**: {_quote(r.quote)}")
            out.append("")
    else:
        out += ["*No brief.*", ""]

    # Claims by status.
    out.append("## Claims")
    out.append("")
    if not comparison.claims:
        out += ["*No claims.*", ""]
    for status, groups in claims_by_status(comparison):
        out += [f"### {escape(status_label(status))} ({len(groups)})", ""]
        if status == "conflicting":
            # One row per disagreement, each version with its differing words in bold.
            rows = [
                [
                    escape(g.id),
                    escape(g.text),
                    escape(c.type),
                    escape(c.detail),
                    "<br>".join(
                        f"{escape(labels.get(v['article'], v['article']))}: {_marked(v)}"
                        for v in conflict_versions(g, c, articles)
                    ),
                    str(g.independent_sources),
                ]
                for g in groups
                for c in g.conflicts
            ]
            out += _table(["", "Claim", "Conflict", "Detail", "Versions", "Sources"], rows)
            out.append("")
        elif status == "single_source":
            for outlet, outlet_groups in _by_outlet(comparison, groups, labels):
                out += [f"#### Only in {escape(outlet)}", ""]
                rows = [[escape(g.id), escape(g.text)] for g in outlet_groups]
                out += _table(["", "Claim"], rows)
                out.append("")
        else:
            rows = [
                [
                    escape(g.id),
                    escape(g.text),
                    str(g.independent_sources),
                    escape(", ".join(labels.get(a, a) for a in g.articles)),
                ]
                for g in groups
            ]
            out += _table(["", "Claim", "Sources", "Reported by"], rows)
            out.append("")

    if comparison.failures:
        out += ["## Inputs not read", ""]
        out += [f"- `{escape(f.source)}`: {escape(f.reason)}" for f in comparison.failures]
        out.append("")

    return "\n".join(out).rstrip("\n") + "\n"


def _by_outlet(
    comparison: Comparison, groups: list[ClaimGroup], labels: dict[str, str]
) -> list[tuple[str, list[ClaimGroup]]]:
    """Single-source claims under the label of the report they come from (copies fold in)."""
    buckets: dict[str, list[ClaimGroup]] = {}
    for g in groups:
        origin = original_of(comparison, g.articles[0]) if g.mentions else ""
        label = labels.get(origin, origin) or "an unknown report"
        buckets.setdefault(label, []).append(g)
    return list(buckets.items())


__all__ = ["escape", "to_markdown"]
