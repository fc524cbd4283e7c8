"""Who last changed each part of a release, when it was another reviewer: what the window
shows beside the entity, the fact or the note ("Corrected by Ana Lima, 10:42").

Read from the change log: for every target of the release (a correction, a fact, a note,
its status, its summary, and the library's alias links), the change the laptop shows (the
fold's winner). A target whose shown change came from the team and is not this laptop's
reviewer's is attributed; one this laptop's reviewer changed last is not, so a reviewer's
own work never carries a caption.
"""
from __future__ import annotations

import datetime as _dt
import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from reviewer.core import changelog
from reviewer.core.changelog import Change
from reviewer.core.palette import LABEL_NAMES
from reviewer.core.store import ReviewStore


def when(at: float, now: _dt.datetime | None = None) -> str:
    """A change's time as the window writes it, in local time: "10:42" today,
    "28 Nov 10:42" this year, "28 Nov 2025 10:42" before."""
    t = _dt.datetime.fromtimestamp(at)
    now = now or _dt.datetime.now()
    if t.date() == now.date():
        return t.strftime("%H:%M")
    day = f"{t.day} {t.strftime('%b')}"
    return f"{day} {t:%H:%M}" if t.year == now.year else f"{day} {t.year} {t:%H:%M}"


@dataclass(frozen=True, slots=True)
class Attribution:
    """Another reviewer's change, as the window credits it."""
    verb: str  # "Corrected", "Verified", "Written", ...
    who: str  # the name the team knows them by
    at: float
    detail: str = ""  # what they did, in words (for a tooltip)

    def caption(self, now: _dt.datetime | None = None) -> str:
        """"Corrected by Ana Lima, 10:42"."""
        return f"{self.verb} by {self.who}, {when(self.at, now)}"

    def full(self) -> str:
        """The caption with the full date and what was done (a tooltip's line)."""
        stamp = _dt.datetime.fromtimestamp(self.at).strftime("%a %d %b %Y, %H:%M")
        return f"{self.verb} by {self.who}, {stamp}" + (f": {self.detail}" if self.detail
                                                          else "")


@dataclass(frozen=True, slots=True)
class _Touch:
    """A change shown on an entity's span (a correction) or name (an alias link); `by`
    None when it is this laptop's reviewer's."""
    at: float
    by: Attribution | None


@dataclass(slots=True)
class ReleaseAuthors:
    """Who last changed the parts of one release, when that was another reviewer."""
    facts: dict[str, Attribution] = field(default_factory=dict)  # by fact key
    notes: dict[int, Attribution] = field(default_factory=dict)  # by note id
    status: Attribution | None = None
    summary: Attribution | None = None
    _spans: dict[tuple[int, int], _Touch] = field(default_factory=dict)
    _names: dict[tuple[str, str], _Touch] = field(default_factory=dict)  # label, text
    _links: dict[tuple[str, str], _Touch] = field(default_factory=dict)  # canonical, alias

    def __bool__(self) -> bool:
        return bool(self.facts or self.notes or self.status or self.summary
                    or any(t.by for t in self._spans.values())
                    or any(t.by for t in self._names.values())
                    or any(t.by for t in self._links.values()))

    def entity(self, label: str, canonical: str, names: Iterable[str],
               spans: Iterable[tuple[int, int]]) -> Attribution | None:
        """The entity's attribution: the newest correction of one of its mentions (or
        label-all of one of its names) or alias link between its names, when another
        reviewer made it."""
        names = set(names) | {canonical}
        touches = [self._spans.get(s) for s in spans]
        touches += [self._names.get((label, n)) for n in names]
        touches += [t for (a, b), t in self._links.items() if a in names and b in names]
        found = [t for t in touches if t is not None]
        if not found:
            return None
        return max(found, key=lambda t: t.at).by


def _newer(old: _Touch | None, new: _Touch) -> _Touch:
    return new if old is None or new.at >= old.at else old


_FACT_VERBS = {"verified": "Verified", "disputed": "Disputed", "unverified": "Unverified"}


def _correction_detail(v: dict[str, Any]) -> str:
    name = LABEL_NAMES.get(str(v.get("label", "")), str(v.get("label", "")))
    text = v.get("text", "")
    return {"add": f"labelled “{text}” as {name}", "reject": f"rejected “{text}”",
            "retype": f"retyped “{text}” as {name}",
            "resize": f"resized to “{text}” ({name})"}.get(
        str(v.get("action", "")), f"corrected “{text}”") + (
        " in every release" if v.get("scope") == "library" else "")


