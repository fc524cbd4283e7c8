"""Closing the window without blocking the GUI thread: on a thread, the window's workers
finish, the releases corrected since the last scan are re-indexed and the workspace is
closed; then the window hears it is done."""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, QThreadPool, Signal

from reviewer.core.review.workspace import Workspace
from reviewer.core.search import Library

log = logging.getLogger(__name__)


class _ShutdownSignals(QObject):
    done = Signal()


def shut_down_in_background(ws: Workspace | None, library: Library, reindex: list[int],
                            pools: Sequence[QThreadPool], on_done: Callable[[], None],
                            done: threading.Event) -> None:
    """Start the shutdown thread (`_shut_down`); `on_done` runs on the GUI thread after
    it, and `done` is set once the workspace is closed."""
    signals = _ShutdownSignals()
    signals.done.connect(on_done)
    threading.Thread(target=_shut_down, name="reviewer-shutdown", args=(
        ws, library, reindex, pools, signals, done)).start()


def _shut_down(ws: Workspace | None, library: Library, reindex: list[int],
               pools: Sequence[QThreadPool], signals: _ShutdownSignals,
               done: threading.Event) -> None:
    """Off the GUI thread: wait for the window's workers (cancelled), re-index the
    releases corrected since the last scan so search agrees at the next start, and close
    the workspace (`ws`, when the window owns it)."""
    try:
        for pool in pools:
            pool.waitForDone(-1)
        if reindex:
            try:
                library.scan(only=reindex)
            except Exception:  # noqa: BLE001 - the next start's scan catches up
                log.exception("re-indexing %d corrected releases at exit failed", len(reindex))
        if ws is not None:
            ws.close()
    finally:
        done.set()
        signals.done.emit()
