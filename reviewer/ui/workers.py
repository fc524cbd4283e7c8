"""Library scans on a worker thread (QThreadPool + QRunnable), reporting by signals.

The GUI thread only receives throttled progress signals, so it stays responsive while
thousands of releases are indexed.
"""
from __future__ import annotations

import logging
import multiprocessing
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from reviewer.core.documents.loaders import LoadError
from reviewer.core.documents.markdown import rendering_of
from reviewer.core.progress import Meter
from reviewer.core.search import Library
from reviewer.core.store import StoreError

if TYPE_CHECKING:
    from reviewer.core.review.session import DocumentSession
    from reviewer.core.review.workspace import Workspace
    from reviewer.core.search import Searcher

log = logging.getLogger(__name__)

PROGRESS_INTERVAL = 0.05  # seconds between progress signals


@dataclass(slots=True)
class ScanRequest:
    only: list[int] | None = None  # None = the whole library
    force: bool = False

    def merge(self, other: ScanRequest) -> ScanRequest:
        if self.only is None or other.only is None:
            return ScanRequest(None, self.force or other.force)
        return ScanRequest(sorted(set(self.only) | set(other.only)), self.force or other.force)


class _Signals(QObject):
    progress = Signal(int, int, str)  # done, total, path
    finished = Signal(object)  # ScanReport or EntityReport
    failed = Signal(str)


class PassTask(QRunnable):
    """One pass over the library on the scan thread: `run_pass(progress, cancel)` is
    `Library.scan` (the text) or `Library.fill_entities` (the entities)."""

    def __init__(self, run_pass: Callable[[Callable[[int, int, str], None], threading.Event],
                                          object],
                 cancel: threading.Event) -> None:
        super().__init__()
        self.setAutoDelete(False)  # Python owns it: Qt deleting the wrapper crashes PySide
        self.run_pass = run_pass
        self.cancel = cancel
        self.signals = _Signals()

    def run(self) -> None:
        last = [0.0]

        def progress(done: int, total: int, path: str) -> None:
            now = time.perf_counter()
            if now - last[0] >= PROGRESS_INTERVAL or done == total:
                last[0] = now
                self.signals.progress.emit(done, total, path)

        try:
            report = self.run_pass(progress, self.cancel)
        except Exception as exc:  # noqa: BLE001 - shown to the user, never kills the app
            log.exception("library pass failed")
            self.signals.failed.emit(f"{type(exc).__name__}: {exc}")
            return
        self.signals.finished.emit(report)


def use_spawn_for_worker_processes() -> None:
    """Large scans use a process pool. Forking a process that runs Qt threads can
    deadlock the children (locks held by other threads are copied locked), so a GUI
    process starts its workers with "spawn"."""
    if multiprocessing.get_start_method(allow_none=True) != "spawn":
        multiprocessing.set_start_method("spawn", force=True)


def worker_pool() -> QThreadPool:
    """A pool of one worker thread. It has no Qt parent: Python keeps it alive, so the
    window's shutdown can wait for it on another thread while the window goes away."""
    pool = QThreadPool()
    pool.setMaxThreadCount(1)
    return pool


