"""The brief a person reads: a short lead, each conflict once, a few lines per outlet."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsweave.brief import LEAD_MAX, LEAD_MIN, SHOWN_PER_OUTLET
from newsweave.model import AnalyzedArticle, Article

SAMPLES = Path(__file__).resolve().parents[1] / "src" / "newsweave" / "samples"


def _reports(texts: dict[str, str]) -> list[AnalyzedArticle]:
    """One report per text, its id the outlet's name in lower case."""
    return [AnalyzedArticle(article=Article(text=t, id=i, outlet=i.upper()))
            for i, t in texts.items()]


@pytest.fixture(scope="module")
def demo(engine):
    from newsweave import compare

    return compare([SAMPLES], engine=engine)


def test_the_lead_is_a_few_whole_sentences_with_the_best_support(demo) -> None:
    lead = [b for b in demo.brief if b.kind == "lead"]
    assert LEAD_MIN <= len(lead) <= LEAD_MAX
    for item in lead:
        assert item.text[0].isupper() and item.text.endswith((".", "!", "?", "”", '"'))
        assert len(item.text.split()) >= 6
    # The core event first, as the reports open with it.
    assert "collapsed" in lead[0].text
    support = {g.text.rstrip("."): g.independent_sources for g in demo.claims}
    assert all(support.get(item.text.rstrip("."), 2) >= 2 for item in lead)


def test_a_core_event_with_a_disputed_number_leads_and_says_so(story_results) -> None:
    # Both reports tell of the grounding; they differ on the passengers aboard.
    lead = [b for b in story_results("number-conflict").brief if b.kind == "lead"]
    assert "ran aground" in lead[0].text
    assert "the reports differ: 212 passengers vs 186 passengers" in lead[0].text


def test_each_conflict_is_one_line_citing_both_sides(demo) -> None:
    lines = [b for b in demo.brief if b.kind == "conflict"]
    assert len(lines) == sum(len(g.conflicts) for g in demo.claims)
    for item in lines:
        assert len(item.citations) == 2 and "\n" not in item.text


def test_single_source_lines_are_few_per_outlet_and_the_rest_folded(demo) -> None:
    by_outlet: dict[str, list] = {}
    for b in demo.brief:
        if b.kind == "single_source":
            by_outlet.setdefault(b.outlet, []).append(b)
    assert by_outlet
    for items in by_outlet.values():
        shown = [b for b in items if not b.more]
        assert len(shown) <= SHOWN_PER_OUTLET
        assert items[: len(shown)] == shown  # the shown ones come first


def test_no_omission_paragraphs(demo) -> None:
    assert not [b for b in demo.brief if "does not report" in b.text]
    assert {b.kind for b in demo.brief} <= {"lead", "conflict", "corroborated", "single_source"}


def test_the_lead_tells_each_event_once_and_whole(engine) -> None:
    """Reports open with a headline and then tell the event whole: the lead gives the
    event once, in the whole sentence, not the headline beside it."""
    from newsweave import compare
    from newsweave.model import Article

    texts = [
        "Harbour pilot Jonas Merrick dies at 81\nJonas Merrick, who guided ships into Port "
        "Ellery for four decades, died on Sunday at his home in the old town, his family said. "
        "He had retired from the harbour service in 2009. The harbour board will lower its "
        "flag on Monday.",
        "Harbour pilot Jonas Merrick dies at 81\nJonas Merrick, the pilot who guided ships into "
        "Port Ellery for forty years, died on Sunday at home, his family said. The harbour "
        "board will fly its flag at half-mast on Monday. He retired from the harbour service "
        "in 2009.",
    ]
    result = compare([Article(text=t, outlet=o, published="2025-04-07")
                      for t, o in zip(texts, ("Ellery Courier", "Coastline News"), strict=True)],
                     engine=engine)
    lead = [b.text for b in result.brief if b.kind == "lead"]
    assert sum("died" in t or "dies" in t for t in lead) == 1, lead
    assert not any("dies at 81" in t for t in lead), lead
    assert any(t.startswith("Jonas Merrick") and "died on Sunday" in t for t in lead), lead


def test_a_span_matched_to_two_facts_leads_once(demo) -> None:
    """One report's same words may join two facts (one sentence, two groups): the lead
    states that once."""
    lead = [b for b in demo.brief if b.kind == "lead"]
    cited = [(c.article, c.start, c.end) for b in lead for c in b.citations]
    assert len(cited) == len(set(cited)), [b.text for b in lead]
    # A result clause leads told with its event, never as "the section injured ...".
    assert not any("section injured" in b.text for b in lead)


