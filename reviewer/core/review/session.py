"""One open release: its document, its extraction kept in memory, and its current view.

Keeping the extraction is what makes a correction visible at once: re-applying the
reviewer's corrections to it is cheap, running the extractor again is not. The base
entities (stored, pinned or extracted once) stay too: a change to the reviewer's lexicon
finishes them again without the extractor.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from reviewer.core.analysis import Base, finish_base
from reviewer.core.model import Document, Entity, Fact
from reviewer.core.review.view import DocumentView, build_view, review_base

if TYPE_CHECKING:
    from reviewer.core.review.workspace import Workspace


class DocumentSession:
    """One open release: document, cached extraction, and its current review view."""

    def __init__(self, ws: Workspace, doc_id: int, document: Document | None = None) -> None:
        """`document`: the release already loaded with `ws.load(doc_id)`, if it was."""
        self.ws = ws
        self.doc_id = doc_id
        self.document: Document = document if document is not None else ws.load(doc_id)
        self.base: Base = review_base(ws, self.document)
        self._extraction_entities: list[Entity] = []
        self.facts: list[Fact] = []
        self.reextract()

    def reextract(self) -> None:
        """Apply the learned lexicon again (after a correction changed it): the base
        entities are kept, the extractor does not run."""
        ex = finish_base(self.base, self.ws.library.lexicon())
        self._extraction_entities = ex.entities
        self.facts = ex.facts

    def view(self) -> DocumentView:
        """Entities after corrections and aliases, notes re-anchored; no extraction."""
        return build_view(self.ws, self.document, self._extraction_entities, self.facts)
