"""Release files shared through the team's server, for teammates who lack them.

Off by default: only hashes, offsets and the reviewers' own work travel. A laptop whose
reviewer turns sharing on (`TeamSettings.set_share_texts`, `reviewer sync --share-texts`)
uploads, at each sync, the files of the releases the team's change log speaks of (the
ones somebody reviewed, here or elsewhere) that the server does not hold yet: the file's
bytes as they are, under its file name, keyed by its SHA-256 (the server checks the hash).
A library's releases nobody reviewed stay on the laptop.

Every laptop receives the shared files of releases it does not have (whatever its own
setting): each is written, checked against its hash, to
`<data folder>/Shared by the team/<first 16 hex digits of the hash>/<file name>`, a folder
that joins the library. The next scan indexes it like any other release; having the same
content hash, it is the same release, so the team's work on it applies there.
"""
from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import psycopg

from reviewer.core import changelog
from reviewer.core.files import atomic_write
from reviewer.core.store import ReviewStore
from reviewer.core.sync import server as _server

if TYPE_CHECKING:
    from reviewer.core.sync.client import Progress, SyncReport

log = logging.getLogger(__name__)

#: The folder of the data folder that receives the team's shared releases.
SHARED_DIR = "Shared by the team"
#: At most this many bytes of files go in one upload or download transaction.
BATCH_BYTES = 8 * 1024 * 1024
#: How many content hashes one query asks the server about.
LOOKUP = 1000
#: Characters no file name may hold on one of the platforms Reviewer runs on, and the
#: names Windows reserves: a shared release gets a name every laptop can write.
_NOT_IN_NAMES = set('<>:"|?*')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
             *(f"LPT{i}" for i in range(1, 10))}


def shared_folder(store: ReviewStore) -> Path:
    return store.path.parent / SHARED_DIR


def _file_name(name: str, sha: str) -> str:
    """A safe file name for a shared release (its own, when it is one)."""
    cleaned = "".join(("_" if ch in _NOT_IN_NAMES else ch)
                      for ch in Path(name.replace("\\", "/")).name
                      if ch.isprintable()).strip(" .")
    stem = cleaned.split(".")[0].upper()
    if not cleaned or cleaned.startswith(".") or stem in _RESERVED:
        suffix = Path(cleaned).suffix if cleaned and stem in _RESERVED else ".txt"
        return f"release-{sha[:16]}{suffix}"
    return cleaned[-200:]


def _server_has(conn: psycopg.Connection[Any], shas: list[str]) -> set[str]:
    found: set[str] = set()
    for i in range(0, len(shas), LOOKUP):
        found.update(str(r[0]) for r in conn.execute(
            "SELECT sha FROM release_texts WHERE sha = ANY(%s)", (shas[i:i + LOOKUP],)))
    conn.commit()
    return found


def push(store: ReviewStore, conn: psycopg.Connection[Any], report: SyncReport,
         progress: Progress | None, cancelled: Callable[[], bool] | None) -> None:
    """Upload the files of reviewed releases the server lacks (when sharing is on)."""
    with store.reading() as db:
        if changelog.meta(db, "share_texts") != "1":
            return
        rows = db.execute(
            "SELECT sha256, path FROM documents WHERE missing = 0 AND error = '' AND "
            "sha256 != '' AND sha256 IN (SELECT DISTINCT release_sha FROM changes "
            "WHERE release_sha != '') ORDER BY id").fetchall()
    paths: dict[str, str] = {}
    for sha, path in rows:
        paths.setdefault(str(sha), str(path))
    have = _server_has(conn, sorted(paths))
    todo = [sha for sha in paths if sha not in have]
    batch: list[tuple[str, str, bytes]] = []
    size = 0
    for number, sha in enumerate(todo, 1):
        data = _read(Path(paths[sha]), sha)
        if data is not None:
            batch.append((sha, _file_name(Path(paths[sha]).name, sha), data))
            size += len(data)
        stop = cancelled is not None and cancelled()
        if batch and (size >= BATCH_BYTES or number == len(todo) or stop):
            _upload(conn, batch)
            report.texts_sent += len(batch)
            batch, size = [], 0
        if progress is not None:
            progress("share texts", number, len(todo))
        if stop:
            report.cancelled = True
            return


def _read(path: Path, sha: str) -> bytes | None:
    """The release file's bytes, if it still is the release indexed under `sha`."""
    try:
        if path.stat().st_size > _server.MAX_TEXT_BYTES:
            log.info("%s is too large to share (over %d bytes)", path, _server.MAX_TEXT_BYTES)
            return None
        data = path.read_bytes()
    except OSError as exc:
        log.info("%s is not shared: %s", path, exc)
        return None
    if hashlib.sha256(data).hexdigest() != sha:
        log.info("%s changed since it was indexed; shared after the next scan", path)
        return None
    return data


def _upload(conn: psycopg.Connection[Any], batch: list[tuple[str, str, bytes]]) -> None:
    with conn.transaction(), conn.cursor() as cur:
        cur.executemany("INSERT INTO release_texts(sha, name, content) VALUES (%s, %s, %s) "
                        "ON CONFLICT (sha) DO NOTHING", batch)


def pull(store: ReviewStore, conn: psycopg.Connection[Any], report: SyncReport,
         progress: Progress | None, cancelled: Callable[[], bool] | None) -> None:
    """Write the shared files of releases this library lacks into the shared folder."""
    folder = shared_folder(store)
    with store.reading() as db:
        known = {str(r[0]) for r in db.execute(
            "SELECT DISTINCT sha256 FROM documents WHERE sha256 != ''")}
    sizes = {str(sha): int(n) for sha, n in conn.execute(
        "SELECT sha, octet_length(content) FROM release_texts ORDER BY shared_at, sha")}
    conn.commit()
    todo = [sha for sha in sizes if sha not in known and not _written(folder, sha)]
    if not todo:
        return
    folder.mkdir(parents=True, exist_ok=True)
    store.add_folder(str(folder.resolve()))
    done = 0
    while done < len(todo):
        part: list[str] = []
        size = 0
        while done + len(part) < len(todo) and (not part or size < BATCH_BYTES):
            sha = todo[done + len(part)]
            part.append(sha)
            size += sizes[sha]
        rows = conn.execute("SELECT sha, name, content FROM release_texts WHERE sha = ANY(%s)",
                            (part,)).fetchall()
        conn.commit()
        for sha, name, content in rows:
            path = _write(folder, str(sha), str(name), bytes(content))
            if path is not None:
                report.texts_received.append(str(path))
        done += len(part)
        if progress is not None:
            progress("receive texts", done, len(todo))
        if cancelled is not None and cancelled():
            report.cancelled = True
            return


def _written(folder: Path, sha: str) -> bool:
    """Whether a shared release was written before (and waits for the next scan)."""
    home = folder / sha[:16]
    return home.is_dir() and any(p.is_file() and not p.name.startswith(".")
                                 for p in home.iterdir())


def _write(folder: Path, sha: str, name: str, content: bytes) -> Path | None:
    if hashlib.sha256(content).hexdigest() != sha:
        log.warning("a shared release does not match its content hash %s; skipped", sha)
        return None
    home = folder / sha[:16]
    home.mkdir(parents=True, exist_ok=True)
    dest = atomic_write(home / _file_name(name, sha), lambda f: f.write(content))
    log.info("received the shared release %s", dest)
    return dest
