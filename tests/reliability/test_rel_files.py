"""What lies in a library folder besides releases: file names from other systems, named
pipes, links out of the library. Real files, real FIFOs and real symlinks throughout.
"""
from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from rel_helpers import ROOT

from reviewer.cli import main
from reviewer.core.documents import loaders
from reviewer.core.review.view import document_view
from reviewer.core.review.workspace import Workspace
from reviewer.core.search.folders import LINK_TARGETS_ENV

TEXT = "Harbour Festival\n\nHANOI, 3 June 2024 – The harbour festival opened in Hanoi.\n"
SECRET = "root:x:0:0:topsecretword:/root:/bin/bash\n"
FIFO_REASON = "not a regular file (a named pipe (FIFO)): not read"

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX file system only")


def run_cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """`reviewer ARGS` in a fresh interpreter; a hang fails the test instead of the suite."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "reviewer.cli", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout, check=False)


def in_thread(fn, timeout: float = 60):
    """fn() on a thread; (finished, result or exception). A hang leaves the thread behind
    (a daemon) and reports finished=False."""
    out: list[object] = []

    def target() -> None:
        try:
            out.append(fn())
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            out.append(exc)

    t = threading.Thread(target=target, daemon=True)
    t.start()
    t.join(timeout)
    return (not t.is_alive()), (out[0] if out else None)


def release_fifo(path: Path) -> None:
    """Unblock a reader stuck on `path` (a hang must not outlive its failing test)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
    except OSError:
        return
    os.close(fd)


# --------------------------------------------------------------------------- file names

def bad_name(folder: Path) -> Path:
    """A release whose name is Latin-1 bytes (`café.txt` from an old system): not UTF-8."""
    raw = os.fsencode(folder) + b"/caf\xe9.txt"
    with open(raw, "wb") as fh:
        fh.write(TEXT.encode())
    return Path(os.fsdecode(raw))


def test_file_name_that_is_not_utf8_is_reported_and_the_scan_goes_on(data_dir: Path,
                                                                   samples: Path) -> None:
    bad_name(samples)
    with Workspace(data_dir) as ws:
        ws.library.add_paths([samples])
        report = ws.library.scan()
        assert report.added == 5
        assert report.failed == [(str(samples / "caf\\xe9.txt"),
                                  "the file name is not valid UTF-8: rename the file to index it")]
        # Not aborted for good: a new release next to it is indexed by the next scan.
        (samples / "new.txt").write_text(TEXT, encoding="utf-8")
        again = ws.library.scan()
        assert again.added == 1 and len(again.failed) == 1
        assert len(ws.searcher.search("harbour").hits) == 1


def test_cli_index_names_the_file_with_a_bad_name(data_dir: Path, samples: Path,
                                                  capsys: pytest.CaptureFixture) -> None:
    bad_name(samples)
    assert main(["index", str(samples), "--data-dir", str(data_dir)]) == 0
    out = capsys.readouterr().out
    assert "added 5" in out and "failed 1" in out
    assert f"{samples}/caf\\xe9.txt: the file name is not valid UTF-8" in out


# --------------------------------------------------------------------------- named pipes

def test_fifo_named_like_a_release_is_reported_not_opened(data_dir: Path,
                                                          samples: Path) -> None:
    fifo = samples / "x.txt"
    os.mkfifo(fifo)
    try:
        result = run_cli("index", str(samples), "--data-dir", str(data_dir))
    except subprocess.TimeoutExpired:
        release_fifo(fifo)
        pytest.fail("`reviewer index` hung on a named pipe")
    assert result.returncode == 0, result.stderr
    assert "added 5" in result.stdout
    assert f"{fifo}: {FIFO_REASON}" in result.stdout


def test_extract_refuses_a_fifo_without_waiting(samples: Path) -> None:
    fifo = samples / "x.txt"
    os.mkfifo(fifo)
    try:
        result = run_cli("extract", str(fifo), str(samples / "000_f7c1be859b819757.txt"),
                         "--json")
    except subprocess.TimeoutExpired:
        release_fifo(fifo)
        pytest.fail("`reviewer extract` hung on a named pipe")
    assert result.returncode == 1
    assert f"reviewer: {fifo}: {FIFO_REASON}" in result.stderr
    assert result.stdout.count("\n") == 1  # the other file was extracted


def test_release_replaced_by_a_fifo_is_refused_when_opened(data_dir: Path,
                                                           samples: Path) -> None:
    victim = samples / "000_f7c1be859b819757.txt"
    with Workspace(data_dir) as ws:
        ws.library.add_paths([samples])
        ws.library.scan()
        doc_id = ws.doc_id_for_path(victim)
        ws.store.add_note(doc_id, "hours of work")
        victim.unlink()
        os.mkfifo(victim)
        finished, result = in_thread(lambda: ws.load(doc_id))
        if not finished:
            release_fifo(victim)
            pytest.fail("opening a release that became a named pipe hung")
        assert isinstance(result, loaders.LoadError) and str(result) == FIFO_REASON
        report = ws.library.scan()
        assert report.failed == [(str(victim), FIFO_REASON)]
        assert [n.text for n in ws.store.notes(doc_id)] == ["hours of work"]


def test_fifo_read_after_the_walk_does_not_block() -> None:
    """A file swapped for a pipe between the folder walk and the read: the reader checks
    the open descriptor, and opening never waits for a writer."""
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        fifo = Path(d) / "swapped.txt"
        os.mkfifo(fifo)
        finished, result = in_thread(lambda: loaders.read_bytes(fifo))
        if not finished:
            release_fifo(fifo)
            pytest.fail("read_bytes blocked on a named pipe")
        assert isinstance(result, loaders.LoadError) and str(result) == FIFO_REASON


