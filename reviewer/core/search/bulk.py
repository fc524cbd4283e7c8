"""Every match of a query with its score, read in bulk instead of match by match.

Whoosh's matchers answer one document at a time, through four or five Python calls per
match (unions, intersections, deletion filters, scorers). A query matching most of a
100,000-release archive spends nearly all its time in those calls. `evaluate` reads each
word's postings a block at a time, scores them with the same BM25F arithmetic, and
combines the parts as Whoosh's matchers do: OR adds the parts' scores, AND requires every
part and adds, NOT removes and (inside an AND) adds its constant 1.0, AND NOT removes.
The result is the same documents with the same scores (tests compare them with Whoosh's),
so the top of the list, the total and the facets all come from one dict.

A node it does not know is answered by the node's own Whoosh matcher, read to the end.
"""
from __future__ import annotations

from array import array
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Callable
from heapq import nlargest
from itertools import accumulate
from typing import Any

from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.formats import Positions
from whoosh.matching import ListMatcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.scoring import BM25FScorer
from whoosh.searching import Results

from reviewer.core.search.codec import LeafMatcher
from reviewer.core.search.matchers import (
    DocSet,
    FastOr,
    FastPhrase,
    PatternIds,
    _tree_sum,
    length_norms,
)
from reviewer.core.search.matchers import positions as _positions

Scores = dict[int, float]  # document number in one segment -> score
#: Phrases whose matches each segment reader keeps, the most recently used: a phrase
#: matching 98,704 releases keeps about 10 MB.
KEEP_PHRASES = 4
Check = Callable[[], None]


def evaluate(q: wq.Query, top: Any, check: Check) -> Scores:
    """Global document number -> score for every match of `q` (a query as
    `Searcher._search_query` gives it) in `top`'s index. Calls `check` between words and
    segments, so a superseded search stops there."""
    out: Scores = {}
    for sub, offset in top.subsearchers or [(top, 0)]:
        check()
        part = _Segment(sub, top.context(), check).scores(q)
        if offset:
            out.update({d + offset: s for d, s in part.items()})
        else:
            out.update(part)
    return out


class Ranked:
    """The matches as a search lists them: the top `limit` (every match with None) by
    score, then by document number as Whoosh's collector breaks ties; every match's
    number; all of them in that order on demand."""

    def __init__(self, scores: Scores, s: Any, q: wq.Query, limit: int | None) -> None:
        self._scores = scores
        n = len(scores) if limit is None else min(limit, len(scores))
        if n <= 0:
            top: list[tuple[int, float]] = []
        elif n == len(scores):
            top = sorted(scores.items(), key=_best_first)
        else:
            floor = nlargest(n, scores.values())[-1]
            top = sorted(((d, x) for d, x in scores.items() if x >= floor),
                         key=_best_first)[:n]
        self._results = Results(s, q, [(x, d) for d, x in top])
        self._results._total = len(scores)

    def results(self) -> Results:
        return self._results

    def all_ids(self) -> list[int]:
        return sorted(self._scores)

    def ranked_ids(self) -> list[int]:
        return [d for d, _ in sorted(self._scores.items(), key=_best_first)]


def _best_first(item: tuple[int, float]) -> tuple[float, int]:
    return -item[1], item[0]


