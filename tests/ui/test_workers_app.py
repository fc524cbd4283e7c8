"""Scans on a worker: progress, cancel, errors, file watching, folders; app start-up."""
from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt, QTimer, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication, QFileDialog
from ui_helpers import close_and_wait, doc_id_of, open_and_wait, restart

from reviewer.core.review.workspace import Workspace

ROOT = Path(__file__).resolve().parents[2]


def test_added_folder_scans_with_progress_and_lists_failures(window, qtbot, tmp_path,
                                                             monkeypatch) -> None:
    extra = tmp_path / "more"
    extra.mkdir()
    for i, src in enumerate(sorted((ROOT / "sample_docs").glob("*.txt"))):
        shutil.copy(src, extra / f"copy{i}.txt")
    (extra / "broken.txt").write_bytes(b"\x00\x01\x02binary\x00" * 200)
    progress = []
    window.scans.progress.connect(lambda *a: progress.append(a))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(extra))
    with qtbot.waitSignal(window.scanFinished, timeout=30000) as sig:
        window.actions_by_id["add_folder"].trigger()
    report = sig.args[0]
    assert report.added == 5 and [Path(p).name for p, _ in report.failed] == ["broken.txt"]
    assert progress and progress[-1][0] == progress[-1][1] == 6
    assert window.error_model.rowCount() == 1
    assert "broken.txt" in window.error_model.index(0, 0).data()
    assert window.library_pane.library_model.rowCount() == 2
    assert str(extra.resolve()) in window.settings.recent_folders()


