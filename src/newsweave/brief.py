"""The consolidated brief: one cited account of a story.

In order:
1. the corroborated facts, best supported first, each citing every report
   that states it;
2. per outlet, the facts only it reports;
3. per outlet, the corroborated facts it leaves out (when three or more
   independent sources cover the story, so that "left out" means something);
4. every conflict, naming who says what, citing both spans.
"""

from __future__ import annotations

from collections.abc import Sequence

from .dedup import source_of
from .model import AnalyzedArticle, BriefItem, Citation, ClaimGroup, Mention


def _cite(mentions: Sequence[Mention]) -> list[Citation]:
    return [Citation(article=m.article, start=m.start, end=m.end) for m in mentions]


def _end(text: str) -> str:
    text = text.rstrip()
    if text.endswith(("”", '"')) and len(text) > 1 and text[-2] in ".!?":
        return text
    return text if text.endswith((".", "!", "?")) else text + "."


def make_brief(
    analyzed: Sequence[AnalyzedArticle],
    groups: Sequence[ClaimGroup],
    copy_of: dict[str, str],
) -> list[BriefItem]:
    label = {a.article.id: a.article.source_label for a in analyzed}
    order = {a.article.id: n for n, a in enumerate(analyzed)}
    originals = [a.article.id for a in analyzed if a.article.id not in copy_of]
    items: list[BriefItem] = []

    # 1.
    corroborated = [g for g in groups if g.status == "corroborated"]
    corroborated.sort(key=lambda g: (-g.independent_sources, _first(g, order)))
    for g in corroborated:
        items.append(BriefItem(text=_end(g.text), citations=_cite(g.mentions), kind="corroborated"))

    # 2.
    for source in originals:
        own = [
            g
            for g in groups
            if g.status == "single_source" and source_of(g.mentions[0].article, copy_of) == source
        ]
        for g in sorted(own, key=lambda g: _first(g, order)):
            items.append(
                BriefItem(
                    text=f"Only {label[source]} reports: {_end(g.text)}",
                    citations=_cite(g.mentions),
                    kind="single_source",
                    outlet=label[source],
                )
            )

    # 3.
    if len(originals) >= 3:
        for source in originals:
            missing = [
                g
                for g in corroborated
                if source not in {source_of(m.article, copy_of) for m in g.mentions}
            ]
            if not missing:
                continue
            facts = "; ".join(g.text.rstrip(".") for g in missing)
            items.append(
                BriefItem(
                    text=f"{label[source]} does not report: {_end(facts)}",
                    citations=[c for g in missing for c in _cite(g.mentions[:1])],
                    kind="omission",
                    outlet=label[source],
                )
            )

    # 4.
    for g in groups:
        for c in g.conflicts:
            sides = [_context(g, m) for m in c.mentions[:2]]
            (a, qa), (b, qb) = sides
            items.append(
                BriefItem(
                    text=(
                        f"Sources disagree on {_CONFLICT_WORDS.get(c.type, c.type)}: "
                        f"{label[a.article]} reports {qa}; {label[b.article]} reports {qb} "
                        f"({c.detail})."
                    ),
                    citations=_cite([a, b]),
                    kind="conflict",
                )
            )
    return items


#: How a conflict's kind reads in a sentence.
_CONFLICT_WORDS = {
    "number": "a figure",
    "date": "a date",
    "attribution": "who said it",
    "negation": "whether it happened",
    "role": "a title",
}


def _context(g: ClaimGroup, m: Mention) -> tuple[Mention, str]:
    """The claim mention holding a conflict's span (a number sits inside its
    clause), and its text quoted for a sentence."""
    holder = next(
        (x for x in g.mentions if x.article == m.article and x.start <= m.start and m.end <= x.end),
        m,
    )
    text = " ".join(holder.text.split()).rstrip(".")
    if any(q in text for q in "\"“”"):
        return holder, text  # it carries its own quote marks
    return holder, f"“{text}”"


def _first(g: ClaimGroup, order: dict[str, int]) -> tuple[int, int]:
    return min((order[m.article], m.start) for m in g.mentions)
