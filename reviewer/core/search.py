"""Search: Whoosh query syntax plus field queries, hits as offsets, facet counts.

Highlights are (start, end) offsets into the document's current text, computed by
re-tokenising that text with each field's own analyser, so they always cut what the
user sees; nothing here produces HTML.
"""
from __future__ import annotations

import json
import re
import threading
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from heapq import heappush, heapreplace
from itertools import accumulate, chain, compress
from pathlib import Path
from pickle import loads as _unpickle

from whoosh import matching as wm
from whoosh import query as wq
from whoosh.analysis.filters import STOP_WORDS
from whoosh.collectors import TopCollector
from whoosh.formats import Positions
from whoosh.lang.porter import stem as _porter_stem
from whoosh.matching.combo import ArrayUnionMatcher, CombinationMatcher
from whoosh.qparser import MultifieldParser
from whoosh.scoring import BM25F, BM25FScorer
from whoosh.searching import Results
from whoosh.util.numeric import byte_to_length

from reviewer.core.index import (
    _TOKEN_RE,
    SearchIndex,
    _LengthsReader,
    _stems,
    stemmed_query_tokens_ok,
)
from reviewer.core.model import LABEL_FIELDS
from reviewer.core.store import STATUSES, ReviewStore

FIELD_LABELS = {name: label for label, name in LABEL_FIELDS.items()}
TEXT_FIELDS = ("title", "body", "boiler")
_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"',
                         "\u2033": '"', "\u00ab": '"', "\u00bb": '"',
                         "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'"})
# Friendly aliases for entity fields in queries: `organisation:`, `location:`...
_FIELD_ALIASES = {"organisation": "org", "organization": "org", "location": "place",
                  "nationality": "norp", "people": "person", "doc": "document"}
_ALIAS_RE = re.compile(r"\b(" + "|".join(_FIELD_ALIASES) + r"):", re.I)


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

    def to_json(self) -> dict:
        return {"doc_id": self.doc_id, "path": self.path, "title": self.title,
                "score": round(self.score, 4), "status": self.status, "date": self.date,
                "highlights": [list(h) for h in self.highlights],
                "fragments": [list(f) for f in self.fragments]}


@dataclass(slots=True)
class SearchResult:
    query: str
    total: int
    hits: list[Hit]
    facets: dict[str, Counter] = field(default_factory=dict)  # label -> value -> documents


def normalise_query(text: str) -> str:
    """Curly quotes behave as straight ones; friendly field names map to real ones."""
    text = text.translate(_QUOTES)
    return _ALIAS_RE.sub(lambda m: _FIELD_ALIASES[m.group(1).lower()] + ":", text)


