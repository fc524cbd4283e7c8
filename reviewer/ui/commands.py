"""Undoable review actions.

`redo()` is the one place an action runs, the first time too (when the controller pushes
the command) and `undo()` reverts it; both write the review store at once and then report
what changed, as a `ReviewChange`, through the controller that the views observe.

A store error while redoing makes the command obsolete: the undo stack drops it (Qt
deletes an obsolete command instead of keeping it), so no half-done entry stays behind,
and the controller tells the reviewer what was not saved.
"""
from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from typing import Protocol

from PySide6.QtGui import QUndoCommand

from reviewer.core.model import Correction, Document, Fact
from reviewer.core.review import operations as ops
from reviewer.core.review.workspace import Workspace
from reviewer.core.store import FactStatus, Note, StoreError
from reviewer.ui.changes import ReviewChange

log = logging.getLogger(__name__)


class CommandHost(Protocol):
    """What a command needs from the controller that pushes it."""

    ws: Workspace

    def notify(self, change: ReviewChange) -> None: ...

    def report_failure(self, message: str, details: str = "", kind: str = "") -> None: ...


class ReviewCommand(QUndoCommand):
    def __init__(self, host: CommandHost, doc_id: int, text: str) -> None:
        super().__init__(text)
        self.host = host
        self.doc_id = doc_id

    @property
    def ws(self) -> Workspace:
        return self.host.ws

    def redo(self) -> None:
        self._run(self.apply, "not saved")

    def undo(self) -> None:
        self._run(self.revert, "not undone")

    def _run(self, step: Callable[[], None], failed: str) -> None:
        try:
            # Before the change: a crash right after it must not leave the search index
            # behind the review data (the next scan re-indexes what is marked).
            ops.mark_for_reindex(self.ws, self.change().reindex)
            step()
        except (StoreError, sqlite3.Error) as exc:
            log.warning("%s %s: %s", self.text(), failed, exc)
            self.setObsolete(True)
            self.host.report_failure(f"{self.text()}: {failed}. {exc}", self.typed(),
                                     getattr(exc, "kind", ""))
            return
        self.host.notify(self.change())

    def typed(self) -> str:
        """What the reviewer typed for this change (shown if it cannot be saved)."""
        return ""

    def apply(self) -> None:
        raise NotImplementedError

    def revert(self) -> None:
        raise NotImplementedError

    def change(self) -> ReviewChange:
        raise NotImplementedError


class CorrectionCommand(ReviewCommand):
    """Any entity correction: add, reject, retype, resize, label all (doc or library).
    The corrections are written by the first redo (they get their ids) and put back
    under the same ids by every later one."""

    def __init__(self, host: CommandHost, doc_id: int, text: str,
                 corrections: list[Correction], reindex: list[int] | None = None) -> None:
        super().__init__(host, doc_id, text)
        self.corrections = corrections
        self.reindex = tuple(reindex if reindex is not None else [doc_id])
        self.library = any(c.scope == "library" for c in corrections)

    def apply(self) -> None:
        ops.save_corrections(self.ws, self.corrections)

    def revert(self) -> None:
        ops.delete_corrections(self.ws, self.corrections)

    def change(self) -> ReviewChange:
        return ReviewChange(self.doc_id, corrections=True, lexicon=self.library,
                            reindex=self.reindex)


class MergeAliasCommand(ReviewCommand):
    def __init__(self, host: CommandHost, doc_id: int, canonical: str, names: list[str],
                 label: str) -> None:
        super().__init__(host, doc_id, f"Merge {', '.join(names)} into {canonical}")
        self.canonical, self.names, self.label = canonical, names, label
        self.alias_ids: list[int] = []

    def apply(self) -> None:
        self.alias_ids = ops.merge_aliases(self.ws, self.canonical, self.names, self.label)

    def revert(self) -> None:
        for i in self.alias_ids:
            self.ws.store.delete_alias(i)

    def change(self) -> ReviewChange:
        return ReviewChange(self.doc_id, aliases=True, reindex=(self.doc_id,))


class SplitAliasCommand(ReviewCommand):
    def __init__(self, host: CommandHost, doc_id: int, canonical: str, label: str) -> None:
        super().__init__(host, doc_id, f"Split {canonical}")
        self.canonical, self.label = canonical, label
        self.removed: list[tuple[int, str]] | None = None  # (alias id, alias)

    def apply(self) -> None:
        if self.removed is None:
            self.removed = ops.aliases_of(self.ws, self.canonical)
        for i, _ in self.removed:
            self.ws.store.delete_alias(i)

    def revert(self) -> None:
        assert self.removed is not None
        self.removed = [(self.ws.store.add_alias(self.canonical, alias, self.label), alias)
                        for _, alias in self.removed]

    def change(self) -> ReviewChange:
        return ReviewChange(self.doc_id, aliases=True, reindex=(self.doc_id,))


