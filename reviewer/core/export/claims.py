"""What a release's facts claim, read closely enough to compare releases and to state
them in a memo.

The extractor's facts are deliberately cheap: a role's `org` is the nearest organisation,
place or nationality in the sentence, which names the wrong country as often as the right
one ("Prime Minister Pham Minh Chinh with Japanese Prime Minister Kishida Fumio" gives both
men the org "Japanese"). A memo that states roles, and compares them across releases, needs
more care, so this module re-reads each fact's own sentence:

- a role's *jurisdiction* is taken only from words bound to the title: a nationality or
  place right before it ("Japanese Prime Minister", "Japan's Foreign Minister"), "of X"
  right after it ("Prime Minister of Japan"), or the "... of X" that closes the person's
  apposition ("Nguyen Quoc Dzung, Deputy Foreign Minister, ASEAN SOM Leader of Viet Nam");
  otherwise it is unknown, and an unknown jurisdiction is never guessed;
- a role's *time* is the release's date (its dateline); "former", "late" and "then" titles
  are history, not the present holder;
- a figure's *subject* is the content words of what it measures, and its *time* the year
  its sentence names, else the year of the release.
"""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, replace
from functools import cache
from typing import TYPE_CHECKING

from reviewer.core.extract.linking import norm_key
from reviewer.core.model import Entity, Fact
from reviewer.core.resources import resource_path

if TYPE_CHECKING:  # review imports the extractor; the memo only needs the data shape
    from reviewer.core.review.view import DocumentView


