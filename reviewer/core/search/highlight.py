"""Hit highlighting: (start, end) offsets into a release's current text, never HTML.

The text is re-tokenised with each field's own analyser, so highlights cut exactly
what the user sees.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from itertools import chain, compress
from typing import Any

from whoosh import query as wq
from whoosh.analysis.filters import STOP_WORDS
from whoosh.lang.porter import stem as _porter_stem

from reviewer.core.controls import reveal
from reviewer.core.intervals import merge_spans
from reviewer.core.model import LABEL_FIELDS
from reviewer.core.search.index import (
    _TOKEN_RE,
    _stems,
    stemmed_query_tokens_ok,
)


def highlights_anything(q: wq.Query, schema: Any) -> bool:
    """Whether `highlight_spans` can find anything for `q` (a status alone cannot)."""
    terms, phrases = _query_parts(q)
    return any(f in schema and f not in ("doc_id", "path", "status", "date")
               for f in chain((f for f, _ in terms), (f for f, _ in phrases)))


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


#: An entity in a release's text: (its index field, start, end, its names).
Mention = tuple[str, int, int, tuple[str, ...]]
_ENTITY_FIELDS = frozenset(LABEL_FIELDS.values())


def highlight_spans(q: wq.Query, text: str, schema: Any,
                    mentions: Iterable[Mention] | None = None) -> list[tuple[int, int]]:
    """Offsets of every place in `text` that the query's words or phrases match. Words
    asked of an entity field (`money:million`) mark the `mentions` of that field whose
    name matches, never the same word elsewhere in the text."""
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
        if fname in _ENTITY_FIELDS:
            _mention_spans(fname, analyzer, plain, patterns, words_of, mentions or (), spans)
            continue
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
    return merge_spans(spans)


def _mention_spans(fname: str, analyzer: Any, plain: set[str], patterns: list[str],
                   phrases: set[tuple[str, ...]], mentions: Iterable[Mention],
                   spans: set[tuple[int, int]]) -> None:
    """The mentions of field `fname` one of whose names has a matching word or phrase."""
    matches = _name_matcher(analyzer, plain, patterns, phrases)
    for field, start, end, names in mentions:
        if field == fname and any(map(matches, names)):
            spans.add((start, end))


def _name_matcher(analyzer: Any, plain: set[str], patterns: list[str],
                  phrases: set[tuple[str, ...]]) -> Callable[[str], bool]:
    wild = [re.compile(_wild_to_regex(p)) for p in patterns]
    seen: dict[str, bool] = {}

    def matches(name: str) -> bool:
        ok = seen.get(name)
        if ok is None:
            words = [t.text for t in analyzer(name)]
            ok = seen[name] = (not plain.isdisjoint(words)
                               or any(r.fullmatch(w) for r in wild for w in words)
                               or any(_contains(words, p) for p in phrases))
        return ok

    return matches


def entity_name_matchers(q: wq.Query, schema: Any) -> dict[str, Callable[[str], bool]]:
    """For each entity field the query asks about: whether an entity name matches."""
    terms, phrases = _query_parts(q)
    out = {}
    for fname in {f for f, _ in terms} | {f for f, _ in phrases}:
        if fname in _ENTITY_FIELDS and fname in schema:
            out[fname] = _name_matcher(
                schema[fname].analyzer,
                {t for f, t in terms if f == fname and not t.startswith("*")},
                [t[1:] for f, t in terms if f == fname and t.startswith("*")],
                {tuple(w) for f, w in phrases if f == fname and w})
    return out


def _contains(words: list[str], phrase: tuple[str, ...]) -> bool:
    n = len(phrase)
    return any(tuple(words[i:i + n]) == phrase for i in range(len(words) - n + 1))


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


def snippet_parts(text: str, spans: list[tuple[int, int]], frags: list[tuple[int, int]]
                  ) -> list[tuple[str, list[tuple[int, int]]]]:
    """Each fragment's text on one line, with the hit ranges relative to it; direction
    controls shown as their stand-ins (same length), never applied."""
    out = []
    for a, b in frags:
        rel = [(max(s, a) - a, min(e, b) - a) for s, e in spans if s < b and e > a]
        out.append((reveal(text[a:b].replace("\n", " ")), rel))
    return out
