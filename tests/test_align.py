"""Alignment on the hand-written stories of tests/fixtures/stories (see its README).

Each test checks what a reader must see for one behaviour: facts stated in other
words join, different facts sharing a name or a number stay apart, and each kind
of conflict is flagged on the right spans.
"""

from __future__ import annotations

from newsweave.align import _named_subjects_differ
from newsweave.model import Claim, ClaimGroup, Comparison, EntityMention


def groups_with(result: Comparison, snippet: str) -> list[ClaimGroup]:
    return [g for g in result.claims if any(snippet in m.text for m in g.mentions)]


def one_group_with(result: Comparison, snippet: str) -> ClaimGroup:
    found = groups_with(result, snippet)
    assert found, f"no claim mentions {snippet!r}"
    return found[0]


def outlets(result: Comparison, group: ClaimGroup) -> set[str]:
    return {result.article(m.article).outlet or "" for m in group.mentions}


def conflicts(result: Comparison, kind: str | None = None):
    return [c for g in result.claims for c in g.conflicts if kind is None or c.type == kind]


def test_paraphrases_are_corroborated(story_results):
    r = story_results("paraphrase")
    for a, b in [
        ("fire tore through a furniture warehouse", "Flames engulfed a Mill Road storage depot"),
        ("About 60 firefighters", "some sixty crew members"),
        ("none of its staff had been inside", "no employees were in the building"),
    ]:
        g = one_group_with(r, a)
        assert any(b in m.text for m in g.mentions), f"{a!r} and {b!r} not joined"
        assert g.status == "corroborated"
        assert g.independent_sources == 2
    assert conflicts(r) == []


def test_shared_person_different_facts_stay_apart(story_results):
    r = story_results("shared-name-different-facts")
    for g in r.claims:
        assert len({m.article for m in g.mentions}) == 1, f"joined different facts: {g.text}"
    assert conflicts(r) == []


def test_number_conflict(story_results):
    r = story_results("number-conflict")
    nums = conflicts(r, "number")
    assert len(nums) == 1
    texts = {m.text for m in nums[0].mentions}
    assert any("212" in t for t in texts) and any("186" in t for t in texts)
    assert "212" in nums[0].detail and "186" in nums[0].detail
    g = one_group_with(r, "taken ashore by lifeboat crews")
    assert any("brought everyone on board safely" in m.text for m in g.mentions)
    assert g.status == "corroborated"
    # "on Sunday afternoon" and "yesterday afternoon" are the same day.
    assert conflicts(r, "date") == []


def test_date_conflict(story_results):
    r = story_results("date-conflict")
    dates = conflicts(r, "date")
    assert len(dates) == 1
    assert "06-14" in dates[0].detail and "06-21" in dates[0].detail
    assert conflicts(r, "role") == []
    g = one_group_with(r, "closed for three years")
    assert g.status == "corroborated"


def test_attribution_conflict(story_results):
    r = story_results("attribution-conflict")
    attr = conflicts(r, "attribution")
    assert len(attr) == 1
    assert "Lowe" in attr[0].detail and "Salo" in attr[0].detail
    g = one_group_with(r, "This town built that mill")
    assert g.status == "conflicting"
    assert conflicts(r, "number") == []


def test_negation_conflict(story_results):
    r = story_results("negation-conflict")
    neg = conflicts(r, "negation")
    assert len(neg) == 1
    texts = " ".join(m.text for m in neg[0].mentions)
    assert "did not approve" in texts and "approved a plan" in texts
    g = one_group_with(r, "200 residents attended")
    assert g.status == "corroborated"
    assert conflicts(r, "role") == []


def test_role_conflict(story_results):
    r = story_results("role-conflict")
    roles = conflicts(r, "role")
    assert len(roles) == 1
    assert "Fisheries Minister" in roles[0].detail and "Environment Minister" in roles[0].detail
    for m in roles[0].mentions:
        assert "Tove Lindahl" in m.text
    assert conflicts(r, "negation") == []
    g = one_group_with(r, "bottom trawling will be banned")
    assert any("bottom trawling will be prohibited" in m.text for m in g.mentions)


def test_multi_claim_sentence_yields_one_claim_per_fact(story_results):
    r = story_results("multi-claim-sentence")
    found = []
    for other in ("approved the town's budget", "receive 8 percent more money",
                  "pushed back to March"):
        g = one_group_with(r, other)
        assert g.status == "corroborated", g.text
        found.append(g.id)
    assert len(set(found)) == 3
    assert conflicts(r, "number") == []


