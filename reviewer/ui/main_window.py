"""The review workspace window: library, text and entity panes, wired to core."""
from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QSize, Qt, QThreadPool, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QColor,
    QDesktopServices,
    QDragEnterEvent,
    QDropEvent,
    QIcon,
    QPainter,
    QPixmap,
    QShowEvent,
    QStandardItem,
    QStandardItemModel,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QFileDialog,
    QInputDialog,
    QLabel,
    QListView,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QUndoView,
)

from reviewer.core.export import default_author, generated_summary
from reviewer.core.model import LABELS, Entity
from reviewer.core.palette import LABEL_BASE_COLORS, LABEL_KEYS, LABEL_NAMES
from reviewer.core.review import operations as ops
from reviewer.core.review.view import DocumentView
from reviewer.core.review.workspace import Workspace
from reviewer.core.search import QueryError, ScanReport
from reviewer.core.store import STATUSES, Note
from reviewer.ui import commands as cmd
from reviewer.ui import export_dialog
from reviewer.ui.document_view import DocumentPane
from reviewer.ui.entity_pane import EntityPane
from reviewer.ui.library_pane import LibraryPane
from reviewer.ui.settings import Settings
from reviewer.ui.shortcuts import SHORTCUTS, ShortcutSheet, sequences
from reviewer.ui.workers import ExportController, ExportJob, ScanController, WarmUpTask

REINDEX_DELAY_MS = 600
WATCH_DELAY_MS = 800
MAX_WATCHED_FILES = 4000  # inotify watches are a limited per-user resource
WATCH_BATCH = 400  # paths added to the file watcher per event-loop turn
AFTER_SHOW_MS = 50  # the first paint goes before the library's counts, facets and scan


def label_icon(label: str) -> QIcon:
    pm = QPixmap(16, 16)
    pm.fill(QColor(LABEL_BASE_COLORS[label]))
    p = QPainter(pm)
    c = QColor(LABEL_BASE_COLORS[label])
    p.setPen(QColor("white" if c.lightness() < 140 else "black"))
    p.drawText(pm.rect(), Qt.AlignmentFlag.AlignCenter, LABEL_KEYS[label])
    p.end()
    return QIcon(pm)


