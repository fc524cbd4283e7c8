"""Cross-release entity linking.

Safe normalisation (case, diacritics, spacing, `Viet Nam`/`Vietnam`, an acronym with its
definition) merges automatically. Likely matches (small edit distance, reordered tokens) are
returned as proposals for the reviewer and never merged silently; confirmed Alias records merge.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz.distance import Levenshtein

from reviewer.core.model import Alias, Entity


@dataclass
class CanonicalEntity:
    name: str
    label: str
    aliases: set[str] = field(default_factory=set)
    docs: set[str] = field(default_factory=set)
    mentions: int = 0


@dataclass
class Proposal:
    a: str  # canonical names of the two records
    b: str
    label: str
    reason: str  # "edit-distance" or "token-order"
    score: float


@dataclass
class LinkResult:
    entities: list[CanonicalEntity]
    proposals: list[Proposal]

    def canonical_of(self, text: str, label: str = "") -> str:
        k = norm_key(text)
        for c in self.entities:
            if (not label or c.label == label) and (
                k == norm_key(c.name) or k in {norm_key(a) for a in c.aliases}
            ):
                return c.name
        return text


def norm_key(s: str) -> str:
    """Case-, diacritic- and space-insensitive key; `Viet Nam` == `Vietnam`."""
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c)).replace("đ", "d").replace("Đ", "D")
    s = re.sub(r"^the\s+", "", s.strip(), flags=re.I)
    return re.sub(r"[\s\-.’']+", "", s.casefold())


def _edit_distance(a: str, b: str, limit: int = 3) -> int:
    """Levenshtein distance, or limit + 1 when it is larger."""
    return Levenshtein.distance(a, b, score_cutoff=limit)


def _initials(name: str) -> str:
    words = re.findall(r"[A-Za-z][\w]*", name)
    return "".join(w[0] for w in words if w[0].isupper())


def _abbreviates(acr: str, name: str) -> bool:
    """ASEAN ~ Association of Southeast Asian Nations: every capitalised word's first letter is
    used in order, and extra acronym letters may come from inside those words."""
    words = [w for w in re.findall(r"[A-Za-z]+", name) if w[0].isupper()]
    a = acr.lower()

    def go(i: int, w: int) -> bool:
        if w == len(words):
            return i == len(a)
        word = words[w].lower()
        if i >= len(a) or a[i] != word[0]:
            return False
        # take the first letter, then optionally more letters from this word
        j, pos = i + 1, 1
        while True:
            if go(j, w + 1):
                return True
            if j >= len(a):
                return False
            k = word.find(a[j], pos)
            if k < 0:
                return False
            j, pos = j + 1, k + 1

    return 2 <= len(a) <= 10 and go(0, 0)


class _UF:
    def __init__(self) -> None:
        self.p: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.p.setdefault(x, x)
        while self.p[x] != x:
            self.p[x] = self.p[self.p[x]]
            x = self.p[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.p[rb] = ra


#: Spelling candidates come from names that share a one- or two-letter deletion; a variant
#: shared by more names than this is too generic to propose anything.
_MAX_BUCKET = 40


def _deletions(key: str, depth: int) -> set[str]:
    """`key` with up to `depth` characters removed: two keys within that edit distance
    share one of these, so candidates are found without comparing every pair."""
    out, frontier = {key}, {key}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1:] for w in frontier for i in range(len(w))}
        out |= frontier
    return out


def _proposals(label: str, rs: list[CanonicalEntity]) -> list[Proposal]:
    props: list[Proposal] = []
    keys = [norm_key(r.name) for r in rs]
    # token order: "Yoshihide Suga" / "Suga Yoshihide"
    by_tokens: dict[tuple[str, ...], list[int]] = {}
    for i, r in enumerate(rs):
        if len(r.name.split()) >= 2:
            toks = tuple(sorted(norm_key(w) for w in r.name.split()))
            by_tokens.setdefault(toks, []).append(i)
    ordered: set[tuple[int, int]] = set()
    for group in by_tokens.values():
        for x, i in enumerate(group):
            for j in group[x + 1:]:
                ordered.add((i, j))
                props.append(Proposal(rs[i].name, rs[j].name, label, "token-order", 0.9))
    # spelling: "Nguyen Quoc Dzung" / "Nguyen Quoc Dung"
    buckets: dict[str, list[int]] = {}
    for i, k in enumerate(keys):
        if len(k) >= 6:
            for variant in _deletions(k, 1 if len(k) < 10 or len(k) > 30 else 2):
                buckets.setdefault(variant, []).append(i)
    seen: set[tuple[int, int]] = set()
    for members in buckets.values():
        if len(members) > _MAX_BUCKET:
            continue  # a variant shared by this many names (`ministry` minus a letter) says nothing
        for x, i in enumerate(members):
            for j in members[x + 1:]:
                pair = (min(i, j), max(i, j))
                if pair in seen or pair in ordered:
                    continue
                seen.add(pair)
                ka, kb = keys[pair[0]], keys[pair[1]]
                dist = _edit_distance(ka, kb, 2)
                if 0 < dist <= (1 if min(len(ka), len(kb)) < 10 else 2):
                    props.append(Proposal(rs[pair[0]].name, rs[pair[1]].name, label,
                                          "edit-distance",
                                          round(1 - dist / max(len(ka), len(kb)), 3)))
    props.sort(key=lambda p: (p.a, p.b))
    return props


def link(entities_by_doc: dict[str, list[Entity]], aliases: Iterable[Alias] = ()) -> LinkResult:
    """Group mentions across releases into canonical records, plus proposals to confirm."""
    # key = (label, normalised text); surface forms and docs per key
    forms: dict[tuple[str, str], dict[str, int]] = {}
    docs: dict[tuple[str, str], set[str]] = {}
    for doc, ents in entities_by_doc.items():
        for e in ents:
            if e.label in ("DATE", "MONEY", "PERCENT"):
                continue
            k = (e.label, norm_key(e.text))
            forms.setdefault(k, {}).setdefault(e.text, 0)
            forms[k][e.text] += 1
            docs.setdefault(k, set()).add(doc)
    uf = _UF()
    keys = list(forms)
    for k in keys:
        uf.find(f"{k[0]}|{k[1]}")
    # acronym with its definition, when both occur in one release
    by_label: dict[str, list[tuple[str, str]]] = {}
    for k in keys:
        by_label.setdefault(k[0], []).append(k)
    for label, ks in by_label.items():
        acr = {next(iter(forms[k])): k for k in ks if next(iter(forms[k])).isupper()}
        for k in ks:
            for surface in forms[k]:
                if surface.isupper() or len(surface.split()) < 2:
                    continue
                for a_text, ak in acr.items():
                    if ak != k and docs[k] & docs[ak] and _abbreviates(a_text, surface):
                        uf.union(f"{label}|{ak[1]}", f"{label}|{k[1]}")
    # confirmed aliases
    for a in aliases:
        labels = [a.label] if a.label else list(by_label)
        for lab in labels:
            ka, kb = f"{lab}|{norm_key(a.canonical)}", f"{lab}|{norm_key(a.alias)}"
            uf.find(ka)
            uf.find(kb)
            uf.union(ka, kb)
    groups: dict[str, list[tuple[str, str]]] = {}
    for k in keys:
        groups.setdefault(uf.find(f"{k[0]}|{k[1]}"), []).append(k)
    canon_for_alias = {norm_key(a.canonical): a.canonical for a in aliases}
    records: list[CanonicalEntity] = []
    for ks in groups.values():
        label = ks[0][0]
        all_forms: dict[str, int] = {}
        d: set[str] = set()
        for k in ks:
            for f, n in forms[k].items():
                all_forms[f] = all_forms.get(f, 0) + n
            d |= docs[k]
        # prefer a confirmed canonical, then the longest frequent form
        name = next((canon_for_alias[k[1]] for k in ks if k[1] in canon_for_alias), "")
        if not name:
            name = max(all_forms, key=lambda f: (all_forms[f], len(f)))
            longer = [f for f in all_forms if len(f) > len(name) and not f.isupper()]
            if name.isupper() and longer:
                name = max(longer, key=len)
        records.append(
            CanonicalEntity(name, label, set(all_forms) - {name}, d, sum(all_forms.values()))
        )
    records.sort(key=lambda r: (r.label, r.name))
    # proposals between records of one label
    props: list[Proposal] = []
    by_lab: dict[str, list[CanonicalEntity]] = {}
    for r in records:
        by_lab.setdefault(r.label, []).append(r)
    for label, rs in by_lab.items():
        props.extend(_proposals(label, rs))
    return LinkResult(records, props)
