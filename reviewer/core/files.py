"""Write a file all at once or not at all: the one way Reviewer replaces a file.

The content is written to a temporary file in the target folder (same filesystem, so the
final rename is atomic), flushed to disk and moved into place with os.replace. A crash, a
full disk or an exception half-way leaves the previous file untouched and no partial file
behind. Used for Word memos and for the caches kept in the data folder.

Even a process killed outright (SIGKILL, power loss) leaves nothing behind: on Linux the
content goes to an unnamed file (O_TMPFILE) that only gets a name once it is complete, a
moment before the rename. Where that is not available the temporary file is named
`.~<name>.<pid>.<random>.tmp`, and the next write of the same file removes such leftovers
of processes that no longer run.
"""
from __future__ import annotations

import errno
import os
import re
import secrets
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from reviewer.core.fsync import fsync_dir


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
    remove_leftovers(target)
    try:
        fd = _open_unnamed(folder)
        named: Path | None = None
        if fd is None:
            fd, tmp_name = tempfile.mkstemp(prefix=f"{_temp_prefix(target)}{os.getpid()}.",
                                            suffix=".tmp", dir=folder)
            named = Path(tmp_name)
    except OSError as exc:
        raise WriteError(f"cannot write {target}: {_reason(exc)}") from exc
    tmp: Path | None = named
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
            # A new file is created 0600; a memo is an ordinary document, so give it the
            # mode any new file would get (or keep the mode of the file it replaces).
            if target.exists():
                mode = target.stat().st_mode & 0o7777
            else:
                mode = 0o666 & ~current_umask()
            if hasattr(os, "fchmod"):
                os.fchmod(fh.fileno(), mode)
            if tmp is None:  # the unnamed file gets a name only now that it is complete
                tmp = _link_unnamed(fh.fileno(), folder, target)
        if not hasattr(os, "fchmod"):  # Windows before Python 3.13
            os.chmod(tmp, mode)
        os.replace(tmp, target)
    except OSError as exc:
        _discard(tmp)
        raise WriteError(f"cannot write {target}: {_reason(exc)}") from exc
    except BaseException:
        _discard(tmp)
        raise
    fsync_dir(folder)
    return target


def _temp_prefix(target: Path) -> str:
    return f".~{target.stem}."


_unnamed_ok: dict[int, bool] = {}  # st_dev -> whether unnamed files can be linked there
_unnamed_lock = threading.Lock()


def _open_unnamed(folder: Path) -> int | None:
    """A file descriptor for an unnamed file in `folder` (Linux O_TMPFILE), or None where
    the system or the filesystem does not offer one that can later be given a name."""
    flag = getattr(os, "O_TMPFILE", 0)
    if not flag or not os.path.isdir("/proc/self/fd"):
        return None
    try:
        dev = os.stat(folder).st_dev
        fd = os.open(folder, flag | os.O_WRONLY | getattr(os, "O_CLOEXEC", 0), 0o600)
    except OSError as exc:
        if exc.errno in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL, errno.ENOSYS):
            return None  # e.g. a FAT stick or a network share: use a named file
        raise
    with _unnamed_lock:
        ok = _unnamed_ok.get(dev)
        if ok is None:  # can this filesystem (and sandbox) name an unnamed file?
            try:
                probe = _link_unnamed(fd, folder, Path(".probe"))
                probe.unlink()
                ok = True
            except OSError:
                ok = False
            _unnamed_ok[dev] = ok
    if not ok:
        os.close(fd)
        return None
    return fd


def _link_unnamed(fd: int, folder: Path, target: Path) -> Path:
    """Give the unnamed file `fd` a temporary name in `folder` (to rename it from)."""
    while True:
        tmp = folder / f"{_temp_prefix(target)}{os.getpid()}.{secrets.token_hex(4)}.tmp"
        try:
            os.link(f"/proc/self/fd/{fd}", tmp, follow_symlinks=True)
            return tmp
        except FileExistsError:
            continue


_LEFTOVER_AGE_S = 60.0  # a temporary file this old whose process has gone is a leftover
_STALE_AGE_S = 24 * 3600.0  # one this old is a leftover whatever wrote it


def remove_leftovers(target: Path) -> list[Path]:
    """Remove temporary files an earlier, killed write of `target` left in its folder:
    those of a process that no longer runs (after a minute, in case it ran on another
    machine sharing the folder), and any older than a day. Returns what was removed."""
    folder = target.parent if str(target.parent) else Path(".")
    prefix = _temp_prefix(target)
    rx = re.compile(re.escape(prefix) + r"(?:(\d+)\.)?[^/]*\.tmp")
    removed: list[Path] = []
    try:
        names = [n for n in os.listdir(folder) if n.startswith(prefix)]
    except OSError:
        return removed
    now = time.time()
    for name in names:
        m = rx.fullmatch(name)
        if m is None:
            continue
        path = folder / name
        try:
            age = now - path.lstat().st_mtime
        except OSError:
            continue
        pid = int(m.group(1)) if m.group(1) else None
        gone = pid is not None and pid != os.getpid() and not _running(pid)
        if (gone and age > _LEFTOVER_AGE_S) or age > _STALE_AGE_S:
            try:
                path.unlink()
                removed.append(path)
            except OSError:
                pass
    return removed


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError, OverflowError):
        return True  # someone else's process, or cannot tell: leave its file alone
    return True


def _discard(tmp: Path | None) -> None:
    if tmp is None:
        return
    try:
        tmp.unlink()
    except OSError:
        pass


def atomic_write_text(path: str | os.PathLike[str], text: str) -> Path:
    """`atomic_write` of a UTF-8 text."""
    return atomic_write(path, lambda fh: fh.write(text.encode("utf-8")))
