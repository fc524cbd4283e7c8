"""Extraction stays fast and linear on large and pathological inputs.

Bounds are on process CPU time (`time.process_time`), so other jobs on a shared machine do
not make them flaky; locally each case takes well under half of its bound.
"""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest

from reviewer.core.extract import extract
from reviewer.core.extract.gazetteer import gazetteer

SAMPLES = Path(__file__).resolve().parents[2] / "sample_docs"
MB = 1_000_000


@pytest.fixture(scope="module", autouse=True)
def _warm() -> None:
    gazetteer()  # resources load once per process; not part of any bound
    extract("JAKARTA, 27 May 2021 - The ASEAN Secretariat said.")


def _cpu(text: str) -> tuple[float, int]:
    t0 = time.process_time()
    ex = extract(text)
    return time.process_time() - t0, len(ex.entities)


def _to_size(text: str, size: int = MB) -> str:
    return (text * (size // len(text) + 1))[:size]


def test_sample_releases_repeated_to_one_megabyte() -> None:
    docs = sorted(SAMPLES.glob("*.txt"))
    if not docs:
        pytest.skip("sample_docs missing")
    text = _to_size("\n\n".join(p.read_text("utf-8") for p in docs))
    cpu, n = _cpu(text)
    assert n > 5000
    assert cpu < 1.0, f"1 MB of sample releases took {cpu:.2f} s CPU"


def test_corpus_releases_concatenated_to_one_megabyte() -> None:
    corpus = Path("/tmp/corpus")
    files = sorted(corpus.rglob("*.md"))[:2000] if corpus.is_dir() else []
    if not files:
        pytest.skip("benchmark corpus not unpacked at /tmp/corpus")
    parts, size = [], 0
    for p in files:
        parts.append(p.read_text("utf-8", "replace"))
        size += len(parts[-1])
        if size > MB:
            break
    cpu, n = _cpu("\n\n".join(parts)[:MB])
    assert n > 2000
    assert cpu < 1.0, f"1 MB of corpus releases took {cpu:.2f} s CPU"


def test_dense_business_release_repeated_to_one_megabyte() -> None:
    # three times the entity density of a typical release: a looser bound
    para = (
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
    cpu, n = _cpu(_to_size(para))
    assert n > 10000
    assert cpu < 1.5, f"1 MB of dense releases took {cpu:.2f} s CPU"


def _caps_line() -> str:
    rnd = random.Random(7)
    words = [
        "Ministry", "Of", "Foreign", "Affairs", "John", "Smith", "ASEAN", "Summit", "The",
        "New", "York", "Inc.", "Co.,", "Ltd.", "Plan", "2020", "Agreement", "Forum", "Bank",
    ]
    return " ".join(rnd.choice(words) for _ in range(MB // 4))[:MB]


def _digits_percent() -> str:
    rnd = random.Random(7)
    return "".join(rnd.choice("0123456789%") for _ in range(MB))


def _no_spaces() -> str:
    rnd = random.Random(7)
    return "".join(rnd.choice("abcXYZ-.@/_0123:") for _ in range(MB))


@pytest.mark.parametrize(
    "make",
    [
        _caps_line,
        _digits_percent,
        _no_spaces,
        lambda: "A" * MB,
        lambda: "1" * MB,
        lambda: _to_size("https://x.example/" + "a" * 5000 + " "),
        lambda: _to_size("+1 (555) 123-4567 "),
        lambda: _to_size("Co., "),
    ],
    ids=["caps-line", "digits-percent", "no-spaces", "one-letter", "one-digit", "urls",
         "phones", "suffixes"],
)
def test_pathological_megabyte_stays_linear(make) -> None:
    text = make()
    assert len(text) == MB
    cpu, _ = _cpu(text)
    assert cpu < 3.0, f"{cpu:.2f} s CPU"
