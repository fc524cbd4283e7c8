"""When the store cannot take a change (a full disk, the data folder deleted), the window
says so in a dialog, keeps what was typed, and leaves no undo entry for what was not
saved."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from disks import fill_disk
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QMessageBox
from ui_helpers import wait_until

from reviewer.core.review.workspace import Workspace

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def full_disk_window(small_disk: Path, tmp_path: Path, open_window):
    """A window on a data folder whose disk is then filled up."""
    data, docs = small_disk / "data", tmp_path / "releases"
    shutil.copytree(ROOT / "sample_docs", docs)
    with Workspace(data) as ws:
        ws.store.add_folder(str(docs.resolve()))
    w = open_window(data)
    fill_disk(small_disk)
    return w


def plain_word(window, word: str) -> tuple[int, int]:
    text = window.view.document.text
    s = text.index(word)
    return s, s + len(word)


def failure_text(window) -> str:
    box = window.failures.box
    assert isinstance(box, QMessageBox) and box.isVisible()
    return box.text() + "\n" + box.informativeText()


def test_label_keys_on_a_full_disk_say_so(full_disk_window, qtbot) -> None:
    w = full_disk_window
    doc_id = w.session.doc_id
    s, e = plain_word(w, "Senior Officials")
    for key in "pop":
        w.doc_pane.select_span(s, e)
        qtbot.keyClick(w.doc_pane, key)
    wait_until(lambda: w.failures.box is not None and w.failures.box.isVisible())
    text = failure_text(w)
    assert "not saved" in text and "is full" in text and "Free some space" in text
    assert "3 changes were not saved" in text  # one dialog, counting, not three
    assert w.undo_stack.count() == 0
    assert all(ent.text != "Senior Officials" for ent in w.view.entities)
    assert w.ws.store.corrections(doc_id) == []


def test_status_key_on_a_full_disk_says_so(full_disk_window, qtbot) -> None:
    w = full_disk_window
    before = w.ws.store.status(w.session.doc_id)
    qtbot.keyClick(w, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    wait_until(lambda: w.failures.box is not None and w.failures.box.isVisible())
    assert "Status: reviewed" in failure_text(w) and "is full" in failure_text(w)
    assert w.ws.store.status(w.session.doc_id) == before
    assert w.status_combo.currentText() == before


def test_summary_on_a_full_disk_keeps_the_typing(full_disk_window, qtbot) -> None:
    w = full_disk_window
    box = w.entity_pane.summary
    box.edit.setFocus()
    box.edit.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(box.edit, " Talks resume in May.")
    typed = box.text()
    qtbot.mouseClick(box.save_button, Qt.MouseButton.LeftButton)
    wait_until(lambda: w.failures.box is not None and w.failures.box.isVisible())
    assert "Edit summary" in failure_text(w) and "is full" in failure_text(w)
    # What was typed is still there, still marked unsaved, and in the dialog's details.
    assert box.text() == typed and box.state.text() == "(not saved)"
    assert "Talks resume in May." in w.failures.box.detailedText()
    assert w.ws.store.summary(w.session.doc_id) is None