def test_cancel_stops_a_parallel_scan_with_a_fifo_in_the_folder(data_dir: Path,
                                                                tmp_path: Path) -> None:
    lib = tmp_path / "big"
    lib.mkdir()
    for i in range(400):
        (lib / f"r{i:03}.txt").write_text(
            f"Release {i}\n\nHANOI, 3 June 2024 – Minister Tran Van {i} opened the fair.\n",
            encoding="utf-8")
    fifo = lib / "x.txt"
    os.mkfifo(fifo)
    cancel = threading.Event()
    progressed = threading.Event()

    def progress(done: int, total: int, path: str) -> None:
        progressed.set()

    with Workspace(data_dir) as ws:
        ws.library.add_paths([lib])
        timer = threading.Timer(0.5, cancel.set)  # Cancel pressed while workers run
        timer.start()
        finished, report = in_thread(
            lambda: ws.library.scan(workers=2, cancel=cancel, progress=progress), 120)
        timer.cancel()
        if not finished:
            release_fifo(fifo)
            pytest.fail("a cancelled parallel scan did not stop")
        assert not isinstance(report, BaseException), report
        assert report.cancelled or report.added == 400
        # Not cancelled because it finished first: the pipe was reported, not read.
        if not report.cancelled:
            assert (str(fifo), FIFO_REASON) in report.failed
        # And a full scan afterwards completes with the pipe reported.
        final = ws.library.scan(workers=2)
        assert (str(fifo), FIFO_REASON) in final.failed
        assert len(ws.store.documents()) == 400


# --------------------------------------------------------------------------- symlinks

@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A file outside every library folder, like /etc/passwd."""
    d = tmp_path / "elsewhere"
    d.mkdir()
    (d / "passwd").write_text(SECRET, encoding="utf-8")
    return d / "passwd"


def test_link_out_of_the_library_is_not_followed(data_dir: Path, samples: Path,
                                                 outside: Path) -> None:
    os.symlink(outside, samples / "leak.txt")
    with Workspace(data_dir) as ws:
        ws.library.add_paths([samples])
        report = ws.library.scan()
        assert report.added == 5
        assert report.failed == [(
            str(samples / "leak.txt"),
            f"a link to {outside}, outside the library folders: not followed "
            f"(allow it with {LINK_TARGETS_ENV})")]
        assert ws.searcher.search("topsecretword").hits == []
        assert ws.doc_id_for_path(samples / "leak.txt") is None


def test_link_inside_the_library_is_followed_and_show_export_agree_with_search(
        data_dir: Path, samples: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    sub = samples / "archive"
    sub.mkdir()
    (sub / "real.txt").write_text(TEXT.replace("harbour", "lighthouse"), encoding="utf-8")
    link = samples / "linked.txt"
    os.symlink(sub / "real.txt", link)
    assert main(["index", str(samples), "--data-dir", str(data_dir)]) == 0
    assert "added 7" in capsys.readouterr().out
    assert main(["search", "lighthouse", "--json", "--data-dir", str(data_dir)]) == 0
    paths = {h["path"] for h in __import__("json").loads(capsys.readouterr().out)}
    assert paths == {str(link), str(sub / "real.txt")}
    for p in paths:  # whatever search lists, show and export accept
        assert main(["show", p, "--data-dir", str(data_dir)]) == 0
        assert "lighthouse festival" in capsys.readouterr().out
    out = tmp_path / "memo.docx"
    assert main(["export", str(link), "--out", str(out), "--data-dir", str(data_dir)]) == 0
    assert out.exists()


def test_option_allows_links_to_a_chosen_folder(data_dir: Path, samples: Path,
                                                outside: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture) -> None:
    link = samples / "shared.txt"
    os.symlink(outside, link)
    monkeypatch.setenv(LINK_TARGETS_ENV, str(outside.parent))
    with Workspace(data_dir) as ws:
        ws.library.add_paths([samples])
        report = ws.library.scan()
        assert report.added == 6 and report.failed == []
        hits = ws.searcher.search("topsecretword").hits
        assert [h.path for h in hits] == [str(link)]
    # show and export take the path search lists (they resolved it, and said "not in
    # the library").
    assert main(["show", str(link), "--data-dir", str(data_dir)]) == 0
    assert "topsecretword" in capsys.readouterr().out
    out = tmp_path / "memo.docx"
    assert main(["export", str(link), "--out", str(out), "--data-dir", str(data_dir)]) == 0


def test_release_replaced_by_a_link_out_of_the_library_is_not_swapped_in(
        data_dir: Path, samples: Path, outside: Path, capsys: pytest.CaptureFixture) -> None:
    victim = samples / "000_f7c1be859b819757.txt"
    with Workspace(data_dir) as ws:
        ws.library.add_paths([samples])
        ws.library.scan()
        doc_id = ws.doc_id_for_path(victim)
        note = ws.store.add_note(doc_id, "hours of work")
    victim.unlink()
    os.symlink(outside, victim)
    reason = (f"a link to {outside}, outside the library folders: not followed "
              f"(allow it with {LINK_TARGETS_ENV})")
    with Workspace(data_dir) as ws:
        report = ws.library.scan()
        assert report.failed == [(str(victim), reason)]
        assert report.removed == 0 and report.updated == 0
        assert ws.searcher.search("topsecretword").hits == []
        assert ws.store.note(note).text == "hours of work"
        with pytest.raises(loaders.LoadError, match="outside the library folders"):
            document_view(ws, doc_id)
    # The command line says the same instead of printing the linked file.
    assert main(["show", str(victim), "--data-dir", str(data_dir)]) == 2
    captured = capsys.readouterr()
    assert "topsecretword" not in captured.out
    assert f"reviewer: {reason}" in captured.err