class Searcher:
    def __init__(self, index: SearchIndex, store: ReviewStore,
                 load_text: Callable[[str], str] | None = None) -> None:
        self.index = index
        self.store = store
        self._load_text = load_text or _default_load_text
        self._facet_cache: tuple[object, tuple] | None = None
        self._searcher = None
        self._lock = threading.RLock()
        self._parser = MultifieldParser(list(TEXT_FIELDS), index.ix.schema)

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

    def _search_query(self, q: wq.Query, s) -> wq.Query:
        """`parse`'s query as it is matched: the same documents and scores, faster.
        A status becomes a set of document numbers (`_DocSet`), with the score its
        id-term OR (or `Every() AND NOT ...`) gave every document; phrases, ORs, date
        ranges and prefixes get the equivalent matchers below (`_Phrase`, `_Or`,
        `_RangeIds`, `_PatternIds`)."""
        def fast(node: wq.Query) -> wq.Query:
            if isinstance(node, wq.NumericRange):
                return _RangeIds(node)
            if type(node) in (wq.Prefix, wq.Wildcard):
                return _PatternIds(node)
            if type(node) is wq.Or:
                return _Or(node.subqueries, boost=node.boost, minmatch=node.minmatch,
                           scale=node.scale)
            if type(node) is wq.Phrase:
                return _Phrase(node.fieldname, node.words, slop=node.slop, boost=node.boost,
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
                return _DocSet([d for d in live if d not in drop], s, node.boost)
            docnums = [d for d in map(docnum_of.get, ids) if d is not None]
            if not docnums:
                return wq.NullQuery
            # An OR of unique id terms: each document scores its own term's score, the
            # same for all of them (one posting each); take it from one of them.
            first = s.stored_fields(docnums[0])["doc_id"]
            score = s.search(wq.Term("doc_id", first, boost=node.boost), limit=1)[0].score
            return _DocSet(docnums, s, score)

        return q.accept(fast)

    def search(self, text: str, *, limit: int | None = 20, with_highlights: bool = True,
               with_facets: bool = True) -> SearchResult:
        q = self._parse(text)
        with self._lock:
            s = self._open_searcher()
            return self._search(text, self._search_query(q, s), s, limit, with_highlights,
                                with_facets)

    def _open_searcher(self):
        # One searcher kept between searches (its readers cache field lengths and
        # term tables), refreshed when the index has a newer generation.
        s, ix = self._searcher, self.index.ix
        if s is not None and s._ix is not ix:
            s.close()
            s = None
        if s is None:
            s = ix.searcher(weighting=_WEIGHTING)
        elif not s.up_to_date():
            s = s.refresh()
        self._searcher = s
        return s

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None

    def _search(self, text: str, q: wq.Query, s, limit: int | None, with_highlights: bool,
                with_facets: bool) -> SearchResult:
        schema = s.schema
        if s is not None:
            # One pass also without facets: exact totals (Whoosh's quality skipping made
            # them estimates, and an undercount when segments' matchers differ).
            one_pass = limit is not None and not isinstance(q, wq.Every)
            if one_pass and isinstance(q, _DocSet):
                # A status alone: every document scores the same, so the top N are the
                # lowest document numbers, as the collector orders ties.
                collector = _DocSetResults(q, s, limit)
                results = collector.results()
            elif one_pass:
                # Find the matches once, scoring for the top N and keeping all for the
                # facets, instead of a top-N search and a second full match for the
                # facets. Phrases match by decoding positions: twice was the slow part.
                # (Block-quality skipping saved nothing here: every query measured
                # faster in one pass, plain words too.)
                collector = _KeepAllCollector(limit)
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
            facets: dict[str, Counter] = {}
            if with_facets:
                facets = self._facets(s, q, collector.all_ids() if one_pass else None)
                total = max(total, 0)
        if with_highlights and hits and _highlights_anything(q, schema):
            for hit in hits:
                try:
                    body = self._load_text(hit.path)
                except Exception:  # noqa: BLE001 - a vanished file simply has no highlights
                    continue
                hit.highlights = highlight_spans(q, body, schema)
                hit.fragments = fragments(body, hit.highlights)
        return SearchResult(query=text, total=total, hits=hits, facets=facets)

    def _facets(self, s, q: wq.Query, docs=None) -> dict[str, Counter]:
        values = self._facet_values(s)
        per_doc = values[0]
        if docs is None:
            docs = range(len(per_doc)) if isinstance(q, wq.Every) else s.docs_for_query(q)
        # Counter counts a flat iterable of small ints in C: the whole result set.
        ids = Counter(chain.from_iterable(map(per_doc.__getitem__, docs)))
        pairs = values[1]
        counts: dict[str, Counter] = {}
        for pid, n in ids.items():
            label, name = pairs[pid]
            bucket = counts.get(label)
            if bucket is None:
                bucket = counts[label] = Counter()
            bucket[name] = n
        return counts

    def _facet_values(self, s) -> tuple[list[tuple[int, ...]], list[tuple[str, str]],
                                        dict[int, int], list[int]]:
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


class _KeepAllCollector(TopCollector):
    """The top N by score, and the number of every matching document (for facets), from
    one pass over the matches. No block-quality skipping and no matcher replacement
    (which may drop branches that cannot reach the top N): every match is visited."""

    def __init__(self, limit: int) -> None:
        super().__init__(limit=limit, usequality=False, replace=0)
        self._ids: list[int] = []

    def prepare(self, top_searcher, q, context):
        super().prepare(top_searcher, q, context)
        self._ids = []

    def _collect(self, global_docnum, score):
        self._ids.append(global_docnum)
        return super()._collect(global_docnum, score)

    def collect_matches(self):
        # TopCollector.matches/collect/_collect for this collector's settings (no
        # quality skipping, no replacement, no final_fn) in one loop: the same heap
        # operations in the same order, without three method calls per match.
        if self.final_fn is not None or self.replace or self._use_block_quality():
            return super().collect_matches()
        matcher, offset, limit = self.matcher, self.offset, self.limit
        items, append = self.items, self._ids.append
        is_active, docid, score_of, advance = (matcher.is_active, matcher.id,
                                               matcher.score, matcher.next)
        n = 0
        while is_active():
            docnum = offset + docid()
            score = score_of()
            append(docnum)
            n += 1
            if len(items) < limit:
                heappush(items, (score, 0 - docnum))
            elif score > items[0][0]:
                heapreplace(items, (score, 0 - docnum))
                self.minscore = items[0][0]
            advance()
        self.total += n

    def all_ids(self):
        return self._ids

    def count(self):
        return len(self._ids)


class _Phrase(wq.Phrase):
    """Whoosh's Phrase, matched by `_phrase_matcher` when it looks for adjacent words
    (slop 1) in a field with Whoosh's own position format; anything else as before."""

    def matcher(self, searcher, context=None):
        fieldname = self.fieldname
        schema = searcher.schema
        if (self.slop != 1 or len(self.words) < 2 or fieldname not in schema
                or type(schema[fieldname].format) is not Positions):
            return super().matcher(searcher, context)
        # As Phrase.matcher, with the span matcher replaced.
        fieldobj = schema[fieldname]
        reader = searcher.reader()
        terms = []
        for word in self.words:
            try:
                word = fieldobj.to_bytes(word)
            except ValueError:
                return wm.NullMatcher()
            if (fieldname, word) not in reader:
                return wm.NullMatcher()
            terms.append(wq.Term(fieldname, word))
        m = _phrase_matcher([t.matcher(searcher, context) for t in terms])
        if self.boost != 1.0:
            m = wm.WrappingMatcher(m, boost=self.boost)
        return m


def _decode_positions(value) -> list[int]:
    # whoosh.formats.Positions: 4-byte count, then a pickled list of position deltas.
    if not value.endswith(b"."):
        value += b"."
    return list(accumulate(_unpickle(value[4:])))


def _tree_sum(scores: list[float]) -> float:
    # The order in which Whoosh's binary tree of IntersectionMatchers adds the scores
    # (whoosh.util.make_binary_tree): the same floating-point result.
    if len(scores) == 1:
        return scores[0]
    half = len(scores) // 2
    return _tree_sum(scores[:half]) + _tree_sum(scores[half:])


def _phrase_matcher(ms):
    """The documents and scores of Whoosh's SpanNear2 matcher for a phrase (slop 1,
    ordered, mindist 1: each word at the position after the previous one; the score is
    the words' scores added as its tree of IntersectionMatchers adds them), computed in
    one leapfrog pass over the words' postings and served from a list. Positions are
    compared as integers instead of Span objects, and the per-document calls through
    Whoosh's intersection and span-wrapping matchers are gone."""
    ids: list[int] = []
    scores: list[float] = []
    first, rest = ms[0], ms[1:]
    while first.is_active():
        doc = first.id()
        ahead = doc
        for m in rest:
            if m.id() < doc:
                m.skip_to(doc)
                if not m.is_active():
                    return wm.ListMatcher(ids, weights=scores) if ids else wm.NullMatcher()
            if m.id() > ahead:
                ahead = m.id()
        if ahead > doc:
            first.skip_to(ahead)
            continue
        ends = _decode_positions(first.value())
        for m in rest:
            following = set(_decode_positions(m.value()))
            ends = [p + 1 for p in ends if p + 1 in following]
            if not ends:
                break
        if ends:
            ids.append(doc)
            scores.append(_tree_sum([m.score() for m in ms]))
        first.next()
    return wm.ListMatcher(ids, weights=scores) if ids else wm.NullMatcher()


class _BM25F(BM25F):
    """Whoosh's default BM25F, whose per-posting field length lookup goes straight to the
    segment's in-memory length bytes (`index._LengthsReader`) through a 256-entry table
    of the same `byte_to_length` values, instead of four calls per scored posting."""

    def scorer(self, searcher, fieldname, text, qf=1):
        sc = super().scorer(searcher, fieldname, text, qf=qf)
        if type(sc) is not BM25FScorer:
            return sc
        perdoc = getattr(searcher.reader(), "_perdoc", None)
        if type(perdoc) is not _LengthsReader:
            return sc
        perdoc.doc_field_length(0, fieldname)  # reads the field's lengths once
        values = perdoc.__dict__.get("_rv_lengths", {}).get(fieldname)
        if values is None:
            return sc
        size = len(values)

        def dfl(docnum: int, _values=values, _size=size, _table=_LENGTHS):
            return _table[_values[docnum] if docnum < _size else 0]

        sc.dfl = dfl
        return sc


# _LengthsReader.doc_field_length's answer for each length byte
_LENGTHS = [None] + [byte_to_length(b) for b in range(1, 256)]
_WEIGHTING = _BM25F()


class _Or(wq.Or):
    """Whoosh's Or, using `_ArrayUnionMatcher` where Whoosh would pre-load the matches of
    a segment into an array (segments under 5,000 documents, as worker segments are)."""

    def _matcher(self, subs, searcher, context):
        needs_current = context.needs_current if context else True
        dc = searcher.doc_count_all()
        if self.matcher_type == self.AUTO_MATCHER and not (
                len(subs) < self.TOO_MANY_CLAUSES
                and (needs_current or self.scale or len(subs) == 2 or dc > 5000)):
            # As whoosh.query.compound.PreloadedOr._matcher
            scored = context.weighting is not None if context else True
            ms = [sub.matcher(searcher, context) for sub in subs]
            return _ArrayUnionMatcher(ms, dc, boost=self.boost, scored=scored)
        return super()._matcher(subs, searcher, context)


class _ArrayUnionMatcher(ArrayUnionMatcher):
    """Whoosh's ArrayUnionMatcher with the same scores (summed in the same order) and
    the same documents, without two Python loops over every document number of a part:
    the score array is cleared by a slice copy and the next match is found by bisecting
    the sorted offsets that received a positive score."""

    def __init__(self, submatchers, doccount, boost=1.0, scored=True, partsize=2048):
        CombinationMatcher.__init__(self, submatchers, boost=boost)
        self._scored = scored
        self._doccount = doccount
        self._partsize = partsize = partsize or doccount
        self._zeros = array("d", bytes(8 * partsize))
        self._a = array("d", self._zeros)
        self._hits: list[int] = []
        self._docnum = self._min_id()
        self._read_part()

    def _read_part(self):
        scored, boost = self._scored, self._boost
        offset = self._docnum
        limit = min(offset + self._partsize, self._doccount)
        a = self._a
        a[:] = self._zeros
        touched: list[int] = []
        add = touched.append
        for m in self._submatchers:
            is_active, docid, score_of, advance = m.is_active, m.id, m.score, m.next
            while is_active():
                i = docid()
                if i >= limit:
                    break
                i -= offset
                if scored:
                    a[i] += score_of() * boost
                else:
                    a[i] = 1
                add(i)
                advance()
        self._offset = offset
        self._limit = limit
        self._hits = sorted({i for i in touched if a[i] > 0})

    def _find_next(self):
        hits = self._hits
        j = bisect_left(hits, self._docnum - self._offset)
        if j < len(hits):
            self._docnum = self._offset + hits[j]
        else:
            self._docnum = self._min_id()
            self._read_part()


class _RangeIds(wq.WrappingQuery):
    """A constant-score numeric/date range (`date:[2024 to 2025]`): the documents of the
    range's terms, read as id sets from their postings, with the range's constant score,
    as Whoosh's ConstantScoreQuery gives them (which walks a union matcher over every
    document number of every segment to collect the same ids)."""

    def _rewrap(self, child):
        return self.__class__(child)

    def matcher(self, searcher, context=None):
        child = self.child
        if not child.constantscore or (context is not None and context.needs_current):
            return child.matcher(searcher, context)
        reader = searcher.reader()
        q = child._compile_query(reader)
        if not isinstance(q, wq.ConstantScoreQuery):
            return q.matcher(searcher, context)
        parts = q.child.subqueries if type(q.child) is wq.Or else [q.child]
        ids: set[int] = set()
        for part in parts:
            if type(part) is wq.Term:
                texts = [part.text]
            elif type(part) is wq.TermRange:
                texts = [t for t in part._btexts(reader) if t]
            else:
                return q.matcher(searcher, context)
            fieldname = part.fieldname
            for text in texts:
                if (fieldname, text) in reader:
                    ids.update(reader.postings(fieldname, text).all_ids())
        if not ids:
            return wm.NullMatcher()
        return wm.ListMatcher(array("I", sorted(ids)), all_weights=q.score)


class _PatternIds(wq.WrappingQuery):
    """A constant-score prefix or wildcard (`technolog*`) expanding to many words in a
    segment: the union of the words' documents, read as id sets, each scoring 1.0, as
    Whoosh's unscored ArrayUnionMatcher gives them there. Where Whoosh would take
    another path (two words, fewer than 3 clauses...), Whoosh's own matcher is used."""

    def _rewrap(self, child):
        return self.__class__(child)

    def matcher(self, searcher, context=None):
        child = self.child
        if not child.constantscore:
            return child.matcher(searcher, context)
        reader = searcher.reader()
        fieldname = child.field()
        words = [w for w in child._btexts(reader) if w]
        needs_current = context.needs_current if context else False
        n = len(words)
        # MultiTerm.matcher -> Or._matcher: the PreloadedOr branch, and only that one
        if n < 2 or (n < wq.Or.TOO_MANY_CLAUSES
                     and (needs_current or n == 2 or searcher.doc_count_all() > 5000)):
            return child.matcher(searcher, context)
        ids: set[int] = set()
        for word in words:
            if (fieldname, word) in reader:
                ids.update(reader.postings(fieldname, word).all_ids())
        if not ids:
            return wm.NullMatcher()
        return wm.ListMatcher(array("I", sorted(ids)), all_weights=1.0)


class _DocSet(wq.Query):
    """A fixed set of documents (global Whoosh document numbers of one searcher), each
    with the same score: a review-status filter without matching thousands of id terms."""

    def __init__(self, docnums: list[int], top_searcher, score: float = 1.0) -> None:
        self.docnums = sorted(docnums)
        self.top = top_searcher
        self.score = score
        self.boost = 1.0

    def __eq__(self, other) -> bool:
        return (type(other) is type(self) and other.docnums == self.docnums
                and other.top is self.top and other.score == self.score)

    def __hash__(self) -> int:
        return hash((len(self.docnums), id(self.top), self.score))

    def __repr__(self) -> str:
        return f"_DocSet({len(self.docnums)} documents)"

    def is_leaf(self) -> bool:
        return True

    def estimate_size(self, ixreader) -> int:
        return len(self.docnums)

    def matcher(self, searcher, context=None):
        top = self.top
        offsets = [off for sub, off in (top.subsearchers or ()) if sub is searcher]
        if searcher is top:
            offset = 0
        elif offsets:
            offset = offsets[0]
        else:
            raise RuntimeError("a status filter used with another searcher")
        end = offset + searcher.reader().doc_count_all()
        lo = bisect_left(self.docnums, offset)
        hi = bisect_left(self.docnums, end, lo)
        if lo == hi:
            return wm.NullMatcher()
        return wm.ListMatcher([d - offset for d in self.docnums[lo:hi]],
                              all_weights=self.score)


class _DocSetResults:
    """What `_KeepAllCollector` gives for a `_DocSet` alone, without visiting each
    document: all score the same, and Whoosh's collector orders ties by document number."""

    def __init__(self, q: _DocSet, s, limit: int) -> None:
        self._ids = q.docnums
        self._results = Results(s, q, [(q.score, d) for d in q.docnums[:limit]])
        self._results._total = len(q.docnums)

    def results(self) -> Results:
        return self._results

    def all_ids(self) -> list[int]:
        return self._ids


def _highlights_anything(q: wq.Query, schema) -> bool:
    """Whether `highlight_spans` can find anything for `q` (a status alone cannot)."""
    terms, phrases = _query_parts(q)
    return any(f in schema and f not in ("doc_id", "path", "status", "date")
               for f in chain((f for f, _ in terms), (f for f, _ in phrases)))


def _default_load_text(path: str) -> str:
    """`loaders.load(path).text`: the same decoding and normalisation steps as
    `loaders.load_bytes`, without the structure analysis, which does not change the
    text and cost more than everything else of a hit's highlighting."""
    from reviewer.core import loaders as ld

    data = ld.read_bytes(Path(path))
    if len(data) > ld.MAX_BYTES:
        raise ld.LoadError(ld._too_large(len(data)))
    if not data:
        return ""
    suffix = Path(path).suffix.lower()
    warnings: list[str] = []
    if suffix == ".docx":
        text = ld._docx_text(data)
    elif suffix in (".html", ".htm"):
        raw, warnings = ld.decode_bytes(data, declared=ld._meta_charset(data))
        text, _ = ld.html_to_text(raw)
    else:
        text, warnings = ld.decode_bytes(data)
    return ld.normalise_text(text, warnings)


def _query_parts(q: wq.Query) -> tuple[set[tuple[str, str]], list[tuple[str, list[str]]]]:
    """Single terms and phrases (field, words) a query looks for, outside NOT branches."""
    terms: set[tuple[str, str]] = set()
    phrases: list[tuple[str, list[str]]] = []

    def walk(node: wq.Query) -> None:
        if isinstance(node, wq.Not):
            return
        if isinstance(node, wq.Phrase):
            phrases.append((node.fieldname, [str(w) for w in node.words]))
            return
        if isinstance(node, wq.Term) and not isinstance(node, (wq.Prefix, wq.Wildcard)):
            terms.add((node.fieldname, str(node.text)))
            return
        if isinstance(node, (wq.Prefix, wq.Wildcard, wq.FuzzyTerm)):
            terms.add((node.fieldname, "*" + str(node.text)))
            return
        for child in node.children():
            walk(child)

    walk(q)
    return terms, phrases


def highlight_spans(q: wq.Query, text: str, schema) -> list[tuple[int, int]]:
    """Offsets of every place in `text` that the query's words or phrases match."""
    terms, phrases = _query_parts(q)
    fields = {f for f, _ in terms} | {f for f, _ in phrases}
    spans: set[tuple[int, int]] = set()
    # title, body and boiler share one analysis: their words are looked for together
    fast_plain: set[str] = set()
    fast_patterns: list[str] = []
    fast_phrases: set[tuple[str, ...]] = set()
    for fname in fields:
        if fname not in schema or fname in ("doc_id", "path", "status", "date"):
            continue
        analyzer = schema[fname].analyzer
        plain = {t for f, t in terms if f == fname and not t.startswith("*")}
        patterns = [t[1:] for f, t in terms if f == fname and t.startswith("*")]
        words_of = {tuple(words) for f, words in phrases if f == fname and words}
        if stemmed_query_tokens_ok(analyzer):
            fast_plain |= plain
            fast_patterns += patterns
            fast_phrases |= words_of
            continue
        tokens = [(t.text, t.startchar, t.endchar)
                  for t in analyzer(text, chars=True, mode="query", removestops=False)]
        if not tokens:
            continue
        wild = [re.compile(_wild_to_regex(p)) for p in patterns]
        for word, start, end in tokens:
            if word in plain or any(w.fullmatch(word) for w in wild):
                spans.add((start, end))
        for words in words_of:
            n, first = len(words), words[0]
            for i, tok in enumerate(tokens[: len(tokens) - n + 1]):
                if tok[0] == first and all(tokens[i + k][0] == words[k] for k in range(1, n)):
                    spans.add((tok[1], tokens[i + n - 1][2]))
    if fast_plain or fast_patterns or fast_phrases:
        _stemmed_spans(text, fast_plain, fast_patterns, fast_phrases, spans)
    return _merge_nested(sorted(spans))


def _stemmed_spans(text: str, plain: set[str], patterns: list[str],
                   phrases: set[tuple[str, ...]], spans: set[tuple[int, int]]) -> None:
    """The spans a pass over `stemmed_query_tokens(text)` finds for these words, wildcard
    patterns and phrases, with Python-level work only for the tokens that can match:
    the text is split in C, each distinct word is normalised (stemmed) once, and only the
    matching tokens' offsets are taken."""
    lowered = list(map(str.lower, _TOKEN_RE.findall(text)))
    if not lowered:
        return
    wild = [re.compile(_wild_to_regex(p)) for p in patterns]
    wanted = plain.union(*phrases)
    stems = _stems
    relevant: dict[str, str] = {}  # lower-cased token -> its term, for matching tokens
    for w in set(lowered):
        if len(w) >= 2 and w not in STOP_WORDS:
            st = stems.get(w)
            if st is None:
                st = stems[w] = _porter_stem(w)
        else:
            st = w
        if st in wanted or any(r.fullmatch(st) for r in wild):
            relevant[w] = st
    if not relevant:
        return
    mask = [w in relevant for w in lowered]
    where = list(compress(range(len(lowered)), mask))
    found = dict(zip(where, compress(_TOKEN_RE.finditer(text), mask), strict=True))
    term_at = {i: relevant[lowered[i]] for i in where}
    for i in where:
        st = term_at[i]
        if st in plain or any(r.fullmatch(st) for r in wild):
            spans.add(found[i].span())
    for words in phrases:
        n, first = len(words), words[0]
        for i in where:
            if term_at[i] == first and all(term_at.get(i + k) == words[k] for k in range(1, n)):
                spans.add((found[i].start(), found[i + n - 1].end()))


def _wild_to_regex(pattern: str) -> str:
    # Prefix queries keep their text without the star; wildcard ones carry * and ?.
    if "*" not in pattern and "?" not in pattern:
        return re.escape(pattern) + ".*"
    return "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)


def _merge_nested(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in spans:
        if out and s < out[-1][1]:
            if e > out[-1][1]:
                out[-1] = (out[-1][0], e)
            continue
        out.append((s, e))
    return out


def fragments(text: str, spans: list[tuple[int, int]], *, width: int = 160,
              limit: int = 3) -> list[tuple[int, int]]:
    """Snippet windows around the first hits, cut at word boundaries."""
    out: list[tuple[int, int]] = []
    for s, e in spans:
        if out and s < out[-1][1]:
            continue
        a = max(0, s - width // 3)
        b = min(len(text), max(e, a + width))
        nl = text.rfind("\n", a, s)
        if nl != -1:
            a = nl + 1
        while a > 0 and a < s and not text[a - 1].isspace():
            a += 1
        nl = text.find("\n", e, b)
        if nl != -1:
            b = nl
        while b < len(text) and b > e and not text[b].isspace():
            b -= 1
        out.append((a, b))
        if len(out) >= limit:
            break
    return out


def read_text(path: str | Path) -> str:
    return _default_load_text(str(path))
