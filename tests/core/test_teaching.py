"""Corrections teach the extractor: through the learned model, never as a string rule
that reaches into other releases."""
from __future__ import annotations

from pathlib import Path

import pytest

from reviewer.core.review import operations
from reviewer.core.review.view import document_view
from reviewer.core.review.workspace import Workspace
from tests.teach_releases import RELEASES, write_releases


@pytest.fixture
def ws(data_dir: Path, samples: Path):
    w = Workspace(data_dir)
    w.library.add_paths([samples])
    w.library.scan()
    yield w
    w.close()


def _doc_id(ws: Workspace, name: str) -> int:
    return next(d.id for d in ws.store.documents() if Path(d.path).name.startswith(name))


def test_a_document_correction_does_not_relabel_another_release(ws: Workspace) -> None:
    summit = "Special ASEAN Plus Three Summit on COVID-19"
    other = document_view(ws, _doc_id(ws, "004"))
    assert (summit, "EVENT") in {(e.text, e.label) for e in other.entities}

    view = document_view(ws, _doc_id(ws, "003"))
    text = view.document.text
    start = text.index("the ASEAN Plus Three") + 4
    end = start + len("ASEAN Plus Three")
    # the reviewer makes "ASEAN Plus Three" an ORG here, whatever the extractor found
    found = [e for e in view.entities if e.start < end and start < e.end]
    fixes = [operations.correction_reject(view.document, e) for e in found]
    fixes.append(operations.correction_add(view.document, start, end, "ORG"))
    operations.save_corrections(ws, fixes)

    after = document_view(ws, _doc_id(ws, "003"))
    assert ("ASEAN Plus Three", "ORG") in {(e.text, e.label) for e in after.entities}
    other = document_view(ws, _doc_id(ws, "004"))
    labels = {(e.text, e.label) for e in other.entities}
    assert (summit, "EVENT") in labels
    assert ("ASEAN Plus Three", "ORG") not in labels


@pytest.fixture
def desk(data_dir: Path, tmp_path: Path):
    folder = write_releases(tmp_path / "releases")
    w = Workspace(data_dir)
    w.library.add_paths([folder])
    w.library.scan()
    yield w
    w.close()


def _labels(ws: Workspace, name: str) -> set[tuple[str, str]]:
    return {(e.text, e.label) for e in document_view(ws, _doc_id(ws, name)).entities}


def _retype_all(ws: Workspace, name: str, text: str, label: str) -> list:
    view = document_view(ws, _doc_id(ws, name))
    fixes = [operations.correction_retype(view.document, e, label)
             for e in view.entities if e.text == text and e.label != label]
    operations.save_corrections(ws, fixes)
    return fixes


def test_corrections_teach_the_model_for_releases_not_opened(desk: Workspace) -> None:
    from reviewer.core.review import teaching

    assert ("Harlow Finch", "PERSON") in _labels(desk, "c.txt")
    _retype_all(desk, "a.txt", "Harlow Finch", "ORG")
    _retype_all(desk, "b.txt", "Harlow Finch", "ORG")
    desk.store.set_status(_doc_id(desk, "a.txt"), "reviewed")
    # a document-scope correction does not reach another release by itself
    assert ("Harlow Finch", "PERSON") in _labels(desk, "c.txt")
    reviewed_before = _labels(desk, "a.txt")

    version = teaching.teach(desk)
    assert version is not None and version.name == "v0001"
    assert version.corrections == 4 and version.releases == 2
    assert desk.models.current_name() == "v0001"
    assert ("Harlow Finch", "ORG") in _labels(desk, "c.txt")
    assert _labels(desk, "a.txt") == reviewed_before
    # the background pass re-extracts the unreviewed releases with the new version
    report = desk.library.fill_entities()
    assert report.total == 2  # b.txt and c.txt; a.txt is reviewed and keeps its entities
    hits = desk.searcher.search('org:"Harlow Finch"').hits
    assert {Path(h.path).name for h in hits} >= {"c.txt"}


def test_rolling_back_to_the_shipped_model(desk: Workspace) -> None:
    from reviewer.core.review import teaching

    _retype_all(desk, "a.txt", "Harlow Finch", "ORG")
    _retype_all(desk, "b.txt", "Harlow Finch", "ORG")
    teaching.teach(desk)
    assert ("Harlow Finch", "ORG") in _labels(desk, "c.txt")
    desk.models.use("")
    assert ("Harlow Finch", "PERSON") in _labels(desk, "c.txt")
    assert [v.name for v in desk.models.versions()] == ["v0001"]
    desk.models.use("v0001")
    assert ("Harlow Finch", "ORG") in _labels(desk, "c.txt")


def test_undo_takes_the_example_back(desk: Workspace) -> None:
    from reviewer.core.review import teaching

    fixes = _retype_all(desk, "a.txt", "Harlow Finch", "ORG")
    assert teaching.lesson(desk).corrections == 2
    operations.delete_corrections(desk, fixes)
    assert teaching.lesson(desk).releases == []
    assert teaching.teach(desk) is None  # nothing to learn from: no new version
    assert desk.models.versions() == []


