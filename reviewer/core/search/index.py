"""The Whoosh full-text index: a cache that can always be rebuilt from the files."""
from __future__ import annotations

import datetime as _dt
import json
import logging
import os
import re
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh import index as windex
from whoosh.analysis import SimpleAnalyzer, StemmingAnalyzer
from whoosh.analysis.filters import STOP_WORDS
from whoosh.fields import DATETIME, ID, STORED, TEXT, Schema
from whoosh.filedb.filestore import RamStorage
from whoosh.index import TOC, LockError
from whoosh.lang.porter import stem as _porter_stem
from whoosh.reading import SegmentReader
from whoosh.writing import IndexWriter, PostingPool, SegmentWriter

from reviewer.core.files import WriteError, atomic_write_text
from reviewer.core.model import LABEL_FIELDS
from reviewer.core.search.codec import CODEC, Codec  # noqa: F401 - Codec: older indexes name it here

log = logging.getLogger(__name__)

INDEX_NAME = "reviewer"
SCHEMA_VERSION = "4"  # 3: "mentions", each name as written with its count; 4: codec.py's blocks


class IndexLockedError(Exception):
    """Another process holds the index writer lock."""


class Postings(tuple[tuple[bytes, int, float, bytes], ...]):
    """A field's postings, (term bytes, freq, weight, encoded positions), computed from
    its text by the field's own analyser in a worker process (see `prepare`)."""

    __slots__ = ()


class PreTEXT(TEXT):
    """A TEXT field that also takes `Postings` made elsewhere, so tokenising and stemming
    run in the extraction workers and the single index writer only adds postings."""

    def index(self, value: Any, **kwargs: Any) -> Any:
        if isinstance(value, Postings):
            return value
        return super().index(value, **kwargs)


def make_schema() -> Schema:
    fields = {
        "doc_id": ID(stored=True, unique=True),
        "path": ID(stored=True),
        "title": TEXT(stored=True, analyzer=StemmingAnalyzer(), field_boost=2.0),
        # Boilerplate (About..., contacts, disclaimers) gets its own low-weight field so a
        # word found only there ranks below one found in the release itself.
        "body": PreTEXT(analyzer=StemmingAnalyzer()),
        "boiler": PreTEXT(analyzer=StemmingAnalyzer(), field_boost=0.2),
        "date": DATETIME(stored=True),
        # Review status lives in the store; the field exists so `status:x` parses.
        "status": ID,
        "facets": STORED,
        # Names as written with their mention counts: the library's entities across
        # releases (labels that name something; not dates or amounts).
        "mentions": STORED,
    }
    for name in LABEL_FIELDS.values():
        fields[name] = PreTEXT(analyzer=SimpleAnalyzer(), field_boost=1.5)
    return Schema(**fields)



#: Worker segments are written as separate files, not one compound file (the small
#: segments of serial scans stay compound): Whoosh 2.7.4 opens
#: a compound segment's parts through BytesIO(memoryview(mmap)), which copies the whole
#: segment into memory for every reader (a 24,676-release index: 260 MB of RSS per
#: searcher, 560 MB peak when opening the index). Plain files are read on demand.
COMPOUND = False

_schema: Schema | None = None


def entity_text(values: list[str]) -> str:
    return " | ".join(values)


# StemmingAnalyzer() (tokens \w+(\.?\w+)*, lower-cased, English stop words and tokens
# shorter than 2 removed with positions renumbered, Porter stems) done without Whoosh's
# token-object pipeline: the same postings at about a quarter of the cost. A self-check
# against the field's own analyser guards against a Whoosh upgrade changing the chain.
_TOKEN_RE = re.compile(r"\w+(?:\.?\w+)*")
_stems: dict[str, str] = {}
_fast_ok: bool | None = None
_CHECK_TEXT = ("The Company's Q3 revenues rose 12.5% to $4.2 million, as the CEO said: "
               "\"We're running, jumped and generalizations at e.g. U.S.A. 2024-05-01.\"")


