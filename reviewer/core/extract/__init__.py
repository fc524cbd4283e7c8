"""Entity and fact extraction for press releases (pure Python, no Qt, no network).

extract(text, structure=None, lexicon=None) -> Extraction
extract_patterns(text) -> list[Entity]          # DATE / MONEY / PERCENT only
"""

from __future__ import annotations

import bisect
import re
from datetime import date

from reviewer.core.documents.structure import analyse as analyse_structure
from reviewer.core.extract._scan import finditer_after
from reviewer.core.extract.consistency import (
    acronyms,
    masked_spans,
    propagate,
    special_contexts,
    unify_labels,
)
from reviewer.core.extract.dateline import find_dateline
from reviewer.core.extract.facts import find_facts
from reviewer.core.extract.gazetteer import DOC_HEADS, HEADLINE_VERBS, gazetteer
from reviewer.core.extract.learned import Recogniser, recogniser
from reviewer.core.extract.lexicon import Lexicon
from reviewer.core.extract.names import find_names
from reviewer.core.extract.patterns import extract_patterns as _patterns
from reviewer.core.extract.patterns import resolve_overlaps
from reviewer.core.model import BOILERPLATE, Dateline, Entity, Extraction, Structure

__all__ = ["extract", "extract_patterns", "analyse_and_rules", "Lexicon", "Recogniser"]

_NAV_LINE = re.compile(
    r"(?m)^[ \t]*(?:Menu\b[^\n]*|[-*•][ \t]+[A-Z0-9][A-Z0-9 &/'’,.-]*|[^\S\n]*"
    r"(?:Skip to (?:main )?content|Sitemap|SITEMAP)[^\n]*)$"
)
_QUOTED = re.compile(r"[“\"]([A-Z][^”\"\n]{3,120}?)[”\"]")
_EVENT_CUE = re.compile(
    r"(?:symposium|conference|forum|seminar|workshop|summit|event|exhibition|festival|"
    r"webinar|dialogue|competition|ceremony|campaign|programme|program)\s+"
    r"(?:(?:themed|titled|entitled|called|named|on)\s+)?$",
    re.I,
)
_SUBREGION = re.compile(r"(?<![\w-])([A-Z][a-z]+[\x20-](?:sub-region|subregion))\b")
# no leading look-behind: `finditer_after` checks it (see _scan.py)
_HIST_EVENT = re.compile(
    r"((?:19|20)\d\d(?:[-–](?:19|20)?\d\d)?\x20[A-Z][\w-]+\x20(?:[a-z]+\x20(?:and\x20)?){0,3}"
    r"(?:crisis|war|pandemic|earthquake|tsunami|recession|revolution|uprising|floods?))\b"
)
_SMALL = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "on",
        "in",
        "for",
        "to",
        "and",
        "or",
        "with",
        "at",
        "by",
        "from",
        "as",
        "vs",
    ]
)


def extract_patterns(text: str) -> list[Entity]:
    """DATE, MONEY and PERCENT mentions (cheap; no structure needed)."""
    return _patterns(text)


def _ref_date(dl: Dateline | None) -> date | None:
    if dl and dl.iso and len(dl.iso) >= 10:
        try:
            return date.fromisoformat(dl.iso[:10])
        except ValueError:
            return None
    return None


# three lower-case words in a row; starting only after a non-letter keeps it linear on a
# long run of letters (no retry from every letter of the run)
_SENTENCE_WORDS = re.compile(r"(?<![a-z])[a-z]{3,}\s[a-z]{3,}\s[a-z]{3,}")


def _nav_spans(text: str, structure: Structure | None) -> list[tuple[int, int]]:
    spans = [m.span() for m in _NAV_LINE.finditer(text)]
    if structure:
        for b in structure.blocks:
            if b.kind == BOILERPLATE and b.reason == "navigation":
                chunk = text[b.start : b.end]
                # only menu-like debris: short, no sentence (the analyser may flag a whole section)
                sentence = _SENTENCE_WORDS.search(chunk)
                if len(chunk.split()) <= 8 and not sentence and "|" not in chunk:
                    spans.append((b.start, b.end))
    return sorted(spans)


