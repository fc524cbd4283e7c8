"""The label toolbar labels the selection; highlight toggles live in View > Highlights;
default keys avoid what desktops grab; every key can be rebound in the shortcut sheet
and the new binding is kept in the data folder."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QKeySequence, QTextCharFormat
from PySide6.QtWidgets import QToolButton
from ui_helpers import restart

from reviewer.core.model import LABELS
from reviewer.core.palette import LABEL_COLORS
from reviewer.ui.actions import SPECS
from reviewer.ui.keymap import Keymap
from reviewer.ui.shortcuts import SHEET_IDS, ShortcutSheet

#: Keys the major desktops take for themselves (workspaces, lock, terminals, launchers,
#: window management): GNOME, KDE Plasma, Xfce, Cinnamon, MATE, Windows, macOS.
DESKTOP_KEYS = {
    *(f"Ctrl+Alt+{k}" for k in ("Left", "Right", "Up", "Down", "Del", "T", "L", "D",
                                "Backspace", "Tab", "Esc")),
    *(f"Ctrl+Alt+Shift+{k}" for k in ("Left", "Right", "Up", "Down")),
    *(f"Shift+Ctrl+Alt+{k}" for k in ("Left", "Right", "Up", "Down")),
    *(f"Ctrl+F{n}" for n in range(1, 13)), *(f"Ctrl+Alt+F{n}" for n in range(1, 13)),
    "Alt+Tab", "Alt+Shift+Tab", "Alt+F1", "Alt+F2", "Alt+F3", "Alt+F4", "Alt+F7", "Alt+F8",
    "Alt+F9", "Alt+F10", "Alt+Space", "Alt+Esc", "Ctrl+Esc", "Ctrl+Space",
}


def row_of(action_id: str) -> int:
    return SHEET_IDS.index(action_id)


def plain_word(window, word: str) -> tuple[int, int]:
    text = window.view.document.text
    s = text.index(word)
    assert not any(e.start < s + len(word) and s < e.end for e in window.view.entities)
    return s, s + len(word)


def span_label(window, s: int, e: int) -> str | None:
    return next((x.label for x in window.view.entities if (x.start, x.end) == (s, e)), None)


def backgrounds(window) -> set[str]:
    return {QTextCharFormat(x.format).background().color().name().upper()
            for x in window.doc_pane.extraSelections()}


def toolbar_button(window, label: str) -> QToolButton:
    button = window.toolbar.widgetForAction(window.actions_by_id[f"retype_{label}"])
    assert isinstance(button, QToolButton)
    return button


def open_sheet(window, qtbot) -> ShortcutSheet:
    qtbot.keyClick(window, Qt.Key.Key_F1)
    sheet = window.findChild(ShortcutSheet)
    assert sheet is not None and sheet.isVisible()
    return sheet


def rebind(sheet: ShortcutSheet, qtbot, action_id: str, key: Qt.Key,
           mods: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    """Pick the command's row with the mouse, record the key, click Assign."""
    table = sheet.table
    rect = table.visualRect(table.model().index(row_of(action_id), 1))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert sheet.current_id() == action_id
    sheet.key_edit.setFocus()
    qtbot.keyClick(sheet.key_edit, key, mods)
    qtbot.mouseClick(sheet.assign_button, Qt.MouseButton.LeftButton)


# -- the label toolbar ---------------------------------------------------------------------

def test_toolbar_label_buttons_label_the_selection(window, qtbot, tmp_path) -> None:
    toolbar_actions = window.toolbar.actions()
    for label in LABELS:
        assert window.actions_by_id[f"retype_{label}"] in toolbar_actions
        assert window.actions_by_id[f"show_{label}"] not in toolbar_actions
    assert not any(a.isCheckable() for a in toolbar_actions)
    s, e = plain_word(window, "Senior Officials")
    window.doc_pane.setFocus()
    window.doc_pane.select_span(s, e)
    button = toolbar_button(window, "PERSON")
    assert "Label the selection" in button.toolTip() and "(P)" in button.toolTip()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert span_label(window, s, e) == "PERSON"
    assert [(c.action, c.label, c.text) for c in
            window.ws.store.corrections(window.session.doc_id)] == [
        ("add", "PERSON", "Senior Officials")]
    # Retyping the entity under the cursor from the toolbar.
    window.doc_pane.select_span(s, e)
    qtbot.mouseClick(toolbar_button(window, "ORG"), Qt.MouseButton.LeftButton)
    assert span_label(window, s, e) == "ORG"
    window.toolbar.grab().save(str(tmp_path / "toolbar.png"))


def test_highlight_toggles_are_in_the_view_menu(window, qtbot) -> None:
    highlights = window.menus["&View/&Highlights"]
    toggles = {a.text(): a for a in highlights.actions()}
    assert set(toggles) >= {"Person", "Organisation", "Place"}
    assert all(a.isCheckable() and a.isChecked() for a in toggles.values())
    person = LABEL_COLORS["PERSON"].upper()
    assert person in backgrounds(window)
    toggles["Person"].trigger()
    assert person not in backgrounds(window)
    assert "PERSON" not in window.presenter.visible_labels
    toggles["Person"].trigger()
    assert person in backgrounds(window)


# -- default keys --------------------------------------------------------------------------

def test_no_default_key_is_one_a_desktop_grabs(qtbot) -> None:
    km = Keymap()
    taken = {QKeySequence(k).toString() for k in DESKTOP_KEYS}
    for action_id in km.ids():
        for key in km.keys(action_id):
            assert key.toString() not in taken, (action_id, key.toString())
    assert not km.conflicts()


