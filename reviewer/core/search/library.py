"""The library: folders of releases, scanned incrementally into the index and the store.

A re-scan only touches what changed: unchanged files are skipped on (size, mtime_ns);
new and changed files are loaded, extracted and indexed; deleted files leave the index
but keep their review data; a moved or renamed file is recognised by its content hash
and keeps its identity, so its corrections and notes follow it.
"""
from __future__ import annotations

import hashlib
import logging
import math
import multiprocessing
import os
import stat
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from reviewer.core.analysis import analyse
from reviewer.core.documents import loaders
from reviewer.core.documents.dates import iso_to_datetime
from reviewer.core.extract.lexicon import Lexicon
from reviewer.core.model import BOILERPLATE
from reviewer.core.search.index import (
    IndexRecord,
    SearchIndex,
    merge_segments,
    prepare,
    write_segment,
)
from reviewer.core.store import DocRecord, ReviewStore

Progress = Callable[[int, int, str], None]  # (done, total, current path)

log = logging.getLogger(__name__)
_T = TypeVar("_T")


class Cancelled(Exception):
    """Raised inside a scan when the user cancelled; committed batches stay."""


@dataclass(slots=True)
class ScanReport:
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    moved: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    cancelled: bool = False
    seconds: float = 0.0

    def summary(self) -> str:
        text = (f"added {self.added}, updated {self.updated}, removed {self.removed}, "
                f"unchanged {self.unchanged}, moved {self.moved}, failed {len(self.failed)}")
        return text + (" (cancelled)" if self.cancelled else "")


def file_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


#: Extra folders that links inside a library folder may point into (separated by the
#: platform's path separator, `:` or `;`); `/` allows any target.
LINK_TARGETS_ENV = "REVIEWER_LINK_TARGETS"


def link_roots(folders: Iterable[str | Path]) -> list[Path]:
    """The folders a link inside the library may point into: the library folders and the
    folders named in $REVIEWER_LINK_TARGETS, resolved."""
    extra = [p for p in os.environ.get(LINK_TARGETS_ENV, "").split(os.pathsep) if p.strip()]
    roots = []
    for f in [*folders, *extra]:
        try:
            roots.append(Path(f).expanduser().resolve())
        except (OSError, RuntimeError):
            continue
    return roots


def link_problem(path: str | Path, roots: list[Path]) -> str | None:
    """Why the file at `path` must not be read because of a link on the way to it (its
    target lies outside `roots`), or None. A path that is no link is never a problem."""
    p = Path(path)
    try:
        if not p.is_symlink() and p.resolve() == p.absolute():
            return None
        target = p.resolve()
    except (OSError, RuntimeError):
        return None  # a loop: reading it fails with its own message
    if _under_any(target, roots):
        return None
    return (f"a link to {loaders.printable_path(str(target))}, outside the library folders: "
            f"not followed (allow it with {LINK_TARGETS_ENV})")


def walk_supported(root: Path,
                   errors: list[tuple[str, str]] | None = None,
                   skipped: list[tuple[str, str]] | None = None,
                   roots: list[Path] | None = None) -> Iterator[Path]:
    """Supported files under `root`, recursively, without following directory symlinks
    (a symlink loop must not hang a scan). A file given directly is yielded as it is.

    Folders that cannot be listed go to `errors` as (path, reason). Files that are never
    read go to `skipped` as (path, reason): anything that is not a regular file (a named
    pipe would block the reader forever), a link whose target lies outside `roots` (the
    library folders; None: links are not checked), and a name that is not valid UTF-8,
    which cannot be stored (the reason shows the name with its bytes escaped)."""
    if root.is_file():
        if loaders.is_supported(root):
            yield root
        return

    def onerror(exc: OSError) -> None:
        if errors is not None:
            errors.append((loaders.printable_path(str(exc.filename or root)),
                           f"cannot read folder: {exc.strerror or exc}"))

    def skip(path: Path, reason: str) -> None:
        if skipped is not None:
            skipped.append((loaders.printable_path(str(path)), reason))

    for dirpath, dirnames, filenames in os.walk(root, followlinks=False, onerror=onerror):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith(".") or name.startswith("~$"):
                continue
            path = Path(dirpath) / name
            if not loaders.is_supported(path):
                continue
            if loaders.printable_path(str(path)) != str(path):
                skip(path, "the file name is not valid UTF-8: rename the file to index it")
                continue
            try:
                mode = os.lstat(path).st_mode
            except OSError:
                yield path  # gone or unreadable: reading it reports why
                continue
            if stat.S_ISLNK(mode):
                problem = None if roots is None else link_problem(path, roots)
                if problem:
                    skip(path, problem)
                    continue
                try:
                    mode = os.stat(path).st_mode
                except OSError:
                    yield path  # a dangling link or a loop: reading it reports why
                    continue
            if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
                skip(path, loaders.not_regular_message(mode))
                continue
            yield path


