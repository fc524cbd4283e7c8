"""The review store's file: opening it (never an empty or foreign file), creating it under
a temporary name, migrating it with a verified backup first, WAL and transactions, and the
`StoreError` that says what went wrong and what to do."""
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
from pathlib import Path

from reviewer.core import backups as _backups
from reviewer.core.backups import Backup, BackupFailed
from reviewer.core.store import schema

log = logging.getLogger(__name__)

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


def _now() -> float:
    return time.time()


class StoreFile:
    """The store's SQLite file: opening, creating, migrating, backing up, transactions
    and the errors a user can act on. `ReviewStore` adds the review data."""

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
        if current > len(schema.MIGRATIONS):
            raise StoreError(
                f"The review store {self.path} was written by a newer Reviewer "
                f"(schema {current}); this version knows schema {len(schema.MIGRATIONS)}. It was "
                "left untouched: install the newer Reviewer to open it.", "newer")
        if current < len(schema.MIGRATIONS) and current > 0:
            # No schema change without a copy to go back to: a failed backup stops here,
            # with the store untouched at its old schema.
            self.backup(reason=f"before-migration-{current + 1}")
        for number in range(current, len(schema.MIGRATIONS)):
            with self._tx():
                if self.version > number:
                    continue  # another process applied it while we waited for the lock
                step = schema.MIGRATIONS[number]
                if callable(step):
                    step(self._db)
                else:
                    for statement in _split_sql(step):
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

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction on the store's connection, for the change log's sync
        (`core/changelog.py`, `core/sync`): committed whole or not at all."""
        with self._tx() as db:
            yield db

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """The store's connection for reads only (the change log's team views)."""
        with self._lock:
            try:
                yield self._db
            except sqlite3.Error as exc:
                raise self._read_error(exc) from exc

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
