"""Measured sections, each run in its own process: `python -m benchmarks.child SECTION JSON`.

The last line printed is a JSON object with the figures; peak memory is this process's
VmHWM (and, for indexing, the largest worker's ru_maxrss).
"""
from __future__ import annotations

import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path


def vm_hwm_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def children_max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def children_cpu_s() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def section_index(args: dict) -> dict:
    """The text pass, then the entity pass (as `reviewer index` runs them), then a re-scan
    unchanged, then incremental scans after touching 1% and after editing 1%."""
    from reviewer.core.review.workspace import Workspace

    folder, data = args["folder"], args["data_dir"]
    out: dict = {}
    with Workspace(data) as ws:
        ws.library.add_paths([folder])
        t0, c0, k0 = time.perf_counter(), time.process_time(), children_cpu_s()
        rep = ws.library.scan(entities=False)
        out["index_s"] = time.perf_counter() - t0
        out["index_cpu_s"] = time.process_time() - c0  # the scanning process
        out["workers_cpu_s"] = children_cpu_s() - k0  # the pool's workers (reaped at its end)
        out["indexed"] = rep.added + rep.updated
        out["failed"] = len(rep.failed)
        out["docs"] = ws.index.doc_count()
        out["segments"] = len(ws.index.ix._segments())
        out["text_rss_mb"] = vm_hwm_mb()
        # The entity pass over every release, or over a sample of them (the first
        # `entity_sample` in library order and the largest, which the GUI section opens).
        sample = args.get("entity_sample") or 0
        only = None
        if sample:
            docs = [d for d in ws.store.documents() if not d.error]
            only = sorted({d.id for d in docs[:sample]}
                          | {max(docs, key=lambda d: d.size).id})
        t0, c0, k0 = time.perf_counter(), time.process_time(), children_cpu_s()
        ent = ws.library.fill_entities(only=only)
        out["entities_s"] = time.perf_counter() - t0
        out["entities_cpu_s"] = time.process_time() - c0
        out["entities_workers_cpu_s"] = children_cpu_s() - k0
        out["entities_n"] = ent.done
        out["entities_extracted"] = ent.extracted
        out["entities_segments"] = len(ws.index.ix._segments())
        out["entities_pending"] = ws.library.pending_entities()
    out["index_rss_mb"] = vm_hwm_mb()
    out["worker_rss_mb"] = children_max_rss_mb()
    with Workspace(data) as ws:
        t0 = time.perf_counter()
        rep = ws.library.scan(entities=not sample)
        out["rescan_s"] = time.perf_counter() - t0
        out["rescan_unchanged"] = rep.unchanged
    files = sorted(str(p) for p in Path(folder).rglob("*.md"))
    step = 100
    touched = files[::step]
    now = time.time()
    for p in touched:
        os.utime(p, (now + 10, now + 10))
    with Workspace(data) as ws:
        t0 = time.perf_counter()
        rep = ws.library.scan(entities=not sample)
        out["incremental_s"] = time.perf_counter() - t0
        out["incremental_n"] = rep.updated + rep.added
    edited = files[1::step]
    for p in edited:  # an edit: new text, so its entities are extracted again
        with open(p, "a", encoding="utf-8") as f:
            f.write("\nUpdated by the Reviewer benchmark on 2 December 2026.\n")
    with Workspace(data) as ws:
        t0 = time.perf_counter()
        rep = ws.library.scan(entities=False)
        out["edited_text_s"] = time.perf_counter() - t0
        edited_ids = ([i for i in map(ws.doc_id_for_path, edited) if i is not None]
                      if sample else None)
        t0 = time.perf_counter()
        ent = ws.library.fill_entities(only=edited_ids)
        out["edited_entities_s"] = time.perf_counter() - t0
        out["edited_n"] = rep.updated
        out["edited_extracted"] = ent.extracted
    return out


def section_floor(args: dict) -> dict:
    """Bare Whoosh: one stemmed TEXT field, default writer, one commit."""
    from whoosh import index as windex
    from whoosh.analysis import StemmingAnalyzer
    from whoosh.fields import TEXT, Schema

    files = sorted(Path(args["folder"]).rglob("*.md"))
    ix_dir = Path(args["data_dir"])
    ix_dir.mkdir(parents=True, exist_ok=True)
    t0, c0 = time.perf_counter(), time.process_time()
    ix = windex.create_in(str(ix_dir), Schema(content=TEXT(analyzer=StemmingAnalyzer())))
    w = ix.writer()
    for p in files:
        w.add_document(content=p.read_text("utf-8", "replace"))
    w.commit()
    return {"floor_s": time.perf_counter() - t0, "floor_cpu_s": time.process_time() - c0,
            "docs": len(files), "rss_mb": vm_hwm_mb()}


