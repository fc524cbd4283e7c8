"""Press-release structure: title, dateline and paragraph blocks (body or boilerplate).

Runs on every release of a library (tens of thousands), so it is line-based and linear:
compiled regexes applied to bounded prefixes of lines, no backtracking over whole texts.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from reviewer.core.documents.dates import MONTH_PATTERN, iso_date, month_number
from reviewer.core.model import BODY, BOILERPLATE, DATELINE, TITLE, Block, Dateline, Structure

# Only this much of a line is examined by the per-line rules: keeps work linear even for
# a 1 MB single-line file, and every pattern we look for sits at the start of a line.
_PREFIX = 400
_DATELINE_LINES = 8  # datelines sit in the first few lines after the title
_TITLE_LINES = 5

# --------------------------------------------------------------------------- dates

_MONTH = MONTH_PATTERN
_WEEKDAY = r"(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs?)?|Fri|Sat(?:ur)?|Sun)(?:day)?\.?,?[ \t]+"
_ORD = r"(?:st|nd|rd|th)?"
_DATE_CORE = (
    rf"(?P<d1>\d{{1,2}}){_ORD}[ \t]+(?:of[ \t]+)?(?P<m1>{_MONTH})\.?,?[ \t]+(?P<y1>\d{{4}})\b"
    rf"|(?P<m2>{_MONTH})\.?[ \t]+(?P<d2>\d{{1,2}}){_ORD}\b(?:,?[ \t]+(?P<y2>\d{{4}})\b)?"
    rf"|(?P<m3>{_MONTH})\.?,?[ \t]+(?P<y3>\d{{4}})\b"
    rf"|(?P<y4>\d{{4}})-(?P<m4>\d{{2}})-(?P<d4>\d{{2}})\b"
)
_TZ = (r"(?:ET|EST|EDT|PT|PST|PDT|CT|CST|CDT|MT|MST|MDT|GMT|UTC|BST|CET|CEST|HKT|SGT|JST"
       r"|Pacific|Eastern|Central|Mountain|[A-Z][A-Za-z]*/[A-Za-z_/]+)")
_TIME = rf"(?:[ \t]*@?[ \t]*\d{{1,2}}:\d{{2}}(?:[ \t]*[AaPp]\.?[Mm]\.?)?(?:[ \t]+{_TZ}\b)?)?"
_DATE_RE = re.compile(rf"(?i:{_WEEKDAY})?(?P<date>(?i:{_DATE_CORE})){_TIME}")


def _iso(m: re.Match[str]) -> str:
    """ISO date from a _DATE_RE match: YYYY-MM-DD, YYYY-MM without a day, "" without a
    year or when the date does not exist."""
    g = m.groupdict()
    for d, mo, y in (("d1", "m1", "y1"), ("d2", "m2", "y2"), (None, "m3", "y3")):
        if g.get(mo):
            year = g.get(y)
            if not year:
                return ""
            return iso_date(int(year), month_number(g[mo]), int(g[d]) if d else None)
    if g.get("y4"):
        return iso_date(int(g["y4"]), int(g["m4"]), int(g["d4"]))
    return ""


# --------------------------------------------------------------------------- dateline

_UP = "A-ZÀ-ÖØ-Þ"
# One place word: "ST.", "Winston-Salem", "ZURICH/SCHLIEREN"; never "April 3".
_PW = rf"(?!(?i:{_MONTH})\.?[ \t]+\d)[{_UP}][\w'’&]*(?:[-./][\w'’&]+)*\.?"
_CONN = r"(?:de|del|da|do|dos|of|la|le|am|an|upon|on|en|sur|am)"
_PLACE = rf"{_PW}(?:[ \t]+(?:{_CONN}[ \t]+)?{_PW}){{0,4}}"
_NOT_DATE = rf"(?!(?i:{_MONTH})\.?[ \t]+\d)(?!\d)"
_PLACE_RE = re.compile(
    rf"(?P<place>{_PLACE})(?P<region>(?:(?:[ \t]*,|[ \t]+(?:and|&))[ \t]*"
    rf"{_NOT_DATE}{_PLACE}){{0,4}})")
_SEP_RE = re.compile(r"[ \t]*(?:-{1,3}|[–—]{1,2}|,|:)[ \t]*")
_COMMA_RE = re.compile(r"[ \t]*,[ \t]*")
_AP_DASH_RE = re.compile(r"[ \t]*(?:--|[–—])[ \t]*")
_DASH_SEP_RE = re.compile(r"[ \t]*(?:-{1,3}|[–—]{1,2})[ \t]*")
_PAREN_RE = re.compile(r"[ \t]*\((?P<src>[^()\n]{2,60})\)")
_SLASH_RE = re.compile(r"[ \t]*/(?P<src>[^/\n]{2,60})/")
_MDLINK_RE = re.compile(r"[ \t]*\[(?P<src>[^\]\n]{2,60})\]\([^)\s]{0,300}\)")
_BARE_SRC_RE = re.compile(r"[ \t]*(?P<src>[A-Z][\w.'-]*(?:[ \t][A-Z][\w.'-]*){0,3})")
_WIRE_WORDS = ("wire", "news", "press", "pr", "newswire", "mediawire", "release")
_DASHED_SRC_RE = re.compile(r"-{2,}[ \t]*(?P<src>[A-Z][^-\n]{1,40}?)[ \t]*-{2,}")
_LABEL_RE = re.compile(
    r"[ \t]*(?:\*\*)?(?i:release date|date|dated|published|posted(?: on)?|issued"
    r"|for immediate release[ \t]*[-–—])"
    r"[ \t]*:?[ \t]*")
_LEAD_RE = re.compile(r"[ \t]*(?:\*\*|__)?")
# Sentence openers that are never a dateline's city on their own.
_NOT_PLACES = frozenset((
    "The", "A", "An", "In", "On", "At", "As", "For", "By", "From", "To", "With", "This",
    "That", "These", "Those", "It", "Its", "Our", "We", "Us", "He", "She", "They", "His",
    "Her", "Their", "Today", "Yesterday", "Tomorrow", "Recently", "Also", "And", "But",
    "Or", "If", "When", "While", "After", "Before", "Following", "During", "Since", "Under",
    "Over", "According", "Through", "Today's", "Last", "Next", "Each", "Every", "All",
    "Some", "About", "When", "Where", "What", "Who", "Why", "How", "Date", "Time",
    "Location", "Venue", "Contact", "Media", "Press", "Source", "Photo", "Beginning",
    "Starting", "Beginning", "Effective", "Until", "Between", "WHEN", "WHERE", "WHAT",
    "WHO", "DATE", "TIME", "LOCATION", "VENUE", "ABOUT", "CONTACT", "MEDIA", "SOURCE",
    "PHOTO"
))


def _source_ok(src: str) -> bool:
    """A bracketed source must look like a wire/agency, not "(NASDAQ: X)" or "(the Company)"."""
    s = src.strip()
    if not s or len(s.split()) > 5 or any(c in s for c in ':"“”;=') or _DATE_RE.search(s):
        return False
    return s[0].isupper() or s[0].isdigit()


def _is_wire_name(src: str) -> bool:
    words = src.split()
    if not words:
        return False
    last = words[-1].lower().rstrip(".")
    return any(last.endswith(w) for w in _WIRE_WORDS)


class _Scan:
    """Tokens of a dateline, consumed left to right within one line."""

    def __init__(self, line: str, base: int) -> None:
        self.line = line
        self.base = base
        self.pos = 0
        self.end = 0  # end of the last consumed token
        self.date: re.Match[str] | None = None
        self.source: tuple[int, int] | None = None
        self.sep_after = False  # the last token was a separator

    def try_date(self) -> bool:
        line, pos = self.line, self.pos
        ws = len(line) - len(line[pos:].lstrip(" \t"))
        paren = line.startswith("(", ws)
        m = _DATE_RE.match(line, ws + 1 if paren else ws)
        if not m or self.date:
            return False
        end = m.end()
        if paren:
            if not line.startswith(")", end):
                return False
            end += 1
        self.date = m
        self.pos = self.end = end
        self.sep_after = False
        return True

    def try_source(self) -> bool:
        if self.source:
            return False
        line, pos = self.line, self.pos
        for rx in (_PAREN_RE, _MDLINK_RE, _SLASH_RE):
            m = rx.match(line, pos)
            if m and _source_ok(m.group("src")) and (
                    rx is not _MDLINK_RE or _is_wire_name(m.group("src"))):
                inner = m.group("src")
                if rx is _SLASH_RE and _DATE_RE.fullmatch(inner.strip()):
                    return False  # "/ March 3, 2025 /": slashes are separators here
                lead = len(inner) - len(inner.lstrip())
                s = m.start("src") + lead
                self.source = (s, s + len(inner.strip()))
                self.pos = self.end = m.end()
                if rx is _SLASH_RE:
                    self.pos -= 1  # leave the closing slash as a separator
                    self.end = self.pos
                self.sep_after = False
                return True
        m = _BARE_SRC_RE.match(line, pos)
        if m and _is_wire_name(m.group("src")):
            self.source = (m.start("src"), m.end("src"))
            self.pos = self.end = m.end()
            d = _PAREN_RE.match(line, self.pos)  # "(Press Release Service – ...)" blurb
            if d:
                self.pos = self.end = d.end()
            self.sep_after = False
            return True
        return False

    def try_sep(self) -> bool:
        m = _SEP_RE.match(self.line, self.pos) or re.compile(r"[ \t]*/[ \t]*").match(
            self.line, self.pos)
        if not m or m.end() == self.pos:
            return False
        self.pos = m.end()
        self.end = m.end() - (len(m.group()) - len(m.group().rstrip()))
        self.sep_after = True
        return True

    def run(self) -> None:
        for _ in range(10):
            if not (self.try_date() or self.try_source() or self.try_sep()):
                break

    def finished(self) -> bool:
        """The dateline must end the line or be followed by a separator, then the lede."""
        rest = self.line[self.end:].strip()
        return not rest or self.sep_after


def _wire_only_ok(scan: _Scan, place: str) -> bool:
    """Without a date, "Hanoi (VNA) –" must look like a wire and end on a dash, unlike
    "Bitcoin (BTC):" or "Meet The People (MTP),"."""
    s, e = scan.source or (0, 0)
    src = scan.line[s:e]
    tail = scan.line[scan.end - 3:scan.end]
    if not any(c in tail for c in "-–—"):
        return False
    if _is_wire_name(src):
        return True
    if not (src.isalpha() and src.isupper() and len(src) <= 6 and scan.line[s - 1:s] == "("):
        return False
    # An agency ("Hanoi (VNA)"), not the thing's own abbreviation ("World of Dypians (WOD)").
    words = place.split()
    initials = "".join(w[0] for w in words).upper()
    return not (words[0] == "The" or src.startswith(initials) or initials.startswith(src)
                or any(w.upper().startswith(src[:3]) for w in words))


def _make(scan: _Scan, start: int, place: tuple[int, int] | None) -> Dateline:
    base, line = scan.base, scan.line
    dl = Dateline(start=base + start, end=base + scan.end)
    if place:
        dl.place = line[place[0]:place[1]]
        dl.place_span = (base + place[0], base + place[1])
    if scan.date:
        s, e = scan.date.span("date")
        dl.date = line[s:e]
        dl.date_span = (base + s, base + e)
        dl.iso = _iso(scan.date)
    if scan.source:
        s, e = scan.source
        dl.source = line[s:e]
        dl.source_span = (base + s, base + e)
    return dl


def _dateline_in(line: str, base: int, ap_ok: bool = False) -> Dateline | None:
    """Parse a dateline at the start of `line` (a prefix of one text line at offset base)."""
    lead = _LEAD_RE.match(line)
    start = lead.end() if lead else 0
    label = _LABEL_RE.match(line, start)
    # Place first: "JAKARTA, 27 May 2021 –", "TOKYO--(BUSINESS WIRE)--", "Hanoi (VNA) –".
    m = _PLACE_RE.match(line, start)
    if m and not label:
        place = m.group("place")
        words = place.split()
        if not (words[0] in _NOT_PLACES and (len(words) == 1 or words[0] != "The")):
            scan = _Scan(line, base)
            scan.pos = scan.end = m.end()
            scan.run()
            dated = scan.date and (scan.date.group("y1", "y2", "y3", "y4") != (None,) * 4
                                   or scan.source)  # "Ceremony November 1–" is no dateline
            if scan.finished() and (dated or scan.source and _wire_only_ok(scan, place)):
                return _make(scan, start, m.span("place"))
            # AP style without date: "WASHINGTON — Today ..." (capitals and a long dash only,
            # first line only: "ASEAN - Japan ties" is not a dateline).
            d = _AP_DASH_RE.match(line, m.end())
            if (ap_ok and not m.group("region") and place.isupper() and len(place) >= 4 and d
                    and line[d.end():d.end() + 1].isupper()):
                scan = _Scan(line, base)
                scan.end = d.end() - (len(d.group()) - len(d.group().rstrip()))
                return _make(scan, start, m.span("place"))
    # Date first: "June 10, 2024 – Geneva, Switzerland -", "Release Date: July 28, 2025".
    scan = _Scan(line, base)
    scan.pos = scan.end = label.end() if label else start
    if scan.try_date():
        place_span = None
        d = _DASH_SEP_RE.match(line, scan.pos)
        c = None if d else _COMMA_RE.match(line, scan.pos)
        if c:  # "May 20, 2025, Orem, UT – ...": only with a place and a dash after it
            p = _PLACE_RE.match(line, c.end())
            if p and _DASH_SEP_RE.match(line, p.end()) and p.group("place") not in _NOT_PLACES:
                d = c
        if d:
            scan.pos = d.end()
            scan.end = d.end() - (len(d.group()) - len(d.group().rstrip()))
            scan.sep_after = True
            p = _PLACE_RE.match(line, scan.pos)
            if p and _DASH_SEP_RE.match(line, p.end()) and p.group("place") not in _NOT_PLACES:
                place_span = p.span("place")
                scan.pos = scan.end = p.end()
                scan.try_sep()
            scan.run()
            return _make(scan, start, place_span)
        rest = line[scan.end:].strip()
        if label or len(rest) <= 40:  # a date alone on a short line: a byline date
            return _make(scan, start, None)
        return None
    # A wire alone between dashes: "--News Direct--".
    w = _DASHED_SRC_RE.match(line, start)
    if w and _source_ok(w.group("src")):
        scan = _Scan(line, base)
        scan.source = w.span("src")
        scan.pos = scan.end = w.end()
        scan.run()
        return _make(scan, start, None)
    # Source first: "(NewsUSA) - As millions ...".
    p = _PAREN_RE.match(line, start)
    if p and _source_ok(p.group("src")) and _DASH_SEP_RE.match(line, p.end()):
        scan = _Scan(line, base)
        scan.pos = start
        scan.try_source()
        scan.try_sep()
        scan.run()
        return _make(scan, start, None)
    return None


# --------------------------------------------------------------------------- line rules

_MD_HEADING_RE = re.compile(r"(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$")
_STRIP_LEAD_RE = re.compile(r"[\s\-*•>#_·]+")
_ABOUT_RE = re.compile(r"(?:About|ABOUT)[ \t]+(?:(?:the|The|THE|us|Us|US)\b|[A-Z0-9À-Þ])")
_CONTACT_HEAD_RE = re.compile(
    r"(?i:(?:for[ \t]+)?(?:(?:media|press|investor|investors|company|pr|news|public)[ \t]+)?"
    r"(?:(?:and|&)[ \t]+\w+[ \t]+)?(?:relations[ \t]+)?"
    r"(?:contacts?|enquiries|inquiries|contact[ \t]+details|contact[ \t]+information)\b)")
_CONTACT_ANY_RE = re.compile(r"(?i:\b(?:media|press|investor)[ \t]+contacts?\b)")
_EMAIL_RE = re.compile(r"[\w.+-]{1,64}@[\w-]{1,63}\.[\w.-]{2,}")
_PHONE_RE = re.compile(r"(?:\+\d{1,3}[ .-]?)?\(?\d{2,4}\)?[ .-]\d{3,4}[ .-]\d{3,4}\b")
_DISCLAIMER_HEAD_RE = re.compile(
    r"(?i:(?:cautionary|special)[ \t]+(?:note|statement|language)s?\b|forward[- ]looking"
    r"[ \t]+(?:statements?|information)\b|safe[ \t]+harbou?r\b|(?:legal[ \t]+)?disclaimers?\b"
    r"|important[ \t]+(?:notice|information)\b|notice[ \t]+to[ \t]+investors\b)")
_DISCLAIMER_TEXT_RE = re.compile(
    r"(?i:(?:this|the)[ \t]+(?:press|news)?[ \t]*(?:release|announcement|communication|"
    r"document|post|article|content)[^.]{0,80}?(?:contains?|includes?|may[ \t]+contain)"
    r"[^.]{0,40}?forward[- ]looking|forward[- ]looking[ \t]+statements?[ \t]+(?:within|"
    r"as[ \t]+defined|are[ \t]+made)|for[ \t]+informational[ \t]+purposes[ \t]+only|not"
    r"[ \t]+(?:intended[ \t]+(?:to[ \t]+be|as)[ \t]+)?(?:investment|investing|financial|"
    r"legal)[ \t]+advice|terms[ \t]+of[ \t]+use[ \t]+and[ \t]+disclaimers)")
_NAV_PHRASE_RE = re.compile(
    r"(?i:(?:other|related|more|latest|recent)[ \t]+(?:news|articles|posts|stories)"
    r"|share(?:[ \t]+this(?:[ \t]+(?:article|story|post|page))?)?|print(?:[ \t]+this)?"
    r"|back[ \t]+to[ \t]+top|source[ \t]+link|read[ \t]+more|see[ \t]+also|tags?"
    r"|comments?(?:[ \t]*\(\d+\))?|follow[ \t]+us(?:[ \t]+on.*)?|home|menu|sitemap"
    r"|previous(?:[ \t]+(?:article|post))?|next(?:[ \t]+(?:article|post))?|advertisement"
    r"|skip[ \t]+to[ \t]+(?:main[ \t]+)?content|subscribe|newsletter|---+|\*\*\*+|___+)"
    r"[ \t]*[:.]?[ \t]*$")
_NAV_START_RE = re.compile(
    r"(?i:menu[ \t]*[-:|]|view[ \t]+(?:the[ \t]+)?(?:original|source)[ \t]+(?:release|version)"
    r"|to[ \t]+view[ \t]+the[ \t]+full[ \t]+press[ \t]+release|original[ \t]+source\b"
    r"|pickup[ \t]+-|home[ \t]*[>»/]|you[ \t]+are[ \t]+here|/[ \t]*\w)")
_LINKS_ONLY_RE = re.compile(
    r"(?:(?:!?\[[^\]\n]{0,300}\]\([^)\n]{0,600}\)|https?://\S{1,600}|[|•·-])[ \t]*){1,20}$")
_MENU_SPLIT_RE = re.compile(r"[ \t]+(?:-|–|\||•|·|/)[ \t]+|[ \t]*\|[ \t]*")


def _is_menu_line(s: str) -> bool:
    """Short menu words separated by " - " or "|": "Home | News | Contact"."""
    if len(s) > 150:
        return False
    parts = [p for p in _MENU_SPLIT_RE.split(s) if p.strip()]
    if len(parts) < 2 or ("|" not in s and len(parts) < 3 and not s.lower().startswith("menu")):
        return False
    return all(len(p) <= 25 and len(p.split()) <= 3 for p in parts)


def _is_navigation(s: str) -> bool:
    return bool(_NAV_PHRASE_RE.match(s) or _NAV_START_RE.match(s) or _LINKS_ONLY_RE.match(s)
                or _is_menu_line(s))


def _word_count(s: str) -> int:
    return len(s.split())


def _is_heading_like(s: str) -> bool:
    return len(s) <= 90 and _word_count(s) <= 10 and not s.rstrip().endswith((".", ",", ";"))


_NBSP = {0xA0: " ", 0x2007: " ", 0x202F: " "}
_SENTENCE_BREAK_RE = re.compile(r"[.!?][ \t]+(\w)")


def _looks_like_headline(s: str) -> bool:
    if not s or len(s) > 250 or s.startswith(("![", "[", "http", "(")) or _word_count(s) < 2:
        return False
    if s.endswith(".") and (len(s) > 120 or any(
            m.group(1).isupper() for m in _SENTENCE_BREAK_RE.finditer(s))):
        return False  # a sentence (or several): the release starts with its body
    return not s.endswith((",", ";", ":"))


# --------------------------------------------------------------------------- analyse

def _lines(text: str) -> list[tuple[int, int]]:
    """Spans of non-empty lines, trimmed of surrounding whitespace."""
    out = []
    for m in re.finditer(r"[^\n]+", text):
        s, e = m.span()
        line = m.group()
        stripped = line.strip()
        if not stripped:
            continue
        lead = len(line) - len(line.lstrip())
        out.append((s + lead, s + lead + len(stripped)))
    return out


@dataclass(slots=True)
class Layout:
    """What a loader knows about a text's layout beyond its characters (spans of lines)."""

    #: Rows of a table (.docx, Markdown): body text, never a menu or navigation.
    tables: list[tuple[int, int]] = field(default_factory=list)
    #: Headers and footers repeated on the pages of a PDF: boilerplate, never the title.
    furniture: list[tuple[int, int]] = field(default_factory=list)


