"""The one place where Python str offsets and Qt's UTF-16 positions are converted."""
from __future__ import annotations

import re
from bisect import bisect_right

_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")


class OffsetMap:
    """Maps offsets both ways for one text. Identity (no tables) when the text has no
    character outside the Basic Multilingual Plane, which is nearly always."""

    __slots__ = ("_astral", "_qastral", "length")

    def __init__(self, text: str) -> None:
        # Python offsets of astral characters (each takes 2 UTF-16 units).
        self._astral = [m.start() for m in _ASTRAL.finditer(text)] \
            if not text.isascii() else []
        # Their UTF-16 positions: each earlier astral character adds one unit.
        self._qastral = [i + k for k, i in enumerate(self._astral)]
        self.length = len(text)

    @property
    def identity(self) -> bool:
        return not self._astral

    def to_qt(self, offset: int) -> int:
        if not self._astral:
            return offset
        return offset + bisect_right(self._astral, offset - 1)

    def from_qt(self, pos: int) -> int:
        """Python offset for a UTF-16 position; a position inside a surrogate pair maps to
        the start of its character."""
        if not self._astral:
            return pos
        k = bisect_right(self._qastral, pos - 1)
        if k and self._qastral[k - 1] == pos - 1:  # pos is the low surrogate
            return self._astral[k - 1]
        return pos - k

    def span_from_qt(self, start: int, end: int) -> tuple[int, int]:
        return self.from_qt(start), self.from_qt(end)
