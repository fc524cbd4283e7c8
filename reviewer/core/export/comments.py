"""Reviewer notes as real Word comments (shown in Word's margin, not as inline text).

python-docx 1.2 writes the comments part and the w:commentRangeStart/End markers for us;
we only decide which runs a note covers. The runs must cover exactly the noted text, so
the memo builder splits runs at note boundaries before calling add_note_comment.
"""
from __future__ import annotations

from collections.abc import Sequence

from docx.document import Document as DocxDocument
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from lxml import etree

from reviewer.core.export.errors import ExportError
from reviewer.core.export.wordml import clean


def initials(author: str) -> str:
    """"Jane van Dyke" -> "JVD"; Word shows these in the comment balloon."""
    return "".join(w[0] for w in author.split() if w[:1].isalpha()).upper()[:4]


def add_note_comment(doc: DocxDocument, p: etree._Element, runs: Sequence[etree._Element],
                     text: str, author: str) -> int:
    """Anchor a comment with `text` by `author` on `runs` (w:r elements of paragraph `p`).

    Returns the comment id. The runs must be consecutive; only the first and last matter.
    """
    if not runs:
        raise ValueError("a comment needs at least one run to anchor on")
    if not hasattr(doc, "add_comment"):  # python-docx < 1.2
        raise ExportError("writing Word comments needs python-docx 1.2 or newer "
                          "(pip install -U python-docx)")
    para = Paragraph(p, doc._body)
    anchors = [Run(r, para) for r in (runs[0], runs[-1])]
    author = clean(author).strip() or "Reviewer"
    comment = doc.add_comment(anchors, text=clean(text), author=author,
                              initials=initials(author))
    return comment.comment_id
