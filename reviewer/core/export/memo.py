"""Build the review memo (a python-docx Document) from reviewed releases.

Layout, for a reader who was not part of the review:

- a first page: title, who prepared it and when, what the set is about (the reviewer's
  overview and/or one built from the releases), the releases in one line each (headline
  and dateline), the key verified (and disputed) facts, and where the releases disagree;
- per release, flowing on from the first page: its headline, dateline and review state, a
  summary, its key facts with the release's own words as evidence and the reviewer's
  verdicts, corrections and notes, then the reviewer's other notes; optionally a table
  of its people and organisations;
- optionally an appendix with each full text, entities highlighted.

Every reviewer note is written in the body (a printed or PDF copy keeps it) and also as a
Word comment anchored on the words it is about. A heading is only written when its section
has content, so the memo never shows empty headings.
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
from reviewer.core.export.conflicts import KIND_TEXT, Conflict, find_conflicts
from reviewer.core.export.errors import ExportError
from reviewer.core.export.keyfacts import KeyFact, key_facts
from reviewer.core.export.overview import count, describe_set
from reviewer.core.export.releases import (
    TABLE_LABELS,
    Release,
    plausible_name,
    shared_names,
)
from reviewer.core.export.summary import generated_summary
from reviewer.core.export.wordml import (
    clean,
    label_underline,
    paragraph,
    run,
    set_text_direction,
    table,
)
from reviewer.core.model import LABELS, Alias, Entity
from reviewer.core.palette import LABEL_COLORS, LABEL_NAMES
from reviewer.core.resources import resource_path
from reviewer.core.store import Note

if TYPE_CHECKING:  # review imports the extractor; the memo only needs the data shape
    from reviewer.core.review.view import DocumentView

TEMPLATE = "memo_template.docx"
DEFAULT_TITLE = "Review memo"
MAX_SHARED_ROWS = 60  # the names a reader scans, not a phone book
MAX_TABLE_ROWS = 40
GREY = "666666"
STATUS_TEXT = {"verified": ("✓ verified", "2E7D32"), "disputed": ("✗ disputed", "B03A2E"),
               "unverified": ("unverified", "8A8A8A")}
REVIEW_TEXT = {"unreviewed": "not reviewed yet", "in progress": "review in progress",
               "reviewed": "reviewed"}

Progress = Callable[[int, int, str], None]


@dataclass(slots=True)
class Styles:
    """Style ids looked up once by name in the template (names are what users see)."""

    title: str | None
    meta: str | None
    lead: str | None
    h1: str | None
    h2: str | None
    fact: str | None
    listing: str | None
    evidence: str | None
    note: str | None
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
                   lead=sid("Memo Lead", None),
                   h1=sid("Heading 1", "Heading1"), h2=sid("Heading 2", "Heading2"),
                   fact=sid("Memo Fact", sid("List Bullet", None)),
                   listing=sid("Memo List", None),
                   evidence=sid("Memo Evidence", None), note=sid("Memo Note", None),
                   cell=sid("Memo Table Text", None), table=sid("Table Grid", None),
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


@dataclass(slots=True)
class MemoOptions:
    title: str = DEFAULT_TITLE
    author: str = "Reviewer"
    overview: str = ""  # the reviewer's own opening paragraph(s)
    entities: bool = False  # people and organisations tables
    full_text: bool = False  # appendix with each release's text
    day: _dt.date | None = None
    aliases: Sequence[Alias] = ()


@dataclass(slots=True)
class ReleaseFacts:
    """What the memo says about one release, worked out once for both the first page
    and the release's own section."""

    release: Release
    facts: list[KeyFact]
    more: int  # further facts not listed
    notes: list[Note]  # notes not shown with a fact


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

    def emphasised(self, p: etree._Element, text: str, key: str, **kw: Any
                   ) -> list[etree._Element]:
        """Runs for `text` with the first `key` in it set in bold."""
        at = text.find(key) if key else -1
        if at < 0:
            return [run(p, text, **kw)]
        bold = {**kw, "bold": True}
        parts = [(text[:at], kw), (text[at:at + len(key)], bold), (text[at + len(key):], kw)]
        return [run(p, t, **o) for t, o in parts if t]

    def comment(self, p: etree._Element, runs: Sequence[etree._Element], note: Note) -> int:
        return add_note_comment(self.doc, p, runs, note.text, note.author or self.author)

    def status_run(self, p: etree._Element, status: str) -> None:
        text, color = STATUS_TEXT.get(status, (status, GREY))
        run(p, "  " + text, color=color, size_half_points=18, bold=status != "unverified")

    # -- first page -------------------------------------------------------------------
    def front(self, opts: MemoOptions, infos: Sequence[ReleaseFacts],
              conflicts: Sequence[Conflict], day: _dt.date) -> None:
        releases = [i.release for i in infos]
        self.para(opts.title, self.st.title)
        self.para(f"Prepared by {self.author} · {format_date(day)}", self.st.meta)
        self.para(_review_line(infos), self.st.meta)
        own = [p.strip() for p in opts.overview.replace("\r", "").split("\n\n") if p.strip()]
        self.heading("Overview", 2)
        for text in own:
            self.para(text, self.st.lead)
        self.para(describe_set(releases, opts.aliases), None if own else self.st.lead)

        self.heading("Releases" if len(releases) > 1 else "Release", 2)
        for r in releases:
            p = self.para("", self.st.listing)
            run(p, f"{r.number}.\t", bold=True)
            run(p, r.headline, bold=True)
            where = r.dateline() or "no dateline"
            run(p, f" — {where}", color=GREY)

        verified = [(i.release, f) for i in infos for f in i.facts if f.status == "verified"]
        disputed = [(i.release, f) for i in infos for f in i.facts if f.status == "disputed"]
        total = sum(len(i.facts) for i in infos)
        self.heading("Key verified facts", 2)
        if verified:
            for r, f in verified:
                self._front_fact(r, f, len(releases))
        else:
            self.para(f"No fact has been verified yet: the {count(total, 'key fact')} below "
                      "are as extracted from the releases." if total else
                      "No facts were found in the releases.", self.st.meta)
        if disputed:
            self.heading("Disputed facts", 2)
            for r, f in disputed:
                self._front_fact(r, f, len(releases))

        self.heading("Possible conflicts", 2)
        if conflicts:
            for c in conflicts:
                self._conflict(c)
        else:
            what = ("No post is given to different people at the same time, and no figure "
                    "or meeting date differs between releases." if len(releases) > 1 else
                    "No post is given to different people at the same time.")
            self.para(what, self.st.meta)

    def _front_fact(self, r: Release, f: KeyFact, n: int) -> None:
        p = self.para("", self.st.fact)
        self.emphasised(p, f.statement, f.key)
        if n > 1:
            run(p, f"  (release {r.number})", color=GREY, size_half_points=18)
        if f.corrected_from:
            run(p, f"  corrected; extracted as “{f.corrected_from}”", color=GREY,
                size_half_points=18, italic=True)
        if f.note:
            self.para(f.note, self.st.note)

    def _conflict(self, c: Conflict) -> None:
        p = self.para("", self.st.fact)
        run(p, c.subject, bold=True)
        run(p, f" {KIND_TEXT[c.kind]}: ")
        parts = []
        for value, nums in c.values():
            whens = {cl.when.shown() for cl in c.claims
                     if cl.value == value and cl.when is not None}
            where = ", ".join(f"release {n}" for n in nums)
            if whens and c.kind != "date":
                where += ", " + ", ".join(sorted(whens))
            parts.append((value, where))
        for i, (value, where) in enumerate(parts):
            if i:
                run(p, "; ")
            run(p, value, bold=True)
            run(p, f" ({where})", color=GREY)
        run(p, ".")

    def shared(self, releases: Sequence[Release], aliases: Sequence[Alias]) -> None:
        shared = [s for s in shared_names(releases, aliases) if len(s.releases) > 1]
        if not shared:
            return
        self.heading("People and organisations in several releases", 2)
        rows: list[list[Any]] = []
        for s in shared[:MAX_SHARED_ROWS]:
            rows.append([[(s.name, self.entity_run_options(s.label))],
                         LABEL_NAMES.get(s.label, s.label),
                         ", ".join(str(n) for n in s.releases), ", ".join(s.aliases)])
        self.table(["Name", "Type", "Releases", "Also written as"], [3.4, 1.7, 1.6, 3.3],
                   rows)
        if len(shared) > MAX_SHARED_ROWS:
            self.para(f"… and {len(shared) - MAX_SHARED_ROWS} more.", self.st.meta)

    # -- one release ------------------------------------------------------------------
    def release(self, info: ReleaseFacts, *, first: bool, entities: bool) -> None:
        r = info.release
        view, doc = r.view, r.view.document
        self.heading(f"{r.number}. {r.headline}", 1, page_break=first)
        meta = [r.dateline() or "No dateline", REVIEW_TEXT.get(view.status, view.status),
                doc.name]
        self.para(" · ".join(meta), self.st.meta)
        if r.summary:
            self.para(r.summary)

        if info.facts:
            self.heading("Key facts", 2)
            last: tuple[int, int] | None = None
            for f in info.facts:  # facts from one sentence quote it once
                span = (f.fact.start, f.fact.end)
                self._fact(f, show_evidence=span != last)
                last = span if f.evidence else last
            if info.more:
                self.para(f"{count(info.more, 'further fact')} not listed.", self.st.meta)

        if info.notes:
            self.heading("Reviewer’s notes", 2)
            for n in info.notes:
                self._note(view, n)

        if entities:
            self._entity_table(view)

    def _fact(self, f: KeyFact, *, show_evidence: bool) -> None:
        p = self.para("", self.st.fact)
        head = self.emphasised(p, f.statement, f.key)
        self.status_run(p, f.status)
        if f.corrected_from:
            run(p, f"  corrected by the reviewer; extracted as “{f.corrected_from}”",
                color=GREY, size_half_points=18, italic=True)
        if f.evidence and show_evidence:
            self.para(f.evidence, self.st.evidence)
        if f.note:
            np_ = self.para("", self.st.note)
            run(np_, "Reviewer: ", bold=True)
            run(np_, f.note)
            self.comment(p, head, Note(0, 0, f.note, author=self.author))
        for n in f.notes:
            np_ = self.para("", self.st.note)
            run(np_, n.text)
            run(np_, f" — {n.author or self.author}", color=GREY)
            self.comment(p, head, n)

    def _note(self, view: DocumentView, n: Note) -> None:
        p = self.para("", self.st.note)
        if n.orphaned:
            anchor = run(p, f"“{n.quote}”" if n.quote else "(no quoted text)", italic=True)
            run(p, " (this text is no longer in the release): ", color=GREY)
        elif n.start is not None and n.end is not None:
            quote = " ".join(view.document.text[n.start:n.end].split())
            anchor = run(p, f"“{quote}”", italic=True)
            run(p, ": ")
        elif n.target == "entity" and n.target_key:
            run(p, "On ", color=GREY)
            anchor = run(p, n.target_key, bold=True)
            run(p, ": ")
        elif n.target == "fact":
            run(p, "On a fact no longer extracted", color=GREY)
            anchor = run(p, ": ")
        else:
            anchor = run(p, "On the whole release: ", color=GREY)
        run(p, n.text)
        run(p, f" — {n.author or self.author}", color=GREY)
        self.comment(p, [anchor], n)

    def _entity_table(self, view: DocumentView) -> None:
        structure = view.document.structure
        groups = entity_groups([e for e in view.entities
                                if not structure.is_boilerplate(e.start)
                                and plausible_name(e.label, e.canonical or e.text)])
        rows: list[list[Any]] = []
        for label in TABLE_LABELS:
            for g in groups.get(label, [])[:MAX_TABLE_ROWS]:
                rows.append([[(g.name, self.entity_run_options(label))],
                             LABEL_NAMES.get(label, label), str(g.mentions),
                             ", ".join(g.aliases)])
        if not rows:
            return
        self.heading("People and organisations", 2)
        self.table(["Name", "Type", "Mentions", "Also written as"], [3.6, 1.7, 1.2, 3.5],
                   rows)

    # -- appendix ---------------------------------------------------------------------
    def appendix(self, releases: Sequence[Release]) -> None:
        self.heading("Appendix: full text", 1, page_break=True)
        labels = [lb for lb in LABELS if any(e.label == lb for r in releases
                                             for e in r.view.entities)]
        if labels:
            p = self.para("Highlights: ", self.st.meta)
            for i, lb in enumerate(labels):
                if i:
                    run(p, " ")
                run(p, LABEL_NAMES.get(lb, lb), **self.entity_run_options(lb))
        for r in releases:
            doc = r.view.document
            self.heading(f"{r.number}. {r.headline}", 2)
            text, ents = doc.text, r.view.entities
            pos = 0
            for line in text.split("\n"):
                s, e = pos, pos + len(line)
                pos = e + 1
                if not line.strip():
                    continue
                p = self.para("")
                self.highlighted(p, text, s, e, ents)

    def highlighted(self, p: etree._Element, text: str, start: int, end: int,
                    entities: Sequence[Entity]) -> None:
        """Runs for text[start:end] with entities shaded."""
        bounds = {start, end}
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
        li = 0
        for a, b in zip(points, points[1:], strict=False):
            while li < len(label_at) and label_at[li][1] <= a:
                li += 1
            opts: dict[str, Any] = {}
            if li < len(label_at) and label_at[li][0] <= a < label_at[li][1]:
                opts = self.entity_run_options(label_at[li][2])
            run(p, text[a:b], **opts)


