"""Editing a fact: one dialog (value, status, note, with the evidence quoted); the facts
table shows the edited value; `reviewer show` and the release's data (what the memo
reads) carry the value and the note."""
from __future__ import annotations

import json

from PySide6.QtCore import Qt
from ui_helpers import close_and_wait, on_dialog

from reviewer import cli
from reviewer.core.review.view import document_view
from reviewer.core.review.workspace import Workspace
from reviewer.ui.dialogs import FactDialog


def fact_row(window, row: int) -> None:
    t = window.entity_pane.facts
    t.setFocus()
    t.setCurrentIndex(window.entity_pane.fact_model.index(row, 0))


def fill(qtbot, dialog: FactDialog, value: str, note: str, status_key: Qt.Key | None) -> None:
    dialog.value.selectAll()
    qtbot.keyClicks(dialog.value, value)
    if status_key is not None:
        dialog.status.setFocus()
        qtbot.keyClick(dialog.status, status_key)
    dialog.note.setFocus()
    qtbot.keyClicks(dialog.note, note)


def test_one_dialog_edits_value_status_and_note(window, qtbot, capsys, tmp_path) -> None:
    model = window.entity_pane.fact_model
    fact = model.fact(1)
    text = window.view.document.text
    seen: list[FactDialog] = []

    def answer(d: FactDialog) -> None:
        assert d.quote.text() == " ".join(text[fact.start:fact.end].split())
        assert d.value.text() == fact.summary()
        assert d.status.currentText() == "unverified"
        d.grab().save(str(tmp_path / "fact-dialog.png"))
        fill(qtbot, d, "Corrected value", "checked with the source", Qt.Key.Key_Down)
        assert d.status.currentText() == "verified"
        qtbot.mouseClick(d.ok_button, Qt.MouseButton.LeftButton)

    on_dialog(FactDialog, answer, seen)
    fact_row(window, 1)
    qtbot.keyClick(window.entity_pane.facts, Qt.Key.Key_F2)
    assert len(seen) == 1  # one dialog, not two in a row
    assert model.index(1, 1).data() == "Corrected value"
    assert model.index(1, 2).data() == "verified"
    assert model.index(1, 3).data() == "checked with the source"
    assert "extracted: " + fact.summary() in model.index(1, 1).data(Qt.ItemDataRole.ToolTipRole)
    doc_id = window.session.doc_id
    st = window.ws.store.fact_statuses(doc_id)[fact.key()]
    assert (st.status, st.value, st.note) == ("verified", "Corrected value",
                                              "checked with the source")
    # One undo takes the whole edit back.
    window.undo_stack.undo()
    assert model.index(1, 1).data() == fact.summary()
    assert model.index(1, 2).data() == "unverified"
    window.undo_stack.redo()
    path = window.view.document.path
    data = window.ws.data_dir
    close_and_wait(window)

    # `reviewer show --json` carries the value and the note ...
    assert cli.main(["show", path, "--json", "--data-dir", str(data)]) == 0
    shown = json.loads(capsys.readouterr().out)
    row = next(f for f in shown["facts"] if f["extracted"] == fact.summary())
    assert (row["status"], row["value"], row["note"], row["edited"]) == (
        "verified", "Corrected value", "checked with the source", True)
    # ... and so does the plain listing,
    assert cli.main(["show", path, "--data-dir", str(data)]) == 0
    out = capsys.readouterr().out
    assert "Corrected value" in out and "checked with the source" in out
    # and the release's data the memo is built from.
    with Workspace(data) as ws:
        view = document_view(ws, doc_id)
        review = next(r for r in view.fact_reviews() if r.fact.key() == fact.key())
        assert (review.value, review.extracted, review.note, review.status, review.edited) \
            == ("Corrected value", fact.summary(), "checked with the source", "verified", True)
        untouched = next(r for r in view.fact_reviews() if r.fact.key() != fact.key())
        assert not untouched.edited and untouched.value == untouched.extracted


def test_cancel_changes_nothing(window, qtbot) -> None:
    model = window.entity_pane.fact_model

    def cancel(d: FactDialog) -> None:
        fill(qtbot, d, "Not kept", "not kept either", None)
        qtbot.mouseClick(d.cancel_button, Qt.MouseButton.LeftButton)

    on_dialog(FactDialog, cancel)
    fact_row(window, 0)
    qtbot.keyClick(window.entity_pane.facts, Qt.Key.Key_F2)
    assert window.ws.store.fact_statuses(window.session.doc_id) == {}
    assert window.undo_stack.count() == 0
    assert model.index(0, 1).data() != "Not kept"


def test_value_back_to_the_extracted_one(window, qtbot) -> None:
    """Typing the extracted value again (or nothing) keeps no edited value."""
    model = window.entity_pane.fact_model
    fact = model.fact(0)

    def edit(d: FactDialog) -> None:
        fill(qtbot, d, "Other", "", None)
        qtbot.keyClick(d.value, Qt.Key.Key_Return)  # Enter accepts

    on_dialog(FactDialog, edit)
    fact_row(window, 0)
    qtbot.keyClick(window.entity_pane.facts, Qt.Key.Key_F2)
    assert window.ws.store.fact_statuses(window.session.doc_id)[fact.key()].value == "Other"

    def clear(d: FactDialog) -> None:
        assert d.value.text() == "Other"
        d.value.selectAll()
        qtbot.keyClick(d.value, Qt.Key.Key_Delete)
        qtbot.mouseClick(d.ok_button, Qt.MouseButton.LeftButton)

    on_dialog(FactDialog, clear)
    fact_row(window, 0)
    qtbot.keyClick(window.entity_pane.facts, Qt.Key.Key_F2)
    assert window.ws.store.fact_statuses(window.session.doc_id)[fact.key()].value is None
    assert model.index(0, 1).data() == fact.summary()
