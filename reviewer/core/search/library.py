"""The library: folders of releases, scanned incrementally into the index and the store.

A re-scan only touches what changed: unchanged files are skipped on (size, mtime_ns);
new and changed files are loaded and indexed (the text pass; with their entities where
they are already stored or pinned, see `passes`); deleted files leave the index but keep
their review data; a moved or renamed file is recognised by its content hash and keeps
its identity, so its corrections and notes follow it. The entity pass
(`fill_entities`, `entity_pass`) then extracts what the index still lacks.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reviewer.core.entity_cache import EntityCache, IndexedState
from reviewer.core.extract import taught
from reviewer.core.extract.learned import Recogniser
from reviewer.core.extract.lexicon import Lexicon
from reviewer.core.extract.taught import TaughtModels
from reviewer.core.model import Correction
from reviewer.core.search import passes
from reviewer.core.search.folders import link_problem, link_roots, under_any, walk_supported
from reviewer.core.search.index import IndexRecord, SearchIndex, merge_segments
from reviewer.core.search.passes import (
    Cancelled,
    Job,
    PassContext,
    PassSetup,
    Progress,
    chunk_size,
    run_chunks,
)
from reviewer.core.search.scan_book import ScanBook, ScanReport
from reviewer.core.store import EntityPin, ReviewStore

if TYPE_CHECKING:
    from reviewer.core.search.entity_pass import EntityReport

__all__ = ["Cancelled", "Library", "Progress", "ScanReport"]

log = logging.getLogger(__name__)


class Library:
    """Folders of releases kept in step with the index and the review store."""

    BATCH = 500
    #: Parallel scans: at most this many releases per worker segment (one index commit
    #: each), and a merge in the workers at the end of a scan above this many segments.
    CHUNK_MAX = 2000
    MAX_SEGMENTS = 20
    #: The entity pass: releases per worker segment at most (one commit each: the
    #: index's entity fields and facets grow every few seconds), and the fewest for which
    #: it starts worker processes.
    ENTITY_CHUNK = 200
    ENTITY_PARALLEL = 40

    def __init__(self, store: ReviewStore, index: SearchIndex,
                 cache: EntityCache | None = None, models: TaughtModels | None = None) -> None:
        self.store = store
        self.index = index
        self.cache = cache
        #: The reviewer's taught extractor versions (None: the shipped model only).
        self.models = models
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

    def model_path(self) -> str:
        """The taught extractor version in use ("" : the shipped model)."""
        return self.models.model_path() if self.models is not None else ""

    def recogniser(self) -> Recogniser | None:
        return taught.load(self.model_path())

    def own_corrections(self) -> dict[int, list[Correction]]:
        """Each release's own (document-scope) corrections, by document id."""
        out: dict[int, list[Correction]] = {}
        for c in self.store.corrections():
            if c.scope != "library" and c.doc_id is not None:
                out.setdefault(c.doc_id, []).append(c)
        return out

    def lexicon(self) -> Lexicon:
        return Lexicon.from_corrections(self.store.corrections(), self.store.aliases())

    def scan(self, *, progress: Progress | None = None, cancel: threading.Event | None = None,
             workers: int | None = None, force: bool = False,
             only: list[int] | None = None, entities: bool = True,
             entity_progress: Progress | None = None) -> ScanReport:
        """Bring index and store in line with the folders. `force` re-indexes every file
        (after the index was rebuilt, or to re-apply learned corrections); `only`
        restricts a forced re-index to these document ids.

        The text pass indexes new and changed files with the entities already known
        (stored or pinned). With `entities` the entity pass follows (`fill_entities`,
        reporting to `entity_progress`); the window and `reviewer index` run it
        themselves, to show its progress apart. A cancelled text pass skips it."""
        with self._write_lock:
            report = self._scan(progress, cancel, workers, force or self.index.rebuilt, only)
            if entities and not report.cancelled:
                report.entities = self._fill_entities(entity_progress, cancel, workers, only)
            return report

    def fill_entities(self, *, progress: Progress | None = None,
                      cancel: threading.Event | None = None, workers: int | None = None,
                      only: list[int] | None = None) -> EntityReport:
        """The entity pass: extract (or read back, when stored) the entities of every
        indexed release whose index copy lacks them or has an older extractor version's,
        and index it again with them. What it finished stays when it is cancelled or the
        process is killed; the next pass goes on from there (see `entity_pass`)."""
        with self._write_lock:
            return self._fill_entities(progress, cancel, workers, only)

    def _fill_entities(self, progress: Progress | None, cancel: threading.Event | None,
                       workers: int | None, only: list[int] | None) -> EntityReport:
        from reviewer.core.search.entity_pass import EntityPass

        return EntityPass(self, progress, cancel, workers, only).run()

    def pending_entities(self) -> int:
        """Indexed releases whose entities the next entity pass fills in."""
        from reviewer.core.search.entity_pass import pending_jobs

        return len(pending_jobs(self))

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
                    if p not in seen and not d.missing and under_any(Path(p), roots)
                    and not under_any(Path(p), unreadable)}
        book = ScanBook(self.store, known, vanished, report)
        if self.index.rebuilt and self.cache is not None:
            self.cache.forget_indexed()  # the new index holds nothing yet

        setup = PassSetup(self.lexicon(), self.cache_path(), model=self.model_path(),
                          corrections=self.own_corrections())
        if workers is None:
            workers = min(2, os.cpu_count() or 1) if len(todo) >= 200 else 0
        if workers >= 2 and todo:
            self._scan_parallel(todo, book, setup, workers, progress, cancel)
        else:
            self._scan_serial(todo, book, setup, progress, cancel)
        self.index.rebuilt = False
        if mark and not report.cancelled:
            self.store.clear_reindex(mark, None if only is None else only)
        report.seconds = time.perf_counter() - t0
        log.info("scan of %s: %s in %.1f s", self.store.path.parent, report.summary(),
                 report.seconds)
        for failed, reason in report.failed:
            log.info("not indexed: %s: %s", failed, reason)
        return report

    def cache_path(self) -> str:
        return "" if self.cache is None or self.cache.readonly else str(self.cache.path)

    def review_jobs(self) -> tuple[set[int], dict[int, EntityPin]]:
        """Releases under review and the entities they are pinned to."""
        return self.store.ids_under_review(), self.store.entity_pins()

    def _scan_serial(self, todo: list[str], book: ScanBook, setup: PassSetup,
                     progress: Progress | None, cancel: threading.Event | None) -> None:
        """Process the files here and index them in batches of BATCH releases, one commit
        each."""
        report = book.report
        total = len(todo)
        done = 0
        writer = self.index.writer() if (todo or book.vanished) else None
        pending: list[tuple[int, IndexRecord]] = []
        ctx = PassContext(setup, self.cache)
        review, pins = self.review_jobs() if todo else (set(), {})
        try:
            for path in todo:
                if cancel is not None and cancel.is_set():
                    raise Cancelled
                old = book.known.get(path)
                job = Job(path, old.id if old is not None else 0)
                if old is not None and old.id in review:
                    job.review, job.pin = True, pins.get(old.id)
                rec = passes.process(job, ctx)
                done += 1
                if progress:
                    progress(done, total, rec.path)
                doc_id = None if rec.error else book.assign(rec.path, rec.sha256)
                stale = book.settle(rec.path, doc_id, rec)
                if rec.error or doc_id is None:
                    if stale and writer is not None:
                        self.index.delete(writer, stale)
                        self._forget(stale)
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
            self._forget([d.id for d in gone])
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
        self.record_indexed(pending)

    def record_indexed(self, pending: list[tuple[int, IndexRecord]]) -> None:
        """After an index commit: the store learns the files' size and mtime (a crash
        before this point leaves size 0, so the next scan indexes the file again), the
        entity cache which entities the index now holds, and the store the entities of
        releases under review that were pinned for the first time."""
        self.store.finish_documents(
            [(doc_id, rec.sha256, rec.size, rec.mtime_ns, rec.title) for doc_id, rec in pending])
        if self.cache is not None:
            self.cache.set_indexed(
                (doc_id, IndexedState(rec.sha256, rec.content_key, rec.entity_version))
                for doc_id, rec in pending)
        for doc_id, rec in pending:
            if rec.pin is not None:
                self.store.set_entity_pin(doc_id, rec.pin)

    def _forget(self, doc_ids: list[int]) -> None:
        if doc_ids and self.cache is not None:
            self.cache.forget_indexed(doc_ids)

    # -- parallel scans: each worker writes whole index segments ----------------------
    #
    # The scanning process assigns every file its document id before dispatching it
    # (existing row, the row of a moved file recognised by content hash, or a new
    # placeholder row with size 0), holds the index lock for the whole scan, and per
    # finished chunk: deletes the old copies of its documents, adds the worker's segment
    # to the TOC in one commit (no merge), then records size/mtime in the store. A kill
    # at any point leaves a consistent TOC (orphan segment files are deleted by the next
    # commit) and size 0 for anything not recorded, so the next scan indexes it again.

    def _scan_parallel(self, todo: list[str], book: ScanBook, setup: PassSetup,
                       workers: int, progress: Progress | None,
                       cancel: threading.Event | None) -> None:
        report = book.report
        directory = str(self.index.directory)
        total = len(todo)
        start = 0
        review, pins = self.review_jobs()

        def next_chunk(left: int) -> list[Job] | None:
            nonlocal start
            if left <= 0:
                return None
            size = chunk_size(left, total, workers, self.BATCH // 2, self.CHUNK_MAX)
            paths, start = todo[start:start + size], start + size
            jobs = []
            for p in paths:
                doc_id = book.assign(p)
                rv = doc_id in review
                jobs.append(Job(p, doc_id, pin=pins.get(doc_id) if rv else None, review=rv))
            return jobs

        def on_chunk(jobs: list[Job], segment: Any, recs: list[IndexRecord],
                     pool: ProcessPoolExecutor) -> None:
            self._add_chunk(jobs, segment, recs, book)

        def finish(pool: ProcessPoolExecutor) -> None:
            gone = book.gone()
            writer = self.index.writer(lock=False)
            if gone:
                self.index.delete(writer, [d.id for d in gone])
            self.index.add_segments(writer, [], clean=True)
            book.mark_gone(gone)
            self._forget([d.id for d in gone])
            self.merge(pool, workers, clean=True)

        lock = self.index.hold_lock()
        try:
            self.index.remove_worker_temp()  # left by workers of a killed scan
            report.cancelled = run_chunks(
                directory=directory, setup=setup, workers=workers, total=total,
                next_chunk=next_chunk, on_chunk=on_chunk, finish=finish,
                progress=progress, cancel=cancel)
            if report.cancelled:  # the workers are done: drop their unused segment files
                self.index.add_segments(self.index.writer(lock=False), [], clean=True)
        finally:
            lock.release()

    def _add_chunk(self, jobs: list[Job], segment: Any, recs: list[IndexRecord],
                   book: ScanBook) -> None:
        writer = self.index.writer(lock=False)
        try:
            replaced: list[int] = []
            pending: list[tuple[int, IndexRecord]] = []
            for job, rec in zip(jobs, recs, strict=True):
                stale = book.settle(job.path, job.doc_id, rec)
                replaced += stale
                if not rec.error:
                    pending.append((job.doc_id, rec))
                else:
                    self._forget(stale)
            if replaced:
                self.index.delete(writer, replaced)
            self.index.add_segments(writer, [segment], clean=False)
            writer = None
        finally:
            if writer is not None:
                self.index.cancel(writer)
        self.record_indexed(pending)  # only now (see `record_indexed`)

    def merge(self, pool: ProcessPoolExecutor, workers: int, *, clean: bool,
              limit: int | None = None) -> None:
        """Above `limit` (MAX_SEGMENTS) segments, merge the smallest ones into one segment
        per worker, in the workers; the lock is held, so nothing deletes meanwhile.
        Segments whose releases were all indexed again elsewhere leave at once.
        `clean` False while workers may still be writing segments of this pass."""
        limit = self.MAX_SEGMENTS if limit is None else limit
        segments = self.index.segments()
        empty = [s for s in segments if s.doc_count() == 0]
        live = sorted((s for s in segments if s.doc_count() > 0), key=lambda s: s.doc_count())
        if len(live) <= limit:
            if empty:
                self.index.add_segments(self.index.writer(lock=False), [], clean=clean,
                                        replace=[s.segment_id() for s in empty])
            return
        small = live[: len(live) - self.MAX_SEGMENTS // 2 + 1]
        groups: list[list[Any]] = [[] for _ in range(min(workers, len(small) // 2) or 1)]
        sizes = [0] * len(groups)
        for seg in reversed(small):  # largest first onto the lightest group
            i = sizes.index(min(sizes))
            groups[i].append(seg)
            sizes[i] += seg.doc_count()
        directory = str(self.index.directory)
        futures = [pool.submit(merge_segments, directory, g) for g in groups if g]
        merged = [f.result() for f in futures]
        self.index.add_segments(self.index.writer(lock=False), merged, clean=clean,
                                replace=[s.segment_id() for s in small + empty])