def _fast_stemmed(fieldobj: Any, text: str) -> Postings:
    stems = _stems
    if len(stems) > 300_000:
        stems.clear()
    poses: dict[str, list[int]] = {}
    pos = None
    for i, m in enumerate(_TOKEN_RE.finditer(text)):
        w = m.group().lower()
        if len(w) < 2 or w in STOP_WORDS:
            continue
        pos = i if pos is None else pos + 1
        st = stems.get(w)
        if st is None:
            st = stems[w] = _porter_stem(w)
        lst = poses.get(st)
        if lst is None:
            poses[st] = [pos]
        else:
            lst.append(pos)
    fmt = fieldobj.format
    fb, encode = fmt.field_boost, fmt.encode
    return Postings((w.encode("utf-8"), len(p), float(len(p)) * fb, encode(p))
                    for w, p in poses.items())


def stemmed_postings(fieldobj: Any, text: str) -> Postings:
    """The postings `fieldobj.index(text)` gives for a StemmingAnalyzer field."""
    global _fast_ok
    if _fast_ok is None:
        _fast_ok = (sorted(_fast_stemmed(fieldobj, _CHECK_TEXT))
                    == sorted(fieldobj.index(_CHECK_TEXT)))
    if _fast_ok:
        return _fast_stemmed(fieldobj, text)
    return Postings(fieldobj.index(text))


def stemmed_query_tokens(text: str) -> list[tuple[str, int, int]]:
    """(term, start, end) as a StemmingAnalyzer yields them for highlighting
    (mode="query", removestops=False): stop words stay, unstemmed."""
    stems = _stems
    out = []
    for m in _TOKEN_RE.finditer(text):
        w = m.group().lower()
        if len(w) >= 2 and w not in STOP_WORDS:
            st = stems.get(w)
            if st is None:
                st = stems[w] = _porter_stem(w)
            w = st
        out.append((w, m.start(), m.end()))
    return out


_query_ok: dict[int, bool] = {}


def stemmed_query_tokens_ok(analyzer: Any) -> bool:
    """Whether `stemmed_query_tokens` reproduces this analyser (checked once each)."""
    ok = _query_ok.get(id(analyzer))
    if ok is None:
        want = [(t.text, t.startchar, t.endchar) for t in
                analyzer(_CHECK_TEXT, chars=True, mode="query", removestops=False)]
        ok = _query_ok[id(analyzer)] = want == stemmed_query_tokens(_CHECK_TEXT)
    return ok


def prepare(rec: IndexRecord) -> None:
    """Analyse the record's long fields into postings (in the worker process) and drop
    the raw text, which the writer then no longer needs."""
    global _schema
    if _schema is None:
        _schema = make_schema()
    post: dict[str, Postings] = {}
    for name, text in (("body", rec.body), ("boiler", rec.boiler)):
        if text:
            post[name] = stemmed_postings(_schema[name], text)
    for label, name in LABEL_FIELDS.items():
        values = rec.entities.get(label)
        if values:
            post[name] = Postings(_schema[name].index(entity_text(values)))
    rec.postings = post
    rec.body = rec.boiler = ""


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
    mentions: dict[str, dict[str, int]] = field(default_factory=dict)  # label -> text -> n
    error: str = ""
    warnings: list[str] = field(default_factory=list)
    postings: dict[str, Postings] | None = None  # set by `prepare`: replaces body/boiler
    # Its entities (see `passes.build_record`): the content key and extractor version
    # they were found for ("" version: none, text only), where they came from
    # ("pinned", "stored", "extracted"), and the pin to record for a release under
    # review that had none.
    content_key: str = ""
    entity_version: str = ""
    entity_source: str = ""
    pin: Any = None
    changed: bool = False  # the file is not the content the index holds (entity pass)