class ScanController(QObject):
    """Runs the library's passes one at a time on its thread: a scan (the text pass),
    then the entity pass while releases lack their entities. Scans asked for meanwhile
    are merged into the next one; a scan asked for during the entity pass pauses it
    (nothing it did is lost) and it goes on after the scan."""

    started = Signal()  # a scan (text pass)
    progress = Signal(int, int, float, float)  # done, total, per second, seconds left (-1)
    finished = Signal(object)  # ScanReport
    failed = Signal(str)
    entitiesStarted = Signal()
    entitiesProgress = Signal(int, int, float, float)  # as `progress`
    entitiesFinished = Signal(object)  # EntityReport
    idle = Signal()

    def __init__(self, library: Library, parent: QObject | None = None,
                 workers: int | None = None, *, entities: bool = True,
                 counts: Callable[[], dict[int, int]] | None = None) -> None:
        """`counts`: the entity counts per release, read on the scan thread after each
        pass that changed the index (reading them takes a second at 25,000 releases)."""
        super().__init__(parent)
        use_spawn_for_worker_processes()
        self.library = library
        self.workers = workers
        self.entities = entities  # run the entity pass after scans
        self._read_counts = counts
        self.counts: dict[int, int] | None = None  # read after the last pass, until taken
        self.pool = worker_pool()
        self._cancel: threading.Event | None = None
        self._pending: ScanRequest | None = None
        self._task: PassTask | None = None
        self._kind = ""  # "scan" or "entities" while a task runs
        self._entities_due = False  # run the entity pass when nothing else waits
        self._meter: Meter | None = None
        self._finished_tasks: list[PassTask] = []

    @property
    def running(self) -> bool:
        return self._task is not None

    def request(self, only: list[int] | None = None, force: bool = False) -> None:
        req = ScanRequest(only, force)
        if self.running:
            self._pending = req if self._pending is None else self._pending.merge(req)
            if self._kind == "entities" and self._cancel is not None:
                self._cancel.set()  # pause it: the scan first, then it goes on
            return
        self._start(req)

    def request_entities(self) -> None:
        """Fill in missing entities now (after a cancel, they wait for the next scan)."""
        self._entities_due = True
        if not self.running:
            self._next()

    def cancel(self) -> None:
        """The user's cancel: the running pass stops, nothing queued runs, and the entity
        pass waits for the next scan."""
        self._pending = None
        self._entities_due = False
        if self._cancel is not None:
            self._cancel.set()

    def _start(self, req: ScanRequest) -> None:
        def run(progress: Callable[[int, int, str], None], cancel: threading.Event) -> object:
            report = self.library.scan(progress=progress, cancel=cancel,
                                       workers=self.workers, force=req.force, only=req.only,
                                       entities=False)
            self._counts_after(report.added or report.updated or report.removed
                               or report.moved)
            return report

        self._launch("scan", run)
        self.started.emit()

    def _start_entities(self) -> None:
        def run(progress: Callable[[int, int, str], None], cancel: threading.Event) -> object:
            report = self.library.fill_entities(progress=progress, cancel=cancel,
                                                workers=self.workers)
            self._counts_after(report.done)
            return report

        self._launch("entities", run)
        self.entitiesStarted.emit()

    def _counts_after(self, changed: int) -> None:
        """On the scan thread: the entity counts, when the pass changed the index."""
        if changed and self._read_counts is not None:
            try:
                self.counts = self._read_counts()
            except Exception:  # noqa: BLE001 - Whoosh raises many kinds on a rebuilt index
                log.warning("entity counts unavailable", exc_info=True)
                self.counts = None

    def take_counts(self) -> dict[int, int] | None:
        """The entity counts read after the last pass, once."""
        counts, self.counts = self.counts, None
        return counts

    def _launch(self, kind: str, run: Callable[..., object]) -> None:
        self._cancel = threading.Event()
        task = PassTask(run, self._cancel)
        task.signals.progress.connect(self._on_progress)
        task.signals.finished.connect(self._on_finished)
        task.signals.failed.connect(self._on_failed)
        self._task, self._kind, self._meter = task, kind, None
        self._signals = task.signals  # keep the QObject alive past the runnable
        self.pool.start(task)

    def _on_progress(self, done: int, total: int, path: str) -> None:
        if self._meter is None:
            self._meter = Meter(total)
        self._meter.update(done, total)
        left = self._meter.left
        signal = self.entitiesProgress if self._kind == "entities" else self.progress
        signal.emit(done, total, self._meter.rate, -1.0 if left is None else left)

    def _on_finished(self, report: object) -> None:
        kind = self._end()
        if kind == "scan" and not getattr(report, "cancelled", False):
            self._entities_due = self.entities
        # The next pass starts before anyone hears of this one's end, so `running` tells
        # the listeners whether more is coming.
        started = self._next()
        (self.entitiesFinished if kind == "entities" else self.finished).emit(report)
        if not started:
            self.idle.emit()

    def _on_failed(self, message: str) -> None:
        self._end()
        started = self._next()
        self.failed.emit(message)
        if not started:
            self.idle.emit()

    def _end(self) -> str:
        # Keep finished tasks until the pool has really let go of them (run() returned).
        kind, task = self._kind, self._task
        if task is not None:
            self._finished_tasks.append(task)
        self._task, self._kind = None, ""
        self.pool.waitForDone(0)
        if self.pool.activeThreadCount() == 0:
            self._finished_tasks = []
        return kind

    def _next(self) -> bool:
        """Start what waits: a scan, else the entity pass when due. False: nothing."""
        if self._pending is not None:
            req, self._pending = self._pending, None
            self._start(req)
        elif self._entities_due and not self.library.store.readonly:
            self._entities_due = False
            self._start_entities()
        else:
            return False
        return True


