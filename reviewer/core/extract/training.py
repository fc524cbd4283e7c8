"""Training the learned recogniser from annotated releases.

    examples -> first-pass features -> k-fold first-pass models (so the second pass
    learns from first-pass labels as they look on unseen text) -> second-pass model,
    and a first-pass model on everything -> `first.crfsuite`, `second.crfsuite`,
    `model.json` in the output folder.

`tools/train_extractor.py` trains the shipped model with this; the same code serves
cross-validation in the benchmarks.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pycrfsuite

from reviewer.core.extract.features import Features, bilou, document_features
from reviewer.core.extract.learned import (
    decode,
    finish,
    first_pass,
    second_pass_features,
    tag_chunks,
)

#: Regularisation and iterations, chosen by cross-validation on the training releases.
MAX_ITERATIONS = 150
PARAMS = {"c1": 0.05, "c2": 0.05, "max_iterations": MAX_ITERATIONS,
          "feature.possible_transitions": True}
FOLDS = 4

Progress = Callable[[str, float], None]


@dataclass
class Example:
    """An annotated release: its text and its (start, end, label) mentions."""

    name: str
    text: str
    spans: list[tuple[int, int, str]]
    weight: int = 1  # a sequence is given to the trainer this many times


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


def _train(seqs: Sequence[tuple[list[Features], list[str], int]], path: str,
           progress: Progress | None = None, stage: str = "") -> None:
    trainer = _Trainer(progress, stage)
    for X, y, w in seqs:
        for _ in range(w):
            trainer.append(X, y)
    trainer.set_params(PARAMS)
    trainer.train(path)


class _Trainer(pycrfsuite.Trainer):  # type: ignore[misc]
    def __init__(self, progress: Progress | None, stage: str) -> None:
        super().__init__(verbose=False)
        self._progress = progress
        self._stage = stage

    def on_iteration(self, log: str, info: dict[str, object]) -> None:
        num = info.get("num")
        if self._progress and isinstance(num, int):
            self._progress(self._stage, num / MAX_ITERATIONS)


def second_pass_inputs(
    prepared: Sequence[Prepared], first_model: str
) -> list[list[Features]]:
    tagger = pycrfsuite.Tagger()
    tagger.open(first_model)
    out = []
    for p in prepared:
        tags, marg = first_pass(tagger, p.text, p.offs, p.X)
        out.append(second_pass_features(p.text, p.offs, p.X, tags, marg))
    return out


def train(
    prepared: Sequence[Prepared],
    out_dir: Path,
    folds: int = FOLDS,
    progress: Progress | None = None,
    seed: int = 1,
) -> dict[str, object]:
    """Train both passes on `prepared` and write the model files into `out_dir`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    started = time.time()
    order = list(range(len(prepared)))
    random.Random(seed).shuffle(order)
    parts = [order[i::folds] for i in range(folds)]
    X2: list[list[Features] | None] = [None] * len(prepared)
    with tempfile.TemporaryDirectory(prefix="reviewer-train-") as tmp:
        for k, part in enumerate(parts):
            held = set(part)
            path = os.path.join(tmp, f"fold{k}.crfsuite")
            _train([(p.X, p.y, p.weight) for i, p in enumerate(prepared) if i not in held],
                   path, progress, f"fold {k + 1} of {folds}")
            inputs = second_pass_inputs([prepared[i] for i in part], path)
            for i, x2 in zip(part, inputs, strict=True):
                X2[i] = x2
    first = out_dir / "first.crfsuite"
    second = out_dir / "second.crfsuite"
    _train([(p.X, p.y, p.weight) for p in prepared], str(first), progress, "first pass")
    _train([(x2, p.y, p.weight) for x2, p in zip(X2, prepared, strict=True) if x2 is not None],
           str(second), progress, "second pass")
    digest = hashlib.sha256(first.read_bytes() + second.read_bytes()).hexdigest()[:10]
    meta = {
        "version": time.strftime("%Y-%m-%d") + "." + digest,
        "releases": len(prepared),
        "mentions": sum(len(p.gold) for p in prepared),
        "params": {k: v for k, v in PARAMS.items()},
        "folds": folds,
        "seconds": round(time.time() - started, 1),
    }
    (out_dir / "model.json").write_text(json.dumps(meta, indent=2) + "\n", "utf-8")
    return meta


def predict(model_dir: Path, prepared: Sequence[Prepared]) -> dict[str, list[tuple[int, int, str]]]:
    """Spans a model in `model_dir` finds in already prepared releases (for evaluation)."""
    first = pycrfsuite.Tagger()
    first.open(str(model_dir / "first.crfsuite"))
    second = pycrfsuite.Tagger()
    second.open(str(model_dir / "second.crfsuite"))
    out = {}
    for p in prepared:
        tags, marg = first_pass(first, p.text, p.offs, p.X)
        X2 = second_pass_features(p.text, p.offs, p.X, tags, marg)
        out[p.name] = finish(p.text, decode(tag_chunks(second, p.text, p.offs, X2), p.offs,
                                            p.text))
    return out
