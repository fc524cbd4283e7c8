"""The learned recogniser: two linear-chain CRFs over the tokens of a release.

The first pass labels tokens from their own features (word, neighbours, layout, gazetteers,
the rule engine's labels). The second pass sees the first pass's view of the whole
release: how the same word was labelled elsewhere, and with what confidence, so a company
named once in a strong context ("X Inc.", "(NASDAQ: X)") is found at every mention. The
spans are then made whole: no span crosses a line, exact repeats of a found name are
labelled, an acronym defined in brackets takes its name's label.

Models are trained by `tools/train_extractor.py` and ship in `resources/model/`.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pycrfsuite

from reviewer.core.extract.features import Features, document_features
from reviewer.core.model import LABELS, Entity, Structure
from reviewer.core.resources import resource_path

log = logging.getLogger(__name__)

NAME_LABELS = frozenset(("PERSON", "ORG", "PLACE", "NORP", "EVENT", "DOCUMENT"))
_ADDRESS = re.compile(
    r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|"
    r"\b[\w-]+(?:\.[\w-]+)*\.(?:com|net|org|io|ai|co|gov|edu)(?:/\S*)?\b",
    re.I,
)


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
        self._first = str(self.info.path / "first.crfsuite")
        second = self.info.path / "second.crfsuite"
        self._second = str(second) if second.exists() else None
        self._local = threading.local()

    def _taggers(self) -> tuple[pycrfsuite.Tagger, pycrfsuite.Tagger | None]:
        t = getattr(self._local, "taggers", None)
        if t is None:
            first = pycrfsuite.Tagger()
            first.open(self._first)
            second = None
            if self._second:
                second = pycrfsuite.Tagger()
                second.open(self._second)
            t = self._local.taggers = (first, second)
        return t

    def spans(
        self, text: str, structure: Structure | None, rule_entities: Sequence[Entity]
    ) -> list[tuple[int, int, str]]:
        offs, X = document_features(text, structure, rule_entities)
        if not offs:
            return []
        first, second = self._taggers()
        tags = first.tag(X)
        if second is not None:
            X2 = second_pass_features(text, offs, X, tags, marginals(first, text, offs))
            tags = second.tag(X2)
        return finish(text, decode(tags, offs, text))


def marginals(
    tagger: pycrfsuite.Tagger, text: str, offs: Sequence[tuple[int, int]]
) -> list[dict[str, float] | None]:
    """Per capitalised or numeric token: the first pass's probability of each label (the
    tagger still holds the sequence it last tagged)."""
    labels = [lab for lab in tagger.labels() if lab != "O"]
    out: list[dict[str, float] | None] = [None] * len(offs)
    for i, (s, _) in enumerate(offs):
        c = text[s]
        if c.isupper() or c.isdigit():
            p: dict[str, float] = defaultdict(float)
            for lab in labels:
                p[lab[2:]] += tagger.marginal(lab, i)
            out[i] = p
    return out


def _bucket(p: float) -> str | None:
    return "hi" if p > 0.7 else "mid" if p > 0.35 else "lo" if p > 0.1 else None


def second_pass_features(
    text: str,
    offs: Sequence[tuple[int, int]],
    X: Sequence[Features],
    tags: Sequence[str],
    marg: Sequence[dict[str, float] | None],
) -> list[Features]:
    """First-pass features plus what the first pass said here and about the same words
    elsewhere in the release."""
    toks = [text[s:e] for s, e in offs]
    n = len(toks)
    seen: dict[str, list[tuple[int, dict[str, float]]]] = defaultdict(list)
    for i, m in enumerate(marg):
        if m is not None:
            seen[toks[i]].append((i, m))
    match = _repeat_tags(text, offs, decode(tags, offs, text))
    out: list[Features] = []
    for i in range(n):
        f = list(X[i])
        f.append("S1=" + tags[i])
        f.append("S1-1=" + (tags[i - 1] if i else "^"))
        f.append("S1+1=" + (tags[i + 1] if i + 1 < n else "$"))
        if match[i]:
            f.append("DM=" + str(match[i]))
        occ = seen.get(toks[i])
        if occ and len(occ) > 1:
            others = [m for j, m in occ if j != i]
            for lab in LABELS:
                vals = [m.get(lab, 0.0) for m in others]
                b = _bucket(max(vals))
                if b:
                    f.append(f"OMAX_{lab}={b}")
                b = _bucket(sum(vals) / len(vals))
                if b:
                    f.append(f"OMEAN_{lab}={b}")
        out.append(f)
    return out


def _repeat_tags(
    text: str, offs: Sequence[tuple[int, int]], ents: list[tuple[int, int, str]]
) -> list[str | None]:
    """BILOU tags marking every exact, word-bounded repeat of a name the first pass found."""
    label_of = _majority_labels(text, ents)
    starts = {s: i for i, (s, _) in enumerate(offs)}
    ends = {e: i for i, (_, e) in enumerate(offs)}
    tags: list[str | None] = [None] * len(offs)
    for name, label in sorted(label_of.items(), key=lambda x: -len(x[0])):
        if len(name) < 2:
            continue
        for m in re.finditer(r"(?<!\w)" + re.escape(name) + r"(?!\w)", text):
            i, j = starts.get(m.start()), ends.get(m.end())
            if i is None or j is None or any(tags[k] for k in range(i, j + 1)):
                continue
            for k in range(i, j + 1):
                prefix = "U-" if i == j else "B-" if k == i else "L-" if k == j else "I-"
                tags[k] = prefix + label
    return tags


def _majority_labels(text: str, ents: Sequence[tuple[int, int, str]]) -> dict[str, str]:
    votes = Counter((text[s:e], lab) for s, e, lab in ents)
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


def finish(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Drop spans inside web or e-mail addresses; give a bracketed acronym its name's label;
    label exact repeats of the names found (the model sees one mention at a time)."""
    addresses = [m.span() for m in _ADDRESS.finditer(text)]

    def in_address(s: int, e: int) -> bool:
        return any(a <= s and e <= b for a, b in addresses)

    spans = [sp for sp in spans if not in_address(sp[0], sp[1]) or sp[2] not in NAME_LABELS
             or _looks_like_org_domain(text, sp)]
    taken = bytearray(len(text) + 1)
    for s, e, _ in spans:
        taken[s:e] = b"\x01" * (e - s)
    add: list[tuple[int, int, str]] = []
    ends = {e: lab for s, e, lab in spans if lab in NAME_LABELS}
    for m in _ACRONYM.finditer(text):
        lab = ends.get(m.start() - 1) or ends.get(m.start())
        s, e = m.span(1)
        if lab and taken.find(1, s, e) < 0:
            add.append((s, e, lab))
            taken[s:e] = b"\x01" * (e - s)
    spans = sorted(spans + add)
    names = _majority_labels(text, [sp for sp in spans if sp[2] in NAME_LABELS])
    for name, lab in sorted(names.items(), key=lambda x: -len(x[0])):
        if len(name) < 2 or not (name[0].isupper() or name[0].isdigit()):
            continue
        for m in re.finditer(r"(?<![\w@/.-])" + re.escape(name) + r"(?!\w)", text):
            s, e = m.span()
            if taken.find(1, s, e) < 0 and not in_address(s, e):
                add.append((s, e, lab))
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
