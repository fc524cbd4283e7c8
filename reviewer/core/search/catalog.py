"""The search catalogue: each release's entity value ids by Whoosh document number.

Facets and review statuses are counted from it rather than from the index. It is kept per
index segment (a segment's stored fields never change; deletions only mark documents), in
memory and in a file next to the index, so a re-indexed release costs reading its new
segment, not the whole library.
"""
from __future__ import annotations

import json
import logging
import marshal
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any

import numpy as np

from reviewer.core.files import WriteError, atomic_write
from reviewer.core.search.index import SearchIndex

log = logging.getLogger(__name__)

CATALOG_FILE = "catalog.cache"
_CATALOG_FORMAT = 2

#: segment id -> (release id, entity value ids) per document
Segments = dict[str, tuple[list[int], list[tuple[int, ...]]]]


@dataclass(slots=True)
class Catalog:
    """Compact per-release arrays for one index state, by Whoosh document number."""

    doc_ids: list[int]  # -1 for a deleted document
    per_doc: list[tuple[int, ...]]  # ids of the (label, value) pairs of its entities
    pairs: list[tuple[str, str]]
    docnum_of: dict[int, int] = field(default_factory=dict)
    live: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.docnum_of = {d: n for n, d in enumerate(self.doc_ids) if d >= 0}
        self.live = sorted(self.docnum_of.values())

    _arrays: CatalogArrays | None = None

    def arrays(self) -> CatalogArrays:
        """The catalogue as flat arrays for counting facets, built once per index state
        (the start-up warm-up builds them)."""
        if self._arrays is None:
            self._arrays = CatalogArrays.build(self)
        return self._arrays

    def with_label(self, label: str) -> list[int]:
        """Document numbers of the releases with any entity of `label`."""
        wanted = {i for i, (lab, _v) in enumerate(self.pairs) if lab == label}
        return [n for n in self.live if not wanted.isdisjoint(self.per_doc[n])]


@dataclass(slots=True, frozen=True)
class CatalogArrays:
    """Every document's pair ids end to end (`flat`), where each document's run starts
    (`offsets`, one more than documents), the pairs' counts over the live documents
    (`full`), and each label's pair ids."""

    flat: np.ndarray
    offsets: np.ndarray
    full: np.ndarray
    by_label: dict[str, np.ndarray]
    pair_count: int

    @classmethod
    def build(cls, cat: Catalog) -> CatalogArrays:
        per_doc = cat.per_doc
        lengths = np.fromiter(map(len, per_doc), dtype=np.int64, count=len(per_doc))
        offsets = np.zeros(len(per_doc) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        flat = np.fromiter(chain.from_iterable(per_doc), dtype=np.int32,
                           count=int(offsets[-1]))
        pair_count = len(cat.pairs)
        live = np.zeros(len(per_doc), dtype=bool)
        live[np.asarray(cat.live, dtype=np.int64)] = True
        full = np.bincount(flat[np.repeat(live, lengths)], minlength=pair_count)
        labels: dict[str, list[int]] = {}
        for pid, (label, _value) in enumerate(cat.pairs[:pair_count]):
            labels.setdefault(label, []).append(pid)
        by_label = {label: np.asarray(pids, dtype=np.int64) for label, pids in labels.items()}
        return cls(flat, offsets, full, by_label, pair_count)


class Catalogues:
    """The catalogue of each index state a searcher sees, built from the segments read
    before (memory, else the file next to the index), reading only new segments."""

    def __init__(self, index: SearchIndex) -> None:
        self.index = index
        self._catalog: tuple[object, Catalog] | None = None
        self._searcher: Any = None  # the searcher the catalogue was checked for
        self._segments: Segments | None = None
        self._pairs: list[tuple[str, str]] = []  # the (label, value) pairs, by id
        self._pair_ids: dict[tuple[str, str], int] = {}

    def for_searcher(self, s: Any) -> Catalog:
        """The catalogue of the searcher's index. Segments read before come from memory,
        else from the file next to the index, else from their stored fields (about a
        second per 25,000 releases), then written for the next start."""
        if self._catalog is not None and self._searcher is s:
            return self._catalog[1]
        # An index without segments (new, or opened in memory) reads as one segment-less
        # empty reader: it holds no documents to catalogue.
        leaves = [(leaf, off) for leaf, off in s.reader().leaf_readers()
                  if leaf.segment() is not None]
        key = tuple((leaf.segment().segment_id(), leaf.doc_count_all(), leaf.doc_count())
                    for leaf, _off in leaves)
        self._searcher = s
        if self._catalog is not None and self._catalog[0] == key:
            return self._catalog[1]
        path = self.index.directory / CATALOG_FILE
        if self._segments is None:
            self._segments = self._read_file(path)
        segments, read = self._segments, False
        doc_ids: list[int] = []
        per_doc: list[tuple[int, ...]] = []
        for leaf, offset in leaves:
            sid = leaf.segment().segment_id()
            got = segments.get(sid)
            if got is None or len(got[0]) != leaf.doc_count_all():
                got = segments[sid] = self._read_segment(leaf)
                read = True
            doc_ids.extend(got[0])
            per_doc.extend(got[1])
            if leaf.has_deletions():
                for d in range(leaf.doc_count_all()):
                    if leaf.is_deleted(d):
                        doc_ids[offset + d] = -1
        wanted = {k[0] for k in key}
        for sid in [sid for sid in segments if sid not in wanted]:
            del segments[sid]
        if read and not self.index.readonly:
            blob = marshal.dumps((_CATALOG_FORMAT, self._pairs, segments))
            try:
                atomic_write(path, lambda fh: fh.write(blob))
            except WriteError as exc:
                log.warning("search catalogue not cached: %s", exc)
        cat = Catalog(doc_ids, per_doc, self._pairs)
        self._catalog = (key, cat)
        return cat

    def _read_file(self, path: Path) -> Segments:
        """The segments' catalogue written at an earlier start (empty when there is none,
        it is another format's, or damaged: then each segment is read again)."""
        try:
            fmt, pairs, segments = marshal.loads(path.read_bytes())
            if fmt != _CATALOG_FORMAT or not isinstance(segments, dict):
                return {}
            self._pairs[:] = [tuple(p) for p in pairs]
            self._pair_ids = {p: i for i, p in enumerate(self._pairs)}
            return dict(segments)
        except (OSError, ValueError, EOFError, TypeError):
            return {}

    def _read_segment(self, leaf: Any) -> tuple[list[int], list[tuple[int, ...]]]:
        """One segment's release ids and entity value ids, from its stored fields (those
        of deleted documents too: they are marked per searcher)."""
        pair_ids, pairs = self._pair_ids, self._pairs
        count = leaf.doc_count_all()
        doc_ids = [-1] * count
        per_doc: list[tuple[int, ...]] = [()] * count
        for docnum in range(count):
            stored = leaf.stored_fields(docnum)
            doc_ids[docnum] = int(stored.get("doc_id", -1))
            raw = stored.get("facets")
            if not raw:
                continue
            ids = []
            for label, names in json.loads(raw).items():
                for name in names:
                    pid = pair_ids.get((label, name))
                    if pid is None:
                        pid = pair_ids[(label, name)] = len(pairs)
                        pairs.append((label, name))
                    ids.append(pid)
            per_doc[docnum] = tuple(ids)
        return doc_ids, per_doc
