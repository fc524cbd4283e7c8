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
        "distinct_names": "SELECT label, a, b FROM distinct_names",
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
    s.add_distinct("ORG", "ASEAN", "APEC")
    return doc


def _refold(s: ReviewStore) -> None:
    """Empty the review tables and fold them again from the log alone."""
    with s.transaction() as db:
        for table in ("corrections", "notes", "aliases", "fact_status", "summaries",
                      "distinct_names"):
            db.execute(f"DELETE FROM {table}")
        db.execute("DELETE FROM change_ids")
        db.execute("UPDATE documents SET status = 'unreviewed'")
        for (target,) in db.execute("SELECT DISTINCT target FROM changes").fetchall():
            assert changelog.materialise(db, target)


def test_every_review_change_is_logged_in_its_own_write(tmp_path: Path) -> None:
    s = ReviewStore(tmp_path / "r.sqlite3")
    doc = _fill(s)
    assert _kinds(s) == ["status", "correction", "correction", "alias", "note", "note",
                         "fact", "summary", "distinct"]
    rows = s._db.execute("SELECT uuid, device, at, release_sha FROM changes").fetchall()
    assert len({r[0] for r in rows}) == len(rows)  # a UUID each
    assert {r[1] for r in rows} == {changelog.device_id(s._db)}
    assert all(r[2] > 0 for r in rows)
    assert {r[3] for r in rows} == {SHA, ""}  # aliases and distinct names: no release
    # Removing is a change too: undoing a correction, clearing a fact, a note deleted.
    c = s.corrections(doc)[0]
    assert c.id is not None
    s.delete_correction(c.id)
    s.clear_fact_status(doc, "money:0")
    s.delete_note(s.notes(doc)[0].id)
    s.set_summary(doc, None)
    s.delete_distinct(next(iter(s._db.execute("SELECT id FROM distinct_names")))[0])
    assert _kinds(s)[-5:] == ["correction", "fact", "note", "summary", "distinct"]
    assert s._db.execute("SELECT count(*) FROM changes WHERE payload IS NULL").fetchone()[0] == 5
    # Saying it twice is one change.
    s.add_distinct("PER", "Ana", "Ben")
    s.add_distinct("PER", "Ben", "Ana")
    assert _kinds(s).count("distinct") == 3


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
                                       ["fact", "summary", "status", "distinct"])
    assert {r[0] for r in s._db.execute("SELECT origin FROM changes")} == {"migrated"}
    # The tables are the log folded: emptied and rebuilt from it, they come back the same.
    _refold(s)
    assert _review_rows(s) == before


def test_a_store_with_a_log_logs_its_distinct_names_without_losing_a_row(
        tmp_path: Path) -> None:
    path = tmp_path / "r.sqlite3"
    made = ReviewStore(path)
    _fill(made)
    made.add_distinct("PER", "Ana Lima", "Ana Silva")
    before = _review_rows(made)
    made.close()
    # A store of schema 5: the log exists, but names said to be different were not in it.
    db = sqlite3.connect(path)
    db.execute("DELETE FROM changes WHERE kind = 'distinct'")
    db.execute("PRAGMA user_version = 5")
    db.commit()
    db.close()
    s = ReviewStore(path)
    assert s.version == len(store_mod.MIGRATIONS) == 6
    assert list((tmp_path / "backups").glob("*before-migration-6*"))
    assert _review_rows(s) == before
    logged = s._db.execute("SELECT origin, pushed FROM changes WHERE kind = 'distinct'")\
        .fetchall()
    assert [tuple(r) for r in logged] == [("migrated", 0)] * 2  # sent at the next sync
    _refold(s)
    assert _review_rows(s) == before


def test_alias_plans_and_moved_review_data_are_logged(tmp_path: Path) -> None:
    s = ReviewStore(tmp_path / "r.sqlite3")
    old = _fill(s)
    # A merge of entities replaces aliases in one write; undoing it puts them back.
    keep = s.add_alias("ASEAN", "Asean", "ORG")
    removed, added = s.replace_aliases([keep], [("ASEAN", "the bloc", "ORG")])
    _check_folds(s)
    s.restore_aliases(added, removed)
    _check_folds(s)
    # The release moved and edited (another content hash): its review data moves over.
    new = s.upsert_document("/y/a-edited.txt", sha256="c" * 64, size=4, mtime_ns=2)
    s.mark_missing(old)
    move = s.move_review(old, new)
    _check_folds(s)
    shas = {r[0] for r in s._db.execute(
        "SELECT release_sha FROM changes WHERE seq > (SELECT MAX(seq) - 6 FROM changes)")}
    assert "c" * 64 in shas
    s.undo_move_review(move)
    _check_folds(s)


def _check_folds(s: ReviewStore) -> None:
    """The review tables are what their log folds to."""
    rows = _review_rows(s)
    counts = {k: len(v) for k, v in rows.items()}
    _refold(s)
    assert _review_rows(s) == rows, counts


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
