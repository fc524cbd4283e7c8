"""Word memo export (reviewer.core.export): content, comments, colours, safety, CLI."""
from __future__ import annotations

import os
import shutil
import stat
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from lxml import etree

from reviewer.cli import main as cli_main
from reviewer.core.export import ExportError, export_memo, generated_summary
from reviewer.core.export.releases import Release, find_conflicts
from reviewer.core.export.wordml import label_underline
from reviewer.core.model import LABELS, Document, Entity, Fact
from reviewer.core.palette import LABEL_COLORS, LABEL_NAMES
from reviewer.core.resources import resource_path, sample_docs_dir
from reviewer.core.review.view import DocumentView, document_view
from reviewer.core.review.workspace import Workspace

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


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
                            "".join(t.text or "" for t in el.iter(f"{W}t"))))
            elif el.tag == f"{W}tbl":
                out.append(("tbl", "", ""))
        return out

    def headings(self, level: int) -> list[str]:
        return [t for k, s, t in self.blocks() if k == "p" and s == f"Heading{level}"]

    def comments(self) -> dict[int, tuple[str, str]]:
        """comment id -> (author, text)."""
        if self.comments_xml is None:
            return {}
        out = {}
        for c in self.comments_xml.findall(f"{W}comment"):
            text = "\n".join("".join(t.text or "" for t in p.iter(f"{W}t"))
                             for p in c.findall(f"{W}p"))
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

    def table_after(self, heading: str, start: int = 0) -> docx.table.Table:
        """The first table after the heading with this text (from body index `start`)."""
        blocks = self.blocks()
        idx = next(i for i, (k, _s, t) in enumerate(blocks) if i >= start and t == heading)
        n_tables = sum(1 for k, _s, _t in blocks[:idx] if k == "tbl")
        return self.doc.tables[n_tables]


def export(ws: Workspace, ids: list[int], out: Path, **kw) -> Memo:
    path = export_memo(ws, ids, out, **kw)
    assert path == out and out.exists()
    return Memo(out)


def _sentence_with(text: str, needle: str) -> tuple[int, int]:
    k = text.index(needle)
    return k, k + len(needle)


# -- content ------------------------------------------------------------------------------

def test_single_release_memo_sections_and_tables(lib) -> None:
    ws, ids, tmp = lib
    view = document_view(ws, ids[0])
    memo = export(ws, [ids[0]], tmp / "one.docx", title="Weekly review", author="Ann Lee")
    blocks = memo.blocks()
    assert blocks[0][1] == "MemoTitle" and blocks[0][2] == "Weekly review"
    meta = [t for k, s, t in blocks if s == "MemoMeta"]
    assert "Prepared by: Ann Lee" in meta and any(t.startswith("Date: ") for t in meta)
    assert "Across releases" not in memo.headings(1)  # one release: no cross-release part
    h1 = memo.headings(1)
    assert h1[0] == "Releases covered"
    assert h1[1] == f"1. {view.document.title or view.document.name}"
    assert memo.headings(2) == ["Executive summary", "Key facts", "Entities",
                                "Annotated excerpts"]
    # releases table: header + one row with file, dateline, status
    rel = memo.table_after("Releases covered")
    assert len(rel.rows) == 2
    cells = [c.text for c in rel.rows[1].cells]
    assert cells[2] == view.document.name and cells[4] == "unreviewed"
    assert "JAKARTA" in cells[3] and "2021" in cells[3]
    # key facts: one row per fact
    facts = memo.table_after("Key facts")
    assert [c.text for c in facts.rows[0].cells] == ["Fact", "Value", "Status", "Evidence"]
    assert len(facts.rows) == len(view.facts) + 1
    # the generated summary is what the GUI would show
    summary = blocks[[t for _k, _s, t in blocks].index("Executive summary") + 1][2]
    assert summary == generated_summary(view.document, view.entities)
    assert memo.doc.core_properties.author == "Ann Lee"


