"""Shared fixtures: every test gets its own data folder, never the user's real one."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DOCS = ROOT / "sample_docs"


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data = tmp_path / "reviewer-data"
    monkeypatch.setenv("REVIEWER_DATA_DIR", str(data))
    return data


@pytest.fixture
def data_dir(_isolated_data_dir: Path) -> Path:
    return _isolated_data_dir


@pytest.fixture
def samples(tmp_path: Path) -> Path:
    """A writable copy of the five sample releases."""
    dest = tmp_path / "releases"
    shutil.copytree(SAMPLE_DOCS, dest)
    return dest


@pytest.fixture
def small_disk(tmp_path: Path):
    """A real 16 MB tmpfs for this test (see tests/disks.py)."""
    from disks import mounted_tmpfs

    with mounted_tmpfs(tmp_path / "disk") as disk:
        yield disk


@pytest.fixture
def extractions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Counts the runs of the expensive extraction (the rules and the learned model) in
    this process, by the first line of the text they ran on."""
    import reviewer.core.analysis as analysis

    calls: list[str] = []
    real = analysis.extract_base

    def counted(text, structure=None, model=True):  # type: ignore[no-untyped-def]
        calls.append(text.split("\n", 1)[0])
        return real(text, structure, model)

    monkeypatch.setattr(analysis, "extract_base", counted)
    return calls
