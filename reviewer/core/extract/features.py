"""Token features for the learned recogniser.

A feature is a string; the CRF learns a weight for each (feature, tag) pair. Four kinds:
- the word itself: form, shape, affixes, corpus clusters and capitalisation habits, and
  membership of the gazetteers and head-word lists (cached per word form, so a release
  pays for each distinct word once);
- its neighbours, two words either side;
- the layout: headline, bullet, "About" paragraph, footer, boilerplate block;
- the document: the rule engine's labels, a gazetteer match, and whether the release
  also writes the word in lower case, or uses it before a legal suffix or a ticker.
"""

from __future__ import annotations

import functools
import gzip
import re
import threading
from collections.abc import Sequence

from reviewer.core.extract.consistency import masked_spans
from reviewer.core.extract.gazetteer import (
    DOC_HEADS,
    EVENT_HEADS,
    EXCHANGES,
    LEGAL_SUFFIXES,
    ORG_HEADS,
    PLACE_HEADS,
    TITLE_CORE,
    gazetteer,
)
from reviewer.core.extract.patterns import MONTHS, WEEKDAYS
from reviewer.core.extract.tokens import tokens
from reviewer.core.model import BOILERPLATE, Entity, Structure
from reviewer.core.resources import resource_path

Features = list[str]

_MONTHS = frozenset(MONTHS)
_DAYS = frozenset(d.lower() for d in WEEKDAYS)
_EXCHANGES = EXCHANGES | {"NasdaqGS", "NasdaqGM", "NasdaqCM", "TSXV", "NEO"}
_LEGAL = re.compile(
    r"(?:inc|llc|corp|corporation|ltd|limited|co|plc|lp|llp|gmbh|ag|sa|nv|pte|pty|bhd|company"
    r"|group|holdings)",
    re.I,
)
_SHAPE = str.maketrans(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
    "X" * 26 + "x" * 26 + "d" * 10,
)
_REPEAT = re.compile(r"(.)\1+")


class _Words:
    """Corpus clusters and capitalisation habits (resources/model/words.tsv.gz)."""

    def __init__(self) -> None:
        self.forms: dict[str, tuple[str, str, str, str]] = {}
        self.caps: dict[str, str] = {}
        path = resource_path("model", "words.tsv.gz")
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                form, c50, c200, c1k, fq, caps = line.rstrip("\n").split("\t")
                self.forms[form] = (c50, c200, c1k, fq)
                if caps != "-":
                    self.caps.setdefault(form.lower(), caps)


_LOCK = threading.Lock()
_WORDS: _Words | None = None


def _words() -> _Words:
    global _WORDS
    if _WORDS is None:
        with _LOCK:
            if _WORDS is None:
                _WORDS = _Words()
    return _WORDS


def _lowered(words: frozenset[str]) -> frozenset[str]:
    return frozenset(w.lower().rstrip(".") for w in words)


_TITLES = _lowered(TITLE_CORE)
_ORG_HEADS = _lowered(ORG_HEADS)
_EVENT_HEADS = _lowered(EVENT_HEADS)
_DOC_HEADS = _lowered(DOC_HEADS)
_PLACE_HEADS = _lowered(PLACE_HEADS)
_LEGAL_SUFFIXES = _lowered(LEGAL_SUFFIXES)


def shape(w: str) -> str:
    """`McDonald's` -> `XxXx'x`: letter classes with repeats squeezed, at most 6 marks."""
    return _REPEAT.sub(r"\1", w.translate(_SHAPE))[:6]


@functools.lru_cache(maxsize=300_000)
def word_features(w: str) -> tuple[str, ...]:
    lw = w.lower()
    f = [
        "w=" + lw, "sh=" + shape(w), "p2=" + lw[:2], "p3=" + lw[:3],
        "s2=" + lw[-2:], "s3=" + lw[-3:], "s4=" + lw[-4:],
    ]
    if len(w) > 1 and w.isupper():
        f.append("UP")
    if w[:1].isupper():
        f.append("TI")
    if w.isdigit():
        f.append(f"DIG{min(len(w), 5)}")
    words = _words()
    info = words.forms.get(w) or words.forms.get(lw)
    if info:
        f += ["c50=" + info[0], "c200=" + info[1], "c1k=" + info[2], "fq=" + info[3]]
    else:
        f += ["c=NONE", "fq=0"]
    if w[:1].isalpha():
        f.append("cr=" + words.caps.get(lw, "rare"))
    g = gazetteer()
    for on, name in (
        (w in g.given, "GIVEN"), (w in g.surnames, "SURN"), (lw in g.common, "COMMON"),
        (w in g.demonyms, "DEMONYM"), (lw in _MONTHS, "MONTH"), (lw in _DAYS, "DAY"),
        (lw in _TITLES, "TITLE"), (lw in _ORG_HEADS, "ORGH"), (lw in _EVENT_HEADS, "EVH"),
        (lw in _DOC_HEADS, "DOCH"), (lw in _PLACE_HEADS, "PLH"), (lw in _LEGAL_SUFFIXES, "LEGAL"),
    ):
        if on:
            f.append(name)
    return tuple(f)


