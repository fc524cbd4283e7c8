"""Small, fast builders for WordprocessingML paragraphs, runs and tables.

python-docx's high-level API looks styles up by name and recomputes table grids on every
cell access, which is far too slow for a 100-release memo with thousands of table rows.
These helpers build the same elements directly with lxml (through python-docx's element
classes, so Run/Paragraph objects still work on them, e.g. for comments).

Text is only ever assigned to element .text (lxml escapes it); nothing from a release is
parsed as XML. Characters XML 1.0 forbids are removed first, because lxml refuses them.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from lxml import etree

from reviewer.core.palette import LABEL_UNDERLINES

# XML 1.0 allows tab, LF, CR and everything from U+0020 except surrogates, FFFE and FFFF.
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_BREAKS = re.compile(r"(\r\n|\r|\n|\t)")

PAGE_WIDTH_TWIPS = 9638  # A4 (21 cm) minus 2 cm margins each side, in twentieths of a point

_W_T, _W_R, _W_RPR, _W_P, _W_PPR = qn("w:t"), qn("w:r"), qn("w:rPr"), qn("w:p"), qn("w:pPr")
_W_VAL, _W_SPACE = qn("w:val"), qn("xml:space")


# The palette names underline styles toolkit-neutrally; these are Word's names for them.
WORD_UNDERLINES = {"single": "single", "dash": "dash", "dot": "dotted", "dashdot": "dotDash",
                   "dashdotdot": "dotDotDash", "wave": "wave"}


def label_underline(label: str) -> str | None:
    """The Word underline for a label: the legend's second cue besides colour."""
    return WORD_UNDERLINES.get(LABEL_UNDERLINES.get(label, ""))


# Explicit bidirectional formatting (embeddings, overrides, isolates) reorders the text
# around it when a viewer applies it: a file called "invoice\u202egpj.exe" reads
# "invoiceexe.jpg". The memo never applies it; each shows as its code point, e.g.
# "⟨U+202E⟩", where it stands. The implicit marks (LRM, RLM, ALM) cannot reverse a run of
# letters and are part of ordinary Arabic and Hebrew text, so they are kept.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_BIDI = re.compile("[" + "".join(sorted(BIDI_CONTROLS)) + "]")
# Letters written right to left (Hebrew, Arabic, Syriac, Thaana, N'Ko ... and their
# presentation forms): the candidates for unicodedata's "R"/"AL" check.
_RTL_CANDIDATE = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc"
                            "\U00010800-\U00010fff\U0001e800-\U0001efff]")


def visible_control(ch: str) -> str:
    """How an explicit bidirectional formatting character is written in the memo."""
    return f"⟨U+{ord(ch):04X}⟩"


def clean(text: str) -> str:
    """`text` without the characters that cannot appear in a .docx at all, and with
    explicit bidirectional formatting written out visibly instead of applied."""
    return _BIDI.sub(lambda m: visible_control(m.group()), _ILLEGAL_XML.sub("", text))


def first_strong_direction(text: str) -> str | None:
    """"rtl" or "ltr": the direction of the first letter with a direction of its own
    (Unicode's rule for a paragraph's direction), None when there is none."""
    for ch in text:
        d = unicodedata.bidirectional(ch)
        if d == "L":
            return "ltr"
        if d in ("R", "AL"):
            return "rtl"
    return None


def has_rtl(text: str) -> bool:
    return _RTL_CANDIDATE.search(text) is not None


def set_text_direction(body: etree._Element) -> int:
    """Mark every paragraph under `body` whose text starts (in Unicode's sense) with a
    right-to-left letter as a right-to-left paragraph (w:bidi): Word and LibreOffice then
    lay it out from the right, as its readers expect. Returns how many were marked."""
    marked = 0
    for p in body.iter(_W_P):
        text = "".join(t.text or "" for t in p.iter(_W_T))
        if not has_rtl(text) or first_strong_direction(text) != "rtl":
            continue
        ppr = p.find(_W_PPR)
        if ppr is None:
            ppr = etree.Element(_W_PPR)
            p.insert(0, ppr)
        if ppr.find(qn("w:bidi")) is not None:
            continue
        bidi = etree.Element(qn("w:bidi"))
        later = next((c for c in ppr if c.tag in _AFTER_BIDI), None)
        if later is not None:
            later.addprevious(bidi)
        else:
            ppr.append(bidi)
        marked += 1
    return marked


