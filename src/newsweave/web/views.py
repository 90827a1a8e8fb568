"""What the pages show, as plain values: built from a story's cached comparison and its reports.

Everything here is data for autoescaping templates: texts stay unescaped strings, links are
built from ids the app made (``/articles/{id}``) or passed through ``safe_url`` (http(s) only).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any
from urllib.parse import quote

from ..model import (
    AnalyzedArticle,
    Article,
    BriefItem,
    Citation,
    ClaimGroup,
    Comparison,
    Conflict,
    Mention,
)
from ..outlets import outlet_key
from ..render._common import (
    STATUS_ORDER,
    brief_sections,
    conflict_anchor,
    conflict_versions,
    css_token,
    one_line,
    original_of,
    other_side,
    safe_url,
    source_labels,
    spaced,
    status_label,
)
from ..render.html import segments

# Brief citations quote the cited sentence in their preview up to this many characters.
QUOTE_LIMIT = 400
# Rows of the claim matrix: a story of dozens of reports has hundreds of claims, and the
# single-source ones, ranked last, are all listed under "what only one outlet reports".
MATRIX_ROWS = 150
# Entity kinds shown as "people and organisations", with their headings.
ENTITY_KINDS = {"PERSON": "Person", "ORG": "Organisation"}
# The timeline chart's geometry, in SVG user units (the chart scales to its box).
CHART_WIDTH = 760
CHART_LABEL_WIDTH = 180
CHART_ROW = 30
CHART_TOP = 14
CHART_BOTTOM = 30
CHART_RIGHT = 24
# Characters of an outlet name shown in the chart before it is cut.
CHART_LABEL_CHARS = 22
# The coverage bars: width and height in SVG user units (a bar scales to its box), and
# how many colours its known segments cycle through (``seg-0`` ... in app.css); the
# unknown segment is always the neutral grey ``seg-unknown``.
BAR_WIDTH = 600
BAR_HEIGHT = 20
BAR_COLOURS = 6
# The coverage dimensions: the key in ``coverage``, the registry field, the heading.
COVERAGE_DIMENSIONS = (("owners", "owner", "By owner"), ("countries", "country", "By country"),
                       ("leans", "lean", "By lean"))
# Marks the search snippets use around matched words: private-use characters, which
# news text does not contain, so a report cannot fake a highlight.
HIT_OPEN, HIT_CLOSE = "\ue000", "\ue001"


def article_href(article_id: str, span: tuple[int, int] | None = None) -> str:
    """The report page of an article; with a span, that span highlighted and scrolled to."""
    base = _article_base(article_id)
    if span is None:
        return base
    return f"{base}?hl={int(span[0])}-{int(span[1])}#cited"


@lru_cache(maxsize=4096)
def _article_base(article_id: str) -> str:
    return f"/articles/{quote(article_id, safe='')}"


def story_href(story_id: str, claim: str | None = None) -> str:
    base = f"/stories/{quote(story_id, safe='')}"
    return f"{base}#claim-{claim}" if claim else base


def outlet_href(outlet_id: str) -> str:
    """The page of an outlet (ids are domains or name keys; quoted all the same)."""
    return f"/outlets/{quote(outlet_id, safe='')}"


def comparison_from_data(data: dict[str, Any], articles: dict[str, Article]) -> Comparison:
    """Rebuild a ``Comparison`` from its cached JSON and the stored reports (their texts).

    Articles of the JSON missing from ``articles`` (deleted since) are left out, with every
    span that points into them.
    """
    present = [a["id"] for a in data.get("articles", []) if a["id"] in articles]
    keep = set(present)

    def mentions(items: list[dict[str, Any]]) -> list[Mention]:
        return [
            Mention(m["article"], m["start"], m["end"], m.get("text", ""))
            for m in items
            if m["article"] in keep
        ]

    claims = []
    for c in data.get("claims", []):
        ms = mentions(c["mentions"])
        if not ms:
            continue
        conflicts = [
            Conflict(k["type"], k.get("detail", ""), mentions(k["mentions"]))
            for k in c.get("conflicts", [])
        ]
        claims.append(
            ClaimGroup(
                c["id"], c["status"], c["independent_sources"], c["text"], ms,
                [k for k in conflicts if k.mentions],
            )
        )
    brief = [
        BriefItem(
            b["text"],
            [Citation(x["article"], x["start"], x["end"]) for x in b["citations"]
             if x["article"] in keep],
            b.get("kind") or "corroborated",
            b.get("outlet"),
            bool(b.get("more")),
        )
        for b in data.get("brief", [])
    ]
    copy_of = {
        a["id"]: a["copy_of"]
        for a in data.get("articles", [])
        if a.get("copy_of") and a["id"] in keep and a["copy_of"] in keep
    }
    return Comparison(
        articles=[AnalyzedArticle(articles[i]) for i in present],
        claims=claims,
        brief=brief,
        copy_of=copy_of,
    )


# --- the stories page ---------------------------------------------------------------------------


def hit_parts(snippet: str) -> list[tuple[str, bool]]:
    """A search snippet as ``(text, matched)`` runs, split at the private-use marks."""
    parts: list[tuple[str, bool]] = []
    for i, chunk in enumerate(snippet.split(HIT_OPEN)):
        if i == 0:
            parts.append((chunk, False))
            continue
        matched, _, rest = chunk.partition(HIT_CLOSE)
        parts.append((matched, True))
        parts.append((rest, False))
    return [(text, hit) for text, hit in parts if text]


# --- a story ------------------------------------------------------------------------------------


def story_view(
    summary: dict[str, Any], data: dict[str, Any], articles: list[Article]
) -> dict[str, Any]:
    """Everything the story page shows."""
    by_id = {a.id: a for a in articles}
    comparison = comparison_from_data(data, by_id)
    labels = source_labels(comparison)
    texts = {a.article.id: a.article for a in comparison.articles}
    order = [a.article.id for a in comparison.articles]

    columns = [
        {
            "id": aid,
            "label": labels[aid],
            "href": article_href(aid),
            "is_copy": original_of(comparison, aid) != aid,
            "published": by_id[aid].published,
        }
        for aid in order
    ]

    brief = brief_sections(
        comparison,
        texts,
        labels,
        # A span not found in the text still opens its report, unhighlighted.
        href=lambda c, found: article_href(c.article, (c.start, c.end) if found else None),
        quote_limit=QUOTE_LIMIT,
    )
    _mark_brief(brief, comparison, texts)

    ranked = sorted(
        comparison.claims,
        key=lambda g: (
            STATUS_ORDER.index(g.status) if g.status in STATUS_ORDER else len(STATUS_ORDER),
            -g.independent_sources,
        ),
    )
    rows = []
    for g in ranked[:MATRIX_ROWS]:
        against = other_side(g)
        first: dict[str, Mention] = {}
        for m in g.mentions:
            first.setdefault(m.article, m)
        cells = []
        for aid in order:
            m = first.get(aid)
            if m is None:
                cells.append(_SILENT)
                continue
            state = "contradicts" if aid in against else "reports"
            cells.append((state, article_href(aid, (m.start, m.end))))
        rows.append(
            {
                "id": g.id,
                "text": g.text,
                "status": css_token(g.status),
                "status_label": status_label(g.status),
                "sources": g.independent_sources,
                "cells": cells,
                "marks": one_side_marks(comparison, [m.article for m in g.mentions], texts),
            }
        )

    conflicts = []
    for g in ranked:
        for k in g.conflicts:
            anchor = conflict_anchor(g, k)
            sides: list[list[dict[str, Any]]] = [[], []]
            for v in conflict_versions(g, k, texts):
                sides[0 if v["article"] == anchor else 1].append(
                    {
                        "label": labels.get(v["article"], v["article"]),
                        "text": one_line(v["text"]),
                        "segments": [(spaced(t), marked)
                                     for t, marked in v["segments"]],
                        "href": article_href(v["article"], (v["start"], v["end"])),
                    }
                )
            conflicts.append(
                {
                    "claim": g.id,
                    "claim_text": g.text,
                    "type": css_token(k.type),
                    "detail": k.detail,
                    "left": sides[0],
                    "right": sides[1],
                }
            )

    alone: dict[str, dict[str, Any]] = {}
    for g in ranked:
        if g.status != "single_source":
            continue
        originals = {original_of(comparison, m.article) for m in g.mentions}
        if len(originals) != 1:
            continue
        (source,) = originals
        m = next((m for m in g.mentions if m.article == source), g.mentions[0])
        entry = alone.setdefault(
            source,
            {"label": labels.get(source, source), "href": article_href(source), "claims": []},
        )
        entry["claims"].append(
            {"id": g.id, "text": g.text, "href": article_href(m.article, (m.start, m.end))}
        )

    return {
        "summary": summary,
        "columns": columns,
        "brief_sections": brief,
        "rows": rows,
        "rows_left_out": max(0, len(ranked) - MATRIX_ROWS),
        "conflicts": conflicts,
        "alone": [alone[a] for a in order if a in alone],
        "timeline": timeline(articles, labels),
        "entities": entities_view(data.get("entities", []), labels, texts),
        "n_claims": len(comparison.claims),
    }


# --- who covered a story --------------------------------------------------------------------


def _outlet_of(article: Article) -> str:
    """The key an article counts under as an outlet: its outlet id, else the report
    alone (nothing says two reports of no known outlet share one)."""
    return "outlet:" + article.outlet_id if article.outlet_id else "report:" + article.id


def _same(value: str) -> str:
    """A registry value compared with others: "Brannock Media" is "brannock media"."""
    return outlet_key(value) or value


def coverage(articles: list[Article]) -> dict[str, Any]:
    """Who covered a story: its outlets counted by owner, by country and by lean.

    The one computation behind the story page's coverage bars and the API's
    ``coverage`` object. Each outlet counts once whatever its reports (a copy is
    coverage by the outlet that ran it); a report with no known outlet counts as an
    outlet of its own with nothing known of it. Each dimension is a list of
    ``{"value", "outlets", "reports"}``, most outlets first, the outlets the registry
    says nothing of last with ``value`` None. ``only_lean`` (``only_country``) is the
    one lean (country) of every outlet whose lean (country) is known, when at least
    one is known and they agree; else None.
    """
    first: dict[str, Article] = {}
    reports: dict[str, int] = {}
    for a in articles:
        key = _outlet_of(a)
        first.setdefault(key, a)
        reports[key] = reports.get(key, 0) + 1
    out: dict[str, Any] = {"outlets": len(first)}
    for plural, attr, _ in COVERAGE_DIMENSIONS:
        slices: dict[str | None, dict[str, Any]] = {}
        for key, a in first.items():
            value = getattr(a, attr)
            group = _same(value) if value else None
            entry = slices.setdefault(group, {"value": value, "outlets": 0, "reports": 0})
            entry["outlets"] += 1
            entry["reports"] += reports[key]
        known = sorted((v for k, v in slices.items() if k is not None),
                       key=lambda v: (-v["outlets"], -v["reports"], v["value"].casefold()))
        out[plural] = known + ([slices[None]] if None in slices else [])
    out["only_lean"] = _only(out["leans"])
    out["only_country"] = _only(out["countries"])
    return out


def _only(slices: list[dict[str, Any]]) -> str | None:
    known = [s for s in slices if s["value"] is not None]
    return known[0]["value"] if len(known) == 1 else None


def _outlets(n: int) -> str:
    return f"{n} outlet{'s' if n != 1 else ''}"


def coverage_view(cov: dict[str, Any]) -> dict[str, Any]:
    """The story page's coverage section: a stacked bar per dimension the registry knows
    anything of (geometry computed here: no script, no inline style), with its legend,
    and the "Covered only by" sentences."""
    bars = []
    missing = []
    for plural, attr, heading in COVERAGE_DIMENSIONS:
        slices = cov[plural]
        if all(s["value"] is None for s in slices):
            missing.append(attr)
            continue  # nothing known: no bar of one grey segment
        total = sum(s["outlets"] for s in slices)
        segments = []
        x = 0.0
        for i, s in enumerate(slices):
            width = BAR_WIDTH * s["outlets"] / total
            label = s["value"] if s["value"] is not None else f"Unknown {attr}"
            text = f"{label}: {_outlets(s['outlets'])}, {s['reports']} report" + (
                "s" if s["reports"] != 1 else "")
            segments.append({
                "x": round(x, 2), "width": round(width, 2), "label": label, "text": text,
                "outlets": s["outlets"], "reports": s["reports"],
                "colour": f"seg-{i % BAR_COLOURS}" if s["value"] is not None else "seg-unknown",
            })
            x += width
        bars.append({
            "id": plural, "heading": heading, "segments": segments,
            "summary": f"{plural.capitalize()} of the story's {_outlets(total)}: "
                       + "; ".join(seg["text"] for seg in segments) + ".",
        })
    only = []
    for key, plural, attr, phrase in (("only_lean", "leans", "lean", "the registry rates {}"),
                                      ("only_country", "countries", "country",
                                       "the registry places in {}")):
        value = cov[key]
        if value is None:
            continue
        unknown = sum(s["outlets"] for s in cov[plural] if s["value"] is None)
        sentence = f"Covered only by outlets {phrase.format(value)}"
        if unknown:
            sentence += (f"; {_outlets(unknown)} {'has' if unknown == 1 else 'have'} "
                         f"no known {attr}")
        only.append(sentence + ".")
    if bars and missing:
        only.append(f"The registry gives no {' or '.join(missing)} for these outlets.")
    return {"outlets": cov["outlets"], "bars": bars, "only": only,
            "width": BAR_WIDTH, "height": BAR_HEIGHT}


def one_side_marks(
    comparison: Comparison, article_ids: list[str], by_id: dict[str, Article] | None = None
) -> list[str]:
    """Warnings on a fact told by two or more outlets that are not independent of each
    other (``article_ids``: the reports of a claim, or those a brief item cites): "only
    outlets of OWNER" when they all have one owner, "only LEAN outlets" when all have one
    known lean. A copy counts as its original; a fact of a single outlet gets none (it is
    already "single source"). ``by_id``: the comparison's articles by id, when the caller
    has them."""
    if by_id is None:
        by_id = {a.article.id: a.article for a in comparison.articles}
    sources: dict[str, Article] = {}
    for aid in article_ids:
        article = by_id.get(original_of(comparison, aid))
        if article is not None:
            sources.setdefault(_outlet_of(article), article)
    if len(sources) < 2:
        return []
    marks = []
    for attr, text in (("owner", "only outlets of {}"), ("lean", "only {} outlets")):
        values = [getattr(a, attr) for a in sources.values()]
        if all(values) and len({_same(v) for v in values}) == 1:
            marks.append(text.format(values[0]))
    return marks


def _mark_brief(sections: list[dict[str, Any]], comparison: Comparison,
                by_id: dict[str, Article]) -> None:
    """Give each brief item the ``one_side_marks`` of the reports it cites: a lead or a
    corroboration that rests on one owner's outlets, or one lean's, says so where it is
    read."""
    for section in sections:
        for part in section["parts"]:
            for item in part["entries"] + part["more"]:
                articles = [c["article"] for c in item["cites"]]
                item["marks"] = one_side_marks(comparison, articles, by_id)


# A matrix cell is ``(state, href)``: a tuple, as the template's hottest loop unpacks it.
_SILENT = ("silent", None)


@dataclass(slots=True)
class _Dot:
    day: date
    article: Article


def _day_of(published: str | None) -> date | None:
    if not published:
        return None
    try:
        return date.fromisoformat(published.strip()[:10])
    except ValueError:
        return None


def timeline(articles: list[Article], labels: dict[str, str]) -> dict[str, Any]:
    """The coverage chart: one row per outlet, one dot per report on its day.

    Geometry is computed here so the SVG needs no script and no inline style.
    """
    rows: dict[str, list[_Dot]] = {}
    undated = []
    for a in articles:
        day = _day_of(a.published)
        name = a.outlet or labels.get(a.id, a.id)
        if day is None:
            undated.append({"label": name, "href": article_href(a.id), "title": a.title or ""})
            continue
        rows.setdefault(name, []).append(_Dot(day, a))
    if not rows:
        return {"rows": [], "undated": undated, "ticks": [], "width": CHART_WIDTH, "height": 0}
    days = [d.day for dots in rows.values() for d in dots]
    lo, hi = min(days), max(days)
    span = max((hi - lo).days, 1)
    plot = CHART_WIDTH - CHART_LABEL_WIDTH - CHART_RIGHT

    def x(day: date) -> float:
        if lo == hi:
            return CHART_LABEL_WIDTH + plot / 2
        return round(CHART_LABEL_WIDTH + plot * (day - lo).days / span, 1)

    ordered = sorted(rows.items(), key=lambda kv: (min(d.day for d in kv[1]), kv[0].lower()))
    out_rows = []
    for i, (name, dots) in enumerate(ordered):
        y = CHART_TOP + CHART_ROW * i + CHART_ROW / 2
        per_day: dict[date, int] = {}
        points = []
        for d in sorted(dots, key=lambda d: (d.day, d.article.id)):
            n = per_day.get(d.day, 0)
            per_day[d.day] = n + 1
            points.append(
                {
                    "x": x(d.day),
                    # Reports of one outlet on one day stack upwards a little.
                    "y": y - min(n, 3) * 5,
                    "href": article_href(d.article.id),
                    "title": f"{name}, {d.day.isoformat()}: {d.article.title or d.article.id}",
                }
            )
        short = name if len(name) <= CHART_LABEL_CHARS else name[: CHART_LABEL_CHARS - 1] + "…"
        out_rows.append({"label": short, "full": name, "y": y, "points": points,
                         "count": len(dots)})
    height = CHART_TOP + CHART_ROW * len(out_rows) + CHART_BOTTOM
    tick_days = sorted({lo, hi} | ({lo + (hi - lo) / 2} if (hi - lo).days >= 2 else set()))
    ticks = [
        {
            "x": x(d),
            "label": d.isoformat(),
            # The end labels stay inside the chart.
            "anchor": "middle" if lo == hi or lo < d < hi else ("start" if d == lo else "end"),
        }
        for d in tick_days
    ]
    return {
        "rows": out_rows,
        "undated": undated,
        "ticks": ticks,
        "width": CHART_WIDTH,
        "height": height,
        "axis_y": height - CHART_BOTTOM + 6,
        "label_x": CHART_LABEL_WIDTH - 10,
        "plot_left": CHART_LABEL_WIDTH,
        "plot_right": CHART_WIDTH - CHART_RIGHT,
        "first": lo.isoformat(),
        "last": hi.isoformat(),
    }


def entities_view(
    entities: list[dict[str, Any]], labels: dict[str, str], texts: dict[str, Article]
) -> list[dict[str, Any]]:
    """People and organisations: their names, titles (roles) and who mentions them.

    The entities come from the comparison, one per name as the reports' tagger saw it.
    Before they are shown:

    1. A "person" whose every mention is also tagged something else (a place, an
       organisation, a thing) where the same words stand elsewhere is shown under the
       label of most mentions: a person when its mentions are more, else folded into
       the organisation of that name, or left out when it is a place or a thing (ties:
       not a person; the tagger calls many unknown capitalised words persons).
    2. A one-word "person" that is a word of the longer name of something else ("Wasilla"
       of "Wasilla Bible Church") is that thing, unless it is also a word of a person's
       full name.
    3. Variants of one person's name are one entry with the others as aliases: a full
       name whose words are words of a longer one, in order and with the same last word
       ("Mark Heller", "Mark Jay Heller", "GM Mark Heller"), and a surname or first name
       that only one of them has ("Heller"); a courtesy title is not part of the name
       ("Mrs Palin"). The full name mentioned most leads. A "person" whose name holds
       a digit, a slash, an @ or a colon (a URL, a code) is not shown.
    4. A role is dropped when it is not a title of the person: two names joined by "and"
       ("Trump and Russian President"), a clause ("captain who declined"), or something
       "of" a title rather than a title ("effigy of Gov.").
    """
    records: list[_EntityRecord] = []
    for e in entities:
        mentions = [m for m in e.get("mentions", []) if m["article"] in texts]
        if not mentions:
            continue
        name = e.get("name") or ""
        records.append(_EntityRecord(
            label=e.get("label", ""),
            name=name,
            names=[name, *(a for a in e.get("aliases", []) if a)],
            titles=[t for t in e.get("titles", []) if t],
            outlets=list(dict.fromkeys(labels.get(m["article"], m["article"])
                                       for m in mentions)),
            mentions=len(mentions),
            first=mentions[0],
            surfaces=[_name_key(texts[m["article"]].text[m["start"]:m["end"]])
                      for m in mentions],
        ))
    known = {n for r in records for n in map(_name_key, r.names) if n}
    shown = _merge_variants(_without_mislabelled(records))
    out = []
    for r in shown:
        kind = ENTITY_KINDS.get(r.label)
        if kind is None:
            continue
        aliases: dict[str, str] = {}
        for n in r.names:
            key = " ".join(n.split()).casefold()
            if n and key != " ".join(r.name.split()).casefold():
                aliases.setdefault(key, n)
        titles: dict[str, str] = {}
        for t in r.titles:
            if _is_title(t, known):
                titles.setdefault(" ".join(t.split()).casefold(), t)
        out.append(
            {
                "name": r.name,
                "kind": kind,
                "titles": list(titles.values()) if r.label == "PERSON" else [],
                "aliases": list(aliases.values()),
                "outlets": r.outlets,
                "mentions": r.mentions,
                "href": article_href(r.first["article"], (r.first["start"], r.first["end"])),
            }
        )
    out.sort(key=lambda e: (e["kind"] != "Person", -len(e["outlets"]), -e["mentions"],
                            e["name"].lower()))
    return out


@dataclass(slots=True)
class _EntityRecord:
    """One entry of the people and organisations while they are being merged."""

    label: str
    name: str
    names: list[str]  # the name and its aliases, as written
    titles: list[str]
    outlets: list[str]
    mentions: int
    first: dict[str, Any]  # the mention the entry links to
    surfaces: list[str]  # each mention's words as written (``_name_key``)

    def absorb(self, other: _EntityRecord) -> None:
        """Take ``other``'s names, titles, outlets and mentions (``other`` is a variant)."""
        if other.mentions > self.mentions:
            self.first = other.first
        self.names.extend(other.names)
        self.titles.extend(other.titles)
        self.outlets.extend(o for o in other.outlets if o not in self.outlets)
        self.mentions += other.mentions
        self.surfaces.extend(other.surfaces)


