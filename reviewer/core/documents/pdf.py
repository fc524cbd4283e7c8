"""Text of a PDF release: lines read with PDFium, joined into paragraphs, page headers
and footers found.

A PDF has no paragraphs, only lines placed on pages. Lines are joined into a paragraph
unless the layout says a new one starts: a larger gap than the line spacing, a change of
font size, a short last line, a bullet, an indent. Every page ends a paragraph. A line
repeated at the top or the bottom of most pages (digits ignored, so "Page 2 of 5" repeats)
is a header or footer: it stays in the text, as its own paragraph, and its span is
returned so the structure marks it as boilerplate and never takes it for the title.

PDFium (through pypdfium2) is not thread-safe: every call is made under one lock.
"""
from __future__ import annotations

import re
import statistics
import threading
from dataclasses import dataclass
from typing import Any

#: Pages read at most; the rest of a longer file is left out with a warning.
MAX_PAGES = 2000
NO_TEXT_LAYER = ("no text layer (scanned?): the PDF holds only images of its pages; "
                 "run it through OCR to review it")

_LOCK = threading.Lock()
_EDGE_LINES = 3  # lines at the top and the bottom of a page that may be a header/footer
_BULLET_RE = re.compile(r"[•▪◦●■\-–*]\s|\(?\d{1,2}[.)]\s|\(?[a-z][.)]\s")
_DIGITS_RE = re.compile(r"\d+")
_SENTENCE_END = tuple(".!?:;\"”’)")


class PdfError(Exception):
    """The PDF cannot be read; str(error) is the reason, fit to show the user."""


@dataclass(slots=True)
class _Line:
    text: str
    left: float = 0.0
    right: float = 0.0
    top: float = 0.0
    bottom: float = 0.0
    located: bool = False

    @property
    def height(self) -> float:
        return self.top - self.bottom


def pdf_text(data: bytes) -> tuple[str, list[tuple[int, int]], list[str]]:
    """(text, spans of page headers and footers, warnings) of a PDF's bytes."""
    pages, warnings = _read_pages(data)
    if not any(line.text.strip() for page in pages for line in page):
        raise PdfError(NO_TEXT_LAYER)
    blank = [i + 1 for i, page in enumerate(pages) if not any(ln.text.strip() for ln in page)]
    if blank and len(pages) > 1:
        shown = ", ".join(map(str, blank[:10])) + (", …" if len(blank) > 10 else "")
        warnings.append(f"no text layer on page{'s' if len(blank) > 1 else ''} {shown} "
                        "(scanned?)")
    furniture = _furniture(pages)
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    pos = 0
    for p, page in enumerate(pages):
        for paragraph, is_furniture in _paragraphs(page, {i for q, i in furniture if q == p}):
            if is_furniture:
                spans.append((pos, pos + len(paragraph)))
            out.append(paragraph)
            pos += len(paragraph) + 1
    return "\n".join(out), spans, warnings


def _read_pages(data: bytes) -> tuple[list[list[_Line]], list[str]]:
    import pypdfium2 as pdfium  # local import: only PDF releases need PDFium

    warnings: list[str] = []
    pages: list[list[_Line]] = []
    with _LOCK:
        try:
            pdf = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            msg = str(exc).lower()
            if "password" in msg:
                raise PdfError("the PDF is password-protected") from None
            raise PdfError(f"not a valid PDF file ({exc})") from None
        try:
            count = len(pdf)
            if count > MAX_PAGES:
                warnings.append(f"very long PDF ({count:,} pages): only the first "
                                f"{MAX_PAGES:,} were read")
            for index in range(min(count, MAX_PAGES)):
                page = pdf[index]
                try:
                    textpage = page.get_textpage()
                    try:
                        pages.append(_page_lines(textpage))
                    finally:
                        textpage.close()
                finally:
                    page.close()
        except pdfium.PdfiumError as exc:
            raise PdfError(f"not a valid PDF file ({exc})") from None
        finally:
            pdf.close()
    return pages, warnings


_BREAK_RE = re.compile(r"\r\n|\r|\n")


