"""Quantities: extraction, normalisation, comparison and description.

Every sentence here is made up for these tests.
"""

from __future__ import annotations

import datetime as dt

import pytest

from newsweave.model import Quantity
from newsweave.nlp.quantities import describe, extract_quantities, same_value

# A Thursday.
REF = dt.date(2025, 3, 20)


def extract(text: str, ref: dt.date | None = REF, **kw) -> list[Quantity]:
    found = extract_quantities(text, reference_date=ref, **kw)
    check_invariants(text, found)
    return found


def check_invariants(text: str, found: list[Quantity]) -> None:
    for q in found:
        assert text[q.start : q.end] == q.text
        assert q.text == q.text.strip() and q.text
    for a, b in zip(found, found[1:], strict=False):
        assert a.start <= b.start
        assert a.end <= b.start, f"{a} overlaps {b}"


def only(text: str, kind: str, ref: dt.date | None = REF) -> Quantity:
    found = [q for q in extract(text, ref) if q.kind == kind]
    assert len(found) == 1, found
    return found[0]


def values(text: str, kind: str, ref: dt.date | None = REF) -> list:
    return [q.value for q in extract(text, ref) if q.kind == kind]


def texts(text: str, ref: dt.date | None = REF) -> list[tuple[str, str]]:
    return [(q.kind, q.text) for q in extract(text, ref)]


# --- durations ---------------------------------------------------------------

HOUR = 3600.0
DAY = 86400.0


@pytest.mark.parametrize(
    ("sentence", "mention", "seconds"),
    [
        ("The council held an hour-long hearing on the bridge.", "an hour-long", HOUR),
        ("Hour-long queues formed at the border.", "Hour-long", HOUR),
        ("The mayor spoke for an hour before leaving.", "an hour", HOUR),
        ("The pumps ran for one hour at full speed.", "one hour", HOUR),
        ("The ferry was delayed for two hours by fog.", "two hours", 2 * HOUR),
        ("After a 90-minute session the panel adjourned.", "90-minute", 5400.0),
        ("The hearing lasted 90 minutes in all.", "90 minutes", 5400.0),
        ("Voters queued for half an hour in the rain.", "half an hour", 1800.0),
        ("The talks took an hour and a half to finish.", "an hour and a half", 5400.0),
        ("Crews fixed the leak in two and a half hours.", "two and a half hours", 9000.0),
        ("The town began a 30-day curfew on the coast.", "30-day", 30 * DAY),
        ("The curfew will last 30 days from now.", "30 days", 30 * DAY),
        ("Repairs are expected to take three weeks.", "three weeks", 21 * DAY),
        ("Drivers staged a week-long strike at the depot.", "a week-long", 7 * DAY),
        ("She won a two-year contract with the club.", "two-year", 2 * 365 * DAY),
        ("The suspect was held for 48 hours without charge.", "48 hours", 48 * HOUR),
        ("The canal took a decade to dig.", "a decade", 3650 * DAY),
        ("The pilot flew for 12 hrs straight.", "12 hrs", 12 * HOUR),
        ("The audit ran for six months.", "six months", 180 * DAY),
        ("Power was out for a half-hour in the north.", "half-hour", 1800.0),
    ],
)
def test_durations(sentence: str, mention: str, seconds: float) -> None:
    q = only(sentence, "duration")
    assert q.text == mention
    assert q.value == pytest.approx(seconds)
    assert q.unit == "s"


def test_duration_is_one_quantity_not_a_count() -> None:
    found = extract("A 90-minute meeting and a 30-day ban.")
    assert [q.kind for q in found] == ["duration", "duration"]


def test_rates_are_not_durations() -> None:
    assert values("Trains stop here twice a day.", "duration") == []
    assert values("The fee is $5 million a year.", "duration") == []
    assert values("Inspectors visit once a month.", "duration") == []


def test_ranges_give_nothing_rather_than_one_end() -> None:
    assert extract("The drive takes two to three hours.") == []
    assert extract("Between 20 and 30 people waited outside.") == []
    assert extract("Some 20-30 people waited outside.") == []


