from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from reviewer.core import store as store_mod
from reviewer.core.model import Correction
from reviewer.core.store import ReviewStore, StoreError
from reviewer.core.store import schema as store_schema


def test_new_store_is_wal_and_at_latest_schema(tmp_path: Path) -> None:
    s = ReviewStore(tmp_path / "r.sqlite3")
    assert s.version == len(store_mod.MIGRATIONS)
    mode = s._db.execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_writes_are_visible_to_a_second_connection_at_once(tmp_path: Path) -> None:
    path = tmp_path / "r.sqlite3"
    s = ReviewStore(path)
    doc = s.upsert_document("/x/a.txt", sha256="abc", size=3, mtime_ns=1)
    s.set_status(doc, "reviewed")
    s.add_note(doc, "check the figure", author="ana")
    s.add_correction(Correction("add", 0, 5, "ORG", "ASEAN", doc_id=doc))
    # No save, no close: another process would see the same rows.
    other = sqlite3.connect(path)
    assert other.execute("SELECT status FROM documents").fetchone()[0] == "reviewed"
    assert other.execute("SELECT text FROM notes").fetchone()[0] == "check the figure"
    assert other.execute("SELECT count(*) FROM corrections").fetchone()[0] == 1


def test_migration_runs_once_and_backs_up_first(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "r.sqlite3"
    s = ReviewStore(path)
    doc = s.upsert_document("/x/a.txt", sha256="abc", size=3, mtime_ns=1)
    s.add_note(doc, "keep me")
    s.close()
    extra = "CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT)"
    monkeypatch.setattr(store_schema, "MIGRATIONS", [*store_schema.MIGRATIONS, extra])
    s = ReviewStore(path)
    n = len(store_schema.MIGRATIONS)
    assert s.version == n
    assert [n.text for n in s.notes(doc)] == ["keep me"]
    backups = list((tmp_path / "backups").glob(f"*before-migration-{n}*"))
    assert len(backups) == 1
    old = sqlite3.connect(backups[0])
    assert old.execute("PRAGMA user_version").fetchone()[0] == n - 1
    s.close()
    ReviewStore(path)  # opening again migrates nothing and takes no new backup
    assert len(list((tmp_path / "backups").glob("*before-migration*.sqlite3"))) == 1


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "r.sqlite3"
    ReviewStore(path).close()
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version = 99")
    db.close()
    with pytest.raises(StoreError, match="newer Reviewer"):
        ReviewStore(path)


def test_corrupt_store_is_reported_not_replaced(tmp_path: Path) -> None:
    path = tmp_path / "r.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="damaged"):
        ReviewStore(path)
    assert path.read_bytes().startswith(b"this is not a database")


def test_review_records_round_trip(tmp_path: Path) -> None:
    s = ReviewStore(tmp_path / "r.sqlite3")
    doc = s.upsert_document("/x/a.txt", sha256="abc", size=3, mtime_ns=1)
    cid = s.add_correction(Correction("reject", 3, 8, "PLACE", "Hanoi", doc_id=doc))
    assert [c.action for c in s.corrections(doc)] == ["reject"]
    s.delete_correction(cid)
    assert s.corrections(doc) == []
    s.set_fact_status(doc, "figure|text=97%", "disputed", note="source?")
    assert s.fact_statuses(doc)["figure|text=97%"].status == "disputed"
    with pytest.raises(ValueError):
        s.set_fact_status(doc, "k", "maybe")
    s.set_summary(doc, "Short.")
    assert s.summary(doc) == "Short."
    s.set_summary(doc, None)
    assert s.summary(doc) is None
    aid = s.add_alias("Nguyen Quoc Dung", "Nguyen Quoc Dzung", "PERSON")
    assert s.add_alias("Nguyen Quoc Dung", "Nguyen Quoc Dzung", "PERSON") == aid
    assert [(a.canonical, a.alias) for a in s.aliases()] == [
        ("Nguyen Quoc Dung", "Nguyen Quoc Dzung")]


def test_readonly_store_refuses_writes(tmp_path: Path) -> None:
    path = tmp_path / "r.sqlite3"
    ReviewStore(path).close()
    ro = ReviewStore(path, readonly=True)
    with pytest.raises(StoreError, match="read-only"):
        ro.upsert_document("/a", sha256="", size=0, mtime_ns=0)


def test_migrations_split_on_whole_statements() -> None:
    from reviewer.core.store.file import _split_sql

    script = ("CREATE TABLE t (a TEXT DEFAULT 'x;y');\n"
              "CREATE TRIGGER tr AFTER INSERT ON t BEGIN UPDATE t SET a = 'z'; END;\n")
    assert [s.split()[1] for s in _split_sql(script)] == ["TABLE", "TRIGGER"]
