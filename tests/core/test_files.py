"""Atomic writes: the previous file survives any failure, with a plain message."""
from __future__ import annotations

import os
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
    """A folder the memo cannot be written to, also when CI runs as root: mkstemp refused."""
    import tempfile

    def refuse(*a, **k):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(WriteError, match=r"cannot write .*memo\.docx: permission denied"):
        atomic_write(tmp_path / "memo.docx", lambda fh: fh.write(b"x"))