def section_extract(args: dict) -> dict:
    """Load + structure, the expensive extraction (rules and the learned model), and what
    opening a stored release costs instead (read back + the reviewer's lexicon), one
    process."""
    from reviewer.core.analysis import base_entities, finish_base
    from reviewer.core.documents import loaders
    from reviewer.core.entity_cache import EntityCache
    from reviewer.core.extract import extract

    files = sorted(Path(args["folder"]).rglob("*.md"))[: args.get("sample", 2000)]
    docs = [loaders.load(p) for p in files[:5]]
    for d in docs:
        extract(d.text, d.structure)
    t0 = time.perf_counter()
    for p in files:
        loaders.load(p)
    t_load = time.perf_counter() - t0
    docs = [loaders.load(p) for p in files]
    cache = EntityCache(Path(args["cache_dir"]) / "entities.sqlite3")
    t0, c0 = time.perf_counter(), time.process_time()
    for d in docs:
        base_entities(d, cache)  # extracted and stored
    t_ext, c_ext = time.perf_counter() - t0, time.process_time() - c0
    t0, c0 = time.perf_counter(), time.process_time()
    for d in docs:
        base = base_entities(d, cache, extract_missing=False)  # read back
        assert base is not None
        finish_base(base)
    t_stored, c_stored = time.perf_counter() - t0, time.process_time() - c0
    cache.close()
    return {"n": len(files), "load_s": t_load, "extract_s": t_ext, "stored_s": t_stored,
            "extract_cpu_s": c_ext, "stored_cpu_s": c_stored}


def _set_some_statuses(ws) -> None:
    docs = ws.store.documents()
    for i, d in enumerate(docs[::25]):
        ws.store.set_status(d.id, "reviewed" if i % 2 else "in progress")


def _pct(values: list[float], q: float) -> float:
    xs = sorted(values)
    return xs[max(0, round(q * len(xs)) - 1)]


def _figures(ms: list[float]) -> dict:
    return {"p50": statistics.median(ms), "p95": _pct(ms, 0.95), "max": max(ms)}


