"""Hand-built comparisons for the renderer tests.

Offsets are found with ``str.index`` on the article text, so every mention slices exactly to its
text; the fixtures assert that too, so a typo fails here and not deep inside a renderer test.
"""

from __future__ import annotations

import pytest

from newsweave.model import (
    AnalyzedArticle,
    Article,
    BriefItem,
    Citation,
    ClaimGroup,
    Comparison,
    Conflict,
    Mention,
)

GAZETTE = """\
HALDEN (Harbor Gazette) — A fire tore through a grain warehouse at the Port of Halden on \
Tuesday night, forcing the evacuation of nearby homes.

Fire Chief Maria Okafor said the blaze burned for an hour before crews brought it under \
control. No one was injured, she said.

The warehouse, owned by Nordgrain, stored about 4,000 tonnes of barley. The cause of the fire \
is under investigation.

Updated 22:40 | Pier Road remains closed to traffic.
"""

WIRE = """\
HALDEN, March 18 (Metro Wire) - Firefighters battled a blaze at a grain warehouse at the Port \
of Halden late Tuesday, and residents of nearby homes were evacuated.

The fire burned for 90 minutes, according to harbour master Jens Lund. No injuries were \
reported.

The cause of the fire was not immediately known.
"""

# A reprint of the wire story: same copy group, so never a second independent source.
REPRINT = WIRE + "\nThis story was reprinted from Metro Wire.\n"


def mention(article: Article, sub: str, nth: int = 0) -> Mention:
    """The ``nth`` occurrence of ``sub`` in ``article`` as a mention."""
    start = -1
    for _ in range(nth + 1):
        start = article.text.index(sub, start + 1)
    m = Mention(article=article.id, start=start, end=start + len(sub), text=sub)
    assert article.text[m.start : m.end] == m.text
    return m


def cite(m: Mention) -> Citation:
    return Citation(article=m.article, start=m.start, end=m.end)


def build_story() -> Comparison:
    a1 = Article(
        text=GAZETTE,
        id="a1",
        path="reports/gazette.txt",
        url="https://harborgazette.example/news/halden-warehouse-fire",
        outlet="Harbor Gazette",
        title="Fire guts grain warehouse at Port of Halden",
        dateline="HALDEN",
        published="2025-03-18",
        author="Ines Berg",
    )
    a2 = Article(
        text=WIRE,
        id="a2",
        url="https://metrowire.example/2025/03/18/halden-fire",
        outlet="Metro Wire",
        title="Blaze at Halden port warehouse, homes evacuated",
        dateline="HALDEN",
        published="2025-03-18",
    )
    a3 = Article(
        text=REPRINT,
        id="a3",
        url="https://coastaldaily.example/world/halden-fire",
        outlet="Coastal Daily",
        title="Blaze at Halden port warehouse, homes evacuated",
        dateline="HALDEN",
        published="2025-03-19",
    )
    fire = [
        mention(a1, "A fire tore through a grain warehouse at the Port of Halden on Tuesday night"),
        mention(a2, "Firefighters battled a blaze at a grain warehouse at the Port of Halden late"),
        mention(a3, "Firefighters battled a blaze at a grain warehouse at the Port of Halden late"),
    ]
    evac = [
        mention(a1, "forcing the evacuation of nearby homes"),
        mention(a2, "residents of nearby homes were evacuated"),
        mention(a3, "residents of nearby homes were evacuated"),
    ]
    duration = [
        mention(a1, "the blaze burned for an hour before crews brought it under control"),
        mention(a2, "The fire burned for 90 minutes, according to harbour master Jens Lund."),
        mention(a3, "The fire burned for 90 minutes, according to harbour master Jens Lund."),
    ]
    injuries = [
        mention(a1, "No one was injured, she said."),
        mention(a2, "No injuries were reported."),
        mention(a3, "No injuries were reported."),
    ]
    cause = [
        mention(a1, "The cause of the fire is under investigation."),
        mention(a2, "The cause of the fire was not immediately known."),
        mention(a3, "The cause of the fire was not immediately known."),
    ]
    owner = [mention(a1, "The warehouse, owned by Nordgrain, stored about 4,000 tonnes of barley.")]
    road = [mention(a1, "Updated 22:40 | Pier Road remains closed to traffic.")]
    # Nested inside the a1 duration mention: a sub-clause that is a claim of its own.
    control = [mention(a1, "crews brought it under control")]

    claims = [
        ClaimGroup(
            "c1",
            "corroborated",
            2,
            "A fire hit a grain warehouse at the Port of Halden on Tuesday.",
            fire,
        ),
        ClaimGroup("c2", "corroborated", 2, "Nearby homes were evacuated.", evac),
        ClaimGroup(
            "c3",
            "conflicting",
            2,
            "The fire burned for an hour.",
            duration,
            conflicts=[Conflict("number", "an hour vs 90 minutes", list(duration))],
        ),
        ClaimGroup("c4", "corroborated", 2, "No one was injured.", injuries),
        ClaimGroup("c5", "corroborated", 2, "The cause of the fire is not known.", cause),
        ClaimGroup(
            "c6",
            "single_source",
            1,
            "Nordgrain owned the warehouse, which stored about 4,000 tonnes of barley.",
            owner,
        ),
        ClaimGroup("c7", "single_source", 1, "Pier Road | remains closed to traffic.", road),
        ClaimGroup("c8", "single_source", 1, "Crews brought the fire under control.", control),
    ]
    brief = [
        BriefItem(
            "A fire hit a grain warehouse at the Port of Halden on Tuesday night and nearby homes "
            "were evacuated.",
            [cite(fire[0]), cite(fire[1]), cite(evac[1])],
            kind="lead",
        ),
        BriefItem("No one was injured.", [cite(injuries[0]), cite(injuries[1])], kind="lead"),
        BriefItem(
            "Reports differ on how long the fire burned: an hour or 90 minutes.",
            [cite(duration[0]), cite(duration[1])],
            kind="conflict",
        ),
        BriefItem(
            "The warehouse belonged to Nordgrain and held about 4,000 tonnes of barley.",
            [cite(owner[0])],
            kind="single_source",
            outlet="Harbor Gazette",
        ),
    ]
    return Comparison(
        articles=[AnalyzedArticle(a1), AnalyzedArticle(a2), AnalyzedArticle(a3)],
        claims=claims,
        brief=brief,
        copy_of={"a3": "a2"},
    )


