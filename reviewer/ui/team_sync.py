"""File > Sync with team: the sync on a worker with progress and Cancel, by itself every
few minutes when configured, its state in the status bar, and the Team panel (what
others changed on the open release, "Corrected by Ana, 10:42", and the conflicts)."""
from __future__ import annotations

import datetime as _dt
import logging
import threading

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDockWidget,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QStatusBar,
    QVBoxLayout,
    QWidget,
)

from reviewer.core import sync as team
from reviewer.core.review.workspace import Workspace
from reviewer.core.search import ScanReport
from reviewer.core.store import StoreError
from reviewer.ui.changes import ReviewChange
from reviewer.ui.controller import ReviewController
from reviewer.ui.presenter import ReleasePresenter
from reviewer.ui.team_marks import TeamMarks
from reviewer.ui.team_settings import TeamSettingsDialog

log = logging.getLogger(__name__)


class _SyncSignals(QObject):
    progress = Signal(str, int, int)  # phase, done, total (0: unknown)
    finished = Signal(object)  # SyncReport
    failed = Signal(str)


class SyncTask(QRunnable):
    """One sync, off the GUI thread."""

    def __init__(self, ws: Workspace, url: str, cancel: threading.Event) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.ws, self.url, self.cancel = ws, url, cancel
        self.signals = _SyncSignals()

    def run(self) -> None:
        def progress(phase: str, done: int, total: int | None) -> None:
            self.signals.progress.emit(phase, done, total or 0)

        try:
            report = team.sync(self.ws.store, self.url, progress=progress,
                               cancelled=self.cancel.is_set)
        except team.SyncError as exc:
            self.signals.failed.emit(str(exc))
        except Exception as exc:  # noqa: BLE001 - a store failure: shown, not lost
            log.exception("sync failed")
            self.signals.failed.emit(str(exc))
        else:
            self.signals.finished.emit(report)


