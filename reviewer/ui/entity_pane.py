"""Entities grouped by label, proposed alias links, facts and notes of the open release."""
from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListView,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from reviewer.core.controls import reveal
from reviewer.core.review.groups import EntityGroup
from reviewer.ui.actions import SPECS
from reviewer.ui.document_view import TEXT_VIEW_ACTIONS, control_selections
from reviewer.ui.item_models import (
    EntityModel,
    FactsModel,
    NotesModel,
    OrphansModel,
    PayloadRole,
)
from reviewer.ui.keymap import Keymap


class _KeyTree(QTreeView):
    """Entity tree: label keys retype the selected entity, Delete rejects it."""

    labelRequested = Signal(str)
    rejectRequested = Signal()

    def __init__(self, keymap: Keymap) -> None:
        super().__init__()
        self.keymap = keymap

    def keyPressEvent(self, event: QKeyEvent) -> None:
        what = self.keymap.match(event, TEXT_VIEW_ACTIONS)
        if what == "reject":
            self.rejectRequested.emit()
            return
        if what is not None:
            self.labelRequested.emit(SPECS[what].label)
            return
        super().keyPressEvent(event)


#: The facts list's keys (the action table's ids) and what each asks for.
FACT_KEYS = {"verify": "verified", "dispute": "disputed", "unverify": "unverified",
             "edit_fact": "edit"}


class _FactTable(QTableView):
    """V verifies, X disputes, U unverifies, F2 edits the selected fact (the user's own
    keys when rebound)."""

    factKey = Signal(str)

    def __init__(self, keymap: Keymap) -> None:
        super().__init__()
        self.keymap = keymap

    def keyPressEvent(self, event: QKeyEvent) -> None:
        what = self.keymap.match(event, FACT_KEYS)
        if what is not None:
            self.factKey.emit(FACT_KEYS[what])
            return
        super().keyPressEvent(event)


def _title(text: str) -> QLabel:
    lab = QLabel(text)
    lab.setTextFormat(Qt.TextFormat.PlainText)
    lab.setStyleSheet("font-weight: bold; padding: 2px;")
    return lab


