"""File > Export memo… on a worker: scopes, progress, the written .docx, errors, cancel."""
from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from PySide6.QtCore import QItemSelectionModel, QPoint, Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLineEdit,
    QMessageBox,
    QWidget,
)
from ui_helpers import FIRST, doc_id_of, on_dialog

from reviewer.core.export.releases import headline
from reviewer.core.review.view import document_view
from reviewer.ui import export_dialog
from reviewer.ui.dialogs import NoteDialog
from reviewer.ui.export_dialog import ExportOptions


def release_headings(path: Path) -> list[str]:
    """The memo's "N. Title" release headings (level 1)."""
    d = docx.Document(str(path))
    return [p.text for p in d.paragraphs
            if p.style is not None and p.style.name == "Heading 1" and p.text[:1].isdigit()]


def titles_of(window, ids: list[int]) -> list[str]:
    """The releases' headlines as the memo gives them."""
    return [headline(document_view(window.ws, i)) for i in ids]


def choose(monkeypatch, options: ExportOptions, target: Path, seen: dict) -> None:
    def ask(parent, counts, defaults):
        seen["counts"], seen["defaults"] = counts, defaults
        return options

    def save(parent, caption, start, filt, **kw):
        seen["start"], seen["filter"], seen["options"] = start, filt, kw.get("options")
        return str(target), filt

    monkeypatch.setattr(export_dialog, "ask_export_options", ask)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", save)


def select_in_library(window, names: list[str]) -> list[int]:
    lp = window.library_pane
    sm = lp.tree.selectionModel()
    sm.clearSelection()
    ids = [doc_id_of(window, n) for n in names]
    for i in ids:
        sm.select(lp.library_model.index_of_doc(i),
                  QItemSelectionModel.SelectionFlag.Select
                  | QItemSelectionModel.SelectionFlag.Rows)
    return ids


def test_export_selected_releases_with_a_note_as_comment(window, qtbot, tmp_path,
                                                         monkeypatch) -> None:
    action = window.actions_by_id["export"]
    assert QKeySequence("Ctrl+E") in action.shortcuts()
    assert action in window.menuBar().actions()[0].menu().actions()
    window.settings.set_reviewer_name("Jane Reviewer")
    on_dialog(NoteDialog, lambda d: (d.text.setPlainText("Check the figures with the ministry"),
                                     d.accept()))
    window.doc_pane.setFocus()
    window.actions_by_id["note"].trigger()  # a note on the open release (000)
    ids = select_in_library(window, [FIRST, "002_b7fa9ce2e10e8a5e.txt"])
    target = tmp_path / "out" / "memo.docx"
    target.parent.mkdir()
    seen: dict = {}
    choose(monkeypatch, ExportOptions("selected", "Week 12", "Jane Reviewer"), target, seen)
    progress = []
    window.exports.progress.connect(lambda *a: progress.append(a))
    with qtbot.waitSignal(window.exports.finished, timeout=30000) as sig:
        action.trigger()
        assert window.status_bar.export_cancel.isVisible()
    assert Path(sig.args[0]) == target and target.is_file()
    assert seen["counts"] == {"current": 1, "selected": 2, "results": 0}
    assert seen["defaults"].scope == "selected" and seen["defaults"].author
    assert "*.docx" in seen["filter"]
    assert progress and progress[-1][0] == progress[-1][1]
    heads = release_headings(target)
    assert heads == [f"{n}. {t}" for n, t in enumerate(titles_of(window, ids), 1)]
    d = docx.Document(str(target))
    assert d.core_properties.author == "Jane Reviewer"
    assert d.paragraphs[0].text == "Week 12"
    with zipfile.ZipFile(target) as z:
        comments = z.read("word/comments.xml").decode("utf-8")
    assert "Check the figures with the ministry" in comments
    assert str(target) in window.status_bar.text.text()
    status = window.status_bar
    assert status.open_folder_button.isVisible() and not status.export_cancel.isVisible()
    assert window.settings.q.value("export/last_folder") == str(target.parent)
    assert window.actions_by_id["export"].isEnabled()


