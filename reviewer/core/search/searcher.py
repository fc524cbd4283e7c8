"""Search: Whoosh query syntax plus field queries, hits as offsets, facet counts.

Highlights are (start, end) offsets into the document's current text, computed by
re-tokenising that text with each field's own analyser, so they always cut what the
user sees; nothing here produces HTML.
"""
from __future__ import annotations

import json
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

from whoosh import query as wq
from whoosh.qparser import MultifieldParser

from reviewer.core.documents import loaders
from reviewer.core.search.highlight import fragments, highlight_spans, highlights_anything
from reviewer.core.search.index import SearchIndex
from reviewer.core.search.matchers import (
    WEIGHTING,
    DocSet,
    DocSetResults,
    FastOr,
    FastPhrase,
    KeepAllCollector,
    PatternIds,
    RangeIds,
)
from reviewer.core.store import STATUSES, ReviewStore

TEXT_FIELDS = ("title", "body", "boiler")
_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"',
                         "\u2033": '"', "\u00ab": '"', "\u00bb": '"',
                         "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'"})
# Friendly aliases for entity fields in queries: `organisation:`, `location:`...
_FIELD_ALIASES = {"organisation": "org", "organization": "org", "location": "place",
                  "nationality": "norp", "people": "person", "doc": "document"}
_ALIAS_RE = re.compile(r"\b(" + "|".join(_FIELD_ALIASES) + r"):", re.I)


#: Entity values per Whoosh document number as ids of (label, value) pairs, the pairs,
#: the document number of each doc_id, the live document numbers.
_FacetValues = tuple[list[tuple[int, ...]], list[tuple[str, str]], dict[int, int], list[int]]


class QueryError(ValueError):
    """The query cannot be understood; the message says where."""


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


def normalise_query(text: str) -> str:
    """Curly quotes behave as straight ones; friendly field names map to real ones."""
    text = text.translate(_QUOTES)
    return _ALIAS_RE.sub(lambda m: _FIELD_ALIASES[m.group(1).lower()] + ":", text)