class SummaryBox(QWidget):
    """The release's summary: generated, or the reviewer's own text (plain text only).
    Saving and reverting are requests: the window stores them as undoable commands."""

    saveRequested = Signal(str)
    revertRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc_id: int | None = None
        self.edited = False
        self.team_caption = ""  # "Written by Ana Lima, 10:42": another reviewer's summary
        self.state = QLabel("")
        self.state.setTextFormat(Qt.TextFormat.PlainText)
        self.state.setObjectName("summaryState")
        self.state.setStyleSheet("color: #666666; padding: 2px;")
        self.edit = QPlainTextEdit()
        self.edit.setObjectName("summaryEdit")
        self.edit.setTabChangesFocus(True)
        self.edit.setPlaceholderText("No summary: type one and save it.")
        self.save_button = QPushButton("Save summary")
        self.save_button.setObjectName("saveSummary")
        self.revert_button = QPushButton("Revert to generated")
        self.revert_button.setObjectName("revertSummary")
        self.save_button.clicked.connect(lambda: self.saveRequested.emit(self.text()))
        self.revert_button.clicked.connect(self.revertRequested.emit)
        self.edit.modificationChanged.connect(lambda _m: self._update_buttons())
        head = QHBoxLayout()
        head.setContentsMargins(0, 0, 0, 0)
        head.addWidget(_title("Summary"))
        head.addWidget(self.state, 1)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addStretch(1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(head)
        lay.addWidget(self.edit, 1)
        lay.addLayout(buttons)
        self._update_buttons()

    def text(self) -> str:
        return self.edit.toPlainText()

    def is_dirty(self) -> bool:
        """The reviewer typed something not yet saved."""
        return self.edit.document().isModified()

    def set_summary(self, doc_id: int | None, text: str, edited: bool, *,
                    force: bool = False) -> None:
        """Show a release's summary; unsaved typing in the same release is kept unless
        `force` (an undo/redo of the summary itself)."""
        if doc_id == self.doc_id and self.is_dirty() and not force:
            self.edited = edited
            self._update_buttons()
            return
        self.doc_id, self.edited = doc_id, edited
        shown = reveal(text)  # direction controls shown, never applied
        if self.edit.toPlainText() != shown:
            self.edit.setPlainText(shown)
            self.edit.setExtraSelections(control_selections(self.edit, text))
        self.edit.document().setModified(False)
        self._update_buttons()

    def set_team_caption(self, caption: str) -> None:
        """Who on the team wrote the stored summary ("" when this laptop's reviewer)."""
        self.team_caption = caption
        self._update_buttons()

    def _update_buttons(self) -> None:
        dirty = self.is_dirty()
        on = self.doc_id is not None
        self.save_button.setEnabled(on and dirty)
        self.revert_button.setEnabled(on and (self.edited or dirty))
        self.edit.setReadOnly(not on)
        if not on:
            self.state.setText("")
        elif dirty:
            self.state.setText("(not saved)")
        else:
            by = self.team_caption[:1].lower() + self.team_caption[1:]
            self.state.setText(f"({by})" if self.edited and by else
                               "(edited by the reviewer)" if self.edited else "(generated)")


class EntityPane(QWidget):
    groupSelected = Signal(object)  # EntityGroup | None
    proposalConfirmed = Signal(str, str, str)  # canonical, alias, label
    proposalRejected = Signal(str, str, str)  # canonical, alias, label: not the same
    discardRequested = Signal(object)  # list[Correction]: orphaned ones to discard

    def __init__(self, parent: QWidget | None = None, keymap: Keymap | None = None) -> None:
        super().__init__(parent)
        self.keymap = keymap if keymap is not None else Keymap(parent=self)
        self.entity_model = EntityModel(self)
        self.fact_model = FactsModel(self)
        self.note_model = NotesModel(self)
        self.proposal_model = QStandardItemModel(self)
        self._proposals: list[tuple[str, str, str]] = []

        self.tree = _KeyTree(self.keymap)
        self.tree.setObjectName("entityTree")
        self.tree.setModel(self.entity_model)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.setUniformRowHeights(True)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setStretchLastSection(False)
        self.tree.selectionModel().currentChanged.connect(self._current_changed)

        self.proposals = QListView()
        self.proposals.setModel(self.proposal_model)
        self.proposals.setMaximumHeight(70)
        self.confirm_button = QPushButton("Confirm link")
        self.confirm_button.setObjectName("confirmLink")
        self.confirm_button.setEnabled(False)
        self.confirm_button.clicked.connect(self.confirm_proposal)
        self.reject_button = QPushButton("Not the same")
        self.reject_button.setObjectName("rejectLink")
        self.reject_button.setToolTip("These names are different entities: do not propose "
                                      "this link again (undoable)")
        self.reject_button.setEnabled(False)
        self.reject_button.clicked.connect(self.reject_proposal)
        self.proposals.doubleClicked.connect(lambda _i: self.confirm_proposal())

        self.facts = _FactTable(self.keymap)
        self.facts.setObjectName("factsTable")
        self.facts.setModel(self.fact_model)
        self.facts.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.facts.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.facts.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.facts.verticalHeader().hide()

        self.notes = QListView()
        self.notes.setObjectName("notesList")
        self.notes.setModel(self.note_model)
        self.notes.setWordWrap(True)

        top = QWidget()
        lay = QVBoxLayout(top)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(_title("Entities"))
        lay.addWidget(self.tree, 1)
        lay.addWidget(_title("Proposed links"))
        lay.addWidget(self.proposals)
        links = QHBoxLayout()
        links.setContentsMargins(0, 0, 0, 0)
        links.addWidget(self.confirm_button, 1)
        links.addWidget(self.reject_button, 1)
        lay.addLayout(links)
        facts = QWidget()
        fl = QVBoxLayout(facts)
        fl.setContentsMargins(0, 0, 0, 0)
        self.facts_title = _title("")
        fl.addWidget(self.facts_title)
        fl.addWidget(self.facts)
        notes = QWidget()
        nl = QVBoxLayout(notes)
        nl.setContentsMargins(0, 0, 0, 0)
        nl.addWidget(_title("Notes"))
        nl.addWidget(self.notes)
        # Corrections the text no longer holds (the file changed): shown only when some are.
        self.orphan_model = OrphansModel(self)
        self.orphans_box = QWidget()
        self.orphans_box.setObjectName("orphanedCorrections")
        ol = QVBoxLayout(self.orphans_box)
        ol.setContentsMargins(0, 4, 0, 0)
        self.orphans_title = _title("")
        self.orphans_title.setStyleSheet("font-weight: bold; padding: 2px; color: #AA3377;")
        self.orphans = QListView()
        self.orphans.setObjectName("orphansList")
        self.orphans.setModel(self.orphan_model)
        self.orphans.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.orphans.setMinimumHeight(40)
        self.discard_button = QPushButton("Discard")
        self.discard_button.setObjectName("discardOrphans")
        self.discard_button.setToolTip("Discard the selected corrections (undoable)")
        self.discard_button.clicked.connect(self._discard)
        ol.addWidget(self.orphans_title)
        ol.addWidget(self.orphans)
        ol.addWidget(self.discard_button, 0, Qt.AlignmentFlag.AlignRight)
        self.orphans_box.hide()
        self.summary = SummaryBox()
        # Small minimum heights: four sections must still fit a short window.
        for view, h in ((self.proposals, 36), (self.facts, 48), (self.notes, 36),
                        (self.summary.edit, 40)):
            view.setMinimumHeight(h)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("entitySplitter")
        for w in (top, self.summary, facts, notes, self.orphans_box):
            self.splitter.addWidget(w)
        self.splitter.setSizes([420, 170, 180, 110, 110])
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.splitter)
        self._show_keys()
        self.keymap.changed.connect(self._show_keys)

    def _show_keys(self) -> None:
        """The facts list's title names its keys; the entity list's labels theirs."""
        km = self.keymap
        keys = [f"{km.view_text(i)} {what}" for i, what in (
            ("verify", "verify"), ("dispute", "dispute"), ("edit_fact", "edit"))
            if km.view_text(i)]
        self.facts_title.setText("Facts" + (f"  ({' · '.join(keys)})" if keys else ""))
        self.entity_model.set_key_texts({s.label: km.view_text(i) for i, s in SPECS.items()
                                         if s.label and s.view})

    def set_content(self, groups: dict[str, list[EntityGroup]], visible: set[str],
                    facts: list, fact_statuses: dict, notes: list,
                    proposals: list[tuple[str, str, str]] | None = None) -> None:
        """Show a release's review state. The entity tree is updated in place (only the
        labels whose entities changed), so a correction costs little; `proposals` None
        keeps the current ones until `set_proposals` (they are computed later)."""
        selected = self.selected_groups()
        current = self.current_group()
        sm = self.tree.selectionModel()
        sm.blockSignals(True)  # rows going away must not look like a user's click
        try:
            reset = self.entity_model.update_groups(groups, visible)
        finally:
            sm.blockSignals(False)
        if reset:
            self.tree.expandAll()
            self.tree.resizeColumnToContents(1)
        if self.fact_model.set_facts(facts, fact_statuses):
            self.facts.resizeColumnToContents(0)
        self.note_model.set_notes(notes)
        if proposals is not None:
            self.set_proposals(proposals)
        # Keep the selection across a refresh so next/previous and merges go on working.
        sm.blockSignals(True)
        for g in selected:
            idx = self.entity_model.index_of(g.label, g.canonical)
            if idx.isValid() and not sm.isSelected(idx):
                sm.select(idx, sm.SelectionFlag.Select | sm.SelectionFlag.Rows)
        if current is not None:
            idx = self.entity_model.index_of(current.label, current.canonical)
            if idx.isValid() and idx != self.tree.currentIndex():
                sm.setCurrentIndex(idx, sm.SelectionFlag.NoUpdate)
        sm.blockSignals(False)

    def set_orphans(self, corrections: list) -> None:
        """The corrections that no longer fit the text (hidden when there are none)."""
        self.orphan_model.set_corrections(corrections)
        n = len(corrections)
        self.orphans_title.setText(f"{n} correction{'s' if n != 1 else ''} no longer found "
                                   "in the text")
        was = self.orphans_box.isVisible()
        self.orphans_box.setVisible(bool(n))
        if n and not was:
            # Shown again: a little room (title, three rows, the button), taken from the
            # other sections in proportion.
            sizes = self.splitter.sizes()
            total = sum(sizes)
            want = min(130, total // 4)
            rest = sum(sizes[:-1]) or 1
            scaled = [max(0, round(x * (total - want) / rest)) for x in sizes[:-1]]
            self.splitter.setSizes(scaled + [want])

    def _discard(self) -> None:
        rows = sorted(i.row() for i in self.orphans.selectionModel().selectedRows())
        if not rows and self.orphan_model.rowCount():
            rows = list(range(self.orphan_model.rowCount()))  # none selected: all of them
        chosen = [c for c in map(self.orphan_model.correction, rows) if c is not None]
        if chosen:
            self.discardRequested.emit(chosen)

    def set_proposals(self, proposals: list[tuple[str, str, str]]) -> None:
        if proposals == self._proposals:
            return
        self._proposals = list(proposals)
        self.proposal_model.clear()
        for canonical, alias, label in proposals:
            item = QStandardItem(f"{alias}  →  {canonical}")
            item.setData((canonical, alias, label), PayloadRole)
            item.setEditable(False)
            self.proposal_model.appendRow(item)
        self.confirm_button.setEnabled(bool(proposals))
        self.reject_button.setEnabled(bool(proposals))

    def current_group(self) -> EntityGroup | None:
        return self.entity_model.group(self.tree.currentIndex())

    def selected_groups(self) -> list[EntityGroup]:
        out = []
        for idx in self.tree.selectionModel().selectedRows(0):
            g = self.entity_model.group(idx)
            if g is not None:
                out.append(g)
        return out

    def select_group(self, label: str, canonical: str) -> bool:
        idx = self.entity_model.index_of(label, canonical)
        if not idx.isValid():
            return False
        self.tree.selectionModel().setCurrentIndex(
            idx, self.tree.selectionModel().SelectionFlag.ClearAndSelect
            | self.tree.selectionModel().SelectionFlag.Rows)
        self.tree.scrollTo(idx)
        return True

    def current_fact(self):  # -> Fact | None
        return self.fact_model.fact(self.facts.currentIndex().row())

    def current_note(self):  # -> Note | None
        return self.note_model.note(self.notes.currentIndex().row())

    def _chosen_proposal(self) -> tuple[str, str, str] | None:
        idx = self.proposals.currentIndex()
        if not idx.isValid() and self.proposal_model.rowCount():
            idx = self.proposal_model.index(0, 0)
        if not idx.isValid():
            return None
        canonical, alias, label = idx.data(PayloadRole)
        return str(canonical), str(alias), str(label)

    def confirm_proposal(self) -> None:
        chosen = self._chosen_proposal()
        if chosen is not None:
            self.proposalConfirmed.emit(*chosen)

    def reject_proposal(self) -> None:
        chosen = self._chosen_proposal()
        if chosen is not None:
            self.proposalRejected.emit(*chosen)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.groupSelected.emit(self.entity_model.group(current))
