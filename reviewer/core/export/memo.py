"""Build the review memo (a python-docx Document) from reviewed releases.

Layout: title block (title, author, date, highlight key, releases table); for several
releases a cross-release section (shared entities, possible conflicts); then one section
per release (executive summary, key facts, entities, annotated excerpts with the notes as
Word comments); optionally an appendix with each full text. A heading is only written
when its section has content, so the memo never shows empty headings.
"""
from __future__ import annotations

import datetime as _dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import docx
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from lxml import etree

from reviewer.core.export.comments import add_note_comment
from reviewer.core.export.errors import ExportError
from reviewer.core.export.releases import Release, find_conflicts, shared_entities
from reviewer.core.export.summary import (
    enclosing_sentence,
    generated_summary,
    split_sentences,
)
from reviewer.core.export.wordml import Cell, clean, label_underline, paragraph, run, table
from reviewer.core.intervals import merge_spans
from reviewer.core.model import LABELS, Alias, Entity, Fact
from reviewer.core.palette import LABEL_COLORS, LABEL_NAMES
from reviewer.core.resources import resource_path
from reviewer.core.store import Note

if TYPE_CHECKING:  # review imports the extractor; the memo only needs the data shape
    from reviewer.core.review.view import DocumentView

TEMPLATE = "memo_template.docx"
DEFAULT_TITLE = "Review memo"
EVIDENCE_CHARS = 300
MAX_SHARED_ROWS = 400  # a 1000-release memo should not turn into a phone book
# Values, not things: a date or an amount shared by two releases is not news.

STATUS_FILLS = {"verified": "CCEBD9", "disputed": "F6CFC0"}  # green / vermilion tints
KIND_NAMES = {"role": "Role", "figure": "Figure", "dateline": "Dateline",
              "meeting": "Meeting"}

Progress = Callable[[int, int, str], None]


@dataclass(slots=True)
class Styles:
    """Style ids looked up once by name in the template (names are what users see)."""

    title: str | None
    meta: str | None
    h1: str | None
    h2: str | None
    excerpt: str | None
    cell: str | None
    table: str | None
    entity: dict[str, str | None] = field(default_factory=dict)

    @classmethod
    def of(cls, doc: DocxDocument) -> Styles:
        def sid(name: str, fallback: str | None) -> str | None:
            try:
                return str(doc.styles[name].style_id)
            except KeyError:
                return fallback

        return cls(title=sid("Memo Title", "Title"), meta=sid("Memo Meta", None),
                   h1=sid("Heading 1", "Heading1"), h2=sid("Heading 2", "Heading2"),
                   excerpt=sid("Memo Excerpt", None), cell=sid("Memo Table Text", None),
                   table=sid("Table Grid", None),
                   entity={lb: sid(f"Entity-{lb}", None) for lb in LABELS})


def open_template() -> DocxDocument:
    """The bundled template with its body emptied (styles, footer and page setup stay)."""
    path = resource_path(TEMPLATE)
    try:
        doc = docx.Document(str(path))
    except Exception as exc:  # noqa: BLE001 - any failure means the install is broken
        raise ExportError(f"the memo template {path} cannot be opened ({exc}); "
                          "reinstall Reviewer or run tools/build_template.py") from exc
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    return doc


