"""The review store: SQLite in WAL mode holding everything a reviewer creates.

Review data is the user's work and can never be rebuilt, unlike the Whoosh index.
Every write is committed at once (autocommit); nothing waits for a "save".
Schema changes go through numbered migrations, each preceded by a backup copy.
"""
from __future__ import annotations

import datetime as _dt
import logging
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from reviewer.core.model import Alias, Correction

log = logging.getLogger(__name__)

STATUSES = ("unreviewed", "in progress", "reviewed")
FACT_STATUSES = ("unverified", "verified", "disputed")

MIGRATIONS: list[str] = [
    # 1: the initial schema
    """
    CREATE TABLE folders (
        id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, added_at REAL NOT NULL);
    CREATE TABLE documents (
        id INTEGER PRIMARY KEY,
        path TEXT NOT NULL UNIQUE,
        sha256 TEXT NOT NULL DEFAULT '',
        size INTEGER NOT NULL DEFAULT 0,
        mtime_ns INTEGER NOT NULL DEFAULT 0,
        title TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL DEFAULT 'unreviewed',
        missing INTEGER NOT NULL DEFAULT 0,
        error TEXT NOT NULL DEFAULT '',
        added_at REAL NOT NULL);
    CREATE INDEX documents_sha ON documents(sha256);
    CREATE TABLE corrections (
        id INTEGER PRIMARY KEY,
        doc_id INTEGER REFERENCES documents(id),
        action TEXT NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL,
        label TEXT NOT NULL DEFAULT '', text TEXT NOT NULL DEFAULT '',
        old_start INTEGER, old_end INTEGER, old_label TEXT NOT NULL DEFAULT '',
        before TEXT NOT NULL DEFAULT '', after TEXT NOT NULL DEFAULT '',
        scope TEXT NOT NULL DEFAULT 'doc',
        orphaned INTEGER NOT NULL DEFAULT 0,
        created_at REAL NOT NULL);
    CREATE INDEX corrections_doc ON corrections(doc_id);
    CREATE TABLE aliases (
        id INTEGER PRIMARY KEY, canonical TEXT NOT NULL, alias TEXT NOT NULL,
        label TEXT NOT NULL DEFAULT '', created_at REAL NOT NULL,
        UNIQUE(canonical, alias));
    CREATE TABLE notes (
        id INTEGER PRIMARY KEY,
        doc_id INTEGER NOT NULL REFERENCES documents(id),
        target TEXT NOT NULL DEFAULT 'document',
        target_key TEXT NOT NULL DEFAULT '',
        start INTEGER, end INTEGER,
        quote TEXT NOT NULL DEFAULT '',
        before TEXT NOT NULL DEFAULT '', after TEXT NOT NULL DEFAULT '',
        text TEXT NOT NULL, author TEXT NOT NULL DEFAULT '',
        orphaned INTEGER NOT NULL DEFAULT 0,
        created_at REAL NOT NULL, updated_at REAL NOT NULL);
    CREATE INDEX notes_doc ON notes(doc_id);
    CREATE TABLE fact_status (
        doc_id INTEGER NOT NULL REFERENCES documents(id),
        fact_key TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'unverified',
        value TEXT,
        note TEXT NOT NULL DEFAULT '',
        updated_at REAL NOT NULL,
        PRIMARY KEY (doc_id, fact_key));
    CREATE TABLE summaries (
        doc_id INTEGER PRIMARY KEY REFERENCES documents(id),
        text TEXT NOT NULL, updated_at REAL NOT NULL);
    """,
]


class StoreError(Exception):
    """The review store cannot be opened or written; the message says why."""


@dataclass(slots=True)
class DocRecord:
    id: int
    path: str
    sha256: str
    size: int
    mtime_ns: int
    title: str
    status: str
    missing: bool
    error: str


@dataclass(slots=True)
class Note:
    id: int
    doc_id: int
    text: str
    target: str = "document"  # "document", "span", "entity", "fact"
    target_key: str = ""  # entity canonical name or fact key
    start: int | None = None
    end: int | None = None
    quote: str = ""
    author: str = ""
    orphaned: bool = False
    before: str = ""
    after: str = ""


