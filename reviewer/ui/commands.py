"""Undoable review actions. Each command calls core (which writes the store at once) and
then tells the window what changed, so undo restores the store and the screen together.

The action runs before the command is pushed (see `ReviewContext.push`): a store error
then never leaves a half-done entry on the stack, and the first redo() is skipped.
"""
from __future__ import annotations

from typing import Protocol

from PySide6.QtGui import QUndoCommand

from reviewer.core.model import Correction, Fact
from reviewer.core.review import operations as ops
from reviewer.core.review.workspace import Workspace
from reviewer.core.store import FactStatus, Note


class ReviewContext(Protocol):
    ws: Workspace

    def changed(self, doc_id: int, *, reindex: list[int] | None = None,
                reextract: bool = False, library: bool = False,
                summary: bool = False) -> None: ...


class _Command(QUndoCommand):
    def __init__(self, ctx: ReviewContext, doc_id: int, text: str) -> None:
        super().__init__(text)
        self.ctx = ctx
        self.doc_id = doc_id
        self._fresh = True  # the action already ran before push()

    def redo(self) -> None:
        if self._fresh:
            self._fresh = False
        else:
            self.apply()
        self.notify()

    def undo(self) -> None:
        self.revert()
        self.notify()

    def apply(self) -> None:
        raise NotImplementedError

    def revert(self) -> None:
        raise NotImplementedError

    def notify(self) -> None:
        self.ctx.changed(self.doc_id, reindex=[self.doc_id])


class CorrectionCommand(_Command):
    """Any entity correction: add, reject, retype, resize, label all (doc or library)."""

    def __init__(self, ctx: ReviewContext, doc_id: int, text: str,
                 corrections: list[Correction], reindex: list[int] | None = None) -> None:
        super().__init__(ctx, doc_id, text)
        self.corrections = corrections
        self.reindex = reindex if reindex is not None else [doc_id]
        self.library = any(c.scope == "library" for c in corrections)

    def apply(self) -> None:
        ops.restore_corrections(self.ctx.ws, self.corrections)

    def revert(self) -> None:
        ops.delete_corrections(self.ctx.ws, self.corrections)

    def notify(self) -> None:
        self.ctx.changed(self.doc_id, reindex=self.reindex, reextract=self.library,
                         library=self.library)


class MergeAliasCommand(_Command):
    def __init__(self, ctx: ReviewContext, doc_id: int, canonical: str, names: list[str],
                 label: str, alias_ids: list[int]) -> None:
        super().__init__(ctx, doc_id, f"Merge {', '.join(names)} into {canonical}")
        self.canonical, self.names, self.label = canonical, names, label
        self.alias_ids = alias_ids

    def apply(self) -> None:
        self.alias_ids = ops.merge_aliases(self.ctx.ws, self.canonical, self.names, self.label)

    def revert(self) -> None:
        for i in self.alias_ids:
            self.ctx.ws.store.delete_alias(i)

    def notify(self) -> None:
        self.ctx.changed(self.doc_id, reindex=[self.doc_id], library=True)


class SplitAliasCommand(_Command):
    def __init__(self, ctx: ReviewContext, doc_id: int, canonical: str,
                 removed: list[tuple[int, str]], label: str) -> None:
        super().__init__(ctx, doc_id, f"Split {canonical}")
        self.canonical, self.removed, self.label = canonical, removed, label

    def apply(self) -> None:
        for i, _ in self.removed:
            self.ctx.ws.store.delete_alias(i)

    def revert(self) -> None:
        new = []
        for _, alias in self.removed:
            new.append((self.ctx.ws.store.add_alias(self.canonical, alias, self.label), alias))
        self.removed = new

    def notify(self) -> None:
        self.ctx.changed(self.doc_id, reindex=[self.doc_id], library=True)


class FactStatusCommand(_Command):
    def __init__(self, ctx: ReviewContext, doc_id: int, fact: Fact, status: str,
                 value: str | None, note: str, previous: FactStatus | None) -> None:
        super().__init__(ctx, doc_id, f"Mark fact {status}: {fact.summary()[:40]}")
        self.fact, self.status, self.value, self.note = fact, status, value, note
        self.previous = previous

    def apply(self) -> None:
        ops.set_fact_status(self.ctx.ws, self.doc_id, self.fact, self.status,
                            value=self.value, note=self.note)

    def revert(self) -> None:
        ops.restore_fact_status(self.ctx.ws, self.doc_id, self.fact.key(), self.previous)

    def notify(self) -> None:
        self.ctx.changed(self.doc_id)


class NoteCommand(_Command):
    """Add (before=None), edit, or delete (after=None) a note."""

    def __init__(self, ctx: ReviewContext, doc_id: int, text: str, before: Note | None,
                 after: Note | None) -> None:
        super().__init__(ctx, doc_id, text)
        self.before, self.after = before, after

    def apply(self) -> None:
        self._put(self.before, self.after)

    def revert(self) -> None:
        self._put(self.after, self.before)

    def _put(self, old: Note | None, new: Note | None) -> None:
        store = self.ctx.ws.store
        if new is None and old is not None:
            store.delete_note(old.id)
        elif old is None and new is not None:
            ops.restore_note(self.ctx.ws, new)
        elif new is not None:
            store.update_note(new.id, new.text)

    def notify(self) -> None:
        self.ctx.changed(self.doc_id)


class StatusCommand(_Command):
    def __init__(self, ctx: ReviewContext, doc_id: int, old: str, new: str) -> None:
        super().__init__(ctx, doc_id, f"Status: {new}")
        self.old, self.new = old, new

    def apply(self) -> None:
        self.ctx.ws.store.set_status(self.doc_id, self.new)

    def revert(self) -> None:
        self.ctx.ws.store.set_status(self.doc_id, self.old)

    def notify(self) -> None:
        self.ctx.changed(self.doc_id, library=True)



class SummaryCommand(_Command):
    """Save (after=text) or revert (after=None: the generated one) a release's summary."""

    def __init__(self, ctx: ReviewContext, doc_id: int, before: str | None,
                 after: str | None) -> None:
        super().__init__(ctx, doc_id, "Edit summary" if after else "Revert summary")
        self.before, self.after = before, after

    def apply(self) -> None:
        self.ctx.ws.store.set_summary(self.doc_id, self.after)

    def revert(self) -> None:
        self.ctx.ws.store.set_summary(self.doc_id, self.before)

    def notify(self) -> None:
        self.ctx.changed(self.doc_id, summary=True)
