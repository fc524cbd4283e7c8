"""Extractive summaries and sentence spans.

A release's summary is a few of its own sentences, picked by a cheap score (no model):
early sentences of the body (press releases put the news first), sentences naming
entities, and sentences with figures. Boilerplate (about/contact/disclaimer blocks), the
title and the dateline never appear. The chosen sentences keep their original order so
the summary reads like the release.
"""
from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence

from reviewer.core.model import BOILERPLATE, TITLE, Document, Entity

MAX_SENTENCES = 3
MAX_CHARS = 700  # a summary longer than a short paragraph stops being one

# A sentence ends at . ! ? (optionally closed by a quote/bracket) followed by whitespace
# and something that can start a sentence; or at a line break. Common abbreviations
# ("Mr.", "Inc.", "U.S.") are rejected in _split below rather than in the regex, which
# keeps the regex free of variable-length look-behinds.
_END_RE = re.compile(r"[.!?][\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9À-Þ])|\n+")
_ABBREV = frozenset((
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "inc", "ltd", "co", "corp", "plc",
    "llc", "no", "nos", "vs", "etc", "gen", "gov", "sen", "rep", "lt", "col", "capt", "sgt",
    "rev", "hon", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
    "dec", "approx", "est", "dept", "fig", "vol", "mt", "ft", "ave", "blvd",
))
_WORD_BEFORE_RE = re.compile(r"([A-Za-z]+)\.$")
_INITIALS_RE = re.compile(r"(?:\b[A-Za-z]\.){1,}$")  # "U.S." / "J." before the full stop
_FIGURE_RE = re.compile(r"\d|[$€£¥%]")
_CAP_RE = re.compile(r"\b[A-Z][a-z]+")
_URL_RE = re.compile(r"https?://|www\.|@\w+\.\w+")
# A picture's caption: "(Photo: VNA)", "Photo: Reuters", "(File photo)".
_CAPTION_RE = re.compile(r"\((?:file\s+)?photo\b|\bphoto(?:graph)?\s*(?:by|:)|\(image\b", re.I)


def is_caption(sentence: str) -> bool:
    """A picture's caption ("... in Hanoi on June 4 (Photo: VNA)") rather than the story."""
    return bool(_CAPTION_RE.search(sentence))


def split_sentences(text: str, start: int, end: int) -> Iterable[tuple[int, int]]:
    """(start, end) of each sentence in text[start:end], stripped of surrounding space."""
    pos = start
    for m in _END_RE.finditer(text, start, end):
        if m.group().startswith("\n"):
            cut = m.start()
        else:
            head = text[max(pos, m.start() - 12):m.start() + 1]
            w = _WORD_BEFORE_RE.search(head)
            if w and w.group(1).lower() in _ABBREV:
                continue
            if _INITIALS_RE.search(head):
                continue
            cut = m.end()
        yield from _trimmed(text, pos, cut)
        pos = m.end()
    yield from _trimmed(text, pos, end)


def _trimmed(text: str, s: int, e: int) -> Iterable[tuple[int, int]]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    if e > s:
        yield (s, e)


def sentence_spans(document: Document, *, include_boilerplate: bool = False
                   ) -> list[tuple[int, int]]:
    """Sentences of the release's body blocks (the whole text when it has no blocks)."""
    text, st = document.text, document.structure
    if not st.blocks:
        return list(split_sentences(text, 0, len(text)))
    spans: list[tuple[int, int]] = []
    for block in st.blocks:
        if block.kind in (TITLE,) or (block.kind == BOILERPLATE and not include_boilerplate):
            continue
        spans.extend(split_sentences(text, block.start, block.end))
    return spans


def enclosing_sentence(document: Document, start: int, end: int,
                       spans: Sequence[tuple[int, int]] | None = None) -> tuple[int, int]:
    """The smallest run of whole sentences covering [start, end)."""
    if spans is None:
        spans = list(split_sentences(document.text, 0, len(document.text)))
    s, e = start, end
    for a, b in spans:
        if a <= start < b or (start <= a and b <= end):
            s = min(s, a)
        if a < end <= b:
            e = max(e, b)
    return s, e


def _without_dateline(document: Document, s: int, e: int) -> tuple[int, int]:
    """Drop a leading "JAKARTA, 27 May 2021 –" from the release's first sentence."""
    dl = document.structure.dateline
    if dl is not None and s <= dl.start < e and dl.end < e:
        s = dl.end
        text = document.text
        while s < e and (text[s].isspace() or text[s] in "-–—:,"):
            s += 1
    return s, e


def generated_summary(document: Document, entities: Sequence[Entity] | None = None, *,
                      max_sentences: int = MAX_SENTENCES) -> str:
    """A few sentences of the release that best say what it is about.

    `entities`, when given (the reviewer's corrected entities), sharpen the score; without
    them capitalised words stand in for names, so the GUI can call this on a bare document.
    """
    text = document.text
    spans = sentence_spans(document)
    dl = document.structure.dateline
    candidates: list[tuple[float, int, int, int]] = []  # (score, index, start, end)
    starts = sorted(ent.start for ent in entities) if entities is not None else None
    title = document.structure.title.strip().lower()
    seen: set[str] = set()
    for index, (s, e) in enumerate(spans):
        s, e = _without_dateline(document, s, e)
        sentence = text[s:e]
        words = sentence.split()
        if len(words) < 6 or _URL_RE.search(sentence) or is_caption(sentence):
            continue  # fragments, bylines, captions, "For more information visit ..." lines
        normal = " ".join(words).casefold()
        if normal in seen:
            continue  # a caption or pull quote repeating the text
        seen.add(normal)
        if dl is not None and dl.start <= s and e <= dl.end:
            continue
        if sentence.strip().lower() == title:
            continue
        score = 3.0 / (1 + index)  # lead bias: the news comes first in a release
        if starts is not None:
            n_ent = bisect.bisect_left(starts, e) - bisect.bisect_left(starts, s)
        else:
            n_ent = len(_CAP_RE.findall(sentence)) - 1  # the first word is always capitalised
        score += 0.25 * min(n_ent, 6)
        score += 0.5 if _FIGURE_RE.search(sentence) else 0.0
        if len(words) > 60:
            score -= 1.0  # run-on lists read badly in a summary
        if sentence.startswith(("“", '"')):
            score -= 0.3  # quotes are colour rather than news
        candidates.append((score, index, s, e))
    chosen = sorted(candidates, key=lambda c: (-c[0], c[1]))[:max_sentences]
    chosen.sort(key=lambda c: c[1])
    out: list[str] = []
    total = 0
    for _score, _i, s, e in chosen:
        sentence = " ".join(text[s:e].split())
        if out and total + len(sentence) > MAX_CHARS:
            break
        out.append(sentence)
        total += len(sentence) + 1
    return " ".join(out)


__all__ = ["generated_summary", "sentence_spans", "enclosing_sentence", "split_sentences"]
