"""The shipped learned recogniser loads and labels releases it has never seen sensibly
(figures live in `python -m benchmarks extraction`, not here)."""
from __future__ import annotations

from reviewer.core.extract import extract
from reviewer.core.extract.learned import model_info, recogniser


def labels(text: str, model: bool = True) -> set[tuple[str, str]]:
    return {(e.text, e.label) for e in extract(text, model=model).entities}


def test_the_shipped_model_loads_once() -> None:
    info = model_info()
    assert info.trained_on >= 600 and info.mentions > 20_000
    first = recogniser()
    assert first is not None and first is recogniser()
    assert first.info.version == info.version


def test_a_corporate_release_it_has_never_seen() -> None:
    got = labels(
        "AUSTIN, Texas, May 6, 2025 /PRNewswire/ -- Brightline Robotics Inc. (NASDAQ: BRTX) "
        "today announced a partnership with the University of Texas. \"We are thrilled,\" "
        "said Maria Lopez, chief executive officer of Brightline Robotics.")
    assert {("AUSTIN", "PLACE"), ("May 6, 2025", "DATE"), ("Brightline Robotics Inc.", "ORG"),
            ("University of Texas", "ORG"), ("Maria Lopez", "PERSON"),
            ("Brightline Robotics", "ORG")} <= got
    assert not any(text == "BRTX" for text, _ in got)  # tickers are never names


def test_events_and_generations() -> None:
    got = labels("The survey of 2,000 Gen Z consumers was released at the Global Retail "
                 "Summit 2025 in Berlin.")
    assert ("Global Retail Summit 2025", "EVENT") in got
    assert ("Berlin", "PLACE") in got
    assert not any(label == "PERSON" for _, label in got)  # "Z" is not a person


def test_an_agency_and_a_company_named_in_full() -> None:
    text = ("NEW YORK, March 3, 2025 -- Golden Matrix Group said its sales rose, citing "
            "filings with the Securities and Exchange Commission.")
    assert ("Securities and Exchange Commission", "ORG") in labels(text)
    assert ("Golden Matrix Group", "ORG") in labels(text)
