"""Security: no network, document text is never markup, private file permissions."""
from __future__ import annotations

import io
import os
import socket
import stat
from pathlib import Path

import docx
import pytest
from rel_helpers import HOSTILE_HTML, docx_bytes, zip_bytes

from reviewer.core.documents.loaders import load
from reviewer.core.extract import extract
from reviewer.core.review.view import document_view
from reviewer.core.review.workspace import Workspace

MARKUP = "Markup Test Release\n\nHANOI, 3 June 2024 – Text <b>bold</b><img src=http://x> ends.\n"


def docx_with_remote_image() -> bytes:
    """A .docx whose relationships point at a remote image and a remote template."""
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(docx_bytes("Remote Parts", "HANOI, 3 June 2024 – Body.")))
    parts = {n: src.read(n) for n in src.namelist()}
    rels = parts["word/_rels/document.xml.rels"]
    extra = (b'<Relationship Id="rIdX1" Type="http://schemas.openxmlformats.org/officeDocument/'
             b'2006/relationships/image" Target="http://evil.example/i.png" '
             b'TargetMode="External"/><Relationship Id="rIdX2" Type="http://schemas.'
             b'openxmlformats.org/officeDocument/2006/relationships/attachedTemplate" '
             b'Target="http://evil.example/t.dotm" TargetMode="External"/>')
    parts["word/_rels/document.xml.rels"] = rels.replace(b"</Relationships>",
                                                         extra + b"</Relationships>")
    return zip_bytes(parts)


def test_the_network_block_itself_works(net_attempts: list[str]) -> None:
    with pytest.raises(OSError, match="network blocked"):
        socket.create_connection(("example.com", 80))
    s = socket.socket()
    try:
        with pytest.raises(OSError, match="network blocked"):
            s.connect(("127.0.0.1", 9))
    finally:
        s.close()
    assert len(net_attempts) == 2


def test_full_cycle_makes_no_network_connection(net_attempts: list[str], data_dir: Path,
                                                samples: Path, tmp_path: Path) -> None:
    (samples / "hostile.html").write_bytes(HOSTILE_HTML)
    (samples / "remote.docx").write_bytes(docx_with_remote_image())
    (samples / "markup.txt").write_text(MARKUP, encoding="utf-8")
    with Workspace(data_dir) as ws:
        ws.library.add_paths([samples])
        report = ws.library.scan()
        assert report.failed == [] and report.added == 8
        assert ws.searcher.search("harbour OR ASEAN OR remote").hits
        for doc in ws.store.documents():
            view = document_view(ws, doc.id)
            extract(view.document.text)
        try:
            from reviewer.core.export import export_memo
        except ImportError:  # pragma: no cover
            pytest.skip("reviewer.core.export is not available yet")
        out = export_memo(ws, [d.id for d in ws.store.documents()], tmp_path / "memo.docx",
                          full_text=True)
    assert out.exists()
    assert net_attempts == []


def test_word_output_keeps_document_text_literal(data_dir: Path, tmp_path: Path) -> None:
    export = pytest.importorskip("reviewer.core.export")
    folder = tmp_path / "r"
    folder.mkdir()
    (folder / "markup.txt").write_text(MARKUP, encoding="utf-8")
    with Workspace(data_dir) as ws:
        ws.library.add_paths([folder])
        ws.library.scan()
        doc_id = ws.doc_id_for_path(folder / "markup.txt")
        ws.store.add_note(doc_id, "<i>not italic</i> &amp;")
        out = export.export_memo(ws, [doc_id], tmp_path / "memo.docx", full_text=True)
    d = docx.Document(str(out))
    body = "\n".join(p.text for p in d.paragraphs)
    assert "<b>bold</b><img src=http://x>" in body
    rels = [r.target_ref for r in d.part.rels.values() if r.is_external]
    assert not any("http://x" in t for t in rels)  # no image, no link was made of it


def test_document_pane_shows_tags_as_text(qtbot, data_dir: Path, tmp_path: Path) -> None:
    pytest.importorskip("PySide6")
    try:
        from reviewer.ui.document_view import DocumentPane
    except ImportError:  # pragma: no cover
        pytest.skip("reviewer.ui has no document view yet")
    folder = tmp_path / "r"
    folder.mkdir()
    (folder / "markup.txt").write_text(MARKUP, encoding="utf-8")
    with Workspace(data_dir) as ws:
        ws.library.add_paths([folder])
        ws.library.scan()
        view = document_view(ws, ws.doc_id_for_path(folder / "markup.txt"))
    pane = DocumentPane()
    qtbot.addWidget(pane)
    pane.set_view(view)
    assert "<b>bold</b><img src=http://x>" in pane.toPlainText()
    assert pane.toPlainText() == view.document.text


# --------------------------------------------------------------------------- permissions

def _modes(root: Path) -> dict[str, int]:
    return {str(p.relative_to(root)): stat.S_IMODE(p.stat().st_mode)
            for p in [root, *root.rglob("*")]}


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
@pytest.mark.parametrize("umask", [0o022, 0o077])
def test_data_files_are_private(umask: int, tmp_path: Path, samples: Path) -> None:
    data = tmp_path / "fresh-data"
    old = os.umask(umask)
    try:
        with Workspace(data) as ws:
            ws.library.add_paths([samples])
            ws.library.scan()
            ws.store.add_note(1, "private")
            ws.store.backup("manual")
        modes = _modes(data)
    finally:
        os.umask(old)
    assert modes["."] == 0o700  # nobody else can even list the folder
    assert modes["backups"] == 0o700
    assert any(name.startswith("index/") for name in modes)
    assert any(name.startswith("backups/review-") for name in modes)
    for name, mode in modes.items():
        # Never more than the umask lets through (whoosh's empty lock file keeps an x bit).
        allowed = 0o777 & ~umask
        assert mode & ~allowed == 0, f"{name} is {oct(mode)} under umask {oct(umask)}"
        if umask == 0o077:
            assert mode & 0o077 == 0, f"{name} readable by others: {oct(mode)}"


def test_loading_never_follows_external_references(net_attempts: list[str],
                                                   tmp_path: Path) -> None:
    p = tmp_path / "remote.docx"
    p.write_bytes(docx_with_remote_image())
    assert load(p).text == "Remote Parts\nHANOI, 3 June 2024 – Body."
    h = tmp_path / "page.html"
    h.write_bytes(HOSTILE_HTML)
    load(h)
    assert net_attempts == []
