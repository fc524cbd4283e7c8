"""Who on the team changed what, where the reviewer looks: under an entity, a fact or a
note that another reviewer changed last, a small second line "Corrected by Ana Lima,
10:42" with a bar in the team colour beside the row; the full date and what they did in
its tooltip. The summary's state line and the status box say it too. A reviewer's own
changes carry nothing. Refreshed when the release opens, after every change and after
every sync."""
from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QTimer,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QHelpEvent, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolTip,
    QTreeView,
)

from reviewer.core.review.workspace import Workspace
from reviewer.core.sync.authors import Attribution, ReleaseAuthors, release_authors
from reviewer.ui.changes import ReviewChange
from reviewer.ui.controller import ReviewController
from reviewer.ui.entity_pane import EntityPane
from reviewer.ui.item_models import PayloadRole

Index = QModelIndex | QPersistentModelIndex
#: The team's colour: the captions and the bar beside a row another reviewer changed.
TEAM_COLOR = "#1F5F99"
_BAR = 3  # the bar's width, in pixels


class CaptionDelegate(QStyledItemDelegate):
    """Draws a row as usual and, when `credit` names another reviewer for it, a second
    line under column `column` with the caption, and a bar at the row's left edge."""

    def __init__(self, view: QAbstractItemView, credit: Callable[[Index], Attribution | None],
                 column: int = 0) -> None:
        super().__init__(view)
        self.credit, self.column = credit, column

    def attribution(self, index: Index) -> Attribution | None:
        """The other reviewer who last changed the row of `index` (None: nobody else)."""
        return self.credit(index.sibling(index.row(), 0)) if index.isValid() else None

    def caption(self, index: Index) -> str:
        """The second line shown under the row ("" when none)."""
        found = self.attribution(index)
        return found.caption() if found is not None else ""

    @staticmethod
    def _small(font: QFont) -> QFont:
        small = QFont(font)
        size = font.pointSizeF()
        if size > 0:
            small.setPointSizeF(max(6.0, size * 0.88))
        return small

    def _caption_height(self, option: QStyleOptionViewItem) -> int:
        return QFontMetrics(self._small(option.font)).height() + 2

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        size = super().sizeHint(option, index)
        if self.attribution(index) is not None:
            size.setHeight(size.height() + self._caption_height(option))
        return size

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        found = self.attribution(index)
        if found is None:
            super().paint(painter, option, index)
            return
        extra = self._caption_height(option)
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        widget = opt.widget
        style = widget.style() if widget else QApplication.style()
        # The whole cell's background and selection first, then the item's own text and
        # icon in its top part, then the caption under it.
        text = opt.text
        opt.text = ""
        opt.icon = type(opt.icon)()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        top = QStyleOptionViewItem(option)
        self.initStyleOption(top, index)
        top.rect = QRect(option.rect.adjusted(0, 0, 0, -extra))
        top.backgroundBrush = type(top.backgroundBrush)()
        top.state &= ~QStyle.StateFlag.State_HasFocus
        top.text = text
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, top, painter, widget)
        painter.save()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        color = option.palette.highlightedText().color() if selected else QColor(TEAM_COLOR)
        if index.column() == 0:
            # In a tree, the bar stands in the indentation, clear of the name.
            left = option.rect.left()
            if isinstance(widget, QTreeView) and index.parent().isValid():
                left -= _BAR + 3
            bar = QRect(left, option.rect.top() + 2, _BAR, option.rect.height() - 4)
            painter.fillRect(bar, QColor(TEAM_COLOR))
        if index.column() >= self.column:
            # The caption runs from its column's text to the row's end, across the
            # columns after it: each cell draws the part that falls in it.
            start = self._caption_left(index, top, option, style)
            end = (widget.viewport().width() if isinstance(widget, QAbstractItemView)
                   else option.rect.right())
            small = self._small(option.font)
            painter.setClipRect(option.rect)
            painter.setFont(small)
            painter.setPen(color)
            fm = QFontMetrics(small)
            room = QRect(start, option.rect.bottom() - extra + 1, max(0, end - start - 4),
                         extra)
            painter.drawText(room, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop),
                             fm.elidedText(found.caption(), Qt.TextElideMode.ElideRight,
                                           room.width()))
        painter.restore()

    def _caption_left(self, index: Index, top: QStyleOptionViewItem,
                      option: QStyleOptionViewItem, style: QStyle) -> int:
        """Where the caption starts: under the text of its column."""
        cell = option.rect
        view = option.widget
        if index.column() != self.column and isinstance(view, QAbstractItemView):
            cell = view.visualRect(index.sibling(index.row(), self.column))
            top = QStyleOptionViewItem(top)
            top.rect = QRect(cell)
        text_rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, top,
                                         option.widget)
        return max(text_rect.left(), cell.left() + _BAR + 3)

    def helpEvent(self, event: QHelpEvent, view: QAbstractItemView,
                  option: QStyleOptionViewItem, index: Index) -> bool:
        found = self.attribution(index)
        if found is None or event.type() != QEvent.Type.ToolTip:
            return super().helpEvent(event, view, option, index)
        QToolTip.showText(event.globalPos(), tooltip(index, found), view)
        return True


