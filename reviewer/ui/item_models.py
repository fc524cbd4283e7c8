"""What every Qt item model shares (the custom roles, the two-level tree, plain tooltips)
and the entity pane's models over a release's review data: entities, facts, notes,
corrections that lost their text. Display strings only: document text is never HTML.
The library pane's models are in `library_models`."""
from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractListModel,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont

from reviewer.core.controls import reveal
from reviewer.core.model import LABELS, Correction, Fact
from reviewer.core.palette import LABEL_BASE_COLORS, LABEL_KEYS, LABEL_NAMES
from reviewer.core.review.groups import EntityGroup
from reviewer.core.store import FactStatus, Note

Index = QModelIndex | QPersistentModelIndex
DocIdRole = Qt.ItemDataRole.UserRole + 1
PayloadRole = Qt.ItemDataRole.UserRole + 2
QueryRole = Qt.ItemDataRole.UserRole + 3
SnippetRole = Qt.ItemDataRole.UserRole + 4
MissingRole = Qt.ItemDataRole.UserRole + 5  # a missing release's id (it cannot be opened)
_DISPLAY = Qt.ItemDataRole.DisplayRole
_INVALID = QModelIndex()


def plain_tooltip(text: str) -> str:
    """Tooltips are rich text when they look like HTML: escape document text."""
    return "<p style='white-space:pre-wrap'>" + html.escape(text) + "</p>"


class TwoLevelModel(QAbstractItemModel):
    """A tree of top rows with one level of children. internalId: 0 for a top row,
    parent row + 1 for a child, which is all the bookkeeping a two-level tree needs."""

    headers: tuple[str, ...] = ("Name",)

    def _top_count(self) -> int:
        raise NotImplementedError

    def _child_count(self, top: int) -> int:
        raise NotImplementedError

    def _data(self, top: int, child: int | None, col: int, role: int) -> Any:
        raise NotImplementedError

    def index(self, row: int, column: int, parent: Index = _INVALID) -> QModelIndex:
        if column < 0 or column >= len(self.headers) or row < 0:
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, 0) if row < self._top_count() \
                else QModelIndex()
        if parent.internalId() != 0 or parent.column() != 0:
            return QModelIndex()
        if row >= self._child_count(parent.row()):
            return QModelIndex()
        return self.createIndex(row, column, parent.row() + 1)

    def parent(self, index: Index = _INVALID) -> QModelIndex:  # type: ignore[override]
        if not index.isValid() or index.internalId() == 0:
            return QModelIndex()
        return self.createIndex(int(index.internalId()) - 1, 0, 0)

    def rowCount(self, parent: Index = _INVALID) -> int:
        if not parent.isValid():
            return self._top_count()
        if parent.internalId() == 0 and parent.column() == 0:
            return self._child_count(parent.row())
        return 0

    def columnCount(self, parent: Index = _INVALID) -> int:
        return len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == _DISPLAY \
                and 0 <= section < len(self.headers):
            return self.headers[section]
        return None

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        if not index.isValid():
            return None
        if index.internalId() == 0:
            return self._data(index.row(), None, index.column(), role)
        return self._data(int(index.internalId()) - 1, index.row(), index.column(), role)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


# -- entity pane ------------------------------------------------------------------------

