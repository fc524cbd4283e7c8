"""Parallel scans: worker processes write whole index segments, the scanning process adds
them to the index, deletes replaced copies and merges when there are too many."""
from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from reviewer.core.review.workspace import Workspace
from reviewer.core.search.library import Library

N = 40


def _release(i: int, extra: str = "") -> str:
    return (f"Release number {i}\n\nHANOI, 3 June 2024 – The ministry said uniq{i}word "
            f"was announced by Nguyen Van An in Hanoi. Sharedword appears everywhere."
            f"{extra}\n")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    lib = tmp_path / "lib"
    (lib / "sub").mkdir(parents=True)
    for i in range(N):
        where = lib / "sub" if i % 2 else lib
        (where / f"release-{i:02d}.txt").write_text(_release(i), encoding="utf-8")
    (lib / "broken.docx").write_bytes(b"not a docx at all")
    return lib


@pytest.fixture
def small_batches(monkeypatch):
    # 3 releases per worker segment, a merge above 4 segments
    monkeypatch.setattr(Library, "BATCH", 3)
    monkeypatch.setattr(Library, "CHUNK_MAX", 3)
    monkeypatch.setattr(Library, "MAX_SEGMENTS", 4)


def _ids_in_index(ws: Workspace) -> list[int]:
    with ws.index.ix.searcher() as s:
        return sorted(int(f["doc_id"]) for f in s.all_stored_fields())


def _hits(ws: Workspace, query: str) -> list[str]:
    return sorted(Path(h.path).name for h in ws.searcher.search(query, limit=None).hits)


def _check_consistent(ws: Workspace, n: int) -> None:
    live = sorted(d.id for d in ws.store.documents() if not d.error)
    ids = _ids_in_index(ws)
    assert ids == live and len(ids) == n  # no duplicates, nothing lost
    assert ws.index.doc_count() == n
    assert len(_hits(ws, "sharedword")) == n
    assert len(ws.index.segments()) <= Library.MAX_SEGMENTS


def test_parallel_scan_segments_merge_updates_moves_and_deletes(
        data_dir: Path, folder: Path, small_batches) -> None:
    with Workspace(data_dir) as ws:
        ws.library.add_paths([folder])
        report = ws.library.scan(workers=2)
        assert (report.added, report.updated, report.removed) == (N, 0, 0)
        assert [Path(p).name for p, _ in report.failed] == ["broken.docx"]
        _check_consistent(ws, N)  # 14 worker segments were merged down
        assert _hits(ws, "uniq7word") == ["release-07.txt"]
        facets = ws.searcher.search("sharedword").facets
        assert sum(facets.get("PERSON", {}).values()) >= 1 or facets

        moved_id = ws.doc_id_for_path(folder / "release-04.txt")
        ws.store.add_note(moved_id, "keep me")

    # Change 10, delete 3, move 1 (same content, new place), add 2 new ones.
    for i in range(10, 20):
        p = next(folder.rglob(f"release-{i:02d}.txt"))
        p.write_text(_release(i, " Revisedword."), encoding="utf-8")
    for i in (30, 31, 32):
        next(folder.rglob(f"release-{i:02d}.txt")).unlink()
    (folder / "release-04.txt").rename(folder / "sub" / "renamed-04.txt")
    for i in (50, 51):
        (folder / f"release-{i:02d}.txt").write_text(_release(i), encoding="utf-8")

    with Workspace(data_dir) as ws:
        report = ws.library.scan(workers=2)
        assert (report.added, report.updated, report.removed, report.moved) == (2, 10, 3, 1)
        assert report.unchanged == N - 10 - 3 - 1
        n = N - 3 + 2
        _check_consistent(ws, n)
        assert len(_hits(ws, "revisedword")) == 10
        assert _hits(ws, "uniq30word") == []
        assert _hits(ws, "uniq4word") == ["renamed-04.txt"]
        assert ws.doc_id_for_path(folder / "sub" / "renamed-04.txt") == moved_id
        assert [x.text for x in ws.store.notes(moved_id)] == ["keep me"]

        # A forced re-index replaces every copy: still no duplicates.
        report = ws.library.scan(workers=2, force=True)
        assert report.updated == n
        _check_consistent(ws, n)
        # And an unchanged re-scan touches nothing.
        report = ws.library.scan(workers=2)
        assert report.unchanged == n and report.added == report.updated == 0
        _check_consistent(ws, n)


