"""Searching as the reviewer types: on a worker, superseded searches stopped, the window
responsive, malformed queries explained, hits framed in the text, the status facet
current after Ctrl+2 / Ctrl+3."""
from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor
from ui_helpers import FIRST, doc_id_of, open_and_wait

from reviewer.core.palette import HIT_FRAME_COLOR, LABEL_BASE_COLORS, LABEL_COLORS

SLOW_READ_S = 0.15  # a slow network folder: every release read takes this long


def _slow_disk(window, reads: list[str], hold_first_until_superseded: bool = False) -> None:
    searcher = window.ws.searcher
    original = searcher._load_text

    def slow(path: str) -> str:
        reads.append(path)
        if hold_first_until_superseded and len(reads) == 1:
            # The first read lasts until a newer search started, however loaded the
            # machine is: the running search must then stop at its next check.
            gen = searcher._generation
            deadline = time.monotonic() + 10
            while searcher._generation == gen and time.monotonic() < deadline:
                time.sleep(0.01)
        time.sleep(SLOW_READ_S)
        return original(path)

    searcher._load_text = slow


def _type(qtbot, box, text: str) -> None:
    box.setFocus()
    qtbot.keyClicks(box, text)


def test_typing_stops_the_superseded_search_and_the_window_stays_responsive(window,
                                                                            qtbot) -> None:
    lp = window.library_pane
    reads: list[str] = []
    _slow_disk(window, reads, hold_first_until_superseded=True)
    shown: list[str] = []
    lp.runner.firstScreen.connect(lambda r: shown.append(r.query))
    gaps: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    probe = QTimer()
    probe.setInterval(5)
    probe.timeout.connect(tick)
    probe.start()
    t0 = time.perf_counter()
    _type(qtbot, lp.search, "ASEAN")  # five releases to highlight: 0.75 s of reads
    qtbot.waitUntil(lambda: len(reads) >= 1, timeout=5000)
    _type(qtbot, lp.search, " Japan")  # typed while the first search reads
    with qtbot.waitSignal(lp.searchFinished, timeout=30000):
        pass
    qtbot.waitUntil(lambda: not lp.runner.busy, timeout=30000)
    took = time.perf_counter() - t0
    probe.stop()
    # the superseded search never reached the list (a refill of the whole library, the
    # empty query, may come in between when a background pass ends)
    assert [q for q in shown if q] == ["ASEAN Japan"]
    # The latest search read each release it lists (all highlighted: fewer than a
    # screen); the rest was read by the superseded one, which matched all five.
    assert lp.results_model.rowCount() >= 1
    first_run_reads = len(reads) - lp.results_model.rowCount()
    assert first_run_reads < 5  # it stopped before reading all its releases
    # The window kept painting and reacting: its longest pause is a small part of the
    # time the searches took (a search on the GUI thread would pause it for all of it).
    assert took > 4 * SLOW_READ_S
    assert max(gaps) / took < 0.3, (max(gaps), took)


def test_a_bare_star_lists_every_release_without_freezing(window, qtbot) -> None:
    lp = window.library_pane
    with qtbot.waitSignal(lp.searchFinished, timeout=10000):
        _type(qtbot, lp.search, "*")
    qtbot.waitUntil(lambda: lp.results_model.rowCount() == 5, timeout=5000)
    assert lp.count_label.text() == "5 releases"


def test_malformed_queries_say_what_is_wrong_and_clear_the_hits(window, qtbot) -> None:
    lp = window.library_pane
    with qtbot.waitSignal(lp.searchFinished, timeout=10000):
        _type(qtbot, lp.search, "ASEAN")
    qtbot.waitUntil(lambda: bool(window.doc_pane.hits), timeout=5000)
    for query, says in [("date:[2021 to", "range is not closed"),
                        ('"unterminated', "phrase is not closed"),
                        ("person:(Dung", "parenthesis is not closed"),
                        ("*tion", "starts with a wildcard")]:
        lp.search.clear()
        with qtbot.waitSignal(lp.searchFinished, timeout=10000):
            _type(qtbot, lp.search, query)
        assert says in lp.count_label.text(), query
        assert lp.results_model.rowCount() == 0
        qtbot.waitUntil(lambda: window.doc_pane.hits == [], timeout=5000)


