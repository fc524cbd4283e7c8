"""Training an adapter in a process of its own.

The CRF library trains without releasing Python's global interpreter lock: on a thread,
each of its iterations (a few hundred milliseconds on a reviewer's releases) would hold
every other thread of the process, a window's GUI thread included. `train` has the
signature of `adapter.train` and runs it in a child process ("spawn": safe beside Qt's
threads); the calling thread only waits on a pipe. Cancel stops the child at once; it
writes only into the folder it is given, which the caller discards.
"""

from __future__ import annotations

import multiprocessing
import threading
import traceback
from collections.abc import Sequence
from multiprocessing.connection import Connection
from pathlib import Path

from reviewer.core.extract import adapter
from reviewer.core.extract.adapter import Cancelled, Progress, Taught
from reviewer.core.extract.learned import Recogniser

#: How often the waiting thread looks at the cancel flag (seconds).
POLL = 0.05


def _child(conn: Connection, taught: list[Taught], out_dir: str,
           anchor_releases: list[Taught] | None) -> None:
    from reviewer.core.extract.learned import recogniser

    try:
        base = recogniser()
        if base is None:
            raise RuntimeError("the shipped extractor model could not be loaded")
        meta = adapter.train(base, taught, Path(out_dir), anchor_releases,
                             progress=lambda f: conn.send(("progress", f)))
        conn.send(("done", meta))
    except BaseException as exc:  # noqa: BLE001 - told to the parent, which raises it
        conn.send(("error", f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}"))
    finally:
        conn.close()


def train(base: Recogniser, taught: Sequence[Taught], out_dir: Path,
          anchor_releases: Sequence[Taught] | None = None, *,
          progress: Progress | None = None,
          cancel: threading.Event | None = None) -> dict[str, object]:
    """`adapter.train` in a child process. `base` must be the shipped recogniser (the
    child loads its own copy). Raises `Cancelled` when `cancel` is set, RuntimeError
    when the child fails or dies."""
    ctx = multiprocessing.get_context("spawn")
    ours, theirs = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child, name="reviewer-teach", daemon=True,
                        args=(theirs, list(taught), str(out_dir),
                              None if anchor_releases is None else list(anchor_releases)))
    child.start()
    theirs.close()
    result: dict[str, object] | None = None
    error = ""
    try:
        while True:
            if cancel is not None and cancel.is_set():
                raise Cancelled
            if not ours.poll(POLL):
                if not child.is_alive() and not ours.poll(0):
                    break
                continue
            try:
                kind, value = ours.recv()
            except EOFError:
                break
            if kind == "progress" and progress is not None:
                progress(float(value))
            elif kind == "done":
                result = dict(value)
                break
            elif kind == "error":
                error = str(value)
                break
    finally:
        if result is None and child.is_alive():
            child.kill()
        child.join()
        ours.close()
    if result is not None:
        return result
    if error.startswith("Cancelled"):
        raise Cancelled
    raise RuntimeError(error.split("\n", 1)[0] if error else
                       f"the training process stopped (exit code {child.exitcode})")
