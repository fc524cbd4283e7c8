"""Real small disks for the tests: a tmpfs mounted for one test (Linux, as root, like CI
and the developer machines; skipped with the reason elsewhere), filled or made read-only."""
from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


@contextmanager
def mounted_tmpfs(where: Path, size: str = "16m") -> Iterator[Path]:
    if not sys.platform.startswith("linux"):
        pytest.skip("tmpfs mounts are a Linux feature")
    where.mkdir(parents=True, exist_ok=True)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs",
                        str(where)], capture_output=True, text=True)
    if r.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {r.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True)


def fill_disk(disk: Path, leave: int = 0) -> Path:
    """Fill the file system of `disk` with a filler file, then give back about `leave`
    bytes; returns the filler (delete it to free the space)."""
    filler = disk / "filler.bin"
    with open(filler, "wb", buffering=0) as fh:
        try:
            while True:
                fh.write(b"\1" * 4096)
        except OSError:
            pass
    with open(filler, "rb+") as fh:
        size = fh.seek(0, os.SEEK_END)
        fh.truncate(max(0, size - leave))
    return filler


def remount(disk: Path, mode: str) -> None:
    """Remount the tmpfs at `disk` "ro" or "rw"."""
    subprocess.run(["mount", "-o", f"remount,{mode}", str(disk)], check=True)
