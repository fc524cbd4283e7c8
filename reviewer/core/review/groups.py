"""A release's entities as the reviewer reads them: grouped under one name per entity,
with the links between names the linker proposes."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from reviewer.core.extract.linking import link
from reviewer.core.model import Alias, Entity

#: How an entity's source reads in the entity list and tooltips.
ENTITY_STATUS = {"auto": "extracted", "lexicon": "learned", "user": "confirmed"}


@dataclass(slots=True)
class EntityGroup:
    """One distinct entity of a release: its mentions under one canonical name."""

    label: str
    canonical: str
    mentions: list[Entity] = field(default_factory=list)

    @property
    def status(self) -> str:
        sources = {m.source for m in self.mentions}
        if "user" in sources:
            return "confirmed"
        if "lexicon" in sources:
            return "learned"
        return "extracted"

    @property
    def names(self) -> list[str]:
        return sorted({m.text for m in self.mentions})


def group_entities(entities: list[Entity]) -> dict[str, list[EntityGroup]]:
    """Label -> groups (ordered by first mention), keyed by canonical name."""
    groups: dict[tuple[str, str], EntityGroup] = {}
    for ent in entities:
        name = ent.canonical or ent.text
        g = groups.get((ent.label, name))
        if g is None:
            g = groups[(ent.label, name)] = EntityGroup(ent.label, name)
        g.mentions.append(ent)
    out: dict[str, list[EntityGroup]] = {}
    for g in groups.values():
        out.setdefault(g.label, []).append(g)
    return out


def entity_at(entities: list[Entity], offset: int) -> Entity | None:
    """The entity covering `offset` (the innermost one when spans nest)."""
    best = None
    for e in entities:
        if e.start <= offset < e.end and (best is None or e.end - e.start < best.end - best.start):
            best = e
    return best


_DIGITS = re.compile(r"\d+")


def only_numbers_differ(a: str, b: str) -> bool:
    """Names that differ only in their numbers name different things ("35th Forum" and
    "36th Forum", "G7" and "G8")."""
    return a != b and _DIGITS.sub("#", a) == _DIGITS.sub("#", b)


def alias_proposals(groups: list[EntityGroup], aliases: list[Alias],
                    distinct: set[tuple[str, str, str]] | None = None
                    ) -> list[tuple[str, str, str]]:
    """Likely (canonical, alias, label) links among a release's entities that the
    reviewer has not confirmed yet: the linker's proposals (spelling variants, names in
    another order; the longer name is the canonical one), and a person named by one
    word of their full name, its last ("Mori" for "Takeo Mori"). The last-word rule is
    for people only: "2019" is not "November 2019", nor "ASEAN" "CDC ASEAN". Names that
    differ only in their numbers, or that the reviewer said are different (`distinct`:
    (label, a, b) with a < b), are not proposed."""
    known = {(a.canonical, a.alias) for a in aliases} | {(a.alias, a.canonical)
                                                        for a in aliases}
    out: list[tuple[str, str, str]] = []
    result = link({"release": [m for g in groups for m in g.mentions]}, aliases)
    for p in result.proposals:
        canonical, alias = (p.a, p.b) if len(p.a) >= len(p.b) else (p.b, p.a)
        if (canonical, alias) not in known:
            out.append((canonical, alias, p.label))
    names = [g.canonical for g in groups if g.label == "PERSON"]
    for short in names:
        for full in names:
            if (short != full and " " not in short and full.endswith(" " + short)
                    and (full, short) not in known):
                out.append((full, short, "PERSON"))
    said = distinct or set()
    return [p for p in dict.fromkeys(out) if not only_numbers_differ(p[0], p[1])
            and (p[2], *sorted(p[:2])) not in said]
