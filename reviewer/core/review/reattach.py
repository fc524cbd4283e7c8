"""Releases that went missing with review data on them, and where they are now.

A release moved without a change keeps its review data (the scan recognises it by its
content). One moved *and* edited comes back as a new, unreviewed release, while its
corrections, notes, fact checks, summary and status stay on the missing row. This module
lists those missing releases and finds each one's likely new copy: a present release
with no review data of its own, the same file name or title, and most of the old
corrections and notes found again in its text. Moving the data over is the store's
`move_review` (undone with `undo_move_review`).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from reviewer.core.documents import loaders
from reviewer.core.review.view import reanchor
from reviewer.core.store import DocRecord, ReviewCounts, ReviewStore

if TYPE_CHECKING:
    from reviewer.core.review.workspace import Workspace

#: Share of the old corrections and notes a candidate's text must hold again.
MIN_FOUND = 0.5


@dataclass(frozen=True, slots=True)
class MissingRelease:
    """A release whose file is gone, with what the reviewer left on it."""

    doc: DocRecord
    review: ReviewCounts

    @property
    def name(self) -> str:
        return Path(self.doc.path).name

    @property
    def title(self) -> str:
        return self.doc.title or self.name


@dataclass(frozen=True, slots=True)
class Match:
    """The release a missing one most likely became."""

    missing: MissingRelease
    doc: DocRecord  # the release found
    same_name: bool  # same file name (else: same title)
    found: int  # old corrections and span notes found again in its text
    anchored: int  # old corrections and span notes that quote the text

    @property
    def score(self) -> float:
        share = self.found / self.anchored if self.anchored else 0.5
        return share + (0.5 if self.same_name else 0.25)

    def describe(self) -> str:
        why = "same file name" if self.same_name else "same title"
        if self.anchored:
            why += f"; {self.found} of {self.anchored} corrections and notes found in its text"
        return why


def missing_releases(store: ReviewStore) -> list[MissingRelease]:
    """Releases whose files are gone and that carry review data, by path."""
    missing = [d for d in store.documents(include_missing=True) if d.missing]
    if not missing:
        return []
    counts = store.review_counts(d.id for d in missing)
    return [MissingRelease(d, counts[d.id]) for d in missing if d.id in counts]


def find_matches(ws: Workspace, missing: list[MissingRelease] | None = None) -> list[Match]:
    """The likely new copy of each missing release, best first; a release is offered for
    at most one missing release. Reads the candidates' files: call it off the GUI thread."""
    store = ws.store
    missing = missing_releases(store) if missing is None else missing
    if not missing:
        return []
    present = [d for d in store.documents() if not d.error]
    reviewed = set(store.review_counts())
    by_name: dict[str, list[DocRecord]] = {}
    by_title: dict[str, list[DocRecord]] = {}
    for d in present:
        if d.id in reviewed:
            continue  # a release with review data of its own is not anyone's new copy
        by_name.setdefault(Path(d.path).name.casefold(), []).append(d)
        if d.title:
            by_title.setdefault(d.title.casefold(), []).append(d)
    found: list[Match] = []
    for m in missing:
        candidates = {d.id: (d, True) for d in by_name.get(m.name.casefold(), [])}
        if m.doc.title:
            for d in by_title.get(m.doc.title.casefold(), []):
                candidates.setdefault(d.id, (d, False))
        anchors = _anchors(store, m.doc.id)
        for d, same_name in candidates.values():
            hits = _found(d.path, anchors)
            if hits is None:
                continue
            if anchors and hits / len(anchors) < MIN_FOUND:
                continue
            found.append(Match(m, d, same_name, hits, len(anchors)))
    found.sort(key=lambda x: (-x.score, x.missing.doc.path))
    out: list[Match] = []
    used_missing: set[int] = set()
    used_new: set[int] = set()
    for match in found:
        if match.missing.doc.id in used_missing or match.doc.id in used_new:
            continue
        used_missing.add(match.missing.doc.id)
        used_new.add(match.doc.id)
        out.append(match)
    return out


def _anchors(store: ReviewStore, doc_id: int) -> list[tuple[int, int, str, str, str]]:
    """(start, end, quote, before, after) of the release's own corrections and span notes."""
    out = [(c.start, c.end, c.text, c.before, c.after) for c in store.corrections(doc_id)
           if c.doc_id == doc_id and c.scope != "library" and c.text]
    out += [(n.start, n.end, n.quote, n.before, n.after) for n in store.notes(doc_id)
            if n.start is not None and n.end is not None and n.quote]
    return out


def _found(path: str, anchors: list[tuple[int, int, str, str, str]]) -> int | None:
    """How many anchors re-anchor in the file's text (None: the file cannot be read)."""
    if not anchors:
        return 0
    try:
        text = loaders.load(path).text
    except (loaders.LoadError, OSError):
        return None
    return sum(1 for a in anchors if reanchor(text, *a) is not None)
