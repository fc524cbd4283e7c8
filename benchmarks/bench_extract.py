#!/usr/bin/env python3
"""Extraction throughput over the benchmark corpus.

    python benchmarks/bench_extract.py [--corpus DIR] [--limit N] [--profile]

Without --corpus the tarball in ../shared/corpus is unpacked to a temporary folder.
Files are loaded first; only `extract()` is timed, by wall clock and by process CPU time
(the machine is shared, so the CPU figure is the steadier one).
"""

from __future__ import annotations

import argparse
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reviewer.core.extract import extract  # noqa: E402
from reviewer.core.extract.gazetteer import gazetteer  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default="")
    ap.add_argument("--limit", type=int, default=2000)
    ap.add_argument("--profile", action="store_true", help="print a cProfile of the run")
    a = ap.parse_args()
    tmp = None
    corpus = Path(a.corpus) if a.corpus else None
    if corpus is None:
        tarball = ROOT.parent / "shared" / "corpus" / "press-releases.tar.xz"
        tmp = tempfile.TemporaryDirectory()
        with tarfile.open(tarball) as tf:
            tf.extractall(tmp.name, filter="data")
        corpus = Path(tmp.name)
    files = sorted(corpus.rglob("*.md"))[: a.limit]
    texts = [p.read_text("utf-8", "replace").replace("\r\n", "\n") for p in files]
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    gazetteer()  # loading resources is a one-off cost, not per release
    extract("Warm-up: JAKARTA, 1 May 2021 - The ASEAN Secretariat said.")
    prof = None
    if a.profile:
        import cProfile

        prof = cProfile.Profile()
        prof.enable()
    n_ents = 0
    w0, c0 = time.perf_counter(), time.process_time()
    for t in texts:
        n_ents += len(extract(t).entities)
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    if prof is not None:
        import pstats

        prof.disable()
        pstats.Stats(prof).sort_stats("tottime").print_stats(25)
    n = len(texts)
    print(f"{n} releases, {mb:.1f} MB, {n_ents} entities")
    print(f"wall {wall:.2f} s: {n / wall:.0f} releases/s, {mb / wall:.2f} MB/s")
    print(f"cpu  {cpu:.2f} s: {n / cpu:.0f} releases/s, {mb / cpu:.2f} MB/s")
    if tmp:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
