"""Claims cut from sentences, through the real analyzer of the session ``engine``.

Every report here is made up for these tests.
"""

from __future__ import annotations

import pytest

from newsweave.ingest.text import article_from_text
from newsweave.model import AnalyzedArticle, Article, Claim

REPORT = (
    "KESSINGTON – The harbour board approved the dredging contract on Monday, cut the "
    "pilotage fee by 5 percent and delayed a vote on the new crane until May.\n"
    "The storm flooded the lower town overnight, cutting power to 3,000 homes.\n"
    "The ferry left the pier after the fog lifted.\n"
    "The council did not approve the parking plan.\n"
    "The harbour master never visited the flooded sheds.\n"
    "Heavy rain.\n"
    '"The crane is twenty years old," said board chair Maria Jensen.\n'
    "Jensen said the board would meet again on 3 June.\n"
)


def analyze(engine, text: str, **fields) -> AnalyzedArticle:
    article = article_from_text(text, path="report.txt", source="report.txt")
    for key, value in fields.items():
        setattr(article, key, value)
    [result] = engine.analyzer.analyze([article])
    check_offsets(result)
    return result


def check_offsets(result: AnalyzedArticle) -> None:
    """Every claim is a non-empty stretch of one sentence, outside the dateline."""
    text = result.article.text
    for c in result.claims:
        span = text[c.start : c.end]
        assert span.strip() == span and span, c
        assert c.start >= result.article.body_start
        sent = result.sentences[c.sentence]
        assert sent.start <= c.start < c.end <= sent.end, (c, sent)
        assert c.article == result.article.id


def in_sentence(result: AnalyzedArticle, words: str) -> list[Claim]:
    [index] = [i for i, s in enumerate(result.sentences) if words in s.text]
    return [c for c in result.claims if c.sentence == index]


@pytest.fixture(scope="module")
def report(engine) -> AnalyzedArticle:
    return analyze(engine, REPORT, published="2025-09-10")


def test_dateline_is_read(report) -> None:
    art = report.article
    assert art.dateline == "KESSINGTON"
    assert art.text[: art.body_start] == "KESSINGTON – "


def test_three_coordinated_verbs_give_three_claims(report) -> None:
    claims = in_sentence(report, "dredging contract")
    text = report.article.text
    assert [text[c.start : c.end] for c in claims] == [
        "The harbour board approved the dredging contract on Monday",
        "cut the pilotage fee by 5 percent",
        "delayed a vote on the new crane until May",
    ]
    assert [c.predicate for c in claims] == ["approve", "cut", "delay"]
    # The span stays the exact clause; the subject is restored in the text.
    assert claims[0].text == "The harbour board approved the dredging contract on Monday"
    assert claims[1].text == "The harbour board cut the pilotage fee by 5 percent"
    assert claims[2].text == "The harbour board delayed a vote on the new crane until May"
    assert {c.subject for c in claims} == {"The harbour board"}
    # Each clause keeps its own numbers.
    assert [[q.text for q in c.quantities] for c in claims] == [
        ["Monday"], ["5 percent"], ["May"]]
    assert len({c.id for c in claims}) == 3


def test_participle_clause_reads_as_a_whole_statement(report) -> None:
    claims = in_sentence(report, "lower town")
    text = report.article.text
    assert [text[c.start : c.end] for c in claims] == [
        "The storm flooded the lower town overnight",
        "cutting power to 3,000 homes",
    ]
    result = claims[1]
    # Shown alone, "cutting power to 3,000 homes" is a fragment: it gets the
    # sentence's subject and a finite verb in the sentence's tense.
    assert result.subject == "The storm"
    assert result.text == "The storm cut power to 3,000 homes"
    assert [q.value for q in result.quantities] == [3000.0]


def test_trailing_before_after_clause_stays_inside_its_fact(report) -> None:
    [claim] = in_sentence(report, "fog lifted")
    assert report.article.text[claim.start : claim.end] == (
        "The ferry left the pier after the fog lifted.")


