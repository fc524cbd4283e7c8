"""Bad input in a library folder: a clear per-file message, the rest indexes, nothing lost.

The loader-level behaviour of each format is in tests/core/test_loaders.py; here every
hostile file goes through a real scan and through `reviewer index`.
"""
from __future__ import annotations

import io
import os
import re
import tracemalloc
import zipfile
import zlib
from pathlib import Path

import docx
import pytest
from rel_helpers import HOSTILE_HTML, docx_bytes, docx_with_doctype, zip_bytes

from reviewer.cli import main
from reviewer.core.documents import loaders
from reviewer.core.model import Correction
from reviewer.core.review.workspace import Workspace
from reviewer.core.search import library as library_mod

SAMPLE = "001_5823aec3ae932b3b.txt"
TEXT = "Harbour Festival\n\nHANOI, 3 June 2024 – The “harbour festival” opened in Hanoi.\n"

#: file name -> (bytes, expected failure reason or None, expected warning or None)
BAD_FILES: dict[str, tuple[bytes, str | None, str | None]] = {
    "empty.txt": (b"", None, "empty file"),
    "binary.txt": (bytes(range(256)) * 40, "binary file, not text", None),
    "png-named.md": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(500),
                     "binary file, not text", None),
    "invalid-utf8.txt": ("naïve café ".encode() + b"\xff\xfe\xfd broken bytes",
                         None, "decoded as cp1252: not valid UTF-8"),
    "utf16-bom.txt": (b"\xff\xfe" + TEXT.encode("utf-16-le"), None, None),
    "utf16-nobom.txt": (TEXT.encode("utf-16-le"), None, None),
    "utf16be-nobom.txt": (TEXT.encode("utf-16-be"), None, None),
    "cp1252.txt": (TEXT.replace("–", "-").encode("cp1252"), None,
                   "decoded as cp1252: not valid UTF-8"),
    "not-a-zip.docx": (b"I am plain text wearing a .docx name", None, None),
    "no-document-xml.docx": (zip_bytes({"[Content_Types].xml": b"<Types/>",
                                        "word/styles.xml": b"<w/>"}), None, None),
    "zip-bomb.docx": (zip_bytes({"word/document.xml": b"<w/>" + b" " * (60 * 1024 * 1024)}),
                      None, None),
    "xxe.docx": (docx_with_doctype(b'<!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]>'),
                 None, None),
    "hostile.html": (HOSTILE_HTML, None, None),
    "name with spaces.txt": (TEXT.encode(), None, None),
    "Ünïcødé 日本語 release.md": (TEXT.encode(), None, None),
    "-leading-dash.txt": (TEXT.encode(), None, None),
    "good.docx": (docx_bytes("Harbour Festival", "HANOI, 3 June 2024 – It opened."), None, None),
}
DOCX_FAILURES = {
    "not-a-zip.docx": "not a valid .docx file (not a zip archive)",
    "no-document-xml.docx": "not a valid .docx file (no word/document.xml)",
    "zip-bomb.docx": "not a valid .docx file (uncompressed content over 50 MB: possible zip bomb)",
    "xxe.docx": "not a valid .docx file (contains a DTD or entity declarations, refused for "
                "safety)",
}
HUGE = "huge.txt"
HUGE_REASON = "file too large (50.0 MB; limit 20 MB)"


def expected_failures() -> dict[str, str]:
    out = {name: reason for name, (_d, reason, _w) in BAD_FILES.items() if reason}
    out.update(DOCX_FAILURES)
    out[HUGE] = HUGE_REASON
    return out


def expected_warnings() -> dict[str, str]:
    return {name: w for name, (_d, _r, w) in BAD_FILES.items() if w}


def add_bad_files(folder: Path) -> None:
    bad = folder / "incoming"
    bad.mkdir()
    for name, (data, _reason, _warning) in BAD_FILES.items():
        (bad / name).write_bytes(data)
    with open(bad / HUGE, "wb") as fh:  # sparse: 50 MB on paper, nothing to write
        fh.truncate(50 * 1024 * 1024)