def _flagged(lines: list[tuple[int, int]], spans: list[tuple[int, int]]) -> set[int]:
    """Indexes of the lines that lie inside one of `spans` (both sorted)."""
    out: set[int] = set()
    j = 0
    for i, (s, e) in enumerate(lines):
        while j < len(spans) and spans[j][1] <= s:
            j += 1
        if j < len(spans) and spans[j][0] <= s and e <= spans[j][1]:
            out.add(i)
    return out


def analyse(text: str, layout: Layout | None = None) -> Structure:
    """Title, dateline and blocks of a release's normalised text."""
    st = Structure()
    lines = _lines(text)
    if not lines:
        return st
    tables = _flagged(lines, sorted(layout.tables)) if layout else set()
    furniture = _flagged(lines, sorted(layout.furniture)) if layout else set()
    # Bounded per-line views; no-break spaces (common in wire copy) read as spaces, which
    # keeps lengths, so offsets found in a view are offsets into the text.
    heads = [text[s:min(e, s + _PREFIX)].translate(_NBSP) for s, e in lines]

    # Title: the first headline-like line, skipping leading navigation debris.
    title_idx = -1
    skipped = 0
    for i in range(len(lines)):
        if i in furniture:  # a PDF's page header above the headline
            skipped += 1
            continue
        if i >= _TITLE_LINES + skipped or i in tables:
            break
        s, e = lines[i]
        h = heads[i]
        md = _MD_HEADING_RE.match(h) if h.startswith("#") else None
        if md and md.group(2):
            ts = s + md.start(2)
            title_idx = i
            st.title_span = (ts, ts + len(md.group(2)))
            st.title = text[ts:ts + len(md.group(2))]
            break
        if _dateline_in(h, s) is not None:
            break
        site = _site_title(heads, i)
        if site is not None:
            continue  # "SITE | Headline" debris: the headline follows on its own line
        if _is_navigation(h):
            continue
        if _looks_like_headline(text[s:e]):
            title_idx = i
            st.title, st.title_span = text[s:e], (s, e)
        break

    # Dateline: the first of the next few lines that parses as one.
    dateline_idx = -1
    first = title_idx + 1 if title_idx >= 0 else 0
    for i in range(first, min(len(lines), first + _DATELINE_LINES + len(furniture))):
        if i == title_idx or i in furniture:
            continue
        dl = _dateline_in(heads[i], lines[i][0], ap_ok=i == first)
        if dl is not None:
            st.dateline, dateline_idx = dl, i
            # Strings come from the text itself (the view had no-break spaces replaced).
            for attr in ("place", "date", "source"):
                span = getattr(dl, attr + "_span")
                if span:
                    setattr(dl, attr, text[span[0]:span[1]])
            break

    st.blocks = _blocks(text, lines, heads, title_idx, dateline_idx, tables, furniture)
    if not st.title:
        st.first_sentence = _first_sentence(text, st)
    return st