def test_a_cancelled_update_changes_nothing(desk: Workspace) -> None:
    import threading

    from reviewer.core.extract.adapter import Cancelled
    from reviewer.core.review import teaching

    _retype_all(desk, "a.txt", "Harlow Finch", "ORG")
    stop = threading.Event()

    def progress(frac: float, what: str) -> None:
        if what == "learning" and frac > 0.5:
            stop.set()

    with pytest.raises(Cancelled):
        teaching.teach(desk, progress=progress, cancel=stop)
    assert desk.models.versions() == [] and desk.models.current_name() == ""
    assert not any(desk.models.folder.iterdir())


KILLED_UPDATE = """
import sys
from reviewer.core.review import teaching
from reviewer.core.review.workspace import Workspace

def progress(frac, what):
    print(what, round(frac, 3), flush=True)

with Workspace(sys.argv[1]) as ws:
    teaching.teach(ws, progress=progress)
print("finished", flush=True)
"""


def test_a_killed_update_leaves_the_previous_version_in_use(data_dir: Path,
                                                            desk: Workspace) -> None:
    import os
    import signal
    import subprocess
    import sys

    from reviewer.core.review import teaching

    _retype_all(desk, "a.txt", "Harlow Finch", "ORG")
    teaching.teach(desk)
    _retype_all(desk, "b.txt", "Harlow Finch", "ORG")
    corrections = len(desk.store.corrections())
    desk.close()  # the update runs in another process, as a second writer would not

    child = subprocess.Popen([sys.executable, "-c", KILLED_UPDATE, str(data_dir)],
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    with child.stdout:
        for line in child.stdout:
            what, frac = line.rsplit(" ", 1)
            if what == "learning" and float(frac) > 0.4:
                os.kill(child.pid, signal.SIGKILL)
                break
        child.wait()
    assert child.returncode == -signal.SIGKILL

    with Workspace(data_dir) as ws:
        assert ws.models.current_name() == "v0001"
        assert [v.name for v in ws.models.versions()] == ["v0001"]
        assert len(ws.store.corrections()) == corrections
        assert not [p for p in ws.models.folder.iterdir() if p.name.startswith(".")]
        version = teaching.teach(ws)  # and the next update works
        assert version is not None and version.name == "v0002"


def test_learning_curve_on_the_reviewers_own_releases(data_dir: Path, tmp_path: Path) -> None:
    from reviewer.core.review import teaching

    folder = tmp_path / "releases"
    folder.mkdir()
    for i in range(5):
        (folder / f"r{i}.txt").write_text(
            f"LEEDS, {i + 3} June 2024 - Harlow Finch opened store number {i} in Leeds, "
            "Harlow Finch said.\n", encoding="utf-8")
    with Workspace(data_dir) as ws:
        ws.library.add_paths([folder])
        ws.library.scan()
        assert teaching.learning_curve(ws) == []  # nothing reviewed yet
        for i in range(5):
            _retype_all(ws, f"r{i}.txt", "Harlow Finch", "ORG")
            ws.store.set_status(_doc_id(ws, f"r{i}.txt"), "reviewed")
        points = teaching.learning_curve(ws, sizes=(0, 2))
        assert [n for n, _ in points] == [0, 2, 3]
        assert points[0][1] < points[-1][1] == 1.0  # taught, the held-out release is right


def test_training_in_a_process_of_its_own(desk: Workspace) -> None:
    """The window's update trains in a child process (the CRF library holds the GIL):
    the same version, progress as it goes, and a cancel that leaves nothing behind."""
    import threading

    from reviewer.core.extract import apart
    from reviewer.core.extract.adapter import Cancelled
    from reviewer.core.review import teaching

    _retype_all(desk, "a.txt", "Harlow Finch", "ORG")
    _retype_all(desk, "b.txt", "Harlow Finch", "ORG")
    stop = threading.Event()

    def cancel_while_learning(frac: float, what: str) -> None:
        if what == "learning" and frac > 0.5:
            stop.set()

    with pytest.raises(Cancelled):
        teaching.teach(desk, progress=cancel_while_learning, cancel=stop, train=apart.train)
    assert desk.models.versions() == [] and not any(desk.models.folder.iterdir())

    seen: list[tuple[float, str]] = []
    version = teaching.teach(desk, progress=lambda f, w: seen.append((f, w)),
                             train=apart.train)
    assert version is not None and version.name == "v0001" and version.corrections == 4
    learning = [f for f, w in seen if w == "learning"]
    assert len(learning) > 10 and learning == sorted(learning) and learning[-1] == 1.0
    assert ("Harlow Finch", "ORG") in _labels(desk, "c.txt")


def test_a_failing_training_process_is_an_error_and_changes_nothing(
        desk: Workspace, tmp_path: Path) -> None:
    from reviewer.core.extract import apart
    from reviewer.core.extract.adapter import Taught

    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    taught = [Taught("a", RELEASES["a.txt"], [(22, 34, "ORG")])]
    with pytest.raises(RuntimeError, match="Error"):  # the child's error, by its kind
        apart.train(desk.models.base(), taught, blocker / "version", [])
    assert blocker.read_text(encoding="utf-8") == "not a folder"
