"""The process killed with SIGKILL mid-indexing and mid-correction: at the next start every
confirmed correction is there and the index is consistent with the files."""
from __future__ import annotations

import os
import signal
import sqlite3
from pathlib import Path

import pytest
from rel_helpers import start_script, wait_for

from reviewer.core.model import Correction
from reviewer.core.review.workspace import Workspace

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")

N_FILES = 24

INDEXER = r"""
import sys, time, pathlib
from reviewer.core.search.library import Library
from reviewer.core.review.workspace import Workspace

data, folder, signal_file, stage = sys.argv[1:5]
Library.BATCH = 5
ws = Workspace(data)
ws.library.add_paths([folder])
ready = pathlib.Path(signal_file)

def progress(done, total, path):
    if stage == "mid-batch" and done == 13:   # two batches committed, three files pending
        ready.touch()
        time.sleep(120)

calls = []
real_finish = ws.store.finish_documents

def finish(rows):
    calls.append(rows)
    if stage == "after-index-commit" and len(calls) == 2:
        ready.touch()     # the index has this batch; the store does not know it yet
        time.sleep(120)
    real_finish(rows)

ws.store.finish_documents = finish
ws.library.scan(progress=progress, workers=0)
print("finished without being killed")
"""

CORRECTOR = r"""
import sys, pathlib
from reviewer.core.model import Correction
from reviewer.core.review.workspace import Workspace

data, doc_id, signal_file = sys.argv[1], int(sys.argv[2]), sys.argv[3]
ws = Workspace(data)
i = 0
while True:
    c = Correction("add", 0, 5, "ORG", f"c{i}", doc_id=doc_id, before="b", after="a")
    cid = ws.store.add_correction(c)
    print(f"correction {cid}", flush=True)   # confirmed: committed before this line
    nid = ws.store.add_note(doc_id, f"note {i}")
    print(f"note {nid}", flush=True)
    i += 1
    if i == 30:
        pathlib.Path(signal_file).touch()
"""


def make_releases(folder: Path, n: int = N_FILES) -> None:
    folder.mkdir(exist_ok=True)
    for i in range(n):
        (folder / f"release-{i:02d}.txt").write_text(
            f"Release number {i}\n\nHANOI, 3 June 2024 – The ministry said uniq{i}word "
            f"was announced by Nguyen Van An in Hanoi.\n", encoding="utf-8")


def kill(proc) -> str:
    proc.send_signal(signal.SIGKILL)
    out, _err = proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    return out


def assert_index_consistent(ws: Workspace, folder: Path) -> None:
    live = {d.id for d in ws.store.documents() if not d.error}
    assert ws.index.indexed_ids() == live
    assert ws.index.doc_count() == len(live) == len(list(folder.glob("*.txt")))
    for i in range(N_FILES):
        hits = ws.searcher.search(f"uniq{i}word").hits
        assert [Path(h.path).name for h in hits] == [f"release-{i:02d}.txt"]
    for d in ws.store.documents():
        st = Path(d.path).stat()
        assert (d.size, d.mtime_ns) == (st.st_size, st.st_mtime_ns)


