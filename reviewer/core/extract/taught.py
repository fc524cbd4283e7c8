"""The extractor versions a reviewer has taught, kept in the data folder.

    <data>/extractor/v0001/  adapter.crfsuite, names.json.gz, model.json
    <data>/extractor/current  the version in use ("" or missing: the shipped model)

A new version is trained into a temporary folder, renamed into place, and only then named
in `current` (written to a temporary file and renamed over it): a process killed at any
point leaves the previous version in use. The shipped model is never written.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from reviewer.core.extract.adapter import AdaptedRecogniser
from reviewer.core.extract.learned import ModelInfo, Recogniser, recogniser

log = logging.getLogger(__name__)

FOLDER = "extractor"
CURRENT = "current"
_VERSION = re.compile(r"v(\d{4,})")


@dataclass(frozen=True)
class Version:
    name: str  # "v0003"
    path: Path
    meta: dict[str, object]

    @property
    def corrections(self) -> int:
        return int(str(self.meta.get("corrections", 0)))

    @property
    def releases(self) -> int:
        return int(str(self.meta.get("releases", 0)))


class TaughtModels:
    """The versions in one data folder."""

    def __init__(self, data_dir: Path) -> None:
        self.folder = Path(data_dir) / FOLDER

    def base(self) -> Recogniser | None:
        """The shipped model every version is taught on."""
        return recogniser()

    def versions(self) -> list[Version]:
        out = []
        if self.folder.is_dir():
            for p in sorted(self.folder.iterdir()):
                if not _VERSION.fullmatch(p.name) or not (p / "model.json").is_file():
                    continue
                try:
                    meta = json.loads((p / "model.json").read_text("utf-8"))
                except (OSError, ValueError):
                    log.warning("unreadable extractor version %s", p)
                    continue
                out.append(Version(p.name, p, meta))
        return out

    def current_name(self) -> str:
        try:
            name = (self.folder / CURRENT).read_text("utf-8").strip()
        except OSError:
            return ""
        return name if (self.folder / name / "model.json").is_file() else ""

    def current(self) -> Version | None:
        name = self.current_name()
        return next((v for v in self.versions() if v.name == name), None)

    def use(self, name: str) -> None:
        """Make `name` the version in use ("" for the shipped model)."""
        if name and not (self.folder / name / "model.json").is_file():
            raise ValueError(f"no extractor version {name}")
        self.folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".current-")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(name + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.folder / CURRENT)

    def add(self, build: Callable[[Path], dict[str, object]]) -> Version:
        """Build a new version with `build(folder)` (which returns its model.json) and
        put it in use. Nothing changes if `build` raises."""
        self.folder.mkdir(parents=True, exist_ok=True)
        self.clean()
        tmp = Path(tempfile.mkdtemp(dir=self.folder, prefix=".new-"))
        try:
            meta = build(tmp)
            (tmp / "model.json").write_text(json.dumps(meta, indent=2) + "\n", "utf-8")
            numbers = [int(m.group(1)) for v in self.versions()
                       if (m := _VERSION.fullmatch(v.name))]
            name = f"v{max(numbers, default=0) + 1:04d}"
            os.replace(tmp, self.folder / name)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        self.use(name)
        return Version(name, self.folder / name, meta)

    def clean(self) -> None:
        """Remove what a killed update left behind."""
        if self.folder.is_dir():
            for p in self.folder.iterdir():
                if p.name.startswith(".new-"):
                    shutil.rmtree(p, ignore_errors=True)
                elif p.name.startswith(".current-"):
                    p.unlink(missing_ok=True)

    def model_path(self) -> str:
        """The folder of the version in use, "" for the shipped model."""
        name = self.current_name()
        return str(self.folder / name) if name else ""

    def recogniser(self) -> Recogniser | None:
        """The recogniser in use: the current taught version on the shipped model, or the
        shipped model alone."""
        return load(self.model_path())


_LOADED: dict[str, Recogniser | None] = {}
_LOAD_LOCK = threading.Lock()


def load(path: str) -> Recogniser | None:
    """The taught version in folder `path` on the shipped model ("" : the shipped model
    alone), loaded once per process (the entity pass's workers call this too). A version
    that cannot be loaded falls back to the shipped model, with one logged error."""
    if not path:
        return recogniser()
    with _LOAD_LOCK:
        if path in _LOADED:
            return _LOADED[path]
        base = recogniser()
        rec: Recogniser | None = base
        if base is not None:
            version = Path(path)
            try:
                meta = json.loads((version / "model.json").read_text("utf-8"))
                info = ModelInfo(f"{base.info.version}+{version.name}",
                                 base.info.trained_on + int(meta.get("releases", 0)),
                                 base.info.mentions + int(meta.get("mentions", 0)),
                                 version)
                rec = AdaptedRecogniser(version, base, info)
            except (OSError, ValueError, KeyError) as exc:
                log.error("extractor version %s could not be loaded: %s", path, exc)
        _LOADED[path] = rec
        return rec
