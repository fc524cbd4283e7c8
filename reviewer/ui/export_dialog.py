"""File > Export memo…: which releases (scope), title, author, the overview that opens
the memo, and what to add (people and organisations tables, full text)."""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

SCOPES = ("current", "selected", "results")
SCOPE_TEXT = {"current": "The open release", "selected": "The releases selected in the library",
              "results": "The current search results"}


@dataclass(slots=True)
class ExportOptions:
    scope: str
    title: str = ""
    author: str = ""
    full_text: bool = False
    overview: str = ""
    entities: bool = False


class ExportDialog(QDialog):
    """Scopes with how many releases each would export; an empty scope is disabled."""

    def __init__(self, counts: dict[str, int], defaults: ExportOptions,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export memo")
        self.setObjectName("exportDialog")
        box = QGroupBox("Releases")
        bl = QVBoxLayout(box)
        self.scope_group = QButtonGroup(self)
        self.scope_buttons: dict[str, QRadioButton] = {}
        first_enabled = None
        for i, scope in enumerate(SCOPES):
            n = counts.get(scope, 0)
            b = QRadioButton(f"{SCOPE_TEXT[scope]} ({n})")
            b.setEnabled(n > 0)
            if n > 0 and first_enabled is None:
                first_enabled = b
            self.scope_group.addButton(b, i)
            self.scope_buttons[scope] = b
            bl.addWidget(b)
        want = self.scope_buttons.get(defaults.scope)
        (want if want is not None and want.isEnabled() else first_enabled
         or self.scope_buttons["current"]).setChecked(True)
        self.title = QLineEdit(defaults.title)
        self.title.setPlaceholderText("Review memo")
        self.author = QLineEdit(defaults.author)
        self.overview = QPlainTextEdit(defaults.overview)
        self.overview.setObjectName("exportOverview")
        self.overview.setPlaceholderText(
            "Your summary of the set for the first page (optional). The memo also says "
            "what the releases cover, from their dates, names and meetings.")
        self.overview.setTabChangesFocus(True)
        self.overview.setFixedHeight(self.overview.fontMetrics().lineSpacing() * 5 + 12)
        self.entities = QCheckBox("Add tables of each release's people and organisations")
        self.entities.setChecked(defaults.entities)
        self.full_text = QCheckBox("Include the full text of each release (appendix)")
        self.full_text.setChecked(defaults.full_text)
        form = QFormLayout()
        form.addRow("Title:", self.title)
        form.addRow("Author:", self.author)
        form.addRow("Overview:", self.overview)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Export…")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(any(counts.get(s, 0) for s in SCOPES))
        lay = QVBoxLayout(self)
        lay.addWidget(box)
        lay.addLayout(form)
        lay.addWidget(self.entities)
        lay.addWidget(self.full_text)
        lay.addWidget(buttons)

    def options(self) -> ExportOptions:
        scope = SCOPES[max(0, self.scope_group.checkedId())]
        return ExportOptions(scope, self.title.text().strip(), self.author.text().strip(),
                             self.full_text.isChecked(), self.overview.toPlainText().strip(),
                             self.entities.isChecked())


def ask_export_options(parent: QWidget, counts: dict[str, int],
                       defaults: ExportOptions) -> ExportOptions | None:
    """The options the user chose, or None when cancelled (tests replace this)."""
    dlg = ExportDialog(counts, defaults, parent)
    if dlg.exec() != QDialog.DialogCode.Accepted:
        return None
    return dlg.options()