class EntityModel(TwoLevelModel):
    """The open release's entities grouped by label: canonical name, mentions, status."""

    headers = ("Entity", "Mentions", "Status")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._labels: list[str] = []
        self._groups: list[list[EntityGroup]] = []
        self._keys: dict[str, str] = dict(LABEL_KEYS)

    def set_key_texts(self, keys: dict[str, str]) -> None:
        """The key that labels each label, as shown after its name (the user's keys)."""
        self._keys = dict(keys)
        if self._labels:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._labels) - 1, 0))

    def set_groups(self, groups: dict[str, list[EntityGroup]], visible: set[str]) -> None:
        self.beginResetModel()
        self._labels = [lab for lab in LABELS if lab in groups and lab in visible]
        self._groups = [list(groups[lab]) for lab in self._labels]
        self.endResetModel()

    def update_groups(self, groups: dict[str, list[EntityGroup]], visible: set[str]) -> bool:
        """Bring the model to `groups` with the fewest changes: a label whose entities are
        the same only refreshes its rows; one whose entities changed has just its children
        replaced. Only a new or vanished label resets the model (returns True then).

        Top rows never move without a reset: children's internal ids name their parent's
        row, so shifting top rows under persistent indexes would corrupt them."""
        labels = [lab for lab in LABELS if lab in groups and lab in visible]
        if labels != self._labels:
            self.set_groups(groups, visible)
            return True
        for top, label in enumerate(labels):
            old, new = self._groups[top], list(groups[label])
            parent = self.index(top, 0)
            if [g.canonical for g in old] == [g.canonical for g in new]:
                changed = [r for r, (a, b) in enumerate(zip(old, new, strict=True))
                           if a.status != b.status or len(a.mentions) != len(b.mentions)]
                self._groups[top] = new  # new mention objects either way
                if changed:
                    last = len(self.headers) - 1
                    self.dataChanged.emit(self.index(changed[0], 0, parent),
                                          self.index(changed[-1], last, parent))
                    self.dataChanged.emit(parent, self.index(top, last))
                continue
            # Keep the common head and tail; replace only the rows in between.
            head = 0
            while head < min(len(old), len(new)) and old[head].canonical == new[head].canonical:
                head += 1
            tail = 0
            while (tail < min(len(old), len(new)) - head
                   and old[-1 - tail].canonical == new[-1 - tail].canonical):
                tail += 1
            if len(old) - tail > head:
                self.beginRemoveRows(parent, head, len(old) - tail - 1)
                self._groups[top] = old[:head] + old[len(old) - tail:]
                self.endRemoveRows()
            if len(new) - tail > head:
                self.beginInsertRows(parent, head, len(new) - tail - 1)
                self._groups[top] = old[:head] + new[head:len(new) - tail] + \
                    old[len(old) - tail:]
                self.endInsertRows()
            self._groups[top] = new
            last = len(self.headers) - 1
            if new:
                self.dataChanged.emit(self.index(0, 0, parent),
                                      self.index(len(new) - 1, last, parent))
            self.dataChanged.emit(parent, self.index(top, last))
        return False

    def group(self, index: Index) -> EntityGroup | None:
        if not index.isValid() or index.internalId() == 0:
            return None
        return self._groups[int(index.internalId()) - 1][index.row()]

    def index_of(self, label: str, canonical: str) -> QModelIndex:
        if label not in self._labels:
            return QModelIndex()
        top = self._labels.index(label)
        for row, g in enumerate(self._groups[top]):
            if g.canonical == canonical:
                return self.index(row, 0, self.index(top, 0))
        return QModelIndex()

    def _top_count(self) -> int:
        return len(self._labels)

    def _child_count(self, top: int) -> int:
        return len(self._groups[top])

    def _data(self, top: int, child: int | None, col: int, role: int) -> Any:
        label = self._labels[top]
        if child is None:
            if role == _DISPLAY:
                if col == 0:
                    key = self._keys.get(label, "")
                    return f"{LABEL_NAMES[label]} [{key}]" if key else LABEL_NAMES[label]
                if col == 1:
                    return str(sum(len(g.mentions) for g in self._groups[top]))
                return f"{len(self._groups[top])} entities"
            if role == Qt.ItemDataRole.DecorationRole and col == 0:
                return QColor(LABEL_BASE_COLORS[label])
            if role == Qt.ItemDataRole.FontRole:
                f = QFont()
                f.setBold(True)
                return f
            return None
        g = self._groups[top][child]
        if role == _DISPLAY:
            return (reveal(g.canonical), str(len(g.mentions)), g.status)[col]
        if role == PayloadRole:
            return g
        if role == Qt.ItemDataRole.ToolTipRole:
            names = ", ".join(g.names)
            return plain_tooltip(reveal(f"{LABEL_NAMES[label]}: {g.canonical}\nas written: "
                                        f"{names}\nstatus: {g.status}"))
        return None


