"""The entity pass: the entities of every indexed release, extracted once and stored.

The text pass makes a library searchable at once; this pass then goes through every
release whose index copy has no entities, or another extractor version's than it should
have, in the background:

- it reads the release back (skipping one whose file changed since the text pass: the
  next scan indexes its new text first), takes its base entities (pinned for a release
  under review, else stored for the current extractor version, else extracted now and
  stored at once, release by release), finishes them with the reviewer's lexicon, and
  indexes the release again with its entity fields and facets;
- it commits every few hundred releases, so search and the facets grow as it goes;
- cancelled or killed, it keeps what it did: extracted entities are stored as each
  release is done, committed chunks are recorded in the entity cache's `indexed` table,
  so the next pass starts where this one stopped and never extracts a release twice.

A release in progress or reviewed keeps the entities it was reviewed with: its target
is its pin (see `ReviewStore.entity_pins`), whatever the current extractor version. A
release under review without a pin yet (reviewed before pins existed, or its file
changed) is pinned to the entities this pass gives it.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from reviewer.core.extract import extractor_version
from reviewer.core.search import passes
from reviewer.core.search.index import IndexRecord
from reviewer.core.search.passes import (
    Cancelled,
    Job,
    PassContext,
    PassSetup,
    Progress,
    chunk_size,
    run_chunks,
)

if TYPE_CHECKING:
    from reviewer.core.search.library import Library

log = logging.getLogger(__name__)


@dataclass(slots=True)
class EntityReport:
    version: str  # the extractor version the pass filled in
    total: int = 0  # releases it had to fill
    extracted: int = 0  # extracted now
    reused: int = 0  # stored or pinned: read back, not extracted
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    cancelled: bool = False
    seconds: float = 0.0

    @property
    def done(self) -> int:
        return self.extracted + self.reused

    def summary(self) -> str:
        if not self.total:
            return "entities up to date"
        text = (f"entities of {self.done} of {self.total} releases (extracted "
                f"{self.extracted}, stored before {self.reused}")
        text += f", skipped {len(self.skipped)})" if self.skipped else ")"
        return text + (" (cancelled)" if self.cancelled else "")


def pending_jobs(library: Library, only: list[int] | None = None) -> list[Job]:
    """The releases whose index copy lacks the entities it should have."""
    store, cache = library.store, library.cache
    if cache is None:
        return []
    version = extractor_version(library.recogniser())
    indexed = cache.indexed()
    review, pins = library.review_jobs()
    wanted = None if only is None else set(only)
    jobs = []
    for d in store.documents():
        if d.error or not d.size or not d.sha256 or (wanted is not None
                                                     and d.id not in wanted):
            continue  # not indexed (yet), or not asked for
        held = indexed.get(d.id)
        if held is not None and not held.sha256:
            continue  # left the index (its file could not be read): the next scan
        under_review = d.id in review
        pin = pins.get(d.id) if under_review else None
        if held is not None and held.sha256 == d.sha256:
            if under_review:
                if pin is not None and (pin.key, pin.version) == (held.key, held.version):
                    continue
            elif held.version == version:
                continue
        jobs.append(Job(d.path, d.id, sha256=d.sha256, pin=pin, review=under_review))
    return jobs


class EntityPass:
    def __init__(self, library: Library, progress: Progress | None,
                 cancel: threading.Event | None, workers: int | None,
                 only: list[int] | None) -> None:
        self.library, self.index = library, library.index
        self.progress, self.cancel, self.workers, self.only = progress, cancel, workers, only
        self.report = EntityReport(extractor_version(library.recogniser()))

    def run(self) -> EntityReport:
        t0 = time.perf_counter()
        lib, report = self.library, self.report
        jobs = pending_jobs(lib, self.only)
        report.total = len(jobs)
        if jobs:
            log.info("entity pass: %d releases (%s)", len(jobs), report.version)
            setup = PassSetup(lib.lexicon(), lib.cache_path(), extract=True,
                              model=lib.model_path(), corrections=lib.own_corrections())
            workers = self.workers
            if workers is None:
                workers = (min(2, os.cpu_count() or 1)
                           if len(jobs) >= lib.ENTITY_PARALLEL else 0)
            if workers >= 2:
                self._parallel(jobs, setup, workers)
            else:
                self._serial(jobs, setup)
        if jobs and not report.cancelled and self.only is None and lib.cache is not None:
            # a complete pass: other versions' rows and contents no release has go
            gone = lib.cache.prune(report.version)
            if gone:
                log.info("entity cache: %d rows of other versions or contents dropped", gone)
        report.seconds = time.perf_counter() - t0
        if jobs:
            log.info("entity pass: %s in %.1f s", report.summary(), report.seconds)
        return report

    def _count(self, jobs: list[Job], recs: list[IndexRecord]) -> list[tuple[int, IndexRecord]]:
        """Book a chunk's outcome; returns what goes into the index."""
        pending = []
        for job, rec in zip(jobs, recs, strict=True):
            if rec.error:
                self.report.skipped.append((job.path, rec.error))
                continue
            if rec.entity_source == "extracted":
                self.report.extracted += 1
            else:
                self.report.reused += 1
            pending.append((job.doc_id, rec))
        return pending

    def _serial(self, jobs: list[Job], setup: PassSetup) -> None:
        lib, index, report = self.library, self.index, self.report
        ctx = PassContext(setup, lib.cache)
        writer = index.writer()
        batch: list[Job] = []
        recs: list[IndexRecord] = []
        try:
            for done, job in enumerate(jobs, 1):
                if self.cancel is not None and self.cancel.is_set():
                    raise Cancelled
                rec = passes.process(job, ctx)
                if self.progress:
                    self.progress(done, len(jobs), job.path)
                if not rec.error:
                    index.add(writer, job.doc_id, rec)
                batch.append(job)
                recs.append(rec)
                if len(batch) >= lib.ENTITY_CHUNK // 4:
                    self._commit(writer, batch, recs)
                    writer = index.writer()
                    batch, recs = [], []
            self._commit(writer, batch, recs)
            writer = None
        except Cancelled:
            report.cancelled = True
            self._commit(writer, batch, recs)  # keep what was finished
            writer = None
        finally:
            if writer is not None:
                index.cancel(writer)

    def _commit(self, writer: Any, jobs: list[Job], recs: list[IndexRecord]) -> None:
        self.index.commit(writer)
        self.library.record_indexed(self._count(jobs, recs))

    def _parallel(self, jobs: list[Job], setup: PassSetup, workers: int) -> None:
        lib, index = self.library, self.index
        total, start = len(jobs), 0

        def next_chunk(left: int) -> list[Job] | None:
            nonlocal start
            if left <= 0:
                return None
            size = chunk_size(left, total, workers, lib.ENTITY_CHUNK // 4, lib.ENTITY_CHUNK)
            chunk, start = jobs[start:start + size], start + size
            return chunk

        def on_chunk(chunk: list[Job], segment: Any, recs: list[IndexRecord],
                     pool: ProcessPoolExecutor) -> None:
            pending = self._count(chunk, recs)
            writer = index.writer(lock=False)
            try:
                if pending:
                    index.delete(writer, [doc_id for doc_id, _ in pending])
                index.add_segments(writer, [segment], clean=False)
                writer = None
            finally:
                if writer is not None:
                    index.cancel(writer)
            lib.record_indexed(pending)
            # many small segments slow searching: merge as the pass goes (the files of
            # merged segments go at the end, when no worker writes any more)
            lib.merge(pool, workers, clean=False, limit=2 * lib.MAX_SEGMENTS)

        def finish(pool: ProcessPoolExecutor) -> None:
            lib.merge(pool, workers, clean=True)

        lock = index.hold_lock()
        try:
            index.remove_worker_temp()  # left by workers of a killed pass
            self.report.cancelled = run_chunks(
                directory=str(index.directory), setup=setup, workers=workers, total=total,
                next_chunk=next_chunk, on_chunk=on_chunk, finish=finish,
                progress=self.progress, cancel=self.cancel)
            # the workers are done: drop unused segment files and merged segments' files
            index.add_segments(index.writer(lock=False), [], clean=True)
        finally:
            lock.release()