def test_every_table_repeats_its_header_row(lib) -> None:
    ws, ids, tmp = lib
    memo = export(ws, ids, tmp / "all.docx")
    tables = memo.body.findall(f"{W}tbl")
    assert len(tables) >= 3 + len(ids)  # releases, shared, conflicts; entities per release
    for tbl in tables:
        rows = tbl.findall(f"{W}tr")
        assert rows[0].find(f"{W}trPr/{W}tblHeader") is not None
        assert all(r.find(f"{W}trPr/{W}tblHeader") is None for r in rows[1:])


def test_entities_table_grouped_by_label_with_counts(lib) -> None:
    ws, ids, tmp = lib
    view = document_view(ws, ids[0])
    memo = export(ws, [ids[0]], tmp / "one.docx")
    table = memo.table_after("Entities")
    groups, counts = [], {}
    current = None
    header = [c.text for c in table.rows[0].cells]
    m = header.index("Mentions")
    for row in table.rows[1:]:
        texts = [c.text for c in row.cells]
        if len({id(c._tc) for c in row.cells}) == 1:  # merged group row
            current = texts[0]
            groups.append(current)
            continue
        counts[(current, texts[0])] = int(texts[m])
    assert groups and all("(" in g for g in groups)
    total = sum(counts.values())
    assert total == len(view.entities)
    asean = [n for (g, name), n in counts.items() if name == "ASEAN"]
    assert asean and asean[0] == sum(1 for e in view.entities
                                     if (e.canonical or e.text) == "ASEAN")


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
        text = "".join(t.text or "" for t in r.iter(f"{W}t"))
        assert text
        ps = r.getparent().find(f"{W}pPr/{W}pStyle")
        if ps is not None and ps.get(f"{W}val") == "MemoMeta":
            assert text == LABEL_NAMES[label]  # the highlight key under the title
            continue
        # highlighted text in the appendix is an entity of that label (or its canonical name)
        if (label, text) not in by_text:
            assert any(e.label == label and (e.canonical or e.text) == text
                       for e in view.entities)
    assert seen >= {"PLACE", "ORG", "DATE"}
    # the character styles in the template carry the same colours
    for label in LABELS:
        style = memo.doc.styles[f"Entity-{label}"]
        shd = style.element.find(f"{W}rPr/{W}shd")
        assert "#" + shd.get(f"{W}fill") == LABEL_COLORS[label].upper()


def test_reviewer_summary_and_fact_statuses(lib) -> None:
    ws, ids, tmp = lib
    view = document_view(ws, ids[0])
    ws.store.set_summary(ids[0], "Reviewer's own <summary> & view.")
    figure = next(f for f in view.facts if f.kind == "figure")
    role = next(f for f in view.facts if f.kind == "role")
    ws.store.set_fact_status(ids[0], figure.key(), "verified")
    ws.store.set_fact_status(ids[0], role.key(), "disputed", value="Deputy Minister",
                             note="The ministry's site lists him as deputy.")
    memo = export(ws, [ids[0]], tmp / "one.docx")
    texts = [t for _k, _s, t in memo.blocks()]
    i = texts.index("Executive summary")
    assert texts[i + 1] == "Reviewer's own <summary> & view."
    assert texts[i + 2] == "Summary written by the reviewer."
    facts = memo.table_after("Key facts")
    status = {r.cells[1].text.split("\n")[0]: (r.cells[2].text, r.cells[1].text)
              for r in facts.rows[1:]}
    assert status[figure.summary()][0] == "verified"
    assert status[role.summary()][0] == "disputed"
    assert "Reviewer: Deputy Minister" in status[role.summary()][1]
    # The fact's note is in the body (a PDF of the memo keeps it), not only a comment.
    assert "Note: The ministry's site lists him as deputy." in status[role.summary()][1]
    assert sum(1 for s, _v in status.values() if s == "unverified") == len(view.facts) - 2


