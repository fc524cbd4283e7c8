"""The review store: SQLite in WAL mode holding everything a reviewer creates.

Review data is the user's work and can never be rebuilt, unlike the Whoosh index.
Every write is committed at once (autocommit); nothing waits for a "save".
Schema changes go through numbered migrations, each preceded by a backup copy
(`core/backups.py`: verified copies, pruned).

A store that cannot be opened or written raises `StoreError` with a `kind` that says why
("damaged", "empty", "foreign", "newer", "disk-full", "read-only", "locked", "io",
"vanished", "read-only-instance") and a message that says what to do; the store file is
never replaced or repaired. A new store is built under a temporary name and linked into
place, so `review.sqlite3` is never an empty file Reviewer made.
"""
from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterable

from reviewer.core import changelog as _log
from reviewer.core.model import Alias, Correction

# what the rest of Reviewer imports from the store
from reviewer.core.store.file import APPLICATION_ID as APPLICATION_ID
from reviewer.core.store.file import BUSY_TIMEOUT_S as BUSY_TIMEOUT_S
from reviewer.core.store.file import READ_ONLY_INSTANCE as READ_ONLY_INSTANCE
from reviewer.core.store.file import StoreError as StoreError
from reviewer.core.store.file import StoreFile, _now
from reviewer.core.store.file import classify as classify
from reviewer.core.store.file import folder_read_only as folder_read_only
from reviewer.core.store.file import free_bytes as free_bytes
from reviewer.core.store.schema import FACT_STATUSES as FACT_STATUSES
from reviewer.core.store.schema import MIGRATIONS as MIGRATIONS
from reviewer.core.store.schema import PINNED_STATUSES as PINNED_STATUSES
from reviewer.core.store.schema import STATUSES as STATUSES
from reviewer.core.store.schema import DocRecord as DocRecord
from reviewer.core.store.schema import EntityPin as EntityPin
from reviewer.core.store.schema import FactStatus as FactStatus
from reviewer.core.store.schema import Note as Note
from reviewer.core.store.schema import ReviewCounts as ReviewCounts
from reviewer.core.store.schema import ReviewMove as ReviewMove

log = logging.getLogger(__name__)


