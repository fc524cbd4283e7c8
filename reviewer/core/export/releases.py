"""The releases of one memo: each with its view and summary, the entities they share
and the facts on which they disagree."""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reviewer.core.extract.linking import link
from reviewer.core.model import Alias, Fact

if TYPE_CHECKING:  # review imports the extractor; the memo only needs the data shape
    from reviewer.core.review.view import DocumentView

#: Labels of the entities the memo lists as shared between releases.
SHARED_LABELS = ("PERSON", "ORG", "PLACE", "NORP", "EVENT", "DOCUMENT")


@dataclass(slots=True)
class Release:
    """One release as the memo needs it: the view plus what the store adds."""

    number: int
    view: DocumentView
    summary: str = ""
    summary_edited: bool = False

    @property
    def title(self) -> str:
        doc = self.view.document
        return doc.title.strip() or doc.name


@dataclass(slots=True)
class SharedEntity:
    label: str
    name: str
    releases: list[int]
    mentions: int
    aliases: list[str]


def shared_entities(releases: Sequence[Release],
                    aliases: Sequence[Alias] = ()) -> list[SharedEntity]:
    """Entities (names, not values) appearing in more than one release, grouped by the
    extraction engine's linker (it merges "Viet Nam"/"Vietnam", an acronym with its
    definition, and the reviewer's confirmed aliases)."""
    result = link({str(r.number): list(r.view.entities) for r in releases}, aliases)
    out = [SharedEntity(c.label, c.name, sorted(int(d) for d in c.docs), c.mentions,
                        sorted(c.aliases, key=str.casefold)[:6])
           for c in result.entities
           if c.label in SHARED_LABELS and len(c.docs) > 1 and len(c.name) > 1]
    out.sort(key=lambda s: (-len(s.releases), -s.mentions, s.name.casefold()))
    return out


@dataclass(slots=True)
class Conflict:
    subject: str
    kind: str
    values: list[tuple[str, list[int]]]  # (value as written, release numbers)


_NORM_RE = re.compile(r"[^\w%$€£¥.]+")
_WORDY = re.compile(r"[^\W\d_]{3}")  # a subject needs a word: "2024" is not one


def _norm(value: str) -> str:
    return _NORM_RE.sub(" ", value.casefold()).strip()


def _entity_name_at(view: DocumentView, start: int, end: int, label: str,
                    raw: str) -> str:
    """The canonical name of the `label` entity written as `raw` inside [start, end)."""
    for ent in view.entities:
        if ent.label == label and start <= ent.start < end and (
                ent.text == raw or (ent.canonical and ent.canonical == raw)):
            return ent.canonical or ent.text
    return raw


def _figure_subject(f: Fact) -> str:
    """What a figure measures ("refers_to" from the extractor: "revenue", "the fund")."""
    d = f.fields
    for key in ("refers_to", "subject", "about"):
        v = d.get(key)
        if isinstance(v, str) and v.strip():
            return v.strip()
    return ""


def _figure_value(f: Fact) -> tuple[str, str]:
    """(as written, comparison key): "US$ 50 million" and "$50 million" compare equal
    through the extractor's normalised value and currency."""
    d = f.fields
    shown = str(d.get("text") or f.summary()).strip()
    v = d.get("value")
    if isinstance(v, (int, float)):
        return shown, f"{d.get('currency', '')}|{float(v):.6g}|{d.get('label', '')}"
    return shown, _norm(shown)


def find_conflicts(releases: Sequence[Release]) -> list[Conflict]:
    """Subjects described differently: a person with different titles, an office
    (title at an organisation) held by different people, a subject with different
    amounts, a meeting on different dates. Differences only in case or punctuation
    (or, for amounts, in how the same normalised value is written) do not count."""
    titles: dict[str, dict[str, tuple[str, set[int]]]] = defaultdict(dict)
    holders: dict[str, dict[str, tuple[str, set[int]]]] = defaultdict(dict)
    amounts: dict[str, dict[str, tuple[str, set[int]]]] = defaultdict(dict)
    dates: dict[str, dict[str, tuple[str, set[int]]]] = defaultdict(dict)
    names: dict[str, str] = {}

    def put(bucket: dict[str, dict[str, tuple[str, set[int]]]], subject: str, value: str,
            number: int,
            value_key: str | None = None) -> None:
        key = _norm(subject)
        names.setdefault(key, subject)
        slot = bucket[key].setdefault(value_key or _norm(value), (value, set()))
        slot[1].add(number)

    for r in releases:
        view = r.view
        for f in view.facts:
            d = f.fields
            if f.kind == "role":
                person, title = d.get("person"), d.get("title")
                if isinstance(person, str) and isinstance(title, str) and person and title:
                    person = _entity_name_at(view, f.start, f.end, "PERSON", person)
                    org = d.get("org") if isinstance(d.get("org"), str) else ""
                    put(titles, person, f"{title}, {org}" if org else title, r.number)
                    if org:
                        put(holders, f"{title}, {org}", person, r.number)
            elif f.kind == "figure":
                subject = _figure_subject(f)
                if subject:
                    shown, key = _figure_value(f)
                    put(amounts, subject, shown, r.number, key)
            elif f.kind == "meeting":
                event, when = d.get("event"), d.get("iso") or d.get("date")
                if isinstance(event, str) and event and isinstance(when, str) and when:
                    event = _entity_name_at(view, f.start, f.end, "EVENT", event)
                    put(dates, event, str(d.get("date") or when), r.number, str(when))
    out: list[Conflict] = []
    for kind, bucket in (("title", titles), ("holder", holders), ("figure", amounts),
                         ("date", dates)):
        for key, values in bucket.items():
            if len(values) < 2 or not _WORDY.search(names[key]):
                continue
            if len(set().union(*(nums for _v, nums in values.values()))) < 2:
                continue  # figures for several things in one release are not a conflict
            if kind == "title" and _titles_compatible([v for v, _ in values.values()]):
                continue
            vals = sorted(((v, sorted(nums)) for v, nums in values.values()),
                          key=lambda x: (x[1], x[0]))
            label = {"title": "title / role", "holder": "who holds the post",
                     "figure": "amount", "date": "date"}[kind]
            out.append(Conflict(names[key], label, vals))
    out.sort(key=lambda c: c.subject.casefold())
    return out


def _titles_compatible(values: list[str]) -> bool:
    """"CEO" and "CEO, Acme" are the same claim told in more or less detail."""
    normed = sorted({_norm(v) for v in values}, key=len)
    return all(normed[-1].startswith(v) for v in normed[:-1])


# -- notes --------------------------------------------------------------------------------
