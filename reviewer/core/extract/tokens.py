"""Fine-grained tokens for the learned recogniser: letter runs, digit runs, single marks.

Every entity boundary in the annotated releases falls on one of these token boundaries,
including text glued together by a careless export (`Austin, Texaswww.`, `ABOUT ASEANThe`,
`LLPJonathan`): a letter run is also cut where its case changes inside a word.
"""

from __future__ import annotations

import re

_RUN = re.compile(r"[^\W\d_]+|\d+|[^\w\s]|_")


def tokens(text: str) -> list[tuple[int, int]]:
    """(start, end) of every token of `text`, in order."""
    out: list[tuple[int, int]] = []
    append = out.append
    for m in _RUN.finditer(text):
        s, e = m.span()
        rest = text[s + 1 : e]
        if e - s > 1 and text[s].isalpha() and not (rest.islower() and "www" not in rest):
            _cut_run(text, s, e, out)  # `iPhone`, `ASEANThe`: case changes inside the word
        else:
            append((s, e))
    return out


def _cut_run(text: str, s: int, e: int, out: list[tuple[int, int]]) -> None:
    start = s
    for i in range(s + 1, e):
        c = text[i]
        p = text[i - 1]
        if c.isupper():
            # `MagicMix` -> Magic|Mix; `ASEANThe` -> ASEAN|The (an upper run then a word)
            if p.islower() or (
                p.isupper() and i + 1 < e and text[i + 1].islower() and i - s >= 2
            ):
                out.append((start, i))
                start = i
        elif c == "w" and p.isalpha() and text.startswith("www", i) and (
            i + 3 == e or not text[i + 3].isalpha()
        ):
            out.append((start, i))  # `Texaswww.`: a web address glued to a word
            start = i
    out.append((start, e))
