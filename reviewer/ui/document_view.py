"""The release as plain text with entities, search hits, notes and boilerplate marked.

All marking is done with QTextCharFormat extra selections over setPlainText(): the
document's text is never interpreted as HTML.
"""
from __future__ import annotations

import html

from PySide6.QtCore import QEvent, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QHelpEvent,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QTextCharFormat,
    QTextCursor,
)
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QToolTip, QWidget

from reviewer.core.documents.markdown import Rendering, rendering_of
from reviewer.core.model import BOILERPLATE, Entity
from reviewer.core.palette import (
    BOILERPLATE_COLOR,
    HIT_COLOR,
    KEY_LABELS,
    LABEL_BASE_COLORS,
    LABEL_COLORS,
    LABEL_KEYS,
    LABEL_NAMES,
    LABEL_UNDERLINES,
)
from reviewer.core.review.groups import ENTITY_STATUS, entity_at
from reviewer.core.review.view import DocumentView
from reviewer.ui.offsets import OffsetMap

_US = QTextCharFormat.UnderlineStyle
_KEEP = QTextCursor.MoveMode.KeepAnchor
UNDERLINES = {
    "single": _US.SingleUnderline, "dash": _US.DashUnderline, "dot": _US.DotLine,
    "dashdot": _US.DashDotLine, "dashdotdot": _US.DashDotDotLine, "wave": _US.WaveUnderline,
}


def entity_format(label: str, current: bool = False) -> QTextCharFormat:
    fmt = QTextCharFormat()
    colour = QColor(LABEL_BASE_COLORS[label])
    fmt.setBackground(colour if current else QColor(LABEL_COLORS[label]))
    if current:
        # Readable text on the full-strength colour (dark labels need white text).
        fmt.setForeground(QColor("white" if colour.lightness() < 140 else "black"))
    fmt.setUnderlineStyle(UNDERLINES[LABEL_UNDERLINES[label]])
    fmt.setUnderlineColor(colour.darker(130))
    return fmt


