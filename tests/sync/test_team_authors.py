"""Who last changed each part of a release, read from the change log: another reviewer's
change is credited to them by name, this laptop's reviewer's never is, and the newest
change decides."""
from __future__ import annotations

import datetime as dt
import time

import pytest

pytest.importorskip("psycopg")

from team_helpers import as_laptop_of, correction, note, pulled  # noqa: E402

from reviewer.core.model import Correction  # noqa: E402
from reviewer.core.store import ReviewStore  # noqa: E402
from reviewer.core.sync.authors import release_authors, when  # noqa: E402


@pytest.fixture
def store(tmp_path):
    s = ReviewStore(tmp_path / "review.sqlite3")
    yield s
    s.close()


def _doc(store: ReviewStore) -> int:
    return store.upsert_document("/releases/a.txt", sha256="ab" * 32, size=1, mtime_ns=1)


def test_a_laptop_that_never_synced_credits_no_one(store) -> None:
    doc = _doc(store)
    store.set_status(doc, "reviewed")
    store.add_note(doc, "mine")
    assert not release_authors(store, doc)


def test_changes_from_the_team_are_credited_by_name(store) -> None:
    doc = _doc(store)
    as_laptop_of(store, "ben")
    t = time.time() - 600
    pulled(store, doc, "correction", correction("add", 4, 9, "ORG", "OPEC"), at=t)
    pulled(store, doc, "fact", {"status": "verified", "value": "5bn", "note": ""},
           key="money|amount=5", author="lea", at=t + 1)
    pulled(store, doc, "note", note("ask the desk"), at=t + 2)
    pulled(store, doc, "status", {"status": "reviewed"}, at=t + 3)
    found = release_authors(store, doc)
    entity = found.entity("ORG", "OPEC", ["OPEC"], [(4, 9)])
    assert entity is not None and entity.who == "Ana Lima" and entity.verb == "Corrected"
    assert entity.detail == "labelled “OPEC” as Organisation"
    assert found.entity("ORG", "IMF", ["IMF"], [(20, 23)]) is None
    fact = found.facts["money|amount=5"]
    assert fact.caption().startswith("Verified by Lea Park, ") and "“5bn”" in fact.full()
    [note_id] = [n.id for n in store.notes(doc)]
    assert found.notes[note_id].verb == "Written"
    assert found.status is not None and found.status.verb == "Marked reviewed"


def test_the_newest_change_decides_and_the_reviewers_own_carries_nothing(store) -> None:
    doc = _doc(store)
    as_laptop_of(store, "ben")
    t = time.time() - 600
    pulled(store, doc, "correction", correction("add", 4, 9, "ORG", "OPEC"), at=t)
    pulled(store, doc, "fact", {"status": "disputed", "value": None, "note": ""},
           key="f", author="lea", at=t)
    # Ben corrects the same entity and checks the same fact after them.
    store.add_correction(Correction("retype", 4, 9, "EVENT", "OPEC", doc_id=doc,
                                    old_start=4, old_end=9, old_label="ORG"))
    store.set_fact_status(doc, "f", "verified")
    found = release_authors(store, doc)
    assert found.entity("EVENT", "OPEC", ["OPEC"], [(4, 9)]) is None
    assert "f" not in found.facts
    # Ana links another name to it later: the entity's newest change is hers again.
    pulled(store, doc, "alias", {"label": "EVENT"}, key=("OPEC", "Opec"), at=time.time())
    found = release_authors(store, doc)
    linked = found.entity("EVENT", "OPEC", ["OPEC", "Opec"], [(4, 9), (30, 34)])
    assert linked is not None and linked.caption().startswith("Linked by Ana Lima, ")
    assert found.entity("EVENT", "OPEC", ["OPEC"], [(4, 9)]) is None


def test_times_read_as_the_window_writes_them() -> None:
    now = dt.datetime(2026, 12, 2, 15, 0)
    assert when(dt.datetime(2026, 12, 2, 10, 42).timestamp(), now) == "10:42"
    assert when(dt.datetime(2026, 11, 28, 9, 5).timestamp(), now) == "28 Nov 09:05"
    assert when(dt.datetime(2025, 11, 28, 9, 5).timestamp(), now) == "28 Nov 2025 09:05"


def test_the_team_panel_writes_times_as_the_entity_pane_does() -> None:
    from reviewer.core.sync.team import TeamEdit

    at = dt.datetime(2025, 3, 2, 9, 5).timestamp()
    line = TeamEdit("Ana Lima", at, "status", {"status": "reviewed"}).describe()
    assert line == f"Marked by Ana Lima, {when(at)}: reviewed" == \
        "Marked by Ana Lima, 2 Mar 2025 09:05: reviewed"
