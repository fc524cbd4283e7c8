"""`reviewer teach`: the extractor taught headless from the reviewer's corrections, with
progress on standard error and then the entity pass; its versions listed; rolling back."""
from __future__ import annotations

from pathlib import Path

from reviewer.cli import main
from reviewer.core.review import operations
from reviewer.core.review.view import document_view
from reviewer.core.review.workspace import Workspace
from tests.teach_releases import write_releases


def _labels(ws: Workspace, name: str) -> set[tuple[str, str]]:
    doc_id = next(d.id for d in ws.store.documents() if d.path.endswith(name))
    return {(e.text, e.label) for e in document_view(ws, doc_id).entities}


def test_teach_list_and_roll_back(tmp_path: Path, data_dir: Path, capsys) -> None:
    folder = write_releases(tmp_path / "releases")
    assert main(["index", str(folder), "--data-dir", str(data_dir)]) == 0
    assert main(["teach", "--data-dir", str(data_dir)]) == 0
    assert "nothing to learn from yet" in capsys.readouterr().err
    with Workspace(data_dir) as ws:
        assert ("Harlow Finch", "PERSON") in _labels(ws, "c.txt")
        for name in ("a.txt", "b.txt"):
            doc_id = next(d.id for d in ws.store.documents() if d.path.endswith(name))
            view = document_view(ws, doc_id)
            operations.save_corrections(ws, [
                operations.correction_retype(view.document, e, "ORG")
                for e in view.entities if e.text == "Harlow Finch" and e.label != "ORG"])

    assert main(["teach", "--data-dir", str(data_dir)]) == 0
    out, err = capsys.readouterr()
    assert "Teaching the extractor from 4 correction(s) in 2 release(s)" in err
    assert "teach: learning 100%" in err  # progress lines (no terminal here)
    assert "extractor v0001 in use: learned from 4 correction(s) in 2 release(s)" in out
    assert "entities extracted 3" in out  # the entity pass that follows
    with Workspace(data_dir) as ws:
        assert ("Harlow Finch", "ORG") in _labels(ws, "c.txt")

    assert main(["teach", "--list", "--data-dir", str(data_dir)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].startswith("* v0001") and lines[1].split()[-3:-1] == ["4", "2"]
    assert lines[2].startswith("  shipped")

    assert main(["teach", "--use", "shipped", "--data-dir", str(data_dir)]) == 0
    out = capsys.readouterr().out
    assert "extractor in use: the shipped model" in out and "entities extracted 3" in out
    with Workspace(data_dir) as ws:
        assert ws.models.current_name() == ""
        assert ("Harlow Finch", "PERSON") in _labels(ws, "c.txt")
    assert main(["teach", "--list", "--data-dir", str(data_dir)]) == 0
    assert capsys.readouterr().out.splitlines()[2].startswith("* shipped")

    assert main(["teach", "--use", "v0007", "--data-dir", str(data_dir)]) == 2
    assert "no extractor version v0007; the versions are: v0001, shipped" in \
        capsys.readouterr().err
    assert main(["teach", "--use", "v0001", "--data-dir", str(data_dir)]) == 0
    with Workspace(data_dir) as ws:
        assert ws.models.current_name() == "v0001"


def test_teach_refuses_a_data_folder_another_reviewer_holds(data_dir: Path, capsys) -> None:
    with Workspace(data_dir):
        assert main(["teach", "--data-dir", str(data_dir)]) == 2
        assert "another Reviewer is using" in capsys.readouterr().err
        assert main(["teach", "--list", "--data-dir", str(data_dir)]) == 0

