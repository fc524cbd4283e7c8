"""The text pane: highlights, boilerplate, hits, tooltips, offsets, label toggles."""
from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
from ui_helpers import FIRST, restart

from reviewer.core.model import BOILERPLATE
from reviewer.core.palette import BOILERPLATE_COLOR, LABEL_BASE_COLORS, LABEL_COLORS
from reviewer.ui.document_view import tooltip_for
from reviewer.ui.offsets import OffsetMap


def formats_at(pane, qpos: int) -> list[QTextCharFormat]:
    sels = pane.extraSelections()  # keep alive: the formats belong to these objects
    return [QTextCharFormat(s.format) for s in sels
            if s.cursor.selectionStart() <= qpos < s.cursor.selectionEnd()]


def test_offset_map_round_trips_astral_characters() -> None:
    text = "a😀b\n😀😀 Zoë 𝒜"
    m = OffsetMap(text)
    for i in range(len(text) + 1):
        q = len(text[:i].encode("utf-16-le")) // 2
        assert m.to_qt(i) == q
        assert m.from_qt(q) == i
    assert m.from_qt(2) == 1  # a position inside a surrogate pair maps to its character
    assert OffsetMap("plain ascii").identity and not m.identity


def test_every_entity_is_highlighted_in_its_label_colour(window) -> None:
    pane, view = window.doc_pane, window.view
    assert view.document.name == FIRST
    assert pane.toPlainText() == view.document.text
    assert len(view.entities) > 10
    for ent in view.entities:
        fmts = formats_at(pane, pane.omap.to_qt(ent.start))
        bgs = {f.background().color().name().upper() for f in fmts}
        assert LABEL_COLORS[ent.label].upper() in bgs, ent
        assert any(f.underlineStyle() != f.underlineStyle().NoUnderline for f in fmts)


def test_boilerplate_is_grey(window) -> None:
    blocks = [b for b in window.view.document.structure.blocks if b.kind == BOILERPLATE]
    assert blocks, "sample 000 has an About block"
    b = blocks[0]
    fmts = formats_at(window.doc_pane, window.doc_pane.omap.to_qt(b.start + 1))
    assert any(f.foreground().color() == QColor(BOILERPLATE_COLOR) for f in fmts)


def test_tooltip_shows_label_name_status_and_escapes(window) -> None:
    ent = window.view.entities[0]
    tip = tooltip_for(ent)
    assert "[" in tip and "status:" in tip
    evil = type(ent)(0, 5, "PERSON", "<b>x</b>")
    assert "<b>x</b>" not in tooltip_for(evil) and "&lt;b&gt;" in tooltip_for(evil)


def test_hover_finds_the_entity_under_the_mouse(window) -> None:
    pane = window.doc_pane
    ent = window.view.entities[0]
    rect = pane.cursorRect(_cursor(pane, ent.start + 1))
    found = pane.entity_at_point(rect.center().x(), rect.center().y())
    assert found is not None and found.start <= ent.start + 1 < found.end


def _cursor(pane, offset: int) -> QTextCursor:
    c = QTextCursor(pane.document())
    c.setPosition(pane.omap.to_qt(offset))
    return c


def test_label_toggle_hides_a_type_in_both_panes_and_is_remembered(window, open_window,
                                                                   qtbot) -> None:
    person = [e for e in window.view.entities if e.label == "PERSON"]
    assert person
    window.label_actions["PERSON"].trigger()  # uncheck
    assert "PERSON" not in window.presenter.visible_labels
    fmts = formats_at(window.doc_pane, window.doc_pane.omap.to_qt(person[0].start))
    assert all(f.background().color().name().upper() != LABEL_COLORS["PERSON"].upper()
               for f in fmts)
    model = window.entity_pane.entity_model
    tops = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert not any(t.startswith("Person") for t in tops)
    w2 = restart(window, open_window)
    assert "PERSON" not in w2.presenter.visible_labels
    assert not w2.label_actions["PERSON"].isChecked()


def test_astral_text_offsets_stay_aligned(ui_dirs, open_window) -> None:
    data, docs = ui_dirs
    (docs / "zz_emoji.txt").write_text(
        "Emoji News 😀😀\n\nGENEVA, 3 May 2022 – 😀 The United Nations met Takeo Mori "
        "in Geneva today.\n", encoding="utf-8")
    w = open_window(data)
    from ui_helpers import show

    show(w, "zz_emoji.txt")
    text = w.view.document.text
    s = text.index("Geneva today")
    e = s + len("Geneva")
    w.doc_pane.select_span(s, e)
    assert w.doc_pane.selected_span() == (s, e)
    assert w.doc_pane.textCursor().selectedText() == "Geneva"
    for ent in w.view.entities:
        sel = [x for x in w.doc_pane.extraSelections()
               if x.cursor.selectedText() == ent.text]
        assert sel, ent


def test_click_on_highlight_selects_it_in_the_entity_pane(window, qtbot) -> None:
    pane = window.doc_pane
    ent = next(e for e in window.view.entities if e.label == "PERSON")
    rect = pane.cursorRect(_cursor(pane, ent.start + 1))
    qtbot.mouseClick(pane.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(rect.center()))
    g = window.entity_pane.current_group()
    assert g is not None and g.label == "PERSON" and g.canonical == (ent.canonical or ent.text)
    sels = pane.extraSelections()
    current = [s for s in sels
               if QTextCharFormat(s.format).background().color()
               == QColor(LABEL_BASE_COLORS["PERSON"])]
    assert current, "the selected entity's mentions are marked as current"
