"""Load a release from disk into a `Document`: decode, extract text, normalise newlines.

Every offset in Reviewer refers to the text produced here, so the only change made to
plain text is newline normalisation (plus a leading BOM char and NULs). Loading never
fetches anything and never runs code from the file.
"""
from __future__ import annotations

import io
import logging
import os
import re
import stat
import zipfile
import zlib
from pathlib import Path
from typing import Any

# LoadError, decode_bytes and normalise_text are part of this module's interface too
from reviewer.core.documents.encodings import BOMS, codec_name
from reviewer.core.documents.encodings import LoadError as LoadError
from reviewer.core.documents.encodings import decode_bytes as decode_bytes
from reviewer.core.documents.encodings import normalise_text as normalise_text
from reviewer.core.documents.pdf import PdfError, pdf_text
from reviewer.core.documents.structure import Layout, analyse
from reviewer.core.model import Document

SUPPORTED_SUFFIXES: tuple[str, ...] = (".txt", ".md", ".markdown", ".docx", ".html", ".htm",
                                       ".pdf")

#: Files larger than this are refused (a release is a few KB; this guards memory and time).
log = logging.getLogger(__name__)

MAX_BYTES = 20 * 1024 * 1024
#: Cap on the total uncompressed size of a .docx's XML parts (zip bomb guard).
MAX_DOCX_UNCOMPRESSED = 50 * 1024 * 1024

_MB = 1024 * 1024




def is_supported(path: str | os.PathLike[str]) -> bool:
    return Path(path).suffix.lower() in SUPPORTED_SUFFIXES


# --------------------------------------------------------------------------- reading

def read_bytes(path: Path) -> bytes:
    """The file's bytes, or LoadError with a message a user understands.

    Only a regular file is ever read: a named pipe, socket or device named like a release
    (`x.txt`) is refused without blocking. The file is opened non-blocking (opening a pipe
    would otherwise wait for a writer forever) and checked on the open descriptor, so a
    file swapped for a pipe after a folder walk is refused too."""
    name = display_name(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        st = os.stat(path)
        if stat.S_ISDIR(st.st_mode):
            raise LoadError(f"{name} is a folder, not a file")
        if not stat.S_ISREG(st.st_mode):
            raise LoadError(not_regular_message(st.st_mode))
        if st.st_size > MAX_BYTES:
            raise LoadError(_too_large(st.st_size))
    except FileNotFoundError:
        raise LoadError(f"file not found: {name}") from None
    except PermissionError:
        raise LoadError(f"permission denied: cannot read {name}") from None
    except OSError as e:
        raise LoadError(f"cannot read {name}: {e.strerror or e}") from None
    try:
        with os.fdopen(os.open(path, flags), "rb") as fh:
            st = os.fstat(fh.fileno())
            if not stat.S_ISREG(st.st_mode):
                raise LoadError(not_regular_message(st.st_mode))
            if st.st_size > MAX_BYTES:
                raise LoadError(_too_large(st.st_size))
            data = fh.read(MAX_BYTES + 1)  # the file may have grown since stat()
    except FileNotFoundError:
        raise LoadError("file vanished before it could be read") from None
    except PermissionError:
        raise LoadError(f"permission denied: cannot read {name}") from None
    except BlockingIOError:
        raise LoadError(f"cannot read {name}: not a regular file") from None
    except OSError as e:
        raise LoadError(f"cannot read {name}: {e.strerror or e}") from None
    if len(data) > MAX_BYTES:
        raise LoadError(_too_large(len(data)))
    return data


def not_regular_message(mode: int) -> str:
    """Why a file system entry that is not a regular file is not read."""
    kind = ("a named pipe (FIFO)" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode)
            else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "a special file")
    return f"not a regular file ({kind}): not read"


def display_name(path: str | os.PathLike[str]) -> str:
    """A file name fit to print: bytes that are not valid UTF-8 (a name from another
    system) are shown as \\xNN escapes instead of failing to print."""
    name = os.path.basename(os.fspath(path))
    return printable_path(name)


