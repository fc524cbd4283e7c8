"""Minimal dateline detection, used when the structure analyser is unavailable or silent.

`JAKARTA, 27 May 2021 –`, `NEW YORK, March 3, 2025 (GLOBE NEWSWIRE) --`,
`HANOI (VNA) -`, `SAN FRANCISCO, Calif., Jan. 5, 2024 /PRNewswire/ --`.
"""

from __future__ import annotations

import re

from reviewer.core.extract.patterns import DATE_RE, date_value
from reviewer.core.model import Dateline

_LEAD = re.compile(r"[ \t*#>_]*")
_PLACE = re.compile(
    r"([A-Z][A-Za-z.'’\-]+(?:\x20[A-Z][A-Za-z.'’\-]+){0,3})(?:,\x20[A-Z][A-Za-z.]+(?:\x20[A-Z][A-Za-z.]+)?)?"
    r"(?:,\x20|\x20(?=\())"
)
_SOURCE = re.compile(r"\s*(?:\(([A-Z][A-Za-z &.\-]{1,40})\)|/([A-Za-z][A-Za-z .\-]{1,40})/)")
_DASH = re.compile(r"\s*(?:[-–—]{1,2}|:)")


def find_dateline(text: str) -> Dateline | None:
    pos = 0
    for _ in range(12):
        nl = text.find("\n", pos)
        line_end = len(text) if nl < 0 else nl
        m = _LEAD.match(text, pos)
        start = m.end() if m else pos
        dl = _at(text, start, line_end)
        if dl:
            return dl
        if nl < 0:
            break
        pos = nl + 1
    return None


def _at(text: str, start: int, line_end: int) -> Dateline | None:
    pm = _PLACE.match(text, start, line_end)
    cur = start
    place_span = None
    if pm:
        place_span = pm.span(1)
        cur = pm.end()
    dm = DATE_RE.match(text, cur, line_end)
    date_span = None
    iso = ""
    if dm and (dm.group("dmy") or dm.group("mdy")):
        date_span = dm.span()
        v = date_value(dm, None) or {}
        iso = str(v.get("iso", ""))
        cur = dm.end()
    sm = _SOURCE.match(text, cur, line_end)
    source_span = None
    if sm:
        g = 1 if sm.group(1) else 2
        source_span = sm.span(g)
        cur = sm.end()
    if not _DASH.match(text, cur, line_end):
        return None
    if date_span is None and source_span is None:
        return None
    if place_span is None and date_span is None:
        return None
    if place_span and not (text[place_span[0] : place_span[1]].isupper() or date_span):
        return None
    d = Dateline(start, cur)
    if place_span:
        d.place_span = place_span
        d.place = text[place_span[0] : place_span[1]]
    if date_span:
        d.date_span = date_span
        d.date = text[date_span[0] : date_span[1]]
        d.iso = iso
    if source_span:
        d.source_span = source_span
        d.source = text[source_span[0] : source_span[1]]
    return d