class SearchIndex:
    """Owns the Whoosh index in `directory`; one writer at a time.

    A `readonly` index belongs to a second instance of Reviewer on the same data folder:
    an index it cannot open (missing, damaged, or half-written by the writing instance)
    is replaced by an empty one in memory, never rebuilt on disk under the writer's feet.
    """

    def __init__(self, directory: str | Path, *, readonly: bool = False) -> None:
        self.directory = Path(directory)
        self.readonly = readonly
        self.rebuilt = False  # True when the index had to be created from scratch
        self._counts: tuple[list[object], dict[int, int]] | None = None
        self._mentions: tuple[list[object], dict[int, dict[str, dict[str, int]]]] | None = None
        self._ix = self._open_or_create()

    def _open_or_create(self) -> windex.Index:
        if not self.readonly:  # a read-only instance may be on a read-only disk
            self.directory.mkdir(parents=True, exist_ok=True)
        marker = self.directory / "SCHEMA"
        try:
            if (windex.exists_in(str(self.directory), indexname=INDEX_NAME)
                    and marker.exists() and marker.read_text().strip() == SCHEMA_VERSION):
                ix = windex.open_dir(str(self.directory), indexname=INDEX_NAME)
                ix.doc_count()  # touches the segment files: raises if they are damaged
                return ix
        except Exception as exc:  # noqa: BLE001 - any damage means: rebuild the cache
            log.warning("the index in %s cannot be opened (%s: %s); it is rebuilt from the "
                        "files", self.directory, type(exc).__name__, exc)
        return self._create()

    def _create(self) -> windex.Index:
        self.rebuilt = True
        log.info("new %s index in %s", "in-memory" if self.readonly else "empty",
                 self.directory)
        if self.readonly:
            return RamStorage().create_index(make_schema(), indexname=INDEX_NAME)
        shutil.rmtree(self.directory, ignore_errors=True)
        self.directory.mkdir(parents=True, exist_ok=True)
        ix = windex.create_in(str(self.directory), make_schema(), indexname=INDEX_NAME)
        (self.directory / "SCHEMA").write_text(SCHEMA_VERSION)
        return ix

    def reset(self) -> None:
        """Drop everything; the caller re-indexes from the files."""
        self._ix.close()
        self._ix = self._create()

    @property
    def ix(self) -> windex.Index:
        return self._ix

    def doc_count(self) -> int:
        return int(self._ix.doc_count())

    def writer(self, *, limitmb: int = 128, lock: bool = True) -> IndexWriter:
        try:
            return self._ix.writer(limitmb=limitmb, procs=1, codec=CODEC, _lk=lock)
        except LockError as exc:
            raise IndexLockedError(self._locked_message()) from exc

    def _locked_message(self) -> str:
        return (f"The index in {self.directory} is locked: another Reviewer is indexing "
                "this data folder. Wait for it to finish, or close it, and try again.")

    def hold_lock(self) -> Any:
        """Take the writer lock for a whole parallel scan (its per-batch writers are
        opened with `lock=False`). Raises IndexLockedError when another holds it."""
        lock = self._ix.lock("WRITELOCK")
        if not lock.acquire():
            raise IndexLockedError(self._locked_message())
        return lock

    @classmethod
    def add(cls, writer: IndexWriter, doc_id: int, rec: IndexRecord) -> None:
        """Add or replace the document `doc_id`."""
        # writer.update_document would open a new reader over every committed segment
        # for each document (quadratic over a big scan); one searcher per writer instead.
        cls.delete(writer, [doc_id])
        writer.add_document(**document_fields(doc_id, rec))

    @staticmethod
    def delete(writer: IndexWriter, doc_ids: Iterable[int]) -> None:
        s = _writer_searcher(writer)
        for doc_id in doc_ids:
            writer.delete_by_term("doc_id", str(doc_id), searcher=s)

    @staticmethod
    def commit(writer: IndexWriter, *, merge: bool = True) -> None:
        _close_writer_searcher(writer)
        writer.commit(merge=merge)

    @staticmethod
    def add_segments(writer: IndexWriter, segments: list[Any], *, clean: bool = True,
                     replace: Iterable[str] = ()) -> None:
        """Commit `writer` (its deletions) with segments finished by worker processes
        appended as they are, without merging (as Whoosh's MpWriter(multisegment=True)
        does). Segments whose ids are in `replace` leave the index: a merge wrote their
        live documents into one of `segments`. `clean=False` leaves unlisted segment
        files on disk, because workers may be writing segments a later commit adds."""
        _close_writer_searcher(writer)
        writer._check_state()
        gone = set(replace)
        final = [s for s in writer.segments if s.segment_id() not in gone]
        final += [s for s in segments if s is not None]
        writer._close_segment()
        if clean:
            writer._commit_toc(final)  # also deletes files of segments not in the TOC
            writer._finish()  # and the shared temporary folder
        else:
            TOC(writer.schema, final, writer.generation).write(writer.storage,
                                                                writer.indexname)
            # not `_finish`: it deletes "<index>.tmp", where the workers' column
            # writers keep their temporary files
            if writer.writelock:
                writer.writelock.release()
            writer.is_closed = True

    def remove_worker_temp(self) -> None:
        """Temporary folders of segment-writing workers (see `_segment_writer`); only
        while holding the writer lock, when no worker of this index is running."""
        for tmp in self.directory.glob(f"{INDEX_NAME}.*.tmp"):
            shutil.rmtree(tmp, ignore_errors=True)

    def segments(self) -> list[Any]:
        return list(self._ix._segments())

    @staticmethod
    def cancel(writer: IndexWriter) -> None:
        _close_writer_searcher(writer)
        writer.cancel()

    def entity_counts(self, cache: Path | None = None) -> dict[int, int]:
        """Distinct entities per indexed release, read from the index (no extraction).

        Reading every release's stored fields takes most of a second at 25,000 releases,
        so the counts are kept per committed index state: in memory, and in the file
        `cache` when given (a restart with an unchanged index reads one small file)."""
        key = self._state_key()
        if key is not None and self._counts is not None and self._counts[0] == key:
            return dict(self._counts[1])
        if key is not None and cache is not None:
            try:
                raw = json.loads(cache.read_text(encoding="utf-8"))
                if raw.get("key") == key:
                    out = {int(k): int(v) for k, v in raw["counts"].items()}
                    self._counts = (key, out)
                    return dict(out)
            except (OSError, ValueError, KeyError, AttributeError, TypeError):
                pass  # no cache yet, or an unreadable one: read the index
        out = self._read_entity_counts()
        if key is not None:
            self._counts = (key, out)
            if cache is not None and not self.readonly:
                try:
                    atomic_write_text(cache, json.dumps({"key": key, "counts": out}))
                except WriteError as exc:
                    log.warning("entity counts not cached: %s", exc)
        return dict(out)

    def _state_key(self) -> list[object] | None:
        """Identifies one committed state of the index: its generation and TOC file."""
        ix = self._ix
        try:
            gen = ix.latest_generation()
            toc = self.directory / f"_{ix.indexname}_{gen}.toc"
            st = toc.stat()
        except (AttributeError, OSError, ValueError):
            return None
        return [str(self.directory), gen, st.st_size, st.st_mtime_ns]

    def _read_entity_counts(self) -> dict[int, int]:
        out: dict[int, int] = {}
        with self._ix.searcher() as s:
            for stored in s.all_stored_fields():
                raw = stored.get("facets")
                try:
                    values = json.loads(raw) if raw else {}
                except ValueError:
                    values = {}
                out[int(stored["doc_id"])] = sum(len(v) for v in values.values())
        return out

    def entity_mentions(self) -> dict[int, dict[str, dict[str, int]]]:
        """Each indexed release's names as written, with their mention counts
        (doc id -> label -> name -> mentions), read from the index, kept per committed
        index state. Reads every release's stored fields: call it off the GUI thread."""
        key = self._state_key()
        if key is not None and self._mentions is not None and self._mentions[0] == key:
            return self._mentions[1]
        out: dict[int, dict[str, dict[str, int]]] = {}
        with self._ix.searcher() as s:
            for stored in s.all_stored_fields():
                raw = stored.get("mentions")
                try:
                    values = json.loads(raw) if raw else {}
                except ValueError:
                    values = {}
                if values:
                    out[int(stored["doc_id"])] = values
        if key is not None:
            self._mentions = (key, out)
        return out

    def indexed_ids(self) -> set[int]:
        with self._ix.searcher() as s:
            return {int(f["doc_id"]) for f in s.all_stored_fields()}

    def close(self) -> None:
        self._ix.close()