class DocumentPane(QPlainTextEdit):
    """Read-only text of one release; keys and clicks become review requests."""

    entityClicked = Signal(object)  # Entity
    labelRequested = Signal(str)  # label key pressed: add or retype
    rejectRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                     | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setMouseTracking(True)
        font = self.font()
        font.setPointSizeF(max(font.pointSizeF(), 10.5))
        self.setFont(font)
        self.view: DocumentView | None = None
        self.omap = OffsetMap("")
        self.visible_labels: set[str] = set(LABEL_COLORS)
        self.hits: list[tuple[int, int]] = []
        self.current: list[Entity] = []
        self._doc_key: tuple[int | None, str] | None = None
        # (start, end, format key) -> extra selection, reused while the text is the same:
        # after a correction only the changed entities need new cursors.
        self._sel_cache: dict[tuple[int, int, str], QTextEdit.ExtraSelection] = {}
        self._formats: dict[str, QTextCharFormat] = {}
        self._cursor: QTextCursor | None = None
        self._partial = False
        self._complete_timer = QTimer(self, singleShot=True, interval=0)
        self._complete_timer.timeout.connect(self.complete_marks)

    # -- content ---------------------------------------------------------------------
    def set_view(self, view: DocumentView | None, hits: list[tuple[int, int]] | None = None,
                 keep_position: bool = True) -> None:
        """Show a release; re-showing the same text only recomputes the marks."""
        self.view = view
        if hits is not None:
            self.hits = hits
        key = None if view is None else (view.document.doc_id, view.document.text)
        new_text = key != self._doc_key
        if new_text:
            self._doc_key = key
            text = "" if view is None else view.document.text
            # A Markdown release is shown as readable text; offsets stay the raw text's.
            rendering = None if view is None else rendering_of(view.document.path, text)
            self.omap = OffsetMap(text, rendering)
            self.current = []
            self._sel_cache = {}
            self.setPlainText(text if rendering is None else rendering.display)
            if rendering is not None:
                self._format_markdown(rendering)
            keep_position = False
        if not keep_position:
            self.moveCursor(QTextCursor.MoveOperation.Start)
        self.current = [e for e in self.current if view and e in view.entities]
        if new_text and view is not None:
            # A new text: mark what the first paint shows, the rest on the next event-loop
            # turn (marking all of it lays out every block holding an entity: 15-20 ms in
            # a 56 KB release, before anything is on screen).
            self.refresh_marks(limit=self._first_screen_end())
            self._complete_timer.start()
        else:
            self.refresh_marks()

    def _format_markdown(self, rendering: Rendering) -> None:
        """Headings larger and bold, strong text bold, emphasis italic: the text's own
        formats (marks are extra selections drawn over them)."""
        cur = QTextCursor(self.document())
        cur.beginEditBlock()
        size = self.font().pointSizeF()
        for spans, make in (
                ([(s, e) for s, e, _ in rendering.headings], None),
                (rendering.strong, "bold"), (rendering.emphasis, "italic")):
            for s, e in spans:
                fmt = QTextCharFormat()
                if make == "italic":
                    fmt.setFontItalic(True)
                else:
                    fmt.setFontWeight(QFont.Weight.Bold)
                cur.setPosition(self.omap.to_qt(s))
                cur.setPosition(self.omap.to_qt(e), _KEEP)
                cur.mergeCharFormat(fmt)
        for s, e, level in rendering.headings:
            fmt = QTextCharFormat()
            fmt.setFontPointSize(size * (1.45 if level == 1 else 1.25 if level == 2 else 1.1))
            cur.setPosition(self.omap.to_qt(s))
            cur.setPosition(self.omap.to_qt(e), _KEEP)
            cur.mergeCharFormat(fmt)
        cur.endEditBlock()

    def _first_screen_end(self) -> int:
        """Text offset just past the first screen (the text is shown from its start)."""
        vp = self.viewport()
        bottom = max(vp.height(), 600)
        width = max(vp.width(), 200)
        return self.omap.from_qt(self.cursorForPosition(QPoint(width, bottom)).position()) + 1

    def complete_marks(self) -> None:
        """All marks, if only the first screen's are set."""
        if self._partial:
            self.refresh_marks()

    def set_hits(self, hits: list[tuple[int, int]]) -> None:
        """Mark search hits in the shown text (the entities' marks are kept)."""
        self.hits = list(hits)
        self.refresh_marks()

    def set_visible_labels(self, labels: set[str]) -> None:
        self.visible_labels = set(labels)
        self.refresh_marks()

    def _selection(self, start: int, end: int, fmt: QTextCharFormat) -> QTextEdit.ExtraSelection:
        sel = QTextEdit.ExtraSelection()
        # One cursor moved for every selection (the selection keeps a copy): creating a
        # cursor per entity cost more than the moves.
        cur = self._cursor
        if cur is None or cur.document() is not self.document():
            cur = self._cursor = QTextCursor(self.document())
        cur.setPosition(self.omap.to_qt(start))
        cur.setPosition(self.omap.to_qt(end), _KEEP)
        sel.cursor = cur
        sel.format = fmt
        return sel

    def _cached(self, start: int, end: int, key: str) -> QTextEdit.ExtraSelection:
        sel = self._sel_cache.get((start, end, key))
        if sel is None:
            sel = self._sel_cache[(start, end, key)] = self._selection(
                start, end, self._format(key))
        return sel

    def _format(self, key: str) -> QTextCharFormat:
        fmt = self._formats.get(key)
        if fmt is not None:
            return fmt
        if key == "boilerplate":
            fmt = QTextCharFormat()
            fmt.setForeground(QColor(BOILERPLATE_COLOR))
            fmt.setFontItalic(True)
        elif key == "note":
            fmt = QTextCharFormat()
            fmt.setBackground(QColor("#EEEEEE"))
        elif key in ("hit", "plain_hit"):
            fmt = QTextCharFormat()
            fmt.setFontWeight(QFont.Weight.Bold)
            fmt.setFontOverline(True)
            if key == "plain_hit":
                fmt.setBackground(QColor(HIT_COLOR))
        else:
            fmt = entity_format(key)
        self._formats[key] = fmt
        return fmt

    def refresh_marks(self, limit: int | None = None) -> None:
        """Set the extra selections; with `limit`, only those starting before it."""
        self._complete_timer.stop()
        self._partial = limit is not None
        view = self.view
        if view is None:
            self.setExtraSelections([])
            return
        # Inside an edit block a cursor skips computing its x position, which would lay
        # out the text of every block holding an entity (most of the cost on a new text).
        block = QTextCursor(self.document())
        block.beginEditBlock()
        try:
            sels = self._marks(view, self.omap.length + 1 if limit is None else limit)
        finally:
            block.endEditBlock()
        self.setExtraSelections(sels)

    def _marks(self, view: DocumentView, limit: int) -> list[QTextEdit.ExtraSelection]:
        """The extra selections of the marks that start before `limit`."""
        sels = []
        for b in view.document.structure.blocks:
            if b.kind == BOILERPLATE and b.start < limit:
                sels.append(self._cached(b.start, b.end, "boilerplate"))
        for n in view.notes:
            if n.target == "span" and n.start is not None and n.end is not None \
                    and not n.orphaned and n.start < limit:
                sels.append(self._cached(n.start, n.end, "note"))
        for e in view.entities:
            if e.label in self.visible_labels and e.start < limit:
                sels.append(self._cached(e.start, e.end, e.label))
        if self.hits:
            shown = [(e.start, e.end) for e in view.entities
                     if e.label in self.visible_labels]
            for hs, he in self.hits:
                if hs >= limit:
                    continue
                inside = any(a < he and hs < b for a, b in shown)
                # Over an entity keep its colour; elsewhere a hit gets a marker background.
                sels.append(self._cached(hs, he, "hit" if inside else "plain_hit"))
        for e in self.current:
            sels.append(self._selection(e.start, e.end, entity_format(e.label, current=True)))
        return sels

    # -- positions -------------------------------------------------------------------
    def selected_span(self) -> tuple[int, int] | None:
        cur = self.textCursor()
        if not cur.hasSelection():
            return None
        return self.omap.span_from_qt(cur.selectionStart(), cur.selectionEnd())

    def cursor_offset(self) -> int:
        return self.omap.from_qt(self.textCursor().position())

    def entity_under_cursor(self) -> Entity | None:
        if self.view is None:
            return None
        cur = self.textCursor()
        if cur.hasSelection():
            s, e = self.selected_span() or (0, 0)
            for ent in self.view.entities:
                if ent.start == s and ent.end == e:
                    return ent
            return entity_at(self._visible(), s)
        return entity_at(self._visible(), self.cursor_offset())

    def _visible(self) -> list[Entity]:
        assert self.view is not None
        return [e for e in self.view.entities if e.label in self.visible_labels]

    def entity_at_point(self, x: int, y: int) -> Entity | None:
        if self.view is None:
            return None
        from PySide6.QtCore import QPoint

        cur = self.cursorForPosition(QPoint(x, y))
        return entity_at(self._visible(), self.omap.from_qt(cur.position()))

    def select_span(self, start: int, end: int) -> None:
        cur = QTextCursor(self.document())
        cur.setPosition(self.omap.to_qt(start))
        cur.setPosition(self.omap.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cur)
        self.ensureCursorVisible()

    def show_current(self, mentions: list[Entity]) -> None:
        self.current = list(mentions)
        self.refresh_marks()

    # -- events ----------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text().upper()
        mods = event.modifiers() & ~Qt.KeyboardModifier.ShiftModifier \
            & ~Qt.KeyboardModifier.KeypadModifier
        if text in KEY_LABELS and mods == Qt.KeyboardModifier.NoModifier:
            self.labelRequested.emit(KEY_LABELS[text])
            return
        if event.matches(QKeySequence.StandardKey.Delete) or event.key() == Qt.Key.Key_Backspace:
            self.rejectRequested.emit()
            return
        super().keyPressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        if event.button() == Qt.MouseButton.LeftButton and not self.textCursor().hasSelection():
            ent = self.entity_under_cursor()
            if ent is not None:
                self.entityClicked.emit(ent)

    def event(self, ev: QEvent) -> bool:
        if ev.type() == QEvent.Type.ToolTip and isinstance(ev, QHelpEvent):
            vp = self.viewport().mapFromGlobal(ev.globalPos())
            ent = self.entity_at_point(vp.x(), vp.y())
            if ent is None:
                QToolTip.hideText()
            else:
                QToolTip.showText(ev.globalPos(), tooltip_for(ent), self)
            return True
        return super().event(ev)


def tooltip_for(ent: Entity) -> str:
    """Label tag, canonical name and status; document text escaped (tooltips are rich)."""
    name = ent.canonical or ent.text
    lines = [f"[{LABEL_KEYS[ent.label]}] {LABEL_NAMES[ent.label]}", name]
    if ent.canonical and ent.canonical != ent.text:
        lines.append(f"as written: {ent.text}")
    lines.append(f"status: {ENTITY_STATUS.get(ent.source, ent.source)}")
    return "<p style='white-space:pre'>" + "<br>".join(html.escape(x) for x in lines) + "</p>"
