"""Gazetteers and head-word lists, loaded once per process.

The name lists come from resources/gazetteers/ (built by tools/build_resources.py from open
data); the word lists (head words, titles, exchanges, extra places) are the plain-text files
in resources/wordlists/, general English knowledge about how names are built, not tied to
any particular release. `tests/core/test_wordlists.py` keeps them tidy and consistent.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from reviewer.core.resources import resource_path


def word_list(name: str) -> frozenset[str]:
    """The entries of resources/wordlists/NAME.txt (one a line; `#` starts a comment)."""
    text = resource_path("wordlists", name + ".txt").read_text("utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


LEGAL_SUFFIXES = word_list("legal_suffixes")
ORG_HEADS = word_list("org_heads") | LEGAL_SUFFIXES
WEAK_ORG_HEADS = word_list("weak_org_heads")
EVENT_HEADS = word_list("event_heads")
WEAK_EVENT_HEADS = word_list("weak_event_heads")
DOC_HEADS = word_list("doc_heads")
WEAK_DOC_HEADS = word_list("weak_doc_heads")
NONFINAL_DOC_HEADS = word_list("nonfinal_doc_heads")
PLACE_HEADS = word_list("place_heads")
WEAK_PLACE_HEADS = word_list("weak_place_heads")
TITLE_CORE = word_list("titles")
TITLE_MODS = word_list("title_modifiers")
STOP_CAPS = word_list("stop_caps")
HEADLINE_VERBS = word_list("headline_verbs")
EXCHANGES = word_list("exchanges")
EXTRA_PLACES = sorted(word_list("extra_places"))
EXTRA_NORP = sorted(word_list("extra_norp"))
AMBIGUOUS_PLACES = word_list("ambiguous_places")
COMPASS_WORDS = word_list("compass_words")


@dataclass
class Gazetteer:
    # token tuple -> label for multi-word and single names
    names: dict[tuple[str, ...], str] = field(default_factory=dict)
    first_tokens: dict[str, int] = field(default_factory=dict)  # first token -> longest length
    upper_names: dict[tuple[str, ...], str] = field(default_factory=dict)  # for ALL-CAPS text
    org_acronyms: dict[str, str] = field(default_factory=dict)  # acronym -> full name
    given: frozenset[str] = frozenset()
    surnames: frozenset[str] = frozenset()
    common: frozenset[str] = frozenset()  # lower-case English vocabulary
    demonyms: frozenset[str] = frozenset()

    def add(self, name: str, label: str, override: bool = False) -> None:
        toks = tuple(tokenize_name(name))
        if not toks:
            return
        if override or toks not in self.names:
            self.names[toks] = label
        if len(toks) > self.first_tokens.get(toks[0], 0):
            self.first_tokens[toks[0]] = len(toks)
        up = tuple(t.upper() for t in toks)
        self.upper_names.setdefault(up, label)
        if len(toks) > self.first_tokens.get(up[0], 0):
            self.first_tokens[up[0]] = len(toks)

    def is_name_part(self, tok: str) -> bool:
        return tok in self.given or tok in self.surnames

    def is_common(self, tok: str) -> bool:
        return tok.lower() in self.common


def tokenize_name(name: str) -> list[str]:
    from reviewer.core.extract.name_tokens import TOKEN_RE

    return [m.group(0) for m in TOKEN_RE.finditer(name)]


def _read_lines(*parts: str) -> list[str]:
    p = resource_path(*parts)
    try:
        return [ln for ln in p.read_text("utf-8").splitlines() if ln.strip()]
    except OSError:
        return []


_LOCK = threading.Lock()
_GAZ: Gazetteer | None = None


def gazetteer() -> Gazetteer:
    """The process-wide gazetteer (built on first use, then shared)."""
    global _GAZ
    if _GAZ is not None:
        return _GAZ
    with _LOCK:
        if _GAZ is None:
            _GAZ = _build()
    return _GAZ




def _vague_region(name: str, g: Gazetteer) -> bool:
    """One-word first-level regions named by a direction or an everyday word (`Central`,
    `North`, `Capital`): in business text these words are almost never the region. (Regions
    named like people - `Maryland`, `Georgia`, `Michael` - stay: most are real states.)"""
    return " " not in name and (
        name in COMPASS_WORDS or name in ("Capital", "Coast") or g.is_common(name)
    )


def _build() -> Gazetteer:
    g = Gazetteer()
    g.common = frozenset(_read_lines("gazetteers", "common_words.txt"))
    g.given = frozenset(_read_lines("gazetteers", "given_names.txt"))
    g.surnames = frozenset(_read_lines("gazetteers", "surnames.txt"))
    for line in _read_lines("gazetteers", "places.tsv"):
        name, _, kind = line.partition("\t")
        if name in AMBIGUOUS_PLACES:
            continue
        if kind.startswith("region") and _vague_region(name, g):
            continue
        g.add(name, "PLACE")
    for name in EXTRA_PLACES:
        g.add(name, "PLACE", override=True)
    dem = set()
    for line in _read_lines("gazetteers", "demonyms.tsv"):
        d = line.split("\t", 1)[0]
        dem.add(d)
    dem.update(EXTRA_NORP)
    for d in dem:
        g.add(d, "NORP", override=True)
    g.demonyms = frozenset(dem)
    for line in _read_lines("gazetteers", "orgs.tsv"):
        name, _, acr = line.partition("\t")
        g.add(name, "ORG", override=True)
        if acr:
            g.add(acr, "ORG", override=True)
            g.org_acronyms[acr] = name
    return g
