"""A release moved and edited comes back as a new release: its review data, left on the
missing row, is offered back (matched by name and by its corrections and notes found in
the new text), re-attached undoably, and missing releases with review data are listed
in the library."""
from __future__ import annotations

import shutil

from PySide6.QtCore import Qt
from ui_helpers import close_and_wait, doc_id_of, on_dialog, open_and_wait, wait_until

from reviewer.ui.dialogs import NoteDialog
from reviewer.ui.item_models import MissingRole
from reviewer.ui.library_models import MISSING_FOLDER
from reviewer.ui.reattach import ReattachDialog

THIRD = "002_b7fa9ce2e10e8a5e.txt"


def review_third(window, qtbot) -> tuple[int, str]:
    """A correction, a note on a span and the status reviewed on 002."""
    doc_id = doc_id_of(window, THIRD)
    open_and_wait(window, doc_id)
    text = window.view.document.text
    word = "Pham Minh Chinh"
    s = text.index(word)
    window.doc_pane.setFocus()
    window.doc_pane.select_span(s, s + len(word))
    qtbot.keyClick(window.doc_pane, "o")  # retype as an organisation: a correction
    window.settings.set_reviewer_name("Jane Reviewer")
    on_dialog(NoteDialog, lambda d: (d.text.setPlainText("check his title"), d.accept()))
    window.doc_pane.select_span(s, s + len(word))
    window.actions_by_id["note"].trigger()
    window.activateWindow()  # back from the note's dialog
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, "3", Qt.KeyboardModifier.ControlModifier)
    store = window.ws.store
    assert store.status(doc_id) == "reviewed" and len(store.notes(doc_id)) == 1
    return doc_id, text


def missing_rows(window) -> list[str]:
    model = window.library_pane.library_model
    for top in range(model.rowCount()):
        parent = model.index(top, 0)
        if parent.data() == MISSING_FOLDER:
            return [model.index(r, 0, parent).data() for r in range(model.rowCount(parent))]
    return []


def test_moved_and_edited_release_gets_its_review_back(ui_dirs, open_window, qtbot,
                                                       tmp_path) -> None:
    data, docs = ui_dirs
    window = open_window(data)
    old_id, text = review_third(window, qtbot)
    close_and_wait(window)
    # Moved into a subfolder and edited: a sentence added, another word changed.
    (docs / "archive").mkdir()
    edited = text.replace("Prime Minister", "PM", 1) + "\nA sentence added later.\n"
    (docs / "archive" / THIRD).write_text(edited, encoding="utf-8")
    (docs / THIRD).unlink()
    offered: list[ReattachDialog] = []

    def look(d: ReattachDialog) -> None:
        offered.append(d)

    on_dialog(ReattachDialog, look)
    window = open_window(data)
    wait_until(lambda: bool(offered) and not window.reattach.running)
    dialog = offered[0]
    assert dialog.table.rowCount() == 1
    first, review, found = (dialog.table.item(0, c).text() for c in range(3))
    assert str(docs / THIRD) in first
    assert review == "1 correction, 1 note, reviewed"
    assert str(docs / "archive" / THIRD) in found and "same file name" in found
    assert "2 of 2 corrections and notes found" in found
    assert dialog.table.item(0, 0).checkState() == Qt.CheckState.Checked
    dialog.grab().save(str(tmp_path / "reattach.png"))
    # Listed in the library too, until re-attached.
    assert len(missing_rows(window)) == 1
    new_id = doc_id_of(window, "archive/" + THIRD)
    assert new_id != old_id and window.ws.store.status(new_id) == "unreviewed"
    qtbot.mouseClick(dialog.reattach_button, Qt.MouseButton.LeftButton)
    store = window.ws.store
    assert store.status(new_id) == "reviewed" and store.status(old_id) == "unreviewed"
    assert [n.text for n in store.notes(new_id)] == ["check his title"]
    assert store.notes(old_id) == [] and store.corrections(old_id) == []
    # The release is shown with its corrections and notes on the edited text.
    wait_until(lambda: window.view is not None and window.view.document.doc_id == new_id
               and not window.controller.loading and not window.reattach.running)
    view = window.view
    s = view.document.text.index("Pham Minh Chinh")
    assert any(e.start == s and e.label == "ORG" for e in view.entities)
    assert [(n.start, n.orphaned) for n in view.notes] == [(s, False)]
    assert window.library_pane.library_model.index_of_doc(new_id).siblingAtColumn(1).data() \
        == "reviewed"
    wait_until(lambda: missing_rows(window) == [])  # the library list refills after it
    # One undo puts it all back on the missing release.
    window.undo_stack.undo()
    wait_until(lambda: not window.reattach.running)
    assert store.status(new_id) == "unreviewed" and store.status(old_id) == "reviewed"
    assert len(store.notes(old_id)) == 1 and store.notes(new_id) == []
    wait_until(lambda: len(missing_rows(window)) == 1)


def test_missing_release_without_a_copy_is_listed(ui_dirs, open_window, qtbot) -> None:
    data, docs = ui_dirs
    window = open_window(data)
    old_id, _text = review_third(window, qtbot)
    close_and_wait(window)
    shutil.move(str(docs / THIRD), str(tmp_dir := docs.parent / "elsewhere"))
    assert tmp_dir.exists()
    window = open_window(data)
    wait_until(lambda: not window.reattach.running and bool(missing_rows(window)))
    rows = missing_rows(window)
    assert len(rows) == 1
    model = window.library_pane.library_model
    top = next(model.index(r, 0) for r in range(model.rowCount())
               if model.index(r, 0).data() == MISSING_FOLDER)
    row = model.index(0, 0, top)
    assert row.data(MissingRole) == old_id
    assert "not found again" in row.data(Qt.ItemDataRole.ToolTipRole)
    assert "1 correction, 1 note, reviewed" in row.data(Qt.ItemDataRole.ToolTipRole)
    # Clicking it shows the missing releases; nothing to re-attach.
    tree = window.library_pane.tree
    tree.scrollTo(row)
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton,
                     pos=tree.visualRect(row).center())
    dialog = window.reattach.dialog
    assert dialog is not None and dialog.isVisible()
    assert "not found" in dialog.table.item(0, 2).text()
    assert not dialog.reattach_button.isEnabled()
    assert window.actions_by_id["missing_releases"] in window.menus["&Review"].actions()