@functools.lru_cache(maxsize=300_000)
def _as_neighbour(w: str) -> tuple[str, str, str]:
    info = _words().forms.get(w) or _words().forms.get(w.lower())
    return w.lower(), shape(w), info[1] if info else "-"


@functools.lru_cache(maxsize=1)
def _gazetteer_index() -> tuple[dict[tuple[str, ...], str], dict[str, int]]:
    """The gazetteer's names re-cut into this module's tokens."""
    names: dict[tuple[str, ...], str] = {}
    longest: dict[str, int] = {}
    for toks, label in gazetteer().names.items():
        name = " ".join(toks)
        key = tuple(name[s:e] for s, e in tokens(name))
        if key:
            names[key] = label
            longest[key[0]] = max(longest.get(key[0], 0), len(key))
    return names, longest


def _gazetteer_tags(toks: Sequence[str]) -> list[str | None]:
    names, longest = _gazetteer_index()
    n = len(toks)
    tags: list[str | None] = [None] * n
    i = 0
    while i < n:
        hit, label = 0, ""
        for k in range(min(longest.get(toks[i], 0), n - i), 0, -1):
            found = names.get(tuple(toks[i : i + k]))
            if found:
                hit, label = k, found
                break
        if hit:
            tags[i] = "B-" + label
            for j in range(i + 1, i + hit):
                tags[j] = "I-" + label
            i += hit
        else:
            i += 1
    return tags


def bilou(spans: Sequence[tuple[int, int, str]], offs: Sequence[tuple[int, int]]) -> list[str]:
    """BILOU tags of the tokens for (start, end, label) spans on token boundaries."""
    starts = {s: i for i, (s, _) in enumerate(offs)}
    ends = {e: i for i, (_, e) in enumerate(offs)}
    tags = ["O"] * len(offs)
    for s, e, label in spans:
        i, j = starts.get(s), ends.get(e)
        if i is None or j is None or j < i:
            continue
        if i == j:
            tags[i] = "U-" + label
        else:
            tags[i] = "B-" + label
            for k in range(i + 1, j):
                tags[k] = "I-" + label
            tags[j] = "L-" + label
    return tags


class _DocumentWords:
    """What the whole release says about its capitalised words: written in lower case
    somewhere; part of a name ending in a legal suffix or standing before `(EXCHANGE:`;
    right after a title or a reporting verb (`CEO Jane Doe`, `said Doe`); in the headline;
    in an `About ...` heading."""

    def __init__(self, text: str, toks: Sequence[str], offs: Sequence[tuple[int, int]]) -> None:
        self.lower = {t for t in toks if t[:1].islower()}
        self.company: set[str] = set()
        self.listed: set[str] = set()
        self.person: set[str] = set()
        self.headline: set[str] = set()
        self.about: set[str] = set()
        first_line = text.lstrip().split("\n", 1)[0]
        n = len(toks)
        i = 0
        while i < n:
            t = toks[i]
            if not (t[:1].isupper() or t[:1].isdigit()):
                i += 1
                continue
            j = i
            while j + 1 < n and offs[j + 1][0] - offs[j][1] <= 1:
                nxt = toks[j + 1]
                legal_next = j + 2 < n and _LEGAL.fullmatch(toks[j + 2])
                if (nxt[:1].isupper() or nxt[:1].isdigit() or nxt in ("&", "-", "of", ".")
                        or (nxt == "," and legal_next)):  # `Acme Co., Ltd.`
                    j += 1
                else:
                    break
            while j > i and not (toks[j][:1].isupper() or toks[j][:1].isdigit()
                                 or _LEGAL.fullmatch(toks[j]) or toks[j] == "."):
                j -= 1  # a run ends on a word (or `Inc.`), not on `,` or `&`
            run = toks[i : j + 1]
            words = [r for r in run if r[:1].isupper()]
            legal = [k for k in range(1, len(run)) if _LEGAL.fullmatch(run[k])]
            if legal:
                self.company.update(r for r in run[: legal[-1]]
                                    if r[:1].isupper() and not _LEGAL.fullmatch(r))
            if j + 2 < n and toks[j + 1] == "(" and toks[j + 2] in _EXCHANGES:
                self.listed.update(words)
            if j + 3 < n and toks[j + 1] == ",":
                after = [t.lower() for t in toks[j + 2 : j + 12]]
                if after[0] in ("a", "an") and any(t in _COMPANY_NOUNS for t in after):
                    self.company.update(words)  # `X, a leading provider of ...`
                elif after[0] in _TITLES:
                    self.person.update(words)  # `Jane Doe, CEO of ...`
            prev = toks[i - 1].lower() if i else ""
            if run[0] in _HONORIFICS and len(run) > 2 and run[1] == ".":
                self.person.update(w for w in words[1:] if w.lower() not in _TITLES)
            elif prev in _PERSON_CUES:
                self.person.update(w for w in words if w.lower() not in _TITLES)
            line_start = text.rfind("\n", 0, offs[i][0]) + 1
            if text.startswith(("About ", "ABOUT "), line_start):
                self.about.update(w for w in words if w not in ("About", "ABOUT"))
            i = j + 1
        self.headline = {text[s:e] for s, e in tokens(first_line)} if first_line else set()

    def flags(self, w: str) -> list[str]:
        out = []
        if w.lower() in self.lower:
            out.append("DOC_LOWER")
        for name, words in (("DOC_COMP", self.company), ("DOC_EXCH", self.listed),
                            ("DOC_PERSON", self.person), ("DOC_HEADLINE", self.headline),
                            ("DOC_ABOUT", self.about)):
            if w in words:
                out.append(name)
        return out


