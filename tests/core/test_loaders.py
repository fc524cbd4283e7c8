"""Loader tests: every format, every encoding path, and the safety guards."""
from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import docx
import pytest

from reviewer.core.documents import loaders
from reviewer.core.documents.loaders import (
    SUPPORTED_SUFFIXES,
    LoadError,
    decode_bytes,
    html_to_text,
    is_supported,
    load,
    normalise_text,
)

SAMPLES = Path(__file__).resolve().parents[2] / "sample_docs"


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


# ----------------------------------------------------------------------------- text

TEXT = "Café “quoted” — 27 May 2021\nSecond line"


@pytest.mark.parametrize("encoding, prefix", [
    ("utf-8", b""),
    ("utf-8", b"\xef\xbb\xbf"),
    ("utf-16-le", b"\xff\xfe"),
    ("utf-16-be", b"\xfe\xff"),
    ("utf-32-le", b"\xff\xfe\x00\x00"),
    ("utf-32-be", b"\x00\x00\xfe\xff"),
])
def test_unicode_encodings(tmp_path: Path, encoding: str, prefix: bytes) -> None:
    doc = load(write(tmp_path, "a.txt", prefix + TEXT.encode(encoding)))
    assert doc.text == TEXT
    assert doc.warnings == []
    assert doc.path.endswith("a.txt")


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_sniffed(tmp_path: Path, encoding: str) -> None:
    text = "JAKARTA, 27 May 2021 – The ASEAN-Japan Forum met today.\n" * 5
    doc = load(write(tmp_path, "a.txt", text.encode(encoding)))
    assert doc.text == text


def test_cp1252_smart_quotes_with_warning(tmp_path: Path) -> None:
    doc = load(write(tmp_path, "a.txt", "He said “yes” – café".encode("cp1252")))
    assert doc.text == "He said “yes” – café"
    assert any("cp1252" in w for w in doc.warnings)


def test_latin1_last_resort(tmp_path: Path) -> None:
    # 0x81 is undefined in cp1252, so only latin-1 can decode this.
    doc = load(write(tmp_path, "a.txt", b"caf\xe9 \x81 ok"))
    assert doc.text == "café \x81 ok"
    assert any("latin-1" in w for w in doc.warnings)


def test_invalid_utf8_falls_back(tmp_path: Path) -> None:
    data = "naïve ".encode() + b"\xff\xfe broken"  # not UTF-8, no BOM at the start
    doc = load(write(tmp_path, "a.txt", data))
    assert doc.text.startswith("naÃ¯ve ")  # cp1252 reading of the UTF-8 bytes
    assert doc.warnings and "not valid UTF-8" in doc.warnings[0]


# Releases in the legacy encodings of their languages, as wires and ministries still
# publish them: each must read as its own script, never as cp1252 mojibake.
NON_LATIN = {
    "russian-cp1251": ("cp1251", "МОСКВА, 27 мая 2021 г. – Министр иностранных дел России "
                                 "Сергей Лавров встретился сегодня с делегацией АСЕАН.\n"
                                 "Стороны обсудили сотрудничество в области торговли.\n"),
    "japanese-shift-jis": ("shift_jis", "東京、2021年5月27日、日本政府は本日、ASEAN諸国との経済"
                                        "協力に関する新たな枠組みを発表した。\n茂木外務大臣は"
                                        "記者会見で次のように述べた。\n"),
    "chinese-gb18030": ("gb18030", "北京，2021年5月27日——中国外交部今天宣布，将与东盟国家加强在"
                                   "贸易、能源和数字经济领域的合作。\n王毅外长在记者会上表示。\n"),
    "greek-iso-8859-7": ("iso8859_7", "ΑΘΗΝΑ, 27 Μαΐου 2021 - Ο Υπουργός Εξωτερικών της "
                                      "Ελλάδας συναντήθηκε σήμερα με αντιπροσωπεία της ASEAN.\n"
                                      "Συζήτησαν τη συνεργασία στον τομέα του εμπορίου.\n"),
}


