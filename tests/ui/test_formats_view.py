"""What a reviewer sees of the formats and the files: Markdown as readable text with exact
marks, a readable Release column, a named pipe or a file with a bad name never freezing
or hiding anything."""
from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QTextCursor
from PySide6.QtWidgets import QApplication
from ui_helpers import doc_id_of, show, wait_until

from reviewer.core.palette import LABEL_COLORS
from reviewer.ui.item_models import DocIdRole

RELEASE_MD = """# Payments Expert Launches New Advisory Firm

PALM BEACH, FL, April 22, 2024 /[24-7PressRelease](https://www.24-7pressrelease.com/)/ -- \
Payments visionary **Peter Gordon** announced the formation of \
[Atlantic Fintech Advisors](https://atlanticfintech.com/a_b_c) in Palm Beach County.

---

![Blockchain Registration](https://cdn.example.com/qr.webp)
"""


def shown_span(pane, words: str) -> QTextCursor:
    cur = pane.document().find(words)
    assert not cur.isNull(), words
    return cur


def test_markdown_release_reads_as_text_with_exact_marks(ui_dirs, open_window, qtbot,
                                                         tmp_path) -> None:
    data, docs = ui_dirs
    (docs / "advisory.md").write_text(RELEASE_MD, encoding="utf-8")
    window = open_window(data)
    show(window, "advisory.md")
    pane = window.doc_pane
    shown = pane.toPlainText()
    assert shown.startswith("Payments Expert Launches New Advisory Firm\n\nPALM BEACH, FL")
    for markup in ("#", "**", "](", "![", "---", "https://"):
        assert markup not in shown
    assert "Atlantic Fintech Advisors in Palm Beach County." in shown
    # The headline is a heading: bold and larger than the body.
    head = QTextCursor(pane.document())
    head.setPosition(3)
    body = shown_span(pane, "visionary")
    assert head.charFormat().fontWeight() == QFont.Weight.Bold
    assert head.charFormat().fontPointSize() > pane.font().pointSizeF()
    assert body.charFormat().fontWeight() != QFont.Weight.Bold
    # An entity's mark covers exactly its characters on screen.
    raw = window.view.document.text
    person = next(e for e in window.view.entities if e.text == "Peter Gordon")
    assert person.start == raw.index("Peter Gordon")
    at = shown_span(pane, "Peter Gordon")
    marks = set()
    for sel in pane.extraSelections():
        c = QTextCursor(sel.cursor)
        marks.add((sel.format.background().color().name().upper(), c.selectionStart(),
                   c.selectionEnd()))
    assert (LABEL_COLORS[person.label].upper(), at.selectionStart(), at.selectionEnd()) in marks
    # Text selected on screen and labelled is stored as the raw text's span.
    pane.setTextCursor(shown_span(pane, "Atlantic Fintech Advisors"))
    qtbot.keyClick(pane, "e")  # labelled as an event: whatever it was, a correction
    stored = window.ws.store.corrections(window.session.doc_id)
    s = raw.index("Atlantic Fintech Advisors")
    assert [(c.start, c.end, c.text, c.label) for c in stored] == [
        (s, s + len("Atlantic Fintech Advisors"), "Atlantic Fintech Advisors", "EVENT")]
    window.grab().save(str(tmp_path / "markdown.png"))


def test_release_column_shows_the_titles(window) -> None:
    tree = window.library_pane.tree
    window.resize(1400, 900)
    QApplication.processEvents()
    chars = tree.columnWidth(0) / tree.fontMetrics().averageCharWidth()
    assert chars >= 25, f"the Release column shows about {chars:.0f} characters"
    assert tree.columnWidth(0) > tree.columnWidth(1) + tree.columnWidth(2)
    model = tree.model()
    first = model.index(0, 0, model.index(0, 0))
    assert model.data(first).startswith("The 36th ASEAN-Japan Forum")


def test_clicking_a_release_that_became_a_named_pipe_does_not_freeze(window, ui_dirs,
                                                                     qtbot) -> None:
    _, docs = ui_dirs
    victim = docs / "001_5823aec3ae932b3b.txt"
    doc_id = doc_id_of(window, victim.name)
    victim.unlink()
    os.mkfifo(victim)
    try:
        tree = window.library_pane.tree
        model = tree.model()
        folder = model.index(0, 0)
        row = next(r for r in range(model.rowCount(folder))
                   if model.index(r, 0, folder).data(DocIdRole) == doc_id)
        tree.expandAll()
        rect = tree.visualRect(model.index(row, 0, folder))
        qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        text = window.status_bar.text
        wait_until(lambda: "Cannot open this release" in text.text(), timeout=20)
        assert text.text() == ("Cannot open this release: not a regular file "
                               "(a named pipe (FIFO)): not read")
    finally:
        try:  # a reader stuck on the pipe (the defect) would block closing forever
            fd = os.open(victim, os.O_WRONLY | os.O_NONBLOCK)
            os.close(fd)
        except OSError:
            pass


def test_scan_errors_name_a_file_whose_name_is_not_utf8(ui_dirs, open_window) -> None:
    data, docs = ui_dirs
    raw = os.fsencode(docs) + b"/caf\xe9.txt"
    with open(raw, "wb") as fh:
        fh.write(b"Harbour Festival\n\nHANOI, 3 June 2024 - It opened.\n")
    window = open_window(data)
    errors = window.sync.error_model
    rows = [errors.item(r).text() for r in range(errors.rowCount())]
    assert rows == ["caf\\xe9.txt: the file name is not valid UTF-8: rename the file to "
                    "index it"]
    assert len(window.ws.store.documents()) == 5
    assert Path(docs).exists()
