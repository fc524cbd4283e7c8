"""Teaching the learned recogniser from the reviewer's own releases, in seconds.

The shipped CRF takes minutes to train on hundreds of releases, too slow to retrain after
each correction. A reviewer's releases train a second, small CRF instead, the adapter: for
every token it reads the shipped model's tag and confidence, the shipped model's own
features, and the label the reviewer gave the same name in *another* of their releases.
It learns where the shipped model goes wrong on this reviewer's releases (a wire's
boilerplate, a desk's usual companies) and copies it elsewhere. A sample of the shipped
training releases (the anchors) trains beside them, so that labels the reviewer has not
touched keep the shipped model's behaviour.
"""

from __future__ import annotations

import gzip
import json
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pycrfsuite

from reviewer.core.extract.features import Features, bilou, document_features
from reviewer.core.extract.learned import ModelInfo, Recogniser, chunks, decode, finish
from reviewer.core.extract.occurrences import Names
from reviewer.core.extract.training import QuietTrainer
from reviewer.core.model import Entity, Structure
from reviewer.core.resources import resource_path

ADAPTER_FILE = "adapter.crfsuite"
NAMES_FILE = "names.json.gz"
ANCHORS_FILE = "anchors.jsonl.gz"
#: A reviewer's release counts this many times against one anchor release.
WEIGHT = 3
#: L1 and L2 regularisation and iterations, chosen with `python -m benchmarks teach`.
PARAMS: dict[str, object] = {"c1": 0.1, "c2": 0.1, "max_iterations": 60,
                             "feature.possible_transitions": True}

Spans = list[tuple[int, int, str]]
Progress = Callable[[float], None]


class Cancelled(Exception):
    """The update was cancelled; nothing was written."""


@dataclass(frozen=True)
class Taught:
    """A release as the reviewer left it: its text and every mention on it."""

    name: str
    text: str
    spans: Spans


def anchors() -> list[Taught]:
    """The shipped sample of annotated training releases."""
    path = resource_path("model", ANCHORS_FILE)
    out = []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            out.append(Taught(row["name"], row["text"],
                              [(int(s), int(e), str(lab)) for s, e, lab in row["spans"]]))
    return out


def tags_and_confidence(tagger: pycrfsuite.Tagger, text: str, offs: Sequence[tuple[int, int]],
                        X: Sequence[Features]) -> tuple[list[str], list[float]]:
    """The base model's tag of every token and its marginal probability."""
    tags: list[str] = []
    conf: list[float] = []
    for a, b in chunks(text, offs):
        part = tagger.tag(X[a:b])
        tags += part
        conf += [tagger.marginal(t, i) for i, t in enumerate(part)]
    return tags, conf


def reviewer_names(taught: Sequence[Taught], skip: int | None = None) -> dict[str, str]:
    """Each capitalised name's most frequent label across the taught releases (but one)."""
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for j, t in enumerate(taught):
        if j == skip:
            continue
        for s, e, lab in t.spans:
            name = t.text[s:e]
            if 2 <= len(name) <= 200 and (name[0].isupper() or name[0].isdigit()):
                votes[name][lab] += 1
    return {n: c.most_common(1)[0][0] for n, c in votes.items()}


def _seen(text: str, offs: Sequence[tuple[int, int]], names: Names | None,
          labels: dict[str, str]) -> list[str] | None:
    if names is None or not names.size:
        return None
    return bilou([(s, e, labels[n]) for s, e, n in names.find(text)], offs)


def adapter_features(text: str, offs: Sequence[tuple[int, int]], tags: Sequence[str],
                     conf: Sequence[float], seen: Sequence[str] | None,
                     base: Sequence[Features]) -> list[Features]:
    toks = [text[s:e] for s, e in offs]
    [t.lower() for t in toks]
    n = len(toks)
    X: list[Features] = []
    for i in range(n):
        t = tags[i]
        c = conf[i]
        level = "h" if c >= 0.9 else "m" if c >= 0.6 else "l"
        f = ["b=" + t, "bc=" + t + level, "b-1=" + (tags[i - 1] if i else "^"),
             "b+1=" + (tags[i + 1] if i + 1 < n else "$")]
        f += base[i]
        if seen is not None and seen[i] != "O":
            f += ["S=" + seen[i], f"Sb={seen[i]}|{t}"]
        X.append(f)
    return X