def document_fields(doc_id: int, rec: IndexRecord) -> dict[str, Any]:
    """The Whoosh fields of one release."""
    fields: dict[str, Any] = {
        "doc_id": str(doc_id),
        "path": rec.path,
        "title": rec.title,
        "facets": json.dumps(rec.entities, ensure_ascii=False, separators=(",", ":")),
        "mentions": json.dumps(rec.mentions, ensure_ascii=False, separators=(",", ":")),
    }
    if rec.date is not None:
        fields["date"] = rec.date
    if rec.postings is not None:
        fields.update(rec.postings)
    else:
        fields["body"], fields["boiler"] = rec.body, rec.boiler
        for label, name in LABEL_FIELDS.items():
            values = rec.entities.get(label)
            if values:
                fields[name] = entity_text(values)
    return fields


# Segments written in worker processes (`Library.scan` with workers). Each call opens a
# writer that never takes the lock (the scanning process holds it) nor commits: it
# finishes one segment under a fresh name in the index folder and returns the Segment
# object, which the scanning process adds to the TOC (`SearchIndex.add_segments`).
_worker_indexes: dict[str, windex.Index] = {}
#: Postings a worker keeps in memory before spilling sorted runs to disk. Whoosh counts
#: less than the real size; spilling and merging runs made a 1,500-release segment cost
#: 3.6 ms CPU per release instead of 2.0 (256 MB: ~90 MB more peak RSS at 2,000).
WORKER_LIMIT_MB = 256


