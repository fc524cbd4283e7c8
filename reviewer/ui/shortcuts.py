"""Every key of the workspace in one table: the actions use it and the sheet shows it."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reviewer.core.palette import LABEL_KEYS, LABEL_NAMES

SK = QKeySequence.StandardKey

# action id -> (description, keys). Standard keys follow the platform. Kept as specs,
# not QKeySequence objects: those need a running QGuiApplication.
KeySpec = QKeySequence.StandardKey | str
SHORTCUTS: dict[str, tuple[str, list[KeySpec]]] = {
    "add_folder": ("Add a folder to the library", [SK.Open]),
    "export": ("Export a review memo (Word)", ["Ctrl+E"]),
    "find": ("Search the library", [SK.Find]),
    "undo": ("Undo", [SK.Undo]),
    "redo": ("Redo", [SK.Redo]),
    "next_mention": ("Next mention of the selected entity", [SK.FindNext]),
    "prev_mention": ("Previous mention of the selected entity",
                     [SK.FindPrevious]),
    "grow_end": ("Grow the entity by a word at the end", ["Ctrl+Alt+Right"]),
    "shrink_end": ("Shrink the entity by a word at the end", ["Ctrl+Alt+Left"]),
    "grow_start": ("Grow the entity by a word at the start",
                   ["Ctrl+Alt+Shift+Left"]),
    "shrink_start": ("Shrink the entity by a word at the start",
                     ["Ctrl+Alt+Shift+Right"]),
    "label_all_doc": ("Label all occurrences in this release", ["Ctrl+L"]),
    "label_all_library": ("Label all occurrences in the whole library",
                          ["Ctrl+Shift+L"]),
    "merge": ("Merge the selected entities (aliases)", ["Ctrl+M"]),
    "split": ("Split the selected entity's aliases", ["Ctrl+Shift+M"]),
    "note": ("Add a note (selection, entity, fact or release)", ["Ctrl+Shift+N"]),
    "edit_note": ("Edit the selected note", ["Ctrl+Shift+E"]),
    "delete_note": ("Delete the selected note", ["Ctrl+Shift+Backspace"]),
    "status_unreviewed": ("Mark release unreviewed", ["Ctrl+1"]),
    "status_in_progress": ("Mark release in progress", ["Ctrl+2"]),
    "status_reviewed": ("Mark release reviewed", ["Ctrl+3"]),
    "next_unreviewed": ("Open the next unreviewed release", ["F8"]),
    "shortcuts": ("Show this sheet", [SK.HelpContents, "?"]),
    "quit": ("Quit", [SK.Quit, "Ctrl+Q"]),
}

# Keys handled by the text and entity views themselves (not window-wide shortcuts, so
# typing in the search box never triggers them).
VIEW_KEYS: list[tuple[str, str]] = (
    [(LABEL_KEYS[lab], f"Label the selection (or retype the entity) as {LABEL_NAMES[lab]}")
     for lab in LABEL_KEYS]
    + [("Delete", "Reject the entity under the cursor (or selected in the list)"),
       ("V / X / U", "Facts list: verify / dispute / unverify the selected fact"),
       ("F2", "Facts list: edit the fact's value with a note")]
)


def sequences(action_id: str) -> list[QKeySequence]:
    """The action's key sequences (a QGuiApplication must exist)."""
    out: list[QKeySequence] = []
    for spec in SHORTCUTS[action_id][1]:
        if isinstance(spec, str):
            out.append(QKeySequence(spec))
        else:
            out.extend(QKeySequence.keyBindings(spec))
    unique = {k.toString(): k for k in out if not k.isEmpty()}
    return list(unique.values())


def keys_text(keys: list[QKeySequence]) -> str:
    return ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in keys
                     if not k.isEmpty()) or "—"


def sheet_rows() -> list[tuple[str, str]]:
    rows = [(keys_text(sequences(key)), desc) for key, (desc, _k) in SHORTCUTS.items()]
    return rows + VIEW_KEYS


class ShortcutSheet(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        rows = sheet_rows()
        self.table = QTableWidget(len(rows), 2)
        self.table.setHorizontalHeaderLabels(["Keys", "Action"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        for r, (keys, desc) in enumerate(rows):
            self.table.setItem(r, 0, QTableWidgetItem(keys))
            self.table.setItem(r, 1, QTableWidgetItem(desc))
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.resizeColumnToContents(0)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.table)
        lay.addWidget(buttons)
        self.resize(620, 640)
        self.setWindowModality(Qt.WindowModality.NonModal)
