"""Changes by other reviewers, put in a laptop's store exactly as a sync's pull puts them
(`changelog.insert_remote`, then `materialise`): no server needed."""
from __future__ import annotations

import json
import time
import uuid

from reviewer.core import changelog
from reviewer.core.changelog import Change
from reviewer.core.store import ReviewStore

PEOPLE = {"ana": "Ana Lima", "ben": "Ben Okafor", "lea": "Lea Park"}


def as_laptop_of(store: ReviewStore, role: str) -> None:
    """The store as after its first sync as `role`: its reviewer and the team's names."""
    with store.transaction() as db:
        changelog.set_meta(db, "author", role)
        changelog.set_meta(db, "people", json.dumps(PEOPLE))
        db.execute("UPDATE changes SET author = ? WHERE origin != 'remote'", (role,))


def pulled(store: ReviewStore, doc_id: int, kind: str, value: dict | None, *,
           author: str = "ana", key: str | tuple[str, str] = "",
           at: float | None = None) -> Change:
    """Another reviewer's change of release `doc_id`, as received from the team. `key`:
    a fact's key, or an alias link's (canonical, alias); the target of a correction or a
    note is a new one."""
    with store.transaction() as db:
        sha = str(db.execute("SELECT sha256 FROM documents WHERE id = ?",
                             (doc_id,)).fetchone()[0])
        if kind in ("correction", "note"):
            target = changelog.target_of(kind, str(uuid.uuid4()))
        elif kind == "fact":
            target = changelog.target_of("fact", sha, str(key))
        elif kind == "alias":  # library-wide: no release's hash
            target, sha = changelog.target_of("alias", *key), ""
        else:
            target = changelog.target_of(kind, sha)
        seen = changelog.fold(changelog.changes_of(db, target))
        change = Change(str(uuid.uuid4()), author, f"laptop-{author}",
                        time.time() if at is None else at, sha, kind, target,
                        (seen.winner.uuid,) if seen else (),
                        None if value is None else json.dumps(value, sort_keys=True))
        changelog.insert_remote(db, [change])
        changelog.materialise(db, target)
    return change


def correction(action: str, start: int, end: int, label: str, text: str,
               **extra: object) -> dict:
    """A correction's value as it travels."""
    value = {"action": action, "start": start, "end": end, "label": label, "text": text,
             "old_start": None, "old_end": None, "old_label": "", "before": "", "after": "",
             "scope": "doc"}
    value.update(extra)
    return value


def note(text: str, *, author_name: str = "") -> dict:
    return {"target": "document", "target_key": "", "start": None, "end": None, "quote": "",
            "before": "", "after": "", "text": text, "author": author_name}
