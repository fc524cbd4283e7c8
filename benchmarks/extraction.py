"""Extraction quality: `python -m benchmarks extraction [--quick]`.

Prints strict F1 (per label and micro) of the shipped extractor on the five demo releases
and on the held-out releases (shared/eval/dev), the rule engine alone beside it, then
k-fold cross-validation of the learned recogniser over the training releases, and a
learning curve (F1 on the held-out releases against the number of training releases),
saved as docs/learning_curve.png. Training runs use both cores, one fold per process.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from benchmarks.chart import line_chart

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

EVAL = ROOT.parent / "shared" / "eval"
CORPUS = ROOT.parent / "shared" / "corpus" / "press-releases.tar.xz"


def _score_docs(gold_path: Path, docs: Path, model: bool):
    from reviewer.core.evaluation import read_gold, read_text, score
    from reviewer.core.extract import extract

    gold = read_gold(gold_path)
    pred = {}
    for doc in gold:
        ex = extract(read_text(docs / doc), model=model)
        pred[doc] = [(e.start, e.end, e.label) for e in ex.entities]
    return score(gold, pred)


def _table(title: str, columns: dict) -> str:
    labels = sorted({lab for sc in columns.values() for lab in sc.labels})
    head = f"{title:28}" + "".join(f"{name:>14}" for name in columns)
    lines = [head]
    for lab in labels:
        cells = []
        for sc in columns.values():
            cells.append(f"{sc.label_prf(lab)[2]:8.3f} ({sc.gold[lab]:3})" if lab in sc.labels
                         else f"{'':>14}")
        lines.append(f"  {lab:26}" + "".join(f"{c:>14}" for c in cells))
    lines.append(f"  {'micro F1':26}" + "".join(f"{sc.micro[2]:14.3f}" for sc in columns.values()))
    return "\n".join(lines)


def _train_and_score(args: tuple[list, list, str]) -> tuple[float, dict]:
    """Train on `train` (prepared releases), score on `test`; returns (F1, per-label F1)."""
    from reviewer.core.evaluation import score
    from reviewer.core.extract import training

    train, test, folder = args
    training.train(train, Path(folder))
    pred = training.predict(Path(folder), test)
    sc = score({p.name: p.gold for p in test}, pred)
    return sc.micro[2], {lab: sc.label_prf(lab)[2] for lab in sc.labels}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks extraction", description=__doc__)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--quick", action="store_true",
                    help="skip cross-validation and the learning curve")
    ap.add_argument("--png", default=str(ROOT / "docs" / "learning_curve.png"))
    a = ap.parse_args(argv)
    import train_extractor

    from reviewer.core.extract import training
    from reviewer.core.extract.learned import recogniser

    rec = recogniser()
    print(f"learned recogniser: {rec.info.version if rec else 'not loaded'}"
          f" ({rec.info.trained_on if rec else 0} training releases)")
    t0 = time.time()
    cols = {
        "seed": _score_docs(EVAL / "seed_gold.jsonl", ROOT / "sample_docs", True),
        "seed rules": _score_docs(EVAL / "seed_gold.jsonl", ROOT / "sample_docs", False),
        "dev": _score_docs(EVAL / "dev_gold.jsonl", EVAL / "dev_docs", True),
        "dev rules": _score_docs(EVAL / "dev_gold.jsonl", EVAL / "dev_docs", False),
    }
    print(_table("strict F1 (gold mentions)", cols))
    print(f"  ({time.time() - t0:.0f} s; the seed releases are part of the training data)")
    if a.quick:
        return 0

    examples = train_extractor.all_examples(EVAL, CORPUS)
    prepared = [training.prepare(e) for e in examples]
    dev = [training.prepare(e) for e in train_extractor.folder_examples(
        EVAL / "dev_gold.jsonl", EVAL / "dev_docs")]
    order = list(range(len(prepared)))
    random.Random(7).shuffle(order)
    with tempfile.TemporaryDirectory(prefix="reviewer-cv-") as tmp, \
            ProcessPoolExecutor(max_workers=2) as pool:
        jobs = []
        for k in range(a.folds):
            held = set(order[k :: a.folds])
            jobs.append(([p for i, p in enumerate(prepared) if i not in held],
                         [prepared[i] for i in sorted(held)], f"{tmp}/cv{k}"))
        t0 = time.time()
        results = list(pool.map(_train_and_score, jobs))
        f1s = [f for f, _ in results]
        mean = sum(f1s) / len(f1s)
        print(f"\n{a.folds}-fold cross-validation over {len(prepared)} training releases "
              f"({time.time() - t0:.0f} s): strict F1 {mean:.3f} "
              f"(folds {', '.join(f'{f:.3f}' for f in f1s)})")
        labels = sorted(results[0][1])
        for lab in labels:
            vals = [r[1].get(lab, 0.0) for r in results]
            print(f"  {lab:10} {sum(vals) / len(vals):.3f}")

        sizes = [n for n in (50, 100, 200, 400) if n < len(prepared)]
        jobs = [([prepared[i] for i in order[:n]], dev, f"{tmp}/lc{n}") for n in sizes]
        t0 = time.time()
        points = [(n, f) for n, (f, _) in zip(sizes, pool.map(_train_and_score, jobs),
                                              strict=True)]
    full = cols["dev"].micro[2]
    points.append((len(prepared), full))
    print(f"\nlearning curve, strict F1 on the {len(dev)} held-out releases "
          f"({time.time() - t0:.0f} s):")
    for n, f in points:
        print(f"  {n:5} training releases: {f:.3f}")
    line_chart({"dev": points}, Path(a.png), label_points=True,
               title="Strict F1 on the held-out releases against training releases")
    print(f"saved {a.png}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
