"""Qt item models over core data. Display strings only: document text is never HTML."""
from __future__ import annotations

import html
import os
from collections import Counter
from pathlib import Path
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

from reviewer.core.model import LABEL_FIELDS, LABELS, Fact
from reviewer.core.palette import LABEL_BASE_COLORS, LABEL_KEYS, LABEL_NAMES
from reviewer.core.review.groups import EntityGroup
from reviewer.core.search import Hit
from reviewer.core.store import DocRecord, FactStatus, Note

Index = QModelIndex | QPersistentModelIndex
DocIdRole = Qt.ItemDataRole.UserRole + 1
PayloadRole = Qt.ItemDataRole.UserRole + 2
QueryRole = Qt.ItemDataRole.UserRole + 3
SnippetRole = Qt.ItemDataRole.UserRole + 4
_DISPLAY = Qt.ItemDataRole.DisplayRole
_INVALID = QModelIndex()


def plain_tooltip(text: str) -> str:
    """Tooltips are rich text when they look like HTML: escape document text."""
    return "<p style='white-space:pre-wrap'>" + html.escape(text) + "</p>"


class _TwoLevelModel(QAbstractItemModel):
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


# -- library ----------------------------------------------------------------------------

class LibraryModel(_TwoLevelModel):
    """Folders, and under each the releases with review status and entity count."""

    headers = ("Release", "Status", "Entities")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._folders: list[str] = []
        self._docs: list[list[DocRecord]] = []
        self._counts: dict[int, int] = {}

    def counts(self) -> dict[int, int]:
        """Distinct entities per release, as far as they are known."""
        return dict(self._counts)

    def set_library(self, folders: list[str], docs: list[DocRecord],
                    counts: dict[int, int]) -> None:
        self.beginResetModel()
        # Each release goes under the deepest folder holding it: string prefixes, longest
        # first (Path objects per release took most of a second at 25,000 releases).
        roots = [str(Path(f)) for f in folders]
        order = sorted(range(len(roots)), key=lambda i: -len(roots[i]))
        prefixes = [(i, roots[i], roots[i].rstrip(os.sep) + os.sep) for i in order]
        buckets: list[list[DocRecord]] = [[] for _ in folders]
        other: list[DocRecord] = []
        for d in docs:
            p = d.path
            for i, root, prefix in prefixes:
                if p.startswith(prefix) or p == root:
                    buckets[i].append(d)
                    break
            else:
                other.append(d)
        self._folders = list(folders) + (["(other)"] if other else [])
        self._docs = buckets + ([other] if other else [])
        self._counts = dict(counts)
        self.endResetModel()

    def documents(self) -> list[DocRecord]:
        return [d for bucket in self._docs for d in bucket]

    def index_of_doc(self, doc_id: int) -> QModelIndex:
        for top, bucket in enumerate(self._docs):
            for row, d in enumerate(bucket):
                if d.id == doc_id:
                    return self.index(row, 0, self.index(top, 0))
        return QModelIndex()

    def _top_count(self) -> int:
        return len(self._folders)

    def _child_count(self, top: int) -> int:
        return len(self._docs[top])

    def _data(self, top: int, child: int | None, col: int, role: int) -> Any:
        if child is None:
            folder = self._folders[top]
            bucket = self._docs[top]
            if role == _DISPLAY:
                if col == 0:
                    return Path(folder).name or folder
                if col == 1:
                    done = sum(1 for d in bucket if d.status == "reviewed")
                    return f"{done}/{len(bucket)} reviewed"
                return str(sum(self._counts.get(d.id, 0) for d in bucket))
            if role == Qt.ItemDataRole.ToolTipRole:
                return plain_tooltip(folder)
            return None
        d = self._docs[top][child]
        if role == _DISPLAY:
            if col == 0:
                return d.title or Path(d.path).name
            if col == 1:
                return "error" if d.error else d.status
            return str(self._counts.get(d.id, 0)) if d.id in self._counts else ""
        if role == DocIdRole:
            return d.id
        if role == Qt.ItemDataRole.ToolTipRole:
            head = f"{d.title}\n" if d.title else ""
            return plain_tooltip(head + d.path + (f"\n{d.error}" if d.error else ""))
        if role == Qt.ItemDataRole.ForegroundRole and col == 1:
            return QBrush(QColor({"reviewed": "#117733", "in progress": "#996600"}.get(
                d.status, "#666666")))
        return None


