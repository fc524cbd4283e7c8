"""Missing releases with review data and their new copies, found by name and by their
corrections and notes in the new text; review data moved over and back."""
from __future__ import annotations

from pathlib import Path

from reviewer.core.review import operations as ops
from reviewer.core.review.reattach import find_matches, missing_releases
from reviewer.core.review.view import document_view
from reviewer.core.review.workspace import Workspace

THIRD = "002_b7fa9ce2e10e8a5e.txt"


def test_moved_and_edited_release_is_found_and_its_review_moves(samples: Path,
                                                                 data_dir: Path) -> None:
    with Workspace(data_dir) as ws:
        ws.library.add_paths([str(samples)])
        ws.library.scan()
        old = ws.doc_id_for_path(samples / THIRD)
        doc = ws.load(old)
        s = doc.text.index("Pham Minh Chinh")
        ops.save_corrections(ws, [ops.correction_add(doc, s, s + 15, "ORG")])
        ops.add_note(ws, doc, "his title?", target="span", start=s, end=s + 15,
                     author="Jane Reviewer")
        ws.store.set_status(old, "reviewed")
        ws.store.set_summary(old, "A summary")
        fact = document_view(ws, old).facts[0]
        ws.store.set_fact_status(old, fact.key(), "verified", value="edited", note="why")
        # Moved and edited.
        (samples / "archive").mkdir()
        (samples / "archive" / THIRD).write_text("Intro line.\n" + doc.text, encoding="utf-8")
        (samples / THIRD).unlink()
        report = ws.library.scan()
        assert (report.added, report.removed, report.moved) == (1, 1, 0)
        (missing,) = missing_releases(ws.store)
        assert missing.doc.id == old
        assert missing.review.describe() == \
            "1 correction, 1 note, 1 fact check, a summary, reviewed"
        (match,) = find_matches(ws)
        new = ws.doc_id_for_path(samples / "archive" / THIRD)
        assert (match.missing.doc.id, match.doc.id) == (old, new)
        assert (match.same_name, match.found, match.anchored) == (True, 2, 2)
        move = ws.store.move_review(old, new)
        assert missing_releases(ws.store) == []
        view = document_view(ws, new)
        at = view.document.text.index("Pham Minh Chinh")
        assert any(e.start == at and e.label == "ORG" for e in view.entities)
        assert [(n.text, n.author, n.start) for n in view.notes] == [
            ("his title?", "Jane Reviewer", at)]
        assert (view.status, ws.store.summary(new)) == ("reviewed", "A summary")
        assert view.fact_review(fact).value == "edited"
        assert find_matches(ws) == []  # nothing left to offer
        ws.store.undo_move_review(move)
        assert ws.store.status(old) == "reviewed" and ws.store.status(new) == "unreviewed"
        assert ws.store.summary(old) == "A summary" and ws.store.summary(new) is None
        assert len(ws.store.notes(old)) == 1 and ws.store.notes(new) == []
        assert [m.doc.id for m in find_matches(ws)] == [new]


def test_a_different_release_with_the_same_name_is_not_offered(samples: Path,
                                                              data_dir: Path) -> None:
    with Workspace(data_dir) as ws:
        ws.library.add_paths([str(samples)])
        ws.library.scan()
        old = ws.doc_id_for_path(samples / THIRD)
        doc = ws.load(old)
        s = doc.text.index("Pham Minh Chinh")
        ops.add_note(ws, doc, "note", target="span", start=s, end=s + 15)
        (samples / "other").mkdir()
        (samples / "other" / THIRD).write_text("An unrelated release about farming.\n",
                                               encoding="utf-8")
        (samples / THIRD).unlink()
        ws.library.scan()
        assert [m.doc.id for m in missing_releases(ws.store)] == [old]
        assert find_matches(ws) == []