class Searcher:
    def __init__(self, index: SearchIndex, store: ReviewStore,
                 load_text: Callable[[str], str] | None = None) -> None:
        self.index = index
        self.store = store
        self._load_text = load_text or loaders.load_text
        self._facet_cache: tuple[object, _FacetValues] | None = None
        self._searcher: Any = None
        self._lock = threading.RLock()
        self._parser = MultifieldParser(list(TEXT_FIELDS), index.ix.schema)

    def highlights(self, query: str, text: str) -> list[tuple[int, int]]:
        """Where `query`'s words and phrases occur in `text` (a release's current text),
        as sorted (start, end) offsets. Raises QueryError."""
        return highlight_spans(self.parse(query), text, self.index.ix.schema)

    def parse(self, text: str) -> wq.Query:
        """The query as Whoosh objects (statuses as document-id terms), e.g. for
        `highlight_spans`; `search` matches the same documents."""
        return self._parse(text).accept(self._status_filter)

    def _parse(self, text: str) -> wq.Query:
        text = normalise_query(text).strip()
        if not text:
            return wq.Every()
        try:
            return self._parser.parse(text)
        except Exception as exc:  # noqa: BLE001 - whoosh raises many types
            raise QueryError(f"cannot understand the query {text!r}: {exc}") from exc

    def _status_ids(self, q: wq.Term) -> tuple[list[int], list[int] | None]:
        """The document ids with the status `q` names, and, when that is most of the
        library, the (fewer) ids with any other status (match all but those)."""
        wanted = str(q.text).replace("_", " ").replace("-", " ").lower()
        if wanted == "inprogress":
            wanted = "in progress"
        if wanted not in STATUSES:
            raise QueryError(f"unknown status {q.text!r}; use one of: "
                             + ", ".join(s.replace(" ", "-") for s in STATUSES))
        ids = self.store.ids_with_status(wanted)
        if len(ids) > 100:
            # Most of the library (typically `unreviewed`): exclude the few others.
            others = [i for st in STATUSES if st != wanted
                      for i in self.store.ids_with_status(st)]
            if len(others) < len(ids):
                return ids, others
        return ids, None

    def _status_filter(self, q: wq.Query) -> wq.Query:
        # Status is review data (store), not index data: turn `status:x` into doc ids.
        if isinstance(q, wq.Term) and q.fieldname == "status":
            ids, others = self._status_ids(q)
            if not ids:
                return wq.NullQuery
            if others is not None:
                if not others:
                    return wq.Every()
                return wq.AndNot(wq.Every(), wq.Or([wq.Term("doc_id", str(i))
                                                    for i in others]))
            return wq.Or([wq.Term("doc_id", str(i)) for i in ids])
        return q

    def _search_query(self, q: wq.Query, s: Any) -> wq.Query:
        """`parse`'s query as it is matched: the same documents and scores, faster.
        A status becomes a set of document numbers (`DocSet`), with the score its
        id-term OR (or `Every() AND NOT ...`) gave every document; phrases, ORs, date
        ranges and prefixes get the equivalent matchers below (`FastPhrase`, `FastOr`,
        `RangeIds`, `PatternIds`)."""
        def fast(node: wq.Query) -> wq.Query:
            if isinstance(node, wq.NumericRange):
                return RangeIds(node)
            if type(node) in (wq.Prefix, wq.Wildcard):
                return PatternIds(node)
            if type(node) is wq.Or:
                return FastOr(node.subqueries, boost=node.boost, minmatch=node.minmatch,
                           scale=node.scale)
            if type(node) is wq.Phrase:
                return FastPhrase(node.fieldname, node.words, slop=node.slop, boost=node.boost,
                               char_ranges=node.char_ranges)
            if not (isinstance(node, wq.Term) and node.fieldname == "status"):
                return node
            ids, others = self._status_ids(node)
            if not ids:
                return wq.NullQuery
            if others is not None and not others:
                return wq.Every()
            docnum_of, live = self._facet_values(s)[2:]
            if others is not None:  # Every() AND NOT others: score 1.0 (Every's)
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

    def search(self, text: str, *, limit: int | None = 20, with_highlights: bool = True,
               with_facets: bool = True) -> SearchResult:
        q = self._parse(text)
        with self._lock:
            s = self._open_searcher()
            return self._search(text, self._search_query(q, s), s, limit, with_highlights,
                                with_facets)

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
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None

    def _search(self, text: str, q: wq.Query, s: Any, limit: int | None, with_highlights: bool,
                with_facets: bool) -> SearchResult:
        schema = s.schema
        # One pass also without facets: exact totals (Whoosh's quality skipping made
        # them estimates, and an undercount when segments' matchers differ).
        one_pass = limit is not None and not isinstance(q, wq.Every)
        collector: Any = None
        if limit is not None and one_pass and isinstance(q, DocSet):
            # A status alone: every document scores the same, so the top N are the
            # lowest document numbers, as the collector orders ties.
            collector = DocSetResults(q, s, limit)
            results = collector.results()
        elif limit is not None and one_pass:
            # Find the matches once, scoring for the top N and keeping all for the
            # facets, instead of a top-N search and a second full match for the
            # facets. Phrases match by decoding positions: twice was the slow part.
            # (Block-quality skipping saved nothing here: every query measured
            # faster in one pass, plain words too.)
            collector = KeepAllCollector(limit)
            s.search_with_collector(q, collector)
            results = collector.results()
        else:
            results = s.search(q, limit=limit)
        hits = []
        for r in results:
            doc_id = int(r["doc_id"])
            d = r.get("date")
            hits.append(Hit(doc_id=doc_id, path=r["path"], title=r.get("title", ""),
                            score=float(r.score), date=d.date().isoformat() if d else ""))
        for hit in hits:  # the shown hits' statuses, not the whole library's
            hit.status = self.store.status(hit.doc_id) or "unreviewed"
        total = len(results) if results.has_exact_length() else results.estimated_length()
        facets: dict[str, Counter[str]] = {}
        if with_facets:
            facets = self._facets(s, q, collector.all_ids() if one_pass else None)
            total = max(total, 0)
        if with_highlights and hits and highlights_anything(q, schema):
            for hit in hits:
                try:
                    body = self._load_text(hit.path)
                except (loaders.LoadError, OSError):
                    continue  # a vanished or unreadable file simply has no highlights
                hit.highlights = highlight_spans(q, body, schema)
                hit.fragments = fragments(body, hit.highlights)
        return SearchResult(query=text, total=total, hits=hits, facets=facets)

    def _facets(self, s: Any, q: wq.Query,
                docs: Iterable[int] | None = None) -> dict[str, Counter[str]]:
        values = self._facet_values(s)
        per_doc = values[0]
        if docs is None:
            docs = range(len(per_doc)) if isinstance(q, wq.Every) else s.docs_for_query(q)
        # Counter counts a flat iterable of small ints in C: the whole result set.
        ids = Counter(chain.from_iterable(map(per_doc.__getitem__, docs)))
        pairs = values[1]
        counts: dict[str, Counter[str]] = {}
        for pid, n in ids.items():
            label, name = pairs[pid]
            bucket = counts.get(label)
            if bucket is None:
                bucket = counts[label] = Counter()
            bucket[name] = n
        return counts

    def _facet_values(self, s: Any) -> _FacetValues:
        # Entity values per Whoosh document number as ids of (label, value) pairs, read
        # from the stored JSON once per index generation and kept between searches;
        # with the document number of each doc_id and the live document numbers.
        reader = s.reader()
        generation = reader.generation() if hasattr(reader, "generation") else None
        key = (id(self.index.ix), self.index.ix.latest_generation(), generation)
        if self._facet_cache is None or self._facet_cache[0] != key:
            pair_ids: dict[tuple[str, str], int] = {}
            per_doc: list[tuple[int, ...]] = [()] * reader.doc_count_all()
            docnum_of: dict[int, int] = {}
            for docnum, stored in s.iter_docs():  # live documents only
                docnum_of[int(stored["doc_id"])] = docnum
                raw = stored.get("facets")
                if raw:
                    per_doc[docnum] = tuple(
                        pair_ids.setdefault((label, name), len(pair_ids))
                        for label, names in json.loads(raw).items() for name in names)
            self._facet_cache = (key, (per_doc, list(pair_ids), docnum_of,
                                       sorted(docnum_of.values())))
        return self._facet_cache[1]
