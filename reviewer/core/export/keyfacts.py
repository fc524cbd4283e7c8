"""A release's key facts as the memo states them: a plain statement, the words of the
release that support it, the reviewer's verdict, corrected value and notes.

Which facts are key: every fact the reviewer checked, corrected or annotated; then roles,
figures and meetings with a date, place or chairs, in the order the release gives them, up
to MAX_FACTS. The dateline is shown under the headline, so it is a key fact only when the
reviewer said something about it. The same role stated twice ("Suga Yoshihide" / "Yoshihide
Suga, Prime Minister") is listed once.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from reviewer.core.export.claims import (
    When,
    corrected_value,
    effective_fact,
    interpret_role,
    normal_title,
    same_person,
)
from reviewer.core.extract.linking import norm_key
from reviewer.core.model import Fact
from reviewer.core.store import Note

if TYPE_CHECKING:  # review imports the extractor; the memo only needs the data shape
    from reviewer.core.review.view import DocumentView

MAX_FACTS = 10
EVIDENCE_CHARS = 260
STATEMENT_CHARS = 160


@dataclass(slots=True)
class KeyFact:
    fact: Fact
    statement: str  # what the fact says, in a sentence or a phrase
    key: str  # the words of `statement` and of the evidence to set in bold
    evidence: str  # the release's own words ("" when the statement already is them)
    status: str  # "verified", "disputed" or "unverified"
    corrected_from: str = ""  # the extracted value the reviewer corrected
    note: str = ""  # the reviewer's reason given with a status or correction
    notes: list[Note] = field(default_factory=list)  # notes written on this fact

    @property
    def touched(self) -> bool:
        return bool(self.status != "unverified" or self.corrected_from or self.note
                    or self.notes)


def key_facts(view: DocumentView, notes: list[Note]) -> tuple[list[KeyFact], int]:
    """(the key facts in text order, how many further facts were left out)."""
    on_fact: dict[str, list[Note]] = {}
    for n in notes:
        if n.target == "fact" and n.target_key:
            on_fact.setdefault(n.target_key, []).append(n)
    lines: list[KeyFact] = []
    seen_roles: list[tuple[str, str, str]] = []
    for f in sorted(view.facts, key=lambda f: (f.start, f.end)):
        fs = view.fact_statuses.get(f.key())
        line = _line(view, f)
        if line is None:
            continue
        line.status = fs.status if fs else "unverified"
        line.note = (fs.note or "").strip() if fs else ""
        line.notes = on_fact.get(f.key(), [])
        if not line.touched:
            if f.kind == "dateline" or (f.kind == "meeting" and not any(
                    f.fields.get(k) for k in ("date", "place", "co_chairs"))):
                continue
            if f.kind == "role":
                role = interpret_role(view, f)
                if role is not None:
                    sig = (role.person, normal_title(role.title), norm_key(role.jurisdiction))
                    if any(same_person(sig[0], p) and sig[1:] == (t, j)
                           for p, t, j in seen_roles):
                        continue
                    seen_roles.append(sig)
        lines.append(line)
    touched = [ln for ln in lines if ln.touched]
    room = max(0, MAX_FACTS - len(touched))
    rest = [ln for ln in lines if not ln.touched]
    keep = {id(ln) for ln in touched + rest[:room]}
    return [ln for ln in lines if id(ln) in keep], max(0, len(rest) - room)


def _line(view: DocumentView, f: Fact) -> KeyFact | None:
    sentence = " ".join(view.document.text[f.start:f.end].split())
    stated = _statement(view, f, sentence)
    if stated is None:
        return None
    statement, key = stated
    extracted = ""
    corrected = corrected_value(view, f)
    if corrected:
        extracted = f.summary()  # what the extractor said, as the reviewer saw it
        eff = effective_fact(view, f)
        again = _statement(view, eff, sentence) if eff is not None and f.kind == "role" \
            else None
        statement, key = again if again is not None else (corrected, "")
    evidence = _window(sentence, key or str(f.fields.get("text") or f.fields.get("person")
                                            or f.fields.get("event") or ""), EVIDENCE_CHARS)
    if f.kind == "figure" and not corrected and _clause_of(sentence, key) == sentence:
        evidence = ""  # the statement is the release's sentence already
    return KeyFact(f, statement, key, evidence, "unverified", extracted)


def _statement(view: DocumentView, f: Fact, sentence: str) -> tuple[str, str] | None:
    """(what the fact says, the words to set in bold)."""
    d = f.fields
    if f.kind == "role":
        role = interpret_role(view, f)
        return None if role is None else (role.statement(), role.person)
    if f.kind == "figure":
        key = str(d.get("text") or f.summary())
        return _clause(sentence, key), key
    if f.kind == "meeting":
        return _meeting(d), str(d.get("event", ""))
    if f.kind == "dateline":
        return "Dateline: " + ", ".join(str(x) for x in (d.get("place"), d.get("date"))
                                        if x), ""
    return f.summary(), ""


def _meeting(d: dict[str, object]) -> str:
    event = str(d.get("event", ""))
    iso = d.get("iso")
    when = When.parse(iso) if isinstance(iso, str) and iso else None
    date = when.shown() if when is not None else str(d.get("date") or "")
    where = str(d.get("place") or "")
    out = ", ".join(x for x in (event, date, where) if x)
    chairs = [c.strip() for c in str(d.get("co_chairs") or "").split(";") if c.strip()]
    if chairs:
        out += "; co-chaired by " + " and ".join(chairs)
    return out


_CLAUSE_CUT = re.compile(r",\s+(?:and\s+|but\s+|while\s+)?|;\s+|\s+\(|\)\s*|:\s+")


def _clause(sentence: str, key: str) -> str:
    """The clause of `sentence` that holds `key` ("Total two-way trade ... reached 268.5
    billion USD"), or the sentence when the clause says too little on its own; about
    STATEMENT_CHARS long at most."""
    clause = _clause_of(sentence, key)
    clause = clause[:1].upper() + clause[1:]
    return _window(clause, key, STATEMENT_CHARS, quote=False)


def _clause_of(sentence: str, key: str) -> str:
    at = sentence.find(key) if key else -1
    if at < 0:
        return sentence
    start, end = 0, len(sentence)
    for m in _CLAUSE_CUT.finditer(sentence):
        if m.end() <= at:
            start = m.end()
        elif m.start() >= at + len(key):
            end = m.start()
            break
    clause = sentence[start:end].strip()
    if len(clause.split()) < 5:
        return sentence
    if len(clause) > STATEMENT_CHARS:  # a long clause: the part joined by "and" holding it
        part = _part_with(clause, key)
        if len(part.split()) >= 5:
            return part
    return clause


_JOINS = re.compile(r"\s+(?:and|but|while|whereas|as well as)\s+(?:especially\s+|also\s+)?")


def _part_with(clause: str, key: str) -> str:
    at = clause.find(key)
    start, end = 0, len(clause)
    for m in _JOINS.finditer(clause):
        if m.end() <= at:
            start = m.end()
        elif m.start() >= at + len(key):
            end = m.start()
            break
    return clause[start:end].strip()


def _window(text: str, key: str, limit: int, *, quote: bool = True) -> str:
    """`text` cut to about `limit` characters around `key`, with ellipses where cut."""
    if len(text) > limit:
        at = max(0, text.find(key)) if key else 0
        start = max(0, min(at - limit // 3, len(text) - limit))
        if start:
            space = text.find(" ", start)
            start = space + 1 if 0 <= space < at else start
        cut = text[start:start + limit]
        if start + limit < len(text):
            space = cut.rfind(" ")
            cut = cut[:space] if space > limit // 2 else cut
        text = ("…" if start else "") + cut.strip() + ("…" if start + limit < len(text) else "")
    return f"“{text}”" if quote and text else text