def test_copies_count_once(story_results):
    r = story_results("copy")
    by_outlet = {a.article.outlet: a.article.id for a in r.articles}
    original = next(i for o, i in by_outlet.items() if "Highland" in o)
    reprint = next(i for o, i in by_outlet.items() if "Lowland" in o)
    independent = next(i for o, i in by_outlet.items() if "Valley" in o)
    assert r.copy_of == {reprint: original}
    assert independent not in r.copy_of
    g = one_group_with(r, "Trains were running again")
    assert g.status == "corroborated" and g.independent_sources == 2
    assert len({m.article for m in g.mentions}) == 3
    # Stated by the original and its reprint only: one source.
    g = one_group_with(r, "slower ride near the pass")
    assert g.independent_sources == 1 and g.status == "single_source"
    assert conflicts(r) == []


def test_demo_story(engine):
    from pathlib import Path

    import newsweave

    samples = Path(newsweave.__file__).parent / "samples"
    r = newsweave.compare(sorted(samples.glob("*.txt")), engine=engine)
    assert r.failures == []
    assert len(r.copy_of) == 1
    kinds = {c.type for c in conflicts(r)}
    assert {"number", "attribution", "negation", "role"} <= kinds
    # The trap: a 20-minute site meeting and a 45-minute call are two facts.
    meeting = one_group_with(r, "for 20 minutes")
    assert not any("45" in m.text for m in meeting.mentions)
    assert sum(g.status == "corroborated" for g in r.claims) >= 5


def test_unnamed_speaker_is_not_an_attribution_conflict(engine):
    import newsweave
    from newsweave.model import Article

    a = Article(
        text="KESSINGTON – “The harbour will reopen next week,” the spokesman said on Monday.",
        outlet="A", published="2025-05-05", body_start=len("KESSINGTON – "),
    )
    b = Article(
        text="KESSINGTON – “The harbour will reopen next week,” Mayor Ilse Varga said on Monday.",
        outlet="B", published="2025-05-05", body_start=len("KESSINGTON – "),
    )
    r = newsweave.compare([a, b], engine=engine)
    g = one_group_with(r, "The harbour will reopen next week")
    assert len({m.article for m in g.mentions}) == 2
    assert conflicts(r, "attribution") == []


# --- what a reader must not be shown, and what must not be missed -----------------------------


def test_false_alarms_stay_quiet(story_results):
    r = story_results("false-alarms")
    assert conflicts(r) == [], [(c.type, c.detail) for c in conflicts(r)]
    g = one_group_with(r, "checked into a residential treatment clinic")
    assert any("has entered a treatment clinic" in m.text for m in g.mentions)
    assert g.status == "corroborated"
    texts = " ".join(m.text for g in r.claims for m in g.mentions)
    for furniture in ("PUBLISHED", "Updated 4:08"):
        assert furniture not in texts


def test_disagreements_in_appearance_stay_quiet(story_results):
    r = story_results("quiet-disagreements")
    assert conflicts(r) == [], [(c.type, c.detail) for c in conflicts(r)]
    # One speaker, one sentence: the title's full stop does not cut it.
    g = one_group_with(r, "We have no information on a motive")
    assert any("said Sgt. Mara Quell" in m.text for m in g.mentions)
    assert g.independent_sources == 2
    # Nor are they one fact: the words tell them apart (another subject denied, another
    # thing measured).
    for told_apart in ("The firm's drivers are all signed on", "sought a five-year contract"):
        assert one_group_with(r, told_apart).status == "single_source"
    # A clause opened by "when" stays in its sentence's claim.
    assert one_group_with(r, "will reopen when the inquiry ends").independent_sources == 2


def test_amounts_of_different_things_do_not_conflict(story_results):
    r = story_results("quiet-amounts")
    assert conflicts(r) == [], [(c.type, c.detail) for c in conflicts(r)]
    # Nor are they one fact: games missed are not games played, two shots blocked in a
    # run are not six in the game, seven points are not 11 rebounds.
    for told_apart in ("missed four games", "blocked two shots", "scored seven points"):
        for g in groups_with(r, told_apart):
            assert g.status == "single_source", (told_apart, [m.text for m in g.mentions])