def printable_path(path: str) -> str:
    """`path` with undecodable bytes (surrogate escapes from the file system) shown as
    \\xNN, so it can be printed, logged, stored and shown."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return os.fsencode(path).decode("utf-8", errors="backslashreplace")


def _too_large(size: int) -> str:
    return f"file too large ({size / _MB:.1f} MB; limit {MAX_BYTES / _MB:g} MB)"


def load(path: str | os.PathLike[str]) -> Document:
    """Load a .txt/.md/.docx/.html/.pdf file. Raises LoadError with a user-readable
    message."""
    return load_bytes(read_bytes(Path(path)), path)


def load_text(path: str | os.PathLike[str]) -> str:
    """`load(path).text` without the structure analysis, which does not change the text
    (for search snippets and highlights, where it would cost more than the rest)."""
    return _decode(read_bytes(Path(path)), path)[0]


def load_bytes(data: bytes, path: str | os.PathLike[str]) -> Document:
    """Decode bytes already read from `path` (its suffix picks the format)."""
    text, warnings, html_title, layout = _decode(data, path)
    if data and not text.strip():
        warnings.append("no text found")
    structure = analyse(text, layout)
    if not structure.title and html_title:
        structure.title = html_title  # fallback only: not in the text, so no span
    return Document(path=str(path), text=text, warnings=warnings, structure=structure)


_MD_TABLE_ROW_RE = re.compile(r"(?m)^[ \t]*\|[^\n]*\|[ \t]*$")


def _decode(data: bytes, path: str | os.PathLike[str]
            ) -> tuple[str, list[str], str, Layout]:
    """(normalised text, warnings, an HTML page's <title>, layout) of a file's bytes."""
    if len(data) > MAX_BYTES:
        raise LoadError(_too_large(len(data)))
    suffix = Path(path).suffix.lower()
    warnings: list[str] = []
    html_title = ""
    layout = Layout()
    if not data:
        text = ""
        warnings.append("empty file")
    elif suffix == ".docx":
        text, layout.tables = _docx_text(data)
    elif suffix == ".pdf":
        try:
            text, layout.furniture, warnings = pdf_text(data)
        except PdfError as exc:
            raise LoadError(str(exc)) from None
    elif suffix in (".html", ".htm"):
        raw, warnings = decode_bytes(data, declared=_meta_charset(data))
        text, html_title, more = html_to_text(raw)
        warnings.extend(more)
    else:
        text, warnings = decode_bytes(data)
    text = normalise_text(text, warnings)
    if suffix in (".md", ".markdown") and "|" in text:
        layout.tables = [m.span() for m in _MD_TABLE_ROW_RE.finditer(text)]
    return text, warnings, html_title, layout


# --------------------------------------------------------------------------- docx

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_DTD_RE = re.compile(r"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_XML_ENCODING_RE = re.compile(rb"""^<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9._-]{1,40})""")
_XML_PART_SUFFIXES = (".xml", ".rels")


def _xml_encoding(head: bytes) -> str:
    """The encoding of an XML part, from its byte-order mark, its first bytes or its
    declaration (the rules of the XML specification, appendix F)."""
    for bom, enc in BOMS:
        if head.startswith(bom):
            return enc
    if head.startswith(b"<\x00?\x00"):
        return "utf-16-le"
    if head.startswith(b"\x00<\x00?"):
        return "utf-16-be"
    m = _XML_ENCODING_RE.match(head)
    return (codec_name(m.group(1).decode("ascii")) or "unknown") if m else "utf-8"


def _check_xml_part(name: str, data: bytes) -> None:
    """Refuse a DTD or entity declaration in an XML part, looked for in the decoded text
    (a UTF-16 part hides `<!DOCTYPE` from a byte search)."""
    enc = _xml_encoding(data[:256])
    if enc not in ("utf-8", "ascii", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"):
        raise LoadError(f"not a valid .docx file ({name} is in the unsupported encoding "
                        f"{enc}, refused for safety)")
    if enc.startswith("utf-16") or enc.startswith("utf-32"):
        bom = next((b for b, e in BOMS if e == enc and data.startswith(b)), b"")
        text = data[len(bom):].decode(enc, errors="replace")
    else:
        text = data.decode("utf-8", errors="replace")
    if _DTD_RE.search(text):
        raise LoadError("not a valid .docx file (contains a DTD or entity declarations, "
                        "refused for safety)")


def _docx_package(data: bytes) -> bytes:
    """A copy of the package python-docx may read: its XML parts, each decompressed by
    streaming and counted at its real size against MAX_DOCX_UNCOMPRESSED (the sizes in a
    zip's headers can lie) and checked for a DTD; every other part (images, media,
    embedded files, fonts) emptied without being decompressed at all."""
    bio = io.BytesIO(data)
    if not zipfile.is_zipfile(bio):
        raise LoadError("not a valid .docx file (not a zip archive)")
    out = io.BytesIO()
    try:
        with zipfile.ZipFile(bio) as zf, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as dst:
            infos = zf.infolist()
            if "word/document.xml" not in {i.filename for i in infos}:
                raise LoadError("not a valid .docx file (no word/document.xml)")
            total = 0
            written: set[str] = set()
            for info in infos:
                if info.is_dir() or info.filename in written:
                    continue
                written.add(info.filename)
                if not info.filename.lower().endswith(_XML_PART_SUFFIXES):
                    dst.writestr(info.filename, b"")  # media: never decompressed
                    continue
                chunks: list[bytes] = []
                with zf.open(info) as part:
                    while chunk := part.read(1 << 20):
                        total += len(chunk)
                        if total > MAX_DOCX_UNCOMPRESSED:
                            raise LoadError(
                                "not a valid .docx file (uncompressed content over "
                                f"{MAX_DOCX_UNCOMPRESSED // _MB} MB: possible zip bomb)")
                        chunks.append(chunk)
                body = b"".join(chunks)
                _check_xml_part(info.filename, body)
                dst.writestr(info.filename, body)
    except LoadError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError,
            EOFError, RuntimeError, ValueError, zlib.error) as e:  # ValueError: bad offsets
        raise LoadError(f"not a valid .docx file: {e}") from None
    return out.getvalue()


def _docx_text(data: bytes) -> tuple[str, list[tuple[int, int]]]:
    """The body's paragraphs and table rows in order, and the spans of the table rows."""
    package = _docx_package(data)
    try:
        import docx  # local import: python-docx/lxml is slow to import and only needed here
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        document = docx.Document(io.BytesIO(package))
        lines: list[tuple[str, bool]] = []  # (line, is a table row)

        def walk(parent: Any) -> None:  # an lxml element
            for child in parent.iterchildren():
                if child.tag == _W + "p":
                    lines.append((Paragraph(child, document).text, False))
                elif child.tag == _W + "tbl":
                    for row in Table(child, document).rows:
                        cells, seen = [], set()
                        for cell in row.cells:
                            if id(cell._tc) in seen:  # merged cells repeat
                                continue
                            seen.add(id(cell._tc))
                            cells.append(" ".join(cell.text.split("\n")).strip())
                        lines.append((" | ".join(cells), True))
                elif child.tag == _W + "sdt":  # content controls wrap body paragraphs
                    content = child.find(_W + "sdtContent")
                    if content is not None:
                        walk(content)

        walk(document.element.body)
    except LoadError:
        raise
    except Exception as e:  # python-docx raises many types for broken packages
        raise LoadError(f"not a valid .docx file: {e}") from None
    return _join_lines(lines)


