"""Missing releases with review data, and re-attaching that data to where each release
went (moved and edited): found on a worker after every scan, listed in the library
pane, offered in a dialog, re-attached as one undoable step."""
from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QThreadPool, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reviewer.core.controls import reveal
from reviewer.core.review.reattach import Match, MissingRelease, find_matches, missing_releases
from reviewer.core.review.workspace import Workspace
from reviewer.ui.background import CallTask
from reviewer.ui.changes import ReviewChange
from reviewer.ui.controller import ReviewController
from reviewer.ui.dialogs import plain_label
from reviewer.ui.item_models import plain_tooltip
from reviewer.ui.library_pane import LibraryPane
from reviewer.ui.status_bar import StatusBar


class ReattachDialog(QDialog):
    """Every missing release with review data; those found again can be re-attached."""

    reattachRequested = Signal(object)  # list[Match]

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Missing releases")
        self.setWindowModality(Qt.WindowModality.NonModal)
        self.intro = plain_label("")
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("missingReleases")
        self.table.setHorizontalHeaderLabels(["Missing release", "Review data", "Found again as"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        for col in (0, 2):
            self.table.horizontalHeader().setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch)
        self.reattach_button = QPushButton("Re-attach checked")
        self.reattach_button.setObjectName("reattachChecked")
        self.reattach_button.setToolTip("Move the review data of each checked release to "
                                        "the release it was found as (undoable)")
        self.reattach_button.clicked.connect(self._reattach)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.reattach_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.intro)
        lay.addWidget(self.table, 1)
        lay.addWidget(buttons)
        self.resize(860, 360)
        self.matches: dict[int, Match] = {}  # table row -> match

    def set_rows(self, missing: list[MissingRelease], matches: list[Match],
                 focus: int | None = None) -> None:
        by_id = {m.missing.doc.id: m for m in matches}
        self.table.setRowCount(len(missing))
        self.matches = {}
        focus_row = 0
        for r, m in enumerate(missing):
            match = by_id.get(m.doc.id)
            first = QTableWidgetItem(reveal(f"{m.title}\n{m.doc.path}"))
            first.setToolTip(plain_tooltip(reveal(m.doc.path)))
            second = QTableWidgetItem(m.review.describe())
            if match is not None:
                third = QTableWidgetItem(reveal(f"{match.doc.path}\n{match.describe()}"))
                third.setToolTip(plain_tooltip(reveal(match.doc.path)))
                first.setFlags(first.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                first.setCheckState(Qt.CheckState.Checked)
                self.matches[r] = match
            else:
                third = QTableWidgetItem("not found: no release with its name or title and "
                                         "its text")
                third.setForeground(Qt.GlobalColor.darkGray)
            for c, item in enumerate((first, second, third)):
                self.table.setItem(r, c, item)
            if m.doc.id == focus:
                focus_row = r
        self.table.resizeRowsToContents()
        self.table.resizeColumnToContents(1)
        if missing:
            self.table.selectRow(focus_row)
        n, found = len(missing), len(self.matches)
        self.intro.setText(
            f"{n} release{'s' if n != 1 else ''} with review data {'are' if n != 1 else 'is'} "
            f"missing from the library folders. {found} of them {'were' if found != 1 else 'was'}"
            " found again, moved and edited: re-attaching moves the corrections, notes, fact "
            "checks, summary and status to the release found (corrections and notes follow "
            "their text).")
        self.reattach_button.setEnabled(bool(self.matches))

    def checked(self) -> list[Match]:
        out = []
        for r, match in self.matches.items():
            item = self.table.item(r, 0)
            if item is not None and item.checkState() == Qt.CheckState.Checked:
                out.append(match)
        return out

    def _reattach(self) -> None:
        chosen = self.checked()
        if chosen:
            self.reattachRequested.emit(chosen)


class ReattachFlow(QObject):
    """Keeps the list of missing releases (and their likely new copies) up to date and
    offers to re-attach: after each scan, and from Review > Missing releases…"""

    updated = Signal()  # `missing` and `matches` are up to date

    def __init__(self, ws: Workspace, controller: ReviewController, library_pane: LibraryPane,
                 status: StatusBar, window: QWidget, pool: QThreadPool) -> None:
        super().__init__(window)
        self.ws, self.controller, self.library_pane = ws, controller, library_pane
        self.status, self.window, self.pool = status, window, pool
        self.missing: list[MissingRelease] = []
        self.matches: list[Match] = []
        self.offered: set[tuple[int, int]] = set()  # (missing id, found id) offered once
        self.dialog: ReattachDialog | None = None
        self._tasks: list[CallTask] = []
        self._serial = 0
        self._stopped = False
        controller.changed.connect(self._review_changed)
        library_pane.missingActivated.connect(self.show_dialog)

    @property
    def running(self) -> bool:
        return any(not t.finished.is_set() for t in self._tasks)

    def check(self) -> None:
        """Look for missing releases with review data and their new copies (a worker
        reads the candidates' files)."""
        if self._stopped:
            return
        self._serial += 1
        serial = self._serial
        ws = self.ws

        def work() -> tuple[list[MissingRelease], list[Match]]:
            missing = missing_releases(ws.store)
            return missing, find_matches(ws, missing) if missing and not ws.readonly else []

        task = CallTask(work, "looking for moved releases")
        task.signals.done.connect(lambda result, n=serial: self._found(n, result))
        self._tasks = [t for t in self._tasks if not t.finished.is_set()] + [task]
        self.pool.start(task)

    def _found(self, serial: int, result: object) -> None:
        if serial != self._serial or self._stopped:
            return
        assert isinstance(result, tuple)
        found: tuple[list[MissingRelease], list[Match]] = result
        self.missing, self.matches = list(found[0]), list(found[1])
        self.library_pane.library_model.set_missing(
            self.missing, {m.missing.doc.id: m.doc.path for m in self.matches})
        model = self.library_pane.library_model
        if self.missing:
            self.library_pane.tree.expand(model.index(model.rowCount() - 1, 0))
        self.updated.emit()
        new = [m for m in self.matches if (m.missing.doc.id, m.doc.id) not in self.offered]
        if new and not self.ws.readonly:
            self.offered.update((m.missing.doc.id, m.doc.id) for m in new)
            n = len(new)
            their = "their" if n != 1 else "its"
            self.status.show_message(
                f"{n} moved and edited release{'s' if n != 1 else ''} can get {their} "
                "review data back: Review > Missing releases…")
            self.show_dialog()
        elif self.dialog is not None and self.dialog.isVisible():
            self.dialog.set_rows(self.missing, self.matches)

    def show_dialog(self, focus: int | None = None) -> ReattachDialog:
        """Review > Missing releases… (or a missing release clicked in the library)."""
        if self.dialog is None:
            self.dialog = ReattachDialog(self.window)
            self.dialog.reattachRequested.connect(self.reattach)
        self.dialog.set_rows(self.missing, self.matches, focus)
        self.dialog.show()
        self.dialog.activateWindow()
        return self.dialog

    def reattach(self, matches: list[Match]) -> None:
        if not matches or not self.controller.editable_workspace():
            return
        self.controller.reattach(matches)
        if self.dialog is not None:
            self.dialog.hide()

    def _review_changed(self, change: ReviewChange) -> None:
        if change.reattached:
            self.check()

    def stop(self) -> None:
        self._stopped = True
        self._serial += 1