def build_record(path: str, data: bytes, size: int, mtime_ns: int,
                 lexicon: Lexicon | None = None) -> IndexRecord:
    """Load, structure and extract one file into an IndexRecord. Never raises for a bad
    file: the reason goes into `error` so the rest of the library still indexes."""
    rec = IndexRecord(path=path, sha256=file_digest(data), size=size, mtime_ns=mtime_ns)
    try:
        doc = loaders.load_bytes(data, path)
    except loaders.LoadError as exc:
        rec.error = str(exc)
        return rec
    rec.warnings = list(doc.warnings)
    text, st = doc.text, doc.structure
    rec.title = doc.title or Path(path).stem
    body: list[str] = []
    boiler: list[str] = []
    for block in st.blocks:
        (boiler if block.kind == BOILERPLATE else body).append(text[block.start:block.end])
    if not st.blocks:
        body.append(text)
    rec.body, rec.boiler = "\n".join(body), "\n".join(boiler)
    if st.dateline and st.dateline.iso:
        rec.date = iso_to_datetime(st.dateline.iso)
    extraction, limited = analyse(doc, lexicon)
    if limited:
        rec.warnings.append(limited)
    values: dict[str, list[str]] = {}
    for ent in extraction.entities:
        name = ent.canonical or ent.text
        bucket = values.setdefault(ent.label, [])
        if name not in bucket:
            bucket.append(name)
    rec.entities = values
    return rec


_worker_lexicon: Lexicon | None = None
_worker_stop: Any = None  # a multiprocessing Event: the scan was cancelled


def _init_worker(lexicon: Lexicon | None, stop: Any = None, parent: int | None = None) -> None:
    global _worker_lexicon, _worker_stop
    _worker_lexicon = lexicon
    _worker_stop = stop
    # The scanning process's id comes from it: read here, after a start-up of a second
    # or more, it could already be the id of whatever adopted an orphaned worker.
    threading.Thread(target=_exit_with_parent, args=(parent or os.getppid(),),
                     daemon=True).start()


def _exit_with_parent(parent: int) -> None:
    # A pool worker blocks on its job queue forever if the scanning process is killed;
    # it goes too (a segment it was writing is an orphan file the next commit deletes).
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def _index_chunk(directory: str, items: list[tuple[str, int]]
                 ) -> tuple[Any, list[IndexRecord] | None]:
    """In a worker: process the files of `items` ((path, doc id)) and write the loadable
    ones as one new index segment. Returns (segment, records without their postings),
    or (None, None) when the scan was cancelled meanwhile."""
    stop = _worker_stop
    recs: list[IndexRecord] = []
    docs: list[tuple[int, IndexRecord]] = []
    for path, doc_id in items:
        if stop is not None and stop.is_set():
            return None, None
        rec = _process(path, _worker_lexicon)
        recs.append(rec)
        if not rec.error:
            docs.append((doc_id, rec))
    segment = write_segment(directory, docs, stop)
    if segment is None and docs:
        return None, None
    for rec in recs:  # the scanning process needs none of this: a lighter trip back
        rec.postings, rec.entities = None, {}
    return segment, recs


def _process_in_worker(path: str) -> IndexRecord:
    return _process(path, _worker_lexicon)


