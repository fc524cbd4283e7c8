"""Faster drop-ins for Whoosh's phrase, union and range matchers and its BM25F scorer.

Each returns the same documents and scores as Whoosh's own (tests compare them); they
exist because search must stay interactive on archives of tens of thousands of releases.
"""
from __future__ import annotations

import threading
from array import array
from bisect import bisect_left
from collections.abc import Iterator
from itertools import accumulate
from pickle import loads as _unpickle
from typing import Any

from whoosh import matching as wm
from whoosh import query as wq
from whoosh.formats import Positions
from whoosh.matching.combo import ArrayUnionMatcher, CombinationMatcher
from whoosh.scoring import BM25F, BM25FScorer
from whoosh.searching import Results
from whoosh.util.numeric import byte_to_length

from reviewer.core.search.codec import _LengthsReader

#: The running search's check (`SearchRun.check`) for this thread: long expansions
#: call it between words, so a superseded search stops there too.
RUNNING = threading.local()


def _check() -> None:
    check = getattr(RUNNING, "check", None)
    if check is not None:
        check()


class FastPhrase(wq.Phrase):
    """Whoosh's Phrase, matched by `_phrase_matcher` when it looks for adjacent words
    (slop 1) in a field with Whoosh's own position format; anything else as before."""

    def matcher(self, searcher: Any, context: Any = None) -> Any:
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


def positions(value: Any) -> Iterator[int]:
    """The positions of a posting's value (bytes or a memoryview of them)."""
    # whoosh.formats.Positions: a 4-byte count, then the pickled list of position deltas.
    # A STOP is added where Whoosh's decoder adds one when it is missing; pickle reads up
    # to the first.
    return accumulate(_unpickle(b"".join((value[4:], b"."))))


def _tree_sum(scores: list[float]) -> float:
    # The order in which Whoosh's binary tree of IntersectionMatchers adds the scores
    # (whoosh.util.make_binary_tree): the same floating-point result.
    if len(scores) == 1:
        return scores[0]
    half = len(scores) // 2
    return _tree_sum(scores[:half]) + _tree_sum(scores[half:])


def _phrase_matcher(ms: list[Any]) -> Any:
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
        ends = list(positions(first.value()))
        for m in rest:
            following = set(positions(m.value()))
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
    segment's in-memory length bytes (`codec._LengthsReader`) through a 256-entry table
    of the same `byte_to_length` values, instead of four calls per scored posting."""

    def scorer(self, searcher: Any, fieldname: str, text: bytes, qf: int = 1) -> Any:
        sc = super().scorer(searcher, fieldname, text, qf=qf)
        if type(sc) is not BM25FScorer:
            return sc
        values = field_lengths(searcher.reader(), fieldname)
        if values is None:
            return sc
        size = len(values)

        def dfl(docnum: int, _values: bytes = values, _size: int = size,
                _table: list[float | None] = _LENGTHS) -> float | None:
            return _table[_values[docnum] if docnum < _size else 0]

        sc.dfl = dfl
        return sc


def field_lengths(reader: Any, fieldname: str) -> bytes | None:
    """One byte per document of a segment: its length in `fieldname`, as Whoosh stores
    it (`byte_to_length`); None for a reader without `codec._LengthsReader`."""
    perdoc = getattr(reader, "_perdoc", None)
    if type(perdoc) is not _LengthsReader:
        return None
    perdoc.doc_field_length(0, fieldname)  # reads the field's lengths once
    values: bytes | None = perdoc.__dict__.get("_rv_lengths", {}).get(fieldname)
    return values


def length_norms(reader: Any, fieldname: str, avgfl: float, b: float, k1: float
                 ) -> list[float] | None:
    """BM25's length part, `K1 * ((1 - B) + B * fl / avgfl)`, for each document of a
    segment (fl its length in `fieldname`), kept with the segment's reader."""
    values = field_lengths(reader, fieldname)
    if values is None:
        return None
    cache: dict[tuple[str, float, float, float], list[float]] = \
        reader.__dict__.setdefault("_rv_norms", {})
    key = (fieldname, avgfl, b, k1)
    norms = cache.get(key)
    if norms is None:
        per_byte = [0.0 if fl is None else k1 * ((1 - b) + b * fl / avgfl)
                    for fl in _LENGTHS]
        norms = cache[key] = [per_byte[v] for v in values]
    return norms


# _LengthsReader.doc_field_length's answer for each length byte
_LENGTHS = [None] + [byte_to_length(b) for b in range(1, 256)]
WEIGHTING = _BM25F()


class FastOr(wq.Or):
    """Whoosh's Or, using `_ArrayUnionMatcher` where Whoosh would pre-load the matches of
    a segment into an array (segments under 5,000 documents, as worker segments are)."""

    def _matcher(self, subs: list[Any], searcher: Any, context: Any) -> Any:
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

    def __init__(self, submatchers: list[Any], doccount: int, boost: float = 1.0,
                 scored: bool = True, partsize: int = 2048) -> None:
        CombinationMatcher.__init__(self, submatchers, boost=boost)
        self._scored = scored
        self._doccount = doccount
        self._partsize = partsize = partsize or doccount
        self._zeros = array("d", bytes(8 * partsize))
        self._a = array("d", self._zeros)
        self._hits: list[int] = []
        self._docnum = self._min_id()
        self._read_part()

    def _read_part(self) -> None:
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

    def _find_next(self) -> None:
        hits = self._hits
        j = bisect_left(hits, self._docnum - self._offset)
        if j < len(hits):
            self._docnum = self._offset + hits[j]
        else:
            self._docnum = self._min_id()
            self._read_part()


