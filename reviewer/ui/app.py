"""Entry points: `reviewer` with no subcommand, and a window factory for tests."""
from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox

from reviewer.core.logs import log_to_data_folder
from reviewer.core.review.workspace import READ_ONLY_DISK, Workspace
from reviewer.ui.failures import startup_failure, unexpected_error_text
from reviewer.ui.main_window import MainWindow
from reviewer.ui.platform import platform_problem

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


def open_window_or_explain(data_dir: str | None) -> MainWindow | None:
    """The main window, or None after a dialog that says why Reviewer cannot start (a
    damaged, empty or foreign store, a full disk, a locked store…) and what to do."""
    try:
        return create_main_window(data_dir)
    except Exception as exc:  # noqa: BLE001 - every start-up failure gets its dialog
        log.critical("start-up failed", exc_info=True)
        print(f"reviewer: {exc}", file=sys.stderr)
        box = startup_failure(exc)
        box.exec()
        box.deleteLater()
        return None


def show_start_notices(window: MainWindow) -> None:
    """After the window shows: why it is read-only, and what went wrong without stopping
    the start (a backup that failed, an index that had to move)."""
    ws = window.ws
    notices = []
    if ws.readonly:
        why = ("is on a read-only disk" if ws.readonly_reason == READ_ONLY_DISK
               else "is being used by another Reviewer")
        notices.append(f"The data folder {ws.data_dir} {why}.\nThis window opens it "
                       "read-only: you can read and search, not change anything.")
    notices += ws.warnings
    if notices:
        window.failures.error("Opened read-only" if ws.readonly else "Reviewer started "
                              "with a warning", "\n\n".join(notices),
                              icon=QMessageBox.Icon.Warning if ws.warnings
                              else QMessageBox.Icon.Information)


def _log_uncaught(kind: type[BaseException], exc: BaseException,
                  tb: TracebackType | None) -> None:
    """A failure in a Qt slot goes to the log with its traceback and, when a window is
    up, into a dialog: nothing fails unseen."""
    log.critical("uncaught %s", kind.__name__, exc_info=(kind, exc, tb))
    windows = [w for w in QApplication.topLevelWidgets()
               if isinstance(w, MainWindow) and not w.shutdown_done.is_set()]
    if not windows:
        sys.__excepthook__(kind, exc, tb)
        return
    message, details = unexpected_error_text(kind, exc, tb)
    windows[0].failures.error("Unexpected error", message, details)


def run_gui(data_dir: str | None = None, argv: Sequence[str] | None = None) -> int:
    problem = platform_problem()  # before Qt, which would abort without a useful word
    if problem:
        print(problem, file=sys.stderr)
        return 2
    sys.excepthook = _log_uncaught
    app = QApplication.instance() or QApplication(list(argv if argv is not None else sys.argv))
    app.setApplicationName("Reviewer")
    app.setOrganizationName("Reviewer")
    window = open_window_or_explain(data_dir)
    if window is None:
        return 2
    window.closed.connect(app.quit)  # once the workspace is closed, after the window
    window.show()
    show_start_notices(window)
    return int(app.exec())
