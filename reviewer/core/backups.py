"""Backup copies of the review store: taken whole or not at all, verified, kept in bounds.

A copy is written under a hidden temporary name (`.review-….tmp`), checked with SQLite's
`integrity_check` and by counting its rows against the store's, and only then renamed to
`review-YYYYMMDD-HHMMSS-<reason>.sqlite3`. A copy cut short (a kill, a full disk) never
gets that name, so it is never offered as a backup; the next start removes it.

Old copies are pruned after each daily backup: the newest copy of each of the last
`KEEP_DAILY` days, the newest of each of the `KEEP_WEEKLY` weeks before those, and every
copy taken before a schema migration or by hand.
"""
from __future__ import annotations

import datetime as _dt
import logging
import os
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from reviewer.core.fsync import fsync_dir

log = logging.getLogger(__name__)

KEEP_DAILY = 7
KEEP_WEEKLY = 4
#: The tables whose rows a backup must hold as many of as the store (the reviewer's work).
COUNTED = ("documents", "corrections", "notes", "aliases", "fact_status", "summaries")
_NAME = re.compile(r"^review-(\d{8})-(\d{6})-(.+?)(?:-\d+)?\.sqlite3$")
_TEMP_PREFIX = ".review-"
_TEMP_SUFFIX = ".tmp"
_HEADER = b"SQLite format 3\x00"


class BackupFailed(Exception):
    """A backup copy could not be written or did not verify; `cause` is the OS or SQLite
    error when there was one."""

    def __init__(self, message: str, cause: BaseException | None = None) -> None:
        super().__init__(message)
        self.cause = cause


@dataclass(frozen=True, slots=True)
class Backup:
    """A backup copy that passed verification."""

    path: Path
    taken: _dt.datetime
    reason: str
    counts: dict[str, int] = field(default_factory=dict)

    def describe(self) -> str:
        """`/…/review-….sqlite3 (taken 3 June 2024 09:15; 5 releases, 12 corrections,
        3 notes)`."""
        c = self.counts
        parts = [_plural(c.get("documents", 0), "release"),
                 _plural(c.get("corrections", 0), "correction"),
                 _plural(c.get("notes", 0), "note")]
        when = f"{self.taken.day} {self.taken:%B %Y %H:%M}"
        return f"{self.path} (taken {when}; {', '.join(parts)})"


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def parse_name(path: Path) -> tuple[_dt.datetime, str] | None:
    """(time taken, reason) from a backup's file name, or None for any other file."""
    m = _NAME.match(path.name)
    if not m:
        return None
    try:
        taken = _dt.datetime.strptime(m.group(1) + m.group(2), "%Y%m%d%H%M%S")
    except ValueError:
        return None
    return taken, m.group(3)


def row_counts(db: sqlite3.Connection) -> dict[str, int]:
    have = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    return {t: int(db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0])  # noqa: S608
            for t in COUNTED if t in have}


def looks_complete(path: Path) -> bool:
    """A cheap check that `path` is a whole SQLite file: its header, and a size that
    matches the page count the header records (a copy cut short fails it)."""
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            head = fh.read(100)
    except OSError:
        return False
    if len(head) < 100 or not head.startswith(_HEADER):
        return False
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(head[28:32], "big")
    valid = head[24:28] == head[92:96]  # the in-header size is current
    return page_size > 0 and (not valid or pages * page_size == size)


def verify(path: Path) -> Backup | None:
    """The backup at `path` if it is a complete, intact Reviewer store, else None."""
    parsed = parse_name(path)
    if parsed is None or not looks_complete(path):
        return None
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        if db.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            return None
        if int(db.execute("PRAGMA user_version").fetchone()[0]) < 1:
            return None
        counts = row_counts(db)
    except sqlite3.Error:
        return None
    finally:
        db.close()
    if "documents" not in counts:
        return None
    return Backup(path, parsed[0], parsed[1], counts)


def verified_backups(folder: Path) -> list[Backup]:
    """Every backup in `folder` that verifies, newest first."""
    try:
        names = [p for p in folder.iterdir() if parse_name(p) is not None and p.is_file()]
    except OSError:
        return []
    names.sort(key=lambda p: (parse_name(p) or (_dt.datetime.min, ""))[0], reverse=True)
    found = []
    for p in names:
        b = verify(p)
        if b is None:
            log.warning("backup %s does not verify: not offered", p)
        else:
            found.append(b)
    return found


