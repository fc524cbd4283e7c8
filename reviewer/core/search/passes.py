"""The work of the library's two passes over releases, in worker processes or in the
scanning process: read a file, load it, take its entities, prepare its index postings.

- The text pass (`Library.scan`) indexes what every release says (title, body, date)
  and takes entities only where they are already known: stored for the current
  extractor version, or pinned for a release under review. It is fast, so a library is
  searchable at once.
- The entity pass (`Library.fill_entities`) extracts the entities of every release the
  index holds without them (or with an older extractor version's), stores them, and
  indexes the release again with its entity fields and facets.

Parallel passes hand chunks of jobs to a process pool (`run_chunks`); each worker writes
one index segment per chunk, and counts the files it has finished in a shared counter,
so progress moves with every file, not with every chunk.
"""
from __future__ import annotations

import hashlib
import logging
import math
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from reviewer.core.analysis import base_entities, extraction_text, finish_base
from reviewer.core.corrections import apply_corrections
from reviewer.core.documents import loaders
from reviewer.core.documents.dates import iso_to_datetime
from reviewer.core.entity_cache import EntityCache
from reviewer.core.extract import taught
from reviewer.core.extract.lexicon import Lexicon
from reviewer.core.model import BOILERPLATE, NAMED_LABELS, Correction
from reviewer.core.search.index import IndexRecord, prepare, write_segment
from reviewer.core.store import EntityPin

Progress = Callable[[int, int, str], None]  # (done, total, current path or "")

log = logging.getLogger(__name__)
_T = TypeVar("_T")


class Cancelled(Exception):
    """Raised inside a pass when the user cancelled; committed batches stay."""


def file_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(slots=True)
class Job:
    """One release for a pass."""

    path: str
    doc_id: int = 0  # 0: not known yet (a serial text pass assigns it afterwards)
    sha256: str = ""  # the entity pass: the content the index holds ("" = any)
    pin: EntityPin | None = None  # the entities it is pinned to, under review
    review: bool = False  # in progress or reviewed: its entities are pinned


@dataclass(slots=True)
class PassSetup:
    """What every process of one pass needs (sent once to each worker)."""

    lexicon: Lexicon | None
    cache_path: str = ""  # the entity cache; "" for none
    extract: bool = False  # extract what is neither stored nor pinned (the entity pass)
    stop: Any = None  # a multiprocessing Event: the pass was cancelled
    done: Any = None  # a multiprocessing Value: files finished, for progress
    parent: int = 0  # the scanning process's id
    model: str = ""  # the reviewer's taught extractor version (a folder); "": the shipped
    #: each release's own (document-scope) corrections, by document id: the index holds
    #: the release as the reviewer sees it
    corrections: dict[int, list[Correction]] = field(default_factory=dict)


class PassContext:
    """One process's side of a pass: its setup and its connection to the entity cache."""

    def __init__(self, setup: PassSetup, cache: EntityCache | None = None) -> None:
        self.setup = setup
        self.cache = cache
        self.model = taught.load(setup.model)
        if cache is None and setup.cache_path:
            # a worker never starts the file anew: the scanning process owns that
            self.cache = EntityCache(setup.cache_path, reset_damaged=False)

    def finished_one(self) -> None:
        counter = self.setup.done
        if counter is not None:
            with counter.get_lock():
                counter.value += 1

    def close(self) -> None:
        if self.cache is not None:
            self.cache.close()