# Courtesy titles written before a name; they are not part of it ("Mrs Palin" is Palin).
_COURTESY = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "sir", "dame"})
# Words that start a clause: a role holding one describes, it does not name a title.
_CLAUSE_WORDS = frozenset({"who", "whom", "whose", "which", "that", "when", "where"})


def _name_key(name: str) -> str:
    """A name compared with others: lower case, no possessive, quotes or end dots,
    hyphens as spaces ("Kim Jong-un" is "kim jong un")."""
    text = name.replace("’", "'").replace("'s ", " ").removesuffix("'s")
    text = text.replace("-", " ").strip(" .,;:'\"“”‘")
    return " ".join(text.split()).casefold().removeprefix("the ")


def _person_words(name: str) -> list[str]:
    words = _name_key(name).split()
    while len(words) > 1 and words[0].rstrip(".") in _COURTESY:
        words = words[1:]
    return words


def _without_mislabelled(records: list[_EntityRecord]) -> list[_EntityRecord]:
    """Steps 1 and 2 of ``entities_view``: persons that are something else."""
    others: dict[str, list[_EntityRecord]] = {}
    for r in records:
        if r.label != "PERSON":
            for n in {_name_key(n) for n in r.names}:
                others.setdefault(n, []).append(r)
    person_words = {w for r in records if r.label == "PERSON"
                    for n in r.names if len(ws := _person_words(n)) > 1 for w in ws}
    other_words = {w for r in records if r.label != "PERSON"
                   for n in r.names if len(ws := _name_key(n).split()) > 1 for w in ws}
    dropped: set[int] = set()
    for r in records:
        if r.label != "PERSON":
            continue
        # Only when every mention is also a name of something else: "George Washington"
        # stays a person though "Washington" is a place.
        same = {id(o): o for n in r.surfaces for o in others.get(n, [])}
        if same and all(n in others for n in r.surfaces):
            other_mentions = sum(o.mentions for o in same.values())
            orgs = sorted((o for o in same.values() if o.label == "ORG"
                           and id(o) not in dropped), key=lambda o: -o.mentions)
            if other_mentions >= r.mentions:
                if orgs:
                    orgs[0].absorb(r)
                dropped.add(id(r))
                continue
            for org in orgs:  # the person mentions are more: the organisation is the person
                r.absorb(org)
                dropped.add(id(org))
        words = _person_words(r.name)
        if len(words) == 1 and words[0] in other_words and words[0] not in person_words:
            dropped.add(id(r))
        elif any(ch.isdigit() or ch in "/@:" for ch in r.name):
            dropped.add(id(r))
    return [r for r in records if id(r) not in dropped]


