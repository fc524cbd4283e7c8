"""Facts a release states: dateline, roles, figures and meetings, each with its sentence."""

from __future__ import annotations

import bisect
import re

from reviewer.core.extract.gazetteer import TITLE_CORE, TITLE_MODS
from reviewer.core.model import Dateline, Entity, Fact

# A sentence ends at `.!?` (plus a closing quote or bracket) before white space and a capital,
# or at line breaks. The pattern starts with a character class so the engine can skip ahead;
# the end punctuation itself belongs to the sentence.
_SENT_END = re.compile(r"[.!?\n](?:(?<=[.!?])[\"”’)]?\s+(?=[\"“(A-Z0-9])|(?<=\n)\n*)")
_TITLE_WORDS = TITLE_CORE | TITLE_MODS
_TITLE_RX = re.compile(
    r"(?:(?:"
    + "|".join(sorted(_TITLE_WORDS, key=len, reverse=True))
    + r")\.?\x20){0,5}(?:"
    + "|".join(sorted(TITLE_CORE, key=len, reverse=True))
    + r")\b\.?"
)
_MEASURE = re.compile(
    r"\b(?:of|in|on|for|to)\s+(?:the\s+)?((?:[\w’'-]+\s+){0,5}?[\w’'-]+?)"
    r"(?=\s*(?:[,.;]|\b(?:and|to|for|with|by|in|from|which|that|was|were|has|have)\b))"
)
_MEASURE_BEFORE = re.compile(
    r"((?:[A-Za-z’'-]+\s+){1,4})(?:reached|rose|fell|grew|totalled|totaled|"
    r"amounted to|was|were|of|worth|is|stood at|increased to|decreased to)\s+"
    r"(?:about\s+|approximately\s+|around\s+|nearly\s+|over\s+|some\s+)?$"
)
_CO_CHAIR = re.compile(r"co-?chaired", re.I)


def sentences(text: str) -> list[tuple[int, int]]:
    out = []
    pos = 0
    for m in _SENT_END.finditer(text):
        end = m.start()
        if text[end] != "\n":
            end += 1
        if end > pos:
            out.append((pos, end))
        pos = m.end()
    if pos < len(text):
        out.append((pos, len(text)))
    return out


def _sent_of(sents: list[tuple[int, int]], starts: list[int], off: int) -> tuple[int, int]:
    i = bisect.bisect_right(starts, off) - 1
    return sents[max(i, 0)] if sents else (0, 0)


_STARTS: dict[int, list[int]] = {}


def _slice(ents: list[Entity], s: int, e: int) -> list[Entity]:
    starts = _STARTS.get(id(ents))
    if starts is None or len(starts) != len(ents):
        starts = [x.start for x in ents]
        _STARTS.clear()
        _STARTS[id(ents)] = starts
    return ents[bisect.bisect_left(starts, s) : bisect.bisect_left(starts, e)]


def _role(text: str, p: Entity, ents: list[Entity], sent: tuple[int, int]) -> Fact | None:
    s0, e0 = sent
    before = text[max(s0, p.start - 80) : p.start]
    title = ""
    m = None
    for m in _TITLE_RX.finditer(before):  # noqa: B007 - keep the last match
        pass
    if m and m.end() >= len(before) - 1:
        title = m.group(0).strip()
    if not title:
        after = text[p.end : min(e0, p.end + 90)]
        am = re.match(r",\s+(?:the\s+)?", after)
        if am:
            tm = _TITLE_RX.match(after, am.end())
            if tm:
                title = tm.group(0).strip()
    if not title:
        return None
    # org or country: the nearest ORG/PLACE/NORP around the title within the sentence
    org = ""
    near = [
        e
        for e in _slice(ents, max(s0, p.start - 119), min(e0, p.start + 120))
        if e.label in ("ORG", "PLACE", "NORP")
    ]
    if near:
        # the role's body usually follows the person ("X, Minister of Japan") or sits
        # inside the title before it ("Japanese Deputy Minister X")
        following = [e for e in near if e.start >= p.end]
        preceding = [e for e in near if e.end <= p.start]
        pick = (min(following, key=lambda e: e.start) if following
                else max(preceding, key=lambda e: e.end))
        org = pick.text
    return Fact("role", s0, e0, {"person": p.text, "title": title, "org": org})


_WINDOW = 400
_WINDOW_BEFORE = 160  # four words, a verb and "about": far less in practice