# -- memo export --------------------------------------------------------------------------

class ExportCancelled(Exception):
    """Raised from the progress callback: export_memo then leaves the target untouched."""


class _ExportSignals(QObject):
    progress = Signal(int, int, str)  # done, total, release name
    finished = Signal(str)  # the written path
    failed = Signal(str)  # a user-readable message
    cancelled = Signal()


@dataclass(slots=True)
class ExportJob:
    doc_ids: list[int]
    target: str
    title: str = ""
    author: str = ""
    full_text: bool = False
    overview: str = ""
    entities: bool = False


class ExportTask(QRunnable):
    def __init__(self, ws: Workspace, job: ExportJob, cancel: threading.Event) -> None:
        super().__init__()
        self.setAutoDelete(False)  # Python owns it (see PassTask)
        self.ws, self.job, self.cancel = ws, job, cancel
        self.signals = _ExportSignals()

    def run(self) -> None:
        from reviewer.core.export import ExportError, export_memo

        def progress(done: int, total: int, name: str) -> None:
            if self.cancel.is_set():
                raise ExportCancelled()
            self.signals.progress.emit(done, total, Path(name).name)

        job = self.job
        try:
            path = export_memo(self.ws, job.doc_ids, job.target, title=job.title or None,
                               author=job.author or None, overview=job.overview,
                               entities=job.entities, full_text=job.full_text,
                               progress=progress)
        except ExportCancelled:
            self.signals.cancelled.emit()
            return
        except ExportError as exc:
            self.signals.failed.emit(str(exc))
            return
        except Exception as exc:  # noqa: BLE001 - shown to the user, never kills the app
            log.exception("memo export failed")
            self.signals.failed.emit(f"{type(exc).__name__}: {exc}")
            return
        self.signals.finished.emit(str(path))


class ExportController(QObject):
    """One memo export at a time on its own worker thread, with progress and cancel."""

    started = Signal()
    progress = Signal(int, int, str)
    finished = Signal(str)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, ws: Workspace, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ws = ws
        self.pool = worker_pool()
        self._cancel: threading.Event | None = None
        self._task: ExportTask | None = None
        self._old: list[ExportTask] = []

    @property
    def running(self) -> bool:
        return self._task is not None

    def start(self, job: ExportJob) -> bool:
        if self.running:
            return False
        self._cancel = threading.Event()
        task = ExportTask(self.ws, job, self._cancel)
        s = task.signals
        # Bound methods of this (GUI-thread) object: queued, so slots run on the GUI thread.
        s.progress.connect(self._on_progress)
        s.finished.connect(self._on_finished)
        s.failed.connect(self._on_failed)
        s.cancelled.connect(self._on_cancelled)
        self._task = task
        self.started.emit()
        self.pool.start(task)
        return True

    def cancel(self) -> None:
        if self._cancel is not None:
            self._cancel.set()

    def _on_progress(self, done: int, total: int, name: str) -> None:
        self.progress.emit(done, total, name)

    def _on_finished(self, path: str) -> None:
        self._end(self.finished, path)

    def _on_failed(self, message: str) -> None:
        self._end(self.failed, message)

    def _on_cancelled(self) -> None:
        self._end(self.cancelled)

    def _end(self, signal, *args) -> None:
        if self._task is not None:
            self._old.append(self._task)  # freed once the pool is idle
        self._task = None
        signal.emit(*args)
        if self.pool.activeThreadCount() == 0:
            self._old = []


