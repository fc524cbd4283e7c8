"""View > Entities across releases: the library's entities (canonical name, aliases,
label, releases, mentions), the links the linker proposes across releases, and merge,
split and the choice of canonical name there. The entities are computed on a worker
(the index holds every release's names with their counts) and again after each change
to the links or the library."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from reviewer.core.controls import reveal
from reviewer.core.model import LABEL_FIELDS, NAMED_LABELS
from reviewer.core.palette import LABEL_BASE_COLORS, LABEL_NAMES
from reviewer.core.review.library_entities import (
    LibraryEntity,
    LibraryProposal,
    PairCache,
    default_canonical,
    library_entities,
    library_proposals,
    merge_plan,
    name_pairs,
    split_plan,
)
from reviewer.core.review.workspace import Workspace
from reviewer.ui.background import CallTask
from reviewer.ui.changes import ReviewChange
from reviewer.ui.controller import ReviewController
from reviewer.ui.dialogs import CanonicalDialog
from reviewer.ui.item_models import Index, PayloadRole, TwoLevelModel, plain_tooltip
from reviewer.ui.library_pane import LibraryPane
from reviewer.ui.status_bar import StatusBar

_DISPLAY = Qt.ItemDataRole.DisplayRole
NameRole = Qt.ItemDataRole.UserRole + 10  # an alias row's name
REFRESH_DELAY_MS = 300  # changes in a row (undo, redo…) recompute once


class LibraryEntityModel(TwoLevelModel):
    """Entities (top rows) and their other names (children); filtered by text and label."""

    headers = ("Entity", "Label", "Releases", "Mentions")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._all: list[LibraryEntity] = []
        self._rows: list[LibraryEntity] = []
        self._text, self._label = "", ""

    def set_entities(self, entities: list[LibraryEntity]) -> None:
        self._all = list(entities)
        self._apply()

    def set_filter(self, text: str, label: str) -> None:
        self._text, self._label = text.casefold().strip(), label
        self._apply()

    def _apply(self) -> None:
        self.beginResetModel()
        words = self._text.split()
        self._rows = [e for e in self._all if (not self._label or e.label == self._label)
                      and all(any(w in n.casefold() for n in e.names) for w in words)]
        self.endResetModel()

    def entities(self) -> list[LibraryEntity]:
        return list(self._rows)

    def entity(self, index: Index) -> LibraryEntity | None:
        if not index.isValid():
            return None
        top = index.row() if index.internalId() == 0 else int(index.internalId()) - 1
        return self._rows[top] if 0 <= top < len(self._rows) else None

    def name(self, index: Index) -> str | None:
        """The name a row stands for (an entity's row: its canonical name)."""
        e = self.entity(index)
        if e is None:
            return None
        return e.canonical if index.internalId() == 0 else e.aliases[index.row()]

    def index_of(self, label: str, canonical: str) -> Any:
        for row, e in enumerate(self._rows):
            if e.label == label and e.canonical == canonical:
                return self.index(row, 0)
        return self.index(-1, 0)

    def _top_count(self) -> int:
        return len(self._rows)

    def _child_count(self, top: int) -> int:
        return len(self._rows[top].aliases)

    def _data(self, top: int, child: int | None, col: int, role: int) -> Any:
        e = self._rows[top]
        if child is None:
            if role == _DISPLAY:
                return (reveal(e.canonical), LABEL_NAMES[e.label], str(len(e.releases)),
                        str(e.mentions))[col]
            if role == PayloadRole:
                return e
            if role == Qt.ItemDataRole.DecorationRole and col == 1:
                return QColor(LABEL_BASE_COLORS[e.label])
            if role == Qt.ItemDataRole.ToolTipRole:
                also = ", ".join(e.aliases) or "no other name"
                return plain_tooltip(reveal(
                    f"{LABEL_NAMES[e.label]}: {e.canonical}\nalso written: {also}\n"
                    f"{len(e.releases)} releases, {e.mentions} mentions"))
            return None
        name = e.aliases[child]
        s = e.stats(name)
        linked = name in e.alias_ids
        if role == _DISPLAY:
            return (reveal(name), "alias" if linked else "", str(len(s.releases)),
                    str(s.mentions))[col]
        if role == NameRole:
            return name
        if role == Qt.ItemDataRole.ForegroundRole:
            return QColor("#555555")
        if role == Qt.ItemDataRole.FontRole and col == 0:
            f = QFont()
            f.setItalic(True)
            return f
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tooltip(reveal(f"“{name}”: another name of {e.canonical} "
                                        f"({len(s.releases)} releases, {s.mentions} mentions)"))
        return None


class LibraryEntitiesPane(QWidget):
    """The pane: filter, the entity tree with merge/split/canonical, the proposals."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.filter = QLineEdit()
        self.filter.setObjectName("entityFilter")
        self.filter.setPlaceholderText("Filter names")
        self.filter.setClearButtonEnabled(True)
        self.label_box = QComboBox()
        self.label_box.setObjectName("entityLabel")
        self.label_box.addItem("All labels", "")
        for lab in NAMED_LABELS:
            self.label_box.addItem(LABEL_NAMES[lab], lab)
        self.count = QLabel("")
        self.count.setTextFormat(Qt.TextFormat.PlainText)
        self.count.setMinimumWidth(self.count.fontMetrics().horizontalAdvance("99,999 entities"))
        self.model = LibraryEntityModel(self)
        self.tree = QTreeView()
        self.tree.setObjectName("libraryEntities")
        self.tree.setModel(self.model)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in (1, 2, 3):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        self.merge_button = QPushButton("Merge…")
        self.merge_button.setObjectName("mergeEntities")
        self.merge_button.setToolTip("Link the selected entities as one (choose its name)")
        self.split_button = QPushButton("Split")
        self.split_button.setObjectName("splitEntities")
        self.split_button.setToolTip("Unlink the selected names (an entity: all its names)")
        self.canonical_button = QPushButton("Make canonical")
        self.canonical_button.setObjectName("makeCanonical")
        self.canonical_button.setToolTip("The selected name becomes the entity's name")
        self.releases_button = QPushButton("Show releases")
        self.releases_button.setObjectName("showReleases")
        self.releases_button.setToolTip("List the releases that mention the selected entity")
        self.proposals = QListWidget()
        self.proposals.setObjectName("libraryProposals")
        self.proposals.setWordWrap(True)
        self.proposals.setAlternatingRowColors(True)
        self.link_button = QPushButton("Link…")
        self.link_button.setObjectName("linkProposal")
        self.distinct_button = QPushButton("Not the same")
        self.distinct_button.setObjectName("distinctProposal")

        head = QHBoxLayout()
        head.addWidget(self.filter, 1)
        head.addWidget(self.label_box)
        head.addWidget(self.count)
        buttons = QHBoxLayout()
        for b in (self.merge_button, self.split_button, self.canonical_button,
                  self.releases_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addLayout(head)
        ll.addWidget(self.tree, 1)
        ll.addLayout(buttons)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        title = QLabel("Proposed links across releases")
        title.setStyleSheet("font-weight: bold; padding: 2px;")
        rl.addWidget(title)
        rl.addWidget(self.proposals, 1)
        pb = QHBoxLayout()
        pb.addWidget(self.link_button)
        pb.addWidget(self.distinct_button)
        rl.addLayout(pb)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("libraryEntitiesSplitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setSizes([640, 360])
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.splitter)
        self.filter.textChanged.connect(self._filter)
        self.label_box.currentIndexChanged.connect(self._filter)
        self.tree.selectionModel().selectionChanged.connect(lambda *_: self.update_buttons())
        self.proposals.currentRowChanged.connect(lambda _r: self.update_buttons())
        self.update_buttons()

    def _filter(self) -> None:
        self.model.set_filter(self.filter.text(), str(self.label_box.currentData() or ""))
        self._count()
        self.update_buttons()

    def _count(self) -> None:
        shown = self.model.entities()
        self.count.setText(f"{len(shown)} entit{'ies' if len(shown) != 1 else 'y'}")

    def set_data(self, entities: list[LibraryEntity], proposals: list[LibraryProposal],
                 by_name: dict[tuple[str, str], LibraryEntity]) -> None:
        """New entities and proposals; the selection follows the entities it was on."""
        selected = [(e.label, e.canonical) for e in self.selected_entities()]
        self.model.set_entities(entities)
        self._count()
        sm = self.tree.selectionModel()
        for label, canonical in selected:
            idx = self.model.index_of(label, canonical)
            if idx.isValid():
                sm.select(idx, sm.SelectionFlag.Select | sm.SelectionFlag.Rows)
        self.proposals.clear()
        for p in proposals:
            ea, eb = by_name[(p.label, p.a)], by_name[(p.label, p.b)]
            item = QListWidgetItem(reveal(
                f"{p.a} ({_releases(ea)})  ↔  {p.b} ({_releases(eb)})\n"
                f"    {LABEL_NAMES[p.label]}, {p.reason}"))
            item.setData(Qt.ItemDataRole.UserRole, p)
            item.setToolTip(plain_tooltip(reveal(
                f"{LABEL_NAMES[p.label]}: “{p.a}” and “{p.b}” may be one ({p.reason}).\n"
                "Link… makes them one; Not the same stops proposing it.")))
            self.proposals.addItem(item)
        if proposals:
            self.proposals.setCurrentRow(0)
        self.update_buttons()

    def selected_entities(self) -> list[LibraryEntity]:
        out: list[LibraryEntity] = []
        for idx in self.tree.selectionModel().selectedRows(0):
            e = self.model.entity(idx)
            if e is not None and idx.internalId() == 0 and e not in out:
                out.append(e)
        return out

    def selected_names(self) -> list[tuple[LibraryEntity, str]]:
        """(entity, name) of every selected row (an entity's row: its canonical name)."""
        out = []
        for idx in self.tree.selectionModel().selectedRows(0):
            e, name = self.model.entity(idx), self.model.name(idx)
            if e is not None and name is not None:
                out.append((e, name))
        return out

    def current_proposal(self) -> LibraryProposal | None:
        item = self.proposals.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def update_buttons(self) -> None:
        entities = self.selected_entities()
        names = self.selected_names()
        self.merge_button.setEnabled(len(entities) >= 2
                                     and len({e.label for e in entities}) == 1)
        self.split_button.setEnabled(any(n in e.alias_ids or (n == e.canonical and e.alias_ids)
                                         for e, n in names))
        self.canonical_button.setEnabled(len(names) == 1 and names[0][1] != names[0][0].canonical)
        self.releases_button.setEnabled(bool(names))
        on = self.current_proposal() is not None
        self.link_button.setEnabled(on)
        self.distinct_button.setEnabled(on)


def _releases(e: LibraryEntity) -> str:
    n = len(e.releases)
    return f"{n} release{'s' if n != 1 else ''}"


class LibraryEntities(QObject):
    """The pane's data and what its buttons do: merges, splits and canonical names are
    undoable link changes (the controller's `relink`)."""

    updated = Signal()  # new entities and proposals are shown

    def __init__(self, ws: Workspace, controller: ReviewController, library_pane: LibraryPane,
                 status: StatusBar, pane: LibraryEntitiesPane, pool: QThreadPool,
                 parent: QObject) -> None:
        super().__init__(parent)
        self.ws, self.controller, self.library_pane = ws, controller, library_pane
        self.status, self.view, self.pool = status, pane, pool
        self.entities: list[LibraryEntity] = []
        self.proposals: list[LibraryProposal] = []
        self.by_name: dict[tuple[str, str], LibraryEntity] = {}
        self._tasks: list[CallTask] = []
        self._pairs = PairCache()  # used on the pool's one worker only
        self._serial = 0
        self._stopped = False
        self.active = False  # computed only once the pane was shown
        self.timer = QTimer(self, singleShot=True, interval=REFRESH_DELAY_MS)
        self.timer.timeout.connect(self.refresh)
        controller.changed.connect(self._changed)
        pane.merge_button.clicked.connect(self.merge_selected)
        pane.split_button.clicked.connect(self.split_selected)
        pane.canonical_button.clicked.connect(self.make_canonical)
        pane.releases_button.clicked.connect(self.show_releases)
        pane.tree.doubleClicked.connect(lambda _i: self.show_releases())
        pane.link_button.clicked.connect(self.link_proposal)
        pane.proposals.itemDoubleClicked.connect(lambda _i: self.link_proposal())
        pane.distinct_button.clicked.connect(self.reject_proposal)

    @property
    def running(self) -> bool:
        return any(not t.finished.is_set() for t in self._tasks)

    # -- computing -----------------------------------------------------------------------
    def refresh(self) -> None:
        """Entities and proposals again, on a worker (the index's names, the links)."""
        if self._stopped:
            return
        self.active = True
        self._serial += 1
        serial = self._serial
        ws, cache = self.ws, self._pairs

        def work() -> tuple[list[LibraryEntity], list[LibraryProposal]]:
            entities = library_entities(ws.index.entity_mentions(), ws.store.aliases())
            pairs = name_pairs(entities, cache)
            return entities, library_proposals(entities, pairs, ws.store.distinct_names())

        if not self.entities:
            self.view.count.setText("listing…")
        task = CallTask(work, "listing the library's entities")
        task.signals.done.connect(lambda result, n=serial: self._computed(n, result))
        task.signals.failed.connect(
            lambda msg: self.status.show_message(f"Entities across releases: {msg}"))
        self._tasks = [t for t in self._tasks if not t.finished.is_set()] + [task]
        self.pool.start(task)

    def _computed(self, serial: int, result: object) -> None:
        if serial != self._serial or self._stopped:
            return
        assert isinstance(result, tuple)
        computed: tuple[list[LibraryEntity], list[LibraryProposal]] = result
        self.entities, self.proposals = computed
        self.by_name = {(e.label, n): e for e in self.entities for n in e.names}
        self.view.set_data(self.entities, self.proposals, self.by_name)
        self.updated.emit()

    def _changed(self, change: ReviewChange) -> None:
        if self.active and (change.aliases or change.lexicon or change.corrections):
            self.timer.start()

    def library_changed(self) -> None:
        """A scan finished: the index's names may have changed."""
        if self.active:
            self.timer.start()

    def stop(self) -> None:
        self._stopped = True
        self._serial += 1
        self.timer.stop()

    # -- changes -------------------------------------------------------------------------
    def _ask_canonical(self, entities: list[LibraryEntity]) -> str | None:
        names = sorted({n for e in entities for n in e.names})
        rows = []
        for name in names:
            owner = next(e for e in entities if name in e.names)
            s = owner.stats(name)
            rows.append((name, len(s.releases), s.mentions))
        dialog = CanonicalDialog(self.view.window(), entities[0].label, rows,
                                 default_canonical(entities))
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.canonical() or None

    def merge(self, entities: list[LibraryEntity]) -> None:
        """Link entities as one, under the name the reviewer chooses."""
        if len(entities) < 2 or not self.controller.editable_workspace():
            return
        canonical = self._ask_canonical(entities)
        if canonical is None:
            return
        remove, add = merge_plan(entities, canonical)
        releases = sorted({d for e in entities for d in e.releases})
        self.controller.relink(f"Link {len(entities)} entities as {canonical[:30]}", remove,
                               add, releases)

    def merge_selected(self) -> None:
        entities = self.view.selected_entities()
        if len(entities) < 2 or len({e.label for e in entities}) != 1:
            self.status.show_message("Select two or more entities of one label to merge.")
            return
        self.merge(entities)

    def split_selected(self) -> None:
        chosen = self.view.selected_names()
        if not chosen or not self.controller.editable_workspace():
            return
        remove: list[int] = []
        releases: set[int] = set()
        for entity in {id(e): e for e, _ in chosen}.values():
            names = [n for e, n in chosen if e is entity]
            ids, _ = split_plan(entity, names)
            remove += ids
            releases |= entity.releases
        if not remove:
            self.status.show_message("The selected names are not linked to anything.")
            return
        self.controller.relink(f"Split {chosen[0][0].canonical[:30]}", sorted(set(remove)), [],
                               sorted(releases))

    def make_canonical(self) -> None:
        chosen = self.view.selected_names()
        if len(chosen) != 1 or not self.controller.editable_workspace():
            return
        entity, name = chosen[0]
        if name == entity.canonical:
            return
        remove, add = merge_plan([entity], name)
        self.controller.relink(f"Call {entity.canonical[:30]} {name[:30]}", remove, add,
                               sorted(entity.releases))

    def link_proposal(self) -> None:
        p = self.view.current_proposal()
        if p is not None:
            self.merge([self.by_name[(p.label, p.a)], self.by_name[(p.label, p.b)]])

    def reject_proposal(self) -> None:
        p = self.view.current_proposal()
        if p is not None and self.controller.editable_workspace():
            releases = self.by_name[(p.label, p.a)].releases | self.by_name[(p.label, p.b)].releases
            self.controller.mark_distinct(p.label, p.a, p.b, sorted(releases))

    def show_releases(self) -> None:
        """The releases mentioning the selected entity, as a search in the library."""
        chosen = self.view.selected_names()
        if not chosen:
            return
        entity = chosen[0][0]
        names = sorted(entity.names)
        field = LABEL_FIELDS[entity.label]
        terms = [f'{field}:"{n.replace(chr(34), " ")}"' for n in names]
        self.library_pane.add_chip(terms[0] if len(terms) == 1 else
                                   "(" + " OR ".join(terms) + ")")