def test_export_search_results_and_current_release(window, qtbot, tmp_path,
                                                   monkeypatch) -> None:
    lp = window.library_pane
    lp.search.setText("Jakarta")
    lp.run_query()
    expected = [h.doc_id for h in window.ws.searcher.search(
        "Jakarta", limit=None, with_highlights=False, with_facets=False).hits]
    assert 0 < len(expected) < 5
    seen: dict = {}
    target = tmp_path / "results.docx"
    choose(monkeypatch, ExportOptions("results"), target, seen)
    with qtbot.waitSignal(window.exports.finished, timeout=30000):
        window.actions_by_id["export"].trigger()
    assert seen["counts"]["results"] == len(expected)
    assert release_headings(target) == [
        f"{n}. {t}" for n, t in enumerate(titles_of(window, expected), 1)]
    # The open release alone; the suggested file name follows it.
    lp.search.clear()
    lp.run_query()
    target2 = tmp_path / "current"  # no suffix: export_memo adds .docx
    choose(monkeypatch, ExportOptions("current", full_text=True), target2, seen)
    with qtbot.waitSignal(window.exports.finished, timeout=30000) as sig:
        window.actions_by_id["export"].trigger()
    assert seen["start"].endswith("-memo.docx")
    assert seen["start"].startswith(str(tmp_path))  # the remembered folder
    written = Path(sig.args[0])
    assert written.suffix == ".docx"
    assert release_headings(written) == [f"1. {titles_of(window, [window.session.doc_id])[0]}"]
    assert any(p.text.startswith("Appendix") for p in docx.Document(str(written)).paragraphs)


def test_unwritable_target_shows_the_error(window, qtbot, tmp_path, monkeypatch) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be")
    shown = []
    monkeypatch.setattr(QMessageBox, "warning",
                        lambda parent, title, text, *a, **k: shown.append((title, text)))
    choose(monkeypatch, ExportOptions("current"), blocker / "memo.docx", {})
    with qtbot.waitSignal(window.exports.failed, timeout=30000) as sig:
        window.actions_by_id["export"].trigger()
    assert shown and shown[0][0] == "Export failed"
    assert sig.args[0] in shown[0][1] and sig.args[0]
    assert blocker.read_text() == "a file where a folder should be"
    assert not window.status_bar.export_progress.isVisible()
    assert window.actions_by_id["export"].isEnabled()


def test_cancelled_export_leaves_the_target_untouched(window, qtbot, tmp_path,
                                                      monkeypatch) -> None:
    target = tmp_path / "memo.docx"
    target.write_bytes(b"previous memo")
    ids = [d.id for d in window.ws.store.documents()]
    from reviewer.ui.workers import ExportJob

    with qtbot.waitSignal(window.exports.cancelled, timeout=30000):
        assert window.exporter.start_export(ExportJob(ids, str(target)))
        window.status_bar.export_cancel.click()
    assert target.read_bytes() == b"previous memo"
    assert "cancelled" in window.status_bar.text.text()


@pytest.mark.parametrize("counts,expect", [({"current": 1, "selected": 0, "results": 0},
                                            "current"),
                                           ({"current": 0, "selected": 3, "results": 2},
                                            "selected")])
def test_dialog_disables_empty_scopes(qtbot, counts, expect) -> None:
    dlg = export_dialog.ExportDialog(counts, ExportOptions("results", author="me"))
    qtbot.addWidget(dlg)
    b = dlg.scope_buttons
    assert [b[s].isEnabled() for s in export_dialog.SCOPES] == [
        counts[s] > 0 for s in export_dialog.SCOPES]
    opts = dlg.options()
    assert opts.scope == ("results" if counts["results"] else expect)
    assert opts.author == "me"


# -- where the memo goes: the save dialog and the question before replacing ---------------

class Modals:
    """Answers the modal dialogs an export opens, one step per dialog and in order, as a
    user would: each step gets the dialog on screen and types or clicks in it."""

    def __init__(self, *steps: Callable[[QWidget], None]) -> None:
        self.steps = list(steps)
        self.seen: list[str] = []
        self.errors: list[BaseException] = []
        self.timer = QTimer()
        self.timer.setInterval(40)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self) -> None:
        w = QApplication.activeModalWidget()
        if w is None or not w.isVisible() or w.property("answered"):
            return
        w.setProperty("answered", True)
        self.seen.append(type(w).__name__)
        if not self.steps or self.errors:  # a dialog nobody expected: say which, close it
            text = w.text() if isinstance(w, QMessageBox) else w.windowTitle()
            self.errors.append(AssertionError(f"unexpected {type(w).__name__}: {text}"))
            w.reject() if isinstance(w, QDialog) else w.close()
            return
        try:
            self.steps.pop(0)(w)
        except BaseException as exc:  # noqa: BLE001 - reported by done()
            self.errors.append(exc)
            w.reject() if isinstance(w, QDialog) else w.close()

    def done(self) -> bool:
        if self.errors:
            self.timer.stop()
            raise self.errors[0]
        if not self.steps:
            self.timer.stop()  # answers nothing in later tests
        return not self.steps


