"""Shared fixtures: the real models, loaded once per test session."""

from __future__ import annotations

import itertools
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


# --- PostgreSQL ------------------------------------------------------------------------------

#: An admin URL of a PostgreSQL server the tests may create databases on; when unset,
#: the tests start a throwaway server of their own (initdb + pg_ctl).
POSTGRES_ENV = "NEWSWEAVE_TEST_POSTGRES"
_NO_POSTGRES = (
    "no PostgreSQL server for the tests: {why}; install one with `sudo apt-get install "
    "postgresql` (its initdb and pg_ctl are used, no service is started), or set "
    f"{POSTGRES_ENV}=postgresql://USER@HOST/postgres to a server where USER may create databases"
)


def _postgres_bin(name: str) -> str | None:
    """A PostgreSQL server program: on PATH, else the newest of Debian's versions."""
    import glob

    found = shutil.which(name)
    if found:
        return found
    versions = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                      key=lambda p: int(Path(p).parts[4]) if Path(p).parts[4].isdigit() else 0)
    return versions[-1] if versions else None


def _start_postgres():  # noqa: ANN202 - (admin url, stop)
    """A throwaway server in a temporary folder, reachable only on its unix socket."""
    import os
    import subprocess
    import tempfile

    initdb, pg_ctl = _postgres_bin("initdb"), _postgres_bin("pg_ctl")
    if not (initdb and pg_ctl):
        pytest.skip(_NO_POSTGRES.format(why="initdb and pg_ctl are not installed"))
    folder = Path(tempfile.mkdtemp(prefix="newsweave-pg-"))
    prefix: list[str] = []
    if os.geteuid() == 0:  # the server refuses to run as root
        import pwd

        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            shutil.rmtree(folder)
            pytest.skip(_NO_POSTGRES.format(why="running as root and there is no postgres user"))
        os.chown(folder, owner.pw_uid, owner.pw_gid)
        prefix = ["runuser", "-u", "postgres", "--"]
    data = folder / "data"

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*prefix, *args], capture_output=True, text=True, timeout=120)

    done = run(initdb, "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
               "--no-sync")
    started = done.returncode == 0 and run(
        pg_ctl, "-D", str(data), "-l", str(folder / "log"), "-w", "-o",
        f"-c listen_addresses='' -k {folder} -c fsync=off -c full_page_writes=off",
        "start").returncode == 0
    if not started:
        log = (folder / "log").read_text() if (folder / "log").exists() else done.stderr
        shutil.rmtree(folder, ignore_errors=True)
        pytest.skip(_NO_POSTGRES.format(why=f"the server did not start: {log.strip()[-300:]}"))

    def stop() -> None:
        run(pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop")
        shutil.rmtree(folder, ignore_errors=True)

    return f"postgresql://postgres@/postgres?host={folder}", stop


@pytest.fixture(scope="session")
def postgres_dsn():
    """An admin URL of a PostgreSQL server (``$NEWSWEAVE_TEST_POSTGRES``, else one
    started for this session and stopped at its end); skips when there is none."""
    import os

    pytest.importorskip("psycopg", reason="psycopg is missing: pip install -e '.[postgres]'")
    given = os.environ.get(POSTGRES_ENV, "").strip()
    if given:
        yield given
        return
    url, stop = _start_postgres()
    try:
        yield url
    finally:
        stop()


@pytest.fixture
def postgres_url(postgres_dsn):
    """The URL of a new, empty database on the test server, dropped after the test."""
    import os

    import psycopg

    name = f"newsweave_test_{os.getpid()}_{next(_DATABASES)}"
    with psycopg.connect(postgres_dsn, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    parts = postgres_dsn.split("?", 1)
    base = parts[0].rsplit("/", 1)[0]
    yield f"{base}/{name}" + (f"?{parts[1]}" if len(parts) > 1 else "")
    with psycopg.connect(postgres_dsn, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# Numbers the test databases of this process.
_DATABASES = itertools.count()
