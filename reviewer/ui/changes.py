"""What a review action changed: the typed notice every view observes.

Commands report a `ReviewChange` after they write the store (on redo and on undo); the
release view, the entity pane and the library list each refresh what the notice says
changed, instead of commands calling back into a window with keyword flags.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ReviewChange:
    doc_id: int  # the release the change was made on
    corrections: bool = False  # entity corrections: the release's entities
    lexicon: bool = False  # a library-wide correction: every release's extraction
    aliases: bool = False  # links between names, used by every release
    facts: bool = False
    notes: bool = False
    status: bool = False  # the release's review status
    summary: bool = False  # the reviewer's summary
    reattached: bool = False  # review data moved between releases (a moved release)
    reindex: tuple[int, ...] = ()  # releases whose index entries are now stale

    @property
    def summary_only(self) -> bool:
        return self.summary and not (self.corrections or self.lexicon or self.aliases
                                     or self.facts or self.notes or self.status
                                     or self.reattached)

    @property
    def library_list(self) -> bool:
        """Whether the library list (statuses, counts) shows something that changed."""
        return self.status or self.aliases or self.lexicon or self.reattached
