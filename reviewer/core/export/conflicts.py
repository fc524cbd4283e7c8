"""Where the releases of a memo disagree, and only there.

Three disagreements are reported:

- a post that one person holds at a time (a prime minister *of a named country*, not a
  deputy minister, of whom there are several) given to different people at the same
  time: in one release, or in releases dated at most SAME_TIME_DAYS apart;
- the same figure (what it measures, in the same unit, for the same year) given
  different values by different releases;
- a numbered meeting ("36th ASEAN-Japan Forum", which happens once) given different days.

A post whose country the sentence does not say is never compared (a Prime Minister of
Viet Nam is not "the Japanese Prime Minister" because Japan is named nearby), nor are
holders of a post years apart, a "former" holder, or the same person written another way.
A fact the reviewer marked disputed is left out; a value the reviewer corrected is
compared as corrected.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from reviewer.core.export.claims import (
    FigureClaim,
    Role,
    When,
    effective_fact,
    figure_claim,
    interpret_role,
    numbered_event,
    same_person,
    same_value,
)
from reviewer.core.export.releases import Release
from reviewer.core.model import Fact

SAME_TIME_DAYS = 31  # two releases within a month describe the same moment of a post


@dataclass(slots=True)
class Claim:
    """One side of a conflict: a value, where it is stated and when."""

    value: str
    release: int
    when: When | None
    evidence: str


@dataclass(slots=True)
class Conflict:
    subject: str  # "Prime Minister of Japan", "the grant (2021)", "36th ASEAN-Japan Forum"
    kind: str  # "holder", "figure" or "date"
    claims: list[Claim] = field(default_factory=list)

    def values(self) -> list[tuple[str, list[int]]]:
        """Each distinct value with the releases stating it, in order of first release."""
        out: dict[str, list[int]] = {}
        for c in sorted(self.claims, key=lambda c: c.release):
            nums = out.setdefault(c.value, [])
            if c.release not in nums:
                nums.append(c.release)
        return list(out.items())


KIND_TEXT = {"holder": "held by different people at the same time",
             "figure": "given different values", "date": "given different dates"}


def _evidence(r: Release, f: Fact) -> str:
    return " ".join(r.view.document.text[f.start:f.end].split())


def _usable(r: Release, f: Fact) -> bool:
    return r.view.fact_status(f) != "disputed"


def find_conflicts(releases: Sequence[Release]) -> list[Conflict]:
    """The disagreements described in the module docstring, sorted by subject."""
    posts: dict[tuple[str, str], list[tuple[Role, Claim]]] = defaultdict(list)
    figures: dict[tuple[frozenset[str], str, int], list[tuple[FigureClaim, Claim]]] = \
        defaultdict(list)
    events: dict[str, list[tuple[str, When, Claim]]] = defaultdict(list)
    for r in releases:
        when = r.when
        for stated in r.view.facts:
            f = effective_fact(r.view, stated) if _usable(r, stated) else None
            if f is None:
                continue
            if f.kind == "role":
                role = interpret_role(r.view, f)
                key = role.post_key() if role is not None else None
                if role is not None and key is not None:
                    posts[key].append((role, Claim(role.person, r.number, when,
                                                   _evidence(r, f))))
            elif f.kind == "figure":
                fc = figure_claim(r.view, f, when)
                if fc is not None and fc.year is not None:
                    figures[(fc.subject_key, fc.kind, fc.year)].append(
                        (fc, Claim(fc.shown, r.number, when, _evidence(r, f))))
            elif f.kind == "meeting":
                ev = numbered_event(f)
                if ev is not None:
                    name, day = ev
                    events[" ".join(name.casefold().split())].append(
                        (name, day, Claim(day.shown(), r.number, when, _evidence(r, f))))
    out: list[Conflict] = []
    for items in posts.values():
        involved = _conflicting_holders(items)
        if involved:
            out.append(Conflict(items[0][0].post(), "holder", involved))
    for (_key, _kind, year), fitems in figures.items():
        if len({c.release for _fc, c in fitems}) < 2:
            continue  # several figures for one thing in one release: parts, not a conflict
        if all(same_value(fc.value, fitems[0][0].value) for fc, _c in fitems):
            continue
        out.append(Conflict(f"{fitems[0][0].subject} ({year})", "figure",
                            [c for _fc, c in fitems]))
    for eitems in events.values():
        if len({d.first for _n, d, _c in eitems}) > 1:
            out.append(Conflict(eitems[0][0], "date", [c for _n, _d, c in eitems]))
    out.sort(key=lambda c: c.subject.casefold())
    return out


def _conflicting_holders(items: list[tuple[Role, Claim]]) -> list[Claim]:
    """The claims that name someone else for the post at the same time as another (a
    name written two ways is shown the first way each time)."""
    involved: list[Claim] = []
    first: list[str] = []
    for role, claim in items:
        claim.value = next((n for n in first if same_person(n, role.person)), role.person)
        if claim.value == role.person:
            first.append(role.person)
    for i, (ra, ca) in enumerate(items):
        for rb, cb in items[i + 1:]:
            if same_person(ra.person, rb.person):
                continue
            if ca.release == cb.release or (
                    ca.when is not None and cb.when is not None
                    and ca.when.precision != "year" and cb.when.precision != "year"
                    and ca.when.days_apart(cb.when) <= SAME_TIME_DAYS):
                for c in (ca, cb):
                    if all(c is not x for x in involved):
                        involved.append(c)
    return involved
