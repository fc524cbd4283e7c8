"""Name recognition: PERSON, ORG, PLACE, NORP, EVENT and DOCUMENT from local evidence.

A regex finds runs of capitalised words (with the connectors names use: `of`, `on the`, ...);
each run is then split into names by head words (`Ministry`, `Summit`, `Agreement`, ...),
gazetteer look-ups, title words before a person, and first/last-name lists. Working on runs
keeps the Python-level loop to a small fraction of the tokens.
"""

from __future__ import annotations

import bisect
import re

from reviewer.core.extract.gazetteer import (
    COMPASS_WORDS,
    HEADLINE_VERBS,
    LEGAL_SUFFIXES,
    NONFINAL_DOC_HEADS,
    STOP_CAPS,
    TITLE_CORE,
    Gazetteer,
    gazetteer,
)
from reviewer.core.extract.name_tokens import (
    CHUNK_SCAN,
    INITIAL,
    MONTH_NAMES,
    ORDINAL,
    PAREN_ACRONYM,
    SAID_AFTER,
    SAID_BEFORE,
    STREET_WORDS,
    TITLE_AFTER,
    TOKEN_RE,
    TRAILERS,
    YEARISH,
    Tok,
    head_kind,
    is_title,
    weak_head,
)
from reviewer.core.model import Entity