class _Trainer(QuietTrainer):
    def __init__(self, progress: Progress | None, cancel: threading.Event | None) -> None:
        super().__init__()
        self._progress = progress
        self._cancel = cancel

    def on_iteration(self, log: str, info: dict[str, object]) -> None:
        num = info.get("num")
        if self._progress and isinstance(num, int):
            self._progress(0.3 + 0.7 * num / int(str(PARAMS["max_iterations"])))
        if self._cancel is not None and self._cancel.is_set():
            raise Cancelled


def train(base: Recogniser, taught: Sequence[Taught], out_dir: Path,
          anchor_releases: Sequence[Taught] | None = None, *,
          progress: Progress | None = None,
          cancel: threading.Event | None = None) -> dict[str, object]:
    """Train an adapter for `base` on the reviewer's releases; write it into `out_dir`."""
    from reviewer.core.extract import analyse_and_rules

    started = time.time()
    anchor_releases = anchors() if anchor_releases is None else anchor_releases
    trainer = _Trainer(progress, cancel)
    tagger = base.tagger()
    everyone = reviewer_names(taught)
    jobs = [(t, j) for j, t in enumerate(taught)] + [(a, None) for a in anchor_releases]
    for done, (t, j) in enumerate(jobs):
        if cancel is not None and cancel.is_set():
            raise Cancelled
        structure, rules = analyse_and_rules(t.text)
        offs, X = document_features(t.text, structure, rules)
        if not offs:
            continue
        tags, conf = tags_and_confidence(tagger, t.text, offs, X)
        seen = None
        if j is not None:
            # what the reviewer said about these names elsewhere: never this release itself
            labels = reviewer_names(taught, skip=j) if len(taught) > 1 else {}
            seen = _seen(t.text, offs, Names(labels), labels)
        y = bilou(t.spans, offs)
        A = adapter_features(t.text, offs, tags, conf, seen, X)
        for _ in range(WEIGHT if j is not None else 1):
            trainer.append(A, y)
        if progress:
            progress(0.3 * (done + 1) / len(jobs))
    trainer.set_params(PARAMS)
    out_dir.mkdir(parents=True, exist_ok=True)
    trainer.train(str(out_dir / ADAPTER_FILE))
    with gzip.open(out_dir / NAMES_FILE, "wt", encoding="utf-8") as fh:
        json.dump(everyone, fh, ensure_ascii=False)
    return {
        "base": base.info.version,
        "releases": len(taught),
        "mentions": sum(len(t.spans) for t in taught),
        "anchors": len(anchor_releases),
        "params": dict(PARAMS),
        "seconds": round(time.time() - started, 1),
    }


class AdaptedRecogniser(Recogniser):
    """The shipped recogniser with a reviewer's adapter on top."""

    def __init__(self, folder: Path, base: Recogniser, info: ModelInfo) -> None:
        self.base = base
        self.info = info
        self._path = str(folder / ADAPTER_FILE)
        self._local = threading.local()
        with gzip.open(folder / NAMES_FILE, "rt", encoding="utf-8") as fh:
            self.labels: dict[str, str] = json.load(fh)
        self._names = Names(self.labels)

    def spans(self, text: str, structure: Structure | None,
              rule_entities: Sequence[Entity]) -> Spans:
        offs, X = document_features(text, structure, rule_entities)
        if not offs:
            return []
        tags, conf = tags_and_confidence(self.base.tagger(), text, offs, X)
        A = adapter_features(text, offs, tags, conf,
                             _seen(text, offs, self._names, self.labels), X)
        adapter = self.tagger()
        out: list[str] = []
        for a, b in chunks(text, offs):
            out += adapter.tag(A[a:b])
        return finish(text, decode(out, offs, text))
