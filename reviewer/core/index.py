"""The Whoosh full-text index: a cache that can always be rebuilt from the files."""
from __future__ import annotations

import datetime as _dt
import json
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as windex
from whoosh.analysis import SimpleAnalyzer, StemmingAnalyzer
from whoosh.fields import DATETIME, ID, STORED, TEXT, Schema
from whoosh.index import LockError
from whoosh.writing import IndexWriter

from reviewer.core.model import LABEL_FIELDS

INDEX_NAME = "reviewer"
SCHEMA_VERSION = "1"


class IndexLockedError(Exception):
    """Another process holds the index writer lock."""


def make_schema() -> Schema:
    fields = {
        "doc_id": ID(stored=True, unique=True),
        "path": ID(stored=True),
        "title": TEXT(stored=True, analyzer=StemmingAnalyzer(), field_boost=2.0),
        # Boilerplate (About..., contacts, disclaimers) gets its own low-weight field so a
        # word found only there ranks below one found in the release itself.
        "body": TEXT(analyzer=StemmingAnalyzer()),
        "boiler": TEXT(analyzer=StemmingAnalyzer(), field_boost=0.2),
        "date": DATETIME(stored=True),
        # Review status lives in the store; the field exists so `status:x` parses.
        "status": ID,
        "facets": STORED,
    }
    for name in LABEL_FIELDS.values():
        fields[name] = TEXT(analyzer=SimpleAnalyzer(), field_boost=1.5)
    return Schema(**fields)


@dataclass(slots=True)
class IndexRecord:
    """Everything the index needs about one release; built in worker processes."""

    path: str
    sha256: str
    size: int
    mtime_ns: int
    title: str = ""
    body: str = ""
    boiler: str = ""
    date: _dt.datetime | None = None
    entities: dict[str, list[str]] = field(default_factory=dict)  # label -> values
    error: str = ""
    warnings: list[str] = field(default_factory=list)


class SearchIndex:
    """Owns the Whoosh index in `directory`; one writer at a time."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        self.rebuilt = False  # True when the index had to be created from scratch
        self._ix = self._open_or_create()

    def _open_or_create(self) -> windex.Index:
        self.directory.mkdir(parents=True, exist_ok=True)
        marker = self.directory / "SCHEMA"
        try:
            if (windex.exists_in(str(self.directory), indexname=INDEX_NAME)
                    and marker.exists() and marker.read_text().strip() == SCHEMA_VERSION):
                ix = windex.open_dir(str(self.directory), indexname=INDEX_NAME)
                ix.doc_count()  # touches the segment files: raises if they are damaged
                return ix
        except Exception:  # noqa: BLE001 - any damage means: rebuild the cache
            pass
        return self._create()

    def _create(self) -> windex.Index:
        shutil.rmtree(self.directory, ignore_errors=True)
        self.directory.mkdir(parents=True, exist_ok=True)
        ix = windex.create_in(str(self.directory), make_schema(), indexname=INDEX_NAME)
        (self.directory / "SCHEMA").write_text(SCHEMA_VERSION)
        self.rebuilt = True
        return ix

    def reset(self) -> None:
        """Drop everything; the caller re-indexes from the files."""
        self._ix.close()
        self._ix = self._create()

    @property
    def ix(self) -> windex.Index:
        return self._ix

    def doc_count(self) -> int:
        return self._ix.doc_count()

    def writer(self, *, limitmb: int = 128) -> IndexWriter:
        try:
            return self._ix.writer(limitmb=limitmb, procs=1)
        except LockError as exc:
            raise IndexLockedError(
                f"The index in {self.directory} is locked: another Reviewer is indexing "
                "this data folder. Wait for it to finish, or close it, and try again."
            ) from exc

    @staticmethod
    def add(writer: IndexWriter, doc_id: int, rec: IndexRecord) -> None:
        fields = {
            "doc_id": str(doc_id),
            "path": rec.path,
            "title": rec.title,
            "body": rec.body,
            "boiler": rec.boiler,
            "facets": json.dumps(rec.entities, ensure_ascii=False, separators=(",", ":")),
        }
        if rec.date is not None:
            fields["date"] = rec.date
        for label, name in LABEL_FIELDS.items():
            values = rec.entities.get(label)
            if values:
                fields[name] = " | ".join(values)
        writer.update_document(**fields)

    @staticmethod
    def delete(writer: IndexWriter, doc_ids: Iterable[int]) -> None:
        for doc_id in doc_ids:
            writer.delete_by_term("doc_id", str(doc_id))

    def indexed_ids(self) -> set[int]:
        with self._ix.searcher() as s:
            return {int(f["doc_id"]) for f in s.all_stored_fields()}

    def close(self) -> None:
        self._ix.close()