_SENTENCE_END_RE = re.compile(r"[.!?](?=[\s\"”’)]*(?:\s[\"“‘(]?[A-Z0-9]|$))")
_ABBREVIATION_RE = re.compile(r"(?:\b[A-Z][a-z]{0,3}|\b[A-Z](?:\.[A-Z])+|\b[a-z])$")
_TITLE_MAX = 110
_LEAD_JUNK = " \t-–—:,|/"


def _first_sentence(text: str, st: Structure) -> str:
    """The first sentence of the first body paragraph (after the dateline), cut to about
    _TITLE_MAX characters at a word: a title for a release without a headline."""
    dl = st.dateline
    for b in st.blocks:
        if b.kind not in (BODY, DATELINE):
            continue
        start = b.start
        if dl is not None and b.start <= dl.end <= b.end:
            start = dl.end
        para = text[start:min(b.end, start + 600)].strip(_LEAD_JUNK)
        if len(para.split()) < 3:
            continue
        end = len(para)
        for m in _SENTENCE_END_RE.finditer(para):
            if m.group() == "." and _ABBREVIATION_RE.search(para, 0, m.start()):
                continue  # "Dr.", "U.S.", "Inc."
            end = m.end()
            break
        sentence = " ".join(para[:end].split())
        if len(sentence) > _TITLE_MAX:
            cut = sentence.rfind(" ", 0, _TITLE_MAX)
            sentence = sentence[:cut if cut > 40 else _TITLE_MAX].rstrip(_LEAD_JUNK) + "…"
        return sentence
    return ""


