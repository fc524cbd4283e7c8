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
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

from whoosh import query as wq
from whoosh.collectors import TopCollector
from whoosh.qparser import MultifieldParser

from reviewer.core.index import SearchIndex, stemmed_query_tokens, stemmed_query_tokens_ok
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
        self._facet_cache: tuple[object, tuple[list, list]] | None = None
        self._searcher = None
        self._lock = threading.RLock()
        self._parser = MultifieldParser(list(TEXT_FIELDS), index.ix.schema)

    def parse(self, text: str) -> wq.Query:
        text = normalise_query(text).strip()
        if not text:
            return wq.Every()
        try:
            q = self._parser.parse(text)
        except Exception as exc:  # noqa: BLE001 - whoosh raises many types
            raise QueryError(f"cannot understand the query {text!r}: {exc}") from exc
        return q.accept(self._status_filter)

    def _status_filter(self, q: wq.Query) -> wq.Query:
        # Status is review data (store), not index data: turn `status:x` into doc ids.
        if isinstance(q, wq.Term) and q.fieldname == "status":
            wanted = str(q.text).replace("_", " ").replace("-", " ").lower()
            if wanted == "inprogress":
                wanted = "in progress"
            if wanted not in STATUSES:
                raise QueryError(f"unknown status {q.text!r}; use one of: "
                                 + ", ".join(s.replace(" ", "-") for s in STATUSES))
            ids = self.store.ids_with_status(wanted)
            if not ids:
                return wq.NullQuery
            if len(ids) > 100:
                # Most of the library (typically `unreviewed`): exclude the few others
                # rather than OR-ing thousands of id terms.
                others = [i for st in STATUSES if st != wanted
                          for i in self.store.ids_with_status(st)]
                if len(others) < len(ids):
                    if not others:
                        return wq.Every()
                    return wq.AndNot(wq.Every(), wq.Or([wq.Term("doc_id", str(i))
                                                        for i in others]))
            return wq.Or([wq.Term("doc_id", str(i)) for i in ids])
        return q

    def search(self, text: str, *, limit: int | None = 20, with_highlights: bool = True,
               with_facets: bool = True) -> SearchResult:
        q = self.parse(text)
        with self._lock:
            return self._search(text, q, limit, with_highlights, with_facets)

    def _open_searcher(self):
        # One searcher kept between searches (its readers cache field lengths and
        # term tables), refreshed when the index has a newer generation.
        s, ix = self._searcher, self.index.ix
        if s is not None and s._ix is not ix:
            s.close()
            s = None
        if s is None:
            s = ix.searcher()
        elif not s.up_to_date():
            s = s.refresh()
        self._searcher = s
        return s

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None

    def _search(self, text: str, q: wq.Query, limit: int | None, with_highlights: bool,
                with_facets: bool) -> SearchResult:
        s = self._open_searcher()
        if s is not None:
            one_pass = with_facets and limit is not None and not isinstance(q, wq.Every)
            if one_pass:
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
        if with_highlights and hits:
            for hit in hits:
                try:
                    body = self._load_text(hit.path)
                except Exception:  # noqa: BLE001 - a vanished file simply has no highlights
                    continue
                hit.highlights = highlight_spans(q, body, self.index.ix.schema)
                hit.fragments = fragments(body, hit.highlights)
        return SearchResult(query=text, total=total, hits=hits, facets=facets)

    def _facets(self, s, q: wq.Query, docs=None) -> dict[str, Counter]:
        per_doc, pairs = self._facet_values(s)
        if docs is None:
            docs = range(len(per_doc)) if isinstance(q, wq.Every) else s.docs_for_query(q)
        # Counter counts a flat iterable of small ints in C: the whole result set, fast.
        ids = Counter(chain.from_iterable(per_doc[d] for d in docs))
        counts: dict[str, Counter] = {}
        for pid, n in ids.items():
            label, name = pairs[pid]
            bucket = counts.get(label)
            if bucket is None:
                bucket = counts[label] = Counter()
            bucket[name] = n
        return counts

    def _facet_values(self, s) -> tuple[list[tuple[int, ...]], list[tuple[str, str]]]:
        # Entity values per Whoosh document number as ids of (label, value) pairs, read
        # from the stored JSON once per index generation and kept between searches.
        reader = s.reader()
        generation = reader.generation() if hasattr(reader, "generation") else None
        key = (id(self.index.ix), self.index.ix.latest_generation(), generation)
        if self._facet_cache is None or self._facet_cache[0] != key:
            pair_ids: dict[tuple[str, str], int] = {}
            per_doc: list[tuple[int, ...]] = [()] * reader.doc_count_all()
            for docnum, stored in s.iter_docs():  # live documents only
                raw = stored.get("facets")
                if raw:
                    per_doc[docnum] = tuple(
                        pair_ids.setdefault((label, name), len(pair_ids))
                        for label, names in json.loads(raw).items() for name in names)
            self._facet_cache = (key, (per_doc, list(pair_ids)))
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

    def all_ids(self):
        return self._ids

    def count(self):
        return len(self._ids)


def _default_load_text(path: str) -> str:
    from reviewer.core.loaders import load

    return load(path).text


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
    done: set[tuple[str, tuple[str, ...]]] = set()
    fast: list[tuple[str, int, int]] | None = None
    for fname in fields:
        if fname not in schema or fname in ("doc_id", "path", "status", "date"):
            continue
        analyzer = schema[fname].analyzer
        if stemmed_query_tokens_ok(analyzer):
            # title, body and boiler share one analysis: tokenise the text once
            if fast is None:
                fast = stemmed_query_tokens(text)
            tokens = fast
        else:
            tokens = [(t.text, t.startchar, t.endchar)
                      for t in analyzer(text, chars=True, mode="query", removestops=False)]
        if not tokens:
            continue
        plain = {t for f, t in terms if f == fname and not t.startswith("*")}
        patterns = [t[1:] for f, t in terms if f == fname and t.startswith("*")]
        wild = [re.compile(_wild_to_regex(p)) for p in patterns]
        for word, start, end in tokens:
            if word in plain or any(w.fullmatch(word) for w in wild):
                spans.add((start, end))
        for f, words in phrases:
            if f != fname or not words:
                continue
            key = ("" if tokens is fast else fname, tuple(words))
            if key in done:  # the same phrase in title, body and boiler: one pass
                continue
            done.add(key)
            n, first = len(words), words[0]
            for i, tok in enumerate(tokens[: len(tokens) - n + 1]):
                if tok[0] == first and all(tokens[i + k][0] == words[k] for k in range(1, n)):
                    spans.add((tok[1], tokens[i + n - 1][2]))
    return _merge_nested(sorted(spans))


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