class FactStatusCommand(ReviewCommand):
    def __init__(self, host: CommandHost, doc_id: int, fact: Fact, status: str,
                 value: str | None, note: str) -> None:
        super().__init__(host, doc_id, f"Mark fact {status}: {fact.summary()[:40]}")
        self.fact, self.status, self.value, self.note = fact, status, value, note
        self.previous: FactStatus | None = None
        self._done_once = False

    def apply(self) -> None:
        previous = ops.set_fact_status(self.ws, self.doc_id, self.fact, self.status,
                                       value=self.value, note=self.note)
        if not self._done_once:
            self.previous, self._done_once = previous, True

    def revert(self) -> None:
        ops.restore_fact_status(self.ws, self.doc_id, self.fact.key(), self.previous)

    def typed(self) -> str:
        parts = [f"Value: {self.value}" if self.value else "",
                 f"Note: {self.note}" if self.note else ""]
        return "\n".join(p for p in parts if p)

    def change(self) -> ReviewChange:
        return ReviewChange(self.doc_id, facts=True)


class AddNoteCommand(ReviewCommand):
    def __init__(self, host: CommandHost, doc: Document, text: str, *, target: str,
                 target_key: str, start: int | None, end: int | None) -> None:
        assert doc.doc_id is not None
        super().__init__(host, doc.doc_id, f"Add note: {text[:30]}")
        self.doc, self.body = doc, text
        self.target, self.target_key, self.start, self.end = target, target_key, start, end
        self.note: Note | None = None  # as stored by the first redo

    def apply(self) -> None:
        if self.note is None:
            nid = ops.add_note(self.ws, self.doc, self.body, target=self.target,
                               target_key=self.target_key, start=self.start, end=self.end)
            self.note = self.ws.store.note(nid)
        else:
            ops.restore_note(self.ws, self.note)

    def revert(self) -> None:
        if self.note is not None:
            self.ws.store.delete_note(self.note.id)

    def typed(self) -> str:
        return f"Note: {self.body}"

    def change(self) -> ReviewChange:
        return ReviewChange(self.doc_id, notes=True)


class EditNoteCommand(ReviewCommand):
    def __init__(self, host: CommandHost, note: Note, text: str) -> None:
        super().__init__(host, note.doc_id, f"Edit note: {text[:30]}")
        self.note_id, self.before, self.after = note.id, note.text, text

    def apply(self) -> None:
        self.ws.store.update_note(self.note_id, self.after)

    def typed(self) -> str:
        return f"Note: {self.after}"

    def revert(self) -> None:
        self.ws.store.update_note(self.note_id, self.before)

    def change(self) -> ReviewChange:
        return ReviewChange(self.doc_id, notes=True)


class DeleteNoteCommand(ReviewCommand):
    def __init__(self, host: CommandHost, note: Note) -> None:
        super().__init__(host, note.doc_id, f"Delete note: {note.text[:30]}")
        self.note = note

    def apply(self) -> None:
        self.ws.store.delete_note(self.note.id)

    def revert(self) -> None:
        ops.restore_note(self.ws, self.note)

    def change(self) -> ReviewChange:
        return ReviewChange(self.doc_id, notes=True)


class StatusCommand(ReviewCommand):
    def __init__(self, host: CommandHost, doc_id: int, old: str, new: str) -> None:
        super().__init__(host, doc_id, f"Status: {new}")
        self.old, self.new = old, new

    def apply(self) -> None:
        self.ws.store.set_status(self.doc_id, self.new)

    def revert(self) -> None:
        self.ws.store.set_status(self.doc_id, self.old)

    def change(self) -> ReviewChange:
        return ReviewChange(self.doc_id, status=True)


class SummaryCommand(ReviewCommand):
    """Save (after=text) or revert (after=None: the generated one) a release's summary."""

    def __init__(self, host: CommandHost, doc_id: int, before: str | None,
                 after: str | None) -> None:
        super().__init__(host, doc_id, "Edit summary" if after else "Revert summary")
        self.before, self.after = before, after

    def apply(self) -> None:
        self.ws.store.set_summary(self.doc_id, self.after)

    def typed(self) -> str:
        return f"Summary: {self.after}" if self.after else ""

    def revert(self) -> None:
        self.ws.store.set_summary(self.doc_id, self.before)

    def change(self) -> ReviewChange:
        return ReviewChange(self.doc_id, summary=True)
