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

import datetime as _dt
import errno
import logging
import os
import shutil
import sqlite3
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from reviewer.core import backups as _backups
from reviewer.core.backups import Backup, BackupFailed
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
    # 2: releases whose index entry is older than their review data (a correction made
    # just before a crash): re-indexed by the next scan, then cleared
    """
    CREATE TABLE pending_reindex (
        doc_id INTEGER PRIMARY KEY, seq INTEGER NOT NULL);
    """,
]

#: PRAGMA application_id of a store Reviewer created ("REVW"); older stores have 0.
APPLICATION_ID = 0x52455657
#: How long a write or the opening waits for another connection's lock before "locked".
BUSY_TIMEOUT_S = 10.0
LOW_SPACE = 1 << 20  # below this many free bytes an I/O failure is a full disk


class StoreError(Exception):
    """The review store cannot be opened or written; the message says why and what to
    do, `kind` what happened (see the module's docstring)."""

    def __init__(self, message: str, kind: str = "error") -> None:
        super().__init__(message)
        self.kind = kind


READ_ONLY_INSTANCE = ("The review store is open read-only (another Reviewer window is "
                      "using this data folder).")


def folder_read_only(folder: Path) -> bool:
    """True when `folder` is on a read-only file system (a read-only mount or medium)."""
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):  # AttributeError: no statvfs (Windows)
        return False


def free_bytes(folder: Path) -> int | None:
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return None


def _size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:,} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return f"{n} bytes"  # pragma: no cover