@pytest.mark.parametrize(
    "sentence",
    [
        "Before the bridge opened, engineers tested the cables for a week.",
        "After the storm passed, crews repaired the line.",
        # "when" parsed as the clause's adverb is its mark all the same.
        "The warehouse will reopen when the inquiry ends.",
    ],
)
def test_a_subordinate_clause_stays_inside_its_fact(engine, sentence: str) -> None:
    result = analyze(engine, sentence + "\n")
    [claim] = result.claims
    assert result.article.text[claim.start : claim.end] == sentence


@pytest.mark.parametrize(
    ("words", "negated"),
    [
        ("parking plan", True),
        ("flooded sheds", True),
        ("fog lifted", False),
    ],
)
def test_negation(report, words: str, negated: bool) -> None:
    [claim] = in_sentence(report, words)
    assert claim.negated is negated


def test_negation_inside_reported_speech(engine) -> None:
    result = analyze(engine, "Council leader Agnes Tole said the council would not approve "
                     "the parking plan.\n")
    [claim] = result.claims
    assert claim.negated
    assert claim.predicate == "approve"
    assert claim.speaker == "Agnes Tole"
    # The subject of what she said, not the speaker: "the council would not approve".
    assert claim.subject == "the council"


def test_an_abbreviated_title_does_not_end_a_sentence(engine) -> None:
    result = analyze(engine, '"The depot will reopen," said Sgt. Mara Quell of the police. '
                     "Gov. Ray Fisk agreed.\n")
    assert [s.text for s in result.sentences] == [
        '"The depot will reopen," said Sgt. Mara Quell of the police.', "Gov. Ray Fisk agreed."]
    assert result.claims[0].speaker == "Mara Quell"
    assert "Sgt" not in {m.text for m in result.entities}


def test_negated_contractions(engine) -> None:
    result = analyze(engine, "HARBOUR CITY – The mayor wasn't at the meeting, "
                     "and the council didn't vote.\n")
    assert len(result.claims) == 2
    assert all(c.negated for c in result.claims)


def test_every_sentence_but_a_fragment_has_a_claim(report) -> None:
    assert len(report.sentences) == 8
    fragment = next(n for n, s in enumerate(report.sentences) if s.text == "Heavy rain.")
    assert {c.sentence for c in report.claims} == set(range(len(report.sentences))) - {fragment}


def test_verbless_fragment_states_no_fact(report) -> None:
    assert in_sentence(report, "Heavy rain") == []


@pytest.mark.parametrize(
    "line",
    [
        "Updated 4:08 p.m. ET",
        "PUBLISHED: 12:33 EST, 3 May 2013 | UPDATED: 13:01 EST, 3 May 2013",
        "May 03, 2013",
        "By Dana Whitlow",
        "Lindsay.",
        "http://www.example.org/2013/05/03/story.html",
        "Follow us on Twitter for the latest.",
        "Photo: Harbour Board",
    ],
)
def test_page_furniture_is_no_claim(engine, line: str) -> None:
    result = analyze(engine, f"{line}\nThe ferry resumed service on Tuesday.\n")
    assert [c.text for c in result.claims] == ["The ferry resumed service on Tuesday."]


def test_a_page_stamp_and_a_subheading_in_capitals_are_no_claims(engine) -> None:
    result = analyze(engine, "http://example.org/blog/2011/story.html\nMarch 2011 @ 10:15 pm"
                             "\nDOUBTS GROW AFTER DARING ESCAPE\n"
                             "The ferry resumed service on Tuesday.\n")
    assert [c.text for c in result.claims] == ["The ferry resumed service on Tuesday."]