def _review_line(infos: Sequence[ReleaseFacts]) -> str:
    n = len(infos)
    done = sum(1 for i in infos if i.release.view.status == "reviewed")
    facts = [f for i in infos for f in i.facts]
    verified = sum(1 for f in facts if f.status == "verified")
    disputed = sum(1 for f in facts if f.status == "disputed")
    notes = sum(len(i.notes) + sum(len(f.notes) + bool(f.note) for f in i.facts)
                for i in infos)
    parts = [f"{done} of {n} releases reviewed" if n > 1 else
             ("Reviewed" if done else "Not reviewed yet"),
             f"{verified} of {count(len(facts), 'key fact')} verified"
             + (f", {disputed} disputed" if disputed else "")]
    if notes:
        parts.append(count(notes, "reviewer note"))
    text = "; ".join(parts)
    return text[:1].upper() + text[1:]


# -- grouping -------------------------------------------------------------------------------

@dataclass(slots=True)
class EntityGroup:
    label: str
    name: str
    aliases: list[str]
    mentions: int


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
        out[label].append(EntityGroup(label, name, aliases[:8], len(ents)))
    for items in out.values():
        items.sort(key=lambda g: (-g.mentions, g.name.casefold()))
    return out


def release_facts(r: Release) -> ReleaseFacts:
    """The key facts of a release and the notes shown apart from them."""
    view = r.view
    facts, more = key_facts(view, list(view.notes))
    on_facts = {id(n) for f in facts for n in f.notes}
    rest = [n for n in view.notes if id(n) not in on_facts]
    return ReleaseFacts(r, facts, more, sorted(rest, key=_note_order))