def _frame_pixels(window) -> int:
    """Pixels of the hit frame's colour in a grab of the text pane."""
    image = window.doc_pane.viewport().grab().toImage()
    want = QColor(HIT_FRAME_COLOR)
    n = 0
    for y in range(0, image.height()):
        for x in range(0, image.width(), 1):
            c = image.pixelColor(x, y)
            if abs(c.red() - want.red()) < 30 and abs(c.green() - want.green()) < 30 \
                    and abs(c.blue() - want.blue()) < 30:
                n += 1
    return n


def test_hits_are_framed_in_a_colour_no_label_uses_and_cleared_without_results(
        window, qtbot) -> None:
    frame = QColor(HIT_FRAME_COLOR)
    for colour in list(LABEL_COLORS.values()) + list(LABEL_BASE_COLORS.values()):
        c = QColor(colour)
        assert abs(c.red() - frame.red()) + abs(c.green() - frame.green()) \
            + abs(c.blue() - frame.blue()) > 90, colour
    open_and_wait(window, doc_id_of(window, FIRST))
    assert _frame_pixels(window) == 0
    ents = [(e.start, e.end) for e in window.view.entities]
    lp = window.library_pane
    with qtbot.waitSignal(lp.searchFinished, timeout=10000):
        _type(qtbot, lp.search, "Forum OR cooperation")  # in "36th ASEAN-Japan Forum"
    qtbot.waitUntil(lambda: bool(window.doc_pane.hits), timeout=5000)
    hits = window.doc_pane.hits
    # a hit inside an entity and one on plain text: both framed
    assert any(any(a <= s and e <= b for a, b in ents) for s, e in hits)
    assert any(all(e <= a or b <= s for a, b in ents) for s, e in hits)
    rects = window.doc_pane.hit_rects()
    assert rects
    window.doc_pane.viewport().repaint()
    assert _frame_pixels(window) > 20
    window.doc_pane.viewport().grab().save(str(window.ws.data_dir / "hits.png"))
    lp.search.clear()
    with qtbot.waitSignal(lp.searchFinished, timeout=10000):
        _type(qtbot, lp.search, "zzqqxx")  # matches nothing
    assert lp.count_label.text() == "0 releases"
    qtbot.waitUntil(lambda: window.doc_pane.hits == [], timeout=5000)
    window.doc_pane.viewport().repaint()
    assert _frame_pixels(window) == 0


def _status_counts(lp) -> dict[str, int]:
    fm = lp.facet_model
    for r in range(fm.rowCount()):
        top = fm.index(r, 0)
        if top.data() == "Status":
            return {fm.index(c, 0, top).data(): int(fm.index(c, 1, top).data())
                    for c in range(fm.rowCount(top))}
    return {}


def test_the_status_facet_follows_ctrl_2_and_ctrl_3(window, qtbot) -> None:
    lp = window.library_pane
    qtbot.waitUntil(lambda: _status_counts(lp) == {"unreviewed": 5}, timeout=10000)
    window.doc_pane.setFocus()
    qtbot.keyClick(window, "3", Qt.KeyboardModifier.ControlModifier)  # reviewed
    qtbot.waitUntil(lambda: _status_counts(lp) == {"reviewed": 1, "unreviewed": 4},
                    timeout=10000)
    with qtbot.waitSignal(lp.searchFinished, timeout=10000):
        _type(qtbot, lp.search, "*")
    qtbot.waitUntil(lambda: _status_counts(lp) == {"reviewed": 1, "unreviewed": 4},
                    timeout=10000)
    window.doc_pane.setFocus()
    qtbot.keyClick(window, "2", Qt.KeyboardModifier.ControlModifier)  # in progress
    qtbot.waitUntil(lambda: _status_counts(lp) == {"in progress": 1, "unreviewed": 4},
                    timeout=10000)
    assert lp.results_model.rowCount() == 5