def test_a_stamp_the_date_reader_missed_is_furniture(engine) -> None:
    # The day of "12 March 2011 @ 10:15 pm" cut off into the sentence before: the date
    # reader finds no date in what is left, the page's stamp is still read as one.
    from newsweave.nlp.furniture import is_furniture

    doc = engine.analyzer.nlp("March 2011 @ 10:15 pm")
    assert is_furniture(next(iter(doc.sents)), 0, [])


def test_words_cut_from_the_sentence_before_are_no_claim(engine) -> None:
    result = analyze(engine, "The story was first told on HarbourNews. com reported. "
                             "The ferry resumed service on Tuesday.\n")
    assert not any(c.text.lower().startswith("com") for c in result.claims), result.claims


def test_a_verbless_headline_with_content_is_a_claim(engine) -> None:
    result = analyze(engine, "Record harvest for Corran valley orchards this autumn\n")
    assert len(result.claims) == 1


def test_direct_quote_claim_carries_speaker_and_core(report) -> None:
    [claim] = in_sentence(report, "twenty years old")
    assert claim.speaker == "Maria Jensen"
    assert claim.core == "The crane is twenty years old"


def test_reported_speech_claim_compares_the_statement(report) -> None:
    [claim] = in_sentence(report, "meet again")
    assert claim.speaker == "Jensen"
    assert claim.predicate == "meet"
    assert claim.core == "the board would meet again on 3 June"
    assert [q.value for q in claim.quantities] == ["2025-06-03"]


def test_claim_text_is_the_span_with_at_most_a_restored_subject(report) -> None:
    text = report.article.text
    for c in report.claims:
        span = " ".join(text[c.start : c.end].split())
        if c.text.startswith(f"{c.subject} ") and c.predicate and span.startswith(
                c.predicate[:3]):
            continue  # a participle shown as a statement (tested above)
        assert c.text == span or (c.subject and c.text == f"{c.subject} {span}"), c


@pytest.mark.parametrize(
    "text",
    [
        "PORT ELLERY – Crews worked through the night to clear the road.\n",
        "WASHINGTON, DC – Lawmakers passed the bill, sent it to the president and went home.\n",
        "Kessington: Police closed the bridge on Monday.\n",
        "NORTH QUAY – Fire crews, who arrived within minutes, put out the blaze.\n",
    ],
)
def test_dateline_is_never_in_a_claim_or_subject(engine, text: str) -> None:
    result = analyze(engine, text)
    art = result.article
    assert art.dateline and art.body_start > 0
    dateline = art.text[: art.body_start]
    assert result.claims
    for c in result.claims:
        assert c.start >= art.body_start
        assert not c.text.startswith(art.dateline), c
        assert art.dateline not in (c.subject or "")
        assert "–" not in (c.subject or "") and dateline.strip() not in c.text
    assert all(s.start >= art.body_start for s in result.sentences)


def test_pronoun_subject_is_resolved_in_the_claim_text(engine) -> None:
    result = analyze(engine, "Lena Vos toured the quay on Monday. She said that the repairs "
                     "would take a month.\n")
    claim = result.claims[-1]
    assert result.article.text[claim.start : claim.end].startswith("She said")
    assert claim.text == "Lena Vos said that the repairs would take a month."
    assert claim.speaker == "Lena Vos"


def test_pronoun_after_a_quote_is_resolved_in_place(engine) -> None:
    result = analyze(engine, 'Lena Vos toured the quay on Monday. "The work is urgent," '
                     "she added.\n")
    claim = result.claims[-1]
    assert "work is urgent" in claim.text
    assert claim.text in {'"The work is urgent," Lena Vos added.',
                          '"The work is urgent," she added.'}


def test_claims_of_a_batch_keep_their_article(engine) -> None:
    a1 = Article(id="a1", text="The harbour board approved the contract.")
    a2 = Article(id="a2", text="The ferry left the pier after the fog lifted.")
    r1, r2 = engine.analyzer.analyze([a1, a2])
    assert [c.article for c in r1.claims] == ["a1"]
    assert [c.article for c in r2.claims] == ["a2"]
    assert r1.claims[0].id != r2.claims[0].id


