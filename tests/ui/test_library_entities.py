"""Entities across releases (View > Entities across releases): canonical name, aliases,
label, releases and mentions for the whole library; proposals across releases; merge,
split and the reviewer's choice of canonical name there. "Nguyen Quoc Dzung" (000) and
"Nguyen Quoc Dung" (001, 003) become one person in every release and in the data the
memo is made from."""
from __future__ import annotations

from PySide6.QtCore import Qt
from ui_helpers import close_and_wait, doc_id_of, on_dialog, wait_until

from reviewer.core.extract.linking import link
from reviewer.core.review.view import document_view
from reviewer.core.review.workspace import Workspace
from reviewer.ui.dialogs import CanonicalDialog

NAMES = ["000_f7c1be859b819757.txt", "001_5823aec3ae932b3b.txt", "003_0f462b27d61fa48e.txt"]
CTRL = Qt.KeyboardModifier.ControlModifier


def open_pane(window, qtbot):
    before = window.library_entities.entities
    qtbot.keyClick(window, "a", CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert window.entities_dock.isVisible()
    wait_until(lambda: window.library_entities.entities is not before
               and not window.library_entities.running)
    return window.entities_pane


def settle(window, before) -> None:
    wait_until(lambda: window.library_entities.entities is not before
               and not window.library_entities.running and not window.controller.loading)
    window.activateWindow()  # back from a dialog: the window's keys work again
    wait_until(window.isActiveWindow)


def rows(pane) -> list[tuple[str, ...]]:
    m = pane.model
    return [tuple(m.index(r, c).data() for c in range(4)) for r in range(m.rowCount())]


def children(pane, row: int) -> list[tuple[str, ...]]:
    m = pane.model
    parent = m.index(row, 0)
    return [tuple(m.index(r, c, parent).data() for c in range(4))
            for r in range(m.rowCount(parent))]


def click(qtbot, pane, index, mods=Qt.KeyboardModifier.NoModifier) -> None:
    tree = pane.tree
    tree.scrollTo(index)
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, mods,
                     tree.visualRect(index).center())


def filter_to(qtbot, pane, text: str) -> None:
    pane.filter.clear()
    qtbot.keyClicks(pane.filter, text)


def choose(qtbot, name: str, offered: list) -> None:
    def answer(d: CanonicalDialog) -> None:
        offered.append((d.canonical(), [d.names.item(i).text() for i in range(d.names.count())]))
        for i in range(d.names.count()):
            if d.names.item(i).data(Qt.ItemDataRole.UserRole) == name:
                rect = d.names.visualItemRect(d.names.item(i))
                qtbot.mouseClick(d.names.viewport(), Qt.MouseButton.LeftButton,
                                 pos=rect.center())
        qtbot.mouseClick(d.ok_button, Qt.MouseButton.LeftButton)

    on_dialog(CanonicalDialog, answer)


def test_merge_across_releases_with_the_chosen_name(window, qtbot, tmp_path) -> None:
    pane = open_pane(window, qtbot)
    filter_to(qtbot, pane, "Nguyen")
    assert rows(pane) == [("Nguyen Quoc Dung", "Person", "2", "7"),
                          ("Nguyen Quoc Dzung", "Person", "1", "1")]
    props = [pane.proposals.item(i).text() for i in range(pane.proposals.count())]
    assert ("Nguyen Quoc Dung (2 releases)  ↔  Nguyen Quoc Dzung (1 release)\n"
            "    Person, spelling") in props
    assert any("Suga Yoshihide" in p and "name order" in p for p in props)
    pane.grab().save(str(tmp_path / "entities-before.png"))
    # Select both with the mouse, Merge…, keep the name the dialog offers.
    click(qtbot, pane, pane.model.index(0, 0))
    click(qtbot, pane, pane.model.index(1, 0), CTRL)
    assert pane.merge_button.isEnabled()
    offered: list = []
    choose(qtbot, "Nguyen Quoc Dung", offered)
    before = window.library_entities.entities
    qtbot.mouseClick(pane.merge_button, Qt.MouseButton.LeftButton)
    settle(window, before)
    assert offered[0][0] == "Nguyen Quoc Dung"  # the default: in most releases
    assert offered[0][1][1] == "Nguyen Quoc Dzung  —  1 release, 1 mention"
    assert [(a.canonical, a.alias, a.label) for a in window.ws.store.aliases()] == [
        ("Nguyen Quoc Dung", "Nguyen Quoc Dzung", "PERSON")]
    assert rows(pane) == [("Nguyen Quoc Dung", "Person", "3", "8")]
    assert children(pane, 0) == [("Nguyen Quoc Dzung", "alias", "1", "1")]
    assert not any("Dzung" in pane.proposals.item(i).text()
                   for i in range(pane.proposals.count()))
    pane.grab().save(str(tmp_path / "entities-merged.png"))
    # The open release (000) shows the person under the merged name.
    assert window.session.doc_id == doc_id_of(window, NAMES[0])
    wait_until(lambda: "Nguyen Quoc Dung" in {g.canonical for g in
                                              window.presenter.groups["PERSON"]})

    # The reviewer prefers the other spelling: Make canonical on the alias.
    click(qtbot, pane, pane.model.index(0, 0, pane.model.index(0, 0)))
    assert pane.canonical_button.isEnabled()
    before = window.library_entities.entities
    qtbot.mouseClick(pane.canonical_button, Qt.MouseButton.LeftButton)
    settle(window, before)
    assert rows(pane) == [("Nguyen Quoc Dzung", "Person", "3", "8")]
    assert children(pane, 0) == [("Nguyen Quoc Dung", "alias", "2", "7")]
    assert [(a.canonical, a.alias) for a in window.ws.store.aliases()] == [
        ("Nguyen Quoc Dzung", "Nguyen Quoc Dung")]

    # Both undo; redo puts the chosen name back.
    window.undo_stack.undo()
    window.undo_stack.undo()
    assert window.ws.store.aliases() == []
    window.undo_stack.redo()
    window.undo_stack.redo()
    data = window.ws.data_dir
    ids = [doc_id_of(window, n) for n in NAMES]
    close_and_wait(window)

    # What the memo is made from: every release's view, and the cross-release linker.
    with Workspace(data) as ws:
        views = [document_view(ws, i) for i in ids]
        first = next(e for e in views[0].entities if e.text == "Nguyen Quoc Dzung")
        assert first.canonical == "" or first.canonical == "Nguyen Quoc Dzung"
        other = next(e for e in views[1].entities if e.text == "Nguyen Quoc Dung")
        assert other.canonical == "Nguyen Quoc Dzung"
        result = link({str(v.document.doc_id): v.entities for v in views}, ws.store.aliases())
        people = [r for r in result.entities if r.label == "PERSON"
                  and {"Nguyen Quoc Dzung", "Nguyen Quoc Dung"} & ({r.name} | r.aliases)]
        assert len(people) == 1
        assert people[0].name == "Nguyen Quoc Dzung" and len(people[0].docs) == 3