# --- money -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "mention", "amount", "code"),
    [
        ("The port will cost $2.5 billion to expand.", "$2.5 billion", 2.5e9, "USD"),
        ("The club paid €300m for the stadium.", "€300m", 3e8, "EUR"),
        ("The budget gap is £1.2bn this year.", "£1.2bn", 1.2e9, "GBP"),
        ("The state set aside Rs 500 crore for the roads.", "Rs 500 crore", 5e9, "INR"),
        ("The firm was fined 500 million dollars.", "500 million dollars", 5e8, "USD"),
        ("Tickets cost US$40 at the gate.", "US$40", 40.0, "USD"),
        ("Entry is 20 euros for adults.", "20 euros", 20.0, "EUR"),
        ("The grant was $1,200 per family.", "$1,200", 1200.0, "USD"),
        ("A bonus of $3 million was paid.", "$3 million", 3e6, "USD"),
        ("The plan costs 5 lakh rupees.", "5 lakh rupees", 5e5, "INR"),
        (
            "The deal was worth 2.5 million pounds sterling.",
            "2.5 million pounds sterling",
            2.5e6,
            "GBP",
        ),
        ("The fund holds ¥800 billion in bonds.", "¥800 billion", 8e11, "JPY"),
    ],
)
def test_money(sentence: str, mention: str, amount: float, code: str) -> None:
    q = only(sentence, "money")
    assert (q.text, q.unit) == (mention, code)
    assert q.value == pytest.approx(amount)


def test_pounds_without_scale_is_not_money() -> None:
    # "20 pounds" is as often a weight; it stays a count of pounds.
    found = extract("The parcel weighed 20 pounds.")
    assert [(q.kind, q.value, q.unit) for q in found] == [("count", 20.0, "pounds")]


# --- percent -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "mention", "number"),
    [
        ("Turnout fell 15 percent on the island.", "15 percent", 15.0),
        ("Turnout fell 15% on the island.", "15%", 15.0),
        ("Turnout fell 15 per cent on the island.", "15 per cent", 15.0),
        ("Turnout fell fifteen percent on the island.", "fifteen percent", 15.0),
        ("Prices rose 0.5% in May.", "0.5%", 0.5),
    ],
)
def test_percent(sentence: str, mention: str, number: float) -> None:
    q = only(sentence, "percent")
    assert (q.text, q.value, q.unit) == (mention, number, "%")


def test_percentage_points_are_a_different_unit() -> None:
    q = only("Support slipped 3.5 percentage points.", "percent")
    assert (q.value, q.unit) == (3.5, "percentage points")
    assert same_value(q, only("Support slipped 3.5%.", "percent")) is None


def test_change_from_one_percent_to_another() -> None:
    found = extract("The rate rose from 15 to 20 percent.")
    assert [(q.kind, q.value) for q in found] == [("percent", 15.0), ("percent", 20.0)]


# --- counts ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "mention", "number", "unit"),
    [
        ("Police found 43 students in the bus.", "43 students", 43.0, "students"),
        ("A dozen people waited at the gate.", "A dozen people", 12.0, "people"),
        ("Three people were hurt.", "Three people", 3.0, "people"),
        ("The march drew 1,200 people to the square.", "1,200 people", 1200.0, "people"),
        ("Some 2.5 million people live in the valley.", "2.5 million people", 2.5e6, "people"),
        ("At least 15 bodies were recovered.", "15 bodies", 15.0, "bodies"),
        ("Ninety-nine boats left the harbour.", "Ninety-nine boats", 99.0, "boats"),
        ("There were twenty five lorries.", "twenty five lorries", 25.0, "lorries"),
        (
            "It built three hundred and fifty homes.",
            "three hundred and fifty homes",
            350.0,
            "homes",
        ),
        ("The town has a thousand residents.", "a thousand residents", 1000.0, "residents"),
        ("Nearly two million voters stayed home.", "two million voters", 2e6, "voters"),
        ("Officials counted 43 Mexican students.", "43 Mexican students", 43.0, "students"),
        ("Another 15 more people arrived.", "15 more people", 15.0, "people"),
        ("Five of the victims were children.", "Five of the victims", 5.0, "victims"),
        ("A 12-member jury was sworn in.", "12-member", 12.0, "member"),
        ("The queue stretched 5km into town.", "5km", 5.0, "km"),
        ("Half a dozen cars were towed.", "Half a dozen cars", 6.0, "cars"),
        ("One person was arrested.", "One person", 1.0, "person"),
    ],
)
def test_counts(sentence: str, mention: str, number: float, unit: str) -> None:
    q = only(sentence, "count")
    assert (q.text, q.unit) == (mention, unit)
    assert q.value == pytest.approx(number)