# --- every claim reads as a whole statement -------------------------------------------------


def texts_of(engine, text: str) -> list[str]:
    return [c.text for c in analyze(engine, text).claims]


def test_a_speech_participle_gets_its_speaker_and_a_closed_quote(engine) -> None:
    texts = texts_of(engine, 'On his website, Mayor Ivo Brandt called the plan "sound," adding, '
                             '"Most of the cost will fall on the port authority next year.\n')
    added = next(t for t in texts if "Most of the cost" in t)
    assert added.startswith("Ivo Brandt added") or added.startswith("Mayor Ivo Brandt added")
    assert added.count('"') % 2 == 0


def test_a_participle_follows_its_subject_through_a_chain(engine) -> None:
    texts = texts_of(engine, "Rana Oduya confirmed the sale, describing the talks as long, "
                             "expressing hope that the yard would stay open.\n")
    assert any(t.startswith("Rana Oduya described the talks") for t in texts), texts
    assert any(t.startswith("Rana Oduya expressed hope") for t in texts), texts


def test_connectives_and_contrast_marks_are_not_shown(engine) -> None:
    texts = texts_of(engine, "However, the ferry kept running overnight. The council approved "
                             "the budget, though councillor Ines Moll voted against it.\n")
    assert texts[0].startswith("The ferry kept running")
    assert any(t.startswith("Councillor Ines Moll voted") for t in texts), texts
    # A subordinate clause before its head stays: it is part of that statement.
    texts = texts_of(engine, "While the union backed the offer, the board rejected it.\n")
    assert texts == ["While the union backed the offer, the board rejected it."]


def test_a_pronoun_is_never_a_person_named_inside_a_quote(engine) -> None:
    result = analyze(engine, 'The minister, Sela Horvat, said progress would come "with Premier '
                             'Anton Dale in charge." She added that talks would resume.\n')
    speakers = {c.speaker for c in result.claims if c.speaker}
    assert "Anton Dale" not in speakers


def test_a_multi_fact_sentence_has_facets(engine) -> None:
    [claim] = analyze(engine, "The minister held a two-hour meeting with union leaders, "
                              "following her tour of the flooded depot.\n").claims
    assert [f.text for f in claim.facets] == ["following her tour of the flooded depot"]
    assert claim.kernel == "The minister held a two-hour meeting with union leaders."
    for f in claim.facets:
        assert claim.start <= f.start < f.end <= claim.end


def test_a_result_clause_is_told_with_its_event(engine) -> None:
    """A thing that underwent an event did not do what followed: "a span collapsed,
    injuring 9 people" is not "the span injured 9 people"."""
    [event, result] = analyze(engine, "A span of the old quay collapsed on Friday, injuring "
                                      "nine dockworkers.\n").claims
    assert event.text == "A span of the old quay collapsed on Friday"
    assert result.text == "A span of the old quay collapsed on Friday, injuring nine dockworkers"
    # Compared as the result alone, as before (what other reports word it as).
    assert result.core == "A span of the old quay injured nine dockworkers"
    # An agent does what follows: a person's participle clause is still theirs.
    texts = texts_of(engine, "The warden closed the quay, warning that more of it could fall.\n")
    assert any(t.startswith("The warden warned that") for t in texts), texts


def test_two_verbs_sharing_an_object_are_one_statement(engine) -> None:
    """"Officers shot and killed a man" is one statement; "officers shot" alone reads cut."""
    assert texts_of(engine, "Two guards shot and wounded a burglar at the depot on Friday.\n") \
        == ["Two guards shot and wounded a burglar at the depot on Friday."]
    # Each verb with its own object is a statement of its own.
    assert texts_of(engine, "The board approved the plan and cut the fee by 5 percent.\n") == [
        "The board approved the plan", "The board cut the fee by 5 percent"]


