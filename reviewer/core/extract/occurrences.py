"""Whole-word occurrences of many names in one pass (an Aho-Corasick automaton), so the
cost of finding every repeat of every name is one scan of the text, however many names a
release or a lexicon holds."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import ahocorasick


class Names:
    """A fixed set of names to find in texts."""

    def __init__(self, names: Iterable[str]) -> None:
        self._auto = ahocorasick.Automaton()
        self.size = 0
        for name in names:
            if name:
                self._auto.add_word(name, name)
                self.size += 1
        if self.size:
            self._auto.make_automaton()

    def find(self, text: str) -> Iterator[tuple[int, int, str]]:
        """(start, end, name) of whole-word occurrences, left to right; where occurrences
        overlap, the leftmost wins, then the longest."""
        if not self.size:
            return
        found = []
        n = len(text)
        for last, name in self._auto.iter(text):
            start = last - len(name) + 1
            if (start > 0 and _is_word(text[start - 1])) or (last + 1 < n and
                                                             _is_word(text[last + 1])):
                continue
            found.append((start, last + 1, name))
        found.sort(key=lambda m: (m[0], m[0] - m[1]))
        end = -1
        for m in found:
            if m[0] >= end:
                yield m
                end = m[1]


def _is_word(c: str) -> bool:
    return c.isalnum() or c == "_"
