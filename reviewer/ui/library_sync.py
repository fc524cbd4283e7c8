"""Keeping the library pane in step with the folders: scans on a worker, the file
watcher, re-indexing after corrections, added folders, and the scan errors list."""
from __future__ import annotations

import logging
import os
import time
from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QWidget

from reviewer.core.controls import reveal
from reviewer.core.review.workspace import Workspace
from reviewer.core.search import EntityReport, ScanReport
from reviewer.ui.changes import ReviewChange
from reviewer.ui.controller import ReviewController
from reviewer.ui.item_models import plain_tooltip
from reviewer.ui.library_pane import LibraryPane
from reviewer.ui.settings import Settings
from reviewer.ui.status_bar import StatusBar
from reviewer.ui.workers import ScanController

log = logging.getLogger(__name__)

REINDEX_DELAY_MS = 600
FACETS_EVERY_S = 10.0  # the library's facets follow the entity pass this often
WATCH_DELAY_MS = 800
MAX_WATCHED_FILES = 4000  # inotify watches are a limited per-user resource
WATCH_BATCH = 400  # paths added to the file watcher per event-loop turn


class LibrarySync(QObject):
    scanFinished = Signal(object)  # ScanReport, once the library pane shows it
    entitiesFinished = Signal(object)  # EntityReport, once the library pane shows it
    errorsFound = Signal()

    def __init__(self, ws: Workspace, settings: Settings, controller: ReviewController,
                 library_pane: LibraryPane, status: StatusBar, window: QWidget,
                 scan_workers: int | None = None) -> None:
        super().__init__(window)
        self.ws, self.settings, self.controller = ws, settings, controller
        self.library_pane, self.status, self.window = library_pane, status, window
        self.scans = ScanController(ws.library, self, workers=scan_workers,
                                    counts=ws.entity_counts)
        self.error_model = QStandardItemModel(0, 2, self)
        self.error_model.setHorizontalHeaderLabels(["File", "Reason"])
        self.reindex_ids: set[int] = set()
        self.reindex_timer = QTimer(self, singleShot=True, interval=REINDEX_DELAY_MS)
        self.reindex_timer.timeout.connect(self._flush_reindex)
        self.watcher = QFileSystemWatcher(self)
        self.watch_timer = QTimer(self, singleShot=True, interval=WATCH_DELAY_MS)
        self.watch_timer.timeout.connect(lambda: self.scans.request())
        self.watcher.directoryChanged.connect(lambda _p: self.watch_timer.start())
        self.watcher.fileChanged.connect(lambda _p: self.watch_timer.start())
        self.watch_queue: list[str] = []
        self.watch_batch_timer = QTimer(self, singleShot=True, interval=0)
        self.watch_batch_timer.timeout.connect(self._watch_next_batch)
        self.scans.started.connect(status.scan_started)
        self.scans.progress.connect(status.scan_progress)
        self.scans.finished.connect(self._scan_finished)
        self.scans.failed.connect(lambda msg: status.show_message(f"Scan failed: {msg}"))
        self.scans.entitiesStarted.connect(status.entities_started)
        self.scans.entitiesProgress.connect(self._entities_progress)
        self.scans.entitiesFinished.connect(self._entities_finished)
        self._facets_at = 0.0  # when the entity pass last refreshed the library's facets
        status.cancel_button.clicked.connect(self.scans.cancel)
        controller.changed.connect(self._review_changed)

    # -- the library pane ----------------------------------------------------------------
    def refresh_library(self) -> None:
        """The library tree with entity counts, the library's facets, the watched paths."""
        self.fill_library(counts=True)
        self.library_pane.run_query()
        self._watch_folders()

    def fill_library(self, *, counts: bool) -> None:
        """The library tree from the store; `counts` False keeps the counts known so far
        (none at start-up: reading them from the index takes a while at 25,000 releases)."""
        model = self.library_pane.library_model
        known = model.counts()
        read = self.scans.take_counts() if counts else None  # read on the scan thread
        if read is not None:
            known = read
        elif counts:
            try:
                known = self.ws.entity_counts()
            except Exception:  # noqa: BLE001 - Whoosh raises many kinds on a rebuilt index
                log.warning("entity counts unavailable", exc_info=True)
                known = {}
        selection = self.library_pane.tree_selection()
        model.set_library(self.ws.store.folders(), self.ws.store.documents(), known)
        self._expand_library()
        self.library_pane.restore_tree_selection(selection)
        lp = self.library_pane
        if not lp.query():
            n = len(model.documents())
            lp.count_label.setText(f"{n} release{'s' if n != 1 else ''} in the library")

    def _expand_library(self) -> None:
        # Two levels: expanding the folders is expandAll without visiting every release.
        tree, model = self.library_pane.tree, self.library_pane.library_model
        for row in range(model.rowCount()):
            tree.expand(model.index(row, 0))
        # The status column fits its longest value (measuring every row's size hint
        # would visit all releases).
        fm = tree.fontMetrics()
        texts = ["in progress", "unreviewed", "reviewed", "error",
                 model.headerData(1, Qt.Orientation.Horizontal) or ""]
        texts += [str(model.index(r, 1).data() or "") for r in range(model.rowCount())]
        tree.header().resizeSection(1, max(fm.horizontalAdvance(t) for t in texts) + 24)

    def _review_changed(self, change: ReviewChange) -> None:
        if change.library_list:
            self.fill_library(counts=False)
        if change.status:
            self.library_pane.refresh_counts()  # the status facet, a status: query
        if change.reindex:
            self.reindex_ids.update(change.reindex)
            self.reindex_timer.start()

    def _flush_reindex(self) -> None:
        if self.reindex_ids and not self.ws.readonly:
            ids, self.reindex_ids = sorted(self.reindex_ids), set()
            self.scans.request(only=ids)

    def take_pending_reindex(self) -> list[int]:
        """Releases still waiting to be re-indexed after corrections (at shutdown)."""
        ids, self.reindex_ids = sorted(self.reindex_ids), set()
        return [] if self.ws.readonly else ids

    def stop(self) -> None:
        """The window is closing: no more scans, nor the end of the one cancelled."""
        self.watcher.blockSignals(True)  # a file changing now must not start a scan
        for timer in (self.reindex_timer, self.watch_timer, self.watch_batch_timer,
                      self.library_pane.timer):
            timer.stop()
        self.library_pane.runner.cancel()
        self.scans.cancel()
        self.scans.blockSignals(True)

    # -- folders -------------------------------------------------------------------------
    def choose_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self.window, "Add a folder of releases")
        if path:
            self.add_folder(path)

    def add_folder(self, path: str) -> None:
        if self.ws.readonly:
            QMessageBox.information(self.window, "Read-only", "Another Reviewer holds this "
                                    "data folder; folders cannot be added here.")
            return
        try:
            self.ws.library.add_paths([path])
        except FileNotFoundError as exc:
            self.status.show_message(str(exc))
            return
        self.settings.add_recent_folder(str(Path(path).resolve()))
        self.scans.request()

    def fill_recent_menu(self, menu: QMenu) -> None:
        menu.clear()
        for path in self.settings.recent_folders():
            action = menu.addAction(path)
            action.triggered.connect(lambda _c=False, p=path: self.add_folder(p))

    def reextract_library(self) -> None:
        self.scans.request(force=True)

    # -- watching the folders ------------------------------------------------------------
    def _watch_folders(self) -> None:
        have = set(self.watcher.directories()) | set(self.watcher.files())
        want = [f for f in self.ws.store.folders() if Path(f).is_dir()]
        docs = self.library_pane.library_model.documents()
        want += sorted({os.path.dirname(d.path) for d in docs})
        want += [d.path for d in docs[:MAX_WATCHED_FILES]]
        queued = set(self.watch_queue)
        self.watch_queue += [p for p in dict.fromkeys(want) if p not in have and p not in queued]
        if self.watch_queue:
            self.watch_batch_timer.start()

    def _watch_next_batch(self) -> None:
        """Add queued paths to the watcher a few hundred per event-loop turn (thousands at
        once would hold the window for most of a second)."""
        batch, self.watch_queue = self.watch_queue[:WATCH_BATCH], self.watch_queue[WATCH_BATCH:]
        new = [p for p in batch if Path(p).exists()]
        if new:
            self.watcher.addPaths(new)
        if self.watch_queue:
            self.watch_batch_timer.start()

    # -- scans ---------------------------------------------------------------------------
    def _scan_finished(self, report: ScanReport) -> None:
        self.status.scan_finished(report.summary(), more_to_come=self.scans.running)
        self.error_model.removeRows(0, self.error_model.rowCount())
        for path, reason in report.failed:
            item = QStandardItem(reveal(f"{Path(path).name}: {reason}"))
            item.setToolTip(plain_tooltip(reveal(path)))
            item.setEditable(False)
            self.error_model.appendRow(item)
        if report.failed:
            self.errorsFound.emit()
        self.refresh_library()
        if report.updated or report.moved:
            # The open file may have changed on disk: reload it, keeping review state.
            self.controller.reload_if_changed()
        self.open_initial()
        self.scanFinished.emit(report)

    # -- the entity pass ----------------------------------------------------------------
    def _entities_progress(self, done: int, total: int, rate: float, left: float) -> None:
        self.status.entities_progress(done, total, rate, left)
        # Search and the facets grow as entities arrive: the library's facets (counted on
        # a worker) are refreshed now and then while no query is shown.
        now = time.monotonic()
        if now - self._facets_at >= FACETS_EVERY_S and not self.library_pane.query():
            self._facets_at = now
            self.library_pane.run_query()

    def _entities_finished(self, report: EntityReport) -> None:
        more = self.scans.running
        if report.cancelled and not more:
            done = f"{report.done:,} of {report.total:,}"
            text = (f"Entities of {done} releases filled in; cancelled (the next scan goes "
                    "on from there)")
        else:
            text = report.summary()
        self.status.scan_finished(text, more_to_come=more)
        if report.done:
            self.refresh_library()
        self.entitiesFinished.emit(report)

    def open_initial(self) -> None:
        """With no release open yet: the one open at the last exit, else the first."""
        if self.controller.session is not None or self.controller.loading:
            return
        docs = [d for d in self.ws.store.documents() if not d.error]
        last = self.settings.last_document()
        target = last if last in {d.id for d in docs} else (docs[0].id if docs else None)
        if target is not None:
            self.controller.open(target)
