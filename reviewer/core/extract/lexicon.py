"""What the reviewer taught the extractor, applied to every later extraction.

- add / confirm: the name is found wherever it recurs (whole words, case-sensitive);
- reject: the string is dropped where its context matches (same words before/after),
  or everywhere when the correction's scope is "library";
- retype: the string gets the new label wherever it is found;
- aliases: matching mentions get `Entity.canonical`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from reviewer.core.extract.occurrences import Names
from reviewer.core.model import Alias, Correction, Entity


def _norm_ctx(s: str) -> str:
    return " ".join(re.findall(r"\w+", s.lower()))


@dataclass
class _Reject:
    text: str
    before: str
    after: str
    library: bool


@dataclass
class Lexicon:
    added: dict[str, str] = field(default_factory=dict)  # text -> label
    retyped: dict[str, str] = field(default_factory=dict)  # text -> label
    rejects: list[_Reject] = field(default_factory=list)
    aliases: dict[str, str] = field(default_factory=dict)  # alias (casefolded) -> canonical
    # built once per lexicon: finding thousands of learned names costs one pass over a text
    _names: Names | None = None

    @classmethod
    def from_corrections(
        cls, corrections: Iterable[Correction], aliases: Iterable[Alias] = ()
    ) -> Lexicon:
        lex = cls()
        for c in corrections:
            t = c.text.strip()
            if not t:
                continue
            if c.action in ("add", "confirm", "resize"):
                lex.added[t] = c.label
                lex.rejects = [r for r in lex.rejects if r.text != t]
            elif c.action == "retype":
                lex.retyped[t] = c.label
                if t in lex.added:
                    lex.added[t] = c.label
            elif c.action == "reject":
                lex.rejects.append(
                    _Reject(
                        t, _norm_ctx(c.before)[-40:], _norm_ctx(c.after)[:40], c.scope == "library"
                    )
                )
                lex.added.pop(t, None)
        for a in aliases:
            lex.aliases[a.alias.casefold()] = a.canonical
            lex.aliases.setdefault(a.canonical.casefold(), a.canonical)
        if lex.added:
            lex._names = Names(lex.added)
        return lex

    def _rejected(self, text: str, e: Entity) -> bool:
        for r in self.rejects:
            if r.text != e.text:
                continue
            if r.library:
                return True
            before = _norm_ctx(text[max(0, e.start - 60) : e.start])
            after = _norm_ctx(text[e.end : e.end + 60])
            # the context matches when the nearest words agree (either side may be empty)
            b_ok = not r.before or before.endswith(r.before[-20:])
            a_ok = not r.after or after.startswith(r.after[:20])
            if b_ok and a_ok:
                return True
        return False

    def apply(self, text: str, ents: list[Entity]) -> list[Entity]:
        from reviewer.core.extract.patterns import resolve_overlaps

        out = list(ents)
        for start, end, t in self._names.find(text) if self._names else ():
            lab = self.retyped.get(t, self.added[t])
            # learned names beat automatic guesses that overlap them
            out = [e for e in out if not (e.start < end and start < e.end and e.source != "user")]
            out.append(Entity(start, end, lab, t, source="lexicon", score=2.0))
        for e in out:
            lab = self.retyped.get(e.text)
            if lab and e.source != "user":
                e.label = lab
        out = [e for e in out if not self._rejected(text, e)]
        if self.aliases:
            for e in out:
                c = self.aliases.get(e.text.casefold())
                if c:
                    e.canonical = c
        return resolve_overlaps(out)