def release_authors(store: ReviewStore, doc_id: int) -> ReleaseAuthors:
    """What other reviewers last changed in release `doc_id` (empty when the release has
    no content hash or nobody else touched it)."""
    out = ReleaseAuthors()
    with store.reading() as db:
        row = db.execute("SELECT sha256 FROM documents WHERE id = ?", (doc_id,)).fetchone()
        sha = str(row[0]) if row is not None and row[0] else ""
        if not sha:
            return out
        me = changelog.meta(db, "author") or ""
        if not me:
            return out  # never synced (a sync names this laptop's reviewer): all its own
        people: dict[str, str] = json.loads(changelog.meta(db, "people") or "{}")
        rows = _rows(db, "release_sha = ?", (sha,))
        rows += _rows(db, "release_sha = '' AND kind = 'alias'", ())
        library = [str(r[0]) for r in db.execute(
            "SELECT i.uid FROM corrections c JOIN change_ids i ON i.kind = 'correction' AND "
            "i.local_id = c.id WHERE c.scope = 'library' AND c.doc_id != ?", (doc_id,))]
        for i in range(0, len(library), 500):
            part = [changelog.target_of("correction", u) for u in library[i:i + 500]]
            rows += _rows(db, f"target IN ({', '.join('?' for _ in part)})", tuple(part))
        by_target: dict[str, list[Change]] = {}
        remote: set[str] = set()
        for r in rows:
            c = Change(str(r[0]), str(r[1]), str(r[2]), float(r[3]), str(r[4]), str(r[5]),
                       str(r[6]), tuple(json.loads(r[7])), r[8], bool(r[9]))
            by_target.setdefault(c.target, []).append(c)
            if r[10] == "remote":
                remote.add(c.uuid)
        wanted = [str(json.loads(t)[1]) for t in by_target
                  if t.startswith(('["correction"', '["note"'))]
        uids: dict[tuple[str, str], int] = {}
        for i in range(0, len(wanted), 500):
            part = wanted[i:i + 500]
            uids.update({(str(k), str(u)): int(n) for k, n, u in db.execute(
                "SELECT kind, local_id, uid FROM change_ids WHERE uid IN "
                f"({', '.join('?' for _ in part)})", part)})
        corrections = {int(r[0]): (int(r[1]), int(r[2]), str(r[3]), str(r[4]), str(r[5]))
                       for r in db.execute("SELECT id, start, end, label, text, scope FROM "
                                           "corrections WHERE doc_id = ? OR scope = 'library'",
                                           (doc_id,))}
    for target, changes in by_target.items():
        folded = changelog.fold(changes)
        if folded is None:
            continue
        w = folded.winner
        others = w.uuid in remote and w.author != me
        who = people.get(w.author) or w.author
        v = w.value()
        key = json.loads(target)[1:]

        if w.kind == "correction":
            local = uids.get(("correction", str(key[0])))
            row_now = corrections.get(local) if local is not None else None
            if row_now is None or v is None:
                continue  # removed, or not applied here
            start, end, label, text, scope = row_now
            touch = _Touch(w.at, Attribution("Corrected", who, w.at, _correction_detail(v))
                           if others else None)
            if scope == "library":
                out._names[(label, text)] = _newer(out._names.get((label, text)), touch)
            else:
                out._spans[(start, end)] = _newer(out._spans.get((start, end)), touch)
        elif w.kind == "alias" and len(key) == 2:
            linked = v is not None
            out._links[(str(key[0]), str(key[1]))] = _Touch(w.at, Attribution(
                "Linked" if linked else "Unlinked", who, w.at,
                f"“{key[1]}” {'is' if linked else 'is no longer'} “{key[0]}”")
                if others else None)
        elif not others:
            continue
        elif w.kind == "fact" and len(key) == 2:
            status = str((v or {}).get("status", ""))
            value = (v or {}).get("value")
            verb = _FACT_VERBS.get(status, "Cleared") if v is not None else "Cleared"
            detail = f"{status}" + (f", value “{value}”" if value else "")
            out.facts[str(key[1])] = Attribution(verb, who, w.at, detail)
        elif w.kind == "note" and v is not None:
            local = uids.get(("note", str(key[0])))
            if local is not None:
                verb = "Edited" if w.parents else "Written"
                out.notes[local] = Attribution(verb, who, w.at, f"“{v.get('text', '')}”")
        elif w.kind == "status":
            status = str((v or {}).get("status", ""))
            out.status = Attribution(f"Marked {status}", who, w.at)
        elif w.kind == "summary":
            out.summary = Attribution("Written" if v is not None else "Reset", who, w.at)
    return out


def _rows(db: sqlite3.Connection, where: str, args: tuple[str, ...]) -> list[Any]:
    return db.execute(
        "SELECT uuid, author, device, at, release_sha, kind, target, parents, payload, "
        f"resolution, origin FROM changes WHERE {where}", args).fetchall()
