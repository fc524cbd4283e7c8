"""The review workspace window: library, text and entity panes, menus, docks, settings.

The window lays the parts out and wires them; each job lives in its own module:
`controller` (the open release and every change, with the undo stack), `presenter` (the
release on screen), `edits` (what keys and menu commands mean), `library_sync` (scans,
the file watcher), `export_flow` (memos), `status_bar`, `docks`, `window_layout` (the
geometry kept between sessions), `shutdown` (closing off the GUI thread), and `actions`
(the table the menus, keys and shortcut sheet are built from).
"""
from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QShowEvent
from PySide6.QtWidgets import QComboBox, QLabel, QMainWindow, QMenu, QSplitter

from reviewer.core.model import LABELS
from reviewer.core.review.session import DocumentSession
from reviewer.core.review.view import DocumentView
from reviewer.core.review.workspace import Workspace
from reviewer.core.store import STATUSES
from reviewer.ui import actions as action_table
from reviewer.ui.controller import ReviewController
from reviewer.ui.docks import WindowDocks
from reviewer.ui.document_view import DocumentPane
from reviewer.ui.edits import EditActions
from reviewer.ui.entity_pane import EntityPane
from reviewer.ui.export_flow import ExportFlow
from reviewer.ui.failures import FailureReporter
from reviewer.ui.keymap import Keymap
from reviewer.ui.library_entities import LibraryEntities, LibraryEntitiesPane
from reviewer.ui.library_pane import LibraryPane
from reviewer.ui.library_sync import LibrarySync
from reviewer.ui.presenter import ReleasePresenter
from reviewer.ui.reattach import ReattachFlow
from reviewer.ui.settings import Settings
from reviewer.ui.shortcuts import ShortcutSheet
from reviewer.ui.shutdown import shut_down_in_background
from reviewer.ui.status_bar import StatusBar
from reviewer.ui.teacher import Teacher
from reviewer.ui.team_sync import TeamSync
from reviewer.ui.window_layout import restore_layout, save_layout
from reviewer.ui.workers import WarmUpTask, worker_pool

log = logging.getLogger(__name__)

AFTER_SHOW_MS = 50  # the first paint goes before the library's counts, facets and scan
DATA_FOLDER_CHECK_MS = 2000  # how often the window checks that its data folder is there


