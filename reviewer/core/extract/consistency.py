"""Document-level rules: acronym definitions, special contexts, and one label per string.

A name's evidence (a title, a head word, a definition) is often stated once; later bare
mentions (`Mori`, `ROK`) inherit the label here.
"""

from __future__ import annotations

import re

from reviewer.core.extract.gazetteer import EXCHANGES, Gazetteer
from reviewer.core.model import Entity

# "Name (ACR)" and "Name, or ACR," - the acronym may carry a year ("UNCLOS 1982").
ACR_PAREN = re.compile(r"\x20?\((?:the\x20)?([A-Z][A-Za-z0-9&\-]{1,9}(?:\x20(?:19|20)\d\d)?)\)")
ACR_OR = re.compile(r",\x20or\x20(?:simply\x20)?([A-Z][A-Z0-9&\-]{1,9})\b")
EXCHANGE_RE = re.compile(
    r"\b("
    + "|".join(sorted(EXCHANGES, key=len, reverse=True))
    + r")(?:\x20[A-Z][a-z]+){0,2}\s?:\s?[A-Z][A-Z0-9.\-]{0,9}\b"
)
CREDIT_RE = re.compile(
    r"\((?:Photo|Photos|Source|Image|Video|Credit|Photo credit)\s?:\s?"
    r"([A-Z][A-Za-z&.\-]*(?:\x20[A-Z][A-Za-z&.\-]*){0,3})\)"
)
WIRE_RE = re.compile(
    r"(?:\(([A-Z][A-Z&.\-]+(?:\x20[A-Z][A-Z&.\-]+){0,3})\)|/([A-Z][A-Za-z]*(?:[Ww]ire|WIRE)[A-Za-z]*)/)"
)
URL_RE = re.compile(
    r"https?://\S+|www\.[\w.-]+\S*|(?<![\w.+-])[\w.+-]+@[\w-]+\.[\w.-]+|\]\([^)\s]*\)"
    r""
    r"|(?<![\w.])(?:\+\d{1,3}[\x20.-]?)?(?:\(\d{2,4}\)[\x20.-]?|\d{2,4}[\x20.-])\d{3,4}[\x20.-]\d{3,4}(?![\w])"
)


def masked_spans(text: str) -> list[tuple[int, int]]:
    """URLs, e-mail addresses, link targets and phone numbers: never inside an entity."""
    return [m.span() for m in URL_RE.finditer(text)]


def acronyms(text: str, ents: list[Entity]) -> list[Entity]:
    """Acronyms defined right after a labelled name take its label."""
    by_end = {e.end: e for e in ents if e.label not in ("DATE", "MONEY", "PERCENT", "PERSON")}
    out: list[Entity] = []
    for rx in (ACR_PAREN, ACR_OR):
        for m in rx.finditer(text):
            prev = by_end.get(m.start())
            acr = m.group(1)
            if prev is None:
                # "... Law. Sea 1982 (UNCLOS 1982)": allow a short gap to a name of the same initial
                for gap in range(1, 16):
                    p = by_end.get(m.start() - gap)
                    if p and "\n" not in text[p.end : m.start()]:
                        prev = p
                        break
                if prev is None:
                    continue
            if prev.label not in ("ORG", "PLACE", "EVENT", "DOCUMENT", "NORP"):
                continue
            first = prev.text.lstrip('“"').split()[0]
            if acr[0].upper() != first[0].upper() and prev.end != m.start():
                continue
            s = m.start(1)
            out.append(Entity(s, s + len(acr), prev.label, acr, source="auto", score=0.8))
    return out


def special_contexts(text: str, dl_source_span: tuple[int, int] | None) -> list[Entity]:
    out: list[Entity] = []
    for m in EXCHANGE_RE.finditer(text):
        s, e = m.span(1)
        out.append(Entity(s, e, "ORG", text[s:e], score=0.9))
    for m in CREDIT_RE.finditer(text):
        s, e = m.span(1)
        val = m.group(1)
        if val.isupper() or len(val.split()) == 1:
            out.append(Entity(s, e, "ORG", val, score=0.8))
    head = text[:600]
    for m in WIRE_RE.finditer(head):
        g = 1 if m.group(1) else 2
        s, e = m.span(g)
        val = text[s:e]
        if g == 1 and not re.search(r"WIRE|NEWS|PRESS|MEDIA|AGENCY", val):
            continue
        if EXCHANGE_RE.match(val):
            continue
        out.append(Entity(s, e, "ORG", val, score=0.85))
    if dl_source_span:
        s, e = dl_source_span
        out.append(Entity(s, e, "ORG", text[s:e], score=0.9))
    return out


_WORDCH = re.compile(r"[\w\-]")


def propagate(text: str, ents: list[Entity], gaz: Gazetteer) -> list[Entity]:
    """Later bare mentions of a name take the label seen with evidence earlier in the release."""
    names: dict[str, str] = {}
    for e in ents:
        if e.label == "PERSON":
            parts = e.text.split()
            if len(parts) >= 2:
                for part in (parts[0], parts[-1]):
                    if (
                        len(part) >= 3
                        and part[0].isupper()
                        and not gaz.is_common(part)
                        and (part,) not in gaz.names
                    ):
                        names.setdefault(part, "PERSON")
            names.setdefault(e.text, "PERSON")
        elif e.label in ("ORG", "PLACE", "DOCUMENT", "EVENT", "NORP") and e.source == "auto":
            t = e.text
            if t.isupper() and 2 <= len(t) <= 10 or len(t.split()) >= 2:
                names.setdefault(t, e.label)
    if not names:
        return []
    # plain str.find per name: cheaper than compiling an alternation for every release
    out = []
    n = len(text)
    for t, lab in names.items():
        i = text.find(t)
        while i >= 0:
            j = i + len(t)
            if (i == 0 or not _WORDCH.match(text, i - 1)) and (
                j >= n
                or not (
                    text[j].isalnum()
                    or text[j] == "_"
                    or text[j] == "-"
                    and j + 1 < n
                    and text[j + 1].isalnum()
                )
            ):
                out.append(Entity(i, j, lab, t, source="auto", score=0.55))
            i = text.find(t, j)
    return out


def unify_labels(ents: list[Entity]) -> None:
    """One string keeps one label in a release: weak evidence follows the strongest mention."""
    best: dict[str, Entity] = {}
    for e in ents:
        b = best.get(e.text)
        if b is None or e.score > b.score:
            best[e.text] = e
    for e in ents:
        b = best[e.text]
        if (
            b.label != e.label
            and e.score < b.score
            and e.label not in ("DATE", "MONEY", "PERCENT")
            and b.label not in ("DATE", "MONEY", "PERCENT")
        ):
            e.label = b.label
