"""Teaching the extractor from the window: Review > Teach the extractor, the automatic
update after a few corrections, the extractor in use on the status bar, rolling back.

The update runs `teaching.teach` on its own worker thread, and the training itself in a
child process (`core/extract/apart.py`: the CRF library holds Python's lock while it
trains), so the GUI thread only receives progress. After a new version or a rollback the
entity pass re-extracts the unreviewed releases in the background and the open release
is loaded again unless it is under review (its entities are pinned).
"""
from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QRunnable, Signal, SignalInstance
from PySide6.QtWidgets import QLabel, QProgressBar, QPushButton, QStatusBar, QWidget

from reviewer.core.extract import apart
from reviewer.core.extract.adapter import Cancelled
from reviewer.core.extract.taught import Version
from reviewer.core.progress import Meter, duration
from reviewer.core.review import teaching
from reviewer.core.review.workspace import Workspace
from reviewer.core.store import PINNED_STATUSES, StoreError
from reviewer.ui.changes import ReviewChange
from reviewer.ui.controller import ReviewController
from reviewer.ui.settings import Settings
from reviewer.ui.status_bar import StatusBar
from reviewer.ui.workers import PROGRESS_INTERVAL, ScanController, worker_pool

if TYPE_CHECKING:
    from reviewer.ui.extractor_dialog import ExtractorDialog

log = logging.getLogger(__name__)

#: The highest correction id the version in use (or the last rollback) accounts for.
LEARNED_THROUGH = "extractor/learned_through"
STEPS = 1000  # the progress bar's resolution


class _Signals(QObject):
    progress = Signal(float, str)  # fraction done, what is being done
    finished = Signal(object)  # the new Version, or None: nothing to learn from
    curve = Signal(object)  # learning curve points
    failed = Signal(str)
    cancelled = Signal()


class TeachTask(QRunnable):
    """`teaching.teach` (kind "teach") or `teaching.learning_curve` (kind "curve") on a
    worker thread, the training in child processes."""

    def __init__(self, ws: Workspace, kind: str, cancel: threading.Event) -> None:
        super().__init__()
        self.setAutoDelete(False)  # Python owns it (see workers.PassTask)
        self.ws, self.kind, self.cancel = ws, kind, cancel
        self.signals = _Signals()
        self.done = threading.Event()

    def run(self) -> None:
        last = [0.0]

        def progress(frac: float, what: str) -> None:
            now = time.perf_counter()
            if now - last[0] >= PROGRESS_INTERVAL or frac >= 1.0:
                last[0] = now
                self.signals.progress.emit(frac, what)

        try:
            if self.kind == "teach":
                version = teaching.teach(self.ws, progress=progress, cancel=self.cancel,
                                         train=apart.train)
                self.signals.finished.emit(version)
            else:
                points = teaching.learning_curve(self.ws, progress=progress,
                                                 cancel=self.cancel, train=apart.train)
                self.signals.curve.emit(points)
        except Cancelled:
            self.signals.cancelled.emit()
        except Exception as exc:  # noqa: BLE001 - shown to the user, never kills the app
            log.exception("extractor %s failed", self.kind)
            self.signals.failed.emit(f"{type(exc).__name__}: {exc}")
        finally:
            self.done.set()


def version_text(version: Version | None) -> str:
    """"Extractor v0003 · learned from 12 corrections in 5 releases"."""
    if version is None:
        return "Extractor: shipped model"
    c, r = version.corrections, version.releases
    return (f"Extractor {version.name} · learned from {c:,} correction{'s' * (c != 1)} "
            f"in {r:,} release{'s' * (r != 1)}")


