"""Facts, notes, document status, next unreviewed, the shortcut sheet."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from ui_helpers import on_dialog, restart

from reviewer.ui.actions import SPECS
from reviewer.ui.dialogs import FactDialog, NoteDialog
from reviewer.ui.shortcuts import SHEET_IDS, ShortcutSheet


def fact_row(window, row: int = 0) -> None:
    t = window.entity_pane.facts
    t.setFocus()
    t.setCurrentIndex(window.entity_pane.fact_model.index(row, 0))


def test_verify_dispute_edit_fact_with_note(window, open_window, qtbot,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    model = window.entity_pane.fact_model
    assert model.rowCount() >= 2
    fact_row(window, 0)
    qtbot.keyClick(window.entity_pane.facts, "v")
    assert model.index(0, 2).data() == "verified"
    key0 = model.fact(0).key()
    assert window.ws.store.fact_statuses(window.session.doc_id)[key0].status == "verified"
    fact_row(window, 1)
    qtbot.keyClick(window.entity_pane.facts, "x")
    assert model.index(1, 2).data() == "disputed"
    def answer(d: FactDialog) -> None:
        d.value.setText("Corrected value")
        d.note.setPlainText("checked with the source")
        d.accept()

    on_dialog(FactDialog, answer)
    fact_row(window, 1)
    qtbot.keyClick(window.entity_pane.facts, Qt.Key.Key_F2)
    assert model.index(1, 1).data() == "Corrected value"
    assert model.index(1, 3).data() == "checked with the source"
    assert model.index(1, 2).data() == "disputed"
    window.undo_stack.undo()
    assert model.index(1, 1).data() != "Corrected value"
    window.undo_stack.redo()
    key1 = model.fact(1).key()
    w2 = restart(window, open_window)
    st = w2.ws.store.fact_statuses(w2.session.doc_id)
    assert st[key0].status == "verified"
    assert (st[key1].status, st[key1].value, st[key1].note) == (
        "disputed", "Corrected value", "checked with the source")
    assert w2.entity_pane.fact_model.index(1, 1).data() == "Corrected value"


def test_notes_on_document_span_entity_and_fact(window, open_window, qtbot,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    window.settings.set_reviewer_name("Jane Reviewer")

    def write(text: str) -> None:
        on_dialog(NoteDialog, lambda d: (d.text.setPlainText(text), d.accept()))

    note = window.actions_by_id["note"]
    window.doc_pane.setFocus()
    write("doc note")
    note.trigger()  # no selection: the release
    text = window.view.document.text
    s = text.index("Senior Officials")
    window.doc_pane.select_span(s, s + 6)
    write("span note")
    note.trigger()
    window.doc_pane.select_span(s, s)
    ep = window.entity_pane
    ep.tree.setFocus()
    ep.tree.setCurrentIndex(ep.entity_model.index(0, 0, ep.entity_model.index(0, 0)))
    write("entity note")
    note.trigger()
    fact_row(window, 0)
    write("fact note")
    note.trigger()
    notes = window.ws.store.notes(window.session.doc_id)
    assert sorted(n.target for n in notes) == ["document", "entity", "fact", "span"]
    span = next(n for n in notes if n.target == "span")
    assert (span.start, span.end, span.quote) == (s, s + 6, "Senior")
    assert ep.note_model.rowCount() == 4
    # Edit and delete, both undoable.
    ep.notes.setCurrentIndex(ep.note_model.index(0, 0))
    first = ep.current_note()
    on_dialog(NoteDialog, lambda d: (d.text.setPlainText("edited"), d.accept()))
    window.actions_by_id["edit_note"].trigger()
    assert window.ws.store.note(first.id).text == "edited"
    window.undo_stack.undo()
    assert window.ws.store.note(first.id).text == first.text
    ep.notes.setCurrentIndex(ep.note_model.index(0, 0))
    window.actions_by_id["delete_note"].trigger()
    assert window.ws.store.note(first.id) is None
    window.undo_stack.undo()
    assert window.ws.store.note(first.id).text == first.text
    w2 = restart(window, open_window)
    assert w2.entity_pane.note_model.rowCount() == 4


def test_status_and_next_unreviewed(window, open_window, qtbot) -> None:
    first = window.session.doc_id
    qtbot.keyClick(window, "3", Qt.KeyboardModifier.ControlModifier)
    assert window.ws.store.status(first) == "reviewed"
    assert window.status_combo.currentText() == "reviewed"
    model = window.library_pane.library_model
    assert model.index_of_doc(first).siblingAtColumn(1).data() == "reviewed"
    qtbot.keyClick(window, Qt.Key.Key_F8)
    qtbot.waitUntil(lambda: window.session.doc_id != first, timeout=10000)  # loads on a worker
    second = window.session.doc_id
    assert second != first and window.ws.store.status(second) == "unreviewed"
    window.undo_stack.undo()  # undo on another release shows that release
    qtbot.waitUntil(lambda: window.session.doc_id == first, timeout=10000)
    assert window.ws.store.status(first) == "unreviewed"
    window.undo_stack.redo()
    w2 = restart(window, open_window)
    assert w2.ws.store.status(first) == "reviewed"


def test_shortcut_sheet_lists_every_key(window, qtbot) -> None:
    qtbot.keyClick(window, Qt.Key.Key_F1)
    sheet = window.findChild(ShortcutSheet)
    assert sheet is not None and sheet.isVisible()
    rows = {sheet.table.item(r, 1).text() for r in range(sheet.table.rowCount())}
    for action_id in SHEET_IDS:
        assert SPECS[action_id].sheet_text in rows
    keys = {sheet.table.item(r, 0).text() for r in range(sheet.table.rowCount())}
    assert {"P", "O", "L", "N", "D", "M", "%", "E", "C", "Del, Backspace"} <= keys
    assert all(window.actions_by_id[s.id].shortcuts() for s in SPECS.values() if s.keys)


def test_next_and_previous_mention_with_f3(window, qtbot) -> None:
    ep = window.entity_pane
    model = ep.entity_model
    target = None
    for top in range(model.rowCount()):
        parent = model.index(top, 0)
        for r in range(model.rowCount(parent)):
            g = model.group(model.index(r, 0, parent))
            if len(g.mentions) >= 3:
                target = model.index(r, 0, parent)
                break
        if target:
            break
    assert target is not None
    ep.tree.setCurrentIndex(target)
    g = model.group(target)
    assert window.doc_pane.selected_span() == (g.mentions[0].start, g.mentions[0].end)
    qtbot.keyClick(window, Qt.Key.Key_F3)
    assert window.doc_pane.selected_span() == (g.mentions[1].start, g.mentions[1].end)
    qtbot.keyClick(window, Qt.Key.Key_F3, Qt.KeyboardModifier.ShiftModifier)
    assert window.doc_pane.selected_span() == (g.mentions[0].start, g.mentions[0].end)
    qtbot.keyClick(window, Qt.Key.Key_F3, Qt.KeyboardModifier.ShiftModifier)
    assert window.doc_pane.selected_span() == (g.mentions[-1].start, g.mentions[-1].end)