@pytest.mark.parametrize("name", sorted(NON_LATIN))
def test_non_latin_legacy_encodings_are_detected(tmp_path: Path, name: str) -> None:
    encoding, text = NON_LATIN[name]
    doc = load(write(tmp_path, f"{name}.txt", text.encode(encoding)))
    assert doc.text == text
    assert len(doc.warnings) == 1 and doc.warnings[0].endswith("(detected): not valid UTF-8")


def test_utf16le_japanese_without_bom_is_text_not_binary(tmp_path: Path) -> None:
    text = NON_LATIN["japanese-shift-jis"][1] * 3
    doc = load(write(tmp_path, "ja.txt", text.encode("utf-16-le")))
    assert doc.text == text
    assert doc.warnings == []


def test_binary_with_nuls_is_still_binary(tmp_path: Path) -> None:
    import random

    with pytest.raises(LoadError, match="binary file"):  # reads as CJK, is not text
        load(write(tmp_path, "pattern.txt", b"\x00\x01\x02binary\x00" * 200))
    rng = random.Random(7)
    for n in range(20):
        data = bytes(rng.randrange(256) for _ in range(4096))
        with pytest.raises(LoadError, match="binary file"):
            load(write(tmp_path, f"noise{n}.txt", b"\x00\x00" + data))


def test_western_legacy_text_stays_cp1252(tmp_path: Path) -> None:
    text = ("JAKARTA, 27 May 2021 – The ministers said “we agree” on the café’s naïve "
            "résumé; Zürich and São Paulo will host the next rounds. ") * 3
    doc = load(write(tmp_path, "fr.txt", text.encode("cp1252")))
    assert doc.text == text
    assert doc.warnings == ["decoded as cp1252: not valid UTF-8"]


def test_declared_charset_used_for_fallback() -> None:
    text, warnings = decode_bytes("Привет".encode("koi8-r"), declared="koi8-r")
    assert text == "Привет"
    assert "koi8" in warnings[0]


def test_empty_file_is_a_document(tmp_path: Path) -> None:
    doc = load(write(tmp_path, "a.txt", b""))
    assert doc.text == ""
    assert doc.warnings == ["empty file"]
    assert doc.structure.blocks == []


@pytest.mark.parametrize("data", [
    bytes(range(256)) * 20,
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200),
    b"abc\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f" * 50,
])
def test_binary_with_txt_extension(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(LoadError, match="binary file"):
        load(write(tmp_path, "a.txt", data))


def test_newlines_normalised_and_offsets(tmp_path: Path) -> None:
    doc = load(write(tmp_path, "a.txt", b"Title\r\n\r\nJAKARTA, 27 May 2021 - Body\rEnd\r\n"))
    assert doc.text == "Title\n\nJAKARTA, 27 May 2021 - Body\nEnd\n"
    dl = doc.structure.dateline
    assert dl is not None
    assert doc.text[dl.place_span[0]:dl.place_span[1]] == "JAKARTA"
    assert doc.text[dl.date_span[0]:dl.date_span[1]] == "27 May 2021"


def test_bom_char_and_nul_normalised() -> None:
    warnings: list[str] = []
    assert normalise_text("\ufeffa\x00b", warnings) == "a\ufffdb"
    assert warnings == ["NUL characters replaced"]


def test_markdown_loaded_verbatim(tmp_path: Path) -> None:
    md = "# Big News\n\nNEW YORK, NY / ACCESSWIRE / March 3, 2025 / Acme did it.\n"
    doc = load(write(tmp_path, "a.md", md.encode()))
    assert doc.text == md
    assert doc.title == "Big News"


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.txt")), ids=lambda p: p.name)
def test_sample_docs_text_is_raw_utf8(path: Path) -> None:
    assert load(path).text == path.read_text(encoding="utf-8")


# ----------------------------------------------------------------------------- errors

def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="file not found"):
        load(tmp_path / "nope.txt")


def test_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "d.txt").mkdir()
    with pytest.raises(LoadError, match="folder"):
        load(tmp_path / "d.txt")


def test_too_large(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loaders, "MAX_BYTES", 1024)
    p = write(tmp_path, "a.txt", b"x" * 2048)
    with pytest.raises(LoadError, match=r"file too large \(0\.0 MB; limit"):
        load(p)


