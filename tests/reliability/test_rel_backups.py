"""Backups that can be trusted and store errors that say what really happened: a killed
or failed backup is never offered, a full or read-only disk is not called damage, an empty
or foreign file is refused, and old copies are pruned."""
from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import time
from pathlib import Path

import pytest
from disks import fill_disk, remount
from rel_helpers import start_script

from reviewer.core import backups
from reviewer.core import store as store_mod
from reviewer.core.review.workspace import READ_ONLY_DISK, Workspace
from reviewer.core.store import ReviewStore, StoreError
from reviewer.core.store import file as store_file


def big_library(data: Path, samples: Path, notes: int = 400) -> int:
    """A library of the five samples with `notes` notes of about 1 KB on one release."""
    with Workspace(data) as ws:
        ws.library.add_paths([samples])
        ws.library.scan()
        doc_id = ws.doc_id_for_path(samples / "000_f7c1be859b819757.txt")
        for i in range(notes):
            ws.store.add_note(doc_id, f"note {i} " + "checked " * 120)
        return doc_id


def backup_named(data: Path, when: dt.datetime, reason: str = "daily") -> Path:
    """A real, verified-looking copy of the store, named as taken at `when`."""
    target = data / "backups" / f"review-{when:%Y%m%d-%H%M%S}-{reason}.sqlite3"
    target.parent.mkdir(exist_ok=True)
    src = sqlite3.connect(data / "review.sqlite3")
    dest = sqlite3.connect(target)
    src.backup(dest)
    dest.execute("PRAGMA journal_mode = DELETE")
    dest.close()
    src.close()
    return target


def wreck(store: Path) -> None:
    data = bytearray(store.read_bytes())
    data[:4096] = b"\x00garbage" * 512
    store.write_bytes(bytes(data))
    for side in ("-wal", "-shm"):
        Path(str(store) + side).unlink(missing_ok=True)


