"""The demo releases live in the data folder, not in the installed package: reinstalling
Reviewer or deleting its environment leaves them, and their review data, in place."""
from __future__ import annotations

import shutil
from pathlib import Path

from reviewer.core.resources import sample_docs_dir
from reviewer.core.review.workspace import DEMO_DIR, Workspace


def test_first_start_copies_the_demo_into_the_data_folder(data_dir: Path) -> None:
    with Workspace(data_dir) as ws:
        assert ws.ensure_demo_library()
        assert ws.store.folders() == [str(data_dir / DEMO_DIR)]
        assert ws.library.scan().added == 5
        doc = ws.store.documents()[0]
        assert Path(doc.path).parent == data_dir / DEMO_DIR
        ws.store.add_note(doc.id, "my review")
    with Workspace(data_dir) as ws:  # the next start: nothing to add or re-index
        assert not ws.ensure_demo_library()
        report = ws.library.scan()
        assert (report.added, report.updated, report.unchanged) == (0, 0, 5)
        assert [n.text for n in ws.store.notes(doc.id)] == ["my review"]


def test_a_library_on_the_installed_copy_moves_with_its_review_data(
        data_dir: Path, tmp_path: Path) -> None:
    # A data folder from before: its library is the demo inside an environment that was
    # then deleted (…/site-packages/reviewer/sample_docs).
    installed = tmp_path / "venv" / "site-packages" / "reviewer" / "sample_docs"
    shutil.copytree(sample_docs_dir(), installed)
    with Workspace(data_dir) as ws:
        ws.store.add_folder(str(installed))
        ws.library.scan()
        first = ws.doc_id_for_path(installed / "000_f7c1be859b819757.txt")
        ws.store.add_note(first, "checked with the ministry")
        ws.store.set_status(first, "reviewed")
    shutil.rmtree(tmp_path / "venv")
    with Workspace(data_dir) as ws:
        ws.ensure_demo_library()
        assert ws.store.folders() == [str(data_dir / DEMO_DIR)]
        report = ws.library.scan()
        assert report.failed == [] and report.added == 0
        moved = ws.doc_id_for_path(data_dir / DEMO_DIR / "000_f7c1be859b819757.txt")
        assert moved == first
        assert [n.text for n in ws.store.notes(first)] == ["checked with the ministry"]
        assert ws.store.status(first) == "reviewed"
        assert len(ws.searcher.search("ASEAN").hits) == 5
        assert ws.library.scan().unchanged == 5
