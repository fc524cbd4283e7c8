"""Stored entities: what the extractor found in a release, computed once and kept.

Extraction (the rule engine and the learned recogniser) costs tens of milliseconds per
release; reading its result back costs well under one. The cache is its own SQLite file
in the data folder (`entities.sqlite3`), not the review store: it can always be rebuilt
by extracting again, so a damaged or deleted file is simply started anew.

Two tables:

- `entities`: the base entities (before the reviewer's lexicon) of one release content
  for one extractor version. The key is `content_key(text, structure)`, a hash of what the
  extractor reads (the loaded text and its structure), so a release whose file changed,
  or whose loader now reads it differently, is extracted again; copies of one release
  share a row. The version is `extract.extractor_version()`.
- `indexed`: which entities the search index holds for each release (its file's hash,
  content key and extractor version; version "" when the index has its text only).
  It is what the entity pass works through, and it is cleared when the index is rebuilt.

Several processes use the file at once (the window, the scan's worker processes): WAL,
one short transaction per write.
"""
from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reviewer.core.model import Entity, Structure

log = logging.getLogger(__name__)

CACHE_FILE = "entities.sqlite3"
#: Raise when the layout of the file or of an encoded entity list changes: the file is
#: then started anew (entities are extracted again).
CACHE_FORMAT = "1"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS entities (
    key TEXT NOT NULL, version TEXT NOT NULL, data TEXT NOT NULL, created_at REAL NOT NULL,
    PRIMARY KEY (key, version)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS indexed (
    doc_id INTEGER PRIMARY KEY, sha256 TEXT NOT NULL, key TEXT NOT NULL,
    version TEXT NOT NULL);
"""


def content_key(text: str, structure: Structure | None) -> str:
    """A hash of what the extractor reads: the text and the structure it was given."""
    h = hashlib.sha256(text.encode("utf-8", "surrogatepass"))
    if structure is not None:
        dl = structure.dateline
        shape: list[Any] = [
            structure.title, structure.title_span,
            None if dl is None else [dl.start, dl.end, dl.place, dl.place_span, dl.date,
                                     dl.date_span, dl.iso, dl.source, dl.source_span],
            [[b.start, b.end, b.kind, b.reason] for b in structure.blocks],
        ]
        h.update(b"\0")
        h.update(json.dumps(shape, separators=(",", ":")).encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def encode_entities(entities: Iterable[Entity]) -> str:
    """A compact JSON form of base entities (their text is the release's own)."""
    return json.dumps([[e.start, e.end, e.label, e.value, e.score] for e in entities],
                      ensure_ascii=False, separators=(",", ":"))


def decode_entities(data: str, text: str) -> list[Entity]:
    """Entities from `encode_entities`, their text cut from `text`. Raises ValueError when
    `data` is not such a list or does not fit `text`."""
    rows = json.loads(data)
    if not isinstance(rows, list):
        raise ValueError("not a list of entities")
    out = []
    n = len(text)
    for row in rows:
        start, end, label, value, score = row
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= n
                and isinstance(label, str)):
            raise ValueError(f"an entity does not fit the text: {row!r}")
        out.append(Entity(start, end, label, text[start:end], value, score=float(score)))
    return out


@dataclass(frozen=True, slots=True)
class IndexedState:
    """What the search index holds for one release."""

    sha256: str  # the file's hash when it was indexed
    key: str  # its content key ("" when not known)
    version: str  # the extractor version of its entity fields; "" for text only


#: A release the index does not hold (its file vanished or cannot be read any more).
NOT_INDEXED = IndexedState("", "", "")


class EntityCache:
    """The stored entities of one data folder; safe to share between threads."""

    def __init__(self, path: str | Path, *, readonly: bool = False,
                 reset_damaged: bool = True) -> None:
        """`reset_damaged` False: a file that cannot be opened is left as it is and
        nothing is stored (a worker process: the scanning process owns the file)."""
        self.path = Path(path)
        self.readonly = readonly
        self._lock = threading.Lock()
        self._memory: dict[tuple[str, str], str] = {}  # read-only: what was extracted here
        self._db: sqlite3.Connection | None = None
        try:
            self._db = self._open()
        except (sqlite3.DatabaseError, OSError) as exc:
            if readonly or not reset_damaged:
                log.warning("stored entities in %s cannot be read (%s): extracting as "
                            "releases are opened", self.path, exc)
                return
            log.warning("stored entities in %s cannot be opened (%s); the file is started "
                        "anew and releases are extracted again", self.path, exc)
            try:
                self._remove_files()
                self._db = self._open()
            except (sqlite3.Error, OSError) as again:  # a cache: Reviewer works without
                log.warning("stored entities unavailable (%s): releases are extracted as "
                            "they are opened", again)

    def _open(self) -> sqlite3.Connection | None:
        if self.readonly:
            if not self.path.exists():
                return None
            db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True,
                                 check_same_thread=False, isolation_level=None)
            db.execute("PRAGMA busy_timeout = 10000")
            db.execute("SELECT count(*) FROM meta").fetchone()
            return db
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None,
                             timeout=30)
        try:
            db.execute("PRAGMA busy_timeout = 30000")
            if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")
            db.executescript(_SCHEMA)
            row = db.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
            if row is None:
                db.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('format', ?)",
                           (CACHE_FORMAT,))
            elif row[0] != CACHE_FORMAT:
                raise sqlite3.DatabaseError(f"format {row[0]}, expected {CACHE_FORMAT}")
        except BaseException:
            db.close()
            raise
        return db

    def _remove_files(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            try:
                Path(f"{self.path}{suffix}").unlink()
            except FileNotFoundError:
                pass

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    def _read(self, sql: str, args: Iterable[object] = ()) -> list[Any]:
        with self._lock:
            if self._db is None:
                return []
            try:
                return self._db.execute(sql, tuple(args)).fetchall()
            except sqlite3.DatabaseError as exc:
                log.warning("stored entities unreadable (%s): extracting instead", exc)
                return []

    def _write(self, sql: str, rows: list[tuple[object, ...]]) -> None:
        if self.readonly or not rows:
            return
        with self._lock:
            if self._db is None:
                return
            try:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    self._db.executemany(sql, rows)
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
                self._db.execute("COMMIT")
            except sqlite3.Error as exc:
                # A cache: losing a write costs an extraction later, never review data.
                log.warning("entities not stored in %s: %s", self.path, exc)

    # -- entities ------------------------------------------------------------------------
    def get(self, key: str, version: str) -> str | None:
        """The encoded entities stored for (content key, extractor version), if any."""
        if self.readonly and (key, version) in self._memory:
            return self._memory[(key, version)]
        rows = self._read("SELECT data FROM entities WHERE key = ? AND version = ?",
                          (key, version))
        return str(rows[0][0]) if rows else None

    def put(self, key: str, version: str, data: str) -> None:
        if self.readonly:
            self._memory[(key, version)] = data
            return
        self._write("INSERT OR REPLACE INTO entities(key, version, data, created_at) "
                    "VALUES (?, ?, ?, ?)", [(key, version, data, time.time())])

    def count(self, version: str | None = None) -> int:
        if version is None:
            rows = self._read("SELECT count(*) FROM entities")
        else:
            rows = self._read("SELECT count(*) FROM entities WHERE version = ?", (version,))
        return int(rows[0][0]) if rows else 0

    def prune(self, version: str) -> int:
        """Drop entities of other versions and of contents the index no longer holds
        (after a complete entity pass); returns how many rows went."""
        if self.readonly:
            return 0
        with self._lock:
            if self._db is None:
                return 0
            try:
                cur = self._db.execute(
                    "DELETE FROM entities WHERE version != ? OR key NOT IN "
                    "(SELECT key FROM indexed)", (version,))
                return int(cur.rowcount)
            except sqlite3.Error as exc:
                log.warning("stored entities not pruned: %s", exc)
                return 0

    # -- what the index holds --------------------------------------------------------------
    def indexed(self) -> dict[int, IndexedState]:
        return {int(r[0]): IndexedState(r[1], r[2], r[3]) for r in
                self._read("SELECT doc_id, sha256, key, version FROM indexed")}

    def set_indexed(self, rows: Iterable[tuple[int, IndexedState]]) -> None:
        self._write("INSERT OR REPLACE INTO indexed(doc_id, sha256, key, version) "
                    "VALUES (?, ?, ?, ?)",
                    [(doc_id, s.sha256, s.key, s.version) for doc_id, s in rows])

    def forget_indexed(self, doc_ids: Iterable[int] | None = None) -> None:
        """The index no longer holds these releases (recorded with an empty hash), or,
        with None, nothing is known about what it holds (it was rebuilt)."""
        if doc_ids is None:
            self._write("DELETE FROM indexed", [()])
        else:
            self.set_indexed((i, NOT_INDEXED) for i in doc_ids)