# w:pPr children that the schema puts after w:bidi (the order is fixed).
_AFTER_BIDI = frozenset(qn(f"w:{t}") for t in (
    "adjustRightInd", "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents",
    "suppressOverlap", "jc", "textDirection", "textAlignment", "textboxTightWrap",
    "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange"))


def _sub(parent: etree._Element, tag: str, **attrs: str) -> etree._Element:
    el = etree.SubElement(parent, tag)
    for k, v in attrs.items():
        el.set(qn(f"w:{k}"), v)
    return el


def paragraph(style: str | None = None, *, keep_next: bool = False,
              page_break: bool = False, align: str | None = None) -> etree._Element:
    """A new w:p; `style` is a style *id* (see Styles in memo.py)."""
    p = OxmlElement("w:p")
    if style or keep_next or page_break or align:
        ppr = _sub(p, _W_PPR)
        if style:
            _sub(ppr, qn("w:pStyle"), val=style)
        if keep_next:
            _sub(ppr, qn("w:keepNext"))
        if page_break:
            _sub(ppr, qn("w:pageBreakBefore"))
        if align:
            _sub(ppr, qn("w:jc"), val=align)
    return p


def run(p: etree._Element, text: str, *, style: str | None = None, fill: str | None = None,
        bold: bool = False, italic: bool = False, color: str | None = None,
        size_half_points: int | None = None, underline: str | None = None
        ) -> etree._Element:
    """Append a w:r with plain `text` (newlines become w:br, tabs w:tab) to `p`.
    `underline` is a Word underline value (single, dash, dotted, wave ...)."""
    r = etree.SubElement(p, _W_R)
    # Arabic and Hebrew letters take Word's complex-script properties (bCs, iCs, szCs);
    # a run of right-to-left text only is marked w:rtl.
    cs = has_rtl(text)
    shown = clean(text) if cs else ""
    rtl = cs and first_strong_direction(shown) == "rtl" and not _has_ltr(shown)
    if style or fill or bold or italic or color or size_half_points or underline or rtl:
        rpr = etree.SubElement(r, _W_RPR)
        # Element order inside w:rPr is fixed by the schema:
        # rStyle, b, bCs, i, iCs, color, sz, szCs, u, shd, rtl.
        if style:
            _sub(rpr, qn("w:rStyle"), val=style)
        if bold:
            _sub(rpr, qn("w:b"))
            if cs:
                _sub(rpr, qn("w:bCs"))
        if italic:
            _sub(rpr, qn("w:i"))
            if cs:
                _sub(rpr, qn("w:iCs"))
        if color:
            _sub(rpr, qn("w:color"), val=color.lstrip("#"))
        if size_half_points:
            _sub(rpr, qn("w:sz"), val=str(size_half_points))
            if cs:
                _sub(rpr, qn("w:szCs"), val=str(size_half_points))
        if underline:
            _sub(rpr, qn("w:u"), val=underline)
        if fill:
            _sub(rpr, qn("w:shd"), val="clear", color="auto", fill=fill.lstrip("#").upper())
        if rtl:
            _sub(rpr, qn("w:rtl"))
    add_text(r, text)
    return r


def _has_ltr(text: str) -> bool:
    return any(unicodedata.bidirectional(ch) == "L" for ch in text)


