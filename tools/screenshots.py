"""The README's screenshots, grabbed from the real window on the demo releases.

    QT_QPA_PLATFORM=offscreen python tools/screenshots.py [OUT_DIR]   # default: docs/

Opens a fresh data folder (the demo releases are copied into it), shows a release, then
the entities across releases (two spellings of one name selected, ready to merge), and
saves each as a PNG.
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication, QEventLoop, Qt  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

RELEASE = "001_5823aec3ae932b3b.txt"  # the Japan–Viet Nam release: people, places, facts


def wait_until(condition: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the window did not settle")
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
        time.sleep(0.005)


def settle(seconds: float = 0.5) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
        time.sleep(0.005)


def main(out: Path) -> None:
    from reviewer.ui.app import create_main_window

    app = QApplication.instance() or QApplication(sys.argv[:1])
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as data:
        w = create_main_window(data)
        w.resize(1500, 900)
        w.show()
        wait_until(lambda: w.view is not None and w.settled())
        doc_id = next(d.id for d in w.ws.store.documents() if d.path.endswith(RELEASE))
        w.open_document(doc_id)
        wait_until(lambda: w.view is not None and w.view.document.doc_id == doc_id
                   and w.settled())
        settle()
        w.grab().save(str(out / "screenshot.png"))

        w.show_library_entities()
        wait_until(lambda: bool(w.library_entities.entities) and w.settled())
        w.entities_dock.setFloating(False)
        pane = w.entities_pane
        pane.filter.setText("Nguyen")
        w.resizeDocks([w.entities_dock], [300], Qt.Orientation.Vertical)
        sm = pane.tree.selectionModel()
        for row in range(pane.model.rowCount()):
            sm.select(pane.model.index(row, 0), sm.SelectionFlag.Select | sm.SelectionFlag.Rows)
        settle()
        w.entities_dock.grab().save(str(out / "entities.png"))
        w.close()
        wait_until(w.shutdown_done.is_set)
    app.processEvents()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "docs")