def test_notes_become_word_comments_on_the_right_text(lib) -> None:
    ws, ids, tmp = lib
    doc_id = ids[0]
    view = document_view(ws, doc_id)
    text = view.document.text
    # 1. a span inside a sentence, crossing an entity boundary ("Japan Forum held")
    s1, e1 = _sentence_with(text, "Japan Forum held virtually")
    ws.store.add_note(doc_id, "Was it really virtual?", target="span", start=s1, end=e1,
                      quote=text[s1:e1], author="Ann Lee")
    # 2. exactly one entity mention, with markup-looking and control characters
    s2, e2 = _sentence_with(text, "97%")
    ws.store.add_note(doc_id, "Source for <b>97%</b> & \x01figure?", target="entity",
                      target_key="97%", start=s2, end=e2, quote="97%", author="")
    # 3. a note on a fact row, 4. on an entity row, 5. on the whole release
    fact = next(f for f in view.facts if f.kind == "role")
    ws.store.add_note(doc_id, "Title checked on the website", target="fact",
                      target_key=fact.key(), author="Bo")
    ws.store.add_note(doc_id, "Spelling varies", target="entity", target_key="Thailand",
                      author="Bo")
    ws.store.add_note(doc_id, "Overall fine", author="Cy")
    # 7./8. the same span again, and a span overlapping note 1
    ws.store.add_note(doc_id, "Same span", target="span", start=s1, end=e1,
                      quote=text[s1:e1], author="Eve")
    s3, e3 = _sentence_with(text, "held virtually today reaffirmed")
    ws.store.add_note(doc_id, "Overlap", target="span", start=s3, end=e3,
                      quote=text[s3:e3], author="Eve")
    # 6. a note whose text no longer exists (orphaned)
    ws.store.add_note(doc_id, "Lost one", target="span", start=5, end=20,
                      quote="text that is gone", author="Dee")
    memo = export(ws, [doc_id], tmp / "notes.docx", author="Memo Author")
    comments = memo.comments()
    anchored = memo.anchored_text()
    by_text = {text_: (cid, author) for cid, (author, text_) in comments.items()}
    assert len(comments) == 8
    cid, author = by_text["Was it really virtual?"]
    assert author == "Ann Lee" and anchored[cid] == "Japan Forum held virtually"
    cid, author = by_text["Source for <b>97%</b> & figure?"]
    assert author == "Memo Author" and anchored[cid] == "97%"  # memo author as fallback
    assert anchored[by_text["Same span"][0]] == "Japan Forum held virtually"
    assert anchored[by_text["Overlap"][0]] == "held virtually today reaffirmed"
    cid, _ = by_text["Title checked on the website"]
    assert anchored[cid] == fact.summary()
    cid, _ = by_text["Spelling varies"]
    assert anchored[cid] == "Thailand"
    cid, _ = by_text["Overall fine"]
    assert anchored[cid] == f"1. {view.document.title or view.document.name}"
    cid, author = by_text["Lost one"]
    assert author == "Dee" and anchored[cid] == "“text that is gone”"
    # each comment has exactly one range start, range end and reference in document.xml
    for cid in comments:
        for tag in ("commentRangeStart", "commentRangeEnd", "commentReference"):
            found = [e for e in memo.body.iter(f"{W}{tag}") if e.get(f"{W}id") == str(cid)]
            assert len(found) == 1, (tag, cid)
    # the excerpt's runs still read as the original sentence
    excerpts = [t for _k, s, t in memo.blocks() if s == "MemoExcerpt"]
    assert any("Japan Forum held virtually today" in t for t in excerpts)


def test_cross_release_section(lib) -> None:
    ws, ids, tmp = lib
    views = [document_view(ws, i) for i in ids]
    memo = export(ws, ids, tmp / "all.docx")
    h1 = memo.headings(1)
    assert h1[:2] == ["Releases covered", "Across releases"]
    assert len([h for h in h1 if h[:2] in {f"{n}." for n in range(1, 6)}]) == 5
    table = memo.table_after("Entities in more than one release")
    header = [c.text for c in table.rows[0].cells]
    rows = [[c.text for c in r.cells] for r in table.rows[1:]]
    assert rows
    for row in rows:
        assert len(row[2].split(", ")) >= 2, row  # every row is in two releases or more
    # ASEAN (however the linker names it) is listed with exactly the releases naming it
    forms = {"ASEAN", "Association of Southeast Asian Nations"}
    in_all = [i + 1 for i, v in enumerate(views)
              if any(e.label == "ORG" and e.text in forms for e in v.entities)]
    also = header.index("Also written as") if "Also written as" in header else None
    asean = [r for r in rows if r[0] in forms
             or (also is not None and forms & set(r[also].split(", ")))]
    assert len(asean) == 1
    assert asean[0][2] == ", ".join(f"#{n}" for n in in_all)
    releases = memo.table_after("Releases covered")
    assert len(releases.rows) == 6


