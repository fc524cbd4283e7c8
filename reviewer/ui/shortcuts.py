"""The shortcut sheet (F1): every command of the window with its keys, read from the key
map (the action table's defaults and the user's own bindings), and where the user
rebinds them: pick a row, press the new key, Assign."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QKeySequenceEdit,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reviewer.ui.actions import ACTIONS, SPECS
from reviewer.ui.keymap import Keymap

#: The sheet's rows: every command a key can be bound to, in menu order.
SHEET_IDS: tuple[str, ...] = tuple(s.id for s in ACTIONS if s.rebindable)


def where(action_id: str) -> str:
    return SPECS[action_id].view or "window"


class ShortcutSheet(QDialog):
    def __init__(self, keymap: Keymap, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.keymap = keymap
        self.setWindowTitle("Keyboard shortcuts")
        self.filter = QLineEdit()
        self.filter.setObjectName("shortcutFilter")
        self.filter.setPlaceholderText("Find a command or a key")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._apply_filter)
        self.table = QTableWidget(len(SHEET_IDS), 3)
        self.table.setObjectName("shortcutTable")
        self.table.setHorizontalHeaderLabels(["Keys", "Action", "Where"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._row_changed)

        self.current_label = QLabel("")
        self.current_label.setTextFormat(Qt.TextFormat.PlainText)
        self.key_edit = QKeySequenceEdit()
        self.key_edit.setObjectName("shortcutEdit")
        self.key_edit.setMaximumSequenceLength(1)
        self.key_edit.setClearButtonEnabled(True)
        self.key_edit.editingFinished.connect(self.assign)
        self.table.itemDoubleClicked.connect(lambda _i: self.key_edit.setFocus())
        self.assign_button = QPushButton("Assign")
        self.assign_button.setObjectName("assignShortcut")
        self.assign_button.clicked.connect(self.assign)
        self.remove_button = QPushButton("No key")
        self.remove_button.setObjectName("removeShortcut")
        self.remove_button.setToolTip("Remove every key of this command")
        self.remove_button.clicked.connect(self.remove)
        self.default_button = QPushButton("Default")
        self.default_button.setObjectName("defaultShortcut")
        self.default_button.setToolTip("Back to this command's default keys")
        self.default_button.clicked.connect(self.reset_row)
        self.reset_all_button = QPushButton("Reset all")
        self.reset_all_button.setObjectName("resetShortcuts")
        self.reset_all_button.setToolTip("Every command back to its default keys")
        self.reset_all_button.clicked.connect(self.reset_all)
        self.message = QLabel("")
        self.message.setObjectName("shortcutMessage")
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)

        editor = QHBoxLayout()
        editor.addWidget(QLabel("New key:"))
        editor.addWidget(self.key_edit, 1)
        for b in (self.assign_button, self.remove_button, self.default_button):
            editor.addWidget(b)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.reset_all_button, QDialogButtonBox.ButtonRole.ResetRole)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.filter)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.current_label)
        lay.addLayout(editor)
        lay.addWidget(self.message)
        lay.addWidget(buttons)
        self.resize(720, 680)
        self.setWindowModality(Qt.WindowModality.NonModal)
        self._fill()
        keymap.changed.connect(self._fill)
        self.table.selectRow(0)

    # -- the table ---------------------------------------------------------------------
    def _fill(self) -> None:
        km = self.keymap
        for r, action_id in enumerate(SHEET_IDS):
            cells = (km.text(action_id) or "—", SPECS[action_id].sheet_text, where(action_id))
            for c, text in enumerate(cells):
                item = self.table.item(r, c)
                if item is None:
                    item = QTableWidgetItem()
                    item.setData(Qt.ItemDataRole.UserRole, action_id)
                    self.table.setItem(r, c, item)
                item.setText(text)
        self.table.resizeColumnToContents(0)
        self.table.resizeColumnToContents(2)
        self._apply_filter(self.filter.text())

    def _cell(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text() if item is not None else ""

    def rows(self) -> list[tuple[str, str, str]]:
        """(keys, action, where) of every row, as shown."""
        return [(self._cell(r, 0), self._cell(r, 1), self._cell(r, 2))
                for r in range(self.table.rowCount())]

    def _apply_filter(self, text: str) -> None:
        words = text.casefold().split()
        for r, row in enumerate(self.rows()):
            line = " ".join(row).casefold()
            self.table.setRowHidden(r, not all(w in line for w in words))

    def current_id(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return SHEET_IDS[rows[0].row()] if rows else None

    def _row_changed(self) -> None:
        action_id = self.current_id()
        on = action_id is not None
        for w in (self.key_edit, self.assign_button, self.remove_button, self.default_button):
            w.setEnabled(on)
        if action_id is None:
            self.current_label.setText("")
            return
        keys = self.keymap.text(action_id) or "no key"
        self.current_label.setText(f"{SPECS[action_id].sheet_text}: {keys}")
        self.key_edit.clear()

    # -- rebinding ---------------------------------------------------------------------
    def assign(self) -> None:
        """Bind the recorded key to the selected command, in place of its keys."""
        action_id = self.current_id()
        key = self.key_edit.keySequence()
        if action_id is None or key.isEmpty():
            return
        self._bind(action_id, [key])

    def remove(self) -> None:
        action_id = self.current_id()
        if action_id is not None:
            self._bind(action_id, [])

    def _bind(self, action_id: str, keys: list[QKeySequence]) -> None:
        losers = self.keymap.set_keys(action_id, keys)
        name = SPECS[action_id].sheet_text
        text = ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in keys)
        msg = f"{name}: {text}." if keys else f"{name}: no key."
        if losers:
            msg += " Taken from: " + "; ".join(SPECS[i].sheet_text for i in losers) + "."
        self.message.setText(msg)
        self.key_edit.clear()
        self._row_changed()

    def reset_row(self) -> None:
        action_id = self.current_id()
        if action_id is not None:
            self.keymap.reset(action_id)
            self.message.setText(f"{SPECS[action_id].sheet_text}: default keys.")
            self._row_changed()

    def reset_all(self) -> None:
        self.keymap.reset()
        self.message.setText("Every command has its default keys again.")
        self._row_changed()