def format_date(day: _dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


class MemoBuilder:
    """Appends memo content to a template document, in order."""

    def __init__(self, doc: DocxDocument, author: str) -> None:
        self.doc = doc
        self.author = author
        self.st = Styles.of(doc)
        self._sect = doc.element.body.find(qn("w:sectPr"))

    # -- primitives -------------------------------------------------------------------
    def _append(self, el: etree._Element) -> etree._Element:
        if self._sect is not None:
            self._sect.addprevious(el)
        else:
            self.doc.element.body.append(el)
        return el

    def para(self, text: str = "", style: str | None = None, **kw: Any) -> etree._Element:
        p = self._append(paragraph(style, **{k: kw.pop(k) for k in list(kw)
                                             if k in ("keep_next", "page_break", "align")}))
        if text:
            run(p, text, **kw)
        return p

    def heading(self, text: str, level: int = 1, *, page_break: bool = False
                ) -> etree._Element:
        style = self.st.h1 if level == 1 else self.st.h2
        return self.para(text, style, keep_next=True, page_break=page_break)

    def table(self, headers: Sequence[str], widths: Sequence[float],
              rows: Iterable[Sequence[Any]]) -> etree._Element:
        tbl = self._append(table(headers, widths, rows, style=self.st.table,
                                 text_style=self.st.cell))
        # Word needs a paragraph between two consecutive tables or it merges them.
        self._append(paragraph(self.st.cell))
        return tbl

    def entity_run_options(self, label: str) -> dict[str, Any]:
        # Direct shading as well as the character style: Word and LibreOffice both honour
        # the style, but other viewers (and mail previews) often only show direct shading.
        return {"style": self.st.entity.get(label), "fill": LABEL_COLORS.get(label),
                "underline": label_underline(label)}

    def highlighted(self, p: etree._Element, text: str, start: int, end: int,
                    entities: Sequence[Entity], cuts: Iterable[int] = ()
                    ) -> dict[int, etree._Element]:
        """Runs for text[start:end] with entities shaded; also split at every offset in
        `cuts` so comments can anchor on exact spans. Returns {run start offset: w:r}."""
        bounds = {start, end}
        bounds.update(c for c in cuts if start < c < end)
        label_at: list[tuple[int, int, str]] = []
        last = start
        for ent in entities:
            if ent.end <= start or ent.start >= end or ent.start < last:
                continue  # outside, or overlapping the previous one (keep the first)
            s, e = max(ent.start, start), min(ent.end, end)
            label_at.append((s, e, ent.label))
            bounds.update((s, e))
            last = e
        points = sorted(bounds)
        runs: dict[int, etree._Element] = {}
        li = 0
        for a, b in zip(points, points[1:], strict=False):
            while li < len(label_at) and label_at[li][1] <= a:
                li += 1
            opts: dict[str, Any] = {}
            if li < len(label_at) and label_at[li][0] <= a < label_at[li][1]:
                opts = self.entity_run_options(label_at[li][2])
            runs[a] = run(p, text[a:b], **opts)
        return runs

    def comment(self, p: etree._Element, runs: Sequence[etree._Element], note: Note) -> int:
        return add_note_comment(self.doc, p, runs, note.text, note.author or self.author)

    # -- title block ------------------------------------------------------------------
    def title_block(self, title: str, releases: Sequence[Release], day: _dt.date) -> None:
        self.para(title, self.st.title)
        self.para(f"Prepared by: {self.author}", self.st.meta)
        self.para(f"Date: {format_date(day)}", self.st.meta)
        n = len(releases)
        self.para(f"Releases covered: {n}", self.st.meta)
        labels = [lb for lb in LABELS if any(e.label == lb for r in releases
                                             for e in r.view.entities)]
        if labels:
            p = self.para("Highlights: ", self.st.meta)
            for i, lb in enumerate(labels):
                if i:
                    run(p, " ")
                run(p, LABEL_NAMES.get(lb, lb), **self.entity_run_options(lb))
        self.heading("Releases covered", 1)
        rows = []
        for r in releases:
            doc = r.view.document
            dl = doc.structure.dateline
            where = ", ".join(x for x in ((dl.place, dl.date) if dl else ()) if x)
            rows.append([str(r.number), r.title, doc.name, where or "—", r.view.status])
        self.table(["#", "Release", "File", "Dateline", "Status"], [0.8, 4.8, 3.2, 2.6, 1.9],
                   rows)

    # -- cross-release ----------------------------------------------------------------
    def cross_release(self, releases: Sequence[Release], aliases: Sequence[Alias] = ()
                      ) -> None:
        shared = shared_entities(releases, aliases)
        conflicts = find_conflicts(releases)
        if not shared and not conflicts:
            return
        self.heading("Across releases", 1, page_break=True)
        if conflicts:
            self.heading("Possible conflicts", 2)
            self.para("The same subject is described differently; check which is right.",
                      self.st.meta)
            self.table(["Subject", "What differs", "Values (release #)"], [3, 1.6, 6],
                       [[c.subject, c.kind, "\n".join(f"{v} (#{', #'.join(map(str, nums))})"
                                                      for v, nums in c.values)]
                        for c in conflicts])
        if shared:
            self.heading("Entities in more than one release", 2)
            shared_rows: list[list[Any]] = []
            listed = shared[:MAX_SHARED_ROWS]
            with_aliases = any(s.aliases for s in listed)  # an empty column only wastes room
            for s in listed:
                row = [[(s.name, self.entity_run_options(s.label))],
                       LABEL_NAMES.get(s.label, s.label),
                       ", ".join(f"#{n}" for n in s.releases), str(s.mentions)]
                shared_rows.append(row + [", ".join(s.aliases)] if with_aliases else row)
            headers = ["Entity", "Type", "Releases", "Mentions"]
            widths = [3, 1.7, 2.3, 1.4]
            if with_aliases:
                headers, widths = headers + ["Also written as"], widths + [3]
            self.table(headers, widths, shared_rows)
            if len(shared) > MAX_SHARED_ROWS:
                self.para(f"… and {len(shared) - MAX_SHARED_ROWS} more shared entities.",
                          self.st.meta)

    # -- one release ------------------------------------------------------------------
    def release(self, r: Release) -> None:
        view, doc = r.view, r.view.document
        text = doc.text
        h = self.heading(f"{r.number}. {r.title}", 1, page_break=True)
        dl = doc.structure.dateline
        meta = [f"File: {doc.name}"]
        if dl and (dl.place or dl.date):
            meta.append("Dateline: " + ", ".join(x for x in (dl.place, dl.date) if x))
        meta.append(f"Review status: {view.status}")
        self.para(" · ".join(meta), self.st.meta)

        anchored, on_facts, on_entities, loose = _sort_notes(view, text)
        # Notes about the whole release hang on its heading.
        for note in loose:
            runs = h.findall(qn("w:r"))
            if runs:
                self.comment(h, runs, note)

        if r.summary:
            self.heading("Executive summary", 2)
            self.para(r.summary)
            if r.summary_edited:
                self.para("Summary written by the reviewer.", self.st.meta, italic=True)

        facts = sorted(view.facts, key=lambda f: (f.start, f.end))
        if facts:
            self.heading("Key facts", 2)
            rows: list[Sequence[Any]] = []
            for f in facts:
                status = view.fact_status(f)
                value = f.summary()
                fs = view.fact_statuses.get(f.key())
                if fs and fs.value and fs.value != value:
                    value = f"{value}\nReviewer: {fs.value}"
                if fs and fs.note.strip():
                    value = f"{value}\nNote: {fs.note.strip()}"
                quote = " ".join(text[f.start:f.end].split())
                if len(quote) > EVIDENCE_CHARS:
                    quote = quote[:EVIDENCE_CHARS - 1].rstrip() + "…"
                status_cell = Cell([(status, {"bold": status != "unverified"})],
                                   STATUS_FILLS.get(status))
                rows.append([KIND_NAMES.get(f.kind, f.kind.title()), value, status_cell,
                             f"“{quote}”" if quote else ""])
            tbl = self.table(["Fact", "Value", "Status", "Evidence"], [1.2, 3.2, 1.3, 5], rows)
            index = {f.key(): i for i, f in enumerate(facts)}
            for note in on_facts:
                i = index.get(note.target_key)
                if i is not None:
                    self._comment_on_cell(tbl, i + 1, 1, note)

        groups = entity_groups(view.entities)
        if groups:
            self.heading("Entities", 2)
            rows = []
            where: dict[str, int] = {}
            aliases = any(g.aliases for items in groups.values() for g in items)
            for label in LABELS:
                items = groups.get(label)
                if not items:
                    continue
                rows.append(("group", f"{LABEL_NAMES.get(label, label)} ({len(items)})",
                             LABEL_COLORS.get(label)))
                for g in items:
                    where.setdefault(g.name, len(rows) + 1)
                    where.setdefault(g.name.casefold(), len(rows) + 1)
                    name = [(g.name, self.entity_run_options(label))]
                    rows.append([name, ", ".join(g.aliases), str(g.mentions), g.status]
                                if aliases else [name, str(g.mentions), g.status])
            if aliases:
                headers, widths = ["Entity", "Also written as", "Mentions", "Status"], \
                    [3.5, 4, 1.4, 2]
            else:
                headers, widths = ["Entity", "Mentions", "Status"], [7.5, 1.4, 2]
            tbl = self.table(headers, widths, rows)
            for note in on_entities:
                row = where.get(note.target_key) or where.get(note.target_key.casefold())
                if row is not None:
                    self._comment_on_cell(tbl, row, 0, note)

        self._excerpts(view, facts, anchored)

    def _comment_on_cell(self, tbl: etree._Element, row: int, col: int, note: Note) -> None:
        tr = tbl.findall(qn("w:tr"))[row]
        p = tr.findall(qn("w:tc"))[col].find(qn("w:p"))
        runs = p.findall(qn("w:r"))
        if runs:
            self.comment(p, runs, note)

    def _excerpts(self, view: DocumentView, facts: Sequence[Fact],
                  notes: Sequence[Note]) -> None:
        doc, text = view.document, view.document.text
        # Whole-text sentences (boilerplate included: a note may sit there).
        spans = list(split_sentences(text, 0, len(text)))
        ranges: list[tuple[int, int]] = []
        for f in facts:
            if 0 <= f.start < f.end <= len(text):
                ranges.append(enclosing_sentence(doc, f.start, f.end, spans))
        anchored = [(n, n.start, n.end) for n in notes
                    if n.start is not None and n.end is not None]
        for _, start, end in anchored:
            ranges.append(enclosing_sentence(doc, start, end, spans))
        ranges = merge_spans(ranges, touching=True)
        if not ranges:
            return
        self.heading("Annotated excerpts", 2)
        ents = view.entities
        for s, e in ranges:
            here = [(n, a, b) for n, a, b in anchored if s <= a and b <= e]
            cuts = {x for _, a, b in here for x in (a, b)}
            p = self.para("", self.st.excerpt)
            runs = self.highlighted(p, text, s, e, ents, cuts)
            starts = sorted(runs)
            for n, a, b in here:
                covering = [runs[x] for x in starts if a <= x < b]
                if covering:
                    self.comment(p, covering, n)

    def orphaned_notes(self, r: Release) -> None:
        lost = [n for n in r.view.notes if n.orphaned]
        if not lost:
            return
        self.heading(f"{r.number}. Notes whose text has changed", 2)
        for n in lost:
            p = self.para("", self.st.excerpt)
            quote = run(p, f"“{n.quote}”" if n.quote else "(no quoted text)", italic=True)
            self.comment(p, [quote], n)

    # -- appendix ---------------------------------------------------------------------
    def appendix(self, releases: Sequence[Release]) -> None:
        self.heading("Appendix: full text", 1, page_break=True)
        for r in releases:
            doc = r.view.document
            self.heading(f"{r.number}. {r.title}", 2)
            text, ents = doc.text, r.view.entities
            pos = 0
            for line in text.split("\n"):
                s, e = pos, pos + len(line)
                pos = e + 1
                if not line.strip():
                    continue
                p = self.para("")
                self.highlighted(p, text, s, e, ents)


# -- grouping and cross-release analysis ------------------------------------------------

@dataclass(slots=True)
class EntityGroup:
    label: str
    name: str
    aliases: list[str]
    mentions: int
    status: str


def entity_groups(entities: Sequence[Entity]) -> dict[str, list[EntityGroup]]:
    """Entities of one release by label, one row per canonical name, most mentioned first."""
    by: dict[tuple[str, str], list[Entity]] = defaultdict(list)
    for ent in entities:
        name = " ".join((ent.canonical or ent.text).split())
        if name:
            by[(ent.label, name)].append(ent)
    out: dict[str, list[EntityGroup]] = defaultdict(list)
    for (label, name), ents in by.items():
        seen = {name.casefold()}
        aliases = []
        for ent in ents:
            t = " ".join(ent.text.split())
            if t.casefold() not in seen:
                seen.add(t.casefold())
                aliases.append(t)
        sources = {e.source for e in ents}
        status = ("corrected by reviewer" if "user" in sources
                  else "learned" if "lexicon" in sources else "extracted")
        out[label].append(EntityGroup(label, name, aliases[:8], len(ents), status))
    for items in out.values():
        items.sort(key=lambda g: (-g.mentions, g.name.casefold()))
    return out


def _sort_notes(view: DocumentView, text: str
                ) -> tuple[list[Note], list[Note], list[Note], list[Note]]:
    """(notes on a span of text, on a fact row, on an entity row, on the whole release).
    A note with a valid span anchors on its text whatever its target; orphaned notes are
    handled separately."""
    anchored, on_facts, on_entities, loose = [], [], [], []
    fact_keys = {f.key() for f in view.facts}
    for n in view.notes:
        if n.orphaned:
            continue
        if n.start is not None and n.end is not None and 0 <= n.start < n.end <= len(text):
            anchored.append(n)
        elif n.target == "fact" and n.target_key in fact_keys:
            on_facts.append(n)
        elif n.target == "entity" and n.target_key:
            on_entities.append(n)
        else:
            loose.append(n)
    return anchored, on_facts, on_entities, loose


def release_summary(view: DocumentView, stored: str | None) -> tuple[str, bool]:
    """The reviewer's summary when there is one, else a generated one."""
    if stored and stored.strip():
        return clean(stored.strip()), True
    return generated_summary(view.document, view.entities), False


def build_memo(releases: Sequence[Release], *, title: str, author: str,
               full_text: bool = False, day: _dt.date | None = None,
               aliases: Sequence[Alias] = ()) -> DocxDocument:
    """The memo as an in-memory Document (nothing is written to disk here)."""
    title, author = clean(title), clean(author)
    doc = open_template()
    b = MemoBuilder(doc, author)
    b.title_block(title, releases, day or _dt.date.today())
    if len(releases) > 1:
        b.cross_release(releases, aliases)
    for r in releases:
        b.release(r)
        b.orphaned_notes(r)
    if full_text:
        b.appendix(releases)
    props = doc.core_properties
    props.title, props.author, props.last_modified_by = title, author, author
    props.created = props.modified = _dt.datetime.now(_dt.UTC).replace(tzinfo=None)
    props.comments = "Written by Reviewer"
    return doc