@pytest.mark.parametrize("stage", ["mid-batch", "after-index-commit"])
def test_kill_during_indexing(stage: str, data_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "releases"
    make_releases(folder, 6)
    with Workspace(data_dir) as ws:  # an existing library with review work in it
        ws.library.add_paths([folder])
        ws.library.scan()
        doc_id = ws.doc_id_for_path(folder / "release-00.txt")
        cid = ws.store.add_correction(Correction("add", 0, 7, "ORG", "Release", doc_id=doc_id))
        nid = ws.store.add_note(doc_id, "checked with the ministry")
    make_releases(folder)  # 18 new files, and the first 6 rewritten with the same text
    for p in folder.glob("release-0[0-5].txt"):
        os.utime(p, ns=(p.stat().st_atime_ns, p.stat().st_mtime_ns + 10_000_000_000))

    signal_file = tmp_path / "ready"
    proc = start_script(INDEXER, str(data_dir), str(folder), str(signal_file), stage)
    wait_for(signal_file, proc)
    kill(proc)

    with Workspace(data_dir) as ws:
        assert [c.id for c in ws.store.corrections(doc_id)] == [cid]
        assert ws.store.note(nid).text == "checked with the ministry"
        report = ws.library.scan()
        assert report.failed == []
        assert_index_consistent(ws, folder)
        assert ws.library.scan().unchanged == N_FILES  # and it stays settled


def test_kill_during_corrections_keeps_every_confirmed_one(data_dir: Path,
                                                           samples: Path,
                                                           tmp_path: Path) -> None:
    with Workspace(data_dir) as ws:
        ws.library.add_paths([samples])
        ws.library.scan()
        doc_id = ws.doc_id_for_path(samples / "000_f7c1be859b819757.txt")
    confirmed_c: set[int] = set()
    confirmed_n: set[int] = set()
    for attempt in range(2):
        signal_file = tmp_path / f"ready-{attempt}"
        proc = start_script(CORRECTOR, str(data_dir), str(doc_id), str(signal_file))
        wait_for(signal_file, proc)
        out = kill(proc)
        confirmed_c |= {int(line.split()[1]) for line in out.splitlines()
                        if line.startswith("correction ")}
        confirmed_n |= {int(line.split()[1]) for line in out.splitlines()
                        if line.startswith("note ")}
        assert len(confirmed_c) >= 30 * (attempt + 1)
        db = sqlite3.connect(data_dir / "review.sqlite3")
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        db.close()
        with Workspace(data_dir) as ws:  # the next start
            assert not ws.readonly
            stored_c = {c.id for c in ws.store.corrections(doc_id)}
            stored_n = {n.id for n in ws.store.notes(doc_id)}
            assert confirmed_c <= stored_c
            assert confirmed_n <= stored_n
            # At most the one write in flight at the kill may be there unconfirmed.
            assert len(stored_c - confirmed_c) + len(stored_n - confirmed_n) <= attempt * 2 + 1
            assert ws.index.doc_count() == 5


LABELLER = r"""
import sys, time
from PySide6.QtWidgets import QApplication
from reviewer.core.review.workspace import Workspace
from reviewer.ui.controller import ReviewController
from reviewer.ui.workers import worker_pool

app = QApplication([])
ws = Workspace(sys.argv[1])
ctl = ReviewController(ws, worker_pool())
ctl.open(int(sys.argv[2]))
while ctl.view is None:
    app.processEvents()
text = ctl.view.document.text
s = text.index("Senior Officials")
ctl.label_span(s, s + len("Senior Officials"), "EVENT")   # as the label key does
print("confirmed", flush=True)
time.sleep(120)   # the window would re-index 0.6 s later: killed before
"""


def test_kill_right_after_a_correction_reindexes_at_next_start(data_dir: Path,
                                                               samples: Path) -> None:
    with Workspace(data_dir) as ws:
        ws.library.add_paths([samples])
        ws.library.scan()
        doc_id = ws.doc_id_for_path(samples / "000_f7c1be859b819757.txt")
        assert ws.searcher.search('event:"senior officials"').hits == []
    proc = start_script(LABELLER, str(data_dir), str(doc_id))
    assert proc.stdout.readline().strip() == "confirmed", proc.stderr.read()
    kill(proc)
    with Workspace(data_dir) as ws:  # the next start: its first scan
        assert ws.store.pending_reindex()[0] == [doc_id]
        report = ws.library.scan()
        assert report.updated == 1 and report.unchanged == 4
        hits = ws.searcher.search('event:"senior officials"').hits
        assert [h.doc_id for h in hits] == [doc_id]
        assert ws.store.pending_reindex()[0] == []
        assert ws.library.scan().unchanged == 5  # and it stays settled


SCANNER = r"""
import multiprocessing, sys
from reviewer.core.review.workspace import Workspace

multiprocessing.set_start_method("spawn", force=True)   # as the GUI starts its workers
ws = Workspace(sys.argv[1])
ws.library.add_paths([sys.argv[2]])
ws.library.scan(workers=2)
"""


def _marked_processes(mark: str) -> set[int]:
    found = set()
    for p in Path("/proc").iterdir():
        if not p.name.isdigit():
            continue
        try:
            if mark.encode() in (p / "environ").read_bytes():
                found.add(int(p.name))
        except OSError:
            continue
    return found


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs /proc")
@pytest.mark.parametrize("delay", [0.1, 0.3])
def test_scan_workers_do_not_outlive_a_killed_app(delay: float, data_dir: Path,
                                                  tmp_path: Path) -> None:
    import uuid

    folder = tmp_path / "releases"
    make_releases(folder, 40)
    mark = f"REVIEWER_TEST_MARK={uuid.uuid4()}"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
           mark.split("=")[0]: mark.split("=")[1]}
    import subprocess
    import sys
    import time

    proc = subprocess.Popen([sys.executable, "-c", SCANNER, str(data_dir), str(folder)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while len(_marked_processes(mark) - {proc.pid}) < 2:  # both workers are starting
        assert proc.poll() is None and time.monotonic() < deadline
        time.sleep(0.005)
    time.sleep(delay)  # the workers are loading Reviewer's modules: not ready yet
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    deadline = time.monotonic() + 20
    while _marked_processes(mark) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = _marked_processes(mark)
    for pid in left:  # never leave them behind, whatever the outcome
        os.kill(pid, signal.SIGKILL)
    assert left == set()


def test_crash_harness_reports_no_loss() -> None:
    """`python -m benchmarks crash` (here with 3 kills; the figure in docs/RELIABILITY.md
    comes from 50): real kills of a real writer, then its checks."""
    import subprocess
    import sys

    r = subprocess.run([sys.executable, "-m", "benchmarks", "crash", "--kills", "3"],
                       cwd=Path(__file__).resolve().parents[2], capture_output=True,
                       text=True, timeout=600,
                       env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])})
    assert r.returncode == 0, r.stdout + r.stderr
    last = r.stdout.strip().splitlines()[-1]
    assert last.startswith("crash: 3 kills, ") and last.endswith(" confirmed writes, 0 lost")
    assert int(last.split(", ")[1].split()[0]) > 0
