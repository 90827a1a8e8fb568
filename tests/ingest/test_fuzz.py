"""A short run of the reader fuzzer (``bench/fuzz.py``): no traceback, no broken rule.

Each reader gets a few dozen mutated inputs in a child process whose address
space is capped; the full run (thousands per reader) is in docs/benchmarks.md.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

FUZZ = Path(__file__).resolve().parents[2] / "bench" / "fuzz.py"
#: Inputs per reader: a few hundred in all, enough to reach every reader's
#: failure paths with the fixed seed.
COUNT = 40


def _fuzz_module():
    spec = importlib.util.spec_from_file_location("newsweave_bench_fuzz", FUZZ)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_mutated_inputs_of_every_reader_raise_nothing_under_a_memory_cap():
    fuzz = _fuzz_module()
    results = fuzz.fuzz(COUNT, seed=1, timeout=600)
    assert [r["kind"] for r in results] == list(fuzz.KINDS)
    findings = {r["kind"]: r["findings"][:2] for r in results if r["findings"]}
    assert findings == {}
    for r in results:
        assert r["inputs"] == COUNT
        # Both paths were taken: some mutants still read, others failed cleanly.
        assert r["articles"] > 0, r["kind"]
        assert r["failures"] > 0, r["kind"]
