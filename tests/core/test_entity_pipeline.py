"""Entities extracted once and stored: the text pass makes a library searchable at once,
the entity pass fills the entities in (and resumes where it stopped), opening a release
reads them back, and a new extractor version re-extracts what is not under review."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import reviewer.core.analysis as analysis
import reviewer.core.extract as extract_mod
from reviewer.core.entity_cache import CACHE_FILE
from reviewer.core.model import Correction, Entity
from reviewer.core.review import operations as ops
from reviewer.core.review.session import DocumentSession
from reviewer.core.review.view import document_view
from reviewer.core.review.workspace import Workspace
from reviewer.core.search.library import Library

ROOT = Path(__file__).resolve().parents[2]


def _release(i: int) -> str:
    return (f"Release number {i}\n\nHANOI, 3 June 2024 – Minister Nguyen Van An met "
            f"Acme Holdings Inc. in Hanoi about uniq{i}word, said Maria Santos.\n")


def _folder(root: Path, n: int) -> Path:
    lib = root / "lib"
    lib.mkdir()
    for i in range(n):
        (lib / f"release-{i:03d}.txt").write_text(_release(i), encoding="utf-8")
    return lib


def _stored_rows(data_dir: Path) -> int:
    db = sqlite3.connect(data_dir / CACHE_FILE)
    try:
        return int(db.execute("SELECT count(*) FROM entities").fetchone()[0])
    finally:
        db.close()


def test_text_pass_is_searchable_then_entity_pass_fills_entities(
        data_dir: Path, tmp_path: Path, extractions: list[str]) -> None:
    lib = _folder(tmp_path, 6)
    with Workspace(data_dir) as ws:
        ws.library.add_paths([lib])
        report = ws.library.scan(entities=False)
        assert report.added == 6 and report.entities is None
        assert extractions == []  # the text pass runs no extraction
        assert len(ws.searcher.search("uniq3word").hits) == 1  # searchable at once
        assert ws.searcher.search("person:santos").total == 0  # no entities yet
        assert ws.library.pending_entities() == 6

        seen: list[tuple[int, int]] = []
        entities = ws.library.fill_entities(progress=lambda d, t, p: seen.append((d, t)),
                                            workers=0)
        assert (entities.total, entities.extracted, entities.reused) == (6, 6, 0)
        assert seen == [(i, 6) for i in range(1, 7)]
        assert ws.searcher.search("person:santos").total == 6
        assert ws.searcher.search("uniq3word").facets["PERSON"]["Maria Santos"] == 1
        assert ws.library.pending_entities() == 0
        # nothing left: a second pass extracts nothing
        assert ws.library.fill_entities(workers=0).total == 0
        assert len(extractions) == 6


def test_opening_a_release_reads_its_stored_entities(data_dir: Path, samples: Path,
                                                     extractions: list[str]) -> None:
    with Workspace(data_dir) as ws:
        ws.library.add_paths([samples])
        ws.library.scan()
        extracted = len(extractions)
        assert extracted == 5
        doc_id = ws.doc_id_for_path(samples / "001_5823aec3ae932b3b.txt")
        first = document_view(ws, doc_id)
        again = DocumentSession(ws, doc_id)
        assert len(extractions) == extracted  # neither open ran the extractor
        assert again.base.source == "stored"
        assert [(e.start, e.end, e.label) for e in again.view().entities] == \
            [(e.start, e.end, e.label) for e in first.entities]
        assert any(e.text == "Suga Yoshihide" for e in first.entities)

    # Stored entities gone (the cache is deleted): the first open extracts and stores,
    # the second reads them back.
    for suffix in ("", "-wal", "-shm"):
        Path(f"{data_dir / CACHE_FILE}{suffix}").unlink(missing_ok=True)
    with Workspace(data_dir) as ws:
        DocumentSession(ws, doc_id)
        assert len(extractions) == extracted + 1
        assert DocumentSession(ws, doc_id).base.source == "stored"
        assert len(extractions) == extracted + 1


def test_lexicon_changes_need_no_extraction(data_dir: Path, samples: Path,
                                            extractions: list[str]) -> None:
    with Workspace(data_dir) as ws:
        ws.library.add_paths([samples])
        ws.library.scan()
        n = len(extractions)
        doc_id = ws.doc_id_for_path(samples / "003_0f462b27d61fa48e.txt")
        session = DocumentSession(ws, doc_id)
        text = session.document.text
        name = "ASEAN-Japan Day"
        start = text.index(name)
        ws.store.add_correction(Correction("add", start, start + len(name), "EVENT", name,
                                           doc_id=doc_id, scope="library"))
        session.reextract()
        assert any(e.text == name and e.label == "EVENT" for e in session.view().entities)
        report = ws.library.scan(force=True)  # every release again, with the new lexicon
        assert report.updated == 5 and report.entities.total == 0
        assert len(extractions) == n  # all from the stored entities
        assert name in ws.searcher.search("symposium").facets["EVENT"]


def _new_extractor(monkeypatch) -> None:
    """A new rule-engine version that also finds every "Hanoi" as an EVENT (a change
    anyone can see)."""
    monkeypatch.setattr(extract_mod, "RULES_VERSION", extract_mod.RULES_VERSION + ".next")
    real = analysis.extract_base

    def changed(text, structure=None, model=True):
        out = [e for e in real(text, structure, model) if e.text != "Hanoi"]
        i = text.find("Hanoi")
        while i >= 0:
            if not any(e.start < i + 5 and i < e.end for e in out):
                out.append(Entity(i, i + 5, "EVENT", "Hanoi", score=0.9))
            i = text.find("Hanoi", i + 5)
        return sorted(out, key=lambda e: e.start)

    monkeypatch.setattr(analysis, "extract_base", changed)


def test_new_extractor_version_reextracts_unreviewed_and_keeps_reviewed(
        data_dir: Path, tmp_path: Path, monkeypatch) -> None:
    lib = _folder(tmp_path, 4)
    with Workspace(data_dir) as ws:
        ws.library.add_paths([lib])
        ws.library.scan(workers=0)
        old_version = extract_mod.extractor_version()
        reviewed = ws.doc_id_for_path(lib / "release-000.txt")
        in_progress = ws.doc_id_for_path(lib / "release-001.txt")
        unreviewed = ws.doc_id_for_path(lib / "release-002.txt")
        for doc_id, status in ((reviewed, "reviewed"), (in_progress, "in progress")):
            session = DocumentSession(ws, doc_id)
            ops.set_status(ws, doc_id, status, session.base)
        before = {d: [(e.start, e.end, e.label) for e in document_view(ws, d).entities]
                  for d in (reviewed, in_progress, unreviewed)}
        doc = ws.load(reviewed)
        place = doc.text.index("Hanoi")
        ws.store.add_correction(Correction("reject", 0, 7, "ORG", "Release", doc_id=reviewed))
        note = ws.store.add_note(reviewed, "checked with the ministry")
        ws.store.set_fact_status(reviewed, "dateline|place=HANOI", "verified", note="ok")

    _new_extractor(monkeypatch)
    with Workspace(data_dir) as ws:
        assert ws.library.pending_entities() == 2  # the two releases not under review
        report = ws.library.fill_entities(workers=0)
        assert (report.total, report.extracted) == (2, 2)
        new_version = extract_mod.extractor_version()
        assert new_version != old_version and report.version == new_version

        def labels(doc_id: int) -> list[tuple[int, int, str]]:
            return [(e.start, e.end, e.label) for e in document_view(ws, doc_id).entities]

        # unreviewed: the new version's entities, on screen and in search
        assert any(label == "EVENT" for _s, _e, label in labels(unreviewed))
        assert ws.searcher.search("event:hanoi").total == 2
        # under review: as they were reviewed, on screen and in the index
        assert labels(reviewed) == before[reviewed]
        assert labels(in_progress) == before[in_progress]
        assert (place, place + 5, "EVENT") not in labels(reviewed)
        assert ws.store.entity_pin(reviewed).version == old_version
        # and the reviewer's own work is untouched
        assert [c.action for c in ws.store.corrections(reviewed)] == ["reject"]
        assert ws.store.note(note).text == "checked with the ministry"
        assert ws.store.fact_statuses(reviewed)["dateline|place=HANOI"].status == "verified"
        assert ws.store.status(reviewed) == "reviewed"

        # back to unreviewed: the release follows the current extractor again
        session = DocumentSession(ws, reviewed)
        pin = ops.set_status(ws, reviewed, "unreviewed", session.base)
        assert ws.store.entity_pin(reviewed) is None
        assert any(label == "EVENT" for _s, _e, label in labels(reviewed))
        ops.restore_status(ws, reviewed, "reviewed", pin)  # undo: pinned again
        assert labels(reviewed) == before[reviewed]


def test_release_reviewed_before_pins_is_pinned_to_what_it_shows(
        data_dir: Path, tmp_path: Path, monkeypatch) -> None:
    lib = _folder(tmp_path, 2)
    with Workspace(data_dir) as ws:
        ws.library.add_paths([lib])
        ws.library.scan(workers=0)
        doc_id = ws.doc_id_for_path(lib / "release-000.txt")
        ws.store.set_status(doc_id, "reviewed")  # as an older Reviewer left it: no pin
        shown = [(e.start, e.end, e.label) for e in document_view(ws, doc_id).entities]
        assert ws.store.entity_pin(doc_id) is not None
    _new_extractor(monkeypatch)
    with Workspace(data_dir) as ws:
        ws.library.fill_entities(workers=0)
        assert [(e.start, e.end, e.label)
                for e in document_view(ws, doc_id).entities] == shown


def test_cancelled_entity_pass_keeps_its_work_and_goes_on(
        data_dir: Path, tmp_path: Path, extractions: list[str]) -> None:
    lib = _folder(tmp_path, 12)
    cancel = threading.Event()
    with Workspace(data_dir) as ws:
        ws.library.add_paths([lib])
        ws.library.scan(entities=False)
        monkey_chunk = Library.ENTITY_CHUNK
        try:
            Library.ENTITY_CHUNK = 8  # a commit every 2 releases

            def progress(done: int, total: int, path: str) -> None:
                if done == 5:
                    cancel.set()

            first = ws.library.fill_entities(progress=progress, cancel=cancel, workers=0)
            assert first.cancelled and first.extracted == 5
            assert ws.library.pending_entities() == 7
            second = ws.library.fill_entities(workers=0)
        finally:
            Library.ENTITY_CHUNK = monkey_chunk
        assert not second.cancelled and second.extracted == 7
        assert len(extractions) == 12  # none twice
        assert ws.searcher.search("person:santos").total == 12


KILLED_PASS = r"""
import pathlib, sys
from reviewer.core.search.library import Library
from reviewer.core.review.workspace import Workspace

