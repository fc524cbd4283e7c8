"""Extraction stays linear on large and pathological inputs: the time for four times the
text is compared with the time for the text (see `tests/growth.py`). The absolute figures
for a megabyte are printed by `python benchmarks/bench_limits.py`."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from growth import assert_linear

from reviewer.core.extract import extract
from reviewer.core.extract.gazetteer import gazetteer

SAMPLES = Path(__file__).resolve().parents[2] / "sample_docs"
# characters; the growth check also runs four times this. The learned recogniser reads
# every token, so a larger size only makes the suite slower, not the check sharper.
SIZE = 25_000


@pytest.fixture(scope="module", autouse=True)
def _warm() -> None:
    gazetteer()  # resources load once per process; not part of any measurement
    extract("JAKARTA, 27 May 2021 - The ASEAN Secretariat said.")


def to_size(text: str, size: int) -> str:
    return (text * (size // len(text) + 1))[:size]


def test_sample_releases_grow_linearly() -> None:
    docs = sorted(SAMPLES.glob("*.txt"))
    if not docs:
        pytest.skip("sample_docs missing")
    text = "\n\n".join(p.read_text("utf-8") for p in docs)
    assert len(extract(to_size(text, 250_000)).entities) > 1250
    assert_linear(lambda n: extract(to_size(text, n)), SIZE, "sample releases")


DENSE = (
    "# Acme Robotics Inc. Announces Record Third Quarter 2024 Results\n\n"
    "SAN FRANCISCO, Nov. 5, 2024 /PRNewswire/ -- Acme Robotics Inc. (NASDAQ: ACME), "
    "a leader in warehouse automation, today reported revenue of $52.3 million, up 18% "
    "year over year. \"We are proud of the team,\" said Jane Doe, Chief Executive Officer. "
    "The company will host a call on Tuesday, November 12, 2024 at 4:30 p.m. ET. "
    "Contact: press@acme-robotics.com, +1 (415) 555-0134, "
    "[www.acme-robotics.com](https://www.acme-robotics.com).\n\n"
    "JAKARTA, 27 May 2021 – The 36th ASEAN-Japan Forum met. Deputy Minister Nguyen Quoc "
    "Dung said 97% of US $ 50 million went to the ASEAN Secretariat in Bangkok, Thailand.\n"
)


def test_dense_business_release_grows_linearly() -> None:
    # three times the entity density of a typical release
    assert len(extract(to_size(DENSE, 250_000)).entities) > 2500
    assert_linear(lambda n: extract(to_size(DENSE, n)), SIZE, "dense releases")


def caps_line(size: int) -> str:
    rnd = random.Random(7)
    words = [
        "Ministry", "Of", "Foreign", "Affairs", "John", "Smith", "ASEAN", "Summit", "The",
        "New", "York", "Inc.", "Co.,", "Ltd.", "Plan", "2020", "Agreement", "Forum", "Bank",
    ]
    return " ".join(rnd.choice(words) for _ in range(size // 4))[:size]


def digits_percent(size: int) -> str:
    rnd = random.Random(7)
    return "".join(rnd.choice("0123456789%") for _ in range(size))


def no_spaces(size: int) -> str:
    rnd = random.Random(7)
    return "".join(rnd.choice("abcXYZ-.@/_0123:") for _ in range(size))


PATHOLOGICAL = {
    "caps-line": caps_line,
    "digits-percent": digits_percent,
    "no-spaces": no_spaces,
    "one-letter": lambda n: "A" * n,
    "one-digit": lambda n: "1" * n,
    "urls": lambda n: to_size("https://x.example/" + "a" * 5000 + " ", n),
    "phones": lambda n: to_size("+1 (555) 123-4567 ", n),
    "suffixes": lambda n: to_size("Co., ", n),
}


@pytest.mark.parametrize("name", list(PATHOLOGICAL))
def test_pathological_input_grows_linearly(name: str) -> None:
    make = PATHOLOGICAL[name]
    texts = {n: make(n) for n in (SIZE, SIZE * 4)}
    assert all(len(t) == n for n, t in texts.items())
    assert_linear(lambda n: extract(texts[n]), SIZE, name)
