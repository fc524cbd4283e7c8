"""Regex scanning helpers that keep whole-text passes fast and linear.

Python's regex engine can skip to candidate positions in C only when a pattern starts with
a literal or a character class; a leading look-behind makes it try every offset. Patterns
here are written without the look-behind, which `finditer_after` checks instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache


@lru_cache(maxsize=32)
def _run_of(bad: re.Pattern[str]) -> re.Pattern[str]:
    return re.compile(f"(?:{bad.pattern})*")


def finditer_after(rx: re.Pattern[str], text: str, bad: re.Pattern[str]) -> Iterator[re.Match[str]]:
    """`rx.finditer(text)` as if `rx` began with `(?<!bad)`; `bad` matches one character.

    Linear: after a rejected match every start inside the same run of `bad` characters
    would be rejected too, so the search resumes after that run.
    """
    pos = 0
    search = rx.search
    is_bad = bad.match
    skip = _run_of(bad).match
    n = len(text)
    while pos <= n:
        m = search(text, pos)
        if m is None:
            return
        s, e = m.span()
        if s and is_bad(text, s - 1):
            pos = skip(text, s).end() + 1  # type: ignore[union-attr]
            continue
        yield m
        pos = e if e > s else s + 1
