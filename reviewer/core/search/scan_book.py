"""What one scan found, and what each processed file means for the store and the index:
the scan's report and its book, for serial and parallel scans alike."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from reviewer.core.documents import loaders
from reviewer.core.search.index import IndexRecord
from reviewer.core.search.passes import file_digest
from reviewer.core.store import DocRecord, ReviewStore

if TYPE_CHECKING:
    from reviewer.core.search.entity_pass import EntityReport


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
    entities: EntityReport | None = None  # the entity pass that followed, if one did

    def summary(self) -> str:
        text = (f"added {self.added}, updated {self.updated}, removed {self.removed}, "
                f"unchanged {self.unchanged}, moved {self.moved}, failed {len(self.failed)}")
        return text + (" (cancelled)" if self.cancelled else "")


class ScanBook:
    """What one scan found, and the one place that decides what a processed file means
    for the store and the index, for serial and parallel scans alike.

    Every file to index gets its document id from `assign` (in a parallel scan before a
    worker processes it): its own row, the row of a vanished release with the same
    content (it was moved or renamed: its review data follows), or a new placeholder
    row with size 0 (a crash before the batch is committed leaves size 0, so the next
    scan indexes the file again). `settle` then books the outcome."""

    def __init__(self, store: ReviewStore, known: dict[str, DocRecord],
                 vanished: dict[str, DocRecord], report: ScanReport) -> None:
        self.store, self.known, self.vanished, self.report = store, known, vanished, report
        self.by_sha: dict[str, int] = {}  # content hash -> id of a vanished or missing row
        for d in vanished.values():
            self.by_sha.setdefault(d.sha256, d.id)
        for d in known.values():
            if d.missing and d.sha256:
                self.by_sha.setdefault(d.sha256, d.id)
        self.fresh: set[int] = set()  # placeholder rows made by this scan
        self.moved_from: dict[str, int] = {}  # new path -> id of the copy it matches
        self.moved_ids: set[int] = set()

    def assign(self, path: str, sha256: str | None = None) -> int:
        """The document id `path` is indexed under (`sha256`: its content hash, when
        known; otherwise the file is read for it only if some release has vanished)."""
        old = self.known.get(path)
        if old is not None:
            return old.id
        if sha256 is None and self.by_sha:  # a new path may be a vanished release, moved
            try:
                sha256 = file_digest(loaders.read_bytes(Path(path)))
            except loaders.LoadError:
                sha256 = ""
        if sha256 and sha256 in self.by_sha:
            doc_id = self.moved_from[path] = self.by_sha.pop(sha256)
            return doc_id
        doc_id = self.store.upsert_document(path, sha256="", size=0, mtime_ns=0,
                                            title=Path(path).stem)
        self.fresh.add(doc_id)
        return doc_id

    def settle(self, path: str, doc_id: int | None, rec: IndexRecord) -> list[int]:
        """Count `rec` in the report and update its row; returns the ids whose old copies
        leave the index (`doc_id` is None for a failed file that was never assigned)."""
        report, store, old = self.report, self.store, self.known.get(path)
        if rec.error:
            report.failed.append((path, rec.error))
            if rec.sha256:  # read but not loadable: remember so it is not retried
                return [store.upsert_document(path, sha256=rec.sha256, size=rec.size,
                                              mtime_ns=rec.mtime_ns, title=Path(path).name,
                                              error=rec.error)]
            if old is not None:
                return [old.id]
            if doc_id is not None and doc_id in self.fresh:
                store.mark_missing(doc_id)  # its placeholder row
            return []
        assert doc_id is not None
        report.warnings.extend((path, w) for w in rec.warnings)
        if old is not None and not old.missing:
            report.updated += 1
        elif path in self.moved_from:
            store.move_document(doc_id, path, size=0, mtime_ns=0)
            self.moved_ids.add(doc_id)
            report.moved += 1
        else:
            if old is not None:  # it came back: the same row, size 0 until done
                store.upsert_document(path, sha256=rec.sha256, size=0, mtime_ns=0,
                                      title=rec.title)
            report.added += 1
        return [] if doc_id in self.fresh else [doc_id]

    def gone(self) -> list[DocRecord]:
        """Releases whose files vanished and were not found moved."""
        return [d for d in self.vanished.values() if d.id not in self.moved_ids]

    def mark_gone(self, gone: list[DocRecord]) -> None:
        for d in gone:
            self.store.mark_missing(d.id)
            self.report.removed += 1
