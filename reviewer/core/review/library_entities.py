"""The library's entities across releases: every name the releases mention (as written,
with its releases and mentions, read from the index), grouped into entities by the
reviewer's confirmed aliases, and the links the linker proposes between entities that
may be one (a spelling variant, names in another order, the same name written
differently, an acronym beside its definition).

A merge or a split here is a change to the alias links, written by
`ReviewStore.replace_aliases` from a plan made below: every alias of an entity points at
its canonical name directly, so a release's view (which follows one link) and the memo
agree with the library.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from reviewer.core.extract.linking import link, norm_key
from reviewer.core.model import NAMED_LABELS, Alias, Entity
from reviewer.core.review.groups import only_numbers_differ

#: Why two entities are proposed as one, by the linker's reason.
REASONS = {"edit-distance": "spelling", "token-order": "name order",
           "normalised": "written differently"}


@dataclass(slots=True)
class NameStats:
    """One name as the releases write it."""

    name: str
    releases: set[int] = field(default_factory=set)
    mentions: int = 0


@dataclass(slots=True)
class LibraryEntity:
    """One entity of the library: its canonical name, and every name it goes by."""

    label: str
    canonical: str
    names: dict[str, NameStats] = field(default_factory=dict)  # the canonical one too
    alias_ids: dict[str, int] = field(default_factory=dict)  # alias -> its link's id

    @property
    def releases(self) -> set[int]:
        out: set[int] = set()
        for n in self.names.values():
            out |= n.releases
        return out

    @property
    def mentions(self) -> int:
        return sum(n.mentions for n in self.names.values())

    @property
    def aliases(self) -> list[str]:
        """The other names, most mentioned first."""
        return sorted((n for n in self.names if n != self.canonical),
                      key=lambda n: (-self.names[n].mentions, n))

    def stats(self, name: str) -> NameStats:
        return self.names.get(name) or NameStats(name)


@dataclass(frozen=True, slots=True)
class LibraryProposal:
    """Two entities the linker takes for one (by their canonical names)."""

    label: str
    a: str
    b: str
    reason: str


def library_entities(mentions: Mapping[int, Mapping[str, Mapping[str, int]]],
                     aliases: Iterable[Alias]) -> list[LibraryEntity]:
    """Entities from (release -> label -> name as written -> mentions) and the confirmed
    aliases; most releases first."""
    stats: dict[tuple[str, str], NameStats] = {}
    for doc_id, labels in mentions.items():
        for label, names in labels.items():
            if label not in NAMED_LABELS:
                continue
            for name, n in names.items():
                s = stats.get((label, name))
                if s is None:
                    s = stats[(label, name)] = NameStats(name)
                s.releases.add(doc_id)
                s.mentions += n
    links: dict[tuple[str, str], tuple[str, int]] = {}  # (label, alias) -> (canonical, id)
    labels_of: dict[str, set[str]] = {}
    for label, name in stats:
        labels_of.setdefault(name, set()).add(label)
    for a in aliases:
        if a.id is None:
            continue
        for label in ([a.label] if a.label else
                      sorted(labels_of.get(a.alias, set()) | labels_of.get(a.canonical, set()))):
            links.setdefault((label, a.alias), (a.canonical, a.id))

    def root(label: str, name: str) -> str:
        seen = {name}
        while (label, name) in links:
            name = links[(label, name)][0]
            if name in seen:
                break  # a cycle of links: stop where it closes
            seen.add(name)
        return name

    entities: dict[tuple[str, str], LibraryEntity] = {}
    for (label, name), s in stats.items():
        canonical = root(label, name)
        e = entities.get((label, canonical))
        if e is None:
            e = entities[(label, canonical)] = LibraryEntity(label, canonical)
        e.names[name] = s
    for (label, alias), (_canonical, alias_id) in links.items():
        e = entities.get((label, root(label, alias)))
        if e is not None:
            e.alias_ids[alias] = alias_id
            e.names.setdefault(alias, NameStats(alias))
            e.names.setdefault(e.canonical, NameStats(e.canonical))
    return sorted(entities.values(),
                  key=lambda e: (-len(e.releases), -e.mentions, e.label, e.canonical))


#: (label, name, name) -> why: names the linker takes for one entity (names sorted).
NamePairs = dict[tuple[str, str, str], str]


@dataclass(slots=True)
class PairCache:
    """The linker's pairs per label, kept with the names they were computed from: a
    label whose names did not change is not linked again (linking every name of a large
    library takes a while; a change to the links changes no name)."""

    labels: dict[str, tuple[frozenset[str], NamePairs]] = field(default_factory=dict)


def name_pairs(entities: list[LibraryEntity], cache: PairCache | None = None) -> NamePairs:
    """Pairs of names the linker takes for one entity: spelling variants, names in
    another order, the same name written differently, an acronym beside its definition
    in one release. From the names alone (not the links), per label."""
    per_label: dict[str, dict[str, set[int]]] = {}
    for e in entities:
        names = per_label.setdefault(e.label, {})
        for name, st in e.names.items():
            if st.releases:
                names[name] = st.releases
    out: NamePairs = {}
    for label, names in sorted(per_label.items()):
        key = frozenset(names)
        kept = cache.labels.get(label) if cache is not None else None
        if kept is not None and kept[0] == key:
            out.update(kept[1])
            continue
        pairs = _link_names(label, names)
        if cache is not None:
            cache.labels[label] = (key, pairs)
        out.update(pairs)
    return out


def _link_names(label: str, names: dict[str, set[int]]) -> NamePairs:
    """The linker on each name once (what it finds between names does not depend on where
    they occur), except the acronym rule: an acronym beside its definition counts only
    when the two share a release."""
    result = link({"library": [Entity(0, 0, label, name) for name in names]})
    pairs: NamePairs = {}

    def add(x: str, y: str, reason: str) -> None:
        if x != y and not only_numbers_differ(x, y):
            a, b = sorted((x, y))
            pairs.setdefault((label, a, b), reason)

    for p in result.proposals:
        add(p.a, p.b, REASONS.get(p.reason, p.reason))
    for rec in result.entities:  # names the linker merges by itself (case, accents…)
        for other in rec.aliases:
            if norm_key(other) == norm_key(rec.name):
                add(rec.name, other, REASONS["normalised"])
            elif (other.isupper() != rec.name.isupper()
                  and names.get(other, set()) & names.get(rec.name, set())):
                add(rec.name, other, "acronym")
    return pairs


def library_proposals(entities: list[LibraryEntity], pairs: NamePairs,
                      distinct: Iterable[tuple[str, str, str]] = ()) -> list[LibraryProposal]:
    """The entities the name pairs make one (by canonical names), except those the
    reviewer has said are different (`distinct`: (label, a, b) with a < b)."""
    by_name = {(e.label, n): e for e in entities for n in e.names}
    said = {(label, *sorted((a, b))) for label, a, b in distinct}
    found: dict[tuple[str, str, str], str] = {}
    for (label, x, y), reason in pairs.items():
        ex, ey = by_name.get((label, x)), by_name.get((label, y))
        if ex is None or ey is None or ex is ey:
            continue
        if any((label, *sorted((m, n))) in said for m in ex.names for n in ey.names):
            continue
        a, b = sorted((ex.canonical, ey.canonical))
        found.setdefault((label, a, b), reason)
    return [LibraryProposal(label, a, b, reason)
            for (label, a, b), reason in sorted(found.items())]


def default_canonical(entities: Iterable[LibraryEntity]) -> str:
    """The name a merge keeps by default: the one in most releases, then most mentioned,
    then the longest."""
    names = [(e, n) for e in entities for n in e.names]
    best = max(names, key=lambda en: (len(en[0].stats(en[1]).releases),
                                      en[0].stats(en[1]).mentions, len(en[1]), en[1]))
    return best[1]


def merge_plan(entities: list[LibraryEntity], canonical: str
               ) -> tuple[list[int], list[tuple[str, str, str]]]:
    """The alias links that make `entities` one entity named `canonical`: (link ids to
    delete, (canonical, alias, label) links to add)."""
    label = entities[0].label
    remove = sorted(i for e in entities for i in e.alias_ids.values())
    names = sorted({n for e in entities for n in e.names} - {canonical})
    return remove, [(canonical, n, label) for n in names]


def split_plan(entity: LibraryEntity, names: Iterable[str]
               ) -> tuple[list[int], list[tuple[str, str, str]]]:
    """The links to delete (and keep) so `names` stand alone again; the canonical name
    among them splits every alias off."""
    wanted = set(names)
    if entity.canonical in wanted:
        wanted = set(entity.alias_ids)
    return sorted(i for n, i in entity.alias_ids.items() if n in wanted), []
