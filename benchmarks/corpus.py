"""The benchmark corpus: unpacked once, then the first N releases copied to a work folder."""
from __future__ import annotations

import shutil
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARBALL = ROOT.parent / "shared" / "corpus" / "press-releases.tar.xz"
DEFAULT_UNPACKED = Path("/tmp/corpus")
EXPECTED = 24676


def locate(corpus: str | None, scratch: Path) -> Path:
    """A folder holding the unpacked tree: --corpus, /tmp/corpus if complete, or a fresh
    unpack of the tarball into `scratch`."""
    if corpus:
        return Path(corpus)
    if DEFAULT_UNPACKED.is_dir() and sum(1 for _ in DEFAULT_UNPACKED.rglob("*.md")) >= EXPECTED:
        return DEFAULT_UNPACKED
    target = scratch / "unpacked"
    target.mkdir(parents=True, exist_ok=True)
    with tarfile.open(TARBALL) as tf:
        tf.extractall(target, filter="data")
    return target


def select(corpus: Path, limit: int) -> list[Path]:
    files = sorted(corpus.rglob("*.md"))
    return files if limit <= 0 else files[:limit]


def copy_library(files: list[Path], corpus: Path, dest: Path, copies: int = 1) -> Path:
    """Copy the chosen files (same relative layout) into `dest`, so touching them for
    the incremental run never changes the shared unpacked corpus. With `copies` > 1,
    each copy k goes to `copy<k>/` with file names prefixed `c<k>_` (98,704 releases
    from the 24,676 of the corpus with 4)."""
    for k in range(1, copies + 1):
        for f in files:
            rel = f.relative_to(corpus)
            if copies > 1:
                rel = Path(f"copy{k}") / rel.parent / f"c{k}_{rel.name}"
            out = dest / rel
            out.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(f, out)
    return dest
