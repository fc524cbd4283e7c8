"""The window and the library's two passes: indexing progress (done/total, rate, time
left) for the text and then the entities, Cancel, resuming, stored entities read back
when a release is opened, and a new extractor version in the background."""
from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from ui_helpers import close_and_wait, doc_id_of, open_and_wait, show

import reviewer.core.analysis as analysis
import reviewer.core.extract as extract_mod
from reviewer.core.entity_cache import CACHE_FILE
from reviewer.core.model import Entity


def _releases(folder: Path, n: int) -> Path:
    folder.mkdir()
    for i in range(n):
        (folder / f"release-{i:03d}.txt").write_text(
            f"Release number {i}\n\nHANOI, 3 June 2024 – Minister Nguyen Van An met Acme "
            f"Holdings Inc. in Hanoi about uniq{i}word, said Maria Santos.\n", encoding="utf-8")
    return folder


def _marks(window) -> list[tuple[int, int, str]]:
    return [(e.start, e.end, e.label) for e in window.view.entities]


def test_a_release_opened_again_does_not_run_the_extractor(window, qtbot,
                                                           extractions: list[str]) -> None:
    first = doc_id_of(window, "001_5823aec3ae932b3b.txt")
    other = doc_id_of(window, "002_b7fa9ce2e10e8a5e.txt")
    open_and_wait(window, first)
    shown = _marks(window)
    assert shown and window.doc_pane.extraSelections()  # highlighted
    open_and_wait(window, other)
    open_and_wait(window, first)
    assert extractions == []  # stored by the entity pass, read back at every open
    assert _marks(window) == shown

    # Without stored entities (the cache emptied), the first open extracts on the
    # loading worker and stores them; the next open reads them back.
    db = sqlite3.connect(window.ws.data_dir / CACHE_FILE)
    db.execute("DELETE FROM entities")
    db.commit()
    db.close()
    open_and_wait(window, other)
    assert len(extractions) == 1
    open_and_wait(window, first)
    open_and_wait(window, other)
    assert len(extractions) == 2  # `first` once, `other` once
    assert window.view.entities


def test_indexing_shows_progress_then_entities_with_cancel_and_resume(
        window, qtbot, tmp_path, extractions: list[str], monkeypatch) -> None:
    import threading

    import reviewer.core.analysis as analysis

    folder = _releases(tmp_path / "more", 40)
    # the pass waits at its sixth extraction until Cancel is clicked: the click always
    # lands while the pass runs, however fast the machine
    go = threading.Event()
    counted = analysis.extract_base

    def held(text, structure=None, model=True):  # type: ignore[no-untyped-def]
        if len(extractions) >= 5:
            go.wait(30)
        return counted(text, structure, model)

    monkeypatch.setattr(analysis, "extract_base", held)
    window.scans.workers = 0  # in the scan thread: the cancel lands between releases
    bar = window.status_bar
    text_lines: list[str] = []
    entity_lines: list[str] = []
    during_text: list[int] = []  # extractions run so far, at each step of the text pass

    def text_progress(*_args) -> None:
        text_lines.append(bar.progress_text.text())
        during_text.append(len(extractions))

    window.scans.progress.connect(text_progress)
    window.scans.entitiesProgress.connect(
        lambda *a: entity_lines.append(bar.progress_text.text()))

    with qtbot.waitSignal(window.entitiesFinished, timeout=60000) as sig:
        with qtbot.waitSignal(window.scanFinished, timeout=60000) as scanned:
            window.sync.add_folder(str(folder))
            assert bar.progress.isVisible() and bar.cancel_button.isVisible()
        assert scanned.args[0].added == 40
        assert len(during_text) >= 2 and set(during_text) == {0}  # no extraction...
        window.library_pane.search.setText("uniq17word")
        with qtbot.waitSignal(window.library_pane.searchFinished, timeout=30000):
            window.library_pane.run_query()  # ...and the releases are searchable at once
        assert window.library_pane.results_model.rowCount() == 1
        qtbot.waitUntil(lambda: len(extractions) >= 5, timeout=30000)
        assert bar.cancel_button.isVisible()
        qtbot.mouseClick(bar.cancel_button, Qt.MouseButton.LeftButton)
        go.set()
    report = sig.args[0]
    assert report.cancelled and 5 <= report.extracted < 40
    assert text_lines[-1].startswith("Indexing text 40/40")
    assert any("/s" in line and "left" in line for line in text_lines[:-1])
    assert entity_lines and entity_lines[0].startswith("Entities ")
    assert any("/40" in line and "left" in line for line in entity_lines)
    assert "cancelled" in bar.progress_text.text()
    assert not bar.cancel_button.isVisible() and not bar.progress.isVisible()
    assert not window.scans.running  # it waits for the next scan, or the menu
    # the library's Entities column: a number where they are extracted, blank (not 0)
    # where the pass has not been yet
    model = window.library_pane.library_model
    shown = {Path(d.path).name: model.index_of_doc(d.id).siblingAtColumn(2)
             for d in model.documents() if Path(d.path).parent == folder}
    filled = [n for n, ix in shown.items() if ix.data()]
    blank = [n for n, ix in shown.items() if ix.data() == ""]
    assert len(filled) == report.extracted and len(blank) == 40 - report.extracted
    assert all(int(shown[n].data()) > 0 for n in filled)
    assert "not extracted yet" in shown[blank[0]].data(Qt.ItemDataRole.ToolTipRole)
    done_before = len(extractions)

    with qtbot.waitSignal(window.entitiesFinished, timeout=60000) as sig:
        window.window_actions["fill_entities"].trigger()
    again = sig.args[0]
    assert not again.cancelled and again.extracted == 40 - done_before
    assert len(extractions) == 40  # nothing extracted twice
    assert "extracted" in bar.progress_text.text()
    window.library_pane.search.setText("person:santos")
    with qtbot.waitSignal(window.library_pane.searchFinished, timeout=30000):
        window.library_pane.run_query()
    assert window.library_pane.results_model.rowCount() == 40
    counts = [model.index_of_doc(d.id).siblingAtColumn(2).data()
              for d in model.documents() if Path(d.path).parent == folder]
    assert len(counts) == 40 and all(c and int(c) > 0 for c in counts)


