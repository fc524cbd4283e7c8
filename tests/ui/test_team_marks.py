"""Who on the team changed what, shown where the reviewer looks: under an entity, a fact or
a note another reviewer changed last ("Corrected by Ana Lima, 10:42"), nothing under the
reviewer's own changes, and refreshed after a sync and after every change."""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

pytest.importorskip("psycopg")

from PySide6.QtCore import QEvent, Qt  # noqa: E402
from PySide6.QtGui import QColor, QHelpEvent  # noqa: E402
from PySide6.QtWidgets import QApplication, QToolTip  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sync"))
from team_helpers import as_laptop_of, correction, note, pulled  # noqa: E402
from ui_helpers import show  # noqa: E402

from reviewer.core.sync import SyncReport  # noqa: E402
from reviewer.ui.team_marks import TEAM_COLOR  # noqa: E402

SECOND = "001_5823aec3ae932b3b.txt"


def _earlier_today(minutes: int) -> tuple[float, str]:
    """A time earlier today (changes are applied in the order they were made, so never
    one in the future), and how the window writes it."""
    midnight = dt.datetime.combine(dt.date.today(), dt.time(0, 0, 30))
    when = max(midnight, dt.datetime.now() - dt.timedelta(minutes=minutes))
    return when.timestamp(), when.strftime("%H:%M")


def _tooltip(view, index) -> str:
    """The tooltip the view shows when the pointer rests on `index`."""
    QToolTip.hideText()
    pos = view.visualRect(index).center()
    event = QHelpEvent(QEvent.Type.ToolTip, pos, view.viewport().mapToGlobal(pos))
    QApplication.sendEvent(view.viewport(), event)
    return QToolTip.text()


def _team_pixels(view, rect) -> int:
    image = view.viewport().grab(rect).toImage()
    team = QColor(TEAM_COLOR)
    return sum(1 for x in range(image.width()) for y in range(image.height())
               if QColor(image.pixel(x, y)) == team)


def _synced(window, doc_id: int) -> None:
    """The window as a sync that received these changes leaves it."""
    window.team._on_finished(SyncReport(server="team", pulled=3, doc_ids={doc_id}))


# The offscreen platform says so when a tooltip window shows.
@pytest.mark.qt_log_ignore("This plugin does not support raise")
def test_the_entity_pane_says_who_on_the_team_changed_what(window, qtbot) -> None:
    pane = window.entity_pane
    doc = window.controller.session.doc_id
    store = window.ws.store
    text = window.view.document.text
    start = text.index("Forum")
    facts = window.view.facts
    two_days_ago = dt.datetime.now() - dt.timedelta(days=2)
    earlier = two_days_ago.replace(hour=9, minute=5, second=0, microsecond=0)
    assert pane.tree.uniformRowHeights()  # no team: the entity list as always

    as_laptop_of(store, "ben")  # Ben's laptop, after his first sync
    (corrected, corrected_at), (noted, noted_at) = _earlier_today(30), _earlier_today(20)
    pulled(store, doc, "correction", correction("add", start, start + 5, "EVENT", "Forum"),
           author="ana", at=corrected)
    pulled(store, doc, "fact", {"status": "disputed", "value": None, "note": ""},
           key=facts[0].key(), author="lea", at=earlier.timestamp())
    pulled(store, doc, "note", note("Check the figure with the ministry"), author="ana",
           at=noted)
    _synced(window, doc)

    # The entity Ana labelled carries her name and the time, a line under its name.
    qtbot.waitUntil(lambda: pane.select_group("EVENT", "Forum"))
    forum = pane.entity_model.index_of("EVENT", "Forum")
    marks = window.team.marks
    assert marks.entities.caption(forum) == f"Corrected by Ana Lima, {corrected_at}"
    other = pane.entity_model.index(0, 0, pane.entity_model.index(0, 0))
    assert marks.entities.caption(other) == ""
    assert pane.tree.visualRect(forum).height() > pane.tree.visualRect(other).height()
    tip = _tooltip(pane.tree, forum)
    assert "Corrected by Ana Lima" in tip and "labelled “Forum” as Event" in tip
    # A fact another reviewer disputed two days ago: with its date.
    day = f"{earlier.day} {earlier:%b}" + ("" if earlier.year == dt.date.today().year
                                          else f" {earlier.year}")
    first, second = (window.team.marks.facts.caption(pane.fact_model.index(r, 0))
                     for r in (0, 1))
    assert first == f"Disputed by Lea Park, {day} 09:05"
    assert second == ""
    assert pane.facts.rowHeight(0) > pane.facts.rowHeight(1)
    # A note Ana wrote, shown in the team's colour under the note.
    row = pane.note_model.index(0, 0)
    assert marks.notes.caption(row) == f"Written by Ana Lima, {noted_at}"
    rect = pane.notes.visualRect(row)
    assert _team_pixels(pane.notes, rect.adjusted(0, rect.height() // 2, 0, 0)) > 20

    # Ben retypes the entity himself: his own change carries nothing.
    pane.tree.setFocus()
    pane.select_group("EVENT", "Forum")
    qtbot.keyClick(pane.tree, "o")
    qtbot.waitUntil(lambda: pane.entity_model.index_of("ORG", "Forum").isValid())
    assert marks.entities.caption(pane.entity_model.index_of("ORG", "Forum")) == ""
    # He verifies the fact Lea disputed: his now, no caption.
    pane.facts.setFocus()
    pane.facts.selectRow(0)
    qtbot.keyClick(pane.facts, "v")
    qtbot.waitUntil(lambda: store.fact_statuses(doc)[facts[0].key()].status == "verified")
    assert marks.facts.caption(pane.fact_model.index(0, 0)) == ""
    assert pane.facts.rowHeight(0) == pane.facts.rowHeight(1)

    # Another release, which nobody else touched: no captions, rows as always.
    show(window, SECOND)
    qtbot.waitUntil(lambda: pane.tree.uniformRowHeights())
    assert not marks.authors
    assert all(marks.notes.caption(pane.note_model.index(r, 0)) == ""
               for r in range(pane.note_model.rowCount()))


def test_a_summary_and_a_status_from_the_team_name_their_author(window, qtbot) -> None:
    doc = window.controller.session.doc_id
    store = window.ws.store
    as_laptop_of(store, "ben")
    (summarised, summarised_at), (marked, _) = _earlier_today(15), _earlier_today(10)
    pulled(store, doc, "summary", {"text": "Forum held online."}, author="lea",
           at=summarised)
    pulled(store, doc, "status", {"status": "reviewed"}, author="ana", at=marked)
    _synced(window, doc)
    box = window.entity_pane.summary
    qtbot.waitUntil(lambda: box.text() == "Forum held online.")
    assert box.state.text() == f"(written by Lea Park, {summarised_at})"
    assert window.status_combo.currentText() == "reviewed"
    assert window.status_combo.toolTip().startswith("Marked reviewed by Ana Lima, ")
    # Ben's own summary is his: the state says so again.
    box.edit.selectAll()
    qtbot.keyClicks(box.edit, "Ben's summary")
    qtbot.mouseClick(box.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: box.state.text() == "(edited by the reviewer)")


def test_nothing_is_marked_on_a_laptop_that_never_synced(window, qtbot) -> None:
    pane = window.entity_pane
    window.edits.set_status("reviewed")
    qtbot.waitUntil(lambda: window.status_combo.currentText() == "reviewed")
    assert pane.tree.uniformRowHeights()
    assert window.status_combo.toolTip() == ""
    assert pane.summary.state.text() == "(generated)"
