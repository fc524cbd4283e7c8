"""Load a release from disk into a `Document`: decode, extract text, normalise newlines.

Every offset in Reviewer refers to the text produced here, so the only change made to
plain text is newline normalisation (plus a leading BOM char and NULs). Loading never
fetches anything and never runs code from the file.
"""
from __future__ import annotations

import codecs
import html
import io
import logging
import os
import re
import zipfile
import zlib
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from reviewer.core.documents.structure import analyse
from reviewer.core.model import Document

SUPPORTED_SUFFIXES: tuple[str, ...] = (".txt", ".md", ".markdown", ".docx", ".html", ".htm")

#: Files larger than this are refused (a release is a few KB; this guards memory and time).
log = logging.getLogger(__name__)

MAX_BYTES = 20 * 1024 * 1024
#: Cap on the total uncompressed size of a .docx's XML parts (zip bomb guard).
MAX_DOCX_UNCOMPRESSED = 50 * 1024 * 1024

_MB = 1024 * 1024


class LoadError(Exception):
    """A file could not be loaded; str(error) is a message fit to show the user."""


def is_supported(path: str | os.PathLike[str]) -> bool:
    return Path(path).suffix.lower() in SUPPORTED_SUFFIXES


# --------------------------------------------------------------------------- decoding

_BOMS: tuple[tuple[bytes, str], ...] = (
    # UTF-32 first: its LE BOM starts with the UTF-16 LE BOM.
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_SAMPLE = 8192
# Control bytes that never occur in text (tab, LF, VT, FF, CR and ESC excluded).
_CONTROL_RE = re.compile(b"[\x00-\x08\x0e-\x1a\x1c-\x1f]")


def _sniff_utf16(data: bytes) -> str | None:
    """UTF-16 without BOM: ASCII-heavy text has a NUL in every other byte."""
    sample = data[:_SAMPLE]
    if len(sample) < 4:
        return None
    half = len(sample) // 2
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    if odd > 0.3 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.3 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


def _looks_binary(data: bytes) -> bool:
    sample = data[:_SAMPLE]
    if b"\x00" in sample:
        return True
    controls = len(_CONTROL_RE.findall(sample))
    return controls > 0.1 * len(sample)


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None


def decode_bytes(data: bytes, declared: str | None = None) -> tuple[str, list[str]]:
    """Decode file bytes to text; returns (text, warnings). Raises LoadError for binary data.

    Order: BOM, UTF-16 without BOM (sniffed), UTF-8, the `declared` charset (e.g. from an
    HTML meta tag), cp1252, latin-1. Any fallback is reported in the warnings. The text is
    not normalised (see `normalise_text`).
    """
    warnings: list[str] = []
    if not data:
        return "", warnings
    for bom, enc in _BOMS:
        if data.startswith(bom):
            body = data[len(bom):]
            try:
                return body.decode(enc), warnings
            except UnicodeDecodeError:
                warnings.append(f"invalid {enc} after byte-order mark; bad bytes replaced")
                return body.decode(enc, errors="replace"), warnings
    enc16 = _sniff_utf16(data)
    if enc16:
        try:
            return data.decode(enc16), warnings
        except UnicodeDecodeError:
            pass  # not UTF-16 after all; judge it as bytes below
    if _looks_binary(data):
        raise LoadError("binary file, not text")
    try:
        return data.decode("utf-8"), warnings
    except UnicodeDecodeError:
        pass
    declared_codec = _codec(declared)
    if declared_codec and declared_codec != "utf-8":
        try:
            text = data.decode(declared_codec)
            warnings.append(f"decoded as {declared_codec} (declared): not valid UTF-8")
            return text, warnings
        except UnicodeDecodeError:
            pass
    try:
        text = data.decode("cp1252")
        warnings.append("decoded as cp1252: not valid UTF-8")
    except UnicodeDecodeError:
        # latin-1 maps every byte, so this is the last resort and cannot fail.
        text = data.decode("latin-1")
        warnings.append("decoded as latin-1: not valid UTF-8")
    return text, warnings


def normalise_text(text: str, warnings: list[str] | None = None) -> str:
    """Newlines to "\\n", drop a leading BOM char, NUL to U+FFFD (lengths otherwise kept)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        text = text.replace("\x00", "\ufffd")
        if warnings is not None:
            warnings.append("NUL characters replaced")
    return text


# --------------------------------------------------------------------------- reading

def read_bytes(path: Path) -> bytes:
    """The file's bytes, or LoadError with a message a user understands."""
    name = path.name
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise LoadError(f"file not found: {name}") from None
    except PermissionError:
        raise LoadError(f"permission denied: cannot read {name}") from None
    except OSError as e:
        raise LoadError(f"cannot read {name}: {e.strerror or e}") from None
    if path.is_dir():
        raise LoadError(f"{name} is a folder, not a file")
    if size > MAX_BYTES:
        raise LoadError(_too_large(size))
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_BYTES + 1)  # the file may have grown since stat()
    except FileNotFoundError:
        raise LoadError("file vanished before it could be read") from None
    except PermissionError:
        raise LoadError(f"permission denied: cannot read {name}") from None
    except OSError as e:
        raise LoadError(f"cannot read {name}: {e.strerror or e}") from None
    if len(data) > MAX_BYTES:
        raise LoadError(_too_large(max(len(data), size)))
    return data


