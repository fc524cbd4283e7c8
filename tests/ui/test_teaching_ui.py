"""Teaching the extractor from the window: Review > Teach the extractor on a worker with
progress and Cancel, the automatic update after a few corrections (undo takes one back),
the extractor in use on the status bar, Review > Extractor… with rolling back and the
learning curve."""
from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer
from ui_helpers import doc_id_of, open_and_wait, restart, wait_until

from reviewer.core.review import teaching
from reviewer.ui.extractor_dialog import IN_USE, ExtractorDialog

UPDATE_TIMEOUT = 300_000  # ms: a full update trains in a child process


def _retype_some(window, n: int, label: str = "ORG") -> int:
    """Retype up to `n` entities of the open release (as the entity keys do)."""
    done = 0
    for ent in list(window.view.entities):
        if done == n:
            break
        if ent.label != label:
            window.controller.retype(ent, label)
            done += 1
    return done


def _table(dialog: ExtractorDialog) -> list[list[str]]:
    t = dialog.table
    return [[t.item(r, c).text() for c in range(t.columnCount())] for r in range(t.rowCount())]


def test_teach_from_the_menu_in_the_background_then_roll_back(window, qtbot) -> None:
    teacher = window.teacher
    assert window.findChild(type(teacher.version_button), "extractorVersion").text() == \
        "Extractor: shipped model"
    reviewed = doc_id_of(window, "001_5823aec3ae932b3b.txt")
    open_and_wait(window, reviewed)
    assert _retype_some(window, 2) == 2
    window.window_actions["status_reviewed"].trigger()
    assert window.ws.store.status(reviewed) == "reviewed"
    corrections = len([c for c in window.ws.store.corrections() if c.scope == "doc"])
    assert teacher.pending == 2
    assert teacher.version_button.text().endswith("· 2 new corrections")
    session = window.session

    # the GUI thread keeps handling timers while the update trains
    ticks: list[float] = []
    timer = QTimer(interval=10)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start()
    learning: list[float] = []
    teacher.progress.connect(lambda f, what, _left: learning.append(time.monotonic())
                             if what == "learning" else None)
    starts: list[bool] = []
    teacher.started.connect(lambda: starts.append(True))
    said: list[str] = []  # the status line as the update ends
    teacher.finished.connect(lambda _v: said.append(window.status_bar.text.text()))
    passes: list[object] = []
    window.entitiesFinished.connect(passes.append)

    with qtbot.waitSignal(teacher.finished, timeout=UPDATE_TIMEOUT) as done:
        window.window_actions["teach"].trigger()
        assert teacher.running and teacher.progress_bar.isVisible()
        assert teacher.cancel_button.isVisible()
        wait_until(lambda: " left" in teacher.progress_text.text(), timeout=120)
        assert teacher.progress_text.text().startswith("Teaching the extractor: ")
        assert teacher.progress_bar.value() > 0
        window.window_actions["teach"].trigger()  # while one runs: one more is queued
        window.window_actions["teach"].trigger()  # ... at most one
        assert "another update follows" in window.status_bar.text.text()
    timer.stop()
    version = done.args[0]
    assert version is not None and version.name == "v0001"
    assert window.ws.models.current_name() == "v0001"
    assert teacher.version_button.text() == \
        f"Extractor v0001 · learned from {corrections} corrections in 1 release"
    # while the child process learned, the window's timers went on firing all along
    assert len(learning) > 10
    t0, t1 = learning[0], learning[-1]
    during = [t for t in ticks if t0 <= t <= t1]
    bins = {int(10 * (t - t0) / (t1 - t0)) for t in during}
    assert len(during) > 20 and bins >= set(range(10))

    # the reviewed release keeps its entities; the entity pass re-extracts the others
    assert window.session is session
    assert said == ["Extractor v0001 in use, learned from 2 corrections in 1 releases; "
                    "re-extracting the unreviewed releases in the background (this release "
                    "is under review and keeps its entities)."]
    # the queued update started at once: cancel it with the status bar's button
    assert len(starts) == 2 and teacher.running
    with qtbot.waitSignal(teacher.cancelled, timeout=UPDATE_TIMEOUT):
        qtbot.mouseClick(teacher.cancel_button, Qt.MouseButton.LeftButton)
    assert not teacher.progress_bar.isVisible()
    assert window.status_bar.text.text() == "Update cancelled; the extractor in use stays."
    assert [v.name for v in window.ws.models.versions()] == ["v0001"]
    assert window.ws.models.current_name() == "v0001"
    # every release but the reviewed one, re-extracted with the new version
    qtbot.waitUntil(lambda: any(p.version.endswith("+v0001") and p.total == 4
                                for p in passes), timeout=120_000)

    # Review > Extractor…: the versions, the one in use marked; roll back and forth
    unreviewed = doc_id_of(window, "002_b7fa9ce2e10e8a5e.txt")
    open_and_wait(window, unreviewed)
    before = window.session
    window.window_actions["extractor"].trigger()
    dialog = window.findChild(ExtractorDialog)
    assert dialog is not None and dialog.isVisible()
    rows = _table(dialog)
    assert [r[1] for r in rows] == ["v0001", "Shipped model"]
    assert rows[0][0] == IN_USE and rows[1][0] == ""
    assert rows[0][3] == str(corrections) and rows[0][4] == "1"
    assert not dialog.use_button.isEnabled()  # the selected row is in use
    assert "needs at least 4 reviewed releases" in dialog.curve_note.text()
    assert "1 is reviewed" in dialog.curve_note.text()
    assert not dialog.curve_button.isEnabled()

    qtbot.mouseClick(dialog.shipped_button, Qt.MouseButton.LeftButton)
    assert window.ws.models.current_name() == ""
    assert [r[0] for r in _table(dialog)] == ["", IN_USE]
    assert teacher.version_button.text() == "Extractor: shipped model"
    assert "re-extracting the unreviewed releases" in window.status_bar.text.text()
    qtbot.waitUntil(lambda: window.session is not before and not window.controller.loading,
                    timeout=30_000)  # the open release shows the shipped model's entities
    qtbot.waitUntil(lambda: not window.scans.running, timeout=120_000)

    dialog.select("v0001")
    assert dialog.use_button.isEnabled()
    qtbot.mouseClick(dialog.use_button, Qt.MouseButton.LeftButton)
    assert window.ws.models.current_name() == "v0001"
    assert [r[0] for r in _table(dialog)] == [IN_USE, ""]
    qtbot.waitUntil(lambda: not window.scans.running, timeout=120_000)