def senior(window, qtbot) -> tuple[int, int]:
    """"Senior" labelled Organisation, selected: (start, end of "Senior Officials")."""
    s = window.view.document.text.index("Senior Officials agreed")
    window.doc_pane.setFocus()
    window.doc_pane.select_span(s, s + len("Senior"))
    qtbot.keyClick(window.doc_pane, "o")
    window.doc_pane.select_span(s, s + len("Senior"))
    return s, s + len("Senior Officials")


def test_alt_arrows_grow_and_shrink_an_entity(window, qtbot) -> None:
    s, e = senior(window, qtbot)
    qtbot.keyClick(window.doc_pane, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert span_label(window, s, e) == "ORG"
    assert window.doc_pane.selected_span() == (s, e)
    qtbot.keyClick(window.doc_pane, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert span_label(window, s, s + len("Senior")) == "ORG"
    assert span_label(window, s, e) is None
    # With Shift: the start (grow to the word before, then shrink back).
    before = s - len("The ")
    assert window.view.document.text[before:s] == "The "
    qtbot.keyClick(window.doc_pane, Qt.Key.Key_Left,
                   Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ShiftModifier)
    assert span_label(window, before, s + len("Senior")) == "ORG"
    qtbot.keyClick(window.doc_pane, Qt.Key.Key_Right,
                   Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ShiftModifier)
    assert span_label(window, s, s + len("Senior")) == "ORG"


# -- rebinding -----------------------------------------------------------------------------

def test_rebinding_a_window_key_in_the_sheet_is_kept(window, open_window, qtbot) -> None:
    sheet = open_sheet(window, qtbot)
    rebind(sheet, qtbot, "grow_end", Qt.Key.Key_BracketRight,
           Qt.KeyboardModifier.ControlModifier)
    ctrl_bracket = QKeySequence("Ctrl+]")
    assert window.actions_by_id["grow_end"].shortcuts() == [ctrl_bracket]
    row = sheet.rows()[row_of("grow_end")]
    assert row[0] == ctrl_bracket.toString(QKeySequence.SequenceFormat.NativeText)
    assert row[2] == "window"
    # Pressing it works at once; the old key does nothing any more.
    sheet.close()
    s, e = senior(window, qtbot)
    qtbot.keyClick(window.doc_pane, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert span_label(window, s, e) is None
    qtbot.keyClick(window.doc_pane, Qt.Key.Key_BracketRight, Qt.KeyboardModifier.ControlModifier)
    assert span_label(window, s, e) == "ORG"
    # Kept in the data folder's settings, and read back at the next start.
    w2 = restart(window, open_window)
    assert w2.actions_by_id["grow_end"].shortcuts() == [ctrl_bracket]
    sheet2 = open_sheet(w2, qtbot)
    assert sheet2.rows()[row_of("grow_end")][0] == row[0]
    qtbot.mouseClick(sheet2.reset_all_button, Qt.MouseButton.LeftButton)
    assert w2.actions_by_id["grow_end"].shortcuts() == [QKeySequence("Alt+Right")]


def test_rebinding_a_label_key_moves_labelling_to_the_new_key(window, qtbot) -> None:
    sheet = open_sheet(window, qtbot)
    rebind(sheet, qtbot, "retype_PERSON", Qt.Key.Key_Y)
    assert sheet.rows()[row_of("retype_PERSON")][0] == "Y"
    assert sheet.rows()[row_of("retype_PERSON")][2] == "text and entity list"
    sheet.close()
    s, e = plain_word(window, "Senior Officials")
    window.doc_pane.setFocus()
    window.doc_pane.select_span(s, e)
    qtbot.keyClick(window.doc_pane, "p")
    assert span_label(window, s, e) is None
    assert window.ws.store.corrections(window.session.doc_id) == []
    qtbot.keyClick(window.doc_pane, "y")
    assert span_label(window, s, e) == "PERSON"
    # Everything that names the key says the new one.
    assert "(Y)" in toolbar_button(window, "PERSON").toolTip()
    assert window.actions_by_id["retype_PERSON"].text().endswith("\tY")
    model = window.entity_pane.entity_model
    tops = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert "Person [Y]" in tops


def test_a_key_taken_from_another_command_is_said(window, qtbot) -> None:
    sheet = open_sheet(window, qtbot)
    rebind(sheet, qtbot, "retype_PERSON", Qt.Key.Key_O)
    assert "Taken from: Label the selection (or retype the entity) as Organisation" in \
        sheet.message.text()
    assert sheet.rows()[row_of("retype_ORG")][0] == "—"
    assert not window.keymap.conflicts()
    qtbot.mouseClick(sheet.default_button, Qt.MouseButton.LeftButton)  # Person: back to P
    assert window.keymap.text("retype_PERSON") == "P"
    assert window.keymap.text("retype_ORG") == "—" or window.keymap.text("retype_ORG") == ""
    # A fact key rebound in the same way.
    rebind(sheet, qtbot, "verify", Qt.Key.Key_K)
    assert SPECS["verify"].view == "facts list"
    facts = window.entity_pane.facts
    facts.setFocus()
    facts.setCurrentIndex(window.entity_pane.fact_model.index(0, 0))
    qtbot.keyClick(facts, "k")
    assert window.entity_pane.fact_model.index(0, 2).data() == "verified"
    assert "K verify" in window.entity_pane.facts_title.text()


def test_the_toolbar_as_shown(window, qtbot, tmp_path) -> None:
    """Look: swatches with their keys, then the status and Next unreviewed."""
    png = tmp_path / "toolbar.png"
    window.toolbar.grab().save(str(png))
    assert png.stat().st_size > 0
    colours = {toolbar_button(window, lab).icon().pixmap(16, 16).toImage().pixelColor(1, 1)
               .name().upper() for lab in LABELS}
    assert len(colours) == len(LABELS)
    assert QColor("#E69F00").name().upper() in colours
