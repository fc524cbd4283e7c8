"""Proposed links in the entity pane: the linker's proposals on the demo releases, shown,
confirmed with a click, and gone once confirmed."""
from __future__ import annotations

from PySide6.QtCore import Qt
from ui_helpers import show

SECOND = "001_5823aec3ae932b3b.txt"
FIFTH = "004_931a6d2c2293319e.txt"


def proposal_rows(window) -> list[str]:
    model = window.entity_pane.proposal_model
    return [model.item(r).text() for r in range(model.rowCount())]


def click_row(qtbot, view, row: int) -> None:
    rect = view.visualRect(view.model().index(row, 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def group_names(window, label: str) -> list[str]:
    return [g.canonical for g in window.presenter.groups.get(label, [])]


def test_demo_release_proposes_reordered_and_short_names(window, qtbot) -> None:
    show(window, SECOND)
    rows = proposal_rows(window)
    assert "Yoshihide Suga  →  Suga Yoshihide" in rows
    assert "Dung  →  Nguyen Quoc Dung" in rows
    assert window.entity_pane.confirm_button.isEnabled()
    # The one-word rule is for people: an organisation's last word is not its name.
    assert not any("ASEAN" in r for r in rows)
    qtbot.waitUntil(lambda: window.entity_pane.proposals.isVisible())


def test_a_year_is_not_proposed_as_a_date_alias(window) -> None:
    show(window, FIFTH)
    assert not any("2019" in r for r in proposal_rows(window))


def test_confirming_a_proposal_merges_and_removes_it(window, qtbot) -> None:
    show(window, SECOND)
    ep = window.entity_pane
    assert {"Dung", "Nguyen Quoc Dung"} <= set(group_names(window, "PERSON"))
    row = proposal_rows(window).index("Dung  →  Nguyen Quoc Dung")
    click_row(qtbot, ep.proposals, row)
    qtbot.mouseClick(ep.confirm_button, Qt.MouseButton.LeftButton)
    aliases = [(a.canonical, a.alias, a.label) for a in window.ws.store.aliases()]
    assert aliases == [("Nguyen Quoc Dung", "Dung", "PERSON")]
    names = group_names(window, "PERSON")
    assert "Nguyen Quoc Dung" in names and "Dung" not in names
    merged = next(g for g in window.presenter.groups["PERSON"]
                  if g.canonical == "Nguyen Quoc Dung")
    assert "Dung" in merged.names
    qtbot.waitUntil(lambda: "Dung  →  Nguyen Quoc Dung" not in proposal_rows(window))
    assert "Yoshihide Suga  →  Suga Yoshihide" in proposal_rows(window)
    window.undo_stack.undo()
    assert window.ws.store.aliases() == []
    qtbot.waitUntil(lambda: "Dung  →  Nguyen Quoc Dung" in proposal_rows(window))


def test_not_the_same_stops_a_proposal_and_undoes(window, qtbot) -> None:
    show(window, SECOND)
    ep = window.entity_pane
    assert ep.reject_button.isEnabled()
    row = proposal_rows(window).index("Dung  →  Nguyen Quoc Dung")
    click_row(qtbot, ep.proposals, row)
    qtbot.mouseClick(ep.reject_button, Qt.MouseButton.LeftButton)
    assert window.ws.store.distinct_names() == {("PERSON", "Dung", "Nguyen Quoc Dung")}
    assert window.ws.store.aliases() == []  # nothing linked
    qtbot.waitUntil(lambda: "Dung  →  Nguyen Quoc Dung" not in proposal_rows(window))
    assert "Yoshihide Suga  →  Suga Yoshihide" in proposal_rows(window)
    assert "Dung" in group_names(window, "PERSON")
    window.undo_stack.undo()
    assert window.ws.store.distinct_names() == set()
    qtbot.waitUntil(lambda: "Dung  →  Nguyen Quoc Dung" in proposal_rows(window))
