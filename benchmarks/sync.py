"""Team sync against a local PostgreSQL server.

    python -m benchmarks sync [--reviewers 20] [--changes 5000] [--releases 400]
                              [--batch 1000]

Each simulated reviewer has a review store of their own holding the same releases and
makes `--changes` changes offline through the store's API (fact statuses, corrections,
notes, release statuses, in proportions a desk produces), so every change is logged as
it is in the window. Then, timed: all reviewers push at once (one thread and one
connection each), one reviewer pulls everyone else's changes (every laptop does that on
its own machine, in parallel), and a new laptop pulls the whole log. The server's table
sizes are printed last. The server is a throwaway cluster started for the run
(benchmarks/pgcluster.py, fsync on like a real server).
"""
from __future__ import annotations

import argparse
import random
import shutil
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path

from benchmarks.pgcluster import Cluster, throwaway_cluster
from reviewer.core.model import Correction
from reviewer.core.store import FACT_STATUSES, STATUSES, ReviewStore


def _make_changes(store: ReviewStore, docs: list[int], n: int, rng: random.Random) -> None:
    for i in range(n):
        doc = rng.choice(docs)
        r = rng.random()
        if r < 0.4:
            store.set_fact_status(doc, f"money:{rng.randrange(8)}", rng.choice(FACT_STATUSES),
                                  value=f"${rng.randrange(1, 900)}m")
        elif r < 0.7:
            start = rng.randrange(0, 2000)
            store.add_correction(Correction("add", start, start + 7, "ORG", f"Name {i}",
                                            doc_id=doc, before="the ", after=" said"))
        elif r < 0.9:
            store.add_note(doc, f"checked with the press office ({i})")
        else:
            store.set_status(doc, rng.choice(STATUSES))


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n / 1e3:.0f} kB"


def run(cluster: Cluster, reviewers: int, changes: int, releases: int, batch: int,
        work: Path) -> None:
    from reviewer.core.sync import add_reviewer, init, sync, table_sizes

    db = cluster.new_database()
    admin = cluster.url("postgres", db)
    init(admin)
    url_of = {}
    for r in range(reviewers):
        add_reviewer(admin, f"r{r}", f"Reviewer {r}", password=f"pw{r}")
        cluster.add_password(f"r{r}", f"pw{r}")
        url_of[f"r{r}"] = cluster.url(f"r{r}", db)
    shas = [f"{i:064x}" for i in range(releases)]
    stores: list[ReviewStore] = []
    t0 = time.perf_counter()
    for r in range(reviewers):
        s = ReviewStore(work / f"r{r}" / "review.sqlite3")
        docs = [s.upsert_document(f"/desk/r{r}/{i}.txt", sha256=sha, size=1, mtime_ns=1)
                for i, sha in enumerate(shas)]
        _make_changes(s, docs, changes, random.Random(r))
        stores.append(s)
    total = reviewers * changes
    made = time.perf_counter() - t0
    print(f"offline: {reviewers} reviewers made {total:,} changes in {made:.1f} s "
          f"({total / made:,.0f} changes/s through the store, each logged)")

    errors: list[BaseException] = []

    def push(i: int) -> None:
        try:
            sync(stores[i], url_of[f"r{i}"], batch=batch, pull=False)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    # Everyone sends their day's work at once (one thread and one connection each).
    t0 = time.perf_counter()
    threads = [threading.Thread(target=push, args=(i,)) for i in range(reviewers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    pushed_in = time.perf_counter() - t0
    if errors:
        raise errors[0]
    print(f"push: {reviewers} reviewers send {total:,} changes at once in {pushed_in:.1f} s "
          f"({total / pushed_in:,.0f} changes/s)")

    # One reviewer receives everyone else's work (each laptop does so on its own machine,
    # in parallel: this is the time for the desk to converge after the push).
    t0 = time.perf_counter()
    rep = sync(stores[0], url_of["r0"], batch=batch)
    pulled_in = time.perf_counter() - t0
    print(f"pull: one reviewer receives and applies {rep.pulled:,} changes in "
          f"{pulled_in:.1f} s ({rep.pulled / max(pulled_in, 1e-9):,.0f} changes/s); "
          f"{rep.conflicts:,} conflicts listed")
    print(f"desk converged (push, then every laptop's pull in parallel): "
          f"{pushed_in + pulled_in:.1f} s")

    # A new laptop joins the desk: the whole log.
    fresh = ReviewStore(work / "new" / "review.sqlite3")
    for i, sha in enumerate(shas):
        fresh.upsert_document(f"/desk/new/{i}.txt", sha256=sha, size=1, mtime_ns=1)
    t0 = time.perf_counter()
    rep = sync(fresh, url_of["r0"], batch=batch)
    took = time.perf_counter() - t0
    print(f"a new laptop: {rep.pulled:,} changes pulled and applied in {took:.1f} s "
          f"({rep.pulled / max(took, 1e-9):,.0f} changes/s)")
    store_mb = sum(p.stat().st_size for p in (work / "new").glob("review.sqlite3*")) / 1e6
    print(f"its review store: {store_mb:.1f} MB")

    sizes = table_sizes(admin)
    print("server tables (with indexes): " + ", ".join(
        f"{name} {_size(n)}" for name, n in sizes.items()) +
        f"; {sizes.get('changes', 0) / max(total, 1):.0f} bytes per change")
    for s in [*stores, fresh]:
        s.close()


def main(argv: list[str]) -> int:
    # Stopped with SIGTERM: still stop the cluster and delete the temporary folders.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    ap = argparse.ArgumentParser(prog="python -m benchmarks sync")
    ap.add_argument("--reviewers", type=int, default=20)
    ap.add_argument("--changes", type=int, default=5000, help="changes per reviewer")
    ap.add_argument("--releases", type=int, default=400)
    ap.add_argument("--batch", type=int, default=1000)
    args = ap.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="reviewer-bench-sync-"))
    try:
        with throwaway_cluster(durable=True) as cluster:
            run(cluster, args.reviewers, args.changes, args.releases, args.batch, work)
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)