def test_split_and_not_the_same(window, qtbot) -> None:
    pane = open_pane(window, qtbot)
    filter_to(qtbot, pane, "Nguyen")
    click(qtbot, pane, pane.model.index(0, 0))
    click(qtbot, pane, pane.model.index(1, 0), CTRL)
    choose(qtbot, "Nguyen Quoc Dung", [])
    before = window.library_entities.entities
    qtbot.keyClick(pane.tree, "m", CTRL)  # Ctrl+M in the pane merges there
    settle(window, before)
    assert len(window.ws.store.aliases()) == 1
    # Split the alias off again (Ctrl+Shift+M on its row).
    click(qtbot, pane, pane.model.index(0, 0, pane.model.index(0, 0)))
    before = window.library_entities.entities
    qtbot.keyClick(pane.tree, "m", CTRL | Qt.KeyboardModifier.ShiftModifier)

    settle(window, before)
    assert window.ws.store.aliases() == []
    assert [r[0] for r in rows(pane)] == ["Nguyen Quoc Dung", "Nguyen Quoc Dzung"]
    # "Not the same" on a proposal: gone, and not proposed again; undoable.
    filter_to(qtbot, pane, "")
    texts = [pane.proposals.item(i).text() for i in range(pane.proposals.count())]
    row = next(i for i, t in enumerate(texts) if t.startswith("Viet Nam"))
    pane.proposals.setCurrentRow(row)
    before = window.library_entities.entities
    qtbot.mouseClick(pane.distinct_button, Qt.MouseButton.LeftButton)
    settle(window, before)
    assert window.ws.store.distinct_names() == {("PLACE", "Viet Nam", "Vietnam")}
    assert not any(pane.proposals.item(i).text().startswith("Viet Nam")
                   for i in range(pane.proposals.count()))
    before = window.library_entities.entities
    window.undo_stack.undo()
    settle(window, before)
    assert any(pane.proposals.item(i).text().startswith("Viet Nam")
               for i in range(pane.proposals.count()))


def test_show_releases_searches_the_library(window, qtbot) -> None:
    pane = open_pane(window, qtbot)
    filter_to(qtbot, pane, "Nguyen Quoc Dung")
    click(qtbot, pane, pane.model.index(0, 0))
    lp = window.library_pane
    with qtbot.waitSignal(lp.searchFinished, timeout=10000):  # searches run on a worker
        qtbot.mouseClick(pane.releases_button, Qt.MouseButton.LeftButton)
    assert lp.chips == ['person:"Nguyen Quoc Dung"']
    assert sorted(h.doc_id for h in lp.results_model.hits()) == sorted(
        doc_id_of(window, n) for n in NAMES[1:])
    # The label filter.
    filter_to(qtbot, pane, "")
    pane.label_box.setCurrentIndex(pane.label_box.findData("PLACE"))
    assert {r[1] for r in rows(pane)} == {"Place"}
