#!/usr/bin/env python3
"""Extraction throughput over the benchmark corpus.

    python benchmarks/bench_extract.py [--corpus DIR] [--limit N]

Without --corpus the tarball in ../shared/corpus is unpacked to a temporary folder.
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
    gazetteer()  # loading resources is a one-off cost, not per release
    t0 = time.perf_counter()
    n_ents = 0
    for t in texts:
        n_ents += len(extract(t).entities)
    dt = time.perf_counter() - t0
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    print(f"{len(texts)} releases, {mb:.1f} MB, {n_ents} entities in {dt:.2f} s")
    print(f"{len(texts) / dt:.0f} releases/s, {mb / dt:.2f} MB/s")
    if tmp:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