class NameFinder:
    """Finds name entities in one text; `find()` returns unresolved candidates."""

    def __init__(self, text: str, gaz: Gazetteer | None = None) -> None:
        self.text = text
        # acronyms defined in brackets somewhere in the release are not "unknown"
        self.defined = frozenset(PAREN_ACRONYM.findall(text))
        self.g = gaz or gazetteer()
        self.out: list[Entity] = []
        # Title Case headlines: capitals there are no evidence of a name
        self.title_lines = title_case_lines(text, self.g)
        self._title_starts = [s for s, _ in self.title_lines]

    # -- helpers -------------------------------------------------------------------------
    def _emit(self, toks: list[Tok], i: int, j: int, label: str, score: float) -> None:
        """Entity over toks[i..j] inclusive."""
        s, e = toks[i].s, toks[j].e
        self.out.append(Entity(s, e, label, self.text[s:e], source="auto", score=score))

    def _gaz_match(self, toks: list[Tok], i: int, used: list[bool]) -> tuple[int, str]:
        """Longest gazetteer name starting at toks[i]: (last index, label) or (-1, "")."""
        g = self.g
        first = toks[i].t
        n = g.first_tokens.get(first, 0)
        if not n:
            return -1, ""
        for k in range(min(n, len(toks) - i), 0, -1):
            if used[i + k - 1]:
                continue
            key = tuple(t.t for t in toks[i : i + k])
            lab = g.names.get(key)
            if lab and not toks[i + k - 1].conn:
                return i + k - 1, lab
        return -1, ""

    def _is_modifier(self, tok: Tok) -> bool:
        t = tok.t
        return not (
            tok.conn
            or t in STOP_CAPS
            or t in HEADLINE_VERBS
            or t in MONTH_NAMES
            or t.rstrip(".") in TITLE_CORE
        )

    def _proper(self, t: str) -> bool:
        """A token that is clearly a proper noun (not ordinary vocabulary)."""
        if ORDINAL.match(t) or YEARISH.match(t):
            return False
        if any(c.isdigit() for c in t):
            return False
        return not self.g.is_common(t) or t.isupper() and len(t) > 1 or "-" in t

    # -- main ----------------------------------------------------------------------------
    def find(self) -> list[Entity]:
        text = self.text
        out = self.out
        names_get = self.g.names.get
        tokens = TOKEN_RE.finditer
        search = CHUNK_SCAN.search
        pos = 0
        while True:  # CHUNK_RE.finditer(text), faster
            m = search(text, pos)
            if m is None:
                break
            w = m.group(1)
            base, pos = m.span(1)
            if " " not in w:
                # one capitalised word (most chunks): only a gazetteer name can come of it;
                # head words alone are generic nouns and a person needs two words
                lab = names_get((w,))
                if lab:
                    out.append(Entity(base, pos, lab, w, source="auto", score=0.85))
                continue
            toks = [
                Tok(base + tm.start(), base + tm.end(), t, t[0].islower() or t == "&")
                for tm in tokens(w)
                for t in (tm.group(),)
            ]
            if toks:
                self._chunk(toks)
        return out

    def _chunk(self, toks: list[Tok]) -> None:
        n = len(toks)
        used = [False] * n
        # 1. head-word names, left to right; a head takes left modifiers and complements
        i = 0
        while i < n:
            t = toks[i]
            kind = "" if t.conn else head_kind(t.t)
            if (
                kind == "ORG"
                and t.t.rstrip(".") in LEGAL_SUFFIXES
                and i + 1 < n
                and toks[i + 1].t.rstrip(".") in LEGAL_SUFFIXES
            ):
                kind = ""  # "Co., Ltd.": the last suffix is the head
            if not kind or (
                t.t in NONFINAL_DOC_HEADS
                and i + 1 < n
                and not toks[i + 1].conn
                and head_kind(toks[i + 1].t)
            ):
                i += 1
                continue
            # the rightmost head in a contiguous run decides ("... Partnership Agreement")
            j = i
            while (
                j + 1 < n
                and not toks[j + 1].conn
                and (
                    head_kind(toks[j + 1].t) or self._is_modifier(toks[j + 1]) and not used[j + 1]
                )
            ):
                # look ahead: is there another head later in this segment?
                k = j + 1
                while (
                    k < n
                    and not toks[k].conn
                    and not head_kind(toks[k].t)
                    and self._is_modifier(toks[k])
                ):
                    k += 1
                if k < n and not toks[k].conn and head_kind(toks[k].t):
                    j = k
                    kind = head_kind(toks[j].t)
                else:
                    break
            end = self._head_span(toks, used, j, kind)
            i = max(end, j) + 1
        # 2. gazetteer names and 3. people among the remaining tokens
        first_tokens = self.g.first_tokens
        i = 0
        run: list[int] = []
        while i < n:
            if used[i] or toks[i].conn:
                self._run(toks, run, used)
                run = []
                i += 1
                continue
            if toks[i].t in first_tokens:
                last, lab = self._gaz_match(toks, i, used)
            else:
                last, lab = -1, ""
            if last == i and lab == "PLACE" and self._person_here(toks, i, used, run):
                last = -1
            if last >= 0 and self._gaz_ok(toks, i, last, lab):
                self._run(toks, run, used)
                run = []
                # an unknown acronym glued to a place or organisation names a body ("MOIT Vietnam")
                if (
                    i > 0
                    and not used[i - 1]
                    and not toks[i - 1].conn
                    and lab in ("PLACE", "ORG")
                    and self._unknown_acronym(toks[i - 1].t)
                    and toks[i - 1].e + 1 == toks[i].s
                ):
                    self._emit(toks, i - 1, last, "ORG", 0.7)
                else:
                    self._emit(toks, i, last, lab, 0.85)
                for k in range(i, last + 1):
                    used[k] = True
                i = last + 1
                continue
            # an ALL-CAPS acronym followed by an ALL-CAPS country ("MOIT VIETNAM")
            if (
                i + 1 < n
                and toks[i].t.isupper()
                and self._unknown_acronym(toks[i].t)
                and toks[i + 1].t.isupper()
                and self.g.upper_names.get((toks[i + 1].t,)) == "PLACE"
            ):
                self._run(toks, run, used)
                run = []
                self._emit(toks, i, i + 1, "ORG", 0.6)
                used[i] = used[i + 1] = True
                i += 2
                continue
            run.append(i)
            i += 1
        self._run(toks, run, used)

    def _person_here(self, toks: list[Tok], i: int, used: list[bool], run: list[int]) -> bool:
        """A one-word place name that is really a person's first name or follows a title."""
        if run and run[-1] == i - 1 and toks[i - 1].t.rstrip(".") in TITLE_CORE:
            return True
        g = self.g
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if nxt is None or used[i + 1] or nxt.conn or (nxt.t,) in g.names:
            return False
        if nxt.t in g.surnames and not g.is_common(nxt.t) and TITLE_AFTER.match(self.text, nxt.e):
            return True
        if (
            INITIAL.match(nxt.t)
            and toks[i].t in g.given
            and i + 2 < len(toks)
            and toks[i + 2].t in g.surnames
        ):
            return True  # "Michael J. Young"
        return (
            toks[i].t in g.given
            and nxt.t in g.surnames
            and not g.is_common(nxt.t)
            and (toks[i].t,) not in g.names
            or g.names.get((toks[i].t,)) == "PLACE"
            and toks[i].t in g.given
            and nxt.t in g.surnames
            and not g.is_common(nxt.t)
        )

    def _gaz_ok(self, toks: list[Tok], i: int, last: int, lab: str) -> bool:
        # ALL-CAPS headings: only acronyms match case-sensitively, which the key already ensures
        return True

    def _unknown_acronym(self, t: str) -> bool:
        g = self.g
        tt = t.title()
        return (
            2 <= len(t) <= 6
            and t.isupper()
            and t.isalpha()
            and not g.is_common(t)
            and (t,) not in g.names
            and tt not in STOP_CAPS
            and tt not in g.first_tokens
            and tt not in HEADLINE_VERBS
            and t not in self.defined
            and tt not in g.given
        )

    def _head_span(self, toks: list[Tok], used: list[bool], j: int, kind: str) -> int:
        """Build the name around head toks[j]; returns the index of its last token (or j)."""
        n = len(toks)
        head = toks[j].t
        # left modifiers
        L = j
        while L - 1 >= 0 and not used[L - 1] and self._is_modifier(toks[L - 1]):
            L -= 1
        # trailing year / number / Plus / legal suffix
        R = j
        while (
            n > R + 1
            and not toks[R + 1].conn
            and (
                YEARISH.match(toks[R + 1].t)
                and kind != "PLACE"
                or toks[R + 1].t in TRAILERS
                or kind == "ORG"
                and toks[R + 1].t.rstrip(".") in LEGAL_SUFFIXES
            )
        ):
            R += 1
        # complements: "of ...", "on the ...", "for ...", "to ...", "and ..." (inside one)
        ncomp = 0
        nof = 0
        k = R + 1
        while k < n and toks[k].conn:
            conn = toks[k].t
            m = k
            while m < n and toks[m].conn:
                m += 1
            if m >= n:
                break
            words = [toks[x].t for x in range(k, m)]
            c0 = words[0]
            if c0 not in ("of", "on", "for", "to", "in", "and", "&"):
                break
            if kind == "PLACE" and c0 != "of":
                break
            if kind == "EVENT" and c0 in ("in", "to"):
                break
            if c0 == "in" and (len(words) < 2 or words[1] != "the"):
                break
            if c0 in ("and", "&") and ncomp == 0 and kind != "ORG":
                break
            if (
                c0 in ("and", "&")
                and ncomp == 0
                and kind == "ORG"
                and not head_kind(self._seg_last(toks, m))
            ):
                break
            if kind == "ORG" and c0 == "of" and nof >= 1:
                break
            if toks[m].t in MONTH_NAMES or toks[m].t in STOP_CAPS or toks[m].t in HEADLINE_VERBS:
                break
            # absorb the complement segment, stopping before a person's name or a title
            q = m
            while q < n and not toks[q].conn and not used[q]:
                tq = toks[q].t
                if q > m and (tq in HEADLINE_VERBS or tq.rstrip(".") in TITLE_CORE):
                    break
                if kind == "ORG" and q > m and self._person_start(toks, q):
                    break
                q += 1
            if q == m:
                break
            conn_ok = True
            if not conn_ok:
                break
            R = q - 1
            ncomp += 1
            nof += c0 == "of"
            k = q
            del conn
        has_mod = any(self._proper(toks[x].t) or ORDINAL.match(toks[x].t) for x in range(L, j))
        has_trail = j < R
        weak = weak_head(head, kind)
        if j == L and ncomp == 0 and not has_trail:
            return j  # a bare head word is a generic noun ("the Plan", "the meeting")
        comp_proper = any(
            self._proper(toks[x].t) or (toks[x].t,) in self.g.names
            for x in range(j + 1, R + 1)
            if not toks[x].conn
        )
        if weak and not (has_mod or comp_proper or has_trail):
            return j
        if kind == "ORG" and head == "Government" and ncomp == 0:
            return j
        if (
            kind == "ORG"
            and j > L
            and ncomp == 0
            and all(toks[x].t in self.g.demonyms for x in range(L, j))
            and weak
        ):
            return j
        if self._in_title_line(toks[L].s) and not (
            kind == "ORG" and toks[j].t.rstrip(".") in LEGAL_SUFFIXES
        ):
            # "Host 2025 Toronto Conference", "Offer Lucrative Lifetime Referral Program": in a
            # Title Case headline a head word proves nothing; a name the body confirms comes
            # back through propagation, and gazetteer names still match these tokens
            return j
        # the whole name must not be only ordinary words plus a weak head
        score = 0.8 if (has_mod or ncomp) else 0.6
        # "the" between head and an "of" keeps the article inside ("Plan of the 2013 ...")
        self._emit(toks, L, R, kind, score)
        for x in range(L, R + 1):
            used[x] = True
        return R

    def _in_title_line(self, off: int) -> bool:
        if not self.title_lines:
            return False
        k = bisect.bisect_right(self._title_starts, off) - 1
        return k >= 0 and off < self.title_lines[k][1]

    def _seg_last(self, toks: list[Tok], m: int) -> str:
        while m + 1 < len(toks) and not toks[m + 1].conn:
            m += 1
        return toks[m].t

    def _person_start(self, toks: list[Tok], q: int) -> bool:
        """toks[q] starts a person's name: a known name part, then another capitalised word."""
        t = toks[q].t
        g = self.g
        if not g.is_name_part(t) or g.is_common(t) or (t,) in g.names:
            return False
        return q + 1 < len(toks) and not toks[q + 1].conn and not g.is_common(toks[q + 1].t)

    # -- people and leftovers ------------------------------------------------------------
    def _run(self, toks: list[Tok], run: list[int], used: list[bool]) -> None:
        if not run:
            return
        # split into contiguous pieces
        pieces: list[list[int]] = []
        for x in run:
            if pieces and x == pieces[-1][-1] + 1:
                pieces[-1].append(x)
            else:
                pieces.append([x])
        for p in pieces:
            if len(p) > 1:  # one leftover word is never a name on its own here
                self._piece(toks, p)

    def _piece(self, toks: list[Tok], p: list[int]) -> None:
        # stop words, headline verbs and month names cut the piece; each part between them
        # (left to right) may be a name (a loop, not recursion: a long run of stop words
        # must not exhaust the stack)
        seg: list[int] = []
        for x in p:
            t = toks[x].t
            if t in HEADLINE_VERBS or t in STOP_CAPS or t in MONTH_NAMES:
                if len(seg) > 1:
                    self._segment(toks, seg)
                seg = []
            else:
                seg.append(x)
        if len(seg) > 1:
            self._segment(toks, seg)

    def _segment(self, toks: list[Tok], p: list[int]) -> None:
        """A run of two or more capitalised words with no stop word: a title and person?"""
        g = self.g
        if toks[p[-1]].t.rstrip(".") in STREET_WORDS:
            return  # "Park Street", "Lake Shore Drive": an address, not a person
        # a title phrase: everything up to the last title word is the title
        tl = -1
        for x, idx in enumerate(p):
            if toks[idx].t.rstrip(".") in TITLE_CORE:
                tl = x
            elif not is_title(toks[idx].t):
                break
        name = p[tl + 1 :] if tl >= 0 else p
        if tl >= 0 and name:
            # a person follows a title; their name is 1-4 capitalised words
            name = name[:4]
            words = [toks[x].t for x in name]
            if (
                all(not g.is_common(w) or g.is_name_part(w) for w in words)
                and not any(w.isupper() and len(w) > 1 and not INITIAL.match(w) for w in words)
                and not any(YEARISH.match(w) for w in words)
            ):
                self._emit(toks, name[0], name[-1], "PERSON", 0.85)
            return
        words = [toks[x].t for x in name]
        if not words:
            return
        if (
            words[0] in COMPASS_WORDS
            or any(len(w) == 1 for w in words)
            or (words[-1],) in g.names
            and words[-1] not in g.surnames
        ):
            # "Southern Maryland", "C Stage": a direction, a bare letter or a place's name
            # at the end make no person
            return
        s, e = toks[name[0]].s, toks[name[-1]].e
        text = self.text
        if (
            2 <= len(words) <= 4
            and not INITIAL.match(words[-1])
            and not any(
                w.isupper() and len(w) > 1 and not INITIAL.match(w)
                or YEARISH.match(w)
                or is_title(w)
                for w in words
            )
        ):
            common = sum(1 for w in words if g.is_common(w) and not g.is_name_part(w))
            known = sum(1 for w in words if g.is_name_part(w))
            first_ok = words[0] in g.given or words[0] in g.surnames
            last_ok = words[-1] in g.surnames or words[-1] in g.given
            if common == 0 and first_ok and last_ok and not any(g.is_common(w) for w in words[-1:]):
                self._emit(toks, name[0], name[-1], "PERSON", 0.75)
                return
            if (
                common == 0
                and known >= 1
                and (
                    TITLE_AFTER.match(text, e)
                    or SAID_BEFORE.search(text, max(0, s - 20), s)
                    or SAID_AFTER.match(text, e)
                    or self._appositive(s, e)
                )
            ):
                self._emit(toks, name[0], name[-1], "PERSON", 0.7)
                return
            if common == 0 and self._appositive(s, e):
                self._emit(toks, name[0], name[-1], "PERSON", 0.6)
                return

    def _appositive(self, s: int, e: int) -> bool:
        """`<Title ...> of <Org>, Name Name,` - a name set off by commas after a title."""
        text = self.text
        if not (text[s - 2 : s] == ", " and text[e : e + 1] == ","):
            return False
        before = text[max(0, s - 160) : s]
        cut = max(before.rfind(". "), before.rfind("\n"))
        before = before[cut + 1 :]
        return any(w.strip(",.") in TITLE_CORE for w in before.split())


