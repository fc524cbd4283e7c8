"""The review controller: the open release and every change a reviewer makes to it.

A `QObject` without widgets, so it is testable without a window. It owns the undo stack
and runs each change as an undoable command (see `commands`); after a command writes
the store the controller brings the open release's view up to date and emits a typed
`ReviewChange` that the views observe. Releases are loaded on a worker thread.
"""
from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QObject, QThreadPool, Signal
from PySide6.QtGui import QUndoStack

from reviewer.core.model import Correction, Entity, Fact
from reviewer.core.palette import LABEL_NAMES
from reviewer.core.review import operations as ops
from reviewer.core.review.groups import EntityGroup
from reviewer.core.review.session import DocumentSession
from reviewer.core.review.view import DocumentView
from reviewer.core.review.workspace import Workspace
from reviewer.core.store import Note, StoreError
from reviewer.ui import commands as cmd
from reviewer.ui.changes import ReviewChange
from reviewer.ui.workers import OpenTask

log = logging.getLogger(__name__)

READ_ONLY = "Read-only: another Reviewer holds this data folder."
_F = TypeVar("_F", bound=Callable[..., Any])


def _reports_store_errors(method: _F) -> _F:
    """A change whose preparation reads the store: a store error is reported like one
    from the change itself, never lost in a slot."""
    @functools.wraps(method)
    def guarded(self: ReviewController, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except StoreError as exc:
            log.warning("%s failed: %s", method.__name__, exc)
            self.report_failure(f"Not done: {exc}", "", exc.kind)
            return None
    return guarded  # type: ignore[return-value]


class ReviewController(QObject):
    opened = Signal(int)  # doc id: `session` and `view` now show this release
    changed = Signal(object)  # ReviewChange, after the store and `view` are up to date
    message = Signal(str)  # a line for the status bar
    failed = Signal(str, str, str)  # a change not saved: message, what was typed, kind

    def __init__(self, ws: Workspace, pool: QThreadPool,
                 parent: QObject | None = None) -> None:
        """`pool` loads releases (one thread: a load waits for the work queued before)."""
        super().__init__(parent)
        self.ws = ws
        self.pool = pool
        self.undo_stack = QUndoStack(self)
        self.session: DocumentSession | None = None
        self.view: DocumentView | None = None
        self._wanted: int | None = None  # the release asked for last
        self._serial = 0
        self._tasks: list[OpenTask] = []

    # -- opening -------------------------------------------------------------------------
    @property
    def loading(self) -> bool:
        return self._wanted is not None

    def open(self, doc_id: int) -> None:
        """Show `doc_id`: at once when it is the open release, else once it is loaded
        (on the pool); asking for another release meanwhile drops this one."""
        if self.session is not None and self.session.doc_id == doc_id:
            self._wanted = None
            self.view = self.session.view()
            self.opened.emit(doc_id)
            return
        self._start(doc_id, unless_same=None)

    def reload_if_changed(self) -> None:
        """Load the open release again if its file moved or its text changed on disk
        (corrections and notes follow their text)."""
        if self.session is not None and self._wanted is None:
            self._start(self.session.doc_id, unless_same=self.session)

    def _start(self, doc_id: int, unless_same: DocumentSession | None) -> None:
        self._wanted = doc_id
        self._serial += 1
        serial = self._serial
        task = OpenTask(self.ws, doc_id, unless_same, lambda: serial == self._serial)
        task.signals.loaded.connect(lambda s, v, n=serial: self._loaded(n, s, v))
        task.signals.failed.connect(lambda msg, n=serial: self._failed(n, msg))
        self._tasks = [t for t in self._tasks if not t.finished.is_set()] + [task]
        self.pool.start(task)

    def _loaded(self, serial: int, session: object, view: object) -> None:
        if serial != self._serial:
            return  # another release was asked for since
        self._wanted = None
        if session is None:
            return  # unchanged on disk
        assert isinstance(session, DocumentSession) and isinstance(view, DocumentView)
        self.session, self.view = session, view
        self.opened.emit(session.doc_id)

    def _failed(self, serial: int, message: str) -> None:
        if serial == self._serial:
            self._wanted = None
            self.message.emit(f"Cannot open this release: {message}")

    def stop(self) -> None:
        """The window is closing: drop the loads in flight and tell no one anything."""
        self._serial += 1
        self._wanted = None
        self.blockSignals(True)

    # -- what commands call --------------------------------------------------------------
    def notify(self, change: ReviewChange) -> None:
        s = self.session
        if s is not None and s.doc_id == change.doc_id and not change.summary_only:
            if change.lexicon:
                s.reextract()  # the learned lexicon changed what the extractor finds
            self.view = s.view()
        self.changed.emit(change)

    def report_failure(self, message: str, details: str = "", kind: str = "") -> None:
        self.message.emit(message)
        self.failed.emit(message, details, kind)

    # -- changes -------------------------------------------------------------------------
    def editable(self) -> bool:
        if self.ws.readonly:
            self.message.emit(READ_ONLY)
            return False
        return self.session is not None and self.view is not None

    def _doc(self) -> tuple[DocumentSession, DocumentView]:
        assert self.session is not None and self.view is not None
        return self.session, self.view

    def _corrections(self, text: str, corrections: list[Correction],
                     reindex: list[int] | None = None) -> None:
        session, _ = self._doc()
        if corrections:
            self.undo_stack.push(cmd.CorrectionCommand(self, session.doc_id, text,
                                                       corrections, reindex))

    @_reports_store_errors
    def label_span(self, start: int, end: int, label: str) -> None:
        doc = self._doc()[0].document
        self._corrections(f"Label “{doc.text[start:end][:30]}” {LABEL_NAMES[label]}",
                          [ops.correction_add(doc, start, end, label)])

    @_reports_store_errors
    def retype(self, ent: Entity, label: str) -> None:
        doc = self._doc()[0].document
        self._corrections(f"Retype “{ent.text[:30]}” as {LABEL_NAMES[label]}",
                          [ops.correction_retype(doc, ent, label)])

    @_reports_store_errors
    def reject(self, ent: Entity) -> None:
        doc = self._doc()[0].document
        self._corrections(f"Reject “{ent.text[:30]}”", [ops.correction_reject(doc, ent)])

    @_reports_store_errors
    def retype_groups(self, groups: list[EntityGroup], label: str) -> None:
        doc = self._doc()[0].document
        self._corrections(f"Retype {groups[0].canonical[:30]} as {LABEL_NAMES[label]}",
                          [ops.correction_retype(doc, m, label) for g in groups
                           for m in g.mentions if m.label != label])

    @_reports_store_errors
    def reject_groups(self, groups: list[EntityGroup]) -> None:
        doc = self._doc()[0].document
        self._corrections(f"Reject {groups[0].canonical[:30]}",
                          [ops.correction_reject(doc, m) for g in groups for m in g.mentions])

    @_reports_store_errors
    def resize(self, ent: Entity, start: int, end: int) -> None:
        doc = self._doc()[0].document
        self._corrections(f"Resize “{ent.text[:30]}” to “{doc.text[start:end][:30]}”",
                          [ops.correction_resize(doc, ent, start, end)])

    @_reports_store_errors
    def label_all(self, needle: str, label: str, scope: str) -> bool:
        """Label every occurrence in the release or the library; False when there was
        nothing left to label."""
        session, view = self._doc()
        doc = session.document
        cs = ops.corrections_label_all(doc, needle, label, view.entities, scope=scope)
        if not cs:
            self.message.emit(f"Every “{needle}” is already labelled.")
            return False
        reindex = [session.doc_id] if scope == "doc" else \
            sorted(set(ops.docs_mentioning(self.ws, needle)) | {session.doc_id})
        where = "this release" if scope == "doc" else "the library"
        self._corrections(f"Label all “{needle[:30]}” in {where}", cs, reindex)
        return True

    @_reports_store_errors
    def merge(self, canonical: str, names: list[str], label: str) -> None:
        session = self._doc()[0]
        self.undo_stack.push(cmd.MergeAliasCommand(self, session.doc_id, canonical, names,
                                                   label))

    @_reports_store_errors
    def split(self, group: EntityGroup) -> None:
        session = self._doc()[0]
        if not ops.aliases_of(self.ws, group.canonical):
            self.message.emit(f"“{group.canonical}” has no aliases to split.")
            return
        self.undo_stack.push(cmd.SplitAliasCommand(self, session.doc_id, group.canonical,
                                                   group.label))

    @_reports_store_errors
    def set_fact_status(self, fact: Fact, status: str, value: str | None = None,
                        note: str = "") -> None:
        session, view = self._doc()
        current = view.fact_statuses.get(fact.key())
        self.undo_stack.push(cmd.FactStatusCommand(
            self, session.doc_id, fact, status, value,
            note or (current.note if current is not None else "")))

    @_reports_store_errors
    def add_note(self, text: str, *, target: str = "document", target_key: str = "",
                 start: int | None = None, end: int | None = None) -> None:
        session = self._doc()[0]
        self.undo_stack.push(cmd.AddNoteCommand(self, session.document, text, target=target,
                                                target_key=target_key, start=start, end=end))

    @_reports_store_errors
    def edit_note(self, note: Note, text: str) -> None:
        stored = self.ws.store.note(note.id)
        if stored is not None and text != stored.text:
            self.undo_stack.push(cmd.EditNoteCommand(self, stored, text))

    @_reports_store_errors
    def delete_note(self, note: Note) -> None:
        stored = self.ws.store.note(note.id)
        if stored is not None:
            self.undo_stack.push(cmd.DeleteNoteCommand(self, stored))

    @_reports_store_errors
    def save_summary(self, text: str | None) -> bool:
        """Store the reviewer's summary (None or blank: back to the generated one);
        False when that changes nothing."""
        session = self._doc()[0]
        before = self.ws.store.summary(session.doc_id)
        after = (text or "").strip() or None
        if after == before:
            return False
        self.undo_stack.push(cmd.SummaryCommand(self, session.doc_id, before, after))
        return True

    @_reports_store_errors
    def set_status(self, status: str) -> None:
        session = self._doc()[0]
        old = self.ws.store.status(session.doc_id)
        if old != status:
            self.undo_stack.push(cmd.StatusCommand(self, session.doc_id, old, status))

    @_reports_store_errors
    def open_next_unreviewed(self) -> None:
        nxt = ops.next_unreviewed(self.ws, self.session.doc_id if self.session else None)
        if nxt is None:
            self.message.emit("Every release is reviewed or in progress.")
        else:
            self.open(nxt)

