"""The status bar: a line of text, the progress of the library's passes (indexing text,
then entities: done/total, rate, time left) with their Cancel button, and the memo
export's progress with Cancel and "Open folder"."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QProgressBar, QPushButton, QStatusBar

from reviewer.core.progress import duration


class StatusBar:
    """Widgets on the window's QStatusBar; the window's parts call these methods."""

    def __init__(self, bar: QStatusBar) -> None:
        self.text = QLabel("")
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.hide()
        self.progress_text = QLabel("")
        self.progress_text.setTextFormat(Qt.TextFormat.PlainText)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("cancelScan")
        self.cancel_button.hide()
        self.export_progress = QProgressBar()
        self.export_progress.setObjectName("exportProgress")
        self.export_progress.setMaximumWidth(160)
        self.export_progress.setFormat("Export %p%")
        self.export_progress.hide()
        self.export_cancel = QPushButton("Cancel export")
        self.export_cancel.setObjectName("cancelExport")
        self.export_cancel.hide()
        self.open_folder_button = QPushButton("Open folder")
        self.open_folder_button.setObjectName("openExportFolder")
        self.open_folder_button.setToolTip("Open the folder of the exported memo")
        self.open_folder_button.hide()
        bar.addWidget(self.text, 1)
        for w in (self.open_folder_button, self.export_progress, self.export_cancel,
                  self.progress_text, self.progress, self.cancel_button):
            bar.addPermanentWidget(w)

    def show_message(self, text: str) -> None:
        self.text.setText(text)

    # -- library passes ------------------------------------------------------------------
    def scan_started(self) -> None:
        self.progress.setRange(0, 0)  # busy until the first release is done
        self.progress.show()
        self.cancel_button.show()
        self.cancel_button.setToolTip("Stop indexing; what is indexed stays")
        self.progress_text.setText("Looking for new and changed releases…")

    def scan_progress(self, done: int, total: int, rate: float, left: float) -> None:
        self._show_progress("Indexing text", done, total, rate, left)

    def scan_finished(self, summary: str, *, more_to_come: bool) -> None:
        if not more_to_come:
            self.progress.hide()
            self.cancel_button.hide()
        self.progress_text.setText(summary)

    def entities_started(self) -> None:
        self.progress.setRange(0, 0)
        self.progress.show()
        self.cancel_button.show()
        self.cancel_button.setToolTip("Stop extracting entities; what is done stays, and "
                                      "the next scan goes on from there")
        self.progress_text.setText("Entities: looking for releases without them…")

    def entities_progress(self, done: int, total: int, rate: float, left: float) -> None:
        self._show_progress("Entities", done, total, rate, left)

    def _show_progress(self, what: str, done: int, total: int, rate: float,
                       left: float) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        parts = [f"{what} {done:,}/{total:,}"]
        if rate > 0:
            parts.append(f"{rate:,.0f}/s" if rate >= 10 else f"{rate:.1f}/s")
        if done < total:
            parts.append("time left unknown" if left < 0 else f"{duration(left)} left")
        self.progress_text.setText(" · ".join(parts))

    # -- memo export ---------------------------------------------------------------------
    def export_started(self, releases: int) -> None:
        self.open_folder_button.hide()
        self.export_progress.setRange(0, 0)
        self.export_progress.show()
        self.export_cancel.show()
        self.text.setText(f"Exporting {releases} release{'s' if releases != 1 else ''}…")

    def export_progress_to(self, done: int, total: int, name: str) -> None:
        self.export_progress.setRange(0, max(total, 1))
        self.export_progress.setValue(done)
        self.export_progress.setToolTip(name)

    def export_ended(self, message: str, *, written: bool = False) -> None:
        self.export_progress.hide()
        self.export_cancel.hide()
        self.text.setText(message)
        if written:
            self.open_folder_button.show()