def test_count_without_noun() -> None:
    found = extract("Officials said 1,500 were killed and 12 injured.")
    assert [(q.kind, q.value, q.unit) for q in found] == [
        ("count", 1500.0, None),
        ("count", 12.0, None),
    ]
    assert [q.text for q in found] == ["1,500", "12"]


def test_two_numbers_in_a_row_are_read_apart() -> None:
    found = extract("They served two three-year terms.")
    assert [(q.kind, q.value) for q in found] == [("count", 2.0), ("duration", 3 * 365 * DAY)]


@pytest.mark.parametrize(
    "sentence",
    [
        "No one was hurt in the blaze.",
        "One of the guards opened the door.",
        "The boys blamed one another.",
        "She was the one who called.",
        "Dozens of people gathered outside.",
        "Hundreds of thousands marched.",
        "Thousands fled the coast.",
        "Someone phoned the station often.",
        "The tens of tourists left.",
    ],
)
def test_no_count(sentence: str) -> None:
    assert values(sentence, "count") == []


@pytest.mark.parametrize(
    "sentence",
    [
        "The airline grounded its Boeing 737 fleet.",
        "The jet, a Boeing 737-800, landed safely.",
        "Apollo 11 was a famous flight.",
        "He cited Article 5 of the treaty.",
        "See page 12 of the report.",
        "Ministers met at 10 Downing Street.",
        "The G7 leaders and the 4G network.",
        "Cases of COVID-19 rose.",
        "The F-16 jets flew over.",
        "Call 555-0123 for details.",
        "Room No. 10 was empty.",
        "The Big Four firms agreed.",
        "He grew up in the 1990s.",
        "She is in her 30s now.",
    ],
)
def test_labels_are_not_counts(sentence: str) -> None:
    assert values(sentence, "count") == []


def test_times_are_not_counts() -> None:
    assert extract("The vote closed at 3 p.m. and results came at 10:30 pm.") == []
    assert extract("The shop opens at 9am.") == []


def test_ages() -> None:
    q = only("A 45-year-old man was detained.", "count")
    assert (q.text, q.value, q.unit) == ("45-year-old", 45.0, "years old")
    assert only("The victim, aged 45, was local.", "count").value == 45.0
    q = only("The driver was 45 years old.", "count")
    assert (q.value, q.unit) == (45.0, "years old")
    q = only("John Smith, 62, said he saw it.", "count")
    assert (q.text, q.value, q.unit) == ("62", 62.0, "years old")
    q = only("A six-month-old baby was rescued.", "count")
    assert (q.value, q.unit) == (6.0, "months old")


# --- ordinals ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "mention", "rank", "unit"),
    [
        ("The second round of talks began.", "second round", 2.0, "round"),
        ("It was the first communication in weeks.", "first communication", 1.0, "communication"),
        ("She finished 3rd overall.", "3rd", 3.0, None),
        ("It is the 21st century now.", "21st century", 21.0, "century"),
        ("The twenty-first victim was named.", "twenty-first victim", 21.0, "victim"),
        ("A second suspect was held.", "second suspect", 2.0, "suspect"),
        ("For the third time the dam broke.", "third time", 3.0, "time"),
    ],
)
def test_ordinals(sentence: str, mention: str, rank: float, unit: str | None) -> None:
    q = only(sentence, "ordinal")
    assert (q.text, q.value, q.unit) == (mention, rank, unit)


@pytest.mark.parametrize(
    "sentence",
    ["At first nobody noticed.", "The First Lady visited.", "Veterans of the Second World War."],
)
def test_not_ordinals(sentence: str) -> None:
    assert values(sentence, "ordinal") == []


