"""The reviewer's work as training examples for the extractor, and the update itself.

A release teaches when the reviewer corrected an entity on it (its own, document-scope
corrections) or marked it reviewed: the release as the reviewer left it (the extractor's
entities with every correction applied) is then one example. Undoing a correction removes
it from the store, so the next update no longer sees it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reviewer.core.extract import adapter
from reviewer.core.extract.adapter import Taught
from reviewer.core.extract.learned import Recogniser
from reviewer.core.extract.taught import TaughtModels, Version

if TYPE_CHECKING:
    from reviewer.core.review.workspace import Workspace

log = logging.getLogger(__name__)

Progress = Callable[[float, str], None]
#: How an adapter is trained: `adapter.train`, or `apart.train` (the same in a child
#: process, so the caller's other threads, a window's GUI thread, keep running).
Train = Callable[..., dict[str, object]]
#: Corrections since the last update after which the GUI updates on its own.
AUTO_AFTER = 5
#: The learning curve needs this many reviewed releases (a quarter is held out).
CURVE_MIN = 4


@dataclass(frozen=True)
class Lesson:
    """What an update can learn from."""

    releases: list[int]  # document ids
    corrections: int
    reviewed: int


def lesson(ws: Workspace) -> Lesson:
    corrected: dict[int, int] = {}
    for c in ws.store.corrections():
        if c.scope != "library" and c.doc_id is not None:
            corrected[c.doc_id] = corrected.get(c.doc_id, 0) + 1
    reviewed = set(ws.store.ids_with_status("reviewed"))
    ids = sorted(set(corrected) | reviewed)
    return Lesson(ids, sum(corrected.values()), len(reviewed))


def taught_release(ws: Workspace, doc_id: int) -> Taught | None:
    """The release as the reviewer sees it (the extractor's entities it was reviewed with,
    every correction applied), or None when it cannot be read now."""
    from reviewer.core.review.view import document_view

    try:
        view = document_view(ws, doc_id)
    except (OSError, ValueError) as exc:
        log.info("release %s is not taught from: %s", doc_id, exc)
        return None
    return Taught(str(doc_id), view.document.text,
                  [(e.start, e.end, e.label) for e in view.entities])


def teach(ws: Workspace, *, progress: Progress | None = None,
          cancel: threading.Event | None = None,
          anchor_releases: Sequence[Taught] | None = None,
          train: Train = adapter.train) -> Version | None:
    """Train a new extractor version on the reviewer's releases and put it in use.

    Returns None when there is nothing to learn from. Raises `adapter.Cancelled` when
    cancelled (the version in use stays)."""
    models = TaughtModels(ws.data_dir)
    base = models.base()
    if base is None:
        raise RuntimeError("the shipped extractor model could not be loaded")
    what = lesson(ws)
    if not what.releases:
        return None
    taught: list[Taught] = []
    for i, doc_id in enumerate(what.releases):
        if cancel is not None and cancel.is_set():
            raise adapter.Cancelled
        t = taught_release(ws, doc_id)
        if t is not None:
            taught.append(t)
        if progress:
            progress(0.2 * (i + 1) / len(what.releases), "reading your releases")

    def build(folder: object) -> dict[str, object]:
        from pathlib import Path

        assert isinstance(folder, Path)
        meta = train(base, taught, folder, anchor_releases, cancel=cancel,
                             progress=lambda f: progress(0.2 + 0.8 * f, "learning")
                             if progress else None)
        meta["corrections"] = what.corrections
        meta["reviewed"] = what.reviewed
        return meta

    return models.add(build)


def learning_curve(ws: Workspace, *, progress: Progress | None = None,
                   cancel: threading.Event | None = None,
                   sizes: Sequence[int] = (0, 2, 5, 10, 20),
                   train: Train = adapter.train) -> list[tuple[int, float]]:
    """Strict F1 on a held-out quarter of the reviewer's reviewed releases against the
    number of reviewed releases a version learned from (0: the shipped model alone).
    Empty when fewer than CURVE_MIN releases are reviewed."""
    import tempfile
    from pathlib import Path

    from reviewer.core.evaluation import score
    from reviewer.core.extract import extract
    from reviewer.core.extract.adapter import AdaptedRecogniser

    base = TaughtModels(ws.data_dir).base()
    ids = sorted(ws.store.ids_with_status("reviewed"))
    if base is None or len(ids) < CURVE_MIN:
        return []
    taught = [t for i in ids if (t := taught_release(ws, i)) is not None]
    held = taught[::4]
    rest = [t for i, t in enumerate(taught) if i % 4]
    steps = [n for n in sizes if n <= len(rest)]
    if steps[-1] < len(rest):
        steps.append(len(rest))
    gold = {t.name: t.spans for t in held}
    points: list[tuple[int, float]] = []
    with tempfile.TemporaryDirectory(prefix="reviewer-curve-") as tmp:
        for k, n in enumerate(steps):
            if cancel is not None and cancel.is_set():
                raise adapter.Cancelled
            rec: Recogniser = base
            if n:
                folder = Path(tmp) / f"n{n}"
                train(base, rest[:n], folder, cancel=cancel)
                rec = AdaptedRecogniser(folder, base, base.info)
            pred = {t.name: [(e.start, e.end, e.label)
                             for e in extract(t.text, model=rec).entities] for t in held}
            points.append((n, score(gold, pred).micro[2]))
            if progress:
                progress((k + 1) / len(steps), f"{n} releases")
    return points
