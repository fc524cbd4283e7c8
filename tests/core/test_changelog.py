"""The change log: every review change is logged with the write it belongs to, old stores
become logs without losing a row, and the review tables are the log folded."""
from __future__ import annotations

import itertools
import sqlite3
from pathlib import Path

import pytest

from reviewer.core import changelog
from reviewer.core import store as store_mod
from reviewer.core.changelog import Change, fold
from reviewer.core.model import Correction
from reviewer.core.store import ReviewStore, StoreError

SHA = "a" * 64


def _kinds(s: ReviewStore) -> list[str]:
    return [r[0] for r in s._db.execute("SELECT kind FROM changes ORDER BY seq")]


def _review_rows(s: ReviewStore) -> dict[str, list[tuple[object, ...]]]:
    """Every review table's content, without local row ids."""
    q = {
        "corrections": "SELECT doc_id, action, start, end, label, text, old_start, old_end, "
                       "old_label, before, after, scope FROM corrections",
        "notes": "SELECT doc_id, target, target_key, start, end, quote, before, after, text,"
                 " author FROM notes",
        "aliases": "SELECT canonical, alias, label FROM aliases",
        "fact_status": "SELECT doc_id, fact_key, status, value, note FROM fact_status",
        "summaries": "SELECT doc_id, text FROM summaries",
        "status": "SELECT id, status FROM documents",
    }
    return {k: sorted(tuple(r) for r in s._db.execute(sql)) for k, sql in q.items()}


def _fill(s: ReviewStore) -> int:
    doc = s.upsert_document("/x/a.txt", sha256=SHA, size=3, mtime_ns=1)
    s.set_status(doc, "reviewed")
    s.add_correction(Correction("add", 0, 5, "ORG", "ASEAN", doc_id=doc))
    s.add_correction(Correction("reject", 9, 14, "PER", "Paris", doc_id=doc))
    s.add_alias("ASEAN", "the Association", "ORG")
    n = s.add_note(doc, "check the figure", start=0, end=5, quote="ASEAN", author="ana")
    s.update_note(n, "check the figure again")
    s.set_fact_status(doc, "money:0", "verified", value="$5m", note="from the filing")
    s.set_summary(doc, "A short summary.")
    return doc


def test_every_review_change_is_logged_in_its_own_write(tmp_path: Path) -> None:
    s = ReviewStore(tmp_path / "r.sqlite3")
    doc = _fill(s)
    assert _kinds(s) == ["status", "correction", "correction", "alias", "note", "note",
                         "fact", "summary"]
    rows = s._db.execute("SELECT uuid, device, at, release_sha FROM changes").fetchall()
    assert len({r[0] for r in rows}) == len(rows)  # a UUID each
    assert {r[1] for r in rows} == {changelog.device_id(s._db)}
    assert all(r[2] > 0 for r in rows)
    assert {r[3] for r in rows} == {SHA, ""}  # aliases belong to no release
    # Removing is a change too: undoing a correction, clearing a fact, a note deleted.
    c = s.corrections(doc)[0]
    assert c.id is not None
    s.delete_correction(c.id)
    s.clear_fact_status(doc, "money:0")
    s.delete_note(s.notes(doc)[0].id)
    s.set_summary(doc, None)
    assert _kinds(s)[-4:] == ["correction", "fact", "note", "summary"]
    assert s._db.execute("SELECT count(*) FROM changes WHERE payload IS NULL").fetchone()[0] == 4


def test_a_failed_write_logs_nothing(tmp_path: Path) -> None:
    s = ReviewStore(tmp_path / "r.sqlite3")
    doc = s.upsert_document("/x/a.txt", sha256=SHA, size=3, mtime_ns=1)
    s._db.execute("CREATE TRIGGER no_summaries BEFORE INSERT ON changes "
                  "WHEN NEW.kind = 'summary' BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END")
    with pytest.raises(StoreError):
        s.set_summary(doc, "lost")
    assert s.summary(doc) is None  # the table write went back with the log's
    assert _kinds(s) == []


