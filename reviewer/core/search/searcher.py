"""Search: Whoosh query syntax plus field queries, hits as offsets, facet counts.

A search is answered in two stages, so a screen of hits shows before the rest is
counted: `SearchRun.first_screen` finds every match with its score in one bulk pass
(`bulk.py`: exact BM25F order and total, the same as Whoosh's matchers give), takes the
top of the list and highlights the hits on screen;
`SearchRun.finish` counts facets (`facets.py`) and review statuses over all the
matches from a compact per-release catalogue (`catalog.py`: entity value ids, document
ids), kept per index state in memory and in a file next to the index. A run started
with a generation (`Searcher.supersede`) stops with `Superseded` at its next check (between
the words and segments of the query) once a newer one starts, so typing never queues
searches behind each other.

Highlights are (start, end) offsets into the document's current text, computed by
re-tokenising that text with each field's own analyser, so they always cut what the
user sees; nothing here produces HTML.
"""
from __future__ import annotations

import json
import logging
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from whoosh import query as wq
from whoosh.qparser import MultifieldParser

from reviewer.core.documents import loaders
from reviewer.core.model import LABEL_FIELDS, Entity
from reviewer.core.search.bulk import Ranked, evaluate
from reviewer.core.search.catalog import Catalog, Catalogues
from reviewer.core.search.facets import count_facets
from reviewer.core.search.highlight import (
    entity_name_matchers,
    fragments,
    highlight_spans,
    highlights_anything,
    snippet_parts,
)
from reviewer.core.search.index import SearchIndex
from reviewer.core.search.matchers import (
    RUNNING,
    WEIGHTING,
    DocSet,
    DocSetResults,
    FastOr,
    FastPhrase,
    PatternIds,
    RangeIds,
)
from reviewer.core.search.parsing import QueryError, check_query, check_text
from reviewer.core.store import STATUSES, ReviewStore

log = logging.getLogger(__name__)

TEXT_FIELDS = ("title", "body", "boiler")
#: Hits highlighted by the first stage: about a screen of results.
SCREEN = 8
_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"',
                         "\u2033": '"', "\u00ab": '"', "\u00bb": '"',
                         "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'"})
# Friendly aliases for entity fields in queries: `organisation:`, `location:`...
_FIELD_ALIASES = {"organisation": "org", "organization": "org", "location": "place",
                  "nationality": "norp", "people": "person", "doc": "document"}
_ALIAS_RE = re.compile(r"\b(" + "|".join([*_FIELD_ALIASES, "title", "body", "boiler", "date",
                                           "status", "path", *LABEL_FIELDS.values()])
                       + r"):", re.I)
_LABEL_OF_FIELD = {f: label for label, f in LABEL_FIELDS.items()}
#: Fields a query may name (the schema's, plus `status:` and the friendly aliases).
QUERY_FIELDS = ("title", "body", "boiler", "date", "status", "path", *LABEL_FIELDS.values(),
                *_FIELD_ALIASES)


class Superseded(Exception):
    """A newer search started; this one stopped where it was."""


@dataclass(slots=True)
class Hit:
    doc_id: int
    path: str
    title: str
    score: float
    status: str = "unreviewed"
    highlights: list[tuple[int, int]] = field(default_factory=list)
    fragments: list[tuple[int, int]] = field(default_factory=list)
    date: str = ""
    #: the fragments' text with the hit ranges relative to each (for a result list)
    snippets: list[tuple[str, list[tuple[int, int]]]] = field(default_factory=list)
    highlighted: bool = False  # highlights, fragments and snippets are filled in

    def to_json(self) -> dict[str, Any]:
        return {"doc_id": self.doc_id, "path": self.path, "title": self.title,
                "score": round(self.score, 4), "status": self.status, "date": self.date,
                "highlights": [list(h) for h in self.highlights],
                "fragments": [list(f) for f in self.fragments]}


@dataclass(slots=True)
class SearchResult:
    query: str
    total: int
    hits: list[Hit]
    facets: dict[str, Counter[str]] = field(default_factory=dict)  # label -> value -> docs
    statuses: Counter[str] = field(default_factory=Counter)  # review status -> docs
    complete: bool = True  # False after the first stage: facets and statuses to come


def normalise_query(text: str) -> str:
    """Curly quotes behave as straight ones; field names in any case and friendly ones
    (`Organisation:`) map to the real ones."""
    text = text.translate(_QUOTES)
    return _ALIAS_RE.sub(lambda m: _FIELD_ALIASES.get(m.group(1).lower(), m.group(1).lower())
                         + ":", text)


