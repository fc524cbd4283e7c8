"""Push this laptop's changes to the team's server and pull the team's, in batches.

Idempotent and resumable. A push inserts a batch on the server (a change already there
is skipped: by UUID), then marks it sent locally; cut between the two, the next push sends
the batch again and the server keeps one copy. A pull reads the server's changes after
this store's cursor for that server and, in one local transaction, adds the new ones (by
UUID), folds every target they touch into the review tables and moves the cursor: cut
anywhere, the store holds either the whole batch and its cursor or neither.
"""
from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import psycopg

from reviewer.core import changelog
from reviewer.core.changelog import Change
from reviewer.core.store import ReviewStore
from reviewer.core.sync import server as _server
from reviewer.core.sync import texts as _texts
from reviewer.core.sync.connection import SyncError, connect, display

log = logging.getLogger(__name__)

BATCH = 1000

#: (phase "push" or "pull", changes done so far, changes to do or None when unknown)
Progress = Callable[[str, int, int | None], None]


@dataclass(slots=True)
class SyncReport:
    server: str
    pushed: int = 0
    pulled: int = 0
    #: Local releases whose review data changed (re-index and repaint them).
    doc_ids: set[int] = field(default_factory=set)
    #: Team changes kept for releases that are not in this library.
    waiting: int = 0
    #: An alias or a library-wide correction changed: every release's extraction.
    library_wide: bool = False
    #: The library's releases by content hash (read once, while applying).
    releases: dict[str, list[int]] | None = field(default=None, repr=False)
    conflicts: int = 0
    cancelled: bool = False
    #: Release files this laptop shared (sharing on) and those it received, written to
    #: the shared folder (`texts.SHARED_DIR`): the next scan indexes them.
    texts_sent: int = 0
    texts_received: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [f"sent {self.pushed:,}", f"received {self.pulled:,}"]
        if self.conflicts:
            parts.append(f"{self.conflicts} conflict{'s' if self.conflicts != 1 else ''} "
                         "to decide")
        if self.texts_sent:
            parts.append(f"shared {self.texts_sent:,} release file"
                         f"{'s' if self.texts_sent != 1 else ''}")
        if self.texts_received:
            n = len(self.texts_received)
            parts.append(f"{n:,} shared release{'s' if n != 1 else ''} received")
        if self.waiting:
            parts.append(f"{self.waiting:,} for releases not in this library")
        text = f"Synced with {self.server}: " + ", ".join(parts)
        return text + (" (cancelled; the rest follows at the next sync)"
                       if self.cancelled else "")


def _wrap(exc: psycopg.Error, url: str) -> SyncError:
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if isinstance(exc, psycopg.errors.InsufficientPrivilege):
        return SyncError(f"The server {display(url)} refused a change ({detail}). Nothing "
                         "was lost: the change stays on this computer.")
    return SyncError(f"The sync with {display(url)} stopped ({detail}). Everything "
                     "received so far is kept; the next sync continues from there.")


def sync(store: ReviewStore, url: str, *, batch: int = BATCH,
         progress: Progress | None = None,
         cancelled: Callable[[], bool] | None = None, pull: bool = True) -> SyncReport:
    """One sync with the server at `url`: push, then pull (unless `pull` is False).
    Raises SyncError."""
    report = SyncReport(display(url))
    with connect(url) as conn:
        try:
            _prepare(store, conn, url)
            _push(store, conn, report, batch, progress, cancelled)
            if not report.cancelled:
                _texts.push(store, conn, report, progress, cancelled)
            if pull and not report.cancelled:
                _pull(store, conn, url, report, batch, progress, cancelled)
            if pull and not report.cancelled:
                _texts.pull(store, conn, report, progress, cancelled)
        except psycopg.Error as exc:
            raise _wrap(exc, url) from exc
    with store.transaction() as db:
        _apply_waiting(db, report)
        db.execute("UPDATE sync_servers SET last_sync = ? WHERE url = ?", (time.time(), url))
    log.info("%s", report.summary())
    return report