def _merge_variants(records: list[_EntityRecord]) -> list[_EntityRecord]:
    """Step 3 of ``entities_view``: one entry per person, its name variants as aliases."""
    people = [r for r in records if r.label == "PERSON"]
    words = {id(r): _person_words(r.name) for r in people}
    parent = {id(r): id(r) for r in people}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    full = [r for r in people if len(words[id(r)]) > 1]
    for a in full:
        for b in full:
            wa, wb = words[id(a)], words[id(b)]
            if a is not b and len(wa) <= len(wb) and wa[-1] == wb[-1] and _subsequence(wa, wb):
                parent[find(id(a))] = find(id(b))
    for r in people:
        w = words[id(r)]
        if len(w) != 1:
            continue
        groups = {find(id(f)) for f in full if w[0] in (words[id(f)][0], words[id(f)][-1])}
        if len(groups) == 1:
            parent[find(id(r))] = groups.pop()
    by_root: dict[int, list[_EntityRecord]] = {}
    for r in people:
        by_root.setdefault(find(id(r)), []).append(r)
    merged: dict[int, _EntityRecord] = {}
    for root, members in by_root.items():
        # The full name most mentioned leads; between equals, the fullest.
        members.sort(key=lambda m: (len(words[id(m)]) < 2, -m.mentions, -len(words[id(m)]),
                                    -len(m.name)))
        head = members[0]
        for m in members[1:]:
            head.absorb(m)
        merged[root] = head
    return [r for r in records if r.label != "PERSON"] + list(merged.values())


