"""The review dialogs: a fact's value, status and note in one; a note with what it
annotates quoted; the reviewer's name; a label for "Label all". Everything they quote
from a release is plain text (never rich text: a `<b>` in a release shows as typed) with
its direction controls shown, never applied."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reviewer.core.controls import reveal
from reviewer.core.model import LABELS
from reviewer.core.palette import LABEL_NAMES
from reviewer.core.store import FACT_STATUSES
from reviewer.ui.actions import label_icon

QUOTE_CHARS = 600  # a longer quote is cut (with "…"): the dialog stays on screen


def plain_label(text: str, *, quote: bool = False) -> QLabel:
    """A label that shows `text` exactly as typed (never as rich text), wrapped."""
    lab = QLabel()
    lab.setTextFormat(Qt.TextFormat.PlainText)
    lab.setWordWrap(True)
    lab.setText(reveal(text))
    if quote:
        lab.setObjectName("quote")
        lab.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lab.setStyleSheet("QLabel#quote { border-left: 3px solid #999999; padding: 4px 8px; "
                          "background: #F4F4F4; }")
    return lab


def shorten(text: str, limit: int = QUOTE_CHARS) -> str:
    """One line of `text` (runs of spaces and newlines become one space), cut at `limit`."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit - 1].rstrip() + "…"