def test_undo_and_redo_keep_a_correction_one_identity(tmp_path: Path) -> None:
    s = ReviewStore(tmp_path / "r.sqlite3")
    doc = s.upsert_document("/x/a.txt", sha256=SHA, size=3, mtime_ns=1)
    c = Correction("add", 0, 5, "ORG", "ASEAN", doc_id=doc)
    s.add_correction(c)
    assert c.id is not None
    s.delete_correction(c.id)
    s.restore_correction(c)
    targets = [r[0] for r in s._db.execute("SELECT target FROM changes")]
    assert len(set(targets)) == 1 and len(targets) == 3
    folded = fold(changelog.changes_of(s._db, targets[0]))
    assert folded is not None and folded.winner.value() is not None
    assert not folded.conflicting


def test_an_old_store_becomes_a_log_without_losing_a_row(tmp_path: Path) -> None:
    path = tmp_path / "r.sqlite3"
    made = ReviewStore(path)
    _fill(made)
    other = made.upsert_document("/x/b.txt", sha256="b" * 64, size=3, mtime_ns=1)
    made.add_note(other, "second release")
    before = _review_rows(made)
    made.close()
    # The same rows in a store of schema 4, from before the log.
    db = sqlite3.connect(path)
    for table in ("changes", "change_ids", "conflicts", "sync_meta", "sync_servers"):
        db.execute(f"DROP TABLE {table}")
    db.execute("PRAGMA user_version = 4")
    db.commit()
    db.close()
    s = ReviewStore(path)
    assert s.version == len(store_mod.MIGRATIONS) >= 5
    assert list((tmp_path / "backups").glob("*before-migration-5*"))
    assert _review_rows(s) == before
    # One entry per row: 2 corrections, 1 alias, 2 notes, 1 fact, 1 summary, 1 status.
    assert sorted(_kinds(s)) == sorted(["correction"] * 2 + ["alias"] + ["note"] * 2 +
                                       ["fact", "summary", "status"])
    assert {r[0] for r in s._db.execute("SELECT origin FROM changes")} == {"migrated"}
    # The tables are the log folded: emptied and rebuilt from it, they come back the same.
    with s.transaction() as db:
        for table in ("corrections", "notes", "aliases", "fact_status", "summaries"):
            db.execute(f"DELETE FROM {table}")
        db.execute("DELETE FROM change_ids")
        db.execute("UPDATE documents SET status = 'unreviewed'")
        for (target,) in db.execute("SELECT DISTINCT target FROM changes").fetchall():
            assert changelog.materialise(db, target)
    assert _review_rows(s) == before


def _c(uid: str, at: float, payload: str | None, parents: tuple[str, ...] = ()) -> Change:
    return Change(uid, "ana", "d", at, SHA, "fact", "t", parents, payload)


def test_the_fold_is_the_same_in_any_order_and_lists_disagreements() -> None:
    a = _c("a", 1.0, '{"status":"verified"}')
    b = _c("b", 2.0, '{"status":"disputed"}', ("a",))
    c = _c("c", 1.5, '{"status":"unverified"}', ("a",))  # made without seeing b
    results = {(f.winner.uuid, tuple(x.uuid for x in f.conflicting))
               for order in itertools.permutations([a, b, c])
               if (f := fold(order)) is not None}
    assert results == {("b", ("c", "b"))}
    # The same value reached twice is no conflict; a resolution replaces both heads.
    same = _c("d", 1.7, '{"status":"disputed"}', ("a",))
    folded = fold([a, b, same])
    assert folded is not None and not folded.conflicting
    fix = _c("e", 1.8, '{"status":"verified"}', ("b", "c"))
    folded = fold([a, b, c, fix])
    assert folded is not None and folded.winner.uuid == "e" and not folded.conflicting


def test_a_store_that_another_process_changes_keeps_one_device(tmp_path: Path) -> None:
    s = ReviewStore(tmp_path / "r.sqlite3")
    device = changelog.device_id(s._db)
    s.close()
    db = sqlite3.connect(tmp_path / "r.sqlite3")
    assert changelog.device_id(db) == device
