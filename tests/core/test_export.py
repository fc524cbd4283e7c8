"""Word memo export (reviewer.core.export): what the memo says, read back from the .docx
with python-docx; safety of the written file; the command line."""
from __future__ import annotations

import os
import re
import shutil
import stat
import zipfile
from collections.abc import Iterator
from pathlib import Path

import docx
import pytest
from lxml import etree

from reviewer.cli import main as cli_main
from reviewer.core.export import ExportError, export_memo, generated_summary, memo_path
from reviewer.core.export.releases import headline
from reviewer.core.export.wordml import label_underline
from reviewer.core.model import LABELS
from reviewer.core.palette import LABEL_COLORS, LABEL_NAMES
from reviewer.core.resources import resource_path, sample_docs_dir
from reviewer.core.review.view import document_view
from reviewer.core.review.workspace import Workspace

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
HASH_NAME = re.compile(r"\d{3}_[0-9a-f]{16}")


# -- fixtures and helpers -----------------------------------------------------------------

@pytest.fixture
def lib(tmp_path: Path) -> Iterator[tuple[Workspace, list[int], Path]]:
    docs = tmp_path / "docs"
    shutil.copytree(sample_docs_dir(), docs)
    ws = Workspace(tmp_path / "data")
    ws.library.add_paths([docs])
    ws.library.scan()
    ids = [ws.doc_id_for_path(p) for p in sorted(docs.glob("*.txt"))]
    assert all(i is not None for i in ids) and len(ids) == 5
    try:
        yield ws, ids, tmp_path
    finally:
        ws.close()


