"""Library tree, search box with chips, facet counts and result snippets."""
from __future__ import annotations

import logging
from collections import Counter

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRectF,
    QRunnable,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QTextCharFormat, QTextLayout
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

from reviewer.core.documents.loaders import LoadError, load_text
from reviewer.core.search import QueryError, Searcher
from reviewer.ui.item_models import (
    DocIdRole,
    FacetModel,
    LibraryModel,
    QueryRole,
    SearchResultsModel,
    SnippetRole,
)
from reviewer.ui.offsets import OffsetMap
from reviewer.ui.workers import worker_pool

log = logging.getLogger(__name__)

DEBOUNCE_MS = 250
RESULT_LIMIT = 50


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


class _FacetSignals(QObject):
    done = Signal(int, object, object)  # serial, facets, statuses


class FacetTask(QRunnable):
    """The whole library's facets, off the GUI thread (the searcher is lock-protected)."""

    def __init__(self, searcher: Searcher, serial: int, statuses: Counter) -> None:
        super().__init__()
        self.setAutoDelete(False)  # Python owns it: Qt deleting the wrapper crashes PySide
        self.searcher, self.serial, self.statuses = searcher, serial, statuses
        self.signals = _FacetSignals()
        self.finished = False

    def run(self) -> None:
        try:
            facets = self.searcher.search("", limit=1, with_highlights=False).facets
        except Exception:  # noqa: BLE001 - an index being rebuilt just shows no facets
            log.warning("library facets unavailable", exc_info=True)
            facets = {}
        self.finished = True
        self.signals.done.emit(self.serial, facets, self.statuses)


class LibraryPane(QWidget):
    documentActivated = Signal(int)
    queryChanged = Signal(str)
    facetsReady = Signal()

    def __init__(self, searcher: Searcher, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.searcher = searcher
        self.chips: list[str] = []
        self._facet_serial = 0
        self._library_facets: object = None
        self._facet_tasks: list[FacetTask] = []
        self.facet_pool = worker_pool()

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
        self.tree = QTreeView()
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
        self.tree.clicked.connect(self._activated)

        self.results_model = SearchResultsModel(self)
        self.results = QListView()
        self.results.setObjectName("searchResults")
        self.results.setModel(self.results_model)
        self.results.setItemDelegate(SnippetDelegate(self.results))
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.results.activated.connect(self._activated)
        self.results.clicked.connect(self._activated)

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
        self.timer.stop()
        q = self.query()
        self._facet_serial += 1
        if not q:
            self._show_library()
            return
        try:
            result = self.searcher.search(q, limit=RESULT_LIMIT)
            every = self.searcher.search(q, limit=None, with_highlights=False,
                                         with_facets=False) if q else None
        except QueryError as exc:
            self.count_label.setText(str(exc))
            self.count_label.setStyleSheet("color: #AA3377;")
            return
        self.count_label.setStyleSheet("")
        statuses = Counter(h.status for h in (every.hits if every else []))
        self.facet_model.set_facets(result.facets, statuses)
        self.facets.expandToDepth(0)
        texts = {}
        for h in result.hits:
            if h.fragments:
                try:
                    texts[h.doc_id] = load_text(h.path)
                except (LoadError, OSError):
                    pass  # a vanished or unreadable file shows no snippet
        self.results_model.set_hits(result.hits, texts)
        total = every.total if every else result.total
        self.count_label.setText(f"{total} release{'s' if total != 1 else ''}")
        self.stack.setCurrentWidget(self.results)
        self.queryChanged.emit(q)

    def _show_library(self) -> None:
        """No query: the library tree, and the whole library's facets. Those read every
        release's stored entities (over a second at 25,000 releases, the first time per
        index state), so they are counted on a worker and shown when ready."""
        self.count_label.setStyleSheet("")
        statuses = Counter(d.status for d in self.library_model.documents())
        n = len(self.library_model.documents())
        self.count_label.setText(f"{n} release{'s' if n != 1 else ''} in the library")
        self.stack.setCurrentWidget(self.tree)
        # Until the worker's figures arrive, the last known ones (none at start-up).
        self.facet_model.set_facets(self._library_facets or {}, statuses)  # type: ignore[arg-type]
        self.facets.expandToDepth(0)
        task = FacetTask(self.searcher, self._facet_serial, statuses)
        task.signals.done.connect(self._facets_ready)
        self._facet_tasks = [t for t in self._facet_tasks if not t.finished] + [task]
        self.facet_pool.start(task)
        self.queryChanged.emit("")

    def _facets_ready(self, serial: int, facets: object, statuses: object) -> None:
        if serial != self._facet_serial or self.query():
            return  # another query since: its own facets are shown
        self._library_facets = facets
        self.facet_model.set_facets(facets, statuses)  # type: ignore[arg-type]
        self.facets.expandToDepth(0)
        self.facetsReady.emit()

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

    def result_doc_ids(self) -> list[int]:
        """Every release matching the current query (not only the listed ones); empty
        when there is no query."""
        q = self.query()
        if not q:
            return []
        try:
            every = self.searcher.search(q, limit=None, with_highlights=False,
                                         with_facets=False)
        except QueryError:
            return []
        return [h.doc_id for h in every.hits]

    def _facet_clicked(self, index: QModelIndex) -> None:
        q = index.data(QueryRole)
        if q:
            self.add_chip(q)

    def _activated(self, index: QModelIndex) -> None:
        doc_id = index.data(DocIdRole)
        if doc_id is not None:
            self.documentActivated.emit(int(doc_id))
