"""What a reviewer changes, written to the review store at once. Pure Python, no GUI.

The GUI's undo commands are built on these: the corrections a change makes are computed
first (`corrections_for_*`, nothing written), then `save_corrections` writes them and
`delete_corrections` takes them back, as often as the reviewer undoes and redoes.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from reviewer.core.model import Correction, Document, Entity, Fact
from reviewer.core.review.view import context_of, label_all_spans, make_correction
from reviewer.core.search import QueryError
from reviewer.core.store import FactStatus, Note

if TYPE_CHECKING:
    from reviewer.core.review.workspace import Workspace


# -- entity corrections ------------------------------------------------------------------

def correction_add(doc: Document, start: int, end: int, label: str) -> Correction:
    return make_correction(doc, "add", start, end, label)


def correction_reject(doc: Document, ent: Entity) -> Correction:
    return make_correction(doc, "reject", ent.start, ent.end, ent.label, old=ent)


def correction_retype(doc: Document, ent: Entity, label: str) -> Correction:
    return make_correction(doc, "retype", ent.start, ent.end, label, old=ent)


def correction_resize(doc: Document, ent: Entity, start: int, end: int) -> Correction:
    return make_correction(doc, "resize", start, end, ent.label, old=ent)


def corrections_label_all(doc: Document, needle: str, label: str, entities: list[Entity],
                          *, scope: str = "doc") -> list[Correction]:
    """Label every whole-word occurrence of `needle`: in this release (one "add" per
    occurrence not already labelled so) or in the whole library (one library-scope
    correction that the lexicon applies everywhere)."""
    spans = label_all_spans(doc.text, needle)
    if not spans:
        return []
    if scope == "library":
        s, e = spans[0]
        return [make_correction(doc, "add", s, e, label, scope="library")]
    have = {(e.start, e.end, e.label) for e in entities}
    return [correction_add(doc, s, e, label) for s, e in spans if (s, e, label) not in have]


def save_corrections(ws: Workspace, corrections: list[Correction]) -> None:
    """Write new corrections (they get their ids) or put back ones taken back by undo
    (under their old ids)."""
    for c in corrections:
        if c.id is None:
            ws.store.add_correction(c)
        else:
            ws.store.restore_correction(c)


def mark_for_reindex(ws: Workspace, doc_ids: Iterable[int]) -> None:
    """Record, before a change is written, that these releases must be re-indexed: a
    crash before the re-index then leaves the next scan to do it (`Library.scan`)."""
    ids = list(doc_ids)
    if ids:
        ws.store.mark_reindex(ids)


def delete_corrections(ws: Workspace, corrections: list[Correction]) -> None:
    for c in reversed(corrections):
        if c.id is not None:
            ws.store.delete_correction(c.id)


# -- aliases -----------------------------------------------------------------------------

def merge_aliases(ws: Workspace, canonical: str, names: list[str],
                  label: str = "") -> list[int]:
    """Link each name to `canonical`; returns the new alias ids (for undo)."""
    existing = {(a.canonical, a.alias) for a in ws.store.aliases()}
    ids = []
    for name in names:
        if name == canonical or (canonical, name) in existing:
            continue
        ids.append(ws.store.add_alias(canonical, name, label))
    return ids


def aliases_of(ws: Workspace, canonical: str) -> list[tuple[int, str]]:
    return [(a.id, a.alias) for a in ws.store.aliases()
            if a.canonical == canonical and a.id is not None]


# -- facts, notes, status ----------------------------------------------------------------

def set_fact_status(ws: Workspace, doc_id: int, fact: Fact, status: str, *,
                    value: str | None = None, note: str = "") -> FactStatus | None:
    """Set a fact's status; returns the previous one (None = never set) for undo."""
    previous = ws.store.fact_statuses(doc_id).get(fact.key())
    if value is None and previous is not None:
        value = previous.value
    ws.store.set_fact_status(doc_id, fact.key(), status, value=value, note=note)
    return previous


def restore_fact_status(ws: Workspace, doc_id: int, key: str,
                        previous: FactStatus | None) -> None:
    if previous is None:
        ws.store.clear_fact_status(doc_id, key)
    else:
        ws.store.set_fact_status(doc_id, key, previous.status, value=previous.value,
                                 note=previous.note)


def add_note(ws: Workspace, doc: Document, text: str, *, target: str = "document",
             target_key: str = "", start: int | None = None, end: int | None = None,
             note_id: int | None = None) -> int:
    quote = before = after = ""
    if start is not None and end is not None:
        quote = doc.text[start:end]
        before, after = context_of(doc.text, start, end)
    assert doc.doc_id is not None
    return ws.store.add_note(doc.doc_id, text, target=target, target_key=target_key,
                             start=start, end=end, quote=quote, before=before, after=after,
                             note_id=note_id)


def restore_note(ws: Workspace, note: Note) -> None:
    """Put back a deleted note under its old id."""
    ws.store.add_note(note.doc_id, note.text, target=note.target, target_key=note.target_key,
                      start=note.start, end=note.end, quote=note.quote, before=note.before,
                      after=note.after, author=note.author, note_id=note.id)


def next_unreviewed(ws: Workspace, current: int | None) -> int | None:
    """The next unreviewed release after `current` in library order, wrapping around."""
    docs = [d for d in ws.store.documents() if not d.error]
    if not docs:
        return None
    ids = [d.id for d in docs]
    start = ids.index(current) + 1 if current in ids else 0
    for i in range(len(docs)):
        d = docs[(start + i) % len(docs)]
        if d.status == "unreviewed" and d.id != current:
            return d.id
    return None


# -- library -----------------------------------------------------------------------------

def docs_mentioning(ws: Workspace, needle: str, limit: int = 5000) -> list[int]:
    """Ids of releases whose text contains the phrase (to re-index after a library label)."""
    phrase = needle.replace('"', " ").strip()
    if not phrase:
        return []
    try:
        result = ws.searcher.search(f'"{phrase}"', limit=limit, with_highlights=False,
                                    with_facets=False)
    except QueryError:
        return []  # a phrase the query parser rejects simply finds nothing
    return [h.doc_id for h in result.hits]