def apply_waiting(store: ReviewStore) -> SyncReport:
    """Apply the team's changes kept for releases that are now in the library (indexed
    since the last sync: a file copied in, or one the team shared). The report's
    `doc_ids` are the releases whose review data changed, marked for re-indexing."""
    report = SyncReport("")
    with store.transaction() as db:
        _apply_waiting(db, report)
    return report


def _apply_waiting(db: Any, report: SyncReport) -> None:
    for target in changelog.waiting_targets(db):
        _note_changed(db, changelog.materialise(db, target), report)
    report.waiting = int(db.execute(
        "SELECT count(*) FROM changes WHERE applied = 0").fetchone()[0])
    report.conflicts = int(db.execute("SELECT count(*) FROM conflicts").fetchone()[0])
    _mark_reindex(db, report.doc_ids)


def _prepare(store: ReviewStore, conn: psycopg.Connection[Any], url: str) -> None:
    row = conn.execute("SELECT to_regclass('reviewer_schema') IS NOT NULL").fetchone()
    if not row or not row[0]:
        raise SyncError(f"The server {display(url)} has no Reviewer schema yet; its "
                        "administrator creates it with `reviewer server init URL`.")
    me = conn.execute("SELECT current_user, pg_has_role(current_user, %s, 'MEMBER'), "
                      "pg_has_role(current_user, %s, 'MEMBER')",
                      (_server.LEAD, _server.MEMBER)).fetchone()
    assert me is not None
    role, lead = str(me[0]), bool(me[1])
    if not me[2]:
        raise SyncError(f"The role {role} is not a reviewer on {display(url)}; the "
                        "administrator adds it with `reviewer server add-reviewer`.")
    version = conn.execute("SELECT version FROM reviewer_schema").fetchone()
    if not version or int(version[0]) < 1:
        raise SyncError(f"The server {display(url)} has no Reviewer schema yet; its "
                        "administrator creates it with `reviewer server init URL`.")
    if int(version[0]) > len(_server.MIGRATIONS):
        raise SyncError(f"The server {display(url)} was set up by a newer Reviewer: "
                        "install the newer Reviewer to sync with it.")
    if int(version[0]) < len(_server.MIGRATIONS):
        raise SyncError(f"The server {display(url)} has an older Reviewer schema "
                        f"({version[0]}; this Reviewer needs {len(_server.MIGRATIONS)}). "
                        "Nothing was sent; its administrator upgrades it with `reviewer "
                        "server init URL`.")
    people = {str(r): str(n) for r, n in
              conn.execute("SELECT role, display_name FROM reviewers").fetchall()}
    conn.commit()
    with store.transaction() as db:
        db.execute("INSERT OR IGNORE INTO sync_servers(url) VALUES (?)", (url,))
        db.execute("UPDATE sync_servers SET role = ? WHERE url = ?", (role, url))
        changelog.set_meta(db, "author", role)
        changelog.set_meta(db, "lead", "1" if lead else "0")
        changelog.set_meta(db, "people", json.dumps(people, ensure_ascii=False))
        # Changes made on this laptop and never sent are its reviewer's: they carry the
        # role they are sent as (the server accepts no other author).
        db.execute("UPDATE changes SET author = ? WHERE pushed = 0 AND origin != 'remote'",
                   (role,))


def _sendable(c: Change) -> bool:
    """A change for a release without a content hash (never indexed) stays local."""
    return bool(c.release_sha) or c.kind in changelog.LIBRARY_KINDS


def _push(store: ReviewStore, conn: psycopg.Connection[Any], report: SyncReport, batch: int,
          progress: Progress | None, cancelled: Callable[[], bool] | None) -> None:
    with store.transaction() as db:
        total = int(db.execute("SELECT count(*) FROM changes WHERE pushed = 0")
                    .fetchone()[0])
    while True:
        with store.transaction() as db:
            rows = changelog.unpushed(db, batch)
        if not rows:
            return
        send = [c for _, c in rows if _sendable(c)]
        with conn.transaction(), conn.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", (_server.PUSH_LOCK,))
            cur.executemany(
                "INSERT INTO changes(uuid, author, device, at, release_sha, kind, target, "
                "parents, payload, resolution) VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s) "
                "ON CONFLICT (uuid) DO NOTHING",
                [(c.uuid, c.author, c.device, c.at, c.release_sha, c.kind, c.target,
                  json.dumps(list(c.parents)), c.payload, c.resolution) for c in send])
        with store.transaction() as db:
            # 1: on the server; 2: kept on this laptop (a release never indexed)
            db.executemany("UPDATE changes SET pushed = ? WHERE seq = ?",
                           [(1 if _sendable(c) else 2, seq) for seq, c in rows])
        report.pushed += len(send)
        if progress is not None:
            progress("push", report.pushed, total)
        if cancelled is not None and cancelled():
            report.cancelled = True
            return