def test_a_quote_cut_mid_sentence_ends_the_line() -> None:
    from newsweave.brief import _end

    assert _end("The mayor called the plan “sound,”") == "The mayor called the plan “sound.”"
    assert _end("The mayor said “we will rebuild.”") == "The mayor said “we will rebuild.”"
    assert _end("The mayor called it “sound”") == "The mayor called it “sound”."


def test_shared_headlines_follow_the_facts_told_in_sentences() -> None:
    from newsweave.brief import _headline
    from newsweave.model import ClaimGroup

    def group(text: str) -> ClaimGroup:
        return ClaimGroup(id="g", status="corroborated", independent_sources=2, text=text,
                          mentions=[])

    assert _headline(group("Ferry Runs Aground Off Skerra With 212 Aboard"))
    assert not _headline(group("The ferry ran aground off Skerra with 212 passengers aboard"))
    assert not _headline(group("Circuit Judge Ilse Varga refused bail for the accused man"))


def test_a_conflict_line_ends_once() -> None:
    """A side that quotes a whole sentence ends the line: no second full stop."""
    from newsweave.brief import make_brief
    from newsweave.model import AnalyzedArticle, Article, ClaimGroup, Conflict, Mention

    a_text = "The mayor said the pier was sound."
    b_text = 'The mayor called the pier "a danger to every boat."'
    reports = [AnalyzedArticle(article=Article(text=t, id=i, outlet=o))
               for t, i, o in ((a_text, "a", "Ledger"), (b_text, "b", "Post"))]
    sides = [Mention("a", 0, len(a_text), a_text), Mention("b", 0, len(b_text), b_text)]
    group = ClaimGroup(id="g", status="conflicting", independent_sources=2, text=a_text,
                       mentions=sides,
                       conflicts=[Conflict("contradiction", "opposite things", sides)])
    [line] = [b for b in make_brief(reports, [group], {}) if b.kind == "conflict"]
    # A side that quotes only part of itself is told as a statement: "reports that ...".
    assert line.text.endswith(
        'Post reports that the mayor called the pier "a danger to every boat."')
    assert "Ledger reports “The mayor said the pier was sound”;" in line.text


def test_a_conflict_side_cut_from_its_sentence_is_told_whole() -> None:
    """A participle clause ("suggesting ...") is told as the claim's whole statement."""
    from newsweave.brief import make_brief
    from newsweave.model import AnalyzedArticle, Article, Claim, ClaimGroup, Conflict, Mention

    a_text = "The board's statement named the dock, suggesting private ownership of it."
    b_text = "The board and the council said public ownership would protect the dock."
    reports = [AnalyzedArticle(article=Article(text=t, id=i, outlet=o))
               for t, i, o in ((a_text, "a", "Ledger"), (b_text, "b", "Post"))]
    cut = a_text.index("suggesting")
    sides = [Mention("a", cut, len(a_text) - 1, a_text[cut:-1]),
             Mention("b", 0, len(b_text), b_text)]
    claim = Claim(id="c", article="a", sentence=0, start=cut, end=len(a_text) - 1,
                  text="The board's statement suggested private ownership of it.")
    group = ClaimGroup(id="g", status="conflicting", independent_sources=2, text=b_text,
                       mentions=sides, conflicts=[Conflict("attribution", "who", sides)],
                       _claims=[claim])
    [line] = [b for b in make_brief(reports, [group], {}) if b.kind == "conflict"]
    assert "Ledger reports that the board's statement suggested private ownership of it;" \
        in line.text


def test_a_lead_line_reads_alone() -> None:
    """A fact worded only as "she did X", or opening on what came before ("This
    shooting"), is not a lead line, however well supported."""
    from newsweave.brief import make_brief
    from newsweave.model import ClaimGroup, Mention

    texts = {
        "a": "She shot two of her co-workers, police say. Mara Quell drove her van "
             "through the gate of the depot. The depot stayed closed on Friday. "
             "This shooting was the first at the depot. "
             "This week the depot reopened its gates to drivers.",
        "b": "She shot two co-workers. Mara Quell drove her van through the depot gate. "
             "The depot stayed shut on Friday. This shooting was the first at the depot. "
             "This week the depot reopened its gates to drivers.",
    }
    reports = _reports(texts)

    def group(gid: str, words: str) -> ClaimGroup:
        mentions = []
        for i, t in texts.items():
            start = t.index(words)
            end = t.index(".", start)
            mentions.append(Mention(i, start, end, t[start:end]))
        return ClaimGroup(id=gid, status="corroborated", independent_sources=2,
                          text=mentions[0].text + ".", mentions=mentions)

    groups = [group("g1", "She shot"), group("g2", "Mara Quell drove"),
              group("g3", "The depot stayed"), group("g4", "This shooting"),
              group("g5", "This week")]
    lead = [b.text for b in make_brief(reports, groups, {}) if b.kind == "lead"]
    assert not any(t.startswith(("She ", "This shooting")) for t in lead), lead
    assert any(t.startswith("This week") for t in lead), lead
    assert any(t.startswith("Mara Quell drove") for t in lead), lead