def _page_lines(textpage: Any) -> list[_Line]:
    """The page's lines in reading order, each with the box around its characters."""
    text = textpage.get_text_range()
    # PDFium marks a hyphen at a line break with \x02 or U+FFFE (and joins the word);
    # a byte-order mark is no text. One character for one: boxes stay aligned.
    text = text.replace("\x02", "-").replace("\ufffe", "-").replace("\ufeff", " ")
    located = len(text) == textpage.count_chars()  # char i is text[i]: boxes are usable
    lines: list[_Line] = []
    start = 0
    for m in [*_BREAK_RE.finditer(text), None]:
        end = m.start() if m else len(text)
        line = _Line(" ".join(text[start:end].split()))
        if line.text and located:
            # Loose boxes: the font's full height, the same with or without descenders.
            boxes = [textpage.get_charbox(i, loose=True) for i in range(start, end)
                     if not text[i].isspace()]
            boxes = [b for b in boxes if b[2] > b[0] or b[3] > b[1]]
            if boxes:
                line.left = min(b[0] for b in boxes)
                line.bottom = min(b[1] for b in boxes)
                line.right = max(b[2] for b in boxes)
                line.top = max(b[3] for b in boxes)
                line.located = True
        if line.text:
            lines.append(line)
        start = m.end() if m else len(text)
    return lines


def _key(text: str) -> str:
    return _DIGITS_RE.sub("#", " ".join(text.lower().split()))


def _furniture(pages: list[list[_Line]]) -> set[tuple[int, int]]:
    """(page, line index) of the headers and footers: a line among the first or last few
    of a page whose text (digits aside) is on at least half the pages, two at least."""
    with_text = [p for p in pages if p]
    if len(with_text) < 2:
        return set()
    counts: dict[str, int] = {}
    for page in with_text:
        edge = {_key(page[i].text) for i in _edge(page)}
        for k in edge:
            counts[k] = counts.get(k, 0) + 1
    need = max(2, (len(with_text) + 1) // 2)
    repeated = {k for k, n in counts.items() if n >= need}
    return {(p, i) for p, page in enumerate(pages) for i in _edge(page)
            if _key(page[i].text) in repeated}


def _edge(page: list[_Line]) -> list[int]:
    n = len(page)
    return sorted(set(range(min(n, _EDGE_LINES))) | set(range(max(0, n - _EDGE_LINES), n)))


def _paragraphs(page: list[_Line], furniture: set[int]) -> list[tuple[str, bool]]:
    """The page's paragraphs: (text, is a header or footer)."""
    body = [ln for i, ln in enumerate(page) if i not in furniture and ln.located]
    pitch = _typical_pitch(body)
    right = statistics.quantiles([ln.right for ln in body], n=10)[-1] if len(body) > 2 \
        else max((ln.right for ln in body), default=0.0)
    left = min((ln.left for ln in body), default=0.0)
    width = max(right - left, 1.0)
    out: list[tuple[str, bool]] = []
    current: list[str] = []
    prev: _Line | None = None

    def flush() -> None:
        if current:
            out.append((_join(current), False))
            current.clear()

    for i, line in enumerate(page):
        if i in furniture:
            flush()
            out.append((line.text, True))
            prev = None
            continue
        if prev is not None and _starts_paragraph(prev, line, pitch, right, left, width):
            flush()
        current.append(line.text)
        prev = line
    flush()
    return out


def _typical_pitch(lines: list[_Line]) -> float:
    gaps = [a.bottom - b.bottom for a, b in zip(lines, lines[1:], strict=False)
            if a.bottom > b.bottom and abs(a.height - b.height) < 0.2 * max(a.height, 1.0)]
    return statistics.median(gaps) if gaps else 0.0


def _starts_paragraph(prev: _Line, line: _Line, pitch: float, right: float, left: float,
                      width: float) -> bool:
    if not (prev.located and line.located):
        return prev.text.endswith(_SENTENCE_END)
    height = max(prev.height, line.height, 1.0)
    if abs(prev.height - line.height) > 0.2 * height:
        return True  # a heading above or below body text
    gap = prev.bottom - line.bottom
    if gap <= 0:
        return True  # a new column, or text placed out of order
    if pitch and gap > 1.45 * pitch:
        return True  # a blank line's worth of space
    if _BULLET_RE.match(line.text):
        return True
    if line.left - left > 1.5 * height and abs(prev.left - left) < 0.5 * height:
        return True  # a first-line indent
    # A line that ends short of the column's right edge ends its paragraph.
    return prev.right < right - 0.12 * width and prev.text.endswith(_SENTENCE_END)


def _join(lines: list[str]) -> str:
    """Lines of one paragraph as one line: a space between them, none after a hyphen that
    ends a line (the hyphen is kept: "ASEAN-" "Japan" is "ASEAN-Japan")."""
    out = lines[0]
    for line in lines[1:]:
        out += line if out.endswith(("-", "‐")) else " " + line
    return out