def test_drop_a_folder_on_the_window(window, qtbot, tmp_path) -> None:
    extra = tmp_path / "dropped"
    extra.mkdir()
    shutil.copy(ROOT / "sample_docs" / "003_0f462b27d61fa48e.txt", extra / "x.txt")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(extra))])
    ev = QDropEvent(QPoint(10, 10), Qt.DropAction.CopyAction, mime,
                    Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(window.scanFinished, timeout=30000) as sig:
        window.dropEvent(ev)
    assert sig.args[0].added == 1
    assert str(extra.resolve()) in window.ws.store.folders()


def test_cancel_stops_a_long_scan_and_gui_stays_responsive(window, qtbot, tmp_path) -> None:
    big = tmp_path / "big"
    big.mkdir()
    srcs = sorted((ROOT / "sample_docs").glob("*.txt"))
    for i in range(150):
        src = srcs[i % len(srcs)]
        (big / f"r{i:04d}.txt").write_text(src.read_text(encoding="utf-8") + f"\nCopy {i}.\n",
                                           encoding="utf-8")
    window.scans.workers = 0  # in-thread, so the cancel lands between files
    ticks: list[float] = []
    timer = QTimer(window, interval=10)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    with qtbot.waitSignal(window.scanFinished, timeout=60000) as sig:
        window.sync.add_folder(str(big))
        qtbot.waitUntil(lambda: window.status_bar.cancel_button.isVisible(), timeout=5000)
        qtbot.waitUntil(lambda: window.status_bar.progress.value() > 0, timeout=20000)
        qtbot.wait(200)
        qtbot.mouseClick(window.status_bar.cancel_button, Qt.MouseButton.LeftButton)
    timer.stop()
    report = sig.args[0]
    assert report.cancelled and report.added < 150
    assert not window.status_bar.cancel_button.isVisible()
    # The window kept handling events throughout: its 10 ms timer fired at least a quarter
    # as often as it would on an idle thread, and no pause took half of the scan (a scan
    # on the GUI thread would be one pause as long as the scan).
    span = ticks[-1] - ticks[0]
    gaps = [b - a for a, b in zip(ticks, ticks[1:], strict=False)]
    assert len(ticks) >= span / 0.010 / 4 and max(gaps) < span / 2, \
        f"{len(ticks)} ticks in {span:.2f} s, longest pause {max(gaps, default=0):.2f} s"


def test_file_changed_on_disk_is_reindexed(window, qtbot, ui_dirs) -> None:
    docs = ui_dirs[1]
    target = docs / "003_0f462b27d61fa48e.txt"
    window.sync.watch_timer.setInterval(50)
    with qtbot.waitSignal(window.scanFinished, timeout=15000) as sig:
        target.write_text(target.read_text(encoding="utf-8")
                          + "\nZanzibarquux joined the meeting.\n", encoding="utf-8")
    assert sig.args[0].updated == 1
    window.library_pane.search.setText("Zanzibarquux")
    window.library_pane.run_query()
    assert window.library_pane.results_model.rowCount() == 1


def test_open_file_changed_on_disk_is_reloaded(window, qtbot, ui_dirs) -> None:
    docs = ui_dirs[1]
    target = docs / window.view.document.name
    window.sync.watch_timer.setInterval(50)
    with qtbot.waitSignal(window.scanFinished, timeout=15000):
        target.write_text("A brand new title\n\nTakeo Mori spoke in Paris.\n", encoding="utf-8")
    qtbot.waitUntil(lambda: "Takeo Mori spoke" in window.doc_pane.toPlainText(), timeout=5000)


def test_geometry_and_splitters_are_remembered(window, open_window) -> None:
    window.resize(760, 560)
    window.splitter.setSizes([150, 400, 200])
    sizes = window.splitter.sizes()
    w2 = restart(window, open_window)
    assert (w2.size().width(), w2.size().height()) == (760, 560)
    assert w2.splitter.sizes() == sizes
    assert (w2.ws.data_dir / "settings.ini").exists()


def test_restart_reopens_the_last_release(window, open_window) -> None:
    other = doc_id_of(window, "002_b7fa9ce2e10e8a5e.txt")
    open_and_wait(window, other)
    w2 = restart(window, open_window)
    assert w2.session.doc_id == other


def test_second_instance_opens_read_only(window, open_window, qtbot) -> None:
    from reviewer.ui.app import create_main_window

    w2 = create_main_window(str(window.ws.data_dir), start_scan=False)
    qtbot.addWidget(w2)
    try:
        assert w2.ws.readonly and "read-only" in w2.windowTitle()
        assert not w2.actions_by_id["note"].isEnabled()
        qtbot.waitUntil(lambda: w2.view is not None, timeout=10000)  # loads on a worker
        s = w2.view.document.text.index("Senior")
        w2.doc_pane.select_span(s, s + 6)
        qtbot.keyClick(w2.doc_pane, "p")
        assert window.ws.store.corrections() == []
    finally:
        close_and_wait(w2)


def test_first_start_opens_the_bundled_samples(tmp_path, open_window,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    w = open_window(tmp_path / "fresh")
    # a copy in the data folder: a reinstall neither re-indexes nor orphans it
    assert w.ws.store.folders() == [str((tmp_path / "fresh" / "demo-releases").resolve())]
    assert len(w.ws.store.documents()) == 5
    assert w.view is not None


def test_run_gui_is_wired(monkeypatch, tmp_path) -> None:
    from reviewer.ui import app as app_mod

    shown = []
    monkeypatch.setattr(app_mod.MainWindow, "show", lambda self: shown.append(self))
    monkeypatch.setattr(QApplication, "exec", lambda self=None: 0)
    with Workspace(tmp_path / "d"):
        pass
    assert app_mod.run_gui(str(tmp_path / "d"), argv=[]) == 0
    assert shown
    shown[0].scans.cancel()
    close_and_wait(shown[0])


def test_extractor_warms_up_in_the_background_after_show(ui_dirs, qtbot) -> None:
    import importlib

    from reviewer.ui.app import create_main_window

    gz = importlib.import_module("reviewer.core.extract.gazetteer")

    w = create_main_window(str(ui_dirs[0]), start_scan=True)
    qtbot.addWidget(w)
    assert w._warm_task is None  # nothing before the window is shown
    seconds = []
    w.warmedUp.connect(seconds.append)
    with qtbot.waitSignals([w.warmedUp, w.scanFinished], timeout=30000):
        w.show()
    qtbot.waitUntil(lambda: w.view is not None, timeout=10000)
    assert len(seconds) == 1 and seconds[0] >= 0 and gz._GAZ is not None
    # Opening a release after (or during) the warm-up works as before.
    other = next(d.id for d in w.ws.store.documents() if d.id != w.session.doc_id)
    open_and_wait(w, other)
    assert w.session.doc_id == other and w.view.entities
    close_and_wait(w)


def test_closing_reindexes_pending_corrections_off_the_gui_thread(window, qtbot) -> None:
    text = window.view.document.text
    s = text.index("Senior Officials")
    window.doc_pane.select_span(s, s + len("Senior Officials"))
    qtbot.keyClick(window.doc_pane, "o")  # re-indexing waits a moment: still pending
    assert window.sync.reindex_ids
    data, doc_id = window.ws.data_dir, window.session.doc_id
    window.close()
    assert not window.isVisible()  # the window goes at once
    close_and_wait(window)
    with Workspace(data) as ws:
        hits = ws.searcher.search('org:"Senior Officials"', limit=None).hits
    assert doc_id in [h.doc_id for h in hits]