_COMPANY_NOUNS = frozenset((
    "company", "firm", "provider", "leader", "developer", "maker", "manufacturer", "platform",
    "startup", "agency", "bank", "group", "organization", "organisation", "nonprofit",
    "institution", "retailer", "operator", "supplier", "producer", "distributor", "brand",
    "corporation", "subsidiary", "consultancy", "studio", "network", "exchange", "fund",
))
_HONORIFICS = frozenset(("Mr", "Ms", "Mrs", "Dr", "Prof", "Sen", "Rep", "Gov"))
_PERSON_CUES = _TITLES | frozenset(("said", "says", "according", "added", "explained", "noted"))


def _line_flags(
    text: str, offs: Sequence[tuple[int, int]], structure: Structure | None
) -> list[list[str]]:
    """Per token: the flags of its line (headline, bullet, About, capitals, footer) and of
    its boilerplate block."""
    lines: list[tuple[int, list[str]]] = []
    pos = 0
    first = -1
    footer_at = len(text) + 1
    for n, line in enumerate(text.split("\n")):
        st = line.lstrip()
        flags = []
        if st and first < 0:
            first = n
        if n == first or st.startswith("#"):
            flags.append("HEAD")
        if st[:2] in ("* ", "- ", "• "):
            flags.append("BUL")
        if st[:6].lower() == "about ":
            flags.append("ABOUT")
        if first >= 0 and n <= first + 2:
            flags.append("TOP")
        up = sum(map(str.isupper, line))
        lo = sum(map(str.islower, line))
        if up + lo > 8 and up > 4 * lo:
            flags.append("CAPLINE")
        if st == "---" and pos > len(text) * 0.4 and footer_at > len(text):
            footer_at = pos
        lines.append((pos, flags))
        pos += len(line) + 1
    blocks = []
    if structure is not None:
        blocks = [(b.start, b.end, "BP=" + (b.reason or "x")) for b in structure.blocks
                  if b.kind == BOILERPLATE]
    out: list[list[str]] = []
    li = bi = 0
    for s, _ in offs:
        while li + 1 < len(lines) and lines[li + 1][0] <= s:
            li += 1
        flags = lines[li][1]
        extra = []
        if s >= footer_at:
            extra.append("FOOT")
        while bi < len(blocks) and blocks[bi][1] <= s:
            bi += 1
        if bi < len(blocks) and blocks[bi][0] <= s:
            extra.append(blocks[bi][2])
        out.append(flags + extra if extra else flags)
    return out


_GLUED_WORD = re.compile(r"[^\s\"“”‘’'()\[\],;:!?]+")


def _glued_words(text: str, offs: Sequence[tuple[int, int]]) -> list[tuple[str, ...] | None]:
    """For a token that is part of a longer word (`Du|Pont`, `24|-|7|Press|Release`), the
    whole word and the token's place in it: the case cuts must not hide the name."""
    out: list[tuple[str, ...] | None] = [None] * len(offs)
    i = 0
    n = len(offs)
    for m in _GLUED_WORD.finditer(text):
        ws, we = m.span()
        while i < n and offs[i][1] <= ws:
            i += 1
        j = i
        while j < n and offs[j][1] <= we:
            j += 1
        if j - i > 1 and we - ws <= 40 and sum(1 for k in range(i, j)
                                                if text[offs[k][0]].isalnum()) > 1:
            word = m.group().rstrip(".")
            key = ("gw=" + word.lower(), "gwsh=" + shape(word))
            for k in range(i, j):
                where = "first" if k == i else "last" if k == j - 1 else "mid"
                out[k] = (*key, "gwpos=" + where)
        i = j
    return out


