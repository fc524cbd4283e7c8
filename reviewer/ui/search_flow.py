"""Searching as the reviewer types, off the GUI thread.

Each query runs on one worker thread in the core's stages (`Searcher.start`): a screen
of ranked, highlighted hits first, then the facet and status counts, then the snippets
of the rest of the list and every match's id. A new query supersedes the one running
(`Searcher.supersede`): it stops at its next check, and anything it still reports is
ignored, so a burst of keystrokes never queues searches.
"""
from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QRunnable, Signal

from reviewer.core.search import QueryError, Searcher, SearchResult, Superseded
from reviewer.ui.failures import unexpected_error_text
from reviewer.ui.library_models import FacetModel
from reviewer.ui.workers import worker_pool

log = logging.getLogger(__name__)

#: Hits listed for a query; the first screen of them is highlighted first.
RESULT_LIMIT = 50


class _SearchSignals(QObject):
    firstScreen = Signal(int, object)  # generation, SearchResult (hits, total)
    counted = Signal(int, object)  # generation, SearchResult (+ facets, statuses)
    snippets = Signal(int, object)  # generation, {doc_id: snippets} for the rest
    ranked = Signal(int, object)  # generation, every match's release id, best first
    failed = Signal(int, str)  # generation, what is wrong with the query
    crashed = Signal(int, str, str)  # generation, message and details of an unexpected error


class SearchTask(QRunnable):
    def __init__(self, searcher: Searcher, query: str, generation: int, limit: int,
                 signals: _SearchSignals) -> None:
        super().__init__()
        self.setAutoDelete(False)  # Python owns it: Qt deleting the wrapper crashes PySide
        self.searcher, self.query, self.generation, self.limit = (searcher, query,
                                                                   generation, limit)
        self.signals = signals
        self.done = False

    def run(self) -> None:
        gen, sig = self.generation, self.signals
        try:
            run = self.searcher.start(self.query, gen)
            run.check()
            result = run.first_screen(self.limit)
            sig.firstScreen.emit(gen, _copy(result))
            run.finish(result, top=FacetModel.TOP_VALUES)  # what the facet list shows
            sig.counted.emit(gen, _copy(result))
            rest = result.hits[len([h for h in result.hits if h.highlighted]):]
            run.highlight(rest)
            if rest:
                sig.snippets.emit(gen, {h.doc_id: list(h.snippets) for h in rest})
            sig.ranked.emit(gen, run.ranked_doc_ids() if self.query else [])
        except Superseded:
            pass
        except QueryError as exc:
            sig.failed.emit(gen, str(exc))
        except Exception as exc:  # noqa: BLE001 - shown to the user, never kills the app
            log.exception("search for %r failed", self.query)
            sig.failed.emit(gen, f"The search failed: {type(exc).__name__}: {exc}")
            sig.crashed.emit(gen, *unexpected_error_text(type(exc), exc, exc.__traceback__))
        finally:
            self.done = True


def _copy(result: SearchResult) -> SearchResult:
    """What the GUI thread gets: its own lists, never ones the worker still fills."""
    from dataclasses import replace

    return SearchResult(query=result.query, total=result.total,
                        hits=[replace(h) for h in result.hits],
                        facets=dict(result.facets), statuses=result.statuses.copy(),
                        complete=result.complete)


class SearchRunner(QObject):
    """Runs the latest query on its worker; signals carry only the latest one's answers."""

    firstScreen = Signal(object)  # SearchResult: hits and total
    counted = Signal(object)  # SearchResult: facets and statuses too
    snippets = Signal(object)  # {doc_id: snippets}
    ranked = Signal(object)  # list of release ids, best first
    failed = Signal(str)
    #: an unexpected error (not a malformed query): message and details for a dialog
    crashed = Signal(str, str)
    idle = Signal()  # the latest query is fully answered (or failed)

    def __init__(self, searcher: Searcher, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.searcher = searcher
        self.pool = worker_pool()
        self.generation = 0
        self.busy = False
        self._tasks: list[SearchTask] = []
        self._signals = _SearchSignals()
        self._signals.firstScreen.connect(self._first_screen)
        self._signals.counted.connect(self._counted)
        self._signals.snippets.connect(self._snippets)
        self._signals.ranked.connect(self._ranked)
        self._signals.failed.connect(self._failed)
        self._signals.crashed.connect(self._crashed)

    def submit(self, query: str, limit: int = RESULT_LIMIT) -> int:
        """Search `query`, superseding any search still running; returns its generation."""
        self.generation = self.searcher.supersede()
        self.busy = True
        task = SearchTask(self.searcher, query, self.generation, limit, self._signals)
        self._tasks = [t for t in self._tasks if not t.done] + [task]
        self.pool.start(task)
        return self.generation

    def cancel(self) -> None:
        """Stop the running search; nothing more is reported for it."""
        self.generation = self.searcher.supersede()
        if self.busy:
            self.busy = False
            self.idle.emit()

    def _first_screen(self, gen: int, result: SearchResult) -> None:
        if gen == self.generation:
            self.firstScreen.emit(result)

    def _counted(self, gen: int, result: SearchResult) -> None:
        if gen == self.generation:
            self.counted.emit(result)

    def _snippets(self, gen: int, snippets: dict) -> None:
        if gen == self.generation:
            self.snippets.emit(snippets)

    def _ranked(self, gen: int, ids: list[int]) -> None:
        if gen == self.generation:
            self.busy = False
            self.ranked.emit(ids)
            self.idle.emit()

    def _failed(self, gen: int, message: str) -> None:
        if gen == self.generation:
            self.busy = False
            self.failed.emit(message)
            self.idle.emit()

    def _crashed(self, gen: int, message: str, details: str) -> None:
        if gen == self.generation:
            self.crashed.emit(message, details)


class _HighlightSignals(QObject):
    done = Signal(object, object)  # key, hits [(start, end)]


class HighlightTask(QRunnable):
    """The query's hits in one release's text, off the GUI thread."""

    def __init__(self, searcher: Searcher, key: tuple, query: str, text: str,
                 entities: list) -> None:
        super().__init__()
        self.setAutoDelete(False)  # Python owns it (see SearchTask)
        self.searcher, self.key, self.query = searcher, key, query
        self.text, self.entities = text, entities
        self.signals = _HighlightSignals()
        self.done = False

    def run(self) -> None:
        try:
            hits = self.searcher.highlights(self.query, self.text, self.entities)
        except QueryError:
            hits = []
        except Exception:  # noqa: BLE001 - no marks is the worst that can happen
            log.exception("highlighting %r failed", self.query)
            hits = []
        finally:
            self.done = True
        self.signals.done.emit(self.key, hits)
