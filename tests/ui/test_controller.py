"""The review controller without a window: commands run in redo(), undo reverts them,
and every change is announced with a typed notice."""
from __future__ import annotations

import pytest
from ui_helpers import wait_until

from reviewer.core.review.workspace import Workspace
from reviewer.core.store import StoreError
from reviewer.ui.changes import ReviewChange
from reviewer.ui.controller import ReviewController
from reviewer.ui.workers import worker_pool


@pytest.fixture
def controller(ui_dirs, qapp):
    ws = Workspace(ui_dirs[0])
    ws.library.scan()
    ctl = ReviewController(ws, worker_pool())
    notices: list[ReviewChange] = []
    ctl.changed.connect(notices.append)
    ctl.notices = notices
    first = ws.store.documents()[0].id
    ctl.open(first)
    wait_until(lambda: ctl.view is not None)
    yield ctl
    ctl.pool.waitForDone()
    ws.close()


def test_a_command_runs_when_pushed_and_again_on_redo(controller) -> None:
    ctl, store = controller, controller.ws.store
    doc_id = ctl.session.doc_id
    text = ctl.view.document.text
    s = text.index("Senior Officials")
    ctl.label_span(s, s + len("Senior Officials"), "ORG")
    assert [c.action for c in store.corrections(doc_id)] == ["add"]
    assert any((e.start, e.label) == (s, "ORG") for e in ctl.view.entities)
    assert ctl.notices[-1] == ReviewChange(doc_id, corrections=True, reindex=(doc_id,))
    ctl.undo_stack.undo()
    assert store.corrections(doc_id) == []
    ctl.undo_stack.redo()
    assert [c.action for c in store.corrections(doc_id)] == ["add"]
    assert len(ctl.notices) == 3


def test_status_and_summary_notices_say_what_changed(controller) -> None:
    ctl = controller
    doc_id = ctl.session.doc_id
    ctl.set_status("reviewed")
    assert ctl.notices[-1].status and ctl.notices[-1].library_list
    assert ctl.save_summary("Short summary.")
    assert ctl.notices[-1].summary_only
    assert not ctl.save_summary("Short summary.")  # unchanged: no command
    assert ctl.undo_stack.count() == 2 and ctl.ws.store.summary(doc_id) == "Short summary."


def test_a_store_error_leaves_no_command_behind(controller, monkeypatch) -> None:
    ctl = controller
    messages: list[str] = []
    ctl.message.connect(messages.append)

    def refuse(*a, **k):
        raise StoreError("the disk is full")

    monkeypatch.setattr(ctl.ws.store, "set_status", refuse)
    ctl.set_status("reviewed")
    assert ctl.undo_stack.count() == 0
    assert messages and "not saved" in messages[-1] and "disk is full" in messages[-1]