@dataclass(slots=True)
class FactStatus:
    fact_key: str
    status: str
    value: str | None
    note: str


def _now() -> float:
    return time.time()


class ReviewStore:
    """All review data in one SQLite file. Safe to share between threads."""

    def __init__(self, path: str | Path, *, readonly: bool = False) -> None:
        self.path = Path(path)
        self.readonly = readonly
        self._lock = threading.RLock()
        try:
            if readonly:
                uri = f"file:{self.path}?mode=ro"
                self._db = sqlite3.connect(uri, uri=True, check_same_thread=False,
                                           isolation_level=None)
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._db = sqlite3.connect(self.path, check_same_thread=False,
                                           isolation_level=None, timeout=10)
            self._db.row_factory = sqlite3.Row
            self._db.execute("PRAGMA busy_timeout = 10000")
            if not readonly:
                self._enable_wal()
                self._db.execute("PRAGMA synchronous = NORMAL")
            self._db.execute("PRAGMA foreign_keys = ON")
            self._check_integrity()
            if not readonly:
                self._migrate()
        except sqlite3.DatabaseError as exc:
            newest = self.newest_backup()
            where = (f"the newest backup is {newest}" if newest is not None
                     else f"no backup was found in {self.backup_dir}")
            log.error("review store %s cannot be opened: %s", self.path, exc)
            raise StoreError(
                f"The review store {self.path} is damaged or not a Reviewer store ({exc}). "
                f"It was left untouched; {where}."
            ) from exc

    def _enable_wal(self) -> None:
        # Switching the journal mode needs a moment of exclusive access and SQLite does
        # not wait for it (no busy handler), so a second process opening the store at the
        # same time retries instead of reporting a locked file as damaged.
        deadline = time.monotonic() + 10
        while True:
            try:
                if self._db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                    self._db.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.02)

    # -- housekeeping --------------------------------------------------------
    @property
    def backup_dir(self) -> Path:
        return self.path.parent / "backups"

    def newest_backup(self) -> Path | None:
        """The most recent backup copy of this store, if any (by modification time)."""
        try:
            copies = [p for p in self.backup_dir.glob("review-*.sqlite3") if p.is_file()]
        except OSError:
            return None
        return max(copies, key=lambda p: (p.stat().st_mtime_ns, p.name), default=None)

    @property
    def version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def _check_integrity(self) -> None:
        if not self.path.exists() or self.path.stat().st_size == 0:
            return
        row = self._db.execute("PRAGMA quick_check").fetchone()
        if row[0] != "ok":
            raise sqlite3.DatabaseError(f"integrity check failed: {row[0]}")

    def _migrate(self) -> None:
        current = self.version
        if current > len(MIGRATIONS):
            raise StoreError(
                f"The review store {self.path} was written by a newer Reviewer "
                f"(schema {current}); this version knows schema {len(MIGRATIONS)}.")
        if current < len(MIGRATIONS) and current > 0:
            self.backup(reason=f"before-migration-{current + 1}")
        for number in range(current, len(MIGRATIONS)):
            with self._tx():
                if self.version > number:
                    continue  # another process applied it while we waited for the lock
                for statement in _split_sql(MIGRATIONS[number]):
                    self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version = {number + 1}")
            log.info("review store %s: schema %d", self.path, number + 1)

    def backup(self, reason: str = "manual") -> Path:
        """Copy the store to backups/ with SQLite's online backup; returns the copy's path."""
        self.backup_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        target = self.backup_dir / f"review-{stamp}-{reason}.sqlite3"
        with self._lock:
            dest = sqlite3.connect(target)
            try:
                self._db.backup(dest)
                # A backup is a single self-contained file, not a WAL database.
                dest.execute("PRAGMA journal_mode = DELETE")
            finally:
                dest.close()
        log.info("review store backed up to %s", target)
        return target

    def daily_backup(self) -> Path | None:
        """Take a backup unless one was taken today."""
        today = _dt.datetime.now().strftime("%Y%m%d")
        if self.backup_dir.is_dir() and any(
                p.name.startswith(f"review-{today}") for p in self.backup_dir.iterdir()):
            return None
        if self.readonly or not self.path.exists():
            return None
        return self.backup(reason="daily")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            if self.readonly:
                raise StoreError("The review store is open read-only (another Reviewer "
                                 "window is using this data folder).")
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _all(self, sql: str, args: Iterable[object] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._db.execute(sql, tuple(args)).fetchall()

    def _one(self, sql: str, args: Iterable[object] = ()) -> sqlite3.Row | None:
        with self._lock:
            row: sqlite3.Row | None = self._db.execute(sql, tuple(args)).fetchone()
            return row

    # -- folders -------------------------------------------------------------
    def add_folder(self, path: str) -> None:
        with self._tx() as db:
            db.execute("INSERT OR IGNORE INTO folders(path, added_at) VALUES (?, ?)",
                       (path, _now()))

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

    def delete_correction(self, correction_id: int) -> None:
        with self._tx() as db:
            db.execute("DELETE FROM corrections WHERE id=?", (correction_id,))

    @staticmethod
    def _correction(r: sqlite3.Row) -> Correction:
        return Correction(action=r["action"], start=r["start"], end=r["end"], label=r["label"],
                          text=r["text"], doc_id=r["doc_id"], old_start=r["old_start"],
                          old_end=r["old_end"], old_label=r["old_label"], before=r["before"],
                          after=r["after"], scope=r["scope"], id=r["id"])

    def corrections(self, doc_id: int | None = None) -> list[Correction]:
        if doc_id is None:
            rows = self._all("SELECT * FROM corrections ORDER BY id")
        else:
            rows = self._all("SELECT * FROM corrections WHERE doc_id=? OR scope='library' "
                             "ORDER BY id", (doc_id,))
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
                return _rowid(cur)
            row = db.execute("SELECT id FROM aliases WHERE canonical=? AND alias=?",
                             (canonical, alias)).fetchone()
            return int(row["id"])

    def delete_alias(self, alias_id: int) -> None:
        with self._tx() as db:
            db.execute("DELETE FROM aliases WHERE id=?", (alias_id,))

    def aliases(self) -> list[Alias]:
        return [Alias(r["canonical"], r["alias"], r["label"], r["id"])
                for r in self._all("SELECT * FROM aliases ORDER BY id")]

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
            return _rowid(cur)

    def update_note(self, note_id: int, text: str) -> None:
        with self._tx() as db:
            db.execute("UPDATE notes SET text=?, updated_at=? WHERE id=?", (text, _now(), note_id))

    def delete_note(self, note_id: int) -> None:
        with self._tx() as db:
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

    def clear_fact_status(self, doc_id: int, fact_key: str) -> None:
        with self._tx() as db:
            db.execute("DELETE FROM fact_status WHERE doc_id=? AND fact_key=?", (doc_id, fact_key))

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

    def summary(self, doc_id: int) -> str | None:
        row = self._one("SELECT text FROM summaries WHERE doc_id=?", (doc_id,))
        return row["text"] if row else None


def _rowid(cur: sqlite3.Cursor) -> int:
    """The id of the row an INSERT just made."""
    if cur.lastrowid is None:  # pragma: no cover - SQLite sets it after every INSERT
        raise StoreError("the review store did not report the new row's id")
    return cur.lastrowid


def _split_sql(script: str) -> list[str]:
    """The complete statements of `script` (a `;` inside a string or a trigger body
    does not end a statement)."""
    out: list[str] = []
    current = ""
    for piece in script.split(";"):
        current += piece + ";"
        if sqlite3.complete_statement(current):
            if current.strip(" \n\t;"):
                out.append(current.strip())
            current = ""
    if current.strip(" \n\t;"):
        out.append(current.strip())
    return out

