"""What Reviewer extracts from a release: entities and facts from (at most) its first
MAX_EXTRACT_CHARS characters, with the reviewer's learned lexicon.

The library's passes (entities for the index and its facets) and the review view (the
entities on screen) both go through here, so they always agree. Extraction runs in two
parts (see `reviewer.core.extract`): the expensive base entities, which depend only on
the release and the extractor version and are stored (`entity_cache`), and the cheap
finish with the reviewer's lexicon, done every time.
"""
from __future__ import annotations

from dataclasses import dataclass

from reviewer.core.entity_cache import (
    EntityCache,
    content_key,
    decode_entities,
    encode_entities,
)
from reviewer.core.extract import extract_base, extractor_version, finish
from reviewer.core.extract.learned import Recogniser
from reviewer.core.extract.lexicon import Lexicon
from reviewer.core.model import Document, Entity, Extraction, Structure
from reviewer.core.store import EntityPin

#: Entities are extracted from at most this many characters of a release (a release is a
#: few thousand; extraction takes ~3 s per million). The whole text is still indexed.
MAX_EXTRACT_CHARS = 500_000


def extraction_text(text: str) -> tuple[str, str]:
    """(text to extract entities from, warning): a prefix ending at a line break when the
    release is longer than MAX_EXTRACT_CHARS, so a huge file cannot stall a scan."""
    if len(text) <= MAX_EXTRACT_CHARS:
        return text, ""
    cut = text.rfind("\n", 0, MAX_EXTRACT_CHARS)
    if cut < MAX_EXTRACT_CHARS // 2:
        cut = text.rfind(" ", 0, MAX_EXTRACT_CHARS)
        if cut < MAX_EXTRACT_CHARS // 2:
            cut = MAX_EXTRACT_CHARS
    return text[:cut], (f"very long release ({len(text):,} characters): entities extracted "
                        f"from the first {cut:,} characters only")


@dataclass(slots=True)
class Base:
    """A release's base entities (before the reviewer's lexicon) and where they came from."""

    text: str  # what they were extracted from (the release, or its first part)
    structure: Structure | None
    limited: str  # the warning when only the first part was read, else ""
    key: str
    version: str
    entities: list[Entity]
    data: str  # their encoded form (what is stored or pinned)
    source: str  # "pinned", "stored" or "extracted"

    def pin(self) -> EntityPin:
        return EntityPin(self.key, self.version, self.data)


def base_entities(doc: Document, cache: EntityCache | None = None,
                  pinned: EntityPin | None = None, *,
                  extract_missing: bool = True,
                  model: Recogniser | None | bool = True) -> Base | None:
    """The base entities of a loaded release: `pinned` when it fits the release's content,
    else the ones stored for the current extractor version, else extracted now (and
    stored in `cache`). None when they are neither pinned nor stored and
    `extract_missing` is False. `model`: the learned recogniser in use (True: the
    shipped one; a reviewer's taught version is another)."""
    text, limited = extraction_text(doc.text)
    structure = doc.structure if text is doc.text else None
    key = content_key(text, structure)
    if pinned is not None and pinned.key == key:
        try:
            return Base(text, structure, limited, key, pinned.version,
                        decode_entities(pinned.data, text), pinned.data, "pinned")
        except (ValueError, TypeError):
            pass  # not readable: the current extractor's instead
    version = extractor_version(model)
    data = cache.get(key, version) if cache is not None else None
    if data is not None:
        try:
            return Base(text, structure, limited, key, version,
                        decode_entities(data, text), data, "stored")
        except (ValueError, TypeError):
            pass  # a damaged row: extracted again and replaced
    if not extract_missing:
        return None
    entities = extract_base(text, structure, model)
    data = encode_entities(entities)
    if cache is not None:
        cache.put(key, version, data)
    return Base(text, structure, limited, key, version, entities, data, "extracted")


def finish_base(base: Base, lexicon: Lexicon | None = None) -> Extraction:
    """Entities and facts: the reviewer's lexicon on the base entities (not modified)."""
    return finish(base.text, base.structure, base.entities, lexicon)