class FactsModel(QAbstractTableModel):
    headers = ("Kind", "Fact", "Status", "Note")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._facts: list[Fact] = []
        self._status: dict[str, FactStatus] = {}

    def set_facts(self, facts: list[Fact], statuses: dict[str, FactStatus]) -> bool:
        """Show these facts; returns False (and signals nothing) when nothing changed."""
        if facts == self._facts and statuses == self._status:
            return False
        if [f.key() for f in facts] == [f.key() for f in self._facts] and facts:
            self._facts = list(facts)
            self._status = dict(statuses)
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(facts) - 1, len(self.headers) - 1))
            return False
        self.beginResetModel()
        self._facts = list(facts)
        self._status = dict(statuses)
        self.endResetModel()
        return True

    def fact(self, row: int) -> Fact | None:
        return self._facts[row] if 0 <= row < len(self._facts) else None

    def rowCount(self, parent: Index = _INVALID) -> int:
        return 0 if parent.isValid() else len(self._facts)

    def columnCount(self, parent: Index = _INVALID) -> int:
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == _DISPLAY \
                and 0 <= section < len(self.headers):
            return self.headers[section]
        return None

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._facts)):
            return None
        f = self._facts[index.row()]
        st = self._status.get(f.key())
        if role == _DISPLAY:
            col = index.column()
            if col == 0:
                return f.kind
            if col == 1:
                return reveal(st.value if st and st.value else f.summary())
            if col == 2:
                return st.status if st else "unverified"
            return st.note if st else ""
        if role == PayloadRole:
            return f
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [f"{f.kind}: {st.value if st and st.value else f.summary()}"]
            if st and st.value:
                lines.append(f"extracted: {f.summary()}")
            lines.append(f"status: {st.status if st else 'unverified'}")
            if st and st.note:
                lines.append(f"note: {st.note}")
            return plain_tooltip(reveal("\n".join(lines)))
        if role == Qt.ItemDataRole.FontRole and index.column() == 1 and st and st.value:
            font = QFont()
            font.setItalic(True)  # the reviewer's value, not the extracted one
            return font
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 2 and st:
            return QBrush(QColor({"verified": "#117733", "disputed": "#AA3377"}.get(
                st.status, "#666666")))
        return None


class NotesModel(QAbstractListModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._notes: list[Note] = []

    def set_notes(self, notes: list[Note]) -> None:
        if notes == self._notes:
            return
        self.beginResetModel()
        self._notes = list(notes)
        self.endResetModel()

    def note(self, row: int) -> Note | None:
        return self._notes[row] if 0 <= row < len(self._notes) else None

    def rowCount(self, parent: Index = _INVALID) -> int:
        return 0 if parent.isValid() else len(self._notes)

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._notes)):
            return None
        n = self._notes[index.row()]
        if role == _DISPLAY:
            where = {"document": "release", "span": f"“{n.quote[:30]}”",
                     "entity": n.target_key, "fact": n.target_key.split("|")[0]}.get(
                n.target, n.target)
            flag = " (orphaned)" if n.orphaned else ""
            by = f" — {n.author}" if n.author else ""
            return reveal(f"{where}{flag}{by}: {n.text}")
        if role == PayloadRole:
            return n
        if role == Qt.ItemDataRole.ToolTipRole:
            on = {"document": "the release", "span": f"“{n.quote}”"}.get(n.target, n.target_key)
            by = f"\n— {n.author}" if n.author else ""
            return plain_tooltip(reveal(f"On {on}:\n{n.text}{by}"))
        return None


class OrphansModel(QAbstractListModel):
    """The open release's corrections that no longer fit its text (the file changed):
    kept until the reviewer discards them, applied again if their text comes back."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._items: list[Correction] = []

    def set_corrections(self, corrections: list[Correction]) -> None:
        if [c.id for c in corrections] == [c.id for c in self._items]:
            return
        self.beginResetModel()
        self._items = list(corrections)
        self.endResetModel()

    def correction(self, row: int) -> Correction | None:
        return self._items[row] if 0 <= row < len(self._items) else None

    def rowCount(self, parent: Index = _INVALID) -> int:
        return 0 if parent.isValid() else len(self._items)

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        c = self.correction(index.row()) if index.isValid() else None
        if c is None:
            return None
        if role == _DISPLAY:
            return reveal(describe_correction(c))
        if role == PayloadRole:
            return c
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tooltip(reveal(
                f"{describe_correction(c)}\nMade on the earlier text: …{c.before}[{c.text}]"
                f"{c.after}…\nNot found in the release as it reads now. It is kept until you "
                "discard it, and applies again if its text comes back."))
        return None


def describe_correction(c: Correction) -> str:
    """A correction as the reviewer made it, in words."""
    name = LABEL_NAMES.get(c.label, c.label)
    return {"add": f"Label “{c.text}” as {name}", "reject": f"Reject “{c.text}”",
            "retype": f"Retype “{c.text}” as {name}",
            "resize": f"Resize to “{c.text}” ({name})"}.get(c.action, f"{c.action} “{c.text}”")