def _segment_writer(directory: str) -> SegmentWriter:
    ix = _worker_indexes.get(directory)
    if ix is None:
        ix = _worker_indexes[directory] = windex.open_dir(directory, indexname=INDEX_NAME)
    w = SegmentWriter(ix, _lk=False, codec=CODEC, limitmb=WORKER_LIMIT_MB,
                      compound=COMPOUND)
    # Its own temporary folder: every writer's default one is "<index>.tmp", which the
    # scanning process's writers delete when they finish.
    w._tempstorage = ix.storage.temp_storage(f"{INDEX_NAME}.{os.getpid()}.tmp")
    w.pool = PostingPool(w._tempstorage, w.newsegment, limitmb=WORKER_LIMIT_MB)
    return w


def write_segment(directory: str, docs: list[tuple[int, IndexRecord]],
                  stop: Any = None) -> Any:
    """Write `docs` ((doc_id, record) with postings prepared) as one new segment; None
    when there is nothing to write or `stop` (an Event) was set meanwhile."""
    if not docs:
        return None
    w = _segment_writer(directory)
    try:
        for doc_id, rec in docs:
            if stop is not None and stop.is_set():
                w.cancel()
                return None
            w.add_document(**document_fields(doc_id, rec))
        segment = w._finalize_segment()
        w._finish()
        return segment
    except BaseException:
        if not w.is_closed:
            w.cancel()
        raise


def merge_segments(directory: str, segments: list[Any]) -> Any:
    """Write the live documents of `segments` into one new segment (in a worker)."""
    w = _segment_writer(directory)
    try:
        for seg in segments:
            reader = SegmentReader(w.storage, w.schema, seg)
            try:
                w.add_reader(reader)
            finally:
                reader.close()
        segment = w._finalize_segment()
        w._finish()
        return segment
    except BaseException:
        if not w.is_closed:
            w.cancel()
        raise


# The committed segments a writer deletes from do not change while it is open, so one
# searcher serves all of its deletions; it is closed at commit or cancel.
_SEARCHER_ATTR = "_reviewer_searcher"


def _writer_searcher(writer: IndexWriter) -> Any:
    s = getattr(writer, _SEARCHER_ATTR, None)
    if s is None:
        s = writer.searcher()
        setattr(writer, _SEARCHER_ATTR, s)
    return s


def _close_writer_searcher(writer: IndexWriter) -> None:
    s = getattr(writer, _SEARCHER_ATTR, None)
    if s is not None:
        setattr(writer, _SEARCHER_ATTR, None)
        s.close()
