"""Corrections teach the extractor: through the learned model, never as a string rule
that reaches into other releases."""
from __future__ import annotations

from pathlib import Path

import pytest

from reviewer.core.review import operations
from reviewer.core.review.view import document_view
from reviewer.core.review.workspace import Workspace


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