class MainWindow(QMainWindow):
    scanFinished = Signal(object)  # ScanReport: the text pass
    entitiesFinished = Signal(object)  # EntityReport: the entity pass after it
    documentShown = Signal(int)
    warmedUp = Signal(float)  # seconds the background warm-up took
    closed = Signal()  # the shutdown after closing is done: the workspace is closed

    def __init__(self, ws: Workspace, *, owns_workspace: bool = True,
                 start_scan: bool = True, scan_workers: int | None = None) -> None:
        super().__init__()
        self.ws = ws
        self.owns_workspace = owns_workspace
        self.settings = Settings(ws.data_dir)
        self.shutdown_done = threading.Event()  # set once the workspace is closed
        self._closing = False
        #: Why nothing can be saved any more (the data folder went away), once known.
        self.data_folder_gone: str | None = None
        self.setAcceptDrops(True)
        self.setWindowTitle("Reviewer" + self._read_only_suffix())
        self.load_pool = worker_pool()  # the extractor's warm-up, then each release opened
        self._warm_task: WarmUpTask | None = None
        self.controller = ReviewController(ws, self.load_pool, self)
        self.undo_stack = self.controller.undo_stack
        self.failures = FailureReporter(self)
        self.data_folder_timer = QTimer(self, interval=DATA_FOLDER_CHECK_MS)
        self.data_folder_timer.timeout.connect(self.check_data_folder)

        self.keymap = Keymap(self.settings, self)
        self.library_pane = LibraryPane(ws.searcher)
        self.doc_pane = DocumentPane()
        self.doc_pane.setObjectName("documentText")
        self.doc_pane.keymap = self.keymap
        self.entity_pane = EntityPane(keymap=self.keymap)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        for w in (self.library_pane, self.doc_pane, self.entity_pane):
            self.splitter.addWidget(w)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([420, 620, 360])  # the library wide enough for its titles
        self.setCentralWidget(self.splitter)
        self.status_bar = StatusBar(self.statusBar())
        self.status_combo = QComboBox()
        self.status_combo.setObjectName("statusCombo")
        self.status_combo.addItems(list(STATUSES))

        self.presenter = ReleasePresenter(
            ws, self.settings, self.controller,
            (self.library_pane, self.doc_pane, self.entity_pane), self.status_bar,
            self.status_combo, self)
        self.sync = LibrarySync(ws, self.settings, self.controller, self.library_pane,
                                self.status_bar, self, scan_workers)
        self.scans = self.sync.scans
        self.exporter = ExportFlow(ws, self.settings, self.controller, self.library_pane,
                                   self.status_bar, self)
        self.exports = self.exporter.exports
        self.review_pool = worker_pool()  # finding moved releases, library entities
        self.reattach = ReattachFlow(ws, self.controller, self.library_pane, self.status_bar,
                                     self, self.review_pool)
        self.entities_pane = LibraryEntitiesPane()
        self.library_entities = LibraryEntities(ws, self.controller, self.library_pane,
                                                self.status_bar, self.entities_pane,
                                                self.review_pool, self)
        self.edits = EditActions(self.controller, self.presenter, self.status_bar, self,
                                 self.settings, self.keymap)
        self.edits.library_entities = self.library_entities
        self.teacher = Teacher(ws, self.controller, self.scans, self.status_bar,
                               self.statusBar(), self.settings, self)
        self.team = TeamSync(ws, self.controller, self.statusBar(), self, self.presenter)
        self._build_actions()
        self._build_docks()
        self._wire()

        self._restore_settings()
        # Before the window shows: only the release list (one store query). Entity counts,
        # the library's facets, the file watcher and the first scan follow once it is up.
        self._start_scan = start_scan and not ws.readonly
        self._after_show_done = False
        self.after_show_timer = QTimer(self, singleShot=True, interval=AFTER_SHOW_MS)
        self.after_show_timer.timeout.connect(self._after_show)
        self.sync.fill_library(counts=False)
        action_table.set_read_only(self.window_actions, ws.readonly)
        if not ws.readonly:
            self.data_folder_timer.start()
        if not self._start_scan:
            self.sync.open_initial()

    def _read_only_suffix(self) -> str:
        if self.data_folder_gone:
            return " (data folder gone: nothing is saved)"
        return " (read-only)" if self.ws.readonly else ""

    def _not_saved(self, message: str, details: str, kind: str) -> None:
        if kind == "vanished":
            self.check_data_folder()
            if self.data_folder_gone:
                return  # the dialog says it all
        self.failures.not_saved(message, details, kind)
        if self.view is not None:  # the combo shows what is stored, not what was asked
            self.status_combo.setCurrentText(self.view.status)

    def check_data_folder(self) -> None:
        """Stop saving, with a message, once the data folder is deleted or moved: SQLite
        would otherwise go on "saving" into a deleted file."""
        if self.data_folder_gone or self._closing:
            return
        gone = self.ws.check_data_folder()
        if gone is None:
            return
        self.data_folder_gone = gone
        self.data_folder_timer.stop()
        log.error("data folder gone: %s", gone)
        action_table.set_read_only(self.window_actions, True)
        self.sync.stop()
        self.setWindowTitle(self.windowTitle().split(" (")[0] + self._read_only_suffix())
        self.failures.error(
            "Data folder gone",
            gone.replace("this change was not saved. ", "") + "\n\nThe window stays open "
            "so you can read and copy what is on screen; changes are not accepted.")

    # -- construction --------------------------------------------------------------------
    def _build_actions(self) -> None:
        undo = self.undo_stack.createUndoAction(self, "Undo")
        redo = self.undo_stack.createRedoAction(self, "Redo")
        self.window_actions, self.menus, toolbar = action_table.build(self, undo, redo,
                                                                      self.keymap)
        self.toolbar = toolbar
        #: Every command's action by its id in the action table.
        self.actions_by_id = {s.id: self.window_actions[s.id] for s in action_table.ACTIONS
                              if not s.submenu}
        self.label_actions = {lab: self.window_actions[f"show_{lab}"] for lab in LABELS}
        self.retype_actions = {lab: self.window_actions[f"retype_{lab}"] for lab in LABELS}
        for lab, a in self.label_actions.items():
            a.blockSignals(True)  # the initial state, not a change to remember
            a.setChecked(lab in self.presenter.visible_labels)
            a.blockSignals(False)
        self.history_menu = self.menus["history"]
        before = self.window_actions["next_unreviewed"]
        toolbar.insertWidget(before, QLabel(" Status: "))
        toolbar.insertWidget(before, self.status_combo)
        self.exporter.action = self.window_actions["export"]

    def _build_docks(self) -> None:
        self.error_model = self.sync.error_model
        self.docks = WindowDocks(self, self.error_model, self.undo_stack, self.entities_pane,
                                 self.library_entities, self.menus["&View"], self.team.dock)
        self.entities_dock = self.docks.entities

    def _wire(self) -> None:
        self.controller.message.connect(self.status_bar.show_message)
        self.controller.failed.connect(self._not_saved)
        self.presenter.shown.connect(self.documentShown)
        self.presenter.titleChanged.connect(
            lambda t: self.setWindowTitle(f"{t} — Reviewer{self._read_only_suffix()}"))
        self.sync.scanFinished.connect(self.scanFinished)
        self.sync.entitiesFinished.connect(self.entitiesFinished)
        self.sync.scanFinished.connect(lambda _r: self.reattach.check())
        self.sync.scanFinished.connect(lambda _r: self.library_entities.library_changed())
        self.sync.errorsFound.connect(self.docks.errors.show)
        # Releases the team shared land in a library folder: scan it, then apply the
        # team's work that waited for them.
        self.team.filesReceived.connect(self.sync.refresh_library)
        self.team.filesReceived.connect(self.scans.request)
        self.sync.scanFinished.connect(self.team.apply_waiting)
        self.library_pane.documentActivated.connect(self.open_document)
        self.library_pane.runner.crashed.connect(
            lambda message, details: self.failures.error("Unexpected error", message, details))
        self.status_combo.activated.connect(
            lambda i: self.edits.set_status(self.status_combo.itemText(i)))
        self.doc_pane.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.doc_pane.customContextMenuRequested.connect(self._context_menu)

    def show_library_entities(self) -> None:
        """View > Entities across releases: the dock, its filter focused."""
        self.entities_dock.show()
        self.entities_pane.filter.setFocus()

    # -- the open release ----------------------------------------------------------------
    @property
    def session(self) -> DocumentSession | None:
        return self.controller.session

    @property
    def view(self) -> DocumentView | None:
        return self.controller.view

    def open_document(self, doc_id: int) -> None:
        """Show a release; it loads on a worker and `documentShown` says when it is up."""
        self.controller.open(doc_id)

    def _context_menu(self, pos: QPoint) -> None:
        menu = self.doc_pane.createStandardContextMenu()
        menu.addSeparator()
        sub = menu.addMenu("Label as")
        for label in LABELS:
            sub.addAction(self.retype_actions[label])
        for k in ("reject", "grow_end", "shrink_end", "label_all_doc", "label_all_library",
                  "note"):
            menu.addAction(self.window_actions[k])
        menu.exec(self.doc_pane.viewport().mapToGlobal(pos))

    def fill_history_menu(self, menu: QMenu) -> None:
        menu.clear()
        st = self.undo_stack
        for index, text in enumerate(["<start>"] + [st.text(i) for i in range(st.count())]):
            a = menu.addAction(text)
            a.setCheckable(True)
            a.setChecked(st.index() == index)
            a.triggered.connect(lambda _c=False, index=index: st.setIndex(index))

    def show_shortcuts(self) -> ShortcutSheet:
        sheet = ShortcutSheet(self.keymap, self)
        sheet.show()
        self._sheet = sheet
        return sheet

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        for url in event.mimeData().urls():
            if url.isLocalFile():
                self.sync.add_folder(url.toLocalFile())
        event.acceptProposedAction()

    # -- start-up ------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._after_show_done:
            self.after_show_timer.start()
        if self._warm_task is None:
            # Once the window is up (not before: the GIL would slow its first paint),
            # load extraction resources on a worker so a first open does not pay for them.
            self._warm_task = WarmUpTask(self.ws.searcher)
            self._warm_task.signals.finished.connect(self.warmedUp)
            QTimer.singleShot(0, self._start_warm_up)

    def _start_warm_up(self) -> None:
        if not self._closing and self._warm_task is not None:
            self.load_pool.start(self._warm_task)

    def _after_show(self) -> None:
        """Once the window is painted: the first scan on its worker (its end fills the
        counts and facets), or, without a scan, the counts, facets and watcher now."""
        if self._closing or self._after_show_done:
            return
        self._after_show_done = True
        if self._start_scan:
            self.scans.request()
        else:
            self.sync.refresh_library()
            self.reattach.check()

    def settled(self) -> bool:
        """True once the start-up work after the first paint is done: the library's
        counts and facets, the watched paths, the extractor warm-up, any scan, any
        release being loaded."""
        return (self._after_show_done and not self.scans.running
                and not self.sync.watch_queue and not self.controller.loading
                and self.load_pool.activeThreadCount() == 0
                and self.library_pane.facet_pool.activeThreadCount() == 0
                and not self.reattach.running and not self.library_entities.running
                and not self.after_show_timer.isActive())

    # -- settings ------------------------------------------------------------------------
    def _splitters(self) -> list[tuple[str, QSplitter]]:
        return [("window/splitter", self.splitter),
                ("window/library_splitter", self.library_pane.splitter),
                ("window/entity_splitter", self.entity_pane.splitter)]

    def _restore_settings(self) -> None:
        restore_layout(self, self.settings, self._splitters())

    def save_settings(self) -> None:
        save_layout(self, self.settings, self._splitters())
        self.settings.set_visible_labels(self.presenter.visible_labels)
        self.settings.sync()

    # -- closing -------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        """The window goes at once; re-indexing what corrections left pending, waiting
        for the workers and closing the workspace happen on a thread, then `closed`."""
        if self.shutdown_done.is_set():
            super().closeEvent(event)
            return
        event.ignore()
        if self._closing:
            return
        self._closing = True
        self.save_settings()
        for part in (self.controller, self.presenter, self.sync, self.exporter, self.reattach,
                     self.library_entities, self.teacher, self.team):
            part.stop()
        self.after_show_timer.stop()
        self.data_folder_timer.stop()
        self.hide()
        reindex = self.sync.take_pending_reindex()
        pools = [self.scans.pool, self.exports.pool, self.load_pool,
                 self.library_pane.facet_pool, self.review_pool, self.teacher.pool,
                 self.teacher.curve_pool, self.presenter.hits_pool, self.team.pool]
        shut_down_in_background(self.ws if self.owns_workspace else None, self.ws.library,
                                reindex, pools, self._shut_down, self.shutdown_done)

    def _shut_down(self) -> None:
        self.closed.emit()
        self.close()  # now accepted
