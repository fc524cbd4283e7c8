"""The team server's password from the platform keyring: a real `keyring` backend (kept in
memory) holds it, a sync connects with it, and Reviewer writes it nowhere."""
from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("psycopg")
keyring = pytest.importorskip(
    "keyring", reason="the optional keyring package is not installed "
                      "(pip install -e '.[keyring]') to test passwords from the keyring")

from keyring.backend import KeyringBackend  # noqa: E402
from keyring.errors import KeyringLocked, PasswordDeleteError  # noqa: E402

from reviewer.cli import main  # noqa: E402
from reviewer.core.review.workspace import Workspace  # noqa: E402
from reviewer.core.sync import SyncError, add_reviewer, sync  # noqa: E402
from reviewer.core.sync.connection import KEYRING_SERVICE  # noqa: E402


class MemoryKeyring(KeyringBackend):
    """A keyring backend that keeps its passwords in memory (as a platform keyring keeps
    them in its vault)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}
        self.asked: list[tuple[str, str]] = []
        self.locked = False

    def get_password(self, service: str, username: str) -> str | None:
        self.asked.append((service, username))
        if self.locked:
            raise KeyringLocked("the keyring is locked")
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.passwords.pop((service, username), None) is None:
            raise PasswordDeleteError("no such password")


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    try:
        yield ring
    finally:
        keyring.set_keyring(previous)


def _everything_written(folder: Path) -> bytes:
    """Every byte of every file under `folder` (the store, its WAL, backups, caches)."""
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


def test_a_sync_connects_with_the_password_from_the_keyring_and_writes_it_nowhere(
        team, memory_keyring: MemoryKeyring, tmp_path: Path, capsys) -> None:
    password = secrets.token_hex(16)
    add_reviewer(team.admin, "kim", "Kim", password=password)  # not in the pgpass file
    url = team.url("kim")
    data = tmp_path / "kim"
    with Workspace(data) as ws:
        d = ws.store.upsert_document("/k/opec.txt", sha256="1" * 64, size=3, mtime_ns=1)
        ws.store.set_status(d, "reviewed")
        # Without the keyring's password the server refuses Kim.
        with pytest.raises(SyncError, match="cannot be reached or refused"):
            sync(ws.store, url)
    keyring.set_password(KEYRING_SERVICE, url, password)
    assert main(["sync", "--server", url, "--share-texts", "--data-dir", str(data)]) == 0
    assert "sent 1, received 0" in capsys.readouterr().out
    assert (KEYRING_SERVICE, url) in memory_keyring.asked
    # The address is remembered, never the password: not in the store, its settings, its
    # write-ahead log or anything else in the data folder.
    with Workspace(data) as ws:
        settings = dict(ws.store._db.execute("SELECT key, value FROM sync_meta"))
        assert settings["server"] == url
    written = _everything_written(data)
    assert written and password.encode() not in written
    # The next sync needs nothing more than the keyring.
    assert main(["sync", "--data-dir", str(data)]) == 0
    assert "sent 0, received 0" in capsys.readouterr().out


def test_a_locked_keyring_falls_back_to_the_pgpass_file(
        team, memory_keyring: MemoryKeyring, tmp_path: Path) -> None:
    url = team.add("lea", "Lea")  # her password is in the pgpass file
    memory_keyring.locked = True
    with Workspace(tmp_path / "lea") as ws:
        d = ws.store.upsert_document("/l/opec.txt", sha256="1" * 64, size=3, mtime_ns=1)
        ws.store.set_status(d, "reviewed")
        assert sync(ws.store, url).pushed == 1
    assert (KEYRING_SERVICE, url) in memory_keyring.asked
