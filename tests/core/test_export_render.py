"""The memo as a reader gets it: rendered to PDF by LibreOffice, page by page."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from reviewer.core.export import export_memo
from reviewer.core.resources import sample_docs_dir
from reviewer.core.review.workspace import Workspace

pytestmark = [
    pytest.mark.skipif(shutil.which("soffice") is None,
                       reason="LibreOffice (soffice) is not installed: the memo cannot be "
                              "rendered here (apt install libreoffice-writer)"),
    pytest.mark.skipif(shutil.which("pdftotext") is None,
                       reason="pdftotext (poppler-utils) is not installed"),
]


def render(tmp: Path, *docx_files: Path) -> list[list[list[str]]]:
    """Each file's pages, each page's lines (blank lines and the page footer dropped)."""
    profile = tmp / "lo-profile"
    proc = subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp), *map(str, docx_files)],
        capture_output=True, text=True, timeout=300)
    out = []
    for f in docx_files:
        pdf = f.with_suffix(".pdf")
        assert pdf.exists(), proc.stderr
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                              text=True, check=True).stdout
        pages = []
        for page in text.split("\f"):
            lines = [ln.strip() for ln in page.splitlines() if ln.strip()]
            if lines and lines[-1].startswith("Page "):
                lines.pop()
            if lines:
                pages.append(lines)
        out.append(pages)
    return out


def test_five_releases_make_a_short_memo_without_near_empty_pages(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    shutil.copytree(sample_docs_dir(), docs)
    with Workspace(tmp_path / "data") as ws:
        ws.library.add_paths([docs])
        ws.library.scan()
        ids = [ws.doc_id_for_path(p) for p in sorted(docs.glob("*.txt"))]
        plain = export_memo(ws, ids, tmp_path / "memo.docx")
        tables = export_memo(ws, ids, tmp_path / "tables.docx", entities=True)
    memo, with_tables = render(tmp_path, plain, tables)
    # A first page, then the five releases flowing on: four pages with the fonts Word
    # uses (Carlito stands in for Calibri), five at most with a wider stand-in.
    assert len(memo) <= 5, [p[0] for p in memo]
    assert memo[0][0] == "Review memo"
    assert any(ln.startswith("Key verified facts") for ln in memo[0])
    assert memo[1][0].startswith("1. The 36th ASEAN-Japan Forum")
    for number, page in enumerate(memo[1:-1], 2):
        assert len(page) >= 30, f"page {number} is nearly empty: {page}"
    # People and organisations tables: longer, still no near-empty page, and no table
    # header row left alone at the foot of a page.
    assert len(with_tables) <= 8
    for number, page in enumerate(with_tables[:-1], 1):
        assert len(page) >= 25, f"page {number} is nearly empty: {page}"
        assert not page[-1].startswith("Name"), f"page {number} ends with a table header"