def _quoted(text: str) -> list[Entity]:
    out = []
    for m in _QUOTED.finditer(text):
        content = m.group(1)
        words = [w for w in re.findall(r"[\w’'-]+", content)]
        if not 2 <= len(words) <= 16:
            continue
        big = [w for w in words if w.lower() not in _SMALL]
        if not big or sum(1 for w in big if w[0].isupper() or w[0].isdigit()) < 0.75 * len(big):
            continue
        s, e = m.span(1)
        if any(w in DOC_HEADS for w in words):
            out.append(Entity(s, e, "DOCUMENT", content, score=0.75))
        elif _EVENT_CUE.search(text, max(0, m.start() - 40), m.start()):
            out.append(Entity(s, e, "EVENT", content, score=0.75))
    return out


_WORD_OR_DASH = re.compile(r"[\w-]")


def _regex_names(text: str) -> list[Entity]:
    out: list[Entity] = []
    # cheap literal gates first: both patterns need a rare word
    if "subregion" in text or "sub-region" in text:
        out += [
            Entity(m.start(1), m.end(1), "PLACE", m.group(1), score=0.7)
            for m in _SUBREGION.finditer(text)
        ]
    out += [
        Entity(m.start(1), m.end(1), "EVENT", m.group(1), score=0.7)
        for m in finditer_after(_HIST_EVENT, text, _WORD_OR_DASH)
    ]
    return out


def _dateline_place(text: str, e: Entity) -> bool:
    """`OSLO - ...` opening a line: a place in capitals, as a dateline writes it."""
    line_start = text.rfind("\n", 0, e.start) + 1
    return e.label == "PLACE" and e.text.isupper() and not text[line_start : e.start].strip()


def _drop_compounds(text: str, ents: list[Entity], dl: Dateline | None = None) -> list[Entity]:
    """`ASEAN - Japan cooperation` is an attribute, not two mentions (unless possessive);
    a dateline's `OSLO - Acme Inc. said` is two."""
    drop: set[int] = set()
    for i in range(len(ents) - 1):
        a, b = ents[i], ents[i + 1]
        if (
            a.label in ("ORG", "PLACE")
            and b.label in ("ORG", "PLACE")
            and text[a.end : b.start] == " - "
            and not (dl is not None and dl.start <= a.start < dl.end)
            and not _dateline_place(text, a)
        ):
            tail = text[b.end : b.end + 2]
            if tail not in ("'s", "’s") and (b.end >= len(text) or text[b.end] in " \t"):
                drop.update((i, i + 1))
    return [e for i, e in enumerate(ents) if i not in drop]


# "First Protocol amending the X Agreement", "Protocol to the X Convention": an instrument
# that amends or supplements a named document is named after it
_AMENDING = re.compile(
    r"(?:(?:First|Second|Third|Fourth|Fifth|Sixth|Seventh|Eighth|Ninth|Tenth|\d{1,2}(?:st|nd|rd|th))"
    r"\x20)?(?:Protocol|Amendment|Annex|Addendum)\x20"
    r"(?:amending|to\x20[Aa]mend|to|on\x20[Aa]mending|of)\x20the\x20$"
)


def _amending_instruments(text: str, ents: list[Entity]) -> list[Entity]:
    out: list[Entity] = []
    for e in ents:
        if e.label == "DOCUMENT":
            m = _AMENDING.search(text, max(0, e.start - 60), e.start)
            prev_end = out[-1].end if out else 0
            if m and m.start() >= prev_end and "\n" not in m.group():
                s = m.start()
                e = Entity(s, e.end, "DOCUMENT", text[s : e.end], e.value, score=e.score)
        out.append(e)
    return out


def _outside(ents: list[Entity], spans: list[tuple[int, int]]) -> list[Entity]:
    """Entities that overlap none of `spans` (sorted by start; they may overlap each other)."""
    if not spans:
        return ents
    # merge into disjoint intervals: then only the last one starting before an entity's end
    # can overlap it (one bisection per entity)
    starts: list[int] = []
    ends: list[int] = []
    for s, t in spans:
        if ends and s <= ends[-1]:
            if t > ends[-1]:
                ends[-1] = t
        else:
            starts.append(s)
            ends.append(t)
    out = []
    for e in ents:
        i = bisect.bisect_left(starts, e.end) - 1
        if i < 0 or ends[i] <= e.start:
            out.append(e)
    return out


def _dateline(text: str, structure: Structure | None) -> Dateline | None:
    dl = structure.dateline if structure and structure.dateline else None
    if dl is None or (dl.place_span is None and dl.source_span is None):
        own = find_dateline(text)
        if own and (dl is None or own.start == dl.start or dl.date_span is None):
            dl = own
    return dl


