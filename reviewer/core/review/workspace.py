"""One data directory opened: review store, index, library and search together.

The GUI, the CLI and the tests all go through this object, so they share one code path.
"""
from __future__ import annotations

import errno
import logging
import os
import shutil
import tempfile
from pathlib import Path

from filelock import FileLock, Timeout

from reviewer.core.documents import loaders
from reviewer.core.model import Document
from reviewer.core.paths import data_dir as resolve_data_dir
from reviewer.core.resources import sample_docs_dir
from reviewer.core.review.view import reanchor_stored
from reviewer.core.search import Library, Searcher, SearchIndex
from reviewer.core.store import ReviewStore, StoreError, folder_read_only

ENTITY_COUNTS_FILE = "entity_counts.json"
LOCK_FILE = "reviewer.lock"
INDEX_DIR = "index"
#: Where the index goes when something that is not a folder sits at `index`.
INDEX_ELSEWHERE = "index-rebuilt"
#: The demo releases, copied here on first start (the library's first folder).
DEMO_DIR = "demo-releases"

ANOTHER_INSTANCE = "another"
READ_ONLY_DISK = "read-only disk"

log = logging.getLogger(__name__)


class Workspace:
    """The open data directory. Use as a context manager or call close()."""

    def __init__(self, data_dir: str | os.PathLike[str] | None = None, *,
                 allow_readonly: bool = True) -> None:
        self.data_dir = resolve_data_dir(data_dir)
        #: Problems that did not stop the start (a backup that failed, an index that had
        #: to move): the GUI and the command line show them.
        self.warnings: list[str] = []
        #: Why the workspace is read-only: ANOTHER_INSTANCE or READ_ONLY_DISK ("" if not).
        self.readonly_reason = ""
        # One writing instance per data directory; a second one opens read-only. An OS
        # lock (flock on POSIX, msvcrt on Windows): it goes with the process that held it.
        self._lock: FileLock | None = FileLock(self.data_dir / LOCK_FILE)
        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            self._lock = None
            self.readonly_reason = ANOTHER_INSTANCE
        except OSError as exc:
            # On a read-only disk the lock file cannot be made or opened for writing; no
            # one can write there, so reading needs no lock.
            if exc.errno not in (errno.EROFS, errno.EACCES, errno.EPERM) and \
                    not folder_read_only(self.data_dir):
                raise
            self._lock = None
            self.readonly_reason = READ_ONLY_DISK
        self.readonly = self._lock is None
        if self.readonly:
            log.info("%s opened read-only (%s)", self.data_dir, self.readonly_reason)
        if self.readonly and not allow_readonly:
            raise RuntimeError(f"Another Reviewer is using {self.data_dir}."
                               if self.readonly_reason == ANOTHER_INSTANCE else
                               f"The data folder {self.data_dir} is on a read-only disk.")
        store_path = self.data_dir / "review.sqlite3"
        try:
            if self.readonly and not store_path.exists() and \
                    self.readonly_reason == ANOTHER_INSTANCE:
                ReviewStore(store_path).close()  # the other instance is creating it now
            self.store = ReviewStore(store_path, readonly=self.readonly)
        except BaseException:
            self._release_lock()
            raise
        if not self.readonly:
            try:
                self.store.daily_backup()
            except StoreError as exc:  # never a reason not to start: say so and go on
                log.warning("daily backup failed: %s", exc)
                self.warnings.append(str(exc))
        # A read-only instance must never delete or rebuild the writer's index.
        try:
            self.index = SearchIndex(self._index_dir(), readonly=self.readonly)
        except BaseException:
            self.store.close()
            self._release_lock()
            raise
        self.library = Library(self.store, self.index)
        self.searcher = Searcher(self.index, self.store)

    def _index_dir(self) -> Path:
        """`index/`, or `index-rebuilt/` when something that is not a folder sits at
        `index` (the index is a cache: rebuilt there, the file left alone)."""
        index = self.data_dir / INDEX_DIR
        if not index.exists() or index.is_dir():
            return index
        elsewhere = self.data_dir / INDEX_ELSEWHERE
        log.warning("%s is not a folder: the index is kept in %s", index, elsewhere)
        if not elsewhere.is_dir() and not self.readonly:
            self.warnings.append(
                f"{index} is not a folder (a file has taken its place), so the search index "
                f"is rebuilt in {elsewhere}; the file was left untouched.")
        return elsewhere

    def check_data_folder(self) -> str | None:
        """Why nothing more can be saved, when the data folder was deleted or moved while
        this workspace is open (see ReviewStore.missing_file); else None."""
        if self.readonly:
            return None
        return self.store.missing_file()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close searcher, index and store, then release the lock; a part that fails to
        close (an index deleted under the running app) is logged and the rest still
        closes."""
        for part in (self.searcher, self.index, self.store):
            try:
                part.close()
            except Exception:  # noqa: BLE001 - closing goes on whatever one part says
                log.warning("closing %s failed", type(part).__name__, exc_info=True)
        self._release_lock()

    def _release_lock(self) -> None:
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def ensure_demo_library(self) -> bool:
        """With no folder configured, a copy of the bundled demo releases in the data
        folder becomes the library (a copy: reinstalling Reviewer or deleting its
        environment neither re-indexes them nor separates them from their review data).
        A library that still points at the bundled copy moves to the data folder's."""
        if self.readonly:
            return False
        self._adopt_bundled_demo()
        if self.store.folders():
            return False
        self.store.add_folder(str(self._demo_copy()))
        return True

    def _demo_copy(self) -> Path:
        dest = self.data_dir / DEMO_DIR
        if not dest.is_dir():
            tmp = Path(tempfile.mkdtemp(prefix=f".{DEMO_DIR}-", dir=self.data_dir))
            try:
                for f in sorted(sample_docs_dir().iterdir()):
                    if f.is_file():
                        shutil.copy2(f, tmp / f.name)
                os.replace(tmp, dest)
            except BaseException:
                shutil.rmtree(tmp, ignore_errors=True)
                raise
            log.info("demo releases copied to %s", dest)
        return dest

    def _adopt_bundled_demo(self) -> None:
        bundled = sample_docs_dir().resolve()
        for folder in self.store.folders():
            old = Path(folder)
            installed = old.name == "sample_docs" and old.parent.name == "reviewer"
            if old != bundled and not (installed and not old.exists()):
                continue
            dest = self._demo_copy()
            for d in self.store.documents(include_missing=True):
                new = dest / Path(d.path).name
                if Path(d.path).parent == old and new.is_file():
                    # size 0: the next scan indexes it again under its new path
                    self.store.move_document(d.id, str(new), size=0, mtime_ns=0)
            self.store.replace_folder(folder, str(dest))
            log.info("the demo library moved from %s to %s", old, dest)

    def load(self, doc_id: int) -> Document:
        rec = self.store.document(doc_id)
        if rec is None:
            raise KeyError(f"no document with id {doc_id}")
        problem = self.library.link_problem(rec.path)
        if problem:  # replaced by a link out of the library since it was indexed
            raise loaders.LoadError(problem)
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
        """The release stored for `path`: under the path as written (a link inside a
        library folder is indexed under its own name, as search lists it), else under
        the file it resolves to."""
        given = Path(path).expanduser()
        for candidate in (os.path.abspath(given), given.resolve()):
            rec = self.store.document_by_path(str(candidate))
            if rec is not None:
                return rec.id
        return None