def taken_on(folder: Path, day: _dt.date) -> list[Path]:
    """Complete-looking backups taken on `day`."""
    try:
        files = list(folder.iterdir())
    except OSError:
        return []
    out = []
    for p in files:
        parsed = parse_name(p)
        if parsed is not None and parsed[0].date() == day and looks_complete(p):
            out.append(p)
    return out


def take(source: sqlite3.Connection, folder: Path, reason: str,
         counts: Callable[[sqlite3.Connection], dict[str, int]] = row_counts) -> Path:
    """Copy the open store `source` (the caller holds its lock, so nothing writes
    meanwhile) into `folder` under a temporary name, verify it, rename it into place.
    Raises BackupFailed, leaving no file behind."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    now = _dt.datetime.now()
    stamp = now.strftime("%Y%m%d-%H%M%S")
    target = folder / f"review-{stamp}-{reason}.sqlite3"
    n = 1
    while target.exists():
        n += 1
        target = folder / f"review-{stamp}-{reason}-{n}.sqlite3"
    tmp = folder / f"{_TEMP_PREFIX}{stamp}-{reason}-{os.getpid()}{_TEMP_SUFFIX}"
    try:
        expected = counts(source)
        dest = sqlite3.connect(tmp)
        try:
            source.backup(dest)
            # A backup is a single self-contained file, not a WAL database.
            dest.execute("PRAGMA journal_mode = DELETE")
            check = dest.execute("PRAGMA integrity_check").fetchone()[0]
            got = counts(dest)
        finally:
            dest.close()
        if check != "ok":
            raise BackupFailed(f"the copy failed its integrity check ({check})")
        if got != expected:
            raise BackupFailed(f"the copy holds {got} rows, the store {expected}")
        _fsync(tmp)
        os.replace(tmp, target)
        fsync_dir(folder)
    except BackupFailed:
        _discard(tmp)
        raise
    except (OSError, sqlite3.Error) as exc:
        _discard(tmp)
        raise BackupFailed(str(exc), exc) from exc
    except BaseException:
        _discard(tmp)
        raise
    log.info("review store backed up to %s (%s)", target, expected)
    return target


def prune(folder: Path, today: _dt.date | None = None) -> list[Path]:
    """Delete old daily copies beyond the daily and weekly ones kept, and copies cut
    short by a killed backup; returns what was deleted."""
    today = today or _dt.date.today()
    try:
        files = list(folder.iterdir())
    except OSError:
        return []
    removed: list[Path] = []
    for p in files:  # a killed backup's temporary file (only the writer takes backups)
        if p.name.startswith(_TEMP_PREFIX) and p.name.endswith(_TEMP_SUFFIX) \
                and _discard(p):
            removed.append(p)
    daily = sorted(((parsed[0], p) for p in files
                    if (parsed := parse_name(p)) is not None and parsed[1] == "daily"),
                   reverse=True)
    keep: set[Path] = set()
    days: list[_dt.date] = []
    weeks: list[tuple[int, int]] = []
    for taken, p in daily:
        if not looks_complete(p):
            continue  # never kept as a day's copy; deleted below once it is old
        day = taken.date()
        if day in days:
            continue
        if len(days) < KEEP_DAILY:
            days.append(day)
            keep.add(p)
            continue
        week = _week(day)
        if week not in weeks and len(weeks) < KEEP_WEEKLY and \
                week not in {_week(d) for d in days}:
            weeks.append(week)
            keep.add(p)
    for taken, p in daily:
        if p in keep or taken.date() == today:
            continue
        if _discard(p):
            removed.append(p)
    if removed:
        log.info("pruned %d old backups in %s", len(removed), folder)
    return removed


def _week(day: _dt.date) -> tuple[int, int]:
    iso = day.isocalendar()
    return iso.year, iso.week


def _discard(path: Path) -> bool:
    try:
        path.unlink()
    except OSError:
        return False
    return True


def _fsync(path: Path) -> None:
    with open(path, "rb+") as fh:
        os.fsync(fh.fileno())