def build_record(job: Job, data: bytes, size: int, mtime_ns: int,
                 ctx: PassContext) -> IndexRecord:
    """Load and structure one file into an IndexRecord, with its entities when they are
    pinned or stored, or (entity pass) extracted now. Never raises for a bad file: the
    reason goes into `error` so the rest of the library still indexes."""
    path = job.path
    rec = IndexRecord(path=path, sha256=file_digest(data), size=size, mtime_ns=mtime_ns)
    try:
        doc = loaders.load_bytes(data, path)
    except loaders.LoadError as exc:
        rec.error = str(exc)
        return rec
    rec.warnings = list(doc.warnings)
    text, st = doc.text, doc.structure
    rec.title = doc.title or Path(path).stem
    body: list[str] = []
    boiler: list[str] = []
    for block in st.blocks:
        (boiler if block.kind == BOILERPLATE else body).append(text[block.start:block.end])
    if not st.blocks:
        body.append(text)
    rec.body, rec.boiler = "\n".join(body), "\n".join(boiler)
    if st.dateline and st.dateline.iso:
        rec.date = iso_to_datetime(st.dateline.iso)
    limited = extraction_text(text)[1]
    if limited:
        rec.warnings.append(limited)
    base = base_entities(doc, ctx.cache, job.pin if job.review else None,
                         extract_missing=ctx.setup.extract, model=ctx.model)
    if base is None:
        return rec  # text only: the entity pass fills the entities in
    rec.content_key, rec.entity_version, rec.entity_source = base.key, base.version, base.source
    if job.review and base.source != "pinned":
        rec.pin = base.pin()  # the first entities seen under review (or its text changed)
    values: dict[str, list[str]] = {}
    entities = finish_base(base, ctx.setup.lexicon).entities
    own = ctx.setup.corrections.get(job.doc_id)
    if own:
        entities, _ = apply_corrections(base.text, entities, own)
    mentions: dict[str, dict[str, int]] = {}
    for ent in entities:
        name = ent.canonical or ent.text
        bucket = values.setdefault(ent.label, [])
        if name not in bucket:
            bucket.append(name)
        if ent.label in NAMED_LABELS:
            written = mentions.setdefault(ent.label, {})
            written[ent.text] = written.get(ent.text, 0) + 1
    rec.entities, rec.mentions = values, mentions
    return rec


def process(job: Job, ctx: PassContext) -> IndexRecord:
    """Read, load and analyse one file (in a worker or in the scanning process)."""
    # stat before reading: if the file is rewritten in between, the stored mtime is the
    # older one and the next scan picks the new content up.
    path = job.path
    try:
        st = os.stat(path)
        data = loaders.read_bytes(Path(path))
    except FileNotFoundError:
        return IndexRecord(path, "", 0, 0, error="file vanished before it could be read")
    except loaders.LoadError as exc:
        return IndexRecord(path, "", 0, 0, error=str(exc))
    except OSError as exc:
        return IndexRecord(path, "", 0, 0, error=f"cannot read file: {exc.strerror or exc}")
    if job.sha256 and file_digest(data) != job.sha256:
        # changed since the text pass indexed it: the next scan indexes the new text
        return IndexRecord(path, "", 0, 0, error="changed since it was indexed", changed=True)
    rec = build_record(job, data, st.st_size, st.st_mtime_ns, ctx)
    if not rec.error:
        prepare(rec)  # tokenising and stemming here, in the worker, not in the writer
    return rec


# -- worker processes -------------------------------------------------------------------

_context: PassContext | None = None


def _init_worker(setup: PassSetup) -> None:
    global _context
    # Ctrl+C in a terminal reaches every process of the group: the scanning process
    # stops the pass (`run_chunks`); a worker finishes its file and is told to stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _context = PassContext(setup)
    # The scanning process's id comes from it: read here, after a start-up of a second
    # or more, it could already be the id of whatever adopted an orphaned worker.
    threading.Thread(target=_exit_with_parent, args=(setup.parent or os.getppid(),),
                     daemon=True).start()