def test_a_second_is_a_duration_when_nothing_is_ranked() -> None:
    q = only("Wait a second.", "duration")
    assert q.value == 1.0
    assert values("Wait a second.", "ordinal") == []
    assert only("It blinked one second later.", "duration").value == 1.0


# --- dates -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "mention", "iso"),
    [
        ("The bridge opened on March 18, 2025.", "March 18, 2025", "2025-03-18"),
        ("The bridge opened on Tuesday, March 18, 2025.", "Tuesday, March 18, 2025", "2025-03-18"),
        ("The bridge opened on 18 March 2025.", "18 March 2025", "2025-03-18"),
        ("The bridge opened on 18 March.", "18 March", "2025-03-18"),
        ("The bridge opened on the 18th of March.", "18th of March", "2025-03-18"),
        ("The bridge opened on Mar. 18.", "Mar. 18", "2025-03-18"),
        ("The bridge opened in March 2025.", "March 2025", "2025-03"),
        ("The bridge opened in 2019.", "2019", "2019"),
        ("The bridge opened on 2025-03-18.", "2025-03-18", "2025-03-18"),
        ("The bridge opened on 3/18/2025.", "3/18/2025", "2025-03-18"),
        ("The bridge opened in mid-2019.", "2019", "2019"),
        ("The 2019 election was close.", "2019", "2019"),
        ("Work started in December.", "December", "2024-12"),
        ("Work starts in May.", "May", "2025-05"),
        ("Work started last March.", "last March", "2024-03"),
        ("Work started in mid-March.", "mid-March", "2025-03"),
        ("The plant shut on December 28.", "December 28", "2024-12-28"),
        ("The plant will reopen on April 2.", "April 2", "2025-04-02"),
    ],
)
def test_absolute_dates(sentence: str, mention: str, iso: str) -> None:
    q = only(sentence, "date")
    assert (q.text, q.value) == (mention, iso)


@pytest.mark.parametrize(
    ("sentence", "mention", "iso"),
    [
        ("The fire started yesterday.", "yesterday", "2025-03-19"),
        ("The fire started today.", "today", "2025-03-20"),
        ("The vote is tomorrow.", "tomorrow", "2025-03-21"),
        ("The fire had started the day prior.", "the day prior", "2025-03-19"),
        ("The fire had started the day before.", "the day before", "2025-03-19"),
        ("The fire had started the previous day.", "the previous day", "2025-03-19"),
        ("The fire started last night.", "last night", "2025-03-19"),
        ("The fire started yesterday morning.", "yesterday morning", "2025-03-19"),
        ("The fire started on Tuesday.", "Tuesday", "2025-03-18"),
        ("The fire started Thursday.", "Thursday", "2025-03-20"),
        ("The fire started Friday.", "Friday", "2025-03-14"),
        ("The fire started last Tuesday.", "last Tuesday", "2025-03-18"),
        ("The fire started last Thursday.", "last Thursday", "2025-03-13"),
        ("The vote is next Tuesday.", "next Tuesday", "2025-03-25"),
        ("The vote is this Friday.", "this Friday", "2025-03-21"),
        # A bare weekday after "will", "is expected to" is the coming one.
        ("The coach is expected to return on Monday.", "Monday", "2025-03-24"),
        ("The vote will be held Friday.", "Friday", "2025-03-21"),
        ("The mayor will resign, she said. The fire started Friday.", "Friday", "2025-03-14"),
        ("The fire started two days ago.", "two days ago", "2025-03-18"),
        ("The fire started a week ago.", "a week ago", "2025-W11"),
        ("The fire started five years ago.", "five years ago", "2020"),
        ("The fire started two months ago.", "two months ago", "2025-01"),
        ("The fire started last week.", "last week", "2025-W11"),
        ("The vote is next week.", "next week", "2025-W13"),
        ("The fire started last month.", "last month", "2025-02"),
        ("The fire started last year.", "last year", "2024"),
        ("Sales slowed this year.", "this year", "2025"),
        ("The fire started earlier this month.", "earlier this month", "2025-03"),
        ("The fire started last weekend.", "last weekend", "2025-W11"),
    ],
)
def test_relative_dates(sentence: str, mention: str, iso: str) -> None:
    q = only(sentence, "date")
    assert (q.text, q.value) == (mention, iso)


