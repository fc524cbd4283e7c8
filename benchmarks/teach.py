"""Corrections that teach: `python -m benchmarks teach [--sources A,B] [--test N]`.

Simulates a reviewer on a stream of releases from one wire the extractor has never seen.
For each source, a base model is trained without any release of the benchmark's sources
(once, then cached: about half an hour on a quiet core), and a library is made of that
source's annotated releases (training, corpus and held-out sets). The reviewer then
corrects k = 2, 5, 10 releases to their gold annotations through the same core calls the
GUI makes (reject, add, retype, resize, mark reviewed), the extractor is taught after each
step (`teaching.teach`, as Review > Teach the extractor does), and strict F1 is measured on
the source's releases nobody touched (the same ones for every k) and on the reviewed
ones. Prints the curve, saves it as docs/teach_curve.png and ends with
`teach gain at k=10: +X.X F1 points` (mean over sources).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.chart import line_chart

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

EVAL = ROOT.parent / "shared" / "eval"
CORPUS = ROOT.parent / "shared" / "corpus" / "press-releases.tar.xz"
#: The wires of the held-out releases with enough annotated releases for a stream.
SOURCES = ("247PressRelease", "ibn", "citybiz", "blockchainwire")
STEPS = (0, 2, 5, 10)
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "reviewer-benchmarks"


def _sources() -> dict[str, str]:
    out = {}
    for part in ("train_docs", "dev_docs"):
        for row in json.loads((EVAL / part / "SOURCES.json").read_text("utf-8")):
            out[row["doc"]] = row["path"].split("/")[0]
    return out


def source_of(name: str, known: dict[str, str]) -> str:
    """The wire a release came from: corpus paths start with it; written ones are named
    `gov1-03.txt`."""
    if name in known:
        return known[name]
    if "/" in name:
        return name.split("/")[0]
    return name.split("-")[0]


def _base_model(examples: list, held: set[str], known: dict[str, str]) -> Path:
    """A recogniser trained on every annotated release not from `held` (cached)."""
    from reviewer.core.extract import features, training

    keep = [e for e in examples if source_of(e.name, known) not in held
            and not e.name.startswith("dev-")]
    digest = hashlib.sha256()
    for e in keep:
        digest.update(e.name.encode() + hashlib.sha256(e.text.encode()).digest())
        digest.update(repr(e.spans).encode())
    for module in (features, training):
        digest.update(Path(str(module.__file__)).read_bytes())
    folder = CACHE / f"teach-base-{digest.hexdigest()[:12]}"
    if (folder / "model.json").is_file():
        return folder
    print(f"training a base model on the {len(keep)} releases from other sources "
          f"(once; about half an hour) ...", flush=True)
    t0 = time.time()
    shown = [-1]

    def progress(frac: float) -> None:
        if int(frac * 10) > shown[0]:
            shown[0] = int(frac * 10)
            print(f"  {frac:4.0%} ({time.time() - t0:.0f} s)", flush=True)

    tmp = Path(tempfile.mkdtemp(prefix="teach-base-", dir=CACHE.parent if CACHE.parent.is_dir()
                                else None))
    training.train([training.prepare(e) for e in keep], tmp, progress=progress)
    CACHE.mkdir(parents=True, exist_ok=True)
    os.replace(tmp, folder)
    return folder


def correct_to_gold(ws, doc_id: int, gold: list[tuple[int, int, str]]) -> int:
    """Make the release show exactly its gold mentions, as a reviewer would with the
    GUI's edits; returns the number of corrections."""
    from reviewer.core.review import operations
    from reviewer.core.review.view import document_view

    view = document_view(ws, doc_id)
    doc = view.document
    want = set(gold)
    fixes = []
    covered: set[tuple[int, int, str]] = set()
    for e in view.entities:
        if (e.start, e.end, e.label) in want:
            covered.add((e.start, e.end, e.label))
            continue
        same_span = next((g for g in want if g[:2] == (e.start, e.end)), None)
        overlapping = [g for g in want if g[0] < e.end and e.start < g[1] and g[2] == e.label]
        if same_span and same_span not in covered:
            fixes.append(operations.correction_retype(doc, e, same_span[2]))
            covered.add(same_span)
        elif len(overlapping) == 1 and overlapping[0] not in covered:
            g = overlapping[0]
            fixes.append(operations.correction_resize(doc, e, g[0], g[1]))
            covered.add(g)
        else:
            fixes.append(operations.correction_reject(doc, e))
    for g in sorted(want - covered):
        fixes.append(operations.correction_add(doc, g[0], g[1], g[2]))
    operations.save_corrections(ws, fixes)
    ws.store.set_status(doc_id, "reviewed")
    return len(fixes)


def _f1(ws, ids: list[int], gold: dict[int, list[tuple[int, int, str]]]) -> float:
    from reviewer.core.evaluation import score
    from reviewer.core.review.view import document_view

    pred = {str(i): [(e.start, e.end, e.label) for e in document_view(ws, i).entities]
            for i in ids}
    return score({str(i): gold[i] for i in ids}, pred).micro[2]