class MainWindow(QMainWindow):
    scanFinished = Signal(object)  # ScanReport
    documentShown = Signal(int)
    warmedUp = Signal(float)  # seconds the background warm-up took

    def __init__(self, ws: Workspace, *, owns_workspace: bool = True,
                 start_scan: bool = True, scan_workers: int | None = None) -> None:
        super().__init__()
        self.ws = ws
        self.owns_workspace = owns_workspace
        self.settings = Settings(ws.data_dir)
        self.undo_stack = QUndoStack(self)
        self.session: ops.DocumentSession | None = None
        self.view: DocumentView | None = None
        self.visible_labels = self.settings.visible_labels()
        self.query = ""
        self._mention_index = -1
        self._clicked: Entity | None = None
        self._closed = False
        self.actions_by_id: dict[str, QAction] = {}

        self.setWindowTitle("Reviewer" + (" (read-only)" if ws.readonly else ""))
        self.setAcceptDrops(True)
        self.scans = ScanController(ws.library, self, workers=scan_workers)
        self.exports = ExportController(ws, self)
        self.warm_pool = QThreadPool(self)
        self.warm_pool.setMaxThreadCount(1)
        self._warm_task: WarmUpTask | None = None
        self.last_export: str | None = None
        self._build_panes()
        self._build_actions()
        self._build_menus()
        self._build_status()
        self._build_docks()
        self._wire()

        self._groups: dict[str, list[ops.EntityGroup]] = {}
        self._proposal_key: tuple | None = None
        self._proposals: list[tuple[str, str, str]] = []
        self._hits_cache: tuple[tuple, list[tuple[int, int]]] | None = None
        self._pane_pending = False
        self.deferred_timer = QTimer(self, singleShot=True, interval=0)
        self.deferred_timer.timeout.connect(self._refresh_deferred)
        self.reindex_ids: set[int] = set()
        self.reindex_timer = QTimer(self, singleShot=True, interval=REINDEX_DELAY_MS)
        self.reindex_timer.timeout.connect(self._flush_reindex)
        self.watcher = QFileSystemWatcher(self)
        self.watch_timer = QTimer(self, singleShot=True, interval=WATCH_DELAY_MS)
        self.watch_timer.timeout.connect(lambda: self.scans.request())
        self.watcher.directoryChanged.connect(lambda _p: self.watch_timer.start())
        self.watcher.fileChanged.connect(lambda _p: self.watch_timer.start())

        self._restore_settings()
        # Before the window shows: only the release list (one store query). Entity counts,
        # the library's facets, the file watcher and the first scan follow once it is up.
        self._watch_queue: list[str] = []
        self.watch_batch_timer = QTimer(self, singleShot=True, interval=0)
        self.watch_batch_timer.timeout.connect(self._watch_next_batch)
        self._start_scan = start_scan and not ws.readonly
        self._after_show_done = False
        self.after_show_timer = QTimer(self, singleShot=True, interval=AFTER_SHOW_MS)
        self.after_show_timer.timeout.connect(self._after_show)
        self.fill_library(counts=False)
        self._update_enabled()
        if not self._start_scan:
            self._open_initial()

    # -- construction ----------------------------------------------------------------
    def _build_panes(self) -> None:
        self.library_pane = LibraryPane(self.ws.searcher)
        self.doc_pane = DocumentPane()
        self.doc_pane.setObjectName("documentText")
        self.doc_pane.set_visible_labels(self.visible_labels)
        self.entity_pane = EntityPane()
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        for w in (self.library_pane, self.doc_pane, self.entity_pane):
            self.splitter.addWidget(w)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([340, 680, 380])
        self.setCentralWidget(self.splitter)

    def _act(self, key: str, slot, text: str | None = None) -> QAction:
        desc = SHORTCUTS[key][0] if key in SHORTCUTS else key
        a = QAction(text or desc, self)
        if key in SHORTCUTS:
            a.setShortcuts(sequences(key))
        a.triggered.connect(lambda _checked=False: slot())
        self.addAction(a)
        self.actions_by_id[key] = a
        return a

    def _build_actions(self) -> None:
        A = self._act
        A("add_folder", self.choose_folder, "Add folder…")
        A("export", self.export_memo, "Export memo…")
        A("find", self._focus_search, "Search")
        A("next_mention", lambda: self.step_mention(+1), "Next mention")
        A("prev_mention", lambda: self.step_mention(-1), "Previous mention")
        A("grow_end", lambda: self.resize_entity(ops.grow_end), "Grow end by a word")
        A("shrink_end", lambda: self.resize_entity(ops.shrink_end), "Shrink end by a word")
        A("grow_start", lambda: self.resize_entity(ops.grow_start), "Grow start by a word")
        A("shrink_start", lambda: self.resize_entity(ops.shrink_start), "Shrink start by a word")
        A("label_all_doc", lambda: self.label_all("doc"), "Label all in this release")
        A("label_all_library", lambda: self.label_all("library"), "Label all in the library")
        A("merge", self.merge_selected, "Merge selected entities")
        A("split", self.split_selected, "Split aliases")
        A("note", self.add_note, "Add note…")
        A("edit_note", self.edit_note, "Edit note…")
        A("delete_note", self.delete_note, "Delete note")
        for status in STATUSES:
            key = "status_" + status.replace(" ", "_")
            A(key, lambda s=status: self.set_status(s), f"Mark {status}")
        A("next_unreviewed", self.open_next_unreviewed, "Next unreviewed")
        A("shortcuts", self.show_shortcuts, "Keyboard shortcuts…")
        A("quit", self.close, "Quit")
        self.reextract_action = QAction("Re-extract the whole library", self)
        self.reextract_action.triggered.connect(lambda: self.scans.request(force=True))
        self.errors_action = QAction("Scan errors…", self)

        undo = self.undo_stack.createUndoAction(self, "Undo")
        undo.setShortcuts(sequences("undo"))
        redo = self.undo_stack.createRedoAction(self, "Redo")
        redo.setShortcuts(sequences("redo"))
        self.addAction(undo)
        self.addAction(redo)
        self.actions_by_id["undo"], self.actions_by_id["redo"] = undo, redo

        self.label_actions: dict[str, QAction] = {}
        self.retype_actions: dict[str, QAction] = {}
        for label in LABELS:
            t = QAction(label_icon(label), f"{LABEL_NAMES[label]} ({LABEL_KEYS[label]})", self)
            t.setCheckable(True)
            t.setChecked(label in self.visible_labels)
            t.setToolTip(f"Show or hide {LABEL_NAMES[label]} highlights")
            t.toggled.connect(lambda on, lab=label: self.set_label_visible(lab, on))
            self.label_actions[label] = t
            r = QAction(label_icon(label), f"Label as {LABEL_NAMES[label]}\t{LABEL_KEYS[label]}",
                        self)
            r.triggered.connect(lambda _c=False, lab=label: self.apply_label(lab))
            self.retype_actions[label] = r
        self.status_group = QActionGroup(self)

    def _build_menus(self) -> None:
        mb = self.menuBar()
        a = self.actions_by_id
        m = mb.addMenu("&File")
        m.addAction(a["add_folder"])
        self.recent_menu = m.addMenu("Recent folders")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        m.addAction(self.reextract_action)
        m.addSeparator()
        m.addAction(a["export"])
        m.addSeparator()
        m.addAction(a["quit"])
        m = mb.addMenu("&Edit")
        m.addAction(a["undo"])
        m.addAction(a["redo"])
        self.history_menu = m.addMenu("History")
        self.history_menu.aboutToShow.connect(self._fill_history)
        m.addSeparator()
        m.addAction(a["find"])
        m = mb.addMenu("&Entity")
        for label in LABELS:
            m.addAction(self.retype_actions[label])
        m.addSeparator()
        self.reject_action = m.addAction("Reject\tDel", self.reject)
        for k in ("grow_end", "shrink_end", "grow_start", "shrink_start", "label_all_doc",
                  "label_all_library", "merge", "split", "next_mention", "prev_mention"):
            m.addAction(a[k])
        m = mb.addMenu("&Review")
        for k in ("status_unreviewed", "status_in_progress", "status_reviewed",
                  "next_unreviewed"):
            m.addAction(a[k])
        m.addSeparator()
        for k in ("note", "edit_note", "delete_note"):
            m.addAction(a[k])
        m.addSeparator()
        for status, text in (("verified", "Verify fact\tV"), ("disputed", "Dispute fact\tX"),
                             ("unverified", "Unverify fact\tU")):
            m.addAction(text, lambda s=status: self.set_fact_status(s))
        m.addAction("Edit fact value…\tF2", self.edit_fact)
        self.view_menu = mb.addMenu("&View")
        for label in LABELS:
            self.view_menu.addAction(self.label_actions[label])
        m = mb.addMenu("&Help")
        m.addAction(a["shortcuts"])

        tb = self.addToolBar("Labels")
        tb.setObjectName("labelsToolbar")
        tb.setIconSize(QSize(16, 16))
        for label in LABELS:
            tb.addAction(self.label_actions[label])
        tb.addSeparator()
        self.status_combo = QComboBox()
        self.status_combo.setObjectName("statusCombo")
        self.status_combo.addItems(list(STATUSES))
        self.status_combo.activated.connect(
            lambda i: self.set_status(self.status_combo.itemText(i)))
        tb.addWidget(QLabel(" Status: "))
        tb.addWidget(self.status_combo)
        tb.addAction(a["next_unreviewed"])

    def _build_status(self) -> None:
        sb = self.statusBar()
        self.status_text = QLabel("")
        self.status_text.setTextFormat(Qt.TextFormat.PlainText)
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.hide()
        self.progress_text = QLabel("")
        self.progress_text.setTextFormat(Qt.TextFormat.PlainText)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("cancelScan")
        self.cancel_button.hide()
        self.cancel_button.clicked.connect(self.scans.cancel)
        self.export_progress = QProgressBar()
        self.export_progress.setObjectName("exportProgress")
        self.export_progress.setMaximumWidth(160)
        self.export_progress.setFormat("Export %p%")
        self.export_progress.hide()
        self.export_cancel = QPushButton("Cancel export")
        self.export_cancel.setObjectName("cancelExport")
        self.export_cancel.hide()
        self.export_cancel.clicked.connect(self.exports.cancel)
        self.open_folder_button = QPushButton("Open folder")
        self.open_folder_button.setObjectName("openExportFolder")
        self.open_folder_button.setToolTip("Open the folder of the exported memo")
        self.open_folder_button.hide()
        self.open_folder_button.clicked.connect(self.open_export_folder)
        sb.addWidget(self.status_text, 1)
        sb.addPermanentWidget(self.open_folder_button)
        sb.addPermanentWidget(self.export_progress)
        sb.addPermanentWidget(self.export_cancel)
        sb.addPermanentWidget(self.progress_text)
        sb.addPermanentWidget(self.progress)
        sb.addPermanentWidget(self.cancel_button)

    def _build_docks(self) -> None:
        self.error_model = QStandardItemModel(0, 2, self)
        self.error_model.setHorizontalHeaderLabels(["File", "Reason"])
        self.error_view = QListView()
        self.error_view.setObjectName("scanErrors")
        self.error_view.setModel(self.error_model)
        self.error_dock = QDockWidget("Scan errors", self)
        self.error_dock.setObjectName("errorDock")
        self.error_dock.setWidget(self.error_view)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.error_dock)
        self.error_dock.hide()
        self.history_view = QUndoView(self.undo_stack)
        self.history_dock = QDockWidget("History", self)
        self.history_dock.setObjectName("historyDock")
        self.history_dock.setWidget(self.history_view)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.history_dock)
        self.history_dock.hide()
        self.view_menu.addSeparator()
        self.view_menu.addAction(self.error_dock.toggleViewAction())
        self.view_menu.addAction(self.history_dock.toggleViewAction())

    def _wire(self) -> None:
        lp, dp, ep = self.library_pane, self.doc_pane, self.entity_pane
        lp.documentActivated.connect(self.open_document)
        lp.queryChanged.connect(self._query_changed)
        dp.labelRequested.connect(self.label_in_text)
        dp.rejectRequested.connect(self.reject_in_text)
        dp.entityClicked.connect(self._entity_clicked)
        dp.customContextMenuRequested.connect(self._context_menu)
        dp.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        ep.groupSelected.connect(self._group_selected)
        ep.tree.labelRequested.connect(self.retype_selected_groups)
        ep.tree.rejectRequested.connect(self.reject_selected_groups)
        ep.proposalConfirmed.connect(self.confirm_link)
        ep.facts.factKey.connect(self._fact_key)
        ep.facts.doubleClicked.connect(lambda _i: self.edit_fact())
        ep.notes.doubleClicked.connect(lambda _i: self.edit_note())
        ep.summary.saveRequested.connect(self.save_summary)
        ep.summary.revertRequested.connect(self.revert_summary)
        self.scans.started.connect(self._scan_started)
        self.scans.progress.connect(self._scan_progress)
        self.scans.finished.connect(self._scan_finished)
        self.scans.failed.connect(lambda msg: self.status_text.setText(f"Scan failed: {msg}"))
        self.exports.progress.connect(self._export_progress)
        self.exports.finished.connect(self._export_finished)
        self.exports.failed.connect(self._export_failed)
        self.exports.cancelled.connect(self._export_cancelled)
        self.undo_stack.cleanChanged.connect(lambda _c: None)

    # -- documents -------------------------------------------------------------------
    def refresh_library(self) -> None:
        """The library tree with entity counts, the library's facets, the watched paths."""
        self.fill_library(counts=True)
        self.library_pane.run_query()
        self._watch_folders()

    def fill_library(self, *, counts: bool) -> None:
        """The library tree from the store; `counts` False keeps the counts known so far
        (none at start-up: reading them from the index takes a while at 25,000 releases)."""
        model = self.library_pane.library_model
        known = model._counts
        if counts:
            try:
                known = self.ws.entity_counts()
            except Exception:  # noqa: BLE001 - an index being rebuilt just shows no counts
                known = {}
        model.set_library(self.ws.store.folders(), self.ws.store.documents(), known)
        self._expand_library()
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

    def _after_show(self) -> None:
        """Once the window is painted: the first scan on its worker (its end fills the
        counts and facets), or, without a scan, the counts, facets and watcher now."""
        if self._closed or self._after_show_done:
            return
        self._after_show_done = True
        if self._start_scan:
            self.scans.request()
        else:
            self.refresh_library()

    def _open_initial(self) -> None:
        if self.session is not None:
            return
        docs = [d for d in self.ws.store.documents() if not d.error]
        last = self.settings.last_document()
        target = last if last in {d.id for d in docs} else (docs[0].id if docs else None)
        if target is not None:
            self.open_document(target)

    def open_document(self, doc_id: int) -> None:
        if self.session is None or self.session.doc_id != doc_id:
            # An open racing the warm-up waits for it rather than sharing the GIL with it.
            self.warm_pool.waitForDone(10000)
            try:
                self.session = ops.DocumentSession(self.ws, doc_id)
            except Exception as exc:  # noqa: BLE001 - a vanished or unreadable file
                self.status_text.setText(f"Cannot open this release: {exc}")
                return
            self._mention_index = -1
            self.settings.set_value("library/last_document", doc_id)
        self.refresh_view(keep_position=False)
        idx = self.library_pane.library_model.index_of_doc(doc_id)
        if idx.isValid():
            self.library_pane.tree.setCurrentIndex(idx)
        self.documentShown.emit(doc_id)

    def refresh_view(self, keep_position: bool = True) -> None:
        if self.session is None:
            return
        view = self.session.view()
        self.view = view
        # Search hits are marked after the first paint of a newly opened release (they
        # take a while in a long one); a correction or a new query marks them at once.
        hits = self._hits_for(view, compute=keep_position)
        self.doc_pane.set_view(view, hits if hits is not None else [],
                               keep_position=keep_position)
        self._groups = ops.group_entities(view.entities)
        # A correction updates the entity pane at once; a newly opened release fills it
        # right after the text's first paint, with the summary and proposals.
        self._pane_pending = not keep_position
        if keep_position:
            self._fill_entity_pane()
        self.status_combo.setCurrentText(view.status)
        doc = view.document
        self.setWindowTitle(f"{doc.title or doc.name} — Reviewer"
                            + (" (read-only)" if self.ws.readonly else ""))
        n = len(view.entities)
        self.status_text.setText(f"{doc.name}: {n} entities, {len(view.facts)} facts, "
                                 f"{view.status}")
        # Alias proposals, the summary (and an opened release's search hits) follow once
        # the text is painted, so the text with its entities shows at once.
        self.deferred_timer.start()

    def _hits_for(self, view: DocumentView, *, compute: bool) -> list[tuple[int, int]] | None:
        """Search hits in the shown text, cached per query and text; None when not known
        yet and `compute` is False."""
        if not self.query:
            return []
        key = (self.query, view.document.doc_id, view.document.text)
        if self._hits_cache is not None and self._hits_cache[0] == key:
            return self._hits_cache[1]
        if not compute:
            return None
        try:
            hits = self.ws.searcher.highlights(self.query, view.document.text)
        except QueryError:
            hits = []
        self._hits_cache = (key, hits)
        return hits

    def _fill_entity_pane(self) -> None:
        view = self.view
        if view is None:
            return
        self._pane_pending = False
        self.entity_pane.set_content(self._groups, self.visible_labels, view.facts,
                                     view.fact_statuses, view.notes)

    def _refresh_deferred(self) -> None:
        self.deferred_timer.stop()
        if self._closed or self.session is None:
            return
        if self._pane_pending:
            self._fill_entity_pane()
        if self.view is not None:
            hits = self._hits_for(self.view, compute=True)
            if hits != self.doc_pane.hits:
                self.doc_pane.set_hits(hits or [])
        self.refresh_proposals()
        self.refresh_summary()

    def refresh_proposals(self) -> None:
        """Alias links the linker proposes among the open release's entities (cached on
        the entities' names and the stored aliases)."""
        all_groups = [g for gs in self._groups.values() for g in gs]
        aliases = self.ws.store.aliases()
        key = (tuple((g.label, g.canonical, tuple(m.text for m in g.mentions))
                     for g in all_groups),
               tuple((a.canonical, a.alias, a.label) for a in aliases))
        if key != self._proposal_key:
            self._proposals = ops.alias_proposals(self.ws, all_groups)
            self._proposal_key = key
        self.entity_pane.set_proposals(self._proposals)

    def refresh_summary(self, force: bool = False) -> None:
        """The reviewer's stored summary, else one generated from the current entities."""
        if self._closed:
            return
        if self.view is None or self.session is None:
            self.entity_pane.summary.set_summary(None, "", False)
            return
        doc_id = self.session.doc_id
        stored = self.ws.store.summary(doc_id)
        if stored and stored.strip():
            self.entity_pane.summary.set_summary(doc_id, stored, True, force=force)
        else:
            text = generated_summary(self.view.document, self.view.entities)
            self.entity_pane.summary.set_summary(doc_id, text, False, force=force)

    def changed(self, doc_id: int, *, reindex: list[int] | None = None,
                reextract: bool = False, library: bool = False,
                summary: bool = False) -> None:
        """Called by every undo command after it wrote the store."""
        if self.session is None or self.session.doc_id != doc_id:
            self.open_document(doc_id)  # undo on another release shows that release
        elif summary:
            self.refresh_summary(force=True)
            return
        elif reextract:
            self.session.reextract()
        self.refresh_view()
        if library:
            self.refresh_library_statuses()
        if reindex:
            self.reindex_ids.update(reindex)
            self.reindex_timer.start()

    def refresh_library_statuses(self) -> None:
        self.fill_library(counts=False)

    def _flush_reindex(self) -> None:
        if self.reindex_ids and not self.ws.readonly:
            ids, self.reindex_ids = sorted(self.reindex_ids), set()
            self.scans.request(only=ids)

    def _query_changed(self, q: str) -> None:
        self.query = q
        if self.session is not None:
            self.refresh_view()

    # -- entity corrections ----------------------------------------------------------
    def _push(self, command: cmd._Command) -> None:
        self.undo_stack.push(command)

    def _editable(self) -> bool:
        if self.ws.readonly:
            self.status_text.setText("Read-only: another Reviewer holds this data folder.")
            return False
        return self.session is not None and self.view is not None

    def apply_label(self, label: str) -> None:
        """From the menu: act on the entity list when it has focus, else on the text."""
        if self.entity_pane.tree.hasFocus():
            self.retype_selected_groups(label)
        else:
            self.label_in_text(label)

    def label_in_text(self, label: str) -> None:
        """A label key in the text: label the selection, or retype the entity there."""
        if not self._editable():
            return
        assert self.session is not None and self.view is not None
        doc = self.session.document
        span = self.doc_pane.selected_span()
        ent = self.doc_pane.entity_under_cursor()
        if span is not None and (ent is None or (ent.start, ent.end) != span):
            s, e = ops.snap_to_words(doc.text, *span)
            if s >= e:
                return
            c = ops.add_entity(self.ws, doc, s, e, label)
            self._push(cmd.CorrectionCommand(
                self, doc.doc_id, f"Label “{doc.text[s:e][:30]}” {LABEL_NAMES[label]}", [c]))
        elif ent is not None and ent.label != label:
            c = ops.retype_entity(self.ws, doc, ent, label)
            self._push(cmd.CorrectionCommand(
                self, doc.doc_id, f"Retype “{ent.text[:30]}” as {LABEL_NAMES[label]}", [c]))

    def reject(self) -> None:
        if self.entity_pane.tree.hasFocus():
            self.reject_selected_groups()
        else:
            self.reject_in_text()

    def reject_in_text(self) -> None:
        if not self._editable():
            return
        assert self.session is not None
        ent = self.doc_pane.entity_under_cursor()
        if ent is None:
            return
        c = ops.reject_entity(self.ws, self.session.document, ent)
        self._push(cmd.CorrectionCommand(self, self.session.doc_id,
                                         f"Reject “{ent.text[:30]}”", [c]))

    def retype_selected_groups(self, label: str) -> None:
        groups = self.entity_pane.selected_groups()
        if not groups or not self._editable():
            return
        assert self.session is not None
        doc = self.session.document
        cs = [ops.retype_entity(self.ws, doc, m, label) for g in groups for m in g.mentions
              if m.label != label]
        if cs:
            self._push(cmd.CorrectionCommand(
                self, doc.doc_id, f"Retype {groups[0].canonical[:30]} as {LABEL_NAMES[label]}",
                cs))

    def reject_selected_groups(self) -> None:
        groups = self.entity_pane.selected_groups()
        if not groups or not self._editable():
            return
        assert self.session is not None
        doc = self.session.document
        cs = [ops.reject_entity(self.ws, doc, m) for g in groups for m in g.mentions]
        self._push(cmd.CorrectionCommand(self, doc.doc_id,
                                         f"Reject {groups[0].canonical[:30]}", cs))

    def resize_entity(self, how) -> None:
        if not self._editable():
            return
        assert self.session is not None
        ent = self.doc_pane.entity_under_cursor()
        if ent is None:
            return
        doc = self.session.document
        s, e = how(doc.text, ent.start, ent.end)
        if (s, e) == (ent.start, ent.end):
            return
        c = ops.resize_entity(self.ws, doc, ent, s, e)
        self._push(cmd.CorrectionCommand(self, doc.doc_id,
                                         f"Resize “{ent.text[:30]}” to “{doc.text[s:e][:30]}”",
                                         [c]))
        self.doc_pane.select_span(s, e)

    def label_all(self, scope: str) -> None:
        if not self._editable():
            return
        assert self.session is not None and self.view is not None
        doc = self.session.document
        ent = self.doc_pane.entity_under_cursor()
        span = self.doc_pane.selected_span()
        if ent is not None and (span is None or span == (ent.start, ent.end)):
            needle, label = ent.text, ent.label
        elif span is not None:
            needle = doc.text[slice(*ops.snap_to_words(doc.text, *span))]
            names = [LABEL_NAMES[x] for x in LABELS]
            choice, ok = QInputDialog.getItem(self, "Label all", f"Label “{needle}” as:",
                                              names, 0, False)
            if not ok:
                return
            label = LABELS[names.index(choice)]
        else:
            return
        cs = ops.label_all(self.ws, doc, needle, label, self.view.entities, scope=scope)
        if not cs:
            self.status_text.setText(f"Every “{needle}” is already labelled.")
            return
        reindex = [doc.doc_id] if scope == "doc" else \
            sorted(set(ops.docs_mentioning(self.ws, needle)) | {doc.doc_id})
        where = "this release" if scope == "doc" else "the library"
        self._push(cmd.CorrectionCommand(self, doc.doc_id, f"Label all “{needle[:30]}” in {where}",
                                         cs, reindex=reindex))

    # -- aliases ---------------------------------------------------------------------
    def merge_selected(self) -> None:
        groups = self.entity_pane.selected_groups()
        if len(groups) < 2 or not self._editable():
            self.status_text.setText("Select two or more entities to merge.")
            return
        assert self.session is not None
        main = max(groups, key=lambda g: (len(g.canonical), len(g.mentions)))
        names = sorted({n for g in groups if g is not main for n in [g.canonical, *g.names]}
                       - {main.canonical})
        ids = ops.merge_aliases(self.ws, main.canonical, names, main.label)
        self._push(cmd.MergeAliasCommand(self, self.session.doc_id, main.canonical, names,
                                         main.label, ids))

    def confirm_link(self, canonical: str, alias: str, label: str) -> None:
        if not self._editable():
            return
        assert self.session is not None
        ids = ops.merge_aliases(self.ws, canonical, [alias], label)
        self._push(cmd.MergeAliasCommand(self, self.session.doc_id, canonical, [alias], label,
                                         ids))

    def split_selected(self) -> None:
        g = self.entity_pane.current_group()
        if g is None or not self._editable():
            return
        assert self.session is not None
        removed = ops.aliases_of(self.ws, g.canonical)
        if not removed:
            self.status_text.setText(f"“{g.canonical}” has no aliases to split.")
            return
        for i, _ in removed:
            self.ws.store.delete_alias(i)
        self._push(cmd.SplitAliasCommand(self, self.session.doc_id, g.canonical, removed,
                                         g.label))

    # -- facts, notes, status --------------------------------------------------------
    def _fact_key(self, what: str) -> None:
        if what == "edit":
            self.edit_fact()
        else:
            self.set_fact_status(what)

    def set_fact_status(self, status: str, value: str | None = None, note: str = "") -> None:
        fact = self.entity_pane.current_fact()
        if fact is None or not self._editable():
            return
        assert self.session is not None
        prev = ops.set_fact_status(self.ws, self.session.doc_id, fact, status, value=value,
                                   note=note or (self.entity_pane.fact_model.status_of(fact)
                                                 or _NoNote).note)
        self._push(cmd.FactStatusCommand(self, self.session.doc_id, fact, status, value,
                                         note, prev))

    def edit_fact(self) -> None:
        fact = self.entity_pane.current_fact()
        if fact is None or not self._editable():
            return
        current = self.entity_pane.fact_model.status_of(fact)
        value, ok = QInputDialog.getText(self, "Edit fact", "Value:",
                                         text=(current.value if current and current.value
                                               else fact.summary()))
        if not ok:
            return
        note, ok = QInputDialog.getText(self, "Edit fact", "Note (why):",
                                        text=current.note if current else "")
        if not ok:
            return
        status = current.status if current else "unverified"
        self.set_fact_status(status, value=value, note=note)

    def add_note(self) -> None:
        if not self._editable():
            return
        assert self.session is not None
        doc = self.session.document
        span = self.doc_pane.selected_span()
        target, key, start, end = "document", "", None, None
        group = self.entity_pane.current_group()
        fact = self.entity_pane.current_fact()
        # What has focus decides: the list's item, else the text selection, else the release.
        if self.entity_pane.facts.hasFocus() and fact is not None:
            target, key = "fact", fact.key()
        elif self.entity_pane.tree.hasFocus() and group is not None:
            target, key = "entity", group.canonical
        elif span is not None and span[0] < span[1]:
            target, (start, end) = "span", span
        text, ok = QInputDialog.getMultiLineText(self, "Note", f"Note on this {target}:")
        if not ok or not text.strip():
            return
        nid = ops.add_note(self.ws, doc, text.strip(), target=target, target_key=key,
                           start=start, end=end)
        note = self.ws.store.note(nid)
        self._push(cmd.NoteCommand(self, doc.doc_id, f"Add note: {text[:30]}", None, note))

    def edit_note(self) -> None:
        note = self.entity_pane.current_note()
        if note is None or not self._editable():
            return
        text, ok = QInputDialog.getMultiLineText(self, "Note", "Note:", note.text)
        if not ok or not text.strip() or text == note.text:
            return
        before = self.ws.store.note(note.id)
        self.ws.store.update_note(note.id, text.strip())
        after = self.ws.store.note(note.id)
        self._push(cmd.NoteCommand(self, note.doc_id, f"Edit note: {text[:30]}", before, after))

    def delete_note(self) -> None:
        note = self.entity_pane.current_note()
        if note is None or not self._editable():
            return
        stored: Note | None = self.ws.store.note(note.id)
        self.ws.store.delete_note(note.id)
        self._push(cmd.NoteCommand(self, note.doc_id, f"Delete note: {note.text[:30]}",
                                   stored, None))

    def save_summary(self, text: str) -> None:
        """Store the reviewer's summary (undoable); an empty one reverts to generated."""
        if not self._editable():
            return
        assert self.session is not None
        doc_id = self.session.doc_id
        before = self.ws.store.summary(doc_id)
        after = text.strip() or None
        if after == before:
            self.refresh_summary(force=True)
            return
        self.ws.store.set_summary(doc_id, after)
        self._push(cmd.SummaryCommand(self, doc_id, before, after))

    def revert_summary(self) -> None:
        if not self._editable():
            return
        assert self.session is not None
        doc_id = self.session.doc_id
        before = self.ws.store.summary(doc_id)
        if before is None:  # only unsaved typing: show the generated one again
            self.refresh_summary(force=True)
            return
        self.ws.store.set_summary(doc_id, None)
        self._push(cmd.SummaryCommand(self, doc_id, before, None))

    def set_status(self, status: str) -> None:
        if not self._editable():
            return
        assert self.session is not None
        old = self.ws.store.status(self.session.doc_id)
        if old == status:
            return
        self.ws.store.set_status(self.session.doc_id, status)
        self._push(cmd.StatusCommand(self, self.session.doc_id, old, status))

    def open_next_unreviewed(self) -> None:
        nxt = ops.next_unreviewed(self.ws, self.session.doc_id if self.session else None)
        if nxt is None:
            self.status_text.setText("Every release is reviewed or in progress.")
            return
        self.open_document(nxt)

    # -- linked navigation -----------------------------------------------------------
    def _group_selected(self, group: ops.EntityGroup | None) -> None:
        if group is None:
            self.doc_pane.show_current([])
            return
        self.doc_pane.show_current(group.mentions)
        clicked, self._clicked = self._clicked, None
        if clicked is not None and clicked in group.mentions:
            self._mention_index = group.mentions.index(clicked)
            return
        self._mention_index = 0
        m = group.mentions[0]
        self.doc_pane.select_span(m.start, m.end)

    def step_mention(self, step: int) -> None:
        g = self.entity_pane.current_group()
        if g is None or not g.mentions:
            return
        self._mention_index = (self._mention_index + step) % len(g.mentions)
        m = g.mentions[self._mention_index]
        self.doc_pane.select_span(m.start, m.end)

    def _entity_clicked(self, ent: Entity) -> None:
        self._clicked = ent
        if not self.entity_pane.select_group(ent.label, ent.canonical or ent.text):
            self._clicked = None
        self._clicked = None

    def _context_menu(self, pos) -> None:
        menu = self.doc_pane.createStandardContextMenu()
        menu.addSeparator()
        sub = menu.addMenu("Label as")
        for label in LABELS:
            sub.addAction(self.retype_actions[label])
        menu.addAction(self.reject_action)
        for k in ("grow_end", "shrink_end", "label_all_doc", "label_all_library", "note"):
            menu.addAction(self.actions_by_id[k])
        menu.exec(self.doc_pane.viewport().mapToGlobal(pos))

    def set_label_visible(self, label: str, on: bool) -> None:
        if on:
            self.visible_labels.add(label)
        else:
            self.visible_labels.discard(label)
        self.settings.set_visible_labels(self.visible_labels)
        self.doc_pane.set_visible_labels(self.visible_labels)
        if self.session is not None:
            self.refresh_view()

    # -- memo export -----------------------------------------------------------------
    def export_scopes(self) -> dict[str, list[int]]:
        """Release ids for each export scope: the open release, the releases selected in
        the library pane, and every result of the current search."""
        return {"current": [self.session.doc_id] if self.session is not None else [],
                "selected": self.library_pane.selected_doc_ids(),
                "results": self.library_pane.result_doc_ids()}

    def export_memo(self) -> None:
        """File > Export memo…: scope, title and author, then where; runs on a worker."""
        if self.exports.running:
            self.status_text.setText("An export is already running.")
            return
        scopes = self.export_scopes()
        counts = {k: len(v) for k, v in scopes.items()}
        s = self.settings
        default_scope = "selected" if counts["selected"] > 1 else "current"
        defaults = export_dialog.ExportOptions(
            default_scope, "",
            str(s.q.value("export/author", "") or "") or default_author(),
            str(s.q.value("export/full_text", "false")).lower() == "true")
        opts = export_dialog.ask_export_options(self, counts, defaults)
        if opts is None:
            return
        ids = scopes.get(opts.scope) or []
        if not ids:
            self.status_text.setText("Nothing to export in that scope.")
            return
        folder = str(s.q.value("export/last_folder", "") or "") or str(Path.home())
        name = "review-memo.docx"
        if opts.scope == "current" and self.view is not None:
            name = Path(self.view.document.name).stem + "-memo.docx"
        path, _ = QFileDialog.getSaveFileName(self, "Export memo", str(Path(folder) / name),
                                              "Word documents (*.docx)")
        if not path:
            return
        s.set_value("export/last_folder", str(Path(path).parent))
        s.set_value("export/author", opts.author)
        s.set_value("export/full_text", "true" if opts.full_text else "false")
        self.start_export(ExportJob(ids, path, opts.title, opts.author, opts.full_text))

    def start_export(self, job: ExportJob) -> bool:
        if not self.exports.start(job):
            return False
        self.open_folder_button.hide()
        self.export_progress.setRange(0, 0)
        self.export_progress.show()
        self.export_cancel.show()
        self.actions_by_id["export"].setEnabled(False)
        n = len(job.doc_ids)
        self.status_text.setText(f"Exporting {n} release{'s' if n != 1 else ''}…")
        return True

    def _export_progress(self, done: int, total: int, name: str) -> None:
        self.export_progress.setRange(0, max(total, 1))
        self.export_progress.setValue(done)
        self.export_progress.setToolTip(name)

    def _export_done(self) -> None:
        self.export_progress.hide()
        self.export_cancel.hide()
        self.actions_by_id["export"].setEnabled(True)

    def _export_finished(self, path: str) -> None:
        self._export_done()
        self.last_export = path
        self.status_text.setText(f"Memo written to {path}")
        self.open_folder_button.show()

    def _export_failed(self, message: str) -> None:
        self._export_done()
        self.status_text.setText("Export failed.")
        if not self._closed:
            QMessageBox.warning(self, "Export failed", f"The memo was not written:\n{message}")

    def _export_cancelled(self) -> None:
        self._export_done()
        self.status_text.setText("Export cancelled; nothing was written.")

    def open_export_folder(self) -> None:
        if self.last_export:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(self.last_export).parent)))

    # -- library, folders, scans -----------------------------------------------------
    def choose_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Add a folder of releases")
        if path:
            self.add_folder(path)

    def add_folder(self, path: str) -> None:
        if self.ws.readonly:
            QMessageBox.information(self, "Read-only", "Another Reviewer holds this data "
                                    "folder; folders cannot be added here.")
            return
        try:
            self.ws.library.add_paths([path])
        except FileNotFoundError as exc:
            self.status_text.setText(str(exc))
            return
        self.settings.add_recent_folder(str(Path(path).resolve()))
        self.scans.request()

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for p in self.settings.recent_folders():
            self.recent_menu.addAction(p, lambda p=p: self.add_folder(p))

    def _fill_history(self) -> None:
        self.history_menu.clear()
        st = self.undo_stack
        a = self.history_menu.addAction("<start>", lambda: st.setIndex(0))
        a.setCheckable(True)
        a.setChecked(st.index() == 0)
        for i in range(st.count()):
            a = self.history_menu.addAction(st.text(i), lambda i=i: st.setIndex(i + 1))
            a.setCheckable(True)
            a.setChecked(st.index() == i + 1)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        for url in event.mimeData().urls():
            if url.isLocalFile():
                self.add_folder(url.toLocalFile())
        event.acceptProposedAction()

    def _watch_folders(self) -> None:
        have = set(self.watcher.directories()) | set(self.watcher.files())
        want: list[str] = []
        for folder in self.ws.store.folders():
            if Path(folder).is_dir():
                want.append(folder)
        docs = self.library_pane.library_model.documents()
        want += sorted({os.path.dirname(d.path) for d in docs})
        want += [d.path for d in docs[:MAX_WATCHED_FILES]]
        queued = set(self._watch_queue)
        self._watch_queue += [p for p in dict.fromkeys(want) if p not in have and p not in queued]
        if self._watch_queue:
            self.watch_batch_timer.start()

    def _watch_next_batch(self) -> None:
        """Add queued paths to the watcher a few hundred per event-loop turn (thousands at
        once would hold the window for most of a second)."""
        if self._closed:
            return
        batch, self._watch_queue = self._watch_queue[:WATCH_BATCH], self._watch_queue[WATCH_BATCH:]
        new = [p for p in batch if Path(p).exists()]
        if new:
            self.watcher.addPaths(new)
        if self._watch_queue:
            self.watch_batch_timer.start()

    def _scan_started(self) -> None:
        self.progress.setRange(0, 0)
        self.progress.show()
        self.cancel_button.show()
        self.progress_text.setText("Scanning…")

    def _scan_progress(self, done: int, total: int, rate: float, left: float) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.progress_text.setText(f"{done}/{total} files · {rate:.0f}/s · {left:.0f} s left")

    def _scan_finished(self, report: ScanReport) -> None:
        if self._closed:
            return
        if not self.scans.running:
            self.progress.hide()
            self.cancel_button.hide()
        self.progress_text.setText(report.summary())
        self.error_model.removeRows(0, self.error_model.rowCount())
        for path, reason in report.failed:
            item = QStandardItem(f"{Path(path).name}: {reason}")
            item.setToolTip(path)
            item.setEditable(False)
            self.error_model.appendRow(item)
        if report.failed:
            self.error_dock.show()
        self.refresh_library()
        if self.session is not None and (report.updated or report.moved):
            # The open file may have changed on disk: reload it, keeping review state.
            doc_id = self.session.doc_id
            rec = self.ws.store.document(doc_id)
            if rec is not None and rec.path != self.session.document.path or \
                    self._text_changed_on_disk():
                self.session = None
                self.open_document(doc_id)
        self._open_initial()
        self.scanFinished.emit(report)

    def _text_changed_on_disk(self) -> bool:
        assert self.session is not None
        try:
            return self.ws.load(self.session.doc_id).text != self.session.document.text
        except Exception:  # noqa: BLE001 - a vanished file keeps what is on screen
            return False

    def _focus_search(self) -> None:
        self.library_pane.search.setFocus()
        self.library_pane.search.selectAll()

    def show_shortcuts(self) -> ShortcutSheet:
        sheet = ShortcutSheet(self)
        sheet.show()
        self._sheet = sheet
        return sheet

    def _update_enabled(self) -> None:
        ro = self.ws.readonly
        for k, a in self.actions_by_id.items():
            if k not in ("find", "next_mention", "prev_mention", "next_unreviewed", "shortcuts",
                         "quit", "undo", "redo", "export"):
                a.setEnabled(not ro)
        self.reextract_action.setEnabled(not ro)

    # -- warm-up ---------------------------------------------------------------------
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

    def settled(self) -> bool:
        """True once the start-up work after the first paint is done: the library's
        counts and facets, the watched paths, the extractor warm-up, any scan."""
        return (self._after_show_done and not self.scans.running and not self._watch_queue
                and self.warm_pool.activeThreadCount() == 0
                and self.library_pane.facet_pool.activeThreadCount() == 0
                and not self.after_show_timer.isActive())

    def _start_warm_up(self) -> None:
        if not self._closed and self._warm_task is not None:
            self.warm_pool.start(self._warm_task)

    # -- settings --------------------------------------------------------------------
    def _restore_settings(self) -> None:
        s = self.settings
        geo = s.bytes_value("window/geometry")
        if geo is not None:
            self.restoreGeometry(geo)
        else:
            self.resize(1400, 900)
        state = s.bytes_value("window/state")
        if state is not None:
            self.restoreState(state)
        for key, splitter in (("window/splitter", self.splitter),
                              ("window/library_splitter", self.library_pane.splitter),
                              ("window/entity_splitter", self.entity_pane.splitter)):
            v = s.bytes_value(key)
            if v is not None:
                splitter.restoreState(v)

    def save_settings(self) -> None:
        s = self.settings
        s.set_value("window/geometry", self.saveGeometry())
        s.set_value("window/state", self.saveState())
        s.set_value("window/splitter", self.splitter.saveState())
        s.set_value("window/library_splitter", self.library_pane.splitter.saveState())
        s.set_value("window/entity_splitter", self.entity_pane.splitter.saveState())
        s.set_visible_labels(self.visible_labels)
        s.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._closed:
            self._closed = True
            self.save_settings()
            self.reindex_timer.stop()
            self.watch_timer.stop()
            self.watch_batch_timer.stop()
            self.after_show_timer.stop()
            self.deferred_timer.stop()
            if self.reindex_ids and not self.ws.readonly:
                # Pending re-index after corrections: do it now so search agrees at restart.
                ids, self.reindex_ids = sorted(self.reindex_ids), set()
                self.scans.shutdown()
                try:
                    self.ws.library.scan(only=ids)
                except Exception:  # noqa: BLE001 - the next start's scan catches up
                    pass
            self.scans.shutdown()
            self.exports.shutdown()
            self.warm_pool.waitForDone(30000)
            self.library_pane.wait_for_facets(30000)
            if self.owns_workspace:
                self.ws.close()
        super().closeEvent(event)


class _NoNote:
    note = ""