class Searcher:
    def __init__(self, index: SearchIndex, store: ReviewStore,
                 load_text: Callable[[str], str] | None = None) -> None:
        self.index = index
        self.store = store
        self._load_text = load_text or loaders.load_text
        self._catalogues = Catalogues(index)
        self._statuses: tuple[tuple[int, int], dict[int, str]] | None = None
        self._searcher: Any = None
        self._lock = threading.RLock()
        self._parser = MultifieldParser(list(TEXT_FIELDS), index.ix.schema)
        self._generation = 0

    # -- queries -------------------------------------------------------------------------
    def highlights(self, query: str, text: str,
                   entities: Sequence[Entity] | None = None) -> list[tuple[int, int]]:
        """Where `query`'s words and phrases occur in `text` (a release's current text),
        as sorted (start, end) offsets. Entity field terms (`money:million`) mark only
        the release's `entities` of that label whose name matches. Raises QueryError."""
        mentions = None if entities is None else [
            (LABEL_FIELDS.get(e.label, ""), e.start, e.end,
             tuple({e.text, e.canonical or e.text})) for e in entities]
        return highlight_spans(self.parse(query), text, self.index.ix.schema, mentions)

    def parse(self, text: str) -> wq.Query:
        """The query as Whoosh objects (statuses as document-id terms), e.g. for
        `highlight_spans`; `search` matches the same documents."""
        return self._parse(text).accept(self._status_filter)

    def _parse(self, text: str) -> wq.Query:
        text = normalise_query(text).strip()
        if not text:
            return wq.Every()
        check_text(text, QUERY_FIELDS)
        try:
            q = self._parser.parse(text)
        except Exception as exc:  # noqa: BLE001 - whoosh raises many types
            raise QueryError(f"Cannot understand the query {text!r}: {exc}") from exc
        if q is wq.NullQuery:
            check_query(q, text, None)
        return q

    def _status_ids(self, q: wq.Term) -> tuple[list[int] | None, list[int]]:
        """(ids with the status `q` names, []), or for `unreviewed` (most of the
        library) (None, the ids with any other status): every release but those."""
        wanted = str(q.text).replace("_", " ").replace("-", " ").lower()
        if wanted == "inprogress":
            wanted = "in progress"
        if wanted not in STATUSES:
            raise QueryError(f"Unknown status {q.text!r}; use one of: "
                             + ", ".join(s.replace(" ", "-") for s in STATUSES))
        reviewed = self._reviewed()
        if wanted == STATUSES[0]:
            return None, sorted(reviewed)
        return sorted(i for i, st in reviewed.items() if st == wanted), []

    def _status_filter(self, q: wq.Query) -> wq.Query:
        # Status is review data (store), not index data: turn `status:x` into doc ids.
        if isinstance(q, wq.Term) and q.fieldname == "status":
            ids, others = self._status_ids(q)
            if ids is None:
                if not others:
                    return wq.Every()
                return wq.AndNot(wq.Every(), wq.Or([wq.Term("doc_id", str(i))
                                                    for i in others]))
            if not ids:
                return wq.NullQuery
            return wq.Or([wq.Term("doc_id", str(i)) for i in ids])
        return q

    def _search_query(self, q: wq.Query, s: Any, cat: Catalog) -> wq.Query:
        """`parse`'s query as it is matched: the same documents and scores, faster.
        A status becomes a set of document numbers (`DocSet`), with the score its
        id-term OR (or `Every() AND NOT ...`) gave every document; phrases, ORs, date
        ranges and prefixes get the equivalent matchers below (`FastPhrase`, `FastOr`,
        `RangeIds`, `PatternIds`). `*` (every release) and `person:*` (releases with a
        person) come from the catalogue instead of a walk over every word."""
        def fast(node: wq.Query) -> wq.Query:
            if isinstance(node, wq.Every):
                label = _LABEL_OF_FIELD.get(node.fieldname or "")
                docs = cat.with_label(label) if label else cat.live
                return DocSet(docs, s, node.boost) if docs else wq.NullQuery
            if isinstance(node, wq.NumericRange):
                return RangeIds(node)
            if type(node) in (wq.Prefix, wq.Wildcard):
                return PatternIds(node)
            if type(node) is wq.Or:
                subs = node.subqueries
                if subs and all(isinstance(x, DocSet) for x in subs) and \
                        len({tuple(x.docnums) for x in subs}) == 1:
                    # `*`: every release through every text field, once
                    return DocSet(subs[0].docnums, s,
                                  sum(x.score for x in subs) * node.boost)
                return FastOr(subs, boost=node.boost, minmatch=node.minmatch,
                              scale=node.scale)
            if type(node) is wq.Phrase:
                return FastPhrase(node.fieldname, node.words, slop=node.slop, boost=node.boost,
                                  char_ranges=node.char_ranges)
            if not (isinstance(node, wq.Term) and node.fieldname == "status"):
                return node
            ids, others = self._status_ids(node)
            docnum_of, live = cat.docnum_of, cat.live
            if ids is None:  # Every() AND NOT others: score 1.0 (Every's)
                if not others:
                    return DocSet(live, s, node.boost)
                drop = {docnum_of.get(i) for i in others}
                return DocSet([d for d in live if d not in drop], s, node.boost)
            docnums = [d for d in map(docnum_of.get, ids) if d is not None]
            if not docnums:
                return wq.NullQuery
            # An OR of unique id terms: each document scores its own term's score, the
            # same for all of them (one posting each); take it from one of them.
            first = s.stored_fields(docnums[0])["doc_id"]
            score = s.search(wq.Term("doc_id", first, boost=node.boost), limit=1)[0].score
            return DocSet(docnums, s, score)

        return q.accept(fast)

    def _reviewed(self) -> dict[int, str]:
        """id -> status of the releases not unreviewed, read again when the store changed."""
        version = self.store.change_mark()
        if self._statuses is None or self._statuses[0] != version:
            self._statuses = (version, self.store.statuses_besides(STATUSES[0]))
        return self._statuses[1]

    # -- runs ----------------------------------------------------------------------------
    def supersede(self) -> int:
        """Start a new generation of searches (the reviewer typed again): runs started
        with an older generation stop at their next check. Returns the new one."""
        self._generation += 1
        return self._generation

    def start(self, text: str, generation: int | None = None) -> SearchRun:
        """A search in stages (see the module). With a `generation` from `supersede`,
        the run raises Superseded once a newer generation exists. Raises QueryError."""
        return SearchRun(self, text, generation)

    def search(self, text: str, *, limit: int | None = 20, with_highlights: bool = True,
               with_facets: bool = True) -> SearchResult:
        """Both stages at once: hits (all of them with limit None), highlights for every
        hit returned, facets and statuses over every match."""
        run = self.start(text)
        result = run.first_screen(limit, highlight=(limit or 0) if with_highlights else 0,
                                  all_highlights=with_highlights and limit is None)
        if with_facets:
            run.finish(result)
        return result

    def warm_up(self) -> None:
        """Open the searcher and read what the first search would (the catalogue, term
        tables and field lengths), so the first query costs what the others do."""
        with self._lock:
            self._catalogues.for_searcher(self._open_searcher()).arrays()
        self._reviewed()
        run = self.start("revenue")
        result = run.first_screen(SCREEN)
        run.finish(result)

    def _open_searcher(self) -> Any:
        # One searcher kept between searches (its readers cache field lengths and
        # term tables), replaced when the index has a newer generation. Not by
        # `Searcher.refresh`: Whoosh 2.7.4 keys the readers it would reuse by the index
        # generation instead of the segment, reuses none and leaves some open.
        s, ix = self._searcher, self.index.ix
        if s is not None and (s._ix is not ix or not s.up_to_date()):
            s.close()
            s = None
        if s is None:
            s = ix.searcher(weighting=WEIGHTING)
        self._searcher = s
        return s

    def close(self) -> None:
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None