def test_an_inverted_clause_is_no_statement(engine) -> None:
    """"And so were the two drivers" leans on the sentence before it; a question states
    nothing. Neither is shown as a claim; an inversion after an adverb still is."""
    assert texts_of(engine, "The ferry's captain is a careful man.\nAnd so were the two "
                            "deckhands she hired last spring.\n") == [
        "The ferry's captain is a careful man."]
    assert texts_of(engine, "Was the ferry inspected before it sailed?\n") == []
    assert texts_of(engine, "Never had the harbour seen such a storm.\n") == [
        "Never had the harbour seen such a storm."]


def test_a_reported_clause_cut_from_its_verb_reads_without_that(engine) -> None:
    texts = texts_of(engine, "Officials said the pier was safe and that the ferry would sail "
                             "on Monday.\n")
    assert texts == ["Officials said the pier was safe", "The ferry would sail on Monday"]


def test_a_pronoun_inside_a_quote_is_not_its_speaker(engine) -> None:
    result = analyze(engine, "The gunman, 43-year-old Mara Quell, had been suspended that "
                             "morning. Police chief Tomas Reyes says she was escorted out: "
                             "“She drove her car through a gate. She had a rifle.”\n")
    [claim] = [c for c in result.claims if "rifle" in c.text]
    assert "Tomas Reyes" not in claim.text
    # Inside the quote, the name stands in brackets: the quoted words are not changed.
    assert claim.text == "“[Mara Quell] had a rifle.”"


def test_a_claim_begun_inside_a_single_quoted_quotation_opens_it(engine) -> None:
    texts = texts_of(engine, "The council shut the quay. 'Most of the piers are rotten. They "
                             "can't take a truck,' Lena Vos said. The sailors' union agreed.\n")
    told = next(t for t in texts if "take a truck" in t)
    assert told.startswith("'They can't take a truck,'"), texts
    assert not any(t.startswith("'") for t in texts if "union" in t), texts


def test_quote_marks_a_page_mixed_are_closed_once() -> None:
    from newsweave.nlp.claims import close_quotes

    # A curly quote closed by a straight mark, and a straight mark that closes a quote
    # begun in the sentence before.
    assert close_quotes('“The sooner, the better," Vos told reporters.') == (
        "“The sooner, the better,” Vos told reporters.")
    assert close_quotes('the better," Vos said.') == '"the better," Vos said.'
    assert close_quotes('Vos said "the quay is safe') == 'Vos said "the quay is safe"'


def test_a_result_clause_keeps_the_until_that_its_negation_needs(engine) -> None:
    texts = texts_of(engine, "The hearing will not begin until the week of 8 February, "
                             "allowing the defence two weeks to prepare its case.\n")
    allowing = next(t for t in texts if "allowing" in t)
    assert "not begin until the week of 8 February" in allowing, texts


def test_a_verb_the_parser_joined_to_the_wrong_verb_takes_no_subject_from_it(engine) -> None:
    # "ban" and "set" belong with "would limit" (the rules would), but the parser joins
    # them to "are drafting": the staff do not set the standards.
    texts = texts_of(engine, "Harbour board staff are drafting terms for possible ferry-safety "
                             "rules that would limit the number of passengers on older boats to "
                             "local routes, ban night crossings except in storm emergencies and "
                             "set federal standards for so-called fast ferries, according to "
                             "people familiar with the talks.\n")
    assert not any(t.startswith("Harbour board staff set") for t in texts), texts


def test_a_verb_the_parser_joined_across_a_clause_takes_that_clauses_subject(engine) -> None:
    # "tied" and "ran" go with "Lund took", not with "were forced": Lund ran away.
    texts = texts_of(engine, "The guards, who were unhurt, were forced to drive to the harbour "
                             "area, where Lund took their radios, tied them together and ran "
                             "away.\n")
    assert "Lund ran away" in texts, texts
