#!/usr/bin/env python3
"""Derive the learned recogniser's word resources from the unannotated corpus.

    python tools/build_word_resources.py [--corpus ../shared/corpus/press-releases.tar.xz]
                                         [--exclude ../shared/eval/dev_docs/SOURCES.json]

Writes `resources/model/words.tsv.gz`, one line per token form seen at least 5 times:

    form  c50  c200  c1000  freq  caps

`c50/c200/c1000` are word-embedding clusters at three granularities (word2vec over the
corpus, then k-means), so a name never seen in training shares features with names used
the same way; `freq` is a log-frequency bucket; `caps` buckets how often the lower-case
form is written capitalised away from a sentence start (`the` almost never, `Texas`
always), the best single clue to a proper noun. Releases named in `--exclude` (the
held-out evaluation set) are left out. Needs the `train` extra (gensim, scikit-learn);
the output is committed, so the app never needs either.
"""

from __future__ import annotations

import argparse
import collections
import gzip
import json
import math
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reviewer.core.extract.tokens import tokens  # noqa: E402

OUT = ROOT / "resources" / "model" / "words.tsv.gz"
MIN_COUNT = 5
_OPENERS = frozenset(".!?:#*-\"“|>")


def corpus_path(member: str) -> str:
    """`newsworthy_pr/ibn/2025/0501/x.md` -> `ibn/2025/0501/x.md` (the SOURCES.json form)."""
    name = member[2:] if member.startswith("./") else member
    return name.split("/", 1)[1] if name.startswith("newsworthy_pr/") else name


def corpus_texts(path: Path, exclude: set[str]):
    with tarfile.open(path) as tar:
        for member in tar:
            if not member.isfile() or not member.name.endswith(".md"):
                continue
            rel = corpus_path(member.name)
            if rel in exclude:
                continue
            fh = tar.extractfile(member)
            if fh is not None:
                yield fh.read().decode("utf-8", "replace")


def caps_bucket(cap: int, low: int) -> str:
    n = cap + low
    if n < 3:
        return "rare"
    r = cap / n
    return "0" if r < 0.05 else "1" if r < 0.3 else "2" if r < 0.7 else "3" if r < 0.95 else "4"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared/corpus/press-releases.tar.xz"))
    ap.add_argument("--exclude", default=str(ROOT.parent / "shared/eval/dev_docs/SOURCES.json"))
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    try:
        import numpy as np
        from gensim.models import Word2Vec
        from sklearn.cluster import MiniBatchKMeans
    except ImportError:
        print("needs the train extra: pip install -e '.[train]'", file=sys.stderr)
        return 2
    exclude: set[str] = set()
    if Path(a.exclude).exists():
        exclude = {row["path"] for row in json.loads(Path(a.exclude).read_text("utf-8"))}
    sents: list[list[str]] = []
    cap: collections.Counter[str] = collections.Counter()
    low: collections.Counter[str] = collections.Counter()
    freq: collections.Counter[str] = collections.Counter()
    for text in corpus_texts(Path(a.corpus), exclude):
        toks = [text[s:e] for s, e in tokens(text)]
        prev = "."
        for t in toks:
            freq[t] += 1
            if t[0].isalpha() and prev not in _OPENERS:
                if t[0].isupper():
                    cap[t.lower()] += 1
                else:
                    low[t.lower()] += 1
            prev = t
        sents.append(toks)
    print(f"{len(sents)} releases, {sum(freq.values())} tokens", file=sys.stderr)
    model = Word2Vec(sentences=sents, vector_size=100, window=5, min_count=MIN_COUNT,
                     workers=2, epochs=4, seed=a.seed)
    words = model.wv.index_to_key
    vecs = model.wv.vectors / np.linalg.norm(model.wv.vectors, axis=1, keepdims=True)
    ids = {}
    for k in (50, 200, 1000):
        ids[k] = MiniBatchKMeans(n_clusters=k, random_state=a.seed, batch_size=4096,
                                 n_init=3).fit(vecs).labels_
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(OUT, "wt", encoding="utf-8", compresslevel=9) as fh:
        for i, w in enumerate(words):
            fb = min(int(math.log10(freq[w] + 1) * 2), 10)
            cb = caps_bucket(cap[w.lower()], low[w.lower()]) if w[0].isalpha() else "-"
            fh.write(f"{w}\t{ids[50][i]}\t{ids[200][i]}\t{ids[1000][i]}\t{fb}\t{cb}\n")
    print(f"wrote {OUT} ({len(words)} forms)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
