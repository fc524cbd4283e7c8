"""The shortcut sheet (F1): every key of the window, read from the action table."""
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

from reviewer.ui.actions import ACTIONS, VIEW_KEYS, KeySpec, sequences

#: action id -> (description, keys) of every row of the action table that has keys.
SHORTCUTS: dict[str, tuple[str, list[KeySpec]]] = {
    s.id: (s.description or s.text, list(s.keys)) for s in ACTIONS if s.keys}


def keys_text(keys: list[QKeySequence]) -> str:
    return ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in keys
                     if not k.isEmpty()) or "—"


def sheet_rows() -> list[tuple[str, str]]:
    rows = [(keys_text(sequences(tuple(keys))), desc) for desc, keys in SHORTCUTS.values()]
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
