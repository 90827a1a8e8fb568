"""Reports and helpers the web tests share (a module of its own: test modules import it)."""

from __future__ import annotations

from pathlib import Path

from newsweave.library import Library
from newsweave.model import Article

STORIES = Path(__file__).resolve().parents[1] / "fixtures" / "stories"
FOLDERS = ["copy", "number-conflict", "role-conflict"]

# Every field a report controls is an attack; each payload sets window.__pwned if it runs.
HOSTILE = [
    Article(
        text=(
            "HARTWELL – <script>window.__pwned = 1</script> The Hartwell council approved a "
            "budget of 4 million pounds on Monday, officials said. <img src=x "
            'onerror="window.__pwned = 2"> The vote was 7 to 2, according to the clerk. '
            "Mayor Alma Reyes said the budget funds two new libraries."
        ),
        outlet='<b onmouseover="window.__pwned = 5">Evil & Co</b>',
        title="</title><script>window.__pwned = 3</script> Budget passes",
        url="javascript:window.__pwned=4",
        published="2025-04-07",
    ),
    Article(
        text=(
            "HARTWELL – The Hartwell council approved a budget of 3 million pounds on Monday, "
            'officials said. "><svg onload="window.__pwned = 6"> The vote was 7 to 2, '
            "according to the clerk. Mayor Alma Reyes praised the vote."
        ),
        outlet='"><img src=x onerror="window.__pwned = 7">Plain Post',
        title='Council <a href="javascript:window.__pwned=8">budget</a> approved',
        url='https://example.org/budget?a="><script>window.__pwned=9</script>',
        published="2025-04-08",
    ),
]
HOSTILE_TEXT = "<script>window.__pwned = 1</script>"



def story_of(library: Library, article_path_part: str) -> str:
    """The id of the story holding the report whose path or outlet contains the given text."""
    for story in library.stories_dict()["stories"]:
        for a in story["articles"]:
            if article_path_part in (a["path"] or "") or article_path_part in (a["outlet"] or ""):
                return story["id"]
    raise AssertionError(f"no story holds a report like {article_path_part!r}")
