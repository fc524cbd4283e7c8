"""Entry points: `reviewer` with no subcommand, and a window factory for tests."""
from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox

from reviewer.core.logs import log_to_data_folder
from reviewer.core.review.workspace import Workspace
from reviewer.ui.main_window import MainWindow

log = logging.getLogger(__name__)


def create_main_window(data_dir: str | None, *, start_scan: bool = True,
                       scan_workers: int | None = None) -> MainWindow:
    """Open the data folder and build the window (a QApplication must exist). The first
    scan runs on a worker thread; an empty library starts with the bundled samples."""
    ws = Workspace(data_dir)
    log_to_data_folder(ws.data_dir)
    try:
        ws.ensure_demo_library()
        return MainWindow(ws, start_scan=start_scan, scan_workers=scan_workers)
    except BaseException:
        ws.close()
        raise


def _log_uncaught(kind: type[BaseException], exc: BaseException,
                  tb: TracebackType | None) -> None:
    """A failure in a Qt slot goes to the log with its traceback, then to stderr."""
    log.critical("uncaught %s", kind.__name__, exc_info=(kind, exc, tb))
    sys.__excepthook__(kind, exc, tb)


def run_gui(data_dir: str | None = None, argv: Sequence[str] | None = None) -> int:
    sys.excepthook = _log_uncaught
    app = QApplication.instance() or QApplication(list(argv if argv is not None else sys.argv))
    app.setApplicationName("Reviewer")
    app.setOrganizationName("Reviewer")
    window = create_main_window(data_dir)
    if window.ws.readonly:
        QMessageBox.information(
            window, "Opened read-only",
            f"Another Reviewer is using the data folder {window.ws.data_dir}.\n"
            "This window opens it read-only: you can read and search, not change anything.")
    window.closed.connect(app.quit)  # once the workspace is closed, after the window
    window.show()
    return int(app.exec())