def test_relative_dates_without_reference_are_kept_without_value() -> None:
    for sentence, mention in [
        ("The fire started on Tuesday.", "Tuesday"),
        ("The fire started yesterday.", "yesterday"),
        ("The fire started last month.", "last month"),
        ("The bridge opened on 18 March.", "18 March"),
        ("Work starts in May.", "May"),
    ]:
        q = only(sentence, "date", ref=None)
        assert (q.text, q.value) == (mention, None)
    # Absolute dates need no reference.
    assert only("It opened on March 18, 2025.", "date", ref=None).value == "2025-03-18"


def test_reference_may_be_a_datetime() -> None:
    q = extract_quantities("It began yesterday.", reference_date=dt.datetime(2025, 3, 20, 9))
    assert q[0].value == "2025-03-19"


@pytest.mark.parametrize(
    "sentence",
    [
        "The two sides may meet again soon.",
        "May the court rule quickly.",
        "Theresa May said the plan would work.",
        "The May deadline passed.",
        "Protesters will march through the city.",
        "Shoppers queued on Good Friday.",
        "The day before the vote was calm.",
        "The day prior to the election was calm.",
        "Over the last year prices rose.",
        "Readers of USA Today wrote in.",
    ],
)
def test_not_dates(sentence: str) -> None:
    assert values(sentence, "date") == []


def test_year_or_count() -> None:
    assert only("Nearly 2000 people marched.", "count").value == 2000.0
    assert only("In 2019 elections were held.", "date").value == "2019"
    assert values("Some 2000 troops left.", "date") == []


def test_next_day_is_a_date_without_value() -> None:
    q = only("He was charged the next day.", "date")
    assert (q.text, q.value) == ("the next day", None)


# --- scanning a part of the text --------------------------------------------


def test_start_end_limit_the_scan_and_offsets_stay_global() -> None:
    text = "Intro with 5 cats. The ferry left 30 minutes late on Tuesday. Then 7 dogs."
    s = text.index("The ferry")
    e = text.index(" Then")
    found = extract_quantities(text, s, e, reference_date=REF)
    check_invariants(text, found)
    assert [(q.kind, q.text) for q in found] == [("duration", "30 minutes"), ("date", "Tuesday")]
    assert all(s <= q.start and q.end <= e for q in found)


def test_empty_and_odd_input() -> None:
    assert extract_quantities("") == []
    assert extract_quantities("text", 3, 1) == []
    assert extract("İstanbul had 3 ferries.")[0].text == "3 ferries"
    check_invariants("x", extract_quantities("x" * 10 + "5", end=5))


def test_mixed_sentence_sorted_and_non_overlapping() -> None:
    text = (
        "On Tuesday, 43 students joined a 90-minute march that drew 2.5 million people, "
        "costing $2.5 billion, up 15% on 2019, the second march since March 18, 2025."
    )
    assert texts(text) == [
        ("date", "Tuesday"),
        ("count", "43 students"),
        ("duration", "90-minute"),
        ("count", "2.5 million people"),
        ("money", "$2.5 billion"),
        ("percent", "15%"),
        ("date", "2019"),
        ("ordinal", "second march"),
        ("date", "March 18, 2025"),
    ]


# --- same_value --------------------------------------------------------------


def q(kind: str, value, unit: str | None = None, text: str = "x") -> Quantity:  # noqa: ANN001
    return Quantity(kind, 0, len(text), text, value, unit)


def test_same_value_durations() -> None:
    hour = only("It lasted an hour.", "duration")
    sixty = only("It lasted 60 minutes.", "duration")
    ninety = only("It lasted 90 minutes.", "duration")
    assert same_value(hour, sixty) is True
    assert same_value(hour, ninety) is False
    assert same_value(hour, only("It was an hour-long talk.", "duration")) is True


