"""Crash harness: real SIGKILLs of a real Reviewer process doing confirmed writes.

    python -m benchmarks crash --kills 50 [--seed 1] [--data DIR]

A child process opens the data folder (taking the day's backup and, every few hundred
writes, a manual one, so some kills land mid-backup) and writes corrections, notes and
summaries as fast as it can, printing each one once the call returned (confirmed). It is
killed with SIGKILL at a random moment, sometimes while it is still starting. After each
kill: the store passes `integrity_check`; every confirmed correction and note is there;
the summary is the last confirmed one (or the one in flight); every file named as a
backup verifies; the next start opens read-write, and its scan leaves the index holding
exactly the store's live releases. The last line is

    crash: N kills, M confirmed writes, L lost

and the exit code is 1 when anything was lost or a check failed.
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import sys
from reviewer.core.model import Correction
from reviewer.core.review.workspace import Workspace

ws = Workspace(sys.argv[1])
doc_ids = [int(x) for x in sys.argv[2].split(",")]
start = int(sys.argv[3])
print("ready", flush=True)
i = start
while True:
    doc = doc_ids[i % len(doc_ids)]
    cid = ws.store.add_correction(Correction("add", 0, 5, "ORG", f"c{i}", doc_id=doc,
                                             before="b", after="a"))
    print(f"c {cid}", flush=True)
    nid = ws.store.add_note(doc, f"note {i}")
    print(f"n {nid}", flush=True)
    ws.store.set_summary(doc_ids[0], f"summary {i}")
    print(f"s {i}", flush=True)
    i += 1
    if i % 400 == 0:
        ws.store.backup("manual")
"""


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def _setup(data: Path) -> list[int]:
    from reviewer.core.resources import sample_docs_dir
    from reviewer.core.review.workspace import Workspace

    releases = data.parent / "releases"
    if not releases.exists():
        shutil.copytree(sample_docs_dir(), releases)
    with Workspace(data) as ws:
        ws.library.add_paths([releases])
        ws.library.scan()
        return [d.id for d in ws.store.documents()]


def _kill_one(data: Path, doc_ids: list[int], start: int, rng: random.Random
              ) -> tuple[list[str], float]:
    """Start the writer, kill it at a random moment; returns its confirmed lines."""
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(data),
                             ",".join(map(str, doc_ids)), str(start)],
                            cwd=ROOT, env=_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    lines: list[str] = []
    ready = threading.Event()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.strip() == "ready":
                ready.set()
            else:
                lines.append(line.strip())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    t0 = time.monotonic()
    if rng.random() < 0.2:  # while it starts: opening, the day's backup
        time.sleep(rng.uniform(0.05, 1.5))
    else:
        ready.wait(60)
        time.sleep(rng.uniform(0.01, 0.8))
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    reader.join(timeout=60)
    if proc.stderr is not None:
        proc.stderr.close()
    return lines, time.monotonic() - t0


def _check(data: Path, confirmed_c: set[int], confirmed_n: set[int],
           last_summary: int | None) -> list[str]:
    """What the next start finds wrong (empty: nothing)."""
    from reviewer.core import backups
    from reviewer.core.review.workspace import Workspace

    problems = []
    db = sqlite3.connect(data / "review.sqlite3")
    try:
        check = db.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        db.close()
    if check != "ok":
        problems.append(f"integrity_check: {check}")
    for p in sorted((data / "backups").iterdir()):
        if backups.parse_name(p) is not None and backups.verify(p) is None:
            problems.append(f"a file named as a backup does not verify: {p.name}")
    with Workspace(data) as ws:
        if ws.readonly:
            problems.append("the next start opened read-only")
        stored_c = {c.id for c in ws.store.corrections()}
        doc_ids = [d.id for d in ws.store.documents()]
        stored_n = {n.id for d in doc_ids for n in ws.store.notes(d)}
        lost_c, lost_n = confirmed_c - stored_c, confirmed_n - stored_n
        if lost_c:
            problems.append(f"lost corrections {sorted(lost_c)[:10]}")
        if lost_n:
            problems.append(f"lost notes {sorted(lost_n)[:10]}")
        if last_summary is not None:
            summary = ws.store.summary(doc_ids[0]) or ""
            if summary not in (f"summary {last_summary}", f"summary {last_summary + 1}"):
                problems.append(f"summary is {summary!r}, confirmed summary {last_summary}")
        ws.library.scan()
        live = {d.id for d in ws.store.documents() if not d.error}
        if ws.index.indexed_ids() != live:
            problems.append("the index does not hold exactly the store's releases")
    return problems


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks crash")
    ap.add_argument("--kills", type=int, default=50)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--data", type=Path, default=None,
                    help="data folder to use (default: a new temporary one)")
    args = ap.parse_args(argv)
    rng = random.Random(args.seed)
    tmp = None
    if args.data is None:
        tmp = tempfile.mkdtemp(prefix="reviewer-crash-")
        data = Path(tmp) / "data"
    else:
        data = args.data
    try:
        doc_ids = _setup(data)
        confirmed_c: set[int] = set()
        confirmed_n: set[int] = set()
        last_summary: int | None = None
        writes = 0
        failures = 0
        start = 0
        for k in range(1, args.kills + 1):
            lines, alive = _kill_one(data, doc_ids, start, rng)
            for line in lines:
                kind, _, value = line.partition(" ")
                if kind == "c":
                    confirmed_c.add(int(value))
                elif kind == "n":
                    confirmed_n.add(int(value))
                elif kind == "s":
                    last_summary = int(value)
                else:
                    continue
                writes += 1
            start = (last_summary + 1) if last_summary is not None else start
            problems = _check(data, confirmed_c, confirmed_n, last_summary)
            failures += bool(problems)
            status = "ok" if not problems else "; ".join(problems)
            print(f"kill {k:3}: after {alive:4.2f} s, {len(lines):5} confirmed writes: "
                  f"{status}", flush=True)
        lost = 0
        if failures:
            from reviewer.core.review.workspace import Workspace

            with Workspace(data) as ws:
                stored_c = {c.id for c in ws.store.corrections()}
                stored_n = {n.id for d in ws.store.documents() for n in ws.store.notes(d.id)}
            lost = len(confirmed_c - stored_c) + len(confirmed_n - stored_n)
        print(f"crash: {args.kills} kills, {writes} confirmed writes, {lost} lost")
        return 1 if failures or lost else 0
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
