"""File > Export memo…: which releases, the options dialog, where to save, then the
export on a worker with progress, Cancel and "Open folder" in the status bar."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, QUrl
from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from reviewer.core.export import ExportError, default_author, memo_path
from reviewer.core.review.workspace import Workspace
from reviewer.ui import export_dialog
from reviewer.ui.controller import ReviewController
from reviewer.ui.library_pane import LibraryPane
from reviewer.ui.settings import Settings
from reviewer.ui.status_bar import StatusBar
from reviewer.ui.workers import ExportController, ExportJob


class ExportFlow(QObject):
    def __init__(self, ws: Workspace, settings: Settings, controller: ReviewController,
                 library_pane: LibraryPane, status: StatusBar, window: QWidget) -> None:
        super().__init__(window)
        self.ws, self.settings, self.controller = ws, settings, controller
        self.library_pane, self.status, self.window = library_pane, status, window
        self.exports = ExportController(ws, self)
        self.action: QAction | None = None  # File > Export memo…, disabled while running
        self.last_export: str | None = None
        self.exports.progress.connect(status.export_progress_to)
        self.exports.finished.connect(self._finished)
        self.exports.failed.connect(self._failed)
        self.exports.cancelled.connect(self._cancelled)
        status.export_cancel.clicked.connect(self.exports.cancel)
        status.open_folder_button.clicked.connect(self.open_export_folder)

    def stop(self) -> None:
        """The window is closing: cancel a running export (nothing is written)."""
        self.exports.cancel()
        self.exports.blockSignals(True)

    def export_scopes(self) -> dict[str, list[int]]:
        """Release ids for each export scope: the open release, the releases selected in
        the library pane, and every result of the current search."""
        session = self.controller.session
        return {"current": [session.doc_id] if session is not None else [],
                "selected": self.library_pane.selected_doc_ids(),
                "results": self.library_pane.result_doc_ids()}

    def export_memo(self) -> None:
        """Scope, title and author, then where; the export runs on a worker."""
        if self.exports.running:
            self.status.show_message("An export is already running.")
            return
        scopes = self.export_scopes()
        counts = {k: len(v) for k, v in scopes.items()}
        q = self.settings.q
        defaults = export_dialog.ExportOptions(
            "selected" if counts["selected"] > 1 else "current", "",
            str(q.value("export/author", "") or "") or default_author(),
            str(q.value("export/full_text", "false")).lower() == "true",
            entities=str(q.value("export/entities", "false")).lower() == "true")
        opts = export_dialog.ask_export_options(self.window, counts, defaults)
        if opts is None:
            return
        ids = scopes.get(opts.scope) or []
        if not ids:
            self.status.show_message("Nothing to export in that scope.")
            return
        folder = str(q.value("export/last_folder", "") or "") or str(Path.home())
        name = "review-memo.docx"
        view = self.controller.view
        if opts.scope == "current" and view is not None:
            name = Path(view.document.name).stem + "-memo.docx"
        target = self.ask_target(str(Path(folder) / name))
        if target is None:
            return
        self.settings.set_value("export/last_folder", str(target.parent))
        self.settings.set_value("export/author", opts.author)
        self.settings.set_value("export/full_text", "true" if opts.full_text else "false")
        self.settings.set_value("export/entities", "true" if opts.entities else "false")
        self.start_export(ExportJob(ids, str(target), opts.title, opts.author, opts.full_text,
                                    opts.overview, opts.entities))

    def ask_target(self, start: str) -> Path | None:
        """Where to write the memo, or None when the user gives up.

        The save dialog's own overwrite question is turned off: it would ask about the
        name as typed ("report") while the memo goes to "report.docx". The question is
        asked here about the path that is really written, and "No" returns to the dialog.
        """
        while True:
            path, _ = QFileDialog.getSaveFileName(
                self.window, "Export memo", start, "Word documents (*.docx)",
                options=QFileDialog.Option.DontConfirmOverwrite)
            if not path:
                return None
            try:
                target = memo_path(path)
            except ExportError as exc:
                QMessageBox.warning(self.window, "Export memo", str(exc))
                start = path
                continue
            if not target.exists() or self._confirm_replace(target):
                return target
            start = str(target)

    def _confirm_replace(self, target: Path) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, "Replace memo?",
                          f"“{target.name}” already exists in {target.parent}.",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                          self.window)
        box.setObjectName("replaceMemo")
        box.setTextFormat(Qt.TextFormat.PlainText)  # a file name is never markup
        box.setInformativeText("Replacing it overwrites its contents.")
        box.button(QMessageBox.StandardButton.Yes).setText("Replace")
        box.setDefaultButton(QMessageBox.StandardButton.No)
        return box.exec() == QMessageBox.StandardButton.Yes

    def start_export(self, job: ExportJob) -> bool:
        if not self.exports.start(job):
            return False
        self.status.export_started(len(job.doc_ids))
        self._enable(False)
        return True

    def _enable(self, on: bool) -> None:
        if self.action is not None:
            self.action.setEnabled(on)

    def _finished(self, path: str) -> None:
        self._enable(True)
        self.last_export = path
        self.status.export_ended(f"Memo written to {path}", written=True)

    def _failed(self, message: str) -> None:
        self._enable(True)
        self.status.export_ended("Export failed.")
        if self.window.isVisible():
            QMessageBox.warning(self.window, "Export failed",
                                f"The memo was not written:\n{message}")

    def _cancelled(self) -> None:
        self._enable(True)
        self.status.export_ended("Export cancelled; nothing was written.")

    def open_export_folder(self) -> None:
        if self.last_export:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(self.last_export).parent)))