class ReviewStore(StoreFile):
    """All review data in one SQLite file. Safe to share between threads."""

    # -- re-indexing left pending ----------------------------------------------------
    def mark_reindex(self, doc_ids: Iterable[int]) -> None:
        """Record that these releases' index entries are about to be older than their
        review data (before the change is written: a crash in between costs one more
        re-index, never a stale entry)."""
        ids = sorted({int(i) for i in doc_ids})
        if not ids:
            return
        with self._tx() as db:
            seq = int(db.execute("SELECT COALESCE(MAX(seq), 0) FROM pending_reindex")
                      .fetchone()[0]) + 1
            db.executemany("INSERT OR REPLACE INTO pending_reindex(doc_id, seq) VALUES (?, ?)",
                           [(i, seq) for i in ids])

    def pending_reindex(self) -> tuple[list[int], int]:
        """(releases waiting to be re-indexed, the mark to pass to `clear_reindex` once
        they are: a release marked again meanwhile stays pending)."""
        rows = self._all("SELECT doc_id, seq FROM pending_reindex ORDER BY doc_id")
        return [int(r["doc_id"]) for r in rows], max((int(r["seq"]) for r in rows), default=0)

    def clear_reindex(self, upto: int, doc_ids: Iterable[int] | None = None) -> None:
        """These releases (None: all) are re-indexed as of mark `upto`."""
        with self._tx() as db:
            if doc_ids is None:
                db.execute("DELETE FROM pending_reindex WHERE seq <= ?", (upto,))
            else:
                db.executemany("DELETE FROM pending_reindex WHERE doc_id = ? AND seq <= ?",
                               [(int(i), upto) for i in doc_ids])

    # -- folders -------------------------------------------------------------
    def add_folder(self, path: str) -> None:
        with self._tx() as db:
            db.execute("INSERT OR IGNORE INTO folders(path, added_at) VALUES (?, ?)",
                       (path, _now()))

    def replace_folder(self, old: str, new: str) -> None:
        """The library folder `old` is now `new` (its releases were moved there)."""
        with self._tx() as db:
            if db.execute("SELECT 1 FROM folders WHERE path = ?", (new,)).fetchone():
                db.execute("DELETE FROM folders WHERE path = ?", (old,))
            else:
                db.execute("UPDATE folders SET path = ? WHERE path = ?", (new, old))

    def folders(self) -> list[str]:
        return [r["path"] for r in self._all("SELECT path FROM folders ORDER BY id")]

    # -- documents -----------------------------------------------------------
    @staticmethod
    def _doc(row: sqlite3.Row) -> DocRecord:
        return DocRecord(row["id"], row["path"], row["sha256"], row["size"], row["mtime_ns"],
                         row["title"], row["status"], bool(row["missing"]), row["error"])

    def documents(self, *, include_missing: bool = False) -> list[DocRecord]:
        sql = "SELECT * FROM documents" + ("" if include_missing else " WHERE missing = 0")
        return [self._doc(r) for r in self._all(sql + " ORDER BY path")]

    def document(self, doc_id: int) -> DocRecord | None:
        row = self._one("SELECT * FROM documents WHERE id = ?", (doc_id,))
        return self._doc(row) if row else None

    def document_by_path(self, path: str) -> DocRecord | None:
        row = self._one("SELECT * FROM documents WHERE path = ?", (path,))
        return self._doc(row) if row else None

    def upsert_document(self, path: str, *, sha256: str, size: int, mtime_ns: int,
                        title: str = "", error: str = "") -> int:
        with self._tx() as db:
            row = db.execute("SELECT id FROM documents WHERE path = ?", (path,)).fetchone()
            if row:
                db.execute("UPDATE documents SET sha256=?, size=?, mtime_ns=?, title=?, "
                           "missing=0, error=? WHERE id=?",
                           (sha256, size, mtime_ns, title, error, row["id"]))
                return int(row["id"])
            cur = db.execute(
                "INSERT INTO documents(path, sha256, size, mtime_ns, title, error, added_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)", (path, sha256, size, mtime_ns, title, error,
                                                 _now()))
            return _rowid(cur)

    def finish_documents(self, rows: list[tuple[int, str, int, int, str]]) -> None:
        """Record (id, sha256, size, mtime_ns, title) once their index batch is committed."""
        with self._tx() as db:
            db.executemany("UPDATE documents SET sha256=?, size=?, mtime_ns=?, title=?, "
                           "missing=0, error='' WHERE id=?",
                           [(sha, size, mtime, title, i) for i, sha, size, mtime, title in rows])

    def move_document(self, doc_id: int, new_path: str, *, size: int, mtime_ns: int) -> None:
        """A file was renamed or moved: same identity, so its review data follows it."""
        with self._tx() as db:
            db.execute("DELETE FROM documents WHERE path = ? AND id != ? AND NOT EXISTS "
                       "(SELECT 1 FROM corrections c WHERE c.doc_id = documents.id) AND NOT "
                       "EXISTS (SELECT 1 FROM notes n WHERE n.doc_id = documents.id)",
                       (new_path, doc_id))
            db.execute("UPDATE documents SET path=?, size=?, mtime_ns=?, missing=0 WHERE id=?",
                       (new_path, size, mtime_ns, doc_id))

    def mark_missing(self, doc_id: int) -> None:
        """The file is gone. Its row stays so review data survives if it comes back."""
        with self._tx() as db:
            db.execute("UPDATE documents SET missing=1 WHERE id=?", (doc_id,))

    def set_status(self, doc_id: int, status: str) -> None:
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}; expected one of {STATUSES}")
        with self._tx() as db:
            db.execute("UPDATE documents SET status=? WHERE id=?", (status, doc_id))
            _log.record_status(db, doc_id, status)

    def status(self, doc_id: int) -> str:
        row = self._one("SELECT status FROM documents WHERE id=?", (doc_id,))
        return row["status"] if row else "unreviewed"

    def change_mark(self) -> tuple[int, int]:
        """A value that changes whenever the store does: commits of other connections
        (`PRAGMA data_version`) and this connection's own changes."""
        with self._lock:
            row = self._db.execute("PRAGMA data_version").fetchone()
            return int(row[0]), int(self._db.total_changes)

    def statuses_besides(self, status: str) -> dict[int, str]:
        """id -> status of the releases whose status is not `status` (usually few)."""
        return {r["id"]: r["status"] for r in self._all(
            "SELECT id, status FROM documents WHERE status!=? AND missing=0", (status,))}

    # -- entities a release was reviewed with ----------------------------------
    def entity_pin(self, doc_id: int) -> EntityPin | None:
        row = self._one("SELECT key, version, data FROM entity_pins WHERE doc_id=?", (doc_id,))
        return EntityPin(row["key"], row["version"], row["data"]) if row else None

    def entity_pins(self) -> dict[int, EntityPin]:
        return {r["doc_id"]: EntityPin(r["key"], r["version"], r["data"]) for r in
                self._all("SELECT doc_id, key, version, data FROM entity_pins")}

    def set_entity_pin(self, doc_id: int, pin: EntityPin | None) -> None:
        """Pin (or, with None, unpin) a release's entities."""
        with self._tx() as db:
            if pin is None:
                db.execute("DELETE FROM entity_pins WHERE doc_id=?", (doc_id,))
            else:
                db.execute("INSERT OR REPLACE INTO entity_pins(doc_id, key, version, data, "
                           "pinned_at) VALUES (?,?,?,?,?)",
                           (doc_id, pin.key, pin.version, pin.data, _now()))

    def ids_with_status(self, status: str) -> list[int]:
        return [r["id"] for r in self._all("SELECT id FROM documents WHERE status=? "
                                           "ORDER BY id", (status,))]

    def ids_under_review(self) -> set[int]:
        """Releases whose status pins their entities (in progress or reviewed)."""
        marks = ",".join("?" * len(PINNED_STATUSES))
        return {r["id"] for r in self._all(
            f"SELECT id FROM documents WHERE status IN ({marks})", PINNED_STATUSES)}

    # -- corrections ---------------------------------------------------------
    def add_correction(self, c: Correction) -> int:
        with self._tx() as db:
            cur = db.execute(
                "INSERT INTO corrections(doc_id, action, start, end, label, text, old_start, "
                "old_end, old_label, before, after, scope, created_at) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (c.doc_id, c.action, c.start, c.end, c.label, c.text, c.old_start, c.old_end,
                 c.old_label, c.before, c.after, c.scope, _now()))
            c.id = _rowid(cur)
            _log.record_correction(db, c.id, new=True)
            return c.id

    def restore_correction(self, c: Correction) -> None:
        """Put back a correction removed by undo, under its old id."""
        with self._tx() as db:
            db.execute(
                "INSERT OR REPLACE INTO corrections(id, doc_id, action, start, end, label, text,"
                " old_start, old_end, old_label, before, after, scope, created_at) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (c.id, c.doc_id, c.action, c.start, c.end, c.label, c.text, c.old_start,
                 c.old_end, c.old_label, c.before, c.after, c.scope, _now()))
            if c.id is not None:
                _log.record_correction(db, c.id, new=False)

    def delete_correction(self, correction_id: int) -> None:
        with self._tx() as db:
            _log.remove_correction(db, correction_id)

    @staticmethod
    def _correction(r: sqlite3.Row) -> Correction:
        return Correction(action=r["action"], start=r["start"], end=r["end"], label=r["label"],
                          text=r["text"], doc_id=r["doc_id"], old_start=r["old_start"],
                          old_end=r["old_end"], old_label=r["old_label"], before=r["before"],
                          after=r["after"], scope=r["scope"], id=r["id"])

    def corrections(self, doc_id: int | None = None) -> list[Correction]:
        # In the order they were made (the time of their change-log entry, the same on
        # every synced laptop), so corrections of one span apply alike everywhere.
        if doc_id is None:
            rows = self._all("SELECT * FROM corrections ORDER BY created_at, id")
        else:
            rows = self._all("SELECT * FROM corrections WHERE doc_id=? OR scope='library' "
                             "ORDER BY created_at, id", (doc_id,))
        return [self._correction(r) for r in rows]

    def update_correction_anchor(self, correction_id: int, start: int, end: int, *,
                                 orphaned: bool = False) -> None:
        with self._tx() as db:
            db.execute("UPDATE corrections SET start=?, end=?, orphaned=? WHERE id=?",
                       (start, end, int(orphaned), correction_id))

    def orphaned_corrections(self, doc_id: int) -> list[Correction]:
        rows = self._all("SELECT * FROM corrections WHERE doc_id=? AND orphaned=1", (doc_id,))
        return [self._correction(r) for r in rows]

    # -- aliases -------------------------------------------------------------
    def add_alias(self, canonical: str, alias: str, label: str = "") -> int:
        with self._tx() as db:
            cur = db.execute("INSERT OR IGNORE INTO aliases(canonical, alias, label, created_at) "
                             "VALUES (?,?,?,?)", (canonical, alias, label, _now()))
            if cur.lastrowid and cur.rowcount:
                _log.record_alias(db, canonical, alias, label)
                return _rowid(cur)
            row = db.execute("SELECT id FROM aliases WHERE canonical=? AND alias=?",
                             (canonical, alias)).fetchone()
            return int(row["id"])

    def delete_alias(self, alias_id: int) -> None:
        with self._tx() as db:
            row = db.execute("SELECT canonical, alias FROM aliases WHERE id=?",
                             (alias_id,)).fetchone()
            if row is not None:
                _log.record_alias(db, row["canonical"], row["alias"], None)
            db.execute("DELETE FROM aliases WHERE id=?", (alias_id,))

    def aliases(self) -> list[Alias]:
        return [Alias(r["canonical"], r["alias"], r["label"], r["id"])
                for r in self._all("SELECT * FROM aliases ORDER BY id")]

    def replace_aliases(self, remove: Iterable[int],
                        add: Iterable[tuple[str, str, str]]) -> tuple[list[Alias], list[int]]:
        """In one transaction: delete the alias rows `remove` and add (canonical, alias,
        label) rows; returns (the rows deleted, the ids added), to undo it."""
        with self._tx() as db:
            removed = []
            for alias_id in remove:
                r = db.execute("SELECT * FROM aliases WHERE id=?", (alias_id,)).fetchone()
                if r is not None:
                    removed.append(Alias(r["canonical"], r["alias"], r["label"], r["id"]))
                    db.execute("DELETE FROM aliases WHERE id=?", (alias_id,))
                    _log.record_alias(db, r["canonical"], r["alias"], None)
            added = []
            for canonical, alias, label in add:
                cur = db.execute("INSERT OR IGNORE INTO aliases(canonical, alias, label, "
                                 "created_at) VALUES (?,?,?,?)",
                                 (canonical, alias, label, _now()))
                if cur.rowcount:
                    added.append(_rowid(cur))
                    _log.record_alias(db, canonical, alias, label)
            return removed, added

    def restore_aliases(self, remove: Iterable[int], rows: Iterable[Alias]) -> None:
        """Undo `replace_aliases`: delete the rows it added, put back those it deleted
        (under their old ids)."""
        with self._tx() as db:
            for alias_id in remove:
                r = db.execute("SELECT canonical, alias FROM aliases WHERE id=?",
                               (alias_id,)).fetchone()
                if r is not None:
                    db.execute("DELETE FROM aliases WHERE id=?", (alias_id,))
                    _log.record_alias(db, r["canonical"], r["alias"], None)
            for a in rows:
                db.execute("INSERT OR REPLACE INTO aliases(id, canonical, alias, label, "
                           "created_at) VALUES (?,?,?,?,?)",
                           (a.id, a.canonical, a.alias, a.label, _now()))
                _log.record_alias(db, a.canonical, a.alias, a.label)

    # -- names that are not the same entity --------------------------------------
    def add_distinct(self, label: str, a: str, b: str) -> int:
        """The reviewer says `a` and `b` name different entities: no proposal again."""
        a, b = sorted((a, b))
        with self._tx() as db:
            cur = db.execute("INSERT OR IGNORE INTO distinct_names(label, a, b, created_at) "
                             "VALUES (?,?,?,?)", (label, a, b, _now()))
            if cur.rowcount:
                _log.record_distinct(db, label, a, b, True)
            row = db.execute("SELECT id FROM distinct_names WHERE label=? AND a=? AND b=?",
                             (label, a, b)).fetchone()
            return int(row["id"])

    def delete_distinct(self, distinct_id: int) -> None:
        with self._tx() as db:
            row = db.execute("SELECT label, a, b FROM distinct_names WHERE id=?",
                             (distinct_id,)).fetchone()
            if row is not None:
                _log.record_distinct(db, row["label"], row["a"], row["b"], False)
            db.execute("DELETE FROM distinct_names WHERE id=?", (distinct_id,))

    def distinct_names(self) -> set[tuple[str, str, str]]:
        """(label, a, b) pairs said to be different entities (a < b)."""
        return {(r["label"], r["a"], r["b"]) for r in self._all("SELECT * FROM distinct_names")}

    # -- notes ---------------------------------------------------------------
    @staticmethod
    def _note(r: sqlite3.Row) -> Note:
        return Note(id=r["id"], doc_id=r["doc_id"], text=r["text"], target=r["target"],
                    target_key=r["target_key"], start=r["start"], end=r["end"],
                    quote=r["quote"], author=r["author"], orphaned=bool(r["orphaned"]),
                    before=r["before"], after=r["after"])

    def add_note(self, doc_id: int, text: str, *, target: str = "document", target_key: str = "",
                 start: int | None = None, end: int | None = None, quote: str = "",
                 before: str = "", after: str = "", author: str = "",
                 note_id: int | None = None) -> int:
        with self._tx() as db:
            cur = db.execute(
                "INSERT INTO notes(id, doc_id, target, target_key, start, end, quote, before, "
                "after, text, author, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (note_id, doc_id, target, target_key, start, end, quote, before, after, text,
                 author, _now(), _now()))
            new_id = _rowid(cur)
            _log.record_note(db, new_id, new=note_id is None)
            return new_id

    def update_note(self, note_id: int, text: str) -> None:
        with self._tx() as db:
            db.execute("UPDATE notes SET text=?, updated_at=? WHERE id=?", (text, _now(), note_id))
            _log.record_note(db, note_id, new=False)

    def delete_note(self, note_id: int) -> None:
        with self._tx() as db:
            _log.record_note_removed(db, note_id)
            db.execute("DELETE FROM notes WHERE id=?", (note_id,))

    def note(self, note_id: int) -> Note | None:
        row = self._one("SELECT * FROM notes WHERE id=?", (note_id,))
        return self._note(row) if row else None

    def notes(self, doc_id: int) -> list[Note]:
        return [self._note(r) for r in self._all(
            "SELECT * FROM notes WHERE doc_id=? ORDER BY COALESCE(start, -1), id", (doc_id,))]

    def update_note_anchor(self, note_id: int, start: int | None, end: int | None, *,
                           orphaned: bool = False) -> None:
        with self._tx() as db:
            db.execute("UPDATE notes SET start=?, end=?, orphaned=? WHERE id=?",
                       (start, end, int(orphaned), note_id))

    # -- facts ---------------------------------------------------------------
    def set_fact_status(self, doc_id: int, fact_key: str, status: str, *,
                        value: str | None = None, note: str = "") -> None:
        if status not in FACT_STATUSES:
            raise ValueError(f"unknown fact status {status!r}; expected one of {FACT_STATUSES}")
        with self._tx() as db:
            db.execute("INSERT OR REPLACE INTO fact_status(doc_id, fact_key, status, value, note,"
                       " updated_at) VALUES (?,?,?,?,?,?)",
                       (doc_id, fact_key, status, value, note, _now()))
            _log.record_fact(db, doc_id, fact_key, {"status": status, "value": value,
                                                    "note": note})

    def clear_fact_status(self, doc_id: int, fact_key: str) -> None:
        with self._tx() as db:
            db.execute("DELETE FROM fact_status WHERE doc_id=? AND fact_key=?", (doc_id, fact_key))
            _log.record_fact(db, doc_id, fact_key, None)

    def fact_statuses(self, doc_id: int) -> dict[str, FactStatus]:
        return {r["fact_key"]: FactStatus(r["fact_key"], r["status"], r["value"], r["note"])
                for r in self._all("SELECT * FROM fact_status WHERE doc_id=?", (doc_id,))}

    # -- summaries -----------------------------------------------------------
    def set_summary(self, doc_id: int, text: str | None) -> None:
        """Store a reviewer-edited summary; None or empty restores the generated one."""
        with self._tx() as db:
            if text:
                db.execute("INSERT OR REPLACE INTO summaries(doc_id, text, updated_at) "
                           "VALUES (?,?,?)", (doc_id, text, _now()))
            else:
                db.execute("DELETE FROM summaries WHERE doc_id=?", (doc_id,))
            _log.record_summary(db, doc_id, text)

    def summary(self, doc_id: int) -> str | None:
        row = self._one("SELECT text FROM summaries WHERE doc_id=?", (doc_id,))
        return row["text"] if row else None

    # -- review data of moved releases ---------------------------------------------
    def review_counts(self, doc_ids: Iterable[int] | None = None) -> dict[int, ReviewCounts]:
        """What the reviewer left on each release (`doc_ids`, or every release that has
        anything); releases with nothing are left out."""
        def per_doc(sql: str) -> dict[int, int]:
            return {r[0]: r[1] for r in self._all(sql)}
        corrections = per_doc("SELECT doc_id, COUNT(*) FROM corrections GROUP BY doc_id")
        notes = per_doc("SELECT doc_id, COUNT(*) FROM notes GROUP BY doc_id")
        facts = per_doc("SELECT doc_id, COUNT(*) FROM fact_status WHERE status != "
                        "'unverified' OR value IS NOT NULL OR note != '' GROUP BY doc_id")
        summaries = {r[0] for r in self._all("SELECT doc_id FROM summaries")}
        statuses = {r[0]: r[1] for r in self._all(
            "SELECT id, status FROM documents WHERE status != 'unreviewed'")}
        ids = (set(corrections) | set(notes) | set(facts) | summaries | set(statuses)) \
            if doc_ids is None else set(doc_ids)
        out = {i: ReviewCounts(corrections.get(i, 0), notes.get(i, 0), facts.get(i, 0),
                               i in summaries, statuses.get(i, "unreviewed")) for i in ids}
        return {i: c for i, c in out.items() if c}

    def move_review(self, old_id: int, new_id: int) -> ReviewMove:
        """Move everything the reviewer left on release `old_id` (a missing row) to
        `new_id` (the same release found again, moved and edited): corrections, notes,
        fact statuses, the summary and the review status. The new row's own facts and
        summary, if any, stay where the old ones would go."""
        with self._tx() as db:
            corrections = [r[0] for r in db.execute(
                "SELECT id FROM corrections WHERE doc_id=?", (old_id,))]
            notes = [r[0] for r in db.execute("SELECT id FROM notes WHERE doc_id=?", (old_id,))]
            taken = {r[0] for r in db.execute(
                "SELECT fact_key FROM fact_status WHERE doc_id=?", (new_id,))}
            facts = [r[0] for r in db.execute(
                "SELECT fact_key FROM fact_status WHERE doc_id=?", (old_id,)) if r[0] not in taken]
            summary = (db.execute("SELECT 1 FROM summaries WHERE doc_id=?", (old_id,)).fetchone()
                       is not None and db.execute("SELECT 1 FROM summaries WHERE doc_id=?",
                                                  (new_id,)).fetchone() is None)
            old_status = db.execute("SELECT status FROM documents WHERE id=?",
                                    (old_id,)).fetchone()[0]
            new_status = db.execute("SELECT status FROM documents WHERE id=?",
                                    (new_id,)).fetchone()[0]
            move = ReviewMove(old_id, new_id, corrections, notes, facts, summary, old_status,
                              new_status)
            self._shift(db, move, old_id, new_id)
            if new_status == "unreviewed":
                db.execute("UPDATE documents SET status=? WHERE id=?", (old_status, new_id))
            db.execute("UPDATE documents SET status='unreviewed' WHERE id=?", (old_id,))
            self._log_shift(db, move, old_id, new_id,
                            {old_id: old_status, new_id: new_status})
        return move

    def undo_move_review(self, move: ReviewMove) -> None:
        """Put review data moved by `move_review` back on its old row."""
        with self._tx() as db:
            before = {r["id"]: r["status"] for r in db.execute(
                "SELECT id, status FROM documents WHERE id IN (?, ?)",
                (move.old_id, move.new_id))}
            self._shift(db, move, move.new_id, move.old_id)
            db.execute("UPDATE documents SET status=? WHERE id=?", (move.new_status, move.new_id))
            db.execute("UPDATE documents SET status=? WHERE id=?", (move.old_status, move.old_id))
            self._log_shift(db, move, move.new_id, move.old_id, before)

    @staticmethod
    def _shift(db: sqlite3.Connection, move: ReviewMove, src: int, dst: int) -> None:
        for table, ids in (("corrections", move.corrections), ("notes", move.notes)):
            db.executemany(f"UPDATE {table} SET doc_id=? WHERE id=? AND doc_id=?",
                           [(dst, i, src) for i in ids])
        db.executemany("UPDATE fact_status SET doc_id=? WHERE doc_id=? AND fact_key=?",
                       [(dst, src, k) for k in move.facts])
        if move.summary:
            db.execute("UPDATE summaries SET doc_id=? WHERE doc_id=?", (dst, src))


    @staticmethod
    def _log_shift(db: sqlite3.Connection, move: ReviewMove, src: int, dst: int,
                   statuses: dict[int, str]) -> None:
        """Log review data moved from release `src` to `dst` (another content hash): the
        corrections and notes now belong to `dst`'s release; facts, the summary and the
        status leave `src`'s release and are set on `dst`'s."""
        marks = ",".join("?" * len(move.corrections))
        for (cid,) in db.execute(f"SELECT id FROM corrections WHERE id IN ({marks}) "
                                 "ORDER BY created_at, id", move.corrections).fetchall():
            _log.record_correction(db, int(cid), new=False)
        for note_id in move.notes:
            _log.record_note(db, note_id, new=False)
        for key in move.facts:
            row = db.execute("SELECT status, value, note FROM fact_status WHERE doc_id=? AND "
                             "fact_key=?", (dst, key)).fetchone()
            _log.record_fact(db, src, key, None)
            if row is not None:
                _log.record_fact(db, dst, key, {"status": row["status"], "value": row["value"],
                                                "note": row["note"]})
        if move.summary:
            _log.record_summary(db, src, None)
            _log.record_summary(db, dst, ReviewStore._summary_in(db, dst))
        for doc_id in (src, dst):  # the statuses that changed
            row = db.execute("SELECT status FROM documents WHERE id=?", (doc_id,)).fetchone()
            if row is not None and row["status"] != statuses.get(doc_id):
                _log.record_status(db, doc_id, row["status"])

    @staticmethod
    def _summary_in(db: sqlite3.Connection, doc_id: int) -> str | None:
        row = db.execute("SELECT text FROM summaries WHERE doc_id=?", (doc_id,)).fetchone()
        return None if row is None else str(row["text"])


def _rowid(cur: sqlite3.Cursor) -> int:
    """The id of the row an INSERT just made."""
    if cur.lastrowid is None:  # pragma: no cover - SQLite sets it after every INSERT
        raise StoreError("the review store did not report the new row's id")
    return cur.lastrowid
