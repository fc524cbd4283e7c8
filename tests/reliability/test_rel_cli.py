"""The command line on a bad day: a closed pipe, a full disk, a mistyped path. Each ends
with a message (or quietly), never a traceback."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from disks import fill_disk
from rel_helpers import ROOT

from reviewer.cli import main
from reviewer.core.review.workspace import Workspace


def run_into_closed_pipe(*args: str) -> subprocess.CompletedProcess:
    """Run `python -m reviewer ARGS` whose reader has gone before anything is written
    (as `reviewer … | head` once head has its lines)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "reviewer", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    proc.stdout.close()  # the reader is gone
    with proc.stderr:
        err = proc.stderr.read()
    proc.wait(timeout=120)
    return subprocess.CompletedProcess(args, proc.returncode, "", err)


def test_search_into_a_closed_pipe_ends_quietly(data_dir: Path, samples: Path) -> None:
    with Workspace(data_dir) as ws:
        ws.library.add_paths([samples])
        ws.library.scan()
    r = run_into_closed_pipe("search", "ASEAN", "--data-dir", str(data_dir))
    assert r.stderr == ""
    assert r.returncode == 141


def test_extract_json_into_a_closed_pipe_ends_quietly(samples: Path) -> None:
    files = [str(p) for p in sorted(samples.glob("*.txt"))]
    r = run_into_closed_pipe("extract", *files, "--json")
    assert r.stderr == ""
    assert r.returncode == 141


def test_extract_json_into_an_open_pipe_is_whole(samples: Path, capsys) -> None:
    files = [str(p) for p in sorted(samples.glob("*.txt"))]
    assert main(["extract", *files, "--json"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 5 and all(json.loads(line)["entities"] for line in lines)


def test_index_of_a_missing_path_creates_no_data_folder(tmp_path: Path, capsys) -> None:
    data = tmp_path / "new-data"
    assert main(["index", str(tmp_path / "typo"), "--data-dir", str(data)]) == 2
    assert "no such file or folder" in capsys.readouterr().err
    assert not data.exists()


def test_index_on_a_full_disk_says_so(small_disk: Path, samples: Path) -> None:
    data = small_disk / "data"
    Workspace(data).close()  # an existing, empty data folder
    many = small_disk.parent / "many"
    many.mkdir()
    for i in range(40):  # enough text that the index cannot fit
        for p in samples.glob("*.txt"):
            (many / f"{i}-{p.name}").write_text(p.read_text(encoding="utf-8") * 3,
                                                encoding="utf-8")
    fill_disk(small_disk, leave=200_000)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    r = subprocess.run([sys.executable, "-m", "reviewer", "index", str(many), "--data-dir",
                        str(data)], cwd=ROOT, env=env, capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr
    assert "full" in r.stderr and "Free some space" in r.stderr
