"""Invisible characters that change the order text reads in: the bidirectional
embeddings, overrides and isolates (a right-to-left override shows `gpj.exe` as
`exe.jpg`). Wherever Reviewer shows text from a release, each one is replaced by a
visible stand-in of the same length, so offsets stay exact and the override is never
applied. The plain direction marks (U+200E, U+200F) stay: right-to-left text needs them
and they reorder nothing by themselves."""
from __future__ import annotations

import re

#: Each control, its name, and the visible stand-in shown in its place (one character
#: in the Basic Multilingual Plane, like the control, so UTF-16 offsets stay the same).
CONTROLS: dict[str, tuple[str, str]] = {
    "\u202a": ("LEFT-TO-RIGHT EMBEDDING", "\u21e5"),
    "\u202b": ("RIGHT-TO-LEFT EMBEDDING", "\u21e4"),
    "\u202c": ("POP DIRECTIONAL FORMATTING", "\u21b5"),
    "\u202d": ("LEFT-TO-RIGHT OVERRIDE", "\u21c9"),
    "\u202e": ("RIGHT-TO-LEFT OVERRIDE", "\u21c7"),
    "\u2066": ("LEFT-TO-RIGHT ISOLATE", "\u21a6"),
    "\u2067": ("RIGHT-TO-LEFT ISOLATE", "\u21a4"),
    "\u2068": ("FIRST STRONG ISOLATE", "\u21ad"),
    "\u2069": ("POP DIRECTIONAL ISOLATE", "\u21a9"),
}

_PATTERN = re.compile("[" + "".join(CONTROLS) + "]")


def reveal(text: str) -> str:
    """`text` with every control replaced by its visible stand-in (same length)."""
    if not _PATTERN.search(text):
        return text
    return _PATTERN.sub(lambda m: CONTROLS[m.group()][1], text)


def control_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, name) of every control in `text`."""
    return [(m.start(), m.end(), CONTROLS[m.group()][0]) for m in _PATTERN.finditer(text)]