class SearchRun:
    """One query answered in stages: `first_screen`, then `finish` (see the module)."""

    def __init__(self, searcher: Searcher, text: str, generation: int | None) -> None:
        self.searcher = searcher
        self.text = text
        self.generation = generation
        self._q = searcher._parse(text)  # raises QueryError
        self._query: wq.Query = self._q
        self._schema: Any = None
        self._ids: Sequence[int] = ()
        self._cat: Catalog | None = None
        self._values: dict[int, dict[str, list[str]]] = {}
        self._ranked: Callable[[], list[int]] | None = None

    def check(self) -> None:
        """Raise Superseded when a newer generation of searches started."""
        if self.generation is not None and self.generation != self.searcher._generation:
            raise Superseded()

    def first_screen(self, limit: int | None = 20, *, highlight: int = SCREEN,
                     all_highlights: bool = False) -> SearchResult:
        """The top `limit` hits (every hit with None) in score order, the exact total,
        and highlights for the first `highlight` of them (all with `all_highlights`).
        Raises QueryError, Superseded."""
        sr = self.searcher
        self.check()
        with sr._lock:
            s = sr._open_searcher()
            self._schema = s.schema
            check_query(self._q, self.text, s.reader())
            cat = self._cat = sr._catalogues.for_searcher(s)
            self.check()
            q = self._query = sr._search_query(self._q, s, cat)
            results, self._ids = self._collect(q, s, limit)
            hits = []
            for r in results:
                doc_id = int(r["doc_id"])
                d = r.get("date")
                hits.append(Hit(doc_id=doc_id, path=r["path"], title=r.get("title", ""),
                                score=float(r.score), date=d.date().isoformat() if d else ""))
                raw = r.get("facets")
                if raw:
                    self._values[doc_id] = json.loads(raw)
        for hit in hits:  # the shown hits' statuses, not the whole library's
            hit.status = sr.store.status(hit.doc_id) or "unreviewed"
        result = SearchResult(query=self.text, total=len(self._ids), hits=hits,
                              complete=False)
        self.highlight(hits if all_highlights else hits[:highlight])
        return result

    def _collect(self, q: wq.Query, s: Any, limit: int | None) -> tuple[Any, Sequence[int]]:
        if isinstance(q, DocSet):
            # A status or `*` alone: every document scores the same, so the top N are
            # the lowest document numbers, as the collector orders ties.
            ds = DocSetResults(q, s, len(q.docnums) if limit is None else limit)
            self._ranked = ds.ranked_ids
            return ds.results(), ds.all_ids()
        if q is wq.NullQuery:
            return [], []
        # Every match with its score in one bulk pass (`bulk.py`): the top N, the total
        # and the facets' documents from the same dict.
        RUNNING.check = self.check  # date ranges and prefixes check between words
        try:
            scores = evaluate(q, s, self.check)
        finally:
            RUNNING.check = None
        ranked = Ranked(scores, s, q, limit)
        self._ranked = ranked.ranked_ids
        return ranked.results(), ranked.all_ids()

    def highlight(self, hits: Iterable[Hit]) -> None:
        """Highlights, fragments and snippets of these hits (those not done yet)."""
        todo = [h for h in hits if not h.highlighted]
        if not todo:
            return
        q, schema = self._query, self._schema
        if schema is None or not highlights_anything(q, schema):
            for hit in todo:
                hit.highlighted = True
            return
        matchers = entity_name_matchers(q, schema)
        for hit in todo:
            self.check()
            hit.highlighted = True
            try:
                body = self.searcher._load_text(hit.path)
            except (loaders.LoadError, OSError):
                continue  # a vanished or unreadable file simply has no highlights
            mentions = _value_mentions(body, self._values.get(hit.doc_id, {}), matchers) \
                if matchers else None
            hit.highlights = highlight_spans(q, body, schema, mentions)
            hit.fragments = fragments(body, hit.highlights)
            hit.snippets = snippet_parts(body, hit.highlights, hit.fragments)

    def finish(self, result: SearchResult, top: int | None = None) -> SearchResult:
        """Facet counts and review statuses over every match: each label's `top` most
        frequent values (count, then name), or all of them with None.
        Raises Superseded."""
        cat = self._cat
        if cat is None:
            raise RuntimeError("finish() before first_screen()")
        docs = self._ids
        result.facets = count_facets(cat, docs, top, self.check)
        self.check()
        result.statuses = self._statuses(cat, docs)
        result.complete = True
        return result

    def _statuses(self, cat: Catalog, docs: Sequence[int]) -> Counter[str]:
        """Review statuses of the matches: the few releases with a status other than
        `unreviewed` are read from the store, the rest are unreviewed."""
        out: Counter[str] = Counter()
        if not docs:
            return out
        others = self.searcher._reviewed()
        matched = set(docs) if len(docs) < len(cat.live) else None
        docnum_of = cat.docnum_of
        for doc_id, status in others.items():
            n = docnum_of.get(doc_id)
            if n is not None and (matched is None or n in matched):
                out[status] += 1
        rest = len(docs) - sum(out.values())
        if rest > 0:
            out[STATUSES[0]] = rest
        return out

    def ranked_doc_ids(self) -> list[int]:
        """Every match's release id, best first (after `first_screen`)."""
        cat = self._cat
        if cat is None or self._ranked is None:
            return []
        self.check()
        return [cat.doc_ids[d] for d in self._ranked()]


def _value_mentions(text: str, values: dict[str, list[str]],
                    matchers: dict[str, Callable[[str], bool]]
                    ) -> list[tuple[str, int, int, tuple[str, ...]]]:
    """Where the release's entity values (as indexed) that the query matches occur in
    `text`, as (field, start, end, names): the entities a search hit can mark without
    running the extractor."""
    out: list[tuple[str, int, int, tuple[str, ...]]] = []
    for fname, matches in matchers.items():
        for value in values.get(_LABEL_OF_FIELD[fname], []):
            if not value.strip() or not matches(value):
                continue
            pattern = re.compile(r"(?<!\w)" + re.escape(value) + r"(?!\w)", re.I)
            out.extend((fname, m.start(), m.end(), (value,)) for m in pattern.finditer(text))
    return out
