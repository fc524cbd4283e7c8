"""Damaged data: the index is a cache and is rebuilt; the review store is never replaced,
and its error names the newest automatic backup."""
from __future__ import annotations

import os
import re
import sqlite3
import time
from pathlib import Path

import pytest

from reviewer.cli import main
from reviewer.core.review.workspace import Workspace
from reviewer.core.store import ReviewStore, StoreError


def library_with_note(data_dir: Path, samples: Path) -> tuple[int, int]:
    with Workspace(data_dir) as ws:
        ws.library.add_paths([samples])
        ws.library.scan()
        doc_id = ws.doc_id_for_path(samples / "000_f7c1be859b819757.txt")
        return doc_id, ws.store.add_note(doc_id, "precious")


def corrupt(path: Path) -> bytes:
    """Overwrite the SQLite header and first pages; returns the damaged bytes."""
    data = bytearray(path.read_bytes())
    data[:4096] = b"\x00garbage" * 512
    path.write_bytes(bytes(data))
    for side in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if side.exists():
            side.unlink()
    return bytes(data)


def test_corrupt_store_error_names_the_newest_backup(data_dir: Path, samples: Path) -> None:
    library_with_note(data_dir, samples)  # the first open took the daily backup
    backups = sorted((data_dir / "backups").glob("review-*-daily.sqlite3"))
    assert len(backups) == 1
    older = data_dir / "backups" / "review-20200101-000000-before-migration-2.sqlite3"
    older.write_bytes(backups[0].read_bytes())
    os.utime(older, (time.time() - 86400 * 30, time.time() - 86400 * 30))
    store = data_dir / "review.sqlite3"
    damaged = corrupt(store)
    with pytest.raises(StoreError) as info:
        Workspace(data_dir)
    msg = str(info.value)
    assert f"The review store {store} is damaged" in msg
    assert f"It was left untouched. The newest verified backup is {backups[0]} (taken " in msg
    assert "0 releases, 0 corrections, 0 notes)" in msg  # taken at the day's first start
    assert store.read_bytes() == damaged  # never silently replaced
    # The backup is a complete, openable store.
    assert sqlite3.connect(backups[0]).execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_corrupt_store_without_backup_says_so(tmp_path: Path) -> None:
    path = tmp_path / "review.sqlite3"
    path.write_bytes(b"not a database at all" * 300)
    with pytest.raises(StoreError, match=re.escape(
            f"No verified backup was found in {tmp_path / 'backups'}.")):
        ReviewStore(path)


def test_cli_reports_a_corrupt_store_with_its_backup(data_dir: Path, samples: Path,
                                                     capsys) -> None:
    library_with_note(data_dir, samples)
    corrupt(data_dir / "review.sqlite3")
    capsys.readouterr()
    assert main(["search", "ASEAN", "--data-dir", str(data_dir)]) == 2
    err = capsys.readouterr().err
    assert "damaged" in err and "The newest verified backup is" in err
    assert "Traceback" not in err


def _truncate_toc(index: Path) -> None:
    for f in index.glob("*.toc"):
        f.write_bytes(f.read_bytes()[:20])


def _delete_segments(index: Path) -> None:
    for f in index.glob("*.seg"):
        f.unlink()


def _zero_everything(index: Path) -> None:
    for f in index.iterdir():
        if f.is_file():
            f.write_bytes(b"")


def _drop_schema_marker(index: Path) -> None:
    (index / "SCHEMA").unlink()


@pytest.mark.parametrize("damage", [_truncate_toc, _delete_segments, _zero_everything,
                                    _drop_schema_marker], ids=lambda f: f.__name__[1:])
def test_damaged_index_is_rebuilt_with_review_data_intact(damage, data_dir: Path,
                                                          samples: Path) -> None:
    doc_id, note_id = library_with_note(data_dir, samples)
    damage(data_dir / "index")
    with Workspace(data_dir) as ws:
        assert ws.index.rebuilt
        report = ws.library.scan()
        assert report.failed == [] and report.updated == 5
        assert len(ws.searcher.search("ASEAN").hits) == 5
        assert ws.store.note(note_id).text == "precious"
        assert ws.doc_id_for_path(samples / "000_f7c1be859b819757.txt") == doc_id
