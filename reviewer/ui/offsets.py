"""The one place where Python str offsets and Qt's UTF-16 positions are converted."""
from __future__ import annotations

import re
from bisect import bisect_right

from reviewer.core.documents.markdown import Rendering

_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")


class OffsetMap:
    """Maps offsets both ways for one text. Identity (no tables) when the text has no
    character outside the Basic Multilingual Plane, which is nearly always.

    With a `rendering` (Markdown shown as readable text), the widget shows
    `rendering.display` and offsets are those of the raw text: core offsets go through
    the rendering's exact map, then to UTF-16."""

    __slots__ = ("_astral", "_qastral", "length", "rendering")

    def __init__(self, text: str, rendering: Rendering | None = None) -> None:
        self.rendering = rendering
        if rendering is not None:
            self._init_utf16(rendering.display)
            self.length = rendering.source_length
        else:
            self._init_utf16(text)
            self.length = len(text)

    @property
    def shown(self) -> str | None:
        """The text the widget shows when it is not the raw text itself."""
        return None if self.rendering is None else self.rendering.display

    def _init_utf16(self, text: str) -> None:
        # Python offsets of astral characters (each takes 2 UTF-16 units).
        self._astral = [m.start() for m in _ASTRAL.finditer(text)] \
            if not text.isascii() else []
        # Their UTF-16 positions: each earlier astral character adds one unit.
        self._qastral = [i + k for k, i in enumerate(self._astral)]

    @property
    def identity(self) -> bool:
        return not self._astral and self.rendering is None

    def to_qt(self, offset: int) -> int:
        if self.rendering is not None:
            offset = self.rendering.to_display(offset)
        if not self._astral:
            return offset
        return offset + bisect_right(self._astral, offset - 1)

    def _shown_offset(self, pos: int) -> int:
        """Offset into the shown text for a UTF-16 position; a position inside a surrogate
        pair maps to the start of its character."""
        if not self._astral:
            return pos
        k = bisect_right(self._qastral, pos - 1)
        if k and self._qastral[k - 1] == pos - 1:  # pos is the low surrogate
            return self._astral[k - 1]
        return pos - k

    def from_qt(self, pos: int) -> int:
        """Python offset into the raw text for a UTF-16 position of the widget."""
        shown = self._shown_offset(pos)
        return shown if self.rendering is None else self.rendering.to_source(shown)

    def span_from_qt(self, start: int, end: int) -> tuple[int, int]:
        s, e = self._shown_offset(start), self._shown_offset(end)
        if self.rendering is None:
            return s, e
        if e <= s:
            point = self.rendering.to_source(s)
            return point, point
        return self.rendering.to_source(s), self.rendering.to_source_end(e)
