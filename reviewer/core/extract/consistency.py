"""Document-level rules: acronym definitions, special contexts, and one label per string.

A name's evidence (a title, a head word, a definition) is often stated once; later bare
mentions (`Mori`, `ROK`) inherit the label here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import TypeAlias

from reviewer.core.extract._scan import finditer_after
from reviewer.core.extract.gazetteer import EXCHANGES, LEGAL_SUFFIXES, Gazetteer
from reviewer.core.model import Entity

# "Name (ACR)" and "Name, or ACR," - the acronym may carry a year ("UNCLOS 1982").
# (the optional space before the bracket is counted by `acronyms`; a pattern starting with
# the literal `(` is scanned in C)
ACR_PAREN = re.compile(r"\((?:the\x20)?([A-Z][A-Za-z0-9&\-]{1,9}(?:\x20(?:19|20)\d\d)?)\)")
ACR_OR = re.compile(r",\x20or\x20(?:simply\x20)?([A-Z][A-Z0-9&\-]{1,9})\b")
EXCHANGE_RE = re.compile(
    r"\b("
    + "|".join(re.escape(x) for x in sorted(EXCHANGES, key=len, reverse=True))
    + r")(?:\x20[A-Z][a-z]+){0,2}\s?:\s?[A-Z][A-Z0-9.\-]{0,9}\b"
)
# EXCHANGE_RE without the leading `\b`: starting on a literal lets the engine skip ahead;
# the word boundary is checked by `_exchanges`.
_EXCHANGE_SCAN = re.compile(EXCHANGE_RE.pattern[2:])
_WORD_CHAR = re.compile(r"\w")


def _exchanges(text: str) -> Iterator[re.Match[str]]:
    return finditer_after(_EXCHANGE_SCAN, text, _WORD_CHAR)


CREDIT_RE = re.compile(
    r"\((?:Photo|Photos|Source|Image|Video|Credit|Photo credit)\s?:\s?"
    r"([A-Z][A-Za-z&.\-]*(?:\x20[A-Z][A-Za-z&.\-]*){0,3})\)"
)
WIRE_RE = re.compile(
    r"(?:\(([A-Z][A-Z&.\-]+(?:\x20[A-Z][A-Z&.\-]+){0,3})\)|/([A-Z][A-Za-z]*(?:[Ww]ire|WIRE)[A-Za-z]*)/)"
)
URL_RE = re.compile(
    r"https?://\S+|www\.[\w.-]+\S*|(?<![\w.+-])[\w.+-]+@[\w-]+\.[\w.-]+|\]\([^)\s]*\)"
    r""
    r"|(?<![\w.])(?:\+\d{1,3}[\x20.-]?)?(?:\(\d{2,4}\)[\x20.-]?|\d{2,4}[\x20.-])\d{3,4}[\x20.-]\d{3,4}(?![\w])"
)
# The same masks as URL_RE, found by patterns that start with a literal or a character class
# (the regex engine then skips to candidate positions in C instead of trying every offset).
_WEB_RE = re.compile(r"https?://\S+")
_WWW_RE = re.compile(r"www\.[\w.-]+\S*")
_LINK_RE = re.compile(r"\]\([^)\s]*\)")
_MAIL_DOMAIN_RE = re.compile(r"@[\w-]+\.[\w.-]+")
_MAIL_LOCAL_RE = re.compile(r"[\w.+-]")
# A phone number: the look-behind/look-ahead form lets the pattern start with a character
# class (the engine skips to `+`, `(` and digits in C); group 1 is the number. Each try is
# bounded (a phone number is short), so a megabyte of digits stays linear.
_PHONE_RE = re.compile(
    r"[+(\d](?<=(?<![\w.])(?=((?:\+\d{1,3}[\x20.-]?)?(?:\(\d{2,4}\)[\x20.-]?|\d{2,4}[\x20.-])"
    r"\d{3,4}[\x20.-]\d{3,4}(?![\w]))).)"
)


def _mail_at(text: str, pos: int) -> tuple[int, int] | None:
    """The first e-mail address starting at or after `pos` (URL_RE's e-mail alternative)."""
    is_local = _MAIL_LOCAL_RE.match
    for m in _MAIL_DOMAIN_RE.finditer(text, pos):
        at = s = m.start()
        while s > pos and at - s < 256 and is_local(text, s - 1):
            s -= 1
        # the address must start after a non-address character, at or after `pos`
        if s < at and not (s > 0 and is_local(text, s - 1)):
            return s, m.end()
    return None


def _phone_at(text: str, pos: int) -> tuple[int, int] | None:
    m = _PHONE_RE.search(text, pos)
    return m.span(1) if m else None


def _rx_at(rx: re.Pattern[str]) -> Callable[[str, int], tuple[int, int] | None]:
    def at(text: str, pos: int) -> tuple[int, int] | None:
        m = rx.search(text, pos)
        return m.span() if m else None

    return at


# URL_RE's alternatives in its order, each able to find its next match from an offset
_MASKS = (
    ("http", _rx_at(_WEB_RE)),
    ("www.", _rx_at(_WWW_RE)),
    ("@", _mail_at),
    ("](", _rx_at(_LINK_RE)),
    ("", _phone_at),
)


def masked_spans(text: str) -> list[tuple[int, int]]:
    """URLs, e-mail addresses, link targets and phone numbers: never inside an entity.

    The same spans as `URL_RE.finditer` (leftmost match, the first alternative on ties, no
    overlaps), found by patterns that start with a literal or a rare character so that the
    regex engine skips ahead in C; linear in the text.
    """
    finders = [f for key, f in _MASKS if key in text]
    nxt = [f(text, 0) for f in finders]
    out: list[tuple[int, int]] = []
    pos = 0
    while True:
        best, first = -1, 0
        for k, span in enumerate(nxt):
            if span is not None and (best < 0 or span[0] < first):
                best, first = k, span[0]
        if best < 0:
            return out
        span = nxt[best]
        assert span is not None
        out.append(span)
        pos = span[1] if span[1] > span[0] else span[0] + 1
        for k, other in enumerate(nxt):
            if other is not None and other[0] < pos:
                nxt[k] = finders[k](text, pos)


def acronyms(text: str, ents: list[Entity]) -> list[Entity]:
    """Acronyms defined right after a labelled name take its label."""
    by_end = {e.end: e for e in ents if e.label not in ("DATE", "MONEY", "PERCENT", "PERSON")}
    out: list[Entity] = []
    for rx in (ACR_PAREN, ACR_OR):
        for m in rx.finditer(text):
            ms = m.start()
            if rx is ACR_PAREN and ms and text[ms - 1] == " ":
                ms -= 1
            prev = by_end.get(ms)
            acr = m.group(1)
            if prev is None:
                # "... Law. Sea 1982 (UNCLOS 1982)": allow a short gap to a name of the same initial
                for gap in range(1, 16):
                    p = by_end.get(ms - gap)
                    if p and "\n" not in text[p.end : ms]:
                        prev = p
                        break
                if prev is None:
                    continue
            if prev.label not in ("ORG", "PLACE", "EVENT", "DOCUMENT", "NORP"):
                continue
            first = prev.text.lstrip('“"').split()[0]
            if acr[0].upper() != first[0].upper() and (
                prev.end != ms or prev.label in ("PLACE", "NORP")
            ):
                # An acronym that spells a longer name than the entity right before it
                # ("Indo-Pacific Strategy (FOIP)") keeps the label of a head-typed name
                # (a longer "... Strategy" is still a strategy), but not of a place: in
                # "ASEAN Prospects of the Indo-Pacific (AOIP)" AOIP is no place
                continue
            s = m.start(1)
            out.append(Entity(s, s + len(acr), prev.label, acr, source="auto", score=0.8))
    return out


def special_contexts(text: str, dl_source_span: tuple[int, int] | None) -> list[Entity]:
    out: list[Entity] = []
    for m in _exchanges(text):
        s, e = m.span(1)
        out.append(Entity(s, e, "ORG", text[s:e], score=0.9))
    for m in CREDIT_RE.finditer(text):
        s, e = m.span(1)
        val = m.group(1)
        if val.isupper() or len(val.split()) == 1:
            out.append(Entity(s, e, "ORG", val, score=0.8))
    head = text[:600]
    for m in WIRE_RE.finditer(head):
        g = 1 if m.group(1) else 2
        s, e = m.span(g)
        val = text[s:e]
        if g == 1 and not re.search(r"WIRE|NEWS|PRESS|MEDIA|AGENCY", val):
            continue
        if EXCHANGE_RE.match(val):
            continue
        out.append(Entity(s, e, "ORG", val, score=0.85))
    if dl_source_span:
        s, e = dl_source_span
        out.append(Entity(s, e, "ORG", text[s:e], score=0.9))
    return out


_WORDCH = re.compile(r"[\w\-]")


_ALIAS_SUFFIX = re.compile(
    r"(?:,?\x20(?:"
    + "|".join(sorted(LEGAL_SUFFIXES | {"Corporation"}, key=len, reverse=True))
    + r")\.?)+$"
)


def company_alias(name: str, gaz: Gazetteer) -> str:
    """`Grant Thornton LLP` -> `Grant Thornton`, `SignaBlok, Inc.` -> `SignaBlok` (or "").

    A release names its company once with the legal suffix and then without it. One-word
    short names must be unusual words (not `Apple` -> every apple), and known places or
    organisations keep their own label.
    """
    m = _ALIAS_SUFFIX.search(name)
    if not m or m.start() == 0:
        return ""
    alias = name[: m.start()]
    words = alias.split()
    if not words or not alias[0].isupper() or tuple(words) in gaz.names:
        return ""
    if len(words) == 1 and (len(alias) < 4 or gaz.is_common(alias) or alias in gaz.given):
        return ""
    return alias


def propagate(text: str, ents: list[Entity], gaz: Gazetteer) -> list[Entity]:
    """Later bare mentions of a name take the label seen with evidence earlier in the release."""
    names: dict[str, str] = {}
    strong: set[str] = set()  # short company names: as good as the full legal name
    for e in ents:
        if e.label == "PERSON":
            parts = e.text.split()
            if len(parts) >= 2:
                for part in (parts[0], parts[-1]):
                    if (
                        len(part) >= 3
                        and part[0].isupper()
                        and not gaz.is_common(part)
                        and (part,) not in gaz.names
                    ):
                        names.setdefault(part, "PERSON")
            names.setdefault(e.text, "PERSON")
        elif e.label in ("ORG", "PLACE", "DOCUMENT", "EVENT", "NORP") and e.source == "auto":
            t = e.text
            if t.isupper() and 2 <= len(t) <= 10 or len(t.split()) >= 2:
                names.setdefault(t, e.label)
            if e.label == "ORG":
                alias = company_alias(t, gaz)
                if alias:
                    names[alias] = "ORG"
                    strong.add(alias)
    if not names:
        return []
    if len(names) * len(text) > _INDEX_ABOVE:
        out = _propagate_indexed(text, names, ents)  # a huge text with many names: one pass
    else:
        out = _propagate_find(text, names)
    if strong:
        for x in out:
            if x.text in strong:
                x.score = 0.8
    return out


def _propagate_find(text: str, names: dict[str, str]) -> list[Entity]:
    # plain str.find per name: cheaper than compiling an alternation for every release
    out = []
    n = len(text)
    for t, lab in names.items():
        i = text.find(t)
        while i >= 0:
            j = i + len(t)
            if (i == 0 or not _WORDCH.match(text, i - 1)) and (
                j >= n
                or not (
                    text[j].isalnum()
                    or text[j] == "_"
                    or text[j] == "-"
                    and j + 1 < n
                    and text[j + 1].isalnum()
                )
            ):
                out.append(Entity(i, j, lab, t, source="auto", score=0.55))
            i = text.find(t, j)
    return out


_LEAD_WORD = re.compile(r"\w+")
_INDEX_ABOVE = 20_000_000  # names x characters beyond which `propagate` indexes words


def _ends_ok(text: str, j: int) -> bool:
    n = len(text)
    if j >= n:
        return True
    c = text[j]
    return not (c.isalnum() or c == "_" or c == "-" and j + 1 < n and text[j + 1].isalnum())


_CAP_WORD = re.compile(r"[A-Z\d]\w*")  # a class first: the engine skips ahead in C
_NEXT_WORD = re.compile(r"\W*(\w+)")


def _walk_starts(text: str, ents: list[Entity]) -> Iterator[tuple[int, int, int]]:
    """Capitalised words outside `ents`, and starts of `ents`: (start, word end, holder end)."""
    word_at = _LEAD_WORD.match
    cur = 0
    for x in [*ents, Entity(len(text), len(text), "", "")]:
        if x.start > cur:
            for m in _CAP_WORD.finditer(text, cur, x.start):
                i = m.start()
                if i and _WORDCH.match(text, i - 1):
                    continue
                w = word_at(text, i)  # the whole word, even when it runs into the next name
                assert w is not None  # _CAP_WORD matched here
                yield i, w.end(), -1
        if x.start >= cur and x.end > x.start:
            i = x.start
            if _CAP_WORD.match(text, i) and not (i and _WORDCH.match(text, i - 1)):
                w = word_at(text, i)
                assert w is not None  # _CAP_WORD matched here
                yield i, w.end(), x.end
        cur = max(cur, x.end)


# A name trie's node: (children {(separator, word): node}, endings [(trailing text, name)])
_Node: TypeAlias = tuple[dict[tuple[str, str], "_Node"], list[tuple[str, str]]]


def _propagate_indexed(text: str, names: dict[str, str], ents: list[Entity]) -> list[Entity]:
    """`propagate`'s mentions found in one pass over the capitalised words of the text.

    Names go into a trie of (separator, word) steps; each capitalised word of the text starts
    at most one walk, as long as the longest name it could begin. Linear in the text.
    Mentions inside one of `ents` (sorted, non-overlapping) or starting within one are left
    out: the longer span holds them already, and a walk per word of every long name would
    make pathological texts (a megabyte of capitalised words) slow.
    """
    root: dict[str, _Node] = {}
    out: list[Entity] = []
    for t, lab in names.items():
        words = list(_LEAD_WORD.finditer(t))
        if not words or words[0].start() != 0 or not _CAP_WORD.match(t):
            i = text.find(t)  # rare: a name not starting with a capital or a digit
            while i >= 0:
                j = i + len(t)
                if (i == 0 or not _WORDCH.match(text, i - 1)) and _ends_ok(text, j):
                    out.append(Entity(i, j, lab, t, source="auto", score=0.55))
                i = text.find(t, j)
            continue
        node = root.setdefault(words[0].group(), ({}, []))
        for prev, w in zip(words, words[1:], strict=False):
            node = node[0].setdefault((t[prev.end() : w.start()], w.group()), ({}, []))
        node[1].append((t[words[-1].end() :], t))
    if not root:
        return out
    n = len(text)
    next_word = _NEXT_WORD.match
    for i, e, holder_end in _walk_starts(text, ents):
        found = root.get(text[i:e])
        while found is not None:
            node = found
            for tail, t in node[1]:
                j = e + len(tail)
                if j <= holder_end:
                    continue
                if (
                    not tail
                    # after a whole word only `-x` continues it
                    and not (text.startswith("-", j) and j + 1 < n and text[j + 1].isalnum())
                    or tail
                    and text.startswith(tail, e)
                    and _ends_ok(text, j)
                ):
                    out.append(Entity(i, j, names[t], t, source="auto", score=0.55))
            if not node[0]:
                break
            nm = next_word(text, e)
            if nm is None:
                break
            found = node[0].get((text[e : nm.start(1)], nm.group(1)))
            e = nm.end()
    return out


def unify_labels(ents: list[Entity]) -> None:
    """One string keeps one label in a release: weak evidence follows the strongest mention."""
    best: dict[str, Entity] = {}
    for e in ents:
        b = best.get(e.text)
        if b is None or e.score > b.score:
            best[e.text] = e
    for e in ents:
        b = best[e.text]
        if (
            b.label != e.label
            and e.score < b.score
            and e.label not in ("DATE", "MONEY", "PERCENT")
            and b.label not in ("DATE", "MONEY", "PERCENT")
        ):
            e.label = b.label
