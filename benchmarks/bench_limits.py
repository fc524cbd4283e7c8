#!/usr/bin/env python3
"""Time per megabyte of the inputs the test suite checks for linear growth only.

    python benchmarks/bench_limits.py [--corpus DIR]

Prints process CPU seconds for one megabyte of each input, beside the figure it was
tuned against (the tests compare growth, never these absolute times: a shared machine
makes them flaky). The last rows index a 5 MB single-line release and a folder of bad
files, end to end.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reviewer.core.documents.structure import analyse  # noqa: E402
from reviewer.core.extract import extract  # noqa: E402
from reviewer.core.extract.gazetteer import gazetteer  # noqa: E402

MB = 1_000_000
SAMPLES = ROOT / "sample_docs"
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
PARA = ("JAKARTA, 27 May 2021 – The 36th ASEAN-Japan Forum met. Deputy Minister Nguyen Quoc "
        "Dung said 97% of US $ 50 million went to the ASEAN Secretariat in Bangkok, Thailand.\n")


def to_size(text: str, size: int = MB) -> str:
    return (text * (size // len(text) + 1))[:size]


def _random(alphabet: str, words: list[str] | None = None) -> str:
    rnd = random.Random(7)
    if words:
        return " ".join(rnd.choice(words) for _ in range(MB // 4))[:MB]
    return "".join(rnd.choice(alphabet) for _ in range(MB))


CAPS = ["Ministry", "Of", "Foreign", "Affairs", "John", "Smith", "ASEAN", "Summit", "The",
        "New", "York", "Inc.", "Co.,", "Ltd.", "Plan", "2020", "Agreement", "Forum", "Bank"]


def cpu(fn) -> float:
    t0 = time.process_time()
    fn()
    return time.process_time() - t0


def extraction_rows(corpus: Path | None) -> list[tuple[str, float, float]]:
    """(input, CPU seconds, the figure it was tuned against)."""
    gazetteer()
    extract("JAKARTA, 27 May 2021 - The ASEAN Secretariat said.")
    inputs: list[tuple[str, str, float]] = []
    docs = sorted(SAMPLES.glob("*.txt"))
    inputs.append(("sample releases, 1 MB",
                   to_size("\n\n".join(p.read_text("utf-8") for p in docs)), 1.0))
    if corpus is not None:
        parts, size = [], 0
        for p in sorted(corpus.rglob("*.md"))[:2000]:
            parts.append(p.read_text("utf-8", "replace"))
            size += len(parts[-1])
            if size > MB:
                break
        inputs.append(("corpus releases, 1 MB", "\n\n".join(parts)[:MB], 1.0))
    inputs += [
        ("dense business release, 1 MB", to_size(DENSE), 1.5),
        ("repeated dateline paragraph, 1 MB", to_size(PARA), 5.0),
        ("capitalised words, 1 MB", _random("", CAPS), 3.0),
        ("digits and %, 1 MB", _random("0123456789%"), 3.0),
        ("no spaces, 1 MB", _random("abcXYZ-.@/_0123:"), 3.0),
        ("one letter, 1 MB", "A" * MB, 3.0),
        ("one digit, 1 MB", "1" * MB, 3.0),
        ("long URLs, 1 MB", to_size("https://x.example/" + "a" * 5000 + " "), 3.0),
        ("phone numbers, 1 MB", to_size("+1 (555) 123-4567 "), 3.0),
        ("legal suffixes, 1 MB", to_size("Co., "), 3.0),
    ]
    rows = [(f"extract: {name}", cpu(lambda t=text: extract(t)), tuned)
            for name, text, tuned in inputs]
    many = "Acme Launches Widget\n" + to_size(DENSE)
    one = "Acme " + "a" * 500_000 + " " + "word@ (x) - " * 40_000
    rows.append(("structure: 1 MB of lines", cpu(lambda: analyse(many)), 1.0))
    rows.append(("structure: one 1 MB line", cpu(lambda: analyse(one)), 1.0))
    return rows


def indexing_rows() -> list[tuple[str, float, float]]:
    from reviewer.core.review.workspace import Workspace

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "big"
        folder.mkdir()
        sentence = "The ASEAN-Japan Forum met in Hanoi on 3 June 2024 and pledged $5 million. "
        line = sentence * (5 * 1024 * 1024 // len(sentence)) + "zebracrossingword"
        (folder / "one-line.txt").write_text(line, encoding="utf-8")
        with Workspace(Path(tmp) / "data") as ws:
            ws.library.add_paths([folder])
            t0 = time.perf_counter()
            ws.library.scan()
            rows.append(("index: one 5 MB line (wall)", time.perf_counter() - t0, 25.0))
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default="/tmp/corpus",
                    help="a folder of .md releases (skipped when missing)")
    a = ap.parse_args()
    corpus = Path(a.corpus) if a.corpus and Path(a.corpus).is_dir() else None
    print(f"{'input':<44} {'seconds':>8} {'tuned to':>9}")
    for name, seconds, tuned in extraction_rows(corpus) + indexing_rows():
        flag = "" if seconds <= tuned else "  (slower)"
        print(f"{name:<44} {seconds:8.2f} {tuned:9.1f}{flag}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