_RUN_JOINERS = frozenset(("of", "and", "&", "the", "for", "de", "du", "la"))
_GLUED_JOINERS = frozenset(("-", "'", "’", ".", "&"))


def _capital_runs(text: str, offs: Sequence[tuple[int, int]],
                  toks: Sequence[str]) -> list[tuple[str, ...] | None]:
    """For each token of a run of capitalised words on one line (`Jacksonville Golf and
    Country Club`), where it sits in the run and the run's first and last words, the
    words just before and after it: a name's head word decides its label."""
    n = len(toks)
    out: list[tuple[str, ...] | None] = [None] * n
    i = 0
    while i < n:
        t = toks[i]
        if not (t[:1].isupper() or t[:1].isdigit()):
            i += 1
            continue
        j = i  # last capitalised token of the run
        k = i + 1
        while k < n and "\n" not in text[offs[k - 1][1] : offs[k][0]]:
            nxt = toks[k]
            glued = offs[k - 1][1] == offs[k][0] and k + 1 < n and offs[k][1] == offs[k + 1][0]
            if nxt[:1].isupper() or nxt[:1].isdigit():
                j = k
            elif k - j > 2 or not (nxt in _RUN_JOINERS or (glued and nxt in _GLUED_JOINERS)):
                break
            k += 1
        size = j - i + 1
        first, last = toks[i].lower(), toks[j].lower()
        before = toks[i - 1].lower() if i else "^"
        after = toks[j + 1].lower() if j + 1 < n else "$"
        common = (f"rlen={min(size, 5)}", "rhead=" + last, "rfirst=" + first,
                  "rprev=" + before, "rnext=" + after)
        for k in range(i, j + 1):
            where = "U" if size == 1 else "B" if k == i else "L" if k == j else "I"
            out[k] = (*common, "rpos=" + where)
        i = j + 1
    return out


def document_features(
    text: str, structure: Structure | None, rule_entities: Sequence[Entity]
) -> tuple[list[tuple[int, int]], list[Features]]:
    """Tokens of `text` and the features of each, for the first-pass model."""
    offs = tokens(text)
    toks = [text[s:e] for s, e in offs]
    n = len(toks)
    rules = bilou([(e.start, e.end, e.label) for e in rule_entities], offs)
    gaz = _gazetteer_tags(toks)
    document = _DocumentWords(text, toks, offs)
    layout = _line_flags(text, offs, structure)
    addresses = masked_spans(text)
    near = [_as_neighbour(t) for t in toks]
    glued = _glued_words(text, offs)
    runs = _capital_runs(text, offs, toks)
    X: list[Features] = []
    ai = 0
    for i in range(n):
        s, e = offs[i]
        w = toks[i]
        f = list(word_features(w))
        if i == 0:
            before = "N"
        elif offs[i - 1][1] == s:
            before = "0"
        elif "\n" in text[offs[i - 1][1] : s]:
            before = "NL"
        else:
            before = "1"
        after = "N" if i == n - 1 else ("0" if offs[i + 1][0] == e else "1")
        f.append("spb=" + before)
        f.append("spa=" + after)
        g = glued[i]
        if g:
            f += g
        if i >= 2:
            f.append("-2:w=" + near[i - 2][0])
        else:
            f.append("-2:BOUND")
        if i >= 1:
            lw, sh, c = near[i - 1]
            f += ["-1:w=" + lw, "-1:sh=" + sh, "-1:c=" + c, f"bg-={lw}|{near[i][0]}"]
        else:
            f += ["-1:BOUND", f"bg-=^|{near[i][0]}"]
        if i + 1 < n:
            lw, sh, c = near[i + 1]
            f += ["1:w=" + lw, "1:sh=" + sh, "1:c=" + c, f"bg+={near[i][0]}|{lw}"]
        else:
            f += ["1:BOUND", f"bg+={near[i][0]}|$"]
        f.append("2:w=" + near[i + 2][0] if i + 2 < n else "2:BOUND")
        if i == 0 or before == "NL" or toks[i - 1] in (".", "!", "?"):
            f.append("SSTART")
        f.append("R=" + rules[i])
        f.append("R-1=" + (rules[i - 1] if i else "^"))
        f.append("R+1=" + (rules[i + 1] if i + 1 < n else "$"))
        if gaz[i]:
            f.append("G=" + str(gaz[i]))
        if w[:1].isupper():
            f += document.flags(w)
        f += layout[i]
        run = runs[i]
        if run:
            f += run
        while ai < len(addresses) and addresses[ai][1] <= s:
            ai += 1
        if ai < len(addresses) and addresses[ai][0] <= s:
            f.append("URL")
        X.append(f)
    return offs, X