def add_text(r: etree._Element, text: str) -> None:
    text = clean(text)
    if not text:
        return
    for piece in _BREAKS.split(text):
        if not piece:
            continue
        if piece == "\t":
            etree.SubElement(r, qn("w:tab"))
        elif piece in ("\n", "\r", "\r\n"):
            etree.SubElement(r, qn("w:br"))
        else:
            t = etree.SubElement(r, _W_T)
            t.text = piece
            if piece[0].isspace() or piece[-1].isspace():
                t.set(_W_SPACE, "preserve")


# A table cell is plain text, or a list of (text, run options) segments, optionally
# wrapped in Cell to shade the whole cell.
Segment = tuple[str, dict[str, Any]]
CellValue = str | Sequence[Segment]


@dataclass(frozen=True, slots=True)
class Cell:
    value: CellValue
    fill: str | None = None


def table(headers: Sequence[str], widths: Sequence[float], rows: Iterable[Sequence[Any]],
          *, style: str | None, text_style: str | None,
          header_fill: str = "D9E2F3") -> etree._Element:
    """A full-width table whose first row is a header repeated on every page.

    `widths` are relative column widths. A row is a sequence of CellValue, or a
    ("group", text, fill) tuple that spans all columns (used for label groups).
    Returns the w:tbl; cell paragraphs are reachable for comments via cell_runs().
    """
    total = sum(widths)
    cols = [int(PAGE_WIDTH_TWIPS * w / total) for w in widths]
    tbl = OxmlElement("w:tbl")
    tblpr = _sub(tbl, qn("w:tblPr"))
    if style:
        _sub(tblpr, qn("w:tblStyle"), val=style)
    _sub(tblpr, qn("w:tblW"), w="5000", type="pct")
    _sub(tblpr, qn("w:tblLayout"), type="fixed")
    _sub(tblpr, qn("w:tblLook"), val="04A0", firstRow="1", lastRow="0", firstColumn="0",
         lastColumn="0", noHBand="1", noVBand="1")
    grid = _sub(tbl, qn("w:tblGrid"))
    for w in cols:
        _sub(grid, qn("w:gridCol"), w=str(w))

    tr = _row(tbl, header=True)
    for w, h in zip(cols, headers, strict=True):
        p = _cell(tr, w, header_fill, text_style, keep_next=True)  # never alone at a page foot
        run(p, h, bold=True)
    for row in rows:
        tr = _row(tbl)
        if len(row) == 3 and row[0] == "group":
            _, text, fill = row
            p = _cell(tr, sum(cols), fill, text_style, span=len(cols))
            run(p, text, bold=True)
            continue
        for w, item in zip(cols, row, strict=True):
            fill = None
            value: CellValue = item
            if isinstance(item, Cell):
                value, fill = item.value, item.fill
            p = _cell(tr, w, fill, text_style)
            if isinstance(value, str):
                run(p, value)
            else:
                for text, opts in value:
                    run(p, text, **opts)
    return tbl


def _row(tbl: etree._Element, *, header: bool = False) -> etree._Element:
    tr = _sub(tbl, qn("w:tr"))
    trpr = _sub(tr, qn("w:trPr"))
    _sub(trpr, qn("w:cantSplit"))
    if header:
        _sub(trpr, qn("w:tblHeader"))
    return tr


def _cell(tr: etree._Element, width: int, fill: str | None, text_style: str | None,
          span: int = 1, *, keep_next: bool = False) -> etree._Element:
    tc = _sub(tr, qn("w:tc"))
    tcpr = _sub(tc, qn("w:tcPr"))
    _sub(tcpr, qn("w:tcW"), w=str(width), type="dxa")
    if span > 1:
        _sub(tcpr, qn("w:gridSpan"), val=str(span))
    if fill:
        _sub(tcpr, qn("w:shd"), val="clear", color="auto", fill=fill.lstrip("#").upper())
    p = _sub(tc, _W_P)
    if text_style or keep_next:
        ppr = _sub(p, _W_PPR)
        if text_style:
            _sub(ppr, qn("w:pStyle"), val=text_style)
        if keep_next:
            _sub(ppr, qn("w:keepNext"))
    return p
