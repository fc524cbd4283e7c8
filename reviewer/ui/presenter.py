"""The open release on screen: the text with its entities and search hits, the entity
pane (groups, facts, notes, summary, alias proposals) and the linked navigation between
them. It observes the review controller: a release opened, or a `ReviewChange`."""
from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QComboBox

from reviewer.core.controls import reveal
from reviewer.core.export import generated_summary
from reviewer.core.model import Entity
from reviewer.core.review.groups import EntityGroup, alias_proposals, group_entities
from reviewer.core.review.view import DocumentView
from reviewer.core.review.workspace import Workspace
from reviewer.ui.changes import ReviewChange
from reviewer.ui.controller import ReviewController
from reviewer.ui.document_view import DocumentPane
from reviewer.ui.entity_pane import EntityPane
from reviewer.ui.library_pane import LibraryPane
from reviewer.ui.search_flow import HighlightTask
from reviewer.ui.settings import Settings
from reviewer.ui.status_bar import StatusBar
from reviewer.ui.workers import worker_pool


class ReleasePresenter(QObject):
    shown = Signal(int)  # doc id: its text is on screen
    titleChanged = Signal(str)

    def __init__(self, ws: Workspace, settings: Settings, controller: ReviewController,
                 panes: tuple[LibraryPane, DocumentPane, EntityPane], status: StatusBar,
                 status_combo: QComboBox, parent: QObject) -> None:
        super().__init__(parent)
        self.ws, self.settings, self.controller, self.status = ws, settings, controller, status
        self.library_pane, self.doc_pane, self.entity_pane = panes
        self.status_combo = status_combo
        self.visible_labels = settings.visible_labels()
        self.doc_pane.set_visible_labels(self.visible_labels)
        self.query = ""
        self.groups: dict[str, list[EntityGroup]] = {}
        self._mention_index = -1
        self._clicked: Entity | None = None
        self._proposal_key: tuple[object, ...] | None = None
        self._proposals: list[tuple[str, str, str]] = []
        self._hits_cache: tuple[tuple[object, ...], list[tuple[int, int]]] | None = None
        # The search hits in the open release are found on this worker.
        self.hits_pool = worker_pool()
        self._hit_tasks: list[HighlightTask] = []
        self._hits_wanted: tuple[object, ...] | None = None
        self._pane_pending = False
        # Alias proposals, the summary (and an opened release's search hits) follow once
        # the text is painted, so the text with its entities shows at once.
        self.deferred_timer = QTimer(self, singleShot=True, interval=0)
        self.deferred_timer.timeout.connect(self._refresh_deferred)
        controller.opened.connect(self._opened)
        controller.changed.connect(self._changed)
        self.library_pane.queryChanged.connect(self._query_changed)
        self.doc_pane.entityClicked.connect(self._entity_clicked)
        self.entity_pane.groupSelected.connect(self._group_selected)

    @property
    def view(self) -> DocumentView | None:
        return self.controller.view

    def _opened(self, doc_id: int) -> None:
        self._mention_index = -1
        self.settings.set_value("library/last_document", doc_id)
        self.refresh_view(keep_position=False)
        self.library_pane.show_open(doc_id)
        self.shown.emit(doc_id)

    def _changed(self, change: ReviewChange) -> None:
        session = self.controller.session
        if session is None or session.doc_id != change.doc_id:
            self.controller.open(change.doc_id)  # undo on another release shows that one
        elif change.summary_only:
            self.refresh_summary(force=True)
        else:
            self.refresh_view()

    def _query_changed(self, q: str) -> None:
        self.query = q
        if self.view is not None:
            self.refresh_view()

    def refresh_view(self, keep_position: bool = True) -> None:
        view = self.view
        if view is None:
            return
        # Search hits are marked after the first paint of a newly opened release (they
        # take a while in a long one); a correction or a new query marks them at once.
        hits = self._hits_for(view, compute=keep_position)
        if hits is None and not (keep_position and self._hits_cache is not None
                                 and self._hits_cache[0][:2] == (self.query,
                                                                 view.document.doc_id)):
            hits = []  # another release or query: its marks go until the new ones come
        self.doc_pane.set_view(view, hits, keep_position=keep_position)
        self.groups = group_entities(view.entities)
        # A correction updates the entity pane at once; a newly opened release fills it
        # right after the text's first paint, with the summary and proposals.
        self._pane_pending = not keep_position
        if keep_position:
            self._fill_entity_pane()
        self.status_combo.setCurrentText(view.status)
        doc = view.document
        self.titleChanged.emit(reveal(doc.title or doc.name))
        lost = len(view.orphaned) + sum(1 for n in view.notes if n.orphaned)
        self.status.show_message(
            f"{reveal(doc.name)}: {len(view.entities)} entities, {len(view.facts)} facts, "
            f"{view.status}" + (f"; {lost} correction{'s' if lost != 1 else ''} or note"
                                f"{'s' if lost != 1 else ''} no longer found in the text"
                                if lost else ""))
        self.deferred_timer.start()

    def _hits_for(self, view: DocumentView, *, compute: bool) -> list[tuple[int, int]] | None:
        """Search hits in the shown text, cached per query, text and entities; None when
        not known yet. With `compute`, they are asked of a worker, and shown when found."""
        if not self.query:
            return []
        ents = tuple((e.label, e.start, e.end, e.text, e.canonical) for e in view.entities)
        key = (self.query, view.document.doc_id, view.document.text, ents)
        if self._hits_cache is not None and self._hits_cache[0] == key:
            return self._hits_cache[1]
        if compute and key != self._hits_wanted:
            self._hits_wanted = key
            task = HighlightTask(self.ws.searcher, key, self.query, view.document.text,
                                 list(view.entities))
            task.signals.done.connect(self._hits_found)
            self._hit_tasks = [t for t in self._hit_tasks if not t.done] + [task]
            self.hits_pool.start(task)
        return None

    def _hits_found(self, key: tuple[object, ...], hits: list[tuple[int, int]]) -> None:
        self._hits_cache = (key, hits)
        if key != self._hits_wanted:
            return  # another query or release since
        self._hits_wanted = None
        if self.view is not None and self._hits_for(self.view, compute=False) == hits \
                and hits != self.doc_pane.hits:
            self.doc_pane.set_hits(hits)

    def _fill_entity_pane(self) -> None:
        view = self.view
        if view is None:
            return
        self._pane_pending = False
        self.entity_pane.set_content(self.groups, self.visible_labels, view.facts,
                                     view.fact_statuses, view.notes)
        self.entity_pane.set_orphans(view.orphaned)

    def _refresh_deferred(self) -> None:
        self.deferred_timer.stop()
        if self.view is None:
            return
        if self._pane_pending:
            self._fill_entity_pane()
        hits = self._hits_for(self.view, compute=True)
        if hits is not None and hits != self.doc_pane.hits:
            self.doc_pane.set_hits(hits)
        self.refresh_proposals()
        self.refresh_summary()

    def refresh_proposals(self) -> None:
        """Alias links the linker proposes among the open release's entities (cached on
        the entities' names and the stored aliases)."""
        all_groups = [g for gs in self.groups.values() for g in gs]
        aliases = self.ws.store.aliases()
        distinct = self.ws.store.distinct_names()
        key = (tuple((g.label, g.canonical, tuple(m.text for m in g.mentions))
                     for g in all_groups),
               tuple((a.canonical, a.alias, a.label) for a in aliases), frozenset(distinct))
        if key != self._proposal_key:
            self._proposals = alias_proposals(all_groups, aliases, distinct)
            self._proposal_key = key
        self.entity_pane.set_proposals(self._proposals)

    def refresh_summary(self, force: bool = False) -> None:
        """The reviewer's stored summary, else one generated from the current entities."""
        view = self.view
        box = self.entity_pane.summary
        if view is None or view.document.doc_id is None:
            box.set_summary(None, "", False)
            return
        doc_id = view.document.doc_id
        stored = self.ws.store.summary(doc_id)
        if stored and stored.strip():
            box.set_summary(doc_id, stored, True, force=force)
        else:
            box.set_summary(doc_id, generated_summary(view.document, view.entities), False,
                            force=force)

    def set_label_visible(self, label: str, on: bool) -> None:
        if on:
            self.visible_labels.add(label)
        else:
            self.visible_labels.discard(label)
        self.settings.set_visible_labels(self.visible_labels)
        self.doc_pane.set_visible_labels(self.visible_labels)
        self.refresh_view()

    # -- linked navigation ---------------------------------------------------------------
    def _group_selected(self, group: EntityGroup | None) -> None:
        if group is None:
            self.doc_pane.show_current([])
            return
        self.doc_pane.show_current(group.mentions)
        clicked, self._clicked = self._clicked, None
        if clicked is not None and clicked in group.mentions:
            self._mention_index = group.mentions.index(clicked)
            return
        self._mention_index = 0
        m = group.mentions[0]
        self.doc_pane.select_span(m.start, m.end)

    def step_mention(self, direction: str) -> None:
        """Select the next (or "previous") mention of the selected entity."""
        g = self.entity_pane.current_group()
        if g is None or not g.mentions:
            return
        step = -1 if direction == "previous" else 1
        self._mention_index = (self._mention_index + step) % len(g.mentions)
        m = g.mentions[self._mention_index]
        self.doc_pane.select_span(m.start, m.end)

    def _entity_clicked(self, ent: Entity) -> None:
        self._clicked = ent
        self.entity_pane.select_group(ent.label, ent.canonical or ent.text)
        self._clicked = None

    def stop(self) -> None:
        self.deferred_timer.stop()
        self._hits_wanted = None