class TeamSync(QObject):
    """The window's team sync. `sync_now` is File > Sync with team."""
    finished = Signal(object)  # SyncReport, once the window shows it
    failed = Signal(str)
    filesReceived = Signal()  # releases the team shared were written into the library

    def __init__(self, ws: Workspace, controller: ReviewController, bar: QStatusBar,
                 window: QMainWindow, presenter: ReleasePresenter) -> None:
        super().__init__(window)
        self.ws, self.controller, self.window = ws, controller, window
        # who changed what, under the entities, facts and notes
        self.marks = TeamMarks(ws, controller, presenter.entity_pane,
                               presenter.status_combo)
        self.settings = team.TeamSettings(ws.store)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self._task: SyncTask | None = None
        self._cancel = threading.Event()
        self.state = QLabel("")
        self.state.setObjectName("teamState")
        self.state.setTextFormat(Qt.TextFormat.PlainText)
        # A fixed width: a line that grows and shrinks would lay the window out again at
        # every change of the scan's progress beside it. The full text is its tooltip.
        self.state.setFixedWidth(self.state.fontMetrics().horizontalAdvance(
            "Team: synced 00:00 · 99,999 to send") + 8)
        self.progress = QProgressBar()
        self.progress.setObjectName("syncProgress")
        self.progress.setMaximumWidth(140)
        self.progress.hide()
        self.cancel_button = QPushButton("Cancel sync")
        self.cancel_button.setObjectName("cancelSync")
        self.cancel_button.hide()
        self.cancel_button.clicked.connect(self.cancel)
        for w in (self.state, self.progress, self.cancel_button):
            bar.addPermanentWidget(w)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.sync_quietly)
        self._build_dock()
        controller.opened.connect(self.show_release)
        controller.changed.connect(self._changed)
        if ws.readonly:  # the window that writes this data folder syncs it
            self.state.setText("Team: syncs from the other window")
            return
        self._show_state()
        self.apply_interval()

    def apply_interval(self) -> None:
        """Sync by itself every N minutes, as the settings say (0 or no server: never)."""
        minutes = self.settings.interval_minutes()
        if minutes and self.settings.server() and not self.ws.readonly:
            self.timer.start(minutes * 60_000)
        else:
            self.timer.stop()

    def show_settings(self) -> None:
        """File > Team settings…: stored once accepted, the interval applied at once."""
        s = self.settings
        dialog = TeamSettingsDialog(s.server(), s.interval_minutes(), s.share_texts(),
                                    self.window)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.choice is None:
            return
        choice = dialog.choice
        try:
            s.set_server(choice.server or "")
            s.set_interval(choice.minutes)
            s.set_share_texts(choice.share_texts)
        except StoreError as exc:
            self._show_state(str(exc))
            return
        self.apply_interval()
        self._show_state("Team settings saved.")

    def _build_dock(self) -> None:
        self.edits = QListWidget()
        self.edits.setObjectName("teamEdits")
        self.conflict_list = QListWidget()
        self.conflict_list.setObjectName("teamConflicts")
        for lst in (self.edits, self.conflict_list):
            lst.setWordWrap(True)
            lst.setMinimumWidth(280)
        box = QWidget()
        lay = QVBoxLayout(box)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(QLabel("Changed by others in this release"))
        lay.addWidget(self.edits, 2)
        lay.addWidget(QLabel("Conflicts (the newest value is shown until a lead decides)"))
        lay.addWidget(self.conflict_list, 1)
        self.keep_button = QPushButton("Keep the selected value for the team")
        self.keep_button.setObjectName("keepValue")
        self.keep_button.setEnabled(False)
        self.keep_button.clicked.connect(self.keep_selected)
        self.conflict_list.itemSelectionChanged.connect(self._enable_keep)
        lay.addWidget(self.keep_button)
        self.dock = QDockWidget("Team", self.window)
        self.dock.setObjectName("teamDock")
        self.dock.setWidget(box)
        self.window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        self.dock.hide()

    @property
    def running(self) -> bool:
        return self._task is not None

    # -- starting ------------------------------------------------------------------------
    def sync_now(self) -> None:
        """File > Sync with team: the first time, Team settings ask for the server."""
        url = self.settings.server()
        if url is None:
            self.show_settings()
            url = self.settings.server()
            if url is None:
                return
        self._start(url)

    def sync_quietly(self) -> None:
        """The periodic sync: never asks anything, skips when one is running."""
        url = self.settings.server()
        if url is not None and not self.running:
            self._start(url)

    def _start(self, url: str) -> None:
        if self.running or self.ws.readonly:
            return
        self._cancel = threading.Event()
        task = SyncTask(self.ws, url, self._cancel)
        task.signals.progress.connect(self._on_progress)
        task.signals.finished.connect(self._on_finished)
        task.signals.failed.connect(self._on_failed)
        self._task = task
        self.progress.setRange(0, 0)
        self.progress.show()
        self.cancel_button.show()
        self.state.setText("Team: syncing…")
        self.state.setToolTip(f"Syncing with {team.display(url)}")
        self.pool.start(task)

    def cancel(self) -> None:
        self._cancel.set()

    def stop(self) -> None:
        """The window is closing: no more syncs; the one running stops after its batch."""
        self.timer.stop()
        self._cancel.set()
        self.blockSignals(True)

    # -- progress and the end ------------------------------------------------------------
    def _on_progress(self, phase: str, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(min(done, max(total, 1)))
        verb = "Sending" if phase == "push" else "Receiving"
        self.state.setText(f"{verb} {done:,}" + (f"/{total:,}" if total else "") +
                           " changes…")

    def _end(self) -> None:
        self._task = None
        self.progress.hide()
        self.cancel_button.hide()

    def _on_failed(self, message: str) -> None:
        self._end()
        self._show_state(message)
        self.failed.emit(message)

    def _on_finished(self, report: team.SyncReport) -> None:
        self._end()
        self._refresh(report)
        self.marks.refresh()  # names the team knows people by may have changed too
        self._show_state(report.summary())
        self.finished.emit(report)
        if report.texts_received:
            self.filesReceived.emit()

    def apply_waiting(self, scan: ScanReport) -> None:
        """After a scan that added releases (a file copied in, one the team shared): the
        team's work kept for them applies, and the window shows it."""
        if not scan.added or self.ws.readonly or self.settings.server() is None:
            return
        try:
            report = team.apply_waiting(self.ws.store)
        except StoreError as exc:
            self._show_state(str(exc))
            return
        if report.doc_ids:
            self._refresh(report)
            self.marks.refresh()
            self._show_state()

    def _refresh(self, report: team.SyncReport) -> None:
        """Repaint what the team changed: the open release, the library list, and the
        releases to re-index so search agrees."""
        ids = tuple(sorted(report.doc_ids))
        session = self.controller.session
        open_id = session.doc_id if session is not None else None
        if open_id is not None and (open_id in report.doc_ids or report.library_wide):
            self.controller.notify(ReviewChange(
                open_id, corrections=True, lexicon=report.library_wide,
                aliases=report.library_wide, facts=True, notes=True, status=True,
                summary=True, reindex=ids))
        elif ids:
            self.controller.notify(ReviewChange(ids[0], status=True, reindex=ids))
        self.show_release(open_id)

    def _show_state(self, message: str = "") -> None:
        last = self.settings.last_sync()
        unsent = self.settings.unsent()
        parts = []
        if self.settings.server() is None:
            parts.append("Team: not set up")
        else:
            when = _dt.datetime.fromtimestamp(last).strftime("%H:%M") if last else "never"
            parts.append(f"Team: synced {when}")
            if unsent:
                parts.append(f"{unsent:,} to send")
        self.state.setText(" · ".join(parts))
        self.state.setToolTip(message or self.state.text())
        if message:
            self.controller.message.emit(message)

    def _changed(self, _change: ReviewChange) -> None:
        if not self.ws.readonly:
            self._show_state()  # "N to send"

    def _enable_keep(self) -> None:
        chosen = [i for i in self.conflict_list.selectedItems()
                  if i.data(Qt.ItemDataRole.UserRole)]
        self.keep_button.setEnabled(bool(chosen) and not self.ws.readonly)

    def keep_selected(self) -> None:
        """A lead decides a conflict: the selected value, sent at the next sync."""
        chosen = [i.data(Qt.ItemDataRole.UserRole) for i in self.conflict_list.selectedItems()]
        if not chosen or not chosen[0]:
            return
        try:
            team.resolve(self.ws.store, str(chosen[0]))
        except (team.SyncError, StoreError) as exc:
            self._show_state(str(exc))
            return
        session = self.controller.session
        if session is not None:
            self.controller.notify(ReviewChange(
                session.doc_id, corrections=True, facts=True, notes=True, status=True,
                summary=True, reindex=(session.doc_id,)))
        self._show_state("Decided; the team receives it at the next sync.")
        self.show_release(session.doc_id if session is not None else None)

    def show_release(self, doc_id: int | None) -> None:
        """The Team panel for the open release."""
        if self.ws.readonly:
            return
        self.edits.clear()
        if doc_id is not None:
            for edit in self.settings.edits_by_others(doc_id):
                self.edits.addItem(edit.describe())
        self.conflict_list.clear()
        for c in team.conflicts(self.ws.store):
            header = QListWidgetItem(c.describe())
            header.setFlags(Qt.ItemFlag.ItemIsEnabled)  # a heading, not a choice
            self.conflict_list.addItem(header)
            for head, line in zip(c.heads, c.options(), strict=True):
                item = QListWidgetItem("    " + line)
                item.setData(Qt.ItemDataRole.UserRole, head.uuid)
                self.conflict_list.addItem(item)
        self.keep_button.setVisible(self.settings.is_lead())
        self._enable_keep()
        if self.edits.count() or self.conflict_list.count():
            self.dock.show()