def run_source(name: str, releases: list, test_size: int, seed: int,
               anchors: list) -> dict[str, object]:
    from reviewer.core.review import teaching
    from reviewer.core.review.workspace import Workspace

    order = list(releases)
    random.Random(seed).shuffle(order)
    stream = order[:STEPS[-1]]
    test = order[STEPS[-1]:][:test_size]
    with tempfile.TemporaryDirectory(prefix="reviewer-teach-") as tmp:
        folder = Path(tmp) / "releases"
        folder.mkdir()
        for i, ex in enumerate(order):
            (folder / f"{i:03d}.txt").write_text(ex.text, encoding="utf-8")
        gold_by_file = {f"{i:03d}.txt": ex.spans for i, ex in enumerate(order)}
        ws = Workspace(Path(tmp) / "data")
        try:
            ws.library.add_paths([folder])
            ws.library.scan()
            ids = {Path(d.path).name: d.id for d in ws.store.documents()}
            gold = {ids[f]: spans for f, spans in gold_by_file.items()}
            test_ids = [ids[f"{order.index(ex):03d}.txt"] for ex in test]
            stream_ids = [ids[f"{order.index(ex):03d}.txt"] for ex in stream]
            curve, reviewed_f1, seconds = [], [], []
            done = 0
            for k in STEPS:
                for doc_id in stream_ids[done:k]:
                    correct_to_gold(ws, doc_id, gold[doc_id])
                done = max(done, k)
                if k:
                    t0 = time.perf_counter()
                    teaching.teach(ws, anchor_releases=anchors)
                    seconds.append(time.perf_counter() - t0)
                    reviewed_f1.append(_f1(ws, stream_ids[:k], gold))
                curve.append(_f1(ws, test_ids, gold))
                print(f"  {name:16} k={k:2}: untouched F1 {curve[-1]:.3f}"
                      + (f", reviewed {reviewed_f1[-1]:.3f}, update {seconds[-1]:.1f} s"
                         if k else ""), flush=True)
        finally:
            ws.close()
    return {"curve": curve, "reviewed": reviewed_f1, "seconds": seconds,
            "test": len(test), "stream": len(stream)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks teach", description=__doc__)
    ap.add_argument("--sources", default=",".join(SOURCES))
    ap.add_argument("--test", type=int, default=40,
                    help="untouched releases per source, at most")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--png", default=str(ROOT / "docs" / "teach_curve.png"))
    a = ap.parse_args(argv)
    import train_extractor

    held = set(a.sources.split(","))
    known = _sources()
    examples = train_extractor.all_examples(EVAL, CORPUS)
    examples += train_extractor.folder_examples(EVAL / "dev_gold.jsonl", EVAL / "dev_docs")
    base = _base_model(examples, held, known)
    from reviewer.core.extract.adapter import Taught

    others = [e for e in examples if source_of(e.name, known) not in held
              and not e.name.startswith("dev-")]
    # the anchors every update trains on come from the base model's sources too
    anchors = [Taught(e.name, e.text, e.spans) for e in sorted(
        random.Random(7).sample(others, 30), key=lambda e: e.name)]
    # every workspace below runs on the base model that never saw these sources
    os.environ["REVIEWER_MODEL"] = str(base)
    print(f"base model: {base}")
    results = {}
    for name in a.sources.split(","):
        releases = [e for e in examples if source_of(e.name, known) == name]
        print(f"{name}: {len(releases)} releases", flush=True)
        results[name] = run_source(name, releases, a.test, a.seed, anchors)
    print("\nstrict F1 on untouched releases, by releases corrected:")
    print("  source            " + "".join(f"k={k:<6}" for k in STEPS))
    for name, r in results.items():
        print(f"  {name:16}  " + "".join(f"{f:<8.3f}" for f in r["curve"]))
    seconds = [s for r in results.values() for s in r["seconds"]]
    drops = [r for r in results.values()
             if any(b < a - 1e-9 for a, b in zip(r["reviewed"], r["reviewed"][1:], strict=False))]
    print(f"update time: median {sorted(seconds)[len(seconds) // 2]:.1f} s, "
          f"longest {max(seconds):.1f} s")
    lowest = min(min(r["reviewed"]) for r in results.values())
    print(f"reviewed releases: F1 never dropped in {len(results) - len(drops)} of "
          f"{len(results)} sources (lowest {lowest:.3f})")
    line_chart({name: list(zip(STEPS, r["curve"], strict=True)) for name, r in results.items()},
               Path(a.png), x_label="releases corrected by the reviewer (k)",
               title="strict F1 on the releases of the same wire nobody touched")
    print(f"saved {a.png}")
    gains = [(r["curve"][-1] - r["curve"][0]) * 100 for r in results.values()]
    print(f"teach gain at k=10: {sum(gains) / len(gains):+.1f} F1 points")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
