"""The summary box: generated or the reviewer's own, saved as an undoable command."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from ui_helpers import restart

from reviewer.core.export import generated_summary
from reviewer.ui.workers import ExportJob


def test_edit_summary_with_keys_undo_restart_and_export(window, open_window, qtbot,
                                                        tmp_path) -> None:
    box = window.entity_pane.summary
    doc_id = window.session.doc_id
    generated = generated_summary(window.view.document, window.view.entities)
    assert generated and box.text() == generated
    assert box.state.text() == "(generated)"
    assert not box.save_button.isEnabled() and not box.revert_button.isEnabled()
    # Type a sentence at the end through the keyboard, then save.
    box.edit.setFocus()
    box.edit.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(box.edit, " Reviewer: talks resume in May? P")
    edited = generated + " Reviewer: talks resume in May? P"
    # Typing here is text: "?" is not the shortcut sheet, "P" labels nothing.
    assert not hasattr(window, "_sheet")
    assert window.ws.store.corrections(doc_id) == []
    assert box.text() == edited and box.state.text() == "(not saved)"
    assert box.save_button.isEnabled()
    # A correction meanwhile keeps the unsaved typing.
    window.presenter.refresh_view()
    qtbot.wait(10)
    assert box.text() == edited
    qtbot.mouseClick(box.save_button, Qt.MouseButton.LeftButton)
    assert window.ws.store.summary(doc_id) == edited
    assert box.state.text() == "(edited by the reviewer)" and box.revert_button.isEnabled()
    assert window.undo_stack.text(window.undo_stack.count() - 1) == "Edit summary"
    window.undo_stack.undo()
    assert window.ws.store.summary(doc_id) is None
    assert box.text() == generated and box.state.text() == "(generated)"
    window.undo_stack.redo()
    assert window.ws.store.summary(doc_id) == edited and box.text() == edited
    # Simulated restart: the reviewer's summary is back.
    w2 = restart(window, open_window)
    box2 = w2.entity_pane.summary
    assert w2.session.doc_id == doc_id
    assert box2.text() == edited and box2.state.text() == "(edited by the reviewer)"
    # The memo uses it.
    target = tmp_path / "memo.docx"
    with qtbot.waitSignal(w2.exports.finished, timeout=30000):
        w2.exporter.start_export(ExportJob([doc_id], str(target)))
    import docx

    paras = [p.text for p in docx.Document(str(target)).paragraphs]
    # The release's section: its heading, the dateline and review line, then the summary.
    i = next(i for i, t in enumerate(paras) if t.startswith("1. "))
    assert paras[i + 2] == edited
    # Revert to generated: undoable too.
    qtbot.mouseClick(box2.revert_button, Qt.MouseButton.LeftButton)
    assert w2.ws.store.summary(doc_id) is None and box2.text() == generated
    w2.undo_stack.undo()
    assert w2.ws.store.summary(doc_id) == edited and box2.text() == edited


def test_summary_follows_the_open_release(window, qtbot) -> None:
    box = window.entity_pane.summary
    first = box.text()
    box.edit.setFocus()
    qtbot.keyClicks(box.edit, "unsaved")
    ids = [d.id for d in window.ws.store.documents()]
    other = next(i for i in ids if i != window.session.doc_id)
    window.open_document(other)
    qtbot.waitUntil(lambda: box.doc_id == other, timeout=3000)  # right after the text
    assert box.doc_id == other and box.text() != first and not box.is_dirty()
    assert box.text() == generated_summary(window.view.document, window.view.entities)