def _site_title(heads: list[str], i: int) -> int | None:
    """'SITE | Headline' where the headline is repeated on a later line: index of that line."""
    h = heads[i]
    if "|" not in h:
        return None
    parts = [p.strip() for p in h.split("|") if p.strip()]
    for j in range(i + 1, min(len(heads), i + 6)):
        if heads[j].strip() in parts:
            return j
    return None


def _blocks(text: str, lines: list[tuple[int, int]], heads: list[str], title_idx: int,
            dateline_idx: int, tables: set[int], furniture: set[int]) -> list[Block]:
    blocks: list[Block] = []
    section = ""  # current boilerplate section: "about", "contact", "disclaimer", "navigation"
    for i, (s, e) in enumerate(lines):
        if i == title_idx:
            blocks.append(Block(s, e, TITLE))
            continue
        if i == dateline_idx:
            blocks.append(Block(s, e, DATELINE))
            section = ""
            continue
        if i in furniture:
            blocks.append(Block(s, e, BOILERPLATE, "page"))
            continue
        h = heads[i]
        lead = _STRIP_LEAD_RE.match(h)
        core = h[lead.end():] if lead else h
        short = e - s <= 150
        reason = ""
        early = i <= max(title_idx, dateline_idx, 0) + 1  # no boilerplate headings up top
        if i in tables:
            pass  # a table's cells are short and "|"-separated, like a menu, but are body
        elif _is_navigation(h) or (i < 6 and _site_title(heads, i) is not None):
            reason = "navigation"
            if _NAV_START_RE.match(h) and h.lower().startswith("menu"):
                section = "navigation"  # site menus: the blurb under them is debris too
        elif _ABOUT_RE.match(core) and not early:
            reason = section = "about"
        elif (_DISCLAIMER_HEAD_RE.match(core) and _is_heading_like(core)
              or _DISCLAIMER_TEXT_RE.search(h)):
            reason = section = "disclaimer"
        elif (_CONTACT_HEAD_RE.match(core) and (short or _EMAIL_RE.search(h))
              or _CONTACT_ANY_RE.search(h) and short):
            reason = section = "contact"
        elif short and ("@" in h and _EMAIL_RE.search(h) or _PHONE_RE.search(h)) and (
                _word_count(h) <= 12 or "contact" in h.lower()):
            reason = "contact"
        elif section:
            md_heading = h.startswith("#") or (h.startswith("**") and h.endswith("**"))
            if md_heading:
                section = ""  # a new, ordinary section: back to body
            elif section == "contact" and not short:
                section = ""  # contact details are short lines; a paragraph ends them
            else:
                reason = section
        if reason and early and reason != "navigation":
            reason = ""
        blocks.append(Block(s, e, BOILERPLATE if reason else BODY, reason))
    return blocks
