"""What a laptop knows about its team: the server, how often to sync, the reviewers'
names, who made a change, and the conflicts waiting for a lead."""
from __future__ import annotations

import datetime as _dt
import json
from dataclasses import dataclass

from reviewer.core import changelog
from reviewer.core.changelog import Change
from reviewer.core.store import ReviewStore
from reviewer.core.sync.authors import when


class TeamSettings:
    """The team settings kept in the review store (never a password)."""

    def __init__(self, store: ReviewStore) -> None:
        self.store = store

    def _get(self, key: str) -> str | None:
        with self.store.reading() as db:
            return changelog.meta(db, key)

    def _set(self, key: str, value: str) -> None:
        with self.store.transaction() as db:
            changelog.set_meta(db, key, value)

    def server(self) -> str | None:
        return self._get("server") or None

    def set_server(self, url: str) -> None:
        self._set("server", url)

    def interval_minutes(self) -> int:
        """How often the window syncs by itself (0: only when asked)."""
        value = self._get("interval")
        return int(value) if value and value.isdigit() else 0

    def set_interval(self, minutes: int) -> None:
        self._set("interval", str(max(0, minutes)))

    def share_texts(self) -> bool:
        """Whether this laptop uploads the files of its reviewed releases for teammates
        who lack them."""
        return self._get("share_texts") == "1"

    def set_share_texts(self, on: bool) -> None:
        self._set("share_texts", "1" if on else "0")

    def me(self) -> str:
        """This laptop's reviewer (the role it syncs as; "" before the first sync)."""
        return self._get("author") or ""

    def is_lead(self) -> bool:
        """Whether this laptop's reviewer may decide conflicts (as of the last sync)."""
        return self._get("lead") == "1"

    def name_of(self, role: str) -> str:
        """The name the team knows `role` by (the role itself when unknown)."""
        people = json.loads(self._get("people") or "{}")
        return str(people.get(role) or role)

    def last_sync(self) -> float | None:
        with self.store.reading() as db:
            row = db.execute("SELECT MAX(last_sync) FROM sync_servers").fetchone()
        return None if row is None or row[0] is None else float(row[0])

    def unsent(self) -> int:
        with self.store.reading() as db:
            return int(db.execute("SELECT count(*) FROM changes WHERE pushed = 0")
                       .fetchone()[0])

    def edits_by_others(self, doc_id: int, limit: int = 200) -> list[TeamEdit]:
        """What other reviewers changed on this release, newest first."""
        me = self.me()
        with self.store.reading() as db:
            row = db.execute("SELECT sha256 FROM documents WHERE id = ?", (doc_id,)).fetchone()
            if row is None or not row[0]:
                return []
            rows = db.execute(
                "SELECT author, at, kind, payload FROM changes WHERE release_sha = ? AND "
                "origin = 'remote' AND author != ? ORDER BY at DESC LIMIT ?",
                (row[0], me, limit)).fetchall()
        return [TeamEdit(self.name_of(str(r[0])), float(r[1]), str(r[2]),
                         None if r[3] is None else json.loads(r[3])) for r in rows]


@dataclass(frozen=True, slots=True)
class TeamEdit:
    """A change another reviewer made, as the window lists it."""
    who: str
    at: float
    kind: str
    value: dict[str, object] | None

    def describe(self) -> str:
        """"Corrected by Ana, 10:42: ORG “OPEC”" and the like."""
        stamp = when(self.at)  # as the entity pane writes it
        v = self.value or {}
        verb, what = {
            "correction": ("Corrected", f"{v.get('label', '')} “{v.get('text', '')}” "
                                        f"({v.get('action', '')})" if v else "a correction "
                                                                              "undone"),
            "fact": ("Checked", f"fact {v.get('status', '')}"
                                + (f" {v['value']}" if v.get("value") else "")
                     if v else "a fact status cleared"),
            "note": ("Annotated", f"“{v.get('text', '')}”" if v else "a note deleted"),
            "status": ("Marked", str(v.get("status", ""))),
            "summary": ("Summarised", f"“{v.get('text', '')}”" if v else "summary reset"),
        }.get(self.kind, ("Changed", self.kind))
        return f"{verb} by {self.who}, {stamp}: {what}"


_WHAT = {"entity": "entity", "status": "release status", "fact": "fact", "summary": "summary",
         "correction": "entity correction", "note": "note", "alias": "alias",
         "distinct": "different names"}


@dataclass(frozen=True, slots=True)
class Conflict:
    """A target the team disagrees on: its heads, the one shown last."""
    target: str
    heads: tuple[Change, ...]
    names: dict[str, str]
    titles: dict[str, str]  # release content hash → its title in this library

    def describe(self) -> str:
        key = json.loads(self.target)
        what = _WHAT.get(key[0], key[0])
        where = key[-1] if key[0] in ("fact", "alias") else \
            f"at {key[2]}–{key[3]}" if key[0] == "entity" else \
            f"“{key[2]}” / “{key[3]}”" if key[0] == "distinct" else ""
        sha = self.heads[-1].release_sha
        title = self.titles.get(sha, "")
        release = f"in “{title}”" if title else f"in release {sha[:12]}" if sha else ""
        return f"{what} {where} {release}".replace("  ", " ").strip()

    def options(self) -> list[str]:
        out = []
        for c in self.heads:
            stamp = _dt.datetime.fromtimestamp(c.at).strftime("%Y-%m-%d %H:%M")
            shown = " (shown)" if c is self.heads[-1] else ""
            out.append(f"{c.uuid[:8]}  {self.names.get(c.author, c.author) or 'you'}, "
                       f"{stamp}: {_value(c)}{shown}")
        return out


def _value(c: Change) -> str:
    v = c.value()
    if v is None:
        return "removed"
    if "a" in v and "b" in v:  # names said to be different
        return f"“{v['a']}” and “{v['b']}” are different"
    if "action" in v:  # an entity correction
        return f"{'rejected' if v['action'] == 'reject' else v.get('label')} “{v.get('text')}”"
    for key in ("status", "text", "label"):
        if key in v and v[key]:
            extra = f" {v['value']}" if v.get("value") else ""
            return f"{v[key]}{extra}"
    return json.dumps(v, ensure_ascii=False)


def conflicts(store: ReviewStore) -> list[Conflict]:
    with store.reading() as db:
        names = json.loads(changelog.meta(db, "people") or "{}")
        titles = {str(sha): str(title) for sha, title in db.execute(
            "SELECT sha256, title FROM documents WHERE sha256 != '' AND title != ''")}
        return [Conflict(t, tuple(h), names, titles) for t, h in changelog.conflicts(db)]