class _Dialog(QDialog):
    """OK and Cancel, OK enabled only while `ready()` holds."""

    def __init__(self, parent: QWidget | None, title: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        assert ok is not None and cancel is not None
        self.ok_button: QPushButton = ok
        self.cancel_button: QPushButton = cancel
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.layout_ = QVBoxLayout(self)

    def ready(self) -> bool:
        return True

    def update_ok(self) -> None:
        self.ok_button.setEnabled(self.ready())

    def accept(self) -> None:
        if self.ready():
            super().accept()


class FactDialog(_Dialog):
    """A fact's value (as the release should say it), its status and the reviewer's
    note, in one dialog, below the sentence the fact comes from."""

    def __init__(self, parent: QWidget | None, *, kind: str, evidence: str, extracted: str,
                 value: str, status: str, note: str) -> None:
        super().__init__(parent, "Edit fact")
        self.extracted = extracted
        self.quote = plain_label(shorten(evidence), quote=True)
        self.value = QLineEdit(value)
        self.value.setObjectName("factValue")
        self.value.setPlaceholderText(extracted)
        self.value.setClearButtonEnabled(True)
        self.value.returnPressed.connect(self.accept)
        self.status = QComboBox()
        self.status.setObjectName("factStatus")
        self.status.addItems(list(FACT_STATUSES))
        self.status.setCurrentText(status)
        self.note = QPlainTextEdit(note)
        self.note.setObjectName("factNote")
        self.note.setTabChangesFocus(True)
        self.note.setPlaceholderText("Why: the source checked, what is wrong…")
        form = QFormLayout()
        form.addRow("Extracted:", plain_label(extracted))
        form.addRow("Value:", self.value)
        form.addRow("Status:", self.status)
        form.addRow("Note:", self.note)
        self.layout_.addWidget(plain_label(f"The release says ({kind}):"))
        self.layout_.addWidget(self.quote)
        self.layout_.addLayout(form)
        self.layout_.addWidget(self.buttons)
        self.resize(560, 380)

    def result_value(self) -> str | None:
        """The reviewer's value; None when it is the extracted one (or empty)."""
        v = " ".join(self.value.text().split())
        return v if v and v != self.extracted else None

    def result_note(self) -> str:
        return self.note.toPlainText().strip()


class NoteDialog(_Dialog):
    """A note's text, below what it annotates, signed with the reviewer's name."""

    def __init__(self, parent: QWidget | None, *, title: str, quote: str, author: str,
                 text: str = "") -> None:
        super().__init__(parent, title)
        self.quote = plain_label(shorten(quote), quote=True)
        self.text = QPlainTextEdit(text)
        self.text.setObjectName("noteText")
        self.text.setTabChangesFocus(True)
        self.text.setPlaceholderText("Your note")
        self.text.textChanged.connect(self.update_ok)
        self.author = plain_label(f"Signed: {author}" if author else "Not signed")
        self.author.setStyleSheet("color: #555555;")
        self.layout_.addWidget(plain_label("On:"))
        self.layout_.addWidget(self.quote)
        self.layout_.addWidget(self.text, 1)
        self.layout_.addWidget(self.author)
        self.layout_.addWidget(self.buttons)
        self.update_ok()
        self.text.setFocus()
        self.resize(520, 340)

    def ready(self) -> bool:
        return bool(self.text.toPlainText().strip())

    def note_text(self) -> str:
        return self.text.toPlainText().strip()


class NameDialog(_Dialog):
    """The reviewer's name, asked once: it signs every note."""

    def __init__(self, parent: QWidget | None, name: str) -> None:
        super().__init__(parent, "Your name")
        self.name = QLineEdit(name)
        self.name.setObjectName("reviewerName")
        self.name.textChanged.connect(self.update_ok)
        self.name.returnPressed.connect(self.accept)
        self.layout_.addWidget(plain_label(
            "Your notes are signed with your name (shown beside each note and in memos). "
            "Review > Your name… changes it."))
        self.layout_.addWidget(self.name)
        self.layout_.addWidget(self.buttons)
        self.update_ok()
        self.name.selectAll()
        self.resize(420, 150)

    def ready(self) -> bool:
        return bool(self.name.text().strip())

    def result_name(self) -> str:
        return " ".join(self.name.text().split())


class LabelAllDialog(_Dialog):
    """Which label every occurrence of the quoted text gets."""

    def __init__(self, parent: QWidget | None, needle: str, where: str,
                 keys: dict[str, str]) -> None:
        super().__init__(parent, "Label all")
        self.quote = plain_label(shorten(needle), quote=True)
        self.labels = QListWidget()
        self.labels.setObjectName("labelChoice")
        for lab in LABELS:
            key = keys.get(lab, "")
            item = QListWidgetItem(label_icon(lab, key),
                                   f"{LABEL_NAMES[lab]}" + (f"  ({key})" if key else ""))
            item.setData(Qt.ItemDataRole.UserRole, lab)
            self.labels.addItem(item)
        self.labels.setCurrentRow(0)
        self.labels.itemDoubleClicked.connect(lambda _i: self.accept())
        self.layout_.addWidget(plain_label(f"Label every occurrence in {where} of:"))
        self.layout_.addWidget(self.quote)
        self.layout_.addWidget(plain_label("as:"))
        self.layout_.addWidget(self.labels, 1)
        self.layout_.addWidget(self.buttons)
        self.resize(420, 420)

    def label(self) -> str:
        item = self.labels.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item is not None else LABELS[0]


class CanonicalDialog(_Dialog):
    """Which name a merged entity goes by: every name, with its releases and mentions."""

    def __init__(self, parent: QWidget | None, label: str,
                 names: list[tuple[str, int, int]], default: str) -> None:
        """`names`: (name, releases, mentions)."""
        super().__init__(parent, "Link as one entity")
        self.names = QListWidget()
        self.names.setObjectName("canonicalChoice")
        for name, releases, mentions in names:
            item = QListWidgetItem(reveal(
                f"{name}  —  {releases} release{'s' if releases != 1 else ''}, "
                f"{mentions} mention{'s' if mentions != 1 else ''}"))
            item.setData(Qt.ItemDataRole.UserRole, name)
            self.names.addItem(item)
            if name == default:
                self.names.setCurrentItem(item)
        self.names.itemDoubleClicked.connect(lambda _i: self.accept())
        n = len(names)
        self.layout_.addWidget(plain_label(
            f"These {n} names become one {LABEL_NAMES.get(label, label)} in every release and "
            "in memos. The name it goes by (its canonical name):"))
        self.layout_.addWidget(self.names, 1)
        self.layout_.addWidget(self.buttons)
        self.resize(460, 300)

    def canonical(self) -> str:
        item = self.names.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item is not None else ""
