"""A release as the reviewer sees it: extraction plus the reviewer's own corrections.

Every operation here writes to the review store at once and returns what is needed to
undo it, so the GUI's undo commands are thin wrappers around these calls.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from reviewer.core.analysis import Base, base_entities, finish_base

# context_of and reanchor are part of this module's interface too
from reviewer.core.corrections import apply_corrections, drop_overlapping
from reviewer.core.corrections import context_of as context_of
from reviewer.core.corrections import reanchor as reanchor
from reviewer.core.model import Correction, Document, Entity, Extraction, Fact
from reviewer.core.store import PINNED_STATUSES, FactStatus, Note, ReviewStore

if TYPE_CHECKING:
    from reviewer.core.review.workspace import Workspace



@dataclass(frozen=True, slots=True)
class FactReview:
    """A fact as the reviewer left it: what the release should say (the reviewer's value,
    else the extracted one), the status and the reviewer's note. Memos, `reviewer show`
    and the facts table all read facts this way."""

    fact: Fact
    status: str  # "unverified", "verified" or "disputed"
    value: str  # the reviewer's value when edited, else `extracted`
    extracted: str  # what the extractor read
    note: str  # the reviewer's note ("" for none)

    @property
    def edited(self) -> bool:
        return self.value != self.extracted


@dataclass(slots=True)
class DocumentView:
    document: Document
    entities: list[Entity]
    facts: list[Fact]
    status: str
    notes: list[Note] = field(default_factory=list)
    fact_statuses: dict[str, FactStatus] = field(default_factory=dict)
    orphaned: list[Correction] = field(default_factory=list)

    def fact_status(self, fact: Fact) -> str:
        fs = self.fact_statuses.get(fact.key())
        return fs.status if fs else "unverified"

    def fact_review(self, fact: Fact) -> FactReview:
        fs = self.fact_statuses.get(fact.key())
        extracted = fact.summary()
        return FactReview(fact, fs.status if fs else "unverified",
                          fs.value if fs and fs.value else extracted, extracted,
                          fs.note if fs else "")

    def fact_reviews(self) -> list[FactReview]:
        """Every fact of the release with the reviewer's status, value and note."""
        return [self.fact_review(f) for f in self.facts]

    def to_json(self) -> dict[str, Any]:
        doc, st = self.document, self.document.structure
        dl = st.dateline
        return {
            "doc_id": doc.doc_id, "path": doc.path, "title": doc.title, "status": self.status,
            "warnings": doc.warnings, "text": doc.text,
            "structure": {
                "title": st.title, "title_span": st.title_span,
                "dateline": None if dl is None else {
                    "start": dl.start, "end": dl.end, "place": dl.place, "date": dl.date,
                    "iso": dl.iso, "source": dl.source},
                "blocks": [[b.start, b.end, b.kind, b.reason] for b in st.blocks],
            },
            "entities": [[e.start, e.end, e.label, e.text, e.canonical or e.text, e.source]
                         for e in self.entities],
            "facts": [{"kind": r.fact.kind, "start": r.fact.start, "end": r.fact.end,
                       "fields": r.fact.fields, "status": r.status, "value": r.value,
                       "extracted": r.extracted, "edited": r.edited, "note": r.note}
                      for r in self.fact_reviews()],
            "notes": [{"id": n.id, "target": n.target, "target_key": n.target_key,
                       "start": n.start, "end": n.end, "quote": n.quote, "text": n.text,
                       "author": n.author, "orphaned": n.orphaned} for n in self.notes],
            # Corrections made on an earlier text that this one no longer holds.
            "orphaned_corrections": [{"id": c.id, "action": c.action, "label": c.label,
                                      "text": c.text} for c in self.orphaned],
        }


def reanchor_stored(store: ReviewStore, doc_id: int,
                    text: str) -> tuple[list[Correction], list[Note]]:
    """Re-anchor a release's own corrections and span notes to its current `text` and
    write moved offsets and orphan flags back to the store (nothing is ever deleted: what
    cannot be found keeps its old offsets with orphaned=1 for the reviewer to see).
    Returns (orphaned corrections, orphaned notes). A read-only store is not written."""
    orphan_ids = {c.id for c in store.orphaned_corrections(doc_id)}
    lost_c: list[Correction] = []
    for c in store.corrections(doc_id):
        if c.doc_id != doc_id or c.scope == "library" or c.id is None:
            continue  # library-wide ones apply by text everywhere
        where = reanchor(text, c.start, c.end, c.text, c.before, c.after)
        was = c.id in orphan_ids
        if where is None:
            lost_c.append(c)
            if not was and not store.readonly:
                store.update_correction_anchor(c.id, c.start, c.end, orphaned=True)
        elif (where != (c.start, c.end) or was) and not store.readonly:
            store.update_correction_anchor(c.id, where[0], where[1], orphaned=False)
    lost_n: list[Note] = []
    for n in store.notes(doc_id):
        if n.start is None or n.end is None:
            continue
        where = reanchor(text, n.start, n.end, n.quote, n.before, n.after)
        if where is None:
            lost_n.append(n)
            if not n.orphaned and not store.readonly:
                store.update_note_anchor(n.id, n.start, n.end, orphaned=True)
        elif (where != (n.start, n.end) or n.orphaned) and not store.readonly:
            store.update_note_anchor(n.id, where[0], where[1], orphaned=False)
    return lost_c, lost_n


