"""One open release: its document, its extraction kept in memory, and its current view.

Keeping the extraction is what makes a correction visible at once: re-applying the
reviewer's corrections to it is cheap, running the extractor again is not.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from reviewer.core.model import Document, Entity, Fact
from reviewer.core.review.view import DocumentView, build_view, extract_for_review

if TYPE_CHECKING:
    from reviewer.core.review.workspace import Workspace


class DocumentSession:
    """One open release: document, cached extraction, and its current review view."""

    def __init__(self, ws: Workspace, doc_id: int, document: Document | None = None) -> None:
        """`document`: the release already loaded with `ws.load(doc_id)`, if it was."""
        self.ws = ws
        self.doc_id = doc_id
        self.document: Document = document if document is not None else ws.load(doc_id)
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