def test_parallel_scan_cancel_keeps_committed_work(data_dir: Path, folder: Path,
                                                   small_batches) -> None:
    cancel = threading.Event()

    def progress(done: int, total: int, path: str) -> None:
        if done >= 6 and ws.index.doc_count() > 0:  # once a chunk is in
            cancel.set()

    with Workspace(data_dir) as ws:
        ws.library.add_paths([folder])
        report = ws.library.scan(workers=2, progress=progress, cancel=cancel)
        assert report.cancelled
        committed = ws.index.doc_count()
        assert 0 < committed < N  # the chunks before the cancel stay
        recorded = [d for d in ws.store.documents() if d.size > 0 and not d.error]
        assert len(recorded) == committed  # the store knows exactly what the index has
        report = ws.library.scan(workers=2)
        assert not report.cancelled
        _check_consistent(ws, N)
        # no segment file is left behind that the index does not list
        used = {s.segment_id() for s in ws.index.segments()}
        files = [f.name for f in ws.index.directory.iterdir()
                 if f.name.startswith("reviewer_") and "WRITELOCK" not in f.name]
        assert files and all(f.split(".")[0] in used for f in files), (used, files)


KILLED_SCAN = r"""
import sys, time, pathlib
from reviewer.core.search.library import Library
from reviewer.core.review.workspace import Workspace

data, folder, signal_file, stage = sys.argv[1:5]
Library.BATCH = Library.CHUNK_MAX = 3
ws = Workspace(data)
ws.library.add_paths([folder])
ready = pathlib.Path(signal_file)

def progress(done, total, path):
    if stage == "mid-chunk" and done == 7:   # two chunks committed, the third is not
        ready.touch()
        time.sleep(120)

calls = []
real_finish = ws.store.finish_documents

def finish(rows):
    calls.append(rows)
    if stage == "after-index-commit" and len(calls) == 2:
        ready.touch()     # the index has this chunk; the store does not know it yet
        time.sleep(120)
    real_finish(rows)

ws.store.finish_documents = finish
ws.library.scan(progress=progress, workers=2)
print("finished without being killed")
"""


@pytest.mark.parametrize("stage", ["mid-chunk", "after-index-commit"])
def test_parallel_scan_killed_is_consistent_after_the_next_scan(
        stage: str, data_dir: Path, folder: Path, tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    root = Path(__file__).resolve().parents[2]
    ready = tmp_path / "ready"
    proc = subprocess.Popen([sys.executable, "-c", KILLED_SCAN, str(data_dir), str(folder),
                             str(ready), stage], cwd=root,
                            env={**os.environ, "PYTHONPATH": str(root)},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not ready.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the scan never reached the kill point"
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    with Workspace(data_dir) as ws:
        report = ws.library.scan(workers=2)
        assert [Path(p).name for p, _ in report.failed] == ["broken.docx"]
        live = {d.id for d in ws.store.documents() if not d.error}
        assert ws.index.indexed_ids() == live and len(live) == N
        assert ws.index.doc_count() == N  # no duplicates
        for i in (0, 7, 13, 39):
            assert _hits(ws, f"uniq{i}word") == [f"release-{i:02d}.txt"]
        for d in ws.store.documents():
            if not d.error:
                st = Path(d.path).stat()
                assert (d.size, d.mtime_ns) == (st.st_size, st.st_mtime_ns)
        assert ws.library.scan(workers=2).unchanged == N  # and it stays settled


def test_parallel_scan_reports_every_release_before_its_chunk_is_committed(
        data_dir: Path, folder: Path, tmp_path: Path, monkeypatch) -> None:
    """Progress moves with every release a worker finishes, not with every chunk (a chunk
    of a big library takes minutes): a worker holds its 10th release until the scan
    has reported the 5th."""
    import multiprocessing

    from reviewer.core.search import passes

    monkeypatch.setattr(Library, "CHUNK_MAX", 20)  # one chunk per worker
    monkeypatch.setattr(Library, "BATCH", 40)
    reported, held = tmp_path / "reported-5", tmp_path / "held"
    real_process = passes.process
    fork = multiprocessing.get_context("fork")  # the workers inherit the patch below
    monkeypatch.setattr(multiprocessing, "get_context", lambda *a: fork)

    def process(job, ctx):  # in the workers
        if job.path.endswith(("release-18.txt", "release-19.txt")):
            deadline = time.monotonic() + 30
            while not reported.exists() and time.monotonic() < deadline:
                time.sleep(0.01)
            held.write_text("saw it" if reported.exists() else "gave up")
        return real_process(job, ctx)

    monkeypatch.setattr(passes, "process", process)
    seen: list[int] = []

    def progress(done: int, total: int, path: str) -> None:
        seen.append(done)
        if done == 5:
            reported.touch()

    with Workspace(data_dir) as ws:
        ws.library.add_paths([folder])
        report = ws.library.scan(workers=2, progress=progress, entities=False)
    assert report.added == N
    assert held.read_text() == "saw it"
    assert seen == list(range(1, N + 2))  # every file once, in order