def tooltip(index: Index, found: Attribution) -> str:
    """The row's own tooltip with a line saying who changed it and when (plain text:
    names and quotes are escaped)."""
    own = index.data(Qt.ItemDataRole.ToolTipRole) or ""
    line = (f"<p style='white-space:pre-wrap; color:{TEAM_COLOR}'>"
            f"{html.escape(found.full())}</p>")
    return f"{own}{line}" if own else line


class TeamMarks(QObject):
    """Keeps the entity pane's captions to the open release's team changes."""

    def __init__(self, ws: Workspace, controller: ReviewController, pane: EntityPane,
                 status_combo: QComboBox) -> None:
        super().__init__(pane)
        self.ws, self.controller, self.pane, self.status_combo = ws, controller, pane, \
            status_combo
        self.authors = ReleaseAuthors()
        self.entities = CaptionDelegate(pane.tree, self._entity, 0)
        self.facts = CaptionDelegate(pane.facts, self._fact, 1)
        self.notes = CaptionDelegate(pane.notes, self._note, 0)
        pane.tree.setItemDelegate(self.entities)
        pane.facts.setItemDelegate(self.facts)
        pane.notes.setItemDelegate(self.notes)
        self._marked = False  # the views were last laid out with captions
        # Rows a refill of the pane changed are laid out again once it is done.
        self._layout_timer = QTimer(self, singleShot=True, interval=0)
        self._layout_timer.timeout.connect(self._relayout)
        controller.opened.connect(lambda _doc_id: self.refresh())
        controller.changed.connect(self._changed)
        # The pane fills a newly opened release a moment after its text: rows that came
        # (or changed) since are laid out again with their captions.
        for model in (pane.entity_model, pane.fact_model, pane.note_model):
            for signal in (model.modelReset, model.rowsInserted, model.dataChanged):
                signal.connect(self._layout_timer.start)

    def _entity(self, index: Index) -> Attribution | None:
        g = index.data(PayloadRole)
        if g is None or not hasattr(g, "mentions"):
            return None  # a label's row
        return self.authors.entity(g.label, g.canonical, g.names,
                                   [(m.start, m.end) for m in g.mentions])

    def _fact(self, index: Index) -> Attribution | None:
        fact = index.data(PayloadRole)
        return None if fact is None else self.authors.facts.get(fact.key())

    def _note(self, index: Index) -> Attribution | None:
        note = index.data(PayloadRole)
        return None if note is None else self.authors.notes.get(note.id)

    def _changed(self, _change: ReviewChange) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Read again who changed the open release, and show it."""
        session = self.controller.session
        self.authors = (release_authors(self.ws.store, session.doc_id)
                        if session is not None else ReleaseAuthors())
        a = self.authors
        self.pane.summary.set_team_caption(a.summary.caption() if a.summary else "")
        self.status_combo.setToolTip(a.status.full() if a.status else "")
        self._relayout()

    def _relayout(self) -> None:
        """Row heights follow the captions (a row with one is a line taller)."""
        self._layout_timer.stop()
        marked = bool(self.authors)
        if not marked and not self._marked:
            return
        self._marked = marked
        tree = self.pane.tree
        tree.setUniformRowHeights(not marked)
        tree.doItemsLayout()
        self.pane.notes.doItemsLayout()
        # A fact's row keeps its height (its text is not wrapped further), a caption's
        # line taller when it has one.
        facts = self.pane.facts
        tall = facts.verticalHeader().defaultSectionSize()
        extra = QFontMetrics(CaptionDelegate._small(facts.font())).height() + 2
        for row in range(self.pane.fact_model.rowCount()):
            credited = self.facts.attribution(self.pane.fact_model.index(row, 0))
            facts.setRowHeight(row, tall + (extra if credited else 0))
        for view in (tree, self.pane.facts, self.pane.notes):
            view.viewport().update()
