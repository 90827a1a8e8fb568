"""The HTML report in a real headless Chromium: clicking works, nothing hostile runs.

Uses Debian's chromium (installed by .ci/run) driven by Playwright; skipped when
either is missing. Screenshots land in test-artifacts/ for a person to look at.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from newsweave.model import Article
from newsweave.render.html import to_html


@pytest.fixture(scope="module")
def demo_html(engine, tmp_path_factory) -> Path:
    import newsweave

    samples = Path(newsweave.__file__).parent / "samples"
    result = newsweave.compare(sorted(samples.glob("*.txt")), engine=engine)
    path = tmp_path_factory.mktemp("html") / "demo.html"
    path.write_text(to_html(result), encoding="utf-8")
    return path


def test_clicking_a_claim_highlights_its_sentences_in_each_report(
    browser, demo_html, screenshot
):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(demo_html.as_uri())
    # A corroborated claim: its mentions sit in more than one report.
    claim = page.locator("li.claim.s-corroborated").first
    claim_id = claim.get_attribute("data-claim")
    assert page.locator("mark.is-selected").count() == 0
    claim.locator("a.claim-link").click()
    lit = page.locator(f'mark.is-selected[data-claims~="{claim_id}"]')
    assert lit.count() >= 2
    columns = {
        lit.nth(i).evaluate("m => m.closest('[data-article]')?.getAttribute('data-article')")
        for i in range(lit.count())
    }
    assert len(columns - {None}) >= 2, "the claim should light up in two reports"
    # Only this claim's marks are lit.
    for i in range(page.locator("mark.is-selected").count()):
        ids = page.locator("mark.is-selected").nth(i).get_attribute("data-claims").split()
        assert claim_id in ids
    screenshot(page, "report-claim-selected")
    # Following a conflict lights its sentences too.
    conflict = page.locator("li.claim.s-conflicting").first
    conflict_id = conflict.get_attribute("data-claim")
    conflict.locator("a.claim-link").click()
    assert page.locator(f'mark.is-selected[data-claims~="{conflict_id}"]').count() >= 2
    screenshot(page, "report-conflict-selected")
    assert errors == []
    page.close()


def test_hostile_report_text_does_not_run(browser, engine, tmp_path):
    import newsweave

    payloads = [
        Article(
            text="LONDON – <script>window.__pwned = 1</script> The council approved the budget "
            "on Monday. <img src=x onerror=\"window.__pwned = 2\"> Officials said the vote "
            "was close.",
            outlet="<b onmouseover=alert(1)>Evil</b>",
            title="</title><script>window.__pwned = 3</script>",
            url="javascript:window.__pwned=4",
        ),
        Article(
            text="LONDON – The council approved its budget on Monday after a close vote.",
            outlet="Plain Post",
            url="https://example.org/budget",
        ),
    ]
    result = newsweave.compare(payloads, engine=engine)
    path = tmp_path / "hostile.html"
    path.write_text(to_html(result), encoding="utf-8")
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(path.as_uri())
    page.locator("body").hover()
    for mark in page.locator("mark").all()[:5]:
        mark.click()
    assert page.evaluate("window.__pwned === undefined")
    assert dialogs == []
    assert page.locator("a[href^='javascript:']").count() == 0
    assert "<script>window.__pwned = 1</script>" in page.inner_text("body")
    page.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_the_report_fits_its_screen(browser, demo_html, screenshot, width):
    """The report never scrolls sideways, and its column headers stay on one line (a
    phone once showed "DATELI NE"): the sources table scrolls inside its own box."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(demo_html.as_uri())
    screenshot(page, f"report-layout-{width}", full=True)
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner
    heights = page.evaluate("""() => [...document.querySelectorAll('table.sources th')].map(
        th => th.getBoundingClientRect().height / parseFloat(getComputedStyle(th).lineHeight
              === 'normal' ? 1.2 * parseFloat(getComputedStyle(th).fontSize)
              : getComputedStyle(th).lineHeight))""")
    assert heights and max(heights) < 2.5, heights  # one line of text plus padding
    page.close()
