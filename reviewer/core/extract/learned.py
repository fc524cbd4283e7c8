"""The learned recogniser: a linear-chain CRF over the tokens of a release.

It labels tokens from their features (word, neighbours, the run of capitalised words they
belong to, layout, gazetteers, the rule engine's labels, and what the whole release says
about the word: "X Inc.", "(NASDAQ: X)", "said X", the headline, "About X"). The spans are
then made whole: no span crosses a line, an acronym defined in brackets takes its name's
label, and exact repeats of a found name are labelled where they stand alone.

Models are trained by `tools/train_extractor.py` and ship in `resources/model/`.
"""

from __future__ import annotations

import bisect
import json
import logging
import re
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pycrfsuite

from reviewer.core.extract.consistency import masked_spans
from reviewer.core.extract.features import Features, document_features
from reviewer.core.extract.occurrences import Names
from reviewer.core.model import Entity, Structure
from reviewer.core.resources import resource_path

log = logging.getLogger(__name__)

MODEL_FILE = "entities.crfsuite"
NAME_LABELS = frozenset(("PERSON", "ORG", "PLACE", "NORP", "EVENT", "DOCUMENT"))
#: Longest name whose repeats are labelled too (a real name is far shorter).
MAX_NAME = 200

@dataclass(frozen=True)
class ModelInfo:
    version: str
    trained_on: int  # releases
    mentions: int
    path: Path


def model_dir() -> Path:
    return resource_path("model")


def model_info(folder: Path | None = None) -> ModelInfo:
    folder = folder or model_dir()
    meta = json.loads((folder / "model.json").read_text("utf-8"))
    return ModelInfo(meta["version"], meta["releases"], meta["mentions"], folder)


class Recogniser:
    """One loaded model; `tag` is safe to call from several threads."""

    def __init__(self, folder: Path | None = None) -> None:
        self.info = model_info(folder)
        self._path = str(self.info.path / MODEL_FILE)
        self._local = threading.local()

    def _tagger(self) -> pycrfsuite.Tagger:
        tagger = getattr(self._local, "tagger", None)
        if tagger is None:
            tagger = self._local.tagger = pycrfsuite.Tagger()
            tagger.open(self._path)
        return tagger

    def spans(
        self, text: str, structure: Structure | None, rule_entities: Sequence[Entity]
    ) -> list[tuple[int, int, str]]:
        offs, X = document_features(text, structure, rule_entities)
        if not offs:
            return []
        return finish(text, decode(tag_chunks(self._tagger(), text, offs, X), offs, text))


#: Tokens tagged in one call at most. The CRF library's cost grows faster than the length
#: of one sequence, so a long text is tagged in pieces cut at line breaks (no name crosses
#: a line) or, for a line longer than this, anywhere.
CHUNK = 1500


