"""File > Sync with team in the window, against a real server: progress, the release and
the library repainted, and who changed what ("Marked by Ana Lima, 10:42")."""
from __future__ import annotations

import hashlib
import shutil
import sys
from pathlib import Path

import pytest

pytest.importorskip("psycopg")
pytest.importorskip("pytestqt")

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ui"))
from ui_helpers import FIRST, close_and_wait, open_and_wait, show, wait_until  # noqa: E402

from reviewer.core.documents import loaders  # noqa: E402
from reviewer.core.model import Correction  # noqa: E402
from reviewer.core.review.workspace import Workspace  # noqa: E402
from reviewer.core.store import ReviewStore  # noqa: E402
from reviewer.core.sync import TeamSettings, conflicts, sync  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def laptop_window(qtbot, data: Path, releases: Path, url: str, every: int | None = None):
    """A reviewer's window on `releases`, set to sync with `url`, shown once its first
    scan is done."""
    from reviewer.ui.app import create_main_window

    with Workspace(data) as ws:
        ws.store.add_folder(str(releases.resolve()))
        settings = TeamSettings(ws.store)
        settings.set_server(url)
        if every is not None:
            settings.set_interval(every)
    w = create_main_window(str(data), start_scan=True)
    qtbot.addWidget(w)
    with qtbot.waitSignal(w.scanFinished, timeout=60000):
        w.show()
    return w


def test_sync_with_team_shows_what_others_changed(team, tmp_path, qtbot) -> None:

    ana_url, ben_url = team.add("ana", "Ana Lima"), team.add("ben", "Ben Okafor")
    # Ana, on her laptop, reviews the first release and labels a name in it.
    path = ROOT / "sample_docs" / FIRST
    text = loaders.load(path).text
    start = text.index("Forum")
    ana = ReviewStore(tmp_path / "ana" / "review.sqlite3")
    doc = ana.upsert_document(str(path), sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
                              size=1, mtime_ns=1)
    ana.set_status(doc, "reviewed")
    ana.add_correction(Correction("add", start, start + len("Forum"), "EVENT", "Forum",
                                  doc_id=doc))
    sync(ana, ana_url)

    # Ben's window, on his own copy of the releases.
    data, releases = tmp_path / "ben" / "data", tmp_path / "ben" / "releases"
    shutil.copytree(ROOT / "sample_docs", releases)
    w = laptop_window(qtbot, data, releases, ben_url, every=5)  # `reviewer sync --every 5`
    try:
        show(w, FIRST)
        assert w.team.state.text().startswith("Team: synced never")
        assert w.team.timer.isActive() and w.team.timer.interval() == 5 * 60_000
        with qtbot.waitSignal(w.team.finished, timeout=60000) as got:
            w.window_actions["team_sync"].trigger()
            assert w.team.cancel_button.isVisible()
        report = got.args[0]
        assert report.pulled == 2 and not report.cancelled
        assert not w.team.progress.isVisible()
        assert "Team: synced" in w.team.state.text() and "never" not in w.team.state.text()
        # The open release shows Ana's label and status at once...
        wait_until(lambda: any(e.label == "EVENT" and e.start == start
                               for e in w.view.entities))
        assert w.status_combo.currentText() == "reviewed"
        # ...and who did it.
        assert w.team.dock.isVisible()
        edits = [w.team.edits.item(i).text() for i in range(w.team.edits.count())]
        assert any(e.startswith("Marked by Ana Lima, ") and e.endswith(": reviewed")
                   for e in edits)
        assert any(e.startswith("Corrected by Ana Lima, ") and "EVENT “Forum”" in e
                   for e in edits)
        assert not w.team.keep_button.isVisible()  # Ben is no lead
        # Ben's own change travels the other way at the next periodic sync.
        w.edits.set_status("in progress")
        wait_until(lambda: "1 to send" in w.team.state.text())
        with qtbot.waitSignal(w.team.finished, timeout=60000) as got:
            w.team.timer.timeout.emit()  # five minutes later
        assert got.args[0].pushed == 1
    finally:
        close_and_wait(w)
    sync(ana, ana_url)
    assert ana.status(doc) == "in progress"
    ana.close()
    assert ben_url  # Ben's address was the one remembered in his data folder


