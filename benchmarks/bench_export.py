#!/usr/bin/env python3
"""Time a 100-release Word memo on the benchmark corpus (target: under 5 s).

    python benchmarks/bench_export.py [--corpus /tmp/corpus] [--releases 100] [--full-text]

The corpus is unpacked to /tmp/corpus when it is not there yet (never into the repo).
The library is indexed first (not timed); the timed part is export_memo itself: loading
each release, extraction with the reviewer's corrections, summaries, building the
document, notes as comments, and the atomic write.
"""
from __future__ import annotations

import argparse
import random
import shutil
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reviewer.core.export import export_memo  # noqa: E402
from reviewer.core.review.view import document_view  # noqa: E402
from reviewer.core.review.workspace import Workspace  # noqa: E402

TARBALL = ROOT.parent / "shared" / "corpus" / "press-releases.tar.xz"
LIMIT_S = 5.0


def ensure_corpus(corpus: Path) -> Path:
    if not corpus.is_dir() or not any(corpus.rglob("*.md")):
        corpus.mkdir(parents=True, exist_ok=True)
        with tarfile.open(TARBALL) as tf:
            tf.extractall(corpus, filter="data")
    return corpus


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=Path("/tmp/corpus"))
    ap.add_argument("--releases", type=int, default=100)
    ap.add_argument("--full-text", action="store_true")
    a = ap.parse_args(argv)
    corpus = ensure_corpus(a.corpus)
    files = sorted(corpus.rglob("*.md"))
    # A spread over all sources, reproducibly, rather than 100 files from one wire.
    picked = sorted(random.Random(5).sample(files, min(a.releases, len(files))))
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        docs = tmp / "docs"
        docs.mkdir()
        for i, p in enumerate(picked):
            shutil.copy(p, docs / f"{i:03d}_{p.name}")
        with Workspace(tmp / "data") as ws:
            ws.library.add_paths([docs])
            ws.library.scan()
            ids = [d.id for d in ws.store.documents()]
            # Some review work, so comments and statuses are part of the cost.
            for doc_id in ids[::4]:
                view = document_view(ws, doc_id)
                text = view.document.text
                if view.entities:
                    e = view.entities[0]
                    ws.store.add_note(doc_id, "Check this name", target="span",
                                      start=e.start, end=e.end, quote=text[e.start:e.end],
                                      author="Bench")
                if view.facts:
                    ws.store.set_fact_status(doc_id, view.facts[0].key(), "verified")
                ws.store.add_note(doc_id, "Overall fine", author="Bench")
            out = tmp / "memo.docx"
            t0 = time.perf_counter()
            export_memo(ws, ids, out, title="Benchmark memo", full_text=a.full_text)
            dt = time.perf_counter() - t0
            size = out.stat().st_size / 1e6
    verdict = "OK" if dt < LIMIT_S else f"SLOW (limit {LIMIT_S:.0f} s)"
    print(f"{len(ids)}-release memo{' with full text' if a.full_text else ''}: "
          f"{dt:.2f} s, {size:.1f} MB — {verdict}")
    return 0 if dt < LIMIT_S else 1


if __name__ == "__main__":
    raise SystemExit(main())
