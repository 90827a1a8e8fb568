"""Quotes and their speakers, on parses from the real spaCy pipeline.

Every sentence and name here is made up for these tests.
"""

from __future__ import annotations

import pytest

from newsweave.model import Quote
from newsweave.nlp.entities import extract_mentions
from newsweave.nlp.quotes import extract_quotes


@pytest.fixture(scope="module")
def quotes_of(engine):
    nlp = engine.analyzer.nlp

    def run(text: str) -> list[Quote]:
        doc = nlp(text)
        found = extract_quotes(doc, extract_mentions(doc))
        for q in found:
            assert text[q.start : q.end] == q.text
            if q.speaker_start is not None:
                assert text[q.speaker_start : q.speaker_end] == q.speaker
        assert [(q.start, q.end) for q in found] == sorted((q.start, q.end) for q in found)
        return found

    return run


def only(found: list[Quote], *, direct: bool) -> Quote:
    picked = [q for q in found if q.direct is direct]
    assert len(picked) == 1, found
    return picked[0]


@pytest.mark.parametrize(
    "text",
    [
        '"The quay will reopen in June," said Harbour Commissioner Lena Vos.',
        "“The quay will reopen in June,” Lena Vos said.",
    ],
)
def test_direct_quote_speech_verb_after(quotes_of, text: str) -> None:
    q = only(quotes_of(text), direct=True)
    # The quoted words without the quote marks and the trailing comma.
    assert q.text == "The quay will reopen in June"
    assert q.speaker == "Lena Vos"


@pytest.mark.parametrize(
    "text",
    [
        'Lena Vos said: "The quay will reopen in June."',
        "Lena Vos said, “The quay will reopen in June.”",
    ],
)
def test_direct_quote_speech_verb_before(quotes_of, text: str) -> None:
    q = only(quotes_of(text), direct=True)
    assert q.text == "The quay will reopen in June."
    assert q.speaker == "Lena Vos"
    assert (q.speaker_start, q.speaker_end) == (0, 8)


def test_reported_speech(quotes_of) -> None:
    text = "Harbour Commissioner Lena Vos said that the quay would reopen in June."
    q = only(quotes_of(text), direct=False)
    assert q.text.removeprefix("that ") == "the quay would reopen in June"
    # The named person, not the whole subject phrase with its title.
    assert q.speaker == "Lena Vos"


def test_according_to(quotes_of) -> None:
    text = "The quay will reopen in June, according to Lena Vos."
    q = only(quotes_of(text), direct=False)
    assert q.speaker == "Lena Vos"
    assert q.start == 0 and "reopen in June" in q.text


def test_pronoun_speaker_is_the_last_named_person(quotes_of) -> None:
    text = "Lena Vos met Tomas Reyes on Monday. He said that repairs would take a month."
    q = only(quotes_of(text), direct=False)
    assert q.speaker == "Tomas Reyes"
    assert text[q.speaker_start : q.speaker_end] == "Tomas Reyes"


def test_she_skips_a_man_the_report_calls_he(quotes_of) -> None:
    text = ("Tomas Reyes has skippered the ferry for a decade, and his crew is ready. "
            "Lena Vos runs the line and met Tomas Reyes on Monday. "
            "She said that repairs would take a month.")
    q = [q for q in quotes_of(text) if "repairs" in q.text][0]
    assert q.speaker == "Lena Vos"


def test_he_skips_a_woman_the_report_calls_ms(quotes_of) -> None:
    text = "Tomas Reyes met Ms. Lena Vos on Monday. He said that repairs would take a month."
    q = only(quotes_of(text), direct=False)
    assert q.speaker == "Tomas Reyes"


def test_a_person_of_unknown_sex_may_be_either_pronoun(quotes_of) -> None:
    text = "Lena Vos met Tomas Reyes on Monday. She said that repairs would take a month."
    q = only(quotes_of(text), direct=False)
    assert q.speaker == "Tomas Reyes"


def test_pronoun_speaker_of_a_direct_quote(quotes_of) -> None:
    text = 'Lena Vos toured the quay on Monday. "Repairs will take a month," she said.'
    q = only(quotes_of(text), direct=True)
    assert q.text == "Repairs will take a month"
    assert q.speaker == "Lena Vos"


def test_pronoun_with_nobody_named_before_stays_as_written(quotes_of) -> None:
    text = "She said that repairs would take a month. Lena Vos agreed."
    q = only(quotes_of(text), direct=False)
    assert q.speaker == "She"


def test_single_quoted_word_is_not_a_quote(quotes_of) -> None:
    assert not [q for q in quotes_of('The mayor called the plan "reckless" on Monday.') if q.direct]


def test_two_word_scare_quote_is_not_a_quote(quotes_of) -> None:
    found = quotes_of('The mayor called the plan "very good" on Monday.')
    assert not [q for q in found if q.direct]


def test_sentence_without_speech_has_no_quotes(quotes_of) -> None:
    assert quotes_of("The ferry left the pier after the fog lifted.") == []


def test_he_skips_a_woman_the_report_calls_spokeswoman(quotes_of) -> None:
    text = ("Tomas Reyes fled the depot on Monday, spokeswoman Lena Vos said. "
            "He said that he would give himself up.")
    q = [q for q in quotes_of(text) if "give himself up" in q.text][0]
    assert q.speaker == "Tomas Reyes"


def test_a_quote_run_on_over_sentences_has_one_speaker(quotes_of) -> None:
    text = ('Lena Vos toured the quay on Monday. “The quay has stood for a century and it will '
            'stand for another.” “Repairs will take a month,” Vos said.')
    run_on, credited = sorted((q for q in quotes_of(text) if q.direct), key=lambda q: q.start)
    assert "century" in run_on.text and "Vos" in (credited.speaker or "")
    assert run_on.speaker == credited.speaker


def test_straight_single_quotes_are_quotes(quotes_of) -> None:
    text = ("The council closed the quay on Monday. 'The quay isn't safe. Repairs will take a "
            "month,' Lena Vos said. The sailors' union and the Reyes' boat stayed.")
    quotes = [q for q in quotes_of(text) if q.direct]
    assert len(quotes) == 1, [q.text for q in quotes]
    assert quotes[0].text.startswith("The quay isn't safe") and quotes[0].speaker == "Lena Vos"