def _subsequence(short: list[str], long: list[str]) -> bool:
    it = iter(long)
    return all(w in it for w in short)


def _is_title(title: str, names: set[str]) -> bool:
    """Whether a role given next to a name is a title of that person (step 4 of
    ``entities_view``); ``names`` are the story's entity names (``_name_key``)."""
    words = title.split()
    if not words or any(w.casefold() in _CLAUSE_WORDS for w in words):
        return False
    parts = [p.strip() for p in title.split(" and ")]
    if len(parts) > 1:
        for part in parts:
            key = _name_key(part).split()
            for n in range(1, len(key) + 1):
                if " ".join(key[:n]) in names or " ".join(key[-n:]) in names:
                    return False
    head, sep, rest = title.partition(" of ")
    if not sep:
        head, sep, rest = title.partition(" for ")
    rest = rest.strip(" \"“”‘’'")
    if sep and head.islower() and rest[:1].isupper() and _name_key(rest) not in names:
        return False
    return True


# --- a report -----------------------------------------------------------------------------------


def article_view(
    article: Article,
    story_id: str | None,
    data: dict[str, Any] | None,
    story_articles: list[Article],
    highlight: tuple[int, int] | None,
) -> dict[str, Any]:
    """The report page: its text with each claim marked and linked to its group in the story."""
    claims: dict[str, dict[str, Any]] = {}
    spans: list[tuple[int, int, str]] = []
    if data is not None:
        comparison = comparison_from_data(data, {a.id: a for a in story_articles})
        for g in comparison.claims:
            mine = [m for m in g.mentions if m.article == article.id]
            if not mine:
                continue
            against = article.id in other_side(g)
            claims[g.id] = {
                "id": g.id,
                "text": g.text,
                "status": css_token(g.status),
                "status_label": status_label(g.status),
                "sources": g.independent_sources,
                "contradicts": against,
                "href": story_href(story_id, g.id) if story_id else None,
            }
            spans.extend((m.start, m.end, g.id) for m in mine)
    n = len(article.text)
    cited = None
    anchors: dict[int, list[str]] = {}
    if highlight is not None and 0 <= highlight[0] < highlight[1] <= n:
        cited = highlight
        spans.append((highlight[0], highlight[1], _CITED))
        anchors[highlight[0]] = ["cited"]
    status = {cid: c["status"] for cid, c in claims.items()}
    runs = []
    for seg in segments(article.text, spans, anchors=anchors, status=status):
        ids = [c for c in seg.claims if c != _CITED]
        primary = seg.primary if seg.primary != _CITED else (ids[-1] if ids else None)
        info = claims.get(primary) if primary else None
        runs.append(
            {
                "text": seg.text,
                "anchor": "cited" in seg.anchors,
                "cited": _CITED in seg.claims,
                "claim": primary if info else None,
                "status": info["status"] if info else "",
                "multi": len(ids) > 1,
                "href": info["href"] if info else None,
                "title": " | ".join(claims[c]["text"] for c in ids if c in claims),
            }
        )
    return {
        "runs": runs,
        "claims": list(claims.values()),
        "cited": cited,
        "compared": data is not None,
        "url": safe_url(article.url),
    }


_CITED = "\0cited"  # not a claim id: claim ids never hold a NUL


__all__ = [
    "article_href",
    "article_view",
    "comparison_from_data",
    "coverage",
    "coverage_view",
    "hit_parts",
    "one_side_marks",
    "outlet_href",
    "story_href",
    "story_view",
    "timeline",
]