def _first_after(starts: list[int], items: list[Entity], after: int, end: int) -> Entity | None:
    """The first of `items` (sorted by start) starting in (after, end)."""
    k = bisect.bisect_right(starts, after)
    return items[k] if k < len(items) and starts[k] < end else None


def _refers_to(text: str, f: Entity, sent: tuple[int, int]) -> str:
    s0, e0 = sent
    # bounded windows: a figure's measure is a few words away, and a huge "sentence" (a text
    # without full stops) must not make every figure rescan it
    after = text[f.end : min(e0, f.end + _WINDOW)]
    m = (
        _MEASURE.match(after.lstrip())
        if after.lstrip().startswith(("of ", "in ", "for ", "to ", "on "))
        else None
    )
    # the measure ends with a verb and white space right before the figure
    mb = (
        _MEASURE_BEFORE.search(text, max(s0, f.start - _WINDOW_BEFORE), f.start)
        if f.start > s0 and text[f.start - 1].isspace()
        else None
    )
    if mb:
        return mb.group(1).strip()
    if m and not m.group(1)[:1].isdigit():
        return m.group(1).strip()
    return ""


def find_facts(text: str, ents: list[Entity], dl: Dateline | None) -> list[Fact]:
    facts: list[Fact] = []
    sents = sentences(text)
    starts = [s for s, _ in sents]
    if dl:
        s, e = _sent_of(sents, starts, dl.start)
        facts.append(
            Fact(
                "dateline",
                s,
                e,
                {"place": dl.place, "date": dl.date, "iso": dl.iso, "source": dl.source},
            )
        )
    seen_roles: set[tuple[str, str]] = set()
    # meeting look-ups by bisection (no rescan of a sentence per event)
    dates: list[Entity] = []
    places: list[Entity] = []
    co_chaired: list[tuple[int, int]] = []
    if any(x.label == "EVENT" for x in ents):
        dates = [x for x in ents if x.label == "DATE"]
        for x in ents:
            if x.label == "PLACE":
                s = _sent_of(sents, starts, x.start)[0]
                if text[max(s, x.start - 4) : x.start].strip() in ("in", "at"):
                    places.append(x)
        co_chaired = [m.span() for m in _CO_CHAIR.finditer(text)]
    date_starts = [x.start for x in dates]
    place_starts = [x.start for x in places]
    co_starts = [a for a, _ in co_chaired]
    for ent in ents:
        if ent.label == "PERSON":
            sent = _sent_of(sents, starts, ent.start)
            f = _role(text, ent, ents, sent)
            if f and (f.fields["person"], f.fields["title"]) not in seen_roles:
                seen_roles.add((f.fields["person"], f.fields["title"]))
                facts.append(f)
        elif ent.label in ("MONEY", "PERCENT"):
            s, e = _sent_of(sents, starts, ent.start)
            fields: dict[str, str | float] = {"text": ent.text, "label": ent.label}
            v = ent.value or {}
            if "amount" in v:
                fields["value"] = float(v["amount"])
                fields["currency"] = str(v.get("currency", ""))
            elif "fraction" in v:
                fields["value"] = float(v["fraction"])
            ref = _refers_to(text, ent, (s, e))
            if ref:
                fields["refers_to"] = ref
            facts.append(Fact("figure", s, e, fields))
        elif ent.label == "EVENT":
            s, e = _sent_of(sents, starts, ent.start)
            fields = {"event": ent.text}
            date = _first_after(date_starts, dates, ent.start, e)
            place = _first_after(place_starts, places, ent.start, e)
            if date is not None:
                fields["date"] = date.text
                iso = (date.value or {}).get("iso") if isinstance(date.value, dict) else None
                if iso:
                    fields["iso"] = str(iso)
            elif dl and s <= dl.end and dl.date:
                fields["date"] = dl.date
                fields["iso"] = dl.iso
            if place is not None:
                fields["place"] = place.text
            k = bisect.bisect_left(co_starts, s)
            if k < len(co_chaired) and co_chaired[k][1] <= e:
                chairs = [x.text for x in _slice(ents, s, e) if x.label == "PERSON"]
                if chairs:
                    fields["co_chairs"] = "; ".join(dict.fromkeys(chairs))
            facts.append(Fact("meeting", s, e, fields))
    # a meeting mentioned several times keeps its richest statement
    best: dict[str, Fact] = {}
    others: list[Fact] = []
    for f in facts:
        if f.kind != "meeting":
            others.append(f)
            continue
        k = f.fields["event"]
        if k not in best or len(f.fields) > len(best[k].fields):
            best[k] = f
    return others + list(best.values())
