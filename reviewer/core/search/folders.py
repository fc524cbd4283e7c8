"""The library's folders on disk: the supported files under a folder, without following
directory links, and the file links that lead out of the library, which are not read."""
from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

from reviewer.core.documents import loaders

#: Extra folders that links inside a library folder may point into (separated by the
#: platform's path separator, `:` or `;`); `/` allows any target.
LINK_TARGETS_ENV = "REVIEWER_LINK_TARGETS"


def link_roots(folders: Iterable[str | Path]) -> list[Path]:
    """The folders a link inside the library may point into: the library folders and the
    folders named in $REVIEWER_LINK_TARGETS, resolved."""
    extra = [p for p in os.environ.get(LINK_TARGETS_ENV, "").split(os.pathsep) if p.strip()]
    roots = []
    for f in [*folders, *extra]:
        try:
            roots.append(Path(f).expanduser().resolve())
        except (OSError, RuntimeError):
            continue
    return roots


def link_problem(path: str | Path, roots: list[Path]) -> str | None:
    """Why the file at `path` must not be read because of a link on the way to it (its
    target lies outside `roots`), or None. A path that is no link is never a problem."""
    p = Path(path)
    try:
        if not p.is_symlink() and p.resolve() == p.absolute():
            return None
        target = p.resolve()
    except (OSError, RuntimeError):
        return None  # a loop: reading it fails with its own message
    if under_any(target, roots):
        return None
    return (f"a link to {loaders.printable_path(str(target))}, outside the library folders: "
            f"not followed (allow it with {LINK_TARGETS_ENV})")


def walk_supported(root: Path,
                   errors: list[tuple[str, str]] | None = None,
                   skipped: list[tuple[str, str]] | None = None,
                   roots: list[Path] | None = None) -> Iterator[Path]:
    """Supported files under `root`, recursively, without following directory symlinks
    (a symlink loop must not hang a scan). A file given directly is yielded as it is.

    Folders that cannot be listed go to `errors` as (path, reason). Files that are never
    read go to `skipped` as (path, reason): anything that is not a regular file (a named
    pipe would block the reader forever), a link whose target lies outside `roots` (the
    library folders; None: links are not checked), and a name that is not valid UTF-8,
    which cannot be stored (the reason shows the name with its bytes escaped)."""
    if root.is_file():
        if loaders.is_supported(root):
            yield root
        return

    def onerror(exc: OSError) -> None:
        if errors is not None:
            errors.append((loaders.printable_path(str(exc.filename or root)),
                           f"cannot read folder: {exc.strerror or exc}"))

    def skip(path: Path, reason: str) -> None:
        if skipped is not None:
            skipped.append((loaders.printable_path(str(path)), reason))

    for dirpath, dirnames, filenames in os.walk(root, followlinks=False, onerror=onerror):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith(".") or name.startswith("~$"):
                continue
            path = Path(dirpath) / name
            if not loaders.is_supported(path):
                continue
            if loaders.printable_path(str(path)) != str(path):
                skip(path, "the file name is not valid UTF-8: rename the file to index it")
                continue
            try:
                mode = os.lstat(path).st_mode
            except OSError:
                yield path  # gone or unreadable: reading it reports why
                continue
            if stat.S_ISLNK(mode):
                problem = None if roots is None else link_problem(path, roots)
                if problem:
                    skip(path, problem)
                    continue
                try:
                    mode = os.stat(path).st_mode
                except OSError:
                    yield path  # a dangling link or a loop: reading it reports why
                    continue
            if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
                skip(path, loaders.not_regular_message(mode))
                continue
            yield path


def under_any(path: Path, roots: list[Path]) -> bool:
    """Whether `path` is one of `roots` or inside one of them."""
    return any(path == r or r in path.parents for r in roots)
