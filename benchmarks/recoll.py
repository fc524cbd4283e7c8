"""Recoll's indexer on the same folder, for comparison (only if recollindex is installed)."""
from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path


def available() -> str | None:
    return shutil.which("recollindex")


def index_seconds(folder: Path, confdir: Path) -> float:
    confdir.mkdir(parents=True, exist_ok=True)
    (confdir / "recoll.conf").write_text(
        f"topdirs = {folder}\n"
        "loglevel = 1\n"
        "idxflushmb = 50\n"
        # no on-the-fly aspell dictionary build: it is not part of indexing the files
        "noaspell = 1\n")
    t0 = time.perf_counter()
    subprocess.run(["recollindex", "-c", str(confdir)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0
