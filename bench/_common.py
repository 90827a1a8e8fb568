"""Shared helpers for the benchmark scripts (datasets, tables, JSON, machine info).

The datasets live outside the repository (``../shared/datasets`` next to the
checkout, or ``--data DIR`` / ``NEWSWEAVE_DATASETS``); nothing read from them is
written into the tree. Result JSON holds numbers only and belongs under
``bench/results/`` (git-ignored).
"""

from __future__ import annotations

import json
import os
import platform
import resource
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATASETS = REPO.parent / "shared" / "datasets"
RESULTS = REPO / "bench" / "results"


def datasets_dir(arg: str | None) -> Path:
    """``--data`` if given, else ``$NEWSWEAVE_DATASETS``, else ``../shared/datasets``."""
    if arg:
        return Path(arg).expanduser().resolve()
    env = os.environ.get("NEWSWEAVE_DATASETS")
    if env:
        return Path(env).expanduser().resolve()
    return DEFAULT_DATASETS


def require(path: Path) -> None:
    """Exit 0 with a clear message when a dataset file is missing."""
    if not path.exists():
        print(f"skipped: datasets not found at {path}")
        sys.exit(0)


def present(path: Path) -> bool:
    """False, with a clear message, when one dataset file is missing."""
    if path.exists():
        return True
    print(f"skipped: datasets not found at {path}")
    return False


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if line:
                yield json.loads(line)


def progress(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def make_engine(**settings: Any):  # noqa: ANN201 - newsweave.engine.Engine
    """An engine with default options (or ``settings``) and no on-disk embedding cache.

    Settings an older engine does not know (``judge`` before the pair model) are dropped,
    so that the same script can time an earlier version for comparison.
    """
    import dataclasses

    from newsweave.config import Options
    from newsweave.engine import Engine

    known = {f.name for f in dataclasses.fields(Options)}
    return Engine(Options.build(cache_dir="", **{k: v for k, v in settings.items()
                                                 if k in known}))


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far (Linux reports KB)."""
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024 if sys.platform != "darwin" else kb / 1024 / 1024


def cpu_seconds() -> float:
    """User + system CPU time of this process (all threads)."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def load_average() -> float | None:
    try:
        return os.getloadavg()[0]
    except OSError:
        return None


def engine_fingerprint() -> str:
    """A short hash of the engine's source (src/newsweave/**/*.py), to tell
    which version of a moving engine a result belongs to."""
    import hashlib

    h = hashlib.sha256()
    for path in sorted((REPO / "src" / "newsweave").rglob("*.py")):
        h.update(str(path.relative_to(REPO)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:12]


def check_fingerprint(at_start: str) -> bool:
    """Warn when the engine's source changed while the benchmark ran."""
    now = engine_fingerprint()
    if now != at_start:
        progress(f"warning: the engine source changed during the run ({at_start} -> {now}); "
                 "modules imported before the change were measured")
        return False
    return True


def machine() -> dict[str, Any]:
    info: dict[str, Any] = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
    }
    try:
        import torch

        info["torch"] = torch.__version__
        info["torch_threads"] = torch.get_num_threads()
    except ImportError:
        info["torch"] = None
    try:
        import spacy

        info["spacy"] = spacy.__version__
    except ImportError:
        pass
    return info


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A markdown table; floats get 3 significant decimals unless pre-formatted."""

    def cell(v: Any) -> str:
        if isinstance(v, float):
            return f"{v:.3f}"
        return str(v)

    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    for r in rows:
        out.append("| " + " | ".join(cell(v) for v in r) + " |")
    return "\n".join(out)


def write_json(path: str | None, data: dict[str, Any]) -> None:
    """Write numbers-only results; warn when the file lands in the tree outside bench/results."""
    if not path:
        return
    p = Path(path).expanduser().resolve()
    if p.is_relative_to(REPO) and not p.is_relative_to(RESULTS):
        progress(f"warning: {p} is inside the repository but not under bench/results/")
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    progress(f"wrote {p}")


# -- the held-back parts of the training splits (train/pair_model.py trains on the rest) -----


def stable_hash(*parts: str) -> int:
    import hashlib

    return int(hashlib.sha1("\x1f".join(parts).encode()).hexdigest()[:8], 16)


def mrpc_part(row: dict[str, Any]) -> str:
    """``train`` (70%), ``calib`` (10%: the judge's thresholds) or ``test`` (20%, held back)
    for an MRPC train pair, by a hash of its sentence ids."""
    h = stable_hash(str(row["id1"]), str(row["id2"])) % 10
    return "test" if h < 2 else "calib" if h == 2 else "train"


def fnc_part(body_id: str) -> str:
    """FNC-1 train bodies: ``train`` (60%), ``calib`` (20%) or ``test`` (20%, held back)."""
    h = stable_hash("fnc", str(body_id)) % 5
    return "test" if h == 0 else "calib" if h == 1 else "train"


def fit_logistic(x, y, steps: int = 3000, lr: float = 0.5):  # noqa: ANN001, ANN201
    """Logistic regression by gradient descent, lightly regularised: ``(weights, bias)``
    (a few features and a few hundred rows; no library needed)."""
    import numpy as np

    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    w = np.zeros(x.shape[1])
    b = 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(x @ w + b)))
        g = p - y
        w -= lr * (x.T @ g / len(y) + 1e-3 * w)
        b -= lr * float(g.mean())
    return w, b
