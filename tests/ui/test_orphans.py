"""Corrections that no longer fit a release's text (its file changed) are listed in the
entity pane, can be discarded (undoably), and come back to life with their text."""
from __future__ import annotations

import json

from PySide6.QtCore import Qt
from ui_helpers import FIRST, close_and_wait, wait_until

from reviewer import cli


def rescan(window, qtbot) -> None:
    """The folder watcher's scan, then the open release reloaded from its new text."""
    before = window.view
    with qtbot.waitSignal(window.scanFinished, timeout=30000):
        window.scans.request()
    wait_until(lambda: window.view is not before and not window.controller.loading
               and not window.presenter.deferred_timer.isActive())


def test_orphaned_corrections_are_listed_and_discarded(window, qtbot, ui_dirs,
                                                       capsys, tmp_path) -> None:
    docs = ui_dirs[1]
    ep = window.entity_pane
    assert not ep.orphans_box.isVisible()
    text = window.view.document.text
    s = text.index("Senior Officials")
    window.doc_pane.setFocus()
    window.doc_pane.select_span(s, s + len("Senior Officials"))
    qtbot.keyClick(window.doc_pane, "p")
    doc_id = window.session.doc_id
    assert len(window.ws.store.corrections(doc_id)) == 1
    # The file changes on disk: "Senior Officials" is gone.
    path = docs / FIRST
    path.write_text(text.replace("Senior Officials", "Ministers"), encoding="utf-8")
    rescan(window, qtbot)
    assert ep.orphans_box.isVisible()
    assert ep.orphans_title.text() == "1 correction no longer found in the text"
    row = ep.orphan_model.index(0, 0)
    assert row.data() == "Label “Senior Officials” as Person"
    assert "Not found in the release as it reads now" in row.data(Qt.ItemDataRole.ToolTipRole)
    assert "no longer found in the text" in window.status_bar.text.text()
    ep.grab().save(str(tmp_path / "orphans.png"))
    # `reviewer show` says so too.
    data = window.ws.data_dir
    # Discard: gone from the store, back with undo.
    rect = ep.orphans.visualRect(row)
    qtbot.mouseClick(ep.orphans.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseClick(ep.discard_button, Qt.MouseButton.LeftButton)
    assert window.ws.store.corrections(doc_id) == []
    assert not ep.orphans_box.isVisible()
    window.undo_stack.undo()
    assert [c.text for c in window.ws.store.corrections(doc_id)] == ["Senior Officials"]
    assert ep.orphans_box.isVisible()
    close_and_wait(window)
    assert cli.main(["show", str(path), "--json", "--data-dir", str(data)]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert [(c["action"], c["text"]) for c in shown["orphaned_corrections"]] == [
        ("add", "Senior Officials")]


def test_an_orphan_applies_again_when_its_text_comes_back(window, qtbot, ui_dirs) -> None:
    docs = ui_dirs[1]
    ep = window.entity_pane
    text = window.view.document.text
    s = text.index("Senior Officials")
    window.doc_pane.setFocus()
    window.doc_pane.select_span(s, s + len("Senior Officials"))
    qtbot.keyClick(window.doc_pane, "p")
    (docs / FIRST).write_text(text.replace("Senior Officials", "Ministers"), encoding="utf-8")
    rescan(window, qtbot)
    assert ep.orphan_model.rowCount() == 1
    (docs / FIRST).write_text(text, encoding="utf-8")
    rescan(window, qtbot)
    assert not ep.orphans_box.isVisible() and ep.orphan_model.rowCount() == 0
    assert any(x.text == "Senior Officials" and x.label == "PERSON"
               for x in window.view.entities)