def test_a_phrase_of_a_lead_sentence_is_not_another_lead_line() -> None:
    """A fact a lead sentence already tells (one of its phrases, matched on its own) does
    not lead again in other words."""
    from newsweave.brief import make_brief
    from newsweave.model import ClaimGroup, Mention

    texts = {
        "a": "Mayor Ines Marlowe toured the flooded depot on Monday, after meeting the rail "
             "unions. The depot stayed closed for the rest of the week.",
        "b": "Marlowe walked through the depot on Monday. Before that, the mayor had met "
             "leaders of the rail unions at city hall. The depot stayed shut all week.",
    }
    reports = _reports(texts)

    def group(gid: str, spans: dict[str, str]) -> ClaimGroup:
        mentions = []
        for i, words in spans.items():
            start = texts[i].index(words)
            mentions.append(Mention(i, start, start + len(words), words))
        return ClaimGroup(id=gid, status="corroborated", independent_sources=2,
                          text=mentions[0].text.rstrip(".") + ".", mentions=mentions)

    groups = [
        group("g1", {"a": "Mayor Ines Marlowe toured the flooded depot on Monday, after "
                          "meeting the rail unions.",
                     "b": "Marlowe walked through the depot on Monday."}),
        group("g2", {"b": "the mayor had met leaders of the rail unions at city hall",
                     "a": "after meeting the rail unions"}),
        group("g3", {"a": "The depot stayed closed for the rest of the week.",
                     "b": "The depot stayed shut all week."}),
    ]
    lead = [b.text for b in make_brief(reports, groups, {}) if b.kind == "lead"]
    assert len(lead) == 2 and not any("leaders of the rail unions" in t for t in lead), lead


def test_sentences_lead_before_headlines() -> None:
    """A Title Case headline several reports share leads only when too few sentences do."""
    from newsweave.brief import make_brief
    from newsweave.model import ClaimGroup, Mention

    texts = {
        "a": "Harwick Depot Fire Shuts Rail Line Into The City\n\nA fire at the Harwick depot "
             "shut the rail line on Monday night. About forty firefighters fought the blaze "
             "for six hours. The cause of the fire is not yet known to the police.",
        "b": "Harwick Depot Fire Shuts Rail Line Into The City\n\nFire shut the rail line at "
             "the Harwick depot late on Monday. Some forty firefighters fought the blaze "
             "for six hours. Police do not yet know the cause of the fire at the depot.",
    }
    reports = _reports(texts)

    def group(gid: str, a: str, b: str) -> ClaimGroup:
        mentions = []
        for i, words in (("a", a), ("b", b)):
            start = texts[i].index(words)
            mentions.append(Mention(i, start, start + len(words), words))
        return ClaimGroup(id=gid, status="corroborated", independent_sources=2,
                          text=a.rstrip(".") + ".", mentions=mentions)

    title = "Harwick Depot Fire Shuts Rail Line Into The City"
    groups = [
        group("g1", title, title),
        group("g2", "A fire at the Harwick depot shut the rail line on Monday night.",
              "Fire shut the rail line at the Harwick depot late on Monday."),
        group("g3", "About forty firefighters fought the blaze for six hours.",
              "Some forty firefighters fought the blaze for six hours."),
        group("g4", "The cause of the fire is not yet known to the police.",
              "Police do not yet know the cause of the fire at the depot."),
    ]
    lead = [b.text for b in make_brief(reports, groups, {}) if b.kind == "lead"]
    assert len(lead) == 3 and not any(t.startswith("Harwick Depot") for t in lead), lead
    # With fewer than three sentences to tell, the headline opens the lead.
    lead = [b.text for b in make_brief(reports, groups[:2], {}) if b.kind == "lead"]
    assert lead[0].startswith("Harwick Depot"), lead


