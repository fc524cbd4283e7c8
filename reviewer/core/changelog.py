"""The review store's append-only change log, and the tables folded from it.

Every change a reviewer makes (a correction, an alias, names said to be different
entities, a fact's status or value, a note, a release's status, a summary) is one row of
`changes`, written in the same SQLite
transaction as the review tables it updates: a UUID, the author, the device, the time,
the release's content hash (SHA-256 of the file, so the same file on two laptops is the
same release), the kind, the target it sets and the value it sets it to (JSON; NULL
removes it). The review tables (`corrections`, `notes`, `aliases`, `distinct_names`,
`fact_status`, `summaries`, `documents.status`) are the log folded target by target: `materialise`
rebuilds a target's rows from its changes, whichever order they arrived in.

Targets are registers. A change names the change(s) it replaces (`parents`: the value
shown when it was made). A target's *heads* are its changes that no other change
replaces; one head is the normal case. Two reviewers who changed the same target without
seeing each other's change leave two heads: the newest (time, then UUID) is shown on
every laptop alike, and when their values differ the target is a conflict, listed until
a lead records a resolution (a change whose parents are all the heads).

Pure Python and SQL on the store's connection; the store calls `record`, the sync
package `insert_remote` and `materialise`.
"""
from __future__ import annotations

import json
import sqlite3
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

#: The kinds of change, and what each one's target is.
KINDS = ("status", "fact", "summary", "correction", "note", "alias", "distinct")
#: Kinds whose target belongs to no release (library-wide: they carry no content hash).
LIBRARY_KINDS = ("alias", "distinct")

SCHEMA = """
CREATE TABLE changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid TEXT NOT NULL UNIQUE,
    author TEXT NOT NULL DEFAULT '',
    device TEXT NOT NULL DEFAULT '',
    at REAL NOT NULL,
    release_sha TEXT NOT NULL DEFAULT '',
    doc_id INTEGER,
    kind TEXT NOT NULL,
    target TEXT NOT NULL,
    parents TEXT NOT NULL DEFAULT '[]',
    payload TEXT,
    resolution INTEGER NOT NULL DEFAULT 0,
    origin TEXT NOT NULL DEFAULT 'local',
    pushed INTEGER NOT NULL DEFAULT 0,
    applied INTEGER NOT NULL DEFAULT 1);
CREATE INDEX changes_target ON changes(target);
CREATE INDEX changes_release ON changes(release_sha, at);
CREATE INDEX changes_unpushed ON changes(seq) WHERE pushed = 0;
CREATE INDEX changes_unapplied ON changes(release_sha) WHERE applied = 0;
CREATE TABLE change_ids (
    kind TEXT NOT NULL, local_id INTEGER NOT NULL, uid TEXT NOT NULL UNIQUE,
    PRIMARY KEY (kind, local_id));
CREATE TABLE conflicts (
    target TEXT PRIMARY KEY, kind TEXT NOT NULL, release_sha TEXT NOT NULL DEFAULT '',
    heads TEXT NOT NULL, detected_at REAL NOT NULL);
CREATE TABLE sync_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE sync_servers (
    url TEXT PRIMARY KEY, cursor INTEGER NOT NULL DEFAULT 0, role TEXT NOT NULL DEFAULT '',
    last_sync REAL);
"""

_CORRECTION_FIELDS = ("action", "start", "end", "label", "text", "old_start", "old_end",
                      "old_label", "before", "after", "scope")
_NOTE_FIELDS = ("target", "target_key", "start", "end", "quote", "before", "after", "text",
                "author")


def target_of(kind: str, *key: str) -> str:
    """The canonical text of a target: the kind and its key, as a JSON array."""
    return json.dumps([kind, *key], ensure_ascii=False, separators=(",", ":"))


def _dump(value: dict[str, Any] | None) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