def _exit_with_parent(parent: int) -> None:
    # A pool worker blocks on its job queue forever if the scanning process is killed;
    # it goes too (a segment it was writing is an orphan file the next commit deletes).
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def _index_chunk(directory: str, jobs: list[Job]) -> tuple[Any, list[IndexRecord] | None]:
    """In a worker: process the files of `jobs` and write the loadable ones as one new
    index segment. Returns (segment, records without their postings), or (None, None)
    when the pass was cancelled meanwhile."""
    ctx = _context
    assert ctx is not None, "not a pass worker"
    stop = ctx.setup.stop
    recs: list[IndexRecord] = []
    docs: list[tuple[int, IndexRecord]] = []
    for job in jobs:
        if stop is not None and stop.is_set():
            return None, None
        rec = process(job, ctx)
        recs.append(rec)
        if not rec.error:
            docs.append((job.doc_id, rec))
        ctx.finished_one()
    segment = write_segment(directory, docs, stop)
    if segment is None and docs:
        return None, None
    for rec in recs:  # the scanning process needs none of this: a lighter trip back
        rec.postings, rec.entities, rec.mentions = None, {}, {}
    return segment, recs


def run_chunks(*, directory: str, setup: PassSetup, workers: int, total: int,
               next_chunk: Callable[[int], list[Job] | None],
               on_chunk: Callable[[list[Job], Any, list[IndexRecord], ProcessPoolExecutor],
                                  None],
               finish: Callable[[ProcessPoolExecutor], None],
               progress: Progress | None, cancel: threading.Event | None) -> bool:
    """Run a pass in a pool of `workers` processes: `next_chunk(left)` gives the next jobs
    (None: no more), `on_chunk` commits each finished chunk (in the order chunks finish),
    `finish` runs once all are done (not after a cancel). Progress is reported for every
    file a worker finishes. Returns True when the pass was cancelled. Ctrl+C (a
    KeyboardInterrupt here) stops the workers at their next file, like a cancel, and is
    raised again once they are done."""
    mp = multiprocessing.get_context()
    setup.stop, setup.done, setup.parent = mp.Event(), mp.Value("q", 0), os.getpid()
    reported = 0
    cancelled = interrupted = False

    def tick() -> None:
        nonlocal reported
        if progress is None:
            return
        now = min(total, int(setup.done.value))
        while reported < now:  # every count once, in order
            reported += 1
            progress(reported, total, "")

    with ProcessPoolExecutor(max_workers=workers, mp_context=mp, initializer=_init_worker,
                             initargs=(setup,)) as pool:
        inflight: dict[Future[tuple[Any, list[IndexRecord] | None]], list[Job]] = {}
        sent = 0

        def submit() -> None:
            nonlocal sent
            jobs = next_chunk(total - sent)
            if jobs:
                sent += len(jobs)
                inflight[pool.submit(_index_chunk, directory, jobs)] = jobs

        try:
            for _ in range(workers + 1):
                submit()
            while inflight:
                # in the order they finish: a worker done with a small chunk gets the
                # next one while the other is still on a big one
                fut = _next_done(inflight, cancel, tick)
                jobs = inflight.pop(fut)
                segment, recs = fut.result()
                if recs is None or (cancel is not None and cancel.is_set()):
                    raise Cancelled
                submit()
                on_chunk(jobs, segment, recs, pool)
                tick()
        except (Cancelled, KeyboardInterrupt) as exc:
            cancelled = True
            interrupted = isinstance(exc, KeyboardInterrupt)
            setup.stop.set()  # running chunks stop at their next file
            for fut in inflight:
                fut.cancel()
        if not cancelled:
            finish(pool)
            tick()
    if interrupted:
        raise KeyboardInterrupt
    return cancelled


def chunk_size(left: int, total: int, workers: int, smallest: int, largest: int) -> int:
    """Guided chunk sizes: big chunks first (few segments), small ones at the end (every
    worker stays busy until the last file), no small remainder."""
    min_size = max(1, min(smallest, math.ceil(total / workers)))
    size = min(largest, max(min_size, math.ceil(left / (workers * 2))))
    if left - size < min_size:
        size = left
    return size


def _next_done(futures: Iterable[Future[_T]], cancel: threading.Event | None,
               tick: Callable[[], None]) -> Future[_T]:
    while True:
        done, _ = wait(futures, timeout=0.1, return_when=FIRST_COMPLETED)
        if done:
            return next(iter(done))
        tick()
        if cancel is not None and cancel.is_set():
            raise Cancelled
