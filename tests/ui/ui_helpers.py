"""Helpers shared by the UI tests."""
from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEventLoop

FIRST = "000_f7c1be859b819757.txt"


def wait_until(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    """Run the event loop until `condition()` holds (AssertionError after `timeout` s)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
        time.sleep(0.002)


def close_and_wait(window) -> None:
    """Close the window and wait until its workspace is closed too (on a thread)."""
    if not window.shutdown_done.is_set():
        window.close()
    wait_until(window.shutdown_done.is_set)
    QCoreApplication.processEvents()  # the window's own end (its `closed` signal)


def restart(window, open_window):
    """Close the window and its workspace, then reopen the same data folder."""
    data = window.ws.data_dir
    close_and_wait(window)
    return open_window(data, scan=False)


def doc_id_of(window, name: str) -> int:
    for d in window.ws.store.documents():
        if d.path.endswith(name):
            return d.id
    raise KeyError(name)


def open_and_wait(window, doc_id: int) -> None:
    """Open a release (it loads on a worker) and wait until it is on screen."""
    window.open_document(doc_id)
    wait_until(lambda: window.view is not None and window.view.document.doc_id == doc_id
               and not window.controller.loading
               and not window.presenter.deferred_timer.isActive())


def show(window, name: str = FIRST) -> None:
    open_and_wait(window, doc_id_of(window, name))


def on_dialog(cls, act: Callable, seen: list | None = None,
              timeout: float = 20.0) -> Callable[[], None]:
    """Once a dialog of class `cls` shows (a modal one runs its own event loop), call
    `act(dialog)` on it: the test drives the real dialog with clicks and keys. Each
    dialog seen is appended to `seen`. Returns a function that stops the watch (it also
    stops after `timeout` seconds)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    deadline = time.monotonic() + timeout
    stopped: list[bool] = []

    def check() -> None:
        if stopped or time.monotonic() > deadline:
            return
        for w in QApplication.topLevelWidgets():
            if isinstance(w, cls) and w.isVisible():
                if seen is not None:
                    seen.append(w)
                act(w)
                return
        QTimer.singleShot(10, check)

    QTimer.singleShot(0, check)
    return lambda: stopped.append(True)