def _rules(text: str, structure: Structure | None, dl: Dateline | None) -> list[Entity]:
    """The rule engine: patterns, names from local evidence, gazetteers, consistency."""
    gaz = gazetteer()
    cands = _patterns(text, _ref_date(dl))
    cands += find_names(text)
    cands += _quoted(text)
    cands += _regex_names(text)
    cands += special_contexts(text, dl.source_span if dl else None)
    if dl and dl.place_span:
        s, e = dl.place_span
        cands.append(Entity(s, e, "PLACE", text[s:e], score=0.95))
    blocked = sorted(masked_spans(text) + _nav_spans(text, structure))
    cands = _outside(cands, blocked)
    ents = resolve_overlaps(cands)
    acr = acronyms(text, ents)
    if acr:
        ents = resolve_overlaps(ents + acr)
    ents += _outside(propagate(text, ents, gaz), blocked)
    ents = resolve_overlaps(ents)
    ents = _drop_compounds(text, ents)
    return _amending_instruments(text, ents)


def analyse_and_rules(
    text: str, structure: Structure | None = None
) -> tuple[Structure | None, list[Entity]]:
    """The release's structure and the rule engine's entities (the learned model's input)."""
    if structure is None:
        structure = analyse_structure(text)
    return structure, _rules(text, structure, _dateline(text, structure))


_TRAILING = ",;:(\u2013\u2014-"


def _trimmed(text: str, s: int, e: int, label: str) -> tuple[int, int, str]:
    """A span without trailing punctuation that never ends a name (`December 31,`) and
    without a closing bracket it does not open."""
    while e > s and (text[e - 1] in _TRAILING or text[e - 1].isspace()
                     or (text[e - 1] == ")" and "(" not in text[s:e])):
        e -= 1
    return s, e, label


_NAME_LABELS = frozenset(("PERSON", "ORG", "PLACE", "NORP", "EVENT", "DOCUMENT"))
_FIRST_WORD = re.compile(r"(\w+)[ \t]+(?=[\w(])")


def _without_leading_verb(text: str, s: int, e: int, label: str) -> tuple[int, int, str]:
    """`Acme Inc. Opens Pacific Research Institute`: a headline verb in Title Case is not
    the start of the name after it (a name opening its line, `Partners Group`, is kept)."""
    if label not in _NAME_LABELS or not text[text.rfind("\n", 0, s) + 1 : s].strip():
        return s, e, label
    m = _FIRST_WORD.match(text, s, e)
    if m and m.group(1) in HEADLINE_VERBS:
        return m.end(), e, label
    return s, e, label


def _valued(text: str, spans: list[tuple[int, int, str]], rules: list[Entity],
            ref: date | None) -> list[Entity]:
    """Entities for the model's spans, with the normalised value of dates, amounts and
    percentages (from the rule engine's matching span, or the patterns run on the span)."""
    by_span = {(e.start, e.end, e.label): e for e in rules}
    out = []
    for s, e, label in spans:
        rule = by_span.get((s, e, label))
        value = rule.value if rule else None
        if value is None and label in ("DATE", "MONEY", "PERCENT"):
            for p in _patterns(text[s:e], ref):
                if p.start == 0 and p.end == e - s and p.label == label:
                    value = p.value
        out.append(Entity(s, e, label, text[s:e], value, score=0.9))
    return out


def extract(
    text: str,
    structure: Structure | None = None,
    lexicon: Lexicon | None = None,
    model: Recogniser | None | bool = True,
) -> Extraction:
    """Entities (sorted, non-overlapping, `text == doc[start:end]`) and facts of one release.

    `model`: True for the shipped learned recogniser, a `Recogniser` for another (a
    reviewer's own), False for the rule engine alone.
    """
    if structure is None:
        structure = analyse_structure(text)
    dl = _dateline(text, structure)
    ents = _rules(text, structure, dl)
    rec = recogniser() if model is True else model or None
    if rec is not None:
        spans = [_without_leading_verb(text, *_trimmed(text, *sp))
                 for sp in rec.spans(text, structure, ents)]
        ents = _valued(text, [sp for sp in spans if sp[0] < sp[1]], ents, _ref_date(dl))
        ents = _amending_instruments(text, _drop_compounds(text, ents, dl))
    if lexicon is not None:
        ents = lexicon.apply(text, ents)
    unify_labels(ents)
    ents = [e for e in ents if e.start < e.end and text[e.start : e.end] == e.text]
    facts = find_facts(text, ents, dl)
    return Extraction(entities=ents, facts=facts)