def accept_options(overview: str = "", entities: bool = False):
    def step(dlg: QWidget) -> None:
        assert isinstance(dlg, export_dialog.ExportDialog)
        if overview:
            QTest.keyClicks(dlg.overview, overview)
        if entities:
            QTest.mouseClick(dlg.entities, Qt.MouseButton.LeftButton,
                             pos=QPoint(8, dlg.entities.height() // 2))
        box = dlg.findChild(QDialogButtonBox)
        QTest.mouseClick(box.button(QDialogButtonBox.StandardButton.Ok),
                         Qt.MouseButton.LeftButton)
    return step


def type_file_name(name: str):
    def step(dlg: QWidget) -> None:
        assert isinstance(dlg, QFileDialog)
        edit = dlg.findChild(QLineEdit, "fileNameEdit")
        if "/" in name:
            # A path is pasted: typed, "/" would open each folder in turn once the dialog
            # has listed them (Qt's own navigation), leaving only the last part.
            edit.setText(name)
        else:
            edit.selectAll()
            QTest.keyClicks(edit, name)
        # Once the dialog has listed the folder, typing opens its completion list, which
        # takes the first Return: the user closes it first (Escape), then saves.
        popup = edit.completer().popup() if edit.completer() is not None else None
        if popup is not None and popup.isVisible():
            QTest.keyClick(popup, Qt.Key.Key_Escape)
        QTest.keyClick(edit, Qt.Key.Key_Return)
    return step


def cancel_file_dialog(dlg: QWidget) -> None:
    assert isinstance(dlg, QFileDialog)
    QTest.keyClick(dlg, Qt.Key.Key_Escape)


def answer(button: str, *, expect: str):
    def step(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        assert expect in box.text() + "\n" + box.informativeText(), box.text()
        [b] = [b for b in box.buttons() if b.text().replace("&", "") == button]
        QTest.mouseClick(b, Qt.MouseButton.LeftButton)
    return step


def start_in(window, folder: Path) -> None:
    window.settings.set_value("export/last_folder", str(folder))


@pytest.mark.qt_log_ignore("This plugin does not support")
def test_a_name_without_docx_does_not_silently_replace_the_memo(window, qtbot,
                                                                tmp_path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    report = out / "report.docx"
    report.write_bytes(b"last week's memo")
    start_in(window, out)
    # "report" is typed; the memo would go to report.docx, which exists: asked, "No",
    # back to the save dialog, then cancelled. Nothing is written.
    modals = Modals(accept_options(), type_file_name("report"),
                    answer("No", expect="“report.docx” already exists in " + str(out)),
                    cancel_file_dialog)
    window.actions_by_id["export"].trigger()
    qtbot.waitUntil(modals.done, timeout=20000)
    assert modals.seen == ["ExportDialog", "QFileDialog", "QMessageBox", "QFileDialog"]
    assert not window.exports.running
    assert report.read_bytes() == b"last week's memo"
    assert sorted(p.name for p in out.iterdir()) == ["report.docx"]
    # Again, and this time "Replace", with an overview and the people tables asked for.
    modals = Modals(accept_options("Bottom line: the forum went well.", entities=True),
                    type_file_name("report"), answer("Replace", expect="report.docx"))
    with qtbot.waitSignal(window.exports.finished, timeout=30000) as sig:
        window.actions_by_id["export"].trigger()
    assert modals.done()
    assert Path(sig.args[0]) == report
    assert sorted(p.name for p in out.iterdir()) == ["report.docx"]
    memo = docx.Document(str(report))
    assert "Bottom line: the forum went well." in [p.text for p in memo.paragraphs]
    assert "People and organisations" in [p.text for p in memo.paragraphs]
    assert window.settings.q.value("export/entities") == "true"


@pytest.mark.qt_log_ignore("This plugin does not support")
def test_a_new_name_is_written_without_asking(window, qtbot, tmp_path) -> None:
    start_in(window, tmp_path)
    modals = Modals(accept_options(), type_file_name("fresh"))
    with qtbot.waitSignal(window.exports.finished, timeout=30000) as sig:
        window.actions_by_id["export"].trigger()
    assert modals.done() and modals.seen == ["ExportDialog", "QFileDialog"]
    assert Path(sig.args[0]) == tmp_path / "fresh.docx"
    assert (tmp_path / "fresh.docx").read_bytes().startswith(b"PK")


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full on this system")
@pytest.mark.qt_log_ignore("This plugin does not support")
def test_a_device_is_refused_and_nothing_is_written_next_to_it(window, qtbot,
                                                              tmp_path) -> None:
    start_in(window, tmp_path)
    modals = Modals(accept_options(), type_file_name("/dev/full"),
                    answer("OK", expect="/dev/full: it is not a regular file"),
                    cancel_file_dialog)
    window.actions_by_id["export"].trigger()
    qtbot.waitUntil(modals.done, timeout=20000)
    assert modals.seen == ["ExportDialog", "QFileDialog", "QMessageBox", "QFileDialog"]
    assert not window.exports.running
    assert not Path("/dev/full.docx").exists()