@dataclass(frozen=True, slots=True)
class Change:
    """One entry of the log, as it travels between a laptop and the server."""
    uuid: str
    author: str
    device: str
    at: float
    release_sha: str
    kind: str
    target: str
    parents: tuple[str, ...]
    payload: str | None  # JSON; None: the target is removed
    resolution: bool = False

    def value(self) -> dict[str, Any] | None:
        if self.payload is None:
            return None
        loaded: dict[str, Any] = json.loads(self.payload)
        return loaded


@dataclass(frozen=True, slots=True)
class Fold:
    """A target folded from its changes: the change shown, and the heads when they
    disagree (a conflict)."""
    winner: Change
    conflicting: tuple[Change, ...]


def fold(changes: Sequence[Change]) -> Fold | None:
    """The value every laptop shows for a target, from its changes in any order."""
    if not changes:
        return None
    replaced = {p for c in changes for p in c.parents}
    heads = sorted((c for c in changes if c.uuid not in replaced),
                   key=lambda c: (c.at, c.uuid))
    if not heads:  # a cycle cannot be written, but never fail to show something
        heads = sorted(changes, key=lambda c: (c.at, c.uuid))
    winner = heads[-1]
    values = {c.payload for c in heads}
    return Fold(winner, tuple(heads) if len(values) > 1 else ())


# -- the device and the local author -------------------------------------------------------