def _view(text: str, facts: list[Fact], ents: list[Entity] | None = None) -> DocumentView:
    return DocumentView(document=Document(path="/x.txt", text=text), entities=ents or [],
                        facts=facts, status="unreviewed")


def test_conflicts_flag_titles_amounts_and_posts() -> None:
    t = "x" * 200
    r1 = Release(1, _view(t, [
        Fact("role", 0, 50, {"person": "Jane Doe", "title": "Chief Executive", "org": "Acme"}),
        Fact("figure", 0, 50, {"text": "$5 million", "label": "MONEY", "value": 5e6,
                               "currency": "USD", "refers_to": "the grant"}),
        Fact("figure", 0, 50, {"text": "10%", "label": "PERCENT", "value": 0.1,
                               "refers_to": "growth"})]))
    r2 = Release(2, _view(t, [
        Fact("role", 0, 50, {"person": "Jane Doe", "title": "Chief Financial Officer",
                             "org": "Acme"}),
        Fact("role", 0, 50, {"person": "John Roe", "title": "Chief Executive", "org": "Acme"}),
        Fact("figure", 0, 50, {"text": "$7 million", "label": "MONEY", "value": 7e6,
                               "currency": "USD", "refers_to": "The grant"}),
        # the same amount written differently is not a conflict
        Fact("figure", 0, 50, {"text": "10 per cent", "label": "PERCENT", "value": 0.1,
                               "refers_to": "growth"})]))
    r3 = Release(3, _view(t, [
        Fact("role", 0, 50, {"person": "Jane Doe", "title": "chief executive", "org": "ACME"})]))
    conflicts = {(c.subject, c.kind): c.values for c in find_conflicts([r1, r2, r3])}
    assert conflicts[("Jane Doe", "title / role")] == [
        ("Chief Executive, Acme", [1, 3]), ("Chief Financial Officer, Acme", [2])]
    assert conflicts[("Chief Executive, Acme", "who holds the post")] == [
        ("Jane Doe", [1, 3]), ("John Roe", [2])]
    assert conflicts[("the grant", "amount")] == [("$5 million", [1]), ("$7 million", [2])]
    assert not any(s == "growth" for s, _k in conflicts)


def test_no_empty_headings(lib) -> None:
    ws, ids, tmp = lib
    # a release with almost nothing in it: no facts, no entities
    bare = tmp / "docs" / "bare.txt"
    bare.write_text("nothing much here\n", encoding="utf-8")
    ws.library.scan()
    bare_id = ws.doc_id_for_path(bare)
    memo = export(ws, [*ids, bare_id], tmp / "all.docx", full_text=True)
    blocks = memo.blocks()
    for i, (_kind, style, text) in enumerate(blocks):
        if style not in ("Heading1", "Heading2"):
            continue
        assert text.strip(), f"heading {i} has no text"
        nxt = next((b for b in blocks[i + 1:] if b[0] == "tbl" or b[2].strip()), None)
        assert nxt is not None, f"{text!r} ends the memo"
        level = int(style[-1])
        if nxt[1].startswith("Heading"):
            assert int(nxt[1][-1]) > level, f"{text!r} is followed by {nxt[2]!r}"
    bare_heading = memo.headings(1)[-2]  # last release heading, then the appendix
    assert bare_heading.startswith("7. ") or bare_heading.startswith("6. ")


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



