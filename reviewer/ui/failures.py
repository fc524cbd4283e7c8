"""Telling the reviewer that something was not saved, or went wrong, in a dialog.

One window-modal message box, reused: a burst of failures (every key pressed on a full
disk) updates it with a count instead of stacking dialogs. Its details hold whatever the
reviewer typed that could not be saved, to copy from. Failures at start-up, before there
is a window, get their own dialog (`startup_failure`).
"""
from __future__ import annotations

import logging
import traceback
from types import TracebackType

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from reviewer.core.store import StoreError

log = logging.getLogger(__name__)

TITLES = {
    "disk-full": "Disk full",
    "read-only": "Read-only data folder",
    "locked": "Review store locked",
    "damaged": "Review store damaged",
    "empty": "Review store empty",
    "foreign": "Not a Reviewer store",
    "newer": "Review store from a newer Reviewer",
    "vanished": "Data folder gone",
    "io": "Review store unavailable",
}


def _box(parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str,
         informative: str = "", details: str = "") -> QMessageBox:
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)  # paths and typed text are never markup
    box.setInformativeText(informative)
    if details:
        box.setDetailedText(details)
    return box


class FailureReporter(QObject):
    """Shows failures of the window's actions; `box` is the dialog on screen, if any."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.window = window
        self.box: QMessageBox | None = None
        self._count = 0
        self._details: list[str] = []

    def not_saved(self, message: str, details: str = "", kind: str = "") -> None:
        """A change was not saved: `message` says which and why, `details` holds what
        the reviewer typed for it."""
        if self.box is not None and self.box.isVisible():
            self._count += 1
        else:
            self._close_box()
            self._count, self._details = 1, []
        if details:
            self._details.append(details)
        head = ("This change was not saved." if self._count == 1
                else f"{self._count} changes were not saved.")
        title = TITLES.get(kind, "Not saved")
        details_text = "\n\n".join(self._details)
        if self.box is None:
            self.box = _box(self.window, QMessageBox.Icon.Warning, title, head, message,
                            details_text)
            self.box.setWindowModality(Qt.WindowModality.WindowModal)
            self.box.finished.connect(self._closed)
            self.box.open()
        else:
            self.box.setText(head)
            self.box.setInformativeText(message)
            self.box.setDetailedText(details_text)
        log.warning("not saved: %s", message)

    def error(self, title: str, message: str, details: str = "",
              icon: QMessageBox.Icon = QMessageBox.Icon.Critical) -> None:
        """Something other than a save went wrong (an unexpected error in an action), or
        a notice the reviewer must see (`icon` Information or Warning)."""
        self._close_box()
        self._count, self._details = 0, []
        self.box = _box(self.window, icon, title, message, "", details)
        self.box.setWindowModality(Qt.WindowModality.WindowModal)
        self.box.finished.connect(self._closed)
        self.box.open()

    def _closed(self) -> None:
        self._count, self._details = 0, []
        box, self.box = self.box, None
        if box is not None:
            box.deleteLater()

    def _close_box(self) -> None:
        if self.box is not None:
            box, self.box = self.box, None
            box.done(0)
            box.deleteLater()


def unexpected_error_text(kind: type[BaseException], exc: BaseException,
                          tb: TracebackType | None) -> tuple[str, str]:
    """(message, details) for an exception no part of the window handled."""
    if isinstance(exc, StoreError):
        return str(exc), ""
    message = (f"Reviewer hit an unexpected error: {kind.__name__}: {exc}\n\n"
               "Your saved work is safe. The details are in the log (logs/reviewer.log in "
               "the data folder); if this keeps happening, restart Reviewer.")
    return message, "".join(traceback.format_exception(kind, exc, tb))


def startup_failure(exc: BaseException) -> QMessageBox:
    """The dialog for a start-up that failed: what happened and what to do."""
    kind = getattr(exc, "kind", "")
    title = TITLES.get(kind, "Reviewer cannot start")
    if isinstance(exc, StoreError):
        text, details = str(exc), ""
    elif isinstance(exc, OSError):
        where = f" ({exc.filename})" if exc.filename else ""
        text = f"Reviewer cannot open its data folder{where}: {exc.strerror or exc}."
        details = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    else:
        text = f"Reviewer cannot start: {type(exc).__name__}: {exc}"
        details = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return _box(None, QMessageBox.Icon.Critical, f"Reviewer — {title}",
                "Reviewer cannot start.", text, details)