def test_facts_stated_in_other_words_join(story_results):
    r = story_results("shared-facts")
    g = one_group_with(r, "two-hour meeting with rail union leaders")
    assert any("met leaders of the rail unions" in m.text for m in g.mentions)
    assert g.independent_sources == 2


def test_a_reported_aim_joins_the_quote_that_states_it(story_results):
    r = story_results("shared-facts")
    g = one_group_with(r, "reconcile the unions' and the rail operator's demands")
    assert any("reconciling both" in m.text for m in g.mentions)


def test_one_sentence_supports_several_facts(story_results):
    r = story_results("shared-facts")
    # The meeting and the depot visit are two facts of one sentence in 01,
    # two sentences in 02: each joins, and 01's span for the visit is the phrase.
    meeting = one_group_with(r, "met leaders of the rail unions")
    visit = one_group_with(r, "Lund had toured the Harwick depot")
    assert meeting is not visit
    assert visit.independent_sources == 2
    [span] = [m for m in visit.mentions if "following her visit" in m.text]
    assert "two-hour" not in span.text


def test_rejected_vs_partly_agreed_is_a_framing_conflict(story_results):
    r = story_results("shared-facts")
    [framing] = conflicts(r, "framing")
    texts = " ".join(m.text for m in framing.mentions)
    assert "rejected the unions' pay offer" in texts and "agreed to pay a flood bonus" in texts


def test_one_speaker_vs_a_joint_statement_is_an_attribution_conflict(story_results):
    r = story_results("shared-facts")
    [attr] = conflicts(r, "attribution")
    assert "together" in attr.detail
    texts = " ".join(m.text for m in attr.mentions)
    assert "Lund's office" in texts and "joint statement" in texts


def test_each_disagreement_is_reported_once(story_results):
    for name in ("shared-facts", "number-conflict", "date-conflict", "false-alarms",
                 "quiet-disagreements", "quiet-amounts"):
        r = story_results(name)
        keys = [(c.type, tuple(sorted((m.article, m.start, m.end) for m in c.mentions)))
                for c in conflicts(r)]
        assert len(keys) == len(set(keys)), name


def test_bounds_and_estimates_leave_room_for_the_other_number():
    from newsweave.align import _ranges_meet
    from newsweave.model import Quantity

    def q(text: str, number: str, value: float, kind: str = "count") -> tuple[Quantity, str]:
        start = text.index(number)
        return Quantity(kind, start, start + len(number), number, value, "people"), text

    at_least = q("The quake killed at least three people.", "three people", 3)
    ten = q("The quake killed ten people.", "ten people", 10)
    assert _ranges_meet(*at_least, *ten)  # "at least three" may well be ten
    up_to = q("Up to 70 people were hurt.", "70 people", 70)
    more_than = q("More than 75 people were hurt.", "75 people", 75)
    assert not _ranges_meet(*up_to, *more_than)
    about = q("About 100 people were hurt.", "100 people", 100)
    assert not _ranges_meet(*about, *up_to)  # about 100 is not up to 70
    converted = (Quantity("money", 32, 44, "$1.5 million", 1.5e6, "USD"),
                 "Damage was put at $US1 million ($1.5 million).")
    one = (Quantity("money", 14, 24, "$1 million", 1e6, "USD"), "Damage put at $1 million.")
    assert _ranges_meet(*converted, *one)  # the bracketed sum is the same one converted


def test_titles_conflict_only_between_reports_of_one_time(engine):
    """Offices change: "Senator Varga" in an undated report may be years before
    "President Varga"; reports a few days apart should agree on the title."""
    import newsweave
    from newsweave.model import Article

    def pair(published_a, published_b):
        return [
            Article(text="Senator Ilse Varga opened the Kessington harbour bridge on Monday.",
                    outlet="A", published=published_a),
            Article(text="President Ilse Varga opened the Kessington harbour bridge on Monday.",
                    outlet="B", published=published_b),
        ]

    assert conflicts(newsweave.compare(pair(None, None), engine=engine), "role") == []
    assert conflicts(newsweave.compare(pair("2025-05-05", "2026-09-01"), engine=engine),
                     "role") == []
    same_week = newsweave.compare(pair("2025-05-05", "2025-05-06"), engine=engine)
    assert [c.detail for c in conflicts(same_week, "role")] == [
        "Ilse Varga: Senator vs President"]


