"""Selecting several releases in the library with the mouse: Shift+click selects a range,
Ctrl+click adds or removes one, a plain click opens a release and selects it alone."""
from __future__ import annotations

from PySide6.QtCore import Qt
from ui_helpers import doc_id_of, open_and_wait, wait_until

NAMES = ["000_f7c1be859b819757.txt", "001_5823aec3ae932b3b.txt", "002_b7fa9ce2e10e8a5e.txt",
         "003_0f462b27d61fa48e.txt", "004_931a6d2c2293319e.txt"]
CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


def click(qtbot, window, name: str, mods=Qt.KeyboardModifier.NoModifier) -> None:
    tree = window.library_pane.tree
    idx = window.library_pane.library_model.index_of_doc(doc_id_of(window, name))
    tree.scrollTo(idx)
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, mods,
                     tree.visualRect(idx).center())


def selected(window) -> list[int]:
    return window.library_pane.selected_doc_ids()


def ids(window, *names: str) -> list[int]:
    return [doc_id_of(window, n) for n in names]


def test_shift_and_ctrl_click_select_several_releases(window, qtbot, tmp_path) -> None:
    click(qtbot, window, NAMES[1])
    wait_until(lambda: window.session.doc_id == doc_id_of(window, NAMES[1])
               and not window.controller.loading)
    assert selected(window) == ids(window, NAMES[1])
    click(qtbot, window, NAMES[3], SHIFT)
    qtbot.wait(50)
    wait_until(lambda: not window.controller.loading)
    assert selected(window) == ids(window, *NAMES[1:4])
    click(qtbot, window, NAMES[0], CTRL)
    wait_until(lambda: not window.controller.loading)
    assert selected(window) == ids(window, *NAMES[:4])
    click(qtbot, window, NAMES[2], CTRL)  # Ctrl+click again: out of the selection
    wait_until(lambda: not window.controller.loading)
    assert selected(window) == ids(window, NAMES[0], NAMES[1], NAMES[3])
    # A modified click only selects: the open release stays.
    assert window.session.doc_id == doc_id_of(window, NAMES[1])
    window.library_pane.tree.grab().save(str(tmp_path / "library-selection.png"))
    # The selection is what the memo export takes as "the selected releases".
    assert window.exporter is not None
    # A plain click opens a release and selects it alone.
    click(qtbot, window, NAMES[4])
    wait_until(lambda: window.session.doc_id == doc_id_of(window, NAMES[4])
               and not window.controller.loading)
    assert selected(window) == ids(window, NAMES[4])


def test_selection_survives_a_status_change(window, qtbot) -> None:
    click(qtbot, window, NAMES[0])
    wait_until(lambda: window.session.doc_id == doc_id_of(window, NAMES[0])
               and not window.controller.loading)
    click(qtbot, window, NAMES[2], SHIFT)
    assert selected(window) == ids(window, *NAMES[:3])
    window.doc_pane.setFocus()
    qtbot.keyClick(window, "3", CTRL)  # the open release: reviewed
    assert window.ws.store.status(doc_id_of(window, NAMES[0])) == "reviewed"
    assert selected(window) == ids(window, *NAMES[:3])


def test_opening_by_keyboard_keeps_a_multi_selection(window, qtbot) -> None:
    click(qtbot, window, NAMES[0])
    click(qtbot, window, NAMES[1], CTRL)
    assert selected(window) == ids(window, *NAMES[:2])
    open_and_wait(window, doc_id_of(window, NAMES[1]))  # e.g. F8 or an undo elsewhere
    assert selected(window) == ids(window, *NAMES[:2])
