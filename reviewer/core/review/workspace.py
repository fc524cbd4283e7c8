"""One data directory opened: review store, index, library and search together.

The GUI, the CLI and the tests all go through this object, so they share one code path.
"""
from __future__ import annotations

import logging
import os
from pathlib import Path

from filelock import FileLock, Timeout

from reviewer.core.documents import loaders
from reviewer.core.entity_cache import CACHE_FILE, EntityCache
from reviewer.core.model import Document
from reviewer.core.paths import data_dir as resolve_data_dir
from reviewer.core.resources import sample_docs_dir
from reviewer.core.review.view import reanchor_stored
from reviewer.core.search import Library, Searcher, SearchIndex
from reviewer.core.store import ReviewStore

ENTITY_COUNTS_FILE = "entity_counts.json"
LOCK_FILE = "reviewer.lock"

log = logging.getLogger(__name__)


class Workspace:
    """The open data directory. Use as a context manager or call close()."""

    def __init__(self, data_dir: str | os.PathLike[str] | None = None, *,
                 allow_readonly: bool = True) -> None:
        self.data_dir = resolve_data_dir(data_dir)
        # One writing instance per data directory; a second one opens read-only. An OS
        # lock (flock on POSIX, msvcrt on Windows): it goes with the process that held it.
        self._lock: FileLock | None = FileLock(self.data_dir / LOCK_FILE)
        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            self._lock = None
        self.readonly = self._lock is None
        if self.readonly:
            log.info("another Reviewer holds %s: opened read-only", self.data_dir)
        if self.readonly and not allow_readonly:
            raise RuntimeError(f"Another Reviewer is using {self.data_dir}.")
        store_path = self.data_dir / "review.sqlite3"
        try:
            if self.readonly and not store_path.exists():
                ReviewStore(store_path).close()  # the other instance is creating it now
            self.store = ReviewStore(store_path, readonly=self.readonly)
        except BaseException:
            self._release_lock()
            raise
        if not self.readonly:
            self.store.daily_backup()
        # A read-only instance must never delete or rebuild the writer's index.
        self.index = SearchIndex(self.data_dir / "index", readonly=self.readonly)
        # Stored entities: a cache beside the index (see core/entity_cache.py).
        self.entity_cache = EntityCache(self.data_dir / CACHE_FILE, readonly=self.readonly)
        if self.index.rebuilt:
            self.entity_cache.forget_indexed()  # the new index holds no entities yet
        self.library = Library(self.store, self.index, self.entity_cache)
        self.searcher = Searcher(self.index, self.store)

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.searcher.close()
        self.index.close()
        self.entity_cache.close()
        self.store.close()
        self._release_lock()

    def _release_lock(self) -> None:
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def ensure_demo_library(self) -> bool:
        """With no folder configured, the bundled sample releases become the library."""
        if self.store.folders() or self.readonly:
            return False
        self.store.add_folder(str(sample_docs_dir().resolve()))
        return True

    def load(self, doc_id: int) -> Document:
        rec = self.store.document(doc_id)
        if rec is None:
            raise KeyError(f"no document with id {doc_id}")
        doc = loaders.load(rec.path)
        doc.doc_id = doc_id
        # The file may have changed since the reviewer's last visit: corrections and notes
        # follow their text (persisted), and what cannot be found is kept as orphaned.
        reanchor_stored(self.store, doc_id, doc.text)
        return doc

    def entity_counts(self) -> dict[int, int]:
        """Distinct entities per indexed release (cached in the data folder)."""
        return self.index.entity_counts(self.data_dir / ENTITY_COUNTS_FILE)

    def doc_id_for_path(self, path: str | Path) -> int | None:
        rec = self.store.document_by_path(str(Path(path).expanduser().resolve()))
        return rec.id if rec else None