data, folder, ready = sys.argv[1:4]
Library.ENTITY_CHUNK = 6
Library.ENTITY_PARALLEL = 1
ws = Workspace(data)
ws.library.add_paths([folder])
ws.library.scan(entities=False, workers=0)

def progress(done, total, path):
    if done == 8:
        pathlib.Path(ready).touch()

ws.library.fill_entities(progress=progress, workers=2)
print("finished without being killed")
"""


def test_kill_during_entity_pass_loses_nothing_and_resumes(
        data_dir: Path, tmp_path: Path, extractions: list[str]) -> None:
    n = 60
    lib = _folder(tmp_path, n)
    ready = tmp_path / "ready"
    proc = subprocess.Popen([sys.executable, "-c", KILLED_PASS, str(data_dir), str(lib),
                             str(ready)], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not ready.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the entity pass never got going"
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL, (out, err)
    time.sleep(2)  # its worker processes notice and go (each within half a second)
    stored = _stored_rows(data_dir)
    assert 8 <= stored < n

    with Workspace(data_dir) as ws:
        assert ws.index.doc_count() == n  # the text pass was complete
        report = ws.library.fill_entities(workers=0)
        # what was extracted before the kill is read back, never extracted again
        assert report.extracted == n - stored == len(extractions)
        assert report.done == report.total and not report.skipped
        assert ws.library.pending_entities() == 0
        assert ws.index.doc_count() == n  # no duplicates
        assert ws.index.indexed_ids() == {d.id for d in ws.store.documents()}
        assert ws.searcher.search("person:santos").total == n
        for i in (0, 9, 59):
            assert [Path(h.path).name for h in ws.searcher.search(f"uniq{i}word").hits] == \
                [f"release-{i:03d}.txt"]


def test_damaged_entity_cache_is_started_anew(data_dir: Path, samples: Path) -> None:
    with Workspace(data_dir) as ws:
        ws.library.add_paths([samples])
        ws.library.scan()
    (data_dir / CACHE_FILE).write_bytes(b"this is not a database" * 100)
    for suffix in ("-wal", "-shm"):
        Path(f"{data_dir / CACHE_FILE}{suffix}").unlink(missing_ok=True)
    with Workspace(data_dir) as ws:
        assert ws.library.pending_entities() == 5  # nothing known: filled in again
        report = ws.library.fill_entities(workers=0)
        assert report.extracted == 5
        doc_id = ws.doc_id_for_path(samples / "002_b7fa9ce2e10e8a5e.txt")
        assert document_view(ws, doc_id).entities