class SearchResultsModel(QAbstractListModel):
    """Search hits; SnippetRole gives (text, [(start, end)]) pairs relative to each
    fragment so the delegate can paint bold hit ranges without HTML."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._hits: list[Hit] = []
        self._snippets: list[list[tuple[str, list[tuple[int, int]]]]] = []

    def set_hits(self, hits: list[Hit], texts: dict[int, str] | None = None) -> None:
        self.beginResetModel()
        self._hits = list(hits)
        self._snippets = [self._snippet(h, (texts or {}).get(h.doc_id)) for h in self._hits]
        self.endResetModel()

    @staticmethod
    def _snippet(hit: Hit, text: str | None) -> list[tuple[str, list[tuple[int, int]]]]:
        if not text:
            return []
        out = []
        for a, b in hit.fragments:
            rel = [(max(s, a) - a, min(e, b) - a) for s, e in hit.highlights if s < b and e > a]
            out.append((text[a:b].replace("\n", " "), rel))
        return out

    def hits(self) -> list[Hit]:
        return list(self._hits)

    def rowCount(self, parent: Index = _INVALID) -> int:
        return 0 if parent.isValid() else len(self._hits)

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._hits)):
            return None
        h = self._hits[index.row()]
        if role == _DISPLAY:
            return f"{h.title or Path(h.path).name}  [{h.status}]"
        if role == DocIdRole:
            return h.doc_id
        if role == SnippetRole:
            return self._snippets[index.row()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tooltip(h.path)
        return None


class FacetModel(_TwoLevelModel):
    """Facet counts: labels (and review status) with their values; QueryRole gives the
    field query a click adds as a chip."""

    headers = ("Facet", "Releases")
    TOP_VALUES = 15

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._tops: list[tuple[str, str, list[tuple[str, int]]]] = []  # (label, field, values)

    def set_facets(self, facets: dict[str, Counter], statuses: Counter) -> None:
        self.beginResetModel()
        self._tops = []
        if statuses:
            self._tops.append(("Status", "status", sorted(statuses.items())))
        for label in LABELS:
            counts = facets.get(label)
            if counts:
                self._tops.append((label, LABEL_FIELDS[label],
                                   counts.most_common(self.TOP_VALUES)))
        self.endResetModel()

    def _top_count(self) -> int:
        return len(self._tops)

    def _child_count(self, top: int) -> int:
        return len(self._tops[top][2])

    def _data(self, top: int, child: int | None, col: int, role: int) -> Any:
        label, fname, values = self._tops[top]
        if child is None:
            if role == _DISPLAY:
                return LABEL_NAMES.get(label, label) if col == 0 else ""
            if role == Qt.ItemDataRole.DecorationRole and col == 0 and label in LABEL_BASE_COLORS:
                return QColor(LABEL_BASE_COLORS[label])
            return None
        value, n = values[child]
        if role == _DISPLAY:
            return value if col == 0 else str(n)
        if role == QueryRole:
            if fname == "status":
                return "status:" + value.replace(" ", "-")
            return f'{fname}:"{value.replace(chr(34), " ")}"'
        return None


# -- entity pane ------------------------------------------------------------------------

class EntityModel(_TwoLevelModel):
    """The open release's entities grouped by label: canonical name, mentions, status."""

    headers = ("Entity", "Mentions", "Status")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._labels: list[str] = []
        self._groups: list[list[EntityGroup]] = []

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
                    return f"{LABEL_NAMES[label]} [{LABEL_KEYS[label]}]"
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
            return (g.canonical, str(len(g.mentions)), g.status)[col]
        if role == PayloadRole:
            return g
        if role == Qt.ItemDataRole.ToolTipRole:
            names = ", ".join(g.names)
            return plain_tooltip(f"{LABEL_NAMES[label]}: {g.canonical}\nas written: {names}"
                                 f"\nstatus: {g.status}")
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

    def status_of(self, fact: Fact) -> FactStatus | None:
        return self._status.get(fact.key())

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
                return st.value if st and st.value else f.summary()
            if col == 2:
                return st.status if st else "unverified"
            return st.note if st else ""
        if role == PayloadRole:
            return f
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
            return f"{where}{flag}: {n.text}"
        if role == PayloadRole:
            return n
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tooltip(n.text)
        return None