class _Segment:
    """One segment's matches of a query tree (its searcher, a search context)."""

    def __init__(self, searcher: Any, context: Any, check: Check) -> None:
        self.searcher = searcher
        self.reader = searcher.reader()
        self.context = context
        self.check = check

    def scores(self, node: wq.Query) -> Scores:
        """`node`'s matches in this segment with their scores. The dict may be one kept
        for later queries (a phrase's): callers build new ones rather than change it."""
        kind = type(node)
        if kind is wq.Term:
            return self._term(node)
        if kind in (wq.Or, FastOr) and not node.scale and not node.minmatch:
            return self._or(node)
        if kind is wq.And:
            return self._and(node)
        if kind is wq.AndNot:
            drop = self.scores(node.b)
            return {d: s for d, s in self.scores(node.a).items() if d not in drop}
        if kind is FastPhrase:
            return self._phrase(node)
        if kind is DocSet:
            return self._docset(node)
        if kind is PatternIds and node.child.constantscore:
            return self._pattern(node.child)
        if kind in (wq.Prefix, wq.Wildcard) and node.constantscore:
            return self._pattern(node)
        return self._matched(node)

    # -- combinations --------------------------------------------------------------------
    def _or(self, node: wq.Or) -> Scores:
        subs = node.subqueries
        if len(subs) == 1:  # Whoosh uses the part's matcher as it is, boost and all
            return self.scores(subs[0])
        acc: Scores = {}
        get = acc.get
        for sub in subs:
            for d, s in self.scores(sub).items():
                acc[d] = get(d, 0.0) + s
        return _boosted(acc, node.boost)

    def _and(self, node: wq.And) -> Scores:
        subs = node.subqueries
        if len(subs) == 1:
            return self.scores(subs[0])
        wanted = [self.scores(x) for x in subs if type(x) is not wq.Not]
        if not wanted:  # only NOTs: every other release, which Whoosh's own matcher walks
            return self._matched(node)
        banned: set[int] = set()
        nots = 0
        for x in subs:
            if type(x) is wq.Not:
                banned.update(self.scores(x.query))
                nots += 1
        wanted.sort(key=len)
        first, rest = wanted[0], wanted[1:]
        acc: Scores = {}
        for d, s in first.items():
            if d in banned:
                continue
            for part in rest:
                v = part.get(d)
                if v is None:
                    break
                s += v
            else:
                for _ in range(nots):  # each NOT matches as an inverse matcher scoring 1.0
                    s += 1.0
                acc[d] = s
        return _boosted(acc, node.boost)

    # -- leaves --------------------------------------------------------------------------
    def _term(self, node: wq.Term) -> Scores:
        if node.minquality:
            return self._matched(node)
        scores = self._word(node.fieldname, node.text)
        if scores is None:
            return self._matched(node)
        return _boosted(scores, node.boost)

    def _word(self, fieldname: str, text: Any) -> Scores | None:
        """A word's documents with their BM25F scores; None for another scorer."""
        read = self._postings(fieldname, text, values=False)
        if read is None:
            return {}
        btext, ids, tfs, _ = read
        bm25 = self._bm25(fieldname, btext, ids)
        if bm25 is None:
            return None
        idf, k1p, norm = bm25
        scores = [idf * ((tf * k1p) / (tf + norm[d])) for d, tf in zip(ids, tfs, strict=True)]
        return dict(zip(ids, scores, strict=True))

    def _pattern(self, node: Any) -> Scores:
        """A constant-score prefix or wildcard, matched as Whoosh's `MultiTerm.matcher`
        matches it: one word is that word's term; two words, or more in a segment over
        5,000 documents, are a scored union of terms (the "constant" score is dropped on
        that path); otherwise every document scores 1.0 (Whoosh's unscored array union)."""
        fieldname = node.field()
        words = [w for w in node._btexts(self.reader) if w]
        if not words:
            return {}
        if len(words) == 1:
            return self._term(wq.Term(fieldname, words[0]))
        if len(words) < wq.Or.TOO_MANY_CLAUSES and (
                len(words) == 2 or self.searcher.doc_count_all() > 5000):
            acc: Scores = {}
            get = acc.get
            for word in words:
                part = self._word(fieldname, word)
                if part is None:
                    return self._matched(node)
                for d, s in part.items():
                    acc[d] = get(d, 0.0) + s
            return _boosted(acc, node.boost)
        found: Scores = {}
        for word in words:
            read = self._postings(fieldname, word, values=False)
            if read is not None:
                found.update(dict.fromkeys(read[1], 1.0))
        return found

    def _phrase(self, node: FastPhrase) -> Scores:
        """Adjacent words (slop 1) in a field with positions, as `FastPhrase` matches
        them; the score is the words' scores added as Whoosh's tree of intersections
        adds them."""
        fieldname, words = node.fieldname, node.words
        schema = self.searcher.schema
        if (node.slop != 1 or len(words) < 2 or fieldname not in schema
                or type(schema[fieldname].format) is not Positions):
            return self._matched(node)
        # A segment never changes while its reader lives, so a phrase's matches are kept
        # with the reader for the next queries: a reviewer refining `"press release"`
        # (98,704 matches) does not check its positions again at every keystroke.
        kept: OrderedDict[tuple[str, tuple[str, ...]], Scores] = \
            self.reader.__dict__.setdefault("_rv_phrases", OrderedDict())
        key = (fieldname, tuple(words))
        found = kept.get(key)
        if found is None:
            found = self._adjacent(fieldname, words)
            if found is None:
                return self._matched(node)
            kept[key] = found
            if len(kept) > KEEP_PHRASES:
                kept.popitem(last=False)
        else:
            kept.move_to_end(key)
        return _boosted(found, node.boost)

    def _adjacent(self, fieldname: str, words: list[str]) -> Scores | None:
        """The phrase's matches and scores (unboosted); None when a word has another
        scorer than BM25F."""
        schema = self.searcher.schema
        # The rarest word first: the others' postings are read only in the blocks that
        # hold a document with every word so far.
        reader, field = self.reader, schema[fieldname]
        try:
            order = sorted(range(len(words)), key=lambda k: reader.doc_frequency(
                fieldname, field.to_bytes(words[k])))
        except ValueError:
            return {}
        reads: list[Any] = [None] * len(words)
        within: list[int] | None = None
        for k in order:
            read = self._postings(fieldname, words[k], values=True, within=within)
            if read is None or not read[1]:
                return {}
            reads[k] = read
            within = read[1]
        scorers = [sc for sc in (self._bm25(fieldname, r[0], r[1]) for r in reads)
                   if sc is not None]
        if len(scorers) < len(reads):
            return None
        self.check()
        common = within or []
        # each word's scores and, by document, where it is in the word's postings
        scores = [[idf * ((tf * k1p) / (tf + norm[d])) for d, tf in zip(r[1], r[2], strict=True)]
                  for r, (idf, k1p, norm) in zip(reads, scorers, strict=True)]
        where = [dict(zip(r[1], range(len(r[1])), strict=True)) for r in reads]
        vals = [r[3] for r in reads]
        out: Scores = {}
        if len(words) == 2:  # most phrases: one set test per document
            (w0, w1), (v0, v1), (s0, s1) = where, vals, scores
            for d in common:
                i, j = w0[d], w1[d]
                if not {p + 1 for p in _positions(v0[i])}.isdisjoint(_positions(v1[j])):
                    out[d] = s0[i] + s1[j]
            return out
        for d in common:
            at = [w[d] for w in where]
            ends = {p + 1 for p in _positions(vals[0][at[0]])}
            for k in range(1, len(reads)):
                ends = {p + 1 for p in ends.intersection(_positions(vals[k][at[k]]))}
                if not ends:
                    break
            if ends:
                out[d] = _tree_sum([sc[i] for sc, i in zip(scores, at, strict=True)])
        return out

    def _docset(self, node: DocSet) -> Scores:
        m = node.matcher(self.searcher, self.context)
        if type(m) is not ListMatcher:
            return {}
        return dict.fromkeys(m._ids, node.score)

    def _matched(self, node: wq.Query) -> Scores:
        """Whatever Whoosh's own matcher for `node` matches, read to the end."""
        self.check()
        m = node.matcher(self.searcher, self.context)
        if type(m) is ListMatcher and m._scorer is None:
            if m._all_weights:
                return dict.fromkeys(m._ids, m._all_weights)
            if m._weights:
                return dict(zip(m._ids, m._weights, strict=False))
            return dict.fromkeys(m._ids, 1.0)
        out: Scores = {}
        is_active, docid, score, advance = m.is_active, m.id, m.score, m.next
        n = 0
        while is_active():
            out[docid()] = score()
            n += 1
            if not n % 4096:
                self.check()
            advance()
        return out

    # -- postings and scores -------------------------------------------------------------
    def _postings(self, fieldname: str, text: Any, *, values: bool,
                  within: list[int] | None = None
                  ) -> tuple[bytes, list[int], list[float], _Values] | None:
        """(the word as bytes, its live documents, their frequencies, their positions if
        `values`) in this segment, only those `within` a sorted list of documents if
        given (blocks holding none of them are not read); None when the word is not
        there."""
        self.check()
        schema = self.searcher.schema
        if fieldname not in schema:
            return None
        try:
            btext = schema[fieldname].to_bytes(text)
        except ValueError:
            return None
        reader = self.reader
        if (fieldname, btext) not in reader:
            return None
        m = reader.postings(fieldname, btext)
        deleted: Any = ()
        if type(m) is FilterMatcher and m._exclude:
            deleted, m = m._ids, m.child
        ids: list[int] = []
        tfs: list[float] = []
        vals = _Values()
        if type(m) is ListMatcher:
            ids.extend(m._ids)
            tfs.extend(m._weights or [m._all_weights or 1.0] * len(ids))
            if values:
                vals.add(tuple(m._values or [b""] * len(ids)), len(ids))
        elif isinstance(m, W3LeafMatcher):
            low = 0  # the block's smallest possible document number
            while m.is_active():
                if within is not None:
                    j = bisect_left(within, low)
                    low = m._maxid + 1
                    if j == len(within) or within[j] >= low:
                        m._next_block()
                        continue
                # As W3LeafMatcher._read_ids/_read_weights, with the ids' deltas added
                # up in C rather than by a generator.
                m._read_data()
                raw_ids, raw_weights = m._data[0], m._data[1]
                ids.extend(raw_ids if m._byteids else accumulate(raw_ids))
                if raw_weights is None or isinstance(raw_weights, float):
                    one = 1.0 if raw_weights is None else raw_weights
                    tfs.extend(array("f", [one]) * m._blocklength)  # float32, as Whoosh
                else:
                    tfs.extend(raw_weights)
                if values:
                    if isinstance(m, LeafMatcher):
                        block = m.block_values()
                    else:
                        m._read_values()
                        block = m._values
                    vals.add(block, m._blocklength)
                m._next_block()
        else:
            raise TypeError(f"unexpected postings {m!r}")
        if within is not None:
            wanted = set(within)
            keep = [i for i, d in enumerate(ids) if d in wanted and d not in deleted]
        elif deleted:
            keep = [i for i, d in enumerate(ids) if d not in deleted]
        else:
            keep = None
        if keep is not None:
            ids = [ids[i] for i in keep]
            tfs = [tfs[i] for i in keep]
            if values:
                vals.keep(keep)
        return btext, ids, tfs, vals

    def _bm25(self, fieldname: str, btext: bytes, ids: list[int]
              ) -> tuple[float, float, list[float]] | None:
        """(idf, K1 + 1, each document's length part) of Whoosh's BM25F scorer for this
        word, so a score is `idf * ((tf * k1p) / (tf + norm[d]))`, the same arithmetic
        as `whoosh.scoring.bm25`; None for another scorer (the caller reads Whoosh's
        matcher instead)."""
        sc = self.context.weighting.scorer(self.searcher, fieldname, btext)
        if type(sc) is not BM25FScorer:
            return None
        norm = length_norms(self.reader, fieldname, sc.avgfl, sc.B, sc.K1)
        if norm is None or (ids and max(ids) >= len(norm)):
            return None
        return sc.idf, sc.K1 + 1, norm


class _Values:
    """The values (positions) of a word's postings, read a block at a time and each cut
    out and decoded only when asked for: a phrase needs those of few documents."""

    def __init__(self) -> None:
        self._blocks: list[Any] = []  # codec.LeafMatcher.block_values() of each block
        self._block = array("I")  # each posting's block
        self._index = array("I")  # and its place in the block

    def add(self, block: Any, n: int) -> None:
        self._block.extend(array("I", [len(self._blocks)]) * n)
        self._index.extend(range(n))
        self._blocks.append(block)

    def keep(self, indexes: list[int]) -> None:
        """Only these postings, in this order."""
        block, index = self._block, self._index
        self._block = array("I", [block[i] for i in indexes])
        self._index = array("I", [index[i] for i in indexes])

    def __getitem__(self, k: int) -> Any:
        block, i = self._blocks[self._block[k]], self._index[k]
        if type(block) is tuple and len(block) == 2 and isinstance(block[1], memoryview):
            ends, data = block
            return data[ends[i - 1] if i else 0:ends[i]]
        return block[i]


def _boosted(scores: Scores, boost: float) -> Scores:
    if boost == 1.0:
        return scores
    return {d: s * boost for d, s in scores.items()}
