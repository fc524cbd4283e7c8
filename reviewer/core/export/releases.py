"""The releases of one memo: each with its view, headline and summary, and the names they
share."""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reviewer.core.export.claims import When, country_of, release_when
from reviewer.core.export.summary import is_caption, sentence_spans
from reviewer.core.extract.linking import link
from reviewer.core.model import BOILERPLATE, Alias, Entity

if TYPE_CHECKING:  # review imports the extractor; the memo only needs the data shape
    from reviewer.core.review.view import DocumentView

#: Labels of the entity tables: the memo's reader wants who and which body, not every
#: date, amount and place (those are in the key facts).
TABLE_LABELS = ("PERSON", "ORG")
HEADLINE_CHARS = 90
#: A "name" longer than this (in words) is a sentence the extractor took for a name: the
#: memo's lists of people and bodies leave it out (it stays highlighted in the full text).
MAX_NAME_WORDS = {"PERSON": 6, "ORG": 12, "PLACE": 8}


def plausible_name(label: str, name: str) -> bool:
    return len(name.split()) <= MAX_NAME_WORDS.get(label, 12)


@dataclass(slots=True)
class Release:
    """One release as the memo needs it: the view plus what the store adds."""

    number: int
    view: DocumentView
    summary: str = ""

    @property
    def headline(self) -> str:
        return headline(self.view)

    @property
    def when(self) -> When | None:
        return release_when(self.view)

    def dateline(self) -> str:
        """"Jakarta, 27 May 2021" (a place in capitals is written in title case)."""
        dl = self.view.document.structure.dateline
        if dl is None:
            return ""
        place = dl.place.strip()
        if place.isupper() and len(place) > 3:
            place = place.title()
        when = self.when
        date = when.shown() if when is not None else dl.date.strip()
        return ", ".join(x for x in (place, date) if x)


def headline(view: DocumentView) -> str:
    """The release's title; for a release without one (it starts with its dateline, or
    with the story), its first sentence, cut at a word near HEADLINE_CHARS. Never the
    file name while the release has any text."""
    doc = view.document
    title = " ".join(doc.title.split())
    if title:
        return title
    text = doc.text
    dl = doc.structure.dateline
    for s, e in sentence_spans(doc):
        if dl is not None and s < dl.end:
            s = dl.end
            while s < e and (text[s].isspace() or text[s] in "-–—:,"):
                s += 1
        if any(b.kind == BOILERPLATE and b.start <= s < b.end for b in doc.structure.blocks):
            continue
        sentence = " ".join(text[s:e].split())
        if len(sentence.split()) >= 3 and not is_caption(sentence):
            return shorten(sentence.rstrip("."), HEADLINE_CHARS)
    return doc.name


def shorten(text: str, limit: int) -> str:
    """`text` cut at the last word boundary before `limit`, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:–—-") + "…"


@dataclass(slots=True)
class SharedName:
    """A person, body or place named in several releases."""

    label: str
    name: str
    releases: list[int]
    mentions: int
    aliases: list[str]


def shared_names(releases: Sequence[Release], aliases: Sequence[Alias] = (),
                 labels: Sequence[str] = TABLE_LABELS) -> list[SharedName]:
    """Names of `labels` grouped across releases by the extraction engine's linker (it
    merges "Viet Nam"/"Vietnam", an acronym with its definition, and the reviewer's
    confirmed aliases); a nationality counts as its country ("Japanese" as Japan) when
    PLACE is asked for. Names in boilerplate (about, contact blocks) do not count. Most
    widely named first."""
    wanted = set(labels)
    by_doc: dict[str, list[Entity]] = {}
    for r in releases:
        ents = []
        structure = r.view.document.structure
        for e in r.view.entities:
            if structure.is_boilerplate(e.start):
                continue  # "About ASEAN" at the foot of every release is not its subject
            if e.label == "NORP" and "PLACE" in wanted:
                country = country_of(e.text)
                if country != e.text:
                    e = Entity(e.start, e.end, "PLACE", country)
            if e.label in wanted and plausible_name(e.label, e.canonical or e.text):
                ents.append(e)
        by_doc[str(r.number)] = ents
    result = link(by_doc, aliases)
    out = [SharedName(c.label, c.name, sorted(int(d) for d in c.docs), c.mentions,
                      sorted(c.aliases, key=str.casefold)[:6])
           for c in result.entities if len(c.name) > 1 and re.search(r"[^\W\d_]", c.name)]
    out = _fold_surnames(out)
    out.sort(key=lambda s: (-len(s.releases), -s.mentions, s.name.casefold()))
    return out


def _fold_surnames(names: list[SharedName]) -> list[SharedName]:
    """"Dung" folded into "Nguyen Quoc Dung" when he is the only person of that name."""
    full = [s for s in names if s.label == "PERSON" and len(s.name.split()) > 1]
    out: list[SharedName] = []
    for s in names:
        if s.label == "PERSON" and len(s.name.split()) == 1:
            owners = [f for f in full if s.name.casefold() in
                      {w.casefold() for w in f.name.split()}]
            if len(owners) == 1:
                owner = owners[0]
                owner.releases = sorted(set(owner.releases) | set(s.releases))
                owner.mentions += s.mentions
                owner.aliases = sorted({*owner.aliases, s.name}, key=str.casefold)[:6]
                continue
        out.append(s)
    return out
