"""Notes quote what they annotate; the reviewer's name is asked once (the account's full
name offered), stored with every note and shown with it."""
from __future__ import annotations

import json

from PySide6.QtCore import Qt
from ui_helpers import close_and_wait, on_dialog, restart

from reviewer import cli
from reviewer.core.user import full_name
from reviewer.ui.dialogs import NameDialog, NoteDialog


def write_note(qtbot, text: str, quotes: list[str], seen: list | None = None):
    def answer(d: NoteDialog) -> None:
        quotes.append(d.quote.text())
        qtbot.keyClicks(d.text, text)
        qtbot.mouseClick(d.ok_button, Qt.MouseButton.LeftButton)

    return on_dialog(NoteDialog, answer, seen)


def give_name(qtbot, name: str, offered: list[str]) -> None:
    def answer(d: NameDialog) -> None:
        offered.append(d.name.text())
        d.name.selectAll()
        qtbot.keyClicks(d.name, name)
        qtbot.mouseClick(d.ok_button, Qt.MouseButton.LeftButton)

    on_dialog(NameDialog, answer)


def note_rows(window) -> list[str]:
    m = window.entity_pane.note_model
    return [m.index(r, 0).data() for r in range(m.rowCount())]


def test_name_asked_once_and_notes_quote_their_target(window, open_window, qtbot,
                                                      capsys) -> None:
    text = window.view.document.text
    s = text.index("Senior Officials")
    window.doc_pane.setFocus()
    window.doc_pane.select_span(s, s + len("Senior Officials"))
    offered: list[str] = []
    quotes: list[str] = []
    give_name(qtbot, "Jane Reviewer", offered)
    write_note(qtbot, "check the title", quotes)
    qtbot.keyClick(window, "n", Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    assert offered == [full_name()]  # the account's full name, offered
    assert quotes == ["“Senior Officials”"]
    (note,) = window.ws.store.notes(window.session.doc_id)
    assert (note.text, note.author, note.quote) == ("check the title", "Jane Reviewer",
                                                    "Senior Officials")
    assert note_rows(window) == ["“Senior Officials” — Jane Reviewer: check the title"]

    # The second note: no name asked; an entity's note quotes the entity.
    ep = window.entity_pane
    ep.tree.setFocus()
    parent = ep.entity_model.index(0, 0)
    ep.tree.setCurrentIndex(ep.entity_model.index(0, 0, parent))
    group = ep.current_group()
    asked: list = []
    stop = on_dialog(NameDialog, lambda d: (asked.append(d), d.reject()))
    write_note(qtbot, "who is this", quotes)
    window.actions_by_id["note"].trigger()
    assert quotes[-1].endswith(group.canonical) and not asked
    stop()
    # A fact's note quotes the fact; the release's its title.
    facts = ep.facts
    facts.setFocus()
    facts.setCurrentIndex(ep.fact_model.index(0, 0))
    write_note(qtbot, "verify the date", quotes)
    window.actions_by_id["note"].trigger()
    assert ep.fact_model.fact(0).summary() in quotes[-1]
    window.doc_pane.setFocus()
    window.doc_pane.select_span(s, s)
    write_note(qtbot, "whole release", quotes)
    window.actions_by_id["note"].trigger()
    assert window.view.document.title in quotes[-1]
    notes = window.ws.store.notes(window.session.doc_id)
    assert {n.author for n in notes} == {"Jane Reviewer"}
    assert all("Jane Reviewer" in row for row in note_rows(window))

    # Kept: no question after a restart either.
    w2 = restart(window, open_window)
    asked.clear()
    stop = on_dialog(NameDialog, lambda d: (asked.append(d), d.reject()))
    w2.doc_pane.setFocus()
    write_note(qtbot, "after restart", quotes)
    w2.actions_by_id["note"].trigger()
    stop()
    assert not asked
    assert any(n.text == "after restart" and n.author == "Jane Reviewer"
               for n in w2.ws.store.notes(w2.session.doc_id))
    path, data = w2.view.document.path, w2.ws.data_dir
    close_and_wait(w2)
    assert cli.main(["show", path, "--json", "--data-dir", str(data)]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert {n["author"] for n in shown["notes"]} == {"Jane Reviewer"}
    span = next(n for n in shown["notes"] if n["target"] == "span")
    assert span["quote"] == "Senior Officials"


def test_editing_a_note_quotes_it_and_keeps_its_author(window, qtbot) -> None:
    give_name(qtbot, "Jane Reviewer", [])
    write_note(qtbot, "first", [])
    window.doc_pane.setFocus()
    window.actions_by_id["note"].trigger()
    ep = window.entity_pane
    ep.notes.setCurrentIndex(ep.note_model.index(0, 0))
    quotes: list[str] = []

    def edit(d: NoteDialog) -> None:
        quotes.append(d.quote.text())
        assert d.text.toPlainText() == "first"
        assert "Jane Reviewer" in d.author.text()
        d.text.selectAll()
        qtbot.keyClicks(d.text, "second")
        qtbot.mouseClick(d.ok_button, Qt.MouseButton.LeftButton)

    on_dialog(NoteDialog, edit)
    window.actions_by_id["edit_note"].trigger()
    assert window.view.document.title in quotes[0]
    (note,) = window.ws.store.notes(window.session.doc_id)
    assert (note.text, note.author) == ("second", "Jane Reviewer")


def test_a_cancelled_name_adds_no_note(window, qtbot) -> None:
    seen: list = []
    on_dialog(NameDialog, lambda d: qtbot.mouseClick(d.cancel_button,
                                                     Qt.MouseButton.LeftButton))
    stop = write_note(qtbot, "never", [], seen)
    window.doc_pane.setFocus()
    window.actions_by_id["note"].trigger()
    qtbot.wait(50)
    stop()
    assert not seen  # the note dialog never opened
    assert window.ws.store.notes(window.session.doc_id) == []
    assert window.settings.reviewer_name() == ""


def test_your_name_in_the_review_menu_changes_the_signature(window, qtbot) -> None:
    give_name(qtbot, "Jane Reviewer", [])
    write_note(qtbot, "first", [])
    window.doc_pane.setFocus()
    window.actions_by_id["note"].trigger()
    offered: list[str] = []
    give_name(qtbot, "J. Reviewer", offered)
    action = window.actions_by_id["reviewer_name"]
    assert action in window.menus["&Review"].actions()
    action.trigger()
    assert offered == ["Jane Reviewer"]
    assert window.settings.reviewer_name() == "J. Reviewer"
    write_note(qtbot, "second", [])
    window.actions_by_id["note"].trigger()
    authors = {n.text: n.author for n in window.ws.store.notes(window.session.doc_id)}
    assert authors == {"first": "Jane Reviewer", "second": "J. Reviewer"}