def section_search(args: dict) -> dict:
    """Each query three ways, one after the other on the same index: the bare-Whoosh
    floor (Whoosh's searcher and BM25F, the top 20, no facets, no highlights), Reviewer's
    first screen (the top 20 ranked, exact total, highlights for the hits on screen) and
    Reviewer complete (+ facet values shown and review statuses over every match).
    Wall-clock and CPU time (this thread) per query; the first query of a fresh start
    without and with the start-up warm-up."""
    from benchmarks.queries import QUERIES
    from reviewer.core.review.workspace import Workspace
    from reviewer.core.search.searcher import SCREEN
    from reviewer.ui.item_models import FacetModel

    top = FacetModel.TOP_VALUES
    data = args["data_dir"]
    with Workspace(data) as ws:
        # An index written by an older Reviewer is rebuilt empty on opening: measuring it
        # would time queries that match nothing.
        listed = len([d for d in ws.store.documents() if not d.missing and d.size > 0])
        if ws.index.doc_count() < listed:
            raise RuntimeError(f"the index in {data} holds {ws.index.doc_count()} of "
                               f"{listed} releases: run `reviewer index FOLDER --data-dir "
                               f"{data}` first")
        _set_some_statuses(ws)
    out: dict = {"screen": SCREEN, "facet_top": top}
    with Workspace(data) as ws:  # a fresh start: nothing read yet
        t0 = time.perf_counter()
        run = ws.searcher.start(QUERIES[0])
        run.finish(run.first_screen(20), top=top)
        out["first_cold_ms"] = (time.perf_counter() - t0) * 1000
    with Workspace(data) as ws:  # a fresh start, warmed as the window does after showing
        t0 = time.perf_counter()
        ws.searcher.warm_up()
        out["warm_up_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        run = ws.searcher.start(QUERIES[0])
        run.finish(run.first_screen(20), top=top)
        out["first_ms"] = (time.perf_counter() - t0) * 1000
        bare = ws.index.ix.searcher()  # Whoosh's own searcher and weighting
        wall: dict[str, list[float]] = {"floor": [], "first": [], "complete": []}
        cpu: dict[str, list[float]] = {"floor": [], "first": [], "complete": []}
        rows, errors, totals = [], [], []
        clock = time.thread_time
        for q in QUERIES:
            try:
                pq = ws.searcher.parse(q)  # statuses as document-id terms
                t0, c0 = time.perf_counter(), clock()
                bare.search(pq, limit=20)
                f, fc = time.perf_counter() - t0, clock() - c0
                t0, c0 = time.perf_counter(), clock()
                run = ws.searcher.start(q)
                result = run.first_screen(20)
                a, ac = time.perf_counter() - t0, clock() - c0
                run.finish(result, top=top)
                b, bc = time.perf_counter() - t0, clock() - c0
            except Exception as exc:  # noqa: BLE001 - reported, not fatal
                errors.append(f"{q}: {exc}")
                continue
            totals.append(result.total)
            for key, w, c in (("floor", f, fc), ("first", a, ac), ("complete", b, bc)):
                wall[key].append(w * 1000)
                cpu[key].append(c * 1000)
            rows.append((round(b * 1000, 1), round(a * 1000, 1), round(f * 1000, 1), q,
                         result.total))
        bare.close()
    out.update({"n": len(rows), "errors": errors,
                "wall": {k: _figures(v) for k, v in wall.items()},
                "cpu": {k: _figures(v) for k, v in cpu.items()},
                "slowest": sorted(rows, reverse=True)[:6],
                "mean_total": statistics.mean(totals) if totals else 0})
    return out


def section_gui_open(args: dict) -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from reviewer.ui.app import create_main_window

    app = QApplication.instance() or QApplication([])
    window = create_main_window(args["data_dir"], start_scan=False)
    window.show()
    app.processEvents()
    # The window fills the library's counts and facets, its file watcher and the
    # extractor warm-up after its first paint; the opens are timed once that is done.
    t_settle = time.perf_counter()
    while not (window.settled() and window._warm_task is not None) \
            and time.perf_counter() - t_settle < 60:
        app.processEvents()
        time.sleep(0.005)
    settle_s = time.perf_counter() - t_settle
    docs = [d for d in window.ws.store.documents() if not d.error]
    largest = max(docs, key=lambda d: d.size)
    window.presenter.query = args.get("query", "revenue OR company OR million")

    def open_and_wait(doc_id: int) -> None:
        # A release loads on a worker; `documentShown` comes once its text is set.
        shown: list[int] = []
        window.documentShown.connect(shown.append)
        window.open_document(doc_id)
        while doc_id not in shown:
            app.processEvents()
            time.sleep(0.0005)
        window.documentShown.disconnect(shown.append)

    times, times_all, cpus = [], [], []
    for _ in range(3):
        window.controller.session = None  # a fresh open each time, not a refresh
        t0, c0 = time.perf_counter(), time.process_time()
        open_and_wait(largest.id)
        # Shown: the text with its entity highlights painted (search hits, alias proposals
        # and the summary follow on the next event-loop turn, timed as "all").
        window.doc_pane.viewport().repaint()
        times.append(time.perf_counter() - t0)
        # the CPU time of the process (GUI thread and loading worker) over the same span:
        # what the open costs whatever else the machine runs
        cpus.append(time.process_time() - c0)
        app.processEvents()
        times_all.append(time.perf_counter() - t0)
    hits = len(window.doc_pane.hits)
    source, key = window.session.base.source, window.session.base.key
    # The same release without stored entities: extracted on the loading worker.
    import sqlite3

    db = sqlite3.connect(window.ws.entity_cache.path)
    db.execute("DELETE FROM entities WHERE key = ?", (key,))
    db.commit()
    db.close()
    window.controller.session = None
    t0, c0 = time.perf_counter(), time.process_time()
    open_and_wait(largest.id)
    window.doc_pane.viewport().repaint()
    miss, miss_cpu = time.perf_counter() - t0, time.process_time() - c0
    miss_source = window.session.base.source
    # open the first few releases as a reviewer would, then read the high-water mark
    for d in docs[:20]:
        open_and_wait(d.id)
        app.processEvents()
    rss = vm_hwm_mb()
    window.close()
    return {"open_ms": times[0] * 1000, "open_warm_ms": min(times) * 1000,
            "open_all_ms": times_all[0] * 1000, "open_all_warm_ms": min(times_all) * 1000,
            "cpu_ms": cpus[0] * 1000, "cpu_warm_ms": min(cpus) * 1000,
            "source": source, "miss_ms": miss * 1000, "miss_source": miss_source,
            "miss_cpu_ms": miss_cpu * 1000,
            "settle_s": settle_s,
            "largest_kb": largest.size / 1024, "hits": hits, "gui_rss_mb": rss}


def section_gui_start(args: dict) -> dict:
    """Run in a fresh interpreter; the caller times from spawn to the first shown window."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from reviewer.ui.app import create_main_window

    app = QApplication.instance() or QApplication([])
    window = create_main_window(args["data_dir"])
    window.show()

    def shown() -> None:
        print(json.dumps({"shown_at": time.time(), "rss_mb": vm_hwm_mb()}), flush=True)
        os._exit(0)  # a background scan may be running; the figure is taken

    QTimer.singleShot(0, shown)
    app.exec()
    return {}


def section_memo(args: dict) -> dict:
    from reviewer.core.export import export_memo
    from reviewer.core.review.workspace import Workspace

    with Workspace(args["data_dir"]) as ws:
        ids = [d.id for d in ws.store.documents() if not d.error][: args.get("n", 100)]
        t0 = time.perf_counter()
        path = export_memo(ws, ids, Path(args["out"]), title="Benchmark", author="bench")
        dt = time.perf_counter() - t0
    return {"memo_s": dt, "n": len(ids), "kb": path.stat().st_size / 1024,
            "rss_mb": vm_hwm_mb()}


def main() -> int:
    name, raw = sys.argv[1], sys.argv[2]
    result = globals()[f"section_{name}"](json.loads(raw))
    print(json.dumps(result), flush=True)
    sys.stderr.flush()
    os._exit(0)  # PySide6 can crash while the interpreter finalises; the figures are out


if __name__ == "__main__":
    sys.exit(main())
