"""Text quoted from a release is shown as typed: markup stays plain text in every label
and dialog, and direction controls (a right-to-left override) are shown, marked, never
applied, in the text pane, the summary, the lists and the window title."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCharFormat
from PySide6.QtWidgets import QLabel
from ui_helpers import doc_id_of, on_dialog, open_and_wait

from reviewer.core.controls import CONTROLS
from reviewer.core.palette import CONTROL_COLOR
from reviewer.ui.dialogs import LabelAllDialog

RLO = "\u202e"
HOSTILE = ("Acme files its report\n\n"
           "JAKARTA, 2 June 2021 – Acme <b>Bold</b> <img src='x.png'> "
           "<a href='http://example.com'>link</a> sent the invoice " + RLO + "gpj.exe today. "
           "The Senior Officials agreed.\n")


def hostile_window(ui_dirs, open_window):
    data, docs = ui_dirs
    (docs / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    window = open_window(data)
    open_and_wait(window, doc_id_of(window, "hostile.txt"))
    return window


def test_label_all_quotes_markup_as_plain_text(ui_dirs, open_window, qtbot, tmp_path) -> None:
    window = hostile_window(ui_dirs, open_window)
    text = window.view.document.text
    s = text.index("<b>Bold</b>")
    e = text.index("link</a>") + len("link</a>")
    quoted: list[str] = []

    def answer(d: LabelAllDialog) -> None:
        labels = d.findChildren(QLabel)
        assert labels and all(lab.textFormat() == Qt.TextFormat.PlainText for lab in labels)
        quoted.append(d.quote.text())
        d.grab().save(str(tmp_path / "label-all.png"))
        d.labels.setCurrentRow(1)  # Organisation
        qtbot.mouseClick(d.ok_button, Qt.MouseButton.LeftButton)

    on_dialog(LabelAllDialog, answer)
    window.doc_pane.setFocus()
    window.doc_pane.select_span(s, e)
    qtbot.keyClick(window, "l", Qt.KeyboardModifier.ControlModifier)
    # The selection snaps to whole words; the markup between them is quoted as typed.
    assert quoted and "Bold</b> <img src='x.png'> <a href='http://example.com'>link" \
        in quoted[0]
    assert any(x.label == "ORG" and "Bold</b> <img" in x.text for x in window.view.entities)


def test_direction_controls_are_shown_and_marked_not_applied(ui_dirs, open_window,
                                                               qtbot, tmp_path) -> None:
    window = hostile_window(ui_dirs, open_window)
    pane = window.doc_pane
    text = window.view.document.text
    at = text.index(RLO)
    shown = pane.toPlainText()
    assert RLO not in shown and len(shown) == len(text)
    assert shown[at] == CONTROLS[RLO][1] and shown[at + 1:at + 8] == "gpj.exe"
    marks = [x for x in pane.extraSelections()
             if x.cursor.selectionStart() == pane.omap.to_qt(at)
             and QTextCharFormat(x.format).background().color().name().upper() == CONTROL_COLOR]
    assert marks
    rect = pane.cursorRect(pane.textCursor())  # any point; then the control's own place
    cur = pane.textCursor()
    cur.setPosition(pane.omap.to_qt(at))
    rect = pane.cursorRect(cur)
    assert "RIGHT-TO-LEFT OVERRIDE" in pane.control_at_point(rect.center().x() + 2,
                                                             rect.center().y())
    # Offsets stay exact: labelling the word after the control labels "gpj.exe".
    s = at + 1
    pane.setFocus()
    pane.select_span(s, s + len("gpj.exe"))
    qtbot.keyClick(pane, "c")
    assert any(x.text == "gpj.exe" and x.label == "DOCUMENT" for x in window.view.entities)
    pane.grab().save(str(tmp_path / "rlo.png"))
    # The summary: a reviewer's summary quoting the name shows the control too.
    doc_id = window.session.doc_id
    window.ws.store.set_summary(doc_id, "Invoice " + RLO + "gpj.exe attached")
    window.presenter.refresh_summary(force=True)
    box = window.entity_pane.summary.edit
    assert RLO not in box.toPlainText() and CONTROLS[RLO][1] + "gpj.exe" in box.toPlainText()
    assert any(QTextCharFormat(x.format).background().color().name().upper() == CONTROL_COLOR
               for x in box.extraSelections())


def test_lists_and_title_show_controls(ui_dirs, open_window, qtbot) -> None:
    data, docs = ui_dirs
    (docs / "report.txt").write_text(RLO + "gpj.exe report\n\nThe Senior Officials met.\n",
                                     encoding="utf-8")
    window = open_window(data)
    doc_id = doc_id_of(window, "report.txt")
    open_and_wait(window, doc_id)
    model = window.library_pane.library_model
    title = model.index_of_doc(doc_id).data()
    assert RLO not in title and "gpj.exe" in title
    assert RLO not in window.windowTitle() and CONTROLS[RLO][1] in window.windowTitle()
