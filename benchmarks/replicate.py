"""Index a library made of the corpus copied several times, reusing each release's
extraction from an index of the original corpus.

    python -m benchmarks.replicate --source D25K --library LIB --data-dir D100K

`LIB` holds the copies (`python -m benchmarks --copies 4` makes them, or any copies of
the files under other names); `D25K` is a data folder that indexed the original files
(`reviewer index /tmp/corpus/newsworthy_pr --data-dir D25K`). The scan is Reviewer's own
(`Library.scan` with its worker processes: loading, structure, tokenising, segments,
merges, the store); only the extractor is replaced by a lookup of what it found in the
identical text of the original (its entity values, as the index keeps them), so a
98,704-release index takes minutes instead of an hour of extraction on two cores. A
text not found in the source is extracted as usual (and counted).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import time

from reviewer.core import analysis
from reviewer.core.documents import loaders
from reviewer.core.model import Entity, Extraction
from reviewer.core.review.workspace import Workspace

_found: dict[bytes, dict[str, list[str]]] = {}
_missed = [0]
_real_extract = analysis.extract


def _key(text: str) -> bytes:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).digest()


def _memo_extract(text: str, structure=None, lexicon=None) -> Extraction:  # noqa: ANN001
    values = _found.get(_key(text))
    if values is None:
        _missed[0] += 1
        return _real_extract(text, structure, lexicon)
    return Extraction(entities=[Entity(0, 0, label, name) for label, names in values.items()
                                for name in names])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.replicate", description=__doc__)
    ap.add_argument("--source", required=True, help="data folder indexing the originals")
    ap.add_argument("--library", required=True, help="folder of the copies to index")
    ap.add_argument("--data-dir", required=True, help="data folder for the copies' index")
    ap.add_argument("--workers", type=int, default=2)
    a = ap.parse_args(argv)
    t0 = time.perf_counter()
    with Workspace(a.source) as src, src.index.ix.searcher() as s:
        for stored in s.all_stored_fields():
            try:
                text = loaders.load(stored["path"]).text
            except (loaders.LoadError, OSError):
                continue
            _found[_key(text)] = json.loads(stored.get("facets") or "{}")
    print(f"extractions of {len(_found)} releases read in {time.perf_counter() - t0:.1f} s",
          flush=True)
    analysis.extract = _memo_extract  # worker processes are forked: they inherit it
    with Workspace(a.data_dir) as ws:
        ws.library.add_paths([a.library])
        t0 = time.perf_counter()
        report = ws.library.scan(workers=a.workers)
        took = time.perf_counter() - t0
        print(f"{report.summary()}; {ws.index.doc_count()} indexed in {took:.0f} s, "
              f"{len(ws.index.segments())} segments; extracted anew (not found in the "
              f"source): {_missed[0]} in this process", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