class Memo:
    """A written memo reopened: python-docx object plus the raw XML parts."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.doc = docx.Document(str(path))
        with zipfile.ZipFile(path) as z:
            self.xml = etree.fromstring(z.read("word/document.xml"))
            names = z.namelist()
            self.comments_xml = (etree.fromstring(z.read("word/comments.xml"))
                                 if "word/comments.xml" in names else None)
        self.body = self.xml.find(f"{W}body")

    def blocks(self) -> list[tuple[str, str, str]]:
        """(kind 'p'/'tbl', style id, text) for every body element in order."""
        out = []
        for el in self.body:
            if el.tag == f"{W}p":
                ps = el.find(f"{W}pPr/{W}pStyle")
                out.append(("p", ps.get(f"{W}val") if ps is not None else "",
                            _text(el)))
            elif el.tag == f"{W}tbl":
                out.append(("tbl", "", ""))
        return out

    def styled(self, style: str) -> list[str]:
        return [t for k, s, t in self.blocks() if k == "p" and s == style]

    def headings(self, level: int) -> list[str]:
        return self.styled(f"Heading{level}")

    def section(self, heading: str, start: int = 0) -> list[tuple[str, str, str]]:
        """The blocks after the heading with this text, up to the next heading of the same
        or a higher level."""
        blocks = self.blocks()
        i = next(i for i, (k, _s, t) in enumerate(blocks) if i >= start and t == heading)
        level = blocks[i][1]
        out = []
        for b in blocks[i + 1:]:
            if b[1].startswith("Heading") and b[1] <= level:
                break
            out.append(b)
        return out

    def all_text(self) -> str:
        return "\n".join(t for _k, _s, t in self.blocks()) + "\n" + "\n".join(
            c.text for t in self.doc.tables for r in t.rows for c in r.cells)

    def comments(self) -> dict[int, tuple[str, str]]:
        """comment id -> (author, text)."""
        if self.comments_xml is None:
            return {}
        out = {}
        for c in self.comments_xml.findall(f"{W}comment"):
            text = "\n".join(_text(p) for p in c.findall(f"{W}p"))
            out[int(c.get(f"{W}id"))] = (c.get(f"{W}author"), text)
        return out

    def anchored_text(self) -> dict[int, str]:
        """comment id -> the document text between its commentRangeStart and End."""
        open_ids: set[int] = set()
        texts: dict[int, list[str]] = {}
        for el in self.body.iter():
            if el.tag == f"{W}commentRangeStart":
                cid = int(el.get(f"{W}id"))
                open_ids.add(cid)
                texts[cid] = []
            elif el.tag == f"{W}commentRangeEnd":
                open_ids.discard(int(el.get(f"{W}id")))
            elif el.tag == f"{W}t":
                for cid in open_ids:
                    texts[cid].append(el.text or "")
        return {cid: "".join(parts) for cid, parts in texts.items()}

    def bold_in(self, text_start: str, nth: int = 0) -> list[str]:
        """Bold runs of the nth paragraph whose text starts with `text_start`."""
        found = [p for p in self.body.iter(f"{W}p") if _text(p).startswith(text_start)]
        if len(found) <= nth:
            raise AssertionError(f"no paragraph {nth} starts with {text_start!r}")
        return [_text(r) for r in found[nth].findall(f"{W}r")
                if r.find(f"{W}rPr/{W}b") is not None]


def _text(el: etree._Element) -> str:
    """The text as a reader sees it: tabs and line breaks included."""
    out = []
    for x in el.iter(f"{W}t", f"{W}tab", f"{W}br"):
        out.append(x.text or "" if x.tag == f"{W}t" else "\t" if x.tag == f"{W}tab" else "\n")
    return "".join(out)


def export(ws: Workspace, ids: list[int], out: Path, **kw) -> Memo:
    path = export_memo(ws, ids, out, **kw)
    assert path == out and out.exists()
    return Memo(out)


def fact(view, kind: str, **fields):
    return next(f for f in view.facts if f.kind == kind
                and all(f.fields.get(k) == v for k, v in fields.items()))


# -- the first page -------------------------------------------------------------------------

def test_first_page_says_what_the_set_is_about(lib) -> None:
    ws, ids, tmp = lib
    views = [document_view(ws, i) for i in ids]
    memo = export(ws, ids, tmp / "all.docx", title="Week 21", author="Ann Lee")
    blocks = memo.blocks()
    assert blocks[0][1:] == ("MemoTitle", "Week 21")
    meta = memo.styled("MemoMeta")
    assert meta[0].startswith("Prepared by Ann Lee · ")
    assert meta[1] == "0 of 5 releases reviewed; 0 of 29 key facts verified"
    overview = [t for _k, _s, t in memo.section("Overview")]
    assert overview == [overview[0]]  # no reviewer text: the generated paragraph alone
    assert overview[0].startswith(
        "Five releases, dated 26 August 2020 to 27 May 2021 (two undated). ")
    assert "Association of Southeast Asian Nations (ASEAN; all five)" in overview[0]
    assert "Takeo Mori (Senior Deputy Foreign Minister of Japan; two releases)" in overview[0]
    assert "36th ASEAN-Japan Forum (27 May 2021)" in overview[0]
    # One line per release: its headline and dateline, never a hash file name.
    listing = [t for _k, s, t in memo.section("Releases") if s == "MemoList"]
    assert listing == [f"{n}.\t{headline(v)} — {d}" for n, v, d in zip(
        range(1, 6), views, ["Jakarta, 27 May 2021", "15 October 2020", "no dateline",
                             "no dateline", "Jakarta, 26 August 2020"], strict=True)]
    assert not any(HASH_NAME.search(t) for t in listing)
    # Nothing verified yet, and nothing disagrees: both are said, not left out.
    assert [t for _k, _s, t in memo.section("Key verified facts")] == [
        "No fact has been verified yet: the 29 key facts below are as extracted from the "
        "releases."]
    assert memo.headings(2)[:4] == ["Overview", "Releases", "Key verified facts",
                                    "Possible conflicts"]
    # The first release starts a new page after the first page.
    first = next(el for el in memo.body if el.tag == f"{W}p"
                 and _text(el).startswith("1. "))
    assert first.find(f"{W}pPr/{W}pageBreakBefore") is not None


def test_reviewer_overview_leads_the_first_page(lib) -> None:
    ws, ids, tmp = lib
    memo = export(ws, ids[:2], tmp / "two.docx",
                  overview="Two forums, one message.\n\nCheck the 2020 figures.")
    section = memo.section("Overview")
    assert [(s, t) for _k, s, t in section[:2]] == [("MemoLead", "Two forums, one message."),
                                                    ("MemoLead", "Check the 2020 figures.")]
    assert section[2][2].startswith("Two releases, dated 15 October 2020 to 27 May 2021.")


def test_verified_disputed_and_corrected_facts(lib) -> None:
    ws, ids, tmp = lib
    v0, v2 = document_view(ws, ids[0]), document_view(ws, ids[2])
    mori = fact(v0, "role", person="Takeo Mori")
    ws.store.set_fact_status(ids[0], mori.key(), "verified")
    share = fact(v0, "figure", text="97%")
    ws.store.set_fact_status(ids[0], share.key(), "disputed",
                             note="The 2020 release says 95%.")
    pham = fact(v2, "role", person="Pham Minh Chinh")
    assert pham.summary() == "Pham Minh Chinh — Prime Minister — Japanese"  # extractor's
    ws.store.set_fact_status(ids[2], pham.key(), "verified",
                             value="Pham Minh Chinh — Prime Minister — Viet Nam",
                             note="Viet Nam's Prime Minister, not Japan's.")
    memo = export(ws, ids, tmp / "all.docx", author="Ann Lee")
    front = [t for _k, _s, t in memo.section("Key verified facts")]
    assert front == [
        "Takeo Mori — Senior Deputy Foreign Minister of Japan  (release 1)",
        "Pham Minh Chinh — Prime Minister of Viet Nam  (release 3)  corrected; extracted as "
        "“Pham Minh Chinh — Prime Minister — Japanese”",
        "Viet Nam's Prime Minister, not Japan's."]
    assert [t for _k, _s, t in memo.section("Disputed facts")] == [
        "Approximately 97% of the action lines set out in the Plan have been addressed.  "
        "(release 1)", "The 2020 release says 95%."]
    assert memo.styled("MemoMeta")[1] == ("0 of 5 releases reviewed; 2 of 29 key facts "
                                          "verified, 1 disputed; two reviewer notes")
    # In the release's own section: the verdict beside the fact, the reviewer's reason
    # under it, and the same reason as a Word comment on the fact.
    body = [t for _k, _s, t in memo.section("Key facts", start=10)]
    assert "Approximately 97% of the action lines set out in the Plan have been addressed." \
        "  ✗ disputed" in body
    i = body.index("Takeo Mori — Senior Deputy Foreign Minister of Japan  ✓ verified")
    assert body[i - 1].startswith("“The meeting was co-chaired by Nguyen Quoc Dzung")
    assert i == len(body) - 1  # his sentence is quoted once, for the fact before his
    assert "Reviewer: The 2020 release says 95%." in body
    assert memo.bold_in("Approximately 97%") == ["97%"]  # first page
    assert memo.bold_in("Approximately 97%", 1) == ["97%", "  ✗ disputed"]  # release 1
    by_text = {t: (cid, a) for cid, (a, t) in memo.comments().items()}
    cid, author = by_text["The 2020 release says 95%."]
    assert author == "Ann Lee"
    assert memo.anchored_text()[cid] == ("Approximately 97% of the action lines set out in "
                                         "the Plan have been addressed.")
    release3 = memo.all_text().split("3. At the conference")[-1]
    assert ("Pham Minh Chinh — Prime Minister of Viet Nam  ✓ verified  corrected by the "
            "reviewer; extracted as “Pham Minh Chinh — Prime Minister — Japanese”") in release3
    assert not any(t.startswith("Pham Minh Chinh") and "Japan" in t.split("extracted")[0]
                   for t in memo.styled("MemoFact"))


# -- a release --------------------------------------------------------------------------------

def test_release_headline_dateline_summary_and_key_facts(lib) -> None:
    ws, ids, tmp = lib
    views = [document_view(ws, i) for i in ids]
    memo = export(ws, ids, tmp / "all.docx")
    h1 = memo.headings(1)
    assert h1 == [f"{n}. {headline(v)}" for n, v in enumerate(views, 1)]
    # A release that starts with its dateline is headed by its first sentence, as the
    # library titles it.
    assert h1[0] == ("1. The 36th ASEAN-Japan Forum held virtually today reaffirmed the "
                     "commitments of both sides to further…") == f"1. {views[0].document.title}"
    assert h1[3] == "4. ASEAN, Japan are close, important partners of each other: official"
    assert not any(HASH_NAME.search(h) for h in h1)
    section = memo.section(h1[0])
    assert section[0][1:] == ("MemoMeta", "Jakarta, 27 May 2021 · not reviewed yet · "
                              "000_f7c1be859b819757.txt")
    assert section[1][1:] == ("", generated_summary(views[0].document, views[0].entities))
    facts = [(s, t) for _k, s, t in section if s in ("MemoFact", "MemoEvidence")]
    assert facts == [
        ("MemoFact", "36th ASEAN-Japan Forum, 27 May 2021  unverified"),
        ("MemoEvidence", "“JAKARTA, 27 May 2021 – The 36th ASEAN-Japan Forum held virtually "
                         "today reaffirmed the commitments of both sides to further "
                         "strengthen cooperation and advance partnership.”"),
        ("MemoFact", "Approximately 97% of the action lines set out in the Plan have been "
                     "addressed.  unverified"),
        ("MemoFact", "Nguyen Quoc Dzung — Deputy Foreign Minister of Viet Nam  unverified"),
        ("MemoEvidence", "“The meeting was co-chaired by Nguyen Quoc Dzung, Deputy Foreign "
                         "Minister, ASEAN SOM Leader of Viet Nam, and Takeo Mori, Senior "
                         "Deputy Foreign Minister, SOM Leader of Japan, and attended by Senior "
                         "Officials or their representatives of ASEAN Member States, as…”"),
        ("MemoFact", "Takeo Mori — Senior Deputy Foreign Minister of Japan  unverified")]
    assert memo.bold_in("36th ASEAN-Japan Forum, 27")[0] == "36th ASEAN-Japan Forum"
    # No release heading is followed by an entity table, a status column or "learned".
    text = memo.all_text()
    for internal in ("learned", "extracted", "Mentions", "Status"):
        assert internal not in text.replace("extracted as", "").replace(
            "as extracted", "").replace("are as extracted", ""), internal
    assert not memo.doc.tables


def test_pham_minh_chinh_is_not_the_japanese_prime_minister(lib) -> None:
    ws, ids, tmp = lib
    memo = export(ws, ids, tmp / "all.docx")
    facts = memo.styled("MemoFact")
    assert "Pham Minh Chinh — Prime Minister  unverified" in facts
    assert "Kishida Fumio — Prime Minister of Japan  unverified" in facts
    assert "Shinzo Abe — Prime Minister of Japan  unverified" in facts
    # Three prime ministers in three releases, years apart or of unnamed countries.
    assert [t for _k, _s, t in memo.section("Possible conflicts")] == [
        "No post is given to different people at the same time, and no figure or meeting "
        "date differs between releases."]


def test_entity_tables_only_when_asked_and_only_people_and_organisations(lib) -> None:
    ws, ids, tmp = lib
    view = document_view(ws, ids[3])
    memo = export(ws, ids, tmp / "all.docx", entities=True)
    shared = memo.doc.tables[0]
    assert [c.text for c in shared.rows[0].cells] == ["Name", "Type", "Releases",
                                                      "Also written as"]
    rows = {r.cells[0].text: [c.text for c in r.cells[1:]] for r in shared.rows[1:]}
    assert rows["Association of Southeast Asian Nations"] == ["Organisation", "1, 2, 3, 4, 5",
                                                             "ASEAN"]
    # "Dung" alone is Nguyen Quoc Dung, the only person of that name
    assert rows["Nguyen Quoc Dung"] == ["Person", "2, 4", "Dung"]
    assert {t for t, *_ in rows.values()} == {"Person", "Organisation"}
    per_release = memo.doc.tables[1:]
    assert len(per_release) == 5
    for table in per_release:
        assert [c.text for c in table.rows[0].cells] == ["Name", "Type", "Mentions",
                                                         "Also written as"]
        assert {r.cells[1].text for r in table.rows[1:]} <= {"Person", "Organisation"}
    fourth = {r.cells[0].text: int(r.cells[2].text) for r in per_release[3].rows[1:]}
    assert fourth["Nguyen Quoc Dung"] == sum(
        1 for e in view.entities if e.label == "PERSON" and e.text == "Nguyen Quoc Dung")
    # a table's header row repeats on each page and is kept with the row after it
    for tbl in memo.body.findall(f"{W}tbl"):
        head, *rest = tbl.findall(f"{W}tr")
        assert head.find(f"{W}trPr/{W}tblHeader") is not None
        assert all(p.find(f"{W}pPr/{W}keepNext") is not None for p in head.iter(f"{W}p"))
        assert all(r.find(f"{W}trPr/{W}tblHeader") is None for r in rest)


def test_entity_shading_matches_palette(lib) -> None:
    ws, ids, tmp = lib
    view = document_view(ws, ids[0])
    memo = export(ws, [ids[0]], tmp / "one.docx", full_text=True)
    seen = set()
    by_text = {(e.label, e.text) for e in view.entities}
    for r in memo.body.iter(f"{W}r"):
        rs = r.find(f"{W}rPr/{W}rStyle")
        if rs is None or not rs.get(f"{W}val").startswith("Entity-"):
            continue
        label = rs.get(f"{W}val").split("-", 1)[1]
        fill = r.find(f"{W}rPr/{W}shd").get(f"{W}fill")
        assert "#" + fill == LABEL_COLORS[label].upper()
        u = r.find(f"{W}rPr/{W}u")
        assert (u.get(f"{W}val") if u is not None else None) == label_underline(label)
        seen.add(label)
        text = _text(r)
        ps = r.getparent().find(f"{W}pPr/{W}pStyle")
        if ps is not None and ps.get(f"{W}val") == "MemoMeta":
            assert text == LABEL_NAMES[label]  # the highlight key above the full text
            continue
        assert (label, text) in by_text or any(
            e.label == label and (e.canonical or e.text) == text for e in view.entities)
    assert seen >= {"PLACE", "ORG", "DATE"}
    for label in LABELS:  # the character styles in the template carry the same colours
        shd = memo.doc.styles[f"Entity-{label}"].element.find(f"{W}rPr/{W}shd")
        assert "#" + shd.get(f"{W}fill") == LABEL_COLORS[label].upper()


def test_reviewer_summary_replaces_the_generated_one(lib) -> None:
    ws, ids, tmp = lib
    ws.store.set_summary(ids[0], "Reviewer's own <summary> & view.")
    memo = export(ws, [ids[0]], tmp / "one.docx")
    section = memo.section(memo.headings(1)[0])
    assert section[1][2] == "Reviewer's own <summary> & view."


# -- notes ------------------------------------------------------------------------------------

def test_notes_are_in_the_body_and_word_comments(lib) -> None:
    ws, ids, tmp = lib
    doc_id = ids[0]
    view = document_view(ws, doc_id)
    text = view.document.text

    def span(needle: str) -> tuple[int, int]:
        k = text.index(needle)
        return k, k + len(needle)

    s1, e1 = span("Japan Forum held virtually")
    ws.store.add_note(doc_id, "Was it really virtual?", target="span", start=s1, end=e1,
                      quote=text[s1:e1], author="Ann Lee")
    s2, e2 = span("97%")
    ws.store.add_note(doc_id, "Source for <b>97%</b> & \x01figure?", target="entity",
                      target_key="97%", start=s2, end=e2, quote="97%", author="")
    role = fact(view, "role", person="Takeo Mori")
    ws.store.add_note(doc_id, "Title checked on the website", target="fact",
                      target_key=role.key(), author="Bo")
    ws.store.add_note(doc_id, "Spelling varies", target="entity", target_key="Thailand",
                      author="Bo")
    ws.store.add_note(doc_id, "Overall fine", author="Cy")
    ws.store.add_note(doc_id, "Lost one", target="span", start=5, end=20,
                      quote="text that is gone", author="Dee")
    memo = export(ws, [doc_id], tmp / "notes.docx", author="Memo Author")
    # In the body, where a printed or PDF copy keeps them ...
    notes = memo.styled("MemoNote")
    assert notes == [
        "Title checked on the website — Bo",  # under its fact, in Key facts
        "On the whole release: Overall fine — Cy",
        "On Thailand: Spelling varies — Bo",
        "“Japan Forum held virtually”: Was it really virtual? — Ann Lee",
        "“97%”: Source for <b>97%</b> & figure? — Memo Author",
        "“text that is gone” (this text is no longer in the release): Lost one — Dee"]
    assert memo.headings(2).count("Reviewer’s notes") == 1
    # ... and as Word comments on the words they are about.
    comments = memo.comments()
    anchored = memo.anchored_text()
    by_text = {t: (cid, author) for cid, (author, t) in comments.items()}
    assert len(comments) == 6
    expect = {"Was it really virtual?": ("Ann Lee", "“Japan Forum held virtually”"),
              "Source for <b>97%</b> & figure?": ("Memo Author", "“97%”"),
              "Title checked on the website": (
                  "Bo", "Takeo Mori — Senior Deputy Foreign Minister of Japan"),
              "Spelling varies": ("Bo", "Thailand"),
              "Overall fine": ("Cy", "On the whole release: "),
              "Lost one": ("Dee", "“text that is gone”")}
    for note, (author, anchor) in expect.items():
        cid, who = by_text[note]
        assert (who, anchored[cid]) == (author, anchor), note
    for cid in comments:  # one range start, range end and reference each
        for tag in ("commentRangeStart", "commentRangeEnd", "commentReference"):
            found = [e for e in memo.body.iter(f"{W}{tag}") if e.get(f"{W}id") == str(cid)]
            assert len(found) == 1, (tag, cid)


# -- hostile text -------------------------------------------------------------------------------

def test_text_is_never_markup_and_control_chars_are_dropped(lib) -> None:
    ws, ids, tmp = lib
    evil = tmp / "docs" / "evil.txt"
    evil.write_text("Acme <b>bold</b> & </w:t><w:t>injected\x07\x1b text\n"
                    "Second line with \x0b vertical tab and ]]> end.\n", encoding="utf-8")
    ws.library.scan()
    evil_id = ws.doc_id_for_path(evil)
    memo = export(ws, [evil_id], tmp / "evil.docx", title="<Title> & \x00co",
                  full_text=True)
    texts = [t for _k, _s, t in memo.blocks()]
    assert texts[0] == "<Title> & co"
    body = "\n".join(texts)
    assert "<b>bold</b> & </w:t><w:t>injected" in body
    assert "\x07" not in body and "\x1b" not in body


def test_right_to_left_overrides_are_shown_never_applied(lib) -> None:
    ws, ids, tmp = lib
    rlo = "\u202e"
    name = f"invoice{rlo}gpj.exe.txt"  # shows as "invoiceexe.jpg" where RLO is applied
    release = tmp / "docs" / name
    release.write_text(f"Acme pays for invoice{rlo}gpj.exe today\n\nAcme Corp said the "
                       f"payment of $5 million to Beta{rlo}\u2066Ltd was made in Paris on "
                       "Monday as agreed.\n", encoding="utf-8")
    ws.library.scan()
    doc_id = ws.doc_id_for_path(release)
    text = document_view(ws, doc_id).document.text
    k = text.index("Beta")
    ws.store.add_note(doc_id, f"Odd name: Beta{rlo}Ltd", target="span", start=k,
                      end=k + 6, quote=text[k:k + 6], author=f"Eve{rlo}")
    memo = export(ws, [doc_id], tmp / "rlo.docx", title=f"Memo {rlo}fdp", full_text=True)
    with zipfile.ZipFile(memo.path) as z:
        for part in z.namelist():
            if part.endswith(".xml"):
                assert rlo.encode() not in z.read(part), part
                assert "\u2066".encode() not in z.read(part), part
    everything = memo.all_text()
    assert "invoice⟨U+202E⟩gpj.exe" in everything
    assert "invoice⟨U+202E⟩gpj.exe.txt" in "\n".join(memo.styled("MemoMeta"))
    assert "Beta⟨U+202E⟩⟨U+2066⟩Ltd" in everything
    assert memo.blocks()[0][2] == "Memo ⟨U+202E⟩fdp"
    assert memo.doc.core_properties.title == "Memo ⟨U+202E⟩fdp"
    assert ("Eve⟨U+202E⟩", "Odd name: Beta⟨U+202E⟩Ltd") in memo.comments().values()


ARABIC_RELEASE = (
    "وزير الخارجية يلتقي نظيره الياباني في القاهرة\n\n"
    "التقى وزير الخارجية سامح شكري اليوم بنظيره الياباني في القاهرة لبحث التعاون "
    "الاقتصادي بين البلدين. وقال الوزير إن حجم التبادل التجاري بلغ 2.5 مليار دولار في عام "
    "2020.\n\nوأكد الجانبان أهمية الشراكة في مجالات الطاقة والتعليم والصحة.\n")


def _paragraphs_with(memo: Memo, words: str) -> list[etree._Element]:
    return [p for p in memo.body.iter(f"{W}p") if words in _text(p)]


def test_arabic_and_hebrew_read_from_the_right(lib) -> None:
    """A release in Arabic: its headline, summary and the notes on it are right-to-left
    paragraphs (w:bidi, laid out from the right margin), their runs marked w:rtl with
    the complex-script weight; the memo's English paragraphs stay left-to-right, and the
    marks that ordinary Hebrew text carries (RLM) are kept, not shown as codes."""
    ws, ids, tmp = lib
    ar = tmp / "docs" / "cairo.txt"
    ar.write_text(ARABIC_RELEASE, encoding="utf-8")
    he = tmp / "docs" / "greeting.txt"
    he.write_text("Greeting notice\n\nThe manager, Dana Levi, said שלום עליכם\u200f to "
                  "everyone at the meeting in Tel Aviv on Monday morning.\n", encoding="utf-8")
    ws.library.scan()
    doc_id, he_id = ws.doc_id_for_path(ar), ws.doc_id_for_path(he)
    text = document_view(ws, doc_id).document.text
    s = text.index("سامح شكري")
    e = s + len("سامح شكري")
    ws.store.add_note(doc_id, "الاسم صحيح", target="span", start=s, end=e,
                      quote=text[s:e], author="Jane")
    memo = export(ws, [doc_id, he_id], tmp / "rtl.docx")

    def rtl(p: etree._Element) -> bool:
        return p.find(f"{W}pPr/{W}bidi") is not None

    heading = _paragraphs_with(memo, "وزير الخارجية يلتقي نظيره")
    assert heading and all(rtl(p) for p in heading)  # first page line and the heading
    summary = _paragraphs_with(memo, "التقى وزير الخارجية سامح شكري")
    assert summary and all(rtl(p) for p in summary)
    note = _paragraphs_with(memo, "الاسم صحيح")
    assert len(note) == 1 and rtl(note[0])
    for p in heading + summary:
        runs = [r for r in p.iter(f"{W}r") if "وزير" in _text(r)]
        assert runs and all(r.find(f"{W}rPr/{W}rtl") is not None for r in runs)
    bold = [r for p in heading for r in p.iter(f"{W}r")
            if r.find(f"{W}rPr/{W}b") is not None and "وزير" in _text(r)]
    assert bold and all(r.find(f"{W}rPr/{W}bCs") is not None for r in bold)
    # The comment holding the note reads from the right as well.
    assert any(p.find(f"{W}pPr/{W}bidi") is not None
               for p in memo.comments_xml.iter(f"{W}p") if "الاسم" in _text(p))
    # English stays left to right, Hebrew inside it included; its RLM is kept as it is.
    english = _paragraphs_with(memo, "Dana Levi, said")
    assert english and not any(rtl(p) for p in english)
    assert "שלום עליכם\u200f to everyone" in memo.all_text()
    assert "U+200F" not in memo.all_text()
    assert not rtl(_paragraphs_with(memo, "Prepared by")[0])
    # The template gives Arabic letters the headings' weight and size too.
    styles = memo.doc.styles.element
    h1 = next(st for st in styles.iter(f"{W}style") if st.get(f"{W}styleId") == "Heading1")
    assert h1.find(f"{W}rPr/{W}bCs") is not None
    assert h1.find(f"{W}rPr/{W}szCs").get(f"{W}val") == h1.find(f"{W}rPr/{W}sz").get(f"{W}val")


def test_a_sentence_taken_for_a_name_is_not_listed_as_a_person(lib) -> None:
    ws, ids, tmp = lib
    ar = tmp / "docs" / "cairo.txt"
    ar.write_text(ARABIC_RELEASE, encoding="utf-8")
    ws.library.scan()
    doc_id = ws.doc_id_for_path(ar)
    view = document_view(ws, doc_id)
    long_persons = [e for e in view.entities
                    if e.label == "PERSON" and len(e.text.split()) > 6]
    if not long_persons:
        pytest.skip("the extractor no longer takes these sentences for names")
    memo = export(ws, [doc_id, ids[0]], tmp / "names.docx", entities=True)
    people = [r.cells[0].text for t in memo.doc.tables for r in t.rows[1:]
              if r.cells[1].text == "Person"]
    assert people and not any(len(n.split()) > 6 for n in people), people
    overview = memo.section("Overview")
    assert not any(e.text[:30] in t for e in long_persons for _k, _s, t in overview)


# -- options, progress, errors ----------------------------------------------------------

def test_progress_and_default_author(lib, monkeypatch) -> None:
    ws, ids, tmp = lib
    monkeypatch.setattr("getpass.getuser", lambda: "osuser")
    monkeypatch.setattr("pwd.getpwuid", lambda uid: type("P", (), {"pw_gecos": ""})())
    calls = []
    memo = export(ws, ids[:2], tmp / "p.docx", progress=lambda d, t, w: calls.append((d, t)))
    assert calls[0] == (1, 3) and calls[-1] == (3, 3)
    assert memo.styled("MemoMeta")[0].startswith("Prepared by osuser · ")
    assert memo.doc.core_properties.title == "Review memo"
    # the account's full name when the system knows it
    monkeypatch.setattr("pwd.getpwuid",
                        lambda uid: type("P", (), {"pw_gecos": "Ann Lee,Room 4,,"})())
    memo = export(ws, ids[:1], tmp / "q.docx")
    assert memo.styled("MemoMeta")[0].startswith("Prepared by Ann Lee · ")


def test_export_errors(lib) -> None:
    ws, ids, tmp = lib
    with pytest.raises(ExportError, match="no releases"):
        export_memo(ws, [], tmp / "x.docx")
    with pytest.raises(ExportError, match="not in the library"):
        export_memo(ws, [99999], tmp / "x.docx")
    path = ws.store.document(ids[0]).path
    os.remove(path)
    with pytest.raises(ExportError, match="cannot read"):
        export_memo(ws, [ids[0]], tmp / "x.docx")
    with pytest.raises(ExportError, match="folder does not exist"):
        export_memo(ws, [ids[1]], tmp / "nowhere" / "x.docx")
    with pytest.raises(ExportError, match="is a folder"):
        export_memo(ws, [ids[1]], tmp / "docs")
    assert not (tmp / "x.docx").exists()


def test_memo_path_is_the_file_really_written(tmp_path: Path) -> None:
    assert memo_path(tmp_path / "report") == tmp_path / "report.docx"
    assert memo_path(tmp_path / "report.DOCX") == tmp_path / "report.DOCX"
    assert memo_path(tmp_path / "week.12") == tmp_path / "week.12.docx"
    (tmp_path / "folder.docx").mkdir()
    with pytest.raises(ExportError, match="is a folder"):
        memo_path(tmp_path / "folder")
    for device in ("/dev/full", "/dev/null"):
        if Path(device).exists():
            with pytest.raises(ExportError, match="not a regular file"):
                memo_path(device)
    fifo = tmp_path / "pipe"
    if hasattr(os, "mkfifo"):
        os.mkfifo(fifo)
        with pytest.raises(ExportError, match="not a regular file"):
            memo_path(fifo)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full on this system")
def test_export_to_dev_full_writes_nothing(lib) -> None:
    ws, ids, _tmp = lib
    with pytest.raises(ExportError, match=r"cannot write /dev/full: it is not a regular"):
        export_memo(ws, [ids[0]], "/dev/full")
    assert not Path("/dev/full.docx").exists()


# -- safety --------------------------------------------------------------------------------

def test_failure_mid_write_keeps_the_existing_memo(lib, monkeypatch) -> None:
    ws, ids, tmp = lib
    out = tmp / "out" / "memo.docx"
    out.parent.mkdir()
    out.write_bytes(b"previous memo")

    def full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(ExportError, match="disk is full"):
        export_memo(ws, [ids[0]], out)
    assert out.read_bytes() == b"previous memo"
    assert sorted(p.name for p in out.parent.iterdir()) == ["memo.docx"]  # no temp left
    monkeypatch.undo()

    def crash(self, stream):
        stream.write(b"partial")
        raise RuntimeError("bug while saving")

    monkeypatch.setattr(docx.document.Document, "save", crash)
    with pytest.raises(RuntimeError):
        export_memo(ws, [ids[0]], out)
    assert out.read_bytes() == b"previous memo"
    assert sorted(p.name for p in out.parent.iterdir()) == ["memo.docx"]


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0,
                    reason="root ignores directory permissions")
def test_unwritable_folder_raises_export_error(lib) -> None:
    ws, ids, tmp = lib
    locked = tmp / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        with pytest.raises(ExportError, match="permission denied"):
            export_memo(ws, [ids[0]], locked / "memo.docx")
    finally:
        locked.chmod(0o700)


def test_memo_gets_default_permissions(lib) -> None:
    ws, ids, tmp = lib
    old = os.umask(0o027)
    try:
        out = export_memo(ws, [ids[0]], tmp / "perm.docx")
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == 0o640  # not a temporary file's 0600
    out.chmod(0o644)
    export_memo(ws, [ids[0]], out)  # replacing keeps the file's own mode
    assert stat.S_IMODE(out.stat().st_mode) == 0o644


# -- template -----------------------------------------------------------------------------

def test_template_has_styles_and_page_footer() -> None:
    from docx.oxml.ns import qn

    path = resource_path("memo_template.docx")
    d = docx.Document(str(path))
    names = {s.name for s in d.styles}
    assert {"Memo Title", "Memo Meta", "Memo Lead", "Memo List", "Memo Fact",
            "Memo Evidence", "Memo Note", "Heading 1", "Heading 2"} <= names
    assert {f"Entity-{lb}" for lb in LABELS} <= names
    footer = d.sections[0].footer._element
    instr = " ".join(e.text for e in footer.iter(qn("w:instrText")))
    assert "PAGE" in instr
    assert not d.paragraphs  # the body is empty


# -- CLI ----------------------------------------------------------------------------------

def test_cli_export(lib, capsys) -> None:
    ws, ids, tmp = lib
    paths = [ws.store.document(i).path for i in ids[:2]]
    ws.close()  # the CLI opens the data folder itself
    out = tmp / "cli.docx"
    rc = cli_main(["export", *paths, "--out", str(out), "--data-dir", str(tmp / "data"),
                   "--title", "CLI memo", "--author", "Cli", "--full-text", "--entities",
                   "--overview", "What matters this week."])
    captured = capsys.readouterr()
    assert rc == 0, captured.err
    assert f"wrote {out}" in captured.out
    memo = Memo(out)
    assert memo.blocks()[0][2] == "CLI memo"
    assert memo.styled("MemoLead")[0] == "What matters this week."
    assert "Appendix: full text" in memo.headings(1)
    assert "People and organisations" in memo.headings(2)

    rc = cli_main(["export", *paths, "--out", str(tmp / "missing" / "m.docx"),
                   "--data-dir", str(tmp / "data")])
    err = capsys.readouterr().err
    assert rc != 0
    assert "cannot write" in err and "m.docx" in err and "does not exist" in err

    rc = cli_main(["export", str(tmp / "not-indexed.txt"), "--out", str(out),
                   "--data-dir", str(tmp / "data")])
    assert rc != 0 and "not in the library" in capsys.readouterr().err


def test_cli_never_replaces_a_memo_it_was_not_named(lib, capsys) -> None:
    ws, ids, tmp = lib
    paths = [ws.store.document(ids[0]).path]
    ws.close()
    data = ["--data-dir", str(tmp / "data")]
    report = tmp / "report.docx"
    report.write_bytes(b"last week's memo")
    rc = cli_main(["export", *paths, "--out", str(tmp / "report"), *data])
    err = capsys.readouterr().err
    assert rc == 2
    assert f"{report} already exists" in err and f"--out {report}" in err
    assert report.read_bytes() == b"last week's memo"
    assert not (tmp / "report").exists()
    # named in full, it is replaced
    assert cli_main(["export", *paths, "--out", str(report), *data]) == 0
    assert report.read_bytes().startswith(b"PK")
    if Path("/dev/full").exists():
        rc = cli_main(["export", *paths, "--out", "/dev/full", *data])
        assert rc == 2 and "not a regular file" in capsys.readouterr().err
        assert not Path("/dev/full.docx").exists()