def test_direction_controls_are_shown_never_applied_in_the_memo(lib) -> None:
    ws, ids, tmp = lib
    rlo = tmp / "docs" / "rlo.txt"
    rlo.write_text("Invoice attached as \u202egpj.exe by the Ministry of Trade.\n",
                   encoding="utf-8")
    ws.library.scan()
    memo = export(ws, [ws.doc_id_for_path(rlo)], tmp / "rlo.docx",
                  title="Files \u202eexe.jpg", full_text=True)
    everything = "".join(t.text or "" for t in memo.xml.iter(f"{W}t"))
    assert "\u202e" not in everything
    assert "\u21c7gpj.exe" in everything  # the override's visible stand-in, then the text
    assert memo.blocks()[0][2] == "Files \u21c7exe.jpg"


# -- options, progress, errors ----------------------------------------------------------

def test_progress_and_default_author(lib, monkeypatch) -> None:
    ws, ids, tmp = lib
    monkeypatch.setattr("getpass.getuser", lambda: "osuser")
    calls = []
    memo = export(ws, ids[:2], tmp / "p.docx", progress=lambda d, t, w: calls.append((d, t)))
    assert calls[0] == (1, 3) and calls[-1] == (3, 3)
    assert "Prepared by: osuser" in [t for _k, _s, t in memo.blocks()]
    assert memo.doc.core_properties.title == "Review memo"


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


# -- safety --------------------------------------------------------------------------------

def test_failure_mid_write_keeps_the_existing_memo(lib, monkeypatch) -> None:
    ws, ids, tmp = lib
    out = tmp / "out" / "memo.docx"
    out.parent.mkdir()
    out.write_bytes(b"previous memo")

    def broken_save(self, stream):
        stream.write(b"PK\x03\x04 half a zip")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(docx.document.Document, "save", broken_save)
    with pytest.raises(ExportError, match="disk is full"):
        export_memo(ws, [ids[0]], out)
    assert out.read_bytes() == b"previous memo"
    assert sorted(p.name for p in out.parent.iterdir()) == ["memo.docx"]  # no temp left

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
    assert stat.S_IMODE(out.stat().st_mode) == 0o640  # not mkstemp's 0600
    out.chmod(0o644)
    export_memo(ws, [ids[0]], out)  # replacing keeps the file's own mode
    assert stat.S_IMODE(out.stat().st_mode) == 0o644


# -- template -----------------------------------------------------------------------------

def test_template_has_styles_and_page_footer() -> None:
    path = resource_path("memo_template.docx")
    d = docx.Document(str(path))
    names = {s.name for s in d.styles}
    assert {"Memo Title", "Heading 1", "Heading 2"} <= names
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
                   "--title", "CLI memo", "--author", "Cli", "--full-text"])
    captured = capsys.readouterr()
    assert rc == 0, captured.err
    assert f"wrote {out}" in captured.out
    memo = Memo(out)
    assert memo.blocks()[0][2] == "CLI memo"
    assert "Appendix: full text" in memo.headings(1)

    rc = cli_main(["export", *paths, "--out", str(tmp / "missing" / "m.docx"),
                   "--data-dir", str(tmp / "data")])
    err = capsys.readouterr().err
    assert rc != 0
    assert "cannot write" in err and "m.docx" in err and "does not exist" in err

    rc = cli_main(["export", str(tmp / "not-indexed.txt"), "--out", str(out),
                   "--data-dir", str(tmp / "data")])
    assert rc != 0 and "not in the library" in capsys.readouterr().err


# -- rendering ----------------------------------------------------------------------------

@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_memo_renders_to_pdf(lib) -> None:
    ws, ids, tmp = lib
    out = export_memo(ws, ids, tmp / "render.docx", full_text=True)
    profile = tmp / "lo-profile"
    proc = subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp), str(out)],
        capture_output=True, text=True, timeout=180)
    pdf = tmp / "render.pdf"
    assert pdf.exists(), proc.stderr
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    pages = data.count(b"/Type /Page") - data.count(b"/Type /Pages")
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        pages = int(next(line.split()[-1] for line in info.splitlines()
                         if line.startswith("Pages:")))
    assert pages >= 1 + len(ids)  # title page + a page per release at least