class Teacher(QObject):
    """The extractor's versions as the window sees them: updates on a worker (one at a
    time, at most one more queued), the count of corrections since the version in use,
    the status bar's extractor line and the update's progress with Cancel."""

    started = Signal()
    progress = Signal(float, str, float)  # fraction, what, seconds left (-1: unknown)
    finished = Signal(object)  # Version | None
    failed = Signal(str)
    cancelled = Signal()
    versionChanged = Signal()  # a new version, or another one put in use
    pendingChanged = Signal(int)  # corrections since the version in use
    curveReady = Signal(object)  # [(releases, F1)]
    curveProgress = Signal(float, str)
    curveFailed = Signal(str)

    def __init__(self, ws: Workspace, controller: ReviewController, scans: ScanController,
                 status: StatusBar, bar: QStatusBar, settings: Settings,
                 window: QWidget) -> None:
        super().__init__(window)
        self.ws, self.controller, self.scans = ws, controller, scans
        self.status, self.settings, self.window = status, settings, window
        self.pool = worker_pool()  # updates
        self.curve_pool = worker_pool()  # learning curves, beside an update
        self._task: TeachTask | None = None
        self._curve_task: TeachTask | None = None
        self._cancel: threading.Event | None = None
        self._curve_cancel: threading.Event | None = None
        self._old: list[TeachTask] = []
        self._queued = False
        self._stopped = False  # the window is closing
        self._meter: Meter | None = None
        self._snapshot = 0  # the highest correction id when the running update started
        self._dialog: ExtractorDialog | None = None
        # corrections made since the version in use: release -> correction ids
        self._new: dict[int, set[int]] = {}
        self.learned_through = self._read_learned_through()

        self.version_button = QPushButton()
        self.version_button.setObjectName("extractorVersion")
        self.version_button.setFlat(True)
        self.version_button.setToolTip("The extractor in use; click for its versions, the "
                                       "learning curve and rolling back (Review > Extractor…)")
        self.version_button.clicked.connect(self.show_dialog)
        self.progress_bar = QProgressBar()
        self.progress_bar.setObjectName("teachProgress")
        self.progress_bar.setMaximumWidth(160)
        self.progress_bar.setRange(0, STEPS)
        self.progress_bar.hide()
        self.progress_text = QLabel("")
        self.progress_text.setObjectName("teachProgressText")
        self.progress_bar.setFormat("%p%")
        self.cancel_button = QPushButton("Cancel update")
        self.cancel_button.setObjectName("cancelTeach")
        self.cancel_button.setToolTip("Stop the update; the extractor in use stays")
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.hide()
        for w in (self.progress_text, self.progress_bar, self.cancel_button,
                  self.version_button):
            bar.addPermanentWidget(w)
        controller.changed.connect(self._review_changed)
        self._count_all()
        self.show_version()

    # -- the extractor in use ----------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._task is not None

    @property
    def pending(self) -> int:
        """Entity corrections made since the version in use (undone ones not counted)."""
        return sum(len(ids) for ids in self._new.values())

    def show_version(self) -> None:
        text = version_text(self.ws.models.current())
        n = self.pending
        if n:
            text += f" · {n} new correction{'s' * (n != 1)}"
        self.version_button.setText(text)

    # -- counting corrections ----------------------------------------------------------
    def _read_learned_through(self) -> int:
        raw = self.settings.q.value(LEARNED_THROUGH)
        try:
            return int(str(raw)) if raw not in (None, "") else 0
        except ValueError:
            return 0

    def _set_learned_through(self, value: int) -> None:
        self.learned_through = value
        self.settings.set_value(LEARNED_THROUGH, value)
        self._new = {d: {i for i in ids if i > value} for d, ids in self._new.items()}
        self._new = {d: ids for d, ids in self._new.items() if ids}

    def _count_all(self) -> None:
        try:
            corrections = self.ws.store.corrections()
        except StoreError as exc:
            log.warning("corrections not counted: %s", exc)
            return
        self._new = {}
        for c in corrections:
            if c.scope != "library" and c.doc_id is not None and c.id is not None \
                    and c.id > self.learned_through:
                self._new.setdefault(c.doc_id, set()).add(c.id)

    def _highest(self) -> int:
        try:
            return max((c.id or 0 for c in self.ws.store.corrections()), default=0)
        except StoreError:
            return self.learned_through

    def _review_changed(self, change: ReviewChange) -> None:
        """A correction done, undone or redone: count the release's corrections again
        (an undo takes its example back)."""
        if not change.corrections or self.ws.readonly:
            return
        try:
            ids = {c.id for c in self.ws.store.corrections(change.doc_id)
                   if c.scope != "library" and c.doc_id == change.doc_id
                   and c.id is not None and c.id > self.learned_through}
        except StoreError as exc:
            log.warning("corrections not counted: %s", exc)
            return
        before = self.pending
        if ids:
            self._new[change.doc_id] = {i for i in ids if i is not None}
        else:
            self._new.pop(change.doc_id, None)
        if self.pending != before:
            self.show_version()
            self.pendingChanged.emit(self.pending)
        if self.pending >= teaching.AUTO_AFTER and self.pending > before:
            self.teach_now(auto=True)

    # -- updating ------------------------------------------------------------------------
    def teach_now(self, auto: bool = False) -> None:
        """Review > Teach the extractor (or AUTO_AFTER corrections since the last
        version): an update on the worker; one more is queued while one runs."""
        if self.ws.readonly:
            self.status.show_message("Read-only: the extractor cannot be taught here.")
            return
        if self.running:
            if not self._queued:
                self._queued = True
                self.status.show_message("The extractor is being updated; another update "
                                         "follows it with your latest corrections.")
            return
        self._start(auto)

    def _start(self, auto: bool) -> None:
        self._snapshot = self._highest()
        self._cancel = threading.Event()
        task = TeachTask(self.ws, "teach", self._cancel)
        s = task.signals
        s.progress.connect(self._on_progress)
        s.finished.connect(self._on_finished)
        s.failed.connect(self._on_failed)
        s.cancelled.connect(self._on_cancelled)
        self._task, self._meter = task, Meter(STEPS)
        self.progress_bar.setValue(0)
        self.progress_bar.show()
        self.cancel_button.show()
        self.progress_text.setText("Teaching the extractor…")
        self.status.show_message(
            f"Teaching the extractor from your corrections"
            f"{f' (after {self.pending} new ones)' if auto else ''}; you can go on working.")
        self.started.emit()
        self.pool.start(task)

    def cancel(self) -> None:
        self._queued = False
        if self._cancel is not None:
            self._cancel.set()

    def _on_progress(self, frac: float, what: str) -> None:
        if self._meter is None:
            return
        done = int(frac * STEPS)
        self._meter.update(done)
        left = self._meter.left
        self.progress_bar.setValue(done)
        parts = [f"Teaching the extractor: {what}"]  # the bar beside it shows the percent
        if done < STEPS:
            parts.append("time left unknown" if left is None else f"{duration(left)} left")
        self.progress_text.setText(" · ".join(parts))
        self.progress.emit(frac, what, -1.0 if left is None else left)

    def _end(self) -> None:
        if self._task is not None:
            self._old.append(self._task)
        self._task, self._cancel, self._meter = None, None, None
        self._old = [t for t in self._old if not t.done.is_set()]
        self.progress_bar.hide()
        self.cancel_button.hide()
        self.progress_text.setText("")

    def _on_finished(self, version: object) -> None:
        self._end()
        if self._stopped:
            return  # closing: no entity pass, no reload
        if version is None:
            self.status.show_message("Nothing to teach the extractor yet: correct entities "
                                     "or mark releases reviewed first.")
        else:
            assert isinstance(version, Version)
            self._set_learned_through(self._snapshot)
            self._extractor_changed(f"Extractor {version.name} in use, learned from "
                                    f"{version.corrections:,} corrections in "
                                    f"{version.releases:,} releases")
        self.finished.emit(version)
        self._start_queued()

    def _on_failed(self, message: str) -> None:
        self._end()
        self.status.show_message(f"The extractor could not be taught: {message}. The "
                                 "version in use stays.")
        self.failed.emit(message)
        self._start_queued()

    def _on_cancelled(self) -> None:
        self._end()
        self.status.show_message("Update cancelled; the extractor in use stays.")
        self.cancelled.emit()
        self._start_queued()

    def _start_queued(self) -> None:
        if self._queued and not self._stopped:
            self._queued = False
            self._start(auto=False)

    # -- rolling back --------------------------------------------------------------------
    def use_version(self, name: str) -> None:
        """Put version `name` in use ("" : the shipped model)."""
        if self.ws.readonly:
            self.status.show_message("Read-only: the extractor cannot be changed here.")
            return
        if name == self.ws.models.current_name():
            return
        try:
            self.ws.models.use(name)
        except (OSError, ValueError) as exc:
            log.warning("extractor version %r not put in use: %s", name, exc)
            self.status.show_message(f"The extractor was not changed: {exc}")
            return
        self._set_learned_through(self._highest())  # no update straight after a rollback
        self._extractor_changed(f"Extractor {name} in use" if name else
                                "Shipped extractor model in use")

    def _extractor_changed(self, what: str) -> None:
        """After a new version or a rollback: the entity pass, the open release again."""
        self.show_version()
        self.versionChanged.emit()
        self.scans.request_entities()
        what += "; re-extracting the unreviewed releases in the background"
        session = self.controller.session
        if session is not None:
            try:
                pinned = self.ws.store.status(session.doc_id) in PINNED_STATUSES
            except StoreError:
                pinned = True
            if pinned:
                what += " (this release is under review and keeps its entities)"
            else:
                self.controller.reload()
                what += " (this release shows the new extraction)"
        self.status.show_message(what + ".")

    # -- the learning curve --------------------------------------------------------------
    def compute_curve(self) -> bool:
        """The learning curve on a worker; False when one is being computed."""
        if self._curve_task is not None:
            return False
        self._curve_cancel = threading.Event()
        task = TeachTask(self.ws, "curve", self._curve_cancel)
        s = task.signals
        s.progress.connect(self.curveProgress)
        s.curve.connect(lambda points: self._curve_end(self.curveReady, points))
        s.failed.connect(lambda msg: self._curve_end(self.curveFailed, msg))
        s.cancelled.connect(lambda: self._curve_end(self.curveFailed, "cancelled"))
        self._curve_task = task
        self.curve_pool.start(task)
        return True

    def cancel_curve(self) -> None:
        if self._curve_cancel is not None:
            self._curve_cancel.set()

    def _curve_end(self, signal: SignalInstance, value: object) -> None:
        if self._curve_task is not None:
            self._old.append(self._curve_task)
        self._curve_task = self._curve_cancel = None
        signal.emit(value)

    # -- the dialog ------------------------------------------------------------------------
    def show_dialog(self) -> ExtractorDialog:
        from reviewer.ui.extractor_dialog import ExtractorDialog

        if self._dialog is None:
            self._dialog = ExtractorDialog(self, self.window)
        self._dialog.refresh()
        if self._dialog.isVisible():  # asked for again: bring it to the front
            self._dialog.raise_()
            self._dialog.activateWindow()
        self._dialog.show()
        return self._dialog

    def stop(self) -> None:
        """The window is closing: cancel what runs, tell no one."""
        self._queued = False
        self._stopped = True
        for ev in (self._cancel, self._curve_cancel):
            if ev is not None:
                ev.set()
        self.blockSignals(True)