def test_vanished_between_stat_and_open(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = write(tmp_path, "a.txt", b"hello")

    real_open = os.open

    def gone(path: str, *args: object, **kwargs: object) -> int:
        if os.fspath(path) == str(p):
            raise FileNotFoundError
        return real_open(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", gone)
    with pytest.raises(LoadError, match="vanished"):
        load(p)


def test_long_single_line_is_fine(tmp_path: Path) -> None:
    data = b"word " * 400_000  # 2 MB, one line
    doc = load(write(tmp_path, "a.txt", data))
    assert len(doc.text) == len(data)


def test_supported_suffixes() -> None:
    assert SUPPORTED_SUFFIXES == (".txt", ".md", ".markdown", ".docx", ".html", ".htm",
                                  ".pdf")
    assert is_supported("x/Release.DOCX") and is_supported(Path("a.htm"))
    assert is_supported("scan.PDF") and not is_supported("a.rtf")


# ----------------------------------------------------------------------------- html

def test_html_visible_text_only(tmp_path: Path) -> None:
    page = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>Page T&amp;itle</title>
    <style>p { color: red }</style><script>document.write("evil")</script></head>
    <body><noscript>enable js</noscript><template><p>hidden</p></template>
    <h1>Big   News</h1><p>HANOI, Oct. 15 (VNA) - Caf&eacute; &amp; <b>bold
    text</b><br>next line</p>
    <div><p>Unclosed <i>italic <b>nest</i> ok</div>
    <img src="http://example.com/tracker.png" alt="remote">
    <ul><li>one</li><li>two</ul><table><tr><td>a</td><td>b</td></tr></table>
    <script>var x = "<p>not text</p>";</script></body></html>"""
    doc = load(write(tmp_path, "a.html", page.encode()))
    assert doc.text.split("\n") == [
        "Big News", "HANOI, Oct. 15 (VNA) - Café & bold text", "next line",
        "Unclosed italic nest ok", "one", "two", "a | b",
    ]
    for junk in ("evil", "color", "enable js", "hidden", "not text", "Page", "remote"):
        assert junk not in doc.text
    assert doc.title == "Big News"
    assert doc.structure.dateline and doc.structure.dateline.source == "VNA"


def test_html_title_fallback_and_meta_charset(tmp_path: Path) -> None:
    page = ('<html><head><meta http-equiv="Content-Type" content="text/html; '
            'charset=windows-1251"><title>Заголовок</title></head>'
            '<body><p>Текст без заголовка. Он длинный. Очень.</p></body></html>')
    doc = load(write(tmp_path, "a.htm", page.encode("cp1251")))
    assert doc.text == "Текст без заголовка. Он длинный. Очень."
    assert doc.title == "Заголовок"
    assert doc.structure.title_span is None


def test_html_malformed_does_not_raise() -> None:
    text, title, _ = html_to_text("<p>a<div>b</p></span><<<>>c</td><script>never closed")
    assert "a" in text and "b" in text
    assert "never closed" not in text


def test_html_head_never_closed_and_no_body_keeps_the_text(tmp_path: Path) -> None:
    """A <head> without </head> and no <body> once hid the whole page."""
    page = ("<html><head><meta charset='utf-8'><title>Harbour Festival</title>\n"
            "<h1>Harbour Festival Opens</h1>\n<p>HANOI, 3 June 2024 – The fair opened.</p>")
    doc = load(write(tmp_path, "a.html", page.encode()))
    assert doc.text == "Harbour Festival Opens\nHANOI, 3 June 2024 – The fair opened."
    assert doc.title == "Harbour Festival Opens"


def test_html_svg_title_is_not_the_page_title() -> None:
    page = ("<html><head><title>Harbour Festival</title></head><body>"
            "<svg viewBox='0 0 10 10'><title>share icon</title><path d='M0 0'/></svg>"
            "<p>The fair opened.</p></body></html>")
    text, title, _ = html_to_text(page)
    assert title == "Harbour Festival"
    assert text == "The fair opened."


def test_html_title_is_unescaped_once() -> None:
    text, title, _ = html_to_text("<title>Q&amp;amp;A: &amp;lt;b&amp;gt; tags</title><p>x</p>")
    assert title == "Q&amp;A: &lt;b&gt; tags"
    text, _, _ = html_to_text("<p>AT&amp;amp;T &lt;not a tag&gt;</p>")
    assert text == "AT&amp;T <not a tag>"


def test_html_deep_nesting(tmp_path: Path) -> None:
    deep = "<div>" * 1500 + "deep text" + "</div>" * 1500
    text, _, _ = html_to_text("<p>before</p>" + deep + "<p>after</p>")
    assert text == "before\ndeep text\nafter"
    # Deeper than any browser's page: what was read is kept, and the loss is reported.
    hostile = "<p>before</p>" + "<div>" * 5000 + "deep" + "</div>" * 5000 + "<p>after</p>"
    doc = load(write(tmp_path, "deep.html", hostile.encode()))
    assert doc.text.startswith("before")
    assert doc.warnings == ["HTML nested too deeply: the text after that point is missing"]


# ----------------------------------------------------------------------------- docx

def make_docx(path: Path) -> Path:
    d = docx.Document()
    d.add_paragraph("Big News Headline")
    d.add_paragraph("JAKARTA, 27 May 2021 – First paragraph.")
    table = d.add_table(rows=2, cols=2)
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row.cells):
            cell.text = f"r{r}c{c}"
    d.add_paragraph("After the table.")
    d.save(str(path))
    return path


def test_docx_paragraphs_and_tables_in_order(tmp_path: Path) -> None:
    doc = load(make_docx(tmp_path / "a.docx"))
    assert doc.text == ("Big News Headline\nJAKARTA, 27 May 2021 – First paragraph.\n"
                        "r0c0 | r0c1\nr1c0 | r1c1\nAfter the table.")
    assert doc.title == "Big News Headline"
    assert doc.structure.dateline.iso == "2021-05-27"


def test_docx_not_a_zip(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match=r"not a valid \.docx file \(not a zip archive\)"):
        load(write(tmp_path, "a.docx", b"plain text pretending"))


def zip_bytes(parts: dict[str, bytes]) -> bytes:
    bio = io.BytesIO()
    with zipfile.ZipFile(bio, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return bio.getvalue()


def test_docx_missing_document_xml(tmp_path: Path) -> None:
    data = zip_bytes({"[Content_Types].xml": b"<Types/>", "word/other.xml": b"<x/>"})
    with pytest.raises(LoadError, match="no word/document.xml"):
        load(write(tmp_path, "a.docx", data))


def test_docx_zip_bomb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loaders, "MAX_DOCX_UNCOMPRESSED", 2 * 1024 * 1024)
    data = zip_bytes({"word/document.xml": b"<w/>" + b" " * (4 * 1024 * 1024)})
    assert len(data) < 50_000  # highly compressible
    with pytest.raises(LoadError, match="zip bomb"):
        load(write(tmp_path, "a.docx", data))


def test_docx_with_entities_is_refused(tmp_path: Path) -> None:
    good = make_docx(tmp_path / "good.docx").read_bytes()
    src = zipfile.ZipFile(io.BytesIO(good))
    parts = {n: src.read(n) for n in src.namelist()}
    xml = parts["word/document.xml"]
    head, _, rest = xml.partition(b"?>")
    parts["word/document.xml"] = (head + b'?><!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                                  + rest)
    with pytest.raises(LoadError, match="DTD"):
        load(write(tmp_path, "a.docx", zip_bytes(parts)))


def test_docx_broken_xml(tmp_path: Path) -> None:
    data = zip_bytes({"[Content_Types].xml": b"<Types", "word/document.xml": b"<w:document"})
    with pytest.raises(LoadError, match=r"not a valid \.docx file"):
        load(write(tmp_path, "a.docx", data))


# ----------------------------------------------------------------------------- pdf

def test_pdf_text_paragraphs_pages_and_furniture(tmp_path: Path) -> None:
    from pdf_maker import make_pdf, release_pages

    doc = load(write(tmp_path, "release.pdf", make_pdf(release_pages())))
    header = "Ministry of Foreign Affairs of Japan - Press Release"
    assert doc.text.split("\n") == [
        header,
        "Japan and ASEAN Agree on a Clean Energy Forum",
        # lines of a paragraph joined; a hyphen at a line end keeps its word whole
        "TOKYO, 27 May 2021 - Foreign Minister Motegi Toshimitsu met the ASEAN "
        "Secretary-General Dato Lim Jock Hoi in Tokyo today and agreed to hold the "
        "first ASEAN-Japan Clean Energy Forum in Jakarta in October.",
        "The two sides welcomed the progress of 97% of the action lines of the Plan and "
        "pledged USD 5 million for energy projects in the region, to be managed by the "
        "Japan-ASEAN Integration Fund over the next three",
        "www.mofa.go.jp | Page 1 of 2",
        header,
        "years.",  # the page break is a paragraph break
        "Media contact: press@mofa.go.jp",
        "www.mofa.go.jp | Page 2 of 2",
    ]
    assert doc.warnings == []
    st = doc.structure
    # The letterhead on every page is boilerplate, never the title.
    assert doc.title == "Japan and ASEAN Agree on a Clean Energy Forum"
    assert st.dateline is not None and st.dateline.iso == "2021-05-27"
    pages = [doc.text[b.start:b.end] for b in st.blocks if b.reason == "page"]
    assert pages == [header, "www.mofa.go.jp | Page 1 of 2", header,
                     "www.mofa.go.jp | Page 2 of 2"]
    assert st.is_boilerplate(doc.text.index("www.mofa.go.jp"))
    assert not st.is_boilerplate(doc.text.index("The two sides"))


def test_pdf_offsets_are_exact_for_search_and_entities(tmp_path: Path) -> None:
    from pdf_maker import make_pdf, release_pages

    from reviewer.core.analysis import analyse as extract_document

    path = write(tmp_path, "release.pdf", make_pdf(release_pages()))
    doc = load(path)
    assert loaders.load_text(path) == doc.text  # snippets and highlights read the same text
    extraction, _ = extract_document(doc, None)
    names = {e.text for e in extraction.entities}
    assert {"Motegi Toshimitsu", "Tokyo", "Jakarta"} <= names
    for e in extraction.entities:
        assert doc.text[e.start:e.end] == e.text


def test_pdf_without_a_text_layer_says_so(tmp_path: Path) -> None:
    from pdf_maker import Page, make_pdf

    scanned = make_pdf([Page(image=True), Page(image=True)])
    with pytest.raises(LoadError, match=r"^no text layer \(scanned\?\)"):
        load(write(tmp_path, "scan.pdf", scanned))


def test_pdf_with_a_scanned_page_is_loaded_with_a_warning(tmp_path: Path) -> None:
    from pdf_maker import Page, make_pdf

    pages = [Page().text(72, 700, 11, "HANOI, 3 June 2024 - The fair opened today."),
             Page(image=True)]
    doc = load(write(tmp_path, "mixed.pdf", make_pdf(pages)))
    assert doc.text == "HANOI, 3 June 2024 - The fair opened today."
    assert doc.warnings == ["no text layer on page 2 (scanned?)"]


def test_pdf_password_protected_or_broken(tmp_path: Path) -> None:
    from pdf_maker import Page, make_pdf

    locked = make_pdf([Page().text(72, 700, 11, "Secret text")], password_protected=True)
    with pytest.raises(LoadError, match="^the PDF is password-protected$"):
        load(write(tmp_path, "locked.pdf", locked))
    with pytest.raises(LoadError, match=r"^not a valid PDF file"):
        load(write(tmp_path, "fake.pdf", b"%PDF-1.4 this is not really a PDF"))
    with pytest.raises(LoadError, match=r"^not a valid PDF file"):
        load(write(tmp_path, "cut.pdf", make_pdf([Page().text(72, 700, 11, "x")])[:120]))


def test_pdfs_load_from_several_threads_at_once(tmp_path: Path) -> None:
    """PDFium is not thread-safe: a scan and the window's loader may read PDFs at once."""
    from concurrent.futures import ThreadPoolExecutor

    from pdf_maker import make_pdf, release_pages

    path = write(tmp_path, "release.pdf", make_pdf(release_pages()))
    expected = load(path).text
    with ThreadPoolExecutor(4) as pool:
        texts = list(pool.map(lambda _: load(path).text, range(40)))
    assert texts == [expected] * 40