def chunks(text: str, offs: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """(first, last + 1) token indices of the pieces to tag."""
    out: list[tuple[int, int]] = []
    start = 0
    n = len(offs)
    for i in range(1, n):
        size = i - start
        if size >= CHUNK or (size >= CHUNK // 3 and "\n" in text[offs[i - 1][1] : offs[i][0]]):
            out.append((start, i))
            start = i
    if start < n:
        out.append((start, n))
    return out


def tag_chunks(tagger: pycrfsuite.Tagger, text: str, offs: Sequence[tuple[int, int]],
               X: Sequence[Features]) -> list[str]:
    tags: list[str] = []
    for a, b in chunks(text, offs):
        tags += tagger.tag(X[a:b])
    return tags


def _majority_labels(text: str, ents: Sequence[tuple[int, int, str]]) -> dict[str, str]:
    """Each name's most frequent label (names of 2 to MAX_NAME characters)."""
    votes = Counter((text[s:e], lab) for s, e, lab in ents if 2 <= e - s <= MAX_NAME)
    best: dict[str, tuple[str, int]] = {}
    for (name, lab), c in votes.items():
        if name not in best or c > best[name][1]:
            best[name] = (lab, c)
    return {name: lab for name, (lab, _) in best.items()}


def decode(
    tags: Sequence[str], offs: Sequence[tuple[int, int]], text: str
) -> list[tuple[int, int, str]]:
    """(start, end, label) spans from BILOU tags, forgiving broken sequences; a span never
    crosses a line break."""
    out: list[tuple[int, int, str]] = []
    n = len(tags)
    i = 0
    while i < n:
        t = tags[i]
        if t == "O":
            i += 1
            continue
        kind, lab = t[0], t[2:]
        j = i
        if kind in "BI":
            while j + 1 < n and tags[j + 1] in ("I-" + lab, "L-" + lab) and tags[j][0] != "L":
                if "\n" in text[offs[j][1] : offs[j + 1][0]]:
                    break
                j += 1
        out.append((offs[i][0], offs[j][1], lab))
        i = j + 1
    return out


_ACRONYM = re.compile(r"\(\s*([A-Z][A-Za-z0-9&.-]{1,11})\s*\)")
_NOT_ACRONYMS = frozenset(("TM", "SM", "R", "C", "US", "USA", "UK"))
_TICKER_SLOT = re.compile(r"(?:NASDAQ|Nasdaq|NYSE|OTC\w*|TSX\w*|CSE|ASX|AMEX|LSE|NEO|Cboe)"
                          r"(?:\s\w+)?\s?:\s?$")
_OPENERS = frozenset(
    ("The", "A", "An", "In", "On", "At", "For", "By", "With", "From", "And", "But", "Or", "As",
     "Our", "Its")
)


def _abbreviates(acronym: str, name: str) -> bool:
    letters = [w[0] for w in re.findall(r"[A-Za-z0-9]+", name) if w[0].isupper() or w[0].isdigit()]
    return bool(letters) and acronym[0].upper() == letters[0].upper()


def _stands_alone(text: str, s: int, e: int) -> bool:
    """A repeat that is not part of a longer capitalised name (`Mullen` in `Mullen ONE`)
    and not a ticker (`(NYSE: IBM)`)."""
    if _TICKER_SLOT.search(text, max(0, s - 24), s):
        return False
    after = re.match(r"[ \t]([A-Z0-9][\w&-]*)", text[e : e + 40])
    if after:
        return False
    before = re.search(r"([A-Z][\w&-]*)[ \t]$", text[max(0, s - 40) : s])
    return not before or before.group(1) in _OPENERS


def finish(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Drop spans inside web or e-mail addresses; give a bracketed acronym its name's label;
    label exact repeats of the names found where they stand alone (the model labels one
    mention at a time)."""
    addresses = masked_spans(text)  # web and e-mail addresses, phones: in order, disjoint
    address_starts = [a for a, _ in addresses]

    def in_address(s: int, e: int) -> bool:
        k = bisect.bisect_right(address_starts, s) - 1
        return k >= 0 and e <= addresses[k][1]

    spans = [sp for sp in spans if not in_address(sp[0], sp[1]) or sp[2] not in NAME_LABELS
             or _looks_like_org_domain(text, sp)]
    taken = bytearray(len(text) + 1)
    for s, e, _ in spans:
        taken[s:e] = b"\x01" * (e - s)
    add: list[tuple[int, int, str]] = []
    ends = {e: (s, lab) for s, e, lab in spans if lab in NAME_LABELS}
    for m in _ACRONYM.finditer(text):
        named = ends.get(m.start() - 1) or ends.get(m.start())
        s, e = m.span(1)
        acronym = m.group(1)
        if (named and acronym not in _NOT_ACRONYMS and sum(c.isupper() for c in acronym) >= 2
                and _abbreviates(acronym, text[named[0] : m.start()])
                and taken.find(1, s, e) < 0):
            add.append((s, e, named[1]))
            taken[s:e] = b"\x01" * (e - s)
    spans = sorted(spans + add)
    names = _majority_labels(text, [sp for sp in spans if sp[2] in NAME_LABELS])
    names = {n: lab for n, lab in names.items() if n[0].isupper() or n[0].isdigit()}
    for s, e, name in Names(names).find(text):
        if (taken.find(1, s, e) < 0 and not (s and text[s - 1] in "@/.-")
                and not in_address(s, e) and _stands_alone(text, s, e)):
            add.append((s, e, names[name]))
            taken[s:e] = b"\x01" * (e - s)
    return sorted(set(spans + add))


def _looks_like_org_domain(text: str, span: tuple[int, int, str]) -> bool:
    """`Newsworthy.ai` written as a name (no `www.`, no path) can be a company."""
    s, e, lab = span
    word = text[s:e]
    return lab == "ORG" and "." in word and "/" not in word and not word.lower().startswith("www")


_LOCK = threading.Lock()
_DEFAULT: Recogniser | None = None
_FAILED = False


def recogniser() -> Recogniser | None:
    """The shipped model, loaded once per process; None (and one logged error) when it
    cannot be loaded, and the rule engine then works alone."""
    global _DEFAULT, _FAILED
    if _DEFAULT is None and not _FAILED:
        with _LOCK:
            if _DEFAULT is None and not _FAILED:
                try:
                    _DEFAULT = Recogniser()
                except (OSError, ValueError, KeyError) as exc:
                    _FAILED = True
                    log.error("the learned recogniser could not be loaded: %s", exc)
    return _DEFAULT
