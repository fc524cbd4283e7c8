#!/usr/bin/env python3
"""Train the learned recogniser shipped in resources/model/.

    python tools/train_extractor.py [--eval ../shared/eval]
                                    [--corpus ../shared/corpus/press-releases.tar.xz]
                                    [--out resources/model]

Training releases, all annotated by the same guidelines (shared/eval/GUIDELINES.md):
- `shared/eval/train_gold.jsonl` with `train_docs/` (100 corporate releases);
- `shared/eval/seed_gold.jsonl` with the demo releases in `sample_docs/`;
- `training/corpus_gold.jsonl`: further corpus releases annotated for Reviewer; their
  text is read from the corpus archive and checked against the recorded SHA-256;
- `training/written_gold.jsonl` with `training/written/`: government, news-agency and
  newswire-style corporate releases written for Reviewer's training.
The held-out set (`dev_gold.jsonl`) is never read. Takes about 10 minutes on a quiet core.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tarfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reviewer.core.documents.loaders import normalise_text  # noqa: E402
from reviewer.core.extract.training import Example, prepare, train  # noqa: E402

TRAINING = ROOT / "training"


def read_gold(path: Path):
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def spans(row: dict) -> list[tuple[int, int, str]]:
    return [(int(s), int(e), lab) for s, e, lab, *_ in row["entities"]]


def folder_examples(gold: Path, folder: Path) -> list[Example]:
    out = []
    for row in read_gold(gold):
        text = normalise_text((folder / row["doc"]).read_text("utf-8"))
        out.append(Example(row["doc"], text, spans(row)))
    return out


def corpus_examples(gold: Path, archive: Path) -> list[Example]:
    rows = {row["doc"]: row for row in read_gold(gold)}
    found: dict[str, Example] = {}
    with tarfile.open(archive) as tar:
        for member in tar:
            name = member.name.removeprefix("./").removeprefix("newsworthy_pr/")
            row = rows.get(name)
            if row is None or not member.isfile():
                continue
            fh = tar.extractfile(member)
            assert fh is not None
            data = fh.read()
            if hashlib.sha256(data).hexdigest() != row["sha256"]:
                raise SystemExit(f"{name}: the archive's text differs from the annotated one")
            found[name] = Example(name, normalise_text(data.decode("utf-8")), spans(row))
    missing = set(rows) - set(found)
    if missing:
        raise SystemExit(f"{len(missing)} annotated releases are not in {archive}")
    return [found[n] for n in rows]


def all_examples(eval_dir: Path, archive: Path) -> list[Example]:
    ex = folder_examples(eval_dir / "train_gold.jsonl", eval_dir / "train_docs")
    ex += folder_examples(eval_dir / "seed_gold.jsonl", ROOT / "sample_docs")
    ex += corpus_examples(TRAINING / "corpus_gold.jsonl", archive)
    ex += folder_examples(TRAINING / "written_gold.jsonl", TRAINING / "written")
    return ex


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--eval", default=str(ROOT.parent / "shared" / "eval"))
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared/corpus/press-releases.tar.xz"))
    ap.add_argument("--out", default=str(ROOT / "resources" / "model"))
    a = ap.parse_args()
    t0 = time.time()
    examples = all_examples(Path(a.eval), Path(a.corpus))
    print(f"{len(examples)} releases, {sum(len(e.spans) for e in examples)} mentions",
          file=sys.stderr)
    prepared = [prepare(e) for e in examples]
    print(f"features in {time.time() - t0:.0f} s", file=sys.stderr)
    shown = [-1]

    def progress(frac: float) -> None:
        step = int(frac * 10)
        if step > shown[0]:
            print(f"  training {frac:4.0%} ({time.time() - t0:.0f} s)", file=sys.stderr)
            shown[0] = step

    meta = train(prepared, Path(a.out), progress=progress)
    print(json.dumps(meta, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