def test_counts_of_different_things_are_not_one_slot():
    from newsweave.align import same_slot
    from newsweave.model import Claim, Quantity

    def claim(text: str, number: str, value: float, unit: str) -> tuple[Quantity, Claim]:
        start = text.index(number)
        q = Quantity("count", start, start + len(number), number, value, unit)
        return q, Claim(id="c", article="a", sentence=0, start=0, end=len(text), text=text,
                        quantities=[q], lemmas=["charge", "accused"])

    arson = claim("The accused was charged with two counts of arson.", "two counts", 2, "count")
    burglary = claim("The accused was charged with one count of burglary.", "one count", 1,
                     "count")
    also_arson = claim("The accused was charged with one count of arson.", "one count", 1,
                       "count")
    assert not same_slot(arson[0], burglary[0], arson[1], burglary[1])
    assert same_slot(arson[0], also_arson[0], arson[1], also_arson[1])


def test_a_hyphenated_amount_describes_a_noun_and_is_not_a_count_of_its_unit():
    from newsweave.align import same_slot
    from newsweave.model import Claim, Quantity

    def claim(text: str, number: str, value: float, unit: str = "point"
              ) -> tuple[Quantity, Claim]:
        start = text.index(number)
        q = Quantity("count", start, start + len(number), number, value, unit)
        counts = [q]
        if "two " in text:
            at = text.index("two ")
            counts.insert(0, Quantity("count", at, at + 3, "two", 2, "play"))
        return q, Claim(id="c", article="a", sentence=0, start=0, end=len(text), text=text,
                        quantities=counts, lemmas=["score", "point", "play", "section"])

    points = claim("Ravel scored 11 points in the second half.", "11 points", 11)
    plays = claim("Ravel scored two three-point plays in the run.", "three-point", 3)
    fewer = claim("Ravel scored nine points in the second half.", "nine points", 9)
    assert not same_slot(points[0], plays[0], points[1], plays[1])
    assert same_slot(points[0], fewer[0], points[1], fewer[1])
    # The length of a section, hyphenated or not, is one slot.
    long = claim("A section roughly 40 metres long fell.", "40 metres", 40, "metre")
    hyphen = claim("A 40-metre section collapsed.", "40-metre", 40, "metre")
    assert same_slot(long[0], hyphen[0], long[1], hyphen[1])


def test_dates_of_different_events_are_not_one_slot():
    """The day two men's trial began is not the day a third was convicted; the year
    someone held a post is not the year of a resignation the claim mentions."""
    from newsweave.align import same_slot
    from newsweave.model import Claim, Quantity

    def claim(text: str, date: str, value: str, anchor: str | None, predicate: str,
              subject: str, lemmas: list[str]) -> tuple[Quantity, Claim]:
        start = text.index(date)
        q = Quantity("date", start, start + len(date), date, value, anchor=anchor)
        return q, Claim(id="c", article="a", sentence=0, start=0, end=len(text), text=text,
                        quantities=[q], predicate=predicate, subject=subject, lemmas=lemmas)

    trial = claim("Two dockers went on trial Wednesday for the Harwick killing.", "Wednesday",
                  "2025-06-11", "go", "go", "Two dockers", ["docker", "go", "trial", "killing"])
    verdict = claim("A watchman was convicted Tuesday of the Harwick killing.", "Tuesday",
                    "2025-06-10", "convict", "convict", "A watchman",
                    ["watchman", "convict", "killing"])
    assert not same_slot(trial[0], verdict[0], trial[1], verdict[1])
    # The same event told with another day is one slot (and a conflict).
    other_day = claim("Two dockers went on trial Thursday for the Harwick killing.", "Thursday",
                      "2025-06-12", "go", "go", "Two dockers", ["docker", "go", "trial"])
    assert same_slot(trial[0], other_day[0], trial[1], other_day[1])

    post = claim("Marlow was harbour master in 1981 when the inquiry began.", "1981", "1981",
                 None, "be", "Marlow", ["marlow", "master", "inquiry", "begin"])
    resigned = claim("Marlow was angered by the board's resignation in 1984.", "1984", "1984",
                     "resignation", "anger", "Marlow", ["marlow", "anger", "resignation"])
    assert not same_slot(post[0], resigned[0], post[1], resigned[1])