def test_same_value_counts() -> None:
    assert same_value(q("count", 43.0, "students"), q("count", 43.0, "student")) is True
    assert same_value(q("count", 43.0, "students"), q("count", 42.0, "students")) is False
    assert same_value(q("count", 43.0, "students"), q("count", 43.0, "buses")) is None
    assert same_value(q("count", 15.0, None), q("count", 15.0, "bodies")) is True
    assert same_value(q("count", 3.0, "people"), q("count", 3.0, "person")) is True
    assert same_value(q("count", 2.0, "bodies"), q("count", 2.0, "body")) is True


def test_same_value_tolerance() -> None:
    assert same_value(q("money", 2.5e9, "USD"), q("money", 2.52e9, "USD")) is True
    assert same_value(q("money", 2.5e9, "USD"), q("money", 2.7e9, "USD")) is False
    assert same_value(q("money", 2.5e9, "USD"), q("money", 2.5e9, "EUR")) is None
    assert same_value(q("money", 100.0, "USD"), q("money", 101.0, "USD"), rel_tol=0.001) is False


def test_same_value_dates_at_coarser_precision() -> None:
    assert same_value(q("date", "2025-03"), q("date", "2025-03-18")) is True
    assert same_value(q("date", "2025-03-18"), q("date", "2025-03-17")) is False
    assert same_value(q("date", "2025"), q("date", "2025-03-18")) is True
    assert same_value(q("date", "2024"), q("date", "2025-03-18")) is False
    assert same_value(q("date", "2025-W12"), q("date", "2025-03-18")) is True
    assert same_value(q("date", "2025-W11"), q("date", "2025-03-18")) is False
    assert same_value(q("date", "2025-04"), q("date", "2025-03-18")) is False


def test_same_value_not_comparable() -> None:
    assert same_value(q("date", None), q("date", "2025-03-18")) is None
    assert same_value(q("count", 3.0), q("percent", 3.0, "%")) is None
    assert same_value(q("date", "soon"), q("date", "2025")) is None


def test_same_value_end_to_end() -> None:
    a = only("The bridge opened yesterday.", "date")
    b = only("The bridge opened on March 19.", "date")
    c = only("The bridge opened on Tuesday.", "date")
    assert same_value(a, b) is True
    assert same_value(a, c) is False


# --- describe ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "kind", "text"),
    [
        ("It lasted an hour.", "duration", "1 hour"),
        ("It lasted 90 minutes.", "duration", "90 minutes"),
        ("It was a 90-minute talk.", "duration", "90 minutes"),
        ("It lasted half an hour.", "duration", "30 minutes"),
        ("It lasted an hour and a half.", "duration", "1.5 hours"),
        ("It lasted 30 days.", "duration", "30 days"),
        ("It lasted a decade.", "duration", "1 decade"),
        ("It cost $2.5 billion.", "money", "$2.5 billion"),
        ("It cost €300m.", "money", "€300 million"),
        ("It cost 40 francs CHF.", "count", "40 francs"),
        ("It rose 15 percent.", "percent", "15%"),
        ("It rose 2 percentage points.", "percent", "2 percentage points"),
        ("It opened on March 18, 2025.", "date", "2025-03-18"),
        ("Police found 43 students.", "count", "43 students"),
        ("Police found 1,200 cars.", "count", "1,200 cars"),
        ("Some 2.5 million people left.", "count", "2.5 million people"),
        ("The second round began.", "ordinal", "2nd round"),
        ("She came 11th in the race.", "ordinal", "11th"),
    ],
)
def test_describe(sentence: str, kind: str, text: str) -> None:
    assert describe(only(sentence, kind)) == text


def test_describe_unresolved_date_uses_the_mention() -> None:
    assert describe(only("It opened on Tuesday.", "date", ref=None)) == "Tuesday"


def test_describe_other_currency() -> None:
    assert describe(q("money", 5e6, "KRW")) == "5 million KRW"


def test_a_decade_is_not_its_first_year() -> None:
    assert values("A take-over in the mid-1980s failed.", "date") == []
    assert values("The plant closed in the 1990s.", "date") == []
    assert values("The plant closed in mid-1980.", "date") == ["1980"]