def classify(exc: BaseException, folder: Path) -> str:
    """What an OS or SQLite error on the store in `folder` means: "disk-full",
    "read-only", "locked", "damaged" or "io"."""
    text = str(exc).lower()
    err = exc.errno if isinstance(exc, OSError) else None
    if any(k in text for k in ("not a database", "malformed", "integrity check failed",
                               "file is encrypted")):
        return "damaged"
    if err == errno.ENOSPC or "disk is full" in text:
        return "disk-full"
    if err == errno.EROFS or "readonly" in text or "read-only" in text:
        return "read-only"
    if "locked" in text or "busy" in text:
        return "locked"
    if folder_read_only(folder):
        return "read-only"
    free = free_bytes(folder)
    if free is not None and free < LOW_SPACE:
        return "disk-full"
    if err in (errno.EACCES, errno.EPERM) or "unable to open" in text:
        return "read-only" if not os.access(folder, os.W_OK) else "io"
    return "io"


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
        self._identity: tuple[int, int] | None = None
        try:
            self._open()
        except StoreError:
            self._close_quietly()
            raise
        except (sqlite3.Error, OSError) as exc:
            self._close_quietly()
            log.error("review store %s cannot be opened: %s", self.path, exc)
            raise self._open_error(exc) from exc

    def _open(self) -> None:
        if not self.readonly:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        if self.path.exists():
            self._refuse_empty()
        elif not self.readonly:
            self._create()
        if self.readonly:
            self._db = self._connect_read_only()
        else:
            self._db = sqlite3.connect(self.path, check_same_thread=False,
                                       isolation_level=None, timeout=BUSY_TIMEOUT_S)
        self._db.row_factory = sqlite3.Row
        self._db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        self._db.execute("PRAGMA foreign_keys = ON")
        self._check_integrity()
        self._refuse_foreign()  # before anything is written to it
        if not self.readonly:
            self._enable_wal()
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._migrate()
        st = self.path.stat()
        self._identity = (st.st_dev, st.st_ino)

    def _connect_read_only(self) -> sqlite3.Connection:
        uri = f"{self.path.resolve().as_uri()}?mode=ro"
        try:
            db = sqlite3.connect(uri, uri=True, check_same_thread=False, isolation_level=None)
            db.execute("PRAGMA schema_version").fetchone()
            return db
        except sqlite3.OperationalError:
            if not folder_read_only(self.path.parent):
                raise
        # On a read-only medium SQLite cannot make the WAL index it needs to read; nothing
        # can write there, so the file is read as it is.
        log.info("review store %s is on a read-only disk: read as immutable", self.path)
        return sqlite3.connect(f"{self.path.resolve().as_uri()}?immutable=1", uri=True,
                               check_same_thread=False, isolation_level=None)

    def _create(self) -> None:
        """A new store: made under a temporary name, then linked into place without
        replacing anything (another process may have made it meanwhile)."""
        fd, name = tempfile.mkstemp(prefix=".review-new-", suffix=".sqlite3",
                                    dir=self.path.parent)
        os.close(fd)
        tmp = Path(name)
        try:
            db = sqlite3.connect(tmp, isolation_level=None)
            try:
                db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                db.execute("PRAGMA journal_mode = WAL")
            finally:
                db.close()
            try:
                os.link(tmp, self.path)
            except FileExistsError:
                pass  # another Reviewer made it first: use theirs
            except OSError:  # no hard links on this file system
                if not self.path.exists():
                    os.rename(tmp, self.path)
        finally:
            for leftover in (tmp, tmp.with_name(tmp.name + "-wal"),
                             tmp.with_name(tmp.name + "-shm")):
                try:
                    leftover.unlink()
                except FileNotFoundError:
                    pass
        log.info("new review store %s", self.path)

    def _refuse_empty(self) -> None:
        if self.path.stat().st_size == 0:
            raise StoreError(
                f"The review store {self.path} is empty (0 bytes): the review data it held "
                f"is gone. It was left untouched, not replaced by a new store. "
                f"{self._backup_advice()} If you want to start again with no review data, "
                f"move the empty file away and start Reviewer again.", "empty")

    def _refuse_foreign(self) -> None:
        db = self._db
        if int(db.execute("PRAGMA user_version").fetchone()[0]) > 0:
            return
        app_id = int(db.execute("PRAGMA application_id").fetchone()[0])
        tables = sorted(r[0] for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type='table'"))
        if tables or app_id not in (0, APPLICATION_ID):
            shown = ", ".join(tables[:5]) + ("…" if len(tables) > 5 else "")
            raise StoreError(
                f"The file {self.path} is an SQLite database but not a Reviewer review store"
                f" (it holds {shown or 'no tables'}). It was left untouched. Move it away, "
                f"or open another data folder with --data-dir.", "foreign")

    def _open_error(self, exc: BaseException) -> StoreError:
        kind = classify(exc, self.path.parent)
        if kind == "damaged":
            return StoreError(
                f"The review store {self.path} is damaged or not a Reviewer store ({exc}). "
                f"It was left untouched. {self._backup_advice()}", "damaged")
        return StoreError(self.problem(kind, exc, opening=True), kind)

    def problem(self, kind: str, exc: BaseException, *, opening: bool = False) -> str:
        """The message for an OS or SQLite failure of `kind` (see `classify`)."""
        folder = self.path.parent
        intact = ("The review store is intact; nothing was changed. " if opening
                  else "Everything saved before is kept. ")
        if kind == "disk-full":
            free = free_bytes(folder)
            left = f" ({_size(free)} free)" if free is not None else ""
            return (f"The disk holding {folder} is full{left}. {intact}"
                    "Free some space, then " + ("start Reviewer again." if opening
                                                else "try again."))
        if kind == "read-only":
            return (f"The data folder {folder} is read-only ({exc}). {intact}"
                    "Make it writable (or choose another data folder with --data-dir), "
                    "then " + ("start Reviewer again." if opening else "try again."))
        if kind == "locked":
            return (f"The review store {self.path} is locked by another program ({exc}). "
                    f"{intact}Close the other program (a backup or sync tool, or Reviewer "
                    "on another computer sharing this folder), then "
                    + ("start Reviewer again." if opening else "try again."))
        return (f"The review store {self.path} could not be "
                f"{'opened' if opening else 'written'} ({exc}). {intact}"
                "Check that its disk is connected and working, then "
                + ("start Reviewer again." if opening else "try again."))

    def _backup_advice(self) -> str:
        newest = self.newest_verified_backup()
        if newest is None:
            return f"No verified backup was found in {self.backup_dir}."
        return (f"The newest verified backup is {newest.describe()}. To recover, close "
                f"Reviewer, keep the damaged file somewhere safe and copy that backup over "
                f"{self.path.name}; work done after the backup was taken is not in it.")

    def _close_quietly(self) -> None:
        db: sqlite3.Connection | None = getattr(self, "_db", None)
        if db is not None:
            try:
                db.close()
            except sqlite3.Error:
                pass

    def _enable_wal(self) -> None:
        # Switching the journal mode needs a moment of exclusive access and SQLite does
        # not wait for it (no busy handler), so a second process opening the store at the
        # same time retries instead of reporting a locked file as damaged.
        deadline = time.monotonic() + BUSY_TIMEOUT_S
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

    def backups(self) -> list[Backup]:
        """Every backup of this store that verifies, newest first (each one is checked
        with integrity_check: this reads every copy)."""
        return _backups.verified_backups(self.backup_dir)

    def newest_verified_backup(self) -> Backup | None:
        for b in self.backups():
            return b
        return None

    @property
    def version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def _check_integrity(self) -> None:
        row = self._db.execute("PRAGMA quick_check").fetchone()
        if row[0] != "ok":
            raise sqlite3.DatabaseError(f"integrity check failed: {row[0]}")

    def _migrate(self) -> None:
        current = self.version
        if current > len(MIGRATIONS):
            raise StoreError(
                f"The review store {self.path} was written by a newer Reviewer "
                f"(schema {current}); this version knows schema {len(MIGRATIONS)}. It was "
                "left untouched: install the newer Reviewer to open it.", "newer")
        if current < len(MIGRATIONS) and current > 0:
            # No schema change without a copy to go back to: a failed backup stops here,
            # with the store untouched at its old schema.
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
        """A verified copy of the store in backups/ (see `core/backups.py`); returns its
        path. Raises StoreError (with the kind of failure) and leaves no partial copy."""
        with self._lock:
            try:
                return _backups.take(self._db, self.backup_dir, reason)
            except BackupFailed as exc:
                cause = exc.cause if exc.cause is not None else exc
                kind = classify(cause, self.backup_dir) if exc.cause is not None else "io"
                log.warning("backup of %s failed: %s", self.path, exc)
                detail = self.problem(kind, cause) if kind != "io" else \
                    f"the copy could not be made or did not verify ({exc})."
                raise StoreError(f"No backup of the review store was taken: {detail}",
                                 kind) from exc

    def daily_backup(self) -> Path | None:
        """Take a backup unless a complete one was taken today, then prune old copies."""
        if self.readonly or not self.path.exists():
            return None
        if _backups.taken_on(self.backup_dir, _dt.date.today()):
            return None
        path = self.backup(reason="daily")
        _backups.prune(self.backup_dir)
        return path

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- the store's file ----------------------------------------------------------------
    def missing_file(self) -> str | None:
        """Why writes must stop, when the store's file was deleted or replaced since it was
        opened (its data folder deleted or moved while Reviewer runs); else None. SQLite
        would go on writing into the deleted file, and everything would vanish at exit."""
        if self._identity is None:
            return None
        try:
            st = self.path.stat()
        except FileNotFoundError:
            gone = "was deleted or moved"
        except OSError as exc:
            gone = f"cannot be reached ({exc.strerror or exc})"
        else:
            if (st.st_dev, st.st_ino) == self._identity:
                return None
            gone = "was replaced by another file"
        return (f"The review store {self.path} {gone} while Reviewer was running "
                f"(was its data folder {self.path.parent} deleted or moved?). Nothing more "
                "can be saved there: this change was not saved. Close Reviewer and put the "
                "data folder back, or start Reviewer again to begin a new one.")

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            if self.readonly:
                raise StoreError(READ_ONLY_INSTANCE, "read-only-instance")
            gone = self.missing_file()
            if gone:
                raise StoreError(gone, "vanished")
            try:
                self._db.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise self._write_error(exc) from exc
            try:
                yield self._db
            except sqlite3.Error as exc:
                self._rollback()
                raise self._write_error(exc) from exc
            except BaseException:
                self._rollback()
                raise
            try:
                self._db.execute("COMMIT")
            except sqlite3.Error as exc:
                self._rollback()
                raise self._write_error(exc) from exc

    def _rollback(self) -> None:
        try:
            self._db.execute("ROLLBACK")
        except sqlite3.Error:
            pass  # the failed statement already ended the transaction

    def _write_error(self, exc: sqlite3.Error) -> StoreError:
        kind = classify(exc, self.path.parent)
        log.error("review store %s: write failed (%s): %s", self.path, kind, exc)
        if kind == "damaged":
            return StoreError(f"The review store {self.path} is damaged ({exc}); this "
                              f"change was not saved. Close Reviewer; at the next start it "
                              "names the newest verified backup.", kind)
        return StoreError(self.problem(kind, exc), kind)

    def _all(self, sql: str, args: Iterable[object] = ()) -> list[sqlite3.Row]:
        with self._lock:
            try:
                return self._db.execute(sql, tuple(args)).fetchall()
            except sqlite3.Error as exc:
                raise self._read_error(exc) from exc

    def _one(self, sql: str, args: Iterable[object] = ()) -> sqlite3.Row | None:
        with self._lock:
            try:
                row: sqlite3.Row | None = self._db.execute(sql, tuple(args)).fetchone()
            except sqlite3.Error as exc:
                raise self._read_error(exc) from exc
            return row

    def _read_error(self, exc: sqlite3.Error) -> StoreError:
        kind = classify(exc, self.path.parent)
        log.error("review store %s: read failed (%s): %s", self.path, kind, exc)
        return StoreError(f"The review store {self.path} could not be read ({exc}). "
                          "Close Reviewer and start it again; if this persists, the store "
                          "may be damaged and the next start says what to do.", kind)

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

    def status(self, doc_id: int) -> str:
        row = self._one("SELECT status FROM documents WHERE id=?", (doc_id,))
        return row["status"] if row else "unreviewed"

    def ids_with_status(self, status: str) -> list[int]:
        return [r["id"] for r in self._all(
            "SELECT id FROM documents WHERE status=? AND missing=0", (status,))]

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