def test_a_lead_decides_a_conflict_from_the_team_panel(team, tmp_path, qtbot) -> None:
    from PySide6.QtCore import Qt


    ana_url, ben_url = team.add("ana", "Ana Lima"), team.add("ben", "Ben Okafor")
    lea_url = team.add("lea", "Lea Park", lead=True)
    path = ROOT / "sample_docs" / FIRST
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    laptops = []
    for who, url, status in (("ana", ana_url, "verified"), ("ben", ben_url, "disputed")):
        s = ReviewStore(tmp_path / who / "review.sqlite3")
        d = s.upsert_document(str(path), sha256=sha, size=1, mtime_ns=1)
        s.set_fact_status(d, "figure:0", status)
        laptops.append((s, url, d))
    for s, url, _ in (*laptops, laptops[0]):
        sync(s, url)

    data, releases = tmp_path / "lea" / "data", tmp_path / "lea" / "releases"
    shutil.copytree(ROOT / "sample_docs", releases)
    w = laptop_window(qtbot, data, releases, lea_url)
    try:
        show(w, FIRST)
        with qtbot.waitSignal(w.team.finished, timeout=60000):
            w.window_actions["team_sync"].trigger()
        panel = w.team.conflict_list
        lines = [panel.item(i).text() for i in range(panel.count())]
        title = next(d.title for d in w.ws.store.documents() if d.sha256 == sha)
        assert title and lines[0] == f"fact figure:0 in “{title}”"
        assert any("Ana Lima" in x and x.strip().endswith(": verified") for x in lines[1:])
        assert w.team.keep_button.isVisible() and not w.team.keep_button.isEnabled()
        row = next(i for i in range(1, panel.count()) if "Ana Lima" in panel.item(i).text())
        rect = panel.visualItemRect(panel.item(row))
        qtbot.mouseClick(panel.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        assert w.team.keep_button.isEnabled()
        qtbot.mouseClick(w.team.keep_button, Qt.MouseButton.LeftButton)
        assert panel.count() == 0
        doc_id = w.controller.session.doc_id
        assert w.ws.store.fact_statuses(doc_id)["figure:0"].status == "verified"
        with qtbot.waitSignal(w.team.finished, timeout=60000) as got:
            w.window_actions["team_sync"].trigger()
        assert got.args[0].pushed == 1
    finally:
        close_and_wait(w)
    for s, url, d in laptops:
        sync(s, url)
        assert conflicts(s) == []
        assert s.fact_statuses(d)["figure:0"].status == "verified"
        s.close()


def test_a_read_only_window_leaves_sync_to_the_writing_one(tmp_path, qtbot) -> None:
    from reviewer.ui.app import create_main_window

    data, releases = tmp_path / "data", tmp_path / "releases"
    shutil.copytree(ROOT / "sample_docs", releases)
    with Workspace(data) as writer:  # another Reviewer holds the data folder
        writer.store.add_folder(str(releases.resolve()))
        TeamSettings(writer.store).set_server("postgresql://ana@127.0.0.1:1/team")
        w = create_main_window(str(data), start_scan=False)
        qtbot.addWidget(w)
        try:
            w.show()
            assert w.ws.readonly
            assert w.team.state.text() == "Team: syncs from the other window"
            assert not w.window_actions["team_sync"].isEnabled()
            assert not w.team.timer.isActive()
        finally:
            close_and_wait(w)


def test_a_sync_cancelled_midway_finishes_at_the_next_one(team, tmp_path, qtbot,
                                                         monkeypatch) -> None:
    import time

    from PySide6.QtCore import Qt

    import reviewer.core.sync as core_sync

    # The first sync waits after its first batch until Cancel is clicked (at most 30 s):
    # the click always lands mid-sync, however fast the machine.
    real_sync = core_sync.sync
    held = [True]

    def sync_held(store, url, *, cancelled=None, **kw):  # type: ignore[no-untyped-def]
        def gate() -> bool:
            if held[0] and cancelled is not None:
                held[0] = False
                deadline = time.monotonic() + 30
                while not cancelled() and time.monotonic() < deadline:
                    time.sleep(0.02)
            return bool(cancelled and cancelled())
        return real_sync(store, url, cancelled=gate, **kw)

    monkeypatch.setattr(core_sync, "sync", sync_held)

    ana_url, ben_url = team.add("ana", "Ana Lima"), team.add("ben", "Ben Okafor")
    path = ROOT / "sample_docs" / FIRST
    ana = ReviewStore(tmp_path / "ana" / "review.sqlite3")
    doc = ana.upsert_document(str(path), sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
                              size=1, mtime_ns=1)
    notes = 2500  # three batches of 1,000
    for i in range(notes):
        ana.add_note(doc, f"checked paragraph {i}")
    sync(ana, ana_url)
    ana.close()

    data, releases = tmp_path / "ben" / "data", tmp_path / "ben" / "releases"
    shutil.copytree(ROOT / "sample_docs", releases)
    w = laptop_window(qtbot, data, releases, ben_url)
    try:
        show(w, FIRST)
        clicked = []

        def cancel_once(phase: str, done: int, total: int) -> None:
            if phase == "pull" and not clicked:
                assert w.team.progress.isVisible()
                assert w.team.state.text().startswith("Receiving ")
                clicked.append(done)
                qtbot.mouseClick(w.team.cancel_button, Qt.MouseButton.LeftButton)

        with qtbot.waitSignal(w.team.finished, timeout=60000) as got:
            w.window_actions["team_sync"].trigger()
            w.team._task.signals.progress.connect(cancel_once)
        first = got.args[0]
        assert first.cancelled and 0 < first.pulled < notes
        assert "cancelled" in w.team.state.toolTip()
        doc_id = w.controller.session.doc_id
        assert len(w.ws.store.notes(doc_id)) == first.pulled
        with qtbot.waitSignal(w.team.finished, timeout=60000) as got:
            w.window_actions["team_sync"].trigger()
        assert not got.args[0].cancelled
        assert len(w.ws.store.notes(doc_id)) == notes
    finally:
        close_and_wait(w)


def test_an_unreachable_server_is_said_plainly_and_nothing_is_lost(tmp_path, qtbot) -> None:
    import socket


    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    data, releases = tmp_path / "data", tmp_path / "releases"
    shutil.copytree(ROOT / "sample_docs", releases)
    w = laptop_window(qtbot, data, releases, f"postgresql://ana@127.0.0.1:{port}/team")
    try:
        show(w, FIRST)
        w.edits.set_status("reviewed")
        # the release's own line ("…, reviewed") comes first; the sync's news after it
        qtbot.waitUntil(lambda: "reviewed" in w.status_bar.text.text(), timeout=30000)
        qtbot.wait(200)
        with qtbot.waitSignal(w.team.failed, timeout=60000) as got:
            w.window_actions["team_sync"].trigger()
        assert "cannot be reached" in got.args[0] and "kept on this computer" in got.args[0]
        assert "cannot be reached" in w.status_bar.text.text()
        assert "1 to send" in w.team.state.text()
        assert not w.team.progress.isVisible() and not w.team.cancel_button.isVisible()
    finally:
        close_and_wait(w)


def test_a_release_the_team_shared_appears_in_the_window_with_the_team_work(
        team, tmp_path, qtbot) -> None:

    ana_url, ben_url = team.add("ana", "Ana Lima"), team.add("ben", "Ben Okafor")
    # Ana shares the files of the releases she reviews; Ben does not have her release.
    path = ROOT / "sample_docs" / FIRST
    text = loaders.load(path).text
    start = text.index("Forum")
    with Workspace(tmp_path / "ana") as ws:
        ws.library.add_paths([path])
        ws.library.scan(entities=False)
        doc = ws.store.documents()[0].id
        ws.store.add_correction(Correction("add", start, start + len("Forum"), "EVENT",
                                           "Forum", doc_id=doc))
        TeamSettings(ws.store).set_share_texts(True)
        assert sync(ws.store, ana_url).texts_sent == 1

    data, releases = tmp_path / "ben" / "data", tmp_path / "ben" / "releases"
    releases.mkdir(parents=True)
    other = sorted((ROOT / "sample_docs").glob("*.txt"))[2]
    shutil.copy2(other, releases / other.name)
    w = laptop_window(qtbot, data, releases, ben_url)
    try:
        assert len(w.ws.store.documents()) == 1
        with qtbot.waitSignal(w.team.finished, timeout=60000) as got:
            w.window_actions["team_sync"].trigger()
        assert len(got.args[0].texts_received) == 1
        # The window scans the shared folder by itself: the release is in the library
        # list, and Ana's label is on it when Ben opens it.
        wait_until(lambda: any(d.path.endswith(FIRST) for d in w.ws.store.documents()))
        shared = next(d for d in w.ws.store.documents() if d.path.endswith(FIRST))
        wait_until(lambda: w.library_pane.library_model.index_of_doc(shared.id).isValid())
        wait_until(lambda: [c.label for c in w.ws.store.corrections(shared.id)] == ["EVENT"])
        open_and_wait(w, shared.id)
        assert any(e.label == "EVENT" and e.start == start for e in w.view.entities)
        assert "Team: synced" in w.team.state.text()
    finally:
        close_and_wait(w)
