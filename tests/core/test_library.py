from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest

from reviewer.core.model import Correction
from reviewer.core.review.workspace import Workspace
from reviewer.core.search.index import IndexLockedError


@pytest.fixture
def ws(data_dir: Path):
    w = Workspace(data_dir)
    yield w
    w.close()


def _scan(ws: Workspace, folder: Path):
    ws.library.add_paths([folder])
    return ws.library.scan()


def test_first_scan_adds_every_release(ws: Workspace, samples: Path) -> None:
    report = _scan(ws, samples)
    assert (report.added, report.updated, report.removed, report.unchanged) == (5, 0, 0, 0)
    assert ws.index.doc_count() == 5
    assert len(ws.store.documents()) == 5


def test_rescan_touches_only_what_changed(ws: Workspace, samples: Path) -> None:
    _scan(ws, samples)
    report = ws.library.scan()
    assert (report.added, report.updated, report.removed, report.unchanged) == (0, 0, 0, 5)

    changed = samples / "003_0f462b27d61fa48e.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\nA new closing line.\n",
                       encoding="utf-8")
    (samples / "new.md").write_text("# Fresh release\n\nHANOI, 3 June 2024 – Text.\n",
                                    encoding="utf-8")
    (samples / "004_931a6d2c2293319e.txt").unlink()
    seen: list[str] = []
    report = ws.library.scan(progress=lambda d, t, p: seen.append(Path(p).name))
    assert (report.added, report.updated, report.removed, report.unchanged) == (1, 1, 1, 3)
    assert sorted(seen) == ["003_0f462b27d61fa48e.txt", "new.md"]
    assert ws.index.doc_count() == 5
    hits = ws.searcher.search('"closing line"').hits
    assert [Path(h.path).name for h in hits] == ["003_0f462b27d61fa48e.txt"]


def test_rename_keeps_identity_and_review_data(ws: Workspace, samples: Path) -> None:
    _scan(ws, samples)
    old = samples / "001_5823aec3ae932b3b.txt"
    doc_id = ws.doc_id_for_path(old)
    ws.store.add_note(doc_id, "check Mori's title")
    ws.store.set_status(doc_id, "reviewed")
    (samples / "moved").mkdir()
    new = samples / "moved" / "renamed.txt"
    shutil.move(old, new)
    report = ws.library.scan()
    assert report.moved == 1 and report.added == 0 and report.removed == 0
    assert ws.doc_id_for_path(new) == doc_id
    assert [n.text for n in ws.store.notes(doc_id)] == ["check Mori's title"]
    assert ws.store.status(doc_id) == "reviewed"
    assert ws.index.doc_count() == 5
    assert {Path(h.path).name for h in ws.searcher.search("Mori").hits} >= {"renamed.txt"}


def test_deleted_file_keeps_review_data_and_returns(ws: Workspace, samples: Path) -> None:
    _scan(ws, samples)
    path = samples / "002_b7fa9ce2e10e8a5e.txt"
    doc_id = ws.doc_id_for_path(path)
    ws.store.add_correction(Correction("add", 0, 4, "ORG", "Text", doc_id=doc_id))
    content = path.read_bytes()
    path.unlink()
    assert ws.library.scan().removed == 1
    assert ws.store.document(doc_id).missing
    assert len(ws.store.corrections(doc_id)) == 1
    path.write_bytes(content)
    report = ws.library.scan()
    assert report.added == 1
    assert ws.doc_id_for_path(path) == doc_id  # same identity as before
    assert not ws.store.document(doc_id).missing


def test_bad_file_is_reported_and_the_rest_indexes(ws: Workspace, samples: Path) -> None:
    (samples / "broken.docx").write_bytes(b"not a zip at all")
    (samples / "binary.txt").write_bytes(bytes(range(256)) * 20)
    report = _scan(ws, samples)
    failed = dict((Path(p).name, r) for p, r in report.failed)
    assert set(failed) == {"broken.docx", "binary.txt"}
    assert "docx" in failed["broken.docx"]
    assert report.added == 5
    # A failed file is not read again while it stays the same, but stays reported.
    seen: list[str] = []
    again = ws.library.scan(progress=lambda d, t, p: seen.append(p))
    assert seen == [] and len(again.failed) == 2


def test_cancel_keeps_committed_work(ws: Workspace, samples: Path, monkeypatch) -> None:
    monkeypatch.setattr(type(ws.library), "BATCH", 2)
    cancel = threading.Event()

    def progress(done: int, total: int, path: str) -> None:
        if done == 3:
            cancel.set()

    ws.library.add_paths([samples])
    report = ws.library.scan(progress=progress, cancel=cancel)
    assert report.cancelled
    assert ws.index.doc_count() == 3  # two in a committed batch, one finished after it
    report = ws.library.scan()
    assert not report.cancelled and ws.index.doc_count() == 5


def test_missing_index_is_rebuilt_from_files(data_dir: Path, samples: Path) -> None:
    with Workspace(data_dir) as ws:
        _scan(ws, samples)
        doc_id = ws.doc_id_for_path(samples / "000_f7c1be859b819757.txt")
        ws.store.add_note(doc_id, "precious")
    shutil.rmtree(data_dir / "index")
    with Workspace(data_dir) as ws:
        assert ws.index.rebuilt
        report = ws.library.scan()
        assert report.updated == 5
        assert len(ws.searcher.search("ASEAN").hits) == 5
        assert [n.text for n in ws.store.notes(doc_id)] == ["precious"]


def test_corrupt_index_is_rebuilt(data_dir: Path, samples: Path) -> None:
    with Workspace(data_dir) as ws:
        _scan(ws, samples)
    for f in (data_dir / "index").iterdir():
        if f.suffix == ".seg":
            f.write_bytes(b"garbage")
    with Workspace(data_dir) as ws:
        ws.library.scan()
        assert len(ws.searcher.search("Japan").hits) == 4


def test_held_index_lock_gives_a_clear_error(ws: Workspace, samples: Path) -> None:
    ws.library.add_paths([samples])
    writer = ws.index.ix.writer()
    try:
        with pytest.raises(IndexLockedError, match="locked"):
            ws.library.scan()
    finally:
        writer.cancel()


def test_symlink_loop_does_not_hang(ws: Workspace, samples: Path) -> None:
    os.symlink(samples, samples / "loop")
    report = _scan(ws, samples)
    assert report.added == 5


def test_reapplying_learned_corrections_updates_the_index(ws: Workspace, samples: Path) -> None:
    _scan(ws, samples)
    assert ws.searcher.search('org:"Senior Officials"').hits == []
    ws.store.add_correction(Correction("add", 0, 16, "ORG", "Senior Officials",
                                       scope="library"))
    report = ws.library.scan(force=True)
    assert report.updated == 5
    names = {Path(h.path).name for h in ws.searcher.search('org:"Senior Officials"').hits}
    assert "000_f7c1be859b819757.txt" in names