def _process(path: str, lexicon: Lexicon | None) -> IndexRecord:
    # stat before reading: if the file is rewritten in between, the stored mtime is the
    # older one and the next scan picks the new content up.
    try:
        st = os.stat(path)
        data = loaders.read_bytes(Path(path))
    except FileNotFoundError:
        return IndexRecord(path, "", 0, 0, error="file vanished before it could be read")
    except loaders.LoadError as exc:
        return IndexRecord(path, "", 0, 0, error=str(exc))
    except OSError as exc:
        return IndexRecord(path, "", 0, 0, error=f"cannot read file: {exc.strerror or exc}")
    rec = build_record(path, data, st.st_size, st.st_mtime_ns, lexicon)
    if not rec.error:
        prepare(rec)  # tokenising and stemming here, in the worker, not in the writer
    return rec


class Library:
    """Folders of releases kept in step with the index and the review store."""

    BATCH = 500
    #: Parallel scans: at most this many releases per worker segment (one index commit
    #: each), and a merge in the workers at the end of a scan above this many segments.
    CHUNK_MAX = 2000
    MAX_SEGMENTS = 20

    def __init__(self, store: ReviewStore, index: SearchIndex) -> None:
        self.store = store
        self.index = index
        self._write_lock = threading.Lock()  # one writer owner inside this process

    def add_paths(self, paths: list[str | Path]) -> None:
        for p in paths:
            resolved = Path(p).expanduser().resolve()
            if not resolved.exists():
                raise FileNotFoundError(f"no such file or folder: {p}")
            self.store.add_folder(str(resolved))

    def link_problem(self, path: str | Path) -> str | None:
        """Why the release at `path` is not read (a link out of the library folders), or
        None: the scan and opening a release follow the same rule."""
        return link_problem(path, link_roots(self.store.folders()))

    def lexicon(self) -> Lexicon:
        return Lexicon.from_corrections(self.store.corrections(), self.store.aliases())

    def scan(self, *, progress: Progress | None = None, cancel: threading.Event | None = None,
             workers: int | None = None, force: bool = False,
             only: list[int] | None = None) -> ScanReport:
        """Bring index and store in line with the folders. `force` re-indexes every file
        (after the index was rebuilt, or to re-apply learned corrections); `only`
        restricts a forced re-index to these document ids."""
        with self._write_lock:
            return self._scan(progress, cancel, workers, force or self.index.rebuilt, only)

    def _scan(self, progress: Progress | None, cancel: threading.Event | None,
              workers: int | None, force: bool, only: list[int] | None) -> ScanReport:
        t0 = time.perf_counter()
        report = ScanReport()
        # Releases corrected just before a crash: their index entries are stale.
        stale, mark = self.store.pending_reindex()
        only_stale = set(stale) if only is None else set()
        known = {d.path: d for d in self.store.documents(include_missing=True)}
        seen: set[str] = set()
        todo: list[str] = []
        unlisted: list[tuple[str, str]] = []  # folders that could not be read
        skipped: list[tuple[str, str]] = []  # files never read (see walk_supported)
        roots = link_roots(self.store.folders())
        for folder in self.store.folders():
            root = Path(folder)
            if not root.exists():
                continue  # an unplugged drive is not a deletion of its files
            for path in walk_supported(root, unlisted, skipped, roots):
                key = str(path)
                if key in seen:
                    continue
                seen.add(key)
                doc = known.get(key)
                try:
                    st = path.stat()
                except OSError as exc:
                    report.failed.append((key, f"cannot read file: {exc.strerror or exc}"))
                    continue
                unchanged = (doc is not None and not doc.missing
                             and doc.size == st.st_size and doc.mtime_ns == st.st_mtime_ns)
                if doc is not None and unchanged and doc.error and not force:
                    report.failed.append((key, doc.error))  # known bad, not read again
                    continue
                if only is not None:
                    if doc is not None and doc.id in only:
                        todo.append(key)
                    elif unchanged:
                        report.unchanged += 1
                    continue
                if unchanged and not force and not (doc is not None and doc.id in only_stale):
                    report.unchanged += 1
                else:
                    todo.append(key)
        report.failed.extend(unlisted)
        # A file that is not read is not gone: a release replaced by a pipe or by a link
        # out of the library keeps its row, review data and indexed copy, and is reported.
        seen.update(p for p, _ in skipped)
        report.failed.extend(skipped)
        roots = [Path(f) for f in self.store.folders() if Path(f).exists()]
        # Files in a folder that could not be listed are not gone, only out of reach.
        unreadable = [Path(p) for p, _ in unlisted]
        vanished = {p: d for p, d in known.items()
                    if p not in seen and not d.missing and _under_any(Path(p), roots)
                    and not _under_any(Path(p), unreadable)}
        book = _ScanBook(self.store, known, vanished, report)

        lexicon = self.lexicon()
        if workers is None:
            workers = min(2, os.cpu_count() or 1) if len(todo) >= 200 else 0
        if workers >= 2 and todo:
            self._scan_parallel(todo, book, lexicon, workers, progress, cancel)
        else:
            self._scan_serial(todo, book, lexicon, workers, progress, cancel)
        self.index.rebuilt = False
        if mark and not report.cancelled:
            self.store.clear_reindex(mark, None if only is None else only)
        report.seconds = time.perf_counter() - t0
        log.info("scan of %s: %s in %.1f s", self.store.path.parent, report.summary(),
                 report.seconds)
        for failed, reason in report.failed:
            log.info("not indexed: %s: %s", failed, reason)
        return report

    def _scan_serial(self, todo: list[str], book: _ScanBook, lexicon: Lexicon, workers: int,
                     progress: Progress | None, cancel: threading.Event | None) -> None:
        """Process the files here (or in a pool of processes), and index them in batches
        of BATCH releases, one commit each."""
        report = book.report
        total = len(todo)
        done = 0
        writer = self.index.writer() if (todo or book.vanished) else None
        pending: list[tuple[int, IndexRecord]] = []
        try:
            for rec in self._records(todo, lexicon, workers):
                if cancel is not None and cancel.is_set():
                    raise Cancelled
                done += 1
                if progress:
                    progress(done, total, rec.path)
                doc_id = None if rec.error else book.assign(rec.path, rec.sha256)
                stale = book.settle(rec.path, doc_id, rec)
                if rec.error or doc_id is None:
                    if stale and writer is not None:
                        self.index.delete(writer, stale)
                    continue
                self.index.add(writer, doc_id, rec)  # replaces the document's old copy
                pending.append((doc_id, rec))
                if len(pending) >= self.BATCH:
                    self._commit(writer, pending)
                    writer = self.index.writer()
                    pending = []
            gone = book.gone()
            if gone and writer is not None:
                self.index.delete(writer, [d.id for d in gone])
            if writer is not None:
                self._commit(writer, pending)
                writer = None
            book.mark_gone(gone)
        except Cancelled:
            report.cancelled = True
            if writer is not None:
                self._commit(writer, pending)  # keep what was finished; the rest next time
                writer = None
        finally:
            if writer is not None:
                self.index.cancel(writer)

    def _commit(self, writer: Any, pending: list[tuple[int, IndexRecord]]) -> None:
        self.index.commit(writer)
        # Only now does the store learn the file's size and mtime: a crash before this
        # point leaves size 0, so the next scan indexes the file again.
        self.store.finish_documents(
            [(doc_id, rec.sha256, rec.size, rec.mtime_ns, rec.title) for doc_id, rec in pending])

    def _records(self, paths: list[str], lexicon: Lexicon,
                 workers: int) -> Iterator[IndexRecord]:
        if workers <= 1:
            for p in paths:
                yield _process(p, lexicon)
            return
        with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker,
                                 initargs=(lexicon, None, os.getpid())) as pool:
            yield from pool.map(_process_in_worker, paths, chunksize=16)


    # -- parallel scans: each worker writes whole index segments ----------------------
    #
    # The scanning process assigns every file its document id before dispatching it
    # (existing row, the row of a moved file recognised by content hash, or a new
    # placeholder row with size 0), holds the index lock for the whole scan, and per
    # finished chunk: deletes the old copies of its documents, adds the worker's segment
    # to the TOC in one commit (no merge), then records size/mtime in the store. A kill
    # at any point leaves a consistent TOC (orphan segment files are deleted by the next
    # commit) and size 0 for anything not recorded, so the next scan indexes it again.

    def _scan_parallel(self, todo: list[str], book: _ScanBook, lexicon: Lexicon,
                       workers: int, progress: Progress | None,
                       cancel: threading.Event | None) -> None:
        report = book.report
        directory = str(self.index.directory)
        ctx = multiprocessing.get_context()
        stop = ctx.Event()
        total, done = len(todo), 0
        min_size = max(1, min(self.BATCH // 2, math.ceil(total / workers)))
        start = 0

        def next_chunk() -> list[tuple[str, int]] | None:
            nonlocal start
            left = total - start
            if left <= 0:
                return None
            # guided: big chunks first (few segments), small ones at the end (both
            # workers stay busy until the last file)
            size = min(self.CHUNK_MAX, max(min_size, math.ceil(left / (workers * 2))))
            if left - size < min_size:
                size = left  # no small remainder chunk (one segment more)
            paths, start = todo[start:start + size], start + size
            return [(p, book.assign(p)) for p in paths]

        lock = self.index.hold_lock()
        try:
            self.index.remove_worker_temp()  # left by workers of a killed scan
            with ProcessPoolExecutor(max_workers=workers, mp_context=ctx,
                                     initializer=_init_worker,
                                     initargs=(lexicon, stop, os.getpid())) as pool:
                inflight: dict[Future[tuple[Any, list[IndexRecord] | None]],
                               list[tuple[str, int]]] = {}

                def submit() -> None:
                    items = next_chunk()
                    if items is not None:
                        inflight[pool.submit(_index_chunk, directory, items)] = items

                try:
                    for _ in range(workers + 1):
                        submit()
                    while inflight:
                        # in the order they finish: a worker done with a small chunk
                        # gets the next one while the other is still on a big one
                        fut = _next_done(inflight, cancel)
                        items = inflight.pop(fut)
                        segment, recs = fut.result()
                        if recs is None or (cancel is not None and cancel.is_set()):
                            raise Cancelled
                        submit()
                        done = self._add_chunk(items, segment, recs, book, progress, done,
                                               total)
                except Cancelled:
                    report.cancelled = True
                    stop.set()  # running chunks stop at their next file
                    for fut in inflight:
                        fut.cancel()
                if not report.cancelled:
                    gone = book.gone()
                    writer = self.index.writer(lock=False)
                    if gone:
                        self.index.delete(writer, [d.id for d in gone])
                    self.index.add_segments(writer, [], clean=True)
                    book.mark_gone(gone)
                    self._merge(pool, directory, workers)
            if report.cancelled:  # the workers are done: drop their unused segment files
                self.index.add_segments(self.index.writer(lock=False), [], clean=True)
        finally:
            lock.release()

    def _add_chunk(self, items: list[tuple[str, int]], segment: Any,
                   recs: list[IndexRecord], book: _ScanBook, progress: Progress | None,
                   done: int, total: int) -> int:
        writer = self.index.writer(lock=False)
        try:
            replaced: list[int] = []
            pending: list[tuple[int, IndexRecord]] = []
            for (path, doc_id), rec in zip(items, recs, strict=True):
                done += 1
                if progress:
                    progress(done, total, path)
                replaced += book.settle(path, doc_id, rec)
                if not rec.error:
                    pending.append((doc_id, rec))
            if replaced:
                self.index.delete(writer, replaced)
            self.index.add_segments(writer, [segment], clean=False)
            writer = None
        finally:
            if writer is not None:
                self.index.cancel(writer)
        # Only now does the store learn the files' size and mtime (see `_commit`).
        self.store.finish_documents(
            [(doc_id, rec.sha256, rec.size, rec.mtime_ns, rec.title) for doc_id, rec in pending])
        return done

    def _merge(self, pool: ProcessPoolExecutor, directory: str, workers: int) -> None:
        """Above MAX_SEGMENTS segments, merge the smallest ones into one segment per
        worker, in the workers; the lock is held, so nothing deletes meanwhile."""
        segments = sorted(self.index.segments(), key=lambda s: s.doc_count_all())
        if len(segments) <= self.MAX_SEGMENTS:
            return
        small = segments[: len(segments) - self.MAX_SEGMENTS // 2 + 1]
        groups: list[list[Any]] = [[] for _ in range(min(workers, len(small) // 2) or 1)]
        sizes = [0] * len(groups)
        for seg in reversed(small):  # largest first onto the lightest group
            i = sizes.index(min(sizes))
            groups[i].append(seg)
            sizes[i] += seg.doc_count_all()
        futures = [pool.submit(merge_segments, directory, g) for g in groups if g]
        merged = [f.result() for f in futures]
        self.index.add_segments(self.index.writer(lock=False), merged, clean=True,
                                replace=[s.segment_id() for s in small])


class _ScanBook:
    """What one scan found, and the one place that decides what a processed file means
    for the store and the index, for serial and parallel scans alike.

    Every file to index gets its document id from `assign` (in a parallel scan before a
    worker processes it): its own row, the row of a vanished release with the same
    content (it was moved or renamed: its review data follows), or a new placeholder
    row with size 0 (a crash before the batch is committed leaves size 0, so the next
    scan indexes the file again). `settle` then books the outcome."""

    def __init__(self, store: ReviewStore, known: dict[str, DocRecord],
                 vanished: dict[str, DocRecord], report: ScanReport) -> None:
        self.store, self.known, self.vanished, self.report = store, known, vanished, report
        self.by_sha: dict[str, int] = {}  # content hash -> id of a vanished or missing row
        for d in vanished.values():
            self.by_sha.setdefault(d.sha256, d.id)
        for d in known.values():
            if d.missing and d.sha256:
                self.by_sha.setdefault(d.sha256, d.id)
        self.fresh: set[int] = set()  # placeholder rows made by this scan
        self.moved_from: dict[str, int] = {}  # new path -> id of the copy it matches
        self.moved_ids: set[int] = set()

    def assign(self, path: str, sha256: str | None = None) -> int:
        """The document id `path` is indexed under (`sha256`: its content hash, when
        known; otherwise the file is read for it only if some release has vanished)."""
        old = self.known.get(path)
        if old is not None:
            return old.id
        if sha256 is None and self.by_sha:  # a new path may be a vanished release, moved
            try:
                sha256 = file_digest(loaders.read_bytes(Path(path)))
            except loaders.LoadError:
                sha256 = ""
        if sha256 and sha256 in self.by_sha:
            doc_id = self.moved_from[path] = self.by_sha.pop(sha256)
            return doc_id
        doc_id = self.store.upsert_document(path, sha256="", size=0, mtime_ns=0,
                                            title=Path(path).stem)
        self.fresh.add(doc_id)
        return doc_id

    def settle(self, path: str, doc_id: int | None, rec: IndexRecord) -> list[int]:
        """Count `rec` in the report and update its row; returns the ids whose old copies
        leave the index (`doc_id` is None for a failed file that was never assigned)."""
        report, store, old = self.report, self.store, self.known.get(path)
        if rec.error:
            report.failed.append((path, rec.error))
            if rec.sha256:  # read but not loadable: remember so it is not retried
                return [store.upsert_document(path, sha256=rec.sha256, size=rec.size,
                                              mtime_ns=rec.mtime_ns, title=Path(path).name,
                                              error=rec.error)]
            if old is not None:
                return [old.id]
            if doc_id is not None and doc_id in self.fresh:
                store.mark_missing(doc_id)  # its placeholder row
            return []
        assert doc_id is not None
        report.warnings.extend((path, w) for w in rec.warnings)
        if old is not None and not old.missing:
            report.updated += 1
        elif path in self.moved_from:
            store.move_document(doc_id, path, size=0, mtime_ns=0)
            self.moved_ids.add(doc_id)
            report.moved += 1
        else:
            if old is not None:  # it came back: the same row, size 0 until done
                store.upsert_document(path, sha256=rec.sha256, size=0, mtime_ns=0,
                                      title=rec.title)
            report.added += 1
        return [] if doc_id in self.fresh else [doc_id]

    def gone(self) -> list[DocRecord]:
        """Releases whose files vanished and were not found moved."""
        return [d for d in self.vanished.values() if d.id not in self.moved_ids]

    def mark_gone(self, gone: list[DocRecord]) -> None:
        for d in gone:
            self.store.mark_missing(d.id)
            self.report.removed += 1


def _next_done(futures: Iterable[Future[_T]], cancel: threading.Event | None) -> Future[_T]:
    while True:
        done, _ = wait(futures, timeout=0.1, return_when=FIRST_COMPLETED)
        if done:
            return next(iter(done))
        if cancel is not None and cancel.is_set():
            raise Cancelled


def _under_any(path: Path, roots: list[Path]) -> bool:
    return any(path == r or r in path.parents for r in roots)
