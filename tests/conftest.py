"""Shared fixtures: the real models, loaded once per test session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
STORIES = FIXTURES / "stories"
#: Screenshots of the browser tests, for a person to look at (git-ignored).
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
#: Debian's chromium (installed by .ci/run); never a downloaded browser.
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
_LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def engine():
    """The default engine: the real spaCy pipeline and sentence embedder."""
    from newsweave.config import Options
    from newsweave.engine import Engine

    return Engine.shared(Options())


@pytest.fixture(scope="session")
def story_results(engine):
    """Comparisons of every hand-written test story, computed once."""
    from newsweave import compare

    cache: dict[str, object] = {}

    def get(name: str):
        if name not in cache:
            cache[name] = compare([STORIES / name], engine=engine)
        return cache[name]

    return get


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium driven by Playwright; the test is skipped when either is missing."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: install Debian's with "
                    "`sudo apt-get install chromium` to run the browser tests")
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="Playwright is missing: pip install -e '.[dev]'")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=_LAUNCH_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def screenshot():
    """``screenshot(page, name, full=False)`` saves ``test-artifacts/NAME.png``."""

    def take(page, name: str, *, full: bool = False) -> None:  # noqa: ANN001 - a Playwright page
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full)

    return take