def _note_order(n: Note) -> tuple[int, int, int]:
    """Notes on the whole release first, then on names, then on passages in text order,
    then those whose text has gone."""
    if n.orphaned:
        return (3, 0, n.id)
    if n.start is not None and n.end is not None:
        return (2, n.start, n.id)
    return (1 if n.target_key else 0, 0, n.id)


def release_summary(view: DocumentView, stored: str | None) -> tuple[str, bool]:
    """The reviewer's summary when there is one, else a generated one."""
    if stored and stored.strip():
        return clean(stored.strip()), True
    return generated_summary(view.document, view.entities), False


def build_memo(releases: Sequence[Release], opts: MemoOptions) -> DocxDocument:
    """The memo as an in-memory Document (nothing is written to disk here)."""
    title, author = clean(opts.title), clean(opts.author)
    doc = open_template()
    b = MemoBuilder(doc, author)
    infos = [release_facts(r) for r in releases]
    b.front(opts, infos, find_conflicts(releases), opts.day or _dt.date.today())
    if opts.entities and len(releases) > 1:
        b.shared(releases, opts.aliases)
    for i, info in enumerate(infos):
        b.release(info, first=i == 0, entities=opts.entities)
    if opts.full_text:
        b.appendix(releases)
    # Paragraphs of Arabic or Hebrew text (a headline, a quote, a note) read from the right.
    set_text_direction(doc.element.body)
    for part in doc.part.package.iter_parts():
        if str(part.partname) == "/word/comments.xml":
            set_text_direction(part.element)
    props = doc.core_properties
    props.title, props.author, props.last_modified_by = title, author, author
    props.created = props.modified = _dt.datetime.now(_dt.UTC).replace(tzinfo=None)
    props.comments = "Written by Reviewer"
    return doc
