"""What the reviewer's keys and menu commands mean on screen: they read the selection
(text, entity list, facts, notes), ask for what is missing in a dialog, and hand the
change to the review controller, which runs it as an undoable command."""
from __future__ import annotations

from PySide6.QtWidgets import QDialog, QWidget

from reviewer.core.model import Correction
from reviewer.core.palette import LABEL_NAMES
from reviewer.core.review import spans
from reviewer.core.store import Note
from reviewer.core.user import full_name
from reviewer.ui.actions import SPECS
from reviewer.ui.controller import ReviewController
from reviewer.ui.dialogs import FactDialog, LabelAllDialog, NameDialog, NoteDialog
from reviewer.ui.keymap import Keymap
from reviewer.ui.library_entities import LibraryEntities
from reviewer.ui.presenter import ReleasePresenter
from reviewer.ui.settings import Settings
from reviewer.ui.status_bar import StatusBar

RESIZE = {"grow_end": spans.grow_end, "shrink_end": spans.shrink_end,
          "grow_start": spans.grow_start, "shrink_start": spans.shrink_start}


class EditActions:
    def __init__(self, controller: ReviewController, presenter: ReleasePresenter,
                 status: StatusBar, window: QWidget, settings: Settings,
                 keymap: Keymap) -> None:
        self.controller, self.presenter = controller, presenter
        self.settings, self.keymap = settings, keymap
        self.library_entities: LibraryEntities | None = None  # set by the window
        self.doc_pane, self.entity_pane = presenter.doc_pane, presenter.entity_pane
        self.status, self.window = status, window
        doc_pane, entity_pane = self.doc_pane, self.entity_pane
        doc_pane.labelRequested.connect(self.label_in_text)
        doc_pane.rejectRequested.connect(self.reject_in_text)
        entity_pane.tree.labelRequested.connect(self.retype_selected_groups)
        entity_pane.tree.rejectRequested.connect(self.reject_selected_groups)
        entity_pane.proposalConfirmed.connect(self.confirm_link)
        entity_pane.proposalRejected.connect(self.reject_link)
        entity_pane.discardRequested.connect(self.discard_corrections)
        entity_pane.facts.factKey.connect(self._fact_key)
        entity_pane.facts.doubleClicked.connect(lambda _i: self.edit_fact())
        entity_pane.notes.doubleClicked.connect(lambda _i: self.edit_note())
        entity_pane.summary.saveRequested.connect(self.save_summary)
        entity_pane.summary.revertRequested.connect(self.revert_summary)

    def _focused(self, widget: QWidget) -> bool:
        """`widget` has the keyboard focus in the window (also while a menu or a dialog
        is up: the window's focus widget, not the application's)."""
        return widget.hasFocus() or self.window.focusWidget() is widget

    # -- entities ------------------------------------------------------------------------
    def apply_label(self, label: str) -> None:
        """From the menu: act on the entity list when it has focus, else on the text."""
        if self._focused(self.entity_pane.tree):
            self.retype_selected_groups(label)
        else:
            self.label_in_text(label)

    def label_in_text(self, label: str) -> None:
        """A label key in the text: label the selection, or retype the entity there."""
        ctl = self.controller
        if not ctl.editable():
            return
        assert ctl.session is not None
        text = ctl.session.document.text
        span = self.doc_pane.selected_span()
        ent = self.doc_pane.entity_under_cursor()
        if span is not None and (ent is None or (ent.start, ent.end) != span):
            s, e = spans.snap_to_words(text, *span)
            if s < e:
                ctl.label_span(s, e, label)
        elif ent is not None and ent.label != label:
            ctl.retype(ent, label)

    def reject(self) -> None:
        if self._focused(self.entity_pane.tree):
            self.reject_selected_groups()
        else:
            self.reject_in_text()

    def discard_corrections(self, corrections: list[Correction]) -> None:
        """Discard corrections that no longer fit the text (undoable)."""
        if corrections and self.controller.editable():
            self.controller.discard_corrections(corrections)

    def reject_in_text(self) -> None:
        ent = self.doc_pane.entity_under_cursor()
        if self.controller.editable() and ent is not None:
            self.controller.reject(ent)

    def retype_selected_groups(self, label: str) -> None:
        groups = self.entity_pane.selected_groups()
        if groups and self.controller.editable():
            self.controller.retype_groups(groups, label)

    def reject_selected_groups(self) -> None:
        groups = self.entity_pane.selected_groups()
        if groups and self.controller.editable():
            self.controller.reject_groups(groups)

    def resize_entity(self, how: str) -> None:
        ctl = self.controller
        ent = self.doc_pane.entity_under_cursor()
        if not ctl.editable() or ent is None:
            return
        assert ctl.session is not None
        s, e = RESIZE[how](ctl.session.document.text, ent.start, ent.end)
        if (s, e) != (ent.start, ent.end):
            ctl.resize(ent, s, e)
            self.doc_pane.select_span(s, e)

    def label_all(self, scope: str) -> None:
        ctl = self.controller
        if not ctl.editable():
            return
        assert ctl.session is not None
        text = ctl.session.document.text
        ent = self.doc_pane.entity_under_cursor()
        span = self.doc_pane.selected_span()
        if ent is not None and (span is None or span == (ent.start, ent.end)):
            needle, label = ent.text, ent.label
        elif span is not None:
            needle = text[slice(*spans.snap_to_words(text, *span))]
            keys = {s.label: self.keymap.view_text(i) for i, s in SPECS.items()
                    if s.label and s.view}
            dialog = LabelAllDialog(self.window, needle, "this release" if scope == "doc"
                                    else "the whole library", keys)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
            label = dialog.label()
        else:
            return
        ctl.label_all(needle, label, scope)

    # -- aliases -------------------------------------------------------------------------
    def _in_library_entities(self) -> LibraryEntities | None:
        le = self.library_entities
        return le if le is not None and self._focused(le.view.tree) else None

    def merge_selected(self) -> None:
        """Ctrl+M: the selected entities of the release, or of the library's entities."""
        le = self._in_library_entities()
        if le is not None:
            le.merge_selected()
            return
        groups = self.entity_pane.selected_groups()
        if len(groups) < 2 or not self.controller.editable():
            self.status.show_message("Select two or more entities to merge.")
            return
        main = max(groups, key=lambda g: (len(g.canonical), len(g.mentions)))
        names = sorted({n for g in groups if g is not main for n in [g.canonical, *g.names]}
                       - {main.canonical})
        self.controller.merge(main.canonical, names, main.label)

    def confirm_link(self, canonical: str, alias: str, label: str) -> None:
        if self.controller.editable():
            self.controller.merge(canonical, [alias], label)

    def reject_link(self, canonical: str, alias: str, label: str) -> None:
        if self.controller.editable():
            self.controller.mark_distinct(label, canonical, alias)

    def split_selected(self) -> None:
        le = self._in_library_entities()
        if le is not None:
            le.split_selected()
            return
        g = self.entity_pane.current_group()
        if g is not None and self.controller.editable():
            self.controller.split(g)

    # -- facts ---------------------------------------------------------------------------
    def _fact_key(self, what: str) -> None:
        if what == "edit":
            self.edit_fact()
        else:
            self.set_fact_status(what)

    def set_fact_status(self, status: str) -> None:
        fact = self.entity_pane.current_fact()
        if fact is not None and self.controller.editable():
            self.controller.set_fact_status(fact, status)

    def edit_fact(self) -> None:
        """One dialog: the fact's value, status and note, below its sentence."""
        fact = self.entity_pane.current_fact()
        ctl = self.controller
        if fact is None or not ctl.editable() or ctl.view is None:
            return
        review = ctl.view.fact_review(fact)
        text = ctl.view.document.text
        dialog = FactDialog(self.window, kind=fact.kind, evidence=text[fact.start:fact.end],
                            extracted=review.extracted, value=review.value,
                            status=review.status, note=review.note)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            ctl.edit_fact(fact, dialog.status.currentText(), dialog.result_value(),
                          dialog.result_note())

    # -- notes, summary, status ----------------------------------------------------------
    def reviewer_name(self, *, ask: bool = True) -> str | None:
        """The name notes are signed with: asked once (the account's full name offered)
        and kept; None when the reviewer cancels the question."""
        name = self.settings.reviewer_name()
        if name or not ask:
            return name
        dialog = NameDialog(self.window, full_name())
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        name = dialog.result_name()
        self.settings.set_reviewer_name(name)
        return name

    def change_reviewer_name(self) -> None:
        """Review > Your name…"""
        dialog = NameDialog(self.window, self.settings.reviewer_name() or full_name())
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.settings.set_reviewer_name(dialog.result_name())
            self.status.show_message(f"Your notes are signed {dialog.result_name()}.")

    def add_note(self) -> None:
        if not self.controller.editable():
            return
        ep = self.entity_pane
        span = self.doc_pane.selected_span()
        target, key, start, end = "document", "", None, None
        group, fact = ep.current_group(), ep.current_fact()
        # What has focus decides: the list's item, else the text selection, else the release.
        if self._focused(ep.facts) and fact is not None:
            target, key = "fact", fact.key()
        elif self._focused(ep.tree) and group is not None:
            target, key = "entity", group.canonical
        elif span is not None and span[0] < span[1]:
            target, (start, end) = "span", span
        author = self.reviewer_name()
        if author is None:
            return
        quote = self._quote(target, key, start, end, group.label if group else "")
        dialog = NoteDialog(self.window, title="Add note", quote=quote, author=author)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.controller.add_note(dialog.note_text(), target=target, target_key=key,
                                     start=start, end=end, author=author)

    def _quote(self, target: str, key: str, start: int | None, end: int | None,
               label: str = "") -> str:
        """What a note annotates, as its dialog quotes it."""
        view = self.controller.view
        assert view is not None
        doc = view.document
        if target == "span" and start is not None and end is not None:
            return f"“{doc.text[start:end]}”"
        if target == "entity":
            return f"{LABEL_NAMES.get(label, 'Entity')}: {key}" if label else key
        if target == "fact":
            fact = next((f for f in view.facts if f.key() == key), None)
            if fact is None:
                return f"Fact: {key}"
            return f"{fact.kind.capitalize()} fact: {view.fact_review(fact).value}"
        return f"The release: {doc.title or doc.name}"

    def _note_quote(self, note: Note) -> str:
        if note.target == "span":
            return f"“{note.quote}”"
        label = ""
        if note.target == "entity":
            label = next((g.label for gs in self.presenter.groups.values() for g in gs
                          if g.canonical == note.target_key), "")
        return self._quote(note.target, note.target_key, None, None, label)

    def edit_note(self) -> None:
        note = self.entity_pane.current_note()
        if note is None or not self.controller.editable():
            return
        dialog = NoteDialog(self.window, title="Edit note", quote=self._note_quote(note),
                            author=note.author, text=note.text)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.note_text() != note.text:
            self.controller.edit_note(note, dialog.note_text())

    def delete_note(self) -> None:
        note = self.entity_pane.current_note()
        if note is not None and self.controller.editable():
            self.controller.delete_note(note)

    def save_summary(self, text: str) -> None:
        """Store the reviewer's summary (undoable); an empty one reverts to generated."""
        # False: unchanged, show the stored one. (None: it could not be saved; what was
        # typed stays in the box, and the dialog says so.)
        if self.controller.editable() and self.controller.save_summary(text) is False:
            self.presenter.refresh_summary(force=True)

    def revert_summary(self) -> None:
        if self.controller.editable() and self.controller.save_summary(None) is False:
            self.presenter.refresh_summary(force=True)  # only unsaved typing: generated

    def set_status(self, status: str) -> None:
        if self.controller.editable():
            self.controller.set_status(status)

