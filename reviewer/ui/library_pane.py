"""Library tree, search box with chips, facet counts and result snippets."""
from __future__ import annotations

import logging
from collections import Counter

from PySide6.QtCore import (
    QEventLoop,
    QModelIndex,
    QPersistentModelIndex,
    QRectF,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QFont,
    QFontMetrics,
    QMouseEvent,
    QPainter,
    QTextCharFormat,
    QTextLayout,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QSplitter,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from reviewer.core.search import Searcher, SearchResult
from reviewer.ui.item_models import DocIdRole, MissingRole, QueryRole, SnippetRole
from reviewer.ui.library_models import FacetModel, LibraryModel, SearchResultsModel
from reviewer.ui.offsets import OffsetMap
from reviewer.ui.search_flow import SearchRunner

log = logging.getLogger(__name__)

DEBOUNCE_MS = 150  # a query runs once typing pauses this long
SEARCHING_MS = 200  # "Searching…" shows when the first hits take longer than this
RESULTS_WAIT_MS = 30000  # the longest an export waits for a search still running


class SnippetDelegate(QStyledItemDelegate):
    """Title line, then each fragment with hit ranges in bold: a QTextLayout with
    formats over plain text, so nothing in a release is read as markup."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
                 ) -> QSize:
        fm = QFontMetrics(option.font)
        snippets = index.data(SnippetRole) or []
        return QSize(200, fm.lineSpacing() * (1 + max(1, min(len(snippets), 2)) * 2) + 8)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        painter.save()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        pal = option.palette
        painter.setPen(pal.highlightedText().color() if selected else pal.text().color())
        rect = option.rect.adjusted(4, 2, -4, -2)
        bold = QFont(option.font)
        bold.setBold(True)
        fm = QFontMetrics(bold)
        painter.setFont(bold)
        title = fm.elidedText(str(index.data(Qt.ItemDataRole.DisplayRole) or ""),
                              Qt.TextElideMode.ElideRight, rect.width())
        painter.drawText(rect.left(), rect.top() + fm.ascent(), title)
        y: float = rect.top() + fm.lineSpacing()
        bottom = rect.bottom()
        small = QFont(option.font)
        for text, spans in (index.data(SnippetRole) or [])[:2]:
            if y >= bottom:
                break
            y = self._draw_fragment(painter, small, text, spans, rect.left(), y, rect.width(),
                                    bottom)
        painter.restore()

    @staticmethod
    def _draw_fragment(painter: QPainter, font: QFont, text: str,
                       spans: list[tuple[int, int]], x: int, y: float, width: int,
                       bottom: int) -> float:
        layout = QTextLayout(text, font)
        omap = OffsetMap(text)
        ranges = []
        for s, e in spans:
            r = QTextLayout.FormatRange()
            r.start = omap.to_qt(s)
            r.length = omap.to_qt(e) - r.start
            f = QTextCharFormat()
            f.setFontWeight(QFont.Weight.Bold)
            r.format = f
            ranges.append(r)
        layout.setFormats(ranges)
        layout.beginLayout()
        h = 0.0
        lines = 0
        while lines < 2:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(width)
            line.setPosition(QRectF(0, h, 0, 0).topLeft())
            h += line.height()
            lines += 1
        layout.endLayout()
        if y + h > bottom + 1:
            return y + h
        layout.draw(painter, QRectF(x, y, width, h).topLeft())
        return y + h


_SELECTING = (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
              | Qt.KeyboardModifier.MetaModifier)


class _Clicks:
    """Remembers the modifiers of the last mouse press: a click with Ctrl or Shift changes
    the selection without opening a release."""

    press_modifiers = Qt.KeyboardModifier.NoModifier

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.press_modifiers = event.modifiers()
        super().mousePressEvent(event)  # type: ignore[misc]

    def selecting(self) -> bool:
        """The last click extended or toggled the selection."""
        return bool(self.press_modifiers & _SELECTING)


class _ClickTree(_Clicks, QTreeView):
    """The library tree."""


class _ClickList(_Clicks, QListView):
    """The search results, with the library tree's clicks."""


class LibraryPane(QWidget):
    documentActivated = Signal(int)
    missingActivated = Signal(int)  # a missing release (with review data) was clicked
    #: the query whose hits the open release marks: empty without a query, when it
    #: matches nothing, or when it cannot be understood
    queryChanged = Signal(str)
    facetsReady = Signal()
    searchFinished = Signal()  # the latest query (or library facets) is fully answered

    def __init__(self, searcher: Searcher, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.searcher = searcher
        self.chips: list[str] = []
        self._library_facets: tuple[dict[str, Counter[str]], Counter[str]] | None = None
        self._shown_query = ""  # the query whose answers are awaited or shown
        self._keep_doc: int | None = None  # re-select this release when results arrive
        self._result_ids: list[int] = []
        self.runner = SearchRunner(searcher, self)
        self.runner.firstScreen.connect(self._first_screen)
        self.runner.counted.connect(self._counted)
        self.runner.snippets.connect(self._snippets)
        self.runner.ranked.connect(self._ranked)
        self.runner.failed.connect(self._failed)
        self.runner.idle.connect(self.searchFinished)
        self.facet_pool = self.runner.pool
        self.searching_timer = QTimer(self, singleShot=True, interval=SEARCHING_MS)
        self.searching_timer.timeout.connect(self._show_searching)

        self.search = QLineEdit()
        self.search.setObjectName("searchBox")
        self.search.setPlaceholderText('Search: words, "phrases", person:"Takeo Mori", '
                                       "date:[2020 to 2021], status:reviewed")
        self.search.setClearButtonEnabled(True)
        self.chip_bar = QWidget()
        self.chip_layout = QHBoxLayout(self.chip_bar)
        self.chip_layout.setContentsMargins(0, 0, 0, 0)
        self.chip_layout.addStretch(1)
        self.count_label = QLabel("")
        self.count_label.setTextFormat(Qt.TextFormat.PlainText)
        self.count_label.setObjectName("resultCount")

        self.library_model = LibraryModel(self)
        self.tree = _ClickTree()
        self.tree.setObjectName("libraryTree")
        self.tree.setModel(self.library_model)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        # The title takes the room; status and count only what they need to show.
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2):
            self.tree.header().setSectionResizeMode(
                column, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.header().setStretchLastSection(False)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.tree.activated.connect(self._activated)
        self.tree.clicked.connect(lambda i: None if self.tree.selecting() else self._activated(i))

        self.results_model = SearchResultsModel(self)
        self.results = _ClickList()
        self.results.setObjectName("searchResults")
        self.results.setModel(self.results_model)
        self.results.setItemDelegate(SnippetDelegate(self.results))
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.results.activated.connect(self._activated)
        self.results.clicked.connect(
            lambda i: None if self.results.selecting() else self._activated(i))

        self.stack = QStackedWidget()
        self.stack.addWidget(self.tree)
        self.stack.addWidget(self.results)

        self.facet_model = FacetModel(self)
        self.facets = QTreeView()
        self.facets.setObjectName("facetTree")
        self.facets.setModel(self.facet_model)
        self.facets.setUniformRowHeights(True)
        self.facets.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.facets.header().setStretchLastSection(False)
        self.facets.activated.connect(self._facet_clicked)
        self.facets.clicked.connect(self._facet_clicked)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("librarySplitter")
        self.splitter.addWidget(self.stack)
        self.splitter.addWidget(self.facets)
        self.splitter.setSizes([500, 250])

        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.search)
        lay.addWidget(self.chip_bar)
        lay.addWidget(self.count_label)
        lay.addWidget(self.splitter, 1)

        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DEBOUNCE_MS)
        self.timer.timeout.connect(self.run_query)
        self.search.textChanged.connect(lambda _t: self.timer.start())
        self.search.returnPressed.connect(self.run_query)

    # -- query -----------------------------------------------------------------------
    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def query(self) -> str:
        parts = list(self.chips)
        text = self.search.text().strip()
        if text:
            parts.append(f"({text})" if parts else text)
        return " AND ".join(parts)

    def add_chip(self, chip: str) -> None:
        if chip in self.chips:
            return
        self.chips.append(chip)
        button = QToolButton()
        button.setText(chip + "  ×")
        button.setToolTip("Remove this filter")
        button.setObjectName("chip")
        button.setProperty("chip", chip)
        button.clicked.connect(lambda: self.remove_chip(chip))
        self.chip_layout.insertWidget(self.chip_layout.count() - 1, button)
        self.run_query()

    def remove_chip(self, chip: str) -> None:
        if chip not in self.chips:
            return
        self.chips.remove(chip)
        for w in self.chip_buttons():
            if w.property("chip") == chip:
                w.deleteLater()
                self.chip_layout.removeWidget(w)
                break
        self.run_query()

    def chip_buttons(self) -> list[QToolButton]:
        out = []
        for i in range(self.chip_layout.count()):
            item = self.chip_layout.itemAt(i)
            w = item.widget() if item is not None else None
            if isinstance(w, QToolButton):
                out.append(w)
        return out

    def run_query(self) -> None:
        """Search what the box and the chips say, on the search worker (superseding any
        search still running); the answers arrive in stages (see search_flow)."""
        self.timer.stop()
        q = self.query()
        self._shown_query = q
        self._result_ids = []
        if not q:
            self._show_library()
            return
        self.searching_timer.start()
        self.runner.submit(q)

    def refresh_counts(self) -> None:
        """Search again for what is shown (a review status changed): the status facet
        and the list follow, the selected release stays selected."""
        self._keep_doc = self._current_doc()
        self.run_query()

    def _current_doc(self) -> int | None:
        view = self.results if self.stack.currentWidget() is self.results else self.tree
        doc_id = view.currentIndex().data(DocIdRole)
        return None if doc_id is None else int(doc_id)

    def _show_searching(self) -> None:
        if self.runner.busy and self._shown_query:
            self.count_label.setStyleSheet("")
            self.count_label.setText("Searching…")

    def _first_screen(self, result: SearchResult) -> None:
        if not self._shown_query:
            return
        self.searching_timer.stop()
        self.count_label.setStyleSheet("")
        keep = self._keep_doc
        self.results_model.set_hits(result.hits)
        total = result.total
        self.count_label.setText(f"{total} release{'s' if total != 1 else ''}")
        self.stack.setCurrentWidget(self.results)
        if keep is not None:
            row = next((i for i, h in enumerate(result.hits) if h.doc_id == keep), None)
            if row is not None:
                self.results.setCurrentIndex(self.results_model.index(row, 0))
        self.queryChanged.emit(self._shown_query if total else "")

    def _counted(self, result: SearchResult) -> None:
        self._keep_doc = None
        if not self._shown_query:
            self._library_facets = (result.facets, result.statuses)
        self.facet_model.set_facets(result.facets, result.statuses)
        self.facets.expandToDepth(0)
        self.facetsReady.emit()

    def _snippets(self, snippets: dict) -> None:
        self.results_model.set_snippets(snippets)

    def _ranked(self, ids: list[int]) -> None:
        self._result_ids = list(ids) if self._shown_query else []

    def _failed(self, message: str) -> None:
        self.searching_timer.stop()
        self._keep_doc = None
        self.count_label.setText(message)
        self.count_label.setStyleSheet("color: #AA3377;")
        self.results_model.set_hits([])
        self.stack.setCurrentWidget(self.results)
        self.queryChanged.emit("")

    def _show_library(self) -> None:
        """No query: the library tree, and the whole library's facets, counted on the
        search worker and shown when ready (the last known ones until then)."""
        self.searching_timer.stop()
        self.count_label.setStyleSheet("")
        n = len(self.library_model.documents())
        self.count_label.setText(f"{n} release{'s' if n != 1 else ''} in the library")
        self.stack.setCurrentWidget(self.tree)
        if self._library_facets is not None:
            self.facet_model.set_facets(*self._library_facets)
            self.facets.expandToDepth(0)
        self.runner.submit("", limit=0)
        self._keep_doc = None
        self.queryChanged.emit("")

    def selected_doc_ids(self) -> list[int]:
        """Releases selected in the visible list (library tree or search results), in
        list order; a selected folder stands for all its releases."""
        view = self.results if self.stack.currentWidget() is self.results else self.tree
        model = view.model()
        rows = sorted(view.selectionModel().selectedRows(0),
                      key=lambda i: (i.parent().row(), i.row()))
        out: list[int] = []
        for idx in rows:
            doc_id = idx.data(DocIdRole)
            if doc_id is not None:
                out.append(int(doc_id))
            elif view is self.tree and not idx.parent().isValid():
                for r in range(model.rowCount(idx)):
                    child = model.index(r, 0, idx).data(DocIdRole)
                    if child is not None:
                        out.append(int(child))
        return list(dict.fromkeys(out))

    def show_open(self, doc_id: int) -> None:
        """Make the open release the library list's current row: alone in the selection,
        unless it is part of a selection of several (kept, for an export)."""
        idx = self.library_model.index_of_doc(doc_id)
        if not idx.isValid():
            return
        sm = self.tree.selectionModel()
        if sm.isSelected(idx):
            sm.setCurrentIndex(idx, sm.SelectionFlag.NoUpdate)
        else:
            sm.setCurrentIndex(idx, sm.SelectionFlag.ClearAndSelect | sm.SelectionFlag.Rows)
        self.tree.scrollTo(idx)

    def tree_selection(self) -> tuple[list[int], int | None]:
        """(selected releases, current release) of the library tree, to restore after
        the tree is refilled."""
        sel = [int(i.data(DocIdRole)) for i in self.tree.selectionModel().selectedRows(0)
               if i.data(DocIdRole) is not None]
        cur = self.tree.currentIndex().data(DocIdRole)
        return sel, (int(cur) if cur is not None else None)

    def restore_tree_selection(self, selection: tuple[list[int], int | None]) -> None:
        ids, current = selection
        sm = self.tree.selectionModel()
        model = self.library_model
        flags = sm.SelectionFlag.Select | sm.SelectionFlag.Rows
        for doc_id in ids:
            idx = model.index_of_doc(doc_id)
            if idx.isValid():
                sm.select(idx, flags)
        if current is not None:
            idx = model.index_of_doc(current)
            if idx.isValid():
                sm.setCurrentIndex(idx, sm.SelectionFlag.NoUpdate)

    def result_doc_ids(self) -> list[int]:
        """Every release matching the current query, best first (not only the listed
        ones); empty when there is no query. Waits, with the window responsive, for a
        search still running."""
        if not self.query():
            return []
        if self.runner.busy:
            loop = QEventLoop()
            self.runner.idle.connect(loop.quit)
            QTimer.singleShot(RESULTS_WAIT_MS, loop.quit)
            loop.exec()
            self.runner.idle.disconnect(loop.quit)
        return list(self._result_ids)

    def _facet_clicked(self, index: QModelIndex) -> None:
        q = index.data(QueryRole)
        if q:
            self.add_chip(q)

    def _activated(self, index: QModelIndex) -> None:
        doc_id = index.data(DocIdRole)
        if doc_id is not None:
            self.documentActivated.emit(int(doc_id))
        elif index.data(MissingRole) is not None:
            self.missingActivated.emit(int(index.data(MissingRole)))
