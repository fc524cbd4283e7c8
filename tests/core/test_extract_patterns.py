from datetime import date

import pytest

from reviewer.core.extract import extract_patterns
from reviewer.core.extract.patterns import extract_patterns as patterns_ref

REF = date(2021, 5, 27)


def one(text: str, ref: date | None = REF):
    ents = patterns_ref(text, ref)
    for e in ents:
        assert text[e.start : e.end] == e.text
    return [(e.text, e.label, e.value) for e in ents]


@pytest.mark.parametrize(
    "text,span,value",
    [
        ("JAKARTA, 27 May 2021 – x", "27 May 2021", {"iso": "2021-05-27"}),
        ("on 15th October 2020 post", "15th October 2020", {"iso": "2020-10-15"}),
        ("COVID-April 19, 2020.", "April 19, 2020", {"iso": "2020-04-19"}),
        ("the 2018-2022 plan", "2018-2022", {"from": "2018", "to": "2022"}),
        ("the 2018-21 term", "2018-21", {"from": "2018", "to": "2021"}),
        ("in Q1 2026 results", "Q1 2026", {"from": "2026-01", "to": "2026-03"}),
        ("for fiscal 2025 we", "fiscal 2025", {"fiscal_year": 2025}),
        ("After 50 years of", "50 years", {"duration": 50.0, "unit": "year"}),
        ("in November 2020", "November 2020", {"iso": "2020-11"}),
        ("since 2009,", "2009", {"iso": "2009"}),
        ("in September.", "September", {"iso": "2021-09"}),
        ("in Hanoi on June 4 (Photo", "June 4", {"iso": "2021-06-04"}),
    ],
)
def test_dates(text, span, value):
    got = one(text)
    assert (span, "DATE", value) in got


def test_weekday_is_date_time_is_not():
    got = one("We meet on Monday at 10:30 a.m.")
    assert [g[0] for g in got] == ["Monday"]


@pytest.mark.parametrize(
    "text",
    [
        "Today we met",
        "today and last year",
        "you may go",
        "in the coming time",
        "Call +1 555-2020 now",
        "at 10:30",
    ],
)
def test_not_dates(text):
    assert [g for g in one(text) if g[1] == "DATE"] == []


@pytest.mark.parametrize(
    "text,span,amount,cur",
    [
        ("contribute US $ 50 million to", "US $ 50 million", 50e6, "USD"),
        ("reached 268.5 billion USD,", "268.5 billion USD", 268.5e9, "USD"),
        ("worth 40 billion yen for", "40 billion yen", 40e9, "JPY"),
        ("revenue of RMB 73.69 billion", "RMB 73.69 billion", 73.69e9, "CNY"),
        ("raised €3m in", "€3m", 3e6, "EUR"),
        ("a $1.2 billion deal", "$1.2 billion", 1.2e9, "USD"),
    ],
)
def test_money(text, span, amount, cur):
    got = one(text)
    assert len(got) == 1 and got[0][0] == span and got[0][1] == "MONEY"
    assert got[0][2]["currency"] == cur and abs(got[0][2]["amount"] - amount) < 1


def test_money_negative():
    assert one("we won 3 awards and 40 yen-ish things") == [] or all(
        g[1] != "MONEY" for g in one("we won 3 awards")
    )


@pytest.mark.parametrize(
    "text,span,frac",
    [
        ("97% of", "97%", 0.97),
        ("6.2 per cent", "6.2 per cent", 0.062),
        ("95 percent", "95 percent", 0.95),
    ],
)
def test_percent(text, span, frac):
    got = one(text)
    assert got[0][:2] == (span, "PERCENT") and abs(got[0][2]["fraction"] - frac) < 1e-9


def test_public_wrapper_and_no_overlap():
    text = "On 27 May 2021 the fund paid $5 million (12%) in 2021."
    ents = extract_patterns(text)
    assert [e.text for e in ents] == ["27 May 2021", "$5 million", "12%", "2021"]
    for a, b in zip(ents, ents[1:], strict=False):
        assert a.end <= b.start
