"""Spans of text as (start, end) offsets: the one way Reviewer merges them."""
from __future__ import annotations

from collections.abc import Iterable


def merge_spans(spans: Iterable[tuple[int, int]], *,
                touching: bool = False) -> list[tuple[int, int]]:
    """Sorted, disjoint spans covering the same offsets as `spans`. Overlapping spans
    become one; with `touching`, so do spans where one ends and the next begins."""
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and (s < out[-1][1] or (touching and s == out[-1][1])):
            if e > out[-1][1]:
                out[-1] = (out[-1][0], e)
            continue
        out.append((s, e))
    return out