# -- warm-up ------------------------------------------------------------------------------

WARM_UP_TEXT = """Quarterly results announced in Jakarta

JAKARTA, 12 March 2024 - Acme Holdings Inc. (NASDAQ: ACME) today announced revenue of
$12.5 million for the first quarter, up 8% from a year earlier, said Chief Executive
Officer Maria Santos. The company will host a conference call on Tuesday, April 2, 2024.
Minister Takeo Mori met Senior Officials of the Ministry of Foreign Affairs in Singapore.

About Acme Holdings
Acme Holdings is a technology company based in Austin, Texas. Contact: press@example.com
"""


class _WarmUpSignals(QObject):
    finished = Signal(float)  # seconds it took


class WarmUpTask(QRunnable):
    """Load extraction resources (gazetteers, compiled patterns) and the search
    highlighter's caches off the GUI thread, so the first release opened does not pay
    for them. The loaders are idempotent and lock-protected: a load that runs after
    this one on the same pool finds them ready."""

    def __init__(self, searcher: Searcher | None = None) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.searcher = searcher
        self.signals = _WarmUpSignals()

    def run(self) -> None:
        t0 = time.perf_counter()
        try:
            from reviewer.core.extract import extract

            extract(WARM_UP_TEXT)
            if self.searcher is not None:
                self.searcher.highlights("revenue company million", WARM_UP_TEXT)
                self.searcher.warm_up()  # the first query costs what the others do
        except Exception:  # noqa: BLE001 - only a head start: the real open still works
            log.exception("warm-up failed; the first release opened loads the resources")
        self.signals.finished.emit(time.perf_counter() - t0)


# -- opening a release ----------------------------------------------------------------

class _OpenSignals(QObject):
    loaded = Signal(object, object)  # DocumentSession, DocumentView; (None, None): unchanged
    failed = Signal(str)


class OpenTask(QRunnable):
    """Load a release, run the extractor on it and build its view, off the GUI thread.
    With `unless_same` (the open session) nothing is built when the file is where it
    was with the same text. `wanted()` False (another release was asked for since)
    skips the work."""

    def __init__(self, ws: Workspace, doc_id: int, unless_same: DocumentSession | None,
                 wanted: Callable[[], bool]) -> None:
        super().__init__()
        self.setAutoDelete(False)  # Python owns it (see PassTask)
        self.ws, self.doc_id, self.unless_same, self.wanted = ws, doc_id, unless_same, wanted
        self.signals = _OpenSignals()
        self.finished = threading.Event()

    def run(self) -> None:
        try:
            if self.wanted():
                self._load()
        finally:
            self.finished.set()

    def _load(self) -> None:
        from reviewer.core.review.session import DocumentSession

        try:
            doc = self.ws.load(self.doc_id)  # re-anchors stored corrections and notes
            old = self.unless_same
            if old is not None and old.document.path == doc.path \
                    and old.document.text == doc.text:
                self.signals.loaded.emit(None, None)
                return
            session = DocumentSession(self.ws, self.doc_id, doc)
            view = session.view()
            rendering_of(doc.path, doc.text)  # Markdown's readable form, off the GUI thread
        except (LoadError, KeyError, OSError, StoreError, sqlite3.Error) as exc:
            log.info("release %s cannot be opened: %s", self.doc_id, exc)
            self.signals.failed.emit(str(exc))
            return
        self.signals.loaded.emit(session, view)
