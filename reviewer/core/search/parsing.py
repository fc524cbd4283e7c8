"""Reading a typed query: syntax checks Whoosh's lenient parser skips, and bounds on the
forms that would make one search take minutes.

Whoosh drops what it cannot read without a word (`date:[2021 to` finds nothing,
`person:(Dung` searches `person:dung`); here such a query is refused with a message that
says what is wrong. Every check is on the text or on the parsed query, before anything
is matched, so a refused query costs nothing.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import islice
from typing import Any

from whoosh import query as wq


class QueryError(ValueError):
    """The query cannot be understood, or would take too long; the message says why."""


#: Longest query searched. Whoosh's query tagger takes over a minute on a 100,000-character
#: word (and 0.5 s on 4,000 characters); a pasted paragraph is not a query anyway.
MAX_QUERY_CHARS = 1000
#: Words, phrases and filters in one query.
MAX_CLAUSES = 200
#: Different indexed words one pattern (`launch*`) or range (`title:[a to c]`) may stand
#: for in one field; each is a posting list to read.
MAX_EXPANSION = 1000

_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}
_FIELD_RE = re.compile(r"(?<![\w.])([A-Za-z_][\w-]*):")
_WORD_RE = re.compile(r"[^\s()]+|[()]")


def _quote(text: str, width: int = 40) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= width else text[: width - 1] + "…")


def check_text(text: str, fields: Iterable[str]) -> None:
    """Raise QueryError for a query Whoosh would misread silently: too long, an open
    phrase, parenthesis or range, an operator with nothing on one side, an unknown
    field, a field with nothing after it."""
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"The query is {len(text):,} characters long; at most "
                         f"{MAX_QUERY_CHARS:,} are searched. Shorten it.")
    known = set(fields)
    outside: list[str] = []  # the text outside phrases, a phrase replaced by a word
    depth = 0
    range_at: int | None = None
    quote_at: int | None = None
    i = 0
    while i < len(text):
        c = text[i]
        if quote_at is not None:
            if c == '"':
                quote_at = None
        elif c == '"':
            quote_at = i
            outside.append("PHRASE")
        elif range_at is not None:
            if c in "]}":
                range_at = None
            elif c in "[{":
                raise QueryError(f"A range cannot hold another range: {_quote(text[range_at:])}.")
            outside.append(c if c not in "()" else " ")
        elif c in "[{":
            range_at = i
            outside.append(c)
        elif c in "]}":
            raise QueryError(f"'{c}' closes a range that was never opened: "
                             f"{_quote(text[max(0, i - 30):i + 1])}. Write date:[2021 to 2022].")
        elif c == "(":
            depth += 1
            outside.append(" ( ")
        elif c == ")":
            if depth == 0:
                raise QueryError(f"')' has no '(' before it: {_quote(text[max(0, i - 30):i + 1])}.")
            depth -= 1
            outside.append(" ) ")
        else:
            outside.append(c)
        i += 1
    if quote_at is not None:
        raise QueryError(f'A phrase is not closed: {_quote(text[quote_at:])} needs a closing ".')
    if range_at is not None:
        start = text.rfind(" ", 0, range_at) + 1
        raise QueryError(f"A range is not closed: {_quote(text[start:])} needs a closing ], "
                         "as in date:[2021 to 2022].")
    if depth:
        at = text.rfind("(")
        raise QueryError(f"A parenthesis is not closed: {_quote(text[max(0, at - 20):])} "
                         "needs a ')'.")
    plain = "".join(outside)
    _check_operators(_WORD_RE.findall(plain))
    for m in _FIELD_RE.finditer(plain):
        name, after = m.group(1), plain[m.end():m.end() + 1]
        if name.lower() in known:
            if not after or after.isspace() or after == ")":
                raise QueryError(f"'{name}:' has nothing after it: write {name}:word "
                                 f'or {name}:"two words".')
        elif after and not after.isspace() and after != "/":
            raise QueryError(f"There is no field '{name}:'. Fields: "
                             + ", ".join(sorted(known)) + ".")


def _check_operators(words: list[str]) -> None:
    prev = "("
    for w in words + [")"]:
        if w in _OPERATORS and w != "NOT" and (prev in _OPERATORS or prev == "("):
            raise QueryError(f"'{w}' needs a word or phrase before it.")
        if w == ")" and prev in _OPERATORS:
            raise QueryError(f"'{prev}' needs a word or phrase after it.")
        prev = w


def _leaves(q: wq.Query) -> Iterable[wq.Query]:
    if q.is_leaf() or not q.children():
        yield q
        return
    for child in q.children():
        yield from _leaves(child)


def check_query(q: wq.Query, text: str, reader: Any) -> None:
    """Raise QueryError when the parsed query would be too costly to match: patterns
    starting with a wildcard (they compare every word of the library), patterns and
    ranges standing for more than MAX_EXPANSION words, more than MAX_CLAUSES parts."""
    if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
        raise QueryError(f"Nothing to search for in {_quote(text)}: words as common as "
                         "'the' or 'a' are not indexed.")
    leaves = list(_leaves(q))
    if len(leaves) > MAX_CLAUSES:
        raise QueryError(f"The query has {len(leaves):,} parts; at most {MAX_CLAUSES} are "
                         "searched. Use fewer words or filters.")
    seen: set[tuple[str, str, str]] = set()
    for leaf in leaves:
        if isinstance(leaf, (wq.Prefix, wq.Wildcard)):
            pattern = str(leaf.text)
            shown = pattern + ("*" if type(leaf) is wq.Prefix else "")
            if isinstance(leaf, wq.Wildcard) and pattern[:1] in ("*", "?"):
                raise QueryError(f"'{shown}' starts with a wildcard, which would compare every "
                                 "word in the library: put at least one letter first.")
            what = f"'{shown}' stands for"
        elif isinstance(leaf, wq.TermRange):
            what = f"The range '{leaf.fieldname}:[{leaf.start or ''} to {leaf.end or ''}]' covers"
        else:
            continue
        key = (type(leaf).__name__, leaf.fieldname, repr(leaf))
        if key in seen:
            continue
        seen.add(key)
        words = islice((w for w in leaf._btexts(reader) if w), MAX_EXPANSION + 1)
        if sum(1 for _ in words) > MAX_EXPANSION:
            raise QueryError(f"{what} more than {MAX_EXPANSION:,} different words; "
                             "narrow it (more letters before the *, a shorter range).")
