"""The review store's schema: its numbered migrations, the statuses it knows and the
records it returns."""
from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from reviewer.core import changelog as _log

STATUSES = ("unreviewed", "in progress", "reviewed")
FACT_STATUSES = ("unverified", "verified", "disputed")

MIGRATIONS: list[str | Callable[[sqlite3.Connection], None]] = [
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
    # 3: the extractor's entities a release was reviewed with, kept while it is in
    # progress or reviewed (a new extractor version does not change them)
    """
    CREATE TABLE entity_pins (
        doc_id INTEGER PRIMARY KEY REFERENCES documents(id),
        key TEXT NOT NULL, version TEXT NOT NULL, data TEXT NOT NULL,
        pinned_at REAL NOT NULL);
    """,
    # 4: names the reviewer said are not the same entity (proposals not to show again)
    """
    CREATE TABLE distinct_names (
        id INTEGER PRIMARY KEY, label TEXT NOT NULL DEFAULT '',
        a TEXT NOT NULL, b TEXT NOT NULL, created_at REAL NOT NULL,
        UNIQUE(label, a, b));
    """,
    # 5: the append-only change log the review tables are folded from (core/changelog.py);
    # every existing row becomes its first entries
    _log.migrate,
    # 6: names said to be different entities join the change log (each row one entry)
    _log.migrate_distinct,
]

#: Statuses whose releases keep the extractor's entities they were reviewed with.
PINNED_STATUSES = ("in progress", "reviewed")


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


@dataclass(frozen=True, slots=True)
class ReviewCounts:
    """What a reviewer left on one release."""

    corrections: int = 0
    notes: int = 0
    facts: int = 0  # facts verified, disputed or edited
    summary: bool = False
    status: str = "unreviewed"

    def __bool__(self) -> bool:
        return bool(self.corrections or self.notes or self.facts or self.summary
                    or self.status != "unreviewed")

    def describe(self) -> str:
        def n(count: int, word: str) -> str:
            return f"{count} {word}{'s' if count != 1 else ''}"
        parts = [n(self.corrections, "correction") if self.corrections else "",
                 n(self.notes, "note") if self.notes else "",
                 n(self.facts, "fact check") if self.facts else "",
                 "a summary" if self.summary else "",
                 self.status if self.status != "unreviewed" else ""]
        return ", ".join(p for p in parts if p) or "no review data"


@dataclass(slots=True)
class ReviewMove:
    """Review data moved from one release row to another (to move it back)."""

    old_id: int
    new_id: int
    corrections: list[int]
    notes: list[int]
    facts: list[str]
    summary: bool
    old_status: str  # the old row's status
    new_status: str  # the new row's status before the move


@dataclass(slots=True)
class FactStatus:
    fact_key: str
    status: str
    value: str | None
    note: str


@dataclass(frozen=True, slots=True)
class EntityPin:
    """The base entities (encoded, see `entity_cache`) of a release content (`key`) from
    one extractor version, pinned while the release is under review."""

    key: str
    version: str
    data: str