def meta(db: sqlite3.Connection, key: str) -> str | None:
    row = db.execute("SELECT value FROM sync_meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def set_meta(db: sqlite3.Connection, key: str, value: str) -> None:
    db.execute("INSERT OR REPLACE INTO sync_meta(key, value) VALUES (?, ?)", (key, value))


def device_id(db: sqlite3.Connection) -> str:
    """This store's device id (made once, kept in the store)."""
    found = meta(db, "device")
    if found is None:
        found = str(uuid.uuid4())
        set_meta(db, "device", found)
    return found


# -- reading the log -----------------------------------------------------------------------

_COLUMNS = "uuid, author, device, at, release_sha, kind, target, parents, payload, resolution"


def _change(row: Sequence[Any]) -> Change:
    return Change(str(row[0]), str(row[1]), str(row[2]), float(row[3]), str(row[4]),
                  str(row[5]), str(row[6]), tuple(json.loads(row[7])), row[8],
                  bool(row[9]))


def changes_of(db: sqlite3.Connection, target: str) -> list[Change]:
    return [_change(r) for r in db.execute(
        f"SELECT {_COLUMNS} FROM changes WHERE target = ? ORDER BY seq", (target,))]


def unpushed(db: sqlite3.Connection, limit: int) -> list[tuple[int, Change]]:
    """The oldest local changes not yet on the server, with their local sequence."""
    rows = db.execute(f"SELECT seq, {_COLUMNS} FROM changes WHERE pushed = 0 "
                      "ORDER BY seq LIMIT ?", (limit,)).fetchall()
    return [(int(r[0]), _change(r[1:])) for r in rows]


# -- writing the log -----------------------------------------------------------------------

def _sha_of(db: sqlite3.Connection, doc_id: int | None) -> str:
    if doc_id is None:
        return ""
    row = db.execute("SELECT sha256 FROM documents WHERE id = ?", (doc_id,)).fetchone()
    return str(row[0]) if row else ""


def record(db: sqlite3.Connection, kind: str, target: str, value: dict[str, Any] | None,
           *, doc_id: int | None = None, release_sha: str | None = None,
           resolution: bool = False, at: float | None = None,
           replaces: tuple[str, ...] = ()) -> Change:
    """Append a local change (inside the caller's transaction). Its parent is the change
    the target shows now; a resolution replaces every head. `replaces`: the parents of a
    target's first change (another reviewer's correction of the same span it was made
    over)."""
    current = changes_of(db, target)
    folded = fold(current)
    if folded is None:
        parents: tuple[str, ...] = replaces
    elif resolution:
        parents = tuple(c.uuid for c in (folded.conflicting or (folded.winner,)))
    else:
        parents = (folded.winner.uuid,)
    sha = release_sha if release_sha is not None else _sha_of(db, doc_id)
    change = Change(str(uuid.uuid4()), meta(db, "author") or "", device_id(db),
                    time.time() if at is None else at, sha, kind, target, parents,
                    _dump(value), resolution)
    db.execute(
        "INSERT INTO changes(uuid, author, device, at, release_sha, doc_id, kind, target, "
        "parents, payload, resolution, origin) VALUES (?,?,?,?,?,?,?,?,?,?,?, 'local')",
        (change.uuid, change.author, change.device, change.at, change.release_sha, doc_id,
         kind, target, json.dumps(list(parents)), change.payload, int(resolution)))
    if resolution:
        db.execute("DELETE FROM conflicts WHERE target = ?", (target,))
    return change


def new_uid(db: sqlite3.Connection, kind: str, local_id: int) -> str:
    """A new identity for the row `local_id` of `kind` (a row id SQLite may reuse after
    a delete gets a new one)."""
    uid = str(uuid.uuid4())
    db.execute("INSERT OR REPLACE INTO change_ids(kind, local_id, uid) VALUES (?,?,?)",
               (kind, local_id, uid))
    return uid


def uid_of(db: sqlite3.Connection, kind: str, local_id: int) -> str:
    """The identity of row `local_id` of `kind` (made when missing)."""
    row = db.execute("SELECT uid FROM change_ids WHERE kind = ? AND local_id = ?",
                     (kind, local_id)).fetchone()
    return str(row[0]) if row else new_uid(db, kind, local_id)


def correction_value(row: sqlite3.Row) -> dict[str, Any]:
    return {k: row[k] for k in _CORRECTION_FIELDS}


def note_value(row: sqlite3.Row) -> dict[str, Any]:
    return {k: row[k] for k in _NOTE_FIELDS}


def record_correction(db: sqlite3.Connection, correction_id: int, *, new: bool,
                      at: float | None = None, resolves: tuple[str, ...] = ()) -> None:
    row = db.execute("SELECT * FROM corrections WHERE id = ?", (correction_id,)).fetchone()
    uid = new_uid(db, "correction", correction_id) if new else \
        uid_of(db, "correction", correction_id)
    # A new correction of a span replaces the one shown there (the newest correction of
    # the same span): made over it, it is no conflict with it.
    over: tuple[str, ...] = resolves
    if new and row is not None and not resolves:
        shown = _span_heads(db, row["doc_id"], row["start"], row["end"], but=correction_id)
        over = (shown[-1].uuid,) if shown else ()
    change = record(db, "correction", target_of("correction", uid),
                    None if row is None else correction_value(row),
                    doc_id=None if row is None else row["doc_id"], at=at, replaces=over,
                    resolution=bool(resolves))
    # Its time is the entry's, as on every laptop that receives it: corrections apply in
    # that order everywhere.
    db.execute("UPDATE corrections SET created_at = ? WHERE id = ?", (change.at, correction_id))
    if row is not None:
        check_span(db, row["doc_id"], row["start"], row["end"])


def _span_heads(db: sqlite3.Connection, doc_id: int, start: int, end: int,
                but: int | None = None) -> list[Change]:
    """The corrections of this exact span of a release that no other one of them was made
    over: each one's shown change, oldest first."""
    rows = db.execute("SELECT c.id, i.uid FROM corrections c JOIN change_ids i ON "
                      "i.kind = 'correction' AND i.local_id = c.id WHERE c.doc_id = ? AND "
                      "c.start = ? AND c.end = ? AND c.scope = 'doc'",
                      (doc_id, start, end)).fetchall()
    history = {int(r[0]): changes_of(db, target_of("correction", str(r[1])))
               for r in rows if int(r[0]) != but}
    heads = []
    for key, changes in history.items():
        own = {c.uuid for c in changes}
        made_over = any(p in own for other, later in history.items() if other != key
                        for c in later for p in c.parents)
        folded = fold(changes)
        if folded is not None and not made_over:
            heads.append(folded.winner)
    return sorted(heads, key=lambda c: (c.at, c.uuid))


def _outcome(c: Change) -> str:
    v = c.value() or {}
    return "rejected" if v.get("action") == "reject" else str(v.get("label", ""))


def check_span(db: sqlite3.Connection, doc_id: int, start: int, end: int) -> None:
    """List (or clear) the conflict of two reviewers who corrected the same entity
    differently without seeing each other's correction."""
    heads = _span_heads(db, doc_id, start, end)
    sha = _sha_of(db, doc_id)
    target = target_of("entity", sha, str(start), str(end))
    if len({_outcome(c) for c in heads}) > 1 and len({c.author for c in heads}) > 1:
        db.execute("INSERT OR REPLACE INTO conflicts(target, kind, release_sha, heads, "
                   "detected_at) VALUES (?, 'entity', ?, ?, ?)",
                   (target, sha, json.dumps([c.uuid for c in heads]), time.time()))
    else:
        db.execute("DELETE FROM conflicts WHERE target = ?", (target,))


def remove_correction(db: sqlite3.Connection, correction_id: int) -> None:
    """Delete a correction, logged (and its span's conflict checked again)."""
    row = db.execute("SELECT doc_id, start, end FROM corrections WHERE id = ?",
                     (correction_id,)).fetchone()
    if row is None:
        return
    record(db, "correction", target_of("correction", uid_of(db, "correction", correction_id)),
           None, doc_id=row["doc_id"])
    db.execute("DELETE FROM corrections WHERE id = ?", (correction_id,))
    check_span(db, row["doc_id"], row["start"], row["end"])


def record_note(db: sqlite3.Connection, note_id: int, *, new: bool,
                at: float | None = None) -> None:
    row = db.execute("SELECT * FROM notes WHERE id = ?", (note_id,)).fetchone()
    if row is None:
        return
    uid = new_uid(db, "note", note_id) if new else uid_of(db, "note", note_id)
    record(db, "note", target_of("note", uid), note_value(row), doc_id=row["doc_id"], at=at)


def record_note_removed(db: sqlite3.Connection, note_id: int) -> None:
    row = db.execute("SELECT doc_id FROM notes WHERE id = ?", (note_id,)).fetchone()
    if row is None:
        return
    record(db, "note", target_of("note", uid_of(db, "note", note_id)), None,
           doc_id=row["doc_id"])


def record_alias(db: sqlite3.Connection, canonical: str, alias: str,
                 label: str | None, at: float | None = None) -> None:
    record(db, "alias", target_of("alias", canonical, alias),
           None if label is None else {"label": label}, release_sha="", at=at)


def record_distinct(db: sqlite3.Connection, label: str, a: str, b: str, present: bool,
                    at: float | None = None) -> None:
    """Names `a` < `b` (of entities labelled `label`) said to be different entities
    (`present`), or no longer."""
    record(db, "distinct", target_of("distinct", label, a, b),
           {"label": label, "a": a, "b": b} if present else None, release_sha="", at=at)


def record_status(db: sqlite3.Connection, doc_id: int, status: str) -> None:
    sha = _sha_of(db, doc_id)
    record(db, "status", target_of("status", sha or f"local:{doc_id}"),
           {"status": status}, doc_id=doc_id, release_sha=sha)


def record_fact(db: sqlite3.Connection, doc_id: int, fact_key: str,
                value: dict[str, Any] | None, at: float | None = None) -> None:
    sha = _sha_of(db, doc_id)
    record(db, "fact", target_of("fact", sha or f"local:{doc_id}", fact_key), value,
           doc_id=doc_id, release_sha=sha, at=at)


def record_summary(db: sqlite3.Connection, doc_id: int, text: str | None,
                   at: float | None = None) -> None:
    sha = _sha_of(db, doc_id)
    record(db, "summary", target_of("summary", sha or f"local:{doc_id}"),
           None if not text else {"text": text}, doc_id=doc_id, release_sha=sha, at=at)


# -- the migration: today's rows become the log's first entries ----------------------------

def migrate(db: sqlite3.Connection) -> None:
    """Schema 3: the change log. Every existing row becomes one change ("migrated", at
    the time the row was last written), so that folding the log gives back exactly the
    tables it started from."""
    for statement in SCHEMA.strip().split(";"):
        if statement.strip():
            db.execute(statement)
    for r in db.execute("SELECT id, created_at FROM corrections ORDER BY id").fetchall():
        record_correction(db, int(r[0]), new=True, at=float(r[1]))
    for r in db.execute("SELECT id, updated_at FROM notes ORDER BY id").fetchall():
        record_note(db, int(r[0]), new=True, at=float(r[1]))
    for r in db.execute("SELECT canonical, alias, label, created_at FROM aliases "
                        "ORDER BY id").fetchall():
        record_alias(db, r[0], r[1], r[2], at=float(r[3]))
    for r in db.execute("SELECT doc_id, fact_key, status, value, note, updated_at "
                        "FROM fact_status ORDER BY doc_id, fact_key").fetchall():
        record_fact(db, int(r[0]), r[1], {"status": r[2], "value": r[3], "note": r[4]},
                    at=float(r[5]))
    for r in db.execute("SELECT doc_id, text, updated_at FROM summaries "
                        "ORDER BY doc_id").fetchall():
        record_summary(db, int(r[0]), r[1], at=float(r[2]))
    for r in db.execute("SELECT id, status FROM documents WHERE status != 'unreviewed' "
                        "ORDER BY id").fetchall():
        record_status(db, int(r[0]), r[1])
    db.execute("UPDATE changes SET origin = 'migrated'")


def migrate_distinct(db: sqlite3.Connection) -> None:
    """The store's migration 6: names said to be different entities join the log (each existing row
    becomes one change, as schema 3 did for the other review tables)."""
    before = int(db.execute("SELECT COALESCE(MAX(seq), 0) FROM changes").fetchone()[0])
    for r in db.execute("SELECT label, a, b, created_at FROM distinct_names "
                        "ORDER BY id").fetchall():
        record_distinct(db, r[0], r[1], r[2], True, at=float(r[3]))
    db.execute("UPDATE changes SET origin = 'migrated' WHERE seq > ?", (before,))


# -- changes from the team -----------------------------------------------------------------

def insert_remote(db: sqlite3.Connection, changes: Iterable[Change]) -> list[Change]:
    """Add changes pulled from the server (a change already here is skipped: by UUID);
    returns the ones that were new."""
    incoming = list(changes)
    known: set[str] = set()
    for i in range(0, len(incoming), 500):
        part = [c.uuid for c in incoming[i:i + 500]]
        marks = ", ".join("?" for _ in part)
        known.update(str(r[0]) for r in db.execute(
            f"SELECT uuid FROM changes WHERE uuid IN ({marks})", part))
    added: list[Change] = []
    for c in incoming:
        if c.uuid not in known:
            known.add(c.uuid)
            added.append(c)
    db.executemany(
        "INSERT INTO changes(uuid, author, device, at, release_sha, kind, target, parents, "
        "payload, resolution, origin, pushed, applied) "
        "VALUES (?,?,?,?,?,?,?,?,?,?, 'remote', 1, 0)",
        [(c.uuid, c.author, c.device, c.at, c.release_sha, c.kind, c.target,
          json.dumps(list(c.parents)), c.payload, int(c.resolution)) for c in added])
    return added


def waiting_targets(db: sqlite3.Connection) -> set[str]:
    """Targets with team changes not yet applied whose release is now in the library."""
    return {str(r[0]) for r in db.execute(
        "SELECT DISTINCT target FROM changes WHERE applied = 0 AND (release_sha = '' OR "
        "release_sha IN (SELECT sha256 FROM documents WHERE sha256 != ''))")}


def _doc_for(db: sqlite3.Connection, sha: str) -> int | None:
    if not sha:
        return None
    row = db.execute("SELECT id FROM documents WHERE sha256 = ? ORDER BY missing, id LIMIT 1",
                     (sha,)).fetchone()
    return None if row is None else int(row[0])


def _local_id(db: sqlite3.Connection, kind: str, uid: str) -> int | None:
    row = db.execute("SELECT local_id FROM change_ids WHERE kind = ? AND uid = ?",
                     (kind, uid)).fetchone()
    return None if row is None else int(row[0])


def materialise(db: sqlite3.Connection, target: str) -> Change | None:
    """Make the review tables show what the log says for `target`; records or clears its
    conflict. Returns the change shown, or None when the target's release is not in this
    library (its changes wait, unapplied)."""
    changes = changes_of(db, target)
    folded = fold(changes)
    if folded is None:
        return None
    w = folded.winner
    if folded.conflicting:
        db.execute("INSERT OR REPLACE INTO conflicts(target, kind, release_sha, heads, "
                   "detected_at) VALUES (?,?,?,?,?)",
                   (target, w.kind, w.release_sha,
                    json.dumps([c.uuid for c in folded.conflicting]), time.time()))
    else:
        db.execute("DELETE FROM conflicts WHERE target = ?", (target,))
    value = w.value()
    key = json.loads(target)[1:]
    if w.kind == "alias":
        _apply_alias(db, key[0], key[1], value)
    elif w.kind == "distinct":
        _apply_distinct(db, key[0], key[1], key[2], value)
    else:
        doc_id = _doc_for(db, w.release_sha)
        if doc_id is None:
            return None
        if w.kind == "status":
            db.execute("UPDATE documents SET status = ? WHERE sha256 = ?",
                       ((value or {}).get("status", "unreviewed"), w.release_sha))
        elif w.kind == "fact":
            _apply_fact(db, doc_id, key[1], value)
        elif w.kind == "summary":
            _apply_summary(db, doc_id, value)
        elif w.kind == "correction":
            _apply_row(db, "correction", "corrections", key[0], doc_id, value,
                       _CORRECTION_FIELDS, w.at)
            spans = {(int(v["start"]), int(v["end"])) for c in changes
                     if (v := c.value()) is not None}
            for start, end in sorted(spans):
                check_span(db, doc_id, start, end)
        elif w.kind == "note":
            _apply_row(db, "note", "notes", key[0], doc_id, value, _NOTE_FIELDS, w.at)
    db.execute("UPDATE changes SET applied = 1 WHERE target = ? AND applied = 0", (target,))
    return w


def _apply_alias(db: sqlite3.Connection, canonical: str, alias: str,
                 value: dict[str, Any] | None) -> None:
    if value is None:
        db.execute("DELETE FROM aliases WHERE canonical = ? AND alias = ?", (canonical, alias))
    else:
        db.execute("INSERT INTO aliases(canonical, alias, label, created_at) VALUES (?,?,?,?)"
                   " ON CONFLICT(canonical, alias) DO UPDATE SET label = excluded.label",
                   (canonical, alias, value.get("label", ""), time.time()))


def _apply_distinct(db: sqlite3.Connection, label: str, a: str, b: str,
                    value: dict[str, Any] | None) -> None:
    if value is None:
        db.execute("DELETE FROM distinct_names WHERE label = ? AND a = ? AND b = ?",
                   (label, a, b))
    else:
        db.execute("INSERT OR IGNORE INTO distinct_names(label, a, b, created_at) "
                   "VALUES (?,?,?,?)", (label, a, b, time.time()))


def _apply_fact(db: sqlite3.Connection, doc_id: int, fact_key: str,
                value: dict[str, Any] | None) -> None:
    if value is None:
        db.execute("DELETE FROM fact_status WHERE doc_id = ? AND fact_key = ?",
                   (doc_id, fact_key))
    else:
        db.execute("INSERT OR REPLACE INTO fact_status(doc_id, fact_key, status, value, note,"
                   " updated_at) VALUES (?,?,?,?,?,?)",
                   (doc_id, fact_key, value["status"], value.get("value"),
                    value.get("note", ""), time.time()))


def _apply_summary(db: sqlite3.Connection, doc_id: int, value: dict[str, Any] | None) -> None:
    if value is None:
        db.execute("DELETE FROM summaries WHERE doc_id = ?", (doc_id,))
    else:
        db.execute("INSERT OR REPLACE INTO summaries(doc_id, text, updated_at) VALUES (?,?,?)",
                   (doc_id, value["text"], time.time()))


def _apply_row(db: sqlite3.Connection, kind: str, table: str, uid: str, doc_id: int,
               value: dict[str, Any] | None, fields: tuple[str, ...], at: float) -> None:
    local = _local_id(db, kind, uid)
    if value is None:
        if local is not None:
            db.execute(f"DELETE FROM {table} WHERE id = ?", (local,))
        return
    columns = ("doc_id", *fields)
    args = [doc_id, *(value.get(f) for f in fields)]
    if table == "notes":
        columns, args = (*columns, "created_at", "updated_at"), [*args, at, at]
    else:
        columns, args = (*columns, "created_at"), [*args, at]
    quoted = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join("?" for _ in columns)
    if local is not None and db.execute(f"SELECT 1 FROM {table} WHERE id = ?",
                                        (local,)).fetchone():
        sets = ", ".join(f'"{c}" = ?' for c in columns)
        db.execute(f"UPDATE {table} SET {sets} WHERE id = ?", (*args, local))
        return
    cur = db.execute(f"INSERT INTO {table}({quoted}) VALUES ({marks})", args)
    assert cur.lastrowid is not None
    db.execute("INSERT OR REPLACE INTO change_ids(kind, local_id, uid) VALUES (?,?,?)",
               (kind, cur.lastrowid, uid))


def conflicts(db: sqlite3.Connection) -> list[tuple[str, list[Change]]]:
    """Every conflict: the target and its disagreeing heads (the shown one last)."""
    out = []
    for target, heads in db.execute("SELECT target, heads FROM conflicts ORDER BY target")\
            .fetchall():
        wanted = json.loads(heads)
        marks = ", ".join("?" for _ in wanted)
        found = [_change(r) for r in db.execute(
            f"SELECT {_COLUMNS} FROM changes WHERE uuid IN ({marks})", wanted)]
        out.append((str(target), sorted(found, key=lambda c: (c.at, c.uuid))))
    return out


def resolve_span(db: sqlite3.Connection, chosen: Change, heads: Sequence[Change]) -> None:
    """A lead's decision on an entity two reviewers corrected differently: the chosen
    correction again, made over every one of them."""
    value = chosen.value()
    doc_id = _doc_for(db, chosen.release_sha)
    if value is None or doc_id is None:
        return
    columns = ("doc_id", *_CORRECTION_FIELDS, "created_at")
    quoted = ", ".join(f'"{c}"' for c in columns)
    cur = db.execute(
        f"INSERT INTO corrections({quoted}) VALUES ({', '.join('?' for _ in columns)})",
        (doc_id, *(value.get(f) for f in _CORRECTION_FIELDS), time.time()))
    assert cur.lastrowid is not None
    record_correction(db, cur.lastrowid, new=True, resolves=tuple(c.uuid for c in heads))
