"""Training the learned recogniser from annotated releases.

    examples -> features (the same code the extractor runs) -> a CRF trained with L-BFGS
    -> `entities.crfsuite` and `model.json` in the output folder.

`tools/train_extractor.py` trains the shipped model with this; the benchmarks use it for
cross-validation and the learning curve.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pycrfsuite

from reviewer.core.extract.features import Features, bilou, document_features
from reviewer.core.extract.learned import MODEL_FILE, decode, finish, tag_chunks

#: L1 and L2 regularisation and iterations, chosen by held-out F1 on the training releases
#: (docs/EXTRACTION.md).
MAX_ITERATIONS = 150
PARAMS = {"c1": 0.05, "c2": 0.05, "max_iterations": MAX_ITERATIONS,
          "feature.possible_transitions": True}

Progress = Callable[[float], None]


@dataclass
class Example:
    """An annotated release: its text and its (start, end, label) mentions."""

    name: str
    text: str
    spans: list[tuple[int, int, str]]
    weight: int = 1  # the trainer sees the release this many times


@dataclass
class Prepared:
    name: str
    text: str
    offs: list[tuple[int, int]]
    X: list[Features]
    y: list[str]
    weight: int = 1
    gold: list[tuple[int, int, str]] = field(default_factory=list)


def prepare(ex: Example) -> Prepared:
    from reviewer.core.extract import analyse_and_rules

    structure, rules = analyse_and_rules(ex.text)
    offs, X = document_features(ex.text, structure, rules)
    return Prepared(ex.name, ex.text, offs, X, bilou(ex.spans, offs), ex.weight, ex.spans)


class _Trainer(pycrfsuite.Trainer):  # type: ignore[misc]
    def __init__(self, progress: Progress | None) -> None:
        super().__init__(verbose=False)
        self._progress = progress

    def on_iteration(self, log: str, info: dict[str, object]) -> None:
        num = info.get("num")
        if self._progress and isinstance(num, int):
            self._progress(num / MAX_ITERATIONS)


def train(prepared: Sequence[Prepared], out_dir: Path,
          progress: Progress | None = None) -> dict[str, object]:
    """Train on `prepared` and write the model files into `out_dir`; returns model.json."""
    out_dir.mkdir(parents=True, exist_ok=True)
    started = time.time()
    trainer = _Trainer(progress)
    for p in prepared:
        for _ in range(p.weight):
            trainer.append(p.X, p.y)
    trainer.set_params(PARAMS)
    path = out_dir / MODEL_FILE
    trainer.train(str(path))
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:10]
    meta: dict[str, object] = {
        "version": time.strftime("%Y-%m-%d") + "." + digest,
        "releases": len(prepared),
        "mentions": sum(len(p.gold) for p in prepared),
        "params": dict(PARAMS),
        "seconds": round(time.time() - started, 1),
    }
    (out_dir / "model.json").write_text(json.dumps(meta, indent=2) + "\n", "utf-8")
    return meta


def predict(model_dir: Path, prepared: Sequence[Prepared]) -> dict[str, list[tuple[int, int, str]]]:
    """Spans a model in `model_dir` finds in prepared releases (for evaluation)."""
    tagger = pycrfsuite.Tagger()
    tagger.open(str(model_dir / MODEL_FILE))
    return {p.name: finish(p.text, decode(tag_chunks(tagger, p.text, p.offs, p.X), p.offs, p.text))
            for p in prepared}
