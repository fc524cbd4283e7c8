"""Review operations the GUI's undo commands call: each writes the store at once and
returns what is needed to undo it. Pure Python, no GUI.

`DocumentSession` keeps one release's extraction so that re-applying corrections after
an edit is cheap (no re-extraction): that is what keeps a correction visible at once.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from reviewer.core.model import Correction, Document, Entity, Fact
from reviewer.core.review.view import (
    DocumentView,
    build_view,
    extract_for_review,
    label_all_spans,
    make_correction,
)
from reviewer.core.store import FactStatus, Note

if TYPE_CHECKING:
    from reviewer.core.review.workspace import Workspace

_WORD = re.compile(r"\w+(?:[-'’.&]\w+)*")

ENTITY_STATUS = {"auto": "extracted", "lexicon": "learned", "user": "confirmed"}


class DocumentSession:
    """One open release: document, cached extraction, and its current review view."""

    def __init__(self, ws: Workspace, doc_id: int) -> None:
        self.ws = ws
        self.doc_id = doc_id
        self.document: Document = ws.load(doc_id)
        self._extraction_entities: list[Entity] = []
        self.facts: list[Fact] = []
        self.reextract()

    def reextract(self) -> None:
        """Run the extractor again (after a library-scope correction changed the lexicon)."""
        ex = extract_for_review(self.ws, self.document)
        self._extraction_entities = ex.entities
        self.facts = ex.facts

    def view(self) -> DocumentView:
        """Entities after corrections and aliases, notes re-anchored; no extraction."""
        return build_view(self.ws, self.document, self._extraction_entities, self.facts)


# -- entity corrections ------------------------------------------------------------------

def add_entity(ws: Workspace, doc: Document, start: int, end: int, label: str) -> Correction:
    c = make_correction(doc, "add", start, end, label)
    ws.store.add_correction(c)
    return c


def reject_entity(ws: Workspace, doc: Document, ent: Entity) -> Correction:
    c = make_correction(doc, "reject", ent.start, ent.end, ent.label, old=ent)
    ws.store.add_correction(c)
    return c


def retype_entity(ws: Workspace, doc: Document, ent: Entity, label: str) -> Correction:
    c = make_correction(doc, "retype", ent.start, ent.end, label, old=ent)
    ws.store.add_correction(c)
    return c


def resize_entity(ws: Workspace, doc: Document, ent: Entity, start: int,
                  end: int) -> Correction:
    c = make_correction(doc, "resize", start, end, ent.label, old=ent)
    ws.store.add_correction(c)
    return c


def label_all(ws: Workspace, doc: Document, needle: str, label: str, entities: list[Entity],
              *, scope: str = "doc") -> list[Correction]:
    """Label every whole-word occurrence of `needle`: in this release (one "add" per
    occurrence not already labelled so) or in the whole library (one library-scope
    correction that the lexicon applies everywhere)."""
    spans = label_all_spans(doc.text, needle)
    if not spans:
        return []
    if scope == "library":
        s, e = spans[0]
        c = make_correction(doc, "add", s, e, label, scope="library")
        ws.store.add_correction(c)
        return [c]
    have = {(e.start, e.end, e.label) for e in entities}
    out = []
    for s, e in spans:
        if (s, e, label) not in have:
            out.append(add_entity(ws, doc, s, e, label))
    return out


def delete_corrections(ws: Workspace, corrections: list[Correction]) -> None:
    for c in reversed(corrections):
        if c.id is not None:
            ws.store.delete_correction(c.id)


def restore_corrections(ws: Workspace, corrections: list[Correction]) -> None:
    for c in corrections:
        ws.store.restore_correction(c)


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


# -- entity groups -----------------------------------------------------------------------

@dataclass(slots=True)
class EntityGroup:
    """One distinct entity of a release: its mentions under one canonical name."""

    label: str
    canonical: str
    mentions: list[Entity] = field(default_factory=list)

    @property
    def status(self) -> str:
        sources = {m.source for m in self.mentions}
        if "user" in sources:
            return "confirmed"
        if "lexicon" in sources:
            return "learned"
        return "extracted"

    @property
    def names(self) -> list[str]:
        return sorted({m.text for m in self.mentions})


def group_entities(entities: list[Entity]) -> dict[str, list[EntityGroup]]:
    """Label -> groups (ordered by first mention), keyed by canonical name."""
    groups: dict[tuple[str, str], EntityGroup] = {}
    for ent in entities:
        name = ent.canonical or ent.text
        g = groups.get((ent.label, name))
        if g is None:
            g = groups[(ent.label, name)] = EntityGroup(ent.label, name)
        g.mentions.append(ent)
    out: dict[str, list[EntityGroup]] = {}
    for g in groups.values():
        out.setdefault(g.label, []).append(g)
    return out


def entity_at(entities: list[Entity], offset: int) -> Entity | None:
    """The entity covering `offset` (the innermost one when spans nest)."""
    best = None
    for e in entities:
        if e.start <= offset < e.end and (best is None or e.end - e.start < best.end - best.start):
            best = e
    return best


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


def alias_proposals(ws: Workspace, groups: list[EntityGroup]) -> list[tuple[str, str, str]]:
    """Likely (canonical, alias, label) links among a release's entities, from the linker
    when it is available, else a simple rule: a person named by surname alone."""
    known = {(a.canonical, a.alias) for a in ws.store.aliases()}
    out: list[tuple[str, str, str]] = []
    try:
        from reviewer.core.extract import linking  # optional: written separately
        result = linking.link({0: [m for g in groups for m in g.mentions]},
                              ws.store.aliases())
        for p in getattr(result, "proposals", []) or []:
            canonical = getattr(p, "canonical", None) or (p[0] if isinstance(p, tuple) else "")
            alias = getattr(p, "alias", None) or (p[1] if isinstance(p, tuple) else "")
            label = getattr(p, "label", "") or ""
            if canonical and alias and (canonical, alias) not in known:
                out.append((str(canonical), str(alias), str(label)))
        return out
    except Exception:  # noqa: BLE001 - the linker is optional; fall back to the rule
        pass
    for label in {g.label for g in groups}:
        names = [g.canonical for g in groups if g.label == label]
        for short in names:
            for full in names:
                if (short != full and " " not in short and full.endswith(" " + short)
                        and (full, short) not in known):
                    out.append((full, short, label))
    return out


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
        from reviewer.core.review.view import context_of

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
    except Exception:  # noqa: BLE001 - a query the parser rejects simply finds nothing
        return []
    return [h.doc_id for h in result.hits]