class RangeIds(wq.WrappingQuery):
    """A constant-score numeric/date range (`date:[2024 to 2025]`): the documents of the
    range's terms, read as id sets from their postings, with the range's constant score,
    as Whoosh's ConstantScoreQuery gives them (which walks a union matcher over every
    document number of every segment to collect the same ids)."""

    def _rewrap(self, child: Any) -> Any:
        return self.__class__(child)

    def estimate_size(self, ixreader: Any) -> int:
        # Whoosh asks each part of an AND for its size before the matchers; for a range
        # that means walking the range's words twice. The ids read here serve both.
        found = self._segment_ids(ixreader) if self.child.constantscore else None
        if found is None or found[1] is None:
            return int(self.child.estimate_size(ixreader))
        return len(found[1])

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        child = self.child
        if not child.constantscore or (context is not None and context.needs_current):
            return child.matcher(searcher, context)
        q, ids = self._segment_ids(searcher.reader())
        if ids is None:
            return q.matcher(searcher, context)
        if not ids:
            return wm.NullMatcher()
        return wm.ListMatcher(array("I", sorted(ids)), all_weights=q.score)

    def _segment_ids(self, reader: Any) -> tuple[Any, set[int] | None]:
        """The range compiled for `reader`'s segment and its documents (None: a form
        only Whoosh's own matcher reads), computed once per segment and query."""
        memo: dict[int, tuple[Any, Any, set[int] | None]] = \
            self.__dict__.setdefault("_by_reader", {})
        got = memo.get(id(reader))
        if got is None or got[0] is not reader:
            q, ids = self._read_ids(reader)
            got = memo[id(reader)] = (reader, q, ids)
        return got[1], got[2]

    def _read_ids(self, reader: Any) -> tuple[Any, set[int] | None]:
        q = self.child._compile_query(reader)
        if not isinstance(q, wq.ConstantScoreQuery):
            return q, None
        parts = q.child.subqueries if type(q.child) is wq.Or else [q.child]
        ids: set[int] = set()
        for part in parts:
            if type(part) is wq.Term:
                texts = [part.text]
            elif type(part) is wq.TermRange:
                texts = [t for t in part._btexts(reader) if t]
            else:
                return q, None
            fieldname = part.fieldname
            for text in texts:
                _check()
                if (fieldname, text) in reader:
                    ids.update(reader.postings(fieldname, text).all_ids())
        return q, ids


class PatternIds(wq.WrappingQuery):
    """A constant-score prefix or wildcard (`technolog*`) expanding to many words in a
    segment: the union of the words' documents, read as id sets, each scoring 1.0, as
    Whoosh's unscored ArrayUnionMatcher gives them there. Where Whoosh would take
    another path (two words, fewer than 3 clauses...), Whoosh's own matcher is used."""

    def _rewrap(self, child: Any) -> Any:
        return self.__class__(child)

    def matcher(self, searcher: Any, context: Any = None) -> Any:
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
            _check()
            if (fieldname, word) in reader:
                ids.update(reader.postings(fieldname, word).all_ids())
        if not ids:
            return wm.NullMatcher()
        return wm.ListMatcher(array("I", sorted(ids)), all_weights=1.0)


class DocSet(wq.Query):
    """A fixed set of documents (global Whoosh document numbers of one searcher), each
    with the same score: a review-status filter without matching thousands of id terms."""

    def __init__(self, docnums: list[int], top_searcher: Any, score: float = 1.0) -> None:
        self.docnums = sorted(docnums)
        self.top = top_searcher
        self.score = score
        self.boost = 1.0

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, DocSet) and type(other) is type(self)
                and other.docnums == self.docnums and other.top is self.top
                and other.score == self.score)

    def __hash__(self) -> int:
        return hash((len(self.docnums), id(self.top), self.score))

    def __repr__(self) -> str:
        return f"DocSet({len(self.docnums)} documents)"

    def is_leaf(self) -> bool:
        return True

    def estimate_size(self, _ixreader: Any) -> int:
        return len(self.docnums)

    def matcher(self, searcher: Any, context: Any = None) -> Any:
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


class DocSetResults:
    """What `bulk.Ranked` gives for a `DocSet` alone, without visiting each
    document: all score the same, and Whoosh's collector orders ties by document number."""

    def __init__(self, q: DocSet, s: Any, limit: int) -> None:
        self._ids = q.docnums
        self._results = Results(s, q, [(q.score, d) for d in q.docnums[:limit]])
        self._results._total = len(q.docnums)

    def results(self) -> Results:
        return self._results

    def all_ids(self) -> list[int]:
        return self._ids

    def ranked_ids(self) -> list[int]:
        return self._ids
