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