def test_facts_worded_alike_are_one_line() -> None:
    from newsweave.brief import make_brief
    from newsweave.model import ClaimGroup, Mention

    texts = {i: "The mayor toured the depot on Monday with the rail unions. "
                "Marlowe was 61. She had been mayor since 2019 and lived in Harwick."
             for i in "abc"}
    reports = _reports(texts)

    def group(gid: str, words: str, ids: str) -> ClaimGroup:
        mentions = [Mention(i, texts[i].index(words), texts[i].index(words) + len(words),
                            words) for i in ids]
        return ClaimGroup(id=gid, status="corroborated", independent_sources=len(ids),
                          text=words, mentions=mentions)

    groups = [group("g1", "The mayor toured the depot on Monday with the rail unions.", "abc"),
              group("g2", "She had been mayor since 2019 and lived in Harwick.", "abc"),
              group("g4", "Marlowe was 61.", "ab"), group("g5", "Marlowe was 61.", "bc")]
    lines = [b for b in make_brief(reports, groups, {})
             if b.kind == "corroborated" and b.text == "Marlowe was 61."]
    assert len(lines) == 1
    assert {c.article for c in lines[0].citations} == {"a", "b", "c"}


def test_quoted_words_are_given_as_their_speakers() -> None:
    """A line from inside a quote that does not name its speaker is told as the speaker's
    words; a line an earlier one of the outlet already holds is not told again."""
    from newsweave.brief import make_brief
    from newsweave.model import AnalyzedArticle, Article, Claim, ClaimGroup, Mention, Quote

    text = ("“The quay has stood for a century. It will stand for another,” Lena Vos said. "
            "The quay will reopen on Friday, police said. "
            "“The quay has stood for a century.”")
    inner = "The quay has stood for a century. It will stand for another,"
    report = AnalyzedArticle(
        article=Article(text=text, id="a", outlet="A"),
        quotes=[Quote(start=1, end=1 + len(inner), text=inner, direct=True,
                      speaker="Lena Vos")])

    def single(words: str, speaker: str | None, at: int = 0) -> ClaimGroup:
        start = text.index(words, at)
        claim = Claim(id=words[:6], article="a", sentence=0, start=start,
                      end=start + len(words), text=words, speaker=speaker)
        return ClaimGroup(id=words[:6], status="single_source", independent_sources=1,
                          text=words, mentions=[Mention("a", start, start + len(words), words)],
                          _claims=[claim])

    groups = [single("It will stand for another", "Lena Vos"),
              single("The quay will reopen on Friday", "police"),
              single("“The quay has stood for a century.”", None, at=10),
              single("The quay has stood for a century.", "Lena Vos")]
    told = [b.text for b in make_brief([report], groups, {})]
    assert "Lena Vos: “It will stand for another.”" in told, told
    # Words no quote holds are not put in quote marks; the quote given twice is told once.
    assert "The quay will reopen on Friday." in told, told
    assert sum("stood for a century" in t for t in told) <= 1, told


def test_a_verb_without_its_subject_or_half_a_sentence_does_not_lead() -> None:
    from newsweave.brief import make_brief
    from newsweave.model import AnalyzedArticle, Article, Claim, ClaimGroup, Mention

    text = ("The board set new standards for fast ferries on Monday. Set new standards for "
            "fast ferries and older boats. The ferries stopped running at night in March. "
            "Because two older ferries sank in the harbour storms last winter.")
    reports = [AnalyzedArticle(article=Article(text=text, id=i, outlet=i.upper()))
               for i in "ab"]

    def group(words: str, subject: str | None) -> ClaimGroup:
        start = text.index(words)
        claim = Claim(id=words[:6], article="a", sentence=0, start=start,
                      end=start + len(words), text=words, subject=subject, predicate="set")
        return ClaimGroup(id=words[:6], status="corroborated", independent_sources=2,
                          text=words, mentions=[Mention(i, start, start + len(words), words)
                                                for i in "ab"], _claims=[claim])

    groups = [group("Set new standards for fast ferries and older boats.", None),
              group("Because two older ferries sank in the harbour storms last winter.",
                    "two older ferries"),
              group("The board set new standards for fast ferries on Monday.", "The board"),
              group("The ferries stopped running at night in March.", "The ferries")]
    lead = [b.text for b in make_brief(reports, groups, {}) if b.kind == "lead"]
    assert not any(t.startswith(("Set new", "Because")) for t in lead), lead
