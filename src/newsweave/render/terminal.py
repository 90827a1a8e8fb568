"""The rich console view: sources, the brief, a claim-by-outlet grid, and the conflicts.

Report text reaches rich only inside ``Text`` objects, never as a markup string, so a report
that contains ``[bold]`` or ``[link=...]`` prints as written. Control characters in it (an
escape sequence that clears the screen or retitles the window) never reach the terminal:
``visible`` removes them, and ``terminal_console`` applies it to everything a console prints.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from rich import box
from rich.console import Console, ConsoleOptions, RenderableType, RenderHook
from rich.padding import Padding
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

from ..model import Comparison
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
    other_side,
    report_title,
    source_labels,
    spaced,
    status_label,
    summary_counts,
    truncate,
)

# Claim text in the grid is cut to this many characters; the full wording is in JSON/HTML.
CLAIM_LIMIT = 110
# Conflicting spans are quoted up to this many characters.
SPAN_LIMIT = 220
# Cited sentences under the brief.
QUOTE_LIMIT = 160
# An outlet column never grows past this; long outlet names are ellipsised in the header.
OUTLET_WIDTH = 14
# ... and never shrinks below this (room for "✓" and a two-letter name start).
OUTLET_MIN = 3
# The claim column keeps at least this many cells while outlet columns shrink.
CLAIM_MIN = 24
# Below this console width, statuses use their short names.
NARROW = 90

STATUS_LABEL = {
    "conflicting": "Conflicting",
    "corroborated": "Corroborated",
    "single_source": "Single source",
}
STATUS_SHORT = {"conflicting": "conflict", "corroborated": "agreed", "single_source": "single"}
STATUS_STYLE = {
    "conflicting": "bold red",
    "corroborated": "green",
    "single_source": "yellow",
}


# What a terminal acts on rather than shows: the C0 controls (ESC starts the sequences that
# clear the screen, retitle the window or hide a link; CR rewrites the line), DEL, and the C1
# controls (U+009B is CSI by itself on some terminals). Tab and newline are layout and stay.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def visible(text: str) -> str:
    """``text`` without the control characters a terminal would act on.

    They are removed rather than replaced: rich measures them as zero cells wide, so removing
    them after the layout keeps tables aligned. What is left of a sequence (``[2J``) shows as
    plain text, so the reader still sees that something was there.
    """
    return _CONTROL.sub("", text)


class _Visible:
    """A renderable printed with ``visible`` applied to its text segments.

    Control segments are rich's own (cursor moves of a progress bar), never report text.
    """

    def __init__(self, renderable: RenderableType) -> None:
        self.renderable = renderable

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Segment]:
        for segment in console.render(self.renderable, options):
            if segment.control or not _CONTROL.search(segment.text):
                yield segment
            else:
                yield Segment(visible(segment.text), segment.style)


class _VisibleOnly(RenderHook):
    """Wraps everything a console prints in ``_Visible``: the one place, for every path."""

    def process_renderables(self, renderables: list[Any]) -> list[Any]:
        return [_Visible(r) for r in renderables]


def terminal_console(**kwargs: Any) -> Console:
    """A rich ``Console`` (same arguments) that never prints a control character from the
    data it is given; styles, which rich writes itself, still work."""
    console = Console(**kwargs)
    console.push_render_hook(_VisibleOnly())
    return console


def _t(value: object, style: str = "") -> Text:
    """Any value as plain text (no markup parsing)."""
    return Text("" if value is None else str(value), style=style)


def _hanging() -> Table:
    """A two-column grid: a marker, then text whose wrapped lines stay indented."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1, overflow="fold")
    return grid


def render(comparison: Comparison, console: Console) -> None:
    """Print the comparison to ``console``.

    Sections: a summary line; the sources table; the brief with numbered citations and the
    cited sentences; a claim table (one row per claim group, one column per report: ✓ the
    report states the claim, ✗ its version is on the other side of a conflict, blank when it is
    silent) with status and independent source count; then every conflict with its type, its
    detail and each side's span. Control characters in the reports are not printed, whatever
    ``console`` is.
    """
    console.push_render_hook(_VisibleOnly())
    try:
        _render(comparison, console)
    finally:
        console.pop_render_hook()


def _render(comparison: Comparison, console: Console) -> None:
    labels = source_labels(comparison)
    articles = article_map(comparison)
    order = [a.article.id for a in comparison.articles]

    # Summary.
    counts = summary_counts(comparison)
    summary = Text()
    summary.append("newsweave ", style="bold")
    n = len(order)
    summary.append(f"{n} report{'s' if n != 1 else ''}, ")
    summary.append(f"{independent_reports(comparison)} independent · ")
    summary.append(f"{len(comparison.claims)} claim{'s' if len(comparison.claims) != 1 else ''}")
    for key, count in counts.items():
        if count and key != "conflicting":
            summary.append(" · ")
            style = STATUS_STYLE.get("conflicting" if key == "conflicts" else key, "")
            summary.append(count_label(key, count), style)
    console.print(summary)
    console.print()

    # Sources. Narrow consoles drop the dateline and fold "copy of" into the outlet cell.
    narrow = console.width < NARROW
    if comparison.articles:
        sources = Table(title="Sources", title_justify="left", box=box.SIMPLE_HEAD)
        sources.add_column("Outlet", style="bold", overflow="fold", ratio=1)
        sources.add_column("Title", overflow="fold", ratio=2)
        if not narrow:
            sources.add_column("Dateline", overflow="fold")
        sources.add_column("Published", no_wrap=True, overflow="ellipsis")
        if not narrow:
            sources.add_column("Copy of", overflow="fold", style="yellow")
        for art_id in order:
            art = articles[art_id]
            original = comparison.copy_of.get(art_id)
            copy_label = labels.get(original, original) if original else None
            outlet = _t(labels[art_id])
            if art.owner:
                outlet.append(f"\n{visible(art.owner)}", style="not bold dim")
            if narrow and copy_label:
                outlet.append(f"\ncopy of {copy_label}", style="not bold yellow")
            cells = [outlet, _t(report_title(art))]
            if not narrow:
                cells.append(_t(art.dateline))
            cells.append(_t(art.published))
            if not narrow:
                cells.append(_t(copy_label))
            sources.add_row(*cells)
        console.print(sources)
    else:
        console.print(Text("No reports.", style="dim"))
    console.print()

    # The brief.
    console.rule(Text("Brief", style="bold"), align="left")
    # A terminal shows what a reader takes in at a glance; the folded rest is
    # in the other formats.
    shown_brief = [item for item in comparison.brief if not item.more]
    refs = number_citations(comparison, (item.citations for item in shown_brief))
    number = {(r.article, r.start, r.end): r.number for r in refs}
    if comparison.brief:
        for kind, items in brief_by_kind(comparison):
            console.print(Text(brief_heading(kind), style="bold underline"))
            for outlet, shown, folded in brief_parts(items):
                if outlet:
                    console.print(Text(f"  {outlet}", style="bold"))
                bullets = _hanging()
                for item in shown:
                    line = Text(item.text)
                    for c in item.citations:
                        line.append(f" [{number[(c.article, c.start, c.end)]}]", style="cyan")
                    bullets.add_row(Text("•"), line)
                if folded:
                    bullets.add_row(Text(""), Text(
                        f"… and {len(folded)} more (--format html or markdown shows them)",
                        style="dim"))
                console.print(bullets)
        if refs:
            console.print()
            notes = _hanging()
            for r in refs:
                line = Text(r.label, style="bold")
                line.append(": ")
                if r.quote is None:
                    line.append("(span not in the report text)", style="dim")
                else:
                    line.append(f"“{truncate(r.quote, QUOTE_LIMIT)}”", style="dim")
                notes.add_row(Text(f"[{r.number}]", style="cyan"), line)
            console.print(notes)
    else:
        console.print(Text("No brief.", style="dim"))
    console.print()

    # Claims: one row per group, one column per report.
    console.rule(Text("Claims", style="bold"), align="left")
    if not comparison.claims:
        console.print(Text("No claims.", style="dim"))
        return
    names = STATUS_SHORT if narrow else STATUS_LABEL
    id_width = max(len(g.id) for g in comparison.claims)
    status_width = max(len(names.get(g.status, g.status)) for g in comparison.claims)
    # Each column costs its width plus two cells of padding; the claim text gets what the
    # outlet columns leave, and outlet columns shrink (ellipsised headers) to keep it readable.
    fixed = id_width + status_width + 3 + 2 * (len(order) + 4)
    room = console.width - fixed - CLAIM_MIN
    outlet_width = max(OUTLET_MIN, min(OUTLET_WIDTH, room // max(len(order), 1)))
    grid = Table(box=box.SIMPLE_HEAD, expand=True, pad_edge=False, collapse_padding=True)
    grid.add_column("", style="dim", no_wrap=True, width=id_width)
    grid.add_column("Claim", ratio=1, overflow="fold")
    for art_id in order:
        label = labels[art_id]
        grid.add_column(
            _t(label),
            justify="center",
            no_wrap=True,
            overflow="ellipsis",
            width=min(outlet_width, max(len(label), OUTLET_MIN)),
        )
    if any(len(labels[a]) > outlet_width for a in order):
        key = Text("Columns: ", style="dim")
        for i, art_id in enumerate(order):
            key.append(" · " if i else "", style="dim")
            key.append(labels[art_id], style="dim")
        grid.caption = key
        grid.caption_justify = "left"
    grid.add_column("Status", no_wrap=True, overflow="ellipsis", width=status_width)
    grid.add_column("Src", justify="right", no_wrap=True, width=3)
    for status, groups in claims_by_status(comparison):
        for g in groups:
            against = other_side(g)
            mentioned = set(g.articles)
            cells = [
                Text("✗", style="bold red")
                if a in against
                else Text("✓", style="green")
                if a in mentioned
                else Text("")
                for a in order
            ]
            grid.add_row(
                _t(g.id),
                _t(truncate(g.text, CLAIM_LIMIT)),
                *cells,
                _t(names.get(status, status_label(status)), STATUS_STYLE.get(status, "")),
                _t(g.independent_sources),
            )
    console.print(grid)

    # Conflicts.
    conflicting = [g for g in comparison.claims if g.conflicts]
    if not conflicting:
        return
    console.print()
    console.rule(Text("Conflicts", style="bold red"), align="left")
    for g in conflicting:
        against = other_side(g)
        for c in g.conflicts:
            head = Text()
            head.append(f"{g.id} ", style="dim")
            head.append(c.type, style="bold red")
            if c.detail:
                head.append(": ")
                head.append(c.detail, style="bold")
            console.print(head)
            console.print(
                Padding(Text(truncate(g.text, CLAIM_LIMIT), style="italic"), (0, 0, 0, 2))
            )
            for v in conflict_versions(g, c, articles):
                side = v["article"] in against
                line = Text()
                line.append("✗ " if side else "✓ ", "bold red" if side else "green")
                line.append(labels.get(v["article"], v["article"]), style="bold")
                line.append(f" [{v['start']}:{v['end']}]: ", style="dim")
                line.append("“")
                room = SPAN_LIMIT
                for t, marked in v["segments"]:
                    t = spaced(t)
                    if room <= 0:
                        break
                    piece = truncate(t, room) if len(t) > room else t
                    room -= len(piece)
                    line.append(piece, style="bold red" if marked else "")
                line.append("”")
                console.print(Padding(line, (0, 0, 0, 4)))
            console.print()


__all__ = ["render", "terminal_console", "visible"]
