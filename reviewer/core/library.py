"""The library: folders of releases, scanned incrementally into the index and the store.

A re-scan only touches what changed: unchanged files are skipped on (size, mtime_ns);
new and changed files are loaded, extracted and indexed; deleted files leave the index
but keep their review data; a moved or renamed file is recognised by its content hash
and keeps its identity, so its corrections and notes follow it.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from reviewer.core import loaders
from reviewer.core.extract import extract
from reviewer.core.extract.lexicon import Lexicon
from reviewer.core.index import IndexRecord, SearchIndex, prepare
from reviewer.core.model import BOILERPLATE, Document, Extraction
from reviewer.core.store import ReviewStore

Progress = Callable[[int, int, str], None]  # (done, total, current path)


class Cancelled(Exception):
    """Raised inside a scan when the user cancelled; committed batches stay."""


@dataclass(slots=True)
class ScanReport:
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    moved: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    cancelled: bool = False
    seconds: float = 0.0

    def summary(self) -> str:
        text = (f"added {self.added}, updated {self.updated}, removed {self.removed}, "
                f"unchanged {self.unchanged}, moved {self.moved}, failed {len(self.failed)}")
        return text + (" (cancelled)" if self.cancelled else "")


def file_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def walk_supported(root: Path,
                   errors: list[tuple[str, str]] | None = None) -> Iterator[Path]:
    """Supported files under `root`, recursively, without following directory symlinks
    (a symlink loop must not hang a scan). A file given directly is yielded as it is.
    Folders that cannot be listed go to `errors` as (path, reason)."""
    if root.is_file():
        if loaders.is_supported(root):
            yield root
        return

    def onerror(exc: OSError) -> None:
        if errors is not None:
            errors.append((str(exc.filename or root),
                           f"cannot read folder: {exc.strerror or exc}"))

    for dirpath, dirnames, filenames in os.walk(root, followlinks=False, onerror=onerror):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith(".") or name.startswith("~$"):
                continue
            path = Path(dirpath) / name
            if loaders.is_supported(path):
                yield path


def analyse(doc: Document, lexicon: Lexicon | None = None) -> Extraction:
    """Entities and facts for a loaded document (the one entry point the app uses)."""
    return extract(doc.text, doc.structure, lexicon)


#: Entities are extracted from at most this many characters of a release (a release is a
#: few thousand; extraction takes ~3 s per million). The whole text is still indexed.
MAX_EXTRACT_CHARS = 500_000


def extraction_text(text: str) -> tuple[str, str]:
    """(text to extract entities from, warning): a prefix ending at a line break when the
    release is longer than MAX_EXTRACT_CHARS, so a huge file cannot stall a scan."""
    if len(text) <= MAX_EXTRACT_CHARS:
        return text, ""
    cut = text.rfind("\n", 0, MAX_EXTRACT_CHARS)
    if cut < MAX_EXTRACT_CHARS // 2:
        cut = text.rfind(" ", 0, MAX_EXTRACT_CHARS)
        if cut < MAX_EXTRACT_CHARS // 2:
            cut = MAX_EXTRACT_CHARS
    return text[:cut], (f"very long release ({len(text):,} characters): entities extracted "
                        f"from the first {cut:,} characters only")


def build_record(path: str, data: bytes, size: int, mtime_ns: int,
                 lexicon: Lexicon | None = None) -> IndexRecord:
    """Load, structure and extract one file into an IndexRecord. Never raises for a bad
    file: the reason goes into `error` so the rest of the library still indexes."""
    rec = IndexRecord(path=path, sha256=file_digest(data), size=size, mtime_ns=mtime_ns)
    try:
        doc = loaders.load_bytes(data, path)
    except loaders.LoadError as exc:
        rec.error = str(exc)
        return rec
    rec.warnings = list(doc.warnings)
    text, st = doc.text, doc.structure
    rec.title = st.title or Path(path).stem
    body, boiler = [], []
    for block in st.blocks:
        (boiler if block.kind == BOILERPLATE else body).append(text[block.start:block.end])
    if not st.blocks:
        body.append(text)
    rec.body, rec.boiler = "\n".join(body), "\n".join(boiler)
    if st.dateline and st.dateline.iso:
        rec.date = _iso_to_datetime(st.dateline.iso)
    bounded, limited = extraction_text(text)
    if limited:
        rec.warnings.append(limited)
    extraction = extract(bounded, st if bounded is text else None, lexicon)
    values: dict[str, list[str]] = {}
    for ent in extraction.entities:
        name = ent.canonical or ent.text
        bucket = values.setdefault(ent.label, [])
        if name not in bucket:
            bucket.append(name)
    rec.entities = values
    return rec


def _iso_to_datetime(iso: str) -> _dt.datetime | None:
    for fmt in ("%Y-%m-%d", "%Y-%m", "%Y"):
        try:
            return _dt.datetime.strptime(iso[: len(_dt.datetime(2000, 1, 1).strftime(fmt))], fmt)
        except ValueError:
            continue
    return None


_worker_lexicon: Lexicon | None = None


def _init_worker(lexicon: Lexicon | None) -> None:
    global _worker_lexicon
    _worker_lexicon = lexicon


def _process_in_worker(path: str) -> IndexRecord:
    return _process(path, _worker_lexicon)


def _process(path: str, lexicon: Lexicon | None) -> IndexRecord:
    # stat before reading: if the file is rewritten in between, the stored mtime is the
    # older one and the next scan picks the new content up.
    try:
        st = os.stat(path)
        data = loaders.read_bytes(Path(path))
    except FileNotFoundError:
        return IndexRecord(path, "", 0, 0, error="file vanished before it could be read")
    except loaders.LoadError as exc:
        return IndexRecord(path, "", 0, 0, error=str(exc))
    except OSError as exc:
        return IndexRecord(path, "", 0, 0, error=f"cannot read file: {exc.strerror or exc}")
    rec = build_record(path, data, st.st_size, st.st_mtime_ns, lexicon)
    if not rec.error:
        prepare(rec)  # tokenising and stemming here, in the worker, not in the writer
    return rec


class Library:
    """Folders of releases kept in step with the index and the review store."""

    BATCH = 500

    def __init__(self, store: ReviewStore, index: SearchIndex) -> None:
        self.store = store
        self.index = index
        self._write_lock = threading.Lock()  # one writer owner inside this process

    def add_paths(self, paths: list[str | Path]) -> None:
        for p in paths:
            resolved = Path(p).expanduser().resolve()
            if not resolved.exists():
                raise FileNotFoundError(f"no such file or folder: {p}")
            self.store.add_folder(str(resolved))

    def lexicon(self) -> Lexicon:
        return Lexicon.from_corrections(self.store.corrections(), self.store.aliases())

    def scan(self, *, progress: Progress | None = None, cancel: threading.Event | None = None,
             workers: int | None = None, force: bool = False,
             only: list[int] | None = None) -> ScanReport:
        """Bring index and store in line with the folders. `force` re-indexes every file
        (after the index was rebuilt, or to re-apply learned corrections); `only`
        restricts a forced re-index to these document ids."""
        with self._write_lock:
            return self._scan(progress, cancel, workers, force or self.index.rebuilt, only)

    def _scan(self, progress: Progress | None, cancel: threading.Event | None,
              workers: int | None, force: bool, only: list[int] | None) -> ScanReport:
        t0 = time.perf_counter()
        report = ScanReport()
        known = {d.path: d for d in self.store.documents(include_missing=True)}
        seen: set[str] = set()
        todo: list[str] = []
        unlisted: list[tuple[str, str]] = []  # folders that could not be read
        for folder in self.store.folders():
            root = Path(folder)
            if not root.exists():
                continue  # an unplugged drive is not a deletion of its files
            for path in walk_supported(root, unlisted):
                key = str(path)
                if key in seen:
                    continue
                seen.add(key)
                rec = known.get(key)
                try:
                    st = path.stat()
                except OSError as exc:
                    report.failed.append((key, f"cannot read file: {exc.strerror or exc}"))
                    continue
                unchanged = (rec is not None and not rec.missing
                             and rec.size == st.st_size and rec.mtime_ns == st.st_mtime_ns)
                if unchanged and rec.error and not force:
                    report.failed.append((key, rec.error))  # known bad, not read again
                    continue
                if only is not None:
                    if rec is not None and rec.id in only:
                        todo.append(key)
                    elif unchanged:
                        report.unchanged += 1
                    continue
                if unchanged and not force:
                    report.unchanged += 1
                else:
                    todo.append(key)
        report.failed.extend(unlisted)
        roots = [Path(f) for f in self.store.folders() if Path(f).exists()]
        # Files in a folder that could not be listed are not gone, only out of reach.
        unreadable = [Path(p) for p, _ in unlisted]
        vanished = {p: d for p, d in known.items()
                    if p not in seen and not d.missing and _under_any(Path(p), roots)
                    and not _under_any(Path(p), unreadable)}
        by_sha: dict[str, int] = {}
        for d in vanished.values():
            by_sha.setdefault(d.sha256, d.id)
        for d in self.store.documents(include_missing=True):
            if d.missing and d.sha256:
                by_sha.setdefault(d.sha256, d.id)

        lexicon = self.lexicon()
        total = len(todo)
        done = 0
        moved_ids: set[int] = set()
        writer = self.index.writer() if (todo or vanished) else None
        pending: list[tuple[int, IndexRecord]] = []
        try:
            for rec in self._records(todo, lexicon, workers):
                if cancel is not None and cancel.is_set():
                    raise Cancelled
                done += 1
                if progress:
                    progress(done, total, rec.path)
                if rec.error:
                    report.failed.append((rec.path, rec.error))
                    old = known.get(rec.path)
                    if rec.sha256:  # read but not loadable: remember so it is not retried
                        doc_id = self.store.upsert_document(
                            rec.path, sha256=rec.sha256, size=rec.size, mtime_ns=rec.mtime_ns,
                            title=Path(rec.path).name, error=rec.error)
                        self.index.delete(writer, [doc_id])
                    elif old is not None:
                        self.index.delete(writer, [old.id])
                    continue
                for w in rec.warnings:
                    report.warnings.append((rec.path, w))
                old = known.get(rec.path)
                if old is not None and not old.missing:
                    doc_id = old.id
                    report.updated += 1
                elif old is None and rec.sha256 in by_sha and by_sha[rec.sha256] not in moved_ids:
                    doc_id = by_sha.pop(rec.sha256)
                    moved_ids.add(doc_id)
                    self.store.move_document(doc_id, rec.path, size=0, mtime_ns=0)
                    report.moved += 1
                else:
                    doc_id = self.store.upsert_document(rec.path, sha256=rec.sha256, size=0,
                                                        mtime_ns=0, title=rec.title)
                    report.added += 1
                self.index.add(writer, doc_id, rec)
                pending.append((doc_id, rec))
                if len(pending) >= self.BATCH:
                    self._commit(writer, pending)
                    writer = self.index.writer()
                    pending = []
            gone = [d for p, d in vanished.items() if d.id not in moved_ids]
            if gone and writer is not None:
                self.index.delete(writer, [d.id for d in gone])
            if writer is not None:
                self._commit(writer, pending)
                writer = None
            for d in gone:
                self.store.mark_missing(d.id)
                report.removed += 1
        except Cancelled:
            report.cancelled = True
            if writer is not None:
                self._commit(writer, pending)  # keep what was finished; the rest next time
                writer = None
        finally:
            if writer is not None:
                self.index.cancel(writer)
        self.index.rebuilt = False
        report.seconds = time.perf_counter() - t0
        return report

    def _commit(self, writer, pending: list[tuple[int, IndexRecord]]) -> None:
        self.index.commit(writer)
        # Only now does the store learn the file's size and mtime: a crash before this
        # point leaves size 0, so the next scan indexes the file again.
        self.store.finish_documents(
            [(doc_id, rec.sha256, rec.size, rec.mtime_ns, rec.title) for doc_id, rec in pending])

    def _records(self, paths: list[str], lexicon: Lexicon,
                 workers: int | None) -> Iterator[IndexRecord]:
        if workers is None:
            workers = min(2, os.cpu_count() or 1) if len(paths) >= 200 else 0
        if workers <= 1:
            for p in paths:
                yield _process(p, lexicon)
            return
        with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker,
                                 initargs=(lexicon,)) as pool:
            yield from pool.map(_process_in_worker, paths, chunksize=16)


def _under_any(path: Path, roots: list[Path]) -> bool:
    return any(path == r or r in path.parents for r in roots)
