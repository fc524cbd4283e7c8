"""`reviewer index` as a person runs it: progress for the text and then the entities (a
bar on a terminal, a line every few seconds otherwise), waiting for the entities unless
told not to, and Ctrl+C that keeps what was done."""
from __future__ import annotations

import os
import pty
import select
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from reviewer.core.entity_cache import CACHE_FILE

ROOT = Path(__file__).resolve().parents[1]


def _releases(folder: Path, n: int, paragraphs: int = 0) -> Path:
    folder.mkdir()
    more = "".join(f"\nThe talks in round {k} covered trade with Vietnam Airlines, said "
                   f"Deputy Minister Tran Thi Mai in Da Nang on {k + 1} July 2024.\n"
                   for k in range(paragraphs))
    for i in range(n):
        (folder / f"release-{i:03d}.txt").write_text(
            f"Release number {i}\n\nHANOI, 3 June 2024 – Minister Nguyen Van An met Acme "
            f"Holdings Inc. in Hanoi about uniq{i}word, said Maria Santos.\n{more}",
            encoding="utf-8")
    return folder


def _reviewer(*args: str, **kw) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "reviewer", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300, **kw)


def _stored(data: Path) -> int:
    if not (data / CACHE_FILE).exists():
        return 0
    db = sqlite3.connect(f"file:{data / CACHE_FILE}?mode=ro", uri=True)
    try:
        return int(db.execute("SELECT count(*) FROM entities").fetchone()[0])
    except sqlite3.OperationalError:
        return 0  # not created yet
    finally:
        db.close()


def test_index_reports_progress_lines_and_waits_for_entities(tmp_path: Path) -> None:
    folder, data = _releases(tmp_path / "lib", 12), tmp_path / "data"
    run = _reviewer("index", str(folder), "--data-dir", str(data), "--workers", "0")
    assert run.returncode == 0, run.stderr
    err = run.stderr.splitlines()
    # not a terminal: plain lines, no bar redrawn in place
    assert "\r" not in run.stderr
    assert any(ln.startswith("text: 12/12 releases") and ln.endswith("(100%)") for ln in err)
    assert any(ln.startswith("Text indexed and searchable. Waiting for the entities of 12 "
                             "release(s)") for ln in err)
    assert any(ln.startswith("entities: 12/12 releases") for ln in err)
    assert "added 12" in run.stdout and "entities extracted 12" in run.stdout
    assert _reviewer("search", "person:santos", "--data-dir", str(data)).stdout \
        .startswith("12 release(s) match")

    again = _reviewer("index", str(folder), "--data-dir", str(data))
    assert "unchanged 12" in again.stdout and "entities up to date" in again.stdout
    assert "Waiting" not in again.stderr


def test_text_only_returns_before_the_entities(tmp_path: Path) -> None:
    folder, data = _releases(tmp_path / "lib", 8), tmp_path / "data"
    run = _reviewer("index", str(folder), "--data-dir", str(data), "--text-only")
    assert run.returncode == 0, run.stderr
    assert "added 8" in run.stdout
    assert "entities: 8 release(s) not extracted yet" in run.stdout
    assert _stored(data) == 0
    assert _reviewer("search", "uniq5word", "--data-dir", str(data)).stdout \
        .startswith("1 release(s) match")  # searchable at once
    assert _reviewer("search", "person:santos", "--data-dir", str(data)).stdout \
        .startswith("0 release(s) match")
    run = _reviewer("index", str(folder), "--data-dir", str(data))
    assert "unchanged 8" in run.stdout and "entities extracted 8" in run.stdout
    assert _reviewer("search", "person:santos", "--data-dir", str(data)).stdout \
        .startswith("8 release(s) match")


def test_index_draws_a_bar_on_a_terminal(tmp_path: Path) -> None:
    folder, data = _releases(tmp_path / "lib", 6), tmp_path / "data"
    main, child = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "reviewer", "index", str(folder),
                             "--data-dir", str(data)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=child, stdin=subprocess.DEVNULL)
    os.close(child)
    screen = b""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        ready, _, _ = select.select([main], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(main, 4096)
            except OSError:  # the child closed its end
                break
            if not chunk:
                break
            screen += chunk
        elif proc.poll() is not None:
            break
    os.close(main)
    assert proc.wait(timeout=60) == 0
    text = screen.decode("utf-8", "replace")
    assert "\rtext [########################] 6/6 releases" in text
    assert "\rentities [########################] 6/6 releases" in text


def test_ctrl_c_keeps_the_entities_done_and_the_next_index_goes_on(tmp_path: Path) -> None:
    n = 200
    folder, data = _releases(tmp_path / "lib", n, paragraphs=6), tmp_path / "data"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    # Ctrl+C as in a terminal, even when this suite was started in the background (which
    # starts it, and so the command, with SIGINT ignored).
    as_in_a_terminal = ("import runpy, signal, sys; "
                        "signal.signal(signal.SIGINT, signal.default_int_handler); "
                        "sys.argv[0] = 'reviewer'; runpy.run_module('reviewer', "
                        "run_name='__main__', alter_sys=True)")
    proc = subprocess.Popen([sys.executable, "-c", as_in_a_terminal, "index", str(folder),
                             "--data-dir", str(data), "--workers", "2"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    deadline = time.monotonic() + 120
    while _stored(data) < 6:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the entity pass never got going"
        time.sleep(0.02)
    # Ctrl+C while the pass is running: the command and its workers are held still from
    # the moment six releases are stored, so a busy machine cannot let the pass finish
    # before the signal is handled.
    os.killpg(proc.pid, signal.SIGSTOP)
    proc.send_signal(signal.SIGINT)
    os.killpg(proc.pid, signal.SIGCONT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, (out, err)
    assert "stopped after the entities of" in err and "Traceback" not in err
    stored = _stored(data)
    assert 6 <= stored < n

    run = _reviewer("index", str(folder), "--data-dir", str(data))
    assert run.returncode == 0, run.stderr
    extracted = int(run.stdout.split("entities extracted ")[1].split()[0])
    assert extracted == n - stored  # nothing extracted before Ctrl+C is extracted again
    assert _reviewer("search", "person:santos", "--data-dir", str(data)).stdout \
        .startswith(f"{n} release(s) match")