def test_an_update_starts_after_enough_corrections_and_undo_takes_them_back(
        window, open_window, qtbot) -> None:
    teacher = window.teacher
    started: list[bool] = []
    teacher.started.connect(lambda: started.append(True))
    need = teaching.AUTO_AFTER
    assert _retype_some(window, need - 1) == need - 1
    assert teacher.pending == need - 1 and not started
    window.undo_stack.undo()  # an undone correction is no example
    assert teacher.pending == need - 2
    assert teacher.version_button.text().endswith(f"· {need - 2} new corrections")
    window.undo_stack.redo()
    assert teacher.pending == need - 1 and not started
    _retype_some(window, 1)
    assert teacher.pending == need and started == [True] and teacher.running
    assert "after 5 new ones" in window.status_bar.text.text()
    _retype_some(window, 1)  # one more while it runs: no second start
    assert started == [True]
    with qtbot.waitSignal(teacher.cancelled, timeout=UPDATE_TIMEOUT):
        window.window_actions["teach"].trigger()  # queued ...
        qtbot.mouseClick(teacher.cancel_button, Qt.MouseButton.LeftButton)  # ... and gone
    assert started == [True] and not teacher.running
    assert window.ws.models.versions() == []
    # a cancelled update learned nothing: the corrections still count after a restart
    w2 = restart(window, open_window)
    assert w2.teacher.pending == need + 1


def test_learning_curve_in_the_dialog(window, qtbot) -> None:
    for d in window.ws.store.documents():
        window.ws.store.set_status(d.id, "reviewed")
    dialog = window.teacher.show_dialog()
    assert dialog.curve_button.isEnabled()
    assert "held-out quarter of your 5 reviewed releases" in dialog.curve_note.text()
    with qtbot.waitSignal(window.teacher.curveReady, timeout=UPDATE_TIMEOUT):
        qtbot.mouseClick(dialog.curve_button, Qt.MouseButton.LeftButton)
        assert dialog.curve_progress.isVisible() and not dialog.curve_button.isEnabled()
    points = [(dialog.points_table.item(r, 0).text(), dialog.points_table.item(r, 1).text())
              for r in range(dialog.points_table.rowCount())]
    assert [p[0] for p in points] == ["shipped model", "2 releases", "3 releases"]
    assert all(p[1].endswith("%") for p in points)
    assert len(dialog.chart.points) == 3 and not dialog.curve_progress.isVisible()
    assert window.ws.models.versions() == []  # the curve never changes the version in use
