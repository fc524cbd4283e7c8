"""Spans of a release's text as a reviewer selects them: whole words, a word more or
less at either end."""
from __future__ import annotations

import re

_WORD = re.compile(r"\w+(?:[-'’.&]\w+)*")


def snap_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Grow a selection to whole words and trim surrounding spaces and punctuation."""
    while start < end and not (text[start].isalnum()):
        start += 1
    while end > start and not (text[end - 1].isalnum() or text[end - 1] in ".%)"):
        end -= 1
    if start >= end:
        return start, start
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum():
        end += 1
    return start, end


def grow_end(text: str, start: int, end: int) -> tuple[int, int]:
    """The span extended to the end of the next word on the same line."""
    m = _WORD.search(text, end)
    if m is None or "\n" in text[end:m.start()]:
        return start, end
    return start, m.end()


def shrink_end(text: str, start: int, end: int) -> tuple[int, int]:
    words = list(_WORD.finditer(text, start, end))
    if len(words) < 2:
        return start, end
    return start, words[-2].end()


def grow_start(text: str, start: int, end: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, start) + 1
    words = list(_WORD.finditer(text, line_start, start))
    if not words:
        return start, end
    return words[-1].start(), end


def shrink_start(text: str, start: int, end: int) -> tuple[int, int]:
    words = list(_WORD.finditer(text, start, end))
    if len(words) < 2:
        return start, end
    return words[1].start(), end
