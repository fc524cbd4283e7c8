#!/usr/bin/env python3
"""Generate resources/memo_template.docx, the Word template the memo exporter starts from.

    python tools/build_template.py [--out resources/memo_template.docx]

The template carries everything a user might want to restyle in Word: the "Memo Title"
and "Memo Meta" paragraph styles, the built-in headings, one character style per entity
label (`Entity-PERSON` ...) shaded in the app's legend colours, the comment styles Word
expects, A4 pages and a footer with a PAGE field. The exporter clears the body and keeps
the rest. The generated file is committed; re-run this after changing the palette.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from docx import Document  # noqa: E402
from docx.enum.style import WD_STYLE_TYPE  # noqa: E402
from docx.enum.text import WD_ALIGN_PARAGRAPH  # noqa: E402
from docx.oxml import OxmlElement  # noqa: E402
from docx.oxml.ns import qn  # noqa: E402
from docx.shared import Cm, Pt, RGBColor  # noqa: E402

from reviewer.core.export.wordml import label_underline  # noqa: E402
from reviewer.core.model import LABELS  # noqa: E402
from reviewer.core.palette import LABEL_COLORS  # noqa: E402

OUT = ROOT / "resources" / "memo_template.docx"


def _shade(rpr, fill: str) -> None:
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill.lstrip("#").upper())
    rpr.append(shd)


def _left_bar(ppr, color: str) -> None:
    """A coloured bar on the left of a paragraph style (w:pBdr/w:left)."""
    bdr = OxmlElement("w:pBdr")
    left = OxmlElement("w:left")
    for k, v in (("val", "single"), ("sz", "18"), ("space", "6"), ("color", color)):
        left.set(qn(f"w:{k}"), v)
    bdr.append(left)
    # The schema fixes the order inside w:pPr: the border goes before spacing and indents.
    ppr.insert_element_before(bdr, "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku",
                              "w:wordWrap", "w:overflowPunct", "w:topLinePunct",
                              "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
                              "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
                              "w:mirrorIndents", "w:suppressOverlap", "w:jc",
                              "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
                              "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
                              "w:pPrChange")


def _complex_script_like_latin(styles) -> None:
    """Arabic and Hebrew letters take Word's complex-script properties (w:bCs, w:iCs,
    w:szCs): give every style the same weight, slant and size for them as for Latin."""
    for st in styles:
        rpr = st.element.rPr
        if rpr is None:
            continue
        for latin, cs in (("w:b", "w:bCs"), ("w:i", "w:iCs"), ("w:sz", "w:szCs")):
            el, twin = rpr.find(qn(latin)), rpr.find(qn(cs))
            if el is None:
                continue
            if twin is None:
                twin = OxmlElement(cs)
                el.addnext(twin)
            for k, v in el.attrib.items():
                twin.set(k, v)


def _add_field(run, instr: str) -> None:
    """A complex field (PAGE, NUMPAGES): begin, instruction, separate, placeholder, end."""
    def fld(kind: str):
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        return el

    r = run._r
    r.append(fld("begin"))
    instr_el = OxmlElement("w:instrText")
    instr_el.set(qn("xml:space"), "preserve")
    instr_el.text = f" {instr} "
    r.append(instr_el)
    r.append(fld("separate"))
    t = OxmlElement("w:t")
    t.text = "1"
    r.append(t)
    r.append(fld("end"))


def build(out: Path = OUT) -> Path:
    doc = Document()
    styles = doc.styles

    normal = styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10.5)
    normal.paragraph_format.space_after = Pt(4)

    title = styles.add_style("Memo Title", WD_STYLE_TYPE.PARAGRAPH)
    title.base_style = normal
    title.next_paragraph_style = normal
    title.font.size = Pt(24)
    title.font.bold = True
    title.font.color.rgb = RGBColor(0x1F, 0x3A, 0x5F)
    title.paragraph_format.space_after = Pt(12)

    meta = styles.add_style("Memo Meta", WD_STYLE_TYPE.PARAGRAPH)
    meta.base_style = normal
    meta.font.size = Pt(10)
    meta.font.color.rgb = RGBColor(0x44, 0x44, 0x44)
    meta.paragraph_format.space_after = Pt(0)

    excerpt = styles.add_style("Memo Excerpt", WD_STYLE_TYPE.PARAGRAPH)
    excerpt.base_style = normal
    excerpt.paragraph_format.left_indent = Cm(0.5)
    excerpt.paragraph_format.space_after = Pt(6)

    small = styles.add_style("Memo Table Text", WD_STYLE_TYPE.PARAGRAPH)
    small.base_style = normal
    small.font.size = Pt(9)
    small.paragraph_format.space_after = Pt(0)

    lead = styles.add_style("Memo Lead", WD_STYLE_TYPE.PARAGRAPH)
    lead.base_style = normal
    lead.font.size = Pt(11)
    lead.paragraph_format.space_after = Pt(8)

    # A key fact is a bullet kept with the evidence quoted under it.
    fact = styles.add_style("Memo Fact", WD_STYLE_TYPE.PARAGRAPH)
    fact.base_style = styles["List Bullet"]
    fact.font.size = Pt(10.5)
    fact.paragraph_format.space_before = Pt(4)
    fact.paragraph_format.space_after = Pt(0)
    fact.paragraph_format.keep_with_next = True

    # The releases on the first page: "1. Headline — dateline", the number hanging.
    listing = styles.add_style("Memo List", WD_STYLE_TYPE.PARAGRAPH)
    listing.base_style = normal
    listing.paragraph_format.left_indent = Cm(0.63)
    listing.paragraph_format.first_line_indent = Cm(-0.63)
    listing.paragraph_format.space_after = Pt(3)
    listing.paragraph_format.tab_stops.add_tab_stop(Cm(0.63))

    evidence = styles.add_style("Memo Evidence", WD_STYLE_TYPE.PARAGRAPH)
    evidence.base_style = normal
    evidence.font.size = Pt(9)
    evidence.font.italic = True
    evidence.font.color.rgb = RGBColor(0x55, 0x55, 0x55)
    evidence.paragraph_format.left_indent = Cm(0.63)
    evidence.paragraph_format.space_after = Pt(2)

    # The reviewer's own words: indented under what they are about, with a bar beside.
    note = styles.add_style("Memo Note", WD_STYLE_TYPE.PARAGRAPH)
    note.base_style = normal
    note.font.size = Pt(9.5)
    note.paragraph_format.left_indent = Cm(0.63)
    note.paragraph_format.space_after = Pt(4)
    _left_bar(note.element.get_or_add_pPr(), "C9A227")

    for name in ("Heading 1", "Heading 2"):
        styles[name].font.color.rgb = RGBColor(0x1F, 0x3A, 0x5F)
    styles["Heading 1"].paragraph_format.space_before = Pt(18)
    styles["Heading 1"].font.size = Pt(14)
    styles["Heading 2"].paragraph_format.space_before = Pt(10)
    styles["Heading 2"].font.size = Pt(11.5)

    for label in LABELS:
        st = styles.add_style(f"Entity-{label}", WD_STYLE_TYPE.CHARACTER)
        st.hidden = False
        st.quick_style = False
        rpr = st.element.get_or_add_rPr()
        underline = label_underline(label)
        if underline:  # the app legend's second cue besides colour (rPr order: u, shd)
            u = OxmlElement("w:u")
            u.set(qn("w:val"), underline)
            rpr.append(u)
        _shade(rpr, LABEL_COLORS[label])
        st.element.set(qn("w:customStyle"), "1")

    # Word writes comments with these two styles; python-docx's comments part refers to them.
    ct = styles.add_style("annotation text", WD_STYLE_TYPE.PARAGRAPH)
    ct.style_id = "CommentText"
    ct.base_style = normal
    ct.font.size = Pt(10)
    cr = styles.add_style("annotation reference", WD_STYLE_TYPE.CHARACTER)
    cr.style_id = "CommentReference"
    cr.font.size = Pt(8)

    _complex_script_like_latin(styles)

    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.0))
    section.top_margin = section.bottom_margin = Cm(2.0)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("Page ")
    _add_field(footer.add_run(), "PAGE")
    footer.add_run(" of ")
    _add_field(footer.add_run(), "NUMPAGES")

    # The body stays empty apart from the section properties the exporter keeps.
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)

    doc.core_properties.title = "Review memo"
    doc.core_properties.author = "Reviewer"
    doc.core_properties.comments = ""
    out.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(out))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    print(f"wrote {build(args.out)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
