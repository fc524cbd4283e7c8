"""A release's own corrections on top of the extractor's entities, found again in its
current text. The review view (what the reviewer sees) and the search passes (what the index
holds for the release) both apply them here, so a correction shows in both at once."""
from __future__ import annotations

import re

from reviewer.core.model import Correction, Entity

CONTEXT = 40  # characters kept on each side of a correction or note to re-anchor it


def context_of(text: str, start: int, end: int) -> tuple[str, str]:
    return text[max(0, start - CONTEXT):start], text[end:end + CONTEXT]


def reanchor(text: str, start: int, end: int, quote: str, before: str,
             after: str) -> tuple[int, int] | None:
    """Where a span quoted as `quote` sits in `text` now, or None when it cannot be found.

    The old offsets win when they still cut the quote; otherwise the occurrence whose
    surroundings best match the stored context wins, and a lone occurrence is accepted.
    """
    if not quote:
        return None
    if text[start:end] == quote:
        return start, end
    best, best_score = None, -1
    for m in re.finditer(re.escape(quote), text):
        s, e = m.span()
        b, a = context_of(text, s, e)
        score = _common_suffix(b, before) + _common_prefix(a, after)
        if score > best_score or (score == best_score and best is not None
                                  and abs(s - start) < abs(best[0] - start)):
            best, best_score = (s, e), score
    return best


def _common_suffix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[-1 - n] == b[-1 - n]:
        n += 1
    return n


def _common_prefix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def apply_corrections(text: str, entities: list[Entity],
                      corrections: list[Correction]) -> tuple[list[Entity], list[Correction]]:
    """The document's own corrections on top of the extractor's entities.

    Returns the entities and the corrections that could not be anchored (orphaned)."""
    by_span: dict[tuple[int, int], Entity] = {(e.start, e.end): e for e in entities}
    orphaned: list[Correction] = []
    for c in corrections:
        if c.scope == "library":
            continue  # applied by the lexicon inside the extractor
        where = reanchor(text, c.start, c.end, c.text, c.before, c.after)
        if where is None:
            orphaned.append(c)
            continue
        s, e = where
        shift = s - c.start
        if c.action == "add":
            drop_overlapping(by_span, s, e)
            by_span[(s, e)] = Entity(s, e, c.label, text[s:e], source="user")
        elif c.action == "reject":
            by_span.pop((s, e), None)
        elif c.action == "retype":
            old = by_span.get((s, e))
            canonical = old.canonical if old else ""
            by_span[(s, e)] = Entity(s, e, c.label, text[s:e], canonical=canonical,
                                     source="user")
        elif c.action == "resize":
            if c.old_start is not None and c.old_end is not None:
                by_span.pop((c.old_start + shift, c.old_end + shift), None)
            drop_overlapping(by_span, s, e)
            by_span[(s, e)] = Entity(s, e, c.label, text[s:e], source="user")
    return sorted(by_span.values(), key=lambda x: (x.start, x.end)), orphaned


def drop_overlapping(by_span: dict[tuple[int, int], Entity], s: int, e: int) -> None:
    for key in [k for k in by_span if k[0] < e and s < k[1]]:
        del by_span[key]