def review_base(ws: Workspace, doc: Document) -> Base:
    """The base entities of a loaded release (`doc.doc_id` set): the ones it was pinned to
    while in progress or reviewed, else the stored ones, else extracted now and stored.
    A release under review without a pin that fits it (reviewed before pins existed, or
    its file changed) is pinned to what it shows now. A very long release is extracted
    from its first part only (with a warning on the document)."""
    assert doc.doc_id is not None
    store = ws.store
    under_review = store.status(doc.doc_id) in PINNED_STATUSES
    pin = store.entity_pin(doc.doc_id) if under_review else None
    base = base_entities(doc, ws.entity_cache, pin, model=ws.library.recogniser())
    assert base is not None
    if under_review and base.source != "pinned" and not store.readonly:
        store.set_entity_pin(doc.doc_id, base.pin())
    if base.limited and base.limited not in doc.warnings:
        doc.warnings.append(base.limited)
    return base


def extract_for_review(ws: Workspace, doc: Document) -> Extraction:
    """The extractor's view of a loaded release, with the learned lexicon."""
    return finish_base(review_base(ws, doc), ws.library.lexicon())


def build_view(ws: Workspace, doc: Document, extracted: list[Entity],
               facts: list[Fact]) -> DocumentView:
    """Entities after the reviewer's corrections and aliases, notes re-anchored.

    `extracted` is not modified, so a caller can keep it and rebuild after each edit."""
    assert doc.doc_id is not None
    store, text = ws.store, doc.text
    base = [e.copy() for e in extracted]  # aliases below set `canonical`
    corrections = store.corrections(doc.doc_id)
    entities = apply_library_scope(text, base,
                                   [c for c in corrections if c.scope == "library"])
    own = [c for c in corrections if c.doc_id == doc.doc_id and c.scope != "library"]
    entities, orphaned = apply_corrections(text, entities, own)
    aliases = {a.alias: a.canonical for a in store.aliases()}
    for ent in entities:
        name = ent.canonical or ent.text
        if name in aliases:
            ent.canonical = aliases[name]
    notes = store.notes(doc.doc_id)
    for n in notes:
        if n.start is None or n.end is None:
            continue
        where = reanchor(text, n.start, n.end, n.quote, n.before, n.after)
        n.orphaned = where is None  # a note found again is no longer orphaned
        if where is not None:
            n.start, n.end = where
    return DocumentView(document=doc, entities=entities, facts=list(facts),
                        status=store.status(doc.doc_id), notes=notes,
                        fact_statuses=store.fact_statuses(doc.doc_id), orphaned=orphaned)


def apply_library_scope(text: str, entities: list[Entity],
                        corrections: list[Correction]) -> list[Entity]:
    """Library-scope "add"/"reject" corrections, whatever the extractor's lexicon did:
    a library-wide label shows on every release at once."""
    if not corrections:
        return entities
    by_span = {(e.start, e.end): e for e in entities}
    for c in corrections:
        for s, e in label_all_spans(text, c.text):
            if c.action == "reject":
                by_span.pop((s, e), None)
            elif c.action in ("add", "retype"):
                drop_overlapping(by_span, s, e)
                by_span[(s, e)] = Entity(s, e, c.label, text[s:e], source="lexicon")
    return sorted(by_span.values(), key=lambda x: (x.start, x.end))


def document_view(ws: Workspace, doc_id: int) -> DocumentView:
    """Load a release and everything the reviewer has said about it."""
    doc = ws.load(doc_id)  # also re-anchors and persists stored corrections and notes
    extraction = extract_for_review(ws, doc)
    return build_view(ws, doc, extraction.entities, extraction.facts)


def make_correction(doc: Document, action: str, start: int, end: int, label: str, *,
                    old: Entity | None = None, scope: str = "doc") -> Correction:
    before, after = context_of(doc.text, start, end)
    return Correction(action=action, start=start, end=end, label=label,
                      text=doc.text[start:end], doc_id=doc.doc_id,
                      old_start=old.start if old else None, old_end=old.end if old else None,
                      old_label=old.label if old else "", before=before, after=after,
                      scope=scope)


def label_all_spans(text: str, needle: str) -> list[tuple[int, int]]:
    """Whole-word occurrences of `needle` in `text`."""
    if not needle.strip():
        return []
    pattern = re.compile(r"(?<!\w)" + re.escape(needle) + r"(?!\w)")
    return [m.span() for m in pattern.finditer(text)]
