"""Start-up on a bad day: a store that cannot be opened gets a dialog with what happened
and what to do (never a black screen); problems that do not stop the start (an index
folder replaced by a file, a read-only disk, a failed backup) open the window and say
so. Also: the data folder deleted while Reviewer runs, and errors no slot handled."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from disks import fill_disk, remount
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from ui_helpers import close_and_wait, wait_until

from reviewer.core.review.workspace import Workspace
from reviewer.ui import app

ROOT = Path(__file__).resolve().parents[2]


def make_library(data: Path, docs: Path) -> int:
    shutil.copytree(ROOT / "sample_docs", docs)
    with Workspace(data) as ws:
        ws.library.add_paths([docs])
        ws.library.scan()
        doc_id = ws.doc_id_for_path(docs / "000_f7c1be859b819757.txt")
        ws.store.add_note(doc_id, "precious")
        return doc_id


def start_and_read_dialog(data: Path) -> tuple[object, str]:
    """Start as `reviewer` does; returns (window or None, the text of the modal dialog
    shown instead, closed by a simulated click)."""
    seen: list[str] = []

    def close_dialog() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append(f"{box.windowTitle()}\n{box.text()}\n{box.informativeText()}")
            box.done(0)
        else:
            QTimer.singleShot(20, close_dialog)

    QTimer.singleShot(20, close_dialog)
    window = app.open_window_or_explain(str(data))
    return window, "\n".join(seen)


def wreck(store: Path) -> None:
    data = bytearray(store.read_bytes())
    data[:4096] = b"\x00garbage" * 512
    store.write_bytes(bytes(data))


def test_damaged_store_is_a_dialog_naming_the_backup(qtbot, tmp_path: Path) -> None:
    data = tmp_path / "data"
    make_library(data, tmp_path / "releases")
    wreck(data / "review.sqlite3")
    window, text = start_and_read_dialog(data)
    assert window is None
    assert "Review store damaged" in text and "Reviewer cannot start." in text
    assert "The newest verified backup is" in text and "(taken " in text


def test_empty_store_is_a_dialog(qtbot, tmp_path: Path) -> None:
    data = tmp_path / "data"
    make_library(data, tmp_path / "releases")
    (data / "review.sqlite3").write_bytes(b"")
    window, text = start_and_read_dialog(data)
    assert window is None and "is empty (0 bytes)" in text
    assert (data / "review.sqlite3").stat().st_size == 0


def test_full_disk_at_start_is_a_dialog_not_damage(qtbot, small_disk: Path,
                                                   tmp_path: Path) -> None:
    data = small_disk / "data"
    make_library(data, tmp_path / "releases")
    fill_disk(small_disk)
    window, text = start_and_read_dialog(data)
    assert window is None
    assert "Disk full" in text and "Free some space" in text and "damaged" not in text


def test_index_folder_replaced_by_a_file_starts_and_says_so(qtbot, tmp_path: Path,
                                                            open_window) -> None:
    data = tmp_path / "data"
    make_library(data, tmp_path / "releases")
    shutil.rmtree(data / "index")
    (data / "index").write_text("not an index")
    w = open_window(data)
    app.show_start_notices(w)
    assert w.failures.box is not None and w.failures.box.isVisible()
    assert "is not a folder" in w.failures.box.text()
    assert (data / "index").read_text() == "not an index"  # left untouched
    assert w.library_pane.library_model.rowCount() > 0
    assert len(w.ws.searcher.search("ASEAN").hits) == 5  # rebuilt elsewhere


def test_read_only_disk_opens_a_read_only_window(qtbot, small_disk: Path, tmp_path: Path,
                                                 open_window) -> None:
    data = small_disk / "data"
    doc_id = make_library(data, tmp_path / "releases")
    remount(small_disk, "ro")
    try:
        w = open_window(data, scan=False)
        app.show_start_notices(w)
        assert w.ws.readonly and "(read-only)" in w.windowTitle()
        assert "is on a read-only disk" in w.failures.box.text()
        assert [n.text for n in w.ws.store.notes(doc_id)] == ["precious"]
        assert not w.actions_by_id["status_reviewed"].isEnabled()
        close_and_wait(w)
    finally:
        remount(small_disk, "rw")


def test_data_folder_deleted_while_running_stops_saving(qtbot, tmp_path: Path,
                                                        open_window) -> None:
    data = tmp_path / "data"
    make_library(data, tmp_path / "releases")
    w = open_window(data, scan=False)
    shutil.rmtree(data)
    w.edits.set_status("reviewed")  # a change after the folder went
    wait_until(lambda: w.data_folder_gone is not None)
    assert w.failures.box is not None and w.failures.box.isVisible()
    text = w.failures.box.text()
    assert "was deleted or moved while Reviewer was running" in text
    assert "Nothing more can be saved there" in text
    assert w.undo_stack.count() == 0  # nothing "confirmed"
    assert not w.actions_by_id["status_reviewed"].isEnabled()
    assert "data folder gone" in w.windowTitle()


def test_data_folder_deleted_is_noticed_without_a_change(qtbot, tmp_path: Path,
                                                         open_window) -> None:
    data = tmp_path / "data"
    make_library(data, tmp_path / "releases")
    w = open_window(data, scan=False)
    shutil.rmtree(data)
    wait_until(lambda: w.data_folder_gone is not None, timeout=10)
    assert "was deleted or moved" in w.failures.box.text()


@pytest.mark.qt_no_exception_capture
def test_an_error_no_slot_handles_is_shown(qtbot, tmp_path: Path, open_window,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    make_library(data, tmp_path / "releases")
    w = open_window(data, scan=False)
    monkeypatch.setattr(sys, "excepthook", app._log_uncaught)
    for f in (data / "index").iterdir():  # the index vanishes under the running window
        f.unlink()
    qtbot.keyClicks(w.library_pane.search, "Hanoi")
    wait_until(lambda: w.failures.box is not None and w.failures.box.isVisible())
    assert "unexpected error" in w.failures.box.text()
    assert "EmptyIndexError" in w.failures.box.text()