# -- dates ---------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class When:
    """A date as precise as the release gives it: a day, a month or a year."""

    first: _dt.date
    last: _dt.date
    precision: str  # "day", "month" or "year"

    @classmethod
    def parse(cls, iso: str) -> When | None:
        """"2021-05-27", "2021-05" or "2021" (anything else, e.g. a range: None)."""
        m = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", iso.strip())
        if not m:
            return None
        year = int(m.group(1))
        try:
            if m.group(3):
                day = _dt.date(year, int(m.group(2)), int(m.group(3)))
                return cls(day, day, "day")
            if m.group(2):
                month = int(m.group(2))
                first = _dt.date(year, month, 1)
                nxt = _dt.date(year + month // 12, month % 12 + 1, 1)
                return cls(first, nxt - _dt.timedelta(days=1), "month")
            return cls(_dt.date(year, 1, 1), _dt.date(year, 12, 31), "year")
        except ValueError:
            return None

    def days_apart(self, other: When) -> int:
        """Days between the two periods (0 when they overlap)."""
        if self.last < other.first:
            return (other.first - self.last).days
        if other.last < self.first:
            return (self.first - other.last).days
        return 0

    def shown(self) -> str:
        if self.precision == "day":
            return f"{self.first.day} {self.first:%B %Y}"
        if self.precision == "month":
            return f"{self.first:%B %Y}"
        return str(self.first.year)


def release_when(view: DocumentView) -> When | None:
    """The release's date from its dateline, None when it gives none."""
    dl = view.document.structure.dateline
    return When.parse(dl.iso) if dl is not None and dl.iso else None


# -- places and nationalities -------------------------------------------------------------

@cache
def _countries_by_demonym() -> dict[str, str]:
    out: dict[str, str] = {}
    path = resource_path("gazetteers", "demonyms.tsv")
    for line in path.read_text("utf-8").splitlines():
        demonym, _, country = line.partition("\t")
        if demonym and country:
            out.setdefault(demonym.strip().casefold(), country.strip())
    return out


def country_of(name: str) -> str:
    """"Japanese" -> "Japan"; a name that is not a nationality comes back as it is."""
    return _countries_by_demonym().get(name.strip().casefold(), name.strip())


# -- the reviewer's corrections ----------------------------------------------------------

def corrected_value(view: DocumentView, fact: Fact) -> str:
    """The value the reviewer gave the fact, "" when they kept the extractor's."""
    fs = view.fact_statuses.get(fact.key())
    value = (fs.value or "").strip() if fs is not None else ""
    return "" if value == fact.summary().strip() else value


def effective_fact(view: DocumentView, fact: Fact) -> Fact | None:
    """The fact as the reviewer left it: their corrected value read back into fields
    ("Person — Title — Country" for a role, an amount for a figure), the fact itself when
    they did not correct it, None when the correction cannot be read that way."""
    value = corrected_value(view, fact)
    if not value:
        return fact
    fields = dict(fact.fields)
    if fact.kind == "role":
        parts = [p.strip() for p in re.split(r"\s+[—–]\s+|\s+-\s+", value) if p.strip()]
        if len(parts) not in (2, 3):
            return None
        fields.update(person=parts[0], title=parts[1],
                      org=parts[2] if len(parts) == 3 else "", corrected=True)
        return Fact(fact.kind, fact.start, fact.end, fields)
    if fact.kind == "figure":
        from reviewer.core.extract.patterns import find_money, find_percents

        found = find_money(value) or find_percents(value)
        if len(found) != 1 or not isinstance(found[0].value, dict):
            return None
        v = found[0].value
        fields = {k: x for k, x in fields.items() if k not in ("value", "currency")}
        fields.update(text=value, label=found[0].label)
        if "amount" in v:
            fields.update(value=float(v["amount"]), currency=str(v.get("currency", "")))
        elif "fraction" in v:
            fields.update(value=float(v["fraction"]))
        return Fact(fact.kind, fact.start, fact.end, fields)
    return None


# -- roles ---------------------------------------------------------------------------------

#: Titles that many people hold at once: different holders of these are no conflict.
SHARED_TITLE_WORDS = frozenset((
    "deputy", "vice", "assistant", "associate", "member", "members", "representative",
    "delegate", "adviser", "advisor", "official", "officials", "officer", "spokesperson",
    "spokesman", "spokeswoman", "senior", "envoy", "ambassador", "counsellor", "councillor",
    "director", "manager", "head", "leader", "partner", "professor", "researcher", "analyst",
    "staff", "permanent", "acting", "co-chair", "chair",
))
_PAST = re.compile(r"\b(?:former|late|then|ex|outgoing|previous|erstwhile)[\s-]+$", re.I)
_OF = re.compile(r"\s+(?:of|for)\s+(?:the\s+)?$", re.I)
_OF_BEFORE = re.compile(r"\s(?:of|for)\s+(?:the\s+)?$", re.I)
_BOUND = ("ORG", "PLACE", "NORP")


@dataclass(frozen=True, slots=True)
class Role:
    """A person holding a title, with the country or body it is for when the text says."""

    person: str
    title: str
    jurisdiction: str = ""  # "" when the sentence does not bind one to the title
    past: bool = False  # "former Prime Minister X": history, not the present holder

    def post(self) -> str:
        """"Prime Minister of Japan", or just "Prime Minister" when it is not said."""
        return f"{self.title} of {self.jurisdiction}" if self.jurisdiction else self.title

    def statement(self) -> str:
        title = f"former {self.post()}" if self.past else self.post()
        return f"{self.person} — {title}"

    def post_key(self) -> tuple[str, str] | None:
        """What makes two roles the same post; None when it cannot be told (no
        jurisdiction) or the title is one many people hold at once."""
        if not self.jurisdiction or self.past:
            return None
        title = normal_title(self.title)
        if not title or SHARED_TITLE_WORDS & set(title.split()):
            return None
        return title, norm_key(self.jurisdiction)


def normal_title(title: str) -> str:
    t = " ".join(re.sub(r"[^\w\s-]", " ", title.casefold()).split())
    t = re.sub(r"^the ", "", t)
    t = re.sub(r"\bminister (?:of|for) foreign affairs\b", "foreign minister", t)
    t = re.sub(r"\bpm\b", "prime minister", t)
    return t


def _bound_before(ents: list[Entity], text: str, start: int) -> Entity | None:
    """An organisation, place or nationality written right before `start`
    ("Japanese ", "Japan's ", "ASEAN ")."""
    best = None
    for ent in ents:
        if ent.label in _BOUND and ent.end <= start and re.fullmatch(
                r"(?:[’']s)?\s+", text[ent.end:start]):
            best = ent
    return best


def _chain_after(ents: list[Entity], text: str, pos: int, limit: int) -> tuple[str, int]:
    """"of the Ministry of Foreign Affairs of Brunei" right after `pos`: the bound names
    ("Ministry of Foreign Affairs of Brunei") and where the chain ends."""
    names: list[str] = []
    end = pos
    while True:
        nxt = None
        for ent in ents:
            if ent.label in _BOUND and end < ent.start <= limit and _OF.fullmatch(
                    text[end:ent.start]):
                nxt = ent
                break
        if nxt is None:
            break
        names.append(country_of(nxt.text) if nxt.label == "NORP" else nxt.text)
        end = nxt.end
    return " of ".join(names), end


def _apposition_end(text: str, ents: list[Entity], start: int, limit: int) -> int:
    """Where the apposition after a name ends: ", and", ";", a bracket, the next person."""
    stop = limit
    m = re.compile(r",?\s+and\s|;|\(|\)|—|–").search(text, start, limit)
    if m:
        stop = m.start()
    for ent in ents:
        if ent.label == "PERSON" and start < ent.start < stop:
            stop = ent.start
    return stop


def interpret_role(view: DocumentView, fact: Fact) -> Role | None:
    """The role a "role" fact states, its jurisdiction read from the sentence."""
    person, title = fact.fields.get("person"), fact.fields.get("title")
    if not isinstance(person, str) or not isinstance(title, str) or not person or not title:
        return None
    head = re.match(r"(?:former|late|ex-|outgoing|erstwhile)\s+", title, re.I)
    if head and title[head.end():].strip():  # the extractor keeps "Former" in the title
        role = _interpret(view, fact, person, title[head.end():].strip())
        return replace(role, past=True)
    return _interpret(view, fact, person, title)


def _interpret(view: DocumentView, fact: Fact, person: str, title: str) -> Role:
    if fact.fields.get("corrected"):  # the reviewer wrote the role out: take it as said
        org = fact.fields.get("org")
        return Role(person, title, country_of(org) if isinstance(org, str) else "")
    text = view.document.text
    s, e = max(0, fact.start), min(len(text), fact.end)
    ents = [x for x in view.entities if s <= x.start and x.end <= e]
    title_rx = re.compile(r"\b" + r"\s+".join(map(re.escape, title.split())) + r"\b\.?")
    for m in re.finditer(re.escape(person), text[s:e]):
        p0, p1 = s + m.start(), s + m.end()
        # the name the reviewer settled on ("Nguyen Quoc Dzung" confirmed as an alias)
        person = next((x.canonical for x in ents if x.label == "PERSON" and x.canonical
                       and x.start <= p0 and p1 <= x.end), person)
        # "Japanese Prime Minister X" / "Prime Minister of Japan X"
        before = [t for t in title_rx.finditer(text, max(s, p0 - len(title) - 80), p0)
                  if re.fullmatch(r"[\s,]*", text[t.end():p0])
                  or _chain_after(ents, text, t.end(), p0)[1] > t.end()]
        if before:
            t = before[-1]
            chain, chain_end = _chain_after(ents, text, t.end(), p0)
            if chain and not re.fullmatch(r"[\s,]*", text[chain_end:p0]):
                chain = ""
            return Role(person, title, _jurisdiction(ents, text, t.start()) or chain,
                        _past(text, ents, t.start()))
        # "X, Prime Minister of Japan" / "X, Deputy Foreign Minister, SOM Leader of Viet Nam"
        after = re.compile(r",\s+(?:the\s+)?").match(text, p1, e)
        if after:
            t2 = title_rx.match(text, after.end(), e)
            if t2 is None:
                pre = re.compile(r"([\w’'-]+(?:\s+[\w’'-]+)?)\s+").match(text, after.end(), e)
                t2 = title_rx.match(text, pre.end(), e) if pre else None
            if t2 is not None:
                stop = _apposition_end(text, ents, t2.end(), e)
                chain, _ = _chain_after(ents, text, t2.end(), stop)
                where = _jurisdiction(ents, text, t2.start(), floor=after.end()) or chain \
                    or _last_place_of(ents, text, t2.end(), stop)
                return Role(person, title, where, False)
    return Role(person, title, "", False)


def _jurisdiction(ents: list[Entity], text: str, title_start: int, floor: int = 0) -> str:
    ent = _bound_before(ents, text, title_start)
    if ent is None or ent.start < floor:
        return ""
    return country_of(ent.text) if ent.label == "NORP" else ent.text


def _last_place_of(ents: list[Entity], text: str, start: int, stop: int) -> str:
    """The last "of <place or nationality>" inside an apposition."""
    found = ""
    for ent in ents:
        if ent.label in ("PLACE", "NORP") and start <= ent.start and ent.end <= stop \
                and _OF_BEFORE.search(text, start, ent.start):
            found = country_of(ent.text) if ent.label == "NORP" else ent.text
    return found


def _past(text: str, ents: list[Entity], title_start: int) -> bool:
    ent = _bound_before(ents, text, title_start)
    head = ent.start if ent is not None else title_start
    return bool(_PAST.search(text, max(0, head - 20), head))


def same_person(a: str, b: str) -> bool:
    """The same name written another way: word order ("Suga Yoshihide" / "Yoshihide
    Suga"), a surname alone ("Dung" / "Nguyen Quoc Dung"), or a one-letter spelling
    difference in a long name ("Dzung" / "Dung")."""
    ta = {norm_key(w) for w in a.split()} - {""}
    tb = {norm_key(w) for w in b.split()} - {""}
    if not ta or not tb:
        return False
    if ta <= tb or tb <= ta:
        return True
    ka, kb = norm_key(a), norm_key(b)
    return min(len(ka), len(kb)) >= 8 and _close(ka, kb)


def _close(a: str, b: str) -> bool:
    from rapidfuzz.distance import Levenshtein

    return int(Levenshtein.distance(a, b, score_cutoff=2)) <= 1


# -- figures -------------------------------------------------------------------------------

_STOP = frozenset((
    "the", "a", "an", "of", "in", "on", "for", "to", "and", "or", "by", "with", "from", "its",
    "their", "this", "that", "these", "those", "set", "out", "up", "total", "some", "about",
    "which", "was", "were", "is", "are", "has", "have", "be", "been", "announced", "reached",
    "following", "additional", "establish", "between", "worth",
))
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")


@dataclass(frozen=True, slots=True)
class FigureClaim:
    subject: str  # what is measured, as written
    subject_key: frozenset[str]
    kind: str  # MONEY / PERCENT, with the currency for money
    value: float
    shown: str
    year: int | None


def figure_claim(view: DocumentView, fact: Fact, when: When | None) -> FigureClaim | None:
    """A figure with a subject and a value, or None when it cannot be compared."""
    d = fact.fields
    subject = next((v.strip() for k in ("refers_to", "subject", "about")
                    if isinstance(v := d.get(k), str) and v.strip()), "")
    value = d.get("value")
    if not subject or not isinstance(value, (int, float)):
        return None
    words = frozenset(_stem(w) for w in re.findall(r"[^\W\d_]{3,}", subject.casefold())
                      if w not in _STOP)
    if not words:
        return None
    shown = str(d.get("text") or fact.summary()).strip()
    kind = f"{d.get('label', '')}|{d.get('currency', '')}"
    sentence = view.document.text[fact.start:fact.end]
    years = {int(y) for y in _YEAR.findall(sentence)}
    year = min(years) if len(years) == 1 else None
    if year is None and not years and when is not None:
        year = when.first.year
    return FigureClaim(subject, words, kind, float(value), shown, year)


def _stem(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") \
        else word


def same_value(a: float, b: float) -> bool:
    """Equal up to rounding (1 %): "US$1.2 billion" and "US$1,203 million" agree."""
    return abs(a - b) <= 0.01 * max(abs(a), abs(b))


# -- meetings ------------------------------------------------------------------------------

_ORDINAL = re.compile(r"\b\d+(?:st|nd|rd|th)\b", re.I)


def numbered_event(fact: Fact) -> tuple[str, When] | None:
    """("36th ASEAN-Japan Forum", its day) for a numbered meeting dated to the day: a
    meeting that happens once, so two different dates for it disagree."""
    event, iso = fact.fields.get("event"), fact.fields.get("iso")
    if not isinstance(event, str) or not isinstance(iso, str) or not _ORDINAL.search(event):
        return None
    when = When.parse(iso)
    if when is None or when.precision != "day":
        return None
    return event, when


__all__ = ["When", "Role", "FigureClaim", "release_when", "interpret_role", "figure_claim",
           "numbered_event", "same_person", "same_value", "country_of"]
