"""UI test fixtures: real widgets, offscreen, on a temporary data folder holding a copy of
the sample releases (never the user's data or settings)."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import shutil  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from ui_helpers import close_and_wait  # noqa: E402

from reviewer.core.review.workspace import Workspace  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "sample_docs"



@pytest.fixture
def ui_dirs(tmp_path: Path) -> tuple[Path, Path]:
    """(data folder, releases folder): the releases folder is the library's only folder."""
    data, docs = tmp_path / "data", tmp_path / "releases"
    shutil.copytree(SAMPLES, docs)
    with Workspace(data) as ws:
        ws.store.add_folder(str(docs.resolve()))
    return data, docs


@pytest.fixture
def open_window(qtbot) -> Iterator[Callable]:
    """Factory: open the main window on a data folder and wait for the first scan and the
    first release to be shown. Every window is closed at the end, and its workspace with
    it (closing finishes on a thread after the window is gone)."""
    from reviewer.ui.app import create_main_window

    opened = []

    def _open(data: Path, *, scan: bool = True):
        w = create_main_window(str(data), start_scan=scan)
        qtbot.addWidget(w)
        opened.append(w)
        if scan:
            with qtbot.waitSignal(w.scanFinished, timeout=30000):
                w.show()
            # then the entity pass that follows a scan (search and facets with entities)
            qtbot.waitUntil(lambda: not w.scans.running, timeout=30000)
        else:
            w.show()
        # The release's text first, then (next event-loop turn) summary and proposals.
        qtbot.waitUntil(lambda: w.view is not None and not w.presenter.deferred_timer.isActive(),
                        timeout=10000)
        return w

    yield _open
    for w in opened:
        if not w.shutdown_done.is_set():
            close_and_wait(w)


@pytest.fixture
def window(ui_dirs, open_window):
    return open_window(ui_dirs[0])