def _join_lines(lines: list[tuple[str, bool]]) -> tuple[str, list[tuple[int, int]]]:
    """Lines joined by newlines (each normalised as `normalise_text` would, so offsets
    stay right) and the spans of the flagged ones."""
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    pos = 0
    for i, (line, flagged) in enumerate(lines):
        line = line.replace("\r\n", "\n").replace("\r", "\n")
        if i == 0 and line.startswith("\ufeff"):
            line = line[1:]
        if flagged and line.strip():
            spans.append((pos, pos + len(line)))
        out.append(line)
        pos += len(line) + 1
    return "\n".join(out), spans


# --------------------------------------------------------------------------- html

_META_CHARSET_RE = re.compile(
    rb"""<meta[^>]{0,300}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.IGNORECASE)

_BLOCK_TAGS = frozenset((
    "address", "article", "aside", "blockquote", "body", "caption", "dd", "details",
    "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1",
    "h2", "h3", "h4", "h5", "h6", "header", "hr", "html", "li", "main", "nav", "ol", "p",
    "pre", "section", "summary", "table", "tbody", "tfoot", "thead", "tr", "ul"
))
_SKIP_TAGS = frozenset(("script", "style", "noscript", "template", "head", "svg", "iframe",
                        "object", "canvas"))
_WS_RE = re.compile(r"\s+")


def _meta_charset(data: bytes) -> str | None:
    m = _META_CHARSET_RE.search(data[:4096])
    return m.group(1).decode("ascii") if m else None


class _Lines:
    """Visible text gathered into lines: block elements break lines, whitespace collapses
    (kept inside <pre>)."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.parts: list[str] = []
        self.pre = 0

    def add(self, data: str | None) -> None:
        if data:
            self.parts.append(data)

    def flush(self) -> None:
        if not self.parts:
            return
        raw = "".join(self.parts)
        self.parts = []
        if self.pre:
            self.lines.extend(s.rstrip() for s in raw.split("\n"))
            return
        line = _WS_RE.sub(" ", raw).strip()
        if line:
            self.lines.append(line)

    def cell(self) -> None:
        if self.parts and "".join(self.parts).strip():
            self.parts.append(" | ")

    def text(self) -> str:
        self.flush()
        return "\n".join(line for line in self.lines if line.strip())


def _tag(element: Any) -> str:
    tag = element.tag
    if not isinstance(tag, str):
        return ""  # a comment or processing instruction left in by recovery
    return tag.rsplit("}", 1)[-1].lower()


def _page_title(root: Any) -> str:
    """The page's own <title> (in <head>), never an SVG's or a MathML's title."""
    for el in root.iter("title"):
        if not any(_tag(a) in ("svg", "math") for a in el.iterancestors()):
            return _WS_RE.sub(" ", el.text_content()).strip()
    return ""


def html_to_text(markup: str) -> tuple[str, str, list[str]]:
    """(visible text, <title>, warnings) of an HTML page; the title is used only as a
    fallback title.

    Parsed by libxml2's HTML parser (lxml.html), which builds the tree a browser would
    from broken markup (a <head> never closed, a <body> never opened); it fetches
    nothing. Entities are decoded once, by the parser."""
    from lxml import etree
    from lxml import html as lxml_html  # local import: lxml is slow to import

    # huge_tree: nesting up to 2048 levels instead of 256 (files are capped at MAX_BYTES).
    parser = lxml_html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True,
                                  recover=True, encoding="utf-8", huge_tree=True)
    try:
        root = lxml_html.document_fromstring(markup.encode("utf-8", "surrogatepass"),
                                             parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return "", "", []  # an empty or hopeless page
    warnings = []
    if any("depth" in e.message.lower() for e in parser.error_log):
        warnings.append("HTML nested too deeply: the text after that point is missing")
    out = _Lines()
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, el in walker:
        tag = _tag(el)
        if event == "start":
            if tag in _SKIP_TAGS or tag == "title" or not tag:
                walker.skip_subtree()
                continue
            if tag in _BLOCK_TAGS or tag == "br":
                out.flush()
                if tag == "pre":
                    out.pre += 1
            elif tag in ("td", "th"):
                out.cell()
            out.add(el.text)
        else:
            if tag in _BLOCK_TAGS:
                out.flush()
                if tag == "pre" and out.pre:
                    out.pre -= 1
            out.add(el.tail)
    return out.text(), _page_title(root), warnings