def indexed_with_review_data(data_dir: Path, samples: Path) -> tuple[int, int]:
    """Index the samples and give one of them a correction and a note: (doc id, note id)."""
    with Workspace(data_dir) as ws:
        ws.library.add_paths([samples])
        ws.library.scan()
        doc_id = ws.doc_id_for_path(samples / SAMPLE)
        ws.store.add_correction(Correction("add", 0, 5, "ORG", "Tokyo", doc_id=doc_id))
        note_id = ws.store.add_note(doc_id, "hours of work")
    return doc_id, note_id


def test_scan_reports_every_bad_file_and_indexes_the_rest(data_dir: Path,
                                                         samples: Path) -> None:
    doc_id, note_id = indexed_with_review_data(data_dir, samples)
    add_bad_files(samples)
    with Workspace(data_dir) as ws:
        report = ws.library.scan()
        failed = {Path(p).name: reason for p, reason in report.failed}
        assert failed == expected_failures()
        warnings = {Path(p).name: w for p, w in report.warnings}
        for name, warning in expected_warnings().items():
            assert warnings[name] == warning
        ok = len(BAD_FILES) - len(expected_failures()) + 1  # + huge.txt, counted as failed
        assert report.added == ok and report.unchanged == 5 and report.removed == 0
        # The readable ones are searchable, whatever their encoding or name.
        names = {Path(h.path).name for h in ws.searcher.search("harbour", limit=50).hits}
        assert {"utf16-bom.txt", "utf16-nobom.txt", "utf16be-nobom.txt", "cp1252.txt",
                "hostile.html", "name with spaces.txt", "Ünïcødé 日本語 release.md",
                "-leading-dash.txt", "good.docx"} <= names
        # Nothing lost.
        assert [c.text for c in ws.store.corrections(doc_id)] == ["Tokyo"]
        assert ws.store.note(note_id).text == "hours of work"
        # A bad file stays reported on the next scan without being read again.
        again = ws.library.scan()
        assert {Path(p).name for p, _ in again.failed} == set(expected_failures())


def test_cli_index_prints_each_failure_and_warning(data_dir: Path, samples: Path,
                                                   capsys: pytest.CaptureFixture) -> None:
    add_bad_files(samples)
    assert main(["index", str(samples), "--data-dir", str(data_dir)]) == 0
    out = capsys.readouterr().out
    assert f"failed {len(expected_failures())}" in out
    for name, reason in expected_failures().items():
        assert f"{samples / 'incoming' / name}: {reason}" in out
    for name, warning in expected_warnings().items():
        assert f"{samples / 'incoming' / name}: {warning}" in out


def test_html_scripts_forms_and_remote_images_are_inert(data_dir: Path, tmp_path: Path,
                                                        net_attempts: list[str]) -> None:
    doc = loaders.load_bytes(HOSTILE_HTML, "page.html")
    lines = doc.text.split("\n")
    assert lines[0] == "Harbour Festival Opens"
    assert "HANOI, 3 June 2024 - The harbour festival opened today." in lines
    for gone in ("fetch", "alert", "cookie", "evil.example", "formsecret", "injected",
                 "tracking pixel", "framed"):
        assert gone not in doc.text
    assert "broken" in doc.text and "nesting" in doc.text
    assert net_attempts == []