HOSTILE_TEXT = (
    "Officials said <script>alert(1)</script> was found on the site.\n"
    "A photo <img src=x onerror=alert(1)> showed smoke & [bold]flames[/bold] | at 9pm."
)


def build_hostile() -> Comparison:
    """Everything a report controls is an attack: text, title, outlet, URL."""
    bad = Article(
        text=HOSTILE_TEXT,
        id="h1",
        url="javascript:alert(1)",
        outlet='<b onmouseover="alert(3)">Evil & Co</b> [red]x[/red]',
        title='Fire "update" </title><script>alert(2)</script>',
        dateline="<i>NOWHERE</i>",
        published="2025-03-18",
    )
    good = Article(
        text="Officials said a script was found on the site. A photo showed smoke.",
        id="h2",
        url='  HTTPS://example.org/a?b=1&c="2"  ',
        outlet="Plain Post",
        title="Plain title",
    )
    m_script = mention(bad, "Officials said <script>alert(1)</script> was found on the site.")
    m_img = mention(bad, "A photo <img src=x onerror=alert(1)> showed smoke")
    m_script2 = mention(good, "Officials said a script was found on the site.")
    m_img2 = mention(good, "A photo showed smoke.")
    claims = [
        ClaimGroup("c1", "corroborated", 2, "A <script> was found.", [m_script, m_script2]),
        ClaimGroup("c2", "corroborated", 2, "A photo showed smoke.", [m_img, m_img2]),
    ]
    brief = [
        BriefItem(
            "Something <script>alert(4)</script> happened [bold]now[/bold] [/oops].",
            [cite(m_script)],
        )
    ]
    return Comparison(
        articles=[AnalyzedArticle(bad), AnalyzedArticle(good)], claims=claims, brief=brief
    )


def build_empty() -> Comparison:
    art = Article(text="Nothing much happened today.", id="e1", outlet="Quiet Times")
    return Comparison(articles=[AnalyzedArticle(art)], claims=[], brief=[])


@pytest.fixture
def story() -> Comparison:
    return build_story()


@pytest.fixture
def hostile() -> Comparison:
    return build_hostile()


@pytest.fixture
def empty() -> Comparison:
    return build_empty()
