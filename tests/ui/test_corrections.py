"""Corrections by keys, undo/redo, and what the store holds after a restart."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QKeySequence, QTextCharFormat
from ui_helpers import restart

from reviewer.core.palette import LABEL_COLORS


def span_label(window, s: int, e: int) -> str | None:
    for ent in window.view.entities:
        if (ent.start, ent.end) == (s, e):
            return ent.label
    return None


def bg_at(window, offset: int) -> set[str]:
    pane = window.doc_pane
    q = pane.omap.to_qt(offset)
    sels = pane.extraSelections()
    return {QTextCharFormat(x.format).background().color().name().upper() for x in sels
            if x.cursor.selectionStart() <= q < x.cursor.selectionEnd()}


def plain_word(window, word: str) -> tuple[int, int]:
    """Offsets of a word no entity covers."""
    text = window.view.document.text
    s = text.index(word)
    assert not any(e.start < s + len(word) and s < e.end for e in window.view.entities)
    return s, s + len(word)


def test_label_key_adds_an_entity_undo_restores_store(window, open_window, qtbot) -> None:
    s, e = plain_word(window, "Senior Officials")
    window.doc_pane.select_span(s, e)
    qtbot.keyClick(window.doc_pane, "p")
    assert span_label(window, s, e) == "PERSON"
    assert LABEL_COLORS["PERSON"].upper() in bg_at(window, s)
    assert [c.action for c in window.ws.store.corrections(window.session.doc_id)] == ["add"]

    qtbot.keyClick(window, "z", Qt.KeyboardModifier.ControlModifier)
    assert span_label(window, s, e) is None
    assert window.ws.store.corrections(window.session.doc_id) == []
    window.actions_by_id["redo"].trigger()
    assert span_label(window, s, e) == "PERSON"

    w2 = restart(window, open_window)
    assert span_label(w2, s, e) == "PERSON"
    assert LABEL_COLORS["PERSON"].upper() in bg_at(w2, s)


def test_partial_selection_snaps_to_whole_words(window, qtbot) -> None:
    s, e = plain_word(window, "Senior Officials")
    window.doc_pane.select_span(s + 2, e - 3)
    qtbot.keyClick(window.doc_pane, "o")
    assert span_label(window, s, e) == "ORG"


def test_delete_rejects_and_keys_retype(window, open_window, qtbot) -> None:
    ents = window.view.entities
    a, b = ents[0], ents[1]
    window.doc_pane.select_span(a.start, a.start)  # cursor inside, no selection
    window.doc_pane.moveCursor(window.doc_pane.textCursor().MoveOperation.Right)
    qtbot.keyClick(window.doc_pane, Qt.Key.Key_Delete)
    assert span_label(window, a.start, a.end) is None
    assert LABEL_COLORS[a.label].upper() not in bg_at(window, a.start)

    new = "EVENT" if b.label != "EVENT" else "ORG"
    window.doc_pane.select_span(b.start, b.end)
    qtbot.keyClick(window.doc_pane, "e" if new == "EVENT" else "o")
    assert span_label(window, b.start, b.end) == new
    actions = [c.action for c in window.ws.store.corrections(window.session.doc_id)]
    assert actions == ["reject", "retype"]

    w2 = restart(window, open_window)
    assert span_label(w2, a.start, a.end) is None
    assert span_label(w2, b.start, b.end) == new
    w2.undo_stack.clear()


def test_percent_key_and_context_retype_menu(window, qtbot) -> None:
    s, e = plain_word(window, "sustainable")
    window.doc_pane.select_span(s, e)
    qtbot.keyClick(window.doc_pane, "%")
    assert span_label(window, s, e) == "PERCENT"
    window.doc_pane.select_span(s, e)
    window.retype_actions["MONEY"].trigger()  # the Entity menu / context menu action
    assert span_label(window, s, e) == "MONEY"


def test_grow_and_shrink_to_word(window, qtbot) -> None:
    text = window.view.document.text
    s = text.index("Senior Officials agreed")
    window.doc_pane.select_span(s, s + len("Senior"))
    qtbot.keyClick(window.doc_pane, "o")
    window.doc_pane.select_span(s, s + len("Senior"))
    window.actions_by_id["grow_end"].trigger()
    assert span_label(window, s, s + len("Senior Officials")) == "ORG"
    assert span_label(window, s, s + len("Senior")) is None
    window.actions_by_id["shrink_end"].trigger()
    assert span_label(window, s, s + len("Senior")) == "ORG"
    window.undo_stack.undo()
    assert span_label(window, s, s + len("Senior Officials")) == "ORG"


def test_label_all_in_release(window, qtbot) -> None:
    text = window.view.document.text
    count = text.count("cooperation")
    assert count >= 3
    s = text.index("cooperation")
    window.doc_pane.select_span(s, s + len("cooperation"))
    qtbot.keyClick(window.doc_pane, "e")
    window.doc_pane.select_span(s, s + len("cooperation"))
    qtbot.keyClick(window.doc_pane, "l", Qt.KeyboardModifier.ControlModifier)
    events = [e for e in window.view.entities if e.text == "cooperation" and e.label == "EVENT"]
    assert len(events) >= count - 1  # whole-word occurrences only
    window.undo_stack.undo()
    events = [e for e in window.view.entities if e.text == "cooperation" and e.label == "EVENT"]
    assert len(events) == 1


def test_label_all_in_library_is_one_library_correction(window, open_window, qtbot) -> None:
    from ui_helpers import open_and_wait, show

    text = window.view.document.text
    s = text.index("Senior Officials")
    window.doc_pane.select_span(s, s + len("Senior Officials"))
    qtbot.keyClick(window.doc_pane, "o")
    window.doc_pane.select_span(s, s + len("Senior Officials"))
    window.actions_by_id["label_all_library"].trigger()
    lib = [c for c in window.ws.store.corrections() if c.scope == "library"]
    assert len(lib) == 1 and lib[0].label == "ORG" and lib[0].text == "Senior Officials"
    # Another release that says it shows it labelled too.
    for d in window.ws.store.documents():
        if "Senior Officials" in Path(d.path).read_text(encoding="utf-8") and \
                d.id != window.session.doc_id:
            open_and_wait(window, d.id)
            assert any(e.text == "Senior Officials" and e.label == "ORG"
                       for e in window.view.entities)
            break
    w2 = restart(window, open_window)
    assert [c.scope for c in w2.ws.store.corrections() if c.scope == "library"] == ["library"]
    show(w2)


def test_merge_and_split_aliases(window, open_window, qtbot) -> None:
    pane = window.entity_pane
    model = pane.entity_model
    top = next(r for r in range(model.rowCount()) if model.index(r, 0).data().startswith("Org"))
    parent = model.index(top, 0)
    assert model.rowCount(parent) >= 2
    a, b = model.index(0, 0, parent), model.index(1, 0, parent)
    sm = pane.tree.selectionModel()
    sm.select(a, sm.SelectionFlag.Select | sm.SelectionFlag.Rows)
    sm.setCurrentIndex(b, sm.SelectionFlag.Select | sm.SelectionFlag.Rows)
    names = {model.group(a).canonical, model.group(b).canonical}
    pane.tree.setFocus()
    qtbot.keyClick(pane.tree, "m", Qt.KeyboardModifier.ControlModifier)
    aliases = window.ws.store.aliases()
    assert aliases and {aliases[0].canonical, aliases[0].alias} <= names | {
        n for g in window.view.entities for n in [g.text]}
    canonical = aliases[0].canonical
    merged = [e for e in window.view.entities if e.canonical == canonical]
    assert {e.text for e in merged} >= names - {canonical} or merged
    window.undo_stack.undo()
    assert window.ws.store.aliases() == []
    window.undo_stack.redo()
    assert window.ws.store.aliases()
    # Split again from the merged entity.
    assert pane.select_group(aliases[0].label or "ORG", canonical)
    window.actions_by_id["split"].trigger()
    assert window.ws.store.aliases() == []
    window.undo_stack.undo()
    w2 = restart(window, open_window)
    assert [a.canonical for a in w2.ws.store.aliases()] == [canonical]


def test_reject_from_entity_list_with_delete(window, qtbot) -> None:
    pane = window.entity_pane
    model = pane.entity_model
    parent = model.index(0, 0)
    idx = model.index(0, 0, parent)
    g = model.group(idx)
    pane.tree.setFocus()
    pane.tree.setCurrentIndex(idx)
    qtbot.keyClick(pane.tree, Qt.Key.Key_Delete)
    left = [e for e in window.view.entities
            if (e.canonical or e.text) == g.canonical and e.label == g.label]
    assert left == []
    assert window.undo_stack.count() == 1


def test_undo_shortcut_and_history_menu(window, qtbot) -> None:
    assert window.actions_by_id["undo"].shortcut() == QKeySequence(QKeySequence.StandardKey.Undo)
    s, e = plain_word(window, "Senior Officials")
    window.doc_pane.select_span(s, e)
    qtbot.keyClick(window.doc_pane, "p")
    window.history_menu.aboutToShow.emit()
    texts = [a.text() for a in window.history_menu.actions()]
    assert texts[0] == "<start>" and "Senior Officials" in texts[1]
    window.history_menu.actions()[0].trigger()  # jump back to the start
    assert span_label(window, s, e) is None
    assert QColor(LABEL_COLORS["PERSON"]).name().upper() not in bg_at(window, s)


def tree_rows(model) -> list[tuple]:
    """Everything the entity tree shows, top rows and children, all columns."""
    out = []
    for top in range(model.rowCount()):
        parent = model.index(top, 0)
        out.append(tuple(model.index(top, c).data() for c in range(3)))
        for r in range(model.rowCount(parent)):
            out.append(tuple(model.index(r, c, parent).data() for c in range(3)))
    return out


def test_incremental_entity_tree_matches_a_rebuild(window, qtbot, qtmodeltester) -> None:
    from reviewer.core.review import groups as ops
    from reviewer.ui.item_models import EntityModel

    ep = window.entity_pane
    qtmodeltester.check(ep.entity_model, force_py=True)  # also watches the updates below
    ep.tree.setFocus()
    first_label = ep.entity_model.index(0, 0)
    ep.tree.setCurrentIndex(ep.entity_model.index(0, 0, first_label))
    kept = ep.current_group()
    s, e = plain_word(window, "Senior Officials")
    steps = [lambda: (window.doc_pane.select_span(s, e), window.edits.label_in_text("EVENT")),
             lambda: (window.doc_pane.select_span(s, e), window.edits.label_in_text("PERSON")),
             window.undo_stack.undo, window.undo_stack.undo, window.undo_stack.redo]
    for step in steps:
        step()
        fresh = EntityModel()
        fresh.set_groups(ops.group_entities(window.view.entities), window.presenter.visible_labels)
        assert tree_rows(ep.entity_model) == tree_rows(fresh)
        g = ep.current_group()
        assert g is not None and (g.label, g.canonical) == (kept.label, kept.canonical)
    # Rejecting every mention of a group removes its row, leaving the others.
    ep.tree.setFocus()
    ep.select_group(kept.label, kept.canonical)
    window.edits.reject_selected_groups()
    assert not ep.entity_model.index_of(kept.label, kept.canonical).isValid() or \
        kept.label not in ep.entity_model._labels
    fresh = EntityModel()
    fresh.set_groups(ops.group_entities(window.view.entities), window.presenter.visible_labels)
    assert tree_rows(ep.entity_model) == tree_rows(fresh)
    qtmodeltester.check(ep.entity_model, force_py=True)