def _too_large(size: int) -> str:
    return f"file too large ({size / _MB:.1f} MB; limit {MAX_BYTES / _MB:g} MB)"


def load(path: str | os.PathLike[str]) -> Document:
    """Load a .txt/.md/.docx/.html file. Raises LoadError with a user-readable message."""
    return load_bytes(read_bytes(Path(path)), path)


def load_text(path: str | os.PathLike[str]) -> str:
    """`load(path).text` without the structure analysis, which does not change the text
    (for search snippets and highlights, where it would cost more than the rest)."""
    return _decode(read_bytes(Path(path)), path)[0]


def load_bytes(data: bytes, path: str | os.PathLike[str]) -> Document:
    """Decode bytes already read from `path` (its suffix picks the format)."""
    text, warnings, html_title = _decode(data, path)
    if data and not text.strip():
        warnings.append("no text found")
    structure = analyse(text)
    if not structure.title and html_title:
        structure.title = html_title  # fallback only: not in the text, so no span
    return Document(path=str(path), text=text, warnings=warnings, structure=structure)


def _decode(data: bytes, path: str | os.PathLike[str]) -> tuple[str, list[str], str]:
    """(normalised text, warnings, an HTML page's <title>) of a file's bytes."""
    if len(data) > MAX_BYTES:
        raise LoadError(_too_large(len(data)))
    suffix = Path(path).suffix.lower()
    warnings: list[str] = []
    html_title = ""
    if not data:
        text = ""
        warnings.append("empty file")
    elif suffix == ".docx":
        text = _docx_text(data)
    elif suffix in (".html", ".htm"):
        raw, warnings = decode_bytes(data, declared=_meta_charset(data))
        text, html_title = html_to_text(raw)
    else:
        text, warnings = decode_bytes(data)
    return normalise_text(text, warnings), warnings, html_title


# --------------------------------------------------------------------------- docx

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_DTD_RE = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)


