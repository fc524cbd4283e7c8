"""Plain data types shared by every part of Reviewer.

All offsets are Python string offsets into a document's normalised text
(newlines normalised once by the loader); the GUI converts to UTF-16 at one place.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

LABELS: tuple[str, ...] = (
    "PERSON", "ORG", "PLACE", "NORP", "DATE", "MONEY", "PERCENT", "EVENT", "DOCUMENT",
)

#: Whoosh field name for each entity label.
LABEL_FIELDS: dict[str, str] = {
    "PERSON": "person", "ORG": "org", "PLACE": "place", "NORP": "norp", "DATE": "dates",
    "MONEY": "money", "PERCENT": "percent", "EVENT": "event", "DOCUMENT": "document",
}

# Block kinds produced by the structure analyser.
TITLE, DATELINE, BODY, BOILERPLATE = "title", "dateline", "body", "boilerplate"


@dataclass(slots=True)
class Block:
    """A paragraph-level region of the text: title, dateline, body or boilerplate."""

    start: int
    end: int
    kind: str = BODY
    # Why a block is boilerplate: "about", "contact", "disclaimer", "navigation", "page"
    # (a header or footer repeated on the pages of a PDF).
    reason: str = ""


@dataclass(slots=True)
class Dateline:
    start: int
    end: int
    place: str = ""
    place_span: tuple[int, int] | None = None
    date: str = ""  # as written
    date_span: tuple[int, int] | None = None
    iso: str = ""  # normalised ISO date, "" when unknown
    source: str = ""  # wire or agency, e.g. "VNA"
    source_span: tuple[int, int] | None = None


@dataclass(slots=True)
class Structure:
    title: str = ""
    title_span: tuple[int, int] | None = None
    #: The lede's first sentence, shortened: what names a release that has no headline.
    first_sentence: str = ""
    dateline: Dateline | None = None
    blocks: list[Block] = field(default_factory=list)

    def is_boilerplate(self, offset: int) -> bool:
        return any(b.kind == BOILERPLATE and b.start <= offset < b.end for b in self.blocks)


@dataclass(slots=True)
class Entity:
    start: int
    end: int
    label: str
    text: str
    value: Any = None  # normalised value: ISO date/range, {"amount", "currency"}, fraction
    canonical: str = ""  # canonical name after linking ("" = the text itself)
    source: str = "auto"  # "auto" (extractor), "lexicon" (learned), "user" (a correction)
    score: float = 1.0

    def key(self) -> tuple[int, int, str]:
        return (self.start, self.end, self.label)

    def to_gold(self) -> list[int | str]:
        return [self.start, self.end, self.label, self.text]


@dataclass(slots=True)
class Fact:
    """A statement the release makes, with evidence offsets into the text."""

    kind: str  # "dateline", "role", "figure", "meeting"
    start: int  # evidence span (usually the sentence)
    end: int
    fields: dict[str, Any] = field(default_factory=dict)

    def key(self) -> str:
        """Stable identity used to attach a reviewer status to this fact."""
        parts = [self.kind] + [f"{k}={self.fields[k]}" for k in sorted(self.fields)
                               if isinstance(self.fields[k], (str, int, float))]
        return "|".join(parts)

    def summary(self) -> str:
        f = self.fields
        if self.kind == "role":
            return " — ".join(x for x in (f.get("person"), f.get("title"), f.get("org")) if x)
        if self.kind == "dateline":
            return ", ".join(x for x in (f.get("place"), f.get("date")) if x)
        if self.kind == "figure":
            return str(f.get("text", ""))
        if self.kind == "meeting":
            return str(f.get("event", ""))
        return str(f)


@dataclass(slots=True)
class Extraction:
    entities: list[Entity] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)


@dataclass(slots=True)
class Document:
    """A loaded release: the normalised text and what we know about it."""

    path: str
    text: str
    warnings: list[str] = field(default_factory=list)
    structure: Structure = field(default_factory=Structure)
    doc_id: int | None = None

    @property
    def title(self) -> str:
        """The headline, else the first sentence of the lede ("" for an empty release)."""
        return self.structure.title or self.structure.first_sentence

    @property
    def name(self) -> str:
        return self.path.replace("\\", "/").rsplit("/", 1)[-1]


@dataclass(slots=True)
class Correction:
    """One reviewer correction, as stored in the review store.

    action: "add" (a span the extractor missed, with its label), "reject" (a span that is
    not an entity), "retype" (label changed from old_label to label), "resize" (span moved
    from old_start/old_end to start/end). before/after hold a little surrounding text so a
    correction can re-anchor when the file changes and so "reject" can stay contextual.
    """

    action: str
    start: int
    end: int
    label: str
    text: str
    doc_id: int | None = None
    old_start: int | None = None
    old_end: int | None = None
    old_label: str = ""
    before: str = ""
    after: str = ""
    scope: str = "doc"  # "doc" (this release) or "library" (every release)
    id: int | None = None


@dataclass(slots=True)
class Alias:
    """A reviewer-confirmed link: `alias` names the same entity as `canonical`."""

    canonical: str
    alias: str
    label: str = ""
    id: int | None = None