def test_an_amount_inside_a_relative_clause_is_background(engine):
    """"The docker who struck three men" says who is meant; the claim is what he faces."""
    from newsweave.model import Article

    [an] = engine.analyzer.analyze([Article(
        text="The docker who struck three men in the yard was charged on Friday.")])
    [q] = [q for q in an.quantities if q.kind == "count"]
    assert q.aside
    [an] = engine.analyzer.analyze([Article(text="The docker struck three men in the yard.")])
    [q] = [q for q in an.quantities if q.kind == "count"]
    assert not q.aside


def test_a_denial_contradicts_only_what_the_other_states():
    """"Has not lived up to expectations" does not deny "has struggled"; a habit ("often
    not looking sharp") is not denied by one occasion ("looked sharp in the fourth")."""
    from newsweave.align import _denies_the_other, _hypothetical
    from newsweave.model import Claim

    def claim(text: str, predicate: str, lemmas: list[str], negated: bool = False) -> Claim:
        return Claim(id="c", article="a", sentence=0, start=0, end=len(text), text=text,
                     predicate=predicate, lemmas=lemmas, negated=negated)

    unmet = claim("The striker has not lived up to expectations.", "live",
                  ["striker", "live", "expectation"], negated=True)
    struggled = claim("The striker has struggled this season.", "struggle",
                      ["striker", "struggle", "season"])
    released = claim("The results were released on Monday.", "release", ["result", "release"])
    withheld = claim("The results have not been released.", "release", ["result", "release"],
                     negated=True)
    assert not _denies_the_other(unmet, struggled)
    assert _denies_the_other(withheld, released) and _denies_the_other(released, withheld)
    often = claim("The boxer was often not even looking sharp.", "look", ["boxer", "look"],
                  negated=True)
    once = claim("The boxer looked sharp in the fourth round.", "look", ["boxer", "look"])
    assert _hypothetical(often, once) and not _hypothetical(withheld, released)


def _claim(text: str, subject: str, names: list[str]) -> Claim:
    return Claim(id=text[:8], article=text, sentence=0, start=0, end=len(text), text=text,
                 subject=subject, entities=[
                     EntityMention(label="ORG", start=text.index(n), end=text.index(n) + len(n),
                                   text=n) for n in names])


def test_claims_of_other_named_parties_are_two_facts():
    def apart(a: Claim, b: Claim, said: str = "") -> bool:
        # ``said``: the report's own words, when the analysis rewrote the claim's subject.
        return _named_subjects_differ(a, b, {a.article: a.text, b.article: said or b.text})

    bid = _claim("The Harriers have also put in a bid", "The Harriers", ["Harriers"])
    assert apart(bid, _claim("The Ravens have also expressed interest", "The Ravens",
                             ["Ravens"]))
    # Not when one claim names the other's party, nor for one party named two ways, nor
    # when a subject comes only from the analysis (a pronoun it resolved).
    assert not apart(bid, _claim("The Ravens matched the Harriers' bid", "The Ravens",
                                 ["Ravens", "Harriers"]))
    assert not apart(bid, _claim("The Port Ellery Harriers made a bid", "The Port Ellery "
                                 "Harriers", ["Port Ellery Harriers"]))
    assert not apart(bid, _claim("The Ravens have also expressed interest", "The Ravens",
                                 ["Ravens"]), said="They have also expressed interest")


def test_a_group_leads_with_the_claim_it_is_worded_by(story_results):
    # The brief tells two facts apart by that claim's verb and subject: another member's
    # ("Teixeira is considered the top player") would speak for the wrong fact.
    for story in ("quiet-disagreements", "quiet-amounts", "shared-facts"):
        for g in story_results(story).claims:
            assert g._claims[0].text[:30].lower() == g.text[:30].lower(), (story, g.text)


def test_a_fact_is_worded_by_a_sentence_rather_than_a_headline(engine):
    from newsweave.model import Article

    texts = [
        "Harwick Depot Fire Shuts Rail Line\n\n"
        "Crews worked through the night at the depot.",
        "A fire at the Harwick depot has shut the rail line\n\n"
        "Trains will run again on Friday.",
    ]
    r = engine.compare_articles([Article(text=t, id=f"r{n}", outlet=f"Outlet {n}")
                                 for n, t in enumerate(texts)])
    g = one_group_with(r, "Harwick Depot Fire Shuts Rail Line")
    assert g.status == "corroborated" and g.text.startswith("A fire at the Harwick depot"), (
        g.text)
