"""Markdown shown as readable text, with every offset still exact.

A Markdown release keeps its raw text everywhere offsets are kept: the extractor, the
index, the review store, the gold files. What the reader sees is that text with the
markup characters hidden (`#` of headings, `**`, the brackets and address of a link,
images, rules, table rulers, fences) and list bullets drawn as "•". Nothing is added or
moved, only hidden or swapped one for one, so a `Rendering` maps any offset of the raw
text to the shown text and back exactly. Line-based and linear in the text's length.
"""
from __future__ import annotations

import re
import threading
from bisect import bisect_right
from collections import OrderedDict
from dataclasses import dataclass, field

_FENCE_RE = re.compile(r" {0,3}(`{3,}|~{3,})")
_ATX_RE = re.compile(r" {0,3}(#{1,6})(?:[ \t]+|$)")
_ATX_CLOSE_RE = re.compile(r"[ \t]+#+[ \t]*$")
_SETEXT_RE = re.compile(r" {0,3}(=+|-+)[ \t]*$")
_RULE_RE = re.compile(r" {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_TABLE_RULER_RE = re.compile(r"[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)+\|?[ \t]*$")
_REFDEF_RE = re.compile(r" {0,3}\[[^\]\n]{1,200}\]:[ \t]*\S+[^\n]*$")
_QUOTE_RE = re.compile(r" {0,3}(?:>[ \t]?)+")
_BULLET_RE = re.compile(r"[ \t]*([-*+])[ \t]+")
_TABLE_EDGE_RE = re.compile(r"[ \t]*(\|)[ \t]*")
_TABLE_END_RE = re.compile(r"[ \t]*(\|)[ \t]*$")
_COMMENT_LINE_RE = re.compile(r"[ \t]*<!--.*-->[ \t]*$")

_CODE_RE = re.compile(r"(`+)(?!`)(.+?)(?<!`)\1(?!`)")
_ESCAPE_RE = re.compile(r"\\([!-/:-@\[-`{-~])")
_IMAGE_RE = re.compile(r"!\[[^\]\n]{0,500}\]\([^)\n]{0,2000}\)")
_LINK_RE = re.compile(
    r"\[((?:[^\[\]\n]|\[[^\[\]\n]*\]){1,500})\]"
    r"(\((?:[^()\s]|\([^()\s]*\)){0,2000}(?:[ \t]+\"[^\"\n]{0,300}\")?\))")
_AUTOLINK_RE = re.compile(r"<((?:https?|mailto|ftp):[^<>\s]{1,2000})>", re.IGNORECASE)
_TAG_RE = re.compile(
    r"</?(?:a|b|big|br|div|em|font|i|p|small|span|strong|sub|sup|u)\b[^<>\n]{0,500}/?>"
    r"|<!--.*?-->", re.IGNORECASE)
_STRONG_RE = re.compile(r"(\*\*|__)(?=[^\s\0])(.+?)(?<=[^\s\0])\1")
_EMPH_RE = re.compile(r"(?<![\w*\0])(\*|_)(?=[^\s*_\0])(.+?)(?<=[^\s*_\0])\1(?![\w*\0])")

MARKDOWN_SUFFIXES = (".md", ".markdown")


@dataclass(slots=True)
class Rendering:
    """The readable form of a raw text and the exact map between the two."""

    display: str
    source_length: int
    #: Kept runs: run i shows source[src[i]:src[i] + size[i]] at display position disp[i].
    src: list[int] = field(default_factory=list)
    disp: list[int] = field(default_factory=list)
    size: list[int] = field(default_factory=list)
    #: Source spans shown as headings (with their level), strong and emphasised text.
    headings: list[tuple[int, int, int]] = field(default_factory=list)
    strong: list[tuple[int, int]] = field(default_factory=list)
    emphasis: list[tuple[int, int]] = field(default_factory=list)

    def to_display(self, offset: int) -> int:
        """Display position of a source offset: the number of shown characters before it
        (a hidden character maps to where the next shown one is)."""
        i = bisect_right(self.src, offset) - 1
        if i < 0:
            return 0
        return self.disp[i] + min(offset - self.src[i], self.size[i])

    def to_source(self, pos: int) -> int:
        """Source offset of the character shown at `pos` (the end maps to the end)."""
        if pos >= len(self.display):
            return self.source_length
        i = bisect_right(self.disp, pos) - 1
        return self.src[i] + (pos - self.disp[i])

    def to_source_end(self, pos: int) -> int:
        """Source offset just after the character shown before `pos`: the end of a span
        selected on screen, which leaves out markup hidden after its last character."""
        if pos <= 0:
            return 0
        return self.to_source(pos - 1) + 1


def is_markdown(path: str) -> bool:
    return path.lower().endswith(MARKDOWN_SUFFIXES)


_CACHE: OrderedDict[tuple[str, str], Rendering] = OrderedDict()
_CACHE_LOCK = threading.Lock()
_CACHE_SIZE = 4


def rendering_of(path: str, text: str) -> Rendering | None:
    """The readable form of a Markdown release (None for other formats), kept for the
    last few texts: the window computes it on the thread that loads the release, and the
    text pane then finds it ready."""
    if not is_markdown(path):
        return None
    key = (path, text)
    with _CACHE_LOCK:
        found = _CACHE.get(key)
        if found is not None:
            _CACHE.move_to_end(key)
            return found
    made = render(text)
    with _CACHE_LOCK:
        _CACHE[key] = made
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return made


def render(text: str) -> Rendering:
    """The readable form of a Markdown text (see the module's docstring)."""
    hidden: list[tuple[int, int]] = []
    subs: dict[int, str] = {}
    out = Rendering("", len(text))
    fence = ""
    previous = ""  # "blank", "text" or "heading": the last line's kind, for setext headings
    previous_span = (0, 0)
    last_shown_blank = True  # blank lines at the start are dropped
    for m in re.finditer(r"[^\n]*\n?", text):
        s, end = m.span()
        if s == end:
            break
        e = end - 1 if text.endswith("\n", s, end) else end
        line = text[s:e]
        whole = (s, end)  # the line with its newline
        if fence:
            if _FENCE_RE.match(line) and line.strip().startswith(fence):
                hidden.append(whole)
                fence = ""
                continue
            last_shown_blank = not line.strip()
            previous = "text"
            continue
        fm = _FENCE_RE.match(line)
        if fm:
            fence = fm.group(1)[0] * 3
            hidden.append(whole)
            continue
        if not line.strip():
            hidden.append((s, e))  # spaces of a blank line
            if last_shown_blank:
                hidden.append(whole)
            last_shown_blank = True
            previous = "blank"
            continue
        setext = _SETEXT_RE.match(line)
        if setext and previous == "text":
            hidden.append(whole)
            level = 1 if setext.group(1)[0] == "=" else 2
            out.headings.append((*previous_span, level))
            previous = "heading"
            continue
        if (_RULE_RE.match(line) or _TABLE_RULER_RE.match(line) or _REFDEF_RE.match(line)
                or _COMMENT_LINE_RE.match(line)):
            hidden.append(whole)
            continue
        line_hidden: list[tuple[int, int]] = []
        start = s
        kind = "text"
        atx = _ATX_RE.match(line)
        if atx:
            line_hidden.append((s, s + atx.end()))
            start = s + atx.end()
            close = _ATX_CLOSE_RE.search(line, atx.end())
            stop = s + close.start() if close else e
            if close:
                line_hidden.append((stop, e))
            if stop > start:
                out.headings.append((start, stop, len(atx.group(1))))
            kind = "heading"
        else:
            q = _QUOTE_RE.match(line)
            if q:
                line_hidden.append((s, s + q.end()))
                start = s + q.end()
            b = _BULLET_RE.match(text, start, e)
            if b and not _RULE_RE.match(line):
                subs[b.start(1)] = "•"
            elif line[start - s:].lstrip().startswith("|"):
                lead = _TABLE_EDGE_RE.match(text, start, e)
                if lead:
                    line_hidden.append((lead.start(1), lead.end()))
                tail = _TABLE_END_RE.search(text, start, e)
                if tail and (lead is None or tail.start(1) > lead.start(1)):
                    line_hidden.append((tail.start(), tail.end()))
        _inline(text, start, e, line_hidden, out)
        hidden.extend(line_hidden)
        if _covers(line_hidden, s, e):
            if last_shown_blank:
                hidden.append(whole)
            last_shown_blank = True
            previous = "blank"
        else:
            last_shown_blank = False
            previous = kind
            previous_span = (start, e)
    _build(text, hidden, subs, out)
    return out


def _inline(text: str, s: int, e: int, hidden: list[tuple[int, int]], out: Rendering) -> None:
    """Hide the inline markup of text[s:e]: code ticks, escapes, images, links, tags,
    emphasis markers (never inside code or a link's address)."""
    line = text[s:e]
    if not line or line.isalnum():
        return
    masked = list(line)

    def hide(a: int, b: int) -> None:  # line-relative
        if a < b:
            hidden.append((s + a, s + b))
            for k in range(a, b):
                masked[k] = "\0"

    def protect(a: int, b: int) -> None:
        for k in range(a, b):
            masked[k] = "\0"

    for m in _CODE_RE.finditer(line):
        hide(m.start(), m.start(2))
        protect(m.start(2), m.end(2))
        hide(m.end(2), m.end())
    view = "".join(masked)
    for m in _ESCAPE_RE.finditer(view):
        hide(m.start(), m.start() + 1)
        protect(m.start(1), m.end(1))
    view = "".join(masked)
    for m in _IMAGE_RE.finditer(view):
        hide(m.start(), m.end())
    view = "".join(masked)
    for m in _LINK_RE.finditer(view):
        hide(m.start(), m.start() + 1)
        hide(m.end(1), m.end())
    view = "".join(masked)
    for m in _AUTOLINK_RE.finditer(view):
        hide(m.start(), m.start() + 1)
        protect(m.start(1), m.end(1))
        hide(m.end(1), m.end())
    view = "".join(masked)
    for m in _TAG_RE.finditer(view):
        hide(m.start(), m.end())
    view = "".join(masked)
    for rx, spans in ((_STRONG_RE, out.strong), (_EMPH_RE, out.emphasis)):
        for m in rx.finditer(view):
            marker = len(m.group(1))
            hide(m.start(), m.start() + marker)
            hide(m.end() - marker, m.end())
            spans.append((s + m.start(2), s + m.end(2)))
        view = "".join(masked)


def _covers(spans: list[tuple[int, int]], s: int, e: int) -> bool:
    """Whether `spans` hide every character of [s, e)."""
    pos = s
    for a, b in sorted(spans):
        if a > pos:
            return False
        pos = max(pos, b)
        if pos >= e:
            return True
    return pos >= e


def _build(text: str, hidden: list[tuple[int, int]], subs: dict[int, str],
           out: Rendering) -> None:
    pieces: list[str] = []
    swaps = sorted(subs)
    pos = shown = 0
    for a, b in sorted(hidden) + [(len(text), len(text))]:
        if a > pos:
            out.src.append(pos)
            out.disp.append(shown)
            out.size.append(a - pos)
            piece = text[pos:a]
            first = bisect_right(swaps, pos - 1)
            if first < len(swaps) and swaps[first] < a:
                chars = list(piece)
                for k in swaps[first:bisect_right(swaps, a - 1)]:
                    chars[k - pos] = subs[k]
                piece = "".join(chars)
            pieces.append(piece)
            shown += a - pos
        pos = max(pos, b)
    out.display = "".join(pieces)
