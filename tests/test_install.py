"""A fresh install without the ``dev`` extra runs what users run.

Builds a new virtual environment with the interpreter's own pip (the one
``python -m venv`` bundles, not an upgraded one), installs newsweave from a
copy of this tree without extras, and runs ``compare --format json`` over the
shipped samples and a saved HTML page. That catches a runtime import declared
only for development (jsonschema once was) and a dependency that an older pip
fails to resolve (lxml's ``html-clean`` extra, which jusText asks for and the
pip of Python 3.11 does not match).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from newsweave.render.json import validate

ROOT = Path(__file__).resolve().parents[1]
HTML_PAGE = ROOT / "tests" / "fixtures" / "ingest" / "harbour.html"


@pytest.fixture(scope="module")
def bare_install(tmp_path_factory) -> Path:
    """``bin/`` of a new venv holding newsweave and its runtime dependencies only."""
    base = tmp_path_factory.mktemp("install")
    tree = base / "newsweave"
    tree.mkdir()
    # A copy, so that pip's in-tree build leaves nothing in the working tree.
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, tree / name)
    shutil.copytree(ROOT / "src", tree / "src",
                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    bin_dir = venv / "bin"
    env = {k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "PYTHONPATH"}}
    done = subprocess.run(
        [str(bin_dir / "python"), "-m", "pip", "install", "-q", str(tree)],
        capture_output=True, text=True, env=env, timeout=900,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return bin_dir


def test_bare_install_has_no_dev_tools(bare_install):
    done = subprocess.run(
        [str(bare_install / "python"), "-c", "import pytest"], capture_output=True, text=True
    )
    assert done.returncode != 0, "pytest is a dev tool; the bare install must not hold it"


def test_bare_install_compares_to_json_with_html(bare_install, tmp_path):
    from importlib import resources

    samples = resources.files("newsweave") / "samples"
    out = tmp_path / "story.json"
    env = {k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "PYTHONPATH"}}
    done = subprocess.run(
        [str(bare_install / "newsweave"), "compare", str(samples), str(HTML_PAGE),
         # Without the embed extra there is no torch: no sentence model, no pair model.
         "--embed-model", "hashing", "--judge", "embed",
         "--format", "json", "--with-text", "-o", str(out)],
        capture_output=True, text=True, env=env, timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    obj = json.loads(out.read_text(encoding="utf-8"))
    validate(obj)
    paths = [a["path"] for a in obj["articles"]]
    assert any(p.endswith("harbour.html") for p in paths), paths
    page = next(a for a in obj["articles"] if a["path"].endswith("harbour.html"))
    # The page's main text was extracted (not its markup).
    assert len(page["text"]) > 200 and "<" not in page["text"]


def _readme_commands() -> list[str]:
    """The commands of the README's first code block (its set-up), comments cut."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("```bash\n", 1)[1].split("```", 1)[0]
    return [line.split("  #", 1)[0].strip() for line in block.splitlines() if line.strip()]


def test_ci_runs_the_readme_commands_exactly():
    readme = _readme_commands()
    install, tests = readme[0], readme[-1]
    assert "pip install torch==2.13.0" in install and "venv" in install
    assert tests == "python -m pytest -q"
    ci = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    run = [line for line in ci if line and not line.startswith(("#", "if ", "(", "||", "fi",
                                                                  "set ", "cd "))]
    # Nothing but the README's install and test commands (no pip upgrade, no extra step).
    assert run == [install, tests], run