_LINE = re.compile(r"[^\n]+")
_ABOUT = re.compile(r"[\s#*>]*About\x20")
_LINE_WORD = re.compile(r"[A-Za-z][A-Za-z’'-]{3,}")


def title_case_lines(text: str, g: Gazetteer) -> list[tuple[int, int]]:
    """Spans of headline-like lines written in Title Case (most long words capitalised).

    `NAFA Announces Return of OEM Panel at 2025 Institute & Expo` is one; a body sentence
    always has lower-case words of four letters or more (`with`, `said`, `will`, ...).
    """
    out = []
    for m in _LINE.finditer(text):
        line = m.group()
        if len(line) > 250 or len(line) < 20 or line.rstrip().endswith((".", ":", ";")):
            continue  # too long for a headline, or a sentence / a lead-in
        if _ABOUT.match(line):
            continue  # "About Acme Robotics Corporation": a section named after a name
        cap = low = 0
        for w in _LINE_WORD.findall(line):
            if w[0].isupper():
                if not w.isupper():
                    cap += 1
            else:
                low += 1
        if cap >= 3 and low <= cap // 6:
            out.append(m.span())
    return out


def find_names(text: str) -> list[Entity]:
    """Name candidates (may overlap; the caller resolves)."""
    return NameFinder(text).find()
