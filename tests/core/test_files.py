"""Atomic writes: the previous file survives any failure, with a plain message."""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from reviewer.core.files import WriteError, atomic_write


def test_file_held_open_raises_write_error(tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "memo.docx"
    out.write_bytes(b"open in Word")

    def locked(src, dst):  # what Windows does when Word holds the file
        raise PermissionError(13, "Permission denied", str(dst))

    monkeypatch.setattr(os, "replace", locked)
    with pytest.raises(WriteError) as info:
        atomic_write(out, lambda fh: fh.write(b"new"))
    msg = str(info.value)
    assert str(out) in msg and "permission denied" in msg and "open in Word" in msg
    assert out.read_bytes() == b"open in Word"
    assert [p.name for p in tmp_path.iterdir()] == ["memo.docx"]


def test_unwritable_folder_simulated(tmp_path: Path, monkeypatch) -> None:
    """A folder the memo cannot be written to, also when CI runs as root: creating the
    temporary file is refused."""
    import tempfile

    def refuse(*a, **k):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    monkeypatch.setattr("reviewer.core.files._open_unnamed", refuse)  # where O_TMPFILE works
    with pytest.raises(WriteError, match=r"cannot write .*memo\.docx: permission denied"):
        atomic_write(tmp_path / "memo.docx", lambda fh: fh.write(b"x"))


# -- a write killed outright --------------------------------------------------------------

KILLED_EXPORT = r"""
import os, sys, time
import docx.document
from reviewer.core.review.workspace import Workspace
from reviewer.core.export import export_memo

data, out, where = sys.argv[1], sys.argv[2], sys.argv[3]
real_save, real_fsync = docx.document.Document.save, os.fsync

def slow_save(self, stream):  # building the memo: stop half-way through its bytes
    stream.write(b"PK\x03\x04 half a memo")
    if where == "save":
        print("stopped", flush=True)
        time.sleep(60)
    real_save(self, stream)

def slow_fsync(fd):  # writing the file: stop with the bytes written, not yet in place
    if where == "write":
        print("stopped", flush=True)
        time.sleep(60)
    real_fsync(fd)

docx.document.Document.save = slow_save
os.fsync = slow_fsync
with Workspace(data) as ws:
    export_memo(ws, [d.id for d in ws.store.documents()], out)
"""


def _index_samples(tmp_path: Path) -> Path:
    import shutil

    from reviewer.core.resources import sample_docs_dir
    from reviewer.core.review.workspace import Workspace

    docs = tmp_path / "docs"
    shutil.copytree(sample_docs_dir(), docs)
    with Workspace(tmp_path / "data") as ws:
        ws.library.add_paths([docs])
        ws.library.scan()
    return tmp_path / "data"


def _kill_export(tmp_path: Path, out: Path, where: str) -> None:
    import signal
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLED_EXPORT, str(tmp_path / "data"), str(out), where],
        cwd=root, env={**os.environ, "PYTHONPATH": str(root)}, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert line == "stopped\n", proc.stderr.read()
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL


def _unnamed_files_work(folder: Path) -> bool:
    from reviewer.core import files

    fd = files._open_unnamed(folder)
    if fd is None:
        return False
    os.close(fd)
    return True


@pytest.mark.skipif(not hasattr(__import__("signal"), "SIGKILL"), reason="needs SIGKILL")
def test_killed_export_leaves_no_temporary_file(tmp_path: Path) -> None:
    _index_samples(tmp_path)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    memo = out_dir / "memo.docx"
    memo.write_bytes(b"last week's memo")
    # Killed while the memo is being built (nearly all of an export's time): the memo is
    # built in memory, so nothing at all is on disk.
    _kill_export(tmp_path, memo, "save")
    assert sorted(p.name for p in out_dir.iterdir()) == ["memo.docx"]
    assert memo.read_bytes() == b"last week's memo"
    # Killed in the last moment, writing the finished bytes: on Linux the file has no
    # name yet; elsewhere the next write of that memo removes what is left.
    _kill_export(tmp_path, memo, "write")
    assert memo.read_bytes() == b"last week's memo"
    left = [p for p in out_dir.iterdir() if p.name != "memo.docx"]
    if _unnamed_files_work(out_dir):
        assert left == []
    else:
        assert [p.name.startswith(".~memo.") and p.name.endswith(".tmp") for p in left] \
            == [True]
        os.utime(left[0], (time.time() - 120, time.time() - 120))  # a while ago
        atomic_write(memo, lambda fh: fh.write(b"this week's memo"))
        assert sorted(p.name for p in out_dir.iterdir()) == ["memo.docx"]
        assert memo.read_bytes() == b"this week's memo"


def test_leftovers_of_running_or_recent_writers_are_kept(tmp_path: Path) -> None:
    from reviewer.core.files import remove_leftovers

    target = tmp_path / "memo.docx"
    mine = tmp_path / f".~memo.{os.getpid()}.abcd.tmp"  # this process: still writing
    recent = tmp_path / ".~memo.999999999.abcd.tmp"  # gone, but maybe on another machine
    old = tmp_path / ".~memo.999999998.abcd.tmp"  # gone a while ago
    stale = tmp_path / ".~memo.abcd1234.tmp"  # no process id: only once a day old
    other = tmp_path / ".~report.999999998.abcd.tmp"  # another file's
    for p in (mine, recent, old, stale, other):
        p.write_bytes(b"x")
    hour, day = time.time() - 3600, time.time() - 2 * 86400
    for p, t in ((mine, hour), (old, hour), (stale, hour), (other, hour)):
        os.utime(p, (t, t))
    assert remove_leftovers(target) == [old]
    os.utime(stale, (day, day))
    assert remove_leftovers(target) == [stale]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        p.name for p in (mine, recent, other))


def test_unnamed_file_path_when_the_system_offers_it(tmp_path: Path) -> None:
    """Linux O_TMPFILE: the content has no name until it is complete."""
    if not _unnamed_files_work(tmp_path):
        pytest.skip("this system or filesystem cannot name an unnamed (O_TMPFILE) file; "
                    "the named temporary file and its clean-up are used instead")
    seen = []

    def write(fh) -> None:
        fh.write(b"content")
        seen.extend(p.name for p in tmp_path.iterdir())

    atomic_write(tmp_path / "memo.docx", write)
    assert seen == []  # nothing named while writing
    assert (tmp_path / "memo.docx").read_bytes() == b"content"
