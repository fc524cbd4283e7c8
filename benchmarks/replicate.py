"""Index a library made of the corpus copied several times, reusing the stored entities
of an index of the original corpus.

    python -m benchmarks.replicate --source D25K --library LIB --data-dir D100K

`LIB` holds the copies (`python -m benchmarks --copies 4` makes them, or any copies of
the files under other names); `D25K` is a data folder that indexed the original files
(`reviewer index /tmp/corpus/newsworthy_pr --data-dir D25K`). The entities Reviewer
stored there (`entities.sqlite3`, keyed by what the extractor reads, so identical copies
share a row) are copied into `D100K`, less its record of what D25K's index holds; then
`reviewer index LIB --data-dir D100K` runs as a reviewer would run it. Every copy is
found in the stored entities, so a 98,704-release index takes minutes instead of an hour
of extraction on two cores.
"""
from __future__ import annotations

import argparse
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from reviewer.core.entity_cache import CACHE_FILE


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.replicate", description=__doc__)
    ap.add_argument("--source", required=True, help="data folder indexing the originals")
    ap.add_argument("--library", required=True, help="folder of the copies to index")
    ap.add_argument("--data-dir", required=True, help="data folder for the copies' index")
    a = ap.parse_args(argv)
    target = Path(a.data_dir)
    target.mkdir(parents=True, exist_ok=True)
    if (target / CACHE_FILE).exists():
        sys.exit(f"{target / CACHE_FILE} exists: give an empty data folder")
    src = sqlite3.connect(f"file:{Path(a.source) / CACHE_FILE}?mode=ro", uri=True)
    dst = sqlite3.connect(target / CACHE_FILE)
    try:
        src.backup(dst)
        dst.execute("DELETE FROM indexed")  # what the source's index holds, not ours
        dst.commit()
        stored = dst.execute("SELECT count(*) FROM entities").fetchone()[0]
    finally:
        src.close()
        dst.close()
    print(f"stored entities of {stored} release texts copied", flush=True)
    t0 = time.perf_counter()
    code = subprocess.call(["reviewer", "index", a.library, "--data-dir", a.data_dir])
    print(f"indexed in {time.perf_counter() - t0:.0f} s", flush=True)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
