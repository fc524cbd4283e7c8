"""File > Team settings…: the server's address (checked, never with a password), how often
the window syncs by itself (applied at once to the running timer), and sharing release
texts, stored in the review store."""
from __future__ import annotations

import pytest

pytest.importorskip("psycopg")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QDialogButtonBox  # noqa: E402
from ui_helpers import on_dialog  # noqa: E402

from reviewer.core.sync import TeamSettings  # noqa: E402
from reviewer.ui.team_settings import TeamSettingsDialog  # noqa: E402

URL = "postgresql://ana@db.desk.example:5432/review"


def _type(qtbot, field, text: str) -> None:
    field.setFocus()
    qtbot.keyClick(field, "a", Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(field, text)


def _run(window, qtbot, act) -> list:
    """Open Team settings from the File menu and let `act` drive the dialog."""
    seen: list = []
    stop = on_dialog(TeamSettingsDialog, act, seen)
    window.window_actions["team_settings"].trigger()
    stop()
    assert seen, "the dialog did not show"
    return seen


def _ok(qtbot, d) -> None:
    qtbot.mouseClick(d.buttons.button(QDialogButtonBox.StandardButton.Ok),
                     Qt.MouseButton.LeftButton)


def test_team_settings_are_stored_and_the_interval_applies_at_once(window, qtbot,
                                                                   monkeypatch) -> None:
    monkeypatch.delenv("PGPASSFILE", raising=False)  # where libpq looks by default
    settings = TeamSettings(window.ws.store)
    assert window.team.state.text() == "Team: not set up"
    assert not window.team.timer.isActive()
    action = window.window_actions["team_settings"]
    assert action.text() == "Team settings…" and action in window.menus["&File"].actions()
    shown: list = []

    def fill(d: TeamSettingsDialog) -> None:
        shown.append((d.server.text(), d.minutes.text(), d.share.isChecked(),
                      d.findChild(type(d.error), "teamPasswordHelp").text()))
        _type(qtbot, d.server, URL)
        _type(qtbot, d.minutes.lineEdit(), "7")
        d.share.setFocus()
        qtbot.keyClick(d.share, Qt.Key.Key_Space)
        _ok(qtbot, d)

    _run(window, qtbot, fill)
    server, minutes, share, help_text = shown[0]
    assert (server, share) == ("", False)
    assert minutes.startswith("Only when asked")
    assert "never asks for nor stores your password" in help_text
    assert "keyring" in help_text and "~/.pgpass" in help_text
    assert settings.server() == URL
    assert settings.interval_minutes() == 7
    assert settings.share_texts()
    assert window.team.timer.isActive() and window.team.timer.interval() == 7 * 60_000
    assert window.team.state.text() == "Team: synced never"

    # Back to syncing only when asked: the running timer stops.
    def only_when_asked(d: TeamSettingsDialog) -> None:
        shown.append((d.server.text(), d.minutes.value(), d.share.isChecked()))
        _type(qtbot, d.minutes.lineEdit(), "0")
        _ok(qtbot, d)

    _run(window, qtbot, only_when_asked)
    assert shown[-1] == (URL, 7, True)  # the dialog opens on what is stored
    assert settings.interval_minutes() == 0 and not window.team.timer.isActive()
    assert settings.server() == URL and settings.share_texts()


@pytest.mark.parametrize(("typed", "said"), [
    ("postgresql://ana:secret@db.desk.example/review", "never stores passwords"),
    ("db.desk.example", "is not a server address"),
    ("postgresql://ana@db.desk.example:fivefour/review", "is not a port number"),
])
def test_a_bad_address_is_refused_with_a_message_and_nothing_stored(
        window, qtbot, typed: str, said: str) -> None:
    settings = TeamSettings(window.ws.store)
    seen: list = []

    def try_bad(d: TeamSettingsDialog) -> None:
        _type(qtbot, d.server, typed)
        _type(qtbot, d.minutes.lineEdit(), "5")
        _ok(qtbot, d)
        seen.append((d.isVisible(), d.error.isVisible(), d.error.text()))
        qtbot.keyClicks(d.server, "x")  # typing again clears the message
        seen.append(d.error.isVisible())
        qtbot.mouseClick(d.buttons.button(QDialogButtonBox.StandardButton.Cancel),
                         Qt.MouseButton.LeftButton)

    _run(window, qtbot, try_bad)
    still_open, error_shown, message = seen[0]
    assert still_open and error_shown and said in message
    assert "\n" not in message
    assert seen[1] is False
    assert settings.server() is None and settings.interval_minutes() == 0
    assert not settings.share_texts()
    assert not window.team.timer.isActive()


def test_the_dialog_names_the_password_file_libpq_reads(tmp_path, qtbot,
                                                        monkeypatch) -> None:
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "desk.pgpass"))
    d = TeamSettingsDialog(None, 0, False)
    qtbot.addWidget(d)
    help_text = d.findChild(type(d.error), "teamPasswordHelp").text()
    assert str(tmp_path / "desk.pgpass") in help_text


def test_the_shortcut_sheet_lists_team_settings(window, qtbot) -> None:
    from reviewer.ui.shortcuts import ShortcutSheet

    qtbot.keyClick(window, Qt.Key.Key_F1)
    sheet = window.findChild(ShortcutSheet)
    assert sheet is not None and sheet.isVisible()
    assert any("The team's server, how often to sync" in action
               for _keys, action, _where in sheet.rows())


def test_the_first_sync_asks_for_the_server_in_team_settings(window, qtbot) -> None:
    settings = TeamSettings(window.ws.store)

    def cancel(d: TeamSettingsDialog) -> None:
        qtbot.mouseClick(d.buttons.button(QDialogButtonBox.StandardButton.Cancel),
                         Qt.MouseButton.LeftButton)

    seen: list = []
    stop = on_dialog(TeamSettingsDialog, cancel, seen)
    window.window_actions["team_sync"].trigger()
    stop()
    assert seen and settings.server() is None
    assert not window.team.running  # no server: no sync
