"""A release that changes on disk: corrections and notes follow their text (and the new
offsets are saved); what cannot be found is kept, flagged orphaned and listed."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from reviewer.core.review import session
from reviewer.core.review.view import context_of, document_view, make_correction
from reviewer.core.review.workspace import Workspace

ORIGINAL = ("Harbour Festival Opens\n\n"
            "HANOI, 3 June 2024 – The festival was opened by Nguyen Van An of Vinacorp.\n"
            "Ticket sales reached $2 million, said Tran Thi Binh.\n"
            "About Vinacorp: a company.\n")
CHANGED = ("Harbour Festival Opens\n\nUPDATED with a new first paragraph.\n\n"
           "HANOI, 3 June 2024 – The festival was opened by Nguyen Van An of Vinacorp.\n"
           "About Vinacorp: a company.\n")  # the sales sentence is gone


def rows(data_dir: Path, table: str) -> dict[int, tuple]:
    db = sqlite3.connect(data_dir / "review.sqlite3")
    try:
        return {r[0]: r[1:] for r in db.execute(
            f"SELECT id, start, end, orphaned FROM {table} ORDER BY id")}
    finally:
        db.close()


@pytest.fixture
def reviewed(data_dir: Path, tmp_path: Path):
    """A release with two corrections and two span notes, one of each about to vanish."""
    folder = tmp_path / "releases"
    folder.mkdir()
    path = folder / "festival.txt"
    path.write_text(ORIGINAL, encoding="utf-8")
    with Workspace(data_dir) as ws:
        ws.library.add_paths([folder])
        ws.library.scan()
        doc_id = ws.doc_id_for_path(path)
        doc = document_view(ws, doc_id).document
        s = ORIGINAL.index("Vinacorp.")
        kept_c = make_correction(doc, "add", s, s + len("Vinacorp"), "ORG")
        s = ORIGINAL.index("Tran Thi Binh")
        lost_c = make_correction(doc, "add", s, s + len("Tran Thi Binh"), "PERSON")
        ws.store.add_correction(kept_c)
        ws.store.add_correction(lost_c)
        notes = {}
        for key, quote in (("kept", "Nguyen Van An"), ("lost", "$2 million")):
            s = ORIGINAL.index(quote)
            before, after = context_of(ORIGINAL, s, s + len(quote))
            notes[key] = ws.store.add_note(doc_id, f"{key} note", target="span", start=s,
                                           end=s + len(quote), quote=quote, before=before,
                                           after=after)
    return path, doc_id, kept_c.id, lost_c.id, notes


def test_changed_release_reanchors_and_keeps_orphans(data_dir: Path, reviewed) -> None:
    path, doc_id, kept_c, lost_c, notes = reviewed
    path.write_text(CHANGED, encoding="utf-8")
    with Workspace(data_dir) as ws:
        assert ws.library.scan().updated == 1
        view = document_view(ws, doc_id)
        text = view.document.text
        # The correction found again is applied at its new place...
        vina = text.index("Vinacorp.")
        assert any((e.start, e.end, e.label, e.source) == (vina, vina + 8, "ORG", "user")
                   for e in view.entities)
        # ...the one whose text is gone is listed as orphaned, not dropped.
        assert [c.id for c in view.orphaned] == [lost_c]
        by_id = {n.id: n for n in view.notes}
        an = text.index("Nguyen Van An")
        assert (by_id[notes["kept"]].start, by_id[notes["kept"]].orphaned) == (an, False)
        assert by_id[notes["lost"]].orphaned and by_id[notes["lost"]].text == "lost note"
    # Persisted: the store itself holds the new offsets and the orphan flags.
    corr = rows(data_dir, "corrections")
    assert corr[kept_c] == (vina, vina + 8, 0)
    assert corr[lost_c][2] == 1
    nrows = rows(data_dir, "notes")
    assert nrows[notes["kept"]] == (an, an + len("Nguyen Van An"), 0)
    assert nrows[notes["lost"]][2] == 1
    with Workspace(data_dir) as ws:  # orphans are still there on the next start
        assert [c.id for c in ws.store.orphaned_corrections(doc_id)] == [lost_c]
        assert {n.id for n in ws.store.notes(doc_id)} == set(notes.values())


def test_orphans_come_back_when_their_text_does(data_dir: Path, reviewed) -> None:
    path, doc_id, kept_c, lost_c, notes = reviewed
    path.write_text(CHANGED, encoding="utf-8")
    with Workspace(data_dir) as ws:
        ws.library.scan()
        document_view(ws, doc_id)
    path.write_text(ORIGINAL, encoding="utf-8")
    with Workspace(data_dir) as ws:
        ws.library.scan()
        view = document_view(ws, doc_id)
        assert view.orphaned == [] and not any(n.orphaned for n in view.notes)
    s = ORIGINAL.index("Tran Thi Binh")
    assert rows(data_dir, "corrections")[lost_c] == (s, s + len("Tran Thi Binh"), 0)
    assert all(r[2] == 0 for r in rows(data_dir, "notes").values())


def test_the_gui_session_path_persists_anchors_too(data_dir: Path, reviewed) -> None:
    """The GUI opens releases through session.DocumentSession (Workspace.load)."""
    path, doc_id, kept_c, lost_c, notes = reviewed
    path.write_text(CHANGED, encoding="utf-8")
    with Workspace(data_dir) as ws:
        ws.library.scan()
        view = session.DocumentSession(ws, doc_id).view()
        assert [c.id for c in view.orphaned] == [lost_c]
    vina = CHANGED.index("Vinacorp.")
    assert rows(data_dir, "corrections")[kept_c] == (vina, vina + 8, 0)
    assert rows(data_dir, "corrections")[lost_c][2] == 1


def test_read_only_instance_reanchors_without_writing(data_dir: Path, reviewed) -> None:
    path, doc_id, kept_c, lost_c, notes = reviewed
    path.write_text(CHANGED, encoding="utf-8")
    before = rows(data_dir, "corrections")
    with Workspace(data_dir) as writer, Workspace(data_dir) as reader:
        assert not writer.readonly and reader.readonly
        view = document_view(reader, doc_id)  # must not raise "read-only"
        assert [c.id for c in view.orphaned] == [lost_c]
    assert rows(data_dir, "corrections") == before
