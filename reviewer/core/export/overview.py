"""The memo's opening paragraph: what the set of releases is about, in a few sentences
built from what was extracted (the reviewer can write their own in the export dialog)."""
from __future__ import annotations

from collections.abc import Sequence

from reviewer.core.export.claims import When, interpret_role, numbered_event
from reviewer.core.export.releases import Release, SharedName, shared_names
from reviewer.core.model import Alias

_NUMBERS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
            "ten")
MAX_NAMES = 4
MAX_MEETINGS = 4


def word(n: int) -> str:
    """"five" up to ten, then digits."""
    return _NUMBERS[n] if 0 <= n < len(_NUMBERS) else str(n)


def count(n: int, noun: str) -> str:
    """"one release", "five releases", "12 releases"."""
    return f"{word(n)} {noun}" + ("" if n == 1 else "s")


def _listing(items: Sequence[str]) -> str:
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def describe_set(releases: Sequence[Release], aliases: Sequence[Alias] = ()) -> str:
    """E.g. "Five releases, dated 26 August 2020 to 27 May 2021 (two undated). Most named:
    ASEAN (all five), Japan (four) and Viet Nam (three). People: Nguyen Quoc Dung (Deputy
    Foreign Minister of Viet Nam; three releases) and Takeo Mori (two). Meetings: ..."."""
    n = len(releases)
    out = [_dates(releases)]
    several = n > 1
    bodies = [s for s in shared_names(releases, aliases, ("ORG", "PLACE"))
              if not several or len(s.releases) > 1][:MAX_NAMES]
    if bodies:
        out.append("Most named: " + _listing([_named(s, n) for s in bodies]) + ".")
    people = [s for s in shared_names(releases, aliases, ("PERSON",))
              if len(s.name.split()) > 1 and (not several or len(s.releases) > 1)]
    if several and not people:
        people = [s for s in shared_names(releases, aliases, ("PERSON",))
                  if len(s.name.split()) > 1]
    people = people[:MAX_NAMES]
    if people:
        out.append("People: " + _listing([_person(s, releases, n) for s in people]) + ".")
    meetings = _meetings(releases)
    if meetings:
        out.append("Meetings: " + _listing(meetings) + ".")
    return " ".join(out)


def _dates(releases: Sequence[Release]) -> str:
    n = len(releases)
    head = count(n, "release")
    head = head[0].upper() + head[1:]
    whens = [w for w in (r.when for r in releases) if w is not None]
    if not whens:
        return f"{head}, none of them dated." if n > 1 else f"{head}, without a date."
    first = min(whens, key=lambda w: w.first)
    last = max(whens, key=lambda w: w.last)
    span = first.shown() if first == last else f"{first.shown()} to {last.shown()}"
    missing = n - len(whens)
    tail = f" ({word(missing)} undated)" if missing else ""
    return f"{head}, dated {span}{tail}."


def _named(s: SharedName, n: int) -> str:
    """"Association of Southeast Asian Nations (ASEAN; all five)"."""
    short = next((a for a in s.aliases if a.isupper() and 1 < len(a) < len(s.name)), "")
    k = len(s.releases)
    inside = [short] if short else []
    if n > 1:
        inside.append("all " + word(k) if k == n else word(k))
    return f"{s.name} ({'; '.join(inside)})" if inside else s.name


def _person(s: SharedName, releases: Sequence[Release], n: int) -> str:
    post = _post_of(s, releases)
    k = len(s.releases)
    where = "" if n == 1 else count(k, "release")
    inside = "; ".join(x for x in (post, where) if x)
    return f"{s.name} ({inside})" if inside else s.name


def _post_of(s: SharedName, releases: Sequence[Release]) -> str:
    """The post a release gives the person with its country, when one does."""
    names = {s.name, *s.aliases}
    for r in releases:
        if r.number not in s.releases:
            continue
        for f in r.view.facts:
            if f.kind != "role" or f.fields.get("person") not in names:
                continue
            if r.view.fact_status(f) == "disputed":
                continue
            role = interpret_role(r.view, f)
            if role is not None and role.jurisdiction and not role.past:
                return role.post()
    return ""


def _meetings(releases: Sequence[Release]) -> list[str]:
    """Numbered meetings, or meetings on the release's own date: what the releases
    report on, rather than every summit they mention in passing."""
    out: list[str] = []
    seen: set[str] = set()
    for r in releases:
        when = r.when
        for f in r.view.facts:
            if f.kind != "meeting":
                continue
            event = str(f.fields.get("event", ""))
            iso = f.fields.get("iso")
            day = When.parse(iso) if isinstance(iso, str) and iso else None
            own = day is not None and when is not None and day == when
            if not (numbered_event(f) or own or f.fields.get("co_chairs")):
                continue
            if event.casefold() in seen:
                continue
            seen.add(event.casefold())
            out.append(f"{event} ({day.shown()})" if day is not None else event)
    return out[:MAX_MEETINGS]