def _check_docx_zip(data: bytes) -> None:
    """Validate the package before python-docx/lxml see it (zip bomb, DTD/entities)."""
    bio = io.BytesIO(data)
    if not zipfile.is_zipfile(bio):
        raise LoadError("not a valid .docx file (not a zip archive)")
    try:
        with zipfile.ZipFile(bio) as zf:
            infos = zf.infolist()
            if "word/document.xml" not in {i.filename for i in infos}:
                raise LoadError("not a valid .docx file (no word/document.xml)")
            total = 0
            for info in infos:
                if not info.filename.lower().endswith((".xml", ".rels")):
                    continue
                # Stream-decompress and count real bytes: header sizes can lie.
                tail = b""
                with zf.open(info) as part:
                    while chunk := part.read(1 << 20):
                        total += len(chunk)
                        if total > MAX_DOCX_UNCOMPRESSED:
                            raise LoadError(
                                "not a valid .docx file (uncompressed content over "
                                f"{MAX_DOCX_UNCOMPRESSED // _MB} MB: possible zip bomb)")
                        if _DTD_RE.search(tail + chunk):
                            raise LoadError(
                                "not a valid .docx file (contains a DTD or entity "
                                "declarations, refused for safety)")
                        tail = chunk[-16:]
    except LoadError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError,
            EOFError, RuntimeError, ValueError, zlib.error) as e:  # ValueError: bad offsets
        raise LoadError(f"not a valid .docx file: {e}") from None


def _docx_text(data: bytes) -> str:
    _check_docx_zip(data)
    try:
        import docx  # local import: python-docx/lxml is slow to import and only needed here
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        document = docx.Document(io.BytesIO(data))
        lines: list[str] = []

        def walk(parent: Any) -> None:  # an lxml element
            for child in parent.iterchildren():
                if child.tag == _W + "p":
                    lines.append(Paragraph(child, document).text)
                elif child.tag == _W + "tbl":
                    for row in Table(child, document).rows:
                        cells, seen = [], set()
                        for cell in row.cells:
                            if id(cell._tc) in seen:  # merged cells repeat
                                continue
                            seen.add(id(cell._tc))
                            cells.append(" ".join(cell.text.split("\n")).strip())
                        lines.append(" | ".join(cells))
                elif child.tag == _W + "sdt":  # content controls wrap body paragraphs
                    content = child.find(_W + "sdtContent")
                    if content is not None:
                        walk(content)

        walk(document.element.body)
        return "\n".join(lines)
    except LoadError:
        raise
    except Exception as e:  # python-docx raises many types for broken packages
        raise LoadError(f"not a valid .docx file: {e}") from None


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


class _TextExtractor(HTMLParser):
    """Visible text only: skipped containers, block tags break lines, whitespace collapsed."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.parts: list[str] = []
        self.skip: dict[str, int] = {}
        self.in_title = False
        self.title_parts: list[str] = []
        self.pre = 0

    def _flush(self) -> None:
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

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":
            self.skip.pop("head", None)  # tolerate a missing </head>
        if tag in _SKIP_TAGS:
            self.skip[tag] = self.skip.get(tag, 0) + 1
            return
        if tag == "title":
            self.in_title = True
            return
        if self.skip:
            return
        if tag in _BLOCK_TAGS or tag == "br":
            self._flush()
            if tag == "pre":
                self.pre += 1
        elif tag in ("td", "th") and self.parts and "".join(self.parts).strip():
            self.parts.append(" | ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("br", "hr") and not self.skip:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            if self.skip.get(tag):
                self.skip[tag] -= 1
                if not self.skip[tag]:
                    del self.skip[tag]
            return
        if tag == "title":
            self.in_title = False
            return
        if self.skip:
            return
        if tag in _BLOCK_TAGS:
            self._flush()
            if tag == "pre" and self.pre:
                self.pre -= 1

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title_parts.append(data)
        elif not self.skip:
            self.parts.append(data)

    def result(self) -> tuple[str, str]:
        self._flush()
        title = _WS_RE.sub(" ", "".join(self.title_parts)).strip()
        return "\n".join(line for line in self.lines if line.strip()), title


def html_to_text(markup: str) -> tuple[str, str]:
    """Visible text of an HTML page and its <title> (used only as a fallback title)."""
    parser = _TextExtractor()
    try:
        parser.feed(markup)
        parser.close()
    except Exception:  # noqa: BLE001 - keep whatever was parsed from hopeless markup
        log.debug("the HTML parser gave up; keeping the text read so far", exc_info=True)
    text, title = parser.result()
    return text, html.unescape(title)