def test_scan_requested_during_entity_pass_goes_first_and_the_pass_resumes(
        window, qtbot, tmp_path, extractions: list[str], monkeypatch) -> None:
    import threading

    folder = _releases(tmp_path / "more", 30)
    # the pass waits at its fourth extraction until the scan is asked for: the request
    # always lands while the pass runs, however fast the machine
    go = threading.Event()
    counted = analysis.extract_base

    def held(text, structure=None, model=True):  # type: ignore[no-untyped-def]
        if len(extractions) >= 3:
            go.wait(30)
        return counted(text, structure, model)

    monkeypatch.setattr(analysis, "extract_base", held)
    window.scans.workers = 0
    finished = []
    window.entitiesFinished.connect(finished.append)
    with qtbot.waitSignal(window.scanFinished, timeout=60000):
        window.sync.add_folder(str(folder))
    qtbot.waitUntil(lambda: len(extractions) >= 3, timeout=30000)
    (folder / "late.txt").write_text("Late release\n\nLatecomerword in Paris.\n",
                                     encoding="utf-8")
    with qtbot.waitSignal(window.scanFinished, timeout=60000) as sig:
        window.scans.request()
        go.set()
    assert sig.args[0].added == 1
    qtbot.waitUntil(lambda: not window.scans.running, timeout=60000)
    assert finished[0].cancelled and not finished[-1].cancelled
    assert len(extractions) == 31 and window.ws.library.pending_entities() == 0


@pytest.fixture
def new_extractor(monkeypatch):
    """Installs a new rule-engine version that tags every "ASEAN" as an EVENT."""
    def install() -> None:
        monkeypatch.setattr(extract_mod, "RULES_VERSION",
                            extract_mod.RULES_VERSION + ".next")
        real = analysis.extract_base

        def changed(text, structure=None, model=True):
            spans = [m.span() for m in re.finditer(r"\bASEAN\b", text)]
            out = [e for e in real(text, structure, model)
                   if not any(e.start < b and a < e.end for a, b in spans)]
            out += [Entity(a, b, "EVENT", "ASEAN", score=0.9) for a, b in spans]
            return sorted(out, key=lambda e: e.start)

        monkeypatch.setattr(analysis, "extract_base", changed)
    return install


def _asean_events(window) -> int:
    return sum(1 for e in window.view.entities if e.label == "EVENT" and e.text == "ASEAN")


def test_new_extractor_version_reextracts_in_the_background_and_keeps_reviewed(
        window, qtbot, open_window, new_extractor) -> None:
    reviewed_name, other_name = "003_0f462b27d61fa48e.txt", "001_5823aec3ae932b3b.txt"
    show(window, reviewed_name)
    qtbot.keyClick(window, "3", Qt.KeyboardModifier.ControlModifier)
    assert window.ws.store.status(window.view.document.doc_id) == "reviewed"
    reviewed_marks = _marks(window)
    show(window, other_name)
    assert _asean_events(window) == 0
    data = window.ws.data_dir
    close_and_wait(window)

    new_extractor()
    w2 = open_window(data, scan=False)
    entity_lines: list[str] = []
    w2.scans.workers = 0
    w2.scans.entitiesProgress.connect(
        lambda *a: entity_lines.append(w2.status_bar.progress_text.text()))
    with qtbot.waitSignal(w2.entitiesFinished, timeout=60000) as sig:
        w2.scans.request()  # as at every start: a scan, then the entities it lacks
    report = sig.args[0]
    # all but the reviewed release (the one the window reopened was extracted as it
    # opened, and stored: the pass reads it back)
    assert report.total == report.done == 4 and not report.cancelled
    assert any(line.startswith("Entities ") for line in entity_lines)
    show(w2, other_name)
    assert _asean_events(w2) > 0
    show(w2, reviewed_name)
    assert _marks(w2) == reviewed_marks  # as it was reviewed
    assert w2.ws.store.status(w2.view.document.doc_id) == "reviewed"
