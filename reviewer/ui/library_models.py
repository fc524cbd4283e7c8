"""The library pane's item models: the folders and their releases, the search hits, the
facet counts. Display strings only: document text is never HTML."""
from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from reviewer.core.controls import reveal
from reviewer.core.model import LABEL_FIELDS, LABELS
from reviewer.core.palette import LABEL_BASE_COLORS, LABEL_NAMES
from reviewer.core.review.reattach import MissingRelease
from reviewer.core.search import Hit
from reviewer.core.store import DocRecord
from reviewer.ui.item_models import (
    DocIdRole,
    Index,
    MissingRole,
    QueryRole,
    SnippetRole,
    TwoLevelModel,
    plain_tooltip,
)

MISSING_FOLDER = "Missing, with review data"
_DISPLAY = Qt.ItemDataRole.DisplayRole
_INVALID = QModelIndex()


class LibraryModel(TwoLevelModel):
    """Folders, and under each the releases with review status and entity count."""

    headers = ("Release", "Status", "Entities")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._folders: list[str] = []
        self._docs: list[list[DocRecord]] = []
        self._counts: dict[int, int] = {}
        # Releases whose files are gone, with review data: a last top row lists them.
        self._missing: list[MissingRelease] = []
        self._found_as: dict[int, str] = {}

    def set_missing(self, missing: list[MissingRelease], found_as: dict[int, str]) -> None:
        """The missing releases with review data (and where each was found again)."""
        if [m.doc.id for m in missing] == [m.doc.id for m in self._missing] \
                and found_as == self._found_as:
            self._missing = list(missing)
            return
        top = len(self._folders)
        if self._missing:
            self.beginRemoveRows(QModelIndex(), top, top)
            self._missing, self._found_as = [], {}
            self.endRemoveRows()
        if missing:
            self.beginInsertRows(QModelIndex(), top, top)
            self._missing, self._found_as = list(missing), dict(found_as)
            self.endInsertRows()

    def missing(self) -> list[MissingRelease]:
        return list(self._missing)

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
        return len(self._folders) + (1 if self._missing else 0)

    def _child_count(self, top: int) -> int:
        return len(self._docs[top]) if top < len(self._docs) else len(self._missing)

    def _missing_data(self, child: int | None, col: int, role: int) -> Any:
        if child is None:
            if role == _DISPLAY:
                return (MISSING_FOLDER, f"{len(self._missing)} missing", "")[col]
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(QColor("#AA3377"))
            if role == Qt.ItemDataRole.ToolTipRole:
                return plain_tooltip("Releases whose files are gone from the library folders, "
                                     "with the review data kept for them. Click one to "
                                     "re-attach it to where it went (Review > Missing "
                                     "releases…).")
            return None
        m = self._missing[child]
        if role == _DISPLAY:
            return (reveal(m.title), "missing", "")[col]
        if role == MissingRole:
            return m.doc.id
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor("#888888"))
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            found = self._found_as.get(m.doc.id)
            return plain_tooltip(reveal(
                f"{m.doc.path}\nmissing; kept: {m.review.describe()}\n"
                + (f"found again as {found}: click to re-attach" if found
                   else "not found again under its name or title")))
        return None

    def _data(self, top: int, child: int | None, col: int, role: int) -> Any:
        if top >= len(self._folders):
            return self._missing_data(child, col, role)
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
                return reveal(d.title or Path(d.path).name)
            if col == 1:
                return "error" if d.error else d.status
            return str(self._counts.get(d.id, 0)) if d.id in self._counts else ""
        if role == DocIdRole:
            return d.id
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == 2 and not d.error and d.id not in self._counts:
                return "Entities not extracted yet: the entity pass fills them in"
            head = f"{d.title}\n" if d.title else ""
            return plain_tooltip(reveal(head + d.path + (f"\n{d.error}" if d.error else "")))
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

    def set_hits(self, hits: list[Hit]) -> None:
        self.beginResetModel()
        self._hits = list(hits)
        self._snippets = [list(h.snippets) for h in self._hits]
        self.endResetModel()

    def set_snippets(self, snippets: dict[int, list[tuple[str, list[tuple[int, int]]]]]
                     ) -> None:
        """Snippets that arrived after the hits (those past the first screen)."""
        for row, h in enumerate(self._hits):
            got = snippets.get(h.doc_id)
            if got is not None and got != self._snippets[row]:
                self._snippets[row] = list(got)
                idx = self.index(row, 0)
                self.dataChanged.emit(idx, idx, [SnippetRole])

    def hits(self) -> list[Hit]:
        return list(self._hits)

    def rowCount(self, parent: Index = _INVALID) -> int:
        return 0 if parent.isValid() else len(self._hits)

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._hits)):
            return None
        h = self._hits[index.row()]
        if role == _DISPLAY:
            return reveal(f"{h.title or Path(h.path).name}  [{h.status}]")
        if role == DocIdRole:
            return h.doc_id
        if role == SnippetRole:
            return self._snippets[index.row()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tooltip(reveal(h.path))
        return None


class FacetModel(TwoLevelModel):
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
            return reveal(value) if col == 0 else str(n)
        if role == QueryRole:
            if fname == "status":
                return "status:" + value.replace(" ", "-")
            return f'{fname}:"{value.replace(chr(34), " ")}"'
        return None
