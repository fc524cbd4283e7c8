"""What Reviewer extracts from a release: entities and facts from (at most) its first
MAX_EXTRACT_CHARS characters, with the reviewer's learned lexicon.

The library's scan (entities for the index and its facets) and the review view (the
entities on screen) both go through `analyse`, so they always agree.
"""
from __future__ import annotations

from reviewer.core.extract import extract
from reviewer.core.extract.lexicon import Lexicon
from reviewer.core.model import Document, Extraction

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


def analyse(doc: Document, lexicon: Lexicon | None = None) -> tuple[Extraction, str]:
    """The extractor's view of a loaded release, and a warning ("" when none) when only
    its first part was read."""
    text, limited = extraction_text(doc.text)
    return extract(text, doc.structure if text is doc.text else None, lexicon), limited