def _pull(store: ReviewStore, conn: psycopg.Connection[Any], url: str, report: SyncReport,
          batch: int, progress: Progress | None,
          cancelled: Callable[[], bool] | None) -> None:
    with store.transaction() as db:
        row = db.execute("SELECT cursor FROM sync_servers WHERE url = ?", (url,)).fetchone()
    cursor = int(row[0]) if row else 0
    counted = conn.execute("SELECT count(*) FROM changes WHERE id > %s", (cursor,)).fetchone()
    total = int(counted[0]) if counted else None
    done = 0
    while True:
        rows = conn.execute(
            "SELECT id, uuid::text, author::text, device, at, release_sha, kind, target, "
            "parents::text, payload, resolution FROM changes WHERE id > %s ORDER BY id "
            "LIMIT %s", (cursor, batch)).fetchall()
        conn.commit()
        if not rows:
            return
        incoming = [Change(r[1], r[2], r[3], float(r[4]), r[5], r[6], r[7],
                           tuple(json.loads(r[8])), r[9], bool(r[10])) for r in rows]
        cursor = int(rows[-1][0])
        with store.transaction() as db:
            added = changelog.insert_remote(db, incoming)
            for target in sorted({c.target for c in added}):
                _note_changed(db, changelog.materialise(db, target), report)
            db.execute("UPDATE sync_servers SET cursor = ? WHERE url = ?", (cursor, url))
        report.pulled += len(added)
        done += len(rows)
        if progress is not None:
            progress("pull", done, total)
        if cancelled is not None and cancelled():
            report.cancelled = True
            return


def _note_changed(db: Any, winner: Change | None, report: SyncReport) -> None:
    if winner is None:  # its release is not in this library
        return
    value = winner.value() or {}
    if winner.kind == "alias" or value.get("scope") == "library":
        report.library_wide = True
    if not winner.release_sha:
        return
    if report.releases is None:  # one look-up of the library per sync
        report.releases = {}
        for doc_id, sha in db.execute("SELECT id, sha256 FROM documents WHERE sha256 != ''"):
            report.releases.setdefault(str(sha), []).append(int(doc_id))
    report.doc_ids.update(report.releases.get(winner.release_sha, ()))


def _mark_reindex(db: Any, doc_ids: set[int]) -> None:
    """Releases whose corrections changed are re-indexed by the next scan."""
    if not doc_ids:
        return
    seq = int(db.execute("SELECT COALESCE(MAX(seq), 0) FROM pending_reindex")
              .fetchone()[0]) + 1
    db.executemany("INSERT OR REPLACE INTO pending_reindex(doc_id, seq) VALUES (?, ?)",
                   [(i, seq) for i in sorted(doc_ids)])


def resolve(store: ReviewStore, keep: str) -> None:
    """Decide a conflict for the team: the change whose UUID starts with `keep` is the
    value (a lead's decision; the server refuses it from anyone else)."""
    with store.transaction() as db:
        if changelog.meta(db, "lead") != "1":
            raise SyncError("Only a lead can decide a conflict for the team; ask your "
                            "lead, or sync first if you were made one.")
        for target, heads in changelog.conflicts(db):
            chosen = [c for c in heads if c.uuid.startswith(keep)]
            if not chosen:
                continue
            if json.loads(target)[0] == "entity":
                changelog.resolve_span(db, chosen[0], heads)
            else:
                changelog.record(db, chosen[0].kind, target, chosen[0].value(),
                                 release_sha=chosen[0].release_sha, resolution=True)
                changelog.materialise(db, target)
            return
    raise SyncError(f"No conflict has a change {keep!r}: `reviewer sync --conflicts` "
                    "lists them.")
