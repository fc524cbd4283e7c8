"""What the reviewer's keys and menu commands mean on screen: they read the selection
(text, entity list, facts, notes), ask for what is missing in a dialog, and hand the
change to the review controller, which runs it as an undoable command."""
from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QWidget

from reviewer.core.model import LABELS
from reviewer.core.palette import LABEL_NAMES
from reviewer.core.review import spans
from reviewer.ui.controller import ReviewController
from reviewer.ui.presenter import ReleasePresenter
from reviewer.ui.status_bar import StatusBar

RESIZE = {"grow_end": spans.grow_end, "shrink_end": spans.shrink_end,
          "grow_start": spans.grow_start, "shrink_start": spans.shrink_start}


class EditActions:
    def __init__(self, controller: ReviewController, presenter: ReleasePresenter,
                 status: StatusBar, window: QWidget) -> None:
        self.controller, self.presenter = controller, presenter
        self.doc_pane, self.entity_pane = presenter.doc_pane, presenter.entity_pane
        self.status, self.window = status, window
        doc_pane, entity_pane = self.doc_pane, self.entity_pane
        doc_pane.labelRequested.connect(self.label_in_text)
        doc_pane.rejectRequested.connect(self.reject_in_text)
        entity_pane.tree.labelRequested.connect(self.retype_selected_groups)
        entity_pane.tree.rejectRequested.connect(self.reject_selected_groups)
        entity_pane.proposalConfirmed.connect(self.confirm_link)
        entity_pane.facts.factKey.connect(self._fact_key)
        entity_pane.facts.doubleClicked.connect(lambda _i: self.edit_fact())
        entity_pane.notes.doubleClicked.connect(lambda _i: self.edit_note())
        entity_pane.summary.saveRequested.connect(self.save_summary)
        entity_pane.summary.revertRequested.connect(self.revert_summary)

    # -- entities ------------------------------------------------------------------------
    def apply_label(self, label: str) -> None:
        """From the menu: act on the entity list when it has focus, else on the text."""
        if self.entity_pane.tree.hasFocus():
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
        if self.entity_pane.tree.hasFocus():
            self.reject_selected_groups()
        else:
            self.reject_in_text()

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
            names = [LABEL_NAMES[x] for x in LABELS]
            choice, ok = QInputDialog.getItem(self.window, "Label all",
                                              f"Label “{needle}” as:", names, 0, False)
            if not ok:
                return
            label = LABELS[names.index(choice)]
        else:
            return
        ctl.label_all(needle, label, scope)

    # -- aliases -------------------------------------------------------------------------
    def merge_selected(self) -> None:
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

    def split_selected(self) -> None:
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
        fact = self.entity_pane.current_fact()
        if fact is None or not self.controller.editable():
            return
        current = self.entity_pane.fact_model.status_of(fact)
        value, ok = QInputDialog.getText(self.window, "Edit fact", "Value:",
                                         text=(current.value if current and current.value
                                               else fact.summary()))
        if not ok:
            return
        note, ok = QInputDialog.getText(self.window, "Edit fact", "Note (why):",
                                        text=current.note if current else "")
        if ok:
            status = current.status if current else "unverified"
            self.controller.set_fact_status(fact, status, value=value, note=note)

    # -- notes, summary, status ----------------------------------------------------------
    def add_note(self) -> None:
        if not self.controller.editable():
            return
        ep = self.entity_pane
        span = self.doc_pane.selected_span()
        target, key, start, end = "document", "", None, None
        group, fact = ep.current_group(), ep.current_fact()
        # What has focus decides: the list's item, else the text selection, else the release.
        if ep.facts.hasFocus() and fact is not None:
            target, key = "fact", fact.key()
        elif ep.tree.hasFocus() and group is not None:
            target, key = "entity", group.canonical
        elif span is not None and span[0] < span[1]:
            target, (start, end) = "span", span
        text, ok = QInputDialog.getMultiLineText(self.window, "Note", f"Note on this {target}:")
        if ok and text.strip():
            self.controller.add_note(text.strip(), target=target, target_key=key,
                                     start=start, end=end)

    def edit_note(self) -> None:
        note = self.entity_pane.current_note()
        if note is None or not self.controller.editable():
            return
        text, ok = QInputDialog.getMultiLineText(self.window, "Note", "Note:", note.text)
        if ok and text.strip() and text != note.text:
            self.controller.edit_note(note, text.strip())

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

