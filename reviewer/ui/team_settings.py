"""File > Team settings…: the team's server, how often the window syncs by itself, and
whether this laptop shares the texts of its releases. Never a password: the dialog says
where the password comes from (the keyring, or a pgpass file readable only by you)."""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from reviewer.core import sync as team

#: The longest interval the spin box offers: a day.
MAX_MINUTES = 24 * 60


@dataclass(frozen=True, slots=True)
class TeamChoice:
    """What the dialog was accepted with."""
    server: str | None  # None: no server (the window does not sync)
    minutes: int  # 0: only when asked
    share_texts: bool


def pgpass_place() -> str:
    """Where libpq looks for passwords on this computer."""
    if os.environ.get("PGPASSFILE"):
        return os.environ["PGPASSFILE"]
    if sys.platform == "win32":
        return r"%APPDATA%\postgresql\pgpass.conf"
    return "~/.pgpass"


def checked_server(text: str) -> str | None:
    """The server address typed (None when the field is empty), or SyncError saying
    what is wrong with it."""
    url = text.strip()
    if not url:
        return None
    params = team.check_url(url)
    if not params.get("host") and not params.get("dbname"):
        raise team.SyncError("The address names no server: write it as "
                             "postgresql://ROLE@HOST:PORT/DATABASE.")
    port = str(params.get("port") or "")
    if port and not (port.isdigit() and 0 < int(port) < 65536):
        raise team.SyncError(f"“{port}” is not a port number: write the address as "
                             "postgresql://ROLE@HOST:PORT/DATABASE (the port is often 5432).")
    return url


class TeamSettingsDialog(QDialog):
    """Accepting it checks the address first: a bad one is said under the field, and the
    dialog stays open with nothing stored."""

    def __init__(self, server: str | None, minutes: int, share_texts: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Team settings")
        self.setObjectName("teamSettingsDialog")
        self.choice: TeamChoice | None = None
        self.server = QLineEdit(server or "")
        self.server.setObjectName("teamServer")
        self.server.setPlaceholderText("postgresql://ROLE@HOST:PORT/DATABASE")
        self.server.setClearButtonEnabled(True)
        self.server.setMinimumWidth(380)
        self.error = QLabel("")
        self.error.setObjectName("teamServerError")
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #AA3377;")
        self.error.hide()
        self.server.textEdited.connect(lambda _t: self.error.hide())
        where = QLabel(
            "Reviewer never asks for nor stores your password. It comes from the keyring "
            "(service “reviewer”, under this address) or from "
            f"{pgpass_place()} (a line HOST:PORT:DATABASE:ROLE:PASSWORD, in a file only "
            "you can read). Your administrator gives you the role and the password.")
        where.setObjectName("teamPasswordHelp")
        where.setTextFormat(Qt.TextFormat.PlainText)
        where.setWordWrap(True)
        where.setStyleSheet("color: #555555;")
        self.minutes = QSpinBox()
        self.minutes.setObjectName("teamInterval")
        self.minutes.setRange(0, MAX_MINUTES)
        self.minutes.setValue(max(0, min(minutes, MAX_MINUTES)))
        self.minutes.setSuffix(" minutes")
        self.minutes.setSpecialValueText("Only when asked (File > Sync with team)")
        self.minutes.setToolTip("0: the window syncs only when you ask")
        self.share = QCheckBox("Share release texts with the team")
        self.share.setObjectName("teamShareTexts")
        self.share.setChecked(share_texts)
        share_help = QLabel(
            "Teammates who lack a release's file can then read it. Off, only content "
            "hashes, offsets and your own review work leave this computer.")
        share_help.setTextFormat(Qt.TextFormat.PlainText)
        share_help.setWordWrap(True)
        share_help.setStyleSheet("color: #555555;")
        # The wrapped lines sit in boxes of their own: a form row would not make room
        # for a message that wraps onto several lines.
        server_box = QVBoxLayout()
        server_box.setContentsMargins(0, 0, 0, 0)
        for w in (self.server, self.error, where):
            server_box.addWidget(w)
        share_box = QVBoxLayout()
        share_box.setContentsMargins(0, 0, 0, 0)
        share_box.addWidget(self.share)
        share_box.addWidget(share_help)
        form = QFormLayout()
        form.addRow("Server address:", server_box)
        form.addRow("Sync every:", self.minutes)
        form.addRow("", share_box)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)  # grows for a message
        lay.addLayout(form)
        lay.addWidget(self.buttons)

    def accept(self) -> None:
        try:
            server = checked_server(self.server.text())
        except team.SyncError as exc:
            self.error.setText(" ".join(str(exc).split()))
            self.error.show()
            self.adjustSize()
            self.server.setFocus()
            self.server.selectAll()
            return
        self.choice = TeamChoice(server, self.minutes.value(), self.share.isChecked())
        super().accept()
