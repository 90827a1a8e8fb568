"""The per-article analysis: loading spaCy, sentences, dates, the dateline.

Every report here is made up for these tests.
"""

from __future__ import annotations

import datetime as dt

import pytest
import spacy

from newsweave.config import Options
from newsweave.errors import ModelError
from newsweave.ingest.text import article_from_text
from newsweave.model import Article
from newsweave.nlp.analyze import load_spacy, reference_date


def test_unknown_spacy_model_names_what_was_tried() -> None:
    with pytest.raises(ModelError) as info:
        load_spacy("no_such_model")
    message = str(info.value)
    assert message.startswith("[E020]")
    assert "no_such_model" in message
    assert "--spacy-model" in message and "pip install" in message


def test_pipeline_without_parser_and_ner_is_refused(tmp_path) -> None:
    folder = tmp_path / "blank-en"
    spacy.blank("en").to_disk(folder)
    with pytest.raises(ModelError) as info:
        load_spacy(str(folder))
    assert "lacks ner, parser" in str(info.value)


def test_shared_pipeline_has_the_paragraph_component(engine) -> None:
    names = engine.analyzer.nlp.pipe_names
    assert names.index("newsweave_paragraphs") < names.index("parser")


def dates(engine, text: str, published: str | None) -> list[tuple[str, str | None]]:
    [result] = engine.analyzer.analyze([Article(text=text, published=published)])
    return [(q.text, q.value) for q in result.quantities if q.kind == "date"]


TEXT = "The bridge closed yesterday. Repairs began on Friday and will end next Tuesday."


def test_relative_dates_resolve_against_published(engine) -> None:
    # Monday 17 March 2025.
    assert dates(engine, TEXT, "2025-03-17") == [
        ("yesterday", "2025-03-16"),
        ("Friday", "2025-03-14"),
        ("next Tuesday", "2025-03-18"),
    ]


def test_relative_dates_follow_the_published_date(engine) -> None:
    # Thursday 3 April 2025, with a time of day.
    assert dates(engine, TEXT, "2025-04-03T18:30:00") == [
        ("yesterday", "2025-04-02"),
        ("Friday", "2025-03-28"),
        ("next Tuesday", "2025-04-08"),
    ]


def test_relative_dates_without_any_date_stay_unresolved(engine) -> None:
    assert [value for _, value in dates(engine, TEXT, None)] == [None, None, None]


def test_reference_date_prefers_published_then_options() -> None:
    opts = Options(reference_date="2025-01-02")
    assert reference_date(Article(text="x", published="2025-03-17"), opts) == dt.date(2025, 3, 17)
    assert reference_date(Article(text="x"), opts) == dt.date(2025, 1, 2)
    assert reference_date(Article(text="x", published="last spring"), opts) == dt.date(2025, 1, 2)
    assert reference_date(Article(text="x"), Options()) is None


def test_sentences_slice_the_text_and_skip_the_dateline(engine) -> None:
    text = ("KESSINGTON – Crews worked through the night\n"
            "The road reopened at dawn. Police thanked drivers for their patience.\n")
    article = article_from_text(text, path="r.txt", source="r.txt")
    [result] = engine.analyzer.analyze([article])
    assert [s.text for s in result.sentences] == [
        # A line break ends a sentence even without a full stop.
        "Crews worked through the night",
        "The road reopened at dawn.",
        "Police thanked drivers for their patience.",
    ]
    for s in result.sentences:
        assert text[s.start : s.end] == s.text
    # The dateline's place is not an entity mention of the report.
    assert all(m.start >= article.body_start for m in result.entities)
    assert "KESSINGTON" not in {m.text for m in result.entities}


def test_batch_keeps_order_and_offsets(engine) -> None:
    articles = [Article(id=f"a{n}", text=f"Report {n}: the ferry sailed {n} hours late.")
                for n in range(1, 6)]
    results = engine.analyzer.analyze(articles)
    assert [r.article.id for r in results] == ["a1", "a2", "a3", "a4", "a5"]
    for n, r in enumerate(results, 1):
        [duration] = [q for q in r.quantities if q.kind == "duration"]
        assert duration.value == n * 3600.0
        assert r.article.text[duration.start : duration.end] == duration.text


def test_threads_analyse_one_at_a_time_and_get_what_one_thread_gets(engine) -> None:
    import threading
    from concurrent.futures import ThreadPoolExecutor

    texts = [
        f"The pier at Harrow Point reopened on Monday after {n} weeks of repairs, the mayor said. "
        f"Ferries will run every {n + 10} minutes, officials said."
        for n in range(8)
    ]
    batches = [[Article(text=t, id=f"t{n}")] for n, t in enumerate(texts)]
    alone = [engine.analyzer.analyze(b)[0].to_dict() for b in batches]
    with ThreadPoolExecutor(4) as pool:
        together = [r[0].to_dict() for r in pool.map(engine.analyzer.analyze, batches)]
    assert together == alone

    # A second caller waits while an analysis holds the pipeline.
    done = threading.Event()

    def analyse() -> None:
        engine.analyzer.analyze(batches[0])
        done.set()

    with engine.analyzer._lock:
        worker = threading.Thread(target=analyse)
        worker.start()
        assert not done.wait(0.3)
    worker.join(timeout=60)
    assert done.is_set()


def test_text_longer_than_the_pipeline_takes_is_a_named_error(engine) -> None:
    from newsweave.errors import IngestError

    long = Article(text="Word " * 300_000, id="long-report")
    with pytest.raises(IngestError, match=r"long-report: is 1,500,000 characters long"):
        engine.analyzer.analyze([long])