BACKER = r"""
import sys
from reviewer.core.store import ReviewStore
s = ReviewStore(sys.argv[1])
print("ready", flush=True)
for _ in range(200):
    s.backup("daily")
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_backup_killed_mid_copy_is_never_named_and_yesterdays_is(data_dir: Path,
                                                                  samples: Path) -> None:
    big_library(data_dir, samples, notes=3000)
    yesterday = dt.datetime.now() - dt.timedelta(days=1)
    for p in (data_dir / "backups").iterdir():
        p.unlink()
    good = backup_named(data_dir, yesterday.replace(hour=9, minute=15, second=0))
    proc = start_script(BACKER, str(data_dir / "review.sqlite3"))
    assert proc.stdout.readline().strip() == "ready"
    folder = data_dir / "backups"
    deadline = time.monotonic() + 30
    while not any(p.name not in (good.name,) for p in folder.iterdir()):
        assert time.monotonic() < deadline, "no backup was started"
    os.kill(proc.pid, signal.SIGKILL)  # as soon as the copy's first file appears
    proc.communicate(timeout=30)
    partial = [p for p in folder.iterdir() if p != good]
    assert partial, "the kill came after the copy"
    # Whatever the kill left is not under a backup's name...
    assert [p for p in partial if backups.parse_name(p) and not backups.verify(p)] == []
    wreck(data_dir / "review.sqlite3")
    with pytest.raises(StoreError) as info:
        Workspace(data_dir)
    msg = str(info.value)
    # ...so the advice names yesterday's intact copy, with its date and what it holds.
    assert info.value.kind == "damaged"
    assert (f"The newest verified backup is {good} (taken {yesterday.day} "
            f"{yesterday:%B %Y} 09:15; 5 releases, 0 corrections, 3,000 notes)") in msg


def test_a_day_whose_backup_was_cut_short_takes_a_new_one(data_dir: Path,
                                                          samples: Path) -> None:
    big_library(data_dir, samples, notes=10)
    folder = data_dir / "backups"
    for p in folder.iterdir():
        p.unlink()
    now = dt.datetime.now()
    stub = folder / f"review-{now:%Y%m%d}-000001-daily.sqlite3"  # a partial copy
    stub.write_bytes((folder.parent / "review.sqlite3").read_bytes()[:8192])
    empty = folder / f"review-{now:%Y%m%d}-000002-daily.sqlite3"  # a 0-byte one
    empty.write_bytes(b"")
    (folder / ".review-x-daily-1.tmp").write_bytes(b"cut short")
    with Workspace(data_dir) as ws:
        assert ws.warnings == []
        verified = ws.store.backups()
    assert len(verified) == 1 and verified[0].counts["notes"] == 10
    assert verified[0].path not in (stub, empty)
    assert not (folder / ".review-x-daily-1.tmp").exists()  # the killed copy's leftover


def test_backup_that_does_not_fit_warns_and_starts(small_disk: Path, samples: Path) -> None:
    data = small_disk / "data"
    doc_id = big_library(data, samples, notes=600)
    for p in (data / "backups").iterdir():
        p.unlink()
    store_size = (data / "review.sqlite3").stat().st_size
    fill_disk(small_disk, leave=store_size // 3)
    with Workspace(data) as ws:  # the first start of a day
        assert len(ws.warnings) == 1
        assert "No backup of the review store was taken: The disk holding" in ws.warnings[0]
        assert "is full" in ws.warnings[0]
        ws.store.add_note(doc_id, "still writable")  # the store itself works
        assert len(ws.searcher.search("ASEAN").hits) == 5
    assert list((data / "backups").iterdir()) == []  # no 0-byte or partial copy left


def test_full_disk_is_not_called_damaged(small_disk: Path, samples: Path) -> None:
    data = small_disk / "data"
    big_library(data, samples, notes=5)
    fill_disk(small_disk)
    before = (data / "review.sqlite3").read_bytes()
    with pytest.raises(StoreError) as info:
        Workspace(data)
    msg = str(info.value)
    assert info.value.kind == "disk-full"
    assert f"The disk holding {data} is full" in msg and "Free some space" in msg
    assert "damaged" not in msg and "backup" not in msg
    assert (data / "review.sqlite3").read_bytes() == before


def test_read_only_disk_opens_read_only(small_disk: Path, samples: Path) -> None:
    data = small_disk / "data"
    doc_id = big_library(data, samples, notes=3)
    remount(small_disk, "ro")
    try:
        with Workspace(data) as ws:
            assert ws.readonly and ws.readonly_reason == READ_ONLY_DISK
            assert len(ws.store.notes(doc_id)) == 3
            assert len(ws.searcher.search("ASEAN").hits) == 5
            with pytest.raises(StoreError, match="read-only"):
                ws.store.add_note(doc_id, "x")
    finally:
        remount(small_disk, "rw")


def test_locked_store_says_locked(data_dir: Path, samples: Path,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    big_library(data_dir, samples, notes=1)
    monkeypatch.setattr(store_file, "BUSY_TIMEOUT_S", 0.3)
    other = sqlite3.connect(data_dir / "review.sqlite3", isolation_level=None)
    other.execute("PRAGMA locking_mode = EXCLUSIVE")
    other.execute("BEGIN EXCLUSIVE")  # another program holds the file
    try:
        with pytest.raises(StoreError) as info:
            ReviewStore(data_dir / "review.sqlite3")
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert info.value.kind == "locked"
    assert "is locked by another program" in str(info.value)
    assert "damaged" not in str(info.value)


def test_empty_store_file_is_refused_not_replaced(data_dir: Path, samples: Path) -> None:
    big_library(data_dir, samples, notes=2)
    store = data_dir / "review.sqlite3"
    store.write_bytes(b"")
    with pytest.raises(StoreError) as info:
        Workspace(data_dir)
    assert info.value.kind == "empty"
    msg = str(info.value)
    assert f"The review store {store} is empty (0 bytes)" in msg
    assert "The newest verified backup is" in msg and "(taken " in msg
    assert store.stat().st_size == 0


def test_foreign_database_is_refused_not_migrated(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    store = data_dir / "review.sqlite3"
    db = sqlite3.connect(store)
    db.execute("CREATE TABLE contacts (name TEXT)")
    db.execute("INSERT INTO contacts VALUES ('Ana')")
    db.commit()
    db.close()
    before = store.read_bytes()
    with pytest.raises(StoreError) as info:
        Workspace(data_dir)
    assert info.value.kind == "foreign"
    assert "is an SQLite database but not a Reviewer review store (it holds contacts)" in \
        str(info.value)
    assert store.read_bytes() == before


def test_new_store_is_never_an_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "review.sqlite3"
    ReviewStore(path).close()
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA application_id").fetchone()[0] == store_mod.APPLICATION_ID
    db.close()
    assert [p.name for p in tmp_path.iterdir()] == ["review.sqlite3"]  # no temporary left


def test_old_backups_are_pruned(data_dir: Path, samples: Path) -> None:
    big_library(data_dir, samples, notes=1)
    folder = data_dir / "backups"
    for p in folder.iterdir():
        p.unlink()
    today = dt.datetime.now().replace(hour=8, minute=0, second=0, microsecond=0)
    for days in range(1, 41):  # 40 days of daily copies
        backup_named(data_dir, today - dt.timedelta(days=days))
    migrations = [backup_named(data_dir, today - dt.timedelta(days=d, hours=1),
                               f"before-migration-{n}") for n, d in ((2, 90), (3, 35))]
    with Workspace(data_dir):
        pass
    left = sorted(p for p in folder.iterdir())
    daily = [p for p in left if p.name.endswith("-daily.sqlite3")]
    days_old = sorted((today.date() - backups.parse_name(p)[0].date()).days for p in daily)
    assert days_old[:7] == [0, 1, 2, 3, 4, 5, 6]  # today's copy and the six days before
    weekly = days_old[7:]
    assert len(weekly) == 4  # one per week for the four weeks before
    weeks = {(dt.date.today() - dt.timedelta(days=d)).isocalendar()[:2] for d in weekly}
    assert len(weeks) == 4
    assert all(m in left for m in migrations)
    assert len(left) == 7 + 4 + 2