def test_five_megabyte_single_line_is_bounded(data_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "big"
    folder.mkdir()
    sentence = "The ASEAN-Japan Forum met in Hanoi on 3 June 2024 and pledged $5 million. "
    line = sentence * (5 * 1024 * 1024 // len(sentence)) + "zebracrossingword"
    (folder / "one-line.txt").write_text(line, encoding="utf-8")
    with Workspace(data_dir) as ws:
        ws.library.add_paths([folder])
        report = ws.library.scan()  # its time: benchmarks/bench_limits.py
        assert report.added == 1 and report.failed == []
        [(_p, warning)] = report.warnings
        assert warning.startswith(f"very long release ({len(line):,} characters): entities "
                                  "extracted from the first ")
        # The whole text is still searchable, even past the extraction limit.
        assert len(ws.searcher.search("zebracrossingword").hits) == 1


def test_fifty_megabyte_file_is_refused_without_reading_it(tmp_path: Path,
                                                           monkeypatch) -> None:
    p = tmp_path / "huge.txt"
    with open(p, "wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    opened: list[str] = []
    real_open = os.open

    def spy(path, *a, **k):
        opened.append(os.fspath(path))
        return real_open(path, *a, **k)

    monkeypatch.setattr(os, "open", spy)
    with pytest.raises(loaders.LoadError, match=r"^file too large \(50\.0 MB; limit 20 MB\)$"):
        loaders.load(p)
    assert opened == []  # refused on its size, never read into memory


def test_file_that_grows_past_the_limit_after_stat_is_refused(tmp_path: Path,
                                                               monkeypatch) -> None:
    p = tmp_path / "growing.txt"
    p.write_bytes(b"small")
    real_open = os.open

    def grow_then_open(path, *a, **k):
        if os.fspath(path) == str(p):
            with open(p, "ab") as fh:
                fh.truncate(loaders.MAX_BYTES + 5 * 1024 * 1024)
        return real_open(path, *a, **k)

    monkeypatch.setattr(os, "open", grow_then_open)
    with pytest.raises(loaders.LoadError, match="file too large"):
        loaders.load(p)


# --------------------------------------------------------------------------- file names

@pytest.mark.parametrize("argv_path", [["--", "-draft.txt"], ["./-draft.txt"]],
                         ids=["double-dash", "dot-slash"])
def test_cli_path_starting_with_a_dash(argv_path: list[str], tmp_path: Path, data_dir: Path,
                                       monkeypatch, capsys) -> None:
    work = tmp_path / "cwd"
    work.mkdir()
    (work / "-draft.txt").write_text(TEXT, encoding="utf-8")
    monkeypatch.chdir(work)
    assert main(["index", "--data-dir", str(data_dir), *argv_path]) == 0
    out = capsys.readouterr().out
    assert "added 1" in out and "failed 0" in out


def test_cli_unicode_and_spaces_in_paths(tmp_path: Path, data_dir: Path, capsys) -> None:
    folder = tmp_path / "Pressemitteilungen März 2024"
    folder.mkdir()
    (folder / "Ünïcødé 日本語 release.md").write_text(TEXT, encoding="utf-8")
    assert main(["index", str(folder), "--data-dir", str(data_dir)]) == 0
    assert "added 1" in capsys.readouterr().out
    assert main(["search", "harbour", "--json", "--data-dir", str(data_dir)]) == 0
    assert "Ünïcødé 日本語 release.md" in capsys.readouterr().out


def test_cli_data_dir_before_the_command_is_honoured(samples: Path, tmp_path: Path,
                                                     capsys) -> None:
    """`reviewer --data-dir D index X` once wrote to the default folder, not to D."""
    target = tmp_path / "chosen"
    assert main(["--data-dir", str(target), "index", str(samples)]) == 0
    assert (target / "review.sqlite3").exists()
    assert not (Path(os.environ["REVIEWER_DATA_DIR"]) / "review.sqlite3").exists()


# --------------------------------------------------------------------------- file system

def test_symlink_loops_and_dangling_links_are_reported(data_dir: Path, samples: Path) -> None:
    os.symlink(samples / "b-loop.txt", samples / "a-loop.txt")
    os.symlink(samples / "a-loop.txt", samples / "b-loop.txt")
    os.symlink(samples / "gone.txt", samples / "dangling.txt")
    os.symlink(samples, samples / "dir-loop")
    with Workspace(data_dir) as ws:
        ws.library.add_paths([samples])
        report = ws.library.scan()
    failed = {Path(p).name: r for p, r in report.failed}
    assert failed == {"a-loop.txt": "cannot read file: Too many levels of symbolic links",
                      "b-loop.txt": "cannot read file: Too many levels of symbolic links",
                      "dangling.txt": "cannot read file: No such file or directory"}
    assert report.added == 5


def test_unreadable_file_is_reported(data_dir: Path, samples: Path, monkeypatch) -> None:
    secret = samples / "secret.txt"
    secret.write_text(TEXT, encoding="utf-8")  # root reads anything: simulate the refusal
    real_open = os.open

    def guarded(path, *a, **k):
        if Path(path).name == "secret.txt":
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *a, **k)

    monkeypatch.setattr(os, "open", guarded)
    with Workspace(data_dir) as ws:
        ws.library.add_paths([samples])
        report = ws.library.scan()
    assert report.failed == [(str(secret), "permission denied: cannot read secret.txt")]
    assert report.added == 5


def test_unreadable_folder_is_reported_and_its_files_not_dropped(data_dir: Path,
                                                                 samples: Path,
                                                                 monkeypatch) -> None:
    sub = samples / "team"
    sub.mkdir()
    (sub / "inner.txt").write_text(TEXT, encoding="utf-8")
    with Workspace(data_dir) as ws:
        ws.library.add_paths([samples])
        assert ws.library.scan().added == 6
        inner_id = ws.doc_id_for_path(sub / "inner.txt")
        ws.store.add_note(inner_id, "keep")
        real_scandir = os.scandir

        def refuse(path=".", *a, **k):
            if Path(path) == sub:
                raise PermissionError(13, "Permission denied", str(path))
            return real_scandir(path, *a, **k)

        monkeypatch.setattr(os, "scandir", refuse)
        report = ws.library.scan()
        assert report.failed == [(str(sub), "cannot read folder: Permission denied")]
        assert report.removed == 0 and report.unchanged == 5
        assert not ws.store.document(inner_id).missing
        assert [n.text for n in ws.store.notes(inner_id)] == ["keep"]
        assert len(ws.searcher.search("harbour").hits) == 1  # still found


def test_file_deleted_between_walk_and_read(data_dir: Path, samples: Path,
                                            monkeypatch) -> None:
    victim = samples / SAMPLE
    doc_id, note_id = indexed_with_review_data(data_dir, samples)
    victim.write_text(victim.read_text(encoding="utf-8") + "\nchanged\n", encoding="utf-8")
    real_process = library_mod._process

    def delete_first(path: str, lexicon):
        if path == str(victim):
            victim.unlink()  # gone after the walk saw it, before it is read
        return real_process(path, lexicon)

    monkeypatch.setattr(library_mod, "_process", delete_first)
    with Workspace(data_dir) as ws:
        report = ws.library.scan()
        assert report.failed == [(str(victim), "file vanished before it could be read")]
        assert report.unchanged == 4
        assert ws.store.note(note_id).text == "hours of work"
        report = ws.library.scan()
        assert report.removed == 1  # now it is known to be gone: kept as missing
        assert ws.store.document(doc_id).missing
        assert len(ws.store.corrections(doc_id)) == 1 and ws.store.note(note_id)


def test_file_rewritten_while_being_read_is_picked_up_next_scan(data_dir: Path,
                                                                samples: Path,
                                                                monkeypatch) -> None:
    victim = samples / SAMPLE
    indexed_with_review_data(data_dir, samples)
    victim.write_text("Old Headline\n\nHANOI, 3 June 2024 – oldversionword.\n",
                      encoding="utf-8")
    real_read = loaders.read_bytes

    def rewrite_after_read(path: Path) -> bytes:
        data = real_read(path)
        if path == victim:  # the editor saves again just after we read
            victim.write_text("New Headline\n\nHANOI, 3 June 2024 – newversionword.\n",
                              encoding="utf-8")
            st = victim.stat()
            os.utime(victim, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
        return data

    monkeypatch.setattr(loaders, "read_bytes", rewrite_after_read)
    with Workspace(data_dir) as ws:
        assert ws.library.scan().updated == 1
        monkeypatch.setattr(loaders, "read_bytes", real_read)
        assert ws.library.scan().updated == 1  # the newer save was not mistaken as indexed
        assert ws.searcher.search("newversionword").hits
        assert not ws.searcher.search("oldversionword").hits
        rec = ws.store.document_by_path(str(victim))
        assert (rec.size, rec.mtime_ns) == (victim.stat().st_size, victim.stat().st_mtime_ns)


# --------------------------------------------------------------------------- .docx parts

def _docx_plus(extra: dict[str, bytes], *paragraphs: str) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(docx_bytes(*paragraphs)))
    parts = {n: src.read(n) for n in src.namelist()}
    parts.update(extra)
    return zip_bytes(parts)


def test_docx_media_is_never_decompressed_or_loaded() -> None:
    """A 4 MB .docx whose image decompresses to gigabytes once took 8 GB to index. Its
    media are neither decompressed nor read now: memory stays that of the text."""
    huge_image = b"\0" * (120 * 1024 * 1024)  # 120 MB of image data, ~120 KB compressed
    src = zipfile.ZipFile(io.BytesIO(docx_bytes("Harbour Festival",
                                                "HANOI, 3 June 2024 – It opened.")))
    rels = src.read("word/_rels/document.xml.rels").replace(
        b"</Relationships>",
        b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/'
        b'2006/relationships/image" Target="media/image1.png"/></Relationships>')
    types = src.read("[Content_Types].xml").replace(
        b"</Types>", b'<Default Extension="png" ContentType="image/png"/></Types>')
    data = _docx_plus({"word/media/image1.png": huge_image, "[Content_Types].xml": types,
                       "word/_rels/document.xml.rels": rels}, "Harbour Festival",
                      "HANOI, 3 June 2024 – It opened.")
    del huge_image
    assert len(data) < 2 * 1024 * 1024
    tracemalloc.start()
    try:
        doc = loaders.load_bytes(data, "photo.docx")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert doc.text == "Harbour Festival\nHANOI, 3 June 2024 – It opened."
    assert peak < 40 * 1024 * 1024


def test_docx_with_a_real_picture_still_loads(tmp_path: Path) -> None:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (len(body).to_bytes(4, "big") + kind + body
                + zlib.crc32(kind + body).to_bytes(4, "big"))

    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", bytes.fromhex("00000008000000080800000000"))
           + chunk(b"IDAT", zlib.compress((b"\x00" + b"\x80" * 8) * 8)) + chunk(b"IEND", b""))
    (tmp_path / "dot.png").write_bytes(png)
    d = docx.Document()
    d.add_paragraph("Harbour Festival")
    d.add_picture(str(tmp_path / "dot.png"))
    d.add_paragraph("HANOI, 3 June 2024 – It opened.")
    bio = io.BytesIO()
    d.save(bio)
    doc = loaders.load_bytes(bio.getvalue(), "picture.docx")
    assert doc.text == "Harbour Festival\n\nHANOI, 3 June 2024 – It opened."


def test_every_xml_part_counts_at_its_real_size() -> None:
    """Many parts each far below the limit add up: the total decompressed is what counts,
    whatever the zip headers say."""
    parts = {f"customXml/item{i}.xml": b"<a>" + b" " * (6 * 1024 * 1024) + b"</a>"
             for i in range(10)}
    with pytest.raises(loaders.LoadError, match="over 50 MB: possible zip bomb"):
        loaders.load_bytes(_docx_plus(parts, "Body"), "many.docx")


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-16"])
def test_utf16_doctype_in_a_docx_is_refused(encoding: str) -> None:
    """The billion-laughs and XXE .docx in UTF-16: a byte search for `<!DOCTYPE` misses
    it; the check reads the decoded XML."""
    src = zipfile.ZipFile(io.BytesIO(docx_bytes("Body text")))
    parts = {n: src.read(n) for n in src.namelist()}
    xml = parts["word/document.xml"].decode("utf-8")
    head, _, rest = xml.partition("?>")
    head = re.sub(r"encoding=['\"]UTF-8['\"]", "encoding='UTF-16'", head)
    assert "UTF-16" in head
    laughs = ('<!DOCTYPE w [<!ENTITY a "haha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
              '<!ENTITY x SYSTEM "file:///etc/passwd">]>')
    body = head + "?>" + laughs + rest
    bom = b"\xff\xfe" if encoding == "utf-16-le" else b"\xfe\xff"
    raw = body.encode(encoding) if encoding == "utf-16" else bom + body.encode(encoding)
    assert b"<!DOCTYPE" not in raw
    parts["word/document.xml"] = raw
    with pytest.raises(loaders.LoadError,
                       match=r"^not a valid \.docx file \(contains a DTD or entity "
                             r"declarations, refused for safety\)$"):
        loaders.load_bytes(zip_bytes(parts), "laughs.docx")


def test_xml_part_in_another_encoding_is_refused() -> None:
    src = zipfile.ZipFile(io.BytesIO(docx_bytes("Body text")))
    parts = {n: src.read(n) for n in src.namelist()}
    parts["word/document.xml"] = re.sub(rb"encoding=['\"]UTF-8['\"]", b"encoding='UTF-7'",
                                        parts["word/document.xml"])
    assert b"UTF-7" in parts["word/document.xml"]
    with pytest.raises(loaders.LoadError, match="unsupported encoding"):
        loaders.load_bytes(zip_bytes(parts), "utf7.docx")
