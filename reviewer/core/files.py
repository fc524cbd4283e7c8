"""Write a file all at once or not at all: the one way Reviewer replaces a file.

The content is written to a temporary file in the target folder (same filesystem, so the
final rename is atomic), flushed to disk and moved into place with os.replace. A crash, a
full disk or an exception half-way leaves the previous file untouched and no partial file
behind. Used for Word memos and for the caches kept in the data folder.
"""
from __future__ import annotations

import errno
import os
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


class WriteError(Exception):
    """The file cannot be written; the message names it and says why, in plain words."""


_umask_lock = threading.Lock()


def current_umask() -> int:
    """The process umask, without changing it where the OS lets us read it directly.

    os.umask() can only be read by setting it, which races with other threads creating
    files, so Linux's /proc is preferred and the set-and-restore is serialised.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    with _umask_lock:
        mask = os.umask(0o022)
        os.umask(mask)
    return mask


def _reason(exc: OSError) -> str:
    if isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied (is it open in Word, or is the folder read-only?)"
    if isinstance(exc, FileNotFoundError):
        return "the folder does not exist"
    if isinstance(exc, IsADirectoryError):
        return "it is a folder"
    if exc.errno == errno.ENOSPC:
        return "the disk is full"
    if exc.errno == errno.EROFS:
        return "the disk is read-only"
    return exc.strerror or str(exc)


def atomic_write(path: str | os.PathLike[str], write: Callable[[BinaryIO], object]) -> Path:
    """Call write(fh) on a temporary file next to `path`, then move it over `path`.

    Raises WriteError (with the path and a plain reason) when the file cannot be written;
    any other exception from `write` propagates after the temporary file is removed.
    """
    target = Path(path).expanduser()
    if target.is_dir():
        raise WriteError(f"cannot write {target}: it is a folder")
    folder = target.parent if str(target.parent) else Path(".")
    if target.exists() and not os.access(target, os.W_OK):
        # os.replace would happily swap out a read-only file; respect the user's intent.
        raise WriteError(f"cannot write {target}: permission denied (the file is read-only"
                          " or open in another program)")
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".~{target.stem}.", suffix=".tmp",
                                        dir=folder)
    except OSError as exc:
        raise WriteError(f"cannot write {target}: {_reason(exc)}") from exc
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        # mkstemp creates 0600; a memo is an ordinary document, so give it the mode any
        # new file would get (or keep the mode of the file it replaces).
        if target.exists():
            mode = target.stat().st_mode & 0o7777
        else:
            mode = 0o666 & ~current_umask()
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except OSError as exc:
        _discard(tmp)
        raise WriteError(f"cannot write {target}: {_reason(exc)}") from exc
    except BaseException:
        _discard(tmp)
        raise
    _fsync_dir(folder)
    return target


def _discard(tmp: Path) -> None:
    try:
        tmp.unlink()
    except OSError:
        pass


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable (POSIX); not possible or needed on Windows."""
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write_text(path: str | os.PathLike[str], text: str) -> Path:
    """`atomic_write` of a UTF-8 text."""
    return atomic_write(path, lambda fh: fh.write(text.encode("utf-8")))
