"""One call off the GUI thread: a `QRunnable` that runs a function on a worker pool and
hands its result (or the error's message) back to the GUI thread by a signal."""
from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, QRunnable, Signal

from reviewer.core.store import StoreError

log = logging.getLogger(__name__)


class _CallSignals(QObject):
    done = Signal(object)  # the function's result
    failed = Signal(str)


class CallTask(QRunnable):
    """Run `fn()` on a worker; `signals.done(result)` or `signals.failed(message)`."""

    def __init__(self, fn: Callable[[], object], what: str) -> None:
        super().__init__()
        self.setAutoDelete(False)  # Python owns it: Qt deleting the wrapper crashes PySide
        self.fn, self.what = fn, what
        self.signals = _CallSignals()
        self.finished = threading.Event()

    def run(self) -> None:
        try:
            result = self.fn()
        except (OSError, StoreError, sqlite3.Error, ValueError) as exc:
            log.warning("%s failed: %s", self.what, exc)
            self.signals.failed.emit(str(exc))
        else:
            self.signals.done.emit(result)
        finally:
            self.finished.set()
